/**
 * Physics of the WebGPU first-order and torus engines, statistically, against the exact
 * identities of models.md §2–3. Each test runs R independent replicas in one dispatch and
 * compares an ensemble mean with its exact prediction; tolerances are 4 standard errors of that
 * mean (estimated from the replicas) plus a stated bound on the deterministic biases
 * (Euler–Maruyama's O(dt)). Every test also checks that the same statistic REJECTS a
 * deliberately wrong constant, so it can fail.
 *
 * N = 128 everywhere: the step shader's workgroup is 128 wide, so N = 128 costs the same per
 * replica as N = 64, and the martingale noise of a moment falls like 1/(N·R).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuHarness, type GpuHarness } from './harness';
import { defaultParams, toQuery, type Params } from '../../src/physics/params';
import { driftF64 } from '../../src/physics/firstOrder/particleSystem';
import { replicaMoments } from '../../src/physics/moments';
import { lambOseenRadialCdf, lambOseenVariance, secondMomentSlope } from '../../src/physics/references/firstOrder';
import { cosineModeRate } from '../../src/physics/references/torus';
import type { RunResult } from '../../src/engine/runner';
import { mean, stdErr } from '../stats';

let h: GpuHarness;
beforeAll(async () => {
  h = await openGpuHarness();
});
afterAll(async () => {
  await h?.close();
});

function run(p: Params, steps: number, every: number, particles: boolean): Promise<RunResult> {
  return h.api.run(toQuery(p), steps, every, particles);
}

const base: Params = {
  ...defaultParams(), model: 'first-order', d: 2, init: 'gaussian', width: 1, normalize: false,
  n: 128, seed: 2025, chi: 1,
};

/** Flat vec4 particles of one checkpoint with the circulations in w (as on the GPU). */
function flat(r: RunResult, k: number): Float64Array {
  const cp = r.checkpoints[k];
  const p = r.params;
  const v = new Float64Array(p.n * p.replicas * 4);
  cp.particles!.forEach((rep, q) => rep.forEach((x, i) => {
    x.forEach((c, j) => (v[(q * p.n + i) * 4 + j] = c));
    v[(q * p.n + i) * 4 + 3] = r.circulations ? r.circulations[q][i] : 1;
  }));
  return v;
}

/** Per-replica (1/N) Σ w_i |X^i|² with w_i = m_i (weighted) or 1. */
function moment(v: Float64Array, p: Params, weighted: boolean): number[] {
  return Array.from({ length: p.replicas }, (_, q) => {
    let s = 0;
    for (let i = 0; i < p.n; i++) {
      const o = (q * p.n + i) * 4;
      s += (weighted ? v[o + 3] : 1) * (v[o] ** 2 + v[o + 1] ** 2 + v[o + 2] ** 2);
    }
    return s / p.n;
  });
}

const report: string[] = [];
afterAll(() => console.log(`first-order/torus physics:\n  ${report.join('\n  ')}`));

