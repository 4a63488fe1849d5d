import { createHash } from 'node:crypto';
import { decompress, type Compression } from './decompress.js';
import { StreamDigest } from './digest.js';
import { FormatError } from '../util/errors.js';
import { baseName, normalizeImagePath, parentOf, printable } from './paths.js';
import { readTar, type TarEntryType, type TarHeader } from './tar.js';

/** One member of a layer, as the layer adds or changes it. */
export interface ImageFile {
  path: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Symlink target as stored, or the normalized path a hard link points at. */
  linkTarget?: string;
  /** Raw `security.capability` xattr, hex. */
  capability?: string;
  /** The file's bytes, only when a check asked for this path (capped) or the file holds key material. */
  content?: Buffer;
  /** True when `content` stops short of the file. */
  contentTruncated?: boolean;
  /** sha256 of `content`, short: tells an overwritten secret from the same one copied again. */
  contentHash?: string;
  /** Set when the bytes hold private-key material (PEM, OpenSSH, PuTTY). */
  privateKey?: string;
}

export interface LayerContents {
  /** Members added or changed, in archive order; whiteout markers are not members. */
  files: ImageFile[];
  /** Paths this layer deletes from the layers below. */
  whiteouts: string[];
  /** Directories whose lower contents this layer hides. */
  opaqueDirs: string[];
  compression: Compression;
  /** sha256 of the uncompressed tar stream, as read: what an image config's diff_ids promise. */
  diffId: string;
}

/** Bytes to keep of a file at `path` of `size` (0: none). Checks say what they need to read. */
export type ContentWanted = (path: string, size: number) => number;

/** Files up to this size are sniffed for private-key material as they stream by. */
export const KEY_SNIFF_LIMIT = 256 * 1024;

const KEY_MARKERS = [Buffer.from('PRIVATE KEY'), Buffer.from('PuTTY-User-Key-File-')];
const MARKER_OVERLAP = 24;

// A header, optional PEM headers (Proc-Type …), then a base64 body long enough to be a key (an Ed25519 PKCS#8 key is one 64-character line).
const PEM_PRIVATE =
  /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----\r?\n(?:[A-Za-z-]+:[^\n]*\r?\n)*\r?\n?((?:[A-Za-z0-9+/=]{16,}\r?\n)+)-----END /;
const PUTTY_PRIVATE = /^PuTTY-User-Key-File-\d+: (\S+)[\s\S]*?Private-Lines: \d+/m;

/** The kind of private key a text holds, judged by structure (a header, then a body), or undefined. */
export function privateKeyKind(content: Buffer): string | undefined {
  const text = content.toString('latin1');
  const pem = PEM_PRIVATE.exec(text);
  if (pem && (pem[2] ?? '').replace(/\s/g, '').length >= 60) {
    const label = (pem[1] ?? '').trim();
    return label === '' ? 'PKCS#8 private key' : label === 'ENCRYPTED' ? 'encrypted PKCS#8 private key' : `${label} private key`;
  }
  const putty = PUTTY_PRIVATE.exec(text);
  if (putty) return `PuTTY ${putty[1] ?? ''} private key`.replace('  ', ' ');
  return undefined;
}

function holdsMarker(slices: readonly Buffer[]): boolean {
  let previousTail: Buffer | undefined;
  for (const slice of slices) {
    for (const marker of KEY_MARKERS) {
      if (slice.indexOf(marker) >= 0) return true;
      if (previousTail) {
        const seam = Buffer.concat([previousTail, slice.subarray(0, MARKER_OVERLAP)]);
        if (seam.indexOf(marker) >= 0) return true;
      }
    }
    previousTail = slice.subarray(Math.max(0, slice.length - MARKER_OVERLAP));
  }
  return false;
}

function shortHash(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/**
 * Reads one layer (gzip, zstd or plain tar) into its list of members, whiteouts and opaque
 * directories. File bodies are not kept unless `wanted` asks for them or they hold key material.
 * `stored` is the digest the caller keeps of the same bytes as stored, fed before they reach
 * here: an uncompressed layer's sha256 is then its diff_id, and the bytes are hashed once, not
 * twice (hashing is most of the CPU of reading a plain layer).
 */
export async function readLayer(
  source: AsyncIterable<Buffer>,
  where: string,
  wanted: ContentWanted,
  stored?: StreamDigest,
): Promise<LayerContents> {
  const files: ImageFile[] = [];
  const whiteouts: string[] = [];
  const opaqueDirs: string[] = [];
  let compression: Compression = 'none';
  const onEntry = (header: TarHeader) => {
    const path = normalizeImagePath(header.name, where);
    const name = baseName(path);
    if (name.startsWith('.wh.')) {
      const dir = parentOf(path);
      if (name === '.wh..wh..opq') opaqueDirs.push(dir);
      else if (!name.startsWith('.wh..wh.')) whiteouts.push(dir === '' ? name.slice(4) : `${dir}/${name.slice(4)}`);
      return undefined;
    }
    if (path === '') return undefined; // the root directory itself
    const file: ImageFile = { path, type: header.type, mode: header.mode, uid: header.uid, gid: header.gid, size: header.size };
    if (header.type === 'symlink') file.linkTarget = header.linkname;
    if (header.type === 'hardlink') {
      const target = normalizeImagePath(header.linkname, where);
      if (target === '')
        throw new FormatError(where, `hard link "${printable(path)}" points at the image root; the archive is hostile or corrupt.`);
      file.linkTarget = target;
    }
    const capability = header.xattrs?.get('security.capability');
    if (capability) file.capability = capability.toString('hex');
    files.push(file);
    if (header.type !== 'file' || header.size === 0) return undefined;
    const keep = wanted(path, header.size);
    const sniff = header.size <= KEY_SNIFF_LIMIT;
    if (keep <= 0 && !sniff) return undefined;
    const limit = Math.max(keep, sniff ? header.size : 0);
    const slices: Buffer[] = [];
    let held = 0;
    return {
      write(chunk: Buffer) {
        if (held >= limit) return;
        const part = chunk.length > limit - held ? chunk.subarray(0, limit - held) : chunk;
        slices.push(part);
        held += part.length;
      },
      end() {
        const marked = sniff && holdsMarker(slices);
        if (keep <= 0 && !marked) return;
        const content = Buffer.concat(slices, held);
        if (marked) {
          const kind = privateKeyKind(content);
          if (kind) file.privateKey = kind;
        }
        if (keep > 0 || file.privateKey) {
          file.content = keep > 0 && content.length > keep ? content.subarray(0, keep) : content;
          if (held < header.size || file.content.length < content.length) file.contentTruncated = true;
          file.contentHash = shortHash(content);
        }
      },
    };
  };
  const uncompressed = new StreamDigest();
  let storedIsUncompressed = false;
  const onCompression = (found: Compression) => {
    compression = found;
    storedIsUncompressed = found === 'none' && stored?.algorithm === 'sha256';
  };
  // decompress names the compression before it yields the first chunk.
  async function* hashed(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      if (!storedIsUncompressed) uncompressed.update(chunk);
      yield chunk;
    }
  }
  await readTar(hashed(decompress(source, where, onCompression)), onEntry, where);
  const diffId = storedIsUncompressed && stored ? stored.digest() : uncompressed.digest();
  return { files, whiteouts, opaqueDirs, compression, diffId };
}
