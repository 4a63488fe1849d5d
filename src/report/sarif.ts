import { findBuiltinRule } from '../model/builtinRules.js';
import { gzipSync } from 'node:zlib';
import { compareFindings, severityRank, SEVERITIES, type Decision, type Severity, type Tool } from '../model/finding.js';
import type { ScanResult } from '../model/scanResult.js';
import { securitySeverity } from '../model/severity.js';
import { escapeMarkdown } from './escape.js';
import type * as Sarif from 'sarif';
import { jsonTextBytes, jsonTextString, RawJson, toJsonText, type JsonText } from '../util/jsonText.js';

/** GitHub code scanning's upload limits. */
export const SARIF_LIMITS = { runs: 20, resultsPerRun: 25_000, gzippedBytes: 10 * 1024 * 1024 } as const;

export interface SarifInput {
  results: readonly ScanResult[];
  /** Every finding's decision, keyed by fingerprint + tool + key of the result it belongs to. */
  decisions: readonly Decision[];
  category: string;
  bulkheadVersion: string;
  limits?: { runs: number; resultsPerRun: number; gzippedBytes: number };
}

export interface Omitted {
  runs: { tool: Tool; key: string; results: number }[];
  results: number;
  bySeverity: Partial<Record<Severity, number>>;
}

export interface SarifOutput {
  /** The log serialized (compact JSON), once: what the file and the upload are made of. */
  text: JsonText;
  omitted: Omitted;
}

/**
 * The log's gzipped size, or an estimate above it, as the upload gzips it. JSON never compresses
 * to more than its own length plus gzip's framing, so a log whose text is under the limit needs no
 * gzip at all. A larger one is estimated from 32 runs of about 64 KiB spread over it, each
 * compressed on its own (no shared window, so no better than the whole stream), with a 20% margin:
 * only when that estimate is over the limit is the whole text compressed, to know for sure.
 */
function gzippedSizeAtMost(text: JsonText, limit: number): number {
  const bytes = jsonTextBytes(text);
  const bound = bytes + Math.ceil(bytes / 1000) + 64;
  if (bound <= limit) return bound;
  const sampleChars = 64 * 1024;
  const { pieces } = text;
  if (bytes > 64 * sampleChars) {
    let raw = 0;
    let packed = 0;
    for (let i = 0; i < 32; i++) {
      let sample = '';
      for (let at = Math.floor((i * pieces.length) / 32); at < pieces.length && sample.length < sampleChars; at++) sample += pieces[at];
      const sampleBytes = Buffer.from(sample.slice(0, sampleChars), 'utf8');
      raw += sampleBytes.length;
      packed += gzipSync(sampleBytes, { level: 1 }).length;
    }
    const estimate = Math.ceil((bytes * packed * 1.2) / raw) + 64;
    if (estimate <= limit) return estimate;
  }
  return gzipSync(jsonTextString(text)).length;
}

export type SarifLog = Sarif.Log;
export type SarifRun = Sarif.Run;

/**
 * A run as built: its rules and results already serialized one by one (util/jsonText's RawJson),
 * so that a 25,000-result log is never held as object trees on the way to its text.
 */
type BuiltRun = Omit<Sarif.Run, 'tool' | 'results'> & {
  tool: { driver: Omit<Sarif.ToolComponent, 'rules'> & { rules: RawJson[] }; extensions?: Sarif.ToolComponent[] };
  results: RawJson[];
};
type SarifLevel = 'error' | 'warning' | 'note';

const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/**
 * Each run's driver is the tool that found its results, named as that tool names itself in its
 * own SARIF (Trivy's `--format sarif`, hadolint's `-f sarif`): code scanning's tool filter is the
 * driver name, and alerts from an earlier trivy-action or hadolint setup carry on under it.
 */
const DRIVERS: Record<Tool, { name: string; fullName: string; informationUri: string }> = {
  trivy: { name: 'Trivy', fullName: 'Trivy Vulnerability Scanner', informationUri: 'https://github.com/aquasecurity/trivy' },
  hadolint: { name: 'Hadolint', fullName: 'Haskell Dockerfile Linter', informationUri: 'https://github.com/hadolint/hadolint' },
  bulkhead: {
    name: 'bulkhead',
    fullName: 'bulkhead container security gate',
    informationUri: 'https://github.com/bulkhead-security/bulkhead',
  },
};

