import { FormatError } from '../../util/errors.js';
import { fingerprintOf, imageRepository, type Finding, type Severity } from '../../model/finding.js';
import { compact, isObject, num, str, type JsonObject } from '../../util/json.js';
import { fromTrivy } from '../../model/severity.js';
import type { InventoryPackage, PackageInventory } from '../../model/packages.js';

/** What bulkhead keeps of one Trivy JSON report (`trivy … --format json`). */
export interface TrivyReport {
  /** `legacy` is the pre-v0.20 top-level array (or `null`) form, without metadata. */
  schema: 2 | 'legacy';
  trivyVersion?: string;
  artifactName?: string;
  artifactType?: string;
  /** Image reference when the report is of a container image. */
  image?: string;
  imageId?: string;
  diffIds: string[];
  /** Image history (`created_by` of each entry, `empty_layer` marks entries without a layer). */
  history: { createdBy: string; emptyLayer: boolean }[];
  findings: Finding[];
  /** Every package Trivy listed (`--list-all-pkgs`); empty when it listed none. */
  packages: InventoryPackage[];
  /** The image's OS as Trivy detected it. */
  os?: { family: string; name: string };
  /** Things in the report that bulkhead could not use, said rather than dropped silently. */
  warnings: string[];
}

const UNFIXED_STATUSES = new Set(['affected', 'will_not_fix', 'fix_deferred', 'end_of_life', 'under_investigation', 'unknown']);

/**
 * The report contract: a report says what it scanned, and every entry in it names what it is and
 * how severe. Anything else is a FormatError naming the JSON path, never a pass: a report that
 * lost its findings on the way must not read as a clean image.
 */
export function parseTrivyReport(document: unknown, source = 'the Trivy report'): TrivyReport {
  const fail = (detail: string): never => {
    throw new FormatError(source, detail);
  };
  if (document === null) fail('is JSON null, not a Trivy report: a report names what it scanned (did Trivy fail?).');
  if (Array.isArray(document)) {
    // Trivy before v0.20: a list of results, each naming its target.
    if (document.length === 0) fail('is an empty list: a Trivy report names what it scanned (did Trivy fail?).');
    const report: TrivyReport = { schema: 'legacy', diffIds: [], history: [], findings: [], packages: [], warnings: [] };
    collectResults(document, '', report, source);
    return report;
  }
  if (!isObject(document)) fail(`is JSON ${typeof document}, not a Trivy report (run Trivy with --format json).`);
  const top = document as JsonObject;
  if ('runs' in top && 'version' in top) fail("is a SARIF log; bulkhead reads Trivy's own JSON (run Trivy with --format json).");
  if (top.SchemaVersion !== 2) {
    const seen = top.SchemaVersion === undefined ? 'has no SchemaVersion' : `has SchemaVersion ${JSON.stringify(top.SchemaVersion)}`;
    fail(`${seen}; bulkhead reads Trivy JSON with SchemaVersion 2 (Trivy v0.20 and later) and the older array form.`);
  }
  const artifactName = str(top.ArtifactName);
  if (!artifactName) fail('has no ArtifactName: a Trivy report names what it scanned.');
  const metadata = isObject(top.Metadata) ? top.Metadata : {};
  const artifactType = str(top.ArtifactType);
  const image = artifactType === 'container_image' ? artifactName : undefined;
  const report: TrivyReport = compact({
    schema: 2 as const,
    trivyVersion: isObject(top.Trivy) ? str(top.Trivy.Version) : undefined,
    artifactName,
    artifactType,
    image,
    imageId: str(metadata.ImageID),
    diffIds: Array.isArray(metadata.DiffIDs) ? metadata.DiffIDs.filter((d): d is string => typeof d === 'string') : [],
    history: readHistory(metadata),
    findings: [],
    packages: [],
    os: readOs(metadata),
    warnings: [],
  });
  if (top.Results !== undefined && top.Results !== null) {
    if (!Array.isArray(top.Results)) fail('has Results that is not a list.');
    collectResults(top.Results as unknown[], 'Results', report, source);
  }
  return report;
}

/** The image's packages for the SBOM (a ScanResult's `packages`): every image report has a list, empty without --list-all-pkgs. */
export function inventoryField(report: TrivyReport): { packages?: PackageInventory } {
  if (!report.image) return {};
  return { packages: compact({ image: report.image, imageId: report.imageId, os: report.os, packages: report.packages }) };
}

