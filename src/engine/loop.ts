/**
 * The frame loop of the app: owns the backend(s), the histogram pass and the views, and on each
 * animation frame steps the simulation, hands new data to the views and reads results back
 * asynchronously. It reads the store with `getState()`; it writes to the store only on events
 * (engine built, NaN, device lost) and a few times per second for the status line — never per
 * frame, and never with particle data (conventions.md).
 *
 * GPU pacing: at most one batch of steps is in flight (`onSubmittedWorkDone`), so the queue never
 * runs ahead of the display; readbacks (moments, histograms, particles) use staging buffers that
 * map later and never stall stepping.
 *
 * Engines: WebGPU when available (one device for the app, shared with three.js); otherwise the
 * float64 CPU reference with N ≤ CPU_MAX_N and R ≤ CPU_MAX_REPLICAS, stepped within a time
 * budget per frame.
 *
 * Diagnostics (issues 4, 6):
 * - ACCURATE entropy estimates (engine/diagnostics.ts: k-NN H(f), H(f|M), KDE I(f)) every K steps
 *   (the store's `entropyEvery`, default defaultEntropyEvery(N)), started at a step where the
 *   moments are read too, so they land on that row of the curves; at most one in flight, and the
 *   WebGPU estimate snapshots the particles, so stepping goes on meanwhile;
 * - CHEAP histogram estimates at every histogram refresh (histograms are requested at moments
 *   steps for the same reason);
 * - live chaos meters from the per-replica moments (R ≥ 3), and the marginal L1 to an exact
 *   reference from a particle readback about once a second;
 * - while an N-sweep runs (store `sweep.running`), the live run does not step.
 */
import { acquireGpu, describeAdapter, type GpuContext } from '../gpu/device';
import { HistogramPass, binParticles, type HistogramRange, type Histograms } from '../gpu/passes/histogram';
import { initialEnergy, initialTime, sampleInitial } from '../physics/init';
import { ensembleMoments, type EnsembleMoments, type ReplicaMoments } from '../physics/moments';
import type { Params } from '../physics/params';
import { meanVelocitySpread, pairCovariance } from '../physics/chaos';
import { isLambOseen } from '../physics/references/firstOrder';
import { cosineModeRate } from '../physics/references/torus';
import { bkwApplies, coulombApplies, meanSpreadLaw, virialLine } from '../physics/references/laws';
import { EntropyCharts } from '../view/entropyCharts';
import type { LiveChaos } from '../state/store';
import { estimateEntropies } from './diagnostics';
import { largeNMarginalL1, sweepReference } from './sweepExperiment';
import { marginalL1 } from './sweep';
import { livePairEntropy, cheapEntropy, defaultEntropyEvery, histogramRangeFor, histogramRangeOf, niceCeil } from './liveDiagnostics';

export { defaultEntropyEvery, histogramRangeOf, niceCeil };
import { CloudView } from '../view/cloudView';
import { MarginalCharts } from '../view/marginalCharts';
import { DensityHeatmap } from '../view/heatmap';
import { CurveCharts } from '../view/curveCharts';
import { TimeSeries } from '../view/timeSeries';
import type { AppStore, EngineInfo } from '../state/store';
import { currentQuery } from '../state/store';
import type { Backend } from './backend';
import { CpuBackend } from './cpuBackend';
import { createBackend } from './createBackend';
import { particlesNested } from './runner';
import { WebGpuBackend } from './webgpuBackend';

/** CPU reference engine limits (float64 on the main thread: N² work per step). */
export const CPU_MAX_N = 512;
export const CPU_MAX_REPLICAS = 4;
/** Main-thread time the CPU engine may use per frame (ms). */
const CPU_FRAME_BUDGET_MS = 24;
/** Minimum wall time between moments / histogram / chart refreshes (ms). */
const MOMENTS_EVERY_MS = 60;
const HISTOGRAM_EVERY_MS = 90;
const CHARTS_EVERY_MS = 150;
const STATS_EVERY_MS = 250;
/** Particle readbacks for the live marginal-L1 meter (ms). */
const MARGINAL_L1_EVERY_MS = 1000;

/** Renders of the cloud after a change (see `cloudFrames`). */
const CLOUD_SETTLE_FRAMES = 30;

export interface LoopContainers {
  cloud: HTMLElement;
  marginals: HTMLElement;
  heatmap: HTMLElement;
  curves: HTMLElement;
  entropy: HTMLElement;
}

// ---------------------------------------------------------------------------------------------
// The app's GPU device: acquired once per page (shared by every mount), re-acquired after loss.

interface AppGpu {
  ctx: GpuContext;
  lost: boolean;
}

let appGpu: Promise<AppGpu | { error: string }> | null = null;
/** Validation errors reported by the device (debug hook; tests fail on any). */
export const validationErrors: string[] = [];
/** GPU buffers created and not yet destroyed, by label (debug hook: leak test). */
export const liveBuffers = new Map<string, number>();

function liveBufferCount(): number {
  let n = 0;
  for (const k of liveBuffers.values()) n += k;
  return n;
}

/** Counts createBuffer/destroy on the device (ours and three.js's) for the leak test. */
function trackBuffers(device: GPUDevice): void {
  const create = device.createBuffer.bind(device);
  device.createBuffer = (desc: GPUBufferDescriptor): GPUBuffer => {
    const buffer = create(desc);
    const label = desc.label || '(three.js)';
    liveBuffers.set(label, (liveBuffers.get(label) ?? 0) + 1);
    const destroy = buffer.destroy.bind(buffer);
    let destroyed = false;
    buffer.destroy = () => {
      if (!destroyed) {
        destroyed = true;
        const k = (liveBuffers.get(label) ?? 1) - 1;
        if (k === 0) liveBuffers.delete(label);
        else liveBuffers.set(label, k);
      }
      destroy();
    };
    return buffer;
  };
}

