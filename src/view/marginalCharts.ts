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
import { FittedPlot, PLOT_THEMES, axis, drawPlotGrid, type PlotTheme } from './plot';

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
}

export interface MarginalMoments {
  momentum: number[];
  energy: number;
  /** Simulation time of the histogram (BKW curve). */
  t: number;
}

const TITLES = ['v_x', 'v_y', 'v_z', 'speed |v|'];

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
      if (cfg.maxwellian) series.push({ label: 'Maxwellian (same mass, momentum, energy)', stroke: th.reference, width: th.lineWidth, points: { show: false } });
      if (cfg.bkw) series.push({ label: 'exact BKW', stroke: th.exact, width: th.lineWidth, dash: [6, 4], points: { show: false } });
      if (cfg.lambOseen) series.push({ label: 'Lamb–Oseen', stroke: th.exact, width: th.lineWidth, dash: [6, 4], points: { show: false } });
      if (cfg.torus) {
        series.push({ label: 'uniform', stroke: th.reference, width: th.lineWidth, dash: [2, 4], points: { show: false } });
        if (cfg.torus.cosine) series.push({ label: 'exact cosine mode', stroke: th.exact, width: th.lineWidth, dash: [6, 4], points: { show: false } });
      }
      const empty = centers.map(() => null);
      const c0 = cfg.range.center ?? 0;
      const plot = new FittedPlot(box, {
        title,
        scales: { x: { time: false, range: kind === 3 ? [0, cfg.range.speedMax] : [c0 - cfg.range.vMax, c0 + cfg.range.vMax] }, y: { range: (_u, _min, max) => [0, Math.max(max, 1e-6) * 1.08] } },
        axes: [axis(th, '', { size: 30 }), axis(th, 'density', { size: 54 })],
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
      item(label, style === 'fill' ? { background: th.histogramFill, border: `1px solid ${colour}`, height: '10px' } : { borderTop: `${th.lineWidth + 1}px ${style} ${colour}` });
    }
    return el;
  }

  /** Legend entries: label, colour, line style ('fill' for the histogram). */
  private legendItems(cfg: MarginalConfig): [string, string, 'fill' | 'solid' | 'dashed' | 'dotted'][] {
    const th = this.theme;
    const items: [string, string, 'fill' | 'solid' | 'dashed' | 'dotted'][] = [['histogram (density)', th.histogramStroke, 'fill']];
    if (cfg.maxwellian) items.push(['Maxwellian with the same mass, momentum, energy', th.reference, 'solid']);
    if (cfg.bkw) items.push(['exact BKW solution at this t', th.exact, 'dashed']);
    if (cfg.lambOseen) items.push([cfg.d === 2 ? 'exact Lamb–Oseen law N(0, (s₀² + 2σt) I) at this t (components; |x|: (r/v)e^(−r²/2v))' : 'exact Lamb–Oseen law N(0, (s₀² + 2σt) I) at this t', th.exact, 'dashed']);
    if (cfg.torus) {
      items.push(['uniform equilibrium (density 1)', th.reference, 'dotted']);
      if (cfg.torus.cosine) items.push(['exact limit 1 + A e^(−4π²(λ+κ/2d)t) cos 2πx₁ at this t', th.exact, 'dashed']);
    }
    return items;
  }

  private title(kind: number): string {
    const sym = this.config?.symbol ?? 'v';
    return kind === 3 ? (sym === 'v' ? 'speed |v|' : 'distance |x|') : sym === 'v' ? `v_${'xyz'[kind]}` : `x_${kind + 1}`;
  }

  private centers(kind: number): number[] {
    const r = this.config!.range;
    const lo = kind === 3 ? 0 : (r.center ?? 0) - r.vMax;
    const w = (kind === 3 ? r.speedMax : 2 * r.vMax) / HIST_BINS;
    return Array.from({ length: HIST_BINS }, (_, k) => lo + (k + 0.5) * w);
  }

  update(h: Histograms, m: MarginalMoments): void {
    const cfg = this.config;
    if (!cfg) return;
    const { u, T } = maxwellianOf(m.momentum, m.energy, cfg.d);
    const drift = Math.hypot(...u);
    this.lastDensities = [];
    for (const { plot, kind } of this.charts) {
      const counts = kind === 3 ? h.speed : h.components[kind];
      const centers = this.centers(kind);
      const w = centers[1] - centers[0];
      const density = Array.from(counts, (c) => c / (h.total * w));
      const maxwell = centers.map((x) => (kind === 3 ? maxwellianSpeedDensity(x, drift, T, cfg.d) : gaussianDensity(x, u[kind] ?? 0, T)));
      const data: (number | null)[][] = [centers, density];
      if (cfg.maxwellian) data.push(maxwell);
      if (cfg.bkw) data.push(centers.map((x) => (kind === 3 ? bkwSpeedDensity(x, cfg.d, m.t) : bkwComponentDensity(x, cfg.d, m.t))));
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
    for (const [label, colour] of items) {
      ctx.fillStyle = colour;
      ctx.fillRect(lx, y + 6, 16, 3);
      ctx.fillStyle = th.text;
      ctx.fillText(label, lx + 20, y);
      lx += 36 + ctx.measureText(label).width;
    }
    const plots = this.charts.map(({ plot, kind }) => ({ plot: plot.plot, title: `${this.title(kind)} density` }));
    return 20 + drawPlotGrid(ctx, plots, x, y + 20, width, this.theme, false);
  }

  private destroyCharts(): void {
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
