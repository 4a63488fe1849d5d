import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { FormatError } from './errors.js';
import { JsonSequenceParser, type JsonPathSegment } from './jsonStream.js';

/**
 * Largest scanner report bulkhead reads. Far above any real report (a Trivy report of a
 * 1,500-vulnerability image is ~2 MB); the reader streams it, so memory follows what the caller
 * keeps of it rather than the file's size.
 */
export const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/** Read size: large enough that the per-chunk work is negligible, small enough to stay in cache. */
const CHUNK_BYTES = 1024 * 1024;

const size = (bytes: number): string => (bytes >= 1024 * 1024 ? `${Math.round(bytes / 1048576)} MiB` : `${bytes} bytes`);

export interface JsonReportOptions {
  maxBytes?: number;
  /** Lists parsed one element at a time (util/jsonStream), each handed to `element`. */
  spill?: (path: readonly JsonPathSegment[]) => boolean;
  element?: (value: unknown, path: readonly JsonPathSegment[], index: number) => unknown;
}

/**
 * Reads a JSON report (a scanner's, a VEX document, a report-file): one document, or several
 * written back to back. Only a regular file no larger than the limit is read: a pull request can
 * replace any file bulkhead reads with a link to /dev/zero or a FIFO, which would otherwise never
 * end or never open (the open does not block on a FIFO).
 */
export async function readJsonReport(path: string, options: JsonReportOptions = {}): Promise<unknown[]> {
  const maxBytes = options.maxBytes ?? MAX_REPORT_BYTES;
  const refuse = (detail: string): FormatError => new FormatError(path, detail);
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
    throw refuse(`cannot be opened (${error.code ?? error.message}).`);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw refuse('is not a regular file (a device, FIFO, socket or directory); give a file.');
    if (info.size > maxBytes)
      throw refuse(`is ${size(info.size)}, larger than the ${size(maxBytes)} bulkhead reads for such a file; is it the right file?`);
    const parser = new JsonSequenceParser({
      source: path,
      ...(options.spill ? { spill: options.spill } : {}),
      ...(options.element ? { element: options.element } : {}),
    });
    // One buffer, reused: the parser copies what it keeps of each chunk.
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(info.size, 1)));
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null).catch((error: NodeJS.ErrnoException) => {
        throw refuse(`cannot be read (${error.code ?? String(error)}).`);
      });
      if (bytesRead === 0) break;
      total += bytesRead;
      // The file grew after the size check: still no more than the limit is read.
      if (total > maxBytes) throw refuse(`is larger than the ${size(maxBytes)} bulkhead reads for such a file; is it the right file?`);
      parser.push(buffer.subarray(0, bytesRead));
    }
    const values = parser.end();
    if (values.length === 0) throw refuse('is empty; the scanner wrote no report (did it fail?).');
    return values;
  } finally {
    await handle.close();
  }
}