function acquireAppGpu(): Promise<AppGpu | { error: string }> {
  appGpu ??= acquireGpu({
    onError: (m) => {
      validationErrors.push(m);
      console.error(`WebGPU error: ${m}`);
    },
  }).then((g) => {
    if ('error' in g) return g;
    trackBuffers(g.device);
    const app: AppGpu = { ctx: g, lost: false };
    void g.lost.then(() => {
      app.lost = true;
    });
    return app;
  });
  return appGpu;
}

// ---------------------------------------------------------------------------------------------

interface Run {
  params: Params;
  backend: Backend;
  companion: Backend | null;
  companionNoise: Params['noise'] | null;
  histogram: HistogramPass | null;
  range: HistogramRange & { colorMax: number };
  t0: number;
  series: TimeSeries;
  /** Per-step cost of the CPU engine (EMA, ms). */
  cpuStepMs: number;
  stepInFlight: boolean;
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
  /** (time ms, completed steps) samples for steps/s. */
  rate: [number, number][];
  completedSteps: number;
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
  /** The step at which the last histogram was requested: only at moments steps. */
}

export interface DebugSnapshot {
  t: number;
  step: number;
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
  /** Curve rows holding an accurate / a cheap entropy estimate. */
  accurateRows: number;
  cheapRows: number;
  /** Points drawn per entropy-chart series ('chart:kind'). */
  entropyDrawn: Record<string, number>;
  histogramCenter: number;
  chaos: LiveChaos | null;
}

export class SimulationLoop {
  private gpu: AppGpu | null = null;
  private cloud: CloudView | null = null;
  private cloudFailed: string | null = null;
  private readonly marginals: MarginalCharts;
  private readonly heatmap: DensityHeatmap;
  private readonly curves: CurveCharts;
  private readonly entropy: EntropyCharts;
  private run: Run | null = null;
  private rafId = 0;
  private disposed = false;
  private unsubscribe: (() => void) | null = null;
  private buildWanted = false;
  private building: Promise<void> | null = null;
  private buildCount = 0;
  private lastStatsAt = 0;
  private lastChartsAt = 0;
  /**
   * Frames the cloud still has to render. More than one after a change: three.js compiles new
   * pipelines asynchronously and skips what is not ready, so a single render can miss it.
   */
  private cloudFrames = CLOUD_SETTLE_FRAMES;
  private recovering = false;

  constructor(private readonly store: AppStore, private readonly el: LoopContainers) {
    this.marginals = new MarginalCharts(el.marginals);
    this.heatmap = new DensityHeatmap(el.heatmap);
    this.curves = new CurveCharts(el.curves);
    this.entropy = new EntropyCharts(el.entropy);
  }

  /** The app's GPU context (null on the CPU engine): the N-sweep runs its fresh backends on it. */
  get gpuContext(): GpuContext | null {
    return this.gpu && !this.gpu.lost ? this.gpu.ctx : null;
  }

  /** Acquires the engine, builds the first run and starts the frame loop. */
  async start(): Promise<void> {
    this.unsubscribe = this.store.subscribe((s, prev) => {
      if (s.params !== prev.params || s.compare !== prev.compare || s.resetCounter !== prev.resetCounter) this.requestBuild();
      if (s.highContrast !== prev.highContrast) this.applyTheme();
      if (s.pointSize !== prev.pointSize) {
        this.cloud?.setPointSize(s.pointSize);
        this.cloudFrames = CLOUD_SETTLE_FRAMES;
      }
      if (s.replica !== prev.replica) this.cloudFrames = CLOUD_SETTLE_FRAMES;
      if (s.entropyLog !== prev.entropyLog && this.run) this.configureEntropy(this.run);
    });
    await this.initEngine();
    if (this.disposed) return;
    this.requestBuild();
    this.rafId = requestAnimationFrame(this.frame);
  }

  private async initEngine(): Promise<void> {
    const g = await acquireAppGpu();
    if (this.disposed) return;
    if ('error' in g || g.lost) {
      if (!('error' in g)) {
        // Lost while no loop watched it (between mounts): acquire a new one.
        appGpu = null;
        return this.initEngine();
      }
      this.gpu = null;
      this.store.setState({ notice: `No WebGPU: ${g.error} Running the float64 CPU reference engine instead, with N ≤ ${CPU_MAX_N} and R ≤ ${CPU_MAX_REPLICAS}.` });
    } else {
      this.gpu = g;
      void g.ctx.lost.then((info) => this.onDeviceLost(g, info));
    }
    await this.createCloud();
  }

  private async createCloud(): Promise<void> {
    try {
      this.cloud = await CloudView.create(this.el.cloud, this.gpu?.ctx.device ?? null);
      if (this.disposed) {
        this.cloud.dispose();
        this.cloud = null;
        return;
      }
      const s = this.store.getState();
      this.cloud.setPointSize(s.pointSize);
      this.cloud.setHighContrast(s.highContrast);
      this.el.cloud.addEventListener('pointerdown', this.markCloudDirty);
      this.el.cloud.addEventListener('wheel', this.markCloudDirty, { passive: true });
      this.cloudFailed = null;
    } catch (e) {
      this.cloud = null;
      this.cloudFailed = `The 3D view could not start (${String(e)}); charts and curves still run.`;
    }
  }

  private readonly markCloudDirty = (): void => {
    this.cloudFrames = Math.max(this.cloudFrames, 2);
  };

