import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair } from 'yaml';
import { FormatError } from '../util/errors.js';

/**
 * A read-only view of a YAML node that knows the line it was written on. Rules read fields through
 * it, so every finding and every error can name the line; nothing is converted to plain objects,
 * so an alias bomb costs only the few paths a rule reads (each alias resolution is counted).
 */

/** More alias resolutions than this in one file is refused: no real manifest comes near it. */
const MAX_ALIAS_RESOLUTIONS = 10_000;

export interface YamlFile {
  file: string;
  documents: YamlView[];
}

interface ViewContext {
  file: string;
  lines: LineCounter;
  document: Document;
  /** Compose: `${VAR}` interpolation of string values; the line is for its errors. */
  interpolate?: (text: string, line: number) => string;
  aliases: { used: number };
}

export class YamlView {
  private readonly node: Node | null;

  constructor(
    node: unknown,
    /** The line of the key that holds this value (or of the item, in a list). */
    readonly line: number,
    private readonly context: ViewContext,
  ) {
    this.node = resolve(node, context);
  }

  get file(): string {
    return this.context.file;
  }

  /** The line a value starts on (for a map or list, its first entry). */
  get valueLine(): number {
    const offset = this.node?.range?.[0];
    return offset === undefined ? this.line : this.context.lines.linePos(offset).line;
  }

  /** The error for this place: `file:line: detail`. */
  error(detail: string): FormatError {
    return new FormatError(`${this.context.file}:${this.line}`, detail);
  }

  fail(detail: string): never {
    throw this.error(detail);
  }

  isMap(): boolean {
    return isMap(this.node);
  }

  isSeq(): boolean {
    return isSeq(this.node);
  }

  isNull(): boolean {
    return this.node === null || (isScalar(this.node) && this.node.value === null);
  }

  /** A field of a mapping; merge keys (`<<: *base`) are followed, the map's own keys first. */
  get(key: string): YamlView | undefined {
    if (!isMap(this.node)) return undefined;
    for (const pair of this.node.items) {
      if (scalarKey(pair) === key) return this.child(pair);
    }
    for (const base of this.mergeSources()) {
      const found = base.get(key);
      if (found) return found;
    }
    return undefined;
  }

  /** A path of fields; undefined as soon as one is missing. */
  at(...path: string[]): YamlView | undefined {
    return path.reduce<YamlView | undefined>((view, key) => view?.get(key), this);
  }

  /** Every field of a mapping, merged ones included (own keys win). */
  entries(): [string, YamlView][] {
    if (!isMap(this.node)) return [];
    const seen = new Map<string, YamlView>();
    for (const pair of this.node.items) {
      const key = scalarKey(pair);
      if (key !== undefined && !seen.has(key)) seen.set(key, this.child(pair));
    }
    for (const base of this.mergeSources()) {
      for (const [key, view] of base.entries()) if (!seen.has(key)) seen.set(key, view);
    }
    return [...seen];
  }

  /** The items of a list; a value that is not a list is an error when `what` is given. */
  items(what?: string): YamlView[] {
    if (isSeq(this.node)) {
      return this.node.items.map((item) => {
        const offset = (item as Node | null)?.range?.[0];
        return new YamlView(item, offset === undefined ? this.line : this.context.lines.linePos(offset).line, this.context);
      });
    }
    if (what !== undefined && !this.isNull()) this.fail(`${what} must be a list.`);
    return [];
  }

  /** A scalar as text (numbers and booleans as written); a map or list is an error. */
  text(what: string): string | undefined {
    if (this.isNull()) return undefined;
    if (!isScalar(this.node)) return this.fail(`${what} must be a single value, not a ${isMap(this.node) ? 'mapping' : 'list'}.`);
    const value = this.node.value;
    const text = typeof value === 'string' ? value : String(value);
    return typeof value === 'string' && this.context.interpolate ? this.context.interpolate(text, this.line) : text;
  }

  /** A scalar as written, before any interpolation: what a file itself says (e.g. a literal secret). */
  raw(what: string): string | undefined {
    if (this.isNull()) return undefined;
    if (!isScalar(this.node)) return this.fail(`${what} must be a single value, not a ${isMap(this.node) ? 'mapping' : 'list'}.`);
    return String(this.node.value);
  }

