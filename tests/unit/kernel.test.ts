/** Landau kernels (models.md §1): b = ∇·a, the regularisation condition, a^(1/2) and linear algebra. */
import { describe, expect, it } from 'vitest';
import { aMatrix, alphaOfR2, alphaPrime, bVector, aSqrtTimes } from '../../src/physics/landau/kernel';
import { pairNoiseTerm } from '../../src/physics/landau/particleSystem';
import { choleskyPsd, matMul, symmetricSqrt, transpose } from '../../src/physics/linalg';
import { testStream } from '../stats';

const GAMMAS = [1, 0.5, 0, -1, -2, -2.5, -3];

describe('Landau kernel', () => {
  for (const d of [2, 3] as const) {
    for (const gamma of GAMMAS) {
      it(`d=${d} γ=${gamma}: b = ∇·a by central differences`, () => {
        const k = { d, gamma, eps: gamma < 0 ? 0.3 : 0 };
        const s = testStream(d * 100 + gamma * 10 + 50);
        for (let trial = 0; trial < 20; trial++) {
          const z = Array.from({ length: d }, () => s.normal());
          const h = 1e-5;
          const div = new Array<number>(d).fill(0);
          for (let c = 0; c < d; c++) {
            const zp = [...z], zm = [...z];
            zp[c] += h; zm[c] -= h;
            const ap = aMatrix(zp, k), am = aMatrix(zm, k);
            // (∇·a)_r = Σ_c ∂_c a_{rc}
            for (let r = 0; r < d; r++) div[r] += (ap[r * d + c] - am[r * d + c]) / (2 * h);
          }
          const b = bVector(z, k);
          for (let r = 0; r < d; r++) expect(Math.abs(div[r] - b[r])).toBeLessThan(1e-6 * (1 + Math.abs(b[r])));
        }
      });
    }
  }

  it('α_ε(r) = (r² + ε²)^(γ/2) is bounded by ε^γ and satisfies r|α′|/α ≤ −γ/0.99 (γ < 0)', () => {
    for (const gamma of [-0.5, -1, -2, -2.5, -3]) {
      for (const eps of [0.01, 0.1, 1]) {
        for (let r = 0; r <= 50; r += 0.01) {
          const a = alphaOfR2(r * r, gamma, eps);
          expect(a).toBeLessThanOrEqual(Math.pow(eps, gamma) * (1 + 1e-12));
          expect((r * Math.abs(alphaPrime(r, gamma, eps))) / a).toBeLessThanOrEqual(-gamma / 0.99);
          // increases to r^γ as ε → 0
          if (r > 0) expect(a).toBeLessThanOrEqual(Math.pow(r, gamma) * (1 + 1e-12));
        }
      }
    }
  });

  it('a(z) is symmetric PSD, annihilates z, and a(0) = 0', () => {
    const k = { d: 3 as const, gamma: -3, eps: 0.1 };
    const z = [0.3, -1.2, 0.7];
    const a = aMatrix(z, k);
    for (let r = 0; r < 3; r++) {
      expect(a[r * 3] * z[0] + a[r * 3 + 1] * z[1] + a[r * 3 + 2] * z[2]).toBeCloseTo(0, 12);
      for (let c = 0; c < 3; c++) expect(a[r * 3 + c]).toBeCloseTo(a[c * 3 + r], 14);
    }
    expect(aMatrix([0, 0, 0], k).every((x) => x === 0)).toBe(true);
    expect(bVector([0, 0, 0], k).every((x) => x === 0)).toBe(true);
  });

  it('a^(1/2) squares to a', () => {
    const k = { d: 3 as const, gamma: -1, eps: 0.2 };
    const z = [0.4, 0.1, -0.9];
    // Columns of a^(1/2) from unit vectors; then a^(1/2) a^(1/2)ᵀ = a.
    const S = new Float64Array(9);
    for (let c = 0; c < 3; c++) aSqrtTimes(z, [0, 1, 2].map((q) => (q === c ? 1 : 0)), k).forEach((x, r) => (S[r * 3 + c] = x));
    const SSt = matMul(S, transpose(S, 3), 3);
    aMatrix(z, k).forEach((x, q) => expect(SSt[q]).toBeCloseTo(x, 12));
  });

  for (const d of [2, 3] as const) {
    it(`d=${d}: the z⊥ pair-noise sample has covariance a(z)/α·α = a(z) (same law as a^(1/2)ξ), exactly antisymmetric for kac`, () => {
      const s = testStream(70 + d);
      const z = d === 3 ? [0.3, -0.8, -0.5] : [0.6, -0.2];
      const k = { d, gamma: -1, eps: 0.3 };
      let r2 = 0;
      z.forEach((x) => (r2 += x * x));
      const sa = Math.sqrt(alphaOfR2(r2, k.gamma, k.eps));
      const n = 60000;
      const cov = new Float64Array(9);
      const acc = new Float64Array(3), accNeg = new Float64Array(3);
      for (let t = 0; t < n; t++) {
        acc.fill(0); accNeg.fill(0);
        const e1 = s.normal(), e2 = s.normal();
        pairNoiseTerm(z[0], z[1], z[2] ?? 0, r2, sa, 1, e1, e2, d, acc);
        pairNoiseTerm(-z[0], -z[1], -(z[2] ?? 0), r2, sa, -1, e1, e2, d, accNeg);
        for (let c = 0; c < 3; c++) expect(accNeg[c] + acc[c]).toBe(0);
        for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) cov[a * 3 + b] += (acc[a] * acc[b]) / n;
      }
      const a = aMatrix(z, k);
      // Each entry's standard error is ≤ √(2/n)·max eigenvalue of a; use 5 SE.
      const tol = 5 * Math.sqrt(2 / n) * sa * sa * r2;
      for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) expect(Math.abs(cov[p * 3 + q] - a[p * d + q])).toBeLessThan(tol);
    });
  }
});

describe('linear algebra', () => {
  it('Cholesky factor of a PSD matrix reproduces it, including singular ones', () => {
    const cases = [
      [4, 2, 0, 2, 3, 1, 0, 1, 2],
      [1, 1, 1, 1, 1, 1, 1, 1, 1], // rank 1
      [0, 0, 0, 0, 2, 1, 0, 1, 2], // zero first pivot
      [1, 0, 0, 0, 0, 0, 0, 0, 3], // zero middle pivot
      [0, 0, 0, 0, 0, 0, 0, 0, 0],
    ];
    for (const A of cases) {
      const L = choleskyPsd(A, 3);
      const LLt = matMul(L, transpose(L, 3), 3);
      A.forEach((x, k) => expect(LLt[k]).toBeCloseTo(x, 10));
      expect(Array.from(L).every(Number.isFinite)).toBe(true);
    }
  });

  it('symmetric square root squares back', () => {
    const A = [4, 2, 0, 2, 3, 1, 0, 1, 2];
    const S = symmetricSqrt(A, 3);
    matMul(S, S, 3).forEach((x, k) => expect(x).toBeCloseTo(A[k], 10));
  });
});
