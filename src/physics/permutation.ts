/**
 * A counter-based random permutation of [0, N): a balanced Feistel network on the smallest even
 * number of bits 2h with 2^(2h) ≥ N, restricted to [0, N) by cycle-walking (apply the bijection
 * again while the value is ≥ N; it returns to [0, N) because x's cycle contains x itself). So
 * perm(k) is computed for one k at a time in O(rounds · walk) integer operations, with no table:
 * a GPU invocation finds its batch's particles on the fly (models.md §1.5). Expected walk length
 * 2^(2h)/N < 4; none when N is a power of 4 (2¹⁶, 2²⁰, 2²²).
 *
 * Bit-identical WGSL twin: `feistelPermute` in shaders/batch_step.wgsl (32-bit integer arithmetic
 * only; tests/gpu/batchShaders.test.ts compares them).
 *
 * Round function: lowbias32 (Wellons' integer hash) of (R xor roundKey), top h bits. The round
 * keys come from one draw4 of the run's generator per (seed, step, replica); the 8 rounds use
 * keys[r mod 4] + r·0x9E3779B9. Eight rounds (rather than Luby–Rackoff's four) because with
 * N ≤ 16 the halves have 1–2 bits and few rounds would not reach every permutation evenly;
 * tests/unit/randomBatch.test.ts checks the pair co-occurrence frequencies at small N.
 */

export const FEISTEL_ROUNDS = 8;

/** Half width h (bits) of the Feistel network for [0, n): 2h = the smallest even bit count with 2^(2h) ≥ n. */
export function feistelHalfBits(n: number): number {
  let bits = 1;
  while (2 ** bits < n) bits++;
  return (bits + 1) >> 1;
}

/** Wellons' lowbias32: a 32-bit integer hash with low bias. */
export function lowbias32(x0: number): number {
  let x = x0 >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** One pass of the Feistel bijection on [0, 2^(2h)). */
export function feistelEncrypt(x: number, h: number, keys: ArrayLike<number>): number {
  const mask = (1 << h) - 1;
  let l = (x >>> h) & mask;
  let r = x & mask;
  for (let k = 0; k < FEISTEL_ROUNDS; k++) {
    const key = (keys[k & 3] + Math.imul(k, 0x9e3779b9)) >>> 0;
    const f = lowbias32((r ^ key) >>> 0) >>> (32 - h);
    const nl = r;
    r = (l ^ f) & mask;
    l = nl;
  }
  return ((l << h) | r) >>> 0;
}

/** perm(k) for k in [0, n): the cycle-walked Feistel bijection. */
export function feistelPermute(k: number, n: number, h: number, keys: ArrayLike<number>): number {
  let x = feistelEncrypt(k, h, keys);
  while (x >= n) x = feistelEncrypt(x, h, keys);
  return x;
}

/** The whole permutation [perm(0), …, perm(n − 1)]. */
export function feistelPermutation(n: number, keys: ArrayLike<number>): Uint32Array {
  const h = feistelHalfBits(n);
  const out = new Uint32Array(n);
  for (let k = 0; k < n; k++) out[k] = feistelPermute(k, n, h, keys);
  return out;
}
