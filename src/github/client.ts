import type { getOctokit } from '@actions/github';
import { networkCause } from '../util/network.js';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface ClientLogger {
  info(message: string): void;
  warning(message: string): void;
}

/**
 * The one GitHub client: the toolkit's Octokit (GITHUB_API_URL, so GHES works), retrying 5xx
 * with backoff and waiting out rate limits, both by Octokit's own plugins. The token never
 * reaches a log line from here. The toolkit is loaded here, not at start-up: importing it parses
 * GITHUB_EVENT_PATH, which github/context.ts checks first (a malformed payload would otherwise
 * throw before bulkhead could say what is wrong).
 */
export async function createGitHubClient(
  token: string,
  logger: ClientLogger,
  options: { apiUrl: string; retryBaseMs?: number },
): Promise<GitHubClient> {
  const { getOctokit } = await import('@actions/github');
  return getOctokit(
    token,
    {
      // From the runner's environment as read for this run, not as it was when the toolkit loaded.
      baseUrl: options.apiUrl,
      retry: {
        doNotRetry: [400, 401, 403, 404, 410, 422, 451],
        ...(options.retryBaseMs !== undefined ? { retryAfterBaseValue: options.retryBaseMs } : {}),
      },
      throttle: {
        onRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
          logger.warning(
            `GitHub's rate limit was reached for ${request.method} ${request.url}; ${retryCount < 2 ? `retrying in ${retryAfter} s` : 'giving up'}.`,
          );
          return retryCount < 2;
        },
        onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
          logger.warning(
            `GitHub's secondary rate limit was reached for ${request.method} ${request.url}; ${retryCount < 1 ? `retrying in ${retryAfter} s` : 'giving up'}.`,
          );
          return retryCount < 1;
        },
      },
    },
    retry,
    throttling,
  );
}

/** What GitHub said, in one line: status and message, never headers (they may carry the token). */
export function describeGitHubError(error: unknown): { status?: number; message: string } {
  // Octokit reports a request that got no answer as status 500 without a response: name the real cause.
  const request = (error as { request?: { url?: unknown } } | null)?.request;
  const answered = typeof error === 'object' && error !== null && (error as { response?: unknown }).response !== undefined;
  if (!answered) {
    const url = typeof request?.url === 'string' ? request.url : '';
    const cause = networkCause(error, url);
    if (cause) return { message: `GitHub could not be reached: ${cause}` };
  }
  if (typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number') {
    const status = (error as { status: number }).status;
    const response = (error as { response?: { data?: unknown } }).response;
    const data = response?.data;
    const message =
      typeof data === 'object' && data !== null && 'message' in data ? String(data.message) : error instanceof Error ? error.message : '';
    return { status, message: `GitHub answered ${status}${message ? ` (${message.split('\n')[0]})` : ''}` };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}
