import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSbom } from '../../src/report/sbom.js';
import { inventoryField, parseTrivyReport } from '../../src/scanners/trivy/parse.js';
import type { PackageInventory } from '../../src/model/packages.js';
import { fixture } from '../helpers.js';
import { cyclonedxErrors, spdxErrors } from '../support/sbomSchemas.js';

const NGINX = 'large-edwinjdevops-sentinel-nginx-latest-debian13-234vulns.json';
const context = { bulkheadVersion: '0.1.0', trivyVersion: '0.69.3', now: new Date('2026-12-03T06:00:00.000Z') };

function inventory(name: string): PackageInventory {
  const report = parseTrivyReport(JSON.parse(readFileSync(fixture('trivy', name), 'utf8')), name);
  const { packages } = inventoryField(report);
  if (!packages) throw new Error(`${name} is not an image report`);
  return packages;
}

interface CdxComponent {
  'bom-ref': string;
  type: string;
  name: string;
  version?: string;
  purl?: string;
  licenses?: Array<{ license?: { id?: string; name?: string } }>;
  properties?: Array<{ name: string; value: string }>;
}

describe('the SBOM of an image, from the packages Trivy listed', () => {
  const nginx = inventory(NGINX);

  it('is CycloneDX 1.6 that validates against the official schema, with every package, its purl, licenses and layer', () => {
    const bom = JSON.parse(renderSbom('cyclonedx', nginx, context)) as {
      bomFormat: string;
      specVersion: string;
      serialNumber: string;
      metadata: { component: { name: string; version: string; type: string }; timestamp: string };
      components: CdxComponent[];
      dependencies: Array<{ ref: string; dependsOn?: string[] }>;
    };
    expect(cyclonedxErrors(bom)).toEqual([]);
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6' });
    expect(bom.metadata.component).toMatchObject({ type: 'container', name: 'nginx', version: 'latest' });
    expect(bom.metadata.timestamp).toBe('2026-12-03T06:00:00.000Z');
    const libraries = bom.components.filter((c) => c.type === 'library');
    expect(libraries).toHaveLength(151);
    expect(bom.components.find((c) => c.type === 'operating-system')).toMatchObject({ name: 'debian', version: '13.4' });
    const apt = libraries.find((c) => c.name === 'apt') as CdxComponent;
    expect(apt.purl).toBe('pkg:deb/debian/apt@3.0.3?arch=amd64&distro=debian-13.4');
    expect(apt.licenses?.map((l) => l.license?.id ?? l.license?.name)).toEqual(
      expect.arrayContaining(['GPL-2.0-or-later', 'BSD-3-Clause', 'MIT', 'GPL-2.0-only']),
    );
    expect(apt.properties?.find((p) => p.name === 'bulkhead:layer-diff-id')?.value).toMatch(/^sha256:[0-9a-f]{64}$/);
    // apt's DependsOn (libc6 among them) become edges of the graph, and the image is its root.
    const aptEdges = bom.dependencies.find((d) => d.ref === apt['bom-ref'])?.dependsOn ?? [];
    expect(aptEdges.some((ref) => ref.startsWith('pkg:deb/debian/libc6@'))).toBe(true);
    expect(bom.dependencies.find((d) => d.ref === 'image')?.dependsOn?.length).toBeGreaterThan(0);
  });

  it('is SPDX 2.3 that validates against the official schema, with the same packages and their relationships', () => {
    const document = JSON.parse(renderSbom('spdx', nginx, context)) as {
      spdxVersion: string;
      packages: Array<{ SPDXID: string; name: string; externalRefs?: Array<{ referenceLocator: string }>; licenseDeclared?: string }>;
      relationships: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }>;
      creationInfo: { created: string; creators: string[] };
    };
    expect(spdxErrors(document)).toEqual([]);
    expect(document.spdxVersion).toBe('SPDX-2.3');
    expect(document.creationInfo).toEqual({ created: '2026-12-03T06:00:00Z', creators: ['Tool: bulkhead-0.1.0', 'Tool: trivy-0.69.3'] });
    // The image, its OS, and 151 packages.
    expect(document.packages).toHaveLength(153);
    const apt = document.packages.find((p) => p.name === 'apt');
    expect(apt?.externalRefs?.[0]?.referenceLocator).toBe('pkg:deb/debian/apt@3.0.3?arch=amd64&distro=debian-13.4');
    const ids = new Set(document.packages.map((p) => p.SPDXID));
    expect(ids.size).toBe(document.packages.length);
    for (const r of document.relationships) {
      expect([...ids, 'SPDXRef-DOCUMENT']).toContain(r.spdxElementId);
      expect(ids).toContain(r.relatedSpdxElement);
    }
    expect(
      document.relationships.filter((r) => r.relationshipType === 'DEPENDS_ON' && r.spdxElementId === apt?.SPDXID).length,
    ).toBeGreaterThan(0);
  });

  it('is checked by validators that do refuse a broken document', () => {
    const bom = JSON.parse(renderSbom('cyclonedx', nginx, context)) as { components: Array<{ type: string }> };
    (bom.components[0] as { type: string }).type = 'nonsense';
    expect(cyclonedxErrors(bom).length).toBeGreaterThan(0);
    const spdx = JSON.parse(renderSbom('spdx', nginx, context)) as Record<string, unknown>;
    delete spdx.creationInfo;
    expect(spdxErrors(spdx).length).toBeGreaterThan(0);
  });

  it('writes the same SBOM for the same scan, and another for another time', () => {
    expect(renderSbom('cyclonedx', nginx, context)).toBe(renderSbom('cyclonedx', nginx, context));
    expect(renderSbom('spdx', nginx, { ...context, now: new Date('2026-12-04T00:00:00Z') })).not.toBe(renderSbom('spdx', nginx, context));
  });

  it('validates for a report whose package names carry hostile text and whose licenses are not SPDX ids', () => {
    const hostile: PackageInventory = {
      image: 'registry.example:5000/team/app@sha256:' + 'a'.repeat(64),
      packages: [
        {
          name: '<script>alert(1)</script>',
          version: '1\n2',
          licenses: ['Custom "License"', 'MIT'],
          kind: 'library',
          ecosystem: 'npm',
          target: 'app/package-lock.json',
          dependsOn: ['missing@1'],
        },
        {
          name: 'dup',
          version: '1',
          id: 'dup@1',
          licenses: [],
          kind: 'library',
          ecosystem: 'npm',
          target: 'a/package-lock.json',
          dependsOn: [],
        },
        {
          name: 'dup',
          version: '1',
          id: 'dup@1',
          licenses: [],
          kind: 'library',
          ecosystem: 'npm',
          target: 'a/package-lock.json',
          dependsOn: [],
        },
      ],
    };
    const cdx = JSON.parse(renderSbom('cyclonedx', hostile, context)) as { components: CdxComponent[] };
    expect(cyclonedxErrors(cdx)).toEqual([]);
    expect(cdx.components).toHaveLength(2);
    const spdx = JSON.parse(renderSbom('spdx', hostile, context)) as { packages: Array<{ licenseDeclared?: string }> };
    expect(spdxErrors(spdx)).toEqual([]);
    expect(spdx.packages[1]?.licenseDeclared).toBe('NOASSERTION');
  });
});
