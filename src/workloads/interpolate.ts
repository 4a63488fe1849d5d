/**
 * Compose interpolation as the Compose Specification defines it: `$$` is a dollar, `$VAR` and
 * `${VAR}` the variable, `${VAR:-default}` / `${VAR-default}` a default when unset (or empty,
 * with the colon), `${VAR:+other}` / `${VAR+other}` a replacement when set, `${VAR:?message}` /
 * `${VAR?message}` an error when unset. Defaults may nest (`${A:-${B}}`). Written by hand: it is
 * twenty lines of grammar, and the libraries on npm implement shell rules instead.
 */

export class InterpolationError extends Error {}

export type Lookup = (name: string) => string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** The end of a `${…}` whose body starts at `start`, braces nested. */
function closingBrace(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '$') i++;
    else if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function braced(body: string, lookup: Lookup, unset: Set<string>): string {
  const name = NAME.exec(body)?.[0];
  if (!name) throw new InterpolationError(`"\${${body}}" is not a valid variable reference`);
  const rest = body.slice(name.length);
  const value = lookup(name);
  if (rest === '') {
    if (value === undefined) unset.add(name);
    return value ?? '';
  }
  const operator = /^(:?[-+?])/.exec(rest)?.[1];
  if (!operator) throw new InterpolationError(`"\${${body}}" is not a valid variable reference`);
  const argument = () => interpolate(rest.slice(operator.length), lookup, unset);
  const empty = value === undefined || (operator.startsWith(':') && value === '');
  switch (operator.slice(-1)) {
    case '-':
      return empty ? argument() : (value ?? '');
    case '+':
      return empty ? '' : argument();
    default:
      if (empty)
        throw new InterpolationError(`required variable ${name} is not set${rest.length > operator.length ? `: ${argument()}` : ''}`);
      return value ?? '';
  }
}

/** Interpolates one string; `unset` collects variables that had no value and no default. */
export function interpolate(text: string, lookup: Lookup, unset: Set<string> = new Set()): string {
  if (!text.includes('$')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== '$') {
      out += c;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) throw new InterpolationError(`"${text}" has a \${ without its closing brace`);
      out += braced(text.slice(i + 2, end), lookup, unset);
      i = end;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (!name) {
        out += '$';
        continue;
      }
      const value = lookup(name);
      if (value === undefined) unset.add(name);
      out += value ?? '';
      i += name.length;
    }
  }
  return out;
}

/**
 * A `.env` file as Compose reads it: `KEY=VALUE` lines, `export ` allowed, `#` comments (inline
 * only after a space in unquoted values), single quotes literal, double quotes with escapes.
 * Later values may use earlier ones (`${A}`).
 */
export function parseDotEnv(text: string, lookup: Lookup): Map<string, string> {
  const values = new Map<string, string>();
  const chained: Lookup = (name) => lookup(name) ?? values.get(name);
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, rest] = match as unknown as [string, string, string];
    let value: string;
    if (rest.startsWith("'")) {
      const end = rest.indexOf("'", 1);
      value = end > 0 ? rest.slice(1, end) : rest.slice(1);
    } else if (rest.startsWith('"')) {
      const close = rest.slice(1).search(/(?<!\\)"/);
      const body = close >= 0 ? rest.slice(1, close + 1) : rest.slice(1);
      value = interpolate(body.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\'), chained);
    } else {
      value = interpolate(rest.replace(/\s+#.*$/, '').trim(), chained);
    }
    values.set(key, value);
  }
  return values;
}
