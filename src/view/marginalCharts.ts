/**
 * Marginal densities (uPlot): histograms of v_x, v_y, v_z and |v| from the GPU histogram pass
 * (or the CPU binning), normalised to densities, with the Maxwellian of the same mass, momentum
 * and energy overlaid, and the exact BKW marginal when init = bkw and γ = 0 (models.md §1.2).
 * Positions (issue 5): x₁, x₂ (, x₃) and |x| with the Lamb–Oseen heat-kernel law
 * N(0, (s₀² + 2σt) I) (models.md §3: components Gaussian, |x| with density (r/v)e^(−r²/2v) in 2D);
 * on the torus the coordinates on [0, 1) against the uniform equilibrium (and the exact cosine
 * mode 1 + A e^(−rt) cos 2πx₁ for init=cosine), no distance chart.
 */
import uPlot from 'uplot';
import { HIST_BINS, type Histograms, type HistogramRange } from '../gpu/passes/histogram';
import { lambOseenRadialDensity } from '../physics/references/firstOrder';
import { bkwComponentDensity, bkwSpeedDensity, gaussianDensity, maxwellianOf, maxwellianSpeedDensity } from '../physics/references/laws';
import { ColourPicker, FittedPlot, PLOT_THEMES, axis, drawPlotGrid, drawSwatch, legendSwatch, type PlotTheme } from './plot';

export interface MarginalConfig {
  d: 2 | 3;
  range: HistogramRange;
  /** Overlay the BKW exact marginal. */
  bkw: boolean;
  /** Overlay the Maxwellian with the same moments (Landau only). */
  maxwellian: boolean;
  /** v (velocities) or x (positions). */
  symbol: 'v' | 'x';
  highContrast: boolean;
  /** Vortices with all m = +1 from N(0, s₀² I): overlay the Lamb–Oseen law at the histogram's t. */
  lambOseen?: { width: number; sigma: number } | null;
  /** Torus: overlay the uniform law (and, for init=cosine, the exact mode with amplitude amp·e^(−rate t)). */
  torus?: { cosine: { amp: number; rate: number } | null } | null;
  /**
   * Issue 12: legend name of the deterministic limit (physics/limit reference.ts limitName); its
   * marginals at the histogram's t come from setLimitReference, drawn as bin averages (the same
   * bins as the histogram). Null or absent: none (anisotropic data).
   */
  limit?: string | null;
}

/** What the marginal charts read from the limit equation (LimitReference implements it). */
export interface LimitMarginalSource {
  at(t: number): { componentBinMasses(edges: readonly number[]): number[]; speedBinMasses(edges: readonly number[]): number[] } | null;
}

export interface MarginalMoments {
  /** Mean of the particles; with a non-finite or non-positive `energy`: not known yet. */
  momentum: number[];
  /**
   * (1/N)Σ|v|² of the binned particles. Not known yet (NaN, or 0 as the loop passes before the
   * first moments readback): the overlay then uses the moments of the histogram itself, so the
   * Maxwellian is drawn from step 0 (issue 14), and `refresh` redraws with the exact ones.
   */
  energy: number;
  /** Simulation time of the histogram (BKW curve). */
  t: number;
}

/** Subscripts, the same notation in every chart, heading and legend (issue 14). */
const TITLES = ['v₁', 'v₂', 'v₃', 'speed |v|'];

/** Line styles of the overlays (the legend swatches show the same pattern). */
const DASH = { solid: undefined, dashed: [6, 4], dotted: [2, 4] } as const;
type LineStyle = keyof typeof DASH;

export class MarginalCharts {
  private charts: { box: HTMLDivElement; plot: FittedPlot; kind: number }[] = [];
  private legend: HTMLDivElement | null = null;
  private config: MarginalConfig | null = null;
  private theme: PlotTheme = PLOT_THEMES.dark;
  /** Last drawn data (for tests and the PNG export). */
  lastDensities: number[][] = [];
  version = 0;

  constructor(private readonly container: HTMLElement) {}

