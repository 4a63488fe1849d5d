import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseStages } from '../../src/dockerfile/stages.js';
import { tar, type TarMember } from './tarWriter.js';

/**
 * Assembles examples/shop-api/image.tar from the example's Dockerfile, its build context (app/)
 * and its package list (packages.tsv), as `docker save` (Docker 25 and later) writes an image
 * that BuildKit built from that Dockerfile: the same layers, history and config, byte for byte
 * on every run. The base layer is a stand-in for debian:trixie-slim holding what scanners read
 * (os-release, accounts, the dpkg database), not its binaries, so the archive stays small.
 */

export const EXAMPLE_TAG = 'ghcr.io/acme/shop-api:pr-42';
/** debuerreotype's epoch for the trixie base (the '@…' in its history line) and the example's build time. */
const BASE_EPOCH = 1777939200;
const BUILD_TIME = '2026-11-23T18:20:55Z';
const BUILD_EPOCH = Date.parse(BUILD_TIME) / 1000;

export interface ExamplePackage {
  layer: 'base' | 'run';
  name: string;
  version: string;
  arch: string;
  source: string;
  sourceVersion: string;
  maintainer: string;
}

export interface ExampleImage {
  archive: Buffer;
  config: Record<string, unknown>;
  configDigest: string;
  diffIds: string[];
  layerSizes: number[];
  packages: ExamplePackage[];
}

