/**
 * Physics of issue 13's noise structures on the WebGPU engine, statistically:
 * - `rotation` (models.md §1.4) has nanbu's Liouville equation, so the exact γ = 0 laws of
 *   §1.2 hold for it: energy in expectation, the e^(−4dt) anisotropic relaxation, BKW's m4;
 * - `rotation-shared`, the common-noise counter-example: E|V̄(t)|² = E(1 − e^(−2(d−1)t)) at
 *   every N (slope 0 in N), where nanbu has E(1 − e^(−4(d−1)t/N)) (slope −1);
 * - two-point increments (Kloeden–Platen §14.1) keep the same exact laws for fgm and kac, at the
 *   same tolerances, and the same Euler–Maruyama energy bias as Gaussian increments (the mean
 *   energy change of a step depends only on the increments' first two moments); the measured
 *   bias per unit time of both is logged.
 * As in landauPhysics.test.ts: R independent replicas in one dispatch, tolerances of 4 standard
 * errors (estimated from the replicas) plus stated bounds on known deterministic biases, and
 * every test also checks that the same statistic REJECTS a deliberately wrong prediction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/engine/runner';
import { defaultParams, toQuery, type Increments, type Noise, type Params } from '../../src/physics/params';
import { bkwM4 } from '../../src/physics/references/bkw';
import { m4At } from '../../src/physics/references/maxwellian';
import { mean, stdErr } from '../stats';
import { openGpuHarness, type GpuHarness } from './harness';

let h: GpuHarness;
beforeAll(async () => {
  h = await openGpuHarness();
});
afterAll(async () => {
  await h?.close();
});

type Moments = RunResult['checkpoints'][number]['perReplica'][number];

function run(p: Params, steps: number): Promise<RunResult> {
  return h.api.run(toQuery(p), steps, steps, false);
}

const base: Params = { ...defaultParams(), d: 3, seed: 1313, normalize: true };

/** The systems whose γ = 0 laws are checked: rotation (Gaussian), and fgm/kac with two-point increments. */
const SYSTEMS: { noise: Noise; increments: Increments }[] = [
  { noise: 'rotation', increments: 'gaussian' },
  { noise: 'fgm', increments: 'two-point' },
  { noise: 'kac', increments: 'two-point' },
];
const label = (s: { noise: Noise; increments: Increments }) => `${s.noise}${s.increments === 'two-point' ? ' (two-point)' : ''}`;

/** Per-replica change of the energy over the run. */
function energyChange(r: RunResult): number[] {
  const a = r.checkpoints[0].perReplica, b = r.checkpoints[r.checkpoints.length - 1].perReplica;
  return a.map((m, k) => b[k].energy - m.energy);
}

describe('energy in expectation (models.md §1.1, §1.2), γ = 0: the exact Euler–Maruyama drift', () => {
  for (const s of SYSTEMS) {
    it(label(s), async () => {
      const p: Params = { ...base, ...s, gamma: 0, n: 256, replicas: 24, dt: 0.002 };
      const steps = 50;
      const dE = energyChange(await run(p, steps));
      // Each step adds dt²(1/N)Σ|drift_i|² = 4(d−1)²dt²(E − |V̄|²) in expectation (γ = 0), the
      // same for every system whose increments have nanbu's covariance: E₀((1 + 16dt²)^k − 1) in
      // 3D, up to the O(1/N) mean-velocity part.
      const E0 = 3;
      const bias = E0 * ((1 + 16 * p.dt ** 2) ** steps - 1);
      const se = stdErr(dE);
      console.log(`energy γ=0 ${label(s)}: mean ΔE ${mean(dE).toExponential(3)} ± ${se.toExponential(2)} (EM prediction ${bias.toExponential(2)})`);
      expect(Math.abs(mean(dE) - bias)).toBeLessThan(4 * se);
      // Power: a noise variance off by the factor 2 (√(dt/N) for √(2dt/N)) would cool the system
      // at rate 2(d−1)E: ΔE ≈ E(e^(−4t) − 1). That must be rejected.
      const wrong = E0 * (Math.exp(-4 * p.dt * steps) - 1);
      expect(Math.abs(mean(dE) - wrong)).toBeGreaterThan(4 * se);
    });
  }
  it('rotation, γ = −3 (ε = 0.1): no drift beyond the O(dt²) per step bound', async () => {
    const p: Params = { ...base, noise: 'rotation', gamma: -3, eps: 0.1, n: 256, replicas: 24, dt: 0.002 };
    const steps = 50;
    const dE = energyChange(await run(p, steps));
    const se = stdErr(dE);
    const bias = steps * p.dt ** 2 * 10; // as landauPhysics.test.ts: the γ = −3 drift is O(1), ≤ 10
    console.log(`energy γ=−3 rotation: mean ΔE ${mean(dE).toExponential(3)} ± ${se.toExponential(2)} (|bias| ≤ ${bias.toExponential(2)})`);
    expect(Math.abs(mean(dE))).toBeLessThan(4 * se + bias);
    // Power: the cooling of a halved noise variance, ≈ −E(1 − e^(−4t)) at γ = 0 scale, is far outside.
    expect(Math.abs(mean(dE) - 3 * (Math.exp(-4 * p.dt * steps) - 1))).toBeGreaterThan(4 * se + bias);
  });
});

