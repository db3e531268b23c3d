/**
 * The simulation loop's view of an engine: WebGPU (float32, the product) or the float64 CPU
 * reference (the test oracle, and the fallback when WebGPU is unavailable). Same interface,
 * same parameters, same random draws.
 */
import type { ReplicaMoments } from '../physics/moments';
import type { Params } from '../physics/params';

export type EngineKind = 'webgpu' | 'cpu';

export interface Backend {
  readonly kind: EngineKind;
  /** Adapter in words ("float64 CPU reference" for the CPU engine). */
  readonly adapter: string;
  readonly params: Readonly<Params>;
  /** Steps taken so far (the next step's noise is keyed by this counter). */
  readonly stepCount: number;
  /** Takes k Euler–Maruyama steps. WebGPU: encodes and submits, returns at once. */
  step(k: number): void;
  /** Moments of every replica at the current step. Never blocks further `step` calls. */
  readMoments(): Promise<ReplicaMoments[]>;
  /** Velocities at the current step, vec4 layout [replica][particle][4]. */
  readParticles(): Promise<Float32Array | Float64Array>;
  /** Resolves when all submitted work has finished (benchmarks, tests). */
  finish(): Promise<void>;
  destroy(): void;
}
