import { isAbsolute, relative, sep } from 'node:path';

/** A path as reports show it: workspace-relative and '/'-separated when inside the workspace, else as given. */
export function workspacePath(workspace: string, full: string): string {
  const rel = relative(workspace, full);
  return (rel.startsWith('..') || isAbsolute(rel) ? full : rel).split(sep).join('/');
}
