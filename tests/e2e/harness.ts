/**
 * End-to-end harness: builds the app once per test file (vite build into a temporary folder),
 * serves the build with `vite preview` on a free loopback port, and drives the system Chromium
 * through playwright-core. Screenshots go to test-artifacts/ (gitignored).
 * Chromium flags: tools/browser.ts's CHROMIUM_FLAGS (ANGLE on SwiftShader, so that screenshots
 * capture WebGPU canvases).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';
import { unexpectedErrors } from './browserMessages';
import { CHROMIUM_FLAGS, PROJECT_ROOT, chromiumPath } from '../../tools/browser';
import type { DebugSnapshot } from '../../src/app/debugHooks';

export const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts');

/**
 * Long-lived buffers created by our engine and passes, from a snapshot's liveBufferLabels
 * (three.js's are counted separately; WebGpuBackend.staging buffers live only while a readback
 * maps, so they are left out). Self-contained: its source is also evaluated in the page.
 */
export function ours(labels: Record<string, number>): number {
  return Object.entries(labels)
    .filter(([k]) => /^(WebGpuBackend|HistogramPass|MomentsPass|UniformRing)/.test(k) && k !== 'WebGpuBackend.staging')
    .reduce((s, [, v]) => s + v, 0);
}

export interface E2eApp {
  url: string;
  browser: Browser;
  /**
   * Page errors (uncaught errors and unhandled rejections) and console errors of every page of
   * this app, in order. Each test fails on any that arrived during it and is not one of the
   * browser's own harmless messages (browserMessages.ts): see the afterEach below.
   */
  errors: string[];
  open(query: string, opts?: { noWebGpu?: boolean; viewport?: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}

export async function startApp(): Promise<E2eApp> {
  const { build, preview } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'mfl-e2e-'));
  const configFile = join(PROJECT_ROOT, 'vite.config.ts');
  await build({ root: PROJECT_ROOT, configFile, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server = await preview({ root: PROJECT_ROOT, configFile, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  const addr = server.httpServer.address();
  if (!addr || typeof addr === 'string') throw new Error('preview server has no address');
  const url = `http://127.0.0.1:${addr.port}`;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS });
  mkdirSync(ARTIFACTS, { recursive: true });
  const errors: string[] = [];
  apps.push(errors);
  return {
    url,
    browser,
    errors,
    async open(query, opts = {}) {
      const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1600, height: 1000 } });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      if (opts.noWebGpu) {
        await page.addInitScript(() => {
          Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
        });
      }
      await page.goto(`${url}/${query ? `?${query}` : ''}`);
      await waitReady(page);
      return page;
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** The error lists of the apps this test file started, and how much of each has been checked. */
const apps: string[][] = [];
const checked = new WeakMap<string[], number>();

/** Errors that arrived since the last check, less the browser's harmless ones. */
export function newUnexpectedErrors(): string[] {
  const out: string[] = [];
  for (const errors of apps) {
    out.push(...unexpectedErrors(errors.slice(checked.get(errors) ?? 0)));
    checked.set(errors, errors.length);
  }
  return out;
}

// Every e2e test fails on a page error or console error it caused (issue 10).
afterEach(() => {
  expect(newUnexpectedErrors(), 'page errors or console errors during this test').toEqual([]);
});

export async function snapshot(page: Page): Promise<DebugSnapshot> {
  const s = await page.evaluate(() => window.__mfl.snapshot);
  if (!s) throw new Error('no active simulation loop');
  return s;
}

export async function appState(page: Page) {
  return page.evaluate(() => window.__mfl.state);
}

/** Waits until a run is built and idle (no rebuild pending). */
export async function waitReady(page: Page, timeout = 90_000): Promise<void> {
  await page.waitForFunction(() => window.__mfl?.snapshot?.ready === true, undefined, { timeout, polling: 100 });
}

/** Waits until the step counter reaches `step`. */
export async function waitStep(page: Page, step: number, timeout = 90_000): Promise<void> {
  await page.waitForFunction((k) => (window.__mfl?.snapshot?.step ?? 0) >= k, step, { timeout, polling: 100 });
}

export async function waitFor(page: Page, fn: string, timeout = 60_000): Promise<void> {
  await page.waitForFunction(fn, undefined, { timeout, polling: 100 });
}

/** Waits until the charts have been refreshed `count` more times (instead of sleeping). */
export async function chartRefreshes(page: Page, count = 2, timeout = 30_000): Promise<void> {
  const now = (await snapshot(page)).chartRefreshes;
  await waitFor(page, `window.__mfl.snapshot.chartRefreshes >= ${now + count}`, timeout);
}

/** Switches projector mode and waits until the views are drawn in it and refreshed. */
export async function setProjector(page: Page, on: boolean): Promise<void> {
  if ((await appState(page)).highContrast !== on) await page.locator('[data-action="projector"]').click();
  await waitFor(page, `window.__mfl.snapshot.highContrastApplied === ${on}`);
  await chartRefreshes(page);
}
