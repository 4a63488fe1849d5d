import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Config } from './config.js';
import { placeImageFindings } from './attribution/apply.js';
import { parseStages } from './dockerfileStages.js';
import { UsageError } from './errors.js';
import type { Decision, Tool } from './findings.js';
import { applyPolicy, todayUtc, type PolicyOutcome } from './policy/decide.js';
import { loadPolicy, type BaselineSource, type ResolvedPolicy } from './policy/load.js';
import { gate, type GateOutcome } from './policy/gate.js';
import { countDecisions, type SummaryCounts } from './report/counts.js';
import { buildJsonReport } from './report/json.js';
import { renderSummary } from './report/markdown.js';
import { buildSarif, type Omitted, type SarifLog } from './report/sarif.js';
import { hadolintFromReport } from './scanners/hadolint/fromReport.js';
import { trivyFromReport } from './scanners/trivy/fromReport.js';
import { runBuiltin } from './scanners/builtin/index.js';
import { scannersToRun } from './scanners/plan.js';
import type { ScanResult } from './scanners/types.js';
import { BULKHEAD_VERSION } from './version.js';

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
}

export interface ScanOutcome {
  config: Config;
  results: ScanResult[];
  decisions: Decision[];
  gate: GateOutcome;
  counts: SummaryCounts;
  sarif: SarifLog;
  omitted: Omitted;
  summaryMarkdown: string;
  report: unknown;
  policy: ResolvedPolicy;
  policyOutcome: PolicyOutcome;
  /** Things the user should know that are not findings: skipped scanners, report warnings. */
  notes: string[];
}

function displayPath(config: Config, full: string): string {
  const rel = relative(config.workspace, full);
  return rel.startsWith('..') || isAbsolute(rel) ? full : rel.split(sep).join('/');
}

