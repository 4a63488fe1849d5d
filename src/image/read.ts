import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { constants } from 'node:fs';
import { open, realpath, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageTarget } from '../config/targets.js';
import { followArchiveLinks, readImageArchive, type ArchiveContents } from './archive.js';
import { parseImageConfig, type ImageConfig } from './config.js';
import { asSentence, errorMessage, FormatError, ToolError } from '../util/errors.js';
import { readLayer, type ContentWanted, type LayerContents } from './layer.js';
import { algorithmOf, digestOf, digesting, StreamDigest, verifyBlob, type BlobClaim } from './digest.js';
import { blobPath, resolveOciIndex } from './oci.js';
import { mergeLayers, type Filesystem } from './overlay.js';
import { printable } from './paths.js';
import { openRegistryImage, type RegistryAccess } from './registry/pull.js';
import { teed } from './tee.js';

export interface ImageLayer {
  diffId?: string;
  contents: LayerContents;
}

/** An image as the checks see it: config, layers in order, and the merged filesystem. */
export interface ImageModel {
  config: ImageConfig;
  layers: ImageLayer[];
  filesystem: Filesystem;
  /** os/arch of what was read, when known. */
  platform?: string;
  notes: string[];
  /** The tags a `docker save` archive gives the image (RepoTags): what manifests may call it. */
  tags?: string[];
}

export interface ReadImageOptions {
  wanted: ContentWanted;
  /** os/arch[/variant] to pick from a multi-platform index. */
  platform: string;
  /** The docker CLI, for daemon images. */
  docker?: string;
  /** The environment docker runs in (DOCKER_HOST, DOCKER_CONFIG …); the process's own by default. */
  env?: NodeJS.ProcessEnv;
  /** How long `docker save` may take before it is stopped. */
  timeoutMs?: number;
  /** Called as bytes are read (at most every 256 KiB chunk): for progress, nothing else. */
  onProgress?: (progress: ReadProgress) => void;
  /**
   * A daemon image is also written here as `docker save` streams it (a registry image as an OCI
   * layout directory), so that Trivy reads the same bytes instead of fetching its own. It is
   * complete only when readImage resolves.
   */
  saveTo?: string;
  /** Credentials and insecure hosts for `docker://` images. */
  registry?: RegistryAccess;
}

export interface ReadProgress {
  bytes: number;
  /** The archive's size, when known before reading. */
  totalBytes?: number;
  /** Layers read, and how many there are, for an OCI layout. */
  layer?: { index: number; count: number };
}

/** Passes a stream through, telling `onProgress` how far it has got. */
async function* counted(
  source: AsyncIterable<Buffer>,
  onProgress: ReadImageOptions['onProgress'],
  extra: Omit<ReadProgress, 'bytes'> = {},
  start = 0,
): AsyncGenerator<Buffer> {
  let bytes = start;
  for await (const chunk of source) {
    bytes += chunk.length;
    onProgress?.({ bytes, ...extra });
    yield chunk;
  }
}

function parseJson(buffer: Buffer | undefined, what: string): unknown {
  if (!buffer) throw new FormatError(what, 'is missing.');
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    throw new FormatError(what, 'is not valid JSON.');
  }
}

function assemble(
  config: ImageConfig,
  layers: LayerContents[],
  diffIds: (string | undefined)[],
  notes: string[],
  where: string,
  platform?: string,
): ImageModel {
  if (config.diffIds.length !== layers.length) {
    throw new FormatError(
      where,
      `the config lists ${config.diffIds.length} layers but the manifest ${layers.length}; the image is corrupt.`,
    );
  }
  // Each layer is what the config says it is: the sha256 of its uncompressed tar stream.
  layers.forEach((layer, i) => {
    const expected = config.diffIds[i] as string;
    if (layer.diffId !== expected) {
      throw new FormatError(
        where,
        `layer ${i + 1} does not match the config's diff_id ${printable(expected, 80)} (its content is ${layer.diffId}); the image was altered or is corrupt.`,
      );
    }
  });
  const filesystem = mergeLayers(layers, where);
  notes.push(...filesystem.warnings);
  const detected =
    platform ?? (config.os && config.architecture ? [config.os, config.architecture, config.variant].filter(Boolean).join('/') : undefined);
  return {
    config,
    layers: layers.map((contents, i) => ({ contents, ...(diffIds[i] ? { diffId: diffIds[i] } : {}) })),
    filesystem,
    ...(detected ? { platform: detected } : {}),
    notes,
  };
}

