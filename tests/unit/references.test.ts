// Exact float64 references: BKW (models.md §1.2), Maxwellian-molecule moment laws (§1.2),
// Gaussian information quantities (§4), Coulomb isotropisation rate (§1.3).
import { describe, expect, it } from 'vitest';
import {
  bkwDensity,
  bkwEntropy,
  bkwFisher,
  bkwK,
  bkwKdeFisherLimits,
  bkwM4,
  bkwMarginal1D,
  bkwPQ,
  bkwScore,
  bkwSecondMoment,
  bkwStartTime,
  oursTimeToPaper,
  paperTimeToOurs,
} from '../../src/physics/references/bkw';
import {
  integrateIsotropisation,
  isotropisationBracket,
  isotropisationRate,
} from '../../src/physics/references/coulomb';
import {
  gaussianEntropy,
  gaussianFisher,
  m4At,
  maxwellianEntropy,
  maxwellianFisher,
  ouLaw,
  secondMomentAt,
} from '../../src/physics/references/maxwellian';
import { gaussLegendreRule, integrateGaussLegendre } from '../../src/physics/references/quadrature';
import { digamma, unitBallVolume, unitSphereArea } from '../../src/physics/references/special';

const EULER_GAMMA = 0.5772156649015329;

/** Relative difference, robust at 0. */
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/** Rounds to 4 significant digits (the precision models.md's table is checked at). */
const sig4 = (x: number): number => Number(x.toPrecision(4));

/** ∫ over R^d of a radial function g(r) = |S^(d−1)| ∫_0^R g(r) r^(d−1) dr. */
const radialIntegral = (d: number, g: (r: number) => number, R = 20): number =>
  unitSphereArea(d) * integrateGaussLegendre((r) => g(r) * r ** (d - 1), 0, R, 400, 20);

describe('special functions and quadrature', () => {
  it.each([
    [1, -EULER_GAMMA],
    [2, 1 - EULER_GAMMA],
    [0.5, -EULER_GAMMA - 2 * Math.LN2],
    [2048, 7.62437482566618],
    [-0.5, 0.03648997397857652],
  ])('digamma(%d) = %d', (x, expected) => {
    expect(Math.abs(digamma(x) - expected)).toBeLessThan(1e-13);
  });

  it('digamma satisfies the recurrence ψ(x+1) = ψ(x) + 1/x', () => {
    for (const x of [0.1, 0.7, 3.3, 9.9, 10.1, 55.5]) {
      expect(Math.abs(digamma(x + 1) - digamma(x) - 1 / x)).toBeLessThan(1e-13);
    }
  });

  it.each([
    [1, 2],
    [2, Math.PI],
    [3, (4 * Math.PI) / 3],
    [4, Math.PI ** 2 / 2],
  ])('unit ball volume in d = %d', (d, volume) => {
    expect(rel(unitBallVolume(d), volume)).toBeLessThan(1e-15);
    expect(rel(unitSphereArea(d), d * volume)).toBeLessThan(1e-15);
  });

  it('Gauss–Legendre integrates polynomials of degree 2n−1 exactly and e^x to rounding', () => {
    const { weights } = gaussLegendreRule(20);
    expect(Math.abs(weights.reduce((a, b) => a + b, 0) - 2)).toBeLessThan(1e-14);
    expect(rel(integrateGaussLegendre((x) => x ** 39, 0, 1, 1, 20), 1 / 40)).toBeLessThan(1e-13);
    expect(rel(integrateGaussLegendre(Math.exp, -1, 2, 10, 20), Math.E ** 2 - 1 / Math.E)).toBeLessThan(1e-14);
  });
});