function readOs(metadata: JsonObject): TrivyReport['os'] {
  if (!isObject(metadata.OS)) return undefined;
  const family = str(metadata.OS.Family);
  const name = str(metadata.OS.Name);
  return family && name ? { family, name } : undefined;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** One entry of a result's Packages; an entry without a name is a broken report. */
function readPackage(entry: JsonObject, context: ResultContext, at: string): InventoryPackage {
  return compact({
    name: required(entry, 'Name', context, at),
    version: str(entry.Version),
    purl: isObject(entry.Identifier) ? str(entry.Identifier.PURL) : undefined,
    id: str(entry.ID),
    licenses: strings(entry.Licenses),
    kind: context.cls === 'os-pkgs' ? ('os' as const) : ('library' as const),
    ecosystem: context.type,
    target: context.target,
    layer: layerOf(entry),
    dependsOn: strings(entry.DependsOn),
  });
}

function readHistory(metadata: JsonObject): TrivyReport['history'] {
  const config = isObject(metadata.ImageConfig) ? metadata.ImageConfig : {};
  if (!Array.isArray(config.history)) return [];
  return config.history.filter(isObject).map((entry) => ({
    createdBy: str(entry.created_by) ?? '',
    emptyLayer: entry.empty_layer === true,
  }));
}

function collectResults(results: readonly unknown[], where: string, report: TrivyReport, source: string): void {
  results.forEach((result, index) => {
    const at = `${where}[${index}]`;
    if (!isObject(result)) throw new FormatError(source, `has ${at} that is not an object.`);
    // Trivy writes a Target for every result ("" for custom resources).
    const target = result.Target;
    if (typeof target !== 'string') throw new FormatError(source, `has ${at} without a Target: every result names what it scanned.`);
    const context: ResultContext = { target, cls: str(result.Class) ?? '', type: str(result.Type) ?? '', image: report.image, source };
    for (const [key, reader] of READERS) {
      const list = result[key];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) throw new FormatError(source, `has ${at}.${key} that is not a list.`);
      list.forEach((entry, i) => {
        const entryAt = `${at}.${key}[${i}]`;
        if (!isObject(entry)) throw new FormatError(source, `has ${entryAt} that is not an object.`);
        const finding = reader(entry, context, entryAt);
        if (finding) report.findings.push(finding);
      });
    }
    const packages = result.Packages;
    if (packages === undefined || packages === null) return;
    if (!Array.isArray(packages)) throw new FormatError(source, `has ${at}.Packages that is not a list.`);
    packages.forEach((entry, i) => {
      if (!isObject(entry)) throw new FormatError(source, `has ${at}.Packages[${i}] that is not an object.`);
      report.packages.push(readPackage(entry, context, `${at}.Packages[${i}]`));
    });
  });
}

