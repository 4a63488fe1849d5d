import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Real tool outputs kept in the repository (see test/fixtures/README.md for their provenance). */
export const FIXTURES = resolve(REPO_ROOT, 'test/fixtures');

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

/** Rows of a MANIFEST.tsv, keyed by its header. */
export function readManifest(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  const columns = (header as string).split('\t');
  return lines.map((line) => Object.fromEntries(line.split('\t').map((value, i) => [columns[i] ?? `col${i}`, value])));
}

/**
 * Every temporary directory a test file made, removed after the file's tests (test/support/
 * cleanTemp.ts): the image and report tests write hundreds of MB each, and repeated runs would
 * fill the disk. BULKHEAD_KEEP_TEST_TMP=1 keeps them to look at.
 */
const madeDirs: string[] = [];

export function removeTempDirs(): void {
  if (process.env.BULKHEAD_KEEP_TEST_TMP === '1') return;
  for (const dir of madeDirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
}

export function tempDir(prefix = 'bulkhead-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

/** A temporary workspace holding the given files (paths may name subdirectories). */
export function workspaceWith(files: Record<string, string | Buffer> = {}, prefix = 'bulkhead-ws-'): string {
  const dir = tempDir(prefix);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** A loopback port nothing listens on: taken from the kernel, then released. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs a command to its end without blocking the event loop, so that a server of the test's own
 * (a release or registry server) can answer it; spawnSync would starve that server.
 */
export function spawnAsync(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
