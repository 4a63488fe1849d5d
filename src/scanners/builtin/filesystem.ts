import type { Finding } from '../../model/finding.js';
import type { PlacedFile } from '../../image/overlay.js';
import { resolvePath } from '../../image/overlay.js';
import { baseName } from '../../image/paths.js';
import { builtinFinding, layerLabel, listSome, type ImageSubject } from './finding.js';

/** BH201 BH202 BH203 BH207 BH208 BH212: what the final filesystem holds. */

const SETUID = 0o4000;
const SETGID = 0o2000;
const STICKY = 0o1000;

function newestLayer(items: readonly PlacedFile[]): number | undefined {
  return items.reduce<number | undefined>((max, p) => (max === undefined || p.layer > max ? p.layer : max), undefined);
}

function sorted(items: PlacedFile[]): PlacedFile[] {
  return items.sort((a, b) => a.file.path.localeCompare(b.file.path));
}

export function checkFilesystem(image: ImageSubject): Finding[] {
  const findings: Finding[] = [];
  const setuid: PlacedFile[] = [];
  const capable: PlacedFile[] = [];
  const writable: PlacedFile[] = [];
  const gitDirs: PlacedFile[] = [];
  for (const placed of image.model.filesystem.files.values()) {
    const { file } = placed;
    if (file.type === 'file' && file.mode & (SETUID | SETGID)) setuid.push(placed);
    if (file.capability !== undefined && file.type === 'file') capable.push(placed);
    if ((file.type === 'file' || file.type === 'dir') && file.mode & 0o002 && !(file.type === 'dir' && file.mode & STICKY))
      writable.push(placed);
    if (file.type === 'dir' && baseName(file.path) === '.git') gitDirs.push(placed);
  }
  if (setuid.length > 0) {
    const paths = sorted(setuid).map((p) => `${p.file.path}${p.file.mode & SETUID ? '' : ' (setgid)'}`);
    findings.push(
      builtinFinding('BH201', image, {
        message: `${setuid.length} setuid/setgid file${setuid.length === 1 ? '' : 's'}: ${listSome(paths)}. Remove the bits unless the workload needs them.`,
        subject: 'setuid',
        ...layerOf(newestLayer(setuid)),
      }),
    );
  }
  for (const placed of sorted(capable)) {
    findings.push(
      builtinFinding('BH202', image, {
        message: `/${placed.file.path} carries file capabilities (security.capability ${placed.file.capability?.slice(0, 24)}), added in ${layerLabel(image, placed.layer)}.`,
        path: placed.file.path,
        layer: placed.layer,
      }),
    );
  }
  if (writable.length > 0) {
    findings.push(
      builtinFinding('BH203', image, {
        message: `${writable.length} world-writable path${writable.length === 1 ? '' : 's'} without the sticky bit: ${listSome(sorted(writable).map((p) => `${p.file.path} (${(p.file.mode & 0o7777).toString(8).padStart(4, '0')})`))}.`,
        subject: 'world-writable',
        ...layerOf(newestLayer(writable)),
      }),
    );
  }
  for (const placed of sorted(gitDirs)) {
    findings.push(
      builtinFinding('BH212', image, {
        message: `/${placed.file.path} is a git repository copied into the image by ${layerLabel(image, placed.layer)}: its history and config ship with the image.`,
        path: placed.file.path,
        layer: placed.layer,
      }),
    );
  }
  findings.push(...checkCaches(image), ...checkSudo(image));
  return findings;
}

function layerOf(layer: number | undefined): { layer?: number } {
  return layer === undefined ? {} : { layer };
}

interface CacheKind {
  name: string;
  /** Directory whose files (not subdirectories' markers) count as cache. */
  dir: RegExp;
  ignore?: RegExp;
}

const CACHES: CacheKind[] = [
  { name: 'apt package lists', dir: /^var\/lib\/apt\/lists\//, ignore: /^var\/lib\/apt\/lists\/(lock|partial(\/.*)?|auxfiles(\/.*)?)$/ },
  { name: 'downloaded .deb files', dir: /^var\/cache\/apt\/archives\/[^/]+\.deb$/ },
  { name: 'apt package caches', dir: /^var\/cache\/apt\/(pkgcache|srcpkgcache)\.bin$/ },
  { name: 'apk cache', dir: /^(var\/cache\/apk|etc\/apk\/cache)\/[^/]+$/, ignore: /\/installed$/ },
  { name: 'yum/dnf cache', dir: /^var\/cache\/(yum|dnf)\/.+/ },
  { name: 'pip cache', dir: /^(root|home\/[^/]+)\/\.cache\/pip\/.+/ },
  { name: 'npm cache', dir: /^(root|home\/[^/]+)\/\.npm\/_cacache\/.+/ },
  { name: 'yarn cache', dir: /^(usr\/local\/share\/\.cache\/yarn|(root|home\/[^/]+)\/\.cache\/yarn)\/.+/ },
];

function checkCaches(image: ImageSubject): Finding[] {
  const found = new Map<string, { files: number; bytes: number; layer: number; example: string }>();
  for (const placed of image.model.filesystem.files.values()) {
    if (placed.file.type !== 'file') continue;
    const path = placed.file.path;
    for (const cache of CACHES) {
      if (!cache.dir.test(path) || cache.ignore?.test(path)) continue;
      const entry = found.get(cache.name) ?? { files: 0, bytes: 0, layer: placed.layer, example: path };
      entry.files += 1;
      entry.bytes += placed.file.size;
      entry.layer = Math.max(entry.layer, placed.layer);
      found.set(cache.name, entry);
      break;
    }
  }
  if (found.size === 0) return [];
  const parts = [...found.entries()].map(
    ([name, e]) => `${name} (${e.files} file${e.files === 1 ? '' : 's'}, ${formatBytes(e.bytes)}, e.g. /${e.example})`,
  );
  const layer = Math.max(...[...found.values()].map((e) => e.layer));
  return [
    builtinFinding('BH207', image, {
      message: `Package-manager caches left in the image: ${parts.join('; ')}. Clean them in the same RUN that installs.`,
      subject: 'caches',
      layer,
    }),
  ];
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function checkSudo(image: ImageSubject): Finding[] {
  const findings: Finding[] = [];
  const fs = image.model.filesystem;
  for (const candidate of ['usr/bin/sudo', 'bin/sudo', 'usr/local/bin/sudo', 'usr/sbin/sudo']) {
    const found = resolvePath(fs, candidate);
    if (found.kind === 'found' && found.placed.file.type === 'file') {
      findings.push(
        builtinFinding('BH208', image, {
          message: `sudo is installed (/${found.path}, ${layerLabel(image, found.placed.layer)}).`,
          path: found.path,
          layer: found.placed.layer,
          subject: 'sudo',
        }),
      );
      break;
    }
  }
  for (const placed of fs.files.values()) {
    const path = placed.file.path;
    if (path !== 'etc/sudoers' && !path.startsWith('etc/sudoers.d/')) continue;
    const text = placed.file.content?.toString('utf8') ?? '';
    const grants = text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => !line.startsWith('#') && /\bNOPASSWD\s*:/.test(line));
    if (grants.length === 0) continue;
    const who = grants.map((line) => line.split(/\s+/)[0]).join(', ');
    findings.push(
      builtinFinding('BH208', image, {
        message: `/${path} grants NOPASSWD to ${who}: any process running as them becomes root.`,
        path,
        layer: placed.layer,
      }),
    );
  }
  return findings;
}
