/**
 * The fourth noise structure (rotation generators, models.md §1.4) and two-point increments
 * (issue 13) in the float64 reference, exactly (no sampling): the generator identity
 * Σ_{α<β} ξ_αβ ξ_αβᵀ = |z|²I − zzᵀ, the covariance of one pair's noise term under two-point
 * increments (an exact average over the 2^k sign patterns), the keying of rotation-shared by j
 * alone, and kac's antisymmetry with two-point increments. Each test also checks that a
 * deliberately wrong constant fails it.
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/engine/cpuBackend';
import { pairNoiseTerm, pairTerms, rotationGenerators, rotationNoiseTerm, twoPointPairBits, twoPointSigns } from '../../src/physics/landau/particleSystem';
import { draw4, pairWord, Stream, streamWord } from '../../src/physics/rng';
import { defaultParams, parseQuery, relevantKeys, toQuery, type Params } from '../../src/physics/params';
import { randomParticles, testStream } from '../stats';

/** Max-norm distance between two d×d matrices (row-major arrays). */
function dist(a: number[], b: number[]): number {
  return Math.max(...a.map((x, k) => Math.abs(x - b[k])));
}

/** c₁|z|²I − c₂ zzᵀ, row-major. */
function aOverAlpha(z: number[], c1 = 1, c2 = 1): number[] {
  const d = z.length, r2 = z.reduce((s, x) => s + x * x, 0);
  const m: number[] = [];
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) m.push((a === b ? c1 * r2 : 0) - c2 * z[a] * z[b]);
  return m;
}

function randomZ(d: number, s: ReturnType<typeof testStream>): number[] {
  return Array.from({ length: d }, () => 2 * s.normal());
}

/** Average of t tᵀ over all sign vectors η ∈ {±1}^k of a noise term t(η). */
function twoPointCovariance(d: number, k: number, term: (eta: number[]) => number[]): number[] {
  const m = new Array<number>(d * d).fill(0);
  for (let bits = 0; bits < 1 << k; bits++) {
    const eta = Array.from({ length: k }, (_, c) => ((bits >> c) & 1 ? -1 : 1));
    const t = term(eta);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) m[a * d + b] += (t[a] * t[b]) / (1 << k);
  }
  return m;
}

describe('rotation generators (models.md §1.4)', () => {
  it.each([2, 3] as const)('d = %i: d(d−1)/2 generators with Σ ξ_αβ ξ_αβᵀ = |z|²I − zzᵀ; the wrong constant 2zzᵀ fails', (d) => {
    const s = testStream(31, d);
    for (let trial = 0; trial < 50; trial++) {
      const z = randomZ(d, s);
      const gens = rotationGenerators(z, d);
      expect(gens).toHaveLength((d * (d - 1)) / 2);
      const sum = new Array<number>(d * d).fill(0);
      for (const xi of gens) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) sum[a * d + b] += xi[a] * xi[b];
      const scale = z.reduce((t, x) => t + x * x, 0);
      expect(dist(sum, aOverAlpha(z))).toBeLessThan(1e-14 * scale);
      expect(dist(sum, aOverAlpha(z, 1, 2))).toBeGreaterThan(1e-3 * scale);
      // Each generator is orthogonal to z (rotations preserve |v − w|).
      for (const xi of gens) expect(Math.abs(xi.reduce((t, x, c) => t + x * z[c], 0))).toBeLessThan(1e-14 * scale);
    }
  });

  it.each([2, 3] as const)('d = %i: rotationNoiseTerm (the shader\'s cross-product form) is α^(1/2) Σ ξ_αβ(z) η_αβ', (d) => {
    const s = testStream(32, d);
    for (let trial = 0; trial < 50; trial++) {
      const z = randomZ(d, s);
      const eta = [s.normal(), s.normal(), s.normal()];
      const sqrtAlpha = 0.5 + s.uniform();
      const acc = new Float64Array(3);
      rotationNoiseTerm(z[0], z[1], d === 3 ? z[2] : 0, sqrtAlpha, eta, d, acc);
      const want = new Array<number>(d).fill(0);
      rotationGenerators(z, d).forEach((xi, k) => xi.forEach((x, c) => (want[c] += sqrtAlpha * x * eta[k])));
      expect(dist(Array.from(acc.slice(0, d)), want)).toBeLessThan(1e-13);
      if (d === 2) expect(acc[2]).toBe(0);
    }
  });
});

