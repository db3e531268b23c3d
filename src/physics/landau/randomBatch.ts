/**
 * Random batches and exact random pairs, models.md §1.5, in float64: the CPU reference of
 * interactions=batch and the test oracle of shaders/batch_step.wgsl (same partitions, same draws).
 *
 * Partition. At step k, replica r's particles are shuffled by the counter-based permutation of
 * physics/permutation.ts keyed by (seed, k, r) (one draw4 of Stream.batchPermutation gives the
 * round keys); position q of the shuffled order holds particle perm(q). Batch b holds positions
 * [b·p, b·p + p) for b < B − 1, B = max(1, ⌊N/p⌋), and the LAST batch also takes the N mod p
 * leftover positions: its size is s = p + (N mod p) (or N when N < p).
 *
 * Weights. Inside a batch of s particles the all-pairs sums (1/N)Σ_j become w_s Σ_(j in batch, j≠i)
 * with w_s = (N − 1)/(N(s − 1)) (models.md §1.5's w for s = p). A given j ≠ i shares i's batch
 * with probability (s − 1)/(N − 1) given i's batch has size s, so E[w_s·1{j in batch}] = 1/N for
 * every batch size: the partition average is exactly the all-pairs operator, leftovers included.
 *
 * Systems in a batch (Euler–Maruyama, as particleSystem.ts with the batch sums):
 *   nanbu: V' = V + dt·2w Σ b + √(2dt) L ξ_i,  L Lᵀ = w Σ a       (ξ_i: Stream.batchNanbu, key i)
 *   fgm:   V' = V + dt·2w Σ b + √(2dt·w) Σ_j a^(1/2)(V − V_j) ξ_ij (ξ_ij: Stream.batchPair, ordered)
 *   kac:   as fgm, ξ_ji = −ξ_ij (unordered key; the smaller particle index gets +)
 *   rotation (models.md §1.4): V' = V + dt·2w Σ b + √(2dt·w) Σ_j α^(1/2) Σ_(α<β) ξ_αβ(V − V_j) η_ij,αβ
 *          (η_ij: Stream.batchPair, ordered key as fgm)
 *   rotation-shared: as rotation with η_j keyed by the partner j alone (Stream.batchShared, key j):
 *          j's noises drive every member of j's batch. The common noise of §1.4's counter-example
 *          is then confined to batches: at p = 2 the two particles of a pair feel independent
 *          noises (η_j and η_i), so the batch system has rotation's law and NOT the all-pairs
 *          counter-example's E|V̄(t)|² = E(1 − e^(−2(d−1)t)); the UI says so.
 * kac with p = 2: EXACT random pairs instead of Euler–Maruyama. The pair (i, j) keeps its mean
 * u and |z|, and ω = z/|z| moves by a Brownian motion on S^(d−1) for s = 8λα_ε(|z|)dt, λ = w₂ =
 * (N − 1)/N (physics/sphericalBrownian.ts: exact in 2D; 3D a moment-matched approximation, exact
 * for every degree-≤2 function of ω). Odd N leaves one batch of 3: it is advanced by the exact
 * flows of its pairs (0,1), (0,2), (1,2) in turn (Lie splitting, O(dt) weak error like the batch
 * method itself), each with λ = w₃ = (N − 1)/(2N). Momentum and energy are exact in every step.
 *
 * Keys. Pair draws use batchPairWord(i, slot_j) = i | slot_j << 22 (particle index i < 2²², slot
 * of the partner within the batch < 2⁷): unique per ordered pair within a step, since a particle
 * belongs to one batch per step; kac uses i = the smaller index, slot_j = the larger's slot.
 */
import type { Params } from '../params';
import { PARTICLE_STRIDE } from '../init';
import { choleskyPsd } from '../linalg';
import { feistelHalfBits, feistelPermute } from '../permutation';
import { Stream, draw4, normals4, streamWord, type RngKind, type Words4 } from '../rng';
import { sphericalBrownian } from '../sphericalBrownian';
import { alphaOfR2 } from './kernel';
import { abarMatrix, pairNoiseTerm, rotationNoiseTerm } from './particleSystem';

/** Particle indices are packed in the low 22 bits of a batch pair word (params MAX_BATCH_TOTAL). */
export const BATCH_INDEX_BITS = 22;

/** Number of batches B of a replica of n particles with batch size p. */
export function batchCount(n: number, p: number): number {
  return Math.max(1, Math.floor(n / p));
}

/** First position and size of batch b (the last batch takes the n mod p leftovers). */
export function batchExtent(n: number, p: number, b: number): { start: number; size: number } {
  const count = batchCount(n, p);
  const start = b * p;
  return { start, size: b === count - 1 ? n - start : p };
}

