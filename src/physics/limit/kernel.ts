/**
 * The radial interaction kernel Λ(r, s) of the isotropic Landau equation (models.md §1.6), in
 * the symmetric weak form used by the deterministic limit solver (limit/isotropicLandau.ts).
 *
 * For radial f(v) = g(|v|) and a radial test function φ(|v|), models.md §1's weak form
 * d/dt ∫φf = −½∬ f(v)f(w) (∇φ(v) − ∇φ(w))ᵀ a(v−w) (∇log f(v) − ∇log f(w)) dv dw becomes, with
 * v̂ᵀ a v̂ = α s²(1−μ²), v̂ᵀ a ŵ = α rs(1−μ²), ŵᵀ a ŵ = α r²(1−μ²) (μ = v̂·ŵ, r = |v|, s = |w|),
 *
 *     d/dt ∫φ f = −½ ∬ g(r) g(s) (s φ'(r) − r φ'(s)) (s ψ(r) − r ψ(s)) Λ(r, s) dr ds,  ψ = g'/g,
 *
 *     Λ(r, s) = |S^(d−1)| r^(d−1) s^(d−1) ∫_{S^(d−1)} α_ε(|r e₁ − s ω|) (1 − (e₁·ω)²) dω.
 *
 * φ = |v|² gives s·2r − r·2s = 0 (energy), φ = 1 gives 0 (mass), φ = log g gives −½∬ gg(…)²Λ ≤ 0
 * (H-theorem). The angular integral, with x = |v − w|² = (r−s)² + 4rs t (t = (1−μ)/2) and
 * u = x + ε², a' = (r−s)² + ε², c = 4rs:
 *
 *     3D (dω = 2π dμ):  Λ = 64π² r² s² ∫₀¹ (a' + c t)^(γ/2) t(1−t) dt          (γ = 0: (32/3)π² r² s²)
 *     2D (dω = dθ):     Λ = 16π r s   ∫₀¹ (a' + c t)^(γ/2) √(t(1−t)) dt        (γ = 0: 2π² r s)
 *
 * It uses exactly the particle systems' regularised α_ε(r) = (r² + ε²)^(γ/2) (models.md §1), so
 * the solver is the limit of the regularised systems. Check (γ = 0, 3D): λ(r) = 2E/3 and β = −2r
 * (models.md §1.6; tests/unit/limitEquation.test.ts).
 *
 * Quadrature: the t-integrand is analytic on [0, 1] with its nearest singularity at t = −a'/c.
 * When c ≤ 4a' a fixed Gauss rule is exact to rounding (the singularity is ≥ ¼ away: Bernstein
 * ellipse ρ ≥ 2.6, error ≲ ρ^(−2n) < 1e-16 with n = 20). Otherwise (r ≈ s, small ε): 3D uses the
 * closed form ∫ u^p (u−a')(b'−u) du (elementary: models.md §1.6), 2D a geometrically graded
 * composite Gauss rule in u = √t that resolves the peak of width a'/c at t = 0.
 */
import { gaussLegendreRule } from '../references/quadrature';

/** Exponent and regularisation of α_ε(r) = (r² + ε²)^(γ/2) (models.md §1). */
export interface RadialKernelSpec {
  d: 2 | 3;
  gamma: number;
  eps: number;
}

/**
 * u^q/q up to a constant (the same for both ends, so it cancels in differences): (u^q − 1)/q for
 * |q| < 0.1 (→ log u as q → 0, e.g. γ = −2), else u^q/q (subtracting 1 would cancel digits at u ≪ 1).
 */
function powOverQ(u: number, q: number): number {
  if (q === 0) return Math.log(u);
  if (Math.abs(q) < 0.1) return Math.expm1(q * Math.log(u)) / q;
  return Math.pow(u, q) / q;
}

/** ∫_{a'}^{b'} u^p (u − a')(b' − u) du in closed form (3D, r ≈ s). */
function closedFormCubic(p: number, a: number, c: number): number {
  const b = a + c;
  const F = (u: number) => -powOverQ(u, p + 3) + (a + b) * powOverQ(u, p + 2) - a * b * powOverQ(u, p + 1);
  return F(b) - F(a);
}

