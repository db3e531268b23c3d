/**
 * Exact samplers of the initial velocity laws (engine issue; models.md §1.2 for BKW), float64,
 * driven by the project's counter-based generator so that a seed fixes the initial cloud.
 * Sampling runs on the CPU once per run and is uploaded to the GPU: both engines start from
 * the same particles. The position laws of the first-order systems and of the torus
 * (models.md §2–3) are in initPositions.ts; `sampleInitial` dispatches on the model.
 *
 * Layout: `Float64Array` of length replicas·n·4, particle (r, i) at offset (r·n + i)·4,
 * components (v_x, v_y, v_z | 0, 0): the same vec4 layout as the GPU buffers. First-order
 * systems carry the circulation m in the fourth component: (x₁, x₂, x₃ | 0, m).
 */
import type { Params } from './params';
import { CounterStream, Stream, pairWord, streamWord } from './rng';
import { bkwK, bkwPQ, bkwStartTime } from './references/bkw';
import { positionSecondMoment, sampleFirstOrderOne, sampleTorusOne } from './initPositions';

export const PARTICLE_STRIDE = 4;

/** Simulation time at step 0: BKW starts at its validity time t0 (models.md §1.2), else 0. */
export function initialTime(p: Params): number {
  return p.model === 'landau' && p.init === 'bkw' ? bkwStartTime(p.d) : 0;
}

/**
 * Exact energy E = E|V|² of the initial law (the rescaling target of `normalize`); for the
 * first-order systems and the torus E|X|² of the position law.
 */
export function initialEnergy(p: Params): number {
  if (p.model !== 'landau') return positionSecondMoment(p);
  switch (p.init) {
    case 'gaussian':
    case 'shell':
      return p.d * p.temp[0];
    case 'aniso':
      return p.temp.slice(0, p.d).reduce((s, x) => s + x, 0);
    case 'bkw':
      return p.d; // T = 1
    case 'bimaxwellian':
      return p.d * p.temp[0] + p.shift * p.shift;
    default:
      throw new Error(`init=${p.init} is not a Landau initial law`);
  }
}

function sampleOne(p: Params, s: CounterStream, out: Float64Array, o: number): void {
  if (p.model === 'first-order') return sampleFirstOrderOne(p, s, out, o);
  if (p.model === 'torus') return sampleTorusOne(p, s, out, o);
  const d = p.d;
  switch (p.init) {
    case 'gaussian': {
      const sd = Math.sqrt(p.temp[0]);
      for (let c = 0; c < d; c++) out[o + c] = sd * s.normal();
      return;
    }
    case 'aniso':
      for (let c = 0; c < d; c++) out[o + c] = Math.sqrt(p.temp[c]) * s.normal();
      return;
    case 'bimaxwellian': {
      const sd = Math.sqrt(p.temp[0]);
      const sign = s.uniform() < 0.5 ? -1 : 1;
      for (let c = 0; c < d; c++) out[o + c] = sd * s.normal();
      out[o] += sign * p.shift;
      return;
    }
    case 'shell': {
      const radius = Math.sqrt(d * p.temp[0]);
      let g2 = 0;
      for (let c = 0; c < d; c++) {
        out[o + c] = s.normal();
        g2 += out[o + c] ** 2;
      }
      const scale = radius / Math.sqrt(g2);
      for (let c = 0; c < d; c++) out[o + c] *= scale;
      return;
    }
    case 'bkw': {
      // f = (2πK)^(−d/2) e^(−|v|²/2K) (P + Q|v|²) is a mixture: with probability P a Gaussian
      // N(0, K I); with probability Q d K the law with density ∝ |v|² e^(−|v|²/2K), i.e.
      // |v|²/K ~ χ²_{d+2} with a uniform direction. (P + Q d K = 1.)
      const t0 = bkwStartTime(d);
      const K = bkwK(d, t0);
      const { P } = bkwPQ(d, t0);
      const gaussianBranch = s.uniform() < P;
      let g2 = 0;
      for (let c = 0; c < d; c++) {
        out[o + c] = s.normal();
        g2 += out[o + c] ** 2;
      }
      if (gaussianBranch) {
        for (let c = 0; c < d; c++) out[o + c] *= Math.sqrt(K);
      } else {
        const h0 = s.normal(), h1 = s.normal();
        const scale = Math.sqrt((K * (g2 + h0 * h0 + h1 * h1)) / g2);
        for (let c = 0; c < d; c++) out[o + c] *= scale;
      }
      return;
    }
    default:
      throw new Error(`init=${p.init} is not a Landau initial law`);
  }
}

/**
 * Samples all replicas' initial velocities or positions (and recentres/rescales if `normalize`;
 * never on the torus, where recentring has no meaning).
 */
export function sampleInitial(p: Params): Float64Array {
  const { n, replicas } = p;
  const out = new Float64Array(n * replicas * PARTICLE_STRIDE);
  for (let r = 0; r < replicas; r++) {
    for (let i = 0; i < n; i++) {
      const s = new CounterStream(p.rng, p.seed, pairWord(i, 0), streamWord(Stream.init, r));
      sampleOne(p, s, out, (r * n + i) * PARTICLE_STRIDE);
    }
    if (p.normalize && p.model !== 'torus') normalizeReplica(out, r * n, n, p.d, initialEnergy(p));
  }
  return out;
}

/** Recentres replica particles to zero mean and rescales to (1/n)Σ|V|² = energy. */
export function normalizeReplica(v: Float64Array, first: number, n: number, d: number, energy: number): void {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c] += v[(first + i) * PARTICLE_STRIDE + c] / n;
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) {
      const o = (first + i) * PARTICLE_STRIDE + c;
      v[o] -= mean[c];
      e += v[o] * v[o];
    }
  }
  e /= n;
  if (!(e > 0)) return; // all particles equal: nothing to rescale
  const scale = Math.sqrt(energy / e);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) v[(first + i) * PARTICLE_STRIDE + c] *= scale;
}