describe('Biot–Savart: the second moment grows like 2dσt = 4σt (models.md §3)', () => {
  it('circ=plus: E[(1/N)Σ|X|²](t) − (1/N)Σ|X_0|² = 4σt; 2σt is rejected', async () => {
    // ε > 0 changes nothing here: x·K_ε(x) = 0 for the regularised kernel too.
    const p: Params = { ...base, kernel: 'biot-savart', circ: 'plus', eps: 0.05, sigma: 0.5, replicas: 48, dt: 0.005 };
    const steps = 40, t = steps * p.dt;
    const r = await run(p, steps, steps, false);
    const dE = r.checkpoints[1].perReplica.map((m, q) => m.energy - r.checkpoints[0].perReplica[q].energy);
    // Euler–Maruyama adds dt²Σ_k (1/N)Σ|drift|² ≥ 0; |K_ε| ≤ χ/(4πε), so the bias is ≤ t·dt·(χ/(4πε))².
    const bias = t * p.dt * (p.chi / (4 * Math.PI * p.eps)) ** 2;
    const se = stdErr(dE);
    report.push(`BS plus: mean ΔE ${mean(dE).toFixed(4)} ± ${se.toFixed(4)}, exact 4σt = ${(4 * p.sigma * t).toFixed(4)} (EM bias ∈ [0, ${bias.toExponential(1)}])`);
    expect(Math.abs(mean(dE) - 4 * p.sigma * t - bias / 2)).toBeLessThan(4 * se + bias / 2);
    expect(secondMomentSlope(p)).toBe(4 * p.sigma);
    expect(Math.abs(mean(dE) - 2 * p.sigma * t)).toBeGreaterThan(4 * se + bias);
  });

  for (const circ of ['pm', 'uniform'] as const) {
    it(`circ=${circ}: the circulation-weighted moment (1/N)Σm_i|X^i|² grows like 4σt·(1/N)Σm_i; “4σt” for it is rejected; moments.wgsl ignores w`, async () => {
      // models.md §3 states the identity for the unweighted moment "for any circulations"; that
      // is exact only when all m_j are equal. For mixed circulations the exact one is weighted:
      // the pair (i, j) contributes m_i m_j (X^i − X^j)·K(X^i − X^j) = 0.
      const p: Params = { ...base, kernel: 'biot-savart', circ, eps: 0.05, sigma: 0.5, replicas: 48, dt: 0.005 };
      const steps = 40, t = steps * p.dt;
      const r = await run(p, steps, steps, true);
      expect(r.circulations).toHaveLength(p.replicas);
      const v0 = flat(r, 0), v1 = flat(r, 1);
      const I0 = moment(v0, p, true), I1 = moment(v1, p, true);
      const mbar = r.circulations!.map((ms) => ms.reduce((s, m) => s + m, 0) / p.n);
      const resid = I1.map((x, q) => x - I0[q] - 4 * p.sigma * t * mbar[q]);
      const bias = t * p.dt * (p.chi / (4 * Math.PI * p.eps)) ** 2; // |Σ m_i|drift_i|²|/N ≤ max|drift|²
      const se = stdErr(resid);
      report.push(`BS ${circ}: weighted-moment residual ${mean(resid).toExponential(2)} ± ${se.toExponential(2)} (EM bias ≤ ${bias.toExponential(1)})`);
      expect(Math.abs(mean(resid))).toBeLessThan(4 * se + bias);
      const dI = I1.map((x, q) => x - I0[q]);
      expect(Math.abs(mean(dI) - 4 * p.sigma * t)).toBeGreaterThan(4 * stdErr(dI) + bias);
      // The moments shader reads positions only: its sums equal the float64 ones of the particles
      // although w = m ≠ 0 (float32 sums of 128 terms: 1e-5 relative).
      const ref = replicaMoments(v1, p.n, p.replicas, p.d);
      r.checkpoints[1].perReplica.forEach((m, q) => {
        expect(Math.abs(m.energy - ref[q].energy)).toBeLessThan(1e-5 * ref[q].energy);
        m.momentum.forEach((x, c) => expect(Math.abs(x - ref[q].momentum[c])).toBeLessThan(1e-5));
        m.secondMoment.forEach((row, a) => row.forEach((x, b) => expect(Math.abs(x - ref[q].secondMoment[a][b])).toBeLessThan(1e-5 * ref[q].energy)));
      });
    });
  }
});

describe('2D Coulomb virial: d/dt E[(1/N)Σ|X|²] = 4σ + sχ(N−1)/(2πN), ε = 0 (models.md §3)', () => {
  for (const sign of ['repulsive', 'attractive'] as const) {
    it(`${sign}: slope matches; the constant c₂ = 1/(4π) is rejected`, async () => {
      // χ/σ = 20 < 8π(N−2)/(N−1) ≈ 24.9: the attractive (Keller–Segel) system does not collapse.
      const p: Params = { ...base, kernel: 'coulomb', sign, chi: 5, sigma: 0.25, eps: 0, replicas: 64, dt: 0.003 };
      const steps = 100, every = 50, t = steps * p.dt;
      const r = await run(p, steps, every, true);
      const first = r.checkpoints[0].perReplica, last = r.checkpoints[r.checkpoints.length - 1].perReplica;
      const dE = last.map((m, q) => m.energy - first[q].energy);
      // With ε = 0 the interaction term is the constant sχ(N−1)/(2πN) at every step; Euler–Maruyama
      // adds dt²·(1/N)Σ|drift_i|² per step, estimated from the particles at the checkpoints.
      const drift2 = r.checkpoints.map((_, k) => {
        const v = flat(r, k);
        let s = 0;
        for (let q = 0; q < p.replicas; q++) for (let i = 0; i < p.n; i++) {
          const dr = driftF64(v, q * p.n, i, p);
          s += dr[0] ** 2 + dr[1] ** 2;
        }
        return s / (p.n * p.replicas);
      });
      const bias = t * p.dt * mean(drift2);
      const slope = secondMomentSlope(p)!;
      const s = sign === 'repulsive' ? 1 : -1;
      expect(slope).toBeCloseTo(4 * p.sigma + (s * p.chi * (p.n - 1)) / (2 * Math.PI * p.n), 14);
      const se = stdErr(dE);
      report.push(`coulomb ${sign}: mean ΔE/t ${(mean(dE) / t).toFixed(4)} ± ${(se / t).toFixed(4)}, exact slope ${slope.toFixed(4)}, EM bias ${bias.toExponential(1)} (mean (1/N)Σ|drift|² ${mean(drift2).toFixed(3)})`);
      expect(Math.abs(mean(dE) - slope * t - bias)).toBeLessThan(4 * se + bias);
      const wrong = 4 * p.sigma + (s * p.chi * (p.n - 1)) / (4 * Math.PI * p.n);
      expect(Math.abs(mean(dE) - wrong * t - bias)).toBeGreaterThan(4 * se + bias);
    });
  }
});

