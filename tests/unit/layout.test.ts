import { describe, expect, it } from 'vitest';
import { StepParamsLayout, packStruct, wgslStruct } from '../../src/gpu/layout';
import { pairBlockFor } from '../../src/gpu/passes/landauStep';
import landauStep from '../../shaders/landau_step.wgsl?raw';

describe('buffer layouts', () => {
  it('StepParams: 10 four-byte fields, offsets 4·index, padded to 48 bytes', () => {
    expect(StepParamsLayout.size).toBe(48);
    expect(StepParamsLayout.fields.map((f) => [f.name, StepParamsLayout.offsets[f.name]])).toEqual([
      ['n', 0], ['replicas', 4], ['step', 8], ['seed', 12], ['dt', 16], ['gamma', 20], ['eps2', 24], ['invN', 28],
      ['groupBase', 32], ['replicaBase', 36],
    ]);
  });

  it('generates the WGSL struct with one documented line per field, in order', () => {
    const text = wgslStruct(StepParamsLayout);
    const lines = text.split('\n').filter((l) => l.includes(':') && l.includes('//'));
    expect(lines.map((l) => l.trim().split(':')[0])).toEqual(StepParamsLayout.fields.map((f) => f.name));
    expect(text).toContain('dt: f32,');
    expect(text).toContain('seed: u32,');
  });

  it('packs little-endian at the declared offsets', () => {
    const buf = new ArrayBuffer(48);
    const view = new DataView(buf);
    packStruct(StepParamsLayout, { n: 4096, replicas: 2, step: 0xffffffff, seed: 7, dt: 0.5, gamma: -3, eps2: 0.01, invN: 1 / 4096, groupBase: 5, replicaBase: 3 }, view);
    expect(view.getUint32(32, true)).toBe(5);
    expect(view.getUint32(36, true)).toBe(3);
    expect(view.getUint32(0, true)).toBe(4096);
    expect(view.getUint32(8, true)).toBe(0xffffffff);
    expect(view.getFloat32(16, true)).toBe(0.5);
    expect(view.getFloat32(20, true)).toBe(-3);
  });

  it('the step shaders take their workgroup from the slice offset (shaders/step_slice.wgsl)', async () => {
    const [firstOrder, torus] = await Promise.all([import('../../shaders/first_order_step.wgsl?raw'), import('../../shaders/torus_step.wgsl?raw')]);
    for (const src of [landauStep, firstOrder.default, torus.default]) {
      const entries = src.match(/@builtin\(workgroup_id\) (\w+)/g) ?? [];
      expect(entries.length).toBeGreaterThan(0);
      // Every entry point names the dispatch's id sliceWid and maps it with globalGroup.
      expect(entries.every((e) => e.endsWith('sliceWid'))).toBe(true);
      expect(src.match(/let wid = globalGroup\(sliceWid\);/g)?.length).toBe(entries.length);
    }
  });

  it('the step shader uses the generated struct rather than declaring its own', () => {
    expect(landauStep).not.toMatch(/struct StepParams/);
    expect(landauStep).toMatch(/var<uniform> P: StepParams/);
  });
});

describe('first-order and torus shaders (issue 5)', () => {
  it('use the generated StepParams struct and the rng.wgsl stream purposes of rng.ts', async () => {
    const [firstOrder, torus, rng] = await Promise.all([
      import('../../shaders/first_order_step.wgsl?raw'),
      import('../../shaders/torus_step.wgsl?raw'),
      import('../../shaders/rng.wgsl?raw'),
    ]);
    for (const src of [firstOrder.default, torus.default]) {
      expect(src).not.toMatch(/struct StepParams/);
      expect(src).toMatch(/var<uniform> P: StepParams/);
    }
    const { Stream } = await import('../../src/physics/rng');
    const wgslStream = (name: string) => Number(rng.default.match(new RegExp(`const ${name}: u32 = (\\d+)u;`))![1]);
    expect(wgslStream('STREAM_NANBU')).toBe(Stream.nanbu);
    expect(wgslStream('STREAM_FIRST_ORDER')).toBe(Stream.firstOrder);
    expect(wgslStream('STREAM_TORUS')).toBe(Stream.torus);
    expect(wgslStream('STREAM_PAIR_ROTATION')).toBe(Stream.pairRotation);
    expect(wgslStream('STREAM_ROTATION_SHARED')).toBe(Stream.rotationShared);
    expect(firstOrder.default).toMatch(/STREAM_FIRST_ORDER/);
    expect(torus.default).toMatch(/STREAM_TORUS/);
  });
});

describe('particles per invocation of the Landau pair sweep (pairBlockFor)', () => {
  it('GPUs and the pair-noise systems: 1; a CPU adapter with nanbu: the largest block leaving a workgroup per core', () => {
    expect(pairBlockFor(65536, 1, 'nanbu', false)).toBe(1);
    expect(pairBlockFor(4096, 1, 'kac', true, 2)).toBe(1);
    // Two-point increments and rotation-shared have cheap pairs again: they block like nanbu (issue 13).
    expect(pairBlockFor(4096, 1, 'kac', true, 2, 'two-point')).toBe(4);
    expect(pairBlockFor(4096, 1, 'rotation-shared', true, 2)).toBe(4);
    expect(pairBlockFor(4096, 1, 'rotation', true, 2)).toBe(1);
    expect(pairBlockFor(4096, 1, 'kac', false, 2, 'two-point')).toBe(1);
    expect(pairBlockFor(4096, 1, 'nanbu', true, 2)).toBe(4); // 8 workgroups of 4·128
    expect(pairBlockFor(4096, 1, 'nanbu', true, 16)).toBe(2); // 16 workgroups of 2·128
    expect(pairBlockFor(1024, 1, 'nanbu', true, 16)).toBe(1);
    expect(pairBlockFor(1024, 8, 'nanbu', true, 16)).toBe(4); // replicas add workgroups
    // One workgroup is the smallest paced submission: at most 2²³ pairs on a CPU adapter.
    expect(pairBlockFor(16384, 16, 'nanbu', true, 2)).toBe(4);
    expect(pairBlockFor(32768, 16, 'nanbu', true, 2)).toBe(2);
    expect(pairBlockFor(65536, 16, 'nanbu', true, 2)).toBe(1);
  });
});
