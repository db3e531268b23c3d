/**
 * The app's state: one vanilla zustand store built from typed slices (conventions.md):
 *
 * - params: the parameters the engine runs (the share link is exactly this slice) and the
 *   messages from the link that opened the page;
 * - run: play/pause, pending single steps, reset requests, the engine in use, notices and the
 *   low-rate statistics of the status line (updated a few times per second, never per frame);
 * - view: display options (point size, replica shown, high contrast);
 * - diagnostics: the entropy estimator settings (every K steps, neighbour rank k, log scale), the
 *   live propagation-of-chaos meters and the N-sweep's progress, published by the frame loop and
 *   the sweep a few times per second (never per frame).
 *
 * Per-frame data (particles, histograms, curves) never goes through this store: the frame loop
 * (app/simulationLoop.ts) hands it straight to the views.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { validateParams, type Noise, type ParamError, type Params } from '../physics/params';
import { compareProblem, decodeLink, encodeLink, type CompareMode, type DecodedLink, type LinkState } from './urlCodec';
import { CLASSROOM_PRESETS, FIRST_OPEN_PRESET, presetById } from './presets';
import type { SweepOutput } from '../engine/sweepExperiment';
import { CORRECTED_KNN_RANK, MAX_KNN_RANK } from '../physics/estimators/entropy';

/** The preset whose link this state is, if any (a preset link shows its description). */
function matchingPreset(s: LinkState): string | null {
  // Projector mode is a view setting: a preset link with hc=1 is still that preset.
  const q = encodeLink({ params: s.params, compare: s.compare });
  return CLASSROOM_PRESETS.find((p) => p.query === q)?.id ?? null;
}

export interface ParamsSlice {
  params: Params;
  compare: CompareMode | null;
  /** Messages about the link the page was opened with (bad/unknown fields). */
  linkMessages: string[];
  /** The classroom preset last applied (cleared by any parameter change), for its description. */
  activePreset: string | null;
  /** Validates the whole parameter set; applies it only when valid, else returns the errors. */
  applyParams(next: Params, compare?: CompareMode | null): ParamError[];
  /** Opens a share-link query: valid fields applied, messages kept for display. */
  openLink(query: string): void;
  applyPreset(id: string): void;
  dismissLinkMessages(): void;
}

export interface EngineInfo {
  kind: 'webgpu' | 'cpu';
  /** Adapter in words (describeAdapter), "CPU fallback" said plainly. */
  adapter: string;
  /** No hardware GPU: SwiftShader/llvmpipe adapter, or the CPU engine. */
  isFallback: boolean;
  /** How the particle cloud gets its data. */
  cloudSource: 'shared-device' | 'readback' | 'none';
  /** Particles and replicas actually run (the CPU engine caps them). */
  n: number;
  replicas: number;
  /** Why n/replicas differ from the parameters, if they do. */
  capNote: string | null;
}

export interface RunStats {
  /** Time and step of the last step whose GPU work has finished (not merely submitted). */
  t: number;
  step: number;
  stepsPerSecond: number;
  pairsPerSecond: number;
  /** NaN/Inf velocity components at the last moments readback. */
  nonFinite: number;
  /** Plain words when one step takes long on this adapter ("≈ 12 s per step at N·R = 2²⁰ …"), else null. */
  slowStep?: string | null;
}

export interface RunSlice {
  playing: boolean;
  stepsPerFrame: number;
  /** Single steps requested and not yet taken. */
  pendingSteps: number;
  /** Incremented by reset(): the loop rebuilds the run from the current parameters. */
  resetCounter: number;
  engine: EngineInfo | null;
  /** Building, device lost, no WebGPU…: one line for the banner, or null. */
  notice: string | null;
  /** The run stopped (NaN/Inf): the message, or null. */
  error: string | null;
  stats: RunStats;
  play(): void;
  pause(): void;
  togglePlay(): void;
  stepOnce(): void;
  reset(): void;
  setStepsPerFrame(k: number): void;
}

export interface ViewSlice {
  pointSize: number;
  /** Replica drawn in the cloud. */
  replica: number;
  /** Projector mode: high contrast, larger type and lines, compact header; in the link as hc=1. */
  highContrast: boolean;
  /**
   * The page was opened without parameters: it starts on FIRST_OPEN_PRESET and shows a one-line
   * hint to the presets until dismissed or another run is chosen.
   */
  firstOpen: boolean;
  /**
   * Curves export: one row per this much simulation time (exportSchema.ts rowsAtInterval), or
   * null for every recorded row.
   */
  exportEveryT: number | null;
  setExportEveryT(dt: number | null): void;
  setPointSize(px: number): void;
  setReplica(r: number): void;
  setHighContrast(on: boolean): void;
  dismissFirstOpen(): void;
}

