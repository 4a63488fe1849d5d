import { rawInputsFromEnv, type OutputName } from '../config/inputs.js';
import { parseConfig } from '../config/parse.js';
import { runMerge } from '../github/mergeMode.js';
import type { Config } from '../config/types.js';
import { isDefaultBranchPush, isPullRequest, readEventPayload, readRunnerContext, type RunnerContext } from '../github/context.js';
import { commentMarker, publishToGitHub } from '../github/publish.js';
import { runPublish } from '../github/publishMode.js';
import { selectAnnotations } from '../report/annotations.js';
import { renderTable } from '../report/table.js';
import { scan, type ScanDependencies } from '../scan/engine.js';
import type { ScanOutcome } from '../scan/pipeline.js';
import { platformKey } from '../scanners/install/platform.js';
import { Redactor } from '../secrets/redactor.js';
import { describeError, exitCodeFor } from '../util/errors.js';
import { stepEndLine, type Logger } from '../util/logger.js';
import { BaselineCache } from './baselineCache.js';
import { actionsToolkit, type ActionToolkit } from './toolkit.js';
import { ActionsTrivyDbCache } from './trivyDbCache.js';

export interface ActionRuntime {
  env: NodeJS.ProcessEnv;
  toolkit: ActionToolkit;
  /** Replaces the real scanners (tests). */
  runScanners?: ScanDependencies['runScanners'];
  now?: () => Date;
}

function setOutputs(toolkit: ActionToolkit, outcome: ScanOutcome, config: Config): void {
  const outputs: Record<Exclude<OutputName, 'sarif-id'>, string> = {
    verdict: outcome.gate.verdict,
    findings: String(outcome.counts.findings),
    critical: String(outcome.counts.critical),
    high: String(outcome.counts.high),
    medium: String(outcome.counts.medium),
    low: String(outcome.counts.low),
    suppressed: String(outcome.counts.suppressed),
    'sarif-file': config.reports.sarifFile,
    'report-file': config.reports.reportFile,
  };
  for (const [name, value] of Object.entries(outputs)) toolkit.setOutput(name, value);
}

function redactingLogger(toolkit: ActionToolkit, redactor: Redactor): Logger {
  return {
    info: (m) => toolkit.info(redactor.apply(m)),
    warning: (m) => toolkit.warning(redactor.apply(m)),
    group: (title, body) => {
      toolkit.startGroup(redactor.apply(title));
      if (body.trim()) toolkit.info(redactor.apply(body.trimEnd()));
      toolkit.endGroup();
    },
    // A job log is not a terminal: one line when a step ends, with its duration.
    step: (title) => {
      const started = performance.now();
      const end = (mark: string, detail: string | undefined) =>
        toolkit.info(redactor.apply(stepEndLine(mark, title, detail, performance.now() - started)));
      return { update: () => {}, done: (detail) => end('✓', detail), failed: (detail) => end('✗', detail) };
    },
  };
}

/** A rehearsal runs the image's code on the runner: not a fork's, unless rehearse-forks says so. */
function forkSafe(config: Config, context: RunnerContext, logger: Logger): Config {
  if (!config.rehearsal.enabled || !context.pullRequest?.fork || config.rehearsal.forks) return config;
  logger.warning('The rehearsal was skipped: this pull request comes from a fork, and rehearse-forks is not true.');
  return { ...config, rehearsal: { ...config.rehearsal, enabled: false } };
}

