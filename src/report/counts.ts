import type { Decision } from '../model/finding.js';

export interface SummaryCounts {
  findings: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  suppressed: number;
  failing: number;
}

/** Severity counts leave suppressed findings out; `findings` counts everything reported. */
export function countDecisions(decisions: readonly Decision[]): SummaryCounts {
  const counts: SummaryCounts = { findings: decisions.length, critical: 0, high: 0, medium: 0, low: 0, info: 0, suppressed: 0, failing: 0 };
  for (const d of decisions) {
    if (d.verdict === 'suppressed') counts.suppressed++;
    else counts[d.finding.severity]++;
    if (d.verdict === 'fails-gate') counts.failing++;
  }
  return counts;
}
