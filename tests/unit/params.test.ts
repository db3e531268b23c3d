import { describe, expect, it } from 'vitest';
import { PARAM_DEFS, defaultParams, parseQuery, toQuery, validateParams, describeRange, parseValue, relevantKeys, paramWarnings, kellerSegelCritical, enumOptions, withModel, type Params } from '../../src/physics/params';

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
    ['n=1', 'n', 'an integer in [2, 4194304]'],
    ['n=12.5', 'n', 'an integer in [2, 4194304]'],
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

  it('a link whose N·R is too large says what it runs instead (issue 10), not "kept the default"', async () => {
    const { decodeLink } = await import('../../src/state/urlCodec');
    const r = decodeLink('n=65536&replicas=256');
    expect(r.params.replicas).toBe(16);
    const m = r.messages.find((x) => x.startsWith('replicas:'));
    expect(m).toMatch(/n · replicas must be ≤ 1048576/);
    expect(m).toMatch(/— using replicas = 16$/);
    // A plain out-of-range value keeps the default, and says so.
    expect(decodeLink('dt=0').messages[0]).toMatch(/— kept the default$/);
  });

  it('keeps valid fields and reports unknown ones', () => {
    const r = parseQuery('?n=300&gamma=-1&foo=1&<script>=x&dt=-2');
    expect(r.params.n).toBe(300);
    expect(r.params.gamma).toBe(-1);
    expect(r.params.dt).toBe(defaultParams().dt);
    expect(r.unknown).toEqual(['foo', '<script>']);
    expect(r.errors.map((e) => e.key)).toEqual(['dt']);
  });

  it('a key given twice is reported with the value used, not resolved silently', () => {
    const r = parseQuery('n=300&gamma=-1&n=500&n=500');
    expect(r.params.n).toBe(500);
    expect(r.errors).toEqual([{ key: 'n', message: 'n: given 3 times (300; 500; 500)', fixed: 'using n = 500' }]);
    // The value used is the last VALID one (an invalid later value keeps the earlier).
    expect(parseQuery('n=300&n=abc').errors[0]).toEqual({ key: 'n', message: 'n: given 2 times (300; abc)', fixed: 'using n = 300' });
    expect(parseQuery('n=300&gamma=-1').errors).toEqual([]);
  });

  it('interactions=batch refuses two-point increments only for the pair-noise systems (nanbu has none)', () => {
    expect(parseQuery('interactions=batch&noise=nanbu&increments=two-point').errors).toEqual([]);
    const kac = parseQuery('interactions=batch&noise=kac&increments=two-point');
    expect(kac.errors.map((e) => e.message)).toEqual(['interactions: batch draws Gaussian increments; use increments=gaussian with noise=kac']);
    expect(parseQuery('interactions=batch&noise=rotation-shared&batch=4').errors).toEqual([]);
  });

  it('describes ranges in words', () => {
    const eps = PARAM_DEFS.find((d) => d.key === 'eps')!;
    expect(describeRange(eps)).toBe('a number in [0, 10]');
    expect(parseValue(eps, '1e-2').value).toBe(0.01);
  });
});

