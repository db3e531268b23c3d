/**
 * Deterministic solver of the isotropic Landau equation (models.md §1.6): the LIMIT of the
 * particle systems for radial data, for any γ ∈ [−3, 1] (ε > 0 when γ < 0), d = 2 and 3.
 * Float64, no DOM, no GPU.
 *
 * Space (Buet–Cordier-type conservative, entropic scheme). M cells [ρ_i, ρ_{i+1}] of width h on
 * [0, R], value g_i on cell i (centre r_i = (i+½)h), exact cell volume w_i = |S|(ρ_{i+1}^d − ρ_i^d)/d.
 * The weak form of limit/kernel.ts is discretised on the interior interfaces ρ_k = kh as
 *
 *     Σ_i w_i φ_i dg_i/dt = −½ h² Σ_{k,l} Λ_kl (ρ_l Dφ_k − ρ_k Dφ_l) F_kl,
 *     F_kl = ρ_l ḡ_l Dg_k − ρ_k ḡ_k Dg_l,   Dg_k = (g_{k} − g_{k−1})/h,   ḡ_k = mean of g_{k−1}, g_k,
 *
 * i.e. the flux form w_i dg_i/dt = J_{i+½} − J_{i−½} (zero flux at 0 and R) with
 * J_k = A_k Dg_k − B_k ḡ_k, A_k = hΣ_l Λ_kl ρ_l² ḡ_l, B_k = hρ_kΣ_l Λ_kl ρ_l Dg_l
 * (§1.6's λ and β: |S|ρ^(d−1)λ ≈ A, |S|ρ^(d−1)β ≈ B). Hence:
 * - mass Σ w_i g_i: exact (flux form);
 * - energy Σ w_i r_i² g_i: exact, because D(r²)_k = r_k + r_{k−1} = 2ρ_k makes the summand
 *   antisymmetric in (k, l) (whatever mean ḡ is used, as long as it is the same in A and B);
 * - entropy Σ w_i g_i log g_i: non-increasing, with ḡ the logarithmic mean (then ḡ Dlog g = Dg and
 *   dH/dt = −½h²ΣΛ ḡ_kḡ_l(ρ_l Dlog g_k − ρ_k Dlog g_l)² ≤ 0); the discrete Maxwellian
 *   g_i ∝ e^(−r_i²/2T) is an exact steady state.
 *
 * Time: backward Euler, solved by Picard iteration (coefficients A, B and the mean's weights from
 * the iterate; a tridiagonal solve per iteration) to a fixed point, so the step is the exact
 * backward Euler step of the scheme above: mass and energy conserved to the iteration tolerance,
 * H non-increasing (convexity), and each linear solve has an M-matrix (the mean's weight θ is kept
 * where both off-diagonals stay ≥ 0; at a self-consistent state the log mean's θ is exactly the
 * Scharfetter–Gummel weight, which satisfies this), so g stays positive. Second order in time by
 * Richardson extrapolation (2·two half steps − one step); a step whose extrapolation would be
 * negative somewhere or raise H keeps the two half steps instead (still positive, H-decreasing,
 * conservative). Step size adapted to the L1 difference of the two backward Euler results.
 *
 * Measured order in the number of cells M (tests/unit/limitEquation.test.ts, README "The limit
 * equation"): second order.
 */
import { unitSphereArea } from '../references/special';
import { radialKernelMatrix, type RadialKernelSpec } from './kernel';
import { radialInitial, type IsotropicInit, type RadialInitial } from './initialData';

export interface IsotropicSolverOptions extends RadialKernelSpec {
  /** Number of radial cells M (default 400). */
  cells?: number;
  /** Outer radius R (default 9√T, T = E/d; shells: also ≥ radius + 8 widths). */
  rMax?: number;
  /** Local error tolerance per step, L1 of f (default 1e-5). */
  tolerance?: number;
  /** Largest time step (default 0.05). */
  maxStep?: number;
}

