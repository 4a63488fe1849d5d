import type { Config } from '../config/types.js';
import { failureText, type ScanResult } from '../model/scanResult.js';
import type { BaselineSource } from '../policy/resolved.js';
import type { Redactor } from '../secrets/redactor.js';
import { localScannerHost } from '../scanners/localHost.js';
import { runLocalScanners, type ScanPlan } from '../scanners/runScanners.js';
import type { TrivyDbCache } from '../scanners/trivyDatabases.js';
import type { Logger } from '../util/logger.js';
import { escapeMarkdown } from '../report/escape.js';
import { collect } from './collect.js';
import { runPipeline, type ScanOutcome } from './pipeline.js';
import { writeReportFiles, writeSbom } from './writeReports.js';
import { BULKHEAD_VERSION } from '../model/version.js';

/** A value as the reports may spell it: as is, inside a JSON string, and escaped for markdown. */
function renderedForms(value: string): string[] {
  return [...new Set([value, JSON.stringify(value).slice(1, -1), escapeMarkdown(value)])];
}

/** What the action and the CLI give the one scan they share. */
export interface ScanDependencies {
  logger: Logger;
  redactor: Redactor;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Keeps Trivy's database between runs (the Actions cache); none in the CLI. */
  dbCache?: TrivyDbCache;
  /** Where `only-new` finds a baseline when no `baseline` input names one. */
  baselineSource?: BaselineSource;
  /** Recorded in report-file for a later publish job. */
  githubContext?: Record<string, unknown>;
  /** Replaces installing and running the real scanners (tests). */
  runScanners?: (plan: ScanPlan) => Promise<ScanResult[]>;
}

/**
 * One scan, as both entry points run it: collect (files, scanners) → pipeline (attribution,
 * policy, gate, reports) → report files. Throws the error model's errors; the entry points map
 * them to exit codes.
 */
export async function scan(config: Config, deps: ScanDependencies): Promise<ScanOutcome> {
  const runScanners =
    deps.runScanners ?? ((plan: ScanPlan) => runLocalScanners(plan, localScannerHost(deps.env, deps.logger, deps.dbCache)));
  const collected = await collect(config, {
    runScanners,
    logger: deps.logger,
    env: deps.env,
    ...(deps.baselineSource ? { baselineSource: deps.baselineSource } : {}),
  });
  // Every secret value found is masked from here on, in every form a report writes it.
  for (const value of collected.results.flatMap((r) => r.secretValues ?? [])) {
    for (const form of renderedForms(value)) deps.redactor.add(form);
  }
  for (const result of collected.results) {
    deps.logger.info(
      `${result.tool} ${result.target}: ${result.status === 'ok' ? `${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}` : `failed: ${failureText(result)}`}`,
    );
  }
  const now = (deps.now ?? (() => new Date()))();
  const outcome = await runPipeline(config, collected, {
    now,
    ...(deps.githubContext ? { githubContext: deps.githubContext } : {}),
  });
  await writeReportFiles(outcome, config.reports, deps.redactor);
  await writeSbom(outcome.results, config.reports, { bulkheadVersion: BULKHEAD_VERSION, now }, deps.redactor, deps.logger);
  return outcome;
}
