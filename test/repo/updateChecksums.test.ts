import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, spawnAsync, tempDir } from '../helpers.js';
import { ReleaseServer } from '../support/releaseServer.js';

const sha = (c: string): string => c.repeat(64);

describe('npm run update-checksums', () => {
  const server = new ReleaseServer();
  beforeAll(async () => {
    await server.start();
    server.serve(
      'aquasecurity/trivy',
      '0.70.0',
      'trivy_0.70.0_checksums.txt',
      [
        `${sha('a')}  trivy_0.70.0_Linux-64bit.tar.gz`,
        `${sha('b')}  trivy_0.70.0_Linux-ARM64.tar.gz`,
        `${sha('c')}  trivy_0.70.0_macOS-64bit.tar.gz`,
        `${sha('d')}  trivy_0.70.0_macOS-ARM64.tar.gz`,
        `${sha('e')}  trivy_0.70.0_windows-64bit.zip`,
        `${sha('f')}  trivy_0.70.0_Linux-64bit.deb`,
        '',
      ].join('\n'),
    );
    // hadolint's files name the asset in lower case; 2.15.0 here has no Windows build.
    for (const [asset, c] of [
      ['hadolint-linux-x86_64', '1'],
      ['hadolint-linux-arm64', '2'],
      ['hadolint-macos-x86_64', '3'],
      ['hadolint-macos-arm64', '4'],
    ] as const) {
      server.serve('hadolint/hadolint', '2.15.0', `${asset}.sha256`, `${sha(c)}  ${asset}\n`);
    }
  });
  afterAll(() => server.stop());

  const run = async (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; table: string }> => {
    const out = join(tempDir('bulkhead-checksums-'), 'checksums.ts');
    copyFileSync(join(REPO_ROOT, 'src/releases/checksums.ts'), out);
    const ran = await spawnAsync(
      process.execPath,
      ['--import', './scripts/ts-resolve.js', 'scripts/update-checksums.ts', ...args, '--mirror', server.url, '--out', out],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '' } },
    );
    return { ...ran, table: readFileSync(out, 'utf8') };
  };

  it('adds releases from their published checksum files, keeps the versions it had, and leaves out what a release lacks', async () => {
    const ran = await run(['trivy', 'v0.70.0', 'hadolint', '2.15.0']);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.table).toContain(`'linux-x64': { name: 'trivy_0.70.0_Linux-64bit.tar.gz', sha256: '${sha('a')}' }`);
    expect(ran.table).toContain(`'win32-x64': { name: 'trivy_0.70.0_windows-64bit.zip', sha256: '${sha('e')}' }`);
    expect(ran.table).toContain(`'darwin-arm64': { name: 'hadolint-macos-arm64', sha256: '${sha('4')}' }`);
    expect(ran.table).toContain("'0.69.3': {");
    expect(ran.table).toContain("'2.12.0': {");
    expect(ran.table.indexOf("'0.70.0'")).toBeLessThan(ran.table.indexOf("'0.69.3'"));
    expect(ran.table).not.toContain('.deb');
    expect(ran.stdout).toContain('hadolint 2.15.0: no published checksum for hadolint-windows-x86_64.exe (win32-x64); left out.');
  });

  it('refuses a compromised release and a version that has no checksums, and says so', async () => {
    const ran = await run(['trivy', '0.69.4', '0.71.0']);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('trivy 0.69.4 is refused');
    expect(ran.stderr).toMatch(/trivy_0\.71\.0_checksums\.txt: not found; is 0\.71\.0 a release\?/);
    expect(ran.table).not.toContain("'0.69.4'");
    expect(ran.table).toBe(readFileSync(join(REPO_ROOT, 'src/releases/checksums.ts'), 'utf8'));
  });
});
