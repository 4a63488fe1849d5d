// Real Trivy alone against bulkhead's whole run with that Trivy (`npm run bench:trivy`): the same
// image archive, the same fixture database, interleaved pairs (Trivy, bulkhead, Trivy, …); prints
// each pair's ratio, the medians and peak RSS. What bulkhead adds on top of the scanner it runs:
// its own image read and checks, attribution, SARIF, summary and report.
// Needs the test Docker engine (scripts/test-docker.sh) and the real tools (scripts/test-tools.sh);
// says so and exits 0 without them. Dockle is not compared: its Go module is not served here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './bench-common.js';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const cache = process.env.BULKHEAD_TEST_CACHE ?? '/var/cache/bulkhead-test';
const PAIRS = Number(process.env.BENCH_PAIRS ?? 5);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
    process.exit(1);
  }
  return result;
}

const toolLines = spawnSync('bash', [join(root, 'scripts/test-tools.sh')], { encoding: 'utf8' }).stdout;
const toolPath = (name) => /^(\S+) (\/\S+)$/m.exec(toolLines.split('\n').find((l) => l.startsWith(`${name} /`)) ?? '')?.[2];
const trivy = toolPath('trivy');
const fixtureDb = toolPath('trivy-fixture-db');
const engine = spawnSync('bash', [join(root, 'scripts/test-docker.sh')], { encoding: 'utf8' });
if (!trivy || !fixtureDb || engine.status !== 0) {
  console.log('bench:trivy skipped: it needs real Trivy and its fixture database (npm run test:tools) and the test Docker engine.');
  process.exit(0);
}
const host = engine.stdout.trim().split('\n').pop();

// The image: the test base, an npm package and a file with a token-shaped string, as the real-Trivy tests build.
const archive = join(cache, 'bench-trivy.tar');
if (!existsSync(archive)) {
  const context = join(cache, 'bench-trivy-context');
  mkdirSync(join(context, 'node_modules', 'lodash'), { recursive: true });
  writeFileSync(join(context, 'node_modules', 'lodash', 'package.json'), JSON.stringify({ name: 'lodash', version: '4.17.20' }));
  writeFileSync(join(context, 'settings.env'), `GITHUB_TOKEN=ghp_${'x'.repeat(36)}\n`);
  writeFileSync(
    join(context, 'Dockerfile'),
    [
      'FROM bulkhead-test/bookworm:minbase',
      'COPY node_modules/ /srv/app/node_modules/',
      'COPY settings.env /srv/app/settings.env',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, DOCKER_HOST: host };
  run('docker', ['build', '--network=none', '-q', '-t', 'bulkhead-bench/trivy:1', context], { env });
  run('docker', ['save', '-o', archive, 'bulkhead-bench/trivy:1'], { env });
}

const home = mkdtempSync(join(tmpdir(), 'bulkhead-bench-trivy-'));
const cacheDir = join(home, '.cache', 'bulkhead', 'trivy');
const advisories = join(home, 'advisories.yaml');
writeFileSync(
  advisories,
  [
    'advisories:',
    '  - { id: CVE-2099-1001, os: debian, release: "12", package: tar, fixed: "9:9", severity: HIGH, title: "tar: a fixture flaw" }',
    '  - { id: GHSA-fixt-ure0-0001, ecosystem: npm, package: lodash, vulnerable: ["<4.17.21"], severity: CRITICAL, title: "lodash: a fixture flaw" }',
    '',
  ].join('\n'),
);
run(fixtureDb, [advisories, cacheDir]);

function timed(command, args, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0 && result.status !== 1) {
    console.error(`${command} failed (${result.status}):\n${result.stderr}`);
    process.exit(1);
  }
  return { seconds, rssMb: Number(result.stderr.trim().split('\n').pop()) / 1024 };
}

const out = join(home, 'out');
mkdirSync(out);
const trivyAlone = () =>
  timed(trivy, [
    'image',
    '--input',
    archive,
    '--cache-dir',
    cacheDir,
    '--skip-db-update',
    '--skip-java-db-update',
    '--skip-version-check',
    '--disable-telemetry',
    '--no-progress',
    '--cache-backend',
    'memory',
    '--scanners',
    'vuln,secret',
    '--format',
    'json',
    '--output',
    join(out, 'trivy.json'),
  ]);
const bulkheadWithTrivy = () =>
  timed(
    process.execPath,
    [
      join(root, 'dist/cli/index.js'),
      'scan',
      '--image',
      `docker-archive:${archive}`,
      '--tools',
      'trivy,bulkhead',
      '--trivy-path',
      trivy,
      '--fail-on',
      'none',
      '--sarif-file',
      join(out, 'b.sarif'),
      '--report-file',
      join(out, 'b.json'),
    ],
    { HOME: home },
  );

const pairs = [];
for (let i = 0; i < PAIRS; i++) pairs.push({ trivy: trivyAlone(), bulkhead: bulkheadWithTrivy() });
rmSync(home, { recursive: true, force: true });

const fmt = (s) => `${s.toFixed(2)} s`;
console.log(`real Trivy alone vs bulkhead's whole run with it (docker-archive, ${PAIRS} interleaved pairs)`);
for (const [i, p] of pairs.entries())
  console.log(
    `  pair ${i + 1}: Trivy ${fmt(p.trivy.seconds)}, bulkhead ${fmt(p.bulkhead.seconds)}, ratio ${(p.bulkhead.seconds / p.trivy.seconds).toFixed(2)}`,
  );
const medTrivy = median(pairs.map((p) => p.trivy.seconds));
const medBulkhead = median(pairs.map((p) => p.bulkhead.seconds));
console.log(`  median: Trivy ${fmt(medTrivy)}, bulkhead ${fmt(medBulkhead)}, ratio ${(medBulkhead / medTrivy).toFixed(2)}`);
console.log(
  `  peak RSS: Trivy ${median(pairs.map((p) => p.trivy.rssMb)).toFixed(0)} MB, bulkhead's largest process ${median(pairs.map((p) => p.bulkhead.rssMb)).toFixed(0)} MB`,
);
console.log('  Dockle: not compared (its Go module is not served by the proxy the test tools come from).');
