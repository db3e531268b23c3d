/**
 * The app's controller (issue 10's app layer, above engine and view): owns the run — the
 * backend(s), the histogram pass — and the views, and on each animation frame reads back
 * results (readbacks.ts), advances the simulation by one paced submission (stepping.ts,
 * pacing.ts), draws the cloud and refreshes the charts. It reads the store with `getState()` and
 * writes to it only on events (run built, NaN, device lost) and a few times per second for the
 * status line — never per frame, and never with particle data (conventions.md).
 *
 * Concerns, one module each: GPU acquisition and loss (gpuSession.ts), pacing and stepping
 * (pacing.ts, stepping.ts), readbacks and the scheduling of diagnostics (readbacks.ts), exports
 * (exports.ts), debug hooks (debugHooks.ts). Engines: WebGPU when available (one device for the
 * app, shared with three.js); otherwise the float64 CPU reference with N ≤ CPU_MAX_N and
 * R ≤ CPU_MAX_REPLICAS. While an N-sweep runs (store `sweep.running`) the live run does not step.
 */
import type { Backend } from '../engine/backend';
import { CpuBackend } from '../engine/cpuBackend';
import { createBackend } from '../engine/createBackend';
import { histogramRangeFor } from '../engine/liveDiagnostics';
import { largeNMarginalL1 } from '../engine/sweepExperiment';
import { WebGpuBackend } from '../engine/webgpuBackend';
import { describeAdapter, type GpuContext } from '../gpu/device';
import { HistogramPass, binParticles, type Histograms } from '../gpu/passes/histogram';
import { initialEnergy, initialTime, sampleInitial } from '../physics/init';
import { ensembleMoments, replicaMoments } from '../physics/moments';
import type { Params } from '../physics/params';
import { isLambOseen } from '../physics/references/firstOrder';
import { bkwApplies, coulombApplies, meanSpreadLaw, virialLine } from '../physics/references/laws';
import { cosineModeRate } from '../physics/references/torus';
import type { AppStore, EngineInfo } from '../state/store';
import { CLOUD_MAX_POINTS_CPU, CloudView } from '../view/cloudView';
import { CurveCharts } from '../view/curveCharts';
import { EntropyCharts } from '../view/entropyCharts';
import { DensityHeatmap } from '../view/heatmap';
import { MarginalCharts } from '../view/marginalCharts';
import { TimeSeries } from '../view/timeSeries';
import type { DebugSnapshot } from './debugHooks';
import { composeViews, curvesCsv, curvesJson, particlesExport } from './exports';
import { acquireAppGpu, forgetAppGpu, liveBufferCount, liveBuffers, validationErrors, type AppGpu } from './gpuSession';
import { Pacer, slowStepNote } from '../engine/pacing';
import { Readbacks } from './readbacks';
import { LimitSolve } from './limitSolve';
import { timeAt, type Run } from './run';
import { stepRun, stepsPerSecond } from './stepping';

/** CPU reference engine limits (float64 on the main thread: N² work per step). */
export const CPU_MAX_N = 512;
export const CPU_MAX_REPLICAS = 4;
/** Minimum wall time between chart refreshes and status-line updates (ms). */
const CHARTS_EVERY_MS = 150;
const STATS_EVERY_MS = 250;
/** Renders of the cloud after a change (see `settleCloud`). */
const CLOUD_SETTLE_FRAMES = 12;
/** Renders after a new replica is chosen: one to draw the copy, and a spare. */
const CLOUD_READY_FRAMES = 3;

export interface LoopContainers {
  cloud: HTMLElement;
  marginals: HTMLElement;
  heatmap: HTMLElement;
  curves: HTMLElement;
  entropy: HTMLElement;
}

/** Thrown inside `build` when a newer build, a disposal or a device loss made it moot. */
class Superseded extends Error {
  constructor() {
    super('superseded');
  }
}

