/**
 * The first-order kernels (models.md §3) and the torus system (§2) in WGSL against the float64
 * reference on random configurations, in real WebGPU (headless Chromium; SwiftShader here).
 * Inputs are rounded to float32 first, so the only differences are the GPU's float32 arithmetic.
 *
 * Tolerance (float32 level), as in landauShaders.test.ts: max-norm errors relative to the
 * max-norm of the reference, tol = 2e-5 ≈ 300 u (u = 2⁻²⁴) for N ≤ 200. Why it holds with ε = 0:
 * a pair difference X^i − X^j of two float32 numbers is exact when they are within a factor 2
 * (Sterbenz), which is the case for the close pairs that dominate a singular kernel; otherwise
 * its error is ≤ u·max|X|, relative u·max|X|/|z| = O(u) for the far pairs. Each kernel value then
 * has a few-ulp error (division, inverseSqrt, pow, exp), and the sum of N terms adds ≲ √N·u·Σ|terms|.
 * The torus kernel's sin/cos are evaluated to float32 accuracy (sinCos2Pi), not WGSL's 2⁻¹¹.
 * Full Euler–Maruyama steps use the same draws: their increments are compared at 1e-4. Each case
 * runs the pair pass and the steps on one backend (pipeline compilation dominates on SwiftShader).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuHarness, type GpuHarness } from './harness';
import { driftF64, stepF64 } from '../../src/physics/firstOrder/particleSystem';
import { torusPairTerms, torusStepF64 } from '../../src/physics/torus/particleSystem';
import { nearestImage } from '../../src/physics/torus/kernel';
import { defaultParams, toQuery, type Params } from '../../src/physics/params';
import { randomParticles, relMaxError, testStream, toF32 } from '../stats';

let h: GpuHarness;
beforeAll(async () => {
  h = await openGpuHarness();
});
afterAll(async () => {
  await h?.close();
});

const TOL = 2e-5;
const residuals: string[] = [];

type KernelCase = Pick<Params, 'd' | 'kernel' | 'sign' | 'eps' | 's' | 'circ'> & { chi?: number };

const kernelCases: KernelCase[] = [
  { d: 2, kernel: 'biot-savart', sign: 'repulsive', eps: 0.05, s: 0, circ: 'pm' },
  { d: 2, kernel: 'biot-savart', sign: 'repulsive', eps: 0, s: 0, circ: 'uniform' },
  { d: 2, kernel: 'coulomb', sign: 'repulsive', eps: 0.1, s: 0, circ: 'plus' },
  { d: 2, kernel: 'coulomb', sign: 'attractive', eps: 0, s: 0, circ: 'plus', chi: 20 },
  { d: 3, kernel: 'coulomb', sign: 'repulsive', eps: 0, s: 0, circ: 'plus' },
  { d: 3, kernel: 'coulomb', sign: 'attractive', eps: 0.1, s: 0, circ: 'plus' },
  { d: 3, kernel: 'riesz', sign: 'repulsive', eps: 0.05, s: 0.5, circ: 'plus' },
  { d: 3, kernel: 'riesz', sign: 'attractive', eps: 0, s: 0.3, circ: 'plus' },
  { d: 2, kernel: 'riesz', sign: 'repulsive', eps: 0, s: -0.5, circ: 'plus' },
  { d: 2, kernel: 'regular', sign: 'attractive', eps: 0, s: 0, circ: 'plus' },
  { d: 3, kernel: 'regular', sign: 'repulsive', eps: 0, s: 0, circ: 'plus' },
];

function firstOrderParams(c: KernelCase, n: number, replicas: number, rng: Params['rng']): Params {
  return { ...defaultParams(), model: 'first-order', init: 'gaussian', ...c, chi: c.chi ?? 1.3, sigma: 0.4, n, replicas, dt: 0.004, seed: 91, rng };
}

const label = (c: KernelCase) => `${c.kernel} d=${c.d} ${c.kernel === 'biot-savart' ? `circ=${c.circ}` : c.sign}${c.kernel === 'riesz' ? ` s=${c.s}` : ''} ε=${c.eps}`;

/** Random positions (float32) with circulations in w: ±1 / uniform for Biot–Savart, else 1. */
function positionsWithCirculations(p: Params, seed: number): Float64Array {
  const x = toF32(randomParticles(p.n, p.replicas, p.d, seed));
  const s = testStream(seed, 1);
  for (let k = 0; k < p.n * p.replicas; k++) {
    const u = s.uniform();
    x[k * 4 + 3] = p.kernel !== 'biot-savart' ? 1 : p.circ === 'pm' ? (u < 0.5 ? -1 : 1) : p.circ === 'uniform' ? Math.fround(2 * u - 1) : 1;
  }
  // A coincident pair (j ≠ i): with ε = 0 it contributes 0 by convention, never NaN.
  for (let q = 0; q < 3; q++) x[7 * 4 + q] = x[3 * 4 + q];
  return x;
}

