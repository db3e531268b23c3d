/**
 * Exact laws for Maxwellian molecules (γ = 0) and Gaussian/Maxwellian information
 * quantities, models.md §1.2 and §4, in our normalisation (C = 1, unit mass, zero mean).
 *
 * Units: velocities v; M = ∫ v vᵀ f (velocity²); E = tr M (conserved energy, velocity²);
 * T = E/d the temperature (velocity²); m4 = ∫|v|⁴ f (velocity⁴); time in our units.
 * Entropy H = ∫ f log f in nats (kinetic sign); Fisher I = ∫|∇f|²/f in 1/velocity².
 */

/** Square d×d matrices as arrays of rows. */
export type Matrix = readonly (readonly number[])[];

function checkSquare(m: Matrix, d: number, caller: string): void {
  if (m.length !== d || m.some((row) => row.length !== d)) {
    throw new Error(`${caller}: expected a ${d}×${d} matrix`);
  }
}

function trace(m: Matrix): number {
  let sum = 0;
  for (let i = 0; i < m.length; i++) sum += m[i][i];
  return sum;
}

/**
 * M(t) = (E/d) I + (M0 − (E/d) I) e^(−4dt), E = tr M0 (models.md §1.2, from
 * dM/dt = 4E I − 4d M): the deviatoric part relaxes at rate 4d (12 in 3D, 8 in 2D).
 * Returns a fresh d×d array.
 */
export function secondMomentAt(d: number, M0: Matrix, t: number): number[][] {
  checkSquare(M0, d, 'secondMomentAt');
  const isotropic = trace(M0) / d;
  const decay = Math.exp(-4 * d * t);
  return M0.map((row, i) => row.map((value, j) => (i === j ? isotropic + (value - isotropic) * decay : value * decay)));
}

/**
 * Fourth moment m4(t) = ∫|v|⁴ f, exact solution of (models.md §1.2)
 *
 *     dm4/dt = −4(d−1) m4 + 4(d+1) E² − 8 tr(M(t)²),   tr(M(t)²) = E²/d + D e^(−8dt),
 *
 * D = |M0 − (E/d)I|²_F (the cross term vanishes: the deviator is traceless). With
 * λ = 4(d−1), μ = 8d, m4∞ = [4(d+1)E² − 8E²/d]/λ = (d+2)E²/d (= d(d+2)T², the Maxwellian
 * value) and β = 8D/(μ − λ) = 2D/(d+1):
 *
 *     m4(t) = m4∞ + (m4_0 − m4∞ − β) e^(−λt) + β e^(−μt).
 *
 * Requires d ≥ 2 (λ > 0).
 */
export function m4At(d: number, m4_0: number, M0: Matrix, t: number): number {
  checkSquare(M0, d, 'm4At');
  if (d < 2) throw new Error(`m4At: needs d ≥ 2 (Landau collisions), got d = ${d}`);
  const E = trace(M0);
  const isotropic = E / d;
  let deviatorNorm2 = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const dev = M0[i][j] - (i === j ? isotropic : 0);
      deviatorNorm2 += dev * dev;
    }
  }
  const lambda = 4 * (d - 1);
  const mu = 8 * d;
  const m4Infinity = ((d + 2) * E * E) / d;
  const beta = (2 * deviatorNorm2) / (d + 1);
  return m4Infinity + (m4_0 - m4Infinity - beta) * Math.exp(-lambda * t) + beta * Math.exp(-mu * t);
}

/** Law of the isotropic Ornstein–Uhlenbeck flow V_t = coefficient·V0 + √variance·Z. */
export interface OuLaw {
  /** Contraction of the initial velocity, e^(−(d−1)t). */
  readonly coefficient: number;
  /** Variance per component of the added Gaussian, T(1 − e^(−2(d−1)t)) (velocity²). */
  readonly variance: number;
}

/**
 * γ = 0 with isotropic initial data: the limit is exactly the OU flow
 * V_t = e^(−(d−1)t) V0 + √(T(1 − e^(−2(d−1)t))) Z, Z standard normal, T = E/d (models.md §1.2).
 */
export function ouLaw(d: number, T: number, t: number): OuLaw {
  return {
    coefficient: Math.exp(-(d - 1) * t),
    variance: -T * Math.expm1(-2 * (d - 1) * t),
  };
}

/** H(M) = ∫ M log M = −(d/2) log(2πeT) for the Maxwellian N(0, T I) (models.md §4). */
export function maxwellianEntropy(d: number, T: number): number {
  return -(d / 2) * Math.log(2 * Math.PI * Math.E * T);
}

/** I(M) = ∫|∇M|²/M = d/T for the Maxwellian N(0, T I). */
export function maxwellianFisher(d: number, T: number): number {
  return d / T;
}

/** H = ∫ f log f = −½ log((2πe)^d det Σ) for a Gaussian with covariance Σ (d×d, SPD). */
export function gaussianEntropy(cov: Matrix): number {
  const d = cov.length;
  checkSquare(cov, d, 'gaussianEntropy');
  const { logDet } = choleskyFactor(cov, 'gaussianEntropy');
  return -0.5 * (d * Math.log(2 * Math.PI * Math.E) + logDet);
}

/** I = ∫|∇f|²/f = tr(Σ⁻¹) for a Gaussian with covariance Σ (d×d, SPD). */
export function gaussianFisher(cov: Matrix): number {
  const d = cov.length;
  checkSquare(cov, d, 'gaussianFisher');
  const inverse = invertSpd(cov, 'gaussianFisher');
  return trace(inverse);
}

/** Lower Cholesky factor L (Σ = L Lᵀ) and log det Σ; throws if Σ is not positive definite. */
export function choleskyFactor(cov: Matrix, caller = 'choleskyFactor'): { L: number[][]; logDet: number } {
  const d = cov.length;
  const L = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  let logDet = 0;
  for (let j = 0; j < d; j++) {
    let diag = cov[j][j];
    for (let k = 0; k < j; k++) diag -= L[j][k] * L[j][k];
    if (!(diag > 0)) throw new Error(`${caller}: covariance is not positive definite`);
    L[j][j] = Math.sqrt(diag);
    logDet += Math.log(diag);
    for (let i = j + 1; i < d; i++) {
      let sum = cov[i][j];
      for (let k = 0; k < j; k++) sum -= L[i][k] * L[j][k];
      L[i][j] = sum / L[j][j];
    }
  }
  return { L, logDet };
}

/** Inverse of a symmetric positive-definite matrix via Cholesky. */
export function invertSpd(cov: Matrix, caller = 'invertSpd'): number[][] {
  const d = cov.length;
  const { L } = choleskyFactor(cov, caller);
  const inverse = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let col = 0; col < d; col++) {
    // Solve L y = e_col, then Lᵀ x = y.
    const y = new Array<number>(d).fill(0);
    for (let i = 0; i < d; i++) {
      let sum = i === col ? 1 : 0;
      for (let k = 0; k < i; k++) sum -= L[i][k] * y[k];
      y[i] = sum / L[i][i];
    }
    for (let i = d - 1; i >= 0; i--) {
      let sum = y[i];
      for (let k = i + 1; k < d; k++) sum -= L[k][i] * inverse[k][col];
      inverse[i][col] = sum / L[i][i];
    }
  }
  return inverse;
}
