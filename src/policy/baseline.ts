import { isSeverity, type Severity } from '../findings.js';
import { isObject, str } from '../json.js';
import { REPORT_FORMAT } from '../report/json.js';

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  title: string;
  severity: Severity;
}

export interface Baseline {
  /** Where it came from: a file path or a cache key, for reasons and the summary. */
  source: string;
  entries: Map<string, BaselineEntry>;
}

export class BaselineFormatError extends Error {}

/** Reads a previous run's report-file; the fingerprints of its findings are the baseline. */
export function parseBaseline(document: unknown, source: string): Baseline {
  if (!isObject(document) || document.format !== REPORT_FORMAT || !Array.isArray(document.decisions)) {
    throw new BaselineFormatError(`is not a bulkhead report file (${REPORT_FORMAT}); use the report-file of an earlier run`);
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