/** 20-point Gauss–Legendre on [0, 1] of (a' + c t)^p · weight(t). */
function fixedGauss(p: number, a: number, c: number, weight: (t: number) => number): number {
  const { nodes, weights } = gaussLegendreRule(20);
  let sum = 0;
  for (let j = 0; j < nodes.length; j++) {
    const t = 0.5 * (1 + nodes[j]);
    sum += weights[j] * Math.pow(a + c * t, p) * weight(t);
  }
  return 0.5 * sum;
}

/**
 * ∫₀¹ (a' + c t)^p w(t) dt with w = t(1−t) (3D) or √(t(1−t)) (2D), robust for a' ≪ c: t = u² on
 * [0, ½] with panels [0, u₀], [u₀, 2u₀], … graded towards the peak at u ~ √(a'/c), and t = 1 − v²
 * on [½, 1] (smooth there). 12-point Gauss per panel.
 */
function gradedGauss(p: number, a: number, c: number, d: 2 | 3): number {
  const { nodes, weights } = gaussLegendreRule(12);
  const w = d === 3 ? (t: number) => t * (1 - t) : (t: number) => Math.sqrt(t * (1 - t));
  const top = Math.SQRT1_2;
  const panel = (lo: number, hi: number, g: (u: number) => number): number => {
    let s = 0;
    const mid = 0.5 * (lo + hi), half = 0.5 * (hi - lo);
    for (let j = 0; j < nodes.length; j++) s += weights[j] * g(mid + half * nodes[j]);
    return s * half;
  };
  const near = (u: number) => 2 * u * Math.pow(a + c * u * u, p) * w(u * u);
  const far = (v: number) => 2 * v * Math.pow(a + c * (1 - v * v), p) * w(1 - v * v);
  let total = panel(0, top, far);
  let lo = Math.max(0.5 * Math.sqrt(a / c), 1e-7);
  if (lo >= top) return total + panel(0, top, near);
  total += panel(0, lo, near);
  while (lo < top) {
    const hi = Math.min(2 * lo, top);
    total += panel(lo, hi, near);
    lo = hi;
  }
  return total;
}

/** The t-integral of Λ (see the file comment), by the robust quadrature only (tests compare). */
export function angularIntegralQuadrature(d: 2 | 3, p: number, a: number, c: number): number {
  if (c <= 4 * a) return fixedGauss(p, a, c, d === 3 ? (t) => t * (1 - t) : (t) => Math.sqrt(t * (1 - t)));
  return gradedGauss(p, a, c, d);
}

/** The t-integral of Λ: 3D ∫(a'+ct)^p t(1−t) dt, 2D ∫(a'+ct)^p √(t(1−t)) dt. */
export function angularIntegral(d: 2 | 3, p: number, a: number, c: number): number {
  if (p === 0) return d === 3 ? 1 / 6 : Math.PI / 8;
  if (d === 3 && c > 4 * a) return closedFormCubic(p, a, c) / (c * c * c);
  return angularIntegralQuadrature(d, p, a, c);
}

/** Λ(r, s) of the file comment (symmetric; vanishes like r^(d−1) at r = 0). */
export function radialKernel(spec: RadialKernelSpec, r: number, s: number): number {
  if (r <= 0 || s <= 0) return 0;
  const p = spec.gamma / 2;
  const eps2 = spec.gamma === 0 ? 0 : spec.eps * spec.eps;
  const a = (r - s) * (r - s) + eps2;
  const c = 4 * r * s;
  const J = angularIntegral(spec.d, p, a, c);
  return spec.d === 3 ? 64 * Math.PI * Math.PI * r * r * s * s * J : 16 * Math.PI * r * s * J;
}

/** Λ on all pairs of the nodes (row-major m×m, symmetric). */
export function radialKernelMatrix(spec: RadialKernelSpec, nodes: ArrayLike<number>): Float64Array {
  const m = nodes.length;
  const out = new Float64Array(m * m);
  for (let k = 0; k < m; k++) {
    for (let l = k; l < m; l++) {
      const v = radialKernel(spec, nodes[k], nodes[l]);
      out[k * m + l] = v;
      out[l * m + k] = v;
    }
  }
  return out;
}
