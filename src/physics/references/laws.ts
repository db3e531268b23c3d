/**
 * The exact laws drawn over the measured curves and used by the sweeps (models.md §1.1–1.3, §2,
 * §3): which reference applies to a parameter set, and its value from the current moments.
 * Pure functions (no DOM, no GPU); the views, the frame loop and the sweep all import them here.
 *
 * Units: velocities v, temperatures T = velocity², time in our units (C = 1).
 */
import { bkwDensity, bkwMarginal1D, bkwM4 } from './bkw';
import { integrateIsotropisation } from './coulomb';
import { m4At, secondMomentAt } from './maxwellian';
import { unitSphereArea } from './special';
import type { Params } from '../params';

/** Mean u and temperature T = (E − |u|²)/d: the Maxwellian with the same mass, momentum, energy. */
export function maxwellianOf(momentum: readonly number[], energy: number, d: number): { u: number[]; T: number } {
  const u2 = momentum.reduce((s, x) => s + x * x, 0);
  return { u: [...momentum], T: Math.max((energy - u2) / d, 1e-12) };
}

/** Density of N(mean, T) at x (one velocity component of the Maxwellian). */
export function gaussianDensity(x: number, mean: number, T: number): number {
  return Math.exp(-((x - mean) ** 2) / (2 * T)) / Math.sqrt(2 * Math.PI * T);
}

/** Modified Bessel I0(x)·e^(−x) for x ≥ 0 (Abramowitz–Stegun 9.8.1/9.8.2, |rel. err| < 2e-7). */
export function besselI0Scaled(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3.75) {
    const y = (x / 3.75) ** 2;
    return Math.exp(-ax) * (1 + y * (3.5156229 + y * (3.0899424 + y * (1.2067492 + y * (0.2659732 + y * (0.0360768 + y * 0.0045813))))));
  }
  const y = 3.75 / ax;
  return (0.39894228 + y * (0.01328592 + y * (0.00225319 + y * (-0.00157565 + y * (0.00916281 + y * (-0.02057706 + y * (0.02635537 + y * (-0.01647633 + y * 0.00392377)))))))) / Math.sqrt(ax);
}

/**
 * Density of the speed s = |v| when v ~ N(u, T I_d), |u| = drift: 3D the non-central χ law,
 * 2D the Rice law; drift 0 gives the Maxwell (3D) / Rayleigh (2D) densities.
 */
export function maxwellianSpeedDensity(s: number, drift: number, T: number, d: number): number {
  if (s < 0) return 0;
  if (d === 2) {
    // (s/T) exp(−(s² + u²)/2T) I0(su/T), with I0 scaled to avoid overflow.
    const z = (s * drift) / T;
    return (s / T) * Math.exp(-((s - drift) ** 2) / (2 * T)) * besselI0Scaled(z);
  }
  if (drift < 1e-9 * Math.sqrt(T)) return Math.sqrt(2 / Math.PI) * s * s * Math.exp(-(s * s) / (2 * T)) / (T * Math.sqrt(T));
  // s/(u√(2πT)) [e^(−(s−u)²/2T) − e^(−(s+u)²/2T)]
  const a = Math.exp(-((s - drift) ** 2) / (2 * T));
  const b = Math.exp(-((s + drift) ** 2) / (2 * T));
  return (s / (drift * Math.sqrt(2 * Math.PI * T))) * (a - b);
}

/** True when the BKW exact solution applies: init = bkw and Maxwellian molecules. */
export function bkwApplies(p: Pick<Params, 'model' | 'init' | 'gamma'>): boolean {
  return p.model === 'landau' && p.init === 'bkw' && p.gamma === 0;
}

/** BKW one-component marginal at time t (our time; t ≥ t0). */
export function bkwComponentDensity(x: number, d: 2 | 3, t: number): number {
  return bkwMarginal1D(d, t, x);
}

