/**
 * The curves over time: ensemble moments recorded at every moments readback, as plain columns
 * (t, step, energy, momentum, second-moment diagonal, m4, and the same for the companion run),
 * plus the exported CSV/JSON. Lives outside React: the frame loop appends, the charts read.
 *
 * Entropy columns (models.md §4, main run only), NaN where not measured:
 * - ACCURATE, every K steps (engine/diagnostics.ts): `entropy` H(f) (Kozachenko–Leonenko k-NN),
 *   `relativeEntropy` H(f|M), `fisher` I(f) (KDE score matching), each with `…StdErr` across
 *   replicas (R > 1), and `fisherBandwidth` (the KDE bandwidth h);
 * - CHEAP, from the histograms (physics/estimators/histogramEntropy.ts): `entropyCheap`,
 *   `relativeEntropyCheap` (on the torus both are H(f|1), the uniform law having H = 0), and on
 *   the torus `cosineMode` = (1/N)Σ cos 2πX₁ from the x₁ histogram (models.md §2).
 * The loop measures both at steps where it also reads the moments, so every estimate lands on a
 * row; one that resolves before its row is appended waits in `pending`.
 */
import type { EnsembleMoments } from '../physics/moments';

export interface MomentsRow {
  t: number;
  step: number;
  m: EnsembleMoments;
}

/** Columns of one run. Arrays grow; `thin` halves them past MAX_POINTS. */
export interface RunColumns {
  t: number[];
  step: number[];
  energy: number[];
  /** (1/R)Σ_r (E_r − |V̄_r|²): energy about each replica's own mean (EnsembleMoments.thermalEnergy). */
  thermalEnergy: number[];
  /** momentum[c][k]: mean velocity component c at sample k. */
  momentum: number[][];
  /** temperature[c][k]: the second-moment diagonal (1/N)Σ V_c² (velocity²). */
  secondDiag: number[][];
  m4: number[];
  nonFinite: number[];
  /** H(f) = ∫ f log f (nats, kinetic sign), accurate k-NN estimate (mean over replicas). */
  entropy: number[];
  entropyStdErr: number[];
  /** H(f|M) = H(f) − H(M), accurate. */
  relativeEntropy: number[];
  relativeEntropyStdErr: number[];
  /** I(f) (1/unit²), accurate KDE score-matching estimate. */
  fisher: number[];
  fisherStdErr: number[];
  /** KDE bandwidth h of the Fisher estimate (mean over replicas). */
  fisherBandwidth: number[];
  /** Cheap histogram estimates (every histogram refresh). */
  entropyCheap: number[];
  relativeEntropyCheap: number[];
  /** Torus: (1/N)Σ cos 2πX₁ (NaN elsewhere). */
  cosineMode: number[];
  /**
   * Torus: Fourier modes |ρ̂_c(k)| = |(1/N)Σ e^(2πi k X_c)|, column c·2 + (k − 1) for k = 1, 2
   * (setTorusModes; NaN where not measured).
   */
  fourier: number[][];
}

/** The accurate estimates recorded on one row. */
export interface AccurateEntropyRow {
  entropy: number;
  entropyStdErr: number;
  relativeEntropy: number;
  relativeEntropyStdErr: number;
  fisher: number;
  fisherStdErr: number;
  fisherBandwidth: number;
}

/** The cheap histogram estimates recorded on one row. */
export interface CheapEntropyRow {
  entropyCheap: number;
  relativeEntropyCheap: number;
  cosineMode?: number;
}

const ENTROPY_KEYS = ['entropy', 'entropyStdErr', 'relativeEntropy', 'relativeEntropyStdErr', 'fisher', 'fisherStdErr', 'fisherBandwidth', 'entropyCheap', 'relativeEntropyCheap', 'cosineMode'] as const;

/** Points kept per curve before thinning (every other point dropped, the last kept). */
export const MAX_POINTS = 4000;

function emptyColumns(d: number): RunColumns {
  return {
    t: [], step: [], energy: [], thermalEnergy: [], m4: [], nonFinite: [],
    entropy: [], entropyStdErr: [], relativeEntropy: [], relativeEntropyStdErr: [], fisher: [], fisherStdErr: [], fisherBandwidth: [],
    entropyCheap: [], relativeEntropyCheap: [], cosineMode: [],
    momentum: Array.from({ length: d }, () => []),
    secondDiag: Array.from({ length: d }, () => []),
    fourier: Array.from({ length: 2 * d }, () => []),
  };
}