describe('BKW exact solution (models.md §1.2)', () => {
  it('starts at ¼ ln(5/2) in 3D and 0 in 2D, where K = 3/5 resp. ½ and P = 0', () => {
    expect(Math.abs(bkwStartTime(3) - 0.2290726829685388)).toBeLessThan(1e-16);
    expect(bkwStartTime(2)).toBe(0);
    expect(Math.abs(bkwK(3, bkwStartTime(3)) - 0.6)).toBeLessThan(1e-15);
    expect(bkwK(2, 0)).toBe(0.5);
    expect(Math.abs(bkwPQ(3, bkwStartTime(3)).P)).toBeLessThan(1e-15);
    expect(bkwPQ(2, 0).P).toBe(0);
    expect(bkwK(3, Infinity)).toBe(1);
  });

  it('throws a clear error before the start time, naming t and the valid range', () => {
    expect(() => bkwK(3, 0.2)).toThrow(/t = 0\.2.*t ≥ ¼ ln\(5\/2\)/);
    expect(() => bkwK(2, -0.01)).toThrow(/t = -0\.01.*t ≥ 0/);
    expect(() => bkwEntropy(3, 0.1)).toThrow(/outside the BKW validity range/);
    expect(() => bkwK(4, 1)).toThrow(/d = 2 or 3/);
  });

  it('converts paper time with C = 1/16 (2D), 1/24 (3D)', () => {
    expect(paperTimeToOurs(2, 16)).toBe(1);
    expect(paperTimeToOurs(3, 6)).toBe(0.25);
    expect(oursTimeToPaper(3, paperTimeToOurs(3, 5.5))).toBeCloseTo(5.5, 14);
  });

  // models.md §1.2 table. Its printed times are the paper times 5.5, 6, 7, 10 (3D) and
  // 0, 1, 2, 5 (2D) converted and ROUNDED: 0.2292 stands for 5.5/24 = 0.229167. At literally
  // t = 0.2292 the Fisher information is 3.8832 (not 3.8847): near the start time I varies fast.
  it.each([
    [3, 5.5, -4.19305, 3.8847],
    [3, 6, -4.21898, 3.4427],
    [3, 7, -4.24152, 3.1568],
    [3, 10, -4.25534, 3.013],
    [3, Infinity, -4.256816, 3],
    [2, 0, -2.72195, 4.0],
    [2, 1, -2.78905, 2.6014],
    [2, 2, -2.81419, 2.26],
    [2, 5, -2.83424, 2.0339],
    [2, Infinity, -2.837877, 2],
  ])('d = %i, paper time %d: H = %d, I = %d (4 significant digits)', (d, tPaper, H, I) => {
    const t = paperTimeToOurs(d, tPaper);
    expect(sig4(bkwEntropy(d, t))).toBe(sig4(H));
    expect(sig4(bkwFisher(d, t))).toBe(sig4(I));
    // The table's extra digits too: |ΔH| < 6e-6, |ΔI| < 6e-5.
    expect(Math.abs(bkwEntropy(d, t) - H)).toBeLessThan(6e-6);
    expect(Math.abs(bkwFisher(d, t) - I)).toBeLessThan(6e-5);
  });

  // Closed forms at P = 0 (start time), where u = |v|²/(2K) ~ Gamma(d/2 + 1):
  // H = −(d/2) log(2πK) − d/(2K) + log(2KQ) + ψ(d/2 + 1),  I = d/K² − 4/K + 4/(dK).
  it.each([2, 3])('matches closed forms at the start time, d = %i, to 1e-12', (d) => {
    const t = bkwStartTime(d);
    const { K, Q } = bkwPQ(d, t);
    const H = -(d / 2) * Math.log(2 * Math.PI * K) - d / (2 * K) + Math.log(2 * K * Q) + digamma(d / 2 + 1);
    expect(Math.abs(bkwEntropy(d, t) - H)).toBeLessThan(1e-12);
    expect(Math.abs(bkwFisher(d, t) - (d / K ** 2 - 4 / K + 4 / (d * K)))).toBeLessThan(1e-12);
    if (d === 2) expect(Math.abs(bkwEntropy(2, 0) - (-1 - EULER_GAMMA - Math.log(Math.PI)))).toBeLessThan(1e-12);
    if (d === 3) expect(Math.abs(bkwFisher(3, t) - 35 / 9)).toBeLessThan(1e-12);
  });

  it.each([2, 3])('equilibrium limits are the Maxwellian ones, d = %i', (d) => {
    expect(Math.abs(bkwEntropy(d, Infinity) - maxwellianEntropy(d, 1))).toBeLessThan(1e-12);
    expect(Math.abs(bkwFisher(d, Infinity) - d)).toBeLessThan(1e-12);
    expect(bkwM4(d, Infinity)).toBe(d * (d + 2));
  });

  it.each([
    [2, 0],
    [2, 0.1],
    [3, 0.23],
    [3, 0.4],
  ])('d = %i, t = %d: density has mass 1, second moment I, m4 and entropy/Fisher by direct quadrature', (d, t) => {
    const radialDensity = (r: number): number => bkwDensity(d, t, [r, ...new Array<number>(d - 1).fill(0)]);
    expect(Math.abs(radialIntegral(d, radialDensity) - 1)).toBeLessThan(1e-12);
    expect(Math.abs(radialIntegral(d, (r) => r * r * radialDensity(r)) - d)).toBeLessThan(1e-11);
    expect(rel(radialIntegral(d, (r) => r ** 4 * radialDensity(r)), bkwM4(d, t))).toBeLessThan(1e-11);
    const H = radialIntegral(d, (r) => {
      const f = radialDensity(r);
      return f > 0 ? f * Math.log(f) : 0;
    });
    expect(Math.abs(H - bkwEntropy(d, t))).toBeLessThan(1e-10);
    // Fisher from the score: |∇ log f|² f.
    const I = radialIntegral(d, (r) => {
      const score = bkwScore(d, t, [r, ...new Array<number>(d - 1).fill(0)]);
      return score[0] * score[0] * radialDensity(r);
    });
    expect(rel(I, bkwFisher(d, t))).toBeLessThan(1e-10);
    expect(bkwSecondMoment(d)).toEqual(Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))));
  });

  it.each([
    [2, 0.05],
    [3, 0.3],
  ])('d = %i, t = %d: 1D marginal integrates the density over the other components', (d, t) => {
    for (const x of [0, 0.7, 1.9]) {
      // ∫ f(x, w) dw over w ∈ R^(d−1), radial in w.
      const marginal =
        unitSphereArea(d - 1) *
        integrateGaussLegendre((w) => bkwDensity(d, t, [x, w, ...new Array<number>(d - 2).fill(0)]) * w ** (d - 2), 0, 20, 400, 20);
      expect(rel(marginal, bkwMarginal1D(d, t, x))).toBeLessThan(1e-12);
    }
    expect(Math.abs(integrateGaussLegendre((x) => bkwMarginal1D(d, t, x), -20, 20, 400, 20) - 1)).toBeLessThan(1e-13);
  });

  it('score is the gradient of log f (central differences)', () => {
    const d = 3;
    const t = 0.35;
    const v = [0.4, -1.1, 0.8];
    const score = bkwScore(d, t, v);
    const step = 1e-5;
    for (let c = 0; c < d; c++) {
      const plus = v.slice();
      const minus = v.slice();
      plus[c] += step;
      minus[c] -= step;
      const fd = (Math.log(bkwDensity(d, t, plus)) - Math.log(bkwDensity(d, t, minus))) / (2 * step);
      expect(Math.abs(fd - score[c])).toBeLessThan(1e-8);
    }
  });

  it.each([2, 3])('m4 obeys the γ = 0 fourth-moment law (m4At with M0 = I), d = %i', (d) => {
    const t0 = bkwStartTime(d);
    const M0 = bkwSecondMoment(d);
    for (const dt of [0, 0.05, 0.3, 2]) {
      expect(rel(m4At(d, bkwM4(d, t0), M0, dt), bkwM4(d, t0 + dt))).toBeLessThan(1e-13);
    }
  });

  it.each([2, 3])('KDE Fisher limits reduce to I(f) at h = 0 and decrease with h, d = %i', (d) => {
    const t = d === 3 ? 0.3 : 0.1;
    const atZero = bkwKdeFisherLimits(d, t, 0);
    expect(rel(atZero.plugIn, bkwFisher(d, t))).toBeLessThan(1e-12);
    expect(rel(atZero.scoreMatching, bkwFisher(d, t))).toBeLessThan(1e-12);
    const smoothed = bkwKdeFisherLimits(d, t, 0.4);
    expect(smoothed.plugIn).toBeLessThan(smoothed.scoreMatching);
    expect(smoothed.scoreMatching).toBeLessThan(bkwFisher(d, t));
    // At K = 1 (Maxwellian) they reduce to the Gaussian formulas dT/(T+h²)², d(T+2h²)/(T+h²)².
    const h2 = 0.16;
    const equilibrium = bkwKdeFisherLimits(d, Infinity, 0.4);
    expect(rel(equilibrium.plugIn, d / (1 + h2) ** 2)).toBeLessThan(1e-12);
    expect(rel(equilibrium.scoreMatching, (d * (1 + 2 * h2)) / (1 + h2) ** 2)).toBeLessThan(1e-12);
  });
});

