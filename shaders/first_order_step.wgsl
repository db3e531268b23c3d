// One Euler-Maruyama step of the first-order mean-field systems, models.md §3 (float32):
//   X' = X + dt (1/N) sum_{j != i} m_j K(X^i - X^j) + sqrt(2 sigma dt) xi_i.
// Prepended at build time: the StepParams struct (src/gpu/layout.ts), rng.wgsl, pair_tile.wgsl,
// first_order_kernel.wgsl. Float64 twin: src/physics/firstOrder/particleSystem.ts.
//
// Dispatch: (ceil(N / WG), R), tiled exactly like landau_step.wgsl: workgroup (x, r) owns
// particles x*WG .. x*WG+WG-1 of replica r and sweeps the N partners in tiles of WG staged
// through workgroup memory. A particle is (x1, x2, x3 | 0, m): the fourth component carries the
// circulation m (1 for every kernel but Biot-Savart), weights the partner's kernel and is copied
// unchanged.

override D: u32 = 2u;       // dimension of positions, 2 or 3
override WG: u32 = 128u;    // workgroup size = tile length; set from STEP_WORKGROUP
override SIGMA: f32 = 0.0;  // diffusion sigma (noise sqrt(2 sigma) dB)

@group(0) @binding(0) var<uniform> P: StepParams;                     // n, replicas, step, seed, dt, eps2, invN (gamma unused)
@group(0) @binding(1) var<storage, read> particlesIn: array<vec4f>;   // (position, m) at step k
@group(0) @binding(2) var<storage, read_write> particlesOut: array<vec4f>; // (position, m) at step k+1
@group(0) @binding(3) var<storage, read_write> terms: array<vec4f>;   // pairTerms only: 4 vec4f per particle

// Partner tiles: pair_tile.wgsl (tileX/Y/Z = partner position, tileW = circulation m_j, 0 past N).

// (1/N) sum_{j != i} m_j K(x_i - x_j).
fn driftSum(i: u32, lid: u32, replica: u32, xi: vec3f) -> vec3f {
  let n = P.n;
  let base = replica * n;
  var dX = vec4f(0.0); var dY = vec4f(0.0); var dZ = vec4f(0.0); // per-lane partial sums
  for (var t0 = 0u; t0 < n; t0 += WG) {
    stagePartnerTile(t0, lid, base, n, true);
    workgroupBarrier();
    for (var k = 0u; k < WG / 4u; k++) {
      let zx = xi.x - tileX[k];
      let zy = xi.y - tileY[k];
      let zz = xi.z - tileZ[k];
      let j = vec4u(t0 + 4u * k) + vec4u(0u, 1u, 2u, 3u);
      // j = i excluded (K(0) = 0 anyway); the circulation weights each partner.
      let f = select(tileW[k], vec4f(0.0), j == vec4u(i)) * kernelFactor4(zx * zx + zy * zy + zz * zz, P.eps2);
      if (KERNEL == 0u) {
        dX -= f * zy; dY += f * zx; // z-perp = (-z_y, z_x)
      } else {
        dX += f * zx; dY += f * zy; dZ += f * zz;
      }
    }
    workgroupBarrier();
  }
  return P.invN * vec3f(hsum(dX), hsum(dY), hsum(dZ));
}

@compute @workgroup_size(WG)
fn stepFirstOrder(@builtin(workgroup_id) sliceWid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wid = globalGroup(sliceWid);
  let n = P.n;
  let i = wid.x * WG + lid;
  let pi = particlesIn[wid.y * n + min(i, n - 1u)];
  let drift = driftSum(i, lid, wid.y, pi.xyz);
  if (i >= n) { return; }
  let w = draw4(P.seed, P.step, pairWordOf(i, 0u), streamWordOf(STREAM_FIRST_ORDER, wid.y));
  var xi: vec3f;
  if (D == 2u) {
    xi = vec3f(normals2(w), 0.0);
  } else {
    xi = normals4(w).xyz;
  }
  particlesOut[wid.y * n + i] = vec4f(pi.xyz + P.dt * drift + sqrt(2.0 * SIGMA * P.dt) * xi, pi.w);
}

// The pair pass alone (tests, benchmark): per particle the drift (1/N) sum m_j K, then zeros.
@compute @workgroup_size(WG)
fn pairTerms(@builtin(workgroup_id) sliceWid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wid = globalGroup(sliceWid);
  let n = P.n;
  let i = wid.x * WG + lid;
  let pi = particlesIn[wid.y * n + min(i, n - 1u)];
  let drift = driftSum(i, lid, wid.y, pi.xyz);
  if (i >= n) { return; }
  let o = (wid.y * n + i) * 4u;
  terms[o] = vec4f(drift, 0.0);
  terms[o + 1u] = vec4f(0.0);
  terms[o + 2u] = vec4f(0.0);
  terms[o + 3u] = vec4f(0.0);
}
