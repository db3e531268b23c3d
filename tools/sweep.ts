/**
 * N-sweep: `npm run sweep -- '<share-link query>' --n 64,128,256,512 --t T --replicas R
 *   --quantity Q --out sweep.json [--engine webgpu|cpu] [--noises nanbu,fgm,kac] [--reference-n M]
 *   [--interactions all|batch] [--batch P]`
 * --interactions batch (with --batch P, default 2) runs every point with random batches of P
 * (models.md §1.5: O(N·P) per step, so N up to 2²² per replica); the query's own fields are the default.
 * For each N: R replicas run to elapsed time T (steps = round(T/dt)), reduced to Q with its
 * standard error; then the weighted log–log slope. Q: mean-velocity-spread | pair-correlation |
 * marginal-l1 | pair-entropy (src/engine/sweep.ts). With several --noises the output has one
 * series per noise. The sweep itself is the app's (src/engine/sweepExperiment.ts runSweep): in
 * headless Chromium on WebGPU, or in Node on the float64 engine with --engine cpu.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CpuBackend } from '../src/engine/cpuBackend';
import { SWEEP_QUANTITIES, type SweepQuantity } from '../src/engine/sweep';
import { runSweep, type SweepOutput, type SweepRequest } from '../src/engine/sweepExperiment';
import { MAX_BATCH_TOTAL, MAX_N, paramDef, parseQuery, type Noise } from '../src/physics/params';
import { headlessSession } from './browser';

function fail(msg: string): never {
  console.error(msg);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    n: { type: 'string', default: '64,128,256,512' },
    t: { type: 'string' },
    replicas: { type: 'string', default: '32' },
    quantity: { type: 'string', default: 'mean-velocity-spread' },
    out: { type: 'string' },
    engine: { type: 'string', default: 'webgpu' },
    noises: { type: 'string' },
    'reference-n': { type: 'string' },
    interactions: { type: 'string' },
    batch: { type: 'string' },
  },
});
if (positionals.length !== 1) fail("usage: npm run sweep -- '<query>' --n 64,128,256 --t T --replicas R --quantity Q --out sweep.json");
const parsed = parseQuery(positionals[0].replace(/^.*\?/, ''));
const problems = [...parsed.errors.map((e) => e.message), ...parsed.unknown.map((u) => `${u}: unknown parameter`)];
if (problems.length) fail(`invalid parameters:\n  ${problems.join('\n  ')}`);
// --interactions all|batch and --batch P override the query's (models.md §1.5); checked by the schema.
if (values.interactions !== undefined || values.batch !== undefined) {
  const extra = new URLSearchParams();
  if (values.interactions !== undefined) extra.set('interactions', values.interactions);
  if (values.batch !== undefined) extra.set('batch', values.batch);
  const over = parseQuery(extra, parsed.params);
  if (over.errors.length) fail(`invalid parameters:\n  ${over.errors.map((e) => e.message.replace(/^(interactions|batch):/, '--$1:')).join('\n  ')}`);
  parsed.params = over.params;
}
const nMax = parsed.params.interactions === 'batch' ? MAX_BATCH_TOTAL : MAX_N;
const ns = values.n.split(',').map((x) => (/^\s*\d+\s*$/.test(x) ? Number(x) : NaN));
if (ns.some((x) => !Number.isInteger(x) || x < 4 || x > nMax)) fail(`--n: expected a comma-separated list of integers in [4, ${nMax}]`);
const t = Number(values.t);
if (!(t > 0)) fail(`--t: got "${values.t}", expected a positive elapsed time`);
const R = Number(values.replicas);
if (!Number.isInteger(R) || R < 3 || R > 4096) fail('--replicas: expected an integer in [3, 4096]');
const quantity = values.quantity as SweepQuantity;
if (!SWEEP_QUANTITIES.includes(quantity)) fail(`--quantity: expected one of ${SWEEP_QUANTITIES.join(', ')}`);
if (!values.out) fail('--out is required');
if (values.engine !== 'webgpu' && values.engine !== 'cpu') fail('--engine: expected webgpu or cpu');
const noises = (values.noises ?? parsed.params.noise).split(',') as Noise[];
const noiseOptions = paramDef('noise').options as readonly string[];
if (noises.some((x) => !noiseOptions.includes(x))) fail(`--noises: expected a list of ${noiseOptions.join(', ')}`);
const referenceN = values['reference-n'] === undefined ? undefined : Number(values['reference-n']);
if (referenceN !== undefined && (!Number.isInteger(referenceN) || referenceN < 4 || referenceN > 65536)) fail('--reference-n: expected an integer in [4, 65536]');

/** A series' name: the noise system (Landau) or the model (its one system). */
const label = (noise: Noise) => (parsed.params.model === 'landau' ? noise : parsed.params.model);
const req: SweepRequest = { base: parsed.params, ns, t, replicas: R, quantity, noises, referenceN };
let out: SweepOutput;
try {
  if (values.engine === 'webgpu') {
    const session = await headlessSession();
    try {
      await session.page.exposeFunction('mflSweepLog', (line: string) => console.log(line));
      out = await session.page.evaluate((r) => (window as unknown as { mfl: { sweep(x: SweepRequest): Promise<SweepOutput> } }).mfl.sweep(r), req);
    } finally {
      await session.close();
    }
  } else {
    out = await runSweep({ kind: 'cpu', create: async (p) => new CpuBackend(p) }, req, {
      cpuMaxN: Infinity,
      onPoint: (noise, pt) => console.log(`${label(noise)} N=${pt.n}: ${quantity} = ${pt.value.toExponential(3)} ± ${pt.stdErr.toExponential(2)}`),
    });
  }
} catch (e) {
  // runSweep's validation names the field (N list, t, replicas, …), the rest is a failed run.
  fail(`sweep failed: ${e instanceof Error ? e.message : String(e)}`);
}
for (const s of out.series) {
  console.log(`${label(s.noise)}: slope ${s.slope.toFixed(3)} ± ${s.slopeStdErr.toFixed(3)}${s.theory ? ` (exact law: ${s.theory.slope.toFixed(3)})` : ''}${s.fitError ? ` (${s.fitError})` : ''}`);
  if (s.reference) console.log(`  reference: ${s.reference}`);
}
if (out.estimator) console.log(`estimator: ${out.estimator}`);
writeFileSync(values.out, JSON.stringify(out, null, 1));
console.log(`wrote ${values.out}`);
