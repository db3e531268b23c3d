// One Euler-Maruyama step of the Landau particle systems, models.md §1.1 (float32).
// Prepended at build time: the StepParams struct (src/gpu/layout.ts), rng.wgsl, cholesky.wgsl, pair_tile.wgsl,
// landau_kernel.wgsl.
//
// Dispatch: (ceil(N / (WG*PB)), R). Workgroup (x, r) owns particles x*WG*PB .. (x+1)*WG*PB - 1 of
// replica r, PB per invocation (lid, lid + WG, ...), and sweeps all N partners of that replica in
// tiles of WG staged through workgroup memory: O(N^2) pair work, O(N) global reads per tile, and
// each partner read from the tile serves PB particles. Sums include j = i, whose terms vanish
// (a(0) = 0).

override D: u32 = 3u;      // velocity dimension, 2 or 3
override NOISE: u32 = 0u;  // 0 nanbu, 1 fgm, 2 kac, 3 rotation, 4 rotation-shared (models.md §1.1, §1.4)
// increments=two-point (issue 13): each pair-noise component is +-1 with probability 1/2 (the
// simplified weak Euler scheme, Kloeden-Platen 14.1) instead of a standard normal; nanbu's
// per-particle normals stay Gaussian.
override TWO_POINT: bool = false;
override WG: u32 = 128u;    // workgroup size = tile length; set from STEP_WORKGROUP (landauStep.ts)
// N is a multiple of WG: every partner slot holds a particle, so the tile weights (0 past N) are
// all 1 and the hot loop skips their load and multiply (landauStep.ts sets it from N).
override FULL_TILES: bool = false;
// Particles per invocation, 1, 2 or 4 (register blocking; landauStep.ts pairBlockFor): fewer tile
// reads per pair, fewer workgroups. Measured in docs/performance.md.
override PB: u32 = 1u;

@group(0) @binding(0) var<uniform> P: StepParams;
@group(0) @binding(1) var<storage, read> particlesIn: array<vec4f>;   // velocities at step k
@group(0) @binding(2) var<storage, read_write> particlesOut: array<vec4f>; // velocities at step k+1
@group(0) @binding(3) var<storage, read_write> terms: array<vec4f>;   // pairTerms only: 4 vec4f per particle

// Partner tiles: pair_tile.wgsl (tileX/Y/Z = partner velocity, tileW = 1, or 0 past N).
// rotation-shared only: the noises (eta_12, eta_13, eta_23, 0) of partner t0 + s, keyed by the
// partner alone, drawn once per tile by its staging lane (O(N) draws per workgroup, not O(N^2)).
var<workgroup> tileEta: array<vec4f, WG>;

struct PairSums {
  drift: vec3f, // sum_j -alpha z  (times 2(d-1)/N gives (2/N) sum_j b)
  diag: vec3f,  // sum_j alpha (|z|^2 - z_c^2) = sum_j alpha (sum of the other z_c'^2): diagonal of N*Abar (nanbu)
  offd: vec3f,  // sum_j -alpha (z_x z_y, z_y z_z, z_z z_x): off-diagonal of N*Abar (nanbu)
  noise: vec3f, // sum_j (+/-) a^(1/2)(z) xi_ij (fgm, kac); sum_j alpha^(1/2) sum_ab xi_ab(z) eta_ab (rotation, rotation-shared)
}

// The pair-noise components of one draw: standard normals by Box-Muller (two of them when only
// eta.xy is used: fgm, kac, and rotation in 2D), or +-1 from the top bit of each word with
// two-point increments (only rotation-shared's per-partner draws: the pair systems take theirs
// from twoPointBits). Twin of pairIncrements in src/physics/landau/particleSystem.ts.
fn pairIncrements(w: vec4u) -> vec4f {
  if (TWO_POINT) { return twoPoint4(w); }
  if (NOISE >= 3u && D == 3u) { return normals4(w); }
  return vec4f(normals2(w), 0.0, 0.0);
}

// rotationNoiseTerm (models.md §1.4) comes from landau_kernel.wgsl.

// The stream purpose of the pair-noise draws (rng.wgsl).
fn pairStream() -> u32 {
  switch NOISE {
    case 2u: { return STREAM_PAIR_UNORDERED; }
    case 3u: { return STREAM_PAIR_ROTATION; }
    case 4u: { return STREAM_ROTATION_SHARED; }
    default: { return STREAM_PAIR_ORDERED; }
  }
}

