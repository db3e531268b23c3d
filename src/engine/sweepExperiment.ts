/**
 * The N-sweep experiment of the app (issue 6), the same experiment as `npm run sweep`
 * (tools/sweep.ts) and the same JSON: for each noise system and each N, a FRESH backend of R
 * replicas runs `steps = round(t/dt)` steps and is reduced by engine/sweep.ts's `sweepPoint`,
 * then destroyed; the log–log slope is fitted by physics/chaos.ts's `fitLogLogSlope`.
 *
 * What the app adds around it:
 * - progress (which system, which N, % of the point, % of the whole sweep by work steps·N²·R)
 *   and cancellation: the steps of a point are taken in chunks (ChunkedBackend) and a cancel
 *   request stops at the next chunk boundary, discards the point in progress, destroys its
 *   backend and returns the completed points (`cancelled: true`). The live run is never touched;
 *   the caller pauses it while the sweep holds the GPU.
 * - exact marginal references for marginal-l1 beyond tools' (sweepReference): Landau as
 *   exactMarginalReference (γ = 0: BKW or Gaussian data), else for isotropic data (gaussian, shell,
 *   bkw; any γ) the deterministic limit equation (physics/limit, models.md §1.6), plus the Lamb–Oseen heat kernel for
 *   vortices (models.md §3) and the exact cosine mode on the torus (§2); exactMarginalReference
 *   itself is only asked for Landau, because it does not look at the model. Otherwise a large-N
 *   run is the reference, as in tools/sweep.ts (same N, replicas, seed offset and bins; on the torus
 *   the bins cover the cell [0, 1) instead of ±5 r.m.s.), and its name says so.
 * - the exact law of the mean's spread where one is known (view/references.ts meanSpreadLaw:
 *   Landau γ = 0 nanbu/fgm as in tools, and first-order systems with equal weights, 2dσt/N).
 */
import { fitLogLogSlope, histogramL1, type SlopeFit } from '../physics/chaos';
import { initialEnergy } from '../physics/init';
import { lambOseenVariance, isLambOseen } from '../physics/references/firstOrder';
import { cosineModeRate } from '../physics/references/torus';
import { MAX_BATCH_TOTAL, MAX_N, MAX_TOTAL, maxTotal, type Noise, type Params } from '../physics/params';
import { meanSpreadLaw } from '../physics/references/laws';
import type { Backend } from './backend';
import {
  QUANTITY_HELP, binnedReference, exactMarginalReference, marginalL1, pooledMass, solvedLimitMarginalReference, sweepPoint, theoryRatesFor, estimatorFor,
  type MarginalReference, type SweepPoint, type SweepQuantity,
} from './sweep';

export interface SweepRequest {
  /** The parameters of every run, except n, replicas and noise. */
  base: Params;
  ns: number[];
  /** Elapsed time of each run (steps = round(t/dt)). */
  t: number;
  replicas: number;
  quantity: SweepQuantity;
  /** Noise systems compared (Landau); other models run their one system ([base.noise]). */
  noises: Noise[];
  /** N of the large-N reference run (marginal-l1 without an exact reference); default 4·max N. */
  referenceN?: number;
}

export interface SweepSeries {
  noise: Noise;
  points: SweepPoint[];
  slope: number;
  slopeStdErr: number;
  reference?: string;
  theory?: { points: { n: number; value: number }[]; slope: number; law?: string };
  fitError?: string;
}

/** tools/sweep.ts's JSON, plus `cancelled` when the sweep was stopped early. */
export interface SweepOutput {
  params: Params;
  quantity: SweepQuantity;
  quantityHelp: string;
  /** pair-entropy: the estimator, in words (engine/sweep.ts estimatorFor). */
  estimator?: string;
  t: number;
  steps: number;
  engine: Backend['kind'];
  theoryRates: { label: string; slope: number }[];
  points?: SweepPoint[];
  slope?: number;
  slopeStdErr?: number;
  reference?: string;
  theory?: SweepSeries['theory'];
  series: SweepSeries[];
  cancelled?: boolean;
}

