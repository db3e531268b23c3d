/**
 * Owns shaders/landau_step.wgsl's pipelines and bind groups (models.md §1.1): the fused
 * Euler–Maruyama step (pair sums + update) of nanbu, fgm or kac, and the pair pass alone
 * (`pairTerms`, for tests and the pair-pass benchmark).
 */
import type { Noise } from '../../physics/params';
import type { RngKind } from '../../physics/rng';
import { PAIR_TERMS_VEC4, PARTICLE_BYTES } from '../layout';
import { compileModule, shaderSources } from '../shaderSource';
import type { UniformRing } from '../uniformRing';

/** Workgroup size = tile length of the pair sweep (override WG in landau_step.wgsl). */
export const STEP_WORKGROUP = 128;

export interface LandauStepConfig {
  d: 2 | 3;
  noise: Noise;
  gamma: number;
  rng: RngKind;
  n: number;
  replicas: number;
}

/** Hot-path specialisation by override constant (conventions.md): γ = 0 needs no pow, γ = −3 one inverseSqrt. */
export function gammaMode(gamma: number): number {
  return gamma === 0 ? 1 : gamma === -3 ? 2 : 0;
}

export class LandauStepPass {
  private constructor(
    private readonly device: GPUDevice,
    private readonly cfg: LandauStepConfig,
    private readonly ring: UniformRing,
    private readonly stepPipeline: GPUComputePipeline,
    private readonly termsPipeline: GPUComputePipeline,
    private readonly termsLayout: GPUBindGroupLayout,
    /** [0]: reads particles[0], writes particles[1]; [1]: the reverse. */
    private readonly stepBindGroups: readonly [GPUBindGroup, GPUBindGroup],
  ) {}

  static async create(device: GPUDevice, cfg: LandauStepConfig, particles: readonly [GPUBuffer, GPUBuffer], ring: UniformRing): Promise<LandauStepPass> {
    const module = await compileModule(device, 'LandauStepPass.module', shaderSources.landauStep);
    const uniformEntry: GPUBindGroupLayoutEntry = {
      binding: 0, visibility: GPUShaderStage.COMPUTE,
      buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: 32 },
    };
    const readEntry: GPUBindGroupLayoutEntry = { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } };
    const stepLayout = device.createBindGroupLayout({
      label: 'LandauStepPass.stepLayout',
      entries: [uniformEntry, readEntry, { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } }],
    });
    const termsLayout = device.createBindGroupLayout({
      label: 'LandauStepPass.termsLayout',
      entries: [uniformEntry, readEntry, { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } }],
    });
    const constants: Record<string, number> = {
      WG: STEP_WORKGROUP,
      D: cfg.d,
      NOISE: { nanbu: 0, fgm: 1, kac: 2 }[cfg.noise],
      GAMMA_MODE: gammaMode(cfg.gamma),
      RNG_KIND: cfg.rng === 'pcg4d' ? 0 : 1,
    };
    const [stepPipeline, termsPipeline] = await Promise.all([
      device.createComputePipelineAsync({
        label: `LandauStepPass.step(${cfg.noise})`,
        layout: device.createPipelineLayout({ label: 'LandauStepPass.stepPipelineLayout', bindGroupLayouts: [stepLayout] }),
        compute: { module, entryPoint: cfg.noise === 'nanbu' ? 'stepNanbu' : 'stepPairNoise', constants },
      }),
      device.createComputePipelineAsync({
        label: `LandauStepPass.pairTerms(${cfg.noise})`,
        layout: device.createPipelineLayout({ label: 'LandauStepPass.termsPipelineLayout', bindGroupLayouts: [termsLayout] }),
        compute: { module, entryPoint: 'pairTerms', constants },
      }),
    ]);
    const uniform = { buffer: ring.buffer, size: 32 };
    const mk = (from: GPUBuffer, to: GPUBuffer, label: string) => device.createBindGroup({
      label, layout: stepLayout,
      entries: [{ binding: 0, resource: uniform }, { binding: 1, resource: { buffer: from } }, { binding: 2, resource: { buffer: to } }],
    });
    const groups = [mk(particles[0], particles[1], 'LandauStepPass.step0to1'), mk(particles[1], particles[0], 'LandauStepPass.step1to0')] as const;
    return new LandauStepPass(device, cfg, ring, stepPipeline, termsPipeline, termsLayout, groups);
  }

  private dispatch(pass: GPUComputePassEncoder): void {
    pass.dispatchWorkgroups(Math.ceil(this.cfg.n / STEP_WORKGROUP), this.cfg.replicas);
  }

  /** One step reading particles[parity] and writing particles[1 − parity], uniforms from `slot`. */
  encodeStep(pass: GPUComputePassEncoder, slot: number, parity: 0 | 1): void {
    pass.setPipeline(this.stepPipeline);
    pass.setBindGroup(0, this.stepBindGroups[parity], [this.ring.offset(slot)]);
    this.dispatch(pass);
  }

  /** Size in bytes of the buffer `encodePairTerms` writes. */
  termsBytes(): number {
    return this.cfg.n * this.cfg.replicas * PAIR_TERMS_VEC4 * PARTICLE_BYTES;
  }

  /** Bind group for the pair pass alone (create once, reuse: it is cheap but not free). */
  termsBindGroup(input: GPUBuffer, terms: GPUBuffer): GPUBindGroup {
    return this.device.createBindGroup({
      label: 'LandauStepPass.termsBindGroup', layout: this.termsLayout,
      entries: [{ binding: 0, resource: { buffer: this.ring.buffer, size: 32 } }, { binding: 1, resource: { buffer: input } }, { binding: 3, resource: { buffer: terms } }],
    });
  }

  encodePairTerms(pass: GPUComputePassEncoder, slot: number, group: GPUBindGroup): void {
    pass.setPipeline(this.termsPipeline);
    pass.setBindGroup(0, group, [this.ring.offset(slot)]);
    this.dispatch(pass);
  }

  destroy(): void {
    // Pipelines and bind groups are garbage-collected; the buffers belong to the backend.
  }
}
