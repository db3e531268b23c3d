/**
 * Small helpers around uPlot shared by the marginal and curve charts: themed options, a chart
 * that follows its container's size, and the colours used for components and references.
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
  font: string;
  labelFont: string;
}

export const PLOT_THEMES: Record<'dark' | 'light', PlotTheme> = {
  dark: {
    name: 'dark', text: '#d8dee9', grid: 'rgba(216,222,233,0.12)',
    components: ['#ff7b72', '#7ee787', '#79c0ff', '#e3b341'],
    reference: '#ffffff', exact: '#ffa657',
    histogramFill: 'rgba(121,192,255,0.35)', histogramStroke: 'rgba(121,192,255,0.9)',
    lineWidth: 1.5, font: '12px system-ui, sans-serif', labelFont: '13px system-ui, sans-serif',
  },
  light: {
    name: 'light', text: '#000000', grid: 'rgba(0,0,0,0.18)',
    components: ['#c00000', '#006400', '#0033cc', '#8a4b00'],
    reference: '#000000', exact: '#d45500',
    histogramFill: 'rgba(0,51,204,0.25)', histogramStroke: '#0033cc',
    lineWidth: 2.5, font: 'bold 14px system-ui, sans-serif', labelFont: 'bold 15px system-ui, sans-serif',
  },
};

export function axis(theme: PlotTheme, label: string, extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return {
    label,
    stroke: theme.text,
    font: theme.font,
    labelFont: theme.labelFont,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
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
    // The legend exists only now: fit again with its real height.
    const fitted = this.size();
    if (fitted.height !== height || fitted.width !== width) this.plot.setSize(fitted);
    this.observer = new ResizeObserver(() => {
      const s = this.size();
      if (s.width !== this.plot.width || s.height !== this.plot.height) this.plot.setSize(s);
    });
    this.observer.observe(container);
  }

  private size(): { width: number; height: number } {
    // The legend sits under the plot inside the container: leave it room.
    const legend = this.container.querySelector('.u-legend') as HTMLElement | null;
    const title = this.container.querySelector('.u-title') as HTMLElement | null;
    const extra = (legend ? legend.offsetHeight : this.legendShown ? 28 : 0) + (title ? title.offsetHeight : 22) + 4;
    return {
      width: Math.max(160, Math.floor(this.container.clientWidth)),
      height: Math.max(this.minHeight, Math.floor(this.container.clientHeight - extra)),
    };
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
    ctx.fillStyle = typeof stroke === 'string' ? stroke : theme.text;
    ctx.fillRect(lx, ly + 5, 14, 3);
    ctx.fillStyle = theme.text;
    ctx.fillText(label, lx + 18, ly);
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
