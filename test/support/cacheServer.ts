import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Entry {
  id: number;
  key: string;
  version: string;
  chunks: Buffer;
  committed: boolean;
  created: number;
}

/**
 * The Actions cache service (v1 REST protocol, as @actions/cache speaks it), on loopback:
 * lookup by key or key prefix (newest wins), reserve, chunked upload, commit, download.
 */
export class CacheServer {
  readonly entries: Entry[] = [];
  readonly requests: string[] = [];
  private server?: Server;
  private nextId = 1;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        ({ status, body, type }) => {
          res.writeHead(
            status,
            body === undefined ? {} : { 'content-type': type ?? 'application/json', 'content-length': Buffer.byteLength(body) },
          );
          res.end(body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body?: string | Buffer; type?: string }> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    this.requests.push(`${req.method} ${url.pathname}`);
    if (req.method === 'GET' && url.pathname === '/_apis/artifactcache/cache') {
      // The client percent-encodes the comma between keys before putting them in the query.
      const keys = (url.searchParams.get('keys') ?? '').split(/,|%2C/i).map(decodeURIComponent);
      const version = url.searchParams.get('version') ?? '';
      const committed = this.entries.filter((e) => e.committed && e.version === version);
      for (const key of keys) {
        const exact = committed.find((e) => e.key === key);
        const prefixed = committed.filter((e) => e.key.startsWith(key)).sort((a, b) => b.created - a.created)[0];
        const hit = exact ?? prefixed;
        if (hit)
          return {
            status: 200,
            body: JSON.stringify({ cacheKey: hit.key, scope: 'refs/heads/main', archiveLocation: `${this.url}archives/${hit.id}` }),
          };
      }
      return { status: 204 };
    }
    const archive = /^\/archives\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && archive) {
      const entry = this.entries.find((e) => e.id === Number(archive[1]));
      return entry ? { status: 200, body: entry.chunks, type: 'application/octet-stream' } : { status: 404 };
    }
    if (req.method === 'POST' && url.pathname === '/_apis/artifactcache/caches') {
      const { key, version } = JSON.parse(body.toString()) as { key: string; version: string };
      if (this.entries.some((e) => e.key === key && e.version === version))
        return { status: 409, body: JSON.stringify({ message: 'Cache already exists.' }) };
      const entry: Entry = {
        id: this.nextId++,
        key,
        version,
        chunks: Buffer.alloc(0),
        committed: false,
        created: Date.now() + this.entries.length,
      };
      this.entries.push(entry);
      return { status: 201, body: JSON.stringify({ cacheId: entry.id }) };
    }
    const cache = /^\/_apis\/artifactcache\/caches\/(\d+)$/.exec(url.pathname);
    const entry = cache ? this.entries.find((e) => e.id === Number(cache[1])) : undefined;
    if (cache && !entry) return { status: 404 };
    if (req.method === 'PATCH' && entry) {
      const range = /^bytes (\d+)-(\d+)\/\*$/.exec(req.headers['content-range'] ?? '');
      if (!range) return { status: 400 };
      const start = Number(range[1]);
      const grown = Buffer.alloc(Math.max(entry.chunks.length, start + body.length));
      entry.chunks.copy(grown);
      body.copy(grown, start);
      entry.chunks = grown;
      return { status: 204 };
    }
    if (req.method === 'POST' && entry) {
      const { size } = JSON.parse(body.toString()) as { size: number };
      if (size !== entry.chunks.length) return { status: 400, body: JSON.stringify({ message: 'size mismatch' }) };
      entry.committed = true;
      return { status: 204 };
    }
    return { status: 404 };
  }
}