/** Multitool (SARIF2005) wants a version that starts with an integer; the suffix says it is not known. */
const UNKNOWN_VERSION = '0.0.0-unknown';

/** What bulkhead did to a scanner's results before writing them, recorded on the run. */
const MAPPING: Record<Exclude<Tool, 'bulkhead'>, string> = {
  trivy:
    "Trivy's severities (CRITICAL…UNKNOWN) as critical…info; security-severity from the highest CVSS score when Trivy gives one; image findings placed on the Dockerfile line that made their layer; each result carries bulkhead's gate decision.",
  hadolint: "hadolint's levels error, warning, info, style as high, medium, low, info; each result carries bulkhead's gate decision.",
};

/**
 * A SARIF-friendly rule name: Pascal case from the title ("Last USER should not be root" →
 * LastUserShouldNotBeRoot); it must differ from the id.
 */
export function ruleName(id: string, title: string): string {
  // The first eight runs of letters and digits; a long title is not split whole for them.
  let name = '';
  const words = /[A-Za-z0-9]+/g;
  for (let count = 0, match = words.exec(title); match && count < 8; count++, match = words.exec(title)) {
    const word = match[0];
    name += word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
  }
  const fallback = (): string => `Rule${id.replace(/[^A-Za-z0-9]+/g, '')}`;
  if (name.length === 0) return fallback();
  const candidate = /^[A-Za-z]/.test(name) ? name : `Rule${name}`;
  return candidate !== id ? candidate : fallback();
}

function numericVersion(version: string | undefined): string | undefined {
  const v = version?.replace(/^v/, '');
  return v && /^\d+(\.\d+)*([-+][0-9A-Za-z.-]+)?$/.test(v) ? v : undefined;
}

function levelOf(severity: Severity): SarifLevel {
  return severity === 'critical' || severity === 'high' ? 'error' : severity === 'medium' ? 'warning' : 'note';
}

/** `<category>/<tool>/<key>/`: stable per image repository or Dockerfile, never per tag. */
export function automationId(category: string, tool: Tool, key: string): string {
  const safeKey =
    key
      .replace(/[^A-Za-z0-9._/-]+/g, '-')
      .replace(/\/+/g, '/')
      .replace(/^\/|\/$/g, '') || 'default';
  return `${category}/${tool}/${safeKey}/`;
}

