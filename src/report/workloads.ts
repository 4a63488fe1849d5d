import type { Decision } from '../model/finding.js';
import type { WorkloadSummary } from '../model/workload.js';
import { codeSpan, escapeMarkdown } from './escape.js';

/** The workloads part of the summary and the comment: Pod Security levels and one suggested fix per workload. */

export function podSecurityLine(workloads: readonly WorkloadSummary[]): string | undefined {
  const levels = workloads.flatMap((w) => (w.podSecurity ? [w.podSecurity.level] : []));
  if (levels.length === 0) return undefined;
  const count = (level: string) => levels.filter((l) => l === level).length;
  const rest = (['baseline', 'privileged'] as const).filter((l) => count(l) > 0).map((l) => `${count(l)} only ${l}`);
  return `Pod Security Standards: **${count('restricted')} of ${levels.length}** Kubernetes workload${levels.length === 1 ? '' : 's'} meet restricted${rest.length > 0 ? ` (${rest.join(', ')})` : ''}.`;
}

/** Workloads with a suggested fix and at least one finding that fails the gate: the fixes worth showing first. */
export function failingWorkloads(workloads: readonly WorkloadSummary[], decisions: readonly Decision[]): WorkloadSummary[] {
  const failing = new Set(
    decisions
      .filter((d) => d.verdict === 'fails-gate' && d.finding.workload)
      .map((d) => `${d.finding.file ?? ''}\u0000${d.finding.workload ?? ''}`),
  );
  return workloads.filter((w) => w.suggestion && failing.has(`${w.file}\u0000${w.id}`));
}

export function label(w: WorkloadSummary): string {
  return w.platform === 'compose' ? `service ${w.name}` : `${w.kind} ${w.namespace === 'default' ? '' : `${w.namespace}/`}${w.name}`;
}

/** A fence longer than any run of backticks in the text, so a hostile suggestion cannot close it. */
export function fenced(text: string, language: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, text, fence];
}

export function suggestionBlock(w: WorkloadSummary, where: string): string[] {
  if (!w.suggestion) return [];
  return [
    `<details><summary>Suggested fix for ${escapeMarkdown(label(w))} (${where})</summary>`,
    '',
    ...fenced(w.suggestion, 'yaml'),
    '',
    '</details>',
    '',
  ];
}

/** The summary's section: the level line, a table of workloads, and the suggested fixes (at most `maxRows` of each). */
export function renderWorkloads(workloads: readonly WorkloadSummary[], maxRows: number): string[] {
  if (workloads.length === 0) return [];
  const out = ['### Workloads', ''];
  const levels = podSecurityLine(workloads);
  if (levels) out.push(levels, '');
  const shown = [...workloads].sort((a, b) => b.findings - a.findings).slice(0, Math.max(0, maxRows));
  out.push('| Workload | Where | Pod Security | Findings | Image scanned in this run |', '|---|---|---|---|---|');
  for (const w of shown) {
    out.push(
      `| ${[
        escapeMarkdown(label(w)),
        codeSpan(`${w.file}:${w.line}`),
        w.podSecurity ? w.podSecurity.level : '—',
        String(w.findings),
        w.scannedImages.length > 0 ? w.scannedImages.map(codeSpan).join(', ') : '—',
      ].join(' | ')} |`,
    );
  }
  if (shown.length < workloads.length) out.push('', `${workloads.length - shown.length} more in the report file.`);
  out.push('');
  for (const w of shown) out.push(...suggestionBlock(w, codeSpan(w.file)));
  return out;
}
