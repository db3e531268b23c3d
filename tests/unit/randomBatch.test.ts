/**
 * Random batches and exact random pairs (models.md §1.5) on the float64 engine
 * (physics/landau/randomBatch.ts, physics/permutation.ts). Statistical tolerances are 4 standard
 * errors (4.5 where many frequencies are checked at once); each law is also checked to REJECT a
 * wrong constant (the weight, λ, or the continuous-time rate).
 */
import { describe, expect, it } from 'vitest';
import { meanSpreadLaw } from '../../src/physics/references/laws';
import { CpuBackend } from '../../src/engine/cpuBackend';
import { batchCount, batchExtent, batchStepF64, batchWeight, partitionOrder, type BatchInput, type BatchOptions } from '../../src/physics/landau/randomBatch';
import { feistelHalfBits, feistelPermutation } from '../../src/physics/permutation';
import { adapterLimitErrors, defaultParams, parseQuery, toQuery, validateParams, type Params } from '../../src/physics/params';
import { randomParticles } from '../stats';

function batchParams(over: Partial<Params>): Params {
  return { ...defaultParams(), interactions: 'batch', gamma: 0, ...over };
}

describe('the random partition (Feistel permutation with cycle-walking)', () => {
  it.each([2, 3, 5, 16, 17, 127, 129, 1000, 4097, 65537, 1 << 20])('is a bijection of [0, %i)', (n) => {
    for (const keys of [[1, 2, 3, 4], [0xdeadbeef, 0x12345678, 0, 0xffffffff]]) {
      const perm = feistelPermutation(n, keys);
      const seen = new Uint8Array(n);
      let outside = 0;
      for (const x of perm) {
        if (x < n) seen[x]++;
        else outside++;
      }
      expect(outside).toBe(0);
      expect(seen.every((c) => c === 1)).toBe(true);
    }
    expect(4 ** feistelHalfBits(n)).toBeGreaterThanOrEqual(n);
    expect(4 ** feistelHalfBits(n)).toBeLessThan(4 * n);
  });

  it('batches cover [0, N) once; the last batch takes the N mod p leftovers', () => {
    for (const [n, p] of [[10, 2], [11, 2], [7, 3], [100, 64], [5, 8], [129, 4]]) {
      let covered = 0;
      const count = batchCount(n, p);
      for (let b = 0; b < count; b++) {
        const { start, size } = batchExtent(n, p, b);
        expect(start).toBe(covered);
        expect(size).toBe(b < count - 1 ? p : n >= p ? p + (n % p) : n);
        covered += size;
      }
      expect(covered).toBe(n);
    }
  });

  it('the weights w_s = (N−1)/(N(s−1)) make the partition average the all-pairs 1/N, leftovers included', () => {
    for (const [n, p] of [[10, 2], [11, 2], [7, 3], [100, 64], [129, 4], [1000, 7]]) {
      // E[w_s · 1{j in i's batch}] = Σ_batches (s/N)·((s−1)/(N−1))·w_s.
      let e = 0;
      for (let b = 0; b < batchCount(n, p); b++) {
        const { size } = batchExtent(n, p, b);
        e += (size / n) * ((size - 1) / (n - 1)) * batchWeight(n, size);
      }
      expect(e).toBeCloseTo(1 / n, 14);
    }
  });

  it.each([[6, 2], [7, 2], [7, 3], [9, 4]])('N = %i, p = %i: every pair shares a batch with probability Σs(s−1)/(N(N−1)); positions are uniform', (n, p) => {
    const steps = 20000;
    const together = new Float64Array(n * n);
    const atPosition = new Float64Array(n * n);
    let pairsInBatches = 0;
    for (let b = 0; b < batchCount(n, p); b++) {
      const { size } = batchExtent(n, p, b);
      pairsInBatches += size * (size - 1);
    }
    const prob = pairsInBatches / (n * (n - 1));
    for (let k = 0; k < steps; k++) {
      const order = partitionOrder('pcg4d', 9, k, 3, n);
      for (let q = 0; q < n; q++) atPosition[q * n + order[q]]++;
      for (let b = 0; b < batchCount(n, p); b++) {
        const { start, size } = batchExtent(n, p, b);
        for (let a = 0; a < size; a++) for (let c = 0; c < size; c++) if (a !== c) together[order[start + a] * n + order[start + c]]++;
      }
    }
    const sePair = Math.sqrt((prob * (1 - prob)) / steps);
    const sePos = Math.sqrt(((1 / n) * (1 - 1 / n)) / steps);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i !== j) expect(Math.abs(together[i * n + j] / steps - prob)).toBeLessThan(4.5 * sePair);
        expect(Math.abs(atPosition[i * n + j] / steps - 1 / n)).toBeLessThan(4.5 * sePos);
      }
    }
  });
});

