import { createHash } from 'node:crypto';
import { Enums, Models, Serialize, SPDX, Spec } from '@cyclonedx/cyclonedx-library';
import { dependencyKey, packageKey, type InventoryPackage, type PackageInventory } from '../model/packages.js';
import type { SbomFormat } from '../config/types.js';

export interface SbomContext {
  bulkheadVersion: string;
  /** The Trivy that listed the packages. */
  trivyVersion?: string;
  now: Date;
}

/** The SBOM of one image, as the format asks; deterministic for the same inventory and time. */
export function renderSbom(format: SbomFormat, inventory: PackageInventory, context: SbomContext): string {
  return format === 'spdx' ? renderSpdx(inventory, context) : renderCycloneDx(inventory, context);
}

/** One entry per package (a package Trivy found twice in one target, e.g. by two analyzers, once). */
function uniquePackages(inventory: PackageInventory): Array<{ pkg: InventoryPackage; ref: string }> {
  const seen = new Map<string, { pkg: InventoryPackage; ref: string }>();
  for (const pkg of inventory.packages) {
    const ref = packageKey(pkg);
    if (!seen.has(ref)) seen.set(ref, { pkg, ref: pkg.purl && !seen.has(pkg.purl) ? pkg.purl : ref });
  }
  return [...seen.values()];
}

/** Dependencies as refs, resolved within the package's own target (where Trivy's ids are unique). */
function dependencyRefs(entries: Array<{ pkg: InventoryPackage; ref: string }>): Map<string, string[]> {
  const byKey = new Map(entries.map((e) => [packageKey(e.pkg), e.ref]));
  return new Map(
    entries.map((e) => [
      e.ref,
      e.pkg.dependsOn.flatMap((id) => {
        const ref = byKey.get(dependencyKey(e.pkg, id));
        return ref ? [ref] : [];
      }),
    ]),
  );
}

function imageName(reference: string): { name: string; version?: string } {
  const at = reference.indexOf('@');
  const base = at >= 0 ? reference.slice(0, at) : reference;
  const colon = base.lastIndexOf(':');
  if (colon > base.lastIndexOf('/')) return { name: base.slice(0, colon), version: base.slice(colon + 1) };
  return { name: base, ...(at >= 0 ? { version: reference.slice(at + 1) } : {}) };
}

