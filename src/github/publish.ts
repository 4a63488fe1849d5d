import { createHash } from 'node:crypto';
import type { RunnerContext } from '../action/context.js';
import type { Config } from '../config.js';
import { renderComment, renderResolvedComment, type CommentLinks } from '../report/comment.js';
import type { ScanOutcome } from '../run.js';
import { BULKHEAD_VERSION } from '../version.js';
import { createGitHubClient, describeGitHubError, type ClientLogger, type GitHubClient } from './client.js';
import { uploadSarif, waitForProcessing, type Repository } from './codeScanning.js';
import { upsertComment } from './comment.js';

export interface PublishInput {
  outcome: ScanOutcome;
  config: Config;
  context: RunnerContext;
  token?: string;
  logger: ClientLogger;
  setOutput(name: 'sarif-id', value: string): void;
  /** Applied to everything sent to GitHub. */
  redact(text: string): string;
  /** How long to wait for code scanning to process the upload. */
  processingTimeoutMs?: number;
  retryBaseMs?: number;
}

const FORK_HINT =
  'on pull requests from forks GitHub gives the workflow a read-only token; the gate still decides, and the README shows the two-workflow setup that publishes results for forks';

/** The comment's hidden marker: one comment per workflow, job and set of scanned targets. */
export function commentMarker(config: Config, context: RunnerContext): string {
  const key = [context.workflow, context.job, config.category, ...config.images.map((i) => i.key).sort(), ...[...config.dockerfiles].sort()].join('\n');
  return `<!-- bulkhead:comment ${createHash('sha256').update(key).digest('hex').slice(0, 16)} -->`;
}

function refusal(what: string, error: unknown): string {
  const { status, message } = describeGitHubError(error);
  return status === 403 || status === 404 ? `${what}: ${message}; ${FORK_HINT} (the token needs ${what.includes('SARIF') ? '`security-events: write`' : '`pull-requests: write`'}).` : `${what}: ${message}.`;
}

async function publishSarif(client: GitHubClient, repository: Repository, input: PublishInput): Promise<void> {
  const { context, outcome } = input;
  try {
    const id = await uploadSarif(client, repository, { commitSha: context.sha, ref: context.ref, sarif: input.redact(JSON.stringify(outcome.sarif)) });
    input.setOutput('sarif-id', id);
    input.logger.info(`Uploaded the SARIF log to code scanning (id ${id}).`);
    const processed = await waitForProcessing(client, repository, id, { timeoutMs: input.processingTimeoutMs ?? 120_000, firstWaitMs: 2000 });
    if (processed.status === 'complete') input.logger.info('Code scanning processed the SARIF log.');
    else if (processed.status === 'failed') input.logger.warning(`Code scanning could not process the SARIF log: ${processed.errors.join('; ') || 'no reason given'}.`);
    else input.logger.info('Code scanning is still processing the SARIF log; its alerts appear when it is done.');
  } catch (error) {
    input.logger.warning(refusal('Could not upload the SARIF log', error));
  }
}

async function publishComment(client: GitHubClient, repository: Repository, input: PublishInput, pullRequest: NonNullable<RunnerContext['pullRequest']>): Promise<void> {
  const { config, context, outcome } = input;
  const links: CommentLinks = {
    repositoryUrl: `${context.serverUrl}/${context.repository}`,
    ...(pullRequest.headSha ? { commitSha: pullRequest.headSha } : {}),
    ...(process.env.GITHUB_RUN_ID ? { runUrl: `${context.serverUrl}/${context.repository}/actions/runs/${process.env.GITHUB_RUN_ID}` } : {}),
  };
  const marker = commentMarker(config, context);
  const show = config.comment === 'always' || outcome.gate.verdict === 'fail';
  const body = show
    ? input.redact(
        renderComment({
          marker,
          gate: outcome.gate,
          decisions: outcome.decisions,
          failOn: outcome.policy.settings.failOn.value,
          ...(outcome.policyOutcome.baseline ? { baseline: outcome.policyOutcome.baseline } : {}),
          links,
          version: BULKHEAD_VERSION,
        }),
      )
    : undefined;
  try {
    const action = await upsertComment(client, repository, pullRequest.number, { marker, body, resolvedBody: renderResolvedComment(marker, links, BULKHEAD_VERSION), resolved: config.resolvedComment });
    input.logger.info(
      {
        created: `Posted the pull-request comment on #${pullRequest.number}.`,
        updated: `Updated the pull-request comment on #${pullRequest.number}.`,
        unchanged: `The pull-request comment on #${pullRequest.number} is already up to date.`,
        deleted: `Deleted the pull-request comment on #${pullRequest.number}: nothing fails the gate.`,
        skipped: 'No pull-request comment: nothing fails the gate.',
      }[action],
    );
  } catch (error) {
    input.logger.warning(refusal(`Could not comment on pull request #${pullRequest.number}`, error));
  }
}

/**
 * The GitHub edge: code-scanning upload and the sticky comment. Failures here are warnings and
 * never change the verdict, which the scan alone decides.
 */
export async function publishToGitHub(input: PublishInput): Promise<void> {
  const { config, context } = input;
  const wantsComment = config.comment !== 'never' && context.pullRequest !== undefined;
  if (!config.uploadSarif && !wantsComment) return;
  const [owner, repo] = context.repository.split('/');
  if (!owner || !repo) {
    input.logger.warning('GITHUB_REPOSITORY is not set, so nothing was sent to GitHub; this happens outside GitHub Actions.');
    return;
  }
  if (!input.token) {
    input.logger.warning('No github-token, so the SARIF log was not uploaded and no comment was posted; give github-token: ${{ github.token }}.');
    return;
  }
  const client = createGitHubClient(input.token, input.logger, input.retryBaseMs !== undefined ? { retryBaseMs: input.retryBaseMs } : {});
  const repository = { owner, repo };
  await Promise.all([
    config.uploadSarif ? publishSarif(client, repository, input) : Promise.resolve(),
    wantsComment && context.pullRequest ? publishComment(client, repository, input, context.pullRequest) : Promise.resolve(),
  ]);
}
