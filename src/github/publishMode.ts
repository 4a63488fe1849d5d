import { readFile } from 'node:fs/promises';
import type { RunnerContext } from './context.js';
import type { Config } from '../config/types.js';
import { UsageError } from '../util/errors.js';
import { isObject, num, str } from '../util/json.js';
import { readJsonReport } from '../util/jsonFile.js';
import { createGitHubClient, describeGitHubError, type ClientLogger, type GitHubClient } from './client.js';
import type { Repository } from './codeScanning.js';
import { commentLinks, commentPlan, publishPullRequestComment, publishSarifLog } from './publish.js';
import { parsePublishedReport } from './publishedReport.js';

/** The run that scanned, as GitHub describes it in the workflow_run event: trusted, unlike the artifact. */
export interface ScannedRun {
  headSha: string;
  headBranch: string;
  headOwner: string;
  pullRequests: Array<{ number: number; headSha?: string }>;
  runId?: number;
}

export function readWorkflowRun(payload: unknown): ScannedRun {
  const run = isObject(payload) && isObject(payload.workflow_run) ? payload.workflow_run : undefined;
  const headSha = run ? str(run.head_sha) : undefined;
  if (!run || !headSha) {
    throw new UsageError(
      'mode: publish runs in a workflow triggered by workflow_run (on: workflow_run), after the scan workflow; see the README.',
    );
  }
  const headRepository = isObject(run.head_repository) ? run.head_repository : {};
  const owner = isObject(headRepository.owner) ? str(headRepository.owner.login) : undefined;
  const runId = num(run.id);
  return {
    headSha,
    headBranch: str(run.head_branch) ?? '',
    headOwner: owner ?? '',
    pullRequests: (Array.isArray(run.pull_requests) ? run.pull_requests : []).flatMap((pr) => {
      const number = isObject(pr) ? num(pr.number) : undefined;
      const sha = isObject(pr) && isObject(pr.head) ? str(pr.head.sha) : undefined;
      return number !== undefined ? [{ number, ...(sha ? { headSha: sha } : {}) }] : [];
    }),
    ...(runId !== undefined ? { runId } : {}),
  };
}

/**
 * Which pull request the scanned commit belongs to. GitHub lists it in the event for branches of
 * this repository; for forks the list is empty, so the open pull requests from the fork's branch
 * are asked for, and only one whose head is exactly the scanned commit counts.
 */
export async function findPullRequest(client: GitHubClient, repository: Repository, run: ScannedRun): Promise<number | undefined> {
  const listed = run.pullRequests.find((pr) => pr.headSha === undefined || pr.headSha === run.headSha);
  if (listed) return listed.number;
  if (!run.headOwner || !run.headBranch) return undefined;
  const { data } = await client.rest.pulls.list({
    ...repository,
    state: 'open',
    head: `${run.headOwner}:${run.headBranch}`,
    per_page: 100,
  });
  return data.find((pr) => pr.head.sha === run.headSha)?.number;
}

/**
 * mode: publish. Reads what a scan job left (report-file and sarif-file, downloaded from its
 * artifact) as untrusted data, and publishes it for the commit GitHub says was scanned. Runs no
 * code from the pull request. The scan job's own status remains the gate.
 */
export async function runPublish(
  config: Config,
  context: RunnerContext,
  payload: unknown,
  io: { token?: string; logger: ClientLogger; setOutput(name: 'sarif-id' | 'verdict', value: string): void; redact(text: string): string },
): Promise<number> {
  const run = readWorkflowRun(payload);
  const [owner, repo] = context.repository.split('/');
  if (!owner || !repo) throw new UsageError('GITHUB_REPOSITORY is not set; mode: publish runs in GitHub Actions.');
  if (!io.token) throw new UsageError('mode: publish needs github-token (the workflow_run workflow gets a token that can write).');
  const { reportFile, sarifFile } = config.reports;
  const documents = await readJsonReport(reportFile);
  const report = parsePublishedReport(documents[0], reportFile);
  io.setOutput('verdict', report.verdict);
  if (report.dropped > 0) io.logger.warning(`${report.dropped} malformed entries of ${reportFile} were left out.`);
  const client = await createGitHubClient(io.token, io.logger, { apiUrl: context.apiUrl });
  const repository = { owner, repo };
  let pullRequest: number | undefined;
  try {
    pullRequest = await findPullRequest(client, repository, run);
  } catch (error) {
    io.logger.warning(`Could not find the pull request for ${run.headSha}: ${describeGitHubError(error).message}.`);
  }
  if (pullRequest === undefined) {
    io.logger.warning(`No open pull request has ${run.headSha} as its head; nothing was published.`);
    return 0;
  }
  io.logger.info(`Publishing the scan of ${run.headSha} for pull request #${pullRequest}.`);
  const jobs: Array<Promise<void>> = [];
  if (config.publish.uploadSarif) {
    const sarif = await readFile(sarifFile, 'utf8').catch(() => undefined);
    if (sarif === undefined)
      io.logger.warning(`${sarifFile} was not found, so no SARIF log was uploaded; download the scan job's artifact first.`);
    else
      jobs.push(
        publishSarifLog(
          client,
          repository,
          { commitSha: run.headSha, ref: `refs/pull/${pullRequest}/head`, sarif: { pieces: [io.redact(sarif)] } },
          io,
        ),
      );
  }
  if (config.publish.comment !== 'never') {
    const marker = report.marker ?? '<!-- bulkhead:comment 0000000000000000 -->';
    const links = commentLinks(context, run.headSha, run.runId !== undefined ? String(run.runId) : undefined);
    const plan = commentPlan(
      config.publish,
      marker,
      links,
      {
        gate: { verdict: report.verdict, reasons: report.reasons },
        decisions: report.decisions,
        failOn: report.failOn,
        workloads: report.workloads,
        ...(report.baseline ? { baseline: report.baseline } : {}),
      },
      (text) => io.redact(text),
    );
    jobs.push(publishPullRequestComment(client, repository, pullRequest, plan, io.logger));
  }
  await Promise.all(jobs);
  return 0;
}
