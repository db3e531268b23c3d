/**
 * The headless page's API (headless.html): the same engine and WGSL as the app, driven from
 * Node through Playwright by `npm run sim`, `npm run bench` and the GPU tests. Inputs and
 * outputs are plain JSON. Nothing here is used by the app's UI.
 */
import { acquireGpu, describeAdapter, type GpuContext } from '../gpu/device';
import { gpuRngStream } from '../gpu/passes/rngStream';
import { NeighbourStatistics } from '../gpu/neighbourStatistics';
import { BatchStepPass } from '../gpu/passes/batchStep';
import { UniformRing } from '../gpu/uniformRing';
import { WebGpuBackend } from '../engine/webgpuBackend';
import type { PairBlock } from '../gpu/passes/landauStep';
import { runCheckpoints, type RunOptions, type RunResult } from '../engine/runner';
import { estimateEntropies, type EntropyEstimates, type EntropyOptions } from '../engine/diagnostics';
import { parseQuery, type Params } from '../physics/params';
import type { RngKind } from '../physics/rng';
import { benchBatch, benchLandau, benchPacing, type BatchBenchRequest, type BatchBenchRow, type BenchRequest, type BenchRow, type PacingRequest, type PacingRow } from './bench';
import { sweepPoint, type SweepPoint, type SweepQuantity } from '../engine/sweep';
import { runSweep, type SweepOutput, type SweepRequest } from '../engine/sweepExperiment';

let gpuPromise: Promise<GpuContext | { error: string }> | null = null;
const validationErrors: string[] = [];

async function gpu(): Promise<GpuContext> {
  gpuPromise ??= acquireGpu({ onError: (m) => validationErrors.push(m) });
  const g = await gpuPromise;
  if ('error' in g) throw new Error(g.error);
  return g;
}

function paramsOf(query: string): Params {
  const { params, errors, unknown } = parseQuery(query);
  const msgs = [...errors.map((e) => e.message), ...unknown.map((u) => `${u}: unknown parameter`)];
  if (msgs.length) throw new Error(msgs.join('\n'));
  return params;
}

/** `pairBlock` forces the Landau pass's particles per invocation (the shader tests cover 1, 2, 4). */
async function withBackend<T>(query: string, particles: number[] | undefined, f: (b: WebGpuBackend) => Promise<T>, pairBlock?: PairBlock): Promise<T> {
  const g = await gpu();
  const p = paramsOf(query);
  const b = await WebGpuBackend.create(g, p, particles ? Float64Array.from(particles) : undefined, pairBlock);
  try {
    return await f(b);
  } finally {
    b.destroy();
  }
}

