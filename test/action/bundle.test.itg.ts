import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers.js';
import { EXAMPLE_INPUTS, runActionBundle } from '../support/action.js';

describe('the bundled action, run as a runner runs it', () => {
  it('node dist/index.js: outputs to GITHUB_OUTPUT, the summary to GITHUB_STEP_SUMMARY, annotations and the exit code', async () => {
    const run = await runActionBundle({
      ...EXAMPLE_INPUTS,
      'github-token': 'ghs_exampletoken1234567890',
      'upload-sarif': 'false',
      comment: 'never',
    });
    expect(run.status).toBe(1);
    expect(run.outputs).toMatchObject({
      verdict: 'fail',
      findings: '7',
      critical: '1',
      'sarif-file': join(run.workspace, 'bulkhead.sarif'),
    });
    expect(run.summary.startsWith('## ❌ bulkhead: fail')).toBe(true);
    expect(run.stdout).toMatch(/^::error title=CRITICAL CVE-2019-18224 in libidn2-0,file=examples\/shop-api\/Dockerfile,line=2::/m);
    expect(run.stdout).toMatch(/^::error::bulkhead: 1 finding at or above high$/m);
    expect(run.stdout.split('\n').filter((l) => l.includes('ghs_exampletoken1234567890'))).toEqual([
      '::add-mask::ghs_exampletoken1234567890',
    ]);
    expect(run.stderr).toBe('');
  });

  it('a malformed event payload is one sentence and exit 3, before anything is scanned', async () => {
    const run = await runActionBundle(EXAMPLE_INPUTS, { event: '{"pull_request": {"number": 4' });
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(/^::error::bulkhead: the event payload .*event\.json: is not valid JSON \(.*\)\.$/m);
    expect(run.stderr).not.toMatch(/SyntaxError|\n\s+at /);
  });
});

describe('the committed bundle', () => {
  it('dist/ is what the sources build to', () => {
    const out = tempDir('bulkhead-dist-');
    const ncc = join(REPO_ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
    for (const [entry, dir] of [
      ['src/main.ts', out],
      ['src/cli.ts', join(out, 'cli')],
    ] as const) {
      const built = spawnSync(process.execPath, [ncc, 'build', entry, '-o', dir, '--license', 'licenses.txt'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
      expect(built.status, built.stderr).toBe(0);
    }
    const files = (dir: string) =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.js') || f.endsWith('.json'))
        .sort();
    expect(files(join(REPO_ROOT, 'dist')), 'dist/ holds other files than the build makes: run npm run build and commit dist/').toEqual(
      files(out),
    );
    for (const file of files(out)) {
      const fresh = readFileSync(join(out, file), 'utf8');
      const committed = readFileSync(join(REPO_ROOT, 'dist', file), 'utf8');
      expect(committed === fresh, `dist/${file} is stale: run npm run build and commit dist/`).toBe(true);
    }
  });
});
