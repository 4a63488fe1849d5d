import type { Severity } from '../model/finding.js';
import { detectSecrets, isCredentialName, isLiteralSecretValue, secretHash } from '../secrets/shapes.js';
import { isRootUser, type ImageFacts } from './imageFacts.js';
import type { ContainerRun, HostMount, ServiceAccount, Workload } from './model.js';

/** A rule's verdict on one place of a workload, before it becomes a Finding (src/workloads/index.ts). */
export interface RuleHit {
  ruleId: string;
  severity: Severity;
  line: number;
  message: string;
  /** What the hit is about within the workload (a container, a field): keeps fingerprints apart. */
  subject: string;
  container?: string;
  /** BH331: the capability the image needs back, for the suggested fix. */
  needs?: string;
}

export interface RuleContext {
  serviceAccounts: readonly ServiceAccount[];
  /** The image scanned in the same run that this container runs, when bulkhead read it. */
  imageOf(container: ContainerRun): ImageFacts | undefined;
  /** Secret values found, for the redactor; never put in a message. */
  found: Set<string>;
}

/** Two wordings of one fix: the Kubernetes field and the Compose one. */
function say(workload: Workload, kubernetes: string, compose: string): string {
  return workload.platform === 'kubernetes' ? kubernetes : compose;
}

function who(workload: Workload, container: ContainerRun): string {
  if (workload.platform === 'compose') return `Service ${workload.name}`;
  const role = container.role === 'init' ? 'Init container' : container.role === 'ephemeral' ? 'Ephemeral container' : 'Container';
  return `${role} ${container.name} of ${workload.kind} ${workload.name}`;
}

/** Capabilities that are close to root or a known escape route. */
const DANGEROUS_CAPABILITIES = new Set([
  'ALL',
  'SYS_ADMIN',
  'NET_ADMIN',
  'SYS_MODULE',
  'SYS_PTRACE',
  'SYS_RAWIO',
  'DAC_READ_SEARCH',
  'BPF',
  'PERFMON',
  'SYS_BOOT',
  'SYS_TIME',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'SYSLOG',
  'CHECKPOINT_RESTORE',
]);

/** SELinux types the Pod Security Standards accept: the confined container types. */
export const SELINUX_CONTAINER_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** The Pod Security Standards' safe sysctls. */
export const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

function containerIsolation(workload: Workload, c: ContainerRun): RuleHit[] {
  const hits: RuleHit[] = [];
  const hit = (ruleId: string, severity: Severity, line: number, message: string, subject: string) =>
    hits.push({ ruleId, severity, line, message, subject: `${c.name}:${subject}`, container: c.name });
  if (c.privileged?.value) {
    hit(
      'BH301',
      'critical',
      c.privileged.line,
      `${who(workload, c)} runs privileged: it holds every capability and every host device. Remove ${say(workload, '`privileged: true`', '`privileged: true`')} and add only the capability it needs.`,
      'privileged',
    );
  }
  if (c.role !== 'ephemeral' && c.allowPrivilegeEscalation?.value !== false) {
    hit(
      'BH302',
      'medium',
      c.allowPrivilegeEscalation?.line ?? c.line,
      `${who(workload, c)} may gain privileges through setuid files. ${say(workload, 'Set `allowPrivilegeEscalation: false` in its securityContext.', 'Add `security_opt: ["no-new-privileges:true"]`.')}`,
      'escalation',
    );
  }
  if (c.readOnlyRootFilesystem?.value !== true) {
    hit(
      'BH305',
      'medium',
      c.readOnlyRootFilesystem?.line ?? c.line,
      `${who(workload, c)} has a writable root filesystem. ${say(workload, 'Set `readOnlyRootFilesystem: true` and mount an emptyDir where it writes (e.g. /tmp).', 'Set `read_only: true` and `tmpfs: [/tmp]` where it writes.')}`,
      'read-only',
    );
  }
  if (!c.capDrop.some((cap) => cap.value === 'ALL')) {
    hit(
      'BH306',
      'medium',
      c.capDrop[0]?.line ?? c.line,
      `${who(workload, c)} keeps the runtime's default capabilities. ${say(workload, 'Add `capabilities: {drop: [ALL]}` to its securityContext', 'Add `cap_drop: [ALL]`')} and add back only what it needs.`,
      'drop',
    );
  }
  for (const cap of c.capAdd) {
    if (cap.value === 'NET_BIND_SERVICE') continue;
    const severity = DANGEROUS_CAPABILITIES.has(cap.value) ? 'high' : 'medium';
    hit(
      'BH307',
      severity,
      cap.line,
      `${who(workload, c)} adds the capability ${cap.value}${severity === 'high' ? ', a known escape route' : ''}. Remove it, or record why it is needed in an exception.`,
      `add:${cap.value}`,
    );
  }
  return hits;
}

