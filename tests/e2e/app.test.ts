/**
 * The visualiser end to end (issue 3), against the built app in headless Chromium (WebGPU on
 * SwiftShader here, so N stays small and pages are reused: each run build compiles the Landau
 * pipelines, several seconds on a CPU). Shared links, play, histograms and curves, exports and
 * screenshots, the copy-link round trip, malformed links, inline validation and the keyboard.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paramDef, parseQuery, toQuery } from '../../src/physics/params';
import { ARTIFACTS, appState, setProjector, snapshot, startApp, waitFor, waitStep, type E2eApp } from './harness';

let app: E2eApp;
/** The page opened on LINK (tests 1–3 continue on it). */
let linkPage: Page;
/** The page opened from the copied link (tests 3 and 5). */
let copiedPage: Page;

beforeAll(async () => {
  app = await startApp();
}, 180_000);

afterAll(async () => {
  await app?.close();
});

const LINK = 'v=1&model=landau&d=3&n=256&replicas=1&dt=0.002&seed=7&gamma=0&eps=0.1&noise=nanbu&init=aniso&temp=2%2C0.5%2C0.5&normalize=1&rng=pcg4d';

describe('the visualiser', () => {
  it('opens a shared link and plays: t advances, the GPU histograms and the curves change', async () => {
    const page = (linkPage = await app.open(LINK));
    const s0 = await snapshot(page);
    expect(s0.engineKind).toBe('webgpu');
    expect(s0.cloudSource).toBe('shared-device');
    expect(s0.n).toBe(256);
    expect(s0.step).toBe(0);
    expect((await appState(page)).query).toBe(LINK);
    expect(await page.evaluate(() => window.location.search)).toBe(`?${LINK}`);
    // The adapter is named, and a CPU implementation says so plainly.
    const adapterText = await page.getByTestId('status-adapter').textContent();
    expect(adapterText).toMatch(/WebGPU/);
    if (/swiftshader/i.test(s0.adapter)) expect(adapterText).toMatch(/CPU fallback/);

    await waitFor(page, 'window.__mfl.snapshot.histogramVersion > 0 && window.__mfl.snapshot.curvePoints > 0');
    const hist0 = await page.evaluate(() => window.__mfl.histogramCheck());
    expect(hist0).not.toBeNull();
    // The GPU histogram pass bins like the TypeScript reference (float32 bin edges aside).
    expect(hist0!.maxAbsDiff).toBeLessThanOrEqual(1);
    expect(hist0!.sumDiff).toBeLessThanOrEqual(8);
    expect(hist0!.gpu.slice(0, 64).reduce((a, b) => a + b, 0) + hist0!.gpu[hist0!.gpu.length - 4]).toBe(256);
    const before = await snapshot(page);

    await page.locator('[data-action="play"]').click();
    await waitStep(page, 24);
    await waitFor(page, `window.__mfl.snapshot.lastHistogramStep >= 16 && window.__mfl.snapshot.curvePoints >= ${before.curvePoints + 3}`);
    await page.locator('[data-action="play"]').click(); // pause
    const s1 = await snapshot(page);
    expect(s1.t).toBeCloseTo(s1.step * 0.002, 10);
    expect(s1.t).toBeGreaterThan(0);
    expect(s1.histogramVersion).toBeGreaterThan(before.histogramVersion);
    expect(s1.curvePoints).toBeGreaterThan(before.curvePoints);
    expect(s1.cloudFrames).toBeGreaterThan(before.cloudFrames);
    const hist1 = await page.evaluate(() => window.__mfl.histogramCheck());
    expect(hist1!.maxAbsDiff).toBeLessThanOrEqual(1);
    expect(hist1!.gpu).not.toEqual(hist0!.gpu);
    await waitFor(page, `document.querySelector('[data-testid="status-step"]').textContent === String(window.__mfl.snapshot.step)`);
    expect(s1.validationErrors).toEqual([]);
  });

  it('exports curves (CSV, JSON), particles (JSON, CSV) and a PNG; screenshots of the main views', async () => {
    const page = linkPage;
    await page.locator('[data-action="play"]').click();
    await waitStep(page, 48);
    await waitFor(page, 'window.__mfl.snapshot.curvePoints >= 8 && window.__mfl.snapshot.lastHistogramStep >= 40');
    await page.locator('[data-action="play"]').click();
    await waitFor(page, '!window.__mfl.state.playing && !window.__mfl.snapshot.inFlight');
    const [csv, points] = await page.evaluate(() => [window.__mfl.curvesCsv(), window.__mfl.snapshot!.curvePoints] as const);
    expect(csv).toContain(`# link: ?${LINK}`);
    const rows = csv!.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(rows[0].split(',').slice(0, 3)).toEqual(['t', 'step', 'energy']);
    expect(rows.length - 1).toBe(points);
    const json = JSON.parse((await page.evaluate(() => window.__mfl.curvesJson()))!);
    expect(json.columns.energy.length).toBeGreaterThan(5);
    expect(json.columns.M_xx.length).toBe(json.columns.energy.length);
    const particlesJson = JSON.parse((await page.evaluate(() => window.__mfl.particles('json')))!);
    expect(particlesJson.particles).toHaveLength(1);
    expect(particlesJson.particles[0]).toHaveLength(256);
    expect(particlesJson.particles[0][0]).toHaveLength(3);
    const particlesCsv = (await page.evaluate(() => window.__mfl.particles('csv')))!;
    expect(particlesCsv.split('\n').filter((l) => /^\d/.test(l))).toHaveLength(256);
    const png = (await page.evaluate(() => window.__mfl.viewsPng()))!;
    expect(png.width).toBe(1600);
    const bytes = Buffer.from(png.dataUrl.split(',')[1], 'base64');
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    writeFileSync(join(ARTIFACTS, 'e2e-export-views.png'), bytes);
    // The exported PNG carries the cloud (captured from the WebGPU canvas): not one flat colour.
    const colours = await page.evaluate(async (url) => {
      const img = new Image();
      img.src = url;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = 800;
      c.height = 400;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, -40);
      const d = ctx.getImageData(0, 0, 800, 400).data;
      const seen = new Set<number>();
      for (let i = 0; i < d.length; i += 4 * 97) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return seen.size;
    }, png.dataUrl);
    expect(colours).toBeGreaterThan(8);

    await page.screenshot({ path: join(ARTIFACTS, 'e2e-app.png') });
    await page.locator('.panel-cloud').screenshot({ path: join(ARTIFACTS, 'e2e-cloud.png') });
    await page.locator('.panel-marginals').screenshot({ path: join(ARTIFACTS, 'e2e-marginals.png') });
    await page.locator('.panel-heatmap').screenshot({ path: join(ARTIFACTS, 'e2e-heatmap.png') });
    await page.locator('.panel-curves').screenshot({ path: join(ARTIFACTS, 'e2e-curves.png') });
    await setProjector(page, true);
    await page.locator('.main').evaluate((el) => el.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-app-high-contrast.png') });
    await setProjector(page, false);
    expect((await snapshot(page)).validationErrors).toEqual([]);
  });

  it('copy-link round trip: the URL and the share field follow the parameters; the link reproduces the run', async () => {
    const page = linkPage;
    // A UI edit: N = 128 typed into the field and committed with Enter.
    const builds = (await snapshot(page)).buildCount;
    const nField = page.locator('[data-param="n"] input');
    await nField.fill('128');
    await nField.press('Enter');
    await waitFor(page, `window.__mfl.snapshot.buildCount > ${builds} && window.__mfl.snapshot.n === 128 && window.__mfl.snapshot.ready`);
    const search = await page.evaluate(() => window.location.search);
    expect(search).toBe(`?${LINK.replace('n=256', 'n=128')}`);
    await page.locator('[data-action="copy-link"]').click();
    const link = await page.getByTestId('share-url').inputValue();
    expect(link).toBe(`${app.url}/${search}`);
    await expect.poll(() => page.locator('.status-msg').textContent()).toMatch(/copied|copy it/i);
    const params = parseQuery(new URL(link).search).params;
    expect(params.n).toBe(128);
    expect(params.seed).toBe(7);
    // Opening the link reproduces the run: same parameters, same initial particles.
    copiedPage = await app.open(new URL(link).search.slice(1));
    expect((await appState(copiedPage)).query).toBe(toQuery(params));
    const head = await page.evaluate(() => window.__mfl.particlesHead(16));
    expect(head.length).toBe(64);
    expect(await copiedPage.evaluate(() => window.__mfl.particlesHead(16))).toEqual(head);
    await page.close();
  });

  it('a malformed link opens with a message naming its bad and unknown fields; valid fields are kept; nothing is injected', async () => {
    const page = await app.open('n=abc&gamma=7&d=2&bogus=1&%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E=2&seed=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E&noise=kac');
    const box = page.getByTestId('link-messages');
    await box.waitFor();
    const text = (await box.textContent())!;
    expect(text).toMatch(/n: got "abc", expected an integer in \[2, 4194304\]/);
    expect(text).toMatch(/gamma: got "7", expected a number in \[-3, 1\]/);
    expect(text).toContain('"bogus": not a parameter');
    expect(text).toMatch(/seed: got/);
    expect(text).toContain('img src=x onerror');
    const s = await snapshot(page);
    expect(s.d).toBe(2); // valid fields kept
    expect((await appState(page)).query).toContain('noise=kac');
    expect(s.n).toBe(paramDef('n').default); // the bad value fell back to the default
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('.messages img, .messages script').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-malformed-link.png') });
    await page.close();
  });

  it('invalid control values are rejected inline and not applied; keyboard: space, →, r', async () => {
    const page = copiedPage;
    const dt = page.locator('[data-param="dt"] input');
    await dt.fill('-1');
    await dt.press('Enter');
    const err = page.locator('[data-param="dt"] .error');
    await expect.poll(() => err.textContent()).toMatch(/dt: got "-1", expected a number in \(0, 1\]/);
    expect((await appState(page)).query).toContain('dt=0.002');
    await dt.press('Escape');
    // A cross-field rule: γ < 0 needs ε > 0 (validateParams); the message names eps and its range.
    const eps = page.locator('[data-param="eps"] input');
    await eps.fill('0');
    await eps.press('Enter');
    await waitFor(page, 'window.__mfl.state.query.includes("eps=0&") && window.__mfl.snapshot.ready');
    const gamma = page.locator('[data-param="gamma"] input.num');
    await gamma.fill('-1');
    await gamma.press('Enter');
    await expect.poll(() => page.locator('[data-param="gamma"] .error').textContent()).toMatch(/eps: must be in \(0, 10\] when gamma < 0/);
    expect((await appState(page)).query).toContain('gamma=0&');
    expect(await gamma.getAttribute('aria-describedby')).toBeTruthy();
    expect(await page.getByLabel('γ (potential exponent)', { exact: true }).count()).toBe(1);
    await gamma.press('Escape');

    // Keyboard (focus outside the fields).
    await page.locator('.app-header h1').click();
    const start = (await snapshot(page)).step;
    await page.keyboard.press('ArrowRight');
    await waitStep(page, start + 1);
    await page.keyboard.press('ArrowRight');
    await waitStep(page, start + 2);
    expect((await appState(page)).playing).toBe(false);
    await page.keyboard.press(' ');
    expect((await appState(page)).playing).toBe(true);
    await waitStep(page, start + 6);
    await page.keyboard.press(' ');
    expect((await appState(page)).playing).toBe(false);
    const builds = (await snapshot(page)).buildCount;
    await page.keyboard.press('r');
    await waitFor(page, `window.__mfl.snapshot.buildCount > ${builds} && window.__mfl.snapshot.step === 0`);
    // Typing in a field does not trigger the shortcuts.
    await page.locator('[data-param="seed"] input').focus();
    await page.keyboard.press('r');
    await page.keyboard.press(' ');
    expect((await appState(page)).playing).toBe(false);
    expect((await snapshot(page)).validationErrors).toEqual([]);
    await page.close();
  });

  it('no page errors', () => {
    expect(app.errors).toEqual([]);
  });
});
