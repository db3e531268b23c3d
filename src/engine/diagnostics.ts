/**
 * The accurate entropy diagnostics of models.md §4, per replica and across replicas:
 *
 * - H(f) = ∫ f log f of the one-particle marginal (kinetic sign: decreases under the H-theorem),
 *   by the Kozachenko–Leonenko k-NN estimator (physics/estimators/entropy.ts);
 * - H(f|M) = H(f) − H(M), M the Maxwellian with the replica's mass, mean and temperature
 *   T = (1/(dN)) Σ|v − v̄|², H(M) = −(d/2) log(2πeT);
 * - I(f) = ∫|∇f|²/f by the leave-one-out Gaussian-KDE score-matching estimate Î_SM
 *   (physics/estimators/fisher.ts), bandwidth 1.75× Silverman from T unless given.
 *
 * The O(N²) work runs where the particles live: on the GPU for WebGpuBackend (shaders/knn.wgsl,
 * shaders/kde_score.wgsl, via WebGpuBackend.measureNeighbours) and in float64 for CpuBackend.
 * Either way the final reductions are the same float64 functions (kozachenkoLeonenkoFromDistances,
 * fisherFromScoreSums), so the two engines differ only by float32 pair sums
 * (tests/gpu/estimators.test.ts: measured ≲ 1e-8 in H, ≲ 1e-6 relative in I; asserted 6e-6, 2e-4).
 *
 * Biases (measured at N = 2048 on exact samples, tests/unit/estimators.test.ts; all shrink as N
 * grows, so compare runs at equal N, or use the per-N calibration of the BKW GPU test):
 * - KL entropy, k = 3: biased UP for smooth laws by ≈ +0.011–0.015 nats in 2D and +0.034–0.036 in
 *   3D (Gaussian, anisotropic Gaussian, BKW, mixtures; the k-NN balls average f over a finite
 *   radius); DOWN on bounded supports (−0.02 disc, −0.08 3D ball). Single-estimate sd ≈ 0.025.
 *   Smaller N, larger bias: on BKW data H(f|M) is biased by ≈ +0.015 (2D) / +0.033 (3D) at
 *   N = 1024 and +0.020 / +0.043 at N = 512, sd 0.025 / 0.037 (tests/gpu/estimators.test.ts).
 * - H(f|M) inherits the same bias (H(M) is exact from T): near equilibrium the bias IS the
 *   signal (3D BKW at t = 7/24 has H(f|M) = 0.015 below the bias 0.029), so read small H(f|M)
 *   values against the replicas' spread and the bias above, not against 0.
 * - Î_SM at 1.75× Silverman: within ≈ 1 % of its large-N limit, which lies below I(f) by the
 *   O(h⁴) smoothing bias (≈ −6 % for a Maxwellian, d(T + 2h²)/(T + h²)² instead of d/T); the
 *   plug-in Î_PI (reported as `fisherPlugIn`) is 35–45 % below I. Exact limits for BKW data:
 *   bkwKdeFisherLimits (references/bkw.ts); on BKW at N = 512 Î_SM is 0.6–1 % below that limit
 *   (sd of one estimate 2–3 %).
 */
import type { BandwidthRule, NeighbourMeasurement } from '../gpu/neighbourStatistics';
import { unpackScoreSums } from '../gpu/layout';
import { DEFAULT_KNN_RANK, kozachenkoLeonenkoFromDistances, sampleMoments } from '../physics/estimators/entropy';
import { FISHER_BANDWIDTH_FACTOR, fisherFromScoreSums, kdeScoreSums, silvermanBandwidthFor } from '../physics/estimators/fisher';
import { klMaxwellianBias } from '../physics/estimators/klBias';
import { kthNeighbourDistances } from '../physics/estimators/knn';
import { PARTICLE_STRIDE } from '../physics/init';
import { maxwellianEntropy } from '../physics/references/maxwellian';
import type { Backend } from './backend';

/** Largest neighbour rank k (the GPU search keeps a register list of this length). */
export const MAX_KNN_RANK = 8;

export interface EntropyOptions {
  /** Neighbour rank k of the Kozachenko–Leonenko estimator, 1…8; default 3 (DEFAULT_KNN_RANK). */
  k?: number;
  /** Fixed KDE bandwidth h for every replica (velocity units); default 1.75× Silverman per replica. */
  bandwidth?: number;
}

/** One replica's accurate estimates. */
export interface ReplicaEntropy {
  /** H(f) = ∫ f log f (nats), Kozachenko–Leonenko. */
  entropy: number;
  /** H(f|M) = H(f) − H(M) (nats). */
  relativeEntropy: number;
  /**
   * The Maxwellian-calibrated estimates (issue 12; physics/estimators/entropy.ts
   * biasCorrectedEntropyFromDistances): H(f) and H(f|M) minus the KL bias b(N, d, k) on Maxwellian
   * samples. Within ≈ 0.01 nats of the exact values on BKW 3D, N = 2048, R = 4 at k = 8 (README);
   * NaN where d ∉ {2, 3}.
   */
  entropyCorrected: number;
  relativeEntropyCorrected: number;
  /** Î_SM (1/velocity²), the recommended Fisher estimate. */
  fisher: number;
  /** Î_PI (1/velocity²), the plug-in estimate (biased down by the smoothing, O(h²)). */
  fisherPlugIn: number;
  /** T = (1/(dN)) Σ|v − v̄|² (velocity²). */
  temperature: number;
  /** H(M) = −(d/2) log(2πeT) (nats). */
  maxwellianEntropy: number;
  /** Kernel bandwidth h used for the Fisher estimate (velocity units). */
  bandwidth: number;
}