/** w_s = (N − 1)/(N(s − 1)): the weight of a batch of s particles (models.md §1.5). */
export function batchWeight(n: number, s: number): number {
  return (n - 1) / (n * (s - 1));
}

/** The Feistel round keys of (seed, step, replica)'s partition. */
export function partitionKeys(rng: RngKind, seed: number, step: number, replica: number): Words4 {
  return draw4(rng, seed, step, 0, streamWord(Stream.batchPermutation, replica));
}

/** The shuffled order of replica r at step `step`: position → particle index. */
export function partitionOrder(rng: RngKind, seed: number, step: number, replica: number, n: number): Uint32Array {
  const keys = partitionKeys(rng, seed, step, replica);
  const h = feistelHalfBits(n);
  const out = new Uint32Array(n);
  for (let q = 0; q < n; q++) out[q] = feistelPermute(q, n, h, keys);
  return out;
}

/** Key of the draw of the ordered pair (i, partner in batch slot `slot`). */
export function batchPairWord(i: number, slot: number): number {
  return ((i & 0x3fffff) | ((slot & 0x7f) << BATCH_INDEX_BITS)) >>> 0;
}

export type BatchInput = Pick<Params, 'd' | 'n' | 'gamma' | 'eps' | 'noise' | 'seed' | 'rng' | 'batch' | 'replicas' | 'dt'>;

/** Test hooks: a deliberately wrong weight must fail the tests (their power). */
export interface BatchOptions {
  weight?: (n: number, s: number) => number;
}

/** Whether this parameter set uses the exact random-pair flow (kac, p = 2). */
export function isExactPairs(p: Pick<Params, 'noise' | 'batch'>): boolean {
  return p.noise === 'kac' && p.batch === 2;
}

/**
 * One step of every replica with random batches: reads `v`, writes `out` (may not alias).
 * `step` keys the partition and the noise.
 */
export function batchStepF64(v: Float64Array, out: Float64Array, p: BatchInput, step: number, opts: BatchOptions = {}): void {
  const { n, replicas, batch } = p;
  const weight = opts.weight ?? batchWeight;
  const count = batchCount(n, batch);
  const idx = new Uint32Array(2 * batch);
  for (let r = 0; r < replicas; r++) {
    const first = r * n;
    const keys = partitionKeys(p.rng, p.seed, step, r);
    const h = feistelHalfBits(n);
    for (let b = 0; b < count; b++) {
      const { start, size } = batchExtent(n, batch, b);
      for (let k = 0; k < size; k++) idx[k] = feistelPermute(start + k, n, h, keys);
      if (isExactPairs(p)) exactPairsBatch(v, out, p, step, r, first, idx, size, weight(n, size));
      else eulerBatch(v, out, p, step, r, first, idx, size, weight(n, size));
    }
  }
}

