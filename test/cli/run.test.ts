import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { closedPort, fixture, REPO_ROOT, spawnAsync, tempDir } from '../helpers.js';
import { ReleaseServer, trivyArchive } from '../support/releaseServer.js';
import { testSigstore } from '../support/sigstoreSigner.js';
import { writeStandins } from '../support/standins.js';
import { multitoolProblems, schemaErrors } from '../support/sarif.js';
import { cyclonedxErrors, spdxErrors } from '../support/sbomSchemas.js';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], cwd: string): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  // Scanner installs stay inside the test's own directories.
  const env = { RUNNER_TOOL_CACHE: join(cwd, '.tools'), RUNNER_TEMP: join(cwd, '.tmp') };
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env });
  return { code, stdout, stderr };
}

/** A workspace holding the shop-api example, as a user's repository would. */
function exampleWorkspace(): string {
  const dir = tempDir('bulkhead-cli-');
  mkdirSync(join(dir, 'examples/shop-api'), { recursive: true });
  for (const name of ['Dockerfile', 'trivy.json', 'hadolint.json']) {
    copyFileSync(join(REPO_ROOT, 'examples/shop-api', name), join(dir, 'examples/shop-api', name));
  }
  return dir;
}

const EXAMPLE = [
  'scan',
  '--dockerfile',
  'examples/shop-api/Dockerfile',
  '--trivy-report',
  'examples/shop-api/trivy.json',
  '--hadolint-report',
  'examples/shop-api/hadolint.json',
  '--tools',
  'trivy,hadolint',
];