/** A value with its standard error (physics/chaos.ts Estimate). */
export interface MeterValue {
  value: number;
  stdErr: number;
}

/** The live chaos meters (R ≥ 3 replicas), published by the loop a few times per second. */
export interface LiveChaos {
  /** Simulation time of the moments they come from. */
  t: number;
  replicas: number;
  /** Cov(|v|², |v'|²) of two particles, across replicas (0 under chaos). */
  pairEnergy: MeterValue;
  /** Cov(v_x, v_x') of two particles, across replicas. */
  pairVx: MeterValue;
  /** E|V̄(t) − V̄(0)|² across replicas (positions: the centre of mass); null on the torus. */
  spread: MeterValue | null;
  /** Its exact law at this t, where one is known, with the law in words. */
  spreadExact: { value: number; law: string } | null;
  /**
   * Marginal L1 (v_x pooled over replicas) minus the sampling floor, to the exact reference; or,
   * with `snapshot`, to a large-N run at time t (computed on request; it does not follow the run).
   */
  l1: (MeterValue & { reference: string; t: number; snapshot?: boolean }) | null;
  /** Why there is no L1 meter (no exact reference for these parameters). */
  l1Note: string | null;
  /**
   * Two-marginal relative entropy H(f₂|f₁⊗f₁) to second order (physics/estimators/pairEntropy.ts),
   * from a particle readback at time t; `estimator` says which features, `perReplica` how many
   * particles of each replica entered it.
   */
  pairEntropy: (MeterValue & { t: number; estimator: string; perReplica: number }) | null;
}

/** Progress of a running N-sweep (engine/sweepExperiment.ts). */
export interface SweepStatus {
  running: boolean;
  /** One line: which system, which N, what phase. */
  label: string;
  /** Fraction of the point (or reference run) in progress, 0…1. */
  pointFraction: number;
  /** Fraction of the whole sweep, by estimated work (steps · N² · R per point), 0…1. */
  overall: number;
  cancelRequested: boolean;
}

export interface DiagnosticsSlice {
  /** Accurate entropy estimates every K steps; null: the default for N (defaultEntropyEvery). */
  entropyEvery: number | null;
  /** Neighbour rank k of the Kozachenko–Leonenko estimator, 1…MAX_KNN_RANK (16); default 16. */
  knnRank: number;
  /** Log scale for H(f|M). */
  entropyLog: boolean;
  chaos: LiveChaos | null;
  sweep: SweepStatus | null;
  /** The last N-sweep's result (tools/sweep.ts JSON), shown and exported by the chaos panel. */
  sweepResult: SweepOutput | null;
  setEntropyEvery(k: number | null): void;
  setKnnRank(k: number): void;
  setEntropyLog(on: boolean): void;
}

export type AppState = ParamsSlice & RunSlice & ViewSlice & DiagnosticsSlice;
export type AppStore = StoreApi<AppState>;

/**
 * Largest "steps / frame" cap: one paced submission holds at most this many steps
 * (engine/webgpuBackend.ts STEPS_PER_SUBMIT, one uniform slot each).
 */
export const STEPS_PER_FRAME_MAX = 64;
export const POINT_SIZE_RANGE = [1, 12] as const;

const emptyStats: RunStats = { t: 0, step: 0, stepsPerSecond: 0, pairsPerSecond: 0, nonFinite: 0 };

type Set = StoreApi<AppState>['setState'];
type Get = StoreApi<AppState>['getState'];