function confinement(workload: Workload, c: ContainerRun): RuleHit[] {
  const hits: RuleHit[] = [];
  const hit = (ruleId: string, severity: Severity, line: number, message: string, subject: string) =>
    hits.push({ ruleId, severity, line, message, subject: `${c.name}:${subject}`, container: c.name });
  const seccomp = c.seccomp?.value;
  if (seccomp === 'Unconfined') {
    hit(
      'BH308',
      'high',
      c.seccomp?.line ?? c.line,
      `${who(workload, c)} runs without seccomp (Unconfined). ${say(workload, 'Use `seccompProfile: {type: RuntimeDefault}`.', 'Remove `seccomp=unconfined` from security_opt.')}`,
      'seccomp',
    );
  } else if (workload.platform === 'kubernetes' && seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
    hit(
      'BH308',
      'low',
      c.seccomp?.line ?? c.line,
      `${who(workload, c)} has no seccomp profile, so Kubernetes runs it unconfined. Set \`seccompProfile: {type: RuntimeDefault}\` in the pod's securityContext.`,
      'seccomp',
    );
  }
  if (c.appArmor?.value === 'Unconfined') {
    hit(
      'BH309',
      'high',
      c.appArmor.line,
      `${who(workload, c)} runs with AppArmor disabled (unconfined). Remove the setting so that the runtime's default profile applies.`,
      'apparmor',
    );
  }
  const selinux = c.seLinux?.value;
  if (selinux?.disabled) {
    hit(
      'BH309',
      'high',
      c.seLinux?.line ?? c.line,
      `${who(workload, c)} disables SELinux labelling (label=disable). Remove it from security_opt.`,
      'selinux',
    );
  } else if (selinux && (!SELINUX_CONTAINER_TYPES.has(selinux.type ?? '') || selinux.user || selinux.role)) {
    const what = !SELINUX_CONTAINER_TYPES.has(selinux.type ?? '') ? `the SELinux type ${selinux.type}` : 'a custom SELinux user or role';
    hit(
      'BH309',
      'high',
      c.seLinux?.line ?? c.line,
      `${who(workload, c)} runs with ${what}, outside the confined container types. Remove seLinuxOptions or use container_t.`,
      'selinux',
    );
  }
  if (c.procMount && c.procMount.value !== 'Default') {
    hit(
      'BH316',
      'high',
      c.procMount.line,
      `${who(workload, c)} mounts /proc unmasked (procMount: ${c.procMount.value}). Remove procMount.`,
      'procmount',
    );
  }
  if (c.windowsHostProcess?.value) {
    hit(
      'BH316',
      'high',
      c.windowsHostProcess.line,
      `${who(workload, c)} is a Windows HostProcess container: it runs on the host itself. Remove windowsOptions.hostProcess.`,
      'hostprocess',
    );
  }
  return hits;
}

function runsAsRoot(workload: Workload, c: ContainerRun, image: ImageFacts | undefined): RuleHit[] {
  const user = c.runAsUser?.value;
  const explicitRoot = user !== undefined && isRootUser(user);
  const base = { ruleId: 'BH304', subject: `${c.name}:root`, container: c.name };
  if (workload.platform === 'kubernetes') {
    if (c.runAsNonRoot?.value === true && !explicitRoot) return [];
    if (user !== undefined && !explicitRoot) return [];
    if (explicitRoot) {
      return [
        {
          ...base,
          severity: 'high',
          line: c.runAsUser?.line ?? c.line,
          message: `${who(workload, c)} runs as root (runAsUser: 0)${c.runAsNonRoot?.value ? ', which contradicts runAsNonRoot: true: the kubelet refuses to start it' : ''}. Set runAsUser to a non-zero UID.`,
        },
      ];
    }
    const imageRoot = image !== undefined && isRootUser(image.user);
    return [
      {
        ...base,
        severity: imageRoot ? 'high' : 'medium',
        line: c.runAsNonRoot?.line ?? c.line,
        message: `${who(workload, c)} may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set${imageRoot ? `, and the image ${image.reference} runs as root, so it will` : image ? ` (the image ${image.reference} runs as ${image.user}, but nothing keeps it so)` : ''}. Set \`runAsNonRoot: true\` and \`runAsUser: ${image && !imageRoot && /^\d+/.test(image.user) ? image.user.split(':')[0] : '<non-root UID>'}\`.`,
      },
    ];
  }
  if (explicitRoot) {
    return [
      {
        ...base,
        severity: 'high',
        line: c.runAsUser?.line ?? c.line,
        message: `${who(workload, c)} runs as root (user: ${user}). Set \`user\` to a non-root UID, e.g. "10001:10001".`,
      },
    ];
  }
  if (user !== undefined) return [];
  if (image && !isRootUser(image.user)) return [];
  const imageRoot = image !== undefined;
  return [
    {
      ...base,
      severity: imageRoot ? 'high' : 'medium',
      line: c.line,
      message: `${who(workload, c)} sets no user${imageRoot ? `, and the image ${image.reference} runs as root, so it will` : ', so it runs as whatever the image says (root unless the image sets USER)'}. Set \`user: "10001:10001"\` (a UID the image owns files for).`,
    },
  ];
}

