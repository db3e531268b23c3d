import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { paramsMarkdownTable } from '../../src/physics/params';
import { presetsMarkdownList } from '../../src/state/presets';

describe('README', () => {
  it('lists the classroom presets exactly as src/state/presets.ts defines them (npm run docs:readme)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const m = readme.match(/<!-- presets:begin -->\n([\s\S]*?)\n<!-- presets:end -->/);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(presetsMarkdownList());
  });

  it('documents every share-link parameter exactly as the schema defines it (npm run docs:readme)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const m = readme.match(/<!-- params:begin -->\n([\s\S]*?)\n<!-- params:end -->/);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(paramsMarkdownTable());
  });
});
