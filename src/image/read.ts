import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageTarget } from '../config/targets.js';
import { followArchiveLinks, readImageArchive, type ArchiveContents } from './archive.js';
import { parseImageConfig, type ImageConfig } from './config.js';
import { errorMessage, FormatError, ToolError } from '../util/errors.js';
import { readLayer, type ContentWanted, type LayerContents } from './layer.js';
import { blobPath, resolveOciIndex } from './oci.js';
import { mergeLayers, type Filesystem } from './overlay.js';
import { printable } from './paths.js';

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
}

export interface ReadImageOptions {
  wanted: ContentWanted;
  /** os/arch[/variant] to pick from a multi-platform index. */
  platform: string;
  /** The docker CLI, for daemon images. */
  docker?: string;
  /** How long `docker save` may take before it is stopped. */
  timeoutMs?: number;
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
  const filesystem = mergeLayers(layers);
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
    const config = parseImageConfig(parseJson(contents.json.get(configPath), `${where}: config ${printable(entry.Config)}`), where);
    const layers = entry.Layers.map((l) => {
      if (typeof l !== 'string') throw new FormatError(where, `manifest.json names a layer that is not a path.`);
      return archiveLayer(contents, l, where);
    });
    return assemble(config, layers, config.diffIds, notes, where);
  }
  const index = contents.json.get('index.json');
  if (!index) throw new FormatError(where, `has neither manifest.json nor index.json; it is not an image archive.`);
  const readJson = (digest: string) =>
    Promise.resolve().then(() => parseJson(contents.json.get(blobPath(digest, where)), `${where}: blob ${digest}`));
  const resolved = await resolveOciIndex(parseJson(index, `${where}: index.json`), readJson, where, reference, platform);
  if (resolved.note) notes.push(resolved.note);
  const config = parseImageConfig(await readJson(resolved.configDigest), where);
  const layers = resolved.layerDigests.map((d) => archiveLayer(contents, blobPath(d, where), where));
  return assemble(config, layers, config.diffIds, notes, where, resolved.platform);
}

/** An OCI image layout directory: blobs are read straight from their files, layers in order. */
async function fromLayout(
  dir: string,
  where: string,
  reference: string | undefined,
  platform: string,
  wanted: ContentWanted,
): Promise<ImageModel> {
  const notes: string[] = [];
  const readBlob = async (relative: string, what: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, relative));
    } catch (error) {
      throw new FormatError(where, `${what} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
    }
  };
  const readJson = async (digest: string) =>
    parseJson(await readBlob(blobPath(digest, where), `blob ${digest}`), `${where}: blob ${digest}`);
  const index = parseJson(await readBlob('index.json', 'index.json'), `${where}: index.json`);
  const resolved = await resolveOciIndex(index, readJson, where, reference, platform);
  if (resolved.note) notes.push(resolved.note);
  const config = parseImageConfig(await readJson(resolved.configDigest), where);
  const layers: LayerContents[] = [];
  for (const digest of resolved.layerDigests) {
    const file = join(dir, blobPath(digest, where));
    layers.push(await readLayer(createReadStream(file, { highWaterMark: 256 * 1024 }), `${where} layer ${digest.slice(0, 19)}`, wanted));
  }
  return assemble(config, layers, config.diffIds, notes, where, resolved.platform);
}

/** `docker save` streamed straight into the archive reader: no temporary file. */
async function fromDaemon(reference: string, where: string, options: ReadImageOptions): Promise<ImageModel> {
  const child = spawn(options.docker ?? 'docker', ['save', '--', reference], { stdio: ['ignore', 'pipe', 'pipe'] });
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
  const timer = options.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, options.timeoutMs)
    : undefined;
  try {
    contents = await readImageArchive(child.stdout, where, options.wanted);
  } catch (error) {
    readError = error;
    child.kill('SIGKILL');
  }
  const { code, error } = await exited;
  if (timer) clearTimeout(timer);
  if (timedOut)
    throw new FormatError(
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
    throw new FormatError(where, `docker save exited with ${code}${message ? `: ${printable(message, 400)}` : ''}.`);
  }
  if (readError) throw readError instanceof Error ? readError : new FormatError(where, `${errorMessage(readError)}`);
  return fromArchive(contents as ArchiveContents, where, undefined, options.platform);
}

async function requireFile(path: string, where: string, directory: boolean): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new FormatError(where, `${path} does not exist.`);
  }
  if (directory && !info.isDirectory())
    throw new FormatError(where, `${path} is not a directory; an oci: image is an OCI layout directory (use oci-archive: for a tar).`);
  if (!directory && !info.isFile()) throw new FormatError(where, `${path} is not a file.`);
}

/** Reads any supported image source into an ImageModel. Registry pulls are not supported yet. */
export async function readImage(target: ImageTarget, options: ReadImageOptions): Promise<ImageModel> {
  const where = target.input;
  switch (target.source) {
    case 'daemon':
      return fromDaemon(target.location, where, options);
    case 'docker-archive':
    case 'oci-archive': {
      await requireFile(target.location, where, false);
      const contents = await readImageArchive(createReadStream(target.location, { highWaterMark: 256 * 1024 }), where, options.wanted);
      return fromArchive(contents, where, target.reference, options.platform);
    }
    case 'oci':
      await requireFile(target.location, where, true);
      return fromLayout(target.location, where, target.reference, options.platform, options.wanted);
    case 'registry':
      throw new FormatError(
        where,
        `the built-in checks cannot pull from a registry yet; pull or build the image first and pass it as a local reference or archive.`,
      );
  }
}
