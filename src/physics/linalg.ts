/**
 * Small dense linear algebra for the per-particle diffusion matrices (float64).
 *
 * `nanbu` needs a factor L with L Lᵀ = Ā (models.md §1.1): any such factor gives the same law.
 * We use the lower Cholesky factor with zero pivots allowed, because Ā is only positive
 * SEMI-definite (aligned velocities make it singular): a pivot ≤ tol·tr(Ā) gives a zero column.
 * This is the same algorithm as `cholesky3` in shaders/landau_step.wgsl.
 */

/** Relative pivot threshold: float32 uses 1e-6 (shader), float64 1e-12. */
export const CHOLESKY_REL_TOL_F64 = 1e-12;

/**
 * Lower Cholesky factor of a symmetric PSD d×d matrix given row-major; returns row-major L.
 * Non-positive or tiny pivots (relative to the trace) yield zero columns.
 */
export function choleskyPsd(a: ArrayLike<number>, d: number, relTol = CHOLESKY_REL_TOL_F64): Float64Array {
  const L = new Float64Array(d * d);
  let tr = 0;
  for (let i = 0; i < d; i++) tr += a[i * d + i];
  const tol = relTol * Math.abs(tr);
  for (let j = 0; j < d; j++) {
    let p = a[j * d + j];
    for (let k = 0; k < j; k++) p -= L[j * d + k] * L[j * d + k];
    if (!(p > tol)) continue; // zero column: Ā is singular in this direction
    const ljj = Math.sqrt(p);
    L[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
      L[i * d + j] = s / ljj;
    }
  }
  return L;
}

/** Symmetric eigen-decomposition by cyclic Jacobi (small d): returns eigenvalues and row-major eigenvectors (columns). */
export function symmetricEigen(a: ArrayLike<number>, d: number): { values: number[]; vectors: Float64Array } {
  const A = Float64Array.from(a as ArrayLike<number>);
  const V = new Float64Array(d * d);
  for (let i = 0; i < d; i++) V[i * d + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += A[p * d + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = A[p * d + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (A[q * d + q] - A[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = A[k * d + p], akq = A[k * d + q];
          A[k * d + p] = c * akp - s * akq;
          A[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = A[p * d + k], aqk = A[q * d + k];
          A[p * d + k] = c * apk - s * aqk;
          A[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = V[k * d + p], vkq = V[k * d + q];
          V[k * d + p] = c * vkp - s * vkq;
          V[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Array.from({ length: d }, (_, i) => A[i * d + i]), vectors: V };
}

/** Symmetric PSD square root (negative eigenvalues from rounding are clamped to 0). */
export function symmetricSqrt(a: ArrayLike<number>, d: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, d);
  const S = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const s = Math.sqrt(Math.max(values[k], 0));
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) S[i * d + j] += s * vectors[i * d + k] * vectors[j * d + k];
  }
  return S;
}

/** Row-major product of square matrices. */
export function matMul(a: ArrayLike<number>, b: ArrayLike<number>, d: number): Float64Array {
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += a[i * d + k] * b[k * d + j];
    c[i * d + j] = s;
  }
  return c;
}

export function transpose(a: ArrayLike<number>, d: number): Float64Array {
  const t = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) t[j * d + i] = a[i * d + j];
  return t;
}
