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
import type { LimitScalarSource } from './entropyCharts';
import { bkwM4, coulombCurve, exactM4, exactSecondMomentDiagonal, type SpreadLaw } from '../physics/references/laws';
import { ColourPicker, FittedPlot, PLOT_THEMES, axis, drawPlotGrid, type PlotTheme } from './plot';
import { energyVariance, eulerMaruyamaEnergy } from './energyReferences';
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
  /** The companion run's label (its noise system, or 'all-pairs' beside random batches), or null. */
  companion: string | null;
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
  /**
   * Time step (issue 14): with it, Landau runs at γ = 0 draw the expected Euler–Maruyama drift
   * of the energy, E₀e^(4(d−1)²dt·t) (energyReferences.ts). Optional until the loop passes it.
   */
  dt?: number;
  /**
   * The model (issue 14): on the torus the panels are the Fourier modes of the positions
   * (moments of positions in [0, 1) mean nothing on a torus). Optional until the loop passes it;
   * without it the torus is recognised by symbol 'x' with no virial line and no spread law.
   */
  model?: 'landau' | 'first-order' | 'torus';
  /**
   * Random batches of the main run (models.md §1.5): 'exact-pairs' (kac, p = 2: E conserved every
   * step, no Euler–Maruyama drift), 'batches' (its drift differs from all pairs', not drawn), or
   * absent for all pairs.
   */
  batches?: 'exact-pairs' | 'batches';
  /** Torus, init = cosine: the exact mode amplitude A e^(−rate t) of 1 + A e^(−rate t) cos 2πx₁. */
  torusCosine?: { amp: number; rate: number } | null;
  /** Issue 12: legend name of the deterministic limit (m₄ curve from setLimitReference), or null. */
  limit?: string | null;
}

type PanelId = 'energy' | 'momentum' | 'temperature' | 'm4' | 'modes';

interface Panel {
  id: PanelId;
  box: HTMLDivElement;
  plot: FittedPlot;
  title: string;
  note: HTMLParagraphElement | null;
}

/** Subscripts: the same notation in every chart (issue 14). */
const SUB = ['₁', '₂', '₃'];
/** Series drawn but left out of the legend (the lower half of a ± band). */
const HIDDEN_LABEL = '−1σ';

export class CurveCharts {
  private panels: Panel[] = [];
  private config: CurveConfig | null = null;
  private theme: PlotTheme = PLOT_THEMES.dark;
  private drawnVersion = -1;
  private limitSource: LimitScalarSource | null = null;

  /** Issue 12: the m₄(t) of the deterministic limit (a LimitReference; null: none). */
  setLimitReference(source: LimitScalarSource | null): void {
    this.limitSource = source;
    this.drawnVersion = -1;
  }
  private coulombCache: { key: string; curve: ReturnType<typeof coulombCurve> } | null = null;

  constructor(private readonly container: HTMLElement) {}

