import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, MAX_PATTERN_LENGTH } from '../../src/util/glob.js';

/** The reference semantics, as a backtracking RegExp (fine for the short strings fast-check makes). */
function reference(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        let j = i + 1;
        while (pattern[j + 1] === '*') j++;
        const slashAfter = pattern[j + 1] === '/';
        source += slashAfter ? '(?:.*/)?' : '.*';
        i = slashAfter ? j + 1 : j;
      } else source += '[^/]*';
    } else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

describe('glob matching', () => {
  it('matches as documented: * and ? inside a segment, ** across, **/ for zero or more segments', () => {
    const cases: [string, string, boolean][] = [
      ['CVE-2024-*', 'CVE-2024-1234', true],
      ['CVE-2024-*', 'CVE-2025-1', false],
      ['usr/lib/*.so', 'usr/lib/libc.so', true],
      ['usr/lib/*.so', 'usr/lib/x/libc.so', false],
      ['usr/**/*.so', 'usr/lib/x/libc.so', true],
      ['usr/**/*.so', 'usr/libc.so', true],
      ['**', 'a/b/c', true],
      ['a?c', 'abc', true],
      ['a?c', 'a/c', false],
      ['*', '', true],
      ['', '', true],
      ['', 'a', false],
    ];
    for (const [pattern, text, expected] of cases) expect(compileGlob(pattern).matches(text), `${pattern} ~ ${text}`).toBe(expected);
  });

  it('agrees with the regular-expression reading on any pattern and text', () => {
    const alphabet = fc.constantFrom('a', 'b', '/', '*', '?', '.', '**/', '**');
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 12 }),
        fc.string({ unit: fc.constantFrom('a', 'b', '/', '.'), maxLength: 16 }),
        (pattern, text) => {
          expect(compileGlob(pattern).matches(text)).toBe(reference(pattern).test(text));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('finishes on patterns that make a backtracking engine run for ever', () => {
    const pattern = `${'*a'.repeat(40)}b`;
    expect(compileGlob(pattern).matches('a'.repeat(5000))).toBe(false);
    expect(compileGlob('**/'.repeat(100) + 'x').matches('a/'.repeat(2000))).toBe(false);
    expect(() => compileGlob('*'.repeat(MAX_PATTERN_LENGTH + 1))).toThrow(RangeError);
  });
});
