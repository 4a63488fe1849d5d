import { silentLogger, startStep, type Logger } from '../../util/logger.js';
import { MAX_DOCKERFILE_BYTES, readTextFile } from '../../util/textFile.js';
import { resolve } from 'node:path';
import type { Config, RegistryConfig, RehearsalConfig, TargetsConfig } from '../../config/types.js';
import { rehearseImage } from '../rehearsal/index.js';
import type { Finding } from '../../model/finding.js';
import { errorMessage, FormatError, ToolError } from '../../util/errors.js';
import { readImage, type ImageModel } from '../../image/read.js';
import type { RegistryAccess } from '../../image/registry/pull.js';
import type { ImageTarget } from '../../config/targets.js';
import { BULKHEAD_VERSION } from '../../model/version.js';
import type { ScanResult } from '../../model/scanResult.js';
import { accountContentWanted, checkAccounts } from './accounts.js';
import { checkDockerfile } from './dockerfile.js';
import { checkFilesystem } from './filesystem.js';
import type { ImageSubject } from './finding.js';
import { checkHistory } from './history.js';
import { checkEnvironment, checkHealthcheck, checkPorts, checkUser, checkVolumes } from './imageConfig.js';
import { checkSecretFiles, secretContentWanted } from './secretFiles.js';
import { redactSecrets } from '../../secrets/shapes.js';
import { imageFacts, scanWorkloads, type WorkloadSettings } from './workloads.js';

