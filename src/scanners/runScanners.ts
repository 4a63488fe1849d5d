import { formatDuration, startStep } from '../util/logger.js';
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { Config, RegistryConfig, ScannersConfig, TargetsConfig } from '../config/types.js';

/**
 * The slices of the configuration that running scanners reads, and the daemon and registry
 * images the built-in checks are fetching for Trivy (by image input: the archive or layout path
 * once written, or undefined when Trivy must read the daemon or the registry itself).
 */
export type ScanPlan = Pick<Config, 'targets' | 'scanners'> & {
  /** Credentials and plain-HTTP hosts for docker:// images. */
  registry?: RegistryConfig;
  /** Per image input: the export or layout the built-in checks wrote, once complete (undefined if it failed). */
  sharedExports?: ReadonlyMap<string, Promise<string | undefined>>;
  /** Trivy lists every package, not only the vulnerable ones (for sbom-file). */
  listPackages?: boolean;
};
import { errorMessage, UsageError } from '../util/errors.js';
import type { Tool } from '../model/finding.js';
import type { InstalledTool } from './install/installer.js';
import { CATALOGS, publishesBuild, type PlatformKey, type ScannerTool } from '../releases/catalog.js';
import { describeExit } from './process.js';
import { runHadolint } from './hadolint/run.js';
import { runTrivyImage, type TrivyRun, type TrivySettings } from './trivy/run.js';
import { JavaDatabase, prepareDatabase, type DatabaseHost } from './trivyDatabases.js';
import { scannersToRun } from './plan.js';
import type { ScanResult, ScannerRecord } from '../model/scanResult.js';

export interface ScannerHost extends DatabaseHost {
  platform: PlatformKey | undefined;
  toolCacheDir: string;
  tempDir: string;
  /** Trivy's cache directory, outside the workspace. */
  trivyCacheDir: string;
  env: NodeJS.ProcessEnv;
  /** Whether x86_64 binaries run here (Rosetta 2 on macOS arm64); replaced in tests. */
  rosetta?: () => boolean;
  /** Download limits; the defaults suit real runners. */
  downloadTimeoutMs?: number;
  stallTimeoutMs?: number;
}

function failedResults(tool: Tool, targets: ReadonlyArray<{ key: string; target: string }>, error: string): ScanResult[] {
  return targets.map(({ key, target }) => ({
    tool,
    key,
    target,
    origin: 'run',
    status: 'error',
    durationMs: 0,
    findings: [],
    error,
    warnings: [],
  }));
}

function record(installed: InstalledTool): ScannerRecord {
  return { path: installed.path, version: installed.version, sha256: installed.sha256, source: installed.source };
}

/** Why an install failed, without the tool's name the installer's ToolError starts with. */
function installFailure(tool: ScannerTool, error: unknown): string {
  const message = errorMessage(error);
  return message.startsWith(`${tool}: `) ? message.slice(tool.length + 2) : message;
}

/** Rosetta 2's runtime, present once it is installed (it has no command that says so without side effects). */
const ROSETTA_RUNTIME = '/Library/Apple/usr/libexec/oah/libRosettaRuntime';

/**
 * The build to install: the host's own, except hadolint before 2.13.1 on macOS arm64, which has
 * none: its x86_64 build runs under Rosetta 2; 'skip' when hadolint-darwin-arm64 says so.
 */
function buildFor(tool: ScannerTool, scanners: ScannersConfig, host: ScannerHost): ScannerHost['platform'] | 'skip' {
  if (tool !== 'hadolint' || host.platform !== 'darwin-arm64' || scanners.hadolint.path) return host.platform;
  if (publishesBuild('hadolint', scanners.hadolint.version ?? CATALOGS.hadolint.pinned, 'darwin-arm64')) return host.platform;
  if (scanners.hadolint.darwinArm64 === 'skip') return 'skip';
  if (!(host.rosetta ?? (() => existsSync(ROSETTA_RUNTIME)))())
    throw new UsageError(
      `hadolint ${scanners.hadolint.version ?? CATALOGS.hadolint.pinned} has no macOS arm64 build and Rosetta 2 is not installed to run its x86_64 build; set hadolint-version: 2.14.0 (which has one), install Rosetta (softwareupdate --install-rosetta --agree-to-license), give hadolint-path, or set hadolint-darwin-arm64: skip.`,
    );
  return 'darwin-x64';
}

