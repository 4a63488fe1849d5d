import type { Severity } from './finding.js';

/**
 * Every mapping from a tool's severity to bulkhead's, in one place.
 *
 * Trivy
 *   CRITICAL → critical, HIGH → high, MEDIUM → medium, LOW → low.
 *   UNKNOWN (no vendor or NVD rating yet) → from the best CVSS score when the report has one,
 *   else medium: an unrated CVE is often a fresh one, so it must not sit silently below a
 *   `fail-on: medium` gate, yet it should not fail a `high` gate on no evidence.
 * hadolint
 *   error → high, warning → medium, info → low, style → info.
 *   (`ignore` is never emitted by hadolint.)
 * SARIF security-severity, which GitHub buckets by score:
 *   critical 9.5, high 8.0, medium 5.5, low 2.0, info 0.0 — unless the finding has its own CVSS score
 *   inside its band, which is then used as is.
 */

const TRIVY: Record<string, Severity> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MEDIUM: 'medium',
  LOW: 'low',
};

/** `severity` is one of Trivy's five names (the adapter refuses any other before asking). */
export function fromTrivy(severity: string, cvss?: number): Severity {
  const known = TRIVY[severity];
  if (known) return known;
  if (cvss !== undefined) return fromCvss(cvss);
  return 'medium';
}

const HADOLINT: Record<string, Severity> = {
  error: 'high',
  warning: 'medium',
  info: 'low',
  style: 'info',
};

export function fromHadolint(level: unknown): Severity {
  return (typeof level === 'string' && HADOLINT[level.toLowerCase()]) || 'medium';
}

/** CVSS v3 qualitative rating bands. */
export function fromCvss(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

const BANDS: Record<Severity, { min: number; max: number; nominal: number }> = {
  critical: { min: 9.0, max: 10.0, nominal: 9.5 },
  high: { min: 7.0, max: 8.9, nominal: 8.0 },
  medium: { min: 4.0, max: 6.9, nominal: 5.5 },
  low: { min: 0.1, max: 3.9, nominal: 2.0 },
  info: { min: 0.0, max: 0.0, nominal: 0.0 },
};

/** The `security-severity` string GitHub code scanning reads; always inside the severity's band. */
export function securitySeverity(severity: Severity, cvss?: number): string {
  const band = BANDS[severity];
  const score = cvss !== undefined && cvss >= band.min && cvss <= band.max ? cvss : band.nominal;
  return score.toFixed(1);
}

/** The gate's threshold: the lowest severity that fails it (inclusive), or none. */
export type FailOn = Severity | 'none';
