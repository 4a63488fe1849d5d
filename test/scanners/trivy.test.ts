import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTrivyReport } from '../../src/scanners/trivy/parse.js';
import { trivyImageArgs } from '../../src/scanners/trivy/run.js';
import { parseImageTarget } from '../../src/config/targets.js';
import { FormatError } from '../../src/util/errors.js';
import { fromTrivy } from '../../src/model/severity.js';
import { fixture, readManifest } from '../helpers.js';

const rows = readManifest(fixture('trivy', 'MANIFEST.tsv')).filter((r) => r.format === 'trivy-json');

function rawResults(document: unknown): Record<string, unknown>[] {
  if (document === null) return [];
  if (Array.isArray(document)) return document as Record<string, unknown>[];
  return (document as { Results?: Record<string, unknown>[] }).Results ?? [];
}

describe('Trivy adapter on every JSON fixture', () => {
  it('covers the fixtures that the manifest lists', () => {
    expect(rows.length).toBeGreaterThan(40);
  });

  // Files the manifest says were edited by hand (an entry without its id, a blanked ArtifactName) or
  // that say nothing of what was scanned (old Trivy's `null`) break the report contract.
  const broken = new Map([
    ['external/DefectDojo__django-DefectDojo/legacy_no_vuln.json', /is JSON null, not a Trivy report/],
    ['external/DefectDojo__django-DefectDojo/legacy_trivy_mix.json', /has \[0\]\.Vulnerabilities\[0\] without VulnerabilityID/],
    ['external/DefectDojo__django-DefectDojo/all_statuses.json', /has no ArtifactName/],
  ]);
  for (const [file, message] of broken) {
    it(`${file}: refused, as the manifest's notes predict`, () => {
      expect(rows.find((r) => r.filename === file)?.notes).toMatch(/EDITED|literal JSON `null`/);
      expect(() => parseTrivyReport(JSON.parse(readFileSync(fixture('trivy', file), 'utf8')), file)).toThrow(message);
    });
  }

  for (const row of rows.filter((r) => !broken.has(r.filename as string))) {
    const file = row.filename as string;
    it(`${file}: counts and severities match the file`, () => {
      const document: unknown = JSON.parse(readFileSync(fixture('trivy', file), 'utf8'));
      const report = parseTrivyReport(document);
      const byKind = (kind: string) => report.findings.filter((f) => f.kind === kind);
      const results = rawResults(document);
      const usableVulns = results.flatMap((r) => (r.Vulnerabilities as Record<string, unknown>[] | undefined) ?? []);
      expect(byKind('vulnerability')).toHaveLength(Number(row['n_vulnerabilities(sarif:n_results)']));
      expect(byKind('secret')).toHaveLength(Number(row.n_secrets));
      expect(byKind('misconfiguration')).toHaveLength(Number(row.n_misconfigurations));
      expect(byKind('license')).toHaveLength(Number(row.n_licenses));
      // Every finding's severity follows the file's own Severity field, entry by entry, in order.
      const entries = (key: string) => results.flatMap((r) => (r[key] as Record<string, unknown>[] | undefined) ?? []);
      const expected = [
        ...usableVulns,
        ...entries('Secrets'),
        ...entries('Misconfigurations').filter((m) => m.Status === 'FAIL'),
        ...entries('Licenses'),
      ].map((e) => (typeof e.Severity === 'string' ? e.Severity : 'UNKNOWN').toLowerCase());
      const order = ['vulnerability', 'secret', 'misconfiguration', 'license'];
      const got = [...report.findings].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind)).map((f) => f.severity);
      expect(got).toHaveLength(expected.length);
      got.forEach((severity, i) => {
        if (expected[i] === 'unknown') expect(['critical', 'high', 'medium', 'low']).toContain(severity);
        else expect(severity).toBe(expected[i]);
      });
      for (const finding of report.findings) {
        expect(finding.tool).toBe('trivy');
        expect(finding.fingerprint).toMatch(/^[0-9a-f]{32}$/);
        expect(finding.message.length).toBeGreaterThan(0);
      }
    });
  }
});

