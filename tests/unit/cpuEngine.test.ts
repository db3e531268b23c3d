/** The float64 reference engine: determinism and kac's exact momentum conservation. */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/engine/cpuBackend';
import { runCheckpoints } from '../../src/engine/runner';
import { defaultParams, type Params } from '../../src/physics/params';

const base: Params = { ...defaultParams(), n: 96, replicas: 2, dt: 0.005, gamma: -3, eps: 0.1 };

describe('CPU reference engine', () => {
  it('same seed, same trajectory', async () => {
    const a = new CpuBackend(base), b = new CpuBackend(base);
    a.step(3); b.step(3);
    expect(await a.readParticles()).toEqual(await b.readParticles());
  });

  it('kac conserves momentum to float64 rounding; fgm does not', async () => {
    const drift = async (noise: Params['noise']) => {
      const r = await runCheckpoints(new CpuBackend({ ...base, noise }), 20, 20, false);
      const [first, last] = [r.checkpoints[0], r.checkpoints[r.checkpoints.length - 1]];
      return Math.max(...last.perReplica.flatMap((m, k) => m.momentum.map((x, c) => Math.abs(x - first.perReplica[k].momentum[c]))));
    };
    const kac = await drift('kac');
    const fgm = await drift('fgm');
    expect(kac).toBeLessThan(1e-13);
    expect(fgm).toBeGreaterThan(1e-4);
  });

  it('reports a non-finite state instead of carrying on', async () => {
    const p: Params = { ...base, n: 8, replicas: 1, noise: 'nanbu' };
    const b = new CpuBackend(p);
    b.state[5] = Number.NaN;
    const r = await runCheckpoints(b, 10, 5, false);
    expect(r.error).toMatch(/non-finite/);
    expect(r.checkpoints).toHaveLength(1);
  });
});
