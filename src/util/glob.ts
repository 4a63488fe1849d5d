import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Glob matching in time linear in the text for any pattern: `*` and `?` stay inside one path
 * segment, `**` spans segments, `**` + `/` matches zero or more whole segments. Hand-written
 * rather than compiled to a RegExp, because patterns come from files a pull request can change
 * and a backtracking engine takes exponential time on `*a*a*a*…b` (the policy file, ignore files).
 * The pattern is simulated as a set of states (a Thompson NFA): O(text × pattern) at worst.
 */
type Token = { kind: 'char'; char: string } | { kind: 'one' } | { kind: 'star' } | { kind: 'globstar' } | { kind: 'segments' };

/** The longest pattern bulkhead accepts: far above any real one, and it bounds the matching cost. */
export const MAX_PATTERN_LENGTH = 1024;

export interface Glob {
  readonly pattern: string;
  matches(text: string): boolean;
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      let last = i;
      while (pattern[last + 1] === '*') last++;
      if (last > i) {
        const slashAfter = pattern[last + 1] === '/';
        tokens.push({ kind: slashAfter ? 'segments' : 'globstar' });
        i = slashAfter ? last + 1 : last;
      } else if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') tokens.push({ kind: 'one' });
    else tokens.push({ kind: 'char', char: c });
  }
  return tokens;
}

export function compileGlob(pattern: string): Glob {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new RangeError(`a pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  const tokens = tokenize(pattern);
  const m = tokens.length;
  // State i: tokens[0..i) matched. `segments` has a second, inner state (m + 1 + i): inside the
  // run of segments, before its closing '/'.
  const size = 2 * m + 2;
  const close = (states: Uint8Array): void => {
    // Stars and segment runs may match nothing: the next state is reachable for free.
    for (let i = 0; i < m; i++) if (states[i] && tokens[i]?.kind !== 'char' && tokens[i]?.kind !== 'one') states[i + 1] = 1;
  };
  return {
    pattern,
    matches(text: string): boolean {
      let current = new Uint8Array(size);
      let next = new Uint8Array(size);
      current[0] = 1;
      close(current);
      for (let p = 0; p < text.length; p++) {
        const c = text[p] as string;
        next.fill(0);
        let any = false;
        for (let i = 0; i < m; i++) {
          const token = tokens[i] as Token;
          const inner = m + 1 + i;
          if (current[i]) {
            if (token.kind === 'char') {
              if (token.char === c) next[i + 1] = 1;
            } else if (token.kind === 'one') {
              if (c !== '/') next[i + 1] = 1;
            } else if (token.kind === 'star') {
              if (c !== '/') next[i] = 1;
            } else if (token.kind === 'globstar') next[i] = 1;
            else if (c === '/') next[i + 1] = next[inner] = 1;
            else next[inner] = 1;
          }
          if (token.kind === 'segments' && current[inner]) {
            next[inner] = 1;
            if (c === '/') next[i + 1] = 1;
          }
        }
        close(next);
        for (let i = 0; i < size && !any; i++) any = next[i] === 1;
        if (!any) return false;
        [current, next] = [next, current];
      }
      return current[m] === 1;
    },
  };
}

export function hasGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
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
