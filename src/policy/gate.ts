import type { FailOn } from '../model/severity.js';
import type { ScannerErrorMode } from '../model/scanResult.js';
import type { Decision } from '../model/finding.js';
import { describeFailure, failureText, toolLabel, type ScanResult } from '../model/scanResult.js';

export type GateVerdict = 'pass' | 'fail';

export interface GateOutcome {
  verdict: GateVerdict;
  /** Why, one line each: failing findings and scanners that failed. */
  reasons: string[];
  /** 0 pass, 1 findings failed the gate, 3 only a scanner failure closed it. */
  exitCode: 0 | 1 | 3;
  failingFindings: number;
  failedScanners: ScanResult[];
}

/** The verdict comes from the decisions and scanner statuses, and from nothing else. */
export function gate(
  decisions: readonly Decision[],
  results: readonly ScanResult[],
  options: { failOn: FailOn; scannerError: ScannerErrorMode },
): GateOutcome {
  const { scannerError } = options;
  const failingFindings = decisions.filter((d) => d.verdict === 'fails-gate').length;
  const failedScanners = results.filter((r) => r.status === 'error');
  const reasons: string[] = [];
  if (failingFindings > 0) {
    reasons.push(`${failingFindings} finding${failingFindings === 1 ? '' : 's'} at or above ${options.failOn}`);
  }
  for (const result of failedScanners) {
    reasons.push(
      scannerError === 'fail'
        ? `${describeFailure(result)} (scanner-error: fail)`
        : `${toolLabel(result.tool)} failed on ${result.target} and was ignored (scanner-error: warn): ${failureText(result)}`,
    );
  }
  const closedByScanner = scannerError === 'fail' && failedScanners.length > 0;
  const verdict: GateVerdict = failingFindings > 0 || closedByScanner ? 'fail' : 'pass';
  const exitCode = failingFindings > 0 ? 1 : closedByScanner ? 3 : 0;
  return { verdict, reasons, exitCode, failingFindings, failedScanners };
}
