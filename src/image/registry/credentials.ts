import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isObject } from '../../util/json.js';
import { ToolError, UsageError } from '../../util/errors.js';
import { printable } from '../paths.js';
import { credentialKeys, hostOfKey } from './reference.js';

/** What a registry is told who we are: a user and password, or an OAuth2 refresh token from `docker login`. */
export type Credentials = { kind: 'basic'; username: string; password: string } | { kind: 'identity-token'; token: string };

export interface CredentialSources {
  /** registry-username / registry-password: every registry of the run. */
  explicit?: { username: string; password: string };
  /** HOME and DOCKER_CONFIG find config.json; PATH finds the helpers. */
  env: NodeJS.ProcessEnv;
  /** Runs `docker-credential-NAME get` with the server URL on stdin (replaced in tests). */
  runHelper?: (helper: string, serverUrl: string, env: NodeJS.ProcessEnv) => Promise<HelperAnswer>;
}

export type HelperAnswer = { found: true; stdout: string } | { found: false };

const MAX_CONFIG_BYTES = 1024 * 1024;
const HELPER_TIMEOUT_MS = 20_000;
const MAX_HELPER_OUTPUT = 64 * 1024;

async function readDockerConfig(env: NodeJS.ProcessEnv): Promise<{ path: string; json: Record<string, unknown> } | undefined> {
  const dir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
  const path = join(dir, 'config.json');
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      const info = await handle.stat();
      if (!info.isFile()) return undefined;
      if (info.size > MAX_CONFIG_BYTES)
        throw new UsageError(`${path} is ${info.size} bytes; a Docker config is a few kilobytes. Check the file.`);
      text = (await handle.readFile()).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    return undefined;
  }
  try {
    const json = JSON.parse(text) as unknown;
    return isObject(json) ? { path, json } : undefined;
  } catch {
    throw new UsageError(`${path} is not valid JSON; fix it (docker login writes it), or set registry-username and registry-password.`);
  }
}

/** The docker-credential-helpers protocol: `get` with the server URL on stdin, JSON {Username, Secret} on stdout. */
export function runCredentialHelper(helper: string, serverUrl: string, env: NodeJS.ProcessEnv): Promise<HelperAnswer> {
  return new Promise((resolve, reject) => {
    const child = spawn(`docker-credential-${helper}`, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], env, timeout: HELPER_TIMEOUT_MS });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > MAX_HELPER_OUTPUT) child.kill('SIGKILL');
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 2048) err += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ToolError(
          `docker-credential-${helper}`,
          error.code === 'ENOENT'
            ? `is named by the Docker config but not on PATH; install it, or set registry-username and registry-password.`
            : `could not start (${error.message}).`,
        ),
      ),
    );
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      // Helpers say "credentials not found in native keychain" (on stdout) when they hold nothing for the host.
      if (code !== 0 && /credentials not found/i.test(`${stdout} ${err}`)) return resolve({ found: false });
      if (code !== 0 || signal) {
        // Its output may hold a secret: only its error stream is shown, and only a line of it.
        const why = signal
          ? `was stopped (${signal}; it may have waited for input or run past ${HELPER_TIMEOUT_MS / 1000} s)`
          : `exited with ${code}`;
        return reject(
          new ToolError(
            `docker-credential-${helper}`,
            `${why}${err.trim() ? `: ${printable(err.trim().split('\n')[0] ?? '', 200)}` : ''}.`,
          ),
        );
      }
      resolve({ found: true, stdout });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(serverUrl);
  });
}

function fromHelperOutput(helper: string, stdout: string): Credentials {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new ToolError(`docker-credential-${helper}`, 'answered with something that is not JSON.');
  }
  if (!isObject(json) || typeof json.Secret !== 'string' || typeof json.Username !== 'string')
    throw new ToolError(`docker-credential-${helper}`, 'answered without Username and Secret.');
  // docker login stores an OAuth2 refresh token with the user name "<token>".
  return json.Username === '<token>'
    ? { kind: 'identity-token', token: json.Secret }
    : { kind: 'basic', username: json.Username, password: json.Secret };
}

function fromAuthEntry(entry: unknown, configPath: string, key: string): Credentials | undefined {
  if (!isObject(entry)) return undefined;
  if (typeof entry.identitytoken === 'string' && entry.identitytoken) return { kind: 'identity-token', token: entry.identitytoken };
  if (typeof entry.auth === 'string' && entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0)
      throw new UsageError(`${configPath}: the auth of ${printable(key, 80)} is not base64 of user:password; run docker login again.`);
    return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string')
    return { kind: 'basic', username: entry.username, password: entry.password };
  return undefined;
}

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Credentials for one registry, in Docker's order: the inputs, then config.json's credHelpers
 * entry for the host, its auths entry, and its credsStore. None found means anonymous.
 */
export async function findCredentials(registry: string, sources: CredentialSources): Promise<Credentials | undefined> {
  if (sources.explicit) return { kind: 'basic', ...sources.explicit };
  const config = await readDockerConfig(sources.env);
  if (!config) return undefined;
  const { json, path } = config;
  const keys = credentialKeys(registry);
  const serverUrl = keys[0] as string;
  const runHelper = sources.runHelper ?? runCredentialHelper;
  const ask = async (helper: unknown, what: string): Promise<Credentials | undefined> => {
    if (typeof helper !== 'string' || helper === '') return undefined;
    if (!HELPER_NAME.test(helper))
      throw new UsageError(`${path}: ${what} "${printable(helper, 64)}" is not a helper name; fix the Docker config.`);
    const answer = await runHelper(helper, serverUrl, sources.env);
    return answer.found ? fromHelperOutput(helper, answer.stdout) : undefined;
  };
  const helpers = isObject(json.credHelpers) ? json.credHelpers : {};
  const helperKey = Object.keys(helpers).find((k) => hostOfKey(k) === registry);
  if (helperKey !== undefined) return ask(helpers[helperKey], `credHelpers of ${registry}`);
  const auths = isObject(json.auths) ? json.auths : {};
  const authKey = keys.find((k) => k in auths) ?? Object.keys(auths).find((k) => hostOfKey(k) === registry);
  const entry = authKey !== undefined ? fromAuthEntry(auths[authKey], path, authKey) : undefined;
  if (entry) return entry;
  return ask(json.credsStore, 'credsStore');
}