export interface SweepProgress {
  /** One line: system, N, phase. */
  label: string;
  noise: Noise;
  n: number;
  /** 1-based index of the point among all points (all systems), and their number. */
  pointIndex: number;
  pointCount: number;
  /** Fraction of the point (or reference run) in progress. */
  pointFraction: number;
  /** Fraction of the whole sweep by work (steps · N² · R). */
  overall: number;
}

export interface SweepHooks {
  onProgress?: (p: SweepProgress) => void;
  /** Called when a point is measured (the CLI prints it). */
  onPoint?: (noise: Noise, point: SweepPoint) => void;
  signal?: AbortSignal;
  /** validateSweep's cpuMaxN (default CPU_SWEEP_MAX_N). */
  cpuMaxN?: number;
}

/** Thrown inside a point when the sweep is cancelled. */
export class SweepCancelled extends Error {
  constructor() {
    super('sweep cancelled');
  }
}

/** CPU engine (no WebGPU): float64 on the main thread, so small runs only. */
export const CPU_SWEEP_MAX_N = 512;

/**
 * Problems with a request, one message per problem naming the field (empty: valid). `cpuMaxN`:
 * the largest N for the CPU engine (the page's main thread: CPU_SWEEP_MAX_N; the Node runner
 * passes Infinity).
 */
export function validateSweep(req: SweepRequest, engine: Backend['kind'], cpuMaxN = CPU_SWEEP_MAX_N): string[] {
  const errors: string[] = [];
  if (!req.ns.length) errors.push('N list: give at least two values of N, e.g. 64,128,256');
  // All pairs: N ≤ MAX_N; random batches (models.md §1.5): N · R ≤ MAX_BATCH_TOTAL.
  const nMax = req.base.interactions === 'batch' ? MAX_BATCH_TOTAL : MAX_N;
  if (req.ns.some((x) => !Number.isInteger(x) || x < 4 || x > nMax)) errors.push(`N list: expected integers in [4, ${nMax}], comma separated`);
  if (new Set(req.ns).size < 2) errors.push('N list: at least two different values of N are needed for a slope');
  if (!(req.t > 0) || !Number.isFinite(req.t)) errors.push('t: expected a positive elapsed time');
  else if (Math.round(req.t / req.base.dt) < 1) errors.push(`t: shorter than one step (dt = ${req.base.dt})`);
  else if (Math.round(req.t / req.base.dt) > 200000) errors.push(`t: ${Math.round(req.t / req.base.dt)} steps of dt = ${req.base.dt}; at most 200000`);
  if (!Number.isInteger(req.replicas) || req.replicas < 3 || req.replicas > 4096) errors.push('replicas: expected an integer in [3, 4096] (the estimators need R ≥ 3)');
  for (const n of req.ns) if (n * req.replicas > maxTotal(req.base)) errors.push(`replicas: N · R must be ≤ ${maxTotal(req.base)} (N = ${n}, R = ${req.replicas})`);
  if (req.base.interactions === 'batch' && req.ns.some((n) => n < req.base.batch)) errors.push(`N list: interactions=batch needs N ≥ batch = ${req.base.batch}`);
  if (!req.noises.length) errors.push('noise systems: pick at least one');
  if (req.quantity === 'mean-velocity-spread' && req.base.model === 'torus') {
    errors.push('quantity: mean-velocity-spread has no meaning on the torus (the mean of wrapped positions); use pair-correlation, marginal-l1 or pair-entropy');
  }
  if (req.referenceN !== undefined && (!Number.isInteger(req.referenceN) || req.referenceN < 4 || req.referenceN > 65536)) {
    errors.push('reference N: expected an integer in [4, 65536]');
  }
  if (engine === 'cpu') {
    const big = req.ns.filter((n) => n > cpuMaxN);
    if (big.length) errors.push(`N list: the CPU engine (no WebGPU here) runs N ≤ ${cpuMaxN}; got ${big.join(', ')}`);
  }
  return errors;
}

/**
 * The exact one-marginal of the first coordinate after `elapsed` time where one is known (see the
 * file comment), else null: then a large-N run is the reference.
 */
