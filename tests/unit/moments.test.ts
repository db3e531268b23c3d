import { describe, expect, it } from 'vitest';
import { ensembleMoments, replicaMoments } from '../../src/physics/moments';

describe('ensemble moments', () => {
  it('thermalEnergy is the energy about each replica’s own mean: replicas shifted apart (common noise) add no heat', () => {
    // Two replicas of the same 4 velocities (energy about the mean 1 each, d = 2), shifted by ±(3, 0).
    const base = [[1, 0], [-1, 0], [0, 1], [0, -1]];
    const n = base.length;
    const v = new Float64Array(2 * n * 4);
    [3, -3].forEach((shift, r) => base.forEach(([x, y], i) => {
      v[(r * n + i) * 4] = x + shift;
      v[(r * n + i) * 4 + 1] = y;
    }));
    const m = ensembleMoments(replicaMoments(v, n, 2, 2));
    expect(m.momentum[0]).toBeCloseTo(0, 12); // the replica-mean momentum cancels…
    expect(m.energy).toBeCloseTo(1 + 9, 12); // …so E − |ū|² would count the shifts as heat
    expect(m.thermalEnergy).toBeCloseTo(1, 12);
  });
});
