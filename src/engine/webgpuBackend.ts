/**
 * The WebGPU engine: particle state stays on the GPU in two ping-pong buffers; each step is one
 * dispatch of the fused pair-sum + update kernel of the parameter set's model (Landau, first-order
 * or torus: createStepPass); moments and particles are read back through staging buffers whose
 * `mapAsync` resolves later, so readbacks never stall the step loop.
 */
import { describeAdapter, type GpuContext } from '../gpu/device';
import { MOMENT_SLOTS, PARTICLE_BYTES, type StepParamsValues } from '../gpu/layout';
import { createStepPass, type StepPass } from '../gpu/passes/stepPass';
import type { PairBlock } from '../gpu/passes/landauStep';
import { MomentsPass } from '../gpu/passes/moments';
import { NeighbourStatistics, type BandwidthRule, type NeighbourMeasurement } from '../gpu/neighbourStatistics';
import { UniformRing } from '../gpu/uniformRing';
import { sampleInitial } from '../physics/init';
import { momentsFromSums, type ReplicaMoments } from '../physics/moments';
import type { Params } from '../physics/params';
import type { Backend } from './backend';

/** Steps encoded per submission (one uniform slot each). */
export const STEPS_PER_SUBMIT = 64;

export class WebGpuBackend implements Backend {
  readonly kind = 'webgpu' as const;
  readonly adapter: string;
  private steps = 0;
  private parity: 0 | 1 = 0;
  private destroyed = false;
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
    const mk = (k: number) => device.createBuffer({
      label: `WebGpuBackend.particles${k}`,
      size: count * PARTICLE_BYTES,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | GPUBufferUsage.VERTEX,
    });
    const particles = [mk(0), mk(1)] as const;
    device.queue.writeBuffer(particles[0], 0, Float32Array.from(initial));
    const ring = new UniformRing(device, STEPS_PER_SUBMIT);
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

  uniformsFor(step: number): StepParamsValues {
    const p = this.params;
    return { n: p.n, replicas: p.replicas, step, seed: p.seed, dt: p.dt, gamma: p.gamma, eps2: p.eps * p.eps, invN: 1 / p.n };
  }

  private writeUniforms(firstStep: number, count: number): void {
    this.ring.write(Array.from({ length: count }, (_, k) => this.uniformsFor(firstStep + k)));
  }

  step(k: number): void {
    if (this.destroyed) throw new Error('WebGpuBackend: step() after destroy()');
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
    this.neighbours ??= new NeighbourStatistics(this.gpu.device, { n: this.params.n, replicas: this.params.replicas });
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
  }
}
