import { describe, expect, it } from 'vitest';
import type { Decision, Finding } from '../../src/model/finding.js';
import { imageRows, renderJobTable } from '../../src/report/jobs.js';

const finding = (image: string, severity: Finding['severity'], id: string): Finding => ({
  tool: 'trivy',
  ruleId: id,
  kind: 'vulnerability',
  severity,
  title: id,
  message: id,
  image,
  fingerprint: `${image}-${id}`,
});

describe('a table per image', () => {
  it('counts each image on its own row, fails the one with a failing finding or a failed scanner, and sums them', () => {
    const decisions: Decision[] = [
      { finding: finding('acme/api:1', 'critical', 'CVE-1'), verdict: 'fails-gate', reason: '' },
      { finding: finding('acme/api:1', 'low', 'CVE-2'), verdict: 'below-threshold', reason: '' },
      { finding: finding('acme/web:1', 'medium', 'CVE-3'), verdict: 'suppressed', reason: '' },
    ];
    const results = [
      { tool: 'trivy' as const, target: 'acme/api:1', status: 'ok' as const },
      { tool: 'trivy' as const, target: 'acme/web:1', status: 'ok' as const },
      { tool: 'trivy' as const, target: 'acme/worker:1', status: 'error' as const, error: 'Trivy timed out' },
    ];
    const rows = imageRows(decisions, results);
    expect(rows.map((r) => [r.targets[0], r.verdict, r.counts.critical, r.counts.medium, r.counts.failing])).toEqual([
      ['acme/api:1', 'fail', 1, 0, 1],
      ['acme/web:1', 'pass', 0, 0, 0],
      ['acme/worker:1', 'fail', 0, 0, 0],
    ]);
    const table = renderJobTable(rows, 10, { perImage: true }).join('\n');
    expect(table).toContain('### 3 images: 2 fail');
    expect(table).toContain('| `acme/worker:1` | ❌ fail | 0 | 0 | 0 | 0 | 0 | trivy: Trivy timed out |');
    expect(table).toContain('| **Sum of the images** | ❌ fail | **1** | **0** | **0** | **1** | **1** | |');
    expect(table).not.toContain('Report');
  });
});
