/**
 * The scanner releases bulkhead knows: where they come from, how their assets are named, which
 * are refused, and the signers whose Sigstore signature stands in for a checksum. The checksums
 * themselves are in checksums.ts: they ship inside bulkhead and are never fetched from the
 * release page the asset comes from, so a replaced asset cannot bring its own checksum.
 */
import { SHIPPED_CHECKSUMS } from './checksums.js';

import type { AssetKind, PlatformKey, ScannerTool } from './platforms.js';

export type { AssetKind, PlatformKey, ScannerTool } from './platforms.js';

export interface ReleaseAsset {
  name: string;
  kind: AssetKind;
  sha256: string;
}

export interface ToolRelease {
  version: string;
  assets: Partial<Record<PlatformKey, ReleaseAsset>>;
}

/** Whose Sigstore signature proves a release: the release workflow of the tag asked for. */
export interface SignedReleases {
  /** The first version whose assets carry a `<asset>.sigstore.json` bundle. */
  since: string;
  bundleName(asset: string): string;
  /** The certificate's subject alternative name: the signing workflow at the version's tag. */
  identity(version: string): string;
  /** The OIDC issuer recorded in the certificate. */
  issuer: string;
}

export interface ToolCatalog {
  /** owner/name on GitHub; downloads come from `<release-mirror>/<repository>/releases/download/v<version>/<asset>`. */
  repository: string;
  pinned: string;
  releases: Record<string, ToolRelease>;
  /** Versions refused by name, whatever checksum or signature they have. */
  refused: Record<string, string>;
  signed?: SignedReleases;
  /** The asset name a version would have, for versions bulkhead does not list (used with a user-given sha256). */
  assetName(version: string, platform: PlatformKey): ReleaseAsset['name'] | undefined;
  assetKind(platform: PlatformKey): AssetKind;
  /** The executable's name inside the archive (or as installed, for bare binaries). */
  executable(platform: PlatformKey): string;
}

/** The releases checksums.ts lists for a tool, each asset of the kind the tool's assets are. */
function releasesOf(tool: ScannerTool, kindOf: (platform: PlatformKey) => AssetKind): Record<string, ToolRelease> {
  return Object.fromEntries(
    Object.entries(SHIPPED_CHECKSUMS[tool]).map(([version, assets]) => [
      version,
      {
        version,
        assets: Object.fromEntries(
          Object.entries(assets).map(([platform, asset]) => [platform, { ...asset, kind: kindOf(platform as PlatformKey) }]),
        ),
      },
    ]),
  );
}

const TRIVY_PLATFORM: Record<PlatformKey, string> = {
  'linux-x64': 'Linux-64bit.tar.gz',
  'linux-arm64': 'Linux-ARM64.tar.gz',
  'darwin-x64': 'macOS-64bit.tar.gz',
  'darwin-arm64': 'macOS-ARM64.tar.gz',
  'win32-x64': 'windows-64bit.zip',
};

const trivyAssetKind = (platform: PlatformKey): AssetKind => (platform === 'win32-x64' ? 'zip' : 'tar.gz');

const TRIVY_COMPROMISED =
  'a malicious build published with stolen credentials in March 2026 (GHSA-69fq-xp46-6x23, CVE-2026-33634); use the pinned version';

export const TRIVY: ToolCatalog = {
  repository: 'aquasecurity/trivy',
  pinned: '0.69.3',
  releases: releasesOf('trivy', trivyAssetKind),
  refused: {
    '0.69.4': TRIVY_COMPROMISED,
    '0.69.5': TRIVY_COMPROMISED,
    '0.69.6': TRIVY_COMPROMISED,
  },
  // Trivy's release workflow signs every asset with cosign (keyless, GitHub's OIDC token) since v0.68.1.
  signed: {
    since: '0.68.1',
    bundleName: (asset) => `${asset}.sigstore.json`,
    identity: (version) => `https://github.com/aquasecurity/trivy/.github/workflows/reusable-release.yaml@refs/tags/v${version}`,
    issuer: 'https://token.actions.githubusercontent.com',
  },
  assetName: (version, platform) => `trivy_${version}_${TRIVY_PLATFORM[platform]}`,
  assetKind: trivyAssetKind,
  executable: (platform) => (platform === 'win32-x64' ? 'trivy.exe' : 'trivy'),
};

const HADOLINT_PLATFORM: Partial<Record<PlatformKey, string>> = {
  'linux-x64': 'hadolint-Linux-x86_64',
  'linux-arm64': 'hadolint-Linux-arm64',
  'darwin-x64': 'hadolint-Darwin-x86_64',
  'win32-x64': 'hadolint-Windows-x86_64.exe',
};

/** From 2.13.1 hadolint names its assets in lower case, calls macOS `macos`, and builds for macOS arm64. */
const HADOLINT_PLATFORM_SINCE_2_13_1: Record<PlatformKey, string> = {
  'linux-x64': 'hadolint-linux-x86_64',
  'linux-arm64': 'hadolint-linux-arm64',
  'darwin-x64': 'hadolint-macos-x86_64',
  'darwin-arm64': 'hadolint-macos-arm64',
  'win32-x64': 'hadolint-windows-x86_64.exe',
};

/** Orders release versions `x.y.z` numerically; anything else sorts first. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): number[] => (/^\d+\.\d+\.\d+$/.test(v) ? v.split('.').map(Number) : [-1, -1, -1]);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

export const HADOLINT: ToolCatalog = {
  repository: 'hadolint/hadolint',
  pinned: '2.12.0',
  releases: releasesOf('hadolint', () => 'binary'),
  refused: {},
  assetName: (version, platform) =>
    compareVersions(version, '2.13.1') >= 0 ? HADOLINT_PLATFORM_SINCE_2_13_1[platform] : HADOLINT_PLATFORM[platform],
  assetKind: () => 'binary',
  executable: (platform) => (platform === 'win32-x64' ? 'hadolint.exe' : 'hadolint'),
};

export const CATALOGS: Record<ScannerTool, ToolCatalog> = { trivy: TRIVY, hadolint: HADOLINT };

/** Whether a version of a tool publishes a build for a platform (as bulkhead lists it, or by its naming). */
export function publishesBuild(tool: ScannerTool, version: string, platform: PlatformKey): boolean {
  const catalog = CATALOGS[tool];
  const known = catalog.releases[version];
  return known ? known.assets[platform] !== undefined : catalog.assetName(version, platform) !== undefined;
}