/** Euler–Maruyama step of one batch of nanbu, fgm, kac, rotation or rotation-shared (the all-pairs formulas with w Σ_batch). */
function eulerBatch(v: Float64Array, out: Float64Array, p: BatchInput, step: number, r: number, first: number, idx: Uint32Array, size: number, w: number): void {
  const { d, gamma, eps, noise, dt, seed, rng } = p;
  const nrm = new Float64Array(4);
  const pairSw = streamWord(Stream.batchPair, r);
  for (let a = 0; a < size; a++) {
    const i = idx[a];
    const oi = (first + i) * PARTICLE_STRIDE;
    const drift = new Float64Array(3), abar = new Float64Array(6), noiseSum = new Float64Array(3);
    for (let c = 0; c < size; c++) {
      if (c === a) continue;
      const j = idx[c];
      const oj = (first + j) * PARTICLE_STRIDE;
      const z0 = v[oi] - v[oj], z1 = v[oi + 1] - v[oj + 1], z2 = d === 3 ? v[oi + 2] - v[oj + 2] : 0;
      const r2 = z0 * z0 + z1 * z1 + z2 * z2;
      if (r2 === 0) continue; // a(0) = b(0) = a^(1/2)(0) = 0
      const al = alphaOfR2(r2, gamma, eps);
      drift[0] -= al * z0; drift[1] -= al * z1; drift[2] -= al * z2;
      if (noise === 'nanbu') {
        abar[0] += al * (r2 - z0 * z0); abar[1] += al * (r2 - z1 * z1); abar[2] += al * (r2 - z2 * z2);
        abar[3] -= al * z0 * z1; abar[4] -= al * z1 * z2; abar[5] -= al * z2 * z0;
      } else if (noise === 'rotation' || noise === 'rotation-shared') {
        const words = noise === 'rotation'
          ? draw4(rng, seed, step, batchPairWord(i, c), pairSw)
          : draw4(rng, seed, step, j, streamWord(Stream.batchShared, r));
        normals4(words, nrm);
        rotationNoiseTerm(z0, z1, z2, Math.sqrt(al), nrm, d, noiseSum);
      } else {
        const kac = noise === 'kac';
        // kac: one draw per unordered pair, keyed by the smaller index and the larger's slot.
        const word = kac ? (i < j ? batchPairWord(i, c) : batchPairWord(j, a)) : batchPairWord(i, c);
        normals4(draw4(rng, seed, step, word, pairSw), nrm);
        pairNoiseTerm(z0, z1, z2, r2, Math.sqrt(al), kac && i > j ? -1 : 1, nrm[0], nrm[1], d, noiseSum);
      }
    }
    const driftScale = 2 * (d - 1) * w; // 2w Σ b, b = −(d−1) α z
    const o = (first + i) * PARTICLE_STRIDE;
    const inc = new Float64Array(3);
    if (noise === 'nanbu') {
      if (d === 2) abar[2] = 0;
      for (let c = 0; c < 6; c++) abar[c] *= w;
      const L = choleskyPsd(abarMatrix(abar, d), d);
      normals4(draw4(rng, seed, step, i, streamWord(Stream.batchNanbu, r)), nrm);
      const s = Math.sqrt(2 * dt);
      for (let x = 0; x < d; x++) {
        let acc = 0;
        for (let y = 0; y <= x; y++) acc += L[x * d + y] * nrm[y];
        inc[x] = s * acc;
      }
    } else {
      const s = Math.sqrt(2 * dt * w);
      for (let x = 0; x < d; x++) inc[x] = s * noiseSum[x];
    }
    for (let x = 0; x < 4; x++) out[o + x] = x < d ? v[o + x] + dt * driftScale * drift[x] + inc[x] : 0;
  }
}

/**
 * Exact random pairs (kac, p = 2): the pair flows of a batch of 2, or of 3 in turn (odd N),
 * with λ = w (models.md §1.5).
 */
function exactPairsBatch(v: Float64Array, out: Float64Array, p: BatchInput, step: number, r: number, first: number, idx: Uint32Array, size: number, lambda: number): void {
  const { d } = p;
  const vel = new Float64Array(3 * size);
  for (let a = 0; a < size; a++) {
    const o = (first + idx[a]) * PARTICLE_STRIDE;
    for (let c = 0; c < 3; c++) vel[3 * a + c] = c < d ? v[o + c] : 0;
  }
  for (let a = 0; a < size; a++) {
    for (let c = a + 1; c < size; c++) exactPair(vel, a, c, idx, p, step, r, lambda);
  }
  for (let a = 0; a < size; a++) {
    const o = (first + idx[a]) * PARTICLE_STRIDE;
    for (let c = 0; c < 4; c++) out[o + c] = c < d ? vel[3 * a + c] : 0;
  }
}

/** The exact kac flow of the pair in slots (a, c) of `vel` over one step (models.md §1.5). */
export function exactPair(vel: Float64Array, a: number, c: number, idx: ArrayLike<number>, p: Pick<Params, 'd' | 'gamma' | 'eps' | 'dt' | 'seed' | 'rng'>, step: number, r: number, lambda: number): void {
  const { d } = p;
  // Canonical orientation: lo = the smaller particle index, z = V_lo − V_hi.
  const [lo, hi] = idx[a] < idx[c] ? [a, c] : [c, a];
  const word = batchPairWord(idx[lo], hi);
  const z0 = vel[3 * lo] - vel[3 * hi], z1 = vel[3 * lo + 1] - vel[3 * hi + 1], z2 = vel[3 * lo + 2] - vel[3 * hi + 2];
  const r2 = z0 * z0 + z1 * z1 + z2 * z2;
  if (r2 === 0) return; // coincident: a = 0, nothing moves
  const words = draw4(p.rng, p.seed, step, word, streamWord(Stream.batchPair, r));
  const nrm = normals4(words);
  const s = 8 * lambda * alphaOfR2(r2, p.gamma, p.eps) * p.dt;
  const rad = Math.sqrt(r2);
  const omega = new Float64Array(3);
  sphericalBrownian(d, z0 / rad, z1 / rad, z2 / rad, s, words, nrm[0], omega);
  const half = 0.5 * rad;
  for (let x = 0; x < 3; x++) {
    const u = 0.5 * (vel[3 * lo + x] + vel[3 * hi + x]);
    vel[3 * lo + x] = u + half * omega[x];
    vel[3 * hi + x] = u - half * omega[x];
  }
}
