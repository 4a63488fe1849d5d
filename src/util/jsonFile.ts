import { FormatError } from './errors.js';
import { JsonSequenceParser, type JsonPathSegment } from './jsonStream.js';
import { openRegularFile, sizeText } from './textFile.js';

/**
 * Largest scanner report bulkhead reads. Far above any real report (a Trivy report of a
 * 1,500-vulnerability image is ~2 MB); the reader streams it, so memory follows what the caller
 * keeps of it rather than the file's size.
 */
export const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/** Read size: large enough that the per-chunk work is negligible, small enough to stay in cache. */
const CHUNK_BYTES = 1024 * 1024;

export interface JsonReportOptions {
  maxBytes?: number;
  /** Lists parsed one element at a time (util/jsonStream), each handed to `element`. */
  spill?: (path: readonly JsonPathSegment[]) => boolean;
  element?: (value: unknown, path: readonly JsonPathSegment[], index: number) => unknown;
}

/**
 * Reads a JSON report (a scanner's, a VEX document, a report-file): one document, or several
 * written back to back. Only a regular file no larger than the limit is read (openRegularFile).
 */
export async function readJsonReport(path: string, options: JsonReportOptions = {}): Promise<unknown[]> {
  const maxBytes = options.maxBytes ?? MAX_REPORT_BYTES;
  const refuse = (detail: string): FormatError => new FormatError(path, detail);
  const { handle, size } = await openRegularFile(path, maxBytes, refuse);
  try {
    const parser = new JsonSequenceParser({
      source: path,
      ...(options.spill ? { spill: options.spill } : {}),
      ...(options.element ? { element: options.element } : {}),
    });
    // One buffer, reused: the parser copies what it keeps of each chunk.
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(size, 1)));
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null).catch((error: NodeJS.ErrnoException) => {
        throw refuse(`cannot be read (${error.code ?? String(error)}).`);
      });
      if (bytesRead === 0) break;
      total += bytesRead;
      // The file grew after the size check: still no more than the limit is read.
      if (total > maxBytes) throw refuse(`is larger than the ${sizeText(maxBytes)} bulkhead reads for such a file; is it the right file?`);
      parser.push(buffer.subarray(0, bytesRead));
    }
    const values = parser.end();
    if (values.length === 0) throw refuse('is empty; the scanner wrote no report (did it fail?).');
    return values;
  } finally {
    await handle.close();
  }
}
