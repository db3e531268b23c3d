/**
 * Exports of the current run (issues 3, 14): the curves as CSV/JSON, the particles of every
 * replica, and one PNG-ready canvas of the views. Every file starts with a header naming the
 * share link, the engine and what the columns hold for the run's model, with units.
 */
import { defaultEntropyEvery } from '../engine/liveDiagnostics';
import { particlesNested } from '../engine/runner';
import { currentQuery, type AppStore } from '../state/store';
import { exportColumnLines, rowsAtInterval } from '../view/exportSchema';
import type { CurveCharts } from '../view/curveCharts';
import type { DensityHeatmap } from '../view/heatmap';
import type { EntropyCharts } from '../view/entropyCharts';
import type { MarginalCharts } from '../view/marginalCharts';
import type { CloudView } from '../view/cloudView';
import { timeAt, type Run } from './run';

/** What the moment columns hold for a run's model (models.md §1 velocities, §2–3 positions). */
export function unitsLine(run: Run): string {
  const p = run.params;
  if (p.model === 'landau') {
    return 'units: time t in collision units (C = 1); velocities v; energy = (1/N)Σ|v|²; momentum = (1/N)Σv; M_ii = (1/N)Σ v_i²; m4 = (1/N)Σ|v|⁴; averages over replicas';
  }
  const cell = p.model === 'torus' ? 'positions x in the unit cell [0, 1)^d (periodic)' : 'positions x in R^d';
  return `units: time t (models.md ${p.model === 'torus' ? '§2' : '§3'}); the moment columns hold POSITIONS, not velocities: ${cell}; energy = (1/N)Σ|x|² (second moment of positions), momentum = (1/N)Σx (centre), M_ii = (1/N)Σ x_i², m4 = (1/N)Σ|x|⁴; averages over replicas`;
}

/** Header lines for exported files: the share link, the engine and the units. */
export function exportHeader(store: AppStore, run: Run): string[] {
  const s = store.getState();
  return [
    `Mean-Field Lab export, ${new Date().toISOString()}`,
    `link: ?${currentQuery(s)}`,
    `engine: ${s.engine?.kind ?? '?'} — ${s.engine?.adapter ?? ''}`,
    unitsLine(run),
    ...exportColumnLines(run.params.model, run.params.d, run.companionNoise),
    `rows: ${s.exportEveryT ? `one per Δt = ${s.exportEveryT} of simulation time (the first recorded row at or after each multiple; rows are recorded at the moments readbacks)` : 'every recorded row (moments readbacks, a few per second of wall time)'}`,
    `entropy (nats, H = ∫ f log f): entropy, relativeEntropy = H(f|M), fisher = I(f) and their …StdErr across replicas are the ACCURATE estimates (k-NN rank k = ${s.knnRank} on the replicas pooled, bias-corrected at the Maxwellian, KDE score matching with bandwidth fisherBandwidth), every K = ${s.entropyEvery ?? defaultEntropyEvery(s.params.n, s.params.replicas)} steps, empty elsewhere; entropyCheap, relativeEntropyCheap are the CHEAP histogram plug-in estimates (max of Σ_c H(f_c) and H(f_iso), Miller–Madow; torus: Σ_c H(f_c|1))`,
  ];
}

/** The rows exported: one per Δt of simulation time (store exportEveryT), or all. */
function exportRows(store: AppStore, run: Run): number[] {
  return rowsAtInterval(run.series.main.t, store.getState().exportEveryT);
}

export function curvesCsv(store: AppStore, run: Run): string {
  return run.series.toCsv(exportHeader(store, run), run.companionNoise, exportRows(store, run));
}

