import type { YamlFile, YamlView } from './yamlView.js';

/**
 * Maps lines of kustomize's rendered output back to the files that define each object: the
 * object is found by kind and name, the field by its path (list items by their `name` where they
 * have one, so a patch that adds a container does not shift the others). A field the base does
 * not have (added by a patch) maps to its nearest ancestor; an object no base defines maps to the
 * kustomization file.
 */

const MAX_DEPTH = 64;

type Visit = (path: string, line: number) => void;

function walk(view: YamlView, path: string, visit: Visit, depth: number): void {
  visit(path, view.line);
  if (depth >= MAX_DEPTH) return;
  if (view.isMap()) {
    for (const [key, child] of view.entries()) walk(child, `${path}/${key}`, visit, depth + 1);
  } else if (view.isSeq()) {
    view.items().forEach((item, index) => {
      const name = item.isMap() ? item.get('name')?.raw('name') : undefined;
      walk(item, `${path}/${name !== undefined ? `name=${name}` : index}`, visit, depth + 1);
    });
  }
}

function identity(document: YamlView): string | undefined {
  if (!document.isMap()) return undefined;
  const kind = document.get('kind')?.raw('kind');
  const name = document.at('metadata', 'name')?.raw('metadata.name');
  return kind && name ? `${kind}/${name}` : undefined;
}

interface Located {
  file: string;
  lines: Map<string, number>;
}

export type LineTranslator = (line: number) => { file: string; line: number };

export function kustomizeTranslator(rendered: YamlFile, bases: readonly YamlFile[], kustomization: string): LineTranslator {
  const byIdentity = new Map<string, Located>();
  for (const base of bases) {
    for (const document of base.documents) {
      const id = identity(document);
      if (!id || byIdentity.has(id)) continue;
      const lines = new Map<string, number>();
      walk(document, '', (path, line) => lines.set(path, line), 0);
      byIdentity.set(id, { file: base.file, lines });
    }
  }
  // For each rendered document: its first line, the base that defines it, and line → path.
  const documents = rendered.documents.map((document) => {
    // The deepest field wins a line: kustomize writes `- image: x` with the list item on the same line.
    const paths = new Map<number, string>();
    walk(document, '', (path, line) => paths.set(line, path), 0);
    const id = identity(document);
    return { start: document.valueLine, paths, base: id ? byIdentity.get(id) : undefined };
  });
  return (line) => {
    const document = documents.filter((d) => d.start <= line).at(-1);
    if (!document?.base) return { file: kustomization, line: 1 };
    let path = document.paths.get(line) ?? '';
    for (;;) {
      const found = document.base.lines.get(path);
      if (found !== undefined) return { file: document.base.file, line: found };
      if (path === '') return { file: document.base.file, line: 1 };
      path = path.slice(0, path.lastIndexOf('/'));
    }
  };
}