  private applyTheme(): void {
    const hc = this.store.getState().highContrast;
    this.cloud?.setHighContrast(hc);
    this.heatmap.setHighContrast(hc);
    this.cloudFrames = CLOUD_SETTLE_FRAMES;
    if (this.run) this.configureViews(this.run);
  }

  private requestBuild(): void {
    this.buildWanted = true;
    this.building ??= (async () => {
      while (this.buildWanted && !this.disposed) {
        this.buildWanted = false;
        await this.build();
      }
      this.building = null;
    })();
  }

  private destroyRun(): void {
    const run = this.run;
    this.run = null;
    if (!run) return;
    run.backend.destroy();
    run.companion?.destroy();
    run.histogram?.destroy();
  }

  /** Effective parameters for the engine in use (the CPU engine caps N and R). */
  private effectiveParams(p: Params): { params: Params; capNote: string | null } {
    if (this.gpu) return { params: p, capNote: null };
    const n = Math.min(p.n, CPU_MAX_N);
    const replicas = Math.min(p.replicas, CPU_MAX_REPLICAS);
    const capNote = n !== p.n || replicas !== p.replicas
      ? `CPU engine: running N = ${n}${replicas !== p.replicas ? `, R = ${replicas}` : ''} (the link asks for N = ${p.n}${replicas !== p.replicas ? `, R = ${p.replicas}` : ''}; the CPU reference is capped at N ≤ ${CPU_MAX_N}, R ≤ ${CPU_MAX_REPLICAS})`
      : null;
    return { params: { ...p, n, replicas }, capNote };
  }

  private async build(): Promise<void> {
    this.destroyRun();
    const s = this.store.getState();
    const { params, capNote } = this.effectiveParams(s.params);
    // The companion run compares Landau noise systems only.
    const companionNoise = params.model === 'landau' && s.compare && s.compare !== params.noise ? s.compare : null;
    const gpu = this.gpu;
    let backend: Backend | null = null;
    let companion: Backend | null = null;
    let histogram: HistogramPass | null = null;
    try {
      const initial = sampleInitial(params);
      const count = params.n * params.replicas;
      // Velocities and R^d positions: from the data; the torus: its cell [0, 1)^d (centre ½).
      const range = histogramRangeFor(params, initial, count);
      if (gpu) {
        backend = await WebGpuBackend.create(gpu.ctx, params, initial);
        if (companionNoise) companion = await WebGpuBackend.create(gpu.ctx, { ...params, noise: companionNoise }, initial);
        histogram = await HistogramPass.create(gpu.ctx.device, count, params.d);
      } else {
        backend = new CpuBackend(params, initial);
        if (companionNoise) companion = new CpuBackend({ ...params, noise: companionNoise }, initial);
      }
      if (this.disposed || this.buildWanted || this.gpu !== gpu) throw new Error('superseded');
      const run: Run = {
        params, backend, companion, companionNoise, histogram, range,
        t0: initialTime(params),
        series: new TimeSeries(params.d, params.model === 'torus' ? 'uniform' : 'gaussian'),
        cpuStepMs: 1, stepInFlight: false, momentsPending: false, histogramPending: false, particlesPending: false,
        lastMomentsStep: -1, lastMomentsAt: 0, lastHistogramStep: -1, lastHistogramAt: 0, lastCloudStep: -1, lastCloudReplica: -1,
        latestMoments: null, latestHistogram: null, rate: [], completedSteps: 0,
        entropyPending: false, lastEntropyStep: -1, entropyEstimates: 0,
        entropyNote: params.model === 'torus'
          ? 'k-NN/KDE estimates need periodic distances and are not available on the torus: the histogram plug-in H(f|1) is shown.'
          : null,
        firstPerReplica: null, chaos: null, chaosPublished: null, marginalPending: false, lastMarginalAt: 0,
      };
      this.run = run;
      this.buildCount++;
      this.configureViews(run);
      const info: EngineInfo = {
        kind: backend.kind,
        adapter: gpu ? describeAdapter(gpu.ctx.adapter) : 'float64 CPU reference engine — CPU fallback (no WebGPU)',
        isFallback: gpu ? gpu.ctx.adapter.isFallback : true,
        cloudSource: this.cloud ? this.cloud.source : 'none',
        n: params.n, replicas: params.replicas, capNote,
      };
      const noticeKeep = this.recovering ? this.store.getState().notice : !gpu ? this.store.getState().notice : this.cloudFailed;
      this.recovering = false;
      this.store.setState({ engine: info, notice: noticeKeep, chaos: null, stats: { t: run.t0, step: 0, stepsPerSecond: 0, pairsPerSecond: 0, nonFinite: 0 } });
    } catch (e) {
      backend?.destroy();
      companion?.destroy();
      histogram?.destroy();
      if (String(e).includes('superseded')) return;
      console.error(e);
      this.store.setState({ notice: `Could not build the run: ${e instanceof Error ? e.message : String(e)}`, playing: false });
    }
  }