function allArrays(c: RunColumns): number[][] {
  return [c.t, c.step, c.energy, c.thermalEnergy, c.m4, c.nonFinite, ...ENTROPY_KEYS.map((k) => c[k]), ...c.momentum, ...c.secondDiag, ...c.fourier];
}

/**
 * Fourier modes |ρ̂_c(k)|, k = 1, 2, of the binned positions on the torus cell [0, 1)^d, from
 * the component histograms: Σ_bins count·e^(2πi k x_bin)/total, divided by the bin's sinc factor
 * sin(πkw)/(πkw) (uniform spread within a bin). Returns [c][k − 1].
 */
export function torusFourierModes(h: { d: 2 | 3; total: number; components: ArrayLike<number>[]; range: { vMax: number; center?: number } }): number[][] {
  const out: number[][] = [];
  for (let c = 0; c < h.d; c++) {
    const counts = h.components[c];
    const bins = counts.length;
    const lo = (h.range.center ?? 0.5) - h.range.vMax;
    const w = (2 * h.range.vMax) / bins;
    const row: number[] = [];
    for (const k of [1, 2]) {
      let re = 0, im = 0;
      for (let i = 0; i < bins; i++) {
        const x = lo + (i + 0.5) * w;
        re += counts[i] * Math.cos(2 * Math.PI * k * x);
        im += counts[i] * Math.sin(2 * Math.PI * k * x);
      }
      const sinc = Math.sin(Math.PI * k * w) / (Math.PI * k * w);
      row.push(Math.hypot(re, im) / Math.max(1, h.total) / sinc);
    }
    out.push(row);
  }
  return out;
}

export class TimeSeries {
  readonly main: RunColumns;
  readonly companion: RunColumns;
  /** Bumped at every append (the charts redraw when it changes). */
  version = 0;
  /** First recorded moments (the exact laws start from them). */
  first: MomentsRow | null = null;
  firstCompanion: MomentsRow | null = null;
  /** Entropy estimates whose row has not been appended yet, by step. */
  private readonly pending = new Map<number, Partial<AccurateEntropyRow & CheapEntropyRow>>();
  /** Rows holding an accurate estimate (for tests and the charts). */
  accurateCount = 0;
  cheapCount = 0;

  /**
   * `relativeTo`: the reference of the cheap relative entropy. 'gaussian': H(M) = −(d/2) log(2πeT)
   * of the isotropic Gaussian (the Maxwellian) with the row's mean and T = (E − |ū|²)/d;
   * 'uniform' (torus): H(1) = 0.
   */
  constructor(readonly d: 2 | 3, private readonly relativeTo: 'gaussian' | 'uniform' = 'gaussian') {
    this.main = emptyColumns(d);
    this.companion = emptyColumns(d);
  }

  private push(c: RunColumns, row: MomentsRow): void {
    const { t, step, m } = row;
    c.t.push(t);
    c.step.push(step);
    c.energy.push(m.energy);
    c.thermalEnergy.push(m.thermalEnergy ?? NaN);
    c.m4.push(m.m4);
    c.nonFinite.push(m.nonFinite);
    for (const k of ENTROPY_KEYS) c[k].push(NaN);
    for (const f of c.fourier) f.push(NaN);
    for (let k = 0; k < this.d; k++) {
      c.momentum[k].push(m.momentum[k]);
      c.secondDiag[k].push(m.secondMoment[k][k]);
    }
    if (c.t.length > MAX_POINTS) {
      for (const a of allArrays(c)) {
        const last = a[a.length - 1];
        const kept = a.filter((_, i) => i % 2 === 0);
        if ((a.length - 1) % 2 !== 0) kept.push(last);
        a.length = 0;
        a.push(...kept);
      }
    }
    this.version++;
  }

  append(row: MomentsRow): void {
    // Readbacks resolve in order, but a late one after a rebuild must not go back in time.
    const last = this.main.step[this.main.step.length - 1];
    if (last !== undefined && row.step <= last) return;
    this.first ??= row;
    this.push(this.main, row);
    const waiting = this.pending.get(row.step);
    if (waiting) {
      this.pending.delete(row.step);
      this.write(row.step, waiting);
    }
    // Estimates for steps that never got a row (a readback that failed) are dropped.
    for (const step of this.pending.keys()) if (step < row.step) this.pending.delete(step);
  }

  appendCompanion(row: MomentsRow): void {
    const last = this.companion.step[this.companion.step.length - 1];
    if (last !== undefined && row.step <= last) return;
    this.firstCompanion ??= row;
    this.push(this.companion, row);
  }

