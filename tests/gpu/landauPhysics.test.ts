/**
 * Physics of the WebGPU Landau engine, statistically, against models.md §1.1–1.2. Each test
 * runs R independent replicas in one dispatch and compares an ensemble mean with its exact
 * prediction; tolerances are 4 standard errors of that mean (estimated from the replicas) plus
 * a stated bound on the known deterministic biases (Euler–Maruyama's O(dt), finite-N O(1/N)).
 * Every test also checks that the same statistic REJECTS a deliberately wrong prediction, so
 * it can fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuHarness, type GpuHarness } from './harness';
import { defaultParams, toQuery, type Params } from '../../src/physics/params';
import { m4At } from '../../src/physics/references/maxwellian';
import { bkwM4 } from '../../src/physics/references/bkw';
import type { RunResult } from '../../src/engine/runner';
import { mean, stdErr } from '../stats';

let h: GpuHarness;
beforeAll(async () => {
  h = await openGpuHarness();
});
afterAll(async () => {
  await h?.close();
});

const U32 = 2 ** -24; // float32 unit roundoff

function run(p: Params, steps: number, every = steps): Promise<RunResult> {
  return h.api.run(toQuery(p), steps, every, false);
}

const base: Params = { ...defaultParams(), d: 3, seed: 2024, normalize: true };

describe('kac: momentum conserved to rounding every step (models.md §1.1)', () => {
  for (const gamma of [0, -3]) {
    it(`γ=${gamma}: |ΔΣV/N| ≤ steps·8u·max|V|, while fgm moves it by O(√(t/N))`, async () => {
      const p: Params = { ...base, gamma, eps: 0.1, n: 500, replicas: 2, dt: 0.002 };
      const steps = 40;
      const drift = (r: RunResult) => Math.max(...r.checkpoints[1].perReplica.flatMap((m, k) => m.momentum.map((x, c) => Math.abs(x - r.checkpoints[0].perReplica[k].momentum[c]))));
      const kac = await run({ ...p, noise: 'kac' }, steps);
      const fgm = await run({ ...p, noise: 'fgm' }, steps);
      // Rounding of V' = V + ΔV (≤ u|V'| per component) and of the pair sums, averaged over N:
      // a deterministic bound per step is a few u·max|V|; max|V| ≤ 6 here (E|V|² = 3, N = 500).
      const bound = steps * 8 * U32 * 6;
      expect(drift(kac)).toBeLessThan(bound);
      expect(drift(fgm)).toBeGreaterThan(100 * bound);
    });
  }
});

/** Per-replica increments of a scalar between the first and last checkpoint. */
function increments(r: RunResult, f: (m: RunResult['checkpoints'][number]['perReplica'][number]) => number): number[] {
  const a = r.checkpoints[0].perReplica, b = r.checkpoints[r.checkpoints.length - 1].perReplica;
  return a.map((m, k) => f(b[k]) - f(m));
}

describe('energy conserved in expectation (models.md §1.1)', () => {
  for (const gamma of [0, -3]) {
    for (const noise of ['nanbu', 'fgm', 'kac'] as const) {
      it(`γ=${gamma} ${noise}`, async () => {
        const p: Params = { ...base, gamma, eps: 0.1, noise, n: 256, replicas: 24, dt: 0.002 };
        const steps = 50;
        const r = await run(p, steps);
        const dE = increments(r, (m) => m.energy);
        // Euler–Maruyama adds dt²·(1/N)Σ|drift_i|² per step in expectation: for γ = 0 that is
        // 4(d−1)²E dt² exactly; for γ = −3 (ε = 0.1) the drift is O(1), bounded by 10 here.
        const E0 = 3;
        const bias = gamma === 0 ? E0 * ((1 + 16 * p.dt ** 2) ** steps - 1) : steps * p.dt ** 2 * 10;
        const se = stdErr(dE);
        console.log(`energy γ=${gamma} ${noise}: mean ΔE ${mean(dE).toExponential(3)} ± ${se.toExponential(2)} (bias ≤ ${bias.toExponential(2)})`);
        expect(Math.abs(mean(dE) - (gamma === 0 ? bias : 0))).toBeLessThan(4 * se + (gamma === 0 ? 0 : bias));
        // Power: a drift with the wrong constant (1/N instead of 2/N) would heat the system at
        // rate 2(d−1)E in the limit: ΔE ≈ E(e^{4t} − 1) at γ = 0. That must be rejected.
        const wrong = E0 * (Math.exp(4 * p.dt * steps) - 1);
        expect(Math.abs(mean(dE) - wrong)).toBeGreaterThan(4 * se);
      });
    }
  }
});

