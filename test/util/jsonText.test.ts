import fc from 'fast-check';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/secrets/redactor.js';
import { gzipJsonText, utf8Chunks, jsonTextBytes, jsonTextString, toJsonText } from '../../src/util/jsonText.js';

/** Values as bulkhead's reports hold them, with what JSON.stringify treats specially mixed in. */
const reportLike = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.string({ unit: 'grapheme' }),
    fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 40 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('JSON text in pieces', () => {
  it('joins to exactly what JSON.stringify writes, for any value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(reportLike, { maxLength: 80 }), fc.dictionary(fc.string(), reportLike)), (value) => {
        const text = toJsonText(value);
        const expected = JSON.stringify(value);
        expect(jsonTextString(text)).toBe(expected);
        expect(jsonTextBytes(text)).toBe(Buffer.byteLength(expected));
        expect(Buffer.concat([...utf8Chunks(text.pieces, 16)]).toString('utf8')).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('writes a long list element by element, so one non-Latin-1 title does not widen the rest', () => {
    const results = Array.from({ length: 100 }, (_, i) => ({ id: `CVE-${i}`, title: i === 7 ? 'valid …' : 'plain' }));
    const text = toJsonText({ runs: [{ results }] });
    expect(text.pieces.filter((p) => p.includes('…'))).toEqual([JSON.stringify(results[7])]);
    expect(jsonTextString(text)).toBe(JSON.stringify({ runs: [{ results }] }));
  });

  it('gzips to the same text', async () => {
    const value = { results: Array.from({ length: 500 }, (_, i) => ({ i, text: 'x'.repeat(i % 50) })) };
    expect(gunzipSync(await gzipJsonText(toJsonText(value))).toString('utf8')).toBe(JSON.stringify(value));
  });

  it('is masked piece by piece: a value inside a string is always whole in one piece', () => {
    const token = 'ghp_' + 'A1b2C3d4'.repeat(4);
    const redactor = new Redactor();
    redactor.add(token);
    const value = { results: Array.from({ length: 64 }, (_, i) => ({ message: i % 9 === 0 ? `token ${token} seen` : `ok ${i}` })) };
    const masked = [...redactor.applyEach(toJsonText(value).pieces)].join('');
    expect(masked).not.toContain(token);
    expect(masked).toBe(redactor.apply(JSON.stringify(value)));
  });
});
