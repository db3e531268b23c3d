/**
 * The layers (README "Architecture"; conventions.md): every import in src/ must go from a layer
 * to one below it. physics → gpu → engine → (view, state) → app → ui → main.tsx; headless (the
 * runner's page) sits on engine. A forbidden import fails here with the file and the line.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** Which src/ folders each layer may import (besides itself). */
export const ALLOWED: Record<string, readonly string[]> = {
  physics: [],
  gpu: ['physics'],
  engine: ['physics', 'gpu'],
  headless: ['physics', 'gpu', 'engine'],
  view: ['physics', 'gpu', 'engine'],
  state: ['physics', 'engine'],
  app: ['physics', 'gpu', 'engine', 'view', 'state'],
  ui: ['physics', 'gpu', 'engine', 'view', 'state', 'app'],
  '(root)': ['physics', 'gpu', 'engine', 'view', 'state', 'app', 'ui', 'headless'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx)$/.test(f) ? [p] : [];
  });
}

function layerOf(file: string): string {
  const rel = relative(SRC, file).split(sep);
  return rel.length === 1 ? '(root)' : rel[0];
}

/** Relative specifiers of static imports, re-exports, dynamic imports and `new URL(…)` (workers). */
export function importsOf(text: string): { spec: string; line: number }[] {
  const out: { spec: string; line: number }[] = [];
  const re = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|new\s+URL\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const m of text.matchAll(re)) out.push({ spec: m[1], line: text.slice(0, m.index).split('\n').length });
  return out;
}

/** Forbidden imports of one file, as 'file:line → target (layer)'. */
export function violations(file: string, text: string): string[] {
  const from = layerOf(file);
  const allowed = new Set([from, ...(ALLOWED[from] ?? [])]);
  const bad: string[] = [];
  for (const { spec, line } of importsOf(text)) {
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(SRC + sep)) continue; // shaders/, node_modules
    const to = layerOf(target);
    if (!allowed.has(to)) bad.push(`${relative(SRC, file)}:${line} imports ${spec} (${from} → ${to})`);
  }
  return bad;
}

describe('layering of src/', () => {
  it('every folder of src/ is a known layer', () => {
    const layers = new Set(files(SRC).map(layerOf));
    for (const l of layers) expect(Object.keys(ALLOWED)).toContain(l);
  });

  it('no file imports a layer above its own', () => {
    const bad = files(SRC).flatMap((f) => violations(f, readFileSync(f, 'utf8')));
    expect(bad).toEqual([]);
  });

  it('the check catches a forbidden import (engine → view, physics → gpu, app → ui)', () => {
    expect(violations(join(SRC, 'engine/x.ts'), "import { CloudView } from '../view/cloudView';")).toHaveLength(1);
    expect(violations(join(SRC, 'physics/a/b.ts'), "const m = await import('../../gpu/layout');")).toHaveLength(1);
    expect(violations(join(SRC, 'app/x.ts'), "export { App } from '../ui/App';")).toHaveLength(1);
    expect(violations(join(SRC, 'ui/x.ts'), "import type { Run } from '../app/run';")).toEqual([]);
  });
});
