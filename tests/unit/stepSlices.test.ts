import { describe, expect, it } from 'vitest';
import { groupsPerStep, rectsOfRange } from '../../src/gpu/stepSlices';

/** The workgroups (row-major indices) a list of rectangles covers, in dispatch order. */
function covered(columns: number, rects: ReturnType<typeof rectsOfRange>): number[] {
  const out: number[] = [];
  for (const r of rects) {
    for (let y = r.row; y < r.row + r.rows; y++) for (let x = r.column; x < r.column + r.columns; x++) out.push(y * columns + x);
  }
  return out.sort((a, b) => a - b);
}

describe('step slices (issue 10)', () => {
  it('cover exactly [from, to) with at most three rectangles, for every range of small grids', () => {
    for (const grid of [{ columns: 1, rows: 1 }, { columns: 1, rows: 5 }, { columns: 4, rows: 1 }, { columns: 3, rows: 4 }, { columns: 5, rows: 3 }]) {
      const total = groupsPerStep(grid);
      for (let from = 0; from <= total; from++) {
        for (let to = from; to <= total; to++) {
          const rects = rectsOfRange(grid, from, to);
          expect(rects.length).toBeLessThanOrEqual(3);
          for (const r of rects) {
            expect(r.columns).toBeGreaterThan(0);
            expect(r.rows).toBeGreaterThan(0);
            expect(r.column + r.columns).toBeLessThanOrEqual(grid.columns);
            expect(r.row + r.rows).toBeLessThanOrEqual(grid.rows);
          }
          expect(covered(grid.columns, rects)).toEqual(Array.from({ length: to - from }, (_, k) => from + k));
        }
      }
    }
  });

  it('a whole step is one rectangle: the unsliced dispatch', () => {
    expect(rectsOfRange({ columns: 32, rows: 16 }, 0, 512)).toEqual([{ column: 0, columns: 32, row: 0, rows: 16 }]);
  });

  it('rejects ranges outside the grid', () => {
    expect(() => rectsOfRange({ columns: 2, rows: 2 }, 3, 2)).toThrow(RangeError);
    expect(() => rectsOfRange({ columns: 2, rows: 2 }, 0, 5)).toThrow(/0 ≤ from ≤ to ≤ 4/);
  });
});