  configure(cfg: MarginalConfig): void {
    const c = this.config;
    if (c && JSON.stringify(c) === JSON.stringify(cfg)) return;
    this.destroyCharts();
    this.config = cfg;
    this.theme = PLOT_THEMES[cfg.highContrast ? 'light' : 'dark'];
    const kinds = cfg.torus ? (cfg.d === 3 ? [0, 1, 2] : [0, 1]) : cfg.d === 3 ? [0, 1, 2, 3] : [0, 1, 3];
    this.legend = this.sharedLegend(cfg);
    this.container.append(this.legend);
    for (const kind of kinds) {
      const box = document.createElement('div');
      box.className = 'marginal-chart';
      box.dataset.kind = TITLES[kind];
      const title = this.title(kind);
      this.container.append(box);
      const th = this.theme;
      const centers = this.centers(kind);
      const series: uPlot.Series[] = [
        {},
        {
          label: 'histogram', stroke: th.histogramStroke, fill: th.histogramFill, width: 1,
          paths: uPlot.paths.bars!({ size: [1, Infinity], align: 0 }), points: { show: false },
        },
      ];
      for (const [label, colour, style] of this.legendItems(cfg).slice(1)) {
        series.push({ label, stroke: colour, width: th.refWidth, dash: style === 'fill' ? undefined : DASH[style] as number[] | undefined, points: { show: false } });
      }
      const empty = centers.map(() => null);
      const c0 = cfg.range.center ?? 0;
      const plot = new FittedPlot(box, {
        title,
        scales: { x: { time: false, range: kind === 3 ? [0, cfg.range.speedMax] : [c0 - cfg.range.vMax, c0 + cfg.range.vMax] }, y: { range: (_u, _min, max) => [0, Math.max(max, 1e-6) * 1.08] } },
        axes: [axis(th, '', {}, 'x'), axis(th, 'density', {}, 'y')],
        series,
        legend: { show: false },
        cursor: { show: false },
      }, [centers, ...series.slice(1).map(() => empty)] as unknown as uPlot.AlignedData, 110);
      this.charts.push({ box, plot, kind });
    }
  }

  /** One legend for all the small charts (they share their series). */
  private sharedLegend(cfg: MarginalConfig): HTMLDivElement {
    const th = this.theme;
    const el = document.createElement('div');
    el.className = 'marginal-legend';
    const item = (label: string, style: Partial<CSSStyleDeclaration>) => {
      const span = document.createElement('span');
      const sw = document.createElement('i');
      Object.assign(sw.style, style);
      span.append(sw, label);
      el.append(span);
    };
    for (const [label, colour, style] of this.legendItems(cfg)) {
      item(label, style === 'fill'
        ? { background: th.histogramFill, border: `1px solid ${colour}`, height: '10px' }
        : { backgroundImage: legendSwatch(colour, th.refWidth, DASH[style] ?? null) });
      const sw = el.lastElementChild?.querySelector('i');
      if (sw) sw.dataset.dash = style;
    }
    return el;
  }

  /** Legend entries: label, colour (no colour twice), line style ('fill' for the histogram). */
  private legendItems(cfg: MarginalConfig): [string, string, 'fill' | LineStyle][] {
    const th = this.theme;
    const pick = new ColourPicker(th);
    pick.take(th.histogramStroke);
    const items: [string, string, 'fill' | LineStyle][] = [['histogram (density)', th.histogramStroke, 'fill']];
    if (cfg.maxwellian) items.push(['Maxwellian with the same mass, momentum, energy (of the particles shown)', pick.take(th.reference), 'solid']);
    if (cfg.bkw) items.push(['exact BKW solution at this t', pick.take(th.exact), 'dashed']);
    if (cfg.limit) items.push([`${cfg.limit}, at this t (bin averages)`, pick.take(), 'dotted']);
    if (cfg.lambOseen) items.push([cfg.d === 2 ? 'exact Lamb–Oseen law N(0, (s₀² + 2σt) I) at this t (components; |x|: (r/v)e^(−r²/2v))' : 'exact Lamb–Oseen law N(0, (s₀² + 2σt) I) at this t', pick.take(th.exact), 'dashed']);
    if (cfg.torus) {
      items.push(['uniform equilibrium (density 1)', pick.take(th.reference), 'dotted']);
      if (cfg.torus.cosine) items.push(['exact limit 1 + A e^(−4π²(λ+κ/2d)t) cos 2πx₁ at this t', pick.take(th.exact), 'dashed']);
    }
    return items;
  }

