import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ToolError } from './errors.js';
import type { Redactor } from './redact.js';
import type { ScanOutcome } from './run.js';

async function write(path: string, text: string, what: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ToolError('bulkhead', `could not write the ${what} to ${path} (${code}).`);
  }
}

/** Writes the SARIF log, the JSON report and (when asked) the markdown summary, each redacted. */
export async function writeReportFiles(outcome: ScanOutcome, redactor: Redactor, markdownFile?: string): Promise<void> {
  await write(outcome.config.sarifFile, redactor.apply(JSON.stringify(outcome.sarif, null, 2)), 'SARIF log');
  await write(outcome.config.reportFile, redactor.apply(JSON.stringify(outcome.report, null, 2)), 'JSON report');
  if (markdownFile) await write(markdownFile, redactor.apply(outcome.summaryMarkdown), 'markdown summary');
}
