/**
 * Owns shaders/moments.wgsl: per-replica moment sums (models.md §4) into a small buffer that the
 * backend copies to a mappable staging buffer, so readbacks never stall the step loop.
 */
import { MOMENT_SLOTS, StepParamsLayout } from '../layout';
import { compileModule, shaderSources } from '../shaderSource';
import type { UniformRing } from '../uniformRing';

/**
 * One pipeline per device, shared by every backend: it has no specialisation constants, and on a
 * CPU adapter (SwiftShader) compiling its 256-wide reduction takes seconds, which every backend
 * creation (each reset or parameter change) would otherwise pay. Bind groups are per pass.
 */
const pipelines = new WeakMap<GPUDevice, Promise<GPUComputePipeline>>();

function momentsPipeline(device: GPUDevice): Promise<GPUComputePipeline> {
  let p = pipelines.get(device);
  if (!p) {
    p = compileModule(device, 'MomentsPass.module', shaderSources.moments).then((module) =>
      device.createComputePipelineAsync({ label: 'MomentsPass.pipeline', layout: 'auto', compute: { module, entryPoint: 'replicaMoments' } }));
    p.catch(() => pipelines.delete(device)); // a failed compilation is not cached
    pipelines.set(device, p);
  }
  return p;
}

export class MomentsPass {
  readonly sums: GPUBuffer;
  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroups: readonly [GPUBindGroup, GPUBindGroup],
    private readonly replicas: number,
    sums: GPUBuffer,
  ) {
    this.sums = sums;
  }

  static async create(device: GPUDevice, replicas: number, particles: readonly [GPUBuffer, GPUBuffer], ring: UniformRing): Promise<MomentsPass> {
    const pipeline = await momentsPipeline(device);
    const sums = device.createBuffer({ label: 'MomentsPass.sums', size: replicas * MOMENT_SLOTS * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const mk = (buf: GPUBuffer, k: number) => device.createBindGroup({
      label: `MomentsPass.bindGroup${k}`, layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: ring.buffer, size: StepParamsLayout.size } }, { binding: 1, resource: { buffer: buf } }, { binding: 2, resource: { buffer: sums } }],
    });
    return new MomentsPass(pipeline, [mk(particles[0], 0), mk(particles[1], 1)], replicas, sums);
  }

  /** Reduces particles[parity]; the ring's slot 0 must hold the current N. */
  encode(pass: GPUComputePassEncoder, parity: 0 | 1): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroups[parity]);
    pass.dispatchWorkgroups(this.replicas);
  }

  destroy(): void {
    this.sums.destroy();
  }
}