function hostMountHit(workload: Workload, mount: HostMount): RuleHit {
  const path = mount.hostPath.replace(/\/+$/, '') || '/';
  const home = path.startsWith('~') ? `/home${path.slice(1)}` : path;
  const under = (prefix: string) => home === prefix || home.startsWith(`${prefix}/`);
  const writable = mount.mountedBy.length === 0 || mount.mountedBy.some((m) => !m.readOnly);
  let severity: Severity;
  let what: string;
  if (/(^|\/)(docker|containerd|crio|podman|cri-dockerd)\.sock$/.test(home) || ['/run', '/var/run'].some(under)) {
    severity = 'critical';
    what = 'a container-runtime socket or its directory: whoever writes to it controls every container on the host';
  } else if (
    home === '/' ||
    ['/etc', '/root', '/home', '/var/log'].includes(home) ||
    ['/proc', '/sys', '/var/lib/kubelet', '/boot', '/dev'].some(under) ||
    home.startsWith('/home/')
  ) {
    severity = 'high';
    what = 'a host system directory';
  } else if (mount.relative) {
    severity = 'low';
    what = "the project's own files";
  } else {
    severity = 'medium';
    what = 'a host directory';
  }
  const where = mount.mountedBy.map((m) => `${m.path}${workload.platform === 'kubernetes' ? ` in ${m.container}` : ''}`).join(', ');
  const fix = say(
    workload,
    'Use an emptyDir, a ConfigMap or a PersistentVolumeClaim instead, or set `readOnly: true` on the volumeMount.',
    'Use a named volume instead, or append `:ro`.',
  );
  return {
    ruleId: 'BH310',
    severity,
    line: mount.line,
    message: `${workload.platform === 'kubernetes' ? `${workload.kind} ${workload.name}` : `Service ${workload.name}`} mounts the host path ${mount.hostPath}, ${what}${where ? ` (at ${where})` : ' (declared, mounted by no container)'}${writable ? ', writable' : ', read-only'}. ${fix}`,
    subject: `hostpath:${mount.hostPath}`,
  };
}

function hostAccess(workload: Workload): RuleHit[] {
  const hits: RuleHit[] = [];
  const label = workload.platform === 'kubernetes' ? `${workload.kind} ${workload.name}` : `Service ${workload.name}`;
  for (const ns of workload.hostNamespaces) {
    hits.push({
      ruleId: 'BH303',
      severity: 'high',
      line: ns.line,
      message: `${label} shares a host namespace (${ns.field}). Remove it${ns.field.startsWith('host') || ns.field.startsWith('network') ? '; expose ports through a Service or `ports:` instead' : ''}.`,
      subject: `ns:${ns.field}`,
    });
  }
  for (const mount of workload.hostMounts) hits.push(hostMountHit(workload, mount));
  for (const sysctl of workload.sysctls) {
    if (workload.platform === 'kubernetes' && !SAFE_SYSCTLS.has(sysctl.value)) {
      hits.push({
        ruleId: 'BH316',
        severity: 'high',
        line: sysctl.line,
        message: `${label} sets the sysctl ${sysctl.value}, outside the Pod Security Standards' safe set: it can change node-wide kernel state. Remove it.`,
        subject: `sysctl:${sysctl.value}`,
      });
    }
  }
  return hits;
}

function ports(workload: Workload, c: ContainerRun): RuleHit[] {
  return c.ports
    .filter((port) => workload.platform === 'kubernetes' || !port.hostIp)
    .map((port) => ({
      ruleId: 'BH311',
      severity: 'low' as const,
      line: port.line,
      message:
        workload.platform === 'kubernetes'
          ? `${who(workload, c)} takes the host port ${port.hostPort ?? ''}, past Services and NetworkPolicies. Remove hostPort and use a Service.`
          : `${who(workload, c)} publishes ${port.text} on every interface of the host. Bind it to one, e.g. "127.0.0.1:${port.hostPort ?? port.containerPort ?? ''}:${port.containerPort ?? ''}".`,
      subject: `${c.name}:port:${port.text}`,
      container: c.name,
    }));
}