/** Scalars of one state (units: velocity, nats; H = ∫f log f, kinetic sign). */
export interface LimitScalars {
  t: number;
  mass: number;
  /** E = ∫|v|² f. */
  energy: number;
  /** m4 = ∫|v|⁴ f. */
  m4: number;
  /** H(f) = ∫ f log f. */
  entropy: number;
  /** H(f|M) against the discrete Maxwellian with the same mass and energy (≥ 0; see relativeEntropyOf). */
  relativeEntropy: number;
  /** I(f) = ∫|∇f|²/f (1/velocity²). */
  fisher: number;
}

/** The logarithmic mean (b − a)/(log b − log a); 0 if either is ≤ 0. */
export function logMean(a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) return 0;
  const x = b / a - 1;
  if (Math.abs(x) < 1e-3) return a * (1 + x * (0.5 + x * (-1 / 12 + x * (1 / 24 - x * (19 / 720)))));
  return (b - a) / Math.log(b / a);
}

/** A cell holding less mass than this is below the rounding of the total mass 1 (see tryStep). */
const NEGLIGIBLE_MASS = 1e-24;
/** Floor of the initial profile (no zeros or denormals in the far tails; its mass is ≲ 1e-245). */
const PROFILE_FLOOR = 1e-250;

export class IsotropicLandauSolver {
  readonly d: 2 | 3;
  readonly gamma: number;
  readonly eps: number;
  readonly cells: number;
  readonly rMax: number;
  readonly h: number;
  /** Cell centres r_i. */
  readonly centres: Float64Array;
  /** Exact cell volumes w_i (Σ w_i g_i is the mass). */
  readonly volumes: Float64Array;
  readonly initial: RadialInitial;
  /** Number of accepted steps, and of those that fell back to first order. */
  steps = 0;
  fallbacks = 0;
  /** Picard iterations and rejected steps so far (cost diagnostics). */
  iterations = 0;
  rejections = 0;
  private g: Float64Array;
  private time: number;
  private dtNext: number;
  private readonly tolerance: number;
  private readonly maxStep: number;
  /** Interior interfaces ρ_k = kh, k = 1 … M−1 (index k − 1). */
  private readonly rho: Float64Array;
  /** h Λ(ρ_k, ρ_l) ρ_l, row-major (M−1)². */
  private readonly kernelRho: Float64Array;
  private readonly sphere: number;
  private readonly scratch: Float64Array;
  private readonly slope: Float64Array;

  constructor(opts: IsotropicSolverOptions, init: IsotropicInit) {
    const { d, gamma, eps } = opts;
    if (d !== 2 && d !== 3) throw new Error(`limit solver: d must be 2 or 3, got ${d}`);
    if (!(gamma >= -3 && gamma <= 1)) throw new Error(`limit solver: γ must be in [−3, 1], got ${gamma}`);
    if (gamma < 0 && !(eps > 0)) throw new Error(`limit solver: ε must be > 0 for γ < 0 (models.md §1), got ${eps}`);
    this.d = d;
    this.gamma = gamma;
    this.eps = eps;
    const initial = radialInitial(d, init);
    const T = initial.energy / d;
    const shellRadius = init.kind === 'shell' ? Math.sqrt(d * init.temp) : 0;
    this.rMax = opts.rMax ?? Math.max(9 * Math.sqrt(T), shellRadius + 8 * initial.scale);
    this.cells = opts.cells ?? 400;
    const M = this.cells;
    if (!Number.isInteger(M) || M < 8) throw new Error(`limit solver: cells must be an integer ≥ 8, got ${M}`);
    this.h = this.rMax / M;
    this.tolerance = opts.tolerance ?? 1e-5;
    this.maxStep = opts.maxStep ?? 0.05;
    this.sphere = unitSphereArea(d);
    this.centres = new Float64Array(M);
    this.volumes = new Float64Array(M);
    for (let i = 0; i < M; i++) {
      this.centres[i] = (i + 0.5) * this.h;
      this.volumes[i] = (this.sphere * (((i + 1) * this.h) ** d - (i * this.h) ** d)) / d;
    }
    this.scratch = new Float64Array(M - 1);
    this.slope = new Float64Array(M - 1);
    this.rho = new Float64Array(M - 1);
    for (let k = 0; k < M - 1; k++) this.rho[k] = (k + 1) * this.h;
    const lambda = radialKernelMatrix({ d, gamma, eps }, this.rho);
    this.kernelRho = new Float64Array((M - 1) * (M - 1));
    for (let k = 0; k < M - 1; k++) for (let l = 0; l < M - 1; l++) this.kernelRho[k * (M - 1) + l] = this.h * lambda[k * (M - 1) + l] * this.rho[l];
    this.g = this.project(initial);
    this.initial = init.kind === 'shell' && gamma !== 0 ? this.shellStartTime(initial, T) : initial;
    this.time = this.initial.startTime;
    this.dtNext = 1e-4;
  }

