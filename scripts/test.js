// Runs the test suite and ends with the plain "N passed, N failed" line that CI reads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'bulkhead-test-'));
const jsonFile = join(dir, 'results.json');
const run = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const results = JSON.parse(readFileSync(jsonFile, 'utf8'));
  passed = results.numPassedTests;
  // A test file that failed to load has no tests of its own: count it as one failure.
  const brokenFiles = (results.testResults ?? []).filter((file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0).length;
  failed = results.numFailedTests + brokenFiles;
  skipped = results.numPendingTests + results.numTodoTests;
} catch {
  failed = Math.max(1, failed);
}
rmSync(dir, { recursive: true, force: true });
const ok = run.status === 0 && failed === 0 && passed > 0;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(ok ? 0 : 1);
