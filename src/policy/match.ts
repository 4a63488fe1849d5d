import { imageRepository, type Finding } from '../model/finding.js';
import { compileGlob, type Glob } from '../util/glob.js';
import type { ExceptionMatch, SeverityOverride } from './file.js';
import { purlMatches } from './vex.js';

const compiled = new Map<string, Glob>();
function glob(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  let matcher = compiled.get(pattern);
  if (!matcher) {
    matcher = compileGlob(pattern);
    compiled.set(pattern, matcher);
  }
  return matcher.matches(value);
}

/** Trivy misconfiguration IDs come as DS002, DS-0002 and AVD-DS-0002 across versions: one identity. */
function misconfigurationKey(id: string): string {
  return id
    .toUpperCase()
    .replace(/^AVD-/, '')
    .replace(/-/g, '')
    .replace(/^([A-Z]+)0*(\d)/, '$1$2');
}

/** A pattern names a rule the way users write it: exact, glob, or without bulkhead's kind prefix. */
export function idMatches(pattern: string, finding: Finding, literal = false): boolean {
  const id = finding.ruleId;
  if (literal ? pattern === id : glob(pattern, id)) return true;
  const bare = id.replace(/^(secret|license)\//, '');
  if (bare !== id && (literal ? pattern === bare : glob(pattern, bare))) return true;
  return finding.kind === 'misconfiguration' && misconfigurationKey(pattern) === misconfigurationKey(id);
}

export function exceptionMatches(match: ExceptionMatch, finding: Finding): boolean {
  if (match.id !== undefined && !idMatches(match.id, finding, match.literalId)) return false;
  if (match.tool !== undefined && match.tool !== finding.tool) return false;
  if (match.package !== undefined && !glob(match.package, finding.pkg?.name)) return false;
  if (match.purl !== undefined && !purlMatches(match.purl, finding.pkg?.purl)) return false;
  if (
    match.image !== undefined &&
    !(finding.image && (glob(match.image, imageRepository(finding.image)) || glob(match.image, finding.image)))
  )
    return false;
  if (match.path !== undefined && !glob(match.path.replace(/^\//, ''), finding.path?.replace(/^\//, ''))) return false;
  if (match.dockerfile !== undefined && !glob(match.dockerfile, finding.file)) return false;
  return true;
}

/** The override for a finding: one naming its rule beats one naming only its tool; later beats earlier. */
export function overrideFor(finding: Finding, overrides: readonly SeverityOverride[]): SeverityOverride | undefined {
  let best: SeverityOverride | undefined;
  for (const override of overrides) {
    if (override.tool !== undefined && override.tool !== finding.tool) continue;
    if (override.id !== undefined && !idMatches(override.id, finding)) continue;
    if (best && best.id !== undefined && override.id === undefined) continue;
    best = override;
  }
  return best;
}
