/**
 * First-order systems (models.md §3) in float64: the kernels against their potentials and
 * constants, the exact virial identities at the level of one configuration, the float64 step,
 * and the exact initial samplers (moments within 4 standard errors, plus power checks).
 */
import { describe, expect, it } from 'vitest';
import { coulombConstant, kernelCoefficient, kernelF64, type FirstOrderKernelInput } from '../../src/physics/firstOrder/kernels';
import { driftF64, interactionMomentRate, stepF64 } from '../../src/physics/firstOrder/particleSystem';
import { initialEnergy, sampleInitial } from '../../src/physics/init';
import { positionSecondMoment } from '../../src/physics/initPositions';
import { defaultParams, type Params } from '../../src/physics/params';
import { lambOseenRadialCdf, lambOseenVariance, secondMomentSlope } from '../../src/physics/references/firstOrder';
import { CpuBackend } from '../../src/engine/cpuBackend';
import { mean, stdErr } from '../stats';

const fo = (over: Partial<Params>): Params => ({ ...defaultParams(), model: 'first-order', d: 2, init: 'gaussian', ...over });
const K = (x: number[], k: FirstOrderKernelInput) => Array.from(kernelF64(x[0], x[1], x[2] ?? 0, k));

/** −∇g by central differences. */
function minusGrad(g: (x: number[]) => number, x: number[], h = 1e-6): number[] {
  return x.map((_, c) => {
    const xp = [...x], xm = [...x];
    xp[c] += h; xm[c] -= h;
    return -(g(xp) - g(xm)) / (2 * h);
  });
}
const norm2 = (x: number[]) => x.reduce((s, v) => s + v * v, 0);

