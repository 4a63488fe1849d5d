import { basename } from 'node:path';
import { FormatError } from '../../util/errors.js';
import { imageRepository } from '../../model/finding.js';
import { readJsonReport } from '../../util/jsonFile.js';
import type { ScanResult } from '../../model/scanResult.js';
import { inventoryField, isTrivyEntryList, parseTrivyReport, trivyEntrySlimmer, type TrivyReport } from './parse.js';

export interface TrivyReportResult {
  result: ScanResult;
  report: TrivyReport;
}

/** Reads an existing Trivy JSON report (`trivy-report` input) into a scan result. */
export async function trivyFromReport(file: string, displayName: string): Promise<TrivyReportResult> {
  const started = performance.now();
  const documents = await readJsonReport(file, { spill: isTrivyEntryList, element: trivyEntrySlimmer() });
  if (documents.length !== 1) {
    throw new FormatError(displayName, `holds ${documents.length} JSON documents; a Trivy report is one (write one report per file).`);
  }
  const report = parseTrivyReport(documents[0], displayName);
  const key = report.image ? imageRepository(report.image) : (report.artifactName ?? basename(file));
  return {
    report,
    result: {
      tool: 'trivy',
      key,
      target: report.image ?? report.artifactName ?? displayName,
      origin: 'report',
      ...(report.trivyVersion ? { version: report.trivyVersion } : {}),
      status: 'ok',
      durationMs: performance.now() - started,
      findings: report.findings,
      warnings: report.warnings,
      ...(report.diffIds.length > 0 ? { imageHistory: { diffIds: report.diffIds, history: report.history } } : {}),
      ...inventoryField(report),
    },
  };
}
