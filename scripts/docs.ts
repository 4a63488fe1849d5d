// Writes action.yml and the README's input/output tables (`npm run docs`).
import { readFileSync, writeFileSync } from 'node:fs';
import { renderActionYml, withReadmeTables } from './docs-render.ts';

writeFileSync('action.yml', renderActionYml());
writeFileSync('README.md', withReadmeTables(readFileSync('README.md', 'utf8')));
console.log('Wrote action.yml and the tables in README.md.');