describe('first_order_step.wgsl vs float64: the drift (1/N)Σ_{j≠i} m_j K(X^i − X^j), then 2 full steps with the same draws', () => {
  kernelCases.forEach((c, k) => {
    const rng: Params['rng'] = k === 6 ? 'philox' : 'pcg4d';
    it(`${label(c)} (${rng})`, async () => {
      const n = 150, replicas = 2, steps = 2, start = 40;
      const p = firstOrderParams(c, n, replicas, rng);
      const x = positionsWithCirculations(p, 500 + k);
      const gpu = await h.api.pairTermsAndSteps(toQuery(p), Array.from(x), 3, start, steps);
      const ref: number[] = [], got: number[] = [];
      for (let r = 0; r < replicas; r++) {
        for (let i = 0; i < n; i++) {
          const dr = driftF64(x, r * n, i, p);
          for (let q = 0; q < 3; q++) { ref.push(dr[q]); got.push(gpu.terms[(r * n + i) * 16 + q]); }
        }
      }
      expect(got.every(Number.isFinite)).toBe(true);
      const e = relMaxError(got, ref);
      // The duplicated pair: both particles see the same drift (their mutual term is 0).
      for (let q = 0; q < 3; q++) expect(Math.abs(ref[3 * 3 + q] - ref[7 * 3 + q])).toBeLessThan(1e-12 * (1 + Math.abs(ref[3 * 3 + q])));

      let a = Float64Array.from(x), b = new Float64Array(x.length);
      for (let s = 0; s < steps; s++) {
        stepF64(a, b, p, start + s);
        [a, b] = [b, a];
      }
      const es = relMaxError(gpu.particles.map((y, k2) => y - x[k2]), a.map((y, k2) => y - x[k2]));
      residuals.push(`${label(c)} ${rng}: drift ${e.toExponential(2)}, steps ${es.toExponential(2)}`);
      expect(e).toBeLessThan(TOL);
      expect(es).toBeLessThan(1e-4);
      for (let q = 0; q < n * replicas; q++) expect(gpu.particles[q * 4 + 3]).toBe(x[q * 4 + 3]); // circulations carried
      if (c.d === 2) for (let q = 0; q < n * replicas; q++) expect(gpu.particles[q * 4 + 2]).toBe(0);
    });
  });
});

const torusCases: Pick<Params, 'd' | 'lambda' | 'kappa'>[] = [
  { d: 2, lambda: 0.1, kappa: 1 },
  { d: 2, lambda: 1, kappa: 0 },
  { d: 3, lambda: 0.05, kappa: 2 },
];

function torusParams(c: (typeof torusCases)[number], n: number, replicas: number): Params {
  return { ...defaultParams(), model: 'torus', init: 'cosine', ...c, n, replicas, dt: 0.003, seed: 13 };
}

/** Uniform positions on [0,1)^d (float32), a few at the cell's edges, one coincident pair. */
function torusPositions(p: Params, seed: number): Float64Array {
  const s = testStream(seed, 2);
  const x = new Float64Array(p.n * p.replicas * 4);
  for (let k = 0; k < p.n * p.replicas; k++) for (let c = 0; c < p.d; c++) x[k * 4 + c] = s.uniform();
  x[0] = 1e-6; x[4] = 0.9999999; x[9] = 0.5; x[12] = 0.25;
  for (let q = 0; q < 3; q++) x[7 * 4 + q] = x[3 * 4 + q];
  return toF32(x);
}

describe('torus_step.wgsl vs float64: drift (2/N)Σ_{j≠i} b, Ā = (1/N)Σ_{j≠i} a (nearest images), then 2 wrapped steps', () => {
  for (const c of torusCases) {
    it(`d=${c.d} λ=${c.lambda} κ=${c.kappa}`, async () => {
      const n = 150, replicas = 2, steps = 2, start = 9;
      const p = torusParams(c, n, replicas);
      const x = torusPositions(p, 40 + c.d);
      const gpu = await h.api.pairTermsAndSteps(toQuery(p), Array.from(x), 0, start, steps);
      const drift: number[] = [], gdrift: number[] = [], abar: number[] = [], gabar: number[] = [];
      for (let r = 0; r < replicas; r++) {
        for (let i = 0; i < n; i++) {
          const t = torusPairTerms(x, r * n, i, p);
          const o = (r * n + i) * 16;
          for (let q = 0; q < 3; q++) {
            drift.push(t.drift[q]); gdrift.push(gpu.terms[o + q]);
            abar.push(t.abar[q], t.abar[q + 3]); gabar.push(gpu.terms[o + 4 + q], gpu.terms[o + 8 + q]);
          }
        }
      }
      const ed = relMaxError(gdrift, drift), ea = relMaxError(gabar, abar);
      if (c.kappa > 0) expect(ed).toBeLessThan(TOL);
      else expect(Math.max(...gdrift.map(Math.abs))).toBe(0); // κ = 0: b ≡ 0
      expect(ea).toBeLessThan(TOL);

      let a = Float64Array.from(x), b = new Float64Array(x.length);
      for (let s = 0; s < steps; s++) {
        torusStepF64(a, b, p, start + s);
        [a, b] = [b, a];
      }
      // Increments as nearest images (a particle may cross the cell's edge on one side only).
      const inc = (y: ArrayLike<number>) => Array.from(y, (v, k) => (k % 4 < p.d ? nearestImage(v - x[k]) : 0));
      const es = relMaxError(inc(gpu.particles), inc(a));
      residuals.push(`torus d=${c.d} λ=${c.lambda} κ=${c.kappa}: drift ${ed.toExponential(2)}, Ā ${ea.toExponential(2)}, steps ${es.toExponential(2)}`);
      expect(es).toBeLessThan(1e-4);
      for (let k = 0; k < gpu.particles.length; k++) {
        if (k % 4 < p.d) expect(gpu.particles[k] >= 0 && gpu.particles[k] < 1).toBe(true);
        else expect(gpu.particles[k]).toBe(0);
      }
    });
  }
});

afterAll(() => {
  console.log(`first-order/torus shader residuals (relative max-norm):\n  ${residuals.join('\n  ')}`);
});
