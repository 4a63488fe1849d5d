import { POD_SECURITY_LEVELS, type PodSecurityLevel, type PodSecurityResult } from '../model/workload.js';
import type { Workload } from './model.js';
import { SAFE_SYSCTLS, SELINUX_CONTAINER_TYPES } from './rules.js';

/**
 * The Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards, the
 * checks of k8s.io/pod-security-admission, latest version): a workload's level is the strictest
 * whose every control it meets. Container fields are read as effective values (the container's
 * own, else the pod's), which is how the standards combine the two levels.
 */

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

function baselineViolations(w: Workload): string[] {
  const out: string[] = [];
  const names = (pick: (c: Workload['containers'][number]) => boolean) => w.containers.filter(pick).map((c) => c.name);
  const report = (control: string, containers: string[], what: string) => {
    if (containers.length > 0) out.push(`${control}: ${what} (${containers.join(', ')})`);
  };
  report(
    'HostProcess',
    names((c) => c.windowsHostProcess?.value === true),
    'hostProcess: true',
  );
  if (w.hostNamespaces.length > 0) out.push(`Host Namespaces: ${w.hostNamespaces.map((n) => n.field).join(', ')}`);
  report(
    'Privileged Containers',
    names((c) => c.privileged?.value === true),
    'privileged: true',
  );
  report(
    'Capabilities',
    names((c) => c.capAdd.some((cap) => !BASELINE_CAPABILITIES.has(cap.value))),
    'adds a capability outside the baseline set',
  );
  const hostPaths = w.volumes.filter((v) => v.type === 'hostPath').map((v) => v.name);
  if (hostPaths.length > 0) out.push(`HostPath Volumes: ${hostPaths.join(', ')}`);
  report(
    'Host Ports',
    names((c) => c.ports.some((p) => (p.hostPort ?? 0) !== 0)),
    'hostPort',
  );
  report(
    'AppArmor',
    names(
      (c) =>
        c.appArmor !== undefined &&
        !['RuntimeDefault', 'Localhost', 'runtime/default'].includes(c.appArmor.value) &&
        !c.appArmor.value.startsWith('localhost/'),
    ),
    'profile not RuntimeDefault or Localhost',
  );
  report(
    'SELinux',
    names((c) => {
      const s = c.seLinux?.value;
      return s !== undefined && (!SELINUX_CONTAINER_TYPES.has(s.type ?? '') || Boolean(s.user) || Boolean(s.role));
    }),
    'custom type, user or role',
  );
  report(
    '/proc Mount Type',
    names((c) => c.procMount !== undefined && c.procMount.value !== 'Default'),
    'procMount not Default',
  );
  report(
    'Seccomp',
    names((c) => c.seccomp?.value === 'Unconfined'),
    'Unconfined',
  );
  const sysctls = w.sysctls.filter((s) => !SAFE_SYSCTLS.has(s.value)).map((s) => s.value);
  if (sysctls.length > 0) out.push(`Sysctls: ${sysctls.join(', ')}`);
  return out;
}

function restrictedViolations(w: Workload): string[] {
  const out: string[] = [];
  const names = (pick: (c: Workload['containers'][number]) => boolean) => w.containers.filter(pick).map((c) => c.name);
  const report = (control: string, containers: string[], what: string) => {
    if (containers.length > 0) out.push(`${control}: ${what} (${containers.join(', ')})`);
  };
  const volumes = w.volumes.filter((v) => !RESTRICTED_VOLUMES.has(v.type)).map((v) => `${v.name} (${v.type})`);
  if (volumes.length > 0) out.push(`Volume Types: ${volumes.join(', ')}`);
  report(
    'Privilege Escalation',
    names((c) => c.allowPrivilegeEscalation?.value !== false),
    'allowPrivilegeEscalation is not false',
  );
  report(
    'Running as Non-root',
    names((c) => c.runAsNonRoot?.value !== true),
    'runAsNonRoot is not true',
  );
  const rootUsers = names((c) => c.runAsUser?.value === '0');
  if (w.podRunAsUser?.value === '0') rootUsers.unshift('pod');
  report('Running as Non-root user', rootUsers, 'runAsUser: 0');
  report(
    'Seccomp',
    names((c) => c.seccomp?.value !== 'RuntimeDefault' && c.seccomp?.value !== 'Localhost'),
    'no RuntimeDefault or Localhost profile',
  );
  report(
    'Capabilities',
    names((c) => !c.capDrop.some((cap) => cap.value === 'ALL')),
    'does not drop ALL',
  );
  report(
    'Capabilities',
    names((c) => c.capAdd.some((cap) => cap.value !== 'NET_BIND_SERVICE')),
    'adds a capability other than NET_BIND_SERVICE',
  );
  return out;
}

export function podSecurityLevel(workload: Workload): PodSecurityResult {
  const baseline = baselineViolations(workload);
  const restricted = restrictedViolations(workload);
  const level: PodSecurityLevel = baseline.length > 0 ? 'privileged' : restricted.length > 0 ? 'baseline' : 'restricted';
  return { level, violations: [...baseline, ...restricted] };
}

export function meets(level: PodSecurityLevel, required: PodSecurityLevel): boolean {
  return POD_SECURITY_LEVELS.indexOf(level) >= POD_SECURITY_LEVELS.indexOf(required);
}
