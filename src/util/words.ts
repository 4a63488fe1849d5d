/**
 * Splits a command line into words as a POSIX shell would split a simple command: blanks separate
 * words, single quotes keep everything, double quotes keep everything but `\"` and `\\`, a
 * backslash outside quotes keeps the next character. Nothing is expanded ($VAR, globs, ~), and
 * the words are passed to a program directly, never to a shell. Undefined when a quote is not
 * closed, so that the caller can say so.
 */
export function splitWords(text: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      inWord = true;
      let closed = false;
      for (i++; i < text.length; i++) {
        const d = text[i] as string;
        if (d === '"') {
          closed = true;
          break;
        }
        if (d === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          word += text[i + 1];
          i++;
        } else word += d;
      }
      if (!closed) return undefined;
    } else if (c === '\\') {
      if (i + 1 < text.length) word += text[++i];
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