describe('two-point increments: one pair\'s noise term has covariance exactly a(z) (issue 13)', () => {
  // E[t tᵀ] over η uniform on {±1}^k is Σ_k c_k c_kᵀ for t = Σ_k η_k c_k: the same as for
  // Gaussian η. Averaging over all 2^k sign patterns computes it exactly.
  it.each([2, 3] as const)('d = %i: fgm/kac (η in the orthonormal basis of z⊥) and rotation (one ±1 per ξ_αβ)', (d) => {
    const s = testStream(33, d);
    for (let trial = 0; trial < 30; trial++) {
      const z = randomZ(d, s);
      const [z0, z1, z2] = [z[0], z[1], d === 3 ? z[2] : 0];
      const r2 = z0 * z0 + z1 * z1 + z2 * z2;
      const alpha = 0.3 + s.uniform();
      const want = aOverAlpha(z).map((x) => alpha * x);
      const scale = alpha * r2;
      for (const sgn of [1, -1]) {
        const fgm = twoPointCovariance(d, d - 1, (eta) => {
          const acc = new Float64Array(3);
          pairNoiseTerm(z0, z1, z2, r2, Math.sqrt(alpha), sgn, eta[0], eta[1] ?? 0, d, acc);
          return Array.from(acc.slice(0, d));
        });
        expect(dist(fgm, want)).toBeLessThan(1e-13 * scale);
        expect(dist(fgm, aOverAlpha(z, 1, 2).map((x) => alpha * x))).toBeGreaterThan(1e-3 * scale);
      }
      const rot = twoPointCovariance(d, (d * (d - 1)) / 2, (eta) => {
        const acc = new Float64Array(3);
        rotationNoiseTerm(z0, z1, z2, Math.sqrt(alpha), eta, d, acc);
        return Array.from(acc.slice(0, d));
      });
      expect(dist(rot, want)).toBeLessThan(1e-13 * scale);
      expect(dist(rot, want.map((x) => 2 * x))).toBeGreaterThan(1e-3 * scale);
    }
  });
});

