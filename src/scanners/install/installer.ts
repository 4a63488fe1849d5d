import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as toolCache from '@actions/tool-cache';
import { ToolError, UsageError, errorMessage } from '../../util/errors.js';
import { findOnPath, isExecutable, runProcess } from '../process.js';
import { downloadFile } from './download.js';
import type { TrustMaterial } from '@sigstore/verify';
import { MAX_BUNDLE_BYTES, trustMaterialOf, verifyAssetSignature } from './signature.js';
import { resolveWanted, type SignaturePolicy, type Wanted } from '../../releases/choose.js';
import { CATALOGS, type PlatformKey, type ScannerTool } from '../../releases/catalog.js';
import { SIGSTORE_PUBLIC_GOOD_TRUSTED_ROOT } from '../../releases/sigstoreTrustedRoot.js';

export interface InstallRequest {
  tool: ScannerTool;
  /** A version the user chose; the pinned one otherwise. */
  version?: string;
  /** The asset's sha256, required for a version bulkhead does not list. */
  sha256?: string;
  /** An executable to use as it is, whatever its version. */
  executablePath?: string;
  /** Base URL that serves `<owner>/<repo>/releases/download/…` like github.com. */
  mirror: string;
  /** A Sigstore trusted_root.json to verify release signatures against; the public-good root otherwise. */
  trustedRootFile?: string;
  platform: PlatformKey;
  toolCacheDir: string;
  tempDir: string;
  /** Where to look for an installed scanner; PATH of the environment. */
  searchPath?: string;
  /** Environment for asking a scanner its version. */
  env?: NodeJS.ProcessEnv;
  downloadTimeoutMs: number;
  stallTimeoutMs: number;
}

export type InstallSource = 'given' | 'path' | 'tool-cache' | 'download';

export interface InstalledTool {
  tool: ScannerTool;
  path: string;
  version: string;
  /** sha256 of the executable that runs. */
  sha256: string;
  source: InstallSource;
  /** What happened, for the log: which binary, from where. */
  log: string[];
}

const MAX_ASSET_BYTES = 512 * 1024 * 1024;
const CHECKSUM_FILE = '.bulkhead-executable.sha256';

export { platformKey } from './platform.js';

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Asks a scanner binary for its version (`trivy --version`, `hadolint --version`). */
export async function versionOf(executable: string, tool: ScannerTool, env?: NodeJS.ProcessEnv): Promise<string | undefined> {
  const ran = await runProcess(executable, ['--version'], {
    cwd: process.cwd(),
    timeoutMs: 30_000,
    maxStdoutBytes: 64 * 1024,
    ...(env ? { env } : {}),
  });
  if (ran.spawnError || ran.exitCode !== 0) return undefined;
  const match =
    (tool === 'trivy' ? /Version:\s*v?(\d+\.\d+\.\d+\S*)/ : /(\d+\.\d+\.\d+)/).exec(ran.stdout) ?? /(\d+\.\d+\.\d+)/.exec(ran.stdout);
  return match?.[1];
}

async function findExecutable(dir: string, name: string): Promise<string | undefined> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const matches = entries.filter((e) => e.isFile() && e.name === name).map((e) => join(e.parentPath, e.name));
  return matches.length === 1 ? matches[0] : undefined;
}

/** A tool-cache entry is trusted only while its executable still hashes to what was installed. */
async function fromToolCache(request: InstallRequest, wanted: Wanted, arch: string, log: string[]): Promise<InstalledTool | undefined> {
  const dir = toolCache.find(request.tool, wanted.version, arch);
  if (!dir) return undefined;
  const executable = join(dir, CATALOGS[request.tool].executable(request.platform));
  const recorded = (await readFile(join(dir, CHECKSUM_FILE), 'utf8').catch(() => '')).trim();
  const actual = (await isExecutable(executable)) ? await sha256Of(executable) : '';
  const expected = wanted.asset.kind === 'binary' && wanted.proof.kind === 'sha256' ? wanted.proof.sha256 : recorded;
  if (!actual || actual !== expected) {
    log.push(`The cached ${request.tool} ${wanted.version} in ${dir} does not match what was installed; installing it again.`);
    return undefined;
  }
  log.push(`Using ${request.tool} ${wanted.version} from the tool cache: ${executable} (sha256 ${actual}).`);
  return { tool: request.tool, path: executable, version: wanted.version, sha256: actual, source: 'tool-cache', log };
}

function provenBySha256(tool: ScannerTool, name: string, url: string, actual: string, expected: string): string {
  if (actual !== expected) {
    throw new ToolError(
      tool,
      `the download of ${name} from ${url} has sha256 ${actual}, not the ${expected} bulkhead expects; it was deleted and not run (a corrupted or replaced release?).`,
    );
  }
  return `sha256 ${actual} matches`;
}

async function trustMaterialFor(request: InstallRequest): Promise<TrustMaterial> {
  if (!request.trustedRootFile) return trustMaterialOf(SIGSTORE_PUBLIC_GOOD_TRUSTED_ROOT);
  try {
    return trustMaterialOf(JSON.parse(await readFile(request.trustedRootFile, 'utf8')));
  } catch (error) {
    throw new UsageError(
      `sigstore-trusted-root ${request.trustedRootFile} is not a Sigstore trusted root: ${errorMessage(error)}; give the trusted_root.json of your Sigstore instance, or remove sigstore-trusted-root.`,
    );
  }
}

