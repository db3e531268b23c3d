/**
 * The torus system (models.md §2) in float64: b = ∇·a, the ellipticity bounds, periodicity,
 * the convolution identities behind the exact cosine-mode solution (references/torus.ts), the
 * float64 step and the initial samplers.
 */
import { describe, expect, it } from 'vitest';
import { nearestImage, torusA, torusB, wrap01 } from '../../src/physics/torus/kernel';
import { torusPairTerms, torusStepF64 } from '../../src/physics/torus/particleSystem';
import { sampleInitial } from '../../src/physics/init';
import { positionSecondMoment, wrappedGaussianVariance } from '../../src/physics/initPositions';
import { symmetricEigen } from '../../src/physics/linalg';
import { abarMatrix } from '../../src/physics/landau/particleSystem';
import { defaultParams, type Params } from '../../src/physics/params';
import { cosineModeMean, cosineModeRate } from '../../src/physics/references/torus';
import { mean, stdErr, testStream } from '../stats';

const torus = (over: Partial<Params>): Params => ({ ...defaultParams(), model: 'torus', d: 2, init: 'cosine', ...over });
const KERNELS = [
  { d: 2 as const, lambda: 0.1, kappa: 1 },
  { d: 2 as const, lambda: 1, kappa: 0.3 },
  { d: 3 as const, lambda: 0.05, kappa: 2 },
];