async function install(tool: ScannerTool, scanners: ScannersConfig, host: ScannerHost, platform = host.platform): Promise<InstalledTool> {
  const choice = scanners[tool];
  if (!platform && !choice.path) {
    throw new UsageError(
      `bulkhead has no ${tool} build for ${process.platform}-${process.arch}; install ${tool} yourself and give ${tool}-path.`,
    );
  }
  const step = startStep(host.logger, `Getting ${tool}`);
  // Loaded when a scanner is to be installed: the toolkit's HTTP and tool-cache code is a good part
  // of a start-up that only reads reports.
  const { installScanner } = await import('./install/installer.js');
  const installed = await installScanner({
    tool,
    ...(choice.version ? { version: choice.version } : {}),
    ...(choice.sha256 ? { sha256: choice.sha256 } : {}),
    ...(choice.path ? { executablePath: choice.path } : {}),
    mirror: scanners.releaseMirror,
    ...(scanners.trustedRootFile ? { trustedRootFile: scanners.trustedRootFile } : {}),
    platform: platform ?? 'linux-x64',
    toolCacheDir: host.toolCacheDir,
    tempDir: host.tempDir,
    searchPath: host.env.PATH ?? '',
    env: host.env,
    downloadTimeoutMs: host.downloadTimeoutMs ?? Math.min(scanners.timeoutMs, 10 * 60_000),
    stallTimeoutMs: host.stallTimeoutMs ?? 60_000,
  }).catch((error: unknown) => {
    step.failed(installFailure(tool, error));
    throw error;
  });
  step.done(`version ${installed.version}`);
  for (const line of installed.log) host.logger.info(line);
  return installed;
}

async function runTrivy(plan: ScanPlan, host: ScannerHost, installed: InstalledTool): Promise<ScanResult[]> {
  const { targets, scanners } = plan;
  const settings: TrivySettings = {
    executable: installed.path,
    cacheDir: host.trivyCacheDir,
    dbRepositories: scanners.trivy.dbRepositories,
    javaDbRepositories: scanners.trivy.javaDbRepositories,
    scanKinds: scanners.trivy.scanKinds,
    skipDirs: scanners.trivy.skipDirs,
    skipFiles: scanners.trivy.skipFiles,
    pkgTypes: scanners.trivy.pkgTypes,
    timeoutMs: scanners.timeoutMs,
    workspace: targets.workspace,
    tempDir: host.tempDir,
    env: host.env,
    ...(plan.registry ? { registry: plan.registry } : {}),
    listAllPackages: plan.listPackages === true,
  };
  const images = targets.images;
  const javaDb = JavaDatabase.matters(settings) ? new JavaDatabase(settings, host) : undefined;
  // The two downloads are independent (Trivy prepares the Java DB before it looks at the other).
  const [database] = await Promise.all([prepareDatabase(settings, host), javaDb?.prepare()]);
  if (database.error)
    return failedResults(
      'trivy',
      images.map((i) => ({ key: i.key, target: i.input })),
      database.error,
    ).map((r) => ({ ...r, scanner: record(installed), database: database.record }));
  const scanOne = async (image: ScanPlan['targets']['images'][number]): Promise<TrivyRun> => {
    const exported = await plan.sharedExports?.get(image.input);
    const step = startStep(host.logger, `Trivy ${image.input}`);
    // The export the built-in checks wrote: the same bytes, read once from the daemon.
    const target = exported
      ? { ...image, source: image.source === 'registry' ? ('oci' as const) : ('docker-archive' as const), location: exported }
      : image;
    const run = await runTrivyImage(target, settings, record(installed));
    if (run.result.status === 'ok') step.done(`${run.result.findings.length} finding${run.result.findings.length === 1 ? '' : 's'}`);
    else step.failed(run.needsJavaDb ? 'it needs the Java database' : describeExit(run.process, settings.timeoutMs));
    return run;
  };
  const runs = await Promise.all(images.map(scanOne));
  // Scans that met a JAR before there was a Java DB: it is downloaded once, then they run again together.
  const withJava = await Promise.all(runs.map((run, index) => withJavaDatabase(run, images[index], scanOne, { javaDb, host })));
  // Trivy's own locks can still collide (an old Trivy, another job's Trivy): retry those one at a time.
  const finished: TrivyRun[] = [];
  for (const [index, run] of withJava.entries()) {
    const image = images[index];
    if (run.lockContention && image) {
      host.logger.info(`Trivy on ${image.input} met a lock held by another Trivy; running it again on its own.`);
      finished.push(await scanOne(image));
    } else finished.push(run);
  }
  for (const run of finished) {
    host.logger.group(
      `Trivy ${run.result.target} (${describeExit(run.process, settings.timeoutMs)}, ${formatDuration(run.process.durationMs)})`,
      run.process.stderr,
    );
  }
  const javaRecord = await javaDb?.record();
  const databaseRecord = { ...database.record, ...(javaRecord ? { javaDb: javaRecord } : {}) };
  return finished.map((run) => ({ ...run.result, database: databaseRecord }));
}

