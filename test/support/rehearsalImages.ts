import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { docker } from './docker.js';

/**
 * Small images for the rehearsal tests, on a slim base cut from the Debian minbase root
 * filesystem that scripts/test-docker.sh made: a shell, coreutils, perl (to bind a port) and
 * their libraries, 20 MB instead of 117. vfs copies an image on every container create, and a
 * rehearsal creates many.
 */
export const SLIM_BASE = 'bulkhead-test/slim:1';

const KEEP = [
  'usr/bin/dash',
  'usr/bin/sh',
  'usr/bin/sleep',
  'usr/bin/mkdir',
  'usr/bin/chown',
  'usr/bin/cat',
  'usr/bin/false',
  'usr/bin/echo',
  'usr/bin/id',
  'usr/bin/perl',
  'usr/lib/x86_64-linux-gnu/perl-base',
  'usr/lib64',
  'bin',
  'lib',
  'lib64',
  'sbin',
  'etc/passwd',
  'etc/group',
];
const LIBRARIES = [
  'libc.so*',
  'libm.so*',
  'libcrypt.so*',
  'libpcre2-8.so*',
  'libselinux.so*',
  'ld-linux-x86-64.so*',
  'libacl.so*',
  'libattr.so*',
];

export function slimBase(host: string): string {
  if (spawnSync('docker', ['image', 'inspect', SLIM_BASE], { env: { ...process.env, DOCKER_HOST: host } }).status === 0) return SLIM_BASE;
  const rootfs = join(process.env.BULKHEAD_TEST_CACHE ?? '/var/cache/bulkhead-test', 'rootfs-bookworm');
  if (!existsSync(join(rootfs, 'usr/bin/perl')))
    throw new Error(`${rootfs} has no Debian root filesystem (scripts/test-docker.sh makes it)`);
  const empty = tempDir('bulkhead-slim-');
  for (const dir of ['tmp', 'run', 'var/cache', 'proc', 'sys', 'dev', 'srv']) mkdirSync(join(empty, dir), { recursive: true });
  const archive = join(tempDir('bulkhead-slim-tar-'), 'slim.tar');
  const make = spawnSync(
    'bash',
    [
      '-c',
      `set -e; cd "$1"; libs=$(cd usr/lib/x86_64-linux-gnu && ls ${LIBRARIES.join(' ')} | sed 's#^#usr/lib/x86_64-linux-gnu/#'); tar -cf "$2" --no-recursion usr usr/bin usr/lib usr/lib/x86_64-linux-gnu etc; tar -rf "$2" ${KEEP.join(' ')} $libs; tar -C "$3" -rf "$2" --mode=1777 tmp; tar -C "$3" -rf "$2" run var proc sys dev srv`,
      'slim',
      rootfs,
      archive,
      empty,
    ],
    { encoding: 'utf8' },
  );
  if (make.status !== 0) throw new Error(`could not cut the slim base: ${make.stderr}`);
  docker(host, ['import', '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', archive, SLIM_BASE]);
  return SLIM_BASE;
}

/** Builds one image FROM the slim base (classic builder, no network). */
export function buildImage(host: string, tag: string, lines: readonly string[]): string {
  const context = tempDir('bulkhead-rehearse-');
  writeFileSync(join(context, 'Dockerfile'), [`FROM ${SLIM_BASE}`, ...lines, ''].join('\n'));
  docker(host, ['build', '-q', '--network=none', '-t', tag, context]);
  return tag;
}
