import { mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errorMessage } from '../../util/errors.js';
import { isObject, num, str } from '../../util/json.js';
import { readJsonReport } from '../../util/jsonFile.js';
import { describeExit, runProcess, stderrTail, type ProcessResult } from '../process.js';
import type { ImageTarget } from '../../config/targets.js';
import type { RegistryConfig } from '../../config/types.js';
import { parseRegistryReference } from '../../image/registry/reference.js';
import type { ScanResult, ScannerRecord } from '../../model/scanResult.js';
import { inventoryField, isTrivyEntryList, parseTrivyReport, trivyEntrySlimmer } from './parse.js';

export interface TrivySettings {
  executable: string;
  /** Trivy's --cache-dir: where its vulnerability database lives, outside the workspace. */
  cacheDir: string;
  dbRepositories: readonly string[];
  /** Trivy's --java-db-repository: where the Java DB is downloaded from. */
  javaDbRepositories: readonly string[];
  /** Trivy's --scanners: vuln, secret, misconfig, license. */
  scanKinds: readonly string[];
  /** Trivy's --skip-dirs and --skip-files (paths inside the image), --pkg-types (os, library). */
  skipDirs: readonly string[];
  skipFiles: readonly string[];
  pkgTypes: readonly string[];
  timeoutMs: number;
  workspace: string;
  tempDir: string;
  env: NodeJS.ProcessEnv;
  /** Trivy's --list-all-pkgs: every package in the report, for the SBOM. */
  listAllPackages?: boolean;
  /** For a docker:// image Trivy pulls itself (the built-in read did not share one): credentials and plain-HTTP hosts. */
  registry?: RegistryConfig;
}

const goDuration = (ms: number): string => `${Math.max(1, Math.ceil(ms / 1000))}s`;

function repositoryArgs(flag: string, repositories: readonly string[]): string[] {
  return repositories.length > 0 ? [flag, repositories.join(',')] : [];
}

/**
 * Trivy's arguments for one image. The image comes last after `--`, so no reference can be read
 * as a flag; both databases are prepared once beforehand (trivyDatabases.ts), and the layer
 * cache lives in memory so that concurrent scans do not contend for Trivy's cache lock.
 */
export function trivyImageArgs(
  image: ImageTarget,
  outputFile: string,
  settings: Pick<
    TrivySettings,
    'cacheDir' | 'timeoutMs' | 'workspace' | 'scanKinds' | 'skipDirs' | 'skipFiles' | 'pkgTypes' | 'registry' | 'listAllPackages'
  >,
): string[] {
  const common = [
    'image',
    '--format',
    'json',
    '--output',
    outputFile,
    '--scanners',
    settings.scanKinds.join(','),
    '--pkg-types',
    settings.pkgTypes.join(','),
    // One flag per path: a path is never joined to another (parse.ts refuses commas in them).
    ...settings.skipDirs.flatMap((dir) => ['--skip-dirs', dir]),
    ...settings.skipFiles.flatMap((file) => ['--skip-files', file]),
    ...(settings.listAllPackages ? ['--list-all-pkgs'] : []),
    // The checks the verified binary embeds: no per-scan fetch of the checks bundle from a
    // registry (a rate limit, then a silent fallback to these same embedded checks).
    ...(settings.scanKinds.includes('misconfig') ? ['--skip-check-update'] : []),
    '--cache-dir',
    settings.cacheDir,
    '--cache-backend',
    'memory',
    '--skip-db-update',
    '--skip-java-db-update',
    '--skip-version-check',
    '--disable-telemetry',
    '--no-progress',
    '--exit-code',
    '0',
    '--timeout',
    goDuration(settings.timeoutMs),
  ];
  switch (image.source) {
    case 'daemon':
      return [...common, '--image-src', 'docker', '--', image.location];
    case 'registry': {
      // Trivy's --insecure also allows plain HTTP: given only for a registry listed in registry-insecure.
      const host = parseRegistryReference(image.location).apiHost;
      const insecure = settings.registry?.insecure.includes(host) ? ['--insecure'] : [];
      return [...common, ...insecure, '--image-src', 'remote', '--', image.location];
    }
    default:
      return [...common, '--input', resolve(settings.workspace, image.location)];
  }
}

/** A download of one of Trivy's databases and nothing else. */
function databaseDownloadArgs(only: string, settings: Pick<TrivySettings, 'cacheDir' | 'timeoutMs'>, repositories: string[]): string[] {
  return [
    'image',
    only,
    '--cache-dir',
    settings.cacheDir,
    '--skip-version-check',
    '--disable-telemetry',
    '--no-progress',
    '--timeout',
    goDuration(settings.timeoutMs),
    ...repositories,
  ];
}

export function trivyDbArgs(settings: Pick<TrivySettings, 'cacheDir' | 'timeoutMs' | 'dbRepositories'>): string[] {
  return databaseDownloadArgs('--download-db-only', settings, repositoryArgs('--db-repository', settings.dbRepositories));
}

