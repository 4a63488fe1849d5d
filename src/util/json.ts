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

/**
 * Splits text that holds one or more JSON values written one after another
 * (`[][][{…}]`, or values separated by white space) and parses each. Throws SyntaxError
 * with the offset of the first malformed value.
 */
export function parseJsonSequence(text: string): unknown[] {
  const values: unknown[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i] as string)) i++;
    if (i >= n) break;
    const start = i;
    const open = text[i];
    if (open !== '[' && open !== '{') {
      // A scalar (null, number, string): only valid as the whole document.
      values.push(JSON.parse(text.slice(start)));
      return values;
    }
    let depth = 0;
    let inString = false;
    for (; i < n; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '[' || c === '{') depth++;
      else if (c === ']' || c === '}') {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      }
    }
    if (depth !== 0) throw new SyntaxError(`unexpected end of JSON input (value starting at offset ${start} is not closed)`);
    values.push(JSON.parse(text.slice(start, i)));
  }
  return values;
}
