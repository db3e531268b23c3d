// The project's counter-based generator, bit-identical to src/physics/rng.ts (a test checks it).
// draw4(seed, counter, pairWord, streamWord) -> four u32 words; RNG_KIND picks the algorithm:
//   0 = pcg4d (Jarzynski & Olano, JCGT 2020), 1 = Philox4x32-10 (Salmon et al., SC'11).

override RNG_KIND: u32 = 0u;

fn pcg4d(v0: vec4u) -> vec4u {
  var v = v0 * 1664525u + 1013904223u;
  v.x += v.y * v.w; v.y += v.z * v.x; v.z += v.x * v.y; v.w += v.y * v.z;
  v ^= v >> vec4u(16u);
  v.x += v.y * v.w; v.y += v.z * v.x; v.z += v.x * v.y; v.w += v.y * v.z;
  return v;
}

// High word of a 32x32-bit product by 16-bit halves (WGSL has no 64-bit integers).
fn mulhi32(a: u32, b: u32) -> u32 {
  let al = a & 0xffffu; let ah = a >> 16u; let bl = b & 0xffffu; let bh = b >> 16u;
  let ll = al * bl; let lh = al * bh; let hl = ah * bl; let hh = ah * bh;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}

const PHILOX_M0: u32 = 0xD2511F53u;
const PHILOX_M1: u32 = 0xCD9E8D57u;
const PHILOX_W0: u32 = 0x9E3779B9u;
const PHILOX_W1: u32 = 0xBB67AE85u;
const PHILOX_KEY1: u32 = 0x6d666c31u; // same constant as rng.ts

fn philox4x32(c0: vec4u, k0: vec2u) -> vec4u {
  var c = c0; var k = k0;
  for (var r = 0u; r < 10u; r++) {
    let hi0 = mulhi32(PHILOX_M0, c.x); let lo0 = PHILOX_M0 * c.x;
    let hi1 = mulhi32(PHILOX_M1, c.z); let lo1 = PHILOX_M1 * c.z;
    c = vec4u(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k += vec2u(PHILOX_W0, PHILOX_W1);
  }
  return c;
}

fn draw4(seed: u32, counter: u32, pairWord: u32, streamWord: u32) -> vec4u {
  if (RNG_KIND == 0u) {
    return pcg4d(vec4u(seed, counter, pairWord, streamWord));
  }
  return philox4x32(vec4u(counter, pairWord, streamWord, 0u), vec2u(seed, PHILOX_KEY1));
}

// Stream purposes (top byte of the stream word), as in rng.ts.
const STREAM_NANBU: u32 = 2u;
const STREAM_PAIR_ORDERED: u32 = 3u;
const STREAM_PAIR_UNORDERED: u32 = 4u;
const STREAM_FIRST_ORDER: u32 = 5u;
const STREAM_TORUS: u32 = 6u;
const STREAM_PAIR_ROTATION: u32 = 7u;   // rotation: per ordered pair (models.md §1.4)
const STREAM_ROTATION_SHARED: u32 = 8u; // rotation-shared: per particle j, felt by all (§1.4)

fn pairWordOf(i: u32, j: u32) -> u32 { return (i & 0xffffu) | ((j & 0xffffu) << 16u); }
fn streamWordOf(purpose: u32, replica: u32) -> u32 { return (purpose << 24u) | (replica & 0xffffffu); }

const TWO_POW_M24: f32 = 5.9604644775390625e-8;
const HALF_PI: f32 = 1.5707963267948966;
const INV_SQRT2: f32 = 0.7071067811865476;

// (sin, cos) of the angle 2*pi*(w >> 8)/2^24 to float32 accuracy. WGSL only promises an absolute
// error of 2^-11 for sin/cos (inside [-pi, pi]), which would make GPU normals differ from the
// float64 reference by ~1e-3. The angle's quadrant is taken from the integer bits (exact range
// reduction), the rest is centred on pi/4 and evaluated by Taylor polynomials on [-pi/4, pi/4]
// (truncation < 3e-8).
fn sinCosOfTurns(w: u32) -> vec2f {
  let q = w >> 8u;                 // 24-bit angle in units of 2*pi/2^24
  let quadrant = q >> 22u;         // which quarter turn
  let inQuarter = i32(q & 0x3fffffu) - 0x200000; // offset from the quarter's middle, exact
  let y = f32(inQuarter) * (HALF_PI / 4194304.0); // in [-pi/4, pi/4)
  let y2 = y * y;
  let sy = y * (1.0 + y2 * (-1.0 / 6.0 + y2 * (1.0 / 120.0 + y2 * (-1.0 / 5040.0 + y2 * (1.0 / 362880.0)))));
  let cy = 1.0 + y2 * (-0.5 + y2 * (1.0 / 24.0 + y2 * (-1.0 / 720.0 + y2 * (1.0 / 40320.0))));
  // Angle within the quarter is pi/4 + y.
  let s = INV_SQRT2 * (sy + cy);
  let c = INV_SQRT2 * (cy - sy);
  switch quadrant {
    case 0u: { return vec2f(s, c); }
    case 1u: { return vec2f(c, -s); }
    case 2u: { return vec2f(-s, -c); }
    default: { return vec2f(-c, s); }
  }
}

fn boxMullerRadius(w: u32) -> f32 {
  return sqrt(-2.0 * log((f32(w >> 8u) + 0.5) * TWO_POW_M24));
}

// Four standard normals by two Box-Muller transforms, the same formula as normals4 in rng.ts:
// radius from u_open = (w >> 8 + 0.5) 2^-24 in (0,1) (no log(0)), angle 2 pi (w >> 8) 2^-24.
fn normals4(w: vec4u) -> vec4f {
  let r0 = boxMullerRadius(w.x);
  let a0 = sinCosOfTurns(w.y);
  let r1 = boxMullerRadius(w.z);
  let a1 = sinCosOfTurns(w.w);
  return vec4f(r0 * a0.y, r0 * a0.x, r1 * a1.y, r1 * a1.x);
}

// Two normals (one Box-Muller) for d = 2, where the other two are not needed.
fn normals2(w: vec4u) -> vec2f {
  let r0 = boxMullerRadius(w.x);
  let a0 = sinCosOfTurns(w.y);
  return vec2f(r0 * a0.y, r0 * a0.x);
}

// Two-point increments +-1 with probability 1/2 from the top bit of each word (simplified weak
// Euler scheme, Kloeden-Platen 14.1: mean 0, variance 1), the same formula as twoPoint in rng.ts.
fn twoPoint4(w: vec4u) -> vec4f {
  return select(vec4f(1.0), vec4f(-1.0), (w >> vec4u(31u)) == vec4u(1u));
}
