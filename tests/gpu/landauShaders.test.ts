/**
 * Every Landau shader against the float64 reference on random inputs, in real WebGPU
 * (headless Chromium; SwiftShader here). Inputs are rounded to float32 first, so the only
 * differences are the GPU's float32 arithmetic.
 *
 * Tolerance (float32 level): a pair sum of N terms accumulated in float32 has a rounding error
 * ≲ N·u·Σ_j|term_j| in the worst case and ~√N·u·Σ_j|term_j|/√N typically (u = 2⁻²⁴ ≈ 6e-8);
 * transcendental builtins (pow, log, cos: WGSL allows a few ulp) add a few u per term. We
 * compare max-norm errors relative to the max-norm of the reference with tol = 2e-5 ≈ 300 u
 * for N ≤ 200 — tight enough that a wrong constant (even 1 part in 10⁴) fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PairBlock } from '../../src/gpu/passes/landauStep';
import { openGpuHarness, type GpuHarness } from './harness';
import { pairTerms, stepF64 } from '../../src/physics/landau/particleSystem';
import { replicaMoments } from '../../src/physics/moments';
import { defaultParams, toQuery, type Params } from '../../src/physics/params';
import { pcg4d, philox4x32, PHILOX_KEY1, normals4 } from '../../src/physics/rng';
import { randomParticles, relMaxError, testStream, toF32 } from '../stats';

let h: GpuHarness;
beforeAll(async () => {
  h = await openGpuHarness();
});
afterAll(async () => {
  await h?.close();
});

const TOL = 2e-5;

describe('rng.wgsl', () => {
  it.each(['pcg4d', 'philox'] as const)('%s: WGSL and TypeScript integer streams are bit-identical; normals agree', async (kind) => {
    const s = testStream(11);
    const inputs: number[] = [];
    for (let k = 0; k < 2048; k++) for (let c = 0; c < 4; c++) inputs.push(s.nextWord());
    // Edge words too.
    inputs.push(0, 0, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 1, 2, 3, 4, 0x80000000, 0x7fffffff, 0xffff, 0x10000);
    const gpu = await h.api.rngStream(kind, inputs);
    let mismatches = 0, maxNormalErr = 0;
    for (let k = 0; k < inputs.length / 4; k++) {
      const [a, b, c, d] = inputs.slice(4 * k, 4 * k + 4);
      const w = kind === 'pcg4d' ? pcg4d(a, b, c, d) : philox4x32(b, c, d, 0, a, PHILOX_KEY1);
      for (let q = 0; q < 4; q++) if (w[q] !== gpu.words[4 * k + q]) mismatches++;
      const z = normals4(w);
      for (let q = 0; q < 4; q++) maxNormalErr = Math.max(maxNormalErr, Math.abs(z[q] - gpu.normals[4 * k + q]));
    }
    expect(mismatches).toBe(0);
    // Box–Muller in float32: |z| ≤ 5.8, log/cos/sin within a few ulp → absolute error ≲ 1e-5.
    expect(maxNormalErr).toBeLessThan(2e-5);
  });
});

const configs: { d: 2 | 3; gamma: number; eps: number }[] = [
  { d: 3, gamma: 1, eps: 0 },
  { d: 3, gamma: 0, eps: 0 },
  { d: 3, gamma: -1, eps: 0.2 },
  { d: 3, gamma: -2.5, eps: 0.2 },
  { d: 3, gamma: -3, eps: 0.2 },
  { d: 2, gamma: 0.5, eps: 0 },
  { d: 2, gamma: 0, eps: 0 },
  { d: 2, gamma: -3, eps: 0.2 },
];

function paramsFor(c: (typeof configs)[number], noise: Params['noise'], n: number, replicas: number, rng: Params['rng'] = 'pcg4d'): Params {
  return { ...defaultParams(), ...c, noise, n, replicas, dt: 0.003, seed: 77, rng, temp: [1] };
}

/** The pair pass on random float32 velocities (one duplicated) against the float64 pair sums. */
async function checkPairPass(c: (typeof configs)[number], noise: Params['noise'], n: number, pairBlock: PairBlock): Promise<void> {
  const replicas = 2, step = 5;
  const p = paramsFor(c, noise, n, replicas);
  const v = toF32(randomParticles(n, replicas, c.d, 1000 + c.d * 10 + noise.length));
  // Duplicate one particle: coincident velocities (z = 0 for j ≠ i) must be handled.
  for (let q = 0; q < 4; q++) v[7 * 4 + q] = v[3 * 4 + q];
  const gpu = await h.api.pairTerms(toQuery(p), Array.from(v), step, pairBlock);
  const drift: number[] = [], gdrift: number[] = [], abar: number[] = [], gabar: number[] = [], noiseRef: number[] = [], gnoise: number[] = [];
  for (let r = 0; r < replicas; r++) {
    for (let i = 0; i < n; i++) {
      const t = pairTerms(v, r * n, r, i, p, step);
      const o = (r * n + i) * 16;
      for (let q = 0; q < 3; q++) {
        drift.push(t.drift[q]); gdrift.push(gpu[o + q]);
        abar.push(t.abar[q], t.abar[q + 3]); gabar.push(gpu[o + 4 + q], gpu[o + 8 + q]);
        noiseRef.push(t.noiseSum[q]); gnoise.push(gpu[o + 12 + q]);
      }
    }
  }
  expect(relMaxError(gdrift, drift)).toBeLessThan(TOL);
  if (noise === 'nanbu') expect(relMaxError(gabar, abar)).toBeLessThan(TOL);
  else expect(relMaxError(gnoise, noiseRef)).toBeLessThan(TOL);
}

