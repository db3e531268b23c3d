/**
 * The benchmark's GPU side (`npm run bench`): pair-pass throughput (pairs/s) and full-step
 * rates for each noise system, timed with performance.now around submissions and
 * onSubmittedWorkDone (SwiftShader has no reliable timestamp queries).
 */
import type { GpuContext } from '../gpu/device';
import { Pacer } from '../engine/pacing';
import { STEPS_PER_SUBMIT, WebGpuBackend } from '../engine/webgpuBackend';
import type { PairBlock } from '../gpu/passes/landauStep';
import { parseQuery, type Increments, type Noise } from '../physics/params';

/** The base query with the bench's own fields set (replacing any the base names: a key given twice is an error). */
function withFields(base: string, fields: Record<string, string | number>): string {
  const sp = new URLSearchParams(base.replace(/^[?#]/, ''));
  for (const [k, v] of Object.entries(fields)) sp.set(k, String(v));
  return sp.toString();
}

export interface BenchRequest {
  /** Share-link query of the base parameters (d, gamma, eps, rng…); n and noise are swept. */
  query: string;
  ns: number[];
  noises: Noise[];
  /** Pair-noise increments to measure (default ['gaussian']); two-point rows skip nanbu (issue 13). */
  increments?: Increments[];
  /** Seconds to aim for per measurement. */
  seconds: number;
  /** Force the Landau pass's particles per invocation (default: by adapter, landauStep.ts pairBlockFor). */
  pairBlock?: PairBlock;
}

export interface BenchRow {
  n: number;
  noise: Noise;
  increments: Increments;
  /** The pair pass alone (pairTerms entry: drift + Ā for nanbu, drift + pair noise for fgm/kac). */
  pairPassPairsPerSec: number;
  stepsPerSec: number;
  stepPairsPerSec: number;
  repetitions: number;
  /** Particles per invocation the pass used. */
  pairBlock: number;
}

async function timeIt(f: () => void, finish: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  f();
  await finish();
  return (performance.now() - t0) / 1000;
}

export async function benchLandau(gpu: GpuContext, req: BenchRequest): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const n of req.ns) {
    for (const [noise, increments] of req.noises.flatMap((x) => (req.increments ?? ['gaussian']).filter((i) => x !== 'nanbu' || i === 'gaussian').map((i) => [x, i] as const))) {
      const { params, errors } = parseQuery(withFields(req.query, { n, noise, increments, replicas: 1 }));
      if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
      const b = await WebGpuBackend.create(gpu, params, undefined, req.pairBlock);
      const terms = gpu.device.createBuffer({ label: 'bench.terms', size: b.stepPass.termsBytes(), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      const group = b.stepPass.termsBindGroup(b.currentBuffer, terms);
      const finish = () => b.finish();
      const pairPass = (reps: number) => {
        const e = gpu.device.createCommandEncoder();
        for (let k = 0; k < reps; k++) {
          const pass = e.beginComputePass();
          b.stepPass.encodePairTerms(pass, 0, group);
          pass.end();
        }
        gpu.device.queue.submit([e.finish()]);
      };
      // Warm-up (pipeline compilation, first-touch) and a size estimate for the repetitions.
      const once = await timeIt(() => pairPass(1), finish);
      const reps = Math.max(2, Math.min(200, Math.round(req.seconds / Math.max(once, 1e-4))));
      const tPair = await timeIt(() => pairPass(reps), finish);
      await timeIt(() => b.step(1), finish);
      const tStep = await timeIt(() => b.step(reps), finish);
      rows.push({
        n, noise, increments, repetitions: reps, pairBlock: b.stepPass.perInvocation,
        pairPassPairsPerSec: (reps * n * n) / tPair,
        stepsPerSec: reps / tStep,
        stepPairsPerSec: (reps * n * n) / tStep,
      });
      terms.destroy();
      b.destroy();
    }
  }
  return rows;
}

/** `npm run bench -- --batch`: one random-batch configuration (models.md §1.5). */
export interface BatchBenchRequest {
  /** Share-link query of the base parameters; n, batch and noise are set here, interactions=batch, R = 1. */
  query: string;
  n: number;
  batch: number;
  noise: Noise;
  seconds: number;
}

export interface BatchBenchRow {
  n: number;
  batch: number;
  noise: Noise;
  stepsPerSec: number;
  /** N · steps/s: every particle is updated once per step. */
  particleUpdatesPerSec: number;
  repetitions: number;
  /** Backend creation (pipeline compilation) and the first step, ms. */
  setupMs: number;
}

/** Steps/s of interactions=batch at one (N, p, noise), wall clock around onSubmittedWorkDone. */
export async function benchBatch(gpu: GpuContext, req: BatchBenchRequest): Promise<BatchBenchRow> {
  const { params, errors } = parseQuery(withFields(req.query, { n: req.n, noise: req.noise, replicas: 1, interactions: 'batch', batch: req.batch }));
  if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
  const t0 = performance.now();
  const b = await WebGpuBackend.create(gpu, params);
  try {
    const finish = () => b.finish();
    const once = await timeIt(() => b.step(1), finish);
    const setupMs = performance.now() - t0;
    const second = await timeIt(() => b.step(1), finish);
    const reps = Math.max(2, Math.min(400, Math.round(req.seconds / Math.max(Math.min(once, second), 1e-4))));
    const t = await timeIt(() => b.step(reps), finish);
    return { n: req.n, batch: req.batch, noise: req.noise, stepsPerSec: reps / t, particleUpdatesPerSec: (reps * req.n) / t, repetitions: reps, setupMs };
  } finally {
    b.destroy();
  }
}

/** `npm run bench -- --pacing`: the pacing of app/stepping.ts measured on this adapter (issue 10). */
export interface PacingRequest {
  query: string;
  n: number;
  replicas: number;
  /** Seconds of paced stepping. */
  seconds: number;
  /** Pauses to time (each at a random moment inside a submission). */
  pauses: number;
}

export interface PacingRow {
  n: number;
  replicas: number;
  groupsPerStep: number;
  timing: 'timestamps' | 'wall';
  submissions: number;
  /** Workgroups per submission once the pacer has a measurement: median and largest. */
  medianGroups: number;
  largestGroups: number;
  /** GPU time of a submission (ms): median and worst; wall time from submit to completion: worst. */
  medianSubmitMs: number;
  worstSubmitMs: number;
  worstSubmitWallMs: number;
  /** From a pause request to the end of the submission in flight (ms): median and worst. */
  medianPauseMs: number;
  worstPauseMs: number;
  /** Estimated GPU time of one whole step (ms). */
  stepMs: number | null;
  warmUpMs: number;
}

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);

/**
 * Paced stepping exactly as the app does it (one submission in flight, Pacer budget, step slices),
 * then `pauses` pause requests at random moments inside a submission: the pause latency is the
 * time until the submission in flight has finished (after which nothing more is submitted).
 */
export async function benchPacing(gpu: GpuContext, req: PacingRequest): Promise<PacingRow> {
  const { params, errors } = parseQuery(withFields(req.query, { n: req.n, replicas: req.replicas }));
  if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
  const b = await WebGpuBackend.create(gpu, params);
  try {
    const t0 = performance.now();
    await b.warmUp();
    const warmUpMs = performance.now() - t0;
    const pacer = new Pacer({ groupsPerStep: b.groupsPerStep, pairsPerGroup: b.pairsPerGroup });
    const gpuMs: number[] = [];
    const groups: number[] = [];
    let worstWall = 0;
    const submit = async (onSubmitted?: (expectedMs: number) => void) => {
      const g = pacer.nextGroups(STEPS_PER_SUBMIT);
      const measured = pacer.submissions > 0;
      const expected = pacer.stepMs === null ? 50 : (pacer.stepMs * g) / b.groupsPerStep;
      const start = performance.now();
      const a = b.advance(g, STEPS_PER_SUBMIT);
      onSubmitted?.(expected);
      const timing = await a.done;
      const wall = performance.now() - start;
      pacer.record(a.groups, timing.ms, timing.wallMs ?? timing.ms);
      worstWall = Math.max(worstWall, wall);
      if (measured) {
        gpuMs.push(timing.ms);
        groups.push(a.groups);
      }
    };
    const end = performance.now() + 1000 * req.seconds;
    while (performance.now() < end || pacer.submissions < 4) await submit();
    const pauseMs: number[] = [];
    for (let k = 0; k < req.pauses; k++) {
      let pausedAt = 0;
      await submit((expected) => {
        // A pause request at a random moment inside this submission.
        const delay = Math.random() * expected;
        setTimeout(() => (pausedAt = performance.now()), delay);
      });
      if (pausedAt === 0) pausedAt = performance.now(); // the submission finished before the request
      pauseMs.push(performance.now() - pausedAt);
    }
    return {
      n: req.n, replicas: req.replicas, groupsPerStep: b.groupsPerStep, timing: b.timingSource,
      submissions: pacer.submissions, medianGroups: median(groups), largestGroups: Math.max(...groups),
      medianSubmitMs: median(gpuMs), worstSubmitMs: Math.max(...gpuMs), worstSubmitWallMs: worstWall,
      medianPauseMs: median(pauseMs), worstPauseMs: Math.max(...pauseMs), stepMs: pacer.stepMs, warmUpMs,
    };
  } finally {
    b.destroy();
  }
}
