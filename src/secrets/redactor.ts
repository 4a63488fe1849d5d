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
    return this.masker()(text);
  }

  /** JSON text in pieces (util/jsonText), each masked as it comes: a value inside a JSON string is always whole in one piece. */
  applyEach(pieces: Iterable<string>): Iterable<string> {
    if (this.values.size === 0) return pieces;
    const mask = this.masker();
    return (function* () {
      for (const piece of pieces) yield mask(piece);
    })();
  }

  private masker(): (text: string) => string {
    // Longest first: a value that holds another must be masked whole, not around the shorter one.
    const values = [...this.values].sort((a, b) => b.length - a.length);
    return (text) => {
      let out = text;
      for (const value of values) if (out.includes(value)) out = out.split(value).join('***');
      return out;
    };
  }
}
