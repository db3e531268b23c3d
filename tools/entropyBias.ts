/**
 * The k-NN entropy bias table of the README (issue 12): `npx tsx tools/entropyBias.ts [groups]`.
 * For d = 2, 3, R = 4 replicas and N = 256 … 4096 particles each (pooled sample M = 4N ≤ 16384),
 * it prints b(M, d, 16), the exact bias of the raw Kozachenko–Leonenko estimate on M i.i.d.
 * Maxwellian samples (physics/estimators/klBias.ts), and a Monte Carlo check on exact BKW samples
 * (the models.md §1.2 time 7/24 in 3D, 3/24 in 2D; recentred and rescaled to energy d like the
 * particle runs), through the app's own estimateEntropies (engine/diagnostics.ts) on the float64
 * engine: mean error of the raw pooled, the calibrated pooled (what the app shows) and the
 * calibrated per-replica estimates (each replica alone, the mean over R; the estimator before
 * pooling) over `groups` checkpoints (default 8), ± its standard error; and the RMS of the SE the
 * app reports against the sd of the calibrated pooled errors.
 */
import { CpuBackend } from '../src/engine/cpuBackend';
import { estimateEntropies } from '../src/engine/diagnostics';
import { CORRECTED_KNN_RANK } from '../src/physics/estimators/entropy';
import { klMaxwellianBias } from '../src/physics/estimators/klBias';
import { PARTICLE_STRIDE } from '../src/physics/init';
import { defaultParams } from '../src/physics/params';
import { bkwEntropy, sampleBkwNormalised } from '../src/physics/references/bkw';

const groups = Number(process.argv[2] ?? 8);
const R = 4, k = CORRECTED_KNN_RANK;
const meanSe = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
  return { m, sd, se: sd / Math.sqrt(xs.length) };
};
const fmt = (xs: number[]) => {
  const { m, se } = meanSe(xs);
  return `${m >= 0 ? '+' : '−'}${Math.abs(m).toFixed(4)} ± ${se.toFixed(4)}`;
};
console.log(`| d | N per replica | M = ${R}N | b(M,d,${k}) | raw pooled | calibrated pooled (app) | calibrated per replica | reported SE (RMS) / sd |`);
console.log('|---|---|---|---|---|---|---|---|');
for (const d of [2, 3] as const) {
  const t = d === 3 ? 7 / 24 : 3 / 24;
  const exact = bkwEntropy(d, t);
  for (const n of [256, 512, 1024, 2048, 4096]) {
    const raw: number[] = [], cal: number[] = [], perReplica: number[] = [], ses: number[] = [];
    for (let g = 0; g < groups; g++) {
      const v = new Float64Array(n * R * PARTICLE_STRIDE);
      for (let r = 0; r < R; r++) {
        const x = sampleBkwNormalised(d, t, n, 7919 * g + 31 * r + n + d);
        for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) v[(r * n + i) * PARTICLE_STRIDE + c] = x[i * d + c];
      }
      const e = await estimateEntropies(new CpuBackend({ ...defaultParams(), d, n, replicas: R, gamma: 0 }, v));
      raw.push(e.entropy - exact);
      cal.push(e.entropyCorrected - exact);
      perReplica.push(e.perReplica.reduce((s, m) => s + m.entropyCorrected, 0) / R - exact);
      ses.push(e.entropyCorrectedStdErr!);
    }
    const rmsSe = Math.sqrt(ses.reduce((a, b) => a + b * b, 0) / groups);
    console.log(`| ${d} | ${n} | ${R * n} | ${klMaxwellianBias(R * n, d, k).toFixed(4)} | ${fmt(raw)} | ${fmt(cal)} | ${fmt(perReplica)} | ${rmsSe.toFixed(4)} / ${meanSe(cal).sd.toFixed(4)} |`);
  }
}