const TRIVY_SEVERITIES = new Set(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']);

/** A field the entry cannot be used without; its absence is a broken report, not an entry to skip. */
function required(entry: JsonObject, field: string, context: ResultContext, at: string): string {
  const value = str(entry[field]);
  if (value === undefined)
    throw new FormatError(
      context.source,
      `has ${at} without ${field}; Trivy writes it for every entry (is the report edited or truncated?).`,
    );
  return value;
}

/** Trivy's five severity names, exactly as it writes them; anything else is refused, never guessed. */
function severityOf(entry: JsonObject, context: ResultContext, at: string, cvss?: number): Severity {
  const value = entry.Severity;
  if (typeof value !== 'string' || !TRIVY_SEVERITIES.has(value)) {
    throw new FormatError(
      context.source,
      `has ${at}.Severity ${value === undefined ? 'missing' : JSON.stringify(value).slice(0, 40)}; Trivy's severities are CRITICAL, HIGH, MEDIUM, LOW and UNKNOWN.`,
    );
  }
  return fromTrivy(value, cvss);
}

interface ResultContext {
  target: string;
  cls: string;
  type: string;
  image: string | undefined;
  /** The report, as named in errors. */
  source: string;
}

type Reader = (entry: JsonObject, context: ResultContext, at: string) => Finding | undefined;

function layerOf(entry: JsonObject): string | undefined {
  return isObject(entry.Layer) ? (str(entry.Layer.DiffID) ?? str(entry.Layer.Digest)) : undefined;
}

/** The scanner target minus Trivy's " (alpine 3.10.2)" suffix on OS results, which names the image, not a path. */
function targetPath(context: ResultContext): string | undefined {
  if (context.cls === 'os-pkgs') return undefined;
  return context.target || undefined;
}

/** The image or artefact key that findings are grouped and fingerprinted under. */
function subjectKey(context: ResultContext): string {
  return context.image ? imageRepository(context.image) : '';
}

/** Best CVSS score: the severity source's, then NVD's, then the highest any source gives. */
function bestCvss(entry: JsonObject): number | undefined {
  if (!isObject(entry.CVSS)) return undefined;
  const scoreOf = (source: unknown): number | undefined =>
    isObject(source) ? (num(source.V40Score) ?? num(source.V3Score) ?? num(source.V2Score)) : undefined;
  const preferred = str(entry.SeveritySource);
  const first = (preferred ? scoreOf(entry.CVSS[preferred]) : undefined) ?? scoreOf(entry.CVSS.nvd);
  if (first !== undefined) return first;
  const all = Object.values(entry.CVSS)
    .map(scoreOf)
    .filter((s): s is number => s !== undefined);
  return all.length > 0 ? Math.max(...all) : undefined;
}

const readVulnerability: Reader = (entry, context, at) => {
  const id = required(entry, 'VulnerabilityID', context, at);
  const name = required(entry, 'PkgName', context, at);
  const installed = str(entry.InstalledVersion) ?? '';
  const fixed = str(entry.FixedVersion);
  const cvss = bestCvss(entry);
  const status = str(entry.Status) ?? (fixed ? 'fixed' : undefined);
  const title = str(entry.Title) ?? id;
  const pkgPath = str(entry.PkgPath) ?? targetPath(context);
  const purl = isObject(entry.PkgIdentifier) ? str(entry.PkgIdentifier.PURL) : undefined;
  const fix = fixed
    ? `fixed in ${fixed}`
    : status && UNFIXED_STATUSES.has(status)
      ? `no fix available (${status.replace(/_/g, ' ')})`
      : 'no fix available';
  return compact({
    tool: 'trivy' as const,
    ruleId: id,
    kind: 'vulnerability' as const,
    severity: severityOf(entry, context, at, cvss),
    title,
    message: `${name} ${installed} is affected by ${id}: ${title}; ${fix}.`,
    description: str(entry.Description),
    helpUri: str(entry.PrimaryURL),
    image: context.image,
    layer: layerOf(entry),
    path: pkgPath,
    pkg: { name, installed, ...(fixed ? { fixed } : {}), ...(purl ? { purl } : {}) },
    fixStatus: status,
    cvss,
    fingerprint: fingerprintOf(['trivy', id, subjectKey(context), name, pkgPath ?? context.type]),
  });
};

/**
 * Trivy masks the matched value in `Match` and `Code`, but the surrounding `Code` lines are
 * verbatim file content and may hold other secrets: none of it is copied.
 */
const readSecret: Reader = (entry, context, at) => {
  const rule = required(entry, 'RuleID', context, at);
  const title = str(entry.Title) ?? rule;
  const line = num(entry.StartLine);
  const where = `${context.target}${line ? `:${line}` : ''}`;
  return compact({
    tool: 'trivy' as const,
    ruleId: `secret/${rule}`,
    kind: 'secret' as const,
    severity: severityOf(entry, context, at),
    title,
    message: `${title} found in ${where} (${str(entry.Category) ?? 'secret'}); the value is not shown.`,
    image: context.image,
    layer: layerOf(entry),
    path: context.target || undefined,
    fingerprint: fingerprintOf(['trivy', `secret/${rule}`, subjectKey(context), context.target, String(num(entry.Offset) ?? line ?? '')]),
  });
};

const readMisconfiguration: Reader = (entry, context, at) => {
  const id = str(entry.ID) ?? required(entry, 'AVDID', context, at);
  const status = required(entry, 'Status', context, at);
  const severity = severityOf(entry, context, at);
  // PASS and EXCEPTION are checks that held (or that the team excepted in Trivy itself).
  if (status !== 'FAIL') return undefined;
  const title = str(entry.Title) ?? id;
  const cause = isObject(entry.CauseMetadata) ? entry.CauseMetadata : {};
  const line = num(cause.StartLine);
  const message = str(entry.Message) ?? title;
  const resolution = str(entry.Resolution);
  return compact({
    tool: 'trivy' as const,
    ruleId: id,
    kind: 'misconfiguration' as const,
    severity,
    title,
    // In an image the finding's line is the Dockerfile's that brought the file in: say where inside the image it is.
    message: `${context.image && context.target ? `${context.target}${line ? `:${line}` : ''}: ` : ''}${message}${/[.!?]$/.test(message) ? '' : '.'}${resolution ? ` Fix: ${resolution}${/[.!?]$/.test(resolution) ? '' : '.'}` : ''}`,
    description: str(entry.Description),
    helpUri: str(entry.PrimaryURL),
    image: context.image,
    layer: layerOf(entry),
    path: context.target || undefined,
    ...(context.image ? {} : { file: context.target || undefined, line }),
    fingerprint: fingerprintOf(['trivy', id, subjectKey(context), context.target, message]),
  });
};

const readLicense: Reader = (entry, context, at) => {
  const name = required(entry, 'Name', context, at);
  const pkgName = str(entry.PkgName);
  const category = str(entry.Category) ?? 'unknown';
  const where = pkgName ?? (str(entry.FilePath) || context.target);
  const ruleId = `license/${name.replace(/[^A-Za-z0-9.+-]+/g, '-')}`;
  return compact({
    tool: 'trivy' as const,
    ruleId,
    kind: 'license' as const,
    severity: severityOf(entry, context, at),
    title: `${name} license (${category})`,
    message: `${where} is licensed under ${name}, which Trivy classifies as ${category}.`,
    helpUri: str(entry.Link),
    image: context.image,
    layer: layerOf(entry),
    path: str(entry.FilePath) ?? targetPath(context),
    fingerprint: fingerprintOf(['trivy', ruleId, subjectKey(context), where]),
  });
};

const READERS: readonly (readonly [string, Reader])[] = [
  ['Vulnerabilities', readVulnerability],
  ['Secrets', readSecret],
  ['Misconfigurations', readMisconfiguration],
  ['Licenses', readLicense],
];

/**
 * The fields each list's reader above reads (readPackage for Packages), and nothing else: a
 * streamed report keeps only these of each entry (trivyEntrySlimmer). A field a reader starts to read
 * must be added here; the test that parses every fixture both ways fails until it is.
 */
const ENTRY_FIELDS: ReadonlyMap<string, readonly string[]> = new Map([
  [
    'Vulnerabilities',
    [
      'VulnerabilityID',
      'PkgName',
      'InstalledVersion',
      'FixedVersion',
      'Status',
      'Title',
      'Description',
      'PrimaryURL',
      'PkgPath',
      'PkgIdentifier',
      'Severity',
      'SeveritySource',
      'CVSS',
      'Layer',
    ],
  ],
  ['Secrets', ['RuleID', 'Title', 'StartLine', 'Category', 'Severity', 'Offset', 'Layer']],
  [
    'Misconfigurations',
    ['ID', 'AVDID', 'Status', 'Severity', 'Title', 'CauseMetadata', 'Message', 'Resolution', 'Description', 'PrimaryURL', 'Layer'],
  ],
  ['Licenses', ['Name', 'PkgName', 'Category', 'FilePath', 'Severity', 'Link', 'Layer']],
  ['Packages', ['Name', 'Version', 'Identifier', 'ID', 'Licenses', 'Layer', 'DependsOn']],
]);

/**
 * Whether a list in a report (by its path from the top) holds one result's entries:
 * `Results[n].<list>`, or `[n].<list>` in the legacy array form. Those are what a report's size
 * is made of, so they are read one entry at a time.
 */
export function isTrivyEntryList(path: readonly (string | number)[]): boolean {
  const list = path[path.length - 1];
  const inResult =
    (path.length === 3 && path[0] === 'Results' && typeof path[1] === 'number') || (path.length === 2 && typeof path[0] === 'number');
  return inResult && typeof list === 'string' && ENTRY_FIELDS.has(list);
}

/** Texts that repeat across a report's entries: one CVE's description comes once per package it affects. */
const SHARED_TEXTS = ['Title', 'Description', 'PrimaryURL'];

/**
 * For one report: each entry of such a list with only the fields parseTrivyReport reads.
 * References, CWE ids, vendor severities, dates and a misconfiguration's code lines are dropped as
 * the report streams in, and a description met before is kept once (real reports repeat each 2 to
 * 8 times), so what is kept of a 200 MB report is a fraction of it. Anything but an object is left
 * for parseTrivyReport to refuse with its path.
 */
export function trivyEntrySlimmer(): (entry: unknown, path: readonly (string | number)[]) => unknown {
  const texts = new Map<string, string>();
  return (entry, path) => {
    const fields = ENTRY_FIELDS.get(String(path[path.length - 1]));
    if (!fields || !isObject(entry)) return entry;
    const slim: Record<string, unknown> = {};
    for (const field of fields) {
      const value = entry[field];
      if (value !== undefined) slim[field] = value;
    }
    for (const field of SHARED_TEXTS) {
      const text = slim[field];
      if (typeof text !== 'string') continue;
      const known = texts.get(text);
      if (known === undefined) texts.set(text, text);
      else slim[field] = known;
    }
    // Only the line is read of a misconfiguration's cause; its Code holds file content.
    if (isObject(slim.CauseMetadata)) slim.CauseMetadata = { StartLine: slim.CauseMetadata.StartLine };
    return slim;
  };
}
