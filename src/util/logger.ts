/**
 * The one logger every stage writes to. The action routes it to the job log (groups fold tool
 * output), the CLI to standard error; both redact what passes through.
 */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  /** A block of tool output, folded in the action's log; the CLI drops it. */
  group(title: string, body: string): void;
}

/** A logger that drops everything, for library callers and tests that do not read the log. */
export const silentLogger: Logger = { info: () => {}, warning: () => {}, group: () => {} };
