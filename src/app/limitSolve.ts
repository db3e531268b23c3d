/**
 * The deterministic limit of the current run (issue 12; models.md §1.6): for isotropic Landau
 * data the solver of the radial limit equation runs in a Web Worker (a solve takes 0.3–20 s) and
 * fills a LimitReference as its snapshots arrive; the views read it (setLimitReference) and the
 * live marginal L1 compares the particles with it. Anisotropic data, other models and
 * rotation-shared noise have no such reference: `reason` says why.
 *
 * The solve runs ahead of the particles, not to the end of time: first to t₀ + FIRST_SPAN, then,
 * when the run gets near the end of what is computed (`ensure`), again to twice as far (it stops
 * early at the discrete equilibrium). A worker costs a CPU core while it runs, which on a laptop
 * or a 2-core machine the GPU adapter may need.
 */
import { DEFAULT_LIMIT_CELLS, limitApplicability, limitName, type LimitReference, type LimitSetup } from '../physics/limit/reference';
import { applyLimitMessage, type LimitWorkerMessage, type LimitWorkerRequest } from '../physics/limit/worker';
import type { Params } from '../physics/params';

/** First stretch of time solved (our time units) and the longest the solve is ever extended to. */
const FIRST_SPAN = 1;
const MAX_SPAN = 64;
/** Snapshot spacing (≤ 0.01 keeps the interpolation error ≲ 1e-4: physics/limit/worker.ts). */
const LIMIT_EVERY = 0.01;

export class LimitSolve {
  /** The limit so far (null until the worker starts, or where none applies). */
  ref: LimitReference | null = null;
  /** Legend name ("limit equation, deterministic, 320 cells"), or null where none applies. */
  readonly name: string | null;
  /** Why there is no deterministic limit for these parameters (null where there is one). */
  readonly reason: string | null;
  /** The solver's failure, if it failed. */
  error: string | null = null;
  private worker: Worker | null = null;
  private readonly setup: LimitSetup | null = null;
  private span = FIRST_SPAN;
  private t0 = 0;
  /** The last solve ended at its end time, not at equilibrium: `ensure` may extend it. */
  private extendable = false;
  private stopped = false;

  /** Starts the solve for `p` if it applies; `onUpdate` runs whenever `ref` has grown. */
  constructor(p: Params, t0: number, private readonly onUpdate: (ref: LimitReference) => void) {
    const a = limitApplicability(p, DEFAULT_LIMIT_CELLS);
    if (!a.applies) {
      this.name = null;
      this.reason = a.reason;
      return;
    }
    this.name = limitName(a.setup.cells);
    this.reason = null;
    this.setup = a.setup;
    this.t0 = t0;
    this.solve();
  }

  /** Solves from the initial law to t₀ + span in a fresh worker (the current `ref` serves meanwhile). */
  private solve(): void {
    const setup = this.setup;
    if (!setup || this.stopped) return;
    if (typeof Worker === 'undefined') {
      this.error = 'Web Workers are unavailable here: the limit solver did not run';
      return;
    }
    let worker: Worker;
    try {
      worker = new Worker(new URL('../physics/limit/worker.ts', import.meta.url), { type: 'module', name: 'limit-solver' });
    } catch (e) {
      this.error = `the limit solver could not start: ${e instanceof Error ? e.message : String(e)}`;
      return;
    }
    this.worker = worker;
    const tEnd = this.t0 + this.span;
    let next: LimitReference | null = null;
    worker.onmessage = (e: MessageEvent<LimitWorkerMessage>) => {
      const m = e.data;
      if (m.kind === 'error') {
        this.error = `the limit solver failed: ${m.message}`;
        this.stopWorker(worker);
        return;
      }
      next = applyLimitMessage(next, setup, m);
      if (!next) return;
      if (m.kind === 'done') {
        this.stopWorker(worker);
        // Ended at tEnd rather than at the equilibrium: beyond it the state is not known.
        this.extendable = next.endTime >= tEnd - 2 * LIMIT_EVERY && this.span < MAX_SPAN;
        if (this.extendable) next.complete = false;
      }
      // A new solve replaces the old reference once it reaches further.
      if (next !== this.ref && (!this.ref || next.endTime > this.ref.endTime || m.kind === 'done')) this.ref = next;
      if (this.ref === next && (m.kind === 'snapshot' || m.kind === 'done')) this.onUpdate(next);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      this.error = `the limit solver failed: ${e.message}`;
      this.stopWorker(worker);
    };
    const req: LimitWorkerRequest = { setup, tEnd, every: LIMIT_EVERY };
    worker.postMessage(req);
  }

  /** Whether a worker is solving now. */
  get solving(): boolean {
    return this.worker !== null;
  }

  /** Extends the solve (twice as far) when the run at time t nears the end of what is computed. */
  ensure(t: number): void {
    if (!this.extendable || this.worker || this.stopped || !this.ref) return;
    if (t < this.ref.endTime - 0.25 * this.span) return;
    this.extendable = false;
    this.span = Math.min(MAX_SPAN, 2 * this.span);
    this.solve();
  }

  private stopWorker(worker: Worker): void {
    worker.terminate();
    if (this.worker === worker) this.worker = null;
  }

  /** Ends the solve (a rebuild, Reset or unmount): the worker stops at once. */
  stop(): void {
    this.stopped = true;
    if (this.worker) this.stopWorker(this.worker);
  }
}
