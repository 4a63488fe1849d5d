import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTrivyReport } from '../../src/scanners/trivy/parse.js';
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

  for (const row of rows) {
    const file = row.filename as string;
    it(`${file}: counts and severities match the file`, () => {
      const document: unknown = JSON.parse(readFileSync(fixture('trivy', file), 'utf8'));
      const report = parseTrivyReport(document);
      const byKind = (kind: string) => report.findings.filter((f) => f.kind === kind);
      const results = rawResults(document);
      const usableVulns = results
        .flatMap((r) => (r.Vulnerabilities as Record<string, unknown>[] | undefined) ?? [])
        .filter((v) => v.VulnerabilityID && v.PkgName);
      // The manifest's count is of entries in the file; entries without an ID are said, not kept.
      expect(byKind('vulnerability').length + (Number(row['n_vulnerabilities(sarif:n_results)']) - usableVulns.length)).toBe(
        Number(row['n_vulnerabilities(sarif:n_results)']),
      );
      expect(byKind('secret')).toHaveLength(Number(row.n_secrets));
      expect(byKind('misconfiguration')).toHaveLength(Number(row.n_misconfigurations));
      expect(byKind('license')).toHaveLength(Number(row.n_licenses));
      if (usableVulns.length < Number(row['n_vulnerabilities(sarif:n_results)'])) {
        expect(report.warnings.join(' ')).toMatch(/could not be used/);
      }
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

  it('reads the legacy array and null forms', () => {
    expect(parseTrivyReport(null)).toMatchObject({ schema: 'legacy', findings: [] });
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
    expect(() => parseTrivyReport({ SchemaVersion: 2, Results: [{ Vulnerabilities: 'x' }] })).toThrow(/not a list/);
  });
});
