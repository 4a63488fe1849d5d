import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { TRIVY } from '../../src/releases/catalog.js';
import { spawnAsync, tempDir } from '../helpers.js';
import { runAction } from '../support/action.js';
import { buildkitBuild, docker, testDocker } from '../support/docker.js';
import { multitoolProblems, schemaErrors } from '../support/sarif.js';

/**
 * Real Trivy (built from its Go module at the version bulkhead pins: `npm run test:tools`) through
 * bulkhead's own run path, on images the real engine built, with a vulnerability database that
 * trivy-db's own packages wrote (test/tools/trivy-fixture-db) from advisories for the packages
 * the images really hold, at their real versions. Nothing here is a recording.
 */
const TOOLS = process.env.BULKHEAD_TEST_TOOLS ?? '/var/cache/bulkhead-test/tools';
const trivyBinary = process.env.BULKHEAD_TEST_TRIVY ?? join(TOOLS, `trivy-${TRIVY.pinned}`, 'trivy');
const fixtureDbTool = join(TOOLS, 'trivy-fixture-db');
const env = testDocker();
const missing = [trivyBinary, fixtureDbTool].filter((p) => !existsSync(p));
if (missing.length > 0)
  console.warn(
    `\n!!! SKIPPING the real-Trivy tests: ${missing.join(' and ')} missing (npm run test:tools builds them from the Go module proxy)\n`,
  );
const ready = Boolean(env.host) && missing.length === 0;

/** The Debian packages of the test base image, as dpkg recorded them. */
function dpkgStatus(host: string): Map<string, { version: string; source: string }> {
  const out = docker(host, ['run', '--rm', '--network=none', 'bulkhead-test/bookworm:minbase', 'cat', '/var/lib/dpkg/status']).stdout;
  const packages = new Map<string, { version: string; source: string }>();
  for (const stanza of out.split(/\n\n+/)) {
    const field = (name: string) => new RegExp(`^${name}: (.+)$`, 'm').exec(stanza)?.[1];
    const name = field('Package');
    const version = field('Version');
    if (name && version) packages.set(name, { version, source: (field('Source') ?? name).split(' ')[0] as string });
  }
  return packages;
}

/** A GitHub token's shape (Trivy's github-pat rule), made up for this run: never a real secret. */
const PLANTED = `ghp_${randomBytes(27)
  .toString('base64')
  .replace(/[^A-Za-z0-9]/g, 'x')
  .slice(0, 36)}`;

const SINGLE = [
  'FROM bulkhead-test/bookworm:minbase',
  'COPY node_modules/ /srv/app/node_modules/',
  'COPY settings.env /srv/app/settings.env',
  'RUN echo ready > /srv/app/ready',
  'USER 10001',
  '',
].join('\n');

const MULTI = [
  'FROM bulkhead-test/bookworm:minbase AS deps',
  'COPY node_modules/ /build/node_modules/',
  'RUN echo built > /build/ok',
  '',
  'FROM bulkhead-test/bookworm:minbase',
  'RUN echo runtime > /etc/runtime',
  'COPY --from=deps /build/node_modules/ /srv/app/node_modules/',
  'USER 10001',
  '',
].join('\n');

function context(dockerfile: string): string {
  const dir = tempDir('bulkhead-real-trivy-');
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  mkdirSync(join(dir, 'node_modules', 'lodash'), { recursive: true });
  writeFileSync(
    join(dir, 'node_modules', 'lodash', 'package.json'),
    JSON.stringify({ name: 'lodash', version: '4.17.20', license: 'MIT' }),
  );
  writeFileSync(join(dir, 'settings.env'), `APP_MODE=production\nGITHUB_TOKEN=${PLANTED}\n`);
  return dir;
}

interface SarifResult {
  ruleId: string;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
}

interface Run {
  code: number;
  out: string;
  sarifText: string;
  reportText: string;
  results: SarifResult[];
}

