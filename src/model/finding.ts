import { hash } from 'node:crypto';

/** Ordered from most to least severe; index 0 is the worst. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type Tool = 'trivy' | 'hadolint' | 'bulkhead';
export const TOOLS: readonly Tool[] = ['trivy', 'hadolint', 'bulkhead'];

export type FindingKind = 'vulnerability' | 'secret' | 'misconfiguration' | 'license' | 'hardening' | 'lint';

export interface PackageRef {
  name: string;
  installed: string;
  fixed?: string;
  purl?: string;
}

export interface Finding {
  tool: Tool;
  ruleId: string;
  kind: FindingKind;
  severity: Severity;
  title: string;
  /** One finding, in one sentence or two: what, where, what to do. Never holds a secret value. */
  message: string;
  /** The rule's longer text (e.g. a CVE's description), shared by all findings of the rule. */
  description?: string;
  helpUri?: string;
  /** Image reference as the user gave it (or as the report names it). */
  image?: string;
  /** diffID / digest of the layer that introduced the finding. */
  layer?: string;
  /**
   * 0-based index of the image history entry that made the finding, for what a config setting or a
   * history line says (USER, ENV, EXPOSE …): those entries often have no layer of their own.
   */
  historyStep?: number;
  /** Path inside the image, or the scanner's target (lock file, binary). */
  path?: string;
  /** Repo-relative Dockerfile (or other source) location. */
  file?: string;
  line?: number;
  /** The Kubernetes object (`Kind/namespace/name`) or Compose service (`service/name`) a workload finding is about. */
  workload?: string;
  pkg?: PackageRef;
  /** Fix status as the scanner states it (Trivy: fixed, affected, will_not_fix …). */
  fixStatus?: string;
  cvss?: number;
  fingerprint: string;
  /** What in the build brought this finding in, once attribution knows (see src/attribution). */
  introducedBy?: Introduction;
  /** Other layers that matter to the finding (e.g. the one that deleted a secret), by diffID. */
  relatedLayers?: { layer: string; role: string }[];
  /** Other Dockerfile lines that matter to the finding, after attribution. */
  relatedLines?: { file: string; line: number; role: string }[];
}

export interface Introduction {
  /** `instruction`: a Dockerfile line; `base`: the base image; `history`: only the history entry is known. */
  kind: 'instruction' | 'base' | 'history';
  /** The instruction as written, or the history entry as an instruction. */
  instruction: string;
  stage?: string;
  copiedFrom?: string;
  baseImage?: string;
}

export type Verdict = 'fails-gate' | 'below-threshold' | 'suppressed';

export interface Decision {
  finding: Finding;
  verdict: Verdict;
  reason: string;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `severity` is at or above `threshold` (inclusive). */
export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) <= severityRank(threshold);
}

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/** Code-unit order: the same on every machine and locale, and far cheaper than ICU collation on 25,000 findings. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Most severe first; ties keep a stable, readable order. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    (b.cvss ?? 0) - (a.cvss ?? 0) ||
    byText(a.ruleId, b.ruleId) ||
    byText(a.pkg?.name ?? '', b.pkg?.name ?? '') ||
    byText(a.path ?? a.file ?? '', b.path ?? b.file ?? '')
  );
}

/**
 * The repository part of a registry/daemon image reference: no tag, no digest.
 * Fingerprints and SARIF categories use it so that a rebuild (new tag or digest) keeps them.
 */
export function imageRepository(reference: string): string {
  let ref = reference.trim();
  const at = ref.indexOf('@');
  if (at >= 0) ref = ref.slice(0, at);
  // A colon after the last slash is a tag; before it, a registry port.
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  if (colon >= 0) ref = ref.slice(0, colon);
  return ref;
}

/** Stable identity of a finding: never line numbers, never tags or digests. */
export function fingerprintOf(parts: readonly (string | undefined)[]): string {
  // One-shot hash of the parts joined (what updating part by part hashes): every finding has one.
  let text = '';
  for (const part of parts) text += `${part ?? ''}\u0000`;
  return hash('sha256', text, 'hex').slice(0, 32);
}
