/**
 * Step slices (issue 10): the workgroups of one step, numbered row-major over its grid
 * (index = row · columns + column, rows = replicas), are dispatched in contiguous ranges, so that
 * one submission holds as much GPU work as the pacing budget allows: many whole steps on a fast
 * adapter, a few workgroups of one step on a slow one (N·R = 2²⁰ on SwiftShader). Each range is
 * at most three rectangles (a partial first row, whole rows, a partial last row), each dispatched
 * with its offset in the uniforms (shaders/step_slice.wgsl). No DOM, no GPU: unit-tested in Node.
 */
import type { GridRect, StepGrid } from './passes/pairStepPass';

/** Workgroups of one whole step. */
export function groupsPerStep(grid: StepGrid): number {
  return grid.columns * grid.rows;
}

/**
 * The rectangles covering workgroups [from, to) of a step's grid, in order, disjoint.
 * Throws RangeError unless 0 ≤ from ≤ to ≤ columns·rows.
 */
export function rectsOfRange(grid: StepGrid, from: number, to: number): GridRect[] {
  const total = groupsPerStep(grid);
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= total)) {
    throw new RangeError(`rectsOfRange: need 0 ≤ from ≤ to ≤ ${total} (got ${from}, ${to})`);
  }
  const { columns } = grid;
  const rects: GridRect[] = [];
  let at = from;
  // Partial first row.
  if (at < to && at % columns !== 0) {
    const row = Math.floor(at / columns);
    const column = at % columns;
    const end = Math.min(to, (row + 1) * columns);
    rects.push({ column, columns: end - at, row, rows: 1 });
    at = end;
  }
  // Whole rows.
  const wholeRows = Math.floor((to - at) / columns);
  if (wholeRows > 0) {
    rects.push({ column: 0, columns, row: at / columns, rows: wholeRows });
    at += wholeRows * columns;
  }
  // Partial last row.
  if (at < to) rects.push({ column: 0, columns: to - at, row: at / columns, rows: 1 });
  return rects;
}
