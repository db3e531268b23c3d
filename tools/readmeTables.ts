/** `npm run docs:params`: rewrites the parameter table in README.md from the schema. */
import { readFileSync, writeFileSync } from 'node:fs';
import { paramsMarkdownTable } from '../src/physics/params';
import { PROJECT_ROOT } from './browser';

const path = `${PROJECT_ROOT}/README.md`;
const readme = readFileSync(path, 'utf8');
const begin = '<!-- params:begin -->', end = '<!-- params:end -->';
const i = readme.indexOf(begin), j = readme.indexOf(end);
if (i < 0 || j < 0) throw new Error('README.md has no params markers');
writeFileSync(path, readme.slice(0, i + begin.length) + '\n' + paramsMarkdownTable() + '\n' + readme.slice(j));
console.log('README.md parameter table updated');
