/**
 * Propagation-of-chaos meters (models.md §4): statistics of R independent replicas of an
 * N-particle system that measure how far it is from the product of its one-marginals, and the
 * log–log fit of an error against N. Pure float64.
 *
 * Exchangeability lets every pair (i ≠ j) of a replica estimate the two-particle covariance:
 * with φ̄_r = (1/N)Σ_i φ(V^i_r),
 *   Var(φ̄) = Var(φ)/N + (N−1)/N · Cov(φ(V¹), φ(V²)),
 * so Cov = (N·Var_R(φ̄) − Var(φ)) / (N − 1), with Var(φ) pooled over all particles. Under
 * chaos (independent particles) Cov = 0; a constraint such as Σ|V|² = N·E (exact energy,
 * `normalize=1`) injects Cov = −Var(φ)/(N−1).
 */

export interface Estimate {
  value: number;
  stdErr: number;
}

/** Jackknife over replicas: standard error of a statistic of R per-replica records. */
export function jackknife<T>(records: readonly T[], stat: (rs: readonly T[]) => number): Estimate {
  const R = records.length;
  const value = stat(records);
  if (R < 3) return { value, stdErr: Number.NaN };
  const loo = records.map((_, k) => stat(records.filter((__, q) => q !== k)));
  const m = loo.reduce((s, x) => s + x, 0) / R;
  const v = ((R - 1) / R) * loo.reduce((s, x) => s + (x - m) ** 2, 0);
  return { value, stdErr: Math.sqrt(v) };
}

/** Per-replica first and second empirical moments of a scalar observable φ. */
export interface ReplicaObservable {
  /** (1/N) Σ_i φ(V^i) */
  mean: number;
  /** (1/N) Σ_i φ(V^i)² */
  meanSquare: number;
}

/** Two-particle covariance Cov(φ(V¹), φ(V²)) from R replicas of N exchangeable particles. */
export function pairCovariance(reps: readonly ReplicaObservable[], n: number): Estimate {
  const stat = (rs: readonly ReplicaObservable[]) => {
    const R = rs.length;
    const mu = rs.reduce((s, r) => s + r.mean, 0) / R;
    const varPhi = rs.reduce((s, r) => s + r.meanSquare, 0) / R - mu * mu;
    const varBar = rs.reduce((s, r) => s + (r.mean - mu) ** 2, 0) / (R - 1);
    return (n * varBar - varPhi) / (n - 1);
  };
  return jackknife(reps, stat);
}

/** E|V̄(t) − V̄(0)|² across replicas (models.md §1.1: exact law for γ = 0, nanbu/fgm). */
export function meanVelocitySpread(v0: readonly number[][], vt: readonly number[][]): Estimate {
  const sq = vt.map((m, r) => m.reduce((s, x, c) => s + (x - v0[r][c]) ** 2, 0));
  const R = sq.length;
  const mean = sq.reduce((s, x) => s + x, 0) / R;
  const sd = Math.sqrt(sq.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, R - 1));
  return { value: mean, stdErr: sd / Math.sqrt(R) };
}

/** models.md §1.1: E|V̄(t) − V̄(0)|² = E(1 − e^(−4(d−1)t/N)) for γ = 0 (nanbu, fgm), V̄(0) = 0. */
export function meanVelocitySpreadExact(d: number, n: number, energy: number, t: number): number {
  return energy * -Math.expm1((-4 * (d - 1) * t) / n);
}

/**
 * L1 distance between a histogram of samples and a reference density on the same bins
 * (∫|f̂ − f| ≈ Σ_b |p̂_b − p_b|, p_b the reference mass of bin b), minus the noise floor
 * Σ_b E|p̂_b − p_b| that even exact samples would show (binomial, normal approximation
 * √(2 p_b(1 − p_b)/(π M))). The result estimates the L1 distance between the sampled law and
 * the reference, binned; it can be slightly negative when the two agree.
 */
export function histogramL1(samples: ArrayLike<number>, binEdges: readonly number[], referenceMass: readonly number[]): { raw: number; floor: number; value: number } {
  const B = binEdges.length - 1;
  const counts = new Float64Array(B);
  let M = 0;
  const lo = binEdges[0], hi = binEdges[B], w = (hi - lo) / B;
  for (let k = 0; k < samples.length; k++) {
    const x = samples[k];
    M++;
    if (x < lo || x >= hi) continue; // outside: counted in M, contributes via the tail masses
    counts[Math.min(B - 1, Math.floor((x - lo) / w))]++;
  }
  let raw = 0, floor = 0, inside = 0, refInside = 0;
  for (let b = 0; b < B; b++) {
    const p = referenceMass[b];
    raw += Math.abs(counts[b] / M - p);
    floor += Math.sqrt((2 * p * (1 - p)) / (Math.PI * M));
    inside += counts[b] / M;
    refInside += p;
  }
  raw += Math.abs(1 - inside - (1 - refInside)); // both tails together
  return { raw, floor, value: raw - floor };
}

export interface SlopeFit {
  slope: number;
  slopeStdErr: number;
  intercept: number;
}

/**
 * Weighted least squares of log|value| against log n (σ_log = stdErr/|value|, delta method).
 * Values must share one sign (a correlation that changes sign has no power law).
 */
export function fitLogLogSlope(points: readonly { n: number; value: number; stdErr: number }[]): SlopeFit {
  if (points.length < 2) throw new Error('fitLogLogSlope: need at least two values of n');
  const sgn = Math.sign(points[0].value);
  if (points.some((p) => Math.sign(p.value) !== sgn || p.value === 0)) {
    throw new Error('fitLogLogSlope: the values change sign or vanish, so log|value| has no straight line to fit');
  }
  const xs = points.map((p) => Math.log(p.n));
  const ys = points.map((p) => Math.log(Math.abs(p.value)));
  const ws = points.map((p) => {
    const s = p.stdErr / Math.abs(p.value);
    return Number.isFinite(s) && s > 0 ? 1 / (s * s) : 1;
  });
  const W = ws.reduce((s, w) => s + w, 0);
  const xm = ws.reduce((s, w, k) => s + w * xs[k], 0) / W;
  const ym = ws.reduce((s, w, k) => s + w * ys[k], 0) / W;
  const sxx = ws.reduce((s, w, k) => s + w * (xs[k] - xm) ** 2, 0);
  const sxy = ws.reduce((s, w, k) => s + w * (xs[k] - xm) * (ys[k] - ym), 0);
  const slope = sxy / sxx;
  return { slope, slopeStdErr: Math.sqrt(1 / sxx), intercept: ym - slope * xm };
}
