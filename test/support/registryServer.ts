import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { imageConfig, type HandLayer } from './images.js';

/**
 * A registry of the tests' own, speaking the OCI distribution API as distribution does, with
 * the hostile answers a real registry could give: tampered or cut blobs, wrong media types,
 * self-referencing indexes, size claims it does not keep, redirects to another host, 429s,
 * refused tokens, endless streams. Every request is logged with the headers that matter.
 */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

const sha = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export interface StoredManifest {
  mediaType: string;
  body: Buffer;
}

export interface RegistryContent {
  manifests: Map<string, StoredManifest>;
  blobs: Map<string, Buffer>;
  tags: Map<string, string>;
}

export function emptyContent(): RegistryContent {
  return { manifests: new Map(), blobs: new Map(), tags: new Map() };
}

const layerType = (l: HandLayer): string =>
  l.blob[0] === 0x1f ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar';

/** Adds one image (its config, layers and manifest) and returns the manifest's digest and size. */
export function addImage(
  content: RegistryContent,
  layers: HandLayer[],
  config: Buffer = imageConfig(layers),
  options: { mediaType?: string; layerSizes?: (l: HandLayer, i: number) => number } = {},
): { digest: string; size: number; manifest: Buffer } {
  content.blobs.set(sha(config), config);
  for (const l of layers) content.blobs.set(sha(l.blob), l.blob);
  const mediaType = options.mediaType ?? OCI_MANIFEST;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: {
        mediaType:
          mediaType === OCI_MANIFEST ? 'application/vnd.oci.image.config.v1+json' : 'application/vnd.docker.container.image.v1+json',
        digest: sha(config),
        size: config.length,
      },
      layers: layers.map((l, i) => ({ mediaType: layerType(l), digest: sha(l.blob), size: options.layerSizes?.(l, i) ?? l.blob.length })),
    }),
  );
  content.manifests.set(sha(manifest), { mediaType, body: manifest });
  return { digest: sha(manifest), size: manifest.length, manifest };
}

export function addIndex(
  content: RegistryContent,
  entries: { digest: string; size: number; platform?: Record<string, string>; annotations?: Record<string, string> }[],
  mediaType = OCI_INDEX,
): { digest: string; size: number } {
  const body = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType, manifests: entries.map((e) => ({ mediaType: OCI_MANIFEST, ...e })) }),
  );
  content.manifests.set(sha(body), { mediaType, body });
  return { digest: sha(body), size: body.length };
}

export interface BlobHook {
  /** Flip a byte in the middle of what is sent. */
  tamper?: boolean;
  /** Cut the connection after this many bytes, this many times. */
  cut?: { afterBytes: number; times: number };
  /** Answer a Range request with the whole blob (200). */
  ignoreRange?: boolean;
  /** Redirect (307) to this base URL + /blob/<digest>. */
  redirectTo?: string;
  /** Send this Content-Length and then bytes slowly, forever. */
  endless?: { contentLength: number };
}

export interface RegistryBehaviour {
  auth?: { kind: 'basic' | 'bearer'; username: string; password: string; rejectTokens?: boolean };
  blobs?: Record<string, BlobHook>;
  /** Manifests served with another Content-Type, by tag or digest. */
  contentType?: Record<string, string>;
  /** A manifest answered with an endless body, by tag or digest. */
  endlessManifest?: string[];
  /** The first N requests get 429 with this Retry-After. */
  throttle?: { times: number; retryAfter: string };
}

export interface LoggedRequest {
  method: string;
  path: string;
  host: string;
  authorization?: string;
  range?: string;
}

export interface TestRegistry {
  /** host:port */
  host: string;
  url: string;
  log: LoggedRequest[];
  content: RegistryContent;
  behaviour: RegistryBehaviour;
  /** Tokens the token service handed out, and the scopes they were asked for. */
  tokens: { token: string; scope: string; service: string }[];
  close(): Promise<void>;
}

function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}

function logOf(req: IncomingMessage): LoggedRequest {
  return {
    method: req.method ?? 'GET',
    path: (req.url ?? '').split('?')[0] ?? '',
    host: req.headers.host ?? '',
    ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    ...(req.headers.range ? { range: req.headers.range } : {}),
  };
}