export class SimulationLoop {
  private gpu: AppGpu | null = null;
  private cloud: CloudView | null = null;
  private cloudFailed: string | null = null;
  readonly marginals: MarginalCharts;
  readonly heatmap: DensityHeatmap;
  private readonly curves: CurveCharts;
  private readonly entropy: EntropyCharts;
  private readonly readbacks: Readbacks;
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
  private cloudFrames = 0;
  private recovering = false;
  /**
   * Cloud render pacing: where a render is slow (SwiftShader composites a WebGPU canvas in
   * software: ~0.3 s at N = 4096, ~1 s at 65536 here), the cloud renders at most a third of the
   * time, so that the page and the step submissions keep the rest. The cost is estimated by
   * the average frame interval: slow frames space the renders out until frames are fast again.
   */
  private cloudCostMs = 0;
  private lastCloudRenderAt = -Infinity;
  private prevFrameAt = 0;

  constructor(readonly store: AppStore, private readonly el: LoopContainers) {
    this.marginals = new MarginalCharts(el.marginals);
    this.heatmap = new DensityHeatmap(el.heatmap);
    this.curves = new CurveCharts(el.curves);
    this.entropy = new EntropyCharts(el.entropy);
    this.readbacks = new Readbacks(this);
  }

  /** The current run (readbacks drop results of a replaced one). */
  current(): Run | null {
    return this.run;
  }

  /** The app's GPU context (null on the CPU engine): the N-sweep runs its fresh backends on it. */
  get gpuContext(): GpuContext | null {
    return this.gpu && !this.gpu.lost ? this.gpu.ctx : null;
  }

  /** Acquires the engine, builds the first run and starts the frame loop. Never rejects. */
  async start(): Promise<void> {
    this.unsubscribe = this.store.subscribe((s, prev) => {
      if (s.params !== prev.params || s.compare !== prev.compare || s.resetCounter !== prev.resetCounter) this.requestBuild();
      if (s.highContrast !== prev.highContrast) this.applyTheme();
      if (s.pointSize !== prev.pointSize) {
        this.cloud?.setPointSize(s.pointSize);
        this.settleCloud();
      }
      if (s.replica !== prev.replica) this.cloudFrames = Math.max(this.cloudFrames, CLOUD_READY_FRAMES);
      if (s.entropyLog !== prev.entropyLog && this.run) this.configureEntropy(this.run);
    });
    try {
      await this.initEngine();
    } catch (e) {
      this.fail('The engine could not start', e);
      return;
    }
    if (this.disposed) return;
    this.requestBuild();
    this.rafId = requestAnimationFrame(this.frame);
  }

  /** Reports an error that stops the run, in the store (shown in the banner) and the console. */
  private fail(what: string, e: unknown): void {
    console.error(e);
    this.store.setState({ notice: `${what}: ${e instanceof Error ? e.message : String(e)}`, playing: false });
  }

  private async initEngine(): Promise<void> {
    const g = await acquireAppGpu();
    if (this.disposed) return;
    if ('error' in g) {
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
      const cloud = await CloudView.create(this.el.cloud, this.gpu?.ctx.device ?? null);
      if (this.disposed) {
        cloud.dispose();
        return;
      }
      this.cloud = cloud;
      const s = this.store.getState();
      cloud.setPointSize(s.pointSize);
      cloud.setHighContrast(s.highContrast);
      this.el.cloud.addEventListener('pointerdown', this.markCloudDirty);
      this.el.cloud.addEventListener('wheel', this.markCloudDirty, { passive: true });
      this.cloudFailed = null;
      this.settleCloud();
    } catch (e) {
      this.cloud = null;
      this.cloudFailed = `The 3D view could not start (${String(e)}); charts and curves still run.`;
    }
  }

  /**
   * After a change of the scene: three.js compiles the new pipelines asynchronously and skips
   * what is not ready, so the cloud renders CLOUD_SETTLE_FRAMES frames (spaced out where renders
   * are slow: renderCloud). Compiling ahead with three's compileAsync logged pipeline errors and
   * leaked buffers when the view was disposed meanwhile, so it is not used.
   */
  private settleCloud(): void {
    this.cloudFrames = Math.max(this.cloudFrames, CLOUD_SETTLE_FRAMES);
  }

  /** Chart refreshes so far (debug hook: tests wait for the next one instead of sleeping). */
  private chartRefreshes = 0;

  private readonly markCloudDirty = (): void => {
    this.cloudFrames = Math.max(this.cloudFrames, 2);
  };

  /** The theme the views were last configured with (tests wait on it). */
  private themeApplied = false;

