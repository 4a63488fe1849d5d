import type { RehearsalSummary } from '../../model/rehearsal.js';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { KUSTOMIZATION_FILES, type ManifestTarget, type TargetsConfig } from '../../config/types.js';
import type { ImageTarget } from '../../config/targets.js';
import type { ImageModel } from '../../image/read.js';
import type { ScanResult } from '../../model/scanResult.js';
import { BULKHEAD_VERSION } from '../../model/version.js';
import type { NetworkPolicyRequirement, PodSecurityRequirement } from '../../model/workload.js';
import { errorMessage, FormatError } from '../../util/errors.js';
import { readRegularFile } from '../../util/textFile.js';
import { readCompose } from '../../workloads/compose.js';
import { decodeFileCapabilities, normalizeReference, type ImageFacts } from '../../workloads/imageFacts.js';
import { analyzeWorkloads } from '../../workloads/index.js';
import { InterpolationError, interpolate, parseDotEnv } from '../../workloads/interpolate.js';
import { readKubernetes } from '../../workloads/kubernetes.js';
import { emptyManifestSet, type ManifestSet } from '../../workloads/model.js';
import { kustomizeTranslator, type LineTranslator } from '../../workloads/sourceMap.js';
import { parseYamlFile, type YamlFile } from '../../workloads/yamlView.js';
import { describeExit, findOnPath, runProcess, stderrTail } from '../process.js';

/**
 * The edge of the workload checks: reads manifests and Compose files (bounded, strict UTF-8),
 * renders kustomize directories with kubectl, and hands one ManifestSet to the pure analysis.
 * A file that cannot be read is an error result for that file: the gate fails closed on it.
 */

/** Larger manifests are refused: real ones are kilobytes; a generated bundle of a whole cluster stays well under this. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
const MAX_KUSTOMIZE_OUTPUT = 64 * 1024 * 1024;
const MAX_KUSTOMIZE_FILES = 1000;

export interface WorkloadSettings {
  podSecurity: PodSecurityRequirement;
  networkPolicies: NetworkPolicyRequirement;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

function readManifestText(targets: Pick<TargetsConfig, 'workspace'>, path: string): Promise<string> {
  return readRegularFile(resolve(targets.workspace, path), MAX_MANIFEST_BYTES, (detail) => new FormatError(path, detail), {
    strictUtf8: true,
  });
}

/** The facts the cross-checks need from an image bulkhead read, and the names a manifest may call it by. */
export function imageFacts(target: ImageTarget, model: ImageModel, rehearsal?: RehearsalSummary): ImageFacts {
  const names = new Set<string>();
  if (target.source === 'daemon' || target.source === 'registry') names.add(normalizeReference(target.location));
  if (target.reference) names.add(normalizeReference(target.reference));
  for (const tag of model.tags ?? []) names.add(normalizeReference(tag));
  const fileCapabilities: ImageFacts['fileCapabilities'][number][] = [];
  for (const placed of model.filesystem.files.values()) {
    if (placed.file.type !== 'file' || placed.file.capability === undefined) continue;
    const capabilities = decodeFileCapabilities(placed.file.capability);
    if (capabilities.length > 0) fileCapabilities.push({ path: `/${placed.file.path}`, capabilities });
  }
  return {
    reference: target.input,
    names: [...names],
    user: model.config.user,
    exposedPorts: model.config.exposedPorts,
    volumes: model.config.volumes,
    fileCapabilities,
    // Only a profile it really ran under replaces the guesses.
    ...(rehearsal?.verified
      ? {
          rehearsed: {
            durationMs: rehearsal.durationMs,
            user: rehearsal.verified.user,
            readOnly: rehearsal.verified.readOnly,
            volumes: ['/tmp', ...rehearsal.volumes],
            capabilities: rehearsal.verified.keptCapabilities,
          },
        }
      : {}),
  };
}