/** CycloneDX 1.6 JSON through OWASP's own library, which normalizes and orders it as the spec says. */
function renderCycloneDx(inventory: PackageInventory, context: SbomContext): string {
  const image = imageName(inventory.image);
  const bom = new Models.Bom();
  bom.serialNumber = `urn:uuid:${uuidFrom(inventory, context)}`;
  bom.metadata.timestamp = context.now;
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, 'bulkhead', { version: context.bulkheadVersion }),
  );
  if (context.trivyVersion) {
    bom.metadata.tools.components.add(
      new Models.Component(Enums.ComponentType.Application, 'trivy', { version: context.trivyVersion, group: 'aquasecurity' }),
    );
  }
  const root = new Models.Component(Enums.ComponentType.Container, image.name, {
    bomRef: 'image',
    ...(image.version ? { version: image.version } : {}),
    ...(inventory.imageId
      ? { properties: new Models.PropertyRepository([new Models.Property('bulkhead:image-id', inventory.imageId)]) }
      : {}),
  });
  bom.metadata.component = root;
  const entries = uniquePackages(inventory);
  const components = new Map<string, Models.Component>();
  if (inventory.os) {
    const os = new Models.Component(Enums.ComponentType.OperatingSystem, inventory.os.family, {
      bomRef: 'os',
      version: inventory.os.name,
    });
    bom.components.add(os);
    root.dependencies.add(os.bomRef);
  }
  for (const { pkg, ref } of entries) {
    const properties = [
      new Models.Property('bulkhead:package-type', pkg.ecosystem),
      new Models.Property('bulkhead:found-in', pkg.target),
      ...(pkg.layer ? [new Models.Property('bulkhead:layer-diff-id', pkg.layer)] : []),
    ];
    const component = new Models.Component(Enums.ComponentType.Library, pkg.name, {
      bomRef: ref,
      ...(pkg.version ? { version: pkg.version } : {}),
      ...(pkg.purl ? { purl: pkg.purl } : {}),
      licenses: new Models.LicenseRepository(pkg.licenses.map(licenseOf)),
      properties: new Models.PropertyRepository(properties),
    });
    components.set(ref, component);
    bom.components.add(component);
  }
  const dependencies = dependencyRefs(entries);
  const dependedOn = new Set([...dependencies.values()].flat());
  for (const [ref, component] of components) {
    for (const dependency of dependencies.get(ref) ?? []) {
      const target = components.get(dependency);
      if (target) component.dependencies.add(target.bomRef);
    }
    // What nothing else depends on hangs off the image, so that the graph has one root.
    if (!dependedOn.has(ref)) root.dependencies.add(component.bomRef);
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

function licenseOf(name: string): Models.License {
  const id = SPDX.fixupSpdxId(name);
  return id ? new Models.SpdxLicense(id) : new Models.NamedLicense(name);
}

/** A v4-shaped UUID from the content and time, so that the same scan writes the same SBOM. */
function uuidFrom(inventory: PackageInventory, context: SbomContext): string {
  const hex = createHash('sha256')
    .update(JSON.stringify([inventory.image, inventory.imageId, inventory.packages.length, context.now.toISOString()]))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16] ?? '0', 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** SPDX's idstring: letters, digits, `.` and `-` only. */
function spdxId(ref: string, index: number): string {
  return `SPDXRef-Package-${index}-${ref.replace(/[^A-Za-z0-9.-]+/g, '-').slice(0, 80)}`;
}

/**
 * SPDX 2.3 JSON, written here: the format is a flat list of packages and relationships, and the
 * maintained SPDX libraries are not JavaScript ones.
 */
function renderSpdx(inventory: PackageInventory, context: SbomContext): string {
  const image = imageName(inventory.image);
  const entries = uniquePackages(inventory);
  const ids = new Map(entries.map((e, i) => [e.ref, spdxId(e.ref, i + 1)]));
  const noAssertion = 'NOASSERTION';
  const license = (pkg: InventoryPackage): string => {
    const known = pkg.licenses.map((l) => SPDX.fixupSpdxId(l));
    // Only a list of known SPDX ids makes an expression; a named license is not asserted as one.
    return known.length > 0 && known.every((id) => id !== undefined) ? [...new Set(known)].join(' AND ') : noAssertion;
  };
  const packages = [
    {
      SPDXID: 'SPDXRef-Image',
      name: image.name,
      ...(image.version ? { versionInfo: image.version } : {}),
      downloadLocation: noAssertion,
      filesAnalyzed: false,
      primaryPackagePurpose: 'CONTAINER',
      ...(inventory.imageId ? { comment: `image id ${inventory.imageId}` } : {}),
    },
    ...(inventory.os
      ? [
          {
            SPDXID: 'SPDXRef-OperatingSystem',
            name: inventory.os.family,
            versionInfo: inventory.os.name,
            downloadLocation: noAssertion,
            filesAnalyzed: false,
            primaryPackagePurpose: 'OPERATING_SYSTEM',
          },
        ]
      : []),
    ...entries.map(({ pkg, ref }) => ({
      SPDXID: ids.get(ref) as string,
      name: pkg.name,
      ...(pkg.version ? { versionInfo: pkg.version } : {}),
      downloadLocation: noAssertion,
      filesAnalyzed: false,
      licenseConcluded: noAssertion,
      licenseDeclared: license(pkg),
      copyrightText: noAssertion,
      primaryPackagePurpose: 'LIBRARY',
      ...(pkg.purl ? { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl }] } : {}),
      comment: `${pkg.ecosystem} package found in ${pkg.target}${pkg.layer ? `, layer ${pkg.layer}` : ''}`,
    })),
  ];
  const dependencies = dependencyRefs(entries);
  const dependedOn = new Set([...dependencies.values()].flat());
  const relationships = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' },
    ...(inventory.os
      ? [{ spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-OperatingSystem' }]
      : []),
    ...entries
      .filter((e) => !dependedOn.has(e.ref))
      .map((e) => ({ spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: ids.get(e.ref) as string })),
    ...entries.flatMap((e) =>
      (dependencies.get(e.ref) ?? []).map((dependency) => ({
        spdxElementId: ids.get(e.ref) as string,
        relationshipType: 'DEPENDS_ON',
        relatedSpdxElement: ids.get(dependency) as string,
      })),
    ),
  ];
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: inventory.image,
    documentNamespace: `https://spdx.org/spdxdocs/bulkhead/${encodeURIComponent(image.name)}-${uuidFrom(inventory, context)}`,
    creationInfo: {
      created: context.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      creators: [`Tool: bulkhead-${context.bulkheadVersion}`, ...(context.trivyVersion ? [`Tool: trivy-${context.trivyVersion}`] : [])],
    },
    packages,
    relationships,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
