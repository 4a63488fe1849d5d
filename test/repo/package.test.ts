import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers.js';

interface PackageJson {
  name: string;
  private?: boolean;
  engines: { node: string };
  files: string[];
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
const NPM_CLI = findNpmCli();

/** npm's own entry script, so that it runs under this test's Node (24) whatever `npm` on PATH is. */
function findNpmCli(): string | undefined {
  const fromEnv = process.env.npm_execpath;
  if (fromEnv?.endsWith('.js') && existsSync(fromEnv)) return fromEnv;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function npm(args: string[], cwd: string): string {
  return execFileSync(process.execPath, [NPM_CLI as string, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A Node older than the documented minimum on PATH (the machine's own, here v20), if any. */
function olderNode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'node');
    if (!existsSync(candidate) || candidate === process.execPath) continue;
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (semver.valid(version) && !semver.satisfies(version, pkg.engines.node)) return candidate;
  }
  return undefined;
}

describe('the published package', () => {
  it('is installable: public, with a name, the bundled CLI as its only content and no runtime dependencies', () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.name).toBe('bulkhead');
    // Everything the CLI runs is bundled into dist/cli: installing it pulls nothing else from the registry.
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.bin.bulkhead).toBe('bin/bulkhead.js');
  });

  it('documents the Node.js every dependency actually needs: no engine warning on the documented minimum', () => {
    const minimum = semver.minVersion(pkg.engines.node)?.version as string;
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }>;
    };
    const unmet = Object.entries(lock.packages)
      .filter(([path]) => path !== '' && path !== 'node_modules/node')
      .flatMap(([path, entry]) => {
        const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
        return range && !semver.satisfies(minimum, range) ? [`${path} needs ${range}`] : [];
      });
    expect(unmet).toEqual([]);
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`Node.js ${semver.major(minimum)}.${semver.minor(minimum)} or later`);
  });

  it.skipIf(!NPM_CLI)(
    'packs to a tarball that installs into an empty folder and scans the example from there',
    () => {
      const packDir = tempDir('bulkhead-pack-');
      const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', packDir], REPO_ROOT)) as {
        filename: string;
        files: { path: string }[];
      }[];
      const shipped = (packed?.files ?? []).map((f) => f.path).sort();
      expect(shipped).toContain('bin/bulkhead.js');
      expect(shipped).toContain('dist/cli/index.js');
      expect(shipped).toContain('dist/cli/licenses.txt');
      expect(shipped.filter((p) => p.startsWith('src/') || p.startsWith('test/') || p.startsWith('node_modules/'))).toEqual([]);

      const project = tempDir('bulkhead-user-');
      // --offline: with no runtime dependencies the tarball alone must be enough.
      npm(['install', '--offline', '--no-audit', '--no-fund', join(packDir, packed?.filename as string)], project);
      for (const file of ['image.tar', 'Dockerfile', 'trivy.json', 'hadolint.json', 'deploy.yaml']) {
        copyFileSync(join(REPO_ROOT, 'examples/shop-api', file), join(project, file));
      }
      const bin = join(project, 'node_modules', '.bin', 'bulkhead');
      const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' };
      const version = spawnSync(bin, ['--version'], { cwd: project, env, encoding: 'utf8' });
      expect(version.stdout.trim()).toContain(
        (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version,
      );
      const scan = spawnSync(
        bin,
        [
          'scan',
          '--image',
          'docker-archive:image.tar',
          '--dockerfile',
          'Dockerfile',
          '--trivy-report',
          'trivy.json',
          '--hadolint-report',
          'hadolint.json',
          '--manifests',
          'deploy.yaml',
          '--sarif',
          'out.sarif',
        ],
        { cwd: project, env, encoding: 'utf8' },
      );
      expect(scan.stderr).not.toContain('Error [');
      expect(scan.status).toBe(1);
      expect(scan.stdout).toMatch(/^FAIL: \d+ findings at or above high$/m);
      expect(readdirSync(project)).toContain('out.sarif');
    },
    120_000,
  );

  const older = olderNode();
  it.skipIf(!older)('refuses an older Node.js with one sentence and exit 2, before loading anything', () => {
    const run = spawnSync(older as string, [join(REPO_ROOT, 'bin/bulkhead.js'), '--version'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^bulkhead: needs Node\.js 22\.22 or newer \(24\.15 or newer on 24\), and this is Node\.js \d+\.\d+\.\d+; /);
    expect(run.stdout).toBe('');
  });
});
