import { renderByLine } from './byLine.js';
import { renderWorkloads } from './workloads.js';
import { imageRows, renderJobTable } from './jobs.js';
import { rehearsedImages, renderRehearsals } from './rehearsals.js';
import { compareFindings, SEVERITIES, TOOLS, type Decision, type Severity, type Tool } from '../model/finding.js';
import type { GateOutcome } from '../policy/gate.js';
import type { DatabaseRecord, ScanResult } from '../model/scanResult.js';
import { codeSpan, escapeMarkdown } from './escape.js';
import type { Omitted } from './sarif.js';
import type { SummaryCounts } from './counts.js';
import type { PolicyOutcome } from '../policy/decide.js';
import type { ResolvedPolicy } from '../policy/resolved.js';

/** GitHub's limit for one step's summary. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

export interface SummaryInput {
  gate: GateOutcome;
  decisions: readonly Decision[];
  results: readonly ScanResult[];
  counts: SummaryCounts;
  failOn: string;
  omitted: Omitted;
  notes: readonly string[];
  sarifFile: string;
  reportFile: string;
  policy?: ResolvedPolicy;
  policyOutcome?: PolicyOutcome;
  limitBytes?: number;
}

function policySection(policy: ResolvedPolicy, outcome: PolicyOutcome | undefined): string[] {
  const { failOn, ignoreUnfixed, onlyNew } = policy.settings;
  const out = [
    '### Policy',
    '',
    `fail-on **${failOn.value}** (${failOn.source}) · ignore-unfixed **${ignoreUnfixed.value}** (${ignoreUnfixed.source}) · only-new **${onlyNew.value}** (${onlyNew.source})`,
    '',
  ];
  if (policy.files.length > 0) out.push(`Rules read from ${policy.files.map(codeSpan).join(', ')}.`, '');
  const baseline = outcome?.baseline;
  if (baseline) {
    out.push(
      `Compared with the baseline ${codeSpan(baseline.source)}: **${baseline.new} new**, ${baseline.unchanged} unchanged, ${baseline.fixed.length} fixed.`,
      '',
    );
    if (baseline.fixed.length > 0) {
      out.push(
        '<details><summary>' + `Fixed since the baseline (${baseline.fixed.length})` + '</summary>',
        '',
        ...baseline.fixed
          .slice(0, 100)
          .map((f) => `- ${SEVERITY_BADGE[f.severity]} ${escapeMarkdown(f.ruleId)}: ${escapeMarkdown(f.title)}`),
        '',
        '</details>',
        '',
      );
    }
  }
  if (policy.hadolintIgnores.length > 0)
    out.push(`hadolint skips these rules itself: ${policy.hadolintIgnores.map(escapeMarkdown).join(', ')}.`, '');
  return out;
}

const TOOL_NAMES: Record<Tool, string> = { trivy: 'Trivy', hadolint: 'hadolint', bulkhead: 'bulkhead' };
export const SEVERITY_BADGE: Record<Severity, string> = {
  critical: '🟥 critical',
  high: '🟧 high',
  medium: '🟨 medium',
  low: '🟦 low',
  info: '⬜ info',
};

function where(decision: Decision): string {
  const f = decision.finding;
  const parts: string[] = [];
  if (f.file) parts.push(codeSpan(`${f.file}:${f.line ?? 1}`));
  if (f.image) parts.push(codeSpan(f.image));
  if (f.path && f.kind !== 'vulnerability') parts.push(codeSpan(f.path));
  return parts.join(' ') || '—';
}

export function packageCell(decision: Decision): string {
  const pkg = decision.finding.pkg;
  return pkg ? codeSpan(`${pkg.name} ${pkg.installed}`.trim()) : '—';
}

export function fixedCell(decision: Decision): string {
  const f = decision.finding;
  if (f.kind !== 'vulnerability') return '—';
  return f.pkg?.fixed ? codeSpan(f.pkg.fixed) : 'no fix';
}

export function ruleCell(decision: Decision): string {
  const f = decision.finding;
  const id = escapeMarkdown(f.ruleId);
  // Links are only those the finding came with, and only http(s).
  return f.helpUri && /^https?:\/\/[^\s()<>]+$/.test(f.helpUri) ? `[${id}](${f.helpUri})` : id;
}

/** Rendered rows, by decision and table kind: the summary renders again with fewer rows until it fits, and a row is the same each time. */
const rowCache = new WeakMap<Decision, { plain?: string; withReason?: string }>();

function findingsTable(decisions: readonly Decision[], withReason: boolean): string[] {
  const header = withReason
    ? ['| Severity | Rule | Where | Package | Fixed in | Finding | Why |', '|---|---|---|---|---|---|---|']
    : ['| Severity | Rule | Where | Package | Fixed in | Finding |', '|---|---|---|---|---|---|'];
  return [...header, ...decisions.map((d) => renderRowCached(d, withReason))];
}

