// First-order interaction kernels of models.md §3, float32 twins of src/physics/firstOrder/kernels.ts:
//   K(z) = f(|z|^2) * (z or z-perp),   f = KERNEL_COEF * shape(q),   q = |z|^2 + eps^2 (the regularisation).
// KERNEL specialises the hot path (set by kernelMode in src/gpu/passes/firstOrderStep.ts):
//   0 biot-savart   f = coef / q, times z-perp = (-z_y, z_x)   (d = 2 only)
//   1 coulomb d=2   f = coef / q
//   2 coulomb d=3   f = coef q^(-3/2)                          (one inverseSqrt)
//   3 riesz         f = coef q^(-RIESZ_POWER)                  (one pow; RIESZ_POWER = (s + 2)/2)
//   4 regular       f = coef exp(-|z|^2 / 2)                   (smooth; eps unused)
// K is odd, so K(0) = 0: with eps = 0 a coincident partner (q = 0) contributes 0.
override KERNEL: u32 = 0u;
override KERNEL_COEF: f32 = 1.0; // chi/(2 pi) biot-savart; +-chi c_d coulomb and riesz; +-chi regular (+ repulsive)
override RIESZ_POWER: f32 = 1.0; // (s + 2)/2, riesz only

// The factor f of four pairs at once (r2 = |z|^2 of each).
fn kernelFactor4(r2: vec4f, eps2: f32) -> vec4f {
  if (KERNEL == 4u) {
    return KERNEL_COEF * exp(-0.5 * r2);
  }
  let q = r2 + eps2;
  let live = q > vec4f(0.0);
  let safeQ = select(vec4f(1.0), q, live); // no 1/0 or pow(0, -p) on a dead lane
  var f: vec4f;
  switch KERNEL {
    case 2u: { let r = inverseSqrt(safeQ); f = r * r * r; }
    case 3u: { f = pow(safeQ, vec4f(-RIESZ_POWER)); }
    default: { f = 1.0 / safeQ; }
  }
  return select(vec4f(0.0), KERNEL_COEF * f, live);
}
