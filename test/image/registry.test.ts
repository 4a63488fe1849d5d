import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { parseImageTarget } from '../../src/config/targets.js';
import type { RegistryAccess } from '../../src/image/registry/pull.js';
import { scanImage } from '../../src/scanners/builtin/index.js';
import { tempDir } from '../helpers.js';
import { runAction } from '../support/action.js';
import { imageConfig, layer, legacyDockerArchive, type HandLayer } from '../support/images.js';
import {
  addImage,
  addIndex,
  emptyContent,
  startBlobStore,
  startRegistry,
  type RegistryBehaviour,
  type RegistryContent,
  type TestRegistry,
} from '../support/registryServer.js';

const REPO = 'acme/app';
const KEY = `-----BEGIN PRIVATE KEY-----\n${'MC4CAQAwBQYDK2VwBCIEIDm8XnSZhBuiEPNSP+0MR8AZcwnKxs0BRFWt6ryHIqT0\n'.repeat(3)}-----END PRIVATE KEY-----\n`;

/** An image with findings the built-in checks make: a setuid binary, a private key, root, a secret in ENV. */
function handImage(marker = 'amd64'): { layers: HandLayer[]; config: Buffer } {
  const layers = [
    layer(
      [
        { name: 'bin/', type: 'dir' },
        { name: 'bin/mount', body: 'ELF', mode: 0o4755 },
        { name: 'etc/arch', body: marker },
      ],
      gzipSync,
    ),
    layer(
      [
        { name: 'srv/', type: 'dir' },
        { name: 'srv/tls.key', body: KEY },
      ],
      (t) => t,
      'COPY tls.key /srv/tls.key # buildkit',
    ),
  ];
  const config = imageConfig(layers, {
    Env: ['PATH=/usr/bin', 'API_TOKEN=ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'],
    Cmd: ['/bin/app'],
  });
  return { layers, config };
}

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()?.close();
});

async function registry(content: RegistryContent, behaviour: RegistryBehaviour = {}): Promise<TestRegistry> {
  const started = await startRegistry(REPO, content, behaviour);
  servers.push(started);
  return started;
}

function withImage(tag = '1'): { content: RegistryContent; layers: HandLayer[]; config: Buffer; digest: string } {
  const content = emptyContent();
  const { layers, config } = handImage();
  const { digest } = addImage(content, layers, config);
  content.tags.set(tag, digest);
  return { content, layers, config, digest };
}

const noWait: RegistryAccess['sleep'] = () => Promise.resolve();

function access(reg: TestRegistry, extra: Partial<RegistryAccess> = {}): RegistryAccess {
  return { credentials: { env: { HOME: tempDir('bulkhead-home-') } }, insecure: [reg.host], sleep: noWait, ...extra };
}

async function pull(
  reg: TestRegistry,
  ref = `${reg.host}/${REPO}:1`,
  extra: Partial<RegistryAccess> = {},
  more: { platform?: string; timeoutMs?: number; saveTo?: string } = {},
) {
  return scanImage(parseImageTarget(`docker://${ref}`), {
    workspace: tempDir(),
    platform: more.platform ?? 'linux/amd64',
    registry: access(reg, extra),
    ...(more.timeoutMs ? { timeoutMs: more.timeoutMs } : {}),
    ...(more.saveTo ? { saveTo: more.saveTo } : {}),
  });
}

const blobGets = (reg: TestRegistry) => reg.log.filter((r) => r.method === 'GET' && r.path.includes('/blobs/'));

