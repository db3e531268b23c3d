/**
 * The one random generator of Mean-Field Lab, implemented bit-identically here and in
 * `shaders/rng.wgsl` (a test compares the integer streams).
 *
 * Counter-based: a draw is a pure function of (seed, counter, pairWord, streamWord), so the GPU
 * generates the N² pair noises of `fgm`/`kac` on the fly (models.md §1.1) and a run is
 * reproduced exactly from its seed. Each call returns four uint32 words.
 *
 * Two generators share that interface:
 * - `pcg4d` (Jarzynski & Olano, "Hash Functions for GPU Rendering", JCGT 9(3), 2020): a 4-D → 4-D
 *   integer hash on their quality/speed Pareto front. Default: it costs about as much as one pair
 *   interaction, which keeps the `fgm`/`kac` steps close to the `nanbu` step.
 * - `philox` (Philox4x32-10, Salmon et al., SC'11; the generator of cuRAND and Random123):
 *   crush-resistant, about 4× slower on a CPU WebGPU adapter (32×32→64 multiplies are emulated
 *   with 16-bit halves in WGSL). Use it to check that a result does not depend on the generator.
 */

export type RngKind = 'pcg4d' | 'philox';
export type Words4 = [number, number, number, number];

/** Purposes, packed in the top byte of the stream word so streams never overlap. */
export const Stream = {
  init: 1,
  nanbu: 2,
  pairOrdered: 3, // fgm: one Brownian motion per ordered pair (i, j)
  pairUnordered: 4, // kac: one per unordered pair, antisymmetric
  firstOrder: 5, // first-order systems (models.md §3): one Brownian motion per particle
  torus: 6, // nanbu on the torus (models.md §2): one Brownian motion per particle
  // interactions=batch (models.md §1.5, physics/landau/randomBatch.ts); 16+ leaves room below.
  batchPermutation: 16, // Feistel round keys of each (step, replica)'s random partition
  batchNanbu: 17, // nanbu in a batch: one Brownian motion per particle (pairWord = particle index)
  batchPair: 18, // fgm/kac/rotation/exact pairs in a batch: one draw per pair (batchPairWord)
  batchShared: 19, // rotation-shared in a batch: particle j's d(d−1)/2 noises (key j), felt by its batch
  pairRotation: 7, // rotation (models.md §1.4): d(d−1)/2 scalar noises per ordered pair (i, j)
  rotationShared: 8, // rotation-shared (§1.4, the counter-example): d(d−1)/2 per particle j, felt by all
} as const;

/** Packs a pair (or a particle index with j = 0) into one word; indices < 2^16 (n ≤ 65536). */
export function pairWord(i: number, j: number): number {
  return ((i & 0xffff) | ((j & 0xffff) << 16)) >>> 0;
}

/** Stream word: purpose in bits 24–31, replica in bits 0–23. */
export function streamWord(purpose: number, replica: number): number {
  return (((purpose & 0xff) << 24) | (replica & 0xffffff)) >>> 0;
}

export function pcg4d(x: number, y: number, z: number, w: number): Words4 {
  let a = (Math.imul(x, 1664525) + 1013904223) >>> 0;
  let b = (Math.imul(y, 1664525) + 1013904223) >>> 0;
  let c = (Math.imul(z, 1664525) + 1013904223) >>> 0;
  let d = (Math.imul(w, 1664525) + 1013904223) >>> 0;
  a = (a + Math.imul(b, d)) >>> 0;
  b = (b + Math.imul(c, a)) >>> 0;
  c = (c + Math.imul(a, b)) >>> 0;
  d = (d + Math.imul(b, c)) >>> 0;
  a = (a ^ (a >>> 16)) >>> 0;
  b = (b ^ (b >>> 16)) >>> 0;
  c = (c ^ (c >>> 16)) >>> 0;
  d = (d ^ (d >>> 16)) >>> 0;
  a = (a + Math.imul(b, d)) >>> 0;
  b = (b + Math.imul(c, a)) >>> 0;
  c = (c + Math.imul(a, b)) >>> 0;
  d = (d + Math.imul(b, c)) >>> 0;
  return [a, b, c, d];
}

const PHILOX_M0 = 0xd2511f53;
const PHILOX_M1 = 0xcd9e8d57;
const PHILOX_W0 = 0x9e3779b9;
const PHILOX_W1 = 0xbb67ae85;

