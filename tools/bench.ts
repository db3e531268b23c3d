/**
 * `npm run bench [-- --n 1024,4096,16384 --seconds 2 --query 'd=3&gamma=-3&eps=0.1' --pb 1|2|4]`
 * `npm run bench -- --batch [--n …] [--p 2,8] [--noise kac] [--bias]`: random batches (tools/benchBatch.ts).
 * `npm run bench -- --pacing [--n 65536] [--replicas 1,16] [--seconds 5] [--pauses 8]`: the app's
 *   pacing (issue 10): GPU time per submission, workgroups per submission, pause latency.
 * `[--noise nanbu,fgm,kac,rotation,rotation-shared --increments gaussian,two-point]` (two-point
 * rows, issue 13, are measured for the pair-noise systems only; nanbu keeps Gaussian normals)
 * Pair-pass throughput and full-step rates of each noise system on the available WebGPU adapter
 * (headless Chromium), beside the float64 CPU reference's pair rate measured in the same run.
 */
import { parseArgs } from 'node:util';
import { CpuBackend } from '../src/engine/cpuBackend';
import { paramDef, parseQuery, type Increments, type Noise } from '../src/physics/params';
import type { BenchRow } from '../src/headless/bench';
import type { HeadlessApi } from '../src/headless/api';
import { headlessSession } from './browser';
import { benchBatchCli } from './benchBatch';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1024,4096,16384' },
    noise: { type: 'string', default: 'nanbu,fgm,kac' },
    increments: { type: 'string', default: 'gaussian' },
    seconds: { type: 'string', default: '2' },
    query: { type: 'string', default: 'd=3&gamma=-3&eps=0.1&dt=0.001' },
    json: { type: 'string' },
    pb: { type: 'string' },
    batch: { type: 'boolean', default: false },
    p: { type: 'string', default: '2,8' },
    bias: { type: 'boolean', default: false },
    pacing: { type: 'boolean', default: false },
    replicas: { type: 'string', default: '1,16' },
    pauses: { type: 'string', default: '8' },
  },
});
const pairBlock = values.pb === undefined ? undefined : Number(values.pb);
if (pairBlock !== undefined && ![1, 2, 4].includes(pairBlock)) {
  console.error('--pb: expected 1, 2 or 4 (particles per invocation; default: by adapter)');
  process.exit(2);
}
const ns = values.n.split(',').map(Number);
const noises = values.noise.split(',') as Noise[];
const incrementsList = values.increments.split(',') as Increments[];
for (const [key, list] of [['noise', noises], ['increments', incrementsList]] as const) {
  const options = paramDef(key).options as readonly string[];
  if (list.some((x) => !options.includes(x))) {
    console.error(`--${key}: expected a comma-separated list of ${options.join(', ')}`);
    process.exit(2);
  }
}
/** A row's name: the noise system, with "/2pt" for two-point increments. */
const rowName = (noise: string, increments: Increments) => (increments === 'two-point' ? `${noise}/2pt` : noise);
const seconds = Number(values.seconds);
const { params, errors } = parseQuery(values.query);
if (errors.length) {
  console.error(errors.map((e) => e.message).join('\n'));
  process.exit(2);
}

function fmt(x: number): string {
  return x.toExponential(2);
}

async function cpuPairsPerSec(noise: Noise, increments: Increments): Promise<number> {
  const n = 512;
  const b = new CpuBackend({ ...params, n, noise, increments, replicas: 1 });
  b.step(1);
  const t0 = performance.now();
  let steps = 0;
  while (performance.now() - t0 < 1000 * Math.min(seconds, 2)) {
    b.step(1);
    steps++;
  }
  return (steps * n * n) / ((performance.now() - t0) / 1000);
}

