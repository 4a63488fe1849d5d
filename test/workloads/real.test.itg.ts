import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../src/cli/run.js';
import type { TargetsConfig } from '../../src/config/types.js';
import { readComposeFile } from '../../src/scanners/builtin/workloads.js';
import { fixture, tempDir } from '../helpers.js';
import { runActionBundle } from '../support/action.js';
import { docker, testDocker } from '../support/docker.js';
import { predictedDemoFindings } from '../support/microservicesDemo.js';
import { multitoolProblems, schemaErrors } from '../support/sarif.js';
import { tar } from '../support/tarWriter.js';
import { checkWorkloads, expectedPlaces, places } from '../support/workloads.js';

/**
 * The workload checks with the real parts around them: the action bundle as a runner starts it,
 * the CLI, `kubectl kustomize`, `docker-compose config` (Debian's docker-compose), and an image
 * built by the real Docker engine that a manifest runs.
 */

interface SarifResult {
  ruleId: string;
  level: string;
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
}

const sarifPlaces = (sarif: { runs: { results: SarifResult[] }[] }) =>
  sarif.runs
    .flatMap((r) => r.results)
    .map((r) => `${r.ruleId}@${r.locations[0]?.physicalLocation.artifactLocation.uri}:${r.locations[0]?.physicalLocation.region.startLine}`)
    .sort();

const RULE_FILES = ['risky-deployment.yaml', 'hardened-deployment.yaml', 'risky-compose.yaml', 'hardened-compose.yaml'];
const expectedAll = () =>
  [
    ...expectedPlaces(fixture('workloads', 'rules'), 'risky-deployment.yaml').all,
    ...expectedPlaces(fixture('workloads', 'rules'), 'risky-compose.yaml').all,
  ].sort();

function rulesWorkspace(): string {
  const workspace = tempDir('bulkhead-workloads-');
  for (const name of RULE_FILES) cpSync(fixture('workloads', 'rules', name), join(workspace, name));
  return workspace;
}