  private title(kind: number): string {
    const sym = this.config?.symbol ?? 'v';
    return kind === 3 ? (sym === 'v' ? 'speed |v|' : 'distance |x|') : `${sym}${'₁₂₃'[kind]}`;
  }

  private centers(kind: number): number[] {
    const r = this.config!.range;
    const lo = kind === 3 ? 0 : (r.center ?? 0) - r.vMax;
    const w = (kind === 3 ? r.speedMax : 2 * r.vMax) / HIST_BINS;
    return Array.from({ length: HIST_BINS }, (_, k) => lo + (k + 0.5) * w);
  }

  private limitSource: LimitMarginalSource | null = null;

  /** The limit source and whether it had reached the histogram's t, at the last draw. */
  private drawnLimit: { source: LimitMarginalSource | null; reached: boolean } = { source: null, reached: false };

  /**
   * Issue 12: the marginals of the deterministic limit (a LimitReference; null: none). Redraws
   * only when that changes the charts: another source, or the first one to reach the drawn
   * histogram's t. The worker sends a snapshot every 0.01 of time (about 100 per solve); a
   * redraw per snapshot kept the 2D canvases waiting on GPU backpressure for seconds on
   * SwiftShader (Chromium trace: CanvasRenderingContext2D::FinalizeFrame), and the page stopped
   * answering meanwhile.
   */
  setLimitReference(source: LimitMarginalSource | null): void {
    this.limitSource = source;
    if (!this.lastHistogram || !this.lastMoments || !this.config?.limit) return;
    const d = this.drawnLimit;
    if (source === d.source && (d.reached || !source || source.at(this.lastMoments.t) === null)) return;
    this.update(this.lastHistogram, this.lastMoments);
  }

  private lastHistogram: Histograms | null = null;
  private lastMoments: MarginalMoments | null = null;

  /**
   * Redraws the last histogram with these moments (the frame loop calls it when the moments of
   * the histogram's step arrive after the histogram: step 0 of a link or a Reset).
   */
  refresh(m: MarginalMoments): void {
    if (this.lastHistogram) this.update(this.lastHistogram, m);
  }

  /** Where the overlay's moments came from at the last draw ('particles' or 'histogram'). */
  momentsSource: 'particles' | 'histogram' = 'particles';

