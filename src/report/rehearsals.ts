import type { RehearsalSummary } from '../model/rehearsal.js';
import { formatDuration } from '../util/logger.js';
import { codeSpan, escapeMarkdown } from './escape.js';
import { fenced } from './workloads.js';

/** The rehearsal part of the summary and the comment: per image, what it ran under and the fragment. */

export interface RehearsedImage {
  image: string;
  rehearsal: RehearsalSummary;
}

/** One sentence per image: what happened and, when it failed, what breaks it. */
export function rehearsalLine({ image, rehearsal: r }: RehearsedImage): string {
  const who = r.userSubstituted ? ` (its USER is root; rehearsed as ${r.user})` : '';
  switch (r.verdict) {
    case 'hardened':
      return `${codeSpan(image)} runs hardened: it ${escapeMarkdown(r.hardened)} as ${escapeMarkdown(r.verified?.profile ?? '')}${escapeMarkdown(who)}.`;
    case 'explained':
      return `${codeSpan(image)} did not run hardened: it ${escapeMarkdown(r.hardened)}${escapeMarkdown(who)}. What breaks it: ${escapeMarkdown(r.breaks.join('; '))}.${r.verified ? ` It ${escapeMarkdown(r.verified.outcome)} as ${escapeMarkdown(r.verified.profile)}.` : ' The resulting profile did not run as a whole (see the notes).'}`;
    case 'fails-anyway':
      return `${codeSpan(image)} fails with every restriction lifted (it ${escapeMarkdown(r.hardened)} hardened): the hardening is not the cause.`;
    case 'incomplete':
      return `${codeSpan(image)} did not run hardened (it ${escapeMarkdown(r.hardened)}); the rehearsal found no answer in its time.`;
  }
}

function fragmentBlocks({ rehearsal: r }: RehearsedImage): string[] {
  const mark = r.fragments.verified ? `rehearsed for ${formatDuration(r.durationMs)}` : 'not verified';
  return [
    `<details><summary>securityContext it ran under (${mark})</summary>`,
    '',
    ...fenced(r.fragments.kubernetes, 'yaml'),
    '',
    '</details>',
    '',
    `<details><summary>Compose service it ran under (${mark})</summary>`,
    '',
    ...fenced(r.fragments.compose, 'yaml'),
    '',
    '</details>',
    '',
  ];
}

/** The summary's section: every image's line, its fragments, and the evidence. */
export function renderRehearsals(images: readonly RehearsedImage[]): string[] {
  if (images.length === 0) return [];
  const out = ['### Rehearsal', ''];
  for (const entry of images) {
    const r = entry.rehearsal;
    out.push(rehearsalLine(entry), '');
    if (r.verified?.capabilities) {
      out.push(
        `PID 1 held ${r.verified.capabilities.length === 0 ? 'no capabilities' : escapeMarkdown(r.verified.capabilities.join(', '))}; processes: ${escapeMarkdown(r.verified.processes.map((p) => `${p.command} (uid ${p.uid})`).join(', ') || 'none listed')}.`,
        '',
      );
    }
    if (r.written.length > 0) out.push(`Written outside /tmp and its VOLUMEs: ${r.written.map(codeSpan).join(', ')}.`, '');
    out.push(...fragmentBlocks(entry));
    if (r.logTail.length > 0) {
      out.push(
        '<details><summary>Last log lines of the hardened run</summary>',
        '',
        ...fenced(r.logTail.join('\n'), 'text'),
        '',
        '</details>',
        '',
      );
    }
    out.push(
      `<details><summary>${r.runs.length} run${r.runs.length === 1 ? '' : 's'} in ${formatDuration(r.elapsedMs)}</summary>`,
      '',
      '| Run | Profile | Outcome |',
      '|---|---|---|',
      ...r.runs.map(
        (run) =>
          `| ${escapeMarkdown(run.purpose)} | ${escapeMarkdown(run.profile)} | ${escapeMarkdown(run.outcome)}${run.exitCode !== undefined ? ` (${run.exitCode})` : ''}, ${formatDuration(run.elapsedMs)} |`,
      ),
      '',
      '</details>',
      '',
    );
  }
  return out;
}

/** The comment's part: the line per image and the fragments, nothing more. */
export function rehearsalCommentLines(images: readonly RehearsedImage[]): string[] {
  return images.flatMap((entry) => [rehearsalLine(entry), '', ...fragmentBlocks(entry)]);
}

export function rehearsedImages(results: readonly { target: string; rehearsal?: RehearsalSummary }[]): RehearsedImage[] {
  return results.flatMap((r) => (r.rehearsal ? [{ image: r.target, rehearsal: r.rehearsal }] : []));
}