describe('docker:// images read by the built-in checks, without Docker', () => {
  it('gives the same findings, layers and files as the same image from a docker-archive, through the CLI', async () => {
    const { content, layers, config } = withImage();
    const reg = await registry(content);
    const dir = tempDir('bulkhead-ws-');
    writeFileSync(join(dir, 'app.tar'), legacyDockerArchive(layers, config, `${reg.host}/${REPO}:1`));
    const run = async (image: string) => {
      let stdout = '';
      const code = await runCli(
        ['scan', '--image', image, '--tools', 'bulkhead', '--registry-insecure', reg.host, '--format', 'json', '--fail-on', 'none'],
        { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir, env: { PATH: '/nonexistent', HOME: dir } },
      );
      type Found = { ruleId: string; severity: string; path?: string; layer?: unknown; historyStep?: number; message: string };
      return { code, report: JSON.parse(stdout) as { decisions: { finding: Found }[] } };
    };
    const fromRegistry = await run(`docker://${reg.host}/${REPO}:1`);
    const fromArchive = await run('docker-archive:app.tar');
    expect(fromRegistry.code).toBe(0);
    const shape = (r: typeof fromRegistry) =>
      r.report.decisions.map(({ finding: f }) => [
        f.ruleId,
        f.severity,
        f.path,
        f.layer,
        f.historyStep,
        f.message.replaceAll(image(r), ''),
      ]);
    const image = (r: typeof fromRegistry) => (r === fromRegistry ? `docker://${reg.host}/${REPO}:1` : 'docker-archive:app.tar');
    expect(shape(fromRegistry).length).toBeGreaterThanOrEqual(3);
    expect(shape(fromRegistry)).toEqual(shape(fromArchive));
    // No docker on PATH, and nothing but the reports left behind.
    expect(readdirSync(dir).sort()).toEqual(['app.tar', 'bulkhead-report.json', 'bulkhead.sarif']);
  });

  it('through the action: the registry password is masked before anything runs and appears nowhere else', async () => {
    const { content } = withImage();
    const password = 'Reg1stry-Pa55-7f3e9d2c';
    const reg = await registry(content, { auth: { kind: 'bearer', username: 'ci', password } });
    const run = await runAction({
      image: `docker://${reg.host}/${REPO}:1`,
      tools: 'bulkhead',
      'registry-username': 'ci',
      'registry-password': password,
      'registry-insecure': reg.host,
      'fail-on': 'none',
      'upload-sarif': 'false',
    });
    expect(run.status, run.stdout).toBe(0);
    expect(Number(run.outputs.findings)).toBeGreaterThanOrEqual(3);
    expect(run.stdout.split('\n').filter((l) => l.includes(password))).toEqual([`::add-mask::${password}`]);
    for (const file of ['bulkhead.sarif', 'bulkhead-report.json'])
      expect(readFileSync(join(run.workspace, file), 'utf8')).not.toContain(password);
    expect(run.summary).not.toContain(password);
    expect(reg.tokens).toHaveLength(1);
  });

  it('HEADs the tag, then GETs the manifest by its digest, and each blob once', async () => {
    const { content, digest } = withImage();
    const reg = await registry(content);
    const read = await pull(reg);
    expect(read.result.status).toBe('ok');
    expect(reg.log.slice(0, 2).map((r) => [r.method, r.path])).toEqual([
      ['HEAD', `/v2/${REPO}/manifests/1`],
      ['GET', `/v2/${REPO}/manifests/${digest}`],
    ]);
    const blobs = blobGets(reg).map((r) => r.path);
    expect(blobs).toHaveLength(3);
    expect(new Set(blobs).size).toBe(3);
  });

  it('chooses the platform from a multi-platform index, skipping attestation manifests', async () => {
    const content = emptyContent();
    const amd = handImage('amd64');
    const arm = handImage('arm64');
    const a = addImage(content, amd.layers, amd.config);
    const b = addImage(content, arm.layers, arm.config);
    const attestation = addImage(content, [layer([{ name: 'x', body: 'in-toto' }])]);
    const index = addIndex(content, [
      { ...a, platform: { os: 'linux', architecture: 'amd64' } },
      { ...b, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      {
        ...attestation,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
      },
    ]);
    content.tags.set('multi', index.digest);
    const reg = await registry(content);
    const read = await pull(reg, `${reg.host}/${REPO}:multi`, {}, { platform: 'linux/arm64' });
    expect(read.result.status).toBe('ok');
    expect(read.model?.platform).toBe('linux/arm64/v8');
    // The arm64 image's own first layer (it differs from amd64's in etc/arch) was read, amd64's never fetched.
    const blobOf = (l: HandLayer) => `sha256:${createHash('sha256').update(l.blob).digest('hex')}`;
    expect(read.model?.layers[0]?.diffId).toBe(
      `sha256:${createHash('sha256')
        .update((arm.layers[0] as HandLayer).tar)
        .digest('hex')}`,
    );
    expect(reg.log.some((r) => r.path.endsWith(blobOf(amd.layers[0] as HandLayer)))).toBe(false);
    expect(read.result.warnings.join(' ')).toMatch(/linux\/amd64, linux\/arm64\/v8; read linux\/arm64\/v8/);
    expect(reg.log.some((r) => r.path.endsWith(attestation.digest))).toBe(false);
    expect(reg.log.some((r) => r.path.endsWith(a.digest))).toBe(false);
    const none = await pull(reg, `${reg.host}/${REPO}:multi`, {}, { platform: 'linux/s390x' });
    expect(none.result.error).toMatch(/none for linux\/s390x; set platform to one of them/);
  });

  it('answers Basic auth with the inputs, Docker config auths or a credential helper, and refuses without them', async () => {
    const { content } = withImage();
    const reg = await registry(content, { auth: { kind: 'basic', username: 'ci', password: 's3cret-pass' } });
    const denied = await pull(reg);
    expect(denied.result.error).toMatch(/needs a user name and password for acme\/app; set registry-username and registry-password/);
    const explicit = await pull(reg, undefined, { credentials: { env: {}, explicit: { username: 'ci', password: 's3cret-pass' } } });
    expect(explicit.result.status).toBe('ok');
    const home = tempDir('bulkhead-home-');
    mkdirSync(join(home, '.docker'));
    writeFileSync(
      join(home, '.docker', 'config.json'),
      JSON.stringify({ auths: { [`http://${reg.host}`]: { auth: Buffer.from('ci:s3cret-pass').toString('base64') } } }),
    );
    expect((await pull(reg, undefined, { credentials: { env: { HOME: home } } })).result.status).toBe('ok');
    // docker-credential-<name> on PATH, as `docker login` with a credsStore leaves it.
    const bin = join(home, 'bin');
    mkdirSync(bin);
    const asked = join(home, 'asked');
    writeFileSync(
      join(bin, 'docker-credential-testhelper'),
      `#!/bin/sh\n[ "$1" = get ] || exit 9\ncat > '${asked}'\necho '{"ServerURL":"x","Username":"ci","Secret":"s3cret-pass"}'\n`,
    );
    chmodSync(join(bin, 'docker-credential-testhelper'), 0o755);
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [reg.host]: {} }, credsStore: 'testhelper' }));
    const helped = await pull(reg, undefined, { credentials: { env: { HOME: home, PATH: `${bin}:/usr/bin:/bin` } } });
    expect(helped.result.status).toBe('ok');
    expect(readFileSync(asked, 'utf8')).toBe(reg.host);
    const wrong = await pull(reg, undefined, { credentials: { env: {}, explicit: { username: 'ci', password: 'wrong-pass' } } });
    expect(wrong.result.error).toMatch(/refused access to acme\/app with the credentials given \(401/);
    expect(wrong.result.error).not.toContain('wrong-pass');
  });

  it('gets a Bearer token for the pull scope from the realm, as ghcr.io and Docker Hub ask', async () => {
    const { content } = withImage();
    const reg = await registry(content, { auth: { kind: 'bearer', username: 'ci', password: 'tok3n-pass' } });
    const read = await pull(reg, undefined, { credentials: { env: {}, explicit: { username: 'ci', password: 'tok3n-pass' } } });
    expect(read.result.status).toBe('ok');
    expect(reg.tokens).toEqual([
      { token: expect.stringMatching(/^tok-/) as string, scope: `repository:${REPO}:pull`, service: 'test-registry' },
    ]);
    // One token for the whole pull: the manifest and each blob carried it.
    expect(reg.log.filter((r) => r.authorization?.startsWith('Bearer ')).length).toBe(5);
  });

  it('a 401 after the token is a tool error that names the registry, never a pass', async () => {
    const { content } = withImage();
    const reg = await registry(content, { auth: { kind: 'bearer', username: 'ci', password: 'tok3n-pass', rejectTokens: true } });
    const read = await pull(reg, undefined, { credentials: { env: {}, explicit: { username: 'ci', password: 'tok3n-pass' } } });
    expect(read.result.status).toBe('error');
    expect(read.result.error).toMatch(
      new RegExp(`${reg.host.replace('.', '\\.')} refused access to acme/app with the credentials given \\(401\\)`),
    );
  });
});

