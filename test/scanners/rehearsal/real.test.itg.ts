import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli } from '../../../src/cli/run.js';
import { REPO_ROOT, tempDir } from '../../helpers.js';
import { runAction } from '../../support/action.js';
import { docker, testDocker } from '../../support/docker.js';
import { buildImage, slimBase } from '../../support/rehearsalImages.js';

/**
 * Rehearsals on the real engine of the test setup (runc, vfs, no bridge): images that run fine,
 * write at start, chown at start, bind port 80, exit at once, never become ready, fork without
 * bound. Every test ends with no container of bulkhead's left.
 */

const env = testDocker();
const host = env.host ?? '';

const IMAGES = {
  ok: ['USER 10001', 'CMD ["sleep", "1000"]'],
  writes: [
    'RUN chown 10001 /run /var/cache',
    'USER 10001',
    'CMD ["sh", "-c", "mkdir -p /var/cache/app && echo $$ > /run/app.pid && exec sleep 1000"]',
  ],
  chown: ['CMD ["sh", "-c", "mkdir -p /tmp/app && chown 2000:2000 /tmp/app && exec sleep 1000"]'],
  port80: [
    'USER 10001',
    'CMD ["perl", "-MIO::Socket::INET", "-e", "IO::Socket::INET->new(LocalPort => 80, Listen => 1) or die qq(bind: $!\\n); sleep 1000"]',
  ],
  exits: ['USER 10001', 'CMD ["sh", "-c", "echo starting; echo API_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789; exit 3"]'],
  neverReady: ['USER 10001', 'CMD ["sleep", "1000"]'],
  forks: ['USER 10001', 'CMD ["sh", "-c", "f() { f | f & }; f; sleep 1000"]'],
  ready: [
    'USER 10001',
    'HEALTHCHECK --interval=30s CMD ["cat", "/tmp/ready"]',
    'CMD ["sh", "-c", "sleep 1; echo READY; echo ok > /tmp/ready; exec sleep 1000"]',
  ],
} as const;

type ImageName = keyof typeof IMAGES;
const tag = (name: ImageName) => `bulkhead-test/rehearse-${name.toLowerCase()}:1`;

interface Report {
  decisions: { finding: { ruleId: string; message: string; severity: string } }[];
  rehearsals: {
    image: string;
    verdict: string;
    breaks: string[];
    capabilities: string[];
    volumes: string[];
    written: string[];
    logTail: string[];
    notes: string[];
    elapsedMs: number;
    fragments: { kubernetes: string; compose: string; verified: boolean };
    verified?: { profile: string; capabilities?: string[]; processes: { uid: string }[] };
  }[];
  scanners: { status: string; error: string | null }[];
}

function leftovers(): string[] {
  return docker(host, ['ps', '--all', '--quiet', '--filter', 'label=bulkhead.rehearsal']).stdout.split('\n').filter(Boolean);
}

async function rehearseCli(
  name: ImageName,
  extra: string[] = [],
): Promise<{ code: number; report: Report; stdout: string; stderr: string }> {
  const workspace = tempDir('bulkhead-rehearse-ws-');
  let stdout = '';
  let stderr = '';
  const code = await runCli(['scan', '--image', tag(name), '--tools', 'bulkhead', '--no-color', ...extra], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: workspace,
    env: { DOCKER_HOST: host, PATH: process.env.PATH ?? '', HOME: workspace },
  });
  return { code, report: JSON.parse(readFileSync(join(workspace, 'bulkhead-report.json'), 'utf8')) as Report, stdout, stderr };
}

const rules = (report: Report) => report.decisions.map((d) => d.finding.ruleId).filter((id) => id.startsWith('BH4'));

