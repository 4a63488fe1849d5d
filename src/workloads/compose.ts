import type { At, ContainerRun, EnvLiteral, HostMount, HostNamespace, ManifestSet, PortBinding, Workload } from './model.js';
import { FormatError } from '../util/errors.js';
import type { YamlFile, YamlView } from './yamlView.js';

/**
 * Compose services as workloads (Compose Specification). A service with `extends` (within the
 * file) reads its own fields first, then its base's; lists that Compose merges (cap_add,
 * security_opt, ports, volumes …) are joined. Services under `profiles` are read too: they run
 * whenever the profile is enabled.
 */

const JOINED = new Set(['cap_add', 'cap_drop', 'security_opt', 'ports', 'volumes', 'environment', 'sysctls']);

class ServiceFields {
  constructor(private readonly chain: readonly YamlView[]) {}

  get(key: string): YamlView | undefined {
    for (const view of this.chain) {
      const found = view.get(key);
      if (found) return found;
    }
    return undefined;
  }

  at(...path: string[]): YamlView | undefined {
    const [first, ...rest] = path;
    return first === undefined ? undefined : this.get(first)?.at(...rest);
  }

  /** A list field, joined across extends (own items first). */
  list(key: string): YamlView[] {
    const views = JOINED.has(key) ? this.chain.map((v) => v.get(key)) : [this.get(key)];
    return views.flatMap((v) => (v ? v.items(key) : []));
  }
}

function extendsChain(services: YamlView, name: string, notes: string[]): YamlView[] {
  const chain: YamlView[] = [];
  const seen = new Set<string>();
  let current: string | undefined = name;
  while (current !== undefined) {
    const view = services.get(current);
    if (!view) {
      chain[0]?.fail(`extends names the service "${current}", which the file does not define.`);
      break;
    }
    if (seen.has(current)) throw view.error(`extends makes a loop through the service "${current}".`);
    seen.add(current);
    chain.push(view);
    const ext = view.get('extends');
    if (!ext) break;
    if (ext.isMap()) {
      if (ext.get('file')) {
        notes.push(
          `${view.file}: the service ${current} extends a service of another file, which bulkhead does not follow; its own fields are checked.`,
        );
        break;
      }
      current = ext.get('service')?.text('extends.service');
    } else current = ext.text('extends');
  }
  return chain;
}

function textAt(view: YamlView | undefined, what: string): At<string> | undefined {
  const value = view?.text(what);
  return view && value !== undefined ? { value, line: view.line } : undefined;
}

/** `[HOST:]CONTAINER[:MODE]` bind mounts and the long form `{type: bind, source, target, read_only}`. */
function bindOf(item: YamlView): { source?: string; target: string; readOnly: boolean } | undefined {
  if (item.isMap()) {
    if (item.get('type')?.text('volumes type') !== 'bind') return undefined;
    const source = item.get('source')?.text('volumes source');
    return {
      ...(source ? { source } : {}),
      target: item.get('target')?.text('volumes target') ?? '',
      readOnly: item.get('read_only')?.bool('volumes read_only') ?? false,
    };
  }
  const parts = (item.text('volumes') ?? '').split(':');
  // A Windows drive letter (C:\… or C:/…) keeps its colon.
  if (/^[A-Za-z]$/.test(parts[0] ?? '') && /^[\\/]/.test(parts[1] ?? '')) parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
  if (parts.length < 2) return undefined;
  return { ...(parts[0] ? { source: parts[0] } : {}), target: parts[1] ?? '', readOnly: (parts[2] ?? '').split(',').includes('ro') };
}

function hostMountOf(item: YamlView, service: string): HostMount | undefined {
  const bind = bindOf(item);
  if (!bind?.source) return undefined;
  const { source, target, readOnly } = bind;
  const relative = /^\.\.?([\\/]|$)/.test(source);
  const absolute = source.startsWith('/') || source.startsWith('~') || /^[A-Za-z]:[\\/]/.test(source);
  if (!relative && !absolute) return undefined; // a named volume
  return { hostPath: source, relative, mountedBy: [{ container: service, path: target, readOnly }], line: item.line };
}