describe('Maxwellian molecules, γ = 0 (models.md §1.2)', () => {
  const M0_3D = [
    [2.0, 0.3, -0.1],
    [0.3, 0.6, 0.2],
    [-0.1, 0.2, 0.4],
  ];
  const M0_2D = [
    [1.7, -0.4],
    [-0.4, 0.3],
  ];

  const trace = (m: number[][]): number => m.reduce((s, row, i) => s + row[i], 0);
  const frobenius2 = (m: number[][]): number => m.flat().reduce((s, x) => s + x * x, 0);
  const matmulTrace = (a: number[][]): number => {
    let s = 0;
    for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length; j++) s += a[i][j] * a[j][i];
    return s;
  };

  it.each([
    [2, M0_2D],
    [3, M0_3D],
  ])('secondMomentAt solves dM/dt = 4E I − 4d M (d = %i): central differences, E conserved, limits', (d, M0) => {
    const E = trace(M0);
    const step = 1e-5;
    for (const t of [0, 0.01, 0.1, 0.5]) {
      const Mt = secondMomentAt(d, M0, t);
      expect(Math.abs(trace(Mt) - E)).toBeLessThan(1e-14);
      const plus = secondMomentAt(d, M0, t + step);
      const minus = secondMomentAt(d, M0, Math.max(0, t - step));
      const span = t + step - Math.max(0, t - step);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          const fd = (plus[i][j] - minus[i][j]) / span;
          const rhs = 4 * E * (i === j ? 1 : 0) - 4 * d * Mt[i][j];
          // one-sided at t = 0: O(step) error there.
          expect(Math.abs(fd - rhs)).toBeLessThan(t === 0 ? 2e-3 : 1e-7);
        }
      }
    }
    const initial = secondMomentAt(d, M0, 0);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(Math.abs(initial[i][j] - M0[i][j])).toBeLessThan(1e-15);
    const late = secondMomentAt(d, M0, 20);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(Math.abs(late[i][j] - (i === j ? E / d : 0))).toBeLessThan(1e-14);
  });

  it.each([
    [2, M0_2D, 6.1],
    [3, M0_3D, 11.3],
  ])('m4At solves dm4/dt = −4(d−1)m4 + 4(d+1)E² − 8 tr(M²) (d = %i): central differences, limits', (d, M0, m4_0) => {
    const E = trace(M0);
    const step = 2e-6;
    expect(Math.abs(m4At(d, m4_0, M0, 0) - m4_0)).toBeLessThan(1e-13);
    for (const t of [0.01, 0.05, 0.2, 1]) {
      const fd = (m4At(d, m4_0, M0, t + step) - m4At(d, m4_0, M0, t - step)) / (2 * step);
      const M = secondMomentAt(d, M0, t);
      const rhs = -4 * (d - 1) * m4At(d, m4_0, M0, t) + 4 * (d + 1) * E * E - 8 * matmulTrace(M);
      expect(Math.abs(fd - rhs)).toBeLessThan(1e-7);
    }
    // Equilibrium: the Maxwellian value d(d+2)T², T = E/d.
    expect(rel(m4At(d, m4_0, M0, 30), d * (d + 2) * (E / d) ** 2)).toBeLessThan(1e-13);
    // tr(M(t)²) = E²/d + |M0_dev|²_F e^(−8dt)
    const dev = M0.map((row, i) => row.map((x, j) => x - (i === j ? E / d : 0)));
    expect(rel(matmulTrace(secondMomentAt(d, M0, 0.07)), (E * E) / d + frobenius2(dev) * Math.exp(-8 * d * 0.07))).toBeLessThan(1e-13);
  });

  it('m4At agrees with an RK4 solve of the ODE (independent check of the closed form)', () => {
    const d = 3;
    const m4_0 = 11.3;
    const E = trace(M0_3D);
    const rhs = (t: number, m4: number): number =>
      -4 * (d - 1) * m4 + 4 * (d + 1) * E * E - 8 * matmulTrace(secondMomentAt(d, M0_3D, t));
    let m4 = m4_0;
    const dt = 1e-4;
    for (let n = 0; n < 5000; n++) {
      const t = n * dt;
      const k1 = rhs(t, m4);
      const k2 = rhs(t + dt / 2, m4 + (dt / 2) * k1);
      const k3 = rhs(t + dt / 2, m4 + (dt / 2) * k2);
      const k4 = rhs(t + dt, m4 + dt * k3);
      m4 += (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    }
    expect(rel(m4, m4At(d, m4_0, M0_3D, 0.5))).toBeLessThan(1e-12);
  });

  it.each([2, 3])('OU law (d = %i): stationary variance T, E conserved for V0 ~ N(0, T I)', (d) => {
    const T = 1.7;
    expect(ouLaw(d, T, 0).coefficient).toBe(1);
    expect(ouLaw(d, T, 0).variance).toBe(0);
    for (const t of [0.01, 0.3, 2]) {
      const { coefficient, variance } = ouLaw(d, T, t);
      expect(Math.abs(coefficient ** 2 * T + variance - T)).toBeLessThan(1e-14);
      expect(rel(coefficient, Math.exp(-(d - 1) * t))).toBeLessThan(1e-15);
    }
    expect(ouLaw(d, T, 50).variance).toBeCloseTo(T, 14);
  });

  it.each([
    [1, 1],
    [2, 0.5],
    [3, 2.5],
  ])('Maxwellian entropy and Fisher (d = %i, T = %d) match the Gaussian formulas', (d, T) => {
    const cov = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? T : 0)));
    expect(Math.abs(maxwellianEntropy(d, T) - gaussianEntropy(cov))).toBeLessThan(1e-14);
    expect(rel(maxwellianFisher(d, T), gaussianFisher(cov))).toBeLessThan(1e-14);
    expect(Math.abs(maxwellianEntropy(d, T) - -(d / 2) * Math.log(2 * Math.PI * Math.E * T))).toBeLessThan(1e-15);
  });

  it('anisotropic Gaussian: entropy via det, Fisher via tr Σ⁻¹, against quadrature in 2D', () => {
    const cov = [
      [2, 0.6],
      [0.6, 0.5],
    ];
    const det = 2 * 0.5 - 0.36;
    expect(Math.abs(gaussianEntropy(cov) - -0.5 * Math.log((2 * Math.PI * Math.E) ** 2 * det))).toBeLessThan(1e-14);
    expect(rel(gaussianFisher(cov), (2 + 0.5) / det)).toBeLessThan(1e-14);
    // ∫ f log f by 2D tensor Gauss–Legendre.
    const inv = [
      [0.5 / det, -0.6 / det],
      [-0.6 / det, 2 / det],
    ];
    const logf = (x: number, y: number): number =>
      -0.5 * (inv[0][0] * x * x + 2 * inv[0][1] * x * y + inv[1][1] * y * y) - Math.log(2 * Math.PI * Math.sqrt(det));
    const H = integrateGaussLegendre((x) => integrateGaussLegendre((y) => Math.exp(logf(x, y)) * logf(x, y), -12, 12, 60, 20), -16, 16, 80, 20);
    expect(Math.abs(H - gaussianEntropy(cov))).toBeLessThan(1e-11);
    expect(() => gaussianEntropy([[1, 2], [2, 1]])).toThrow(/not positive definite/);
  });
});