function refMatches(tag: string, wanted: string): boolean {
  const strip = (r: string) => r.replace(/^docker\.io\//, '').replace(/^library\//, '');
  return tag === wanted || strip(tag) === strip(wanted) || strip(tag) === `${strip(wanted)}:latest`;
}

function archiveLayer(contents: ArchiveContents, member: string, where: string): LayerContents {
  const path = followArchiveLinks(contents, member);
  const error = contents.layerErrors.get(path);
  if (error) throw error;
  const layer = contents.layers.get(path);
  if (!layer)
    throw new FormatError(where, `layer ${printable(member)} is named by the manifest but not in the archive; it is truncated or corrupt.`);
  return layer;
}

/** A `docker save` archive (legacy or Docker ≥ 25) or an OCI archive, already read in one pass. */
async function fromArchive(contents: ArchiveContents, where: string, reference: string | undefined, platform: string): Promise<ImageModel> {
  const notes: string[] = [];
  const manifestJson = contents.json.get('manifest.json');
  if (manifestJson) {
    const manifest = parseJson(manifestJson, `${where}: manifest.json`);
    if (!Array.isArray(manifest) || manifest.length === 0) throw new FormatError(where, `manifest.json lists no image.`);
    type Entry = { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
    const entries = manifest as Entry[];
    const tagsOf = (e: Entry) => (Array.isArray(e.RepoTags) ? e.RepoTags.filter((t): t is string => typeof t === 'string') : []);
    let entry: Entry | undefined;
    if (reference) {
      entry = entries.find((e) => tagsOf(e).some((t) => refMatches(t, reference)));
      if (!entry)
        throw new FormatError(
          where,
          `holds no image tagged "${printable(reference, 100)}"; tags here: ${entries.flatMap(tagsOf).join(', ') || 'none'}.`,
        );
    } else if (entries.length > 1) {
      throw new FormatError(
        where,
        `holds ${entries.length} images (${entries.flatMap(tagsOf).join(', ') || 'untagged'}); name one as docker-archive:PATH:REF.`,
      );
    } else entry = entries[0];
    if (!entry || typeof entry.Config !== 'string' || !Array.isArray(entry.Layers))
      throw new FormatError(where, `manifest.json has an entry without Config or Layers.`);
    const configPath = followArchiveLinks(contents, entry.Config);
    const configBytes = contents.json.get(configPath);
    // The config's name is its digest (`<hex>.json`, or `blobs/sha256/<hex>` since Docker 25).
    const named = /^(?:blobs\/sha256\/)?([a-f0-9]{64})(?:\.json)?$/.exec(configPath);
    if (configBytes && named) {
      verifyBlob(
        where,
        `the config ${printable(entry.Config)}`,
        { digest: `sha256:${named[1]}` },
        { digest: digestOf(configBytes), size: configBytes.length },
      );
    }
    const config = parseImageConfig(parseJson(configBytes, `${where}: config ${printable(entry.Config)}`), where);
    const layers = entry.Layers.map((l) => {
      if (typeof l !== 'string') throw new FormatError(where, `manifest.json names a layer that is not a path.`);
      return archiveLayer(contents, l, where);
    });
    const tags = tagsOf(entry);
    return { ...assemble(config, layers, config.diffIds, notes, where), ...(tags.length > 0 ? { tags } : {}) };
  }
  const index = contents.json.get('index.json');
  if (!index) throw new FormatError(where, `has neither manifest.json nor index.json; it is not an image archive.`);
  const readJson = (claim: BlobClaim) =>
    Promise.resolve().then(() => {
      const bytes = contents.json.get(followArchiveLinks(contents, blobPath(claim.digest, where)));
      if (bytes)
        verifyBlob(where, `blob ${claim.digest}`, claim, { digest: digestOf(bytes, algorithmOf(claim.digest)), size: bytes.length });
      return parseJson(bytes, `${where}: blob ${claim.digest}`);
    });
  const resolved = await resolveOciIndex(parseJson(index, `${where}: index.json`), readJson, where, reference, platform);
  if (resolved.note) notes.push(resolved.note);
  const config = parseImageConfig(await readJson(resolved.config), where);
  const layers = resolved.layers.map((claim) => {
    const path = followArchiveLinks(contents, blobPath(claim.digest, where));
    const layer = archiveLayer(contents, path, where);
    const stored = contents.blobs.get(path);
    if (stored) verifyBlob(where, `layer ${claim.digest}`, claim, stored);
    return layer;
  });
  return assemble(config, layers, config.diffIds, notes, where, resolved.platform);
}

/** index.json, manifests and configs larger than this are refused. */
const MAX_LAYOUT_JSON = 16 * 1024 * 1024;

/**
 * Opens a file of an OCI layout for reading, only if it is a regular file inside the layout:
 * no symlink anywhere on its path, no device, FIFO or directory (a FIFO would block the open,
 * /dev/zero would never end), and not larger than `maxBytes`.
 */
async function openLayoutFile(
  root: string,
  relative: string,
  where: string,
  maxBytes: number,
): Promise<{ handle: FileHandle; size: number }> {
  const full = join(root, relative);
  let real: string;
  try {
    real = await realpath(full);
  } catch (error) {
    throw new FormatError(where, `${relative} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  if (real !== full) throw new FormatError(where, `${relative} is a link; the blobs of an OCI layout are regular files inside it.`);
  const handle = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    (error: NodeJS.ErrnoException) => {
      throw new FormatError(where, `${relative} cannot be opened (${error.code ?? error.message}).`);
    },
  );
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new FormatError(where, `${relative} is not a regular file; the blobs of an OCI layout are regular files.`);
  }
  if (info.size > maxBytes) {
    await handle.close();
    throw new FormatError(where, `${relative} is ${info.size} bytes, more than the ${maxBytes} its descriptor allows.`);
  }
  return { handle, size: info.size };
}

async function readLayoutJson(root: string, relative: string, where: string, claim?: BlobClaim): Promise<unknown> {
  const { handle, size } = await openLayoutFile(root, relative, where, Math.min(claim?.size ?? MAX_LAYOUT_JSON, MAX_LAYOUT_JSON));
  try {
    const bytes = Buffer.alloc(size);
    const { bytesRead } = await handle.read(bytes, 0, size, 0);
    if (claim)
      verifyBlob(where, `blob ${claim.digest}`, claim, {
        digest: digestOf(bytes.subarray(0, bytesRead), algorithmOf(claim.digest)),
        size: bytesRead,
      });
    return parseJson(bytes.subarray(0, bytesRead), `${where}: ${relative}`);
  } finally {
    await handle.close();
  }
}

/** An OCI image layout directory: every blob read from its file, no further than its descriptor's size, and verified. */
async function fromLayout(
  dir: string,
  where: string,
  reference: string | undefined,
  platform: string,
  wanted: ContentWanted,
  signal?: AbortSignal,
  onProgress?: ReadImageOptions['onProgress'],
): Promise<ImageModel> {
  const notes: string[] = [];
  const root = await realpath(dir);
  let bytesBefore = 0;
  const readJson = (claim: BlobClaim) => readLayoutJson(root, blobPath(claim.digest, where), where, claim);
  const index = await readLayoutJson(root, 'index.json', where);
  const resolved = await resolveOciIndex(index, readJson, where, reference, platform);
  if (resolved.note) notes.push(resolved.note);
  const config = parseImageConfig(await readJson(resolved.config), where);
  const layers: LayerContents[] = [];
  for (const [index, claim] of resolved.layers.entries()) {
    const what = `layer ${claim.digest}`;
    const { handle } = await openLayoutFile(root, blobPath(claim.digest, where), where, claim.size ?? Number.MAX_SAFE_INTEGER);
    const stored = new StreamDigest(algorithmOf(claim.digest));
    try {
      const stream = handle.createReadStream({ highWaterMark: 256 * 1024, autoClose: false, ...(signal ? { signal } : {}) });
      layers.push(
        await readLayer(
          digesting(
            counted(stream, onProgress, { layer: { index: index + 1, count: resolved.layers.length } }, bytesBefore),
            stored,
            claim.size ?? Number.MAX_SAFE_INTEGER,
            where,
            what,
          ),
          `${where} layer ${claim.digest.slice(0, 19)}`,
          wanted,
          stored,
        ),
      );
    } finally {
      await handle.close();
    }
    verifyBlob(where, what, claim, { digest: stored.digest(), size: stored.bytes });
    bytesBefore += stored.bytes;
  }
  return assemble(config, layers, config.diffIds, notes, where, resolved.platform);
}

/** A registry image: each layer streamed from the registry into the layer reader (and the shared layout), verified as it ends. */
async function fromRegistry(reference: string, where: string, options: ReadImageOptions, signal: AbortSignal): Promise<ImageModel> {
  const access = options.registry ?? { credentials: { env: options.env ?? process.env }, insecure: [] };
  const image = await openRegistryImage(reference, where, options.platform, access, signal, options.saveTo);
  const config = parseImageConfig(parseJson(image.config, `${where}: config ${image.resolved.config.digest}`), where);
  const notes = image.resolved.note ? [image.resolved.note] : [];
  const layers: LayerContents[] = [];
  let bytesBefore = 0;
  const count = image.resolved.layers.length;
  for (const [index, claim] of image.resolved.layers.entries()) {
    layers.push(
      await readLayer(
        counted(image.layer(claim), options.onProgress, { layer: { index: index + 1, count } }, bytesBefore),
        `${where} layer ${claim.digest.slice(0, 19)}`,
        options.wanted,
      ),
    );
    bytesBefore += claim.size ?? 0;
  }
  await image.finish();
  return assemble(config, layers, config.diffIds, notes, where, image.resolved.platform);
}

/** `docker save` streamed straight into the archive reader: no temporary file. */
async function fromDaemon(reference: string, where: string, options: ReadImageOptions): Promise<ImageModel> {
  const child = spawn(options.docker ?? 'docker', ['save', '--', reference], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env ? { env: options.env } : {}),
  });
  const stderr: Buffer[] = [];
  let stderrBytes = 0;
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderrBytes < 16 * 1024) stderr.push(chunk);
    stderrBytes += chunk.length;
  });
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.on('error', (error) => resolve({ code: null, error }));
    child.on('close', (code) => resolve({ code }));
  });
  let contents: ArchiveContents | undefined;
  let readError: unknown;
  let timedOut = false;
  // A copy the reader stopped short of (it had all it needed, or failed) is no export: removed.
  const saved = { complete: false };
  const timer = options.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, options.timeoutMs)
    : undefined;
  try {
    contents = await readImageArchive(counted(teed(child.stdout, options.saveTo, saved), options.onProgress), where, options.wanted);
  } catch (error) {
    readError = error;
    child.kill('SIGKILL');
  }
  const { code, error } = await exited;
  if (timer) clearTimeout(timer);
  if (options.saveTo && (!saved.complete || readError || timedOut || error || code !== 0)) await rm(options.saveTo, { force: true });
  if (timedOut)
    throw new ToolError(
      where,
      `docker save did not finish within ${Math.round((options.timeoutMs ?? 0) / 1000)} s (the timeout input); it was stopped.`,
    );
  if (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ToolError(
      where,
      missing
        ? 'the docker CLI is not installed or not on PATH; install it, or pass the image as docker-archive:PATH.'
        : `docker save could not start (${error.message}).`,
    );
  }
  if (code !== 0) {
    const message = Buffer.concat(stderr).toString('utf8').trim().split('\n').slice(-3).join(' ');
    throw new FormatError(where, asSentence(`docker save exited with ${code}${message ? `: ${printable(message, 400)}` : ''}`));
  }
  if (readError) throw readError instanceof Error ? readError : new FormatError(where, `${errorMessage(readError)}`);
  return fromArchive(contents as ArchiveContents, where, undefined, options.platform);
}

async function requireFile(path: string, where: string, directory: boolean): Promise<{ size: number }> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new FormatError(where, `${path} does not exist.`);
  }
  if (directory && !info.isDirectory())
    throw new FormatError(where, `${path} is not a directory; an oci: image is an OCI layout directory (use oci-archive: for a tar).`);
  if (!directory && !info.isFile()) throw new FormatError(where, `${path} is not a file.`);
  return { size: info.size };
}

/**
 * Reads any supported image source into an ImageModel, within `timeoutMs` (the timeout input)
 * for the whole read: streams are stopped when it runs out.
 */
export async function readImage(target: ImageTarget, options: ReadImageOptions): Promise<ImageModel> {
  const where = target.input;
  if (target.source === 'daemon') return fromDaemon(target.location, where, options);
  const controller = new AbortController();
  const timer = options.timeoutMs ? setTimeout(() => controller.abort(), options.timeoutMs) : undefined;
  try {
    return await readLocalImage(target, where, options, controller.signal);
  } catch (error) {
    if (controller.signal.aborted) {
      throw new ToolError(
        where,
        `reading the image did not finish within ${Math.round((options.timeoutMs ?? 0) / 1000)} s (the timeout input); it was stopped.`,
      );
    }
    throw error;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function readLocalImage(target: ImageTarget, where: string, options: ReadImageOptions, signal: AbortSignal): Promise<ImageModel> {
  switch (target.source) {
    case 'docker-archive':
    case 'oci-archive': {
      const totalBytes = (await requireFile(target.location, where, false)).size;
      const contents = await readImageArchive(
        counted(createReadStream(target.location, { highWaterMark: 256 * 1024, signal }), options.onProgress, { totalBytes }),
        where,
        options.wanted,
      );
      return fromArchive(contents, where, target.reference, options.platform);
    }
    case 'oci':
      await requireFile(target.location, where, true);
      return fromLayout(target.location, where, target.reference, options.platform, options.wanted, signal, options.onProgress);
    case 'registry':
      return fromRegistry(target.location, where, options, signal);
    case 'daemon':
      return fromDaemon(target.location, where, options);
  }
}
