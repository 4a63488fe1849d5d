import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { UsageError } from '../util/errors.js';
import { isIsoDate, type PolicyException } from './file.js';

/**
 * `.trivyignore`: one ID a line, optionally `exp:YYYY-MM-DD`; `#` comments. The comment lines
 * right above an entry are its reason, as teams write them.
 */
export function parseTrivyIgnore(text: string, fileName: string): PolicyException[] {
  const exceptions: PolicyException[] = [];
  let comments: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#')) {
      comments.push(line.replace(/^#+\s*/, ''));
      return;
    }
    if (line === '') {
      comments = [];
      return;
    }
    const [id, ...rest] = line.split(/\s+/);
    let expires: string | undefined;
    for (const field of rest) {
      if (field.startsWith('#')) break;
      const exp = /^exp:(.+)$/.exec(field);
      if (!exp) continue;
      if (!isIsoDate(exp[1] as string))
        throw new UsageError(`${fileName}:${index + 1}: exp:${exp[1]} is not a date; write exp:YYYY-MM-DD.`);
      expires = exp[1];
    }
    const reason = comments.filter(Boolean).join(' ') || `listed in ${fileName}`;
    exceptions.push({ match: { id: id }, reason, ...(expires ? { expires } : {}), source: `${fileName}:${index + 1}` });
    comments = [];
  });
  return exceptions;
}

/** `.trivyignore.yaml`: vulnerabilities, misconfigurations, secrets and licenses, each with id, paths, purls, statement, expired_at. */
export function parseTrivyIgnoreYaml(text: string, fileName: string): PolicyException[] {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (node: Node | null | undefined) => `${fileName}:${node?.range ? lines.linePos(node.range[0]).line : 1}`;
  if (document.errors[0])
    throw new UsageError(`${fileName}:${lines.linePos(document.errors[0].pos[0]).line}: this is not valid YAML; fix the syntax.`);
  const root = document.contents;
  if (root === null) return [];
  if (!isMap(root)) throw new UsageError(`${fileName}:1: expected the sections vulnerabilities, misconfigurations, secrets or licenses.`);
  const exceptions: PolicyException[] = [];
  for (const section of ['vulnerabilities', 'misconfigurations', 'secrets', 'licenses']) {
    const list = root.get(section, true) as Node | undefined;
    if (list === undefined || list === null) continue;
    if (!isSeq(list)) throw new UsageError(`${at(list)}: ${section} must be a list of entries with an id.`);
    for (const item of list.items as Node[]) {
      if (!isMap(item)) throw new UsageError(`${at(item)}: each entry needs an id.`);
      const entry = item.toJSON() as { id?: unknown; paths?: unknown; purls?: unknown; statement?: unknown; expired_at?: unknown };
      if (typeof entry.id !== 'string' || entry.id === '') throw new UsageError(`${at(item)}: each entry needs an id.`);
      const expires =
        entry.expired_at === undefined
          ? undefined
          : (entry.expired_at instanceof Date
              ? entry.expired_at.toISOString()
              : typeof entry.expired_at === 'string'
                ? entry.expired_at
                : JSON.stringify(entry.expired_at)
            ).slice(0, 10);
      if (expires !== undefined && !isIsoDate(expires)) throw new UsageError(`${at(item)}: expired_at is not a date; write YYYY-MM-DD.`);
      const reason = typeof entry.statement === 'string' && entry.statement ? entry.statement : `listed in ${fileName}`;
      const base = { reason, ...(expires ? { expires } : {}), source: at(item) };
      const paths = Array.isArray(entry.paths) ? entry.paths.map(String) : [];
      const purls = Array.isArray(entry.purls) ? entry.purls.map(String) : [];
      if (paths.length === 0 && purls.length === 0) exceptions.push({ ...base, match: { id: entry.id } });
      for (const path of paths) exceptions.push({ ...base, match: { id: entry.id, path } });
      for (const purl of purls) exceptions.push({ ...base, match: { id: entry.id, purl } });
    }
  }
  return exceptions;
}