describe('interactions=batch in the schema', () => {
  it('round-trips through the share link; all pairs keep their limits; batch allows N·R ≤ 2²²', () => {
    const p = batchParams({ noise: 'kac', batch: 2, n: 1 << 20, replicas: 4 });
    expect(validateParams(p)).toEqual([]);
    const q = toQuery(p);
    expect(q).toContain('interactions=batch&batch=2');
    expect(parseQuery(q).params).toEqual(p);
    expect(toQuery(defaultParams())).not.toContain('interactions');
    const tooBig = parseQuery('n=1048576&replicas=8&interactions=batch');
    expect(tooBig.errors.map((e) => e.message).join()).toContain('4194304');
    const allPairs = parseQuery('n=100000');
    expect(allPairs.errors[0].message).toMatch(/^n: must be ≤ 65536 with interactions=all/);
    expect(validateParams(allPairs.params)).toEqual([]);
    // Over the adapter's limits: refused naming the limit (WebGpuBackend.create throws it).
    const limits = { maxStorageBufferBindingSize: 1 << 25, maxBufferSize: 1 << 28, maxComputeWorkgroupsPerDimension: 65535 };
    const over = adapterLimitErrors(p, limits, 16384);
    expect(over.map((e) => e.message).join()).toMatch(/67108864 bytes per particle buffer, over this adapter's maxStorageBufferBindingSize = 33554432/);
    expect(adapterLimitErrors(p, { ...limits, maxStorageBufferBindingSize: 1 << 27 }, 16384)).toEqual([]);
    expect(adapterLimitErrors(p, { ...limits, maxStorageBufferBindingSize: 1 << 27 }, 70000)[0].message).toContain('maxComputeWorkgroupsPerDimension = 65535');
    const torus = parseQuery('model=torus&interactions=batch');
    expect(torus.errors[0].key).toBe('interactions');
    expect(torus.params.interactions).toBe('all');
  });
});

/** The traceless part of the (x, y) second moment, (M_xx − M_yy)/2, of replica r. */
function anisotropy(v: Float64Array, n: number, r: number): number {
  let a = 0;
  for (let i = 0; i < n; i++) {
    const o = (r * n + i) * 4;
    a += v[o] * v[o] - v[o + 1] * v[o + 1];
  }
  return a / (2 * n);
}

/**
 * Regression slope of A_(k+1) on A_k over K steps of R replicas (E[A_(k+1) | state] = ρ A_k
 * exactly, models.md §1.5), with its standard error by the delta method over replicas.
 */
function anisotropySlope(p: Params, steps: number, opts: BatchOptions = {}): { rho: number; se: number } {
  const { n, replicas: R, d } = p;
  let v: Float64Array = new Float64Array(n * R * 4);
  // One fixed anisotropic state with zero momentum (the law needs Σv = 0), the same in every replica.
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < n; i++) {
      const o = (r * n + i) * 4;
      v[o] = (i - (n - 1) / 2) / 4;
      v[o + 1] = 0.3 * ((i % 4) - 1.5);
      if (d === 3) v[o + 2] = 0.2 * ((i % 2) - 0.5);
    }
  }
  let out: Float64Array = new Float64Array(v.length);
  const xs = new Float64Array(R), ys = new Float64Array(R);
  for (let k = 0; k < steps; k++) {
    batchStepF64(v, out, p as BatchInput, k, opts);
    for (let r = 0; r < R; r++) {
      const a0 = anisotropy(v, n, r), a1 = anisotropy(out, n, r);
      xs[r] += a1 * a0;
      ys[r] += a0 * a0;
    }
    [v, out] = [out, v];
  }
  let sx = 0, sy = 0;
  for (let r = 0; r < R; r++) { sx += xs[r]; sy += ys[r]; }
  const rho = sx / sy;
  let res = 0;
  for (let r = 0; r < R; r++) res += (xs[r] - rho * ys[r]) ** 2;
  return { rho, se: Math.sqrt(res) / sy };
}