/** A scan that met a Java archive before the Java DB existed, once more after the one download all such scans share. */
async function withJavaDatabase(
  run: TrivyRun,
  image: ScanPlan['targets']['images'][number] | undefined,
  scanOne: (image: ScanPlan['targets']['images'][number]) => Promise<TrivyRun>,
  { javaDb, host }: { javaDb: JavaDatabase | undefined; host: ScannerHost },
): Promise<TrivyRun> {
  if (!image || !run.needsJavaDb || !javaDb) return run;
  host.logger.info(`Trivy found Java archives in ${image.input} and there is no Java database yet; downloading it once.`);
  const error = await javaDb.fetchOnce();
  if (error) return { ...run, result: { ...run.result, error: `${error} (${image.input} has Java archives, which need it)` } };
  return scanOne(image);
}

async function runHadolintAll(
  targets: TargetsConfig,
  scanners: ScannersConfig,
  host: ScannerHost,
  installed: InstalledTool,
): Promise<ScanResult[]> {
  const settings = { executable: installed.path, timeoutMs: scanners.timeoutMs, workspace: targets.workspace, env: host.env };
  return Promise.all(
    targets.dockerfiles.map(async (dockerfile) => {
      const step = startStep(host.logger, `hadolint ${dockerfile}`);
      const result = await runHadolint(dockerfile, settings, record(installed));
      if (result.status === 'ok') step.done(`${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}`);
      else step.failed('failed');
      host.logger.group(
        `hadolint ${dockerfile} (${result.status === 'ok' ? 'ok' : 'failed'}, ${formatDuration(result.durationMs)})`,
        result.error ?? '',
      );
      return result;
    }),
  );
}

/**
 * Installs and runs the scanners bulkhead must run, all at once: hadolint does not wait for
 * Trivy's database, and every image is scanned concurrently. A scanner that cannot be installed
 * or run gives error results (the gate then fails closed unless scanner-error is warn).
 */
export async function runLocalScanners(plan: ScanPlan, host: ScannerHost): Promise<ScanResult[]> {
  const { targets, scanners } = plan;
  const wanted = scannersToRun(plan);
  await mkdir(host.tempDir, { recursive: true });
  const jobs: Array<Promise<ScanResult[]>> = [];
  const guarded = async (
    tool: ScannerTool,
    targets: ReadonlyArray<{ key: string; target: string }>,
    run: (installed: InstalledTool) => Promise<ScanResult[]>,
  ): Promise<ScanResult[]> => {
    let installed: InstalledTool;
    const build = buildFor(tool, scanners, host);
    if (build === 'skip') {
      host.logger.warning(
        `hadolint was skipped: it has no macOS arm64 build and hadolint-darwin-arm64 is skip; ${targets.length} Dockerfile${targets.length === 1 ? ' was' : 's were'} not linted.`,
      );
      return [];
    }
    try {
      installed = await install(tool, scanners, host, build);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      return failedResults(tool, targets, `${tool} could not be installed: ${installFailure(tool, error)}`);
    }
    return run(installed);
  };
  if (wanted.hadolint)
    jobs.push(
      guarded(
        'hadolint',
        targets.dockerfiles.map((d) => ({ key: d, target: d })),
        (i) => runHadolintAll(targets, scanners, host, i),
      ),
    );
  if (wanted.trivy)
    jobs.push(
      guarded(
        'trivy',
        targets.images.map((i) => ({ key: i.key, target: i.input })),
        (i) => runTrivy(plan, host, i),
      ),
    );
  return (await Promise.all(jobs)).flat();
}