describe('first-order and torus parameters (issue 5)', () => {
  it('round-trips first-order and torus links with only the relevant fields', () => {
    const cases: Partial<Params>[] = [
      { model: 'first-order', d: 2, kernel: 'biot-savart', circ: 'pm', chi: 2, eps: 0, sigma: 0.05, init: 'two-blobs', width: 0.4, shift: 1.1, normalize: false },
      { model: 'first-order', d: 3, kernel: 'riesz', sign: 'attractive', s: 0.5, chi: 3, eps: 0.02, sigma: 1, init: 'disc', width: 2 },
      { model: 'first-order', d: 2, kernel: 'regular', sign: 'repulsive', chi: 1, sigma: 0.1, init: 'ring', width: 1.5 },
      { model: 'torus', d: 3, lambda: 0.2, kappa: 3, init: 'cosine', amp: 0.9 },
      { model: 'torus', d: 2, lambda: 1, kappa: 0, init: 'wrapped-gaussian', width: 0.1 },
    ];
    for (const c of cases) {
      const p: Params = { ...defaultParams(), n: 500, ...c };
      expect(validateParams(p)).toEqual([]);
      const q = toQuery(p);
      const back = parseQuery(q);
      expect(back.errors).toEqual([]);
      for (const key of relevantKeys(p)) expect(back.params[key]).toEqual(p[key]);
      const keys = [...new URLSearchParams(q).keys()];
      if (p.model !== 'landau') for (const k of ['gamma', 'noise', 'temp']) expect(keys).not.toContain(k);
      if (p.model === 'torus') for (const k of ['kernel', 'chi', 'sigma', 'eps', 'normalize']) expect(keys).not.toContain(k);
      if (p.kernel === 'regular') expect(keys).not.toContain('eps');
      if (p.model === 'first-order') expect(keys).toContain(p.kernel === 'biot-savart' ? 'circ' : 'sign');
    }
    expect(toQuery({ ...defaultParams(), model: 'torus', init: 'cosine' })).toBe('v=1&model=torus&d=3&n=4096&replicas=1&dt=0.002&seed=1&lambda=0.1&kappa=1&init=cosine&amp=0.5&rng=pcg4d');
  });

  it.each([
    ['model=first-order&d=2&init=bkw', 'init', 'expected one of gaussian, disc, two-blobs, ring for model=first-order'],
    ['model=torus&init=gaussian', 'init', 'expected one of cosine, wrapped-gaussian for model=torus'],
    ['model=landau&init=cosine', 'init', 'expected one of gaussian, aniso, bkw, bimaxwellian, shell for model=landau'],
    ['model=first-order&kernel=biot-savart&d=3', 'kernel', 'biot-savart is two-dimensional'],
    ['model=first-order&kernel=yukawa', 'kernel', 'one of biot-savart, coulomb, riesz, regular'],
    ['model=first-order&sign=up', 'sign', 'one of repulsive, attractive'],
    ['model=first-order&circ=all', 'circ', 'one of plus, pm, uniform'],
    ['model=first-order&chi=-1', 'chi', 'a number in [0, 1000]'],
    ['model=first-order&sigma=-0.1', 'sigma', 'a number in [0, 100]'],
    ['model=first-order&width=0', 'width', 'a number in (0, 100]'],
    ['model=first-order&s=9', 's', 'a number in [-2, 4]'],
    ['model=torus&lambda=0', 'lambda', 'a number in (0, 100]'],
    ['model=torus&kappa=-1', 'kappa', 'a number in [0, 100]'],
    ['model=torus&amp=1.5', 'amp', 'a number in [0, 1]'],
    ['model=vlasov', 'model', 'one of landau, first-order, torus'],
  ])('rejects %s naming %s and its valid values', (q, key, text) => {
    const r = parseQuery(q);
    const e = r.errors.find((x) => x.key === key);
    expect(e, JSON.stringify(r.errors)).toBeDefined();
    expect(e!.message.startsWith(`${key}:`)).toBe(true);
    expect(e!.message).toContain(text);
    expect(validateParams(r.params)).toEqual([]);
  });

  it('eps = 0 is valid for first-order kernels, with a warning for singular ones; still an error for Landau with γ < 0', () => {
    for (const kernel of ['biot-savart', 'coulomb', 'riesz'] as const) {
      const r = parseQuery(`model=first-order&d=2&kernel=${kernel}&eps=0&s=0`);
      expect(r.errors).toEqual([]);
      expect(r.warnings.map((w) => w.key)).toContain('eps');
    }
    expect(paramWarnings({ ...defaultParams(), model: 'first-order', d: 2, kernel: 'regular', eps: 0 })).toEqual([]);
    expect(parseQuery('gamma=-3&eps=0').errors.map((e) => e.key)).toEqual(['eps']);
    expect(parseQuery('gamma=-3&eps=0').warnings).toEqual([]);
  });

  it('warns for Riesz s outside [0, d − 2) (always in d = 2) and not inside it', () => {
    const w = (q: string) => parseQuery(q).warnings.filter((x) => x.key === 's');
    expect(w('model=first-order&d=3&kernel=riesz&s=0.5')).toEqual([]);
    expect(w('model=first-order&d=3&kernel=riesz&s=1')[0].message).toContain('0 ≤ s < 1 in d = 3');
    expect(w('model=first-order&d=3&kernel=riesz&s=-0.5')).toHaveLength(1);
    expect(w('model=first-order&d=2&kernel=riesz&s=0')[0].message).toContain('empty in d = 2');
    expect(w('model=first-order&d=3&kernel=coulomb&s=3')).toEqual([]); // s only matters for riesz
  });

  it('warns above the finite-N Keller–Segel threshold χ/σ > 8π(N−2)/(N−1), naming chi', () => {
    const n = 100;
    const { finiteN, limit } = kellerSegelCritical(n);
    expect(limit).toBeCloseTo(8 * Math.PI, 14);
    expect(finiteN).toBeCloseTo((8 * Math.PI * 98) / 99, 14);
    const ks = (chi: number, sigma = 1, sign = 'attractive') => parseQuery(`model=first-order&d=2&kernel=coulomb&sign=${sign}&eps=0.1&n=${n}&sigma=${sigma}&chi=${chi}`).warnings.filter((x) => x.key === 'chi');
    expect(ks(finiteN * 0.999)).toEqual([]);
    expect(ks(finiteN * 1.001)[0].message).toMatch(/^chi: .*although not the limit/);
    expect(ks(30)[0].message).toContain('limit blows up too');
    expect(ks(30, 1, 'repulsive')).toEqual([]);
    expect(ks(1, 0)).toHaveLength(1); // σ = 0: χ/σ = ∞
  });

  it('init options per model; withModel makes a parameter set valid for another model', () => {
    const def = PARAM_DEFS.find((d) => d.key === 'init')!;
    expect(def.kind === 'enum' && enumOptions(def, { ...defaultParams(), model: 'torus' })).toEqual(['cosine', 'wrapped-gaussian']);
    expect(describeRange(def)).toContain('first-order: gaussian, disc, two-blobs, ring');
    const fo = withModel({ ...defaultParams(), init: 'bkw' }, 'first-order');
    expect(fo.init).toBe('gaussian');
    expect(fo.d).toBe(2); // biot-savart is 2D
    expect(validateParams(fo)).toEqual([]);
    const t = withModel(fo, 'torus');
    expect(t.init).toBe('cosine');
    expect(validateParams(t)).toEqual([]);
    expect(validateParams(withModel({ ...defaultParams(), model: 'torus', init: 'cosine', temp: [1, 2] }, 'landau'))).toEqual([]);
  });

  it('a link that only switches the model opens with that model’s defaults, without errors', () => {
    for (const q of ['model=torus', 'model=first-order', 'model=first-order&kernel=coulomb&d=3']) {
      const r = parseQuery(q);
      expect(r.errors, q).toEqual([]);
      expect(validateParams(r.params)).toEqual([]);
    }
    expect(parseQuery('model=torus').params.init).toBe('cosine');
    expect(parseQuery('model=first-order').params.d).toBe(2);
    // An explicit, wrong init is still reported.
    expect(parseQuery('model=torus&init=bkw').errors.map((e) => e.key)).toEqual(['init']);
  });
});
