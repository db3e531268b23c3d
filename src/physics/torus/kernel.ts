/**
 * The Landau-like kernel on the torus T^d = [0,1)^d of models.md §2 in float64 (the WGSL twin is
 * in shaders/torus_step.wgsl):
 *
 *   a(z) = λ I + κ w(z) w(z)ᵀ,   w(z) = (sin 2πz_1, …, sin 2πz_d)/√d,
 *   b(z) = ∇·a(z) = κ [ (∇·w) w + (w·∇) w ],
 *   ∇·w = (2π/√d) Σ_k cos 2πz_k,   ((w·∇)w)_k = (2π/d) sin 2πz_k cos 2πz_k.
 *
 * a is 1-periodic, symmetric, and λI ≤ a ≤ (λ + κ)I since 0 ≤ |w|² ≤ 1. Pair differences are
 * taken as the nearest periodic image (components in [−½, ½]); a and b are periodic, so this
 * changes nothing but the float accuracy of sin/cos.
 */
import type { Params } from '../params';

export type TorusKernelInput = Pick<Params, 'd' | 'lambda' | 'kappa'>;

/** Nearest periodic image of a coordinate difference, in [−½, ½]. */
export function nearestImage(z: number): number {
  return z - Math.round(z);
}

/** Wraps a coordinate to [0, 1). */
export function wrap01(x: number): number {
  const f = x - Math.floor(x);
  return f >= 1 ? 0 : f; // x − floor(x) rounds to 1 for tiny negative x
}

/** w(z) = sin(2πz)/√d componentwise (z of length ≥ d; only the first d are used). */
export function wVector(z: ArrayLike<number>, d: number): number[] {
  const r = 1 / Math.sqrt(d);
  return Array.from({ length: d }, (_, k) => r * Math.sin(2 * Math.PI * z[k]));
}

/** a(z) = λI + κ w wᵀ, row-major d×d. */
export function torusA(z: ArrayLike<number>, k: TorusKernelInput): number[] {
  const d = k.d;
  const w = wVector(z, d);
  const m = new Array<number>(d * d);
  for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) m[r * d + c] = (r === c ? k.lambda : 0) + k.kappa * w[r] * w[c];
  return m;
}

/** b(z) = κ[(∇·w) w + (w·∇) w], length d. */
export function torusB(z: ArrayLike<number>, k: TorusKernelInput): number[] {
  const d = k.d;
  const w = wVector(z, d);
  let cosSum = 0;
  for (let c = 0; c < d; c++) cosSum += Math.cos(2 * Math.PI * z[c]);
  const divW = ((2 * Math.PI) / Math.sqrt(d)) * cosSum;
  return Array.from({ length: d }, (_, c) => k.kappa * (divW * w[c] + ((2 * Math.PI) / d) * Math.sin(2 * Math.PI * z[c]) * Math.cos(2 * Math.PI * z[c])));
}
