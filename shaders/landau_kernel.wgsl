// Landau kernels of models.md §1, float32 twins of src/physics/landau/kernel.ts:
//   alpha_eps(r) = (r^2 + eps^2)^(gamma/2);  b(z) = -(d-1) alpha z;  a^(1/2)(z) = alpha^(1/2) |z| Pi(z).
// GAMMA_MODE specialises the hot path: 0 general pow, 1 Maxwellian (alpha = 1, no pow),
// 2 Coulomb gamma = -3 (one inverseSqrt). Shared by landau_step.wgsl (all pairs) and
// batch_step.wgsl (random batches); the including shader declares `override D`.
override GAMMA_MODE: u32 = 0u;

// alpha_eps for four pairs at once (r2 = |z|^2 of each).
fn alphaOf4(r2: vec4f, gamma: f32, eps2: f32) -> vec4f {
  if (GAMMA_MODE == 1u) { return vec4f(1.0); }
  let s = r2 + eps2;
  if (GAMMA_MODE == 2u) { let q = inverseSqrt(s); return q * q * q; }
  // pow(0, gamma/2) is undefined in WGSL: s = 0 only for gamma > 0 with eps = 0, where alpha(0) = 0.
  return select(vec4f(0.0), pow(s, vec4f(0.5 * gamma)), s > vec4f(0.0));
}

// alpha_eps for one pair (the random-batch step; same arithmetic as alphaOf4).
fn alphaOf(r2: f32, gamma: f32, eps2: f32) -> f32 {
  if (GAMMA_MODE == 1u) { return 1.0; }
  let s = r2 + eps2;
  if (GAMMA_MODE == 2u) { let q = inverseSqrt(s); return q * q * q; }
  return select(0.0, pow(s, 0.5 * gamma), s > 0.0);
}

// a^(1/2)(z) xi_ij = alpha^(1/2) |z| Pi(z) xi_ij only sees the component of the d-dimensional
// Gaussian xi_ij in z-perp, which is a standard Gaussian in that (d-1)-dimensional plane. We sample
// exactly that: d = 2, eta_1 (-z_y, z_x); d = 3, |z| (eta_1 e_1 + eta_2 e_2) with (e_1, e_2) the
// orthonormal basis of z-perp of Duff et al. (JCGT 6(1), 2017). Same law as Pi(z) xi, one
// Box-Muller instead of two. For kac both particles of a pair must build the SAME basis, so it is
// built from the pair's canonical orientation z_c = sgn z = v_lo - v_hi (exact in float32), and
// the two contributions are then exact negatives. The float64 twin is pairNoiseTerm in
// src/physics/landau/particleSystem.ts.
fn pairNoiseTerm(z: vec3f, r2: f32, sqrtAlpha: f32, sgn: f32, eta: vec2f) -> vec3f {
  if (D == 2u) {
    return (sqrtAlpha * eta.x) * vec3f(-z.y, z.x, 0.0); // perp is odd in z: antisymmetry for free
  }
  let invR = select(0.0, inverseSqrt(r2), r2 > 0.0);
  let nc = (sgn * invR) * z;
  let sz = select(-1.0, 1.0, nc.z >= 0.0);
  let a = -1.0 / (sz + nc.z);
  let b = nc.x * nc.y * a;
  let e1 = vec3f(1.0 + sz * nc.x * nc.x * a, sz * b, -sz * nc.x);
  let e2 = vec3f(b, sz + nc.y * nc.y * a, -nc.y);
  return (sgn * sqrtAlpha * r2 * invR) * (eta.x * e1 + eta.y * e2);
}

// alpha^(1/2) sum_{a<b} xi_ab(z) eta_ab along the rotation generators of models.md §1.4, eta =
// (eta_12, eta_13, eta_23): no matrix root and no basis of z-perp. In 3D the sum is the cross
// product omega x z with omega = (eta_23, -eta_13, eta_12); in 2D xi_12(z) = z-perp = (-z_y, z_x).
// Twin of rotationNoiseTerm in particleSystem.ts. Used by landau_step.wgsl and batch_step.wgsl.
fn rotationNoiseTerm(z: vec3f, sqrtAlpha: f32, eta: vec4f) -> vec3f {
  if (D == 2u) {
    return (sqrtAlpha * eta.x) * vec3f(-z.y, z.x, 0.0);
  }
  return sqrtAlpha * cross(vec3f(eta.z, -eta.y, eta.x), z);
}
