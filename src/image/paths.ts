import { FormatError } from '../util/errors.js';

/**
 * A tar member name as a path inside the image: no leading `/` or `./`, no `.` segments, no
 * trailing slash. `..` that stays inside the root is resolved; `..` that would leave it is hostile.
 * Returns '' for the root itself.
 */
export function normalizeImagePath(name: string, where: string): string {
  if (name.includes('\u0000')) throw new FormatError(where, `an entry name holds a NUL byte; the archive is corrupt or hostile.`);
  const out: string[] = [];
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) {
        throw new FormatError(
          where,
          `entry "${printable(name)}" climbs out of the image root with "..": the archive is hostile or corrupt, and was not read further.`,
        );
      }
      out.pop();
      continue;
    }
    out.push(segment);
  }
  return out.join('/');
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Names from archives go into messages: keep them printable and short. */
export function printable(text: string, max = 200): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
}
