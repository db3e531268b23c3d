import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { paramsMarkdownTable } from '../../src/physics/params';

describe('README', () => {
  it('documents every share-link parameter exactly as the schema defines it (npm run docs:params)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const m = readme.match(/<!-- params:begin -->\n([\s\S]*?)\n<!-- params:end -->/);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(paramsMarkdownTable());
  });
});
