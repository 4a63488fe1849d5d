import { FormatError } from './errors.js';

/**
 * JSON read from bytes as they arrive, for reports of up to hundreds of megabytes. Hand-written
 * rather than a streaming JSON library for three reasons: speed (the bytes are only scanned for
 * structure here, in a tight loop with native searches through strings; every value is still
 * parsed by JSON.parse, which is several times faster than a tokenizer in JavaScript), memory
 * (a list marked for spilling is parsed element by element and each element can be cut down as it
 * comes, so a 200 MB report never exists as one string or one object tree), and the duplicate-key
 * check: JSON.parse (like Go's encoding/json) silently keeps the last of two equal keys, so a
 * report with two `Results` would read as whichever one an attacker put second. The scanner counts
 * the keys it passes and compares the count with the keys of what JSON.parse made: every key
 * JSON.parse keeps is one the scanner counted, so the two are equal exactly when no key was
 * repeated, and only then is the text decoded again to say which key and where. Every byte of
 * the input reaches JSON.parse, as part of an element or of the skeleton around them, except the
 * commas and white space between spilled elements, which this scanner checks itself.
 */

export type JsonPathSegment = string | number;

export interface JsonStreamOptions {
  /** Names the input in errors. */
  source: string;
  /** Lists, by their path from the top of each value, that are parsed one element at a time. */
  spill?: (path: readonly JsonPathSegment[]) => boolean;
  /** Given each spilled element as parsed; what it returns takes the element's place. */
  element?: (value: unknown, path: readonly JsonPathSegment[], index: number) => unknown;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

/** Deeper than any tool's report; a file of nothing but `[` would otherwise hold a frame per byte. */
export const MAX_JSON_DEPTH = 512;

/** Where a spilled list is between its elements. */
const EXPECT_FIRST = 0;
const AFTER_ELEMENT = 1;
const AFTER_COMMA = 2;

interface Spill {
  path: JsonPathSegment[];
  elements: unknown[];
  state: number;
}

interface Frame {
  object: boolean;
  /** Objects: whether the next string is a key. */
  expectKey: boolean;
  /** Arrays: the index of the current element. */
  index: number;
  /** Objects on the way to a spilled list: the current key, decoded. */
  key: string | undefined;
  spill: Spill | undefined;
}

/** A spilled element being read: its bytes from earlier chunks, and where it starts in this one. */
interface Element {
  spill: Spill;
  index: number;
  /** The stack's depth at the spilled list: a container element ends when the stack is back to it. */
  depth: number;
  scalar: boolean;
  start: number;
  parts: Buffer[];
  keys: number;
}

/** How many keys the objects in a parsed value have, all told (a loop, not recursion: the nesting is the input's). */
function countKeys(value: unknown): number {
  let count = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null) continue;
    if (Array.isArray(next)) {
      for (const element of next) if (typeof element === 'object' && element !== null) pending.push(element);
      continue;
    }
    for (const key in next) {
      count++;
      const member = (next as Record<string, unknown>)[key];
      if (typeof member === 'object' && member !== null) pending.push(member);
    }
  }
  return count;
}

function pathText(segments: readonly JsonPathSegment[]): string {
  let path = '';
  for (const segment of segments) path += typeof segment === 'number' ? `[${segment}]` : path === '' ? segment : `.${segment}`;
  return path;
}

const TOKEN = /"(?:[^"\\]|\\.)*"|[{}[\],:]/g;

/**
 * The first key repeated in one object of valid JSON text, and the path to that object. Only run
 * once a count has shown that there is one, so it may be plain rather than fast.
 */
function firstRepeatedKey(text: string): { key: string; path: JsonPathSegment[] } | undefined {
  const stack: { keys?: Set<string>; key?: string; index: number; expectKey: boolean }[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    const frame = stack[stack.length - 1];
    if (token === '{') stack.push({ keys: new Set(), index: 0, expectKey: true });
    else if (token === '[') stack.push({ index: 0, expectKey: false });
    else if (token === '}' || token === ']') stack.pop();
    else if (token === ',') {
      if (frame?.keys) frame.expectKey = true;
      else if (frame) frame.index++;
    } else if (token.startsWith('"') && frame?.keys && frame.expectKey) {
      const key = JSON.parse(token) as string;
      const path = stack.slice(0, -1).map((f) => (f.keys ? (f.key ?? '') : f.index));
      if (frame.keys.has(key)) return { key, path };
      frame.keys.add(key);
      frame.key = key;
      frame.expectKey = false;
    }
  }
  return undefined;
}

