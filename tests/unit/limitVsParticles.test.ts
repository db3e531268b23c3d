// Issue 12: the particle systems against the deterministic limit (models.md §1.6), γ = −3,
// ε = 0.05, d = 3, shell data, on the float64 CPU engine.
//
// Size: N = 256, R = 8 (the N = 2048, R = 8 runs on WebGPU: tests/gpu/limitVsParticles.test.ts;
// on this 2-core machine's CPU engine it costs ≈ 5 s per nanbu step and ≈ 10 s per kac step).
// m4 is compared as the per-replica increment m4(t) − m4(0) against the limit's m4(t) − 9: the
// initial `normalize` leaves m4(0) ≈ 13/N above (dT)² = 9 (see the GPU test), 0.05 at N = 256.
// Tolerance 4 SE across replicas + 3e-3 (the 320-cell solver's error for the smoothed shell).
// dt = 0.002 (Euler–Maruyama bias O(dt), measured below the SE). The limit with γ = −2 must be
// rejected by kac; nanbu's SE is 5–8× kac's (energy conserved only on average), so only kac is
// asked to. Gaussian data are stationary for every γ (tested on the solver in
// limitEquation.test.ts) and so cannot tell γ apart.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/engine/cpuBackend';
import { parseQuery } from '../../src/physics/params';
import { limitFor, speedHistogramWorstSe } from '../limitCompare';
import { mean, stdErr } from '../stats';

describe('particles (kac, nanbu) against the limit equation: γ = −3, ε = 0.05, d = 3, shell', () => {
  for (const noise of ['kac', 'nanbu'] as const) {
    it(`${noise}: m4(t) and the speed histogram within 4 standard errors${noise === 'kac' ? '; γ = −2 in the solver is rejected' : ''}`, { timeout: 60_000 }, async () => {
      const query = `model=landau&d=3&n=256&replicas=8&gamma=-3&eps=0.05&noise=${noise}&init=shell&dt=0.002&seed=3`;
      const { params } = parseQuery(query);
      const backend = new CpuBackend(params);
      const right = limitFor(query, -3), wrong = limitFor(query, -2);
      const start = (await backend.readMoments()).map((m) => m.m4);
      for (const t of [0.05, 0.1]) {
        backend.step(Math.round(t / params.dt) - backend.stepCount);
        const dm4 = (await backend.readMoments()).map((m, r) => m.m4 - start[r]);
        const se = stdErr(dm4), limit = right.at(t).m4 - 9, other = wrong.at(t).m4 - 9;
        console.log(`limit vs particles (CPU, N = 256), ${noise} t = ${t}: Δm4 ${mean(dm4).toFixed(4)} ± ${se.toFixed(4)}, limit ${limit.toFixed(4)}, γ = −2 ${other.toFixed(4)}`);
        expect(Math.abs(mean(dm4) - limit)).toBeLessThan(4 * se + 3e-3);
        if (noise === 'kac') expect(Math.abs(mean(dm4) - other)).toBeGreaterThan(4 * se + 3e-3);
      }
      // Speed histogram at t = 0.1 against the limit's bin masses.
      const edges = Array.from({ length: 9 }, (_, k) => 0.6 + 0.3 * k);
      const v = backend.state;
      const speeds = Array.from({ length: params.replicas }, (_, r) =>
        Array.from({ length: params.n }, (_, i) => Math.hypot(v[(r * params.n + i) * 4], v[(r * params.n + i) * 4 + 1], v[(r * params.n + i) * 4 + 2])));
      expect(speedHistogramWorstSe(speeds, right.at(0.1).speedBinMasses(edges), edges)).toBeLessThan(4);
    });
  }
});
