/**
 * Brownian motion on the unit sphere S^(d−1) (generator ½Δ), run for time s from ω₀: the angular
 * move of an exact random pair (models.md §1.5). Pure float64; the WGSL twin is
 * `sphericalBrownian` in shaders/batch_step.wgsl (same words, same formulas).
 *
 * Test quantities (models.md §1.5): E[ω·ω₀] = e^(−(d−1)s/2), E[(ω·ω₀)²] − 1/d = (1 − 1/d)e^(−ds),
 * i.e. E[P_l(ω·ω₀)] = e^(−l(l+d−2)s/2) for the Legendre (Gegenbauer) polynomial of degree l.
 *
 * d = 2, exact: the angle moves by √s·η, η ~ N(0, 1) (one Box–Muller from words 0, 1).
 *
 * d = 3, moment-matched mixture (a documented approximation, not the exact law): Mijatović,
 * Mramor & Uribe (2020) write the exact law as X = ω·ω₀ = 1 − 2Y, Y ~ Beta(1, 1 + M) (for d = 3)
 * with M an integer from the Wright–Fisher ancestral process A_∞(s), uniform azimuth. Sampling M
 * exactly needs an alternating series with ~2/s terms, hopeless in float32 for the s ~ 10⁻²
 * of a step. We keep the Beta(1, b) form and replace the law of M by a two-point law chosen so
 * that E[X] and E[X²] are EXACT for every s: with g = E[Y | M] = 1/(M + 2), take g = F₁ ± δ with
 * probability ½ each, F₁ = E[Y] = e/2 (e = 1 − e^(−s)), and δ from E[Y²] (closed form below).
 * So every function of ω of degree ≤ 2 (hence every moment of order ≤ 4 of the pair's velocities,
 * which are affine in ω) moves exactly as under the true motion, and the limits s → 0 (no move)
 * and s → ∞ (uniform on S²) are exact. The error is in the harmonics of degree ≥ 3:
 * |E[P₃(X)] − e^(−6s)| = O(s⁴·⁵) as s → 0 (2·10⁻¹⁰ at s = 0.01, 1·10⁻⁵ at s = 0.1), at most
 * ≈ 5.2·10⁻³ near s = 1.2 (tests/unit/sphericalBrownian.test.ts computes it in closed form and
 * checks the order).
 */

/** −expm1(−s) = 1 − e^(−s) without cancellation (series below 1e-2, as in the WGSL twin). */
export function oneMinusExpNeg(s: number): number {
  if (s < 1e-2) return s * (1 - s * (0.5 - s * (1 / 6 - s / 24)));
  return 1 - Math.exp(-s);
}

/** e^t − 1 for t ≤ 0 without cancellation (series above −1e-2, as in the WGSL twin). */
export function expm1Neg(t: number): number {
  if (t > -1e-2) return t * (1 + t * (0.5 + t * (1 / 6 + t / 24)));
  return Math.exp(t) - 1;
}

/**
 * The two values g = F₁ ∓ δ of the d = 3 mixture at time s (each with probability ½): with
 * e = 1 − e^(−s), F₁ = e/2, F₂ = E[Y²]/2 = e²(3 − e)/12, and E[Y² | g]/2 = g²/(1 + g), the second
 * moment fixes δ² = (1 + F₁)(F₂(1 + F₁) − F₁²)/(1 − F₁ + F₂), whose numerator is e³(1 − e)/24
 * exactly (written so, it has no cancellation as s → 0).
 */
export function mixtureG(s: number): [number, number] {
  const e = oneMinusExpNeg(s);
  const f1 = 0.5 * e;
  const f2 = (e * e * (3 - e)) / 12;
  const delta = Math.sqrt(((1 + f1) * e * e * e * (1 - e)) / 24 / (1 - f1 + f2));
  return [f1 - delta, f1 + delta];
}

/** Orthonormal basis of ω⊥ for a unit 3-vector ω (Duff et al., JCGT 6(1), 2017). */
export function perpBasis(wx: number, wy: number, wz: number): [number, number, number, number, number, number] {
  const sz = wz >= 0 ? 1 : -1;
  const a = -1 / (sz + wz);
  const b = wx * wy * a;
  return [1 + sz * wx * wx * a, sz * b, -sz * wx, b, sz + wy * wy * a, -wy];
}

/**
 * Writes into `out` the position ω at time s of a Brownian motion on S^(d−1) started at the unit
 * vector ω₀ = (w0, w1, w2) (w2 = 0 for d = 2), from the four uniform words of one draw4.
 * d = 2 uses `normal` (a standard normal from words 0 and 1, computed by the caller with
 * normals4 so that it is the same as the GPU's). d = 3 uses word 0's top bit (which g), word 1
 * (U of the Beta), word 2 (the azimuth).
 */
export function sphericalBrownian(d: number, w0: number, w1: number, w2: number, s: number, words: ArrayLike<number>, normal: number, out: Float64Array): void {
  if (d === 2) {
    const a = Math.sqrt(s) * normal;
    const c = Math.cos(a), sn = Math.sin(a);
    out[0] = c * w0 - sn * w1;
    out[1] = sn * w0 + c * w1;
    out[2] = 0;
    return;
  }
  const [gLo, gHi] = mixtureG(s);
  const g = words[0] >>> 31 ? gHi : gLo;
  // 1 − Y = U^(1/b), b = 1/g − 1: Beta(1, b) by inversion.
  const u = ((words[1] >>> 8) + 0.5) / 16777216;
  const t = (Math.log(u) * g) / (1 - g);
  const y = -expm1Neg(t); // Y in [0, 1)
  const x = 1 - 2 * y;
  const sinT = 2 * Math.sqrt(Math.max(0, y * (1 - y)));
  const phi = 2 * Math.PI * ((words[2] >>> 8) / 16777216);
  const cp = Math.cos(phi), sp = Math.sin(phi);
  const [e1x, e1y, e1z, e2x, e2y, e2z] = perpBasis(w0, w1, w2);
  let ox = x * w0 + sinT * (cp * e1x + sp * e2x);
  let oy = x * w1 + sinT * (cp * e1y + sp * e2y);
  let oz = x * w2 + sinT * (cp * e1z + sp * e2z);
  const inv = 1 / Math.sqrt(ox * ox + oy * oy + oz * oz); // |ω| = 1 to rounding: energy exact
  ox *= inv; oy *= inv; oz *= inv;
  out[0] = ox; out[1] = oy; out[2] = oz;
}

/**
 * E[P_l(X)] of the d = 3 mixture in closed form (Beta(1, b) moments: E[Y | g] = g,
 * E[Y² | g] = 2g²/(1 + g), E[Y³ | g] = 6g³/((1 + g)(1 + 2g))), l = 1, 2, 3; the exact values are
 * e^(−s), e^(−3s), e^(−6s). For the tests of the approximation's order.
 */
export function mixtureLegendreMeans(s: number): [number, number, number] {
  let m1 = 0, m2 = 0, m3 = 0;
  for (const g of mixtureG(s)) {
    const y1 = g, y2 = (2 * g * g) / (1 + g), y3 = (6 * g * g * g) / ((1 + g) * (1 + 2 * g));
    m1 += 0.5 * (1 - 2 * y1);
    m2 += 0.5 * (1 - 4 * y1 + 4 * y2);
    m3 += 0.5 * (1 - 6 * y1 + 12 * y2 - 8 * y3);
  }
  return [m1, (3 * m2 - 1) / 2, (5 * m3 - 3 * m1) / 2];
}
