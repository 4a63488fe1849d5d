import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Node, type YAMLMap } from 'yaml';
import { MAX_PATTERN_LENGTH } from '../util/glob.js';
import { UsageError } from '../util/errors.js';
import { isSeverity, TOOLS, type Severity, type Tool } from '../model/finding.js';
import type { FailOn } from '../model/severity.js';
import type { NetworkPolicyRequirement, PodSecurityRequirement } from '../model/workload.js';

/** What an exception matches; every field given must match. Globs: `*` within a path segment, `**` across. */
export interface ExceptionMatch {
  id?: string;
  /** The id is compared as written, as Trivy reads `.trivyignore` (a lone `*` is an id, not a wildcard). */
  literalId?: boolean;
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
  podSecurity?: PodSecurityRequirement;
  networkPolicies?: NetworkPolicyRequirement;
  ignoreUnfixed?: boolean;
  onlyNew?: boolean;
  overrides: SeverityOverride[];
  exceptions: PolicyException[];
}

const TOP_LEVEL = ['fail-on', 'ignore-unfixed', 'only-new', 'pod-security', 'network-policies', 'overrides', 'exceptions'];
const EXCEPTION_KEYS = ['id', 'rule', 'tool', 'package', 'purl', 'image', 'path', 'dockerfile', 'reason', 'owner', 'expires'];
const OVERRIDE_KEYS = ['id', 'rule', 'tool', 'severity'];

/** Reads one YAML node of the policy file; every mistake is `file:line: what is wrong; what to write`. */
class PolicyReader {
  private readonly lines = new LineCounter();
  readonly document;

