import { atOrAbove, type Decision, type Finding } from '../model/finding.js';
import type { FailOn } from '../model/severity.js';
import type { Baseline, BaselineEntry } from './baseline.js';
import type { PolicyException, SeverityOverride } from './file.js';
import { exceptionMatches, overrideFor } from './match.js';
import { vexFor, type VexStatement } from './vex.js';

export interface GatePolicy {
  failOn: FailOn;
  ignoreUnfixed: boolean;
  onlyNew?: boolean;
  overrides?: readonly SeverityOverride[];
  exceptions?: readonly PolicyException[];
  vex?: readonly VexStatement[];
  baseline?: Baseline;
  /** Today as YYYY-MM-DD in UTC; exceptions expire at the start of their `expires` day. */
  today?: string;
}

export type ExceptionState = 'active' | 'expiring' | 'expired';

export interface ExceptionUse {
  exception: PolicyException;
  state: ExceptionState;
  /** Findings it suppressed (active or expiring), or would have (expired). */
  matched: number;
}

export interface BaselineComparison {
  source: string;
  new: number;
  unchanged: number;
  /** In the baseline, gone now. */
  fixed: BaselineEntry[];
}

export interface PolicyOutcome {
  decisions: Decision[];
  exceptions: ExceptionUse[];
  baseline?: BaselineComparison;
}

/** Exceptions that expire within this many days are warned about. */
export const EXPIRY_WARNING_DAYS = 14;

/** Trivy statuses that mean "no fixed version to move to". */
const UNFIXED = new Set(['affected', 'will_not_fix', 'fix_deferred', 'end_of_life']);

export function isUnfixed(finding: Finding): boolean {
  if (finding.kind !== 'vulnerability') return false;
  if (finding.pkg?.fixed) return false;
  return finding.fixStatus === undefined || UNFIXED.has(finding.fixStatus);
}

export function todayUtc(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function exceptionState(exception: PolicyException, today: string): ExceptionState {
  if (exception.expires === undefined) return 'active';
  if (exception.expires <= today) return 'expired';
  return exception.expires <= addDays(today, EXPIRY_WARNING_DAYS) ? 'expiring' : 'active';
}

function describeException(exception: PolicyException): string {
  const owner = exception.owner ? `, owner ${exception.owner}` : '';
  const expires = exception.expires ? `, until ${exception.expires}` : '';
  return `exception ${exception.source}${owner}${expires}: ${exception.reason}`;
}

function describeVex(statement: VexStatement): string {
  const why = statement.justification ?? statement.impactStatement;
  return `VEX ${statement.source}: ${statement.status.replace('_', ' ')}${why ? ` (${why.replace(/_/g, ' ')})` : ''}`;
}

/**
 * One decision for every finding, with the rule of policy that made it. Precedence: severity
 * override, then VEX, then exceptions (suppressed); then ignore-unfixed, then the baseline, then
 * the threshold.
 */
export function decide(findings: readonly Finding[], policy: GatePolicy): Decision[] {
  return applyPolicy(findings, policy).decisions;
}

export function applyPolicy(findings: readonly Finding[], policy: GatePolicy): PolicyOutcome {
  const today = policy.today ?? todayUtc(new Date());
  const uses = (policy.exceptions ?? []).map((exception) => ({ exception, state: exceptionState(exception, today), matched: 0 }));
  const useBaseline = policy.onlyNew === true && policy.baseline !== undefined;
  let newCount = 0;
  let unchanged = 0;
  const seen = new Set<string>();
  const decisions = findings.map((original): Decision => {
    const override = overrideFor(original, policy.overrides ?? []);
    const finding = override && override.severity !== original.severity ? { ...original, severity: override.severity } : original;
    const overridden = finding !== original ? ` (severity ${original.severity} → ${finding.severity} by override ${override?.source})` : '';
    seen.add(finding.fingerprint);
    const isNew = useBaseline ? !policy.baseline?.entries.has(finding.fingerprint) : true;
    if (useBaseline) {
      if (isNew) newCount++;
      else unchanged++;
    }
    const statement = vexFor(finding, policy.vex ?? []);
    if (statement && (statement.status === 'not_affected' || statement.status === 'fixed')) {
      return { finding, verdict: 'suppressed', reason: describeVex(statement) + overridden };
    }
    let suppressedBy: PolicyException | undefined;
    for (const use of uses) {
      if (!exceptionMatches(use.exception.match, finding)) continue;
      use.matched++;
      if (use.state !== 'expired' && !suppressedBy) suppressedBy = use.exception;
    }
    if (suppressedBy) return { finding, verdict: 'suppressed', reason: describeException(suppressedBy) + overridden };
    if (policy.ignoreUnfixed && isUnfixed(finding)) {
      return { finding, verdict: 'below-threshold', reason: 'ignore-unfixed: no fixed version is available' + overridden };
    }
    if (!isNew) {
      return { finding, verdict: 'below-threshold', reason: `only-new: already in the baseline (${policy.baseline?.source})` + overridden };
    }
    if (policy.failOn === 'none') {
      return { finding, verdict: 'below-threshold', reason: 'fail-on is none: reported only' + overridden };
    }
    if (atOrAbove(finding.severity, policy.failOn)) {
      return {
        finding,
        verdict: 'fails-gate',
        reason:
          `${finding.severity} is at or above fail-on ${policy.failOn}${useBaseline ? ' and new since the baseline' : ''}` + overridden,
      };
    }
    return { finding, verdict: 'below-threshold', reason: `${finding.severity} is below fail-on ${policy.failOn}` + overridden };
  });
  const outcome: PolicyOutcome = { decisions, exceptions: uses };
  if (useBaseline && policy.baseline) {
    const fixed = [...policy.baseline.entries.values()].filter((entry) => !seen.has(entry.fingerprint));
    outcome.baseline = { source: policy.baseline.source, new: newCount, unchanged, fixed };
  }
  return outcome;
}
