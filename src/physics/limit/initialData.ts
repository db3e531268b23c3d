/**
 * Isotropic initial laws of the limit equation (models.md §1.6) as radial profiles g(r), f(v) = g(|v|):
 * the `landau` inits gaussian, shell and bkw. Float64, no DOM.
 *
 * - gaussian (temp T): g = (2πT)^(−d/2) e^(−r²/2T), from t = 0.
 * - bkw: the BKW solution (models.md §1.2, T = 1) at its start time t₀ (3D ¼ ln(5/2), 2D 0): the
 *   particle runs start there too (physics/init.ts initialTime).
 * - shell (uniform on |v| = √(dT)): a Dirac mass in r cannot be put on a grid, so models.md §1.6
 *   asks for a smoothing. The PROFILE is the exact γ = 0 flow at a small time τ: the law of
 *   e^(−(d−1)τ)V₀ + σZ, σ² = T(1 − e^(−2(d−1)τ)) (§1.2's Ornstein–Uhlenbeck law; energy dT
 *   exactly), whose radial profile is the shell of radius a = e^(−(d−1)τ)√(dT) convolved with
 *   N(0, σ²I):
 *     3D: g = (2πσ²)^(−3/2) e^(−(r−a)²/2σ²) (1 − e^(−2ar/σ²))/(2ar/σ²)
 *     2D: g = (2πσ²)^(−1) e^(−(r−a)²/2σ²) I₀(ar/σ²) e^(−ar/σ²).
 *   The stated width is σ (default SHELL_WIDTH·√T = 0.08√T, i.e. τ = −ln(1 − σ²/T)/(2(d−1)) = 1.6e-3 in 3D, 3.2e-3 in 2D; resolve it with h ≤ σ/2.5).
 *   For γ = 0 it is the solution at t = τ exactly (startTime here). For γ ≠ 0 the γ flow spreads
 *   a shell at its own rate, and the solver (isotropicLandau.ts, `shellStartTime`) moves the start
 *   to the γ flow's time for the same spread.
 */
import { bkwDensity, bkwStartTime } from '../references/bkw';

export type IsotropicInit =
  | { kind: 'gaussian'; temp: number }
  | { kind: 'shell'; temp: number; width?: number }
  | { kind: 'bkw' };

/** Default shell width σ/√T (see the file comment). */
export const SHELL_WIDTH = 0.08;

/** A radial profile, the time at which it holds, and the exact energy E = ∫|v|² f. */
export interface RadialInitial {
  profile: (r: number) => number;
  /** Time at which the profile is the solution (our time; BKW t₀, shell τ of the γ = 0 flow, else 0). */
  startTime: number;
  energy: number;
  /** Smallest feature the grid must resolve (velocity units). */
  scale: number;
  /** What was done, in words (the shell's smoothing). */
  note: string;
}

/** e^(−x) I₀(x) for x ≥ 0 (Abramowitz–Stegun 9.8.1–9.8.2, relative error < 2e-7). */
export function scaledBesselI0(x: number): number {
  if (x < 3.75) {
    const y = (x / 3.75) ** 2;
    const i0 = 1 + y * (3.5156229 + y * (3.0899424 + y * (1.2067492 + y * (0.2659732 + y * (0.0360768 + y * 0.0045813)))));
    return i0 * Math.exp(-x);
  }
  const y = 3.75 / x;
  const p = 0.39894228 + y * (0.01328592 + y * (0.00225319 + y * (-0.00157565 + y * (0.00916281
    + y * (-0.02057706 + y * (0.02635537 + y * (-0.01647633 + y * 0.00392377)))))));
  return p / Math.sqrt(x);
}

/** The radial profile and start time of an isotropic initial law (see the file comment). */
export function radialInitial(d: 2 | 3, init: IsotropicInit): RadialInitial {
  if (init.kind === 'gaussian') {
    const T = init.temp;
    const norm = Math.pow(2 * Math.PI * T, -d / 2);
    return { profile: (r) => norm * Math.exp(-(r * r) / (2 * T)), startTime: 0, energy: d * T, scale: Math.sqrt(T), note: `Gaussian, T = ${T}` };
  }
  if (init.kind === 'bkw') {
    const t0 = bkwStartTime(d);
    const e1 = [1, 0, 0].slice(0, d);
    return {
      profile: (r) => bkwDensity(d, t0, e1.map((x) => x * r)),
      startTime: t0,
      energy: d,
      scale: 1,
      note: `BKW at t₀ = ${t0.toFixed(6)}`,
    };
  }
  const T = init.temp;
  const sigma = (init.width ?? SHELL_WIDTH) * Math.sqrt(T);
  if (!(sigma > 0) || sigma * sigma >= T) throw new Error(`shell width must be in (0, √T), got σ = ${sigma}`);
  const tau = -Math.log1p(-(sigma * sigma) / T) / (2 * (d - 1));
  const a = Math.exp(-(d - 1) * tau) * Math.sqrt(d * T);
  const s2 = sigma * sigma;
  const norm = Math.pow(2 * Math.PI * s2, -d / 2);
  const profile = d === 3
    ? (r: number) => {
      const x = (a * r) / s2;
      const shape = x < 1e-8 ? 1 - x : -Math.expm1(-2 * x) / (2 * x);
      return norm * Math.exp(-((r - a) ** 2) / (2 * s2)) * shape;
    }
    : (r: number) => norm * Math.exp(-((r - a) ** 2) / (2 * s2)) * scaledBesselI0((a * r) / s2);
  return {
    profile,
    startTime: tau,
    energy: d * T,
    scale: sigma,
    note: `shell |v| = √(dT) smoothed by the exact γ = 0 flow to width σ = ${sigma.toPrecision(3)} (t = τ = ${tau.toExponential(2)})`,
  };
}