describe('Lamb–Oseen: all m = +1, X₀ ~ N(0, s₀²I) ⇒ N(0, (s₀² + 2σt)I) (models.md §3)', () => {
  it('the pooled radial law at t = 0.5 passes KS against the heat kernel; s₀² + σt is rejected', async () => {
    // For a radial vorticity K_ε*ω is azimuthal for any ε, so the nonlinear term vanishes
    // and the limit law is the heat kernel; ε = 0.05 avoids close-pair kicks.
    const p: Params = { ...base, kernel: 'biot-savart', circ: 'plus', eps: 0.05, sigma: 0.5, width: 1, replicas: 64, dt: 0.02 };
    const steps = 25, t = steps * p.dt;
    const r = await run(p, steps, steps, true);
    const last = r.checkpoints[1].particles!;
    const radii = last.flatMap((rep) => rep.map((x) => Math.hypot(x[0], x[1]))).sort((a, b) => a - b);
    const ks = (v: number) => {
      let d = 0;
      radii.forEach((rad, i) => {
        const F = lambOseenRadialCdf(rad, v);
        d = Math.max(d, Math.abs(F - i / radii.length), Math.abs(F - (i + 1) / radii.length));
      });
      return d;
    };
    // Asymptotic KS critical value at α = 10⁻³ for M pooled samples; particles of one replica are
    // exchangeable with O(1/N) correlations, which this (i.i.d.) bound neglects.
    const crit = 1.95 / Math.sqrt(radii.length);
    const v = lambOseenVariance(p, t);
    report.push(`Lamb–Oseen: KS ${ks(v).toFixed(4)} (crit ${crit.toFixed(4)}, M = ${radii.length}); wrong variance s₀² + σt: KS ${ks(p.width ** 2 + p.sigma * t).toFixed(4)}`);
    expect(ks(v)).toBeLessThan(crit);
    expect(ks(p.width ** 2 + p.sigma * t)).toBeGreaterThan(crit);
  });
});

describe('torus: relaxation of a cosine mode to the uniform equilibrium (models.md §2)', () => {
  it('E[(1/N)Σcos 2πX₁] decays like e^(−4π²(λ + κ/2d)(N−1)/N · t); κ/d and λ alone are rejected; monotone', async () => {
    const p: Params = { ...defaultParams(), model: 'torus', d: 2, lambda: 0.05, kappa: 1, init: 'cosine', amp: 0.8, n: 128, replicas: 64, dt: 0.0025, seed: 7 };
    const steps = 40, every = 20, t = steps * p.dt;
    const r = await run(p, steps, every, true);
    const modes = r.checkpoints.map((cp) => cp.particles!.map((rep) => rep.reduce((s, x) => s + Math.cos(2 * Math.PI * x[0]), 0) / p.n));
    for (const rep of r.checkpoints[steps / every].particles!) for (const x of rep) x.forEach((c) => expect(c >= 0 && c < 1).toBe(true));
    // Conditional on each replica's initial mode m₀: E[m(t) | X₀] = m₀ e^(−r_N t) up to O(1/N)
    // pair correlations (the λ part is exact: independent Brownian motions of variance
    // 2λ(N−1)/N). The Gaussian Euler–Maruyama step of a constant-diffusion motion is exact in
    // law and b*f = 0 for the mode, so there is no O(dt) bias at the mean-field level.
    const residual = (rate: number) => modes[modes.length - 1].map((m, q) => m - modes[0][q] * Math.exp(-rate * t));
    const rN = cosineModeRate(p) * (p.n - 1) / p.n;
    const ok = residual(rN);
    const se = stdErr(ok);
    report.push(`torus: mode ${modes.map((m) => mean(m).toFixed(4)).join(' → ')}; residual ${mean(ok).toExponential(2)} ± ${se.toExponential(2)} at rate ${rN.toFixed(3)}`);
    expect(Math.abs(mean(ok))).toBeLessThan(4 * se);
    const wrongAverage = 4 * Math.PI ** 2 * (p.lambda + p.kappa / p.d) * (p.n - 1) / p.n;
    const lambdaOnly = 4 * Math.PI ** 2 * p.lambda;
    expect(Math.abs(mean(residual(wrongAverage)))).toBeGreaterThan(4 * stdErr(residual(wrongAverage)));
    expect(Math.abs(mean(residual(lambdaOnly)))).toBeGreaterThan(4 * stdErr(residual(lambdaOnly)));
    for (let k = 1; k < modes.length; k++) expect(mean(modes[k])).toBeLessThan(mean(modes[k - 1]) - 4 * stdErr(modes[k].map((m, q) => m - modes[k - 1][q])));
  });
});
