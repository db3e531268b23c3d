/**
 * The float64 CPU reference engine: Landau (models.md §1.1, physics/landau/particleSystem.ts),
 * first-order systems (§3, physics/firstOrder/particleSystem.ts) or the torus (§2,
 * physics/torus/particleSystem.ts), picked by `params.model`.
 */
import { stepF64 as firstOrderStepF64 } from '../physics/firstOrder/particleSystem';
import { sampleInitial } from '../physics/init';
import { stepF64 } from '../physics/landau/particleSystem';
import { batchStepF64 } from '../physics/landau/randomBatch';
import { replicaMoments, type ReplicaMoments } from '../physics/moments';
import type { Params } from '../physics/params';
import { torusStepF64 } from '../physics/torus/particleSystem';
import type { Backend } from './backend';

/** The float64 step of the parameter set's model: reads `x`, writes `out`, keyed by `step`. */
export function referenceStep(p: Readonly<Params>): (x: Float64Array, out: Float64Array, step: number) => void {
  switch (p.model) {
    case 'landau':
      // models.md §1.5: random batches / exact random pairs, O(N·p) per step.
      if (p.interactions === 'batch') return (x, out, step) => batchStepF64(x, out, p, step);
      return (x, out, step) => stepF64(x, out, p, step);
    case 'first-order':
      return (x, out, step) => firstOrderStepF64(x, out, p, step);
    case 'torus':
      return (x, out, step) => torusStepF64(x, out, p, step);
  }
}

export class CpuBackend implements Backend {
  readonly kind = 'cpu' as const;
  readonly adapter = 'float64 CPU reference (no GPU)';
  private current: Float64Array;
  private next: Float64Array;
  private steps = 0;
  private readonly stepOnce: (x: Float64Array, out: Float64Array, step: number) => void;

  constructor(readonly params: Readonly<Params>, initial: Float64Array = sampleInitial(params)) {
    this.current = Float64Array.from(initial);
    this.next = new Float64Array(initial.length);
    this.stepOnce = referenceStep(params);
  }

  get stepCount(): number {
    return this.steps;
  }

  step(k: number): void {
    for (let s = 0; s < k; s++) {
      this.stepOnce(this.current, this.next, this.steps);
      [this.current, this.next] = [this.next, this.current];
      this.steps++;
    }
  }

  /** Direct access for tests (no copy). */
  get state(): Float64Array {
    return this.current;
  }

  async readMoments(): Promise<ReplicaMoments[]> {
    return replicaMoments(this.current, this.params.n, this.params.replicas, this.params.d);
  }

  async readParticles(): Promise<Float64Array> {
    return Float64Array.from(this.current);
  }

  async finish(): Promise<void> {}

  destroy(): void {}
}
