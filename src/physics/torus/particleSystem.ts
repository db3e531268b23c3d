/**
 * The nanbu particle system on the torus [0,1)^d (models.md §2) in float64: the CPU reference
 * engine and the test oracle for shaders/torus_step.wgsl. Same draws as the GPU.
 *
 *   X' = wrap( X + dt · (2/N) Σ_{j≠i} b(X^i − X^j) + √(2dt) L ξ_i ),   L Lᵀ = Ā = (1/N) Σ_{j≠i} a(X^i − X^j)
 *
 * Because a(0) = λI ≠ 0, the sums run over j ≠ i; they are normalised by N (not N − 1), so
 * Ā ≥ λ(N−1)/N · I and the mean-field limit is the same. L is the lower Cholesky factor (as for
 * Landau's nanbu; Ā is positive definite here). Differences are nearest periodic images;
 * positions are wrapped to [0, 1) after each step. The noise of particle i at step k is
 * normals4(draw4(seed, k, pairWord(i, 0), streamWord(Stream.torus, replica))).
 */
import type { Params } from '../params';
import { PARTICLE_STRIDE } from '../init';
import { choleskyPsd } from '../linalg';
import { abarMatrix } from '../landau/particleSystem';
import { Stream, draw4, normals4, pairWord, streamWord } from '../rng';
import { nearestImage, torusA, torusB, wrap01, type TorusKernelInput } from './kernel';

export type TorusStepInput = TorusKernelInput & Pick<Params, 'n' | 'seed' | 'rng'>;

export interface TorusPairTerms {
  /** (2/N) Σ_{j≠i} b(X^i − X^j), length 3 (third component 0 when d = 2). */
  drift: Float64Array;
  /** Ā = (1/N) Σ_{j≠i} a(X^i − X^j) as (xx, yy, zz, xy, yz, zx) (zz = 0 when d = 2). */
  abar: Float64Array;
}

/** Pair sums for particle i of the replica starting at particle index `first`. */
export function torusPairTerms(x: ArrayLike<number>, first: number, i: number, p: TorusKernelInput & Pick<Params, 'n'>): TorusPairTerms {
  const { n, d } = p;
  const drift = new Float64Array(3), abar = new Float64Array(6);
  const oi = (first + i) * PARTICLE_STRIDE;
  const z = [0, 0, 0];
  const slots = [[0, 3, 5], [3, 1, 4], [5, 4, 2]];
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const oj = (first + j) * PARTICLE_STRIDE;
    for (let c = 0; c < d; c++) z[c] = nearestImage(x[oi + c] - x[oj + c]);
    const a = torusA(z, p), b = torusB(z, p);
    for (let r = 0; r < d; r++) {
      drift[r] += b[r];
      for (let c = r; c < d; c++) abar[slots[r][c]] += a[r * d + c];
    }
  }
  for (let c = 0; c < 3; c++) drift[c] *= 2 / n;
  for (let c = 0; c < 6; c++) abar[c] /= n;
  return { drift, abar };
}

/** One Euler–Maruyama step of every replica: reads `x`, writes `out` (may not alias). */
export function torusStepF64(x: Float64Array, out: Float64Array, p: TorusStepInput & { replicas: number; dt: number }, step: number): void {
  const { n, d, dt, replicas } = p;
  const xi = new Float64Array(4);
  const s = Math.sqrt(2 * dt);
  for (let r = 0; r < replicas; r++) {
    const sw = streamWord(Stream.torus, r);
    for (let i = 0; i < n; i++) {
      const t = torusPairTerms(x, r * n, i, p);
      const L = choleskyPsd(abarMatrix(t.abar, d), d);
      normals4(draw4(p.rng, p.seed, step, pairWord(i, 0), sw), xi);
      const o = (r * n + i) * PARTICLE_STRIDE;
      for (let a = 0; a < 3; a++) {
        if (a >= d) { out[o + a] = 0; continue; }
        let acc = 0;
        for (let b = 0; b <= a; b++) acc += L[a * d + b] * xi[b];
        out[o + a] = wrap01(x[o + a] + dt * t.drift[a] + s * acc);
      }
      out[o + 3] = 0;
    }
  }
}
