/** Small statistics helpers for tests whose tolerances come from the variance. */
import { CounterStream, Stream, pairWord, streamWord } from '../src/physics/rng';

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Unbiased sample variance. */
export function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return s / (xs.length - 1);
}

export function stdErr(xs: ArrayLike<number>): number {
  return Math.sqrt(variance(xs) / xs.length);
}

/** Max-norm error of a GPU result relative to the max-norm of the float64 reference (absolute if the reference is 0). */
export function relMaxError(gpu: ArrayLike<number>, ref: ArrayLike<number>): number {
  let err = 0, scale = 0;
  for (let k = 0; k < ref.length; k++) {
    err = Math.max(err, Math.abs(gpu[k] - ref[k]));
    scale = Math.max(scale, Math.abs(ref[k]));
  }
  return scale === 0 ? err : err / scale;
}

/** A deterministic uniform/normal stream for test inputs (the project's generator). */
export function testStream(seed: number, tag = 0): CounterStream {
  return new CounterStream('philox', seed, pairWord(tag, 0), streamWord(Stream.init, 0xabcd));
}

/** Random velocities in vec4 layout: n·replicas particles, d components, Gaussian with scale. */
export function randomParticles(n: number, replicas: number, d: number, seed: number, scale = 1): Float64Array {
  const s = testStream(seed);
  const v = new Float64Array(n * replicas * 4);
  for (let k = 0; k < n * replicas; k++) for (let c = 0; c < d; c++) v[k * 4 + c] = scale * s.normal();
  return v;
}

/** Rounds to float32 (the GPU's input), so both engines see identical data. */
export function toF32(v: ArrayLike<number>): Float64Array {
  return Float64Array.from(Float32Array.from(v as ArrayLike<number>));
}
