import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { REPO_ROOT, tempDir } from '../helpers.js';
import { multitoolProblems, schemaErrors } from '../support/sarif.js';

async function cli(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env: {} });
  return { code, stdout, stderr };
}

function workspace(extra: Record<string, string> = {}): string {
  const dir = tempDir('bulkhead-policy-');
  mkdirSync(join(dir, 'examples/shop-api'), { recursive: true });
  for (const name of ['Dockerfile', 'trivy.json', 'hadolint.json'])
    copyFileSync(join(REPO_ROOT, 'test/fixtures/shop-api-buster', name), join(dir, 'examples/shop-api', name));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return dir;
}

const SCAN = [
  'scan',
  '--dockerfile',
  'examples/shop-api/Dockerfile',
  '--trivy-report',
  'examples/shop-api/trivy.json',
  '--hadolint-report',
  'examples/shop-api/hadolint.json',
  '--tools',
  'trivy,hadolint',
  '--markdown',
  'summary.md',
];

const POLICY = `fail-on: high
exceptions:
  - id: CVE-2019-18224
    package: libidn2-0
    reason: idn2 is only used by curl, which the service never calls
    owner: "@acme/platform"
    expires: 2099-01-01
  - id: CVE-1999-0001
    reason: left over
`;

describe('policy, end to end', () => {
  it('applies .bulkhead.yml from the workspace: the excepted CVE is suppressed, reported, and marked in SARIF', async () => {
    const dir = workspace({ '.bulkhead.yml': POLICY });
    const ran = await cli(SCAN, dir);
    expect(ran.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'bulkhead-report.json'), 'utf8'));
    const idn = report.decisions.find((d: { finding: { ruleId: string } }) => d.finding.ruleId === 'CVE-2019-18224');
    expect(idn.verdict).toBe('suppressed');
    expect(idn.reason).toBe(
      'exception .bulkhead.yml:3, owner @acme/platform, until 2099-01-01: idn2 is only used by curl, which the service never calls',
    );
    expect(report.policy.settings.failOn).toEqual({ value: 'high', source: 'policy file' });
    expect(report.policy.exceptions.map((e: { state: string; matched: number }) => [e.state, e.matched])).toEqual([
      ['active', 1],
      ['active', 0],
    ]);
    const sarif = JSON.parse(readFileSync(join(dir, 'bulkhead.sarif'), 'utf8'));
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'CVE-2019-18224');
    expect(result.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: idn.reason }]);
    expect(schemaErrors(sarif)).toEqual([]);
    expect(multitoolProblems({ suppressed: sarif })).toEqual([]);
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary).toContain('<details><summary>Suppressed by policy (1)</summary>');
    expect(summary).toContain('fail-on **high** (policy file) · ignore-unfixed **false** (default) · only-new **false** (default)');
    expect(summary).toContain('Exception .bulkhead.yml:8 matched no finding: it is stale and can be removed.');
  });

  it('lets inputs override the file, and says so', async () => {
    const dir = workspace({ '.bulkhead.yml': 'fail-on: low\n' });
    expect((await cli(SCAN, dir)).code).toBe(1);
    const ran = await cli([...SCAN, '--fail-on', 'none', '--format', 'json'], dir);
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout).policy.settings.failOn).toEqual({ value: 'none', source: 'input' });
  });

  it('warns about an exception that expires within 14 days and stops applying an expired one', async () => {
    const soon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    const dir = workspace({ '.bulkhead.yml': `exceptions:\n  - id: CVE-2019-18224\n    reason: r\n    expires: ${soon}\n` });
    const ran = await cli(SCAN, dir);
    expect(ran.code).toBe(0);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain(
      `Exception .bulkhead.yml:2 expires on ${soon}: renew it or fix the finding.`,
    );
    const expired = workspace({ '.bulkhead.yml': 'exceptions:\n  - id: CVE-2019-18224\n    reason: r\n    expires: 2020-01-01\n' });
    expect((await cli(SCAN, expired)).code).toBe(1);
    expect(readFileSync(join(expired, 'summary.md'), 'utf8')).toContain(
      'Exception .bulkhead.yml:2 expired on 2020-01-01 and no longer applies (1 finding it covered now count).',
    );
  });

  it('reads .trivyignore from the workspace', async () => {
    const dir = workspace({ '.trivyignore': '# fixed upstream next sprint\nCVE-2019-18224\n' });
    const ran = await cli([...SCAN, '--format', 'json'], dir);
    expect(ran.code).toBe(0);
    const report = JSON.parse(ran.stdout);
    expect(report.decisions.find((d: { finding: { ruleId: string } }) => d.finding.ruleId === 'CVE-2019-18224').reason).toBe(
      'exception .trivyignore:2: fixed upstream next sprint',
    );
  });

  it('reads the trivyignores files as well, each in the format its name says, naming the file of each suppression', async () => {
    const dir = workspace({
      '.trivyignore': '# no such finding here\nCVE-2000-0001\n',
      'team.trivyignore': '# waiting for the vendor\nCVE-2019-18224\n',
      'base-image.trivyignore.yaml': 'vulnerabilities:\n  - id: CVE-2019-18276\n    statement: the base image team owns it\n',
    });
    const ran = await cli([...SCAN, '--format', 'json', '--trivyignores', 'team.trivyignore,base-image.trivyignore.yaml'], dir);
    const report = JSON.parse(ran.stdout) as { decisions: { reason: string; finding: { ruleId: string } }[]; policy: { files: string[] } };
    const reason = (id: string) => report.decisions.find((d) => d.finding.ruleId === id)?.reason;
    expect(reason('CVE-2019-18224')).toBe('exception team.trivyignore:2: waiting for the vendor');
    expect(reason('CVE-2019-18276')).toMatch(/^exception base-image\.trivyignore\.yaml:2: the base image team owns it/);
    expect(report.policy.files).toEqual(['.trivyignore', 'team.trivyignore', 'base-image.trivyignore.yaml']);
    const missing = await cli([...SCAN, '--trivyignores', 'nope.trivyignore'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/trivyignores/);
  });

  it('reports the rules hadolint skips itself', async () => {
    const dir = workspace({ '.hadolint.yaml': 'ignored:\n  - DL3059\n' });
    writeFileSync(
      join(dir, 'examples/shop-api/Dockerfile'),
      readFileSync(join(dir, 'examples/shop-api/Dockerfile'), 'utf8').replace(
        'RUN apt-get',
        '# hadolint ignore=DL3008,DL3015\nRUN apt-get',
      ),
    );
    await cli(SCAN, dir);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain(
      'hadolint skips these rules itself: DL3059 (.hadolint.yaml), DL3008 (examples/shop-api/Dockerfile:4), DL3015 (examples/shop-api/Dockerfile:4).',
    );
  });

  it('stops on a malformed policy with file:line and the fix, exit 2', async () => {
    const dir = workspace({ 'team-policy.yml': 'exceptions:\n  - id: CVE-1\n' });
    const ran = await cli([...SCAN, '--policy', 'team-policy.yml'], dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe(
      'bulkhead: team-policy.yml:2: every exception needs a reason: say why the finding is acceptable (reason: "…").\n',
    );
  });

  it('gates only new findings against a baseline report, surviving a rebuild that changes tag, digest and line numbers', async () => {
    const dir = workspace();
    expect((await cli([...SCAN, '--report', 'base-report.json'], dir)).code).toBe(1);
    // The rebuild: another tag and digest, the Dockerfile's lines moved down.
    const trivyPath = join(dir, 'examples/shop-api/trivy.json');
    const rebuilt = readFileSync(trivyPath, 'utf8').replaceAll(
      'ghcr.io/acme/shop-api:pr-42',
      `ghcr.io/acme/shop-api:pr-43@sha256:${'b'.repeat(64)}`,
    );
    writeFileSync(trivyPath, rebuilt);
    const dockerfile = join(dir, 'examples/shop-api/Dockerfile');
    writeFileSync(dockerfile, `# syntax=docker/dockerfile:1\n# rebuilt\n${readFileSync(dockerfile, 'utf8')}`);
    const hadolintPath = join(dir, 'examples/shop-api/hadolint.json');
    writeFileSync(
      hadolintPath,
      JSON.stringify(JSON.parse(readFileSync(hadolintPath, 'utf8')).map((f: { line: number }) => ({ ...f, line: f.line + 2 }))),
    );
    const same = await cli([...SCAN, '--only-new', '--baseline', 'base-report.json', '--format', 'json'], dir);
    expect(same.code).toBe(0);
    const report = JSON.parse(same.stdout);
    expect(report.policy.baseline).toMatchObject({ source: 'base-report.json', new: 0, unchanged: 7, fixed: [] });
    // A new CVE arrives with the next change: only it fails the gate.
    const document = JSON.parse(rebuilt);
    const vulnerabilities = document.Results[0].Vulnerabilities;
    vulnerabilities.push({
      ...vulnerabilities[1],
      VulnerabilityID: 'CVE-2026-0001',
      PkgName: 'libssl1.1',
      InstalledVersion: '1.1.1d-0',
      FixedVersion: '1.1.1d-1',
      Severity: 'HIGH',
    });
    writeFileSync(trivyPath, JSON.stringify(document));
    const next = await cli([...SCAN, '--only-new', '--baseline', 'base-report.json', '--format', 'json'], dir);
    expect(next.code).toBe(1);
    const failing = JSON.parse(next.stdout).decisions.filter((d: { verdict: string }) => d.verdict === 'fails-gate');
    expect(failing.map((d: { finding: { ruleId: string } }) => d.finding.ruleId)).toEqual(['CVE-2026-0001']);
    expect(failing[0].reason).toBe('high is at or above fail-on high and new since the baseline');
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain(
      'Compared with the baseline `base-report.json`: **1 new**, 7 unchanged, 0 fixed.',
    );
  });

  it('says so when only-new has no baseline, and then gates every finding', async () => {
    const dir = workspace();
    const ran = await cli([...SCAN, '--only-new'], dir);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('note: only-new is on but no baseline was found: every finding counts as new.');
  });

  it('refuses a baseline that is not a report file', async () => {
    const dir = workspace({ 'not-a-report.json': '{"SchemaVersion": 2}' });
    const ran = await cli([...SCAN, '--only-new', '--baseline', 'not-a-report.json'], dir);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toMatch(
      /not-a-report\.json is not a bulkhead report file \(bulkhead-report\/v1\); use the report-file of an earlier run\./,
    );
  });
});
