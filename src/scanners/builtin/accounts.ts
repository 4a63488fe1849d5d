import type { Finding } from '../../model/finding.js';
import { resolvePath } from '../../image/overlay.js';
import { builtinFinding, type ImageSubject } from './finding.js';

/** BH210 BH211 BH213: local accounts in /etc/passwd, /etc/shadow and /etc/group. */

export const ACCOUNT_FILES = new Set(['etc/passwd', 'etc/shadow', 'etc/group']);
const ACCOUNT_FILE_CAP = 1024 * 1024;

export function accountContentWanted(path: string, size: number): number {
  return ACCOUNT_FILES.has(path) ? Math.min(size, ACCOUNT_FILE_CAP) : 0;
}

interface Row {
  fields: string[];
  line: number;
}

function rows(text: string | undefined): Row[] {
  if (text === undefined) return [];
  return text
    .split('\n')
    .map((line, i) => ({ fields: line.split(':'), line: i + 1 }))
    .filter((r) => r.fields.length >= 3 && !(r.fields[0] ?? '').startsWith('#') && (r.fields[0] ?? '') !== '');
}

function read(image: ImageSubject, path: string): { text: string; layer: number } | undefined {
  const found = resolvePath(image.model.filesystem, path);
  if (found.kind !== 'found' || !found.placed.file.content) return undefined;
  return { text: found.placed.file.content.toString('utf8'), layer: found.placed.layer };
}

export function checkAccounts(image: ImageSubject): Finding[] {
  const findings: Finding[] = [];
  const passwd = read(image, 'etc/passwd');
  const shadow = read(image, 'etc/shadow');
  const group = read(image, 'etc/group');
  const users = rows(passwd?.text);
  for (const row of users) {
    const [name, , uid] = row.fields;
    if (uid === '0' && name !== 'root') {
      findings.push(
        builtinFinding('BH210', image, {
          message: `Account "${name}" has UID 0 (/etc/passwd line ${row.line}): it is root under another name.`,
          path: 'etc/passwd',
          ...(passwd ? { layer: passwd.layer } : {}),
          subject: `uid0:${name}`,
        }),
      );
    }
  }
  const shadowed = new Set<string>();
  for (const row of rows(shadow?.text)) {
    const [name, hash] = row.fields;
    shadowed.add(name as string);
    if (hash === '') {
      findings.push(
        builtinFinding('BH211', image, {
          message: `Account "${name}" has an empty password in /etc/shadow (line ${row.line}): it logs in without one. Lock it with passwd -l.`,
          path: 'etc/shadow',
          ...(shadow ? { layer: shadow.layer } : {}),
          subject: `empty:${name}`,
        }),
      );
    }
  }
  for (const row of users) {
    const [name, password] = row.fields;
    if (password === '' && !shadowed.has(name as string)) {
      findings.push(
        builtinFinding('BH211', image, {
          message: `Account "${name}" has an empty password field in /etc/passwd (line ${row.line}) and no shadow entry: it logs in without a password.`,
          path: 'etc/passwd',
          ...(passwd ? { layer: passwd.layer } : {}),
          subject: `empty:${name}`,
        }),
      );
    }
  }
  const duplicates = (list: Row[], what: string, file: string, layer: number | undefined): void => {
    const byId = new Map<string, string[]>();
    for (const row of list) {
      const id = row.fields[2] as string;
      if (what === 'UID' && id === '0') continue; // BH210's business
      byId.set(id, [...(byId.get(id) ?? []), row.fields[0] as string]);
    }
    for (const [id, names] of byId) {
      if (names.length < 2) continue;
      findings.push(
        builtinFinding('BH213', image, {
          message: `${what} ${id} is shared by ${names.join(', ')} in /${file}.`,
          path: file,
          ...(layer !== undefined ? { layer } : {}),
          subject: `${what}:${id}`,
        }),
      );
    }
  };
  duplicates(users, 'UID', 'etc/passwd', passwd?.layer);
  duplicates(rows(group?.text), 'GID', 'etc/group', group?.layer);
  return findings;
}
