/**
 * Two-marginal relative entropy H(f₂ | f₁ ⊗ f₁) of an N-particle system, from R independent
 * replicas (models.md §4, propagation of chaos; issue 6). Pure float64.
 *
 * f₂ is the law of two distinct particles (V¹, V²) of one system (exchangeable), f₁ its
 * one-marginal; H(f₂|f₁⊗f₁) is their mutual information. Chaos makes it small: O(1/N²) in the
 * sharp theory (models.md §4: H_k = O(k²/N²)). It relates to the quantity of §4 against the limit
 * f by the chain rule  H(f₂|f⊗f) = H(f₂|f₁⊗f₁) + 2 H(f₁|f).
 *
 * A k-NN estimate of a mutual information of order 1/N² in 2d dimensions would need far more
 * samples than a run has, so the meter estimates it to second order instead:
 *
 *   H(f₂|f₁⊗f₁) = ½ χ²(f₂|f₁⊗f₁) + O(χ³),   χ² = ‖f₂/(f₁⊗f₁) − 1‖²_{L²(f₁⊗f₁)},
 *
 * and, for features ψ_a orthonormal and centred in L²(f₁), Bessel's inequality gives
 *
 *   χ² ≥ Σ_{a,b} C_ab²,   C_ab = E[ψ_a(V¹) ψ_b(V²)]   (the pair cross-covariance).
 *
 * The meter reports ½ Σ_ab C_ab² for low-order features: velocities (and positions) use the
 * polynomials of degree ≤ 2 (v_a and v_a v_b, so the momentum and energy constraints of the
 * particle systems are seen exactly); the torus uses the Fourier modes cos/sin 2πk x_a, k = 1, 2.
 * It is the second-order part of H carried by these features: exact to leading order when the
 * correlations live there (Gaussian-like laws, conservation constraints), a lower bound of ½χ²
 * otherwise.
 *
 * Estimation, unbiased to O(1/(RN²)):
 * - pooled mean μ and covariance Σ of φ over all N·R particles; whitening W = Λ^(−½)Uᵀ on the
 *   eigen-directions of Σ with λ > 1e-9 λ_max (a constant feature, e.g. |v|² for `init=shell`, is
 *   dropped rather than inverted); ψ = W(φ − μ);
 * - per replica r, from all N(N−1) ordered pairs (exchangeability):
 *   c_r = (N κ m_r m_rᵀ − P_r)/(N − 1), m_r = (1/N)Σ_i ψ_i, P_r = (1/N)Σ_i ψ_i ψ_iᵀ, where
 *   κ = (NR − 1)/(N(R − 1)) removes the bias of the pooled mean; E c_r = C;
 * - ‖C‖²_F by the U-statistic over pairs of distinct replicas,
 *   U = (‖Σ_r c_r‖² − Σ_r ‖c_r‖²)/(R(R − 1)), which has no noise floor (it can come out
 *   slightly negative when C = 0); the standard error by the jackknife over replicas.
 */
import { symmetricEigen } from '../linalg';
import type { Estimate } from '../chaos';

export type PairFeatures = 'polynomial' | 'fourier';

/** The feature map φ: R^d → R^F, and its names for the UI. */
export interface FeatureMap {
  kind: PairFeatures;
  count: number;
  names: string[];
  /** Writes φ(x) for the particle at x[offset … offset + d) into out[0 … count). */
  evaluate(x: ArrayLike<number>, offset: number, out: Float64Array): void;
}

/** `symbol`: the coordinate's letter in the names (v for velocities, x for positions). */
export function featureMap(kind: PairFeatures, d: number, symbol = 'v'): FeatureMap {
  const axes = ['₁', '₂', '₃'].slice(0, d).map((i) => `${symbol}${i}`);
  if (kind === 'polynomial') {
    const names = [...axes];
    for (let a = 0; a < d; a++) for (let b = a; b < d; b++) names.push(a === b ? `${axes[a]}²` : `${axes[a]}${axes[b]}`);
    return {
      kind, count: names.length, names,
      evaluate(x, o, out) {
        let k = d;
        for (let a = 0; a < d; a++) out[a] = x[o + a];
        for (let a = 0; a < d; a++) for (let b = a; b < d; b++) out[k++] = x[o + a] * x[o + b];
      },
    };
  }
  const names: string[] = [];
  for (let a = 0; a < d; a++) for (const k of [1, 2]) names.push(`cos ${2 * k}π${axes[a]}`, `sin ${2 * k}π${axes[a]}`);
  return {
    kind, count: names.length, names,
    evaluate(x, o, out) {
      for (let a = 0; a < d; a++) {
        const th = 2 * Math.PI * x[o + a];
        const c = Math.cos(th), s = Math.sin(th);
        out[4 * a] = c;
        out[4 * a + 1] = s;
        out[4 * a + 2] = c * c - s * s; // cos 2θ
        out[4 * a + 3] = 2 * s * c; // sin 2θ
      }
    },
  };
}

