import { PackageURL } from 'packageurl-js';
import { FormatError } from '../util/errors.js';
import type { Finding } from '../model/finding.js';
import { imageRepository } from '../model/finding.js';
import { isObject, str } from '../util/json.js';

export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

export interface VexStatement {
  vulnerability: string;
  aliases: string[];
  /** Product identifiers (purls or image references); empty means every product. */
  products: string[];
  subcomponents: string[];
  status: VexStatus;
  justification?: string;
  impactStatement?: string;
  /** ISO timestamp: the statement's own, else its document's. Later statements win. */
  timestamp: string;
  source: string;
}

const STATUSES: readonly string[] = ['not_affected', 'affected', 'fixed', 'under_investigation'];

function componentIds(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((c) => {
    if (typeof c === 'string') return [c];
    if (!isObject(c)) return [];
    const ids = isObject(c.identifiers) ? [str(c.identifiers.purl)] : [];
    return [str(c['@id']), ...ids].filter((v): v is string => v !== undefined);
  });
}

/** Reads an OpenVEX document (v0.0.x string forms and v0.2 objects alike). */
export function parseOpenVex(document: unknown, fileName: string): VexStatement[] {
  if (!isObject(document) || !Array.isArray(document.statements)) {
    throw new FormatError(fileName, 'is not an OpenVEX document (no "statements" list).');
  }
  const documentTime = str(document.timestamp) ?? '';
  return document.statements.map((statement, index) => {
    if (!isObject(statement)) throw new FormatError(fileName, `has statement ${index + 1} that is not an object.`);
    const vuln = statement.vulnerability;
    const name = typeof vuln === 'string' ? vuln : isObject(vuln) ? (str(vuln.name) ?? str(vuln['@id'])) : undefined;
    if (!name) throw new FormatError(fileName, `has statement ${index + 1} that names no vulnerability.`);
    const status = str(statement.status);
    if (!status || !STATUSES.includes(status))
      throw new FormatError(
        fileName,
        `has statement ${index + 1} with status ${JSON.stringify(statement.status)}; OpenVEX statuses are ${STATUSES.join(', ')}.`,
      );
    const aliases = isObject(vuln) && Array.isArray(vuln.aliases) ? vuln.aliases.filter((a): a is string => typeof a === 'string') : [];
    const products = Array.isArray(statement.products) ? statement.products : [];
    const productSubcomponents = products.flatMap((p) => (isObject(p) ? componentIds(p.subcomponents) : []));
    const justification = str(statement.justification);
    const impactStatement = str(statement.impact_statement);
    return {
      vulnerability: name,
      aliases,
      products: componentIds(products),
      subcomponents: [...componentIds(statement.subcomponents), ...productSubcomponents],
      status: status as VexStatus,
      ...(justification ? { justification } : {}),
      ...(impactStatement ? { impactStatement } : {}),
      timestamp: str(statement.timestamp) ?? documentTime,
      source: `${fileName} statement ${index + 1}`,
    };
  });
}

interface Purl {
  type: string;
  namespace: string;
  name: string;
  version?: string;
  qualifiers: Record<string, string>;
}

/**
 * A purl as packageurl-js reads it, with each type's own normalisation (PyPI names lower-cased with
 * `_` as `-`, percent-decoding, qualifiers). One that does not parse names nothing, and so matches
 * nothing, rather than throwing: the library also throws on some it should refuse quietly.
 */
export function parsePurl(text: string): Purl | undefined {
  if (!text.startsWith('pkg:') || text.length > 2048) return undefined;
  try {
    const purl = PackageURL.fromString(text);
    return {
      type: purl.type,
      namespace: purl.namespace ?? '',
      name: purl.name,
      ...(purl.version ? { version: purl.version } : {}),
      qualifiers: { ...(purl.qualifiers ?? {}) },
    };
  } catch {
    return undefined;
  }
}

/**
 * `pattern` names the same package as `actual`: type, namespace and name; a version in the
 * pattern must match too, and so must each qualifier it gives (`?arch=arm64` is not the amd64 build).
 */
export function purlMatches(pattern: string, actual: string | undefined): boolean {
  if (!actual) return false;
  const p = parsePurl(pattern);
  const a = parsePurl(actual);
  if (!p || !a) return false;
  if (p.type !== a.type || p.namespace !== a.namespace || p.name !== a.name) return false;
  if (p.version !== undefined && p.version !== a.version) return false;
  return Object.entries(p.qualifiers).every(([key, value]) => a.qualifiers[key] === value);
}

/** A product id names the image: a `pkg:oci/NAME` purl, or an image reference. */
function productIsImage(product: string, finding: Finding): boolean {
  if (!finding.image) return false;
  const repository = imageRepository(finding.image);
  const purl = parsePurl(product);
  if (purl) {
    if (purl.type !== 'oci' && purl.type !== 'docker') return false;
    return repository === purl.name || repository.endsWith(`/${purl.name}`);
  }
  return imageRepository(product) === repository;
}

function statementApplies(statement: VexStatement, finding: Finding): boolean {
  if (finding.kind !== 'vulnerability') return false;
  if (statement.vulnerability !== finding.ruleId && !statement.aliases.includes(finding.ruleId)) return false;
  const packageMatches = (id: string) => purlMatches(id, finding.pkg?.purl);
  if (statement.products.length === 0) return statement.subcomponents.length === 0 || statement.subcomponents.some(packageMatches);
  return statement.products.some((product) => {
    if (packageMatches(product)) return true;
    if (!productIsImage(product, finding)) return false;
    return statement.subcomponents.length === 0 || statement.subcomponents.some(packageMatches);
  });
}

function timeOf(statement: VexStatement): number {
  const time = Date.parse(statement.timestamp);
  return Number.isNaN(time) ? 0 : time;
}

/** The statement that decides a finding: the latest that applies to it, if any. */
export function vexFor(finding: Finding, statements: readonly VexStatement[]): VexStatement | undefined {
  let latest: VexStatement | undefined;
  for (const statement of statements) {
    if (!statementApplies(statement, finding)) continue;
    if (!latest || timeOf(statement) >= timeOf(latest)) latest = statement;
  }
  return latest;
}
