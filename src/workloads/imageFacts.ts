import { capabilityNames } from '../model/capabilities.js';
/**
 * What the cross-checks (BH330–BH332) and suggestions need to know of an image the same run
 * read: its user, ports, volumes and file capabilities, and the references it goes by.
 */
export interface ImageFacts {
  /** The reference as the user gave it (for messages). */
  reference: string;
  /** References the image is known by, normalised (docker.io/library/…:tag), for matching manifests. */
  names: readonly string[];
  /** The image config's USER ('' is root). */
  user: string;
  exposedPorts: readonly string[];
  volumes: readonly string[];
  fileCapabilities: readonly { path: string; capabilities: readonly string[] }[];
  /** What a rehearsal of the image proved: it ran this long as this user, read-only with these volumes, with these capabilities. */
  rehearsed?: {
    durationMs: number;
    user: string;
    readOnly: boolean;
    volumes: readonly string[];
    capabilities: readonly string[];
  };
}

/** USER '' (unset), root, 0, root:… and 0:… all run as root. */
export function isRootUser(user: string): boolean {
  const name = user.trim().split(':')[0] ?? '';
  return name === '' || name === 'root' || name === '0';
}

/** A numeric UID, or undefined for a name. */
export function numericUid(user: string): string | undefined {
  const name = user.trim().split(':')[0] ?? '';
  return /^\d+$/.test(name) ? name : undefined;
}

/**
 * Docker's normalisation of a reference: `nginx` → `docker.io/library/nginx:latest`,
 * `ghcr.io/a/b@sha256:…` unchanged. Manifests and image inputs compare in this form.
 */
export function normalizeReference(reference: string): string {
  let ref = reference.trim().replace(/^docker:\/\//, '');
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at) : '';
  if (at >= 0) ref = ref.slice(0, at);
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) ref = `docker.io/${slash < 0 ? 'library/' : ''}${ref}`;
  const lastSlash = ref.lastIndexOf('/');
  if (!ref.slice(lastSlash + 1).includes(':') && !digest) ref = `${ref}:latest`;
  return `${ref}${digest}`;
}

/** True when a manifest's `image:` names this image: the same repository and tag, or the same digest. */
export function sameImage(manifestImage: string, facts: Pick<ImageFacts, 'names'>): boolean {
  const wanted = normalizeReference(manifestImage);
  const [wantedName, wantedDigest] = wanted.split('@') as [string, string | undefined];
  return facts.names.some((name) => {
    const [knownName, knownDigest] = name.split('@') as [string, string | undefined];
    if (wantedDigest && knownDigest) return wantedDigest === knownDigest;
    if (wantedDigest) return false;
    return knownName === wantedName;
  });
}

/**
 * The permitted capabilities of a `security.capability` xattr (struct vfs_cap_data, little
 * endian: magic, then permitted/inheritable pairs of 32 bits, low word first). Unreadable → [].
 */
export function decodeFileCapabilities(hex: string): string[] {
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length < 12) return [];
  const low = bytes.readUInt32LE(4);
  const high = bytes.length >= 20 ? bytes.readUInt32LE(12) : 0;
  return capabilityNames(low, high);
}
