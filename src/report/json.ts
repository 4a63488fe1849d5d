import type { Decision } from '../model/finding.js';
import type { GateOutcome } from '../policy/gate.js';
import type { ScanResult, ScannerErrorMode } from '../model/scanResult.js';
import type { SummaryCounts } from './counts.js';
import type { Omitted } from './sarif.js';
import type { PolicyOutcome } from '../policy/decide.js';
import type { ResolvedPolicy } from '../policy/resolved.js';
import type { Baseline, BaselineEntry } from '../policy/baseline.js';
import { isSeverity } from '../model/finding.js';
import { isObject, str } from '../util/json.js';
import { FormatError } from '../util/errors.js';

export const REPORT_FORMAT = 'bulkhead-report/v1';

/** report-file: every finding with its decision and reason, and how each scanner fared. */
export function buildJsonReport(input: {
  version: string;
  scannerError: ScannerErrorMode;
  gate: GateOutcome;
  counts: SummaryCounts;
  results: readonly ScanResult[];
  decisions: readonly Decision[];
  omitted: Omitted;
  notes: readonly string[];
  createdAt: Date;
  policy: ResolvedPolicy;
  policyOutcome: PolicyOutcome;
  /** Where the scan ran on GitHub, for a later publish job (mode: publish). */
  github?: Record<string, unknown>;
}): unknown {
  const { policy, policyOutcome } = input;
  return {
    format: REPORT_FORMAT,
    bulkhead: { version: input.version },
    createdAt: input.createdAt.toISOString(),
    verdict: input.gate.verdict,
    exitCode: input.gate.exitCode,
    reasons: input.gate.reasons,
    policy: {
      settings: policy.settings,
      scannerError: input.scannerError,
      files: policy.files,
      exceptions: policyOutcome.exceptions.map((use) => ({ ...use.exception, state: use.state, matched: use.matched })),
      overrides: policy.gate.overrides ?? [],
      vexStatements: policy.gate.vex?.length ?? 0,
      baseline: policyOutcome.baseline ?? null,
      hadolintIgnores: policy.hadolintIgnores,
    },
    counts: input.counts,
    scanners: input.results.map((r) => ({
      tool: r.tool,
      key: r.key,
      target: r.target,
      origin: r.origin,
      version: r.version ?? null,
      status: r.status,
      error: r.error ?? null,
      durationMs: Math.round(r.durationMs),
      findings: r.findings.length,
      warnings: r.warnings,
      executable: r.scanner ?? null,
      database: r.database ?? null,
    })),
    workloads: input.results.flatMap((r) => r.workloads ?? []),
    rehearsals: input.results.flatMap((r) => (r.rehearsal ? [{ image: r.target, ...r.rehearsal }] : [])),
    sarifOmitted: input.omitted,
    notes: input.notes,
    decisions: input.decisions.map((d) => ({ verdict: d.verdict, reason: d.reason, finding: d.finding })),
    ...(input.github ? { github: input.github } : {}),
  };
}

/** Reads a previous run's report-file; the fingerprints of its findings are the baseline. */
export function readBaseline(document: unknown, source: string): Baseline {
  if (!isObject(document) || document.format !== REPORT_FORMAT || !Array.isArray(document.decisions)) {
    throw new FormatError(source, `is not a bulkhead report file (${REPORT_FORMAT}); use the report-file of an earlier run.`);
  }
  const entries = new Map<string, BaselineEntry>();
  for (const decision of document.decisions) {
    const finding = isObject(decision) && isObject(decision.finding) ? decision.finding : undefined;
    const fingerprint = finding ? str(finding.fingerprint) : undefined;
    if (!finding || !fingerprint) continue;
    const severity = str(finding.severity) ?? 'medium';
    entries.set(fingerprint, {
      fingerprint,
      ruleId: str(finding.ruleId) ?? '',
      title: str(finding.title) ?? '',
      severity: isSeverity(severity) ? severity : 'medium',
    });
  }
  return { source, entries };
}
