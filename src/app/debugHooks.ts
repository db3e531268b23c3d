/**
 * Debug hooks of the frame loop (window.__mfl, main.tsx): the active loop registers itself here,
 * and its `debug()` snapshot is what the e2e tests assert on. Read on demand: nothing is pushed
 * per frame, and the hooks never touch React state.
 */
import type { LiveChaos } from '../state/store';
import type { SimulationLoop } from './simulationLoop';

export interface DebugSnapshot {
  t: number;
  /** Steps submitted (the state readbacks see, in queue order). */
  step: number;
  /** Steps whose GPU work has finished (the status line's counter). */
  completedSteps: number;
  /** A submission of the main run or the companion is on the GPU. */
  inFlight: boolean;
  /** The last submission stopped inside a step (step slices). */
  midStep: boolean;
  /**
   * Pacing (issue 10): submissions finished and started, the largest in workgroups after the
   * first measurement (of groupsPerStep per step), the longest GPU time and wall time and the
   * last GPU time (ms), and how they were timed.
   */
  submissions: number;
  submitted: number;
  largestSubmission: number;
  groupsPerStep: number;
  worstSubmitMs: number;
  worstSubmitWallMs: number;
  lastSubmitMs: number;
  timing: 'timestamps' | 'wall' | 'cpu';
  /** Estimated GPU time of one step (ms), null before a measurement. */
  stepMs: number | null;
  buildCount: number;
  histogramVersion: number;
  lastHistogramStep: number;
  curvePoints: number;
  cloudFrames: number;
  cloudSource: string;
  engineKind: string;
  adapter: string;
  liveBuffers: number;
  liveBufferLabels: Record<string, number>;
  validationErrors: string[];
  ready: boolean;
  n: number;
  replicas: number;
  d: number;
  histogramTotal: number;
  histogramOverflow: number[];
  lastEnergy: number;
  lastMomentum: number[];
  /** Accurate entropy estimates completed in this run, and whether one is in flight. */
  entropyEstimates: number;
  entropyPending: boolean;
  entropyNote: string | null;
  /** Curve rows holding an accurate / a cheap entropy estimate. */
  accurateRows: number;
  cheapRows: number;
  /** Points drawn per entropy-chart series ('chart:kind'). */
  entropyDrawn: Record<string, number>;
  histogramCenter: number;
  chaos: LiveChaos | null;
  /** Chart refreshes and live chaos-meter particle readbacks so far (tests wait for the next one). */
  chartRefreshes: number;
  marginalReadbacks: number;
  /** Whether the views are drawn in the projector theme now. */
  highContrastApplied: boolean;
  /** The deterministic limit: the time it is computed to (null: none yet), and whether its worker runs. */
  limitEndTime: number | null;
  limitSolving: boolean;
}

let activeLoop: SimulationLoop | null = null;

export function setActiveLoop(loop: SimulationLoop | null): void {
  activeLoop = loop;
}

export function getActiveLoop(): SimulationLoop | null {
  return activeLoop;
}
