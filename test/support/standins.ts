import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Stand-in executables that behave like Trivy and hadolint as bulkhead drives them: they answer
 * `--version`, write recorded real outputs (from test/fixtures) where the real tool would,
 * log to stderr, sleep, exit with the tools' codes, or hang with a child process. Each run
 * appends its argv (as JSON) to a log so tests can assert the exact argument arrays.
 *
 * Behaviour comes from a plan file named by STANDIN_PLAN, keyed by the image reference or
 * Dockerfile path the tool was given ("*" for any other).
 */
export interface StandinBehaviour {
  /** A recorded report: Trivy writes it to --output, hadolint prints it. */
  fixture?: string;
  sleepMs?: number;
  exitCode?: number;
  stderr?: string;
  /** Write this instead of a report. */
  garbage?: string;
  /** Start a child that sleeps, then never finish. */
  hang?: boolean;
  /** Write the pid of the hanging child here. */
  childPidFile?: string;
  /** The first run (marked by this file) writes failOnceStderr and exits 1. */
  failOnceMarker?: string;
  failOnceStderr?: string;
  /** The image holds JARs: with --skip-java-db-update and no Java DB the scan fails as Trivy's does. */
  javaArchives?: boolean;
}

export interface StandinPlan {
  argvLog: string;
  trivyVersion?: string;
  hadolintVersion?: string;
  trivy?: Record<string, StandinBehaviour>;
  hadolint?: Record<string, StandinBehaviour>;
  /** Behaviour of `trivy image --download-db-only`. */
  trivyDb?: StandinBehaviour & { updatedAt?: string };
  /** Behaviour of `trivy image --download-java-db-only` (Trivy's own rule: no download within a day of the last). */
  trivyJavaDb?: StandinBehaviour & { updatedAt?: string; writesNothing?: boolean };
}

