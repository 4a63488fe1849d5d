import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, REPO_ROOT, tempDir } from '../helpers.js';
import { multitoolProblems, schemaErrors } from '../support/sarif.js';

describe('the CLI on a report far larger than real ones', () => {
  it('reads a 200 MB Trivy report without crashing, and keeps its SARIF within the limits', { timeout: 1_500_000 }, async () => {
    const dir = tempDir('bulkhead-big-');
    const document = JSON.parse(readFileSync(fixture('trivy', 'alpine-310.json'), 'utf8'));
    const vulnerability = document.Results[0].Vulnerabilities[0];
    const file = join(dir, 'big.json');
    const out = createWriteStream(file);
    const head = JSON.stringify({ ...document, Results: [] }).replace(
      /"Results":\[\]\}$/,
      '"Results":[{"Target":"big","Class":"os-pkgs","Type":"alpine","Vulnerabilities":[',
    );
    out.write(head);
    let size = head.length;
    for (let i = 0; size < 200 * 1024 * 1024; i++) {
      const entry = (i ? ',' : '') + JSON.stringify({ ...vulnerability, VulnerabilityID: `CVE-2099-${i}`, PkgName: `pkg${i % 5000}` });
      if (!out.write(entry)) await once(out, 'drain');
      size += entry.length;
    }
    out.end(']}]}');
    await once(out, 'finish');
    const ran = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'bin/bulkhead.js'), 'scan', '--trivy-report', file, '--tools', 'trivy', '--fail-on', 'critical'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(ran.stderr).not.toMatch(/\n\s+at /);
    expect(ran.status).toBe(0);
    expect(ran.stdout).toMatch(/PASS: no finding at or above critical \(\d{5,} reported\)/);
    const sarif = JSON.parse(readFileSync(join(dir, 'bulkhead.sarif'), 'utf8'));
    expect(sarif.runs[0].results.length).toBeLessThanOrEqual(25_000);
    expect(sarif.runs[0].properties.omitted.results).toBeGreaterThan(0);
    expect(schemaErrors(sarif)).toEqual([]);
    // 25,000 results (a 125 MB log): on two loaded cores the schema check and the validator take minutes.
    expect(multitoolProblems({ large: sarif })).toEqual([]);
  });
});
