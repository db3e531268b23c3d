/**
 * GPU test harness: a headless Chromium page running the app's engine on WebGPU (SwiftShader
 * where there is no GPU). `api` proxies the page's `window.mfl` (src/headless/api.ts); every
 * call also fails the test on any WebGPU validation error the device reported.
 */
import { inject } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, openHeadlessPage, type LaunchedBrowser } from '../../tools/browser';
import type { HeadlessApi } from '../../src/headless/api';

type Promisified<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : never };

export interface GpuHarness {
  api: Promisified<HeadlessApi>;
  page: Page;
  close(): Promise<void>;
}

export async function openGpuHarness(): Promise<GpuHarness> {
  const launched: LaunchedBrowser = await launchChromium();
  const page = await openHeadlessPage(launched.browser, inject('viteUrl'));
  const api = new Proxy({} as Promisified<HeadlessApi>, {
    get: (_t, name: string) => async (...args: unknown[]) => {
      const result = await page.evaluate(
        async ([n, a]) => {
          const mfl = (window as unknown as { mfl: Record<string, (...x: unknown[]) => unknown> }).mfl;
          return mfl[n as string](...(a as unknown[]));
        },
        [name, args] as const,
      );
      const errors = await page.evaluate(() => (window as unknown as { mfl: HeadlessApi }).mfl.takeValidationErrors());
      if (errors.length) throw new Error(`WebGPU validation errors during ${name}:\n${errors.join('\n')}`);
      return result;
    },
  });
  return { api, page, close: () => launched.close() };
}
