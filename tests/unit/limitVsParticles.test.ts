// Issue 12: the particle systems against the deterministic limit (models.md §1.6), γ = −3,
// ε = 0.05, d = 3, shell data, on the float64 CPU engine.
//
// Size: N = 256, R = 8 (the N = 2048, R ≥ 8 costs ≈ 5 s per nanbu step and ≈ 10 s per
// kac step on this 2-core machine's CPU engine; it belongs in a WebGPU test, not in Node). At
// N = 256 the finite-N bias of m4 is O(1/N) ≈ 0.4 %, below the tolerances here (4 SE across
// replicas). dt = 0.002 (Euler–Maruyama bias O(dt), measured below the SE).
// Measured (seed 3): kac m4 9.3845 ± 0.0161 at t = 0.05 (limit 9.4016), 9.6926 ± 0.0180 at 0.1
// (limit 9.6846); nanbu 9.552 ± 0.089, 9.811 ± 0.137. The limit with γ = −2 instead (9.5753,
// 10.0160) is 11 and 18 SE away from kac: rejected (γ = −2.5: 9.4667, 9.8122, 4.0 and 6.6 SE: too
// close to assert at t = 0.05). nanbu's SE is 5–8× kac's (energy conserved only on average), so
// only kac is asked to reject a wrong γ. Runtime ≈ 15 s (kac) + 5 s (nanbu). Gaussian data are stationary for every γ
// (tested on the solver in limitEquation.test.ts) and so cannot tell γ apart.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/engine/cpuBackend';
import { parseQuery } from '../../src/physics/params';
import { LimitStepper, limitApplicability } from '../../src/physics/limit/reference';

function limitFor(gamma: number): LimitStepper {
  const a = limitApplicability(parseQuery(`model=landau&d=3&init=shell&gamma=${gamma}&eps=0.05`).params, 160);
  if (!a.applies) throw new Error('limit should apply');
  return new LimitStepper(a.setup);
}

const meanSe = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean: m, se: Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1) / xs.length) };
};

describe('particles (kac, nanbu) against the limit equation: γ = −3, ε = 0.05, d = 3, shell', () => {
  for (const noise of ['kac', 'nanbu'] as const) {
    it(`${noise}: m4(t) and the speed histogram within 4 standard errors${noise === 'kac' ? '; γ = −2 in the solver is rejected' : ''}`, { timeout: 60_000 }, async () => {
      const { params } = parseQuery(`model=landau&d=3&n=256&replicas=8&gamma=-3&eps=0.05&noise=${noise}&init=shell&dt=0.002&seed=3`);
      const backend = new CpuBackend(params);
      const right = limitFor(-3), wrong = limitFor(-2);
      for (const t of [0.05, 0.1]) {
        backend.step(Math.round(t / params.dt) - backend.stepCount);
        const { mean, se } = meanSe((await backend.readMoments()).map((m) => m.m4));
        const limit = right.at(t).m4;
        expect(Math.abs(mean - limit), `${noise} t = ${t}: ${mean} ± ${se} vs ${limit}`).toBeLessThan(4 * se);
        if (noise === 'kac') expect(Math.abs(mean - wrong.at(t).m4)).toBeGreaterThan(4 * se);
      }
      // Speed histogram at t = 0.1: per-replica bin fractions, mean ± SE across replicas, against the limit's bin masses.
      const edges = Array.from({ length: 9 }, (_, k) => 0.6 + 0.3 * k);
      const v = backend.state;
      const per = Array.from({ length: params.replicas }, (_, r) => {
        const counts = new Array<number>(edges.length - 1).fill(0);
        for (let i = 0; i < params.n; i++) {
          const o = (r * params.n + i) * 4;
          const s = Math.hypot(v[o], v[o + 1], v[o + 2]);
          const b = Math.floor((s - edges[0]) / 0.3);
          if (b >= 0 && b < counts.length) counts[b] += 1 / params.n;
        }
        return counts;
      });
      const limitMasses = right.at(0.1).speedBinMasses(edges);
      let worst = 0;
      limitMasses.forEach((q, b) => {
        const { mean, se } = meanSe(per.map((c) => c[b]));
        worst = Math.max(worst, Math.abs(mean - q) / Math.max(se, 1e-4));
      });
      expect(worst).toBeLessThan(4);
    });
  }
});
