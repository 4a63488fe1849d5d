import { FormatError } from '../../util/errors.js';
import { fingerprintOf, type Finding } from '../../model/finding.js';
import { isObject, num, str } from '../../util/json.js';
import { fromHadolint } from '../../model/severity.js';

const HADOLINT_LEVELS = new Set(['error', 'warning', 'info', 'style']);

export interface HadolintReport {
  findings: Finding[];
  warnings: string[];
}

/**
 * Reads `hadolint -f json` output: one array of findings, or several arrays written one after
 * another when runs were appended to one file (`[][][{…}]`); the caller splits those with
 * parseJsonSequence. `resolveFile` turns the tool's file name ("-" for stdin, Windows paths)
 * into the repo-relative Dockerfile path.
 */
export function parseHadolintReport(
  documents: readonly unknown[],
  resolveFile: (file: string) => string,
  source = 'the hadolint report',
): HadolintReport {
  const findings: Finding[] = [];
  const warnings: string[] = [];
  const occurrences = new Map<string, number>();
  documents.forEach((document, index) => {
    if (isObject(document) && 'runs' in document) {
      throw new FormatError(source, "is a SARIF log; bulkhead reads hadolint's JSON (run hadolint with -f json)");
    }
    if (!Array.isArray(document)) {
      throw new FormatError(
        source,
        `holds JSON ${document === null ? 'null' : typeof document} where hadolint writes a list of findings (run hadolint with -f json)`,
      );
    }
    document.forEach((entry, position) => {
      const at = `${documents.length > 1 ? `list ${index + 1}, ` : ''}[${position}]`;
      if (!isObject(entry)) throw new FormatError(source, `has ${at} that is not an object; hadolint writes one object per finding.`);
      const code = str(entry.code);
      if (!code)
        throw new FormatError(source, `has ${at} without a rule code; hadolint writes one for every finding (is the report edited?).`);
      const level = entry.level;
      if (typeof level !== 'string' || !HADOLINT_LEVELS.has(level)) {
        throw new FormatError(
          source,
          `has ${at}.level ${level === undefined ? 'missing' : JSON.stringify(level).slice(0, 40)}; hadolint's levels are error, warning, info and style.`,
        );
      }
      const file = resolveFile(str(entry.file) ?? '-');
      const message = str(entry.message) ?? code;
      const line = num(entry.line);
      // Same rule, same message, same file: told apart by order, so moving lines keeps identity.
      const identity = `${file}\u0000${code}\u0000${message}`;
      const occurrence = (occurrences.get(identity) ?? 0) + 1;
      occurrences.set(identity, occurrence);
      const helpUri = ruleHelpUri(code);
      findings.push({
        tool: 'hadolint',
        ruleId: code,
        kind: 'lint',
        severity: fromHadolint(level),
        title: message,
        message: `${message}${/[.!?]$/.test(message) ? '' : '.'}`,
        ...(helpUri ? { helpUri } : {}),
        file,
        line: line !== undefined && line >= 1 ? line : 1,
        fingerprint: fingerprintOf(['hadolint', code, file, message, String(occurrence)]),
      });
    });
  });
  return { findings, warnings };
}

export function ruleHelpUri(code: string): string | undefined {
  if (/^DL\d{4}$/.test(code)) return `https://github.com/hadolint/hadolint/wiki/${code}`;
  if (/^SC\d{4}$/.test(code)) return `https://www.shellcheck.net/wiki/${code}`;
  return undefined;
}