  /**
   * Samples the profile at the centres, then rescales it as g(r) → c·g(σr) so that the discrete
   * mass is 1 and the discrete energy Σ w r² g is the law's exact E (a dilation: O(h²) change).
   */
  private project(init: RadialInitial): Float64Array {
    const M = this.cells;
    const sample = (sigma: number) => {
      const g = new Float64Array(M);
      for (let i = 0; i < M; i++) g[i] = init.profile(sigma * this.centres[i]);
      return g;
    };
    const ratio = (sigma: number) => {
      const g = sample(sigma);
      return this.moment(g, 2) / this.moment(g, 0);
    };
    // Energy ratio decreases in σ; bracket and bisect.
    let lo = 0.8, hi = 1.25;
    for (let it = 0; it < 200 && hi - lo > 1e-15; it++) {
      const mid = 0.5 * (lo + hi);
      if (ratio(mid) > init.energy) lo = mid;
      else hi = mid;
    }
    const g = sample(0.5 * (lo + hi));
    for (let i = 0; i < M; i++) g[i] = Math.max(g[i], PROFILE_FLOOR);
    const mass = this.moment(g, 0);
    for (let i = 0; i < M; i++) g[i] /= mass;
    return g;
  }

  private moment(g: Float64Array, power: number): number {
    let s = 0;
    for (let i = 0; i < this.cells; i++) s += this.volumes[i] * this.centres[i] ** power * g[i];
    return s;
  }

  get t(): number {
    return this.time;
  }

  /** The cell values g_i (a copy). */
  profile(): Float64Array {
    return this.g.slice();
  }

  /** Flux coefficients at the iterate g: the mean ḡ (log mean), its weight θ, A_k, B_k. */
  private coefficients(g: Float64Array, mean: Float64Array, theta: Float64Array, A: Float64Array, B: Float64Array): void {
    const m = this.cells - 1, h = this.h;
    const slope = this.slope;
    for (let k = 0; k < m; k++) {
      const a = g[k], b = g[k + 1];
      slope[k] = (b - a) / h;
      mean[k] = logMean(a, b);
      theta[k] = logMeanWeight(a, b);
    }
    this.assemble(slope, mean, A, B);
    // Keep each linear solve an M-matrix: c⁺ = A/h − B(1−θ) ≥ 0, c⁻ = A/h + Bθ ≥ 0.
    let changed = false;
    for (let k = 0; k < m; k++) {
      if (!(A[k] > 0)) continue;
      const pe = (B[k] * h) / A[k];
      let th = theta[k];
      if (pe > 0 && th < 1 - 1 / pe) th = 1 - 1 / pe;
      if (pe < 0 && th > -1 / pe) th = -1 / pe;
      if (th !== theta[k]) {
        theta[k] = th;
        mean[k] = th * g[k] + (1 - th) * g[k + 1];
        changed = true;
      }
    }
    // The same mean must enter A and B (energy): reassemble with the adjusted means.
    if (changed) this.assemble(slope, mean, A, B);
  }