describe('γ = 0: anisotropic second moments relax like e^(−4dt) (models.md §1.2)', () => {
  const cases: { d: 2 | 3; noise: Params['noise']; temp: number[] }[] = [
    { d: 3, noise: 'nanbu', temp: [2, 0.5, 0.5] },
    { d: 3, noise: 'fgm', temp: [2, 0.5, 0.5] },
    { d: 3, noise: 'kac', temp: [2, 0.5, 0.5] },
    { d: 2, noise: 'nanbu', temp: [1.6, 0.4] },
  ];
  for (const c of cases) {
    it(`d=${c.d} ${c.noise}`, async () => {
      const p: Params = { ...base, d: c.d, gamma: 0, noise: c.noise, init: 'aniso', temp: c.temp, n: 512, replicas: 8, dt: 0.002 };
      const steps = 50;
      const r = await run(p, steps);
      const d = c.d;
      // Conditional on each replica's initial state, the deviator M − (tr M/d) I contracts by
      // exactly ρ = 1 − 4d·dt + 4(d−1)²dt² per Euler–Maruyama step (the EM image of e^(−4d dt)),
      // up to O(t²/N) from the mean velocity's martingale part.
      const rho = (rate: number) => (1 - rate * p.dt + 4 * (d - 1) ** 2 * p.dt ** 2) ** steps;
      const dev = (m: RunResult['checkpoints'][number]['perReplica'][number]) => m.secondMoment[0][0] - m.energy / d;
      const first = r.checkpoints[0].perReplica, last = r.checkpoints[1].perReplica;
      const resid = (rate: number) => first.map((m, k) => dev(last[k]) - rho(rate) * dev(m));
      const ok = resid(4 * d);
      const se = stdErr(ok);
      const finiteN = (16 * d * (steps * p.dt) ** 2 / p.n) * Math.abs(mean(first.map(dev)));
      console.log(`aniso d=${d} ${c.noise}: residual ${mean(ok).toExponential(3)} ± ${se.toExponential(2)}; signal ${mean(first.map(dev)).toFixed(3)} → ${mean(last.map(dev)).toFixed(3)}`);
      expect(Math.abs(mean(ok))).toBeLessThan(4 * se + finiteN);
      // Power: the wrong rate 4(d−1) (the OU rate of one component) is rejected.
      expect(Math.abs(mean(resid(4 * (d - 1))))).toBeGreaterThan(4 * se + finiteN);
    });
  }
});

describe('γ = 0, BKW initial data: the fourth moment (models.md §1.2)', () => {
  for (const d of [2, 3] as const) {
    it(`d=${d}: m4(t) follows dm4/dt = −4(d−1)m4 + 4(d+1)E² − 8tr(M²); the paper-time normalisation is rejected`, async () => {
      const p: Params = { ...base, d, gamma: 0, noise: 'nanbu', init: 'bkw', n: 512, replicas: 24, dt: 0.002 };
      const steps = 60;
      const r = await run(p, steps);
      const t = steps * p.dt;
      const first = r.checkpoints[0].perReplica, last = r.checkpoints[1].perReplica;
      // Conditional on each replica's initial m4 and M (so the sampling noise of m4 at t0
      // cancels), the moment ODE of models.md §1.2 holds for the N-particle system in
      // expectation up to O(1/N) and Euler–Maruyama's O(dt).
      const resid = (timeScale: number) => first.map((m, k) => last[k].m4 - m4At(d, m.m4, m.secondMoment, t * timeScale));
      const ok = resid(1);
      const se = stdErr(ok);
      const [t0, t1] = [r.checkpoints[0].t, r.checkpoints[1].t];
      console.log(`bkw m4 d=${d}: residual ${mean(ok).toExponential(3)} ± ${se.toExponential(2)}; m4 ${mean(first.map((m) => m.m4)).toFixed(3)} → ${mean(last.map((m) => m.m4)).toFixed(3)} (exact BKW ${bkwM4(d, t0).toFixed(3)} → ${bkwM4(d, t1).toFixed(3)})`);
      expect(Math.abs(mean(ok))).toBeLessThan(4 * se);
      // The unconditional ensemble mean against the exact BKW m4 (initial sampling noise included).
      const m4End = last.map((m) => m.m4);
      expect(Math.abs(mean(m4End) - bkwM4(d, t1))).toBeLessThan(4 * stdErr(m4End));
      // Power: the literature's time (t_paper = t/C, C = 1/16 in 2D, 1/24 in 3D) used as ours.
      const C = d === 2 ? 1 / 16 : 1 / 24;
      expect(Math.abs(mean(resid(C)))).toBeGreaterThan(4 * se);
    });
  }
});
