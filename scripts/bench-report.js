// Report-merge benchmark (`npm run bench:report`): synthetic Trivy reports of 1k, 5k, 25k and 100k
// vulnerabilities, made from the records of a real Trivy 0.70.0 report (each record kept whole,
// its id and package varied so that every finding is its own), go through the bundled CLI with
// SARIF, report-file and markdown written. Each is measured against its floor, JSON.parse of the
// same file in the same Node, interleaved (floor, bulkhead, floor, bulkhead …, 5 pairs): CPU time
// (user + system) and peak RSS, medians, the ratio per pair, and the targets beside them.
// Usage: npm run bench:report [-- --sizes 1000,25000 --pairs 5]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, usageOf, usageReporter } from './bench-common.js';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const source = join(root, 'test/fixtures/trivy/large-edwinjdevops-sentinel-nginx-latest-debian13-234vulns.json');
const work = join(process.env.BULKHEAD_BENCH_DIR ?? tmpdir(), 'bulkhead-bench-report');
const argument = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const sizes = argument('sizes', '1000,5000,25000,100000').split(',').map(Number);
const pairs = Number(argument('pairs', '5'));

/** A report with `count` vulnerabilities in the real report's shape. */
function syntheticReport(count) {
  const file = join(work, `trivy-${count}.json`);
  if (existsSync(file)) return file;
  const real = JSON.parse(readFileSync(source, 'utf8'));
  const records = real.Results[0].Vulnerabilities;
  const vulnerabilities = [];
  for (let i = 0; i < count; i++) {
    const record = records[i % records.length];
    const copy = Math.floor(i / records.length);
    vulnerabilities.push({
      ...record,
      VulnerabilityID: copy === 0 ? record.VulnerabilityID : `${record.VulnerabilityID}-${copy}`,
      PkgName: copy === 0 ? record.PkgName : `${record.PkgName}-${copy % 97}`,
    });
  }
  const report = { ...real, Results: [{ ...real.Results[0], Packages: undefined, Vulnerabilities: vulnerabilities }] };
  writeFileSync(file, JSON.stringify(report, null, 2));
  return file;
}

/** Runs `script` in a fresh Node and returns its CPU (user + system, ms) and peak RSS (MB), as it measured them. */
// Both sides report the CPU of the whole process from start to exit (the same preload), so Node's
// own start-up is in both and the ratio compares the work.
function measure(args) {
  const ran = spawnSync(process.execPath, ['--require', reporter, ...args], { encoding: 'utf8', cwd: work, maxBuffer: 64 * 1024 * 1024 });
  const usage = usageOf(ran.stderr);
  if (!usage) {
    console.error(`${args.join(' ')} printed no measurement (exit ${ran.status}):\n${ran.stderr.slice(-2000)}`);
    process.exit(1);
  }
  return usage;
}

function floorArgs(file) {
  return ['-e', `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'));`];
}

function bulkheadArgs(file) {
  const out = join(work, 'out');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  return [
    join(root, 'dist/cli/index.js'),
    'scan',
    '--trivy-report',
    file,
    '--tools',
    'trivy',
    '--sarif',
    join(out, 'bulkhead.sarif'),
    '--report',
    join(out, 'report.json'),
    '--markdown',
    join(out, 'summary.md'),
    '--fail-on',
    'none',
  ];
}

mkdirSync(work, { recursive: true });
const reporter = usageReporter(work);
console.log(`Node ${process.version}; ${pairs} interleaved pairs per size; CPU = user + system of the whole process.`);
console.log('findings  report MB  JSON.parse CPU ms  bulkhead CPU ms  ratio (median of pairs)  parse RSS MB  bulkhead RSS MB  RSS ratio');
const rows = [];
for (const size of sizes) {
  const file = syntheticReport(size);
  const floors = [];
  const runs = [];
  for (let i = 0; i < pairs; i++) {
    floors.push(measure(floorArgs(file)));
    runs.push(measure(bulkheadArgs(file)));
  }
  const ratios = runs.map((r, i) => r.cpu / floors[i].cpu);
  const row = {
    size,
    mb: statSync(file).size / 1e6,
    floor: median(floors.map((f) => f.cpu)),
    cpu: median(runs.map((r) => r.cpu)),
    ratio: median(ratios),
    floorRss: median(floors.map((f) => f.rss)),
    rss: median(runs.map((r) => r.rss)),
  };
  rows.push(row);
  console.log(
    `${String(size).padStart(8)}  ${row.mb.toFixed(1).padStart(9)}  ${row.floor.toFixed(0).padStart(17)}  ${row.cpu.toFixed(0).padStart(15)}  ${row.ratio.toFixed(2).padStart(23)}  ${row.floorRss.toFixed(0).padStart(12)}  ${row.rss.toFixed(0).padStart(15)}  ${(row.rss / row.floorRss).toFixed(2).padStart(9)}`,
  );
}
const met = (ok) => (ok ? 'met' : 'NOT met');
const at25k = rows.find((r) => r.size === 25000);
console.log('');
if (at25k) {
  console.log(`target: 25k findings ≤ 2.5× JSON.parse CPU: ${at25k.ratio.toFixed(2)}× — ${met(at25k.ratio <= 2.5)}`);
  console.log(`target: 25k findings under 1 s of CPU: ${(at25k.cpu / 1000).toFixed(2)} s — ${met(at25k.cpu < 1000)}`);
  console.log(`target: peak RSS ≤ 2× JSON.parse's: ${(at25k.rss / at25k.floorRss).toFixed(2)}× — ${met(at25k.rss <= 2 * at25k.floorRss)}`);
}
// The streaming target: a report of 200 MB or more in no more than twice its size.
const huge = rows.find((r) => r.mb >= 200);
if (huge) {
  const perMb = huge.rss / huge.mb;
  console.log(
    `target: a ${huge.mb.toFixed(0)} MB report in peak RSS ≤ 2× its size: ${huge.rss.toFixed(0)} MB, ${perMb.toFixed(2)}× — ${met(perMb <= 2)} (JSON.parse alone: ${(huge.floorRss / huge.mb).toFixed(2)}×)`,
  );
}
const perFinding = (r) => r.cpu / r.size;
const large = rows.at(-1);
if (at25k && large && large.size > at25k.size) {
  console.log(
    `target: linear to ${large.size}: CPU per finding at ${large.size} is ${(perFinding(large) / perFinding(at25k)).toFixed(2)}× that at 25000 — ${met(perFinding(large) / perFinding(at25k) <= 1.15)} (SARIF keeps 25,000 results per run, so the larger report writes no more of it)`,
  );
}
const small = rows[0];
if (small && large && large.size > small.size) {
  console.log(
    `linearity: CPU per finding at ${large.size} is ${(perFinding(large) / perFinding(small)).toFixed(2)}× that at ${small.size} (1.00 is linear; start-up weighs on the small one)`,
  );
}