export function readPackages(dir: string): ExamplePackage[] {
  const lines = readFileSync(join(dir, 'packages.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  const [header, ...rows] = lines;
  if (header !== 'layer\tname\tversion\tarch\tsource\tsource_version\tmaintainer') throw new Error('packages.tsv: unexpected header');
  return rows.map((row) => {
    const [layer, name, version, arch, source, sourceVersion, maintainer] = row.split('\t');
    if (layer !== 'base' && layer !== 'run') throw new Error(`packages.tsv: layer ${layer} is neither base nor run`);
    return {
      layer,
      name: name ?? '',
      version: version ?? '',
      arch: arch ?? '',
      source: source ?? '',
      sourceVersion: sourceVersion ?? '',
      maintainer: maintainer ?? '',
    };
  });
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

function dpkgStatus(packages: readonly ExamplePackage[]): string {
  return [...packages]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => {
      const source =
        p.source === p.name && p.sourceVersion === p.version
          ? ''
          : `Source: ${p.source}${p.sourceVersion === p.version ? '' : ` (${p.sourceVersion})`}\n`;
      return (
        `Package: ${p.name}\nStatus: install ok installed\nMaintainer: ${p.maintainer}\nArchitecture: ${p.arch}\n${source}` +
        `Version: ${p.version}\nDescription: ${p.name} (the example image records the package, not its files)\n`
      );
    })
    .join('\n');
}

const dir = (name: string, mode = 0o755): TarMember => ({ name, type: 'dir', mode });
const file = (name: string, body: string | Buffer, mode = 0o644, gid = 0): TarMember => ({ name, body, mode, gid });

const OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 13 (trixie)"
NAME="Debian GNU/Linux"
VERSION_ID="13"
VERSION="13 (trixie)"
VERSION_CODENAME=trixie
DEBIAN_VERSION_FULL=13.4
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

/** The accounts of a Debian base, abridged. */
const PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`;
const GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
shadow:x:42:
nogroup:x:65534:
`;
const SHADOW = `root:*:20578:0:99999:7:::
daemon:*:20578:0:99999:7:::
bin:*:20578:0:99999:7:::
sys:*:20578:0:99999:7:::
_apt:*:20578:0:99999:7:::
nobody:*:20578:0:99999:7:::
`;

function baseLayer(packages: readonly ExamplePackage[]): TarMember[] {
  return [
    { name: 'bin', type: 'symlink', linkname: 'usr/bin', mode: 0o777 },
    dir('etc/'),
    file('etc/debian_version', '13.4\n'),
    file('etc/group', GROUP),
    { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release', mode: 0o777 },
    file('etc/passwd', PASSWD),
    file('etc/shadow', SHADOW, 0o640, 42),
    dir('root/', 0o700),
    dir('tmp/', 0o1777),
    dir('usr/'),
    dir('usr/bin/'),
    dir('usr/lib/'),
    file('usr/lib/os-release', OS_RELEASE),
    dir('var/'),
    dir('var/lib/'),
    dir('var/lib/dpkg/'),
    file('var/lib/dpkg/status', dpkgStatus(packages.filter((p) => p.layer === 'base'))),
  ];
}

function runLayer(packages: readonly ExamplePackage[]): TarMember[] {
  const standIn = (what: string) => `# ${what}: the example image records the package, not its files\n`;
  return [
    dir('etc/'),
    dir('etc/ssl/'),
    dir('etc/ssl/certs/'),
    file('etc/ssl/certs/ca-certificates.crt', standIn('ca-certificates')),
    dir('usr/'),
    dir('usr/bin/'),
    file('usr/bin/curl', `#!/bin/sh\n${standIn('curl')}`, 0o755),
    dir('var/'),
    dir('var/lib/'),
    dir('var/lib/apt/'),
    dir('var/lib/apt/lists/'),
    file('var/lib/apt/lists/deb.debian.org_debian_dists_trixie_InRelease', standIn('the apt lists the RUN line leaves')),
    dir('var/lib/dpkg/'),
    file('var/lib/dpkg/status', dpkgStatus(packages)),
  ];
}

/** `COPY app /srv/app`: the build context's app/ folder, as it is in the repository. */
function copyLayer(context: string): TarMember[] {
  const members: TarMember[] = [dir('srv/'), dir('srv/app/')];
  for (const name of readdirSync(join(context, 'app')).sort()) {
    const path = join(context, 'app', name);
    members.push(file(`srv/app/${name}`, readFileSync(path), statSync(path).mode & 0o111 ? 0o755 : 0o644));
  }
  return members;
}

/** Sets every member's mtime: the tar writer leaves it 0, a real layer does not. */
function stamped(members: readonly TarMember[], mtime: number): Buffer {
  const archive = tar(members);
  // mtime is the 12-byte octal field at offset 136 of each header; rewrite it and the checksum.
  for (let offset = 0; offset + 512 <= archive.length;) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    header.write(`${mtime.toString(8).padStart(11, '0')}\u0000`, 136, 'latin1');
    header.write('        ', 148, 'latin1');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
    const size = parseInt(header.toString('latin1', 124, 136).replace(/\0.*$/, ''), 8) || 0;
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return archive;
}

/** The final stage's instructions, read by the project's own Dockerfile parser. */
function instructionsOf(dockerfile: string): { kind: string; text: string }[] {
  const stage = parseStages(dockerfile).at(-1);
  if (!stage) throw new Error('the example Dockerfile has no FROM');
  return stage.instructions;
}

const exposedPorts = (text: string): string[] => text.split(/\s+/).map((p) => (p.includes('/') ? p : `${p}/tcp`));

/** BuildKit's history lines for the Dockerfile's instructions, with the base image's own first. */
function history(dockerfile: string): Array<Record<string, unknown>> {
  const entries: Array<Record<string, unknown>> = [
    {
      created: '2026-05-05T00:00:00Z',
      created_by: "# debian.sh --arch 'amd64' out/ 'trixie' '@1777939200'",
      comment: 'debuerreotype 0.17',
    },
  ];
  for (const [n, { kind, text }] of instructionsOf(dockerfile).entries()) {
    const createdBy =
      kind === 'RUN'
        ? `RUN /bin/sh -c ${text} # buildkit`
        : kind === 'COPY'
          ? `COPY ${text} # buildkit`
          : kind === 'EXPOSE'
            ? `EXPOSE map[${exposedPorts(text)
                .map((p) => `${p}:{}`)
                .join(' ')}]`
            : kind === 'CMD'
              ? `CMD ["/bin/sh" "-c" "${text}"]`
              : `${kind} ${text}`;
    entries.push({
      created: new Date((BUILD_EPOCH + n + 1) * 1000).toISOString().replace('.000', ''),
      created_by: createdBy,
      comment: 'buildkit.dockerfile.v0',
      ...(kind === 'RUN' || kind === 'COPY' ? {} : { empty_layer: true }),
    });
  }
  return entries;
}

function imageConfig(dockerfile: string, diffIds: readonly string[]): Record<string, unknown> {
  const env = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
  const config: Record<string, unknown> = { Env: env };
  for (const { kind, text } of instructionsOf(dockerfile)) {
    if (kind === 'ENV') env.push(text);
    if (kind === 'WORKDIR') config.WorkingDir = text;
    if (kind === 'USER') config.User = text;
    if (kind === 'EXPOSE') config.ExposedPorts = Object.fromEntries(exposedPorts(text).map((p) => [p, {}]));
    if (kind === 'CMD') {
      config.Cmd = ['/bin/sh', '-c', text];
      config.ArgsEscaped = true;
    }
  }
  const entries = history(dockerfile);
  return {
    architecture: 'amd64',
    config,
    created: entries.at(-1)?.created,
    history: entries,
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: diffIds },
  };
}

export function buildExampleImage(context: string): ExampleImage {
  const dockerfile = readFileSync(join(context, 'Dockerfile'), 'utf8');
  const packages = readPackages(context);
  const layers = [
    stamped(baseLayer(packages), BASE_EPOCH),
    stamped(runLayer(packages), BUILD_EPOCH),
    stamped(copyLayer(context), BUILD_EPOCH),
  ];
  const diffIds = layers.map((l) => `sha256:${sha256(l)}`);
  const config = imageConfig(dockerfile, diffIds);
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = `sha256:${sha256(configBytes)}`;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configBytes.length },
      layers: layers.map((l, i) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: diffIds[i], size: l.length })),
    }),
  );
  const manifestDigest = `sha256:${sha256(manifest)}`;
  const [repository, tag] = [EXAMPLE_TAG.slice(0, EXAMPLE_TAG.lastIndexOf(':')), EXAMPLE_TAG.slice(EXAMPLE_TAG.lastIndexOf(':') + 1)];
  const blob = (digest: string) => `blobs/sha256/${digest.slice('sha256:'.length)}`;
  const json = (value: unknown) => `${JSON.stringify(value)}\n`;
  const members: TarMember[] = [
    dir('blobs/'),
    dir('blobs/sha256/'),
    ...[
      { digest: configDigest, body: configBytes },
      { digest: manifestDigest, body: manifest },
      ...layers.map((body, i) => ({ digest: diffIds[i] as string, body })),
    ]
      .sort((a, b) => (a.digest < b.digest ? -1 : 1))
      .map(({ digest, body }) => file(blob(digest), body, 0o444)),
    file(
      'index.json',
      json({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: manifestDigest,
            size: manifest.length,
            annotations: { 'io.containerd.image.name': EXAMPLE_TAG, 'org.opencontainers.image.ref.name': tag },
          },
        ],
      }),
    ),
    file('manifest.json', json([{ Config: blob(configDigest), RepoTags: [EXAMPLE_TAG], Layers: diffIds.map(blob) }])),
    file('oci-layout', json({ imageLayoutVersion: '1.0.0' })),
    file('repositories', json({ [repository]: { [tag]: (diffIds.at(-1) ?? '').slice('sha256:'.length) } })),
  ];
  return { archive: stamped(members, BUILD_EPOCH), config, configDigest, diffIds, layerSizes: layers.map((l) => l.length), packages };
}

