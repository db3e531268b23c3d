/**
 * Marginals of a radial density f(v) = g(|v|) held as cell values g_i on the solver's grid
 * (limit/isotropicLandau.ts: cell i = [ih, (i+1)h], g constant on it, mass Σ w_i g_i). Float64.
 *
 * The mass of cell i sits on the shell r ∈ [ih, (i+1)h] with density ∝ r^(d−1) and a uniform
 * direction, so every marginal below is exact for that piecewise-constant density, and the bin
 * masses of a histogram sum with the tails to the solver's mass (1) exactly:
 * - one Cartesian component v_x (any, by isotropy): for |v| = r, v_x/r is uniform on [−1, 1] in
 *   3D (density 1/(2r) on |x| < r) and v_x = r cos θ in 2D (density 1/(π√(r² − x²)));
 * - the speed |v|: density |S| r^(d−1) g_i on cell i.
 */
import { gaussLegendreRule } from '../references/quadrature';
import { unitSphereArea } from '../references/special';

/** The grid of a radial state: d, cell width h, M = g.length cells from r = 0. */
export interface RadialGrid {
  d: 2 | 3;
  h: number;
}

/** Density of v_x at x (exact cell averages of the per-shell laws above). */
export function componentDensity(grid: RadialGrid, g: ArrayLike<number>, x: number): number {
  const { d, h } = grid;
  const ax = Math.abs(x);
  const S = unitSphereArea(d);
  let sum = 0;
  for (let i = Math.floor(ax / h); i < g.length; i++) {
    const lo = i * h, hi = lo + h;
    if (hi <= ax) continue;
    const m = Math.max(lo, ax);
    // Mass of the cell S(hi^d − lo^d)/d · g, times the r^(d−1)-weighted average of the shell density.
    if (d === 3) sum += g[i] * S * ((hi * hi - m * m) / 4);
    else sum += g[i] * S * ((Math.sqrt(hi * hi - ax * ax) - Math.sqrt(Math.max(0, m * m - ax * ax))) / Math.PI);
  }
  return sum;
}

/** Density of the speed |v| at r: |S| r^(d−1) g on the cell holding r (0 beyond the grid). */
export function speedDensity(grid: RadialGrid, g: ArrayLike<number>, r: number): number {
  if (r < 0) return 0;
  const i = Math.floor(r / grid.h);
  if (i >= g.length) return 0;
  return unitSphereArea(grid.d) * r ** (grid.d - 1) * g[i];
}

/** P(a ≤ v_x < b) for a uniform direction at speed r. */
function slabProbability(d: 2 | 3, r: number, a: number, b: number): number {
  const clip = (u: number) => Math.max(-1, Math.min(1, u / r));
  return d === 3 ? (clip(b) - clip(a)) / 2 : (Math.asin(clip(b)) - Math.asin(clip(a))) / Math.PI;
}

/**
 * Mass of each bin [edges[j], edges[j+1]) of v_x (8-point Gauss in r across each cell for the
 * r^(d−1)-weighted average of the slab probability; exact where a bin edge is not inside the cell).
 */
export function componentBinMasses(grid: RadialGrid, g: ArrayLike<number>, edges: readonly number[]): number[] {
  const { d, h } = grid;
  const S = unitSphereArea(d);
  const { nodes, weights } = gaussLegendreRule(8);
  const bins = edges.length - 1;
  const out = new Array<number>(bins).fill(0);
  for (let i = 0; i < g.length; i++) {
    const r0 = i * h, r1 = r0 + h;
    const mass = (S * (r1 ** d - r0 ** d) / d) * g[i];
    if (mass === 0) continue;
    // Gauss nodes in r with weights ∝ r^(d−1), normalised to 1.
    let norm = 0;
    const rs: number[] = [], ws: number[] = [];
    for (let j = 0; j < nodes.length; j++) {
      const r = r0 + 0.5 * h * (1 + nodes[j]);
      rs.push(r);
      ws.push(weights[j] * r ** (d - 1));
      norm += ws[j];
    }
    for (let b = 0; b < bins; b++) {
      const a = edges[b], c = edges[b + 1];
      if (c <= -r1 || a >= r1) continue;
      let p = 0;
      for (let j = 0; j < rs.length; j++) p += ws[j] * slabProbability(d, rs[j], a, c);
      out[b] += (mass * p) / norm;
    }
  }
  return out;
}

/** Mass of each speed bin [edges[j], edges[j+1]) (exact for the piecewise-constant density). */
export function speedBinMasses(grid: RadialGrid, g: ArrayLike<number>, edges: readonly number[]): number[] {
  const { d, h } = grid;
  const S = unitSphereArea(d);
  const out = new Array<number>(edges.length - 1).fill(0);
  for (let b = 0; b < out.length; b++) {
    const a = Math.max(0, edges[b]), c = edges[b + 1];
    if (c <= a) continue;
    for (let i = Math.floor(a / h); i < g.length && i * h < c; i++) {
      const r0 = Math.max(i * h, a), r1 = Math.min((i + 1) * h, c);
      if (r1 > r0) out[b] += (S * (r1 ** d - r0 ** d) / d) * g[i];
    }
  }
  return out;
}
