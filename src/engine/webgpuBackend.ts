/**
 * The WebGPU engine: particle state stays on the GPU in two ping-pong buffers; each step is one
 * dispatch of the fused pair-sum + update kernel of the parameter set's model (Landau, first-order
 * or torus: createStepPass); moments and particles are read back through staging buffers whose
 * `mapAsync` resolves later, so readbacks never stall the step loop.
 */
import { describeAdapter, type GpuContext } from '../gpu/device';
import { MOMENT_SLOTS, PARTICLE_BYTES, type StepParamsValues } from '../gpu/layout';
import { createStepPass, type StepPass } from '../gpu/passes/stepPass';
import type { GridRect } from '../gpu/passes/pairStepPass';
import { groupsPerStep, rectsOfRange } from '../gpu/stepSlices';
import { SubmitTimer, type SubmitTiming } from '../gpu/submitTimer';
import type { PairBlock } from '../gpu/passes/landauStep';
import { MomentsPass } from '../gpu/passes/moments';
import { NeighbourStatistics, type BandwidthRule, type NeighbourMeasurement } from '../gpu/neighbourStatistics';
import { UniformRing } from '../gpu/uniformRing';
import { sampleInitial } from '../physics/init';
import { momentsFromSums, type ReplicaMoments } from '../physics/moments';
import { adapterLimitErrors, type Params } from '../physics/params';
import { batchCount } from '../physics/landau/randomBatch';
import { neighbourSampleSize, pooledPerReplica } from './diagnostics';
import { BATCH_WORKGROUP } from '../gpu/passes/batchStep';
import { STEP_WORKGROUP } from '../gpu/passes/pairStepPass';
import type { Backend } from './backend';

/** Most whole steps encoded per submission (one uniform slot each). */
export const STEPS_PER_SUBMIT = 64;
/**
 * Uniform slots: a paced submission (`advance`) holds up to STEPS_PER_SUBMIT steps, and a step
 * cut by the start or the end of the submission needs up to two more rectangles (step slices).
 */
const RING_SLOTS = STEPS_PER_SUBMIT + 4;

/** What one paced submission (`WebGpuBackend.advance`) encoded. */
export interface Advance {
  /** Workgroups dispatched (of groupsPerStep(grid) per step). */
  groups: number;
  /** Steps this submission completes (0 while it only advances a slice of one step). */
  stepsCompleted: number;
  /** Resolves with the submission's GPU time once it has finished. */
  done: Promise<SubmitTiming>;
}

export class WebGpuBackend implements Backend {
  readonly kind = 'webgpu' as const;
  readonly adapter: string;
  private steps = 0;
  private parity: 0 | 1 = 0;
  /** Workgroups of step `steps` already dispatched (0 at a step boundary): step slices. */
  private cursor = 0;
  private destroyed = false;
  private timer: SubmitTimer | null = null;
  /** GPU side of the entropy diagnostics, created on first use. */
  private neighbours: NeighbourStatistics | null = null;

  private constructor(
    private readonly gpu: GpuContext,
    readonly params: Readonly<Params>,
    private readonly particles: readonly [GPUBuffer, GPUBuffer],
    private readonly ring: UniformRing,
    readonly stepPass: StepPass,
    private readonly momentsPass: MomentsPass,
  ) {
    this.adapter = describeAdapter(gpu.adapter);
  }

