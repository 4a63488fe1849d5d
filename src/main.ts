import * as core from '@actions/core';
import { parseConfig, type Config } from './config.js';
import { errorMessage, UsageError } from './errors.js';
import { rawInputsFromEnv, type OutputName } from './inputs.js';
import { writeReportFiles } from './outputs.js';
import { Redactor } from './redact.js';
import { selectAnnotations } from './report/annotations.js';
import { runScan, type Logger, type ScanOutcome } from './run.js';
import { BaselineCache } from './action/baselineCache.js';
import { isDefaultBranchPush, isPullRequest, readRunnerContext } from './action/context.js';
import { ActionsTrivyDbCache } from './action/trivyDbCache.js';
import { platformKey } from './install/installer.js';
import { commentMarker, publishToGitHub } from './github/publish.js';
import { runPublish } from './github/publishMode.js';
import { readFile } from 'node:fs/promises';
import { localScannerHost } from './scanners/host.js';
import { runLocalScanners, type ScannerLogger } from './scanners/local.js';
import { isFeatureAvailable as isActionsCacheAvailable } from '@actions/cache';

function setOutputs(outcome: ScanOutcome, config: Config): void {
  const outputs: Record<Exclude<OutputName, 'sarif-id'>, string> = {
    verdict: outcome.gate.verdict,
    findings: String(outcome.counts.findings),
    critical: String(outcome.counts.critical),
    high: String(outcome.counts.high),
    medium: String(outcome.counts.medium),
    low: String(outcome.counts.low),
    suppressed: String(outcome.counts.suppressed),
    'sarif-file': config.sarifFile,
    'report-file': config.reportFile,
  };
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
}

async function main(): Promise<number> {
  const redactor = new Redactor();
  const raw = rawInputsFromEnv(process.env);
  const token = typeof raw['github-token'] === 'string' ? raw['github-token'] : undefined;
  if (token) {
    core.setSecret(token);
    redactor.add(token);
  }
  const config = parseConfig(raw, { workspace: process.env.GITHUB_WORKSPACE ?? process.cwd() });
  const logger: Logger = { info: (m) => core.info(redactor.apply(m)), warning: (m) => core.warning(redactor.apply(m)) };
  const context = readRunnerContext(process.env);
  if (config.mode === 'publish') {
    const payload: unknown = process.env.GITHUB_EVENT_PATH ? JSON.parse(await readFile(process.env.GITHUB_EVENT_PATH, 'utf8')) : undefined;
    return runPublish(config, context, payload, {
      ...(config.githubToken ? { token: config.githubToken } : {}),
      logger,
      setOutput: (name, value) => core.setOutput(name, value),
      redact: (text) => redactor.apply(text),
    });
  }
  const baselineCache = new BaselineCache(config, context, logger);
  const scannerLogger: ScannerLogger = {
    ...logger,
    group: (title, body) => {
      core.startGroup(redactor.apply(title));
      if (body.trim()) core.info(redactor.apply(body.trimEnd()));
      core.endGroup();
    },
  };
  const platform = platformKey();
  const dbCache = platform && isActionsCacheAvailable() ? new ActionsTrivyDbCache(platform, new Date(), scannerLogger) : undefined;
  const host = localScannerHost(process.env, scannerLogger, dbCache);
  const outcome = await runScan(config, logger, {
    ...(isPullRequest(context) ? { baselineSource: baselineCache } : {}),
    runScanners: (c) => runLocalScanners(c, host),
    // What a publish job needs to find this scan's comment again (mode: publish, fork pull requests).
    githubContext: {
      repository: context.repository,
      sha: context.sha,
      ref: context.ref,
      ...(context.pullRequest ? { pullRequest: context.pullRequest.number, headSha: context.pullRequest.headSha ?? null } : {}),
      commentMarker: commentMarker(config, context),
    },
  });
  await writeReportFiles(outcome, redactor);
  if (isDefaultBranchPush(context) && outcome.gate.failedScanners.length === 0) await baselineCache.save(config.reportFile);
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(redactor.apply(outcome.summaryMarkdown)).write();
  }
  if (config.annotations) {
    for (const a of selectAnnotations(outcome.decisions, new Set(config.dockerfiles))) {
      const properties = { title: redactor.apply(a.title), file: a.file, startLine: a.line };
      if (a.level === 'error') core.error(redactor.apply(a.message), properties);
      else core.warning(redactor.apply(a.message), properties);
    }
  }
  for (const note of outcome.notes) core.notice(redactor.apply(note));
  core.setOutput('sarif-id', '');
  await publishToGitHub({
    outcome,
    config,
    context,
    ...(config.githubToken ? { token: config.githubToken } : {}),
    logger,
    setOutput: (name, value) => core.setOutput(name, value),
    redact: (text) => redactor.apply(text),
  });
  setOutputs(outcome, config);
  if (outcome.gate.verdict === 'fail') {
    core.setFailed(redactor.apply(`bulkhead: ${outcome.gate.reasons.join('; ')}`));
  } else {
    core.info(`bulkhead: pass (no finding at or above ${outcome.policy.settings.failOn.value})`);
  }
  return outcome.gate.exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A user mistake is one sentence; anything else still never shows a stack trace.
    core.setFailed(error instanceof UsageError ? `bulkhead: ${error.message}` : `bulkhead failed: ${errorMessage(error)}`);
    process.exitCode = error instanceof UsageError ? 2 : 3;
  },
);
