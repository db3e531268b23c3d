/**
 * Owns shaders/batch_step.wgsl's pipelines (models.md §1.5): one step of the Landau systems with
 * random batches — one dispatch of (ceil(B / WG), R) invocations, one per batch, each computing
 * its particles' Feistel positions on the fly (src/physics/permutation.ts) — and, for tests, the
 * partition alone (`encodePartitionOrder`). It implements the StepPass interface of the all-pairs
 * passes, with its own grid, so that WebGpuBackend.step/advance and step slices (issue 10) work
 * unchanged: a rectangle of the grid is a range of batches of some replicas.
 *
 * GPU memory: nothing beyond the backend's two particle buffers (16 B per particle each) and the
 * uniform ring; the partition is never stored.
 */
import { isExactPairs, batchCount } from '../../physics/landau/randomBatch';
import { feistelHalfBits } from '../../physics/permutation';
import type { Params } from '../../physics/params';
import { StepParamsLayout } from '../layout';
import { compileModule, shaderSources } from '../shaderSource';
import type { UniformRing } from '../uniformRing';
import { gammaMode } from './landauStep';
import type { GridRect, StepGrid, StepPass } from './pairStepPass';

/** Batches per workgroup (override WG of batch_step.wgsl). */
export const BATCH_WORKGROUP = 128;

export type BatchStepConfig = Pick<Params, 'd' | 'noise' | 'gamma' | 'rng' | 'n' | 'replicas' | 'batch'>;

/** The WGSL source with the array size of the largest batch (2p − 1, or N when N < p). */
export function batchStepSource(cfg: Pick<Params, 'n' | 'batch'>): string {
  const slots = Math.max(2, Math.min(cfg.n, 2 * cfg.batch - 1));
  return `const MAX_SLOTS: u32 = ${slots}u;\n${shaderSources.batchStep}`;
}

/** batch_step.wgsl's NOISE of each noise system (3 is kac's exact pairs, p = 2). */
const BATCH_NOISE_IDS: Record<Params['noise'], number> = { nanbu: 0, fgm: 1, kac: 2, rotation: 4, 'rotation-shared': 5 };

/** Override constants of batch_step.wgsl for a parameter set. */
export function batchStepConstants(cfg: BatchStepConfig): Record<string, number> {
  return {
    D: cfg.d,
    NOISE: isExactPairs(cfg) ? 3 : BATCH_NOISE_IDS[cfg.noise],
    WG: BATCH_WORKGROUP,
    BATCH: cfg.batch,
    HALF_BITS: feistelHalfBits(cfg.n),
    GAMMA_MODE: gammaMode(cfg.gamma),
    RNG_KIND: cfg.rng === 'pcg4d' ? 0 : 1,
  };
}

export class BatchStepPass implements StepPass {
  readonly perInvocation = 1;
  private partitionPipeline: GPUComputePipeline | null = null;

  private constructor(
    private readonly device: GPUDevice,
    private readonly cfg: BatchStepConfig,
    private readonly ring: UniformRing,
    private readonly module: GPUShaderModule,
    private readonly layout: GPUPipelineLayout,
    private readonly stepPipeline: GPUComputePipeline,
    private readonly bindGroups: readonly [GPUBindGroup, GPUBindGroup],
  ) {}

  static async create(device: GPUDevice, cfg: BatchStepConfig, particles: readonly [GPUBuffer, GPUBuffer], ring: UniformRing): Promise<BatchStepPass> {
    const module = await compileModule(device, 'BatchStepPass.module', batchStepSource(cfg));
    const bindGroupLayout = device.createBindGroupLayout({
      label: 'BatchStepPass.layout',
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: StepParamsLayout.size } },
        { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
        { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      ],
    });
    const layout = device.createPipelineLayout({ label: 'BatchStepPass.pipelineLayout', bindGroupLayouts: [bindGroupLayout] });
    const variant = isExactPairs(cfg) ? 'exact pairs' : `${cfg.noise}, p = ${cfg.batch}`;
    const stepPipeline = await device.createComputePipelineAsync({
      label: `BatchStepPass.step(${variant})`, layout,
      compute: { module, entryPoint: 'stepBatch', constants: batchStepConstants(cfg) },
    });
    const uniform = { buffer: ring.buffer, size: StepParamsLayout.size };
    const mk = (from: GPUBuffer, to: GPUBuffer, label: string) => device.createBindGroup({
      label, layout: bindGroupLayout,
      entries: [{ binding: 0, resource: uniform }, { binding: 1, resource: { buffer: from } }, { binding: 2, resource: { buffer: to } }],
    });
    const groups = [mk(particles[0], particles[1], 'BatchStepPass.step0to1'), mk(particles[1], particles[0], 'BatchStepPass.step1to0')] as const;
    return new BatchStepPass(device, cfg, ring, module, layout, stepPipeline, groups);
  }

  /** (ceil(B / WG), R): one invocation per batch. */
  get grid(): StepGrid {
    return { columns: Math.ceil(batchCount(this.cfg.n, this.cfg.batch) / BATCH_WORKGROUP), rows: this.cfg.replicas };
  }

  encodeStep(pass: GPUComputePassEncoder, slot: number, parity: 0 | 1, rect?: GridRect): void {
    pass.setPipeline(this.stepPipeline);
    pass.setBindGroup(0, this.bindGroups[parity], [this.ring.offset(slot)]);
    if (rect) pass.dispatchWorkgroups(rect.columns, rect.rows);
    else pass.dispatchWorkgroups(this.grid.columns, this.grid.rows);
  }

  /**
   * Tests: writes perm(q) of every position q of every replica (as f32 in x) into
   * particles[1 − parity], for the step in the uniforms of `slot`.
   */
  encodePartitionOrder(pass: GPUComputePassEncoder, slot: number, parity: 0 | 1): void {
    this.partitionPipeline ??= this.device.createComputePipeline({
      label: 'BatchStepPass.partitionOrder', layout: this.layout,
      compute: { module: this.module, entryPoint: 'partitionOrder', constants: batchStepConstants(this.cfg) },
    });
    pass.setPipeline(this.partitionPipeline);
    pass.setBindGroup(0, this.bindGroups[parity], [this.ring.offset(slot)]);
    pass.dispatchWorkgroups(Math.ceil(this.cfg.n / BATCH_WORKGROUP), this.cfg.replicas);
  }

  termsBytes(): number {
    throw new Error('BatchStepPass: there is no separate pair pass with interactions=batch');
  }

  termsBindGroup(): GPUBindGroup {
    throw new Error('BatchStepPass: there is no separate pair pass with interactions=batch');
  }

  encodePairTerms(): void {
    throw new Error('BatchStepPass: there is no separate pair pass with interactions=batch');
  }

  destroy(): void {
    // Pipelines and bind groups are garbage-collected; the buffers belong to the backend.
  }
}
