/**
 * An image that cannot be read as it claims to be: corrupt, truncated, or built to attack the
 * reader (path traversal, decompression bombs, absurd sizes). The message names where and what.
 */
export class ImageReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageReadError';
  }
}
