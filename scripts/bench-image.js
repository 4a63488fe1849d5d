// Image-reading benchmark (`npm run bench:image`): builds or reuses a ≥ 500 MB image as an OCI
// layout with gzip layers, then prints bulkhead's read-and-check time and peak RSS next to
// `gzip -dc | tar -t` over the same layers (the practical floor) and their ratio.
// Needs root and the test Docker engine (scripts/test-docker.sh), skopeo and gzip.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const cache = process.env.BULKHEAD_TEST_CACHE ?? '/var/cache/bulkhead-test';
const layout = join(cache, 'bench-oci');
const archive = join(cache, 'bench.oci.tar');
const image = 'bulkhead-bench/big:1';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
    process.exit(1);
  }
  return result;
}

function prepare() {
  if (existsSync(join(layout, 'index.json'))) {
    if (!existsSync(archive)) run('skopeo', ['copy', '--quiet', `oci:${layout}:big`, `oci-archive:${archive}:big`]);
    return;
  }
  const host = run('bash', [join(root, 'scripts/test-docker.sh')])
    .stdout.trim()
    .split('\n')
    .pop();
  const env = { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '0' };
  const context = join(cache, 'bench-context');
  mkdirSync(context, { recursive: true });
  // Many small files (four copies of /usr) and some incompressible bulk, in several layers.
  writeFileSync(
    join(context, 'Dockerfile'),
    [
      'FROM bulkhead-test/bookworm:minbase',
      'RUN cp -a /usr /opt/usr1 && cp -a /usr /opt/usr2',
      'RUN cp -a /usr /opt/usr3 && cp -a /usr /opt/usr4',
      'RUN head -c 150000000 /dev/urandom > /opt/random.bin',
      'RUN find /opt/usr4 -name "*.so*" -delete',
      '',
    ].join('\n'),
  );
  console.error('building the benchmark image (once)…');
  run('docker', ['build', '--network=none', '-q', '-t', image, context], { env });
  run('skopeo', ['copy', '--quiet', '--src-daemon-host', host, `docker-daemon:${image}`, `oci:${layout}:big`]);
  run('skopeo', ['copy', '--quiet', `oci:${layout}:big`, `oci-archive:${archive}:big`]);
}

function layerBlobs() {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const manifestDigest = index.manifests[0].digest.split(':')[1];
  const manifest = JSON.parse(readFileSync(join(layout, 'blobs/sha256', manifestDigest), 'utf8'));
  return manifest.layers.map((l) => join(layout, 'blobs/sha256', l.digest.split(':')[1]));
}

function timed(command, args) {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0 && result.status !== 1) {
    console.error(`${command} failed:\n${result.stderr}`);
    process.exit(1);
  }
  const rssKb = Number(result.stderr.trim().split('\n').pop());
  return { seconds, rssMb: rssKb / 1024, stdout: result.stdout };
}

prepare();
const blobs = layerBlobs();
const compressed = blobs.reduce((sum, b) => sum + statSync(b).size, 0);
const uncompressed = Number(run('bash', ['-c', `cat ${blobs.map((b) => `'${b}'`).join(' ')} | gzip -dc | wc -c`]).stdout.trim());

// The floor: decompress and list every layer, one after the other, as bulkhead does.
const floor = timed('bash', ['-c', blobs.map((b) => `gzip -dc '${b}' | tar -t > /dev/null`).join(' && ')]);
const workspace = join(cache, 'bench-ws');
mkdirSync(workspace, { recursive: true });
const node = process.execPath;
const scan = (input) =>
  timed(node, [
    join(root, 'dist/cli/index.js'),
    'scan',
    '--image',
    input,
    '--tools',
    'bulkhead',
    '--fail-on',
    'none',
    '--format',
    'json',
    '--sarif',
    join(workspace, 'b.sarif'),
    '--report',
    join(workspace, 'b.json'),
  ]);
const fromLayout = scan(`oci:${layout}:big`);
const fromArchive = scan(`oci-archive:${archive}:big`);
const findings = JSON.parse(fromLayout.stdout).counts.findings;

const mb = (n) => (n / 1e6).toFixed(0);
console.log(
  `image: ${blobs.length} gzip layers, ${mb(compressed)} MB compressed, ${mb(uncompressed)} MB uncompressed, ${findings} built-in findings`,
);
console.log(`gzip -dc | tar -t (floor):           ${floor.seconds.toFixed(2)} s`);
for (const [label, result] of [
  ['OCI layout', fromLayout],
  ['OCI archive (one pass)', fromArchive],
]) {
  console.log(
    `bulkhead read-and-check, ${label.padEnd(22)} ${result.seconds.toFixed(2)} s  ratio ${(result.seconds / floor.seconds).toFixed(2)} (target ≤ 1.3)  peak RSS ${result.rssMb.toFixed(0)} MB (target ≤ 150 MB)`,
  );
}
