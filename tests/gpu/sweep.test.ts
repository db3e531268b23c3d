/**
 * Propagation-of-chaos sweeps on the WebGPU engine (issue 6), on cases with a known answer:
 * γ = 0 mean-velocity spread E|V̄(t) − V̄(0)|² = E(1 − e^(−4(d−1)t/N)) (models.md §1.1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuHarness, type GpuHarness } from './harness';
import { fitLogLogSlope, meanVelocitySpreadExact } from '../../src/physics/chaos';
import { defaultParams, toQuery, type Params } from '../../src/physics/params';
import type { SweepPoint } from '../../src/engine/sweep';

let h: GpuHarness;
beforeAll(async () => {
  h = await openGpuHarness();
});
afterAll(async () => {
  await h?.close();
});

const base: Params = { ...defaultParams(), d: 3, gamma: 0, dt: 0.005, replicas: 64, seed: 99, normalize: true };
const T = 0.5;
const steps = Math.round(T / base.dt);
const NS = [32, 64, 128, 256];

describe('N-sweep, mean-velocity spread, γ = 0', () => {
  it('nanbu: each point matches E(1 − e^(−8t/N)) and the fitted slope matches the exact law within its uncertainty', async () => {
    const points: SweepPoint[] = [];
    for (const n of NS) points.push(await h.api.sweepPoint(toQuery({ ...base, n, noise: 'nanbu' }), steps, 'mean-velocity-spread'));
    const E = 3;
    for (const pt of points) {
      const exact = meanVelocitySpreadExact(3, pt.n, E, T);
      // Per point: 4 standard errors plus the Euler–Maruyama bias of the martingale's quadratic
      // variation, O(dt) relative (≤ 4(d−1)·dt·... ≈ 5% here).
      expect(Math.abs(pt.value - exact)).toBeLessThan(4 * pt.stdErr + 0.05 * exact);
    }
    const fit = fitLogLogSlope(points);
    const exactSlope = fitLogLogSlope(NS.map((n) => ({ n, value: meanVelocitySpreadExact(3, n, E, T), stdErr: 0 }))).slope;
    console.log(`mean-velocity spread slope ${fit.slope.toFixed(3)} ± ${fit.slopeStdErr.toFixed(3)} (exact ${exactSlope.toFixed(3)})`);
    expect(Math.abs(fit.slope - exactSlope)).toBeLessThan(3 * fit.slopeStdErr);
    // Power: the O(1/√N) rate is rejected.
    expect(Math.abs(fit.slope + 0.5)).toBeGreaterThan(3 * fit.slopeStdErr);
  });

  it('kac: the spread is zero to rounding (momentum is conserved exactly)', async () => {
    const pt = await h.api.sweepPoint(toQuery({ ...base, n: 64, noise: 'kac' }), steps, 'mean-velocity-spread');
    expect(pt.value).toBeLessThan(1e-9);
  });

  it('kac with exact energy: the |v|² pair covariance is −Var(|v|²)/(N−1) (the energy constraint), not 0', async () => {
    const n = 64;
    const pt = await h.api.sweepPoint(toQuery({ ...base, n, noise: 'kac' }), steps, 'pair-correlation');
    // Var(|v|²) = 2dT² = 6 at equilibrium, T = 1; Euler–Maruyama moves the energy by O(dt).
    expect(pt.value).toBeLessThan(-4 * pt.stdErr);
    expect(Math.abs(pt.value + 6 / (n - 1))).toBeLessThan(4 * pt.stdErr + 0.15 * (6 / (n - 1)));
  });
});

describe('N-sweep, two-marginal relative entropy (kac, γ = 0)', () => {
  it('decays as O(1/N²) (the sharp rate) and never drops below the momentum constraint’s d/(2(N−1)²)', async () => {
    // kac conserves Σv exactly, so Cov(v_a¹, v_a²) = −Var(v_a)/(N−1) for all t and Bessel's
    // inequality bounds the estimated ½ Σ C² below by d/(2(N−1)²) (physics/estimators/pairEntropy.ts).
    const ns = [32, 64, 128];
    const t = 0.25, s = Math.round(t / base.dt);
    const points: SweepPoint[] = [];
    for (const n of ns) points.push(await h.api.sweepPoint(toQuery({ ...base, n, noise: 'kac' }), s, 'pair-entropy'));
    for (const pt of points) {
      const floor = 3 / (2 * (pt.n - 1) ** 2);
      console.log(`kac N = ${pt.n}: H(f₂|f₁⊗f₁) ≈ ${pt.value.toExponential(3)} ± ${pt.stdErr.toExponential(2)} (momentum floor ${floor.toExponential(3)}, with energy ${(4 / 3 * floor).toExponential(3)})`);
      expect(pt.value).toBeGreaterThan(floor - 4 * pt.stdErr);
    }
    const fit = fitLogLogSlope(points);
    // The sharp rate's finite-N form here is the constraints' 1/(N−1)², slope −2N/(N−1) ≈ −2.04.
    const sharp = fitLogLogSlope(ns.map((n) => ({ n, value: 1 / (n - 1) ** 2, stdErr: 0 }))).slope;
    console.log(`pair-entropy slope ${fit.slope.toFixed(3)} ± ${fit.slopeStdErr.toFixed(3)} (1/(N−1)²: ${sharp.toFixed(3)})`);
    expect(Math.abs(fit.slope - sharp)).toBeLessThan(3 * fit.slopeStdErr);
    // Power: the O(1/N) rate of the non-sharp bound is rejected.
    expect(Math.abs(fit.slope + 1)).toBeGreaterThan(3 * fit.slopeStdErr);
  });
});
