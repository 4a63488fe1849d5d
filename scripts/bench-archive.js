// Image reading at scale (`npm run bench:archive`): assembles once a docker-save archive of
// ≥ 900 MB with ≥ 200k files in four layers, in a plain and a gzip variant (no engine needed: the
// engine is not what is measured), and runs bulkhead's read-and-check (`--tools bulkhead`) on each,
// interleaved with its floor: a streaming `tar -t` of every plain layer (through a pipe: given the
// file, GNU tar seeks over the bodies instead of reading them), and Node's own gunzip of every gzip
// layer with no tar parsing. CPU (user + system) and peak RSS from /usr/bin/time, medians, the ratio
// per pair, and the targets beside them.
// Usage: npm run bench:archive [-- --pairs 5]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { median } from './bench-common.js';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const work = join(process.env.BULKHEAD_BENCH_DIR ?? '/var/tmp', 'bulkhead-bench-archive');
const at = process.argv.indexOf('--pairs');
const pairs = at > 0 ? Number(process.argv[at + 1]) : 5;
const LAYERS = 4;
const FILES_PER_LAYER = 55_000;

/** A ustar header for a regular file or directory. */
function header(name, size, type = '0') {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, 'utf8');
  block.write(`${(type === '5' ? 0o755 : 0o644).toString(8).padStart(7, '0')}\0`, 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write(`${(1_700_000_000).toString(8).padStart(11, '0')}\0`, 136, 'latin1');
  block.write('        ', 148, 'latin1');
  block.write(type, 156, 'latin1');
  block.write('ustar\u000000', 257, 'latin1');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

/** Writes tar members to `fd` and hashes what is written (a layer's diff_id). */
function tarWriter(fd) {
  const hash = createHash('sha256');
  const out = (buffer) => {
    writeSync(fd, buffer);
    hash.update(buffer);
  };
  return {
    file(name, body) {
      out(header(name, body.length));
      out(body);
      const pad = (512 - (body.length % 512)) % 512;
      if (pad) out(Buffer.alloc(pad));
    },
    dir(name) {
      out(header(name, 0, '5'));
    },
    end() {
      out(Buffer.alloc(1024));
      return `sha256:${hash.digest('hex')}`;
    },
  };
}

/** Text that compresses about as source and binaries do (3:1), different at each offset. */
const corpus = Buffer.from(
  Array.from(
    { length: 4096 },
    (_, i) => `line ${i * 7919} of module ${(i * 104729) % 9973}: value=${(i * 2654435761) % 4294967296}\n`,
  ).join(''),
);

function buildLayers() {
  const diffIds = [];
  for (let layer = 0; layer < LAYERS; layer++) {
    const fd = openSync(join(work, `layer${layer}.tar`), 'w');
    const tar = tarWriter(fd);
    for (let d = 0; d < 100; d++) tar.dir(`opt/l${layer}/d${d}/`);
    for (let i = 0; i < FILES_PER_LAYER; i++) {
      const size = 2048 + ((i * 2654435761) % 4096);
      const start = (i * 7919) % (corpus.length - size);
      tar.file(`opt/l${layer}/d${i % 100}/file-${i}.txt`, corpus.subarray(start, start + size));
    }
    // Some incompressible bulk, as images have.
    const bulk = createHash('sha512');
    const chunks = [];
    for (let k = 0; k < 20 * 1024 * 16; k++) chunks.push(bulk.update(String(k)).copy().digest());
    tar.file(`opt/l${layer}/bulk.bin`, Buffer.concat(chunks).subarray(0, 20 * 1024 * 1024));
    diffIds.push(tar.end());
    closeSync(fd);
  }
  return diffIds;
}

async function gzipLayers() {
  for (let layer = 0; layer < LAYERS; layer++) {
    const target = join(work, `layer${layer}.tar.gz`);
    if (!existsSync(target))
      await pipeline(createReadStream(join(work, `layer${layer}.tar`)), createGzip({ level: 6 }), createWriteStream(target));
  }
}

/** The docker-save archive around the layers: manifest.json, the config, the layer files. */
function buildArchive(file, diffIds, ext) {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { User: '1000', Env: ['PATH=/usr/bin'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: diffIds.map((_, i) => ({ created_by: `/bin/sh -c #(nop) COPY dir:layer${i} in /opt/l${i}` })),
    }),
  );
  const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
  const layers = diffIds.map((_, i) => `layer${i}/layer.${ext}`);
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: ['bench/big:1'], Layers: layers }]));
  const fd = openSync(file, 'w');
  const tar = tarWriter(fd);
  tar.file('manifest.json', manifest);
  tar.file(configName, config);
  for (let i = 0; i < LAYERS; i++) tar.file(layers[i], readFileSync(join(work, `layer${i}.${ext}`)));
  tar.end();
  closeSync(fd);
}