/** Where Trivy's records come from: real Trivy 0.70.0 on nginx:latest (Debian 13.4), whose packages packages.tsv lists. */
export const EXAMPLE_TRIVY_SOURCE = 'test/fixtures/trivy/large-edwinjdevops-sentinel-nginx-latest-debian13-234vulns.json';
const ARCHIVE_NAME = 'examples/shop-api/image.tar';

type Json = Record<string, unknown>;

/** The vulnerabilities the example keeps: all of those the RUN line brings, and the base's high and critical ones. */
function selected(image: ExampleImage, vulnerabilities: Json[]): Json[] {
  const layerOf = new Map(image.packages.map((p) => [`${p.name}@${p.version}`, p.layer]));
  return vulnerabilities.filter((v) => {
    const layer = layerOf.get(`${String(v.PkgName)}@${String(v.InstalledVersion)}`);
    return layer === 'run' || (layer === 'base' && (v.Severity === 'HIGH' || v.Severity === 'CRITICAL'));
  });
}

function trivyReport(image: ExampleImage, vulnerabilities: Json[], version: string): Json {
  const layerOf = new Map(image.packages.map((p) => [`${p.name}@${p.version}`, p.layer]));
  const diffIdOf = (v: Json) => {
    const layer = layerOf.get(`${String(v.PkgName)}@${String(v.InstalledVersion)}`);
    if (!layer) throw new Error(`${String(v.PkgName)} ${String(v.InstalledVersion)} is not in packages.tsv`);
    return image.diffIds[layer === 'base' ? 0 : 1];
  };
  return {
    SchemaVersion: 2,
    Trivy: { Version: version },
    CreatedAt: '2026-11-23T18:21:30Z',
    ArtifactName: ARCHIVE_NAME,
    ArtifactType: 'container_image',
    Metadata: {
      Size: image.layerSizes.reduce((a, b) => a + b, 0),
      OS: { Family: 'debian', Name: '13.4' },
      ImageID: image.configDigest,
      DiffIDs: image.diffIds,
      RepoTags: ['ghcr.io/acme/shop-api:pr-42'],
      ImageConfig: image.config,
      Layers: image.diffIds.map((diffId, i) => ({ Size: image.layerSizes[i], DiffID: diffId })),
    },
    Results: [
      {
        Target: `${ARCHIVE_NAME} (debian 13.4)`,
        Class: 'os-pkgs',
        Type: 'debian',
        Vulnerabilities: vulnerabilities.map((v) => ({ ...v, Layer: { DiffID: diffIdOf(v) } })),
      },
    ],
  };
}

/**
 * The example's trivy.json: the source report's records, kept as Trivy wrote them, for the
 * example's packages (all that the RUN line brings, and the base's high and critical ones), with
 * the image's own ImageID, DiffIDs, config and each record's layer.
 */
export function exampleTrivyReport(image: ExampleImage, source: Json): string {
  const results = (source.Results as Json[] | undefined) ?? [];
  const vulnerabilities = results.flatMap((r) => (r.Class === 'os-pkgs' ? ((r.Vulnerabilities as Json[] | undefined) ?? []) : []));
  const trivyVersion = (source.Trivy as Json | undefined)?.Version;
  const version = typeof trivyVersion === 'string' ? trivyVersion : 'dev';
  return `${JSON.stringify(trivyReport(image, selected(image, vulnerabilities), version), null, 2)}\n`;
}