/** `[[IP:]HOST:]CONTAINER[/PROTO]` and the long form `{target, published, host_ip}`. */
function portOf(item: YamlView): PortBinding {
  if (item.isMap()) {
    const hostIp = item.get('host_ip')?.text('ports host_ip');
    const published = item.get('published')?.text('ports published');
    const target = item.get('target')?.text('ports target') ?? '';
    const hostPort = Number.parseInt(published ?? '', 10);
    const containerPort = Number.parseInt(target, 10);
    return {
      text: `${hostIp ? `${hostIp}:` : ''}${published ? `${published}:` : ''}${target}`,
      ...(Number.isFinite(containerPort) ? { containerPort } : {}),
      ...(Number.isFinite(hostPort) ? { hostPort } : {}),
      ...(hostIp ? { hostIp } : {}),
      line: item.line,
    };
  }
  const text = item.text('ports') ?? '';
  const bare = text.replace(/\/(tcp|udp|sctp)$/i, '');
  // An IPv6 host IP is written in brackets: [::1]:8080:80.
  const ipv6 = /^\[([^\]]+)\]:(.*)$/.exec(bare);
  const parts = ipv6 ? [ipv6[1] as string, ...(ipv6[2] as string).split(':')] : bare.split(':');
  const hostIp = parts.length === 3 ? parts[0] : undefined;
  const hostPort = parts.length >= 2 ? Number.parseInt(parts[parts.length - 2] as string, 10) : undefined;
  const containerPort = Number.parseInt(parts[parts.length - 1] as string, 10);
  return {
    text,
    ...(Number.isFinite(containerPort) ? { containerPort } : {}),
    ...(hostPort !== undefined && Number.isFinite(hostPort) ? { hostPort } : {}),
    ...(hostIp ? { hostIp } : {}),
    line: item.line,
  };
}

function environmentOf(fields: ServiceFields): EnvLiteral[] {
  const env: EnvLiteral[] = [];
  const view = fields.get('environment');
  if (view) {
    if (view.isMap()) {
      for (const [name, value] of view.entries()) {
        const raw = value.raw('environment value');
        value.text('environment value'); // interpolated as Compose does: a ${VAR:?} error or an unset variable is said
        if (raw !== undefined) env.push({ name, value: raw, line: value.line });
      }
    } else {
      for (const item of view.items('environment')) {
        const raw = item.raw('environment') ?? '';
        item.text('environment');
        const eq = raw.indexOf('=');
        if (eq > 0) env.push({ name: raw.slice(0, eq), value: raw.slice(eq + 1), line: item.line });
      }
    }
  }
  return env;
}

interface SecurityOptions {
  noNewPrivileges?: At<boolean>;
  seccomp?: At<string>;
  appArmor?: At<string>;
  labelDisabled?: At<boolean>;
}

function securityOptions(fields: ServiceFields): SecurityOptions {
  const options: SecurityOptions = {};
  for (const item of fields.list('security_opt')) {
    const text = (item.text('security_opt') ?? '').trim();
    const [key = '', value = ''] = text.split(/[=:](.*)/s);
    const lower = key.toLowerCase();
    if (lower === 'no-new-privileges') options.noNewPrivileges = { value: value === '' || value === 'true', line: item.line };
    else if (lower === 'seccomp') options.seccomp = { value: value === 'unconfined' ? 'Unconfined' : value, line: item.line };
    else if (lower === 'apparmor') options.appArmor = { value: value === 'unconfined' ? 'Unconfined' : value, line: item.line };
    else if (lower === 'label' && value === 'disable') options.labelDisabled = { value: true, line: item.line };
  }
  return options;
}

function limitsOf(fields: ServiceFields): ContainerRun['limits'] {
  const pick = (...views: (YamlView | undefined)[]) => {
    const view = views.find((v) => v !== undefined && !v.isNull());
    return textAt(view, 'limit');
  };
  const memory = pick(fields.at('deploy', 'resources', 'limits', 'memory'), fields.get('mem_limit'));
  const cpu = pick(fields.at('deploy', 'resources', 'limits', 'cpus'), fields.get('cpus'));
  const pids = pick(fields.at('deploy', 'resources', 'limits', 'pids'), fields.get('pids_limit'));
  return { ...(memory ? { memory } : {}), ...(cpu ? { cpu } : {}), ...(pids ? { pids } : {}) };
}

