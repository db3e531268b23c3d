/**
 * Coulomb (γ = −3, d = 3) temperature isotropisation of a bi-Maxwellian, models.md §1.3.
 *
 * Per-component variances θ∥ (one axis) and θ⊥ (each of the two others), in velocity²;
 * T = (θ∥ + 2θ⊥)/3 is conserved. With A = θ⊥/θ∥ − 1:
 *
 *     dθ∥/dt = 2ν(θ⊥ − θ∥),   dθ⊥/dt = −ν(θ⊥ − θ∥)
 *     ν = π^(−1/2) θ∥^(−3/2) A^(−2) [ −3 + (A+3) arctan(√A)/√A ]   (1/time, our units C = 1)
 *
 * This is the classical Trubnikov/NRL rate. It is exact only instantaneously: f does not stay
 * bi-Maxwellian under the Landau flow, so the integrated curve is the standard APPROXIMATE
 * reference used by plasma codes, not an exact solution.
 */

/** Below this |A| the bracket/A² is summed as a power series (see `isotropisationBracket`). */
const SERIES_THRESHOLD = 0.05;
/** Terms kept: |A|^SERIES_TERMS ≤ 0.05^20 ≈ 1e-26, far below float64 rounding. */
const SERIES_TERMS = 20;

/**
 * g(A) = A^(−2) [ −3 + (A+3) arctan(√A)/√A ], continued analytically to A ∈ (−1, ∞):
 * arctan(√A)/√A for A > 0, artanh(√−A)/√−A for A < 0, and near A = 0 the series
 *
 *     g(A) = Σ_{m≥2} (−1)^m 4(m−1)/(4m² − 1) A^(m−2) = 4/15 − 8A/35 + 4A²/21 − …
 *
 * (from arctan(√A)/√A = Σ (−A)^n/(2n+1)), which avoids the cancellation of the closed form.
 * g(0) = 4/15; g → ∞ (logarithmically) as A → −1 (θ⊥ → 0).
 */
export function isotropisationBracket(A: number): number {
  if (!(A > -1)) {
    throw new Error(`isotropisationBracket: anisotropy A = θ⊥/θ∥ − 1 must exceed −1, got ${A}`);
  }
  if (Math.abs(A) < SERIES_THRESHOLD) {
    // Horner from the highest term.
    let sum = 0;
    for (let m = SERIES_TERMS + 1; m >= 2; m--) {
      const coefficient = ((m % 2 === 0 ? 1 : -1) * 4 * (m - 1)) / (4 * m * m - 1);
      sum = sum * A + coefficient;
    }
    return sum;
  }
  let ratio: number;
  if (A > 0) {
    const root = Math.sqrt(A);
    ratio = Math.atan(root) / root;
  } else {
    const root = Math.sqrt(-A);
    ratio = Math.atanh(root) / root;
  }
  return (-3 + (A + 3) * ratio) / (A * A);
}

/**
 * Isotropisation rate ν(θ∥, θ⊥) = π^(−1/2) θ∥^(−3/2) g(θ⊥/θ∥ − 1) (models.md §1.3), 1/time.
 * For θ∥ = θ⊥ = T it is (4/15) π^(−1/2) T^(−3/2).
 */
export function isotropisationRate(thetaPar: number, thetaPerp: number): number {
  if (!(thetaPar > 0) || !(thetaPerp > 0)) {
    throw new Error(
      `isotropisationRate: temperatures must be positive, got θ∥ = ${thetaPar}, θ⊥ = ${thetaPerp}`,
    );
  }
  const A = thetaPerp / thetaPar - 1;
  return isotropisationBracket(A) / (Math.sqrt(Math.PI) * thetaPar * Math.sqrt(thetaPar));
}

/** Time series of the bi-Maxwellian temperatures (velocity²) at t = 0, tEnd/steps, …, tEnd. */
export interface IsotropisationCurve {
  readonly t: Float64Array;
  readonly thetaPar: Float64Array;
  readonly thetaPerp: Float64Array;
}

/**
 * Integrates dθ∥/dt = 2ν(θ⊥ − θ∥), dθ⊥/dt = −ν(θ⊥ − θ∥) by classical RK4 with `steps`
 * equal steps. Every RK stage preserves linear invariants, so θ∥ + 2θ⊥ (= 3T) is conserved
 * to rounding. Approximate reference (see the file comment). Arrays have steps + 1 entries.
 */
export function integrateIsotropisation(
  thetaPar0: number,
  thetaPerp0: number,
  tEnd: number,
  steps: number,
): IsotropisationCurve {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new Error(`integrateIsotropisation: steps must be a positive integer, got ${steps}`);
  }
  if (!(tEnd >= 0) || !Number.isFinite(tEnd)) {
    throw new Error(`integrateIsotropisation: tEnd must be finite and ≥ 0, got ${tEnd}`);
  }
  const t = new Float64Array(steps + 1);
  const thetaPar = new Float64Array(steps + 1);
  const thetaPerp = new Float64Array(steps + 1);
  const dt = tEnd / steps;
  // Rates of (θ∥, θ⊥); returns [dθ∥/dt, dθ⊥/dt].
  const rates = (par: number, perp: number): [number, number] => {
    const exchange = isotropisationRate(par, perp) * (perp - par);
    return [2 * exchange, -exchange];
  };
  let par = thetaPar0;
  let perp = thetaPerp0;
  thetaPar[0] = par;
  thetaPerp[0] = perp;
  for (let n = 1; n <= steps; n++) {
    const [a1, b1] = rates(par, perp);
    const [a2, b2] = rates(par + 0.5 * dt * a1, perp + 0.5 * dt * b1);
    const [a3, b3] = rates(par + 0.5 * dt * a2, perp + 0.5 * dt * b2);
    const [a4, b4] = rates(par + dt * a3, perp + dt * b3);
    par += (dt / 6) * (a1 + 2 * a2 + 2 * a3 + a4);
    perp += (dt / 6) * (b1 + 2 * b2 + 2 * b3 + b4);
    t[n] = n * dt;
    thetaPar[n] = par;
    thetaPerp[n] = perp;
  }
  return { t, thetaPar, thetaPerp };
}
