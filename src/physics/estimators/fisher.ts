/**
 * Fisher information I(f) = ∫|∇f|²/f = E_f|∇log f|² from samples (models.md §4), from a
 * leave-one-out Gaussian kernel density estimate of the score. Velocities in any unit;
 * I in 1/velocity².
 *
 *     f̂_{−i}(x) ∝ Σ_{j≠i} w_ij(x),  w_ij(x) = e^(−|x − x_j|²/(2h²))       (kernel G_h = N(0, h² I))
 *     ŝ_i = ∇log f̂_{−i}(x_i) = ⟨x_j − x_i⟩_w / h²          (⟨·⟩_w: w_ij-weighted mean over j ≠ i)
 *     Δlog f̂_{−i}(x_i) = ⟨|x_j − x_i|²⟩_w / h⁴ − d/h² − |ŝ_i|²
 *
 * Two estimates come out of the same O(N² d) pass:
 *
 *   plug-in         Î_PI = (1/N) Σ_i |ŝ_i|²
 *   score matching  Î_SM = −(1/N) Σ_i (|ŝ_i|² + 2 Δlog f̂_{−i}(x_i))
 *                        = (1/N) Σ_i (|ŝ_i|² + 2d/h² − 2⟨|x_j − x_i|²⟩_w/h⁴)
 *
 * Î_SM rests on integration by parts, E_f[ŝ·s] = −E_f[∇·ŝ] for s = ∇log f and any fixed ŝ
 * (ŝ_i does not depend on x_i), so that E_f[−|ŝ|² − 2∇·ŝ] = I(f) − E_f|ŝ − s|²: its error is
 * SECOND order in the score error (always ≤ 0 in expectation over x_i), where Î_PI's is first
 * order. This is the recommended estimate (`fisher`); the plug-in is kept because it is the
 * textbook one and the GPU port may want it.
 *
 * What they converge to (N → ∞, h fixed; f̂_{−i} → f * G_h, s_h = ∇log(f * G_h)):
 * - Î_PI → E_f|s_h|²; for f = N(m, Σ), with B = (Σ + h²I)⁻¹: tr(BΣB) = dT/(T + h²)² when
 *   Σ = T I (`plugInFisherGaussianLimit`). Smoothing bias O(h²), downward.
 * - Î_SM → I(f) − E_f|s_h − s|²; for N(m, Σ): 2 tr B − tr(BΣB) = d(T + 2h²)/(T + h²)² when
 *   Σ = T I (`scoreMatchingFisherGaussianLimit`). Smoothing bias O(h⁴), downward.
 * - models.md §4 quotes I(N(0,T) * G_h) = d/(T + h²) = tr B (`smoothedGaussianFisher`): that is
 *   the Fisher information of the smoothed density, averaged over SMOOTHED samples. Neither
 *   sample-point estimate targets it (the plug-in misses a factor T/(T + h²)); the tests check
 *   that it is rejected as a reference.
 * For BKW data the limits are `bkwKdeFisherLimits` (references/bkw.ts).
 *
 * Finite-N bias (measured at N = 2048, tests/unit/estimators.test.ts): it comes from the tails,
 * where the spacing between samples exceeds h and ŝ_i ≈ (x_nn − x_i)/h² is far too large. At the
 * Silverman (density) bandwidth the plug-in is +25 % (2D) to +55 % (3D) above its limit and Î_SM
 * −15 % to −25 % below. At the default 1.75× Silverman (`fisherBandwidth`) Î_SM is within
 * 0.7–1 % of its limit (single-sample sd ≈ 2 %), i.e. ≈ 6 % below the true I for a Maxwellian
 * (the O(h⁴) smoothing bias), and the plug-in is 2–5 % above its own limit, 35–45 % below I.
 * Too small an h drives Î_SM down, even below 0.
 *
 * Float64 brute force, O(N² d): the exact reference for the GPU estimator.
 */

import { invertSpd, type Matrix } from '../references/maxwellian';
import { sampleMoments } from './entropy';

/**
 * Silverman's normal-reference bandwidth for density estimation with an isotropic Gaussian
 * kernel in R^d: h = σ̄ (4/((d+2) N))^(1/(d+4)), σ̄² = T = (1/(dN)) Σ|v − v̄|² (velocity units).
 */
export function silvermanBandwidth(points: Float64Array, n: number, d: number): number {
  const { temperature } = sampleMoments(points, n, d);
  return silvermanBandwidthFor(n, d, temperature);
}

/** Silverman's rule from the sample size and a known temperature T (velocity²). */
export function silvermanBandwidthFor(n: number, d: number, T: number): number {
  return Math.sqrt(T) * Math.pow(4 / ((d + 2) * n), 1 / (d + 4));
}

