import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Globs as picomatch reads them (and GitHub's `paths` filters): `*` and `?` inside one path
 * segment, `**` as a whole segment across segments (`a/**` also matches `a`), `[abc]`, `[a-z]`,
 * `[!a]` / `[^a]`, `{a,b}` alternatives (nested), `\` escaping the next character, and a leading
 * `!` negating the pattern. test/util/glob.test.ts checks that against picomatch itself.
 *
 * Hand-written rather than picomatch, because patterns come from files a pull request can change
 * (the policy file, ignore files) and picomatch compiles to a backtracking RegExp: `*a` ten times
 * then `b` took picomatch 4.0.7 9.1 s on a 40-character name on this project's 2-core machine,
 * `*a` fourteen times 144 s. Here the pattern is simulated as a set of states (a Thompson NFA):
 * O(text × pattern) at worst, whatever the pattern.
 */
type Token =
  | { kind: 'char'; char: string }
  | { kind: 'one' }
  | { kind: 'class'; ranges: Array<[number, number]>; negated: boolean }
  | { kind: 'star' }
  /** `**` between slashes: zero or more whole segments, with their slashes. */
  | { kind: 'segments' }
  /**
   * A final `/**` (or a whole `**`): a slash and anything, or (orNothing) nothing at all, so that
   * `a/**` matches `a` itself; not right after a star, as picomatch has it (a star segment then /** needs the slash).
   */
  | { kind: 'tail'; bare: boolean; orNothing: boolean };

/** The longest pattern bulkhead accepts: far above any real one, and it bounds the matching cost. */
export const MAX_PATTERN_LENGTH = 1024;
/** `{a,b}{c,d}…` multiplies: the alternatives one pattern may expand to. */
export const MAX_ALTERNATIVES = 256;

export interface Glob {
  readonly pattern: string;
  /** A leading `!`: the pattern matches what its rest does not. */
  readonly negated: boolean;
  matches(text: string): boolean;
}

/** The index of the `}` closing the `{` at `open`, and its top-level commas; undefined when unbalanced. */
function braceGroup(pattern: string, open: number): { close: number; commas: number[] } | undefined {
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') {
      const end = classEnd(pattern, i);
      if (end !== undefined) i = end;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return { close: i, commas };
    else if (c === ',' && depth === 1) commas.push(i);
  }
  return undefined;
}

/** `{a,b}` → the alternatives, nested groups included; a group without a comma stays literal. */
function expandBraces(pattern: string): string[] {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      const end = classEnd(pattern, i);
      if (end !== undefined) i = end;
      continue;
    }
    if (c !== '{') continue;
    const group = braceGroup(pattern, i);
    if (!group || group.commas.length === 0) continue;
    const bounds = [i, ...group.commas, group.close];
    const head = pattern.slice(0, i);
    const rest = pattern.slice(group.close + 1);
    const out: string[] = [];
    for (let k = 0; k + 1 < bounds.length; k++) {
      const choice = pattern.slice((bounds[k] as number) + 1, bounds[k + 1]);
      for (const expanded of expandBraces(`${head}${choice}${rest}`)) {
        out.push(expanded);
        if (out.length > MAX_ALTERNATIVES) throw new RangeError(`a pattern expands to more than ${MAX_ALTERNATIVES} alternatives`);
      }
    }
    return out;
  }
  return [pattern];
}

/** The index of the `]` closing a class that starts at `open`; undefined when it does not close (then `[` is literal). */
function classEnd(pattern: string, open: number): number | undefined {
  let i = open + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']') return i;
  }
  return undefined;
}

function parseClass(body: string): { ranges: Array<[number, number]>; negated: boolean } {
  let i = 0;
  const negated = body[0] === '!' || body[0] === '^';
  if (negated) i++;
  const ranges: Array<[number, number]> = [];
  const chars: string[] = [];
  for (; i < body.length; i++) chars.push(body[i] === '\\' && i + 1 < body.length ? (body[++i] as string) : (body[i] as string));
  for (let k = 0; k < chars.length; k++) {
    const from = (chars[k] as string).codePointAt(0) as number;
    if (chars[k + 1] === '-' && k + 2 < chars.length) {
      ranges.push([from, (chars[k + 2] as string).codePointAt(0) as number]);
      k += 2;
    } else ranges.push([from, from]);
  }
  return { ranges, negated };
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  const segmentStart = (i: number) => i === 0 || pattern[i - 1] === '/';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) tokens.push({ kind: 'char', char: pattern[++i] as string });
    else if (c === '*') {
      let last = i;
      while (pattern[last + 1] === '*') last++;
      // Exactly two stars: `***` is one star, as in picomatch.
      const wholeSegment = last === i + 1 && segmentStart(i) && (last + 1 === pattern.length || pattern[last + 1] === '/');
      if (!wholeSegment) {
        // `a**b` is `a*b`: ** is special only as a whole segment.
        if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
        i = last;
      } else if (last + 1 === pattern.length) {
        // A final `/**` also matches the directory itself: take back the slash before it.
        const slash = tokens.at(-1);
        const bare = !(slash?.kind === 'char' && slash.char === '/');
        if (!bare) tokens.pop();
        tokens.push({ kind: 'tail', bare, orNothing: bare || tokens.at(-1)?.kind !== 'star' });
        i = last;
      } else {
        tokens.push({ kind: 'segments' });
        i = last + 1;
      }
    } else if (c === '?') tokens.push({ kind: 'one' });
    else if (c === '[') {
      const end = classEnd(pattern, i);
      if (end === undefined) tokens.push({ kind: 'char', char: c });
      else {
        tokens.push({ kind: 'class', ...parseClass(pattern.slice(i + 1, end)) });
        i = end;
      }
    } else tokens.push({ kind: 'char', char: c });
  }
  return tokens;
}