describe('two-point sign bits: unbiased, uncorrelated within a block draw and across partner blocks', () => {
  /**
   * Two checks of the signs of twoPointPairBits, each also run on a layout that uses pcg4d's low
   * bits, which must fail it (pcg4d's low output bits are poor):
   * - within one block draw: the means and all 1128 pairwise correlations of its 16 pairs × 3
   *   components stay below 5 standard errors (4·10⁴ draws);
   * - across partner blocks, as one particle's noise sum sees them: S = Σ_b s over the 128
   *   partner blocks of N = 512 must have Var(S) = 128. A first version took the top bits of
   *   each word's BYTES: for the low byte this ratio was 1.12–1.35, which biased the BKW m₄ and
   *   energy tests by up to 4σ (one particle's pair signs were correlated across partners).
   */
  type Signs = (h: number[], lo: number, hi: number, m: number) => number;
  const out = new Float64Array(3);
  const used: Signs = (h, lo, hi, m) => twoPointSigns((h[lo] << hi) >>> 0, out)[m];
  const lowBits: Signs = (h, lo, hi, m) => ((h[lo] >>> (8 * hi + m)) & 1 ? -1 : 1);
  const byteTops: Signs = (h, lo, hi, m) => ((h[lo] >>> (8 * hi + 7 - m)) & 1 ? -1 : 1);

  function flaggedWithinDraw(signsOf: Signs, M: number): number {
    const K = 48;
    const sum = new Float64Array(K), cross = new Float64Array(K * K), s = new Float64Array(K);
    const sw = streamWord(Stream.pairUnordered, 3);
    for (let k = 0; k < M; k++) {
      const a = k % 211, b = 211 + Math.floor(k / 211); // block pairs (a, b), a < b
      const h = draw4('pcg4d', 97, 5, pairWord(a, b), sw);
      let q = 0;
      for (let lo = 0; lo < 4; lo++) for (let hi = 0; hi < 4; hi++) for (let m = 0; m < 3; m++) s[q++] = signsOf(h, lo, hi, m);
      for (let x = 0; x < K; x++) {
        sum[x] += s[x];
        for (let y = x + 1; y < K; y++) cross[x * K + y] += s[x] * s[y];
      }
    }
    const thr = 5 / Math.sqrt(M);
    let bad = 0;
    for (let x = 0; x < K; x++) {
      if (Math.abs(sum[x] / M) > thr) bad++;
      for (let y = x + 1; y < K; y++) if (Math.abs(cross[x * K + y] / M) > thr) bad++;
    }
    return bad;
  }

  /** Largest |Var(S)/B − 1| over (hi, m), in standard errors (√(2/R)), S summed over B = 128 blocks. */
  function walkDeviation(signsOf: Signs, R = 3000): number {
    const B = 128;
    let worst = 0;
    for (let hi = 0; hi < 4; hi++) {
      for (let m = 0; m < 3; m++) {
        let s2 = 0;
        for (let r = 0; r < R; r++) {
          const a = r % 128, step = Math.floor(r / 128), lo = r % 4;
          let S = 0;
          for (let b = 0; b < B; b++) S += signsOf(draw4('pcg4d', 77, step, pairWord(Math.min(a, b), Math.max(a, b)), streamWord(Stream.pairOrdered, 0)), lo, hi, m);
          s2 += S * S;
        }
        worst = Math.max(worst, Math.abs(s2 / R / B - 1) / Math.sqrt(2 / R));
      }
    }
    return worst;
  }

  it('twoPointPairBits reads the top 12 bits of word lo & 3 of the block draw', () => {
    expect(twoPointPairBits('pcg4d', 97, 5, 4 * 3 + 1, 4 * 250 + 2, streamWord(Stream.pairUnordered, 3)))
      .toBe((draw4('pcg4d', 97, 5, pairWord(3, 250), streamWord(Stream.pairUnordered, 3))[1] << 2) >>> 0);
  });
  it('within one draw: no mean or correlation beyond 5 SE; low bits fail', () => {
    expect(flaggedWithinDraw(used, 40000)).toBe(0);
    expect(flaggedWithinDraw(lowBits, 40000)).toBeGreaterThan(10);
  });
  it('across partner blocks: Var(Σ_b s) = 128 within 5 SE; the bytes\' top bits fail', () => {
    expect(walkDeviation(used)).toBeLessThan(5);
    expect(walkDeviation(byteTops)).toBeGreaterThan(5);
  });
});

