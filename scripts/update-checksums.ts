// Adds (or refreshes) scanner releases in src/releases/checksums.ts from each release's published
// checksum files: Trivy's `trivy_<version>_checksums.txt`, hadolint's `<asset>.sha256` for every
// platform bulkhead installs on. A platform a release has no asset for is left out and said so.
// Review the diff before committing: these values are what bulkhead trusts.
// Usage: npm run update-checksums -- trivy 0.70.0 [0.70.1 …] [hadolint 2.14.0 …]
//        [--mirror https://github.com] [--out src/releases/checksums.ts]
import { readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { CATALOGS, compareVersions, type PlatformKey, type ScannerTool } from '../src/releases/catalog.ts';
import { SHIPPED_CHECKSUMS, type ShippedChecksums } from '../src/releases/checksums.ts';

const PLATFORMS: PlatformKey[] = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];
const MAX_CHECKSUM_BYTES = 256 * 1024;

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const mirror = option('--mirror', 'https://github.com').replace(/\/+$/, '');
const out = option('--out', 'src/releases/checksums.ts');
const wanted: Array<{ tool: ScannerTool; version: string }> = [];
let tool: ScannerTool | undefined;
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i] as string;
  if (arg === '--mirror' || arg === '--out') i++;
  else if (arg === 'trivy' || arg === 'hadolint') tool = arg;
  else if (tool && /^v?\d+\.\d+\.\d+$/.test(arg)) wanted.push({ tool, version: arg.replace(/^v/, '') });
  else {
    console.error(`update-checksums: "${arg}" is neither trivy, hadolint nor a version x.y.z after one of them.`);
    process.exit(2);
  }
}
if (wanted.length === 0) {
  console.error('update-checksums: name the releases, e.g. `npm run update-checksums -- trivy 0.70.0 hadolint 2.14.0`.');
  process.exit(2);
}

/** The text of a small file, or undefined on 404; anything else stops the script. */
async function fetchText(url: string): Promise<string | undefined> {
  const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(60_000) });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`${url}: the server answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_CHECKSUM_BYTES) throw new Error(`${url}: ${text.length} bytes is not a checksum file`);
  return text;
}

/** `sha256  name` lines, as sha256sum writes them (a `*` before the name marks binary mode). */
function checksumLines(text: string): Map<string, string> {
  const lines = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/.exec(line.trim());
    if (match) lines.set((match[2] as string).toLowerCase(), (match[1] as string).toLowerCase());
  }
  return lines;
}

const table: ShippedChecksums = structuredClone(SHIPPED_CHECKSUMS);
let failed = false;
for (const { tool, version } of wanted) {
  const catalog = CATALOGS[tool];
  if (catalog.refused[version]) {
    console.error(`${tool} ${version} is refused (${catalog.refused[version]}); not added.`);
    failed = true;
    continue;
  }
  const base = `${mirror}/${catalog.repository}/releases/download/v${version}`;
  const assets: ShippedChecksums[ScannerTool][string] = {};
  const published = tool === 'trivy' ? await fetchText(`${base}/trivy_${version}_checksums.txt`) : undefined;
  if (tool === 'trivy' && published === undefined) {
    console.error(`${base}/trivy_${version}_checksums.txt: not found; is ${version} a release?`);
    failed = true;
    continue;
  }
  for (const platform of PLATFORMS) {
    const name = catalog.assetName(version, platform);
    if (!name) continue;
    // hadolint's .sha256 files name the asset in lower case whatever its URL says.
    const text = tool === 'trivy' ? published : await fetchText(`${base}/${name}.sha256`);
    const sha256 = text === undefined ? undefined : checksumLines(text).get(name.toLowerCase());
    if (sha256) assets[platform] = { name, sha256 };
    else console.log(`${tool} ${version}: no published checksum for ${name} (${platform}); left out.`);
  }
  if (Object.keys(assets).length === 0) {
    console.error(`${tool} ${version}: no asset has a published checksum; not added.`);
    failed = true;
    continue;
  }
  table[tool][version] = assets;
  console.log(`${tool} ${version}: ${Object.keys(assets).join(', ')}`);
}

const header = readFileSync(out, 'utf8').split('\nexport const SHIPPED_CHECKSUMS')[0] as string;
const render = (versions: ShippedChecksums[ScannerTool]): string =>
  Object.keys(versions)
    .sort((a, b) => compareVersions(b, a))
    .map((version) => {
      const rows = Object.entries(versions[version] ?? {}).map(
        ([platform, asset]) => `      '${platform}': { name: '${asset.name}', sha256: '${asset.sha256}' },`,
      );
      return `    '${version}': {\n${rows.join('\n')}\n    },`;
    })
    .join('\n');
// Formatted as the repository formats it, so that a refresh changes only what changed.
const style = (await resolveConfig('src/releases/checksums.ts')) ?? {};
writeFileSync(
  out,
  await format(
    `${header}\nexport const SHIPPED_CHECKSUMS: ShippedChecksums = {\n  trivy: {\n${render(table.trivy)}\n  },\n  hadolint: {\n${render(table.hadolint)}\n  },\n};\n`,
    { ...style, parser: 'typescript' },
  ),
);
console.log(`wrote ${out}`);
process.exit(failed ? 1 : 0);
