import type { FailOn } from '../model/severity.js';
import { FormatError } from '../util/errors.js';
import { isSeverity, TOOLS, type Decision, type Finding, type FindingKind, type Tool, type Verdict } from '../model/finding.js';
import { isObject, str, num } from '../util/json.js';
import type { BaselineEntry } from '../policy/baseline.js';
import type { BaselineComparison } from '../policy/decide.js';
import { REPORT_FORMAT } from '../report/json.js';
import type { PodSecurityLevel, WorkloadSummary } from '../model/workload.js';

/** What a scan job left for the publish job: everything the comment needs, nothing executable. */
export interface PublishedReport {
  verdict: 'pass' | 'fail';
  reasons: string[];
  failOn: FailOn;
  decisions: Decision[];
  baseline?: BaselineComparison;
  marker?: string;
  workloads: WorkloadSummary[];
  /** How each scanner of the job fared (what it scanned, and its error when it failed). */
  scanners: { tool: Tool; target: string; status: 'ok' | 'error'; error?: string }[];
  /** Entries that were not well-formed and were left out. */
  dropped: number;
}

const VERDICTS: readonly Verdict[] = ['fails-gate', 'below-threshold', 'suppressed'];
const KINDS: readonly FindingKind[] = ['vulnerability', 'secret', 'misconfiguration', 'license', 'hardening', 'lint'];
const MAX_TEXT = 2000;

const text = (value: unknown, max = MAX_TEXT): string | undefined => {
  const s = str(value);
  return s === undefined ? undefined : s.slice(0, max);
};

function findingOf(value: unknown): Finding | undefined {
  if (!isObject(value)) return undefined;
  const tool = str(value.tool);
  const severity = str(value.severity);
  const kind = str(value.kind);
  const ruleId = text(value.ruleId, 200);
  const title = text(value.title);
  const fingerprint = text(value.fingerprint, 200);
  if (
    !tool ||
    !(TOOLS as readonly string[]).includes(tool) ||
    !severity ||
    !isSeverity(severity) ||
    !kind ||
    !(KINDS as readonly string[]).includes(kind) ||
    !ruleId ||
    title === undefined ||
    !fingerprint
  ) {
    return undefined;
  }
  const file = text(value.file, 500);
  const line = num(value.line);
  const image = text(value.image, 500);
  const path = text(value.path, 1000);
  const helpUri = text(value.helpUri, 500);
  const workload = text(value.workload, 500);
  const pkg = isObject(value.pkg) ? value.pkg : undefined;
  const pkgName = pkg ? text(pkg.name, 300) : undefined;
  return {
    tool: tool as Tool,
    ruleId,
    kind: kind as FindingKind,
    severity,
    title,
    message: text(value.message) ?? title,
    fingerprint,
    ...(file ? { file } : {}),
    ...(line !== undefined && Number.isInteger(line) && line > 0 ? { line } : {}),
    ...(image ? { image } : {}),
    ...(path ? { path } : {}),
    ...(helpUri ? { helpUri } : {}),
    ...(workload ? { workload } : {}),
    ...(pkg && pkgName
      ? {
          pkg: {
            name: pkgName,
            installed: text(pkg.installed, 200) ?? '',
            ...(text(pkg.fixed, 200) ? { fixed: text(pkg.fixed, 200) as string } : {}),
          },
        }
      : {}),
  };
}

const LEVELS: readonly PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];

/** One workload of the report, capped like findings; a malformed one is left out. */
function workloadOf(value: unknown): WorkloadSummary | undefined {
  if (!isObject(value)) return undefined;
  const id = text(value.id, 500);
  const name = text(value.name, 300);
  const kind = text(value.kind, 100);
  const file = text(value.file, 500);
  const line = num(value.line);
  const platform = value.platform === 'kubernetes' || value.platform === 'compose' ? value.platform : undefined;
  if (!id || !name || !kind || !file || !platform || line === undefined || !Number.isInteger(line) || line < 1) return undefined;
  const pss = isObject(value.podSecurity) ? value.podSecurity : undefined;
  const level = pss ? str(pss.level) : undefined;
  const suggestion = text(value.suggestion, 4000);
  return {
    id,
    platform,
    kind,
    name,
    namespace: text(value.namespace, 300) ?? '',
    file,
    line,
    ...(level && (LEVELS as readonly string[]).includes(level)
      ? { podSecurity: { level: level as PodSecurityLevel, violations: [] } }
      : {}),
    scannedImages: [],
    findings: num(value.findings) ?? 0,
    ...(suggestion ? { suggestion } : {}),
  };
}

