import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ReportsConfig } from '../config/types.js';
import type { Redactor } from '../secrets/redactor.js';
import { ToolError } from '../util/errors.js';
import type { ScanOutcome } from './pipeline.js';

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
export async function writeReportFiles(outcome: ScanOutcome, reports: ReportsConfig, redactor: Redactor): Promise<void> {
  await write(reports.sarifFile, redactor.apply(JSON.stringify(outcome.sarif, null, 2)), 'SARIF log');
  await write(reports.reportFile, redactor.apply(JSON.stringify(outcome.report, null, 2)), 'JSON report');
  if (reports.markdownFile) await write(reports.markdownFile, redactor.apply(outcome.summaryMarkdown), 'markdown summary');
}
