/**
 * The benchmark's GPU side (`npm run bench`): pair-pass throughput (pairs/s) and full-step
 * rates for each noise system, timed with performance.now around submissions and
 * onSubmittedWorkDone (SwiftShader has no reliable timestamp queries).
 */
import type { GpuContext } from '../gpu/device';
import { WebGpuBackend } from '../engine/webgpuBackend';
import type { PairBlock } from '../gpu/passes/landauStep';
import { parseQuery, type Increments, type Noise } from '../physics/params';

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
      const { params, errors } = parseQuery(`${req.query}&n=${n}&noise=${noise}&increments=${increments}&replicas=1`);
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
  const { params, errors } = parseQuery(`${req.query}&n=${req.n}&noise=${req.noise}&replicas=1&interactions=batch&batch=${req.batch}`);
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
