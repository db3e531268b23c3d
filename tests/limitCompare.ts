/**
 * Particles against the deterministic limit (models.md §1.6): shared by the float64 CPU test
 * (tests/unit/limitVsParticles.test.ts) and the WebGPU one (tests/gpu/limitVsParticles.test.ts).
 */
import { parseQuery } from '../src/physics/params';
import { LimitStepper, limitApplicability } from '../src/physics/limit/reference';
import { mean, stdErr } from './stats';

/** The limit solver for an isotropic Landau link with γ replaced (a wrong γ must be rejected). */
export function limitFor(query: string, gamma: number): LimitStepper {
  const a = limitApplicability({ ...parseQuery(query).params, gamma });
  if (!a.applies) throw new Error(`the limit should apply to ${query}: ${a.reason}`);
  return new LimitStepper(a.setup);
}

/**
 * The worst |particle − limit| over speed bins [edges[b], edges[b+1]), in standard errors: per
 * replica the fraction of its particles in each bin, then mean ± SE across replicas (replicas are
 * independent; particles within one are not), against the limit's bin masses q. `speeds[r]` holds
 * replica r's |v|. The SE is floored at the binomial √(q(1−q)/(NR)) of NR independent draws from
 * the limit: an SE estimated from R = 8 replicas (7 degrees of freedom) is 2.6× too small once in
 * 200 bins, and a 10-bin histogram would then fail 4 SE by chance a few times in a hundred.
 */
export function speedHistogramWorstSe(speeds: number[][], limitMasses: number[], edges: number[]): number {
  const per = speeds.map((s) => {
    const counts = new Array<number>(edges.length - 1).fill(0);
    for (const x of s) {
      const b = edges.findIndex((e, k) => k < edges.length - 1 && x >= e && x < edges[k + 1]);
      if (b >= 0) counts[b] += 1 / s.length;
    }
    return counts;
  });
  const draws = speeds.reduce((a, s) => a + s.length, 0);
  let worst = 0;
  limitMasses.forEach((q, b) => {
    const col = per.map((c) => c[b]);
    const floor = Math.sqrt(Math.max(q * (1 - q), 1e-6) / draws);
    worst = Math.max(worst, Math.abs(mean(col) - q) / Math.max(stdErr(col), floor));
  });
  return worst;
}
