import { ToolError } from '../../util/errors.js';
import { innermostMessage, isPermanentNetworkError, networkCause } from '../../util/network.js';
import { printable } from '../paths.js';
import { parseChallenges } from './challenge.js';
import type { Credentials } from './credentials.js';

export interface RegistryClientOptions {
  /** host[:port] of the API. */
  apiHost: string;
  /** host[:port] as the user wrote it, for messages. */
  registry: string;
  repository: string;
  /** Plain HTTP to these host:port entries (registry-insecure); https everywhere else. */
  insecure: readonly string[];
  /** Looked up only when the registry asks for them. */
  credentials: () => Promise<Credentials | undefined>;
  /** The whole pull's deadline (the timeout input). */
  signal: AbortSignal;
  /** Said as the source of every error: the image as the user named it. */
  where: string;
  fetch?: typeof fetch;
  /** Waits between retries; replaced in tests to keep them fast. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** No answer (headers) for this long is a stalled server: retried. */
  answerTimeoutMs?: number;
  /** Each token and password is given here before it is sent, so that no output can show it. */
  onSecret?: (value: string) => void;
}

export interface RegistryRequest {
  method?: 'GET' | 'HEAD';
  accept?: readonly string[];
  /** A Range request from this byte on (resuming a blob). */
  from?: number;
  /** Aborts this one request (a stalled body), not the pull. */
  signal?: AbortSignal;
}

const MAX_ATTEMPTS = 5;
const MAX_REDIRECTS = 5;
const MAX_WAIT_MS = 60_000;
const MAX_TOKEN_BYTES = 1024 * 1024;
const RETRIED = new Set([408, 425, 429, 500, 502, 503, 504]);

const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
  });

