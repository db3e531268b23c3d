// Entropy diagnostics in Node (float64): the cheap histogram estimates
// (physics/estimators/histogramEntropy.ts), estimateEntropies on the CPU engine and the runner's
// checkpoint fields (engine/diagnostics.ts, engine/runner.ts). The GPU side is tested against
// the same float64 code in tests/gpu/estimators.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/engine/cpuBackend';
import { estimateEntropies, pooledPerReplica, replicaPoints } from '../../src/engine/diagnostics';
import { runCheckpoints } from '../../src/engine/runner';
import { CORRECTED_KNN_RANK, MAX_KNN_RANK, kozachenkoLeonenkoEntropy, relativeEntropyToMaxwellian, sampleMoments } from '../../src/physics/estimators/entropy';
import { klMaxwellianBias } from '../../src/physics/estimators/klBias';
import { fisherBandwidth, kdeFisherInformation } from '../../src/physics/estimators/fisher';
import { histogramEntropy, isotropicEntropyFromSpeeds, marginalEntropySum } from '../../src/physics/estimators/histogramEntropy';
import { sampleInitial } from '../../src/physics/init';
import { defaultParams, type Params } from '../../src/physics/params';
import { bkwDensity, bkwEntropy, bkwStartTime } from '../../src/physics/references/bkw';
import { maxwellianEntropy } from '../../src/physics/references/maxwellian';
import { integrateGaussLegendre } from '../../src/physics/references/quadrature';
import { unitSphereArea } from '../../src/physics/references/special';

