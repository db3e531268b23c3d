/**
 * The diagnostics views end to end (issues 4, 5, 6), on the built app in headless Chromium with
 * WebGPU on SwiftShader: tiny N, few steps.
 * - Entropy panel: accurate (k-NN, every K steps) and cheap (histogram) estimates appear and
 *   change; the BKW references are drawn when init=bkw, γ = 0; the entropy columns are exported.
 * - Propagation of chaos: live meters with R ≥ 3; a tiny N-sweep (N = 32, 64, R = 4) completes,
 *   draws the log–log plot and a finite slope, in tools/sweep.ts's JSON shape; Cancel stops a
 *   sweep and leaves the engine consistent (buffers back to baseline, the live run plays).
 * - First-order and torus views: vortices coloured by circulation, the Lamb–Oseen overlay, the
 *   Keller–Segel χ marker and virial line, the torus unit cell with H(f|1).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appState, ARTIFACTS, chartRefreshes, ours, setProjector, snapshot, startApp, waitFor, waitReady, waitStep, type E2eApp } from './harness';

let app: E2eApp;
let page: Page;

beforeAll(async () => {
  app = await startApp();
}, 180_000);

afterAll(async () => {
  await app?.close();
});

const BKW = 'v=1&model=landau&d=3&n=96&replicas=4&dt=0.002&seed=3&gamma=0&eps=0.1&noise=nanbu&init=bkw&normalize=1&rng=pcg4d';

async function playUntil(p: Page, condition: string, timeout = 90_000): Promise<void> {
  if (!(await appState(p)).playing) await p.locator('[data-action="play"]').click();
  await waitFor(p, condition, timeout);
  await p.locator('[data-action="play"]').click();
  await waitFor(p, '!window.__mfl.state.playing');
}

describe('entropy panel', () => {
  it('shows accurate and cheap estimates that change, with the BKW references; exports the entropy columns', async () => {
    page = await app.open(BKW);
    const every = page.getByTestId('entropy-every');
    await every.fill('4');
    await every.press('Enter');
    await playUntil(page, 'window.__mfl.snapshot.entropyEstimates >= 4 && window.__mfl.snapshot.cheapRows >= 4 && window.__mfl.snapshot.step >= 20');
    await waitFor(page, '!window.__mfl.snapshot.entropyPending');
    await chartRefreshes(page); // the charts drew the last estimate
    const s = await snapshot(page);
    expect(s.entropyDrawn['entropy:accurate']).toBeGreaterThanOrEqual(3);
    expect(s.entropyDrawn['entropy:cheap']).toBeGreaterThanOrEqual(3);
    expect(s.entropyDrawn['entropy:exact']).toBeGreaterThan(0);
    expect(s.entropyDrawn['fisher:exact']).toBeGreaterThan(0);
    expect(s.entropyDrawn['fisher:kdeExpected']).toBeGreaterThanOrEqual(3);
    expect(s.entropyDrawn['relative:upper']).toBeGreaterThan(0); // R = 4: the ±1 SE band
    const legend = (await page.getByTestId('entropy').textContent())!;
    expect(legend).toContain('accurate, k-NN');
    expect(legend).toContain('cheap, histogram');
    expect(legend).toContain('exact BKW H(t)');
    expect(legend).toContain('exact BKW I(t)');
    expect(legend).toContain('Î_SM expected on BKW');
    expect(legend).toContain('H(M), Maxwellian equilibrium');
    expect(legend).toContain('±1 SE across 4 replicas');

    const json = JSON.parse((await page.evaluate(() => window.__mfl.curvesJson()))!);
    const H: (number | null)[] = json.columns.entropy;
    const finite = H.filter((x): x is number => x !== null);
    expect(finite.length).toBeGreaterThanOrEqual(3);
    expect(new Set(finite).size).toBeGreaterThan(1); // the curve changes
    // H = ∫ f log f of BKW data at N = 96 (k-NN bias ≈ +0.05): near the exact −4.19…−4.25.
    for (const x of finite) expect(Math.abs(x + 4.22)).toBeLessThan(0.35);
    expect(json.columns.fisher.filter((x: number | null) => x !== null).length).toBe(finite.length);
    expect(json.columns.entropyCheap.filter((x: number | null) => x !== null).length).toBeGreaterThanOrEqual(3);
    expect(json.entropy.accurate.everySteps).toBe(4);
    const csv = (await page.evaluate(() => window.__mfl.curvesCsv()))!;
    const header = csv.split('\n').find((l) => l.startsWith('t,'))!.split(',');
    for (const c of ['entropy', 'entropyStdErr', 'relativeEntropy', 'fisher', 'fisherBandwidth', 'entropyCheap', 'relativeEntropyCheap']) expect(header).toContain(c);

    // Log scale for H(f|M): the chart is rebuilt, the data stays.
    await page.getByTestId('entropy-log').check();
    await waitFor(page, 'document.querySelector(".entropy-relative .u-title")?.textContent.includes("log scale")', 10_000);
    await page.getByTestId('entropy-log').uncheck();
    await page.locator('.panel-entropy').screenshot({ path: join(ARTIFACTS, 'e2e-entropy-bkw.png') });
    expect(s.validationErrors).toEqual([]);
  });
});

describe('propagation of chaos', () => {
  it('live meters with R ≥ 3, against the exact laws', async () => {
    await waitFor(page, 'window.__mfl.snapshot.chaos !== null && window.__mfl.snapshot.chaos.l1 !== null && window.__mfl.snapshot.chaos.pairEntropy !== null', 30_000);
    // The store publishes the meters a few times a second: wait for them on the page.
    await waitFor(page, 'window.__mfl.store.getState().chaos?.l1 != null && window.__mfl.store.getState().chaos?.pairEntropy != null');
    await page.getByTestId('meter-pair-energy').filter({ hasText: '±' }).waitFor();
    const meters = page.getByTestId('chaos-meters');
    expect(await meters.textContent()).toContain('across R = 4 replicas');
    expect(await page.getByTestId('meter-pair-energy').textContent()).toMatch(/±/);
    expect(await page.getByTestId('meter-spread-exact').count()).toBe(1);
    expect(await page.getByTestId('meter-l1').textContent()).toContain('BKW exact solution');
    // Two-marginal relative entropy: a finite estimate with its SE, the estimator named, and the
    // constraint value (d+1)/(2(N−1)²) of normalize=1 beside it.
    const pe = (await snapshot(page)).chaos!.pairEntropy!;
    expect(Number.isFinite(pe.value) && pe.stdErr > 0).toBe(true);
    expect(pe.perReplica).toBe(96);
    const text = (await page.getByTestId('meter-pair-entropy').textContent())!;
    expect(text).toMatch(/±/);
    expect(text).toContain('polynomials of degree ≤ 2');
    expect(Number((await page.getByTestId('meter-pair-entropy-floor').textContent())!)).toBeCloseTo(4 / (2 * 95 ** 2), 6);
  });

  it('a tiny N-sweep completes: log–log plot, finite slope, tools/sweep.ts JSON; no leaked buffers', async () => {
    const base = ours((await snapshot(page)).liveBufferLabels);
    await page.getByTestId('sweep-ns').fill('32,64');
    await page.getByTestId('sweep-quantity').selectOption('mean-velocity-spread');
    await page.getByTestId('sweep-t').fill('0.02');
    await page.getByTestId('sweep-replicas').fill('4');
    await page.locator('[data-action="sweep-run"]').click();
    await waitFor(page, 'window.__mfl.store.getState().sweep?.running === true', 10_000);
    await waitFor(page, 'window.__mfl.store.getState().sweep?.running === false && window.__mfl.store.getState().sweepResult !== null', 120_000);
    const out = await page.evaluate(() => window.__mfl.store.getState().sweepResult!);
    expect(out.quantity).toBe('mean-velocity-spread');
    expect(out.steps).toBe(10);
    expect(out.points!.map((p) => p.n)).toEqual([32, 64]);
    expect(Number.isFinite(out.slope)).toBe(true);
    expect(Number.isFinite(out.slopeStdErr)).toBe(true);
    expect(out.theory!.slope).toBeCloseTo(-1, 1);
    expect(out.theoryRates.map((r) => r.slope)).toEqual([-1, -0.5]);
    expect(out.params.replicas).toBe(4);
    expect(out.cancelled).toBeUndefined();
    // The plot: a uPlot with log scales and the two points with error bars.
    await waitFor(page, 'document.querySelector("[data-testid=sweep-plot] .uplot canvas") !== null', 10_000);
    expect(await page.getByTestId('sweep-plot').textContent()).toContain('theory rate O(1/N)');
    expect(await page.getByTestId('sweep-slope-value').first().textContent()).toMatch(/^-?\d+\.\d{3} ± \d+\.\d{3}$/);
    const after = await snapshot(page);
    expect(ours(after.liveBufferLabels)).toBe(base);
    expect(after.validationErrors).toEqual([]);
    await page.locator('.panel-chaos').screenshot({ path: join(ARTIFACTS, 'e2e-chaos-sweep.png') });
    // The projector theme redraws the sweep plot and the entropy charts.
    await page.setViewportSize({ width: 1600, height: 1400 });
    await setProjector(page, true);
    await page.locator('.panel-chaos').scrollIntoViewIfNeeded();
    await page.locator('.panel-chaos').screenshot({ path: join(ARTIFACTS, 'e2e-chaos-sweep-high-contrast.png') });
    await page.locator('.panel-entropy').scrollIntoViewIfNeeded();
    await page.locator('.panel-entropy').screenshot({ path: join(ARTIFACTS, 'e2e-entropy-bkw-high-contrast.png') });
    await setProjector(page, false);
    await page.setViewportSize({ width: 1600, height: 1000 });
  });

  it('Cancel stops a sweep between runs and leaves the engine consistent', async () => {
    const base = ours((await snapshot(page)).liveBufferLabels);
    await page.getByTestId('sweep-ns').fill('64,128,256');
    await page.getByTestId('sweep-t').fill('2');
    await page.locator('[data-action="sweep-run"]').click();
    await waitFor(page, 'window.__mfl.store.getState().sweep?.running === true && window.__mfl.store.getState().sweep.pointFraction > 0', 60_000);
    // The live run does not step while the sweep holds the GPU.
    expect(await page.locator('[data-action="play"]').isDisabled()).toBe(true);
    const step = (await snapshot(page)).step;
    await page.locator('[data-action="sweep-cancel"]').click();
    await waitFor(page, 'window.__mfl.store.getState().sweep?.running === false', 60_000);
    const out = await page.evaluate(() => window.__mfl.store.getState().sweepResult!);
    expect(out.cancelled).toBe(true);
    expect(out.points!.length).toBeLessThan(3);
    expect(await page.getByTestId('sweep-table').textContent()).toContain('Cancelled');
    expect((await snapshot(page)).step).toBe(step);
    await waitFor(page, `(${ours.toString()})(window.__mfl.snapshot.liveBufferLabels) === ${base}`, 10_000);
    // The live run plays again.
    await playUntil(page, `window.__mfl.snapshot.step >= ${step + 4}`);
    expect((await snapshot(page)).validationErrors).toEqual([]);
    await page.close();
  });

  it('γ = −3, isotropic data: the live L1 and the overlays use the deterministic limit (issue 12)', async () => {
    const p = await app.open('v=1&model=landau&d=3&n=32&replicas=4&dt=0.005&seed=5&gamma=-3&eps=0.1&noise=kac&init=gaussian&normalize=1&rng=pcg4d');
    await playUntil(p, 'window.__mfl.snapshot.step >= 6 && window.__mfl.snapshot.chaos !== null && window.__mfl.snapshot.chaos.l1 !== null');
    const l1 = (await snapshot(p)).chaos!.l1!;
    expect(l1.reference).toContain('limit equation, deterministic, 320 cells');
    expect(Number.isFinite(l1.value) && l1.stdErr > 0).toBe(true);
    await p.locator('.marginal-legend').filter({ hasText: 'limit equation, deterministic, 320 cells' }).first().waitFor();
    await p.close();
  });

  it('the limit solve redraws the marginals once when it reaches the histogram, not once per snapshot (issue 10)', async () => {
    // Paused at step 0 of an isotropic BKW link: the worker sends ~100 snapshots (one per 0.01 of
    // time). A redraw per snapshot kept the page from answering for 5–7 s on SwiftShader.
    const p = await app.open('v=1&model=landau&d=3&n=256&replicas=1&dt=0.001&seed=3&gamma=0&eps=0.1&noise=nanbu&init=bkw&normalize=1&rng=pcg4d');
    await waitFor(p, 'window.__mfl.snapshot.histogramVersion >= 1');
    // The first solve runs to t₀ + 1, far past the histogram's t₀: all its snapshots have arrived.
    await waitFor(p, 'window.__mfl.snapshot.limitEndTime !== null && window.__mfl.snapshot.limitEndTime > 1 && !window.__mfl.snapshot.limitSolving');
    await p.locator('[data-limit="drawn"]').first().waitFor();
    // Every marginal chart has the limit's curve, and the solve went past the histogram's t.
    expect(await p.locator('[data-limit="pending"]').count()).toBe(0);
    expect(await p.locator('[data-limit="drawn"]').count()).toBe(4);
    // Draws while paused: the histogram, its refresh with the particle moments, the limit once
    // (and one more where the first solve is replaced). One per snapshot would be about 100.
    expect((await snapshot(p)).histogramVersion).toBeLessThanOrEqual(5);
    expect((await appState(p)).playing).toBe(false);
    await p.close();
  });

  it('no exact reference and no deterministic limit (anisotropic, γ = −3): the live L1 against a large-N run at the current t; a pair-entropy sweep draws O(1/N²)', async () => {
    const p = await app.open('v=1&model=landau&d=3&n=32&replicas=4&dt=0.005&seed=5&gamma=-3&eps=0.1&noise=kac&init=aniso&temp=0.5,1,1.5&normalize=1&rng=pcg4d');
    await playUntil(p, 'window.__mfl.snapshot.step >= 6 && window.__mfl.snapshot.chaos !== null && window.__mfl.snapshot.chaos.l1Note !== null');
    // The page shows the note once the store publishes the meters (a few times a second).
    await p.getByTestId('meter-l1-note').filter({ hasText: 'No exact reference' }).waitFor();
    const step = (await snapshot(p)).step;
    await p.locator('[data-action="l1-large-n"]').click();
    await waitFor(p, 'window.__mfl.snapshot.chaos.l1 !== null && window.__mfl.snapshot.chaos.l1.snapshot === true && !window.__mfl.store.getState().sweep.running', 60_000);
    const l1 = (await snapshot(p)).chaos!.l1!;
    expect(l1.reference).toContain('large-N run (N = 128, R = 4, independent seed)');
    expect(l1.t).toBeCloseTo(step * 0.005, 10); // the live run did not move meanwhile
    expect(Number.isFinite(l1.value) && l1.stdErr > 0).toBe(true);
    // The store publishes the meters a few times a second.
    await waitFor(p, 'document.querySelector("[data-testid=meter-l1-snapshot-t]") !== null', 5_000);
    expect(await p.getByTestId('meter-l1').textContent()).toContain('a snapshot at t =');
    // The snapshot survives the live meters' next refreshes.
    const readbacks = (await snapshot(p)).marginalReadbacks;
    await waitFor(p, `window.__mfl.snapshot.marginalReadbacks >= ${readbacks + 2}`);
    expect((await snapshot(p)).chaos!.l1!.snapshot).toBe(true);

    await p.getByTestId('sweep-ns').fill('16,32');
    await p.getByTestId('sweep-quantity').selectOption('pair-entropy');
    await p.getByTestId('sweep-t').fill('0.01');
    await p.getByTestId('sweep-replicas').fill('16');
    await p.locator('[data-action="sweep-run"]').click();
    await waitFor(p, 'window.__mfl.store.getState().sweep?.running === false && window.__mfl.store.getState().sweepResult?.quantity === "pair-entropy"', 60_000);
    const out = await p.evaluate(() => window.__mfl.store.getState().sweepResult!);
    expect(out.theoryRates.map((r) => r.slope)).toEqual([-2, -1]);
    expect(out.estimator).toContain('polynomials of degree ≤ 2');
    for (const pt of out.points!) expect(pt.value > 0 && pt.stdErr > 0).toBe(true);
    await waitFor(p, 'document.querySelector("[data-testid=sweep-plot] .uplot canvas") !== null', 10_000);
    expect(await p.getByTestId('sweep-plot').textContent()).toContain('theory rate O(1/N²)');
    expect(await p.getByTestId('sweep-table').textContent()).toContain('Estimator:');
    await p.locator('.panel-chaos').screenshot({ path: join(ARTIFACTS, 'e2e-chaos-pair-entropy.png') });
    expect((await snapshot(p)).validationErrors).toEqual([]);
    await p.close();
  });
});

describe('first-order and torus views', () => {
  it('vortices: circulation colours, Lamb–Oseen overlays and the exact second-moment line', async () => {
    const p = await app.open('v=1&model=first-order&d=2&n=128&replicas=1&dt=0.01&seed=1&kernel=biot-savart&circ=plus&chi=5&eps=0.02&sigma=0.25&init=gaussian&width=1&normalize=1&rng=pcg4d');
    expect(await p.locator('.cloud-legend').textContent()).toContain('circulation m');
    expect(await p.locator('.marginal-legend').textContent()).toContain('Lamb–Oseen');
    expect(await p.locator('.curve-energy').textContent()).toContain('m₀ + 4σt');
    await playUntil(p, 'window.__mfl.snapshot.step >= 12 && window.__mfl.snapshot.entropyEstimates >= 1 && window.__mfl.snapshot.cheapRows >= 2');
    const s = await snapshot(p);
    expect(s.entropyDrawn['entropy:exact']).toBeGreaterThan(0);
    expect(await p.getByTestId('entropy').textContent()).toContain('Lamb–Oseen');
    await p.locator('.panel-cloud').screenshot({ path: join(ARTIFACTS, 'e2e-lamb-oseen-cloud.png') });
    await p.locator('.panel-marginals').screenshot({ path: join(ARTIFACTS, 'e2e-lamb-oseen-marginals.png') });
    // Mixed circulations: the colours of both signs.
    await p.evaluate(() => window.__mfl.store.getState().openLink('v=1&model=first-order&d=2&n=128&kernel=biot-savart&circ=pm&chi=5&eps=0.05&sigma=0.01&init=gaussian&width=1&dt=0.005'));
    await waitReady(p);
    await waitFor(p, 'window.__mfl.snapshot.cloudFrames > 2');
    await p.locator('.panel-cloud').screenshot({ path: join(ARTIFACTS, 'e2e-vortices-pm-cloud.png') });
    expect(s.validationErrors).toEqual([]);
    await p.close();
  });

  it('Keller–Segel: the χ control marks 8πσ; the supercritical preset runs and its virial line reaches 0 at t*', async () => {
    const p = await app.open('v=1&model=first-order&d=2&n=96&dt=0.002&kernel=coulomb&sign=attractive&chi=12&eps=0&sigma=1&init=gaussian&width=1');
    await p.getByTestId('chi-critical-marker').waitFor();
    expect(await p.getByTestId('chi-regime').textContent()).toMatch(/subcritical/);
    expect(await p.getByTestId('chi-critical-marker').textContent()).toContain('8πσ = 25.13');
    // The supercritical preset from its button.
    const builds = (await snapshot(p)).buildCount;
    await p.locator('[data-preset="keller-segel-super"]').click();
    await waitFor(p, `window.__mfl.snapshot.buildCount > ${builds} && window.__mfl.snapshot.ready`);
    expect(await p.getByTestId('chi-regime').textContent()).toMatch(/supercritical/);
    expect(await p.locator('.curve-energy').textContent()).toMatch(/0 at t\* ≈ \d/);
    await waitStep(p, 3);
    await waitFor(p, 'window.__mfl.snapshot.curvePoints >= 2 && window.__mfl.snapshot.lastHistogramStep > 0');
    await p.locator('[data-action="play"]').click();
    expect((await appState(p)).error).toBeNull();
    await p.locator('[data-param="chi"]').screenshot({ path: join(ARTIFACTS, 'e2e-keller-segel-chi.png') });
    await p.locator('.panel-curves').screenshot({ path: join(ARTIFACTS, 'e2e-keller-segel-curves.png') });
    expect((await snapshot(p)).validationErrors).toEqual([]);
    await p.close();
  });

  it('torus: the unit cell, marginals on [0, 1) against the uniform law, H(f|1) over time', async () => {
    const p = await app.open('v=1&model=torus&d=2&n=128&dt=0.002&lambda=0.05&kappa=1&init=cosine&amp=0.8');
    const s0 = await snapshot(p);
    expect(s0.histogramCenter).toBe(0.5);
    expect(await p.locator('.marginal-legend').textContent()).toContain('uniform equilibrium');
    expect(await p.locator('.cloud-legend').textContent()).toContain('cell centre');
    await p.evaluate(() => window.__mfl.store.getState().setStepsPerFrame(12));
    await playUntil(p, 'window.__mfl.snapshot.step >= 100 && window.__mfl.snapshot.cheapRows >= 4');
    await chartRefreshes(p);
    const s = await snapshot(p);
    expect(s.entropyDrawn['relative:cheap']).toBeGreaterThanOrEqual(3);
    expect(s.entropyDrawn['relative:exact']).toBeGreaterThan(0);
    expect(s.entropyDrawn['mode:mode']).toBeGreaterThanOrEqual(3);
    expect(s.entropyDrawn['mode:modeExact']).toBeGreaterThan(0);
    expect(s.entropyEstimates).toBe(0); // no k-NN on the torus: said so in the panel
    expect(await p.getByTestId('entropy').textContent()).toMatch(/not available on the torus/);
    // All particles are binned inside the cell.
    expect(s.histogramOverflow.slice(0, 2)).toEqual([0, 0]);
    await p.screenshot({ path: join(ARTIFACTS, 'e2e-torus.png') });
    await p.locator('.panel-entropy').screenshot({ path: join(ARTIFACTS, 'e2e-torus-entropy.png') });
    expect(s.validationErrors).toEqual([]);
    await p.close();
  });

  it('no page errors', () => {
    expect(app.errors).toEqual([]);
  });
});
