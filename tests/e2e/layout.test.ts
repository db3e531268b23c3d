/**
 * Issue 14 end to end: the layout at a phone, a tablet, a 1024×768 projector (projector mode on)
 * and a laptop; projector mode in the link; the Maxwellian overlay at step 0; the keyboard after
 * a preset click; the first open; the CSV header of a first-order run. Real Chromium (WebGPU on
 * SwiftShader here), deterministic seeds, small N. One page is reused across viewports
 * (setViewportSize): each page build compiles the pipelines on the CPU. Screenshots go to
 * test-artifacts/e2e-layout-*.png.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, appState, snapshot, startApp, waitFor, type E2eApp } from './harness';

let app: E2eApp;

beforeAll(async () => {
  app = await startApp();
}, 180_000);

afterAll(async () => {
  await app?.close();
});

/** A shell of speeds (the first-open preset's data), small N, fixed seed. */
const SHELL = 'v=1&model=landau&d=3&n=256&replicas=1&dt=0.002&seed=11&gamma=0&eps=0.1&noise=nanbu&init=shell&temp=1&normalize=1&rng=pcg4d';

const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844, projector: false },
  { name: 'tablet', width: 820, height: 1180, projector: false },
  { name: 'projector', width: 1024, height: 768, projector: true },
  { name: 'laptop', width: 1440, height: 900, projector: false },
] as const;

interface Box { name: string; left: number; top: number; right: number; bottom: number; width: number }

/** The workspace's panels (every view), in page coordinates. */
async function panelBoxes(page: Page): Promise<Box[]> {
  return page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.workspace > .panel')].map((el) => {
    const r = el.getBoundingClientRect();
    return { name: el.className, left: r.left, top: r.top + window.scrollY, right: r.right, bottom: r.bottom + window.scrollY, width: r.width };
  }));
}

function overlaps(a: Box, b: Box): boolean {
  const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return w > 1 && h > 1;
}

