// The sha256 of every release asset bulkhead may download without a signature, per tool, version
// and platform. Rewritten by `npm run update-checksums` from each release's published checksum
// files (Trivy's `trivy_<version>_checksums.txt`, hadolint's `<asset>.sha256`); review the diff.
// hadolint 2.14.0: transcribed from its `.sha256` files as an independent package index records
// them (that index's 2.12.0 values are the ones here); 2.14.0 publishes no Windows build.
import type { PlatformKey, ScannerTool } from './platforms.js';

export type ShippedChecksums = Record<ScannerTool, Record<string, Partial<Record<PlatformKey, { name: string; sha256: string }>>>>;

export const SHIPPED_CHECKSUMS: ShippedChecksums = {
  trivy: {
    '0.69.3': {
      'linux-x64': { name: 'trivy_0.69.3_Linux-64bit.tar.gz', sha256: '1816b632dfe529869c740c0913e36bd1629cb7688bd5634f4a858c1d57c88b75' },
      'linux-arm64': {
        name: 'trivy_0.69.3_Linux-ARM64.tar.gz',
        sha256: '7e3924a974e912e57b4a99f65ece7931f8079584dae12eb7845024f97087bdfd',
      },
      'darwin-x64': { name: 'trivy_0.69.3_macOS-64bit.tar.gz', sha256: 'fec4a9f7569b624dd9d044fca019e5da69e032700edbb1d7318972c448ec2f4e' },
      'darwin-arm64': {
        name: 'trivy_0.69.3_macOS-ARM64.tar.gz',
        sha256: 'a2f2179afd4f8bb265ca3c7aefb56a666bc4a9a411663bc0f22c3549fbc643a5',
      },
      'win32-x64': { name: 'trivy_0.69.3_windows-64bit.zip', sha256: '74362dc711383255308230ecbeb587eb1e4e83a8d332be5b0259afac6e0c2224' },
    },
  },
  hadolint: {
    '2.14.0': {
      'linux-x64': { name: 'hadolint-linux-x86_64', sha256: '6bf226944684f56c84dd014e8b979d27425c0148f61b3bd99bcc6f39e9dc5a47' },
      'linux-arm64': { name: 'hadolint-linux-arm64', sha256: '331f1d3511b84a4f1e3d18d52fec284723e4019552f4f47b19322a53ce9a40ed' },
      'darwin-x64': { name: 'hadolint-macos-x86_64', sha256: '2b69a853433f1eca522ffb921cd490bd1321424d03331fd8390f93b7fb4a02e9' },
      'darwin-arm64': { name: 'hadolint-macos-arm64', sha256: '3625e2e9f43dcfe7bd38738a5f5520ed50ce39ed28485266e6803dd7bc197b10' },
    },
    '2.12.0': {
      'linux-x64': { name: 'hadolint-Linux-x86_64', sha256: '56de6d5e5ec427e17b74fa48d51271c7fc0d61244bf5c90e828aab8362d55010' },
      'linux-arm64': { name: 'hadolint-Linux-arm64', sha256: '5798551bf19f33951881f15eb238f90aef023f11e7ec7e9f4c37961cb87c5df6' },
      'darwin-x64': { name: 'hadolint-Darwin-x86_64', sha256: '2a5b7afcab91645c39a7cebefcd835b865f7488e69be24567f433dfc3d41cd27' },
      'win32-x64': { name: 'hadolint-Windows-x86_64.exe', sha256: 'ed89a156290e15452276b2b4c84efa688a5183d3b578bfaec7cfdf986f0632a8' },
    },
  },
};