export interface EntropyEstimates {
  /** Engine whose particles were measured ('webgpu': O(N²) sums in float32 on the GPU). */
  engine: Backend['kind'];
  /** Step at which the particles were measured. */
  step: number;
  k: number;
  perReplica: ReplicaEntropy[];
  /** Means over replicas. */
  entropy: number;
  relativeEntropy: number;
  fisher: number;
  temperature: number;
  /** Standard errors of the means across replicas, sd/√R (only when R > 1). */
  entropyStdErr?: number;
  relativeEntropyStdErr?: number;
  fisherStdErr?: number;
  /** Means of the Maxwellian-calibrated estimates (ReplicaEntropy), and their standard errors (R > 1). */
  entropyCorrected: number;
  relativeEntropyCorrected: number;
  entropyCorrectedStdErr?: number;
  relativeEntropyCorrectedStdErr?: number;
}

/** A backend that can run the O(N²) neighbour sums itself (WebGpuBackend). */
export interface NeighbourMeasuringBackend extends Backend {
  measureNeighbours(k: number, bandwidthsOf: BandwidthRule): Promise<NeighbourMeasurement>;
}

function measuresNeighbours(b: Backend): b is NeighbourMeasuringBackend {
  return typeof (b as Partial<NeighbourMeasuringBackend>).measureNeighbours === 'function';
}

/** Replica r's velocities from the vec4 layout, as a flat float64 array of stride d. */
export function replicaPoints(v: ArrayLike<number>, r: number, n: number, d: number): Float64Array {
  const points = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const o = (r * n + i) * PARTICLE_STRIDE;
    for (let c = 0; c < d; c++) points[i * d + c] = v[o + c];
  }
  return points;
}

/** The default Fisher bandwidth for a replica: 1.75× Silverman's rule at its temperature. */
export function replicaBandwidth(points: Float64Array, n: number, d: number, fixed?: number): number {
  return fixed ?? FISHER_BANDWIDTH_FACTOR * silvermanBandwidthFor(n, d, sampleMoments(points, n, d).temperature);
}

/** Assembles one replica's estimates from k-th-neighbour distances and KDE score rows. */
export function replicaEntropy(
  points: Float64Array,
  n: number,
  d: number,
  k: number,
  kthDistances: ArrayLike<number>,
  scoreRows: ArrayLike<number>,
  bandwidth: number,
): ReplicaEntropy {
  const { temperature } = sampleMoments(points, n, d);
  const entropy = kozachenkoLeonenkoFromDistances(kthDistances, n, d, k);
  const reference = maxwellianEntropy(d, temperature);
  const { scoreMatching, plugIn } = fisherFromScoreSums(scoreRows, n, d, bandwidth);
  const entropyCorrected = d === 2 || d === 3 ? entropy - klMaxwellianBias(n, d, k) : Number.NaN;
  return {
    entropy,
    relativeEntropy: entropy - reference,
    entropyCorrected,
    relativeEntropyCorrected: entropyCorrected - reference,
    fisher: scoreMatching,
    fisherPlugIn: plugIn,
    temperature,
    maxwellianEntropy: reference,
    bandwidth,
  };
}

function checkOptions(n: number, opts: EntropyOptions): number {
  const k = opts.k ?? DEFAULT_KNN_RANK;
  if (!Number.isInteger(k) || k < 1 || k > Math.min(MAX_KNN_RANK, n - 1)) {
    throw new Error(`entropy diagnostics: need an integer k in [1, min(${MAX_KNN_RANK}, N − 1)], got k = ${k} (N = ${n})`);
  }
  if (opts.bandwidth !== undefined && !(opts.bandwidth > 0 && Number.isFinite(opts.bandwidth))) {
    throw new Error(`entropy diagnostics: bandwidth must be finite and > 0, got ${opts.bandwidth}`);
  }
  return k;
}

/** Mean and standard error sd/√R (R − 1 in the variance), SE undefined for R = 1. */
function meanAndStdErr(xs: number[]): { mean: number; stdErr?: number } {
  const R = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / R;
  if (R < 2) return { mean };
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (R - 1);
  return { mean, stdErr: Math.sqrt(variance / R) };
}