describe('first-order kernels (models.md §3)', () => {
  const points = [[0.3, -0.7], [1.5, 0.2], [-0.05, 0.02], [2, -3]];
  const points3 = [[0.3, -0.7, 0.4], [1.5, 0.2, -1], [-0.05, 0.02, 0.01]];

  it('2D coulomb repulsive is the log gas K = −∇g, g = −(1/2π) log|x|; with ε, g = −(1/4π) log(|x|² + ε²)', () => {
    for (const eps of [0, 0.3]) {
      const k = { d: 2 as const, kernel: 'coulomb' as const, sign: 'repulsive' as const, chi: 1, s: 0, eps };
      for (const x of points) {
        const ref = minusGrad((y) => -Math.log(norm2(y) + eps * eps) / (4 * Math.PI), x);
        K(x, k).slice(0, 2).forEach((v, c) => expect(v).toBeCloseTo(ref[c], 6));
      }
    }
    expect(coulombConstant(2)).toBe(1 / (2 * Math.PI));
    // Power: c₂ = 1/(4π) would give half the force.
    const k = { d: 2 as const, kernel: 'coulomb' as const, sign: 'repulsive' as const, chi: 1, s: 0, eps: 0 };
    expect(Math.abs(K([1, 0], k)[0] - 1 / (4 * Math.PI))).toBeGreaterThan(0.07);
  });

  it('3D coulomb is −∇ of c₃/|x| (repulsive), attractive is its negative, χ scales it', () => {
    const rep = { d: 3 as const, kernel: 'coulomb' as const, sign: 'repulsive' as const, chi: 2.5, s: 0, eps: 0 };
    for (const x of points3) {
      const ref = minusGrad((y) => (2.5 / (4 * Math.PI)) / Math.sqrt(norm2(y)), x);
      K(x, rep).forEach((v, c) => expect(v).toBeCloseTo(ref[c], 5));
      K(x, { ...rep, sign: 'attractive' }).forEach((v, c) => expect(v).toBeCloseTo(-ref[c], 5));
    }
  });

  it('2D attractive coulomb of strength χ is Keller–Segel: K(x) = −χ x/(2π|x|²)', () => {
    const k = { d: 2 as const, kernel: 'coulomb' as const, sign: 'attractive' as const, chi: 7, s: 0, eps: 0 };
    for (const x of points) K(x, k).slice(0, 2).forEach((v, c) => expect(v).toBeCloseTo((-7 * x[c]) / (2 * Math.PI * norm2(x)), 12));
  });

  it('riesz with s = d − 2 is coulomb; K(λx) = λ^(−s−1) K(x) without ε', () => {
    for (const d of [2, 3] as const) {
      const c = { d, kernel: 'coulomb' as const, sign: 'repulsive' as const, chi: 1.7, s: 0, eps: 0.2 };
      const r = { ...c, kernel: 'riesz' as const, s: d - 2 };
      for (const x of d === 2 ? points : points3) K(x, r).forEach((v, q) => expect(v).toBeCloseTo(K(x, c)[q], 12));
    }
    const k = { d: 3 as const, kernel: 'riesz' as const, sign: 'attractive' as const, chi: 1, s: 0.4, eps: 0 };
    const x = points3[0], lam = 2.7;
    K(x.map((v) => lam * v), k).forEach((v, q) => expect(v).toBeCloseTo(Math.pow(lam, -1.4) * K(x, k)[q], 12));
  });

  it('biot-savart: K = χ x⊥/(2π(|x|²+ε²)) is divergence-free and x·K = 0, regularised or not', () => {
    for (const eps of [0, 0.1]) {
      const k = { d: 2 as const, kernel: 'biot-savart' as const, sign: 'repulsive' as const, chi: 1.3, s: 0, eps };
      for (const x of points) {
        const v = K(x, k);
        expect(Math.abs(x[0] * v[0] + x[1] * v[1])).toBeLessThan(1e-15 * (1 + Math.abs(v[0]) + Math.abs(v[1])));
        const h = 1e-6;
        const div = (K([x[0] + h, x[1]], k)[0] - K([x[0] - h, x[1]], k)[0] + K([x[0], x[1] + h], k)[1] - K([x[0], x[1] - h], k)[1]) / (2 * h);
        expect(Math.abs(div)).toBeLessThan(1e-5 * (1 + norm2(v)));
        // x⊥ = (−x₂, x₁): counter-clockwise rotation for positive circulation.
        expect(v[0]).toBeCloseTo((-1.3 * x[1]) / (2 * Math.PI * (norm2(x) + eps * eps)), 12);
      }
    }
  });

  it('regular: K = ±χ x e^(−|x|²/2) (attractive = the models.md example), ε unused', () => {
    const k = { d: 3 as const, kernel: 'regular' as const, sign: 'attractive' as const, chi: 1, s: 0, eps: 5 };
    for (const x of points3) K(x, k).forEach((v, c) => expect(v).toBeCloseTo(-x[c] * Math.exp(-norm2(x) / 2), 14));
    expect(kernelCoefficient({ ...k, sign: 'repulsive', chi: 3 })).toBe(3);
  });

  it('K(0) = 0 for every kernel, also with ε = 0 (coincident points contribute 0, never NaN)', () => {
    for (const kernel of ['biot-savart', 'coulomb', 'riesz', 'regular'] as const) {
      for (const d of [2, 3] as const) K([0, 0, 0], { d, kernel, sign: 'attractive', chi: 1, s: 0.5, eps: 0 }).forEach((v) => expect(Math.abs(v)).toBe(0));
    }
  });
});

