import { FormatError } from '../util/errors.js';
import { printable } from './paths.js';

/**
 * A streaming tar reader: headers are parsed as they arrive and file bodies are handed to a sink
 * in the slices they came in, so memory never depends on file sizes. Reads ustar, GNU long
 * names (L/K) and PAX extended headers (path, linkpath, size, uid, gid, SCHILY.xattr.*).
 *
 * What it sees is what the runtime extracts: it follows Go's archive/tar (which Docker and
 * containerd use) and containerd's apply, and refuses what they refuse:
 * - the archive ends at two zero blocks, or at one followed by the end of the stream; a zero
 *   block followed by anything else is an error (Go's ErrHeader), not an end to stop reading at;
 * - a GNU long name or link (L/K) overrides a PAX path or linkpath given for the same entry;
 * - the ustar prefix counts only in ustar/PAX headers (magic "ustar\0", version "00");
 * - only the old type '\0' with a trailing slash is a directory; a '0' entry named "x/" is a
 *   regular file with a body;
 * - entry types containerd does not extract (contiguous '7', GNU sparse 'S', vendor types) are
 *   refused, as containerd refuses the layer;
 * - PAX global headers ('g') are read and ignored, as containerd ignores them.
 */

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';

export interface TarHeader {
  /** The member name exactly as stored (after PAX/GNU long-name overrides), not yet normalized. */
  name: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkname: string;
  /** Extended attributes from PAX `SCHILY.xattr.*` records (e.g. security.capability). */
  xattrs?: Map<string, Buffer>;
}

export interface TarEntrySink {
  write(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
}

export interface TarLimits {
  /** Largest size an entry may claim; anything larger is treated as hostile. */
  maxEntrySize: number;
  /** Largest PAX or GNU long-name header body. */
  maxMetaSize: number;
  /** Most entries one archive may hold. */
  maxEntries: number;
}

export const DEFAULT_TAR_LIMITS: TarLimits = {
  maxEntrySize: 64 * 1024 ** 3,
  maxMetaSize: 1024 * 1024,
  maxEntries: 5_000_000,
};

const BLOCK = 512;

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\u0000': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

function cString(buf: Buffer, offset: number, length: number): string {
  const end = buf.indexOf(0, offset);
  return buf.toString('utf8', offset, end >= 0 && end < offset + length ? end : offset + length);
}

/** Octal (NUL/space terminated) or GNU base-256 numbers. NaN when the field is garbage. Exported for its tests. */
export function tarNumber(buf: Buffer, offset: number, length: number): number {
  const first = buf[offset] as number;
  if (first & 0x80) {
    if (first === 0xff) return Number.NaN; // negative base-256: never valid here
    let value = first & 0x7f;
    for (let i = 1; i < length; i++) {
      value = value * 256 + (buf[offset + i] as number);
      if (value > Number.MAX_SAFE_INTEGER) return Number.POSITIVE_INFINITY;
    }
    return value;
  }
  // Read from the bytes (every entry has several numbers): NULs and spaces around the digits are
  // padding; anything else but 0-7 between them makes the field garbage.
  const [start, end] = octalDigits(buf, offset, length);
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = (buf[i] as number) - 0x30;
    if (digit < 0 || digit > 7) return Number.NaN;
    value = value * 8 + digit;
  }
  return value;
}

/** Where a field's digits are once the NUL and space padding on both sides is left out. */
function octalDigits(buf: Buffer, offset: number, length: number): [number, number] {
  let start = offset;
  let end = offset + length;
  while (start < end && (buf[start] === 0 || buf[start] === 0x20)) start++;
  while (end > start && (buf[end - 1] === 0 || buf[end - 1] === 0x20)) end--;
  return [start, end];
}

/** True when Go's parseNumeric reads the field without error. Exported for its tests. */
export function numericOk(buf: Buffer, offset: number, length: number): boolean {
  if ((buf[offset] as number) & 0x80) return Number.isFinite(tarNumber(buf, offset, length));
  const [start, end] = octalDigits(buf, offset, length);
  if (end - start > 22) return false;
  for (let i = start; i < end; i++) if ((buf[i] as number) < 0x30 || (buf[i] as number) > 0x37) return false;
  return true;
}