  private assemble(slope: Float64Array, mean: Float64Array, A: Float64Array, B: Float64Array): void {
    const m = this.cells - 1;
    const x = this.scratch;
    for (let l = 0; l < m; l++) x[l] = this.rho[l] * mean[l];
    const K = this.kernelRho;
    for (let k = 0; k < m; k++) {
      let sa = 0, sb = 0;
      const row = k * m;
      for (let l = 0; l < m; l++) {
        const c = K[row + l];
        sa += c * x[l];
        sb += c * slope[l];
      }
      A[k] = sa;
      B[k] = this.rho[k] * sb;
    }
  }

  /** One backward Euler step of size dt from g0 (Picard to a fixed point), or null. */
  private backwardEuler(g0: Float64Array, dt: number): Float64Array | null {
    const M = this.cells, m = M - 1, h = this.h;
    const mean = new Float64Array(m), theta = new Float64Array(m), A = new Float64Array(m), B = new Float64Array(m);
    const lower = new Float64Array(M), diag = new Float64Array(M), upper = new Float64Array(M), rhs = new Float64Array(M);
    let g: Float64Array = g0.slice();
    for (let iter = 0; iter < 60; iter++) {
      this.coefficients(g, mean, theta, A, B);
      for (let i = 0; i < M; i++) {
        diag[i] = this.volumes[i] / dt;
        rhs[i] = (this.volumes[i] / dt) * g0[i];
        lower[i] = 0;
        upper[i] = 0;
      }
      for (let k = 0; k < m; k++) {
        // J_k = cPlus g_{k+1} − cMinus g_k between cells k and k+1.
        const cPlus = A[k] / h - B[k] * (1 - theta[k]);
        const cMinus = A[k] / h + B[k] * theta[k];
        diag[k] += cMinus;
        upper[k] -= cPlus;
        diag[k + 1] += cPlus;
        lower[k + 1] -= cMinus;
      }
      const next = solveTridiagonal(lower, diag, upper, rhs);
      this.iterations++;
      let change = 0, size = 0;
      for (let i = 0; i < M; i++) {
        if (!(next[i] >= 0)) return null;
        change += this.volumes[i] * Math.abs(next[i] - g[i]);
        size += this.volumes[i] * next[i];
      }
      g = next;
      if (change <= 1e-14 * size) return g;
    }
    return null;
  }

  /** H = Σ w g log g of a state. */
  private entropyOf(g: Float64Array): number {
    let s = 0;
    for (let i = 0; i < this.cells; i++) if (g[i] > 0) s += this.volumes[i] * g[i] * Math.log(g[i]);
    return s;
  }

  /** Tries one step of size dt; returns the L1 error estimate, and advances if accepted. */
  private tryStep(dt: number): { accepted: boolean; error: number } {
    const coarse = this.backwardEuler(this.g, dt);
    const half = coarse && this.backwardEuler(this.g, dt / 2);
    const fine = half && this.backwardEuler(half, dt / 2);
    if (!coarse || !fine) return { accepted: false, error: Infinity };
    let error = 0;
    for (let i = 0; i < this.cells; i++) error += this.volumes[i] * Math.abs(fine[i] - coarse[i]);
    if (error > this.tolerance) return { accepted: false, error };
    const extrapolated = new Float64Array(this.cells);
    let positive = true;
    for (let i = 0; i < this.cells; i++) {
      extrapolated[i] = 2 * fine[i] - coarse[i];
      if (!(extrapolated[i] > 0)) {
        // Ahead of a front (e.g. around a shell) backward Euler's values are astronomically small
        // and the extrapolation can be negative there; such a cell keeps the half steps' value.
        // Its mass is below NEGLIGIBLE_MASS, far below the rounding of the total (1e-16), so mass
        // and energy stay conserved to rounding. Any other cell: the whole step keeps the half steps.
        if (this.volumes[i] * Math.max(fine[i], coarse[i]) <= NEGLIGIBLE_MASS) extrapolated[i] = fine[i];
        else positive = false;
      }
    }
    const H0 = this.entropyOf(this.g);
    if (positive && this.entropyOf(extrapolated) <= H0) {
      this.g = extrapolated;
    } else {
      this.g = fine;
      this.fallbacks++;
    }
    this.steps++;
    return { accepted: true, error };
  }

