// One Euler-Maruyama step of the nanbu system on the torus [0,1)^d, models.md §2 (float32):
//   X' = wrap( X + dt (2/N) sum_{j != i} b(X^i - X^j) + sqrt(2 dt) L xi_i ),
//   L L^T = Abar = (1/N) sum_{j != i} a(X^i - X^j),  a(z) = LAMBDA I + KAPPA w w^T,
//   w(z) = sin(2 pi z)/sqrt(d),  b = KAPPA [ (div w) w + (w.grad) w ].
// Prepended at build time: the StepParams struct, rng.wgsl (draws, HALF_PI), cholesky.wgsl, pair_tile.wgsl.
// Float64 twin: src/physics/torus/particleSystem.ts. Sums exclude j = i (a(0) = LAMBDA I != 0) and
// are normalised by N. Differences are nearest periodic images; positions are wrapped to [0, 1).
// Dispatch and tiling as in landau_step.wgsl.

override D: u32 = 2u;         // dimension, 2 or 3
override WG: u32 = 128u;      // workgroup size = tile length; set from STEP_WORKGROUP
override LAMBDA: f32 = 0.1;   // ellipticity lambda of a
override KAPPA: f32 = 1.0;    // strength kappa of the rank-one part

const TWO_PI: f32 = 6.283185307179586;

@group(0) @binding(0) var<uniform> P: StepParams;                     // n, replicas, step, seed, dt, invN (gamma, eps2 unused)
@group(0) @binding(1) var<storage, read> particlesIn: array<vec4f>;   // positions in [0,1)^d at step k
@group(0) @binding(2) var<storage, read_write> particlesOut: array<vec4f>; // positions at step k+1
@group(0) @binding(3) var<storage, read_write> terms: array<vec4f>;   // pairTerms only: 4 vec4f per particle

// Partner tiles: pair_tile.wgsl (tileX/Y/Z = partner position, tileW = 1, or 0 past N).

struct SinCos4 { s: vec4f, c: vec4f }

// (sin 2 pi z, cos 2 pi z) of four differences |z| <= 1/2 to float32 accuracy. WGSL only
// promises an absolute error of 2^-11 for sin/cos, so, as sinCosOfTurns in rng.wgsl, the quadrant
// is taken exactly (4z and 4z - round(4z) are exact in float32) and the rest, y in [-pi/4, pi/4],
// is evaluated by Taylor polynomials (truncation < 3e-8).
fn sinCos2Pi4(z: vec4f) -> SinCos4 {
  let t = 4.0 * z;
  let q = round(t);
  let y = (t - q) * HALF_PI; // HALF_PI from rng.wgsl
  let y2 = y * y;
  let sy = y * (1.0 + y2 * (-1.0 / 6.0 + y2 * (1.0 / 120.0 + y2 * (-1.0 / 5040.0 + y2 * (1.0 / 362880.0)))));
  let cy = 1.0 + y2 * (-0.5 + y2 * (1.0 / 24.0 + y2 * (-1.0 / 720.0 + y2 * (1.0 / 40320.0))));
  let quadrant = ((vec4i(q) % 4) + 4) % 4; // angle = quadrant * pi/2 + y
  let q1 = quadrant == vec4i(1); let q2 = quadrant == vec4i(2); let q3 = quadrant == vec4i(3);
  let s = select(select(select(sy, cy, q1), -sy, q2), -cy, q3);
  let c = select(select(select(cy, -sy, q1), -cy, q2), sy, q3);
  return SinCos4(s, c);
}

struct TorusSums {
  drift: vec3f,  // sum_{j != i} b(z)
  wwDiag: vec3f, // sum_{j != i} w_c^2
  wwOffd: vec3f, // sum_{j != i} (w_x w_y, w_y w_z, w_z w_x)
}

