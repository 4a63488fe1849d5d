import { compareFindings, SEVERITIES, type Decision } from '../model/finding.js';
import type { GateOutcome } from '../policy/gate.js';
import type { ScanResult } from '../model/scanResult.js';
import { failingWorkloads, label, podSecurityLine } from '../report/workloads.js';

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

/** Terminal output: a compact table by severity, the failing findings, and a one-line verdict. */
export function renderTable(input: {
  gate: GateOutcome;
  decisions: readonly Decision[];
  results: readonly ScanResult[];
  failOn: string;
  maxListed?: number;
}): string {
  const { decisions, gate } = input;
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
  const failing = decisions.filter((d) => d.verdict === 'fails-gate').sort((a, b) => compareFindings(a.finding, b.finding));
  const maxListed = input.maxListed ?? 20;
  if (failing.length > 0) {
    lines.push('Fails the gate:');
    for (const d of failing.slice(0, maxListed)) {
      const f = d.finding;
      // Without a package, the rule's title and the path in the image say what it is about.
      const pkg = f.pkg
        ? ` ${f.pkg.name} ${f.pkg.installed}${f.pkg.fixed ? ` -> ${f.pkg.fixed}` : ' (no fix)'}`
        : f.tool === 'bulkhead'
          ? ` ${f.title}${f.path ? ` (${f.path})` : ''}`
          : '';
      const at = f.file ? `  ${f.file}:${f.line ?? 1}` : f.image ? `  ${f.image}` : '';
      lines.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.ruleId}${pkg}${at}`);
    }
    if (failing.length > maxListed) lines.push(`  … and ${failing.length - maxListed} more (see the report file)`);
    lines.push('');
  }
  lines.push(...workloadLines(input.results, decisions));
  for (const r of gate.failedScanners) lines.push(`Scanner failed: ${r.tool} on ${r.target}: ${r.error ?? 'unknown error'}`);
  lines.push(
    gate.verdict === 'pass'
      ? `PASS: no finding at or above ${input.failOn} (${decisions.length} reported)`
      : `FAIL: ${gate.reasons.join('; ')}`,
  );
  return lines.join('\n');
}