  private configureViews(run: Run): void {
    const s = this.store.getState();
    const p = run.params;
    // Landau moves velocities; the first-order systems and the torus move positions.
    const symbol = p.model === 'landau' ? 'v' : 'x';
    const vortices = p.model === 'first-order' && p.kernel === 'biot-savart';
    this.cloud?.configure(p.n, p.d, run.range.vMax, run.range.colorMax, symbol, { center: run.range.center ?? 0, colouring: vortices ? 'circulation' : 'speed' });
    this.heatmap.setSymbol(symbol);
    run.lastCloudStep = -1;
    this.cloudFrames = CLOUD_SETTLE_FRAMES;
    const lambOseen = isLambOseen(p) ? { width: p.width, sigma: p.sigma } : null;
    const torusCosine = p.model === 'torus' && p.init === 'cosine' ? { amp: p.amp, rate: cosineModeRate(p) } : null;
    this.marginals.configure({
      d: p.d, range: run.range, bkw: bkwApplies(p), maxwellian: p.model === 'landau', symbol, highContrast: s.highContrast,
      lambOseen, torus: p.model === 'torus' ? { cosine: torusCosine } : null,
    });
    // The spread band of the mean: the main run's law, or the companion's when the main run is kac.
    const spreadNoise = p.noise === 'kac' && run.companionNoise ? run.companionNoise : p.noise;
    const spread = p.normalize ? meanSpreadLaw({ ...p, noise: spreadNoise }) : null;
    this.curves.configure({
      d: p.d, n: p.n, replicas: p.replicas, noise: p.noise,
      maxwellianMolecules: p.model === 'landau' && p.gamma === 0, bkw: bkwApplies(p), coulomb: coulombApplies(p),
      companion: run.companionNoise, t0: run.t0, highContrast: s.highContrast, symbol, landau: p.model === 'landau',
      spread: spread && spread.law.startsWith('kac') ? null : spread,
      virial: (() => {
        const v = virialLine(p);
        // m₀ of the label: exact when the initial positions are rescaled to the law's E|X|².
        return v ? { ...v, m0: p.normalize ? initialEnergy(p) : null } : null;
      })(),
    });
    this.configureEntropy(run);
    this.heatmap.setHighContrast(s.highContrast);
    if (run.latestHistogram) this.showHistogram(run, run.latestHistogram);
    else this.heatmap.clear();
    this.curves.update(run.series);
  }

  private configureEntropy(run: Run): void {
    const s = this.store.getState();
    const p = run.params;
    this.entropy.configure({
      d: p.d, replicas: p.replicas, model: p.model,
      accurate: p.model !== 'torus',
      bkw: bkwApplies(p),
      lambOseen: isLambOseen(p) ? { width: p.width, sigma: p.sigma } : null,
      torusCosine: p.model === 'torus' && p.init === 'cosine' ? { amp: p.amp, rate: cosineModeRate(p) } : null,
      logRelative: s.entropyLog,
      highContrast: s.highContrast,
    });
    this.entropy.setNote(run.entropyNote);
    this.entropy.update(run.series);
  }

  private onDeviceLost(g: AppGpu, info: GPUDeviceLostInfo): void {
    g.lost = true;
    if (this.disposed || this.gpu !== g) return;
    if (appGpu) appGpu = null;
    const message = `The GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''}). Rebuilding the GPU state from the current parameters; the run restarts at step 0.`;
    this.store.setState({ notice: message, playing: false });
    this.recovering = true;
    void (async () => {
      this.destroyRun();
      this.el.cloud.removeEventListener('pointerdown', this.markCloudDirty);
      this.el.cloud.removeEventListener('wheel', this.markCloudDirty);
      this.cloud?.dispose();
      this.cloud = null;
      this.gpu = null;
      await this.initEngine();
      if (this.disposed) return;
      this.store.setState({ notice: `${message} Recovered: ${this.gpu ? 'new GPU device ready' : 'no GPU device could be acquired; using the CPU engine'}.` });
      this.recovering = true;
      this.requestBuild();
    })();
  }

  // -------------------------------------------------------------------------------------------
  // The frame.

  private readonly frame = (now: number): void => {
    if (this.disposed) return;
    this.rafId = requestAnimationFrame(this.frame);
    const run = this.run;
    if (!run) {
      if (this.cloudFrames > 0 && this.cloud) {
        this.cloudFrames--;
        this.cloud.render();
      }
      return;
    }
    try {
      // Read back first: the state at the current step is recorded before the next batch
      // (so every run's curves start at t0).
      this.readBack(run, now);
      this.stepRun(run, now);
      this.drawCloud(run);
      if (now - this.lastChartsAt > CHARTS_EVERY_MS) {
        this.lastChartsAt = now;
        this.curves.update(run.series);
        this.entropy.update(run.series);
        this.entropy.setNote(run.entropyNote);
      }
      if (now - this.lastStatsAt > STATS_EVERY_MS) {
        this.lastStatsAt = now;
        this.publishStats(run, now);
      }
    } catch (e) {
      console.error(e);
      this.store.setState({ playing: false, notice: `Simulation stopped: ${e instanceof Error ? e.message : String(e)}` });
    }
  };

  private stepRun(run: Run, now: number): void {
    const s = this.store.getState();
    if (s.error !== null || s.sweep?.running) return;
    const single = !s.playing && s.pendingSteps > 0;
    if (!s.playing && !single) return;
    const want = single ? 1 : s.stepsPerFrame;
    if (run.backend.kind === 'webgpu') {
      if (run.stepInFlight) return;
      run.backend.step(want);
      run.companion?.step(want);
      run.stepInFlight = true;
      if (single) this.store.setState({ pendingSteps: s.pendingSteps - 1 });
      void this.gpu!.ctx.device.queue.onSubmittedWorkDone().then(() => {
        run.stepInFlight = false;
        run.completedSteps += want;
        run.rate.push([performance.now(), run.completedSteps]);
      }, () => {
        run.stepInFlight = false;
      });
    } else {
      // CPU: as many steps as fit in the frame budget (at least one).
      const k = single ? 1 : Math.max(1, Math.min(want, Math.floor(CPU_FRAME_BUDGET_MS / Math.max(run.cpuStepMs, 1e-3))));
      const t0 = performance.now();
      run.backend.step(k);
      run.companion?.step(k);
      const elapsed = performance.now() - t0;
      run.cpuStepMs = 0.7 * run.cpuStepMs + 0.3 * (elapsed / k);
      run.completedSteps += k;
      run.rate.push([now, run.completedSteps]);
      if (single) this.store.setState({ pendingSteps: s.pendingSteps - 1 });
    }
    if (run.rate.length > 240) run.rate.splice(0, run.rate.length - 240);
  }

