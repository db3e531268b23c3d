/**
 * CHEAP per-frame entropy estimates from histograms (models.md §4), for the live UI. They are
 * plug-in estimates with known biases, meant for a curve drawn every frame; the ACCURATE
 * estimates (Kozachenko–Leonenko H, KDE Fisher I; engine/diagnostics.ts) run every K steps and
 * are what the headless runner records. Label them as such wherever both are shown.
 *
 * Sign: H = ∫ f log f (kinetic sign, decreasing), nats; velocities in any unit (H shifts by
 * −d log(unit) like ∫ f log f itself).
 *
 * Plug-in estimate from counts c_b of n samples in cells of volume Δ^m (m = 1 for a 1D
 * histogram, 2 for a 2D one):  Ĥ = Σ_b (c_b/n) log(c_b/(n Δ^m)). Its biases:
 * - binning: the histogram density is f averaged over cells, which lowers ∫ f log f by
 *   ≈ Δ² I(f)/24 (I the Fisher information along the binned axes; ≈ m Δ²/(24T) for a
 *   Maxwellian). With the UI's 64 bins over ±5σ (Δ ≈ 0.16σ) that is ≈ 0.001 per axis: negligible.
 * - sampling: E[Σ p̂ log p̂] exceeds Σ p log p by ≈ (B − 1)/(2n), B the occupied cells
 *   (Miller–Madow). 1D, 64 bins, n = 4096: ≈ +0.005. 2D 64×64, n = 4096: ≈ +0.1, and the
 *   first-order formula is itself unreliable when most cells hold a few counts: prefer 1D.
 *   `millerMadow: true` subtracts (B − 1)/(2n).
 * - range: samples outside the histogram (overflow) are left out of the sum; the estimate is
 *   then meaningless if more than a fraction of a percent overflow.
 */
import { unitSphereArea } from '../references/special';

export interface HistogramEntropyOptions {
  /** Dimension m of the histogram's cells (cell volume binWidth^m); default 1. */
  dims?: number;
  /** Subtract the Miller–Madow term (occupied cells − 1)/(2n); default false. */
  millerMadow?: boolean;
}

function checkHistogram(counts: ArrayLike<number>, binWidth: number, n: number, caller: string): void {
  if (!(binWidth > 0) || !Number.isFinite(binWidth)) throw new Error(`${caller}: binWidth must be finite and > 0, got ${binWidth}`);
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`${caller}: n must be > 0, got ${n}`);
  let total = 0;
  for (let b = 0; b < counts.length; b++) total += counts[b];
  if (total > n * (1 + 1e-9)) throw new Error(`${caller}: the counts add up to ${total} > n = ${n}`);
}

/**
 * CHEAP plug-in entropy Σ_b (c_b/n) log(c_b/(n Δ^m)) of a histogram (file comment: biases).
 * n is the number of samples binned, overflow included (so out-of-range mass is not
 * renormalised into the bins). Returns NaN when no sample fell in range.
 */
export function histogramEntropy(counts: ArrayLike<number>, binWidth: number, n: number, opts: HistogramEntropyOptions = {}): number {
  checkHistogram(counts, binWidth, n, 'histogramEntropy');
  const dims = opts.dims ?? 1;
  const logCell = dims * Math.log(binWidth);
  let sum = 0;
  let occupied = 0;
  for (let b = 0; b < counts.length; b++) {
    const c = counts[b];
    if (c <= 0) continue;
    const p = c / n;
    sum += p * (Math.log(p) - logCell);
    occupied++;
  }
  if (occupied === 0) return NaN;
  return opts.millerMadow ? sum - (occupied - 1) / (2 * n) : sum;
}

/**
 * CHEAP estimate of H(f) for an ISOTROPIC law in R^d from the histogram of speeds |v| on
 * [0, B·binWidth): with f(v) = g(|v|)/(|S^(d−1)| |v|^(d−1)), g the speed density,
 *
 *     H(f) = ∫ g log g − log|S^(d−1)| − (d − 1) E[log |v|],
 *
 * the first term by `histogramEntropy`, E log|v| from the bins (log r averaged exactly over each
 * bin, so the bin at 0 is finite). The speed law determines the isotropised law f_iso (f averaged
 * over rotations), so this estimates H(f_iso) ≤ H(f) (∫ f log f is convex): exact for isotropic
 * f (BKW, Maxwellians, the shell), a lower bound otherwise. Same biases as `histogramEntropy`
 * (binning bias ≈ Δ²/24 ∫ g'²/g).
 */
export function isotropicEntropyFromSpeeds(
  counts: ArrayLike<number>,
  binWidth: number,
  n: number,
  d: number,
  opts: Omit<HistogramEntropyOptions, 'dims'> = {},
): number {
  const radial = histogramEntropy(counts, binWidth, n, opts);
  let meanLog = 0;
  for (let b = 0; b < counts.length; b++) {
    if (counts[b] <= 0) continue;
    const lo = b * binWidth;
    const hi = lo + binWidth;
    const xLogX = (x: number): number => (x > 0 ? x * Math.log(x) : 0);
    // (1/Δ) ∫_lo^hi log r dr = (hi log hi − lo log lo)/Δ − 1.
    meanLog += (counts[b] / n) * ((xLogX(hi) - xLogX(lo)) / binWidth - 1);
  }
  return radial - Math.log(unitSphereArea(d)) - (d - 1) * meanLog;
}

/**
 * CHEAP lower bound of H(f) from the 1D marginal histograms: Σ_c H(f_c) ≤ H(f) (subadditivity
 * of differential entropy), with equality iff the components are independent (Maxwellians,
 * any product law). Pass the d component histograms (same bin width).
 */
export function marginalEntropySum(components: readonly ArrayLike<number>[], binWidth: number, n: number, opts: Omit<HistogramEntropyOptions, 'dims'> = {}): number {
  return components.reduce((s, counts) => s + histogramEntropy(counts, binWidth, n, opts), 0);
}
