import { createHash } from 'node:crypto';
import type { Decision } from '../model/finding.js';
import { countDecisions } from '../report/counts.js';
import type { FailOn } from '../model/severity.js';
import type { WorkloadSummary } from '../model/workload.js';
import { REPORT_FORMAT } from '../report/json.js';
import type { JobRow } from '../report/jobs.js';
import { errorMessage, FormatError } from '../util/errors.js';
import { readJsonReport } from '../util/jsonFile.js';
import { workspacePath } from '../util/paths.js';
import type { RunnerContext } from './context.js';
import { parsePublishedReport, type PublishedReport } from './publishedReport.js';

/**
 * mode: merge. The report-files of earlier jobs (a matrix) become one verdict, one table per
 * image, one comment and one report-file. The reports are untrusted data (a pull request's jobs
 * wrote them): read by the same checked parser as mode: publish, and a report that cannot be
 * read is a failure of the merge, never a job that is silently left out.
 */

export interface MergeInput {
  /** As given, relative to the workspace, for messages and the table. */
  file: string;
  report?: PublishedReport;
  /** Why the file could not be read: a sentence that names it. */
  error?: string;
}

export interface MergeOutcome {
  gate: { verdict: 'pass' | 'fail'; reasons: string[]; exitCode: 0 | 1 | 3 };
  decisions: Decision[];
  jobs: JobRow[];
  failOn: FailOn;
  failOnVaries: boolean;
  workloads: WorkloadSummary[];
}

/** Reads every report; one that cannot be read is kept as an error, so the merge can say so. */
export async function readReports(files: readonly string[], workspace: string): Promise<MergeInput[]> {
  return Promise.all(
    files.map(async (path) => {
      const file = workspacePath(workspace, path);
      try {
        const documents = await readJsonReport(path);
        return { file, report: parsePublishedReport(documents[0], file) };
      } catch (error) {
        return { file, error: error instanceof FormatError ? error.message : `${file} could not be read: ${errorMessage(error)}` };
      }
    }),
  );
}

/** Thresholds from the most lenient to the strictest. */
const FAIL_ON_ORDER: readonly FailOn[] = ['none', 'critical', 'high', 'medium', 'low'];

function rowOf(input: MergeInput): JobRow {
  const report = input.report;
  if (!report)
    return { file: input.file, targets: [], verdict: 'unreadable', counts: countDecisions([]), problems: [input.error ?? 'unreadable'] };
  const images = [...new Set(report.decisions.flatMap((d) => (d.finding.image ? [d.finding.image] : [])))];
  const scanned = [...new Set(report.scanners.map((s) => s.target))];
  const problems = report.scanners.filter((s) => s.status === 'error').map((s) => `${s.tool} on ${s.target}: ${s.error ?? 'failed'}`);
  return {
    file: input.file,
    targets: images.length > 0 ? images : scanned,
    verdict: report.verdict,
    counts: countDecisions(report.decisions),
    problems,
  };
}

/** The same finding reported by two jobs (one image scanned twice) counts once. */
function decisionKey(d: Decision): string {
  return [d.finding.tool, d.finding.fingerprint, d.finding.image ?? '', d.finding.file ?? '', d.verdict].join('\u0000');
}

/** One verdict over all jobs: it fails when any job failed, any scanner failed, or any report could not be read. */
export function mergeReports(inputs: readonly MergeInput[]): MergeOutcome {
  const jobs = inputs.map(rowOf);
  const reasons: string[] = [];
  let exitCode: 0 | 1 | 3 = 0;
  for (const [index, input] of inputs.entries()) {
    const row = jobs[index] as JobRow;
    if (!input.report) {
      reasons.push(input.error ?? `${input.file} could not be read`);
      exitCode = 3;
      continue;
    }
    if (row.problems.length > 0) {
      reasons.push(`${input.file}: ${row.problems.length} scanner${row.problems.length === 1 ? '' : 's'} failed (${row.problems[0]})`);
      exitCode = 3;
    }
    if (input.report.verdict === 'fail') {
      for (const reason of input.report.reasons.length > 0 ? input.report.reasons : ['the job failed']) {
        if (row.problems.length === 0 || !/scanner/i.test(reason)) reasons.push(`${input.file}: ${reason}`);
      }
      if (exitCode === 0) exitCode = 1;
    }
  }
  const seen = new Set<string>();
  const decisions = inputs
    .flatMap((i) => i.report?.decisions ?? [])
    .filter((d) => {
      const key = decisionKey(d);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const thresholds = [...new Set(inputs.flatMap((i) => (i.report ? [i.report.failOn] : [])))];
  // Shown in the counts line: the strictest threshold any job used.
  const failOn = thresholds.sort((a, b) => FAIL_ON_ORDER.indexOf(b) - FAIL_ON_ORDER.indexOf(a))[0] ?? 'high';
  const verdict = exitCode === 0 ? 'pass' : 'fail';
  return {
    gate: { verdict, reasons, exitCode },
    decisions,
    jobs,
    failOn,
    failOnVaries: thresholds.length > 1,
    workloads: inputs.flatMap((i) => i.report?.workloads ?? []),
  };
}

/** One merge comment per workflow and category: a matrix's jobs keep their own (or none). */
export function mergeMarker(context: Pick<RunnerContext, 'workflow'>, category: string): string {
  const key = [context.workflow, 'merge', category].join('\n');
  return `<!-- bulkhead:comment ${createHash('sha256').update(key).digest('hex').slice(0, 16)} -->`;
}

/** The merged report-file: the format every reader of report-files knows, plus the table of jobs. */
export function mergedReportDocument(outcome: MergeOutcome, options: { version: string; createdAt: Date; marker: string }): unknown {
  return {
    format: REPORT_FORMAT,
    bulkhead: { version: options.version },
    createdAt: options.createdAt.toISOString(),
    verdict: outcome.gate.verdict,
    exitCode: outcome.gate.exitCode,
    reasons: outcome.gate.reasons,
    policy: { settings: { failOn: { value: outcome.failOn, source: 'merge' } } },
    counts: countDecisions(outcome.decisions),
    merged: outcome.jobs,
    workloads: outcome.workloads,
    decisions: outcome.decisions.map((d) => ({ verdict: d.verdict, reason: d.reason, finding: d.finding })),
    github: { commentMarker: options.marker },
  };
}
