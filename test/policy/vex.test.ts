import { describe, expect, it } from 'vitest';
import { fingerprintOf, type Finding } from '../../src/model/finding.js';
import { applyPolicy } from '../../src/policy/decide.js';
import { parseOpenVex, purlMatches } from '../../src/policy/vex.js';
import { FormatError } from '../../src/util/errors.js';

function vulnerability(id: string, purl: string, image?: string): Finding {
  const name = /\/([^/@]+)@/.exec(purl)?.[1] ?? 'pkg';
  return {
    tool: 'trivy',
    ruleId: id,
    kind: 'vulnerability',
    severity: 'critical',
    title: id,
    message: `${id}.`,
    pkg: { name, installed: '1', fixed: '2', purl },
    ...(image ? { image } : {}),
    fingerprint: fingerprintOf([id, purl]),
  };
}

// The minimal document of the OpenVEX specification.
const SPEC_MINIMAL = {
  '@context': 'https://openvex.dev/ns',
  '@id': 'https://openvex.dev/docs/example/vex-9fb3463de1b57',
  author: 'Wolfi J Inkinson',
  role: 'Document Creator',
  timestamp: '2023-01-08T18:02:03.647787998-06:00',
  version: 1,
  statements: [
    {
      vulnerability: { name: 'CVE-2023-12345' },
      products: [{ '@id': 'pkg:apk/wolfi/git@2.39.0-r1?arch=armv7' }, { '@id': 'pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64' }],
      status: 'fixed',
    },
  ],
};

// The specification's justification example: a product with a machine-readable justification and an impact statement.
const SPEC_NOT_AFFECTED = {
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://openvex.dev/docs/example/vex-2',
  author: 'Wolfi J Inkinson',
  timestamp: '2023-01-09T00:00:00Z',
  version: 1,
  statements: [
    {
      vulnerability: { name: 'CVE-2023-12345' },
      products: [{ '@id': 'pkg:apk/wolfi/product@1.23.0-r1?arch=armv7' }],
      status: 'not_affected',
      justification: 'component_not_present',
      impact_statement: 'The vulnerable code was removed with a custom patch',
    },
  ],
};

describe('OpenVEX', () => {
  it("suppresses the spec example's fixed statement for the package it names, whatever the arch qualifier", () => {
    const statements = parseOpenVex(SPEC_MINIMAL, 'git.vex.json');
    const git = vulnerability('CVE-2023-12345', 'pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64&distro=wolfi');
    const otherVersion = vulnerability('CVE-2023-12345', 'pkg:apk/wolfi/git@2.40.0-r0');
    const decisions = applyPolicy([git, otherVersion], {
      failOn: 'high',
      ignoreUnfixed: false,
      vex: statements,
      today: '2026-11-22',
    }).decisions;
    expect(decisions[0]).toMatchObject({ verdict: 'suppressed', reason: 'VEX git.vex.json statement 1: fixed' });
    expect(decisions[1]?.verdict).toBe('fails-gate');
  });

  it('uses the justification as the reason for not_affected', () => {
    const statements = parseOpenVex(SPEC_NOT_AFFECTED, 'p.vex.json');
    const finding = vulnerability('CVE-2023-12345', 'pkg:apk/wolfi/product@1.23.0-r1?arch=armv7');
    expect(applyPolicy([finding], { failOn: 'high', ignoreUnfixed: false, vex: statements }).decisions[0]?.reason).toBe(
      'VEX p.vex.json statement 1: not affected (component not present)',
    );
  });

  it('matches an image product with subcomponents, and the early string form', () => {
    const statements = parseOpenVex(
      {
        timestamp: '2023-01-01T00:00:00Z',
        statements: [
          {
            vulnerability: 'CVE-2024-1',
            products: ['pkg:oci/app?repository_url=ghcr.io/acme/app'],
            subcomponents: ['pkg:deb/debian/openssl'],
            status: 'not_affected',
            justification: 'vulnerable_code_not_present',
          },
        ],
      },
      'v.json',
    );
    const inImage = vulnerability('CVE-2024-1', 'pkg:deb/debian/openssl@3.0.11', 'ghcr.io/acme/app:pr-3');
    const otherImage = vulnerability('CVE-2024-1', 'pkg:deb/debian/openssl@3.0.11', 'ghcr.io/acme/api:pr-3');
    const otherPackage = vulnerability('CVE-2024-1', 'pkg:deb/debian/curl@8', 'ghcr.io/acme/app:pr-3');
    expect(
      applyPolicy([inImage, otherImage, otherPackage], { failOn: 'high', ignoreUnfixed: false, vex: statements }).decisions.map(
        (d) => d.verdict,
      ),
    ).toEqual(['suppressed', 'fails-gate', 'fails-gate']);
  });

  it('refuses what is not OpenVEX, saying why', () => {
    expect(() => parseOpenVex({ bomFormat: 'CycloneDX' }, 'x')).toThrow(FormatError);
    expect(() => parseOpenVex({ statements: [{ vulnerability: { name: 'CVE-1' }, status: 'maybe' }] }, 'x')).toThrow(/status "maybe"/);
  });

  it('compares package URLs by type, namespace, name, and version when given', () => {
    expect(purlMatches('pkg:deb/debian/openssl', 'pkg:deb/debian/openssl@3.0.11?arch=amd64')).toBe(true);
    expect(purlMatches('pkg:deb/debian/openssl@3.0.11', 'pkg:deb/debian/openssl@3.0.12')).toBe(false);
    expect(purlMatches('pkg:deb/ubuntu/openssl', 'pkg:deb/debian/openssl@3')).toBe(false);
  });

  it("reads each type's own normalisation and the qualifiers a statement gives (packageurl-js)", () => {
    // PyPI names are case-insensitive and treat _ and - alike; Trivy writes them as pip does.
    expect(purlMatches('pkg:PyPI/Django_REST_framework@3.14.0', 'pkg:pypi/django-rest-framework@3.14.0')).toBe(true);
    // Percent-encoding is read, not compared as text: a + in a Debian version, an npm scope.
    expect(purlMatches('pkg:deb/debian/curl@8.14.1-2+deb13u2', 'pkg:deb/debian/curl@8.14.1-2%2Bdeb13u2?arch=amd64')).toBe(true);
    expect(purlMatches('pkg:npm/%40angular/core', 'pkg:npm/@angular/core@17.0.0')).toBe(true);
    // A qualifier in the statement narrows it: the arm64 build is not the amd64 one.
    expect(purlMatches('pkg:deb/debian/curl?arch=arm64', 'pkg:deb/debian/curl@8.14.1?arch=amd64&distro=debian-13.4')).toBe(false);
    expect(purlMatches('pkg:deb/debian/curl?arch=amd64', 'pkg:deb/debian/curl@8.14.1?arch=amd64&distro=debian-13.4')).toBe(true);
    // A Go purl whose version packageurl-js 2.0.1 throws a ReferenceError on names nothing, quietly.
    expect(purlMatches('pkg:golang/github.com/a/b@v1', 'pkg:golang/github.com/a/b@v1')).toBe(false);
  });
});

describe('purls that are not valid percent-encoding', () => {
  it('match nothing instead of throwing (the finding stays, the run does not crash)', () => {
    expect(purlMatches('pkg:npm/%E0%A4%A@1.0.0', 'pkg:npm/%E0%A4%A@1.0.0')).toBe(false);
    expect(purlMatches('pkg:npm/lodash', 'pkg:npm/lodash@%ZZ')).toBe(false);
    expect(purlMatches('pkg:npm/lodash', 'pkg:npm/lodash@4.17.21')).toBe(true);
  });
});
