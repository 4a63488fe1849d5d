import type { Severity } from '../model/finding.js';
import { codeSpan, escapeMarkdown } from './escape.js';

/** mode: merge. One row per job's report: what it scanned and how it ended. */
export interface JobRow {
  /** The report-file as given (relative to the workspace). */
  file: string;
  /** What the job scanned: its images, else its other targets. */
  targets: string[];
  verdict: 'pass' | 'fail' | 'unreadable';
  /** Findings not suppressed, by severity. */
  counts: Record<Severity, number>;
  failing: number;
  /** Scanners that failed in that job, and why a report could not be read. */
  problems: string[];
}

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** The table per image (job) and the totals, for the summary and the comment of a merge. */
export function renderJobTable(rows: readonly JobRow[], maxRows = rows.length): string[] {
  if (rows.length === 0) return [];
  const verdict = (row: JobRow) => (row.verdict === 'pass' ? '✅ pass' : row.verdict === 'fail' ? '❌ fail' : '❌ unreadable');
  const cell = (row: JobRow) =>
    `| ${[
      row.targets.length > 0
        ? row.targets.slice(0, 5).map(codeSpan).join(', ') + (row.targets.length > 5 ? ` and ${row.targets.length - 5} more` : '')
        : '—',
      codeSpan(row.file),
      verdict(row),
      ...SEVERITIES.slice(0, 4).map((s) => String(row.counts[s])),
      String(row.failing),
      row.problems.length > 0 ? escapeMarkdown(row.problems.slice(0, 3).join('; ')) : '—',
    ].join(' | ')} |`;
  const shown = [...rows]
    .sort((a, b) => (a.verdict === 'pass' ? 1 : 0) - (b.verdict === 'pass' ? 1 : 0) || b.failing - a.failing)
    .slice(0, maxRows);
  const total = (s: Severity) => rows.reduce((n, r) => n + r.counts[s], 0);
  const failed = rows.filter((r) => r.verdict !== 'pass').length;
  return [
    `### ${rows.length} job${rows.length === 1 ? '' : 's'}: ${failed === 0 ? 'all pass' : `${failed} fail${failed === 1 ? 's' : ''}`}`,
    '',
    '| Image | Report | Verdict | Critical | High | Medium | Low | Failing | Problems |',
    '|---|---|---|--:|--:|--:|--:|--:|---|',
    ...shown.map(cell),
    `| **Sum of the jobs** | ${rows.length} report${rows.length === 1 ? '' : 's'} | ${failed === 0 ? '✅ pass' : '❌ fail'} | ${SEVERITIES.slice(
      0,
      4,
    )
      .map((s) => `**${total(s)}**`)
      .join(' | ')} | **${rows.reduce((n, r) => n + r.failing, 0)}** | |`,
    ...(shown.length < rows.length ? ['', `${rows.length - shown.length} more jobs in the report file.`] : []),
    '',
  ];
}
