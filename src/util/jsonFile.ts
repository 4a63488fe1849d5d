import { FormatError } from './errors.js';
import { parseJsonSequence } from './json.js';
import { readRegularFile } from './textFile.js';

/**
 * Largest scanner report bulkhead reads. Far above any real report (a Trivy report of a
 * 1,500-vulnerability image is ~2 MB); below the size where parsing it could exhaust a runner's memory.
 */
export const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/** Reads a JSON report (a scanner's, a VEX document, a report-file): one document, or several written back to back. */
export async function readJsonReport(path: string, maxBytes = MAX_REPORT_BYTES): Promise<unknown[]> {
  const text = await readRegularFile(path, maxBytes, (detail) => new FormatError(path, detail));
  if (text.trim().length === 0) throw new FormatError(path, 'is empty; the scanner wrote no report (did it fail?).');
  return parseJsonSequence(text, path);
}
