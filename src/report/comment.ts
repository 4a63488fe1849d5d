import type { Decision, Severity } from '../model/finding.js';
import type { FailOn } from '../model/severity.js';
import type { BaselineComparison } from '../policy/decide.js';
import type { GateOutcome } from '../policy/gate.js';
import { renderByLine } from './byLine.js';
import type { WorkloadSummary } from '../model/workload.js';
import { renderJobTable, type JobRow } from './jobs.js';
import { rehearsalCommentLines, type RehearsedImage } from './rehearsals.js';
import { failingWorkloads, podSecurityLine, suggestionBlock } from './workloads.js';
import { codeSpan, escapeMarkdown } from './escape.js';
import { fixedCell, packageCell, ruleCell, SEVERITY_BADGE, sorted } from './markdown.js';

/** GitHub refuses comment bodies over 65,536 characters. */
export const COMMENT_LIMIT_CHARS = 65_536;

export interface CommentLinks {
  /** https://github.com/OWNER/REPO (GITHUB_SERVER_URL and the repository). */
  repositoryUrl: string;
  /** The commit the Dockerfile links point into (the pull request's head). */
  commitSha?: string;
  /** The workflow run, whose job summary holds everything. */
  runUrl?: string;
}

export interface CommentInput {
  marker: string;
  gate: Pick<GateOutcome, 'verdict' | 'reasons'>;
  decisions: readonly Decision[];
  failOn: FailOn;
  baseline?: BaselineComparison;
  links: CommentLinks;
  version: string;
  /** Workloads of the manifests and Compose files: their Pod Security levels and suggested fixes. */
  workloads?: readonly WorkloadSummary[];
  /** Images rehearsed in this run. */
  rehearsals?: readonly RehearsedImage[];
  /** mode: merge. One row per job merged, and whether their fail-on settings differ. */
  jobs?: readonly JobRow[];
  failOnVaries?: boolean;
  /** Several images in one scan: one row each. */
  images?: readonly JobRow[];
}

/** Suggested fixes shown in the comment, for workloads whose findings fail the gate. */
const COMMENT_SUGGESTIONS = 3;

function workloadLines(input: CommentInput, maxRows: number): string[] {
  const workloads = input.workloads ?? [];
  const out: string[] = [];
  const levels = podSecurityLine(workloads);
  if (levels) out.push(levels, '');
  if (maxRows === 0) return out;
  const worst = failingWorkloads(workloads, input.decisions).slice(0, COMMENT_SUGGESTIONS);
  for (const w of worst) out.push(...suggestionBlock(w, fileLineLink(w.file, w.line, input.links)));
  return out;
}

const ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

function fileLineLink(file: string, line: number, links: CommentLinks): string {
  const label = codeSpan(`${file}:${line}`);
  if (!links.commitSha || !/^[0-9a-f]{40,64}$/.test(links.commitSha)) return label;
  const path = file.split('/').map(encodeURIComponent).join('/');
  return `[${label}](${links.repositoryUrl}/blob/${links.commitSha}/${path}#L${line})`;
}

function lineLink(decision: Decision, links: CommentLinks): string {
  const f = decision.finding;
  if (!f.file) return f.image ? codeSpan(f.image) : '—';
  return fileLineLink(f.file, f.line ?? 1, links);
}

function render(input: CommentInput, maxRows: number): string {
  const { gate, decisions, links } = input;
  const failing = sorted(decisions.filter((d) => d.verdict === 'fails-gate'));
  const open = decisions.filter((d) => d.verdict !== 'suppressed');
  const lines: string[] = [input.marker];
  lines.push(gate.verdict === 'pass' ? `### ✅ bulkhead: pass` : `### ❌ bulkhead: fail`, '');
  for (const reason of gate.reasons) lines.push(`- ${escapeMarkdown(reason)}`);
  if (gate.reasons.length > 0) lines.push('');
  const counts = ORDER.filter((s) => s !== 'info').map(
    (s) => `${SEVERITY_BADGE[s]}: **${open.filter((d) => d.finding.severity === s).length}**`,
  );
  const suppressed = decisions.length - open.length;
  lines.push(
    `${counts.join(' · ')}${suppressed ? ` · suppressed: ${suppressed}` : ''} — ${input.jobs && input.failOnVaries ? "each job's gate used its own fail-on" : `the gate fails on ${input.failOn === 'none' ? 'nothing (fail-on: none)' : `${input.failOn} and above`}`}.`,
    '',
  );
  if (input.jobs) lines.push(...renderJobTable(input.jobs, maxRows > 0 ? 50 : 10));
  else if (input.images && input.images.length > 1) lines.push(...renderJobTable(input.images, maxRows > 0 ? 50 : 10, { perImage: true }));
  if (input.baseline) {
    lines.push(
      `Compared with the baseline: **${input.baseline.new} new**, ${input.baseline.unchanged} unchanged, ${input.baseline.fixed.length} fixed.`,
      '',
    );
  }
  if (failing.length > 0) {
    const shown = failing.slice(0, maxRows);
    lines.push('| Severity | Rule | Where | Package | Fixed in | Finding |', '|---|---|---|---|---|---|');
    for (const d of shown) {
      lines.push(
        `| ${[SEVERITY_BADGE[d.finding.severity], ruleCell(d), lineLink(d, links), packageCell(d), fixedCell(d), escapeMarkdown(d.finding.title)].join(' | ')} |`,
      );
    }
    if (shown.length < failing.length) {
      const left = failing.slice(shown.length);
      const bySeverity = ORDER.map((s) => [s, left.filter((d) => d.finding.severity === s).length] as const).filter(([, n]) => n > 0);
      lines.push(
        '',
        `${left.length} more finding${left.length === 1 ? '' : 's'} that fail the gate (${bySeverity.map(([s, n]) => `${n} ${s}`).join(', ')}) did not fit here; the run summary lists them all.`,
      );
    }
    lines.push('');
  }
  lines.push(...renderByLine(decisions, (file, line) => fileLineLink(file, line, links), maxRows > 0 ? 10 : 3));
  lines.push(...workloadLines(input, maxRows));
  if (maxRows > 0) lines.push(...rehearsalCommentLines(input.rehearsals ?? []));
  const footer = [
    links.runUrl ? `[Full summary of this run](${links.runUrl})` : undefined,
    `bulkhead ${escapeMarkdown(input.version)}`,
  ].filter(Boolean);
  lines.push(`<sub>${footer.join(' · ')}</sub>`);
  return lines.join('\n');
}

/** The sticky pull-request comment: verdict and counts first, then what fails the gate, most severe first. */
export function renderComment(input: CommentInput): string {
  const failing = input.decisions.filter((d) => d.verdict === 'fails-gate').length;
  let text = render(input, failing);
  if (text.length <= COMMENT_LIMIT_CHARS) return text;
  // Cut rows, least severe first, until it fits.
  let low = 0;
  let high = failing;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (render(input, mid).length <= COMMENT_LIMIT_CHARS) low = mid;
    else high = mid - 1;
  }
  text = render(input, low);
  return text;
}

/** What the comment says once nothing fails the gate any more (resolved: update). */
export function renderResolvedComment(marker: string, links: CommentLinks, version: string): string {
  const footer = [links.runUrl ? `[Full summary of this run](${links.runUrl})` : undefined, `bulkhead ${escapeMarkdown(version)}`].filter(
    Boolean,
  );
  return [marker, '### ✅ bulkhead: pass', '', 'Nothing fails the gate any more.', '', `<sub>${footer.join(' · ')}</sub>`].join('\n');
}
