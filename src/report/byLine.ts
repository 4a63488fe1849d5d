import type { Decision } from '../model/finding.js';
import { codeSpan, escapeMarkdown } from './escape.js';

/** Findings grouped by the Dockerfile line that brought them in (after attribution). */
export interface LineGroup {
  file: string;
  line: number;
  instruction: string;
  base: boolean;
  baseImage?: string;
  vulnerabilities: number;
  fixable: number;
  other: number;
  failing: number;
}

export function groupByLine(decisions: readonly Decision[]): LineGroup[] {
  const groups = new Map<string, LineGroup>();
  for (const decision of decisions) {
    const f = decision.finding;
    if (
      decision.verdict === 'suppressed' ||
      !f.introducedBy ||
      f.introducedBy.kind === 'history' ||
      f.file === undefined ||
      f.line === undefined
    )
      continue;
    const key = `${f.file}\u0000${f.line}`;
    const group = groups.get(key) ?? {
      file: f.file,
      line: f.line,
      instruction: f.introducedBy.instruction,
      base: f.introducedBy.kind === 'base',
      ...(f.introducedBy.baseImage ? { baseImage: f.introducedBy.baseImage } : {}),
      vulnerabilities: 0,
      fixable: 0,
      other: 0,
      failing: 0,
    };
    if (f.kind === 'vulnerability') {
      group.vulnerabilities += 1;
      if (f.pkg?.fixed) group.fixable += 1;
    } else group.other += 1;
    if (decision.verdict === 'fails-gate') group.failing += 1;
    groups.set(key, group);
  }
  return [...groups.values()].sort(
    (a, b) => b.failing - a.failing || b.vulnerabilities + b.other - (a.vulnerabilities + a.other) || a.line - b.line,
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "12 vulnerabilities, 3 fixable, 1 other finding (2 fail the gate)". */
export function describeGroup(group: LineGroup): string {
  const parts: string[] = [];
  if (group.vulnerabilities > 0)
    parts.push(`${plural(group.vulnerabilities, 'vulnerability').replace('vulnerabilitys', 'vulnerabilities')}, ${group.fixable} fixable`);
  if (group.other > 0) parts.push(plural(group.other, group.vulnerabilities > 0 ? 'other finding' : 'finding'));
  return `${parts.join(', ')}${group.failing > 0 ? ` (${group.failing} fail${group.failing === 1 ? 's' : ''} the gate)` : ''}`;
}

/**
 * A short markdown section: where the findings come from, line by line, and how much is the base
 * image's versus the image's own layers. Empty when nothing was attributed.
 */
export function renderByLine(decisions: readonly Decision[], lineLabel: (file: string, line: number) => string, maxRows = 10): string[] {
  const groups = groupByLine(decisions);
  if (groups.length === 0) return [];
  const base = groups.filter((g) => g.base).reduce((n, g) => n + g.vulnerabilities + g.other, 0);
  const own = groups.filter((g) => !g.base).reduce((n, g) => n + g.vulnerabilities + g.other, 0);
  const baseImages = [...new Set(groups.filter((g) => g.base && g.baseImage).map((g) => g.baseImage as string))];
  const lines = ['**Where they come from**', ''];
  for (const group of groups.slice(0, maxRows)) {
    const what = group.base
      ? `the base image ${codeSpan(group.baseImage ?? group.instruction)}`
      : `this ${escapeMarkdown(group.instruction.split(' ')[0] ?? '')} line`;
    lines.push(`- ${lineLabel(group.file, group.line)} ${codeSpan(group.instruction)}: ${what} brings ${describeGroup(group)}`);
  }
  if (groups.length > maxRows) lines.push(`- … and ${groups.length - maxRows} more lines`);
  lines.push(
    '',
    `From the base image${baseImages.length ? ` (${baseImages.map(codeSpan).join(', ')})` : ''}: **${base}** · from this Dockerfile's own instructions: **${own}**.`,
    '',
  );
  return lines;
}