  /**
   * A boolean. Kubernetes takes only YAML booleans (the API server refuses "true" in quotes);
   * Compose values may come from interpolation, so there the strings true and false count too.
   */
  bool(what: string): boolean | undefined {
    if (this.isNull()) return undefined;
    if (isScalar(this.node) && typeof this.node.value === 'boolean') return this.node.value;
    if (this.context.interpolate && isScalar(this.node) && typeof this.node.value === 'string') {
      const text = this.text(what)?.trim().toLowerCase();
      if (text === 'true') return true;
      if (text === 'false') return false;
    }
    return this.fail(`${what} must be true or false.`);
  }

  /** An integer (Compose also accepts one written as a string). */
  integer(what: string): number | undefined {
    if (this.isNull()) return undefined;
    if (isScalar(this.node) && typeof this.node.value === 'number' && Number.isInteger(this.node.value)) return this.node.value;
    if (this.context.interpolate && isScalar(this.node) && typeof this.node.value === 'string') {
      const text = this.text(what)?.trim() ?? '';
      if (/^-?\d+$/.test(text)) return Number(text);
    }
    return this.fail(`${what} must be a whole number.`);
  }

  private child(pair: Pair): YamlView {
    const key = pair.key as Node | null;
    const offset = key?.range?.[0] ?? (pair.value as Node | null)?.range?.[0];
    return new YamlView(pair.value, offset === undefined ? this.line : this.context.lines.linePos(offset).line, this.context);
  }

  private mergeSources(): YamlView[] {
    if (!isMap(this.node)) return [];
    const sources: YamlView[] = [];
    for (const pair of this.node.items) {
      if (!isMergeKey(pair)) continue;
      const value = this.child(pair);
      for (const base of value.isSeq() ? value.items() : [value]) {
        if (!base.isMap()) base.fail('a merge key (<<) must refer to a mapping.');
        sources.push(base);
      }
    }
    return sources;
  }
}

function resolve(node: unknown, context: ViewContext): Node | null {
  let current = node as Node | null | undefined;
  while (isAlias(current)) {
    context.aliases.used += 1;
    if (context.aliases.used > MAX_ALIAS_RESOLUTIONS) {
      throw new FormatError(context.file, `uses more than ${MAX_ALIAS_RESOLUTIONS} YAML alias references; write the values out.`);
    }
    current = current.resolve(context.document);
  }
  return current ?? null;
}

function scalarKey(pair: Pair): string | undefined {
  const key = pair.key;
  if (isScalar(key) && (typeof key.value === 'string' || typeof key.value === 'number' || typeof key.value === 'boolean'))
    return String(key.value);
  return undefined;
}

function isMergeKey(pair: Pair): boolean {
  return isScalar(pair.key) && typeof pair.key.value === 'symbol';
}

/** More documents than this in one file is refused. */
export const MAX_DOCUMENTS = 20_000;

/**
 * Parses every document of a YAML (or JSON) file. Duplicate keys and syntax errors are refused
 * with the line, as the API server and Compose refuse them.
 */
export function parseYamlFile(text: string, file: string, interpolate?: (text: string, line: number) => string): YamlFile {
  const lines = new LineCounter();
  let documents: Document[];
  try {
    documents = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, merge: true, prettyErrors: false });
  } catch (error) {
    throw new FormatError(file, `cannot be parsed as YAML (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (!Array.isArray(documents)) documents = [documents as Document];
  if (documents.length > MAX_DOCUMENTS) throw new FormatError(file, `holds more than ${MAX_DOCUMENTS} YAML documents; split it.`);
  const aliases = { used: 0 };
  return {
    file,
    documents: documents.map((document) => {
      const error = document.errors[0];
      if (error) {
        const line = lines.linePos(error.pos[0]).line;
        throw new FormatError(
          `${file}:${line}`,
          `is not valid YAML: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}.`,
        );
      }
      const offset = document.contents?.range?.[0] ?? 0;
      const context: ViewContext = { file, lines, document, aliases, ...(interpolate ? { interpolate } : {}) };
      return new YamlView(document.contents, lines.linePos(offset).line, context);
    }),
  };
}
