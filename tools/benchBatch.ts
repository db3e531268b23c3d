/**
 * `npm run bench -- --batch [--n 65536,1048576,4194304] [--p 2,8] [--noise kac] [--seconds 2] [--bias]`
 * Random batches (models.md §1.5) on the available WebGPU adapter: steps/s and particle updates/s
 * for each (N, p) with R = 1 (p = 2 with noise=kac is the exact-pair flow; other (noise, p) are
 * Euler–Maruyama in each batch). With --bias, the bias next to the speed: at N = 4096 and the
 * same dt, how far exact random pairs are from all pairs, in standard errors across replicas:
 * the anisotropy (M_xx − (M_yy + M_zz)/2 of init=aniso) and BKW's m4, both at one time t.
 */
import type { Page } from 'playwright-core';
import type { HeadlessApi } from '../src/headless/api';
import type { BatchBenchRow } from '../src/headless/bench';
import type { RunResult } from '../src/engine/runner';

type Mfl = { mfl: HeadlessApi };

export interface BatchBenchOptions {
  query: string;
  ns: number[];
  ps: number[];
  noises: string[];
  seconds: number;
  bias: boolean;
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
function stdErr(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length);
}

async function run(page: Page, query: string, steps: number): Promise<RunResult> {
  return page.evaluate(([q, s]) => (window as unknown as Mfl).mfl.run(q, s, s, false, {}), [query, steps] as const);
}

/** Per-replica values of a quantity at the last checkpoint, all pairs and exact pairs, and their gap in SE. */
async function biasOf(page: Page, base: string, steps: number, f: (m: RunResult['checkpoints'][number]['perReplica'][number]) => number, label: string): Promise<void> {
  const t0 = performance.now();
  const all = await run(page, base, steps);
  const tAll = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const pairs = await run(page, `${base}&noise=kac&interactions=batch&batch=2`, steps);
  const tPairs = (performance.now() - t1) / 1000;
  const a = all.checkpoints.at(-1)!.perReplica.map(f);
  const b = pairs.checkpoints.at(-1)!.perReplica.map(f);
  const se = Math.sqrt(stdErr(a) ** 2 + stdErr(b) ** 2);
  const t = all.checkpoints.at(-1)!.t;
  console.log(`  ${label} at t = ${t.toFixed(4)}: all pairs (${all.params.noise}) ${mean(a).toFixed(5)} ± ${stdErr(a).toFixed(5)}, exact pairs ${mean(b).toFixed(5)} ± ${stdErr(b).toFixed(5)}: difference ${(mean(b) - mean(a)).toFixed(5)} = ${((mean(b) - mean(a)) / se).toFixed(2)} SE   (wall: all pairs ${tAll.toFixed(1)} s, exact pairs ${tPairs.toFixed(1)} s)`);
}

export async function benchBatchCli(page: Page, o: BatchBenchOptions): Promise<BatchBenchRow[]> {
  console.log(`random batches (models.md §1.5), R = 1, base ${o.query}`);
  const rows: BatchBenchRow[] = [];
  for (const n of o.ns) {
    for (const p of o.ps) {
      for (const noise of o.noises) {
        const row = await page.evaluate((req) => (window as unknown as Mfl).mfl.benchBatch(req), { query: o.query, n, batch: p, noise: noise as 'kac', seconds: o.seconds });
        rows.push(row);
        const kind = noise === 'kac' && p === 2 ? 'exact pairs' : `Euler in batches`;
        console.log(`N=${String(n).padStart(8)} p=${String(p).padStart(2)} ${noise.padEnd(5)} ${kind.padEnd(16)} ${row.stepsPerSec.toFixed(2).padStart(9)} steps/s = ${row.particleUpdatesPerSec.toExponential(2)} particle updates/s  (${row.repetitions} reps, setup ${(row.setupMs / 1000).toFixed(1)} s)`);
      }
    }
  }
  if (o.bias) {
    // N = 4096, dt = 0.002, 8 replicas each, nanbu all pairs vs kac exact pairs, same initial particles (same seed).
    console.log('\nbias of exact random pairs against all pairs at the same dt (N = 4096, R = 8, dt = 0.002):');
    const common = 'model=landau&d=3&n=4096&replicas=8&dt=0.002&seed=5&gamma=0&eps=0.1&noise=nanbu&normalize=1';
    await biasOf(page, `${common}&init=aniso&temp=2,0.5,0.5`, 50, (m) => m.secondMoment[0][0] - (m.secondMoment[1][1] + m.secondMoment[2][2]) / 2, 'anisotropy M_xx − (M_yy + M_zz)/2');
    await biasOf(page, `${common}&init=bkw`, 50, (m) => m.m4, 'BKW m4');
  }
  return rows;
}