/**
 * Default Fisher bandwidth factor over Silverman's rule. Score estimation needs more smoothing
 * than density estimation (the score is a derivative). Measured for Î_SM on N(0, I) at
 * N = 2048, 2D and 3D (bias relative to its limit; single-sample sd): 1× −16 to −25 %, sd 5–7 %;
 * 1.5× −2 to −2.5 %, sd 2–3 %; 1.75× −0.7 to −1 %, sd ≈ 2 %; 2× −0.2 %, sd 1.6 %, but there
 * the smoothing bias of the limit itself reaches −9 % of I (−6 % at 1.75×).
 */
export const FISHER_BANDWIDTH_FACTOR = 1.75;

/** `FISHER_BANDWIDTH_FACTOR` × `silvermanBandwidth` (velocity units). */
export function fisherBandwidth(points: Float64Array, n: number, d: number): number {
  return FISHER_BANDWIDTH_FACTOR * silvermanBandwidth(points, n, d);
}

/** Fisher-information estimates from one pass, and the bandwidth used (1/velocity², velocity). */
export interface FisherEstimate {
  /** Recommended estimate, = scoreMatching. */
  readonly fisher: number;
  /** Î_SM = (1/N) Σ (|ŝ_i|² + 2d/h² − 2⟨|x_j − x_i|²⟩_w/h⁴). */
  readonly scoreMatching: number;
  /** Î_PI = (1/N) Σ |ŝ_i|². */
  readonly plugIn: number;
  /** Kernel bandwidth h. */
  readonly bandwidth: number;
}

/**
 * Leave-one-out Gaussian-KDE Fisher information (see the file comment for the two estimates
 * and their limits). `bandwidth` defaults to `fisherBandwidth`. Requires n ≥ 2.
 */
export function kdeFisherInformation(
  points: Float64Array,
  n: number,
  d: number,
  bandwidth: number = fisherBandwidth(points, n, d),
): FisherEstimate {
  return fisherFromScoreSums(kdeScoreSums(points, n, d, bandwidth), n, d, bandwidth);
}

/**
 * The per-sample leave-one-out kernel sums behind `kdeFisherInformation`: a Float64Array of
 * n rows of stride d + 2, row i = [Σ_{j≠i} w_ij, Σ_{j≠i} w_ij |x_j − x_i|², Σ_{j≠i} w_ij (x_j − x_i)]
 * with w_ij = e^(−|x_j − x_i|²/(2h²)). Only the ratios ⟨·⟩_w = row[·]/row[0] enter the estimates,
 * so a row may carry any positive factor: an isolated sample whose weights all underflow is
 * recomputed with weights relative to its nearest neighbour. The GPU computes the same rows in
 * shaders/kde_score.wgsl (always relative to the nearest neighbour). Requires n ≥ 2.
 */
export function kdeScoreSums(points: Float64Array, n: number, d: number, bandwidth: number): Float64Array {
  if (!Number.isInteger(n) || n < 2) throw new Error(`kdeFisherInformation: need n ≥ 2 samples, got ${n}`);
  if (points.length < n * d) {
    throw new Error(`kdeFisherInformation: points has length ${points.length}, need n·d = ${n * d}`);
  }
  checkBandwidth(bandwidth);
  const inv2h2 = 1 / (2 * bandwidth * bandwidth);
  const stride = d + 2;
  const sums = new Float64Array(n * stride);
  // w_ij = w_ji: one exp per unordered pair, accumulated into both rows.
  for (let i = 0; i < n; i++) {
    const pi = i * d;
    const ri = i * stride;
    for (let j = i + 1; j < n; j++) {
      const pj = j * d;
      let dist2 = 0;
      for (let c = 0; c < d; c++) {
        const diff = points[pj + c] - points[pi + c];
        dist2 += diff * diff;
      }
      const weight = Math.exp(-dist2 * inv2h2);
      if (weight === 0) continue;
      const rj = j * stride;
      sums[ri] += weight;
      sums[rj] += weight;
      sums[ri + 1] += weight * dist2;
      sums[rj + 1] += weight * dist2;
      for (let c = 0; c < d; c++) {
        const term = weight * (points[pj + c] - points[pi + c]);
        sums[ri + 2 + c] += term;
        sums[rj + 2 + c] -= term;
      }
    }
  }
  const row = new Float64Array(stride);
  for (let i = 0; i < n; i++) {
    // Isolated sample (all weights below ~1e-250, or underflowed): redo its row with weights
    // taken relative to its nearest neighbour, which leaves the ratios ⟨·⟩_w unchanged.
    if (sums[i * stride] > 1e-250) continue;
    rescaledRow(points, n, d, i, inv2h2, row);
    sums.set(row, i * stride);
  }
  return sums;
}

