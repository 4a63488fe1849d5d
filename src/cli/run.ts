import { parseConfig } from '../config/parse.js';
import type { Config } from '../config/types.js';
import { mergeAndWrite } from '../github/mergeMode.js';
import { BULKHEAD_VERSION } from '../model/version.js';
import { scan } from '../scan/engine.js';
import { Redactor } from '../secrets/redactor.js';
import { describeError, exitCodeFor, UsageError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { HELP, parseCliArguments, type CliArguments } from './args.js';
import { renderTable } from '../report/table.js';
import { colourWanted, tablePainter, terminalLogger } from './terminal.js';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Whether standard output / standard error are terminals (colour, live progress). */
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
}

/** Runs the CLI and returns its exit code; never throws. */
/** bulkhead merge: the merged report-file and markdown written, the jobs' table and the verdict printed. */
async function runMergeCli(config: Config, args: CliArguments, io: CliIO, redactor: Redactor): Promise<number> {
  const { outcome } = await mergeAndWrite(config, { workflow: 'cli' }, config.reports.markdownFile);
  if (args.format === 'json') {
    io.stdout(
      `${redactor.apply(JSON.stringify({ verdict: outcome.gate.verdict, reasons: outcome.gate.reasons, jobs: outcome.jobs }, null, 2))}\n`,
    );
  } else {
    const lines = outcome.jobs.map(
      (job) =>
        `${job.verdict === 'pass' ? 'pass' : job.verdict === 'fail' ? 'FAIL' : 'UNREADABLE'}  ${job.file}  ${job.targets.slice(0, 3).join(', ') || '—'}  critical ${job.counts.critical}, high ${job.counts.high}, medium ${job.counts.medium}, low ${job.counts.low}; ${job.counts.failing} failing${job.problems.length > 0 ? `; ${job.problems.join('; ')}` : ''}`,
    );
    const verdict =
      outcome.gate.verdict === 'pass' ? `PASS: ${outcome.jobs.length} jobs merged` : `FAIL: ${outcome.gate.reasons.join('; ')}`;
    io.stdout(`${redactor.apply([...lines, '', verdict].join('\n'))}\n`);
  }
  return outcome.gate.exitCode;
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const redactor = new Redactor();
  try {
    const args = parseCliArguments(argv);
    if (args.command === 'help') {
      io.stdout(HELP);
      return 0;
    }
    if (args.command === 'version') {
      io.stdout(`${BULKHEAD_VERSION}\n`);
      return 0;
    }
    const token = typeof args.raw['github-token'] === 'string' ? args.raw['github-token'] : undefined;
    redactor.add(token);
    // Registry credentials may come from the environment, so that they stay out of the process list.
    const raw = {
      ...(io.env.REGISTRY_USERNAME ? { 'registry-username': io.env.REGISTRY_USERNAME } : {}),
      ...(io.env.REGISTRY_PASSWORD ? { 'registry-password': io.env.REGISTRY_PASSWORD } : {}),
      ...args.raw,
    };
    const password = raw['registry-password'];
    if (typeof password === 'string') redactor.add(password);
    const config = parseConfig(raw, { workspace: io.cwd, ...(args.markdownFile ? { markdownFile: args.markdownFile } : {}) });
    if (config.mode === 'publish') {
      throw new UsageError('--mode publish runs only in the GitHub Action (a workflow_run workflow); the CLI scans.');
    }
    if (config.mode === 'merge') return await runMergeCli(config, args, io, redactor);
    // Which scanner binary ran, and from where, is worth a line; tool output is not (group drops it).
    const logger: Logger = terminalLogger({
      write: io.stderr,
      live: io.stderrIsTTY === true && io.env.TERM !== 'dumb',
      colour: colourWanted(args.color, io.env, io.stderrIsTTY),
      redact: (text) => redactor.apply(text),
    });
    for (const warning of config.warnings) logger.warning(warning);
    const outcome = await scan(config, { logger, redactor, env: { ...io.env } });
    for (const note of outcome.notes) io.stderr(`note: ${redactor.apply(note)}\n`);
    if (args.format === 'json') io.stdout(`${redactor.apply(JSON.stringify(outcome.report, null, 2))}\n`);
    else {
      // Colour codes wrap whole words and lines, so no code can split a secret the redactor looks for.
      const table = renderTable({
        gate: outcome.gate,
        decisions: outcome.decisions,
        results: outcome.results,
        failOn: outcome.policy.settings.failOn.value,
        paint: tablePainter(colourWanted(args.color, io.env, io.stdoutIsTTY)),
      });
      io.stdout(`${redactor.apply(table)}\n`);
    }
    return outcome.gate.exitCode;
  } catch (error) {
    io.stderr(`bulkhead: ${redactor.apply(describeError(error))}\n`);
    if (io.env.BULKHEAD_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return exitCodeFor(error);
  }
}
