/**
 * A mistake the user can fix by changing an input, a flag or a file. The message is one sentence
 * that names the input and says what to change. Exit code 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A report file that exists but cannot be read as the tool's output. Also the user's to fix. */
export class ReportError extends UsageError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** A scanner or external tool failed: says which tool and what happened. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    readonly tool: string,
    detail: string,
  ) {
    super(`${tool}: ${detail}`);
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
