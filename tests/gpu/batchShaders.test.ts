/**
 * interactions=batch on the GPU (shaders/batch_step.wgsl) against the float64 reference
 * (physics/landau/randomBatch.ts), in real WebGPU (SwiftShader here):
 * - the random partition is bit-identical (integer Feistel permutation + cycle-walking), for odd
 *   N and N not a multiple of the workgroup, with both generators;
 * - step by step on the same partitions and draws: each GPU step, fed to the float64 step from
 *   the same float32 state, agrees to float32 level (relative max-norm error ≤ 2e-5, as in
 *   landauShaders.test.ts: ~300 float32 ulps; a wrong constant of 1 part in 10⁴ would fail);
 * - exact random pairs keep momentum and energy to float32 rounding, every step, with no drift.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionOrder, batchStepF64 } from '../../src/physics/landau/randomBatch';
import { defaultParams, toQuery, type Params } from '../../src/physics/params';
import { randomParticles, relMaxError, toF32 } from '../stats';
import { openGpuHarness, type GpuHarness } from './harness';

let h: GpuHarness;
beforeAll(async () => {
  h = await openGpuHarness();
});
afterAll(async () => {
  await h?.close();
});

function batchParams(over: Partial<Params>): Params {
  return { ...defaultParams(), interactions: 'batch', dt: 0.004, seed: 21, temp: [1], ...over };
}

describe('the random partition, WGSL against TypeScript', () => {
  it.each([
    [2, 'pcg4d'], [3, 'pcg4d'], [17, 'philox'], [129, 'pcg4d'], [1000, 'philox'], [4097, 'pcg4d'],
  ] as const)('N = %i (%s): bit-identical for every replica and step', async (n, rng) => {
    for (const step of [0, 7]) {
      const p = batchParams({ n, replicas: 3, rng, batch: 2, noise: 'kac' });
      const gpu = await h.api.batchPartition(toQuery(p), step);
      let mismatches = 0;
      for (let r = 0; r < p.replicas; r++) {
        const ref = partitionOrder(rng, p.seed, step, r, n);
        for (let q = 0; q < n; q++) if (gpu[r][q] !== ref[q]) mismatches++;
      }
      expect(mismatches).toBe(0);
    }
  });
});

const cases: { name: string; p: Partial<Params> }[] = [
  { name: 'kac exact pairs, d = 3, γ = −3, odd N (a batch of 3)', p: { d: 3, noise: 'kac', batch: 2, gamma: -3, eps: 0.2, n: 301 } },
  { name: 'kac exact pairs, d = 2, γ = 0.5', p: { d: 2, noise: 'kac', batch: 2, gamma: 0.5, eps: 0, n: 300 } },
  { name: 'kac, p = 5, d = 3, γ = 0', p: { d: 3, noise: 'kac', batch: 5, gamma: 0, n: 203 } },
  { name: 'nanbu, p = 3, d = 3, γ = −1', p: { d: 3, noise: 'nanbu', batch: 3, gamma: -1, eps: 0.2, n: 301 } },
  { name: 'nanbu, p = 4, d = 2, γ = 0', p: { d: 2, noise: 'nanbu', batch: 4, gamma: 0, n: 130 } },
  { name: 'fgm, p = 8, d = 3, γ = −3, philox', p: { d: 3, noise: 'fgm', batch: 8, gamma: -3, eps: 0.2, n: 259, rng: 'philox' } },
  { name: 'rotation, p = 3, d = 3, γ = −1', p: { d: 3, noise: 'rotation', batch: 3, gamma: -1, eps: 0.2, n: 301 } },
  { name: 'rotation, p = 4, d = 2, γ = 0', p: { d: 2, noise: 'rotation', batch: 4, gamma: 0, n: 130 } },
  { name: 'rotation-shared, p = 4, d = 3, γ = −3', p: { d: 3, noise: 'rotation-shared', batch: 4, gamma: -3, eps: 0.2, n: 203 } },
  { name: 'rotation-shared, p = 2, d = 2, γ = 0.5, philox', p: { d: 2, noise: 'rotation-shared', batch: 2, gamma: 0.5, eps: 0, n: 131, rng: 'philox' } },
];

describe('GPU steps against the float64 reference, step by step on the same partitions and draws', () => {
  it.each(cases)('$name', async ({ p: over }) => {
    const p = batchParams({ replicas: 2, ...over });
    const v0 = toF32(randomParticles(p.n, p.replicas, p.d, 500 + p.n));
    const startStep = 3, count = 3;
    const states = await h.api.stepsEach(toQuery(p), Array.from(v0), startStep, count);
    let prev = v0;
    for (let k = 0; k < count; k++) {
      const ref = new Float64Array(prev.length);
      batchStepF64(prev, ref, p, startStep + k);
      const err = relMaxError(states[k], ref);
      expect(err, `step ${startStep + k}`).toBeLessThan(2e-5);
      // The step moved the particles (not a comparison of untouched buffers).
      expect(relMaxError(ref, prev)).toBeGreaterThan(1e-3);
      prev = Float64Array.from(states[k]);
    }
  });
});

describe('exact random pairs on the GPU', () => {
  it.each([2, 3] as const)('d = %i: momentum and energy conserved to float32 rounding every step (40 steps, no drift)', async (d) => {
    const p = batchParams({ d, noise: 'kac', batch: 2, gamma: 0, n: 1001, replicas: 2, dt: 0.01 });
    const v0 = toF32(randomParticles(p.n, p.replicas, d, 808));
    const states = await h.api.stepsEach(toQuery(p), Array.from(v0), 0, 40);
    const sums = (v: ArrayLike<number>, r: number) => {
      const m = [0, 0, 0];
      let e = 0;
      for (let i = 0; i < p.n; i++) {
        const o = (r * p.n + i) * 4;
        for (let c = 0; c < 3; c++) { m[c] += v[o + c]; e += v[o + c] ** 2; }
      }
      return { m, e };
    };
    for (let r = 0; r < p.replicas; r++) {
      const s0 = sums(v0, r);
      let worstE = 0, worstM = 0;
      for (const st of states) {
        const s = sums(st, r);
        worstE = Math.max(worstE, Math.abs(s.e - s0.e) / s0.e);
        worstM = Math.max(worstM, ...s.m.map((x, c) => Math.abs(x - s0.m[c])));
      }
      // Each step rounds every velocity to float32 (u = 6e-8): relative energy changes ~√N·u per
      // step and a random walk over steps; an O(dt) Euler drift would be ~1e-2 here.
      expect(worstE).toBeLessThan(2e-5);
      expect(worstM).toBeLessThan(1e-3); // Σ of 1001 velocities of size ~1, each rounded: ≲ √N·u·steps
    }
  });
});
