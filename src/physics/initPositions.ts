/**
 * Exact samplers of the initial position laws of the first-order systems (models.md §3) and the
 * torus (§2), float64, driven by the project's counter-based generator (one CounterStream per
 * particle, as for the velocity laws in init.ts, which dispatches here). Vec4 layout
 * (x₁, x₂, x₃ | 0, m): the fourth component holds the circulation m (Biot–Savart; 1 for the other
 * first-order kernels, 0 on the torus). The circulation is drawn after the position.
 */
import type { Params } from './params';
import type { CounterStream } from './rng';
import { wrap01 } from './torus/kernel';

/** A uniform direction in R^d (normalised Gaussian vector) written to out[o..o+d). */
function direction(s: CounterStream, d: number, out: Float64Array, o: number): void {
  let g2 = 0;
  do {
    g2 = 0;
    for (let c = 0; c < d; c++) {
      out[o + c] = s.normal();
      g2 += out[o + c] ** 2;
    }
  } while (!(g2 > 0));
  const r = 1 / Math.sqrt(g2);
  for (let c = 0; c < d; c++) out[o + c] *= r;
}

/** Circulation m of one vortex: plus 1; pm ±1 (probability ½); uniform on [−1, 1]. Others: 1. */
export function sampleCirculation(p: Pick<Params, 'kernel' | 'circ'>, s: CounterStream): number {
  if (p.kernel !== 'biot-savart') return 1;
  switch (p.circ) {
    case 'plus':
      return 1;
    case 'pm':
      return s.uniform() < 0.5 ? -1 : 1;
    case 'uniform':
      return 2 * s.uniform() - 1;
  }
}

/** One particle of a first-order system: position (init, width, shift) and circulation. */
export function sampleFirstOrderOne(p: Params, s: CounterStream, out: Float64Array, o: number): void {
  const d = p.d, w = p.width;
  switch (p.init) {
    case 'gaussian': // N(0, width² I): with circ=plus the Lamb–Oseen initial vorticity
      for (let c = 0; c < d; c++) out[o + c] = w * s.normal();
      break;
    case 'disc': {
      // Uniform in the ball of radius width: |X| = width·U^(1/d), uniform direction.
      direction(s, d, out, o);
      const r = w * Math.pow(s.uniform(), 1 / d);
      for (let c = 0; c < d; c++) out[o + c] *= r;
      break;
    }
    case 'two-blobs': {
      const side = s.uniform() < 0.5 ? -1 : 1;
      for (let c = 0; c < d; c++) out[o + c] = w * s.normal();
      out[o] += side * p.shift;
      break;
    }
    case 'ring': {
      const theta = 2 * Math.PI * s.uniform();
      out[o] = w * Math.cos(theta);
      out[o + 1] = w * Math.sin(theta);
      if (d === 3) out[o + 2] = 0;
      break;
    }
    default:
      throw new Error(`init=${p.init} is not a first-order initial law`);
  }
  out[o + 3] = sampleCirculation(p, s);
}

/**
 * x₁ with density 1 + amp·cos 2πx on [0, 1), by rejection from the uniform law: accept u with
 * probability (1 + amp cos 2πu)/(1 + amp). Exact; on average 1 + amp proposals.
 */
export function sampleCosineCoordinate(amp: number, s: CounterStream): number {
  for (;;) {
    const u = s.uniform();
    if (s.uniform() * (1 + amp) <= 1 + amp * Math.cos(2 * Math.PI * u)) return u;
  }
}

/** One particle on the torus [0,1)^d. */
export function sampleTorusOne(p: Params, s: CounterStream, out: Float64Array, o: number): void {
  const d = p.d;
  switch (p.init) {
    case 'cosine':
      out[o] = sampleCosineCoordinate(p.amp, s);
      for (let c = 1; c < d; c++) out[o + c] = s.uniform();
      break;
    case 'wrapped-gaussian':
      for (let c = 0; c < d; c++) out[o + c] = wrap01(0.5 + p.width * s.normal());
      break;
    default:
      throw new Error(`init=${p.init} is not a torus initial law`);
  }
  out[o + 3] = 0;
}

/** E[(x − ½)²] for x ~ N(½, w²) wrapped onto [0, 1): 1/12 + Σ_k (−1)^k e^(−2π²k²w²)/(π²k²). */
export function wrappedGaussianVariance(w: number): number {
  let s = 1 / 12;
  for (let k = 1; k < 100000; k++) {
    const term = Math.exp(-2 * Math.PI * Math.PI * k * k * w * w) / (Math.PI * Math.PI * k * k);
    s += k % 2 ? -term : term;
    if (term < 1e-18) break;
  }
  return s;
}

/** Exact E|X|² of the first-order or torus initial law (the `normalize` target; for tests). */
export function positionSecondMoment(p: Params): number {
  const { d, width: w } = p;
  switch (p.init) {
    case 'gaussian':
      return d * w * w;
    case 'disc':
      return (d / (d + 2)) * w * w;
    case 'two-blobs':
      return d * w * w + p.shift * p.shift;
    case 'ring':
      return w * w;
    case 'cosine':
      // E x₁² = 1/3 + amp ∫₀¹ x² cos 2πx dx = 1/3 + amp/(2π²); the other axes 1/3.
      return d / 3 + p.amp / (2 * Math.PI * Math.PI);
    case 'wrapped-gaussian':
      return d * (0.25 + wrappedGaussianVariance(w));
    default:
      throw new Error(`init=${p.init} is not a position law`);
  }
}
