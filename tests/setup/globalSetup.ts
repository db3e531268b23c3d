/**
 * One Vite dev server for the whole test run (GPU and e2e tests open pages on it); each test
 * file launches its own headless Chromium. The URL reaches tests through vitest's provide/inject.
 */
import type { TestProject } from 'vitest/node';
import { startViteServer } from '../../tools/browser';

declare module 'vitest' {
  export interface ProvidedContext {
    viteUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { url, server } = await startViteServer();
  project.provide('viteUrl', url);
  return async () => {
    await server.close();
  };
}