const session = await headlessSession();
if (values.pacing) {
  try {
    const page = session.page;
    const adapter = await page.evaluate(() => (window as unknown as { mfl: HeadlessApi }).mfl.adapter());
    console.log(`Mean-Field Lab pacing benchmark — ${new Date().toISOString()}`);
    console.log(`adapter: ${adapter}`);
    console.log(`base parameters: ${values.query}; target ≈ 50 ms of GPU time per submission, ≤ 100 ms (one workgroup permitting)\n`);
    const pacingNs = process.argv.includes('--n') ? ns : [65536];
    console.log('     N      R  groups/step  timing      subm  groups/subm (med/max)  GPU ms/subm (med/max)  wall ms max  pause ms (med/max)  s/step');
    const rows = [];
    for (const n of pacingNs) {
      for (const replicas of values.replicas.split(',').map(Number)) {
        const r = await page.evaluate((req) => (window as unknown as { mfl: HeadlessApi }).mfl.benchPacing(req), { query: values.query, n, replicas, seconds, pauses: Number(values.pauses) });
        rows.push(r);
        console.log(`${String(n).padStart(6)} ${String(replicas).padStart(6)} ${String(r.groupsPerStep).padStart(12)}  ${r.timing.padEnd(10)} ${String(r.submissions).padStart(5)}  ${`${r.medianGroups}/${r.largestGroups}`.padStart(21)}  ${`${r.medianSubmitMs.toFixed(0)}/${r.worstSubmitMs.toFixed(0)}`.padStart(21)}  ${r.worstSubmitWallMs.toFixed(0).padStart(11)}  ${`${r.medianPauseMs.toFixed(0)}/${r.worstPauseMs.toFixed(0)}`.padStart(18)}  ${r.stepMs === null ? '—' : (r.stepMs / 1000).toPrecision(3)}`);
      }
    }
    if (values.json) (await import('node:fs')).writeFileSync(values.json, JSON.stringify({ query: values.query, rows }, null, 1));
  } finally {
    await session.close();
  }
  process.exit(0);
}
if (values.batch) {
  // Random batches (models.md §1.5): tools/benchBatch.ts.
  try {
    const batchNs = process.argv.includes('--n') ? ns : [1 << 16, 1 << 20, 1 << 22];
    const batchNoises = process.argv.includes('--noise') ? noises : ['kac' as Noise];
    const rows = await benchBatchCli(session.page, { query: values.query, ns: batchNs, ps: values.p.split(',').map(Number), noises: batchNoises, seconds, bias: values.bias });
    if (values.json) (await import('node:fs')).writeFileSync(values.json, JSON.stringify({ query: values.query, rows }, null, 1));
  } finally {
    await session.close();
  }
  process.exit(0);
}
try {
  const page = session.page;
  const adapter = await page.evaluate(() => (window as unknown as { mfl: HeadlessApi }).mfl.adapter());
  console.log(`Mean-Field Lab benchmark — ${new Date().toISOString()}`);
  console.log(`adapter: ${adapter}`);
  console.log(`base parameters: ${values.query} (d=${params.d}, gamma=${params.gamma}, eps=${params.eps}, rng=${params.rng})\n`);
  const rows: BenchRow[] = [];
  for (const n of ns) {
    const r = await page.evaluate(
      (req) => (window as unknown as { mfl: HeadlessApi }).mfl.bench(req),
      { query: values.query, ns: [n], noises, increments: incrementsList, seconds, pairBlock: pairBlock as 1 | 2 | 4 | undefined },
    );
    rows.push(...r);
    for (const row of r) {
      console.log(`N=${String(row.n).padStart(6)} ${rowName(row.noise, row.increments).padEnd(19)}  pair pass ${fmt(row.pairPassPairsPerSec)} pairs/s   full step ${row.stepsPerSec.toFixed(2).padStart(8)} steps/s = ${fmt(row.stepPairsPerSec)} pairs/s  (${row.repetitions} reps, PB ${row.pairBlock})`);
    }
  }
  console.log('\nratios at each N (nanbu: full step time / its pair-pass time; the others: their full-step pairs/s as a fraction of nanbu\'s):');
  for (const n of ns) {
    const nanbu = rows.find((x) => x.n === n && x.noise === 'nanbu');
    if (!nanbu) continue;
    const line = [`N=${n}: nanbu step/pair pass ${(nanbu.pairPassPairsPerSec / nanbu.stepPairsPerSec).toFixed(2)}`];
    for (const x of rows.filter((y) => y.n === n && y.noise !== 'nanbu')) {
      line.push(`${rowName(x.noise, x.increments)} ${(x.stepsPerSec / nanbu.stepsPerSec).toFixed(2)}× nanbu`);
    }
    console.log('  ' + line.join(', '));
  }
  console.log('\nfloat64 CPU reference (Node, N=512, one thread):');
  for (const noise of noises) {
    for (const increments of incrementsList.filter((i) => noise !== 'nanbu' || i === 'gaussian')) {
      console.log(`  ${rowName(noise, increments).padEnd(19)} ${fmt(await cpuPairsPerSec(noise, increments))} pairs/s`);
    }
  }
  if (values.json) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(values.json, JSON.stringify({ adapter, query: values.query, rows }, null, 1));
  }
} finally {
  await session.close();
}
