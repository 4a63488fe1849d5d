import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { errorMessage, UsageError } from '../util/errors.js';
import { splitWords } from '../util/words.js';
import { workspacePath } from '../util/paths.js';
import { MAX_DOCKERFILE_BYTES } from '../util/textFile.js';
import { TOOLS, isSeverity, type Tool } from '../model/finding.js';
import {
  KUSTOMIZATION_FILES,
  TRIVY_PKG_TYPES,
  TRIVY_SCAN_KINDS,
  type Config,
  type ManifestTarget,
  type PublishConfig,
  type RegistryConfig,
  type RehearsalConfig,
  type RehearsalReady,
  type SbomFormat,
  type TargetsConfig,
  type TrivyPkgType,
  type TrivyScanKind,
} from './types.js';
import type { PodSecurityRequirement } from '../model/workload.js';
import { compileGlob, globFiles, hasGlob } from '../util/glob.js';
import { INPUTS, type InputName, type RawInputs } from './inputs.js';
import { normalizeVersion, resolveWanted } from '../releases/choose.js';
import { CATALOGS, type ScannerTool } from '../releases/catalog.js';
import { parseImageTarget } from './targets.js';

export interface ConfigContext {
  workspace: string;
  /** Extra, CLI-only settings that have no action input. */
  markdownFile?: string;
}

const DEFAULTS = Object.fromEntries(INPUTS.map((input) => [input.name, input.default])) as Record<InputName, string>;

/** Reads one input: trims, splits lists on new lines (and commas where a list allows it). */
function valueOf(raw: RawInputs, name: InputName): string {
  const value = raw[name];
  if (value === undefined) return DEFAULTS[name];
  return (typeof value === 'string' ? value : value.join('\n')).trim();
}

function listOf(raw: RawInputs, name: InputName, commas: boolean): string[] {
  const value = valueOf(raw, name);
  return value
    .split(commas ? /[\n,]/ : /\n/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0 && !item.startsWith('#'));
}

function optionalBoolean(raw: RawInputs, name: InputName): boolean | undefined {
  return valueOf(raw, name) === '' ? undefined : booleanOf(raw, name);
}

const TRUE_WORDS = ['true', 'yes', '1', 'on'];
const FALSE_WORDS = ['false', 'no', '0', 'off', ''];

function booleanOf(raw: RawInputs, name: InputName): boolean {
  const value = valueOf(raw, name).toLowerCase();
  if (TRUE_WORDS.includes(value)) return true;
  if (FALSE_WORDS.includes(value)) return false;
  throw new UsageError(`${name} is "${valueOf(raw, name)}"; set it to true or false.`);
}

function oneOf<T extends string>(raw: RawInputs, name: InputName, allowed: readonly T[]): T {
  const value = valueOf(raw, name).toLowerCase();
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${name} is "${valueOf(raw, name)}"; set it to one of: ${allowed.join(', ')}.`);
}

const MIN_DURATION_MS = 1000;
const MAX_DURATION_MS = 6 * 3_600_000;

export function parseDuration(text: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'] : NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${name} is "${text}"; write a duration such as 90s, 10m or 1h.`);
  }
  // A GitHub job runs at most 6 hours; Node's timers cannot wait more than about 24 days and fire
  // at once beyond that, which would turn a long limit into none at all.
  if (value < MIN_DURATION_MS || value > MAX_DURATION_MS) {
    throw new UsageError(`${name} is "${text}"; give a duration from 1s to 6h.`);
  }
  return value;
}

/** A file the user named must exist and be a regular file. */
function requireFile(workspace: string, path: string, name: InputName): string {
  const full = resolve(workspace, path);
  if (!existsSync(full)) throw new UsageError(`${name}: ${path} does not exist; check the path (it is relative to ${workspace}).`);
  const info = statSync(full);
  if (info.isDirectory()) throw new UsageError(`${name}: ${path} is a directory; give the path of a file.`);
  if (!info.isFile()) throw new UsageError(`${name}: ${path} is not a regular file (a device, FIFO or socket); give the path of a file.`);
  if (name === 'dockerfile' && info.size > MAX_DOCKERFILE_BYTES) {
    throw new UsageError(
      `dockerfile: ${path} is ${info.size} bytes, more than the ${MAX_DOCKERFILE_BYTES} bulkhead reads; is it a Dockerfile?`,
    );
  }
  return full;
}

