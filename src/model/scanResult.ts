import type { Finding, Tool } from './finding.js';
import type { PackageInventory } from './packages.js';
import type { RehearsalSummary } from './rehearsal.js';
import type { WorkloadSummary } from './workload.js';

export type ScanStatus = 'ok' | 'error';

/** What one scanner produced for one target (an image, a Dockerfile, or a report standing in for them). */
export interface ScanResult {
  tool: Tool;
  /** Stable key of what was scanned: image repository or Dockerfile path. Names the SARIF run's category. */
  key: string;
  /** Human label: image reference, Dockerfile path, or report file. */
  target: string;
  /** `report` when read from an existing report file, `run` when bulkhead ran the scanner. */
  origin: 'report' | 'run';
  version?: string;
  status: ScanStatus;
  durationMs: number;
  findings: Finding[];
  /** Set when status is `error`: which tool, what happened. */
  error?: string;
  /** Things the scanner's output held that could not be used. */
  warnings: string[];
  /** The executable that ran, when bulkhead ran it. */
  scanner?: ScannerRecord;
  /** Trivy's vulnerability database as the scan used it. */
  database?: DatabaseRecord;
  /**
   * Secret values the scanner found, so that the redactor masks them wherever they appear (a path,
   * a title, another tool's text). Never written anywhere: the report lists scanners field by field.
   */
  secretValues?: readonly string[];
  /** The scanned image's history and layers, for attribution to Dockerfile lines. */
  imageHistory?: ImageHistory;
  /** The workloads of a manifest or Compose file, with their Pod Security level and suggested fix. */
  workloads?: WorkloadSummary[];
  /** The image run under least privilege on the local engine (`rehearse`). */
  rehearsal?: RehearsalSummary;
  /** Every package Trivy listed in the image, for the SBOM and the dependency graph. */
  packages?: PackageInventory;
}

export interface ImageHistory {
  diffIds: readonly string[];
  history: readonly { createdBy: string; emptyLayer: boolean }[];
}

export interface ScannerRecord {
  path: string;
  version: string;
  sha256: string;
  source: 'given' | 'path' | 'tool-cache' | 'download';
}

export interface DatabaseRecord {
  version?: number;
  updatedAt?: string;
  /** Hours between the database's build and the scan. */
  ageHours?: number;
  /** What the Actions cache did for it: restored today's, an older one, nothing, or not used. */
  cache: 'hit' | 'restored-older' | 'miss' | 'not-used' | 'failed';
  /** Trivy's Java DB, when there was one for the scans (restored, or downloaded for an image with JARs). */
  javaDb?: JavaDatabaseRecord;
}

export interface JavaDatabaseRecord {
  updatedAt?: string;
  cache: DatabaseRecord['cache'];
  /** Downloaded during this run (then saved to the cache), rather than used as restored. */
  downloaded: boolean;
}

/** What a scanner that failed to run does to the gate: fail it (closed) or only warn. */
export type ScannerErrorMode = 'fail' | 'warn';

/** How messages name a tool: the built-in checks are not a scanner called "bulkhead" to the reader of a bulkhead message. */
export function toolLabel(tool: ScanResult['tool']): string {
  return tool === 'bulkhead' ? 'the built-in checks' : tool;
}

/**
 * A failed result's error without what the sentence around it already says: errors name their
 * file or tool first ("app.tar: …", "hadolint: …"), and "hadolint failed on app.tar: app.tar: …"
 * would say it twice.
 */
export function failureText(result: Pick<ScanResult, 'tool' | 'target' | 'error'>): string {
  let text = (result.error ?? 'unknown error').trim();
  for (let again = true; again;) {
    again = false;
    for (const prefix of [result.target, result.tool]) {
      if (prefix && text.toLowerCase().startsWith(`${prefix.toLowerCase()}: `)) {
        text = text.slice(prefix.length + 2);
        again = true;
      }
    }
  }
  return text;
}

/** "hadolint failed on Dockerfile: it exited with code 1": one failed result, in one clause. */
export function describeFailure(result: Pick<ScanResult, 'tool' | 'target' | 'error'>): string {
  return `${toolLabel(result.tool)} failed on ${result.target}: ${failureText(result)}`;
}