/** A repo-relative path as a URI reference: each segment percent-encoded, no leading slash. */
export function toUri(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^\.?\/+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** The catalog's markdown as plain text: code spans keep their content, without the backticks. */
function plainText(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, '$1');
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function buildRule(decisions: readonly Decision[]): Sarif.ReportingDescriptor {
  const first = decisions[0] as Decision;
  const finding = first.finding;
  const worst = decisions.reduce((w, d) => (severityRank(d.finding.severity) < severityRank(w.finding.severity) ? d : w), first);
  const cvss = decisions.reduce<number | undefined>(
    (best, d) => (d.finding.cvss !== undefined && (best === undefined || d.finding.cvss > best) ? d.finding.cvss : best),
    undefined,
  );
  const title = finding.title || finding.ruleId;
  const builtin = finding.tool === 'bulkhead' ? findBuiltinRule(finding.ruleId) : undefined;
  const description = builtin ? `${builtin.what} ${builtin.why}` : (finding.description ?? title);
  const fix = builtin
    ? builtin.fix
    : finding.kind === 'vulnerability'
      ? 'Upgrade the affected package to a fixed version, or rebuild on a base image that has one.'
      : finding.kind === 'secret'
        ? 'Remove the secret from the image and from every layer that held it, then rotate it.'
        : finding.kind === 'lint'
          ? 'Change the Dockerfile instruction as the rule describes.'
          : 'Change the image or Dockerfile as the rule describes.';
  const more = finding.helpUri ? ` More: ${finding.helpUri}` : '';
  return {
    id: finding.ruleId,
    name: ruleName(finding.ruleId, title),
    shortDescription: { text: sentence(title.length > 1000 ? `${title.slice(0, 997)}...` : title) },
    fullDescription: { text: sentence(description.length > 4000 ? `${description.slice(0, 3997)}...` : description) },
    ...(finding.helpUri ? { helpUri: finding.helpUri } : {}),
    help: {
      text: `${sentence(plainText(description))} ${plainText(fix)}${more}`,
      // The built-in catalog is bulkhead's own markdown (code spans and all); a scanner's text is not.
      markdown:
        (builtin
          ? `**${builtin.title}**\n\n${description}\n\n${fix}`
          : `**${escapeMarkdown(title)}**\n\n${escapeMarkdown(description)}\n\n${fix}`) +
        (finding.helpUri ? `\n\n[${escapeMarkdown(finding.ruleId)}](${encodeURI(finding.helpUri)})` : ''),
    },
    defaultConfiguration: { level: levelOf(worst.finding.severity) },
    properties: {
      'security-severity': securitySeverity(worst.finding.severity, cvss !== undefined && cvss > 0 ? cvss : undefined),
      tags: ['security', finding.kind, finding.tool, worst.finding.severity],
      precision: finding.kind === 'lint' ? 'medium' : 'high',
    },
  };
}

function buildResult(decision: Decision, ruleIndex: number, fallbackUri: string): Sarif.Result {
  const { finding } = decision;
  const uri = toUri(finding.file ?? fallbackUri);
  const properties: Record<string, unknown> = {
    severity: finding.severity,
    verdict: decision.verdict,
    reason: decision.reason,
    kind: finding.kind,
  };
  for (const key of ['image', 'layer', 'path', 'pkg', 'cvss', 'fixStatus', 'introducedBy'] as const) {
    if (finding[key] !== undefined) properties[key] = finding[key];
  }
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: levelOf(finding.severity),
    message: { text: sentence(finding.message) },
    locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: Math.max(1, finding.line ?? 1) } } }],
    partialFingerprints: { 'bulkhead/v1': finding.fingerprint, primaryLocationLineHash: `${finding.fingerprint}:1` },
    ...(finding.relatedLines && finding.relatedLines.length > 0
      ? {
          relatedLocations: finding.relatedLines.map((r, i) => ({
            id: i + 1,
            message: { text: `${r.role[0]?.toUpperCase() ?? ''}${r.role.slice(1)} here.` },
            physicalLocation: { artifactLocation: { uri: toUri(r.file) }, region: { startLine: Math.max(1, r.line) } },
          })),
        }
      : {}),
    ...(decision.verdict === 'suppressed'
      ? { suppressions: [{ kind: 'external' as const, status: 'accepted' as const, justification: decision.reason }] }
      : {}),
    properties,
  };
}

function worstRank(decisions: readonly Decision[]): number {
  return decisions.reduce<number>((w, d) => Math.min(w, severityRank(d.finding.severity)), SEVERITIES.length);
}

interface PlannedRun {
  result: ScanResult;
  decisions: Decision[];
}

