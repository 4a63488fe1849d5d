import { FormatError } from '../util/errors.js';
import { isObject } from '../util/json.js';
import { readRegularFile } from '../util/textFile.js';

/** What the runner tells the action about the event, read once from its environment. */
export interface RunnerContext {
  eventName: string;
  ref: string;
  sha: string;
  /** owner/name */
  repository: string;
  serverUrl: string;
  /** The REST API of this GitHub (GHES has its own). */
  apiUrl: string;
  workflow: string;
  job: string;
  pullRequest?: { number: number; headSha?: string; fork: boolean };
  defaultBranch?: string;
  runId: string;
  /** GITHUB_RUN_ID as the runner gave it; runId falls back to the clock outside Actions. */
  runIdGiven?: string;
  runAttempt: string;
  tempDir: string;
}

/**
 * The event payload the runner wrote (GITHUB_EVENT_PATH): undefined outside Actions; a file
 * that is there but unreadable is an error, never a silent "no pull request".
 */
export async function readEventPayload(env: Readonly<Record<string, string | undefined>>): Promise<unknown> {
  const eventPath = env.GITHUB_EVENT_PATH;
  if (!eventPath) return undefined;
  const source = `the event payload ${eventPath}`;
  const text = await readRegularFile(eventPath, MAX_EVENT_BYTES, (detail) => new FormatError(source, detail));
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new FormatError(source, `is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
}

/** GitHub caps webhook payloads at 25 MB. */
const MAX_EVENT_BYTES = 25 * 1024 * 1024;

export function readRunnerContext(env: Readonly<Record<string, string | undefined>>, payload: unknown): RunnerContext {
  let defaultBranch: string | undefined;
  let pullRequest: RunnerContext['pullRequest'];
  if (isObject(payload)) {
    const repository = isObject(payload.repository) ? payload.repository : {};
    if (typeof repository.default_branch === 'string') defaultBranch = repository.default_branch;
    const pr = isObject(payload.pull_request) ? payload.pull_request : undefined;
    if (pr && typeof pr.number === 'number' && Number.isSafeInteger(pr.number) && pr.number > 0) {
      const head = isObject(pr.head) ? pr.head : {};
      const headRepo = isObject(head.repo) ? head.repo.full_name : undefined;
      pullRequest = {
        number: pr.number,
        ...(typeof head.sha === 'string' ? { headSha: head.sha } : {}),
        fork: typeof headRepo === 'string' && headRepo !== repository.full_name,
      };
    }
  }
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    repository: env.GITHUB_REPOSITORY ?? '',
    serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    workflow: env.GITHUB_WORKFLOW ?? '',
    job: env.GITHUB_JOB ?? '',
    ...(pullRequest ? { pullRequest } : {}),
    ...(defaultBranch ? { defaultBranch } : {}),
    runId: env.GITHUB_RUN_ID ?? String(Date.now()),
    ...(env.GITHUB_RUN_ID ? { runIdGiven: env.GITHUB_RUN_ID } : {}),
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    tempDir: env.RUNNER_TEMP ?? '/tmp',
  };
}

export function isDefaultBranchPush(context: RunnerContext): boolean {
  return context.eventName === 'push' && context.defaultBranch !== undefined && context.ref === `refs/heads/${context.defaultBranch}`;
}

export function isPullRequest(context: RunnerContext): boolean {
  return context.eventName === 'pull_request' || context.eventName === 'pull_request_target';
}
