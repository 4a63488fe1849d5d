import { FormatError } from '../util/errors.js';
import type { ImageFile, LayerContents } from './layer.js';
import { parentOf, printable } from './paths.js';

/** A file of the final filesystem and the layer (0-based) that put it there. */
export interface PlacedFile {
  file: ImageFile;
  layer: number;
}

/** A file that a later layer deleted or replaced, kept only when it held something secret. */
export interface HiddenFile {
  file: ImageFile;
  layer: number;
  hiddenBy: number;
  how: 'deleted' | 'overwritten';
}

export interface Filesystem {
  /** Final view: path → file (no leading slash). */
  files: Map<string, PlacedFile>;
  hidden: HiddenFile[];
  /** Things about the layers that a user should know but that are not findings (dangling links). */
  warnings: string[];
}

const MAX_SYMLINK_HOPS = 40;

function holdsSecret(file: ImageFile): boolean {
  return file.privateKey !== undefined || file.content !== undefined;
}

/**
 * Stacks layers the way overlay filesystems do: whiteouts delete a path and everything under it,
 * an opaque directory hides everything below it from lower layers, later entries replace earlier
 * ones. Hard links take their target's attributes and content.
 */
export function mergeLayers(layers: readonly LayerContents[], where = 'the image'): Filesystem {
  const files = new Map<string, PlacedFile>();
  const children = new Map<string, Set<string>>();
  const hidden: HiddenFile[] = [];
  const warnings: string[] = [];

  const link = (path: string): void => {
    let child = path;
    while (child !== '') {
      const parent = parentOf(child);
      let set = children.get(parent);
      if (!set) children.set(parent, (set = new Set()));
      if (set.has(child)) return;
      set.add(child);
      child = parent;
    }
  };
  const hide = (path: string, hiddenBy: number, how: HiddenFile['how']): void => {
    const placed = files.get(path);
    if (placed) {
      if (holdsSecret(placed.file)) hidden.push({ file: placed.file, layer: placed.layer, hiddenBy, how });
      files.delete(path);
    }
  };
  const removeTree = (path: string, hiddenBy: number, keepSelf: boolean): void => {
    const stack = [path];
    while (stack.length > 0) {
      const current = stack.pop() as string;
      const below = children.get(current);
      if (below) {
        for (const child of below) stack.push(child);
        children.delete(current);
      }
      if (current !== path || !keepSelf) {
        hide(current, hiddenBy, 'deleted');
        children.get(parentOf(current))?.delete(current);
      }
    }
  };

  layers.forEach((layer, index) => {
    for (const dir of layer.opaqueDirs) removeTree(dir, index, true);
    for (const path of layer.whiteouts) removeTree(path, index, false);
    for (const file of layer.files) {
      let placedFile = file;
      if (file.type === 'hardlink' && file.linkTarget !== undefined) {
        const target = files.get(file.linkTarget);
        if (target) {
          const { path: _targetPath, linkTarget: _targetLink, ...attributes } = target.file;
          placedFile = {
            ...attributes,
            path: file.path,
            linkTarget: file.linkTarget,
            type: target.file.type === 'hardlink' ? 'file' : target.file.type,
          };
        } else {
          // containerd links to what is already there (a lower layer, or an earlier entry of this
          // one): a link to nothing, or to a later entry, fails the layer's extraction.
          throw new FormatError(
            where,
            `layer ${index + 1}: hard link "${printable(file.path)}" points at "${printable(file.linkTarget)}", which no earlier entry or layer holds; the runtime refuses such a layer.`,
          );
        }
      }
      const existing = files.get(file.path);
      if (existing) {
        // A directory entry over a directory keeps what is below it; anything else replaces the tree.
        if (!(existing.file.type === 'dir' && placedFile.type === 'dir')) {
          if (existing.file.type === 'dir') removeTree(file.path, index, true);
          if (holdsSecret(existing.file) && existing.file.contentHash !== placedFile.contentHash) {
            hidden.push({ file: existing.file, layer: existing.layer, hiddenBy: index, how: 'overwritten' });
          }
        }
      }
      files.set(file.path, { file: placedFile, layer: index });
      link(file.path);
    }
  });
  return { files, hidden, warnings };
}

export type Resolution = { kind: 'found'; path: string; placed: PlacedFile } | { kind: 'missing' } | { kind: 'loop' };

/**
 * Looks a path up the way the container would, following symlinks in every component (absolute
 * targets start again at the image root); gives up on loops instead of spinning.
 */
export function resolvePath(fs: Filesystem, path: string): Resolution {
  let pending = path.split('/').filter((s) => s !== '' && s !== '.');
  let resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const segment = pending.shift() as string;
    if (segment === '..') {
      resolved.pop();
      continue;
    }
    const candidate = [...resolved, segment].join('/');
    const placed = fs.files.get(candidate);
    if (placed?.file.type === 'symlink' && placed.file.linkTarget !== undefined) {
      hops += 1;
      if (hops > MAX_SYMLINK_HOPS) return { kind: 'loop' };
      const target = placed.file.linkTarget;
      const targetSegments = target.split('/').filter((s) => s !== '' && s !== '.');
      if (target.startsWith('/')) resolved = [];
      pending = [...targetSegments, ...pending];
      continue;
    }
    resolved.push(segment);
  }
  const finalPath = resolved.join('/');
  const placed = fs.files.get(finalPath);
  return placed ? { kind: 'found', path: finalPath, placed } : { kind: 'missing' };
}
