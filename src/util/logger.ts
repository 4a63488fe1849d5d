/**
 * The one logger every stage writes to. The action routes it to the job log (groups fold tool
 * output), the CLI to standard error; both redact what passes through.
 */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  /** A block of tool output, folded in the action's log; the CLI drops it. */
  group(title: string, body: string): void;
  /**
   * A long step (an install, the database download, an image read, a scanner run) starts: the
   * CLI shows it live on a terminal; both faces write one line when it ends, with its duration.
   */
  step?(title: string): Step;
}

export interface Step {
  /** What it is doing now ("layer 3 of 7"), shown while it runs. */
  update(detail: string): void;
  done(detail?: string): void;
  failed(detail: string): void;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}

/** How a step's end reads in both faces: "✓ Reading app.tar: 7 layers (1.8 s)". */
export function stepEndLine(mark: string, title: string, detail: string | undefined, ms: number): string {
  return `${mark} ${title}${detail ? `: ${detail}` : ''} (${formatDuration(ms)})`;
}

const NO_STEP: Step = { update: () => {}, done: () => {}, failed: () => {} };

/** The logger's step, or one that shows nothing where the logger has none. */
export function startStep(logger: Logger, title: string): Step {
  return logger.step?.(title) ?? NO_STEP;
}

/** A logger that drops everything, for library callers and tests that do not read the log. */
export const silentLogger: Logger = { info: () => {}, warning: () => {}, group: () => {} };
