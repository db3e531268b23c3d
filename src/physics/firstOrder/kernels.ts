/**
 * First-order interaction kernels of models.md §3 in float64 (the WGSL twins live in
 * shaders/first_order_kernel.wgsl). With q = |x|² + ε² (the regularisation |x|² → |x|² + ε²):
 *
 *   biot-savart (d = 2):  K(x) = χ x⊥ / (2π q),                 x⊥ = (−x₂, x₁)
 *   coulomb:              K(x) = ±χ c_d x / q^(d/2),            c₂ = 1/(2π), c₃ = 1/(4π)
 *   riesz:                K(x) = ±χ c_d x / q^((s+2)/2)         (s = d − 2 is coulomb)
 *   regular:              K(x) = ±χ x e^(−|x|²/2)               (smooth; ε unused)
 *
 * + is repulsive (2D: the log gas, K = −∇g with g = −(1/2π) log|x|), − attractive (2D coulomb:
 * Keller–Segel). K is odd; K(0) = 0 by that symmetry, also for ε = 0, where coincident points
 * (x = 0, which has probability 0 under any law with a density) contribute nothing.
 * Every kernel is `coefficient · x-or-x⊥ · shape(q)`, the form the shader evaluates.
 */
import type { KernelKind, KernelSign, Params } from '../params';

export type FirstOrderKernelInput = Pick<Params, 'd' | 'kernel' | 'sign' | 'chi' | 's' | 'eps'>;

/** c_d of the Coulomb kernel: c₂ = 1/(2π), c₃ = 1/(4π) (models.md §3). */
export function coulombConstant(d: 2 | 3): number {
  return d === 2 ? 1 / (2 * Math.PI) : 1 / (4 * Math.PI);
}

export function signOf(sign: KernelSign): number {
  return sign === 'repulsive' ? 1 : -1;
}

/** The constant factor of K: biot-savart χ/(2π); coulomb and riesz ±χ c_d; regular ±χ. */
export function kernelCoefficient(k: FirstOrderKernelInput): number {
  switch (k.kernel) {
    case 'biot-savart':
      return k.chi / (2 * Math.PI);
    case 'coulomb':
    case 'riesz':
      return signOf(k.sign) * k.chi * coulombConstant(k.d);
    case 'regular':
      return signOf(k.sign) * k.chi;
  }
}

/** Exponent e in K ∝ x / q^e: biot-savart 1, coulomb d/2, riesz (s+2)/2 (regular: none). */
export function kernelPower(k: Pick<Params, 'd' | 'kernel' | 's'>): number {
  switch (k.kernel) {
    case 'biot-savart':
      return 1;
    case 'coulomb':
      return k.d / 2;
    case 'riesz':
      return (k.s + 2) / 2;
    case 'regular':
      return 0;
  }
}

/** Whether the kernel is rotational (x⊥) rather than radial (x). */
export function isVortexKernel(kernel: KernelKind): boolean {
  return kernel === 'biot-savart';
}

/**
 * K(x) written into `out` (length ≥ 3; out[2] = 0 when d = 2). Returns `out`.
 * The radial factor multiplies x (or x⊥), so x·K(x) = coefficient · |x|² · shape(q) for radial
 * kernels and x·K(x) = 0 for Biot–Savart, regularised or not (models.md §3).
 */
export function kernelF64(x0: number, x1: number, x2: number, k: FirstOrderKernelInput, out: Float64Array | number[] = new Float64Array(3)): Float64Array | number[] {
  const r2 = x0 * x0 + x1 * x1 + x2 * x2;
  const coef = kernelCoefficient(k);
  let f: number;
  if (k.kernel === 'regular') {
    f = coef * Math.exp(-0.5 * r2);
  } else {
    const q = r2 + k.eps * k.eps;
    f = q > 0 ? coef * Math.pow(q, -kernelPower(k)) : 0; // x = 0 with ε = 0: K(0) := 0 (odd kernel)
  }
  if (k.kernel === 'biot-savart') {
    out[0] = -f * x1;
    out[1] = f * x0;
    out[2] = 0;
  } else {
    out[0] = f * x0;
    out[1] = f * x1;
    out[2] = f * x2;
  }
  return out;
}