  /** `pairBlock` forces the Landau pass's particles per invocation (tests, benchmark); default by adapter. */
  static async create(gpu: GpuContext, params: Readonly<Params>, initial: Float64Array = sampleInitial(params), pairBlock?: PairBlock): Promise<WebGpuBackend> {
    const { device } = gpu;
    const count = params.n * params.replicas;
    // A run over the adapter's limits is refused here with a message naming the limit, before any
    // buffer exists (never a WebGPU validation error). The step grid's x size is checked too.
    const columns = params.interactions === 'batch' ? Math.ceil(batchCount(params.n, params.batch) / BATCH_WORKGROUP) : Math.ceil(params.n / STEP_WORKGROUP);
    const over = adapterLimitErrors(params as Params, device.limits, columns);
    if (over.length) throw new Error(over.map((e) => e.message).join('\n'));
    const mk = (k: number) => device.createBuffer({
      label: `WebGpuBackend.particles${k}`,
      size: count * PARTICLE_BYTES,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | GPUBufferUsage.VERTEX,
    });
    const particles = [mk(0), mk(1)] as const;
    device.queue.writeBuffer(particles[0], 0, Float32Array.from(initial));
    const ring = new UniformRing(device, RING_SLOTS);
    try {
      const stepPass = await createStepPass(device, params, particles, ring, { cpuAdapter: gpu.adapter.isFallback, pairBlock });
      const momentsPass = await MomentsPass.create(device, params.replicas, particles, ring);
      const backend = new WebGpuBackend(gpu, params, particles, ring, stepPass, momentsPass);
      backend.writeUniforms(0, 1); // slot 0 holds N for the moments pass before any step
      return backend;
    } catch (e) {
      particles.forEach((b) => b.destroy());
      ring.destroy();
      throw e;
    }
  }

  get stepCount(): number {
    return this.steps;
  }

  get device(): GPUDevice {
    return this.gpu.device;
  }

  /** The buffer holding the current velocities or positions (vec4; w = circulation for first-order). */
  get currentBuffer(): GPUBuffer {
    return this.particles[this.parity];
  }

  /** Uniforms of step `step`, or of the rectangle `rect` of it (step slices). */
  uniformsFor(step: number, rect?: GridRect): StepParamsValues {
    const p = this.params;
    return {
      n: p.n, replicas: p.replicas, step, seed: p.seed, dt: p.dt, gamma: p.gamma, eps2: p.eps * p.eps, invN: 1 / p.n,
      groupBase: rect?.column ?? 0, replicaBase: rect?.row ?? 0,
    };
  }

  /** Workgroups of one whole step (the unit of `advance`'s budget). */
  get groupsPerStep(): number {
    return groupsPerStep(this.stepPass.grid);
  }

  /** Pair interactions of one workgroup (pacing estimates): WG·PB particles against N partners. */
  get pairsPerGroup(): number {
    // Random batches (models.md §1.5): N·(s − 1) pair terms per replica, s ≈ p.
    const partners = this.params.interactions === 'batch' ? this.params.batch - 1 : this.params.n;
    return (this.params.n * partners * this.params.replicas) / this.groupsPerStep;
  }

  /** How `advance` submissions are timed (gpu/submitTimer.ts). */
  get timingSource(): 'timestamps' | 'wall' {
    return this.gpu.device.features.has('timestamp-query') ? 'timestamps' : 'wall';
  }

  /** True between the slices of a step (`advance` stopped inside it). */
  get midStep(): boolean {
    return this.cursor !== 0;
  }