describe('two-point vs Gaussian increments: the energy bias per unit time at the same dt', () => {
  // Energy is quadratic, so its expected change in one step involves only the increments' mean
  // and covariance, which two-point increments share with Gaussian ones: the Euler–Maruyama
  // bias is the same. At γ = 0 it is exact: E₀((1 + 16dt²)^k − 1) after k steps in 3D (the
  // drift's dt² term), 3·16·dt per unit time at first order. kac's energy has no martingale part
  // (its pair noise is ⊥ z and antisymmetric), so a large dt resolves that bias itself.
  const cases = [
    { noise: 'kac' as const, gamma: 0, dt: 0.01, steps: 20, replicas: 48 },
    { noise: 'fgm' as const, gamma: 0, dt: 0.01, steps: 20, replicas: 48 },
    { noise: 'kac' as const, gamma: -3, dt: 0.002, steps: 50, replicas: 24 },
  ];
  for (const c of cases) {
    it(`${c.noise}, γ = ${c.gamma}, dt = ${c.dt}`, async () => {
      const p: Params = { ...base, noise: c.noise, gamma: c.gamma, eps: 0.1, n: 256, replicas: c.replicas, dt: c.dt };
      const t = c.steps * c.dt;
      const rate = async (increments: Increments, seed: number) => energyChange(await run({ ...p, increments, seed }, c.steps)).map((x) => x / t);
      const g = await rate('gaussian', p.seed), tp = await rate('two-point', p.seed + 1);
      const seDiff = Math.hypot(stdErr(g), stdErr(tp));
      const exact = c.gamma === 0 ? (3 * ((1 + 16 * c.dt ** 2) ** c.steps - 1)) / t : null;
      console.log(`energy bias per unit time, ${c.noise} γ=${c.gamma} dt=${c.dt}: Gaussian ${mean(g).toExponential(3)} ± ${stdErr(g).toExponential(2)}, two-point ${mean(tp).toExponential(3)} ± ${stdErr(tp).toExponential(2)}, difference ${(mean(tp) - mean(g)).toExponential(2)} ± ${seDiff.toExponential(2)}${exact === null ? '' : ` (exact Euler–Maruyama ${exact.toExponential(3)})`}`);
      expect(Math.abs(mean(tp) - mean(g))).toBeLessThan(4 * seDiff);
      if (exact !== null) {
        for (const x of [g, tp]) expect(Math.abs(mean(x) - exact)).toBeLessThan(4 * stdErr(x));
        // Power: kac resolves the bias (continuous-time conservation, 0, is rejected); for both,
        // two-point components of variance 2 would add 4(d−1)E = 24 per unit time.
        if (c.noise === 'kac') expect(Math.abs(mean(tp))).toBeGreaterThan(4 * stdErr(tp));
        expect(Math.abs(mean(tp) - (exact + 24))).toBeGreaterThan(4 * stdErr(tp));
      }
    });
  }
});

