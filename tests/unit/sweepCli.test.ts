/**
 * `npm run sweep` (tools/sweep.ts) end to end on the float64 engine: the JSON of issue 6
 * ({ params, quantity, t, points: [{ n, value, stdErr }], slope, slopeStdErr, … }), and exit
 * status 2 with a message naming the flag on bad input.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const TSX = join(process.cwd(), 'node_modules/.bin/tsx');

async function sweep(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(TSX, ['tools/sweep.ts', ...args], { cwd: process.cwd(), timeout: 120_000 });
    return { code: 0, ...r };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('npm run sweep --engine cpu', () => {
  it('writes the sweep JSON: points, slope and the estimator of pair-entropy', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mfl-sweep-')), 'sweep.json');
    const r = await sweep(['d=3&gamma=0&noise=kac&dt=0.01&normalize=1&seed=4', '--n', '16,32', '--t', '0.05', '--replicas', '32', '--quantity', 'pair-entropy', '--engine', 'cpu', '--out', out]);
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.quantity).toBe('pair-entropy');
    expect(j.t).toBe(0.05);
    expect(j.steps).toBe(5);
    expect(j.engine).toBe('cpu');
    expect(j.params.noise).toBe('kac');
    expect(j.points.map((p: { n: number }) => p.n)).toEqual([16, 32]);
    for (const p of j.points) expect(p.value > 0 && p.stdErr > 0).toBe(true);
    expect(Number.isFinite(j.slope) && j.slopeStdErr > 0).toBe(true);
    expect(j.theoryRates[0].slope).toBe(-2);
    expect(j.estimator).toContain('polynomials of degree ≤ 2');
    expect(r.stdout).toContain('kac: slope');
  });

  it('exits 2 naming the flag or the field on bad input', async () => {
    const bad = await sweep(['d=3', '--n', '16,32', '--t', '0.05', '--quantity', 'entropy', '--out', '/dev/null']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--quantity: expected one of');
    const torus = await sweep(['model=torus', '--n', '16,32', '--t', '0.05', '--quantity', 'mean-velocity-spread', '--engine', 'cpu', '--out', '/dev/null']);
    expect(torus.code).toBe(2);
    expect(torus.stderr).toContain('quantity: mean-velocity-spread has no meaning on the torus');
    const param = await sweep(['d=5', '--n', '16,32', '--t', '0.05', '--out', '/dev/null']);
    expect(param.code).toBe(2);
    expect(param.stderr).toMatch(/^invalid parameters:\n\s+d:/);
  });
});
