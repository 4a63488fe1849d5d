import { UsageError } from '../util/errors.js';
import { CATALOGS, type PlatformKey, type ReleaseAsset, type ScannerTool } from './catalog.js';

export function normalizeVersion(text: string): string {
  return text.trim().replace(/^v/i, '');
}

export interface VersionChoice {
  tool: ScannerTool;
  platform: PlatformKey;
  version?: string;
  sha256?: string;
}

export interface Wanted {
  version: string;
  asset: ReleaseAsset;
}

/** Decides what to download, refusing what must not run, before anything touches the network. */
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
    return { version, asset };
  }
  const name = catalog.assetName(version, request.platform);
  if (!name)
    throw new UsageError(`${request.tool} publishes no build for ${request.platform}; install it yourself and give ${request.tool}-path.`);
  if (!request.sha256) {
    throw new UsageError(
      `${input} ${version} is not a version bulkhead knows (it knows ${Object.keys(catalog.releases).join(', ')}); give ${request.tool}-sha256 with the sha256 of ${name} from a source you trust, or remove ${input}.`,
    );
  }
  return { version, asset: { name, kind: catalog.assetKind(request.platform), sha256: request.sha256.toLowerCase() } };
}