/** Writes a blob's bytes as a hook says: whole, from a Range, tampered, cut, or without end. */
function sendBlob(req: IncomingMessage, res: ServerResponse, blob: Buffer, hook: BlobHook, state: { cuts: number }): void {
  if (hook.endless) {
    res.writeHead(200, { 'content-length': String(hook.endless.contentLength), 'content-type': 'application/octet-stream' });
    const timer = setInterval(() => res.write(Buffer.alloc(64 * 1024)), 5);
    res.on('close', () => clearInterval(timer));
    return;
  }
  let body = blob;
  if (hook.tamper) {
    body = Buffer.from(blob);
    const at = Math.floor(body.length / 2);
    body[at] = (body[at] ?? 0) ^ 0xff;
  }
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  let start = 0;
  if (range && !hook.ignoreRange) {
    start = Number(range[1]);
    res.writeHead(206, {
      'content-length': String(body.length - start),
      'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
    });
  } else res.writeHead(200, { 'content-length': String(body.length), 'content-type': 'application/octet-stream' });
  const rest = body.subarray(start);
  if (hook.cut && state.cuts < hook.cut.times) {
    state.cuts++;
    res.write(rest.subarray(0, hook.cut.afterBytes), () => setTimeout(() => res.destroy(), 20));
    return;
  }
  if (req.method === 'HEAD') res.end();
  else res.end(rest);
}

export async function startRegistry(
  repository: string,
  content: RegistryContent,
  behaviour: RegistryBehaviour = {},
): Promise<TestRegistry> {
  const log: LoggedRequest[] = [];
  const tokens: TestRegistry['tokens'] = [];
  const cutState = new Map<string, { cuts: number }>();
  let throttled = 0;
  let base = '';
  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const entry = logOf(req);
    log.push(entry);
    const url = new URL(req.url ?? '/', base);
    const auth = behaviour.auth;
    if (url.pathname === '/token') {
      if (!auth || req.headers.authorization !== basic(auth.username, auth.password)) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"wrong user or password"}');
        return;
      }
      const token = `tok-${randomBytes(12).toString('hex')}`;
      tokens.push({ token, scope: url.searchParams.get('scope') ?? '', service: url.searchParams.get('service') ?? '' });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    if (behaviour.throttle && throttled < behaviour.throttle.times) {
      throttled++;
      res.writeHead(429, { 'retry-after': behaviour.throttle.retryAfter }).end();
      return;
    }
    if (auth) {
      const ok =
        auth.kind === 'basic'
          ? req.headers.authorization === basic(auth.username, auth.password)
          : !auth.rejectTokens && tokens.some((t) => req.headers.authorization === `Bearer ${t.token}`);
      if (!ok) {
        const challenge =
          auth.kind === 'basic'
            ? 'Basic realm="test-registry"'
            : `Bearer realm="${base}/token",service="test-registry",scope="repository:${repository}:pull"`;
        res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
        return;
      }
    }
    if (url.pathname === '/v2/') return void res.writeHead(200).end('{}');
    const match = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!match || match[1] !== repository) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}');
      return;
    }
    const [, , kind, ref] = match as unknown as [string, string, string, string];
    if (kind === 'manifests') {
      const digest = content.tags.get(ref) ?? ref;
      const stored = content.manifests.get(digest);
      if (!stored) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
      if (behaviour.endlessManifest?.includes(ref) && req.method === 'HEAD') return void res.writeHead(405).end();
      if (behaviour.endlessManifest?.includes(ref)) {
        res.writeHead(200, { 'content-type': stored.mediaType, 'docker-content-digest': digest });
        const timer = setInterval(() => res.write(Buffer.alloc(64 * 1024, 0x20)), 2);
        res.on('close', () => clearInterval(timer));
        return;
      }
      res.writeHead(200, {
        'content-type': behaviour.contentType?.[ref] ?? stored.mediaType,
        'content-length': String(stored.body.length),
        'docker-content-digest': digest,
      });
      return void (req.method === 'HEAD' ? res.end() : res.end(stored.body));
    }
    const blob = content.blobs.get(ref);
    if (!blob) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"BLOB_UNKNOWN"}]}');
    const hook = behaviour.blobs?.[ref] ?? {};
    if (hook.redirectTo) return void res.writeHead(307, { location: `${hook.redirectTo}/blob/${ref}` }).end();
    if (!cutState.has(ref)) cutState.set(ref, { cuts: 0 });
    sendBlob(req, res, blob, hook, cutState.get(ref) as { cuts: number });
  });
  const port = await listen(server);
  base = `http://127.0.0.1:${port}`;
  return {
    host: `127.0.0.1:${port}`,
    url: base,
    log,
    content,
    behaviour,
    tokens,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A second host (localhost, not 127.0.0.1) that blobs are redirected to, as a registry's CDN would be. */
export async function startBlobStore(content: RegistryContent): Promise<{ url: string; log: LoggedRequest[]; close(): Promise<void> }> {
  const log: LoggedRequest[] = [];
  const server = createServer((req, res) => {
    log.push(logOf(req));
    const digest = /^\/blob\/(.+)$/.exec(req.url ?? '')?.[1] ?? '';
    const blob = content.blobs.get(digest);
    if (!blob) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': String(blob.length) }).end(blob);
  });
  const port = await listen(server);
  return {
    url: `http://localhost:${port}`,
    log,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
