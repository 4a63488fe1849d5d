import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse.js';
import type { RawInputs } from '../../src/config/inputs.js';
import { runLocalScanners, type ScannerHost, type ScanPlan } from '../../src/scanners/runScanners.js';
import { scan } from '../../src/scan/engine.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { silentLogger } from '../../src/util/logger.js';
import { parseImageTarget } from '../../src/config/targets.js';
import { fixture, REPO_ROOT, tempDir } from '../helpers.js';
import { writeStandins, type StandinPlan } from '../support/standins.js';
import { layer } from '../support/images.js';
import { addImage, emptyContent, startRegistry } from '../support/registryServer.js';
import { gzipSync } from 'node:zlib';

const TRIVY_FIXTURE = fixture('trivy', 'alpine-39.json');
const SECRETS_FIXTURE = fixture('trivy', 'secrets.json');
const HADOLINT_FIXTURE = fixture('hadolint', 'ts-cr__test_trivy__662caa5', 'hadolint_report.json');

interface Setup {
  workspace: string;
  host: ScannerHost;
  argv: () => Array<{ tool: string; argv: string[]; cwd: string }>;
  logs: string[];
  groups: string[];
}

function setup(plan: Omit<StandinPlan, 'argvLog'>, files: Record<string, string> = { Dockerfile: 'FROM alpine:3.9\n' }): Setup {
  const root = tempDir('bulkhead-run-');
  const workspace = join(root, 'repo');
  mkdirSync(workspace);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(workspace, name, '..'), { recursive: true });
    writeFileSync(join(workspace, name), text);
  }
  const argvLog = join(root, 'argv.log');
  const standins = writeStandins(root, { argvLog, ...plan });
  const logs: string[] = [];
  const groups: string[] = [];
  const host: ScannerHost = {
    platform: 'linux-x64',
    toolCacheDir: join(root, 'toolcache'),
    tempDir: join(root, 'tmp'),
    trivyCacheDir: join(root, 'home', '.cache', 'bulkhead', 'trivy'),
    // The stand-ins are found on PATH with the pinned versions, as a preinstalled scanner would be.
    env: { PATH: `${standins.binDir}:${process.env.PATH ?? ''}`, ...standins.env },
    logger: {
      info: (m) => logs.push(m),
      warning: (m) => logs.push(`warning: ${m}`),
      group: (title, body) => groups.push(`${title}\n${body}`),
    },
    now: () => new Date(),
  };
  const argv = (): Array<{ tool: string; argv: string[]; cwd: string }> =>
    existsSync(argvLog)
      ? readFileSync(argvLog, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { tool: string; argv: string[]; cwd: string })
      : [];
  return { workspace, host, argv, logs, groups };
}

