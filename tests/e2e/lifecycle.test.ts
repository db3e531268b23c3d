/**
 * Robustness of the visualiser (issue 3): mounting and tearing down the app and rebuilding the
 * run (N, d, model changes) without leaking GPU buffers, recovery from a lost device, the CPU
 * engine when WebGPU is missing, and the NaN/Inf stop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unexpectedErrors } from './browserMessages';
import { appState, ours, snapshot, startApp, waitFor, waitReady, waitStep, type E2eApp } from './harness';

let app: E2eApp;

beforeAll(async () => {
  app = await startApp();
}, 180_000);

afterAll(async () => {
  await app?.close();
});

/** All live buffers except the accurate-entropy ones, which exist only once an estimate has run. */
function eager(s: { liveBuffers: number; liveBufferLabels: Record<string, number> }): number {
  const lazy = Object.entries(s.liveBufferLabels)
    .filter(([k]) => /^(NeighbourStatistics|KnnPass|KdeScorePass)/.test(k))
    .reduce((n, [, v]) => n + v, 0);
  return s.liveBuffers - lazy;
}

describe('lifecycle', () => {
  it('mounts and unmounts repeatedly, and rebuilds on N/d/noise changes, without leaking GPU buffers', async () => {
    const page = await app.open('n=64&d=3&seed=2');
    await page.keyboard.press('ArrowRight');
    await waitStep(page, 1);
    const base = await snapshot(page);
    expect(ours(base.liveBufferLabels)).toBeGreaterThan(0);
    for (let k = 0; k < 3; k++) {
      await page.evaluate(() => window.__mfl.unmount());
      await waitFor(page, 'window.__mfl.snapshot === null');
      // Disposal is asynchronous (a build may be finishing): our buffers must all go.
      // The accurate-entropy buffers (NeighbourStatistics, KnnPass, KdeScorePass) are freed once a
      // measurement in flight has stopped, which can take a pipeline compile: wait for them too.
      await waitFor(page, 'window.__mfl.liveBufferLabels().filter((k) => /^(WebGpuBackend|HistogramPass|MomentsPass|UniformRing|NeighbourStatistics|KnnPass|KdeScorePass)/.test(k)).length === 0', 30_000);
      await page.evaluate(() => window.__mfl.mount());
      await waitReady(page);
      await page.keyboard.press('ArrowRight');
      await waitStep(page, 1);
      await waitFor(page, 'window.__mfl.snapshot.cloudFrames > 2');
      const s = await snapshot(page);
      expect(ours(s.liveBufferLabels), `cycle ${k}`).toBe(ours(base.liveBufferLabels));
      expect(eager(s), `cycle ${k}: ${JSON.stringify(s.liveBufferLabels)}`).toBeLessThanOrEqual(eager(base) + 3);
    }
    // Rebuilds: N, d and the noise system change; the buffer count returns to its level.
    const edits = ['n=128&d=2&noise=fgm', 'n=64&d=3&seed=2'];
    for (const q of edits) {
      const builds = (await snapshot(page)).buildCount;
      await page.evaluate((query) => window.__mfl.store.getState().openLink(query), q);
      await waitFor(page, `window.__mfl.snapshot.buildCount > ${builds} && window.__mfl.snapshot.ready`);
      await page.keyboard.press('ArrowRight');
      await waitFor(page, 'window.__mfl.snapshot.step >= 1 && window.__mfl.snapshot.cloudFrames > 1');
    }
    const end = await snapshot(page);
    expect(ours(end.liveBufferLabels)).toBe(ours(base.liveBufferLabels));
    expect(eager(end), JSON.stringify(end.liveBufferLabels)).toBeLessThanOrEqual(eager(base) + 3);
    expect(end.validationErrors).toEqual([]);
    await page.evaluate(() => window.__mfl.unmount());
    await waitFor(page, 'window.__mfl.snapshot === null');
    await page.close();
  });

  it('recovers from a lost device (says so, rebuilds from the current parameters)', { timeout: 300_000 }, async () => {
    // Each stage's wall time goes to the log, so that a slow or stuck stage is named.
    let last = Date.now();
    const stage = (name: string) => {
      const now = Date.now();
      console.log(`lifecycle device-loss: ${name} after ${now - last} ms`);
      last = now;
    };
    const page = await app.open('n=64&d=2&seed=4&noise=fgm');
    stage('opened');
    const builds = (await snapshot(page)).buildCount;
    expect(await page.evaluate(() => window.__mfl.loseDevice())).toBe(true);
    await page.getByTestId('notice').filter({ hasText: 'GPU device was lost' }).waitFor();
    stage('loss noticed');
    await waitFor(page, `window.__mfl.snapshot !== null && window.__mfl.snapshot.ready && window.__mfl.snapshot.engineKind === 'webgpu' && window.__mfl.snapshot.buildCount > ${builds}`);
    stage('rebuilt on a new device');
    expect(await page.getByTestId('notice').textContent()).toMatch(/Recovered/);
    expect((await appState(page)).query).toContain('noise=fgm');
    // Space plays and pauses whatever has focus (the keyboard shortcut of the app).
    await page.keyboard.press(' ');
    await waitStep(page, 8);
    await waitFor(page, 'window.__mfl.snapshot.histogramVersion > 1');
    stage('stepped');
    await page.keyboard.press(' ');
    await waitFor(page, '!window.__mfl.state.playing');
    stage('paused');
    expect((await snapshot(page)).validationErrors).toEqual([]);
    // The page is closed here, not rebuilt again: see the note on the NaN/Inf test below.
    await page.close();
  });

  it('stops on NaN/Inf with a message (γ = 1, dt = 1, hot initial data)', { timeout: 120_000 }, async () => {
    // A page of its own. This stage used to follow the device loss above in the same page, and
    // there it hung about 1 run in 15 (4 of about 65 repro rounds; twice in full suites):
    // Chromium's renderer main thread blocked forever on a lock it already held, inside
    // CommandBufferProxyImpl::OnReturnData → WebGPUImplementation::OnGpuControlReturnData →
    // the Dawn wire client → TransferBuffer::Free → CommandBufferHelper::Flush (gdb stack scan;
    // no JavaScript call was in progress). In fresh pages the same stage did not hang in 65
    // rounds. README "Known browser problems" has the details.
    const page = await app.open('n=64&d=3&gamma=1&dt=1&temp=100&seed=1');
    await page.evaluate(() => window.__mfl.store.getState().play());
    await waitFor(page, 'window.__mfl.state.error !== null', 60_000);
    await page.getByTestId('run-error').waitFor();
    expect(await page.getByTestId('run-error').textContent()).toMatch(/NaN\/Inf/);
    expect((await appState(page)).playing).toBe(false);
    expect(await page.getByTestId('status-line').textContent()).toMatch(/NaN\/Inf: detected/);
    await page.close();
  });

  it('without WebGPU: says so, runs the CPU reference engine with a capped N', async () => {
    const page = await app.open('n=1024&d=3&seed=9', { noWebGpu: true });
    const s = await snapshot(page);
    expect(s.engineKind).toBe('cpu');
    expect(s.n).toBe(512);
    expect(s.cloudSource).toBe('readback');
    expect(await page.getByTestId('notice').textContent()).toMatch(/No WebGPU/);
    expect(await page.getByTestId('status-adapter').textContent()).toMatch(/CPU fallback/);
    expect(await page.getByTestId('status-line').textContent()).toMatch(/N = 512/);
    expect(await page.getByTestId('status-line').textContent()).toMatch(/capped/);
    // The link keeps the requested N (it reproduces the run where WebGPU exists).
    expect((await appState(page)).query).toContain('n=1024');
    await page.keyboard.press('ArrowRight');
    await waitStep(page, 1);
    await waitFor(page, 'window.__mfl.snapshot.lastHistogramStep >= 1 && window.__mfl.snapshot.curvePoints >= 2');
    await page.close();
  });

  it('no page errors', () => {
    // Only the browser's own harmless messages (browserMessages.ts), even across a device loss.
    expect(unexpectedErrors(app.errors)).toEqual([]);
  });
});
