import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { FormatError, UsageError } from './errors.js';

/** Dockerfiles larger than this are refused: real ones are a few kilobytes, and parsing cost grows with size. */
export const MAX_DOCKERFILE_BYTES = 256 * 1024;
/** Policy and ignore files larger than this are refused. */
export const MAX_POLICY_BYTES = 1024 * 1024;

export const sizeText = (bytes: number): string => (bytes >= 1024 * 1024 ? `${Math.round(bytes / 1048576)} MiB` : `${bytes} bytes`);

/**
 * Opens a file only if it is a regular file no larger than `maxBytes`: a pull request can replace
 * any file bulkhead reads with a link to /dev/zero or a FIFO, which would otherwise never end or
 * never open (the open does not block on a FIFO). `refuse` makes the error for a detail such as
 * "is not a regular file", so each caller keeps its place in the error model. The caller closes it.
 */
export async function openRegularFile(
  path: string,
  maxBytes: number,
  refuse: (detail: string) => Error,
): Promise<{ handle: FileHandle; size: number }> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
    throw refuse(`cannot be opened (${error.code ?? error.message}).`);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw refuse('is not a regular file (a device, FIFO, socket or directory); give a file.');
    if (info.size > maxBytes)
      throw refuse(
        `is ${sizeText(info.size)}, larger than the ${sizeText(maxBytes)} bulkhead reads for such a file; is it the right file?`,
      );
    return { handle, size: info.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Reads a whole text file, only if openRegularFile lets it. */
export async function readRegularFile(
  path: string,
  maxBytes: number,
  refuse: (detail: string) => Error,
  options: { strictUtf8?: boolean } = {},
): Promise<string> {
  const { handle, size } = await openRegularFile(path, maxBytes, refuse);
  try {
    const bytes = Buffer.alloc(size);
    const { bytesRead } = await handle.read(bytes, 0, size, 0);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: options.strictUtf8 === true }).decode(bytes.subarray(0, bytesRead));
    } catch {
      throw refuse('is not UTF-8 text; save it as UTF-8.');
    }
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (error) {
    if (error instanceof UsageError || error instanceof FormatError) throw error;
    throw refuse(`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  } finally {
    await handle.close();
  }
}

/** A text file the repository holds (a Dockerfile, the policy file, an ignore file): not fit to read is the user's to fix (exit 2). */
export function readTextFile(path: string, name: string, maxBytes: number): Promise<string> {
  return readRegularFile(path, maxBytes, (detail) => new UsageError(`${name} ${detail}`));
}
