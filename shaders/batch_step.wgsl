// One step of the Landau particle systems with random batches, models.md §1.5 (float32).
// Float64 twin: src/physics/landau/randomBatch.ts (same partitions, same draws, same formulas).
// Prepended at build time: the StepParams struct (src/gpu/layout.ts), rng.wgsl, cholesky.wgsl,
// step_slice.wgsl, and `const MAX_SLOTS: u32` = the largest batch, 2p - 1 (an array size, which
// WGSL cannot take from an override; src/gpu/passes/batchStep.ts).
//
// Dispatch: (ceil(B / WG), R), B = max(1, N / p) batches per replica. Invocation b of replica r
// owns batch b: it computes the Feistel permutation of its positions b*p .. b*p + s - 1 on the
// fly, reads those particles, updates them and writes them to the same particle indices of the
// output buffer. Every particle is written by exactly one invocation, and an invocation reads
// only the input buffer: a step is one dispatch, and a sliced step (step_slice.wgsl) is
// bit-identical to the whole one.

override D: u32 = 3u;        // velocity dimension, 2 or 3
override NOISE: u32 = 0u;    // 0 nanbu, 1 fgm, 2 kac (Euler-Maruyama in each batch), 3 kac exact pairs (p = 2),
                             // 4 rotation, 5 rotation-shared (Euler-Maruyama in each batch, models.md §1.4)
override WG: u32 = 128u;     // batches per workgroup
override BATCH: u32 = 2u;    // batch size p
override HALF_BITS: u32 = 1u; // Feistel half width h: 2^(2h) >= N (permutation.ts feistelHalfBits)

@group(0) @binding(0) var<uniform> P: StepParams;
@group(0) @binding(1) var<storage, read> particlesIn: array<vec4f>;   // velocities at step k
@group(0) @binding(2) var<storage, read_write> particlesOut: array<vec4f>; // velocities at step k+1

// Stream purposes of rng.ts (Stream.batchPermutation, batchNanbu, batchPair, batchShared).
const STREAM_BATCH_PERMUTATION: u32 = 16u;
const STREAM_BATCH_NANBU: u32 = 17u;
const STREAM_BATCH_PAIR: u32 = 18u;
const STREAM_BATCH_SHARED: u32 = 19u;
const FEISTEL_ROUNDS: u32 = 8u;

// ---- the random partition (physics/permutation.ts, bit-identical) ----

