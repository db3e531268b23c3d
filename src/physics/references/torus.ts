/**
 * Exact references of the torus system (models.md §2).
 *
 * Relaxation of a cosine mode: for f = 1 + A cos 2πx₁ the convolutions are a*f = (λ + κ/(2d)) I
 * (∫ sin² 2πz_k dz = ½, the off-diagonal and the other Fourier modes integrate to 0) and
 * b*f = ∇·(a*f) = 0, because a has no Fourier mode ±e₁ (λI is mode 0; sin 2πz_r sin 2πz_c has
 * modes ±e_r ± e_c and, for r = c, 0 and ±2e_r). So the nonlinear terms vanish and
 *
 *   f(t, x) = 1 + A e^(−4π²(λ + κ/(2d)) t) cos 2πx₁
 *
 * solves the limit equation exactly. The empirical mode (1/N)Σ cos 2πX₁^i has mean A/2 at
 * t = 0; in the N-particle system (sums over j ≠ i, normalised by N) the rate carries a factor
 * (N−1)/N, exactly for the λ part, up to O(1/N) correlations for the κ part.
 */
import type { Params } from '../params';

/** Decay rate 4π²(λ + κ/(2d)) of the cosine mode in the limit equation. */
export function cosineModeRate(p: Pick<Params, 'd' | 'lambda' | 'kappa'>): number {
  return 4 * Math.PI * Math.PI * (p.lambda + p.kappa / (2 * p.d));
}

/** E[(1/N)Σ cos 2πX₁^i] at time t in the limit, starting from init=cosine with amplitude amp. */
export function cosineModeMean(p: Pick<Params, 'd' | 'lambda' | 'kappa' | 'amp'>, t: number): number {
  return (p.amp / 2) * Math.exp(-cosineModeRate(p) * t);
}

/** The equilibrium marginal density of each coordinate: uniform, 1 on [0, 1). */
export const TORUS_EQUILIBRIUM_DENSITY = 1;