  private timeAt(run: Run, step: number): number {
    return run.t0 + step * run.params.dt;
  }

  private readBack(run: Run, now: number): void {
    const step = run.backend.stepCount;
    // Moments (main and companion together, so the curves share their time axis).
    if (!run.momentsPending && step !== run.lastMomentsStep && now - run.lastMomentsAt > MOMENTS_EVERY_MS) {
      run.momentsPending = true;
      run.lastMomentsAt = now;
      run.lastMomentsStep = step;
      const t = this.timeAt(run, step);
      Promise.all([run.backend.readMoments(), run.companion?.readMoments() ?? Promise.resolve(null)]).then(([per, perCompanion]) => {
        run.momentsPending = false;
        if (this.run !== run) return;
        const m = ensembleMoments(per);
        run.latestMoments = { step, t, m };
        run.series.append({ t, step, m });
        this.updateChaos(run, per, t);
        let nonFinite = m.nonFinite;
        if (perCompanion) {
          const mc = ensembleMoments(perCompanion);
          run.series.appendCompanion({ t, step, m: mc });
          nonFinite += mc.nonFinite;
        }
        if (nonFinite > 0 && this.store.getState().error === null) {
          this.store.setState({
            playing: false,
            error: `Non-finite state: ${nonFinite} NaN/Inf velocity components at step ${step} (t = ${t.toPrecision(4)}). The run is stopped; try a smaller dt${run.params.gamma < 0 ? ' or a larger ε' : ''}, then Reset.`,
          });
        }
      }, (e) => {
        run.momentsPending = false;
        if (this.run === run) console.warn('moments readback failed', e);
      });
    }
    // Histograms.
    // Accurate entropy estimates at steps whose moments are read (they land on that row), before
    // this frame's steps are submitted (the snapshot is taken in queue order).
    if (step === run.lastMomentsStep && this.entropyDue(run, step)) this.startEntropy(run, step);
    // Histograms at steps whose moments are read (the cheap entropy estimates land on that row).
    if (!run.histogramPending && step !== run.lastHistogramStep && step === run.lastMomentsStep && now - run.lastHistogramAt > HISTOGRAM_EVERY_MS) {
      if (run.histogram && run.backend instanceof WebGpuBackend) {
        const req = run.histogram.request(run.backend.currentBuffer, run.range, step);
        if (req) {
          run.histogramPending = true;
          run.lastHistogramAt = now;
          run.lastHistogramStep = step;
          req.then((h) => {
            run.histogramPending = false;
            if (this.run === run) this.showHistogram(run, h);
          }, () => {
            run.histogramPending = false;
          });
        }
      } else if (run.backend instanceof CpuBackend) {
        run.lastHistogramAt = now;
        run.lastHistogramStep = step;
        const p = run.params;
        this.showHistogram(run, binParticles(run.backend.state, p.n * p.replicas, p.d, run.range, step));
      }
    }
    // Live particle-based chaos meters (R ≥ 3), about once a second: the marginal L1 to the exact
    // reference, and the two-marginal relative entropy.
    if (run.params.replicas >= 3 && !run.marginalPending && now - run.lastMarginalAt > MARGINAL_L1_EVERY_MS && this.store.getState().error === null) {
      const p = run.params;
      const t = this.timeAt(run, step);
      const reference = sweepReference(p, t - run.t0);
      run.lastMarginalAt = now;
      run.marginalPending = true;
      run.backend.readParticles().then((v) => {
        run.marginalPending = false;
        if (this.run !== run || !run.chaos) return;
        // Without an exact reference, a large-N snapshot (largeNMarginalL1) stays until replaced.
        const l1 = reference ? { ...marginalL1(v, p.n * p.replicas, reference), reference: reference.name, t } : (run.chaos.l1?.snapshot ? run.chaos.l1 : null);
        run.chaos = {
          ...run.chaos,
          l1,
          l1Note: reference ? null : 'No exact reference for the one-marginal with these parameters: compare with a large-N run of the same parameters at the current time, or use the N-sweep below (quantity marginal-l1).',
          pairEntropy: livePairEntropy(v, p, t),
        };
      }, () => {
        run.marginalPending = false;
      });
    }
  }

  /**
   * Whether an accurate entropy estimate should start at this step: K steps after the last one,
   * and only while the run advances (playing or single-stepping), so that a page opened and left
   * paused does not compile the estimator's pipelines (the first estimate is of step 0, taken
   * just before the first step).
   */
  private entropyDue(run: Run, step: number): boolean {
    const p = run.params;
    const s = this.store.getState();
    if (p.model === 'torus' || run.entropyPending || s.error !== null || s.sweep?.running) return false;
    if (!s.playing && s.pendingSteps === 0) return false;
    const k = Math.min(s.knnRank, p.n - 1);
    if (k < 1) return false;
    const every = s.entropyEvery ?? defaultEntropyEvery(p.n);
    return run.lastEntropyStep < 0 || step - run.lastEntropyStep >= every;
  }

