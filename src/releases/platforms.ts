/** The scanners bulkhead installs, the platforms it installs them on, and the shapes of their assets. */
export type ScannerTool = 'trivy' | 'hadolint';
export type PlatformKey = 'linux-x64' | 'linux-arm64' | 'darwin-x64' | 'darwin-arm64' | 'win32-x64';
export type AssetKind = 'tar.gz' | 'zip' | 'binary';
