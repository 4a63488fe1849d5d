import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers.js';

const available = spawnSync('shellcheck', ['--version']).status === 0;
if (!available) console.warn('\n!!! SKIPPING shellcheck: it is not installed (Debian: apt-get install shellcheck; .ci/run installs it)\n');

describe.skipIf(!available)('shell scripts', () => {
  it('pass shellcheck: .ci/run and scripts/*.sh', () => {
    const scripts = [
      '.ci/run',
      ...readdirSync(join(REPO_ROOT, 'scripts'))
        .filter((f) => f.endsWith('.sh'))
        .map((f) => `scripts/${f}`),
    ];
    const run = spawnSync('shellcheck', ['--format=gcc', ...scripts], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
