import { describe, expect, it } from 'vitest';
import { parsePublishedReport } from '../../src/github/publishedReport.js';
import type { Decision } from '../../src/model/finding.js';
import type { WorkloadSummary } from '../../src/model/workload.js';
import { renderComment } from '../../src/report/comment.js';
import { REPORT_FORMAT } from '../../src/report/json.js';
import { renderWorkloads } from '../../src/report/workloads.js';
import { fixture } from '../helpers.js';
import { checkWorkloads } from '../support/workloads.js';

async function riskyScan() {
  const scan = await checkWorkloads(fixture('workloads', 'rules'), { manifests: ['risky-deployment.yaml', 'hardened-deployment.yaml'] });
  const decisions: Decision[] = scan.findings.map((finding) => ({
    finding,
    verdict: finding.severity === 'critical' || finding.severity === 'high' ? 'fails-gate' : 'below-threshold',
    reason: '',
  }));
  return { workloads: scan.results.flatMap((r) => r.workloads ?? []), decisions };
}

describe('workloads in the summary and the comment', () => {
  it('the summary counts Pod Security levels and shows one suggested fix per workload in a YAML block', async () => {
    const { workloads } = await riskyScan();
    const text = renderWorkloads(workloads, 50).join('\n');
    expect(text).toContain('Pod Security Standards: **1 of 3** Kubernetes workloads meet restricted (1 only baseline, 1 only privileged).');
    expect(text).toContain('| Deployment shop/risky | `risky-deployment.yaml:6` | privileged |');
    expect(text).toContain('<details><summary>Suggested fix for Deployment shop/risky (`risky-deployment.yaml`)</summary>');
    expect(text).toMatch(/```yaml\nspec:\n {2}template:\n {4}spec:\n/);
    // The hardened twin has nothing to fix.
    expect(text).not.toContain('Suggested fix for Deployment secure/hardened');
  });

  it('the comment shows the level line and the fix of the workloads that fail the gate, linked to their line', async () => {
    const { workloads, decisions } = await riskyScan();
    const comment = renderComment({
      marker: '<!-- bulkhead:comment 0123456789abcdef -->',
      gate: { verdict: 'fail', reasons: ['findings at or above high'] },
      decisions,
      failOn: 'high',
      links: { repositoryUrl: 'https://github.com/acme/shop', commitSha: 'a'.repeat(40) },
      version: '0.1.0',
      workloads,
    });
    expect(comment).toContain('Pod Security Standards: **1 of 3**');
    expect(comment).toContain(
      `Suggested fix for Deployment shop/risky ([\`risky-deployment.yaml:6\`](https://github.com/acme/shop/blob/${'a'.repeat(40)}/risky-deployment.yaml#L6))`,
    );
    // The CronJob's findings are all below the gate: its fix is in the summary, not the comment.
    expect(comment).not.toContain('Suggested fix for CronJob');
  });

  it('a suggestion with backticks cannot close its fence, and a published report keeps well-formed workloads only', () => {
    const hostile: WorkloadSummary = {
      id: 'Pod/default/x',
      platform: 'kubernetes',
      kind: 'Pod',
      name: 'x',
      namespace: 'default',
      file: 'x.yaml',
      line: 1,
      scannedImages: [],
      findings: 1,
      suggestion: 'a: 1\n```\n<img src=x onerror=alert(1)>\n````',
    };
    const text = renderWorkloads([hostile], 10).join('\n');
    expect(text).toContain('`````yaml\na: 1\n```\n<img src=x onerror=alert(1)>\n````\n`````');
    const published = parsePublishedReport(
      {
        format: REPORT_FORMAT,
        verdict: 'fail',
        decisions: [],
        workloads: [
          hostile,
          { ...hostile, line: -1 },
          { id: 'x' },
          'nonsense',
          { ...hostile, suggestion: 'y'.repeat(10_000), podSecurity: { level: 'root' } },
        ],
      },
      'report.json',
    );
    expect(published.workloads).toHaveLength(2);
    expect(published.workloads[1]?.suggestion).toHaveLength(4000);
    expect(published.workloads[1]?.podSecurity).toBeUndefined();
  });
});
