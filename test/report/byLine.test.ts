import { describe, expect, it } from 'vitest';
import type { Decision, Finding } from '../../src/model/finding.js';
import { renderComment } from '../../src/report/comment.js';

function vuln(n: number, line: number, fixed: boolean, base = false): Decision {
  const finding: Finding = {
    tool: 'trivy',
    ruleId: `CVE-2024-${1000 + n}`,
    kind: 'vulnerability',
    severity: n % 4 === 0 ? 'high' : 'low',
    title: 'a flaw',
    message: 'm',
    file: 'Dockerfile',
    line,
    pkg: { name: 'openssl', installed: '3.0.11', ...(fixed ? { fixed: '3.0.13' } : {}) },
    introducedBy: base
      ? { kind: 'base', instruction: 'FROM debian:bookworm', baseImage: 'debian:bookworm' }
      : { kind: 'instruction', instruction: 'RUN apt-get install -y openssl' },
    fingerprint: `f${n}`,
  };
  return { finding, verdict: finding.severity === 'high' ? 'fails-gate' : 'below-threshold', reason: 'threshold' };
}

describe('the comment groups findings by the line that brought them in', () => {
  it('says what each line brings, and how much is the base image versus the Dockerfile', () => {
    const decisions = [
      ...Array.from({ length: 12 }, (_, i) => vuln(i + 1, 14, i < 3)),
      ...Array.from({ length: 5 }, (_, i) => vuln(100 + i, 1, true, true)),
    ];
    const text = renderComment({
      marker: '<!-- m -->',
      gate: { verdict: 'fail', reasons: [] },
      decisions,
      failOn: 'high',
      links: { repositoryUrl: 'https://github.com/acme/shop', commitSha: 'a'.repeat(40) },
      version: '0.1.0',
    });
    expect(text).toContain(
      '[`Dockerfile:14`](https://github.com/acme/shop/blob/' +
        'a'.repeat(40) +
        '/Dockerfile#L14) `RUN apt-get install -y openssl`: this RUN line brings 12 vulnerabilities, 3 fixable (3 fail the gate)',
    );
    expect(text).toContain('the base image `debian:bookworm` brings 5 vulnerabilities, 5 fixable');
    expect(text).toContain("From the base image (`debian:bookworm`): **5** · from this Dockerfile's own instructions: **12**.");
  });
});
