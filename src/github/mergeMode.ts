import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config } from '../config/types.js';
import { BULKHEAD_VERSION } from '../model/version.js';
import { renderComment } from '../report/comment.js';
import { countDecisions } from '../report/counts.js';
import { UsageError } from '../util/errors.js';
import { createGitHubClient, describeGitHubError, type ClientLogger } from './client.js';
import type { RunnerContext } from './context.js';
import { mergedReportDocument, mergeMarker, mergeReports, readReports, type MergeOutcome } from './merge.js';
import { commentLinks, commentPlan, publishPullRequestComment, publishSarifLog } from './publish.js';
import { mergeSarifLogs, readJobSarifLogs } from './mergeSarif.js';
import { findPullRequest, readWorkflowRun } from './publishMode.js';

export interface MergedRun {
  outcome: MergeOutcome;
  /** The job summary (the comment's text without its marker). */
  summaryMarkdown: string;
  marker: string;
}

/** Reads, merges and writes the merged report-file (and the markdown file the CLI asks for): both faces. */
export async function mergeAndWrite(config: Config, context: Pick<RunnerContext, 'workflow'>, markdownFile?: string): Promise<MergedRun> {
  const reports = config.merge.reports;
  if (reports.includes(config.reports.reportFile)) {
    throw new UsageError(`report-file ${config.reports.reportFile} is one of the reports to merge; give the merged report another path.`);
  }
  const outcome = mergeReports(await readReports(reports, config.targets.workspace));
  const marker = mergeMarker(context, config.reports.category);
  const summaryMarkdown = renderComment({
    marker: '',
    gate: outcome.gate,
    decisions: outcome.decisions,
    failOn: outcome.failOn,
    failOnVaries: outcome.failOnVaries,
    jobs: outcome.jobs,
    workloads: outcome.workloads,
    links: { repositoryUrl: '' },
    version: BULKHEAD_VERSION,
  }).replace(/^\n/, '');
  const document = mergedReportDocument(outcome, { version: BULKHEAD_VERSION, createdAt: new Date(), marker });
  await mkdir(dirname(config.reports.reportFile), { recursive: true });
  await writeFile(config.reports.reportFile, JSON.stringify(document));
  if (markdownFile) await writeFile(markdownFile, summaryMarkdown);
  return { outcome, summaryMarkdown, marker };
}

/**
 * The pull request a merge comments on: the one of this run, or for a workflow_run job (the
 * fork-safe way, as mode: publish) the one GitHub says the scanned commit belongs to.
 */
async function pullRequestOf(
  context: RunnerContext,
  payload: unknown,
  find: (run: ReturnType<typeof readWorkflowRun>) => Promise<number | undefined>,
): Promise<{ number: number; headSha?: string; runId?: string } | undefined> {
  if (context.pullRequest)
    return { number: context.pullRequest.number, ...(context.pullRequest.headSha ? { headSha: context.pullRequest.headSha } : {}) };
  if (context.eventName !== 'workflow_run') return undefined;
  const run = readWorkflowRun(payload);
  const number = await find(run);
  return number === undefined
    ? undefined
    : { number, headSha: run.headSha, ...(run.runId !== undefined ? { runId: String(run.runId) } : {}) };
}

/** mode: merge in the action: the merged summary, one sticky comment, the outputs; the exit code of the merged verdict. */
export async function runMerge(
  config: Config,
  context: RunnerContext,
  payload: unknown,
  io: {
    token?: string;
    logger: ClientLogger;
    setOutput(name: string, value: string): void;
    processingTimeoutMs?: number;
    appendSummary(markdown: string): Promise<void>;
    redact(text: string): string;
  },
): Promise<MergeOutcome> {
  const { outcome, summaryMarkdown, marker } = await mergeAndWrite(config, context);
  // Read and checked before anything is posted: a category collision is the user's to fix, exit 2.
  const merged = config.merge.sarif ? mergeSarifLogs(await readJobSarifLogs(config.merge.reports, config.targets.workspace)) : undefined;
  await io.appendSummary(io.redact(summaryMarkdown));
  io.setOutput('verdict', outcome.gate.verdict);
  const counts = countDecisions(outcome.decisions);
  for (const name of ['findings', 'critical', 'high', 'medium', 'low', 'suppressed'] as const) io.setOutput(name, String(counts[name]));
  io.setOutput('report-file', config.reports.reportFile);
  io.setOutput('sarif-id', '');
  if (config.publish.comment === 'never' && !merged) return outcome;
  const [owner, repo] = context.repository.split('/');
  if (!owner || !repo || !io.token) {
    io.logger.warning('The merged comment and SARIF log were not posted: they need GITHUB_REPOSITORY and github-token.');
    return outcome;
  }
  const client = await createGitHubClient(io.token, io.logger, { apiUrl: context.apiUrl });
  const repository = { owner, repo };
  let pullRequest;
  try {
    pullRequest = await pullRequestOf(context, payload, (run) => findPullRequest(client, repository, run));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.logger.warning(`Could not find the pull request of this merge: ${describeGitHubError(error).message}.`);
  }
  if (merged && !pullRequest && context.eventName === 'workflow_run') {
    // This job's own ref is the default branch: the scanned commit's alerts would land there.
    io.logger.warning('The merged SARIF log was not uploaded: no open pull request has the scanned commit as its head.');
  } else if (merged) {
    io.logger.info(`Uploading one SARIF log with the ${merged.runs} runs of the jobs' logs.`);
    // In the pull request's own run, the ref and commit the scan jobs upload under; from a
    // workflow_run (fork-safe), the pull request's head, as mode: publish does.
    const target =
      pullRequest && !context.pullRequest
        ? { commitSha: pullRequest.headSha ?? context.sha, ref: `refs/pull/${pullRequest.number}/head` }
        : { commitSha: context.sha, ref: context.ref };
    await publishSarifLog(client, repository, { ...target, sarif: { pieces: [io.redact(merged.sarif)] } }, io);
  }
  if (config.publish.comment === 'never') return outcome;
  if (!pullRequest) {
    io.logger.info('No pull request to comment on (not a pull_request or workflow_run event): the merged summary is in the job summary.');
    return outcome;
  }
  const links = commentLinks(context, pullRequest.headSha ?? context.sha, pullRequest.runId ?? context.runId);
  const plan = commentPlan(
    config.publish,
    marker,
    links,
    {
      gate: outcome.gate,
      decisions: outcome.decisions,
      failOn: outcome.failOn,
      failOnVaries: outcome.failOnVaries,
      jobs: outcome.jobs,
      workloads: outcome.workloads,
    },
    (text) => io.redact(text),
  );
  await publishPullRequestComment(client, repository, pullRequest.number, plan, io.logger);
  return outcome;
}
