// Checkpoint moments, models.md §4: one workgroup per replica reduces its N particles to the
// 12 sums of src/physics/moments.ts (sum v, sum |v|^2, sum v v^T, sum |v|^4, non-finite count).
// Prepended: the StepParams struct. Dispatch: (R), workgroup x = replica.

const MWG: u32 = 256u;

@group(0) @binding(0) var<uniform> P: StepParams;
@group(0) @binding(1) var<storage, read> particles: array<vec4f>; // velocities
@group(0) @binding(2) var<storage, read_write> sums: array<f32>;  // R x 12 sums

var<workgroup> red: array<array<f32, 12>, MWG>;

// NaN or +/-Inf, by the exponent bits (WGSL has no isNan and x != x may be folded away).
fn nonFinite(x: f32) -> f32 { return select(0.0, 1.0, (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u); }

@compute @workgroup_size(MWG)
fn replicaMoments(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let n = P.n;
  let base = wid.x * n;
  var acc: array<f32, 12>;
  for (var i = lid; i < n; i += MWG) {
    let v = particles[base + i].xyz;
    let r2 = dot(v, v);
    acc[0] += v.x; acc[1] += v.y; acc[2] += v.z;
    acc[3] += r2;
    acc[4] += v.x * v.x; acc[5] += v.y * v.y; acc[6] += v.z * v.z;
    acc[7] += v.x * v.y; acc[8] += v.y * v.z; acc[9] += v.z * v.x;
    acc[10] += r2 * r2;
    acc[11] += nonFinite(v.x) + nonFinite(v.y) + nonFinite(v.z);
  }
  red[lid] = acc;
  workgroupBarrier();
  for (var stride = MWG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      for (var c = 0u; c < 12u; c++) { red[lid][c] += red[lid + stride][c]; }
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    for (var c = 0u; c < 12u; c++) { sums[wid.x * 12u + c] = red[0][c]; }
  }
}
