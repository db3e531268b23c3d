/** `npm run docs:readme`: rewrites README.md's generated blocks (parameter table, presets). */
import { readFileSync, writeFileSync } from 'node:fs';
import { paramsMarkdownTable } from '../src/physics/params';
import { presetsMarkdownList } from '../src/state/presets';
import { PROJECT_ROOT } from './browser';

const path = `${PROJECT_ROOT}/README.md`;
let readme = readFileSync(path, 'utf8');
for (const [name, body] of [['params', paramsMarkdownTable()], ['presets', presetsMarkdownList()]] as const) {
  const begin = `<!-- ${name}:begin -->`, end = `<!-- ${name}:end -->`;
  const i = readme.indexOf(begin), j = readme.indexOf(end);
  if (i < 0 || j < 0) throw new Error(`README.md has no ${name} markers`);
  readme = readme.slice(0, i + begin.length) + '\n' + body + '\n' + readme.slice(j);
}
writeFileSync(path, readme);
console.log('README.md generated blocks updated');