export const headlessApi = {
  async adapter(): Promise<string> {
    return describeAdapter((await gpu()).adapter);
  },

  /** Validation errors the device reported since the last call (tests fail on any). */
  takeValidationErrors(): string[] {
    return validationErrors.splice(0);
  },

  /** `npm run sim`; `options.entropy` adds the accurate entropy diagnostics to each checkpoint. */
  async run(query: string, steps: number, every: number, particles: boolean, options: RunOptions = {}): Promise<RunResult> {
    return withBackend(query, undefined, (b) => runCheckpoints(b, steps, every, particles, undefined, options));
  },

  /**
   * The neighbour passes alone on given velocities (vec4 flat): k-NN distances (k per particle,
   * ascending) in the replicas pooled (the first `pooledPerReplica` of each, default all N) and
   * within each replica's share, and KDE score sums (2 vec4 per particle) with one bandwidth per
   * replica.
   */
  async neighbourSums(query: string, particles: number[], k: number, bandwidths: number[], pooledPerReplica?: number): Promise<{ distances: number[]; replicaDistances: number[] | null; scoreSums: number[]; particles: number[] }> {
    // The passes alone on an uploaded buffer: no Landau pipelines to compile.
    const { device } = await gpu();
    const p = paramsOf(query);
    const source = device.createBuffer({ label: 'headless.neighbourInput', size: p.n * p.replicas * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(source, 0, Float32Array.from(particles));
    const stats = new NeighbourStatistics(device, { n: p.n, replicas: p.replicas }, p.n, pooledPerReplica ?? p.n);
    try {
      const m = await stats.measure(source, k, () => bandwidths);
      return {
        distances: Array.from(m.distances),
        replicaDistances: m.replicaDistances ? Array.from(m.replicaDistances) : null,
        scoreSums: Array.from(m.scoreSums),
        particles: Array.from(m.particles),
      };
    } finally {
      stats.destroy();
      source.destroy();
    }
  },

  /**
   * Snapshot semantics: starts estimateEntropies, submits `steps` steps while it is in flight,
   * then estimates again; returns both and the velocities after the steps.
   */
  async entropiesAcrossSteps(query: string, particles: number[], steps: number, options: EntropyOptions = {}): Promise<{ before: EntropyEstimates; after: EntropyEstimates; particlesAfter: number[] }> {
    return withBackend(query, particles, async (b) => {
      const before = estimateEntropies(b, options);
      b.step(steps);
      const after = estimateEntropies(b, options);
      return { before: await before, after: await after, particlesAfter: Array.from(await b.readParticles()) };
    });
  },

  /**
   * Cost of the entropy diagnostics against steps (ms, wall clock around onSubmittedWorkDone /
   * mapAsync): the first estimate (pipelines compiled), later estimates, and one step.
   */
  async entropyCost(query: string, steps: number, repeats: number, options: EntropyOptions = {}): Promise<{ firstMs: number; estimateMs: number; stepMs: number }> {
    return withBackend(query, undefined, async (b) => {
      const timeIt = async (f: () => Promise<unknown>) => {
        const t0 = performance.now();
        await f();
        return performance.now() - t0;
      };
      const firstMs = await timeIt(() => estimateEntropies(b, options));
      await timeIt(async () => { b.step(1); await b.finish(); }); // compiles the step pipeline
      const stepMs = (await timeIt(async () => { b.step(steps); await b.finish(); })) / steps;
      const estimateMs = (await timeIt(async () => { for (let r = 0; r < repeats; r++) await estimateEntropies(b, options); })) / repeats;
      return { firstMs, estimateMs, stepMs };
    });
  },

  /** estimateEntropies on the GPU engine, for given velocities (vec4 flat) at step 0. */
  async entropies(query: string, particles: number[], options: EntropyOptions = {}): Promise<EntropyEstimates> {
    return withBackend(query, particles, (b) => estimateEntropies(b, options));
  },

  /** The pair pass alone on given velocities (vec4 flat), with the noise of step `step`. */
  async pairTerms(query: string, particles: number[], step: number, pairBlock?: PairBlock): Promise<number[]> {
    return withBackend(query, particles, async (b) => {
      const terms = b.device.createBuffer({ label: 'headless.terms', size: b.stepPass.termsBytes(), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      try {
        return Array.from(await b.readPairTerms(terms, step));
      } finally {
        terms.destroy();
      }
    }, pairBlock);
  },

  /** Full steps on given velocities, starting at step counter `startStep` (GPU). */
  async steps(query: string, particles: number[], startStep: number, count: number, pairBlock?: PairBlock): Promise<number[]> {
    return withBackend(query, particles, async (b) => {
      b.skipTo(startStep);
      b.step(count);
      return Array.from(await b.readParticles());
    }, pairBlock);
  },

  /**
   * Step slices (issue 10): `count` whole steps from `startStep`, and the same steps taken by
   * paced submissions of `budgets` workgroups each (cycled), on one backend from the same
   * particles. Both final states are returned; a sliced step must be bit-identical.
   */
  async slicedSteps(query: string, particles: number[], startStep: number, count: number, budgets: number[], pairBlock?: PairBlock): Promise<{ whole: number[]; sliced: number[]; submissions: number; groupsPerStep: number }> {
    return withBackend(query, particles, async (b) => {
      b.skipTo(startStep);
      b.step(count);
      const whole = Array.from(await b.readParticles());
      b.writeParticles(Float32Array.from(particles));
      b.skipTo(startStep);
      let submissions = 0;
      while (b.stepCount < startStep + count || b.midStep) {
        const a = b.advance(budgets[submissions % budgets.length], startStep + count - b.stepCount);
        submissions++;
        await a.done;
      }
      return { whole, sliced: Array.from(await b.readParticles()), submissions, groupsPerStep: b.groupsPerStep };
    }, pairBlock);
  },

  /** Pacing probe (tools/bench.ts --pacing): wall and GPU times of paced submissions of `groups` workgroups. */
  async advanceTimes(query: string, groups: number[]): Promise<{ warmUpMs: number; groupsPerStep: number; times: { groups: number; ms: number; wallMs: number; source: string }[] }> {
    return withBackend(query, undefined, async (b) => {
      const t0 = performance.now();
      await b.warmUp();
      const warmUpMs = performance.now() - t0;
      const times: { groups: number; ms: number; wallMs: number; source: string }[] = [];
      for (const g of groups) {
        const start = performance.now();
        const a = b.advance(g);
        const timing = await a.done;
        times.push({ groups: a.groups, ms: timing.ms, wallMs: performance.now() - start, source: timing.source });
      }
      return { warmUpMs, groupsPerStep: b.groupsPerStep, times };
    });
  },

  /**
   * `pairTerms` (noise of step `termsStep`) and then `steps` on one backend: one pipeline
   * compilation instead of two, which is most of a small GPU test's time on SwiftShader.
   */
  async pairTermsAndSteps(query: string, particles: number[], termsStep: number, startStep: number, count: number): Promise<{ terms: number[]; particles: number[] }> {
    return withBackend(query, particles, async (b) => {
      const buffer = b.device.createBuffer({ label: 'headless.terms', size: b.stepPass.termsBytes(), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      try {
        const terms = Array.from(await b.readPairTerms(buffer, termsStep));
        b.skipTo(startStep);
        b.step(count);
        return { terms, particles: Array.from(await b.readParticles()) };
      } finally {
        buffer.destroy();
      }
    });
  },

  /** One point of an N-sweep: a fresh run of `steps` steps, reduced to the quantity (GPU tests). */
  async sweepPoint(query: string, steps: number, quantity: SweepQuantity): Promise<SweepPoint> {
    return withBackend(query, undefined, (b) => sweepPoint(b, quantity, steps));
  },

  /**
   * `npm run sweep`: the app's N-sweep (engine/sweepExperiment.ts runSweep) on this page's GPU.
   * Progress and measured points go to `window.mflSweepLog` when the runner exposes it.
   */
  async sweep(req: SweepRequest): Promise<SweepOutput> {
    const log = (window as unknown as { mflSweepLog?: (line: string) => void }).mflSweepLog;
    let last = '';
    const g = await gpu();
    return runSweep({ kind: 'webgpu', create: (p) => WebGpuBackend.create(g, p) }, req, {
      onProgress: (p) => {
        if (p.label !== last) log?.((last = p.label));
      },
      onPoint: (noise, pt) => log?.(`${noise} N=${pt.n}: ${req.quantity} = ${pt.value.toExponential(3)} ± ${pt.stdErr.toExponential(2)}`),
    });
  },

  /**
   * interactions=batch (models.md §1.5): the GPU's random partition of every replica at `step`,
   * [replica][position] = particle index (BatchStepPass.encodePartitionOrder, on its own buffers).
   */
  async batchPartition(query: string, step: number): Promise<number[][]> {
    const { device } = await gpu();
    const p = paramsOf(query);
    const size = p.n * p.replicas * 16;
    const mk = (k: number) => device.createBuffer({ label: `headless.partition${k}`, size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const buffers = [mk(0), mk(1)] as const;
    const ring = new UniformRing(device, 1);
    const staging = device.createBuffer({ label: 'headless.partitionStaging', size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      const pass = await BatchStepPass.create(device, p, buffers, ring);
      ring.write([{ n: p.n, replicas: p.replicas, step, seed: p.seed, dt: p.dt, gamma: p.gamma, eps2: p.eps * p.eps, invN: 1 / p.n, groupBase: 0, replicaBase: 0 }]);
      const e = device.createCommandEncoder({ label: 'headless.partitionEncoder' });
      const cp = e.beginComputePass({ label: 'headless.partitionPass' });
      pass.encodePartitionOrder(cp, 0, 0);
      cp.end();
      e.copyBufferToBuffer(buffers[1], 0, staging, 0, size);
      device.queue.submit([e.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const raw = new Float32Array(staging.getMappedRange().slice(0));
      return Array.from({ length: p.replicas }, (_, r) => Array.from({ length: p.n }, (_, q) => raw[(r * p.n + q) * 4]));
    } finally {
      staging.destroy();
      buffers.forEach((b) => b.destroy());
      ring.destroy();
    }
  },

  /** `count` steps from `startStep` on given particles (vec4 flat), returning the state after each step. */
  async stepsEach(query: string, particles: number[], startStep: number, count: number): Promise<number[][]> {
    return withBackend(query, particles, async (b) => {
      b.skipTo(startStep);
      const states: number[][] = [];
      for (let k = 0; k < count; k++) {
        b.step(1);
        states.push(Array.from(await b.readParticles()));
      }
      return states;
    });
  },

  async rngStream(kind: RngKind, inputs: number[]): Promise<{ words: number[]; normals: number[] }> {
    const r = await gpuRngStream((await gpu()).device, kind, Uint32Array.from(inputs));
    return { words: Array.from(r.words), normals: Array.from(r.normals) };
  },

  /** `npm run bench -- --batch`: steps/s of random batches (models.md §1.5) at one (N, p, noise). */
  async benchBatch(req: BatchBenchRequest): Promise<BatchBenchRow> {
    return benchBatch(await gpu(), req);
  },

  async bench(req: BenchRequest): Promise<BenchRow[]> {
    return benchLandau(await gpu(), req);
  },

  /** Pacing figures (issue 10): submission GPU times and pause latency (tools/bench.ts --pacing). */
  async benchPacing(req: PacingRequest): Promise<PacingRow> {
    return benchPacing(await gpu(), req);
  },
};

export type HeadlessApi = typeof headlessApi;
