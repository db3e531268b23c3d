/**
 * The three Landau particle systems of models.md §1.1 in float64: the CPU reference engine and
 * the test oracle for shaders/landau_step.wgsl. Same draws as the GPU (rng.ts), same formulas.
 *
 *   nanbu: V' = V + dt·(2/N)Σ_j b(V−V_j) + √(2dt) L ξ_i,          L Lᵀ = Ā = (1/N)Σ_j a(V−V_j)
 *   fgm:   V' = V + dt·(2/N)Σ_j b(V−V_j) + √(2dt/N) Σ_j a^(1/2)(V−V_j) ξ_ij   (ξ_ij, ξ_ji independent;
 *          only ξ_ij's component in (V−V_j)⊥ is drawn: see pairNoiseTerm)
 *   kac:   as fgm with ξ_ji = −ξ_ij (one draw per unordered pair; the smaller index gets +)
 *   rotation (models.md §1.4): V' = V + dt·(2/N)Σ_j b + √(2dt/N) Σ_j Σ_{α<β} α^(1/2) ξ_αβ(V−V_j) η_ij,αβ
 *          (d(d−1)/2 scalar noises per ORDERED pair; no matrix root, no projection basis)
 *   rotation-shared (§1.4, the counter-example, (1.8) as printed): as rotation with η_j,αβ keyed
 *          by j alone, so every particle i feels the same N·d(d−1)/2 noises: common noise
 *
 * Increments (issue 13): `increments=gaussian` draws each pair-noise component from N(0, 1);
 * `two-point` draws it ±1 with probability ½ (Kloeden–Platen §14.1's simplified weak Euler scheme:
 * same mean and variance, weak order 1), from sign bits shared out of one draw per 4×4 block of
 * pairs (twoPointPairBits). nanbu's per-particle normals are Gaussian either way.
 *
 * Sums run over all j including j = i, where a(0) = b(0) = 0 (models.md §1: a(0) = 0).
 * Normalisation by N (not N−1, as Tabary does: that is a time rescaling by N/(N−1)).
 */
import type { Params } from '../params';
import { PARTICLE_STRIDE } from '../init';
import { choleskyPsd } from '../linalg';
import { Stream, draw4, normals4, pairWord, streamWord, twoPoint, type Words4 } from '../rng';
import { alphaOfR2 } from './kernel';

export interface PairTerms {
  /** (2/N) Σ_j b(V^i − V^j), length 3 (third component 0 when d = 2). */
  drift: Float64Array;
  /** Ā = (1/N) Σ_j a(V^i − V^j) as (xx, yy, zz, xy, yz, zx). nanbu only. */
  abar: Float64Array;
  /**
   * Σ_j ± a^(1/2)(V^i − V^j) ξ_ij (fgm, kac) or Σ_j α^(1/2) Σ_{α<β} ξ_αβ(V^i − V^j) η_αβ
   * (rotation, rotation-shared), length 3. Pair-noise systems only.
   */
  noiseSum: Float64Array;
}

/** `increments` may be left out (Gaussian, the default). */
type StepInput = Pick<Params, 'd' | 'n' | 'gamma' | 'eps' | 'noise' | 'seed' | 'rng'> & Partial<Pick<Params, 'increments'>>;

/** The stream purpose of a pair-noise system's draws (rng.ts Stream). */
function pairStream(noise: Params['noise']): number {
  switch (noise) {
    case 'kac': return Stream.pairUnordered;
    case 'rotation': return Stream.pairRotation;
    case 'rotation-shared': return Stream.rotationShared;
    default: return Stream.pairOrdered;
  }
}

/**
 * The four pair-noise components of one draw: standard normals (two Box–Muller transforms) or,
 * with two-point increments, ±1 from the top bit of each word (rng.ts twoPoint). Twin of
 * pairIncrements in landau_step.wgsl.
 */
export function pairIncrements(w: Words4, twoPointIncrements: boolean, out: Float64Array): Float64Array {
  if (!twoPointIncrements) return normals4(w, out) as Float64Array;
  for (let c = 0; c < 4; c++) out[c] = twoPoint(w[c]);
  return out;
}

