import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseImageTarget } from '../../src/config/targets.js';
import { readImage, type ImageModel } from '../../src/image/read.js';
import { contentWanted, scanImage } from '../../src/scanners/builtin/index.js';
import { FormatError } from '../../src/util/errors.js';
import { tempDir } from '../helpers.js';
import { docker25Archive, imageConfig, layer, legacyDockerArchive, writeOciLayout, type HandLayer } from '../support/images.js';

const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQy\nNTUxOQAAACDzYWxsb3cgdGhpcyBpcyBub3QgYSByZWFsIGtleSBhdCBhbGwgaGVyZS4uLgAA\n-----END OPENSSH PRIVATE KEY-----\n';

function read(input: string, timeoutMs?: number): Promise<ImageModel> {
  return readImage(parseImageTarget(input), { wanted: contentWanted, platform: 'linux/amd64', ...(timeoutMs ? { timeoutMs } : {}) });
}

function file(data: Buffer, name = 'image.tar'): string {
  const path = join(tempDir('bulkhead-integrity-'), name);
  writeFileSync(path, data);
  return path;
}

const benign = layer([
  { name: 'app/', type: 'dir' },
  { name: 'app/run', body: 'echo hi\n', mode: 0o755 },
]);
const planted = layer([
  { name: 'app/', type: 'dir' },
  { name: 'app/run', body: 'echo hi\n', mode: 0o755 },
  { name: 'root/.ssh/id_ed25519', body: KEY },
]);

/** An OCI layout of one image, for tampering with. */
function layout(layers: HandLayer[]): { dir: string; blob: (l: HandLayer) => string } {
  const dir = tempDir('bulkhead-layout-');
  writeOciLayout(dir, [{ platform: { os: 'linux', architecture: 'amd64' }, layers, config: imageConfig(layers) }]);
  return { dir, blob: (l) => join(dir, 'blobs', 'sha256', sha(l.blob)) };
}

