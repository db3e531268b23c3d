/**
 * The limit equation as a reference for the particle runs (issue 12, models.md §1.6): which runs
 * it applies to, and `LimitReference`, a table of solver states in time that answers `at(t)`
 * with the limit's marginals, H(f(t)), H(f|M), I(f(t)) and m4(t). Float64, no DOM, no GPU.
 *
 * A LimitReference is filled either synchronously (`LimitReference.solve`, the runner and the
 * sweep) or snapshot by snapshot from a worker (`limit/worker.ts`, the app): `append` takes the
 * worker's messages, and `at(t)` answers null beyond the last computed time. Between stored
 * times the cell values are interpolated linearly in t (stored every `every` ≤ 0.01: the error is
 * ≲ (every²/8)·|∂²g/∂t²| ≈ 1e-4 relative at the fastest rates; the runner advances exactly instead).
 */
import type { Params } from '../params';
import { IsotropicLandauSolver, type IsotropicSolverOptions, type LimitScalars } from './isotropicLandau';
import type { IsotropicInit } from './initialData';
import { componentBinMasses, componentDensity, speedBinMasses, speedDensity, type RadialGrid } from './marginals';

/** Default number of radial cells of the app's, runner's and sweep's reference (h = 9√T/320 ≤ σ_shell/2.5; errors ≈ 1e-4, limitEquation.test.ts). */
export const DEFAULT_LIMIT_CELLS = 320;

/** One stored state: scalars and the cell values g_i. */
export interface LimitSnapshot extends LimitScalars {
  g: Float64Array;
}

/** What the reference is, for the worker and the legend. */
export interface LimitSetup {
  d: 2 | 3;
  gamma: number;
  eps: number;
  init: IsotropicInit;
  cells: number;
}

/** Whether the deterministic limit applies to a run, and if not, why (shown in the UI). */
export type LimitApplicability = { applies: true; setup: LimitSetup } | { applies: false; reason: string };

/**
 * The limit solver applies to isotropic Landau runs: init gaussian, shell or bkw (any γ, d, ε > 0
 * for γ < 0, any mean-field noise system). Anisotropic data (aniso, bimaxwellian) has no radial
 * reduction: those keep the large-N reference. `rotation-shared` has no deterministic limit
 * (models.md §1.4).
 */
export function limitApplicability(p: Params, cells = DEFAULT_LIMIT_CELLS): LimitApplicability {
  if (p.model !== 'landau') return { applies: false, reason: 'the deterministic limit solver covers the Landau equation only' };
  if (p.noise === 'rotation-shared') {
    return { applies: false, reason: 'rotation-shared noise has no deterministic mean-field limit (models.md §1.4)' };
  }
  if (p.gamma < 0 && !(p.eps > 0)) return { applies: false, reason: 'γ < 0 needs ε > 0 (models.md §1)' };
  let init: IsotropicInit;
  if (p.init === 'gaussian') init = { kind: 'gaussian', temp: p.temp[0] };
  else if (p.init === 'shell') init = { kind: 'shell', temp: p.temp[0] };
  else if (p.init === 'bkw') init = { kind: 'bkw' };
  else {
    return {
      applies: false,
      reason: `init=${p.init} is anisotropic: the deterministic solver (models.md §1.6) needs radial data, so the reference is a large-N run of the same system`,
    };
  }
  return { applies: true, setup: { d: p.d, gamma: p.gamma, eps: p.eps, init, cells } };
}

/** The legend name: "limit equation, deterministic, M cells". */
export function limitName(cells: number): string {
  return `limit equation, deterministic, ${cells} cells`;
}

/** The limit at one time: scalars and marginal functions (velocity units). */
export interface LimitState extends LimitScalars {
  /** Density of one Cartesian component v_x (any, by isotropy) at x. */
  componentDensity(x: number): number;
  /** Density of |v| at r. */
  speedDensity(r: number): number;
  /** Masses of the v_x bins [edges[j], edges[j+1]). */
  componentBinMasses(edges: readonly number[]): number[];
  /** Masses of the |v| bins. */
  speedBinMasses(edges: readonly number[]): number[];
}

export function solverOptions(setup: LimitSetup): IsotropicSolverOptions {
  return { d: setup.d, gamma: setup.gamma, eps: setup.eps, cells: setup.cells };
}

export class LimitReference {
  readonly name: string;
  readonly grid: RadialGrid;
  /** Stored states, increasing in t. */
  readonly snapshots: LimitSnapshot[] = [];
  /** Set when the table is complete (equilibrium reached or end time): at(t) holds the last state beyond. */
  complete = false;

  constructor(readonly setup: LimitSetup, h: number, readonly note: string) {
    this.name = limitName(setup.cells);
    this.grid = { d: setup.d, h };
  }

  /** First time with a state (BKW t₀; shell: τ of limit/initialData.ts; else 0). */
  get startTime(): number {
    return this.snapshots.length ? this.snapshots[0].t : Number.NaN;
  }