// Per-lane partial sums of one particle over the four partners of each vec4 (reduced at the end).
struct Acc {
  dX: vec4f, dY: vec4f, dZ: vec4f,
  // nanbu: q_c = sum alpha z_c^2 and the off-diagonal sums; the diagonal of N*Abar is
  // alpha(|z|^2 - z_c^2) = the other two q's (exact, no cancellation, fewer operations per pair).
  qX: vec4f, qY: vec4f, qZ: vec4f,
  oXY: vec4f, oYZ: vec4f, oZX: vec4f,
  noise: vec3f, // pair-noise systems: as PairSums.noise
  nX: vec4f, nY: vec4f, nZ: vec4f, // two-point increments: the noise sum per lane (accumulateTwoPoint)
}

// Two-point increments (issue 13) of fgm, kac and rotation: the sign bits of the four pairs
// (i, j0 + c), c = 0..3, from ONE hash per 4x4 block of pairs. The block key is the pair of
// particle blocks (i >> 2, j >> 2), ordered for fgm/rotation and unordered for kac (both
// particles of a kac pair then read the same bits); pair (lo, hi) (lo = i for ordered keys,
// min(i, j) for kac) reads word (lo & 3) shifted left by p = hi & 3, and component m of its
// increment is the top bit of nibble m, i.e. bit 31 - 4m - p of the word: the 16 pairs of a block
// use disjoint bits, all among the top 12 of each word. (pcg4d's LOW bits are poor: bits 0-11 of
// the four words correlate up to 0.26, while bits 20-31 showed no mean or pair correlation above
// 4.5 standard errors in 10^6 keys.) Twin of twoPointPairBits in particleSystem.ts. j0 is a
// multiple of 4: the four partners share a block.
fn twoPointBits(i: u32, j0: u32, sw: u32) -> vec4u {
  let bi = i >> 2u;
  let bj = j0 >> 2u;
  let il = i & 3u;
  var key = pairWordOf(bi, bj);
  var iIsLo = vec4<bool>(true);
  if (NOISE == 2u) {
    key = pairWordOf(min(bi, bj), max(bi, bj));
    iIsLo = vec4<bool>(bi < bj) | (vec4<bool>(bi == bj) & (vec4u(0u, 1u, 2u, 3u) > vec4u(il)));
  }
  let h = draw4(P.seed, P.step, key, sw);
  let asLo = vec4u(h[il]) << vec4u(0u, 1u, 2u, 3u); // i = lo: word i & 3, p = c
  let asHi = h << vec4u(il);                          // j = lo: word c, p = i & 3
  return select(asHi, asLo, iIsLo);
}

// +-1 from bit 31 - 4m of each lane's (shifted) word.
fn twoPointSign(bits: vec4u, m: u32) -> vec4f {
  return select(vec4f(1.0), vec4f(-1.0), (bits & vec4u(0x80000000u >> (4u * m))) != vec4u(0u));
}

// The two-point pair noise of the four partners j0 .. j0+3 in vector arithmetic (no per-partner
// loop): fgm/kac as pairNoiseTerm (the Duff et al. basis of z-perp from the canonical z_c),
// rotation as rotationNoiseTerm (omega x z). Same formulas, lane by lane.
fn accumulateTwoPoint(acc: ptr<function, Acc>, i: u32, j0: u32, zx: vec4f, zy: vec4f, zz: vec4f, r2: vec4f, al: vec4f, sw: u32) {
  let bits = twoPointBits(i, j0, sw);
  let q = sqrt(al);
  let s1 = twoPointSign(bits, 0u);
  if (D == 2u) {
    // fgm, kac and rotation alike: eta_1 (-z_y, z_x) (z-perp is odd: kac's antisymmetry for free).
    let f = q * s1;
    (*acc).nX -= f * zy; (*acc).nY += f * zx;
    return;
  }
  let s2 = twoPointSign(bits, 1u);
  if (NOISE == 3u) {
    let s3 = twoPointSign(bits, 2u); // (eta_12, eta_13, eta_23) = (s1, s2, s3)
    (*acc).nX -= q * (s1 * zy + s2 * zz);
    (*acc).nY += q * (s1 * zx - s3 * zz);
    (*acc).nZ += q * (s2 * zx + s3 * zy);
    return;
  }
  var sgn = vec4f(1.0);
  if (NOISE == 2u) { sgn = select(vec4f(1.0), vec4f(-1.0), vec4u(i) > vec4u(j0) + vec4u(0u, 1u, 2u, 3u)); }
  let invR = select(vec4f(0.0), inverseSqrt(r2), r2 > vec4f(0.0));
  let g = sgn * invR;
  let nx = g * zx; let ny = g * zy; let nz = g * zz;
  let sz = select(vec4f(-1.0), vec4f(1.0), nz >= vec4f(0.0));
  let a = -1.0 / (sz + nz);
  let b = nx * ny * a;
  let f = sgn * q * r2 * invR;
  let t1 = f * s1; let t2 = f * s2;
  (*acc).nX += t1 * (1.0 + sz * nx * nx * a) + t2 * b;
  (*acc).nY += t1 * (sz * b) + t2 * (sz + ny * ny * a);
  (*acc).nZ -= t1 * (sz * nx) + t2 * ny;
}

