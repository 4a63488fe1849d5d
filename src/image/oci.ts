import { FormatError } from '../util/errors.js';
import { isDigest, type BlobClaim } from './digest.js';
import { printable } from './paths.js';

/** OCI image index / manifest resolution, shared by layout directories and archives. */

export interface Descriptor {
  mediaType: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface ResolvedManifest {
  /** The image manifest chosen: its digest, size and media type as its descriptor gave them. */
  manifest: BlobClaim & { mediaType: string };
  config: BlobClaim;
  layers: BlobClaim[];
  /** os/arch[/variant] of the chosen manifest, when the index said. */
  platform?: string;
  /** Said to the user: which of several platforms was picked. */
  note?: string;
}

/** Reads a JSON blob and checks it against the descriptor that named it. */
export type ReadBlobJson = (claim: BlobClaim) => Promise<unknown>;

export function blobPath(digest: string, where: string): string {
  if (!isDigest(digest))
    throw new FormatError(where, `"${printable(digest, 80)}" is not a valid content digest; the layout is corrupt or hostile.`);
  const [algorithm, hex] = digest.split(':') as [string, string];
  return `blobs/${algorithm}/${hex}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function descriptors(value: unknown, where: string): Descriptor[] {
  if (!Array.isArray(value)) throw new FormatError(where, `the index has no manifests list.`);
  return value.filter(isRecord).map((d) => {
    if (typeof d.digest !== 'string') throw new FormatError(where, `a manifest descriptor has no digest.`);
    if (d.size !== undefined && (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0)) {
      throw new FormatError(where, `the descriptor of ${printable(d.digest, 80)} has an invalid size.`);
    }
    const platform = isRecord(d.platform) ? d.platform : undefined;
    const annotations: Record<string, string> = {};
    if (isRecord(d.annotations)) for (const [k, v] of Object.entries(d.annotations)) if (typeof v === 'string') annotations[k] = v;
    return {
      mediaType: typeof d.mediaType === 'string' ? d.mediaType : '',
      digest: d.digest,
      ...(typeof d.size === 'number' ? { size: d.size } : {}),
      ...(platform
        ? {
            platform: {
              ...(typeof platform.os === 'string' ? { os: platform.os } : {}),
              ...(typeof platform.architecture === 'string' ? { architecture: platform.architecture } : {}),
              ...(typeof platform.variant === 'string' ? { variant: platform.variant } : {}),
            },
          }
        : {}),
      annotations,
    };
  });
}

export function platformName(p: Descriptor['platform']): string | undefined {
  if (!p?.os || !p.architecture) return undefined;
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

function isIndex(mediaType: string, json: Record<string, unknown>): boolean {
  return /image\.index|manifest\.list/.test(mediaType) || (Array.isArray(json.manifests) && !Array.isArray(json.layers));
}

function matchesPlatform(d: Descriptor, wanted: string): boolean {
  const name = platformName(d.platform);
  if (!name) return false;
  if (name === wanted) return true;
  // linux/arm64 matches linux/arm64/v8 and the other way round.
  const [os, arch, variant] = wanted.split('/');
  return d.platform?.os === os && d.platform?.architecture === arch && (!variant || !d.platform?.variant || variant === d.platform.variant);
}

const isAttestation = (d: Descriptor): boolean =>
  d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || platformName(d.platform) === 'unknown/unknown';

/**
 * From an index.json (or nested index), the manifest to read: the one tagged `reference` when
 * given, else the one for `platform` (default linux/amd64), else the only one.
 */
export async function resolveOciIndex(
  index: unknown,
  readJson: ReadBlobJson,
  where: string,
  reference: string | undefined,
  platform: string,
): Promise<ResolvedManifest> {
  if (!isRecord(index)) throw new FormatError(where, `index.json is not a JSON object.`);
  let candidates = descriptors(index.manifests, `${where} index.json`);
  if (reference) {
    const tagged = candidates.filter((d) => {
      const name = d.annotations?.['org.opencontainers.image.ref.name'];
      const full = d.annotations?.['io.containerd.image.name'];
      return name === reference || full === reference || (full !== undefined && full.endsWith(`:${reference}`));
    });
    if (tagged.length === 0) {
      const names = candidates.map((d) => d.annotations?.['org.opencontainers.image.ref.name']).filter(Boolean);
      throw new FormatError(
        where,
        `no image is tagged "${printable(reference, 100)}"${names.length ? `; tags here: ${names.join(', ')}` : '; the layout has no tags'}.`,
      );
    }
    candidates = tagged;
  }
  const seen = new Set<string>();
  for (let depth = 0; depth < 4; depth++) {
    const usable = candidates.filter((d) => !isAttestation(d));
    let chosen: Descriptor | undefined;
    let note: string | undefined;
    if (usable.length === 1) chosen = usable[0];
    else {
      chosen = usable.find((d) => matchesPlatform(d, platform));
      const offered = usable.map((d) => platformName(d.platform) ?? d.digest.slice(0, 19)).join(', ');
      if (!chosen)
        throw new FormatError(where, `holds ${usable.length} images (${offered}) and none for ${platform}; set platform to one of them.`);
      note = `${where} holds images for ${offered}; read ${platformName(chosen.platform)}.`;
    }
    if (!chosen) throw new FormatError(where, `the index lists no image.`);
    if (seen.has(chosen.digest))
      throw new FormatError(where, `has an index that points to itself (${chosen.digest}); it is corrupt or hostile.`);
    seen.add(chosen.digest);
    const json = await readJson({ digest: chosen.digest, ...(chosen.size !== undefined ? { size: chosen.size } : {}) });
    if (!isRecord(json)) throw new FormatError(where, `manifest ${chosen.digest} is not a JSON object.`);
    if (isIndex(chosen.mediaType, json)) {
      candidates = descriptors(json.manifests, `${where} ${chosen.digest}`);
      continue;
    }
    const config = isRecord(json.config) ? json.config : undefined;
    if (typeof config?.digest !== 'string' || !Array.isArray(json.layers)) {
      throw new FormatError(where, `manifest ${chosen.digest} has no config or layers; it is not an image manifest.`);
    }
    const claim = (d: unknown, what: string): BlobClaim => {
      if (!isRecord(d) || typeof d.digest !== 'string') throw new FormatError(where, `${what} in ${chosen.digest} has no digest.`);
      blobPath(d.digest, where);
      if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
        throw new FormatError(where, `${what} in ${chosen.digest} has no valid size; an OCI descriptor always says it.`);
      }
      return { digest: d.digest, size: d.size };
    };
    const layers = json.layers.map((l) => claim(l, 'a layer'));
    const name = platformName(chosen.platform);
    const manifest = {
      digest: chosen.digest,
      ...(chosen.size !== undefined ? { size: chosen.size } : {}),
      mediaType: chosen.mediaType || (typeof json.mediaType === 'string' ? json.mediaType : ''),
    };
    return { manifest, config: claim(config, 'the config'), layers, ...(name ? { platform: name } : {}), ...(note ? { note } : {}) };
  }
  throw new FormatError(where, `indexes nest too deeply; the layout is corrupt or hostile.`);
}
