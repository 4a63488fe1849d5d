/**
 * bulkhead's one error model. Every error it means to raise is one of three classes, and
 * `exitCodeFor` maps any thrown value to the exit code the entry points return:
 *
 *   UsageError   2  a mistake the user fixes by changing an input, a flag, or a file they write
 *                   (the policy file, ignore files, VEX documents).
 *   FormatError  3  a file or image that cannot be read as what it claims to be: a scanner
 *                   report, an image archive or layout, a baseline, an event payload.
 *   ToolError    3  a scanner or external tool failed, or bulkhead could not do its own work.
 *
 * Anything else is a bug, still reported in one line and exit 3, never a pass.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export class FormatError extends Error {
  override readonly name = 'FormatError';
  /**
   * @param source the file, image or document, named as the user gave it
   * @param detail what is wrong with it, starting with a verb ("is not valid JSON …")
   */
  constructor(
    readonly source: string,
    detail: string,
  ) {
    // "app.tar is not …", "app.tar: the archive ends …": a detail that starts with a verb reads on from the name.
    super(STARTS_WITH_VERB.test(detail) ? `${source} ${detail}` : `${source}: ${detail}`);
  }
}

const STARTS_WITH_VERB =
  /^(is|are|has|have|holds|uses|indexes|expands|cannot|names|lists|ends|does|contains|declares|gives|says|points|was|needs|lacks|looks|claims|links|refers)\b/;

/** Ends a clause as a sentence: a full stop unless it already ends in one (or in ? or !). */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    readonly tool: string,
    detail: string,
  ) {
    super(`${tool}: ${detail}`);
  }
}

export function exitCodeFor(error: unknown): 2 | 3 {
  return error instanceof UsageError ? 2 : 3;
}

/** The message of any thrown value, in one line. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** What the entry points print for an error: one sentence, never a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof UsageError || error instanceof FormatError || error instanceof ToolError) return errorMessage(error);
  return `unexpected error: ${errorMessage(error)}`;
}
