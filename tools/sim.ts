/**
 * Headless runner: `npm run sim -- '<share-link query>' --steps S --every K --out run.json
 *   [--particles] [--engine webgpu|cpu]`
 * WebGPU runs the app's engine and WGSL in headless Chromium; cpu runs the float64 reference in
 * Node. Exits non-zero with a message on invalid parameters or a non-finite state.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CpuBackend } from '../src/engine/cpuBackend';
import { runCheckpoints, type RunResult } from '../src/engine/runner';
import { parseQuery } from '../src/physics/params';
import { headlessSession } from './browser';
import type { HeadlessApi } from '../src/headless/api';

const USAGE = "usage: npm run sim -- '<query>' --steps S --every K --out run.json [--particles] [--engine webgpu|cpu]";

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
    },
  });
  if (positionals.length !== 1) fail(`expected one share-link query string\n${USAGE}`);
  const query = positionals[0].includes('?') ? positionals[0].slice(positionals[0].indexOf('?') + 1) : positionals[0];
  const { params, errors, unknown } = parseQuery(query);
  const problems = [...errors.map((e) => e.message), ...unknown.map((u) => `${u}: unknown parameter`)];
  if (problems.length) fail(`invalid parameters:\n  ${problems.join('\n  ')}`);
  const steps = positiveInt('steps', values.steps, 0);
  const every = positiveInt('every', values.every ?? String(Math.max(1, steps)), 1);
  if (!values.out) fail(`--out is required\n${USAGE}`);
  const engine = values.engine;
  if (engine !== 'webgpu' && engine !== 'cpu') fail(`--engine: got "${engine}", expected webgpu or cpu`);

  let result: RunResult;
  const started = Date.now();
  if (engine === 'cpu') {
    result = await runCheckpoints(new CpuBackend(params), steps, every, values.particles, (s) => process.stderr.write(`\rstep ${s}/${steps}`));
    process.stderr.write('\n');
  } else {
    const session = await headlessSession();
    try {
      result = await session.page.evaluate(
        ([q, s, e, p]) => (window as unknown as { mfl: HeadlessApi }).mfl.run(q, s, e, p),
        [query, steps, every, values.particles] as const,
      );
    } finally {
      await session.close();
    }
  }
  writeFileSync(values.out, JSON.stringify(result));
  const last = result.checkpoints[result.checkpoints.length - 1];
  console.log(`${result.engine} on ${result.adapter}: ${last.step} steps (t = ${last.t.toFixed(4)}) in ${((Date.now() - started) / 1000).toFixed(1)} s; energy ${last.energy.toPrecision(6)}; wrote ${values.out}`);
  if (result.error) fail(result.error);
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
