/**
 * The live views' pure helpers (issues 4–6): the CHEAP histogram entropy estimates, the exact
 * laws drawn over the curves (mean spread, virial line, torus cosine mode), the exact marginal
 * references of the N-sweep, and the entropy columns of TimeSeries. Tolerances: a few sampling
 * standard deviations of the estimate plus its binning bias (stated per test).
 */
import { describe, expect, it } from 'vitest';
import { binParticles } from '../../src/gpu/passes/histogram';
import { entropyPairCount } from '../../src/engine/diagnostics';
import { CHEAP_OVERFLOW_LIMIT, LIVE_PAIR_ENTROPY_MAX_PARTICLES, cheapEntropy, defaultEntropyEvery, histogramRangeFor, histogramRangeOf, livePairEntropy } from '../../src/engine/liveDiagnostics';
import { sweepReference } from '../../src/engine/sweepExperiment';
import { parseQuery, type Params } from '../../src/physics/params';
import { maxwellianEntropy } from '../../src/physics/references/maxwellian';
import { meanSpreadLaw, torusCosineRelativeEntropy, virialLine } from '../../src/physics/references/laws';
import { TimeSeries } from '../../src/view/timeSeries';
import { randomParticles, testStream } from '../stats';

const params = (q: string): Params => {
  const r = parseQuery(q);
  expect(r.errors).toEqual([]);
  return r.params;
};

describe('cheap histogram entropy', () => {
  it('recovers H of a Gaussian in 3D (product and isotropic bounds are both exact there)', () => {
    // n = 20000: sd of each 1D plug-in ≈ √(½/n) = 0.005, three axes; binning bias Δ²/24 ≈ 0.001
    // per axis (Δ = 10/64). Tolerance 0.04.
    const n = 20000;
    const v = randomParticles(n, 1, 3, 11);
    const p = params('model=landau&d=3');
    const h = binParticles(v, n, 3, histogramRangeFor(p, v, n), 0);
    const e = cheapEntropy(p, h);
    expect(Math.abs(e.entropyCheap - maxwellianEntropy(3, 1))).toBeLessThan(0.04);
    expect(Number.isNaN(e.relativeEntropyCheap)).toBe(true); // TimeSeries fills it from the row's T
  });

  it('is left out (NaN) when particles fall outside the bins', () => {
    const n = 4000;
    const v = randomParticles(n, 1, 2, 12);
    const p = params('model=landau&d=2');
    const range = { ...histogramRangeOf(v, n, 2), vMax: 1 }; // ±1σ: a third of the particles overflow
    const h = binParticles(v, n, 2, range, 0);
    expect(h.overflow[0] / n).toBeGreaterThan(CHEAP_OVERFLOW_LIMIT);
    expect(Number.isNaN(cheapEntropy(p, h).entropyCheap)).toBe(true);
  });

  it('torus: Σ_c H(f_c|1) and the cosine mode of f = 1 + a cos 2πx₁ on the unit cell', () => {
    // n = 20000, a = 0.6: H(f|1) ≈ 0.094, sd ≈ √(Var log f/n) ≈ 0.003; the uniform axis adds
    // ≈ 0 after Miller–Madow. Mode: E cos 2πX₁ = a/2, sd ≈ 0.7/√n = 0.005.
    const n = 20000, a = 0.6;
    const s = testStream(13);
    const v = new Float64Array(4 * n);
    for (let k = 0; k < n; k++) {
      let x: number;
      do x = s.uniform(); while (s.uniform() * (1 + a) > 1 + a * Math.cos(2 * Math.PI * x));
      v[4 * k] = x;
      v[4 * k + 1] = s.uniform();
    }
    const p = params('model=torus&d=2&init=cosine&amp=0.6');
    const range = histogramRangeFor(p, v, n);
    expect(range.center).toBe(0.5);
    const h = binParticles(v, n, 2, range, 0);
    expect(h.overflow.slice(0, 2)).toEqual([0, 0]);
    const e = cheapEntropy(p, h);
    expect(Math.abs(e.entropyCheap - torusCosineRelativeEntropy(a))).toBeLessThan(0.015);
    expect(e.relativeEntropyCheap).toBe(e.entropyCheap);
    expect(Math.abs(e.cosineMode! - a / 2)).toBeLessThan(0.02);
  });

  it('default K grows with N', () => {
    expect(defaultEntropyEvery(256)).toBeLessThanOrEqual(defaultEntropyEvery(2048));
    expect(defaultEntropyEvery(2048)).toBeLessThanOrEqual(defaultEntropyEvery(16384));
    // The pooled k-NN search grows like (N·R)²: K grows with R so that an estimate stays ≤ 30 %
    // of the pair work of the K all-pairs steps it follows.
    expect([1, 4, 8].map((R) => defaultEntropyEvery(512, R))).toEqual([10, 20, 40]);
    for (const n of [64, 512, 2048, 8192, 65536]) {
      for (const R of [1, 2, 4, 8, 16, 64]) {
        const K = defaultEntropyEvery(n, R);
        expect(entropyPairCount(n, R), `N = ${n}, R = ${R}, K = ${K}`).toBeLessThanOrEqual(0.3 * K * n * n * R);
      }
    }
  });
});

