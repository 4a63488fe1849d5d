import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run.js';
import { REPO_ROOT, tempDir } from '../../helpers.js';

describe('rehearsal of an image that is not in the local engine', () => {
  it('is not attempted for an archive, and the note says how to have it', async () => {
    const workspace = tempDir('bulkhead-rehearse-archive-');
    cpSync(join(REPO_ROOT, 'examples', 'shop-api', 'image.tar'), join(workspace, 'image.tar'));
    const code = await runCli(
      ['scan', '--image', 'docker-archive:image.tar', '--tools', 'bulkhead', '--rehearse', 'true', '--fail-on', 'none'],
      {
        stdout: () => undefined,
        stderr: () => undefined,
        cwd: workspace,
        // No docker on PATH: nothing may try to run it.
        env: { PATH: '/nonexistent' },
      },
    );
    const report = JSON.parse(readFileSync(join(workspace, 'bulkhead-report.json'), 'utf8')) as { notes: string[]; rehearsals: unknown[] };
    expect(code).toBe(0);
    expect(report.rehearsals).toEqual([]);
    expect(report.notes).toContain(
      'docker-archive:image.tar was not rehearsed: a rehearsal runs images of the local Docker engine; load it (docker load) and name it by its reference.',
    );
  });
});
