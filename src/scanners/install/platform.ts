import type { PlatformKey } from '../../releases/catalog.js';

/** The release-asset platform of this machine, or undefined where no scanner build exists. */
export function platformKey(platform: NodeJS.Platform = process.platform, arch: string = process.arch): PlatformKey | undefined {
  const key = `${platform}-${arch}`;
  return (['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'] as const).find((k) => k === key);
}
