/**
 * The curves over time: ensemble moments recorded at every moments readback, as plain columns
 * (t, step, energy, momentum, second-moment diagonal, m4, and the same for the companion run),
 * plus the exported CSV/JSON. Lives outside React: the frame loop appends, the charts read.
 *
 * Entropy columns are declared for the diagnostics issue (k-NN entropy, H(f|M)): they stay
 * empty (NaN) until an estimator fills them with `setEntropy`.
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
  /** momentum[c][k]: mean velocity component c at sample k. */
  momentum: number[][];
  /** temperature[c][k]: the second-moment diagonal (1/N)Σ V_c² (velocity²). */
  secondDiag: number[][];
  m4: number[];
  nonFinite: number[];
  /** H(f) estimate (nats, kinetic sign): filled by the diagnostics issue. */
  entropy: number[];
  /** H(f|M) estimate: filled by the diagnostics issue. */
  relativeEntropy: number[];
}

/** Points kept per curve before thinning (every other point dropped, the last kept). */
export const MAX_POINTS = 4000;

function emptyColumns(d: number): RunColumns {
  return {
    t: [], step: [], energy: [], m4: [], nonFinite: [], entropy: [], relativeEntropy: [],
    momentum: Array.from({ length: d }, () => []),
    secondDiag: Array.from({ length: d }, () => []),
  };
}

function allArrays(c: RunColumns): number[][] {
  return [c.t, c.step, c.energy, c.m4, c.nonFinite, c.entropy, c.relativeEntropy, ...c.momentum, ...c.secondDiag];
}

export class TimeSeries {
  readonly main: RunColumns;
  readonly companion: RunColumns;
  /** Bumped at every append (the charts redraw when it changes). */
  version = 0;
  /** First recorded moments (the exact laws start from them). */
  first: MomentsRow | null = null;
  firstCompanion: MomentsRow | null = null;

  constructor(readonly d: 2 | 3) {
    this.main = emptyColumns(d);
    this.companion = emptyColumns(d);
  }

  private push(c: RunColumns, row: MomentsRow): void {
    const { t, step, m } = row;
    c.t.push(t);
    c.step.push(step);
    c.energy.push(m.energy);
    c.m4.push(m.m4);
    c.nonFinite.push(m.nonFinite);
    c.entropy.push(NaN);
    c.relativeEntropy.push(NaN);
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
  }

  appendCompanion(row: MomentsRow): void {
    const last = this.companion.step[this.companion.step.length - 1];
    if (last !== undefined && row.step <= last) return;
    this.firstCompanion ??= row;
    this.push(this.companion, row);
  }

  /** For the diagnostics issue: entropy estimates at the sample with this step. */
  setEntropy(step: number, entropy: number, relativeEntropy: number): void {
    const k = this.main.step.lastIndexOf(step);
    if (k < 0) return;
    this.main.entropy[k] = entropy;
    this.main.relativeEntropy[k] = relativeEntropy;
    this.version++;
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
      out[`${prefix}entropy`] = c.entropy;
      out[`${prefix}relativeEntropy`] = c.relativeEntropy;
      return out;
    };
    return { ...cols(this.main, ''), ...(companionLabel && this.companion.t.length ? cols(this.companion, `${companionLabel}_`) : {}) };
  }

  /** CSV with a comment header (the share link and the units). Empty cells for NaN. */
  toCsv(header: string[], companionLabel: string | null): string {
    const cols = this.columns(companionLabel);
    const names = Object.keys(cols);
    const rows = Math.max(...names.map((n) => cols[n].length));
    const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '' : String(x));
    const lines = header.map((h) => `# ${h}`);
    lines.push(names.join(','));
    for (let k = 0; k < rows; k++) lines.push(names.map((n) => fmt(cols[n][k])).join(','));
    return `${lines.join('\n')}\n`;
  }
}
