import { createHash, generateKeyPairSync } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGzip, gzipSync, zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/util/errors.js';
import { StreamDigest } from '../../src/image/digest.js';
import { readLayer } from '../../src/image/layer.js';
import { resolvePath } from '../../src/image/overlay.js';
import { readImage, type ImageModel } from '../../src/image/read.js';
import { checkImage, contentWanted, imageSubject } from '../../src/scanners/builtin/index.js';
import { parseImageTarget } from '../../src/config/targets.js';
import { tempDir } from '../helpers.js';
import { docker25Archive, imageConfig, layer, legacyDockerArchive, writeOciLayout, type HandLayer } from '../support/images.js';
import { tar } from '../support/tarWriter.js';

function writeArchive(data: Buffer, name = 'image.tar'): string {
  const file = join(tempDir('bulkhead-archive-'), name);
  writeFileSync(file, data);
  return file;
}

async function read(input: string, platform = 'linux/amd64'): Promise<ImageModel> {
  return readImage(parseImageTarget(input), { wanted: contentWanted, platform });
}

async function ruleIds(model: ImageModel, input = 'hand/made:1'): Promise<string[]> {
  return [...new Set((await checkImage(await imageSubject(input, 'hand/made', model))).map((f) => f.ruleId))].sort();
}

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const CAP_NET_RAW = Buffer.from('0100000200200000000000000000000000000000', 'hex');
const hardened = { User: '10001', Healthcheck: { Test: ['CMD', '/app/health'] } };

