import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse.js';
import { UsageError } from '../../src/util/errors.js';
import type { RawInputs } from '../../src/config/inputs.js';
import { parseImageTarget } from '../../src/config/targets.js';
import { workspaceWith } from '../helpers.js';

function configError(raw: RawInputs, files: Record<string, string> = {}): string {
  try {
    parseConfig(raw, { workspace: workspaceWith(files) });
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('configuration', () => {
  it('has defaults a first run can use: Dockerfile when present, fail-on high, all scanners', () => {
    const config = parseConfig({}, { workspace: workspaceWith({ Dockerfile: 'FROM scratch\n' }) });
    expect(config.targets.dockerfiles).toEqual(['Dockerfile']);
    expect(config.policy.failOn).toBeUndefined();
    expect(config.policy.ignoreUnfixed).toBeUndefined();
    expect(config.scanners.tools).toEqual(['trivy', 'hadolint', 'bulkhead']);
    expect(config.scanners.explicit).toBe(false);
    expect(config.policy.scannerError).toBe('fail');
    expect(config.reports.sarifFile.endsWith('bulkhead.sarif')).toBe(true);
    expect(config.publish.githubToken).toBeUndefined();
  });

  it('is frozen: no stage can change what another reads', () => {
    const config = parseConfig({}, { workspace: workspaceWith({ Dockerfile: 'FROM scratch\n' }) });
    expect(Object.isFrozen(config.targets.dockerfiles)).toBe(true);
    expect(() => ((config.policy as { scannerError: string }).scannerError = 'warn')).toThrow(TypeError);
  });

  it('names the input and the fix for each mistake', () => {
    expect(configError({ 'fail-on': 'severe' })).toBe('fail-on is "severe"; set it to critical, high, medium, low or none.');
    expect(configError({ tools: 'trivy,grype' })).toBe(
      'tools has "grype", which bulkhead does not run; the tools are trivy, hadolint, bulkhead.',
    );
    expect(configError({ 'trivy-report': 'missing.json' })).toMatch(/^trivy-report: missing.json does not exist; check the path/);
    expect(configError({ 'hadolint-report': 'reports' }, { 'reports/x': '' })).toBe(
      'hadolint-report: reports is a directory; give the path of a file.',
    );
    expect(configError({ 'ignore-unfixed': 'maybe' })).toBe('ignore-unfixed is "maybe"; set it to true or false.');
    expect(configError({ comment: 'sometimes' })).toBe('comment is "sometimes"; set it to one of: always, on-failure, never.');
    expect(configError({ timeout: 'soon' })).toBe('timeout is "soon"; write a duration such as 90s, 10m or 1h.');
    expect(configError({ 'scanner-error': 'ignore' })).toMatch(/^scanner-error is "ignore"; set it to one of: fail, warn\.$/);
    expect(configError({ dockerfile: 'docker/*.Dockerfile' })).toMatch(/^dockerfile: the pattern docker\/\*.Dockerfile matches no file/);
    expect(configError({ 'fail-on': 'info' })).toMatch(/^fail-on cannot be info/);
    expect(configError({ 'trivy-version': '0.58.0' })).toBe(
      'trivy-version 0.58.0 is not a version bulkhead knows (it knows 0.69.3), and releases before 0.68.1 carry no signature to verify instead; give trivy-sha256 with the sha256 of trivy_0.58.0_Linux-64bit.tar.gz from a source you trust, or remove trivy-version.',
    );
    expect(configError({ 'trivy-version': 'v0.69.4', 'trivy-sha256': 'a'.repeat(64) })).toMatch(
      /^trivy-version 0\.69\.4 is refused: .*GHSA-69fq-xp46-6x23/,
    );
    expect(configError({ 'trivy-version': 'latest' })).toBe('trivy-version is "latest"; write a release version such as 0.69.3.');
    // The package list comes from Trivy: an SBOM or a dependency snapshot without a Trivy image is a mistake.
    for (const input of ['sbom-file', 'dependency-graph'] as const) {
      expect(
        configError({ tools: 'hadolint', [input]: input === 'sbom-file' ? 'sbom.json' : 'true' }, { Dockerfile: 'FROM scratch\n' }),
      ).toBe(`${input} takes the packages Trivy finds in an image; give an image (with trivy in tools) or a trivy-report.`);
    }
    expect(configError({ image: 'ghcr.io/acme/app:1', 'sbom-file': 'sbom.json', 'sbom-format': 'swid' })).toBe(
      'sbom-format is "swid"; set it to one of: cyclonedx, spdx.',
    );
    expect(configError({ 'hadolint-sha256': 'abc' })).toBe('hadolint-sha256 must be 64 hexadecimal characters (a sha256 digest).');
    expect(configError({ 'trivy-path': 'Dockerfile', 'trivy-version': '0.69.3' })).toMatch(
      /^trivy-path runs the given executable as it is; remove trivy-version/,
    );
    expect(configError({ 'trivy-path': 'no-such-trivy' })).toMatch(/^trivy-path: no-such-trivy does not exist/);
    expect(configError({ 'release-mirror': 'ftp://mirror.example' })).toBe('release-mirror must be an http or https URL, not ftp:.');
    expect(configError({ 'trivy-db-repository': '--insecure' })).toMatch(/^trivy-db-repository "--insecure" is not an OCI repository/);
  });

  it('refuses hostile or malformed image references instead of passing them on', () => {
    expect(configError({ image: 'x; rm -rf /' })).toMatch(/^image "x; rm -rf \/" is not a valid image reference/);
    expect(configError({ image: '--output=/etc/passwd' })).toMatch(/is not a valid image reference/);
    expect(configError({ image: 'docker-archive:missing.tar' })).toMatch(/^image: missing.tar does not exist/);
  });

  it('parses every image transport into a source and a stable key', () => {
    expect(parseImageTarget('ghcr.io/acme/app:pr-42')).toMatchObject({
      source: 'daemon',
      location: 'ghcr.io/acme/app:pr-42',
      key: 'ghcr.io/acme/app',
    });
    expect(parseImageTarget('docker-daemon:app@sha256:' + 'a'.repeat(64))).toMatchObject({ source: 'daemon', key: 'app' });
    expect(parseImageTarget('docker://localhost:5000/team/app:1.2')).toMatchObject({ source: 'registry', key: 'localhost:5000/team/app' });
    expect(parseImageTarget('docker-archive:build/app.tar')).toMatchObject({
      source: 'docker-archive',
      location: 'build/app.tar',
      key: 'build/app.tar',
    });
    expect(parseImageTarget('oci:build/layout:ghcr.io/acme/app:1')).toMatchObject({
      source: 'oci',
      location: 'build/layout',
      reference: 'ghcr.io/acme/app:1',
      key: 'ghcr.io/acme/app',
    });
    expect(parseImageTarget('docker-archive:build/app.tar:localhost:5000/team/app:pr-7')).toMatchObject({
      location: 'build/app.tar',
      reference: 'localhost:5000/team/app:pr-7',
      key: 'localhost:5000/team/app',
    });
    expect(parseImageTarget('oci-archive:app.oci.tar:latest')).toMatchObject({
      source: 'oci-archive',
      location: 'app.oci.tar',
      reference: 'latest',
    });
  });

  it('expands Dockerfile globs relative to the workspace, sorted', () => {
    const config = parseConfig(
      { dockerfile: 'services/**/Dockerfile\nDockerfile.base' },
      {
        workspace: workspaceWith({
          'services/a/Dockerfile': '',
          'services/b/c/Dockerfile': '',
          'Dockerfile.base': '',
          'node_modules/x/Dockerfile': '',
        }),
      },
    );
    expect(config.targets.dockerfiles).toEqual(['services/a/Dockerfile', 'services/b/c/Dockerfile', 'Dockerfile.base']);
  });

  it('reads braces, classes and ! exclusions in Dockerfile globs, as GitHub paths filters do', () => {
    const workspace = workspaceWith({
      'svc/a/Dockerfile': '',
      'svc/b/Dockerfile': '',
      'svc/c/Dockerfile': '',
      'svc/legacy/Dockerfile': '',
    });
    expect(parseConfig({ dockerfile: 'svc/{a,b}/Dockerfile' }, { workspace }).targets.dockerfiles).toEqual([
      'svc/a/Dockerfile',
      'svc/b/Dockerfile',
    ]);
    expect(parseConfig({ dockerfile: 'svc/[bc]/Dockerfile' }, { workspace }).targets.dockerfiles).toEqual([
      'svc/b/Dockerfile',
      'svc/c/Dockerfile',
    ]);
    expect(parseConfig({ dockerfile: 'svc/**/Dockerfile\n!svc/legacy/**' }, { workspace }).targets.dockerfiles).toEqual([
      'svc/a/Dockerfile',
      'svc/b/Dockerfile',
      'svc/c/Dockerfile',
    ]);
    expect(() => parseConfig({ dockerfile: 'svc/legacy/Dockerfile\n!svc/**' }, { workspace })).toThrow(
      'dockerfile: the ! patterns leave out every file the others found; keep at least one.',
    );
  });

  it('takes list inputs one per line, tools also comma-separated, and ignores blank and comment lines', () => {
    const config = parseConfig({ tools: 'trivy, hadolint\n', image: 'a:1\n\n# b:2\nc:3' }, { workspace: workspaceWith() });
    expect(config.scanners.tools).toEqual(['trivy', 'hadolint']);
    expect(config.scanners.explicit).toBe(true);
    expect(config.targets.images.map((i) => i.input)).toEqual(['a:1', 'c:3']);
  });

  it('reads the Trivy options trivy-action users know: skip-dirs, skip-files, pkg-types, refusing what Trivy would misread', () => {
    const workspace = workspaceWith({ Dockerfile: 'FROM scratch\n' });
    const trivy = parseConfig(
      { 'trivy-skip-dirs': '/usr/share/doc\n**/testdata', 'trivy-skip-files': '/a.pem', 'trivy-pkg-types': 'OS' },
      { workspace },
    ).scanners.trivy;
    expect(trivy).toMatchObject({ skipDirs: ['/usr/share/doc', '**/testdata'], skipFiles: ['/a.pem'], pkgTypes: ['os'] });
    expect(parseConfig({}, { workspace }).scanners.trivy).toMatchObject({ skipDirs: [], skipFiles: [], pkgTypes: ['os', 'library'] });
    expect(() => parseConfig({ 'trivy-pkg-types': 'os,lang' }, { workspace })).toThrow(
      `trivy-pkg-types has "lang"; Trivy's package types are os, library.`,
    );
    expect(() => parseConfig({ 'trivy-skip-dirs': '/a,b' }, { workspace })).toThrow(
      'trivy-skip-dirs has "/a,b", with a comma, which Trivy would read as two paths; give one path per line, without commas.',
    );
  });

  describe('tools, trivy-scanners and the former name scanners', () => {
    const workspace = () => workspaceWith({ Dockerfile: 'FROM scratch\n' });

    it("passes Trivy's scan kinds through as trivy-action users know them; vuln,secret by default", () => {
      expect(parseConfig({}, { workspace: workspace() }).scanners.trivy.scanKinds).toEqual(['vuln', 'secret']);
      const config = parseConfig({ 'trivy-scanners': 'vuln, misconfig,license' }, { workspace: workspace() });
      expect(config.scanners.trivy.scanKinds).toEqual(['vuln', 'misconfig', 'license']);
      expect(configError({ 'trivy-scanners': 'vuln,rbac' })).toBe(
        'trivy-scanners has "rbac"; Trivy\'s scan kinds are vuln, secret, misconfig, license.',
      );
    });

    it('still reads scanners as tools, with a warning that names the new input', () => {
      const config = parseConfig({ scanners: 'trivy,bulkhead' }, { workspace: workspace() });
      expect(config.scanners.tools).toEqual(['trivy', 'bulkhead']);
      expect(config.scanners.explicit).toBe(true);
      expect(config.warnings).toEqual(['the input scanners is now called tools; rename it, as scanners stops working in bulkhead 0.3.0.']);
      expect(parseConfig({}, { workspace: workspace() }).warnings).toEqual([]);
    });

    it("tells a trivy-action user where Trivy's scan kinds go instead of reading them as tools", () => {
      expect(configError({ scanners: 'vuln,secret' })).toBe(
        "scanners names Trivy's scan kinds (vuln, secret), as in trivy-action; in bulkhead write them as trivy-scanners: vuln,secret.",
      );
      expect(configError({ tools: 'trivy,misconfig' })).toBe(
        'tools has "misconfig", which bulkhead does not run; the tools are trivy, hadolint, bulkhead; Trivy\'s scan kinds (misconfig) go in trivy-scanners.',
      );
      expect(configError({ scanners: 'trivy', tools: 'hadolint' })).toBe(
        'both tools and scanners are set; keep tools (scanners is its former name) and remove scanners.',
      );
    });
  });
});

describe('rehearse inputs', () => {
  const parse = (raw: RawInputs) => parseConfig(raw, { workspace: workspaceWith({ Dockerfile: 'FROM scratch\n' }) }).rehearsal;

  it('is off by default, 10 s for true, the duration given otherwise', () => {
    expect(parse({}).enabled).toBe(false);
    expect(parse({ rehearse: 'true' })).toMatchObject({ enabled: true, durationMs: 10_000 });
    expect(parse({ rehearse: '5s' })).toMatchObject({ enabled: true, durationMs: 5000 });
  });

  it('reads the command as words, the ready condition by its prefix, the environment as NAME=value', () => {
    const rehearsal = parse({
      rehearse: 'true',
      'rehearse-command': `nginx -g 'daemon off;'`,
      'rehearse-ready': 'exec:wget -qO- 127.0.0.1:8080/healthz',
      'rehearse-env': 'MODE=test\nEMPTY=',
    });
    expect(rehearsal.command).toEqual(['nginx', '-g', 'daemon off;']);
    expect(rehearsal.ready).toEqual({ kind: 'exec', argv: ['wget', '-qO-', '127.0.0.1:8080/healthz'] });
    expect(rehearsal.env).toEqual(['MODE=test', 'EMPTY=']);
    expect(parse({ rehearse: 'true', 'rehearse-ready': 'log:listening on \\d+' }).ready).toEqual({
      kind: 'log',
      pattern: 'listening on \\d+',
    });
  });

  it('says in one sentence what to change', () => {
    const files = { Dockerfile: 'FROM scratch\n' };
    expect(configError({ rehearse: 'soon' }, files)).toBe('rehearse is "soon"; write a duration such as 90s, 10m or 1h.');
    expect(configError({ rehearse: '1h' }, files)).toContain('a rehearsal lasts at most 10m');
    expect(configError({ rehearse: 'true', 'rehearse-ready': 'curl -f localhost' }, files)).toBe(
      'rehearse-ready is "curl -f localhost"; write log:REGEX or exec:COMMAND (e.g. exec:wget -qO- 127.0.0.1:8080/healthz).',
    );
    expect(configError({ rehearse: 'true', 'rehearse-ready': 'log:(' }, files)).toMatch(/^rehearse-ready: \( is not a regular expression/);
    expect(configError({ rehearse: 'true', 'rehearse-command': `sh -c 'x` }, files)).toContain('has a quote that is not closed');
    expect(configError({ rehearse: 'true', 'rehearse-env': 'not a pair' }, files)).toContain('write one NAME=value per line');
    expect(configError({ rehearse: 'true', tools: 'trivy' }, files)).toContain("rehearse is part of bulkhead's own checks");
  });
});
