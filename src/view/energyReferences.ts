/**
 * Two facts about the energy E = (1/N)Σ|V|² of the Landau particle systems at γ = 0 (α ≡ 1,
 * b(z) = −(d−1)z), drawn as references on the energy chart (issue 14). Pure functions; they
 * belong with physics/references/laws.ts and can move there (that folder is not the view's).
 *
 * 1. Spread (nanbu, fgm): E is a martingale in continuous time (the drift of d E cancels pathwise,
 *    models.md §1.1). Its quadratic variation is (8/N²)Σ_i V^i·Ā_i V^i dt for nanbu, and the same
 *    for fgm (independent pair noises). At γ = 0 with zero mean, (1/N)Σ_i V^i·Ā_i V^i = E² − ‖M‖²_F
 *    (M the second-moment tensor), and M(t) − (E/d)I = (M₀ − (E/d)I)e^(−4dt) (§1.2), so
 *      Var E(t) = (8/N)[(1 − 1/d)E₀² t + ‖D₀‖²_F (e^(−8dt) − 1)/(8d)],   D₀ = M₀ − (E₀/d)I,
 *    and the mean over R replicas has Var/R. kac conserves E pathwise: no spread.
 * 2. Euler–Maruyama drift (all three noises): a step V ← V + b̄ dt + noise has
 *    E[ΔE] = dt²(1/N)Σ|b̄_i|², b̄_i = (2/N)Σ_j b(V^i − V^j) = −2(d−1)(V^i − V̄), so with V̄ = 0
 *    E[ΔE] = 4(d−1)²E dt² per step: E(t) ≈ E₀ e^(4(d−1)² dt t). At dt = 0.002, d = 3: 3.2% per unit
 *    time (a float64 reference run, N = 256, R = 4, kac: 3 → 3.048 ± 0.03 at t = 0.8; predicted 3.078).
 */

/** Variance of the replica-mean energy after `elapsed` time (nanbu/fgm, γ = 0, zero mean). */
export function energyVariance(d: number, n: number, replicas: number, energy0: number, secondMoment0: number[][], elapsed: number): number {
  let dev2 = 0;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      const dab = secondMoment0[a][b] - (a === b ? energy0 / d : 0);
      dev2 += dab * dab;
    }
  }
  const integral = (1 - 1 / d) * energy0 * energy0 * elapsed + (dev2 * (Math.exp(-8 * d * elapsed) - 1)) / (8 * d);
  return Math.max(0, (8 / n) * integral) / replicas;
}

/** Expected energy under the Euler–Maruyama drift at γ = 0 (any noise), zero mean. */
export function eulerMaruyamaEnergy(d: number, dt: number, energy0: number, elapsed: number): number {
  return energy0 * Math.exp(4 * (d - 1) ** 2 * dt * elapsed);
}
