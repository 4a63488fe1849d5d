import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tar, type TarMember } from './tarWriter.js';

/** Hand-made image archives and layouts: the formats Docker 20.10 does not write, and hostile ones. */

export interface HandLayer {
  /** The layer's bytes as stored (tar, gzip or zstd). */
  blob: Buffer;
  /** Its uncompressed tar, for the diffID. */
  tar: Buffer;
  createdBy?: string;
}

export function layer(members: TarMember[], compress: (t: Buffer) => Buffer = (t) => t, createdBy?: string): HandLayer {
  const t = tar(members);
  return { blob: compress(t), tar: t, ...(createdBy ? { createdBy } : {}) };
}

const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

export function imageConfig(
  layers: HandLayer[],
  config: Record<string, unknown> = {},
  extraHistory: { created_by: string; empty_layer: true }[] = [],
): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config,
      rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${sha(l.tar)}`) },
      history: [...layers.map((l, i) => ({ created_by: l.createdBy ?? `/bin/sh -c #(nop) ADD file:${i} in /` })), ...extraHistory],
    }),
  );
}

/** `docker save` as Docker 20.10 writes it: <id>/layer.tar, <config>.json, manifest.json last. */
export function legacyDockerArchive(layers: HandLayer[], config: Buffer, tag = 'hand/made:1'): Buffer {
  const configName = `${sha(config)}.json`;
  const members: TarMember[] = [];
  const paths = layers.map((l, i) => {
    const id = sha(`${i}${sha(l.tar)}`);
    members.push({ name: `${id}/`, type: 'dir' }, { name: `${id}/VERSION`, body: '1.0' }, { name: `${id}/layer.tar`, body: l.blob });
    return `${id}/layer.tar`;
  });
  members.push(
    { name: configName, body: config },
    { name: 'manifest.json', body: JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: paths }]) },
  );
  return tar(members);
}

function ociParts(layers: HandLayer[], config: Buffer, mediaType: (l: HandLayer) => string) {
  const blobs = new Map<string, Buffer>();
  blobs.set(sha(config), config);
  for (const l of layers) blobs.set(sha(l.blob), l.blob);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(config)}`, size: config.length },
      layers: layers.map((l) => ({ mediaType: mediaType(l), digest: `sha256:${sha(l.blob)}`, size: l.blob.length })),
    }),
  );
  blobs.set(sha(manifest), manifest);
  return { blobs, manifest };
}

const layerMediaType = (l: HandLayer): string =>
  l.blob[0] === 0x1f
    ? 'application/vnd.oci.image.layer.v1.tar+gzip'
    : l.blob[0] === 0x28
      ? 'application/vnd.oci.image.layer.v1.tar+zstd'
      : 'application/vnd.oci.image.layer.v1.tar';

/** `docker save` as Docker ≥ 25 writes it: an OCI layout plus a manifest.json pointing into blobs/. */
export function docker25Archive(layers: HandLayer[], config: Buffer, tag = 'hand/made:25'): Buffer {
  const { blobs, manifest } = ociParts(layers, config, layerMediaType);
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: `sha256:${sha(manifest)}`,
        size: manifest.length,
        annotations: { 'io.containerd.image.name': `docker.io/${tag}`, 'org.opencontainers.image.ref.name': tag.split(':')[1] },
      },
    ],
  };
  const members: TarMember[] = [
    { name: 'blobs/', type: 'dir' },
    { name: 'blobs/sha256/', type: 'dir' },
  ];
  for (const [hex, data] of blobs) members.push({ name: `blobs/sha256/${hex}`, body: data });
  members.push(
    { name: 'index.json', body: JSON.stringify(index) },
    {
      name: 'manifest.json',
      body: JSON.stringify([
        { Config: `blobs/sha256/${sha(config)}`, RepoTags: [tag], Layers: layers.map((l) => `blobs/sha256/${sha(l.blob)}`) },
      ]),
    },
    { name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' },
  );
  return tar(members);
}

export interface PlatformImage {
  platform: { os: string; architecture: string; variant?: string };
  layers: HandLayer[];
  config: Buffer;
}

/** An OCI image layout directory whose index lists one manifest per platform. */
export function writeOciLayout(dir: string, images: PlatformImage[], refName?: string): void {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const manifests = images.map((image) => {
    const { blobs, manifest } = ociParts(image.layers, image.config, layerMediaType);
    for (const [hex, data] of blobs) writeFileSync(join(dir, 'blobs', 'sha256', hex), data);
    return {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${sha(manifest)}`,
      size: manifest.length,
      platform: image.platform,
    };
  });
  const nested = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  writeFileSync(join(dir, 'blobs', 'sha256', sha(nested)), nested);
  const top = {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.index.v1+json',
        digest: `sha256:${sha(nested)}`,
        size: nested.length,
        ...(refName ? { annotations: { 'org.opencontainers.image.ref.name': refName } } : {}),
      },
    ],
  };
  writeFileSync(join(dir, 'index.json'), JSON.stringify(top));
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
}