/** Per-replica sums of φ and φφᵀ (upper triangle, row-major) over its N particles. */
export interface ReplicaFeatureSums {
  n: number;
  sum: Float64Array;
  /** Σ_i φ_a φ_b for a ≤ b, packed row by row. */
  sumSq: Float64Array;
}

/**
 * Feature sums of every replica of a particle array laid out [replica][particle][stride]
 * (stride 4: the engine's layout), coordinates 0 … d−1. With `use` < n only the first `use`
 * particles of each replica are summed: they are `use` exchangeable particles of the same
 * N-particle system, so the estimator still estimates that system's C, with more noise.
 */
export function replicaFeatureSums(x: ArrayLike<number>, n: number, replicas: number, map: FeatureMap, use = n, stride = 4): ReplicaFeatureSums[] {
  const F = map.count;
  const phi = new Float64Array(F);
  const out: ReplicaFeatureSums[] = [];
  const m = Math.min(use, n);
  for (let r = 0; r < replicas; r++) {
    const sum = new Float64Array(F), sumSq = new Float64Array((F * (F + 1)) / 2);
    for (let i = 0; i < m; i++) {
      map.evaluate(x, (r * n + i) * stride, phi);
      let k = 0;
      for (let a = 0; a < F; a++) {
        const pa = phi[a];
        sum[a] += pa;
        for (let b = a; b < F; b++) sumSq[k++] += pa * phi[b];
      }
    }
    out.push({ n: m, sum, sumSq });
  }
  return out;
}

export interface PairEntropyEstimate extends Estimate {
  /** Features used, after dropping the degenerate directions. */
  features: number;
  /** The feature map's name. */
  kind: PairFeatures;
  /** Particles per replica that entered the estimate. */
  perReplica: number;
}

/**
 * ½ Σ_ab C_ab² (see the file comment) from the feature sums of R ≥ 3 replicas of N ≥ 2
 * particles, with its jackknife standard error over replicas.
 */
