/**
 * Small helpers around uPlot shared by the marginal and curve charts: themed options, a chart
 * that follows its container's size, and the colours used for components and references.
 *
 * Issue 14: legends show each line's dash pattern (legendSwatch), no colour repeats within one
 * chart (ColourPicker over the theme's palette), every axis keeps ≥ 3 tick labels (niceSplits),
 * and the light theme is the projector's: larger type, thicker lines and ticks.
 */
import uPlot from 'uplot';

export interface PlotTheme {
  name: 'dark' | 'light';
  text: string;
  grid: string;
  /** v_x, v_y, v_z (and speed: index 3). */
  components: [string, string, string, string];
  /** Reference curves (Maxwellian, exact laws). */
  reference: string;
  /** Exact solution (BKW) when known. */
  exact: string;
  histogramFill: string;
  histogramStroke: string;
  lineWidth: number;
  /** Width of reference lines (exact laws, equilibria): never a 1 px hairline on a projector. */
  refWidth: number;
  font: string;
  labelFont: string;
  /** Tick label size in px (niceSplits spaces ticks by it). */
  fontPx: number;
  /** Distinct colours, in order of preference; a chart never uses one twice (ColourPicker). */
  palette: readonly string[];
}

export const PLOT_THEMES: Record<'dark' | 'light', PlotTheme> = {
  dark: {
    name: 'dark', text: '#d8dee9', grid: 'rgba(216,222,233,0.12)',
    components: ['#ff7b72', '#7ee787', '#79c0ff', '#e3b341'],
    reference: '#ffffff', exact: '#ffa657',
    histogramFill: 'rgba(121,192,255,0.35)', histogramStroke: 'rgba(121,192,255,0.9)',
    lineWidth: 1.5, refWidth: 1.5, font: '12px system-ui, sans-serif', labelFont: '13px system-ui, sans-serif', fontPx: 12,
    palette: ['#ff7b72', '#7ee787', '#79c0ff', '#e3b341', '#ffffff', '#d2a8ff', '#39d0d8', '#ff9bce', '#c6f36b', '#ffa657', '#8b949e', '#b08968'],
  },
  light: {
    name: 'light', text: '#000000', grid: 'rgba(0,0,0,0.18)',
    components: ['#c00000', '#006400', '#0033cc', '#8a4b00'],
    reference: '#000000', exact: '#d45500',
    histogramFill: 'rgba(0,51,204,0.25)', histogramStroke: '#0033cc',
    lineWidth: 3, refWidth: 3, font: 'bold 17px system-ui, sans-serif', labelFont: 'bold 18px system-ui, sans-serif', fontPx: 17,
    palette: ['#c00000', '#006400', '#0033cc', '#8a4b00', '#000000', '#7a00b8', '#007a7a', '#c2007a', '#5c7000', '#d45500', '#6b6b6b', '#4a3aff'],
  },
};

/**
 * Hands out the colours of one chart: the preferred colour when it is still free, else the next
 * free one of the palette; so the same quantity keeps its colour across charts where it can, and
 * no colour appears twice in a chart.
 */
export class ColourPicker {
  private readonly used = new Set<string>();
  constructor(private readonly theme: PlotTheme) {}
  take(preferred?: string): string {
    const want = preferred?.toLowerCase();
    if (want && !this.used.has(want)) {
      this.used.add(want);
      return preferred!;
    }
    const free = this.theme.palette.find((c) => !this.used.has(c.toLowerCase())) ?? this.theme.palette[this.used.size % this.theme.palette.length];
    this.used.add(free.toLowerCase());
    return free;
  }
}

