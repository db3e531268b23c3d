/**
 * One run of the frame loop: the backend(s) built from the current parameters and everything the
 * loop tracks about them (pacing, readbacks in flight, the latest results). Rebuilt on every
 * parameter change, Reset or device loss; `SimulationLoop.run` holds the current one, and a
 * callback that finds `run` replaced drops its result.
 */
import type { Backend } from '../engine/backend';
import type { HistogramPass, HistogramRange, Histograms } from '../gpu/passes/histogram';
import type { EnsembleMoments, ReplicaMoments } from '../physics/moments';
import type { Params } from '../physics/params';
import type { LiveChaos } from '../state/store';
import type { CompareMode } from '../state/urlCodec';
import type { TimeSeries } from '../view/timeSeries';
import type { Pacer } from '../engine/pacing';
import type { LimitSolve } from './limitSolve';

export interface Run {
  params: Params;
  backend: Backend;
  companion: Backend | null;
  /** The companion run: another noise system, or all pairs beside random batches (state/urlCodec CompareMode). */
  companionNoise: CompareMode | null;
  histogram: HistogramPass | null;
  range: HistogramRange & { colorMax: number };
  t0: number;
  series: TimeSeries;
  /** GPU pacing of the main run and of the companion (app/pacing.ts); null on the CPU engine. */
  pacer: Pacer | null;
  companionPacer: Pacer | null;
  /** Per-step cost of the CPU engine (EMA, ms). */
  cpuStepMs: number;
  /** Submissions of the main run / companion not yet finished on the GPU. */
  stepInFlight: boolean;
  companionInFlight: boolean;
  /** Steps whose GPU work has finished (the status line's counter). */
  completedSteps: number;
  /** Paced submissions started (main run), and the largest one in workgroups. */
  submitted: number;
  largestSubmission: number;
  /** (time ms, completed steps) samples for steps/s. */
  rate: [number, number][];
  momentsPending: boolean;
  histogramPending: boolean;
  particlesPending: boolean;
  lastMomentsStep: number;
  lastMomentsAt: number;
  lastHistogramStep: number;
  lastHistogramAt: number;
  lastCloudStep: number;
  lastCloudReplica: number;
  latestMoments: { step: number; t: number; m: EnsembleMoments } | null;
  latestHistogram: Histograms | null;
  /** Accurate entropy estimates: one in flight at most; the step of the last one started. */
  entropyPending: boolean;
  lastEntropyStep: number;
  entropyEstimates: number;
  /** Why the accurate estimates stopped (or never run), for the panel's note. */
  entropyNote: string | null;
  /** Per-replica moments of the first readback (the chaos meters' t = 0). */
  firstPerReplica: ReplicaMoments[] | null;
  chaos: LiveChaos | null;
  chaosPublished: LiveChaos | null;
  marginalPending: boolean;
  lastMarginalAt: number;
  /** Particle readbacks of the live chaos meters completed (debug hook). */
  marginalReadbacks: number;
  /** The deterministic limit (issue 12), solved in a worker; its reason where none applies. */
  limit: LimitSolve;
}

export function timeAt(run: Run, step: number): number {
  return run.t0 + step * run.params.dt;
}