describe('torus kernel a(z) = λI + κ w wᵀ, b = ∇·a (models.md §2)', () => {
  for (const k of KERNELS) {
    it(`d=${k.d} λ=${k.lambda} κ=${k.kappa}: b = ∇·a by central differences`, () => {
      const s = testStream(300 + k.d);
      const h = 1e-6;
      for (let trial = 0; trial < 50; trial++) {
        const z = Array.from({ length: k.d }, () => s.uniform() - 0.5);
        const div = new Array<number>(k.d).fill(0);
        for (let c = 0; c < k.d; c++) {
          const zp = [...z], zm = [...z];
          zp[c] += h; zm[c] -= h;
          const ap = torusA(zp, k), am = torusA(zm, k);
          for (let r = 0; r < k.d; r++) div[r] += (ap[r * k.d + c] - am[r * k.d + c]) / (2 * h);
        }
        const b = torusB(z, k);
        for (let r = 0; r < k.d; r++) expect(Math.abs(div[r] - b[r])).toBeLessThan(1e-7 * (1 + k.kappa * 40));
      }
      // Power: dropping the (w·∇)w term breaks the identity.
      const z = [0.1, 0.2, 0.3].slice(0, k.d);
      const partial = torusB(z, k).map((v, c) => v - k.kappa * ((2 * Math.PI) / k.d) * Math.sin(2 * Math.PI * z[c]) * Math.cos(2 * Math.PI * z[c]));
      if (k.kappa > 0) expect(Math.max(...partial.map((v, c) => Math.abs(v - torusB(z, k)[c])))).toBeGreaterThan(0.1);
    });

    it(`d=${k.d} λ=${k.lambda} κ=${k.kappa}: λI ≤ a(z) ≤ (λ+κ)I, both bounds attained; a symmetric and 1-periodic`, () => {
      const s = testStream(400 + k.d);
      for (let trial = 0; trial < 200; trial++) {
        const z = Array.from({ length: k.d }, () => 4 * s.uniform() - 2);
        const a = torusA(z, k);
        const { values } = symmetricEigen(a, k.d);
        for (const ev of values) {
          expect(ev).toBeGreaterThanOrEqual(k.lambda - 1e-12);
          expect(ev).toBeLessThanOrEqual(k.lambda + k.kappa + 1e-12);
        }
        for (let r = 0; r < k.d; r++) for (let c = 0; c < k.d; c++) expect(a[r * k.d + c]).toBeCloseTo(a[c * k.d + r], 15);
        const shifted = z.map((v, c) => (c === 0 ? v + 1 : v));
        torusA(shifted, k).forEach((v, q) => expect(v).toBeCloseTo(a[q], 12));
        torusB(shifted, k).forEach((v, q) => expect(v).toBeCloseTo(torusB(z, k)[q], 10));
        // b is odd, a is even: the pair terms of (i, j) and (j, i) are consistent.
        torusB(z.map((v) => -v), k).forEach((v, q) => expect(v).toBeCloseTo(-torusB(z, k)[q], 12));
      }
      // a(0) = λI (why the sums exclude j = i); at z = (¼, …, ¼), |w| = 1: top eigenvalue λ + κ.
      expect(Math.min(...symmetricEigen(torusA(new Array(k.d).fill(0), k), k.d).values)).toBeCloseTo(k.lambda, 14);
      expect(Math.max(...symmetricEigen(torusA(new Array(k.d).fill(0.25), k), k.d).values)).toBeCloseTo(k.lambda + k.kappa, 12);
    });
  }

  it('the exact cosine-mode solution: ∫a = (λ + κ/(2d))I and a, b have no Fourier mode ±e₁ (so a*f, b*f are those of the uniform law)', () => {
    for (const k of KERNELS) {
      // Midpoint rule on an M^d grid integrates trigonometric polynomials of degree < M exactly.
      const M = 8;
      const d = k.d;
      const intA = new Float64Array(d * d), cosA = new Float64Array(d * d), sinB = new Float64Array(d);
      const cells = M ** d;
      for (let cell = 0; cell < cells; cell++) {
        const z = Array.from({ length: d }, (_, c) => (Math.floor(cell / M ** c) % M + 0.5) / M);
        const a = torusA(z, k), b = torusB(z, k);
        for (let q = 0; q < d * d; q++) {
          intA[q] += a[q] / cells;
          cosA[q] += (a[q] * Math.cos(2 * Math.PI * z[0])) / cells;
        }
        for (let q = 0; q < d; q++) sinB[q] += (b[q] * Math.sin(2 * Math.PI * z[0])) / cells;
      }
      const c = k.lambda + k.kappa / (2 * d);
      for (let r = 0; r < d; r++) for (let q = 0; q < d; q++) {
        expect(intA[r * d + q]).toBeCloseTo(r === q ? c : 0, 12);
        expect(cosA[r * d + q]).toBeCloseTo(0, 12);
      }
      sinB.forEach((v) => expect(v).toBeCloseTo(0, 12));
      expect(cosineModeRate(k)).toBeCloseTo(4 * Math.PI ** 2 * c, 12);
      // Power: the wrong average κ/d (∫sin² = 1 instead of ½) is rejected.
      if (k.kappa > 0) expect(Math.abs(intA[0] - (k.lambda + k.kappa / d))).toBeGreaterThan(0.01);
    }
    expect(cosineModeMean({ d: 2, lambda: 0.1, kappa: 1, amp: 0.8 }, 0)).toBe(0.4);
  });

  it('nearest image in [−½, ½] and wrap to [0, 1), including the float edge cases', () => {
    for (const z of [0.7, -0.7, 0.5, -0.5, 0.2, 1.3, -2.6]) {
      const n = nearestImage(z);
      expect(Math.abs(n)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(n - z - Math.round(n - z))).toBeLessThan(1e-12);
    }
    expect(wrap01(-1e-20)).toBe(0);
    expect(wrap01(1)).toBe(0);
    expect(wrap01(-0.25)).toBe(0.75);
    expect(wrap01(2.5)).toBe(0.5);
  });
});

