import { imageRepository } from '../model/finding.js';
import { UsageError } from '../util/errors.js';

export type ImageSource = 'daemon' | 'docker-archive' | 'oci' | 'oci-archive' | 'registry';

export interface ImageTarget {
  /** Exactly what the user wrote. */
  input: string;
  source: ImageSource;
  /** Image reference (daemon, registry) or file path (archives, layouts). */
  location: string;
  /** Reference inside an archive or layout (`oci:DIR:TAG`), when given. */
  reference?: string;
  /** Stable key: repository without tag or digest, or the archive path. Used for categories and fingerprints. */
  key: string;
}

// Docker's reference grammar, simplified: [registry[:port]/]path[:tag][@digest].
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REFERENCE = new RegExp(
  `^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,})?$`,
);

/**
 * The Dockerfile an image was built from: the only one given, or the one at the image's position
 * when as many are given as images. Attribution and the dependency graph pair them alike.
 */
export function pairedDockerfile<T>(images: readonly { key: string }[], dockerfiles: readonly T[], imageKey: string): T | undefined {
  if (dockerfiles.length === 1) return dockerfiles[0];
  const index = images.findIndex((i) => i.key === imageKey);
  return index >= 0 && images.length === dockerfiles.length ? dockerfiles[index] : undefined;
}

export function isImageReference(value: string): boolean {
  return value.length <= 255 + 128 + 80 && REFERENCE.test(value);
}

function requireReference(value: string, input: string): string {
  if (!isImageReference(value)) {
    throw new UsageError(
      `image "${input}" is not a valid image reference; write it as NAME[:TAG][@DIGEST] (e.g. ghcr.io/acme/app:pr-42), or use docker-archive:PATH, oci:DIR or oci-archive:PATH for files.`,
    );
  }
  return value;
}

/** Parses one line of the `image` input (skopeo-style transports). */
export function parseImageTarget(input: string): ImageTarget {
  const text = input.trim();
  const transport = /^(docker-daemon|docker-archive|oci-archive|oci|docker|registry):/.exec(text);
  if (!transport) {
    const ref = requireReference(text, input);
    return { input, source: 'daemon', location: ref, key: imageRepository(ref) };
  }
  const rest = text.slice(transport[0].length);
  switch (transport[1]) {
    case 'docker-daemon': {
      const ref = requireReference(rest, input);
      return { input, source: 'daemon', location: ref, key: imageRepository(ref) };
    }
    case 'docker': {
      if (!rest.startsWith('//')) {
        throw new UsageError(`image "${input}" needs two slashes after the transport: docker://REF.`);
      }
      const ref = requireReference(rest.slice(2), input);
      return { input, source: 'registry', location: ref, key: imageRepository(ref) };
    }
    case 'registry': {
      // The clearer alias of docker://REF: no slashes, since nothing else could follow.
      const ref = requireReference(rest.replace(/^\/\//, ''), input);
      return { input, source: 'registry', location: ref, key: imageRepository(ref) };
    }
    default: {
      const source = transport[1] as 'docker-archive' | 'oci' | 'oci-archive';
      if (rest.length === 0) {
        throw new UsageError(`image "${input}" names no path; write ${source}:PATH.`);
      }
      // skopeo's PATH[:REFERENCE]: split at the first colon, as containers/image does, so that a
      // reference keeps its own registry port and tag (oci:layout:ghcr.io/acme/app:1).
      const colon = rest.indexOf(':');
      const path = colon > 0 ? rest.slice(0, colon) : rest;
      const reference = colon > 0 ? rest.slice(colon + 1) : undefined;
      return {
        input,
        source,
        location: path,
        ...(reference ? { reference } : {}),
        key: reference && isImageReference(reference) ? imageRepository(reference) : path,
      };
    }
  }
}
