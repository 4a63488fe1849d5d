import { readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { FormatError, UsageError } from '../util/errors.js';
import { isObject } from '../util/json.js';
import { readJsonReport } from '../util/jsonFile.js';

/** GitHub's limit on runs in one uploaded SARIF file. */
export const MAX_RUNS_PER_UPLOAD = 20;
/** A job's SARIF log larger than this is not one bulkhead wrote (GitHub takes 10 MB gzipped). */
const MAX_SARIF_BYTES = 64 * 1024 * 1024;

export interface SarifLogFile {
  /** As shown to the user: relative to the workspace. */
  file: string;
  json: unknown;
}

/** A run's identity for code scanning: its tool and its category (automationDetails.id up to the last slash). */
function runIdentity(run: unknown, file: string): { tool: string; category: string } {
  if (!isObject(run) || !isObject(run.tool) || !isObject(run.tool.driver) || typeof run.tool.driver.name !== 'string')
    throw new FormatError(file, 'has a run without tool.driver.name; it is not a SARIF log bulkhead wrote.');
  const id = isObject(run.automationDetails) && typeof run.automationDetails.id === 'string' ? run.automationDetails.id : '';
  const category = id.includes('/') ? id.slice(0, id.lastIndexOf('/') + 1) : id;
  return { tool: run.tool.driver.name, category };
}

/**
 * One SARIF log holding every run of the jobs' logs. Two runs of one tool and category would be
 * rejected by GitHub as a whole upload, so they are refused here, naming both files: each matrix
 * job needs its own `category`.
 */
export function mergeSarifLogs(logs: readonly SarifLogFile[]): { sarif: string; runs: number } {
  const seen = new Map<string, string>();
  const runs: unknown[] = [];
  for (const { file, json } of logs) {
    if (!isObject(json) || json.version !== '2.1.0' || !Array.isArray(json.runs))
      throw new FormatError(file, 'is not a SARIF 2.1.0 log (no version 2.1.0 and runs).');
    for (const run of json.runs) {
      const { tool, category } = runIdentity(run, file);
      const key = `${tool}\n${category}`;
      const earlier = seen.get(key);
      if (earlier !== undefined)
        throw new UsageError(
          `${earlier} and ${file} both have a ${tool} run with the category "${category}", which GitHub rejects in one upload; give each matrix job its own category input (e.g. category: bulkhead-\${{ matrix.name }}), or set merge-sarif to false.`,
        );
      seen.set(key, file);
      runs.push(run);
    }
  }
  if (runs.length > MAX_RUNS_PER_UPLOAD)
    throw new UsageError(
      `the jobs' SARIF logs hold ${runs.length} runs, more than the ${MAX_RUNS_PER_UPLOAD} GitHub accepts in one upload; set merge-sarif to false and let each job upload its own.`,
    );
  return { sarif: JSON.stringify({ version: '2.1.0', $schema: 'https://json.schemastore.org/sarif-2.1.0.json', runs }), runs: runs.length };
}

/** The SARIF files beside each report-file (a job's downloaded artifact), each read once. */
export async function readJobSarifLogs(reportFiles: readonly string[], workspace: string): Promise<SarifLogFile[]> {
  const files = new Set<string>();
  for (const dir of new Set(reportFiles.map((f) => dirname(f)))) {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.sarif')).sort();
    for (const name of names) files.add(join(dir, name));
  }
  if (files.size === 0)
    throw new UsageError(
      "merge-sarif is true but no .sarif file lies beside the merged report-files; upload each job's sarif-file in its artifact next to its report-file.",
    );
  const logs: SarifLogFile[] = [];
  for (const path of files) {
    const [json] = await readJsonReport(path, { maxBytes: MAX_SARIF_BYTES });
    logs.push({ file: relative(workspace, path) || path, json });
  }
  return logs;
}