describe.skipIf(!ready)(`real Trivy ${TRIVY.pinned} on real images, through bulkhead's run path`, () => {
  const host = env.host as string;
  let home: string;
  let advisories: { tar: string; glibc: string };

  /** The CLI in-process, with its own home (Trivy's cache holds the fixture database) and the real binary. */
  async function scan(workspace: string, image: string, extra: string[] = []): Promise<Run> {
    const lines: string[] = [];
    const code = await runCli(
      [
        'scan',
        '--image',
        image,
        '--dockerfile',
        'Dockerfile',
        // Defaults, unless the test gives its own.
        ...(extra.includes('--tools') ? [] : ['--tools', 'trivy,bulkhead']),
        ...(extra.includes('--trivy-path') ? [] : ['--trivy-path', trivyBinary]),
        ...(extra.includes('--fail-on') ? [] : ['--fail-on', 'critical']),
        ...extra,
      ],
      {
        stdout: (t) => lines.push(t),
        stderr: (t) => lines.push(t),
        cwd: workspace,
        env: { DOCKER_HOST: host, PATH: process.env.PATH ?? '', HOME: home },
      },
    );
    const sarifText = readFileSync(join(workspace, 'bulkhead.sarif'), 'utf8');
    const sarif = JSON.parse(sarifText) as { runs: { results: SarifResult[] }[] };
    expect(schemaErrors(sarif)).toEqual([]);
    expect(multitoolProblems({ 'real-trivy.sarif': sarif })).toEqual([]);
    return {
      code,
      out: lines.join(''),
      sarifText,
      reportText: readFileSync(join(workspace, 'bulkhead-report.json'), 'utf8'),
      results: sarif.runs.flatMap((r) => r.results),
    };
  }

  const lineOf = (run: Run, id: string) => run.results.find((r) => r.ruleId === id)?.locations[0]?.physicalLocation.region.startLine;

  beforeAll(async () => {
    home = tempDir('bulkhead-real-trivy-home-');
    const packages = dpkgStatus(host);
    const tar = packages.get('tar');
    const libc = packages.get('libc6');
    if (!tar || !libc) throw new Error('the test base image has no tar or libc6 in its dpkg status');
    advisories = { tar: tar.version, glibc: libc.version };
    const yaml = [
      `updatedAt: ${new Date(Date.now() - 2 * 3_600_000).toISOString()}`,
      'advisories:',
      // Fixed in a later Debian update than the one installed.
      `  - { id: CVE-2099-1001, os: debian, release: "12", package: ${tar.source}, fixed: "${tar.version}+deb12u99", severity: HIGH, title: "tar: a fixture flaw" }`,
      // Affected, no fix yet.
      `  - { id: CVE-2099-1002, os: debian, release: "12", package: ${libc.source}, severity: LOW, title: "glibc: a fixture flaw" }`,
      '  - { id: GHSA-fixt-ure0-0001, ecosystem: npm, package: lodash, vulnerable: ["<4.17.21"], patched: ["4.17.21"], severity: CRITICAL, title: "lodash: a fixture flaw" }',
      '',
    ].join('\n');
    const file = join(home, 'advisories.yaml');
    writeFileSync(file, yaml);
    const written = await spawnAsync(fixtureDbTool, [file, join(home, '.cache', 'bulkhead', 'trivy')], { cwd: home, env: process.env });
    if (written.code !== 0) throw new Error(`trivy-fixture-db failed: ${written.stderr}`);
  }, 120_000);

  it('single stage, classic builder: each vulnerability on the line that brought it, the planted secret found and never echoed', async () => {
    const dir = context(SINGLE);
    docker(host, ['build', '--network=none', '-q', '-t', 'bulkhead-test/real-trivy-single:1', dir]);
    const run = await scan(dir, 'bulkhead-test/real-trivy-single:1');
    // lodash is critical: the gate fails on findings, not on a scanner error.
    expect(run.code, run.out).toBe(1);
    expect(lineOf(run, 'CVE-2099-1001')).toBe(1);
    expect(lineOf(run, 'CVE-2099-1002')).toBe(1);
    expect(lineOf(run, 'GHSA-fixt-ure0-0001')).toBe(2);
    const tarResult = run.results.find((r) => r.ruleId === 'CVE-2099-1001');
    expect(tarResult?.message.text).toContain(advisories.tar);
    expect(tarResult?.message.text).toContain('From the base image bulkhead-test/bookworm:minbase (Dockerfile:1)');
    // Trivy's secret scanner: the token in the layer COPY settings.env made.
    const secret = run.results.find((r) => /github-pat/i.test(r.ruleId));
    expect(secret, run.results.map((r) => r.ruleId).join(', ')).toBeDefined();
    expect(secret?.locations[0]?.physicalLocation.region.startLine).toBe(3);
    for (const [what, text] of [
      ['the log', run.out],
      ['the SARIF log', run.sarifText],
      ['the report', run.reportText],
    ] as const)
      expect(text.includes(PLANTED), `${what} echoes the planted token`).toBe(false);
    const report = JSON.parse(run.reportText) as { scanners: { tool: string; status: string; version: string; database: unknown }[] };
    expect(report.scanners.find((s) => s.tool === 'trivy')).toMatchObject({
      status: 'ok',
      version: TRIVY.pinned,
      database: { version: 2 },
    });
  }, 600_000);

  it('through the action: annotations on the lines, the summary names the real scanner, the token in no output', async () => {
    const dir = context(SINGLE);
    docker(host, ['build', '--network=none', '-q', '-t', 'bulkhead-test/real-trivy-single:1', dir]);
    const run = await runAction(
      {
        image: 'bulkhead-test/real-trivy-single:1',
        dockerfile: 'Dockerfile',
        tools: 'trivy,bulkhead',
        'trivy-path': trivyBinary,
        'fail-on': 'critical',
      },
      { workspace: dir, env: { HOME: home, DOCKER_HOST: host, PATH: process.env.PATH ?? '' } },
    );
    expect(run.status, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/^::error [^\n]*GHSA-fixt-ure0-0001[^\n]*,file=Dockerfile,line=2::/m);
    expect(run.stdout).toMatch(/^::error [^\n]*github-pat[^\n]*,file=Dockerfile,line=3::/m);
    expect(run.summary).toMatch(/\| Trivy \| `bulkhead-test\/real-trivy-single:1` \| `0\.69\.3` \| run \(given path\) \| ✅ ok \|/);
    for (const [what, text] of [
      ['the log', run.stdout + run.stderr],
      ['the summary', run.summary],
      ['the SARIF log', readFileSync(join(dir, 'bulkhead.sarif'), 'utf8')],
    ] as const)
      expect(text.includes(PLANTED), `${what} echoes the planted token`).toBe(false);
  }, 600_000);

  it('multi-stage: a package copied from a builder stage lands on the COPY --from line', async () => {
    const dir = context(MULTI);
    docker(host, ['build', '--network=none', '-q', '-t', 'bulkhead-test/real-trivy-multi:1', dir]);
    const run = await scan(dir, 'bulkhead-test/real-trivy-multi:1');
    expect(run.code, run.out).toBe(1);
    expect(lineOf(run, 'CVE-2099-1001')).toBe(5);
    expect(lineOf(run, 'GHSA-fixt-ure0-0001')).toBe(7);
  }, 600_000);

  it('BuildKit: the same lines from its history', async (ctx) => {
    const dir = context(SINGLE);
    const built = buildkitBuild(host, ['--network=none', '-q', '-t', 'bulkhead-test/real-trivy-buildkit:1', dir]);
    if (!built.ok) {
      console.warn(`\n!!! SKIPPING the BuildKit case: ${built.why}\n`);
      ctx.skip();
      return;
    }
    const run = await scan(dir, 'bulkhead-test/real-trivy-buildkit:1');
    expect(run.code, run.out).toBe(1);
    expect(lineOf(run, 'CVE-2099-1001')).toBe(1);
    expect(lineOf(run, 'GHSA-fixt-ure0-0001')).toBe(2);
  }, 600_000);

  it("misconfig: Trivy's embedded checks on a manifest inside the image, on the COPY line, naming the file and line inside", async () => {
    const dir = context(['FROM bulkhead-test/bookworm:minbase', 'COPY deploy/ /srv/deploy/', 'USER 10001', ''].join('\n'));
    mkdirSync(join(dir, 'deploy'));
    writeFileSync(
      join(dir, 'deploy', 'pod.yaml'),
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: web',
        'spec:',
        '  containers:',
        '    - name: web',
        '      image: nginx:1.27',
        '      securityContext:',
        '        privileged: true',
        '',
      ].join('\n'),
    );
    docker(host, ['build', '--network=none', '-q', '-t', 'bulkhead-test/real-trivy-misconfig:1', dir]);
    // Trivy's own log, kept beside the run (the CLI folds it away).
    const wrapper = join(dir, 'trivy-logged');
    const log = join(dir, 'trivy.log');
    writeFileSync(wrapper, `#!/bin/sh\nexec "${trivyBinary}" "$@" 2>>"${log}"\n`, { mode: 0o755 });
    const run = await scan(dir, 'bulkhead-test/real-trivy-misconfig:1', [
      '--trivy-scanners',
      'vuln,secret,misconfig',
      '--fail-on',
      'high',
      '--trivy-path',
      wrapper,
    ]);
    expect(run.code, run.out).toBe(1);
    const privileged = run.results.find((r) => r.ruleId === 'KSV-0017');
    expect(privileged, run.results.map((r) => r.ruleId).join(', ')).toBeDefined();
    expect(privileged?.locations[0]?.physicalLocation.region.startLine).toBe(2);
    expect(privileged?.message.text).toMatch(
      /^srv\/deploy\/pod\.yaml:\d+: Container 'web' of Pod 'web' should set 'securityContext\.privileged' to false\./,
    );
    expect(privileged?.level).toBe('error');
    // No checks bundle was fetched: the embedded checks ran.
    const trivyLog = readFileSync(log, 'utf8');
    expect(trivyLog).toMatch(/Misconfiguration scanning is enabled/);
    expect(trivyLog).not.toMatch(/Downloading the checks bundle/);
    expect(trivyLog).toMatch(/--skip-check-update is enabled[\s\S]*Falling back to embedded checks/);
  }, 600_000);

  it("a JAR with no Java database: Trivy's real first-run error is recognised, the one download tried, and the image fails closed", async () => {
    const dir = context(['FROM bulkhead-test/bookworm:minbase', 'COPY app/ /opt/app/', 'USER 10001', ''].join('\n'));
    mkdirSync(join(dir, 'app'));
    // The smallest zip: an empty archive is still a JAR to Trivy's analyzer, which matches by extension.
    writeFileSync(join(dir, 'app', 'app.jar'), Buffer.from('504b0506000000000000000000000000000000000000', 'hex'));
    docker(host, ['build', '--network=none', '-q', '-t', 'bulkhead-test/real-trivy-jar:1', dir]);
    const wrapper = join(dir, 'trivy-logged');
    const argv = join(dir, 'argv.log');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >>"${argv}"\nexec "${trivyBinary}" "$@"\n`, { mode: 0o755 });
    const run = await scan(dir, 'bulkhead-test/real-trivy-jar:1', ['--trivy-path', wrapper]);
    expect(run.code, run.out).toBe(3);
    expect(run.out).toMatch(
      /trivy failed on bulkhead-test\/real-trivy-jar:1: Trivy could not download its Java database: it exited with code 1: [\s\S]*\(bulkhead-test\/real-trivy-jar:1 has Java archives, which need it\)/,
    );
    const calls = readFileSync(argv, 'utf8').trim().split('\n');
    expect(calls.filter((c) => c.includes('--download-java-db-only'))).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('image --format json'))).toHaveLength(1);
  }, 600_000);

  it('a Trivy stopped at the time limit fails the gate closed, saying so', async () => {
    const dir = context(SINGLE);
    docker(host, ['build', '--network=none', '-q', '-t', 'bulkhead-test/real-trivy-single:1', dir]);
    // Trivy alone (it reads the daemon itself, a few seconds), with a one-second limit.
    const run = await scan(dir, 'bulkhead-test/real-trivy-single:1', ['--tools', 'trivy', '--timeout', '1s']);
    expect(run.code, run.out).toBe(3);
    // On a loaded machine the limit can already stop the database step: closed all the same.
    expect(run.out).toMatch(
      /trivy failed on bulkhead-test\/real-trivy-single:1: Trivy (could not prepare its vulnerability database: it )?(did not finish within 1 s and was stopped|exited with code 1: [\s\S]*context deadline exceeded)/,
    );
    expect(run.results.filter((r) => r.ruleId.startsWith('CVE-'))).toEqual([]);
  }, 600_000);

  it('a corrupt database fails the gate closed, naming Trivy', async () => {
    const dir = context(SINGLE);
    docker(host, ['build', '--network=none', '-q', '-t', 'bulkhead-test/real-trivy-single:1', dir]);
    const broken = tempDir('bulkhead-real-trivy-broken-');
    const db = join(broken, '.cache', 'bulkhead', 'trivy', 'db');
    mkdirSync(db, { recursive: true });
    writeFileSync(join(db, 'trivy.db'), 'not a bolt database');
    writeFileSync(join(db, 'metadata.json'), readFileSync(join(home, '.cache', 'bulkhead', 'trivy', 'db', 'metadata.json')));
    const saved = home;
    home = broken;
    try {
      const run = await scan(dir, 'bulkhead-test/real-trivy-single:1');
      expect(run.code, run.out).toBe(3);
      expect(run.out).toMatch(
        /trivy failed on bulkhead-test\/real-trivy-single:1: Trivy exited with code 1: .*DB error: .*invalid database/,
      );
    } finally {
      home = saved;
    }
  }, 600_000);
});
