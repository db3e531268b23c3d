/**
 * Exact references of the first-order systems (models.md §3), for tests and the view.
 *
 * Second-moment (virial) identities, any N, unregularised kernels, in expectation:
 * - Biot–Savart, all m_j equal (circ=plus): x·K(x) = 0 (also for the regularised kernel), so
 *   E[(1/N)Σ|X^i|²](t) = (1/N)Σ|X^i_0|² + 2dσt.
 *   With mixed circulations (circ=pm|uniform) the unweighted moment is NOT exact: the pair (i, j)
 *   contributes (m_j − m_i) X^j·K(X^i − X^j). The exact identity is for the circulation-weighted
 *   moment I = (1/N)Σ m_i|X^i|² (the angular impulse): E I(t) = I(0) + 2dσt · (1/N)Σ m_i.
 * - 2D Coulomb of strength χ and sign s (+ repulsive, − attractive), ε = 0:
 *   d/dt E[(1/N)Σ|X^i|²] = 4σ + sχ(N−1)/(2πN). With ε > 0 the interaction part is
 *   sχ/(2π) · (1/N²)Σ_{i≠j} |z|²/(|z|² + ε²), strictly smaller in magnitude.
 * - Lamb–Oseen: all m = +1 and X₀ ~ N(0, s₀² I), the limit law is N(0, (s₀² + 2σt) I).
 */
import type { Params } from '../params';
import { signOf } from '../firstOrder/kernels';

/**
 * Exact slope of t ↦ E[(1/N)Σ|X^i|²] (for Biot–Savart with mixed circulations: of the weighted
 * moment divided by (1/N)Σm_i, see above), or null where no exact identity is known.
 * Requires ε = 0 for Coulomb (the regularised slope is data-dependent).
 */
export function secondMomentSlope(p: Params): number | null {
  if (p.model !== 'first-order') return null;
  if (p.kernel === 'biot-savart') return 2 * p.d * p.sigma;
  if (p.kernel === 'coulomb' && p.d === 2 && p.eps === 0) {
    return 4 * p.sigma + (signOf(p.sign) * p.chi * (p.n - 1)) / (2 * Math.PI * p.n);
  }
  return null;
}

/**
 * Keller–Segel: the time at which the exact virial line m₀ + slope·t reaches 0 (slope < 0), the
 * latest possible collapse time of the N-particle system; null when the slope is ≥ 0.
 */
export function virialZeroTime(p: Params, m0: number): number | null {
  const slope = secondMomentSlope(p);
  return slope !== null && slope < 0 ? m0 / -slope : null;
}

/** Whether the Lamb–Oseen reference applies: vortices, all m = +1, Gaussian initial blob, d = 2. */
export function isLambOseen(p: Params): boolean {
  return p.model === 'first-order' && p.kernel === 'biot-savart' && p.circ === 'plus' && p.init === 'gaussian' && p.d === 2;
}

/** Per-axis variance s₀² + 2σt of the Lamb–Oseen law N(0, (s₀² + 2σt) I) at time t (s₀ = width). */
export function lambOseenVariance(p: Pick<Params, 'width' | 'sigma'>, t: number): number {
  return p.width * p.width + 2 * p.sigma * t;
}

/**
 * Lamb–Oseen radial law in 2D: P(|X| ≤ r) = 1 − exp(−r²/(2v)), v = s₀² + 2σt; its density in r
 * is (r/v) exp(−r²/(2v)) (the heat-kernel law the view draws against the radial histogram).
 */
export function lambOseenRadialCdf(r: number, v: number): number {
  return 1 - Math.exp(-(r * r) / (2 * v));
}

export function lambOseenRadialDensity(r: number, v: number): number {
  return (r / v) * Math.exp(-(r * r) / (2 * v));
}
