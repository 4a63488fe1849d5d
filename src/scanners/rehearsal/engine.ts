import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RehearsalReady } from '../../config/types.js';
import { printable } from '../../image/paths.js';
import { runProcess, stderrTail, type ProcessResult } from '../process.js';
import { redactSecrets } from '../../secrets/shapes.js';
import { ToolError } from '../../util/errors.js';
import { isObject } from '../../util/json.js';
import { readStatus } from './capabilities.js';
import { parseChanges } from './changes.js';
import type { Observation, Probe, ProbeRequest } from './explain.js';
import { createArgs, type ContainerSpec } from './profile.js';

/**
 * The rehearsal's edge: the docker CLI, one argument array per call, never a shell. Every
 * container it creates carries the label `bulkhead.rehearsal` with its owner and an expiry, is
 * removed when its run ends (and on SIGINT/SIGTERM), and a later rehearsal removes any that a
 * killed run left behind.
 */

export const REHEARSAL_LABEL = 'bulkhead.rehearsal';

export interface DockerEnvironment {
  docker: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface ImageInspection {
  id: string;
  user: string;
  volumes: string[];
  healthcheck: boolean;
}

const CALL_TIMEOUT_MS = 60_000;
/** vfs copies the whole image on create: slower than any other call. */
const CREATE_TIMEOUT_MS = 180_000;

function docker(environment: DockerEnvironment, args: readonly string[], timeoutMs = CALL_TIMEOUT_MS): Promise<ProcessResult> {
  return runProcess(environment.docker, args, {
    cwd: environment.cwd,
    env: environment.env,
    timeoutMs,
    maxStdoutBytes: 4 * 1024 * 1024,
    killGraceMs: 2000,
  });
}

function failed(result: ProcessResult): boolean {
  return Boolean(result.spawnError) || result.timedOut || result.exitCode !== 0;
}

function callError(what: string, result: ProcessResult): ToolError {
  const why = result.spawnError
    ? result.spawnError.includes('was not found')
      ? 'the docker CLI is not installed or not on PATH'
      : result.spawnError
    : result.timedOut
      ? 'it did not answer in time'
      : stderrTail(result.stderr, 2) || `it exited with ${result.exitCode}`;
  return new ToolError('rehearsal', `docker ${what} failed: ${printable(why, 400)}`);
}

/** The facts of a daemon image that a rehearsal needs. */
export async function inspectImage(environment: DockerEnvironment, reference: string): Promise<ImageInspection> {
  const result = await docker(environment, ['image', 'inspect', '--format', '{{json .}}', '--', reference]);
  if (failed(result)) throw callError(`image inspect ${reference}`, result);
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new ToolError('rehearsal', `docker image inspect ${reference} printed something that is not JSON.`);
  }
  const config = isObject(parsed) && isObject(parsed.Config) ? parsed.Config : {};
  const id = isObject(parsed) && typeof parsed.Id === 'string' ? parsed.Id : '';
  if (!/^sha256:[0-9a-f]{64}$/.test(id)) throw new ToolError('rehearsal', `docker image inspect ${reference} gave no image id.`);
  const test = isObject(config.Healthcheck) && Array.isArray(config.Healthcheck.Test) ? config.Healthcheck.Test : [];
  return {
    id,
    user: typeof config.User === 'string' ? config.User : '',
    volumes: isObject(config.Volumes) ? Object.keys(config.Volumes).filter((v) => v.startsWith('/')) : [],
    healthcheck: test.length > 0 && test[0] !== 'NONE',
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes containers of earlier rehearsals that outlived them: expired, or owned by a process of this host that is gone. */
export async function sweepLeftovers(environment: DockerEnvironment, now = Date.now()): Promise<string[]> {
  const listed = await docker(environment, [
    'ps',
    '--all',
    '--filter',
    `label=${REHEARSAL_LABEL}`,
    '--format',
    `{{.ID}}\t{{.Label "${REHEARSAL_LABEL}.owner"}}\t{{.Label "${REHEARSAL_LABEL}.expires"}}`,
  ]);
  if (failed(listed)) throw callError('ps', listed);
  const host = hostname();
  const stale: string[] = [];
  for (const line of listed.stdout.split('\n')) {
    const [id, owner = '', expires = ''] = line.split('\t');
    if (!id) continue;
    const at = owner.lastIndexOf(':');
    const ownerHost = owner.slice(0, at);
    const ownerPid = Number(owner.slice(at + 1));
    const expired = !(Number(expires) > now);
    const orphaned = ownerHost === host && Number.isInteger(ownerPid) && ownerPid > 0 && !processAlive(ownerPid);
    if (expired || orphaned) stale.push(id);
  }
  if (stale.length > 0) {
    const removed = await docker(environment, ['rm', '--force', '--volumes', ...stale]);
    if (failed(removed)) throw callError('rm', removed);
  }
  return stale;
}

interface ContainerState {
  Running?: boolean;
  OOMKilled?: boolean;
  ExitCode?: number;
  Pid?: number;
  StartedAt?: string;
  FinishedAt?: string;
  Error?: string;
  Health?: { Status?: string };
}

const POLL_MS = 250;
const MAX_LOG_BYTES = 64 * 1024;

export interface ProbeSettings {
  environment: DockerEnvironment;
  image: ImageInspection;
  /** What the restricted profile runs as. */
  user: string;
  env: readonly string[];
  command?: readonly string[];
  ready?: RehearsalReady;
  /** When every container of this rehearsal must be gone by: later runs remove it after that. */
  expiresAt: number;
}

async function containerState(environment: DockerEnvironment, name: string): Promise<ContainerState | undefined> {
  const result = await docker(environment, ['inspect', '--format', '{{json .State}}', name]);
  if (failed(result)) return undefined;
  try {
    const parsed: unknown = JSON.parse(result.stdout);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

async function containerLogs(environment: DockerEnvironment, name: string, tail: number): Promise<string> {
  const result = await docker(environment, ['logs', '--tail', String(tail), name]);
  const text = `${result.stdout}\n${result.stderr}`;
  return text.length > MAX_LOG_BYTES ? text.slice(-MAX_LOG_BYTES) : text;
}

/** The rehearse-ready condition, else the image's HEALTHCHECK (run every second by createArgs). */
async function isReady(settings: ProbeSettings, name: string, current: ContainerState, pattern: RegExp | undefined): Promise<boolean> {
  if (settings.ready?.kind === 'exec') {
    return !failed(await docker(settings.environment, ['exec', name, ...settings.ready.argv], 5000));
  }
  if (pattern) return (await containerLogs(settings.environment, name, 200)).split('\n').some((line) => pattern.test(line));
  return settings.image.healthcheck && current.Health?.Status === 'healthy';
}

/** PID 1's uid and capabilities: through `cat` inside, else the engine's own /proc when it runs on this host. */
async function pid1Status(
  environment: DockerEnvironment,
  name: string,
  hostPid: number | undefined,
): Promise<ReturnType<typeof readStatus>> {
  const result = await docker(environment, ['exec', name, 'cat', '/proc/1/status'], 5000);
  if (!failed(result)) return readStatus(result.stdout);
  if (hostPid && hostPid > 0) {
    const status = readStatus(await readFile(`/proc/${hostPid}/status`, 'utf8').catch(() => ''));
    if (status.nsPid === 1) return status;
  }
  return {};
}

async function containerProcesses(environment: DockerEnvironment, name: string): Promise<Observation['processes']> {
  const result = await docker(environment, ['top', name, '-o', 'pid,uid,args']);
  if (failed(result)) return [];
  return result.stdout
    .split('\n')
    .slice(1)
    .flatMap((line) => {
      const match = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line);
      return match ? [{ pid: Number(match[1]), uid: match[2] as string, command: printable(match[3] as string, 160) }] : [];
    })
    .slice(0, 50);
}

/** Polls a started container until it exits, becomes ready, or the wait is over. */
async function waitForOutcome(
  settings: ProbeSettings,
  name: string,
  waitMs: number,
): Promise<{ outcome: Observation['outcome']; state: ContainerState; elapsedMs: number }> {
  const hasReady = settings.ready !== undefined || settings.image.healthcheck;
  const pattern = settings.ready?.kind === 'log' ? new RegExp(settings.ready.pattern) : undefined;
  const startedAt = performance.now();
  for (;;) {
    const state = await containerState(settings.environment, name);
    if (!state) throw new ToolError('rehearsal', `docker inspect ${name} failed: the container went away.`);
    const elapsed = performance.now() - startedAt;
    let outcome: Observation['outcome'] | undefined;
    if (!state.Running) outcome = state.OOMKilled ? 'oom' : state.ExitCode === 0 && !hasReady ? 'completed' : 'exited';
    else if (hasReady && (await isReady(settings, name, state, pattern))) outcome = 'ready';
    else if (elapsed >= waitMs) outcome = hasReady ? 'not-ready' : 'up';
    if (outcome) {
      // The engine's own times say how long it lived; polling only says when it was noticed.
      const lived =
        !state.Running && state.StartedAt && state.FinishedAt ? Date.parse(state.FinishedAt) - Date.parse(state.StartedAt) : NaN;
      return { outcome, state, elapsedMs: Math.round(Number.isFinite(lived) && lived >= 0 ? lived : elapsed) };
    }
    await sleep(Math.min(POLL_MS, Math.max(10, waitMs - elapsed)));
  }
}

/** What a finished wait shows: processes and capabilities while it runs, its changes, its last log lines when it failed. */
async function observe(settings: ProbeSettings, name: string, request: ProbeRequest, waited: Awaited<ReturnType<typeof waitForOutcome>>) {
  const { environment } = settings;
  const running = waited.state.Running === true;
  const seen = running ? await pid1Status(environment, name, waited.state.Pid) : {};
  const processes = running ? await containerProcesses(environment, name) : [];
  const diff = request.profile.restricted.has('read-only') ? undefined : await docker(environment, ['diff', name]);
  const ok = waited.outcome === 'ready' || waited.outcome === 'up' || waited.outcome === 'completed';
  const tail = ok ? '' : await redactSecrets(await containerLogs(environment, name, 20));
  return {
    processes,
    ...(seen.uid !== undefined ? { pid1Uid: seen.uid } : {}),
    ...(seen.capabilities ? { capabilities: seen.capabilities } : {}),
    changes: diff && !failed(diff) ? parseChanges(diff.stdout) : [],
    logTail: tail
      .split('\n')
      .map((l) => printable(l.trimEnd(), 300))
      .filter((l) => l.length > 0)
      .slice(-10),
  };
}

/** A probe on the local engine, and the names of the containers still alive (for the signal handler). */
export function dockerProbe(settings: ProbeSettings): { probe: Probe; live: Set<string> } {
  const runId = randomBytes(4).toString('hex');
  const live = new Set<string>();
  let count = 0;
  const { environment } = settings;
  const probe: Probe = async (request: ProbeRequest): Promise<Observation> => {
    const name = `bulkhead-rehearsal-${runId}-${++count}`;
    const spec: ContainerSpec = {
      name,
      labels: {
        [REHEARSAL_LABEL]: runId,
        [`${REHEARSAL_LABEL}.owner`]: `${hostname()}:${process.pid}`,
        [`${REHEARSAL_LABEL}.expires`]: String(settings.expiresAt),
      },
      image: settings.image.id,
      user: settings.user,
      imageUser: settings.image.user,
      imageVolumes: settings.image.volumes,
      env: settings.env,
      ...(settings.command ? { command: settings.command } : {}),
      healthcheck: settings.ready === undefined && settings.image.healthcheck,
    };
    live.add(name);
    try {
      const created = await docker(environment, createArgs(request.profile, spec), CREATE_TIMEOUT_MS);
      if (failed(created)) {
        if (created.spawnError || created.timedOut) throw callError('create', created);
        const error = printable(stderrTail(created.stderr, 2), 400);
        return { outcome: 'create-failed', elapsedMs: 0, processes: [], changes: [], logTail: [], error };
      }
      const started = await docker(environment, ['start', name]);
      if (started.spawnError || started.timedOut) throw callError('start', started);
      const waited = await waitForOutcome(settings, name, request.waitMs);
      return {
        outcome: waited.outcome,
        ...(waited.state.ExitCode !== undefined && !waited.state.Running ? { exitCode: waited.state.ExitCode } : {}),
        elapsedMs: waited.elapsedMs,
        ...(await observe(settings, name, request, waited)),
        ...(started.exitCode !== 0 ? { error: printable(stderrTail(started.stderr, 2), 400) } : {}),
      };
    } finally {
      const removed = await docker(environment, ['rm', '--force', '--volumes', name]);
      if (!failed(removed) || /No such container/i.test(removed.stderr)) live.delete(name);
    }
  };
  return { probe, live };
}

/**
 * While a rehearsal runs, SIGINT and SIGTERM (a cancelled job) first remove its containers, then
 * end the process as the signal would have. Returns the function that stops listening.
 */
export function removeOnSignal(environment: DockerEnvironment, live: Set<string>): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    if (live.size > 0) {
      spawnSync(environment.docker, ['rm', '--force', '--volumes', ...live], {
        env: environment.env,
        stdio: 'ignore',
        timeout: 30_000,
      });
    }
    stop();
    process.kill(process.pid, signal);
  };
  const stop = (): void => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return stop;
}
