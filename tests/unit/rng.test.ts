/**
 * The generator: Philox known-answer vectors, determinism, and the distribution of the normals
 * (moments and a Kolmogorov–Smirnov test with fixed seeds; critical values at α = 0.001 so a
 * correct generator fails with probability 1e-3 per test, and a wrong one — e.g. Box–Muller
 * with a 2% radius error — is caught, as checked below). Moment tolerances are 4 standard errors.
 */
import { describe, expect, it } from 'vitest';
import { CounterStream, draw4, normals4, pcg4d, philox4x32, uniformOpen } from '../../src/physics/rng';

// Random123's kat_vectors for philox4x32_10.
const PHILOX_KAT: [number[], number[], number[]][] = [
  [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
];

function normalCdf(x: number): number {
  // Abramowitz–Stegun 7.1.26 via erf, |error| < 1.5e-7.
  const t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.SQRT2);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

function ksStatistic(xs: number[], cdf: (x: number) => number): number {
  const s = [...xs].sort((a, b) => a - b);
  let d = 0;
  s.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, Math.abs(f - i / s.length), Math.abs((i + 1) / s.length - f));
  });
  return d;
}
const KS_CRIT_001 = (n: number) => 1.949 / Math.sqrt(n);

function sampleNormals(kind: 'pcg4d' | 'philox', count: number, radiusScale = 1): number[] {
  const out: number[] = [];
  const z = new Float64Array(4);
  for (let k = 0; out.length < count; k++) {
    normals4(draw4(kind, 12345, k, (k * 7919) >>> 0, 0x02000000), z);
    out.push(...Array.from(z, (x) => x * radiusScale));
  }
  return out;
}

describe('rng', () => {
  it.each(PHILOX_KAT)('Philox4x32-10 known answer %#', (ctr, key, expected) => {
    expect(philox4x32(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1])).toEqual(expected);
  });

  it('is a pure function of its inputs', () => {
    expect(pcg4d(1, 2, 3, 4)).toEqual(pcg4d(1, 2, 3, 4));
    expect(pcg4d(1, 2, 3, 4)).not.toEqual(pcg4d(1, 2, 3, 5));
    const a = new CounterStream('pcg4d', 9, 1, 2), b = new CounterStream('pcg4d', 9, 1, 2);
    for (let k = 0; k < 20; k++) expect(a.normal()).toBe(b.normal());
  });

  it('uniforms are in (0, 1) and never 0 (Box–Muller takes their log)', () => {
    expect(uniformOpen(0)).toBeGreaterThan(0);
    expect(uniformOpen(0xffffffff)).toBeLessThan(1);
  });

  it.each(['pcg4d', 'philox'] as const)('%s normals: mean, variance, kurtosis and KS within their sampling error', (kind) => {
    const n = 40000;
    const z = sampleNormals(kind, n);
    const m = z.reduce((s, x) => s + x, 0) / n;
    const v = z.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1);
    const k4 = z.reduce((s, x) => s + x ** 4, 0) / n;
    // Standard errors: mean 1/√n, variance √(2/n), fourth moment √(96/n) (E z⁸ − 9 = 96).
    expect(Math.abs(m)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(k4 - 3)).toBeLessThan(4 * Math.sqrt(96 / n));
    expect(ksStatistic(z, normalCdf)).toBeLessThan(KS_CRIT_001(n));
  });

  it('the tests have power: a 2% radius error fails the variance check, 5% fails KS', () => {
    const n = 40000;
    const z = sampleNormals('pcg4d', n, 1.02);
    const v = z.reduce((s, x) => s + x * x, 0) / n;
    expect(Math.abs(v - 1)).toBeGreaterThan(4 * Math.sqrt(2 / n));
    expect(ksStatistic(sampleNormals('pcg4d', n, 1.05), normalCdf)).toBeGreaterThan(KS_CRIT_001(n));
  });

  it('pair streams are uncorrelated across neighbouring counters and pairs', () => {
    // Correlation of the first normal of draw (step, pair) with (step+1, pair) and (step, pair+1).
    const n = 20000;
    const z = new Float64Array(4);
    let sxy = 0, sxz = 0;
    for (let k = 0; k < n; k++) {
      const x = normals4(draw4('pcg4d', 1, k, 5, 3 << 24), z)[0];
      const y = normals4(draw4('pcg4d', 1, k + 1, 5, 3 << 24), z)[0];
      const w = normals4(draw4('pcg4d', 1, k, 6, 3 << 24), z)[0];
      sxy += x * y; sxz += x * w;
    }
    expect(Math.abs(sxy / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(sxz / n)).toBeLessThan(4 / Math.sqrt(n));
  });
});
