import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { FormatError } from '../util/errors.js';
import { memoryPacer } from './memory.js';

export type Compression = 'gzip' | 'zstd' | 'none';

export interface DecompressLimits {
  /** Most bytes one stream may expand to. */
  maxOutput: number;
  /** Past `ratioFloor` output bytes, the most output per input byte before it counts as a bomb. */
  maxRatio: number;
  ratioFloor: number;
}

export const DEFAULT_DECOMPRESS_LIMITS: DecompressLimits = {
  maxOutput: 32 * 1024 ** 3,
  maxRatio: 200,
  ratioFloor: 256 * 1024 * 1024,
};

export function detectCompression(head: Buffer): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

type ZstdFactory = (options?: zlib.ZlibOptions) => NodeJS.ReadWriteStream & Readable;

function zstdDecompressor(where: string): NodeJS.ReadWriteStream & Readable {
  const factory = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;
  if (typeof factory !== 'function') {
    throw new FormatError(
      where,
      `the layer is zstd-compressed, which needs Node.js 22.15 or newer; run bulkhead on Node.js 24 (the action already does).`,
    );
  }
  return factory({ chunkSize: 256 * 1024 });
}

/**
 * Yields the uncompressed bytes of `source`, whatever its compression (found from its first
 * bytes), and stops with a FormatError when the stream is corrupt or expands like a bomb.
 */
export async function* decompress(
  source: AsyncIterable<Buffer>,
  where: string,
  onCompression?: (compression: Compression) => void,
  limits: DecompressLimits = DEFAULT_DECOMPRESS_LIMITS,
): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  let exhausted = false;
  while (headLength < 4) {
    const next = await iterator.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    head.push(next.value);
    headLength += next.value.length;
  }
  const first = Buffer.concat(head);
  const compression = detectCompression(first);
  onCompression?.(compression);
  let inputBytes = first.length;
  async function* rest(): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    if (exhausted) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      inputBytes += next.value.length;
      yield next.value;
    }
  }
  const pacer = memoryPacer();
  if (compression === 'none') {
    for await (const chunk of rest()) {
      yield chunk;
      pacer.consumed(chunk.length);
    }
    return;
  }
  const inflater = compression === 'gzip' ? zlib.createGunzip({ chunkSize: 256 * 1024 }) : zstdDecompressor(where);
  const input = Readable.from(rest(), { objectMode: false });
  input.on('error', (error) => inflater.destroy(error));
  input.pipe(inflater);
  let outputBytes = 0;
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      outputBytes += chunk.length;
      if (outputBytes > limits.maxOutput) {
        throw new FormatError(where, `expands past ${limits.maxOutput} bytes; treated as a decompression bomb and not read further.`);
      }
      if (outputBytes > limits.ratioFloor && outputBytes / Math.max(inputBytes, 1) > limits.maxRatio) {
        throw new FormatError(
          where,
          `expands more than ${limits.maxRatio}:1 (${outputBytes} bytes from ${inputBytes}); treated as a decompression bomb and not read further.`,
        );
      }
      yield chunk;
      pacer.consumed(chunk.length);
    }
  } catch (error) {
    if (error instanceof FormatError) throw error;
    const code = (error as { code?: string }).code;
    const detail = error instanceof Error ? error.message : String(error);
    throw new FormatError(where, `the ${compression} stream is corrupt or truncated (${code ?? detail}).`);
  } finally {
    input.destroy();
    inflater.destroy();
  }
}
