import { UsageError } from '../util/errors.js';
import { CATALOGS, compareVersions, type AssetKind, type PlatformKey, type ScannerTool } from './catalog.js';

export function normalizeVersion(text: string): string {
  return text.trim().replace(/^v/i, '');
}

export interface VersionChoice {
  tool: ScannerTool;
  platform: PlatformKey;
  version?: string;
  sha256?: string;
}

/** The Sigstore identity a signed release must carry, for the version asked for. */
export interface SignaturePolicy {
  bundleName: string;
  identity: string;
  issuer: string;
}

/** How a download is proven: a sha256 shipped with bulkhead (or given by the user), or a signature. */
export type Proof = { kind: 'sha256'; sha256: string; shipped: boolean } | ({ kind: 'signature' } & SignaturePolicy);

export interface Wanted {
  version: string;
  asset: { name: string; kind: AssetKind };
  proof: Proof;
}

/** Decides what to download and how it will be proven, refusing what must not run, before anything touches the network. */
export function resolveWanted(request: VersionChoice): Wanted {
  const catalog = CATALOGS[request.tool];
  const input = `${request.tool}-version`;
  const version = normalizeVersion(request.version ?? catalog.pinned);
  const refusal = catalog.refused[version];
  if (refusal) throw new UsageError(`${input} ${version} is refused: it is ${refusal}.`);
  const known = catalog.releases[version];
  if (known) {
    const asset = known.assets[request.platform];
    if (!asset) {
      throw new UsageError(
        `${request.tool} ${version} publishes no build for ${request.platform}; install it yourself and give ${request.tool}-path, or run on another runner.`,
      );
    }
    if (request.sha256 && request.sha256.toLowerCase() !== asset.sha256) {
      throw new UsageError(
        `${request.tool}-sha256 does not match the checksum bulkhead ships for ${asset.name}; remove ${request.tool}-sha256 for a version bulkhead knows.`,
      );
    }
    return { version, asset: { name: asset.name, kind: asset.kind }, proof: { kind: 'sha256', sha256: asset.sha256, shipped: true } };
  }
  const name = catalog.assetName(version, request.platform);
  if (!name)
    throw new UsageError(`${request.tool} publishes no build for ${request.platform}; install it yourself and give ${request.tool}-path.`);
  const asset = { name, kind: catalog.assetKind(request.platform) };
  if (request.sha256) return { version, asset, proof: { kind: 'sha256', sha256: request.sha256.toLowerCase(), shipped: false } };
  const signed = catalog.signed;
  if (signed && compareVersions(version, signed.since) >= 0) {
    return {
      version,
      asset,
      proof: { kind: 'signature', bundleName: signed.bundleName(name), identity: signed.identity(version), issuer: signed.issuer },
    };
  }
  const signedNote = signed ? `, and releases before ${signed.since} carry no signature to verify instead` : '';
  throw new UsageError(
    `${input} ${version} is not a version bulkhead knows (it knows ${Object.keys(catalog.releases).join(', ')})${signedNote}; give ${request.tool}-sha256 with the sha256 of ${name} from a source you trust, or remove ${input}.`,
  );
}
