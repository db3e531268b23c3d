/**
 * Step slices (issue 10): a step dispatched as several submissions of a few workgroups each
 * (WebGpuBackend.advance, shaders/step_slice.wgsl) is bit-identical to the whole step, for every
 * model's step shader, with ranges that start and end inside rows (replicas) and cross them.
 * Then the slice offset cannot be dropped or doubled: a shader that ignored it would recompute
 * the first workgroups and leave the others unwritten, which this comparison catches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultParams, toQuery, type Params } from '../../src/physics/params';
import { randomParticles, toF32 } from '../stats';
import { openGpuHarness, type GpuHarness } from './harness';

let h: GpuHarness;
beforeAll(async () => {
  h = await openGpuHarness();
});
afterAll(async () => {
  await h?.close();
});

async function check(p: Params, budgets: number[], pairBlock?: 1 | 2 | 4): Promise<void> {
  const v = Array.from(toF32(randomParticles(p.n, p.replicas, p.d, 4242)));
  if (p.model === 'torus') for (let k = 0; k < v.length; k++) if (k % 4 < p.d) v[k] = v[k] - Math.floor(v[k]);
  if (p.model === 'first-order') for (let k = 3; k < v.length; k += 4) v[k] = 1;
  const r = await h.api.slicedSteps(toQuery(p), v, 9, 3, budgets, pairBlock);
  // The slices really cut steps: more submissions than steps.
  expect(r.submissions).toBeGreaterThan(3);
  let mismatches = 0;
  for (let k = 0; k < r.whole.length; k++) if (!Object.is(r.whole[k], r.sliced[k])) mismatches++;
  expect(mismatches).toBe(0);
  // And the state moved (the comparison is not of two untouched buffers).
  expect(r.whole.some((x, k) => x !== v[k])).toBe(true);
}

describe('sliced steps are bit-identical to whole steps', () => {
  // N = 300: 3 workgroups of 128 per replica (the last partial), R = 3: a 3 × 3 grid.
  it.each(['nanbu', 'fgm', 'kac', 'rotation', 'rotation-shared'] as const)('Landau %s, d = 3, γ = −3, budgets 1, 2, 4 workgroups', async (noise) => {
    await check({ ...defaultParams(), d: 3, gamma: -3, eps: 0.1, noise, n: 300, replicas: 3, dt: 0.002, seed: 5 }, [1, 2, 4]);
  });
  it('Landau nanbu, d = 2, particle block PB = 2 (2 × 3 grid), budgets 5, 1', async () => {
    await check({ ...defaultParams(), d: 2, gamma: 0, noise: 'nanbu', n: 300, replicas: 3, dt: 0.002, seed: 6 }, [5, 1], 2);
  });
  it('Landau kac with two-point increments, d = 2, budgets 2, 1', async () => {
    await check({ ...defaultParams(), d: 2, gamma: -1, eps: 0.1, noise: 'kac', increments: 'two-point', n: 300, replicas: 3, dt: 0.002, seed: 9 }, [2, 1]);
  });
  // interactions=batch (models.md §1.5, batch_step.wgsl): one invocation per batch; N = 701, p = 2:
  // 350 batches (the last of 3) = 3 workgroups of 128 per replica, R = 3: a 3 × 3 grid.
  it.each([
    ['kac exact pairs, d = 3', { noise: 'kac', batch: 2, n: 701 }],
    ['nanbu, p = 2, d = 3', { noise: 'nanbu', batch: 2, n: 700 }],
  ] as const)('random batches, %s, budgets 1, 2, 4', async (_name, over) => {
    await check({ ...defaultParams(), d: 3, gamma: -3, eps: 0.1, interactions: 'batch', replicas: 3, dt: 0.002, seed: 9, ...over }, [1, 2, 4]);
  });
  it('torus, d = 2, budgets 2, 3', async () => {
    await check({ ...defaultParams(), model: 'torus', init: 'wrapped-gaussian', d: 2, n: 300, replicas: 3, dt: 0.001, seed: 7 } as Params, [2, 3]);
  });
  it('first-order (regular kernel), d = 2, budgets 1, 4', async () => {
    await check({ ...defaultParams(), model: 'first-order', kernel: 'regular', d: 2, n: 300, replicas: 3, dt: 0.001, seed: 8 } as Params, [1, 4]);
  });
});
