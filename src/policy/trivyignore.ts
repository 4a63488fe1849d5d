import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { MAX_PATTERN_LENGTH } from '../util/glob.js';
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
    // As Trivy reads it: the first field is the id, compared literally; the first field that
    // starts with exp: is the expiry, a date in Go's 2006-01-02 layout (Trivy skips a line whose
    // date does not parse; bulkhead stops, so that a typo never becomes "ignored for ever").
    const fields = line.split(/\s+/);
    const id = fields[0] as string;
    const exp = fields.find((field) => field.startsWith('exp:'));
    const expires = exp === undefined ? undefined : exp.slice(4);
    if (expires !== undefined && !isIsoDate(expires)) {
      throw new UsageError(`${fileName}:${index + 1}: ${JSON.stringify(exp).slice(0, 60)} is not an expiry date; write exp:YYYY-MM-DD.`);
    }
    const reason = comments.filter(Boolean).join(' ') || `listed in ${fileName}`;
    exceptions.push({ match: { id, literalId: true }, reason, ...(expires ? { expires } : {}), source: `${fileName}:${index + 1}` });
    comments = [];
  });
  return exceptions;
}

const ENTRY_FIELDS = ['id', 'paths', 'purls', 'statement', 'expired_at'];
const SECTIONS = ['vulnerabilities', 'misconfigurations', 'secrets', 'licenses'];

/** Follows an alias (`*name`) to the node it names, as Trivy's YAML decoder does. */
function resolved(node: unknown, document: Document): unknown {
  let current = node;
  for (let hops = 0; isAlias(current) && hops < 64; hops++) current = current.resolve(document);
  return current;
}

/**
 * `.trivyignore.yaml`: vulnerabilities, misconfigurations, secrets and licenses, each a list of
 * entries with id, paths, purls, statement and expired_at. Aliases are resolved as Trivy
 * resolves them, and every field is checked after that: `paths: *x` naming anything but a list of
 * strings is an error, never an exception that covers every path. Unknown fields (`path:` for
 * `paths:`) are refused for the same reason.
 */
export function parseTrivyIgnoreYaml(text: string, fileName: string): PolicyException[] {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (node: unknown) => `${fileName}:${isNode(node) && node.range ? lines.linePos(node.range[0]).line : 1}`;
  const fail = (node: unknown, message: string): never => {
    throw new UsageError(`${at(node)}: ${message}`);
  };
  if (document.errors[0]) fail(undefined, 'this is not valid YAML; fix the syntax.');
  const root = resolved(document.contents, document);
  if (root === null || (isScalar(root) && root.value === null)) return [];
  if (!isMap(root)) return fail(root, `expected the sections ${SECTIONS.join(', ')}.`);
  const strings = (node: unknown, what: string): string[] => {
    const list = resolved(node, document);
    if (!isSeq(list)) return fail(node, `${what} must be a list of strings.`);
    return list.items.map((item) => {
      const value = resolved(item, document);
      if (!isScalar(value) || typeof value.value !== 'string' || value.value === '')
        return fail(item, `${what} must be a list of strings.`);
      if (value.value.length > MAX_PATTERN_LENGTH)
        return fail(item, `a pattern in ${what} is longer than ${MAX_PATTERN_LENGTH} characters.`);
      return value.value;
    });
  };
  const exceptions: PolicyException[] = [];
  for (const pair of root.items) {
    const key = resolved(pair.key, document);
    const section = isScalar(key) ? String(key.value) : '';
    if (!SECTIONS.includes(section)) fail(pair.key, `"${section}" is not a section; the sections are ${SECTIONS.join(', ')}.`);
    const list = resolved(pair.value, document);
    if (list === null || (isScalar(list) && list.value === null)) continue;
    if (!isSeq(list)) return fail(pair.value, `${section} must be a list of entries with an id.`);
    for (const raw of list.items) {
      const item = resolved(raw, document);
      if (!isMap(item)) return fail(raw, 'each entry needs an id.');
      const fields = new Map<string, unknown>();
      for (const field of item.items) {
        const name = resolved(field.key, document);
        const fieldName = isScalar(name) ? String(name.value) : '';
        if (!ENTRY_FIELDS.includes(fieldName))
          fail(field.key, `"${fieldName}" is not a field of an entry; the fields are ${ENTRY_FIELDS.join(', ')}.`);
        fields.set(fieldName, field.value);
      }
      const scalar = (name: string): string | undefined => {
        if (!fields.has(name)) return undefined;
        const value = resolved(fields.get(name), document);
        if (!isScalar(value) || (typeof value.value !== 'string' && !(value.value instanceof Date)))
          return fail(fields.get(name) ?? raw, `${name} must be a single value.`);
        return value.value instanceof Date ? value.value.toISOString() : value.value;
      };
      const id = scalar('id');
      if (!id) return fail(raw, 'each entry needs an id.');
      const expiredAt = scalar('expired_at');
      const expires = expiredAt === undefined ? undefined : expiredAt.slice(0, 10);
      if (expiredAt !== undefined && (!isIsoDate(expires as string) || !/^\d{4}-\d{2}-\d{2}([Tt ].*)?$/.test(expiredAt))) {
        fail(fields.get('expired_at'), `expired_at is ${JSON.stringify(expiredAt).slice(0, 40)}, not a date; write YYYY-MM-DD.`);
      }
      const statement = scalar('statement');
      const reason = statement || `listed in ${fileName}`;
      const base = { reason, ...(expires ? { expires } : {}), source: at(raw) };
      const paths = fields.has('paths') ? strings(fields.get('paths'), 'paths') : [];
      const purls = fields.has('purls') ? strings(fields.get('purls'), 'purls') : [];
      if (paths.length === 0 && purls.length === 0) exceptions.push({ ...base, match: { id, literalId: true } });
      for (const path of paths) exceptions.push({ ...base, match: { id, literalId: true, path } });
      for (const purl of purls) exceptions.push({ ...base, match: { id, literalId: true, purl } });
    }
  }
  return exceptions;
}
