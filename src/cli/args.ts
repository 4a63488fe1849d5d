import { parseArgs } from 'node:util';
import { errorMessage, UsageError } from '../util/errors.js';
import { INPUTS, type InputName, type RawInputs } from '../config/inputs.js';
import { BULKHEAD_VERSION } from '../model/version.js';

export const HELP = `bulkhead ${BULKHEAD_VERSION} — gate CI/CD on container security

Usage:
  bulkhead scan [flags]
  bulkhead merge REPORT… [flags]   one verdict over the report-files of several jobs (files or globs)
  bulkhead --help | --version

Every input of the GitHub Action is a flag of the same name; list inputs repeat the flag
(--image a --image b) or take one value per line. Boolean flags take no value (--ignore-unfixed)
or an explicit one (--ignore-unfixed=false).

${INPUTS.map((i) => `  --${i.name}${'aliases' in i ? ` (--${i.aliases.join(', --')})` : ''}${i.kind === 'boolean' ? '' : ' VALUE'}\n      ${i.description}${i.default && !i.default.startsWith('$') ? ` Default: ${i.default}.` : ''}`).join('\n')}
  --markdown FILE
      Also write the markdown summary (the job summary of the action) to FILE.
  --format table|json
      What to print on standard output: a table by severity and a verdict (default), or the JSON report.
  --color, --no-color
      Colour the table and the progress lines, or not. Default: on a terminal, unless NO_COLOR is set
      (FORCE_COLOR forces it). Never in JSON or in files.

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
  /** --color / --no-color; undefined: decided from the terminal and NO_COLOR / FORCE_COLOR. */
  color?: boolean;
}

export function parseCliArguments(argv: readonly string[]): CliArguments {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    help: { type: 'boolean' },
    version: { type: 'boolean' },
    markdown: { type: 'string' },
    format: { type: 'string' },
    color: { type: 'boolean' },
    'no-color': { type: 'boolean' },
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
  if (command !== undefined && command !== 'scan' && command !== 'merge')
    throw new UsageError(`unknown command "${command}"; the commands are scan and merge (see bulkhead --help).`);
  if (command !== 'merge' && extra.length > 0)
    throw new UsageError(`unexpected argument "${extra[0]}"; flags take the form --name VALUE (see bulkhead --help).`);
  const raw: RawInputs = {};
  // bulkhead merge REPORT…: the report-files are its arguments, as --reports would give them.
  if (command === 'merge') {
    if (values.mode !== undefined) throw new UsageError('bulkhead merge sets the mode itself; leave out --mode.');
    raw.mode = 'merge';
    raw.reports = extra;
  }
  for (const [key, value] of Object.entries(values)) {
    const name = (aliasOf.get(key) ?? key) as InputName;
    if (!INPUTS.some((i) => i.name === name) || !Array.isArray(value)) continue;
    if (name === 'mode' && raw.mode === 'merge') continue;
    const previous = raw[name];
    const list = [...(previous === undefined ? [] : typeof previous === 'string' ? [previous] : previous), ...(value as string[])];
    const spec = INPUTS.find((i) => i.name === name);
    if (spec?.kind !== 'list' && list.length > 1) throw new UsageError(`--${name} was given ${list.length} times; give it once.`);
    raw[name] = spec?.kind === 'list' ? list : (list[0] as string);
  }
  const format = typeof values.format === 'string' ? values.format : 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format is "${format}"; use table or json.`);
  return {
    command: 'scan',
    raw,
    ...(typeof values.markdown === 'string' ? { markdownFile: values.markdown } : {}),
    format,
    ...(values['no-color'] ? { color: false } : values.color ? { color: true } : {}),
  };
}