fn lowbias32(x0: u32) -> u32 {
  var x = x0;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

fn feistelEncrypt(x: u32, keys: vec4u) -> u32 {
  let h = HALF_BITS;
  let mask = (1u << h) - 1u;
  var l = (x >> h) & mask;
  var r = x & mask;
  for (var k = 0u; k < FEISTEL_ROUNDS; k++) {
    let key = keys[k & 3u] + k * 0x9e3779b9u;
    let f = lowbias32(r ^ key) >> (32u - h);
    let nl = r;
    r = (l ^ f) & mask;
    l = nl;
  }
  return (l << h) | r;
}

// perm(q) on [0, n) by cycle-walking (terminates: q's cycle returns to [0, n)).
fn feistelPermute(q: u32, n: u32, keys: vec4u) -> u32 {
  var x = feistelEncrypt(q, keys);
  loop {
    if (x < n) { break; }
    x = feistelEncrypt(x, keys);
  }
  return x;
}

fn partitionKeys(replica: u32) -> vec4u {
  return draw4(P.seed, P.step, 0u, streamWordOf(STREAM_BATCH_PERMUTATION, replica));
}

fn batchCount() -> u32 { return max(1u, P.n / BATCH); }

// Key of the draw of the pair (particle i, partner in batch slot `slot`): i < 2^22, slot < 2^7.
fn batchPairWord(i: u32, slot: u32) -> u32 { return (i & 0x3fffffu) | ((slot & 0x7fu) << 22u); }

// w_s = (N - 1)/(N (s - 1)) (models.md §1.5), for a batch of s particles.
fn batchWeight(s: u32) -> f32 { return f32(P.n - 1u) * P.invN / f32(s - 1u); }

// alphaOf, pairNoiseTerm (a^(1/2)(z) xi in z-perp) and rotationNoiseTerm come from landau_kernel.wgsl.

// ---- the spherical Brownian motion of an exact pair (physics/sphericalBrownian.ts) ----

fn oneMinusExpNeg(s: f32) -> f32 {
  if (s < 1e-2) { return s * (1.0 - s * (0.5 - s * (1.0 / 6.0 - s / 24.0))); }
  return 1.0 - exp(-s);
}

fn expm1Neg(t: f32) -> f32 {
  if (t > -1e-2) { return t * (1.0 + t * (0.5 + t * (1.0 / 6.0 + t / 24.0))); }
  return exp(t) - 1.0;
}

// The two mixture values g = F1 -/+ delta of the 3D sampler (mixtureG).
fn mixtureG(s: f32) -> vec2f {
  let e = oneMinusExpNeg(s);
  let f1 = 0.5 * e;
  let f2 = e * e * (3.0 - e) / 12.0;
  let delta = sqrt((1.0 + f1) * e * e * e * (1.0 - e) / 24.0 / (1.0 - f1 + f2));
  return vec2f(f1 - delta, f1 + delta);
}

// (sin a, cos a) to float32 accuracy for any a (WGSL's sin/cos promise only 2^-11 absolute):
// Cody-Waite reduction by pi/2 with fma, Taylor polynomials on [-pi/4, pi/4] as in rng.wgsl.
fn sinCosAccurate(a: f32) -> vec2f {
  let q = round(a * 0.6366197723675814);
  let y = fma(-q, 1.5707963705062866, a) - q * -4.371139000186243e-8;
  let y2 = y * y;
  let sy = y * (1.0 + y2 * (-1.0 / 6.0 + y2 * (1.0 / 120.0 + y2 * (-1.0 / 5040.0 + y2 * (1.0 / 362880.0)))));
  let cy = 1.0 + y2 * (-0.5 + y2 * (1.0 / 24.0 + y2 * (-1.0 / 720.0 + y2 * (1.0 / 40320.0))));
  switch (u32(i32(q) & 3)) {
    case 0u: { return vec2f(sy, cy); }
    case 1u: { return vec2f(cy, -sy); }
    case 2u: { return vec2f(-sy, -cy); }
    default: { return vec2f(-cy, sy); }
  }
}

// omega at time s of a Brownian motion on S^(d-1) from the unit vector w0, from one draw4.
fn sphericalBrownian(w0: vec3f, s: f32, words: vec4u) -> vec3f {
  if (D == 2u) {
    let sc = sinCosAccurate(sqrt(s) * normals2(words).x);
    return normalize(vec3f(sc.y * w0.x - sc.x * w0.y, sc.x * w0.x + sc.y * w0.y, 0.0));
  }
  let gs = mixtureG(s);
  let g = select(gs.x, gs.y, (words.x >> 31u) == 1u);
  let u = (f32(words.y >> 8u) + 0.5) * TWO_POW_M24;
  let y = -expm1Neg(log(u) * g / (1.0 - g)); // Beta(1, 1/g - 1) by inversion
  let x = 1.0 - 2.0 * y;
  let sinT = 2.0 * sqrt(max(0.0, y * (1.0 - y)));
  let phi = sinCosOfTurns(words.z);
  let sz = select(-1.0, 1.0, w0.z >= 0.0);
  let a = -1.0 / (sz + w0.z);
  let b = w0.x * w0.y * a;
  let e1 = vec3f(1.0 + sz * w0.x * w0.x * a, sz * b, -sz * w0.x);
  let e2 = vec3f(b, sz + w0.y * w0.y * a, -w0.y);
  return normalize(x * w0 + sinT * (phi.y * e1 + phi.x * e2));
}

// ---- one batch ----

struct Batch {
  start: u32, // first position in the shuffled order
  size: u32,  // particles (p, or p + N mod p for the last batch)
}

fn batchOf(b: u32) -> Batch {
  let count = batchCount();
  let start = b * BATCH;
  return Batch(start, select(BATCH, P.n - start, b == count - 1u));
}

// The exact kac flow of one pair over a step: vlo, vhi the velocities of the smaller and larger
// particle index ilo < ihi, slotHi the larger's slot in the batch (the draw's key). Returns the new
// (vlo, vhi): mean and |z| fixed, z/|z| a spherical BM for s = 8 lambda alpha(|z|) dt.
struct PairVelocities { lo: vec3f, hi: vec3f, }

fn pairFlow(vlo: vec3f, vhi: vec3f, ilo: u32, slotHi: u32, lambda: f32, sw: u32) -> PairVelocities {
  let z = vlo - vhi;
  let r2 = dot(z, z);
  if (r2 == 0.0) { return PairVelocities(vlo, vhi); }
  let words = draw4(P.seed, P.step, batchPairWord(ilo, slotHi), sw);
  let s = 8.0 * lambda * alphaOf(r2, P.gamma, P.eps2) * P.dt;
  let rad = sqrt(r2);
  let omega = sphericalBrownian(z / rad, s, words);
  let u = 0.5 * (vlo + vhi);
  return PairVelocities(u + (0.5 * rad) * omega, u - (0.5 * rad) * omega);
}

// The exact kac flow of the pair in slots (a, c) of a batch of 3 (odd N).
fn exactPair(vel: ptr<function, array<vec3f, MAX_SLOTS>>, idx: ptr<function, array<u32, MAX_SLOTS>>, a: u32, c: u32, lambda: f32, sw: u32) {
  var lo = a; var hi = c;
  if ((*idx)[c] < (*idx)[a]) { lo = c; hi = a; }
  let out = pairFlow((*vel)[lo], (*vel)[hi], (*idx)[lo], hi, lambda, sw);
  (*vel)[lo] = out.lo;
  (*vel)[hi] = out.hi;
}

@compute @workgroup_size(WG)
fn stepBatch(@builtin(workgroup_id) sliceWid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wid = globalGroup(sliceWid);
  let b = wid.x * WG + lid;
  if (b >= batchCount()) { return; }
  let replica = wid.y;
  let n = P.n;
  let base = replica * n;
  let bt = batchOf(b);
  let keys = partitionKeys(replica);
  let pairSw = streamWordOf(STREAM_BATCH_PAIR, replica);
  if (NOISE == 3u && bt.size == 2u) {
    // Exact random pairs, a batch of 2: registers only (the slot arrays below are private memory,
    // which SwiftShader indexes through the stack).
    let i0 = feistelPermute(bt.start, n, keys);
    let i1 = feistelPermute(bt.start + 1u, n, keys);
    let v0 = particlesIn[base + i0].xyz;
    let v1 = particlesIn[base + i1].xyz;
    let w2 = batchWeight(2u);
    if (i0 < i1) {
      let out = pairFlow(v0, v1, i0, 1u, w2, pairSw);
      particlesOut[base + i0] = vec4f(out.lo, 0.0);
      particlesOut[base + i1] = vec4f(out.hi, 0.0);
    } else {
      let out = pairFlow(v1, v0, i1, 0u, w2, pairSw);
      particlesOut[base + i1] = vec4f(out.lo, 0.0);
      particlesOut[base + i0] = vec4f(out.hi, 0.0);
    }
    return;
  }
  var idx: array<u32, MAX_SLOTS>;
  var vel: array<vec3f, MAX_SLOTS>;
  for (var k = 0u; k < bt.size; k++) {
    idx[k] = feistelPermute(bt.start + k, n, keys);
    vel[k] = particlesIn[base + idx[k]].xyz;
  }
  let w = batchWeight(bt.size);
  if (NOISE == 3u) {
    // Exact random pairs; a batch of 3 (odd N) by its three pair flows in turn.
    for (var a = 0u; a < bt.size; a++) {
      for (var c = a + 1u; c < bt.size; c++) { exactPair(&vel, &idx, a, c, w, pairSw); }
    }
    for (var k = 0u; k < bt.size; k++) { particlesOut[base + idx[k]] = vec4f(vel[k], 0.0); }
    return;
  }
  for (var a = 0u; a < bt.size; a++) {
    let i = idx[a];
    var drift = vec3f(0.0);
    var diag = vec3f(0.0);
    var offd = vec3f(0.0);
    var noise = vec3f(0.0);
    for (var c = 0u; c < bt.size; c++) {
      if (c == a) { continue; }
      let j = idx[c];
      let z = vel[a] - vel[c];
      let r2 = dot(z, z);
      if (r2 == 0.0) { continue; }
      let al = alphaOf(r2, P.gamma, P.eps2);
      drift -= al * z;
      if (NOISE == 0u) {
        diag += al * (vec3f(r2) - z * z);
        offd -= al * vec3f(z.x * z.y, z.y * z.z, z.z * z.x);
      } else if (NOISE == 4u) {
        // rotation: d(d-1)/2 noises per ORDERED pair, keyed like fgm's.
        let eta = normals4(draw4(P.seed, P.step, batchPairWord(i, c), pairSw));
        noise += rotationNoiseTerm(z, sqrt(al), eta);
      } else if (NOISE == 5u) {
        // rotation-shared: partner j's own noises, felt by every member of its batch.
        let eta = normals4(draw4(P.seed, P.step, j, streamWordOf(STREAM_BATCH_SHARED, replica)));
        noise += rotationNoiseTerm(z, sqrt(al), eta);
      } else {
        var word = batchPairWord(i, c);
        var sgn = 1.0;
        if (NOISE == 2u) {
          // kac: one draw per unordered pair, keyed by the smaller index and the larger's slot.
          if (j < i) { word = batchPairWord(j, a); sgn = -1.0; }
        }
        let eta = normals2(draw4(P.seed, P.step, word, pairSw));
        noise += pairNoiseTerm(z, r2, sqrt(al), sgn, eta);
      }
    }
    var inc: vec3f;
    if (NOISE == 0u) {
      if (D == 2u) { diag.z = 0.0; }
      let words = draw4(P.seed, P.step, i, streamWordOf(STREAM_BATCH_NANBU, replica));
      if (D == 2u) {
        inc = choleskyTimes2(w * diag, w * offd, normals2(words));
      } else {
        inc = choleskyTimes3(w * diag, w * offd, normals4(words).xyz);
      }
      inc *= sqrt(2.0 * P.dt);
    } else {
      inc = sqrt(2.0 * P.dt * w) * noise;
    }
    particlesOut[base + i] = vec4f(vel[a] + (P.dt * 2.0 * f32(D - 1u) * w) * drift + inc, 0.0);
  }
}

// The partition alone (tests): position q of replica r gets perm(q) (exact in f32, < 2^24).
// Dispatch (ceil(N / WG), R).
@compute @workgroup_size(WG)
fn partitionOrder(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let q = wid.x * WG + lid;
  if (q >= P.n) { return; }
  particlesOut[wid.y * P.n + q] = vec4f(f32(feistelPermute(q, P.n, partitionKeys(wid.y))), 0.0, 0.0, 0.0);
}