describe('Trivy adapter details', () => {
  it('maps a vulnerability with its package, fix, layer and CVSS', () => {
    const report = parseTrivyReport(JSON.parse(readFileSync(fixture('trivy', 'alpine-310.json'), 'utf8')));
    const ssl = report.findings.find((f) => f.ruleId === 'CVE-2019-1551' && f.pkg?.name === 'libssl1.1');
    expect(ssl).toMatchObject({
      severity: 'medium',
      kind: 'vulnerability',
      pkg: { name: 'libssl1.1', installed: '1.1.1c-r0', fixed: '1.1.1d-r2' },
      layer: 'sha256:03901b4a2ea88eeaad62dbe59b072b28b6efa00491962b8741081c5df50c65e0',
      cvss: 5.3,
    });
    expect(ssl?.message).toContain('fixed in 1.1.1d-r2');
    expect(report.diffIds).toEqual(['sha256:03901b4a2ea88eeaad62dbe59b072b28b6efa00491962b8741081c5df50c65e0']);
    expect(report.history.length).toBeGreaterThan(0);
  });

  it('says when a vulnerability has no fix, with the status Trivy gives', () => {
    const report = parseTrivyReport(JSON.parse(readFileSync(fixture('trivy', 'debian-buster.json'), 'utf8')));
    const bash = report.findings.find((f) => f.pkg?.name === 'bash');
    expect(bash?.pkg?.fixed).toBeUndefined();
    expect(bash?.fixStatus).toBe('affected');
    expect(bash?.message).toContain('no fix available (affected)');
  });

  it('reads the legacy array form, and refuses null and an empty list, which name nothing scanned', () => {
    expect(() => parseTrivyReport(null, 'r.json')).toThrow('r.json is JSON null, not a Trivy report');
    expect(() => parseTrivyReport([], 'r.json')).toThrow('r.json is an empty list');
    const legacy = parseTrivyReport(JSON.parse(readFileSync(fixture('trivy', 'history/v0.19.2/alpine-310.json'), 'utf8')));
    expect(legacy.schema).toBe('legacy');
    expect(legacy.findings).toHaveLength(8);
  });

  it('never copies secret values or the code around them', () => {
    const text = readFileSync(fixture('trivy', 'secrets.json'), 'utf8');
    const report = parseTrivyReport(JSON.parse(text));
    const serialized = JSON.stringify(report.findings);
    expect(serialized).not.toContain('ghp_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    expect(serialized).not.toContain('Content');
    expect(report.findings.map((f) => f.ruleId).sort()).toEqual(['secret/aws-access-key-id', 'secret/mysecret']);
    expect(report.findings.find((f) => f.ruleId === 'secret/aws-access-key-id')?.severity).toBe('critical');
  });

  it('keeps only failed misconfigurations, with the file and line of the cause', () => {
    const report = parseTrivyReport(JSON.parse(readFileSync(fixture('trivy', 'helm_testchart.json'), 'utf8')));
    expect(report.findings.every((f) => f.kind === 'misconfiguration')).toBe(true);
    expect(report.findings.some((f) => f.line !== undefined && f.file !== undefined)).toBe(true);
  });

  it('rates UNKNOWN severities from CVSS when there is one, else medium', () => {
    expect(fromTrivy('UNKNOWN', 9.8)).toBe('critical');
    expect(fromTrivy('UNKNOWN', 5.0)).toBe('medium');
    expect(fromTrivy('UNKNOWN')).toBe('medium');
    expect(fromTrivy('LOW', 9.8)).toBe('low');
  });

  it('keeps fingerprints stable when only the tag, the line or the installed version changes', () => {
    const document = JSON.parse(readFileSync(fixture('trivy', 'alpine-310.json'), 'utf8'));
    const a = parseTrivyReport({ ...document, ArtifactName: 'ghcr.io/acme/app:pr-1' });
    const b = parseTrivyReport({ ...document, ArtifactName: 'ghcr.io/acme/app:pr-2@sha256:' + 'a'.repeat(64) });
    const c = parseTrivyReport({ ...document, ArtifactName: 'ghcr.io/acme/other:pr-1' });
    expect(a.findings.map((f) => f.fingerprint)).toEqual(b.findings.map((f) => f.fingerprint));
    expect(a.findings.map((f) => f.fingerprint)).not.toEqual(c.findings.map((f) => f.fingerprint));
    expect(new Set(a.findings.map((f) => f.fingerprint)).size).toBe(a.findings.length);
  });

  it('refuses what is not a Trivy JSON report, saying what it is', () => {
    expect(() => parseTrivyReport({ SchemaVersion: 3, Results: [] })).toThrow(/SchemaVersion 3/);
    expect(() => parseTrivyReport({ Results: [] })).toThrow(/no SchemaVersion/);
    expect(() => parseTrivyReport(JSON.parse(readFileSync(fixture('trivy', 'alpine-310.sarif'), 'utf8')))).toThrow(/SARIF/);
    expect(() => parseTrivyReport(42)).toThrow(FormatError);
    expect(() => parseTrivyReport({ SchemaVersion: 2, ArtifactName: 'a', Results: [{ Target: 't', Vulnerabilities: 'x' }] })).toThrow(
      /has Results\[0\]\.Vulnerabilities that is not a list/,
    );
  });

  it('refuses entries it cannot gate on, naming the JSON path: no id, no package, unknown or missing severity', () => {
    const report = (entry: Record<string, unknown>, key = 'Vulnerabilities') => ({
      SchemaVersion: 2,
      ArtifactName: 'ghcr.io/acme/app:1',
      ArtifactType: 'container_image',
      Results: [{ Target: 'os', Vulnerabilities: [], [key]: [entry] }],
    });
    const good = { VulnerabilityID: 'CVE-2024-1', PkgName: 'openssl', InstalledVersion: '1', Severity: 'CRITICAL' };
    expect(parseTrivyReport(report(good)).findings[0]?.severity).toBe('critical');
    const cases: [Record<string, unknown>, RegExp, string?][] = [
      [{ ...good, VulnerabilityID: undefined }, /r\.json has Results\[0\]\.Vulnerabilities\[0\] without VulnerabilityID/],
      [{ ...good, PkgName: '' }, /Vulnerabilities\[0\] without PkgName/],
      [
        { ...good, Severity: 'SUPER' },
        /Vulnerabilities\[0\]\.Severity "SUPER"; Trivy's severities are CRITICAL, HIGH, MEDIUM, LOW and UNKNOWN/,
      ],
      [{ ...good, Severity: 4 }, /Vulnerabilities\[0\]\.Severity 4;/],
      [{ ...good, Severity: 'critical' }, /Severity "critical";/],
      [{ ...good, Severity: undefined }, /Severity missing;/],
      [{ Title: 'AWS' }, /Secrets\[0\] without RuleID/, 'Secrets'],
      [{ RuleID: 'aws', Severity: 'BAD' }, /Secrets\[0\]\.Severity "BAD"/, 'Secrets'],
      [{ ID: 'DS002', Severity: 'HIGH' }, /Misconfigurations\[0\] without Status/, 'Misconfigurations'],
      [{ Severity: 'HIGH' }, /Licenses\[0\] without Name/, 'Licenses'],
    ];
    for (const [entry, message, key] of cases)
      expect(() => parseTrivyReport(report(entry, key), 'r.json'), message.source).toThrow(message);
    expect(() => parseTrivyReport({ ...report(good), Results: [{ Vulnerabilities: [good] }] }, 'r.json')).toThrow(
      /Results\[0\] without a Target/,
    );
    expect(() => parseTrivyReport({ ...report(good), ArtifactName: '' }, 'r.json')).toThrow(/has no ArtifactName/);
  });
});

describe("Trivy's arguments", () => {
  it('asks Trivy for the scan kinds trivy-scanners names, and nothing else', () => {
    const args = trivyImageArgs(parseImageTarget('acme/app:1'), '/tmp/out.json', {
      cacheDir: '/c',
      timeoutMs: 60_000,
      workspace: '/w',
      scanKinds: ['vuln', 'misconfig', 'license'],
      skipDirs: [],
      skipFiles: [],
      pkgTypes: ['os', 'library'],
    });
    expect(args.slice(args.indexOf('--scanners'), args.indexOf('--scanners') + 2)).toEqual(['--scanners', 'vuln,misconfig,license']);
    expect(args.filter((a) => a === '--scanners')).toHaveLength(1);
  });
});