describe('hostile registry answers: bounded, clear, exit 3, never a pass', () => {
  it('a blob whose bytes do not match its digest fails closed, naming the digest', async () => {
    const { content, layers } = withImage();
    const digest = `sha256:${createHash('sha256')
      .update((layers[1] as HandLayer).blob)
      .digest('hex')}`;
    const reg = await registry(content, { blobs: { [digest]: { tamper: true } } });
    const read = await pull(reg);
    expect(read.result.status).toBe('error');
    expect(read.result.error).toContain(`layer ${digest} does not match its digest`);
  });

  it('a connection cut mid-blob is resumed with a Range request; a server that ignores Range has the bytes skipped', async () => {
    for (const ignoreRange of [false, true]) {
      const { content, layers } = withImage();
      const big = layers[0] as HandLayer;
      const digest = `sha256:${createHash('sha256').update(big.blob).digest('hex')}`;
      const reg = await registry(content, { blobs: { [digest]: { cut: { afterBytes: 40, times: 2 }, ignoreRange } } });
      const read = await pull(reg);
      expect(read.result.status, read.result.error).toBe('ok');
      const gets = blobGets(reg).filter((r) => r.path.endsWith(digest));
      expect(gets.map((r) => r.range)).toEqual([undefined, 'bytes=40-', ignoreRange ? 'bytes=40-' : 'bytes=80-']);
    }
  });

  it('a blob that keeps breaking off gives up after a few resumes', async () => {
    const { content, layers } = withImage();
    const digest = `sha256:${createHash('sha256')
      .update((layers[0] as HandLayer).blob)
      .digest('hex')}`;
    const reg = await registry(content, { blobs: { [digest]: { cut: { afterBytes: 0, times: 100 } } } });
    const read = await pull(reg);
    expect(read.result.error).toMatch(/the transfer of layer sha256:[0-9a-f]{64} broke off 6 times \(last at byte 0 of \d+/);
  });

  it('429 with Retry-After is waited out as the registry asks', async () => {
    const { content } = withImage();
    const reg = await registry(content, { throttle: { times: 2, retryAfter: '3' } });
    const waits: number[] = [];
    const read = await pull(reg, undefined, { sleep: (ms) => (waits.push(ms), Promise.resolve()) });
    expect(read.result.status).toBe('ok');
    expect(waits).toEqual([3000, 3000]);
    const forever = await registry(withImage().content, { throttle: { times: 100, retryAfter: '3600' } });
    expect((await pull(forever)).result.error).toMatch(/answered 429 and asks to wait 3600 s, longer than bulkhead waits/);
  });

  it('a redirect to another host gets no Authorization header; a redirect to plain HTTP elsewhere is refused', async () => {
    const { content } = withImage();
    const store = await startBlobStore(content);
    servers.push(store);
    const reg = await registry(content, { auth: { kind: 'basic', username: 'ci', password: 's3cret-pass' } });
    const hooks: RegistryBehaviour['blobs'] = {};
    for (const digest of content.blobs.keys()) hooks[digest] = { redirectTo: store.url };
    reg.behaviour.blobs = hooks;
    const storeHost = new URL(store.url).host;
    const creds = { credentials: { env: {}, explicit: { username: 'ci', password: 's3cret-pass' } } };
    const read = await pull(reg, undefined, { ...creds, insecure: [reg.host, storeHost] });
    expect(read.result.status, read.result.error).toBe('ok');
    expect(store.log.length).toBe(3);
    expect(store.log.every((r) => r.authorization === undefined)).toBe(true);
    const refused = await pull(reg, undefined, creds);
    expect(refused.result.error).toMatch(new RegExp(`redirected to http://${storeHost}, which is not https`));
  });

  it('refuses a manifest of the wrong media type, one served as another, schema 1, and an endless manifest', async () => {
    const { content, digest } = withImage();
    const helm = addImage(content, [], Buffer.from('{}'), { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip' });
    content.tags.set('helm', helm.digest);
    const other = handImage('html');
    const html = addImage(content, other.layers, other.config);
    content.tags.set('html', html.digest);
    const legacy = Buffer.from(JSON.stringify({ schemaVersion: 1, name: REPO, tag: 'old', fsLayers: [] }));
    const legacyDigest = `sha256:${createHash('sha256').update(legacy).digest('hex')}`;
    content.manifests.set(legacyDigest, { mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws', body: legacy });
    content.tags.set('old', legacyDigest);
    content.tags.set('endless', digest);
    // A registry that refuses HEAD (405) is read by GET of the tag: here, without end.
    const reg = await registry(content, { contentType: { [html.digest]: 'text/html' }, endlessManifest: ['endless'] });
    expect((await pull(reg, `${reg.host}/${REPO}:helm`)).result.error).toMatch(
      /is application\/vnd\.cncf\.helm\.chart\.content\.v1\.tar\+gzip, not an image/,
    );
    expect((await pull(reg, `${reg.host}/${REPO}:html`)).result.error).toMatch(
      /served as text\/html but says it is application\/vnd\.oci\.image\.manifest\.v1\+json/,
    );
    expect((await pull(reg, `${reg.host}/${REPO}:old`)).result.error).toMatch(/is a Docker schema 1 manifest/);
    const endless = await pull(reg, `${reg.host}/${REPO}:endless`);
    expect(endless.result.error).toMatch(/sends more than the 4194304 bytes allowed; it was cut off/);
  });

  it('an index that points to itself is refused, not followed', async () => {
    const content = emptyContent();
    // A self-reference: the index names a digest, and the registry serves the same index for it.
    const fakeDigest = `sha256:${'e'.repeat(64)}`;
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: fakeDigest, size: 10 }],
      }),
    );
    content.manifests.set(fakeDigest, { mediaType: 'application/vnd.oci.image.index.v1+json', body });
    content.tags.set('loop', fakeDigest);
    const reg = await registry(content);
    const read = await pull(reg, `${reg.host}/${REPO}:loop`);
    expect(read.result.status).toBe('error');
    // Its bytes do not hash to the digest it is served under: refused before any loop is followed.
    expect(read.result.error).toMatch(/does not match its digest|points to itself/);
    expect(reg.log.filter((r) => r.path.includes('/manifests/')).length).toBeLessThanOrEqual(3);
  });

  it('a layer size claim the registry does not keep, or an endless blob, ends with an error within the timeout', async () => {
    const content = emptyContent();
    const { layers, config } = handImage();
    const claimed = addImage(content, layers, config, { layerSizes: (l, i) => (i === 0 ? 10 * 1024 ** 3 : l.blob.length) });
    content.tags.set('1', claimed.digest);
    const reg = await registry(content);
    const read = await pull(reg);
    expect(read.result.error).toMatch(/is announced as \d+ bytes by the registry but its descriptor says 10737418240/);
    const endlessContent = withImage();
    const first = [...endlessContent.content.blobs.entries()].find(([, b]) => b[0] === 0x1f)?.[0] as string;
    const endless = await registry(endlessContent.content, { blobs: { [first]: { endless: { contentLength: 10 * 1024 ** 3 } } } });
    const started = Date.now();
    const stopped = await pull(endless, undefined, {}, { timeoutMs: 1500 });
    expect(stopped.result.status).toBe('error');
    expect(stopped.result.error).toMatch(/announced as 10737418240 bytes|did not finish within 2 s/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('writes the shared layout only when every blob verified: a failed pull leaves no index.json', async () => {
    const { content, layers } = withImage();
    const digest = `sha256:${createHash('sha256')
      .update((layers[1] as HandLayer).blob)
      .digest('hex')}`;
    const good = await registry(content);
    const dir = join(tempDir(), 'layout');
    expect((await pull(good, undefined, {}, { saveTo: dir })).result.status).toBe('ok');
    expect(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'))).toMatchObject({
      manifests: [{ platform: { os: 'linux', architecture: 'amd64' } }],
    });
    expect(readdirSync(join(dir, 'blobs', 'sha256'))).toHaveLength(4);
    const bad = await registry(withImage().content, { blobs: { [digest]: { tamper: true } } });
    const badDir = join(tempDir(), 'layout');
    expect((await pull(bad, undefined, {}, { saveTo: badDir })).result.status).toBe('error');
    expect(existsSync(join(badDir, 'index.json'))).toBe(false);
  });
});
