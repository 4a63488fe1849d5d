import { decompress } from './decompress.js';
import { StreamDigest } from './digest.js';
import { errorMessage, FormatError } from '../util/errors.js';
import { readLayer, type ContentWanted, type LayerContents } from './layer.js';
import { normalizeImagePath, printable } from './paths.js';
import { readTar, type TarEntrySink, type TarHeader } from './tar.js';

/** JSON members (manifests, configs, index) larger than this are refused. */
const MAX_JSON = 16 * 1024 * 1024;

/**
 * What one pass over an image archive (docker save output, legacy or OCI-style, or an OCI
 * archive) found: its small JSON members, every other member read as a layer, and its links.
 * The pass is single and streaming because `docker save` writes manifest.json last.
 */
export interface ArchiveContents {
  json: Map<string, Buffer>;
  layers: Map<string, LayerContents>;
  /** Digest and size of each layer member as stored (compressed or not), for OCI descriptors. */
  blobs: Map<string, { digest: string; size: number }>;
  /** Members that could not be read as layers; only an error if a manifest names them. */
  layerErrors: Map<string, FormatError>;
  links: Map<string, string>;
}

/** A push-to-pull bridge with backpressure: the outer tar reader pushes, the layer reader pulls. */
class ChunkChannel implements AsyncIterable<Buffer> {
  private queue: Buffer[] = [];
  private closed = false;
  private draining = false;
  private waiting: (() => void) | undefined;
  private taken: (() => void) | undefined;

  push(chunk: Buffer): Promise<void> {
    if (this.draining) return Promise.resolve();
    this.queue.push(chunk);
    this.wake();
    return new Promise((resolve) => {
      this.taken = resolve;
    });
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  /** The reader gave up: accept and drop whatever else arrives. */
  drain(): void {
    this.draining = true;
    this.queue = [];
    this.taken?.();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        const taken = this.taken;
        this.taken = undefined;
        taken?.();
        yield next;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
  }
}

export async function readImageArchive(source: AsyncIterable<Buffer>, where: string, wanted: ContentWanted): Promise<ArchiveContents> {
  const contents: ArchiveContents = { json: new Map(), layers: new Map(), blobs: new Map(), layerErrors: new Map(), links: new Map() };
  const onEntry = (header: TarHeader): TarEntrySink | undefined => {
    const path = normalizeImagePath(header.name, where);
    if (header.type === 'symlink' || header.type === 'hardlink') {
      // docker save (20.10) links a repeated layer to its first copy: `../<id>/layer.tar`.
      const base = header.type === 'symlink' && !header.linkname.startsWith('/') ? `${path.split('/').slice(0, -1).join('/')}/` : '';
      contents.links.set(path, normalizeImagePath(base + header.linkname, where));
      return undefined;
    }
    if (header.type !== 'file' || header.size === 0) return undefined;
    let mode: 'undecided' | 'json' | 'layer' = 'undecided';
    const jsonChunks: Buffer[] = [];
    let channel: ChunkChannel | undefined;
    let layerDone: Promise<void> | undefined;
    const stored = new StreamDigest(path.startsWith('blobs/sha512/') ? 'sha512' : 'sha256');
    const where2 = `${where} ${printable(path)}`;
    return {
      async write(chunk: Buffer) {
        if (mode === 'undecided') {
          const looksJson = chunk[0] === 0x7b || path.endsWith('.json') || path === 'oci-layout' || path === 'repositories';
          if (looksJson && header.size <= MAX_JSON) mode = 'json';
          else {
            mode = 'layer';
            channel = new ChunkChannel();
            const reading = channel;
            layerDone = readLayer(reading, where2, wanted, stored).then(
              (layer) => {
                contents.layers.set(path, layer);
              },
              (error: unknown) => {
                reading.drain();
                contents.layerErrors.set(path, error instanceof FormatError ? error : new FormatError(where2, errorMessage(error)));
              },
            );
          }
        }
        if (mode === 'json') jsonChunks.push(chunk);
        else {
          stored.update(chunk);
          if (channel) await channel.push(chunk);
        }
      },
      async end() {
        if (mode === 'json') contents.json.set(path, Buffer.concat(jsonChunks));
        else if (channel) {
          channel.close();
          await layerDone;
          contents.blobs.set(path, { digest: stored.digest(), size: stored.bytes });
        }
      },
    };
  };
  await readTar(decompress(source, where), onEntry, where);
  return contents;
}

export function followArchiveLinks(contents: ArchiveContents, path: string): string {
  let current = path;
  for (let hops = 0; hops < 16; hops++) {
    const next = contents.links.get(current);
    if (next === undefined) return current;
    current = next;
  }
  throw new FormatError(`"${printable(path)}"`, 'is a link loop inside the archive; the archive is hostile or corrupt.');
}
