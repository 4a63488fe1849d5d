import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { parseJsonSequence } from '../../src/util/jsonStream.js';
import { decide } from '../../src/policy/decide.js';
import { automationId, buildSarif, ruleName, toUri, type SarifLog } from '../../src/report/sarif.js';
import { jsonTextString } from '../../src/util/jsonText.js';
import { parseHadolintReport } from '../../src/scanners/hadolint/parse.js';
import { parseTrivyReport } from '../../src/scanners/trivy/parse.js';
import { FormatError } from '../../src/util/errors.js';
import type { ScanResult } from '../../src/model/scanResult.js';
import { fixture, readManifest } from '../helpers.js';
import { multitoolProblems, schemaErrors } from '../support/sarif.js';

function result(tool: ScanResult['tool'], key: string, findings: Finding[], version?: string): ScanResult {
  return { tool, key, target: key, origin: 'report', status: 'ok', durationMs: 1, findings, warnings: [], ...(version ? { version } : {}) };
}

function sarifFor(results: ScanResult[], limits?: { runs: number; resultsPerRun: number; gzippedBytes: number }) {
  const decisions = decide(
    results.flatMap((r) => r.findings),
    { failOn: 'high', ignoreUnfixed: false },
  );
  const built = buildSarif({ results, decisions, category: 'bulkhead', bulkheadVersion: '0.1.0', ...(limits ? { limits } : {}) });
  // The log as it is written and uploaded.
  return { ...built, log: JSON.parse(jsonTextString(built.text)) as SarifLog };
}

/** Every fixture through the adapters into SARIF, placed on a Dockerfile as run.ts does. */
function fixtureLogs(): Record<string, SarifLog> {
  const logs: Record<string, SarifLog> = {};
  for (const row of readManifest(fixture('trivy', 'MANIFEST.tsv')).filter((r) => r.format === 'trivy-json')) {
    let report;
    try {
      report = parseTrivyReport(JSON.parse(readFileSync(fixture('trivy', row.filename as string), 'utf8')));
    } catch (error) {
      // The hand-edited fixtures that break the report contract (test/scanners/trivy.test.ts) make no log.
      if (error instanceof FormatError) continue;
      throw error;
    }
    const findings = report.findings.map((f) => (f.file ? f : { ...f, file: 'Dockerfile', line: 1 }));
    logs[`trivy-${(row.filename as string).replace(/[^A-Za-z0-9.-]+/g, '_')}`] = sarifFor([
      result('trivy', report.artifactName ?? 'x', findings, report.trivyVersion),
    ]).log;
  }
  for (const row of readManifest(fixture('hadolint', 'MANIFEST.tsv')).filter((r) => (r.format ?? '').startsWith('json'))) {
    const report = parseHadolintReport(parseJsonSequence(readFileSync(fixture('hadolint', row.filename as string), 'utf8')), (f) =>
      f.replace(/\\/g, '/'),
    );
    logs[`hadolint-${(row.filename as string).replace(/[^A-Za-z0-9.-]+/g, '_')}`] = sarifFor([
      result('hadolint', 'Dockerfile', report.findings),
    ]).log;
  }
  return logs;
}