describe('reading image archives Docker here does not write', () => {
  it('a legacy docker save: whiteouts, opaque directories, hard links, long PAX names and capabilities', async () => {
    const longName = `opt/${'deep/'.repeat(30)}tool`;
    const base = layer([
      { name: 'etc/', type: 'dir' },
      { name: 'etc/passwd', body: 'root:x:0:0:root:/root:/bin/sh\n' },
      { name: 'bin/', type: 'dir' },
      { name: 'bin/ping', body: 'ELF', mode: 0o755, pax: { 'SCHILY.xattr.security.capability': CAP_NET_RAW } },
      { name: 'bin/mount', body: 'ELF', mode: 0o4755 },
      { name: 'old/', type: 'dir' },
      { name: 'old/a', body: 'a' },
      { name: 'old/sub/b', body: 'b' },
      { name: 'gone', body: 'x' },
      { name: 'PaxLong', body: 'long', pax: { path: longName } },
    ]);
    const top = layer([
      { name: 'old/.wh..wh..opq', body: '' },
      { name: 'old/new', body: 'n' },
      { name: '.wh.gone', body: '' },
      { name: 'bin/mount2', type: 'hardlink', linkname: 'bin/mount' },
    ]);
    const model = await read(`docker-archive:${writeArchive(legacyDockerArchive([base, top], imageConfig([base, top], hardened)))}`);
    const paths = [...model.filesystem.files.keys()].sort();
    expect(paths).toContain(longName);
    expect(paths).toContain('old/new');
    expect(paths).not.toContain('old/a');
    expect(paths).not.toContain('old/sub/b');
    expect(paths).not.toContain('gone');
    expect(model.filesystem.files.get('bin/mount2')?.file.mode).toBe(0o4755);
    expect(model.layers.map((l) => l.diffId)).toEqual(JSON.parse(imageConfig([base, top]).toString()).rootfs.diff_ids);
    const findings = await checkImage(await imageSubject('hand/made:1', 'hand/made', model));
    expect(findings.find((f) => f.ruleId === 'BH202')?.path).toBe('/bin/ping');
    expect(findings.find((f) => f.ruleId === 'BH201')?.message).toContain('/bin/mount2');
  });

  it('the Docker ≥ 25 save layout, with a zstd and a gzip layer', async () => {
    const zstdLayer = layer([{ name: 'etc/sudoers.d/dev', body: 'dev ALL=(ALL) NOPASSWD: ALL\n' }], (t) => zstdCompressSync(t));
    const gzipLayer = layer(
      [
        { name: 'srv/app/.git/HEAD', body: 'ref: refs/heads/main\n' },
        { name: 'srv/app/.git/', type: 'dir' },
      ],
      (t) => gzipSync(t),
    );
    const model = await read(
      `docker-archive:${writeArchive(docker25Archive([zstdLayer, gzipLayer], imageConfig([zstdLayer, gzipLayer], hardened)))}`,
    );
    expect(model.layers.map((l) => l.contents.compression)).toEqual(['zstd', 'gzip']);
    expect(await ruleIds(model)).toEqual(['BH208', 'BH212']);
  });

  it('an OCI layout with several platforms: linux/amd64 unless told otherwise, and says which', async () => {
    const dir = tempDir('bulkhead-oci-');
    const image = (arch: string, extra: HandLayer[] = []) => {
      const layers = [layer([{ name: `etc/arch-${arch}`, body: arch }]), ...extra];
      return { platform: { os: 'linux', architecture: arch }, layers, config: imageConfig(layers, hardened) };
    };
    writeOciLayout(dir, [image('arm64'), image('amd64')], 'v1');
    const amd = await read(`oci:${dir}`);
    expect(amd.filesystem.files.has('etc/arch-amd64')).toBe(true);
    expect(amd.platform).toBe('linux/amd64');
    expect(amd.notes.join(' ')).toContain('read linux/amd64');
    const arm = await read(`oci:${dir}:v1`, 'linux/arm64');
    expect(arm.filesystem.files.has('etc/arch-arm64')).toBe(true);
    await expect(read(`oci:${dir}`, 'linux/s390x')).rejects.toThrow(/none for linux\/s390x; set platform to one of them/);
    await expect(read(`oci:${dir}:v2`)).rejects.toThrow(/no image is tagged "v2"; tags here: v1/);
  });

  it('tells how far it has read: bytes of the archive, and layer by layer in an OCI layout', async () => {
    const layers = [layer([{ name: 'a', body: 'x'.repeat(600_000) }]), layer([{ name: 'b', body: 'y'.repeat(300_000) }])];
    const file = writeArchive(docker25Archive(layers, imageConfig(layers, hardened)));
    const seen: { bytes: number; totalBytes?: number }[] = [];
    await readImage(parseImageTarget(`docker-archive:${file}`), {
      wanted: contentWanted,
      platform: 'linux/amd64',
      onProgress: (p) => seen.push(p),
    });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toEqual({ bytes: statSync(file).size, totalBytes: statSync(file).size });
    expect(seen.every((p, i) => i === 0 || p.bytes > (seen[i - 1]?.bytes ?? 0))).toBe(true);
    const dir = tempDir('bulkhead-oci-');
    writeOciLayout(dir, [{ platform: { os: 'linux', architecture: 'amd64' }, layers, config: imageConfig(layers, hardened) }]);
    const steps: { layer?: { index: number; count: number } }[] = [];
    await readImage(parseImageTarget(`oci:${dir}`), { wanted: contentWanted, platform: 'linux/amd64', onProgress: (p) => steps.push(p) });
    expect(steps.at(-1)?.layer).toEqual({ index: 2, count: 2 });
  });

  it('an OCI archive is read from its tar in one pass', async () => {
    const l = layer([{ name: 'root/.ssh/id_ecdsa', body: pem, mode: 0o600 }], gzipSync);
    const archive = docker25Archive([l], imageConfig([l], hardened));
    const model = await read(`oci-archive:${writeArchive(archive, 'image.oci.tar')}`);
    const findings = await checkImage(await imageSubject('x', 'x', model));
    expect(findings.map((f) => f.ruleId)).toEqual(['BH204']);
    expect(findings[0]?.message).toContain('/root/.ssh/id_ecdsa');
    expect(JSON.stringify(findings)).not.toContain(pem.split('\n')[1]);
  });
});