/**
 * Î_SM and Î_PI (file comment) from the rows of `kdeScoreSums` (stride d + 2, any positive
 * factor per row), in float64. Shared by the CPU and GPU paths.
 */
export function fisherFromScoreSums(sums: ArrayLike<number>, n: number, d: number, bandwidth: number): FisherEstimate {
  checkBandwidth(bandwidth);
  const stride = d + 2;
  const invh2 = 1 / (bandwidth * bandwidth);
  let plugInTotal = 0;
  let scoreMatchingTotal = 0;
  for (let i = 0; i < n; i++) {
    const base = i * stride;
    const weightSum = sums[base];
    let score2 = 0;
    for (let c = 0; c < d; c++) {
      const score = (sums[base + 2 + c] / weightSum) * invh2;
      score2 += score * score;
    }
    plugInTotal += score2;
    scoreMatchingTotal += score2 + 2 * d * invh2 - 2 * (sums[base + 1] / weightSum) * invh2 * invh2;
  }
  const scoreMatching = scoreMatchingTotal / n;
  return { fisher: scoreMatching, scoreMatching, plugIn: plugInTotal / n, bandwidth };
}

function checkBandwidth(bandwidth: number): void {
  if (!(bandwidth > 0) || !Number.isFinite(bandwidth)) {
    throw new Error(`kdeFisherInformation: bandwidth must be finite and > 0, got ${bandwidth}`);
  }
}

/** Row i of the weighted sums with weights e^(−(|x_j − x_i|² − nearest²)/(2h²)). */
function rescaledRow(
  points: Float64Array,
  n: number,
  d: number,
  i: number,
  inv2h2: number,
  row: Float64Array,
): void {
  const pi = i * d;
  const squaredDistance = (j: number): number => {
    let dist2 = 0;
    for (let c = 0; c < d; c++) {
      const diff = points[j * d + c] - points[pi + c];
      dist2 += diff * diff;
    }
    return dist2;
  };
  let nearest2 = Infinity;
  for (let j = 0; j < n; j++) if (j !== i) nearest2 = Math.min(nearest2, squaredDistance(j));
  row.fill(0);
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const dist2 = squaredDistance(j);
    const weight = Math.exp(-(dist2 - nearest2) * inv2h2);
    row[0] += weight;
    row[1] += weight * dist2;
    for (let c = 0; c < d; c++) row[2 + c] += weight * (points[j * d + c] - points[pi + c]);
  }
}

/**
 * Large-N limit of the plug-in estimate Î_PI for Gaussian data N(m, Σ), bandwidth h:
 * E_f|∇log(f * G_h)|² = tr(BΣB), B = (Σ + h²I)⁻¹ (= dT/(T + h²)² for Σ = T I).
 */
export function plugInFisherGaussianLimit(cov: Matrix, h: number): number {
  const B = invertSpd(smoothedCovariance(cov, h), 'plugInFisherGaussianLimit');
  return traceBSigmaB(B, cov);
}

/**
 * Large-N limit of the score-matching estimate Î_SM (= `fisher`) for Gaussian data N(m, Σ):
 * I(f) − E_f|s_h − s|² = 2 tr B − tr(BΣB), B = (Σ + h²I)⁻¹ (= d(T + 2h²)/(T + h²)² for Σ = T I).
 */
export function scoreMatchingFisherGaussianLimit(cov: Matrix, h: number): number {
  const B = invertSpd(smoothedCovariance(cov, h), 'scoreMatchingFisherGaussianLimit');
  let traceB = 0;
  for (let i = 0; i < B.length; i++) traceB += B[i][i];
  return 2 * traceB - traceBSigmaB(B, cov);
}

/**
 * Fisher information of the smoothed Gaussian, I(N(m, Σ) * G_h) = tr((Σ + h²I)⁻¹)
 * (= d/(T + h²) for Σ = T I, the formula in models.md §4). Not the limit of either estimate.
 */
export function smoothedGaussianFisher(cov: Matrix, h: number): number {
  const B = invertSpd(smoothedCovariance(cov, h), 'smoothedGaussianFisher');
  let traceB = 0;
  for (let i = 0; i < B.length; i++) traceB += B[i][i];
  return traceB;
}

function traceBSigmaB(B: number[][], cov: Matrix): number {
  const d = B.length;
  let result = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let product = 0;
      for (let k = 0; k < d; k++) product += B[i][k] * cov[k][j];
      result += product * B[j][i];
    }
  }
  return result;
}

function smoothedCovariance(cov: Matrix, h: number): number[][] {
  if (!(h >= 0) || !Number.isFinite(h)) throw new Error(`bandwidth h must be finite and ≥ 0, got ${h}`);
  return cov.map((row, i) => row.map((value, j) => (i === j ? value + h * h : value)));
}