/** BKW speed density by the radial formula |S^(d−1)| s^(d−1) f(t, s e). */
export function bkwSpeedDensity(s: number, d: 2 | 3, t: number): number {
  if (s < 0) return 0;
  const v = Array.from({ length: d }, (_, k) => (k === 0 ? s : 0));
  return unitSphereArea(d) * s ** (d - 1) * bkwDensity(d, t, v);
}

export { bkwM4 };

/**
 * Exact second-moment diagonal for γ = 0 (models.md §1.2). The law is for the centred tensor
 * (the Landau flow is Galilean invariant): C(t) = secondMomentAt(C0, t − t0), M = C + u uᵀ,
 * u the (conserved) mean velocity.
 */
export function exactSecondMomentDiagonal(d: number, M0: number[][], u0: number[], elapsed: number): number[] {
  const C0 = M0.map((row, i) => row.map((m, j) => m - u0[i] * u0[j]));
  const C = secondMomentAt(d, C0, elapsed);
  return Array.from({ length: d }, (_, i) => C[i][i] + u0[i] * u0[i]);
}

/** Exact m4(t) for γ = 0 (models.md §1.2); valid for zero mean velocity. */
export function exactM4(d: number, m4_0: number, M0: number[][], elapsed: number): number {
  return m4At(d, m4_0, M0, elapsed);
}

/**
 * The Trubnikov/NRL bi-Maxwellian isotropisation (models.md §1.3), an APPROXIMATE reference:
 * applies to d = 3, γ = −3 and per-axis temperatures θ∥ = temp[0], θ⊥ = temp[1] = temp[2].
 */
export function coulombApplies(p: Pick<Params, 'model' | 'd' | 'gamma' | 'init' | 'temp'>): boolean {
  return p.model === 'landau' && p.d === 3 && p.gamma === -3 && p.init === 'aniso' && p.temp.length === 3 && p.temp[1] === p.temp[2] && p.temp[0] !== p.temp[1];
}

/** θ∥(t), θ⊥(t) on a grid of `steps` + 1 points from the measured initial temperatures. */
export function coulombCurve(thetaPar0: number, thetaPerp0: number, tEnd: number, steps = 400): { t: Float64Array; thetaPar: Float64Array; thetaPerp: Float64Array } {
  return integrateIsotropisation(thetaPar0, thetaPerp0, Math.max(tEnd, 1e-9), steps);
}

/**
 * H(f|1) = ∫₀¹ (1 + a cos 2πx) log(1 + a cos 2πx) dx, |a| ≤ 1: the relative entropy to the
 * uniform law of the torus cosine mode (models.md §2; the other coordinates are uniform and add
 * nothing). Midpoint rule on 512 points: spectrally accurate for the smooth periodic integrand
 * (|a| < 1); ≈ a²/4 for small a.
 */
export function torusCosineRelativeEntropy(a: number): number {
  const m = 512;
  let s = 0;
  for (let k = 0; k < m; k++) {
    const f = 1 + a * Math.cos((2 * Math.PI * (k + 0.5)) / m);
    if (f > 0) s += f * Math.log(f);
  }
  return s / m;
}

/**
 * Exact law of the spread E|V̄(t) − V̄(0)|² of the mean (velocity, or position for the first-order
 * systems) over `elapsed` time, where one is known, as a function of N:
 * - Landau, γ = 0, nanbu/fgm/rotation, V̄(0) = 0 (normalize = 1): E(1 − e^(−4(d−1)t/N))
 *   (models.md §1.1, §1.4); kac: 0 (Σ V^i is conserved exactly); rotation-shared, the
 *   counter-example of §1.4: E(1 − e^(−2(d−1)t)), the same for every N (common noise);
 * - first-order systems with equal weights (every kernel but Biot–Savart with circ = pm|uniform):
 *   the pair sum (1/N²)Σ_{i≠j} K(X^i − X^j) vanishes because K is odd, so X̄(t) − X̄(0) is
 *   √(2σ)/N Σ_i B^i(t) exactly and E|X̄(t) − X̄(0)|² = 2dσt/N (also for the Euler–Maruyama steps).
 * null otherwise (γ ≠ 0, mixed circulations, the torus where the mean of wrapped positions has no
 * such law).
 */
