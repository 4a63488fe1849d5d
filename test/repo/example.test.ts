import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { REPO_ROOT, tempDir } from '../helpers.js';
import { multitoolProblems, schemaErrors } from '../support/sarif.js';
import { buildExampleImage, exampleTrivyReport, EXAMPLE_TRIVY_SOURCE } from '../support/exampleImage.js';

const example = join(REPO_ROOT, 'examples/shop-api');

describe('the example that npm run demo scans', () => {
  it('is what npm run example builds: the image from its Dockerfile, app/ and packages, the Trivy report for that image', () => {
    const image = buildExampleImage(example);
    expect(
      readFileSync(join(example, 'image.tar')).equals(image.archive),
      'examples/shop-api/image.tar is stale: run npm run example',
    ).toBe(true);
    const source = JSON.parse(readFileSync(join(REPO_ROOT, EXAMPLE_TRIVY_SOURCE), 'utf8')) as Record<string, unknown>;
    expect(readFileSync(join(example, 'trivy.json'), 'utf8'), 'examples/shop-api/trivy.json is stale: run npm run example').toBe(
      exampleTrivyReport(image, source),
    );
    // Two builds are the same bytes: nothing in it depends on the clock or the machine.
    expect(buildExampleImage(example).archive.equals(image.archive)).toBe(true);
  });

  it('puts each finding on the Dockerfile line that brought it in; its SARIF has a driver per scanner and passes Multitool', async () => {
    const out = tempDir('bulkhead-example-');
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      [
        'scan',
        '--image',
        'docker-archive:examples/shop-api/image.tar',
        '--dockerfile',
        'examples/shop-api/Dockerfile',
        '--trivy-report',
        'examples/shop-api/trivy.json',
        '--hadolint-report',
        'examples/shop-api/hadolint.json',
        '--manifests',
        'examples/shop-api/deploy.yaml',
        '--tools',
        'trivy,hadolint,bulkhead',
        '--report',
        join(out, 'report.json'),
        '--sarif',
        join(out, 'bulkhead.sarif'),
      ],
      { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: REPO_ROOT, env: {} },
    );
    expect(code, stderr).toBe(1);
    expect(stdout + stderr).not.toMatch(/does not match/);
    const lines = readFileSync(join(example, 'Dockerfile'), 'utf8').split('\n');
    const lineOf = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix)) + 1;
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      decisions: { finding: { ruleId: string; pkg?: { name: string }; file?: string; line?: number; message: string } }[];
    };
    const placed = (ruleId: string, pkg?: string) => {
      const found = report.decisions.find((d) => d.finding.ruleId === ruleId && (pkg === undefined || d.finding.pkg?.name === pkg));
      expect(found, `${ruleId} ${pkg ?? ''}`).toBeDefined();
      return found?.finding;
    };
    // The headline: a critical CVE in a library that `apt-get install curl` pulled in, on that RUN line.
    const libssh2 = placed('CVE-2026-7598', 'libssh2-1t64');
    expect(libssh2).toMatchObject({ file: 'examples/shop-api/Dockerfile', line: lineOf('RUN apt-get') });
    expect(libssh2?.message).toContain(
      'Came in with `RUN apt-get update && apt-get install -y curl ca-certificates` at examples/shop-api/Dockerfile:4',
    );
    expect(placed('CVE-2026-4878', 'libcap2')).toMatchObject({ line: lineOf('FROM') });
    expect(placed('CVE-2026-4878', 'libcap2')?.message).toContain('From the base image debian:trixie-slim');
    // What the config says, on the instruction that set it.
    expect(placed('BH101')?.line).toBe(lineOf('USER'));
    expect(placed('BH103')?.line).toBe(lineOf('ENV'));
    expect(placed('BH104')?.line).toBe(lineOf('ENV'));
    expect(placed('BH105')?.line).toBe(lineOf('EXPOSE'));
    expect(placed('BH205')?.line).toBe(lineOf('COPY'));
    // hadolint's own lines, and the manifest's cross-check with the image.
    expect(placed('DL3002')?.line).toBe(lineOf('USER'));
    expect(placed('BH330')).toMatchObject({ file: 'examples/shop-api/deploy.yaml' });
    expect(stdout).not.toContain('example-only');
    const sarif = readFileSync(join(out, 'bulkhead.sarif'), 'utf8');
    expect(sarif).not.toContain('example-only');
    expect(schemaErrors(JSON.parse(sarif))).toEqual([]);
    expect(multitoolProblems({ demo: JSON.parse(sarif) })).toEqual([]);
    expect((JSON.parse(sarif) as { runs: { tool: { driver: { name: string } } }[] }).runs.map((r) => r.tool.driver.name).sort()).toEqual([
      'Hadolint',
      'Trivy',
      'bulkhead',
      'bulkhead',
      'bulkhead',
    ]);
  });
});
