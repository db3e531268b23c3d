/**
 * Owns shaders/landau_step.wgsl's pipelines and bind groups (models.md §1.1): the fused
 * Euler–Maruyama step (pair sums + update) of nanbu, fgm, kac, rotation or rotation-shared
 * (§1.4), with Gaussian or two-point pair-noise increments (issue 13), and the pair pass alone
 * (`pairTerms`, for tests and the pair-pass benchmark). The pipeline plumbing shared with the
 * other models is in pairStepPass.ts.
 */
import type { Increments, Noise } from '../../physics/params';
import type { RngKind } from '../../physics/rng';
import { shaderSources } from '../shaderSource';
import type { UniformRing } from '../uniformRing';
import { PairStepPass, STEP_WORKGROUP } from './pairStepPass';

export { STEP_WORKGROUP } from './pairStepPass';

export interface LandauStepConfig {
  d: 2 | 3;
  noise: Noise;
  /** Pair-noise increments (default gaussian); nanbu ignores it. */
  increments?: Increments;
  gamma: number;
  rng: RngKind;
  n: number;
  replicas: number;
  /** Particles per invocation (shaders/landau_step.wgsl PB); default pairBlockFor. */
  pairBlock?: PairBlock;
  /** The adapter is a CPU implementation (SwiftShader): pairBlockFor's rule for it. */
  cpuAdapter?: boolean;
}

export type PairBlock = 1 | 2 | 4;

/**
 * Particles per invocation of the pair sweep. Each partner read from the tile then serves PB
 * particles, at the price of PB times fewer workgroups (docs/performance.md, measured):
 * - a CPU adapter (SwiftShader), nanbu: the tile reads dominate and a few workgroups per core
 *   suffice, so the largest PB that leaves ≥ `cores` workgroups (N = 4096: 7–8e7 → 1.0–1.2e8
 *   pairs/s with PB = 4). fgm and kac, whose per-pair random draw dominates, gained nothing: 1.
 *   With two-point increments (one hash per 4×4 block of pairs, no Box–Muller) and for
 *   rotation-shared (partner draws staged per tile) the per-pair work is small again and they
 *   block like nanbu (N = 4096, kac two-point: 1.7e7 → 4.1e7 pairs/s with PB = 2 or 4);
 * - GPUs: 1. On an H100, PB = 2 or 4 was never faster, and up to 3× slower at small N
 *   (fewer workgroups than the GPU has SMs).
 */
export function pairBlockFor(n: number, replicas: number, noise: Noise, cpuAdapter: boolean, cores = 4, increments: Increments = 'gaussian'): PairBlock {
  const cheapPairs = noise === 'nanbu' || noise === 'rotation-shared' || increments === 'two-point';
  if (!cpuAdapter || !cheapPairs) return 1;
  for (const pb of [4, 2] as const) {
    if (Math.ceil(n / (STEP_WORKGROUP * pb)) * replicas >= cores && STEP_WORKGROUP * pb * n <= MAX_CPU_GROUP_PAIRS) return pb;
  }
  return 1;
}

/**
 * Most pair interactions one workgroup may do on a CPU adapter: a workgroup is the smallest unit
 * of a paced submission (app/pacing.ts), and SwiftShader runs one on one core at ~10⁸ pairs/s,
 * so 2²³ pairs ≈ 50–100 ms. Above N = 16384 (PB = 4) or 32768 (PB = 2) the block is reduced.
 */
export const MAX_CPU_GROUP_PAIRS = 1 << 23;

/** Hot-path specialisation by override constant (conventions.md): γ = 0 needs no pow, γ = −3 one inverseSqrt. */
export function gammaMode(gamma: number): number {
  return gamma === 0 ? 1 : gamma === -3 ? 2 : 0;
}

/** The override NOISE of landau_step.wgsl for each system. */
export const NOISE_CODE: Record<Noise, number> = { nanbu: 0, fgm: 1, kac: 2, rotation: 3, 'rotation-shared': 4 };

export class LandauStepPass extends PairStepPass {
  static async create(device: GPUDevice, cfg: LandauStepConfig, particles: readonly [GPUBuffer, GPUBuffer], ring: UniformRing): Promise<LandauStepPass> {
    const constants: Record<string, number> = {
      D: cfg.d,
      NOISE: NOISE_CODE[cfg.noise],
      TWO_POINT: cfg.increments === 'two-point' && cfg.noise !== 'nanbu' ? 1 : 0,
      GAMMA_MODE: gammaMode(cfg.gamma),
      RNG_KIND: cfg.rng === 'pcg4d' ? 0 : 1,
      FULL_TILES: cfg.n % STEP_WORKGROUP === 0 ? 1 : 0,
    };
    const pb = cfg.pairBlock ?? pairBlockFor(cfg.n, cfg.replicas, cfg.noise, cfg.cpuAdapter ?? false, globalThis.navigator?.hardwareConcurrency ?? 4, cfg.increments);
    constants.PB = pb;
    return new LandauStepPass(await PairStepPass.build(device, {
      owner: 'LandauStepPass', variant: cfg.increments === 'two-point' && cfg.noise !== 'nanbu' ? `${cfg.noise}, two-point` : cfg.noise, code: shaderSources.landauStep,
      stepEntry: cfg.noise === 'nanbu' ? 'stepNanbu' : 'stepPairNoise', constants, n: cfg.n, replicas: cfg.replicas, perInvocation: pb,
    }, particles, ring));
  }
}
