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
    expect(run.stdout).toMatch(/^::error::bulkhead: the event payload .*event\.json is not valid JSON \(.*\)\.$/m);
    expect(run.stderr).not.toMatch(/SyntaxError|\n\s+at /);
  });
});

describe('the committed bundle', () => {
  /** The build `npm run build` does (scripts/build.js), into a fresh directory. */
  function build(): string {
    const out = tempDir('bulkhead-dist-');
    const built = spawnSync(process.execPath, ['scripts/build.js', out], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    return out;
  }
  const files = (dir: string) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(js|json|txt)$/.test(f))
      .sort();

  it('dist/ is what the sources build to, byte for byte, and two builds are identical', () => {
    const [first, second] = [build(), build()];
    expect(files(first)).toEqual(files(second));
    for (const file of files(first)) {
      expect(readFileSync(join(first, file)).equals(readFileSync(join(second, file))), `two builds differ in ${file}`).toBe(true);
    }
    expect(files(join(REPO_ROOT, 'dist')), 'dist/ holds other files than the build makes: run npm run build and commit dist/').toEqual(
      files(first),
    );
    for (const file of files(first)) {
      const same = readFileSync(join(first, file)).equals(readFileSync(join(REPO_ROOT, 'dist', file)));
      expect(same, `dist/${file} is stale: run npm run build and commit dist/`).toBe(true);
    }
  });

  it('each licenses.txt names every dependency bundled into its bundle (the action and the CLI)', () => {
    // The package has no runtime dependencies: everything the bundles hold is a devDependency ncc inlined.
    const { devDependencies } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    for (const dir of ['dist', 'dist/cli']) {
      const licenses = readFileSync(join(REPO_ROOT, dir, 'licenses.txt'), 'utf8');
      const bundle = readdirSync(join(REPO_ROOT, dir))
        .filter((f) => f.endsWith('.js'))
        .map((f) => readFileSync(join(REPO_ROOT, dir, f), 'utf8'))
        .join('');
      const bundled = Object.keys(devDependencies).filter((name) => bundle.includes(`node_modules/${name}/`));
      expect(bundled, `${dir}: the bundle holds fewer packages than expected`).toEqual(
        expect.arrayContaining(['@actions/core', 'yaml', '@secretlint/core']),
      );
      for (const name of bundled)
        expect(licenses, `${dir}: ${name} is bundled but not in licenses.txt`).toMatch(
          new RegExp(`^${name.replace(/[/.]/g, '\\$&')}\n`, 'm'),
        );
    }
  });
});
