import { gzipJsonText, type JsonText } from '../util/jsonText.js';
import type { GitHubClient } from './client.js';

export interface Repository {
  owner: string;
  repo: string;
}

export interface SarifUpload {
  commitSha: string;
  ref: string;
  /** The log's text, already redacted. */
  sarif: JsonText;
  checkoutUri?: string;
}

/** Uploads a SARIF log, gzipped and base64-encoded as the API requires; returns GitHub's id for it. */
export async function uploadSarif(client: GitHubClient, repository: Repository, upload: SarifUpload): Promise<string> {
  const response = await client.rest.codeScanning.uploadSarif({
    ...repository,
    commit_sha: upload.commitSha,
    ref: upload.ref,
    sarif: (await gzipJsonText(upload.sarif)).toString('base64'),
    ...(upload.checkoutUri ? { checkout_uri: upload.checkoutUri } : {}),
  });
  return response.data.id ?? '';
}

export interface ProcessingResult {
  status: 'pending' | 'complete' | 'failed';
  errors: string[];
}

/** Polls the upload's processing status with growing waits until it settles or time runs out. */
export async function waitForProcessing(
  client: GitHubClient,
  repository: Repository,
  sarifId: string,
  options: { timeoutMs: number; firstWaitMs: number; sleep?: (ms: number) => Promise<void> },
): Promise<ProcessingResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + options.timeoutMs;
  let wait = options.firstWaitMs;
  for (;;) {
    const { data } = await client.rest.codeScanning.getSarif({ ...repository, sarif_id: sarifId });
    const status = data.processing_status ?? 'pending';
    if (status !== 'pending') return { status, errors: [...(data.errors ?? [])] };
    if (Date.now() + wait > deadline) return { status: 'pending', errors: [] };
    await sleep(wait);
    wait = Math.min(wait * 2, 30_000);
  }
}
