import type { Socket } from 'node:net';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tempDir } from '../helpers.js';

/** A release-shaped Trivy archive: the executable beside LICENSE and README, gzipped tar. */
export function trivyArchive(executable: string): Buffer {
  const dir = tempDir('bulkhead-archive-');
  writeFileSync(join(dir, 'trivy'), readFileSync(executable), { mode: 0o755 });
  writeFileSync(join(dir, 'LICENSE'), 'Apache License 2.0\n');
  writeFileSync(join(dir, 'README.md'), '# trivy\n');
  const file = join(tempDir('bulkhead-archive-out-'), 'trivy.tar.gz');
  execFileSync('tar', ['-czf', file, '-C', dir, 'trivy', 'LICENSE', 'README.md']);
  return readFileSync(file);
}

export type AssetBehaviour =
  | { kind: 'ok'; body: Buffer }
  /** Announces the full length, sends half, then drops the connection. */
  | { kind: 'truncated'; body: Buffer }
  /** Sends headers, then nothing. */
  | { kind: 'stall' }
  | { kind: 'redirect-loop' };

/**
 * Release downloads shaped like github.com's: `/<owner>/<repo>/releases/download/v<version>/<asset>`
 * answered by a redirect to a storage URL (as GitHub does), plus the release's checksums file,
 * on loopback. Unknown paths are 404.
 */
export class ReleaseServer {
  readonly requests: string[] = [];
  private readonly assets = new Map<string, AssetBehaviour>();
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  url = '';

  /** Publishes an asset and a `<version>_checksums.txt`-style line for it; returns its sha256. */
  publish(repository: string, version: string, name: string, behaviour: AssetBehaviour): string {
    this.assets.set(`/${repository}/releases/download/v${version}/${name}`, behaviour);
    const body = 'body' in behaviour ? behaviour.body : Buffer.alloc(0);
    const sha256 = createHash('sha256').update(body).digest('hex');
    this.assets.set(`/${repository}/releases/download/v${version}/checksums.txt`, {
      kind: 'ok',
      body: Buffer.from(`${sha256}  ${name}\n`),
    });
    return sha256;
  }

  /** Serves one more file of a release (a signature bundle, say), leaving its checksums file alone. */
  serve(repository: string, version: string, name: string, body: Buffer | string): void {
    this.assets.set(`/${repository}/releases/download/v${version}/${name}`, { kind: 'ok', body: Buffer.from(body) });
  }

  /** Stops serving a file. */
  withdraw(repository: string, version: string, name: string): void {
    this.assets.delete(`/${repository}/releases/download/v${version}/${name}`);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req.url ?? '/', res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(path: string, res: ServerResponse): void {
    this.requests.push(path);
    if (path.startsWith('/storage/')) {
      const behaviour = this.assets.get(decodeURIComponent(path.slice('/storage'.length)));
      if (!behaviour) return void res.writeHead(404).end();
      switch (behaviour.kind) {
        case 'ok':
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': behaviour.body.length });
          return void res.end(behaviour.body);
        case 'truncated':
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': behaviour.body.length });
          res.write(behaviour.body.subarray(0, behaviour.body.length >> 1));
          return void setTimeout(() => res.socket?.destroy(), 50);
        case 'stall':
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 1_000_000 });
          return void res.flushHeaders();
        case 'redirect-loop':
          return void res.writeHead(302, { location: `${this.url}/storage${path.slice('/storage'.length)}` }).end();
      }
    }
    if (!this.assets.has(path)) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    res.writeHead(302, { location: `${this.url}/storage${path}` }).end();
  }
}