describe('torus particle system (float64)', () => {
  it('Ā = (1/N)Σ_{j≠i} a ≥ λ(N−1)/N I; with κ = 0 the step is a Brownian step of variance 2dtλ(N−1)/N', () => {
    const p = torus({ lambda: 0.4, kappa: 0, n: 600, dt: 0.01, init: 'cosine', amp: 0.5 });
    const x = sampleInitial(p);
    const t = torusPairTerms(x, 0, 3, p);
    const ev = symmetricEigen(abarMatrix(t.abar, 2), 2).values;
    ev.forEach((v) => expect(v).toBeCloseTo(0.4 * 599 / 600, 12));
    const out = new Float64Array(x.length);
    torusStepF64(x, out, p, 0);
    const sq: number[] = [];
    for (let i = 0; i < p.n; i++) for (let c = 0; c < 2; c++) sq.push(nearestImage(out[i * 4 + c] - x[i * 4 + c]) ** 2);
    const v = 2 * p.dt * 0.4 * 599 / 600;
    expect(Math.abs(mean(sq) - v)).toBeLessThan(4 * stdErr(sq));
    expect(Math.abs(mean(sq) - v / 2)).toBeGreaterThan(4 * stdErr(sq));
    for (let k = 0; k < out.length; k++) expect(k % 4 < 2 ? out[k] >= 0 && out[k] < 1 : out[k] === 0).toBe(true);
  });

  it('the pair sums exclude j = i and equal the brute-force sums over partners', () => {
    const p = torus({ d: 3, lambda: 0.2, kappa: 1.5, n: 30, init: 'wrapped-gaussian', width: 0.2 });
    const x = sampleInitial(p);
    const i = 4;
    const t = torusPairTerms(x, 0, i, p);
    const A = new Float64Array(9), B = new Float64Array(3);
    for (let j = 0; j < p.n; j++) {
      if (j === i) continue;
      const z = [0, 1, 2].map((c) => x[i * 4 + c] - x[j * 4 + c]); // periodic: no image needed
      torusA(z, p).forEach((v, q) => (A[q] += v / p.n));
      torusB(z, p).forEach((v, q) => (B[q] += (2 * v) / p.n));
    }
    const m = abarMatrix(t.abar, 3);
    m.forEach((v, q) => expect(v).toBeCloseTo(A[q], 12));
    B.forEach((v, q) => expect(t.drift[q]).toBeCloseTo(v, 11));
  });
});

describe('torus initial laws (exact samplers)', () => {
  const N = 20000;
  it('cosine: E cos 2πx₁ = amp/2, E x₁² = 1/3 + amp/(2π²), other axes uniform, all in [0, 1)', () => {
    for (const d of [2, 3] as const) {
      const p = torus({ d, amp: 0.8, n: N });
      const x = sampleInitial(p);
      const c1 = Array.from({ length: N }, (_, i) => Math.cos(2 * Math.PI * x[i * 4]));
      expect(Math.abs(mean(c1) - 0.4)).toBeLessThan(4 * stdErr(c1));
      expect(Math.abs(mean(c1) - 0.8)).toBeGreaterThan(4 * stdErr(c1)); // power: amp instead of amp/2
      const c2 = Array.from({ length: N }, (_, i) => Math.cos(2 * Math.PI * x[i * 4 + 1]));
      expect(Math.abs(mean(c2))).toBeLessThan(4 * stdErr(c2));
      const r2 = Array.from({ length: N }, (_, i) => x[i * 4] ** 2 + x[i * 4 + 1] ** 2 + (d === 3 ? x[i * 4 + 2] ** 2 : 0));
      expect(Math.abs(mean(r2) - positionSecondMoment(p))).toBeLessThan(4 * stdErr(r2));
      for (let k = 0; k < x.length; k++) expect(k % 4 < d ? x[k] >= 0 && x[k] < 1 : x[k] === 0).toBe(true);
    }
  });

  it('wrapped-gaussian: E(x − ½)² = 1/12 + Σ(−1)^k e^(−2π²k²w²)/(π²k²); → w² for small w, 1/12 for wide', () => {
    expect(wrappedGaussianVariance(0.05)).toBeCloseTo(0.0025, 12);
    expect(wrappedGaussianVariance(2)).toBeCloseTo(1 / 12, 12);
    for (const w of [0.1, 0.3]) {
      const p = torus({ init: 'wrapped-gaussian', width: w, n: N });
      const x = sampleInitial(p);
      const dev = Array.from({ length: N }, (_, i) => (x[i * 4] - 0.5) ** 2);
      expect(Math.abs(mean(dev) - wrappedGaussianVariance(w))).toBeLessThan(4 * stdErr(dev));
      if (w === 0.3) expect(Math.abs(mean(dev) - w * w)).toBeGreaterThan(4 * stdErr(dev)); // wrapping matters
    }
  });

  it('normalize never recentres on the torus', () => {
    const p = torus({ n: 50, normalize: true });
    expect(sampleInitial(p)).toEqual(sampleInitial({ ...p, normalize: false }));
  });
});
