/**
 * Two-marginal relative entropy meter (physics/estimators/pairEntropy.ts): ½ Σ_ab C_ab² over
 * whitened features, checked against its exact value on laws where C is known in closed form,
 * at tolerances of 4 standard errors (jackknife over replicas); each case also rejects a wrong
 * prediction. Fixed seeds.
 */
import { describe, expect, it } from 'vitest';
import { pairEntropy } from '../../src/physics/estimators/pairEntropy';
import { symmetricEigen } from '../../src/physics/linalg';
import { CpuBackend } from '../../src/engine/cpuBackend';
import { defaultParams, type Params } from '../../src/physics/params';
import { testStream } from '../stats';

/** R replicas of n particles, N(0, I_d) i.i.d.; optionally recentred per replica (Σv = 0). */
function gaussians(R: number, n: number, d: number, seed: number, opts: { recentre?: boolean; scales?: number[] } = {}): Float64Array {
  const s = testStream(seed);
  const x = new Float64Array(R * n * 4);
  for (let r = 0; r < R; r++) {
    const scale = opts.scales ? opts.scales[Math.floor(s.uniform() * opts.scales.length)] : 1;
    for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) x[(r * n + i) * 4 + c] = scale * s.normal();
    if (opts.recentre) {
      for (let c = 0; c < d; c++) {
        let m = 0;
        for (let i = 0; i < n; i++) m += x[(r * n + i) * 4 + c] / n;
        for (let i = 0; i < n; i++) x[(r * n + i) * 4 + c] -= m;
      }
    }
  }
  return x;
}

/**
 * Recentred Gaussians: the pair law is Gaussian with correlation ρ = −1/(n−1) per axis. In the
 * Hermite basis (what whitening the degree ≤ 2 polynomials gives for a centred Gaussian), C is
 * ρ on the d linear features and ρ² on the d(d+1)/2 quadratic ones:
 * ½ Σ C² = ½ (dρ² + d(d+1)/2 · ρ⁴)  (≈ H = −(d/2) log(1 − ρ²) to this order).
 */
function recentredPrediction(n: number, d: number): number {
  const rho = -1 / (n - 1);
  return 0.5 * (d * rho ** 2 + ((d * (d + 1)) / 2) * rho ** 4);
}

