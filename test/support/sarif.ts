import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { REPO_ROOT, fixture, tempDir } from '../helpers.js';

const schema = JSON.parse(readFileSync(fixture('sarif-schema-2.1.0.json'), 'utf8'));
// CommonJS packages: their default export sits on .default under Node's ESM interop.
const Ajv04 =
  (ajvDraft04 as unknown as { default?: typeof ajvDraft04.default }).default ?? (ajvDraft04 as unknown as typeof ajvDraft04.default);
const addFormats = ajvFormats.default ?? (ajvFormats as unknown as typeof ajvFormats.default);
const ajv = new Ajv04({ allErrors: true, strict: false });
addFormats(ajv);
const validateSchema = ajv.compile(schema);

/** Schema errors of a SARIF log against the official SARIF 2.1.0 schema (empty when valid). */
export function schemaErrors(log: unknown): string[] {
  if (validateSchema(log)) return [];
  return (validateSchema.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message ?? ''}`);
}

const MULTITOOL = join(REPO_ROOT, 'node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool');

export interface MultitoolProblem {
  file: string;
  ruleId: string;
  level: string;
  message: string;
}

/**
 * Runs `Sarif.Multitool validate --rule-kind "Sarif;Ghas"` over the given logs and returns every
 * error and warning it reports (notes are advice, not defects). The proxy variables point at a
 * closed local port so that its URL-reachability rule sends nothing off this machine.
 */
export function multitoolProblems(logs: Record<string, unknown>): MultitoolProblem[] {
  const dir = tempDir('bulkhead-sarif-');
  const inputs = join(dir, 'in');
  mkdirSync(inputs);
  for (const [name, log] of Object.entries(logs)) writeFileSync(join(inputs, `${name}.sarif`), JSON.stringify(log, null, 2));
  const output = join(dir, 'validation.sarif');
  try {
    execFileSync(MULTITOOL, ['validate', '--rule-kind', 'Sarif;Ghas', '--max-file-size-in-kb', '1048576', '-o', output, inputs], {
      env: { ...process.env, HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
      stdio: 'pipe',
    });
  } catch (error) {
    // It exits non-zero when it finds errors; the output file says which.
    if (!readdirSync(dir).includes('validation.sarif')) throw error;
  }
  const validation = JSON.parse(readFileSync(output, 'utf8')) as {
    runs: {
      results?: {
        ruleId: string;
        level?: string;
        message: { text?: string; arguments?: string[] };
        locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[];
      }[];
      invocations?: { executionSuccessful?: boolean; toolExecutionNotifications?: { level?: string; message: { text?: string } }[] }[];
    }[];
  };
  const problems: MultitoolProblem[] = [];
  for (const run of validation.runs) {
    for (const result of run.results ?? []) {
      const level = result.level ?? 'warning';
      if (level === 'note' || level === 'none') continue;
      problems.push({
        file: result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '',
        ruleId: result.ruleId,
        level,
        message: result.message.text ?? (result.message.arguments ?? []).join(' | '),
      });
    }
    for (const invocation of run.invocations ?? []) {
      // A file it skipped (too large, unreadable) was not validated: that is a failure too.
      if (invocation.executionSuccessful === false)
        problems.push({ file: '', ruleId: 'execution', level: 'error', message: 'the validator did not complete' });
      for (const n of invocation.toolExecutionNotifications ?? []) {
        if (n.level !== 'note')
          problems.push({ file: '', ruleId: 'execution', level: n.level ?? 'warning', message: n.message.text ?? '' });
      }
    }
  }
  return problems;
}
