/**
 * Every classroom preset (src/state/presets.ts) runs from one click and from its link, with the
 * references it promises; the conservative-noise preset shows kac's exact momentum conservation
 * next to nanbu.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/physics/params';
import { CLASSROOM_PRESETS } from '../../src/state/presets';
import { decodeLink } from '../../src/state/urlCodec';
import { join } from 'node:path';
import { ARTIFACTS, appState, snapshot, startApp, waitFor, waitStep, type E2eApp } from './harness';

let app: E2eApp;

beforeAll(async () => {
  app = await startApp();
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe('classroom presets', () => {
  it('the presets of the issues exist and their links are clean', () => {
    expect(CLASSROOM_PRESETS.map((p) => p.name)).toEqual([
      // Issue 3.
      'Maxwellian relaxation to equilibrium',
      'Anisotropic temperature relaxation',
      'BKW exact solution',
      'Coulomb collisions',
      'Conservative vs non-conservative noise',
      // Issue 13.
      'Shared noise breaks chaos',
      // Issues 4 and 6.
      'Entropy & chaos: BKW, 8 replicas',
      // Issue 11.
      'A million particles: random pairs',
      'Random pairs vs all pairs',
      // Issue 5.
      'Lamb–Oseen vortex',
      'Vortices of both signs',
      'Keller–Segel, subcritical',
      'Keller–Segel, supercritical',
      'Torus: relaxation to uniform',
    ]);
    for (const p of CLASSROOM_PRESETS) {
      const { errors, unknown } = parseQuery(p.query.replace(/&compare=[\w-]+/, ''));
      expect(errors, p.id).toEqual([]);
      expect(unknown, p.id).toEqual([]);
      expect(decodeLink(p.query).messages, p.id).toEqual([]);
    }
  });

  it('a preset link opens the preset; each preset runs a few steps from one click', { timeout: 240_000 }, async () => {
    const first = CLASSROOM_PRESETS[0];
    const page = await app.open(first.query);
    expect((await appState(page)).activePreset).toBe(first.id);
    expect(await page.getByTestId('preset-note').textContent()).toContain(first.name);
    for (const preset of CLASSROOM_PRESETS) {
      expect(await page.locator(`[data-preset="${preset.id}"] + a`).getAttribute('href')).toBe(`?${preset.query}`);
    }
    for (const preset of CLASSROOM_PRESETS) {
      const builds = (await snapshot(page)).buildCount;
      await page.locator(`[data-preset="${preset.id}"]`).click();
      await waitFor(page, `window.__mfl.snapshot.buildCount > ${builds} && window.__mfl.snapshot.ready`);
      await waitStep(page, 3);
      await waitFor(page, 'window.__mfl.snapshot.curvePoints >= 2 && window.__mfl.snapshot.lastHistogramStep > 0');
      await page.locator('[data-action="play"]').click(); // pause
      const state = await appState(page);
      expect(state.query, preset.id).toBe(preset.query);
      expect(state.error, preset.id).toBeNull();
      expect(state.activePreset).toBe(preset.id);
      expect(await page.getByTestId('preset-note').textContent()).toContain(preset.name);
      const s = await snapshot(page);
      expect(s.n, preset.id).toBe(decodeLink(preset.query).params.n);
      expect(Number.isFinite(s.lastEnergy), preset.id).toBe(true);
      if (preset.id === 'conservative-noise') {
        // kac: the mean velocity is conserved to float32 rounding (it starts at 0: normalize=1).
        for (const c of s.lastMomentum) expect(Math.abs(c), preset.id).toBeLessThan(1e-5);
        const json = JSON.parse((await page.evaluate(() => window.__mfl.curvesJson()))!);
        expect(json.companion).toBe('nanbu');
        expect(json.columns['nanbu_momentum_x'].length).toBeGreaterThan(1);
      }
      if (preset.id === 'bkw') {
        // The BKW run starts at t0 = ¼ ln(5/2).
        expect(s.t).toBeCloseTo(0.25 * Math.log(2.5) + s.step * 0.001, 8);
        expect(await page.locator('.marginal-legend').textContent()).toContain('exact BKW');
      }
      if (preset.id === 'coulomb') {
        expect(await page.locator('.curve-temperature').textContent()).toContain('Trubnikov');
      }
      await page.locator('.panel-curves').screenshot({ path: join(ARTIFACTS, `e2e-preset-${preset.id}-curves.png`) });
    }
    expect((await snapshot(page)).validationErrors).toEqual([]);
    expect(app.errors).toEqual([]);
    await page.close();
  });
});
