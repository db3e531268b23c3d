// Lower Cholesky factors of the nanbu diffusion matrix Abar (models.md §1.1, §2), applied to a
// Gaussian vector: shared by landau_step.wgsl and torus_step.wgsl. The matrix arrives as its
// diagonal a = (xx, yy, zz) and off-diagonal o = (xy, yz, zx).

// Lower Cholesky factor of the PSD matrix [[a.x, o.x, o.z], [o.x, a.y, o.y], [o.z, o.y, a.z]]
// applied to xi, zero pivots allowed (Abar can be singular): same algorithm as choleskyPsd
// in src/physics/linalg.ts, with a float32 relative pivot tolerance 1e-6.
fn choleskyTimes3(a: vec3f, o: vec3f, xi: vec3f) -> vec3f {
  let tol = 1e-6 * abs(a.x + a.y + a.z);
  let p1 = a.x;
  let l11 = select(0.0, sqrt(p1), p1 > tol);
  let inv11 = select(0.0, 1.0 / l11, p1 > tol);
  let l21 = o.x * inv11;
  let l31 = o.z * inv11;
  let p2 = a.y - l21 * l21;
  let l22 = select(0.0, sqrt(p2), p2 > tol);
  let l32 = select(0.0, (o.y - l21 * l31) / l22, p2 > tol);
  let p3 = a.z - l31 * l31 - l32 * l32;
  let l33 = select(0.0, sqrt(p3), p3 > tol);
  return vec3f(l11 * xi.x, l21 * xi.x + l22 * xi.y, l31 * xi.x + l32 * xi.y + l33 * xi.z);
}

fn choleskyTimes2(a: vec3f, o: vec3f, xi: vec2f) -> vec3f {
  let tol = 1e-6 * abs(a.x + a.y);
  let p1 = a.x;
  let l11 = select(0.0, sqrt(p1), p1 > tol);
  let l21 = select(0.0, o.x / l11, p1 > tol);
  let p2 = a.y - l21 * l21;
  let l22 = select(0.0, sqrt(p2), p2 > tol);
  return vec3f(l11 * xi.x, l21 * xi.x + l22 * xi.y, 0.0);
}