  configure(cfg: CurveConfig): void {
    this.destroyPanels();
    this.config = cfg;
    this.drawnVersion = -1;
    this.coulombCache = null;
    const th = (this.theme = PLOT_THEMES[cfg.highContrast ? 'light' : 'dark']);
    if (isTorus(cfg)) {
      this.configureTorus(cfg, th);
      return;
    }
    const d = cfg.d;
    const mainLabel = cfg.companion ? ` (${cfg.noise})` : '';
    const compLabel = cfg.companion ? ` (${cfg.companion})` : '';
    const line = (label: string, stroke: string, dash?: number[], width = th.lineWidth): uPlot.Series => ({ label, stroke, width, dash, points: { show: false }, spanGaps: false });
    const ref = th.refWidth;
    const v = cfg.symbol === 'v';
    const notes: Partial<Record<PanelId, string>> = {};

    // Energy: what is really conserved (issue 14). kac: E pathwise in continuous time; nanbu/fgm:
    // only its expectation, with an exact spread at γ = 0; every noise: the Euler–Maruyama drift.
    const pe = new ColourPicker(th);
    const energy: uPlot.Series[] = [{}, line(`${v ? 'E' : 'm₂'} = (1/N)Σ|${cfg.symbol}|²${mainLabel}`, pe.take(th.components[3]))];
    if (cfg.companion) energy.push(line(`E${compLabel}`, pe.take(th.components[2]), [6, 4]));
    // The exact spread of E holds for independent noises with the all-pairs covariance: nanbu, fgm
    // and rotation (per ordered pair, like fgm: models.md §1.4), not under random batches.
    const spreadNoise = cfg.batches ? null : [cfg.noise, cfg.companion].find((x) => x === 'nanbu' || x === 'fgm' || x === 'rotation') ?? null;
    if (v && cfg.landau) {
      const kacOnly = cfg.noise === 'kac' && !cfg.companion;
      const e0Label = cfg.batches === 'exact-pairs' ? 'E₀ (exact random pairs: conserved every step)' : kacOnly ? 'E₀ (kac: conserved in continuous time)' : 'E₀ (conserved on average)';
      energy.push(line(e0Label, pe.take(th.reference), [2, 4], ref));
      if (cfg.maxwellianMolecules && spreadNoise) {
        const c = pe.take(th.palette[6]);
        energy.push(line(`E₀ ± 1σ, spread of ${spreadNoise}'s E (exact, γ = 0)`, c, [8, 3, 2, 3], ref));
        energy.push({ ...line('', c, [8, 3, 2, 3], ref), label: HIDDEN_LABEL });
        notes.energy = `${spreadNoise} conserves E only on average: E(t) is a martingale, Var = (8/N)∫(E² − ‖M‖²)dt/R at γ = 0 (band). `;
      }
      if (cfg.batches === 'exact-pairs') {
        notes.energy = `${notes.energy ?? ''}Exact random pairs move each pair on its sphere: E is conserved every step, to float32 rounding (models.md §1.5).`;
      } else if (cfg.batches === 'batches') {
        notes.energy = `${notes.energy ?? ''}Random batches: E is conserved on average in continuous time; the Euler–Maruyama drift of batches differs from all pairs' and is not drawn.`;
      } else if (cfg.maxwellianMolecules && cfg.dt) {
        energy.push(line(`E₀e^(4(d−1)²dt·t), Euler–Maruyama drift (dt = ${cfg.dt})`, pe.take(th.exact), [1, 3], ref + 0.5));
        notes.energy = `${notes.energy ?? ''}Each Euler–Maruyama step adds 4(d−1)²E·dt² on average (γ = 0, all noises): the dotted line; it vanishes as dt → 0.`;
      } else if (cfg.noise === 'kac') {
        notes.energy = `${notes.energy ?? ''}kac conserves E exactly only in continuous time: Euler–Maruyama steps change it by O(dt).`;
      }
    }
    if (cfg.virial) {
      const tStar = cfg.virial.m0 !== null && cfg.virial.slope < 0 ? cfg.virial.m0 / -cfg.virial.slope : null;
      const zero = cfg.virial.slope < 0 ? ` — 0 at t* ${tStar !== null ? `≈ ${tStar.toPrecision(3)}` : '= m₀/|slope|'}` : '';
      energy.push(line(`${cfg.virial.label}${zero}`, pe.take(th.exact), [6, 4], ref + 0.5));
      notes.energy = cfg.virial.slope < 0
        ? 'The virial line is exact for the particles in continuous time (ε = 0). Near t* the cloud is so small that a close pair moves farther than its distance in one step: m₂ then leaves the line. That is time-step error (smaller dt follows the line longer), not a failure of the law.'
        : cfg.virial.exact ? 'The virial line is exact for the particles (ε = 0, continuous time); Euler–Maruyama steps keep to it up to O(dt).' : 'Dashed: the virial line for ε = 0; with ε > 0 it is a reference only.';
    }

    const pm = new ColourPicker(th);
    const momentum: uPlot.Series[] = [{}];
    const bar = v ? 'v̄' : 'x̄';
    for (let k = 0; k < d; k++) momentum.push(line(`${bar}${SUB[k]}${mainLabel}`, pm.take(th.components[k])));
    if (cfg.companion) for (let k = 0; k < d; k++) momentum.push(line(`${bar}${SUB[k]}${compLabel}`, pm.take(), [6, 4]));
    if (cfg.spread) {
      const c = pm.take(th.reference);
      momentum.push(line(`±1σ of ${bar}ᵢ (exact law)`, c, [2, 4], ref));
      momentum.push({ ...line('', c, [2, 4], ref), label: HIDDEN_LABEL });
      // The caption states the law actually drawn (nanbu/fgm's, rotation-shared's, the first-order one).
      notes.momentum = `Band: ±1σ of each component of ${bar} from the exact E|${bar}(t) − ${bar}(0)|² = ${cfg.spread.law}, over d·R${cfg.landau && cfg.noise !== 'kac' ? ' (kac keeps the mean fixed)' : ''}.`;
    }

    const pt = new ColourPicker(th);
    const temperature: uPlot.Series[] = [{}];
    for (let k = 0; k < d; k++) temperature.push(line(`M${SUB[k]}${SUB[k]}${mainLabel}`, pt.take(th.components[k])));
    if (cfg.companion) for (let k = 0; k < d; k++) temperature.push(line(`M${SUB[k]}${SUB[k]}${compLabel}`, pt.take(), [6, 4]));
    if (cfg.maxwellianMolecules) for (let k = 0; k < d; k++) temperature.push(line(`exact M${SUB[k]}${SUB[k]} (γ = 0)`, pt.take(), [2, 4], ref + 0.5));
    if (cfg.coulomb) {
      temperature.push(line('θ∥ Trubnikov/NRL (approx.)', pt.take(th.exact), [8, 4], ref));
      temperature.push(line('θ⊥ Trubnikov/NRL (approx.)', pt.take(), [2, 3], ref));
    }

    const p4 = new ColourPicker(th);
    const m4: uPlot.Series[] = [{}, line(`m₄ = (1/N)Σ|${cfg.symbol}|⁴${mainLabel}`, p4.take(th.components[3]))];
    if (cfg.companion) m4.push(line(`m₄${compLabel}`, p4.take(th.components[2]), [6, 4]));
    if (cfg.bkw) m4.push(line(`exact BKW m₄(t)${spreadNoise ? ' (at E₀)' : ''}`, p4.take(th.exact), [6, 4], ref));
    else if (cfg.maxwellianMolecules) m4.push(line(`exact m₄(t) (γ = 0, zero mean${spreadNoise ? ', at E₀' : ''})`, p4.take(th.reference), [3, 3], ref));
    if (cfg.limit) m4.push(line(`m₄(t), ${cfg.limit}`, p4.take(), [10, 3, 2, 3], ref));

    const specs: [PanelId, string, string, uPlot.Series[]][] = [
      ['energy', v ? 'Energy' : 'Second moment (1/N)Σ|x|²', v ? 'E' : '(1/N)Σ|x|²', energy],
      ['momentum', v ? 'Mean velocity (momentum per particle)' : 'Mean position (centre)', v ? 'v̄' : 'x̄', momentum],
      ['temperature', v ? 'Second-moment diagonal (temperatures)' : 'Second-moment diagonal', 'Mᵢᵢ', temperature],
      ['m4', 'Fourth moment m₄', 'm₄', m4],
    ];
    for (const [id, title, yLabel, series] of specs) this.addPanel(id, title, yLabel, series, th, notes[id] ?? null);
  }

