import { open } from 'node:fs/promises';
import { FormatError } from './errors.js';
import { parseJsonSequence } from './json.js';

/**
 * Largest scanner report bulkhead reads. Far above any real report (a Trivy report of a
 * 1,500-vulnerability image is ~2 MB); below the size where parsing it could exhaust a runner's memory.
 */
export const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/** Reads a scanner's JSON report: one document, or several written back to back. */
export async function readJsonReport(path: string, maxBytes = MAX_REPORT_BYTES): Promise<unknown[]> {
  let text: string;
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new FormatError(path, `cannot be opened (${error.code ?? error.message}).`);
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new FormatError(path, 'is not a regular file; give the path of the JSON report.');
    if (stats.size > maxBytes) {
      throw new FormatError(
        path,
        `is ${(stats.size / 1048576).toFixed(0)} MiB, larger than the ${maxBytes / 1048576} MiB bulkhead reads; is it the right file?`,
      );
    }
    text = await handle.readFile({ encoding: 'utf8' });
  } finally {
    await handle.close();
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim().length === 0) throw new FormatError(path, 'is empty; the scanner wrote no report (did it fail?).');
  return parseJsonSequence(text, path);
}