  constructor(
    text: string,
    private readonly fileName: string,
  ) {
    this.document = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  at(node: Node | null | undefined): string {
    const offset = node?.range?.[0];
    return offset === undefined ? this.fileName : `${this.fileName}:${this.lines.linePos(offset).line}`;
  }

  fail(node: Node | null | undefined, message: string): never {
    throw new UsageError(`${this.at(node)}: ${message}`);
  }

  lineOf(offset: number): number {
    return this.lines.linePos(offset).line;
  }

  scalarText(node: Node | null | undefined, what: string): string {
    if (!isScalar(node) || node.value === null || typeof node.value === 'object') this.fail(node, `${what} must be a single value.`);
    return String((node as { value: unknown }).value).trim();
  }

  booleanOf(node: Node | null | undefined, what: string): boolean {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    return this.fail(node, `${what} must be true or false.`);
  }

  keyOf(pair: { key: unknown }): { name: string; node: Node } {
    const key = pair.key as Node;
    return { name: isScalar(key) ? String(key.value) : '', node: key };
  }

  /** The fields of one override or exception, `rule` read as `id`, unknown fields refused. */
  fields(item: Node, section: 'overrides' | 'exceptions'): Map<string, Node> {
    if (!isMap(item)) this.fail(item, `each item of ${section} must be a mapping such as "id: CVE-2024-1234".`);
    const allowed = section === 'exceptions' ? EXCEPTION_KEYS : OVERRIDE_KEYS;
    const fields = new Map<string, Node>();
    for (const field of item.items) {
      const key = this.keyOf(field);
      if (!allowed.includes(key.name))
        this.fail(key.node, `"${key.name}" is not a field of ${section}; the fields are ${allowed.join(', ')}.`);
      fields.set(key.name === 'rule' ? 'id' : key.name, field.value as Node);
    }
    return fields;
  }
}

function readTool(reader: PolicyReader, fields: Map<string, Node>): Tool | undefined {
  if (!fields.has('tool')) return undefined;
  const tool = reader.scalarText(fields.get('tool'), 'tool').toLowerCase();
  if (!(TOOLS as readonly string[]).includes(tool)) reader.fail(fields.get('tool'), `tool is "${tool}"; write one of ${TOOLS.join(', ')}.`);
  return tool as Tool;
}

function readOverride(reader: PolicyReader, item: Node): SeverityOverride {
  const fields = reader.fields(item, 'overrides');
  const text = (field: string) => (fields.has(field) ? reader.scalarText(fields.get(field), field) : undefined);
  const tool = readTool(reader, fields);
  const severity = text('severity')?.toLowerCase();
  if (severity === undefined) reader.fail(item, 'an override needs a severity (critical, high, medium, low or info).');
  if (!isSeverity(severity)) reader.fail(fields.get('severity'), `severity is "${severity}"; write critical, high, medium, low or info.`);
  const id = text('id');
  if (id === undefined && tool === undefined) reader.fail(item, 'an override needs an id (rule) or a tool to apply to.');
  if (id !== undefined && id.length > MAX_PATTERN_LENGTH)
    reader.fail(fields.get('id'), `id is longer than ${MAX_PATTERN_LENGTH} characters.`);
  return { ...(id ? { id } : {}), ...(tool ? { tool } : {}), severity, source: reader.at(item) };
}

function readException(reader: PolicyReader, item: Node): PolicyException {
  const fields = reader.fields(item, 'exceptions');
  const text = (field: string) => (fields.has(field) ? reader.scalarText(fields.get(field), field) : undefined);
  const tool = readTool(reader, fields);
  const reason = text('reason');
  if (!reason) reader.fail(item, 'every exception needs a reason: say why the finding is acceptable (reason: "…").');
  const match: ExceptionMatch = {};
  for (const field of ['id', 'package', 'purl', 'image', 'path', 'dockerfile'] as const) {
    const v = text(field);
    if (v !== undefined && v.length > MAX_PATTERN_LENGTH)
      reader.fail(fields.get(field), `${field} is longer than ${MAX_PATTERN_LENGTH} characters.`);
    if (v !== undefined) match[field] = v;
  }
  if (tool) match.tool = tool;
  if (Object.keys(match).length === 0)
    reader.fail(item, 'an exception must say what it matches: id, package, purl, image, path or dockerfile.');
  const expires = text('expires');
  if (expires !== undefined && !isIsoDate(expires)) {
    reader.fail(fields.get('expires'), `expires is "${expires}"; write a date as YYYY-MM-DD (a whole day, UTC).`);
  }
  const owner = text('owner');
  return { match, reason, ...(owner ? { owner } : {}), ...(expires ? { expires } : {}), source: reader.at(item) };
}

/**
 * Reads `.bulkhead.yml`. Every mistake is reported as `file:line: what is wrong; what to write`.
 * YAML aliases are refused: an exception is read as written, never through a reference that could
 * make it cover more than it seems to.
 */
export function parsePolicyFile(text: string, fileName: string): PolicyFile {
  const reader = new PolicyReader(text, fileName);
  const { document } = reader;
  const firstError = document.errors[0];
  if (firstError) {
    throw new UsageError(
      `${fileName}:${reader.lineOf(firstError.pos[0])}: this is not valid YAML (${firstError.message.split('\n')[0]}); fix the syntax.`,
    );
  }
  visit(document, {
    Alias: (_key, node) => reader.fail(node, `the alias *${node.source} is not allowed in the policy file; write the value out.`),
  });
  const policy: PolicyFile = { overrides: [], exceptions: [] };
  if (document.contents === null || (isScalar(document.contents) && document.contents.value === null)) return policy;
  if (!isMap(document.contents)) {
    reader.fail(
      document.contents,
      'the policy must be a mapping of settings (fail-on, ignore-unfixed, only-new, pod-security, network-policies, overrides, exceptions).',
    );
  }
  for (const pair of (document.contents as YAMLMap).items) {
    const { name, node: keyNode } = reader.keyOf(pair);
    const value = pair.value as Node | null;
    if (name === 'fail-on') {
      const v = reader.scalarText(value, 'fail-on').toLowerCase();
      if (v !== 'none' && (!isSeverity(v) || v === 'info'))
        reader.fail(value, `fail-on is "${v}"; write critical, high, medium, low or none.`);
      policy.failOn = v as FailOn;
    } else if (name === 'ignore-unfixed') policy.ignoreUnfixed = reader.booleanOf(value, 'ignore-unfixed');
    else if (name === 'only-new') policy.onlyNew = reader.booleanOf(value, 'only-new');
    else if (name === 'pod-security') {
      const v = reader.scalarText(value, 'pod-security').toLowerCase();
      if (v !== 'restricted' && v !== 'baseline' && v !== 'none')
        reader.fail(value, `pod-security is "${v}"; write restricted, baseline or none.`);
      policy.podSecurity = v as PodSecurityRequirement;
    } else if (name === 'network-policies') {
      const v = reader.scalarText(value, 'network-policies').toLowerCase();
      if (v !== 'required' && v !== 'when-present') reader.fail(value, `network-policies is "${v}"; write required or when-present.`);
      policy.networkPolicies = v as NetworkPolicyRequirement;
    } else if (name === 'overrides' || name === 'exceptions') {
      if (value === null || (isScalar(value) && value.value === null)) continue;
      if (!isSeq(value)) reader.fail(value, `${name} must be a list (each item starting with "- ").`);
      for (const item of (value as { items: unknown[] }).items as Node[]) {
        if (name === 'overrides') policy.overrides.push(readOverride(reader, item));
        else policy.exceptions.push(readException(reader, item));
      }
    } else reader.fail(keyNode, `"${name}" is not a policy setting; the settings are ${TOP_LEVEL.join(', ')}.`);
  }
  return policy;
}

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
