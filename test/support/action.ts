import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/action/run.js';
import type { ActionToolkit, AnnotationProperties } from '../../src/action/toolkit.js';
import { REPO_ROOT, tempDir } from '../helpers.js';

/** Reads the file that @actions/core writes outputs to (name<<DELIMITER … DELIMITER). */
export function readOutputs(file: string): Record<string, string> {
  const text = readFileSync(file, 'utf8');
  const outputs: Record<string, string> = {};
  const pattern = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1] as string] = match[3] as string;
  return outputs;
}

export interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
}

/** The example's Dockerfile and scanner reports, as inputs. */
export const EXAMPLE_INPUTS = {
  dockerfile: 'examples/shop-api/Dockerfile',
  'trivy-report': 'examples/shop-api/trivy.json',
  'hadolint-report': 'examples/shop-api/hadolint.json',
  tools: 'trivy,hadolint',
};

/** A workspace holding the shop-api example, as a user's checkout would. */
export function exampleWorkspace(): string {
  const workspace = tempDir('bulkhead-action-');
  mkdirSync(join(workspace, 'examples/shop-api'), { recursive: true });
  for (const name of ['Dockerfile', 'trivy.json', 'hadolint.json', 'image.tar'])
    copyFileSync(join(REPO_ROOT, 'test/fixtures/shop-api-buster', name), join(workspace, 'examples/shop-api', name));
  return workspace;
}

export interface ActionOptions {
  workspace?: string;
  eventName?: string;
  event?: unknown;
  env?: Record<string, string>;
}

const PULL_REQUEST_EVENT = {
  pull_request: { number: 42, head: { sha: 'a'.repeat(40) } },
  repository: { full_name: 'acme/shop', default_branch: 'main' },
};

/** The variables a runner sets for a step, for this test's workspace and a fresh runner directory. */
function runnerEnvironment(
  inputs: Record<string, string>,
  options: ActionOptions,
  workspace: string,
): { env: Record<string, string>; outputFile: string; summaryFile: string } {
  const runnerDir = tempDir('bulkhead-runner-');
  const outputFile = join(runnerDir, 'output');
  const summaryFile = join(runnerDir, 'summary.md');
  const eventFile = join(runnerDir, 'event.json');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  writeFileSync(eventFile, typeof options.event === 'string' ? options.event : JSON.stringify(options.event ?? PULL_REQUEST_EVENT));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: options.eventName ?? 'pull_request',
    GITHUB_REF: options.eventName === 'push' ? 'refs/heads/main' : 'refs/pull/42/merge',
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: 'acme/shop',
    RUNNER_TEMP: runnerDir,
    RUNNER_TOOL_CACHE: join(runnerDir, 'toolcache'),
    HOME: join(runnerDir, 'home'),
    ...options.env,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return { env, outputFile, summaryFile };
}

// Workflow commands as @actions/core writes them, so that the in-process log reads like a runner's.
const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
function command(name: string, message: string, properties?: AnnotationProperties): string {
  const props = properties
    ? ` title=${escapeProperty(properties.title)},file=${escapeProperty(properties.file)},line=${properties.startLine}`
    : '';
  return `::${name}${props}::${escapeData(message)}\n`;
}

/** A fake @actions/core: records what the action logged, output and summarised. */
export class RecordingToolkit implements ActionToolkit {
  log = '';
  outputs: Record<string, string> = {};
  summary = '';
  failed: string[] = [];
  info(message: string): void {
    this.log += `${message}\n`;
  }
  warning(message: string, properties?: AnnotationProperties): void {
    this.log += command('warning', message, properties);
  }
  error(message: string, properties?: AnnotationProperties): void {
    this.log += command('error', message, properties);
  }
  notice(message: string): void {
    this.log += command('notice', message);
  }
  startGroup(title: string): void {
    this.log += `::group::${title}\n`;
  }
  endGroup(): void {
    this.log += '::endgroup::\n';
  }
  setSecret(value: string): void {
    this.log += `::add-mask::${value}\n`;
  }
  setOutput(name: string, value: string): void {
    this.outputs[name] = value;
  }
  setFailed(message: string): void {
    this.failed.push(message);
    this.error(message);
  }
  appendSummary(markdown: string): Promise<void> {
    this.summary += markdown;
    return Promise.resolve();
  }
}

/**
 * Runs the action's run() in this process, with a recording toolkit and the environment a
 * runner gives a step. The toolkit libraries bulkhead uses (cache, tool-cache, github) read
 * process.env, so it is the runner's for the duration; what they print joins the log.
 */
export async function runAction(
  inputs: Record<string, string>,
  options: ActionOptions = {},
): Promise<ActionRun & { toolkit: RecordingToolkit }> {
  const workspace = options.workspace ?? exampleWorkspace();
  const { env } = runnerEnvironment(inputs, options, workspace);
  const toolkit = new RecordingToolkit();
  const savedEnv = process.env;
  const savedCwd = process.cwd();
  const savedWrite = process.stdout.write.bind(process.stdout);
  process.env = { ...env };
  process.chdir(workspace);
  process.stdout.write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    toolkit.log += text
      .split(/(?<=\n)/)
      .filter((line) => !line.startsWith('::debug::'))
      .join('');
    rest.find((r): r is () => void => typeof r === 'function')?.();
    return true;
  };
  let status: number;
  try {
    status = await run({ env: process.env, toolkit });
  } finally {
    process.stdout.write = savedWrite;
    process.env = savedEnv;
    process.chdir(savedCwd);
  }
  return { status, stdout: toolkit.log, stderr: '', outputs: toolkit.outputs, summary: toolkit.summary, workspace, toolkit };
}

/**
 * Runs `node dist/index.js` as the runner does: INPUT_* variables, event payload, output and
 * summary files. Asynchronous so that loopback servers in the test process keep answering.
 */
export async function runActionBundle(inputs: Record<string, string>, options: ActionOptions = {}): Promise<ActionRun> {
  const workspace = options.workspace ?? exampleWorkspace();
  const { env, outputFile, summaryFile } = runnerEnvironment(inputs, options, workspace);
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/index.js')], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  return { status, stdout, stderr, outputs: readOutputs(outputFile), summary: readFileSync(summaryFile, 'utf8'), workspace };
}
