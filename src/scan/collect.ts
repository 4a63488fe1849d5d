import type { Logger } from '../util/logger.js';
import { MAX_DOCKERFILE_BYTES, readTextFile } from '../util/textFile.js';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { ImageTarget } from '../config/targets.js';
import type { Config, RehearsalConfig, TargetsConfig } from '../config/types.js';
import type { DockerfileSource } from '../attribution/apply.js';
import type { Tool } from '../model/finding.js';
import type { ScanResult } from '../model/scanResult.js';
import type { BaselineSource, ResolvedPolicy } from '../policy/resolved.js';
import { runBuiltin, type SharedExport } from '../scanners/builtin/index.js';
import type { WorkloadSettings } from '../scanners/builtin/workloads.js';
import { hadolintFromReport } from '../scanners/hadolint/fromReport.js';
import { scannersToRun } from '../scanners/plan.js';
import type { ScanPlan } from '../scanners/runScanners.js';
import { trivyFromReport } from '../scanners/trivy/fromReport.js';
import { UsageError } from '../util/errors.js';
import { workspacePath } from '../util/paths.js';
import { loadPolicy } from './loadPolicy.js';

/** Everything the pure pipeline needs, read from files and scanners. */
export interface Collected {
  results: ScanResult[];
  policy: ResolvedPolicy;
  /** The Dockerfiles as read, for attribution. */
  dockerfiles: DockerfileSource[];
  /** Things the user should know that are not findings: skipped scanners, report warnings. */
  notes: string[];
}

export interface CollectOptions {
  /** Where `only-new` finds a baseline when no `baseline` input names one. */
  baselineSource?: BaselineSource;
  /** The environment Compose files are interpolated from and kubectl runs in. */
  env?: NodeJS.ProcessEnv;
  /** Where the built-in checks say what they are reading. */
  logger?: Logger;
  /** Installs and runs the scanners that have no report given (scanners/runScanners.ts). */
  runScanners?: (plan: ScanPlan) => Promise<ScanResult[]>;
}

