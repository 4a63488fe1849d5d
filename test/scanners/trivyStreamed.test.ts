import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTrivyEntryList, parseTrivyReport, trivyEntrySlimmer } from '../../src/scanners/trivy/parse.js';
import { readJsonReport } from '../../src/util/jsonFile.js';
import { fixture } from '../helpers.js';

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsonFiles(path) : name.endsWith('.json') ? [path] : [];
  });
}

/** What parseTrivyReport makes of a document, or the error it throws. */
function outcomeOf(document: unknown): unknown {
  try {
    return parseTrivyReport(document, 'r.json');
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('a Trivy report read as a stream, each entry cut to the fields bulkhead reads', () => {
  const root = fixture('trivy');
  const files = jsonFiles(root).filter((f) => {
    try {
      JSON.parse(readFileSync(f, 'utf8'));
      return true;
    } catch {
      return false;
    }
  });

  it('covers the Trivy fixtures, real reports of every era and shape', () => {
    expect(files.length).toBeGreaterThan(60);
  });

  it('gives exactly the report (findings, packages, warnings, errors) that the whole document gives', async () => {
    let entries = 0;
    for (const file of files) {
      const whole = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      let counted = 0;
      const slim = trivyEntrySlimmer();
      const [streamed] = await readJsonReport(file, {
        spill: isTrivyEntryList,
        element: (value, path) => {
          counted++;
          return slim(value, path);
        },
      });
      entries += counted;
      expect(outcomeOf(streamed), relative(root, file)).toEqual(outcomeOf(whole));
    }
    // The lists really were streamed, not left whole.
    expect(entries).toBeGreaterThan(3000);
  });
});
