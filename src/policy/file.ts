import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { UsageError } from '../util/errors.js';
import { isSeverity, TOOLS, type Severity, type Tool } from '../model/finding.js';
import type { FailOn } from '../model/severity.js';

/** What an exception matches; every field given must match. Globs: `*` within a path segment, `**` across. */
export interface ExceptionMatch {
  id?: string;
  tool?: Tool;
  package?: string;
  image?: string;
  path?: string;
  dockerfile?: string;
  /** Package URL; without a version it matches every version. */
  purl?: string;
}

export interface PolicyException {
  match: ExceptionMatch;
  reason: string;
  owner?: string;
  /** First day (UTC, YYYY-MM-DD) on which the exception no longer applies. */
  expires?: string;
  /** Where it was written, e.g. `.bulkhead.yml:14`, for reasons and errors. */
  source: string;
}

export interface SeverityOverride {
  tool?: Tool;
  id?: string;
  severity: Severity;
  source: string;
}

export interface PolicyFile {
  failOn?: FailOn;
  ignoreUnfixed?: boolean;
  onlyNew?: boolean;
  overrides: SeverityOverride[];
  exceptions: PolicyException[];
}

const TOP_LEVEL = ['fail-on', 'ignore-unfixed', 'only-new', 'overrides', 'exceptions'];
const EXCEPTION_KEYS = ['id', 'rule', 'tool', 'package', 'purl', 'image', 'path', 'dockerfile', 'reason', 'owner', 'expires'];
const OVERRIDE_KEYS = ['id', 'rule', 'tool', 'severity'];

/** Reads `.bulkhead.yml`. Every mistake is reported as `file:line: what is wrong; what to write`. */
export function parsePolicyFile(text: string, fileName: string): PolicyFile {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (node: Node | null | undefined): string => {
    const offset = node?.range?.[0];
    return offset === undefined ? fileName : `${fileName}:${lines.linePos(offset).line}`;
  };
  const fail = (node: Node | null | undefined, message: string): never => {
    throw new UsageError(`${at(node)}: ${message}`);
  };
  const firstError = document.errors[0];
  if (firstError) {
    const line = lines.linePos(firstError.pos[0]).line;
    throw new UsageError(`${fileName}:${line}: this is not valid YAML (${firstError.message.split('\n')[0]}); fix the syntax.`);
  }
  const policy: PolicyFile = { overrides: [], exceptions: [] };
  if (document.contents === null || (isScalar(document.contents) && document.contents.value === null)) return policy;
  if (!isMap(document.contents))
    fail(document.contents, 'the policy must be a mapping of settings (fail-on, ignore-unfixed, only-new, overrides, exceptions).');
  const root = document.contents as YAMLMap;

  const scalarText = (node: Node | null | undefined, what: string): string => {
    if (!isScalar(node) || node.value === null || typeof node.value === 'object') fail(node, `${what} must be a single value.`);
    return String((node as { value: unknown }).value).trim();
  };
  const booleanOf = (node: Node | null | undefined, what: string): boolean => {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    return fail(node, `${what} must be true or false.`);
  };
  const keyOf = (pair: { key: unknown }): { name: string; node: Node } => {
    const key = pair.key as Node;
    return { name: isScalar(key) ? String(key.value) : '', node: key };
  };

  for (const pair of root.items) {
    const { name, node: keyNode } = keyOf(pair);
    const value = pair.value as Node | null;
    switch (name) {
      case 'fail-on': {
        const v = scalarText(value, 'fail-on').toLowerCase();
        if (v !== 'none' && (!isSeverity(v) || v === 'info')) fail(value, `fail-on is "${v}"; write critical, high, medium, low or none.`);
        policy.failOn = v as FailOn;
        break;
      }
      case 'ignore-unfixed':
        policy.ignoreUnfixed = booleanOf(value, 'ignore-unfixed');
        break;
      case 'only-new':
        policy.onlyNew = booleanOf(value, 'only-new');
        break;
      case 'overrides':
      case 'exceptions': {
        if (value === null || (isScalar(value) && value.value === null)) break;
        if (!isSeq(value)) fail(value, `${name} must be a list (each item starting with "- ").`);
        for (const item of (value as { items: unknown[] }).items as Node[]) {
          if (!isMap(item)) fail(item, `each item of ${name} must be a mapping such as "id: CVE-2024-1234".`);
          const map = item as YAMLMap;
          const fields = new Map<string, Node>();
          for (const field of map.items) {
            const key = keyOf(field);
            const allowed = name === 'exceptions' ? EXCEPTION_KEYS : OVERRIDE_KEYS;
            if (!allowed.includes(key.name))
              fail(key.node, `"${key.name}" is not a field of ${name}; the fields are ${allowed.join(', ')}.`);
            fields.set(key.name === 'rule' ? 'id' : key.name, field.value as Node);
          }
          const text = (field: string): string | undefined => (fields.has(field) ? scalarText(fields.get(field), `${field}`) : undefined);
          const toolText = text('tool')?.toLowerCase();
          if (toolText !== undefined && !(TOOLS as readonly string[]).includes(toolText))
            fail(fields.get('tool'), `tool is "${toolText}"; write one of ${TOOLS.join(', ')}.`);
          const tool = toolText as Tool | undefined;
          if (name === 'overrides') {
            const severity = text('severity')?.toLowerCase();
            if (severity === undefined) fail(item, 'an override needs a severity (critical, high, medium, low or info).');
            if (!isSeverity(severity as string))
              fail(fields.get('severity'), `severity is "${severity}"; write critical, high, medium, low or info.`);
            const id = text('id');
            if (id === undefined && tool === undefined) fail(item, 'an override needs an id (rule) or a tool to apply to.');
            policy.overrides.push({ ...(id ? { id } : {}), ...(tool ? { tool } : {}), severity: severity as Severity, source: at(item) });
          } else {
            const reason = text('reason');
            if (!reason) fail(item, 'every exception needs a reason: say why the finding is acceptable (reason: "…").');
            const match: ExceptionMatch = {};
            for (const field of ['id', 'package', 'purl', 'image', 'path', 'dockerfile'] as const) {
              const v = text(field);
              if (v !== undefined) match[field] = v;
            }
            if (tool) match.tool = tool;
            if (Object.keys(match).length === 0)
              fail(item, 'an exception must say what it matches: id, package, purl, image, path or dockerfile.');
            const expires = text('expires');
            if (expires !== undefined && !isIsoDate(expires))
              fail(fields.get('expires'), `expires is "${expires}"; write a date as YYYY-MM-DD (a whole day, UTC).`);
            const owner = text('owner');
            policy.exceptions.push({
              match,
              reason: reason as string,
              ...(owner ? { owner } : {}),
              ...(expires ? { expires } : {}),
              source: at(item),
            });
          }
        }
        break;
      }
      default:
        fail(keyNode, `"${name}" is not a policy setting; the settings are ${TOP_LEVEL.join(', ')}.`);
    }
  }
  return policy;
}

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