/** A release without a shipped sha256 runs only when its Sigstore bundle proves who built it. */
async function provenBySignature(
  request: InstallRequest,
  policy: SignaturePolicy,
  archive: string,
  url: string,
  work: string,
): Promise<string> {
  const trust = await trustMaterialFor(request);
  const bundleUrl = `${url.slice(0, url.lastIndexOf('/'))}/${policy.bundleName}`;
  const bundleFile = join(work, policy.bundleName);
  const name = basename(archive);
  const refuse = (why: string): never => {
    throw new ToolError(
      request.tool,
      `${name} was deleted and not run: ${why} (bulkhead ships no sha256 for it, so only a valid signature lets it run: give ${request.tool}-sha256 from a source you trust, or use the pinned version).`,
    );
  };
  await downloadFile(bundleUrl, bundleFile, request.tool, {
    timeoutMs: request.downloadTimeoutMs,
    stallTimeoutMs: request.stallTimeoutMs,
    maxBytes: MAX_BUNDLE_BYTES,
  }).catch((error: unknown) => refuse(`its signature bundle could not be fetched (${errorMessage(error).replace(/^[a-z]+: /, '')})`));
  // The asset is read whole because the signature is over its bytes; release archives are tens of MB.
  const verdict = verifyAssetSignature(await readFile(archive), await readFile(bundleFile, 'utf8'), policy, trust);
  if (!verdict.ok) return refuse(`its signature bundle ${policy.bundleName} does not prove it: ${verdict.reason}`);
  return `its Sigstore signature verifies (signed by ${verdict.identity}, issuer ${verdict.issuer}, transparency-log entry ${verdict.logIndex})`;
}

async function download(request: InstallRequest, wanted: Wanted, arch: string, log: string[]): Promise<InstalledTool> {
  const catalog = CATALOGS[request.tool];
  const url = `${request.mirror.replace(/\/+$/, '')}/${catalog.repository}/releases/download/v${wanted.version}/${wanted.asset.name}`;
  const work = join(request.tempDir, `bulkhead-install-${randomUUID()}`);
  await mkdir(work, { recursive: true });
  try {
    const archive = join(work, wanted.asset.name);
    const got = await downloadFile(url, archive, request.tool, {
      timeoutMs: request.downloadTimeoutMs,
      stallTimeoutMs: request.stallTimeoutMs,
      maxBytes: MAX_ASSET_BYTES,
    });
    const proven =
      wanted.proof.kind === 'sha256'
        ? provenBySha256(request.tool, wanted.asset.name, url, got.sha256, wanted.proof.sha256)
        : await provenBySignature(request, wanted.proof, archive, url, work);
    const unpacked = join(work, 'unpacked');
    await mkdir(unpacked);
    const executableName = catalog.executable(request.platform);
    try {
      if (wanted.asset.kind === 'tar.gz') await toolCache.extractTar(archive, unpacked);
      else if (wanted.asset.kind === 'zip') await toolCache.extractZip(archive, unpacked);
      else await copyFile(archive, join(unpacked, executableName));
    } catch (error) {
      throw new ToolError(request.tool, `${wanted.asset.name} could not be unpacked: ${errorMessage(error)}`);
    }
    const found = await findExecutable(unpacked, executableName);
    if (!found) throw new ToolError(request.tool, `${wanted.asset.name} does not hold exactly one ${executableName}.`);
    const staged = join(work, 'staged');
    await mkdir(staged);
    const stagedExecutable = join(staged, executableName);
    await copyFile(found, stagedExecutable);
    await chmod(stagedExecutable, 0o755);
    const sha256 = await sha256Of(stagedExecutable);
    await writeFile(join(staged, CHECKSUM_FILE), `${sha256}\n`);
    // cacheDir writes its `.complete` marker last: an interrupted install is never found.
    const cached = await toolCache.cacheDir(staged, request.tool, wanted.version, arch);
    const executable = join(cached, executableName);
    log.push(`Downloaded ${wanted.asset.name} from ${url}; ${proven}; installed ${executable}.`);
    return { tool: request.tool, path: executable, version: wanted.version, sha256, source: 'download', log };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Finds or installs the scanner to run: the executable the user named; else one on PATH whose
 * version is the wanted one; else the tool cache; else a verified download.
 */
export async function installScanner(request: InstallRequest): Promise<InstalledTool> {
  const log: string[] = [];
  if (request.executablePath) {
    if (!(await isExecutable(request.executablePath))) {
      throw new UsageError(
        `${request.tool}-path ${request.executablePath} is not an executable file; give the path of the ${request.tool} binary.`,
      );
    }
    const version = (await versionOf(request.executablePath, request.tool, request.env)) ?? 'unknown';
    const sha256 = await sha256Of(request.executablePath);
    log.push(`Using ${request.tool} ${version} as given: ${request.executablePath} (sha256 ${sha256}).`);
    return { tool: request.tool, path: request.executablePath, version, sha256, source: 'given', log };
  }
  const wanted = resolveWanted(request);
  const arch = request.platform.split('-')[1] ?? process.arch;
  const onPath = await findOnPath(CATALOGS[request.tool].executable(request.platform), request.searchPath);
  if (onPath) {
    const version = await versionOf(onPath, request.tool, request.env);
    if (version === wanted.version) {
      const sha256 = await sha256Of(onPath);
      log.push(`Using ${request.tool} ${version} found on PATH: ${onPath} (sha256 ${sha256}).`);
      return { tool: request.tool, path: onPath, version, sha256, source: 'path', log };
    }
    log.push(`${onPath} is ${request.tool} ${version ?? 'of unknown version'}, not ${wanted.version}: not used.`);
  }
  // @actions/tool-cache reads its root from the environment.
  process.env.RUNNER_TOOL_CACHE = request.toolCacheDir;
  process.env.RUNNER_TEMP ??= request.tempDir;
  await mkdir(request.toolCacheDir, { recursive: true });
  return (await fromToolCache(request, wanted, arch, log)) ?? download(request, wanted, arch, log);
}