/**
 * The ustar prefix joined to the name, as Go's readHeader decides it: USTAR/PAX headers (magic
 * "ustar\0") have a 155-byte prefix, star headers (trailer "tar\0") a 131-byte one; GNU headers
 * have none, unless their atime/ctime fields do not parse and the field is ASCII (pre-Go 1.8 files).
 */
function ustarPrefix(header: Buffer): string {
  // "ustar" then NUL (POSIX) or space (GNU), compared as bytes: every entry has a header.
  const ustar = header[257] === 0x75 && header[258] === 0x73 && header[259] === 0x74 && header[260] === 0x61 && header[261] === 0x72;
  if (ustar && header[262] === 0) {
    const star = header[508] === 0x74 && header[509] === 0x61 && header[510] === 0x72 && header[511] === 0;
    return star ? cString(header, 345, 131) : cString(header, 345, 155);
  }
  if (ustar && header[262] === 0x20 && header[263] === 0x20 && header[264] === 0) {
    const garbled = (header[345] !== 0 && !numericOk(header, 345, 12)) || (header[357] !== 0 && !numericOk(header, 357, 12));
    const text = cString(header, 345, 155);
    if (garbled && /^[\u0000-\u007f]*$/.test(header.toString('latin1', 345, 345 + Math.min(155, Buffer.byteLength(text))))) return text;
  }
  return '';
}

/** Exported for its tests. */
export function checksumOk(header: Buffer): boolean {
  const stored = tarNumber(header, 148, 8);
  // The sum with the checksum field counted as spaces; the signed sum differs by 256 for each byte over 127.
  let unsigned = 8 * 0x20;
  let high = 0;
  for (let i = 0; i < BLOCK; i++) {
    if (i === 148) i = 156;
    const byte = header[i] as number;
    unsigned += byte;
    high += byte >>> 7;
  }
  return stored === unsigned || stored === unsigned - 256 * high;
}

function isZeroBlock(header: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (header[i] !== 0) return false;
  return true;
}

interface PaxRecords {
  path?: string;
  linkpath?: string;
  size?: number;
  uid?: number;
  gid?: number;
  xattrs?: Map<string, Buffer>;
}

/** Go's parsePAXRecord rules: `<length> <key>=<value>\n`, every part present, no NUL in keys or names. */
function parsePax(body: Buffer, where: string): PaxRecords {
  const records: PaxRecords = {};
  const malformed = (): never => {
    throw new FormatError(where, `a PAX header record is malformed; the archive is corrupt.`);
  };
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    if (space < 0) malformed();
    const lengthText = body.toString('latin1', pos, space);
    const length = /^[0-9]+$/.test(lengthText) ? Number(lengthText) : Number.NaN;
    if (!Number.isSafeInteger(length) || length < 5 || pos + length > body.length || length <= space - pos) malformed();
    if (body[pos + length - 1] !== 0x0a) malformed();
    const record = body.subarray(space + 1, pos + length - 1);
    const eq = record.indexOf(0x3d);
    if (eq < 0) malformed();
    const key = record.toString('utf8', 0, eq);
    const value = record.subarray(eq + 1);
    const named = key === 'path' || key === 'linkpath' || key === 'uname' || key === 'gname';
    if (key === '' || (named ? value.includes(0) : key.includes('\u0000'))) malformed();
    if (key === 'path') records.path = value.toString('utf8');
    else if (key === 'linkpath') records.linkpath = value.toString('utf8');
    else if (key === 'size' || key === 'uid' || key === 'gid') {
      const text = value.toString('latin1');
      const number = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(number))
        throw new FormatError(where, `PAX ${key} "${printable(text, 40)}" is not a number; the archive is corrupt.`);
      records[key] = number;
    } else if (key.startsWith('SCHILY.xattr.')) {
      (records.xattrs ??= new Map()).set(key.slice('SCHILY.xattr.'.length), Buffer.from(value));
    } else if (key.startsWith('LIBARCHIVE.xattr.')) {
      let name: string;
      try {
        name = decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length));
      } catch {
        throw new FormatError(where, `a PAX xattr name is not valid percent-encoding; the archive is corrupt.`);
      }
      (records.xattrs ??= new Map()).set(name, Buffer.from(value.toString('latin1'), 'base64'));
    }
    pos += length;
  }
  return records;
}

