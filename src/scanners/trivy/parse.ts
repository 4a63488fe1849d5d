import { FormatError } from '../../util/errors.js';
import { fingerprintOf, imageRepository, type Finding } from '../../model/finding.js';
import { isObject, num, str, type JsonObject } from '../../util/json.js';
import { fromTrivy } from '../../model/severity.js';

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
  /** Things in the report that bulkhead could not use, said rather than dropped silently. */
  warnings: string[];
}

/** Thrown for a report whose shape is not Trivy's JSON; the message says what it is instead. */

const UNFIXED_STATUSES = new Set(['affected', 'will_not_fix', 'fix_deferred', 'end_of_life', 'under_investigation', 'unknown']);

export function parseTrivyReport(document: unknown, source = 'the Trivy report'): TrivyReport {
  if (document === null) {
    return { schema: 'legacy', diffIds: [], history: [], findings: [], warnings: [] };
  }
  if (Array.isArray(document)) {
    const report: TrivyReport = { schema: 'legacy', diffIds: [], history: [], findings: [], warnings: [] };
    collectResults(document, 'the report', report, source);
    return report;
  }
  if (!isObject(document)) {
    throw new FormatError(source, `is JSON ${typeof document}, not a Trivy report (run Trivy with --format json)`);
  }
  if ('runs' in document && 'version' in document) {
    throw new FormatError(source, "is a SARIF log; bulkhead reads Trivy's own JSON (run Trivy with --format json)");
  }
  if (document.SchemaVersion !== 2) {
    const seen =
      document.SchemaVersion === undefined ? 'has no SchemaVersion' : `has SchemaVersion ${JSON.stringify(document.SchemaVersion)}`;
    throw new FormatError(
      source,
      `${seen}; bulkhead reads Trivy JSON with SchemaVersion 2 (Trivy v0.20 and later) and the older array form`,
    );
  }
  const metadata = isObject(document.Metadata) ? document.Metadata : {};
  const artifactType = str(document.ArtifactType);
  const artifactName = str(document.ArtifactName);
  const image = artifactType === 'container_image' ? artifactName : undefined;
  const report: TrivyReport = {
    schema: 2,
    trivyVersion: isObject(document.Trivy) ? str(document.Trivy.Version) : undefined,
    artifactName,
    artifactType,
    image,
    imageId: str(metadata.ImageID),
    diffIds: Array.isArray(metadata.DiffIDs) ? metadata.DiffIDs.filter((d): d is string => typeof d === 'string') : [],
    history: readHistory(metadata),
    findings: [],
    warnings: [],
  };
  if (document.Results !== undefined && document.Results !== null) {
    if (!Array.isArray(document.Results)) throw new FormatError(source, 'has Results that is not a list');
    collectResults(document.Results, 'Results', report, source);
  }
  return report;
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
    if (!isObject(result)) {
      report.warnings.push(`${where}[${index}] is not an object and was skipped`);
      return;
    }
    const context: ResultContext = {
      target: str(result.Target) ?? '',
      cls: str(result.Class) ?? '',
      type: str(result.Type) ?? '',
      image: report.image,
    };
    const at = `${where}[${index}]`;
    for (const [key, reader] of READERS) {
      const list = result[key];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) throw new FormatError(source, `has ${at}.${key} that is not a list`);
      let skipped = 0;
      for (const entry of list) {
        const finding = isObject(entry) ? reader(entry, context) : undefined;
        if (finding === undefined) {
          if (!(isObject(entry) && key === 'Misconfigurations' && str(entry.Status) !== 'FAIL')) skipped++;
          continue;
        }
        report.findings.push(finding);
      }
      if (skipped > 0) {
        report.warnings.push(`${at}.${key}: ${skipped} ${skipped === 1 ? 'entry' : 'entries'} without an ID or title could not be used`);
      }
    }
  });
}

interface ResultContext {
  target: string;
  cls: string;
  type: string;
  image: string | undefined;
}

type Reader = (entry: JsonObject, context: ResultContext) => Finding | undefined;

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

const readVulnerability: Reader = (entry, context) => {
  const id = str(entry.VulnerabilityID);
  const name = str(entry.PkgName);
  if (!id || !name) return undefined;
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
  return {
    tool: 'trivy',
    ruleId: id,
    kind: 'vulnerability',
    severity: fromTrivy(entry.Severity, cvss),
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
  };
};

/**
 * Trivy masks the matched value in `Match` and `Code`, but the surrounding `Code` lines are
 * verbatim file content and may hold other secrets: none of it is copied.
 */
const readSecret: Reader = (entry, context) => {
  const rule = str(entry.RuleID);
  if (!rule) return undefined;
  const title = str(entry.Title) ?? rule;
  const line = num(entry.StartLine);
  const where = `${context.target}${line ? `:${line}` : ''}`;
  return {
    tool: 'trivy',
    ruleId: `secret/${rule}`,
    kind: 'secret',
    severity: fromTrivy(entry.Severity),
    title,
    message: `${title} found in ${where} (${str(entry.Category) ?? 'secret'}); the value is not shown.`,
    image: context.image,
    layer: layerOf(entry),
    path: context.target || undefined,
    fingerprint: fingerprintOf(['trivy', `secret/${rule}`, subjectKey(context), context.target, String(num(entry.Offset) ?? line ?? '')]),
  };
};

const readMisconfiguration: Reader = (entry, context) => {
  if (str(entry.Status) !== 'FAIL') return undefined;
  const id = str(entry.ID) ?? str(entry.AVDID);
  if (!id) return undefined;
  const title = str(entry.Title) ?? id;
  const cause = isObject(entry.CauseMetadata) ? entry.CauseMetadata : {};
  const line = num(cause.StartLine);
  const message = str(entry.Message) ?? title;
  const resolution = str(entry.Resolution);
  return {
    tool: 'trivy',
    ruleId: id,
    kind: 'misconfiguration',
    severity: fromTrivy(entry.Severity),
    title,
    message: `${message}${/[.!?]$/.test(message) ? '' : '.'}${resolution ? ` Fix: ${resolution}${/[.!?]$/.test(resolution) ? '' : '.'}` : ''}`,
    description: str(entry.Description),
    helpUri: str(entry.PrimaryURL),
    image: context.image,
    layer: layerOf(entry),
    path: context.target || undefined,
    ...(context.image ? {} : { file: context.target || undefined, line }),
    fingerprint: fingerprintOf(['trivy', id, subjectKey(context), context.target, message]),
  };
};

const readLicense: Reader = (entry, context) => {
  const name = str(entry.Name);
  if (!name) return undefined;
  const pkgName = str(entry.PkgName);
  const category = str(entry.Category) ?? 'unknown';
  const where = pkgName ?? (str(entry.FilePath) || context.target);
  const ruleId = `license/${name.replace(/[^A-Za-z0-9.+-]+/g, '-')}`;
  return {
    tool: 'trivy',
    ruleId,
    kind: 'license',
    severity: fromTrivy(entry.Severity),
    title: `${name} license (${category})`,
    message: `${where} is licensed under ${name}, which Trivy classifies as ${category}.`,
    helpUri: str(entry.Link),
    image: context.image,
    layer: layerOf(entry),
    path: str(entry.FilePath) ?? targetPath(context),
    fingerprint: fingerprintOf(['trivy', ruleId, subjectKey(context), where]),
  };
};

const READERS: readonly (readonly [string, Reader])[] = [
  ['Vulnerabilities', readVulnerability],
  ['Secrets', readSecret],
  ['Misconfigurations', readMisconfiguration],
  ['Licenses', readLicense],
];
