import { describe, expect, it } from 'vitest';
import { GROWTH, INITIAL_GROUPS, INITIAL_PAIRS, MAX_SUBMIT_MS, Pacer, TARGET_SUBMIT_MS, formatCount, slowStepNote } from '../../src/engine/pacing';

/** A simulated adapter: every workgroup costs `ms` of GPU time. */
function simulate(pacer: Pacer, msPerGroup: number, submissions: number, maxSteps = 64): number[] {
  const times: number[] = [];
  for (let k = 0; k < submissions; k++) {
    const g = pacer.nextGroups(maxSteps);
    const ms = g * msPerGroup;
    pacer.record(g, ms);
    times.push(ms);
  }
  return times;
}

describe('Pacer (issue 10)', () => {
  it('SwiftShader-like adapter at N = 65536, R = 16: every submission stays within the 100 ms budget and settles near 50 ms', () => {
    // One workgroup = 128 particles × 65536 partners; ~1.4e8 pairs/s → 60 ms per workgroup.
    const pairsPerGroup = 128 * 65536;
    const pacer = new Pacer({ groupsPerStep: 512 * 16, pairsPerGroup });
    const times = simulate(pacer, pairsPerGroup / 1.4e8 * 1000, 20);
    expect(Math.max(...times)).toBeLessThanOrEqual(MAX_SUBMIT_MS);
    expect(pacer.nextGroups(64)).toBe(1);
    expect(pacer.stepMs! / 1000).toBeCloseTo((512 * 16 * pairsPerGroup) / 1.4e8, 3);
  });

  it('a fast GPU grows the budget geometrically (at most ×GROWTH per submission) to whole steps, capped by maxSteps', () => {
    const pacer = new Pacer({ groupsPerStep: 32, pairsPerGroup: 128 * 4096 });
    const first = pacer.nextGroups(4);
    expect(first).toBe(Math.min(INITIAL_GROUPS, Math.ceil(INITIAL_PAIRS / (128 * 4096))));
    let last = first;
    for (let k = 0; k < 10; k++) {
      pacer.record(last, last * 1e-4);
      const next = pacer.nextGroups(4);
      // At most ×GROWTH, except that a step that fits the budget is never cut into slices.
      expect(next).toBeLessThanOrEqual(Math.max(GROWTH * last, 32));
      last = next;
    }
    expect(last).toBe(4 * 32);
  });

  it('targets TARGET_SUBMIT_MS once measured, and adapts when the adapter slows down', () => {
    // A step of 4000 workgroups at 0.1 ms each (400 ms) must be sliced to ≈ 50 ms.
    const pacer = new Pacer({ groupsPerStep: 4000, pairsPerGroup: 1e6 });
    simulate(pacer, 0.1, 12, 64);
    expect(pacer.nextGroups(64) * 0.1).toBeCloseTo(TARGET_SUBMIT_MS, -1);
    // Ten times slower (another tab took the GPU): one over-budget submission, then back in budget.
    const times = simulate(pacer, 1, 6, 64);
    expect(times.slice(1).every((t) => t <= MAX_SUBMIT_MS)).toBe(true);
  });

  it('never cuts a step that fits the budget, however noisy the measurements', () => {
    // 4 workgroups of 20 ms: one step = 80 ms ≤ MAX_SUBMIT_MS, so submissions are whole steps.
    const pacer = new Pacer({ groupsPerStep: 4, pairsPerGroup: 1e7 });
    simulate(pacer, 20, 6, 8);
    expect(pacer.nextGroups(8) % 4).toBe(0);
    expect(pacer.nextGroups(8)).toBeGreaterThanOrEqual(4);
  });

  it('many tiny workgroups (N = 8, R = 4096): the first submission is capped in workgroups too, then grows ×GROWTH at most', () => {
    // ≈ 0.6 ms per workgroup whatever its pairs (SwiftShader's fixed cost): 4096 workgroups per step.
    const pacer = new Pacer({ groupsPerStep: 4096, pairsPerGroup: 64 });
    const times = simulate(pacer, 0.6, 8, 4);
    expect(times[0]).toBeLessThanOrEqual(INITIAL_GROUPS * 0.6);
    expect(Math.max(...times)).toBeLessThanOrEqual(MAX_SUBMIT_MS);
  });

  it('rejects a grid without work', () => {
    expect(() => new Pacer({ groupsPerStep: 0, pairsPerGroup: 1 })).toThrow(/groupsPerStep ≥ 1/);
  });

  it('says plainly when a step is slow', () => {
    expect(slowStepNote(12_000, 1 << 20)).toBe('≈ 12 s per step at N·R = 2²⁰ on this adapter');
    expect(slowStepNote(490_000, 1 << 20)).toBe('≈ 8.2 min per step at N·R = 2²⁰ on this adapter');
    expect(slowStepNote(100, 1 << 20)).toBeNull();
    expect(slowStepNote(null, 1 << 20)).toBeNull();
    expect(formatCount(65536 * 16)).toBe('2²⁰');
    expect(formatCount(3000)).toBe('3000');
  });
});
