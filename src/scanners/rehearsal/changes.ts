import { posix } from 'node:path';

/** One line of `docker diff`: A added, C changed, D deleted. */
export interface Change {
  kind: 'A' | 'C' | 'D';
  path: string;
}

/** Parses `docker diff` output; lines that are not a change are left out. */
export function parseChanges(text: string): Change[] {
  const changes: Change[] = [];
  for (const line of text.split('\n')) {
    const match = /^([ACD]) (\/.*)$/.exec(line.trimEnd());
    if (match) changes.push({ kind: match[1] as Change['kind'], path: posix.normalize(match[2] as string) });
  }
  return changes;
}

export interface WrittenPaths {
  /** Directories to mount as tmpfs or emptyDir so that a read-only root holds: the parents of what it created. */
  volumes: string[];
  /** What it created outside /tmp and the image's VOLUMEs, by directory of `volumes`. */
  files: string[];
  /** Files of the image it changed or deleted, or created at the root: a volume cannot take those. */
  unmountable: string[];
}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}

/** The most paths a summary lists; the rest are counted. */
const MAX_PATHS = 200;

/**
 * What a writable-root run wrote, as the volumes that would take it. A directory it created is
 * mounted at its parent (an emptyDir starts empty, like the directory did); a changed file of
 * the image cannot be moved to a volume without hiding its neighbours, so it is named instead.
 */
export function writtenPaths(changes: readonly Change[], imageVolumes: readonly string[]): WrittenPaths {
  const outside = changes.filter((c) => !under(c.path, '/tmp') && !imageVolumes.some((v) => under(c.path, posix.normalize(v))));
  const added = new Set(outside.filter((c) => c.kind === 'A').map((c) => c.path));
  const paths = outside.map((c) => c.path);
  const hasChild = (path: string) => paths.some((p) => p !== path && under(p, path));
  const files = [...added].filter((p) => !hasChild(p)).sort();
  const topmost = [...added].filter((p) => !added.has(posix.dirname(p)));
  const unmountable = [
    ...outside.filter((c) => (c.kind === 'C' && !hasChild(c.path)) || c.kind === 'D').map((c) => c.path),
    ...topmost.filter((p) => posix.dirname(p) === '/'),
  ].sort();
  const parents = [...new Set(topmost.map((p) => posix.dirname(p)).filter((d) => d !== '/'))].sort();
  const volumes = parents.filter((d) => !parents.some((other) => other !== d && under(d, other)));
  return { volumes, files: files.slice(0, MAX_PATHS), unmountable: unmountable.slice(0, MAX_PATHS) };
}