const HOST_MODES: readonly [field: string, label: string][] = [
  ['network_mode', 'network_mode: host'],
  ['pid', 'pid: host'],
  ['ipc', 'ipc: host'],
  ['userns_mode', 'userns_mode: host'],
  ['uts', 'uts: host'],
];

function serviceOf(name: string, fields: ServiceFields, key: YamlView, file: string): Workload {
  const options = securityOptions(fields);
  const hostNamespaces: HostNamespace[] = HOST_MODES.flatMap(([field, label]) => {
    const view = fields.get(field);
    return view?.text(field)?.trim().toLowerCase() === 'host' ? [{ field: label, line: view.line }] : [];
  });
  const hostMounts = fields.list('volumes').flatMap((item) => hostMountOf(item, name) ?? []);
  const image = textAt(fields.get('image'), 'image');
  const privileged = fields.get('privileged');
  const readOnly = fields.get('read_only');
  const user = textAt(fields.get('user'), 'user');
  const caps = (field: string) =>
    fields.list(field).map((item) => ({ value: (item.text(field) ?? '').toUpperCase().replace(/^CAP_/, ''), line: item.line }));
  const container: ContainerRun = {
    name,
    role: 'service',
    line: key.line,
    ...(image ? { image } : {}),
    ...(fields.get('build') ? { built: true } : {}),
    ...(privileged && privileged.bool('privileged') !== undefined
      ? { privileged: { value: privileged.bool('privileged') as boolean, line: privileged.line } }
      : {}),
    ...(options.noNewPrivileges
      ? { allowPrivilegeEscalation: { value: !options.noNewPrivileges.value, line: options.noNewPrivileges.line } }
      : {}),
    ...(user ? { runAsUser: { value: (user.value.split(':')[0] ?? '').trim(), line: user.line } } : {}),
    ...(readOnly && readOnly.bool('read_only') !== undefined
      ? { readOnlyRootFilesystem: { value: readOnly.bool('read_only') as boolean, line: readOnly.line } }
      : {}),
    capDrop: caps('cap_drop'),
    capAdd: caps('cap_add'),
    ...(options.seccomp ? { seccomp: options.seccomp } : {}),
    ...(options.appArmor ? { appArmor: options.appArmor } : {}),
    ...(options.labelDisabled ? { seLinux: { value: { disabled: true }, line: options.labelDisabled.line } } : {}),
    ports: fields.list('ports').map(portOf),
    env: environmentOf(fields),
    limits: limitsOf(fields),
    volumeMounts: [],
  };
  const sysctls = fields.get('sysctls');
  return {
    platform: 'compose',
    kind: 'service',
    name,
    namespace: file,
    file,
    line: key.line,
    podLabels: {},
    hostNamespaces,
    hostMounts,
    volumes: [],
    podLine: key.line,
    sysctls: sysctls?.isMap()
      ? sysctls.entries().map(([sysctl, view]) => ({ value: sysctl, line: view.line }))
      : (sysctls?.items('sysctls') ?? []).map((item) => ({ value: (item.text('sysctls') ?? '').split('=')[0] ?? '', line: item.line })),
    containers: [container],
  };
}

/** Reads the services of a Compose file (already parsed with interpolation). */
export function readCompose(file: YamlFile, set: ManifestSet, notes: string[]): void {
  const [root, ...more] = file.documents;
  if (!root || root.isNull()) throw new FormatError(file.file, 'is empty; a Compose file needs services.');
  if (more.length > 0) more[0]?.fail('a Compose file holds one YAML document; this is a second one.');
  if (!root.isMap()) throw root.error('a Compose file must be a mapping with services.');
  const services = root.get('services');
  if (!services || !services.isMap()) throw root.error('has no services mapping; is it a Compose file?');
  for (const [name, view] of services.entries()) {
    if (!view.isMap()) throw view.error(`the service ${name} must be a mapping.`);
    const chain = extendsChain(services, name, notes);
    set.workloads.push(serviceOf(name, new ServiceFields(chain), view, file.file));
  }
}
