import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksumOk, numericOk, tarNumber } from '../../src/image/tar.js';

// The field readers as first written, through strings and regular expressions: the oracle for the
// byte-level ones the reader now uses on every header.
function tarNumberByText(buf: Buffer, offset: number, length: number): number {
  const first = buf[offset] as number;
  if (first & 0x80) return tarNumber(buf, offset, length);
  const text = buf
    .toString('latin1', offset, offset + length)
    .replace(/[\u0000 ]+$/g, '')
    .replace(/^[ \u0000]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return Number.NaN;
  return parseInt(text, 8);
}

function numericOkByText(buf: Buffer, offset: number, length: number): boolean {
  if ((buf[offset] as number) & 0x80) return Number.isFinite(tarNumber(buf, offset, length));
  const text = buf
    .toString('latin1', offset, offset + length)
    .replace(/^[ \u0000]+/, '')
    .replace(/[ \u0000]+$/, '');
  return text === '' || /^[0-7]{1,22}$/.test(text);
}

function checksumOkByLoop(header: Buffer): boolean {
  const stored = tarNumber(header, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (header[i] as number);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** Fields as tar writers fill them, and as a hostile archive might. */
const field = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 24 }),
  fc
    .tuple(fc.stringMatching(/^[ \0]{0,3}$/), fc.stringMatching(/^[0-9]{0,12}$/), fc.stringMatching(/^[ \0]{0,3}$/))
    .map(([a, b, c]) => new Uint8Array(Buffer.from(a + b + c, 'latin1'))),
  fc.constantFrom(
    ...['0000644\0', '       \0', '\0\0\0\0', '7777777777777777777777', '12345670 ', ' 8 '].map(
      (t) => new Uint8Array(Buffer.from(t, 'latin1')),
    ),
  ),
);

describe('tar header fields read from the bytes', () => {
  it('read numbers exactly as the text-based reading did', () => {
    fc.assert(
      fc.property(field, (bytes) => {
        const buf = Buffer.from(bytes);
        const length = Math.min(buf.length, 12);
        expect(tarNumber(buf, 0, length)).toBe(tarNumberByText(buf, 0, length));
        expect(numericOk(buf, 0, buf.length)).toBe(numericOkByText(buf, 0, buf.length));
      }),
      { numRuns: 5000 },
    );
  });

  it('check the header checksum as the byte-by-byte loop did, signed and unsigned', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 512, maxLength: 512 }), fc.boolean(), (bytes, seal) => {
        const header = Buffer.from(bytes);
        if (seal) {
          // A header whose checksum field holds its own sum, as a writer leaves it.
          header.fill(0x20, 148, 156);
          const sum = header.reduce((n, b) => n + b, 0);
          header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
        }
        expect(checksumOk(header)).toBe(checksumOkByLoop(header));
        if (seal) expect(checksumOk(header)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
