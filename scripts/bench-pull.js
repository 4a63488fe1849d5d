// Registry pull benchmark (`npm run bench:pull`): pushes a ~600 MB image (four gzip layers cut
// from the test's Debian root filesystem) to a local docker-registry (distribution 2.8, plain
// HTTP on loopback), then prints bulkhead's pull-and-check time next to `skopeo copy` of the
// same image from the same registry into an OCI layout (a pull that checks nothing), as a ratio
// of medians of paired runs. Needs docker-registry, skopeo, tar and gzip, and the root
// filesystem scripts/test-docker.sh makes.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './bench-common.js';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const cache = process.env.BULKHEAD_TEST_CACHE ?? '/var/cache/bulkhead-test';
const rootfs = join(cache, 'rootfs-bookworm');
const layout = join(cache, 'bench-pull-oci');
const runs = Number(process.env.BENCH_RUNS ?? 3);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
    process.exit(1);
  }
  return result;
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const fileSha256 = (file) => run('sha256sum', [file]).stdout.split(' ')[0];

/** An OCI layout assembled directly (no engine): four layers, each the root filesystem under its own prefix. */
function prepare() {
  if (existsSync(join(layout, 'index.json'))) return;
  if (!existsSync(rootfs)) {
    console.error(`${rootfs} is missing; run scripts/test-docker.sh first.`);
    process.exit(1);
  }
  console.error('assembling the benchmark image (once)…');
  const blobs = join(layout, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const layers = [];
  for (const prefix of ['', 'opt/copy1', 'opt/copy2', 'opt/copy3']) {
    const tarFile = join(layout, 'layer.tar');
    const transform = prefix ? ['--transform', `s,^\\.,./${prefix},`] : [];
    run('tar', [
      '-C',
      rootfs,
      '--numeric-owner',
      '--exclude=./dev/*',
      '--exclude=./proc/*',
      '--exclude=./sys/*',
      ...transform,
      '-cf',
      tarFile,
      '.',
    ]);
    const diffId = fileSha256(tarFile);
    run('gzip', ['-1', '-f', tarFile]);
    const digest = fileSha256(`${tarFile}.gz`);
    const size = statSync(`${tarFile}.gz`).size;
    renameSync(`${tarFile}.gz`, join(blobs, digest));
    layers.push({ diffId, digest, size });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/bash'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${l.diffId}`) },
      history: layers.map((_, i) => ({ created_by: `/bin/sh -c #(nop) ADD file:rootfs${i} in /` })),
    }),
  );
  writeFileSync(join(blobs, sha256(config)), config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha256(config)}`, size: config.length },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${l.digest}`, size: l.size })),
    }),
  );
  writeFileSync(join(blobs, sha256(manifest)), manifest);
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: `sha256:${sha256(manifest)}`,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': 'big' },
        },
      ],
    }),
  );
}

function freePort() {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function startRegistry(dir) {
  const port = await freePort();
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const log = openSync(join(dir, 'registry.log'), 'a');
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', log, log] });
  closeSync(log);
  for (let i = 0; i < 100; i++) {
    try {
      const answer = await globalThis.fetch(`http://127.0.0.1:${port}/v2/`);
      if (answer.ok) return { host: `127.0.0.1:${port}`, child };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  console.error(`docker-registry did not start:\n${readFileSync(join(dir, 'registry.log'), 'utf8')}`);
  process.exit(1);
}

function timed(command, args, env = process.env) {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
    process.exit(1);
  }
  return { seconds, rssMb: Number(result.stderr.trim().split('\n').pop()) / 1024, stdout: result.stdout };
}

prepare();
const work = mkdtempSync(join(tmpdir(), 'bulkhead-bench-pull-'));
const registry = await startRegistry(work);
try {
  const reference = `${registry.host}/bench/big:1`;
  run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:big`, `docker://${reference}`]);
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', index.manifests[0].digest.split(':')[1]), 'utf8'));
  const compressed = manifest.layers.reduce((sum, l) => sum + l.size, 0);
  const bulkheadRuns = [];
  const skopeoRuns = [];
  const localRuns = [];
  const scan = (image, extra = []) =>
    timed(process.execPath, [
      join(root, 'dist/cli/index.js'),
      'scan',
      '--image',
      image,
      ...extra,
      '--tools',
      'bulkhead',
      '--fail-on',
      'none',
      '--format',
      'json',
      '--sarif',
      join(work, 'b.sarif'),
      '--report',
      join(work, 'b.json'),
    ]);
  for (let i = 0; i < runs; i++) {
    const dest = join(work, `skopeo-${i}`);
    skopeoRuns.push(timed('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${reference}`, `oci:${dest}:big`]));
    rmSync(dest, { recursive: true, force: true });
    bulkheadRuns.push(scan(`docker://${reference}`, ['--registry-insecure', registry.host]));
    localRuns.push(scan(`oci:${layout}:big`));
  }
  const b = median(bulkheadRuns.map((r) => r.seconds));
  const s = median(skopeoRuns.map((r) => r.seconds));
  const findings = JSON.parse(bulkheadRuns[0].stdout).counts.findings;
  console.log(
    `image: ${manifest.layers.length} gzip layers, ${(compressed / 1e6).toFixed(0)} MB compressed, ${findings} built-in findings; ${runs} paired runs, medians`,
  );
  console.log(
    `skopeo copy docker:// → oci: (pull only):        ${s.toFixed(2)} s  peak RSS ${median(skopeoRuns.map((r) => r.rssMb)).toFixed(0)} MB`,
  );
  const l = median(localRuns.map((r) => r.seconds));
  console.log(
    `bulkhead scan docker:// (pull, verify, check):   ${b.toFixed(2)} s  peak RSS ${median(bulkheadRuns.map((r) => r.rssMb)).toFixed(0)} MB  ratio to skopeo ${(b / s).toFixed(2)}`,
  );
  console.log(`bulkhead scan oci: (same image, already local):  ${l.toFixed(2)} s  (the check alone; see npm run bench:image)`);
  console.log(`the pull's own cost: ${(b - l).toFixed(2)} s, ratio to skopeo's pull ${((b - l) / s).toFixed(2)}`);
} finally {
  registry.child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
