/**
 * Pacing and stepping (issue 10): one frame's share of the simulation. On WebGPU, at most one
 * paced submission per backend is in flight (WebGpuBackend.advance with the Pacer's budget), so
 * the queue never holds more than about one submission (≈ 50 ms) of GPU work: Pause, Reset and
 * parameter changes take effect within that. "Steps / frame" (the store's stepsPerFrame) is a
 * CAP on the steps of one submission; the pacing takes fewer when they are slow, and cuts a step
 * into slices when one step alone exceeds the budget. The companion run (compare mode) follows
 * the main run step for step, the main run waiting while it lags. On the float64 CPU engine, as many steps as fit CPU_FRAME_BUDGET_MS.
 */
import { CpuBackend } from '../engine/cpuBackend';
import { WebGpuBackend } from '../engine/webgpuBackend';
import type { AppState } from '../state/store';
import type { Pacer } from '../engine/pacing';
import type { Run } from './run';

/** Main-thread time the CPU engine may use per frame (ms). */
export const CPU_FRAME_BUDGET_MS = 24;

/** Whether the run should advance in this frame, and by at most how many steps. */
function wanted(s: AppState): { single: boolean; cap: number } | null {
  const single = !s.playing && s.pendingSteps > 0;
  if (!s.playing && !single) return null;
  return { single, cap: single ? 1 : s.stepsPerFrame };
}

/** Submits one paced batch of `backend` (≤ maxSteps steps); `settle` runs when the GPU finished it. */
function submitPaced(backend: WebGpuBackend, pacer: Pacer, maxSteps: number, settle: (stepsCompleted: number, ok: boolean) => void, groupsSeen?: (groups: number) => void): number {
  const a = backend.advance(pacer.nextGroups(maxSteps), maxSteps);
  groupsSeen?.(a.groups);
  a.done.then((timing) => {
    // GPU time (timestamps; else the wall time to completion): the work this submission holds.
    // The wall time also counts waiting behind other work (a cloud render, a readback), which a
    // smaller submission would not shorten.
    pacer.record(a.groups, timing.ms, timing.wallMs ?? timing.ms);
    settle(a.stepsCompleted, true);
  }, () => settle(a.stepsCompleted, false));
  return a.stepsCompleted;
}

/**
 * Advances `run` for this frame. `isCurrent` tells whether the run is still the loop's (a
 * finished submission of a replaced run changes nothing); `setState` is the store's.
 */
export function stepRun(run: Run, s: AppState, setState: (p: Partial<AppState>) => void, now: number, isCurrent: () => boolean): void {
  const { backend, companion } = run;
  if (s.error !== null || s.sweep?.running) return;
  if (backend instanceof WebGpuBackend && run.pacer) {
    if (run.stepInFlight || run.companionInFlight) return;
    // The companion run (compare mode) follows the main run's completed steps, paused or not;
    // while it lags (a slower system: all pairs beside random batches), the main run waits, so
    // the two meet at every step and their moments are read at the same t.
    if (companion instanceof WebGpuBackend && run.companionPacer) {
      const need = backend.stepCount - companion.stepCount;
      if (need > 0 || companion.midStep) {
        run.companionInFlight = true;
        submitPaced(companion, run.companionPacer, Math.max(1, need), () => {
          run.companionInFlight = false;
        });
        return;
      }
    }
    const w = wanted(s);
    if (!w) return;
    run.stepInFlight = true;
    run.submitted++;
    const encoded = submitPaced(backend, run.pacer, w.cap, (k, ok) => {
      run.stepInFlight = false;
      if (!ok || !isCurrent()) return;
      run.completedSteps += k;
      if (k > 0) run.rate.push([performance.now(), run.completedSteps]);
    }, (g) => {
      if (run.pacer!.submissions > 0) run.largestSubmission = Math.max(run.largestSubmission, g);
    });
    // A single step is taken when its last slice is submitted.
    if (w.single && encoded > 0) setState({ pendingSteps: s.pendingSteps - 1 });
  } else if (backend instanceof CpuBackend) {
    const w = wanted(s);
    if (!w) return;
    const k = w.single ? 1 : Math.max(1, Math.min(w.cap, Math.floor(CPU_FRAME_BUDGET_MS / Math.max(run.cpuStepMs, 1e-3))));
    const t0 = performance.now();
    backend.step(k);
    companion?.step(k);
    const elapsed = performance.now() - t0;
    run.cpuStepMs = 0.7 * run.cpuStepMs + 0.3 * (elapsed / k);
    run.completedSteps += k;
    run.rate.push([now, run.completedSteps]);
    if (w.single) setState({ pendingSteps: s.pendingSteps - 1 });
  }
  if (run.rate.length > 240) run.rate.splice(0, run.rate.length - 240);
}

/**
 * Steps per second (wall time) over the last ~2 s of completed steps, or over the last few
 * completions when steps are slower than that (up to a minute back), so a slow run reads its
 * real rate instead of 0.
 */
export function stepsPerSecond(run: Run, now: number): number {
  let recent = run.rate.filter(([t]) => now - t < 2000);
  if (recent.length < 3) recent = run.rate.filter(([t]) => now - t < 60_000).slice(-4);
  if (recent.length < 2) return 0;
  const [ta, sa] = recent[0];
  const [tb, sb] = recent[recent.length - 1];
  return tb > ta ? ((sb - sa) * 1000) / (tb - ta) : 0;
}
