/**
 * The exact bias of the Kozachenko–Leonenko entropy estimator (models.md §4) on n independent
 * samples of a Maxwellian, for any n, d and k, by quadrature (issue 12). Float64, no DOM.
 *
 * The KL estimate is invariant in law under dilations up to the shift d·log σ that H itself takes,
 * so its bias b(n, d, k) = E[Ĥ] − H on N(0, σ²I) does not depend on σ. Subtracting it is the
 * Maxwellian-calibrated estimator of entropy.ts (`biasCorrectedEntropy`): exactly unbiased on
 * Maxwellians (so H(f|M) reads 0 at equilibrium within its error band), and for smooth
 * near-Maxwellian laws it removes the N^(−2/d)-type bias of Delattre–Fournier up to its
 * dependence on the shape (measured on BKW: README "Entropy estimator bias").
 *
 * E[Ĥ] = −ψ(n) + ψ(k) − log V_d − d E[log ε], ε the distance from X₁ to its k-th nearest of the
 * other n − 1 samples. Given |X₁| = a, ε ≤ ρ iff at least k of the n − 1 others fall in the ball
 * B(X₁, ρ), whose Gaussian mass m(a, ρ) = ∫₀^ρ f_R(r) dr has the noncentral radial density
 *   3D: f_R(r) = (r/a) φ(r − a)(1 − e^(−2ar)),   2D: f_R(r) = r e^(−(r−a)²/2) e^(−ar) I₀(ar),
 * so P(ε > ρ | a) = P(Bin(n − 1, m) < k), and E[log ε | a] = u_lo + ∫_{u_lo}^{u_hi} P(ε > e^u | a) du
 * over a u-range that holds all of the law. The outer integral over a uses the χ_d density.
 * Accuracy ≲ 1e-6 nats (checked against Monte Carlo in tests/unit/entropyAccuracy.test.ts).
 */
import { scaledBesselI0 } from '../limit/initialData';
import { gaussLegendreRule } from '../references/quadrature';
import { digamma, unitBallVolume, unitSphereArea } from '../references/special';
import { maxwellianEntropy } from '../references/maxwellian';

const cache = new Map<string, number>();

/** Density of R = |Z − x| at r, Z ~ N(0, I_d), |x| = a (d = 2, 3). */
function radialDensity(d: number, a: number, r: number): number {
  if (d === 3) {
    const gauss = Math.exp(-0.5 * (r - a) ** 2) / Math.sqrt(2 * Math.PI);
    const shape = a * r < 1e-12 ? 2 * r * r : (r / a) * -Math.expm1(-2 * a * r);
    return gauss * shape;
  }
  if (d === 2) return r * Math.exp(-0.5 * (r - a) ** 2) * scaledBesselI0(a * r);
  throw new Error(`klMaxwellianBias: d must be 2 or 3, got ${d}`);
}

/** P(Bin(trials, m) < k). */
function binomialBelow(trials: number, m: number, k: number): number {
  if (m <= 0) return 1;
  if (m >= 1) return 0;
  let term = Math.exp(trials * Math.log1p(-m));
  let sum = term;
  const ratio = m / (1 - m);
  for (let j = 0; j < k - 1; j++) {
    term *= ((trials - j) / (j + 1)) * ratio;
    sum += term;
  }
  return Math.min(1, sum);
}

/** E[log ε | |X₁| = a]. */
function expectedLogDistance(d: number, a: number, n: number, k: number): number {
  const uLo = Math.log(1e-7), uHi = Math.log(a + 12);
  const steps = 1200;
  const du = (uHi - uLo) / steps;
  const { nodes, weights } = gaussLegendreRule(8);
  // m(ρ) at ρ = e^(uLo) is ≈ V_d ρ^d f(a) < 1e-18: start from 0.
  let mass = 0;
  let rPrev = 0;
  const tail = (m: number) => binomialBelow(n - 1, m, k);
  let integral = 0;
  let previous = 1; // P(ε > e^uLo) = 1 to rounding
  for (let j = 1; j <= steps; j++) {
    const r = Math.exp(uLo + j * du);
    let piece = 0;
    const mid = 0.5 * (r + rPrev), half = 0.5 * (r - rPrev);
    for (let q = 0; q < nodes.length; q++) piece += weights[q] * radialDensity(d, a, mid + half * nodes[q]);
    mass += piece * half;
    rPrev = r;
    const current = tail(mass);
    integral += 0.5 * (previous + current) * du;
    previous = current;
  }
  return uLo + integral;
}

/**
 * b(n, d, k) = E[Ĥ_KL] − H on n i.i.d. Maxwellian samples (nats; positive for n ≳ 50: the
 * estimate reads high). Memoised; ≈ 50 ms the first time for each (n, d, k).
 */
export function klMaxwellianBias(n: number, d: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 1 || k > n - 1) throw new Error(`klMaxwellianBias: need integers 1 ≤ k ≤ n − 1, got n = ${n}, k = ${k}`);
  const key = `${n}:${d}:${k}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const { nodes, weights } = gaussLegendreRule(24);
  const S = unitSphereArea(d);
  let expectation = 0;
  // |X₁| = a has density S a^(d−1) (2π)^(−d/2) e^(−a²/2); two panels [0, 3], [3, 9].
  for (const [lo, hi] of [[0, 3], [3, 9]]) {
    const mid = 0.5 * (lo + hi), half = 0.5 * (hi - lo);
    for (let q = 0; q < nodes.length; q++) {
      const a = mid + half * nodes[q];
      const density = S * a ** (d - 1) * Math.pow(2 * Math.PI, -d / 2) * Math.exp(-0.5 * a * a);
      expectation += weights[q] * half * density * expectedLogDistance(d, a, n, k);
    }
  }
  const meanEstimate = -digamma(n) + digamma(k) - Math.log(unitBallVolume(d)) - d * expectation;
  const bias = meanEstimate - maxwellianEntropy(d, 1);
  cache.set(key, bias);
  return bias;
}
