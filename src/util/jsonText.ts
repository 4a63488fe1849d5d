import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';

/**
 * JSON text kept as pieces whose concatenation is exactly `JSON.stringify(value)`. A 25,000-result
 * SARIF log is 50 MB of text: one JSON.stringify of it makes one string, and a single non-Latin-1
 * character anywhere ("…" in a CVE title) makes all of it two bytes per character, which triples
 * the cost of building it and of encoding it to UTF-8 for the file and the upload. Serialized
 * element by element, only the pieces that hold such a character pay that, and no piece is large.
 * Pieces end only at JSON punctuation: a string or number is always whole in one piece, so text
 * matched inside one (a secret the redactor masks) never straddles two.
 */
export interface JsonText {
  readonly pieces: readonly string[];
}

/**
 * A value already serialized by JSON.stringify, written as it is: a list of 25,000 SARIF results
 * is kept as their texts rather than as 25,000 object trees the collector must keep and walk.
 */
export class RawJson {
  readonly text: string;

  constructor(value: unknown) {
    this.text = JSON.stringify(value);
  }
}

/** Arrays with at least this many elements are written element by element; smaller ones are descended into. */
const SPLIT_AT = 32;

function isLeaf(value: unknown): boolean {
  return (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function' ||
    // Only plain objects and arrays are walked; anything else is JSON.stringify's to render.
    (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
  );
}

/** JSON.stringify drops these as object members and writes them as null in arrays. */
function isAbsent(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/**
 * `value`'s JSON text in pieces, as they are made: a writer can encode and write them as they come,
 * so a 140 MB report file never exists whole in memory.
 */
export function* jsonPieces(value: unknown): Generator<string> {
  if (value instanceof RawJson) {
    yield value.text;
    return;
  }
  if (isLeaf(value)) {
    yield JSON.stringify(value) ?? 'null';
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    const whole = value.length >= SPLIT_AT;
    yield '[';
    for (let index = 0; index < value.length; index++) {
      const element: unknown = value[index];
      if (index > 0) yield ',';
      if (isAbsent(element)) yield 'null';
      else if (element instanceof RawJson) yield element.text;
      else if (whole) yield JSON.stringify(element);
      else yield* jsonPieces(element);
    }
    yield ']';
    return;
  }
  let first = true;
  yield '{';
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    if (isAbsent(member)) continue;
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    yield* jsonPieces(member);
  }
  yield '}';
}

/** `value` as JSON text in pieces; the pieces joined are byte for byte `JSON.stringify(value)` (compact). */
export function toJsonText(value: unknown): JsonText {
  return { pieces: Array.from(jsonPieces(value)) };
}

/** The whole text as one string: for small texts, and for tests. */
export function jsonTextString(text: JsonText): string {
  return text.pieces.join('');
}

/** The text's length in UTF-8 bytes. */
export function jsonTextBytes(text: JsonText): number {
  let bytes = 0;
  for (const piece of text.pieces) bytes += Buffer.byteLength(piece, 'utf8');
  return bytes;
}

/**
 * Pieces of text as UTF-8, in buffers of about `size` bytes. A piece that is all ASCII (most are) is
 * copied in as Latin-1, several times faster than V8's UTF-8 encoder, which the rest go through.
 * Each buffer is new: a consumer may hold on to it.
 */
export function* utf8Chunks(pieces: Iterable<string>, size = 1024 * 1024): Generator<Buffer> {
  let buffer = Buffer.allocUnsafe(size);
  let used = 0;
  for (const piece of pieces) {
    const bytes = Buffer.byteLength(piece, 'utf8');
    if (bytes > size - used) {
      if (used > 0) yield buffer.subarray(0, used);
      buffer = Buffer.allocUnsafe(size);
      used = 0;
      if (bytes > size) {
        yield Buffer.from(piece, 'utf8');
        continue;
      }
    }
    used += buffer.write(piece, used, bytes === piece.length ? 'latin1' : 'utf8');
  }
  if (used > 0) yield buffer.subarray(0, used);
}

/** The text gzipped, streamed through zlib so that no copy of the whole text is made first. */
export async function gzipJsonText(text: JsonText): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const gzip = Readable.from(utf8Chunks(text.pieces)).pipe(createGzip());
  for await (const chunk of gzip) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