  /** Torus: Fourier modes |ρ̂_c(k)| = |(1/N)Σ e^(2πi k x_c)| (TimeSeries.modes), or the cosine mode. */
  private configureTorus(cfg: CurveConfig, th: PlotTheme): void {
    const pick = new ColourPicker(th);
    const line = (label: string, stroke: string, dash?: number[], width = th.lineWidth): uPlot.Series => ({ label, stroke, width, dash, points: { show: false }, spanGaps: true });
    const series: uPlot.Series[] = [{}];
    for (let c = 0; c < cfg.d; c++) for (const k of [1, 2]) series.push(line(`|ρ̂${SUB[c]}(${k})|`, pick.take(th.components[c]), k === 2 ? [6, 3] : undefined, k === 1 ? th.lineWidth : th.lineWidth * 0.8));
    if (cfg.torusCosine) series.push(line('exact |ρ̂₁(1)| = (A/2)e^(−4π²(λ+κ/2d)t)', pick.take(th.exact), [6, 4], th.refWidth + 0.5));
    series.push(line('noise floor √(π/4NR) (uniform law)', pick.take(th.reference), [2, 4], th.refWidth));
    this.addPanel('modes', 'Fourier modes of the positions on the torus — decay to the noise floor', '|ρ̂|', series, th,
      'ρ̂_c(k) = (1/N)Σ e^(2πi k x_c) over all replicas, from the histograms (every frame): the torus has no meaningful second moment or m₄ of positions in [0, 1); the modes decay to the uniform law, where |ρ̂| is only sampling noise (dotted). H(f|1) is in the panel below.');
  }