  /** Advances to time t (≥ the current time), landing on t exactly. */
  advanceTo(t: number): void {
    if (t < this.time - 1e-15) throw new Error(`limit solver: cannot go back from t = ${this.time} to ${t}`);
    while (this.time < t) {
      const remaining = t - this.time;
      const dt = Math.min(this.dtNext, this.maxStep, remaining);
      const { accepted, error } = this.tryStep(dt);
      // Error ∝ dt² (backward Euler's local error): aim at half the tolerance.
      const factor = error > 0 ? Math.sqrt((0.5 * this.tolerance) / error) : 2;
      if (accepted) {
        this.time = dt === remaining ? t : this.time + dt;
        if (dt < remaining || dt === this.dtNext) this.dtNext = dt * Math.min(2, Math.max(0.3, factor));
      } else {
        this.rejections++;
        this.dtNext = dt * (Number.isFinite(factor) ? Math.min(0.5, Math.max(0.1, factor)) : 0.25);
        if (this.dtNext < 1e-12) throw new Error(`limit solver: step size underflow at t = ${this.time}`);
      }
    }
  }

  /** Mass, energy, m4, H, H(f|M), I at the current time. */
  scalars(): LimitScalars {
    const g = this.g, M = this.cells, h = this.h;
    const mass = this.moment(g, 0), energy = this.moment(g, 2), m4 = this.moment(g, 4);
    const entropy = this.entropyOf(g);
    let fisher = 0;
    for (let k = 0; k < M - 1; k++) {
      const L = logMean(g[k], g[k + 1]);
      if (L > 0) fisher += (this.sphere * this.rho[k] ** (this.d - 1) * (g[k + 1] - g[k]) ** 2) / (h * L);
    }
    return { t: this.time, mass, energy, m4, entropy, relativeEntropy: this.relativeEntropyOf(g, mass, energy), fisher };
  }

  /**
   * H(f|M) = Σ w g log(g/g_M), g_M the DISCRETE Maxwellian c·e^(−r_i²/2T) with the same discrete
   * mass and energy (the scheme's exact steady state): ≥ 0 by Gibbs' inequality (log g_M is
   * affine in r², so Σ w g log g_M = Σ w g_M log g_M), and 0 at the discrete equilibrium. Against
   * the continuous H(M) = −(d/2)log(2πeT) it would carry the O(h²) quadrature error of H.
   */
  private relativeEntropyOf(g: Float64Array, mass: number, energy: number): number {
    const M = this.cells;
    const target = energy / mass;
    const ratio = (T: number) => {
      let m0 = 0, m2 = 0;
      for (let i = 0; i < M; i++) {
        const e = this.volumes[i] * Math.exp(-(this.centres[i] ** 2) / (2 * T));
        m0 += e;
        m2 += e * this.centres[i] ** 2;
      }
      return m2 / m0;
    };
    let lo = (0.5 * target) / this.d, hi = (2 * target) / this.d;
    for (let it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
      const mid = 0.5 * (lo + hi);
      if (ratio(mid) < target) lo = mid;
      else hi = mid;
    }
    const T = 0.5 * (lo + hi);
    let z = 0;
    for (let i = 0; i < M; i++) z += this.volumes[i] * Math.exp(-(this.centres[i] ** 2) / (2 * T));
    const logC = Math.log(mass / z);
    let s = 0;
    for (let i = 0; i < M; i++) if (g[i] > 0) s += this.volumes[i] * g[i] * (Math.log(g[i]) - logC + this.centres[i] ** 2 / (2 * T));
    return s;
  }