  /** Records estimates on the row of this step (or holds them until that row is appended). */
  private write(step: number, values: Partial<AccurateEntropyRow & CheapEntropyRow>): void {
    const k = this.main.step.lastIndexOf(step);
    if (k < 0) {
      const last = this.main.step[this.main.step.length - 1];
      if (last === undefined || step > last) this.pending.set(step, { ...this.pending.get(step), ...values });
      return;
    }
    for (const [key, v] of Object.entries(values) as [keyof AccurateEntropyRow | keyof CheapEntropyRow, number][]) {
      this.main[key][k] = v;
    }
    if ('entropyCheap' in values && this.relativeTo === 'gaussian') {
      const u2 = this.main.momentum.reduce((s, c) => s + c[k] ** 2, 0);
      const T = (this.main.energy[k] - u2) / this.d;
      this.main.relativeEntropyCheap[k] = T > 0 ? values.entropyCheap! + (this.d / 2) * Math.log(2 * Math.PI * Math.E * T) : NaN;
    }
    if ('entropy' in values) this.accurateCount++;
    if ('entropyCheap' in values) this.cheapCount++;
    this.version++;
  }

  /** The accurate estimates (engine/diagnostics.ts) of the particles at this step. */
  setAccurateEntropy(step: number, row: AccurateEntropyRow): void {
    this.write(step, row);
  }

  /** The cheap histogram estimates of the particles at this step. */
  setCheapEntropy(step: number, row: CheapEntropyRow): void {
    this.write(step, row);
  }

  /** The torus (relative entropies against the uniform law). */
  get torus(): boolean {
    return this.relativeTo === 'uniform';
  }

  /** Fourier columns by [c][k − 1] when any was measured (torus), else null. */
  get modes(): number[][][] | null {
    const f = this.main.fourier;
    if (!f.some((col) => col.some(Number.isFinite))) return null;
    return Array.from({ length: this.d }, (_, c) => [f[2 * c], f[2 * c + 1]]);
  }

  /**
   * Torus: the Fourier modes (torusFourierModes of the histograms) of the particles at this step;
   * the frame loop calls it with each histogram, like setCheapEntropy.
   */
  setTorusModes(step: number, modes: number[][]): void {
    const k = this.main.step.lastIndexOf(step);
    if (k < 0) return;
    modes.forEach((row, c) => row.forEach((v, j) => {
      if (this.main.fourier[2 * c + j]) this.main.fourier[2 * c + j][k] = v;
    }));
    this.version++;
  }

  /** Moments of the row with this step (the cheap H(f|M) needs its temperature), or null. */
  momentsAt(step: number): { energy: number; momentum: number[] } | null {
    const k = this.main.step.lastIndexOf(step);
    if (k < 0) return null;
    return { energy: this.main.energy[k], momentum: this.main.momentum.map((c) => c[k]) };
  }

  get length(): number {
    return this.main.t.length;
  }

  /** Column names and values, main run then companion (prefixed), for CSV/JSON. */
  columns(companionLabel: string | null): Record<string, number[]> {
    const axes = ['x', 'y', 'z'].slice(0, this.d);
    const cols = (c: RunColumns, prefix: string): Record<string, number[]> => {
      const out: Record<string, number[]> = {
        [`${prefix}t`]: c.t, [`${prefix}step`]: c.step, [`${prefix}energy`]: c.energy,
      };
      axes.forEach((a, k) => (out[`${prefix}momentum_${a}`] = c.momentum[k]));
      axes.forEach((a, k) => (out[`${prefix}M_${a}${a}`] = c.secondDiag[k]));
      out[`${prefix}m4`] = c.m4;
      out[`${prefix}nonFinite`] = c.nonFinite;
      return out;
    };
    // Entropy diagnostics: main run only.
    const entropy: Record<string, number[]> = {};
    for (const k of ENTROPY_KEYS) entropy[k] = this.main[k];
    return { ...cols(this.main, ''), ...entropy, ...(companionLabel && this.companion.t.length ? cols(this.companion, `${companionLabel}_`) : {}) };
  }

  /**
   * CSV with a comment header (the share link and the units). Empty cells for NaN. `rows`: the
   * row indices to write (exportSchema.ts rowsAtInterval); all rows when absent.
   */
  toCsv(header: string[], companionLabel: string | null, rows?: readonly number[]): string {
    const cols = this.columns(companionLabel);
    const names = Object.keys(cols);
    const count = Math.max(...names.map((n) => cols[n].length));
    const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '' : String(x));
    const lines = header.map((h) => `# ${h}`);
    lines.push(names.join(','));
    for (const k of rows ?? Array.from({ length: count }, (_, i) => i)) lines.push(names.map((n) => fmt(cols[n][k])).join(','));
    return `${lines.join('\n')}\n`;
  }
}
