/** The packages Trivy found in an image (`--list-all-pkgs`), kept for the SBOM and the dependency graph. */
export interface InventoryPackage {
  name: string;
  version?: string;
  /** Package URL, as Trivy writes it (`pkg:deb/debian/apt@3.0.3?arch=amd64&distro=debian-13.4`). */
  purl?: string;
  /** Trivy's id (`name@version`), what other packages' `dependsOn` name. */
  id?: string;
  /** License names or SPDX identifiers, as the package declares them. */
  licenses: string[];
  /** `os` for the distribution's packages, `library` for a language's. */
  kind: 'os' | 'library';
  /** Trivy's result type: debian, alpine, npm, pip, jar… */
  ecosystem: string;
  /** Where in the image Trivy found it: the OS, or a lock file's path. */
  target: string;
  /** The layer that brought it in (its diff id). */
  layer?: string;
  dependsOn: string[];
}

/**
 * A package's key within its image: where Trivy found it and its id (Trivy's own, else
 * name@version). Trivy's DependsOn name ids that are unique within one target, so a dependency
 * `id` of a package resolves to `packageKey({ target, id })`.
 */
export function packageKey(pkg: Pick<InventoryPackage, 'target' | 'id' | 'name' | 'version'>): string {
  return `${pkg.target}|${pkg.id ?? `${pkg.name}@${pkg.version ?? ''}`}`;
}

/** The key of a package that `pkg` depends on by Trivy's id. */
export function dependencyKey(pkg: Pick<InventoryPackage, 'target'>, id: string): string {
  return `${pkg.target}|${id}`;
}

export interface PackageInventory {
  /** The image reference, as Trivy names it. */
  image: string;
  imageId?: string;
  os?: { family: string; name: string };
  packages: InventoryPackage[];
}