  /**
   * Shell data at γ ≠ 0 (initialData.ts): the smoothed profile is the γ = 0 flow's at τ, where the
   * radial variance has grown at the rate 2λ₀, λ₀ = (d−1)T (γ = 0: λ(r) ≡ (d−1)E/d, models.md
   * §1.6). The γ flow spreads the same profile at the rate 2⟨λ_γ⟩, ⟨λ_γ⟩ the profile's own λ(r)
   * (§1.6) averaged over the profile, so the profile is the γ solution at t* = τ·λ₀/⟨λ_γ⟩ (to
   * leading order in σ). Averaging over the profile, not taking the Dirac shell's λ at its radius,
   * cuts the near-diagonal α_ε at the width σ as well as at ε: in 2D at γ = −3 the Dirac shell's
   * λ diverges like log(1/ε).
   * Measured m4(0.05) (3D, γ = −3, ε = 0.05; σ → 0 on 2560 cells: 9.3590): 9.3580 on the app's
   * 320 cells and σ = 0.08, 9.3578 on 640 and σ = 0.04; started at τ instead, 9.4053 and 9.3693.
   * 2D, ε = 1e-4: 4.3144 and 4.3094 (limitEquation.test.ts).
   */
  private shellStartTime(initial: RadialInitial, T: number): RadialInitial {
    const { lambda } = this.driftAndDiffusion();
    let num = 0, den = 0;
    for (let k = 0; k < lambda.length; k++) {
      // Interface k between cells k and k+1: weight = the profile's mass near it.
      const w = 0.5 * (this.volumes[k] * this.g[k] + this.volumes[k + 1] * this.g[k + 1]);
      num += w * lambda[k];
      den += w;
    }
    const ratio = num / den / ((this.d - 1) * T);
    const start = initial.startTime / ratio;
    return {
      ...initial,
      startTime: start,
      note: `${initial.note}; for γ = ${this.gamma} that profile is taken at the γ flow's time t* = ${start.toExponential(2)} (the same radial spread)`,
    };
  }

  /** λ(r) and β(r) of models.md §1.6 at the interior interfaces (for checks): |S|ρ^(d−1)λ = A, |S|ρ^(d−1)β = B. */
  driftAndDiffusion(): { r: Float64Array; lambda: Float64Array; beta: Float64Array } {
    const m = this.cells - 1;
    const mean = new Float64Array(m), theta = new Float64Array(m), A = new Float64Array(m), B = new Float64Array(m);
    this.coefficients(this.g, mean, theta, A, B);
    const lambda = new Float64Array(m), beta = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      const s = this.sphere * this.rho[k] ** (this.d - 1);
      lambda[k] = A[k] / s;
      beta[k] = B[k] / s;
    }
    return { r: this.rho.slice(), lambda, beta };
  }
}

/**
 * θ with logMean(a, b) = θa + (1 − θ)b (θ ∈ [0, 1]; ½ at a = b): θ = (q − (q−1)/log q)/(q − 1), q = b/a.
 */
export function logMeanWeight(a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) return a > 0 ? 0 : 1;
  const x = b / a - 1;
  if (Math.abs(x) < 1e-3) return 0.5 + x * (1 / 12 + x * (-1 / 24 + x * (19 / 720)));
  const theta = (b - logMean(a, b)) / (b - a);
  return Math.min(1, Math.max(0, theta));
}

/** Thomas algorithm for a tridiagonal system (lower[0] and upper[n−1] unused). */
function solveTridiagonal(lower: Float64Array, diag: Float64Array, upper: Float64Array, rhs: Float64Array): Float64Array {
  const n = diag.length;
  const c = new Float64Array(n), x = new Float64Array(n);
  let denom = diag[0];
  c[0] = upper[0] / denom;
  x[0] = rhs[0] / denom;
  for (let i = 1; i < n; i++) {
    denom = diag[i] - lower[i] * c[i - 1];
    c[i] = upper[i] / denom;
    x[i] = (rhs[i] - lower[i] * x[i - 1]) / denom;
  }
  for (let i = n - 2; i >= 0; i--) x[i] -= c[i] * x[i + 1];
  return x;
}
