/**
 * The accurate entropy diagnostics of models.md §4, per replica and across replicas:
 *
 * - H(f) = ∫ f log f of the one-particle marginal (kinetic sign: decreases under the H-theorem),
 *   by the Kozachenko–Leonenko k-NN estimator (physics/estimators/entropy.ts) on the R replicas
 *   POOLED into one sample (issue 12): the particles of one replica are exchangeable and the
 *   replicas independent, so all m·R pooled particles are draws of the one-particle marginal, and
 *   the estimator's M^(−2/d) bias is that of M = m·R samples, not of m. m = pooledPerReplica(N, R);
 *   the calibrated value subtracts b(M, d, k), the exact bias on Maxwellian samples (klBias.ts);
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
 * Biases of the RAW estimate on one sample (measured at N = 2048 on exact samples,
 * tests/unit/estimators.test.ts; all shrink as the sample grows; the pooled calibrated estimate:
 * README "Entropy estimator bias"):
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
import { CORRECTED_KNN_RANK, MAX_KNN_RANK, kozachenkoLeonenkoFromDistances, sampleMoments } from '../physics/estimators/entropy';
import { FISHER_BANDWIDTH_FACTOR, fisherFromScoreSums, kdeScoreSums, silvermanBandwidthFor } from '../physics/estimators/fisher';
import { klMaxwellianBias } from '../physics/estimators/klBias';
import { kthNeighbourDistances } from '../physics/estimators/knn';
import { PARTICLE_STRIDE } from '../physics/init';
import { maxwellianEntropy } from '../physics/references/maxwellian';
import type { Backend } from './backend';

/** Largest neighbour rank k (the GPU search keeps a register list of this length). */
export { MAX_KNN_RANK };

export interface EntropyOptions {
  /** Neighbour rank k of the Kozachenko–Leonenko estimator, 1…16; default 16 (CORRECTED_KNN_RANK). */
  k?: number;
  /** Fixed KDE bandwidth h for every replica (velocity units); default 1.75× Silverman per replica. */
  bandwidth?: number;
}

/**
 * One replica's accurate estimates, from its own particles: the entropies from the k-NN search of
 * its m pooled particles within the replica alone (NaN when k > m − 1), T, I and the bandwidth
 * from its n = neighbourSampleSize(N) particles. Independent across replicas, so their spread
 * gives the ensemble's standard errors.
 */
