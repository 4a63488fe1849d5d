import { mkdir, rename, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, ToolError } from '../../util/errors.js';
import { algorithmOf, digestOf, isDigest, StreamDigest, verifyBlob, type BlobClaim } from '../digest.js';
import { blobPath, resolveOciIndex, type ResolvedManifest } from '../oci.js';
import { printable } from '../paths.js';
import { teed } from '../tee.js';
import { readBounded, RegistryClient, type RegistryClientOptions } from './client.js';
import { findCredentials, type CredentialSources } from './credentials.js';
import { parseRegistryReference, type RegistryReference } from './reference.js';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
/** Every manifest kind an image can be served as; schema 1 is refused with its own message. */
const ACCEPTED = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST] as const;
const INDEXES = new Set<string>([OCI_INDEX, DOCKER_LIST]);

/** containerd's and distribution's own limit for a manifest. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/** An interrupted blob is resumed (Range) this many times before the pull gives up. */
const MAX_RESUMES = 5;

/** How images are pulled: the inputs' credentials and insecure hosts, and the seams tests replace. */
export interface RegistryAccess {
  credentials: CredentialSources;
  insecure: readonly string[];
  fetch?: typeof fetch;
  sleep?: RegistryClientOptions['sleep'];
  onSecret?: (value: string) => void;
  /** No byte of a blob for this long is a stalled transfer: resumed. */
  stallMs?: number;
  answerTimeoutMs?: number;
}

/** A registry image opened: its manifest chosen and verified, its config read; layers fetched as they are read. */
export interface RegistryImage {
  resolved: ResolvedManifest;
  config: Buffer;
  /** The layer's bytes as they arrive, verified against its digest and size when they end. */
  layer(claim: BlobClaim): AsyncGenerator<Buffer>;
  /** Writes the layout's index.json once every layer is in: the layout is complete only after. */
  finish(): Promise<void>;
}

function mediaTypeOf(header: string | null): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function describeStatus(status: number): string {
  if (status === 404) return '404: not found';
  return String(status);
}

interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

/** Fetches manifests and indexes of one repository, each kept by digest for the layout. */
function manifestFetcher(client: RegistryClient, parsed: RegistryReference, where: string) {
  const manifests = new Map<string, FetchedManifest>();

  /** One manifest or index, by tag or digest: bounded, its media type checked, its digest verified when known. */
  const fetchManifest = async (reference: string, claim?: BlobClaim): Promise<FetchedManifest> => {
    const response = await client.request('manifests', reference, { accept: ACCEPTED });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new ToolError(
        where,
        response.status === 404
          ? `${parsed.registry} has no ${parsed.repository}:${printable(reference, 80)} (404); check the name and tag, and that the image was pushed.`
          : `${parsed.registry} answered ${describeStatus(response.status)} for the manifest ${printable(reference, 80)}.`,
      );
    }
    const bytes = await readBounded(
      response,
      Math.min(claim?.size ?? MAX_MANIFEST_BYTES, MAX_MANIFEST_BYTES),
      () => `${where}: the manifest ${printable(reference, 80)}`,
    );
    const digest = digestOf(bytes, algorithmOf(claim?.digest ?? reference));
    if (claim) verifyBlob(where, `manifest ${claim.digest}`, claim, { digest, size: bytes.length });
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new FormatError(where, `manifest ${printable(reference, 80)} is not valid JSON.`);
    }
    const declared = typeof (json as { mediaType?: unknown }).mediaType === 'string' ? (json as { mediaType: string }).mediaType : '';
    const header = mediaTypeOf(response.headers.get('content-type'));
    if (
      /^application\/vnd\.docker\.distribution\.manifest\.v1\+(prettyjws|json)$/.test(header) ||
      (json as { schemaVersion?: unknown }).schemaVersion === 1
    )
      throw new FormatError(
        where,
        `is a Docker schema 1 manifest, which no current tool writes; push the image again with a current Docker or BuildKit.`,
      );
    const mediaType = header && header !== 'application/json' ? header : declared;
    if (declared && header && header !== 'application/json' && declared !== header)
      throw new FormatError(
        where,
        `manifest ${printable(reference, 80)} is served as ${printable(header, 80)} but says it is ${printable(declared, 80)}; the registry is broken or hostile.`,
      );
    if (!(ACCEPTED as readonly string[]).includes(mediaType))
      throw new FormatError(
        where,
        `is ${printable(mediaType || 'of no media type', 100)}, not an image (OCI or Docker v2 manifest or index); an artifact such as a Helm chart or a signature cannot be scanned as an image.`,
      );
    const fetched = { bytes, mediaType, digest };
    manifests.set(digest, fetched);
    return fetched;
  };

  return { manifests, fetchManifest };
}

