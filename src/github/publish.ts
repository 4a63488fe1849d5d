import { rehearsedImages } from '../report/rehearsals.js';
import { imageRows } from '../report/jobs.js';
import { createHash } from 'node:crypto';
import type { RunnerContext } from './context.js';
import { pairedDockerfile } from '../config/targets.js';
import type { Config, PublishConfig } from '../config/types.js';
import { renderComment, renderResolvedComment, type CommentInput, type CommentLinks } from '../report/comment.js';
import type { ScanOutcome } from '../scan/pipeline.js';
import { BULKHEAD_VERSION } from '../model/version.js';
import type { JsonText } from '../util/jsonText.js';
import { createGitHubClient, describeGitHubError, type ClientLogger, type GitHubClient } from './client.js';
import { uploadSarif, waitForProcessing, type Repository } from './codeScanning.js';
import { upsertComment, type CommentPlan } from './comment.js';
import { dependencySnapshot, snapshotCorrelator, submitDependencySnapshot, type SnapshotImage } from './dependencyGraph.js';

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
  /** When the scan ran (the snapshot's `scanned`). */
  now?: Date;
  retryBaseMs?: number;
}

const FORK_HINT =
  'on pull requests from forks GitHub gives the workflow a read-only token; the gate still decides, and the README shows the two-workflow setup that publishes results for forks';

/** The comment's hidden marker: one comment per workflow, job and set of scanned targets. */
export function commentMarker(config: Pick<Config, 'targets' | 'reports'>, context: RunnerContext): string {
  const key = [
    context.workflow,
    context.job,
    config.reports.category,
    ...config.targets.images.map((i) => i.key).sort(),
    ...[...config.targets.dockerfiles].sort(),
  ].join('\n');
  return `<!-- bulkhead:comment ${createHash('sha256').update(key).digest('hex').slice(0, 16)} -->`;
}

/** A refused call as one warning; a 403 or 404 names the permission the call needs. */
export function refusal(what: string, error: unknown, permission: string): string {
  const { status, message } = describeGitHubError(error);
  return status === 403 || status === 404
    ? `${what}: ${message}; ${FORK_HINT} (the token needs \`${permission}\`).`
    : `${what}: ${message}.`;
}

/** The scanned images with their packages, each with the Dockerfile it pairs with (as attribution pairs them). */
function snapshotImages(config: Pick<Config, 'targets'>, outcome: ScanOutcome): SnapshotImage[] {
  const { images, dockerfiles } = config.targets;
  return outcome.results.flatMap((r) => {
    if (r.tool !== 'trivy' || r.status !== 'ok' || !r.packages) return [];
    const dockerfile = pairedDockerfile(images, dockerfiles, r.key);
    return [{ inventory: r.packages, ...(dockerfile ? { dockerfile } : {}) }];
  });
}

/** Submits the images' packages to the dependency graph; every failure is a warning. */
export async function publishDependencyGraph(
  client: GitHubClient,
  repository: Repository,
  input: Pick<PublishInput, 'config' | 'context' | 'outcome' | 'logger'> & { now: Date },
): Promise<void> {
  const { config, context } = input;
  const images = snapshotImages(config, input.outcome);
  if (images.length === 0) {
    input.logger.warning('Nothing was submitted to the dependency graph: no image scan by Trivy succeeded.');
    return;
  }
  const { snapshot, withoutPurl } = dependencySnapshot(images, {
    sha: context.sha,
    ref: context.ref,
    correlator: snapshotCorrelator(
      context.workflow,
      context.job,
      config.reports.category,
      images.map((i) => i.inventory.image),
    ),
    runId: context.runId,
    ...(context.runIdGiven ? { runUrl: `${context.serverUrl}/${context.repository}/actions/runs/${context.runIdGiven}` } : {}),
    scanned: input.now,
  });
  const count = Object.values(snapshot.manifests).reduce((n, m) => n + Object.keys(m.resolved).length, 0);
  try {
    const answer = await submitDependencySnapshot(client, repository, snapshot);
    const left = withoutPurl > 0 ? `; ${withoutPurl} without a package URL were left out` : '';
    const said = `${count} packages of ${images.length} image${images.length === 1 ? '' : 's'}${left}`;
    if (answer.result === 'INVALID') input.logger.warning(`The dependency graph refused the snapshot (${said}): ${answer.message}.`);
    else input.logger.info(`Submitted ${said} to the dependency graph (snapshot ${answer.id}, ${answer.result.toLowerCase()}).`);
  } catch (error) {
    input.logger.warning(refusal('Could not submit to the dependency graph', error, 'contents: write'));
  }
}

export interface SarifTarget {
  commitSha: string;
  ref: string;
  sarif: JsonText;
}

