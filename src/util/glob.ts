import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** `*` and `?` stay inside one path segment; `**` spans segments. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const slashAfter = pattern[i + 2] === '/';
        source += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else source += '[^/]*';
    } else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function hasGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);

/** Files under `root` whose root-relative, '/'-separated path matches the pattern. */
export function globFiles(root: string, pattern: string): string[] {
  const matcher = globToRegExp(pattern.replace(/^\.\//, ''));
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(full);
      } else if (entry.isFile()) {
        const rel = relative(root, full).split(sep).join('/');
        if (matcher.test(rel)) found.push(rel);
      }
    }
  };
  walk(root);
  return found.sort();
}