/** High 32 bits of a 32×32-bit product, by 16-bit halves (the same arithmetic as the WGSL). */
function mulhi32(a: number, b: number): number {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const ll = Math.imul(al, bl) >>> 0;
  const lh = Math.imul(al, bh) >>> 0;
  const hl = Math.imul(ah, bl) >>> 0;
  const hh = Math.imul(ah, bh) >>> 0;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/** Philox4x32-10 with counter (c0..c3) and key (k0, k1). */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number): Words4 {
  let x0 = c0 >>> 0, x1 = c1 >>> 0, x2 = c2 >>> 0, x3 = c3 >>> 0;
  let key0 = k0 >>> 0, key1 = k1 >>> 0;
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi32(PHILOX_M0, x0), lo0 = Math.imul(PHILOX_M0, x0) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, x2), lo1 = Math.imul(PHILOX_M1, x2) >>> 0;
    const n0 = (hi1 ^ x1 ^ key0) >>> 0;
    const n2 = (hi0 ^ x3 ^ key1) >>> 0;
    x0 = n0; x1 = lo1; x2 = n2; x3 = lo0;
    key0 = (key0 + PHILOX_W0) >>> 0;
    key1 = (key1 + PHILOX_W1) >>> 0;
  }
  return [x0, x1, x2, x3];
}

/** Philox key word fixed for the project (an arbitrary odd constant, part of the stream definition). */
export const PHILOX_KEY1 = 0x6d666c31; // "mfl1"

/** Four uint32 words for (seed, counter, pairWord, streamWord), with the chosen generator. */
export function draw4(kind: RngKind, seed: number, counter: number, pw: number, sw: number): Words4 {
  return kind === 'pcg4d'
    ? pcg4d(seed >>> 0, counter >>> 0, pw, sw)
    : philox4x32(counter >>> 0, pw, sw, 0, seed >>> 0, PHILOX_KEY1);
}

const TWO_POW_M24 = 1 / 16777216;

/** Uniform in the open interval (0, 1) from the top 24 bits (exact in float32 too). */
export function uniformOpen(word: number): number {
  return ((word >>> 8) + 0.5) * TWO_POW_M24;
}

/** Uniform in [0, 1) from the top 24 bits. */
export function uniformHalfOpen(word: number): number {
  return (word >>> 8) * TWO_POW_M24;
}

/**
 * Four standard normals from four words by two Box–Muller transforms:
 * (w0, w1) → (z0, z1), (w2, w3) → (z2, z3). Same formula as `normals4` in rng.wgsl.
 */
export function normals4(w: Words4, out: Float64Array | number[] = new Float64Array(4)): Float64Array | number[] {
  const r0 = Math.sqrt(-2 * Math.log(uniformOpen(w[0])));
  const t0 = 2 * Math.PI * uniformHalfOpen(w[1]);
  const r1 = Math.sqrt(-2 * Math.log(uniformOpen(w[2])));
  const t1 = 2 * Math.PI * uniformHalfOpen(w[3]);
  out[0] = r0 * Math.cos(t0);
  out[1] = r0 * Math.sin(t0);
  out[2] = r1 * Math.cos(t1);
  out[3] = r1 * Math.sin(t1);
  return out;
}

/**
 * Two-point increment ±1 with probability ½ each, from the top bit of one word: the simplified
 * weak Euler scheme's replacement for a standard normal (Kloeden–Platen §14.1; same mean 0 and
 * variance 1, so Euler–Maruyama's weak order 1 is kept). Same formula as `twoPoint` in rng.wgsl.
 */
export function twoPoint(word: number): number {
  return word >>> 31 ? -1 : 1;
}

/**
 * A sequential stream over one (seed, purpose, replica, particle) for samplers: draws words in
 * blocks of four, advancing the counter. Used for initial data (CPU side, then uploaded).
 */
export class CounterStream {
  private block: Words4 = [0, 0, 0, 0];
  private used = 4;
  private counter = 0;
  private readonly spare = new Float64Array(4);
  private spareUsed = 4;
  constructor(
    private readonly kind: RngKind,
    private readonly seed: number,
    private readonly pw: number,
    private readonly sw: number,
  ) {}

  nextWord(): number {
    if (this.used === 4) {
      this.block = draw4(this.kind, this.seed, this.counter++, this.pw, this.sw);
      this.used = 0;
    }
    return this.block[this.used++];
  }

  /** Uniform in (0, 1). */
  uniform(): number {
    return uniformOpen(this.nextWord());
  }

  normal(): number {
    if (this.spareUsed === 4) {
      normals4([this.nextWord(), this.nextWord(), this.nextWord(), this.nextWord()], this.spare);
      this.spareUsed = 0;
    }
    return this.spare[this.spareUsed++];
  }
}
