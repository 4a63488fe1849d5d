import { describe, expect, it } from 'vitest';
import type { FailOn } from '../../src/model/severity.js';
import { fingerprintOf, type Finding, type Severity } from '../../src/model/finding.js';
import { decide } from '../../src/policy/decide.js';
import { gate } from '../../src/policy/gate.js';
import type { ScanResult } from '../../src/model/scanResult.js';

function finding(severity: Severity, extra: Partial<Finding> = {}): Finding {
  return {
    tool: 'trivy',
    ruleId: `CVE-${severity}`,
    kind: 'vulnerability',
    severity,
    title: 't',
    message: 'm.',
    pkg: { name: 'p', installed: '1', fixed: '2' },
    fingerprint: fingerprintOf([severity, extra.ruleId]),
    ...extra,
  };
}

function okResult(findings: Finding[]): ScanResult {
  return { tool: 'trivy', key: 'k', target: 't', origin: 'report', status: 'ok', durationMs: 0, findings, warnings: [] };
}

function verdictFor(severities: Severity[], failOn: FailOn, ignoreUnfixed = false, findings?: Finding[]) {
  const list = findings ?? severities.map((s) => finding(s));
  const decisions = decide(list, { failOn, ignoreUnfixed });
  return gate(decisions, [okResult(list)], { failOn, scannerError: 'fail' });
}

describe('gate thresholds (inclusive)', () => {
  const cases: [Severity[], FailOn, 'pass' | 'fail'][] = [
    [['high'], 'high', 'fail'],
    [['critical'], 'high', 'fail'],
    [['medium'], 'high', 'pass'],
    [['high'], 'critical', 'pass'],
    [['critical'], 'critical', 'fail'],
    [['low'], 'low', 'fail'],
    [['info'], 'low', 'pass'],
    [['critical', 'high'], 'none', 'pass'],
    [[], 'low', 'pass'],
  ];
  for (const [severities, failOn, expected] of cases) {
    it(`${severities.join('+') || 'nothing'} with fail-on ${failOn} → ${expected}`, () => {
      const outcome = verdictFor(severities, failOn);
      expect(outcome.verdict).toBe(expected);
      expect(outcome.exitCode).toBe(expected === 'pass' ? 0 : 1);
    });
  }

  it('gives every finding a decision with the reason', () => {
    const decisions = decide([finding('critical'), finding('low')], { failOn: 'high', ignoreUnfixed: false });
    expect(decisions.map((d) => [d.verdict, d.reason])).toEqual([
      ['fails-gate', 'critical is at or above fail-on high'],
      ['below-threshold', 'low is below fail-on high'],
    ]);
  });
});

describe('ignore-unfixed', () => {
  it('keeps unfixed vulnerabilities below the gate, reported, and still gates fixable ones', () => {
    const unfixed = finding('critical', { ruleId: 'CVE-A', pkg: { name: 'bash', installed: '5' }, fixStatus: 'affected' });
    const fixable = finding('high', { ruleId: 'CVE-B' });
    const outcome = verdictFor([], 'high', true, [unfixed]);
    expect(outcome.verdict).toBe('pass');
    const decisions = decide([unfixed, fixable], { failOn: 'high', ignoreUnfixed: true });
    expect(decisions.map((d) => d.verdict)).toEqual(['below-threshold', 'fails-gate']);
    expect(decisions[0]?.reason).toMatch(/^ignore-unfixed/);
  });

  it('does not treat secrets or lint as unfixed vulnerabilities', () => {
    const { pkg: _pkg, ...secret } = finding('critical', { kind: 'secret', ruleId: 'secret/x' });
    expect(decide([secret], { failOn: 'high', ignoreUnfixed: true })[0]?.verdict).toBe('fails-gate');
  });
});

describe('fail closed', () => {
  const failed: ScanResult = {
    tool: 'hadolint',
    key: 'Dockerfile',
    target: 'Dockerfile',
    origin: 'run',
    status: 'error',
    durationMs: 0,
    findings: [],
    error: 'exited with 137',
    warnings: [],
  };

  it('fails the gate with exit 3 when a scanner failed and scanner-error is fail', () => {
    const outcome = gate([], [okResult([]), failed], { failOn: 'high', scannerError: 'fail' });
    expect(outcome).toMatchObject({ verdict: 'fail', exitCode: 3 });
    expect(outcome.reasons[0]).toMatch(/hadolint failed on Dockerfile: exited with 137/);
  });

  it('lets the other scanners decide with scanner-error warn, and still says so', () => {
    const pass = gate([], [okResult([]), failed], { failOn: 'high', scannerError: 'warn' });
    expect(pass).toMatchObject({ verdict: 'pass', exitCode: 0 });
    expect(pass.reasons[0]).toMatch(/ignored \(scanner-error: warn\)/);
    const list = [finding('critical')];
    const fail = gate(decide(list, { failOn: 'high', ignoreUnfixed: false }), [okResult(list), failed], {
      failOn: 'high',
      scannerError: 'warn',
    });
    expect(fail).toMatchObject({ verdict: 'fail', exitCode: 1 });
  });

  it('reports findings first (exit 1) when findings and a scanner both fail', () => {
    const list = [finding('critical')];
    expect(
      gate(decide(list, { failOn: 'high', ignoreUnfixed: false }), [okResult(list), failed], { failOn: 'high', scannerError: 'fail' })
        .exitCode,
    ).toBe(1);
  });
});
