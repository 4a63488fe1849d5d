import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { tempDir } from '../helpers.js';
import { createGitHubClient, describeGitHubError } from '../../src/github/client.js';

/**
 * One rule for messages, checked on what every error path of the corpus below prints: a
 * target or prefix said once, a sentence ended once, the real cause of a network failure named,
 * no system error code or library wording in its place.
 */
function problemsOf(text: string): string[] {
  const problems: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('::debug::') || line.trim() === '') continue;
    if (/\bbulkhead: bulkhead\b/.test(line)) problems.push(`doubled prefix: ${line}`);
    // "X: X: …" or "failed on X: X …": what a sentence names is not named again right after.
    const repeated = /(?:^|\s)([^\s:]{3,}(?::[^\s:]+)*): \1(?=[:\s])/.exec(line);
    if (repeated) problems.push(`"${repeated[1]}" said twice: ${line}`);
    if (/[?!.]\.(?!\.)/.test(line.replace(/\.\.\.|…/g, ''))) problems.push(`sentence ended twice: ${line}`);
    if (/\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|getaddrinfo|fetch failed|bad port)\b/.test(line))
      problems.push(`a code instead of the cause: ${line}`);
    if (/\bundefined\b|\[object Object\]|\bnull\b(?! is| and|,)/.test(line) && !/JSON null|"null"/.test(line))
      problems.push(`a value leaked into the text: ${line}`);
  }
  return problems;
}

const ENV = { PATH: '/usr/bin:/bin', DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

function corpusWorkspace(): string {
  const dir = tempDir('bulkhead-messages-');
  writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:trixie-slim\n');
  writeFileSync(join(dir, 'truncated.json'), '{"SchemaVersion": 2, "ArtifactName": ');
  writeFileSync(join(dir, 'v3.json'), '{"SchemaVersion": 3, "ArtifactName": "x"}');
  writeFileSync(join(dir, 'not-an-image.tar'), 'not a tar');
  writeFileSync(join(dir, 'bad.yml'), 'fail-on: [high\n');
  writeFileSync(join(dir, 'empty-hadolint.json'), '[{"line": 1}]');
  return dir;
}

const CORPUS: { name: string; args: string[] }[] = [
  { name: 'daemon not reachable', args: ['--image', 'docker-daemon:app:latest', '--tools', 'bulkhead'] },
  { name: 'archive that is not an image', args: ['--image', 'docker-archive:not-an-image.tar', '--tools', 'bulkhead'] },
  { name: 'missing archive', args: ['--image', 'docker-archive:missing.tar', '--tools', 'bulkhead'] },
  { name: 'truncated Trivy report', args: ['--trivy-report', 'truncated.json', '--tools', 'trivy'] },
  { name: 'unknown Trivy schema', args: ['--trivy-report', 'v3.json', '--tools', 'trivy'] },
  { name: 'missing Trivy report', args: ['--trivy-report', 'missing.json', '--tools', 'trivy'] },
  { name: 'bad hadolint report', args: ['--hadolint-report', 'empty-hadolint.json', '--dockerfile', 'Dockerfile', '--tools', 'hadolint'] },
  { name: 'refused download', args: ['--dockerfile', 'Dockerfile', '--tools', 'hadolint', '--release-mirror', 'http://127.0.0.1:2'] },
  {
    name: 'unknown host',
    args: ['--dockerfile', 'Dockerfile', '--tools', 'hadolint', '--release-mirror', 'http://bulkhead-test.invalid'],
  },
  { name: 'failing Trivy binary', args: ['--image', 'docker-daemon:app:latest', '--tools', 'trivy', '--trivy-path', '/bin/false'] },
  { name: 'unknown tool', args: ['--image', 'app', '--tools', 'grype'] },
  { name: 'unknown severity', args: ['--fail-on', 'urgent'] },
  { name: 'policy that is not YAML', args: ['--dockerfile', 'Dockerfile', '--policy', 'bad.yml', '--tools', 'bulkhead'] },
  { name: 'missing manifest', args: ['--manifests', 'missing.yaml', '--tools', 'bulkhead'] },
  { name: 'unwritable SARIF path', args: ['--dockerfile', 'Dockerfile', '--tools', 'bulkhead', '--sarif', '/proc/bulkhead/x.sarif'] },
  { name: 'warn on a failed scanner', args: ['--image', 'docker-daemon:app:latest', '--tools', 'bulkhead', '--scanner-error', 'warn'] },
];

describe('messages', () => {
  it('every error path of the CLI corpus says its target once, ends its sentences once, and names the cause', async () => {
    const dir = corpusWorkspace();
    const all: string[] = [];
    for (const { name, args } of CORPUS) {
      let out = '';
      const code = await runCli(['scan', ...args], {
        stdout: (t) => (out += t),
        stderr: (t) => (out += t),
        cwd: dir,
        env: { ...ENV, RUNNER_TOOL_CACHE: join(dir, '.tools'), RUNNER_TEMP: join(dir, '.tmp') },
      });
      // Every path is an error but the one told to warn, which passes on what remains (nothing).
      if (name.startsWith('warn')) expect(code, `${name}: ${out}`).toBe(0);
      else expect(code, `${name}: ${out}`).toBeGreaterThan(0);
      all.push(...problemsOf(out).map((p) => `${name}: ${p}`));
      if (name === 'refused download') expect(out).toContain('the connection to 127.0.0.1:2 was refused');
      if (name === 'unknown host') expect(out).toContain('the host name bulkhead-test.invalid could not be resolved');
      if (name === 'daemon not reachable')
        expect(out).toMatch(/the built-in checks failed on docker-daemon:app:latest: docker save exited/);
    }
    expect(all).toEqual([]);
  });

  it('an unreachable GitHub is named as such, not as an answer it never got (the real Octokit client)', async () => {
    const client = await createGitHubClient(
      'ghs_exampletoken1234567890',
      { info: () => {}, warning: () => {} },
      {
        apiUrl: 'http://127.0.0.1:2',
        retryBaseMs: 1,
      },
    );
    const error = await client.rest.issues.listComments({ owner: 'acme', repo: 'shop', issue_number: 42 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const { message, status } = describeGitHubError(error);
    expect(message).toBe('GitHub could not be reached: the connection to 127.0.0.1:2 was refused (nothing listens there)');
    expect(status).toBeUndefined();
    expect(problemsOf(message)).toEqual([]);
  });

  it('the rules catch what they are for', () => {
    expect(problemsOf('bulkhead: bulkhead failed on a.tar: a.tar: is broken.')).toHaveLength(2);
    expect(problemsOf('Is the docker daemon running?.')).toHaveLength(1);
    expect(problemsOf('download failed: connect ECONNREFUSED 127.0.0.1:2')).toHaveLength(1);
    expect(problemsOf('hadolint failed on Dockerfile: it exited with code 1.')).toEqual([]);
  });
});
