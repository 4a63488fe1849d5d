import { gzipSync } from 'node:zlib';

/** Writes tar archives by hand, so tests can make what no tool writes (hostile names, xattrs, Docker 25 layouts). */
export interface TarMember {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  body?: Buffer | string;
  mode?: number;
  uid?: number;
  gid?: number;
  linkname?: string;
  /** PAX records written in an extended header before the member (path, SCHILY.xattr.* …). */
  pax?: Record<string, string | Buffer>;
  /** Overrides the size field (for lies about size). */
  claimedSize?: number;
  /** Writes this type flag as it is ('\u0000', '7', 'S' …) instead of the type's. */
  typeflag?: string;
  /** A GNU long-name (L) or long-link (K) header before the member. */
  gnuLongName?: string;
  gnuLongLink?: string;
  /** The header's magic and version: ustar (default), GNU's "ustar  \0", or none (V7). */
  magic?: 'ustar' | 'gnu' | 'v7';
  /** The ustar prefix field (joined to the name by readers that honour it). */
  prefix?: string;
  /** Raw bytes written instead of a member (a stray zero block, garbage). */
  raw?: Buffer;
}

const TYPEFLAG = { file: '0', dir: '5', symlink: '2', hardlink: '1' } as const;

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\u0000`;
}

function header(name: string, typeflag: string, size: number, member: Partial<TarMember>): Buffer {
  const block = Buffer.alloc(512);
  block.write(name.slice(0, 100), 0, 'utf8');
  block.write(octal(member.mode ?? (typeflag === '5' ? 0o755 : 0o644), 8), 100, 'latin1');
  block.write(octal(member.uid ?? 0, 8), 108, 'latin1');
  block.write(octal(member.gid ?? 0, 8), 116, 'latin1');
  if (size > 0o77777777777) {
    block[124] = 0x80;
    let rest = size;
    for (let i = 135; i > 124; i--) {
      block[i] = rest % 256;
      rest = Math.floor(rest / 256);
    }
  } else block.write(octal(size, 12), 124, 'latin1');
  block.write(octal(0, 12), 136, 'latin1');
  block.write('        ', 148, 'latin1');
  block.write(typeflag, 156, 'latin1');
  block.write((member.linkname ?? '').slice(0, 100), 157, 'utf8');
  if (member.magic === 'gnu') block.write('ustar  \u0000', 257, 'latin1');
  else if (member.magic !== 'v7') block.write('ustar\u000000', 257, 'latin1');
  if (member.prefix) block.write(member.prefix.slice(0, 155), 345, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
  return block;
}

function pad(body: Buffer): Buffer {
  const rest = body.length % 512;
  return rest === 0 ? body : Buffer.concat([body, Buffer.alloc(512 - rest)]);
}

function paxBody(records: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(records)) {
    const payload = Buffer.concat([Buffer.from(` ${key}=`), Buffer.isBuffer(value) ? value : Buffer.from(value), Buffer.from('\n')]);
    let length = payload.length + 1;
    while (String(length).length + payload.length !== length) length = String(length).length + payload.length;
    parts.push(Buffer.concat([Buffer.from(String(length)), payload]));
  }
  return Buffer.concat(parts);
}

export function tar(members: readonly TarMember[], options: { end?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const member of members) {
    if (member.raw) {
      blocks.push(member.raw);
      continue;
    }
    const type = member.type ?? 'file';
    const body = Buffer.isBuffer(member.body) ? member.body : Buffer.from(member.body ?? '');
    if (member.pax) {
      const pax = paxBody(member.pax);
      blocks.push(header('PaxHeaders/x', 'x', pax.length, {}), pad(pax));
    }
    for (const [flag, long] of [
      ['L', member.gnuLongName],
      ['K', member.gnuLongLink],
    ] as const) {
      if (long === undefined) continue;
      const text = Buffer.from(`${long}\u0000`);
      blocks.push(header('././@LongLink', flag, text.length, { magic: 'gnu' }), pad(text));
    }
    const typeflag = member.typeflag ?? TYPEFLAG[type];
    const hasBody = member.typeflag !== undefined ? body.length > 0 : type === 'file';
    blocks.push(header(member.name, typeflag, member.claimedSize ?? (hasBody ? body.length : 0), member));
    if (hasBody && body.length > 0) blocks.push(pad(body));
  }
  if (options.end !== false) blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export const gzip = (data: Buffer): Buffer => gzipSync(data);
