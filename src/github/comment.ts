import type { GitHubClient } from './client.js';
import type { Repository } from './codeScanning.js';

export type CommentAction = 'created' | 'updated' | 'unchanged' | 'deleted' | 'skipped';

interface ExistingComment {
  id: number;
  body?: string;
  user?: { login?: string; type?: string } | null;
}

/**
 * Who bulkhead's comments are by: the token's login when GitHub tells it; an Actions or App
 * installation token cannot ask (/user answers 403), and then only bot-authored comments count,
 * so a person who pastes the marker cannot take the comment over.
 */
export async function commentAuthor(client: GitHubClient): Promise<(user: ExistingComment['user']) => boolean> {
  try {
    const { data } = await client.rest.users.getAuthenticated();
    return (user) => user?.login === data.login;
  } catch {
    return (user) => user?.type === 'Bot';
  }
}

/** Finds bulkhead's comment by its hidden marker, reading every page of the conversation. */
export async function findComment(
  client: GitHubClient,
  repository: Repository,
  issueNumber: number,
  marker: string,
  isOurs: (user: ExistingComment['user']) => boolean,
): Promise<ExistingComment | undefined> {
  const comments = (await client.paginate(client.rest.issues.listComments, {
    ...repository,
    issue_number: issueNumber,
    per_page: 100,
  })) as ExistingComment[];
  return comments.find((c) => (c.body ?? '').includes(marker) && isOurs(c.user));
}

export interface CommentPlan {
  marker: string;
  /** The comment to show; undefined when there is nothing worth posting (a clean pass). */
  body: string | undefined;
  /** With no body: edit an existing comment to this, or delete it. */
  resolvedBody: string;
  resolved: 'update' | 'delete';
}

/** One sticky comment per key: created once, edited in place, left alone when unchanged. */
export async function upsertComment(
  client: GitHubClient,
  repository: Repository,
  issueNumber: number,
  plan: CommentPlan,
): Promise<CommentAction> {
  const isOurs = await commentAuthor(client);
  const existing = await findComment(client, repository, issueNumber, plan.marker, isOurs);
  if (plan.body === undefined) {
    if (!existing) return 'skipped';
    if (plan.resolved === 'delete') {
      await client.rest.issues.deleteComment({ ...repository, comment_id: existing.id });
      return 'deleted';
    }
    if (existing.body === plan.resolvedBody) return 'unchanged';
    await client.rest.issues.updateComment({ ...repository, comment_id: existing.id, body: plan.resolvedBody });
    return 'updated';
  }
  if (!existing) {
    await client.rest.issues.createComment({ ...repository, issue_number: issueNumber, body: plan.body });
    return 'created';
  }
  if (existing.body === plan.body) return 'unchanged';
  await client.rest.issues.updateComment({ ...repository, comment_id: existing.id, body: plan.body });
  return 'updated';
}