export function curvesJson(store: AppStore, run: Run): string {
  const s = store.getState();
  return JSON.stringify({
    header: exportHeader(store, run),
    query: currentQuery(s),
    params: run.params,
    companion: run.companionNoise,
    engine: s.engine,
    entropy: {
      accurate: { estimator: 'Kozachenko–Leonenko k-NN H(f) on the replicas pooled (up to 16384 particles), minus its exact bias on Maxwellian samples of that size; H(f|M) = H(f) − H(M); KDE score-matching I(f)', k: s.knnRank, everySteps: s.entropyEvery ?? defaultEntropyEvery(run.params.n, run.params.replicas), estimates: run.entropyEstimates },
      cheap: { estimator: run.params.model === 'torus' ? 'Σ_c H(f_c|1), 1D histogram plug-in with Miller–Madow' : 'max(Σ_c H(f_c), H(f_iso)), histogram plug-in with Miller–Madow: a lower bound of H(f)' },
    },
    columns: (() => {
      const rows = exportRows(store, run);
      const all = run.series.columns(run.companionNoise);
      return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, rows.map((i) => v[i])]));
    })(),
  }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

/**
 * Particles of every replica at the current step (velocities for Landau, positions otherwise).
 * Null if the run was replaced during the readback.
 */
export async function particlesExport(store: AppStore, run: Run, isCurrent: () => boolean, format: 'json' | 'csv'): Promise<string | null> {
  const p = run.params;
  const step = run.backend.stepCount;
  const v = await run.backend.readParticles();
  if (!isCurrent()) return null;
  const t = timeAt(run, step);
  if (format === 'json') {
    return JSON.stringify({ header: exportHeader(store, run), query: currentQuery(store.getState()), step, t, d: p.d, n: p.n, replicas: p.replicas, particles: particlesNested(v, p) });
  }
  const axes = (p.model === 'landau' ? ['vx', 'vy', 'vz'] : ['x1', 'x2', 'x3']).slice(0, p.d);
  const lines = exportHeader(store, run).map((h) => `# ${h}`);
  lines.push(`# step ${step}, t = ${t}`);
  lines.push(['replica', 'particle', ...axes].join(','));
  for (let r = 0; r < p.replicas; r++) {
    for (let i = 0; i < p.n; i++) {
      const o = (r * p.n + i) * 4;
      lines.push([r, i, ...axes.map((_, c) => v[o + c])].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface ComposeViews {
  cloud: CloudView | null;
  heatmap: DensityHeatmap;
  marginals: MarginalCharts;
  curves: CurveCharts;
  entropy: EntropyCharts;
}

/** One PNG-ready canvas with the cloud, the marginals, the heat map and the curves. */
export function composeViews(store: AppStore, views: ComposeViews): HTMLCanvasElement {
  const s = store.getState();
  const hc = s.highContrast;
  const cloud = views.cloud?.capture() ?? null;
  const W = 1600;
  const cloudH = cloud ? Math.round((cloud.height / cloud.width) * 800) : 0;
  const out = document.createElement('canvas');
  out.width = W;
  out.height = 3200;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = hc ? '#ffffff' : '#10131a';
  ctx.fillRect(0, 0, W, out.height);
  ctx.fillStyle = hc ? '#000' : '#e8ecf4';
  ctx.font = 'bold 18px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  ctx.fillText(`Mean-Field Lab — t = ${s.stats.t.toPrecision(4)}, step ${s.stats.step}, N = ${s.engine?.n ?? s.params.n}, R = ${s.engine?.replicas ?? s.params.replicas}`, 12, 8);
  ctx.font = '12px ui-monospace, monospace';
  ctx.fillText(`?${currentQuery(s)}`, 12, 32);
  let y = 52;
  if (cloud) ctx.drawImage(cloud, 0, y, 800, cloudH);
  const heatH = Math.min(cloudH || 600, 560);
  ctx.save();
  ctx.translate(810, y);
  views.heatmap.paint(ctx, 780, heatH);
  ctx.restore();
  y += Math.max(cloudH, heatH) + 12;
  y += views.marginals.drawInto(ctx, 8, y, W - 16) + 12;
  y += views.curves.drawInto(ctx, 8, y, W - 16) + 12;
  y += views.entropy.drawInto(ctx, 8, y, W - 16) + 12;
  const final = document.createElement('canvas');
  final.width = W;
  final.height = Math.min(out.height, y);
  final.getContext('2d')!.drawImage(out, 0, 0);
  return final;
}
