/**
 * The settings a rehearsal starts a container under, and the docker arguments that say them.
 * Pure: the engine edge (engine.ts) runs what this builds.
 */

/** What the hardened profile restricts and an explanation may lift, one at a time. */
export const RESTRICTIONS = ['read-only', 'capabilities', 'privileged-ports', 'non-root', 'no-new-privileges'] as const;
export type Restriction = (typeof RESTRICTIONS)[number];

/** How messages name each restriction. */
export const RESTRICTION_LABEL: Record<Restriction, string> = {
  'read-only': 'the read-only root filesystem',
  capabilities: 'dropping all capabilities',
  'privileged-ports': 'ports below 1024 closed to non-root (net.ipv4.ip_unprivileged_port_start=1024)',
  'non-root': 'a non-root user',
  'no-new-privileges': 'no-new-privileges',
};

/** Docker's default capability set: what `--cap-drop ALL` takes away. */
export const DEFAULT_CAPABILITIES = [
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
] as const;

/** The uid:gid a root image is rehearsed as: not in any base image's accounts, like the suggested fixes. */
export const SUBSTITUTE_USER = '10001:10001';

/** Never lifted: they bound what the image can do to the runner, not what it needs. */
export const LIMITS = { pids: 256, memoryBytes: 512 * 1024 * 1024, tmpfsBytes: 64 * 1024 * 1024 } as const;

export interface Profile {
  /** Restrictions in force. */
  restricted: ReadonlySet<Restriction>;
  /** Capabilities kept while `capabilities` is lifted: undefined means Docker's default set. */
  capabilities?: readonly string[];
  /** Directories mounted as tmpfs besides /tmp and the image's VOLUMEs (the suggested emptyDirs). */
  volumes: readonly string[];
}

export function hardenedProfile(applicable: readonly Restriction[]): Profile {
  return { restricted: new Set(applicable), volumes: [] };
}

export function without(profile: Profile, lifted: Restriction): Profile {
  const restricted = new Set(profile.restricted);
  restricted.delete(lifted);
  return { ...profile, restricted };
}

export function withRestriction(profile: Profile, added: Restriction): Profile {
  return { ...profile, restricted: new Set([...profile.restricted, added]) };
}

/** "read-only, no capabilities, uid 10001 …": how the summary names a profile. */
export function describeProfile(profile: Profile, user: string): string {
  const parts = [
    profile.restricted.has('read-only') ? 'read-only root' : 'writable root',
    profile.restricted.has('capabilities')
      ? 'no capabilities'
      : profile.capabilities
        ? `only ${profile.capabilities.join(', ')}`
        : "Docker's default capabilities",
    `as ${user}`,
    ...(profile.restricted.has('no-new-privileges') ? ['no new privileges'] : []),
    ...(profile.restricted.has('privileged-ports') ? [] : ['ports below 1024 open']),
    'no network',
  ];
  return parts.join(', ');
}

export interface ContainerSpec {
  name: string;
  labels: Record<string, string>;
  /** Image id (sha256:…), so that a tag moved meanwhile cannot change what runs. */
  image: string;
  /** The user the restricted profile runs as, and the image's own (for `non-root` lifted). */
  user: string;
  imageUser: string;
  /** Image VOLUMEs: tmpfs too, so that nothing is created on the host. */
  imageVolumes: readonly string[];
  env: readonly string[];
  command?: readonly string[];
  /** The image has a HEALTHCHECK and it decides readiness: checked every second. */
  healthcheck: boolean;
}

/** `docker create` arguments for one run. Never a shell: every value is one argument. */
export function createArgs(profile: Profile, spec: ContainerSpec): string[] {
  const args = ['create', '--name', spec.name];
  for (const [key, value] of Object.entries(spec.labels)) args.push('--label', `${key}=${value}`);
  args.push(
    '--network',
    'none',
    '--pids-limit',
    String(LIMITS.pids),
    '--memory',
    String(LIMITS.memoryBytes),
    '--memory-swap',
    String(LIMITS.memoryBytes),
    '--restart',
    'no',
  );
  if (profile.restricted.has('read-only')) args.push('--read-only');
  if (profile.restricted.has('capabilities')) args.push('--cap-drop', 'ALL');
  else if (profile.capabilities) {
    args.push('--cap-drop', 'ALL');
    for (const capability of profile.capabilities) args.push('--cap-add', capability);
  }
  if (profile.restricted.has('no-new-privileges')) args.push('--security-opt', 'no-new-privileges');
  args.push('--sysctl', `net.ipv4.ip_unprivileged_port_start=${profile.restricted.has('privileged-ports') ? 1024 : 0}`);
  const user = profile.restricted.has('non-root') ? spec.user : spec.imageUser;
  if (user !== '') args.push('--user', user);
  // runc gives a tmpfs over an existing directory that directory's mode, not the one asked for;
  // owned by the user it runs as, it is as writable to it as an emptyDir (0777) is.
  const ids = /^(\d+)(?::(\d+))?$/.exec(user);
  const owner = ids && ids[1] !== '0' ? `,uid=${ids[1]}${ids[2] ? `,gid=${ids[2]}` : ''}` : '';
  const mounts = new Set(['/tmp', ...spec.imageVolumes, ...profile.volumes]);
  for (const path of mounts) args.push('--tmpfs', `${path}:rw,nosuid,nodev,size=${LIMITS.tmpfsBytes},mode=1777${owner}`);
  for (const entry of spec.env) args.push('--env', entry);
  if (spec.healthcheck)
    args.push('--health-interval', '1s', '--health-timeout', '2s', '--health-retries', '3', '--health-start-period', '0s');
  args.push('--', spec.image, ...(spec.command ?? []));
  return args;
}
