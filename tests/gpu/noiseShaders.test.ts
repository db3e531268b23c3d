/**
 * Issue 13's shader paths against the float64 reference on the same draws, in real WebGPU
 * (headless Chromium; SwiftShader here): the rotation-generator noise (`rotation`), its
 * shared-noise counter-example (`rotation-shared`, partner noises staged once per tile) and
 * two-point increments for every pair-noise system (models.md §1.4; Kloeden–Platen §14.1).
 * Inputs are rounded to float32 first, so the only differences are the GPU's float32
 * arithmetic; tolerances as in landauShaders.test.ts (2e-5 relative max-norm for the pair
 * sums of N ≤ 256, 1e-4 for three full steps). A wrong constant (or a wrong key: the tests
 * compare every particle's own noise sum) fails them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PairBlock } from '../../src/gpu/passes/landauStep';
import { pairTerms, stepF64 } from '../../src/physics/landau/particleSystem';
import { defaultParams, toQuery, type Increments, type Noise, type Params } from '../../src/physics/params';
import { randomParticles, relMaxError, toF32 } from '../stats';
import { openGpuHarness, type GpuHarness } from './harness';

let h: GpuHarness;
beforeAll(async () => {
  h = await openGpuHarness();
});
afterAll(async () => {
  await h?.close();
});

const TOL = 2e-5;

interface Config { d: 2 | 3; gamma: number; eps: number }
const configs: Config[] = [
  { d: 3, gamma: 0, eps: 0 },
  { d: 3, gamma: -3, eps: 0.2 },
  { d: 3, gamma: 1, eps: 0 },
  { d: 2, gamma: 0.5, eps: 0 },
  { d: 2, gamma: -3, eps: 0.2 },
];

function paramsFor(c: Config, noise: Noise, increments: Increments, n: number, replicas: number): Params {
  return { ...defaultParams(), ...c, noise, increments, n, replicas, dt: 0.003, seed: 91, temp: [1] };
}

async function checkPairPass(c: Config, noise: Noise, increments: Increments, n: number, pairBlock: PairBlock): Promise<void> {
  const replicas = 2, step = 6;
  const p = paramsFor(c, noise, increments, n, replicas);
  const v = toF32(randomParticles(n, replicas, c.d, 2000 + c.d * 10 + noise.length));
  for (let q = 0; q < 4; q++) v[7 * 4 + q] = v[3 * 4 + q]; // coincident velocities (z = 0, j ≠ i)
  const gpu = await h.api.pairTerms(toQuery(p), Array.from(v), step, pairBlock);
  const drift: number[] = [], gdrift: number[] = [], noiseRef: number[] = [], gnoise: number[] = [];
  for (let r = 0; r < replicas; r++) {
    for (let i = 0; i < n; i++) {
      const t = pairTerms(v, r * n, r, i, p, step);
      const o = (r * n + i) * 16;
      for (let q = 0; q < 3; q++) {
        drift.push(t.drift[q]); gdrift.push(gpu[o + q]);
        noiseRef.push(t.noiseSum[q]); gnoise.push(gpu[o + 12 + q]);
      }
    }
  }
  expect(relMaxError(gdrift, drift)).toBeLessThan(TOL);
  expect(relMaxError(gnoise, noiseRef)).toBeLessThan(TOL);
  // The noise sums are not trivially small (the comparison has power).
  expect(Math.max(...noiseRef.map(Math.abs))).toBeGreaterThan(1);
}

const BLOCKS: PairBlock[] = [1, 2, 4];

describe('rotation and rotation-shared pair pass vs float64 (models.md §1.4)', () => {
  configs.forEach((c, ci) => {
    (['rotation', 'rotation-shared'] as const).forEach((noise, ni) => {
      const pb = BLOCKS[(ci + ni) % 3];
      it(`d=${c.d} γ=${c.gamma} ${noise}, PB = ${pb}, N = 150`, () => checkPairPass(c, noise, 'gaussian', 150, pb));
    });
  });
  it('d=3 γ=0 rotation-shared, N = 256 (full tiles), PB = 2', () => checkPairPass(configs[0], 'rotation-shared', 'gaussian', 256, 2));
  it('d=3 γ=−3 rotation, N = 256 (full tiles), PB = 1', () => checkPairPass(configs[1], 'rotation', 'gaussian', 256, 1));
});

describe('two-point increments: pair pass vs float64 (issue 13)', () => {
  const noises: Noise[] = ['fgm', 'kac', 'rotation', 'rotation-shared'];
  noises.forEach((noise, ni) => {
    [configs[1], configs[4]].forEach((c, ci) => {
      const pb = BLOCKS[(ci + ni) % 3];
      it(`d=${c.d} γ=${c.gamma} ${noise}, PB = ${pb}`, () => checkPairPass(c, noise, 'two-point', 150, pb));
    });
  });
});

describe('full Euler–Maruyama steps vs float64 (same draws)', () => {
  const cases: { c: Config; noise: Noise; increments: Increments }[] = [
    { c: configs[0], noise: 'rotation', increments: 'gaussian' },
    { c: configs[1], noise: 'rotation-shared', increments: 'gaussian' },
    { c: configs[4], noise: 'rotation', increments: 'two-point' },
    { c: configs[1], noise: 'kac', increments: 'two-point' },
    { c: configs[0], noise: 'fgm', increments: 'two-point' },
  ];
  for (const { c, noise, increments } of cases) {
    it(`d=${c.d} γ=${c.gamma} ${noise} ${increments}: 3 steps from step 40`, async () => {
      const n = 130, replicas = 2, steps = 3, start = 40;
      const p = paramsFor(c, noise, increments, n, replicas);
      const v = toF32(randomParticles(n, replicas, c.d, 400 + noise.length));
      const gpu = await h.api.steps(toQuery(p), Array.from(v), start, steps);
      let a = Float64Array.from(v), b = new Float64Array(v.length);
      for (let s = 0; s < steps; s++) {
        stepF64(a, b, p, start + s);
        [a, b] = [b, a];
      }
      const incRef = a.map((x, k) => x - v[k]);
      const incGpu = gpu.map((x, k) => x - v[k]);
      expect(relMaxError(incGpu, incRef)).toBeLessThan(1e-4);
    });
  }
});
