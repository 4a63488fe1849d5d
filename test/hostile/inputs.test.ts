import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { readJsonReport } from '../../src/util/jsonFile.js';
import { REPO_ROOT, tempDir } from '../helpers.js';
import { runAction } from '../support/action.js';

/**
 * The hostile corpus, both ways: each broken or hostile input next to its benign twin. A hostile
 * input never passes the gate (exit 0) and never crashes (no stack, never exit 1 for an input
 * error); its twin is read normally.
 */
interface Ran {
  code: number;
  stderr: string;
}

async function cli(args: string[], dir: string): Promise<Ran> {
  let stderr = '';
  const code = await runCli(['scan', ...args], { stdout: () => {}, stderr: (t) => (stderr += t), cwd: dir, env: {} });
  return { code, stderr };
}

function workspace(): string {
  const dir = tempDir('bulkhead-hostile-');
  mkdirSync(join(dir, 'r'));
  for (const name of ['Dockerfile', 'trivy.json', 'hadolint.json'])
    copyFileSync(join(REPO_ROOT, 'test/fixtures/shop-api-buster', name), join(dir, 'r', name));
  return dir;
}

const TRIVY = ['--trivy-report', 'r/trivy.json', '--tools', 'trivy', '--fail-on', 'none'];
const trivyDocument = () => JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/shop-api-buster/trivy.json'), 'utf8'));

function expectRefused(ran: Ran, code: 2 | 3, message: RegExp): void {
  expect(ran.stderr).toMatch(message);
  expect(ran.code, ran.stderr).toBe(code);
  expect(ran.stderr).not.toMatch(/\n\s+at |unexpected error/);
}

describe('hostile scanner reports fail closed; their twins are read', () => {
  const cases: [string, (doc: ReturnType<typeof trivyDocument>) => string, RegExp][] = [
    ['null', () => 'null', /r\/trivy\.json is JSON null, not a Trivy report/],
    ['an empty list', () => '[]', /is an empty list/],
    [
      'a critical entry without its id',
      (d) => {
        delete d.Results[0].Vulnerabilities[0].VulnerabilityID;
        return JSON.stringify(d);
      },
      /Vulnerabilities\[0\] without VulnerabilityID/,
    ],
    [
      'an unknown severity',
      (d) => {
        d.Results[0].Vulnerabilities[0].Severity = 'SUPER';
        return JSON.stringify(d);
      },
      /Severity "SUPER"/,
    ],
    [
      'a numeric severity',
      (d) => {
        d.Results[0].Vulnerabilities[0].Severity = 4;
        return JSON.stringify(d);
      },
      /Severity 4;/,
    ],
    [
      'Results given twice',
      (d) => JSON.stringify(d).replace(/\}$/, ',"Results":[]}'),
      /has the key "Results" twice in the top-level object/,
    ],
  ];
  for (const [what, make, message] of cases) {
    it(`a Trivy report with ${what}: exit 3, the file and the JSON path named`, async () => {
      const dir = workspace();
      const twin = await cli(TRIVY, dir);
      expect(twin.code, twin.stderr).toBe(0);
      writeFileSync(join(dir, 'r/trivy.json'), make(trivyDocument()));
      expectRefused(await cli(TRIVY, dir), 3, message);
    });
  }

  it('a hadolint report with an entry without a code or with an unknown level: exit 3', async () => {
    const dir = workspace();
    const args = ['--hadolint-report', 'r/hadolint.json', '--dockerfile', 'r/Dockerfile', '--tools', 'hadolint', '--fail-on', 'none'];
    expect((await cli(args, dir)).code).toBe(0);
    writeFileSync(join(dir, 'r/hadolint.json'), JSON.stringify([{ file: 'r/Dockerfile', line: 1, level: 'error', message: 'x' }]));
    expectRefused(await cli(args, dir), 3, /hadolint\.json has \[0\] without a rule code/);
    writeFileSync(
      join(dir, 'r/hadolint.json'),
      JSON.stringify([{ code: 'DL3008', file: 'r/Dockerfile', line: 1, level: 'fatal', message: 'x' }]),
    );
    expectRefused(await cli(args, dir), 3, /\[0\]\.level "fatal"; hadolint's levels are/);
  });
});

