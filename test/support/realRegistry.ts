import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { closedPort, tempDir } from '../helpers.js';

/**
 * Debian's docker-registry (distribution 2.8) on loopback, over TLS from a test CA, with
 * htpasswd Basic auth or token auth behind a token service of the tests' own that signs JWTs
 * as Docker Hub's and ghcr.io's do. skopeo pushes to it; bulkhead pulls from it.
 */

export const REGISTRY_USER = 'ci-bot';
export const REGISTRY_PASSWORD = 'Pull-Only-9f2c1e7b';

export function registryAvailable(): boolean {
  return ['docker-registry', 'htpasswd', 'openssl', 'skopeo'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);
}

function openssl(args: string[], cwd: string): void {
  const run = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openssl ${args[0]} failed: ${run.stderr}`);
}

export interface TestCa {
  dir: string;
  /** Only the CA certificate: what skopeo's --cert-dir reads (a .key there would need its .cert). */
  trustDir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** A self-signed certificate whose key signs the tokens. */
  signerCert: string;
  signerKey: string;
}

/** A CA, a server certificate for 127.0.0.1 and localhost signed by it, and a token signer. */
export function makeTestCa(): TestCa {
  const dir = tempDir('bulkhead-ca-');
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=bulkhead test CA'],
    dir,
  );
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      'san.ext',
    ],
    dir,
  );
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'signer.key',
      '-out',
      'signer.crt',
      '-days',
      '2',
      '-subj',
      '/CN=bulkhead token signer',
    ],
    dir,
  );
  const trustDir = join(dir, 'trust');
  mkdirSync(trustDir);
  copyFileSync(join(dir, 'ca.crt'), join(trustDir, 'ca.crt'));
  return {
    dir,
    trustDir,
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'server.crt'),
    keyFile: join(dir, 'server.key'),
    signerCert: join(dir, 'signer.crt'),
    signerKey: join(dir, 'signer.key'),
  };
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** The token service distribution's token auth expects: Basic in, an RS256 JWT with x5c out. */
export async function startTokenService(
  ca: TestCa,
  service: string,
  issuer: string,
): Promise<{ realm: string; requests: { scope: string[] }[]; close(): Promise<void> }> {
  const requests: { scope: string[] }[] = [];
  const key = createPrivateKey(readFileSync(ca.signerKey));
  const der = new X509Certificate(readFileSync(ca.signerCert)).raw;
  const server: Server = createServer({ cert: readFileSync(ca.certFile), key: readFileSync(ca.keyFile) }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const basic = `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')}`;
    if (url.pathname !== '/token' || req.headers.authorization !== basic) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"unauthorized"}');
      return;
    }
    const scopes = url.searchParams.getAll('scope');
    requests.push({ scope: scopes });
    const access = scopes.flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      return type && name && actions ? [{ type, name, actions: actions.split(',') }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [der.toString('base64')] }));
    const claims = b64url(
      JSON.stringify({
        iss: issuer,
        sub: REGISTRY_USER,
        aud: service,
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomBytes(8).toString('hex'),
        access,
      }),
    );
    const signature = b64url(sign('sha256', Buffer.from(`${header}.${claims}`), key));
    const token = `${header}.${claims}.${signature}`;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { realm: `https://127.0.0.1:${port}/token`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface RealRegistry {
  host: string;
  /** The registry's own request log (its stderr). */
  log(): string;
  close(): Promise<void>;
}

function waitUntilUp(port: number, ca: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`docker-registry exited: ${output()}`));
      const req = request({ host: '127.0.0.1', port, path: '/v2/', ca: readFileSync(ca), timeout: 1000 }, (res) => {
        res.resume();
        resolve();
      });
      req.on('error', () =>
        Date.now() > deadline ? reject(new Error(`docker-registry did not start: ${output()}`)) : setTimeout(attempt, 100),
      );
      req.end();
    };
    attempt();
  });
}

/** docker-registry on a free loopback port, TLS from the test CA, with htpasswd or token auth. */
export async function startDistribution(
  ca: TestCa,
  auth: { kind: 'htpasswd' } | { kind: 'token'; realm: string; service: string; issuer: string },
): Promise<RealRegistry> {
  const dir = tempDir('bulkhead-registry-');
  const port = await closedPort();
  const authConfig =
    auth.kind === 'htpasswd'
      ? (() => {
          const made = spawnSync('htpasswd', ['-Bbn', REGISTRY_USER, REGISTRY_PASSWORD], { encoding: 'utf8' });
          writeFileSync(join(dir, 'htpasswd'), made.stdout);
          return `  htpasswd:\n    realm: bulkhead-test\n    path: ${join(dir, 'htpasswd')}\n`;
        })()
      : `  token:\n    realm: ${auth.realm}\n    service: ${auth.service}\n    issuer: ${auth.issuer}\n    rootcertbundle: ${ca.signerCert}\n`;
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: 127.0.0.1:${port}\n  tls:\n    certificate: ${ca.certFile}\n    key: ${ca.keyFile}\nauth:\n${authConfig}`,
  );
  // Its log goes to a file, not a pipe: a test blocked in spawnSync (skopeo) cannot drain a pipe, and the registry would stall on a full one.
  const logFile = join(dir, 'registry.log');
  const logFd = openSync(logFile, 'a');
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const output = () => readFileSync(logFile, 'utf8');
  await waitUntilUp(port, ca.caFile, child, output);
  return {
    host: `127.0.0.1:${port}`,
    log: output,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** skopeo copy SRC docker://HOST/NAME, trusting the test CA, with the test credentials. Async: the token service runs in this process. */
export function pushWithSkopeo(ca: TestCa, source: string, destination: string, extra: string[] = []): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'skopeo',
      [
        'copy',
        '--quiet',
        ...extra,
        '--dest-cert-dir',
        ca.trustDir,
        '--dest-creds',
        `${REGISTRY_USER}:${REGISTRY_PASSWORD}`,
        source,
        destination,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`skopeo copy ${source} ${destination} failed (${code}): ${stderr}`)),
    );
  });
}
