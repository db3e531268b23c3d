/**
 * The k-NN entropy bias table of the README (issue 12): `npx tsx tools/entropyBias.ts [groups]`.
 * For d = 2, 3 and N = 256 … 8192 it prints b(N, d, k), the exact bias of the raw
 * Kozachenko–Leonenko estimate on N i.i.d. Maxwellian samples (physics/estimators/klBias.ts), and a
 * Monte Carlo check on exact BKW samples (the models.md §1.2 time 7/24 in 3D, 3/24 in 2D; recentred
 * and rescaled to energy d like the particle runs): mean error of the raw (k = 3) and calibrated
 * (k = 8) estimates over `groups` samples (default 8), with its standard error.
 */
import { biasCorrectedEntropy, kozachenkoLeonenkoEntropy } from '../src/physics/estimators/entropy';
import { klMaxwellianBias } from '../src/physics/estimators/klBias';
import { bkwEntropy, sampleBkwNormalised } from '../src/physics/references/bkw';

const bkwSample = (d: number, t: number, n: number, seed: number) => sampleBkwNormalised(d as 2 | 3, t, n, seed);

const groups = Number(process.argv[2] ?? 8);
const stats = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const se = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1) / xs.length);
  return `${m >= 0 ? '+' : ''}${m.toFixed(4)} ± ${se.toFixed(4)}`;
};
console.log('| d | N | b(N,d,3) | b(N,d,8) | BKW raw k=3 (MC) | BKW calibrated k=8 (MC) |');
console.log('|---|---|---|---|---|---|');
for (const d of [2, 3]) {
  const t = d === 3 ? 7 / 24 : 3 / 24;
  for (const n of [256, 512, 1024, 2048, 4096, 8192]) {
    const raw: number[] = [], cal: number[] = [];
    if (n <= 4096) {
      for (let g = 0; g < groups; g++) {
        const x = bkwSample(d, t, n, 7919 * g + n + d);
        raw.push(kozachenkoLeonenkoEntropy(x, n, d, 3) - bkwEntropy(d, t));
        cal.push(biasCorrectedEntropy(x, n, d, 8) - bkwEntropy(d, t));
      }
    }
    console.log(`| ${d} | ${n} | ${klMaxwellianBias(n, d, 3).toFixed(4)} | ${klMaxwellianBias(n, d, 8).toFixed(4)} | ${raw.length ? stats(raw) : '—'} | ${cal.length ? stats(cal) : '—'} |`);
  }
}
