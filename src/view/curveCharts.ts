/**
 * Curves over time (uPlot): energy, mean velocity (momentum per particle), the second-moment
 * diagonal ("temperatures" M_ii = (1/N)Σ V_i²) and m4, with the references of models.md:
 * - γ = 0: M(t) − (E/d)I = (M0 − (E/d)I)e^(−4d(t−t0)) (§1.2, exact), m4 by its exact law or the
 *   BKW m4 when init = bkw;
 * - γ = 0, nanbu/fgm: the ±1σ spread of the mean velocity, E(1 − e^(−4(d−1)t/N))/(d·R) (§1.1);
 * - γ = −3, d = 3, bi-Maxwellian: the Trubnikov/NRL isotropisation (§1.3, approximate);
 * - first-order systems (§3): the virial line of the second moment (Biot–Savart m₀ + 4σt, 2D
 *   Coulomb m₀ + (4σ + sχ(N−1)/(2πN))t, reaching 0 in finite time for supercritical Keller–Segel)
 *   and the ±1σ spread 2dσt/N of the centre (equal weights; references.ts meanSpreadLaw).
 * A companion run (another noise system from the same particles) is drawn dashed.
 * The entropy curves have their own panel (entropyCharts.ts).
 */
import uPlot from 'uplot';
import type { Noise } from '../physics/params';
import { bkwM4, coulombCurve, exactM4, exactSecondMomentDiagonal, type SpreadLaw } from '../physics/references/laws';
import { FittedPlot, PLOT_THEMES, axis, drawPlotGrid, type PlotTheme } from './plot';
import type { RunColumns, TimeSeries } from './timeSeries';

export interface CurveConfig {
  d: 2 | 3;
  n: number;
  replicas: number;
  noise: Noise;
  /** γ = 0: the exact moment laws apply. */
  maxwellianMolecules: boolean;
  /** init = bkw and γ = 0. */
  bkw: boolean;
  /** Trubnikov/NRL reference applies (d = 3, γ = −3, bi-Maxwellian). */
  coulomb: boolean;
  /** Noise of the companion run, or null. */
  companion: Noise | null;
  /** Simulation time at step 0. */
  t0: number;
  /** The Landau model (energy conserved on average; the references of §1 apply). */
  landau: boolean;
  /** v (velocities: Landau, torus) or x (positions: first-order systems). */
  symbol: 'v' | 'x';
  highContrast: boolean;
  /** Exact law of the mean's spread (drawn as ±1σ of the replica-averaged mean), or null. */
  spread: SpreadLaw | null;
  /** First-order systems: the virial line of (1/N)Σ|x|² (references.ts virialLine), or null. */
  virial: { slope: number; exact: boolean; label: string; m0: number | null } | null;
}

type PanelId = 'energy' | 'momentum' | 'temperature' | 'm4';

interface Panel {
  id: PanelId;
  box: HTMLDivElement;
  plot: FittedPlot;
  title: string;
}

const AXES = ['x', 'y', 'z'];
/** Series drawn but left out of the legend (the lower half of a ± band). */
const HIDDEN_LABEL = '−1σ';

export class CurveCharts {
  private panels: Panel[] = [];
  private config: CurveConfig | null = null;
  private theme: PlotTheme = PLOT_THEMES.dark;
  private drawnVersion = -1;
  private coulombCache: { key: string; curve: ReturnType<typeof coulombCurve> } | null = null;

  constructor(private readonly container: HTMLElement) {}

