import { describe, expect, it } from 'vitest';
import { decodeCapabilities, readStatus } from '../../../src/scanners/rehearsal/capabilities.js';
import { parseChanges, writtenPaths } from '../../../src/scanners/rehearsal/changes.js';
import { createArgs, hardenedProfile, RESTRICTIONS, without } from '../../../src/scanners/rehearsal/profile.js';
import { splitWords } from '../../../src/util/words.js';

const spec = {
  name: 'bulkhead-rehearsal-ab-1',
  labels: { 'bulkhead.rehearsal': 'ab' },
  image: `sha256:${'a'.repeat(64)}`,
  user: '10001:10001',
  imageUser: '',
  imageVolumes: ['/data'],
  env: ['MODE=test'],
  command: ['serve', '--port', '8080'],
  healthcheck: false,
};

describe('rehearsal profile', () => {
  it('gives docker the hardened profile as separate arguments, the image by id, the command after --', () => {
    expect(createArgs(hardenedProfile(RESTRICTIONS), spec)).toEqual([
      'create',
      '--name',
      'bulkhead-rehearsal-ab-1',
      '--label',
      'bulkhead.rehearsal=ab',
      '--network',
      'none',
      '--pids-limit',
      '256',
      '--memory',
      '536870912',
      '--memory-swap',
      '536870912',
      '--restart',
      'no',
      '--read-only',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      '--sysctl',
      'net.ipv4.ip_unprivileged_port_start=1024',
      '--user',
      '10001:10001',
      '--tmpfs',
      '/tmp:rw,nosuid,nodev,size=67108864,mode=1777,uid=10001,gid=10001',
      '--tmpfs',
      '/data:rw,nosuid,nodev,size=67108864,mode=1777,uid=10001,gid=10001',
      '--env',
      'MODE=test',
      '--',
      `sha256:${'a'.repeat(64)}`,
      'serve',
      '--port',
      '8080',
    ]);
  });

  it('lifts restrictions one by one and keeps only the capabilities asked for', () => {
    const loose = without(without(hardenedProfile(RESTRICTIONS), 'non-root'), 'read-only');
    const args = createArgs({ ...without(loose, 'capabilities'), capabilities: ['CHOWN'] }, spec);
    expect(args).not.toContain('--read-only');
    expect(args).not.toContain('--user');
    expect(args.join(' ')).toContain('--cap-drop ALL --cap-add CHOWN');
    expect(createArgs(without(loose, 'capabilities'), spec)).not.toContain('--cap-drop');
  });
});

describe('docker diff', () => {
  it('mounts the parent of what it created, names changed image files, leaves /tmp and VOLUMEs out', () => {
    const changes = parseChanges(
      [
        'C /run',
        'A /run/app.pid',
        'C /var',
        'C /var/cache',
        'A /var/cache/app',
        'A /var/cache/app/x',
        'C /etc',
        'C /etc/passwd',
        'A /tmp/x',
        'A /data/db',
        'A /app.lock',
        'D /usr/bin/su',
        'garbage',
      ].join('\n'),
    );
    expect(writtenPaths(changes, ['/data'])).toEqual({
      volumes: ['/run', '/var/cache'],
      files: ['/app.lock', '/run/app.pid', '/var/cache/app/x'],
      unmountable: ['/app.lock', '/etc/passwd', '/usr/bin/su'],
    });
  });
});

describe('capabilities', () => {
  it("decodes Docker's default set and an empty mask", () => {
    expect(decodeCapabilities('00000000a80425fb')).toEqual([
      'CHOWN',
      'DAC_OVERRIDE',
      'FOWNER',
      'FSETID',
      'KILL',
      'SETGID',
      'SETUID',
      'SETPCAP',
      'NET_BIND_SERVICE',
      'NET_RAW',
      'SYS_CHROOT',
      'MKNOD',
      'AUDIT_WRITE',
      'SETFCAP',
    ]);
    expect(decodeCapabilities('0000000000000000')).toEqual([]);
    expect(decodeCapabilities('zz')).toBeUndefined();
    expect(readStatus('Name:\tsleep\nUid:\t10001\t10001\t10001\t10001\nNSpid:\t4242\t1\nCapEff:\t0000000000000400\n')).toEqual({
      uid: 10001,
      capabilities: ['NET_BIND_SERVICE'],
      nsPid: 1,
    });
  });
});

describe('splitWords', () => {
  it('splits as a shell splits words, expanding nothing', () => {
    expect(splitWords(`nginx -g 'daemon off;' "a \\"b\\"" $HOME c\\ d`)).toEqual(['nginx', '-g', 'daemon off;', 'a "b"', '$HOME', 'c d']);
    expect(splitWords(`sh -c 'unclosed`)).toBeUndefined();
    expect(splitWords('')).toEqual([]);
  });
});