/** The files a kustomization (and the kustomizations it names) takes resources from, inside the workspace. */
async function kustomizeSources(workspace: string, directory: string): Promise<string[]> {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = async (dir: string, depth: number): Promise<void> => {
    if (seen.has(dir) || depth > 10 || files.size > MAX_KUSTOMIZE_FILES) return;
    seen.add(dir);
    const name = KUSTOMIZATION_FILES.find((f) => existsSync(join(dir, f)));
    if (!name) return;
    const rel = relative(workspace, join(dir, name)).split(sep).join('/');
    const kustomization = parseYamlFile(await readManifestText({ workspace }, rel), rel).documents[0];
    for (const field of ['resources', 'bases', 'components']) {
      for (const item of kustomization?.get(field)?.items(field) ?? []) {
        const entry = item.text(field) ?? '';
        if (/^[a-z]+:\/\//i.test(entry) || entry.startsWith('github.com/')) continue;
        const full = resolve(dir, entry);
        if (relative(workspace, full).startsWith('..')) continue;
        if (KUSTOMIZATION_FILES.some((f) => existsSync(join(full, f)))) await visit(full, depth + 1);
        else if (existsSync(full)) files.add(relative(workspace, full).split(sep).join('/'));
      }
    }
  };
  await visit(resolve(workspace, directory), 0);
  return [...files];
}

export interface Source {
  target: string;
  label: string;
  yaml?: YamlFile;
  translate?: LineTranslator;
  error?: string;
  notes: string[];
  /** Compose variables read with no value and no default, filled while the file is read. */
  unset?: Set<string>;
}

async function renderKustomize(target: ManifestTarget, targets: TargetsConfig, settings: WorkloadSettings): Promise<Source> {
  const kustomization = KUSTOMIZATION_FILES.find((f) => existsSync(resolve(targets.workspace, target.path, f))) ?? 'kustomization.yaml';
  const label = `${target.path === '' ? '' : `${target.path}/`}${kustomization}`;
  const base = { target: target.path, label, notes: [] };
  const kubectl = await findOnPath('kubectl', settings.env.PATH);
  if (!kubectl) {
    return {
      ...base,
      error: `${target.path} is a kustomize directory, and kubectl is not on PATH to render it (bulkhead runs \`kubectl kustomize\`); install kubectl, or list the rendered manifests instead.`,
    };
  }
  const ran = await runProcess(kubectl, ['kustomize', target.path === '' ? '.' : target.path], {
    cwd: targets.workspace,
    env: settings.env,
    timeoutMs: settings.timeoutMs,
    maxStdoutBytes: MAX_KUSTOMIZE_OUTPUT,
  });
  if (ran.spawnError || ran.timedOut || ran.signal || ran.exitCode !== 0 || ran.stdoutTruncated) {
    const why = ran.stdoutTruncated ? `wrote more than ${MAX_KUSTOMIZE_OUTPUT / 1048576} MiB` : describeExit(ran, settings.timeoutMs);
    return {
      ...base,
      error: `kubectl kustomize ${target.path || '.'} ${why}${stderrTail(ran.stderr) ? `: ${stderrTail(ran.stderr, 3)}` : ''}`,
    };
  }
  const yaml = parseYamlFile(ran.stdout, label);
  const bases: YamlFile[] = [];
  for (const file of await kustomizeSources(targets.workspace, target.path)) {
    bases.push(parseYamlFile(await readManifestText(targets, file), file));
  }
  return { ...base, yaml, translate: kustomizeTranslator(yaml, bases, label) };
}

export async function readComposeFile(path: string, targets: TargetsConfig, settings: WorkloadSettings): Promise<Source> {
  const notes: string[] = [];
  const dotEnvPath = join(dirname(path), '.env');
  const shell = (name: string) => settings.env[name];
  const dotEnv = existsSync(resolve(targets.workspace, dotEnvPath))
    ? parseDotEnv(await readManifestText(targets, dotEnvPath), shell)
    : new Map<string, string>();
  // Compose: the shell's environment wins over .env.
  const lookup = (name: string) => settings.env[name] ?? dotEnv.get(name);
  const unset = new Set<string>();
  const yaml = parseYamlFile(await readManifestText(targets, path), path, (text, line) => {
    try {
      return interpolate(text, lookup, unset);
    } catch (error) {
      if (error instanceof InterpolationError) throw new FormatError(`${path}:${line}`, `${error.message}.`);
      throw error;
    }
  });
  return { target: path, label: path, yaml, notes, unset };
}

async function readSource(
  kind: 'manifest' | 'compose',
  target: ManifestTarget,
  targets: TargetsConfig,
  settings: WorkloadSettings,
): Promise<Source> {
  try {
    if (kind === 'compose') return await readComposeFile(target.path, targets, settings);
    if (target.kind === 'kustomize') return await renderKustomize(target, targets, settings);
    return {
      target: target.path,
      label: target.path,
      yaml: parseYamlFile(await readManifestText(targets, target.path), target.path),
      notes: [],
    };
  } catch (error) {
    const message = error instanceof FormatError ? error.message : `reading ${target.path} failed: ${errorMessage(error)}`;
    return { target: target.path, label: target.path, error: message, notes: [] };
  }
}

function intoSet(source: Source, kind: 'manifest' | 'compose', set: ManifestSet): string | undefined {
  if (!source.yaml) return source.error;
  // Objects are read into a scratch set first, so that a file with an error adds nothing.
  const scratch = emptyManifestSet();
  try {
    if (kind === 'compose') readCompose(source.yaml, scratch, source.notes);
    else readKubernetes(source.yaml, scratch);
  } catch (error) {
    return error instanceof FormatError ? error.message : `reading ${source.target} failed: ${errorMessage(error)}`;
  }
  set.workloads.push(...scratch.workloads);
  set.networkPolicies.push(...scratch.networkPolicies);
  set.services.push(...scratch.services);
  set.ingresses.push(...scratch.ingresses);
  set.serviceAccounts.push(...scratch.serviceAccounts);
  set.namespaces.push(...scratch.namespaces);
  for (const [k, n] of scratch.skipped) set.skipped.set(k, (set.skipped.get(k) ?? 0) + n);
  return undefined;
}

/** Every manifest and Compose file of a scan, judged together (NetworkPolicies and Services reach across files). */
export async function scanWorkloads(
  targets: TargetsConfig,
  settings: WorkloadSettings,
  images: readonly ImageFacts[],
): Promise<{ results: ScanResult[]; notes: string[] }> {
  const started = Date.now();
  const sources = await Promise.all([
    ...targets.manifests.map((t) => readSource('manifest', t, targets, settings).then((s) => ({ s, kind: 'manifest' as const }))),
    ...targets.compose.map((path) =>
      readSource('compose', { kind: 'file', path }, targets, settings).then((s) => ({ s, kind: 'compose' as const })),
    ),
  ]);
  const set = emptyManifestSet();
  const errors = new Map<string, string>();
  for (const { s, kind } of sources) {
    const error = intoSet(s, kind, set);
    if (error) errors.set(s.label, error);
  }
  const translators = new Map(sources.flatMap(({ s }) => (s.translate ? [[s.label, s.translate] as const] : [])));
  const analysis = await analyzeWorkloads(set, {
    podSecurity: settings.podSecurity,
    networkPolicies: settings.networkPolicies,
    images,
    translate: (file, line) => translators.get(file)?.(line) ?? { file, line },
  });
  const notes = sources.flatMap(({ s }) => s.notes);
  for (const { s } of sources) {
    if (s.unset && s.unset.size > 0)
      notes.push(
        `${s.label}: ${[...s.unset].sort().join(', ')} ${s.unset.size === 1 ? 'is' : 'are'} not set; Compose reads an empty string.`,
      );
  }
  if (set.skipped.size > 0) {
    const kinds = [...set.skipped].map(([kind, n]) => `${n} ${kind}`).join(', ');
    notes.push(`The manifests hold objects the workload checks do not read, skipped: ${kinds}.`);
  }
  const durationMs = Date.now() - started;
  const secretValues = analysis.secretValues;
  const results: ScanResult[] = sources.map(({ s }) => {
    const base = {
      tool: 'bulkhead' as const,
      key: s.target,
      target: s.target,
      origin: 'run' as const,
      version: BULKHEAD_VERSION,
      durationMs,
      warnings: [],
    };
    const error = errors.get(s.label);
    if (error) return { ...base, status: 'error', findings: [], error };
    const workloads = analysis.workloads.filter((w) => w.source === s.label).map(({ source: _, ...summary }) => summary);
    return {
      ...base,
      status: 'ok',
      findings: analysis.findings.get(s.label) ?? [],
      workloads,
      ...(secretValues.length > 0 ? { secretValues } : {}),
    };
  });
  return { results, notes };
}