const COMMON = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const plan = JSON.parse(fs.readFileSync(process.env.STANDIN_PLAN, 'utf8'));
const argv = process.argv.slice(2);
fs.appendFileSync(plan.argvLog, JSON.stringify({ tool: TOOL, argv, cwd: process.cwd() }) + '\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function behave(b, write) {
  if (b.failOnceMarker && !fs.existsSync(b.failOnceMarker)) {
    fs.writeFileSync(b.failOnceMarker, '');
    process.stderr.write(b.failOnceStderr ?? 'failed once\n');
    process.exit(1);
  }
  if (b.stderr) process.stderr.write(b.stderr);
  if (b.hang) {
    const child = spawn('sleep', ['600'], { stdio: 'ignore' });
    if (b.childPidFile) fs.writeFileSync(b.childPidFile, String(child.pid));
    await sleep(10 * 60 * 1000);
  }
  if (b.sleepMs) await sleep(b.sleepMs);
  if (b.garbage !== undefined) write(b.garbage);
  else if (b.fixture) write(fs.readFileSync(b.fixture, 'utf8'));
  process.exit(b.exitCode ?? 0);
}
function valueAfter(flag) {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}
function target() {
  const dash = argv.indexOf('--');
  return dash >= 0 ? argv[dash + 1] : valueAfter('--input') ?? argv[argv.length - 1];
}
`;

const TRIVY = String.raw`
const TOOL = 'trivy';
${COMMON}
(async () => {
  if (argv[0] === '--version') { process.stdout.write('Version: ' + (plan.trivyVersion ?? '0.69.3') + '\n'); return; }
  const cacheDir = valueAfter('--cache-dir');
  if (argv[0] === 'version') {
    const metaFile = cacheDir && path.join(cacheDir, 'db', 'metadata.json');
    const db = metaFile && fs.existsSync(metaFile) ? JSON.parse(fs.readFileSync(metaFile, 'utf8')) : undefined;
    const javaFile = cacheDir && path.join(cacheDir, 'java-db', 'metadata.json');
    const javaDb = javaFile && fs.existsSync(javaFile) ? JSON.parse(fs.readFileSync(javaFile, 'utf8')) : undefined;
    process.stdout.write(JSON.stringify({ Version: plan.trivyVersion ?? '0.69.3', ...(db ? { VulnerabilityDB: db } : {}), ...(javaDb ? { JavaDB: javaDb } : {}) }));
    return;
  }
  const javaDir = cacheDir && path.join(cacheDir, 'java-db');
  const hasJavaDb = () => javaDir && fs.existsSync(path.join(javaDir, 'metadata.json'));
  function downloadJavaDb(updatedAt) {
    fs.mkdirSync(javaDir, { recursive: true });
    const built = updatedAt ?? new Date(Date.now() - 20 * 3600 * 1000).toISOString();
    const next = new Date(Date.parse(built) + 3 * 24 * 3600 * 1000).toISOString();
    fs.writeFileSync(path.join(javaDir, 'metadata.json'), JSON.stringify({ Version: 1, NextUpdate: next, UpdatedAt: built, DownloadedAt: new Date().toISOString() }));
    fs.writeFileSync(path.join(javaDir, 'trivy-java.db'), 'standin java database');
    process.stderr.write('INFO [javadb] Downloading Java DB...\n');
  }
  if (argv.includes('--download-java-db-only')) {
    const b = plan.trivyJavaDb ?? {};
    if (b.exitCode) return behave(b, () => {});
    const meta = hasJavaDb() ? JSON.parse(fs.readFileSync(path.join(javaDir, 'metadata.json'), 'utf8')) : undefined;
    const fresh = meta && (Date.now() < Date.parse(meta.NextUpdate) || Date.now() < Date.parse(meta.DownloadedAt) + 24 * 3600 * 1000);
    if (!fresh && !b.writesNothing) downloadJavaDb(b.updatedAt);
    return behave(b, () => {});
  }
  if (argv.includes('--download-db-only')) {
    const b = plan.trivyDb ?? {};
    fs.mkdirSync(path.join(cacheDir, 'db'), { recursive: true });
    const updatedAt = b.updatedAt ?? new Date(Date.now() - 3 * 3600 * 1000).toISOString();
    fs.writeFileSync(path.join(cacheDir, 'db', 'metadata.json'), JSON.stringify({ Version: 2, NextUpdate: updatedAt, UpdatedAt: updatedAt, DownloadedAt: new Date().toISOString() }));
    fs.writeFileSync(path.join(cacheDir, 'db', 'trivy.db'), 'standin database');
    process.stderr.write('INFO [vulndb] Downloading vulnerability DB...\n');
    return behave(b, () => {});
  }
  const b = (plan.trivy ?? {})[target()] ?? (plan.trivy ?? {})['*'] ?? {};
  const output = valueAfter('--output');
  process.stderr.write('INFO [vuln] Vulnerability scanning is enabled\n');
  if (b.javaArchives && !hasJavaDb()) {
    if (argv.includes('--skip-java-db-update')) {
      process.stderr.write("ERROR [javadb] The first run cannot skip downloading Java DB\nFATAL Fatal error run error: image scan error: scan error: scan failed: failed analysis: post analysis error: post analysis error: Unable to initialize the Java DB: Java DB update failed: '--skip-java-db-update' cannot be specified on the first run\n");
      process.exit(1);
    }
    downloadJavaDb();
  }
  return behave(b, (text) => fs.writeFileSync(output, text));
})();
`;

const HADOLINT = String.raw`
const TOOL = 'hadolint';
${COMMON}
(async () => {
  if (argv[0] === '--version') { process.stdout.write('Haskell Dockerfile Linter ' + (plan.hadolintVersion ?? '2.12.0') + '\n'); return; }
  const file = target();
  const b = (plan.hadolint ?? {})[file] ?? (plan.hadolint ?? {})['*'] ?? {};
  return behave(b, (text) => {
    // hadolint names the file as it was given.
    let out = text;
    try { out = JSON.stringify(JSON.parse(text).map((f) => ({ ...f, file }))); } catch {}
    process.stdout.write(out);
  });
})();
`;

/** Writes `trivy` and `hadolint` stand-ins into dir, and the plan; returns the env they need. */
export function writeStandins(dir: string, plan: StandinPlan): { binDir: string; planFile: string; env: Record<string, string> } {
  const binDir = join(dir, 'bin');
  mkdirSync(binDir, { recursive: true });
  for (const [name, body] of [
    ['trivy', TRIVY],
    ['hadolint', HADOLINT],
  ] as const) {
    const file = join(binDir, name);
    writeFileSync(file, `#!/usr/bin/env node\n${body}`);
    chmodSync(file, 0o755);
  }
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  return { binDir, planFile, env: { STANDIN_PLAN: planFile } };
}

export function updatePlan(planFile: string, plan: StandinPlan): void {
  writeFileSync(planFile, JSON.stringify(plan));
}