export function pairEntropyFromSums(reps: readonly ReplicaFeatureSums[], kind: PairFeatures): PairEntropyEstimate {
  const R = reps.length;
  if (R < 3) throw new Error(`replicas: the two-marginal relative entropy needs at least 3 replicas (got ${R})`);
  const N = reps[0].n;
  if (N < 2) throw new Error(`n: the two-marginal relative entropy needs at least 2 particles (got ${N})`);
  const F = reps[0].sum.length;
  // A non-finite particle (a blown-up run) makes the estimate undefined, not 0.
  if (reps.some((r) => !r.sum.every(Number.isFinite) || !r.sumSq.every(Number.isFinite))) {
    return { value: Number.NaN, stdErr: Number.NaN, features: 0, kind, perReplica: N };
  }
  const tri = (a: number, b: number) => (a <= b ? a * F - (a * (a - 1)) / 2 + (b - a) : b * F - (b * (b - 1)) / 2 + (a - b));

  // Pooled mean and covariance.
  const M = N * R;
  const mu = new Float64Array(F);
  const S = new Float64Array(F * F);
  for (const r of reps) for (let a = 0; a < F; a++) mu[a] += r.sum[a] / M;
  for (let a = 0; a < F; a++) {
    for (let b = a; b < F; b++) {
      let s = 0;
      for (const r of reps) s += r.sumSq[tri(a, b)];
      S[a * F + b] = S[b * F + a] = s / M - mu[a] * mu[b];
    }
  }
  // Whitening on the non-degenerate eigen-directions.
  const { values, vectors } = symmetricEigen(S, F);
  const lmax = Math.max(...values);
  const keep = values.map((l, k) => ({ l, k })).filter(({ l }) => l > 1e-9 * lmax && l > 0);
  const G = keep.length;
  const W = new Float64Array(G * F);
  keep.forEach(({ l, k }, g) => {
    for (let a = 0; a < F; a++) W[g * F + a] = vectors[a * F + k] / Math.sqrt(l);
  });

  // Per-replica pair cross-covariance estimates c_r (G×G).
  const kappa = (N * R - 1) / (N * (R - 1));
  const cs: Float64Array[] = [];
  const mean = new Float64Array(F), second = new Float64Array(F * F);
  const m = new Float64Array(G), WA = new Float64Array(G * F);
  for (const r of reps) {
    for (let a = 0; a < F; a++) mean[a] = r.sum[a] / N;
    // (1/N)Σ(φ−μ)(φ−μ)ᵀ = Q − μ φ̄ᵀ − φ̄ μᵀ + μμᵀ
    for (let a = 0; a < F; a++) {
      for (let b = 0; b < F; b++) {
        second[a * F + b] = r.sumSq[tri(a, b)] / N - mu[a] * mean[b] - mean[a] * mu[b] + mu[a] * mu[b];
      }
    }
    for (let g = 0; g < G; g++) {
      let s = 0;
      for (let a = 0; a < F; a++) s += W[g * F + a] * (mean[a] - mu[a]);
      m[g] = s;
    }
    // P = W second Wᵀ
    for (let g = 0; g < G; g++) {
      for (let b = 0; b < F; b++) {
        let s = 0;
        for (let a = 0; a < F; a++) s += W[g * F + a] * second[a * F + b];
        WA[g * F + b] = s;
      }
    }
    const c = new Float64Array(G * G);
    for (let g = 0; g < G; g++) {
      for (let h = 0; h < G; h++) {
        let P = 0;
        for (let b = 0; b < F; b++) P += WA[g * F + b] * W[h * F + b];
        c[g * G + h] = (N * kappa * m[g] * m[h] - P) / (N - 1);
      }
    }
    cs.push(c);
  }

  // U-statistic for ‖C‖² and its leave-one-replica-out jackknife.
  const total = new Float64Array(G * G);
  const norms = cs.map((c) => {
    let s = 0;
    for (let k = 0; k < c.length; k++) {
      total[k] += c[k];
      s += c[k] * c[k];
    }
    return s;
  });
  const normsSum = norms.reduce((a, b) => a + b, 0);
  const u = (sumSq: number, diag: number, count: number) => (sumSq - diag) / (count * (count - 1));
  let totalSq = 0;
  for (let k = 0; k < total.length; k++) totalSq += total[k] * total[k];
  const value = 0.5 * u(totalSq, normsSum, R);
  const loo = cs.map((c, r) => {
    let s = 0;
    for (let k = 0; k < c.length; k++) s += (total[k] - c[k]) ** 2;
    return 0.5 * u(s, normsSum - norms[r], R - 1);
  });
  const looMean = loo.reduce((a, b) => a + b, 0) / R;
  const stdErr = Math.sqrt(((R - 1) / R) * loo.reduce((s, x) => s + (x - looMean) ** 2, 0));
  return { value, stdErr, features: G, kind, perReplica: N };
}

/**
 * The estimator a model uses: Fourier modes on the torus, polynomials of degree ≤ 2 in R^d
 * (velocities v for Landau, positions x otherwise), with its description for the UI and JSON.
 */
export function pairEntropyEstimator(model: string, d: number): { kind: PairFeatures; description: string } {
  const kind: PairFeatures = model === 'torus' ? 'fourier' : 'polynomial';
  return { kind, description: pairEntropyDescription(kind, d, model === 'landau' ? 'v' : 'x') };
}

/**
 * H(f₂|f₁⊗f₁) to second order (file comment) from particles laid out [replica][particle][4];
 * `use` particles per replica (default all, see replicaFeatureSums).
 */
export function pairEntropy(x: ArrayLike<number>, n: number, replicas: number, d: number, kind: PairFeatures, use = n): PairEntropyEstimate {
  const map = featureMap(kind, d);
  return pairEntropyFromSums(replicaFeatureSums(x, n, replicas, map, use), kind);
}

/** One line naming the estimator, for the UI and the sweep's JSON. */
export function pairEntropyDescription(kind: PairFeatures, d: number, symbol = 'v'): string {
  const map = featureMap(kind, d, symbol);
  return `½ Σ_ab Cov(ψ_a(V¹), ψ_b(V²))² over ${map.count} whitened features ψ (${kind === 'polynomial' ? 'polynomials of degree ≤ 2' : 'Fourier modes k = 1, 2'}: ${map.names.join(', ')}), H(f₂|f₁⊗f₁) to second order (≤ ½χ²)`;
}
