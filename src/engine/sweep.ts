/**
 * N-sweep experiments (propagation of chaos, models.md §4): one point = one run of R replicas
 * of N particles to time t, reduced to an error measure with its standard error. Runs on any
 * Backend (WebGPU in the page, float64 in Node). The sweep over N and the log–log fit are in
 * tools/sweep.ts and the UI; the estimators are in physics/chaos.ts.
 */
import { histogramL1, meanVelocitySpread, pairCovariance, type Estimate } from '../physics/chaos';
import { initialEnergy, initialTime } from '../physics/init';
import { DEFAULT_LIMIT_CELLS, LimitStepper, limitApplicability, type LimitState } from '../physics/limit/reference';
import { pairEntropy, pairEntropyEstimator } from '../physics/estimators/pairEntropy';
import type { Params } from '../physics/params';
import { bkwMarginal1D } from '../physics/references/bkw';
import { secondMomentAt } from '../physics/references/maxwellian';
import type { Backend } from './backend';

export const SWEEP_QUANTITIES = ['mean-velocity-spread', 'pair-correlation', 'marginal-l1', 'pair-entropy'] as const;
export type SweepQuantity = (typeof SWEEP_QUANTITIES)[number];

export const QUANTITY_HELP: Record<SweepQuantity, string> = {
  'mean-velocity-spread': 'E|V̄(t) − V̄(0)|² across replicas: O(1/N), exact for γ = 0 (models.md §1.1)',
  'pair-correlation': 'Cov(|V¹|², |V²|²) from all pairs of each replica: 0 under chaos, O(1/N) here',
  'marginal-l1': 'L1 distance of the v_x one-marginal (pooled over replicas) to the reference, above the sampling noise floor',
  'pair-entropy': 'two-marginal relative entropy H(f₂|f₁⊗f₁) to second order, from whitened low-order features of two particles of one replica: O(1/N²) in the sharp theory (models.md §4)',
};

/** What the quantity's estimator is, where it needs saying (the sweep's JSON `estimator`). */
export function estimatorFor(quantity: SweepQuantity, p: Params): string | undefined {
  return quantity === 'pair-entropy' ? pairEntropyEstimator(p.model, p.d).description : undefined;
}

/** The theory's rate lines drawn beside a sweep of `quantity` (models.md §4). */
export function theoryRatesFor(quantity: SweepQuantity): { label: string; slope: number }[] {
  return quantity === 'pair-entropy'
    ? [{ label: 'O(1/N²) (sharp)', slope: -2 }, { label: 'O(1/N)', slope: -1 }]
    : [{ label: 'O(1/N)', slope: -1 }, { label: 'O(1/√N)', slope: -0.5 }];
}

export interface MarginalReference {
  name: string;
  binEdges: number[];
  /** Reference probability mass of each bin. */
  mass: number[];
}

/** Simpson's rule on [a, b] with m (even) panels. */
function simpson(f: (x: number) => number, a: number, b: number, m = 16): number {
  const h = (b - a) / m;
  let s = f(a) + f(b);
  for (let k = 1; k < m; k++) s += (k % 2 ? 4 : 2) * f(a + k * h);
  return (s * h) / 3;
}

/** A reference from a density: `bins` equal bins on [lo, hi], masses by Simpson's rule. */
export function binnedReference(name: string, density: (x: number) => number, lo: number, hi: number, bins = 60): MarginalReference {
  const binEdges = Array.from({ length: bins + 1 }, (_, k) => lo + ((hi - lo) * k) / bins);
  const mass = binEdges.slice(0, -1).map((x, k) => simpson(density, x, binEdges[k + 1]));
  return { name, binEdges, mass };
}

/**
 * The exact one-marginal of v_x at elapsed time t, where models.md gives it:
 * γ = 0 with BKW data (the BKW marginal, §1.2), or with Gaussian data (the solution stays
 * Gaussian with the second moments of §1.2). Otherwise null: use a large-N run.
 */
export function exactMarginalReference(p: Params, t: number, bins = 60): MarginalReference | null {
  if (p.model !== 'landau' || p.gamma !== 0) return null;
  let density: (x: number) => number;
  let variance: number;
  let name: string;
  if (p.init === 'bkw') {
    const tAbs = initialTime(p) + t;
    density = (x) => bkwMarginal1D(p.d, tAbs, x);
    variance = 1;
    name = `BKW exact solution at t = ${tAbs.toFixed(4)} (models.md §1.2)`;
  } else if (p.init === 'gaussian' || p.init === 'aniso') {
    const temps = p.init === 'gaussian' ? Array(p.d).fill(p.temp[0]) : p.temp;
    const M0 = temps.map((T, i) => temps.map((_, j) => (i === j ? T : 0)));
    variance = secondMomentAt(p.d, M0, t)[0][0];
    density = (x) => Math.exp(-(x * x) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance);
    name = `Gaussian with the exact γ = 0 second moments, Var v_x = ${variance.toFixed(4)} (models.md §1.2)`;
  } else {
    return null;
  }
  const L = 5 * Math.sqrt(variance);
  return binnedReference(name, density, -L, L, bins);
}