/** "12.4 MB": progress sizes, in decimal units as download tools print them. */
function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit] as string}`;
}

/** bulkhead's own checks: one ScanResult per image (BH1xx config/history, BH2xx filesystem) and per Dockerfile (BH109). */

const SUDOERS_CAP = 256 * 1024;

/** The union of what every check needs to read; everything else streams past unread. */
export function contentWanted(path: string, size: number): number {
  return Math.max(
    secretContentWanted(path, size),
    accountContentWanted(path, size),
    path === 'etc/sudoers' || path.startsWith('etc/sudoers.d/') ? Math.min(size, SUDOERS_CAP) : 0,
  );
}

/** An image read, with its history masked once for every message that quotes it. */
export async function imageSubject(input: string, key: string, model: ImageModel): Promise<ImageSubject> {
  const commands = await Promise.all(model.config.history.map((h) => redactSecrets(h.createdBy)));
  return { input, key, model, commands, found: new Set() };
}

/** Every image check, on an image already read. */
export async function checkImage(subject: ImageSubject): Promise<Finding[]> {
  return [
    ...checkUser(subject),
    ...checkHealthcheck(subject),
    ...(await checkEnvironment(subject)),
    ...checkPorts(subject),
    ...checkVolumes(subject),
    ...(await checkHistory(subject)),
    ...checkFilesystem(subject),
    ...(await checkSecretFiles(subject)),
    ...checkAccounts(subject),
  ];
}

/** A daemon image's one export, written as the built-in checks read it, for Trivy to read after (scan/collect.ts). */
export interface SharedExport {
  path: string;
  /** Called once the read ended: whether the file is a complete export. */
  settle(complete: boolean): void;
}

export interface BuiltinImageResult {
  result: ScanResult;
  model?: ImageModel;
}

export async function scanImage(
  target: ImageTarget,
  config: Pick<TargetsConfig, 'workspace' | 'platform'> & {
    timeoutMs?: number;
    env?: NodeJS.ProcessEnv;
    logger?: Logger;
    saveTo?: string;
    registry?: RegistryAccess;
  },
): Promise<BuiltinImageResult> {
  const step = startStep(config.logger ?? silentLogger, `Reading ${target.input}`);
  const started = Date.now();
  const located =
    target.source === 'daemon' || target.source === 'registry'
      ? target
      : { ...target, location: resolve(config.workspace, target.location) };
  const base = { tool: 'bulkhead' as const, key: target.key, target: target.input, origin: 'run' as const, version: BULKHEAD_VERSION };
  try {
    const model = await readImage(located, {
      wanted: contentWanted,
      platform: config.platform,
      ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
      ...(config.env ? { env: config.env } : {}),
      ...(config.saveTo ? { saveTo: config.saveTo } : {}),
      ...(config.registry ? { registry: config.registry } : {}),
      onProgress: (p) =>
        step.update(
          `${p.layer ? `layer ${p.layer.index} of ${p.layer.count}, ` : ''}${formatBytes(p.bytes)}${p.totalBytes ? ` of ${formatBytes(p.totalBytes)}` : ''}`,
        ),
    });
    const subject = await imageSubject(target.input, target.key, model);
    const findings = await checkImage(subject);
    const warnings = [...model.notes];
    const imageHistory = {
      diffIds: model.config.diffIds,
      history: model.config.history.map((h) => ({ createdBy: h.createdBy, emptyLayer: h.emptyLayer })),
    };
    const secretValues = [...subject.found];
    const entries = model.layers.reduce((n, layer) => n + layer.contents.files.length, 0);
    step.done(
      `${model.layers.length} layer${model.layers.length === 1 ? '' : 's'}, ${entries} files, ${findings.length} finding${findings.length === 1 ? '' : 's'}`,
    );
    return { result: { ...base, status: 'ok', durationMs: Date.now() - started, findings, warnings, imageHistory, secretValues }, model };
  } catch (error) {
    const message =
      error instanceof FormatError || error instanceof ToolError ? error.message : `reading ${target.input} failed: ${errorMessage(error)}`;
    step.failed('could not be read');
    return { result: { ...base, status: 'error', durationMs: Date.now() - started, findings: [], error: message, warnings: [] } };
  }
}

export async function scanDockerfile(dockerfile: string, workspace: string): Promise<ScanResult> {
  const started = Date.now();
  const base = { tool: 'bulkhead' as const, key: dockerfile, target: dockerfile, origin: 'run' as const, version: BULKHEAD_VERSION };
  try {
    const text = await readTextFile(resolve(workspace, dockerfile), dockerfile, MAX_DOCKERFILE_BYTES);
    const findings = checkDockerfile(dockerfile, text);
    return { ...base, status: 'ok', durationMs: Date.now() - started, findings, warnings: [] };
  } catch (error) {
    return {
      ...base,
      status: 'error',
      durationMs: Date.now() - started,
      findings: [],
      error: `reading ${dockerfile} failed: ${error instanceof Error ? error.message : String(error)}`,
      warnings: [],
    };
  }
}

/**
 * Rehearsals one image after another (each runs containers on the runner), each merged into its
 * image's result: findings beside the static ones, the record for the summary. A rehearsal the
 * engine cannot run makes the result an error, so that the gate fails closed as asked.
 */
async function rehearseAll(
  targets: readonly ImageTarget[],
  images: BuiltinImageResult[],
  config: RehearsalConfig,
  context: { workspace: string; env: NodeJS.ProcessEnv; logger: Logger; notes: string[] },
): Promise<void> {
  for (const [index, target] of targets.entries()) {
    const read = images[index];
    if (!read?.model) continue;
    if (target.source !== 'daemon') {
      context.notes.push(
        `${target.input} was not rehearsed: a rehearsal runs images of the local Docker engine; load it (docker load) and name it by its reference.`,
      );
      continue;
    }
    const subject = { input: target.input, key: target.key, model: read.model };
    try {
      const outcome = await rehearseImage(
        target.location,
        subject,
        config,
        { docker: 'docker', env: context.env, cwd: context.workspace },
        context.logger,
      );
      read.result = { ...read.result, findings: [...read.result.findings, ...outcome.findings], rehearsal: outcome.summary };
      context.notes.push(...outcome.summary.notes.map((note) => `Rehearsal of ${target.input}: ${note}`));
    } catch (error) {
      read.result = {
        ...read.result,
        status: 'error',
        error: `the rehearsal of ${target.input} could not run: ${error instanceof ToolError ? error.message.replace(/^rehearsal: /, '') : errorMessage(error)}`,
      };
    }
  }
}

export async function runBuiltin(
  {
    targets,
    scanners,
    rehearsal,
    exports,
    registry,
  }: Pick<Config, 'targets' | 'scanners'> & {
    rehearsal?: RehearsalConfig;
    exports?: ReadonlyMap<string, SharedExport>;
    registry?: RegistryConfig;
  },
  workloads: Omit<WorkloadSettings, 'timeoutMs'>,
  logger: Logger = silentLogger,
): Promise<{ results: ScanResult[]; notes: string[] }> {
  const notes: string[] = [];
  const access: RegistryAccess = {
    credentials: {
      env: workloads.env,
      ...(registry?.username && registry.password ? { explicit: { username: registry.username, password: registry.password } } : {}),
    },
    insecure: registry?.insecure ?? [],
  };
  const images = await Promise.all(
    targets.images.map(async (image) => {
      const shared = exports?.get(image.input);
      const read = await scanImage(image, {
        ...targets,
        timeoutMs: scanners.timeoutMs,
        env: workloads.env,
        logger,
        ...(shared ? { saveTo: shared.path } : {}),
        registry: access,
      });
      shared?.settle(read.result.status === 'ok');
      return read;
    }),
  );
  if (rehearsal?.enabled)
    await rehearseAll(targets.images, images, rehearsal, { workspace: targets.workspace, env: workloads.env, logger, notes });
  const dockerfiles = await Promise.all(targets.dockerfiles.map((d) => scanDockerfile(d, targets.workspace)));
  const manifests =
    targets.manifests.length > 0 || targets.compose.length > 0
      ? await scanWorkloads(
          targets,
          { ...workloads, timeoutMs: scanners.timeoutMs },
          targets.images.flatMap((image, i) => {
            const model = images[i]?.model;
            return model ? [imageFacts(image, model, images[i]?.result.rehearsal)] : [];
          }),
        )
      : { results: [], notes: [] };
  notes.push(...manifests.notes);
  return { results: [...images.map((i) => i.result), ...dockerfiles, ...manifests.results], notes };
}