function resolveDockerfiles(raw: RawInputs, workspace: string): string[] {
  const patterns = listOf(raw, 'dockerfile', false);
  if (patterns.length === 0) {
    // Found by default, so it is checked like a named one: a Dockerfile that is a link to a device is refused, not skipped.
    return existsSync(resolve(workspace, 'Dockerfile'))
      ? [workspacePath(workspace, requireFile(workspace, 'Dockerfile', 'dockerfile'))]
      : [];
  }
  const { include, keep } = pathPatterns(patterns, 'dockerfile');
  const files = new Set<string>();
  for (const pattern of include) {
    if (hasGlob(pattern)) {
      const matches = globFiles(workspace, pattern);
      if (matches.length === 0)
        throw new UsageError(`dockerfile: the pattern ${pattern} matches no file under ${workspace}; fix the pattern or remove it.`);
      matches.forEach((m) => files.add(m));
    } else {
      files.add(workspacePath(workspace, requireFile(workspace, pattern, 'dockerfile')));
    }
  }
  return keep([...files]);
}

/**
 * A path-list input's lines: patterns to include, and `!pattern` lines that leave out what the
 * others found, as in GitHub's `paths` filters. Leaving out everything is a mistake, said so.
 */
function pathPatterns(patterns: readonly string[], input: InputName): { include: string[]; keep: (files: string[]) => string[] } {
  const exclusions = patterns.filter((p) => p.startsWith('!')).map((p) => compileGlob(p.slice(1)));
  return {
    include: patterns.filter((p) => !p.startsWith('!')),
    keep: (files) => {
      const kept = files.filter((file) => !exclusions.some((glob) => glob.matches(file)));
      if (kept.length === 0 && files.length > 0)
        throw new UsageError(`${input}: the ! patterns leave out every file the others found; keep at least one.`);
      return kept;
    },
  };
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
const COMPOSE_DEFAULTS = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

/** A directory: rendered with kustomize when it has a kustomization, else its YAML and JSON files. */
function manifestDirectory(workspace: string, path: string, full: string): ManifestTarget[] {
  const relativePath = workspacePath(workspace, full);
  if (KUSTOMIZATION_FILES.some((name) => existsSync(resolve(full, name)))) return [{ kind: 'kustomize', path: relativePath }];
  const prefix = relativePath === '' || relativePath === '.' ? '' : `${relativePath}/`;
  const files = globFiles(workspace, `${prefix}**`).filter((f) => MANIFEST_FILE.test(f));
  if (files.length === 0)
    throw new UsageError(
      `manifests: the directory ${path} holds no .yaml, .yml or .json file and no kustomization.yaml; give files or a kustomize directory.`,
    );
  return files.map((f) => ({ kind: 'file', path: f }));
}

function resolveManifests(raw: RawInputs, workspace: string): ManifestTarget[] {
  const targets = new Map<string, ManifestTarget>();
  const add = (target: ManifestTarget) => targets.set(`${target.kind}:${target.path}`, target);
  const { include, keep } = pathPatterns(listOf(raw, 'manifests', false), 'manifests');
  for (const pattern of include) {
    if (hasGlob(pattern)) {
      const matches = globFiles(workspace, pattern);
      if (matches.length === 0)
        throw new UsageError(`manifests: the pattern ${pattern} matches no file under ${workspace}; fix the pattern or remove it.`);
      matches.forEach((path) => add({ kind: 'file', path }));
      continue;
    }
    const full = resolve(workspace, pattern);
    if (existsSync(full) && statSync(full).isDirectory()) manifestDirectory(workspace, pattern, full).forEach(add);
    else add({ kind: 'file', path: workspacePath(workspace, requireFile(workspace, pattern, 'manifests')) });
  }
  const kept = new Set(keep([...targets.values()].map((t) => t.path)));
  return [...targets.values()].filter((t) => kept.has(t.path));
}

/** mode: merge's reports: files or globs, each must match; the order given, duplicates once. */
function resolveReports(raw: RawInputs, workspace: string): string[] {
  const patterns = listOf(raw, 'reports', false);
  if (patterns.length === 0) {
    throw new UsageError('mode: merge needs reports: the report-files of the jobs to merge, one path or glob per line.');
  }
  const files = new Set<string>();
  for (const pattern of patterns) {
    if (hasGlob(pattern)) {
      const matches = globFiles(workspace, pattern);
      if (matches.length === 0)
        throw new UsageError(`reports: the pattern ${pattern} matches no file under ${workspace}; did the artifacts download there?`);
      for (const match of matches) files.add(resolve(workspace, match));
    } else files.add(requireFile(workspace, pattern, 'reports'));
  }
  return [...files];
}

function resolveCompose(raw: RawInputs, workspace: string): { files: string[]; explicit: boolean } {
  const patterns = listOf(raw, 'compose', false);
  if (patterns.length === 0) {
    const found = COMPOSE_DEFAULTS.find((name) => existsSync(resolve(workspace, name)));
    return { files: found ? [workspacePath(workspace, requireFile(workspace, found, 'compose'))] : [], explicit: false };
  }
  const { include, keep } = pathPatterns(patterns, 'compose');
  const files = new Set<string>();
  for (const pattern of include) {
    if (hasGlob(pattern)) {
      const matches = globFiles(workspace, pattern);
      if (matches.length === 0)
        throw new UsageError(`compose: the pattern ${pattern} matches no file under ${workspace}; fix the pattern or remove it.`);
      matches.forEach((m) => files.add(m));
    } else files.add(workspacePath(workspace, requireFile(workspace, pattern, 'compose')));
  }
  return { files: keep([...files]), explicit: true };
}

/**
 * `tools`, or its former name `scanners` with a deprecation warning. trivy-action's `scanners`
 * means Trivy's scan kinds: a migrating user who writes `scanners: vuln,secret` is told where
 * those go instead of having them read as tool names.
 */
function resolveTools(raw: RawInputs, warnings: string[]): { tools: Tool[]; explicit: boolean } {
  const legacy = listOf(raw, 'scanners', true).map((s) => s.toLowerCase());
  const toolsGiven = raw.tools !== undefined && valueOf(raw, 'tools') !== DEFAULTS.tools;
  let input: 'tools' | 'scanners' = 'tools';
  let names = listOf(raw, 'tools', true).map((s) => s.toLowerCase());
  if (legacy.length > 0) {
    if (legacy.every((name) => (TRIVY_SCAN_KINDS as readonly string[]).includes(name))) {
      throw new UsageError(
        `scanners names Trivy's scan kinds (${legacy.join(', ')}), as in trivy-action; in bulkhead write them as trivy-scanners: ${legacy.join(',')}.`,
      );
    }
    if (toolsGiven) throw new UsageError('both tools and scanners are set; keep tools (scanners is its former name) and remove scanners.');
    warnings.push('the input scanners is now called tools; rename it, as scanners stops working in bulkhead 0.3.0.');
    input = 'scanners';
    names = legacy;
  }
  const unknown = names.filter((name) => !(TOOLS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    const kinds = unknown.filter((name) => (TRIVY_SCAN_KINDS as readonly string[]).includes(name));
    const hint = kinds.length > 0 ? `; Trivy's scan kinds (${kinds.join(', ')}) go in trivy-scanners` : '';
    throw new UsageError(
      `${input} has ${unknown.map((u) => `"${u}"`).join(', ')}, which bulkhead does not run; the tools are ${TOOLS.join(', ')}${hint}.`,
    );
  }
  if (names.length === 0) throw new UsageError(`${input} is empty; name at least one of ${TOOLS.join(', ')}.`);
  return { tools: [...new Set(names as Tool[])], explicit: toolsGiven || legacy.length > 0 };
}

function resolveTrivyScanKinds(raw: RawInputs): TrivyScanKind[] {
  const names = listOf(raw, 'trivy-scanners', true).map((s) => s.toLowerCase());
  const unknown = names.filter((name) => !(TRIVY_SCAN_KINDS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `trivy-scanners has ${unknown.map((u) => `"${u}"`).join(', ')}; Trivy's scan kinds are ${TRIVY_SCAN_KINDS.join(', ')}.`,
    );
  }
  if (names.length === 0) throw new UsageError(`trivy-scanners is empty; name at least one of ${TRIVY_SCAN_KINDS.join(', ')}.`);
  return [...new Set(names as TrivyScanKind[])];
}

function resolveTrivyPkgTypes(raw: RawInputs): TrivyPkgType[] {
  const names = listOf(raw, 'trivy-pkg-types', true).map((s) => s.toLowerCase());
  const unknown = names.filter((name) => !(TRIVY_PKG_TYPES as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new UsageError(
      `trivy-pkg-types has ${unknown.map((u) => `"${u}"`).join(', ')}; Trivy's package types are ${TRIVY_PKG_TYPES.join(', ')}.`,
    );
  if (names.length === 0) throw new UsageError(`trivy-pkg-types is empty; name os, library or both.`);
  return [...new Set(names as TrivyPkgType[])];
}

/**
 * Paths inside the image for --skip-dirs / --skip-files, one per line. Trivy splits a flag's value
 * at commas, so a path with one cannot be passed as it is: refused rather than split in two.
 */
function trivyPaths(raw: RawInputs, input: 'trivy-skip-dirs' | 'trivy-skip-files'): string[] {
  const paths = listOf(raw, input, false);
  const comma = paths.find((p) => p.includes(','));
  if (comma !== undefined)
    throw new UsageError(
      `${input} has "${comma}", with a comma, which Trivy would read as two paths; give one path per line, without commas.`,
    );
  return paths;
}

function resolvePolicy(raw: RawInputs, workspace: string): string | undefined {
  const given = valueOf(raw, 'policy');
  if (given) return requireFile(workspace, given, 'policy');
  const fallback = resolve(workspace, '.bulkhead.yml');
  return existsSync(fallback) ? fallback : undefined;
}

/** A version choice that can never install is refused here, before anything runs. */
function scannerChoice(raw: RawInputs, workspace: string, tool: ScannerTool): { version?: string; sha256?: string; path?: string } {
  const versionText = valueOf(raw, `${tool}-version`);
  const sha256 = valueOf(raw, `${tool}-sha256`).toLowerCase();
  const pathText = valueOf(raw, `${tool}-path`);
  if (versionText && !/^v?\d+\.\d+\.\d+$/.test(versionText)) {
    throw new UsageError(`${tool}-version is "${versionText}"; write a release version such as ${CATALOGS[tool].pinned}.`);
  }
  if (sha256 && !/^[0-9a-f]{64}$/.test(sha256)) throw new UsageError(`${tool}-sha256 must be 64 hexadecimal characters (a sha256 digest).`);
  if (pathText && (versionText || sha256)) {
    throw new UsageError(
      `${tool}-path runs the given executable as it is; remove ${tool}-version and ${tool}-sha256, or remove ${tool}-path.`,
    );
  }
  const version = versionText ? normalizeVersion(versionText) : undefined;
  if (version || sha256) {
    // Refusals and unknown versions do not depend on the platform: check them with any.
    resolveWanted({ tool, platform: 'linux-x64', ...(version ? { version } : {}), ...(sha256 ? { sha256 } : {}) });
  }
  return {
    ...(version ? { version } : {}),
    ...(sha256 ? { sha256 } : {}),
    ...(pathText ? { path: requireFile(workspace, pathText, `${tool}-path`) } : {}),
  };
}

function publishOf(raw: RawInputs, targets: TargetsConfig, tools: readonly Tool[], token: string): PublishConfig {
  return {
    uploadSarif: booleanOf(raw, 'upload-sarif'),
    dependencyGraph: dependencyGraphOf(raw, targets, tools),
    comment: oneOf(raw, 'comment', ['always', 'on-failure', 'never'] as const),
    resolvedComment: oneOf(raw, 'resolved-comment', ['update', 'delete'] as const),
    annotations: booleanOf(raw, 'annotations'),
    ...(token && !token.startsWith('${{') ? { githubToken: token } : {}),
  };
}

/** How many images Trivy's package list can come from: images it scans, and Trivy reports. */
function trivyImageCount(targets: TargetsConfig, tools: readonly Tool[], input: 'dependency-graph' | 'sbom-file'): number {
  const count = (tools.includes('trivy') ? targets.images.length : 0) + targets.trivyReports.length;
  if (count === 0)
    throw new UsageError(`${input} takes the packages Trivy finds in an image; give an image (with trivy in tools) or a trivy-report.`);
  return count;
}

/** dependency-graph submits the packages Trivy lists, so it needs an image Trivy scans. */
function dependencyGraphOf(raw: RawInputs, targets: TargetsConfig, tools: readonly Tool[]): boolean {
  return booleanOf(raw, 'dependency-graph') && trivyImageCount(targets, tools, 'dependency-graph') > 0;
}

/** sbom-file describes one image that Trivy scans (or a Trivy report of one). */
function sbomOf(
  raw: RawInputs,
  workspace: string,
  targets: TargetsConfig,
  tools: readonly Tool[],
): { sbom?: { file: string; format: SbomFormat } } {
  const file = valueOf(raw, 'sbom-file');
  const format = oneOf(raw, 'sbom-format', ['cyclonedx', 'spdx'] as const);
  if (!file) return {};
  const images = trivyImageCount(targets, tools, 'sbom-file');
  if (images > 1)
    throw new UsageError(`sbom-file describes one image, and this run scans ${images}; write the SBOM in a job per image (a matrix).`);
  return { sbom: { file: resolve(workspace, file), format } };
}

function trustedRoot(raw: RawInputs, workspace: string): { trustedRootFile?: string } {
  const path = valueOf(raw, 'sigstore-trusted-root');
  return path ? { trustedRootFile: requireFile(workspace, path, 'sigstore-trusted-root') } : {};
}

function releaseMirror(raw: RawInputs): string {
  const text = valueOf(raw, 'release-mirror') || DEFAULTS['release-mirror'];
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`release-mirror is "${text}"; write a URL such as https://github.com.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError(`release-mirror must be an http or https URL, not ${url.protocol}.`);
  return text.replace(/\/+$/, '');
}

function platformOf(raw: RawInputs): string {
  const text = (valueOf(raw, 'platform') || DEFAULTS.platform).toLowerCase();
  if (!/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(text)) {
    throw new UsageError(
      `platform is "${valueOf(raw, 'platform')}"; write it as os/arch or os/arch/variant, e.g. linux/amd64 or linux/arm64/v8.`,
    );
  }
  return text;
}

/** What to scan: images, Dockerfiles, manifests, Compose files and the reports that stand in for scanners. */
function targetsOf(raw: RawInputs, workspace: string): TargetsConfig {
  const images = listOf(raw, 'image', false).map(parseImageTarget);
  for (const image of images) {
    if (image.source !== 'daemon' && image.source !== 'registry') {
      const full = resolve(workspace, image.location);
      if (!existsSync(full)) throw new UsageError(`image: ${image.location} does not exist; check the path in "${image.input}".`);
    }
  }
  const trivyReports = listOf(raw, 'trivy-report', false).map((p) => requireFile(workspace, p, 'trivy-report'));
  const hadolintReports = listOf(raw, 'hadolint-report', false).map((p) => requireFile(workspace, p, 'hadolint-report'));
  const compose = resolveCompose(raw, workspace);
  return {
    workspace,
    images,
    dockerfiles: resolveDockerfiles(raw, workspace),
    manifests: resolveManifests(raw, workspace),
    compose: compose.files,
    composeExplicit: compose.explicit,
    platform: platformOf(raw),
    trivyReports,
    hadolintReports,
  };
}

/** Validates every input once, up front; the first problem is reported as one sentence. */
/** Trivy's database mirrors: OCI repositories, never anything Trivy could read as a flag. */
function ociRepositories(raw: RawInputs, name: 'trivy-db-repository' | 'trivy-java-db-repository', example: string): string[] {
  const repositories = listOf(raw, name, true);
  for (const repository of repositories) {
    if (!/^[a-z0-9][a-z0-9.:/_-]*[a-z0-9](:[\w.-]+)?$/i.test(repository) || repository.startsWith('-')) {
      throw new UsageError(`${name} "${repository}" is not an OCI repository; write one such as ${example}.`);
    }
  }
  return repositories;
}

/** Trivy's slice: version choice, database mirrors, scan kinds, skipped paths, package types. */
function trivySlice(raw: RawInputs, workspace: string): Config['scanners']['trivy'] {
  const dbRepositories = ociRepositories(raw, 'trivy-db-repository', 'mirror.gcr.io/aquasec/trivy-db:2');
  const javaDbRepositories = ociRepositories(raw, 'trivy-java-db-repository', 'mirror.gcr.io/aquasec/trivy-java-db:1');
  return {
    ...scannerChoice(raw, workspace, 'trivy'),
    dbRepositories,
    javaDbRepositories,
    scanKinds: resolveTrivyScanKinds(raw),
    skipDirs: trivyPaths(raw, 'trivy-skip-dirs'),
    skipFiles: trivyPaths(raw, 'trivy-skip-files'),
    pkgTypes: resolveTrivyPkgTypes(raw),
  };
}

const DEFAULT_REHEARSAL_MS = 10_000;
const MAX_REHEARSAL_MS = 10 * 60_000;

/** The rehearsal slice: off unless `rehearse` says true or a duration. */
function rehearsalSlice(raw: RawInputs): RehearsalConfig {
  // A boolean as every boolean input reads it (true means 10 s), else a duration.
  const text = valueOf(raw, 'rehearse').toLowerCase();
  const enabled = !FALSE_WORDS.includes(text);
  const durationMs = !enabled || TRUE_WORDS.includes(text) ? DEFAULT_REHEARSAL_MS : parseDuration(text, 'rehearse');
  if (durationMs > MAX_REHEARSAL_MS) {
    throw new UsageError(
      `rehearse is "${valueOf(raw, 'rehearse')}"; a rehearsal lasts at most 10m (it runs 4 times as long to explain a failure).`,
    );
  }
  const commandText = valueOf(raw, 'rehearse-command');
  const command = commandText === '' ? undefined : splitWords(commandText);
  if (command === undefined && commandText !== '') {
    throw new UsageError(`rehearse-command has a quote that is not closed: ${commandText}; close it or remove it.`);
  }
  const env = listOf(raw, 'rehearse-env', false);
  for (const entry of env) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(entry)) {
      throw new UsageError(`rehearse-env has "${entry.split('=')[0]}", which is not NAME=value; write one NAME=value per line.`);
    }
  }
  const readyText = valueOf(raw, 'rehearse-ready');
  let ready: RehearsalReady | undefined;
  if (readyText.startsWith('log:')) {
    const pattern = readyText.slice(4);
    try {
      new RegExp(pattern);
    } catch (error) {
      throw new UsageError(`rehearse-ready: ${pattern} is not a regular expression (${errorMessage(error)}); fix it.`);
    }
    ready = { kind: 'log', pattern };
  } else if (readyText.startsWith('exec:')) {
    const argv = splitWords(readyText.slice(5));
    if (!argv || argv.length === 0) {
      throw new UsageError(`rehearse-ready "${readyText}" names no command, or leaves a quote open; write exec:COMMAND ARGS.`);
    }
    ready = { kind: 'exec', argv };
  } else if (readyText !== '') {
    throw new UsageError(`rehearse-ready is "${readyText}"; write log:REGEX or exec:COMMAND (e.g. exec:wget -qO- 127.0.0.1:8080/healthz).`);
  }
  return {
    enabled,
    durationMs,
    ...(command && command.length > 0 ? { command } : {}),
    env,
    ...(ready ? { ready } : {}),
    forks: booleanOf(raw, 'rehearse-forks'),
  };
}

/** Registry credentials come as a pair; insecure hosts as host:port, checked once here. */
function registrySlice(raw: RawInputs): RegistryConfig {
  const username = valueOf(raw, 'registry-username');
  const password = valueOf(raw, 'registry-password');
  if ((username === '') !== (password === '')) {
    // Never echo the password: name only which half is missing.
    throw new UsageError(
      username === ''
        ? 'registry-password is set but registry-username is not; set both, or neither to use ~/.docker/config.json.'
        : 'registry-username is set but registry-password is not; set both, or neither to use ~/.docker/config.json.',
    );
  }
  const insecure = listOf(raw, 'registry-insecure', true).map((entry) => {
    const host = entry
      .toLowerCase()
      .replace(/^https?:\/\//, '')
      .replace(/\/+$/, '');
    if (!/^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/.test(host)) {
      throw new UsageError(`registry-insecure has "${entry}", which is not host:port; write one registry per line, e.g. localhost:5000.`);
    }
    return host;
  });
  return { ...(username ? { username, password } : {}), insecure };
}

export function parseConfig(raw: RawInputs, context: ConfigContext): Config {
  const workspace = resolve(context.workspace);
  if (!existsSync(workspace) || !statSync(workspace).isDirectory()) {
    throw new UsageError(`the workspace ${workspace} is not a directory.`);
  }
  const failOnText = valueOf(raw, 'fail-on').toLowerCase();
  if (failOnText !== '' && failOnText !== 'none' && !isSeverity(failOnText)) {
    throw new UsageError(`fail-on is "${valueOf(raw, 'fail-on')}"; set it to critical, high, medium, low or none.`);
  }
  if (failOnText === 'info') {
    throw new UsageError('fail-on cannot be info; the lowest gate is low (use none to report without gating).');
  }
  const token = valueOf(raw, 'github-token');
  const trivy = trivySlice(raw, workspace);
  const hadolint = scannerChoice(raw, workspace, 'hadolint');
  const policyFile = resolvePolicy(raw, workspace);
  const baseline = valueOf(raw, 'baseline');
  const ignoreUnfixed = optionalBoolean(raw, 'ignore-unfixed');
  const onlyNew = optionalBoolean(raw, 'only-new');
  const podSecurity =
    valueOf(raw, 'pod-security') === ''
      ? undefined
      : oneOf<PodSecurityRequirement>(raw, 'pod-security', ['restricted', 'baseline', 'none']);
  const workspaceTargets = targetsOf(raw, workspace);
  const warnings: string[] = [];
  const { tools, explicit } = resolveTools(raw, warnings);
  const rehearsal = rehearsalSlice(raw);
  const mode = oneOf(raw, 'mode', ['scan', 'merge', 'publish'] as const);
  if (rehearsal.enabled && !tools.includes('bulkhead')) {
    throw new UsageError(
      `rehearse is part of bulkhead's own checks; add bulkhead to tools (now ${tools.join(', ')}) or set rehearse to false.`,
    );
  }
  if ((workspaceTargets.manifests.length > 0 || workspaceTargets.composeExplicit) && !tools.includes('bulkhead')) {
    throw new UsageError(`manifests and compose are checked by bulkhead's own rules; add bulkhead to tools (now ${tools.join(', ')}).`);
  }
  return deepFreeze({
    mode,
    merge: { reports: mode === 'merge' ? resolveReports(raw, workspace) : [], sarif: mode === 'merge' && booleanOf(raw, 'merge-sarif') },
    targets: workspaceTargets,
    scanners: {
      tools,
      explicit,
      trivy,
      hadolint: { ...hadolint, darwinArm64: oneOf(raw, 'hadolint-darwin-arm64', ['rosetta', 'skip'] as const) },
      releaseMirror: releaseMirror(raw),
      ...trustedRoot(raw, workspace),
      trivyCache: booleanOf(raw, 'trivy-cache'),
      timeoutMs: parseDuration(valueOf(raw, 'timeout'), 'timeout'),
    },
    policy: {
      ...(failOnText ? { failOn: failOnText } : {}),
      ...(ignoreUnfixed !== undefined ? { ignoreUnfixed } : {}),
      ...(onlyNew !== undefined ? { onlyNew } : {}),
      ...(baseline ? { baselineFile: requireFile(workspace, baseline, 'baseline') } : {}),
      vexFiles: listOf(raw, 'vex', false).map((p) => requireFile(workspace, p, 'vex')),
      trivyIgnoreFiles: listOf(raw, 'trivyignores', true).map((p) => requireFile(workspace, p, 'trivyignores')),
      ...(policyFile ? { policyFile } : {}),
      ...(podSecurity ? { podSecurity } : {}),
      scannerError: oneOf(raw, 'scanner-error', ['fail', 'warn'] as const),
    },
    reports: {
      sarifFile: resolve(workspace, valueOf(raw, 'sarif-file') || DEFAULTS['sarif-file']),
      reportFile: resolve(workspace, valueOf(raw, 'report-file') || DEFAULTS['report-file']),
      ...(context.markdownFile ? { markdownFile: resolve(workspace, context.markdownFile) } : {}),
      ...sbomOf(raw, workspace, workspaceTargets, tools),
      category: valueOf(raw, 'category') || 'bulkhead',
    },
    publish: publishOf(raw, workspaceTargets, tools, token),
    rehearsal,
    registry: registrySlice(raw),
    warnings,
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
