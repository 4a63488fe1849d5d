import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { readImage } from '../../src/image/read.js';
import { contentWanted } from '../../src/scanners/builtin/index.js';
import { parseImageTarget } from '../../src/config/targets.js';
import { tempDir } from '../helpers.js';
import { buildkitBuild, docker, testDocker } from '../support/docker.js';
import { multitoolProblems, schemaErrors } from '../support/sarif.js';

/**
 * Real builds (classic builder), then a Trivy-shaped report whose Layer.DiffIDs are the built
 * image's own: every finding must land on the line that made its layer.
 */

const env = testDocker();

const SINGLE = [
  'FROM bulkhead-test/bookworm:minbase',
  'ENV APP_HOME=/srv',
  'RUN mkdir -p /srv/lib \\',
  "    && echo 'openssl 3.0.11' > /srv/lib/openssl.txt",
  'COPY deploy.key /tmp/deploy.key',
  'RUN rm /tmp/deploy.key && useradd -u 10001 app',
  'COPY app.txt /srv/app.txt',
  'USER 10001',
  '',
].join('\n');

const MULTI = [
  'ARG BASE=bulkhead-test/bookworm:minbase',
  'FROM ${BASE} AS build',
  'RUN mkdir /out && echo built > /out/app',
  '',
  'FROM ${BASE} AS runtime',
  'COPY --from=build /out/app /usr/local/bin/app',
  'RUN echo runtime > /etc/runtime',
  '',
  'FROM runtime',
  'USER 10001',
  '',
].join('\n');

interface Built {
  ref: string;
  diffIds: string[];
  config: unknown;
}

async function build(
  host: string,
  name: string,
  dockerfile: string,
  files: Record<string, string> = {},
  buildkit = false,
): Promise<Built & { context: string }> {
  const context = tempDir('bulkhead-attr-');
  writeFileSync(join(context, 'Dockerfile'), dockerfile);
  for (const [file, body] of Object.entries(files)) writeFileSync(join(context, file), body);
  const ref = `bulkhead-test/${name}:1`;
  if (buildkit) {
    const built = buildkitBuild(host, ['--network=none', '-q', '-t', ref, context]);
    if (!built.ok) throw new Error(`BuildKit build failed: ${built.why}`);
  } else docker(host, ['build', '--network=none', '-q', '-t', ref, context]);
  const inspected = JSON.parse(docker(host, ['image', 'inspect', ref]).stdout)[0] as { RootFS: { Layers: string[] } };
  process.env.DOCKER_HOST = host;
  const model = await readImage(parseImageTarget(ref), { wanted: contentWanted, platform: 'linux/amd64' });
  expect(model.config.diffIds).toEqual(inspected.RootFS.Layers);
  const config = {
    rootfs: { type: 'layers', diff_ids: model.config.diffIds },
    history: model.config.history.map((h) => ({ created_by: h.createdBy, ...(h.emptyLayer ? { empty_layer: true } : {}) })),
  };
  return { ref, diffIds: inspected.RootFS.Layers, config, context };
}

/** A report shaped like `trivy image --format json`, with one vulnerability per given layer. */
function trivyReport(image: Built, vulnerabilities: { id: string; layer: number; pkg: string; fixed?: string }[]): string {
  return JSON.stringify({
    SchemaVersion: 2,
    ArtifactName: image.ref,
    ArtifactType: 'container_image',
    Metadata: { DiffIDs: image.diffIds, ImageConfig: image.config, OS: { Family: 'debian', Name: '12.5' } },
    Results: [
      {
        Target: `${image.ref} (debian 12.5)`,
        Class: 'os-pkgs',
        Type: 'debian',
        Vulnerabilities: vulnerabilities.map((v) => ({
          VulnerabilityID: v.id,
          PkgName: v.pkg,
          InstalledVersion: '1.0',
          ...(v.fixed ? { FixedVersion: v.fixed, Status: 'fixed' } : { Status: 'affected' }),
          Layer: { DiffID: image.diffIds[v.layer] },
          Severity: 'HIGH',
          Title: `${v.pkg}: a flaw`,
        })),
      },
    ],
  });
}