function paramsSlice(set: Set, get: Get, initial: DecodedLink): ParamsSlice {
  return {
    params: initial.params,
    compare: initial.compare,
    linkMessages: initial.messages,
    activePreset: matchingPreset(initial),
    applyParams(next, compare = get().compare) {
      const errors = validateParams(next);
      if (errors.length) return errors;
      // A companion that no longer applies (the same noise; all pairs without random batches) is dropped.
      const keep = compare === null || compare === next.noise || compareProblem(next, compare) !== null ? null : compare;
      set({ params: { ...next, temp: [...next.temp] }, compare: keep, error: null, activePreset: null, firstOpen: false });
      return [];
    },
    openLink(query) {
      const link = decodeLink(query);
      // hc is a view setting: a link without it keeps the current mode.
      const hcGiven = new URLSearchParams(query.replace(/^[?#]/, '')).has('hc');
      set({
        params: link.params, compare: link.compare, linkMessages: link.messages, error: null, activePreset: matchingPreset(link),
        firstOpen: false, ...(hcGiven ? { highContrast: link.highContrast } : {}),
      });
    },
    applyPreset(id) {
      const preset = presetById(id);
      if (!preset) return;
      const link = decodeLink(preset.query);
      // Projector mode stays as it is (it is not part of a preset).
      set({ params: link.params, compare: link.compare, linkMessages: [], error: null, playing: true, activePreset: id, firstOpen: false });
    },
    dismissLinkMessages() {
      set({ linkMessages: [] });
    },
  };
}

function runSlice(set: Set, get: Get): RunSlice {
  return {
    playing: false,
    stepsPerFrame: 4,
    pendingSteps: 0,
    resetCounter: 0,
    engine: null,
    notice: 'Starting the engine…',
    error: null,
    stats: emptyStats,
    // A running N-sweep holds the GPU: the live run stays paused until it ends.
    play: () => set({ playing: get().error === null && !get().sweep?.running }),
    pause: () => set({ playing: false }),
    togglePlay: () => (get().playing ? get().pause() : get().play()),
    stepOnce: () => set((s) => (s.error || s.sweep?.running ? {} : { playing: false, pendingSteps: s.pendingSteps + 1 })),
    reset: () => set((s) => ({ resetCounter: s.resetCounter + 1, error: null, pendingSteps: 0 })),
    setStepsPerFrame: (k) => set({ stepsPerFrame: Math.max(1, Math.min(STEPS_PER_FRAME_MAX, Math.round(k))) }),
  };
}

function viewSlice(set: Set, initial: { highContrast: boolean; firstOpen: boolean }): ViewSlice {
  return {
    pointSize: 4,
    replica: 0,
    highContrast: initial.highContrast,
    firstOpen: initial.firstOpen,
    exportEveryT: null,
    setExportEveryT: (dt) => set({ exportEveryT: dt !== null && Number.isFinite(dt) && dt > 0 ? dt : null }),
    setPointSize: (px) => set({ pointSize: Math.max(POINT_SIZE_RANGE[0], Math.min(POINT_SIZE_RANGE[1], px)) }),
    setReplica: (r) => set({ replica: Math.max(0, Math.floor(r)) }),
    setHighContrast: (on) => set({ highContrast: on }),
    dismissFirstOpen: () => set({ firstOpen: false }),
  };
}

function diagnosticsSlice(set: Set): DiagnosticsSlice {
  return {
    entropyEvery: null,
    knnRank: CORRECTED_KNN_RANK,
    entropyLog: false,
    chaos: null,
    sweep: null,
    sweepResult: null,
    setEntropyEvery: (k) => set({ entropyEvery: k === null ? null : Math.max(1, Math.round(k)) }),
    setKnnRank: (k) => set({ knnRank: Math.max(1, Math.min(MAX_KNN_RANK, Math.round(k))) }),
    setEntropyLog: (on) => set({ entropyLog: on }),
  };
}

/** Whether a query names no run at all (only the link version and view fields, or nothing). */
export function isBareQuery(query: string): boolean {
  const sp = new URLSearchParams(query.replace(/^[?#]/, ''));
  return [...sp.keys()].every((k) => k === 'v' || k === 'hc');
}

/**
 * A store opened on a share-link query (the page's `location.search`). A page opened without
 * parameters starts on FIRST_OPEN_PRESET (a run that visibly moves), with a hint to the presets.
 */
export function createAppStore(query: string): AppStore {
  const firstOpen = isBareQuery(query);
  const link = decodeLink(query);
  const initial: DecodedLink = firstOpen ? { ...decodeLink(presetById(FIRST_OPEN_PRESET)!.query), highContrast: link.highContrast, messages: link.messages } : link;
  return createStore<AppState>()((set, get) => ({
    ...paramsSlice(set, get, initial),
    ...runSlice(set, get),
    ...viewSlice(set, { highContrast: initial.highContrast, firstOpen }),
    ...diagnosticsSlice(set),
  }));
}

/** The share-link query of the current state (with hc=1 in projector mode). */
export function currentQuery(s: Pick<AppState, 'params' | 'compare'> & Partial<Pick<AppState, 'highContrast'>>): string {
  return encodeLink({ params: s.params, compare: s.compare, highContrast: s.highContrast ?? false });
}

/** React binding with a narrow selector. */
export function useApp<T>(store: AppStore, selector: (s: AppState) => T): T {
  return useStore(store, selector);
}
