import { compareFindings, SEVERITIES, type Decision } from '../model/finding.js';
import type { GateOutcome } from '../policy/gate.js';
import { describeFailure, type ScanResult } from '../model/scanResult.js';
import { failingWorkloads, label, podSecurityLine } from './workloads.js';
import type { Finding } from '../model/finding.js';

/** What the table marks, for a terminal to colour (the action's log and plain output ignore it). */
export type TableStyle = Finding['severity'] | 'fail' | 'pass' | 'heading' | 'location';
export type TablePaint = (style: TableStyle, text: string) => string;
const plain: TablePaint = (_style, text) => text;

/** Suggested fixes printed, for the workloads whose findings fail the gate. */
const MAX_SUGGESTIONS = 3;

function workloadLines(results: readonly ScanResult[], decisions: readonly Decision[]): string[] {
  const workloads = results.flatMap((r) => r.workloads ?? []);
  if (workloads.length === 0) return [];
  const lines: string[] = [];
  const levels = podSecurityLine(workloads);
  if (levels) lines.push(levels.replace(/\*\*/g, ''), '');
  for (const w of failingWorkloads(workloads, decisions).slice(0, MAX_SUGGESTIONS)) {
    lines.push(`Suggested fix for ${label(w)} (${w.file}:${w.line}):`);
    lines.push(...(w.suggestion ?? '').split('\n').map((l) => `  ${l}`), '');
  }
  return lines;
}

/** One failing finding: severity, rule, and the package (version, fix) or what the rule is about. */
function findingLine(f: Finding, paint: TablePaint): string {
  // Without a package, the rule's title and the path in the image say what it is about.
  const what = f.pkg
    ? ` ${f.pkg.name} ${f.pkg.installed}${f.pkg.fixed ? ` -> ${f.pkg.fixed}` : ' (no fix)'}`
    : f.tool === 'bulkhead'
      ? ` ${f.title}${f.path ? ` (${f.path})` : ''}`
      : '';
  return `${paint(f.severity, f.severity.toUpperCase())}${' '.repeat(Math.max(1, 9 - f.severity.length))}${f.ruleId}${what}`;
}

/**
 * The failing findings under the line they sit on (file:line and the instruction there), the
 * worst line first: what to change, in the order to change it. At most `max` findings are listed.
 */
function failingByLocation(findings: readonly Finding[], max: number, paint: TablePaint): string[] {
  const groups = new Map<string, { heading: string; findings: Finding[] }>();
  for (const f of [...findings].sort(compareFindings)) {
    const where = f.file ? `${f.file}:${f.line ?? 1}` : (f.image ?? f.path ?? '');
    // What is at that line: the Dockerfile instruction, or the workload a manifest line belongs to.
    const context = f.introducedBy && f.introducedBy.kind !== 'history' ? f.introducedBy.instruction : f.workload;
    const group = groups.get(where) ?? {
      heading: context ? `${where}  ${context.length > 70 ? `${context.slice(0, 69)}…` : context}` : where,
      findings: [],
    };
    group.findings.push(f);
    groups.set(where, group);
  }
  const lines: string[] = [];
  let listed = 0;
  for (const group of groups.values()) {
    if (listed >= max) break;
    lines.push(`  ${paint('location', group.heading || '(no file)')}`);
    for (const f of group.findings.slice(0, max - listed)) lines.push(`    ${findingLine(f, paint)}`);
    listed += Math.min(group.findings.length, max - listed);
  }
  if (findings.length > listed) lines.push(`  … and ${findings.length - listed} more (see the report file)`);
  return lines;
}

/** Terminal output and the action's job log: a compact table by severity, the failing findings by line, and a one-line verdict. */
export function renderTable(input: {
  gate: GateOutcome;
  decisions: readonly Decision[];
  results: readonly ScanResult[];
  failOn: string;
  /** Failing findings listed before "… and N more" (default 20). */
  maxListed?: number;
  /** The closing PASS/FAIL line (default true; the action says its verdict its own way). */
  verdictLine?: boolean;
  /** Marks severities, headings and the verdict for a terminal's colours; plain text by default. */
  paint?: TablePaint;
}): string {
  const { decisions, gate } = input;
  const paint = input.paint ?? plain;
  const tools = [...new Set(input.results.map((r) => r.tool))];
  const lines: string[] = [];
  const header = ['SEVERITY', ...tools.map((t) => t.toUpperCase()), 'TOTAL', 'FAILING'];
  const rows = SEVERITIES.map((severity) => {
    const active = decisions.filter((d) => d.finding.severity === severity && d.verdict !== 'suppressed');
    return [
      severity,
      ...tools.map((t) => String(active.filter((d) => d.finding.tool === t).length)),
      String(active.length),
      String(active.filter((d) => d.verdict === 'fails-gate').length),
    ];
  });
  const suppressed = decisions.filter((d) => d.verdict === 'suppressed');
  rows.push([
    'suppressed',
    ...tools.map((t) => String(suppressed.filter((d) => d.finding.tool === t).length)),
    String(suppressed.length),
    '0',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  lines.push(format(header), ...rows.map(format), '');
  const failing = decisions.filter((d) => d.verdict === 'fails-gate').map((d) => d.finding);
  if (failing.length > 0) {
    lines.push(paint('heading', `Fails the gate (${failing.length}):`));
    lines.push(...failingByLocation(failing, input.maxListed ?? 20, paint), '');
  }
  lines.push(...workloadLines(input.results, decisions));
  for (const r of gate.failedScanners) lines.push(`Failed: ${describeFailure(r)}`);
  if (input.verdictLine !== false)
    lines.push(
      gate.verdict === 'pass'
        ? paint('pass', `PASS: no finding at or above ${input.failOn} (${decisions.length} reported)`)
        : paint('fail', `FAIL: ${gate.reasons.join('; ')}`),
    );
  return lines.join('\n').trimEnd();
}
