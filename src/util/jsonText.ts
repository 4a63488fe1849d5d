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

function collect(value: unknown, out: string[]): void {
  if (value instanceof RawJson) {
    out.push(value.text);
    return;
  }
  if (isLeaf(value)) {
    out.push(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    const whole = value.length >= SPLIT_AT;
    out.push('[');
    value.forEach((element: unknown, index) => {
      if (index > 0) out.push(',');
      if (isAbsent(element)) out.push('null');
      else if (element instanceof RawJson) out.push(element.text);
      else if (whole) out.push(JSON.stringify(element));
      else collect(element, out);
    });
    out.push(']');
    return;
  }
  let first = true;
  out.push('{');
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    if (isAbsent(member)) continue;
    out.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
    first = false;
    collect(member, out);
  }
  out.push('}');
}

/** `value` as JSON text in pieces; the pieces joined are byte for byte `JSON.stringify(value)` (compact). */
export function toJsonText(value: unknown): JsonText {
  const pieces: string[] = [];
  collect(value, pieces);
  return { pieces };
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

/** The pieces grouped into strings of about `size` characters, for writing and compressing in few calls. */
export function* jsonTextBatches(text: JsonText, size = 1024 * 1024): Generator<string> {
  let batch = '';
  for (const piece of text.pieces) {
    batch += piece;
    if (batch.length >= size) {
      yield batch;
      batch = '';
    }
  }
  if (batch.length > 0) yield batch;
}

/** The text gzipped, streamed through zlib so that no copy of the whole text is made first. */
export async function gzipJsonText(text: JsonText): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const gzip = Readable.from(jsonTextBatches(text)).pipe(createGzip());
  for await (const chunk of gzip) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
