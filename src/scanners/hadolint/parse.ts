import { FormatError } from '../../util/errors.js';
import { fingerprintOf, type Finding } from '../../model/finding.js';
import { isObject, num, str } from '../../util/json.js';
import { fromHadolint } from '../../model/severity.js';

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
      const code = isObject(entry) ? str(entry.code) : undefined;
      if (!isObject(entry) || !code) {
        warnings.push(`entry ${position + 1} of list ${index + 1} has no rule code and was skipped`);
        return;
      }
      const file = resolveFile(str(entry.file) ?? '-');
      const message = str(entry.message) ?? code;
      const line = num(entry.line);
      // Same rule, same message, same file: told apart by order, so moving lines keeps identity.
      const identity = `${file}\u0000${code}\u0000${message}`;
      const occurrence = (occurrences.get(identity) ?? 0) + 1;
      occurrences.set(identity, occurrence);
      findings.push({
        tool: 'hadolint',
        ruleId: code,
        kind: 'lint',
        severity: fromHadolint(entry.level),
        title: message,
        message: `${message}${/[.!?]$/.test(message) ? '' : '.'}`,
        helpUri: ruleHelpUri(code),
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
