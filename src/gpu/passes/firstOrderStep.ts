/**
 * Owns shaders/first_order_step.wgsl's pipelines (models.md §3): the fused Euler–Maruyama step
 * of the first-order systems and the pair pass alone (`pairTerms`: the drift, for tests and the
 * benchmark). The kernel is chosen by override constants (first_order_kernel.wgsl).
 */
import { kernelCoefficient, kernelPower } from '../../physics/firstOrder/kernels';
import type { Params } from '../../physics/params';
import { shaderSources } from '../shaderSource';
import type { UniformRing } from '../uniformRing';
import { PairStepPass } from './pairStepPass';

export type FirstOrderStepConfig = Pick<Params, 'd' | 'kernel' | 'sign' | 'chi' | 's' | 'sigma' | 'rng' | 'n' | 'replicas'>;

/**
 * KERNEL override of first_order_kernel.wgsl: 0 biot-savart, 1 coulomb d = 2 (one division),
 * 2 coulomb d = 3 (one inverseSqrt), 3 riesz (one pow), 4 regular (one exp).
 */
export function kernelMode(cfg: Pick<Params, 'kernel' | 'd'>): number {
  switch (cfg.kernel) {
    case 'biot-savart':
      return 0;
    case 'coulomb':
      return cfg.d === 2 ? 1 : 2;
    case 'riesz':
      return 3;
    case 'regular':
      return 4;
  }
}

export class FirstOrderStepPass extends PairStepPass {
  static async create(device: GPUDevice, cfg: FirstOrderStepConfig, particles: readonly [GPUBuffer, GPUBuffer], ring: UniformRing): Promise<FirstOrderStepPass> {
    const constants: Record<string, number> = {
      D: cfg.d,
      KERNEL: kernelMode(cfg),
      KERNEL_COEF: kernelCoefficient({ ...cfg, eps: 0 }),
      RIESZ_POWER: kernelPower(cfg),
      SIGMA: cfg.sigma,
      RNG_KIND: cfg.rng === 'pcg4d' ? 0 : 1,
    };
    return new FirstOrderStepPass(await PairStepPass.build(device, {
      owner: 'FirstOrderStepPass', variant: cfg.kernel, code: shaderSources.firstOrderStep,
      stepEntry: 'stepFirstOrder', constants, n: cfg.n, replicas: cfg.replicas,
    }, particles, ring));
  }
}
