import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { applyPolicy, exceptionState, type GatePolicy } from '../../src/policy/decide.js';
import type { PolicyException } from '../../src/policy/file.js';
import { parseOpenVex } from '../../src/policy/vex.js';
import { parseTrivyReport } from '../../src/scanners/trivy/parse.js';
import { parseHadolintReport } from '../../src/scanners/hadolint/parse.js';
import { fixture } from '../helpers.js';

/** Real findings: alpine 3.9 (musl critical, openssl medium) as ghcr.io/acme/app, and a hadolint report. */
const trivy = parseTrivyReport({
  ...JSON.parse(readFileSync(fixture('trivy', 'alpine-39.json'), 'utf8')),
  ArtifactName: 'ghcr.io/acme/app:pr-7',
}).findings.map((f) => ({ ...f, file: 'Dockerfile', line: 1 }));
const lint = parseHadolintReport(
  [JSON.parse(readFileSync(fixture('hadolint', 'DefectDojo__django-DefectDojo__7cfa159/many_dockerfile.json'), 'utf8'))],
  (f) => f.replace(/\\/g, '/'),
).findings;
const findings: Finding[] = [...trivy, ...lint];

const TODAY = '2026-11-22';
const base: GatePolicy = { failOn: 'high', ignoreUnfixed: false, today: TODAY };

function exception(match: PolicyException['match'], extra: Partial<PolicyException> = {}): PolicyException {
  return { match, reason: 'accepted', source: '.bulkhead.yml:3', ...extra };
}

describe('exception matching', () => {
  const table: [string, PolicyException['match'], string[]][] = [
    ['an id', { id: 'CVE-2019-14697' }, ['CVE-2019-14697/musl', 'CVE-2019-14697/musl-utils']],
    ['an id and a package', { id: 'CVE-2019-14697', package: 'musl' }, ['CVE-2019-14697/musl']],
    [
      'a package glob',
      { package: 'lib*1.1' },
      ['CVE-2019-1549/libcrypto1.1', 'CVE-2019-1551/libcrypto1.1', 'CVE-2019-1549/libssl1.1', 'CVE-2019-1551/libssl1.1'],
    ],
    [
      'an image glob on the repository',
      { id: 'CVE-2019-14697', image: 'ghcr.io/acme/*' },
      ['CVE-2019-14697/musl', 'CVE-2019-14697/musl-utils'],
    ],
    ['another image', { id: 'CVE-2019-14697', image: 'ghcr.io/other/*' }, []],
    [
      'a rule in a Dockerfile glob',
      { id: 'DL3008', dockerfile: '**/Dockerfile.nginx' },
      ['DL3008/django-DefectDojo/Dockerfile.nginx', 'DL3008/django-DefectDojo/Dockerfile.nginx'],
    ],
    [
      'a tool',
      { tool: 'hadolint', id: 'DL3015' },
      [
        'DL3015/django-DefectDojo/Dockerfile.django',
        'DL3015/django-DefectDojo/Dockerfile.nginx',
        'DL3015/django-DefectDojo/Dockerfile.nginx',
      ],
    ],
    ['a purl without version', { purl: 'pkg:apk/alpine/musl' }, ['CVE-2019-14697/musl']],
    ['a purl with another version', { purl: 'pkg:apk/alpine/musl@9.9.9' }, []],
  ];
  for (const [name, match, expected] of table) {
    it(`by ${name}`, () => {
      const outcome = applyPolicy(findings, { ...base, exceptions: [exception(match)] });
      const suppressed = outcome.decisions
        .filter((d) => d.verdict === 'suppressed')
        .map((d) => `${d.finding.ruleId}/${d.finding.pkg?.name ?? d.finding.file}`);
      expect(suppressed).toEqual(expected);
      expect(outcome.exceptions[0]?.matched).toBe(expected.length);
      for (const d of outcome.decisions.filter((x) => x.verdict === 'suppressed'))
        expect(d.reason).toBe('exception .bulkhead.yml:3: accepted');
    });
  }

  it('matches Trivy misconfiguration IDs in every historical form', () => {
    const misconfig = parseTrivyReport(JSON.parse(readFileSync(fixture('trivy', 'dockerfile.json'), 'utf8'))).findings;
    for (const id of ['DS-0002', 'DS002', 'AVD-DS-0002']) {
      expect(applyPolicy(misconfig, { ...base, exceptions: [exception({ id })] }).decisions[0]?.verdict).toBe('suppressed');
    }
  });
});