describe('every layer and blob is what its digest says, checked as it streams', () => {
  it('docker-archive: a layer swapped after the config was written is refused, naming the diff_id', async () => {
    // The config promises the benign layer; the archive carries one with a key planted in it.
    const config = imageConfig([benign]);
    const honest = file(legacyDockerArchive([benign], config));
    expect((await read(`docker-archive:${honest}`)).filesystem.files.has('app/run')).toBe(true);
    const swapped = file(legacyDockerArchive([planted], config));
    await expect(read(`docker-archive:${swapped}`)).rejects.toThrow(
      /layer 1 does not match the config's diff_id sha256:[0-9a-f]{64} \(its content is sha256:/,
    );
  });

  it('docker-archive: a config that is not the one its name (the image id) says is refused', async () => {
    const data = legacyDockerArchive([benign], imageConfig([benign]));
    const configName = `${sha(imageConfig([benign]))}.json`;
    const other = Buffer.from(JSON.stringify({ ...JSON.parse(imageConfig([benign]).toString()), config: { User: 'root' } }));
    // Same length keeps every tar offset valid: replace the config member's bytes in place.
    const original = imageConfig([benign]);
    const padded = Buffer.concat([other, Buffer.alloc(Math.max(0, original.length - other.length), 0x20)]).subarray(0, original.length);
    const at = data.indexOf(original);
    expect(at).toBeGreaterThan(0);
    padded.copy(data, at);
    // The tar header checksum does not cover the body, so only the digest can tell.
    await expect(read(`docker-archive:${file(data)}`)).rejects.toThrow(new RegExp(`the config ${configName} does not match its digest`));
  });

  it('Docker 25 archive and OCI layout: a layer blob that is not its descriptor digest is refused', async () => {
    const gz = { blob: gzipSync(benign.tar), tar: benign.tar };
    const honest = docker25Archive([gz], imageConfig([gz]));
    expect((await read(`docker-archive:${file(honest)}`)).layers).toHaveLength(1);
    const { dir, blob } = layout([gz]);
    expect((await read(`oci:${dir}`)).layers).toHaveLength(1);
    // Same size, other bytes (a gzip of the planted layer cut to size would be corrupt: use a plain tar of equal length).
    const forged = Buffer.alloc(gz.blob.length, 0);
    writeFileSync(blob(gz), forged);
    await expect(read(`oci:${dir}`)).rejects.toThrow(FormatError);
    const { dir: dir2, blob: blob2 } = layout([benign]);
    const tampered = Buffer.from(planted.tar.subarray(0, benign.tar.length));
    writeFileSync(blob2(benign), tampered);
    await expect(read(`oci:${dir2}`)).rejects.toThrow(
      /layer sha256:[0-9a-f]{64} does not match its digest|does not match the config's diff_id/,
    );
  });

  it('OCI layout: a blob longer than its descriptor is not read past its size', async () => {
    const { dir, blob } = layout([benign]);
    writeFileSync(blob(benign), Buffer.concat([benign.blob, Buffer.alloc(4096)]));
    await expect(read(`oci:${dir}`)).rejects.toThrow(/is \d+ bytes, more than the \d+ its descriptor allows/);
  });

  it('OCI layout: blobs must be regular files inside the layout (no link out, no device, no FIFO, no directory)', async () => {
    const cases: [string, (path: string) => void, RegExp][] = [
      ['a symlink to /dev/zero', (p) => symlinkSync('/dev/zero', p), /is a link; the blobs of an OCI layout are regular files inside it/],
      ['a symlink out of the layout', (p) => symlinkSync(file(benign.blob, 'outside'), p), /is a link/],
      ['a FIFO', (p) => execFileSync('mkfifo', [p]), /is not a regular file/],
      ['a directory', (p) => mkdirSync(p), /is not a regular file/],
    ];
    for (const [what, make, message] of cases) {
      const { dir, blob } = layout([benign]);
      rmSync(blob(benign));
      make(blob(benign));
      await expect(read(`oci:${dir}`, 5000), what).rejects.toThrow(message);
    }
    // The blobs folder itself linked elsewhere is a link too.
    const { dir } = layout([benign]);
    const moved = join(tempDir('bulkhead-moved-'), 'sha256');
    renameSync(join(dir, 'blobs', 'sha256'), moved);
    symlinkSync(moved, join(dir, 'blobs', 'sha256'));
    await expect(read(`oci:${dir}`)).rejects.toThrow(/is a link/);
    expect(readdirSync(moved).length).toBeGreaterThan(0);
  });

  it('OCI layout: index.json linked to a device is refused, and a descriptor without a size too', async () => {
    const { dir } = layout([benign]);
    rmSync(join(dir, 'index.json'));
    symlinkSync('/dev/zero', join(dir, 'index.json'));
    await expect(read(`oci:${dir}`)).rejects.toThrow(/index\.json is a link/);
    const { dir: sizeless } = layout([benign]);
    const blobs = join(sizeless, 'blobs', 'sha256');
    for (const name of readdirSync(blobs)) {
      const text = readFileSync(join(blobs, name), 'utf8');
      if (!text.startsWith('{')) continue;
      const manifest = JSON.parse(text);
      if (!Array.isArray(manifest.layers)) continue;
      delete manifest.layers[0].size;
      writeFileSync(join(blobs, name), JSON.stringify(manifest));
    }
    // The manifest no longer matches its own digest either: whichever is found first is said.
    await expect(read(`oci:${sizeless}`)).rejects.toThrow(/bytes but its descriptor says|does not match its digest|has no valid size/);
  });

  it('the built-in scan turns a tampered image into a scanner error that fails the gate, never a clean result', async () => {
    const swapped = file(legacyDockerArchive([planted], imageConfig([benign])));
    const { result } = await scanImage(parseImageTarget(`docker-archive:${swapped}`), { workspace: '/', platform: 'linux/amd64' });
    expect(result.status).toBe('error');
    expect(result.error).toMatch(/does not match the config's diff_id/);
  });
});

describe('the timeout input bounds the whole built-in read of an image', () => {
  it('an archive that takes longer than the limit to read is stopped and said, as a tool error', async () => {
    const members = Array.from({ length: 60_000 }, (_, i) => ({ name: `junk/${i}`, body: 'x' }));
    const junk = layer(members);
    const archive = file(legacyDockerArchive([junk], imageConfig([junk])));
    const started = Date.now();
    await expect(read(`docker-archive:${archive}`, 1)).rejects.toThrow(
      /reading the image did not finish within 0 s \(the timeout input\); it was stopped/,
    );
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
