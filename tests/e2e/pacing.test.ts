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
  it('N = 65536, R = 16: submissions stay short, Pause stops the GPU work within 1 s, the page answers within 1 s', async () => {
    const page = await app.open('n=65536&replicas=16&d=3&gamma=-3&eps=0.1&noise=nanbu&seed=3');
    const probe = () => {
      const s = window.__mfl.snapshot!;
      return { playing: window.__mfl.state.playing, completed: s.completedSteps, submissions: s.submissions, inFlight: s.inFlight, worst: s.worstSubmitMs, stepMs: s.stepMs, midStep: s.midStep, timing: s.timing };
    };
    const answers: number[] = [];
    await page.locator('[data-action="play"]').click();
    // Play for 2 s, probing the page all along.
    const t0 = Date.now();
    while (Date.now() - t0 < 2000) answers.push((await timed(page, probe)).ms);
    // The run advanced by slices of a step: several submissions, no step completed yet.
    await waitFor(page, 'window.__mfl.snapshot.submissions >= 3', 30_000);
    const before = await snapshot(page);
    expect(before.completedSteps).toBe(0);
    expect(before.midStep).toBe(true);
    await page.locator('[data-action="play"]').click();
    const pausedAt = Date.now();
    // Within 1 s: not playing, and no submission left on the GPU.
    let settled: ReturnType<typeof probe> | null = null;
    while (Date.now() - pausedAt < 1000) {
      const r = await timed(page, probe);
      answers.push(r.ms);
      if (!r.value.playing && !r.value.inFlight) {
        settled = r.value;
        break;
      }
    }
    expect(settled, 'the GPU work stopped within 1 s of Pause').not.toBeNull();
    const settledAt = Date.now();
    // …and stays stopped: the counters do not move once settled (polled for 1 s, on state).
    while (Date.now() - settledAt < 1000) {
      const r = await timed(page, probe);
      answers.push(r.ms);
      expect(r.value.submissions).toBe(settled!.submissions);
      expect(r.value.completed).toBe(settled!.completed);
    }
    expect(Math.max(...answers), 'page evaluations answer within 1 s').toBeLessThan(1000);
    // No submission longer than the budget (≈ 100 ms; one workgroup of 128 × 65536 pairs is the
    // smallest unit, ≈ 60–150 ms on two SwiftShader cores), and the status line says why it is slow.
    const end = await snapshot(page);
    expect(end.worstSubmitMs).toBeLessThan(400);
    expect(end.stepMs).toBeGreaterThan(10_000);
    expect(await page.getByTestId('status-slow').textContent()).toMatch(/per step at N·R = 2²⁰ on this adapter/);
    expect(await page.getByTestId('status-step').textContent()).toBe('0');
    console.log(`pacing e2e: worst submission ${end.worstSubmitMs.toFixed(0)} ms (${end.timing}), step ≈ ${(end.stepMs! / 1000).toFixed(0)} s, ${end.submissions} submissions, slowest page answer ${Math.max(...answers)} ms`);
    await page.close();
  });

  it('a small run goes on taking many whole steps per submission, and a single step at a time when paused', async () => {
    const page = await app.open('n=256&d=2&seed=4');
    await page.keyboard.press('ArrowRight');
    await waitFor(page, 'window.__mfl.snapshot.completedSteps === 1 && !window.__mfl.snapshot.inFlight');
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
