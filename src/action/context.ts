import { readFileSync } from 'node:fs';

/** What the runner tells the action about the event, read once from its environment. */
export interface RunnerContext {
  eventName: string;
  ref: string;
  sha: string;
  /** owner/name */
  repository: string;
  serverUrl: string;
  workflow: string;
  job: string;
  pullRequest?: { number: number; headSha?: string; fork: boolean };
  defaultBranch?: string;
  runId: string;
  runAttempt: string;
  tempDir: string;
}

export function readRunnerContext(env: Readonly<Record<string, string | undefined>>): RunnerContext {
  let defaultBranch: string | undefined;
  let pullRequest: RunnerContext['pullRequest'];
  const eventPath = env.GITHUB_EVENT_PATH;
  if (eventPath) {
    try {
      const payload = JSON.parse(readFileSync(eventPath, 'utf8')) as {
        repository?: { default_branch?: unknown; full_name?: unknown };
        pull_request?: { number?: unknown; head?: { sha?: unknown; repo?: { full_name?: unknown } | null } };
      };
      if (typeof payload.repository?.default_branch === 'string') defaultBranch = payload.repository.default_branch;
      const pr = payload.pull_request;
      if (pr && typeof pr.number === 'number') {
        const headRepo = pr.head?.repo?.full_name;
        pullRequest = {
          number: pr.number,
          ...(typeof pr.head?.sha === 'string' ? { headSha: pr.head.sha } : {}),
          fork: typeof headRepo === 'string' && headRepo !== payload.repository?.full_name,
        };
      }
    } catch {
      // No readable payload (a local run): the event-dependent features stay off.
    }
  }
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    repository: env.GITHUB_REPOSITORY ?? '',
    serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, ''),
    workflow: env.GITHUB_WORKFLOW ?? '',
    job: env.GITHUB_JOB ?? '',
    ...(pullRequest ? { pullRequest } : {}),
    ...(defaultBranch ? { defaultBranch } : {}),
    runId: env.GITHUB_RUN_ID ?? String(Date.now()),
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
