import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { exampleWorkspace, runAction } from '../support/action.js';
import { CacheServer } from '../support/cacheServer.js';

const INPUTS = {
  dockerfile: 'examples/shop-api/Dockerfile',
  'trivy-report': 'examples/shop-api/trivy.json',
  'hadolint-report': 'examples/shop-api/hadolint.json',
  tools: 'trivy,hadolint',
  annotations: 'false',
};
const PUSH_EVENT = { ref: 'refs/heads/main', repository: { full_name: 'acme/shop', default_branch: 'main' } };

describe('only-new with the baseline kept in the Actions cache', () => {
  const server = new CacheServer();
  let env: Record<string, string>;
  beforeAll(async () => {
    await server.start();
    // A runner keeps its workspace and temp paths from run to run; the cache version depends on them.
    env = { ACTIONS_CACHE_URL: server.url, ACTIONS_RUNTIME_TOKEN: 'runtime-token', RUNNER_TEMP: tempDir('bulkhead-runner-temp-') };
  });
  afterAll(() => server.stop());

  it('saves on a push to the default branch, and a pull request gates only what is new', async () => {
    const workspace = exampleWorkspace();
    const main = await runAction(INPUTS, { workspace, eventName: 'push', event: PUSH_EVENT, env });
    expect(main.status).toBe(1);
    expect(main.stdout).toMatch(/Saved the baseline for pull requests: bulkhead-baseline-v1-[0-9a-f]{16}-/);
    expect(server.entries.filter((e) => e.committed)).toHaveLength(1);

    const unchanged = await runAction({ ...INPUTS, 'only-new': 'true' }, { workspace, env });
    expect(unchanged.stdout).toMatch(/Baseline cache hit: bulkhead-baseline-v1-/);
    expect(unchanged.status).toBe(0);
    expect(unchanged.summary).toMatch(
      /Compared with the baseline `cache bulkhead-baseline-v1-[0-9a-f]{16}-\d+-1`: \*\*0 new\*\*, 7 unchanged, 0 fixed\./,
    );

    const trivyPath = join(workspace, 'examples/shop-api/trivy.json');
    const document = JSON.parse(readFileSync(trivyPath, 'utf8'));
    const vulnerabilities = document.Results[0].Vulnerabilities;
    vulnerabilities.push({ ...vulnerabilities[1], VulnerabilityID: 'CVE-2026-0002', PkgName: 'openssl', Severity: 'HIGH' });
    writeFileSync(trivyPath, JSON.stringify(document));
    const changed = await runAction({ ...INPUTS, 'only-new': 'true' }, { workspace, env });
    expect(changed.status).toBe(1);
    expect(changed.stdout).toMatch(/^::error::bulkhead: 1 finding at or above high$/m);
    // Pull requests read the baseline; they never write one.
    expect(server.entries.filter((e) => e.committed)).toHaveLength(1);
  });

  it('treats a cache that cannot be reached as no baseline: every finding counts, with a warning', async () => {
    const run = await runAction(
      { ...INPUTS, 'only-new': 'true' },
      { env: { ACTIONS_CACHE_URL: 'http://127.0.0.1:9/', ACTIONS_RUNTIME_TOKEN: 't' } },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/Could not restore the baseline from the Actions cache|Baseline cache miss/);
    expect(run.summary).toContain('only-new is on but no baseline was found: every finding counts as new.');
  });

  it('does not save a baseline from a run whose scanner failed', async () => {
    const before = server.entries.length;
    const run = await runAction(
      { dockerfile: 'examples/shop-api/Dockerfile', tools: 'hadolint', 'release-mirror': 'http://127.0.0.1:2' },
      { eventName: 'push', event: PUSH_EVENT, env },
    );
    expect(run.status).toBe(3);
    expect(server.entries.length).toBe(before);
  });
});
