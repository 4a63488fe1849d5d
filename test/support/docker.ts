import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers.js';

/**
 * The real Docker engine the image tests build with: started (once, shared by every test file)
 * by scripts/test-docker.sh, with a Debian minbase image imported as bulkhead-test/bookworm:minbase.
 */
export interface TestDocker {
  host?: string;
  /** Why Docker is unavailable, said loudly by the tests that skip. */
  unavailable?: string;
}

let cached: TestDocker | undefined;

export function testDocker(): TestDocker {
  if (cached) return cached;
  const setup = spawnSync('bash', [join(REPO_ROOT, 'scripts/test-docker.sh')], { encoding: 'utf8', timeout: 15 * 60_000 });
  if (setup.status === 0) cached = { host: setup.stdout.trim().split('\n').pop() as string };
  else
    cached = {
      unavailable: `the test Docker engine could not start (${(setup.stderr || setup.error?.message || `exit ${setup.status}`).trim().split('\n').slice(-3).join(' ')})`,
    };
  if (cached.unavailable) console.warn(`\n!!! SKIPPING real-Docker tests: ${cached.unavailable}\n`);
  return cached;
}

export function docker(host: string, args: string[], options: { cwd?: string; input?: string } = {}): SpawnSyncReturns<string> {
  const run = spawnSync('docker', args, {
    encoding: 'utf8',
    cwd: options.cwd,
    input: options.input,
    env: { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '0' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60_000,
  });
  if (run.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${run.stderr}`);
  return run;
}

/** As docker(), without blocking the event loop: for builds that fetch from a server in this process. */
export async function dockerAsync(host: string, args: string[]): Promise<string> {
  const child = spawn('docker', args, {
    env: { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`docker ${args.join(' ')} failed: ${stderr}`);
  return stdout;
}

/**
 * Builds with BuildKit when this machine can: Debian's docker.io client (20.10) drives the
 * engine's built-in BuildKit without the buildx plugin that newer clients need.
 */
export function buildkitBuild(host: string, args: string[]): { ok: true } | { ok: false; why: string } {
  const run = spawnSync('/usr/bin/docker', ['build', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '1' },
    timeout: 10 * 60_000,
  });
  if (run.status === 0) return { ok: true };
  return { ok: false, why: (run.stderr || run.error?.message || `exit ${run.status}`).trim().split('\n').slice(-2).join(' ') };
}
