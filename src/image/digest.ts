import { createHash, type Hash } from 'node:crypto';
import { FormatError } from '../util/errors.js';
import { printable } from './paths.js';

/** What a descriptor promises about a blob: its content digest and, when it says, its size. */
export interface BlobClaim {
  digest: string;
  size?: number;
}

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(text: string): boolean {
  return DIGEST.test(text);
}

/** A running digest of bytes as they stream past: no second pass over the data. */
export class StreamDigest {
  private readonly hash: Hash;
  private result: string | undefined;
  bytes = 0;

  constructor(readonly algorithm: 'sha256' | 'sha512' = 'sha256') {
    this.hash = createHash(algorithm);
  }

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  /** The digest of everything passed so far; asked again, the same answer (a layer's stored digest can be its diff_id too). */
  digest(): string {
    this.result ??= `${this.algorithm}:${this.hash.digest('hex')}`;
    return this.result;
  }
}

export function digestOf(bytes: Buffer, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

export function algorithmOf(digest: string): 'sha256' | 'sha512' {
  return digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}

/** Refuses bytes that are not what their descriptor says: the image was altered or is corrupt. */
export function verifyBlob(where: string, what: string, claim: BlobClaim, actual: { digest: string; size: number }): void {
  if (claim.size !== undefined && claim.size !== actual.size) {
    throw new FormatError(
      where,
      `${what} is ${actual.size} bytes but its descriptor says ${claim.size}; the image was altered or is corrupt.`,
    );
  }
  if (actual.digest !== claim.digest) {
    throw new FormatError(
      where,
      `${what} does not match its digest: expected ${printable(claim.digest, 80)}, its content is ${actual.digest}; the image was altered or is corrupt.`,
    );
  }
}

/**
 * Yields `source` unchanged while digesting it, and stops before reading past `maxBytes` (a
 * descriptor's size): a blob linked to /dev/zero ends there, not at the memory limit.
 */
export async function* digesting(
  source: AsyncIterable<Buffer>,
  digest: StreamDigest,
  maxBytes: number,
  where: string,
  what: string,
): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    if (digest.bytes + chunk.length > maxBytes) {
      throw new FormatError(
        where,
        `${what} holds more than the ${maxBytes} bytes its descriptor says; the image was altered or is corrupt.`,
      );
    }
    digest.update(chunk);
    yield chunk;
  }
}
