import { FormatError } from './errors.js';
/** Small readers for untyped JSON: each returns undefined rather than guessing. */

export type JsonObject = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

interface Frame {
  object: boolean;
  /** Keys seen so far (objects). */
  keys?: Set<string>;
  /** Objects: whether the next string is a key. Arrays: the index of the current element. */
  expectKey: boolean;
  index: number;
  key?: string;
}

function pathOf(stack: readonly Frame[]): string {
  let path = '';
  for (const frame of stack.slice(0, -1)) {
    if (frame.object) path += path === '' ? (frame.key ?? '') : `.${frame.key ?? ''}`;
    else path += `[${frame.index}]`;
  }
  return path === '' ? 'the top-level object' : path;
}

/** The index of the quote that closes the string opened at `start`. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1) {
    let backslashes = 0;
    for (let j = end - 1; text.charCodeAt(j) === 92; j--) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

const QUOTE = 34;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const STRUCTURAL = /["{}[\],]/g;

/**
 * Parses text that holds one or more JSON values written one after another (`[][][{…}]`, or
 * values separated by white space). One pass finds where each value ends and refuses an object
 * that has the same key twice: JSON.parse (like Go's encoding/json) silently keeps the last, so a
 * report with two `Results` would read as whichever one an attacker put second. Each value is
 * then parsed by JSON.parse. Throws FormatError naming `source` and where.
 */
export function parseJsonSequence(text: string, source = 'the JSON text'): unknown[] {
  const values: unknown[] = [];
  const n = text.length;
  let i = 0;
  const parse = (slice: string): unknown => {
    try {
      return JSON.parse(slice);
    } catch (error) {
      throw new FormatError(
        source,
        `is not valid JSON (${error instanceof Error ? error.message : String(error)}); it may be truncated or not a JSON report.`,
      );
    }
  };
  while (i < n) {
    while (i < n && /\s/.test(text[i] as string)) i++;
    if (i >= n) break;
    const start = i;
    const open = text.charCodeAt(i);
    if (open !== OPEN_BRACE && open !== OPEN_BRACKET) {
      // A scalar (null, number, string): only valid as the whole document.
      values.push(parse(text.slice(start)));
      return values;
    }
    const stack: Frame[] = [];
    // Jumps from one structural character to the next in native code: white space, numbers and
    // literals between them are JSON.parse's to check, not this loop's.
    STRUCTURAL.lastIndex = i;
    for (let found = STRUCTURAL.exec(text); found; found = STRUCTURAL.exec(text)) {
      i = found.index;
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        const end = stringEnd(text, i);
        if (end === -1) break;
        const frame = stack[stack.length - 1];
        if (frame?.object && frame.expectKey) {
          const raw = text.slice(i + 1, end);
          let key = raw;
          if (raw.includes('\\')) {
            try {
              key = JSON.parse(`"${raw}"`) as string;
            } catch {
              // Left to JSON.parse below, which says where the text is malformed.
            }
          }
          if (frame.keys?.has(key)) {
            throw new FormatError(
              source,
              `has the key ${JSON.stringify(key.slice(0, 60))} twice in ${pathOf(stack)}; a tool writes each key once, so the file was edited or is not the tool's output.`,
            );
          }
          frame.keys?.add(key);
          frame.key = key;
          frame.expectKey = false;
        }
        i = end;
        STRUCTURAL.lastIndex = end + 1;
      } else if (c === OPEN_BRACE) stack.push({ object: true, keys: new Set(), expectKey: true, index: 0 });
      else if (c === OPEN_BRACKET) stack.push({ object: false, expectKey: false, index: 0 });
      else if (c === COMMA) {
        const frame = stack[stack.length - 1];
        if (frame?.object) frame.expectKey = true;
        else if (frame) frame.index++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        stack.pop();
        if (stack.length === 0) break;
      }
    }
    // Past the value's closing bracket, or (unclosed) the end of the text.
    i = stack.length === 0 ? i + 1 : n;
    if (stack.length !== 0) {
      throw new FormatError(
        source,
        `is not valid JSON (the value starting at offset ${start} is not closed); it may be truncated or not a JSON report.`,
      );
    }
    values.push(parse(text.slice(start, i)));
  }
  return values;
}

/** An object with its undefined-valued keys made optional and absent (exactOptionalPropertyTypes). */
export type Compact<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Drops the keys whose value is undefined, so optional fields are absent rather than undefined. */
export function compact<T extends object>(value: T): Compact<T> {
  // A loop, not Object.fromEntries(entries.filter): every Trivy finding passes through here.
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = value[key];
    if (v !== undefined) out[key] = v;
  }
  return out as Compact<T>;
}