/** Pair sums for particle i of the replica starting at particle index `first`. */
export function pairTerms(v: ArrayLike<number>, first: number, replica: number, i: number, p: StepInput, step: number): PairTerms {
  const { n, d, gamma, eps, noise, seed, rng } = p;
  const drift = new Float64Array(3), abar = new Float64Array(6), noiseSum = new Float64Array(3);
  const oi = (first + i) * PARTICLE_STRIDE;
  const xi0 = v[oi], xi1 = v[oi + 1], xi2 = d === 3 ? v[oi + 2] : 0;
  const pairNoise = noise !== 'nanbu';
  const rotation = noise === 'rotation' || noise === 'rotation-shared';
  const twoPointIncrements = p.increments === 'two-point';
  const sw = streamWord(pairStream(noise), replica);
  const nrm = new Float64Array(4);
  for (let j = 0; j < n; j++) {
    const oj = (first + j) * PARTICLE_STRIDE;
    const z0 = xi0 - v[oj], z1 = xi1 - v[oj + 1], z2 = d === 3 ? xi2 - v[oj + 2] : 0;
    const r2 = z0 * z0 + z1 * z1 + z2 * z2;
    if (r2 === 0) continue; // a(0) = b(0) = a^(1/2)(0) = 0
    const al = alphaOfR2(r2, gamma, eps);
    drift[0] -= al * z0; drift[1] -= al * z1; drift[2] -= al * z2;
    if (!pairNoise) {
      abar[0] += al * (r2 - z0 * z0); abar[1] += al * (r2 - z1 * z1); abar[2] += al * (r2 - z2 * z2);
      abar[3] -= al * z0 * z1; abar[4] -= al * z1 * z2; abar[5] -= al * z2 * z0;
    } else if (rotation) {
      // rotation: keyed by the ordered pair (i, j); rotation-shared: by j alone (models.md §1.4).
      if (noise === 'rotation' && twoPointIncrements) twoPointSigns(twoPointPairBits(rng, seed, step, i, j, sw), nrm);
      else pairIncrements(draw4(rng, seed, step, noise === 'rotation' ? pairWord(i, j) : pairWord(j, 0), sw), twoPointIncrements, nrm);
      rotationNoiseTerm(z0, z1, z2, Math.sqrt(al), nrm, d, noiseSum);
    } else {
      const kac = noise === 'kac';
      const lo = kac ? Math.min(i, j) : i, hi = kac ? Math.max(i, j) : j;
      if (twoPointIncrements) twoPointSigns(twoPointPairBits(rng, seed, step, lo, hi, sw), nrm);
      else normals4(draw4(rng, seed, step, pairWord(lo, hi), sw), nrm);
      const sign = kac && i > j ? -1 : 1;
      pairNoiseTerm(z0, z1, z2, r2, Math.sqrt(al), sign, nrm[0], nrm[1], d, noiseSum);
    }
  }
  const driftScale = (2 * (d - 1)) / n; // (2/N) Σ b, b = −(d−1) α z
  for (let c = 0; c < 3; c++) drift[c] *= driftScale;
  if (d === 2) abar[2] = 0;
  for (let c = 0; c < 6; c++) abar[c] /= n;
  return { drift, abar, noiseSum };
}

/**
 * Adds a^(1/2)(z) ξ_ij = α^(1/2)|z| Π(z) ξ_ij to `acc`, sampling only the component of ξ_ij in
 * z⊥ (a standard Gaussian in that plane: the same law as Π(z)ξ with ξ ~ N(0, I_d)):
 * d = 2: η₁ (−z_y, z_x); d = 3: |z| (η₁ e₁ + η₂ e₂), (e₁, e₂) the orthonormal basis of z⊥ of
 * Duff et al. (JCGT 6(1), 2017) built from the canonical orientation z_c = sgn·z so that both
 * particles of a kac pair use the same basis. Twin of pairNoiseTerm in landau_kernel.wgsl.
 */
export function pairNoiseTerm(z0: number, z1: number, z2: number, r2: number, sqrtAlpha: number, sgn: number, eta1: number, eta2: number, d: number, acc: Float64Array): void {
  if (d === 2) {
    acc[0] += sqrtAlpha * eta1 * -z1;
    acc[1] += sqrtAlpha * eta1 * z0;
    return;
  }
  const invR = r2 > 0 ? 1 / Math.sqrt(r2) : 0;
  const nx = sgn * invR * z0, ny = sgn * invR * z1, nz = sgn * invR * z2;
  const sz = nz >= 0 ? 1 : -1;
  const a = -1 / (sz + nz);
  const b = nx * ny * a;
  const f = sgn * sqrtAlpha * r2 * invR;
  acc[0] += f * (eta1 * (1 + sz * nx * nx * a) + eta2 * b);
  acc[1] += f * (eta1 * sz * b + eta2 * (sz + ny * ny * a));
  acc[2] += f * (eta1 * -sz * nx + eta2 * -ny);
}

/**
 * The rotation generators of models.md §1.4 at z, in the order (1,2), (1,3), (2,3):
 * ξ_αβ(z) has −z_β at position α, z_α at position β and 0 elsewhere; Σ_{α<β} ξ_αβ ξ_αβᵀ =
 * |z|² I − z zᵀ (so α Σ ξξᵀ = a(z): no matrix root is needed).
 */
