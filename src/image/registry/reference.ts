/** Where a `docker://` reference lives: the registry host to talk to, the repository, the tag or digest. */
export interface RegistryReference {
  /** host[:port] as written, docker.io for Docker Hub: what credentials are stored under. */
  registry: string;
  /** host[:port] the API is reached at (registry-1.docker.io for Docker Hub). */
  apiHost: string;
  /** Repository path, with Docker Hub's library/ for official images. */
  repository: string;
  /** The tag or the digest to fetch; a digest wins when both are given. */
  reference: string;
  /** Whether `reference` is a digest, so the manifest's bytes must hash to it. */
  pinned: boolean;
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * Docker's normalization (distribution/reference): the first path component is a registry when
 * it has a dot or a port or is localhost; otherwise the image is on Docker Hub, and a one-part
 * name is an official image under library/. The reference was validated by config/targets.ts.
 */
export function parseRegistryReference(ref: string): RegistryReference {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first.toLowerCase() : 'docker.io';
  let path = hasRegistry ? rest.slice(slash + 1) : rest;
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon > path.lastIndexOf('/')) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  const hub = DOCKER_HUB.has(registry);
  if (hub && !path.includes('/')) path = `library/${path}`;
  return {
    registry: hub ? 'docker.io' : registry,
    apiHost: hub ? 'registry-1.docker.io' : registry,
    repository: path,
    reference: digest ?? tag ?? 'latest',
    pinned: digest !== undefined,
  };
}

/** The keys `docker login` may have stored a registry's credentials under, most specific first. */
export function credentialKeys(registry: string): string[] {
  if (registry === 'docker.io') return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  return [registry, `https://${registry}`, `http://${registry}`];
}

/** A key of config.json's `auths` reduced to host[:port] (`https://ghcr.io/v1/` → ghcr.io). */
export function hostOfKey(key: string): string {
  const host = key
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/\/.*$/, '');
  return DOCKER_HUB.has(host) ? 'docker.io' : host;
}
