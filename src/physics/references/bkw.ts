/**
 * BKW (Bobylev–Krook–Wu) exact solution of the Landau equation for Maxwellian molecules
 * (γ = 0), models.md §1.2, in OUR normalisation (collision constant C = 1) and OUR time.
 *
 * Unit mass, zero mean, temperature T = 1 (so ∫ v vᵀ f = I and energy ∫|v|² f = d):
 *
 *     f(t, v) = (2πK)^(−d/2) exp(−|v|²/(2K)) [ P + Q|v|² ],
 *     P = ((d+2)K − d)/(2K),  Q = (1 − K)/(2K²)
 *     3D: K(t) = 1 − e^(−4t),   valid for t ≥ t0 = ¼ ln(5/2) (K ≥ 3/5, f ≥ 0)
 *     2D: K(t) = 1 − ½e^(−2t),  valid for t ≥ 0           (f(0, v) = |v|² e^(−|v|²)/π)
 *
 * Entropy H(f) = ∫ f log f (kinetic sign, decreasing) and Fisher information
 * I(f) = ∫ |∇f|²/f are computed by radial Gauss–Legendre quadrature (f is radial), with
 * relative accuracy ≈ 1e-12; models.md's table is reproduced to all its printed digits.
 *
 * Literature time: papers (Carrillo–Hu–Wang–Wu 2020 and successors) carry a collision
 * constant C (1/16 in 2D, 1/24 in 3D); t_ours = C · t_paper (`paperTimeToOurs`).
 */

import { integrateGaussLegendre } from './quadrature';
import { unitSphereArea } from './special';

/** Dimensions for which the BKW solution is provided. */
export type BkwDimension = 2 | 3;

/** The BKW shape parameters at one time (models.md §1.2); dimensionless since T = 1. */
export interface BkwParameters {
  /** Gaussian variance factor K(t) ∈ [3/5, 1] (3D) or [1/2, 1] (2D); K → 1 as t → ∞. */
  readonly K: number;
  /** Constant part of the polynomial factor, P = ((d+2)K − d)/(2K) ≥ 0. */
  readonly P: number;
  /** |v|² coefficient of the polynomial factor, Q = (1 − K)/(2K²) ≥ 0. */
  readonly Q: number;
}

function checkDimension(d: number, caller: string): asserts d is BkwDimension {
  if (d !== 2 && d !== 3) {
    throw new Error(`${caller}: BKW solution is provided for d = 2 or 3, got d = ${d}`);
  }
}

/**
 * First time (ours) at which the BKW profile is a probability density:
 * 3D ¼ ln(5/2) ≈ 0.229073 (K = 3/5, P = 0); 2D 0 (K = ½, P = 0).
 */
export function bkwStartTime(d: number): number {
  checkDimension(d, 'bkwStartTime');
  return d === 3 ? 0.25 * Math.log(2.5) : 0;
}

/**
 * K(t): 3D 1 − e^(−4t), 2D 1 − ½e^(−2t) (models.md §1.2), our time.
 * Throws for t below the start time (the profile would be negative near v = 0);
 * t = Infinity gives the Maxwellian limit K = 1.
 */
export function bkwK(d: number, t: number): number {
  checkDimension(d, 'bkwK');
  const start = bkwStartTime(d);
  if (Number.isNaN(t) || t < start) {
    const range = d === 3 ? 't ≥ ¼ ln(5/2) ≈ 0.2290727' : 't ≥ 0';
    throw new Error(
      `bkwK: time t = ${t} is outside the BKW validity range for d = ${d} (${range}, our time units)`,
    );
  }
  if (t === Infinity) return 1;
  // −expm1 keeps full relative accuracy of 1 − K for large t.
  return d === 3 ? -Math.expm1(-4 * t) : 1 - 0.5 * Math.exp(-2 * t);
}

/** K, P, Q at time t (models.md §1.2). */
export function bkwPQ(d: number, t: number): BkwParameters {
  const K = bkwK(d, t);
  return { K, P: ((d + 2) * K - d) / (2 * K), Q: (1 - K) / (2 * K * K) };
}

/** BKW density f(t, v) at a velocity v (length d), normalised to ∫ f dv = 1. */
export function bkwDensity(d: number, t: number, v: readonly number[]): number {
  const { K, P, Q } = bkwPQ(d, t);
  const r2 = squaredNorm(v, d, 'bkwDensity');
  return Math.pow(2 * Math.PI * K, -d / 2) * Math.exp(-r2 / (2 * K)) * (P + Q * r2);
}

