/**
 * What the three step passes share (landau_step.wgsl, first_order_step.wgsl, torus_step.wgsl):
 * one fused Euler–Maruyama step entry reading particles[parity] and writing particles[1 − parity],
 * and a `pairTerms` entry writing PAIR_TERMS_VEC4 vec4f per particle (tests, benchmark), both
 * dispatched as (ceil(N / STEP_WORKGROUP), R) with the step uniforms from the UniformRing.
 * The model-specific passes only choose the module, the entry point and the override constants.
 */
import { PAIR_TERMS_VEC4, PARTICLE_BYTES, StepParamsLayout } from '../layout';
import { compileModule } from '../shaderSource';
import type { UniformRing } from '../uniformRing';

/** Workgroup size = tile length of the pair sweep (override WG in the step shaders). */
export const STEP_WORKGROUP = 128;

/**
 * The workgroup grid of one step: `columns` = ceil(N / (WG·perInvocation)) workgroups per
 * replica, `rows` = R replicas. A step may be dispatched whole or as rectangles of this grid
 * (step slices, shaders/step_slice.wgsl); the uniforms of each rectangle carry its offset
 * (StepParams.groupBase, replicaBase).
 */
export interface StepGrid {
  columns: number;
  rows: number;
}

/** A rectangle of a step's grid: columns [column, column + columns) of rows [row, row + rows). */
export interface GridRect {
  column: number;
  columns: number;
  row: number;
  rows: number;
}

/** The backend's view of a step pass (any model). */
export interface StepPass {
  /** The workgroup grid of one step. */
  readonly grid: StepGrid;
  /**
   * One step, or the rectangle `rect` of it, reading particles[parity] and writing
   * particles[1 − parity], uniforms from `slot` (whose groupBase/replicaBase must equal
   * rect.column/rect.row; 0 for a whole step).
   */
  encodeStep(pass: GPUComputePassEncoder, slot: number, parity: 0 | 1, rect?: GridRect): void;
  /** Size in bytes of the buffer `encodePairTerms` writes. */
  termsBytes(): number;
  /** Bind group for the pair pass alone (create once, reuse). */
  termsBindGroup(input: GPUBuffer, terms: GPUBuffer): GPUBindGroup;
  encodePairTerms(pass: GPUComputePassEncoder, slot: number, group: GPUBindGroup): void;
  /** Particles per invocation of the pair sweep (Landau's PB; 1 for the other models). */
  readonly perInvocation: number;
  destroy(): void;
}

export interface PairStepSpec {
  /** Owner name for labels ('LandauStepPass'). */
  owner: string;
  /** Variant shown in pipeline labels ('nanbu', 'coulomb'…). */
  variant: string;
  code: string;
  stepEntry: string;
  constants: Record<string, number>;
  /** Particles per invocation (Landau's PB): the dispatch is (ceil(N / (WG·perInvocation)), R). */
  perInvocation?: number;
  n: number;
  replicas: number;
}

/** The GPU objects of a step pass, built once by PairStepPass.build. */
export interface PairStepParts {
  device: GPUDevice;
  spec: PairStepSpec;
  ring: UniformRing;
  module: GPUShaderModule;
  stepPipeline: GPUComputePipeline;
  termsLayout: GPUBindGroupLayout;
  /** [0]: reads particles[0], writes particles[1]; [1]: the reverse. */
  stepBindGroups: readonly [GPUBindGroup, GPUBindGroup];
}

export class PairStepPass implements StepPass {
  private readonly parts: PairStepParts;
  /**
   * The pair pass alone is only used by tests and the benchmark: its pipeline is compiled on
   * first use, so creating a backend (every parameter change in the app) compiles one pipeline.
   */
  private termsPipeline: GPUComputePipeline | null = null;

  protected constructor(parts: PairStepParts) {
    this.parts = parts;
  }