function scannerOf(value: unknown): PublishedReport['scanners'][number] | undefined {
  if (!isObject(value)) return undefined;
  const tool = str(value.tool);
  const target = text(value.target, 500);
  const status = value.status === 'ok' || value.status === 'error' ? value.status : undefined;
  if (!tool || !(TOOLS as readonly string[]).includes(tool) || target === undefined || !status) return undefined;
  const error = text(value.error);
  return { tool: tool as Tool, target, status, ...(error ? { error } : {}) };
}

/**
 * Reads a report-file written by a scan job. The file comes from a pull request's workflow, so
 * it is treated as untrusted data: checked field by field, text capped, anything odd dropped.
 */
export function parsePublishedReport(document: unknown, file: string): PublishedReport {
  if (!isObject(document) || document.format !== REPORT_FORMAT) {
    throw new FormatError(file, `is not a bulkhead report (format ${REPORT_FORMAT}); give the report-file the scan job wrote.`);
  }
  const verdict = document.verdict === 'pass' || document.verdict === 'fail' ? document.verdict : undefined;
  if (!verdict) throw new FormatError(file, 'has no verdict; give the report-file the scan job wrote.');
  const policy = isObject(document.policy) ? document.policy : {};
  const settings = isObject(policy.settings) ? policy.settings : {};
  const failOnSetting = isObject(settings.failOn) ? str(settings.failOn.value) : undefined;
  const failOn = (
    failOnSetting === 'none' || (failOnSetting && isSeverity(failOnSetting) && failOnSetting !== 'info') ? failOnSetting : 'high'
  ) as FailOn;
  const decisions: Decision[] = [];
  let dropped = 0;
  for (const entry of Array.isArray(document.decisions) ? document.decisions.slice(0, 100_000) : []) {
    const verdictOf = isObject(entry) ? str(entry.verdict) : undefined;
    const finding = isObject(entry) ? findingOf(entry.finding) : undefined;
    if (!finding || !verdictOf || !(VERDICTS as readonly string[]).includes(verdictOf)) {
      dropped++;
      continue;
    }
    decisions.push({ finding, verdict: verdictOf as Verdict, reason: (isObject(entry) ? text(entry.reason) : undefined) ?? '' });
  }
  const reasons = (Array.isArray(document.reasons) ? document.reasons : [])
    .map((r) => text(r))
    .filter((r): r is string => r !== undefined)
    .slice(0, 50);
  const baseline = isObject(policy.baseline) ? policy.baseline : undefined;
  const github = isObject(document.github) ? document.github : {};
  const marker = str(github.commentMarker);
  return {
    verdict,
    reasons,
    failOn,
    decisions,
    ...(baseline && num(baseline.new) !== undefined
      ? {
          baseline: {
            source: text(baseline.source, 300) ?? 'baseline',
            new: num(baseline.new) ?? 0,
            unchanged: num(baseline.unchanged) ?? 0,
            fixed: Array.isArray(baseline.fixed) ? (baseline.fixed.filter(isObject).slice(0, 100_000) as unknown as BaselineEntry[]) : [],
          },
        }
      : {}),
    ...(marker && /^<!-- bulkhead:comment [0-9a-f]{16} -->$/.test(marker) ? { marker } : {}),
    workloads: (Array.isArray(document.workloads) ? document.workloads.slice(0, 1000) : []).flatMap((w) => workloadOf(w) ?? []),
    scanners: (Array.isArray(document.scanners) ? document.scanners.slice(0, 1000) : []).flatMap((entry) => scannerOf(entry) ?? []),
    dropped,
  };
}
