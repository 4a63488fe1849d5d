/**
 * The scanner releases bulkhead knows, with the sha256 of every asset it may download, and the
 * signers whose Sigstore signature stands in for a checksum. This is the one data file of
 * checksums: they ship inside bulkhead and are never fetched from the release page the asset
 * comes from, so a replaced asset cannot bring its own checksum. `npm run update-checksums`
 * rewrites the `releases` tables from each release's published checksum files.
 */

export type ScannerTool = 'trivy' | 'hadolint';
export type PlatformKey = 'linux-x64' | 'linux-arm64' | 'darwin-x64' | 'darwin-arm64' | 'win32-x64';
export type AssetKind = 'tar.gz' | 'zip' | 'binary';

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

const TRIVY_PLATFORM: Record<PlatformKey, string> = {
  'linux-x64': 'Linux-64bit.tar.gz',
  'linux-arm64': 'Linux-ARM64.tar.gz',
  'darwin-x64': 'macOS-64bit.tar.gz',
  'darwin-arm64': 'macOS-ARM64.tar.gz',
  'win32-x64': 'windows-64bit.zip',
};

const TRIVY_COMPROMISED =
  'a malicious build published with stolen credentials in March 2026 (GHSA-69fq-xp46-6x23, CVE-2026-33634); use the pinned version';

export const TRIVY: ToolCatalog = {
  repository: 'aquasecurity/trivy',
  pinned: '0.69.3',
  releases: {
    '0.69.3': {
      version: '0.69.3',
      assets: {
        'linux-x64': {
          name: 'trivy_0.69.3_Linux-64bit.tar.gz',
          kind: 'tar.gz',
          sha256: '1816b632dfe529869c740c0913e36bd1629cb7688bd5634f4a858c1d57c88b75',
        },
        'linux-arm64': {
          name: 'trivy_0.69.3_Linux-ARM64.tar.gz',
          kind: 'tar.gz',
          sha256: '7e3924a974e912e57b4a99f65ece7931f8079584dae12eb7845024f97087bdfd',
        },
        'darwin-x64': {
          name: 'trivy_0.69.3_macOS-64bit.tar.gz',
          kind: 'tar.gz',
          sha256: 'fec4a9f7569b624dd9d044fca019e5da69e032700edbb1d7318972c448ec2f4e',
        },
        'darwin-arm64': {
          name: 'trivy_0.69.3_macOS-ARM64.tar.gz',
          kind: 'tar.gz',
          sha256: 'a2f2179afd4f8bb265ca3c7aefb56a666bc4a9a411663bc0f22c3549fbc643a5',
        },
        'win32-x64': {
          name: 'trivy_0.69.3_windows-64bit.zip',
          kind: 'zip',
          sha256: '74362dc711383255308230ecbeb587eb1e4e83a8d332be5b0259afac6e0c2224',
        },
      },
    },
  },
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
  assetKind: (platform) => (platform === 'win32-x64' ? 'zip' : 'tar.gz'),
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
  releases: {
    // Transcribed from the release's `.sha256` files as an independent package index records them
    // (its 2.12.0 values are the ones below); `npm run update-checksums` reads them afresh.
    // 2.14.0 publishes no Windows build.
    '2.14.0': {
      version: '2.14.0',
      assets: {
        'linux-x64': {
          name: 'hadolint-linux-x86_64',
          kind: 'binary',
          sha256: '6bf226944684f56c84dd014e8b979d27425c0148f61b3bd99bcc6f39e9dc5a47',
        },
        'linux-arm64': {
          name: 'hadolint-linux-arm64',
          kind: 'binary',
          sha256: '331f1d3511b84a4f1e3d18d52fec284723e4019552f4f47b19322a53ce9a40ed',
        },
        'darwin-x64': {
          name: 'hadolint-macos-x86_64',
          kind: 'binary',
          sha256: '2b69a853433f1eca522ffb921cd490bd1321424d03331fd8390f93b7fb4a02e9',
        },
        'darwin-arm64': {
          name: 'hadolint-macos-arm64',
          kind: 'binary',
          sha256: '3625e2e9f43dcfe7bd38738a5f5520ed50ce39ed28485266e6803dd7bc197b10',
        },
      },
    },
    '2.12.0': {
      version: '2.12.0',
      assets: {
        'linux-x64': {
          name: 'hadolint-Linux-x86_64',
          kind: 'binary',
          sha256: '56de6d5e5ec427e17b74fa48d51271c7fc0d61244bf5c90e828aab8362d55010',
        },
        'linux-arm64': {
          name: 'hadolint-Linux-arm64',
          kind: 'binary',
          sha256: '5798551bf19f33951881f15eb238f90aef023f11e7ec7e9f4c37961cb87c5df6',
        },
        'darwin-x64': {
          name: 'hadolint-Darwin-x86_64',
          kind: 'binary',
          sha256: '2a5b7afcab91645c39a7cebefcd835b865f7488e69be24567f433dfc3d41cd27',
        },
        'win32-x64': {
          name: 'hadolint-Windows-x86_64.exe',
          kind: 'binary',
          sha256: 'ed89a156290e15452276b2b4c84efa688a5183d3b578bfaec7cfdf986f0632a8',
        },
      },
    },
  },
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
