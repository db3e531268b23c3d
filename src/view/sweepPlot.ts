/**
 * The N-sweep's log–log plot (issue 6): |value| against N on logarithmic axes (uPlot, distr 3),
 * one colour per noise system with ±1 standard-error bars, the fitted power law of each system
 * (dashed, its slope ± standard error in the legend), the theory's rate lines O(1/N) and O(1/√N)
 * through the first system's first point, and the exact law when one is known (mean-velocity
 * spread: E(1 − e^(−4(d−1)t/N)) for γ = 0, 2dσt/N for first-order systems).
 *
 * |value| because a covariance can be negative (normalize=1 injects −Var/(N−1)) and the fit is of
 * log|value| (physics/chaos.ts fitLogLogSlope); the table beside the plot keeps the signs.
 * Error bars that reach 0 or below are drawn down to the bottom of the plot.
 */
import uPlot from 'uplot';
import type { SweepOutput } from '../engine/sweepExperiment';
import { ColourPicker, FittedPlot, PLOT_THEMES, axis, drawPlotInto, type PlotTheme } from './plot';

interface BarSeries {
  /** uPlot series index. */
  index: number;
  values: (number | null)[];
  stdErrs: (number | null)[];
}

export class SweepPlot {
  private plot: FittedPlot | null = null;
  private theme: PlotTheme = PLOT_THEMES.dark;
  private title = '';

  constructor(private readonly container: HTMLElement) {}

  show(out: SweepOutput, highContrast: boolean): void {
    this.destroyPlot();
    const th = (this.theme = PLOT_THEMES[highContrast ? 'light' : 'dark']);
    // A system's points and its fitted line share a colour; every other line has its own (issue 14).
    const pick = new ColourPicker(th);
    const colours = [th.components[0], th.components[2], th.components[1]].map((c) => pick.take(c));
    const ns = [...new Set(out.series.flatMap((s) => s.points.map((p) => p.n)))].sort((a, b) => a - b);
    if (ns.length === 0) return;
    const series: uPlot.Series[] = [{}];
    const data: (number | null)[][] = [ns];
    const bars: BarSeries[] = [];
    const positive = (x: number) => (Number.isFinite(x) && Math.abs(x) > 0 ? Math.abs(x) : null);
    out.series.forEach((s, k) => {
      const colour = colours[k % colours.length];
      const byN = new Map(s.points.map((p) => [p.n, p]));
      const slope = Number.isFinite(s.slope) ? `slope ${s.slope.toFixed(2)} ± ${s.slopeStdErr.toFixed(2)}` : (s.fitError ?? 'no fit');
      const name = out.params.model === 'landau' ? s.noise : out.params.model;
      // Markers only (no line): the error bars are drawn by the draw hook.
      series.push({ label: `${name}: |${out.quantity}| (${slope})`, stroke: colour, width: 1, paths: () => null, points: { show: true, size: 9, fill: colour, stroke: colour } });
      data.push(ns.map((n) => (byN.has(n) ? positive(byN.get(n)!.value) : null)));
      bars.push({ index: series.length - 1, values: data[data.length - 1], stdErrs: ns.map((n) => byN.get(n)?.stdErr ?? null) });
      if (Number.isFinite(s.slope) && s.points.length >= 2) {
        // The weighted least-squares line through the points: log|y| = a + slope·log N.
        const xs = s.points.map((p) => Math.log(p.n)), ys = s.points.map((p) => Math.log(Math.abs(p.value)));
        const ws = s.points.map((p) => {
          const r = p.stdErr / Math.abs(p.value);
          return Number.isFinite(r) && r > 0 ? 1 / (r * r) : 1;
        });
        const W = ws.reduce((a, b) => a + b, 0);
        const a = ws.reduce((acc, w, i) => acc + w * (ys[i] - s.slope * xs[i]), 0) / W;
        series.push({ label: `${name}: fitted N^${s.slope.toFixed(2)}`, stroke: colour, width: th.lineWidth, dash: [8, 5], points: { show: false } });
        data.push(ns.map((n) => Math.exp(a + s.slope * Math.log(n))));
      }
      if (s.theory) {
        const byTheory = new Map(s.theory.points.map((p) => [p.n, p.value]));
        series.push({ label: `exact law ${s.theory.law ?? ''} (slope ${s.theory.slope.toFixed(2)})`, stroke: pick.take(th.exact), width: th.refWidth, dash: [2, 3], points: { show: false } });
        data.push(ns.map((n) => (byTheory.has(n) ? byTheory.get(n)! : null)));
      }
    });
    // Rate lines through the first system's first finite point.
    const anchor = out.series.flatMap((s) => s.points).find((p) => positive(p.value) !== null);
    if (anchor) {
      const y0 = Math.abs(anchor.value);
      for (const rate of out.theoryRates) {
        series.push({ label: `theory rate ${rate.label}`, stroke: pick.take(th.reference), width: th.refWidth, dash: rate.slope === -1 ? [10, 4] : [3, 4], points: { show: false } });
        data.push(ns.map((n) => y0 * (n / anchor.n) ** rate.slope));
      }
    }
    this.pointCount = bars.reduce((acc, b) => acc + b.values.filter((v) => v != null).length, 0);
    const lo = ns[0], hi = ns[ns.length - 1];
    this.title = `|${out.quantity}| against N at t = ${out.t} (R = ${out.params.replicas}, ${out.steps} steps), log–log${out.cancelled ? ' — cancelled, partial' : ''}`;
    const theme = th;
    this.plot = new FittedPlot(this.container, {
      title: this.title,
      scales: {
        x: { time: false, distr: 3, log: 10, range: () => [lo / 1.4, hi * 1.4] },
        y: { distr: 3, log: 10 },
      },
      axes: [
        // Ticks at the sweep's N (a log axis over less than a decade would have none).
        // (uPlot's default filter of log axes would hide labels off the 1·10^k marks.)
        axis(th, 'N (particles per replica)', { splits: () => ns, filter: (_u, splits) => splits, values: (_u, vals) => vals.map((v) => (v == null ? '' : String(Math.round(v)))) }),
        axis(th, `|${out.quantity}|`, { size: 74, splits: (_u, _i, min, max) => logSplits(min, max), filter: (_u, splits) => splits, values: (_u, vals) => vals.map((v) => (v == null ? '' : formatTick(v))) }),
      ],
      series,
      legend: { show: true, live: false },
      cursor: { show: false },
      hooks: {
        draw: [(u) => drawErrorBars(u, bars, theme)],
      },
    }, data as unknown as uPlot.AlignedData, 220);
  }