function timed(command, args) {
  const started = process.hrtime.bigint();
  const ran = spawnSync('/usr/bin/time', ['-f', 'TIME %U %S %M', command, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const line = ran.stderr.split('\n').find((l) => l.startsWith('TIME '));
  if (!line || (ran.status !== 0 && ran.status !== 1)) {
    console.error(`${command} ${args.join(' ')} failed (exit ${ran.status}):\n${ran.stderr.slice(-2000)}`);
    process.exit(1);
  }
  const [, user, system, rssKb] = line.split(' ');
  return { cpu: Number(user) + Number(system), seconds, rss: Number(rssKb) / 1024 };
}

mkdirSync(work, { recursive: true });
const plain = join(work, 'big.plain.tar');
const gzip = join(work, 'big.gzip.tar');
if (!existsSync(plain) || !existsSync(gzip)) {
  console.error('assembling the benchmark archives (once)…');
  const diffIds = buildLayers();
  await gzipLayers();
  buildArchive(plain, diffIds, 'tar');
  buildArchive(gzip, diffIds, 'tar.gz');
}
const files = LAYERS * (FILES_PER_LAYER + 101);
const layerTars = Array.from({ length: LAYERS }, (_, i) => join(work, `layer${i}.tar`));
const layerGzips = Array.from({ length: LAYERS }, (_, i) => join(work, `layer${i}.tar.gz`));
const size = (paths) => paths.reduce((n, p) => n + statSync(p).size, 0) / 1e6;
const node = process.execPath;
const scan = (archive) => [
  join(root, 'dist/cli/index.js'),
  'scan',
  '--image',
  `docker-archive:${archive}`,
  '--tools',
  'bulkhead',
  '--fail-on',
  'none',
  '--sarif',
  join(work, 'b.sarif'),
  '--report',
  join(work, 'b.json'),
];
const gunzipAll = `const z=require('node:zlib'),f=require('node:fs');(async()=>{for(const p of ${JSON.stringify(layerGzips)}){for await(const _ of f.createReadStream(p).pipe(z.createGunzip({chunkSize:256*1024})));}})()`;

const cases = [
  {
    name: 'plain layers',
    floorName: 'cat | tar -t of each layer',
    floor: () => timed('bash', ['-c', layerTars.map((t) => `cat '${t}' | tar -t > /dev/null`).join(' && ')]),
    run: () => timed(node, scan(plain)),
  },
  {
    name: 'gzip layers',
    floorName: "Node's gunzip of each blob",
    floor: () => timed(node, ['-e', gunzipAll]),
    run: () => timed(node, scan(gzip)),
  },
];
console.log(
  `image: ${LAYERS} layers, ${files} entries, ${size(layerTars).toFixed(0)} MB uncompressed, ${size(layerGzips).toFixed(0)} MB gzip; ${pairs} interleaved pairs; CPU = user + system`,
);
console.log('variant        floor                          floor CPU s  bulkhead CPU s  ratio (median of pairs)  bulkhead peak RSS MB');
for (const c of cases) {
  const floors = [];
  const runs = [];
  for (let i = 0; i < pairs; i++) {
    floors.push(c.floor());
    runs.push(c.run());
  }
  const ratio = median(runs.map((r, i) => r.cpu / floors[i].cpu));
  const rss = median(runs.map((r) => r.rss));
  console.log(
    `${c.name.padEnd(13)}  ${c.floorName.padEnd(29)}  ${median(floors.map((f) => f.cpu))
      .toFixed(2)
      .padStart(11)}  ${median(runs.map((r) => r.cpu))
      .toFixed(2)
      .padStart(14)}  ${ratio.toFixed(2).padStart(23)}  ${rss.toFixed(0).padStart(20)}`,
  );
  console.log(`  target: ≤ 1.3× the floor: ${ratio <= 1.3 ? 'met' : 'NOT met'}; peak RSS ≤ 150 MB: ${rss <= 150 ? 'met' : 'NOT met'}`);
}