describe('pair entropy meter, polynomial features', () => {
  it('is zero within 4 standard errors for independent particles', () => {
    for (const [d, n, R, seed] of [[2, 16, 200, 1], [3, 64, 200, 2], [3, 256, 64, 3]]) {
      const e = pairEntropy(gaussians(R, n, d, seed), n, R, d, 'polynomial');
      expect(e.features).toBe(d + (d * (d + 1)) / 2);
      expect(e.stdErr).toBeGreaterThan(0);
      expect(Math.abs(e.value)).toBeLessThan(4 * e.stdErr);
    }
  });

  it('recovers the recentring correlation ρ = −1/(n−1) at its exact size, and rejects ρ = −1/n counted twice', () => {
    for (const [d, n, R, seed] of [[2, 16, 400, 11], [3, 16, 400, 12], [3, 64, 400, 13], [3, 256, 200, 14]]) {
      const e = pairEntropy(gaussians(R, n, d, seed, { recentre: true }), n, R, d, 'polynomial');
      const predicted = recentredPrediction(n, d);
      expect(Math.abs(e.value - predicted)).toBeLessThan(4 * e.stdErr);
      // Power: the χ² without the ½ (a wrong constant) is many standard errors away.
      expect(Math.abs(e.value - 2 * predicted)).toBeGreaterThan(4 * e.stdErr);
      expect(e.value).toBeGreaterThan(4 * e.stdErr);
    }
  });

  it('a subset of each replica estimates the N-system, not a system of the subset size', () => {
    const [d, n, R, use] = [3, 64, 400, 24];
    const e = pairEntropy(gaussians(R, n, d, 21, { recentre: true }), n, R, d, 'polynomial', use);
    expect(e.perReplica).toBe(use);
    expect(Math.abs(e.value - recentredPrediction(n, d))).toBeLessThan(4 * e.stdErr);
    expect(Math.abs(e.value - recentredPrediction(use, d))).toBeGreaterThan(4 * e.stdErr);
  });

  it('sees a dependence with no linear correlation through the quadratic features (scale mixture)', () => {
    // v = s_r z, s_r² ∈ {½, 3/2} per replica: Cov(v, v') = 0, Cov(v_a², v_b'²) = E s⁴ − 1 = ¼ for all
    // a, b, and Var(v_a²) = 3 E s⁴ − 1, Cov(v_a², v_b²) = ¼ within a particle: Σ₂ = 5/2 I + ¼ J,
    // C₂ = ¼ J, so ½‖Σ₂^(−½) C₂ Σ₂^(−½)‖² = ½ (¼ d / (5/2 + ¼ d))².
    const [d, n, R] = [3, 32, 400];
    const e = pairEntropy(gaussians(R, n, d, 31, { scales: [Math.sqrt(0.5), Math.sqrt(1.5)] }), n, R, d, 'polynomial');
    const predicted = 0.5 * ((0.25 * d) / (2.5 + 0.25 * d)) ** 2;
    expect(Math.abs(e.value - predicted)).toBeLessThan(4 * e.stdErr);
    expect(e.value).toBeGreaterThan(6 * e.stdErr);
  });

  it('drops a constant feature (|v| = const) instead of dividing by zero', () => {
    const [d, n, R] = [3, 32, 50];
    const x = gaussians(R, n, d, 41);
    for (let k = 0; k < n * R; k++) {
      const r = Math.hypot(x[4 * k], x[4 * k + 1], x[4 * k + 2]);
      for (let c = 0; c < 3; c++) x[4 * k + c] /= r;
    }
    const e = pairEntropy(x, n, R, d, 'polynomial');
    expect(e.features).toBe(8);
    expect(Number.isFinite(e.value) && Number.isFinite(e.stdErr)).toBe(true);
    expect(Math.abs(e.value)).toBeLessThan(4 * e.stdErr);
  });

  it('refuses fewer than 3 replicas, naming the parameter', () => {
    expect(() => pairEntropy(gaussians(2, 8, 3, 1), 8, 2, 3, 'polynomial')).toThrow(/replicas/);
  });
});

