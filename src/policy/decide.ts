import { atOrAbove, type Decision, type Finding } from '../findings.js';
import type { FailOn } from '../config.js';

export interface GatePolicy {
  failOn: FailOn;
  ignoreUnfixed: boolean;
}

/** Trivy statuses that mean "no fixed version to move to". */
const UNFIXED = new Set(['affected', 'will_not_fix', 'fix_deferred', 'end_of_life']);

export function isUnfixed(finding: Finding): boolean {
  if (finding.kind !== 'vulnerability') return false;
  if (finding.pkg?.fixed) return false;
  return finding.fixStatus === undefined || UNFIXED.has(finding.fixStatus);
}

/** One decision for every finding, with the rule of policy that made it. */
export function decide(findings: readonly Finding[], policy: GatePolicy): Decision[] {
  return findings.map((finding) => {
    if (policy.ignoreUnfixed && isUnfixed(finding)) {
      return { finding, verdict: 'below-threshold', reason: 'ignore-unfixed: no fixed version is available' };
    }
    if (policy.failOn === 'none') {
      return { finding, verdict: 'below-threshold', reason: 'fail-on is none: reported only' };
    }
    if (atOrAbove(finding.severity, policy.failOn)) {
      return { finding, verdict: 'fails-gate', reason: `${finding.severity} is at or above fail-on ${policy.failOn}` };
    }
    return { finding, verdict: 'below-threshold', reason: `${finding.severity} is below fail-on ${policy.failOn}` };
  });
}