export function sweepReference(p: Params, elapsed: number): MarginalReference | null {
  if (p.model === 'landau') return exactMarginalReference(p, elapsed);
  if (p.model === 'first-order' && isLambOseen(p)) {
    const v = lambOseenVariance(p, elapsed);
    const L = 5 * Math.sqrt(v);
    return binnedReference(
      `Lamb–Oseen heat kernel N(0, (s₀² + 2σt) I) at t = ${elapsed.toPrecision(4)}, Var x₁ = ${v.toFixed(4)} (models.md §3)`,
      (x) => Math.exp(-(x * x) / (2 * v)) / Math.sqrt(2 * Math.PI * v), -L, L,
    );
  }
  if (p.model === 'torus' && p.init === 'cosine') {
    const a = p.amp * Math.exp(-cosineModeRate(p) * elapsed);
    return binnedReference(
      `exact limit on the torus: x₁ density 1 + A e^(−4π²(λ+κ/2d)t) cos 2πx₁ at t = ${elapsed.toPrecision(4)}, amplitude ${a.toPrecision(3)} (models.md §2)`,
      (x) => 1 + a * Math.cos(2 * Math.PI * x), 0, 1,
    );
  }
  return null;
}

/**
 * A backend whose `step(k)` is deferred: the steps are taken, in chunks, by the next read. Between
 * chunks it reports progress and checks for cancellation (then throws SweepCancelled). sweepPoint
 * only steps once between two reads, so it runs unchanged on it.
 */
class ChunkedBackend implements Backend {
  private owed = 0;

  constructor(
    private readonly inner: Backend,
    private readonly chunk: number,
    private readonly onSteps: (taken: number) => void,
    private readonly signal: AbortSignal | undefined,
  ) {}

  get kind(): Backend['kind'] {
    return this.inner.kind;
  }

  get adapter(): string {
    return this.inner.adapter;
  }

  get params(): Readonly<Params> {
    return this.inner.params;
  }

  get stepCount(): number {
    return this.inner.stepCount + this.owed;
  }

  step(k: number): void {
    this.owed += k;
  }

  private async flush(): Promise<void> {
    while (this.owed > 0) {
      if (this.signal?.aborted) throw new SweepCancelled();
      const c = Math.min(this.chunk, this.owed);
      this.inner.step(c);
      this.owed -= c;
      await this.inner.finish();
      // The CPU engine steps synchronously: give the page a frame between chunks.
      if (this.inner.kind === 'cpu') await new Promise((r) => setTimeout(r, 0));
      this.onSteps(c);
    }
    if (this.signal?.aborted) throw new SweepCancelled();
  }

  async readMoments() {
    await this.flush();
    return this.inner.readMoments();
  }

  async readParticles() {
    await this.flush();
    return this.inner.readParticles();
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.inner.finish();
  }

  destroy(): void {
    this.inner.destroy();
  }
}

/** Steps per chunk: about 50 progress updates per run; CPU chunks also bounded by ~2·10⁶ pair terms. */
function chunkFor(kind: Backend['kind'], steps: number, n: number, replicas: number): number {
  const even = Math.max(1, Math.ceil(steps / 50));
  return kind === 'cpu' ? Math.max(1, Math.min(even, Math.floor(2e6 / (n * n * replicas)))) : even;
}

/**
 * Where the runs come from: createBackend with the page's GPU (or none: the CPU engine), or, in
 * Node, CpuBackend directly (which keeps the WGSL imports out of tools/sweep.ts --engine cpu).
 */
export interface BackendFactory {
  kind: Backend['kind'];
  create(p: Params): Promise<Backend>;
}

/**
 * Runs `steps` steps on a fresh backend in chunks (progress: `report(stepsTaken)`, cancellation:
 * SweepCancelled between chunks), hands it to `f` (whose reads take the steps) and destroys it.
 */