  configure(cfg: CurveConfig): void {
    this.destroyPanels();
    this.config = cfg;
    this.drawnVersion = -1;
    this.coulombCache = null;
    const th = (this.theme = PLOT_THEMES[cfg.highContrast ? 'light' : 'dark']);
    const comps = AXES.slice(0, cfg.d);
    const mainLabel = cfg.companion ? ` (${cfg.noise})` : '';
    const compLabel = cfg.companion ? ` (${cfg.companion})` : '';
    const line = (label: string, stroke: string, dash?: number[], width = th.lineWidth): uPlot.Series => ({ label, stroke, width, dash, points: { show: false }, spanGaps: false });

    const energy: uPlot.Series[] = [{}, line(`${cfg.symbol === 'v' ? 'E' : 'm₂'} = (1/N)Σ|${cfg.symbol}|²${mainLabel}`, th.components[3])];
    if (cfg.companion) energy.push(line(`E${compLabel}`, th.components[2], [6, 4]));
    if (cfg.symbol === 'v' && cfg.landau) energy.push(line('E at t₀ (conserved on average)', th.reference, [2, 4], 1));
    if (cfg.virial) {
      const tStar = cfg.virial.m0 !== null && cfg.virial.slope < 0 ? cfg.virial.m0 / -cfg.virial.slope : null;
      const zero = cfg.virial.slope < 0 ? ` — reaches 0 at t* = m₀/|slope|${tStar !== null ? ` ≈ ${tStar.toPrecision(3)}` : ''} (collapse by then)` : '';
      energy.push(line(`${cfg.virial.label}${zero}`, th.exact, [6, 4], th.lineWidth + 0.5));
    }

    const momentum: uPlot.Series[] = [{}];
    const bar = cfg.symbol === 'v' ? 'v̄' : 'x̄';
    comps.forEach((a, k) => momentum.push(line(`${bar}_${a}${mainLabel}`, th.components[k])));
    if (cfg.companion) comps.forEach((a, k) => momentum.push(line(`${bar}_${a}${compLabel}`, th.components[k], [6, 4])));
    if (cfg.spread) {
      const label = cfg.landau
        ? '±1σ spread of v̄: E(1−e^(−4(d−1)t/N))/(dR) (γ = 0, nanbu/fgm)'
        : '±1σ spread of x̄: 2σt/(NR) per axis (K odd, equal weights)';
      momentum.push(line(label, th.reference, [2, 4], 1));
      momentum.push({ ...line('', th.reference, [2, 4], 1), label: HIDDEN_LABEL });
    }

    const temperature: uPlot.Series[] = [{}];
    comps.forEach((a, k) => temperature.push(line(`M_${a}${a}${mainLabel}`, th.components[k])));
    if (cfg.companion) comps.forEach((a, k) => temperature.push(line(`M_${a}${a}${compLabel}`, th.components[k], [6, 4])));
    if (cfg.maxwellianMolecules) comps.forEach((a, k) => temperature.push(line(`exact M_${a}${a} (γ = 0)`, th.components[k], [2, 4], th.lineWidth + 0.5)));
    if (cfg.coulomb) {
      temperature.push(line('θ∥ Trubnikov/NRL (approx.)', th.exact, [8, 4]));
      temperature.push(line('θ⊥ Trubnikov/NRL (approx.)', th.exact, [2, 3]));
    }

    const m4: uPlot.Series[] = [{}, line(`m₄ = (1/N)Σ|${cfg.symbol}|⁴${mainLabel}`, th.components[3])];
    if (cfg.companion) m4.push(line(`m₄${compLabel}`, th.components[2], [6, 4]));
    if (cfg.bkw) m4.push(line('exact BKW m₄(t)', th.exact, [6, 4]));
    else if (cfg.maxwellianMolecules) m4.push(line('exact m₄(t) (γ = 0, zero mean)', th.reference, [3, 3]));

    const v = cfg.symbol === 'v';
    const specs: [PanelId, string, string, uPlot.Series[]][] = [
      ['energy', v ? 'Energy' : 'Second moment (1/N)Σ|x|²', v ? 'E' : '(1/N)Σ|x|²', energy],
      ['momentum', v ? 'Mean velocity (momentum per particle)' : 'Mean position (centre)', v ? 'v̄' : 'x̄', momentum],
      ['temperature', v ? 'Second-moment diagonal (temperatures)' : 'Second-moment diagonal', 'M_ii', temperature],
      ['m4', 'Fourth moment m₄', 'm₄', m4],
    ];
    for (const [id, title, yLabel, series] of specs) {
      const box = document.createElement('div');
      box.className = `curve-chart curve-${id}`;
      box.dataset.panel = id;
      this.container.append(box);
      const plot = new FittedPlot(box, {
        title,
        scales: { x: { time: false } },
        axes: [axis(th, 't'), axis(th, yLabel, { size: 62 })],
        series,
        legend: { show: true, live: false },
        cursor: { show: false },
      }, series.map(() => []) as unknown as uPlot.AlignedData, 110);
      for (const row of plot.plot.root.querySelectorAll<HTMLElement>('.u-legend .u-series')) {
        if (row.textContent?.trim() === HIDDEN_LABEL) row.style.display = 'none';
      }
      this.panels.push({ id, box, plot, title });
    }
  }

