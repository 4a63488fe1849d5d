import { readJsonReport } from '../../util/jsonFile.js';
import type { ScanResult } from '../../model/scanResult.js';
import { parseHadolintReport } from './parse.js';

/**
 * Reads an existing hadolint JSON report (`hadolint-report` input). One result per Dockerfile
 * the report names, so that each gets its own SARIF run and category.
 */
export async function hadolintFromReport(file: string, displayName: string, resolveFile: (name: string) => string): Promise<ScanResult[]> {
  const started = performance.now();
  const documents = await readJsonReport(file);
  const parsed = parseHadolintReport(documents, resolveFile, displayName);
  const byFile = new Map<string, ScanResult>();
  for (const finding of parsed.findings) {
    const key = finding.file ?? displayName;
    let result = byFile.get(key);
    if (!result) {
      result = { tool: 'hadolint', key, target: key, origin: 'report', status: 'ok', durationMs: 0, findings: [], warnings: [] };
      byFile.set(key, result);
    }
    result.findings.push(finding);
  }
  const results = [...byFile.values()];
  if (results.length === 0) {
    // A clean report still says hadolint ran and found nothing.
    results.push({
      tool: 'hadolint',
      key: displayName,
      target: displayName,
      origin: 'report',
      status: 'ok',
      durationMs: 0,
      findings: [],
      warnings: [],
    });
  }
  const elapsed = performance.now() - started;
  for (const result of results) result.durationMs = elapsed / results.length;
  results[0]?.warnings.push(...parsed.warnings);
  return results;
}
