/** Chaos meters: the pair covariance is ~0 for independent samples, detects an injected one; slope fits. */
import { describe, expect, it } from 'vitest';
import { fitLogLogSlope, histogramL1, meanVelocitySpreadExact, pairCovariance, type ReplicaObservable } from '../../src/physics/chaos';
import { testStream } from '../stats';

function replicas(R: number, n: number, seed: number, inject: boolean): ReplicaObservable[] {
  const s = testStream(seed);
  return Array.from({ length: R }, () => {
    const phi = Array.from({ length: n }, () => {
      const x = s.normal(), y = s.normal(), z = s.normal();
      return x * x + y * y + z * z; // |v|², v ~ N(0, I₃): Var = 6
    });
    if (inject) {
      // Rescale to exact energy Σφ = 3n: the normalize=1 constraint, Cov = −Var/(n−1).
      const m = phi.reduce((a, b) => a + b, 0) / n;
      for (let i = 0; i < n; i++) phi[i] *= 3 / m;
    }
    return { mean: phi.reduce((a, b) => a + b, 0) / n, meanSquare: phi.reduce((a, b) => a + b * b, 0) / n };
  });
}

describe('pair covariance meter', () => {
  it('is zero within 4 standard errors for independent particles', () => {
    for (const [n, seed] of [[16, 1], [64, 2], [256, 3]]) {
      const c = pairCovariance(replicas(400, n, seed, false), n);
      expect(Math.abs(c.value)).toBeLessThan(4 * c.stdErr);
    }
  });

  it('detects the exact-energy constraint, Cov = −Var(|v|²)/(n−1), at its predicted size', () => {
    for (const n of [16, 64]) {
      const c = pairCovariance(replicas(400, n, 10 + n, true), n);
      const predicted = -6 / (n - 1);
      expect(c.value).toBeLessThan(-4 * c.stdErr);
      // The constraint's covariance uses the sample variance after rescaling, ≈ 6 within a few %.
      expect(Math.abs(c.value - predicted)).toBeLessThan(4 * c.stdErr + 0.1 * Math.abs(predicted));
    }
  });
});

describe('log–log slope', () => {
  it('recovers an exact power law and its uncertainty scales with the errors', () => {
    const pts = [64, 128, 256, 512].map((n) => ({ n, value: 3 / n, stdErr: 0.03 / n }));
    const f = fitLogLogSlope(pts);
    expect(f.slope).toBeCloseTo(-1, 12);
    expect(f.slopeStdErr).toBeGreaterThan(0);
    expect(f.slopeStdErr).toBeLessThan(0.05);
  });

  it('refuses values that change sign', () => {
    expect(() => fitLogLogSlope([{ n: 1, value: 1, stdErr: 0.1 }, { n: 2, value: -1, stdErr: 0.1 }])).toThrow(/sign/);
  });

  it('the exact mean-velocity spread is E(1 − e^(−4(d−1)t/N)) ≈ 4(d−1)Et/N', () => {
    expect(meanVelocitySpreadExact(3, 1000, 3, 0.5)).toBeCloseTo(3 * (1 - Math.exp(-4 * 2 * 0.5 / 1000)), 15);
    expect(meanVelocitySpreadExact(3, 1e6, 3, 0.5) * 1e6).toBeCloseTo(12, 3);
  });
});

describe('histogram L1 distance', () => {
  const edges = Array.from({ length: 41 }, (_, k) => -4 + (8 * k) / 40);
  const Phi = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));
  const mass = edges.slice(0, -1).map((a, k) => Phi(edges[k + 1]) - Phi(a));
  function erf(x: number): number {
    const t = 1 / (1 + 0.3275911 * Math.abs(x));
    const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
    return x >= 0 ? y : -y;
  }
  it('exact samples sit at the noise floor; a 20% wider law does not', () => {
    const s = testStream(5);
    const exact = Array.from({ length: 20000 }, () => s.normal());
    const wide = exact.map((x) => 1.2 * x);
    const a = histogramL1(exact, edges, mass), b = histogramL1(wide, edges, mass);
    expect(Math.abs(a.value)).toBeLessThan(0.5 * a.floor);
    expect(b.value).toBeGreaterThan(0.1);
  });
});
