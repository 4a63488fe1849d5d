import type { Decision, Severity } from '../model/finding.js';
import { countDecisions, type SummaryCounts } from './counts.js';
import type { ScanResult } from '../model/scanResult.js';
import { codeSpan, escapeMarkdown } from './escape.js';

/** mode: merge. One row per job's report: what it scanned and how it ended. */
export interface JobRow {
  /** The report-file as given (relative to the workspace). */
  file: string;
  /** What the job scanned: its images, else its other targets. */
  targets: string[];
  verdict: 'pass' | 'fail' | 'unreadable';
  /** Its decisions counted as every report-file counts them (failing: those that fail the gate). */
  counts: SummaryCounts;
  /** Scanners that failed in that job, and why a report could not be read. */
  problems: string[];
}

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** mode: scan with several images: one row per image, as a merge has one per job. */
export function imageRows(
  decisions: readonly Decision[],
  results: readonly Pick<ScanResult, 'tool' | 'target' | 'status' | 'error' | 'imageHistory'>[],
): JobRow[] {
  const images = [
    ...new Set([
      ...results.filter((r) => r.tool === 'trivy' || r.imageHistory !== undefined).map((r) => r.target),
      ...decisions.flatMap((d) => (d.finding.image ? [d.finding.image] : [])),
    ]),
  ];
  return images.map((image) => {
    const counts = countDecisions(decisions.filter((d) => d.finding.image === image));
    const problems = results.filter((r) => r.target === image && r.status === 'error').map((r) => `${r.tool}: ${r.error ?? 'failed'}`);
    return { file: '', targets: [image], verdict: counts.failing > 0 || problems.length > 0 ? 'fail' : 'pass', counts, problems };
  });
}

/** The table per image (job) and the totals, for the summary and the comment of a merge (or of several images). */
export function renderJobTable(rows: readonly JobRow[], maxRows = rows.length, options: { perImage?: boolean } = {}): string[] {
  if (rows.length === 0) return [];
  const perImage = options.perImage === true;
  const verdict = (row: JobRow) => (row.verdict === 'pass' ? '✅ pass' : row.verdict === 'fail' ? '❌ fail' : '❌ unreadable');
  const cell = (row: JobRow) =>
    `| ${[
      row.targets.length > 0
        ? row.targets.slice(0, 5).map(codeSpan).join(', ') + (row.targets.length > 5 ? ` and ${row.targets.length - 5} more` : '')
        : '—',
      ...(perImage ? [] : [codeSpan(row.file)]),
      verdict(row),
      ...SEVERITIES.slice(0, 4).map((s) => String(row.counts[s])),
      String(row.counts.failing),
      row.problems.length > 0 ? escapeMarkdown(row.problems.slice(0, 3).join('; ')) : '—',
    ].join(' | ')} |`;
  const shown = [...rows]
    .sort((a, b) => (a.verdict === 'pass' ? 1 : 0) - (b.verdict === 'pass' ? 1 : 0) || b.counts.failing - a.counts.failing)
    .slice(0, maxRows);
  const total = (s: Severity) => rows.reduce((n, r) => n + r.counts[s], 0);
  const failed = rows.filter((r) => r.verdict !== 'pass').length;
  const noun = perImage ? 'image' : 'job';
  return [
    `### ${rows.length} ${noun}${rows.length === 1 ? '' : 's'}: ${failed === 0 ? 'all pass' : `${failed} fail${failed === 1 ? 's' : ''}`}`,
    '',
    `| Image |${perImage ? '' : ' Report |'} Verdict | Critical | High | Medium | Low | Failing | Problems |`,
    `|---|${perImage ? '' : '---|'}---|--:|--:|--:|--:|--:|---|`,
    ...shown.map(cell),
    `| **Sum of the ${noun}s** |${perImage ? '' : ` ${rows.length} report${rows.length === 1 ? '' : 's'} |`} ${failed === 0 ? '✅ pass' : '❌ fail'} | ${SEVERITIES.slice(
      0,
      4,
    )
      .map((s) => `**${total(s)}**`)
      .join(' | ')} | **${rows.reduce((n, r) => n + r.counts.failing, 0)}** | |`,
    ...(shown.length < rows.length ? ['', `${rows.length - shown.length} more ${noun}s in the report file.`] : []),
    '',
  ];
}