export class JsonSequenceParser {
  private readonly options: JsonStreamOptions;
  private readonly values: unknown[] = [];
  private readonly stack: Frame[] = [];
  /** Bytes before the current chunk. */
  private consumed = 0;
  private first = true;
  // The current top-level value.
  private valueOffset = 0;
  private skeleton: Buffer[] = [];
  /** Where the skeleton continues in the current chunk; -1 while a spilled list's elements are skipped. */
  private skeletonStart = -1;
  private skeletonKeys = 0;
  private spills: Spill[] = [];
  /** A top-level scalar: the rest of the input is that one document. */
  private scalar: Buffer[] | undefined;
  // A string the chunk ended inside.
  private inString = false;
  private stringIsKey = false;
  private stringBackslashes = 0;
  /** A key on the way to a spilled list, decoded for the list's path: its bytes so far. */
  private keyParts: Buffer[] | undefined;
  private keyStart = 0;
  private element: Element | undefined;
  /** Whether the element being read is a number or literal: white space, a comma or a bracket ends it. */
  private scalarOpen = false;

  constructor(options: JsonStreamOptions) {
    this.options = options;
  }

  private fail(detail: string): never {
    throw new FormatError(this.options.source, detail);
  }

  private invalid(offset: number): never {
    this.fail(`is not valid JSON (unexpected character at offset ${offset}); it may be truncated or not a JSON report.`);
  }

