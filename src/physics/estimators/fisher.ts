/**
 * Fisher information I(f) = ∫|∇f|²/f = E_f|∇log f|² from samples (models.md §4), by a
 * leave-one-out Gaussian kernel density estimate of the score:
 *
 *     f̂_{−i}(x) = (1/(N−1)) Σ_{j≠i} G_h(x − x_j),   G_h = N(0, h² I)
 *     ŝ_i = ∇log f̂_{−i}(x_i) = Σ_{j≠i} w_ij (x_j − x_i)/h² / Σ_{j≠i} w_ij,  w_ij = e^(−|x_i−x_j|²/(2h²))
 *     Î = (1/N) Σ_i |ŝ_i|²                                           (1/velocity²)
 *
 * Bias (the reason for the exported targets below). As N → ∞, f̂_{−i} → f * G_h and x_i ∼ f
 * is independent of the other samples, so Î → E_f |∇log(f * G_h)|², NOT I(f):
 * - smoothing biases it down. For f = N(0, Σ) the limit is tr((Σ+h²I)⁻¹ Σ (Σ+h²I)⁻¹),
 *   i.e. d T/(T + h²)² for N(0, T I) (`kdeFisherGaussianLimit`).
 * - models.md §4 quotes I(N(0,T) * G_h) = d/(T + h²) (`smoothedGaussianFisher`): that is the
 *   Fisher information of the smoothed density, E_{f*G_h}|∇log(f*G_h)|². Our estimator
 *   averages the same smoothed score over the UNSMOOTHED samples, which gives the extra
 *   factor T/(T + h²). Both → d/T as h → 0.
 * - at finite N the variance of ŝ_i adds a positive O(1/(N h^(d+2))) bias, largest from tail
 *   samples; measured in tests/unit/estimators.test.ts.
 * For BKW data the corresponding limit is `bkwKdeFisherLimit` (references/bkw.ts).
 *
 * Float64 brute force, O(N² d): the exact reference for the GPU estimator.
 */

import { invertSpd, type Matrix } from '../references/maxwellian';
import { sampleMoments } from './entropy';

/**
 * Silverman-like bandwidth for an isotropic Gaussian kernel in R^d:
 * h = σ̄ (4/((d+2) N))^(1/(d+4)), σ̄² = T = (1/(dN)) Σ|v − v̄|² the mean per-component variance
 * (the normal-reference rule for density estimation). Velocity units.
 */
export function silvermanBandwidth(points: Float64Array, n: number, d: number): number {
  const { temperature } = sampleMoments(points, n, d);
  return silvermanBandwidthFor(n, d, temperature);
}

/** The same rule from the sample size and a known temperature T (velocity²). */
export function silvermanBandwidthFor(n: number, d: number, T: number): number {
  return Math.sqrt(T) * Math.pow(4 / ((d + 2) * n), 1 / (d + 4));
}

/** A Fisher-information estimate and the bandwidth it used. */
export interface FisherEstimate {
  /** Î = (1/N) Σ|ŝ_i|² (1/velocity²). */
  readonly fisher: number;
  /** Kernel bandwidth h (velocity). */
  readonly bandwidth: number;
}

/**
 * Leave-one-out Gaussian-KDE Fisher information estimate (see the file comment for what it
 * converges to). `bandwidth` defaults to `silvermanBandwidth`. Weights are computed relative
 * to each sample's nearest neighbour, so isolated samples do not underflow to 0/0.
 * Requires n ≥ 2.
 */
export function kdeFisherInformation(
  points: Float64Array,
  n: number,
  d: number,
  bandwidth: number = silvermanBandwidth(points, n, d),
  pairCorrected = true,
): FisherEstimate {
  if (!Number.isInteger(n) || n < 2) throw new Error(`kdeFisherInformation: need n ≥ 2 samples, got ${n}`);
  if (points.length < n * d) {
    throw new Error(`kdeFisherInformation: points has length ${points.length}, need n·d = ${n * d}`);
  }
  if (!(bandwidth > 0) || !Number.isFinite(bandwidth)) {
    throw new Error(`kdeFisherInformation: bandwidth must be finite and > 0, got ${bandwidth}`);
  }
  const inv2h2 = 1 / (2 * bandwidth * bandwidth);
  const invh2 = 1 / (bandwidth * bandwidth);
  const drift = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const pi = i * d;
    let nearest2 = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let dist2 = 0;
      for (let c = 0; c < d; c++) {
        const diff = points[j * d + c] - points[pi + c];
        dist2 += diff * diff;
      }
      if (dist2 < nearest2) nearest2 = dist2;
    }
    drift.fill(0);
    let weightSum = 0;
    // Running pair sums over j < k (both ≠ i): Σ w_j w_k and Σ a_j·a_k, a_j = w_j (x_j − x_i)/h².
    let weightPairs = 0;
    let driftPairs = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let dist2 = 0;
      for (let c = 0; c < d; c++) {
        const diff = points[j * d + c] - points[pi + c];
        dist2 += diff * diff;
      }
      const weight = Math.exp(-(dist2 - nearest2) * inv2h2);
      weightPairs += weight * weightSum;
      weightSum += weight;
      for (let c = 0; c < d; c++) {
        const term = weight * (points[j * d + c] - points[pi + c]) * invh2;
        driftPairs += term * drift[c];
        drift[c] += term;
      }
    }
    if (pairCorrected && weightPairs > 0) {
      total += driftPairs / weightPairs;
    } else {
      let score2 = 0;
      for (let c = 0; c < d; c++) {
        const score = drift[c] / weightSum;
        score2 += score * score;
      }
      total += score2;
    }
  }
  return { fisher: total / n, bandwidth };
}

/**
 * Large-N limit of `kdeFisherInformation` for Gaussian data N(m, Σ) and bandwidth h:
 * E_f|∇log(f * G_h)|² = tr((Σ + h²I)⁻¹ Σ (Σ + h²I)⁻¹) (= d T/(T + h²)² when Σ = T I).
 */
export function kdeFisherGaussianLimit(cov: Matrix, h: number): number {
  const d = cov.length;
  const inverse = invertSpd(smoothedCovariance(cov, h), 'kdeFisherGaussianLimit');
  // tr(A Σ A) with A symmetric = Σ_ij (AΣ)_ij A_ji.
  let result = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let product = 0;
      for (let k = 0; k < d; k++) product += inverse[i][k] * cov[k][j];
      result += product * inverse[j][i];
    }
  }
  return result;
}

/**
 * Fisher information of the smoothed Gaussian, I(N(m, Σ) * G_h) = tr((Σ + h²I)⁻¹)
 * (= d/(T + h²) for Σ = T I, the formula quoted in models.md §4).
 */
export function smoothedGaussianFisher(cov: Matrix, h: number): number {
  const inverse = invertSpd(smoothedCovariance(cov, h), 'smoothedGaussianFisher');
  let trace = 0;
  for (let i = 0; i < inverse.length; i++) trace += inverse[i][i];
  return trace;
}

function smoothedCovariance(cov: Matrix, h: number): number[][] {
  if (!(h >= 0) || !Number.isFinite(h)) throw new Error(`bandwidth h must be finite and ≥ 0, got ${h}`);
  return cov.map((row, i) => row.map((value, j) => (i === j ? value + h * h : value)));
}
