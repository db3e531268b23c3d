/** The model picks the step pass: Landau (models.md §1), first-order systems (§3), torus (§2). */
import type { Params } from '../../physics/params';
import type { UniformRing } from '../uniformRing';
import { BatchStepPass } from './batchStep';
import { FirstOrderStepPass } from './firstOrderStep';
import { LandauStepPass, type PairBlock } from './landauStep';
import type { StepPass } from './pairStepPass';
import { TorusStepPass } from './torusStep';

export type { StepPass } from './pairStepPass';

/** Options of the Landau pass: the adapter kind for its particle block, or a forced block (tests, benchmark). */
export interface StepPassOptions {
  cpuAdapter?: boolean;
  pairBlock?: PairBlock;
}

export function createStepPass(device: GPUDevice, params: Readonly<Params>, particles: readonly [GPUBuffer, GPUBuffer], ring: UniformRing, opts: StepPassOptions = {}): Promise<StepPass> {
  switch (params.model) {
    case 'landau':
      // models.md §1.5: one invocation per random batch instead of the N² pair sweep.
      if (params.interactions === 'batch') return BatchStepPass.create(device, params, particles, ring);
      return LandauStepPass.create(device, { ...params, ...opts }, particles, ring);
    case 'first-order':
      return FirstOrderStepPass.create(device, params, particles, ring);
    case 'torus':
      return TorusStepPass.create(device, params, particles, ring);
  }
}
