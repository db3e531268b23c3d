/**
 * Issue 14 in Node: projector mode in the share link, the first-open preset, chart helpers (≥ 3
 * ticks, no colour twice, dash swatches), the energy references and the export schema.
 */
import { describe, expect, it } from 'vitest';
import { CLASSROOM_PRESETS, FIRST_OPEN_PRESET } from '../../src/state/presets';
import { createAppStore, currentQuery, isBareQuery } from '../../src/state/store';
import { decodeLink, encodeLink, withProjector } from '../../src/state/urlCodec';
import { ColourPicker, PLOT_THEMES, legendSwatch, niceTicks, tickLabels } from '../../src/view/plot';
import { energyVariance, eulerMaruyamaEnergy } from '../../src/view/energyReferences';
import { exportColumnLines, exportColumns, rowsAtInterval } from '../../src/view/exportSchema';

const preset = CLASSROOM_PRESETS[1];

describe('projector mode in the link (hc=1)', () => {
  it('decodes, encodes and keeps the preset', () => {
    const d = decodeLink(`${preset.query}&hc=1`);
    expect(d.highContrast).toBe(true);
    expect(d.messages).toEqual([]);
    expect(encodeLink(d)).toBe(`${preset.query}&hc=1`);
    expect(decodeLink(preset.query).highContrast).toBe(false);
    expect(decodeLink(`${preset.query}&hc=yes`).messages[0]).toMatch(/^hc: got "yes"/);
    expect(withProjector(preset.query, true)).toBe(`${preset.query}&hc=1`);
    const store = createAppStore(`?${preset.query}&hc=1`);
    expect(store.getState().highContrast).toBe(true);
    expect(store.getState().activePreset).toBe(preset.id);
    expect(currentQuery(store.getState())).toBe(`${preset.query}&hc=1`);
    // A preset picked in projector mode stays in projector mode.
    store.getState().applyPreset(CLASSROOM_PRESETS[0].id);
    expect(store.getState().highContrast).toBe(true);
  });

  it('a bare page opens the first-open preset, with the hint', () => {
    for (const q of ['', '?', '?v=1', '?hc=1']) expect(isBareQuery(q)).toBe(true);
    const s = createAppStore('?hc=1').getState();
    expect(s.activePreset).toBe(FIRST_OPEN_PRESET);
    expect(s.firstOpen).toBe(true);
    expect(s.highContrast).toBe(true);
    expect(createAppStore(`?${preset.query}`).getState().firstOpen).toBe(false);
  });
});

describe('chart helpers', () => {
  it('every axis keeps at least 3 tick labels, even when short', () => {
    for (const [lo, hi, px] of [[-4.2, 4.2, 90], [0, 1, 40], [2.9, 3.12, 60], [-1e-4, 3e-4, 30], [0, 1000, 500]] as const) {
      const ticks = niceTicks(lo, hi, px, 70);
      expect(ticks.length, `${lo}..${hi}`).toBeGreaterThanOrEqual(3);
      for (const t of ticks) expect(t).toBeGreaterThanOrEqual(lo - 1e-12);
      expect(new Set(tickLabels(ticks)).size).toBe(ticks.length);
    }
  });

  it('a chart never gets a colour twice', () => {
    for (const th of Object.values(PLOT_THEMES)) {
      const pick = new ColourPicker(th);
      const got = [pick.take(th.components[0]), pick.take(th.components[0]), ...Array.from({ length: 10 }, () => pick.take())];
      expect(new Set(got.map((c) => c.toLowerCase())).size).toBe(got.length);
    }
  });

  it('legend swatches carry the dash pattern', () => {
    expect(decodeURIComponent(legendSwatch('#fff', 2, [6, 4]))).toContain('stroke-dasharray="6 4"');
    expect(decodeURIComponent(legendSwatch('#fff', 2))).not.toContain('dasharray');
  });
});

describe('energy references (γ = 0)', () => {
  it('the replica-mean energy spread grows like 8(1 − 1/d)E²t/(NR) for isotropic data; the EM drift like 4(d−1)²E dt', () => {
    const M = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    expect(energyVariance(3, 512, 8, 3, M, 1)).toBeCloseTo((8 * (2 / 3) * 9) / (512 * 8), 12);
    expect(energyVariance(3, 512, 8, 3, M, 0)).toBe(0);
    expect(eulerMaruyamaEnergy(3, 0.002, 3, 0.79)).toBeCloseTo(3 * Math.exp(16 * 0.002 * 0.79), 12);
  });
});

describe('export schema', () => {
  it('names positions for first-order and torus runs, velocities for Landau', () => {
    expect(exportColumnLines('first-order', 2)[0]).toMatch(/POSITIONS/);
    expect(exportColumnLines('torus', 2)[0]).toMatch(/torus/);
    expect(exportColumnLines('landau', 3)[0]).toMatch(/VELOCITIES/);
    expect(exportColumns('first-order', 2).find((c) => c.name === 'energy')!.holds).toMatch(/positions/);
    expect(exportColumns('landau', 3, 'nanbu_').map((c) => c.name)).toContain('nanbu_momentum_z');
  });

  it('keeps one row per interval of t, and the last', () => {
    const t = Array.from({ length: 50 }, (_, i) => 0.1 + i * 0.013);
    const rows = rowsAtInterval(t, 0.1);
    for (let k = 1; k < rows.length - 1; k++) expect(t[rows[k]] - t[rows[k - 1]]).toBeGreaterThan(0.09);
    expect(rows[rows.length - 1]).toBe(49);
    expect(rowsAtInterval(t, null).length).toBe(50);
  });
});
