// Runs the checks and test suites and ends with the one plain "N passed, N failed" line CI reads.
//   node scripts/test.js                 the fast suite
//   node scripts/test.js --integration   the real-component suite
//   node scripts/test.js --ci            typecheck, lint, format, import rules, both suites (coverage of the fast one)
// Extra arguments after -- go to vitest (e.g. a file filter).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const flags = new Set(split >= 0 ? argv.slice(0, split) : argv);
const vitestArgs = split >= 0 ? argv.slice(split + 1) : [];
const ci = flags.has('--ci');
const suites = ci ? ['fast', 'integration'] : flags.has('--integration') ? ['integration'] : ['fast'];
const coverage = ci || flags.has('--coverage');

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

/** A check is one test: it passes when its command exits 0. */
function check(name, command, args) {
  console.log(`\n== ${name}: ${command} ${args.join(' ')}`);
  const run = spawnSync(command, args, { stdio: 'inherit' });
  if (run.status === 0) passed++;
  else {
    failed++;
    failures.push(name);
  }
}

function suite(name, config) {
  console.log(`\n== ${name} suite (${config})`);
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-test-'));
  const jsonFile = join(dir, 'results.json');
  const run = spawnSync(
    process.execPath,
    [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--config',
      config,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${jsonFile}`,
      // Coverage only where it is cheap: V8's block coverage deoptimizes the code it watches, which
      // makes the integration suite's big-log validation several times slower.
      ...(coverage && config === 'vitest.config.ts' ? ['--coverage.enabled'] : []),
      ...vitestArgs,
    ],
    { stdio: 'inherit' },
  );
  let ok = run.status === 0;
  try {
    const results = JSON.parse(readFileSync(jsonFile, 'utf8'));
    passed += results.numPassedTests;
    // A test file that failed to load has no tests of its own: count it as one failure.
    const brokenFiles = (results.testResults ?? []).filter(
      (file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0,
    ).length;
    failed += results.numFailedTests + brokenFiles;
    skipped += results.numPendingTests + results.numTodoTests;
    if (results.numFailedTests + brokenFiles > 0) ok = false;
    if (results.numTotalTests === 0 && vitestArgs.length === 0) ok = false;
  } catch {
    ok = false;
    failed++;
  }
  if (!ok) failures.push(`${name} suite`);
  rmSync(dir, { recursive: true, force: true });
}

const bin = (name) => join('node_modules', '.bin', name);
if (ci) {
  check('typecheck', bin('tsc'), ['-p', 'tsconfig.check.json']);
  check('eslint (zero warnings)', bin('eslint'), ['--max-warnings', '0', '.']);
  check('prettier', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
  check('import rules (no cycles, one-way folders)', bin('depcruise'), ['src', '--config', '.dependency-cruiser.cjs']);
}
for (const name of suites) suite(name, name === 'fast' ? 'vitest.config.ts' : 'vitest.itg.config.ts');

if (failures.length > 0) console.log(`\nFailed: ${failures.join(', ')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failures.length === 0 && failed === 0 && passed > 0 ? 0 : 1);
