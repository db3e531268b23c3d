// All-pairs k-nearest-neighbour distances within each of R blocks of n particles, for the
// Kozachenko-Leonenko entropy of models.md §4. The entropy diagnostics search the R replicas
// pooled into one block of n = m·R particles (engine/diagnostics.ts) (float32; the float64 twin is knnDistances in
// src/physics/estimators/knn.ts). Prepended at build time: the NeighbourParams struct (layout.ts).
//
// Dispatch: (ceil(n / WG), R). Workgroup (x, r) owns particles x*WG .. x*WG+WG-1 of block r
// and sweeps all n particles of that block in tiles of WG staged through workgroup memory
// (as landau_step.wgsl). Each invocation keeps its K smallest squared distances in a sorted
// register list; a particle is not its own neighbour (by index, so duplicates count, at 0).

override WG: u32 = 128u; // workgroup size = tile length; set from KNN_WORKGROUP (knn.ts)
override K: u32 = 3u;    // neighbour rank k, 1 <= K <= KMAX; set per pipeline (knn.ts)
const KMAX: u32 = 16u;    // register list length (array sizes cannot be override-sized)
const FAR: f32 = 3.4e38; // "no neighbour yet": larger than any finite squared distance we keep

@group(0) @binding(0) var<uniform> P: NeighbourParams;
@group(0) @binding(1) var<storage, read> particles: array<vec4f>;        // velocities, (r*N + i), xyz
@group(0) @binding(2) var<storage, read_write> distances: array<f32>;    // (r*N + i)*K + m: distance to the (m+1)-th nearest, ascending (velocity units)

var<workgroup> tile: array<vec4f, WG>;

@compute @workgroup_size(WG)
fn knnDistances(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let n = P.n;
  let base = wid.y * n;
  let i = wid.x * WG + lid;
  let vi = particles[base + min(i, n - 1u)].xyz;
  var best: array<f32, KMAX>; // squared distances, ascending; entries >= K unused
  for (var m = 0u; m < KMAX; m++) { best[m] = FAR; }
  for (var t0 = 0u; t0 < n; t0 += WG) {
    tile[lid] = vec4f(particles[base + min(t0 + lid, n - 1u)].xyz, 0.0);
    workgroupBarrier();
    let count = min(WG, n - t0); // partners in this tile (the last tile may be partial)
    for (var q = 0u; q < count; q++) {
      if (t0 + q == i) { continue; }
      let z = vi - tile[q].xyz;
      var x = dot(z, z);
      // NaN compares false and is never kept. Insertion by compare-exchange down the list:
      // after the loop best[0..K) is still sorted and the largest value has fallen off.
      if (x < best[K - 1u]) {
        for (var m = 0u; m < K; m++) {
          let lo = min(x, best[m]);
          x = max(x, best[m]);
          best[m] = lo;
        }
      }
    }
    workgroupBarrier();
  }
  if (i >= n) { return; }
  let o = (base + i) * K;
  for (var m = 0u; m < K; m++) { distances[o + m] = sqrt(best[m]); }
}
