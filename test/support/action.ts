import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** A workspace holding the shop-api example, as a user's checkout would. */
export function exampleWorkspace(): string {
  const workspace = tempDir('bulkhead-action-');
  mkdirSync(join(workspace, 'examples/shop-api'), { recursive: true });
  for (const name of ['Dockerfile', 'trivy.json', 'hadolint.json', 'image.tar']) copyFileSync(join(REPO_ROOT, 'examples/shop-api', name), join(workspace, 'examples/shop-api', name));
  return workspace;
}

export interface ActionOptions {
  workspace?: string;
  eventName?: string;
  event?: unknown;
  env?: Record<string, string>;
}

const PULL_REQUEST_EVENT = { pull_request: { number: 42, head: { sha: 'a'.repeat(40) } }, repository: { full_name: 'acme/shop', default_branch: 'main' } };

/**
 * Runs `node dist/index.js` as the runner does: INPUT_* variables, event payload, output and
 * summary files. Asynchronous so that loopback servers in the test process keep answering.
 */
export async function runAction(inputs: Record<string, string>, options: ActionOptions = {}): Promise<ActionRun> {
  const workspace = options.workspace ?? exampleWorkspace();
  const runnerDir = tempDir('bulkhead-runner-');
  const outputFile = join(runnerDir, 'output');
  const summaryFile = join(runnerDir, 'summary.md');
  const eventFile = join(runnerDir, 'event.json');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  writeFileSync(eventFile, JSON.stringify(options.event ?? PULL_REQUEST_EVENT));
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

