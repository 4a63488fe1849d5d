import { parseArgs } from 'node:util';
import { parseConfig } from './config.js';
import { errorMessage, ToolError, UsageError } from './errors.js';
import { INPUTS, type InputName, type RawInputs } from './inputs.js';
import { writeReportFiles } from './outputs.js';
import { Redactor } from './redact.js';
import { renderTable } from './report/table.js';
import { runScan } from './run.js';
import { localScannerHost } from './scanners/host.js';
import { runLocalScanners, type ScannerLogger } from './scanners/local.js';
import { BULKHEAD_VERSION } from './version.js';

export const HELP = `bulkhead ${BULKHEAD_VERSION} — gate CI/CD on container security

Usage:
  bulkhead scan [flags]
  bulkhead --help | --version

Every input of the GitHub Action is a flag of the same name; list inputs repeat the flag
(--image a --image b) or take one value per line. Boolean flags take no value (--ignore-unfixed)
or an explicit one (--ignore-unfixed=false).

${INPUTS.map((i) => `  --${i.name}${'aliases' in i ? ` (--${i.aliases.join(', --')})` : ''}${i.kind === 'boolean' ? '' : ' VALUE'}\n      ${i.description}${i.default && !i.default.startsWith('$') ? ` Default: ${i.default}.` : ''}`).join('\n')}
  --markdown FILE
      Also write the markdown summary (the job summary of the action) to FILE.
  --format table|json
      What to print on standard output: a table by severity and a verdict (default), or the JSON report.

Exit codes: 0 pass · 1 the gate failed on findings · 2 usage or configuration error ·
3 a scanner or tool failed and the gate was closed because of it.
`;

const BOOLEAN_INPUTS = new Set<string>(INPUTS.filter((i) => i.kind === 'boolean').map((i) => i.name));

/** `--flag` alone means true for boolean inputs; `--no-flag` means false. */
function normalizeBooleans(args: readonly string[]): string[] {
  return args.map((arg) => {
    const name = arg.replace(/^--/, '');
    if (arg.startsWith('--') && BOOLEAN_INPUTS.has(name)) return `${arg}=true`;
    if (arg.startsWith('--no-') && BOOLEAN_INPUTS.has(name.slice(3))) return `--${name.slice(3)}=false`;
    return arg;
  });
}

export interface CliArguments {
  command: 'scan' | 'help' | 'version';
  raw: RawInputs;
  markdownFile?: string;
  format: 'table' | 'json';
}

export function parseCliArguments(argv: readonly string[]): CliArguments {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    help: { type: 'boolean' },
    version: { type: 'boolean' },
    markdown: { type: 'string' },
    format: { type: 'string' },
  };
  const aliasOf = new Map<string, InputName>();
  for (const input of INPUTS) {
    options[input.name] = { type: 'string', multiple: true };
    for (const alias of 'aliases' in input ? input.aliases : []) {
      options[alias] = { type: 'string', multiple: true };
      aliasOf.set(alias, input.name);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: normalizeBooleans(argv), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${errorMessage(error).replace(/\. To specify a positional.*$/s, '')}; see bulkhead --help.`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help', raw: {}, format: 'table' };
  if (values.version) return { command: 'version', raw: {}, format: 'table' };
  const [command, ...extra] = positionals;
  if (command !== undefined && command !== 'scan') throw new UsageError(`unknown command "${command}"; the command is scan (see bulkhead --help).`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"; flags take the form --name VALUE (see bulkhead --help).`);
  const raw: RawInputs = {};
  for (const [key, value] of Object.entries(values)) {
    const name = (aliasOf.get(key) ?? key) as InputName;
    if (!INPUTS.some((i) => i.name === name) || !Array.isArray(value)) continue;
    const previous = raw[name];
    const list = [...(previous === undefined ? [] : typeof previous === 'string' ? [previous] : previous), ...(value as string[])];
    const spec = INPUTS.find((i) => i.name === name);
    if (spec?.kind !== 'list' && list.length > 1) throw new UsageError(`--${name} was given ${list.length} times; give it once.`);
    raw[name] = spec?.kind === 'list' ? list : list[0];
  }
  const format = typeof values.format === 'string' ? values.format : 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format is "${format}"; use table or json.`);
  return {
    command: 'scan',
    raw,
    ...(typeof values.markdown === 'string' ? { markdownFile: values.markdown } : {}),
    format,
  };
}

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** Runs the CLI and returns its exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
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
    const redactor = new Redactor();
    const token = typeof args.raw['github-token'] === 'string' ? args.raw['github-token'] : undefined;
    redactor.add(token);
    const config = parseConfig(args.raw, { workspace: io.cwd, ...(args.markdownFile ? { markdownFile: args.markdownFile } : {}) });
    if (config.mode === 'publish') {
      throw new UsageError('--mode publish runs only in the GitHub Action (a workflow_run workflow); the CLI scans.');
    }
    const scannerLogger: ScannerLogger = {
      // Which scanner binary ran, and from where, is worth a line; tool output is not.
      info: (m) => io.stderr(`${redactor.apply(m)}\n`),
      warning: (m) => io.stderr(`warning: ${redactor.apply(m)}\n`),
      group: () => {},
    };
    const host = localScannerHost({ ...io.env }, scannerLogger);
    const outcome = await runScan(
      config,
      { info: () => {}, warning: (m) => io.stderr(`warning: ${redactor.apply(m)}\n`) },
      { runScanners: (c) => runLocalScanners(c, host) },
    );
    await writeReportFiles(outcome, redactor, config.markdownFile);
    for (const note of outcome.notes) io.stderr(`note: ${redactor.apply(note)}\n`);
    if (args.format === 'json') io.stdout(`${redactor.apply(JSON.stringify(outcome.report, null, 2))}\n`);
    else io.stdout(`${redactor.apply(renderTable({ gate: outcome.gate, decisions: outcome.decisions, results: outcome.results, failOn: outcome.policy.settings.failOn.value }))}\n`);
    return outcome.gate.exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`bulkhead: ${error.message}\n`);
      return 2;
    }
    const detail = error instanceof ToolError ? error.message : `unexpected error: ${errorMessage(error)}`;
    io.stderr(`bulkhead: ${detail}\n`);
    if (io.env.BULKHEAD_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return 3;
  }
}