describe('γ = 0: anisotropic second moments relax like e^(−4dt) (models.md §1.2)', () => {
  const cases: { d: 2 | 3; noise: Noise; increments: Increments; temp: number[] }[] = [
    ...SYSTEMS.map((s) => ({ d: 3 as const, ...s, temp: [2, 0.5, 0.5] })),
    { d: 2, noise: 'rotation', increments: 'gaussian', temp: [1.6, 0.4] },
  ];
  for (const c of cases) {
    it(`d=${c.d} ${label(c)}`, async () => {
      const p: Params = { ...base, d: c.d, gamma: 0, noise: c.noise, increments: c.increments, init: 'aniso', temp: c.temp, n: 512, replicas: 8, dt: 0.002 };
      const steps = 50;
      const r = await run(p, steps);
      const d = c.d;
      // Conditional on each replica's initial state, the deviator contracts by exactly
      // ρ = 1 − 4d·dt + 4(d−1)²dt² per step (as landauPhysics.test.ts), up to O(t²/N).
      const rho = (rate: number) => (1 - rate * p.dt + 4 * (d - 1) ** 2 * p.dt ** 2) ** steps;
      const dev = (m: Moments) => m.secondMoment[0][0] - m.energy / d;
      const first = r.checkpoints[0].perReplica, last = r.checkpoints[1].perReplica;
      const resid = (rate: number) => first.map((m, k) => dev(last[k]) - rho(rate) * dev(m));
      const ok = resid(4 * d);
      const se = stdErr(ok);
      const finiteN = (16 * d * (steps * p.dt) ** 2 / p.n) * Math.abs(mean(first.map(dev)));
      console.log(`aniso d=${d} ${label(c)}: residual ${mean(ok).toExponential(3)} ± ${se.toExponential(2)}; signal ${mean(first.map(dev)).toFixed(3)} → ${mean(last.map(dev)).toFixed(3)}`);
      expect(Math.abs(mean(ok))).toBeLessThan(4 * se + finiteN);
      // Power: the wrong rate 4(d−1) is rejected.
      expect(Math.abs(mean(resid(4 * (d - 1))))).toBeGreaterThan(4 * se + finiteN);
    });
  }
});

describe('γ = 0, BKW initial data: the fourth moment (models.md §1.2)', () => {
  // d = 3 only (the 2D rotation noise is fgm's z⊥ term exactly; the 2D anisotropy test covers it).
  const cases: { d: 2 | 3; noise: Noise; increments: Increments }[] = SYSTEMS.map((s) => ({ d: 3 as const, ...s }));
  for (const c of cases) {
    it(`d=${c.d} ${label(c)}: dm4/dt = −4(d−1)m4 + 4(d+1)E² − 8tr(M²); the paper-time normalisation is rejected`, async () => {
      const d = c.d;
      const p: Params = { ...base, d, gamma: 0, noise: c.noise, increments: c.increments, init: 'bkw', n: 512, replicas: 24, dt: 0.002 };
      const steps = 60;
      const r = await run(p, steps);
      const t = steps * p.dt;
      const first = r.checkpoints[0].perReplica, last = r.checkpoints[1].perReplica;
      const resid = (timeScale: number) => first.map((m, k) => last[k].m4 - m4At(d, m.m4, m.secondMoment, t * timeScale));
      const ok = resid(1);
      const se = stdErr(ok);
      const [t0, t1] = [r.checkpoints[0].t, r.checkpoints[1].t];
      console.log(`bkw m4 d=${d} ${label(c)}: residual ${mean(ok).toExponential(3)} ± ${se.toExponential(2)}; m4 ${mean(first.map((m) => m.m4)).toFixed(3)} → ${mean(last.map((m) => m.m4)).toFixed(3)} (exact BKW ${bkwM4(d, t0).toFixed(3)} → ${bkwM4(d, t1).toFixed(3)})`);
      expect(Math.abs(mean(ok))).toBeLessThan(4 * se);
      const m4End = last.map((m) => m.m4);
      expect(Math.abs(mean(m4End) - bkwM4(d, t1))).toBeLessThan(4 * stdErr(m4End));
      const C = d === 2 ? 1 / 16 : 1 / 24;
      expect(Math.abs(mean(resid(C)))).toBeGreaterThan(4 * se);
    });
  }
});

