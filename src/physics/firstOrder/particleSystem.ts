/**
 * The first-order mean-field particle system of models.md §3 in float64: the CPU reference
 * engine and the test oracle for shaders/first_order_step.wgsl. Same draws as the GPU.
 *
 *   X' = X + dt · (1/N) Σ_{j≠i} m_j K(X^i − X^j) + √(2σ dt) ξ_i,     ξ_i ~ N(0, I_d)
 *
 * Normalisation by N (not N − 1). The circulations m_j live in the particle vec4's fourth
 * component (Landau leaves it 0); they are 1 for every kernel but Biot–Savart and never change.
 * j = i is excluded; with ε = 0 a coincident partner (X^j = X^i, j ≠ i) contributes 0 (K(0) := 0).
 * The noise of particle i at step k is normals4(draw4(seed, k, pairWord(i, 0),
 * streamWord(Stream.firstOrder, replica))), its first d components.
 */
import type { Params } from '../params';
import { PARTICLE_STRIDE } from '../init';
import { Stream, draw4, normals4, pairWord, streamWord } from '../rng';
import { kernelF64, type FirstOrderKernelInput } from './kernels';

export type FirstOrderStepInput = FirstOrderKernelInput & Pick<Params, 'n' | 'sigma' | 'seed' | 'rng'>;

/** (1/N) Σ_{j≠i} m_j K(X^i − X^j) for particle i of the replica starting at particle `first`; length 3. */
export function driftF64(x: ArrayLike<number>, first: number, i: number, p: FirstOrderKernelInput & Pick<Params, 'n'>): Float64Array {
  const { n, d } = p;
  const drift = new Float64Array(3);
  const k = new Float64Array(3);
  const oi = (first + i) * PARTICLE_STRIDE;
  const xi0 = x[oi], xi1 = x[oi + 1], xi2 = d === 3 ? x[oi + 2] : 0;
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const oj = (first + j) * PARTICLE_STRIDE;
    kernelF64(xi0 - x[oj], xi1 - x[oj + 1], d === 3 ? xi2 - x[oj + 2] : 0, p, k);
    const m = x[oj + 3];
    drift[0] += m * k[0]; drift[1] += m * k[1]; drift[2] += m * k[2];
  }
  for (let c = 0; c < 3; c++) drift[c] /= n;
  return drift;
}

/**
 * One Euler–Maruyama step of every replica: reads `x`, writes `out` (may not alias).
 * `step` keys the noise (the step being taken, from 0). Circulations are copied.
 */
export function stepF64(x: Float64Array, out: Float64Array, p: FirstOrderStepInput & { replicas: number; dt: number }, step: number): void {
  const { n, d, dt, replicas } = p;
  const noiseScale = Math.sqrt(2 * p.sigma * dt);
  const xi = new Float64Array(4);
  for (let r = 0; r < replicas; r++) {
    const sw = streamWord(Stream.firstOrder, r);
    for (let i = 0; i < n; i++) {
      const drift = driftF64(x, r * n, i, p);
      normals4(draw4(p.rng, p.seed, step, pairWord(i, 0), sw), xi);
      const o = (r * n + i) * PARTICLE_STRIDE;
      for (let c = 0; c < 3; c++) out[o + c] = c < d ? x[o + c] + dt * drift[c] + noiseScale * xi[c] : 0;
      out[o + 3] = x[o + 3];
    }
  }
}

/**
 * The interaction part of d/dt of a second moment along the deterministic flow (models.md §3):
 * (2/N) Σ_i w_i X^i · (1/N) Σ_{j≠i} m_j K(X^i − X^j), for one replica, with w_i = 1 (the moment
 * (1/N)Σ|X^i|², `weighted` false) or w_i = m_i (the circulation-weighted moment (1/N)Σ m_i|X^i|²).
 * Pairing (i, j) with (j, i) gives (1/N²) Σ_{i≠j} (X^i − X^j)·K(X^i − X^j) when all m = 1:
 * exactly sχ(N−1)/(2πN) for unregularised 2D coulomb and 0 for Biot–Savart (any ε, since
 * x·K(x) = 0). With mixed circulations only the weighted moment has a zero Biot–Savart term:
 * the pair gives m_i m_j (X^i − X^j)·K = 0, whereas the unweighted one gives (m_j − m_i) X^j·K.
 */
export function interactionMomentRate(x: ArrayLike<number>, first: number, p: FirstOrderKernelInput & Pick<Params, 'n'>, weighted: boolean): number {
  const { n } = p;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const oi = (first + i) * PARTICLE_STRIDE;
    const drift = driftF64(x, first, i, p);
    const w = weighted ? x[oi + 3] : 1;
    s += w * (x[oi] * drift[0] + x[oi + 1] * drift[1] + (p.d === 3 ? x[oi + 2] * drift[2] : 0));
  }
  return (2 * s) / n;
}
