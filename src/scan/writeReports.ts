import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ReportsConfig } from '../config/types.js';
import type { Redactor } from '../secrets/redactor.js';
import { FormatError, ToolError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { describeFailure, type ScanResult } from '../model/scanResult.js';
import type { SbomContext } from '../report/sbom.js';
import type { ScanOutcome } from './pipeline.js';
import { jsonPieces, utf8Chunks } from '../util/jsonText.js';

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

async function write(path: string, text: string | Iterable<string>, what: string): Promise<void> {
  try {
    await makeDirectories(dirname(path));
    if (typeof text === 'string') await writeFile(path, text);
    else {
      const file = await open(path, 'w');
      try {
        for (const chunk of utf8Chunks(text)) await file.write(chunk);
      } finally {
        await file.close();
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ToolError(path, `the ${what} could not be written there (${code}).`);
  }
}

/**
 * Writes the image's SBOM (sbom-file) from the packages Trivy listed. A given report without a
 * package list is refused rather than written as an image with no packages; a Trivy that failed
 * leaves no SBOM, and says so (its failure already closes the gate).
 */
export async function writeSbom(
  results: readonly ScanResult[],
  reports: ReportsConfig,
  context: SbomContext,
  redactor: Redactor,
  logger: Logger,
): Promise<void> {
  const sbom = reports.sbom;
  if (!sbom) return;
  const trivy = results.find((r) => r.tool === 'trivy');
  if (!trivy || trivy.status !== 'ok') {
    logger.warning(`No SBOM was written to ${sbom.file}: ${trivy ? describeFailure(trivy) : 'Trivy did not scan an image'}.`);
    return;
  }
  const inventory = trivy.packages;
  if (!inventory || (trivy.origin === 'report' && inventory.packages.length === 0)) {
    throw new FormatError(
      trivy.target,
      'lists no packages, so no SBOM was written; write the report with trivy image --list-all-pkgs (or let bulkhead run Trivy).',
    );
  }
  // Loaded only when an SBOM is asked for: the CycloneDX library is a good part of the bundle.
  const { renderSbom } = await import('../report/sbom.js');
  const text = renderSbom(sbom.format, inventory, { ...context, ...(trivy.version ? { trivyVersion: trivy.version } : {}) });
  await write(sbom.file, redactor.apply(text), 'SBOM');
  logger.info(
    `SBOM (${sbom.format === 'spdx' ? 'SPDX 2.3' : 'CycloneDX 1.6'}) of ${inventory.image}: ${inventory.packages.length} packages, written to ${sbom.file}.`,
  );
}

/** Writes the SARIF log, the JSON report and (when asked) the markdown summary, each redacted. */
export async function writeReportFiles(outcome: ScanOutcome, reports: ReportsConfig, redactor: Redactor): Promise<void> {
  // Compact, as GitHub reads them: a 25,000-result log pretty-printed is half as large again and
  // costs a second serialization; `jq .` shows either.
  await write(reports.sarifFile, redactor.applyEach(outcome.sarifText.pieces), 'SARIF log');
  // Made, masked, encoded and written piece by piece: report.json is the largest output.
  await write(reports.reportFile, redactor.applyEach(jsonPieces(outcome.report)), 'JSON report');
  if (reports.markdownFile) await write(reports.markdownFile, redactor.apply(outcome.summaryMarkdown), 'markdown summary');
}
