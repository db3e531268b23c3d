/**
 * Special functions and geometric constants in float64 used by the references and
 * estimators (models.md §1.2 radial integrals, §4 Kozachenko–Leonenko estimator).
 */

/**
 * Digamma ψ(x) = Γ'(x)/Γ(x) for real x (not a non-positive integer).
 * Recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic series
 * ψ(x) ~ ln x − 1/(2x) − Σ B_{2n}/(2n x^{2n}); truncation error < 1e-15 there.
 * Negative arguments via the reflection ψ(1 − x) − ψ(x) = π cot(πx).
 * Check values: ψ(1) = −γ_Euler = −0.5772156649015329, ψ(n + 1) = ψ(n) + 1/n.
 */
export function digamma(x: number): number {
  if (!Number.isFinite(x)) {
    if (x === Infinity) return Infinity;
    return NaN;
  }
  if (x <= 0 && Number.isInteger(x)) {
    throw new Error(`digamma: pole at non-positive integer x = ${x}`);
  }
  if (x < 0) {
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  let shift = 0;
  let y = x;
  while (y < 10) {
    shift -= 1 / y;
    y += 1;
  }
  const inv = 1 / y;
  const inv2 = inv * inv;
  // Bernoulli terms B2/2 = 1/12, B4/4 = −1/120, B6/6 = 1/252, B8/8 = −1/240, B10/10 = 1/132, B12/12 = −691/32760.
  const series =
    inv2 *
    (1 / 12 -
      inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760))))));
  return shift + Math.log(y) - 0.5 * inv - series;
}

/** Volume of the unit ball in R^d, V_d = π^(d/2)/Γ(1 + d/2) (V_1 = 2, V_2 = π, V_3 = 4π/3). */
export function unitBallVolume(d: number): number {
  if (!Number.isInteger(d) || d < 0) {
    throw new Error(`unitBallVolume: dimension d must be a non-negative integer, got ${d}`);
  }
  // V_d = (2π/d) V_{d−2}, V_0 = 1, V_1 = 2: exact to rounding, no Γ needed.
  let volume = d % 2 === 0 ? 1 : 2;
  for (let k = d % 2 === 0 ? 2 : 3; k <= d; k += 2) volume *= (2 * Math.PI) / k;
  return volume;
}

/** Area of the unit sphere S^(d−1) ⊂ R^d, |S^(d−1)| = d V_d = 2π^(d/2)/Γ(d/2) (2, 2π, 4π). */
export function unitSphereArea(d: number): number {
  if (!Number.isInteger(d) || d < 1) {
    throw new Error(`unitSphereArea: dimension d must be a positive integer, got ${d}`);
  }
  return d * unitBallVolume(d);
}