describe('pair entropy meter, Fourier features (torus)', () => {
  const S0 = 0.1; // own spread of each coordinate
  /** y = ½ + S0 z_i + τ w_r (mod 1), w_r one normal per replica and axis: Cov(y¹, y²) = τ². */
  function torus(R: number, n: number, d: number, seed: number, tau: number): Float64Array {
    const s = testStream(seed);
    const x = new Float64Array(R * n * 4);
    for (let r = 0; r < R; r++) {
      const w = Array.from({ length: d }, () => s.normal());
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < d; c++) {
          const y = 0.5 + S0 * s.normal() + tau * w[c];
          x[(r * n + i) * 4 + c] = y - Math.floor(y);
        }
      }
    }
    return x;
  }
  /**
   * The exact ½ Σ C² of these laws for the features cos/sin 2πk y, k = 1, 2 (period 1, so the wrap
   * changes nothing): products of trigonometric features are trigonometric functions of the Gaussian
   * 2π(k y¹ ± l y²), whose E cos X = cos μ e^(−Var X/2), E sin X = sin μ e^(−Var X/2).
   */
  function torusPrediction(d: number, tau: number): number {
    const feats = [[1, 'c'], [1, 's'], [2, 'c'], [2, 's']] as const;
    const v = S0 ** 2 + tau ** 2;
    const ex = (trig: 'c' | 's', mu: number, variance: number) => (trig === 'c' ? Math.cos(mu) : Math.sin(mu)) * Math.exp(-variance / 2);
    // E[f(2πk y₁) g(2πl y₂)] with Var y = v, Cov(y₁, y₂) = cov, E y = ½.
    const moment = (k: number, f: 'c' | 's', l: number, g: 'c' | 's', cov: number) => {
      const plus = { mu: 2 * Math.PI * (k + l) * 0.5, v: 4 * Math.PI ** 2 * (k * k * v + l * l * v + 2 * k * l * cov) };
      const minus = { mu: 2 * Math.PI * (k - l) * 0.5, v: 4 * Math.PI ** 2 * (k * k * v + l * l * v - 2 * k * l * cov) };
      if (f === 'c' && g === 'c') return 0.5 * (ex('c', minus.mu, minus.v) + ex('c', plus.mu, plus.v));
      if (f === 's' && g === 's') return 0.5 * (ex('c', minus.mu, minus.v) - ex('c', plus.mu, plus.v));
      if (f === 's' && g === 'c') return 0.5 * (ex('s', plus.mu, plus.v) + ex('s', minus.mu, minus.v));
      return 0.5 * (ex('s', plus.mu, plus.v) - ex('s', minus.mu, minus.v));
    };
    const mean = feats.map(([k, f]) => ex(f, 2 * Math.PI * k * 0.5, 4 * Math.PI ** 2 * k * k * v));
    const F = feats.length;
    const Sig = new Float64Array(F * F), C = new Float64Array(F * F);
    feats.forEach(([k, f], a) => feats.forEach(([l, g], b) => {
      Sig[a * F + b] = moment(k, f, l, g, v) - mean[a] * mean[b];
      C[a * F + b] = moment(k, f, l, g, tau ** 2) - mean[a] * mean[b];
    }));
    const { values, vectors } = symmetricEigen(Sig, F);
    const keep = values.map((l, i) => ({ l, i })).filter(({ l }) => l > 1e-9 * Math.max(...values));
    let norm = 0;
    for (const { l: la, i: a } of keep) {
      for (const { l: lb, i: b } of keep) {
        let s = 0;
        for (let p = 0; p < F; p++) for (let q = 0; q < F; q++) s += vectors[p * F + a] * C[p * F + q] * vectors[q * F + b];
        norm += (s * s) / (la * lb);
      }
    }
    return 0.5 * d * norm;
  }

  it('is zero for independent particles', () => {
    const [d, n, R] = [2, 32, 200];
    const e = pairEntropy(torus(R, n, d, 51, 0), n, R, d, 'fourier');
    expect(e.features).toBe(4 * d);
    expect(Math.abs(e.value)).toBeLessThan(4 * e.stdErr);
  });

  it('recovers the exact projection of a shared per-replica shift, and rejects it without the ½', () => {
    for (const [d, tau, seed] of [[2, 0.03, 52], [3, 0.02, 53]] as const) {
      const [n, R] = [32, 400];
      const e = pairEntropy(torus(R, n, d, seed, tau), n, R, d, 'fourier');
      const predicted = torusPrediction(d, tau);
      console.log(`torus d = ${d}, τ = ${tau}: ${e.value.toExponential(3)} ± ${e.stdErr.toExponential(2)}, exact ${predicted.toExponential(3)}`);
      expect(Math.abs(e.value - predicted)).toBeLessThan(4 * e.stdErr);
      expect(Math.abs(e.value - 2 * predicted)).toBeGreaterThan(4 * e.stdErr);
    }
  });
});

describe('pair entropy of the engine’s initial data', () => {
  it('Recentre & rescale constrain d + 1 features: (d+1)/(2(N−1)²) at t = 0', async () => {
    for (const d of [2, 3] as const) {
      const [n, R] = [32, 256];
      const p: Params = { ...defaultParams(), d, n, replicas: R, normalize: true, init: 'gaussian', seed: 61 + d };
      const b = new CpuBackend(p);
      const e = pairEntropy(await b.readParticles(), n, R, d, 'polynomial');
      const predicted = (d + 1) / (2 * (n - 1) ** 2);
      console.log(`d = ${d}: ${e.value.toExponential(3)} ± ${e.stdErr.toExponential(2)}, constraints ${predicted.toExponential(3)}`);
      expect(Math.abs(e.value - predicted)).toBeLessThan(4 * e.stdErr);
      // Power: the momentum constraint alone (d features) is rejected.
      expect(Math.abs(e.value - d / (2 * (n - 1) ** 2))).toBeGreaterThan(4 * e.stdErr);
      b.destroy();
    }
  });
});
