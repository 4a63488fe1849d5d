import type { Config } from '../config/types.js';
import { placeImageFindings, type DockerfileSource } from '../attribution/apply.js';
import { pairedDockerfile } from '../config/targets.js';
import { parseStages } from '../dockerfile/stages.js';
import type { Decision } from '../model/finding.js';
import type { ScanResult } from '../model/scanResult.js';
import { BULKHEAD_VERSION } from '../model/version.js';
import { applyPolicy, todayUtc, type PolicyOutcome } from '../policy/decide.js';
import { gate, type GateOutcome } from '../policy/gate.js';
import type { ResolvedPolicy } from '../policy/resolved.js';
import { countDecisions, type SummaryCounts } from '../report/counts.js';
import { buildJsonReport } from '../report/json.js';
import { renderSummary } from '../report/markdown.js';
import { buildSarif, type Omitted } from '../report/sarif.js';
import { workspacePath } from '../util/paths.js';
import type { Collected } from './collect.js';
import type { JsonText } from '../util/jsonText.js';

export interface ScanOutcome {
  results: ScanResult[];
  decisions: Decision[];
  gate: GateOutcome;
  counts: SummaryCounts;
  /** The SARIF log as serialized once (compact), unredacted: writers and the upload redact it. */
  sarifText: JsonText;
  omitted: Omitted;
  summaryMarkdown: string;
  report: unknown;
  policy: ResolvedPolicy;
  policyOutcome: PolicyOutcome;
  /** Things the user should know that are not findings: skipped scanners, report warnings. */
  notes: string[];
}

export interface PipelineOptions {
  now: Date;
  /** Recorded in report-file for a later publish job. */
  githubContext?: Record<string, unknown>;
}

/**
 * Image findings go on the Dockerfile line that brought them in (src/attribution). The
 * Dockerfile of an image is the one given at the same position as the image, or the only one.
 */
async function locateImageFindings(
  config: Config,
  dockerfiles: readonly DockerfileSource[],
  results: ScanResult[],
  notes: string[],
): Promise<ScanResult[]> {
  const { images } = config.targets;
  const sources = dockerfiles.map((d) => ({ ...d, fromLine: parseStages(d.text).at(-1)?.fromLine ?? 1 }));
  const placed = await placeImageFindings(results, (imageKey) => pairedDockerfile(images, sources, imageKey));
  notes.push(...placed.notes);
  return placed.results;
}

function exceptionNotes(policyOutcome: PolicyOutcome): string[] {
  const notes: string[] = [];
  for (const use of policyOutcome.exceptions) {
    const { source, expires, owner } = use.exception;
    if (use.state === 'expired')
      notes.push(
        `Exception ${source} expired on ${expires} and no longer applies${use.matched ? ` (${use.matched} finding${use.matched === 1 ? '' : 's'} it covered now count)` : ''}.`,
      );
    else if (use.state === 'expiring')
      notes.push(`Exception ${source} expires on ${expires}${owner ? ` (owner ${owner})` : ''}: renew it or fix the finding.`);
    if (use.state !== 'expired' && use.matched === 0) notes.push(`Exception ${source} matched no finding: it is stale and can be removed.`);
  }
  return notes;
}

/**
 * The pure part of a scan: attribution → policy → gate → reports. No file, process or network
 * is touched; the same collected input always gives the same outcome.
 */
export async function runPipeline(config: Config, collected: Collected, options: PipelineOptions): Promise<ScanOutcome> {
  const notes = [...collected.notes];
  for (const result of collected.results) {
    for (const warning of result.warnings) notes.push(`${result.tool} (${result.target}): ${warning}`);
  }
  const results = await locateImageFindings(config, collected.dockerfiles, collected.results, notes);
  const { policy } = collected;
  // Policy may change a finding's severity (an override): results carry the findings as decided.
  const all = results.flatMap((r) => r.findings);
  const policyOutcome = applyPolicy(all, { ...policy.gate, today: todayUtc(options.now) });
  const decided = new Map(all.map((finding, i) => [finding, policyOutcome.decisions[i]?.finding ?? finding]));
  const finalResults = results.map((r) => ({ ...r, findings: r.findings.map((f) => decided.get(f) ?? f) }));
  const decisions = policyOutcome.decisions;
  notes.push(...exceptionNotes(policyOutcome));
  const failOn = policy.settings.failOn.value;
  const scannerError = config.policy.scannerError;
  const outcome = gate(decisions, finalResults, { failOn, scannerError });
  const counts = countDecisions(decisions);
  const { text: sarifText, omitted } = buildSarif({
    results: finalResults,
    decisions,
    category: config.reports.category,
    bulkheadVersion: BULKHEAD_VERSION,
  });
  const { workspace } = config.targets;
  const sarifFile = workspacePath(workspace, config.reports.sarifFile);
  const reportFile = workspacePath(workspace, config.reports.reportFile);
  const summaryMarkdown = renderSummary({
    gate: outcome,
    decisions,
    results: finalResults,
    counts,
    failOn,
    omitted,
    notes,
    sarifFile,
    reportFile,
    policy,
    policyOutcome,
  });
  const report = buildJsonReport({
    version: BULKHEAD_VERSION,
    scannerError,
    gate: outcome,
    counts,
    results: finalResults,
    decisions,
    omitted,
    notes,
    createdAt: options.now,
    policy,
    policyOutcome,
    ...(options.githubContext ? { github: options.githubContext } : {}),
  });
  return {
    results: finalResults,
    decisions,
    gate: outcome,
    counts,
    sarifText,
    omitted,
    summaryMarkdown,
    report,
    notes,
    policy,
    policyOutcome,
  };
}
