import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../src/report/escape.js';

/** The escaping spelled out one rule at a time, as the summary has always applied it: the oracle. */
function escapeRuleByRule(text: string): string {
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

const scannerText = fc.string({
  unit: fc.constantFrom(...'&<>\\`*_[]#|~@:/.wW \r\n\u0001\u007f\u0000aé…', 'www.', 'WwW.', '://', 'https://x.io', '<img>', '\r\n'),
  maxLength: 60,
});

describe('markdown escaping of scanner text', () => {
  it('is the rule-by-rule escaping, in one pass, on any text', () => {
    fc.assert(
      fc.property(fc.oneof(scannerText, fc.string({ unit: 'binary' })), (text) => {
        expect(escapeMarkdown(text)).toBe(escapeRuleByRule(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves no autolink, mention, tag or emphasis live', () => {
    const out = escapeMarkdown('see www.evil.io or https://evil.io, ping @admin, <b>x</b> *bold* ww\u0001w.x');
    expect(out).not.toMatch(/www\.|:\/\/|@a|<b>|(?<!\\)\*/);
  });
});