async function runFresh<T>(backends: BackendFactory, p: Params, steps: number, report: (taken: number) => void, signal: AbortSignal | undefined, f: (b: Backend) => Promise<T>): Promise<T> {
  if (signal?.aborted) throw new SweepCancelled();
  let taken = 0;
  report(0);
  const inner = await backends.create(p);
  const b = new ChunkedBackend(inner, chunkFor(inner.kind, steps, p.n, p.replicas), (c) => {
    taken += c;
    report(taken);
  }, signal);
  try {
    return await f(b);
  } finally {
    b.destroy();
  }
}

/** The large-N reference run of `p`: nRef particles × rRef replicas, an independent seed. */
function largeNParams(p: Params, nRef: number, rRef: number): Params {
  return { ...p, n: nRef, replicas: rRef, seed: (p.seed + 7919) >>> 0 };
}

/**
 * Steps the large-N run `steps` steps and bins its pooled first coordinate: 60 bins on the torus
 * cell [0, 1), else on ±5 r.m.s. of the initial data (shifted bi-Maxwellian included).
 */
async function largeNMass(b: Backend, steps: number): Promise<MarginalReference> {
  const q = b.params;
  const binEdges = q.model === 'torus'
    ? Array.from({ length: 61 }, (_, k) => k / 60)
    : (() => {
      const L = 5 * Math.sqrt(initialEnergy(q) / q.d + (q.model === 'landau' && q.init === 'bimaxwellian' ? q.shift ** 2 : 0));
      return Array.from({ length: 61 }, (_, k) => -L + (2 * L * k) / 60);
    })();
  b.step(steps);
  const mass = pooledMass(await b.readParticles(), q.n * q.replicas, binEdges);
  return { name: `large-N run (N = ${q.n}, R = ${q.replicas}, independent seed) — no exact solution is known for these parameters`, binEdges, mass };
}

/** N and R of the live meter's large-N reference: 4N (≤ 65536; the CPU engine: ≤ max(N, CPU_SWEEP_MAX_N)), R up to the live R within N·R ≤ 2²⁰. */
export function liveReferenceSize(p: Params, engine: Backend['kind']): { n: number; replicas: number } {
  const n = Math.min(4 * p.n, engine === 'cpu' ? Math.max(p.n, CPU_SWEEP_MAX_N) : 65536);
  return { n, replicas: Math.max(1, Math.min(p.replicas, Math.floor(MAX_TOTAL / n))) };
}

/**
 * The live marginal L1 where no exact reference exists (issue 6): a large-N run of the same
 * parameters (liveReferenceSize, independent seed) stepped to the live run's `steps`, as the
 * reference of the pooled first coordinate `v` (count particles) of the live run at that step.
 */
export async function largeNMarginalL1(backends: BackendFactory, p: Params, steps: number, v: ArrayLike<number>, count: number,
  report: (fraction: number, label: string) => void, signal?: AbortSignal): Promise<{ value: number; stdErr: number; reference: string }> {
  const size = liveReferenceSize(p, backends.kind);
  const label = `large-N reference run (N = ${size.n}, R = ${size.replicas}) to step ${steps}`;
  const reference = await runFresh(backends, largeNParams(p, size.n, size.replicas), steps, (taken) => report(steps ? taken / steps : 1, label), signal,
    (b) => largeNMass(b, steps));
  return { ...marginalL1(v, count, reference), reference: reference.name };
}

