/**
 * Owns shaders/landau_step.wgsl's pipelines and bind groups (models.md §1.1): the fused
 * Euler–Maruyama step (pair sums + update) of nanbu, fgm or kac, and the pair pass alone
 * (`pairTerms`, for tests and the pair-pass benchmark). The pipeline plumbing shared with the
 * other models is in pairStepPass.ts.
 */
import type { Noise } from '../../physics/params';
import type { RngKind } from '../../physics/rng';
import { shaderSources } from '../shaderSource';
import type { UniformRing } from '../uniformRing';
import { PairStepPass, STEP_WORKGROUP } from './pairStepPass';

export { STEP_WORKGROUP } from './pairStepPass';

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

export class LandauStepPass extends PairStepPass {
  static async create(device: GPUDevice, cfg: LandauStepConfig, particles: readonly [GPUBuffer, GPUBuffer], ring: UniformRing): Promise<LandauStepPass> {
    const constants: Record<string, number> = {
      D: cfg.d,
      NOISE: { nanbu: 0, fgm: 1, kac: 2 }[cfg.noise],
      GAMMA_MODE: gammaMode(cfg.gamma),
      RNG_KIND: cfg.rng === 'pcg4d' ? 0 : 1,
      FULL_TILES: cfg.n % STEP_WORKGROUP === 0 ? 1 : 0,
    };
    return new LandauStepPass(await PairStepPass.build(device, {
      owner: 'LandauStepPass', variant: cfg.noise, code: shaderSources.landauStep,
      stepEntry: cfg.noise === 'nanbu' ? 'stepNanbu' : 'stepPairNoise', constants, n: cfg.n, replicas: cfg.replicas,
    }, particles, ring));
  }
}
