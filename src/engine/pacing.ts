/**
 * Pacing of the GPU work (issue 10): how many workgroups the next submission holds, so that one
 * submission lasts about TARGET_SUBMIT_MS of GPU time on any adapter and at any N·R, and Pause,
 * Reset and parameter changes take effect within about one submission.
 *
 * The unit is the workgroup of the step shader (WebGpuBackend.advance; a step is
 * `groupsPerStep` of them, and can be cut into slices that are bit-identical to the whole step).
 * The pacer learns the cost of one workgroup from every submission's measured time (timestamp
 * queries, or the wall time to onSubmittedWorkDone: gpu/submitTimer.ts), starts small (a
 * submission of INITIAL_PAIRS pair interactions: ~20 ms on SwiftShader, microseconds on a GPU)
 * and grows by at most GROWTH per submission, so a slow adapter never sees a long first submit.
 * No DOM, no GPU: unit-tested in Node (tests/unit/pacing.test.ts).
 */

/** GPU time one submission aims at (ms). */
export const TARGET_SUBMIT_MS = 50;
/** The budget no submission should exceed (ms), slices included (one workgroup permitting). */
export const MAX_SUBMIT_MS = 100;
/** Pair interactions of the first submission of a run, before anything is measured. */
export const INITIAL_PAIRS = 2e6;
/**
 * Workgroups of the first submission at most: where a workgroup does little pair work (N = 8,
 * R = 4096), its fixed cost dominates (≈ 0.6 ms each on SwiftShader), so a guess from pairs
 * alone would hold the GPU for seconds.
 */
export const INITIAL_GROUPS = 64;
/** Largest growth of the budget from one submission to the next. */
export const GROWTH = 4;
/** Weight of the newest measurement in the per-workgroup cost (exponential average). */
const EMA_WEIGHT = 0.5;

export interface PacerGrid {
  /** Workgroups of one whole step. */
  groupsPerStep: number;
  /** Pair interactions (or particle updates) one workgroup does: the initial guess's scale. */
  pairsPerGroup: number;
}

export class Pacer {
  /** Measured GPU ms per workgroup (exponential average), null before the first measurement. */
  private msPerGroup: number | null = null;
  private lastGroups = 0;
  /** Longest submission seen (ms) and the last one. */
  worstMs = 0;
  lastMs = 0;
  submissions = 0;

  constructor(private readonly grid: PacerGrid) {
    if (!(grid.groupsPerStep >= 1) || !(grid.pairsPerGroup > 0)) throw new RangeError(`Pacer: need groupsPerStep ≥ 1 and pairsPerGroup > 0 (got ${grid.groupsPerStep}, ${grid.pairsPerGroup})`);
  }

  /**
   * Workgroups for the next submission: about TARGET_SUBMIT_MS of measured work, at least one
   * workgroup, at most `maxSteps` whole steps, and at most GROWTH × the previous submission.
   */
  nextGroups(maxSteps: number): number {
    const cap = Math.max(1, Math.floor(maxSteps)) * this.grid.groupsPerStep;
    let groups: number;
    if (this.msPerGroup === null) {
      groups = Math.min(INITIAL_GROUPS, Math.ceil(INITIAL_PAIRS / this.grid.pairsPerGroup));
    } else {
      groups = Math.floor(TARGET_SUBMIT_MS / Math.max(this.msPerGroup, 1e-9));
      if (this.lastGroups > 0) groups = Math.min(groups, GROWTH * this.lastGroups);
      // Slices only where a whole step would outlast the budget: a step that fits is never cut
      // (a noisy measurement would otherwise halve small steps and double their overhead).
      if (this.msPerGroup * this.grid.groupsPerStep <= MAX_SUBMIT_MS) groups = Math.max(groups, this.grid.groupsPerStep);
    }
    return Math.max(1, Math.min(cap, groups));
  }

  /** Longest wall time from a submission to its completion (ms). */
  worstWallMs = 0;

  /** Records a finished submission of `groups` workgroups that took `ms` of GPU time (`wallMs` from submit to completion). */
  record(groups: number, ms: number, wallMs = ms): void {
    if (Number.isFinite(wallMs)) this.worstWallMs = Math.max(this.worstWallMs, wallMs);
    if (!(groups >= 1) || !(ms >= 0) || !Number.isFinite(ms)) return;
    const per = Math.max(ms, 1e-6) / groups;
    this.msPerGroup = this.msPerGroup === null ? per : (1 - EMA_WEIGHT) * this.msPerGroup + EMA_WEIGHT * per;
    // A submission far over budget: trust it at once (the adapter is slower than believed).
    if (ms > MAX_SUBMIT_MS) this.msPerGroup = Math.max(this.msPerGroup, per);
    this.lastGroups = groups;
    this.lastMs = ms;
    this.worstMs = Math.max(this.worstMs, ms);
    this.submissions++;
  }

  /** Estimated GPU time of one whole step (ms), null before a measurement. */
  get stepMs(): number | null {
    return this.msPerGroup === null ? null : this.msPerGroup * this.grid.groupsPerStep;
  }
}

/** Steps per submission above which a step is "slow" enough to say so in the status line. */
export const SLOW_STEP_MS = 500;

/** Powers of two written as 2ⁿ (N·R = 2²⁰), other counts as they are. */
export function formatCount(x: number): string {
  const k = Math.log2(x);
  if (Number.isInteger(k) && k >= 10) {
    const sup = '⁰¹²³⁴⁵⁶⁷⁸⁹';
    return `2${String(k).split('').map((c) => sup[Number(c)]).join('')}`;
  }
  return String(x);
}

/**
 * The status line's plain words for a slow step ("≈ 12 s per step at N·R = 2²⁰ on this
 * adapter"), or null when a step takes less than SLOW_STEP_MS.
 */
export function slowStepNote(stepMs: number | null, nTimesR: number): string | null {
  if (stepMs === null || !(stepMs >= SLOW_STEP_MS)) return null;
  const s = stepMs / 1000;
  const time = s >= 120 ? `${(s / 60).toPrecision(2)} min` : `${s >= 10 ? Math.round(s) : s.toPrecision(2)} s`;
  return `≈ ${time} per step at N·R = ${formatCount(nTimesR)} on this adapter`;
}
