/**
 * Entropy curves (issue 4, models.md §4): H(f) = ∫ f log f, H(f|M) = H(f) − H(M) (linear or log
 * scale) and the Fisher information I(f) over time, from the columns of TimeSeries:
 *
 * - ACCURATE (dots joined by a line): Kozachenko–Leonenko k-NN entropy and KDE score-matching
 *   Fisher information of engine/diagnostics.ts, every K steps, averaged over replicas, with a
 *   ±1 standard-error band across replicas when R > 1;
 * - CHEAP (thin line): histogram plug-in estimates at every histogram refresh
 *   (physics/estimators/histogramEntropy.ts): max(Σ_c H(f_c), H(f_iso)), both lower bounds of
 *   H(f) (subadditivity; convexity under rotation averaging), the first exact for product laws,
 *   the second for isotropic laws; on the torus Σ_c H(f_c|1), exact for init=cosine;
 * - references: the BKW exact H(t), H(f|M)(t), I(t), and the large-N value Î_SM should read on
 *   BKW data (bkwKdeFisherLimits, at the estimates' own bandwidth: the KDE smoothing biases the
 *   estimate down, models.md §4), when init=bkw and γ = 0; the Maxwellian equilibrium H(M) and
 *   I(M) = d/T from the conserved energy; Lamb–Oseen N(0, (s₀² + 2σt)I) for vortices; the exact
 *   cosine-mode solution on the torus.
 *
 * References are evaluated on a subsample of the time grid (≤ ~150 points, memoised by t): the
 * BKW quadratures cost thousands of evaluations each.
 */
import uPlot from 'uplot';
import { bkwEntropy, bkwFisher, bkwKdeFisherLimits } from '../physics/references/bkw';
import { maxwellianEntropy } from '../physics/references/maxwellian';
import { scoreMatchingFisherGaussianLimit } from '../physics/estimators/fisher';
import { ColourPicker, FittedPlot, PLOT_THEMES, axis, drawPlotGrid, type PlotTheme } from './plot';
import { maxwellianOf, torusCosineRelativeEntropy } from '../physics/references/laws';
import type { TimeSeries } from './timeSeries';

export interface EntropyConfig {
  d: 2 | 3;
  replicas: number;
  model: 'landau' | 'first-order' | 'torus';
  /** The k-NN / KDE estimates run (not on the torus). */
  accurate: boolean;
  /** init = bkw and γ = 0 (Landau). */
  bkw: boolean;
  /** Vortices with all m = +1 from a Gaussian blob: the limit law is N(0, (s₀² + 2σt) I). */
  lambOseen: { width: number; sigma: number } | null;
  /** Torus, init = cosine: f = 1 + amp e^(−rate t) cos 2πx₁ solves the limit equation. */
  torusCosine: { amp: number; rate: number } | null;
  logRelative: boolean;
  highContrast: boolean;
  /**
   * Landau noise system (issue 14): nanbu/fgm conserve the energy only on average, so the labels
   * say that the exact BKW curves are at the initial energy E₀. Optional until the loop passes it.
   */
  noise?: 'nanbu' | 'fgm' | 'kac' | string;
  /**
   * Issue 12: legend name of the deterministic limit (physics/limit reference.ts limitName, e.g.
   * "limit equation, deterministic, 320 cells"); its values come from setLimitReference. Null or
   * absent: no such curves (anisotropic data; say why with setNote).
   */
  limit?: string | null;
}

/** What the entropy and curve charts read from the limit equation (LimitReference implements it). */
export interface LimitScalarSource {
  scalarsAt(t: number): { entropy: number; relativeEntropy: number; fisher: number; m4: number } | null;
}

type ChartId = 'entropy' | 'relative' | 'fisher' | 'mode';

