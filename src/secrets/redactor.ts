/**
 * Removes known secret values from any text bulkhead writes (logs, SARIF, comment, report.json).
 * Findings never carry secret values by construction; this is the second line of defence for
 * values that can reach text by other ways, such as the token or a value a scanner echoed.
 */
export class Redactor {
  private readonly values = new Set<string>();

  /** Values shorter than 6 characters would redact ordinary words; they are not secrets worth the noise. */
  add(value: string | undefined): void {
    if (value && value.length >= 6) this.values.add(value);
  }

  apply(text: string): string {
    let out = text;
    // Longest first: a value that holds another must be masked whole, not around the shorter one.
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      if (out.includes(value)) out = out.split(value).join('***');
    }
    return out;
  }
}
