/**
 * Readbacks and the scheduling of the live diagnostics (issues 4, 6, 10): moments, histograms,
 * accurate entropy estimates, the chaos meters and the live marginal L1. Every readback is
 * asynchronous (staging buffers that map later) and at most one of each kind is in flight, so
 * none stalls stepping; each result is dropped if its run has been replaced meanwhile.
 *
 * - Moments about every MOMENTS_EVERY_MS, of the main run and the companion at the same step.
 * - ACCURATE entropy estimates (engine/diagnostics.ts: k-NN H(f), H(f|M), KDE I(f)) every K
 *   steps, started at a step whose moments are read, so they land on that row of the curves;
 *   skipped, with a note, where one would hold the GPU for longer than ENTROPY_MAX_MS.
 * - CHEAP histogram estimates at every histogram refresh (histograms at moments steps too).
 * - Live chaos meters from the per-replica moments (R ≥ 3), and the marginal L1 to an exact
 *   reference from a particle readback about once a second.
 */
import { entropyPairCount, estimateEntropies } from '../engine/diagnostics';
import { klMaxwellianBias } from '../physics/estimators/klBias';
import { CpuBackend } from '../engine/cpuBackend';
import { cheapEntropy, defaultEntropyEvery, livePairEntropy } from '../engine/liveDiagnostics';
import { limitMarginalReference, marginalL1 } from '../engine/sweep';
import { sweepReference } from '../engine/sweepExperiment';
import { WebGpuBackend } from '../engine/webgpuBackend';
import { binParticles, type Histograms } from '../gpu/passes/histogram';
import { meanVelocitySpread, pairCovariance } from '../physics/chaos';
import { ensembleMoments, type ReplicaMoments } from '../physics/moments';
import { meanSpreadLaw } from '../physics/references/laws';
import type { AppStore } from '../state/store';
import type { DensityHeatmap } from '../view/heatmap';
import type { MarginalCharts } from '../view/marginalCharts';
import { torusFourierModes } from '../view/timeSeries';
import { timeAt, type Run } from './run';

/** Minimum wall time between moments / histogram refreshes (ms). */
const MOMENTS_EVERY_MS = 60;
const HISTOGRAM_EVERY_MS = 90;
/** Particle readbacks for the live marginal-L1 meter (ms). */
const MARGINAL_L1_EVERY_MS = 1000;
/**
 * Longest GPU time one live accurate entropy estimate may take (ms): the KDE sweep (N²·R pairs)
 * and the pooled k-NN search ((m·R)² pairs) are submitted whole, so above this they would hold
 * the queue (and Pause) for longer than the pacing allows. Before any step is measured,
 * ENTROPY_MAX_PAIRS a priori: 2²⁷ pairs, ≈ 0.5 s at the 2.5·10⁸ pairs/s of SwiftShader (CPU) here,
 * so that N = 2048, R = 4 (10⁸ pairs) gets its estimate at t = 0.
 */
export const ENTROPY_MAX_MS = 500;
export const ENTROPY_MAX_PAIRS = 1 << 27;

export interface ReadbackHost {
  readonly store: AppStore;
  /** The loop's current run (a result for another run is dropped). */
  current(): Run | null;
  readonly marginals: MarginalCharts;
  readonly heatmap: DensityHeatmap;
}

/** Pair distances one accurate entropy estimate of `run` evaluates (engine/diagnostics.ts). */
function entropyPairs(run: Run): number {
  return entropyPairCount(run.params.n, run.params.replicas);
}

/**
 * Estimated GPU time (ms) of one accurate entropy estimate of `run` (KDE and pooled k-NN
 * sweeps), at the step's measured cost per pair interaction; null before a measurement.
 */
export function entropyCostMs(run: Run): number | null {
  const b = run.backend;
  if (!(b instanceof WebGpuBackend) || !run.pacer?.stepMs) return null;
  const msPerPair = run.pacer.stepMs / (b.pairsPerGroup * b.groupsPerStep);
  return msPerPair * entropyPairs(run);
}

export class Readbacks {
  constructor(private readonly host: ReadbackHost) {}

  private isCurrent(run: Run): boolean {
    return this.host.current() === run;
  }