async function scanAndPublish(
  config: Config,
  context: RunnerContext,
  runtime: ActionRuntime,
  redactor: Redactor,
  logger: Logger,
): Promise<number> {
  const { toolkit } = runtime;
  const baselineCache = new BaselineCache(config, context, logger);
  const platform = platformKey();
  // The cache module loads only if Trivy's database is prepared (ActionsTrivyDbCache.restore).
  const dbCache = platform && config.scanners.trivyCache ? new ActionsTrivyDbCache(platform, new Date(), logger) : undefined;
  const outcome = await scan(config, {
    logger,
    redactor,
    env: runtime.env,
    ...(runtime.now ? { now: runtime.now } : {}),
    ...(dbCache ? { dbCache } : {}),
    ...(isPullRequest(context) ? { baselineSource: baselineCache } : {}),
    ...(runtime.runScanners ? { runScanners: runtime.runScanners } : {}),
    // What a publish job needs to find this scan's comment again (mode: publish, fork pull requests).
    githubContext: {
      repository: context.repository,
      sha: context.sha,
      ref: context.ref,
      ...(context.pullRequest ? { pullRequest: context.pullRequest.number, headSha: context.pullRequest.headSha ?? null } : {}),
      commentMarker: commentMarker(config, context),
    },
  });
  if (isDefaultBranchPush(context) && outcome.gate.failedScanners.length === 0) await baselineCache.save(config.reports.reportFile);
  await toolkit.appendSummary(redactor.apply(outcome.summaryMarkdown));
  if (config.publish.annotations) {
    // Files of the repository a finding can be placed on: Dockerfiles, manifests, Compose files (and kustomize sources).
    const repoFiles = new Set([
      ...config.targets.dockerfiles,
      ...config.targets.compose,
      ...outcome.results.filter((r) => r.workloads !== undefined).flatMap((r) => r.findings.flatMap((f) => f.file ?? [])),
    ]);
    for (const a of selectAnnotations(outcome.decisions, repoFiles)) {
      const properties = { title: redactor.apply(a.title), file: a.file, startLine: a.line };
      if (a.level === 'error') toolkit.error(redactor.apply(a.message), properties);
      else toolkit.warning(redactor.apply(a.message), properties);
    }
  }
  for (const note of outcome.notes) toolkit.notice(redactor.apply(note));
  toolkit.setOutput('sarif-id', '');
  await publishToGitHub({
    outcome,
    config,
    context,
    ...(config.publish.githubToken ? { token: config.publish.githubToken } : {}),
    logger,
    setOutput: (name, value) => toolkit.setOutput(name, value),
    redact: (text) => redactor.apply(text),
  });
  setOutputs(toolkit, outcome, config);
  // The same table the CLI prints, so a reader of the log sees what fails without the summary.
  const failing = outcome.decisions.filter((d) => d.verdict === 'fails-gate').length;
  logger.group(
    `bulkhead: ${outcome.decisions.length} finding${outcome.decisions.length === 1 ? '' : 's'}, ${failing} failing the gate`,
    renderTable({
      gate: outcome.gate,
      decisions: outcome.decisions,
      results: outcome.results,
      failOn: outcome.policy.settings.failOn.value,
      maxListed: 30,
      verdictLine: false,
    }),
  );
  if (outcome.gate.verdict === 'fail') {
    toolkit.setFailed(redactor.apply(`bulkhead: ${outcome.gate.reasons.join('; ')}`));
  } else {
    toolkit.info(`bulkhead: pass (no finding at or above ${outcome.policy.settings.failOn.value})`);
  }
  return outcome.gate.exitCode;
}

/**
 * The action: inputs from INPUT_* variables, the event from GITHUB_EVENT_PATH, then a scan (or,
 * with mode: publish, the publishing of a fork's scan). Returns the exit code and never throws:
 * any error before the gate is decided is exit 2 (usage) or 3 (tool or input), never 0 or 1.
 */
export async function run(runtime: ActionRuntime = { env: process.env, toolkit: actionsToolkit(process.env) }): Promise<number> {
  const { env, toolkit } = runtime;
  const redactor = new Redactor();
  try {
    const raw = rawInputsFromEnv(env);
    // Masked before anything else runs: no later line of the log can show them.
    for (const name of ['github-token', 'registry-password'] as const) {
      const secret = raw[name];
      if (typeof secret === 'string' && secret.trim() !== '') {
        toolkit.setSecret(secret.trim());
        redactor.add(secret.trim());
      }
    }
    const config = parseConfig(raw, { workspace: env.GITHUB_WORKSPACE ?? process.cwd() });
    const logger = redactingLogger(toolkit, redactor);
    for (const warning of config.warnings) logger.warning(warning);
    const payload = await readEventPayload(env);
    const context = readRunnerContext(env, payload);
    if (config.mode === 'publish') {
      return await runPublish(config, context, payload, {
        ...(config.publish.githubToken ? { token: config.publish.githubToken } : {}),
        logger,
        setOutput: (name, value) => toolkit.setOutput(name, value),
        redact: (text) => redactor.apply(text),
      });
    }
    if (config.mode === 'merge') {
      const merged = await runMerge(config, context, payload, {
        ...(config.publish.githubToken ? { token: config.publish.githubToken } : {}),
        logger,
        setOutput: (name, value) => toolkit.setOutput(name, value),
        appendSummary: (markdown) => toolkit.appendSummary(markdown),
        redact: (text) => redactor.apply(text),
      });
      if (merged.gate.verdict === 'fail') toolkit.setFailed(redactor.apply(`bulkhead: ${merged.gate.reasons.join('; ')}`));
      else toolkit.info(`bulkhead: pass (${merged.jobs.length} job${merged.jobs.length === 1 ? '' : 's'} merged)`);
      return merged.gate.exitCode;
    }
    return await scanAndPublish(forkSafe(config, context, logger), context, runtime, redactor, logger);
  } catch (error) {
    // No gate was decided: a later step reading the verdict must not take its absence for a pass.
    toolkit.setOutput('verdict', 'fail');
    toolkit.setFailed(redactor.apply(`bulkhead: ${describeError(error)}`));
    return exitCodeFor(error);
  }
}