// Particles per invocation (PB of landau_step.wgsl), rotated so that every noise system and every
// configuration meets each of 1, 2, 4 (the default depends on the adapter and the core count).
const BLOCKS: PairBlock[] = [1, 2, 4];
const NOISES = ['nanbu', 'fgm', 'kac'] as const;

describe('landau_step.wgsl pair pass (pairTerms) vs float64', () => {
  configs.forEach((c, ci) => {
    NOISES.forEach((noise, ni) => {
      const pb = BLOCKS[(ci + ni) % 3];
      it(`d=${c.d} γ=${c.gamma} ε=${c.eps} ${noise}, PB = ${pb}: drift, Ā and pair-noise sums`, () => checkPairPass(c, noise, 150, pb));
    });
  });
  // N a multiple of the workgroup: the FULL_TILES pipelines (no tile weights).
  [configs[1], configs[4], configs[7]].forEach((c, ci) => {
    NOISES.forEach((noise, ni) => {
      const pb = BLOCKS[(ci + ni + 1) % 3];
      it(`d=${c.d} γ=${c.gamma} ${noise}, N = 256 (full tiles), PB = ${pb}`, () => checkPairPass(c, noise, 256, pb));
    });
  });

  it('philox generator: pair-noise sums match too', async () => {
    const p = paramsFor(configs[0], 'kac', 100, 1, 'philox');
    const v = toF32(randomParticles(100, 1, 3, 5));
    const gpu = await h.api.pairTerms(toQuery(p), Array.from(v), 3);
    const ref: number[] = [], got: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t = pairTerms(v, 0, 0, i, p, 3);
      for (let q = 0; q < 3; q++) { ref.push(t.noiseSum[q]); got.push(gpu[i * 16 + 12 + q]); }
    }
    expect(relMaxError(got, ref)).toBeLessThan(TOL);
  });
});

describe('landau_step.wgsl full Euler–Maruyama steps vs float64 (same draws)', () => {
  for (const [ci, c] of [configs[1], configs[4], configs[6]].entries()) {
    for (const [ni, noise] of NOISES.entries()) {
      const pb = BLOCKS[(ci + ni + 2) % 3];
      it(`d=${c.d} γ=${c.gamma} ${noise}, PB = ${pb}: 3 steps from step 40`, async () => {
        const n = 130, replicas = 2, steps = 3, start = 40;
        const p = paramsFor(c, noise, n, replicas);
        const v = toF32(randomParticles(n, replicas, c.d, 300 + noise.length));
        const gpu = await h.api.steps(toQuery(p), Array.from(v), start, steps, pb);
        let a = Float64Array.from(v), b = new Float64Array(v.length);
        for (let s = 0; s < steps; s++) {
          stepF64(a, b, p, start + s);
          [a, b] = [b, a];
        }
        // Compare the increments V(3) − V(0), the part the kernel computed.
        const incRef = a.map((x, k) => x - v[k]);
        const incGpu = gpu.map((x, k) => x - v[k]);
        expect(relMaxError(incGpu, incRef)).toBeLessThan(1e-4);
      });
    }
  }

  it('an aligned (singular-Ā) configuration stays finite and matches', async () => {
    // All velocities on one line: every a(z) projects out that line, so Ā has a zero eigenvalue.
    const n = 64;
    const p = paramsFor(configs[1], 'nanbu', n, 1);
    const v = new Float64Array(n * 4);
    const s = testStream(9);
    for (let i = 0; i < n; i++) { const x = s.normal(); v[i * 4] = x; v[i * 4 + 1] = 2 * x; v[i * 4 + 2] = -x; }
    const f = toF32(v);
    const gpu = await h.api.steps(toQuery(p), Array.from(f), 0, 1);
    const out = new Float64Array(f.length);
    stepF64(f, out, p, 0);
    expect(gpu.every(Number.isFinite)).toBe(true);
    expect(relMaxError(gpu.map((x, k) => x - f[k]), out.map((x, k) => x - f[k]))).toBeLessThan(1e-3);
  });
});

describe('moments.wgsl vs float64', () => {
  it('per-replica sums of random states (N not a multiple of the workgroup)', async () => {
    const p: Params = { ...defaultParams(), n: 777, replicas: 3, d: 3 };
    const v = toF32(randomParticles(p.n, p.replicas, 3, 21, 1.7));
    const r = await h.api.run(toQuery(p), 0, 1, false);
    // run() samples its own initial state: compare with the reference on those particles.
    expect(r.checkpoints).toHaveLength(1);
    const fromRun = await h.api.run(toQuery(p), 0, 1, true);
    const parts = fromRun.checkpoints[0].particles!.flatMap((rep) => rep.flatMap((x) => [...x, 0]));
    const ref = replicaMoments(parts, p.n, p.replicas, 3);
    fromRun.checkpoints[0].perReplica.forEach((m, k) => {
      expect(m.energy).toBeCloseTo(ref[k].energy, 4);
      expect(m.m4).toBeCloseTo(ref[k].m4, 2);
      m.momentum.forEach((x, c) => expect(Math.abs(x - ref[k].momentum[c])).toBeLessThan(1e-5));
      m.secondMoment.forEach((row, i) => row.forEach((x, j) => expect(Math.abs(x - ref[k].secondMoment[i][j])).toBeLessThan(1e-5 * 3)));
    });
    expect(v.length).toBe(p.n * p.replicas * 4);
  });
});