function inClass(token: Extract<Token, { kind: 'class' }>, c: string): boolean {
  if (c === '/') return false;
  const code = c.codePointAt(0) as number;
  const hit = token.ranges.some(([from, to]) => code >= from && code <= to);
  return hit !== token.negated;
}

/** One alternative (no braces left) as a state machine over the text's characters. */
function compileAlternative(pattern: string): (text: string) => boolean {
  const tokens = tokenize(pattern);
  const m = tokens.length;
  // State i: tokens[0..i) matched. `segments` and `tail` have a second, inner state (m + 1 + i):
  // inside the run of segments (before its closing '/'), or past the tail's slash.
  const size = 2 * m + 2;
  const close = (states: Uint8Array): void => {
    // Stars, segment runs and tails may match nothing: the next state is reachable for free.
    for (let i = 0; i < m; i++) {
      const kind = tokens[i]?.kind;
      const token = tokens[i];
      const free = kind === 'star' || kind === 'segments' || (token?.kind === 'tail' && token.orNothing);
      if (states[i] && free) states[i + 1] = 1;
      if (kind === 'tail' && states[m + 1 + i]) states[i + 1] = 1;
    }
  };
  return (text) => {
    let current = new Uint8Array(size);
    let next = new Uint8Array(size);
    current[0] = 1;
    close(current);
    for (let p = 0; p < text.length; p++) {
      const c = text[p] as string;
      next.fill(0);
      for (let i = 0; i < m; i++) {
        const token = tokens[i] as Token;
        const inner = m + 1 + i;
        if (current[i]) {
          if (token.kind === 'char') {
            if (token.char === c) next[i + 1] = 1;
          } else if (token.kind === 'one') {
            if (c !== '/') next[i + 1] = 1;
          } else if (token.kind === 'class') {
            if (inClass(token, c)) next[i + 1] = 1;
          } else if (token.kind === 'star') {
            if (c !== '/') next[i] = 1;
          } else if (token.kind === 'segments') {
            if (c === '/') next[i + 1] = next[inner] = 1;
            else next[inner] = 1;
          } else if (token.bare || c === '/') next[inner] = 1;
        }
        if (current[inner]) {
          if (token.kind === 'segments') {
            next[inner] = 1;
            if (c === '/') next[i + 1] = 1;
          } else if (token.kind === 'tail') next[inner] = 1;
        }
      }
      close(next);
      if (!next.includes(1)) return false;
      [current, next] = [next, current];
    }
    return current[m] === 1;
  };
}

export function compileGlob(pattern: string): Glob {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new RangeError(`a pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  let body = pattern;
  let negated = false;
  while (body.startsWith('!')) {
    negated = !negated;
    body = body.slice(1);
  }
  // `./x` names x, as the paths matched here never start with ./; whole-segment globstars in a row are one.
  while (body.startsWith('./')) body = body.slice(2);
  body = body.replace(/(^|\/)\*\*(?:\/\*\*)+(?=\/|$)/g, '$1**');
  const alternatives = expandBraces(body).map(compileAlternative);
  return {
    pattern,
    negated,
    matches: (text) => alternatives.some((matches) => matches(text)) !== negated,
  };
}

export function hasGlob(pattern: string): boolean {
  return /[*?[{]|^!/.test(pattern);
}

const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);

/** Files under `root` whose root-relative, '/'-separated path matches the pattern. */
export function globFiles(root: string, pattern: string): string[] {
  const matcher = compileGlob(pattern.replace(/^\.\//, ''));
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(full);
      } else if (entry.isFile()) {
        const rel = relative(root, full).split(sep).join('/');
        if (matcher.matches(rel)) found.push(rel);
      }
    }
  };
  walk(root);
  return found.sort();
}
