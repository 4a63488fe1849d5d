import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import picomatch from 'picomatch';
import { compileGlob, MAX_ALTERNATIVES, MAX_PATTERN_LENGTH } from '../../src/util/glob.js';

/**
 * The oracle: picomatch itself (dot files included, as bulkhead matches them). Texts are paths as
 * bulkhead meets them: relative, no empty or `.` segments, no trailing slash.
 */
const picomatchOf = (pattern: string) => picomatch(pattern, { dot: true });
const pathLike = (text: string) =>
  text !== '' &&
  !text.startsWith('/') &&
  !text.endsWith('/') &&
  !text.includes('//') &&
  !text.split('/').some((s) => s === '.' || s === '..');

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
      ['svc/{a,b}/Dockerfile', 'svc/b/Dockerfile', true],
      ['svc/{a,b}/Dockerfile', 'svc/c/Dockerfile', false],
      ['svc/{a,{b,c}}/x', 'svc/c/x', true],
      ['[abc]x', 'bx', true],
      ['[a-c]x', 'dx', false],
      ['[!a]x', 'bx', true],
      ['[^a]x', 'ax', false],
      ['[a/]x', '/x', false],
      ['!CVE-2024-*', 'CVE-2025-1', true],
      ['!CVE-2024-*', 'CVE-2024-1', false],
      ['a\\*', 'a*', true],
      ['a\\*', 'ab', false],
      ['services/**', 'services', true],
      ['services/**', 'servicesx', false],
      ['a**b', 'ax/b', false],
      ['{a,b', '{a,b', true],
    ];
    for (const [pattern, text, expected] of cases) expect(compileGlob(pattern).matches(text), `${pattern} ~ ${text}`).toBe(expected);
  });

  it('agrees with picomatch on patterns made of the segments people write, on any path', () => {
    // Whole segments: picomatch has corners bulkhead does not copy (`a**` mid-segment, `*.*` where
    // its star after a dot needs a character, `**/` matching the end of the text).
    const segment = fc.constantFrom(
      'a',
      'b',
      'ab',
      'a.b',
      '*',
      '*.a',
      'a*',
      '?',
      '[ab]',
      '[^a]',
      '[!a]b',
      '[a-c]b',
      '{a,b}',
      '{a,b/c}',
      '{,a}b',
      '\\*',
      '**',
    );
    fc.assert(
      fc.property(
        fc
          .array(segment, { minLength: 1, maxLength: 6 })
          .map((parts) => parts.join('/'))
          // Here braces expand before ** is read (as minimatch and bash do); picomatch reads ** beside a group as a star.
          .filter((p) => !/\}\*\*|\*\*\{|\*\*\/\{,/.test(p) && !p.includes('[!')),
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', '/', '.', '*'), maxLength: 16 }).filter(pathLike),
        (pattern, text) => {
          let glob;
          try {
            glob = compileGlob(pattern);
          } catch (error) {
            // Too many alternatives is refused on purpose (bounded cost); nothing else may throw.
            expect(error).toBeInstanceOf(RangeError);
            return;
          }
          expect(glob.matches(text), `${pattern} ~ ${text}`).toBe(picomatchOf(pattern)(text));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('finishes on patterns that make a backtracking engine run for ever', () => {
    const pattern = `${'*a'.repeat(40)}b`;
    expect(compileGlob(pattern).matches('a'.repeat(5000))).toBe(false);
    expect(compileGlob('**/'.repeat(100) + 'x').matches('a/'.repeat(2000))).toBe(false);
    expect(() => compileGlob('*'.repeat(MAX_PATTERN_LENGTH + 1))).toThrow(RangeError);
    // Braces multiply: {a,b} nine times would be 512 alternatives.
    expect(() => compileGlob('{a,b}'.repeat(9))).toThrow(new RangeError(`a pattern expands to more than ${MAX_ALTERNATIVES} alternatives`));
    expect(compileGlob(`{${'*a,'.repeat(20)}x}${'*a'.repeat(40)}b`).matches('a'.repeat(3000))).toBe(false);
  });
});