/**
 * Pulls `ref` over the OCI distribution API: HEAD then GET of the manifest (every image media
 * type accepted), the platform chosen from an index (attestations skipped), the config read,
 * each verified against its digest. With `layoutDir`, the image is also written as an OCI
 * layout there, once, for Trivy to read (`trivy image --input`).
 */
export async function openRegistryImage(
  ref: string,
  where: string,
  platform: string,
  access: RegistryAccess,
  signal: AbortSignal,
  layoutDir?: string,
): Promise<RegistryImage> {
  const parsed = parseRegistryReference(ref);
  let credentials: Promise<Awaited<ReturnType<typeof findCredentials>>> | undefined;
  const client = new RegistryClient({
    apiHost: parsed.apiHost,
    registry: parsed.registry,
    repository: parsed.repository,
    insecure: access.insecure,
    credentials: () => (credentials ??= findCredentials(parsed.registry, access.credentials)),
    signal,
    where,
    ...(access.fetch ? { fetch: access.fetch } : {}),
    ...(access.sleep ? { sleep: access.sleep } : {}),
    ...(access.onSecret ? { onSecret: access.onSecret } : {}),
    ...(access.answerTimeoutMs ? { answerTimeoutMs: access.answerTimeoutMs } : {}),
  });
  const { manifests, fetchManifest } = manifestFetcher(client, parsed, where);

  // HEAD first: the digest a tag points to, so the GET that follows is by digest and verified.
  let top: FetchedManifest;
  if (parsed.pinned) top = await fetchManifest(parsed.reference, { digest: parsed.reference });
  else {
    const head = await client.request('manifests', parsed.reference, { method: 'HEAD', accept: ACCEPTED });
    const headDigest = head.headers.get('docker-content-digest') ?? '';
    if (head.status === 404)
      throw new ToolError(
        where,
        `${parsed.registry} has no ${parsed.repository}:${printable(parsed.reference, 80)} (404); check the name and tag, and that the image was pushed.`,
      );
    top = head.ok && isDigest(headDigest) ? await fetchManifest(headDigest, { digest: headDigest }) : await fetchManifest(parsed.reference);
  }
  const index: unknown = INDEXES.has(top.mediaType)
    ? JSON.parse(top.bytes.toString('utf8'))
    : { manifests: [{ mediaType: top.mediaType, digest: top.digest, size: top.bytes.length }] };
  const resolved = await resolveOciIndex(
    index,
    async (claim) => {
      const known = manifests.get(claim.digest);
      const fetched = known ?? (await fetchManifest(claim.digest, claim));
      return JSON.parse(fetched.bytes.toString('utf8')) as unknown;
    },
    where,
    undefined,
    platform,
  );
  const chosen = manifests.get(resolved.manifest.digest);
  if (!chosen || INDEXES.has(chosen.mediaType))
    throw new FormatError(where, `resolves to ${resolved.manifest.digest}, which is not an image manifest.`);

  const config = await fetchSmallBlob(client, resolved.config, where, MAX_CONFIG_BYTES);
  const layout = layoutDir ? await startLayout(layoutDir, resolved, chosen, config, where) : undefined;
  return {
    resolved,
    config,
    layer: (claim) => {
      const chunks = blobChunks(client, claim, where, signal, access.stallMs ?? 60_000);
      return layout ? layout.save(claim, chunks) : chunks;
    },
    finish: async () => {
      await layout?.finish();
    },
  };
}

async function fetchSmallBlob(client: RegistryClient, claim: BlobClaim, where: string, max: number): Promise<Buffer> {
  const response = await client.request('blobs', claim.digest);
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new ToolError(where, `the registry answered ${describeStatus(response.status)} for the config ${claim.digest}.`);
  }
  const bytes = await readBounded(response, Math.min(claim.size ?? max, max), () => `${where}: the config ${claim.digest}`);
  verifyBlob(where, `the config ${claim.digest}`, claim, { digest: digestOf(bytes, algorithmOf(claim.digest)), size: bytes.length });
  return bytes;
}

