// Writes action.yml, the README's input/output tables and docs/rules/*.md (`npm run docs`).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { renderActionYml, renderRulePages, withReadmeTables } from './docs-render.ts';

writeFileSync('action.yml', renderActionYml());
writeFileSync('README.md', withReadmeTables(readFileSync('README.md', 'utf8')));
mkdirSync('docs/rules', { recursive: true });
for (const [file, text] of renderRulePages()) writeFileSync(file, text);
console.log('Wrote action.yml, the tables in README.md and docs/rules/.');