type Phase = 'header' | 'meta' | 'data' | 'padding' | 'end';

/** What the meta headers before a member said about it. */
interface PendingMeta {
  pax: PaxRecords;
  longName: string | undefined;
  longLink: string | undefined;
}

/** One member's header as Go's archive/tar gives it, checked as containerd's apply would. */
function memberHeader(
  header: Buffer,
  typeflag: string,
  headerSize: number,
  pending: PendingMeta,
  where: string,
  limits: TarLimits,
): TarHeader {
  const prefix = ustarPrefix(header);
  // Go's archive/tar: PAX records first, then a GNU long name or link over them.
  let name = pending.longName ?? pending.pax.path ?? (prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100));
  const linkname = pending.longLink ?? pending.pax.linkpath ?? cString(header, 157, 100);
  let size = pending.pax.size ?? headerSize;
  const uid = pending.pax.uid ?? tarNumber(header, 108, 8);
  const gid = pending.pax.gid ?? tarNumber(header, 116, 8);
  const mode = tarNumber(header, 100, 8);
  const xattrs = pending.pax.xattrs;
  if (size > limits.maxEntrySize) {
    throw new FormatError(
      where,
      `entry "${printable(name)}" claims ${size} bytes (limit ${limits.maxEntrySize}); the archive is hostile or corrupt.`,
    );
  }
  if ([uid, gid, mode].some((n) => !Number.isFinite(n))) {
    throw new FormatError(where, `entry "${printable(name)}" has an unreadable mode, uid or gid; the archive is corrupt.`);
  }
  let type = TYPES[typeflag];
  if (type === undefined) {
    throw new FormatError(
      where,
      `entry "${printable(name)}" has type ${JSON.stringify(typeflag)}, which the container runtime refuses to extract; the layer cannot be run as it is.`,
    );
  }
  // Old tars (type '\0') mark directories only by a trailing slash; a '0' entry never.
  if (typeflag === '\u0000' && name.endsWith('/')) type = 'dir';
  // Links, devices and directories have no body whatever the size field says (GNU writes 0 anyway).
  if (type === 'hardlink' || type === 'symlink' || type === 'dir' || type === 'char' || type === 'block' || type === 'fifo') size = 0;
  if (name === '') name = '.';
  return { name, type, mode: mode & 0o7777, uid, gid, size, linkname, ...(xattrs ? { xattrs } : {}) };
}

type EntryHandler = (header: TarHeader) => TarEntrySink | undefined | Promise<TarEntrySink | undefined>;

const padTo = (n: number): number => (BLOCK - (n % BLOCK)) % BLOCK;

/** The reader's state between chunks: which part of the archive the next byte belongs to. */
class TarStream {
  readonly header = Buffer.alloc(BLOCK);
  headerFill = 0;
  phase: Phase = 'header';
  remaining = 0;
  padding = 0;
  entries = 0;
  private sink: TarEntrySink | undefined;
  private metaKind = '';
  private metaChunks: Buffer[] = [];
  private pending: PendingMeta = { pax: {}, longName: undefined, longLink: undefined };
  lastName = '';
  private sawZeroBlock = false;

  constructor(
    private readonly onEntry: EntryHandler,
    private readonly where: string,
    private readonly limits: TarLimits,
  ) {}

  private after(): string {
    return this.lastName ? ` after "${printable(this.lastName)}"` : '';
  }