/** hadolint names files as it was given them ("-" for stdin, Windows paths): map to the repo's Dockerfiles. */
function hadolintFileResolver(targets: TargetsConfig): (file: string) => string {
  return (file) => {
    const single = targets.dockerfiles.length === 1 ? targets.dockerfiles[0] : undefined;
    if (file === '-' && single) return single;
    const normalized = file.replace(/\\/g, '/').replace(/^\.\//, '');
    const known = targets.dockerfiles.find((d) => d === normalized || normalized.endsWith(`/${d}`));
    if (known) return known;
    return isAbsolute(normalized) ? workspacePath(targets.workspace, normalized) : normalized;
  };
}

function unavailable(tool: Tool, key: string, target: string, error: string): ScanResult {
  return { tool, key, target, origin: 'run', status: 'error', durationMs: 0, findings: [], error, warnings: [] };
}

/** Where no way to run scanners was given (a library caller): every run is an error, never a pass. */
function noScannerRunner(plan: ScanPlan): Promise<ScanResult[]> {
  const mustRun = scannersToRun(plan);
  const why = 'no scanner runner was configured for this scan';
  return Promise.resolve([
    ...(mustRun.trivy ? plan.targets.images.map((i) => unavailable('trivy', i.key, i.input, why)) : []),
    ...(mustRun.hadolint ? plan.targets.dockerfiles.map((d) => unavailable('hadolint', d, d, why)) : []),
  ]);
}

async function collectResults(
  plan: ScanPlan,
  notes: string[],
  runScanners: CollectOptions['runScanners'],
  workloads: Omit<WorkloadSettings, 'timeoutMs'>,
  logger?: Logger,
  rehearsal?: RehearsalConfig,
): Promise<ScanResult[]> {
  const { targets, scanners } = plan;
  const mustRun = scannersToRun(plan);
  // The built-in checks read images while Trivy and hadolint run.
  const wantsBuiltin =
    scanners.tools.includes('bulkhead') &&
    (targets.images.length > 0 || targets.dockerfiles.length > 0 || targets.manifests.length > 0 || targets.compose.length > 0);
  const shared = wantsBuiltin && mustRun.trivy ? await sharedExports(targets.images, workloads.env) : undefined;
  try {
    const builtin = wantsBuiltin
      ? runBuiltin({ ...plan, ...(rehearsal ? { rehearsal } : {}), ...(shared ? { exports: shared.exports } : {}) }, workloads, logger)
      : Promise.resolve({ results: [], notes: [] });
    // However the built-in checks end, Trivy never waits on an export that will not come.
    if (shared) void builtin.finally(() => shared.exports.forEach((e) => e.settle(false))).catch(() => undefined);
    const ran =
      mustRun.trivy || mustRun.hadolint
        ? await (runScanners ?? noScannerRunner)({ ...plan, ...(shared ? { sharedExports: shared.ready } : {}) })
        : [];
    return await gather(plan, notes, { ran, builtin, mustRun, wantsBuiltin });
  } finally {
    if (shared) await rm(shared.dir, { recursive: true, force: true });
  }
}

/**
 * Daemon and registry images that both the built-in checks and Trivy read are fetched once:
 * `docker save` streams into the built-in reader and into a file beside it, a registry pull
 * into the reader and an OCI layout directory; Trivy reads that with --input once it is
 * complete (if the read failed, Trivy reads the daemon or the registry itself).
 */
async function sharedExports(images: readonly ImageTarget[], env: NodeJS.ProcessEnv) {
  const daemon = images.filter((i) => i.source === 'daemon' || i.source === 'registry');
  if (daemon.length === 0) return undefined;
  const dir = await mkdtemp(join(env.RUNNER_TEMP || tmpdir(), 'bulkhead-export-'));
  const exports = new Map<string, SharedExport>();
  const ready = new Map<string, Promise<string | undefined>>();
  for (const [index, image] of daemon.entries()) {
    const path = join(dir, image.source === 'registry' ? `image-${index}` : `image-${index}.tar`);
    let settle: (complete: boolean) => void = () => undefined;
    ready.set(
      image.input,
      new Promise((resolve) => {
        settle = (complete) => resolve(complete && existsSync(path) ? path : undefined);
      }),
    );
    exports.set(image.input, { path, settle: (complete) => settle(complete) });
  }
  return { dir, exports, ready };
}

/** Each chosen tool's results, in the order of `tools`: from its report, its run, or the built-in checks. */
async function gather(
  { targets, scanners }: ScanPlan,
  notes: string[],
  run: {
    ran: ScanResult[];
    builtin: Promise<{ results: ScanResult[]; notes: string[] }>;
    mustRun: ReturnType<typeof scannersToRun>;
    wantsBuiltin: boolean;
  },
): Promise<ScanResult[]> {
  const { ran, builtin, mustRun, wantsBuiltin } = run;
  const results: ScanResult[] = [];
  for (const tool of scanners.tools) {
    if (tool === 'trivy') {
      if (targets.trivyReports.length > 0) {
        for (const file of targets.trivyReports) results.push((await trivyFromReport(file, workspacePath(targets.workspace, file))).result);
      } else if (mustRun.trivy) {
        results.push(...ran.filter((r) => r.tool === 'trivy'));
      } else notes.push('Trivy had nothing to scan: no image and no trivy-report.');
    } else if (tool === 'hadolint') {
      if (targets.hadolintReports.length > 0) {
        for (const file of targets.hadolintReports)
          results.push(...(await hadolintFromReport(file, workspacePath(targets.workspace, file), hadolintFileResolver(targets))));
      } else if (mustRun.hadolint) {
        results.push(...ran.filter((r) => r.tool === 'hadolint'));
      } else notes.push('hadolint had nothing to lint: no Dockerfile and no hadolint-report.');
    } else if (wantsBuiltin) {
      const done = await builtin;
      results.push(...done.results);
      notes.push(...done.notes);
    }
  }
  return results;
}

/**
 * The edge of a scan: reads the policy, the Dockerfiles and the given reports, and runs the
 * scanners. What it returns is all the pipeline decides on.
 */
export async function collect(config: Config, options: CollectOptions = {}): Promise<Collected> {
  const { targets, scanners } = config;
  if (
    targets.images.length === 0 &&
    targets.dockerfiles.length === 0 &&
    targets.trivyReports.length === 0 &&
    targets.hadolintReports.length === 0 &&
    targets.manifests.length === 0 &&
    targets.compose.length === 0
  ) {
    throw new UsageError(
      'there is nothing to scan; set image, dockerfile, manifests, compose, trivy-report or hadolint-report (no Dockerfile or Compose file was found in the workspace).',
    );
  }
  const policy = await loadPolicy(targets, config.policy, options.baselineSource);
  const notes: string[] = [...policy.notes];
  const results = await collectResults(
    { targets, scanners, registry: config.registry, listPackages: config.reports.sbom !== undefined || config.publish.dependencyGraph },
    notes,
    options.runScanners,
    {
      podSecurity: policy.settings.podSecurity.value,
      networkPolicies: policy.settings.networkPolicies.value,
      env: options.env ?? process.env,
    },
    options.logger,
    config.rehearsal,
  );
  if (results.length === 0) {
    throw new UsageError(
      `none of the tools (${scanners.tools.join(', ')}) has anything to scan; check tools against image, dockerfile and the report inputs.`,
    );
  }
  const dockerfiles = await Promise.all(
    targets.dockerfiles.map(async (path) => ({
      path,
      text: await readTextFile(resolve(targets.workspace, path), path, MAX_DOCKERFILE_BYTES),
    })),
  );
  return { results, policy, dockerfiles, notes };
}
