/**
 * Makes scanner- and image-provided text inert in GitHub-flavoured markdown: no HTML, no links
 * or images, no emphasis or headings that change the page, no @mentions or #references that
 * notify anyone, no table breakage. The text is always placed inline, never at the start of a
 * line, so list and heading markers (`-`, `+`, `1.`) need no escape there.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]#|~]/g, '\\$&')
    .replace(/@/g, '@\u200b')
    .replace(/:\/\//g, ':\u200b//')
    .replace(/www\./gi, (m) => `${m.slice(0, 3)}\u200b.`)
    .replace(/\r?\n/g, ' ');
}

/** For text inside a code span: only backticks and line breaks need care; mentions cannot fire there. */
export function codeSpan(text: string): string {
  // GFM splits table cells on | even inside code spans unless it is escaped.
  const clean = text.replace(/\r?\n/g, ' ').replace(/`/g, "'").replace(/\|/g, '\\|');
  return `\`${clean}\``;
}