  /**
   * One paced submission (issue 10): dispatches the next `groups` workgroups of the run, at most
   * `maxSteps` whole steps, continuing a step left unfinished by the previous call. A step cut in
   * slices is bit-identical to the whole step (shaders/step_slice.wgsl); the state readable from
   * `currentBuffer` is always that of a completed step (slices write the other buffer).
   */
  advance(groups: number, maxSteps = STEPS_PER_SUBMIT): Advance {
    if (this.destroyed) throw new Error('WebGpuBackend: advance() after destroy()');
    if (!(groups >= 1)) throw new RangeError(`WebGpuBackend.advance: groups must be ≥ 1 (got ${groups})`);
    const { device } = this.gpu;
    this.timer ??= new SubmitTimer(device);
    const total = this.groupsPerStep;
    const maxK = Math.max(1, Math.min(STEPS_PER_SUBMIT, Math.floor(maxSteps)));
    // Plan: (step, rectangle) pieces in order.
    const pieces: { step: number; rect: GridRect | undefined; completes: boolean }[] = [];
    let budget = Math.floor(groups);
    let cursor = this.cursor;
    let step = this.steps;
    let completed = 0;
    let dispatched = 0;
    while (budget > 0 && completed < maxK) {
      const take = Math.min(budget, total - cursor);
      if (cursor === 0 && take === total) {
        pieces.push({ step, rect: undefined, completes: true });
      } else {
        const rects = rectsOfRange(this.stepPass.grid, cursor, cursor + take);
        rects.forEach((rect, k) => pieces.push({ step, rect, completes: k === rects.length - 1 && cursor + take === total }));
      }
      budget -= take;
      dispatched += take;
      cursor += take;
      if (cursor === total) {
        cursor = 0;
        step++;
        completed++;
      }
    }
    this.ring.write(pieces.map((q) => this.uniformsFor(q.step, q.rect)));
    const encoder = device.createCommandEncoder({ label: 'WebGpuBackend.advanceEncoder' });
    pieces.forEach((q, slot) => {
      const pass = encoder.beginComputePass({ label: 'WebGpuBackend.stepPass', timestampWrites: this.timer!.passWrites(slot === 0, slot === pieces.length - 1) });
      this.stepPass.encodeStep(pass, slot, this.parity, q.rect);
      pass.end();
      if (q.completes) this.parity = (1 - this.parity) as 0 | 1;
    });
    const done = this.timer.submit(encoder);
    this.steps = step;
    this.cursor = cursor;
    return { groups: dispatched, stepsCompleted: completed, done };
  }

  private writeUniforms(firstStep: number, count: number): void {
    this.ring.write(Array.from({ length: count }, (_, k) => this.uniformsFor(firstStep + k)));
  }

  step(k: number): void {
    if (this.destroyed) throw new Error('WebGpuBackend: step() after destroy()');
    if (this.cursor !== 0) throw new Error('WebGpuBackend: step() in the middle of a sliced step (finish it with advance())');
    const { device } = this.gpu;
    for (let done = 0; done < k; ) {
      const batch = Math.min(STEPS_PER_SUBMIT, k - done);
      this.writeUniforms(this.steps, batch);
      const encoder = device.createCommandEncoder({ label: 'WebGpuBackend.stepEncoder' });
      for (let s = 0; s < batch; s++) {
        // One compute pass per step: passes are the synchronisation points between dispatches.
        const pass = encoder.beginComputePass({ label: 'WebGpuBackend.stepPass' });
        this.stepPass.encodeStep(pass, s, this.parity);
        pass.end();
        this.parity = (1 - this.parity) as 0 | 1;
      }
      device.queue.submit([encoder.finish()]);
      this.steps += batch;
      done += batch;
    }
  }

  /**
   * Runs one workgroup of the step shader into the buffer the next step overwrites, and resolves
   * when it has finished: implementations that compile a pipeline at its first dispatch
   * (SwiftShader: seconds for the Landau step) do it here, while the run is being built, not
   * inside the first paced submission, where it would delay Pause. The state is unchanged.
   */
  async warmUp(): Promise<void> {
    if (this.cursor !== 0) return;
    const rect: GridRect = { column: 0, columns: 1, row: 0, rows: 1 };
    this.ring.write([this.uniformsFor(this.steps, rect)]);
    const encoder = this.gpu.device.createCommandEncoder({ label: 'WebGpuBackend.warmUpEncoder' });
    const pass = encoder.beginComputePass({ label: 'WebGpuBackend.warmUpPass' });
    this.stepPass.encodeStep(pass, 0, this.parity, rect);
    pass.end();
    this.gpu.device.queue.submit([encoder.finish()]);
    await this.gpu.device.queue.onSubmittedWorkDone();
  }