function limits(workload: Workload, c: ContainerRun): RuleHit[] {
  if (c.role === 'ephemeral') return [];
  const hits: RuleHit[] = [];
  const hit = (severity: Severity, what: string, fix: string) =>
    hits.push({
      ruleId: 'BH312',
      severity,
      line: c.line,
      message: `${who(workload, c)} has no ${what} limit. ${fix}`,
      subject: `${c.name}:limit:${what}`,
      container: c.name,
    });
  if (!c.limits.memory)
    hit(
      'medium',
      'memory',
      say(
        workload,
        'Set `resources.limits.memory` from its observed use.',
        'Set `deploy.resources.limits.memory` (or `mem_limit`) from its observed use.',
      ),
    );
  if (!c.limits.cpu) hit('low', 'CPU', say(workload, 'Set `resources.limits.cpu`.', 'Set `deploy.resources.limits.cpus` (or `cpus`).'));
  if (workload.platform === 'compose' && !c.limits.pids)
    hit('low', 'process-count', 'Set `pids_limit` (or `deploy.resources.limits.pids`), e.g. 256.');
  return hits;
}

function token(workload: Workload, context: RuleContext): RuleHit[] {
  if (workload.platform !== 'kubernetes' || workload.automountServiceAccountToken?.value === false) return [];
  const accountName = workload.serviceAccountName ?? 'default';
  const account = context.serviceAccounts.find((a) => a.name === accountName && a.namespace === workload.namespace);
  if (!workload.automountServiceAccountToken && account?.automount === false) return [];
  return [
    {
      ruleId: 'BH313',
      severity: 'low',
      line: workload.automountServiceAccountToken?.line ?? workload.serviceAccountLine ?? workload.podLine,
      message: `${workload.kind} ${workload.name} mounts the token of the service account ${accountName} into every container. Set \`automountServiceAccountToken: false\` in the pod spec${account ? ' or on the ServiceAccount' : ''} unless it calls the Kubernetes API.`,
      subject: 'token',
    },
  ];
}

async function credentials(workload: Workload, c: ContainerRun, context: RuleContext): Promise<RuleHit[]> {
  const hits: RuleHit[] = [];
  for (const env of c.env) {
    const value = env.value;
    const detected = await detectSecrets(`${env.name}=${value}`, 'environment');
    const byName = isCredentialName(env.name) && isLiteralSecretValue(value);
    if (detected.length === 0 && !byName) continue;
    for (const found of detected) context.found.add(found.value);
    if (byName) context.found.add(value);
    const kind = detected.length > 0 ? [...new Set(detected.map((d) => d.kind))].join(', ') : 'credential-like name with a literal value';
    hits.push({
      ruleId: 'BH314',
      severity: 'high',
      line: env.line,
      message: `${who(workload, c)} has the secret ${env.name} written in the file (${kind}; value sha256 ${secretHash(value)}…, not shown). ${say(workload, 'Use `valueFrom.secretKeyRef`', 'Use `secrets:` or `${' + env.name + '}` from the environment')} and rotate the value.`,
      subject: `${c.name}:env:${env.name}`,
      container: c.name,
    });
  }
  return hits;
}

/** `name[:tag][@digest]`: what a reference pins. */
export function imagePinning(reference: string): 'digest' | 'tag' | 'latest' {
  if (reference.includes('@')) return 'digest';
  const lastSlash = reference.lastIndexOf('/');
  const colon = reference.indexOf(':', lastSlash + 1);
  if (colon < 0) return 'latest';
  return reference.slice(colon + 1) === 'latest' ? 'latest' : 'tag';
}

function pinning(workload: Workload, c: ContainerRun): RuleHit[] {
  if (!c.image || c.built) return [];
  const pin = imagePinning(c.image.value);
  if (pin === 'digest') return [];
  return [
    {
      ruleId: 'BH315',
      severity: pin === 'latest' ? 'medium' : 'low',
      line: c.image.line,
      message: `${who(workload, c)} runs ${c.image.value}, ${pin === 'latest' ? 'with no tag or :latest' : 'a tag without a digest'}: what runs is whatever the tag points to on the day. Pin the digest, e.g. ${c.image.value.replace(/:latest$/, '')}${pin === 'latest' ? ':<version>' : ''}@sha256:….`,
      subject: `${c.name}:image`,
      container: c.name,
    },
  ];
}

/** Every per-workload rule (BH301–BH316) on one workload. */
export async function checkWorkload(workload: Workload, context: RuleContext): Promise<RuleHit[]> {
  const hits: RuleHit[] = [...hostAccess(workload), ...token(workload, context)];
  for (const c of workload.containers) {
    hits.push(
      ...containerIsolation(workload, c),
      ...runsAsRoot(workload, c, context.imageOf(c)),
      ...confinement(workload, c),
      ...ports(workload, c),
      ...limits(workload, c),
      ...(await credentials(workload, c, context)),
      ...pinning(workload, c),
    );
  }
  return hits;
}