  private applyTheme(): void {
    const hc = this.store.getState().highContrast;
    this.themeApplied = hc;
    this.cloud?.setHighContrast(hc);
    this.heatmap.setHighContrast(hc);
    this.settleCloud();
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
    run.limit.stop();
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

  /** Builds a run from the current parameters. Never rejects: failures go to the banner. */
  private async build(): Promise<void> {
    this.destroyRun();
    const s = this.store.getState();
    const { params, capNote } = this.effectiveParams(s.params);
    // The companion run compares Landau noise systems only.
    const companionNoise = params.model === 'landau' && s.compare && s.compare !== params.noise ? s.compare : null;
    // Another noise system, or (compare=all-pairs) the same system with every pair interacting
    // beside random batches (models.md §1.5), from the same initial particles.
    const companionParams: Params | null = companionNoise === null ? null
      : companionNoise === 'all-pairs' ? { ...params, interactions: 'all' } : { ...params, noise: companionNoise };
    const gpu = this.gpu;
    let backend: Backend | null = null;
    let companion: Backend | null = null;
    let histogram: HistogramPass | null = null;
    try {
      const initial = sampleInitial(params);
      const count = params.n * params.replicas;
      // Velocities and R^d positions: from the data; the torus: its cell [0, 1)^d (centre ½).
      const range = histogramRangeFor(params, initial, count);
      const superseded = () => this.disposed || this.buildWanted || this.gpu !== gpu || (gpu !== null && gpu.lost);
      if (gpu) {
        backend = await WebGpuBackend.create(gpu.ctx, params, initial);
        if (superseded()) throw new Superseded();
        if (companionParams) companion = await WebGpuBackend.create(gpu.ctx, companionParams, initial);
        if (superseded()) throw new Superseded();
        histogram = await HistogramPass.create(gpu.ctx.device, count, params.d);
        if (superseded()) throw new Superseded();
        // Pipelines compiled at their first dispatch are compiled now, not in the first paced
        // submission (app/pacing.ts), which would then outlast the budget.
        await Promise.all([(backend as WebGpuBackend).warmUp(), (companion as WebGpuBackend | null)?.warmUp()]);
      } else {
        backend = new CpuBackend(params, initial);
        if (companionParams) companion = new CpuBackend(companionParams, initial);
      }
      if (superseded()) throw new Superseded();
      const t0 = initialTime(params);
      // The deterministic limit (issue 12), solved in a worker; the views redraw as it arrives.
      let built: Run | null = null;
      const limit = new LimitSolve(params, t0, (ref) => {
        if (!built || this.run !== built) return;
        this.marginals.setLimitReference(ref);
        this.curves.setLimitReference(ref);
        this.entropy.setLimitReference(ref);
      });
      const pacerOf = (b: Backend | null) => (b instanceof WebGpuBackend ? new Pacer({ groupsPerStep: b.groupsPerStep, pairsPerGroup: b.pairsPerGroup }) : null);
      const run: Run = {
        params, backend, companion, companionNoise, histogram, range, t0,
        series: new TimeSeries(params.d, params.model === 'torus' ? 'uniform' : 'gaussian'),
        pacer: pacerOf(backend), companionPacer: pacerOf(companion),
        cpuStepMs: 1, stepInFlight: false, companionInFlight: false, completedSteps: 0, submitted: 0, largestSubmission: 0, rate: [],
        momentsPending: false, histogramPending: false, particlesPending: false,
        lastMomentsStep: -1, lastMomentsAt: 0, lastHistogramStep: -1, lastHistogramAt: 0, lastCloudStep: -1, lastCloudReplica: -1,
        // The initial data's moments, so that the first histogram's overlays (Maxwellian at the
        // data's energy) are right before any readback (issue 14).
        latestMoments: { step: 0, t: t0, m: ensembleMoments(replicaMoments(initial, params.n, params.replicas, params.d)) },
        latestHistogram: null,
        entropyPending: false, lastEntropyStep: -1, entropyEstimates: 0,
        entropyNote: params.model === 'torus'
          ? 'k-NN/KDE estimates need periodic distances and are not available on the torus: the histogram plug-in H(f|1) is shown.'
          : null,
        firstPerReplica: null, chaos: null, chaosPublished: null, marginalPending: false, lastMarginalAt: 0, marginalReadbacks: 0,
        limit,
      };
      built = run;
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
      const noticeKeep = this.recovering || !gpu ? this.store.getState().notice : this.cloudFailed;
      this.recovering = false;
      this.store.setState({ engine: info, notice: noticeKeep, chaos: null, stats: { t: t0, step: 0, stepsPerSecond: 0, pairsPerSecond: 0, nonFinite: 0, slowStep: null } });
    } catch (e) {
      backend?.destroy();
      companion?.destroy();
      histogram?.destroy();
      // A newer build, a disposal or a lost device (whose recovery rebuilds) make this one moot.
      if (e instanceof Superseded || this.disposed || (gpu !== null && gpu.lost)) return;
      this.fail('Could not build the run', e);
    }
  }

  private configureViews(run: Run): void {
    const s = this.store.getState();
    this.themeApplied = s.highContrast;
    const p = run.params;
    // Landau moves velocities; the first-order systems and the torus move positions.
    const symbol = p.model === 'landau' ? 'v' : 'x';
    const vortices = p.model === 'first-order' && p.kernel === 'biot-savart';
    const cpuAdapter = this.gpu ? this.gpu.ctx.adapter.isFallback : true;
    this.cloud?.configure(p.n, p.d, run.range.vMax, run.range.colorMax, symbol, {
      center: run.range.center ?? 0, colouring: vortices ? 'circulation' : 'speed',
      ...(cpuAdapter ? { maxPoints: CLOUD_MAX_POINTS_CPU, maxPointsReason: 'the adapter is a CPU fallback, which rasterises every point in software' } : {}),
    });
    this.heatmap.setSymbol(symbol);
    run.lastCloudStep = -1;
    this.settleCloud();
    const lambOseen = isLambOseen(p) ? { width: p.width, sigma: p.sigma } : null;
    const torusCosine = p.model === 'torus' && p.init === 'cosine' ? { amp: p.amp, rate: cosineModeRate(p) } : null;
    this.marginals.configure({
      d: p.d, range: run.range, bkw: bkwApplies(p), maxwellian: p.model === 'landau', symbol, highContrast: s.highContrast,
      lambOseen, torus: p.model === 'torus' ? { cosine: torusCosine } : null, limit: run.limit.name,
    });
    this.marginals.setLimitReference(run.limit.ref);
    // The spread band of the mean: the main run's law, or the companion's when the main run is kac.
    const spreadNoise = p.noise === 'kac' && run.companionNoise && run.companionNoise !== 'all-pairs' ? run.companionNoise : p.noise;
    const spread = p.normalize ? meanSpreadLaw({ ...p, noise: spreadNoise }) : null;
    this.curves.configure({
      d: p.d, n: p.n, replicas: p.replicas, noise: p.noise,
      maxwellianMolecules: p.model === 'landau' && p.gamma === 0, bkw: bkwApplies(p), coulomb: coulombApplies(p),
      companion: run.companionNoise, t0: run.t0, highContrast: s.highContrast, symbol, landau: p.model === 'landau',
      dt: p.dt, model: p.model, torusCosine, limit: run.limit.name,
      ...(p.interactions === 'batch' ? { batches: p.noise === 'kac' && p.batch === 2 ? 'exact-pairs' as const : 'batches' as const } : {}),
      spread: spread && spread.law.startsWith('kac') ? null : spread,
      virial: (() => {
        const v = virialLine(p);
        // m₀ of the label: exact when the initial positions are rescaled to the law's E|X|².
        return v ? { ...v, m0: p.normalize ? initialEnergy(p) : null } : null;
      })(),
    });
    this.curves.setLimitReference(run.limit.ref);
    this.configureEntropy(run);
    this.heatmap.setHighContrast(s.highContrast);
    if (run.latestHistogram) this.readbacks.showHistogram(run, run.latestHistogram);
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
      noise: p.noise,
      limit: run.limit.name,
    });
    this.entropy.setLimitReference(run.limit.ref);
    this.entropy.setNote(run.entropyNote);
    this.entropy.update(run.series);
  }

  private onDeviceLost(g: AppGpu, info: GPUDeviceLostInfo): void {
    forgetAppGpu(g);
    if (this.disposed || this.gpu !== g) return;
    const message = `The GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''}). Rebuilding the GPU state from the current parameters; the run restarts at step 0.`;
    this.store.setState({ notice: message, playing: false });
    this.recovering = true;
    void (async () => {
      // A build in progress on the lost device stops at its next check (gpu.lost).
      await this.teardownRunAndCloud();
      this.gpu = null;
      await this.initEngine();
      if (this.disposed) return;
      this.store.setState({ notice: `${message} Recovered: ${this.gpu ? 'new GPU device ready' : 'no GPU device could be acquired; using the CPU engine'}.` });
      this.recovering = true;
      this.requestBuild();
    })().catch((e: unknown) => this.fail('Could not recover from the lost device', e));
  }

  // -------------------------------------------------------------------------------------------
  // The frame.

  private readonly frame = (now: number): void => {
    if (this.disposed) return;
    this.rafId = requestAnimationFrame(this.frame);
    // The frame interval (exponential average): where cloud renders make frames slow, they are
    // spaced out (renderCloud), and the frames speed up again.
    if (this.prevFrameAt > 0) this.cloudCostMs = 0.8 * this.cloudCostMs + 0.2 * Math.min(now - this.prevFrameAt, 5000);
    this.prevFrameAt = now;
    const run = this.run;
    if (!run) {
      this.renderCloud(now);
      return;
    }
    if (this.gpu?.lost) return; // recovery is under way
    try {
      // Read back first: the state at the current step is recorded before the next submission
      // (so every run's curves start at t0).
      this.readbacks.poll(run, now);
      stepRun(run, this.store.getState(), (p) => this.store.setState(p), now, () => this.run === run);
      this.drawCloud(run, now);
      if (now - this.lastChartsAt > CHARTS_EVERY_MS) {
        this.lastChartsAt = now;
        this.curves.update(run.series);
        this.entropy.update(run.series);
        this.entropy.setNote(run.entropyNote);
        this.chartRefreshes++;
      }
      if (now - this.lastStatsAt > STATS_EVERY_MS) {
        this.lastStatsAt = now;
        this.publishStats(run, now);
      }
    } catch (e) {
      if (this.gpu?.lost) return;
      this.fail('Simulation stopped', e);
    }
  };

  /** Renders the cloud if it has frames to render and its render pacing allows one now. */
  private renderCloud(now: number): void {
    const cloud = this.cloud;
    if (!cloud || this.cloudFrames <= 0) return;
    // Where frames are slow (over two 60 Hz frames), render at most every third of them.
    if (this.cloudCostMs > 33 && now - this.lastCloudRenderAt < 3 * this.cloudCostMs) return;
    this.cloudFrames--;
    cloud.render();
    this.lastCloudRenderAt = now;
  }

  private drawCloud(run: Run, now: number): void {
    const cloud = this.cloud;
    if (!cloud) return;
    // A copy into the cloud only when it will be drawn (its render pacing), so a slow cloud does
    // not queue a copy per frame.
    if (this.cloudCostMs > 33 && now - this.lastCloudRenderAt < 3 * this.cloudCostMs) return;
    const p = run.params;
    const replica = Math.min(this.store.getState().replica, p.replicas - 1);
    const step = run.backend.stepCount;
    const fresh = step !== run.lastCloudStep || replica !== run.lastCloudReplica;
    if (fresh) {
      if (cloud.source === 'shared-device' && run.backend instanceof WebGpuBackend && this.gpu) {
        const encoder = this.gpu.ctx.device.createCommandEncoder({ label: 'SimulationLoop.cloudCopy' });
        if (cloud.copyFromGpu(encoder, run.backend.currentBuffer, replica * p.n)) {
          this.gpu.ctx.device.queue.submit([encoder.finish()]);
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
    this.renderCloud(now);
  }

  /** Completed steps: finished on the GPU (WebGPU) or taken (CPU). */
  private completedStep(run: Run): number {
    return run.backend instanceof WebGpuBackend ? run.completedSteps : run.backend.stepCount;
  }

  private publishStats(run: Run, now: number): void {
    const p = run.params;
    const sps = stepsPerSecond(run, now);
    const step = this.completedStep(run);
    const chaosChanged = run.chaos !== run.chaosPublished;
    run.chaosPublished = run.chaos;
    this.store.setState({
      stats: {
        t: timeAt(run, step),
        step,
        stepsPerSecond: sps,
        // Pair interactions per step: N² per replica with all pairs, N·(p − 1) in random batches.
        pairsPerSecond: sps * [p, run.companion?.params].reduce((sum, q) => sum + (q ? q.n * (q.interactions === 'batch' ? q.batch - 1 : q.n) * q.replicas : 0), 0),
        nonFinite: run.latestMoments?.m.nonFinite ?? 0,
        // The slower of the GPU's time per step and the wall time per step actually seen (the
        // latter counts the companion run, readbacks and renders): what a user waits.
        // Only while the run advances, and from a settled estimate (three submissions measured):
        // a stale or first-dispatch figure would mislead.
        slowStep: this.store.getState().playing && (run.pacer?.submissions ?? 3) >= 3
          ? slowStepNote(Math.max(run.pacer?.stepMs ?? 0, run.companionPacer?.stepMs ?? 0, sps > 0 ? 1000 / sps : 0) || null, p.n * p.replicas)
          : null,
      },
      ...(chaosChanged ? { chaos: run.chaos } : {}),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Exports (exports.ts) and test hooks.

  curvesCsv(): string | null {
    return this.run ? curvesCsv(this.store, this.run) : null;
  }

  curvesJson(): string | null {
    return this.run ? curvesJson(this.store, this.run) : null;
  }

  /** Particles of every replica at the current step. */
  async particles(format: 'json' | 'csv'): Promise<string | null> {
    const run = this.run;
    return run ? particlesExport(this.store, run, () => this.run === run, format) : null;
  }

  /** One PNG-ready canvas with the cloud, the marginals, the heat map and the curves. */
  composeViews(): HTMLCanvasElement {
    return composeViews(this.store, { cloud: this.cloud, heatmap: this.heatmap, marginals: this.marginals, curves: this.curves, entropy: this.entropy });
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
    run.chaos = { ...run.chaos, l1: { ...l1, t: timeAt(run, step), snapshot: true }, l1Note: null };
    return true;
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
    const pacer = run?.pacer ?? null;
    return {
      t: run ? timeAt(run, run.backend.stepCount) : 0,
      step: run?.backend.stepCount ?? 0,
      completedSteps: run ? this.completedStep(run) : 0,
      inFlight: run ? run.stepInFlight || run.companionInFlight : false,
      midStep: run?.backend instanceof WebGpuBackend ? run.backend.midStep : false,
      submissions: pacer?.submissions ?? 0,
      submitted: run?.submitted ?? 0,
      largestSubmission: run?.largestSubmission ?? 0,
      groupsPerStep: run?.backend instanceof WebGpuBackend ? run.backend.groupsPerStep : 0,
      worstSubmitMs: pacer?.worstMs ?? 0,
      worstSubmitWallMs: pacer?.worstWallMs ?? 0,
      lastSubmitMs: pacer?.lastMs ?? 0,
      timing: run?.backend instanceof WebGpuBackend ? run.backend.timingSource : 'cpu',
      stepMs: pacer?.stepMs ?? null,
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
      entropyNote: run?.entropyNote ?? null,
      accurateRows: run?.series.accurateCount ?? 0,
      cheapRows: run?.series.cheapCount ?? 0,
      entropyDrawn: { ...this.entropy.lastCounts },
      chartRefreshes: this.chartRefreshes,
      marginalReadbacks: run?.marginalReadbacks ?? 0,
      highContrastApplied: this.themeApplied,
      histogramCenter: run?.range.center ?? 0,
      chaos: run?.chaos ?? null,
      limitEndTime: run?.limit.ref?.endTime ?? null,
      limitSolving: run?.limit.solving ?? false,
    };
  }

  /** After any build in progress: frees the run and the cloud (device loss, disposal). */
  private async teardownRunAndCloud(): Promise<void> {
    await this.building;
    this.destroyRun();
    this.el.cloud.removeEventListener('pointerdown', this.markCloudDirty);
    this.el.cloud.removeEventListener('wheel', this.markCloudDirty);
    this.cloud?.dispose();
    this.cloud = null;
  }

  /** Stops the loop and frees everything it created (the device stays: it is the app's). */
  async dispose(): Promise<void> {
    this.disposed = true;
    cancelAnimationFrame(this.rafId);
    this.unsubscribe?.();
    this.unsubscribe = null;
    // A build in progress notices `disposed` and destroys what it made.
    await this.teardownRunAndCloud();
    this.marginals.dispose();
    this.heatmap.dispose();
    this.curves.dispose();
    this.entropy.dispose();
  }
}