/** models.md §1.5: E[M_(k+1) − (E/d)I] = (1 − (N/(2(N−1)))(1 − e^(−8dλ dt)))(M_k − (E/d)I). */
function exactPairsFactor(n: number, d: number, dt: number, lambda = (n - 1) / n): number {
  return 1 - (n / (2 * (n - 1))) * (1 - Math.exp(-8 * d * lambda * dt));
}

describe('exact random pairs (kac, p = 2)', () => {
  it.each([2, 3] as const)('d = %i, γ = −3, odd N (a batch of 3): momentum and energy exact to rounding every step', (d) => {
    const p = batchParams({ d, n: 101, replicas: 2, gamma: -3, eps: 0.1, noise: 'kac', batch: 2, dt: 0.01 });
    const b = new CpuBackend(p, randomParticles(p.n, p.replicas, d, 5));
    const before = b.state.slice();
    b.step(50);
    for (let r = 0; r < p.replicas; r++) {
      const sum = (v: Float64Array, f: (o: number) => number) => { let s = 0; for (let i = 0; i < p.n; i++) s += f((r * p.n + i) * 4); return s; };
      for (let c = 0; c < d; c++) expect(Math.abs(sum(b.state, (o) => b.state[o + c]) - sum(before, (o) => before[o + c]))).toBeLessThan(1e-12);
      const e0 = sum(before, (o) => before[o] ** 2 + before[o + 1] ** 2 + before[o + 2] ** 2);
      const e1 = sum(b.state, (o) => b.state[o] ** 2 + b.state[o + 1] ** 2 + b.state[o + 2] ** 2);
      expect(Math.abs(e1 - e0) / e0).toBeLessThan(1e-13);
    }
    expect(b.state.some((x, k) => x !== before[k])).toBe(true);
  });

  // The check: N = 16, d = 2, dt = 0.01. Discrete law 0.925711, continuous e^(−4d dt) = 0.923116:
  // 0.0026 apart, so SE ≲ 4·10⁻⁴ tells them apart (R·K = 1.6·10⁵ replica-steps here).
  it.each([2, 3] as const)('d = %i, γ = 0, N = 16, dt = 0.01: the anisotropy follows the exact per-step law, not e^(−4d·dt)', (d) => {
    const n = 16, dt = 0.01;
    const p = batchParams({ d, n, replicas: 16000, noise: 'kac', batch: 2, dt, seed: 3 });
    const { rho, se } = anisotropySlope(p, 10);
    const predicted = exactPairsFactor(n, d, dt);
    const continuous = Math.exp(-4 * d * dt);
    expect(Math.abs(rho - predicted)).toBeLessThan(4 * se);
    expect(Math.abs(rho - continuous)).toBeGreaterThan(5 * se);
    // A wrong λ (1 instead of (N−1)/N) is rejected too.
    expect(Math.abs(rho - exactPairsFactor(n, d, dt, 1))).toBeGreaterThan(5 * se);
    expect(se).toBeLessThan(5e-4);
  });

  it('the test has power: with the weight λ = 1 the measured slope leaves the law', () => {
    const n = 16, d = 2, dt = 0.01;
    const p = batchParams({ d, n, replicas: 8000, noise: 'kac', batch: 2, dt, seed: 4 });
    const { rho, se } = anisotropySlope(p, 10, { weight: () => 1 });
    expect(Math.abs(rho - exactPairsFactor(n, d, dt))).toBeGreaterThan(4 * se);
  });
});

