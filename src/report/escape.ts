/**
 * Makes scanner- and image-provided text inert in GitHub-flavoured markdown: no HTML, no links
 * or images, no emphasis or headings that change the page, no @mentions or #references that
 * notify anyone, no table breakage. The text is always placed inline, never at the start of a
 * line, so list and heading markers (`-`, `+`, `1.`) need no escape there.
 */
export function escapeMarkdown(text: string): string {
  // Control characters go first, so that what they separated ("ww\u0001w.") is seen joined.
  const clean = CONTROL.test(text) ? text.replace(CONTROL_ALL, '') : text;
  // One pass for the rest: a finding's description is escaped for every rule of a large report.
  return clean.replace(MARKDOWN, escapeOne);
}

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');
/** HTML's three, markdown's punctuation, mentions, autolinks (`://`, `www.`), line breaks. */
const MARKDOWN = /[&<>\\`*_[\]#|~@]|:\/\/|www\.|\r?\n/gi;

function escapeOne(match: string): string {
  switch (match) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '@':
      return '@\u200b';
    case '://':
      return ':\u200b//';
    case '\n':
    case '\r\n':
      return ' ';
    default:
      // `www.` in any case keeps its letters; a punctuation mark gets its backslash.
      return match.length === 4 ? `${match.slice(0, 3)}\u200b.` : `\\${match}`;
  }
}

/** For text inside a code span: only backticks and line breaks need care; mentions cannot fire there. */
export function codeSpan(text: string): string {
  // GFM splits table cells on | even inside code spans unless it is escaped.
  const clean = text.replace(/\r?\n/g, ' ').replace(/`/g, "'").replace(/\|/g, '\\|');
  return `\`${clean}\``;
}
