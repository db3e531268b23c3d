/**
 * Initial-data samplers: moments against the exact values of each law, with tolerances of
 * 4 standard errors computed from the law's own higher moments (N = 20000, fixed seed).
 */
import { describe, expect, it } from 'vitest';
import { initialEnergy, initialTime, sampleInitial } from '../../src/physics/init';
import { defaultParams, type Params } from '../../src/physics/params';
import { bkwK, bkwM4, bkwStartTime } from '../../src/physics/references/bkw';

const N = 20000;

function sample(over: Partial<Params>): { v: Float64Array; p: Params } {
  const p: Params = { ...defaultParams(), n: N, replicas: 1, normalize: false, ...over };
  return { v: sampleInitial(p), p };
}

function column(v: Float64Array, c: number): number[] {
  return Array.from({ length: v.length / 4 }, (_, i) => v[i * 4 + c]);
}
const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const se = (xs: number[]) => {
  const m = avg(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length);
};
function speeds2(v: Float64Array, d: number): number[] {
  return Array.from({ length: v.length / 4 }, (_, i) => {
    let s = 0;
    for (let c = 0; c < d; c++) s += v[i * 4 + c] ** 2;
    return s;
  });
}

describe('initial data', () => {
  it('aniso: per-axis temperatures', () => {
    const { v } = sample({ init: 'aniso', d: 3, temp: [2, 0.5, 1] });
    [2, 0.5, 1].forEach((T, c) => {
      const x2 = column(v, c).map((x) => x * x);
      expect(Math.abs(avg(x2) - T)).toBeLessThan(4 * T * Math.sqrt(2 / N));
    });
    expect(column(v, 3).every((x) => x === 0)).toBe(true);
  });

  for (const d of [2, 3] as const) {
    it(`d=${d} bkw: energy d, fourth moment d(d+2)[1 − (1 − K)²] at t0 (models.md §1.2)`, () => {
      const { v, p } = sample({ init: 'bkw', d });
      const r2 = speeds2(v, d);
      expect(Math.abs(avg(r2) - d)).toBeLessThan(4 * se(r2));
      const r4 = r2.map((x) => x * x);
      const t0 = bkwStartTime(d);
      expect(initialTime(p)).toBe(t0);
      expect(Math.abs(avg(r4) - bkwM4(d, t0))).toBeLessThan(4 * se(r4));
      // Power: the Gaussian with the same energy has m4 = d(d+2), clearly rejected.
      expect(Math.abs(avg(r4) - d * (d + 2))).toBeGreaterThan(4 * se(r4));
      expect(bkwK(d, t0)).toBeCloseTo(d === 3 ? 0.6 : 0.5, 12);
      if (d === 2) expect(column(v, 2).every((x) => x === 0)).toBe(true);
    });
  }

  it('shell: every speed equals √(d·T)', () => {
    const { v } = sample({ init: 'shell', d: 3, temp: [1.5] });
    for (const s2 of speeds2(v, 3)) expect(s2).toBeCloseTo(4.5, 10);
    expect(Math.abs(avg(column(v, 0)))).toBeLessThan(4 * Math.sqrt(1.5 / N));
  });

  it('bimaxwellian: two Gaussians at ±shift·e_x', () => {
    const { v } = sample({ init: 'bimaxwellian', d: 3, temp: [0.5], shift: 2 });
    const x = column(v, 0);
    // E v_x = 0, E v_x² = T + shift², E|v_x| ≈ shift for a well-separated mixture.
    expect(Math.abs(avg(x))).toBeLessThan(4 * se(x));
    const x2 = x.map((a) => a * a);
    expect(Math.abs(avg(x2) - 4.5)).toBeLessThan(4 * se(x2));
    expect(avg(column(v, 1).map((a) => a * a))).toBeCloseTo(0.5, 1);
  });

  it('normalize: zero momentum and the exact energy of the law in every replica', () => {
    for (const init of ['gaussian', 'aniso', 'bkw', 'bimaxwellian', 'shell'] as const) {
      const p: Params = { ...defaultParams(), n: 500, replicas: 3, init, d: 3, temp: init === 'aniso' ? [2, 1, 0.5] : [1.3], normalize: true };
      const v = sampleInitial(p);
      for (let r = 0; r < 3; r++) {
        const m = [0, 0, 0];
        let e = 0;
        for (let i = 0; i < p.n; i++) for (let c = 0; c < 3; c++) {
          const x = v[(r * p.n + i) * 4 + c];
          m[c] += x / p.n;
          e += (x * x) / p.n;
        }
        m.forEach((x) => expect(Math.abs(x)).toBeLessThan(1e-12));
        expect(e).toBeCloseTo(initialEnergy(p), 10);
      }
    }
  });

  it('the same seed gives the same particles; another seed does not; replicas differ', () => {
    const p: Params = { ...defaultParams(), n: 100, replicas: 2 };
    expect(sampleInitial(p)).toEqual(sampleInitial(p));
    expect(sampleInitial({ ...p, seed: 2 })).not.toEqual(sampleInitial(p));
    const v = sampleInitial(p);
    expect(v[0]).not.toBe(v[100 * 4]);
  });
});