  private startEntropy(run: Run, step: number): void {
    const p = run.params;
    const k = Math.min(this.store.getState().knnRank, p.n - 1);
    run.entropyPending = true;
    run.lastEntropyStep = step;
    estimateEntropies(run.backend, { k }).then((e) => {
      run.entropyPending = false;
      if (this.run !== run) return;
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      run.series.setAccurateEntropy(step, {
        entropy: e.entropy,
        entropyStdErr: e.entropyStdErr ?? NaN,
        relativeEntropy: e.relativeEntropy,
        relativeEntropyStdErr: e.relativeEntropyStdErr ?? NaN,
        fisher: e.fisher,
        fisherStdErr: e.fisherStdErr ?? NaN,
        fisherBandwidth: mean(e.perReplica.map((r) => r.bandwidth)),
      });
      run.entropyEstimates++;
      const every = this.store.getState().entropyEvery ?? defaultEntropyEvery(p.n);
      run.entropyNote = `Accurate estimates: k-NN rank k = ${e.k}, KDE bandwidth h ≈ ${mean(e.perReplica.map((r) => r.bandwidth)).toPrecision(3)} (1.75× Silverman), every K = ${every} steps on the ${e.engine === 'webgpu' ? 'GPU' : 'CPU'}; ${run.entropyEstimates} so far.`;
    }, (err: unknown) => {
      run.entropyPending = false;
      if (this.run !== run) return;
      const msg = err instanceof Error ? err.message : String(err);
      // A backend destroyed under a pending estimate (rebuild) is not an error worth showing.
      if (!/destroy/i.test(msg)) run.entropyNote = `Accurate entropy estimate failed: ${msg}`;
    });
  }

  /** The live chaos meters from the per-replica moments (R ≥ 3). */
  private updateChaos(run: Run, per: ReplicaMoments[], t: number): void {
    run.firstPerReplica ??= per;
    const p = run.params;
    if (p.replicas < 3 || per.some((m) => m.nonFinite > 0)) return;
    const elapsed = t - run.t0;
    const law = run.params.model === 'torus' ? null : meanSpreadLaw(p);
    const energy0 = run.firstPerReplica.reduce((s, m) => s + m.energy, 0) / run.firstPerReplica.length;
    const exactApplies = law && (p.model !== 'landau' || p.normalize || p.noise === 'kac');
    run.chaos = {
      t,
      replicas: p.replicas,
      pairEnergy: pairCovariance(per.map((m) => ({ mean: m.energy, meanSquare: m.m4 })), p.n),
      pairVx: pairCovariance(per.map((m) => ({ mean: m.momentum[0], meanSquare: m.secondMoment[0][0] })), p.n),
      spread: p.model === 'torus' ? null : meanVelocitySpread(run.firstPerReplica.map((m) => m.momentum), per.map((m) => m.momentum)),
      spreadExact: exactApplies ? { value: law.at(p.n, elapsed, energy0), law: law.law } : null,
      l1: run.chaos?.l1 ?? null,
      l1Note: run.chaos?.l1Note ?? null,
      pairEntropy: run.chaos?.pairEntropy ?? null,
    };
  }

  private showHistogram(run: Run, h: Histograms): void {
    if (run.latestHistogram?.step !== h.step) run.series.setCheapEntropy(h.step, cheapEntropy(run.params, h));
    run.latestHistogram = h;
    const m = run.latestMoments;
    const t = this.timeAt(run, h.step);
    this.marginals.update(h, { momentum: m?.m.momentum ?? Array(run.params.d).fill(0), energy: m?.m.energy ?? 0, t });
    this.heatmap.update(h);
  }

  private drawCloud(run: Run): void {
    const cloud = this.cloud;
    if (!cloud) return;
    const p = run.params;
    const replica = Math.min(this.store.getState().replica, p.replicas - 1);
    const step = run.backend.stepCount;
    const fresh = step !== run.lastCloudStep || replica !== run.lastCloudReplica;
    if (fresh) {
      if (cloud.source === 'shared-device' && run.backend instanceof WebGpuBackend) {
        const encoder = this.gpu!.ctx.device.createCommandEncoder({ label: 'SimulationLoop.cloudCopy' });
        if (cloud.copyFromGpu(encoder, run.backend.currentBuffer, replica * p.n)) {
          this.gpu!.ctx.device.queue.submit([encoder.finish()]);
          run.lastCloudStep = step;
          run.lastCloudReplica = replica;
        }
        // Before the first render the points have no GPU buffer yet: render once, copy next frame.
        this.cloudFrames = Math.max(this.cloudFrames, 2);
      } else if (run.backend instanceof CpuBackend) {
        cloud.setParticles(run.backend.state, replica * p.n);
        run.lastCloudStep = step;
        run.lastCloudReplica = replica;
        this.cloudFrames = Math.max(this.cloudFrames, 2);
      } else if (!run.particlesPending) {
        // WebGPU engine drawn by a WebGL renderer: asynchronous readbacks, one in flight.
        run.particlesPending = true;
        run.backend.readParticles().then((v) => {
          run.particlesPending = false;
          if (this.run !== run) return;
          cloud.setParticles(v, replica * p.n);
          run.lastCloudStep = step;
          run.lastCloudReplica = replica;
          this.cloudFrames = Math.max(this.cloudFrames, 2);
        }, () => {
          run.particlesPending = false;
        });
      }
    }
    if (this.cloudFrames > 0) {
      this.cloudFrames--;
      cloud.render();
    }
  }