  /** Redraws from the series if it changed since the last call. */
  update(ts: TimeSeries): void {
    const cfg = this.config;
    if (!cfg || ts.version === this.drawnVersion || ts.length === 0) return;
    this.drawnVersion = ts.version;
    const main = ts.main;
    const comp = cfg.companion && ts.companion.t.length === main.t.length ? ts.companion : null;
    const t = main.t;
    const nullable = (a: number[]) => a.map((x) => (Number.isFinite(x) ? x : null));
    const first = ts.first!;
    const elapsed = t.map((x) => x - first.t);
    const sameLength = (c: RunColumns | null, pick: (c: RunColumns) => number[]) => (c ? nullable(pick(c)) : null);

    for (const p of this.panels) {
      const data: (number | null)[][] = [t];
      // A falling virial line is drawn on to its zero t* = m₀/|slope| (one more x value): the
      // prediction of the collapse time is visible before the run gets there.
      let extra: number | null = null;
      switch (p.id) {
        case 'energy': {
          data.push(nullable(main.energy));
          const ce = sameLength(comp, (c) => c.energy);
          if (cfg.companion) data.push(ce ?? t.map(() => null));
          if (cfg.symbol === 'v' && cfg.landau) data.push(t.map(() => first.m.energy));
          if (cfg.virial) {
            const { slope } = cfg.virial;
            // The line stops at 0 (a second moment cannot be negative): t* = m₀/|slope|.
            data.push(elapsed.map((e) => {
              const m = first.m.energy + slope * e;
              return m >= 0 ? m : null;
            }));
            const tStar = slope < 0 ? first.t + first.m.energy / -slope : null;
            if (tStar !== null && tStar > t[t.length - 1]) extra = tStar;
          }
          break;
        }
        case 'momentum': {
          for (let k = 0; k < cfg.d; k++) data.push(nullable(main.momentum[k]));
          if (cfg.companion) for (let k = 0; k < cfg.d; k++) data.push(comp ? nullable(comp.momentum[k]) : t.map(() => null));
          if (p.plot.plot.series.length > data.length) {
            // ±σ(t) around the initial mean: law/(d·R) per component, law = E|V̄(t) − V̄(0)|².
            const law = cfg.spread!;
            const s = elapsed.map((e) => Math.sqrt(law.at(cfg.n, e, first.m.energy) / (cfg.d * cfg.replicas)));
            data.push(s, s.map((x) => -x));
          }
          break;
        }
        case 'temperature': {
          for (let k = 0; k < cfg.d; k++) data.push(nullable(main.secondDiag[k]));
          if (cfg.companion) for (let k = 0; k < cfg.d; k++) data.push(comp ? nullable(comp.secondDiag[k]) : t.map(() => null));
          if (cfg.maxwellianMolecules) {
            const exact = elapsed.map((e) => exactSecondMomentDiagonal(cfg.d, first.m.secondMoment, first.m.momentum, e));
            for (let k = 0; k < cfg.d; k++) data.push(exact.map((row) => row[k]));
          }
          if (cfg.coulomb) {
            const par0 = first.m.secondMoment[0][0] - first.m.momentum[0] ** 2;
            const perp0 = 0.5 * (first.m.secondMoment[1][1] - first.m.momentum[1] ** 2 + first.m.secondMoment[2][2] - first.m.momentum[2] ** 2);
            const tEnd = elapsed[elapsed.length - 1];
            const key = `${par0},${perp0}`;
            // Integrate on a grid that grows with t (cache: recompute when t doubles).
            if (!this.coulombCache || this.coulombCache.key !== key || this.coulombCache.curve.t[this.coulombCache.curve.t.length - 1] < tEnd) {
              this.coulombCache = { key, curve: coulombCurve(par0, perp0, Math.max(2 * tEnd, 0.05), 800) };
            }
            const c = this.coulombCache.curve;
            const at = (arr: Float64Array, e: number) => {
              const x = (e / c.t[c.t.length - 1]) * (c.t.length - 1);
              const i = Math.min(c.t.length - 2, Math.floor(x));
              return arr[i] + (arr[i + 1] - arr[i]) * (x - i);
            };
            data.push(elapsed.map((e) => at(c.thetaPar, e)), elapsed.map((e) => at(c.thetaPerp, e)));
          }
          break;
        }
        case 'm4': {
          data.push(nullable(main.m4));
          if (cfg.companion) data.push(comp ? nullable(comp.m4) : t.map(() => null));
          if (cfg.bkw) data.push(t.map((x) => bkwM4(cfg.d, x)));
          else if (cfg.maxwellianMolecules) data.push(elapsed.map((e) => exactM4(cfg.d, first.m.m4, first.m.secondMoment, e)));
          break;
        }
      }
      if (extra !== null) {
        data[0] = [...t, extra];
        for (let k = 1; k < data.length; k++) data[k] = [...data[k], k === data.length - 1 ? 0 : null];
      }
      p.plot.setData(data as unknown as uPlot.AlignedData);
    }
  }

  /** Draws the panels into a 2D context (PNG export), two per row; returns the height used. */
  drawInto(ctx: CanvasRenderingContext2D, x: number, y: number, width: number): number {
    return drawPlotGrid(ctx, this.panels.map((p) => ({ plot: p.plot.plot, title: p.title })), x, y, width, this.theme);
  }

  private destroyPanels(): void {
    for (const p of this.panels) {
      p.plot.destroy();
      p.box.remove();
    }
    this.panels = [];
  }

  dispose(): void {
    this.destroyPanels();
    this.config = null;
  }
}