describe('SARIF writer', () => {
  const logs = fixtureLogs();

  it('writes logs that pass the SARIF 2.1.0 schema for every fixture', () => {
    expect(Object.keys(logs).length).toBeGreaterThan(50);
    for (const [name, log] of Object.entries(logs)) expect({ name, errors: schemaErrors(log) }).toEqual({ name, errors: [] });
  });

  it('writes logs that Sarif.Multitool validates with zero errors and warnings (Sarif;Ghas)', () => {
    expect(multitoolProblems(logs)).toEqual([]);
  });

  it('gives each rule what code scanning needs', () => {
    const log = logs['trivy-alpine-39.json'] as SarifLog;
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.shortDescription?.text.length).toBeGreaterThan(0);
      expect(rule.fullDescription?.text.length).toBeGreaterThan(0);
      expect(rule.help?.text.length).toBeGreaterThan(0);
      expect(rule.help?.markdown?.length).toBeGreaterThan(0);
      expect(rule.properties?.tags).toContain('security');
      expect(rule.name).not.toBe(rule.id);
    }
    const critical = rules.find((r) => r.id === 'CVE-2019-14697');
    expect(Number(critical?.properties?.['security-severity'])).toBeGreaterThanOrEqual(9);
    const medium = rules.find((r) => r.id === 'CVE-2019-1549');
    expect(Number(medium?.properties?.['security-severity'])).toBeGreaterThanOrEqual(4);
    expect(Number(medium?.properties?.['security-severity'])).toBeLessThan(7);
    expect(log.runs[0]?.tool.driver.name).toBe('Trivy');
    expect(log.runs[0]?.tool.extensions?.[0]?.name).toBe('bulkhead');
  });

  it('puts each result on a repo-relative file and line with a fingerprint', () => {
    const log = logs['trivy-alpine-39.json'] as SarifLog;
    for (const r of log.runs[0]?.results ?? []) {
      expect(r.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe('Dockerfile');
      expect(r.locations?.[0]?.physicalLocation?.region?.startLine).toBe(1);
      expect(r.partialFingerprints?.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}:1$/);
    }
  });

  it('gives every run its own category from tool and image repository, never the tag', () => {
    const a = result('trivy', 'ghcr.io/acme/api', []);
    const b = result('trivy', 'ghcr.io/acme/web', []);
    const c = result('hadolint', 'services/api/Dockerfile', []);
    const ids = sarifFor([a, b, c]).log.runs.map((r) => r.automationDetails?.id);
    expect(ids).toEqual([
      'bulkhead/trivy/ghcr.io/acme/api/',
      'bulkhead/trivy/ghcr.io/acme/web/',
      'bulkhead/hadolint/services/api/Dockerfile/',
    ]);
    expect(automationId('bulkhead', 'trivy', 'weird key:with spaces')).toBe('bulkhead/trivy/weird-key-with-spaces/');
  });

  it('keeps the most severe results past the per-run limit and says what it left out', () => {
    const report = parseTrivyReport(JSON.parse(readFileSync(fixture('trivy', 'alpine-39.json'), 'utf8')));
    const { log, omitted } = sarifFor([result('trivy', 'alpine', report.findings)], {
      runs: 20,
      resultsPerRun: 2,
      gzippedBytes: 10 * 1024 * 1024,
    });
    const kept = log.runs[0]?.results ?? [];
    expect(kept).toHaveLength(2);
    expect(kept.every((r) => r.ruleId === 'CVE-2019-14697')).toBe(true);
    expect(omitted).toMatchObject({ results: 4, bySeverity: { medium: 4 } });
    expect(log.runs[0]?.properties?.omitted).toEqual({ results: 4, bySeverity: { medium: 4 } });
  });

  it('drops whole runs past the run limit, least severe first, and names them', () => {
    const critical = parseTrivyReport(JSON.parse(readFileSync(fixture('trivy', 'alpine-39.json'), 'utf8'))).findings;
    const lint = parseHadolintReport([[{ code: 'DL3059', file: 'Dockerfile', level: 'info', line: 2, message: 'x' }]], (f) => f).findings;
    const { log, omitted } = sarifFor([result('hadolint', 'Dockerfile', lint), result('trivy', 'alpine', critical)], {
      runs: 1,
      resultsPerRun: 100,
      gzippedBytes: 10 * 1024 * 1024,
    });
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0]?.automationDetails?.id).toBe('bulkhead/trivy/alpine/');
    expect(omitted.runs).toEqual([{ tool: 'hadolint', key: 'Dockerfile', results: 1 }]);
    expect(log.runs[0]?.properties?.omittedRuns).toEqual(omitted.runs);
  });

  it('fits the gzipped size limit by cutting the least severe results', () => {
    const report = parseTrivyReport(
      JSON.parse(readFileSync(fixture('trivy', 'large-bendehaan-problematic-project-debian10-legacy-1486vulns.json'), 'utf8')),
    );
    const { log, omitted } = sarifFor([result('trivy', 'big', report.findings)], { runs: 20, resultsPerRun: 25_000, gzippedBytes: 60_000 });
    expect(gzipSync(JSON.stringify(log)).length).toBeLessThanOrEqual(60_000);
    const kept = log.runs[0]?.results ?? [];
    expect(kept.length).toBeGreaterThan(0);
    expect(omitted.results + kept.length).toBe(report.findings.length);
    // Nothing kept is less severe than anything cut.
    const rank = ['critical', 'high', 'medium', 'low', 'info'];
    const worstKept = Math.max(...kept.map((r) => rank.indexOf(String(r.properties?.severity))));
    const cutSeverities = Object.keys(omitted.bySeverity).map((s) => rank.indexOf(s));
    expect(Math.min(...cutSeverities)).toBeGreaterThanOrEqual(worstKept);
    expect(schemaErrors(log)).toEqual([]);
  });

  it('never writes a secret that was in the scanned file', () => {
    const report = parseTrivyReport(JSON.parse(readFileSync(fixture('trivy', 'secrets.json'), 'utf8')));
    const text = JSON.stringify(sarifFor([result('trivy', 'repo', report.findings)]).log);
    expect(text).not.toContain('ghp_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    expect(text).not.toContain('AWS_ACCESS_KEY_ID=');
  });

  it('names each run after the tool that found its results, so code scanning can filter by it', () => {
    const trivy = parseTrivyReport(JSON.parse(readFileSync(fixture('trivy', 'alpine-39.json'), 'utf8')));
    const lint = parseHadolintReport([[{ code: 'DL3059', file: 'Dockerfile', level: 'info', line: 2, message: 'x' }]], (f) => f).findings;
    const own: Finding = {
      ...(lint[0] as Finding),
      tool: 'bulkhead',
      ruleId: 'BH101',
      fingerprint: 'f'.repeat(32),
      title: 'Image runs as root',
    };
    const { log } = sarifFor([
      result('trivy', 'alpine', trivy.findings, '0.69.3'),
      result('hadolint', 'Dockerfile', lint),
      result('bulkhead', 'img', [own]),
    ]);
    expect(log.runs.map((r) => [r.tool.driver.name, r.tool.driver.version, r.tool.extensions?.map((e) => e.name)])).toEqual([
      ['Trivy', '0.69.3', ['bulkhead']],
      ['Hadolint', '0.0.0-unknown', ['bulkhead']],
      ['bulkhead', '0.1.0', undefined],
    ]);
    // A report file without the scanner's version says nothing rather than a made-up one; bulkhead's version and mapping are on the run.
    expect(log.runs[1]?.properties?.bulkhead).toMatchObject({ version: '0.1.0', mapping: expect.stringContaining('style') });
    expect(new Set(log.runs.map((r) => r.automationDetails?.id)).size).toBe(3);
    expect(multitoolProblems({ drivers: log })).toEqual([]);
  });

  it("renders a built-in rule's own code spans in its help, and escapes a scanner's text", () => {
    const lint = parseHadolintReport(
      [[{ code: 'DL3002', file: 'Dockerfile', level: 'warning', line: 2, message: 'Last USER should not be `root`' }]],
      (f) => f,
    ).findings;
    const own: Finding = {
      ...(lint[0] as Finding),
      tool: 'bulkhead',
      ruleId: 'BH101',
      fingerprint: 'f'.repeat(32),
      title: 'Image runs as root',
    };
    const { log } = sarifFor([result('bulkhead', 'img', [own]), result('hadolint', 'Dockerfile', lint)]);
    const builtin = log.runs[0]?.tool.driver.rules?.[0]?.help;
    expect(builtin?.markdown).toContain('sets `root`, `0`, or `0:<group>`');
    expect(builtin?.markdown).not.toContain('\\`');
    expect(builtin?.text).toContain('sets root, 0, or 0:<group>');
    expect(log.runs[1]?.tool.driver.rules?.[0]?.help?.markdown).toContain('\\`root\\`');
  });

  it('encodes paths as relative URI references', () => {
    expect(toUri('./services/my api/Dockerfile')).toBe('services/my%20api/Dockerfile');
    expect(toUri('a\\b\\Dockerfile')).toBe('a/b/Dockerfile');
    expect(ruleName('DL3002', 'Last USER should not be root')).toBe('LastUserShouldNotBeRoot');
    expect(ruleName('CVE-2024-1', 'CVE-2024-1')).toBe('Cve20241');
    expect(ruleName('X', '')).toBe('RuleX');
  });
});