/** Reads one chunk, or gives up after `stallMs` without one by aborting the request. */
async function readOrStall(reader: ReadableStreamDefaultReader<Uint8Array>, stallMs: number, request: AbortController) {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      reader.read(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          request.abort();
          reject(new Error(`no byte for ${stallMs / 1000} s`));
        }, stallMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A blob's bytes as they arrive, never more than its descriptor's size, its digest checked at
 * the end (a mismatch fails closed, naming the digest). A connection that breaks or stalls is
 * resumed with a Range request from the last byte received; a server that ignores Range has
 * the bytes already passed skipped.
 */
async function* blobChunks(
  client: RegistryClient,
  claim: BlobClaim,
  where: string,
  signal: AbortSignal,
  stallMs: number,
): AsyncGenerator<Buffer> {
  const size = claim.size ?? Number.MAX_SAFE_INTEGER;
  const digest = new StreamDigest(algorithmOf(claim.digest));
  const what = `layer ${claim.digest}`;
  let interruptions = 0;
  let lastCause = '';
  for (;;) {
    const from = digest.bytes;
    const request = new AbortController();
    const response = await client.request('blobs', claim.digest, { ...(from > 0 ? { from } : {}), signal: request.signal });
    let skip = 0;
    if (response.status === 206 && from > 0) {
      const range = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
      if (!range || Number(range[1]) !== from) {
        await response.body?.cancel().catch(() => undefined);
        throw new ToolError(where, `the registry resumed ${what} at the wrong byte (asked for ${from}).`);
      }
    } else if (response.status === 200) {
      skip = from;
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (Number.isFinite(declared) && claim.size !== undefined && declared !== claim.size) {
        await response.body?.cancel().catch(() => undefined);
        throw new FormatError(
          where,
          `${what} is announced as ${declared} bytes by the registry but its descriptor says ${claim.size}; the image was altered or is corrupt.`,
        );
      }
    } else {
      await response.body?.cancel().catch(() => undefined);
      throw new ToolError(
        where,
        response.status === 404
          ? `${what} is named by the manifest but the registry does not have it (404).`
          : `the registry answered ${describeStatus(response.status)} for ${what}.`,
      );
    }
    if (!response.body) throw new ToolError(where, `the registry sent no body for ${what}.`);
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await readOrStall(reader, stallMs, request);
        if (done) break;
        let chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        if (skip > 0) {
          const dropped = Math.min(skip, chunk.length);
          skip -= dropped;
          chunk = chunk.subarray(dropped);
          if (chunk.length === 0) continue;
        }
        if (digest.bytes + chunk.length > size)
          throw new FormatError(
            where,
            `${what} holds more than the ${size} bytes its descriptor says; the image was altered or is corrupt.`,
          );
        digest.update(chunk);
        yield chunk;
      }
    } catch (error) {
      if (error instanceof FormatError || signal.aborted) throw error;
      lastCause = error instanceof Error ? error.message : String(error);
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    if (digest.bytes >= size || claim.size === undefined) break;
    // Short of the descriptor's size: the connection broke. Resume where it stopped.
    if (++interruptions > MAX_RESUMES)
      throw new ToolError(
        where,
        `the transfer of ${what} broke off ${interruptions} times (last at byte ${digest.bytes} of ${size}${lastCause ? `: ${printable(lastCause, 120)}` : ''}); gave up.`,
      );
  }
  verifyBlob(where, what, claim, { digest: digest.digest(), size: digest.bytes });
}

function configPlatform(config: Buffer): string {
  try {
    const json = JSON.parse(config.toString('utf8')) as { os?: unknown; architecture?: unknown; variant?: unknown };
    return [json.os, json.architecture, json.variant].filter((p): p is string => typeof p === 'string' && /^[a-z0-9_]+$/.test(p)).join('/');
  } catch {
    return '';
  }
}

/**
 * The pulled image as an OCI layout: manifest and config written first, each layer as it
 * streams (under a temporary name until verified), index.json last, so that a layout with
 * an index.json is complete.
 */
async function startLayout(
  dir: string,
  resolved: ResolvedManifest,
  manifest: { bytes: Buffer; mediaType: string },
  config: Buffer,
  where: string,
) {
  for (const algorithm of ['sha256', 'sha512']) await mkdir(join(dir, 'blobs', algorithm), { recursive: true, mode: 0o700 });
  const claimed = resolved.layers.reduce((sum, l) => sum + (l.size ?? 0), 0);
  const space = await statfs(dir);
  const free = space.bavail * space.bsize;
  if (claimed > free)
    throw new ToolError(
      where,
      `the image's layers claim ${claimed} bytes, more than the ${free} free where it is written (${dir}); free space or point RUNNER_TEMP elsewhere.`,
    );
  const fileOf = (digest: string) => join(dir, blobPath(digest, where));
  await writeFile(fileOf(resolved.manifest.digest), manifest.bytes, { mode: 0o600 });
  await writeFile(fileOf(resolved.config.digest), config, { mode: 0o600 });
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}', { mode: 0o600 });
  return {
    async *save(claim: BlobClaim, chunks: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
      const final = fileOf(claim.digest);
      const partial = `${final}.partial`;
      const done = { complete: false };
      yield* teed(chunks, partial, done);
      // teed completes only after the source ended, which blobChunks does only once verified.
      if (done.complete) await rename(partial, final);
    },
    async finish() {
      // The platform as the index said, else as the config says (a single-platform image).
      const [os, architecture, variant] = (resolved.platform ?? configPlatform(config)).split('/');
      const descriptor = {
        mediaType: manifest.mediaType,
        digest: resolved.manifest.digest,
        size: manifest.bytes.length,
        ...(os && architecture ? { platform: { os, architecture, ...(variant ? { variant } : {}) } } : {}),
      };
      await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [descriptor] }), {
        mode: 0o600,
      });
    },
  };
}