/** Running, as opposed to gone or a zombie waiting for a reaper (containers often have none). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const config = (s: Setup, raw: RawInputs) => parseConfig({ tools: 'trivy,hadolint', ...raw }, { workspace: s.workspace });
const scans = (s: Setup) =>
  s
    .argv()
    .filter(
      (e) => (e.argv[0] === 'image' && !e.argv.includes('--download-db-only')) || (e.tool === 'hadolint' && e.argv[0] !== '--version'),
    );

describe('running Trivy and hadolint', () => {
  it('passes each target as one argument after --, with the flags bulkhead relies on', async () => {
    const s = setup(
      { trivy: { '*': { fixture: TRIVY_FIXTURE } }, hadolint: { '*': { fixture: HADOLINT_FIXTURE } } },
      {
        Dockerfile: 'FROM alpine:3.9\n',
        '.hadolint.yaml': 'ignored: [DL3008]\n',
        'build/app.tar': 'not really an archive',
        'build/layout/index.json': '{}',
      },
    );
    const results = await runLocalScanners(
      config(s, {
        image:
          'ghcr.io/acme/app:pr-1\ndocker://registry.example:5000/team/api@sha256:' +
          'a'.repeat(64) +
          '\ndocker-archive:build/app.tar\noci:build/layout',
        dockerfile: 'Dockerfile',
      }),
      s.host,
    );
    expect(results.map((r) => [r.tool, r.status])).toEqual([
      ['hadolint', 'ok'],
      ['trivy', 'ok'],
      ['trivy', 'ok'],
      ['trivy', 'ok'],
      ['trivy', 'ok'],
    ]);
    const trivyRuns = s.argv().filter((e) => e.tool === 'trivy' && e.argv[0] === 'image' && !e.argv.includes('--download-db-only'));
    const common = (output: string) => [
      'image',
      '--format',
      'json',
      '--output',
      output,
      '--scanners',
      'vuln,secret',
      '--pkg-types',
      'os,library',
      '--cache-dir',
      s.host.trivyCacheDir,
      '--cache-backend',
      'memory',
      '--skip-db-update',
      '--skip-java-db-update',
      '--skip-version-check',
      '--disable-telemetry',
      '--no-progress',
      '--exit-code',
      '0',
      '--timeout',
      '600s',
    ];
    const byTarget = new Map(trivyRuns.map((e) => [e.argv[e.argv.length - 1], e]));
    const daemon = byTarget.get('ghcr.io/acme/app:pr-1');
    expect(daemon?.argv).toEqual([...common(daemon?.argv[4] as string), '--image-src', 'docker', '--', 'ghcr.io/acme/app:pr-1']);
    const registry = byTarget.get(`registry.example:5000/team/api@sha256:${'a'.repeat(64)}`);
    expect(registry?.argv.slice(-4)).toEqual(['--image-src', 'remote', '--', `registry.example:5000/team/api@sha256:${'a'.repeat(64)}`]);
    expect(byTarget.get(join(s.workspace, 'build/app.tar'))?.argv.slice(-2)).toEqual(['--input', join(s.workspace, 'build/app.tar')]);
    expect(byTarget.get(join(s.workspace, 'build/layout'))?.argv.slice(-2)).toEqual(['--input', join(s.workspace, 'build/layout')]);
    // Trivy runs outside the repository, so the repository's trivy.yaml or .trivyignore cannot steer it.
    for (const run of trivyRuns) expect(run.cwd.startsWith(s.workspace)).toBe(false);
    const hadolint = s.argv().find((e) => e.tool === 'hadolint' && e.argv[0] !== '--version');
    expect(hadolint?.argv).toEqual([
      '--format',
      'json',
      '--no-fail',
      '--config',
      join(s.workspace, '.hadolint.yaml'),
      '--',
      join(s.workspace, 'Dockerfile'),
    ]);
    const db = s.argv().find((e) => e.argv.includes('--download-db-only'));
    expect(db?.argv).toEqual([
      'image',
      '--download-db-only',
      '--cache-dir',
      s.host.trivyCacheDir,
      '--skip-version-check',
      '--disable-telemetry',
      '--no-progress',
      '--timeout',
      '600s',
    ]);
    // The database is prepared before any image scan starts.
    const order = s
      .argv()
      .map((e) => (e.argv.includes('--download-db-only') ? 'db' : e.tool === 'trivy' && e.argv[0] === 'image' ? 'scan' : 'other'));
    expect(order.indexOf('db')).toBeLessThan(order.indexOf('scan'));
  });

  it('passes trivy-skip-dirs, trivy-skip-files and trivy-pkg-types to Trivy, one flag per path', async () => {
    const s = setup({ trivy: { '*': { fixture: TRIVY_FIXTURE } } });
    await runLocalScanners(
      config(s, {
        tools: 'trivy',
        image: 'ghcr.io/acme/app:1',
        'trivy-skip-dirs': '/usr/share/doc\n**/testdata',
        'trivy-skip-files': '/app/fixtures/key.pem',
        'trivy-pkg-types': 'library',
      }),
      s.host,
    );
    const [run] = scans(s);
    const after = (flag: string) => run?.argv.flatMap((a, i, all) => (a === flag ? [all[i + 1]] : []));
    expect(after('--skip-dirs')).toEqual(['/usr/share/doc', '**/testdata']);
    expect(after('--skip-files')).toEqual(['/app/fixtures/key.pem']);
    expect(after('--pkg-types')).toEqual(['library']);
    expect(run?.argv).not.toContain('--skip-check-update');
  });

  it('with misconfig among trivy-scanners, keeps Trivy to the checks its verified binary embeds', async () => {
    const s = setup({ trivy: { '*': { fixture: TRIVY_FIXTURE } } });
    await runLocalScanners(config(s, { tools: 'trivy', image: 'ghcr.io/acme/app:1', 'trivy-scanners': 'vuln,misconfig' }), s.host);
    const [run] = scans(s);
    expect(run?.argv.flatMap((a, i, all) => (a === '--scanners' ? [all[i + 1]] : []))).toEqual(['vuln,misconfig']);
    expect(run?.argv).toContain('--skip-check-update');
  });

  it('runs every scanner at once: the wall time is the slowest run, not the sum', async () => {
    const slow = { sleepMs: 1500 };
    const s = setup(
      { trivy: { '*': { ...slow, fixture: TRIVY_FIXTURE } }, hadolint: { '*': { ...slow, fixture: HADOLINT_FIXTURE } } },
      {
        Dockerfile: 'FROM alpine:3.9\n',
        'web/Dockerfile': 'FROM alpine:3.9\n',
      },
    );
    const started = performance.now();
    const results = await runLocalScanners(
      config(s, { image: 'acme/one:1\nacme/two:1\nacme/three:1', dockerfile: 'Dockerfile\nweb/Dockerfile' }),
      s.host,
    );
    const wall = performance.now() - started;
    const sum = results.reduce((total, r) => total + r.durationMs, 0);
    expect(results).toHaveLength(5);
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(sum).toBeGreaterThan(5 * 1500);
    // Five 1.5 s runs one after another would take 7.5 s; at once, about 1.5 s plus start-up.
    expect(wall).toBeLessThan(sum / 2);
  });

  it('stops a scanner at the time limit, with everything it started, and says so', async () => {
    const root = tempDir('bulkhead-hang-');
    const childPidFile = join(root, 'child.pid');
    const s = setup({ trivy: { '*': { hang: true, childPidFile } } });
    const started = performance.now();
    const results = await runLocalScanners(config(s, { image: 'acme/app:1', tools: 'trivy', timeout: '2s' }), s.host);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(results[0]).toMatchObject({ tool: 'trivy', status: 'error' });
    expect(results[0]?.error).toMatch(/^Trivy did not finish within 2 s and was stopped/);
    const child = Number(readFileSync(childPidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
    expect(isRunning(child)).toBe(false);
  });

  it('turns an unexpected exit, garbage output or a missing report into a scanner error that quotes stderr', async () => {
    const s = setup({
      trivy: {
        'acme/crash:1': { exitCode: 2, stderr: 'FATAL\timage scan error: unable to inspect the image\n' },
        'acme/garbage:1': { garbage: '{"SchemaVersion": 2, "Results": [' },
        'acme/empty:1': {},
      },
      hadolint: { '*': { garbage: 'hadolint: <stdin>:1:1 unexpected end of input', exitCode: 1 } },
    });
    const results = await runLocalScanners(
      config(s, { image: 'acme/crash:1\nacme/garbage:1\nacme/empty:1', dockerfile: 'Dockerfile' }),
      s.host,
    );
    const byTarget = new Map(results.map((r) => [r.target, r]));
    expect(byTarget.get('acme/crash:1')?.error).toBe(
      'Trivy exited with code 2: INFO [vuln] Vulnerability scanning is enabled\nFATAL\timage scan error: unable to inspect the image',
    );
    expect(byTarget.get('acme/garbage:1')?.error).toMatch(/^Trivy exited 0 but its report could not be read \(.*is not valid JSON/);
    expect(byTarget.get('acme/empty:1')?.error).toMatch(/^Trivy exited 0 but its report could not be read \(.*cannot be opened \(ENOENT\)/);
    expect(byTarget.get('Dockerfile')?.error).toMatch(/^hadolint exited with code 1 and wrote output bulkhead cannot read/);
    expect(results.every((r) => r.status === 'error')).toBe(true);
  });

  it("a .hadolint.yaml that hadolint cannot read is an error, not a lint without the team's ignores (real hadolint 2.12.0 stderr)", async () => {
    // Real hadolint prints the config error to stderr, lints as if there were no config, and exits 0.
    const stderr = readFileSync(fixture('hadolint', 'real-2.12.0', 'config-error.stderr'), 'utf8');
    const s = setup(
      { hadolint: { '*': { fixture: HADOLINT_FIXTURE, stderr } } },
      { Dockerfile: 'FROM alpine:3.9\n', '.hadolint.yaml': 'ignored:\n  - DL3008\nfailure-threshold: nope\n' },
    );
    const [result] = await runLocalScanners(config(s, { tools: 'hadolint', dockerfile: 'Dockerfile' }), s.host);
    expect(result?.status).toBe('error');
    expect(result?.findings).toEqual([]);
    expect(result?.error).toBe(
      'hadolint could not read .hadolint.yaml (expected severity instead of !!str) and linted without it, so its ignored rules and overrides did not apply; fix .hadolint.yaml.',
    );
  });

  it("runs a scan again on its own when Trivy met another Trivy's lock", async () => {
    const root = tempDir('bulkhead-lock-');
    const s = setup({
      trivy: {
        '*': {
          fixture: TRIVY_FIXTURE,
          failOnceMarker: join(root, 'failed-once'),
          failOnceStderr: 'FATAL unable to initialize fs cache: cache may be in use by another process: timeout\n',
        },
      },
    });
    const results = await runLocalScanners(config(s, { image: 'acme/app:1', tools: 'trivy' }), s.host);
    expect(results[0]?.status).toBe('ok');
    expect(s.logs).toContain('Trivy on acme/app:1 met a lock held by another Trivy; running it again on its own.');
  });

  describe("Trivy's Java database", () => {
    const scansOf = (s: Setup, target: string) =>
      s.argv().filter((e) => e.tool === 'trivy' && e.argv[0] === 'image' && e.argv[e.argv.length - 1] === target);
    const javaDownloads = (s: Setup) => s.argv().filter((e) => e.argv.includes('--download-java-db-only'));

    it('is downloaded once, only when an image has Java archives, and those scans run again with it', async () => {
      const s = setup({
        trivy: {
          'acme/orders:1': { fixture: TRIVY_FIXTURE, javaArchives: true },
          'acme/billing:1': { fixture: TRIVY_FIXTURE, javaArchives: true },
          'acme/web:1': { fixture: TRIVY_FIXTURE },
        },
      });
      const results = await runLocalScanners(
        config(s, {
          image: 'acme/orders:1\nacme/billing:1\nacme/web:1',
          tools: 'trivy',
          'trivy-java-db-repository': 'mirror.example/trivy-java-db:1',
        }),
        s.host,
      );
      expect(results.map((r) => [r.target, r.status])).toEqual([
        ['acme/orders:1', 'ok'],
        ['acme/billing:1', 'ok'],
        ['acme/web:1', 'ok'],
      ]);
      // One download for both Java images; the image without JARs never waited for it.
      expect(javaDownloads(s).map((e) => e.argv)).toEqual([
        [
          'image',
          '--download-java-db-only',
          '--cache-dir',
          s.host.trivyCacheDir,
          '--skip-version-check',
          '--disable-telemetry',
          '--no-progress',
          '--timeout',
          '600s',
          '--java-db-repository',
          'mirror.example/trivy-java-db:1',
        ],
      ]);
      expect(scansOf(s, 'acme/orders:1')).toHaveLength(2);
      expect(scansOf(s, 'acme/billing:1')).toHaveLength(2);
      expect(scansOf(s, 'acme/web:1')).toHaveLength(1);
      expect(s.logs).toContain('Trivy found Java archives in acme/orders:1 and there is no Java database yet; downloading it once.');
      expect(results[0]?.database?.javaDb).toMatchObject({ downloaded: true, cache: 'not-used', updatedAt: expect.any(String) });
    });

    it("is refreshed once before the scans when one is kept, and not downloaded again within Trivy's day", async () => {
      const s = setup({ trivy: { '*': { fixture: TRIVY_FIXTURE, javaArchives: true } } });
      const cfg = config(s, { image: 'acme/orders:1\nacme/billing:1', tools: 'trivy' });
      await runLocalScanners(cfg, s.host);
      const before = s.argv().length;
      const second = await runLocalScanners(cfg, s.host);
      const again = s.argv().slice(before);
      expect(second.map((r) => r.status)).toEqual(['ok', 'ok']);
      // The refresh runs first, Trivy finds its copy fresh, and every scan succeeds at once.
      const order = again
        .filter((e) => e.argv[0] === 'image')
        .map((e) => (e.argv.includes('--download-java-db-only') ? 'java-db' : e.argv.includes('--download-db-only') ? 'db' : 'scan'));
      expect(order.filter((o) => o !== 'db')).toEqual(['java-db', 'scan', 'scan']);
      expect(second[0]?.database?.javaDb).toMatchObject({ downloaded: false, cache: 'not-used' });
    });

    it('fails closed, naming why, only for the images that need it when it cannot be downloaded', async () => {
      const s = setup({
        trivy: { 'acme/orders:1': { fixture: TRIVY_FIXTURE, javaArchives: true }, 'acme/web:1': { fixture: TRIVY_FIXTURE } },
        trivyJavaDb: {
          exitCode: 1,
          stderr:
            'FATAL Java DB error: OCI artifact error: GET https://ghcr.io/v2/aquasecurity/trivy-java-db/manifests/1: TOOMANYREQUESTS\n',
        },
      });
      const outcome = await scan(config(s, { image: 'acme/orders:1\nacme/web:1', tools: 'trivy', 'fail-on': 'critical' }), {
        logger: silentLogger,
        redactor: new Redactor(),
        env: {},
        runScanners: (plan) => runLocalScanners(plan, s.host),
      });
      expect(outcome.gate.verdict).toBe('fail');
      expect(outcome.gate.failedScanners.map((r) => r.target)).toEqual(['acme/orders:1']);
      expect(outcome.gate.reasons.join('\n')).toMatch(
        /trivy failed on acme\/orders:1: Trivy could not download its Java database: it exited with code 1: FATAL Java DB error: .*TOOMANYREQUESTS \(acme\/orders:1 has Java archives, which need it\)/,
      );
      expect(outcome.gate.reasons.join('\n')).not.toMatch(/failed on acme\/web:1/);
    });

    it('takes an exit 0 that left no database for the failure it is', async () => {
      const s = setup({
        trivy: { '*': { fixture: TRIVY_FIXTURE, javaArchives: true } },
        trivyJavaDb: { writesNothing: true, stderr: 'INFO [javadb] Downloading Java DB...\n' },
      });
      const results = await runLocalScanners(config(s, { image: 'acme/orders:1', tools: 'trivy' }), s.host);
      expect(results[0]).toMatchObject({
        status: 'error',
        error:
          'Trivy could not download its Java database: it exited with code 0 but wrote no database: INFO [javadb] Downloading Java DB... (acme/orders:1 has Java archives, which need it)',
      });
    });

    it('drops a kept copy that cannot be refreshed rather than scan JARs against a stale index', async () => {
      const s = setup({ trivy: { '*': { fixture: TRIVY_FIXTURE, javaArchives: true } } });
      await runLocalScanners(config(s, { image: 'acme/orders:1', tools: 'trivy' }), s.host);
      // Three days later Trivy wants a new one, and the registry refuses.
      const meta = join(s.host.trivyCacheDir, 'java-db', 'metadata.json');
      const old = new Date(Date.now() - 4 * 24 * 3_600_000).toISOString();
      writeFileSync(meta, JSON.stringify({ Version: 1, NextUpdate: old, UpdatedAt: old, DownloadedAt: old }));
      const failing = join(s.host.tempDir, '..', 'plan.json');
      const plan = JSON.parse(readFileSync(failing, 'utf8')) as StandinPlan;
      writeFileSync(failing, JSON.stringify({ ...plan, trivyJavaDb: { exitCode: 1, stderr: 'FATAL TOOMANYREQUESTS\n' } }));
      const results = await runLocalScanners(config(s, { image: 'acme/orders:1', tools: 'trivy' }), s.host);
      expect(s.logs).toContain(
        'warning: Trivy could not download its Java database: it exited with code 1: FATAL TOOMANYREQUESTS; the cached copy is not used.',
      );
      expect(results[0]).toMatchObject({ status: 'error', error: expect.stringMatching(/^Trivy could not download its Java database/) });
    });

    it('is never asked for when Trivy does not look at language packages', async () => {
      const s = setup({ trivy: { '*': { fixture: TRIVY_FIXTURE } } });
      mkdirSync(join(s.host.trivyCacheDir, 'java-db'), { recursive: true });
      writeFileSync(
        join(s.host.trivyCacheDir, 'java-db', 'metadata.json'),
        JSON.stringify({ Version: 1, UpdatedAt: new Date().toISOString() }),
      );
      await runLocalScanners(config(s, { image: 'acme/web:1', tools: 'trivy', 'trivy-pkg-types': 'os' }), s.host);
      await runLocalScanners(config(s, { image: 'acme/web:1', tools: 'trivy', 'trivy-scanners': 'secret' }), s.host);
      expect(javaDownloads(s)).toEqual([]);
    });

    it('refuses a trivy-java-db-repository that is not an OCI repository', () => {
      const s = setup({});
      expect(() => config(s, { image: 'acme/web:1', 'trivy-java-db-repository': '--insecure' })).toThrow(
        'trivy-java-db-repository "--insecure" is not an OCI repository; write one such as mirror.gcr.io/aquasec/trivy-java-db:1.',
      );
    });
  });

  it('fails the gate closed on a scanner error, and with scanner-error: warn lets the others decide', async () => {
    const plan = { trivy: { '*': { exitCode: 1, stderr: 'FATAL boom\n' } }, hadolint: { '*': { fixture: HADOLINT_FIXTURE } } };
    const closed = setup(plan);
    const deps = (s: Setup) => ({
      logger: silentLogger,
      redactor: new Redactor(),
      env: {},
      runScanners: (plan: ScanPlan) => runLocalScanners(plan, s.host),
    });
    const failClosed = await scan(config(closed, { image: 'acme/app:1', 'fail-on': 'critical' }), deps(closed));
    expect(failClosed.gate).toMatchObject({ verdict: 'fail', exitCode: 3 });
    expect(failClosed.gate.reasons.join('\n')).toMatch(/trivy failed on acme\/app:1: Trivy exited with code 1: [\s\S]*FATAL boom/);
    const warned = setup(plan);
    const warn = await scan(config(warned, { image: 'acme/app:1', 'fail-on': 'low', 'scanner-error': 'warn' }), deps(warned));
    // hadolint's DL3042 (a warning, medium) still fails a low gate on its own.
    expect(warn.gate).toMatchObject({ verdict: 'fail', exitCode: 1 });
  });

  it('records which executable ran, its checksum, and the database version and age', async () => {
    const updatedAt = new Date(Date.now() - 5 * 3_600_000).toISOString();
    const s = setup({
      trivy: { '*': { fixture: SECRETS_FIXTURE } },
      hadolint: { '*': { fixture: HADOLINT_FIXTURE } },
      trivyDb: { updatedAt },
    });
    const outcome = await scan(config(s, { image: 'acme/app:1', dockerfile: 'Dockerfile' }), {
      logger: silentLogger,
      redactor: new Redactor(),
      env: {},
      runScanners: (plan) => runLocalScanners(plan, s.host),
    });
    const report = outcome.report as { scanners: Array<Record<string, unknown>> };
    const trivy = report.scanners.find((r) => r.tool === 'trivy');
    expect(trivy).toMatchObject({
      origin: 'run',
      version: '0.69.3',
      status: 'ok',
      executable: { source: 'path', version: '0.69.3', path: expect.stringMatching(/\/bin\/trivy$/) },
      database: { version: 2, updatedAt, cache: 'not-used' },
    });
    expect((trivy?.executable as { sha256: string }).sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((trivy?.database as { ageHours: number }).ageHours).toBeCloseTo(5, 0);
    expect(report.scanners.find((r) => r.tool === 'hadolint')).toMatchObject({ version: '2.12.0', executable: { source: 'path' } });
    expect(s.logs.some((l) => /^Using trivy 0\.69\.3 found on PATH: .*\/bin\/trivy \(sha256 [0-9a-f]{64}\)\.$/.test(l))).toBe(true);
    expect(
      s.groups.some((g) => g.startsWith('Trivy acme/app:1 (exited with code 0,') && g.includes('Vulnerability scanning is enabled')),
    ).toBe(true);
  });
});

describe('hostile inputs reach a scanner as one harmless argument, or not at all', () => {
  it('passes a Dockerfile named like a flag as one absolute path after --', async () => {
    const s = setup({ hadolint: { '*': { fixture: HADOLINT_FIXTURE } } }, { '--config=/etc/passwd': 'FROM alpine:3.9\n' });
    const results = await runLocalScanners(config(s, { dockerfile: '--config=/etc/passwd', tools: 'hadolint' }), s.host);
    expect(results[0]?.status).toBe('ok');
    const run = scans(s).find((e) => e.tool === 'hadolint');
    expect(run?.argv.slice(-2)).toEqual(['--', join(s.workspace, '--config=/etc/passwd')]);
    expect(run?.argv).not.toContain('--config=/etc/passwd');
  });

  it('refuses image references that could be read as flags or shell', () => {
    for (const hostile of ['x; rm -rf /', '--insecure', '-v', 'acme/app:1 --debug', '$(curl evil)', 'acme/app:`id`']) {
      expect(() => parseImageTarget(hostile)).toThrow(/is not a valid image reference/);
    }
  });
});

describe('a daemon image that both Trivy and the built-in checks read', () => {
  it('is exported by docker save once: the built-in checks read the stream, Trivy the copy they wrote, removed afterwards', async () => {
    const s = setup({ trivy: { '*': { fixture: TRIVY_FIXTURE } } }, { Dockerfile: 'FROM alpine:3.9\n' });
    // A docker CLI whose save streams the example image and logs each call.
    const bin = join(s.workspace, '..', 'fake-docker');
    mkdirSync(bin);
    const calls = join(bin, 'calls.log');
    const image = join(REPO_ROOT, 'examples', 'shop-api', 'image.tar');
    writeFileSync(join(bin, 'docker'), `#!/bin/sh\necho "$*" >> '${calls}'\n[ "$1" = save ] && exec cat '${image}'\nexit 1\n`, {
      mode: 0o755,
    });
    const runnerTemp = join(s.workspace, '..', 'runner-temp');
    mkdirSync(runnerTemp);
    const env = { PATH: `${bin}:${s.host.env.PATH ?? ''}`, RUNNER_TEMP: runnerTemp };
    const outcome = await scan(config(s, { image: 'ghcr.io/acme/shop-api:pr-42', tools: 'trivy,bulkhead' }), {
      logger: silentLogger,
      redactor: new Redactor(),
      env,
      runScanners: (plan) => runLocalScanners(plan, { ...s.host, env: { ...s.host.env, ...env } }),
    });
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(['save -- ghcr.io/acme/shop-api:pr-42']);
    const trivy = scans(s).find((e) => e.tool === 'trivy');
    expect(trivy?.argv.slice(-2)[0]).toBe('--input');
    expect(trivy?.argv.at(-1)).toMatch(new RegExp(`^${runnerTemp}/bulkhead-export-[^/]+/image-0\\.tar$`));
    expect(outcome.results.map((r) => [r.tool, r.target, r.status])).toEqual([
      ['trivy', 'ghcr.io/acme/shop-api:pr-42', 'ok'],
      ['bulkhead', 'ghcr.io/acme/shop-api:pr-42', 'ok'],
      ['bulkhead', 'Dockerfile', 'ok'],
    ]);
    expect(readdirSync(runnerTemp)).toEqual([]);
  });
});

describe('a registry image that both Trivy and the built-in checks read', () => {
  it('is pulled once: each blob fetched once, into the built-in reader and a layout Trivy reads with --input, removed afterwards', async () => {
    const s = setup({ trivy: { '*': { fixture: TRIVY_FIXTURE } } }, { Dockerfile: 'FROM alpine:3.9\n' });
    const content = emptyContent();
    const layers = [
      layer(
        [
          { name: 'bin/', type: 'dir' },
          { name: 'bin/mount', body: 'ELF', mode: 0o4755 },
        ],
        gzipSync,
      ),
    ];
    content.tags.set('1', addImage(content, layers).digest);
    const registry = await startRegistry('acme/app', content, { auth: { kind: 'bearer', username: 'ci', password: 'pull-pass' } });
    const runnerTemp = join(s.workspace, '..', 'runner-temp');
    mkdirSync(runnerTemp);
    const env = { PATH: s.host.env.PATH ?? '', RUNNER_TEMP: runnerTemp, HOME: join(s.workspace, '..') };
    let layoutSeen: string[] = [];
    try {
      const outcome = await scan(
        config(s, {
          image: `docker://${registry.host}/acme/app:1`,
          tools: 'trivy,bulkhead',
          'registry-insecure': registry.host,
          'registry-username': 'ci',
          'registry-password': 'pull-pass',
        }),
        {
          logger: silentLogger,
          redactor: new Redactor(),
          env,
          runScanners: async (plan) => {
            const results = await runLocalScanners(plan, { ...s.host, env: { ...s.host.env, ...env } });
            const input =
              scans(s)
                .find((e) => e.tool === 'trivy')
                ?.argv.at(-1) ?? '';
            layoutSeen = existsSync(join(input, 'index.json')) ? readdirSync(join(input, 'blobs', 'sha256')) : [];
            return results;
          },
        },
      );
      const trivy = scans(s).find((e) => e.tool === 'trivy');
      expect(trivy?.argv.slice(-2)[0]).toBe('--input');
      expect(trivy?.argv.at(-1)).toMatch(new RegExp(`^${runnerTemp}/bulkhead-export-[^/]+/image-0$`));
      expect(trivy?.argv).not.toContain('--image-src');
      // The layout was complete when Trivy read it: manifest, config and the layer.
      expect(layoutSeen).toHaveLength(3);
      expect(outcome.results.map((r) => [r.tool, r.status])).toEqual([
        ['trivy', 'ok'],
        ['bulkhead', 'ok'],
        ['bulkhead', 'ok'],
      ]);
      const blobGets = registry.log.filter((r) => r.method === 'GET' && r.path.includes('/blobs/')).map((r) => r.path);
      expect(blobGets).toHaveLength(2);
      expect(new Set(blobGets).size).toBe(2);
      expect(readdirSync(runnerTemp)).toEqual([]);
    } finally {
      await registry.close();
    }
  });
});

describe('hadolint on macOS arm64, which hadolint publishes no build for', () => {
  const plan = { trivy: { '*': { fixture: TRIVY_FIXTURE } }, hadolint: { '*': { fixture: HADOLINT_FIXTURE } } };

  it('runs the x86_64 build under Rosetta 2 by default', async () => {
    const s = setup(plan);
    const results = await runLocalScanners(config(s, { dockerfile: 'Dockerfile' }), {
      ...s.host,
      platform: 'darwin-arm64',
      rosetta: () => true,
    });
    expect(results.map((r) => [r.tool, r.status])).toEqual([['hadolint', 'ok']]);
    expect(scans(s).filter((e) => e.tool === 'hadolint')).toHaveLength(1);
  });

  it('fails closed with what to do when Rosetta 2 is missing, and skips with a warning when asked', async () => {
    const s = setup(plan);
    const host = { ...s.host, platform: 'darwin-arm64' as const, rosetta: () => false };
    await expect(runLocalScanners(config(s, { dockerfile: 'Dockerfile' }), host)).rejects.toThrow(
      'hadolint 2.12.0 has no macOS arm64 build and Rosetta 2 is not installed to run its x86_64 build; set hadolint-version: 2.14.0 (which has one), install Rosetta (softwareupdate --install-rosetta --agree-to-license), give hadolint-path, or set hadolint-darwin-arm64: skip.',
    );
    const skipped = await runLocalScanners(
      config(s, { dockerfile: 'Dockerfile', image: 'acme/app:1', 'hadolint-darwin-arm64': 'skip' }),
      host,
    );
    expect(skipped.map((r) => [r.tool, r.status])).toEqual([['trivy', 'ok']]);
    expect(s.logs).toContain(
      'warning: hadolint was skipped: it has no macOS arm64 build and hadolint-darwin-arm64 is skip; 1 Dockerfile was not linted.',
    );
    expect(scans(s).filter((e) => e.tool === 'hadolint')).toHaveLength(0);
  });

  it('asks for the native build of a version that has one (2.14.0), Rosetta or not', async () => {
    const s = setup(plan);
    const host = { ...s.host, platform: 'darwin-arm64' as const, rosetta: () => false };
    // Nothing serves the release here (a closed port): the download that fails is the one of the arm64 build.
    const outcome = await runLocalScanners(
      config(s, { dockerfile: 'Dockerfile', 'hadolint-version': '2.14.0', 'release-mirror': 'http://127.0.0.1:9' }),
      host,
    ).then(
      (results) => JSON.stringify(results),
      (e: unknown) => String(e),
    );
    expect(outcome).toMatch(/127\.0\.0\.1:9\/hadolint\/hadolint\/releases\/download\/v2\.14\.0\/hadolint-macos-arm64 failed/);
    expect(outcome).not.toMatch(/Rosetta/);
  });

  it('refuses an unknown choice as a usage mistake', () => {
    const s = setup(plan);
    expect(() => config(s, { 'hadolint-darwin-arm64': 'emulate' })).toThrow(/hadolint-darwin-arm64/);
  });
});