describe('bulkhead scan', () => {
  it('fails the gate on the example (critical CVEs the RUN line brought in), writes SARIF, report and markdown', async () => {
    const dir = exampleWorkspace();
    const ran = await cli([...EXAMPLE, '--markdown', 'summary.md'], dir);
    expect(ran.code).toBe(1);
    // The failing findings under the line they sit on, the worst line first.
    expect(ran.stdout).toContain(
      [
        'Fails the gate (13):',
        '  examples/shop-api/Dockerfile:4  RUN apt-get update && apt-get install -y curl ca-certificates',
        '    CRITICAL CVE-2026-33845 libgnutls30t64 3.8.9-3+deb13u2 (no fix)',
        '    CRITICAL CVE-2026-7598 libssh2-1t64 1.11.1-1 (no fix)',
      ].join('\n'),
    );
    expect(ran.stdout).toMatch(/^ {2}examples\/shop-api\/Dockerfile:2 {2}FROM debian:trixie-slim\n {4}HIGH {5}CVE-2025-69720 libtinfo6/m);
    expect(ran.stdout.trim().split('\n').at(-1)).toBe('FAIL: 13 findings at or above high');
    const sarif = JSON.parse(readFileSync(join(dir, 'bulkhead.sarif'), 'utf8'));
    expect(schemaErrors(sarif)).toEqual([]);
    expect(multitoolProblems({ example: sarif })).toEqual([]);
    expect(sarif.runs.map((r: { automationDetails: { id: string } }) => r.automationDetails.id)).toEqual([
      'bulkhead/trivy/examples/shop-api/image.tar/',
      'bulkhead/hadolint/examples/shop-api/Dockerfile/',
    ]);
    const report = JSON.parse(readFileSync(join(dir, 'bulkhead-report.json'), 'utf8'));
    expect(report.verdict).toBe('fail');
    expect(report.decisions).toHaveLength(84 + 5);
    expect(report.decisions.every((d: { reason: string }) => d.reason.length > 0)).toBe(true);
    const markdown = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(markdown.split('\n')[0]).toBe('## ❌ bulkhead: fail');
    expect(markdown).toContain('### Fails the gate (13)');
  });

  it('fail-on and ignore-unfixed move the line: the unfixed criticals keep critical failing, ignore-unfixed lets it pass', async () => {
    const dir = exampleWorkspace();
    expect((await cli([...EXAMPLE, '--fail-on', 'critical'], dir)).code).toBe(1);
    const unfixed = await cli([...EXAMPLE, '--fail-on', 'critical', '--ignore-unfixed', '--format', 'json'], dir);
    expect(unfixed.code).toBe(0);
    const report = JSON.parse(unfixed.stdout);
    const libssh2 = report.decisions.find((d: { finding: { pkg?: { name: string } } }) => d.finding.pkg?.name === 'libssh2-1t64');
    expect(libssh2.verdict).toBe('below-threshold');
    expect(libssh2.reason).toMatch(/ignore-unfixed/);
    const none = await cli([...EXAMPLE, '--fail-on', 'none'], dir);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^PASS: no finding at or above none/m);
  });

  it('fails closed with exit 3 when a chosen scanner cannot run, and lets warn pass on the rest', async () => {
    const dir = exampleWorkspace();
    // Nothing listens on port 2: the install fails, and with it the gate.
    const closed = await cli(
      [
        'scan',
        '--dockerfile',
        'examples/shop-api/Dockerfile',
        '--tools',
        'hadolint',
        '--fail-on',
        'critical',
        '--release-mirror',
        'http://127.0.0.1:2',
      ],
      dir,
    );
    expect(closed.code).toBe(3);
    expect(closed.stdout).toMatch(
      /hadolint failed on examples\/shop-api\/Dockerfile: hadolint could not be installed: download of http:\/\/127\.0\.0\.1:2\/hadolint\/hadolint\/releases\/download\/v2\.12\.0\/hadolint-Linux-x86_64 failed: the connection to 127\.0\.0\.1:2 was refused \(nothing listens there\)/,
    );
    const warned = await cli(
      [
        'scan',
        '--dockerfile',
        'examples/shop-api/Dockerfile',
        '--trivy-report',
        'examples/shop-api/trivy.json',
        '--tools',
        'trivy,hadolint',
        '--fail-on',
        'critical',
        '--scanner-error',
        'warn',
      ],
      dir,
    );
    expect(warned.code).toBe(1);
  });

  it('a registry image that cannot be pulled fails closed with the cause, whichever tools were chosen', async () => {
    const dir = exampleWorkspace();
    const port = await closedPort();
    const registry = [
      '--image',
      `docker://127.0.0.1:${port}/acme/shop-api:pr-42`,
      '--registry-insecure',
      `127.0.0.1:${port}`,
      '--trivy-report',
      'examples/shop-api/trivy.json',
      '--hadolint-report',
      'examples/shop-api/hadolint.json',
      '--dockerfile',
      'examples/shop-api/Dockerfile',
      '--fail-on',
      'none',
    ];
    for (const tools of [[], ['--tools', 'hadolint,bulkhead']]) {
      const run = await cli(['scan', ...registry, ...tools, '--markdown', 'summary.md'], dir);
      expect(run.code).not.toBe(0);
      expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain(`the connection to 127.0.0.1:${port} was refused`);
    }
  });

  it('answers usage mistakes with one sentence and exit 2, no stack trace', async () => {
    const dir = exampleWorkspace();
    const cases: [string[], RegExp][] = [
      [['scan', '--fail-on', 'severe'], /^bulkhead: fail-on is "severe"; set it to critical, high, medium, low or none\.\n$/],
      [['scan', '--bogus'], /^bulkhead: Unknown option '--bogus'.*see bulkhead --help\.\n$/],
      [['lint'], /^bulkhead: unknown command "lint"/],
      [['scan', '--fail-on', 'high', '--fail-on', 'low'], /--fail-on was given 2 times; give it once\./],
      [['scan'], /^bulkhead: there is nothing to scan; set image, dockerfile, manifests, compose, trivy-report or hadolint-report/],
      [['scan', '--image', 'x; rm -rf /', '--tools', 'trivy'], /is not a valid image reference/],
    ];
    for (const [args, pattern] of cases) {
      const ran = await cli(args, dir);
      expect({ args, code: ran.code }).toEqual({ args, code: 2 });
      expect(ran.stderr).toMatch(pattern);
      expect(ran.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('reads bad reports as clear errors: truncated, not JSON, unknown schema, a directory, too large', async () => {
    const dir = exampleWorkspace();
    const full = readFileSync(fixture('trivy', 'alpine-310.json'), 'utf8');
    writeFileSync(join(dir, 'truncated.json'), full.slice(0, full.length / 2));
    writeFileSync(join(dir, 'html.json'), '<html>rate limited</html>');
    writeFileSync(join(dir, 'future.json'), JSON.stringify({ SchemaVersion: 3, Results: [] }));
    writeFileSync(join(dir, 'empty.json'), '');
    mkdirSync(join(dir, 'adir'));
    writeFileSync(join(dir, 'huge.json'), '');
    truncateSync(join(dir, 'huge.json'), 300 * 1024 * 1024);
    copyFileSync(fixture('trivy', 'alpine-310.sarif'), join(dir, 'trivy.sarif'));
    const cases: [string, RegExp][] = [
      ['truncated.json', /^bulkhead: .*truncated\.json is not valid JSON \(.*\); it may be truncated or not a JSON report\.\n$/],
      ['html.json', /html\.json is not valid JSON/],
      ['future.json', /future\.json has SchemaVersion 3; bulkhead reads Trivy JSON with SchemaVersion 2/],
      ['empty.json', /empty\.json is empty; the scanner wrote no report/],
      ['adir', /^bulkhead: trivy-report: adir is a directory; give the path of a file\.\n$/],
      ['huge.json', /huge\.json is 300 MiB, larger than the 256 MiB bulkhead reads/],
      ['trivy.sarif', /trivy\.sarif is a SARIF log; bulkhead reads Trivy's own JSON/],
    ];
    for (const [file, pattern] of cases) {
      const ran = await cli(['scan', '--trivy-report', file, '--tools', 'trivy'], dir);
      // A path that is not a file is the user's to fix (2); a file that is not a report is a broken input (3).
      expect({ file, code: ran.code }).toEqual({ file, code: file === 'adir' ? 2 : 3 });
      expect(ran.stderr).toMatch(pattern);
    }
  });

  it('reads the former --scanners as --tools and says to rename it; refuses a Trivy scan kind there', async () => {
    const dir = exampleWorkspace();
    const legacy = await cli([...EXAMPLE.slice(0, -2), '--scanners', 'trivy,hadolint'], dir);
    expect(legacy.code).toBe(1);
    expect(legacy.stderr).toContain(
      'warning: the input scanners is now called tools; rename it, as scanners stops working in bulkhead 0.3.0.\n',
    );
    const kinds = await cli([...EXAMPLE.slice(0, -2), '--scanners', 'vuln,secret'], dir);
    expect(kinds.code).toBe(2);
    expect(kinds.stderr).toBe(
      "bulkhead: scanners names Trivy's scan kinds (vuln, secret), as in trivy-action; in bulkhead write them as trivy-scanners: vuln,secret.\n",
    );
  });

  it('prints help and version', async () => {
    const help = await cli(['--help'], REPO_ROOT);
    expect(help.code).toBe(0);
    for (const flag of ['--image', '--ignore-unfixed', '--trivy-version', '--scanner-error', '--markdown', '--format'])
      expect(help.stdout).toContain(flag);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    expect((await cli(['--version'], REPO_ROOT)).stdout.trim()).toBe(pkg.version);
  });
});

describe('the bulkhead executable', () => {
  it('runs from bin/ as a user would, with the same exit code and output', () => {
    const dir = exampleWorkspace();
    const ran = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/bulkhead.js'), ...EXAMPLE], { cwd: dir, encoding: 'utf8' });
    expect(ran.status).toBe(1);
    expect(ran.stdout).toContain('FAIL: 13 findings at or above high');
  });

  it('keeps standard output to the report: --format json stays JSON while scanners are installed', () => {
    const dir = exampleWorkspace();
    const env = { ...process.env, RUNNER_TOOL_CACHE: join(dir, '.tools'), RUNNER_TEMP: join(dir, '.tmp'), PATH: '/usr/bin:/bin' };
    const args = [
      'scan',
      '--dockerfile',
      'examples/shop-api/Dockerfile',
      '--tools',
      'hadolint',
      '--release-mirror',
      'http://127.0.0.1:2',
      '--format',
      'json',
    ];
    const ran = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/bulkhead.js'), ...args], { cwd: dir, encoding: 'utf8', env });
    expect(ran.status).toBe(3);
    expect(JSON.parse(ran.stdout)).toMatchObject({ verdict: 'fail', exitCode: 3 });
    expect(ran.stdout).not.toContain('::debug::');
    expect(ran.stderr).not.toContain('::debug::');
  });
});

describe('bulkhead merge', () => {
  it('gives one verdict over the report-files of several scans, globs included, and writes the merged report', async () => {
    const workspace = exampleWorkspace();
    expect((await cli([...EXAMPLE, '--report-file', 'jobs/a/report.json'], workspace)).code).toBe(1);
    expect((await cli([...EXAMPLE, '--fail-on', 'none', '--report-file', 'jobs/b/report.json'], workspace)).code).toBe(0);
    const merged = await cli(['merge', 'jobs/*/report.json', '--report-file', 'merged.json', '--markdown', 'merged.md'], workspace);
    expect(merged.code).toBe(1);
    expect(merged.stdout).toMatch(/^FAIL {2}jobs\/a\/report\.json {2}\S.* {2}critical [1-9]\d*, high \d+/m);
    expect(merged.stdout).toMatch(/^pass {2}jobs\/b\/report\.json/m);
    expect(merged.stdout).toContain('FAIL: jobs/a/report.json: ');
    expect(readFileSync(join(workspace, 'merged.md'), 'utf8')).toContain('### 2 jobs: 1 fails');
    expect(JSON.parse(readFileSync(join(workspace, 'merged.json'), 'utf8'))).toMatchObject({ verdict: 'fail', exitCode: 1 });
    // The merged report is a report-file like any other: it merges again.
    expect((await cli(['merge', 'merged.json', '--report-file', 'again.json'], workspace)).code).toBe(1);
  });

  it('says what to change when there is nothing to merge or the output would overwrite an input', async () => {
    const workspace = exampleWorkspace();
    expect((await cli(['merge'], workspace)).stderr).toBe(
      'bulkhead: mode: merge needs reports: the report-files of the jobs to merge, one path or glob per line.\n',
    );
    expect((await cli(['merge', 'nothing/*.json'], workspace)).stderr).toContain('reports: the pattern nothing/*.json matches no file');
    await cli([...EXAMPLE, '--report-file', 'r.json'], workspace);
    const clash = await cli(['merge', 'r.json', '--report-file', 'r.json'], workspace);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('is one of the reports to merge; give the merged report another path.');
  });
});

describe('the bundled CLI installing a scanner', () => {
  it('installs a Trivy release bulkhead ships no sha256 for, verified by its Sigstore bundle, and scans with it', async () => {
    const dir = tempDir('bulkhead-cli-signed-');
    const standins = writeStandins(dir, {
      argvLog: join(dir, 'argv.log'),
      trivyVersion: '0.70.0',
      trivy: { '*': { fixture: fixture('trivy', 'alpine-39.json') } },
    });
    const archive = trivyArchive(join(standins.binDir, 'trivy'));
    const sigstore = await testSigstore();
    writeFileSync(join(dir, 'trusted_root.json'), JSON.stringify(sigstore.trustedRoot));
    const server = await new ReleaseServer().start();
    try {
      const name = 'trivy_0.70.0_Linux-64bit.tar.gz';
      server.publish('aquasecurity/trivy', '0.70.0', name, { kind: 'ok', body: archive });
      const identity = 'https://github.com/aquasecurity/trivy/.github/workflows/reusable-release.yaml@refs/tags/v0.70.0';
      server.serve('aquasecurity/trivy', '0.70.0', `${name}.sigstore.json`, await sigstore.sign(archive, { identity }));
      copyFileSync(join(REPO_ROOT, 'examples/shop-api/image.tar'), join(dir, 'image.tar'));
      const scan = (extra: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
        spawnAsync(
          process.execPath,
          [
            join(REPO_ROOT, 'bin/bulkhead.js'),
            'scan',
            '--image',
            'image.tar',
            '--tools',
            'trivy',
            '--trivy-version',
            '0.70.0',
            '--release-mirror',
            server.url,
            '--fail-on',
            'none',
            ...extra,
          ],
          {
            cwd: dir,
            env: {
              ...standins.env,
              PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
              RUNNER_TOOL_CACHE: join(dir, '.tools'),
              RUNNER_TEMP: join(dir, '.tmp'),
              HOME: dir,
            },
          },
        );
      const verified = await scan(['--sigstore-trusted-root', 'trusted_root.json']);
      expect(verified.stderr + verified.stdout).toContain(`its Sigstore signature verifies (signed by ${identity}`);
      expect(verified.code).toBe(0);
      expect(readFileSync(join(dir, 'argv.log'), 'utf8')).toMatch(/"tool":"trivy","argv":\["image"/);
      // With the public-good root (the default) the test signature is not trusted: nothing is installed or run.
      rmSync(join(dir, '.tools'), { recursive: true, force: true });
      const refused = await scan([]);
      expect(refused.code).toBe(3);
      expect(refused.stderr + refused.stdout).toMatch(
        /trivy_0\.70\.0_Linux-64bit\.tar\.gz was deleted and not run: .*the signing certificate is not trusted/,
      );
    } finally {
      await server.stop();
    }
  }, 60_000);
});

describe('bulkhead scan --sbom-file', () => {
  const NGINX = 'large-edwinjdevops-sentinel-nginx-latest-debian13-234vulns.json';

  it('writes the image SBOM from the packages Trivy listed, in CycloneDX or SPDX, each valid', async () => {
    const dir = tempDir('bulkhead-sbom-');
    copyFileSync(fixture('trivy', NGINX), join(dir, 'nginx.json'));
    const base = ['scan', '--trivy-report', 'nginx.json', '--tools', 'trivy', '--fail-on', 'none'];
    const cdx = await cli([...base, '--sbom-file', 'out/sbom.cdx.json'], dir);
    expect(cdx.stderr).toContain(`SBOM (CycloneDX 1.6) of nginx:latest: 151 packages, written to ${join(dir, 'out/sbom.cdx.json')}.`);
    expect(cdx.code).toBe(0);
    const bom = JSON.parse(readFileSync(join(dir, 'out/sbom.cdx.json'), 'utf8')) as { components: unknown[] };
    expect(cyclonedxErrors(bom)).toEqual([]);
    expect(bom.components).toHaveLength(152);
    expect((await cli([...base, '--sbom-file', 'sbom.spdx.json', '--sbom-format', 'spdx'], dir)).code).toBe(0);
    expect(spdxErrors(JSON.parse(readFileSync(join(dir, 'sbom.spdx.json'), 'utf8')))).toEqual([]);
  });

  it('lets Trivy list every package when it runs (--list-all-pkgs), and only then', async () => {
    const dir = tempDir('bulkhead-sbom-run-');
    const standins = writeStandins(dir, { argvLog: join(dir, 'argv.log'), trivy: { '*': { fixture: fixture('trivy', NGINX) } } });
    copyFileSync(join(REPO_ROOT, 'examples/shop-api/image.tar'), join(dir, 'image.tar'));
    const env = { ...standins.env, PATH: `${standins.binDir}:${process.env.PATH ?? ''}`, HOME: dir, RUNNER_TEMP: join(dir, '.tmp') };
    const run = async (extra: string[]): Promise<{ code: number; argv: string[] }> => {
      let stderr = '';
      const code = await runCli(['scan', '--image', 'image.tar', '--tools', 'trivy', '--fail-on', 'none', ...extra], {
        stdout: () => undefined,
        stderr: (t) => (stderr += t),
        cwd: dir,
        env,
      });
      const scans = readFileSync(join(dir, 'argv.log'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { argv: string[] })
        .filter((e) => e.argv[0] === 'image' && !e.argv.includes('--download-db-only'));
      expect(stderr).not.toContain('failed');
      return { code, argv: scans.at(-1)?.argv ?? [] };
    };
    const plain = await run([]);
    expect(plain.code).toBe(0);
    expect(plain.argv).not.toContain('--list-all-pkgs');
    const withSbom = await run(['--sbom-file', 'sbom.json']);
    expect(withSbom.argv).toContain('--list-all-pkgs');
    expect(cyclonedxErrors(JSON.parse(readFileSync(join(dir, 'sbom.json'), 'utf8')))).toEqual([]);
  });

  it('refuses a report without a package list (exit 3) and more than one image (exit 2), saying what to do', async () => {
    const dir = tempDir('bulkhead-sbom-bad-');
    copyFileSync(fixture('trivy', 'alpine-39.json'), join(dir, 'alpine.json'));
    copyFileSync(fixture('trivy', NGINX), join(dir, 'nginx.json'));
    const empty = await cli(['scan', '--trivy-report', 'alpine.json', '--tools', 'trivy', '--sbom-file', 'sbom.json'], dir);
    expect(empty.code).toBe(3);
    expect(empty.stderr).toContain(
      'lists no packages, so no SBOM was written; write the report with trivy image --list-all-pkgs (or let bulkhead run Trivy).',
    );
    const two = await cli(['scan', '--trivy-report', 'alpine.json\nnginx.json', '--tools', 'trivy', '--sbom-file', 'sbom.json'], dir);
    expect(two.code).toBe(2);
    expect(two.stderr).toBe(
      'bulkhead: sbom-file describes one image, and this run scans 2; write the SBOM in a job per image (a matrix).\n',
    );
  });
});