/** Retry-After as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Reads a body up to `max` bytes, refusing more: nothing a server sends is held unbounded. */
export async function readBounded(response: Response, max: number, what: () => string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw new ToolError(what(), `is ${declared} bytes, more than the ${max} allowed.`);
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  if (!response.body) return Buffer.alloc(0);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = (await reader.read()) as { done: boolean; value?: Uint8Array };
    if (done || !value) break;
    bytes += value.length;
    if (bytes > max) {
      await reader.cancel().catch(() => undefined);
      throw new ToolError(what(), `sends more than the ${max} bytes allowed; it was cut off.`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

/** The error a registry put in its JSON body ({"errors":[{"code","message"}]}), in one printable line. */
async function registryMessage(response: Response): Promise<string> {
  try {
    const body = await readBounded(response, 16 * 1024, () => 'registry');
    const json = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = json.errors?.[0];
    if (first) return printable([first.code, first.message].filter((x) => typeof x === 'string').join(': '), 200);
  } catch {
    // Not the registry's error JSON: the status says enough.
  }
  return '';
}

/**
 * One repository of one registry over the OCI distribution API, on Node's fetch: the
 * WWW-Authenticate flow (Bearer token with scope, or Basic), redirects followed by hand so
 * that Authorization never reaches another host, retries with back-off on 429 and 5xx
 * (honouring Retry-After) and on a dropped connection, all within the pull's deadline.
 */
export class RegistryClient {
  private authorization: string | undefined;
  private triedCredentials = false;
  private readonly fetcher: typeof fetch;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly origin: string;

  constructor(private readonly options: RegistryClientOptions) {
    this.fetcher = options.fetch ?? fetch;
    this.sleep = options.sleep ?? defaultSleep;
    this.origin = `${this.isInsecure(options.apiHost) ? 'http' : 'https'}://${options.apiHost}`;
  }

  private isInsecure(host: string): boolean {
    return this.options.insecure.includes(host.toLowerCase());
  }

  private fail(detail: string): never {
    throw new ToolError(this.options.where, detail);
  }

  /** `/v2/<repository>/<kind>/<reference>` with every retry, redirect and challenge handled; the caller reads the body. */
  async request(kind: 'manifests' | 'blobs', reference: string, request: RegistryRequest = {}): Promise<Response> {
    const url = `${this.origin}/v2/${this.options.repository}/${kind}/${reference}`;
    let challenged = false;
    for (let attempt = 1; ; attempt++) {
      const response = await this.send(url, request, attempt);
      if (response === 'retry') continue;
      if (response.status === 401 && !challenged) {
        challenged = true;
        await response.body?.cancel().catch(() => undefined);
        await this.answerChallenge(response.headers.get('www-authenticate') ?? '', kind);
        attempt--;
        continue;
      }
      if (response.status === 401 || response.status === 403) {
        const message = await registryMessage(response);
        const tried = this.triedCredentials ? 'the credentials given' : 'no credentials';
        this.fail(
          `${this.options.registry} refused access to ${this.options.repository} with ${tried} (${response.status}${message ? `: ${message}` : ''}); check registry-username and registry-password, or docker login, and that they may pull it.`,
        );
      }
      return response;
    }
  }

  /** One exchange including redirects; 'retry' after waiting when it should be tried again. */
  private async send(startUrl: string, request: RegistryRequest, attempt: number): Promise<Response | 'retry'> {
    let url = startUrl;
    const startOrigin = new URL(startUrl).origin;
    for (let hops = 0; hops <= MAX_REDIRECTS; hops++) {
      const headers: Record<string, string> = {};
      if (request.accept) headers.accept = request.accept.join(', ');
      if (request.from) headers.range = `bytes=${request.from}-`;
      // The registry's credentials stay with the registry: a redirect elsewhere (a CDN, a bucket) gets none.
      if (this.authorization && new URL(url).origin === startOrigin) headers.authorization = this.authorization;
      const answer = AbortSignal.timeout(this.options.answerTimeoutMs ?? 60_000);
      const signal = AbortSignal.any([this.options.signal, answer, ...(request.signal ? [request.signal] : [])]);
      let response: Response;
      try {
        response = await this.fetcher(url, { method: request.method ?? 'GET', headers, redirect: 'manual', signal });
      } catch (error) {
        if (this.options.signal.aborted || request.signal?.aborted) throw error;
        const cause = answer.aborted
          ? `${new URL(url).host} did not answer in time`
          : (networkCause(error, url) ?? innermostMessage(error));
        if (isPermanentNetworkError(error)) this.fail(`${cause}.`);
        await this.backOff(attempt, undefined, cause);
        return 'retry';
      }
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        const location = response.headers.get('location');
        await response.body?.cancel().catch(() => undefined);
        if (!location) this.fail(`${new URL(url).host} answered ${response.status} without a Location to follow.`);
        const next = new URL(location, url);
        if (next.protocol !== 'https:' && !(next.protocol === 'http:' && this.isInsecure(next.host)))
          this.fail(
            `${new URL(url).host} redirected to ${printable(next.protocol + '//' + next.host, 100)}, which is not https; add it to registry-insecure if that is meant.`,
          );
        url = next.href;
        continue;
      }
      if (RETRIED.has(response.status)) {
        const wait = retryAfterMs(response.headers.get('retry-after'));
        await response.body?.cancel().catch(() => undefined);
        await this.backOff(attempt, wait, `${new URL(url).host} answered ${response.status}`);
        return 'retry';
      }
      return response;
    }
    return this.fail(`more than ${MAX_REDIRECTS} redirects from ${this.options.registry} (a redirect loop?).`);
  }

  private async backOff(attempt: number, retryAfter: number | undefined, cause: string): Promise<void> {
    if (attempt >= MAX_ATTEMPTS) this.fail(`${cause}, ${attempt} times; gave up.`);
    const wait = retryAfter ?? Math.min(MAX_WAIT_MS, 250 * 2 ** attempt + Math.floor(Math.random() * 250));
    if (wait > MAX_WAIT_MS)
      this.fail(`${cause} and asks to wait ${Math.ceil(wait / 1000)} s, longer than bulkhead waits (${MAX_WAIT_MS / 1000} s).`);
    await this.sleep(wait, this.options.signal);
  }

  /** A 401's challenge answered: a Bearer token from the realm, or Basic credentials. */
  private async answerChallenge(header: string, kind: string): Promise<void> {
    const challenges = parseChallenges(header);
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const basic = challenges.find((c) => c.scheme === 'basic');
    const credentials = await this.options.credentials();
    this.triedCredentials = credentials !== undefined;
    if (credentials?.kind === 'basic') this.options.onSecret?.(credentials.password);
    if (credentials?.kind === 'identity-token') this.options.onSecret?.(credentials.token);
    if (bearer) {
      this.authorization = `Bearer ${await this.fetchToken(bearer.params, credentials)}`;
      return;
    }
    if (basic) {
      if (credentials?.kind !== 'basic')
        this.fail(
          `${this.options.registry} needs a user name and password for ${this.options.repository}; set registry-username and registry-password, or docker login.`,
        );
      this.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      return;
    }
    this.fail(
      `${this.options.registry} answered 401 to ${kind} without a challenge bulkhead can answer (${printable(header || 'none', 120)}).`,
    );
  }

  /** The token endpoint of the distribution spec: GET with Basic, or POST with a refresh token (docker login's identity token). */
  private async fetchToken(params: Record<string, string>, credentials: Credentials | undefined): Promise<string> {
    const realm = params.realm;
    if (!realm) this.fail(`${this.options.registry} asks for a Bearer token but names no realm.`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      return this.fail(`${this.options.registry} names a token realm that is not a URL (${printable(realm, 100)}).`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.isInsecure(url.host)))
      this.fail(
        `${this.options.registry}'s token service ${printable(url.host, 100)} is not https; add it to registry-insecure if that is meant.`,
      );
    const scope = params.scope ?? `repository:${this.options.repository}:pull`;
    const service = params.service;
    const headers: Record<string, string> = { accept: 'application/json' };
    let init: RequestInit;
    if (credentials?.kind === 'identity-token') {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.token, client_id: 'bulkhead', scope });
      if (service) form.set('service', service);
      init = { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() };
    } else {
      if (service) url.searchParams.set('service', service);
      url.searchParams.set('scope', scope);
      if (credentials) headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      init = { method: 'GET', headers };
    }
    let response: Response | undefined;
    for (let attempt = 1; !response; attempt++) {
      try {
        const answer = await this.fetcher(url, {
          ...init,
          redirect: 'error',
          signal: AbortSignal.any([this.options.signal, AbortSignal.timeout(this.options.answerTimeoutMs ?? 60_000)]),
        });
        if (RETRIED.has(answer.status)) {
          await answer.body?.cancel().catch(() => undefined);
          await this.backOff(
            attempt,
            retryAfterMs(answer.headers.get('retry-after')),
            `the token service ${url.host} answered ${answer.status}`,
          );
        } else response = answer;
      } catch (error) {
        if (this.options.signal.aborted || error instanceof ToolError) throw error;
        if (isPermanentNetworkError(error)) this.fail(`the token service: ${networkCause(error, url.href) ?? innermostMessage(error)}.`);
        await this.backOff(
          attempt,
          undefined,
          `the token service ${url.host}: ${networkCause(error, url.href) ?? innermostMessage(error)}`,
        );
      }
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      this.fail(
        `the token service ${url.host} refused a token for ${scope} (${response.status})${credentials ? '; check registry-username and registry-password' : '; the image may need credentials'}.`,
      );
    }
    const body = await readBounded(response, MAX_TOKEN_BYTES, () => `the token service ${url.host}`);
    let token: unknown;
    try {
      const json = JSON.parse(body.toString('utf8')) as { token?: unknown; access_token?: unknown };
      token = json.token ?? json.access_token;
    } catch {
      this.fail(`the token service ${url.host} answered with something that is not JSON.`);
    }
    if (typeof token !== 'string' || token === '' || /[\r\n]/.test(token))
      this.fail(`the token service ${url.host} answered without a token.`);
    this.options.onSecret?.(token);
    return token;
  }
}
