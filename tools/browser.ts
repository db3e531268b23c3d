/**
 * Headless Chromium with WebGPU, for the runner, the benchmark and the tests. Uses the system
 * Chromium (CHROMIUM_PATH, default /usr/bin/chromium) through playwright-core: nothing is
 * downloaded. Flags keep Chromium off the (closed) network. Canvases: with ANGLE on Vulkan
 * (`--use-angle=vulkan`) headless screenshots and drawImage of WebGPU canvases came back blank
 * on this machine; ANGLE on SwiftShader captures them (checked by tests/e2e screenshots).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';

export const CHROMIUM_FLAGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`Chromium not found at ${path}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return path;
}

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Playwright's `launch` always starts from a fresh temporary --user-data-dir, removed on close. */
export async function launchChromium(): Promise<LaunchedBrowser> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

export const PROJECT_ROOT = resolve(import.meta.dirname, '..');

/** Starts the Vite dev server on a free loopback port; returns its base URL. */
export async function startViteServer(): Promise<{ url: string; server: ViteDevServer }> {
  const { createServer } = await import('vite');
  const server = await createServer({
    root: PROJECT_ROOT,
    configFile: join(PROJECT_ROOT, 'vite.config.ts'),
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
  });
  await server.listen();
  const addr = server.httpServer?.address();
  if (!addr || typeof addr === 'string') throw new Error('Vite server has no address');
  return { url: `http://127.0.0.1:${addr.port}`, server };
}

/** Opens headless.html and waits for `window.mfl`; collects console errors. */
export async function openHeadlessPage(browser: Browser, baseUrl: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`[page] ${e.message}`));
  await page.goto(`${baseUrl}/headless.html`);
  await page.waitForFunction(() => (window as unknown as { mflReady?: boolean }).mflReady === true, undefined, { timeout: 60_000 });
  return page;
}

/** Everything a headless session needs, torn down by `close`. */
export async function headlessSession(): Promise<{ page: Page; close(): Promise<void> }> {
  const vite = await startViteServer();
  const b = await launchChromium();
  try {
    const page = await openHeadlessPage(b.browser, vite.url);
    return {
      page,
      async close() {
        await b.close();
        await vite.server.close();
      },
    };
  } catch (e) {
    await b.close();
    await vite.server.close();
    throw e;
  }
}