describe('inputs that are not files, or absurdly large, are refused without reading them', () => {
  it('a policy file, ignore file, report or Dockerfile that is a device, a FIFO or a link to one: exit 2, no hang', async () => {
    const dir = workspace();
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    expectRefused(await cli([...TRIVY, '--policy', '/dev/zero'], dir), 2, /policy: \/dev\/zero is not a regular file/);
    expectRefused(await cli([...TRIVY, '--policy', 'fifo'], dir), 2, /policy: fifo is not a regular file/);
    expectRefused(await cli(['--trivy-report', 'fifo', '--tools', 'trivy'], dir), 2, /trivy-report: fifo is not a regular file/);
    symlinkSync('/dev/zero', join(dir, '.trivyignore'));
    expectRefused(await cli(TRIVY, dir), 2, /\.trivyignore is not a regular file/);
    const other = workspace();
    symlinkSync('/dev/zero', join(other, '.bulkhead.yml'));
    expectRefused(await cli(TRIVY, other), 2, /\.bulkhead\.yml is not a regular file/);
    const third = workspace();
    symlinkSync('/dev/zero', join(third, 'Dockerfile'));
    expectRefused(await cli(TRIVY, third), 2, /dockerfile: Dockerfile is not a regular file/);
  });

  it('a JSON report read without a path check first (a published report, Trivy output) that is a FIFO is refused, not waited on', async () => {
    const dir = workspace();
    execFileSync('mkfifo', [join(dir, 'report.json')]);
    await expect(readJsonReport(join(dir, 'report.json'))).rejects.toThrow(/report\.json is not a regular file/);
    await expect(readJsonReport(join(dir, 'r/trivy.json'))).resolves.toHaveLength(1);
  });

  it('a 10 MB one-line Dockerfile is refused at once; its normal-sized twin is read', async () => {
    const dir = workspace();
    const args = ['--dockerfile', 'r/Dockerfile', '--tools', 'bulkhead', '--fail-on', 'none'];
    expect((await cli(args, dir)).code).toBe(0);
    writeFileSync(join(dir, 'r/Dockerfile'), `FROM scratch\nRUN echo ${'a'.repeat(10 * 1024 * 1024)}\n`);
    expectRefused(await cli(args, dir), 2, /dockerfile: r\/Dockerfile is 10485\d+ bytes, more than the 262144 bulkhead reads/);
  });

  it('absurd durations are refused, sensible ones read', async () => {
    const dir = workspace();
    for (const timeout of ['99999h', '10ms', '0s', '1e3s', '-5m', 'soon']) {
      expectRefused(
        await cli([...TRIVY, `--timeout=${timeout}`], dir),
        2,
        /timeout is ".*"; (give a duration from 1s to 6h|write a duration)/,
      );
    }
    expect((await cli([...TRIVY, '--timeout', '90s'], dir)).code).toBe(0);
  });
});

describe('the action on a malformed event payload', () => {
  it('says so in one sentence, exits 3 and sets verdict=fail; a well-formed twin runs', async () => {
    const inputs = {
      'trivy-report': 'examples/shop-api/trivy.json',
      tools: 'trivy',
      'fail-on': 'none',
      'upload-sarif': 'false',
      comment: 'never',
    };
    const twin = await runAction(inputs);
    expect(twin.status).toBe(0);
    const broken = await runAction(inputs, { event: '{"pull_request": {"number": ' });
    expect(broken.status).toBe(3);
    expect(broken.outputs.verdict).toBe('fail');
    expect(broken.toolkit.failed).toEqual([
      expect.stringMatching(/^bulkhead: the event payload .*event\.json is not valid JSON \(.*\)\.$/),
    ]);
  });
});
