import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { tempDir } from '../helpers.js';
import { imageConfig, layer, legacyDockerArchive } from '../support/images.js';

const PASSWORD = 'Zq8vLm2pR7xWc4Ns';
const TOKEN = 'ghp_' + 'Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78';

async function scan(dir: string, image: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runCli(
    ['scan', '--image', image, '--tools', 'bulkhead', '--fail-on', 'none', '--markdown', 'summary.md', '--format', 'json'],
    {
      stdout: (t) => (out += t),
      stderr: (t) => (out += t),
      cwd: dir,
      env: {},
    },
  );
  return { code, out };
}

describe('a secret value found anywhere is masked everywhere', () => {
  it('a password in .netrc that is also a file name, and a token in the environment that is also in a label, leak nowhere', async () => {
    const dir = tempDir('bulkhead-leak-');
    const files = layer([
      { name: 'root/', type: 'dir' },
      { name: 'root/.netrc', body: `machine example.com login deploy password ${PASSWORD}\n` },
      // The same value as a setuid file's name: BH201 lists the path.
      { name: `usr/bin/${PASSWORD}`, body: 'ELF', mode: 0o4755 },
    ]);
    const config = imageConfig([files], { Env: [`GITHUB_TOKEN=${TOKEN}`], Labels: { note: `built with ${TOKEN}` }, User: 'root' });
    mkdirSync(join(dir, 'img'));
    writeFileSync(join(dir, 'img', 'image.tar'), legacyDockerArchive([files], config));
    const { code, out } = await scan(dir, 'docker-archive:img/image.tar');
    expect(code).toBe(0);
    const report = JSON.parse(out.slice(out.indexOf('{'))) as { decisions: { finding: { ruleId: string } }[] };
    const rules = report.decisions.map((d) => d.finding.ruleId);
    // The checks did find them (so the masking is what keeps them out, not a missed finding).
    expect(rules).toEqual(expect.arrayContaining(['BH103', 'BH201', 'BH205']));
    for (const [what, text] of [
      ['stdout/stderr', out],
      ['SARIF', readFileSync(join(dir, 'bulkhead.sarif'), 'utf8')],
      ['report', readFileSync(join(dir, 'bulkhead-report.json'), 'utf8')],
      ['summary', readFileSync(join(dir, 'summary.md'), 'utf8')],
    ]) {
      expect(text, what).not.toContain(PASSWORD);
      expect(text, what).not.toContain(TOKEN);
    }
    expect(readFileSync(join(dir, 'bulkhead.sarif'), 'utf8')).toContain('usr/bin/***');
  });
});