  private publishStats(run: Run, now: number): void {
    const p = run.params;
    // Steps per second over the last ~2 s of completed batches.
    const recent = run.rate.filter(([t]) => now - t < 2000);
    let sps = 0;
    if (recent.length >= 2) {
      const [ta, sa] = recent[0];
      const [tb, sb] = recent[recent.length - 1];
      sps = tb > ta ? ((sb - sa) * 1000) / (tb - ta) : 0;
    }
    const runs = run.companion ? 2 : 1;
    const step = run.backend.stepCount;
    const chaosChanged = run.chaos !== run.chaosPublished;
    run.chaosPublished = run.chaos;
    this.store.setState({
      stats: {
        t: this.timeAt(run, step),
        step,
        stepsPerSecond: sps,
        pairsPerSecond: sps * p.n * p.n * p.replicas * runs,
        nonFinite: run.latestMoments?.m.nonFinite ?? 0,
      },
      ...(chaosChanged ? { chaos: run.chaos } : {}),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Exports and debug hooks.

  /** Header lines for exported files: the share link and the engine. */
  private exportHeader(): string[] {
    const s = this.store.getState();
    return [
      `Mean-Field Lab export, ${new Date().toISOString()}`,
      `link: ?${currentQuery(s)}`,
      `engine: ${s.engine?.kind ?? '?'} — ${s.engine?.adapter ?? ''}`,
      'units: time t in collision units (C = 1); velocities v; energy = (1/N)Σ|v|²; M_ii = (1/N)Σ v_i²; m4 = (1/N)Σ|v|⁴; averages over replicas',
      `entropy (nats, H = ∫ f log f): entropy, relativeEntropy = H(f|M), fisher = I(f) and their …StdErr across replicas are the ACCURATE estimates (k-NN rank k = ${s.knnRank}, KDE score matching with bandwidth fisherBandwidth), every K = ${s.entropyEvery ?? defaultEntropyEvery(s.params.n)} steps, empty elsewhere; entropyCheap, relativeEntropyCheap are the CHEAP histogram plug-in estimates (max of Σ_c H(f_c) and H(f_iso), Miller–Madow; torus: Σ_c H(f_c|1))`,
    ];
  }

  curvesCsv(): string | null {
    const run = this.run;
    if (!run) return null;
    return run.series.toCsv(this.exportHeader(), run.companionNoise);
  }

  curvesJson(): string | null {
    const run = this.run;
    if (!run) return null;
    const s = this.store.getState();
    return JSON.stringify({
      header: this.exportHeader(),
      query: currentQuery(s),
      params: run.params,
      companion: run.companionNoise,
      engine: s.engine,
      entropy: {
        accurate: { estimator: 'Kozachenko–Leonenko k-NN H(f); H(f|M) = H(f) − H(M); KDE score-matching I(f)', k: s.knnRank, everySteps: s.entropyEvery ?? defaultEntropyEvery(run.params.n), estimates: run.entropyEstimates },
        cheap: { estimator: run.params.model === 'torus' ? 'Σ_c H(f_c|1), 1D histogram plug-in with Miller–Madow' : 'max(Σ_c H(f_c), H(f_iso)), histogram plug-in with Miller–Madow: a lower bound of H(f)' },
      },
      columns: run.series.columns(run.companionNoise),
    }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
  }

  /** Particles of every replica at the current step. */
  async particles(format: 'json' | 'csv'): Promise<string | null> {
    const run = this.run;
    if (!run) return null;
    const p = run.params;
    const step = run.backend.stepCount;
    const v = await run.backend.readParticles();
    if (this.run !== run) return null;
    const t = this.timeAt(run, step);
    if (format === 'json') {
      return JSON.stringify({ header: this.exportHeader(), query: currentQuery(this.store.getState()), step, t, d: p.d, n: p.n, replicas: p.replicas, particles: particlesNested(v, p) });
    }
    const axes = ['vx', 'vy', 'vz'].slice(0, p.d);
    const lines = this.exportHeader().map((h) => `# ${h}`);
    lines.push(`# step ${step}, t = ${t}`);
    lines.push(['replica', 'particle', ...axes].join(','));
    for (let r = 0; r < p.replicas; r++) {
      for (let i = 0; i < p.n; i++) {
        const o = (r * p.n + i) * 4;
        lines.push([r, i, ...axes.map((_, c) => v[o + c])].join(','));
      }
    }
    return `${lines.join('\n')}\n`;
  }

  /**
   * The live marginal L1 against a large-N run (issue 6; engine/sweepExperiment.ts
   * largeNMarginalL1), for parameters with no exact reference: the live run's particles at its
   * current step against a fresh run of the same parameters, 4N particles, an independent seed,
   * stepped as far. Shown as a snapshot at that time. The caller pauses the live run (store
   * `sweep.running`) and may cancel through `signal`.
   */
  async largeNMarginalL1(report: (fraction: number, label: string) => void, signal?: AbortSignal): Promise<boolean> {
    const run = this.run;
    if (!run) return false;
    const p = run.params;
    const step = run.backend.stepCount;
    const v = await run.backend.readParticles();
    const gpu = this.gpuContext;
    const l1 = await largeNMarginalL1({ kind: gpu ? 'webgpu' : 'cpu', create: (q) => createBackend(gpu, q) }, p, step, v, p.n * p.replicas, report, signal);
    if (this.run !== run || !run.chaos) return false;
    run.chaos = { ...run.chaos, l1: { ...l1, t: this.timeAt(run, step), snapshot: true }, l1Note: null };
    return true;
  }

  /** One PNG-ready canvas with the cloud, the marginals, the heat map and the curves. */
  composeViews(): HTMLCanvasElement {
    const hc = this.store.getState().highContrast;
    const cloud = this.cloud?.capture() ?? null;
    const W = 1600;
    const cloudH = cloud ? Math.round((cloud.height / cloud.width) * 800) : 0;
    const out = document.createElement('canvas');
    out.width = W;
    out.height = 3200;
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = hc ? '#ffffff' : '#10131a';
    ctx.fillRect(0, 0, W, out.height);
    ctx.fillStyle = hc ? '#000' : '#e8ecf4';
    ctx.font = 'bold 18px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    const s = this.store.getState();
    ctx.fillText(`Mean-Field Lab — t = ${s.stats.t.toPrecision(4)}, step ${s.stats.step}, N = ${s.engine?.n ?? s.params.n}, R = ${s.engine?.replicas ?? s.params.replicas}`, 12, 8);
    ctx.font = '12px ui-monospace, monospace';
    ctx.fillText(`?${currentQuery(s)}`, 12, 32);
    let y = 52;
    if (cloud) ctx.drawImage(cloud, 0, y, 800, cloudH);
    const heatH = Math.min(cloudH || 600, 560);
    ctx.save();
    ctx.translate(810, y);
    this.heatmap.paint(ctx, 780, heatH);
    ctx.restore();
    y += Math.max(cloudH, heatH) + 12;
    y += this.marginals.drawInto(ctx, 8, y, W - 16) + 12;
    y += this.curves.drawInto(ctx, 8, y, W - 16) + 12;
    y += this.entropy.drawInto(ctx, 8, y, W - 16) + 12;
    const final = document.createElement('canvas');
    final.width = W;
    final.height = Math.min(out.height, y);
    final.getContext('2d')!.drawImage(out, 0, 0);
    return final;
  }

  /** The GPU histogram and the CPU binning of the same particles (e2e check of the pass). */
  async histogramCheck(): Promise<{ gpu: number[]; cpu: number[]; total: number; maxAbsDiff: number; sumDiff: number } | null> {
    const run = this.run;
    if (!run || !run.histogram || !(run.backend instanceof WebGpuBackend)) return null;
    await run.backend.finish();
    while (!run.histogram.ready) await new Promise((r) => setTimeout(r, 10));
    const step = run.backend.stepCount;
    const [h, v] = await Promise.all([run.histogram.request(run.backend.currentBuffer, run.range, step)!, run.backend.readParticles()]);
    const p = run.params;
    const ref = binParticles(v, p.n * p.replicas, p.d, run.range, step);
    const flat = (x: Histograms) => [...x.components.flatMap((a) => [...a]), ...x.speed, ...x.density2d, ...x.overflow];
    const a = flat(h), b = flat(ref);
    let maxAbsDiff = 0, sumDiff = 0;
    a.forEach((x, i) => {
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(x - b[i]));
      sumDiff += Math.abs(x - b[i]);
    });
    return { gpu: a, cpu: b, total: p.n * p.replicas, maxAbsDiff, sumDiff };
  }

  /** First particles of the current state (tests: same link, same particles). */
  async particlesHead(count: number): Promise<number[]> {
    const run = this.run;
    if (!run) return [];
    const v = await run.backend.readParticles();
    return Array.from(v.slice(0, count * 4));
  }

  /** Test hook: destroys the device as a loss would (the app must recover). */
  loseDevice(): boolean {
    if (!this.gpu) return false;
    this.gpu.ctx.device.destroy();
    return true;
  }

  debug(): DebugSnapshot {
    const run = this.run;
    const h = run?.latestHistogram;
    return {
      t: run ? this.timeAt(run, run.backend.stepCount) : 0,
      step: run?.backend.stepCount ?? 0,
      buildCount: this.buildCount,
      histogramVersion: this.marginals.version,
      lastHistogramStep: h?.step ?? -1,
      curvePoints: run?.series.length ?? 0,
      cloudFrames: this.cloud?.frames ?? 0,
      cloudSource: this.cloud?.source ?? 'none',
      engineKind: run?.backend.kind ?? 'none',
      adapter: run?.backend.adapter ?? '',
      liveBuffers: liveBufferCount(),
      liveBufferLabels: Object.fromEntries(liveBuffers),
      validationErrors: [...validationErrors],
      ready: run !== null && !this.building,
      n: run?.params.n ?? 0,
      replicas: run?.params.replicas ?? 0,
      d: run?.params.d ?? 0,
      histogramTotal: h?.total ?? 0,
      histogramOverflow: h ? [...h.overflow] : [],
      lastEnergy: run?.latestMoments?.m.energy ?? NaN,
      lastMomentum: run?.latestMoments?.m.momentum ?? [],
      entropyEstimates: run?.entropyEstimates ?? 0,
      entropyPending: run?.entropyPending ?? false,
      accurateRows: run?.series.accurateCount ?? 0,
      cheapRows: run?.series.cheapCount ?? 0,
      entropyDrawn: { ...this.entropy.lastCounts },
      histogramCenter: run?.range.center ?? 0,
      chaos: run?.chaos ?? null,
    };
  }

  /** Stops the loop and frees everything it created (the device stays: it is the app's). */
  async dispose(): Promise<void> {
    this.disposed = true;
    cancelAnimationFrame(this.rafId);
    this.unsubscribe?.();
    this.unsubscribe = null;
    // A build in progress notices `disposed` and destroys what it made.
    await this.building;
    this.destroyRun();
    this.el.cloud.removeEventListener('pointerdown', this.markCloudDirty);
    this.el.cloud.removeEventListener('wheel', this.markCloudDirty);
    this.cloud?.dispose();
    this.cloud = null;
    this.marginals.dispose();
    this.heatmap.dispose();
    this.curves.dispose();
    this.entropy.dispose();
  }
}