export function trivyJavaDbArgs(settings: Pick<TrivySettings, 'cacheDir' | 'timeoutMs' | 'javaDbRepositories'>): string[] {
  return databaseDownloadArgs('--download-java-db-only', settings, repositoryArgs('--java-db-repository', settings.javaDbRepositories));
}

/** Trivy's words when a scan met a Java archive with --skip-java-db-update and no Java DB yet. */
const JAVA_DB_ABSENT = /cannot be specified on the first run|first run cannot skip downloading Java DB/;

export function needsJavaDatabase(stderr: string): boolean {
  return JAVA_DB_ABSENT.test(stderr);
}

export interface TrivyRun {
  result: ScanResult;
  process: ProcessResult;
  /** The failure looks like Trivy's database or cache lock: worth one retry alone. */
  lockContention: boolean;
  /** Trivy met a Java archive and there is no Java DB yet: worth a retry once it is downloaded. */
  needsJavaDb: boolean;
}

/** Runs Trivy on one image; Trivy's exit code never decides the gate, its report does. */
export async function runTrivyImage(image: ImageTarget, settings: TrivySettings, scanner: ScannerRecord): Promise<TrivyRun> {
  // A fresh working directory: a repository's trivy.yaml or .trivyignore must not steer the scan
  // (bulkhead applies .trivyignore itself, and reports what it suppressed).
  const work = await mkdtemp(join(settings.tempDir, 'bulkhead-trivy-'));
  const outputFile = join(work, 'report.json');
  const base = {
    tool: 'trivy' as const,
    key: image.key,
    target: image.input,
    origin: 'run' as const,
    version: scanner.version,
    scanner,
    warnings: [] as string[],
  };
  try {
    const ran = await runProcess(settings.executable, trivyImageArgs(image, outputFile, settings), {
      cwd: work,
      // Trivy reads registry credentials from TRIVY_USERNAME / TRIVY_PASSWORD (else the Docker config).
      env:
        image.source === 'registry' && settings.registry?.username && settings.registry.password
          ? { ...settings.env, TRIVY_USERNAME: settings.registry.username, TRIVY_PASSWORD: settings.registry.password }
          : settings.env,
      timeoutMs: settings.timeoutMs,
    });
    const failed = (why: string): TrivyRun => ({
      result: {
        ...base,
        status: 'error',
        durationMs: ran.durationMs,
        findings: [],
        error: `Trivy ${why}${stderrTail(ran.stderr) ? `: ${stderrTail(ran.stderr, 3)}` : ''}`,
      },
      process: ran,
      lockContention: /cache may be in use by another process|database lock|acquire cache/i.test(ran.stderr),
      needsJavaDb: needsJavaDatabase(ran.stderr),
    });
    if (ran.spawnError || ran.timedOut || ran.signal || ran.exitCode !== 0) return failed(describeExit(ran, settings.timeoutMs));
    let documents: unknown[];
    try {
      documents = await readJsonReport(outputFile, { spill: isTrivyEntryList, element: trivyEntrySlimmer() });
    } catch (error) {
      return failed(`exited 0 but its report could not be read (${errorMessage(error)})`);
    }
    try {
      const report = parseTrivyReport(documents.length === 1 ? documents[0] : documents);
      return {
        result: {
          ...base,
          status: 'ok',
          durationMs: ran.durationMs,
          findings: report.findings,
          warnings: report.warnings,
          ...(report.diffIds.length > 0 ? { imageHistory: { diffIds: report.diffIds, history: report.history } } : {}),
          ...inventoryField(report),
        },
        process: ran,
        lockContention: false,
        needsJavaDb: false,
      };
    } catch (error) {
      return failed(`wrote a report bulkhead cannot read (${errorMessage(error)})`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export interface TrivyDatabase {
  version?: number;
  updatedAt?: string;
}

/** Reads the database's metadata the way Trivy reports it (`trivy version --format json`). */
export async function readTrivyDatabase(settings: TrivySettings): Promise<TrivyDatabase | undefined> {
  const ran = await runProcess(settings.executable, ['version', '--format', 'json', '--cache-dir', settings.cacheDir], {
    cwd: settings.tempDir,
    env: settings.env,
    timeoutMs: 30_000,
    maxStdoutBytes: 1024 * 1024,
  });
  if (ran.exitCode !== 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(ran.stdout);
    const db = isObject(parsed) && isObject(parsed.VulnerabilityDB) ? parsed.VulnerabilityDB : undefined;
    if (!db) return undefined;
    const version = num(db.Version);
    const updatedAt = str(db.UpdatedAt);
    return { ...(version !== undefined ? { version } : {}), ...(updatedAt ? { updatedAt } : {}) };
  } catch {
    return undefined;
  }
}