export function rotationGenerators(z: ArrayLike<number>, d: number): number[][] {
  const gens: number[][] = [];
  for (let a = 0; a < d; a++) {
    for (let b = a + 1; b < d; b++) {
      const xi = new Array<number>(d).fill(0);
      xi[a] = -z[b];
      xi[b] = z[a];
      gens.push(xi);
    }
  }
  return gens;
}

/**
 * Adds α^(1/2) Σ_{α<β} ξ_αβ(z) η_αβ to `acc` (models.md §1.4), η = (η_12, η_13, η_23) = eta[0..2]
 * (2D: η_12 = eta[0] only). In 3D this sum is the cross product ω × z with ω = (η_23, −η_13, η_12);
 * in 2D it is η_12 z⊥, z⊥ = (−z_y, z_x). Twin of rotationNoiseTerm in landau_kernel.wgsl.
 */
export function rotationNoiseTerm(z0: number, z1: number, z2: number, sqrtAlpha: number, eta: ArrayLike<number>, d: number, acc: Float64Array): void {
  if (d === 2) {
    acc[0] += sqrtAlpha * eta[0] * -z1;
    acc[1] += sqrtAlpha * eta[0] * z0;
    return;
  }
  const e12 = eta[0], e13 = eta[1], e23 = eta[2];
  acc[0] += sqrtAlpha * (-e12 * z1 - e13 * z2);
  acc[1] += sqrtAlpha * (e12 * z0 - e23 * z2);
  acc[2] += sqrtAlpha * (e13 * z0 + e23 * z1);
}

/**
 * Two-point increments of the pair systems (fgm, kac, rotation): the sign bits of the pair
 * (lo, hi), from ONE draw per 4×4 block of pairs. The draw is keyed by the particle blocks
 * (lo >> 2, hi >> 2); the pair reads word (lo & 3) shifted left by p = hi & 3, and component m is
 * ±1 from its bit 31 − 4m (twoPointSigns), i.e. bit 31 − 4m − p of the word: the 16 pairs of a
 * block use disjoint bits, all among the top 12 of each word (pcg4d's low bits are poor: bits
 * 0–11 of the four words correlate up to 0.26). (lo, hi) = (i, j) for the ordered keys of fgm and
 * rotation, (min, max) for kac (both particles of a pair read the same bits). Twin of
 * twoPointBits in landau_step.wgsl, which draws once per 4 partners.
 */
export function twoPointPairBits(kind: Params['rng'], seed: number, step: number, lo: number, hi: number, sw: number): number {
  const h = draw4(kind, seed, step, pairWord(lo >> 2, hi >> 2), sw);
  return (h[lo & 3] << (hi & 3)) >>> 0;
}

/** The three ±1 components (bits 31, 27, 23) of a pair's shifted word, into out[0..2]. */
export function twoPointSigns(bits: number, out: Float64Array): Float64Array {
  for (let m = 0; m < 3; m++) out[m] = (bits >>> (31 - 4 * m)) & 1 ? -1 : 1;
  return out;
}

/** Row-major d×d matrix from the (xx, yy, zz, xy, yz, zx) slots. */
export function abarMatrix(abar: ArrayLike<number>, d: number): number[] {
  return d === 3
    ? [abar[0], abar[3], abar[5], abar[3], abar[1], abar[4], abar[5], abar[4], abar[2]]
    : [abar[0], abar[3], abar[3], abar[1]];
}

/**
 * One Euler–Maruyama step of every replica: reads `v`, writes `out` (may not alias).
 * `step` is the step counter that keys the noise (the step being taken, from 0).
 */
export function stepF64(v: Float64Array, out: Float64Array, p: StepInput & { replicas: number; dt: number }, step: number): void {
  const { n, d, dt, replicas } = p;
  const nrm = new Float64Array(4);
  for (let r = 0; r < replicas; r++) {
    const first = r * n;
    for (let i = 0; i < n; i++) {
      const t = pairTerms(v, first, r, i, p, step);
      const o = (first + i) * PARTICLE_STRIDE;
      const inc = new Float64Array(3);
      if (p.noise === 'nanbu') {
        const L = choleskyPsd(abarMatrix(t.abar, d), d);
        normals4(draw4(p.rng, p.seed, step, pairWord(i, 0), streamWord(Stream.nanbu, r)), nrm);
        const s = Math.sqrt(2 * dt);
        for (let a = 0; a < d; a++) {
          let acc = 0;
          for (let b = 0; b <= a; b++) acc += L[a * d + b] * nrm[b];
          inc[a] = s * acc;
        }
      } else {
        const s = Math.sqrt((2 * dt) / n);
        for (let a = 0; a < d; a++) inc[a] = s * t.noiseSum[a];
      }
      for (let a = 0; a < 4; a++) out[o + a] = a < d ? v[o + a] + dt * t.drift[a] + inc[a] : 0;
    }
  }
}