  private addPanel(id: PanelId, title: string, yLabel: string, series: uPlot.Series[], th: PlotTheme, noteText: string | null): void {
    const box = document.createElement('div');
    box.className = `curve-chart curve-${id}`;
    box.dataset.panel = id;
    this.container.append(box);
    const plot = new FittedPlot(box, {
      title,
      scales: { x: { time: false } },
      axes: [axis(th, 't', {}, 'x'), axis(th, yLabel, {}, 'y')],
      series,
      legend: { show: true, live: false },
      cursor: { show: false },
    }, series.map(() => []) as unknown as uPlot.AlignedData, 110);
    for (const row of plot.plot.root.querySelectorAll<HTMLElement>('.u-legend .u-series')) {
      if (row.textContent?.trim() === HIDDEN_LABEL) row.style.display = 'none';
    }
    let note: HTMLParagraphElement | null = null;
    if (noteText) {
      note = document.createElement('p');
      note.className = 'chart-note';
      note.textContent = noteText;
      box.append(note);
    }
    this.panels.push({ id, box, plot, title, note });
  }

  /** Redraws from the series if it changed since the last call. */
  update(ts: TimeSeries): void {
    let cfg = this.config;
    if (!cfg || ts.version === this.drawnVersion || ts.length === 0) return;
    // The series knows it is on the torus even when the config does not say (loop not wired).
    if (ts.torus && !isTorus(cfg)) {
      this.configure({ ...cfg, model: 'torus' });
      cfg = this.config!;
    }
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
          if (cfg.symbol === 'v' && cfg.landau) {
            const E0 = first.m.energy;
            data.push(t.map(() => E0));
            const spreadNoise = cfg.batches ? undefined : [cfg.noise, cfg.companion].find((x) => x === 'nanbu' || x === 'fgm' || x === 'rotation');
            if (cfg.maxwellianMolecules && spreadNoise) {
              const sd = elapsed.map((e) => Math.sqrt(energyVariance(cfg.d, cfg.n, cfg.replicas, E0, first.m.secondMoment, e)));
              data.push(sd.map((x) => E0 + x), sd.map((x) => E0 - x));
            }
            if (cfg.maxwellianMolecules && cfg.dt && !cfg.batches) data.push(elapsed.map((e) => eulerMaruyamaEnergy(cfg.d, cfg.dt!, E0, e)));
          }
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
        case 'modes': {
          const modes = ts.modes;
          for (let c = 0; c < cfg.d; c++) {
            for (const k of [1, 2]) {
              const col = modes?.[c]?.[k - 1];
              // Without the Fourier columns (loop not wired yet): |(1/N)Σ cos 2πx₁| for ρ̂₁(1).
              if (col) data.push(nullable(col));
              else if (c === 0 && k === 1) data.push(main.cosineMode.map((x) => (Number.isFinite(x) ? Math.abs(x) : null)));
              else data.push(t.map(() => null));
            }
          }
          if (cfg.torusCosine) data.push(t.map((x) => (cfg.torusCosine!.amp / 2) * Math.exp(-cfg.torusCosine!.rate * x)));
          data.push(t.map(() => Math.sqrt(Math.PI / (4 * cfg.n * cfg.replicas))));
          break;
        }
        case 'm4': {
          data.push(nullable(main.m4));
          if (cfg.companion) data.push(comp ? nullable(comp.m4) : t.map(() => null));
          if (cfg.bkw) data.push(t.map((x) => bkwM4(cfg.d, x)));
          else if (cfg.maxwellianMolecules) data.push(elapsed.map((e) => exactM4(cfg.d, first.m.m4, first.m.secondMoment, e)));
          if (cfg.limit) {
            const src = this.limitSource;
            data.push(t.map((x) => (src ? src.scalarsAt(x)?.m4 ?? null : null)));
          }
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
      p.note?.remove();
      p.box.remove();
    }
    this.panels = [];
  }

  dispose(): void {
    this.destroyPanels();
    this.config = null;
  }
}

/** The torus, by the config's model or (until the loop passes it) by its shape. */
function isTorus(cfg: CurveConfig): boolean {
  return cfg.model === 'torus';
}