  /** Copies `size` bytes of `src` into a fresh staging buffer and maps it (no stall of later submits). */
  private async readBack(src: GPUBuffer, size: number, encodeBefore?: (e: GPUCommandEncoder) => void): Promise<ArrayBuffer> {
    const { device } = this.gpu;
    const staging = device.createBuffer({ label: 'WebGpuBackend.staging', size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = device.createCommandEncoder({ label: 'WebGpuBackend.readbackEncoder' });
    encodeBefore?.(encoder);
    encoder.copyBufferToBuffer(src, 0, staging, 0, size);
    device.queue.submit([encoder.finish()]);
    try {
      await staging.mapAsync(GPUMapMode.READ);
      return staging.getMappedRange().slice(0);
    } finally {
      staging.destroy();
    }
  }

  async readMoments(): Promise<ReplicaMoments[]> {
    const { n, d, replicas } = this.params;
    const parity = this.parity;
    const raw = await this.readBack(this.momentsPass.sums, replicas * MOMENT_SLOTS * 4, (e) => {
      const pass = e.beginComputePass({ label: 'WebGpuBackend.momentsPass' });
      this.momentsPass.encode(pass, parity);
      pass.end();
    });
    const sums = new Float32Array(raw);
    return Array.from({ length: replicas }, (_, r) => momentsFromSums(sums.subarray(r * MOMENT_SLOTS, (r + 1) * MOMENT_SLOTS), n, d));
  }

  async readParticles(): Promise<Float32Array> {
    const size = this.params.n * this.params.replicas * PARTICLE_BYTES;
    return new Float32Array(await this.readBack(this.particles[this.parity], size));
  }

  /** Replaces the current velocities (tests: start GPU and CPU from the same float32 state). */
  writeParticles(v: Float32Array<ArrayBuffer>): void {
    this.gpu.device.queue.writeBuffer(this.particles[this.parity], 0, v);
  }

  /** Sets the step counter (tests: take step k of a run from a given state). */
  skipTo(step: number): void {
    if (this.cursor !== 0) throw new Error('WebGpuBackend: skipTo() in the middle of a sliced step');
    this.steps = step;
  }

  /** The pair pass alone (drift, Ā, noise sums of step `step`) on the current velocities. */
  async readPairTerms(terms: GPUBuffer, step: number): Promise<Float32Array> {
    this.writeUniforms(step, 1);
    const group = this.stepPass.termsBindGroup(this.particles[this.parity], terms);
    const raw = await this.readBack(terms, this.stepPass.termsBytes(), (e) => {
      const pass = e.beginComputePass({ label: 'WebGpuBackend.pairTermsPass' });
      this.stepPass.encodePairTerms(pass, 0, group);
      pass.end();
    });
    return new Float32Array(raw);
  }

  /**
   * k-NN distances and KDE score sums of the velocities as they are now (snapshot taken in queue
   * order before this returns; later steps do not affect it), for engine/diagnostics.ts.
   */
  measureNeighbours(k: number, bandwidthsOf: BandwidthRule): Promise<NeighbourMeasurement> {
    if (this.destroyed) return Promise.reject(new Error('WebGpuBackend: measureNeighbours() after destroy()'));
    // Above NEIGHBOUR_SAMPLE_MAX per replica: the first particles, a random subsample (diagnostics.ts).
    // The k-NN search pools the first pooledPerReplica(N, R) of every replica (diagnostics.ts).
    this.neighbours ??= new NeighbourStatistics(this.gpu.device, { n: neighbourSampleSize(this.params.n), replicas: this.params.replicas }, this.params.n, pooledPerReplica(this.params.n, this.params.replicas));
    return this.neighbours.measure(this.currentBuffer, k, bandwidthsOf);
  }

  async finish(): Promise<void> {
    await this.gpu.device.queue.onSubmittedWorkDone();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.particles.forEach((b) => b.destroy());
    this.ring.destroy();
    this.momentsPass.destroy();
    this.stepPass.destroy();
    this.neighbours?.destroy();
    this.timer?.destroy();
  }
}
