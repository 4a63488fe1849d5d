import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ToolError } from '../../util/errors.js';
import { innermostMessage, networkCause } from '../../util/network.js';

export interface DownloadOptions {
  /** The whole download must finish within this time. */
  timeoutMs: number;
  /** No byte for this long means the server stalled. */
  stallTimeoutMs: number;
  maxBytes: number;
  headers?: Record<string, string>;
}

export interface Downloaded {
  file: string;
  bytes: number;
  sha256: string;
}

function causeOf(error: unknown, url: string): string {
  const message = innermostMessage(error);
  if (/redirect count exceeded/i.test(message)) return 'too many redirects (a redirect loop?)';
  return networkCause(error, url) ?? message;
}

/**
 * Downloads one URL to a file while hashing it. Redirects are followed (GitHub sends release
 * assets through one) up to fetch's limit; a partial file is removed on any failure.
 */
export async function downloadFile(url: string, file: string, tool: string, options: DownloadOptions): Promise<Downloaded> {
  const overall = AbortSignal.timeout(options.timeoutMs);
  const stall = new AbortController();
  let stallTimer = setTimeout(() => stall.abort(), options.stallTimeoutMs);
  const signal = AbortSignal.any([overall, stall.signal]);
  const fail = (what: string): never => {
    throw new ToolError(tool, `download of ${url} failed: ${what}`);
  };
  try {
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'follow', signal, ...(options.headers ? { headers: options.headers } : {}) });
    } catch (error) {
      if (stall.signal.aborted) fail(`the server sent nothing for ${options.stallTimeoutMs / 1000} s`);
      if (overall.aborted) fail(`it did not finish within ${options.timeoutMs / 1000} s`);
      return fail(causeOf(error, url));
    }
    if (!response.ok || !response.body) fail(`the server answered ${response.status} ${response.statusText}`.trim());
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > options.maxBytes)
      fail(`it is ${declared} bytes, more than the ${options.maxBytes} expected`);
    const hash = createHash('sha256');
    let bytes = 0;
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => stall.abort(), options.stallTimeoutMs);
      if (bytes > options.maxBytes) body.destroy(new Error(`more than the ${options.maxBytes} bytes expected`));
    });
    try {
      await pipeline(body, createWriteStream(file, { mode: 0o600 }));
    } catch (error) {
      if (stall.signal.aborted) fail(`the server stopped sending after ${bytes} bytes (nothing for ${options.stallTimeoutMs / 1000} s)`);
      if (overall.aborted) fail(`it did not finish within ${options.timeoutMs / 1000} s`);
      fail(`the transfer broke off after ${bytes} bytes (${causeOf(error, url)})`);
    }
    if (Number.isFinite(declared) && bytes !== declared) fail(`the server announced ${declared} bytes but sent ${bytes}`);
    return { file, bytes, sha256: hash.digest('hex') };
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  } finally {
    clearTimeout(stallTimer);
  }
}
