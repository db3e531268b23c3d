import { describe, expect, it } from 'vitest';
import { PARAM_DEFS, defaultParams, parseQuery, toQuery, validateParams, describeRange, parseValue } from '../../src/physics/params';

describe('parameter schema', () => {
  it('every parameter has a label, a help line and a default that validates', () => {
    for (const def of PARAM_DEFS) {
      expect(def.label.length).toBeGreaterThan(0);
      expect(def.help.length).toBeGreaterThan(10);
    }
    expect(validateParams(defaultParams())).toEqual([]);
  });

  it('round-trips every relevant field through the share link', () => {
    const p = { ...defaultParams(), d: 2 as const, n: 777, replicas: 3, dt: 0.0125, seed: 4294967295, gamma: -2.5, eps: 0.03, noise: 'kac' as const, init: 'aniso' as const, temp: [2, 0.5], normalize: false, rng: 'philox' as const };
    const q = toQuery(p);
    expect(q).toMatch(/^v=1&model=landau&d=2&n=777/);
    const back = parseQuery(q);
    expect(back.errors).toEqual([]);
    expect(back.unknown).toEqual([]);
    expect(back.params).toEqual(p);
  });

  it.each([
    ['d=4', 'd', 'an integer in [2, 3]'],
    ['n=1', 'n', 'an integer in [2, 65536]'],
    ['n=12.5', 'n', 'an integer in [2, 65536]'],
    ['dt=0', 'dt', 'a number in (0, 1]'],
    ['dt=abc', 'dt', 'a number in (0, 1]'],
    ['gamma=-3.5', 'gamma', 'a number in [-3, 1]'],
    ['gamma=NaN', 'gamma', 'a number in [-3, 1]'],
    ['eps=-1', 'eps', 'a number in [0, 10]'],
    ['noise=boltzmann', 'noise', 'one of nanbu, fgm, kac'],
    ['init=aniso&d=3&temp=1,2', 'temp', 'init=aniso needs 3'],
    ['temp=1,0', 'temp', '(0, 100]'],
    ['gamma=-3&eps=0', 'eps', 'when gamma < 0'],
    ['n=65536&replicas=32', 'replicas', 'n · replicas must be ≤'],
    ['seed=-1', 'seed', 'an integer in [0, 4294967295]'],
  ])('rejects %s naming %s and its range', (q, key, range) => {
    const r = parseQuery(q);
    const e = r.errors.find((x) => x.key === key);
    expect(e, JSON.stringify(r.errors)).toBeDefined();
    expect(e!.message.startsWith(`${key}:`)).toBe(true);
    expect(e!.message).toContain(range);
    // The kept parameter set is valid: nothing invalid reaches an engine.
    expect(validateParams(r.params)).toEqual([]);
  });

  it('keeps valid fields and reports unknown ones', () => {
    const r = parseQuery('?n=300&gamma=-1&foo=1&<script>=x&dt=-2');
    expect(r.params.n).toBe(300);
    expect(r.params.gamma).toBe(-1);
    expect(r.params.dt).toBe(defaultParams().dt);
    expect(r.unknown).toEqual(['foo', '<script>']);
    expect(r.errors.map((e) => e.key)).toEqual(['dt']);
  });

  it('describes ranges in words', () => {
    const eps = PARAM_DEFS.find((d) => d.key === 'eps')!;
    expect(describeRange(eps)).toBe('a number in [0, 10]');
    expect(parseValue(eps, '1e-2').value).toBe(0.01);
  });
});