  /** Compiles the module and builds both pipelines and the ping-pong bind groups. */
  protected static async build(
    device: GPUDevice,
    spec: PairStepSpec,
    particles: readonly [GPUBuffer, GPUBuffer],
    ring: UniformRing,
  ): Promise<PairStepParts> {
    const { owner } = spec;
    const module = await compileModule(device, `${owner}.module`, spec.code);
    const uniformEntry: GPUBindGroupLayoutEntry = {
      binding: 0, visibility: GPUShaderStage.COMPUTE,
      buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: StepParamsLayout.size },
    };
    const readEntry: GPUBindGroupLayoutEntry = { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } };
    const stepLayout = device.createBindGroupLayout({
      label: `${owner}.stepLayout`,
      entries: [uniformEntry, readEntry, { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } }],
    });
    const termsLayout = device.createBindGroupLayout({
      label: `${owner}.termsLayout`,
      entries: [uniformEntry, readEntry, { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } }],
    });
    const stepPipeline = await device.createComputePipelineAsync({
      label: `${owner}.step(${spec.variant})`,
      layout: device.createPipelineLayout({ label: `${owner}.stepPipelineLayout`, bindGroupLayouts: [stepLayout] }),
      compute: { module, entryPoint: spec.stepEntry, constants: { WG: STEP_WORKGROUP, ...spec.constants } },
    });
    const uniform = { buffer: ring.buffer, size: StepParamsLayout.size };
    const mk = (from: GPUBuffer, to: GPUBuffer, label: string) => device.createBindGroup({
      label, layout: stepLayout,
      entries: [{ binding: 0, resource: uniform }, { binding: 1, resource: { buffer: from } }, { binding: 2, resource: { buffer: to } }],
    });
    const groups = [mk(particles[0], particles[1], `${owner}.step0to1`), mk(particles[1], particles[0], `${owner}.step1to0`)] as const;
    return { device, spec, ring, module, stepPipeline, termsLayout, stepBindGroups: groups };
  }

  get grid(): StepGrid {
    const { spec } = this.parts;
    return { columns: Math.ceil(spec.n / (STEP_WORKGROUP * (spec.perInvocation ?? 1))), rows: spec.replicas };
  }

  private dispatch(pass: GPUComputePassEncoder, rect?: GridRect): void {
    if (rect) pass.dispatchWorkgroups(rect.columns, rect.rows);
    else pass.dispatchWorkgroups(this.grid.columns, this.grid.rows);
  }

  encodeStep(pass: GPUComputePassEncoder, slot: number, parity: 0 | 1, rect?: GridRect): void {
    pass.setPipeline(this.parts.stepPipeline);
    pass.setBindGroup(0, this.parts.stepBindGroups[parity], [this.parts.ring.offset(slot)]);
    this.dispatch(pass, rect);
  }

  get perInvocation(): number {
    return this.parts.spec.perInvocation ?? 1;
  }

  termsBytes(): number {
    return this.parts.spec.n * this.parts.spec.replicas * PAIR_TERMS_VEC4 * PARTICLE_BYTES;
  }

  termsBindGroup(input: GPUBuffer, terms: GPUBuffer): GPUBindGroup {
    const { device, spec, ring, termsLayout } = this.parts;
    return device.createBindGroup({
      label: `${spec.owner}.termsBindGroup`, layout: termsLayout,
      entries: [{ binding: 0, resource: { buffer: ring.buffer, size: StepParamsLayout.size } }, { binding: 1, resource: { buffer: input } }, { binding: 3, resource: { buffer: terms } }],
    });
  }

  encodePairTerms(pass: GPUComputePassEncoder, slot: number, group: GPUBindGroup): void {
    const { device, spec, module, termsLayout, ring } = this.parts;
    this.termsPipeline ??= device.createComputePipeline({
      label: `${spec.owner}.pairTerms(${spec.variant})`,
      layout: device.createPipelineLayout({ label: `${spec.owner}.termsPipelineLayout`, bindGroupLayouts: [termsLayout] }),
      compute: { module, entryPoint: 'pairTerms', constants: { WG: STEP_WORKGROUP, ...spec.constants } },
    });
    pass.setPipeline(this.termsPipeline);
    pass.setBindGroup(0, group, [ring.offset(slot)]);
    this.dispatch(pass);
  }

  destroy(): void {
    // Pipelines and bind groups are garbage-collected; the buffers belong to the backend.
  }
}