/**
 * The v_x marginal of the deterministic limit (models.md §1.6, physics/limit) on `bins` equal bins
 * over ±5 r.m.s. of one component (the large-N reference's bins), at the state `limit` (any
 * LimitState: LimitStepper.at(t) in the sweep, LimitReference.at(t) live). Named
 * "limit equation, deterministic, M cells at t = …".
 */
export function limitMarginalReference(p: Params, limit: LimitState, name: string, bins = 60): MarginalReference {
  const L = 5 * Math.sqrt(initialEnergy(p) / p.d);
  const binEdges = Array.from({ length: bins + 1 }, (_, k) => -L + (2 * L * k) / bins);
  return { name: `${name} at t = ${limit.t.toFixed(4)} (models.md §1.6)`, binEdges, mass: limit.componentBinMasses(binEdges) };
}

/**
 * The limit-equation reference of the v_x marginal after `elapsed` time, solved here (isotropic
 * Landau runs; null where limitApplicability says no). One solve per call: ≈ 0.3–3 s.
 */
export function solvedLimitMarginalReference(p: Params, elapsed: number, cells = DEFAULT_LIMIT_CELLS): MarginalReference | null {
  const a = limitApplicability(p, cells);
  if (!a.applies) return null;
  const stepper = new LimitStepper(a.setup);
  return limitMarginalReference(p, stepper.at(initialTime(p) + elapsed), stepper.name);
}

/** Pooled histogram of v_x (all replicas) as bin masses: a large-N run's reference. */
export function pooledMass(v: ArrayLike<number>, count: number, binEdges: readonly number[]): number[] {
  const B = binEdges.length - 1, lo = binEdges[0], w = (binEdges[B] - lo) / B;
  const mass = new Array<number>(B).fill(0);
  for (let k = 0; k < count; k++) {
    const x = v[k * 4];
    if (x >= lo && x < binEdges[B]) mass[Math.min(B - 1, Math.floor((x - lo) / w))] += 1 / count;
  }
  return mass;
}

export interface SweepPoint extends Estimate {
  n: number;
  /** For marginal-l1: the reference's name. */
  reference?: string;
}

/** Runs `steps` steps on a fresh backend and measures the quantity. */
export async function sweepPoint(backend: Backend, quantity: SweepQuantity, steps: number, reference?: MarginalReference): Promise<SweepPoint> {
  const p = backend.params;
  if (p.replicas < 3 && quantity !== 'marginal-l1') throw new Error(`replicas: ${quantity} needs at least 3 replicas (got ${p.replicas})`);
  const before = await backend.readMoments();
  backend.step(steps);
  if (quantity === 'mean-velocity-spread') {
    const after = await backend.readMoments();
    return { n: p.n, ...meanVelocitySpread(before.map((m) => m.momentum), after.map((m) => m.momentum)) };
  }
  if (quantity === 'pair-correlation') {
    const after = await backend.readMoments();
    return { n: p.n, ...pairCovariance(after.map((m) => ({ mean: m.energy, meanSquare: m.m4 })), p.n) };
  }
  if (quantity === 'pair-entropy') {
    const e = pairEntropy(await backend.readParticles(), p.n, p.replicas, p.d, pairEntropyEstimator(p.model, p.d).kind);
    return { n: p.n, value: e.value, stdErr: e.stdErr };
  }
  if (!reference) throw new Error('marginal-l1 needs a reference (exact or a large-N run)');
  return { n: p.n, ...marginalL1(await backend.readParticles(), p.n * p.replicas, reference), reference: reference.name };
}

/**
 * L1 distance of the pooled x₁ (v_x) histogram of `count` particles to the reference, above the
 * sampling floor (physics/chaos.ts histogramL1). Its standard error: a jackknife over replicas
 * would need R histograms; the binomial noise floor's spread is a fair stand-in,
 * sd of Σ|p̂−p| ≈ √(Σ p(1−p)(1 − 2/π)/M).
 */
export function marginalL1(v: ArrayLike<number>, count: number, reference: MarginalReference): { value: number; stdErr: number } {
  const xs = Array.from({ length: count }, (_, k) => v[k * 4]);
  const l1 = histogramL1(xs, reference.binEdges, reference.mass);
  const sd = Math.sqrt(reference.mass.reduce((s, q) => s + q * (1 - q), 0) * (1 - 2 / Math.PI) / count);
  return { value: l1.value, stdErr: sd };
}
