import { formatDuration } from '../util/logger.js';
import { spawn } from 'node:child_process';
import { access, constants, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export interface ProcessOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Keep at most this many bytes of stdout (the rest is counted, not kept). */
  maxStdoutBytes?: number;
  /** Keep the last this many bytes of stderr: where tools say what went wrong. */
  maxStderrBytes?: number;
  /** Time between SIGTERM and SIGKILL when the time limit is reached. */
  killGraceMs?: number;
}

export interface ProcessResult {
  command: string;
  args: readonly string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  stdout: string;
  stdoutTruncated: boolean;
  stderr: string;
  /** Set when the process could not be started at all (ENOENT, EACCES …). */
  spawnError?: string;
}

/**
 * Runs one program with an argument array, never through a shell, in its own process group so
 * that a time limit ends the program and everything it started.
 */
export function runProcess(command: string, args: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  const maxStdout = options.maxStdoutBytes ?? 64 * 1024 * 1024;
  const maxStderr = options.maxStderrBytes ?? 64 * 1024;
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stdoutTruncated = false;
    let stderr = Buffer.alloc(0);
    let timedOut = false;
    let spawnError: string | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdoutBytes + chunk.length > maxStdout) {
        stdoutTruncated = true;
        chunk = chunk.subarray(0, Math.max(0, maxStdout - stdoutBytes));
      }
      stdoutBytes += chunk.length;
      if (chunk.length > 0) stdoutChunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk]);
      if (stderr.length > maxStderr) stderr = stderr.subarray(stderr.length - maxStderr);
    });
    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        if (process.platform === 'win32') child.kill(signal);
        else process.kill(-child.pid, signal);
      } catch {
        // The group is already gone: nothing left to stop.
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), options.killGraceMs ?? 5000);
    }, options.timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError =
        error.code === 'ENOENT' ? `${command} was not found` : error.code === 'EACCES' ? `${command} is not executable` : error.message;
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      // Children the program left behind (it exited, they did not) go with it.
      if (timedOut) killGroup('SIGKILL');
      resolve({
        command,
        args,
        exitCode,
        signal,
        timedOut,
        durationMs: performance.now() - started,
        stdout: Buffer.concat(stdoutChunks).toString('utf8'),
        stdoutTruncated,
        stderr: stderr.toString('utf8'),
        ...(spawnError ? { spawnError } : {}),
      });
    });
  });
}

/** One line that says how a process ended, for logs and scanner errors. */
export function describeExit(result: ProcessResult, timeoutMs: number): string {
  if (result.spawnError) return result.spawnError;
  if (result.timedOut) return `did not finish within ${formatDuration(timeoutMs)} and was stopped`;
  if (result.signal) return `was killed by ${result.signal}`;
  return `exited with code ${result.exitCode}`;
}

/** The last lines of a tool's stderr, for a one-paragraph failure summary. */
export function stderrTail(stderr: string, lines = 5): string {
  return stderr
    .replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0)
    .slice(-lines)
    .join('\n');
}

/** A regular file this process may execute. */
export async function isExecutable(file: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on a PATH-style search path. */
export async function findOnPath(name: string, searchPath: string | undefined): Promise<string | undefined> {
  for (const dir of (searchPath ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}