describe('workload rules through the action bundle and the CLI', () => {
  it('the action (node dist/index.js) puts every finding on its manifest line in SARIF and annotations, and the twins stay clean', async () => {
    const workspace = rulesWorkspace();
    const run = await runActionBundle(
      {
        manifests: 'risky-deployment.yaml\nhardened-deployment.yaml',
        compose: 'risky-compose.yaml\nhardened-compose.yaml',
        tools: 'bulkhead',
        'pod-security': 'baseline',
        'upload-sarif': 'false',
        comment: 'never',
      },
      { workspace, env: { REGISTRY: 'ghcr.io/acme' } },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    const sarif = JSON.parse(readFileSync(join(workspace, 'bulkhead.sarif'), 'utf8'));
    expect(schemaErrors(sarif)).toEqual([]);
    expect(multitoolProblems({ 'workloads.sarif': sarif })).toEqual([]);
    // Every expectation of the fixtures, plus BH320 for the Deployment below baseline; nothing on the twins.
    expect(sarifPlaces(sarif)).toEqual([...expectedAll(), 'BH320@risky-deployment.yaml:6'].sort());
    const categories = sarif.runs.map((r: { automationDetails: { id: string } }) => r.automationDetails.id);
    expect(categories).toEqual(
      expect.arrayContaining(['bulkhead/bulkhead/risky-deployment.yaml/', 'bulkhead/bulkhead/risky-compose.yaml/']),
    );
    // Annotations go on manifest lines that a finding names.
    const annotations = [...run.stdout.matchAll(/^::(error|warning) (?:title=[^,]*,)?file=([^,]+),line=(\d+)/gm)].map(
      (m) => `${m[2]}:${m[3]}`,
    );
    expect(annotations.length).toBeGreaterThan(0);
    const lines = new Set(expectedAll().map((p) => p.slice(p.indexOf('@') + 1)));
    lines.add('risky-deployment.yaml:6');
    for (const annotation of annotations) expect(lines).toContain(annotation);
    expect(run.stdout).toContain(
      '::error title=CRITICAL BH301,file=risky-deployment.yaml,line=32::Container app of Deployment risky runs privileged',
    );
    expect(run.summary).toContain(
      'Pod Security Standards: **1 of 3** Kubernetes workloads meet restricted (1 only baseline, 1 only privileged).',
    );
    expect(run.summary).toMatch(/Suggested fix for Deployment shop\/risky/);
    expect(readFileSync(join(workspace, 'bulkhead.sarif'), 'utf8') + run.summary + run.stdout).not.toContain('hunter2-but-longer');
  });

  it('the CLI gives the same results on the same files, and exit 0 on the twins alone', async () => {
    const workspace = rulesWorkspace();
    const io = {
      stdout: () => undefined,
      stderr: () => undefined,
      cwd: workspace,
      env: { PATH: process.env.PATH ?? '', REGISTRY: 'ghcr.io/acme' },
    };
    const args = [
      'scan',
      '--tools',
      'bulkhead',
      '--pod-security',
      'baseline',
      '--manifests',
      'risky-deployment.yaml',
      '--manifests',
      'hardened-deployment.yaml',
    ];
    expect(await runCli([...args, '--compose', 'risky-compose.yaml', '--compose', 'hardened-compose.yaml'], io)).toBe(1);
    const sarif = JSON.parse(readFileSync(join(workspace, 'bulkhead.sarif'), 'utf8'));
    expect(sarifPlaces(sarif)).toEqual([...expectedAll(), 'BH320@risky-deployment.yaml:6'].sort());
    expect(
      await runCli(
        [
          'scan',
          '--tools',
          'bulkhead',
          '--pod-security',
          'restricted',
          '--manifests',
          'hardened-deployment.yaml',
          '--compose',
          'hardened-compose.yaml',
          '--fail-on',
          'low',
        ],
        io,
      ),
    ).toBe(0);
  });
});

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
if (kubectl.status !== 0) console.warn('\n!!! SKIPPING the kustomize tests: kubectl is not on PATH\n');

describe.skipIf(kubectl.status !== 0)('kustomize directories, rendered by kubectl', () => {
  const DEMO = fixture('workloads', 'kubernetes', 'microservices-demo');
  it('render microservices-demo kustomize/base and put each finding on the line of the base file that defines it', async () => {
    const scan = await checkWorkloads(DEMO, {
      manifests: [{ kind: 'kustomize', path: 'kustomize/base' }],
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(scan.results.map((r) => [r.key, r.status, r.error])).toEqual([['kustomize/base', 'ok', undefined]]);
    expect(places(scan.findings, true)).toEqual(predictedDemoFindings('kustomize/base', 'low'));
  });

  it('map a field that a patch adds to its object in the base, and a failing render to an error that names kubectl', async () => {
    const workspace = tempDir('bulkhead-kustomize-');
    cpSync(join(DEMO, 'kustomize', 'base'), join(workspace, 'base'), { recursive: true });
    writeFileSync(
      join(workspace, 'kustomization.yaml'),
      'resources: [base]\nnamespace: shop\npatches:\n  - target: { kind: Deployment, name: frontend }\n    patch: |-\n      - op: add\n        path: /spec/template/spec/hostNetwork\n        value: true\n',
    );
    const scan = await checkWorkloads(workspace, { manifests: [{ kind: 'kustomize', path: '' }], env: { PATH: process.env.PATH ?? '' } });
    const hostNetwork = scan.findings.find((f) => f.ruleId === 'BH303');
    // hostNetwork is not in the base: the finding goes to the nearest field the base has (the pod spec).
    expect(`${hostNetwork?.file}:${hostNetwork?.line}`).toBe('base/frontend.yaml:31');
    expect(scan.results[0]?.workloads?.every((w) => w.namespace === 'shop')).toBe(true);
    writeFileSync(join(workspace, 'kustomization.yaml'), 'resources: [missing.yaml]\n');
    const broken = await checkWorkloads(workspace, { manifests: [{ kind: 'kustomize', path: '' }], env: { PATH: process.env.PATH ?? '' } });
    expect(broken.results[0]?.error).toMatch(/^kubectl kustomize \. exited with code 1: .*missing\.yaml/);
    const noKubectl = await checkWorkloads(workspace, { manifests: [{ kind: 'kustomize', path: '' }], env: { PATH: '/nonexistent' } });
    expect(noKubectl.results[0]?.error).toMatch(/kubectl is not on PATH/);
  });
});

const compose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
if (compose.status !== 0) console.warn('\n!!! SKIPPING the Compose comparison: docker-compose is not on PATH\n');

describe.skipIf(compose.status !== 0)('Compose interpolation, compared with docker-compose config', () => {
  const INTERPOLATION = `services:
  app:
    image: \${REGISTRY:-ghcr.io/acme}/app:\${TAG-1.0}
    user: "\${UID:-10001}"
    environment:
      - PLAIN=$HOME_DIR/x
      - DOLLARS=$$NOT_A_VAR
      - FROM_DOTENV=\${DOTENV_VALUE}
`;
  const cases = [
    'pihole-cloudflared-DoH/compose.yaml',
    'postgresql-pgadmin/compose.yaml',
    'wireguard/compose.yaml',
    'gitea-postgres/compose.yaml',
  ];

  function bulkheadView(workspace: string, file: string, env: NodeJS.ProcessEnv) {
    return readComposeFile(file, { workspace } as TargetsConfig, {
      env,
      podSecurity: 'none',
      networkPolicies: 'when-present',
      timeoutMs: 60_000,
    });
  }

  async function compare(workspace: string, file: string, env: NodeJS.ProcessEnv): Promise<void> {
    const rendered = spawnSync('docker-compose', ['-f', basename(file), 'config'], {
      cwd: join(workspace, dirname(file)),
      encoding: 'utf8',
      env: { ...env, PATH: process.env.PATH },
    });
    expect(rendered.status, rendered.stderr).toBe(0);
    const reference = parse(rendered.stdout) as {
      services: Record<string, { image?: string; user?: string; environment?: Record<string, string | null> }>;
    };
    const source = await bulkheadView(workspace, file, env);
    const services = source.yaml?.documents[0]?.get('services');
    for (const [name, service] of services?.entries() ?? []) {
      const expected = reference.services[name];
      expect(service.get('image')?.text('image'), `${file} ${name} image`).toBe(expected?.image);
      if (expected?.user !== undefined) expect(service.get('user')?.text('user')).toBe(expected.user);
      const environment: Record<string, string> = {};
      const env = service.get('environment');
      if (env?.isMap()) for (const [key, value] of env.entries()) environment[key] = value.text('environment') ?? '';
      else
        for (const item of env?.items() ?? []) {
          const text = item.text('environment') ?? '';
          if (text.includes('=')) environment[text.slice(0, text.indexOf('='))] = text.slice(text.indexOf('=') + 1);
        }
      const want = Object.fromEntries(
        Object.entries(expected?.environment ?? {})
          .filter(([, v]) => v !== null)
          .map(([k, v]) => [k, String(v).replace(/\$\$/g, '$')]),
      ); // config escapes $ again
      expect(environment, `${file} ${name} environment`).toEqual(want);
    }
  }

  it.each(cases)('%s reads as docker-compose config renders it (with its .env)', async (file) => {
    await compare(fixture('workloads', 'compose'), file, {});
  });

  // docker-compose 1.29 (Debian's) knows neither ${VAR:+…} nor nested defaults: those are tested against the specification in the fast suite.
  it('defaults, nested defaults, $$ and .env values read as docker-compose renders them; the shell wins over .env', async () => {
    const workspace = tempDir('bulkhead-interp-');
    writeFileSync(join(workspace, 'compose.yaml'), INTERPOLATION);
    writeFileSync(join(workspace, '.env'), 'DOTENV_VALUE=from-dotenv\nTAG=2.0\n');
    await compare(workspace, 'compose.yaml', { HOME_DIR: '/home/app', SET_VAR: 'x' });
    await compare(workspace, 'compose.yaml', { TAG: '3.1', UID: '2000', FALLBACK: 'shallow' });
  });
});

const env = testDocker();

describe.skipIf(!env.host)('cross-checks with an image built by the real Docker engine', () => {
  const host = env.host as string;
  const workspace = tempDir('bulkhead-xcheck-');
  beforeAll(() => {
    const context = tempDir('bulkhead-xcheck-build-');
    // A named USER, a port below 1024, a VOLUME, and a binary with cap_net_bind_service+ep.
    writeFileSync(
      join(context, 'Dockerfile'),
      'FROM bulkhead-test/bookworm:minbase\nRUN useradd --system --uid 10001 --no-create-home web\nADD caps.tar /\nEXPOSE 80\nVOLUME /var/cache/web\nUSER web\n',
    );
    writeFileSync(
      join(context, 'caps.tar'),
      tar([
        {
          name: 'usr/local/bin/web',
          body: '#!/bin/sh\n',
          mode: 0o755,
          pax: { 'SCHILY.xattr.security.capability': Buffer.from('0000000200040000000000000000000000000000', 'hex') },
        },
      ]),
    );
    docker(host, ['build', '--network=none', '-q', '-t', 'bulkhead-test/xcheck:1', context]);
    writeFileSync(
      join(workspace, 'deployment.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: web
          image: bulkhead-test/xcheck:1
          securityContext:
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
`,
    );
  }, 600_000);

  it('the CLI scans the image and the manifest together and names what would break at run time', async () => {
    let stderr = '';
    const code = await runCli(
      ['scan', '--image', 'bulkhead-test/xcheck:1', '--manifests', 'deployment.yaml', '--tools', 'bulkhead', '--fail-on', 'high'],
      {
        stdout: () => undefined,
        stderr: (text) => (stderr += text),
        cwd: workspace,
        env: { DOCKER_HOST: host, PATH: process.env.PATH ?? '' },
      },
    );
    expect(code, stderr).toBe(1);
    const report = JSON.parse(readFileSync(join(workspace, 'bulkhead-report.json'), 'utf8'));
    const cross = report.decisions
      .map((d: { finding: { ruleId: string; file?: string; line?: number; message: string } }) => d.finding)
      .filter((f: { ruleId: string }) => ['BH330', 'BH331', 'BH332'].includes(f.ruleId));
    expect(cross.map((f: { ruleId: string; line: number }) => `${f.ruleId}@${f.line}`).sort()).toEqual([
      'BH330@9',
      'BH331@16',
      'BH331@9',
      'BH332@14',
    ]);
    const messages = cross.map((f: { message: string }) => f.message).join('\n');
    expect(messages).toContain('names its user (USER web)');
    expect(messages).toContain('/usr/local/bin/web in the image bulkhead-test/xcheck:1 carries as a file capability');
    expect(messages).toContain('declares VOLUME /var/cache/web');
    expect(report.workloads[0].scannedImages).toEqual(['bulkhead-test/xcheck:1']);
    const sarif = JSON.parse(readFileSync(join(workspace, 'bulkhead.sarif'), 'utf8'));
    expect(schemaErrors(sarif)).toEqual([]);
  });
});