/**
 * Mean-velocity spread of nanbu/fgm in batches (γ = 0), derived: V̄ = (1/N)ΣV^i. The drifts cancel
 * inside each batch (b odd, one weight per batch), so V̄_(k+1) − V̄_k = (1/N)Σ_i √(2dt) (noise of i)
 * with E|·|² = (2dt/N²) Σ_i tr Ā_i, Ā_i = w_s Σ_(j in batch) a(V^i − V^j), tr a(z) = (d−1)|z|².
 * Averaged over partitions, E[w_s Σ_(j in batch) |z_ij|²] = (1/N)Σ_j |z_ij|² (the weights'
 * unbiasedness), and (1/N²)Σ_ij |z_ij|² = 2(E − |V̄|²), so
 *   E[|V̄_(k+1) − V̄_k|² | V_k] = (4(d−1)dt/N)(E_k − |V̄_k|²)
 * — the all-pairs law with N unchanged (N_eff = N). Summing the orthogonal martingale increments,
 * E|V̄_K − V̄_0|² = Σ_k (4(d−1)dt/N) E[E_k − |V̄_k|²]; the test compares the two sides (the right
 * side from the same runs). With the weight 1/N (no rescaling) the spread would shrink by
 * (p−1)/(N−1); with (N−1)/(Np) by (p−1)/p: both rejected below.
 *
 * Energy in expectation (nanbu and kac in batches, Euler–Maruyama): E[E_(k+1) − E_k | V_k, partition]
 * = (dt²/N) Σ_i |D_i|², D_i = 2w Σ_(j in batch) b(V^i − V^j) (the O(dt) terms cancel exactly as in
 * continuous time). The test checks that the measured change minus this dt² term is 0 ± 4 SE.
 */
function spreadAndEnergy(p: Params, steps: number, opts: BatchOptions = {}): { spread: number; spreadSe: number; predicted: number; energyResidual: number; energySe: number; momentumDrift: number } {
  const { n, replicas: R, d, dt, batch } = p;
  let v: Float64Array = randomParticles(n, R, d, 77);
  // Recentre each replica (V̄_0 = 0); E_0 ≈ d.
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < d; c++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += v[(r * n + i) * 4 + c] / n;
      for (let i = 0; i < n; i++) v[(r * n + i) * 4 + c] -= m;
    }
  }
  const v0 = v.slice();
  let out: Float64Array = new Float64Array(v.length);
  const mean = (u: Float64Array, r: number) => {
    const m = [0, 0, 0];
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) m[c] += u[(r * n + i) * 4 + c] / n;
    return m;
  };
  const energy = (u: Float64Array, r: number) => { let e = 0; for (let i = 0; i < n; i++) { const o = (r * n + i) * 4; e += (u[o] ** 2 + u[o + 1] ** 2 + u[o + 2] ** 2) / n; } return e; };
  let predicted = 0;
  const residual = new Float64Array(R);
  for (let k = 0; k < steps; k++) {
    for (let r = 0; r < R; r++) {
      const m = mean(v, r);
      predicted += ((4 * (d - 1) * dt) / n) * (energy(v, r) - (m[0] ** 2 + m[1] ** 2 + m[2] ** 2)) / R;
    }
    batchStepF64(v, out, p as BatchInput, k, opts);
    for (let r = 0; r < R; r++) {
      // The dt² term from this step's partition (γ = 0: D_i = −2(d−1)w Σ_(j in batch)(V^i − V^j)).
      const order = partitionOrder(p.rng, p.seed, k, r, n);
      let dt2 = 0;
      for (let b = 0; b < batchCount(n, batch); b++) {
        const { start, size } = batchExtent(n, batch, b);
        const w = (opts.weight ?? batchWeight)(n, size);
        for (let a = 0; a < size; a++) {
          const oi = (r * n + order[start + a]) * 4;
          for (let c = 0; c < 3; c++) {
            let s = 0;
            for (let q = 0; q < size; q++) s += v[oi + c] - v[(r * n + order[start + q]) * 4 + c];
            dt2 += (dt * 2 * (d - 1) * w * s) ** 2 / n;
          }
        }
      }
      residual[r] += energy(out, r) - energy(v, r) - dt2;
    }
    [v, out] = [out, v];
  }
  const sq = new Float64Array(R);
  let momentumDrift = 0;
  for (let r = 0; r < R; r++) {
    const m = mean(v, r), m0 = mean(v0, r);
    sq[r] = (m[0] - m0[0]) ** 2 + (m[1] - m0[1]) ** 2 + (m[2] - m0[2]) ** 2;
    momentumDrift = Math.max(momentumDrift, Math.sqrt(sq[r]));
  }
  const avg = (x: Float64Array) => x.reduce((s, y) => s + y, 0) / x.length;
  const se = (x: Float64Array) => { const m = avg(x); return Math.sqrt(x.reduce((s, y) => s + (y - m) ** 2, 0) / (x.length - 1) / x.length); };
  return { spread: avg(sq), spreadSe: se(sq), predicted, energyResidual: avg(residual), energySe: se(residual), momentumDrift };
}