describe('Coulomb isotropisation (models.md §1.3)', () => {
  const closedForm = (A: number): number => {
    const ratio = A > 0 ? Math.atan(Math.sqrt(A)) / Math.sqrt(A) : Math.atanh(Math.sqrt(-A)) / Math.sqrt(-A);
    return (-3 + (A + 3) * ratio) / (A * A);
  };

  it('bracket → 4/15 at A = 0, with series slope −8/35', () => {
    expect(isotropisationBracket(0)).toBe(4 / 15);
    expect(Math.abs(isotropisationBracket(1e-9) - 4 / 15)).toBeLessThan(1e-9);
    const a = 1e-4;
    expect(Math.abs((isotropisationBracket(a) - isotropisationBracket(-a)) / (2 * a) - -8 / 35)).toBeLessThan(1e-7);
  });

  it.each([-0.3, -0.06, -0.05, -0.04999999, 0.04999999, 0.05, 0.06, 0.5, 3, 40])(
    'series and arctan/artanh branches agree at A = %d',
    (A) => {
      // The closed form loses ~ε·3/((4/15)A²) to cancellation near 0; the series does not.
      expect(rel(isotropisationBracket(A), closedForm(A))).toBeLessThan(Math.max(2e-13, 1e-14 / (A * A)));
    },
  );

  it('is continuous across the series switch |A| = 0.05 and monotone decreasing in A', () => {
    for (const A of [-0.05, 0.05]) {
      const below = isotropisationBracket(A * (1 - 1e-12));
      const above = isotropisationBracket(A * (1 + 1e-12));
      expect(rel(below, above)).toBeLessThan(1e-12);
    }
    let previous = Infinity;
    for (let A = -0.95; A < 20; A += 0.01) {
      const g = isotropisationBracket(A);
      expect(g).toBeLessThan(previous);
      previous = g;
    }
  });

  it('artanh branch diverges as θ⊥ → 0 (A → −1) and ν scales as θ∥^(−3/2)', () => {
    expect(isotropisationBracket(-0.999999)).toBeGreaterThan(isotropisationBracket(-0.99));
    expect(rel(isotropisationRate(1, 1), 4 / 15 / Math.sqrt(Math.PI))).toBeLessThan(1e-15);
    expect(rel(isotropisationRate(4, 6), isotropisationRate(1, 1.5) / 8)).toBeLessThan(1e-14);
    expect(() => isotropisationRate(0, 1)).toThrow(/positive/);
  });

  it.each([
    [2, 0.5],
    [0.4, 1.3],
  ])('RK4 (θ∥0 = %d, θ⊥0 = %d): energy conserved to rounding, converges, relaxes at rate 3ν(T)', (par0, perp0) => {
    const T = (par0 + 2 * perp0) / 3;
    const curve = integrateIsotropisation(par0, perp0, 40, 4000);
    for (let n = 0; n < curve.t.length; n++) {
      expect(Math.abs(curve.thetaPar[n] + 2 * curve.thetaPerp[n] - 3 * T)).toBeLessThan(1e-13);
    }
    const last = curve.t.length - 1;
    expect(Math.abs(curve.thetaPar[last] - T)).toBeLessThan(1e-6);
    // Step-doubling: RK4 error ∝ dt⁴.
    const coarse = integrateIsotropisation(par0, perp0, 2, 50);
    const fine = integrateIsotropisation(par0, perp0, 2, 100);
    const finest = integrateIsotropisation(par0, perp0, 2, 200);
    const e1 = Math.abs(coarse.thetaPar[50] - finest.thetaPar[200]);
    const e2 = Math.abs(fine.thetaPar[100] - finest.thetaPar[200]);
    expect(e1 / e2).toBeGreaterThan(10);
    expect(e2).toBeLessThan(1e-7);
    // Late times: θ⊥ − θ∥ decays like e^(−3ν(T) t), ν(T) = (4/15) π^(−1/2) T^(−3/2).
    const i1 = 2000;
    const i2 = 2500;
    const gap = (i: number): number => curve.thetaPerp[i] - curve.thetaPar[i];
    const rate = Math.log(gap(i1) / gap(i2)) / (curve.t[i2] - curve.t[i1]);
    expect(rel(rate, 3 * isotropisationRate(T, T))).toBeLessThan(1e-3);
  });
});
