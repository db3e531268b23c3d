/**
 * Checkpoint diagnostics of models.md §4 (float64): mean velocity, energy (1/N)Σ|V|²,
 * second-moment tensor (1/N)Σ V Vᵀ (about the origin), fourth moment (1/N)Σ|V|⁴, and the
 * number of non-finite components. The GPU computes the same sums in shaders/moments.wgsl.
 */
import { PARTICLE_STRIDE } from './init';

export interface ReplicaMoments {
  /** (1/N) Σ V^i, length d. */
  momentum: number[];
  /** (1/N) Σ |V^i|². */
  energy: number;
  /** (1/N) Σ V^i (V^i)ᵀ, d×d. */
  secondMoment: number[][];
  /** (1/N) Σ |V^i|⁴. */
  m4: number;
  /** Count of NaN/±Inf components. */
  nonFinite: number;
}

/** Raw per-replica sums, in the GPU's order: Σv (3), Σ|v|², Σ vvᵀ (xx,yy,zz,xy,yz,zx), Σ|v|⁴, nonFinite. */
export const MOMENT_SUM_COUNT = 12;

export function momentsFromSums(s: ArrayLike<number>, n: number, d: number): ReplicaMoments {
  const idx = [[4, 7, 9], [7, 5, 8], [9, 8, 6]]; // row-major (i,j) → slot of Σ v_i v_j
  return {
    momentum: Array.from({ length: d }, (_, c) => s[c] / n),
    energy: s[3] / n,
    secondMoment: Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => s[idx[i][j]] / n)),
    m4: s[10] / n,
    nonFinite: s[11],
  };
}

/** Per-replica sums in float64 (same slots as the GPU). */
export function momentSums(v: ArrayLike<number>, first: number, n: number): Float64Array {
  const s = new Float64Array(MOMENT_SUM_COUNT);
  for (let i = 0; i < n; i++) {
    const o = (first + i) * PARTICLE_STRIDE;
    const x = v[o], y = v[o + 1], z = v[o + 2];
    for (const c of [x, y, z]) if (!Number.isFinite(c)) s[11]++;
    const r2 = x * x + y * y + z * z;
    s[0] += x; s[1] += y; s[2] += z;
    s[3] += r2;
    s[4] += x * x; s[5] += y * y; s[6] += z * z;
    s[7] += x * y; s[8] += y * z; s[9] += z * x;
    s[10] += r2 * r2;
  }
  return s;
}

export function replicaMoments(v: ArrayLike<number>, n: number, replicas: number, d: number): ReplicaMoments[] {
  return Array.from({ length: replicas }, (_, r) => momentsFromSums(momentSums(v, r * n, n), n, d));
}

export interface EnsembleMoments extends Omit<ReplicaMoments, 'nonFinite'> {
  nonFinite: number;
  /**
   * Mean over replicas of each replica's energy about its own mean velocity,
   * (1/R)Σ_r (E_r − |V̄_r|²): d·T of the Maxwellian each replica relaxes to. It differs from
   * E − |mean_r V̄_r|² when the replicas' means differ (common noise, models.md §1.4).
   */
  thermalEnergy?: number;
  /** Standard errors across replicas (undefined when replicas = 1). */
  energyStdErr?: number;
  m4StdErr?: number;
}

/** Averages over replicas (and standard errors across them). */
export function ensembleMoments(per: ReplicaMoments[]): EnsembleMoments {
  const R = per.length;
  const d = per[0].momentum.length;
  const mean = (f: (m: ReplicaMoments) => number) => per.reduce((s, m) => s + f(m), 0) / R;
  const se = (f: (m: ReplicaMoments) => number) => {
    if (R < 2) return undefined;
    const mu = mean(f);
    return Math.sqrt(per.reduce((s, m) => s + (f(m) - mu) ** 2, 0) / (R - 1) / R);
  };
  return {
    momentum: Array.from({ length: d }, (_, c) => mean((m) => m.momentum[c])),
    energy: mean((m) => m.energy),
    thermalEnergy: mean((m) => m.energy - m.momentum.reduce((a, u) => a + u * u, 0)),
    secondMoment: Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => mean((m) => m.secondMoment[i][j]))),
    m4: mean((m) => m.m4),
    nonFinite: per.reduce((s, m) => s + m.nonFinite, 0),
    energyStdErr: se((m) => m.energy),
    m4StdErr: se((m) => m.m4),
  };
}