export interface SpreadLaw {
  /** E|V̄(t) − V̄(0)|² for N particles after `elapsed` time, E = (1/N)Σ|V|² at t = 0. */
  at: (n: number, elapsed: number, energy: number) => number;
  law: string;
}

export function meanSpreadLaw(p: Pick<Params, 'model' | 'gamma' | 'noise' | 'normalize' | 'd' | 'sigma' | 'kernel' | 'circ'> & Partial<Pick<Params, 'interactions' | 'batch'>>): SpreadLaw | null {
  if (p.model === 'landau') {
    // Random batches (models.md §1.5): nanbu, fgm, rotation keep nanbu's law with N unchanged, and
    // rotation-shared has it at p = 2 only (a pair's two particles feel independent noises); for
    // p > 2 its noise is shared within batches and no law is known (tests/unit/randomBatch.test.ts).
    const batches = p.interactions === 'batch';
    if (batches && p.noise === 'rotation-shared' && p.batch !== 2) return null;
    // kac: the pair noises and b are odd in z, so Σv is conserved for any γ.
    if (p.noise === 'kac') return { at: () => 0, law: 'kac: 0 (Σv conserved exactly, any γ)' };
    if (p.gamma !== 0) return null;
    if (!p.normalize) return null;
    if (p.noise === 'rotation-shared' && !batches) {
      // models.md §1.4: V̄ has quadratic variation (2/N)Σ_j a(V^j − V̄) dt, trace 2(d−1)(E − |V̄|²).
      return {
        at: (_n, e, energy) => energy * -Math.expm1(-2 * (p.d - 1) * e),
        law: 'E(1 − e^(−2(d−1)t)), independent of N: common noise, no propagation of chaos (rotation-shared, γ = 0, models.md §1.4)',
      };
    }
    return {
      at: (n, e, energy) => energy * -Math.expm1((-4 * (p.d - 1) * e) / n),
      law: batches ? 'E(1 − e^(−4(d−1)t/N)) (γ = 0, models.md §1.1; random batches keep it, §1.5)' : 'E(1 − e^(−4(d−1)t/N)) (γ = 0, models.md §1.1)',
    };
  }
  if (p.model === 'first-order' && !(p.kernel === 'biot-savart' && p.circ !== 'plus')) {
    return { at: (n, e) => (2 * p.d * p.sigma * e) / n, law: '2dσt/N (K odd, equal weights)' };
  }
  return null;
}

/**
 * The virial line of models.md §3 for t ↦ E[(1/N)Σ|X^i|²]: its slope and whether it is exact.
 * Biot–Savart with all m = +1: 2dσ (4σ in 2D), exact for any ε (x·K_ε(x) = 0). 2D Coulomb of
 * strength χ and sign s: 4σ + sχ(N−1)/(2πN), exact for ε = 0; with ε > 0 the interaction part is
 * smaller in magnitude (the line is then the unregularised law, drawn as such). null otherwise.
 */
export function virialLine(p: Params): { slope: number; exact: boolean; label: string } | null {
  if (p.model !== 'first-order') return null;
  if (p.kernel === 'biot-savart') {
    if (p.circ !== 'plus') return null;
    return { slope: 2 * p.d * p.sigma, exact: true, label: `exact: m₀ + ${2 * p.d}σt (Biot–Savart, x·K(x) = 0)` };
  }
  if (p.kernel === 'coulomb' && p.d === 2) {
    const s = p.sign === 'repulsive' ? 1 : -1;
    const slope = 4 * p.sigma + (s * p.chi * (p.n - 1)) / (2 * Math.PI * p.n);
    return {
      slope,
      exact: p.eps === 0,
      label: `${p.eps === 0 ? 'exact' : 'ε = 0 law'}: m₀ + (4σ ${s > 0 ? '+' : '−'} χ(N−1)/(2πN))t, slope ${slope.toPrecision(3)}`,
    };
  }
  return null;
}