describe('histogramEntropy (cheap plug-in estimate)', () => {
  it('is Σ (c/n) log(c/(nΔ^m)), with Miller–Madow and overflow handled as documented', () => {
    // Uniform on [0, 1): four equal bins of width 1/4 → H = ∫ f log f = 0.
    expect(Math.abs(histogramEntropy([25, 25, 25, 25], 0.25, 100))).toBeLessThan(1e-15);
    // Uniform on [0, 2): H = −log 2.
    expect(Math.abs(histogramEntropy([10, 10, 10, 10], 0.5, 40) + Math.LN2)).toBeLessThan(1e-15);
    // 2D cells of area Δ²: uniform on the unit square in 2×2 cells.
    expect(Math.abs(histogramEntropy([5, 5, 5, 5], 0.5, 20, { dims: 2 }))).toBeLessThan(1e-15);
    // Miller–Madow: minus (occupied − 1)/(2n); empty bins do not count.
    expect(histogramEntropy([25, 0, 25, 25, 25], 0.25, 100, { millerMadow: true })).toBeCloseTo(
      histogramEntropy([25, 0, 25, 25, 25], 0.25, 100) - 3 / 200, 15);
    // Overflow: 20 of 100 samples out of range are not renormalised into the bins.
    expect(histogramEntropy([20, 20, 20, 20], 0.25, 100)).toBeCloseTo(0.8 * Math.log(0.8), 14);
    expect(histogramEntropy([0, 0], 1, 10)).toBeNaN();
    expect(() => histogramEntropy([5, 6], 1, 10)).toThrow(/> n/);
    expect(() => histogramEntropy([5], 0, 10)).toThrow(/binWidth/);
  });

  it.each([2, 3])('isotropicEntropyFromSpeeds reproduces H of the Maxwellian and of BKW from exact bin masses (d = %i)', (d) => {
    // Exact speed-bin probabilities p_b = ∫_bin |S| r^(d−1) f(r) dr (n = 1), fine bins: the only
    // error left is the binning bias ≈ Δ²/24 ∫ g'²/g ≈ 1e-5 for Δ = 0.02.
    const binWidth = 0.02;
    const bins = 500; // [0, 10)
    for (const [density, exact] of [
      [(r: number) => Math.exp(-r * r / 2) / (2 * Math.PI) ** (d / 2), maxwellianEntropy(d, 1)],
      [(r: number) => bkwDensity(d, bkwStartTime(d) + 0.05, [r, ...new Array<number>(d - 1).fill(0)]), bkwEntropy(d, bkwStartTime(d) + 0.05)],
    ] as const) {
      const p = Array.from({ length: bins }, (_, b) =>
        integrateGaussLegendre((r) => unitSphereArea(d) * r ** (d - 1) * density(r), b * binWidth, (b + 1) * binWidth, 1, 20));
      expect(Math.abs(isotropicEntropyFromSpeeds(p, binWidth, 1, d) - exact)).toBeLessThan(1e-4);
    }
  });

  it('on samples: speed-based H within its measured bias of the exact value; the marginal sum is a lower bound', () => {
    // 3D, n = 4096, 64 bins as the UI bins them (speeds on [0, 6), components on [−5, 5)).
    // Measured over 20 seeds (Miller–Madow on): speed-based bias +0.0009 (Maxwellian), −0.0002
    // (BKW at t0), single-sample sd 0.0009 / 0.0044. Tolerance for the mean of 4 seeds:
    // 0.002 + 4 sd/√4. The marginal sum is BELOW H(f) by 0.038 for BKW at t0 (components are
    // dependent) and equal up to 0.001 for the Maxwellian (a product law).
    const d = 3, n = 4096, B = 64, vMax = 5, speedMax = 6;
    for (const [init, exact, sd] of [['gaussian', maxwellianEntropy(3, 1), 0.0009], ['bkw', bkwEntropy(3, bkwStartTime(3)), 0.0044]] as const) {
      let speedMean = 0, marginalMean = 0;
      for (let seed = 1; seed <= 4; seed++) {
        const v = sampleInitial({ ...defaultParams(), d, n, init, seed: 700 + seed, replicas: 1 });
        const components = Array.from({ length: d }, () => new Float64Array(B));
        const speed = new Float64Array(B);
        for (let i = 0; i < n; i++) {
          let r2 = 0;
          for (let c = 0; c < d; c++) {
            const x = v[i * 4 + c];
            r2 += x * x;
            const b = Math.floor((x + vMax) / ((2 * vMax) / B));
            if (b >= 0 && b < B) components[c][b]++;
          }
          const b = Math.floor(Math.sqrt(r2) / (speedMax / B));
          if (b < B) speed[b]++;
        }
        speedMean += isotropicEntropyFromSpeeds(speed, speedMax / B, n, d, { millerMadow: true }) / 4;
        marginalMean += marginalEntropySum(components, (2 * vMax) / B, n, { millerMadow: true }) / 4;
      }
      expect(Math.abs(speedMean - exact)).toBeLessThan(0.002 + 2 * sd);
      if (init === 'bkw') expect(marginalMean).toBeLessThan(exact - 0.02);
      else expect(Math.abs(marginalMean - exact)).toBeLessThan(0.005);
    }
  });
});