// The four partners j0 .. j0+3 (tile slot k) of particle i with velocity vi, into acc.
fn accumulate(acc: ptr<function, Acc>, i: u32, vi: vec3f, j0: u32, k: u32, px: vec4f, py: vec4f, pz: vec4f, pw: vec4f, sw: u32) {
  let zx = vi.x - px;
  let zy = vi.y - py;
  let zz = vi.z - pz;
  let r2 = zx * zx + zy * zy + zz * zz;
  var al = alphaOf4(r2, P.gamma, P.eps2);
  if (!FULL_TILES) { al *= pw; }
  let ax = al * zx; let ay = al * zy; let az = al * zz;
  (*acc).dX -= ax; (*acc).dY -= ay; (*acc).dZ -= az;
  if (NOISE == 0u) {
    (*acc).qX += ax * zx; (*acc).qY += ay * zy; (*acc).qZ += az * zz;
    (*acc).oXY -= ax * zy; (*acc).oYZ -= ay * zz; (*acc).oZX -= az * zx;
  } else if (TWO_POINT && NOISE != 4u) {
    accumulateTwoPoint(acc, i, j0, zx, zy, zz, r2, al, sw);
  } else if (NOISE >= 3u) {
    for (var c = 0u; c < 4u; c++) {
      // rotation: one draw per ORDERED pair (i, j); rotation-shared: partner j's staged noises.
      var eta: vec4f;
      if (NOISE == 4u) {
        eta = tileEta[4u * k + c];
      } else {
        eta = pairIncrements(draw4(P.seed, P.step, pairWordOf(i, j0 + c), sw));
      }
      (*acc).noise += rotationNoiseTerm(vec3f(zx[c], zy[c], zz[c]), sqrt(al[c]), eta);
    }
  } else {
    for (var c = 0u; c < 4u; c++) {
      let j = j0 + c;
      var word = pairWordOf(i, j);
      var sgn = 1.0;
      if (NOISE == 2u) {
        // kac: one draw per unordered pair; the smaller index sees +xi, the larger -xi.
        word = pairWordOf(min(i, j), max(i, j));
        sgn = select(1.0, -1.0, i > j);
      }
      let eta = pairIncrements(draw4(P.seed, P.step, word, sw)).xy;
      (*acc).noise += pairNoiseTerm(vec3f(zx[c], zy[c], zz[c]), r2[c], sqrt(al[c]), sgn, eta);
    }
  }
}

fn finish(a: Acc) -> PairSums {
  var s: PairSums;
  s.drift = vec3f(hsum(a.dX), hsum(a.dY), hsum(a.dZ));
  let q = vec3f(hsum(a.qX), hsum(a.qY), hsum(a.qZ));
  s.diag = vec3f(q.y + q.z, q.x + q.z, q.x + q.y); // d = 2: z_z = 0, so q.z = 0
  s.offd = vec3f(hsum(a.oXY), hsum(a.oYZ), hsum(a.oZX));
  if (D == 2u) { s.diag.z = 0.0; }
  s.noise = a.noise + vec3f(hsum(a.nX), hsum(a.nY), hsum(a.nZ));
  return s;
}

