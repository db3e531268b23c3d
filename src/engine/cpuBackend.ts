/** The float64 CPU reference engine (models.md §1.1 via physics/landau/particleSystem.ts). */
import { sampleInitial } from '../physics/init';
import { stepF64 } from '../physics/landau/particleSystem';
import { replicaMoments, type ReplicaMoments } from '../physics/moments';
import type { Params } from '../physics/params';
import type { Backend } from './backend';

export class CpuBackend implements Backend {
  readonly kind = 'cpu' as const;
  readonly adapter = 'float64 CPU reference (no GPU)';
  private current: Float64Array;
  private next: Float64Array;
  private steps = 0;

  constructor(readonly params: Readonly<Params>, initial: Float64Array = sampleInitial(params)) {
    this.current = Float64Array.from(initial);
    this.next = new Float64Array(initial.length);
  }

  get stepCount(): number {
    return this.steps;
  }

  step(k: number): void {
    for (let s = 0; s < k; s++) {
      stepF64(this.current, this.next, this.params, this.steps);
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
