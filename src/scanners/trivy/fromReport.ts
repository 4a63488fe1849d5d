import { basename } from 'node:path';
import { ReportError } from '../../errors.js';
import { imageRepository } from '../../findings.js';
import { readJsonReport } from '../../reportFile.js';
import type { ScanResult } from '../types.js';
import { parseTrivyReport, TrivyFormatError, type TrivyReport } from './parse.js';

export interface TrivyReportResult {
  result: ScanResult;
  report: TrivyReport;
}

/** Reads an existing Trivy JSON report (`trivy-report` input) into a scan result. */
export async function trivyFromReport(file: string, displayName: string): Promise<TrivyReportResult> {
  const started = performance.now();
  const documents = await readJsonReport(file);
  if (documents.length !== 1) {
    throw new ReportError(displayName, `holds ${documents.length} JSON documents; a Trivy report is one (write one report per file).`);
  }
  let report: TrivyReport;
  try {
    report = parseTrivyReport(documents[0]);
  } catch (error) {
    if (error instanceof TrivyFormatError) throw new ReportError(displayName, error.message);
    throw error;
  }
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
    },
  };
}
