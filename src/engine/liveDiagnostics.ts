/**
 * The frame loop's pure helpers for the live diagnostics (issues 4, 5): histogram ranges per
 * model, the default K of the accurate entropy estimates, and the CHEAP histogram estimates.
 * No DOM, no GPU: unit-tested in Node (tests/unit/liveDiagnostics.test.ts).
 */
import { HIST_BINS, type HistogramRange, type Histograms } from '../gpu/passes/histogram';
import { histogramEntropy, isotropicEntropyFromSpeeds, marginalEntropySum } from '../physics/estimators/histogramEntropy';
import { pairEntropy, pairEntropyEstimator } from '../physics/estimators/pairEntropy';
import type { Params } from '../physics/params';
import { entropyPairCount } from './diagnostics';

/** Cheap estimates are left out when more than this fraction of the particles fall outside the bins. */
export const CHEAP_OVERFLOW_LIMIT = 0.005;

/** A nice number ≥ x: 1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8 × 10^k. */
export function niceCeil(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  const m = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 10].find((s) => s * p >= x * (1 - 1e-12)) ?? 10;
  return m * p;
}

/**
 * Histogram ranges from the initial particles: ±4.5σ around the mean of the widest component;
 * colorMax (the speed at the top of the cloud's colour map) about twice the r.m.s. speed.
 */
export function histogramRangeOf(v: ArrayLike<number>, count: number, d: number): HistogramRange & { colorMax: number } {
  const mean = [0, 0, 0], sq = [0, 0, 0];
  let energy = 0;
  for (let k = 0; k < count; k++) {
    for (let c = 0; c < d; c++) {
      const x = v[k * 4 + c];
      mean[c] += x;
      sq[c] += x * x;
      energy += x * x;
    }
  }
  let vMax = 0, maxVar = 0;
  for (let c = 0; c < d; c++) {
    const m = mean[c] / count;
    const variance = Math.max(sq[c] / count - m * m, 1e-12);
    maxVar = Math.max(maxVar, variance);
    vMax = Math.max(vMax, Math.abs(m) + 4.5 * Math.sqrt(variance));
  }
  return { vMax: niceCeil(vMax), speedMax: niceCeil(Math.sqrt(energy / count) + 3.5 * Math.sqrt(maxVar)), colorMax: niceCeil(2 * Math.sqrt(energy / count)) };
}

/**
 * Default K (accurate entropy estimates every K steps). An estimate costs entropyPairCount(N, R)
 * pair distances (engine/diagnostics.ts): ≈ 3 all-pairs steps for one replica, ≈ R + 2 when the R
 * replicas are pooled whole, less when N·R > 16384. Plus a readback latency that dominates at
 * small N. Base: every 10 steps below N = 1024 (cheap, noisy: many estimates to average by eye),
 * 20 up to N = 4096 and 40 above; raised (in tens) until an estimate costs ≤ 30 % of the pair work
 * of the K all-pairs steps it follows: R = 4 → 20, R = 8 → 40 at N = 512.
 */
export function defaultEntropyEvery(n: number, replicas: number = 1): number {
  const base = n < 1024 ? 10 : n <= 4096 ? 20 : 40;
  const stepsOfWork = entropyPairCount(n, replicas) / (n * n * replicas);
  return Math.max(base, 10 * Math.ceil(stepsOfWork / 0.3 / 10));
}

/**
 * Histogram ranges of a run: the torus cell [0, 1)^d (centre ½; the distance from the centre is at
 * most √d/2); velocities from the initial particles; positions of the first-order systems from the
 * initial particles, widened by 1.6 because diffusion and repulsion spread them.
 */
export function histogramRangeFor(p: Params, initial: ArrayLike<number>, count: number): HistogramRange & { colorMax: number } {
  if (p.model === 'torus') return { vMax: 0.5, center: 0.5, speedMax: niceCeil(Math.sqrt(p.d) / 2), colorMax: niceCeil(Math.sqrt(p.d) / 2) };
  const r = histogramRangeOf(initial, count, p.d);
  if (p.model === 'landau') return r;
  return { vMax: niceCeil(1.6 * r.vMax), speedMax: niceCeil(1.6 * r.speedMax), colorMax: r.colorMax };
}