  async startHeader(): Promise<void> {
    const { header, where, limits } = this;
    if (isZeroBlock(header)) {
      if (this.sawZeroBlock) this.phase = 'end';
      this.sawZeroBlock = true;
      return;
    }
    if (this.sawZeroBlock) {
      throw new FormatError(
        where,
        `a zero block${this.after()} is followed by more entries; the archive ends there for the runtime, so it is hostile or corrupt.`,
      );
    }
    if (!checksumOk(header))
      throw new FormatError(where, `a tar header${this.after()} has a bad checksum; the archive is corrupt or not a tar.`);
    const typeflag = String.fromCharCode(header[156] as number);
    const size = tarNumber(header, 124, 12);
    if (Number.isNaN(size)) throw new FormatError(where, `a tar header holds an unreadable size; the archive is corrupt.`);
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (size > limits.maxMetaSize) {
        throw new FormatError(
          where,
          `an extended header claims ${size} bytes (limit ${limits.maxMetaSize}); the archive is hostile or corrupt.`,
        );
      }
      this.metaKind = typeflag;
      this.metaChunks = [];
      this.enterBody(size, 'meta');
      if (size === 0) this.finishMeta();
      return;
    }
    const member = memberHeader(header, typeflag, size, this.pending, where, limits);
    this.pending = { pax: {}, longName: undefined, longLink: undefined };
    this.entries += 1;
    if (this.entries > limits.maxEntries) throw new FormatError(where, `more than ${limits.maxEntries} entries; the archive is hostile.`);
    this.lastName = member.name;
    this.sink = (await this.onEntry(member)) ?? undefined;
    this.enterBody(member.size, 'data');
    if (member.size === 0) await this.endSink();
  }

  private enterBody(size: number, kind: 'meta' | 'data'): void {
    this.remaining = size;
    this.padding = padTo(size);
    this.phase = size > 0 ? kind : this.padding > 0 ? 'padding' : 'header';
  }

  private async endSink(): Promise<void> {
    const sink = this.sink;
    this.sink = undefined;
    if (sink) await sink.end();
  }

  private finishMeta(): void {
    const body = Buffer.concat(this.metaChunks);
    this.metaChunks = [];
    if (this.metaKind === 'x') this.pending.pax = parsePax(body, this.where);
    else if (this.metaKind === 'L') this.pending.longName = cString(body, 0, body.length);
    else if (this.metaKind === 'K') this.pending.longLink = cString(body, 0, body.length);
    // 'g' (global) records: checked as Go checks them (a malformed one is ErrHeader), then ignored as containerd does.
    else if (this.metaKind === 'g') parsePax(body, this.where);
  }

  /** Takes the body bytes at `pos`; returns the new position. */
  async body(chunk: Buffer, pos: number): Promise<number> {
    const take = Math.min(this.remaining, chunk.length - pos);
    const slice = chunk.subarray(pos, pos + take);
    this.remaining -= take;
    if (this.phase === 'meta') this.metaChunks.push(slice);
    else if (this.sink) await this.sink.write(slice);
    if (this.remaining === 0) {
      if (this.phase === 'meta') this.finishMeta();
      else await this.endSink();
      this.phase = this.padding > 0 ? 'padding' : 'header';
    }
    return pos + take;
  }

  async feed(chunk: Buffer): Promise<void> {
    let pos = 0;
    while (pos < chunk.length && this.phase !== 'end') {
      if (this.phase === 'header') {
        const take = Math.min(BLOCK - this.headerFill, chunk.length - pos);
        chunk.copy(this.header, this.headerFill, pos, pos + take);
        this.headerFill += take;
        pos += take;
        if (this.headerFill === BLOCK) {
          this.headerFill = 0;
          await this.startHeader();
        }
      } else if (this.phase === 'meta' || this.phase === 'data') pos = await this.body(chunk, pos);
      else if (this.phase === 'padding') {
        const take = Math.min(this.padding, chunk.length - pos);
        pos += take;
        this.padding -= take;
        if (this.padding === 0) this.phase = 'header';
      }
    }
    // Bytes after the end-of-archive blocks are padding to the record size: not read.
  }

  finish(): void {
    if (this.phase === 'data' || this.phase === 'meta' || (this.phase === 'header' && this.headerFill > 0)) {
      throw new FormatError(
        this.where,
        `the archive ends in the middle of ${this.lastName ? `"${printable(this.lastName)}"` : 'a header'}; it is truncated.`,
      );
    }
  }
}

/**
 * Reads a tar stream to its end. `onEntry` sees each member's header and may return a sink for its
 * body; bodies without a sink are skipped. Throws FormatError on corrupt, truncated or hostile
 * input; `where` names the archive in messages.
 */
export async function readTar(
  source: AsyncIterable<Buffer>,
  onEntry: EntryHandler,
  where: string,
  limits: TarLimits = DEFAULT_TAR_LIMITS,
): Promise<{ entries: number }> {
  const stream = new TarStream(onEntry, where, limits);
  for await (const input of source) await stream.feed(Buffer.isBuffer(input) ? input : Buffer.from(input));
  stream.finish();
  return { entries: stream.entries };
}
