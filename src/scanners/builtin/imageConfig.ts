import type { Finding } from '../../model/finding.js';
import { builtinFinding, settingStep, type ImageSubject } from './finding.js';
import { detectSecrets, isCredentialName, isLiteralSecretValue, secretHash } from '../../secrets/shapes.js';

/** BH101 BH102 BH103 BH105 BH108: what the image config says, each on the history step that set it. */

export function runsAsRoot(user: string): boolean {
  const name = user.trim().split(':')[0] ?? '';
  return name === '' || name === 'root' || /^0+$/.test(name);
}

export function checkUser(image: ImageSubject): Finding[] {
  const user = image.model.config.user;
  if (!runsAsRoot(user)) return [];
  const said = user.trim() === '' ? 'sets no USER, so containers run as root' : `sets USER ${user.trim()}, which is root`;
  return [
    builtinFinding('BH101', image, {
      message: `The image ${said}. Add a non-root USER (a numeric UID) as the last USER instruction.`,
      subject: 'user',
      ...(user.trim() === '' ? {} : settingStep(image, 'USER', () => true)),
    }),
  ];
}

export function checkHealthcheck(image: ImageSubject): Finding[] {
  const test = image.model.config.healthcheck;
  if (test && test[0] !== 'NONE') return [];
  const said = test ? 'disables HEALTHCHECK (NONE)' : 'has no HEALTHCHECK';
  return [
    builtinFinding('BH102', image, {
      message: `The image ${said}: the engine cannot tell a hung container from a healthy one.`,
      subject: 'healthcheck',
    }),
  ];
}

export async function checkEnvironment(image: ImageSubject): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const entry of image.model.config.env) {
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq);
    const value = eq < 0 ? '' : entry.slice(eq + 1);
    const hits = await detectSecrets(entry, 'environment');
    const byName = isCredentialName(name) && isLiteralSecretValue(value);
    if (hits.length === 0 && !byName) continue;
    for (const hit of hits) image.found.add(hit.value);
    if (byName) image.found.add(value);
    const kind = hits.length > 0 ? [...new Set(hits.map((h) => h.kind))].join(', ') : 'credential-like name with a literal value';
    findings.push(
      builtinFinding('BH103', image, {
        message: `Environment variable ${name} holds a secret (${kind}; value sha256 ${secretHash(value)}…, not shown). Pass it at run time instead and rotate it.`,
        subject: `env:${name}`,
        ...settingStep(image, 'ENV', (text) => text.split(/\s+/).some((word) => word === name || word.startsWith(`${name}=`))),
      }),
    );
  }
  return findings;
}

const SENSITIVE_PORTS: Record<number, string> = {
  21: 'FTP',
  22: 'SSH',
  23: 'telnet',
  111: 'rpcbind',
  139: 'NetBIOS',
  445: 'SMB',
  2375: 'the Docker API (plain)',
  2376: 'the Docker API (TLS)',
  2379: 'etcd',
  2380: 'etcd peer',
  3389: 'RDP',
  5900: 'VNC',
  5985: 'WinRM',
  5986: 'WinRM (TLS)',
  10250: 'the kubelet API',
};

export function checkPorts(image: ImageSubject): Finding[] {
  const findings: Finding[] = [];
  for (const spec of image.model.config.exposedPorts) {
    const port = Number.parseInt(spec.split('/')[0] ?? '', 10);
    const service = SENSITIVE_PORTS[port];
    if (!service) continue;
    findings.push(
      builtinFinding('BH105', image, {
        message: `The image exposes port ${spec}, ${service}: remove the EXPOSE and the service.`,
        subject: `port:${port}`,
        // EXPOSE 22 8080 (classic builder), EXPOSE map[22/tcp:{} 8080/tcp:{}] (BuildKit).
        ...settingStep(image, 'EXPOSE', (text) => new RegExp(`(^|[\\s\\[])${port}(?![0-9])`).test(text)),
      }),
    );
  }
  return findings;
}

const SENSITIVE_VOLUMES = new Set([
  '/',
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/boot',
  '/root',
  '/usr',
  '/lib',
  '/lib64',
  '/bin',
  '/sbin',
  '/run',
  '/var/run',
  '/var/lib/docker',
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/run/containerd',
  '/var/lib/kubelet',
]);

export function checkVolumes(image: ImageSubject): Finding[] {
  const findings: Finding[] = [];
  for (const volume of image.model.config.volumes) {
    const normalized = `/${volume.split('/').filter(Boolean).join('/')}`;
    if (!SENSITIVE_VOLUMES.has(normalized)) continue;
    findings.push(
      builtinFinding('BH108', image, {
        message: `The image declares VOLUME ${normalized}, a system path: keep volumes to application data.`,
        subject: `volume:${normalized}`,
        ...settingStep(image, 'VOLUME', (text) => text.includes(normalized)),
      }),
    );
  }
  return findings;
}