/**
 * One-dimensional marginal of f (any single Cartesian component, by isotropy):
 * (2πK)^(−1/2) e^(−x²/(2K)) (P + Q x² + (d−1) Q K) (models.md §1.2).
 */
export function bkwMarginal1D(d: number, t: number, x: number): number {
  const { K, P, Q } = bkwPQ(d, t);
  return Math.exp(-(x * x) / (2 * K)) * (P + Q * x * x + (d - 1) * Q * K) / Math.sqrt(2 * Math.PI * K);
}

/** Fourth moment m4 = ∫|v|⁴ f = d(d+2)[1 − (1−K)²] (models.md §1.2); d(d+2) at equilibrium. */
export function bkwM4(d: number, t: number): number {
  const K = bkwK(d, t);
  return d * (d + 2) * (1 - (1 - K) * (1 - K));
}

/**
 * Second-moment tensor ∫ v vᵀ f = T I = I (T = 1): independent of K, since the BKW
 * family conserves energy d and is isotropic. Returned as a fresh d×d array.
 */
export function bkwSecondMoment(d: number): number[][] {
  checkDimension(d, 'bkwSecondMoment');
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
}

/**
 * Score ∇_v log f(t, v) = v (−1/K + 2Q/(P + Q|v|²)) (models.md §1.2), length-d array.
 * Singular at v = 0 only when P = 0 (the start time), where f vanishes.
 */
export function bkwScore(d: number, t: number, v: readonly number[]): number[] {
  const { K, P, Q } = bkwPQ(d, t);
  const r2 = squaredNorm(v, d, 'bkwScore');
  const factor = -1 / K + (2 * Q) / (P + Q * r2);
  return Array.from({ length: d }, (_, i) => factor * v[i]);
}

/**
 * E_f[φ(|v|²)] for the profile (2πK)^(−d/2) e^(−|v|²/(2K)) (P + Q|v|²), by the radial
 * substitution |v| = √K s:  |S^(d−1)| (2π)^(−d/2) ∫_0^∞ s^(d−1) e^(−s²/2) (P + QK s²) φ(K s²) ds.
 * The tail beyond s = 14 weighs < e^(−98) and is dropped.
 */
function radialExpectation(d: number, K: number, P: number, Q: number, phi: (r2: number) => number): number {
  const prefactor = unitSphereArea(d) * Math.pow(2 * Math.PI, -d / 2);
  const integrand = (s: number): number => {
    const s2 = s * s;
    return Math.pow(s, d - 1) * Math.exp(-0.5 * s2) * (P + Q * K * s2) * phi(K * s2);
  };
  return prefactor * integrateGaussLegendre(integrand, 0, 14, 280, 20);
}

/**
 * Boltzmann entropy H(f) = ∫ f log f (nats; kinetic sign, decreasing in t) of the BKW
 * solution. With log f = −(d/2)log(2πK) − |v|²/(2K) + log(P + Q|v|²) and E|v|² = d:
 * H = −(d/2) log(2πK) − d/(2K) + E_f[log(P + Q|v|²)], the last term by radial quadrature.
 * Limit t → ∞: −(d/2) log(2πe) (3D −4.256816, 2D −2.837877).
 */
export function bkwEntropy(d: number, t: number): number {
  const { K, P, Q } = bkwPQ(d, t);
  const logPolynomial = radialExpectation(d, K, P, Q, (r2) => Math.log(P + Q * r2));
  return -(d / 2) * Math.log(2 * Math.PI * K) - d / (2 * K) + logPolynomial;
}

/**
 * Fisher information I(f) = ∫ |∇f|²/f = E_f |∇log f|² of the BKW solution, by radial
 * quadrature of |v|² (−1/K + 2Q/(P + Q|v|²))². Units: 1/velocity²; limit d (= d/T).
 */
export function bkwFisher(d: number, t: number): number {
  const { K, P, Q } = bkwPQ(d, t);
  return radialExpectation(d, K, P, Q, (r2) => {
    const factor = -1 / K + (2 * Q) / (P + Q * r2);
    return r2 * factor * factor;
  });
}

/** Large-N limits of the two KDE Fisher estimates on BKW samples (1/velocity²). */
export interface BkwKdeFisherLimits {
  /** E_f |s_h|², the limit of the plug-in estimate. */
  readonly plugIn: number;
  /** I(f) − E_f |s_h − s|², the limit of the score-matching estimate. */
  readonly scoreMatching: number;
}