describe.skipIf(!env.host)('rehearsal on the real engine', () => {
  beforeAll(() => {
    slimBase(host);
    for (const name of Object.keys(IMAGES) as ImageName[]) buildImage(host, tag(name), IMAGES[name]);
  }, 300_000);

  it('an image that runs read-only as non-root gets no finding, and its capabilities and processes are shown', async () => {
    const { code, report } = await rehearseCli('ok', ['--rehearse', '3s']);
    expect(code).toBe(0);
    expect(rules(report)).toEqual([]);
    const [rehearsal] = report.rehearsals;
    expect(rehearsal?.verdict).toBe('hardened');
    expect(rehearsal?.verified?.capabilities).toEqual([]);
    expect(rehearsal?.verified?.processes.map((p) => p.uid)).toEqual(['10001']);
    expect(rehearsal?.fragments.verified).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it('an image that writes at start: BH401 and BH402 with its paths, and the rehearsed Compose fragment really starts it read-only', async () => {
    const { report } = await rehearseCli('writes', ['--rehearse', '5s']);
    expect(rules(report)).toEqual(['BH401', 'BH402']);
    const [rehearsal] = report.rehearsals;
    expect(rehearsal?.volumes).toEqual(['/run', '/var/cache']);
    expect(rehearsal?.written).toEqual(['/run/app.pid', '/var/cache/app']);
    expect(rehearsal?.fragments.verified).toBe(true);
    expect(rehearsal?.elapsedMs).toBeLessThanOrEqual(4 * 5000 + 3000);
    // Apply the fragment as Compose would: it must stay up read-only.
    const service = (parseYaml(rehearsal?.fragments.compose ?? '') as { services: { app: Record<string, unknown> } }).services.app;
    expect(service.read_only).toBe(true);
    const args = [
      'run',
      '--detach',
      '--label',
      'bulkhead.rehearsal=test',
      '--network',
      'none',
      '--read-only',
      '--user',
      String(service.user),
    ];
    for (const cap of service.cap_drop as string[]) args.push('--cap-drop', cap);
    for (const opt of service.security_opt as string[]) args.push('--security-opt', opt);
    for (const path of service.tmpfs as string[]) args.push('--tmpfs', path);
    const id = docker(host, [...args, tag('writes')]).stdout.trim();
    await sleep(3000);
    const running = docker(host, ['inspect', '--format', '{{.State.Running}}', id]).stdout.trim();
    docker(host, ['rm', '--force', id]);
    expect(running).toBe('true');
    expect(leftovers()).toEqual([]);
  });

  it('a manifest that runs a rehearsed image gets a suggested fix built on what the rehearsal proved', async () => {
    const workspace = tempDir('bulkhead-rehearse-manifest-');
    writeFileSync(
      join(workspace, 'deploy.yaml'),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: writes}',
        'spec:',
        '  selector: {matchLabels: {app: writes}}',
        '  template:',
        '    metadata: {labels: {app: writes}}',
        '    spec:',
        '      containers:',
        '        - name: app',
        `          image: ${tag('writes')}`,
        '',
      ].join('\n'),
    );
    writeFileSync(join(workspace, 'compose.yaml'), `services:\n  app:\n    image: ${tag('writes')}\n`);
    await runCli(['scan', '--image', tag('writes'), '--tools', 'bulkhead', '--rehearse', '4s', '--manifests', 'deploy.yaml'], {
      stdout: () => undefined,
      stderr: () => undefined,
      cwd: workspace,
      env: { DOCKER_HOST: host, PATH: process.env.PATH ?? '', HOME: workspace },
    });
    const report = JSON.parse(readFileSync(join(workspace, 'bulkhead-report.json'), 'utf8')) as {
      workloads: { platform: string; suggestion?: string }[];
    };
    const kubernetes = report.workloads.find((w) => w.platform === 'kubernetes')?.suggestion ?? '';
    expect(kubernetes).toContain('readOnlyRootFilesystem: true  # rehearsed for 4 s with an emptyDir on /tmp, /run, /var/cache');
    const compose = report.workloads.find((w) => w.platform === 'compose')?.suggestion ?? '';
    expect(compose).toContain('tmpfs: ["/tmp:uid=10001", "/run:uid=10001", "/var/cache:uid=10001"]  # rehearsed for 4 s');
    expect(leftovers()).toEqual([]);
  });

  it('a root image whose entrypoint chowns: BH404 names CHOWN, BH403 says it stays root, the profile it ran under keeps only CHOWN', async () => {
    const { report } = await rehearseCli('chown', ['--rehearse', '10s']);
    expect(rules(report).sort()).toEqual(['BH401', 'BH403', 'BH404']);
    const [rehearsal] = report.rehearsals;
    expect(rehearsal?.capabilities).toEqual(['CHOWN']);
    expect(rehearsal?.breaks).toEqual(['dropping all capabilities', 'a non-root user']);
    expect(rehearsal?.fragments.kubernetes).toContain('add: [CHOWN]');
    expect(rehearsal?.fragments.verified).toBe(true);
    expect(rehearsal?.elapsedMs).toBeLessThanOrEqual(4 * 10_000 + 3000);
    expect(leftovers()).toEqual([]);
  });

  it('an image that binds port 80 as non-root: BH404 names NET_BIND_SERVICE', async () => {
    const { report } = await rehearseCli('port80', ['--rehearse', '4s']);
    expect(rules(report)).toEqual(['BH401', 'BH404']);
    expect(report.decisions.find((d) => d.finding.ruleId === 'BH404')?.finding.message).toContain('binds a port below 1024');
    expect(report.rehearsals[0]?.fragments.kubernetes).toContain('net.ipv4.ip_unprivileged_port_start');
    expect(leftovers()).toEqual([]);
  });

  it('an image that exits at once is not blamed on the hardening, and its log lines are masked', async () => {
    const { report, stdout, stderr } = await rehearseCli('exits', ['--rehearse', '3s', '--markdown', 'summary.md']);
    expect(rules(report)).toEqual([]);
    const [rehearsal] = report.rehearsals;
    expect(rehearsal?.verdict).toBe('fails-anyway');
    expect(rehearsal?.logTail).toContain('starting');
    const all = JSON.stringify(report) + stdout + stderr;
    expect(all).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(leftovers()).toEqual([]);
  });

  it('an image that never becomes ready ends within four times the duration', async () => {
    const started = Date.now();
    const { report } = await rehearseCli('neverReady', ['--rehearse', '2s', '--rehearse-ready', 'log:^READY$']);
    expect(Date.now() - started).toBeLessThan(4 * 2000 + 6000);
    expect(['fails-anyway', 'incomplete']).toContain(report.rehearsals[0]?.verdict);
    expect(rules(report)).toEqual([]);
    expect(leftovers()).toEqual([]);
  });

  it('readiness: a log line, a command inside, or the image HEALTHCHECK (checked every second, not every 30)', async () => {
    for (const ready of [['--rehearse-ready', 'log:^READY$'], ['--rehearse-ready', 'exec:cat /tmp/ready'], []]) {
      const { report } = await rehearseCli('ready', ['--rehearse', '8s', ...ready]);
      expect(report.rehearsals[0]?.verdict).toBe('hardened');
      expect(report.rehearsals[0]?.verified?.profile).toContain('read-only root');
      expect((report.rehearsals[0] as unknown as { hardened: string }).hardened).toMatch(/^became ready after (\d{3} ms|[1-7](\.\d)? s)$/);
    }
    expect(leftovers()).toEqual([]);
  });

  it('an image that forks without bound is held by the pids limit and ends in time', async () => {
    const started = Date.now();
    const { report } = await rehearseCli('forks', ['--rehearse', '3s']);
    expect(Date.now() - started).toBeLessThan(4 * 3000 + 10_000);
    expect(report.rehearsals[0]?.verified?.processes.length ?? 0).toBeLessThanOrEqual(50);
    expect(leftovers()).toEqual([]);
    expect(docker(host, ['info', '--format', '{{.ContainersRunning}}']).stdout.trim()).toBe('0');
  });

  it('the action shows the rehearsed fragment in the job summary, and skips the rehearsal for a fork', async () => {
    const inputs = { image: tag('writes'), tools: 'bulkhead', rehearse: '4s', 'upload-sarif': 'false', comment: 'never' };
    const workspace = tempDir('bulkhead-rehearse-action-');
    writeFileSync(join(workspace, '.keep'), '');
    const run = await runAction(inputs, { workspace, env: { DOCKER_HOST: host } });
    expect(run.summary).toContain('### Rehearsal');
    expect(run.summary).toContain('securityContext it ran under (rehearsed for 4 s)');
    expect(run.summary).toContain('mountPath: /var/cache');
    const fork = await runAction(inputs, {
      workspace,
      env: { DOCKER_HOST: host },
      eventName: 'pull_request',
      event: {
        pull_request: { number: 7, head: { sha: 'b'.repeat(40), repo: { full_name: 'mallory/shop' } } },
        repository: { full_name: 'acme/shop', default_branch: 'main' },
      },
    });
    expect(fork.summary).not.toContain('### Rehearsal');
    expect(fork.stdout).toContain('The rehearsal was skipped: this pull request comes from a fork');
    expect(leftovers()).toEqual([]);
  });

  it('a cancelled run (SIGTERM) removes its containers; a killed one (SIGKILL) leaves one that the next run removes', async () => {
    const bin = join(REPO_ROOT, 'bin', 'bulkhead.js');
    const node = join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node');
    const start = () => {
      const workspace = tempDir('bulkhead-rehearse-kill-');
      return spawn(node, [bin, 'scan', '--image', tag('ok'), '--tools', 'bulkhead', '--rehearse', '30s'], {
        cwd: workspace,
        env: { DOCKER_HOST: host, PATH: process.env.PATH ?? '', HOME: workspace },
        stdio: 'ignore',
      });
    };
    const untilRunning = async () => {
      for (let i = 0; i < 200 && docker(host, ['ps', '--quiet', '--filter', 'label=bulkhead.rehearsal']).stdout.trim() === ''; i++)
        await sleep(100);
    };
    const cancelled = start();
    await untilRunning();
    expect(leftovers()).toHaveLength(1);
    const ended = new Promise((resolve) => cancelled.on('exit', (code, signal) => resolve(signal ?? code)));
    cancelled.kill('SIGTERM');
    expect(await ended).toBe('SIGTERM');
    expect(leftovers()).toEqual([]);

    const killed = start();
    await untilRunning();
    const gone = new Promise((resolve) => killed.on('exit', resolve));
    killed.kill('SIGKILL');
    await gone;
    expect(leftovers()).toHaveLength(1);
    await rehearseCli('ok', ['--rehearse', '1s']);
    expect(leftovers()).toEqual([]);
    expect(spawnSync('true').status).toBe(0);
  });
});
