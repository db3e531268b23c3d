/**
 * The headless page's API (headless.html): the same engine and WGSL as the app, driven from
 * Node through Playwright by `npm run sim`, `npm run bench` and the GPU tests. Inputs and
 * outputs are plain JSON. Nothing here is used by the app's UI.
 */
import { acquireGpu, describeAdapter, type GpuContext } from '../gpu/device';
import { gpuRngStream } from '../gpu/passes/rngStream';
import { WebGpuBackend } from '../engine/webgpuBackend';
import { runCheckpoints, type RunResult } from '../engine/runner';
import { parseQuery, type Params } from '../physics/params';
import type { RngKind } from '../physics/rng';
import { benchLandau, type BenchRequest, type BenchRow } from './bench';
import { pooledMass, sweepPoint, type MarginalReference, type SweepPoint, type SweepQuantity } from '../engine/sweep';

let gpuPromise: Promise<GpuContext | { error: string }> | null = null;
const validationErrors: string[] = [];

async function gpu(): Promise<GpuContext> {
  gpuPromise ??= acquireGpu({ onError: (m) => validationErrors.push(m) });
  const g = await gpuPromise;
  if ('error' in g) throw new Error(g.error);
  return g;
}

function paramsOf(query: string): Params {
  const { params, errors, unknown } = parseQuery(query);
  const msgs = [...errors.map((e) => e.message), ...unknown.map((u) => `${u}: unknown parameter`)];
  if (msgs.length) throw new Error(msgs.join('\n'));
  return params;
}

async function withBackend<T>(query: string, particles: number[] | undefined, f: (b: WebGpuBackend) => Promise<T>): Promise<T> {
  const g = await gpu();
  const p = paramsOf(query);
  const b = await WebGpuBackend.create(g, p, particles ? Float64Array.from(particles) : undefined);
  try {
    return await f(b);
  } finally {
    b.destroy();
  }
}

export const headlessApi = {
  async adapter(): Promise<string> {
    return describeAdapter((await gpu()).adapter);
  },

  /** Validation errors the device reported since the last call (tests fail on any). */
  takeValidationErrors(): string[] {
    return validationErrors.splice(0);
  },

  async run(query: string, steps: number, every: number, particles: boolean): Promise<RunResult> {
    return withBackend(query, undefined, (b) => runCheckpoints(b, steps, every, particles));
  },

  /** The pair pass alone on given velocities (vec4 flat), with the noise of step `step`. */
  async pairTerms(query: string, particles: number[], step: number): Promise<number[]> {
    return withBackend(query, particles, async (b) => {
      const terms = b.device.createBuffer({ label: 'headless.terms', size: b.stepPass.termsBytes(), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      try {
        return Array.from(await b.readPairTerms(terms, step));
      } finally {
        terms.destroy();
      }
    });
  },

  /** Full steps on given velocities, starting at step counter `startStep` (GPU). */
  async steps(query: string, particles: number[], startStep: number, count: number): Promise<number[]> {
    return withBackend(query, particles, async (b) => {
      b.skipTo(startStep);
      b.step(count);
      return Array.from(await b.readParticles());
    });
  },

  /** One point of an N-sweep (tools/sweep.ts): a fresh run of `steps` steps, reduced to the quantity. */
  async sweepPoint(query: string, steps: number, quantity: SweepQuantity, reference?: MarginalReference): Promise<SweepPoint> {
    return withBackend(query, undefined, (b) => sweepPoint(b, quantity, steps, reference));
  },

  /** Pooled v_x bin masses after `steps` steps: the large-N reference of a marginal-l1 sweep. */
  async pooledMass(query: string, steps: number, binEdges: number[]): Promise<number[]> {
    return withBackend(query, undefined, async (b) => {
      b.step(steps);
      return pooledMass(await b.readParticles(), b.params.n * b.params.replicas, binEdges);
    });
  },

  async rngStream(kind: RngKind, inputs: number[]): Promise<{ words: number[]; normals: number[] }> {
    const r = await gpuRngStream((await gpu()).device, kind, Uint32Array.from(inputs));
    return { words: Array.from(r.words), normals: Array.from(r.normals) };
  },

  async bench(req: BenchRequest): Promise<BenchRow[]> {
    return benchLandau(await gpu(), req);
  },
};

export type HeadlessApi = typeof headlessApi;
