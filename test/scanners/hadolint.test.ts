import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonSequence } from '../../src/util/jsonStream.js';
import { parseHadolintReport } from '../../src/scanners/hadolint/parse.js';
import { fixture, readManifest } from '../helpers.js';

const rows = readManifest(fixture('hadolint', 'MANIFEST.tsv'));
const identity = (file: string) => file;
const LEVEL_TO_SEVERITY: Record<string, string> = { error: 'high', warning: 'medium', info: 'low', style: 'info' };

describe('hadolint adapter on every fixture', () => {
  for (const row of rows.filter((r) => r.format === 'json' || r.format === 'json-concatenated')) {
    it(`${row.filename}: findings, codes and levels match the file`, () => {
      const text = readFileSync(fixture('hadolint', row.filename as string), 'utf8');
      const documents = parseJsonSequence(text);
      const report = parseHadolintReport(documents, identity);
      expect(report.findings).toHaveLength(Number(row.n_findings));
      expect([...new Set(report.findings.map((f) => f.ruleId))].sort().join(',')).toBe(row.codes);
      const raw = documents.flat() as { code: string; level: string; line: number }[];
      report.findings.forEach((finding, i) => {
        expect(finding.ruleId).toBe(raw[i]?.code);
        expect(finding.severity).toBe(LEVEL_TO_SEVERITY[raw[i]?.level as string]);
        expect(finding.line).toBe(raw[i]?.line);
        expect(finding.kind).toBe('lint');
      });
      expect(new Set(report.findings.map((f) => f.fingerprint)).size).toBe(report.findings.length);
    });
  }

  it('reads the appended-arrays quirk as one report', () => {
    const text = readFileSync(fixture('hadolint', 'mikewithoutthemechanics__THE-BRIDGE-AI-OS-V0__79456a3/hadolint-report.json'), 'utf8');
    expect(() => JSON.parse(text)).toThrow();
    const documents = parseJsonSequence(text);
    expect(documents).toHaveLength(4);
    const report = parseHadolintReport(documents, identity);
    expect(report.findings.map((f) => f.file)).toEqual(['Xpayments/Dockerfile', 'Xpayments/Dockerfile']);
  });

  it('maps the stdin name and Windows paths through the resolver', () => {
    const text = readFileSync(fixture('hadolint', 'hamzamaan__aws-microservices-app__9d3752c/hadolint.json'), 'utf8');
    const report = parseHadolintReport(parseJsonSequence(text), (file) => (file === '-' ? 'services/api/Dockerfile' : file));
    expect(report.findings[0]).toMatchObject({
      file: 'services/api/Dockerfile',
      ruleId: 'DL3045',
      helpUri: 'https://github.com/hadolint/hadolint/wiki/DL3045',
    });
  });

  it('links ShellCheck codes to the ShellCheck wiki', () => {
    const text = readFileSync(fixture('hadolint', 'quangh0409__tool_check__00e77e8/hadolint.json'), 'utf8');
    const report = parseHadolintReport(parseJsonSequence(text), identity);
    expect(report.findings.find((f) => f.ruleId === 'SC2225')?.helpUri).toBe('https://www.shellcheck.net/wiki/SC2225');
  });

  it('refuses hadolint SARIF and non-list JSON with a sentence that says what to run', () => {
    const sarif = readFileSync(fixture('hadolint', 'zachatkinson__csfrace-scrape-back__d6a3189/hadolint-results.sarif'), 'utf8');
    expect(() => parseHadolintReport(parseJsonSequence(sarif), identity)).toThrow(/SARIF.*-f json/);
    expect(() => parseHadolintReport([{ code: 'DL3008' }], identity)).toThrow(/list of findings/);
  });

  it('keeps fingerprints when lines move, and tells repeated findings apart', () => {
    const a = parseHadolintReport(
      [
        [
          {
            code: 'DL3059',
            file: 'Dockerfile',
            level: 'info',
            line: 5,
            message: 'Multiple consecutive `RUN` instructions. Consider consolidation.',
          },
          {
            code: 'DL3059',
            file: 'Dockerfile',
            level: 'info',
            line: 9,
            message: 'Multiple consecutive `RUN` instructions. Consider consolidation.',
          },
        ],
      ],
      identity,
    );
    const b = parseHadolintReport(
      [
        [
          {
            code: 'DL3059',
            file: 'Dockerfile',
            level: 'info',
            line: 7,
            message: 'Multiple consecutive `RUN` instructions. Consider consolidation.',
          },
          {
            code: 'DL3059',
            file: 'Dockerfile',
            level: 'info',
            line: 12,
            message: 'Multiple consecutive `RUN` instructions. Consider consolidation.',
          },
        ],
      ],
      identity,
    );
    expect(a.findings.map((f) => f.fingerprint)).toEqual(b.findings.map((f) => f.fingerprint));
    expect(a.findings[0]?.fingerprint).not.toBe(a.findings[1]?.fingerprint);
  });
});

describe('parseJsonSequence', () => {
  it('splits values written back to back, strings with brackets included', () => {
    expect(parseJsonSequence('[]\n[{"a":"]["}] {"b":1}')).toEqual([[], [{ a: '][' }], { b: 1 }]);
    expect(parseJsonSequence('null')).toEqual([null]);
  });
  it('says where a truncated value starts', () => {
    expect(() => parseJsonSequence('[] [{"a": 1}')).toThrow(/offset 3/);
  });
  it('refuses an object with the same key twice, however the key is spelled, and says where', () => {
    const twice = '{"SchemaVersion": 2, "Results": [{"Target": "x", "Vulnerabilities": [{"Severity": "CRITICAL", "Severity": "LOW"}]}]}';
    expect(() => parseJsonSequence(twice, 'r.json')).toThrow(
      /^r\.json has the key "Severity" twice in Results\[0\]\.Vulnerabilities\[0\]; a tool writes each key once/,
    );
    expect(() => parseJsonSequence('{"Results": [], "Re\\u0073ults": [1]}', 'r.json')).toThrow(/"Results" twice in the top-level object/);
    // The same key in sibling objects, and keys inside strings, are fine.
    expect(parseJsonSequence('[{"a": 1}, {"a": 2}] {"b": "\\"a\\": 1, \\"a\\": 2"}')).toHaveLength(2);
  });
});