describe('rotation-shared: common noise, no propagation of chaos (models.md §1.4)', () => {
  // γ = 0, V̄(0) = 0 and E(0) = E exactly (normalize = 1). With C = E_N − |V̄|², one
  // Euler–Maruyama step gives, in conditional expectation,
  //   |V̄|² += 2(d−1)dt·C            (rotation-shared: V̄'s quadratic variation (2/N)Σ_j a(V^j − V̄))
  //   |V̄|² += (4(d−1)dt/N)·C        (nanbu)
  //   C    ×= 1 − κ dt + 4(d−1)²dt²  (κ = the |V̄|² rate above; drift² adds 4(d−1)²dt²C to E_N)
  // so E|V̄_k|² = E·κdt·Σ_{m<k} ρ^m exactly, → E(1 − e^(−κt)) as dt → 0.
  const d = 3, dt = 0.005, steps = 40, E0 = 3, R = 128;
  const discreteLaw = (rate: number) => {
    const rho = 1 - rate * dt + 4 * (d - 1) ** 2 * dt ** 2;
    return (E0 * rate * dt * (1 - rho ** steps)) / (1 - rho);
  };
  const sharedRate = 2 * (d - 1);
  const nanbuRate = (n: number) => (4 * (d - 1)) / n;

  async function spread(noise: Noise, n: number, increments: Increments = 'gaussian'): Promise<{ value: number; se: number }> {
    const p: Params = { ...base, d, gamma: 0, noise, increments, init: 'gaussian', temp: [1], n, replicas: R, dt };
    const r = await run(p, steps);
    const x = r.checkpoints[1].perReplica.map((m) => m.momentum.reduce((s, u) => s + u * u, 0));
    return { value: mean(x), se: stdErr(x) };
  }

  it('E|V̄(t)|² = E(1 − e^(−2(d−1)t)) at N = 32 and N = 128 (slope 0 in N); nanbu\'s O(1/N) law and a wrong rate are rejected', async () => {
    const pts: { n: number; value: number; se: number }[] = [];
    for (const n of [32, 128]) {
      const m = await spread('rotation-shared', n);
      pts.push({ n, ...m });
      const law = discreteLaw(sharedRate);
      console.log(`rotation-shared N=${n}: E|V̄(t)|² ${m.value.toFixed(4)} ± ${m.se.toFixed(4)}, exact ${law.toFixed(4)} (continuous E(1 − e^(−2(d−1)t)) = ${(E0 * -Math.expm1(-sharedRate * dt * steps)).toFixed(4)}; nanbu's law ${discreteLaw(nanbuRate(n)).toFixed(4)})`);
      expect(Math.abs(m.value - law)).toBeLessThan(4 * m.se);
      expect(Math.abs(m.value - discreteLaw(nanbuRate(n)))).toBeGreaterThan(4 * m.se);
      // A wrong constant: the rate 4(d−1) (nanbu's coefficient without its 1/N).
      expect(Math.abs(m.value - discreteLaw(2 * sharedRate))).toBeGreaterThan(4 * m.se);
    }
    const slope = Math.log(pts[1].value / pts[0].value) / Math.log(4);
    const slopeSe = Math.hypot(pts[0].se / pts[0].value, pts[1].se / pts[1].value) / Math.log(4);
    console.log(`rotation-shared: slope of log E|V̄|² in log N = ${slope.toFixed(3)} ± ${slopeSe.toFixed(3)}`);
    expect(Math.abs(slope)).toBeLessThan(4 * slopeSe);
  });

  it('nanbu from the same setup: the O(1/N) law, slope −1', async () => {
    const pts: { n: number; value: number; se: number }[] = [];
    for (const n of [32, 128]) {
      const m = await spread('nanbu', n);
      pts.push({ n, ...m });
      console.log(`nanbu N=${n}: E|V̄(t)|² ${m.value.toExponential(3)} ± ${m.se.toExponential(2)}, exact ${discreteLaw(nanbuRate(n)).toExponential(3)}`);
      expect(Math.abs(m.value - discreteLaw(nanbuRate(n)))).toBeLessThan(4 * m.se);
      expect(Math.abs(m.value - discreteLaw(sharedRate))).toBeGreaterThan(4 * m.se);
    }
    const slope = Math.log(pts[1].value / pts[0].value) / Math.log(4);
    const slopeSe = Math.hypot(pts[0].se / pts[0].value, pts[1].se / pts[1].value) / Math.log(4);
    const exactSlope = Math.log(discreteLaw(nanbuRate(128)) / discreteLaw(nanbuRate(32))) / Math.log(4);
    console.log(`nanbu: slope ${slope.toFixed(3)} ± ${slopeSe.toFixed(3)} (exact ${exactSlope.toFixed(3)})`);
    expect(Math.abs(slope - exactSlope)).toBeLessThan(4 * slopeSe);
    expect(Math.abs(slope)).toBeGreaterThan(4 * slopeSe);
  });

  it('two-point increments: the same common-noise law (N = 64)', async () => {
    const m = await spread('rotation-shared', 64, 'two-point');
    console.log(`rotation-shared two-point N=64: ${m.value.toFixed(4)} ± ${m.se.toFixed(4)}, exact ${discreteLaw(sharedRate).toFixed(4)}`);
    expect(Math.abs(m.value - discreteLaw(sharedRate))).toBeLessThan(4 * m.se);
    expect(Math.abs(m.value - discreteLaw(2 * sharedRate))).toBeGreaterThan(4 * m.se);
  });
});