interface SarifResultShape {
  ruleId: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
  relatedLocations?: { physicalLocation: { region: { startLine: number } } }[];
}

async function scan(
  workspace: string,
  args: string[],
): Promise<{ code: number; results: SarifResultShape[]; report: { notes: string[] } }> {
  const code = await runCli(['scan', ...args], {
    stdout: () => undefined,
    stderr: () => undefined,
    cwd: workspace,
    env: { DOCKER_HOST: env.host ?? '', PATH: process.env.PATH ?? '' },
  });
  const sarif = JSON.parse(readFileSync(join(workspace, 'bulkhead.sarif'), 'utf8'));
  expect(schemaErrors(sarif)).toEqual([]);
  expect(multitoolProblems({ 'attribution.sarif': sarif })).toEqual([]);
  return {
    code,
    results: sarif.runs.flatMap((r: { results: SarifResultShape[] }) => r.results),
    report: JSON.parse(readFileSync(join(workspace, 'bulkhead-report.json'), 'utf8')),
  };
}

const lineOf = (results: SarifResultShape[], id: string) =>
  results.find((r) => r.ruleId === id)?.locations[0]?.physicalLocation.region.startLine;

describe.skipIf(!env.host)('findings land on the Dockerfile line that caused them (real builds)', () => {
  const host = env.host as string;
  let single: Built & { context: string };
  let multi: Built & { context: string };

  beforeAll(async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    single = await build(host, 'attr-single', SINGLE, { 'deploy.key': key, 'app.txt': 'app\n' });
    multi = await build(host, 'attr-multi', MULTI);
  }, 600_000);

  it('single stage: base, RUN and COPY layers, and a key added by COPY and deleted by a later RUN', async () => {
    const workspace = tempDir('bulkhead-ws-');
    writeFileSync(join(workspace, 'Dockerfile'), SINGLE);
    // Layers: 0 base, 1 RUN mkdir (line 3), 2 COPY key (5), 3 RUN rm (6), 4 COPY app (7).
    writeFileSync(
      join(workspace, 'trivy.json'),
      trivyReport(single, [
        { id: 'CVE-2024-0001', layer: 0, pkg: 'libc6', fixed: '2.36-9+deb12u4' },
        { id: 'CVE-2024-0002', layer: 1, pkg: 'openssl', fixed: '3.0.13' },
        { id: 'CVE-2024-0003', layer: 4, pkg: 'app' },
      ]),
    );
    const { results } = await scan(workspace, [
      '--image',
      single.ref,
      '--dockerfile',
      'Dockerfile',
      '--trivy-report',
      'trivy.json',
      '--tools',
      'trivy,bulkhead',
    ]);
    expect(lineOf(results, 'CVE-2024-0001')).toBe(1);
    expect(lineOf(results, 'CVE-2024-0002')).toBe(3);
    expect(lineOf(results, 'CVE-2024-0003')).toBe(7);
    expect(results.find((r) => r.ruleId === 'CVE-2024-0002')?.message.text).toContain(
      "Came in with `RUN mkdir -p /srv/lib && echo 'openssl 3.0.11' > /srv/lib/openssl.txt` at Dockerfile:3",
    );
    expect(results.find((r) => r.ruleId === 'CVE-2024-0001')?.message.text).toContain(
      'From the base image bulkhead-test/bookworm:minbase (Dockerfile:1)',
    );
    const hidden = results.find((r) => r.ruleId === 'BH206');
    expect(hidden?.locations[0]?.physicalLocation.region.startLine).toBe(5);
    expect(hidden?.relatedLocations?.map((l) => l.physicalLocation.region.startLine)).toEqual([6]);
    expect(hidden?.message.text).toMatch(/Deleted by `RUN rm \/tmp\/deploy\.key && useradd -u 10001 app` at Dockerfile:6/);
    // Config findings (no layer) stay on the final FROM line.
    expect(lineOf(results, 'BH102')).toBe(1);
  });

  it('multi-stage: COPY --from lands on the COPY line and names the builder stage; ARG FROM resolves the base', async () => {
    const workspace = tempDir('bulkhead-ws-');
    writeFileSync(join(workspace, 'Dockerfile'), MULTI);
    // Layers: 0 base, 1 COPY --from=build (line 6), 2 RUN echo runtime (line 7).
    writeFileSync(
      join(workspace, 'trivy.json'),
      trivyReport(multi, [
        { id: 'CVE-2024-0010', layer: 0, pkg: 'libc6', fixed: '2.36-9+deb12u4' },
        { id: 'CVE-2024-0011', layer: 1, pkg: 'app', fixed: '2.0' },
        { id: 'CVE-2024-0012', layer: 2, pkg: 'runtime' },
      ]),
    );
    const { results } = await scan(workspace, [
      '--image',
      multi.ref,
      '--dockerfile',
      'Dockerfile',
      '--trivy-report',
      'trivy.json',
      '--tools',
      'trivy',
    ]);
    expect([lineOf(results, 'CVE-2024-0010'), lineOf(results, 'CVE-2024-0011'), lineOf(results, 'CVE-2024-0012')]).toEqual([5, 6, 7]);
    expect(results.find((r) => r.ruleId === 'CVE-2024-0011')?.message.text).toContain('in stage runtime, copied from stage build');
    expect(results.find((r) => r.ruleId === 'CVE-2024-0010')?.message.text).toContain('From the base image bulkhead-test/bookworm:minbase');
  });

  it("BuildKit (the engine's own, driven by Debian's 20.10 client): the same multi-stage Dockerfile lands on the same lines", async () => {
    const probe = buildkitBuild(host, ['--network=none', '-q', '-t', 'bulkhead-test/bk-probe:1', single.context]);
    if (!probe.ok) {
      console.warn(`\n!!! SKIPPING the BuildKit attribution case: ${probe.why}\n`);
      return;
    }
    const bk = await build(host, 'attr-multi-bk', MULTI, {}, true);
    const workspace = tempDir('bulkhead-ws-');
    writeFileSync(join(workspace, 'Dockerfile'), MULTI);
    writeFileSync(
      join(workspace, 'trivy.json'),
      trivyReport(
        bk,
        bk.diffIds.map((_, i) => ({ id: `CVE-2024-01${i}0`, layer: i, pkg: `p${i}`, fixed: '9' })),
      ),
    );
    const { results } = await scan(workspace, [
      '--image',
      bk.ref,
      '--dockerfile',
      'Dockerfile',
      '--trivy-report',
      'trivy.json',
      '--tools',
      'trivy',
    ]);
    const history = (bk.config as { history: { created_by: string }[] }).history.map((h) => h.created_by);
    expect(history.some((h) => h.endsWith('# buildkit'))).toBe(true);
    // Layers: the base, COPY --from=build (line 6), RUN echo runtime (line 7).
    expect(bk.diffIds.map((_, i) => lineOf(results, `CVE-2024-01${i}0`))).toEqual([5, 6, 7]);
  });

  it('a Dockerfile edited after the build is detected: said once, and findings fall back to the FROM line', async () => {
    const workspace = tempDir('bulkhead-ws-');
    writeFileSync(join(workspace, 'Dockerfile'), SINGLE.replace('useradd -u 10001 app', 'useradd -u 10002 app'));
    writeFileSync(join(workspace, 'trivy.json'), trivyReport(single, [{ id: 'CVE-2024-0002', layer: 1, pkg: 'openssl', fixed: '3.0.13' }]));
    const { results, report } = await scan(workspace, [
      '--image',
      single.ref,
      '--dockerfile',
      'Dockerfile',
      '--trivy-report',
      'trivy.json',
      '--tools',
      'trivy',
    ]);
    expect(lineOf(results, 'CVE-2024-0002')).toBe(1);
    expect(report.notes.filter((n) => n.includes('does not match the image'))).toHaveLength(1);
  });
});

if (!env.host) {
  describe('findings land on the Dockerfile line that caused them (real builds)', () => {
    it.skip(`SKIPPED LOUDLY: ${env.unavailable}`, () => undefined);
  });
}