describe('exact laws drawn over the curves', () => {
  it('torus cosine mode: H(f|1) = ∫(1 + a cos)log(1 + a cos) ≈ a²/4 for small a', () => {
    expect(torusCosineRelativeEntropy(0)).toBe(0);
    expect(torusCosineRelativeEntropy(0.01) / (0.01 ** 2 / 4)).toBeCloseTo(1, 3);
    // a = 1: ∫(1 + cos)log(1 + cos) = 1 − log 2 (closed form).
    expect(torusCosineRelativeEntropy(1)).toBeCloseTo(1 - Math.log(2), 4);
  });

  it('the spread of the mean: Landau γ = 0 (nanbu/fgm: E(1 − e^(−4(d−1)t/N)), kac: 0), first-order 2dσt/N', () => {
    const landau = meanSpreadLaw(params('model=landau&d=3&gamma=0&noise=nanbu'))!;
    expect(landau.at(100, 0.5, 3)).toBeCloseTo(3 * -Math.expm1(-4 * 2 * 0.5 / 100), 12);
    expect(meanSpreadLaw(params('model=landau&d=3&gamma=0&noise=kac'))!.at(100, 0.5, 3)).toBe(0);
    expect(meanSpreadLaw(params('model=landau&d=3&gamma=-1&noise=nanbu'))).toBeNull();
    const vortices = meanSpreadLaw(params('model=first-order&d=2&kernel=biot-savart&circ=plus&sigma=0.3'))!;
    expect(vortices.at(50, 2, 0)).toBeCloseTo((2 * 2 * 0.3 * 2) / 50, 12);
    expect(meanSpreadLaw(params('model=first-order&d=2&kernel=biot-savart&circ=pm'))).toBeNull();
    expect(meanSpreadLaw(params('model=first-order&d=3&kernel=coulomb&sigma=0.5'))!.at(10, 1, 0)).toBeCloseTo(0.3, 12);
    expect(meanSpreadLaw(params('model=torus&d=2'))).toBeNull();
  });

  it('the virial line: Biot–Savart 4σ (m = +1), 2D Coulomb 4σ + sχ(N−1)/(2πN), exact only for ε = 0', () => {
    expect(virialLine(params('model=first-order&d=2&kernel=biot-savart&circ=plus&sigma=0.25'))!.slope).toBeCloseTo(1, 12);
    expect(virialLine(params('model=first-order&d=2&kernel=biot-savart&circ=uniform'))).toBeNull();
    const ks = virialLine(params('model=first-order&d=2&n=1024&kernel=coulomb&sign=attractive&chi=50&sigma=1&eps=0'))!;
    expect(ks.slope).toBeCloseTo(4 - (50 * 1023) / (2 * Math.PI * 1024), 12);
    expect(ks.exact).toBe(true);
    expect(virialLine(params('model=first-order&d=2&kernel=coulomb&sign=repulsive&chi=2&sigma=0&eps=0.1'))!.exact).toBe(false);
    expect(virialLine(params('model=first-order&d=3&kernel=coulomb'))).toBeNull();
  });
});