function renderRowCached(d: Decision, withReason: boolean): string {
  const cached = rowCache.get(d) ?? {};
  const hit = withReason ? cached.withReason : cached.plain;
  if (hit !== undefined) return hit;
  const text = renderRow(d, withReason);
  rowCache.set(d, withReason ? { ...cached, withReason: text } : { ...cached, plain: text });
  return text;
}

function renderRow(d: Decision, withReason: boolean): string {
  const cells = [SEVERITY_BADGE[d.finding.severity], ruleCell(d), where(d), packageCell(d), fixedCell(d), escapeMarkdown(d.finding.title)];
  if (withReason) cells.push(escapeMarkdown(d.reason));
  return `| ${cells.join(' | ')} |`;
}

export function sorted(decisions: readonly Decision[]): Decision[] {
  return [...decisions].sort((a, b) => compareFindings(a.finding, b.finding));
}

function countsTable(decisions: readonly Decision[], results: readonly ScanResult[]): string[] {
  const tools = TOOLS.filter((t) => results.some((r) => r.tool === t));
  const lines = [
    `| Severity | ${tools.map((t) => TOOL_NAMES[t]).join(' | ')} | Total | Fail the gate |`,
    `|---|${tools.map(() => '--:|').join('')}--:|--:|`,
  ];
  for (const severity of SEVERITIES) {
    const active = decisions.filter((d) => d.finding.severity === severity && d.verdict !== 'suppressed');
    if (active.length === 0 && severity === 'info') continue;
    const perTool = tools.map((t) => String(active.filter((d) => d.finding.tool === t).length));
    const failing = active.filter((d) => d.verdict === 'fails-gate').length;
    lines.push(`| ${SEVERITY_BADGE[severity]} | ${perTool.join(' | ')} | ${active.length} | ${failing} |`);
  }
  const suppressed = decisions.filter((d) => d.verdict === 'suppressed');
  if (suppressed.length > 0) {
    lines.push(
      `| suppressed | ${tools.map((t) => String(suppressed.filter((d) => d.finding.tool === t).length)).join(' | ')} | ${suppressed.length} | 0 |`,
    );
  }
  return lines;
}

const SOURCE_NAMES = { given: 'given path', path: 'found on PATH', 'tool-cache': 'tool cache', download: 'verified download' } as const;

const CACHE_WORDS: Record<DatabaseRecord['cache'], string> = {
  hit: 'restored from the Actions cache',
  'restored-older': 'an older copy restored from the Actions cache, then refreshed',
  miss: 'downloaded (cache miss)',
  'not-used': 'local',
  failed: 'downloaded (the cache failed)',
};

/** A line on each of Trivy's databases: how old the data behind the verdict is. */
function databaseLine(results: readonly ScanResult[]): string[] {
  const db = results.find((r) => r.database?.updatedAt)?.database;
  if (!db?.updatedAt) return [];
  const lines = [
    '',
    `Trivy vulnerability database${db.version !== undefined ? ` v${db.version}` : ''}, built ${db.updatedAt}${db.ageHours !== undefined ? ` (${db.ageHours} h old)` : ''}; ${CACHE_WORDS[db.cache]}.`,
  ];
  const java = db.javaDb;
  if (java) {
    const how = java.downloaded
      ? java.cache === 'hit' || java.cache === 'restored-older'
        ? 'refreshed this run'
        : 'downloaded this run'
      : CACHE_WORDS[java.cache];
    lines.push('', `Trivy Java database${java.updatedAt ? `, built ${java.updatedAt}` : ''}; ${how}.`);
  }
  return lines;
}

function scannersTable(results: readonly ScanResult[]): string[] {
  return [
    '| Scanner | Target | Version | Source | Status | Findings | Time |',
    '|---|---|---|---|---|--:|--:|',
    ...results.map((r) =>
      [
        '',
        TOOL_NAMES[r.tool],
        codeSpan(r.target),
        r.version ? codeSpan(r.version) : '—',
        r.origin === 'report' ? 'report file' : r.scanner ? `run (${SOURCE_NAMES[r.scanner.source]})` : 'run',
        r.status === 'ok' ? '✅ ok' : `❌ ${escapeMarkdown(r.error ?? 'failed')}`,
        String(r.findings.length),
        `${(r.durationMs / 1000).toFixed(1)} s`,
        '',
      ]
        .join(' | ')
        .trim(),
    ),
  ];
}

interface SortedDecisions {
  failing: Decision[];
  below: Decision[];
  suppressed: Decision[];
}