/** What each series of a chart draws (the data is assembled from these in `update`). */
type SeriesKind =
  | 'accurate' | 'upper' | 'lower' | 'cheap'
  | 'equilibrium' | 'exact' | 'kdeExpected' | 'kdeEquilibrium'
  | 'mode' | 'modeExact' | 'limit';

interface Chart {
  id: ChartId;
  box: HTMLDivElement;
  plot: FittedPlot;
  title: string;
  kinds: SeriesKind[];
  /** A line under the chart: estimator bias, and why a value is below 0 when one is. */
  note: HTMLParagraphElement;
  baseNote: string;
}


/** Legend label of the lower band edge (hidden from the legend, like curveCharts' −1σ). */
const HIDDEN_LABEL = '−1 SE';

function withAlpha(colour: string, alpha: number): string {
  const hex = colour.replace('#', '');
  const [r, g, b] = [0, 2, 4].map((k) => parseInt(hex.slice(k, k + 2), 16));
  return `rgba(${r},${g},${b},${alpha})`;
}

export class EntropyCharts {
  private charts: Chart[] = [];
  private config: EntropyConfig | null = null;
  private theme: PlotTheme = PLOT_THEMES.dark;
  private drawnVersion = -1;
  private readonly memo = new Map<string, number>();
  private note: HTMLParagraphElement | null = null;
  /** Drawn points per series label (debug hook and tests). */
  lastCounts: Record<string, number> = {};

  constructor(private readonly container: HTMLElement) {}

