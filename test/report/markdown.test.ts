import { describe, expect, it } from 'vitest';
import { fingerprintOf, type Finding, type Severity } from '../../src/model/finding.js';
import { decide } from '../../src/policy/decide.js';
import { gate } from '../../src/policy/gate.js';
import { countDecisions } from '../../src/report/counts.js';
import { codeSpan, escapeMarkdown } from '../../src/report/escape.js';
import { renderSummary } from '../../src/report/markdown.js';
import type { ScanResult } from '../../src/model/scanResult.js';

function finding(i: number, severity: Severity, extra: Partial<Finding> = {}): Finding {
  return {
    tool: 'trivy',
    ruleId: `CVE-2024-${1000 + i}`,
    kind: 'vulnerability',
    severity,
    title: `problem ${i}`,
    message: `pkg${i} 1.0 is affected.`,
    pkg: { name: `pkg${i}`, installed: '1.0', fixed: '1.1' },
    image: 'ghcr.io/acme/app:pr-1',
    file: 'Dockerfile',
    line: 3,
    fingerprint: fingerprintOf([String(i)]),
    ...extra,
  };
}

function summaryOf(findings: Finding[], limitBytes?: number): string {
  const result: ScanResult = {
    tool: 'trivy',
    key: 'ghcr.io/acme/app',
    target: 'ghcr.io/acme/app:pr-1',
    origin: 'report',
    status: 'ok',
    durationMs: 1200,
    findings,
    warnings: [],
  };
  const decisions = decide(findings, { failOn: 'high', ignoreUnfixed: false });
  return renderSummary({
    gate: gate(decisions, [result], { failOn: 'high', scannerError: 'fail' }),
    decisions,
    results: [result],
    counts: countDecisions(decisions),
    failOn: 'high',
    omitted: { runs: [], results: 0, bySeverity: {} },
    notes: [],
    sarifFile: 'bulkhead.sarif',
    reportFile: 'bulkhead-report.json',
    ...(limitBytes ? { limitBytes } : {}),
  });
}

describe('job summary', () => {
  it('puts the verdict first, then counts, then the failing findings most severe first, the rest folded', () => {
    const text = summaryOf([finding(1, 'medium'), finding(2, 'high'), finding(3, 'critical')]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('## ❌ bulkhead: fail');
    expect(text).toContain('- 2 findings at or above high');
    expect(text).toMatch(/\| 🟥 critical \| 1 \| 1 \| 1 \|/);
    const failing = text.indexOf('### Fails the gate (2)');
    const folded = text.indexOf('<details><summary>Below the gate (1)</summary>');
    expect(failing).toBeGreaterThan(0);
    expect(folded).toBeGreaterThan(failing);
    expect(text.indexOf('CVE-2024-1003')).toBeLessThan(text.indexOf('CVE-2024-1002'));
    expect(text).toContain('`1.1`');
  });

  it('says pass plainly when nothing reaches the gate', () => {
    const text = summaryOf([finding(1, 'low')]);
    expect(text.split('\n')[0]).toBe('## ✅ bulkhead: pass');
    expect(text).toContain('No finding at or above **high** remains. 1 finding reported in all.');
  });

  it('renders scanner text inert: no HTML, no mentions, no links it did not come with', () => {
    const hostile = finding(1, 'critical', {
      title: '@octocat <img src=x onerror=alert(1)> [x](javascript:alert(1)) **bold** | cell www.evil.test https://evil.test',
      helpUri: 'javascript:alert(1)',
      pkg: { name: 'a|b`c', installed: '1' },
    });
    const text = summaryOf([hostile]);
    expect(text).not.toMatch(/<img/);
    expect(text).not.toContain('@octocat');
    expect(text).not.toMatch(/(?<!\\)\]\(javascript:/);
    expect(text).not.toContain('https://evil.test');
    expect(text).not.toContain('www.evil.test');
    expect(text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // The pipe in the package name does not split the table row.
    const row = text.split('\n').find((l) => l.includes('problem') || l.includes('octocat'));
    expect(row).toBeDefined();
    expect((row as string).split(/(?<!\\)\|/).length).toBe(8);
  });

  it('stays under the size limit by listing fewer rows and says how many it left out', () => {
    const findings = Array.from({ length: 3000 }, (_, i) => finding(i, i % 2 ? 'critical' : 'low', { title: 'x'.repeat(200) }));
    const text = summaryOf(findings, 100_000);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(100_000);
    expect(text).toMatch(
      /> \d+ more findings are not listed here to keep this summary under GitHub's size limit; all are in `bulkhead-report.json`\./,
    );
    expect(text.split('\n')[0]).toBe('## ❌ bulkhead: fail');
  });
});

describe('escaping', () => {
  it('escapes markdown and HTML and breaks mentions and autolinks', () => {
    expect(escapeMarkdown('<b>@team</b> #12 *x*')).toBe('&lt;b&gt;@\u200bteam&lt;/b&gt; \\#12 \\*x\\*');
    expect(codeSpan('a`b|c\nd')).toBe("`a'b\\|c d`");
  });
});