/** Visible controls smaller than 44 px (a checkbox counts by its label's box). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
    };
    const sel = 'button, select, summary, input[type="text"], input[type="range"], input[type="checkbox"], a.preset-link';
    for (const el of document.querySelectorAll<HTMLElement>(sel)) {
      if (!visible(el) || el.closest('.skip-link')) continue;
      // Closed menus hide their content (zero boxes): only what can be tapped now counts.
      const target = el instanceof HTMLInputElement && el.type === 'checkbox'
        ? (el.closest('label') ?? (el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null) ?? el)
        : el;
      const r = target.getBoundingClientRect();
      const minW = el.tagName === 'BUTTON' || el.classList.contains('preset-link') ? 44 : 0;
      if (r.height < 43.5 || r.width < minW - 0.5) out.push(`${el.tagName.toLowerCase()}${el.dataset.action ? `[${el.dataset.action}]` : ''} "${(el.textContent || (el as HTMLInputElement).value || '').trim().slice(0, 24)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  });
}

describe('layout, projector mode and keyboard (issue 14)', () => {
  let page: Page;

  it('a projector link (hc=1) opens in projector mode: one-line header, a view above the fold, the overlay at step 0', async () => {
    page = await app.open(`${SHELL}&hc=1`, { viewport: { width: 1024, height: 768 } });
    expect(await page.evaluate(() => document.documentElement.classList.contains('hc'))).toBe(true);
    // The link keeps hc=1 (reload, copy link, preset links).
    const search = await page.evaluate(() => window.location.search);
    expect(search).toBe(`?${(await appState(page)).query}`);
    expect(search).toMatch(/[?&]seed=11&.*&hc=1$/);
    expect(await page.getByTestId('share-url').inputValue()).toContain('&hc=1');
    // Presets are in the menu in projector mode; its links carry hc=1 too.
    await page.getByTestId('preset-menu').click();
    expect(await page.locator('.preset-menu-panel .preset-link').first().getAttribute('href')).toMatch(/&hc=1$/);
    await page.keyboard.press('Escape');
    const header = await page.locator('.app-header').boundingBox();
    expect(header!.height).toBeLessThanOrEqual(80);

    // Step 0: the Maxwellian overlay is drawn (from the histogram's moments until the run's arrive).
    await waitFor(page, 'window.__mfl.snapshot.histogramVersion > 0');
    expect((await snapshot(page)).step).toBe(0);
    await expect.poll(() => page.evaluate(() => Math.max(...[...document.querySelectorAll<HTMLElement>('.marginal-chart')].map((b) => Number(b.dataset.referenceMax || 0)))), { timeout: 20_000 }).toBeGreaterThan(0.05);

    // A view is visible above the fold without scrolling: the cloud shows at least 200 px.
    const cloud = await page.locator('.panel-cloud').boundingBox();
    expect(cloud!.y).toBeLessThan(768 - 200);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-layout-projector-above-fold.png') });
  });

  it('every viewport: one readable column or grid, every panel ≥ 300 px wide, no two overlapping; 44 px targets on the phone', { timeout: 240_000 }, async () => {
    for (const vp of VIEWPORTS) {
      const hc = await page.evaluate(() => document.documentElement.classList.contains('hc'));
      if (hc !== vp.projector) await page.locator('[data-action="projector"]').click();
      await page.setViewportSize({ width: vp.width, height: vp.height });
      await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('hc'))).toBe(vp.projector);
      // Let layout and the charts' ResizeObservers settle: wait for two animation frames.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const boxes = await panelBoxes(page);
      expect(boxes.length, vp.name).toBeGreaterThanOrEqual(6);
      for (const b of boxes) expect(b.width, `${vp.name}: ${b.name}`).toBeGreaterThanOrEqual(300);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i], boxes[j]), `${vp.name}: ${boxes[i].name} × ${boxes[j].name}`).toBe(false);
      }
      // No sideways scrolling.
      expect(await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth), vp.name).toBeLessThanOrEqual(1);
      // Charts inside their panels (no chart drawn over another).
      const charts = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.marginal-chart, .curve-chart')].map((el) => {
        const r = el.getBoundingClientRect();
        const p = el.closest('.panel')!.getBoundingClientRect();
        return { w: r.width, inside: r.left >= p.left - 1 && r.right <= p.right + 1 };
      }));
      for (const c of charts) {
        expect(c.inside, vp.name).toBe(true);
        expect(c.w, vp.name).toBeGreaterThanOrEqual(200);
      }
      // Legends: no colour twice in a chart; dashed/dotted lines show their pattern in the swatch.
      const legends = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.curve-chart, .entropy-chart')].map((box) => [...box.querySelectorAll<HTMLElement>('.u-legend .u-series')]
        .filter((row) => row.style.display !== 'none')
        .map((row) => ({ colour: row.querySelector<HTMLElement>('.u-marker')?.dataset.colour ?? '', dash: row.querySelector<HTMLElement>('.u-marker')?.dataset.dash ?? '', label: row.textContent?.trim() ?? '' }))));
      for (const rows of legends) {
        const colours = rows.map((r) => r.colour.toLowerCase());
        expect(new Set(colours).size, `${vp.name}: ${rows.map((r) => `${r.label}=${r.colour}`).join(', ')}`).toBe(colours.length);
        for (const r of rows) expect(r.colour, r.label).not.toBe('');
      }
      expect(legends.flat().some((r) => r.dash !== 'solid'), vp.name).toBe(true);
      if (vp.name === 'phone') expect(await smallTargets(page)).toEqual([]);
      if (vp.width <= 1100) {
        // Presets collapse into the menu on small screens.
        expect(await page.getByTestId('preset-menu').isVisible(), vp.name).toBe(true);
      }
      await page.screenshot({ path: join(ARTIFACTS, `e2e-layout-${vp.name}.png`), fullPage: true });
    }
  });

  it('a resize while paused redraws the cloud at once', async () => {
    expect((await appState(page)).playing).toBe(false);
    const before = (await snapshot(page)).cloudFrames;
    await page.setViewportSize({ width: 900, height: 800 });
    await expect.poll(async () => (await snapshot(page)).cloudFrames, { timeout: 10_000 }).toBeGreaterThan(before);
    await page.close();
  });

  it('first open: a preset that moves, a hint; Space pauses after a preset click, → steps once, whatever has focus', { timeout: 180_000 }, async () => {
    const p = await app.open('', { viewport: { width: 1440, height: 900 } });
    const s0 = await appState(p);
    expect(s0.activePreset).toBe('maxwellian-relaxation');
    expect(s0.query).toContain('init=shell');
    expect(await p.getByTestId('first-open-hint').isVisible()).toBe(true);
    // R is explained on hover.
    expect(await p.getByTestId('status-replicas').getAttribute('title')).toMatch(/replicas/);

    // The skip link is the first tab stop and lands on Play.
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    await p.keyboard.press('Enter');
    expect(await p.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.action)).toBe('play');

    const builds = (await snapshot(p)).buildCount;
    // Below 1500 px the presets are a menu: open it, pick one (the menu closes).
    await p.getByTestId('preset-menu').click();
    await p.locator('[data-preset="bkw"]').click();
    expect(await p.locator('.preset-menu').getAttribute('open')).toBeNull();
    await waitFor(p, `window.__mfl.snapshot.buildCount > ${builds} && window.__mfl.snapshot.ready`);
    await expect.poll(async () => (await appState(p)).playing).toBe(true);
    // Focus stays on the menu's summary (a button-like control): Space must not open it or restart.
    expect(await p.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe('preset-menu');
    const afterPreset = (await snapshot(p)).buildCount;
    await p.keyboard.press('Space');
    await expect.poll(async () => (await appState(p)).playing).toBe(false);
    // Space did not click the focused preset again (no rebuild, still paused).
    expect((await snapshot(p)).buildCount).toBe(afterPreset);
    const step = (await snapshot(p)).step;
    await p.keyboard.press('ArrowRight');
    await expect.poll(async () => (await snapshot(p)).step, { timeout: 30_000 }).toBe(step + 1);
    expect((await snapshot(p)).buildCount).toBe(afterPreset);
    expect((await appState(p)).playing).toBe(false);
    await p.screenshot({ path: join(ARTIFACTS, 'e2e-layout-first-open-laptop.png') });

    // From 1500 px the presets are a bar of buttons: Space after clicking one pauses, too.
    await p.setViewportSize({ width: 1600, height: 1000 });
    const b0 = (await snapshot(p)).buildCount;
    await p.locator('[data-preset="maxwellian-relaxation"]').click();
    await waitFor(p, `window.__mfl.snapshot.buildCount > ${b0} && window.__mfl.snapshot.ready`);
    await expect.poll(async () => (await appState(p)).playing).toBe(true);
    expect(await p.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.preset)).toBe('maxwellian-relaxation');
    const b1 = (await snapshot(p)).buildCount;
    await p.keyboard.press('Space');
    await expect.poll(async () => (await appState(p)).playing).toBe(false);
    expect((await snapshot(p)).buildCount).toBe(b1);
    await p.close();
  });

  it('the curves CSV of a first-order run names positions, not velocities', { timeout: 120_000 }, async () => {
    const p = await app.open('v=1&model=first-order&d=2&n=64&replicas=1&dt=0.01&seed=3&kernel=biot-savart&circ=plus&chi=5&eps=0.02&sigma=0.25&init=gaussian&width=1&normalize=1&rng=pcg4d');
    await waitFor(p, 'window.__mfl.snapshot.curvePoints > 0');
    const csv = (await p.evaluate(() => window.__mfl.curvesCsv()))!;
    const header = csv.split('\n').filter((l) => l.startsWith('#')).join('\n');
    expect(header).toMatch(/positions/i);
    expect(header).not.toMatch(/velocities v;/);
    await p.close();
    expect(app.errors).toEqual([]);
  });
});
