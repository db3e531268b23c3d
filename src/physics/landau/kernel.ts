/**
 * Landau interaction kernels in float64 (models.md §1):
 *   a(z) = α_ε(|z|) (|z|² I − z zᵀ),   b(z) = ∇·a(z) = −(d−1) α_ε(|z|) z,
 *   a^(1/2)(z) = α_ε(|z|)^(1/2) |z| Π(z),
 * with the regularised power law α_ε(r) = (r² + ε²)^(γ/2) (for γ = 0, α ≡ 1).
 * The WGSL twins live in shaders/landau_kernel.wgsl.
 */

export interface LandauKernel {
  d: 2 | 3;
  gamma: number;
  eps: number;
}

/** α_ε as a function of r² = |z|². For γ > 0 and ε = 0, α(0) = 0. */
export function alphaOfR2(r2: number, gamma: number, eps: number): number {
  if (gamma === 0) return 1;
  const s = r2 + eps * eps;
  if (s === 0) return gamma > 0 ? 0 : Infinity;
  return Math.pow(s, gamma / 2);
}

/** d α_ε / dr at r (for the regularisation condition r|α'|/α ≤ −γ/0.99, models.md §1). */
export function alphaPrime(r: number, gamma: number, eps: number): number {
  if (gamma === 0) return 0;
  return gamma * r * Math.pow(r * r + eps * eps, gamma / 2 - 1);
}

/** a(z) as a row-major d×d array. */
export function aMatrix(z: ArrayLike<number>, k: LandauKernel): number[] {
  const d = k.d;
  let r2 = 0;
  for (let c = 0; c < d; c++) r2 += z[c] * z[c];
  const al = alphaOfR2(r2, k.gamma, k.eps);
  const m = new Array<number>(d * d);
  for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) m[r * d + c] = al * ((r === c ? r2 : 0) - z[r] * z[c]);
  return m;
}

/** b(z) = −(d−1) α_ε(|z|) z. */
export function bVector(z: ArrayLike<number>, k: LandauKernel): number[] {
  let r2 = 0;
  for (let c = 0; c < k.d; c++) r2 += z[c] * z[c];
  const al = alphaOfR2(r2, k.gamma, k.eps);
  return Array.from({ length: k.d }, (_, c) => -(k.d - 1) * al * z[c]);
}

/** a^(1/2)(z) ξ = α^(1/2) (|z| ξ − z (z·ξ)/|z|); zero at z = 0. */
export function aSqrtTimes(z: ArrayLike<number>, xi: ArrayLike<number>, k: LandauKernel): number[] {
  let r2 = 0, zx = 0;
  for (let c = 0; c < k.d; c++) {
    r2 += z[c] * z[c];
    zx += z[c] * xi[c];
  }
  if (r2 === 0) return new Array<number>(k.d).fill(0);
  const sa = Math.sqrt(alphaOfR2(r2, k.gamma, k.eps));
  const r = Math.sqrt(r2);
  return Array.from({ length: k.d }, (_, c) => sa * (r * xi[c] - (z[c] * zx) / r));
}
