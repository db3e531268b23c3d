/**
 * Headless runner: `npm run sim -- '<share-link query>' --steps S --every K --out run.json
 *   [--particles] [--engine webgpu|cpu] [--entropy [--knn K] [--bandwidth H]]`
 * --entropy (alias --diagnostics) adds the accurate entropy diagnostics to every checkpoint
 * (entropy, relativeEntropy, fisher, their calibrated …Corrected twins, …StdErr when
 * replicas > 1, and per-replica values; engine/diagnostics.ts): the k-NN search runs on the
 * replicas pooled (up to 16384 particles), --knn K its rank (default 16). Off by default: each
 * checkpoint then costs a KDE sweep of N² pairs per replica and a pooled k-NN search of (N·R)²
 * pairs (`mfl.entropyCost` measures it).
 * WebGPU runs the app's engine and WGSL in headless Chromium; cpu runs the float64 reference in
 * Node. Exits non-zero with a message on invalid parameters or a non-finite state.
 * --limit adds `limit` to every checkpoint (isotropic runs: init gaussian, shell, bkw): the
 * deterministic limit equation's H, H(f|M), I, m4, energy and v_x bin masses at that t
 * (physics/limit, models.md §1.6), with `limit: { name, note, cells, binEdges }` at the top
 * (or `{ name: null, reason }` for anisotropic data). --limit-cells M sets its radial cells.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CpuBackend } from '../src/engine/cpuBackend';
import { MAX_KNN_RANK, pooledPerReplica } from '../src/engine/diagnostics';
import { CORRECTED_KNN_RANK } from '../src/physics/estimators/entropy';
import { runCheckpoints, type RunOptions, type RunResult } from '../src/engine/runner';
import { parseQuery } from '../src/physics/params';
import { DEFAULT_LIMIT_CELLS } from '../src/physics/limit/reference';
import { headlessSession } from './browser';
import type { HeadlessApi } from '../src/headless/api';

const USAGE = "usage: npm run sim -- '<query>' --steps S --every K --out run.json [--particles] [--engine webgpu|cpu] [--entropy [--knn K] [--bandwidth H]] [--limit [--limit-cells M]]";

function fail(msg: string): never {
  console.error(msg);
  process.exit(2);
}

function positiveInt(name: string, raw: string | undefined, min: number): number {
  if (raw === undefined) fail(`--${name} is required\n${USAGE}`);
  if (!/^\d+$/.test(raw) || Number(raw) < min) fail(`--${name}: got "${raw}", expected an integer ≥ ${min}`);
  return Number(raw);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      steps: { type: 'string' },
      every: { type: 'string' },
      out: { type: 'string' },
      particles: { type: 'boolean', default: false },
      engine: { type: 'string', default: 'webgpu' },
      entropy: { type: 'boolean', default: false },
      diagnostics: { type: 'boolean', default: false },
      knn: { type: 'string' },
      bandwidth: { type: 'string' },
      limit: { type: 'boolean', default: false },
      'limit-cells': { type: 'string' },
    },
  });
  if (positionals.length !== 1) fail(`expected one share-link query string\n${USAGE}`);
  const query = positionals[0].includes('?') ? positionals[0].slice(positionals[0].indexOf('?') + 1) : positionals[0];
  const { params, errors, unknown, warnings } = parseQuery(query);
  const problems = [...errors.map((e) => e.message), ...unknown.map((u) => `${u}: unknown parameter`)];
  if (problems.length) fail(`invalid parameters:\n  ${problems.join('\n  ')}`);
  for (const w of warnings) console.error(`warning: ${w.message}`);
  const steps = positiveInt('steps', values.steps, 0);
  const every = positiveInt('every', values.every ?? String(Math.max(1, steps)), 1);
  if (!values.out) fail(`--out is required\n${USAGE}`);
  const engine = values.engine;
  if (engine !== 'webgpu' && engine !== 'cpu') fail(`--engine: got "${engine}", expected webgpu or cpu`);

  const withEntropy = values.entropy || values.diagnostics;
  if (!withEntropy && (values.knn !== undefined || values.bandwidth !== undefined)) fail(`--knn and --bandwidth need --entropy\n${USAGE}`);
  const options: RunOptions = {};
  if (withEntropy) {
    const pooled = pooledPerReplica(params.n, params.replicas) * params.replicas;
    const kMax = Math.min(MAX_KNN_RANK, pooled - 1);
    const rawK = values.knn ?? String(CORRECTED_KNN_RANK);
    const k = Number(rawK);
    if (!/^\d+$/.test(rawK) || k < 1 || k > kMax) fail(`--knn: got "${rawK}", expected an integer in [1, ${kMax}] (min(${MAX_KNN_RANK}, M − 1), M = ${pooled} the pooled k-NN sample: replicas × particles of each)`);
    let bandwidth: number | undefined;
    if (values.bandwidth !== undefined) {
      bandwidth = Number(values.bandwidth);
      if (!(bandwidth > 0) || !Number.isFinite(bandwidth)) fail(`--bandwidth: got "${values.bandwidth}", expected a number > 0 (velocity units)`);
    }
    options.entropy = bandwidth === undefined ? { k } : { k, bandwidth };
  }
  if (values['limit-cells'] !== undefined && !values.limit) fail(`--limit-cells needs --limit\n${USAGE}`);
  if (values.limit) {
    const cells = positiveInt('limit-cells', values['limit-cells'] ?? String(DEFAULT_LIMIT_CELLS), 8);
    options.limit = { cells };
  }

  let result: RunResult;
  const started = Date.now();
  if (engine === 'cpu') {
    result = await runCheckpoints(new CpuBackend(params), steps, every, values.particles, (s) => process.stderr.write(`\rstep ${s}/${steps}`), options);
    process.stderr.write('\n');
  } else {
    const session = await headlessSession();
    try {
      result = await session.page.evaluate(
        ([q, s, e, p, o]) => (window as unknown as { mfl: HeadlessApi }).mfl.run(q, s, e, p, o),
        [query, steps, every, values.particles, options] as const,
      );
    } finally {
      await session.close();
    }
  }
  writeFileSync(values.out, JSON.stringify(result));
  const last = result.checkpoints[result.checkpoints.length - 1];
  if (withEntropy && params.replicas > 1 && last.entropy !== undefined && last.entropyStdErr === undefined) {
    console.error(`warning: no standard errors for the entropies: each replica has ${result.entropyOptions?.pooledPerReplica} particles in the pooled k-NN sample, fewer than k + 1 = ${(result.entropyOptions?.k ?? 0) + 1}, so none can be searched alone (lower --knn)`);
  }
  const entropyNote = last.entropy !== undefined
    ? `; H ${last.entropy.toFixed(4)} (calibrated ${last.entropyCorrected?.toFixed(4)}), H(f|M) ${last.relativeEntropy?.toFixed(4)} (calibrated ${last.relativeEntropyCorrected?.toFixed(4)}), I ${last.fisher?.toFixed(4)}`
    : '';
  const limitNote = last.limit ? `; limit (${result.limit && result.limit.name}): H ${last.limit.H.toFixed(4)}, H(f|M) ${last.limit.relativeEntropy.toFixed(4)}, I ${last.limit.I.toFixed(4)}, m4 ${last.limit.m4.toFixed(4)}`
    : result.limit && result.limit.name === null ? `; no limit reference: ${result.limit.reason}` : '';
  console.log(`${result.engine} on ${result.adapter}: ${last.step} steps (t = ${last.t.toFixed(4)}) in ${((Date.now() - started) / 1000).toFixed(1)} s; energy ${last.energy.toPrecision(6)}, m4 ${last.m4.toPrecision(6)}${entropyNote}${limitNote}; wrote ${values.out}`);
  if (result.error) fail(result.error);
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
