import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/image/read.js';
import { checkImage, contentWanted, imageSubject, scanDockerfile } from '../../src/scanners/builtin/index.js';
import { parseImageTarget } from '../../src/config/targets.js';
import { runCli } from '../../src/cli/run.js';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT, tempDir } from '../helpers.js';
import { imageConfig, layer as handLayer, writeOciLayout } from '../support/images.js';
import {
  makeTestCa,
  pushWithSkopeo,
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  registryAvailable,
  startDistribution,
  startTokenService,
  type RealRegistry,
  type TestCa,
} from '../support/realRegistry.js';
import { docker, dockerAsync, testDocker } from '../support/docker.js';
import { multitoolProblems, schemaErrors } from '../support/sarif.js';
import { tar } from '../support/tarWriter.js';

/**
 * Real images, built by a real Docker engine (classic builder, --network=none) on a Debian
 * minbase root filesystem, read through every source: the daemon (docker save streamed),
 * docker-archive, and OCI layout and archive made by skopeo.
 */

const env = testDocker();
const NODE24 = join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node');
const pem = (type: 'ec' | 'ed25519') =>
  (type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519')).privateKey
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
const NPM_TOKEN = `npm_${'a1B2c3D4e5'.repeat(3)}Zy9X8w`;
const DB_PASSWORD = 's3cr3t-Hunter2-prod';
const AWS_SECRET = 'q8Jr3Lk2Vn7Tz1Wp4Xs6Yd9Fb0Hc5Gm2Nq7Re3Ut';

const risky = (port: number) => `FROM bulkhead-test/bookworm:minbase
ARG NPM_TOKEN
ENV DB_PASSWORD=${DB_PASSWORD}
RUN echo "token of \${#NPM_TOKEN} characters" >/dev/null
RUN (curl -fsSL https://get.example.invalid/install.sh | sh) || true
EXPOSE 22 8080
COPY id_ecdsa /root/.ssh/id_ecdsa
COPY ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key
COPY aws-credentials /root/.aws/credentials
COPY server.key /tmp/server.key
RUN rm /tmp/server.key
COPY repo-git /srv/app/.git
RUN mkdir -p /srv/app/uploads && chmod 0777 /srv/app/uploads \\
 && useradd -o -u 0 -M toor && useradd -m -u 1000 dev && passwd -d dev && useradd -o -u 1000 -M dev2 \\
 && mkdir -p /etc/sudoers.d && echo 'dev ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/dev \\
 && mkdir -p /var/lib/apt/lists && echo cached > /var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease
ADD caps.tar /
ADD http://127.0.0.1:${port}/tool.sh /opt/tool.sh
VOLUME /var/run/docker.sock
`;

const HARDENED = `FROM bulkhead-test/bookworm:minbase
RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + \\
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app \\
 && mkdir -p /app
COPY --chown=10001:10001 app.sh /app/app.sh
HEALTHCHECK CMD ["/bin/true"]
EXPOSE 8080
USER 10001
`;

const RISKY_RULES = [
  'BH101',
  'BH102',
  'BH103',
  'BH104',
  'BH105',
  'BH107',
  'BH108',
  'BH201',
  'BH202',
  'BH203',
  'BH204',
  'BH205',
  'BH206',
  'BH207',
  'BH208',
  'BH209',
  'BH210',
  'BH211',
  'BH212',
  'BH213',
];

function buildContext(dockerfile: string, files: Record<string, string | Buffer>): string {
  const dir = tempDir('bulkhead-build-');
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

async function rulesOf(input: string): Promise<{ rules: string[]; text: string }> {
  const model = await readImage(parseImageTarget(input), { wanted: contentWanted, platform: 'linux/amd64' });
  const findings = await checkImage(await imageSubject(input, 'test', model));
  return { rules: [...new Set(findings.map((f) => f.ruleId))].sort(), text: JSON.stringify(findings) };
}

describe.skipIf(!env.host)('real images from a real Docker engine', () => {
  const host = env.host as string;
  const out = tempDir('bulkhead-images-');
  let riskyContext = '';
  let RISKY = '';

  beforeAll(async () => {
    // ADD from a URL: the daemon fetches it (builds have no network, the engine has loopback).
    const server = createServer((_request, response) => response.end('#!/bin/sh\necho tool\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    RISKY = risky((server.address() as AddressInfo).port);
    riskyContext = buildContext(RISKY, {
      id_ecdsa: pem('ec'),
      ssh_host_ed25519_key: pem('ed25519'),
      'aws-credentials': `[default]\naws_access_key_id = AKIAZ7QWERTYUIOPASDF\naws_secret_access_key = ${AWS_SECRET}\n`,
      'server.key': pem('ec'),
      'repo-git/HEAD': 'ref: refs/heads/main\n',
      'repo-git/config': '[core]\n\tbare = false\n',
      'caps.tar': tar([
        {
          name: 'usr/local/bin/pinger',
          body: '#!/bin/sh\n',
          mode: 0o755,
          pax: { 'SCHILY.xattr.security.capability': Buffer.from('0100000200200000000000000000000000000000', 'hex') },
        },
      ]),
    });
    try {
      await dockerAsync(host, [
        'build',
        '--network=none',
        '-q',
        '--build-arg',
        `NPM_TOKEN=${NPM_TOKEN}`,
        '-t',
        'bulkhead-test/risky:1',
        riskyContext,
      ]);
    } finally {
      server.close();
    }
    docker(host, [
      'build',
      '--network=none',
      '-q',
      '-t',
      'bulkhead-test/hardened:1',
      buildContext(HARDENED, { 'app.sh': '#!/bin/sh\necho ok\n' }),
    ]);
    for (const name of ['risky', 'hardened']) {
      docker(host, ['save', '-o', join(out, `${name}.tar`), `bulkhead-test/${name}:1`]);
      for (const dest of [`oci:${join(out, `${name}-oci`)}:${name}`, `oci-archive:${join(out, `${name}.oci.tar`)}:${name}`]) {
        const copy = spawnSync('skopeo', ['copy', '--quiet', '--src-daemon-host', host, `docker-daemon:bulkhead-test/${name}:1`, dest], {
          encoding: 'utf8',
        });
        if (copy.status !== 0) throw new Error(`skopeo copy to ${dest} failed: ${copy.stderr}`);
      }
    }
  }, 600_000);

  const sources = (name: string) => [
    `docker-daemon:bulkhead-test/${name}:1`,
    `docker-archive:${join(out, `${name}.tar`)}`,
    `oci:${join(out, `${name}-oci`)}:${name}`,
    `oci-archive:${join(out, `${name}.oci.tar`)}:${name}`,
  ];

  it('the risky image triggers every image rule it was built to, through each of the four sources', async () => {
    process.env.DOCKER_HOST = host;
    for (const input of sources('risky')) {
      const { rules, text } = await rulesOf(input);
      expect(rules, input).toEqual(RISKY_RULES);
      for (const secret of [NPM_TOKEN, DB_PASSWORD, AWS_SECRET]) expect(text, `${input} leaks a secret`).not.toContain(secret);
    }
  });

  it('the hardened image triggers nothing, through each of the four sources', async () => {
    process.env.DOCKER_HOST = host;
    for (const input of sources('hardened')) {
      // skopeo converts the config to an OCI image config, which has no HEALTHCHECK field: the OCI copies really have none.
      const expected = input.startsWith('oci') ? ['BH102'] : [];
      expect((await rulesOf(input)).rules, input).toEqual(expected);
    }
  });

  it('the CLI gates on the risky image read from the daemon, with a SARIF log GitHub accepts and no secret in any file', async () => {
    const workspace = tempDir('bulkhead-ws-');
    writeFileSync(join(workspace, 'Dockerfile'), RISKY);
    let stdout = '';
    const code = await runCli(['scan', '--image', 'bulkhead-test/risky:1', '--dockerfile', 'Dockerfile', '--tools', 'bulkhead'], {
      stdout: (t) => (stdout += t),
      stderr: () => undefined,
      cwd: workspace,
      env: { DOCKER_HOST: host, PATH: process.env.PATH ?? '' },
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL: \d+ findings? at or above high/);
    const sarif = JSON.parse(readFileSync(join(workspace, 'bulkhead.sarif'), 'utf8'));
    expect(schemaErrors(sarif)).toEqual([]);
    expect(multitoolProblems({ 'risky.sarif': sarif })).toEqual([]);
    const results = sarif.runs.flatMap(
      (r: {
        results: {
          ruleId: string;
          message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
        }[];
      }) => r.results,
    );
    const bh109 = results.find((r: { ruleId: string }) => r.ruleId === 'BH109');
    expect(bh109?.locations[0].physicalLocation.region.startLine).toBe(1);
    // Image findings sit on the line that made their layer; config findings on the FROM line.
    const copyLine = RISKY.split('\n').findIndex((l) => l.startsWith('COPY id_ecdsa')) + 1;
    const key = results.find((r: { ruleId: string }) => r.ruleId === 'BH204');
    expect(key?.locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: 'Dockerfile' }, region: { startLine: copyLine } });
    expect(key?.message.text).toContain(`Came in with \`COPY id_ecdsa /root/.ssh/id_ecdsa\` at Dockerfile:${copyLine}`);
    expect(results.find((r: { ruleId: string }) => r.ruleId === 'BH101')?.locations[0].physicalLocation.region.startLine).toBe(1);
    const rule = sarif.runs
      .flatMap((r: { tool: { driver: { rules: { id: string; help: { markdown: string } }[] } } }) => r.tool.driver.rules)
      .find((r: { id: string }) => r.id === 'BH206');
    expect(rule?.help.markdown).toContain('BuildKit secret mount');
    for (const file of ['bulkhead.sarif', 'bulkhead-report.json']) {
      const text = readFileSync(join(workspace, file), 'utf8');
      for (const secret of [NPM_TOKEN, DB_PASSWORD, AWS_SECRET]) expect(text, `${file} leaks a secret`).not.toContain(secret);
    }
    expect((await scanDockerfile('Dockerfile', workspace)).findings.map((f) => [f.ruleId, f.line])).toEqual([
      ['BH109', 1],
      ['BH106', RISKY.split('\n').findIndex((l) => l.startsWith('ADD http')) + 1],
    ]);
  });

  describe.skipIf(!registryAvailable())('pushed to a real registry (distribution 2.8, TLS, auth) and pulled without Docker', () => {
    const ca = registryAvailable() ? makeTestCa() : undefined;
    let basic: RealRegistry | undefined;
    let tokened: RealRegistry | undefined;
    let tokens: Awaited<ReturnType<typeof startTokenService>> | undefined;

    beforeAll(async () => {
      const trust = ca as TestCa;
      basic = await startDistribution(trust, { kind: 'htpasswd' });
      tokens = await startTokenService(trust, 'bulkhead-registry', 'bulkhead-test-issuer');
      tokened = await startDistribution(trust, {
        kind: 'token',
        realm: tokens.realm,
        service: 'bulkhead-registry',
        issuer: 'bulkhead-test-issuer',
      });
      for (const registry of [basic, tokened])
        await pushWithSkopeo(trust, `docker-archive:${join(out, 'risky.tar')}`, `docker://${registry.host}/acme/risky:1`);
      // A multi-platform index, as buildx pushes one (attestation manifests are in the fast suite).
      const layout = join(tempDir('bulkhead-multi-'), 'layout');
      const platformImage = (arch: string) => {
        const layers = [
          handLayer(
            [
              { name: 'etc/', type: 'dir' },
              { name: 'etc/arch', body: arch },
              { name: `usr/local/bin/tool-${arch}`, body: 'ELF', mode: 0o4755 },
            ],
            gzipSync,
          ),
        ];
        return { platform: { os: 'linux', architecture: arch }, layers, config: imageConfig(layers, {}, []) };
      };
      writeOciLayout(layout, [platformImage('amd64'), platformImage('arm64')], 'multi');
      await pushWithSkopeo(trust, `oci:${layout}:multi`, `docker://${basic.host}/acme/multi:1`, ['--all']);
    }, 600_000);

    afterAll(async () => {
      await basic?.close();
      await tokened?.close();
      await tokens?.close();
    });

    /** The built CLI as a user runs it: the test CA trusted through NODE_EXTRA_CA_CERTS, the credentials in the environment, nothing on PATH (no docker). */
    const emptyPath = tempDir('bulkhead-empty-path-');
    const cliRun = (workspace: string, args: string[], extraEnv: Record<string, string> = {}) =>
      // Async: the token service answers from this process.
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(NODE24, [join(REPO_ROOT, 'bin', 'bulkhead.js'), ...args], {
          cwd: workspace,
          timeout: 300_000,
          env: { PATH: emptyPath, HOME: workspace, NODE_EXTRA_CA_CERTS: (ca as TestCa).caFile, ...extraEnv },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    type Found = { ruleId: string; severity: string; file?: string; line?: number; path?: string; layer?: number; message: string };
    const findingsOf = (stdout: string, image: string) =>
      (JSON.parse(stdout) as { decisions: { finding: Found }[] }).decisions
        .map(({ finding: f }) => [f.ruleId, f.severity, f.file, f.line, f.path, f.layer, f.message.replaceAll(image, 'IMAGE')])
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

    it('gives the same findings, layers and Dockerfile lines as docker-archive:, with Basic auth and with a Bearer token', async () => {
      const workspace = tempDir('bulkhead-ws-');
      writeFileSync(join(workspace, 'Dockerfile'), RISKY);
      const scanArgs = (image: string) => [
        'scan',
        '--image',
        image,
        '--dockerfile',
        'Dockerfile',
        '--tools',
        'bulkhead',
        '--format',
        'json',
        '--fail-on',
        'none',
      ];
      const archiveImage = `docker-archive:${join(out, 'risky.tar')}`;
      const fromArchive = await cliRun(workspace, scanArgs(archiveImage));
      expect(fromArchive.code, fromArchive.stderr).toBe(0);
      const expected = findingsOf(fromArchive.stdout, archiveImage);
      expect(expected.filter((f) => f[2] === 'Dockerfile' && typeof f[3] === 'number' && f[3] > 1).length).toBeGreaterThan(3);
      const creds = { REGISTRY_USERNAME: REGISTRY_USER, REGISTRY_PASSWORD };
      for (const registry of [basic as RealRegistry, tokened as RealRegistry]) {
        const image = `docker://${registry.host}/acme/risky:1`;
        const denied = await cliRun(workspace, scanArgs(image));
        expect(denied.code, denied.stderr).not.toBe(0);
        expect(denied.stdout).toMatch(/refused (access|a token)|needs a user name and password/);
        const pulled = await cliRun(workspace, scanArgs(image), creds);
        if (pulled.code !== 0) writeFileSync(`/tmp/reg-${registry.host.replace(':', '-')}.log`, registry.log());
        expect(pulled.code, pulled.stderr).toBe(0);
        expect(findingsOf(pulled.stdout, image)).toEqual(expected);
        for (const text of [
          pulled.stdout,
          pulled.stderr,
          readFileSync(join(workspace, 'bulkhead-report.json'), 'utf8'),
          readFileSync(join(workspace, 'bulkhead.sarif'), 'utf8'),
        ])
          expect(text).not.toContain(REGISTRY_PASSWORD);
      }
      // The token service was asked for the pull scope of the repository, with the Basic credentials.
      expect(tokens?.requests.some((r) => r.scope.includes('repository:acme/risky:pull'))).toBe(true);
      // Each blob once per pull: the registry's own access log.
      const blobGets = (basic as RealRegistry).log().match(/"GET \/v2\/acme\/risky\/blobs\/sha256:[0-9a-f]{64} HTTP/g) ?? [];
      const distinct = new Set(blobGets);
      expect(blobGets.length).toBe(distinct.size);
    });

    it('chooses the platform from a multi-platform index pushed with skopeo --all', async () => {
      const workspace = tempDir('bulkhead-ws-');
      const image = `docker://${(basic as RealRegistry).host}/acme/multi:1`;
      const run = await cliRun(
        workspace,
        ['scan', '--image', image, '--tools', 'bulkhead', '--platform', 'linux/arm64', '--format', 'json', '--fail-on', 'none'],
        {
          REGISTRY_USERNAME: REGISTRY_USER,
          REGISTRY_PASSWORD,
        },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/holds images for linux\/amd64, linux\/arm64; read linux\/arm64/);
      const report = JSON.parse(run.stdout) as { decisions: { finding: Found }[] };
      // The arm64 image's own setuid file, and none of amd64's.
      const setuid = JSON.stringify(report.decisions.filter((d) => d.finding.ruleId === 'BH201'));
      expect(setuid).toContain('tool-arm64');
      expect(setuid).not.toContain('tool-amd64');
    });

    it('refuses the registry without the test CA: the TLS error is named, exit 3', async () => {
      const workspace = tempDir('bulkhead-ws-');
      const run = await cliRun(
        workspace,
        ['scan', '--image', `docker://${(basic as RealRegistry).host}/acme/risky:1`, '--tools', 'bulkhead'],
        {
          NODE_EXTRA_CA_CERTS: '/dev/null',
        },
      );
      expect(run.code).not.toBe(0);
      expect(run.stdout + run.stderr).toMatch(/signed by an unknown CA \(set NODE_EXTRA_CA_CERTS\)|could not be verified/);
    });
  });

  it('a missing daemon image is a scanner error that names docker save', async () => {
    process.env.DOCKER_HOST = host;
    await expect(
      readImage(parseImageTarget('bulkhead-test/not-built:1'), { wanted: contentWanted, platform: 'linux/amd64' }),
    ).rejects.toThrow(/docker save exited with 1/);
  });
});

if (!env.host) {
  describe('real images from a real Docker engine', () => {
    it.skip(`SKIPPED LOUDLY: ${env.unavailable}`, () => undefined);
  });
}
