/**
 * What the curves export's columns hold, per model, with units (issue 14, item 7), and the rows
 * kept at a user-chosen interval of t. The frame loop's export (src/app/exports.ts) writes
 * `exportColumnLines` into the header and passes `rowsAtInterval` to TimeSeries.toCsv/columns.
 *
 * Column NAMES stay as they were (energy, momentum_x, M_xx, …: old scripts keep working); the
 * header says what each holds for the run's model: velocities (Landau, models.md §1) or
 * positions (first-order systems §3, the torus §2).
 */
export type ExportModel = 'landau' | 'first-order' | 'torus';

export interface ExportColumn {
  name: string;
  /** What it holds, in words and symbols. */
  holds: string;
  /** Units. */
  units: string;
}

const AXES = ['x', 'y', 'z'] as const;
const SUB = ['₁', '₂', '₃'] as const;

/** The moment columns of one run (prefix: '' for the main run, `${noise}_` for the companion). */
export function exportColumns(model: ExportModel, d: 2 | 3, prefix = ''): ExportColumn[] {
  const v = model === 'landau';
  const sym = v ? 'v' : 'x';
  const what = v ? 'velocity' : model === 'torus' ? 'position in the cell [0, 1)^d' : 'position';
  const len = v ? 'velocity units' : model === 'torus' ? 'cell lengths' : 'length units';
  const time = v ? 'collision time (C = 1)' : 'time (models.md §3 units)';
  const cols: ExportColumn[] = [
    { name: `${prefix}t`, holds: 'time t', units: time },
    { name: `${prefix}step`, holds: 'step number', units: 'steps' },
    { name: `${prefix}energy`, holds: v ? 'energy E = (1/N)Σ|v|², mean over replicas' : `second moment of positions (1/N)Σ|x|²${model === 'torus' ? ' (coordinates in [0, 1): not periodic-invariant)' : ''}`, units: `(${len})²` },
  ];
  for (let k = 0; k < d; k++) cols.push({ name: `${prefix}momentum_${AXES[k]}`, holds: v ? `mean velocity v̄${SUB[k]} = (1/N)Σ v${SUB[k]}` : `mean ${what} x̄${SUB[k]} = (1/N)Σ x${SUB[k]}`, units: len });
  for (let k = 0; k < d; k++) cols.push({ name: `${prefix}M_${AXES[k]}${AXES[k]}`, holds: `second moment M${SUB[k]}${SUB[k]} = (1/N)Σ ${sym}${SUB[k]}²`, units: `(${len})²` });
  cols.push({ name: `${prefix}m4`, holds: `fourth moment (1/N)Σ|${sym}|⁴`, units: `(${len})⁴` });
  cols.push({ name: `${prefix}nonFinite`, holds: `NaN/Inf ${what} components`, units: 'count' });
  return cols;
}

/** Header lines, one per column: `name — holds [units]`. */
export function exportColumnLines(model: ExportModel, d: 2 | 3, companion: string | null = null): string[] {
  const cols = [...exportColumns(model, d), ...(companion ? exportColumns(model, d, `${companion}_`) : [])];
  const kind = model === 'landau' ? 'VELOCITIES (models.md §1)' : model === 'torus' ? 'POSITIONS on the torus [0, 1)^d (models.md §2)' : 'POSITIONS in R^d (models.md §3)';
  return [`columns (moments of ${kind}):`, ...cols.map((c) => `  ${c.name} — ${c.holds} [${c.units}]`)];
}

/**
 * Indices of the rows to export at one per `everyT` of simulation time: the first recorded row at
 * or after each multiple of everyT past the first row (the last row always kept). Rows are
 * recorded at moments readbacks, so a row's t is within one readback of the multiple; the loop
 * can schedule readbacks at those steps to make the interval exact. null/≤ 0: every row.
 */
export function rowsAtInterval(t: readonly number[], everyT: number | null): number[] {
  if (t.length === 0) return [];
  if (everyT === null || !(everyT > 0)) return t.map((_, i) => i);
  const out: number[] = [];
  const t0 = t[0];
  let next = t0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] >= next - everyT * 1e-9) {
      out.push(i);
      next = t0 + (Math.floor((t[i] - t0) / everyT + 1e-9) + 1) * everyT;
    }
  }
  if (out[out.length - 1] !== t.length - 1) out.push(t.length - 1);
  return out;
}
