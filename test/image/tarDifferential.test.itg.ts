import { Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTar, type TarHeader } from '../../src/image/tar.js';
import { REPO_ROOT, tempDir } from '../helpers.js';
import { tar, type TarMember } from '../support/tarWriter.js';

/**
 * bulkhead's tar reader against the runtime's own: Go's archive/tar plus the entry types
 * containerd extracts (test/support/tarlist). On generated archives full of the format's corners
 * (PAX and GNU names together, the old '\0' type, a '0' entry named "x/", stray zero blocks,
 * global headers, types the runtime refuses), both must see the same entries, or both refuse.
 */
interface Listing {
  entries: { name: string; type: string; size: number; linkname: string }[];
  error?: string;
}

const FLAG: Record<string, string> = { file: '0', dir: '5', symlink: '2', hardlink: '1', char: '3', block: '4', fifo: '6' };

async function bulkheadListing(data: Buffer): Promise<Listing> {
  const entries: Listing['entries'] = [];
  try {
    await readTar(
      Readable.from([data]) as AsyncIterable<Buffer>,
      (header: TarHeader) => {
        entries.push({ name: header.name, type: FLAG[header.type] ?? '?', size: header.size, linkname: header.linkname });
        return undefined;
      },
      'generated',
    );
    return { entries };
  } catch (error) {
    return { entries, error: error instanceof Error ? error.message : String(error) };
  }
}

let lister: string | undefined;
let unavailable: string | undefined;

function goListings(files: string[]): Listing[] {
  const run = spawnSync(lister as string, [], { input: files.join('\n') + '\n', encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`tarlist failed: ${run.stderr}`);
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Listing);
}

const names = fc.constantFrom('a', 'b/c', 'dir/', 'x/', 'etc/key', 'deep/er/path', 'Z');
const body = fc.oneof(fc.constant(''), fc.string({ maxLength: 700 }));

const member: fc.Arbitrary<TarMember> = fc.oneof(
  fc.record({ name: names, body }),
  fc.record({ name: names, type: fc.constant('dir' as const) }),
  fc.record({ name: names, typeflag: fc.constant('\u0000'), body }),
  fc.record({ name: names, type: fc.constant('symlink' as const), linkname: names }),
  fc.record({ name: names, type: fc.constant('hardlink' as const), linkname: names }),
  fc.record({ name: names, body, pax: fc.record({ path: names }) }),
  fc.record({ name: names, body, gnuLongName: names }),
  fc.record({ name: names, body, gnuLongName: names, pax: fc.record({ path: names }) }),
  fc.record({
    name: names,
    type: fc.constant('symlink' as const),
    linkname: names,
    gnuLongLink: names,
    pax: fc.record({ linkpath: names }),
  }),
  fc.record({ name: names, body, prefix: names, magic: fc.constantFrom('ustar' as const, 'gnu' as const, 'v7' as const) }),
  fc.record({ name: names, typeflag: fc.constantFrom('7', 'S', 'V', 'g'), body }),
  fc.record({ name: fc.constant(''), raw: fc.constant(Buffer.alloc(512)) }),
);

const archive = fc.record({
  members: fc.array(member, { maxLength: 8 }),
  end: fc.constantFrom('two zero blocks', 'one zero block', 'none', 'zeros then garbage'),
});

function build({ members, end }: { members: TarMember[]; end: string }): Buffer {
  const data = tar(members, { end: false });
  if (end === 'two zero blocks') return Buffer.concat([data, Buffer.alloc(1024)]);
  if (end === 'one zero block') return Buffer.concat([data, Buffer.alloc(512)]);
  if (end === 'zeros then garbage') return Buffer.concat([data, Buffer.alloc(1024), Buffer.from('garbage after the end'.repeat(30))]);
  return data;
}