  configure(cfg: EntropyConfig): void {
    this.destroyCharts();
    this.config = cfg;
    this.drawnVersion = -1;
    this.memo.clear();
    const th = (this.theme = PLOT_THEMES[cfg.highContrast ? 'light' : 'dark']);
    const torus = cfg.model === 'torus';
    const positions = cfg.model !== 'landau';
    // models.md: ρ for the first-order systems' positions, f for velocities and the torus.
    const f = cfg.model === 'first-order' ? 'ρ' : 'f';
    const M = cfg.model === 'landau' ? 'M' : torus ? '1' : 'G';
    const band = cfg.accurate && cfg.replicas > 1;
    const line = (label: string, stroke: string, dash?: number[], width = th.lineWidth, points = false): uPlot.Series => ({
      label, stroke, width, dash, spanGaps: true, points: points ? { show: true, size: 6, fill: stroke } : { show: false },
    });
    const specs: { id: ChartId; title: string; yLabel: string; series: [SeriesKind, uPlot.Series][]; note: string }[] = [];
    const ref = th.refWidth;
    // One picker per chart: no colour twice within a chart (issue 14).
    let pick = new ColourPicker(th);
    const accurate = (label: string): [SeriesKind, uPlot.Series][] => {
      pick = new ColourPicker(th);
      if (!cfg.accurate) return [];
      const c = pick.take(th.components[0]);
      const out: [SeriesKind, uPlot.Series][] = [['accurate', line(label, c, undefined, th.lineWidth + 0.5, true)]];
      if (band) {
        out.push(['upper', { ...line(`±1 SE across ${cfg.replicas} replicas`, withAlpha(c, 0.55), undefined, 1), fill: undefined }]);
        out.push(['lower', { ...line('', withAlpha(c, 0.55), undefined, 1), label: HIDDEN_LABEL }]);
      }
      return out;
    };
    const atE0 = cfg.model === 'landau' && cfg.noise !== 'kac' ? ', at E₀' : '';
    // The live k-NN estimates are bias-corrected by the exact Kozachenko–Leonenko bias on
    // Maxwellian samples of the same size (physics/estimators/klBias.ts; README bias table).
    const bias = 'k-NN estimates on the replicas pooled, bias-corrected at the Maxwellian (README bias table); the remaining bias is ≲ 0.004 nats for N·R ≥ 4096 pooled particles and larger below (estimator, not physics)';
    // Short legends (the panel's help line says the rest): a projector's large font must leave the plot room.
    const cheapLabel = 'cheap, histogram (every frame)';
    if (!torus) {
      const series: [SeriesKind, uPlot.Series][] = [
        ...accurate('accurate, k-NN (every K steps)'),
        ['cheap', line(cheapLabel, pick.take(th.components[2]), undefined, 1.25)],
      ];
      if (cfg.model === 'landau') series.push(['equilibrium', line('H(M), Maxwellian equilibrium at the current energy', pick.take(th.reference), [2, 4], ref)]);
      if (cfg.bkw) series.push(['exact', line(`exact BKW H(t)${atE0}`, pick.take(th.exact), [6, 4], ref)]);
      if (cfg.lambOseen) series.push(['exact', line('exact Lamb–Oseen H(t)', pick.take(th.exact), [6, 4], ref)]);
      if (cfg.limit) series.push(['limit', line(`H(t), ${cfg.limit}`, pick.take(), [10, 3, 2, 3], ref)]);
      specs.push({
        id: 'entropy',
        title: `Entropy H(${f}) = ∫ ${f} log ${f}${cfg.model === 'landau' ? ' — the limit decreases to H(M)' : ''}`,
        yLabel: 'H (nats)',
        series,
        note: `${cfg.accurate ? `${bias}; ` : ''}the cheap histogram value is a lower bound of H(${f}) and may fall below ${cfg.model === 'landau' ? 'H(M)' : 'the exact value'}.${cfg.model === 'landau' && atE0 ? ' H(M) follows the replica-mean energy (nanbu/fgm conserve it only on average).' : ''}`,
      });
    }
    {
      const series: [SeriesKind, uPlot.Series][] = [
        ...accurate('accurate, k-NN (every K steps)'),
        ['cheap', line(torus ? `cheap, histogram Σ_c H(${f}_c|1) (every frame)` : cheapLabel, pick.take(th.components[2]), undefined, 1.25)],
      ];
      if (cfg.bkw) series.push(['exact', line('exact BKW H(f|M)(t)', pick.take(th.exact), [6, 4], ref)]);
      if (cfg.torusCosine) series.push(['exact', line('exact limit 1 + A e^(−rt) cos 2πx₁', pick.take(th.exact), [6, 4], ref)]);
      if (cfg.limit) series.push(['limit', line(`H(f|M)(t), ${cfg.limit}`, pick.take(), [10, 3, 2, 3], ref)]);
      const what = torus ? ' to the uniform law' : ` = H(${f}) − H(${M})`;
      specs.push({
        id: 'relative',
        title: `Relative entropy H(${f}|${M})${what}${cfg.logRelative ? ' — log scale' : ''}`,
        yLabel: `H(${f}|${M}) (nats)`,
        series,
        note: torus
          ? 'H(f|1) ≥ 0; the histogram plug-in is biased (bins, finite N), so near equilibrium it can read slightly below 0.'
          : `H(${f}|${M}) ≥ 0 and decreases to 0. ${cfg.accurate ? `${bias}; ` : ''}the cheap value is biased low and can read below 0.`,
      });
    }
    if (torus) {
      // The torus's exact relaxation (references/torus.ts): E(1/N)Σ cos 2πX₁ = (A/2)e^(−4π²(λ+κ/2d)t).
      pick = new ColourPicker(th);
      const series: [SeriesKind, uPlot.Series][] = [['mode', line('(1/N)Σ cos 2πx₁ (histogram, every frame)', pick.take(th.components[0]), undefined, th.lineWidth)]];
      if (cfg.torusCosine) series.push(['modeExact', line('exact limit (A/2) e^(−4π²(λ+κ/2d)t)', pick.take(th.exact), [6, 4], ref)]);
      specs.push({ id: 'mode', title: 'Cosine mode (1/N)Σ cos 2πx₁ — decays to 0', yLabel: 'mode', series, note: '' });
    }
    if (cfg.accurate) {
      const series: [SeriesKind, uPlot.Series][] = [...accurate('accurate, KDE Î_SM (every K steps)')];
      if (cfg.model === 'landau') {
        series.push(['equilibrium', line('I(M) = d/T at the current energy', pick.take(th.reference), [2, 4], ref)]);
        series.push(['kdeEquilibrium', line('Î_SM expected at equilibrium', pick.take(), [1, 3], ref)]);
      }
      if (cfg.bkw) {
        series.push(['exact', line(`exact BKW I(t)${atE0}`, pick.take(th.exact), [6, 4], ref)]);
        series.push(['kdeExpected', line('Î_SM expected on BKW', pick.take(), [1, 3], ref, true)]);
      }
      if (cfg.lambOseen) {
        series.push(['exact', line('exact Lamb–Oseen I(t)', pick.take(th.exact), [6, 4], ref)]);
        series.push(['kdeExpected', line('Î_SM expected on it', pick.take(), [1, 3], ref, true)]);
      }
      if (cfg.limit) series.push(['limit', line(`I(t), ${cfg.limit}`, pick.take(), [10, 3, 2, 3], ref)]);
      specs.push({
        id: 'fisher',
        title: `Fisher information I(${f}) = ∫ |∇${f}|²/${f}${cfg.model === 'landau' ? ' — the limit decreases' : ''}`,
        yLabel: positions ? 'I (1/x²)' : 'I (1/v²)',
        series,
        note: 'The KDE smoothing biases Î_SM down (I(N(0,T) * G_h) = d/(T + h²)): compare the dots with the dotted "expected" curves, not with I itself.',
      });
    }

    for (const spec of specs) {
      const box = document.createElement('div');
      box.className = `curve-chart entropy-chart entropy-${spec.id}`;
      box.dataset.chart = spec.id;
      this.container.append(box);
      const kinds = spec.series.map(([k]) => k);
      const series: uPlot.Series[] = [{}, ...spec.series.map(([, s]) => s)];
      const upper = kinds.indexOf('upper');
      const lower = kinds.indexOf('lower');
      const log = spec.id === 'relative' && cfg.logRelative;
      const plot = new FittedPlot(box, {
        title: spec.title,
        scales: { x: { time: false }, y: log ? { distr: 3, log: 10 } : {} },
        axes: [axis(th, 't', {}, 'x'), axis(th, spec.yLabel, log ? { splits: undefined, values: undefined } : {}, 'y')],
        series,
        bands: upper >= 0 ? [{ series: [upper + 1, lower + 1], fill: withAlpha(th.components[0], 0.18) }] : undefined,
        legend: { show: true, live: false },
        cursor: { show: false },
      }, series.map(() => []) as unknown as uPlot.AlignedData, 120);
      for (const row of plot.plot.root.querySelectorAll<HTMLElement>('.u-legend .u-series')) {
        if (row.textContent?.trim() === HIDDEN_LABEL) row.style.display = 'none';
      }
      const note = document.createElement('p');
      note.className = 'chart-note';
      note.textContent = spec.note;
      box.append(note);
      this.charts.push({ id: spec.id, box, plot, title: spec.title, kinds, note, baseNote: spec.note });
    }
  }

