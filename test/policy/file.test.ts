import { exceptionMatches } from '../../src/policy/match.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/util/errors.js';
import { parsePolicyFile } from '../../src/policy/file.js';
import { REPO_ROOT } from '../helpers.js';
import { parseTrivyIgnore, parseTrivyIgnoreYaml } from '../../src/policy/trivyignore.js';

const GOOD = `# team policy
fail-on: medium
ignore-unfixed: true
only-new: false
overrides:
  - tool: hadolint
    severity: low
  - rule: DL3002
    severity: high
exceptions:
  - id: CVE-2019-18224
    package: libidn2-*
    image: ghcr.io/acme/*
    reason: idn2 is not reachable from our code
    owner: "@acme/platform"
    expires: 2026-12-31
  - rule: DL3008
    dockerfile: services/**/Dockerfile
    reason: pinned by the base image
`;

function errorOf(text: string): string {
  try {
    parsePolicyFile(text, '.bulkhead.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('.bulkhead.yml', () => {
  it('reads settings, overrides and exceptions with where each was written', () => {
    const policy = parsePolicyFile(GOOD, '.bulkhead.yml');
    expect(policy).toMatchObject({ failOn: 'medium', ignoreUnfixed: true, onlyNew: false });
    expect(policy.overrides).toEqual([
      { tool: 'hadolint', severity: 'low', source: '.bulkhead.yml:6' },
      { id: 'DL3002', severity: 'high', source: '.bulkhead.yml:8' },
    ]);
    expect(policy.exceptions[0]).toEqual({
      match: { id: 'CVE-2019-18224', package: 'libidn2-*', image: 'ghcr.io/acme/*' },
      reason: 'idn2 is not reachable from our code',
      owner: '@acme/platform',
      expires: '2026-12-31',
      source: '.bulkhead.yml:11',
    });
    expect(policy.exceptions[1]?.match).toEqual({ id: 'DL3008', dockerfile: 'services/**/Dockerfile' });
  });

  it('accepts an empty file', () => {
    expect(parsePolicyFile('', 'p.yml')).toEqual({ overrides: [], exceptions: [] });
    expect(parsePolicyFile('# nothing yet\n', 'p.yml')).toEqual({ overrides: [], exceptions: [] });
  });

  const malformed: [string, string][] = [
    ['fail-on: severe\n', '.bulkhead.yml:1: fail-on is "severe"; write critical, high, medium, low or none.'],
    ['ignore-unfixed: yes please\n', '.bulkhead.yml:1: ignore-unfixed must be true or false.'],
    [
      'fail_on: high\n',
      '.bulkhead.yml:1: "fail_on" is not a policy setting; the settings are fail-on, ignore-unfixed, only-new, pod-security, network-policies, overrides, exceptions.',
    ],
    ['exceptions:\n  - id: CVE-1\n', '.bulkhead.yml:2: every exception needs a reason: say why the finding is acceptable (reason: "…").'],
    [
      'exceptions:\n  - reason: because\n',
      '.bulkhead.yml:2: an exception must say what it matches: id, package, purl, image, path or dockerfile.',
    ],
    [
      'exceptions:\n  - id: CVE-1\n    reason: r\n    expires: 31/12/2026\n',
      '.bulkhead.yml:4: expires is "31/12/2026"; write a date as YYYY-MM-DD (a whole day, UTC).',
    ],
    [
      'exceptions:\n  - id: CVE-1\n    reason: r\n    expires: 2026-02-30\n',
      '.bulkhead.yml:4: expires is "2026-02-30"; write a date as YYYY-MM-DD (a whole day, UTC).',
    ],
    [
      'exceptions:\n  - id: CVE-1\n    reason: r\n    expiry: 2026-01-01\n',
      '.bulkhead.yml:4: "expiry" is not a field of exceptions; the fields are id, rule, tool, package, purl, image, path, dockerfile, reason, owner, expires.',
    ],
    ['exceptions:\n  id: CVE-1\n', '.bulkhead.yml:2: exceptions must be a list (each item starting with "- ").'],
    [
      'overrides:\n  - rule: DL3008\n    severity: urgent\n',
      '.bulkhead.yml:3: severity is "urgent"; write critical, high, medium, low or info.',
    ],
    ['overrides:\n  - severity: low\n', '.bulkhead.yml:2: an override needs an id (rule) or a tool to apply to.'],
    [
      'exceptions:\n  - id: CVE-1\n    tool: grype\n    reason: r\n',
      '.bulkhead.yml:3: tool is "grype"; write one of trivy, hadolint, bulkhead.',
    ],
    [
      '- just a list\n',
      '.bulkhead.yml:1: the policy must be a mapping of settings (fail-on, ignore-unfixed, only-new, pod-security, network-policies, overrides, exceptions).',
    ],
  ];
  for (const [text, message] of malformed) {
    it(`names file:line and the fix: ${message.slice(15, 70)}…`, () => {
      expect(errorOf(text)).toBe(message);
    });
  }

  it('reports broken YAML at its line', () => {
    expect(errorOf('fail-on: high\nexceptions:\n  - id: [CVE-1\n')).toMatch(
      /^\.bulkhead\.yml:\d: this is not valid YAML \(.+\); fix the syntax\.$/,
    );
  });
});

describe("Trivy's ignore files", () => {
  it('reads .trivyignore with exp: dates and comment lines as reasons', () => {
    const exceptions = parseTrivyIgnore(
      '# accepted until the base image moves\nCVE-2019-18224 exp:2027-01-01\n\nCVE-2019-18276\n# secrets\naws-access-key-id\n',
      '.trivyignore',
    );
    expect(exceptions).toEqual([
      {
        match: { id: 'CVE-2019-18224', literalId: true },
        reason: 'accepted until the base image moves',
        expires: '2027-01-01',
        source: '.trivyignore:2',
      },
      { match: { id: 'CVE-2019-18276', literalId: true }, reason: 'listed in .trivyignore', source: '.trivyignore:4' },
      { match: { id: 'aws-access-key-id', literalId: true }, reason: 'secrets', source: '.trivyignore:6' },
    ]);
    expect(() => parseTrivyIgnore('CVE-1 exp:tomorrow\n', '.trivyignore')).toThrow(
      '.trivyignore:1: "exp:tomorrow" is not an expiry date; write exp:YYYY-MM-DD.',
    );
  });

  it('reads .trivyignore as Trivy does: a lone * is an id, and exp: with no date or a bad one never means "no expiry"', () => {
    const [star] = parseTrivyIgnore('*\n', '.trivyignore');
    const finding = {
      tool: 'trivy',
      ruleId: 'CVE-2024-1',
      kind: 'vulnerability',
      severity: 'critical',
      title: 't',
      message: 'm',
      fingerprint: 'f',
    } as const;
    expect(star?.match).toEqual({ id: '*', literalId: true });
    expect(exceptionMatches(star!.match, finding)).toBe(false);
    expect(exceptionMatches({ id: '*' }, finding)).toBe(true); // .bulkhead.yml ids are globs, as documented
    for (const line of ['CVE-1 exp:', 'CVE-1 exp:2026-02-30', 'CVE-1 exp:2026-1-01', 'CVE-1 # note exp:']) {
      if (line.endsWith('# note exp:')) continue; // a comment field is still a field to Trivy: see below
      expect(() => parseTrivyIgnore(`${line}\n`, '.trivyignore'), line).toThrow(/is not an expiry date/);
    }
    // Trivy takes the first exp: field, wherever it is on the line.
    expect(parseTrivyIgnore('CVE-1 # until exp:2027-01-01\n', '.trivyignore')[0]?.expires).toBe('2027-01-01');
  });

  it('reads .trivyignore.yaml with paths, purls, statements and expired_at', () => {
    const text = `vulnerabilities:
  - id: CVE-2022-40897
    paths:
      - "usr/local/lib/python3.9/site-packages/setuptools-58.1.0.dist-info/METADATA"
    statement: Accept the risk
  - id: CVE-2023-3446
    purls:
      - "pkg:deb/debian/libssl1.1"
    expired_at: 2023-09-01
misconfigurations:
  - id: AVD-DS-0002
secrets:
  - id: aws-secret-access-key
`;
    const exceptions = parseTrivyIgnoreYaml(text, '.trivyignore.yaml');
    expect(exceptions.map((e) => [e.match, e.reason, e.expires, e.source])).toEqual([
      [
        { id: 'CVE-2022-40897', literalId: true, path: 'usr/local/lib/python3.9/site-packages/setuptools-58.1.0.dist-info/METADATA' },
        'Accept the risk',
        undefined,
        '.trivyignore.yaml:2',
      ],
      [
        { id: 'CVE-2023-3446', literalId: true, purl: 'pkg:deb/debian/libssl1.1' },
        'listed in .trivyignore.yaml',
        '2023-09-01',
        '.trivyignore.yaml:6',
      ],
      [{ id: 'AVD-DS-0002', literalId: true }, 'listed in .trivyignore.yaml', undefined, '.trivyignore.yaml:11'],
      [{ id: 'aws-secret-access-key', literalId: true }, 'listed in .trivyignore.yaml', undefined, '.trivyignore.yaml:13'],
    ]);
  });

  it('resolves aliases in .trivyignore.yaml as Trivy does, then checks every field: nothing widens to every path', () => {
    const paths = parseTrivyIgnoreYaml(
      'vulnerabilities:\n  - id: CVE-1\n    paths: &p\n      - app/a.jar\n  - id: CVE-2\n    paths: *p\n',
      '.t.yaml',
    );
    expect(paths.map((e) => e.match)).toEqual([
      { id: 'CVE-1', literalId: true, path: 'app/a.jar' },
      { id: 'CVE-2', literalId: true, path: 'app/a.jar' },
    ]);
    const hostile: [string, RegExp][] = [
      ['vulnerabilities:\n  - id: CVE-1\n    paths: *nowhere\n', /:3: paths must be a list of strings/],
      ['s: &s app/a.jar\nvulnerabilities:\n  - id: CVE-1\n    paths: *s\n', /"s" is not a section/],
      ['vulnerabilities:\n  - id: CVE-1\n    paths: &s app/a.jar\n  - id: CVE-2\n    paths: *s\n', /:3: paths must be a list of strings/],
      ['vulnerabilities:\n  - id: CVE-1\n    path: app/a.jar\n', /:3: "path" is not a field of an entry/],
      ['vulnerabilities:\n  - id: CVE-1\n    paths: [{a: 1}]\n', /paths must be a list of strings/],
      ['vulnerabilities:\n  - id: CVE-1\n    expired_at: soon\n', /expired_at is "soon", not a date/],
      ['vulnerabilities:\n  - id: CVE-1\n    expired_at: ""\n', /expired_at is "", not a date/],
      ['vulnerabilities:\n  - id: CVE-1\n    id: CVE-2\n', /not valid YAML/],
      ['vulnerabilities:\n  - paths: [a]\n', /each entry needs an id/],
    ];
    for (const [text, message] of hostile) expect(() => parseTrivyIgnoreYaml(text, '.t.yaml'), text).toThrow(message);
  });
});

describe('the README example', () => {
  it('is a policy file that parses as documented', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const example = /```yaml\n(fail-on:[\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const policy = parsePolicyFile(example as string, '.bulkhead.yml');
    expect(policy).toMatchObject({ failOn: 'high', ignoreUnfixed: true, onlyNew: true });
    expect(policy.overrides).toEqual([expect.objectContaining({ tool: 'hadolint', id: 'DL3008', severity: 'low' })]);
    expect(policy.exceptions.map((e) => e.match)).toEqual([
      { id: 'CVE-2024-6119', package: 'openssl', image: 'ghcr.io/acme/*' },
      { tool: 'trivy', path: 'usr/share/doc/**' },
    ]);
    expect(policy.exceptions[0]).toMatchObject({ owner: 'platform-team', expires: '2027-01-31' });
  });
});

describe('the policy file against a hostile pull request', () => {
  it('refuses YAML aliases and over-long patterns, naming the line', () => {
    const aliased = 'exceptions:\n  - id: &all "*"\n    reason: ok\n  - id: *all\n    reason: again\n';
    expect(() => parsePolicyFile(aliased, '.bulkhead.yml')).toThrow(
      '.bulkhead.yml:4: the alias *all is not allowed in the policy file; write the value out.',
    );
    const merged = 'base: &b {reason: ok}\nexceptions:\n  - <<: *b\n    id: CVE-1\n';
    expect(() => parsePolicyFile(merged, '.bulkhead.yml')).toThrow(/the alias \*b is not allowed/);
    const long = `exceptions:\n  - package: "${'*a'.repeat(600)}"\n    reason: ok\n`;
    expect(() => parsePolicyFile(long, '.bulkhead.yml')).toThrow('.bulkhead.yml:2: package is longer than 1024 characters.');
  });
});
