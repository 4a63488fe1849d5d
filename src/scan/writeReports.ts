import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ReportsConfig } from '../config/types.js';
import type { Redactor } from '../secrets/redactor.js';
import { ToolError } from '../util/errors.js';
import type { ScanOutcome } from './pipeline.js';

/**
 * mkdir -p, one level at a time: Node's own recursive mkdir never returns for a path under /proc
 * (it retries the ENOENT it gets there for ever), and a report path is an input.
 */
async function makeDirectories(directory: string): Promise<void> {
  try {
    await mkdir(directory);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(directory);
    if (code !== 'ENOENT' || parent === directory) throw error;
    await makeDirectories(parent);
    try {
      await mkdir(directory);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'EEXIST') throw again;
    }
  }
}

async function write(path: string, text: string, what: string): Promise<void> {
  try {
    await makeDirectories(dirname(path));
    await writeFile(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ToolError(path, `the ${what} could not be written there (${code}).`);
  }
}

/** Writes the SARIF log, the JSON report and (when asked) the markdown summary, each redacted. */
export async function writeReportFiles(outcome: ScanOutcome, reports: ReportsConfig, redactor: Redactor): Promise<void> {
  // Compact, as GitHub reads them: a 25,000-result log pretty-printed is half as large again and
  // costs a second serialization; `jq .` shows either.
  await write(reports.sarifFile, redactor.apply(outcome.sarifText), 'SARIF log');
  await write(reports.reportFile, redactor.apply(JSON.stringify(outcome.report)), 'JSON report');
  if (reports.markdownFile) await write(reports.markdownFile, redactor.apply(outcome.summaryMarkdown), 'markdown summary');
}
