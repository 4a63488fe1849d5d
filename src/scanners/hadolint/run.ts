import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { errorMessage } from '../../util/errors.js';
import { parseJsonSequence } from '../../util/jsonStream.js';
import { describeExit, runProcess, stderrTail } from '../process.js';
import type { ScanResult, ScannerRecord } from '../../model/scanResult.js';
import { parseHadolintReport } from './parse.js';

export interface HadolintSettings {
  executable: string;
  timeoutMs: number;
  workspace: string;
  env: NodeJS.ProcessEnv;
}

/** The repository's hadolint configuration, as hadolint itself would find it from the workspace. */
export function hadolintConfigFile(workspace: string): string | undefined {
  return ['.hadolint.yaml', '.hadolint.yml'].map((name) => resolve(workspace, name)).find((file) => existsSync(file));
}

/** hadolint's arguments for one Dockerfile; the path comes last after `--`. */
export function hadolintArgs(dockerfile: string, settings: Pick<HadolintSettings, 'workspace'>): string[] {
  const config = hadolintConfigFile(settings.workspace);
  return ['--format', 'json', '--no-fail', ...(config ? ['--config', config] : []), '--', resolve(settings.workspace, dockerfile)];
}

/**
 * hadolint 2.12 meets a config file it cannot read by printing the error (as a quoted Haskell
 * string) to stderr and linting as if there were none, exit 0: the team's ignores silently stop
 * applying. The last line of that message says what is wrong; '' when it cannot be read out.
 */
export function configError(stderr: string): string | undefined {
  if (!/Error parsing your config file/.test(stderr)) return undefined;
  let text = stderr.trim();
  try {
    if (text.startsWith('"')) text = JSON.parse(text.slice(0, text.lastIndexOf('"') + 1)) as string;
  } catch {
    // Not a JSON-shaped string after all: read it as it is.
  }
  const lines = text
    .split(/\r?\n|\\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const cause = lines.at(-1) ?? '';
  return /^Error parsing your config file/.test(cause) ? '' : cause.slice(0, 200).replace(/[.]$/, '');
}

/** Runs hadolint on one Dockerfile (repo-relative path). Exit 0 or 1 with a JSON report is a result. */
export async function runHadolint(dockerfile: string, settings: HadolintSettings, scanner: ScannerRecord): Promise<ScanResult> {
  const ran = await runProcess(settings.executable, hadolintArgs(dockerfile, settings), {
    cwd: settings.workspace,
    env: settings.env,
    timeoutMs: settings.timeoutMs,
  });
  const base = {
    tool: 'hadolint' as const,
    key: dockerfile,
    target: dockerfile,
    origin: 'run' as const,
    version: scanner.version,
    scanner,
    durationMs: ran.durationMs,
    warnings: [] as string[],
  };
  const failed = (why: string): ScanResult => ({
    ...base,
    status: 'error',
    findings: [],
    error: `hadolint ${why}${stderrTail(ran.stderr) ? `: ${stderrTail(ran.stderr, 3)}` : ''}`,
  });
  if (ran.spawnError || ran.timedOut || ran.signal || (ran.exitCode !== 0 && ran.exitCode !== 1))
    return failed(describeExit(ran, settings.timeoutMs));
  if (ran.stdoutTruncated) return failed('wrote more output than bulkhead reads');
  const configProblem = configError(ran.stderr);
  if (configProblem !== undefined) {
    const name = basename(hadolintConfigFile(settings.workspace) ?? '.hadolint.yaml');
    return {
      ...base,
      status: 'error',
      findings: [],
      error: `hadolint could not read ${name}${configProblem ? ` (${configProblem})` : ''} and linted without it, so its ignored rules and overrides did not apply; fix ${name}.`,
    };
  }
  try {
    const text = ran.stdout.trim();
    if (text === '') return failed(`${describeExit(ran, settings.timeoutMs)} and wrote no report`);
    const report = parseHadolintReport(parseJsonSequence(text, `hadolint's output for ${dockerfile}`), () => dockerfile);
    return { ...base, status: 'ok', findings: report.findings, warnings: report.warnings };
  } catch (error) {
    return failed(`${describeExit(ran, settings.timeoutMs)} and wrote output bulkhead cannot read (${errorMessage(error)})`);
  }
}
