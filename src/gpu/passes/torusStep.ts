/**
 * Owns shaders/torus_step.wgsl's pipelines (models.md §2): the fused Euler–Maruyama step of the
 * nanbu system on the torus [0,1)^d and the pair pass alone (`pairTerms`: drift, Ā diagonal,
 * Ā off-diagonal, for tests and the benchmark). λ and κ are override constants.
 */
import type { Params } from '../../physics/params';
import { shaderSources } from '../shaderSource';
import type { UniformRing } from '../uniformRing';
import { PairStepPass } from './pairStepPass';

export type TorusStepConfig = Pick<Params, 'd' | 'lambda' | 'kappa' | 'rng' | 'n' | 'replicas'>;

export class TorusStepPass extends PairStepPass {
  static async create(device: GPUDevice, cfg: TorusStepConfig, particles: readonly [GPUBuffer, GPUBuffer], ring: UniformRing): Promise<TorusStepPass> {
    const constants: Record<string, number> = {
      D: cfg.d,
      LAMBDA: cfg.lambda,
      KAPPA: cfg.kappa,
      RNG_KIND: cfg.rng === 'pcg4d' ? 0 : 1,
    };
    return new TorusStepPass(await PairStepPass.build(device, {
      owner: 'TorusStepPass', variant: `d=${cfg.d}`, code: shaderSources.torusStep,
      stepEntry: 'stepTorus', constants, n: cfg.n, replicas: cfg.replicas,
    }, particles, ring));
  }
}