/** hadolint names files as it was given them ("-" for stdin, Windows paths): map to the repo's Dockerfiles. */
function hadolintFileResolver(config: Config): (file: string) => string {
  return (file) => {
    const single = config.dockerfiles.length === 1 ? config.dockerfiles[0] : undefined;
    if (file === '-' && single) return single;
    const normalized = file.replace(/\\/g, '/').replace(/^\.\//, '');
    const known = config.dockerfiles.find((d) => d === normalized || normalized.endsWith(`/${d}`));
    if (known) return known;
    return isAbsolute(normalized) ? displayPath(config, normalized) : normalized;
  };
}

function unavailable(tool: Tool, key: string, target: string, error: string): ScanResult {
  return { tool, key, target, origin: 'run', status: 'error', durationMs: 0, findings: [], error, warnings: [] };
}

async function collectResults(config: Config, notes: string[], runScanners: RunOptions['runScanners']): Promise<ScanResult[]> {
  const results: ScanResult[] = [];
  const mustRun = scannersToRun(config);
  // The built-in checks read images while Trivy and hadolint run.
  const wantsBuiltin = config.scanners.includes('bulkhead') && (config.images.length > 0 || config.dockerfiles.length > 0);
  const builtin = wantsBuiltin ? runBuiltin(config) : Promise.resolve({ results: [], notes: [] });
  const ran = mustRun.trivy || mustRun.hadolint ? await (runScanners ?? noScannerRunner)(config) : [];
  for (const tool of config.scanners) {
    if (tool === 'trivy') {
      if (config.trivyReports.length > 0) {
        for (const file of config.trivyReports) results.push((await trivyFromReport(file, displayPath(config, file))).result);
      } else if (mustRun.trivy) {
        results.push(...ran.filter((r) => r.tool === 'trivy'));
      } else notes.push('Trivy had nothing to scan: no image and no trivy-report.');
    } else if (tool === 'hadolint') {
      if (config.hadolintReports.length > 0) {
        for (const file of config.hadolintReports) results.push(...(await hadolintFromReport(file, displayPath(config, file), hadolintFileResolver(config))));
      } else if (mustRun.hadolint) {
        results.push(...ran.filter((r) => r.tool === 'hadolint'));
      } else notes.push('hadolint had nothing to lint: no Dockerfile and no hadolint-report.');
    } else if (wantsBuiltin) {
      const ran = await builtin;
      results.push(...ran.results);
      notes.push(...ran.notes);
    }
  }
  return results;
}

/** Where no way to run scanners was given (a library caller): every run is an error, never a pass. */
async function noScannerRunner(config: Config): Promise<ScanResult[]> {
  const mustRun = scannersToRun(config);
  const why = 'no scanner runner was configured for this scan';
  return [
    ...(mustRun.trivy ? config.images.map((i) => unavailable('trivy', i.key, i.input, why)) : []),
    ...(mustRun.hadolint ? config.dockerfiles.map((d) => unavailable('hadolint', d, d, why)) : []),
  ];
}

/**
 * Image findings go on the Dockerfile line that brought them in (src/attribution). The
 * Dockerfile of an image is the one given at the same position as the image, or the only one.
 */
async function locateImageFindings(config: Config, results: ScanResult[], notes: string[]): Promise<ScanResult[]> {
  const sources = new Map<string, { path: string; text: string; fromLine: number }>();
  for (const dockerfile of config.dockerfiles) {
    const text = await readFile(resolve(config.workspace, dockerfile), 'utf8');
    sources.set(dockerfile, { path: dockerfile, text, fromLine: parseStages(text).at(-1)?.fromLine ?? 1 });
  }
  const dockerfileFor = (imageKey: string) => {
    if (config.dockerfiles.length === 1) return sources.get(config.dockerfiles[0] as string);
    const index = config.images.findIndex((i) => i.key === imageKey);
    return index >= 0 && config.images.length === config.dockerfiles.length ? sources.get(config.dockerfiles[index] as string) : undefined;
  };
  const placed = await placeImageFindings(results, dockerfileFor);
  notes.push(...placed.notes);
  return placed.results;
}

export interface RunOptions {
  now?: () => Date;
  /** Where `only-new` finds a baseline when no `baseline` input names one. */
  baselineSource?: BaselineSource;
  /** Installs and runs the scanners that have no report given (see scanners/local.ts). */
  runScanners?: (config: Config) => Promise<ScanResult[]>;
  /** Recorded in report-file for a later publish job. */
  githubContext?: Record<string, unknown>;
}

export async function runScan(config: Config, logger: Logger, options: RunOptions = {}): Promise<ScanOutcome> {
  const now = options.now ?? (() => new Date());
  if (config.images.length === 0 && config.dockerfiles.length === 0 && config.trivyReports.length === 0 && config.hadolintReports.length === 0) {
    throw new UsageError('there is nothing to scan; set image, dockerfile, trivy-report or hadolint-report (no Dockerfile was found in the workspace).');
  }
  const policy = await loadPolicy(config, options.baselineSource);
  const notes: string[] = [...policy.notes];
  const collected = await collectResults(config, notes, options.runScanners);
  if (collected.length === 0) {
    throw new UsageError(`none of the scanners (${config.scanners.join(', ')}) has anything to scan; check scanners against image, dockerfile and the report inputs.`);
  }
  for (const result of collected) {
    for (const warning of result.warnings) notes.push(`${result.tool} (${result.target}): ${warning}`);
    logger.info(`${result.tool} ${result.target}: ${result.status === 'ok' ? `${result.findings.length} findings` : `failed: ${result.error}`}`);
  }
  const results = await locateImageFindings(config, collected, notes);
  // Policy may change a finding's severity (an override): results carry the findings as decided.
  const policyOutcome = applyPolicy(results.flatMap((r) => r.findings), { ...policy.gate, today: todayUtc(now()) });
  const decided = new Map(results.flatMap((r) => r.findings).map((finding, i) => [finding, policyOutcome.decisions[i]?.finding ?? finding]));
  const finalResults = results.map((r) => ({ ...r, findings: r.findings.map((f) => decided.get(f) ?? f) }));
  const decisions = policyOutcome.decisions;
  for (const use of policyOutcome.exceptions) {
    if (use.state === 'expired') notes.push(`Exception ${use.exception.source} expired on ${use.exception.expires} and no longer applies${use.matched ? ` (${use.matched} finding${use.matched === 1 ? '' : 's'} it covered now count)` : ''}.`);
    else if (use.state === 'expiring') notes.push(`Exception ${use.exception.source} expires on ${use.exception.expires}${use.exception.owner ? ` (owner ${use.exception.owner})` : ''}: renew it or fix the finding.`);
    if (use.state !== 'expired' && use.matched === 0) notes.push(`Exception ${use.exception.source} matched no finding: it is stale and can be removed.`);
  }
  const failOn = policy.settings.failOn.value;
  const outcome = gate(decisions, finalResults, { failOn, scannerError: config.scannerError });
  const counts = countDecisions(decisions);
  const { log: sarif, omitted } = buildSarif({ results: finalResults, decisions, category: config.category, bulkheadVersion: BULKHEAD_VERSION });
  const sarifFile = displayPath(config, config.sarifFile);
  const reportFile = displayPath(config, config.reportFile);
  const summaryMarkdown = renderSummary({ gate: outcome, decisions, results: finalResults, counts, failOn, omitted, notes, sarifFile, reportFile, policy, policyOutcome });
  const report = buildJsonReport({ version: BULKHEAD_VERSION, config, gate: outcome, counts, results: finalResults, decisions, omitted, notes, createdAt: now(), policy, policyOutcome, ...(options.githubContext ? { github: options.githubContext } : {}) });
  return { config, results: finalResults, decisions, gate: outcome, counts, sarif, omitted, summaryMarkdown, report, notes, policy, policyOutcome };
}