export interface ReplicaEntropy {
  /** H(f) = ∫ f log f (nats), Kozachenko–Leonenko on this replica's m particles. */
  entropy: number;
  /** H(f|M) = H(f) − H(M) (nats). */
  relativeEntropy: number;
  /**
   * The Maxwellian-calibrated estimates (issue 12; physics/estimators/entropy.ts
   * biasCorrectedEntropyFromDistances): H(f) and H(f|M) minus the KL bias b(m, d, k) on m
   * Maxwellian samples. NaN where d ∉ {2, 3}.
   */
  entropyCorrected: number;
  relativeEntropyCorrected: number;
  /** Î_SM (1/velocity²), the recommended Fisher estimate. */
  fisher: number;
  /** Î_PI (1/velocity²), the plug-in estimate (biased down by the smoothing, O(h²)). */
  fisherPlugIn: number;
  /** T = (1/(dn)) Σ|v − v̄|² over the replica's n particles (velocity²). */
  temperature: number;
  /** H(M) = −(d/2) log(2πeT_m) (nats), T_m the temperature of the m particles the entropies use (T when m = n). */
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
  /**
   * The pooled k-NN sample: m particles of each replica, M = m·R in all (pooledPerReplica), and
   * its temperature T = (1/(dM)) Σ|v − v̄|² about the pooled mean (velocity²).
   */
  pooled: { perReplica: number; size: number; temperature: number };
  perReplica: ReplicaEntropy[];
  /**
   * H(f): Kozachenko–Leonenko on the pooled sample of M particles (raw). H(f|M) = H(f) − H(M),
   * M the Maxwellian with the pooled sample's mean and temperature (models.md §4: the moments of
   * f; a replica's own T from m particles has E log T̂ ≈ log T − (1 + 1/d)/m, which would bias
   * H(f|M) by ≈ −(d + 1)/(2m), the pooled T by R times less). I(f) and T: means over replicas.
   */
  entropy: number;
  relativeEntropy: number;
  fisher: number;
  temperature: number;
  /**
   * Standard errors (only when R > 1, and for the entropies only when every replica has its own
   * estimate): I and T, sd/√R across replicas. The pooled entropies, sd_r/√R with sd_r the spread
   * of the replicas' own estimates: the variance of the estimator is ≈ v/(sample size), so a
   * replica's estimate (m particles) has R times the variance of the pooled one (M = m·R).
   * (The spread of the replicas' shares of the pooled sum would understate it ≈ 1.4×: shares
   * have neighbours in common. README "Entropy estimator bias".)
   */
  entropyStdErr?: number;
  relativeEntropyStdErr?: number;
  fisherStdErr?: number;
  /**
   * The Maxwellian-calibrated pooled estimates: H(f) and H(f|M) minus b(M, d, k), the exact bias of
   * the raw estimate on M Maxwellian samples (issue 12), and their standard errors (as above).
   * On BKW 3D, N = 2048, R = 4, k = 16: within 0.01 nats of the exact value at ≈ 90 % of early
   * checkpoints and every late one (README). NaN where d ∉ {2, 3}.
   */
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

/**
 * Assembles one replica's estimates: T and I from its n points and KDE score rows, the entropies
 * from the k-th-neighbour distances of its first m particles (m ≤ n, the pooled share) searched
 * within the replica (null: none, NaN entropies), and H(M) from the temperature of those m.
 */
export function replicaEntropy(
  points: Float64Array,
  n: number,
  d: number,
  k: number,
  m: number,
  kthDistances: ArrayLike<number> | null,
  scoreRows: ArrayLike<number>,
  bandwidth: number,
): ReplicaEntropy {
  const { temperature } = sampleMoments(points, n, d);
  const entropy = kthDistances ? kozachenkoLeonenkoFromDistances(kthDistances, m, d, k) : Number.NaN;
  // H(M) of the m particles the entropies describe: when m < n their temperature differs from
  // the replica's by O(m^(−1/2)), which would not cancel in H(f|M).
  const reference = maxwellianEntropy(d, m === n ? temperature : sampleMoments(points, m, d).temperature);
  const { scoreMatching, plugIn } = fisherFromScoreSums(scoreRows, n, d, bandwidth);
  const entropyCorrected = kthDistances && (d === 2 || d === 3) ? entropy - klMaxwellianBias(m, d, k) : Number.NaN;
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

function checkOptions(sampleSize: number, opts: EntropyOptions): number {
  const k = opts.k ?? CORRECTED_KNN_RANK;
  if (!Number.isInteger(k) || k < 1 || k > Math.min(MAX_KNN_RANK, sampleSize - 1)) {
    throw new Error(`entropy diagnostics: need an integer k in [1, min(${MAX_KNN_RANK}, M − 1)], M the pooled sample size, got k = ${k} (M = ${sampleSize})`);
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

/**
 * The ensemble estimates: the pooled entropy (raw H of the M-particle pooled sample, from its
 * k-th-neighbour distances) with standard errors from the replicas' own estimates, and the
 * replica means of T and I.
 */
export function summariseEntropies(
  engine: Backend['kind'],
  step: number,
  k: number,
  d: number,
  pooled: EntropyEstimates['pooled'] & { kthDistances: ArrayLike<number> },
  perReplica: ReplicaEntropy[],
): EntropyEstimates {
  const M = pooled.size;
  const entropy = kozachenkoLeonenkoFromDistances(pooled.kthDistances, M, d, k);
  const bias = d === 2 || d === 3 ? klMaxwellianBias(M, d, k) : Number.NaN;
  const maxwellian = maxwellianEntropy(d, pooled.temperature);
  const fisher = meanAndStdErr(perReplica.map((e) => e.fisher));
  const out: EntropyEstimates = {
    engine,
    step,
    k,
    pooled: { perReplica: pooled.perReplica, size: M, temperature: pooled.temperature },
    perReplica,
    entropy,
    relativeEntropy: entropy - maxwellian,
    entropyCorrected: entropy - bias,
    relativeEntropyCorrected: entropy - bias - maxwellian,
    fisher: fisher.mean,
    temperature: meanAndStdErr(perReplica.map((e) => e.temperature)).mean,
  };
  if (perReplica.length > 1) {
    out.fisherStdErr = fisher.stdErr;
    // The replicas' own estimates: sd/√R of them is the SE of the pooled estimate (see above).
    const own = meanAndStdErr(perReplica.map((e) => e.entropy));
    const ownRelative = meanAndStdErr(perReplica.map((e) => e.relativeEntropy));
    if (own.stdErr !== undefined && Number.isFinite(own.stdErr)) {
      out.entropyStdErr = own.stdErr;
      out.relativeEntropyStdErr = ownRelative.stdErr;
      if (Number.isFinite(bias)) {
        out.entropyCorrectedStdErr = own.stdErr;
        out.relativeEntropyCorrectedStdErr = ownRelative.stdErr;
      }
    }
  }
  return out;
}

/**
 * Most particles per replica the k-NN and KDE estimates use (issue 11: N up to 2²² with
 * interactions=batch, where an O(N²) sweep per replica is out of reach). Larger replicas are
 * measured on their first NEIGHBOUR_SAMPLE_MAX particles (the KDE Fisher estimate; the k-NN
 * entropy takes the first pooledPerReplica of them), which are a uniformly random subsample
 * because the particles are exchangeable (i.i.d. initial data, dynamics symmetric under
 * relabelling).
 */
export const NEIGHBOUR_SAMPLE_MAX = 16384;

/** Particles per replica the KDE estimate uses (and the k-NN at most): min(N, NEIGHBOUR_SAMPLE_MAX). */
export function neighbourSampleSize(n: number): number {
  return Math.min(n, NEIGHBOUR_SAMPLE_MAX);
}

/** Most particles in the pooled k-NN sample, all replicas together (issue 12). */
export const POOLED_SAMPLE_MAX = 16384;

/**
 * Pair distances one accurate entropy estimate evaluates: the KDE sweep within each replica,
 * n²·R (n = neighbourSampleSize(N)), and the k-NN searches of the pooled sample, (m·R)², and of
 * each replica's share alone, m²·R (m = pooledPerReplica(N, R); not for R = 1, where the pooled
 * sample is the replica).
 */
export function entropyPairCount(n: number, replicas: number): number {
  const kde = neighbourSampleSize(n);
  const m = pooledPerReplica(n, replicas);
  return kde * kde * replicas + (m * replicas) ** 2 + (replicas > 1 ? m * m * replicas : 0);
}

/**
 * m: the particles of each replica in the pooled k-NN sample, min(neighbourSampleSize(N),
 * max(1, ⌊POOLED_SAMPLE_MAX / R⌋)), so that the pooled search (m·R)² costs at most one
 * 16384-particle search: N = 2048, R = 4 → all 8192; N = 65536, R = 16 → 1024 of each.
 */
export function pooledPerReplica(n: number, replicas: number): number {
  return Math.min(neighbourSampleSize(n), Math.max(1, Math.floor(POOLED_SAMPLE_MAX / replicas)));
}

/**
 * H(f), H(f|M) and I(f) of every replica at the backend's current step (the accurate estimates;
 * see the file comment for their biases). WebGPU: the particles are snapshot when this is called,
 * so it may overlap further `step` calls. Cost: entropyPairCount(N, R) pair distances (the KDE
 * sweep, the pooled and the per-replica k-NN searches) plus a readback of the particles (headless
 * `mfl.entropyCost` measures it); the first call also compiles the pipelines.
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
  // The pooled k-NN sample: the first m particles of every replica, M = m·R.
  const m = pooledPerReplica(backend.params.n, replicas);
  const M = m * replicas;
  const k = checkOptions(M, opts);
  const step = backend.stepCount;
  const perReplica: ReplicaEntropy[] = [];
  let pooledKth: Float64Array;
  const pooledPoints = new Float64Array(M * d);
  if (measuresNeighbours(backend)) {
    let points: Float64Array[] = [];
    const bandwidthsOf: BandwidthRule = (v) => {
      points = Array.from({ length: replicas }, (_, r) => replicaPoints(v, r, n, d));
      return points.map((p) => replicaBandwidth(p, n, d, opts.bandwidth));
    };
    const meas = await backend.measureNeighbours(k, bandwidthsOf);
    if (meas.pooledPerReplica !== m) throw new Error(`entropy diagnostics: the backend pooled ${meas.pooledPerReplica} particles per replica, expected ${m}`);
    const kthOf = (dist: Float32Array, first: number, count: number): Float64Array => {
      const kth = new Float64Array(count);
      for (let i = 0; i < count; i++) kth[i] = dist[(first + i) * k + k - 1];
      return kth;
    };
    pooledKth = kthOf(meas.distances, 0, M);
    points.forEach((x, r) => pooledPoints.set(x.subarray(0, m * d), r * m * d));
    for (let r = 0; r < replicas; r++) {
      const rows = unpackScoreSums(meas.scoreSums, r * n, n, d);
      // One replica: its own search is the pooled one.
      const own = meas.replicaDistances ? kthOf(meas.replicaDistances, r * m, m) : replicas === 1 ? pooledKth : null;
      perReplica.push(replicaEntropy(points[r], n, d, k, m, own, rows, meas.bandwidths[r]));
    }
  } else {
    const v = await backend.readParticles();
    const all = Array.from({ length: replicas }, (_, r) => replicaPoints(v, r, backend.params.n, d).subarray(0, n * d));
    all.forEach((x, r) => pooledPoints.set(x.subarray(0, m * d), r * m * d));
    pooledKth = kthNeighbourDistances(pooledPoints, M, d, k);
    all.forEach((points, r) => {
      const h = replicaBandwidth(points, n, d, opts.bandwidth);
      const own = replicas === 1 ? pooledKth : k <= m - 1 ? kthNeighbourDistances(points, m, d, k) : null;
      perReplica.push(replicaEntropy(points, n, d, k, m, own, kdeScoreSums(points, n, d, h), h));
    });
  }
  const pooled = { perReplica: m, size: M, temperature: sampleMoments(pooledPoints, M, d).temperature, kthDistances: pooledKth };
  return summariseEntropies(backend.kind, step, k, d, pooled, perReplica);
}
