// Bundles the action (dist/) and the CLI (dist/cli/) with ncc, and writes each bundle's
// licenses.txt from ncc's module stats: every package that ends up in any chunk, with its license
// text. (ncc's own --license misses packages that only lazily loaded chunks hold.)
// Usage: node scripts/build.js [OUT_DIR]   (default: dist)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const out = resolve(process.argv[2] ?? 'dist');
const ncc = resolve('node_modules/@vercel/ncc/dist/ncc/cli.js');
const work = mkdtempSync(join(tmpdir(), 'bulkhead-build-'));

/** Package directories named in the stats, first path first: node_modules/(@scope/)name, nested ones kept whole. */
function packagesOf(stats) {
  const dirs = new Map();
  const visit = (modules) => {
    for (const module of modules ?? []) {
      const name = module.name ?? module.identifier ?? '';
      const match = /^(?:.*?\/)?((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(
        name.replace(/^\.\//, ''),
      );
      if (match && !dirs.has(match[2])) dirs.set(match[2], match[1]);
      visit(module.modules);
    }
  };
  visit(stats.modules);
  for (const chunk of stats.chunks ?? []) visit(chunk.modules);
  return [...dirs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function licenseText(dir) {
  const file = readdirSync(dir).find((f) => /^(licen[sc]e|copying)(\.(md|txt))?$/i.test(f));
  return file ? readFileSync(join(dir, file), 'utf8').trim() : '';
}

for (const [entry, dir] of [
  ['src/main.ts', out],
  ['src/cli.ts', join(out, 'cli')],
]) {
  // ncc adds to its output folder and never empties it: chunks of an earlier build would stay.
  if (existsSync(dir)) for (const name of readdirSync(dir)) if (statSync(join(dir, name)).isFile()) rmSync(join(dir, name));
  const stats = join(work, `${entry.replace(/\W/g, '_')}.json`);
  const built = spawnSync(process.execPath, [ncc, 'build', entry, '-o', dir, '--stats-out', stats], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const sections = packagesOf(JSON.parse(readFileSync(stats, 'utf8'))).map(([name, path]) => {
    const pkg = existsSync(join(path, 'package.json')) ? JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) : {};
    const license = typeof pkg.license === 'string' ? pkg.license : 'UNKNOWN';
    return `${name}\n${license}\n${licenseText(path)}`.trimEnd();
  });
  writeFileSync(join(dir, 'licenses.txt'), `${sections.join('\n\n')}\n`);
}