describe('secrets that a later layer removed are still found', () => {
  it('a key deleted and a credential file overwritten name the layer that added them and the one that hid them', async () => {
    const added = layer(
      [
        { name: 'app/server.key', body: pem },
        {
          name: 'root/.docker/config.json',
          body: JSON.stringify({
            auths: { 'ghcr.io': { auth: Buffer.from('bot:ghp_realLookingTokenValue1234567890ab').toString('base64') } },
          }),
        },
      ],
      (t) => t,
      'COPY . /app # buildkit',
    );
    const removed = layer(
      [
        { name: 'app/.wh.server.key', body: '' },
        { name: 'root/.docker/config.json', body: '{"auths":{}}' },
      ],
      (t) => t,
      'RUN /bin/sh -c rm /app/server.key && echo {} > /root/.docker/config.json # buildkit',
    );
    const model = await read(
      `docker-archive:${writeArchive(legacyDockerArchive([added, removed], imageConfig([added, removed], hardened)))}`,
    );
    const findings = (await checkImage(await imageSubject('x', 'x', model))).filter((f) => f.ruleId === 'BH206');
    expect(findings.map((f) => f.path).sort()).toEqual(['/app/server.key', '/root/.docker/config.json']);
    const key = findings.find((f) => f.path === '/app/server.key');
    expect(key?.message).toMatch(/added by layer 1 of 2 \(COPY \. \/app\) and deleted by layer 2 of 2 \(RUN rm \/app\/server\.key/);
    expect(key?.layer).toBe(model.layers[0]?.diffId);
    expect(JSON.stringify(findings)).not.toContain('ghp_realLooking');
  });
});

describe('messages never quote a secret from the history', () => {
  it('a token in a RUN line is reported by BH104, and masked where other findings name that layer', async () => {
    const token = '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';
    const l = layer(
      [{ name: 'usr/local/bin/tool', body: 'ELF', mode: 0o4755 }],
      (t) => t,
      `/bin/sh -c curl -fsSL -H "Authorization: Bearer ${token}" -u admin:hunter2-pw https://x.example/tool -o /usr/local/bin/tool && chmod 4755 /usr/local/bin/tool`,
    );
    const model = await read(`docker-archive:${writeArchive(legacyDockerArchive([l], imageConfig([l], hardened)))}`);
    const findings = await checkImage(await imageSubject('x', 'x', model));
    expect(findings.map((f) => f.ruleId).sort()).toEqual(['BH104', 'BH201']);
    const text = JSON.stringify(findings);
    expect(text).not.toContain(token);
    expect(text).not.toContain('hunter2-pw');
  });
});

describe("a layer's diff_id is the sha256 of its uncompressed tar, however it is stored", () => {
  const members = tar([
    { name: 'etc/', type: 'dir' },
    { name: 'etc/hostname', body: 'box\n' },
  ]);
  const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
  /** Feeds the stored digest upstream of the reader, as the archive and layout readers do. */
  async function readStored(stored: Buffer, algorithm: 'sha256' | 'sha512') {
    const digest = new StreamDigest(algorithm);
    function* fed() {
      for (let at = 0; at < stored.length; at += 700) {
        const chunk = stored.subarray(at, at + 700);
        digest.update(chunk);
        yield chunk;
      }
    }
    const contents = await readLayer(Readable.from(fed()), 'test layer', contentWanted, digest);
    return { contents, stored: digest.digest() };
  }

  it('plain, gzip and zstd layers under a sha256 or sha512 blob digest', async () => {
    const forms: [string, Buffer][] = [
      ['plain', members],
      ['gzip', gzipSync(members)],
      ['zstd', zstdCompressSync(members)],
    ];
    for (const [form, bytes] of forms) {
      for (const algorithm of ['sha256', 'sha512'] as const) {
        const { contents, stored } = await readStored(bytes, algorithm);
        expect(contents.diffId, `${form} ${algorithm}`).toBe(sha256(members));
        expect(stored, `${form} ${algorithm}`).toBe(`${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`);
        expect(contents.files.map((f) => f.path)).toEqual(['etc', 'etc/hostname']);
      }
    }
    // Without a stored digest the reader hashes on its own.
    expect((await readLayer(Readable.from([members]), 'test layer', contentWanted)).diffId).toBe(sha256(members));
  });
});

describe('hostile and broken archives are reported, not obeyed', () => {
  const readLayerBytes = (data: Buffer) => readLayer(Readable.from([data]), 'test layer', contentWanted);

  it('a path that climbs out of the root', async () => {
    await expect(readLayerBytes(tar([{ name: '../../etc/cron.d/evil', body: 'x' }]))).rejects.toThrow(/climbs out of the image root/);
  });

  it('a hard link to a target outside the root', async () => {
    await expect(readLayerBytes(tar([{ name: 'x', type: 'hardlink', linkname: '../../../etc/shadow' }]))).rejects.toThrow(
      /climbs out of the image root/,
    );
  });

  it('an entry claiming an absurd size', async () => {
    await expect(readLayerBytes(tar([{ name: 'big', body: 'x', claimedSize: 2 ** 40 }], { end: false }))).rejects.toThrow(
      /claims 1099511627776 bytes/,
    );
  });

  it('a truncated layer and a corrupt gzip stream', async () => {
    const whole = tar([{ name: 'file', body: Buffer.alloc(5000, 1) }]);
    await expect(readLayerBytes(whole.subarray(0, 2000))).rejects.toThrow(/truncated/);
    const gz = gzipSync(whole);
    await expect(readLayerBytes(gz.subarray(0, gz.length - 30))).rejects.toThrow(/gzip stream is corrupt or truncated/);
    await expect(readLayerBytes(Buffer.from('this is not a tar archive at all'.repeat(40)))).rejects.toThrow(/bad checksum/);
  });

  it('a decompression bomb stops early with a clear error', async () => {
    // 1 GiB of zeros gzips to about 1 MiB: the reader must give up long before the end.
    function* zeros() {
      const chunk = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 1024; i++) yield chunk;
    }
    const header = tar([{ name: 'zeros', body: '', claimedSize: 1024 * 1024 * 1024 }], { end: false });
    const compressed = Readable.from(
      (function* () {
        yield header;
        yield* zeros();
      })(),
    ).pipe(createGzip({ level: 1 }));
    await expect(readLayer(compressed, 'bomb layer', contentWanted)).rejects.toThrow(/expands more than 200:1 .* decompression bomb/);
  });

  it('a symlink loop ends the lookup instead of hanging', async () => {
    const l = layer([
      { name: 'etc/passwd', type: 'symlink', linkname: '/etc/loop' },
      { name: 'etc/loop', type: 'symlink', linkname: 'passwd' },
    ]);
    const model = await read(`docker-archive:${writeArchive(legacyDockerArchive([l], imageConfig([l], hardened)))}`);
    expect(resolvePath(model.filesystem, 'etc/passwd').kind).toBe('loop');
    expect(await ruleIds(model)).toEqual([]);
  });

  it('a manifest that names a layer the archive lacks, and an archive that is not an image', async () => {
    const l = layer([{ name: 'a', body: 'a' }]);
    const manifest = JSON.stringify([{ Config: 'c.json', RepoTags: [], Layers: ['missing/layer.tar'] }]);
    const broken = tar([
      { name: 'c.json', body: imageConfig([l]) },
      { name: 'manifest.json', body: manifest },
    ]);
    await expect(read(`docker-archive:${writeArchive(broken)}`)).rejects.toThrow(
      /layer missing\/layer\.tar is named by the manifest but not in the archive; it is truncated or corrupt/,
    );
    await expect(read(`docker-archive:${writeArchive(tar([{ name: 'README', body: 'hello' }]))}`)).rejects.toThrow(
      /neither manifest\.json nor index\.json/,
    );
  });

  it('a docker save that hangs is stopped at the time limit, and a missing docker CLI is said plainly', async () => {
    const dir = tempDir('bulkhead-fake-docker-');
    const fake = join(dir, 'docker');
    writeFileSync(fake, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const started = Date.now();
    await expect(
      readImage(parseImageTarget('app:1'), { wanted: contentWanted, platform: 'linux/amd64', docker: fake, timeoutMs: 500 }),
    ).rejects.toThrow(/docker save did not finish within 1 s \(the timeout input\)/);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(
      readImage(parseImageTarget('app:1'), { wanted: contentWanted, platform: 'linux/amd64', docker: join(dir, 'missing') }),
    ).rejects.toThrow(/the docker CLI is not installed or not on PATH/);
  });

  it('every hostile case is a FormatError, which the scan turns into a scanner error', async () => {
    const error = await readLayerBytes(tar([{ name: '../x', body: 'x' }])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
  });
});
