// The partner tile shared by the O(N^2) pair sweeps (landau_step, torus_step, first_order_step):
// the partners t0 .. t0+WG-1 of one replica, structure-of-arrays with four partners per vec4f, so
// the inner loops evaluate four pairs per iteration with vector arithmetic (fewer loads and loop
// steps; measured +25% on SwiftShader, neutral on GPUs that scalarise anyway).
// Needs, from the including shader: `override WG` (a multiple of 4) and `particlesIn`.

var<workgroup> tileX: array<vec4f, WG / 4u>; // partner coordinate 1
var<workgroup> tileY: array<vec4f, WG / 4u>; // partner coordinate 2
var<workgroup> tileZ: array<vec4f, WG / 4u>; // partner coordinate 3 (0 when d = 2)
var<workgroup> tileW: array<vec4f, WG / 4u>; // partner weight: 0 past N (so the loops have a constant trip count)

// Stages partner t0 + lid of the replica starting at `base`. Its weight is its w component
// (first-order circulations) when weightFromW, else 1; 0 past N. Callers put workgroupBarrier()
// around the use of the tile.
fn stagePartnerTile(t0: u32, lid: u32, base: u32, n: u32, weightFromW: bool) {
  let pj = particlesIn[base + min(t0 + lid, n - 1u)];
  let slot = lid >> 2u;
  let lane = lid & 3u;
  tileX[slot][lane] = pj.x;
  tileY[slot][lane] = pj.y;
  tileZ[slot][lane] = pj.z;
  tileW[slot][lane] = select(0.0, select(1.0, pj.w, weightFromW), t0 + lid < n);
}

fn hsum(v: vec4f) -> f32 { return (v.x + v.y) + (v.z + v.w); }
