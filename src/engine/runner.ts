/**
 * The headless run: steps a backend and records checkpoints every K steps (the JSON of
 * `npm run sim`). Shared by the browser page (WebGPU) and Node (CPU reference).
 */
import { CORRECTED_KNN_RANK } from '../physics/estimators/entropy';
import { initialEnergy, initialTime } from '../physics/init';
import { DEFAULT_LIMIT_CELLS, LimitStepper, limitApplicability } from '../physics/limit/reference';
import { ensembleMoments, type ReplicaMoments } from '../physics/moments';
import type { Params } from '../physics/params';
import type { Backend } from './backend';
import { estimateEntropies, pooledPerReplica, type EntropyOptions } from './diagnostics';

export interface Checkpoint {
  step: number;
  /** Simulation time (BKW runs start at the solution's t0, models.md §1.2). */
  t: number;
  /** Averages over replicas. */
  energy: number;
  momentum: number[];
  secondMoment: number[][];
  m4: number;
  nonFinite: number;
  energyStdErr?: number;
  m4StdErr?: number;
  /**
   * Accurate entropy diagnostics (engine/diagnostics.ts), with the `entropy` run option:
   * H(f) = ∫ f log f (Kozachenko–Leonenko, nats), H(f|M) (nats), I(f) (score-matching KDE,
   * 1/velocity²), averaged over replicas; …StdErr across replicas when R > 1.
   */
  entropy?: number;
  relativeEntropy?: number;
  fisher?: number;
  entropyStdErr?: number;
  relativeEntropyStdErr?: number;
  fisherStdErr?: number;
  /**
   * The Maxwellian-calibrated H(f) and H(f|M) (issue 12; engine/diagnostics.ts): the KL estimates
   * minus their exact bias on Maxwellian samples at this N, d, k. Use these against exact values.
   */
  entropyCorrected?: number;
  relativeEntropyCorrected?: number;
  entropyCorrectedStdErr?: number;
  relativeEntropyCorrectedStdErr?: number;
  /** With the `limit` run option (isotropic runs): the deterministic limit at this t (models.md §1.6). */
  limit?: CheckpointLimit;
  /** Per-replica values (length R); entropy fields only with the `entropy` run option. */
  perReplica: (Omit<ReplicaMoments, 'nonFinite'> & Partial<ReplicaEntropyFields>)[];
  /** [replica][particle][coordinate], with --particles. */
  particles?: number[][][];
}

/** The limit equation at a checkpoint's t (physics/limit/reference.ts; H(f|M) against the discrete Maxwellian). */
export interface CheckpointLimit {
  /** Time of the limit state (shell data: not before the solver's start τ). */
  t: number;
  H: number;
  relativeEntropy: number;
  I: number;
  m4: number;
  energy: number;
  /** Mass of each v_x bin of RunResult.limit.binEdges. */
  vx: number[];
}

/** Per-replica entropy diagnostics recorded in a checkpoint. */
export interface ReplicaEntropyFields {
  entropy: number;
  relativeEntropy: number;
  entropyCorrected: number;
  relativeEntropyCorrected: number;
  fisher: number;
  /** KDE bandwidth used for `fisher` (velocity units). */
  fisherBandwidth: number;
}

export interface RunOptions {
  /** Record the accurate entropy diagnostics at every checkpoint (k = 3 and 1.75× Silverman by default). */
  entropy?: boolean | EntropyOptions;
  /** Record the deterministic limit (models.md §1.6) at every checkpoint; `cells`: its radial cells. */
  limit?: boolean | { cells?: number };
}

/** RunResult.limit: what the limit reference is, or why there is none. */
export type RunLimit =
  | { name: string; note: string; cells: number; binEdges: number[] }
  | { name: null; reason: string };

export interface RunResult {
  params: Params;
  engine: Backend['kind'];
  adapter: string;
  checkpoints: Checkpoint[];
  /** With the `limit` option: the limit reference (or why it does not apply). */
  limit?: RunLimit;
  /** The entropy estimator settings, when the run recorded them. */
  /**
   * The entropy estimator's settings: neighbour rank k, KDE bandwidth, and the pooled k-NN sample
   * (m = pooledPerReplica particles of each replica, M = m·R in all; engine/diagnostics.ts).
   */
  entropyOptions?: { k: number; bandwidth: number | 'fisherBandwidth'; pooledPerReplica: number; pooledSize: number };
  /** Set when the state became non-finite; the run stopped at that checkpoint. */
  error?: string;
  /** first-order Biot–Savart runs with --particles: the circulations m [replica][particle] (constant in time). */
  circulations?: number[][];
}

export function particlesNested(v: ArrayLike<number>, p: Pick<Params, 'n' | 'replicas' | 'd'>): number[][][] {
  return Array.from({ length: p.replicas }, (_, r) =>
    Array.from({ length: p.n }, (_, i) => Array.from({ length: p.d }, (_, c) => v[(r * p.n + i) * 4 + c])));
}

