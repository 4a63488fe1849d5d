import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolError, UsageError } from '../../../src/util/errors.js';
import { installScanner, type InstallRequest } from '../../../src/scanners/install/installer.js';
import { TRIVY } from '../../../src/releases/catalog.js';
import { tempDir } from '../../helpers.js';
import { ReleaseServer, trivyArchive } from '../../support/releaseServer.js';
import { writeStandins } from '../../support/standins.js';
import { testSigstore, type TestSigstore } from '../../support/sigstoreSigner.js';

describe('installing scanners from release downloads', () => {
  const server = new ReleaseServer();
  const standins = writeStandins(tempDir('bulkhead-standins-'), { argvLog: join(tempDir(), 'argv.log') });
  process.env.STANDIN_PLAN = standins.planFile;
  const archive = trivyArchive(join(standins.binDir, 'trivy'));
  let toolCacheDir: string;
  let tmp: string;
  const request = (overrides: Partial<InstallRequest>): InstallRequest => ({
    tool: 'trivy',
    mirror: server.url,
    platform: 'linux-x64',
    toolCacheDir,
    tempDir: tmp,
    searchPath: '',
    downloadTimeoutMs: 10_000,
    stallTimeoutMs: 500,
    ...overrides,
  });
  const installedVersions = (tool: string): string[] =>
    existsSync(join(toolCacheDir, tool)) ? readdirSync(join(toolCacheDir, tool)).filter((n) => !n.endsWith('.complete')) : [];
  const leftovers = (): string[] => readdirSync(tmp).filter((n) => n.startsWith('bulkhead-install-'));

  beforeAll(async () => {
    await server.start();
  });
  afterAll(() => server.stop());

  it('installs a version with a user-given sha256 through a redirect, then reuses the tool cache without downloading', async () => {
    toolCacheDir = tempDir('bulkhead-toolcache-');
    tmp = tempDir('bulkhead-tmp-');
    const sha256 = server.publish('aquasecurity/trivy', '0.70.1', 'trivy_0.70.1_Linux-64bit.tar.gz', { kind: 'ok', body: archive });
    const first = await installScanner(request({ version: 'v0.70.1', sha256 }));
    expect(first.source).toBe('download');
    expect(first.version).toBe('0.70.1');
    expect(first.path).toBe(join(toolCacheDir, 'trivy', '0.70.1', 'x64', 'trivy'));
    expect(execFileSync(first.path, ['--version'], { encoding: 'utf8' })).toContain('Version:');
    expect(first.log.join('\n')).toContain(`sha256 ${sha256} matches`);
    expect(server.requests).toContain('/aquasecurity/trivy/releases/download/v0.70.1/trivy_0.70.1_Linux-64bit.tar.gz');
    const requestsBefore = server.requests.length;
    const second = await installScanner(request({ version: '0.70.1', sha256 }));
    expect(second.source).toBe('tool-cache');
    expect(second.sha256).toBe(first.sha256);
    expect(server.requests.length).toBe(requestsBefore);
    expect(leftovers()).toEqual([]);
  });

  it('installs again when the cached executable was changed after install', async () => {
    const sha256 = server.publish('aquasecurity/trivy', '0.70.1', 'trivy_0.70.1_Linux-64bit.tar.gz', { kind: 'ok', body: archive });
    const cached = join(toolCacheDir, 'trivy', '0.70.1', 'x64', 'trivy');
    writeFileSync(cached, '#!/bin/sh\necho tampered\n');
    const again = await installScanner(request({ version: '0.70.1', sha256 }));
    expect(again.source).toBe('download');
    expect(again.log[0]).toMatch(/does not match what was installed/);
    expect(readFileSync(cached, 'utf8')).not.toContain('tampered');
  });

  const failures: Array<[string, () => Promise<unknown>, RegExp]> = [
    [
      'a checksum that does not match the one bulkhead ships',
      async () => {
        server.publish('aquasecurity/trivy', TRIVY.pinned, `trivy_${TRIVY.pinned}_Linux-64bit.tar.gz`, { kind: 'ok', body: archive });
        return installScanner(request({}));
      },
      /has sha256 [0-9a-f]{64}, not the 1816b632dfe529869c740c0913e36bd1629cb7688bd5634f4a858c1d57c88b75 bulkhead expects; it was deleted and not run/,
    ],
    [
      'a truncated download',
      async () => {
        const sha256 = server.publish('aquasecurity/trivy', '0.70.2', 'trivy_0.70.2_Linux-64bit.tar.gz', {
          kind: 'truncated',
          body: archive,
        });
        return installScanner(request({ version: '0.70.2', sha256 }));
      },
      /download of .*trivy_0\.70\.2_Linux-64bit\.tar\.gz failed: (the transfer broke off after \d+ bytes|the server announced \d+ bytes but sent \d+)/,
    ],
    [
      'a 404',
      () => installScanner(request({ version: '0.70.3', sha256: 'a'.repeat(64) })),
      /download of .*\/v0\.70\.3\/trivy_0\.70\.3_Linux-64bit\.tar\.gz failed: the server answered 404/,
    ],
    [
      'a server that stops sending',
      async () => {
        server.publish('aquasecurity/trivy', '0.70.4', 'trivy_0.70.4_Linux-64bit.tar.gz', { kind: 'stall' });
        return installScanner(request({ version: '0.70.4', sha256: 'b'.repeat(64) }));
      },
      /failed: the server (sent nothing|stopped sending after 0 bytes \(nothing) for 0\.5 s/,
    ],
    [
      'a redirect loop',
      async () => {
        server.publish('aquasecurity/trivy', '0.70.5', 'trivy_0.70.5_Linux-64bit.tar.gz', { kind: 'redirect-loop' });
        return installScanner(request({ version: '0.70.5', sha256: 'c'.repeat(64) }));
      },
      /failed: too many redirects \(a redirect loop\?\)/,
    ],
  ];
  for (const [what, attempt, message] of failures) {
    it(`fails on ${what} with a clear message and leaves nothing half-installed`, async () => {
      toolCacheDir = tempDir('bulkhead-toolcache-');
      tmp = tempDir('bulkhead-tmp-');
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ToolError);
      expect((error as Error).message).toMatch(/^trivy: /);
      expect((error as Error).message).toMatch(message);
      expect(installedVersions('trivy')).toEqual([]);
      expect(leftovers()).toEqual([]);
    });
  }

  it('refuses the compromised Trivy releases by name, before any download', async () => {
    const before = server.requests.length;
    for (const version of ['0.69.4', 'v0.69.4']) {
      const error = await installScanner(request({ version, sha256: 'd'.repeat(64) })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toBe(
        'trivy-version 0.69.4 is refused: it is a malicious build published with stolen credentials in March 2026 (GHSA-69fq-xp46-6x23, CVE-2026-33634); use the pinned version.',
      );
    }
    expect(server.requests.length).toBe(before);
  });

  it('refuses a version it does not know, older than the signed releases, unless the user gives its sha256', async () => {
    const error = await installScanner(request({ version: '0.60.0' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      'trivy-version 0.60.0 is not a version bulkhead knows (it knows 0.69.3), and releases before 0.68.1 carry no signature to verify instead; give trivy-sha256 with the sha256 of trivy_0.60.0_Linux-64bit.tar.gz from a source you trust, or remove trivy-version.',
    );
  });

  describe('a Trivy release bulkhead ships no sha256 for, verified by its Sigstore signature', () => {
    const version = '0.70.0';
    const name = `trivy_${version}_Linux-64bit.tar.gz`;
    const identity = `https://github.com/aquasecurity/trivy/.github/workflows/reusable-release.yaml@refs/tags/v${version}`;
    let sigstore: TestSigstore;
    let trustedRootFile: string;
    beforeAll(async () => {
      sigstore = await testSigstore();
      trustedRootFile = join(tempDir('bulkhead-trust-'), 'trusted_root.json');
      writeFileSync(trustedRootFile, JSON.stringify(sigstore.trustedRoot));
    });
    const publishSigned = async (body: Buffer, bundle?: string): Promise<void> => {
      server.publish('aquasecurity/trivy', version, name, { kind: 'ok', body });
      server.serve('aquasecurity/trivy', version, `${name}.sigstore.json`, bundle ?? (await sigstore.sign(body, { identity })));
    };
    const fresh = (): void => {
      toolCacheDir = tempDir('bulkhead-toolcache-');
      tmp = tempDir('bulkhead-tmp-');
    };
    const refusal = async (root: 'test root' | 'default root' = 'test root'): Promise<Error> => {
      const error = await installScanner(request({ version, ...(root === 'test root' ? { trustedRootFile } : {}) })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ToolError);
      expect(installedVersions('trivy')).toEqual([]);
      expect(leftovers()).toEqual([]);
      return error as Error;
    };

    it('installs with no sha256, downloading the bundle beside the archive, and logs who signed it', async () => {
      fresh();
      await publishSigned(archive);
      const installed = await installScanner(request({ version, trustedRootFile }));
      expect(installed.source).toBe('download');
      expect(execFileSync(installed.path, ['--version'], { encoding: 'utf8' })).toContain('Version:');
      expect(installed.log.join('\n')).toMatch(
        new RegExp(
          `its Sigstore signature verifies \\(signed by ${identity.replace(/[.]/g, '\\.')}, issuer https://token\\.actions\\.githubusercontent\\.com, transparency-log entry \\d+\\)`,
        ),
      );
      expect(server.requests).toContain(`/aquasecurity/trivy/releases/download/v${version}/${name}.sigstore.json`);
    });

    it('fails closed on a tampered asset, naming why', async () => {
      fresh();
      const bundle = await sigstore.sign(archive, { identity });
      const tampered = Buffer.from(archive);
      tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 0xff;
      await publishSigned(tampered, bundle);
      expect((await refusal()).message).toBe(
        `trivy: ${name} was deleted and not run: its signature bundle ${name}.sigstore.json does not prove it: the digest it signs is not the sha256 of the asset (the asset or the bundle was changed) (bulkhead ships no sha256 for it, so only a valid signature lets it run: give trivy-sha256 from a source you trust, or use the pinned version).`,
      );
    });

    it('fails closed on a tampered bundle, a bundle of another tag, and a missing bundle', async () => {
      fresh();
      const bundle = JSON.parse(await sigstore.sign(archive, { identity }));
      bundle.messageSignature.signature = Buffer.from('forged').toString('base64');
      await publishSigned(archive, JSON.stringify(bundle));
      expect((await refusal()).message).toMatch(/does not prove it: its transparency-log entry does not verify \(signature mismatch\)/);
      await publishSigned(archive, await sigstore.sign(archive, { identity: identity.replace(version, '0.69.3') }));
      expect((await refusal()).message).toMatch(/does not prove it: the signer is not the one required \(.*got .*@refs\/tags\/v0\.69\.3\)/);
      server.withdraw('aquasecurity/trivy', version, `${name}.sigstore.json`);
      expect((await refusal()).message).toMatch(
        new RegExp(
          `^trivy: ${name} was deleted and not run: its signature bundle could not be fetched \\(download of .*\\.sigstore\\.json failed: the server answered 404`,
        ),
      );
    });

    it("verifies against Sigstore's public-good root by default, which does not trust a test signature", async () => {
      fresh();
      await publishSigned(archive);
      expect((await refusal('default root')).message).toMatch(/does not prove it: the signing certificate is not trusted/);
    });

    it('says what to change when sigstore-trusted-root is not a trusted root', async () => {
      fresh();
      await publishSigned(archive);
      const notARoot = join(tempDir('bulkhead-trust-'), 'root.json');
      writeFileSync(notARoot, '{"mediaType":"application/json"}');
      const error = await installScanner(request({ version, trustedRootFile: notARoot })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toBe(
        `sigstore-trusted-root ${notARoot} is not a Sigstore trusted root: its mediaType is "application/json", not a Sigstore trusted root's; give the trusted_root.json of your Sigstore instance, or remove sigstore-trusted-root.`,
      );
    });

    it('still refuses the compromised releases, whatever signature they carry', async () => {
      fresh();
      const before = server.requests.length;
      const error = await installScanner(request({ version: '0.69.5', trustedRootFile })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(/^trivy-version 0\.69\.5 is refused: it is a malicious build/);
      expect(server.requests.length).toBe(before);
    });
  });

  it('installs hadolint, a bare executable, and says when a platform has no build', async () => {
    toolCacheDir = tempDir('bulkhead-toolcache-');
    tmp = tempDir('bulkhead-tmp-');
    const body = readFileSync(join(standins.binDir, 'hadolint'));
    // hadolint renamed its assets in 2.13.1: both namings are asked for by the name the release has.
    for (const [version, name] of [
      ['2.11.0', 'hadolint-Linux-x86_64'],
      ['2.99.0', 'hadolint-linux-x86_64'],
    ] as const) {
      const sha256 = server.publish('hadolint/hadolint', version, name, { kind: 'ok', body });
      const installed = await installScanner(request({ tool: 'hadolint', version, sha256 }));
      expect(installed.sha256).toBe(sha256);
      expect(execFileSync(installed.path, ['--version'], { encoding: 'utf8' })).toMatch(/Haskell Dockerfile Linter/);
      expect(server.requests).toContain(`/hadolint/hadolint/releases/download/v${version}/${name}`);
    }
    const error = await installScanner(request({ tool: 'hadolint', platform: 'darwin-arm64' })).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'hadolint 2.12.0 publishes no build for darwin-arm64; install it yourself and give hadolint-path, or run on another runner.',
    );
  });

  it('uses a scanner on PATH only when its version is the wanted one', async () => {
    toolCacheDir = tempDir('bulkhead-toolcache-');
    const matching = await installScanner(request({ searchPath: standins.binDir }));
    expect(matching.source).toBe('path');
    expect(matching.path).toBe(join(standins.binDir, 'trivy'));
    expect(matching.log[0]).toMatch(/^Using trivy 0\.69\.3 found on PATH: .*\/bin\/trivy \(sha256 [0-9a-f]{64}\)\.$/);
    const sha256 = server.publish('aquasecurity/trivy', '0.70.1', 'trivy_0.70.1_Linux-64bit.tar.gz', { kind: 'ok', body: archive });
    const other = await installScanner(request({ searchPath: standins.binDir, version: '0.70.1', sha256 }));
    expect(other.source).toBe('download');
    expect(other.log[0]).toMatch(/bin\/trivy is trivy 0\.69\.3, not 0\.70\.1: not used\.$/);
  });

  it('uses an executable the user names as it is, and records its version and checksum', async () => {
    const given = await installScanner(request({ executablePath: join(standins.binDir, 'trivy') }));
    expect(given).toMatchObject({ source: 'given', version: '0.69.3' });
    const error = await installScanner(request({ executablePath: join(tmp, 'missing') })).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^trivy-path .*missing is not an executable file; give the path of the trivy binary\.$/);
  });
});
