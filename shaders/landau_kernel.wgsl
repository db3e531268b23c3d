// Landau kernels of models.md §1, float32 twins of src/physics/landau/kernel.ts:
//   alpha_eps(r) = (r^2 + eps^2)^(gamma/2);  b(z) = -(d-1) alpha z;  a^(1/2)(z) = alpha^(1/2) |z| Pi(z).
// GAMMA_MODE specialises the hot path: 0 general pow, 1 Maxwellian (alpha = 1, no pow),
// 2 Coulomb gamma = -3 (one inverseSqrt).
override GAMMA_MODE: u32 = 0u;

// alpha_eps for four pairs at once (r2 = |z|^2 of each).
fn alphaOf4(r2: vec4f, gamma: f32, eps2: f32) -> vec4f {
  if (GAMMA_MODE == 1u) { return vec4f(1.0); }
  let s = r2 + eps2;
  if (GAMMA_MODE == 2u) { let q = inverseSqrt(s); return q * q * q; }
  // pow(0, gamma/2) is undefined in WGSL: s = 0 only for gamma > 0 with eps = 0, where alpha(0) = 0.
  return select(vec4f(0.0), pow(s, vec4f(0.5 * gamma)), s > vec4f(0.0));
}
