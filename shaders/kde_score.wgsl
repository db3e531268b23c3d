// Leave-one-out Gaussian-kernel score sums for the Fisher information of models.md §4 (float32;
// the float64 twin is kdeScoreSums in src/physics/estimators/fisher.ts). Prepended at build
// time: the NeighbourParams struct (layout.ts).
//
// For particle i of replica r, over the other particles j of the same replica, with
// w_ij = exp(-|x_j - x_i|^2 / (2 h_r^2)):
//   S0 = sum w_ij,  S2 = sum w_ij |x_j - x_i|^2,  S1 = sum w_ij (x_j - x_i)      (velocity units)
// The Fisher estimates use only the ratios S1/S0, S2/S0 (fisherFromScoreSums), so every weight
// is taken relative to the nearest partner seen so far, exp(emin - e_ij), e = |z|^2/(2h^2), and
// the sums are rescaled by exp(e - emin) <= 1 when a nearer partner appears (the "online
// softmax" shift): S0 >= 1 always, and an isolated particle never underflows to 0/0 (its float64
// twin recomputes such rows relative to the nearest neighbour, the same ratios).
//
// Dispatch: (ceil(N / WG), R), tiled through workgroup memory like landau_step.wgsl.

override WG: u32 = 128u; // workgroup size = tile length; set from KDE_WORKGROUP (kdeScore.ts)
const FAR: f32 = 3.4e38; // initial shift: no partner seen yet

@group(0) @binding(0) var<uniform> P: NeighbourParams;
@group(0) @binding(1) var<storage, read> particles: array<vec4f>;       // velocities, (r*N + i), xyz
@group(0) @binding(2) var<storage, read> inv2h2: array<f32>;            // per replica r: 1/(2 h_r^2) (1/velocity^2)
@group(0) @binding(3) var<storage, read_write> scoreSums: array<vec4f>; // 2 per particle: (S1.xyz, S0), (S2, emin, 0, 0); S* times exp(emin)

var<workgroup> tile: array<vec4f, WG>;

@compute @workgroup_size(WG)
fn kdeScoreSums(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let n = P.n;
  let base = wid.y * n;
  let i = wid.x * WG + lid;
  let vi = particles[base + min(i, n - 1u)].xyz;
  let a = inv2h2[wid.y];
  var emin = FAR;
  var s0 = 0.0;
  var s2 = 0.0;
  var s1 = vec3f(0.0);
  for (var t0 = 0u; t0 < n; t0 += WG) {
    tile[lid] = vec4f(particles[base + min(t0 + lid, n - 1u)].xyz, 0.0);
    workgroupBarrier();
    let count = min(WG, n - t0);
    for (var q = 0u; q < count; q++) {
      if (t0 + q == i) { continue; }
      let z = tile[q].xyz - vi;
      let r2 = dot(z, z);
      let e = r2 * a;
      if (e < emin) {
        // A nearer partner: rescale what was summed relative to the old one (exp(-huge) = 0 at first).
        let s = exp(e - emin);
        s0 *= s;
        s2 *= s;
        s1 *= s;
        emin = e;
      }
      let w = exp(emin - e);
      s0 += w;
      s2 += w * r2;
      s1 += w * z;
    }
    workgroupBarrier();
  }
  if (i >= n) { return; }
  let o = 2u * (base + i);
  scoreSums[o] = vec4f(s1, s0);
  scoreSums[o + 1u] = vec4f(s2, emin, 0.0, 0.0);
}
