/**
 * The headless run: steps a backend and records checkpoints every K steps (the JSON of
 * `npm run sim`). Shared by the browser page (WebGPU) and Node (CPU reference).
 */
import { DEFAULT_KNN_RANK } from '../physics/estimators/entropy';
import { initialTime } from '../physics/init';
import { ensembleMoments, type ReplicaMoments } from '../physics/moments';
import type { Params } from '../physics/params';
import type { Backend } from './backend';
import { estimateEntropies, type EntropyOptions } from './diagnostics';

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
  /** Per-replica values (length R); entropy fields only with the `entropy` run option. */
  perReplica: (Omit<ReplicaMoments, 'nonFinite'> & Partial<ReplicaEntropyFields>)[];
  /** [replica][particle][coordinate], with --particles. */
  particles?: number[][][];
}

/** Per-replica entropy diagnostics recorded in a checkpoint. */
export interface ReplicaEntropyFields {
  entropy: number;
  relativeEntropy: number;
  fisher: number;
  /** KDE bandwidth used for `fisher` (velocity units). */
  fisherBandwidth: number;
}

export interface RunOptions {
  /** Record the accurate entropy diagnostics at every checkpoint (k = 3 and 1.75× Silverman by default). */
  entropy?: boolean | EntropyOptions;
}

export interface RunResult {
  params: Params;
  engine: Backend['kind'];
  adapter: string;
  checkpoints: Checkpoint[];
  /** The entropy estimator settings, when the run recorded them. */
  entropyOptions?: { k: number; bandwidth: number | 'fisherBandwidth' };
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
      if (e.entropyStdErr !== undefined) {
        cp.entropyStdErr = e.entropyStdErr;
        cp.relativeEntropyStdErr = e.relativeEntropyStdErr;
        cp.fisherStdErr = e.fisherStdErr;
      }
      e.perReplica.forEach((m, r) => Object.assign(cp.perReplica[r], {
        entropy: m.entropy, relativeEntropy: m.relativeEntropy, fisher: m.fisher, fisherBandwidth: m.bandwidth,
      }));
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
  if (entropyOptions) result.entropyOptions = { k: entropyOptions.k ?? DEFAULT_KNN_RANK, bandwidth: entropyOptions.bandwidth ?? 'fisherBandwidth' };
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
