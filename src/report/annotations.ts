import { compareFindings, type Decision } from '../model/finding.js';

export interface Annotation {
  level: 'error' | 'warning';
  title: string;
  message: string;
  file: string;
  line: number;
}

/** GitHub shows at most this many annotations of each level per step. */
export const ANNOTATION_CAP = 10;

/**
 * Errors for findings that fail the gate, warnings for the rest that are not suppressed; most
 * severe first; only findings placed on a file in the repository (a Dockerfile line).
 */
export function selectAnnotations(decisions: readonly Decision[], repoFiles: ReadonlySet<string>): Annotation[] {
  const located = decisions
    .filter((d) => d.verdict !== 'suppressed' && d.finding.file !== undefined && repoFiles.has(d.finding.file))
    .sort((a, b) => compareFindings(a.finding, b.finding));
  const pick = (level: Annotation['level'], list: Decision[]): Annotation[] =>
    list.slice(0, ANNOTATION_CAP).map((d) => ({
      level,
      title: `${d.finding.severity.toUpperCase()} ${d.finding.ruleId}${d.finding.pkg ? ` in ${d.finding.pkg.name}` : ''}`,
      message: d.finding.message,
      file: d.finding.file as string,
      line: Math.max(1, d.finding.line ?? 1),
    }));
  return [
    ...pick(
      'error',
      located.filter((d) => d.verdict === 'fails-gate'),
    ),
    ...pick(
      'warning',
      located.filter((d) => d.verdict === 'below-threshold'),
    ),
  ];
}