// The pair sums of the PB particles i_h = first + h*WG (h < PB) of one replica, velocities v[h].
// (Indices past N read particle N-1 and are not written by the callers.)
fn pairSums(first: u32, lid: u32, replica: u32, v: array<vec3f, 4>) -> array<PairSums, 4> {
  let n = P.n;
  let base = replica * n;
  let sw = streamWordOf(pairStream(), replica);
  // Four named accumulators rather than an array: PB is an override, so the unused ones fold away.
  var a0: Acc; var a1: Acc; var a2: Acc; var a3: Acc;
  for (var t0 = 0u; t0 < n; t0 += WG) {
    stagePartnerTile(t0, lid, base, n, false);
    if (NOISE == 4u) {
      // rotation-shared: partner j's noises, keyed by (j, 0) alone: the same for every i (§1.4).
      tileEta[lid] = pairIncrements(draw4(P.seed, P.step, pairWordOf(t0 + lid, 0u), sw));
    }
    workgroupBarrier();
    for (var k = 0u; k < WG / 4u; k++) {
      let px = tileX[k]; let py = tileY[k]; let pz = tileZ[k];
      var pw = vec4f(1.0);
      if (!FULL_TILES) { pw = tileW[k]; }
      let j0 = t0 + 4u * k;
      accumulate(&a0, first, v[0], j0, k, px, py, pz, pw, sw);
      if (PB > 1u) { accumulate(&a1, first + WG, v[1], j0, k, px, py, pz, pw, sw); }
      if (PB > 2u) {
        accumulate(&a2, first + 2u * WG, v[2], j0, k, px, py, pz, pw, sw);
        accumulate(&a3, first + 3u * WG, v[3], j0, k, px, py, pz, pw, sw);
      }
    }
    workgroupBarrier();
  }
  return array<PairSums, 4>(finish(a0), finish(a1), finish(a2), finish(a3));
}

// This invocation's PB particles: the first index and the velocities (clamped reads past N).
fn firstOf(wid: vec3u, lid: u32) -> u32 { return wid.x * WG * PB + lid; }
fn velocitiesOf(first: u32, replica: u32) -> array<vec3f, 4> {
  let n = P.n;
  var v: array<vec3f, 4>;
  for (var h = 0u; h < 4u; h++) {
    if (h < PB) { v[h] = particlesIn[replica * n + min(first + h * WG, n - 1u)].xyz; }
  }
  return v;
}

fn driftScale() -> f32 { return 2.0 * f32(D - 1u) * P.invN; } // (2/N) sum b, b = -(d-1) alpha z

@compute @workgroup_size(WG)
fn stepNanbu(@builtin(workgroup_id) sliceWid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wid = globalGroup(sliceWid);
  let n = P.n;
  let first = firstOf(wid, lid);
  let v = velocitiesOf(first, wid.y);
  let sums = pairSums(first, lid, wid.y, v);
  for (var h = 0u; h < PB; h++) {
    let i = first + h * WG;
    if (i >= n) { break; }
    let s = sums[h];
    let w = draw4(P.seed, P.step, pairWordOf(i, 0u), streamWordOf(STREAM_NANBU, wid.y));
    var lxi: vec3f;
    if (D == 2u) {
      lxi = choleskyTimes2(s.diag * P.invN, s.offd * P.invN, normals2(w));
    } else {
      lxi = choleskyTimes3(s.diag * P.invN, s.offd * P.invN, normals4(w).xyz);
    }
    particlesOut[wid.y * n + i] = vec4f(v[h] + P.dt * driftScale() * s.drift + sqrt(2.0 * P.dt) * lxi, 0.0);
  }
}

@compute @workgroup_size(WG)
fn stepPairNoise(@builtin(workgroup_id) sliceWid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wid = globalGroup(sliceWid);
  let n = P.n;
  let first = firstOf(wid, lid);
  let v = velocitiesOf(first, wid.y);
  let sums = pairSums(first, lid, wid.y, v);
  for (var h = 0u; h < PB; h++) {
    let i = first + h * WG;
    if (i >= n) { break; }
    let s = sums[h];
    particlesOut[wid.y * n + i] = vec4f(v[h] + P.dt * driftScale() * s.drift + sqrt(2.0 * P.dt * P.invN) * s.noise, 0.0);
  }
}

// The pair pass alone: writes the pair sums (for tests against the float64 reference and for
// the pair-pass benchmark). Output per particle: drift (2/N) sum b, Abar diag, Abar off-diagonal
// (xy, yz, zx), noise sum.
@compute @workgroup_size(WG)
fn pairTerms(@builtin(workgroup_id) sliceWid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wid = globalGroup(sliceWid);
  let n = P.n;
  let first = firstOf(wid, lid);
  let sums = pairSums(first, lid, wid.y, velocitiesOf(first, wid.y));
  for (var h = 0u; h < PB; h++) {
    let i = first + h * WG;
    if (i >= n) { break; }
    let s = sums[h];
    let o = (wid.y * n + i) * 4u;
    terms[o] = vec4f(driftScale() * s.drift, 0.0);
    terms[o + 1u] = vec4f(s.diag * P.invN, 0.0);
    terms[o + 2u] = vec4f(s.offd * P.invN, 0.0);
    terms[o + 3u] = vec4f(s.noise, 0.0);
  }
}
