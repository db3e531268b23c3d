/**
 * The headless run: steps a backend and records checkpoints every K steps (the JSON of
 * `npm run sim`). Shared by the browser page (WebGPU) and Node (CPU reference).
 */
import { initialTime } from '../physics/init';
import { ensembleMoments, type ReplicaMoments } from '../physics/moments';
import type { Params } from '../physics/params';
import type { Backend } from './backend';

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
  /** Per-replica values (length R). */
  perReplica: Omit<ReplicaMoments, 'nonFinite'>[];
  /** [replica][particle][coordinate], with --particles. */
  particles?: number[][][];
}

export interface RunResult {
  params: Params;
  engine: Backend['kind'];
  adapter: string;
  checkpoints: Checkpoint[];
  /** Set when the state became non-finite; the run stopped at that checkpoint. */
  error?: string;
}

export function particlesNested(v: ArrayLike<number>, p: Pick<Params, 'n' | 'replicas' | 'd'>): number[][][] {
  return Array.from({ length: p.replicas }, (_, r) =>
    Array.from({ length: p.n }, (_, i) => Array.from({ length: p.d }, (_, c) => v[(r * p.n + i) * 4 + c])));
}

export async function runCheckpoints(backend: Backend, steps: number, every: number, withParticles: boolean, onProgress?: (step: number) => void): Promise<RunResult> {
  const p = backend.params;
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
    if (withParticles) cp.particles = particlesNested(await backend.readParticles(), p);
    checkpoints.push(cp);
    return cp;
  };
  const result: RunResult = { params: { ...p }, engine: backend.kind, adapter: backend.adapter, checkpoints };
  let cp = await record();
  while (backend.stepCount < steps && cp.nonFinite === 0) {
    backend.step(Math.min(every, steps - backend.stepCount));
    cp = await record();
    onProgress?.(backend.stepCount);
  }
  if (cp.nonFinite > 0) {
    result.error = `non-finite state: ${cp.nonFinite} NaN/Inf velocity components at step ${cp.step} (t = ${cp.t}); try a smaller dt or a larger eps`;
  }
  return result;
}
