/**
 * Composite Gauss–Legendre quadrature in float64, used by the radial integrals of the
 * exact references (BKW entropy and Fisher information, models.md §1.2) and by tests.
 *
 * Pure TypeScript, no dependencies.
 */

/** Nodes and weights of the n-point Gauss–Legendre rule on [−1, 1]. */
export interface GaussLegendreRule {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

const ruleCache = new Map<number, GaussLegendreRule>();

/**
 * n-point Gauss–Legendre rule on [−1, 1], nodes by Newton iteration on P_n from the
 * Chebyshev-like initial guess cos(π(i − ¼)/(n + ½)); converged to float64 rounding.
 */
export function gaussLegendreRule(n: number): GaussLegendreRule {
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`gaussLegendreRule: n must be a positive integer, got ${n}`);
  }
  const cached = ruleCache.get(n);
  if (cached) return cached;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 1; i <= n; i++) {
    let x = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let derivative = 0;
    for (let iter = 0; iter < 100; iter++) {
      // Three-term recurrence for P_n(x) and P_{n−1}(x).
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pn = n === 1 ? x : p1;
      const pnm1 = n === 1 ? 1 : p0;
      derivative = (n * (x * pn - pnm1)) / (x * x - 1);
      const dx = pn / derivative;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes[i - 1] = x;
    weights[i - 1] = 2 / ((1 - x * x) * derivative * derivative);
  }
  const rule = { nodes, weights };
  ruleCache.set(n, rule);
  return rule;
}

/**
 * ∫_a^b g(x) dx by composite Gauss–Legendre: `panels` equal panels, `order` nodes each.
 * Nodes are interior, so integrands with an integrable or removable singularity at an end
 * point (e.g. s² log s at s = 0) are never evaluated there.
 */
export function integrateGaussLegendre(
  g: (x: number) => number,
  a: number,
  b: number,
  panels = 200,
  order = 20,
): number {
  const { nodes, weights } = gaussLegendreRule(order);
  const width = (b - a) / panels;
  let total = 0;
  for (let p = 0; p < panels; p++) {
    const mid = a + (p + 0.5) * width;
    let panelSum = 0;
    for (let i = 0; i < order; i++) {
      panelSum += weights[i] * g(mid + 0.5 * width * nodes[i]);
    }
    total += 0.5 * width * panelSum;
  }
  return total;
}