/** Uploads and waits for processing; every failure is a warning. */
export async function publishSarifLog(
  client: GitHubClient,
  repository: Repository,
  target: SarifTarget,
  io: { logger: ClientLogger; setOutput(name: 'sarif-id', value: string): void; processingTimeoutMs?: number },
): Promise<void> {
  try {
    const id = await uploadSarif(client, repository, target);
    io.setOutput('sarif-id', id);
    io.logger.info(`Uploaded the SARIF log to code scanning (id ${id}).`);
    const processed = await waitForProcessing(client, repository, id, { timeoutMs: io.processingTimeoutMs ?? 120_000, firstWaitMs: 2000 });
    if (processed.status === 'complete') io.logger.info('Code scanning processed the SARIF log.');
    else if (processed.status === 'failed')
      io.logger.warning(`Code scanning could not process the SARIF log: ${processed.errors.join('; ') || 'no reason given'}.`);
    else io.logger.info('Code scanning is still processing the SARIF log; its alerts appear when it is done.');
  } catch (error) {
    io.logger.warning(refusal('Could not upload the SARIF log', error, 'security-events: write'));
  }
}

/** Creates, edits, leaves or removes the sticky comment; every failure is a warning. */
export async function publishPullRequestComment(
  client: GitHubClient,
  repository: Repository,
  pullRequest: number,
  plan: CommentPlan,
  logger: ClientLogger,
): Promise<void> {
  try {
    const action = await upsertComment(client, repository, pullRequest, plan);
    logger.info(
      {
        created: `Posted the pull-request comment on #${pullRequest}.`,
        updated: `Updated the pull-request comment on #${pullRequest}.`,
        unchanged: `The pull-request comment on #${pullRequest} is already up to date.`,
        deleted: `Deleted the pull-request comment on #${pullRequest}: nothing fails the gate.`,
        skipped: 'No pull-request comment: nothing fails the gate.',
      }[action],
    );
  } catch (error) {
    logger.warning(refusal(`Could not comment on pull request #${pullRequest}`, error, 'pull-requests: write'));
  }
}

/** The comment's links: Dockerfile lines at the pull request's head, and this run's summary. */
export function commentLinks(context: RunnerContext, headSha: string | undefined, runId: string | undefined): CommentLinks {
  return {
    repositoryUrl: `${context.serverUrl}/${context.repository}`,
    ...(headSha ? { commitSha: headSha } : {}),
    ...(runId ? { runUrl: `${context.serverUrl}/${context.repository}/actions/runs/${runId}` } : {}),
  };
}

/** The comment plan for a verdict: shown always, or only on failure (then resolved otherwise). */
export function commentPlan(
  config: Pick<PublishConfig, 'comment' | 'resolvedComment'>,
  marker: string,
  links: CommentLinks,
  content: Omit<CommentInput, 'marker' | 'links' | 'version'>,
  redact: (text: string) => string,
): CommentPlan {
  const show = config.comment === 'always' || content.gate.verdict === 'fail';
  return {
    marker,
    body: show ? redact(renderComment({ ...content, marker, links, version: BULKHEAD_VERSION })) : undefined,
    resolvedBody: renderResolvedComment(marker, links, BULKHEAD_VERSION),
    resolved: config.resolvedComment,
  };
}

/**
 * The GitHub edge: code-scanning upload and the sticky comment. Failures here are warnings and
 * never change the verdict, which the scan alone decides.
 */
export async function publishToGitHub(input: PublishInput): Promise<void> {
  const { config, context } = input;
  const wantsComment = config.publish.comment !== 'never' && context.pullRequest !== undefined;
  if (!config.publish.uploadSarif && !wantsComment && !config.publish.dependencyGraph) return;
  const [owner, repo] = context.repository.split('/');
  if (!owner || !repo) {
    input.logger.warning('GITHUB_REPOSITORY is not set, so nothing was sent to GitHub; this happens outside GitHub Actions.');
    return;
  }
  if (!input.token) {
    input.logger.warning(
      'No github-token, so the SARIF log was not uploaded and no comment was posted; give github-token: ${{ github.token }}.',
    );
    return;
  }
  const client = await createGitHubClient(input.token, input.logger, {
    apiUrl: context.apiUrl,
    ...(input.retryBaseMs !== undefined ? { retryBaseMs: input.retryBaseMs } : {}),
  });
  const repository = { owner, repo };
  const { outcome } = input;
  const pullRequest = context.pullRequest;
  await Promise.all([
    config.publish.dependencyGraph
      ? publishDependencyGraph(client, repository, { ...input, now: input.now ?? new Date() })
      : Promise.resolve(),
    config.publish.uploadSarif
      ? publishSarifLog(
          client,
          repository,
          { commitSha: context.sha, ref: context.ref, sarif: { pieces: outcome.sarifText.pieces.map((piece) => input.redact(piece)) } },
          input,
        )
      : Promise.resolve(),
    wantsComment && pullRequest
      ? publishPullRequestComment(
          client,
          repository,
          pullRequest.number,
          commentPlan(
            config.publish,
            commentMarker(config, context),
            commentLinks(context, pullRequest.headSha, context.runIdGiven),
            {
              gate: outcome.gate,
              decisions: outcome.decisions,
              failOn: outcome.policy.settings.failOn.value,
              workloads: outcome.results.flatMap((r) => r.workloads ?? []),
              rehearsals: rehearsedImages(outcome.results),
              images: imageRows(outcome.decisions, outcome.results),
              ...(outcome.policyOutcome.baseline ? { baseline: outcome.policyOutcome.baseline } : {}),
            },
            (text) => input.redact(text),
          ),
          input.logger,
        )
      : Promise.resolve(),
  ]);
}