describe("the tar reader agrees with Go's archive/tar and containerd's apply", () => {
  beforeAll(() => {
    const out = join(tempDir('bulkhead-tarlist-'), 'tarlist');
    // The Go on PATH, else the usual toolchain location (CI may start with a minimal PATH).
    const go = spawnSync('go', ['version']).status === 0 ? 'go' : '/usr/local/go/bin/go';
    const built = spawnSync(go, ['build', '-o', out, join(REPO_ROOT, 'test/support/tarlist/main.go')], {
      encoding: 'utf8',
      env: {
        ...process.env,
        GOTOOLCHAIN: 'local',
        GOPROXY: 'off',
        GOFLAGS: '',
        GOCACHE: process.env.GOCACHE ?? join(tempDir('bulkhead-gocache-'), 'cache'),
      },
    });
    if (built.status === 0) lister = out;
    else unavailable = (built.stderr || built.error?.message || 'go build failed').trim();
    if (unavailable) console.warn(`\n!!! The Go toolchain is not usable here (${unavailable}); the differential tar tests fail.\n`);
  });

  it('on every archive in the regression folder, and the format corners', async () => {
    expect(unavailable).toBeUndefined();
    const dir = tempDir('bulkhead-tars-');
    const regressions = join(REPO_ROOT, 'test/fixtures/regressions/tar');
    const cases: { members: TarMember[]; end: string }[] = readdirSync(regressions)
      .filter((f) => f.endsWith('.json'))
      .map((f) => {
        const { members, end } = JSON.parse(readFileSync(join(regressions, f), 'utf8')) as {
          members: Record<string, unknown>[];
          end: string;
        };
        return {
          end,
          members: members.map((m) => ({
            ...m,
            ...(m.raw === 'zero-block' ? { raw: Buffer.alloc(512) } : {}),
            ...(m.body === 'tar-in-body' ? { body: tar([{ name: 'fake', body: 'f' }], { end: false }) } : {}),
          })) as TarMember[],
        };
      });
    expect(cases.length).toBeGreaterThanOrEqual(5);
    // And the corners no regression covers yet: the old '\u0000' type, contiguous files.
    cases.push({ members: [{ name: 'legacy/', typeflag: '\u0000' }], end: 'two zero blocks' });
    cases.push({ members: [{ name: 'c', typeflag: '7', body: 'c' }], end: 'two zero blocks' });
    const files = cases.map((sample, i) => {
      const file = join(dir, `${i}.tar`);
      writeFileSync(file, build(sample));
      return file;
    });
    const go = goListings(files);
    for (const [i, file] of files.entries()) {
      const ours = await bulkheadListing(tarBytes(file));
      expect({ case: i, refused: ours.error !== undefined, entries: ours.error ? [] : ours.entries }, ours.error).toEqual({
        case: i,
        refused: go[i]?.error !== undefined,
        entries: go[i]?.error ? [] : go[i]?.entries,
      });
    }
  });

  it('on generated archives (a bounded run; scripts/fuzz.js runs long campaigns)', async () => {
    expect(unavailable).toBeUndefined();
    const dir = tempDir('bulkhead-tars-');
    mkdirSync(dir, { recursive: true });
    const samples = fc.sample(archive, {
      numRuns: Number(process.env.BULKHEAD_FUZZ_RUNS ?? 400),
      seed: Number(process.env.BULKHEAD_FUZZ_SEED ?? 1),
    });
    const files = samples.map((sample, i) => {
      const file = join(dir, `${i}.tar`);
      writeFileSync(file, build(sample));
      return file;
    });
    const go = goListings(files);
    let refusedByBoth = 0;
    for (const [i, file] of files.entries()) {
      const ours = await bulkheadListing(tarBytes(file));
      const theirs = go[i] as Listing;
      if (ours.error && theirs.error) refusedByBoth++;
      if ((ours.error === undefined) !== (theirs.error === undefined) || JSON.stringify(ours.entries) !== JSON.stringify(theirs.entries))
        console.log(JSON.stringify(samples[i]), ours.error, theirs.error);
      expect(
        { file, refused: ours.error !== undefined, entries: ours.error ? [] : ours.entries },
        `${ours.error ?? ''} / ${theirs.error ?? ''}`,
      ).toEqual({
        file,
        refused: theirs.error !== undefined,
        entries: theirs.error ? [] : theirs.entries,
      });
    }
    // The generator reaches both sides of the contract.
    expect(refusedByBoth).toBeGreaterThan(0);
    expect(refusedByBoth).toBeLessThan(files.length);
  });
});

function tarBytes(file: string): Buffer {
  return readFileSync(file);
}
