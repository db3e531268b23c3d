/**
 * Issue 12: the WebGPU particle systems against the deterministic limit equation (models.md §1.6)
 * at the size: γ = −3, ε = 0.05, d = 3, N = 2048, R = 8, kac and nanbu, shell and
 * gaussian data. m4(t) (mean ± SE across replicas) and the speed histogram (tests/limitCompare.ts)
 * must agree with the solver (320 cells) within 4 standard errors; for kac, whose energy is
 * conserved pathwise and SE is small, the solver with a wrong γ (−2.5) must be rejected.
 *
 * m4 is compared as the per-replica increment m4(t) − m4(0) against the limit's m4(t) − m4(0)
 * ((dT)² = 9 for the shell, 15 for the Gaussian): `normalize` (centring, then exact energy) leaves
 * each replica's initial m4 above the limit's by an O(1/N) amount, ≈ 13/N measured (N = 512, 1024,
 * 2048: +0.026, +0.0136, +0.0045 at t = 0), which persists for the times here and would be 2–7 SE
 * of kac's small SE; the increments do not carry it. Measured increments at t = 0.05 (seed 5,
 * R = 32/16/8): 0.3545, 0.3567, 0.3588 for N = 512, 1024, 2048 (the σ → 0 limit: 0.3590). Other
 * biases, stated in the tolerance: the 320-cell solver's m4 is within ≈ 1e-3 of the converged limit
 * for the smoothed shell (limitEquation.test.ts: 9.3580 against 9.3578 on 640 cells and 9.3590 on
 * 2560 at t = 0.05), bounded here by 3e-3; Euler–Maruyama at
 * dt = 0.002 moved the t = 0.05 m4 by 2e-4 against dt = 0.001 (N = 1024, R = 16, same seed).
 * Gaussian data are a steady state of the limit for every γ: they test the particle side (no
 * spurious heating or spreading), not γ.
 * Cost on SwiftShader: ≈ 1 s per kac step and 0.3 s per nanbu step at N·R = 16384 all pairs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuHarness, type GpuHarness } from './harness';
import { limitFor, speedHistogramWorstSe } from '../limitCompare';
import { mean, stdErr } from '../stats';

let h: GpuHarness;
beforeAll(async () => {
  h = await openGpuHarness();
});
afterAll(async () => {
  await h?.close();
});

const edges = Array.from({ length: 11 }, (_, k) => 0.3 + 0.3 * k);

describe('WebGPU particles against the limit equation: γ = −3, ε = 0.05, d = 3, N = 2048, R = 8', () => {
  for (const init of ['shell', 'gaussian'] as const) {
    for (const noise of ['kac', 'nanbu'] as const) {
      const rejects = init === 'shell' && noise === 'kac';
      it(`${init}, ${noise}: m4(t) and the speed histogram within 4 SE${rejects ? '; γ = −2.5 in the solver is rejected' : ''}`, { timeout: 300_000 }, async () => {
        const query = `model=landau&d=3&n=2048&replicas=8&gamma=-3&eps=0.05&noise=${noise}&init=${init}&dt=0.002&seed=11`;
        // Shell data change fastest early: checkpoints at t = 0.05 and 0.1. Gaussian: one at 0.05.
        const steps = init === 'shell' ? 50 : 25;
        const run = await h.api.run(query, steps, 25, true);
        expect(run.error).toBeUndefined();
        const right = limitFor(query, -3), wrong = limitFor(query, -2.5);
        const start = run.checkpoints[0].perReplica.map((m) => m.m4);
        const limit0 = 9 * (init === 'shell' ? 1 : 15 / 9); // (dT)² (shell) or d(d+2)T² (Gaussian), T = 1
        const solverBias = 3e-3;
        for (const c of run.checkpoints.slice(1)) {
          const dm4 = c.perReplica.map((m, r) => m.m4 - start[r]);
          const se = stdErr(dm4), limit = right.at(c.t).m4 - limit0, other = wrong.at(c.t).m4 - limit0;
          console.log(`limit vs particles, ${init} ${noise} t = ${c.t}: Δm4 ${mean(dm4).toFixed(4)} ± ${se.toFixed(4)}, limit ${limit.toFixed(4)} (${((mean(dm4) - limit) / se).toFixed(1)} SE), γ = −2.5 ${other.toFixed(4)} (${((mean(dm4) - other) / se).toFixed(1)} SE)`);
          expect(Math.abs(mean(dm4) - limit)).toBeLessThan(4 * se + solverBias);
          if (rejects) expect(Math.abs(mean(dm4) - other)).toBeGreaterThan(4 * se + solverBias);
        }
        const last = run.checkpoints[run.checkpoints.length - 1];
        const speeds = last.particles!.map((rep) => rep.map((v) => Math.hypot(...v)));
        const worst = speedHistogramWorstSe(speeds, right.at(last.t).speedBinMasses(edges), edges);
        console.log(`limit vs particles, ${init} ${noise} t = ${last.t}: speed histogram worst bin ${worst.toFixed(2)} SE`);
        expect(worst).toBeLessThan(4);
      });
    }
  }
});
