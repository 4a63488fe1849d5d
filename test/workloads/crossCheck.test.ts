import { describe, expect, it } from 'vitest';
import { workspaceWith } from '../helpers.js';
import { decodeFileCapabilities, normalizeReference, sameImage, type ImageFacts } from '../../src/workloads/imageFacts.js';
import { checkWorkloads, places } from '../support/workloads.js';

/** cap_net_bind_service=ep and cap_net_raw+ep as setcap writes them (VFS_CAP_REVISION_2, little endian). */
const NET_BIND_XATTR = '0000000200040000000000000000000000000000';

const image = (over: Partial<ImageFacts>): ImageFacts => ({
  reference: 'ghcr.io/acme/shop:pr-7',
  names: [normalizeReference('ghcr.io/acme/shop:pr-7')],
  user: '',
  exposedPorts: [],
  volumes: [],
  fileCapabilities: [],
  ...over,
});

const pod = (securityContext: string, container: string) => `apiVersion: v1
kind: Pod
metadata:
  name: shop
spec:
  securityContext:
${securityContext}
  containers:
    - name: shop
      image: ghcr.io/acme/shop:pr-7
${container}
`;

describe('cross-checks with the image scanned in the same run', () => {
  it('BH330: runAsNonRoot without runAsUser fails for a root image and for a named USER, not for a numeric one', async () => {
    const dir = workspaceWith({ 'pod.yaml': pod('    runAsNonRoot: true', '') });
    for (const [user, expected] of [
      ['', ['BH330@pod.yaml:7']],
      ['root', ['BH330@pod.yaml:7']],
      ['app', ['BH330@pod.yaml:7']],
      ['10001', []],
      ['10001:10001', []],
    ] as const) {
      const scan = await checkWorkloads(dir, { manifests: ['pod.yaml'], images: [image({ user })] });
      expect(places(scan.findings.filter((f) => f.ruleId === 'BH330')), `USER ${user}`).toEqual(expected);
    }
    const named = await checkWorkloads(dir, { manifests: ['pod.yaml'], images: [image({ user: 'app' })] });
    expect(named.findings.find((f) => f.ruleId === 'BH330')?.message).toContain('names its user (USER app)');
    // With runAsUser set, the kubelet has a number to check: no finding.
    const withUid = workspaceWith({ 'pod.yaml': pod('    runAsNonRoot: true\n    runAsUser: 10001', '') });
    expect(
      (await checkWorkloads(withUid, { manifests: ['pod.yaml'], images: [image({ user: 'app' })] })).findings.filter(
        (f) => f.ruleId === 'BH330',
      ),
    ).toEqual([]);
  });

  it('BH330 and the suggestion use the image: the suggested runAsUser is the image UID', async () => {
    const dir = workspaceWith({ 'pod.yaml': pod('    fsGroup: 1000', '') });
    const scan = await checkWorkloads(dir, { manifests: ['pod.yaml'], images: [image({ user: '10001' })] });
    const suggestion = scan.results[0]?.workloads?.[0]?.suggestion ?? '';
    expect(suggestion).toContain('runAsUser: 10001');
    expect(suggestion).not.toContain('<a non-root UID');
    expect(scan.findings.find((f) => f.ruleId === 'BH304')?.message).toContain('runs as 10001, but nothing keeps it so');
    const root = await checkWorkloads(dir, { manifests: ['pod.yaml'], images: [image({ user: '' })] });
    expect(root.findings.find((f) => f.ruleId === 'BH304')?.severity).toBe('high');
    expect(root.results[0]?.workloads?.[0]?.scannedImages).toEqual(['ghcr.io/acme/shop:pr-7']);
  });

  it('BH331: dropping ALL removes a file capability the image needs, and a low EXPOSE port as non-root', async () => {
    const dir = workspaceWith({
      'pod.yaml': pod(
        '    runAsNonRoot: true\n    runAsUser: 10001',
        '      securityContext:\n        capabilities:\n          drop: [ALL]',
      ),
    });
    const needs = image({
      user: '10001',
      exposedPorts: ['80/tcp', '8080/tcp'],
      fileCapabilities: [{ path: '/usr/sbin/nginx', capabilities: decodeFileCapabilities(NET_BIND_XATTR) }],
    });
    const scan = await checkWorkloads(dir, { manifests: ['pod.yaml'], images: [needs] });
    const bh331 = scan.findings.filter((f) => f.ruleId === 'BH331');
    expect(places(bh331)).toEqual(['BH331@pod.yaml:14', 'BH331@pod.yaml:7']);
    expect(bh331.map((f) => f.message).join('\n')).toMatch(/drops NET_BIND_SERVICE, which \/usr\/sbin\/nginx .* carries/);
    expect(bh331.map((f) => f.message).join('\n')).toMatch(/EXPOSEs port 80, below 1024/);
    expect(scan.results[0]?.workloads?.[0]?.suggestion).toContain('add: [NET_BIND_SERVICE]');
    // Adding the capability back clears both.
    const fixed = workspaceWith({
      'pod.yaml': pod(
        '    runAsNonRoot: true\n    runAsUser: 10001',
        '      securityContext:\n        capabilities:\n          drop: [ALL]\n          add: [NET_BIND_SERVICE]',
      ),
    });
    expect(
      (await checkWorkloads(fixed, { manifests: ['pod.yaml'], images: [needs] })).findings.filter((f) => f.ruleId === 'BH331'),
    ).toEqual([]);
  });

  it('BH332: a read-only root with an image VOLUME that no mount covers; a mount at or above it covers it', async () => {
    const mounts = (paths: string[]) =>
      `      securityContext:\n        readOnlyRootFilesystem: true\n${paths.length ? `      volumeMounts:\n${paths.map((p, i) => `        - { name: v${i}, mountPath: ${p} }`).join('\n')}` : ''}`;
    const facts = image({ user: '10001', volumes: ['/var/cache/nginx', '/data/'] });
    const none = workspaceWith({ 'pod.yaml': pod('    runAsNonRoot: true', mounts([])) });
    expect(
      places((await checkWorkloads(none, { manifests: ['pod.yaml'], images: [facts] })).findings.filter((f) => f.ruleId === 'BH332')),
    ).toEqual(['BH332@pod.yaml:12', 'BH332@pod.yaml:12']);
    const covered = workspaceWith({ 'pod.yaml': pod('    runAsNonRoot: true', mounts(['/var/cache', '/data'])) });
    expect(
      (await checkWorkloads(covered, { manifests: ['pod.yaml'], images: [facts] })).findings.filter((f) => f.ruleId === 'BH332'),
    ).toEqual([]);
  });

  it('matches a manifest image by repository and tag or digest, as Docker normalises references', () => {
    const facts = { names: [normalizeReference('nginx:1.27'), normalizeReference('ghcr.io/acme/app@sha256:' + 'a'.repeat(64))] };
    expect(sameImage('nginx:1.27', facts)).toBe(true);
    expect(sameImage('docker.io/library/nginx:1.27', facts)).toBe(true);
    expect(sameImage('index.docker.io/library/nginx:1.27', facts)).toBe(false);
    expect(sameImage('nginx', facts)).toBe(false);
    expect(sameImage('nginx:1.28', facts)).toBe(false);
    expect(sameImage(`ghcr.io/acme/app:v1@sha256:${'a'.repeat(64)}`, facts)).toBe(true);
    expect(sameImage(`ghcr.io/acme/app@sha256:${'b'.repeat(64)}`, facts)).toBe(false);
    expect(normalizeReference('localhost:5000/app')).toBe('localhost:5000/app:latest');
  });

  it('decodes security.capability xattrs of both revisions', () => {
    expect(decodeFileCapabilities(NET_BIND_XATTR)).toEqual(['NET_BIND_SERVICE']);
    // Revision 2, permitted = NET_RAW (13) | NET_ADMIN (12), high word BPF (39 → bit 7).
    expect(decodeFileCapabilities('01000002' + '00300000' + '00000000' + '80000000' + '00000000')).toEqual(['NET_ADMIN', 'NET_RAW', 'BPF']);
    expect(decodeFileCapabilities('00')).toEqual([]);
  });
});