/** A legend swatch: an SVG line with the series' colour, width and dash pattern (a data URL). */
export function legendSwatch(stroke: string, width: number, dash?: readonly number[] | null, px = 28): string {
  const w = Math.max(1.5, Math.min(width, 4));
  const dasharray = dash && dash.length ? ` stroke-dasharray="${dash.join(' ')}"` : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="10" viewBox="0 0 ${px} 10"><line x1="0" y1="5" x2="${px}" y2="5" stroke="${stroke}" stroke-width="${w}"${dasharray}/></svg>`;
  return `url("data:image/svg+xml,${encodeURIComponent(svg)}")`;
}

/** The same swatch drawn into a 2D context (PNG export). */
export function drawSwatch(ctx: CanvasRenderingContext2D, x: number, y: number, stroke: string, width: number, dash?: readonly number[] | null, px = 22): void {
  ctx.save();
  ctx.strokeStyle = stroke;
  ctx.lineWidth = Math.max(1.5, Math.min(width, 4));
  ctx.setLineDash(dash ? [...dash] : []);
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x + px, y);
  ctx.stroke();
  ctx.restore();
}

/**
 * Replaces uPlot's legend markers (solid boxes) by swatches with each series' dash pattern; the
 * series' `fill` (histograms, bands) shows as a filled box.
 */
export function styleLegendMarkers(plot: uPlot): void {
  const rows = plot.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
  // Without a live legend uPlot leaves out the x series' row: align rows to series from the end.
  const offset = plot.series.length - rows.length;
  rows.forEach((row, r) => {
    const i = r + offset;
    const s = plot.series[i];
    const marker = row.querySelector<HTMLElement>('.u-marker');
    if (!s || !marker || i === 0) return;
    const raw = s.stroke as unknown;
    const stroke = typeof raw === 'function' ? (raw as (u: uPlot, i: number) => unknown)(plot, i) : raw;
    const colour = typeof stroke === 'string' ? stroke : '#888';
    const pointsOnly = (s as { _pointsOnly?: boolean })._pointsOnly === true;
    marker.style.background = 'none';
    marker.style.border = 'none';
    if (pointsOnly) {
      marker.style.backgroundImage = `url("data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="28" height="10"><circle cx="14" cy="5" r="4" fill="${colour}"/></svg>`)}")`;
    } else {
      marker.style.backgroundImage = legendSwatch(colour, s.width ?? 1, s.dash ?? null);
    }
    marker.style.backgroundRepeat = 'no-repeat';
    marker.style.backgroundPosition = 'center';
    marker.dataset.dash = s.dash && s.dash.length ? s.dash.join(',') : 'solid';
    marker.dataset.colour = colour;
  });
}

/** 1, 2, 2.5 or 5 × 10^k: the smallest such step giving at most `maxCount` ticks over [min, max]. */
function niceStep(span: number, maxCount: number): number {
  const raw = span / Math.max(1, maxCount);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/**
 * Tick positions for a linear axis of `lengthPx` pixels: as many nice ticks as fit at
 * `minSpacePx` each, but never fewer than 3 (a projector's large labels must not leave an axis
 * with its "0" only).
 */
export function niceTicks(min: number, max: number, lengthPx: number, minSpacePx: number): number[] {
  if (!(max > min) || !Number.isFinite(min) || !Number.isFinite(max)) return Number.isFinite(min) ? [min] : [];
  const span = max - min;
  let count = Math.max(2, Math.floor(lengthPx / minSpacePx));
  for (;;) {
    const step = niceStep(span, count);
    const first = Math.ceil(min / step - 1e-9) * step;
    const ticks: number[] = [];
    for (let v = first; v <= max + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : +v.toPrecision(12));
    if (ticks.length >= 3 || count > 40) return ticks;
    count++;
  }
}

/** Labels for ticks at a uniform step: as many decimals as the step needs. */
export function tickLabels(ticks: readonly number[]): string[] {
  if (ticks.length < 2) return ticks.map((v) => String(+v.toPrecision(4)));
  const step = Math.abs(ticks[1] - ticks[0]);
  const big = Math.max(...ticks.map(Math.abs));
  if (big >= 1e5 || (big > 0 && big < 1e-3)) return ticks.map((v) => (v === 0 ? '0' : v.toExponential(Math.max(0, Math.min(3, -Math.floor(Math.log10(step)) + Math.floor(Math.log10(big)))))));
  const decimals = Math.max(0, Math.min(8, -Math.floor(Math.log10(step) + 1e-9) + (step / 10 ** Math.floor(Math.log10(step)) === 2.5 ? 1 : 0)));
  return ticks.map((v) => v.toFixed(decimals));
}

/**
 * Axis options that keep ≥ 3 tick labels at any size (linear scales; a log scale keeps uPlot's
 * own splits). `horizontal`: the x axis (labels need more room across).
 */
export function niceSplitsAxis(theme: PlotTheme, horizontal: boolean): Partial<uPlot.Axis> {
  const space = horizontal ? theme.fontPx * 4.2 : theme.fontPx * 2.6;
  return {
    splits: (u, axisIdx, min, max) => {
      const scaleKey = u.axes[axisIdx].scale ?? (horizontal ? 'x' : 'y');
      if (u.scales[scaleKey]?.distr === 3) {
        // Log scales should pass { splits: undefined } (uPlot's own); if not, decades.
        const out: number[] = [];
        for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) out.push(10 ** e);
        return out;
      }
      const dpr = window.devicePixelRatio || 1;
      const length = (horizontal ? u.bbox.width : u.bbox.height) / dpr;
      return niceTicks(min, max, length, space);
    },
    values: (u, splits, axisIdx) => {
      const scaleKey = u.axes[axisIdx].scale ?? (horizontal ? 'x' : 'y');
      if (u.scales[scaleKey]?.distr === 3) return splits.map((v) => String(+v.toPrecision(3)));
      return tickLabels(splits);
    },
  };
}

/**
 * A themed axis. `side` 'x' or 'y' picks the tick spacing of niceSplitsAxis (≥ 3 labels); pass
 * `log: true` for a log-scaled axis (uPlot's own splits). Sizes follow the theme's font.
 */
export function axis(theme: PlotTheme, label: string, extra: Partial<uPlot.Axis> = {}, side: 'x' | 'y' = label === 't' || label === '' ? 'x' : 'y'): uPlot.Axis {
  const hc = theme.name === 'light';
  return {
    label,
    stroke: theme.text,
    font: theme.font,
    labelFont: theme.labelFont,
    labelSize: Math.round(theme.fontPx * 1.6),
    grid: { stroke: theme.grid, width: hc ? 1.5 : 1 },
    ticks: { stroke: hc ? theme.text : theme.grid, width: hc ? 2 : 1, size: hc ? 8 : 6 },
    ...(side === 'x' ? { size: Math.round(theme.fontPx * 2.2 + 8) } : { size: Math.round(theme.fontPx * 4.2 + 10) }),
    ...niceSplitsAxis(theme, side === 'x'),
    ...extra,
  };
}

/** A uPlot chart sized to its container (ResizeObserver), destroyed with `destroy`. */
export class FittedPlot {
  readonly plot: uPlot;
  private readonly observer: ResizeObserver;

  private readonly legendShown: boolean;

  constructor(private readonly container: HTMLElement, opts: Omit<uPlot.Options, 'width' | 'height'>, data: uPlot.AlignedData, private readonly minHeight = 120) {
    this.legendShown = opts.legend?.show !== false;
    const { width, height } = this.size();
    this.plot = new uPlot({ ...opts, width, height } as uPlot.Options, data, container);
    // The legend exists only now: fit again with its real height; swatches with dash patterns.
    const fitted = this.size();
    if (fitted.height !== height || fitted.width !== width) this.plot.setSize(fitted);
    if (this.legendShown) styleLegendMarkers(this.plot);
    this.observer = new ResizeObserver(() => {
      const s = this.size();
      if (s.width !== this.plot.width || s.height !== this.plot.height) this.plot.setSize(s);
    });
    this.observer.observe(container);
  }

  private size(): { width: number; height: number } {
    const width = Math.max(160, Math.floor(this.container.clientWidth));
    // A fixed plot height from CSS (--plot-h): the box grows with its title and legend, so a
    // long legend (projector type, narrow screen) never squashes the plot.
    const fixed = parseFloat(getComputedStyle(this.container).getPropertyValue('--plot-h'));
    if (Number.isFinite(fixed) && fixed > 0) return { width, height: Math.max(this.minHeight, Math.round(fixed)) };
    // The legend sits under the plot inside the container: leave it room.
    const legend = this.container.querySelector('.u-legend') as HTMLElement | null;
    const title = this.container.querySelector('.u-title') as HTMLElement | null;
    const extra = (legend ? legend.offsetHeight : this.legendShown ? 28 : 0) + (title ? title.offsetHeight : 22) + 4;
    return { width, height: Math.max(this.minHeight, Math.floor(this.container.clientHeight - extra)) };
  }

  setData(data: uPlot.AlignedData): void {
    this.plot.setData(data);
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot.destroy();
  }
}

/** Labels of series drawn but kept out of legends (the lower edge of a ± band). */
export const HIDDEN_LEGEND_LABELS = new Set(['−1σ', '−1 SE']);

/** Draws a uPlot chart (its canvas and legend text) into a 2D context at (x, y) for the PNG export. */
export function drawPlotInto(ctx: CanvasRenderingContext2D, plot: uPlot, x: number, y: number, theme: PlotTheme, title: string, legend = true): { width: number; height: number } {
  const c = plot.ctx.canvas;
  ctx.fillStyle = theme.text;
  ctx.font = 'bold 14px system-ui, sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText(title, x + 6, y + 2);
  ctx.drawImage(c, x, y + 20, c.width / (window.devicePixelRatio || 1), c.height / (window.devicePixelRatio || 1));
  if (!legend) return { width: c.width / (window.devicePixelRatio || 1), height: c.height / (window.devicePixelRatio || 1) + 24 };
  // The legend is HTML: write the series names with their colours under the plot.
  let lx = x + 8;
  let ly = y + 24 + c.height / (window.devicePixelRatio || 1);
  ctx.font = '12px system-ui, sans-serif';
  plot.series.forEach((s, i) => {
    if (i === 0 || s.show === false || !s.label || HIDDEN_LEGEND_LABELS.has(String(s.label))) return;
    // uPlot turns `stroke` into a function of (plot, seriesIndex) once the chart is built.
    const raw = s.stroke as unknown;
    const stroke = typeof raw === 'function' ? (raw as (u: uPlot, i: number) => unknown)(plot, i) : raw;
    const label = String(s.label);
    const w = 26 + ctx.measureText(label).width;
    const width = c.width / (window.devicePixelRatio || 1);
    if (lx + w > x + width && lx > x + 8) {
      lx = x + 8;
      ly += 16;
    }
    drawSwatch(ctx, lx, ly + 7, typeof stroke === 'string' ? stroke : theme.text, s.width ?? 1, s.dash ?? null, 16);
    ctx.fillStyle = theme.text;
    ctx.fillText(label, lx + 20, ly);
    lx += w;
  });
  return { width: c.width / (window.devicePixelRatio || 1), height: ly + 20 - y };
}

/**
 * Draws plots left to right into a 2D context (PNG export), wrapping to a new row when the
 * next one would not fit in `width`; returns the height used below `y`.
 */
export function drawPlotGrid(ctx: CanvasRenderingContext2D, items: readonly { plot: uPlot; title: string }[], x: number, y: number, width: number, theme: PlotTheme, legend = true): number {
  let cx = x, cy = y, rowH = 0;
  for (const item of items) {
    const size = drawPlotInto(ctx, item.plot, cx, cy, theme, item.title, legend);
    rowH = Math.max(rowH, size.height);
    cx += size.width + 8;
    if (cx + size.width > x + width) {
      cx = x;
      cy += rowH + 8;
      rowH = 0;
    }
  }
  return cy + rowH - y;
}