/** The fourth vec4 component of every particle, [replica][particle] (first-order circulations). */
export function circulationsNested(v: ArrayLike<number>, p: Pick<Params, 'n' | 'replicas'>): number[][] {
  return Array.from({ length: p.replicas }, (_, r) => Array.from({ length: p.n }, (_, i) => v[(r * p.n + i) * 4 + 3]));
}

export async function runCheckpoints(
  backend: Backend,
  steps: number,
  every: number,
  withParticles: boolean,
  onProgress?: (step: number) => void,
  options: RunOptions = {},
): Promise<RunResult> {
  const p = backend.params;
  const entropyOptions: EntropyOptions | null = options.entropy ? (options.entropy === true ? {} : options.entropy) : null;
  const t0 = initialTime(p);
  const checkpoints: Checkpoint[] = [];
  const record = async (): Promise<Checkpoint> => {
    const per = await backend.readMoments();
    const ens = ensembleMoments(per);
    const cp: Checkpoint = {
      step: backend.stepCount,
      t: t0 + backend.stepCount * p.dt,
      ...ens,
      perReplica: per.map(({ nonFinite: _nf, ...m }) => m),
    };
    if (entropyOptions && cp.nonFinite === 0) {
      const e = await estimateEntropies(backend, entropyOptions);
      cp.entropy = e.entropy;
      cp.relativeEntropy = e.relativeEntropy;
      cp.fisher = e.fisher;
      cp.entropyCorrected = e.entropyCorrected;
      cp.relativeEntropyCorrected = e.relativeEntropyCorrected;
      if (e.fisherStdErr !== undefined) cp.fisherStdErr = e.fisherStdErr;
      // Absent for R = 1, and when a replica's share m of the pooled sample is ≤ k (R > 1024 at
      // k = 16: no replica can be searched alone; the per-replica entropies are then null).
      if (e.entropyStdErr !== undefined) {
        cp.entropyStdErr = e.entropyStdErr;
        cp.relativeEntropyStdErr = e.relativeEntropyStdErr;
        cp.entropyCorrectedStdErr = e.entropyCorrectedStdErr;
        cp.relativeEntropyCorrectedStdErr = e.relativeEntropyCorrectedStdErr;
      }
      e.perReplica.forEach((m, r) => Object.assign(cp.perReplica[r], {
        entropy: m.entropy, relativeEntropy: m.relativeEntropy, fisher: m.fisher, fisherBandwidth: m.bandwidth,
        entropyCorrected: m.entropyCorrected, relativeEntropyCorrected: m.relativeEntropyCorrected,
      }));
    }
    if (limit && limitEdges) {
      const s = limit.at(cp.t);
      cp.limit = { t: s.t, H: s.entropy, relativeEntropy: s.relativeEntropy, I: s.fisher, m4: s.m4, energy: s.energy, vx: s.componentBinMasses(limitEdges) };
    }
    if (withParticles) {
      const raw = await backend.readParticles();
      cp.particles = particlesNested(raw, p);
      if (checkpoints.length === 0 && p.model === 'first-order' && p.kernel === 'biot-savart') result.circulations = circulationsNested(raw, p);
    }
    checkpoints.push(cp);
    return cp;
  };
  const result: RunResult = { params: { ...p }, engine: backend.kind, adapter: backend.adapter, checkpoints };
  let limit: LimitStepper | null = null;
  let limitEdges: number[] | null = null;
  if (options.limit) {
    const cells = options.limit === true ? DEFAULT_LIMIT_CELLS : options.limit.cells ?? DEFAULT_LIMIT_CELLS;
    const a = limitApplicability(p, cells);
    if (a.applies) {
      limit = new LimitStepper(a.setup);
      // The sweep's marginal-l1 bins: 60 on ±5 r.m.s. of one component (engine/sweep.ts).
      const L = 5 * Math.sqrt(initialEnergy(p) / p.d);
      limitEdges = Array.from({ length: 61 }, (_, k) => -L + (2 * L * k) / 60);
      result.limit = { name: limit.name, note: limit.solver.initial.note, cells, binEdges: limitEdges };
    } else {
      result.limit = { name: null, reason: a.reason };
    }
  }
  if (entropyOptions) {
    const m = pooledPerReplica(p.n, p.replicas);
    result.entropyOptions = { k: entropyOptions.k ?? CORRECTED_KNN_RANK, bandwidth: entropyOptions.bandwidth ?? 'fisherBandwidth', pooledPerReplica: m, pooledSize: m * p.replicas };
  }
  let cp = await record();
  while (backend.stepCount < steps && cp.nonFinite === 0) {
    backend.step(Math.min(every, steps - backend.stepCount));
    cp = await record();
    onProgress?.(backend.stepCount);
  }
  if (cp.nonFinite > 0) {
    result.error = `non-finite state: ${cp.nonFinite} NaN/Inf particle components at step ${cp.step} (t = ${cp.t}); try a smaller dt or a larger eps`;
  }
  return result;
}