  private limitSource: LimitScalarSource | null = null;

  /**
   * Issue 12: where the 'limit' curves come from (a LimitReference filled by the limit worker;
   * null: none). Points beyond its computed time are left out until it gets there.
   */
  setLimitReference(source: LimitScalarSource | null): void {
    this.limitSource = source;
    this.drawnVersion = -1;
  }

  /** A short status line under the charts (estimator settings, why something is missing). */
  setNote(text: string | null): void {
    if (!text) {
      this.note?.remove();
      this.note = null;
      return;
    }
    if (!this.note) {
      this.note = document.createElement('p');
      this.note.className = 'entropy-note';
      this.container.append(this.note);
    }
    if (this.note.textContent !== text) this.note.textContent = text;
  }

  private memoised(key: string, t: number, f: () => number): number {
    const k = `${key}:${t}`;
    let v = this.memo.get(k);
    if (v === undefined) {
      try {
        v = f();
      } catch {
        v = NaN;
      }
      if (this.memo.size > 20000) this.memo.clear();
      this.memo.set(k, v);
    }
    return v;
  }

  /** Redraws from the series if it changed since the last call. */
  update(ts: TimeSeries): void {
    const cfg = this.config;
    if (!cfg || ts.version === this.drawnVersion || ts.length === 0 || !ts.first) return;
    this.drawnVersion = ts.version;
    const c = ts.main;
    const t = c.t;
    const len = t.length;
    const fin = (x: number) => (Number.isFinite(x) ? x : null);
    const stride = Math.max(1, Math.ceil(len / 150));
    const sampled = (i: number) => i % stride === 0 || i === len - 1;
    const first = ts.first;
    const T0 = maxwellianOf(first.m.momentum, first.m.energy, cfg.d).T;
    const d = cfg.d;
    // The temperature each replica relaxes to, about its own mean velocity (replicas whose means
    // differ, as under common noise, must not count that spread as heat).
    const rowTemperature = (i: number) => {
      const thermal = c.thermalEnergy?.[i];
      const T = Number.isFinite(thermal) ? thermal / d : maxwellianOf(c.momentum.map((col) => col[i]), c.energy[i], d).T;
      return Number.isFinite(T) && T > 0 ? T : T0;
    };
    const lambVariance = (time: number) => cfg.lambOseen!.width ** 2 + 2 * cfg.lambOseen!.sigma * time;
    const counts: Record<string, number> = {};

    for (const chart of this.charts) {
      const log = chart.id === 'relative' && cfg.logRelative;
      const pos = (x: number | null) => (x === null ? null : log && !(x > 0) ? null : x);
      const mean = chart.id === 'entropy' ? c.entropy : chart.id === 'relative' ? c.relativeEntropy : c.fisher;
      const se = chart.id === 'entropy' ? c.entropyStdErr : chart.id === 'relative' ? c.relativeEntropyStdErr : c.fisherStdErr;
      const cheap = chart.id === 'entropy' ? c.entropyCheap : c.relativeEntropyCheap;
      const data: (number | null)[][] = [t];
      chart.kinds.forEach((kind, s) => {
        let col: (number | null)[];
        switch (kind) {
          case 'accurate':
            col = mean.map((x) => pos(fin(x)));
            break;
          case 'upper':
            col = mean.map((x, i) => pos(fin(x + se[i])));
            break;
          case 'lower':
            col = mean.map((x, i) => pos(fin(x - se[i])));
            break;
          case 'cheap':
            col = cheap.map((x) => pos(fin(x)));
            break;
          case 'equilibrium':
            // nanbu/fgm conserve E only on average (issue 14): the Maxwellian at each row's
            // replica-mean temperature, T = (E − |ū|²)/d, which is E₀'s for kac.
            col = t.map((_, i) => {
              const T = rowTemperature(i);
              return T > 0 ? (chart.id === 'entropy' ? maxwellianEntropy(d, T) : d / T) : null;
            });
            break;
          case 'kdeEquilibrium': {
            const h = lastFinite(c.fisherBandwidth);
            col = t.map((_, i) => {
              const T = rowTemperature(i);
              if (h === null || !(T > 0)) return null;
              const cov = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? T : 0)));
              return sampled(i) ? fin(scoreMatchingFisherGaussianLimit(cov, h)) : null;
            });
            break;
          }
          case 'exact':
            col = t.map((time, i) => {
              if (!sampled(i)) return null;
              if (cfg.bkw) {
                // BKW at the absolute time (the run starts at t₀); T = 1, so H(M) = −(d/2) log(2πe).
                if (chart.id === 'entropy') return this.memoised('bkwH', time, () => bkwEntropy(d, time));
                if (chart.id === 'relative') return pos(this.memoised('bkwH', time, () => bkwEntropy(d, time)) - maxwellianEntropy(d, 1));
                return this.memoised('bkwI', time, () => bkwFisher(d, time));
              }
              if (cfg.lambOseen) {
                const v = lambVariance(time);
                return chart.id === 'entropy' ? maxwellianEntropy(d, v) : d / v;
              }
              if (cfg.torusCosine) {
                const a = cfg.torusCosine.amp * Math.exp(-cfg.torusCosine.rate * time);
                return pos(this.memoised(`cos${a}`, 0, () => torusCosineRelativeEntropy(a)));
              }
              return null;
            });
            break;
          case 'mode':
            col = c.cosineMode.map((x) => fin(x));
            break;
          case 'limit': {
            const src = this.limitSource;
            col = t.map((time, i) => {
              const v = src && sampled(i) ? src.scalarsAt(time) : null;
              if (!v) return null;
              return pos(fin(chart.id === 'entropy' ? v.entropy : chart.id === 'relative' ? v.relativeEntropy : v.fisher));
            });
            break;
          }
          case 'modeExact':
            col = t.map((time) => (cfg.torusCosine ? (cfg.torusCosine.amp / 2) * Math.exp(-cfg.torusCosine.rate * time) : null));
            break;
          case 'kdeExpected':
            // At the estimates' own times and bandwidths only.
            col = t.map((time, i) => {
              const h = c.fisherBandwidth[i];
              if (!Number.isFinite(h) || !Number.isFinite(c.fisher[i])) return null;
              if (cfg.bkw) return this.memoised(`bkwKde${h}`, time, () => bkwKdeFisherLimits(d, time, h).scoreMatching);
              if (cfg.lambOseen) {
                const v = lambVariance(time);
                return scoreMatchingFisherGaussianLimit(Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? v : 0))), h);
              }
              return null;
            });
            break;
        }
        data.push(col);
        const label = String(chart.plot.plot.series[s + 1]?.label ?? kind);
        counts[`${chart.id}:${kind}`] = (counts[`${chart.id}:${kind}`] ?? 0) + col.filter((x) => x !== null).length;
        void label;
      });
      chart.plot.setData(data as unknown as uPlot.AlignedData);
      // Never a relative entropy below 0 without a word (issue 14).
      if (chart.id === 'relative') {
        let min = Infinity;
        chart.kinds.forEach((kind, s) => {
          if (kind === 'accurate' || kind === 'cheap') for (const x of data[s + 1]) if (x !== null && x < min) min = x;
        });
        const below = min < 0 ? ` Now below 0 (min ${min.toPrecision(2)} nats): that is estimator error (bias or noise; compare the band), not a negative relative entropy.` : '';
        const text = chart.baseNote + below;
        if (chart.note.textContent !== text) chart.note.textContent = text;
        chart.box.dataset.belowZero = min < 0 ? '1' : '0';
      }
    }
    this.lastCounts = counts;
  }

  /** Draws the charts into a 2D context (PNG export), side by side; returns the height used. */
  drawInto(ctx: CanvasRenderingContext2D, x: number, y: number, width: number): number {
    return drawPlotGrid(ctx, this.charts.map((ch) => ({ plot: ch.plot.plot, title: ch.title })), x, y, width, this.theme);
  }

  private destroyCharts(): void {
    for (const ch of this.charts) {
      ch.plot.destroy();
      ch.note.remove();
      ch.box.remove();
    }
    this.charts = [];
    this.note?.remove();
    this.note = null;
  }

  dispose(): void {
    this.destroyCharts();
    this.config = null;
  }
}

function lastFinite(xs: number[]): number | null {
  for (let i = xs.length - 1; i >= 0; i--) if (Number.isFinite(xs[i])) return xs[i];
  return null;
}