describe('pair-noise keying in the float64 reference', () => {
  const base: Params = { ...defaultParams(), d: 3, n: 40, replicas: 1, gamma: 0, eps: 0, seed: 9 };

  it('rotation-shared: particle j\'s noises drive every particle (keyed by j alone); rotation\'s are per ordered pair', () => {
    // γ = 0, ξ linear: S_i = Σ_j ξ(V^i − V^j)η^j, so S_i − S_k = ξ(V^i − V^k)·Σ_j η^j exactly
    // when η^j does not depend on i. Recover Σ_j η^j from one pair (i, k) and predict the rest.
    const v = randomParticles(base.n, 1, 3, 77);
    for (const [noise, shared] of [['rotation-shared', true], ['rotation', false]] as const) {
      for (const increments of ['gaussian', 'two-point'] as const) {
        const p = { ...base, noise, increments };
        const S = Array.from({ length: base.n }, (_, i) => pairTerms(v, 0, 0, i, p, 3).noiseSum);
        // ξ(w)·H = ω × w with ω = (H_23, −H_13, H_12): solve for H from two differences.
        const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
        const vel = (i: number) => [v[4 * i], v[4 * i + 1], v[4 * i + 2]];
        const diff = (i: number, k: number) => [0, 1, 2].map((c) => S[i][c] - S[k][c]);
        const w1 = vel(1).map((x, c) => x - vel(0)[c]), w2 = vel(2).map((x, c) => x - vel(0)[c]);
        const d1 = diff(1, 0), d2 = diff(2, 0);
        // ω × w1 = d1, ω × w2 = d2: solve for ω (the shared Σ_j η^j) by least squares.
        const omega = solveOmega([w1, w2], [d1, d2]);
        let worst = 0;
        for (let i = 3; i < base.n; i++) {
          const wi = vel(i).map((x, c) => x - vel(0)[c]);
          const pred = cross(omega, wi);
          worst = Math.max(worst, ...diff(i, 0).map((x, c) => Math.abs(x - pred[c])));
        }
        if (shared) expect(worst).toBeLessThan(1e-10);
        else expect(worst).toBeGreaterThan(1e-2);
      }
    }
  });

  it('kac with two-point increments keeps Σ V exactly (antisymmetry, float64 rounding)', () => {
    const p: Params = { ...base, noise: 'kac', increments: 'two-point', gamma: -3, eps: 0.1, n: 64, replicas: 2 };
    const b = new CpuBackend(p);
    const before = b.state.slice();
    b.step(5);
    for (let r = 0; r < 2; r++) {
      for (let c = 0; c < 3; c++) {
        let s0 = 0, s1 = 0;
        for (let i = 0; i < p.n; i++) { s0 += before[(r * p.n + i) * 4 + c]; s1 += b.state[(r * p.n + i) * 4 + c]; }
        expect(Math.abs(s1 - s0) / p.n).toBeLessThan(1e-13);
      }
    }
    // fgm with two-point increments moves it (the check can fail).
    const f = new CpuBackend({ ...p, noise: 'fgm' });
    const f0 = f.state.slice();
    f.step(5);
    let moved = 0;
    for (let i = 0; i < p.n; i++) moved += f.state[i * 4] - f0[i * 4];
    expect(Math.abs(moved) / p.n).toBeGreaterThan(1e-4);
  });

  it('two-point increments change the draws; Gaussian is the default and matches a link without the field', () => {
    const v = randomParticles(base.n, 1, 3, 78);
    const g = pairTerms(v, 0, 0, 5, { ...base, noise: 'fgm' }, 2).noiseSum;
    const g2 = pairTerms(v, 0, 0, 5, { ...base, noise: 'fgm', increments: 'gaussian' }, 2).noiseSum;
    const t = pairTerms(v, 0, 0, 5, { ...base, noise: 'fgm', increments: 'two-point' }, 2).noiseSum;
    expect(Array.from(g2)).toEqual(Array.from(g));
    expect(Math.abs(t[0] - g[0])).toBeGreaterThan(1e-6);
  });
});

/** ω with ω × w_k = d_k (k = 1, 2), by least squares over the 6 equations (ω × w = −[w]ₓ ω). */
function solveOmega(ws: number[][], ds: number[][]): number[] {
  // ω × w = M(w) ω with M(w) = [[0, w2, −w1], [−w2, 0, w0], [w1, −w0, 0]].
  const rows: number[][] = [], rhs: number[] = [];
  ws.forEach((w, k) => {
    rows.push([0, w[2], -w[1]], [-w[2], 0, w[0]], [w[1], -w[0], 0]);
    rhs.push(...ds[k]);
  });
  const ata = [0, 1, 2].map((a) => [0, 1, 2].map((b) => rows.reduce((s, r) => s + r[a] * r[b], 0)));
  const atb = [0, 1, 2].map((a) => rows.reduce((s, r, k) => s + r[a] * rhs[k], 0));
  // Cramer's rule on the 3×3 normal equations.
  const det3 = (m: number[][]) => m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const D = det3(ata);
  return [0, 1, 2].map((c) => det3(ata.map((row, r) => row.map((x, k) => (k === c ? atb[r] : x)))) / D);
}

describe('schema and link: increments (issue 13)', () => {
  it('is part of the link for pair-noise systems only, round-trips, and defaults to gaussian', () => {
    const p: Params = { ...defaultParams(), noise: 'kac', increments: 'two-point' };
    expect(relevantKeys(p)).toContain('increments');
    expect(relevantKeys({ ...p, noise: 'nanbu' })).not.toContain('increments');
    const back = parseQuery(toQuery(p));
    expect(back.errors).toEqual([]);
    expect(back.params.increments).toBe('two-point');
    expect(parseQuery('noise=rotation-shared').params.increments).toBe('gaussian');
    expect(parseQuery('increments=uniform').errors[0].key).toBe('increments');
    for (const noise of ['rotation', 'rotation-shared'] as const) expect(parseQuery(`noise=${noise}`).params.noise).toBe(noise);
  });
});
