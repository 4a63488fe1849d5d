import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonSequenceParser, MAX_JSON_DEPTH, type JsonPathSegment } from '../../src/util/jsonStream.js';

/** Feeds `text` in chunks of the given sizes (cycled), as a file read would, and returns the values. */
function parseInChunks(
  text: string,
  sizes: readonly number[],
  options: {
    spill?: (path: readonly JsonPathSegment[]) => boolean;
    element?: (v: unknown, p: readonly JsonPathSegment[], i: number) => unknown;
  } = {},
): unknown[] {
  const parser = new JsonSequenceParser({ source: 'r.json', ...options });
  const bytes = Buffer.from(text, 'utf8');
  // One reused buffer, as readJsonReport does: the parser must copy what it keeps.
  const scratch = Buffer.alloc(Math.max(...sizes, 1));
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = Math.min(sizes[k % sizes.length] as number, bytes.length - at);
    bytes.copy(scratch, 0, at, at + n);
    parser.push(scratch.subarray(0, n));
    scratch.fill(0x7b);
    at += n;
  }
  return parser.end();
}

const json = fc.jsonValue({ maxDepth: 4 });
const chunkSizes = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 });
const spillEvery = () => true;

describe('the streamed JSON reader', () => {
  it('reads any JSON value as JSON.parse does, in any chunking, with every list spilled or none', () => {
    fc.assert(
      fc.property(json, chunkSizes, fc.boolean(), fc.boolean(), (value, sizes, pretty, spill) => {
        const text = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
        const expected = JSON.parse(text) as unknown;
        const options = spill ? { spill: spillEvery } : {};
        expect(parseInChunks(text, sizes, options)).toEqual([expected]);
      }),
      { numRuns: 600 },
    );
  });

  it('hands each spilled element over with its list path and index, and puts back what it returns', () => {
    const text = JSON.stringify({
      Results: [
        { Target: 'a', Vulnerabilities: [{ id: 1 }, { id: 2 }] },
        { Target: 'b', Vulnerabilities: [3] },
      ],
    });
    const seen: string[] = [];
    const values = parseInChunks(text, [5], {
      spill: (path) => path.length === 3 && path[2] === 'Vulnerabilities',
      element: (v, path, index) => {
        seen.push(`${path.join('.')}[${index}]`);
        return { kept: v };
      },
    });
    expect(seen).toEqual(['Results.0.Vulnerabilities[0]', 'Results.0.Vulnerabilities[1]', 'Results.1.Vulnerabilities[0]']);
    expect(values).toEqual([
      {
        Results: [
          { Target: 'a', Vulnerabilities: [{ kept: { id: 1 } }, { kept: { id: 2 } }] },
          { Target: 'b', Vulnerabilities: [{ kept: 3 }] },
        ],
      },
    ]);
  });

  it('never accepts text JSON.parse refuses, whatever is cut or added between spilled elements', () => {
    const punctuation = fc.constantFrom(',', ':', '[', ']', '{', '}', '"', ' ', '1', 'x', '\\');
    fc.assert(
      fc.property(json, fc.nat(), fc.option(punctuation, { nil: undefined }), chunkSizes, (value, at, insert, sizes) => {
        const valid = JSON.stringify(value);
        const cut = at % (valid.length + 1);
        const text = insert === undefined ? valid.slice(0, cut) + valid.slice(cut + 1) : valid.slice(0, cut) + insert + valid.slice(cut);
        let expected: unknown;
        let refused = false;
        try {
          expected = JSON.parse(text);
        } catch {
          refused = true;
        }
        let read: unknown[] | undefined;
        let error: unknown;
        try {
          read = parseInChunks(text, sizes, { spill: spillEvery });
        } catch (e) {
          error = e;
        }
        if (refused) expect(read?.length ?? 0, `accepted ${text}`).not.toBe(1);
        // Two values written back to back are a sequence; a repeated key is refused on purpose.
        else if (error === undefined && read?.length === 1) expect(read[0]).toEqual(expected);
        else if (error !== undefined) expect((error as Error).message).toMatch(/twice in/);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a repeated key inside a spilled element and names where', () => {
    const text = '{"Results":[{"Target":"x","Vulnerabilities":[{"Severity":"LOW","Severity":"CRITICAL"}]}]}';
    for (const sizes of [[1], [7], [text.length]]) {
      expect(() => parseInChunks(text, sizes, { spill: spillEvery })).toThrow(
        /^r\.json has the key "Severity" twice in Results\[0\]\.Vulnerabilities\[0\]/,
      );
    }
  });

  it('reads values written back to back, and a byte-order mark, and says where an unclosed one starts', () => {
    expect(parseInChunks('\ufeff[1] {"a":[2]}\n[]', [3], { spill: spillEvery })).toEqual([[1], { a: [2] }, []]);
    expect(() => parseInChunks('[] [{"a": "\\"]', [2])).toThrow(/the value starting at offset 3 is not closed/);
  });

  it('refuses nesting deeper than any report, before holding a frame per byte', () => {
    const deep = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(parseInChunks(deep, [4096])).toHaveLength(1);
    const hostile = '['.repeat(5_000_000);
    expect(() => parseInChunks(hostile, [65536])).toThrow(
      /^r\.json has lists and objects nested more than 512 deep \(at offset 512\); no tool writes such a report\.$/,
    );
    // Deep nesting inside one spilled element is parsed by JSON.parse and counted without recursion.
    const inElement = `[${'{"a":'.repeat(400)}1${'}'.repeat(400)}]`;
    expect(parseInChunks(inElement, [7], { spill: spillEvery })).toHaveLength(1);
  });

  it('keeps strings whole when an escape or a multi-byte character falls on a chunk boundary', () => {
    const value = { k: ['a\\"b\\\\', 'é…漢字', { 'k\\"ey': 'x"' }] };
    const text = JSON.stringify(value);
    for (let size = 1; size < 8; size++) expect(parseInChunks(text, [size], { spill: spillEvery })).toEqual([value]);
  });
});