describe('precedence', () => {
  const musl = findings.filter((f) => f.pkg?.name === 'musl');
  const vexNotAffected = parseOpenVex(
    {
      '@context': 'https://openvex.dev/ns/v0.2.0',
      timestamp: '2026-01-01T00:00:00Z',
      statements: [
        {
          vulnerability: { name: 'CVE-2019-14697' },
          products: [{ '@id': 'pkg:oci/app', subcomponents: [{ '@id': 'pkg:apk/alpine/musl' }] }],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
        },
      ],
    },
    'vex.json',
  );

  it('VEX beats an exception, an exception beats ignore-unfixed and the threshold', () => {
    const both = applyPolicy(musl, { ...base, vex: vexNotAffected, exceptions: [exception({ id: 'CVE-2019-14697' })] });
    expect(both.decisions[0]?.reason).toBe('VEX vex.json statement 1: not affected (vulnerable code not in execute path)');
    expect(both.exceptions[0]?.matched).toBe(0);
    const exceptionOnly = applyPolicy(musl, { ...base, ignoreUnfixed: true, exceptions: [exception({ id: 'CVE-2019-14697' })] });
    expect(exceptionOnly.decisions[0]?.verdict).toBe('suppressed');
  });

  it('a later VEX statement that says affected undoes an earlier not_affected', () => {
    const statements = parseOpenVex(
      {
        timestamp: '2026-01-01T00:00:00Z',
        statements: [
          {
            vulnerability: 'CVE-2019-14697',
            products: ['pkg:apk/alpine/musl'],
            status: 'not_affected',
            justification: 'component_not_present',
            timestamp: '2026-01-01T00:00:00Z',
          },
          {
            vulnerability: 'CVE-2019-14697',
            products: ['pkg:apk/alpine/musl'],
            status: 'affected',
            action_statement: 'upgrade',
            timestamp: '2026-02-01T00:00:00+02:00',
          },
        ],
      },
      'vex.json',
    );
    expect(applyPolicy(musl, { ...base, vex: statements }).decisions[0]?.verdict).toBe('fails-gate');
  });

  it('an override changes the severity before the threshold, and the reason says so', () => {
    const outcome = applyPolicy(
      lint.filter((f) => f.ruleId === 'DL3002'),
      {
        ...base,
        overrides: [
          { tool: 'hadolint', severity: 'low', source: 'p:2' },
          { id: 'DL3002', severity: 'critical', source: 'p:4' },
        ],
      },
    );
    expect(outcome.decisions[0]).toMatchObject({ verdict: 'fails-gate', finding: { severity: 'critical' } });
    expect(outcome.decisions[0]?.reason).toBe('critical is at or above fail-on high (severity medium → critical by override p:4)');
  });
});

describe('expiry, whole days in UTC', () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'active'],
    ['2026-11-21', 'expired'],
    ['2026-11-22', 'expired'],
    ['2026-11-23', 'expiring'],
    ['2026-12-06', 'expiring'],
    ['2026-12-07', 'active'],
  ];
  for (const [expires, state] of cases) {
    it(`expires ${expires ?? 'never'} on ${TODAY} → ${state}`, () => {
      expect(exceptionState(exception({ id: 'x' }, expires ? { expires } : {}), TODAY)).toBe(state);
    });
  }

  it('an expired exception stops applying, and is reported with what it covered', () => {
    const outcome = applyPolicy(findings, { ...base, exceptions: [exception({ id: 'CVE-2019-14697' }, { expires: '2026-11-01' })] });
    expect(outcome.decisions.filter((d) => d.verdict === 'suppressed')).toEqual([]);
    expect(outcome.exceptions[0]).toMatchObject({ state: 'expired', matched: 2 });
  });

  it('"today" is the UTC day: 23:30 in New York on the 21st is already the 22nd', async () => {
    const { todayUtc } = await import('../../src/policy/decide.js');
    expect(todayUtc(new Date('2026-11-21T23:30:00-05:00'))).toBe('2026-11-22');
    expect(todayUtc(new Date('2026-11-22T00:30:00+02:00'))).toBe('2026-11-21');
  });

  it('an exception that matched nothing is found stale', () => {
    const outcome = applyPolicy(findings, { ...base, exceptions: [exception({ id: 'CVE-1999-0001' })] });
    expect(outcome.exceptions[0]).toMatchObject({ state: 'active', matched: 0 });
  });
});

describe('only-new against a baseline', () => {
  it('gates only findings whose fingerprint is new, and counts new, unchanged and fixed', () => {
    const known = findings.filter((f) => f.ruleId !== 'CVE-2019-14697' || f.pkg?.name !== 'musl');
    const baseline = {
      source: 'base.json',
      entries: new Map(
        known.map((f) => [f.fingerprint, { fingerprint: f.fingerprint, ruleId: f.ruleId, title: f.title, severity: f.severity }]),
      ),
    };
    baseline.entries.set('gone', { fingerprint: 'gone', ruleId: 'CVE-2000-1', title: 'old', severity: 'high' });
    const outcome = applyPolicy(findings, { ...base, onlyNew: true, baseline });
    const failing = outcome.decisions.filter((d) => d.verdict === 'fails-gate');
    expect(failing.map((d) => `${d.finding.ruleId}/${d.finding.pkg?.name}`)).toEqual(['CVE-2019-14697/musl']);
    const muslUtils = outcome.decisions.find((d) => d.finding.pkg?.name === 'musl-utils');
    expect(muslUtils).toMatchObject({ verdict: 'below-threshold', reason: 'only-new: already in the baseline (base.json)' });
    expect(outcome.baseline).toMatchObject({ source: 'base.json', new: 1, unchanged: findings.length - 1 });
    expect(outcome.baseline?.fixed.map((f) => f.ruleId)).toEqual(['CVE-2000-1']);
  });
});
