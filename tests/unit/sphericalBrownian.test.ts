/**
 * The spherical Brownian motion sampler of exact random pairs (models.md §1.5,
 * physics/sphericalBrownian.ts): E[ω·ω₀] = e^(−(d−1)s/2) and E[(ω·ω₀)²] − 1/d = (1 − 1/d)e^(−ds),
 * d = 2 and 3, at a small s (a typical step, s = 8λα dt ≈ 0.02) and a large one. Tolerances are
 * 4 standard errors of the Monte Carlo means; the power checks show that a 5% error in the time s
 * (a wrong constant in s = 8λα dt, or a wrong BM speed) fails them.
 */
import { describe, expect, it } from 'vitest';
import { draw4, normals4 } from '../../src/physics/rng';
import { mixtureG, mixtureLegendreMeans, sphericalBrownian } from '../../src/physics/sphericalBrownian';

const SAMPLES = 200_000;

/** Monte Carlo means of X = ω·ω₀ and X² − 1/d with their standard errors, from random ω₀. */
function moments(d: 2 | 3, s: number, seed: number): { m1: number; se1: number; m2: number; se2: number } {
  const out = new Float64Array(3);
  let a1 = 0, a2 = 0, b1 = 0, b2 = 0;
  for (let k = 0; k < SAMPLES; k++) {
    const w = draw4('pcg4d', seed, k, 0x1234, 0x7f000000);
    const z = normals4(w);
    // A start direction that varies with k (the law must not depend on it).
    const w0 = draw4('pcg4d', seed + 1, k, 0x4321, 0x7f000000);
    const g = normals4(w0);
    const g2 = d === 3 ? g[2] : 0;
    const r = Math.hypot(g[0], g[1], g2);
    const o = [g[0] / r, g[1] / r, g2 / r];
    sphericalBrownian(d, o[0], o[1], o[2], s, w, z[0], out);
    const x = out[0] * o[0] + out[1] * o[1] + out[2] * o[2];
    const x2 = x * x - 1 / d;
    a1 += x; a2 += x * x; b1 += x2; b2 += x2 * x2;
  }
  const m1 = a1 / SAMPLES, m2 = b1 / SAMPLES;
  return { m1, se1: Math.sqrt((a2 / SAMPLES - m1 * m1) / SAMPLES), m2, se2: Math.sqrt((b2 / SAMPLES - m2 * m2) / SAMPLES) };
}

const exact1 = (d: number, s: number) => Math.exp(-((d - 1) * s) / 2);
const exact2 = (d: number, s: number) => (1 - 1 / d) * Math.exp(-d * s);

describe('spherical Brownian motion sampler', () => {
  it.each([
    [2, 0.02], [2, 2], [3, 0.02], [3, 1],
  ] as const)('d = %i, s = %f: E[ω·ω₀] and E[(ω·ω₀)²] − 1/d within 4 SE of the exact laws', (d, s) => {
    const m = moments(d, s, 17 + d);
    expect(Math.abs(m.m1 - exact1(d, s))).toBeLessThan(4 * m.se1);
    expect(Math.abs(m.m2 - exact2(d, s))).toBeLessThan(4 * m.se2);
    // Power: the laws at 1.05 s are rejected by the same statistics.
    const off = Math.abs(m.m1 - exact1(d, 1.05 * s)) / m.se1 + Math.abs(m.m2 - exact2(d, 1.05 * s)) / m.se2;
    expect(off).toBeGreaterThan(8);
  });

  it('|ω| = 1 and the move is 0 at s = 0', () => {
    const out = new Float64Array(3);
    for (const d of [2, 3] as const) {
      const w = draw4('pcg4d', 1, 2, 3, 4);
      sphericalBrownian(d, 0.6, 0, d === 3 ? 0.8 : 0.8, 0, w, normals4(w)[0], out);
      expect(out[0]).toBeCloseTo(0.6, 12);
      sphericalBrownian(d, 0.6, d === 3 ? 0 : 0.8, d === 3 ? 0.8 : 0, 0.7, w, normals4(w)[0], out);
      expect(Math.hypot(out[0], out[1], out[2])).toBeCloseTo(1, 14);
    }
  });

  it('3D mixture: exact in degrees 1 and 2 for every s; the degree-3 error is O(s^4.5) and ≤ 6e-3 (closed form)', () => {
    let worst = 0;
    for (let s = 1e-3; s < 30; s *= 1.3) {
      const [p1, p2, p3] = mixtureLegendreMeans(s);
      expect(Math.abs(p1 - Math.exp(-s))).toBeLessThan(1e-12);
      expect(Math.abs(p2 - Math.exp(-3 * s))).toBeLessThan(1e-12);
      worst = Math.max(worst, Math.abs(p3 - Math.exp(-6 * s)));
      const [gLo, gHi] = mixtureG(s);
      expect(gLo).toBeGreaterThan(0); // M = 1/g − 2 > −1: Beta(1, b) with b > 0
      expect(gHi).toBeLessThan(1);
    }
    expect(worst).toBeLessThan(6e-3);
    // Order as s → 0: halving s divides the degree-3 error by ≈ 2^4.5 ≈ 23.
    const err = (s: number) => Math.abs(mixtureLegendreMeans(s)[2] - Math.exp(-6 * s));
    const ratio = err(0.04) / err(0.02);
    expect(ratio).toBeGreaterThan(16);
    expect(ratio).toBeLessThan(32);
  });
});
