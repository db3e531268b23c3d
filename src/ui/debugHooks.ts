/**
 * Read-only debug hooks for the e2e tests (window.__mfl): numbers from the frame loop, read on
 * demand (nothing is pushed per frame), plus a few test actions (remount, device loss, exports).
 * The active loop registers itself here; the hooks never touch React state.
 */
import type { SimulationLoop } from '../engine/loop';

let activeLoop: SimulationLoop | null = null;

export function setActiveLoop(loop: SimulationLoop | null): void {
  activeLoop = loop;
}

export function getActiveLoop(): SimulationLoop | null {
  return activeLoop;
}