  /** Starts the readbacks that are due for `run` at wall time `now` (ms). */
  poll(run: Run, now: number): void {
    const step = run.backend.stepCount;
    const store = this.host.store;
    // Moments (main and companion together, at the same step, so the curves share their time axis).
    const companionAligned = !run.companion || run.companion.stepCount === step;
    if (!run.momentsPending && companionAligned && step !== run.lastMomentsStep && now - run.lastMomentsAt > MOMENTS_EVERY_MS) {
      run.momentsPending = true;
      run.lastMomentsAt = now;
      run.lastMomentsStep = step;
      const t = timeAt(run, step);
      Promise.all([run.backend.readMoments(), run.companion?.readMoments() ?? Promise.resolve(null)]).then(([per, perCompanion]) => {
        run.momentsPending = false;
        if (!this.isCurrent(run)) return;
        const m = ensembleMoments(per);
        run.latestMoments = { step, t, m };
        run.limit.ensure(t);
        run.series.append({ t, step, m });
        // The histogram of this step was drawn first: redraw its overlay with these moments.
        if (run.latestHistogram?.step === step) this.host.marginals.refresh({ momentum: m.momentum, energy: m.energy, t });
        this.updateChaos(run, per, t);
        let nonFinite = m.nonFinite;
        // Finite coordinates whose float32 moments overflow (|x| ≳ 1e19) have diverged too.
        let overflow = !Number.isFinite(m.energy) || !Number.isFinite(m.m4);
        if (perCompanion) {
          const mc = ensembleMoments(perCompanion);
          run.series.appendCompanion({ t, step, m: mc });
          nonFinite += mc.nonFinite;
          overflow ||= !Number.isFinite(mc.energy) || !Number.isFinite(mc.m4);
        }
        if ((nonFinite > 0 || overflow) && store.getState().error === null) {
          const p = run.params;
          const what = p.model === 'landau' ? 'velocity' : 'position';
          const found = nonFinite > 0
            ? `${nonFinite} NaN/Inf ${what} components${perCompanion ? ' (main and companion runs)' : ''}`
            : `${what} moments overflow float32 (the particles diverged)`;
          const hint = p.model === 'landau' ? (p.gamma < 0 ? ' or a larger ε' : '') : p.model === 'first-order' && p.eps === 0 ? ' or ε > 0 (a singular kernel)' : '';
          store.setState({
            playing: false,
            error: `Non-finite state: ${found} at step ${step} (t = ${t.toPrecision(4)}). The run is stopped; try a smaller dt${hint}, then Reset.`,
          });
        }
      }, (e: unknown) => {
        run.momentsPending = false;
        if (this.isCurrent(run)) console.warn('moments readback failed', e);
      });
    }
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
            if (this.isCurrent(run)) this.showHistogram(run, h);
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
    if (run.params.replicas >= 3 && !run.marginalPending && now - run.lastMarginalAt > MARGINAL_L1_EVERY_MS && store.getState().error === null) {
      const p = run.params;
      const t = timeAt(run, step);
      // An exact law where there is one; else the deterministic limit where it has reached t.
      const exact = sweepReference(p, t - run.t0);
      const limitAt = exact ? null : run.limit.ref?.at(t) ?? null;
      const reference = exact ?? (limitAt && run.limit.ref ? limitMarginalReference(p, limitAt, run.limit.ref.name) : null);
      run.lastMarginalAt = now;
      run.marginalPending = true;
      run.backend.readParticles().then((v) => {
        run.marginalPending = false;
        if (!this.isCurrent(run) || !run.chaos) return;
        run.marginalReadbacks++;
        // Without an exact reference, a large-N snapshot (largeNMarginalL1) stays until replaced.
        const l1 = reference ? { ...marginalL1(v, p.n * p.replicas, reference), reference: reference.name, t } : (run.chaos.l1?.snapshot ? run.chaos.l1 : null);
        run.chaos = {
          ...run.chaos,
          l1,
          l1Note: reference ? null : run.limit.name
            ? `The deterministic limit (${run.limit.name}) has not reached t = ${t.toFixed(3)} yet${run.limit.error ? ` (${run.limit.error})` : ''}: compare with a large-N run of the same parameters meanwhile, or use the N-sweep below.`
            : `No exact reference for the one-marginal with these parameters, and no deterministic limit (${run.limit.reason}): compare with a large-N run of the same parameters at the current time, or use the N-sweep below (quantity marginal-l1).`,
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
   * just before the first step); never where one would hold the GPU past ENTROPY_MAX_MS.
   */
  private entropyDue(run: Run, step: number): boolean {
    const p = run.params;
    const s = this.host.store.getState();
    if (p.model === 'torus' || run.entropyPending || s.error !== null || s.sweep?.running) return false;
    if (!s.playing && s.pendingSteps === 0) return false;
    const k = Math.min(s.knnRank, p.n - 1);
    if (k < 1) return false;
    const every = s.entropyEvery ?? defaultEntropyEvery(p.n, p.replicas);
    if (!(run.lastEntropyStep < 0 || step - run.lastEntropyStep >= every)) return false;
    if (run.backend instanceof WebGpuBackend) {
      const cost = entropyCostMs(run);
      if (cost === null ? entropyPairs(run) > ENTROPY_MAX_PAIRS : cost > ENTROPY_MAX_MS) {
        if (cost !== null) {
          run.entropyNote = `Accurate estimates are off at this size: one would hold the GPU for ≈ ${cost >= 2000 ? `${(cost / 1000).toPrecision(2)} s` : `${Math.round(cost)} ms`} on this adapter (the KDE sweeps m² pairs per replica, m = min(N, 16384), and the k-NN search the replicas pooled, up to 16384² pairs, and each replica alone; the pacing allows ${ENTROPY_MAX_MS} ms). The cheap histogram estimates go on; for accurate ones use a smaller N·R, or the runner: npm run sim -- '<link>' --entropy.`;
        }
        return false;
      }
    }
    return true;
  }

  private startEntropy(run: Run, step: number): void {
    const p = run.params;
    const store = this.host.store;
    // k ≤ N − 1 (not the pooled M − 1): small replicas stay searchable alone, which gives the SE.
    const k = Math.min(store.getState().knnRank, p.n - 1);
    run.entropyPending = true;
    run.lastEntropyStep = step;
    estimateEntropies(run.backend, { k }).then((e) => {
      run.entropyPending = false;
      if (!this.isCurrent(run)) return;
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      // The bias-corrected k-NN estimates (issue 12: exact KL bias on Maxwellian samples of the
      // same size, physics/estimators/klBias.ts) where they exist (d = 2, 3), else the raw ones.
      const corrected = Number.isFinite(e.entropyCorrected);
      run.series.setAccurateEntropy(step, {
        entropy: corrected ? e.entropyCorrected : e.entropy,
        entropyStdErr: (corrected ? e.entropyCorrectedStdErr : e.entropyStdErr) ?? NaN,
        relativeEntropy: corrected ? e.relativeEntropyCorrected : e.relativeEntropy,
        relativeEntropyStdErr: (corrected ? e.relativeEntropyCorrectedStdErr : e.relativeEntropyStdErr) ?? NaN,
        fisher: e.fisher,
        fisherStdErr: e.fisherStdErr ?? NaN,
        fisherBandwidth: mean(e.perReplica.map((r) => r.bandwidth)),
      });
      run.entropyEstimates++;
      const every = store.getState().entropyEvery ?? defaultEntropyEvery(p.n, p.replicas);
      const pool = e.pooled.perReplica === p.n ? `all ${e.pooled.size} particles` : `${e.pooled.size} particles (${e.pooled.perReplica} of each replica)`;
      const noBand = p.replicas > 1 && e.entropyStdErr === undefined
        ? ` No error band for H: each replica has only ${e.pooled.perReplica} particles in the pooled sample, fewer than k + 1, so none can be searched alone.`
        : '';
      run.entropyNote = `Accurate estimates: k-NN rank k = ${e.k} on the ${p.replicas > 1 ? 'replicas pooled' : 'replica'}, ${pool}${corrected ? `, bias-corrected at the Maxwellian (b(${e.pooled.size}, ${p.d}, ${e.k}) = ${klMaxwellianBias(e.pooled.size, p.d, e.k).toFixed(4)} nats subtracted)` : ''}, KDE bandwidth h ≈ ${mean(e.perReplica.map((r) => r.bandwidth)).toPrecision(3)} (1.75× Silverman), every K = ${every} steps on the ${e.engine === 'webgpu' ? 'GPU' : 'CPU'}; ${run.entropyEstimates} so far.${noBand}`;
    }, (err: unknown) => {
      run.entropyPending = false;
      if (!this.isCurrent(run)) return;
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

  showHistogram(run: Run, h: Histograms): void {
    if (run.latestHistogram?.step !== h.step) {
      run.series.setCheapEntropy(h.step, cheapEntropy(run.params, h));
      if (run.params.model === 'torus') run.series.setTorusModes(h.step, torusFourierModes(h));
    }
    run.latestHistogram = h;
    const m = run.latestMoments;
    const t = timeAt(run, h.step);
    // The overlay's moments: the particles' at this step when known, else the chart takes the
    // histogram's own (energy NaN), never a stale or zero energy (issue 14: step 0).
    const same = m !== null && m.step === h.step;
    this.host.marginals.update(h, { momentum: same ? m.m.momentum : [], energy: same ? m.m.energy : NaN, t });
    this.host.heatmap.update(h);
  }
}
