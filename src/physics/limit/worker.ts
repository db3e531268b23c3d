/**
 * Web Worker running the limit solver off the main thread (issue 12): one solve takes 0.3–20 s
 * (320 cells; γ = −3 shells are the slowest), far longer than a frame. No DOM: it talks through
 * the worker global's postMessage/onmessage only.
 *
 * Protocol (LimitWorkerRequest in, LimitWorkerMessage out):
 *   → { setup, tEnd, every }        solve from the initial law to tEnd, a snapshot every `every`
 *   ← { kind: 'start', h, note }    grid spacing and the initial data's note
 *   ← { kind: 'snapshot', snapshot } one state (its g buffer transferred), increasing t
 *   ← { kind: 'done' } | { kind: 'error', message }
 * Feed them to a LimitReference with `applyLimitMessage` (reference.ts stays usable before 'done':
 * `at(t)` is null beyond the last snapshot). Stops early at the discrete equilibrium.
 *
 * App use: new Worker(new URL('../physics/limit/worker.ts', import.meta.url), { type: 'module' }).
 */
import { IsotropicLandauSolver } from './isotropicLandau';
import { LimitReference, snapshotOf, solverOptions, type LimitSetup, type LimitSnapshot } from './reference';

export interface LimitWorkerRequest {
  setup: LimitSetup;
  /** Last time to compute (our time, absolute: BKW starts at t₀). */
  tEnd: number;
  /** Spacing of the stored snapshots (≤ 0.01 keeps the interpolation error ≲ 1e-4). */
  every: number;
}

export type LimitWorkerMessage =
  | { kind: 'start'; h: number; note: string }
  | { kind: 'snapshot'; snapshot: LimitSnapshot }
  | { kind: 'done' }
  | { kind: 'error'; message: string };

/** The solve itself, posting messages through `post` (also usable without a worker, e.g. in tests). */
export function runLimitSolve(req: LimitWorkerRequest, post: (m: LimitWorkerMessage, transfer?: ArrayBuffer[]) => void): void {
  try {
    const solver = new IsotropicLandauSolver(solverOptions(req.setup), req.setup.init);
    post({ kind: 'start', h: solver.h, note: solver.initial.note });
    const first = snapshotOf(solver);
    post({ kind: 'snapshot', snapshot: first }, [first.g.buffer as ArrayBuffer]);
    for (let k = 1; solver.t < req.tEnd; k++) {
      solver.advanceTo(Math.min(req.tEnd, solver.initial.startTime + k * req.every));
      const s = snapshotOf(solver);
      post({ kind: 'snapshot', snapshot: s }, [s.g.buffer as ArrayBuffer]);
      if (s.relativeEntropy < 1e-9) break;
    }
    post({ kind: 'done' });
  } catch (e) {
    post({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * Applies one worker message to a reference (created at 'start'): returns the reference (or null
 * before 'start'), `complete` set at 'done'.
 */
export function applyLimitMessage(ref: LimitReference | null, setup: LimitSetup, m: LimitWorkerMessage): LimitReference | null {
  if (m.kind === 'start') return new LimitReference(setup, m.h, m.note);
  if (!ref) return null;
  if (m.kind === 'snapshot') ref.append(m.snapshot);
  else if (m.kind === 'done') ref.complete = true;
  return ref;
}

interface WorkerScope {
  onmessage: ((e: { data: LimitWorkerRequest }) => void) | null;
  postMessage(m: LimitWorkerMessage, transfer?: ArrayBuffer[]): void;
}

// Only inside a worker (importing this module elsewhere, e.g. in tests, does nothing).
const scope = globalThis as unknown as Partial<WorkerScope> & { document?: unknown; WorkerGlobalScope?: unknown };
if (typeof scope.WorkerGlobalScope !== 'undefined' && typeof scope.postMessage === 'function') {
  (scope as WorkerScope).onmessage = (e) => runLimitSolve(e.data, (m, transfer) => (scope as WorkerScope).postMessage(m, transfer ?? []));
}