/**
 * Large-N limits of the leave-one-out Gaussian-KDE Fisher estimates
 * (`kdeFisherInformation` in estimators/fisher.ts) on BKW samples at time t with bandwidth h,
 * where s = ∇log f and s_h = ∇log(f * G_h), G_h = N(0, h² I).
 *
 * The smoothed profile is again of BKW form: f * G_h = N(0, S I)(P̃ + Q̃|v|²) with
 * S = K + h², P̃ = P + d Q K h²/S, Q̃ = Q K²/S² (Gaussian conditioning of |u|² on u + hZ = v).
 * With s = a(|v|²) v and s_h = b(|v|²) v, the limits are E_f[|v|² b²] and
 * E_f[|v|² (2ab − b²)], by the same radial quadrature as `bkwFisher` (both equal it at h = 0).
 */
export function bkwKdeFisherLimits(d: number, t: number, h: number): BkwKdeFisherLimits {
  if (!(h >= 0) || !Number.isFinite(h)) {
    throw new Error(`bkwKdeFisherLimits: bandwidth h must be finite and ≥ 0, got ${h}`);
  }
  const { K, P, Q } = bkwPQ(d, t);
  const S = K + h * h;
  const smoothedP = P + (d * Q * K * h * h) / S;
  const smoothedQ = (Q * K * K) / (S * S);
  const exactFactor = (r2: number): number => -1 / K + (2 * Q) / (P + Q * r2);
  const smoothedFactor = (r2: number): number => -1 / S + (2 * smoothedQ) / (smoothedP + smoothedQ * r2);
  const plugIn = radialExpectation(d, K, P, Q, (r2) => r2 * smoothedFactor(r2) ** 2);
  const scoreMatching = radialExpectation(d, K, P, Q, (r2) => {
    const a = exactFactor(r2);
    const b = smoothedFactor(r2);
    return r2 * (2 * a * b - b * b);
  });
  return { plugIn, scoreMatching };
}

/**
 * Literature time → our time: t_ours = C · t_paper with C = 1/16 (2D), 1/24 (3D)
 * (models.md §1.2; Carrillo–Hu–Wang–Wu 2020 write the kernel with that constant C).
 */
export function paperTimeToOurs(d: number, tPaper: number): number {
  return paperCollisionConstant(d) * tPaper;
}

/** Our time → literature time, t_paper = t_ours / C (inverse of `paperTimeToOurs`). */
export function oursTimeToPaper(d: number, tOurs: number): number {
  return tOurs / paperCollisionConstant(d);
}

/** The literature's collision constant C: 1/16 in 2D, 1/24 in 3D (models.md §1.2). */
export function paperCollisionConstant(d: number): number {
  checkDimension(d, 'paperCollisionConstant');
  return d === 2 ? 1 / 16 : 1 / 24;
}

function squaredNorm(v: readonly number[], d: number, caller: string): number {
  if (v.length !== d) {
    throw new Error(`${caller}: velocity must have length d = ${d}, got length ${v.length}`);
  }
  let r2 = 0;
  for (let i = 0; i < d; i++) r2 += v[i] * v[i];
  return r2;
}

// ---- Exact samples of the BKW law (tests and tools/entropyBias.ts) ----

/** mulberry32: a small seeded uniform generator on [0, 1) (samples for tests and tools, not the engine's RNG). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normals (Box–Muller) from mulberry32(seed). */
export function seededNormals(seed: number): () => number {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/**
 * n exact samples of the BKW law f(t, ·) in R^d (models.md §1.2: the mixture N(0, K I) with
 * probability P, else |v|²/K ~ χ²_{d+2}), recentred and rescaled to energy d as the particle runs
 * are (normalize=1). Flat [i·d + c], velocity units. Throws outside the solution's validity.
 */
export function sampleBkwNormalised(d: 2 | 3, t: number, n: number, seed: number): Float64Array {
  const z = seededNormals(seed), u = mulberry32(seed ^ 0x9e3779b9);
  const { K, P } = bkwPQ(d, t);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let g2 = 0;
    for (let c = 0; c < d; c++) g2 += (x[i * d + c] = z()) ** 2;
    let scale = Math.sqrt(K);
    if (u() >= P) {
      const a = z(), b = z();
      scale = Math.sqrt((K * (g2 + a * a + b * b)) / g2);
    }
    for (let c = 0; c < d; c++) x[i * d + c] *= scale;
  }
  const mean = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c] += x[i * d + c] / n;
  let e = 0;
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) e += (x[i * d + c] -= mean[c]) ** 2;
  const s = Math.sqrt(d / (e / n));
  for (let i = 0; i < x.length; i++) x[i] *= s;
  return x;
}
