import type { Severity } from '../model/finding.js';

/** A finding as an earlier run recorded it; report/json.ts reads these from a report-file. */
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