describe('exact marginal references of the sweep', () => {
  it('Lamb–Oseen and the torus cosine mode: probability masses on their bins; none where no exact law', () => {
    const lo = sweepReference(params('model=first-order&d=2&kernel=biot-savart&circ=plus&init=gaussian&width=1&sigma=0.25'), 2)!;
    expect(lo.name).toMatch(/Lamb–Oseen/);
    expect(lo.mass.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5); // ±5σ
    const torus = sweepReference(params('model=torus&d=2&init=cosine&amp=0.8'), 0.1)!;
    expect(torus.binEdges[0]).toBe(0);
    expect(torus.binEdges[torus.binEdges.length - 1]).toBe(1);
    expect(torus.mass.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(sweepReference(params('model=landau&d=3&gamma=0&init=bkw'), 0.1)!.name).toMatch(/BKW/);
    expect(sweepReference(params('model=landau&d=3&gamma=-1&eps=0.1'), 0.1)).toBeNull();
    // A first-order Gaussian blob that is not Lamb–Oseen (mixed circulations): no exact marginal.
    expect(sweepReference(params('model=first-order&d=2&kernel=biot-savart&circ=pm&init=gaussian'), 0.1)).toBeNull();
    expect(sweepReference(params('model=torus&d=2&init=wrapped-gaussian&width=0.1'), 0.1)).toBeNull();
  });
});

describe('entropy columns of the curves', () => {
  it('estimates land on the row of their step, also when they arrive before it; H(f|M) from the row', () => {
    const ts = new TimeSeries(3);
    const m = (energy: number) => ({ momentum: [0, 0, 0], energy, secondMoment: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], m4: 15, nonFinite: 0 });
    ts.append({ t: 0, step: 0, m: m(3) });
    ts.setCheapEntropy(0, { entropyCheap: -4.2, relativeEntropyCheap: NaN });
    // Arrives before its row (step 5), then the row.
    ts.setAccurateEntropy(5, { entropy: -4.25, entropyStdErr: 0.01, relativeEntropy: 0.007, relativeEntropyStdErr: 0.01, fisher: 2.9, fisherStdErr: 0.1, fisherBandwidth: 0.5 });
    expect(ts.main.entropy).toHaveLength(1);
    ts.append({ t: 0.01, step: 5, m: m(3) });
    expect(ts.main.entropy[1]).toBe(-4.25);
    expect(ts.main.fisher[1]).toBe(2.9);
    expect(Number.isNaN(ts.main.entropy[0])).toBe(true);
    // T = E/d = 1: H(f|M) = H + (3/2) log(2πe).
    expect(ts.main.relativeEntropyCheap[0]).toBeCloseTo(-4.2 - maxwellianEntropy(3, 1), 12);
    expect(ts.accurateCount).toBe(1);
    expect(ts.cheapCount).toBe(1);
    const cols = ts.columns(null);
    for (const k of ['entropy', 'entropyStdErr', 'relativeEntropy', 'fisher', 'fisherBandwidth', 'entropyCheap', 'relativeEntropyCheap']) expect(cols[k]).toHaveLength(2);
    // Torus series: the relative entropy is H itself (H(1) = 0).
    const torus = new TimeSeries(2, 'uniform');
    torus.append({ t: 0, step: 0, m: { momentum: [0.5, 0.5], energy: 0.7, secondMoment: [[0.35, 0], [0, 0.35]], m4: 0.6, nonFinite: 0 } });
    torus.setCheapEntropy(0, { entropyCheap: 0.1, relativeEntropyCheap: 0.1, cosineMode: 0.3 });
    expect(torus.main.relativeEntropyCheap[0]).toBe(0.1);
    expect(torus.main.cosineMode[0]).toBe(0.3);
  });
});

describe('live two-marginal entropy meter', () => {
  it('uses every particle up to the cap, then the first ⌊cap/R⌋ of each replica; null below 3 replicas or on NaN', () => {
    const p = parseQuery('d=3&n=64&replicas=8').params;
    const v = randomParticles(64, 8, 3, 7);
    const small = livePairEntropy(v, p, 0.5)!;
    expect(small.perReplica).toBe(64);
    expect(small.t).toBe(0.5);
    expect(small.estimator).toContain('v₁v₂');
    const R = 4, n = LIVE_PAIR_ENTROPY_MAX_PARTICLES / 2; // N·R = 2 × cap
    const big = livePairEntropy(randomParticles(n, R, 2, 8), parseQuery(`d=2&n=${n}&replicas=${R}`).params, 1)!;
    expect(big.perReplica).toBe(LIVE_PAIR_ENTROPY_MAX_PARTICLES / R);
    expect(Math.abs(big.value)).toBeLessThan(4 * big.stdErr); // independent particles
    expect(livePairEntropy(v, { ...p, replicas: 2 }, 0)).toBeNull();
    const bad = Float64Array.from(v);
    bad[5] = Number.NaN;
    expect(livePairEntropy(bad, p, 0)).toBeNull();
  });

  it('names position features for first-order systems and Fourier modes on the torus', () => {
    const fo = parseQuery('model=first-order&d=2&n=32&replicas=4').params;
    expect(livePairEntropy(randomParticles(32, 4, 2, 9), fo, 0)!.estimator).toContain('x₁x₂');
    const to = parseQuery('model=torus&d=2&n=32&replicas=4').params;
    const u = randomParticles(32, 4, 2, 10).map((x) => x - Math.floor(x));
    expect(livePairEntropy(u, to, 0)!.estimator).toContain('cos 2πx₁');
  });
});