  /** Parses one value's text; `prefix` is where the text sits in the whole, for a repeated key's message. */
  private parse(bytes: Buffer, keys: number | undefined, prefix: readonly JsonPathSegment[] = []): unknown {
    const text = bytes.toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return this.fail(
        `is not valid JSON (${error instanceof Error ? error.message : String(error)}); it may be truncated or not a JSON report.`,
      );
    }
    if (keys !== undefined && countKeys(value) !== keys) {
      const repeated = firstRepeatedKey(text);
      const where = repeated ? pathText([...prefix, ...repeated.path]) : '';
      this.fail(
        `has the key ${JSON.stringify((repeated?.key ?? '').slice(0, 60))} twice in ${where || 'the top-level object'}; a tool writes each key once, so the file was edited or is not the tool's output.`,
      );
    }
    return value;
  }

  /** The path from the top of the value to the list just opened. */
  private listPath(): JsonPathSegment[] {
    const path: JsonPathSegment[] = [];
    for (let f = 0; f < this.stack.length - 1; f++) {
      const frame = this.stack[f] as Frame;
      path.push(frame.object ? (frame.key ?? '') : frame.index);
    }
    return path;
  }

  /** A spilled list's next element starts at `at` (its first byte). */
  private startElement(frame: Frame, chunk: Buffer, at: number, scalar: boolean): void {
    const spill = frame.spill as Spill;
    // After an element only a comma or the list's end may come (a number still being read counts as one).
    if (spill.state === AFTER_ELEMENT || this.element) this.invalid(this.consumed + at);
    if (spill.state === EXPECT_FIRST && this.skeletonStart >= 0) {
      this.skeleton.push(Buffer.from(chunk.subarray(this.skeletonStart, at)));
      this.skeletonStart = -1;
    }
    this.element = { spill, index: frame.index, depth: this.stack.length, scalar, start: at, parts: [], keys: 0 };
    this.scalarOpen = scalar;
  }

  private endElement(chunk: Buffer, end: number): void {
    const element = this.element as Element;
    this.element = undefined;
    this.scalarOpen = false;
    const piece = chunk.subarray(element.start, end);
    const { spill } = element;
    const value = this.parse(element.parts.length === 0 ? piece : Buffer.concat([...element.parts, piece]), element.keys, [
      ...spill.path,
      element.index,
    ]);
    spill.elements.push(this.options.element ? this.options.element(value, spill.path, element.index) : value);
    spill.state = AFTER_ELEMENT;
  }

  /** The top-level value closed at `end`: the skeleton is parsed and the spilled lists put back. */
  private endValue(chunk: Buffer, end: number): void {
    this.skeleton.push(chunk.subarray(this.skeletonStart, end));
    const document = this.parse(Buffer.concat(this.skeleton), this.skeletonKeys);
    this.skeleton = [];
    this.skeletonStart = -1;
    this.skeletonKeys = 0;
    let value = document;
    for (const spill of this.spills) {
      if (spill.path.length === 0) {
        value = spill.elements;
        continue;
      }
      let parent = value as Record<JsonPathSegment, unknown>;
      for (const segment of spill.path.slice(0, -1)) parent = parent[segment] as Record<JsonPathSegment, unknown>;
      parent[spill.path.at(-1) as JsonPathSegment] = spill.elements;
    }
    this.spills = [];
    this.values.push(value);
  }

  /** Finds the end of a string from `from` (just past its opening quote, or the chunk's start); -1 if the chunk ends first. */
  private stringEnd(chunk: Buffer, from: number): number {
    for (let end = chunk.indexOf(QUOTE, from); end !== -1; end = chunk.indexOf(QUOTE, end + 1)) {
      if (chunk[end - 1] !== BACKSLASH || end === from) {
        if (end > from || this.stringBackslashes % 2 === 0) return end;
        continue;
      }
      let backslashes = 0;
      let j = end - 1;
      while (j >= from && chunk[j] === BACKSLASH) {
        backslashes++;
        j--;
      }
      // Backslashes at the start of this chunk continue those at the end of the last.
      if (j < from) backslashes += this.stringBackslashes;
      if (backslashes % 2 === 0) return end;
    }
    let trailing = 0;
    for (let j = chunk.length - 1; j >= from && chunk[j] === BACKSLASH; j--) trailing++;
    this.stringBackslashes = trailing === chunk.length - from ? this.stringBackslashes + trailing : trailing;
    return -1;
  }

  /** A string closed at `end` (its closing quote). */
  private closeString(chunk: Buffer, end: number): void {
    this.inString = false;
    this.stringBackslashes = 0;
    if (this.stringIsKey) {
      const frame = this.stack[this.stack.length - 1] as Frame;
      frame.expectKey = false;
      if (this.element) this.element.keys++;
      else {
        this.skeletonKeys++;
        if (this.keyParts) {
          const piece = chunk.subarray(this.keyStart, end);
          const raw = (this.keyParts.length === 0 ? piece : Buffer.concat([...this.keyParts, piece])).toString('utf8');
          this.keyParts = undefined;
          let key = raw;
          if (raw.includes('\\')) {
            try {
              key = JSON.parse(`"${raw}"`) as string;
            } catch {
              // Left to JSON.parse of the skeleton, which says where the text is malformed.
            }
          }
          frame.key = key;
        }
      }
    } else if (this.element && this.stack.length === this.element.depth) this.endElement(chunk, end + 1);
  }

  /** A number, literal or string at the top: only valid as the whole document, so the rest is kept for it. */
  private topScalar(chunk: Buffer, at: number): void {
    this.scalar = [Buffer.from(chunk.subarray(at))];
    this.consumed += chunk.length;
  }

  /** A string opens at `at`; returns its closing quote, or -1 when the chunk ends inside it. */
  private openString(frame: Frame, chunk: Buffer, at: number): number {
    if (frame.spill) this.startElement(frame, chunk, at, false);
    this.stringIsKey = frame.object && frame.expectKey;
    if (this.stringIsKey && this.element === undefined && this.options.spill) {
      this.keyParts = [];
      this.keyStart = at + 1;
    }
    const end = this.stringEnd(chunk, at + 1);
    if (end === -1) this.inString = true;
    else this.closeString(chunk, end);
    return end;
  }

  private open(frame: Frame | undefined, chunk: Buffer, at: number, object: boolean): void {
    if (frame === undefined) {
      this.valueOffset = this.consumed + at;
      this.skeletonStart = at;
    } else if (frame.spill) this.startElement(frame, chunk, at, false);
    if (this.stack.length >= MAX_JSON_DEPTH)
      this.fail(
        `has lists and objects nested more than ${MAX_JSON_DEPTH} deep (at offset ${this.consumed + at}); no tool writes such a report.`,
      );
    this.stack.push({ object, expectKey: object, index: 0, key: undefined, spill: undefined });
    if (!object && this.options.spill && this.element === undefined) {
      const path = this.listPath();
      if (this.options.spill(path)) (this.stack[this.stack.length - 1] as Frame).spill = { path, elements: [], state: EXPECT_FIRST };
    }
  }

  private comma(frame: Frame | undefined, chunk: Buffer, at: number): void {
    if (frame === undefined) this.invalid(this.consumed + at);
    if (this.scalarOpen && this.stack.length === (this.element as Element).depth) this.endElement(chunk, at);
    if (frame.object) frame.expectKey = true;
    else {
      frame.index++;
      if (frame.spill) {
        if (frame.spill.state !== AFTER_ELEMENT) this.invalid(this.consumed + at);
        frame.spill.state = AFTER_COMMA;
      }
    }
  }

  private close(frame: Frame | undefined, chunk: Buffer, at: number, object: boolean): void {
    if (frame === undefined || frame.object !== object) this.invalid(this.consumed + at);
    const stack = this.stack;
    if (this.scalarOpen && stack.length === (this.element as Element).depth) this.endElement(chunk, at);
    if (frame.spill) {
      if (frame.spill.state === AFTER_COMMA) this.invalid(this.consumed + at);
      if (frame.spill.state === AFTER_ELEMENT) this.skeletonStart = at;
      this.spills.push(frame.spill);
    }
    stack.pop();
    if (this.element && stack.length === this.element.depth) this.endElement(chunk, at + 1);
    if (stack.length === 0) this.endValue(chunk, at + 1);
  }

  push(input: Uint8Array): void {
    let chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        chunk = chunk.subarray(3);
        this.consumed += 3;
      }
    }
    const n = chunk.length;
    let i = 0;
    if (this.scalar) {
      this.scalar.push(Buffer.from(chunk));
      this.consumed += n;
      return;
    }
    if (this.inString) {
      const end = this.stringEnd(chunk, 0);
      if (end === -1) i = n;
      else {
        this.closeString(chunk, end);
        i = end + 1;
      }
    }
    const stack = this.stack;
    for (; i < n; i++) {
      const c = chunk[i] as number;
      if (c === SPACE || c === LF || c === CR || c === TAB) {
        if (this.scalarOpen && stack.length === (this.element as Element).depth) this.endElement(chunk, i);
        // Indentation: a tight loop over the run of spaces, which is most of a pretty-printed report.
        while (chunk[i + 1] === SPACE) i++;
        continue;
      }
      const frame = stack[stack.length - 1];
      if (c === QUOTE) {
        if (frame === undefined) return this.topScalar(chunk, i);
        const end = this.openString(frame, chunk, i);
        if (end === -1) break;
        i = end;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.open(frame, chunk, i, c === OPEN_BRACE);
      else if (c === COMMA) this.comma(frame, chunk, i);
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) this.close(frame, chunk, i, c === CLOSE_BRACE);
      else if (frame === undefined) return this.topScalar(chunk, i);
      else if (frame.spill && this.element === undefined) {
        // A number or literal as an element of a spilled list; nothing else may stand between its elements.
        if (c === COLON) this.invalid(this.consumed + i);
        this.startElement(frame, chunk, i, true);
      }
    }
    // Whatever is still open keeps its bytes: the chunk is the caller's to reuse.
    if (this.element) {
      this.element.parts.push(Buffer.from(chunk.subarray(this.element.start)));
      this.element.start = 0;
    }
    if (stack.length > 0 && this.skeletonStart >= 0) {
      this.skeleton.push(Buffer.from(chunk.subarray(this.skeletonStart)));
      this.skeletonStart = 0;
    }
    if (this.inString && this.keyParts) {
      this.keyParts.push(Buffer.from(chunk.subarray(this.keyStart)));
      this.keyStart = 0;
    }
    this.consumed += n;
  }

  /** The values read, once the input has ended; throws if the last one is not closed. */
  end(): unknown[] {
    if (this.scalar) {
      this.values.push(this.parse(Buffer.concat(this.scalar), undefined));
      this.scalar = undefined;
    }
    if (this.stack.length > 0 || this.inString) {
      this.fail(
        `is not valid JSON (the value starting at offset ${this.valueOffset} is not closed); it may be truncated or not a JSON report.`,
      );
    }
    return this.values;
  }
}

/** Parses text holding one or more JSON values written one after another (`[][][{…}]`, or values separated by white space). */
export function parseJsonSequence(text: string, source = 'the JSON text'): unknown[] {
  const parser = new JsonSequenceParser({ source });
  parser.push(Buffer.from(text, 'utf8'));
  return parser.end();
}
