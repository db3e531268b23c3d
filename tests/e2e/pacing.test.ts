/**
 * Pacing at any N·R (issue 10): N = 65536, R = 16 on SwiftShader is about 7·10¹⁰ pair
 * interactions per step, minutes of GPU time. The app must cut it into submissions of ≈ 50 ms,
 * so that Pause takes effect within a second, the page keeps answering, and the status line
 * says plainly how slow a step is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { snapshot, startApp, waitFor, type E2eApp } from './harness';

let app: E2eApp;

beforeAll(async () => {
  app = await startApp();
}, 180_000);

afterAll(async () => {
  await app?.close();
});

/** Runs `fn` in the page and returns its result with the round-trip time (ms). */
async function timed<T>(page: Page, fn: () => T): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await page.evaluate(fn);
  return { value, ms: Date.now() - t0 };
}

describe('pacing (issue 10)', () => {
  it('N = 65536, R = 16: one workgroup per submission, Pause stops the GPU work at once, the page answers within 1 s', async () => {
    const page = await app.open('n=65536&replicas=16&d=3&gamma=-3&eps=0.1&noise=nanbu&seed=3');
    const probe = () => {
      const s = window.__mfl.snapshot!;
      return { playing: window.__mfl.state.playing, completed: s.completedSteps, submitted: s.submitted, finished: s.submissions, inFlight: s.inFlight };
    };
    const answers: number[] = [];
    await page.locator('[data-action="play"]').click();
    // Play for 2 s, probing the page all along, and until a few submissions have finished.
    const t0 = Date.now();
    while (Date.now() - t0 < 2000) answers.push((await timed(page, probe)).ms);
    await waitFor(page, 'window.__mfl.snapshot.submissions >= 3', 60_000);
    const before = await snapshot(page);
    // 7·10¹⁰ pairs per step: the run advances by slices of one step, none completed yet.
    expect(before.completedSteps).toBe(0);
    expect(before.midStep).toBe(true);
    // While it plays, the status line says why it is slow.
    await page.getByTestId('status-slow').waitFor();
    expect(await page.getByTestId('status-slow').textContent()).toMatch(/per step at N·R = 2²⁰ on this adapter/);
    await page.locator('[data-action="play"]').click();
    const pausedAt = Date.now();
    const atPause = (await timed(page, probe)).value;
    expect(atPause.playing).toBe(false);
    expect(Date.now() - pausedAt).toBeLessThan(1000);
    // Nothing new is submitted after Pause; the one submission in flight drains.
    await waitFor(page, '!window.__mfl.snapshot.inFlight', 30_000);
    const drained = await snapshot(page);
    console.log(`pacing e2e: the last submission drained ${Date.now() - pausedAt} ms after Pause`);
    expect(drained.submitted).toBe(atPause.submitted);
    expect(drained.submissions).toBe(drained.submitted);
    // …and stays stopped: the counters do not move (polled for 1 s, on state).
    const settledAt = Date.now();
    while (Date.now() - settledAt < 1000) {
      const r = await timed(page, probe);
      answers.push(r.ms);
      expect(r.value.submitted).toBe(drained.submitted);
      expect(r.value.completed).toBe(0);
    }
    expect(Math.max(...answers), 'page evaluations answer within 1 s').toBeLessThan(1000);
    // After the first measurement every submission held one workgroup (128 particles × 65536
    // partners, the smallest unit, ≥ the 50 ms target here), and the status line said why while it played.
    const end = await snapshot(page);
    expect(end.largestSubmission).toBe(1);
    expect(end.groupsPerStep).toBe(512 * 16);
    expect(end.stepMs).toBeGreaterThan(10_000);
    expect(await page.getByTestId('status-step').textContent()).toBe('0');
    console.log(`pacing e2e: worst submission ${end.worstSubmitMs.toFixed(0)} ms GPU (${end.timing}), ${end.worstSubmitWallMs.toFixed(0)} ms wall; step ≈ ${(end.stepMs! / 1000).toFixed(0)} s; ${end.submissions} submissions; slowest page answer ${Math.max(...answers)} ms`);
    await page.close();
  });

  it('a small run goes on taking many whole steps per submission, and a single step at a time when paused', async () => {
    const page = await app.open('n=256&d=2&seed=4');
    await page.keyboard.press('ArrowRight');
    await waitFor(page, 'window.__mfl.snapshot.completedSteps === 1 && !window.__mfl.snapshot.inFlight');
    // A small step is never cut into slices.
    expect((await snapshot(page)).midStep).toBe(false);
    await page.locator('[data-action="play"]').click();
    await waitFor(page, 'window.__mfl.snapshot.completedSteps >= 40');
    await page.locator('[data-action="play"]').click();
    await waitFor(page, '!window.__mfl.state.playing && !window.__mfl.snapshot.inFlight');
    const s = await snapshot(page);
    expect(s.midStep).toBe(false);
    expect(s.completedSteps).toBe(s.step);
    await page.close();
  });
});
