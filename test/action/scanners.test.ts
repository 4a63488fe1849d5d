import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, tempDir } from '../helpers.js';
import { exampleWorkspace, runAction } from '../support/action.js';
import { CacheServer } from '../support/cacheServer.js';
import { writeStandins } from '../support/standins.js';

describe('the action runs Trivy and hadolint itself', () => {
  const server = new CacheServer();
  const root = tempDir('bulkhead-action-scan-');
  const standins = writeStandins(root, {
    argvLog: join(root, 'argv.log'),
    trivy: { '*': { fixture: fixture('trivy', 'alpine-39.json'), stderr: 'INFO scanning the image\n' } },
    hadolint: { '*': { fixture: fixture('hadolint', 'ts-cr__test_trivy__662caa5', 'hadolint_report.json') } },
  });
  // A hosted runner keeps the same home and workspace paths from job to job, with nothing in them.
  const home = join(root, 'home');
  let env: Record<string, string>;
  beforeAll(async () => {
    await server.start();
    env = {
      ...standins.env,
      PATH: `${standins.binDir}:${process.env.PATH ?? ''}`,
      HOME: home,
      ACTIONS_CACHE_URL: server.url,
      ACTIONS_RUNTIME_TOKEN: 'runtime-token',
      RUNNER_TEMP: join(root, 'runner-temp'),
    };
  });
  afterAll(() => server.stop());

  const inputs = {
    image: 'ghcr.io/acme/shop-api:pr-42',
    dockerfile: 'examples/shop-api/Dockerfile',
    tools: 'trivy,hadolint',
    'fail-on': 'critical',
  };

  it("scans, folds each tool's output in the log, keeps the workspace clean, and caches the database for the day", async () => {
    const workspace = exampleWorkspace();
    const before = readdirSync(workspace, { recursive: true }).sort();
    const first = await runAction(inputs, { workspace, env });
    expect(first.stdout).toMatch(/^Using trivy 0\.69\.3 found on PATH: .*\/bin\/trivy \(sha256 [0-9a-f]{64}\)\.$/m);
    expect(first.stdout).toMatch(
      /^Trivy's database cache miss \(bulkhead-trivy-db-v2-linux-x64-\d{4}-\d{2}-\d{2}\): Trivy downloads it\.$/m,
    );
    expect(first.stdout).toMatch(
      /^::group::Trivy ghcr\.io\/acme\/shop-api:pr-42 \(exited with code 0, [\d.]+ (ms|s)\)\nINFO \[vuln\] Vulnerability scanning is enabled\nINFO scanning the image\n::endgroup::$/m,
    );
    expect(first.stdout).toMatch(/^Saved Trivy's database to the Actions cache: bulkhead-trivy-db-v2-linux-x64-\d{4}-\d{2}-\d{2}\.$/m);
    const report = JSON.parse(readFileSync(join(workspace, 'bulkhead-report.json'), 'utf8')) as {
      scanners: Array<Record<string, unknown>>;
    };
    expect(report.scanners.map((s) => [s.tool, s.origin, s.status])).toEqual([
      ['trivy', 'run', 'ok'],
      ['hadolint', 'run', 'ok'],
    ]);
    expect(first.outputs.findings).toBe(String(6 + 1));
    expect(first.summary).toMatch(/\| Trivy \| `ghcr\.io\/acme\/shop-api:pr-42` \| `0\.69\.3` \| run \(found on PATH\) \| ✅ ok \| 6 \|/);
    expect(first.summary).toMatch(/Trivy vulnerability database v2, built \S+ \(3 h old\); downloaded \(cache miss\)\./);
    // Only the two files the user asked for were added to the checkout; the database lives in $HOME.
    expect(readdirSync(workspace, { recursive: true }).sort()).toEqual([...before, 'bulkhead-report.json', 'bulkhead.sarif'].sort());
    expect(server.entries.filter((e) => e.committed).map((e) => e.key)).toEqual([
      expect.stringMatching(/^bulkhead-trivy-db-v2-linux-x64-/),
    ]);

    rmSync(home, { recursive: true, force: true });
    const second = await runAction(inputs, { workspace, env });
    expect(second.stdout).toMatch(/^Trivy's database cache hit: bulkhead-trivy-db-v2-linux-x64-\d{4}-\d{2}-\d{2}\.$/m);
    expect(second.stdout).not.toMatch(/Saved Trivy's database/);
    expect(server.entries.filter((e) => e.committed)).toHaveLength(1);
  });

  it('keeps the Java database in its own cache entry, saved only by a run whose image had JARs', async () => {
    const javaRoot = tempDir('bulkhead-action-java-');
    const java = writeStandins(javaRoot, {
      argvLog: join(javaRoot, 'argv.log'),
      trivy: { '*': { fixture: fixture('trivy', 'alpine-39.json'), javaArchives: true } },
      hadolint: { '*': { fixture: fixture('hadolint', 'ts-cr__test_trivy__662caa5', 'hadolint_report.json') } },
    });
    const javaServer = new CacheServer();
    await javaServer.start();
    try {
      const javaHome = join(javaRoot, 'home');
      const javaEnv = {
        ...env,
        ...java.env,
        PATH: `${java.binDir}:${process.env.PATH ?? ''}`,
        HOME: javaHome,
        ACTIONS_CACHE_URL: javaServer.url,
      };
      const javaDbRuns = () =>
        readFileSync(join(javaRoot, 'argv.log'), 'utf8')
          .split('\n')
          .filter((l) => l.includes('--download-java-db-only')).length;
      const first = await runAction(inputs, { workspace: exampleWorkspace(), env: javaEnv });
      expect(first.status).toBe(1);
      expect(first.stdout).toMatch(
        /^Trivy's Java database cache miss \(bulkhead-trivy-java-db-v1-linux-x64-\d{4}-\d{2}-\d{2}\): Trivy downloads it if an image has Java archives\.$/m,
      );
      expect(first.stdout).toMatch(
        /^Saved Trivy's Java database to the Actions cache: bulkhead-trivy-java-db-v1-linux-x64-\d{4}-\d{2}-\d{2}\.$/m,
      );
      expect(first.summary).toMatch(/Trivy Java database, built \S+; downloaded this run\./);
      expect(javaDbRuns()).toBe(1);
      expect(javaServer.entries.filter((e) => e.committed).map((e) => e.key.replace(/\d{4}-\d{2}-\d{2}$/, 'DAY'))).toEqual([
        'bulkhead-trivy-db-v2-linux-x64-DAY',
        'bulkhead-trivy-java-db-v1-linux-x64-DAY',
      ]);

      // The next job starts with an empty home: the Java database comes back from the cache, fresh.
      rmSync(javaHome, { recursive: true, force: true });
      const second = await runAction(inputs, { workspace: exampleWorkspace(), env: javaEnv });
      expect(second.status).toBe(1);
      expect(second.stdout).toMatch(/^Trivy's Java database cache hit: bulkhead-trivy-java-db-v1-linux-x64-/m);
      expect(second.stdout).not.toMatch(/Trivy found Java archives/);
      expect(second.summary).toMatch(/Trivy Java database, built \S+; restored from the Actions cache\./);
      // One refresh before the scans, which Trivy finds fresh; no scan fails for want of it.
      expect(javaDbRuns()).toBe(2);
      expect(javaServer.entries.filter((e) => e.committed)).toHaveLength(2);
    } finally {
      await javaServer.stop();
    }
  });

  it('with trivy-cache: false, leaves the Actions cache alone and lets Trivy download its database', async () => {
    const workspace = exampleWorkspace();
    rmSync(home, { recursive: true, force: true });
    const asked = server.requests.length;
    const run = await runAction({ ...inputs, 'trivy-cache': 'false' }, { workspace, env });
    expect(run.stdout).not.toMatch(/database cache (hit|miss)|Saved Trivy's/);
    expect(server.requests.length).toBe(asked);
    // Trivy keeps it in its own cache folder only, as the CLI does.
    expect(run.summary).toMatch(/Trivy vulnerability database v2, built \S+ \(3 h old\); local\./);
  });

  it('gates on the scan: a failing Trivy fails the step closed with its stderr in the summary', async () => {
    const broken = writeStandins(tempDir('bulkhead-broken-'), {
      argvLog: join(root, 'argv-broken.log'),
      trivy: { '*': { exitCode: 1, stderr: 'FATAL\tFatal error\trun error: image scan error: unable to find the specified image\n' } },
      hadolint: { '*': { fixture: fixture('hadolint', 'ts-cr__test_trivy__662caa5', 'hadolint_report.json') } },
    });
    const run = await runAction(inputs, { env: { ...env, ...broken.env, PATH: `${broken.binDir}:${process.env.PATH ?? ''}` } });
    expect(run.status).toBe(3);
    expect(run.outputs.verdict).toBe('fail');
    expect(run.summary).toMatch(
      /trivy failed on ghcr\.io\/acme\/shop-api:pr-42: Trivy exited with code 1: [\s\S]*unable to find the specified image/,
    );
  });
});