/**
 * CHEAP entropy estimates from one set of histograms (physics/estimators/histogramEntropy.ts,
 * Miller–Madow corrected). R^d: the larger of two lower bounds of H(f), Σ_c H(f_c) (exact for
 * product laws) and H(f_iso) from the distance histogram (exact for isotropic laws); NaN when more
 * than CHEAP_OVERFLOW_LIMIT of the particles fall outside the bins. Torus: Σ_c H(f_c|1) on the cell
 * (the uniform law has H = 0, so H(f|1) = H(f)). The relative entropy of R^d is filled in by
 * TimeSeries from the row's moments.
 */
export function cheapEntropy(p: Params, h: Histograms): { entropyCheap: number; relativeEntropyCheap: number; cosineMode?: number } {
  const n = h.total;
  // Few samples: merge neighbouring bins (by 2, 4 or 8) so that they hold ≥ 10 on average; the
  // plug-in's sampling bias, ~ (bins − 1)/2n before the Miller–Madow term, is then small, and the
  // binning bias Δ² I/24 of the coarser bins still is (models.md §4, histogramEntropy.ts).
  let merge = 1;
  while (merge < 8 && n * merge < 10 * HIST_BINS) merge *= 2;
  const coarse = (counts: ArrayLike<number>) => {
    const out = new Float64Array(HIST_BINS / merge);
    for (let b = 0; b < HIST_BINS; b++) out[Math.floor(b / merge)] += counts[b];
    return out;
  };
  const w = (merge * 2 * h.range.vMax) / HIST_BINS;
  const components = h.components.slice(0, p.d).map(coarse);
  const opts = { millerMadow: true };
  if (p.model === 'torus') {
    const H = components.reduce((s, c) => s + histogramEntropy(c, w, n, opts), 0);
    // (1/N)Σ cos 2πX₁ from the fine x₁ bins, cos averaged exactly over each bin.
    const lo = (h.range.center ?? 0) - h.range.vMax, dx = (2 * h.range.vMax) / HIST_BINS;
    let mode = 0;
    for (let b = 0; b < HIST_BINS; b++) {
      const a = lo + b * dx;
      mode += h.components[0][b] * (Math.sin(2 * Math.PI * (a + dx)) - Math.sin(2 * Math.PI * a)) / (2 * Math.PI * dx);
    }
    return { entropyCheap: H, relativeEntropyCheap: H, cosineMode: mode / n };
  }
  const overflow = Math.max(...h.overflow.slice(0, p.d), h.overflow[3]);
  if (overflow > CHEAP_OVERFLOW_LIMIT * n) return { entropyCheap: NaN, relativeEntropyCheap: NaN };
  const product = marginalEntropySum(components, w, n, opts);
  const isotropic = isotropicEntropyFromSpeeds(coarse(h.speed), (merge * h.range.speedMax) / HIST_BINS, n, p.d, opts);
  return { entropyCheap: Math.max(product, isotropic), relativeEntropyCheap: NaN };
}

/** The live two-marginal entropy meter sums at most this many particles (measured ≈ 25–50 ms of float64 on the 2-core dev machine; it runs once a second). */
export const LIVE_PAIR_ENTROPY_MAX_PARTICLES = 1 << 16;

/**
 * The live H(f₂|f₁⊗f₁) meter (physics/estimators/pairEntropy.ts) from a particle readback: all
 * particles up to LIVE_PAIR_ENTROPY_MAX_PARTICLES, else the first ⌊max/R⌋ of each replica (still
 * exchangeable particles of the same N-system: the estimate is unbiased, only noisier). Null with
 * fewer than 3 replicas or a non-finite state.
 */
export function livePairEntropy(v: ArrayLike<number>, p: Params, t: number): { value: number; stdErr: number; t: number; estimator: string; perReplica: number } | null {
  if (p.replicas < 3 || p.n < 2) return null;
  const use = Math.max(2, Math.min(p.n, Math.floor(LIVE_PAIR_ENTROPY_MAX_PARTICLES / p.replicas)));
  const { kind, description } = pairEntropyEstimator(p.model, p.d);
  const e = pairEntropy(v, p.n, p.replicas, p.d, kind, use);
  if (!Number.isFinite(e.value) || !Number.isFinite(e.stdErr)) return null;
  return { value: e.value, stdErr: e.stdErr, t, estimator: description, perReplica: e.perReplica };
}