/** Runs the sweep; resolves with the JSON of tools/sweep.ts (partial, `cancelled`, if cancelled). */
export async function runSweep(backends: BackendFactory, req: SweepRequest, hooks: SweepHooks = {}): Promise<SweepOutput> {
  const engine = backends.kind;
  const problems = validateSweep(req, engine, hooks.cpuMaxN);
  if (problems.length) throw new Error(problems.join('; '));
  const base: Params = { ...req.base, replicas: req.replicas, temp: [...req.base.temp] };
  const steps = Math.round(req.t / base.dt);
  const ns = [...req.ns];
  const R = req.replicas;
  const noises = base.model === 'landau' ? req.noises : [base.noise];
  const nRef = req.referenceN ?? 4 * Math.max(...ns);
  const rRef = Math.max(1, Math.min(R, Math.floor(MAX_TOTAL / nRef)));
  // Landau without a closed form: the deterministic limit equation for isotropic data (issue 12,
  // models.md §1.6), solved once here (not in sweepReference, which the live meter calls every
  // second: the app takes the limit from its worker's LimitReference instead).
  const exact = req.quantity === 'marginal-l1'
    ? sweepReference(base, req.t) ?? (base.model === 'landau' ? solvedLimitMarginalReference(base, req.t) : null)
    : null;
  const needsLargeN = req.quantity === 'marginal-l1' && !exact;

  // Work per run ∝ steps · N² · R (the pair sums); the reference run, once per system.
  const pointWork = (n: number) => steps * n * n * R;
  const refWork = needsLargeN ? steps * nRef * nRef * rRef : 0;
  const totalWork = noises.length * (refWork + ns.reduce((s, n) => s + pointWork(n), 0));
  let doneWork = 0;
  const pointCount = noises.length * ns.length;
  let pointIndex = 0;

  const runOne = async <T>(p: Params, label: string, noise: Noise, work: number, f: (b: Backend) => Promise<T>): Promise<T> => {
    const report = (taken: number) => hooks.onProgress?.({
      label, noise, n: p.n, pointIndex, pointCount,
      pointFraction: steps ? taken / steps : 1,
      overall: totalWork ? (doneWork + (work * taken) / Math.max(1, steps)) / totalWork : 1,
    });
    try {
      return await runFresh(backends, p, steps, report, hooks.signal, f);
    } finally {
      doneWork += work;
    }
  };

  const series: SweepSeries[] = [];
  let cancelled = false;
  try {
    for (const noise of noises) {
      const p0: Params = { ...base, noise };
      let reference: MarginalReference | undefined = exact ?? undefined;
      if (needsLargeN) {
        reference = await runOne(largeNParams(p0, nRef, rRef), `${noise}: large-N reference run (N = ${nRef}, R = ${rRef})`, noise, refWork,
          (b) => largeNMass(b, steps));
      }
      const s: SweepSeries = { noise, points: [], slope: Number.NaN, slopeStdErr: Number.NaN, reference: reference?.name };
      series.push(s);
      for (const n of ns) {
        pointIndex++;
        const pt = await runOne({ ...p0, n }, `${base.model === 'landau' ? noise : base.model}: N = ${n} (point ${pointIndex} of ${pointCount})`, noise, pointWork(n),
          (b) => sweepPoint(b, req.quantity, steps, reference));
        s.points.push(pt);
        hooks.onPoint?.(noise, pt);
      }
    }
  } catch (e) {
    if (!(e instanceof SweepCancelled)) throw e;
    cancelled = true;
  }

  for (const s of series) {
    let fit: SlopeFit | null = null;
    if (s.points.length >= 2) {
      try {
        fit = fitLogLogSlope(s.points);
      } catch (e) {
        s.fitError = (e as Error).message;
      }
    } else {
      s.fitError = 'fewer than two points';
    }
    s.slope = fit?.slope ?? Number.NaN;
    s.slopeStdErr = fit?.slopeStdErr ?? Number.NaN;
    const law = req.quantity === 'mean-velocity-spread' ? meanSpreadLaw({ ...base, noise: s.noise }) : null;
    if (law && (base.model !== 'landau' || base.normalize)) {
      const energy = initialEnergy(base);
      const tp = ns.map((n) => ({ n, value: law.at(n, req.t, energy) }));
      if (tp.every((x) => x.value > 0)) s.theory = { points: tp, slope: fitLogLogSlope(tp.map((x) => ({ ...x, stdErr: 0 }))).slope, law: law.law };
    }
  }

  const out: SweepOutput = {
    params: base,
    quantity: req.quantity,
    quantityHelp: QUANTITY_HELP[req.quantity],
    t: req.t,
    steps,
    engine,
    theoryRates: theoryRatesFor(req.quantity),
    estimator: estimatorFor(req.quantity, base),
    ...(series.length === 1 ? { points: series[0].points, slope: series[0].slope, slopeStdErr: series[0].slopeStdErr, reference: series[0].reference, theory: series[0].theory } : {}),
    series,
  };
  if (cancelled) out.cancelled = true;
  return out;
}