describe('first-order particle system: exact identities per configuration', () => {
  function cloud(p: Params, seed: number): Float64Array {
    const x = sampleInitial({ ...p, seed, normalize: false });
    return x;
  }

  it('2D coulomb, ε = 0: (2/N)Σ X^i·drift_i = sχ(N−1)/(2πN) exactly (the virial slope minus 4σ); ε > 0 is strictly smaller', () => {
    for (const sign of ['repulsive', 'attractive'] as const) {
      const p = fo({ kernel: 'coulomb', sign, chi: 3, eps: 0, n: 57, replicas: 1 });
      const x = cloud(p, 3);
      const exact = ((sign === 'repulsive' ? 1 : -1) * 3 * 56) / (2 * Math.PI * 57);
      expect(interactionMomentRate(x, 0, p, false)).toBeCloseTo(exact, 12);
      expect(secondMomentSlope(p)).toBeCloseTo(4 * p.sigma + exact, 14);
      const reg = interactionMomentRate(x, 0, { ...p, eps: 0.2 }, false);
      expect(Math.abs(reg)).toBeLessThan(Math.abs(exact));
      // Power: the wrong constant c₂ = 1/(4π) is off by half the interaction term.
      expect(Math.abs(interactionMomentRate(x, 0, p, false) - exact / 2)).toBeGreaterThan(0.2);
    }
  });

  it('biot-savart: the circulation-weighted moment has no interaction term for any circulations and ε; the unweighted one only for equal circulations', () => {
    for (const eps of [0, 0.1]) {
      for (const circ of ['plus', 'pm', 'uniform'] as const) {
        const p = fo({ kernel: 'biot-savart', circ, eps, n: 64 });
        const x = cloud(p, 5);
        expect(Math.abs(interactionMomentRate(x, 0, p, true))).toBeLessThan(1e-14);
        const unweighted = interactionMomentRate(x, 0, p, false);
        if (circ === 'plus') expect(Math.abs(unweighted)).toBeLessThan(1e-14);
        else expect(Math.abs(unweighted)).toBeGreaterThan(1e-4); // (m_j − m_i) X^j·K ≠ 0
      }
    }
  });

  it('Newton’s third law: Σ_i drift_i = 0 for radial kernels (m = 1); Σ_i m_i drift_i = 0 for vortices', () => {
    const cases: Partial<Params>[] = [
      { kernel: 'coulomb', d: 3, sign: 'attractive', eps: 0.1 },
      { kernel: 'riesz', d: 3, s: 0.5, eps: 0 },
      { kernel: 'regular', d: 2 },
      { kernel: 'biot-savart', circ: 'uniform', eps: 0 },
    ];
    for (const c of cases) {
      const p = fo({ ...c, n: 40 });
      const x = cloud(p, 8);
      const tot = [0, 0, 0];
      let scale = 0;
      for (let i = 0; i < p.n; i++) {
        const dr = driftF64(x, 0, i, p);
        for (let q = 0; q < 3; q++) { tot[q] += x[i * 4 + 3] * dr[q]; scale += Math.abs(dr[q]); }
      }
      tot.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-13 * scale));
    }
  });

  it('the step: with χ = 0 the increment is √(2σ dt) ξ exactly, ξ the firstOrder stream; circulations are carried', () => {
    const p = fo({ kernel: 'biot-savart', circ: 'pm', chi: 0, sigma: 0.7, dt: 0.01, n: 1200, replicas: 1 });
    const x = cloud(p, 9);
    const out = new Float64Array(x.length);
    stepF64(x, out, p, 4);
    const inc = Array.from({ length: p.n * 2 }, (_, k) => out[Math.floor(k / 2) * 4 + (k % 2)] - x[Math.floor(k / 2) * 4 + (k % 2)]);
    const sq = inc.map((v) => v * v);
    const v2 = 2 * p.sigma * p.dt;
    expect(Math.abs(mean(sq) - v2)).toBeLessThan(4 * stdErr(sq));
    expect(Math.abs(mean(sq) - v2 / 2)).toBeGreaterThan(4 * stdErr(sq)); // power: √(σ dt)
    for (let i = 0; i < p.n; i++) expect(out[i * 4 + 3]).toBe(x[i * 4 + 3]);
    const again = new Float64Array(x.length);
    stepF64(x, again, p, 4);
    expect(again).toEqual(out);
    stepF64(x, again, p, 5);
    expect(again).not.toEqual(out);
  });

  it('CpuBackend runs every first-order kernel and keeps d = 2 positions in the plane', async () => {
    for (const c of [{ kernel: 'biot-savart' }, { kernel: 'coulomb', d: 3 }, { kernel: 'riesz', d: 3, s: 0.5 }, { kernel: 'regular' }] as Partial<Params>[]) {
      const p = fo({ ...c, n: 32, replicas: 2, dt: 0.01, eps: 0.1 });
      const b = new CpuBackend(p);
      b.step(3);
      const v = await b.readParticles();
      expect(v.every(Number.isFinite)).toBe(true);
      if (p.d === 2) for (let k = 0; k < p.n * 2; k++) expect(v[k * 4 + 2]).toBe(0);
      const m = await b.readMoments();
      expect(m).toHaveLength(2);
    }
  });
});