  drawInto(ctx: CanvasRenderingContext2D, x: number, y: number): number {
    if (!this.plot) return 0;
    return drawPlotInto(ctx, this.plot.plot, x, y, this.theme, this.title).height;
  }

  /** Points drawn with error bars (tests). */
  pointCount = 0;

  private destroyPlot(): void {
    this.plot?.destroy();
    this.plot = null;
    this.container.replaceChildren();
  }

  dispose(): void {
    this.destroyPlot();
  }
}

/** ±1 standard error whiskers in canvas pixels; bars reaching ≤ 0 run to the bottom of the plot. */
function drawErrorBars(u: uPlot, bars: BarSeries[], th: PlotTheme): void {
  const ctx = u.ctx;
  const xs = u.data[0] as number[];
  const bottom = u.bbox.top + u.bbox.height;
  const cap = 5 * (window.devicePixelRatio || 1);
  ctx.save();
  ctx.setLineDash([]);
  ctx.lineWidth = 1.5 * (window.devicePixelRatio || 1);
  for (const b of bars) {
    const s = u.series[b.index];
    const raw = s.stroke as unknown;
    const stroke = typeof raw === 'function' ? (raw as (u: uPlot, i: number) => unknown)(u, b.index) : raw;
    ctx.strokeStyle = typeof stroke === 'string' ? stroke : th.text;
    b.values.forEach((v, i) => {
      const se = b.stdErrs[i];
      if (v == null || se == null || !Number.isFinite(se)) return;
      const px = u.valToPos(xs[i], 'x', true);
      const top = u.valToPos(v + se, 'y', true);
      const low = v - se > 0 ? u.valToPos(v - se, 'y', true) : bottom;
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, low);
      ctx.moveTo(px - cap, top);
      ctx.lineTo(px + cap, top);
      if (v - se > 0) {
        ctx.moveTo(px - cap, low);
        ctx.lineTo(px + cap, low);
      }
      ctx.stroke();
    });
  }
  ctx.restore();
}

/** Ticks 1, 2, 5 × 10^k inside [min, max] (more than a few decades: the decades only). */
function logSplits(min: number, max: number): number[] {
  if (!(min > 0) || !(max > min)) return [];
  const out: number[] = [];
  const decades = Math.log10(max / min);
  const mantissas = decades > 4 ? [1] : [1, 2, 5];
  for (let k = Math.floor(Math.log10(min)); k <= Math.ceil(Math.log10(max)); k++) {
    for (const m of mantissas) {
      const v = m * 10 ** k;
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(v);
    }
  }
  return out;
}

function formatTick(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(0) : String(+v.toPrecision(2));
}