function buildRun(plan: PlannedRun, input: SarifInput, maxResults: number): { run: BuiltRun; omitted: Decision[] } {
  const { result } = plan;
  const sorted = [...plan.decisions].sort((a, b) => compareFindings(a.finding, b.finding));
  const kept = sorted.slice(0, maxResults);
  const omitted = sorted.slice(maxResults);
  const rules: RawJson[] = [];
  const ruleIndex = new Map<string, number>();
  const byRule = new Map<string, Decision[]>();
  for (const decision of kept) {
    const list = byRule.get(decision.finding.ruleId) ?? [];
    list.push(decision);
    byRule.set(decision.finding.ruleId, list);
  }
  for (const [id, list] of byRule) {
    ruleIndex.set(id, rules.length);
    rules.push(new RawJson(buildRule(list)));
  }
  const seen = new Set<string>();
  const results: RawJson[] = [];
  for (const decision of kept) {
    // Two findings with one fingerprint would be one alert; keep the first (most severe).
    if (seen.has(decision.finding.fingerprint)) continue;
    seen.add(decision.finding.fingerprint);
    results.push(new RawJson(buildResult(decision, ruleIndex.get(decision.finding.ruleId) as number, result.key)));
  }
  const driver = DRIVERS[result.tool];
  const version = numericVersion(result.tool === 'bulkhead' ? input.bulkheadVersion : result.version);
  const properties: Record<string, unknown> = { scanner: result.tool, target: result.target, origin: result.origin };
  if (result.version) properties.scannerVersion = result.version;
  if (result.tool !== 'bulkhead') properties.bulkhead = { version: input.bulkheadVersion, mapping: MAPPING[result.tool] };
  if (omitted.length > 0) properties.omitted = summarizeOmitted(omitted);
  return {
    run: {
      tool: {
        // A report file often lacks its scanner's version: say so rather than leave it out (SARIF2005) or guess.
        driver: { ...driver, ...(version ? { version, semanticVersion: version } : { version: UNKNOWN_VERSION }), rules },
        // bulkhead merged, mapped and placed a scanner's results: it is on the run as an extension.
        ...(result.tool !== 'bulkhead'
          ? {
              extensions: [
                {
                  ...DRIVERS.bulkhead,
                  version: input.bulkheadVersion,
                  semanticVersion: input.bulkheadVersion,
                },
              ],
            }
          : {}),
      },
      automationDetails: { id: automationId(input.category, result.tool, result.key) },
      invocations: [
        result.status === 'ok'
          ? { executionSuccessful: true }
          : {
              executionSuccessful: false,
              toolExecutionNotifications: [{ level: 'error', message: { text: sentence(result.error ?? `${result.tool} failed`) } }],
            },
      ],
      results,
      properties,
    },
    omitted,
  };
}

function summarizeOmitted(decisions: readonly Decision[]): { results: number; bySeverity: Partial<Record<Severity, number>> } {
  const bySeverity: Partial<Record<Severity, number>> = {};
  for (const d of decisions) bySeverity[d.finding.severity] = (bySeverity[d.finding.severity] ?? 0) + 1;
  return { results: decisions.length, bySeverity };
}

/**
 * One run per scan result. Within GitHub's limits the most severe results are kept; what was
 * cut is counted in the runs' properties and returned so the summary can say it too.
 */
export function buildSarif(input: SarifInput): SarifOutput {
  const limits = input.limits ?? SARIF_LIMITS;
  const byResult = new Map<ScanResult, Decision[]>();
  for (const result of input.results) byResult.set(result, []);
  // Decisions belong to the result whose findings array holds the finding.
  const owner = new Map<object, ScanResult>();
  for (const result of input.results) for (const finding of result.findings) owner.set(finding, result);
  for (const decision of input.decisions) {
    const result = owner.get(decision.finding);
    if (!result) continue;
    byResult.get(result)?.push(decision);
  }
  let plans: PlannedRun[] = [...byResult].map(([result, decisions]) => ({ result, decisions }));
  let dropped: PlannedRun[] = [];
  if (plans.length > limits.runs) {
    plans.sort((a, b) => worstRank(a.decisions) - worstRank(b.decisions) || b.decisions.length - a.decisions.length);
    dropped = plans.slice(limits.runs);
    plans = plans.slice(0, limits.runs);
  }
  const omittedRuns = dropped.map((plan) => ({ tool: plan.result.tool, key: plan.result.key, results: plan.decisions.length }));
  let maxResults: number = limits.resultsPerRun;
  for (;;) {
    const built = plans.map((plan) => buildRun(plan, input, maxResults));
    const log = { $schema: SCHEMA, version: '2.1.0', runs: built.map((b) => b.run) };
    const omittedDecisions = built.flatMap((b) => b.omitted);
    if (omittedRuns.length > 0 && log.runs[0]) (log.runs[0].properties ??= {}).omittedRuns = omittedRuns;
    const text = toJsonText(log);
    const size = gzippedSizeAtMost(text, limits.gzippedBytes);
    if (size <= limits.gzippedBytes || maxResults === 0) {
      const counted = summarizeOmitted([...omittedDecisions, ...dropped.flatMap((plan) => plan.decisions)]);
      const omitted: Omitted = { runs: omittedRuns, results: counted.results, bySeverity: counted.bySeverity };
      return { text, omitted };
    }
    const largest = Math.max(...plans.map((p) => Math.min(p.decisions.length, maxResults)));
    maxResults = Math.floor(largest * Math.min(0.9, limits.gzippedBytes / size));
  }
}