describe('first-order initial laws (exact samplers)', () => {
  const N = 20000;
  const sample = (over: Partial<Params>) => {
    const p = fo({ n: N, replicas: 1, normalize: false, ...over });
    return { p, x: sampleInitial(p) };
  };
  const col = (x: Float64Array, c: number) => Array.from({ length: x.length / 4 }, (_, i) => x[i * 4 + c]);
  const r2 = (x: Float64Array, d: number) => Array.from({ length: x.length / 4 }, (_, i) => {
    let s = 0;
    for (let c = 0; c < d; c++) s += x[i * 4 + c] ** 2;
    return s;
  });

  for (const d of [2, 3] as const) {
    it(`d=${d} gaussian, disc, two-blobs, ring: E|X|² exact (4 SE); shapes`, () => {
      for (const init of ['gaussian', 'disc', 'two-blobs', 'ring'] as const) {
        const { p, x } = sample({ init, d, width: 0.8, shift: 1.2, kernel: 'coulomb' });
        const s = r2(x, d);
        const se = Math.max(stdErr(s), 1e-12);
        expect(Math.abs(mean(s) - positionSecondMoment(p))).toBeLessThan(4 * se + 1e-12);
        expect(initialEnergy(p)).toBe(positionSecondMoment(p));
        if (init === 'disc') {
          expect(Math.max(...s)).toBeLessThanOrEqual(0.64);
          // Uniform in the ball: P(|X| ≤ w/2) = 2^(−d). Power: the wrong radius law U^(1/2) in 3D.
          const inner = s.map((v) => (v <= 0.16 ? 1 : 0));
          expect(Math.abs(mean(inner) - 2 ** -d)).toBeLessThan(4 * stdErr(inner));
          if (d === 3) expect(Math.abs(mean(inner) - 0.25)).toBeGreaterThan(4 * stdErr(inner));
        }
        if (init === 'ring') {
          s.forEach((v) => expect(v).toBeCloseTo(0.64, 12));
          if (d === 3) expect(col(x, 2).every((v) => v === 0)).toBe(true);
          const cos = col(x, 0).map((v) => v / 0.8);
          expect(Math.abs(mean(cos))).toBeLessThan(4 * stdErr(cos));
        }
        if (init === 'two-blobs') {
          const x1 = col(x, 0);
          expect(Math.abs(mean(x1))).toBeLessThan(4 * stdErr(x1));
          const sq = x1.map((v) => v * v);
          expect(Math.abs(mean(sq) - (0.64 + 1.44))).toBeLessThan(4 * stdErr(sq));
        }
        if (d === 2) expect(col(x, 2).every((v) => v === 0)).toBe(true);
        expect(col(x, 3).every((v) => v === 1)).toBe(true); // m = 1 for non-vortex kernels
      }
    });
  }

  it('circulations: plus all 1; pm ±1 with mean 0, variance 1; uniform on [−1, 1] (variance 1/3)', () => {
    expect(col(sample({ kernel: 'biot-savart', circ: 'plus' }).x, 3).every((m) => m === 1)).toBe(true);
    const pm = col(sample({ kernel: 'biot-savart', circ: 'pm' }).x, 3);
    expect(pm.every((m) => m === 1 || m === -1)).toBe(true);
    expect(Math.abs(mean(pm))).toBeLessThan(4 * stdErr(pm));
    const un = col(sample({ kernel: 'biot-savart', circ: 'uniform' }).x, 3);
    expect(un.every((m) => m >= -1 && m <= 1)).toBe(true);
    const sq = un.map((m) => m * m);
    expect(Math.abs(mean(sq) - 1 / 3)).toBeLessThan(4 * stdErr(sq));
    expect(Math.abs(mean(sq) - 1 / 4)).toBeGreaterThan(4 * stdErr(sq));
  });

  it('normalize: zero mean and the exact (1/N)Σ|X|² in every replica', () => {
    const p = fo({ init: 'two-blobs', n: 300, replicas: 3, normalize: true, width: 0.5 });
    const x = sampleInitial(p);
    for (let r = 0; r < 3; r++) {
      let e = 0, m0 = 0;
      for (let i = 0; i < p.n; i++) {
        const o = (r * p.n + i) * 4;
        e += (x[o] ** 2 + x[o + 1] ** 2) / p.n;
        m0 += x[o] / p.n;
      }
      expect(e).toBeCloseTo(initialEnergy(p), 10);
      expect(Math.abs(m0)).toBeLessThan(1e-12);
    }
  });

  it('Lamb–Oseen reference: variance s₀² + 2σt, radial CDF 1 − e^(−r²/2v)', () => {
    expect(lambOseenVariance({ width: 0.5, sigma: 0.1 }, 2)).toBeCloseTo(0.65, 14);
    // At t = 0 the sampled gaussian blob matches the radial CDF (KS, 1.95/√N at α = 0.001).
    const { x } = sample({ init: 'gaussian', width: 0.9 });
    const rr = r2(x, 2).map(Math.sqrt).sort((a, b) => a - b);
    let ks = 0;
    rr.forEach((r, i) => (ks = Math.max(ks, Math.abs(lambOseenRadialCdf(r, 0.81) - (i + 0.5) / rr.length))));
    expect(ks).toBeLessThan(1.95 / Math.sqrt(N));
  });
});
