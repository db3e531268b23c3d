/**
 * Entropy of the one-particle marginal from samples (models.md §4).
 *
 * Kozachenko–Leonenko k-NN estimator of the differential entropy h = −∫ f log f:
 *
 *     ĥ = ψ(N) − ψ(k) + log V_d + (d/N) Σ_i log ε_{i,k},   V_d = π^(d/2)/Γ(1 + d/2),
 *
 * ε_{i,k} the Euclidean distance from sample i to its k-th nearest other sample. We report
 * the kinetic-sign entropy H(f) = ∫ f log f = −ĥ (nats; decreases under the Landau flow).
 * Units: H depends on the velocity unit through −d log(unit), like ∫ f log f itself.
 *
 * Float64 brute force, O(N² d): the exact reference for the GPU estimator.
 */

import { maxwellianEntropy } from '../references/maxwellian';
import { digamma, unitBallVolume } from '../references/special';
import { klMaxwellianBias } from './klBias';
import { kthNeighbourDistances } from './knn';

/**
 * Default neighbour rank k = 3. Measured at N = 2048 on N(0, I), one sample, 20 seeds
 * (bias of H in nats, 2D / 3D; sd): k = 1 +0.006 / +0.012, sd 0.04; k = 3 +0.011 / +0.025,
 * sd 0.025; k = 5 +0.016 / +0.034, sd 0.023. k = 3 cuts the spread of k = 1 by 40 % for a
 * small extra bias (the k-NN ball averages f over a larger radius; on bounded supports the
 * edge bias has the other sign: −0.085 for the uniform 3D ball at k = 3).
 * Used by the raw one-sample functions below; the app's diagnostics use CORRECTED_KNN_RANK on
 * the pooled sample (engine/diagnostics.ts).
 */
export const DEFAULT_KNN_RANK = 3;

/**
 * H(f) = ∫ f log f ≈ −ĥ (Kozachenko–Leonenko, models.md §4) from n samples in R^d
 * (flat Float64Array, stride d). Duplicate samples give ε = 0 and H = +∞ (a Dirac mass has
 * H = +∞), which is returned as such rather than hidden.
 */
export function kozachenkoLeonenkoEntropy(
  points: Float64Array,
  n: number,
  d: number,
  k: number = DEFAULT_KNN_RANK,
): number {
  return kozachenkoLeonenkoFromDistances(kthNeighbourDistances(points, n, d, k), n, d, k);
}

/**
 * The Kozachenko–Leonenko formula from given k-th-neighbour distances ε_{i,k} of n samples
 * (length ≥ n, velocity units): H = −[ψ(n) − ψ(k) + log V_d + (d/n) Σ_i log ε_{i,k}]. Shared by
 * the float64 search above and the GPU search (shaders/knn.wgsl, reduced in
 * engine/diagnostics.ts), so the two differ only by the distances themselves.
 */
export function kozachenkoLeonenkoFromDistances(epsilon: ArrayLike<number>, n: number, d: number, k: number): number {
  let sumLog = 0;
  for (let i = 0; i < n; i++) sumLog += Math.log(epsilon[i]);
  const differentialEntropy = digamma(n) - digamma(k) + Math.log(unitBallVolume(d)) + (d / n) * sumLog;
  return -differentialEntropy;
}

/**
 * The Maxwellian-calibrated Kozachenko–Leonenko estimate (issue 12): the formula above minus its
 * exact bias on n i.i.d. Maxwellian samples, b(n, d, k) (estimators/klBias.ts; 3D: +0.044 at
 * n = 2048, k = 8; +0.034 at n = 8192, k = 16). Unbiased on Maxwellians at every n; on smooth
 * near-Maxwellian laws the leftover bias is the shape dependence of the n^(−2/d) term (measured on
 * BKW: README "Entropy estimator bias"). Needs d = 2 or 3.
 */
export function biasCorrectedEntropyFromDistances(epsilon: ArrayLike<number>, n: number, d: number, k: number): number {
  return kozachenkoLeonenkoFromDistances(epsilon, n, d, k) - klMaxwellianBias(n, d, k);
}

/** H(f) by the Maxwellian-calibrated estimator from samples (brute-force k-NN). */
export function biasCorrectedEntropy(points: Float64Array, n: number, d: number, k: number = CORRECTED_KNN_RANK): number {
  return biasCorrectedEntropyFromDistances(kthNeighbourDistances(points, n, d, k), n, d, k);
}

/**
 * Neighbour rank of the calibrated estimator on the pooled sample (issue 12), the largest the GPU
 * search keeps (KNN_MAX_RANK). Measured on exact BKW 3D samples pooled 4 × 2048 (30 groups per
 * time; README "Entropy estimator bias"): k = 12, 16, 24 give RMS errors 0.0056/0.0064/0.0048/0.0042,
 * 0.0052/0.0059/0.0050/0.0041 and 0.0058/0.0059/0.0049/0.0036 nats at t₀, 6/24, 7/24, 10/24: a
 * larger k lowers the variance and raises the leftover (shape) bias, −0.001…−0.003 at k = 16.
 */
export const CORRECTED_KNN_RANK = 16;

/**
 * Largest neighbour rank k of the entropy diagnostics: the length of the GPU search's register
 * list (KMAX in shaders/knn.wgsl, checked against it in tests/unit/entropyDiagnostics.test.ts).
 */
export const MAX_KNN_RANK = 16;

/** Mean velocity and temperature T = (1/(dN)) Σ|v − v̄|² of a sample (velocity, velocity²). */
export interface SampleMoments {
  readonly mean: number[];
  readonly temperature: number;
}

/** Sample mean and temperature T = (1/(dN)) Σ_i |v_i − v̄|² (the 1/N, not 1/(N−1), convention). */
export function sampleMoments(points: Float64Array, n: number, d: number): SampleMoments {
  if (n < 1) throw new Error(`sampleMoments: need at least one sample, got n = ${n}`);
  const mean = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c] += points[i * d + c];
  for (let c = 0; c < d; c++) mean[c] /= n;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) {
      const diff = points[i * d + c] - mean[c];
      sum2 += diff * diff;
    }
  }
  return { mean, temperature: sum2 / (d * n) };
}

/** Relative entropy to the Maxwellian with the sample's mass, momentum and energy. */
export interface RelativeEntropyEstimate {
  /** H(f|M) = H(f) − H(M) (nats), ≥ 0 up to estimator error; → 0 under the H-theorem. */
  readonly relative: number;
  /** H(f) = ∫ f log f by Kozachenko–Leonenko. */
  readonly entropy: number;
  /** H(M) = −(d/2) log(2πeT). */
  readonly maxwellianEntropy: number;
  /** T = (1/(dN)) Σ|v − v̄|² (velocity²). */
  readonly temperature: number;
}

/**
 * H(f|M) = H(f) − H(M), M the Maxwellian with the same mass, mean and temperature
 * T = (1/(dN)) Σ|v − v̄|² as the sample (models.md §4). For a Maxwellian M with those moments,
 * ∫ f log M = ∫ M log M, so H(f) − H(M) is exactly the relative entropy ∫ f log(f/M).
 */
export function relativeEntropyToMaxwellian(
  points: Float64Array,
  n: number,
  d: number,
  k: number = DEFAULT_KNN_RANK,
): RelativeEntropyEstimate {
  const { temperature } = sampleMoments(points, n, d);
  const entropy = kozachenkoLeonenkoEntropy(points, n, d, k);
  const reference = maxwellianEntropy(d, temperature);
  return { relative: entropy - reference, entropy, maxwellianEntropy: reference, temperature };
}