function render(input: SummaryInput, lists: SortedDecisions, maxRows: number): { text: string; cut: number } {
  const { gate, decisions } = input;
  const { failing, below, suppressed } = lists;
  const out: string[] = [];
  const heading = gate.verdict === 'pass' ? `## ✅ bulkhead: pass` : `## ❌ bulkhead: fail`;
  out.push(heading, '');
  if (gate.verdict === 'pass') {
    out.push(
      `No finding at or above **${input.failOn}** remains${input.failOn === 'none' ? ' (fail-on is none: the gate reports only)' : ''}. ${decisions.length} finding${decisions.length === 1 ? '' : 's'} reported in all.`,
    );
  } else {
    out.push('The gate failed because of:', '', ...gate.reasons.map((r) => `- ${escapeMarkdown(r)}`));
  }
  out.push('', ...countsTable(decisions, input.results), '');
  const images = imageRows(decisions, input.results);
  if (images.length > 1) out.push(...renderJobTable(images, maxRows, { perImage: true }));
  let cut = 0;
  const take = (list: Decision[]): Decision[] => {
    const kept = list.slice(0, Math.max(0, maxRows));
    cut += list.length - kept.length;
    return kept;
  };
  if (failing.length > 0) {
    out.push(`### Fails the gate (${failing.length})`, '', ...findingsTable(take(failing), false), '');
  }
  out.push(...renderByLine(decisions, (file, line) => codeSpan(`${file}:${line}`)));
  out.push(
    ...renderWorkloads(
      input.results.flatMap((r) => r.workloads ?? []),
      maxRows,
    ),
  );
  out.push(...renderRehearsals(rehearsedImages(input.results)));
  if (below.length > 0) {
    out.push(
      '<details><summary>' + `Below the gate (${below.length})` + '</summary>',
      '',
      ...findingsTable(take(below), true),
      '',
      '</details>',
      '',
    );
  }
  if (suppressed.length > 0) {
    out.push(
      '<details><summary>' + `Suppressed by policy (${suppressed.length})` + '</summary>',
      '',
      ...findingsTable(take(suppressed), true),
      '',
      '</details>',
      '',
    );
  }
  if (cut > 0)
    out.push(
      `> ${cut} more finding${cut === 1 ? ' is' : 's are'} not listed here to keep this summary under GitHub's size limit; all are in ${codeSpan(input.reportFile)}.`,
      '',
    );
  if (input.omitted.results > 0 || input.omitted.runs.length > 0) {
    const bySeverity = SEVERITIES.filter((s) => input.omitted.bySeverity[s])
      .map((s) => `${input.omitted.bySeverity[s]} ${s}`)
      .join(', ');
    out.push(
      `> The SARIF log leaves out ${input.omitted.results} of the least severe results (${bySeverity}) to stay within GitHub's code-scanning limits${input.omitted.runs.length > 0 ? `, including ${input.omitted.runs.length} whole run(s)` : ''}. ${codeSpan(input.reportFile)} has them all.`,
      '',
    );
  }
  if (input.policy) out.push(...policySection(input.policy, input.policyOutcome));
  out.push('### Scanners', '', ...scannersTable(input.results), ...databaseLine(input.results), '');
  if (input.notes.length > 0) {
    out.push('### Notes', '', ...input.notes.map((n) => `- ${escapeMarkdown(n)}`), '');
  }
  out.push(`SARIF: ${codeSpan(input.sarifFile)} · full report: ${codeSpan(input.reportFile)}`, '');
  return { text: out.join('\n'), cut };
}

/** The job summary: verdict first, counts, the failing findings, the rest folded. At most 1 MiB. */
export function renderSummary(input: SummaryInput): string {
  const limit = input.limitBytes ?? SUMMARY_LIMIT_BYTES;
  // Start from what the limit can hold at the rows' own average size (measured on a sample, cached
  // for the render), so that a huge report does not render every row to throw most away.
  const sample = input.decisions.slice(0, 200);
  const averageRow =
    sample.length > 0 ? sample.reduce((n, d) => n + Buffer.byteLength(renderRowCached(d, true)) + 1, 0) / sample.length : 1;
  let maxRows = Math.min(input.decisions.length, Math.ceil(limit / averageRow));
  // Sorted once: a render that does not fit is redone with fewer rows of the same lists.
  const lists: SortedDecisions = {
    failing: sorted(input.decisions.filter((d) => d.verdict === 'fails-gate')),
    below: sorted(input.decisions.filter((d) => d.verdict === 'below-threshold')),
    suppressed: sorted(input.decisions.filter((d) => d.verdict === 'suppressed')),
  };
  for (;;) {
    const { text } = render(input, lists, maxRows);
    const size = Buffer.byteLength(text, 'utf8');
    if (size <= limit || maxRows === 0) return text;
    maxRows = Math.floor(maxRows * Math.min(0.9, limit / size));
  }
}
