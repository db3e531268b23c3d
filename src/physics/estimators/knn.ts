/**
 * Brute-force k-nearest-neighbour distances in float64 (models.md §4: the Kozachenko–Leonenko
 * entropy estimator needs ε_{i,k}, the distance from sample i to its k-th nearest other sample).
 *
 * Points are a flat Float64Array with stride d: point i is points[i·d … i·d + d − 1].
 * O(N² d) work, O(N k) memory; this is the exact reference that the GPU search is tested against.
 */

function checkPointArray(points: Float64Array, n: number, d: number, caller: string): void {
  if (!Number.isInteger(d) || d < 1) throw new Error(`${caller}: dimension d must be a positive integer, got ${d}`);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${caller}: n must be a non-negative integer, got ${n}`);
  if (points.length < n * d) {
    throw new Error(`${caller}: points has length ${points.length}, need n·d = ${n * d}`);
  }
}

/**
 * Distances to the k nearest other points, for every point: a Float64Array of length n·k,
 * row i sorted ascending (entry i·k + (k−1) is ε_{i,k}). A point is not its own neighbour;
 * duplicates of it are (distance 0). Requires 1 ≤ k ≤ n − 1.
 */
export function knnDistances(points: Float64Array, n: number, d: number, k: number): Float64Array {
  checkPointArray(points, n, d, 'knnDistances');
  if (!Number.isInteger(k) || k < 1 || k > n - 1) {
    throw new Error(`knnDistances: need 1 ≤ k ≤ n − 1, got k = ${k}, n = ${n}`);
  }
  // Squared distances of the current k best per point, ascending; filled with +∞.
  const best = new Float64Array(n * k).fill(Infinity);
  const insert = (row: number, value: number): void => {
    const base = row * k;
    if (value >= best[base + k - 1]) return;
    let slot = k - 1;
    while (slot > 0 && best[base + slot - 1] > value) {
      best[base + slot] = best[base + slot - 1];
      slot--;
    }
    best[base + slot] = value;
  };
  // Each unordered pair once: the squared distance is exactly symmetric, so both rows agree.
  for (let i = 0; i < n; i++) {
    const pi = i * d;
    for (let j = i + 1; j < n; j++) {
      const pj = j * d;
      let dist2 = 0;
      for (let c = 0; c < d; c++) {
        const diff = points[pi + c] - points[pj + c];
        dist2 += diff * diff;
      }
      insert(i, dist2);
      insert(j, dist2);
    }
  }
  for (let idx = 0; idx < best.length; idx++) best[idx] = Math.sqrt(best[idx]);
  return best;
}

/** ε_{i,k} for every point i: the distance to its k-th nearest other point (length n). */
export function kthNeighbourDistances(points: Float64Array, n: number, d: number, k: number): Float64Array {
  const all = knnDistances(points, n, d, k);
  const kth = new Float64Array(n);
  for (let i = 0; i < n; i++) kth[i] = all[i * k + k - 1];
  return kth;
}