fn torusSums(i: u32, lid: u32, replica: u32, xi: vec3f) -> TorusSums {
  let n = P.n;
  let base = replica * n;
  let invSqrtD = inverseSqrt(f32(D));
  let k1 = TWO_PI * invSqrtD;   // div w = k1 sum_k cos 2 pi z_k
  let k2 = TWO_PI / f32(D);     // ((w.grad) w)_k = k2 sin 2 pi z_k cos 2 pi z_k
  // Per-lane partial sums over the four partners of each vec4 (reduced after the sweep).
  var bX = vec4f(0.0); var bY = vec4f(0.0); var bZ = vec4f(0.0);
  var wXX = vec4f(0.0); var wYY = vec4f(0.0); var wZZ = vec4f(0.0);
  var wXY = vec4f(0.0); var wYZ = vec4f(0.0); var wZX = vec4f(0.0);
  for (var t0 = 0u; t0 < n; t0 += WG) {
    stagePartnerTile(t0, lid, base, n, false);
    workgroupBarrier();
    for (var k = 0u; k < WG / 4u; k++) {
      let j = vec4u(t0 + 4u * k) + vec4u(0u, 1u, 2u, 3u);
      let weight = select(tileW[k], vec4f(0.0), j == vec4u(i)); // j = i excluded: a(0) = LAMBDA I
      let zx = xi.x - tileX[k];
      let zy = xi.y - tileY[k];
      let cx = sinCos2Pi4(zx - round(zx)); // nearest periodic images
      let cy = sinCos2Pi4(zy - round(zy));
      var sz = vec4f(0.0);
      var cosSum = cx.c + cy.c;
      var bz = vec4f(0.0);
      if (D == 3u) {
        let zz = xi.z - tileZ[k];
        let cz = sinCos2Pi4(zz - round(zz));
        sz = cz.s;
        cosSum += cz.c;
        bz = k2 * cz.s * cz.c;
      }
      let wx = invSqrtD * cx.s; let wy = invSqrtD * cy.s; let wz = invSqrtD * sz;
      let divW = k1 * cosSum;
      bX += weight * (divW * wx + k2 * cx.s * cx.c);
      bY += weight * (divW * wy + k2 * cy.s * cy.c);
      bZ += weight * (divW * wz + bz);
      let wwx = weight * wx; let wwy = weight * wy; let wwz = weight * wz;
      wXX += wwx * wx; wYY += wwy * wy; wZZ += wwz * wz;
      wXY += wwx * wy; wYZ += wwy * wz; wZX += wwz * wx;
    }
    workgroupBarrier();
  }
  return TorusSums(
    KAPPA * vec3f(hsum(bX), hsum(bY), hsum(bZ)),
    vec3f(hsum(wXX), hsum(wYY), hsum(wZZ)),
    vec3f(hsum(wXY), hsum(wYZ), hsum(wZX)),
  );
}

// Abar = (1/N) sum_{j != i} (LAMBDA I + KAPPA w w^T): its LAMBDA part is LAMBDA (N-1)/N exactly.
fn abarDiag(s: TorusSums) -> vec3f {
  let axes = select(vec3f(1.0, 1.0, 0.0), vec3f(1.0), D == 3u);
  return axes * (LAMBDA * f32(P.n - 1u) * P.invN + KAPPA * P.invN * s.wwDiag);
}

fn abarOffd(s: TorusSums) -> vec3f { return KAPPA * P.invN * s.wwOffd; }

fn wrap01(x: vec3f) -> vec3f {
  let f = fract(x);
  return select(f, vec3f(0.0), f >= vec3f(1.0)); // fract of a tiny negative number rounds to 1
}

@compute @workgroup_size(WG)
fn stepTorus(@builtin(workgroup_id) sliceWid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wid = globalGroup(sliceWid);
  let n = P.n;
  let i = wid.x * WG + lid;
  let xi = particlesIn[wid.y * n + min(i, n - 1u)].xyz;
  let s = torusSums(i, lid, wid.y, xi);
  if (i >= n) { return; }
  let w = draw4(P.seed, P.step, pairWordOf(i, 0u), streamWordOf(STREAM_TORUS, wid.y));
  var lxi: vec3f;
  if (D == 2u) {
    lxi = choleskyTimes2(abarDiag(s), abarOffd(s), normals2(w));
  } else {
    lxi = choleskyTimes3(abarDiag(s), abarOffd(s), normals4(w).xyz);
  }
  let next = wrap01(xi + P.dt * 2.0 * P.invN * s.drift + sqrt(2.0 * P.dt) * lxi);
  particlesOut[wid.y * n + i] = vec4f(select(vec3f(next.xy, 0.0), next, D == 3u), 0.0);
}

// The pair pass alone (tests, benchmark): drift (2/N) sum b, Abar diagonal, Abar off-diagonal, 0.
@compute @workgroup_size(WG)
fn pairTerms(@builtin(workgroup_id) sliceWid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wid = globalGroup(sliceWid);
  let n = P.n;
  let i = wid.x * WG + lid;
  let xi = particlesIn[wid.y * n + min(i, n - 1u)].xyz;
  let s = torusSums(i, lid, wid.y, xi);
  if (i >= n) { return; }
  let o = (wid.y * n + i) * 4u;
  terms[o] = vec4f(2.0 * P.invN * s.drift, 0.0);
  terms[o + 1u] = vec4f(abarDiag(s), 0.0);
  terms[o + 2u] = vec4f(abarOffd(s), 0.0);
  terms[o + 3u] = vec4f(0.0);
}