describe('estimateEntropies on the CPU engine and the runner fields', () => {
  const params: Params = { ...defaultParams(), d: 3, n: 200, replicas: 3, init: 'bkw', gamma: 0, seed: 9 };

  it('equals the float64 estimators: the pooled KL estimate, each replica\'s own estimates, standard errors from the replicas', async () => {
    const backend = new CpuBackend(params);
    const e = await estimateEntropies(backend, { k: 4 });
    expect(e.engine).toBe('cpu');
    expect(e.k).toBe(4);
    expect(e.step).toBe(0);
    // All 3 × 200 particles are pooled into one k-NN sample (M = 600 ≤ POOLED_SAMPLE_MAX).
    const { n, d, replicas } = params;
    const M = n * replicas;
    const pooled = new Float64Array(M * d);
    for (let r = 0; r < replicas; r++) pooled.set(replicaPoints(backend.state, r, n, d), r * n * d);
    const T = sampleMoments(pooled, M, d).temperature;
    expect(e.pooled).toEqual({ perReplica: n, size: M, temperature: T });
    const values = e.perReplica.map((m, r) => {
      const points = replicaPoints(backend.state, r, n, d);
      expect(m.entropy).toBe(kozachenkoLeonenkoEntropy(points, n, d, 4));
      expect(m.relativeEntropy).toBe(relativeEntropyToMaxwellian(points, n, d, 4).relative);
      expect(m.entropyCorrected).toBe(m.entropy - klMaxwellianBias(n, d, 4));
      expect(m.bandwidth).toBe(fisherBandwidth(points, params.n, params.d));
      expect(m.fisher).toBe(kdeFisherInformation(points, params.n, params.d).fisher);
      return m.entropy;
    });
    const mean = values.reduce((a, b) => a + b, 0) / 3;
    const se = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / 2 / 3);
    // The ensemble value is the pooled estimate; its SE is the replicas' spread / √R.
    const H = kozachenkoLeonenkoEntropy(pooled, M, d, 4);
    expect(e.entropy).toBe(H);
    expect(Math.abs(e.entropy - mean)).toBeGreaterThan(1e-3); // not the replica mean
    expect(e.entropyStdErr).toBeCloseTo(se, 14);
    // H(M) of the pooled sample's mean and temperature (models.md §4: the moments of f).
    expect(e.relativeEntropy).toBeCloseTo(H - maxwellianEntropy(d, T), 14);
    expect(e.entropyCorrected).toBeCloseTo(H - klMaxwellianBias(M, d, 4), 14);
    expect(e.relativeEntropyCorrected).toBeCloseTo(H - klMaxwellianBias(M, d, 4) - maxwellianEntropy(d, T), 14);
    expect(e.entropyCorrectedStdErr).toBeCloseTo(se, 14);
    // N = 200, R = 100: m = ⌊16384 / 100⌋ = 163 of each replica are pooled.
    expect(pooledPerReplica(200, 100)).toBe(163);
    expect(pooledPerReplica(65536, 16)).toBe(1024);
    expect(pooledPerReplica(2048, 4)).toBe(2048);
    // A fixed bandwidth is used as given; bad options are refused.
    expect((await estimateEntropies(backend, { bandwidth: 0.5 })).perReplica[0].bandwidth).toBe(0.5);
    await expect(estimateEntropies(backend, { k: 17 })).rejects.toThrow(/k in \[1, min\(16, M − 1\)\].*k = 17 \(M = 600\)/);
    await expect(estimateEntropies(backend, { bandwidth: -1 })).rejects.toThrow(/bandwidth/);
  });

  it('the largest k is the GPU search\'s register list length (KMAX in shaders/knn.wgsl)', () => {
    const kmax = /const KMAX: u32 = (\d+)u;/.exec(readFileSync(new URL('../../shaders/knn.wgsl', import.meta.url), 'utf8'));
    expect(Number(kmax?.[1])).toBe(MAX_KNN_RANK);
    expect(CORRECTED_KNN_RANK).toBeLessThanOrEqual(MAX_KNN_RANK);
  });

  it('one replica: no standard errors', async () => {
    const e = await estimateEntropies(new CpuBackend({ ...params, replicas: 1 }));
    expect(e.k).toBe(CORRECTED_KNN_RANK);
    expect(e.pooled).toMatchObject({ perReplica: params.n, size: params.n });
    expect(e.entropyStdErr).toBeUndefined();
    expect(e.fisherStdErr).toBeUndefined();
  });

  it('N·R above 16384: the first m = ⌊16384 / R⌋ particles of every replica are pooled; each replica\'s H and H(M) are of those m', async () => {
    const p: Params = { ...params, n: 200, replicas: 100 };
    const backend = new CpuBackend(p);
    const e = await estimateEntropies(backend, { k: 5 });
    const m = 163;
    expect(e.pooled).toMatchObject({ perReplica: m, size: m * 100 });
    const pooled = new Float64Array(m * 100 * 3);
    for (let r = 0; r < 100; r++) pooled.set(replicaPoints(backend.state, r, 200, 3).subarray(0, m * 3), r * m * 3);
    expect(e.entropy).toBe(kozachenkoLeonenkoEntropy(pooled, m * 100, 3, 5));
    for (const r of [0, 57]) {
      const points = replicaPoints(backend.state, r, 200, 3);
      const own = relativeEntropyToMaxwellian(points.subarray(0, m * 3), m, 3, 5);
      expect(e.perReplica[r].entropy).toBe(own.entropy);
      expect(e.perReplica[r].maxwellianEntropy).toBe(own.maxwellianEntropy);
      expect(e.perReplica[r].relativeEntropy).toBe(own.relative);
      // T and the Fisher bandwidth stay those of all 200.
      expect(e.perReplica[r].bandwidth).toBe(fisherBandwidth(points, 200, 3));
    }
  });

  it('m ≪ N on Maxwellian data: the calibrated pooled H(f|M) is 0 (H(M) from the pooled temperature, not the replicas\' own)', async () => {
    // N = 200, R = 1024: m = 16 particles of each replica, M = 16384. A replica's own T from 16
    // particles has E log T̂ ≈ log T − (1 + 1/d)/16, so the mean of the replicas' H(M_r) reads
    // ≈ (d + 1)/32 = 0.125 nats high; the pooled T is off by R times less.
    const backend = new CpuBackend({ ...params, n: 200, replicas: 1024, init: 'gaussian' });
    const e = await estimateEntropies(backend, { k: 8 });
    expect(e.pooled).toMatchObject({ perReplica: 16, size: 16384 });
    const meanOwn = e.perReplica.reduce((acc, m) => acc + m.maxwellianEntropy, 0) / 1024;
    console.log(`Maxwellian, m = 16, R = 1024: calibrated H(f|M) ${e.relativeEntropyCorrected.toFixed(4)} ± ${e.relativeEntropyCorrectedStdErr!.toFixed(4)}; with the replicas' own H(M_r) ${(e.entropyCorrected - meanOwn).toFixed(4)}`);
    expect(Math.abs(e.relativeEntropyCorrected)).toBeLessThan(4 * e.relativeEntropyCorrectedStdErr! + 0.005);
    expect(e.entropyCorrected - meanOwn).toBeLessThan(-0.08);
  });

  it('runCheckpoints records entropy, relativeEntropy, fisher (+ StdErr, per replica) only when asked', async () => {
    const plain = await runCheckpoints(new CpuBackend(params), 2, 1, false);
    expect(plain.entropyOptions).toBeUndefined();
    expect(plain.checkpoints.every((c) => c.entropy === undefined && c.perReplica[0].entropy === undefined)).toBe(true);
    const withEntropy = await runCheckpoints(new CpuBackend(params), 2, 1, false, undefined, { entropy: { k: 2 } });
    expect(withEntropy.entropyOptions).toEqual({ k: 2, bandwidth: 'fisherBandwidth', pooledPerReplica: 200, pooledSize: 600 });
    expect(withEntropy.checkpoints).toHaveLength(3);
    // Same moments as without the option (the diagnostics do not perturb the run).
    expect(withEntropy.checkpoints.map((c) => c.energy)).toEqual(plain.checkpoints.map((c) => c.energy));
    for (const c of withEntropy.checkpoints) {
      for (const key of ['entropy', 'relativeEntropy', 'fisher', 'entropyStdErr', 'relativeEntropyStdErr', 'fisherStdErr'] as const) {
        expect(Number.isFinite(c[key])).toBe(true);
      }
      expect(c.perReplica.every((m) => Number.isFinite(m.entropy) && Number.isFinite(m.fisher) && m.fisherBandwidth! > 0)).toBe(true);
      const mean = c.perReplica.reduce((s, m) => s + m.relativeEntropy!, 0) / c.perReplica.length;
      expect(Math.abs(c.relativeEntropy! - mean)).toBeLessThan(0.2); // pooled vs the replicas' own, k = 2
    }
    // BKW at t0 is far from equilibrium: H(f|M) ≈ 0.064 (3D) plus the estimator's bias.
    expect(withEntropy.checkpoints[0].relativeEntropy!).toBeGreaterThan(0.03);
  });
});