  /** Last computed time. */
  get endTime(): number {
    return this.snapshots.length ? this.snapshots[this.snapshots.length - 1].t : Number.NaN;
  }

  append(s: LimitSnapshot): void {
    if (this.snapshots.length && !(s.t > this.endTime)) throw new Error('LimitReference.append: times must increase');
    this.snapshots.push(s);
  }

  /**
   * Solves synchronously from the initial law to tEnd, storing every `every` (and stopping early,
   * complete, once H(f|M) < 1e-9: the discrete equilibrium).
   */
  static solve(setup: LimitSetup, tEnd: number, every = 0.01): LimitReference {
    const solver = new IsotropicLandauSolver(solverOptions(setup), setup.init);
    const ref = new LimitReference(setup, solver.h, solver.initial.note);
    ref.append(snapshotOf(solver));
    for (let k = 1; solver.t < tEnd; k++) {
      solver.advanceTo(Math.min(tEnd, solver.initial.startTime + k * every));
      const s = snapshotOf(solver);
      ref.append(s);
      if (s.relativeEntropy < 1e-9) break;
    }
    ref.complete = true;
    return ref;
  }

  /**
   * Only the scalars at t (cheap: no cell values interpolated), or null if not computed yet, or
   * before the first state (shell data start at t* > 0: the curves then begin there instead of
   * drawing the smoothed start as if it held from t = 0).
   */
  scalarsAt(t: number): LimitScalars | null {
    const s = this.snapshots;
    if (!s.length || t < s[0].t - 1e-12) return null;
    const last = s[s.length - 1];
    if (t > last.t && !this.complete) return null;
    const pick = (a: LimitSnapshot, b: LimitSnapshot, w: number): LimitScalars => {
      const mix = (k: keyof LimitScalars) => (1 - w) * a[k] + w * b[k];
      return { t, mass: mix('mass'), energy: mix('energy'), m4: mix('m4'), entropy: mix('entropy'), relativeEntropy: mix('relativeEntropy'), fisher: mix('fisher') };
    };
    if (t <= s[0].t) return pick(s[0], s[0], 0);
    if (t >= last.t) return pick(last, last, 0);
    let lo = 0, hi = s.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (s[mid].t <= t) lo = mid;
      else hi = mid;
    }
    return pick(s[lo], s[hi], (t - s[lo].t) / (s[hi].t - s[lo].t));
  }

  /** The limit at time t (linear in t between stored states), or null if not computed yet. */
  at(t: number): LimitState | null {
    const s = this.snapshots;
    if (!s.length) return null;
    if (t <= s[0].t) return stateOf(this.grid, s[0], s[0], 0, Math.max(t, s[0].t));
    const last = s[s.length - 1];
    if (t >= last.t) return this.complete || t === last.t ? stateOf(this.grid, last, last, 0, t) : null;
    let lo = 0, hi = s.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (s[mid].t <= t) lo = mid;
      else hi = mid;
    }
    return stateOf(this.grid, s[lo], s[hi], (t - s[lo].t) / (s[hi].t - s[lo].t), t);
  }
}

export function snapshotOf(solver: IsotropicLandauSolver): LimitSnapshot {
  return { ...solver.scalars(), g: solver.profile() };
}

function stateOf(grid: RadialGrid, a: LimitSnapshot, b: LimitSnapshot, w: number, t: number): LimitState {
  const g = w === 0 ? a.g : a.g.map((x, i) => (1 - w) * x + w * b.g[i]);
  const mix = (k: keyof LimitScalars) => (1 - w) * a[k] + w * b[k];
  return {
    t,
    mass: mix('mass'),
    energy: mix('energy'),
    m4: mix('m4'),
    entropy: mix('entropy'),
    relativeEntropy: mix('relativeEntropy'),
    fisher: mix('fisher'),
    componentDensity: (x) => componentDensity(grid, g, x),
    speedDensity: (r) => speedDensity(grid, g, r),
    componentBinMasses: (edges) => componentBinMasses(grid, g, edges),
    speedBinMasses: (edges) => speedBinMasses(grid, g, edges),
  };
}

/**
 * The limit at exact times, advancing one solver (the runner's checkpoints, the sweep's t):
 * `at(t)` for non-decreasing t.
 */
export class LimitStepper {
  readonly solver: IsotropicLandauSolver;
  readonly name: string;
  constructor(readonly setup: LimitSetup) {
    this.solver = new IsotropicLandauSolver(solverOptions(setup), setup.init);
    this.name = limitName(setup.cells);
  }

  at(t: number): LimitState {
    if (t > this.solver.t) this.solver.advanceTo(t);
    const s = snapshotOf(this.solver);
    return stateOf({ d: this.setup.d, h: this.solver.h }, s, s, 0, this.solver.t);
  }
}
