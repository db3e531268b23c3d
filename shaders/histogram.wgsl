// Velocity (or position) histograms for the visualiser (issues 3, 5): 1D histograms of v_x, v_y, v_z
// and the distance |v − c| from the centre c of the range, and the 2D (v_x, v_y) density, over all
// n·R particles. The centre is 0 for velocities and R^d positions, ½ for the torus cell [0, 1)^d. Counts are u32 atomics: each
// workgroup accumulates its 1D bins in workgroup memory (few bins, heavy contention) and flushes
// them once; the 2D bins (many, light contention) go straight to storage.
// Dispatch: ceil(count / HWG) workgroups.

override BINS: u32 = 64u;       // bins per 1D histogram
override HEAT_BINS: u32 = 64u;  // bins per axis of the 2D (v_x, v_y) density

const HWG: u32 = 256u;

struct HistogramParams {
  count: u32,     // particles to bin: n·R (particle k at index k of the particle buffer)
  d: u32,         // velocity dimension; for d = 2 v_z is not binned
  vMax: f32,      // component histograms and the 2D density cover [c − vMax, c + vMax) (velocity units)
  speedMax: f32,  // the distance histogram |v − c| covers [0, speedMax) (velocity units)
  center: f32,    // c, the same on every axis (0, or ½ for the torus cell)
  pad0: f32,      // padding to 32 bytes (uniform buffer layout)
  pad1: f32,
  pad2: f32,
}

@group(0) @binding(0) var<uniform> H: HistogramParams;
@group(0) @binding(1) var<storage, read> particles: array<vec4f>; // velocities (v_x, v_y, v_z | 0, spare)
// Counts, u32: [0, 4·BINS) the 1D histograms v_x, v_y, v_z, |v| (BINS each, in that order);
// then HEAT_BINS² cells of the 2D density, row-major (row = v_y bin, column = v_x bin);
// then 4 overflow counters (values outside the range, NaN/Inf included), one per 1D histogram.
@group(0) @binding(2) var<storage, read_write> counts: array<atomic<u32>>;

var<workgroup> localBins: array<atomic<u32>, 4u * BINS>;

// Bin of x in [lo, lo + width·nb); nb (out of range: below, above, or NaN) when x is not in it.
fn binOf(x: f32, lo: f32, width: f32, nb: u32) -> u32 {
  let u = (x - lo) / width;
  // NaN fails both comparisons, so it lands in the overflow bin.
  if (u >= 0.0 && u < f32(nb)) { return min(u32(u), nb - 1u); }
  return nb;
}

@compute @workgroup_size(HWG)
fn binVelocities(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) lid: u32) {
  for (var b = lid; b < 4u * BINS; b += HWG) { atomicStore(&localBins[b], 0u); }
  workgroupBarrier();

  let overflowBase = 4u * BINS + HEAT_BINS * HEAT_BINS;
  if (gid.x < H.count) {
    let v = particles[gid.x].xyz;
    let lo = H.center - H.vMax;
    let w = 2.0 * H.vMax / f32(BINS);
    let comps = select(3u, 2u, H.d == 2u);
    for (var c = 0u; c < comps; c++) {
      let b = binOf(v[c], lo, w, BINS);
      if (b < BINS) { atomicAdd(&localBins[c * BINS + b], 1u); } else { atomicAdd(&counts[overflowBase + c], 1u); }
    }
    // Distance from the centre; in 2D the unused third component is 0 and stays out of it.
    let offset = v - vec3f(H.center, H.center, select(H.center, 0.0, H.d == 2u));
    let speed = length(offset);
    let bs = binOf(speed, 0.0, H.speedMax / f32(BINS), BINS);
    if (bs < BINS) { atomicAdd(&localBins[3u * BINS + bs], 1u); } else { atomicAdd(&counts[overflowBase + 3u], 1u); }
    let wh = 2.0 * H.vMax / f32(HEAT_BINS);
    let hx = binOf(v.x, lo, wh, HEAT_BINS);
    let hy = binOf(v.y, lo, wh, HEAT_BINS);
    if (hx < HEAT_BINS && hy < HEAT_BINS) { atomicAdd(&counts[4u * BINS + hy * HEAT_BINS + hx], 1u); }
  }
  workgroupBarrier();

  for (var b = lid; b < 4u * BINS; b += HWG) {
    let k = atomicLoad(&localBins[b]);
    if (k > 0u) { atomicAdd(&counts[b], k); }
  }
}
