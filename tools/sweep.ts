/**
 * N-sweep: `npm run sweep -- '<share-link query>' --n 64,128,256,512 --t T --replicas R
 *   --quantity Q --out sweep.json [--engine webgpu|cpu] [--noises nanbu,fgm,kac] [--reference-n M]`
 * For each N: R replicas run to elapsed time T (steps = round(T/dt)), reduced to Q with its
 * standard error; then the weighted log–log slope. Q: mean-velocity-spread | pair-correlation |
 * marginal-l1 | pair-entropy (src/engine/sweep.ts). With several --noises the output has one series per noise.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CpuBackend } from '../src/engine/cpuBackend';
import { exactMarginalReference, pooledMass, QUANTITY_HELP, SWEEP_QUANTITIES, sweepPoint, theoryRatesFor, estimatorFor, type MarginalReference, type SweepPoint, type SweepQuantity } from '../src/engine/sweep';
import { fitLogLogSlope, meanVelocitySpreadExact, type SlopeFit } from '../src/physics/chaos';
import { initialEnergy } from '../src/physics/init';
import { parseQuery, toQuery, type Noise, type Params } from '../src/physics/params';
import type { HeadlessApi } from '../src/headless/api';
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
  },
});
if (positionals.length !== 1) fail("usage: npm run sweep -- '<query>' --n 64,128,256 --t T --replicas R --quantity Q --out sweep.json");
const parsed = parseQuery(positionals[0].replace(/^.*\?/, ''));
const problems = [...parsed.errors.map((e) => e.message), ...parsed.unknown.map((u) => `${u}: unknown parameter`)];
if (problems.length) fail(`invalid parameters:\n  ${problems.join('\n  ')}`);
const ns = values.n.split(',').map((x) => Number(x));
if (ns.some((x) => !Number.isInteger(x) || x < 4 || x > 65536)) fail('--n: expected a comma-separated list of integers in [4, 65536]');
const t = Number(values.t);
if (!(t > 0)) fail(`--t: got "${values.t}", expected a positive elapsed time`);
const R = Number(values.replicas);
if (!Number.isInteger(R) || R < 3 || R > 4096) fail('--replicas: expected an integer in [3, 4096]');
const quantity = values.quantity as SweepQuantity;
if (!SWEEP_QUANTITIES.includes(quantity)) fail(`--quantity: expected one of ${SWEEP_QUANTITIES.join(', ')}`);
if (!values.out) fail('--out is required');
if (values.engine !== 'webgpu' && values.engine !== 'cpu') fail('--engine: expected webgpu or cpu');
const noises = (values.noises ?? parsed.params.noise).split(',') as Noise[];
if (noises.some((x) => !['nanbu', 'fgm', 'kac'].includes(x))) fail('--noises: expected a list of nanbu, fgm, kac');
const base: Params = { ...parsed.params, replicas: R };
const steps = Math.round(t / base.dt);
for (const n of ns) if (n * R > 1 << 20) fail(`--replicas: n · replicas must be ≤ 1048576 (n = ${n})`);

const session = values.engine === 'webgpu' ? await headlessSession() : null;
const api = (name: keyof HeadlessApi, ...args: unknown[]) =>
  session!.page.evaluate(([f, a]) => (window as unknown as { mfl: Record<string, (...x: unknown[]) => unknown> }).mfl[f as string](...(a as unknown[])), [name, args] as const);

async function point(p: Params, reference?: MarginalReference): Promise<SweepPoint> {
  if (session) return (await api('sweepPoint', toQuery(p), steps, quantity, reference)) as SweepPoint;
  return sweepPoint(new CpuBackend(p), quantity, steps, reference);
}

async function referenceFor(p: Params): Promise<MarginalReference> {
  const exact = exactMarginalReference(p, t);
  if (exact) return exact;
  const nRef = Number(values['reference-n'] ?? 4 * Math.max(...ns));
  const rRef = Math.max(1, Math.min(R, Math.floor((1 << 20) / nRef)));
  const q: Params = { ...p, n: nRef, replicas: rRef, seed: (p.seed + 7919) >>> 0 };
  const L = 5 * Math.sqrt(initialEnergy(p) / p.d + (p.init === 'bimaxwellian' ? p.shift ** 2 : 0));
  const binEdges = Array.from({ length: 61 }, (_, k) => -L + (2 * L * k) / 60);
  const mass = session ? ((await api('pooledMass', toQuery(q), steps, binEdges)) as number[]) : await (async () => {
    const b = new CpuBackend(q);
    b.step(steps);
    const { pooledMass: pm } = await import('../src/engine/sweep');
    return pm(await b.readParticles(), q.n * q.replicas, binEdges);
  })();
  return { name: `large-N run (N = ${nRef}, R = ${rRef}, independent seed) — no exact solution is known for these parameters`, binEdges, mass };
}

interface Series {
  noise: Noise;
  points: SweepPoint[];
  slope: number;
  slopeStdErr: number;
  reference?: string;
  theory?: { points: { n: number; value: number }[]; slope: number };
  fitError?: string;
}

const series: Series[] = [];
try {
  for (const noise of noises) {
    const p0: Params = { ...base, noise };
    const reference = quantity === 'marginal-l1' ? await referenceFor(p0) : undefined;
    const points: SweepPoint[] = [];
    for (const n of ns) {
      const pt = await point({ ...p0, n }, reference);
      points.push(pt);
      console.log(`${noise} N=${n}: ${quantity} = ${pt.value.toExponential(3)} ± ${pt.stdErr.toExponential(2)}`);
    }
    let fit: SlopeFit | null = null;
    let fitError: string | undefined;
    try {
      fit = fitLogLogSlope(points);
    } catch (e) {
      fitError = (e as Error).message;
    }
    const s: Series = { noise, points, slope: fit?.slope ?? Number.NaN, slopeStdErr: fit?.slopeStdErr ?? Number.NaN, reference: reference?.name, fitError };
    if (quantity === 'mean-velocity-spread' && base.model === 'landau' && base.gamma === 0 && noise !== 'kac' && base.normalize) {
      const tp = ns.map((n) => ({ n, value: meanVelocitySpreadExact(base.d, n, initialEnergy(base), t) }));
      s.theory = { points: tp, slope: fitLogLogSlope(tp.map((x) => ({ ...x, stdErr: 0 }))).slope };
    }
    console.log(`${noise}: slope ${s.slope.toFixed(3)} ± ${s.slopeStdErr.toFixed(3)}${s.theory ? ` (exact law: ${s.theory.slope.toFixed(3)})` : ''}${fitError ? ` (${fitError})` : ''}`);
    series.push(s);
  }
} finally {
  await session?.close();
}

const out = {
  params: base,
  quantity,
  quantityHelp: QUANTITY_HELP[quantity],
  t,
  steps,
  engine: values.engine,
  theoryRates: theoryRatesFor(quantity),
  ...(estimatorFor(quantity, base) ? { estimator: estimatorFor(quantity, base) } : {}),
  ...(series.length === 1 ? { points: series[0].points, slope: series[0].slope, slopeStdErr: series[0].slopeStdErr, reference: series[0].reference, theory: series[0].theory } : {}),
  series,
};
writeFileSync(values.out, JSON.stringify(out, null, 1));
console.log(`wrote ${values.out}`);
