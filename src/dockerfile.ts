/**
 * Line of the final stage's FROM instruction (1-based), or undefined when the text has none.
 * Image findings are placed there until attribution finds the instruction that caused them.
 */
export function finalFromLine(text: string): number | undefined {
  const lines = text.split(/\r?\n/);
  let found: number | undefined;
  let continued = false;
  lines.forEach((line, index) => {
    // A line that continues the previous instruction cannot start a new one.
    if (!continued && /^\s*FROM\s/i.test(line)) found = index + 1;
    const trimmed = line.trimEnd();
    continued = !/^\s*#/.test(line) && (trimmed.endsWith('\\') || (continued && trimmed === ''));
  });
  return found;
}
