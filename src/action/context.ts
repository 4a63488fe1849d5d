import { readFileSync } from 'node:fs';

/** What the runner tells the action about the event, read once from its environment. */
export interface RunnerContext {
  eventName: string;
  ref: string;
  defaultBranch?: string;
  runId: string;
  runAttempt: string;
  tempDir: string;
}

export function readRunnerContext(env: Readonly<Record<string, string | undefined>>): RunnerContext {
  let defaultBranch: string | undefined;
  const eventPath = env.GITHUB_EVENT_PATH;
  if (eventPath) {
    try {
      const payload = JSON.parse(readFileSync(eventPath, 'utf8')) as { repository?: { default_branch?: unknown } };
      if (typeof payload.repository?.default_branch === 'string') defaultBranch = payload.repository.default_branch;
    } catch {
      // No readable payload (a local run): the event-dependent features stay off.
    }
  }
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ref: env.GITHUB_REF ?? '',
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