/** Per-replica estimates → ensemble means with standard errors across replicas. */
export function summariseEntropies(engine: Backend['kind'], step: number, k: number, perReplica: ReplicaEntropy[]): EntropyEstimates {
  const entropy = meanAndStdErr(perReplica.map((e) => e.entropy));
  const relative = meanAndStdErr(perReplica.map((e) => e.relativeEntropy));
  const fisher = meanAndStdErr(perReplica.map((e) => e.fisher));
  const entropyCorrected = meanAndStdErr(perReplica.map((e) => e.entropyCorrected));
  const relativeCorrected = meanAndStdErr(perReplica.map((e) => e.relativeEntropyCorrected));
  const out: EntropyEstimates = {
    entropyCorrected: entropyCorrected.mean,
    relativeEntropyCorrected: relativeCorrected.mean,
    engine,
    step,
    k,
    perReplica,
    entropy: entropy.mean,
    relativeEntropy: relative.mean,
    fisher: fisher.mean,
    temperature: meanAndStdErr(perReplica.map((e) => e.temperature)).mean,
  };
  if (perReplica.length > 1) {
    out.entropyStdErr = entropy.stdErr;
    out.relativeEntropyStdErr = relative.stdErr;
    out.fisherStdErr = fisher.stdErr;
    out.entropyCorrectedStdErr = entropyCorrected.stdErr;
    out.relativeEntropyCorrectedStdErr = relativeCorrected.stdErr;
  }
  return out;
}

/**
 * Most particles per replica the k-NN and KDE estimates use (issue 11: N up to 2²² with
 * interactions=batch, where an O(N²) neighbour search per replica is out of reach). Larger
 * replicas are measured on their first NEIGHBOUR_SAMPLE_MAX particles, which are a uniformly
 * random subsample because the particles are exchangeable (i.i.d. initial data, dynamics symmetric
 * under relabelling). Bias at this size (standard Gaussian, k = 3, kozachenkoLeonenkoEntropy,
 * 3 samples each): H − H_exact = +0.016 ± 0.004 nats (d = 3) and −0.009 ± 0.007 (d = 2, no bias
 * resolved), against +0.034 and +0.011 at N = 2048 (README); one replica's estimate scatters by
 * ≈ 0.01 nats at this size.
 */
export const NEIGHBOUR_SAMPLE_MAX = 16384;

/** Particles per replica the entropy estimates use: min(N, NEIGHBOUR_SAMPLE_MAX). */
export function neighbourSampleSize(n: number): number {
  return Math.min(n, NEIGHBOUR_SAMPLE_MAX);
}

/**
 * H(f), H(f|M) and I(f) of every replica at the backend's current step (the accurate estimates;
 * see the file comment for their biases). WebGPU: the particles are snapshot when this is called,
 * so it may overlap further `step` calls. Cost: two O(N² R) pair sweeps plus a readback of the
 * particles; measured on SwiftShader ≈ 1.3–3 Landau steps per call (N·R = 2k–16k, headless
 * `mfl.entropyCost`), the first call also compiles two pipelines (≈ 1 s there).
 */
export async function estimateEntropies(backend: Backend, opts: EntropyOptions = {}): Promise<EntropyEstimates> {
  const { d, replicas, model } = backend.params;
  // Above NEIGHBOUR_SAMPLE_MAX particles per replica, the estimates use each replica's first
  // NEIGHBOUR_SAMPLE_MAX particles (a uniformly random subsample: see neighbourSampleSize).
  const n = neighbourSampleSize(backend.params.n);
  // Euclidean k-NN balls and Gaussian kernels on R^d: right for velocities (landau) and for
  // positions in R^d (first-order: the reference is then the isotropic Gaussian with the same
  // mean and variance); not for the periodic cell, which needs minimum-image distances.
  if (model === 'torus') throw new Error('entropy diagnostics: not implemented on the torus (needs periodic distances); H(f|1) of models.md §2 is a follow-up');
  const k = checkOptions(n, opts);
  const step = backend.stepCount;
  const perReplica: ReplicaEntropy[] = [];
  if (measuresNeighbours(backend)) {
    let points: Float64Array[] = [];
    const bandwidthsOf: BandwidthRule = (v) => {
      points = Array.from({ length: replicas }, (_, r) => replicaPoints(v, r, n, d));
      return points.map((p) => replicaBandwidth(p, n, d, opts.bandwidth));
    };
    const m = await backend.measureNeighbours(k, bandwidthsOf);
    for (let r = 0; r < replicas; r++) {
      const kth = new Float64Array(n);
      for (let i = 0; i < n; i++) kth[i] = m.distances[(r * n + i) * k + k - 1];
      const rows = unpackScoreSums(m.scoreSums, r * n, n, d);
      perReplica.push(replicaEntropy(points[r], n, d, k, kth, rows, m.bandwidths[r]));
    }
  } else {
    const v = await backend.readParticles();
    for (let r = 0; r < replicas; r++) {
      const points = replicaPoints(v, r, backend.params.n, d).subarray(0, n * d);
      const h = replicaBandwidth(points, n, d, opts.bandwidth);
      perReplica.push(replicaEntropy(points, n, d, k, kthNeighbourDistances(points, n, d, k), kdeScoreSums(points, n, d, h), h));
    }
  }
  return summariseEntropies(backend.kind, step, k, perReplica);
}