  update(h: Histograms, given: MarginalMoments): void {
    const cfg = this.config;
    if (!cfg) return;
    this.lastHistogram = h;
    this.lastMoments = given;
    const known = Number.isFinite(given.energy) && given.energy > 0;
    const m = known ? given : { ...given, ...histogramMoments(h, this.centers.bind(this)) };
    this.momentsSource = known ? 'particles' : 'histogram';
    const { u, T } = maxwellianOf(m.momentum, m.energy, cfg.d);
    const drift = Math.hypot(...u);
    this.lastDensities = [];
    let limitState: ReturnType<LimitMarginalSource['at']> | undefined;
    for (const { plot, kind } of this.charts) {
      const counts = kind === 3 ? h.speed : h.components[kind];
      const centers = this.centers(kind);
      const w = centers[1] - centers[0];
      const density = Array.from(counts, (c) => c / (h.total * w));
      const maxwell = centers.map((x) => (kind === 3 ? maxwellianSpeedDensity(x, drift, T, cfg.d) : gaussianDensity(x, u[kind] ?? 0, T)));
      const data: (number | null)[][] = [centers, density];
      if (cfg.maxwellian) data.push(maxwell);
      if (cfg.bkw) data.push(centers.map((x) => (kind === 3 ? bkwSpeedDensity(x, cfg.d, m.t) : bkwComponentDensity(x, cfg.d, m.t))));
      if (cfg.limit) {
        if (limitState === undefined) {
          limitState = this.limitSource?.at(m.t) ?? null;
          this.drawnLimit = { source: this.limitSource, reached: limitState !== null };
        }
        const state = limitState;
        const edges = [...centers.map((x) => x - w / 2), centers[centers.length - 1] + w / 2];
        const masses = state ? (kind === 3 ? state.speedBinMasses(edges) : state.componentBinMasses(edges)) : null;
        data.push(masses ? masses.map((q) => q / w) : centers.map(() => null));
      }
      if (cfg.lambOseen) {
        const v = cfg.lambOseen.width ** 2 + 2 * cfg.lambOseen.sigma * m.t;
        // |x| in 2D: (r/v)e^(−r²/2v); the 3D radial law is not drawn (Biot–Savart is 2D).
        data.push(centers.map((x) => (kind === 3 ? (cfg.d === 2 ? lambOseenRadialDensity(x, v) : null) : gaussianDensity(x, 0, v))));
      }
      if (cfg.torus) {
        data.push(centers.map((x) => (x >= 0 && x < 1 ? 1 : 0)));
        const cos = cfg.torus.cosine;
        if (cos) {
          const a = cos.amp * Math.exp(-cos.rate * m.t);
          data.push(centers.map((x) => (kind === 0 ? 1 + a * Math.cos(2 * Math.PI * x) : 1)));
        }
      }
      plot.setData(data as unknown as uPlot.AlignedData);
      this.lastDensities.push(density);
      // For tests and the curious: the tallest reference value drawn, and the moments' source.
      const box = this.charts.find((c) => c.plot === plot)?.box;
      if (box) {
        box.dataset.referenceMax = cfg.maxwellian ? String(Math.max(...maxwell.filter(Number.isFinite))) : '';
        box.dataset.moments = this.momentsSource;
        // 'drawn' once the deterministic limit's marginals are on the chart (tests).
        box.dataset.limit = cfg.limit ? (limitState ? 'drawn' : 'pending') : '';
      }
    }
    this.version++;
  }

  /** Draws the charts into a 2D context (PNG export); returns the height used. */
  drawInto(ctx: CanvasRenderingContext2D, x: number, y: number, width: number): number {
    // One legend line (the charts share their series), then the charts without legends.
    const th = this.theme;
    ctx.font = '13px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    let lx = x + 8;
    const items = this.config ? this.legendItems(this.config) : [];
    for (const [label, colour, style] of items) {
      if (style === 'fill') {
        ctx.fillStyle = colour;
        ctx.fillRect(lx, y + 3, 16, 8);
      } else drawSwatch(ctx, lx, y + 7, colour, th.refWidth, DASH[style] ?? null, 16);
      ctx.fillStyle = th.text;
      ctx.fillText(label, lx + 20, y);
      lx += 36 + ctx.measureText(label).width;
    }
    const plots = this.charts.map(({ plot, kind }) => ({ plot: plot.plot, title: `${this.title(kind)} density` }));
    return 20 + drawPlotGrid(ctx, plots, x, y + 20, width, this.theme, false);
  }

  private destroyCharts(): void {
    this.lastHistogram = null;
    this.lastMoments = null;
    for (const c of this.charts) {
      c.plot.destroy();
      c.box.remove();
    }
    this.charts = [];
    this.legend?.remove();
    this.legend = null;
  }

  dispose(): void {
    this.destroyCharts();
    this.config = null;
  }
}

/**
 * Mean and (1/N)Σ|v|² of the binned particles from the component histograms (bin centres, plus
 * the within-bin variance w²/12): the overlay's moments before the exact ones arrive.
 */
export function histogramMoments(h: Histograms, centers: (kind: number) => number[]): { momentum: number[]; energy: number } {
  const momentum: number[] = [];
  let energy = 0;
  for (let c = 0; c < h.d; c++) {
    const xs = centers(c);
    const w = xs[1] - xs[0];
    let n = 0, s1 = 0, s2 = 0;
    h.components[c].forEach((k, i) => {
      n += k;
      s1 += k * xs[i];
      s2 += k * xs[i] * xs[i];
    });
    momentum.push(n > 0 ? s1 / n : 0);
    energy += n > 0 ? s2 / n + (w * w) / 12 : 0;
  }
  return { momentum, energy };
}