describe('batches with p > 2 (Euler–Maruyama in each batch)', () => {
  it.each(['nanbu', 'fgm', 'rotation'] as const)('%s, p = 4, N = 30 (a batch of 6), γ = 0: the mean-velocity spread law holds with N unchanged', (noise) => {
    const p = batchParams({ d: 3, n: 30, replicas: 1500, noise, batch: 4, dt: 0.01, seed: 11 });
    const r = spreadAndEnergy(p, 15);
    expect(Math.abs(r.spread - r.predicted)).toBeLessThan(4 * r.spreadSe);
    // Power: a spread (p−1)/p = 3/4 as large (weight (N−1)/(Np)) is rejected by this SE.
    expect(0.25 * r.predicted).toBeGreaterThan(5 * r.spreadSe);
    if (noise === 'nanbu') expect(Math.abs(r.energyResidual)).toBeLessThan(4 * r.energySe);
  });

  it('rotation-shared, p = 2: the two particles of a pair feel independent noises (η_j, η_i), so nanbu’s spread law holds; at p = 8 the shared noise within batches breaks it', () => {
    // At p = 2 rotation-shared has rotation's law (randomBatch.ts); at p = 8 each partner's noise
    // drives 7 particles at once, so V̄'s quadratic variation gains the cross terms of models.md §1.4
    // (E|V̄|² grows towards the all-pairs counter-example's N-independent E(1 − e^(−2(d−1)t))).
    const pair = spreadAndEnergy(batchParams({ d: 3, n: 30, replicas: 1500, noise: 'rotation-shared', batch: 2, dt: 0.01, seed: 14 }), 15);
    expect(Math.abs(pair.spread - pair.predicted)).toBeLessThan(4 * pair.spreadSe);
    const shared = spreadAndEnergy(batchParams({ d: 3, n: 32, replicas: 1500, noise: 'rotation-shared', batch: 8, dt: 0.01, seed: 15 }), 15);
    expect(shared.spread - shared.predicted).toBeGreaterThan(4 * shared.spreadSe);
    // The live meter's exact law follows: nanbu's at p = 2, none at p = 8, never the all-pairs
    // counter-example's N-independent E(1 − e^(−2(d−1)t)).
    const law = (batch: number) => meanSpreadLaw({ ...batchParams({ d: 3, n: 32, noise: 'rotation-shared', batch }), gamma: 0, normalize: true });
    expect(law(2)?.at(32, 0.1, 3)).toBeCloseTo(3 * -Math.expm1((-8 * 0.1) / 32), 12);
    expect(law(8)).toBeNull();
    expect(meanSpreadLaw({ ...batchParams({ d: 3, n: 32, noise: 'rotation-shared', batch: 2 }), interactions: 'all', gamma: 0, normalize: true })?.law).toMatch(/independent of N/);
  });

  it('nanbu with the weight (N−1)/(Np) fails the spread law (power)', () => {
    const p = batchParams({ d: 3, n: 30, replicas: 1500, noise: 'nanbu', batch: 4, dt: 0.01, seed: 12 });
    const r = spreadAndEnergy(p, 15, { weight: (n, s) => (n - 1) / (n * s) });
    expect(Math.abs(r.spread - r.predicted)).toBeGreaterThan(4 * r.spreadSe);
  });

  it('kac, p = 4, γ = 0: momentum exact, energy conserved in expectation (up to the Euler dt² term)', () => {
    const p = batchParams({ d: 3, n: 30, replicas: 1500, noise: 'kac', batch: 4, dt: 0.01, seed: 13 });
    const r = spreadAndEnergy(p, 15);
    expect(r.momentumDrift).toBeLessThan(1e-13);
    expect(Math.abs(r.energyResidual)).toBeLessThan(4 * r.energySe);
  });
});
