import type {
  At,
  ContainerRun,
  HostMount,
  LabelSelector,
  ManifestSet,
  NetworkPolicyPeer,
  NetworkPolicyRule,
  PodVolume,
  Workload,
} from './model.js';
import type { YamlFile, YamlView } from './yamlView.js';

/** Where each workload kind keeps its pod template. */
const POD_TEMPLATE: Record<string, readonly string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

const CONTAINER_LISTS = [
  ['initContainers', 'init'],
  ['containers', 'container'],
  ['ephemeralContainers', 'ephemeral'],
] as const;

function at<T>(view: YamlView | undefined, read: (v: YamlView) => T | undefined): At<T> | undefined {
  if (!view) return undefined;
  const value = read(view);
  return value === undefined ? undefined : { value, line: view.line };
}

function stringMap(view: YamlView | undefined, what: string): Record<string, string> {
  const map: Record<string, string> = {};
  if (!view || view.isNull()) return map;
  if (!view.isMap()) throw view.error(`${what} must be a mapping.`);
  for (const [key, value] of view.entries()) map[key] = value.text(`${what}.${key}`) ?? '';
  return map;
}

export function labelSelector(view: YamlView | undefined): LabelSelector {
  const selector: LabelSelector = { matchLabels: {}, matchExpressions: [] };
  if (!view || view.isNull()) return selector;
  if (!view.isMap()) throw view.error('a label selector must be a mapping (matchLabels, matchExpressions).');
  selector.matchLabels = stringMap(view.get('matchLabels'), 'matchLabels');
  for (const expression of view.get('matchExpressions')?.items('matchExpressions') ?? []) {
    const key = expression.get('key')?.text('key');
    const operator = expression.get('operator')?.text('operator');
    if (!key || !operator) throw expression.error('each matchExpressions item needs a key and an operator.');
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(operator)) {
      expression.fail(`operator is "${operator}"; write In, NotIn, Exists or DoesNotExist.`);
    }
    const values = (expression.get('values')?.items('values') ?? []).map((v) => v.text('values') ?? '');
    selector.matchExpressions.push({ key, operator, values });
  }
  return selector;
}

/** runAsUser as text, so that Compose names and Kubernetes numbers share one field. */
function userOf(view: YamlView | undefined): At<string> | undefined {
  return at(view, (v) => {
    const n = v.integer('runAsUser');
    return n === undefined ? undefined : String(n);
  });
}

function seLinuxOf(view: YamlView | undefined): ContainerRun['seLinux'] {
  if (!view || view.isNull()) return undefined;
  const type = view.get('type')?.text('seLinuxOptions.type');
  const user = view.get('user')?.text('seLinuxOptions.user');
  const role = view.get('role')?.text('seLinuxOptions.role');
  return { value: { ...(type ? { type } : {}), ...(user ? { user } : {}), ...(role ? { role } : {}) }, line: view.line };
}

function portsOf(view: YamlView): ContainerRun['ports'] {
  return (view.get('ports')?.items('ports') ?? []).flatMap((port) => {
    if (!port.isMap()) port.fail('each ports entry must be a mapping with containerPort.');
    const hostPort = port.get('hostPort');
    const value = hostPort?.integer('hostPort');
    if (!hostPort || !value) return [];
    const containerPort = port.get('containerPort')?.integer('containerPort');
    const hostIp = port.get('hostIP')?.text('hostIP');
    return [
      {
        text: `hostPort ${value}`,
        hostPort: value,
        ...(containerPort ? { containerPort } : {}),
        ...(hostIp ? { hostIp } : {}),
        line: hostPort.line,
      },
    ];
  });
}

function envOf(view: YamlView): ContainerRun['env'] {
  return (view.get('env')?.items('env') ?? []).flatMap((entry) => {
    if (!entry.isMap()) entry.fail('each env entry must be a mapping with name and value (or valueFrom).');
    const value = entry.get('value');
    const text = value?.text('env value');
    const envName = entry.get('name')?.text('env name');
    return value && text !== undefined && envName ? [{ name: envName, value: text, line: value.line }] : [];
  });
}

function mountsOf(view: YamlView): ContainerRun['volumeMounts'] {
  return (view.get('volumeMounts')?.items('volumeMounts') ?? []).map((mount) => {
    if (!mount.isMap()) mount.fail('each volumeMounts entry must be a mapping with name and mountPath.');
    return {
      name: mount.get('name')?.text('volumeMounts name') ?? '',
      mountPath: mount.get('mountPath')?.text('mountPath') ?? '',
      readOnly: mount.get('readOnly')?.bool('readOnly') ?? false,
      line: mount.line,
    };
  });
}

function container(view: YamlView, role: ContainerRun['role'], pod: YamlView | undefined, annotations: YamlView | undefined): ContainerRun {
  const name = view.get('name')?.text('container name');
  if (!name) throw view.error('every container needs a name.');
  const sc = view.get('securityContext');
  const own = <T>(field: string, read: (v: YamlView) => T | undefined) => at(sc?.get(field), read);
  const either = <T>(field: string, read: (v: YamlView) => T | undefined) => own(field, read) ?? at(pod?.get(field), read);
  const caps = sc?.get('capabilities');
  const capList = (field: string) =>
    (caps?.get(field)?.items(`capabilities.${field}`) ?? []).map((item) => ({
      value: (item.text('capability') ?? '').toUpperCase(),
      line: item.line,
    }));
  // The annotation that AppArmor profiles were set with before Kubernetes 1.30.
  const legacyAppArmor = at(annotations?.get(`container.apparmor.security.beta.kubernetes.io/${name}`), (v) => v.text('annotation'));
  const appArmor =
    at(sc?.at('appArmorProfile', 'type'), (v) => v.text('appArmorProfile.type')) ??
    (legacyAppArmor
      ? { ...legacyAppArmor, value: legacyAppArmor.value === 'unconfined' ? 'Unconfined' : legacyAppArmor.value }
      : undefined) ??
    at(pod?.at('appArmorProfile', 'type'), (v) => v.text('appArmorProfile.type'));
  const resources = view.get('resources');
  const limit = (field: string) => at(resources?.at('limits', field), (v) => v.text(`resources.limits.${field}`));
  const nameLine = view.get('name')?.line ?? view.line;
  const memory = limit('memory');
  const cpu = limit('cpu');
  const image = at(view.get('image'), (v) => v.text('image'));
  const privileged = own('privileged', (v) => v.bool('privileged'));
  const allowPrivilegeEscalation = own('allowPrivilegeEscalation', (v) => v.bool('allowPrivilegeEscalation'));
  const runAsNonRoot = either('runAsNonRoot', (v) => v.bool('runAsNonRoot'));
  const runAsUser = userOf(sc?.get('runAsUser')) ?? userOf(pod?.get('runAsUser'));
  const readOnlyRootFilesystem = own('readOnlyRootFilesystem', (v) => v.bool('readOnlyRootFilesystem'));
  const seccomp =
    at(sc?.at('seccompProfile', 'type'), (v) => v.text('seccompProfile.type')) ??
    at(pod?.at('seccompProfile', 'type'), (v) => v.text('seccompProfile.type'));
  const seLinux = seLinuxOf(sc?.get('seLinuxOptions')) ?? seLinuxOf(pod?.get('seLinuxOptions'));
  const procMount = own('procMount', (v) => v.text('procMount'));
  const windowsHostProcess =
    at(sc?.at('windowsOptions', 'hostProcess'), (v) => v.bool('hostProcess')) ??
    at(pod?.at('windowsOptions', 'hostProcess'), (v) => v.bool('hostProcess'));
  return {
    name,
    role,
    line: nameLine,
    ...(image ? { image } : {}),
    ...(privileged ? { privileged } : {}),
    ...(allowPrivilegeEscalation ? { allowPrivilegeEscalation } : {}),
    ...(runAsNonRoot ? { runAsNonRoot } : {}),
    ...(runAsUser ? { runAsUser } : {}),
    ...(readOnlyRootFilesystem ? { readOnlyRootFilesystem } : {}),
    capDrop: capList('drop'),
    capAdd: capList('add'),
    ...(seccomp ? { seccomp } : {}),
    ...(appArmor ? { appArmor } : {}),
    ...(seLinux ? { seLinux } : {}),
    ...(procMount ? { procMount } : {}),
    ...(windowsHostProcess ? { windowsHostProcess } : {}),
    ports: portsOf(view),
    env: envOf(view),
    limits: { ...(memory ? { memory } : {}), ...(cpu ? { cpu } : {}) },
    volumeMounts: mountsOf(view),
  };
}

function volumesOf(spec: YamlView): { volumes: PodVolume[]; hostPaths: Map<string, { path: string; line: number }> } {
  const volumes: PodVolume[] = [];
  const hostPaths = new Map<string, { path: string; line: number }>();
  for (const item of spec.get('volumes')?.items('volumes') ?? []) {
    if (!item.isMap()) item.fail('each volumes entry must be a mapping with a name and a volume source.');
    const name = item.get('name')?.text('volume name') ?? '';
    const source = item.entries().find(([key]) => key !== 'name');
    volumes.push({ name, type: source?.[0] ?? 'emptyDir', line: source?.[1].line ?? item.line });
    const hostPath = item.get('hostPath');
    if (hostPath) {
      const path = hostPath.get('path');
      hostPaths.set(name, { path: path?.text('hostPath.path') ?? '', line: path?.line ?? hostPath.line });
    }
  }
  return { volumes, hostPaths };
}

function workloadOf(object: YamlView, kind: string, file: string, name: string, namespace: string): Workload {
  const templatePath = POD_TEMPLATE[kind] ?? [];
  const template = templatePath.length > 0 ? object.at(...templatePath) : object;
  if (!template || !template.isMap()) throw object.error(`the ${kind} has no pod template (${templatePath.join('.')}).`);
  const spec = template.get('spec');
  if (!spec || !spec.isMap()) throw template.error(`the ${kind} has no pod spec.`);
  const metadata = template.get('metadata');
  const annotations = metadata?.get('annotations');
  const podSc = spec.get('securityContext');
  const containers = CONTAINER_LISTS.flatMap(([list, role]) =>
    (spec.get(list)?.items(list) ?? []).map((item) => {
      if (!item.isMap()) item.fail(`each ${list} entry must be a mapping with name and image.`);
      return container(item, role, podSc, annotations);
    }),
  );
  if (containers.length === 0) throw spec.error(`the ${kind} ${name} has no containers.`);
  const { volumes, hostPaths } = volumesOf(spec);
  const hostMounts: HostMount[] = [...hostPaths].map(([volume, { path, line }]) => ({
    hostPath: path,
    relative: false,
    volume,
    line,
    mountedBy: containers.flatMap((c) =>
      c.volumeMounts.filter((m) => m.name === volume).map((m) => ({ container: c.name, path: m.mountPath, readOnly: m.readOnly })),
    ),
  }));
  const hostNamespaces = ['hostNetwork', 'hostPID', 'hostIPC'].flatMap((field) => {
    const view = spec.get(field);
    return view?.bool(field) ? [{ field, line: view.line }] : [];
  });
  const automount = at(spec.get('automountServiceAccountToken'), (v) => v.bool('automountServiceAccountToken'));
  const serviceAccountName = spec.get('serviceAccountName')?.text('serviceAccountName');
  const podRunAsUser = userOf(podSc?.get('runAsUser'));
  return {
    platform: 'kubernetes',
    kind,
    name,
    namespace,
    file,
    line: object.at('metadata', 'name')?.line ?? object.line,
    podLabels: stringMap(metadata?.get('labels'), 'labels'),
    hostNamespaces,
    hostMounts,
    volumes,
    ...(podRunAsUser ? { podRunAsUser } : {}),
    podLine: spec.line,
    ...(spec.get('serviceAccountName') ? { serviceAccountLine: spec.get('serviceAccountName')?.line ?? spec.line } : {}),
    ...(automount ? { automountServiceAccountToken: automount } : {}),
    ...(serviceAccountName ? { serviceAccountName } : {}),
    sysctls: (podSc?.get('sysctls')?.items('sysctls') ?? []).map((item) => ({
      value: item.get('name')?.text('sysctl name') ?? '',
      line: item.line,
    })),
    containers,
  };
}

function peers(view: YamlView | undefined, field: string): NetworkPolicyPeer[] | undefined {
  if (!view || view.isNull()) return undefined;
  return view.items(field).map((peer) => {
    const ipBlock = peer.get('ipBlock');
    return {
      ...(peer.get('podSelector') ? { podSelector: labelSelector(peer.get('podSelector')) } : {}),
      ...(peer.get('namespaceSelector') ? { namespaceSelector: labelSelector(peer.get('namespaceSelector')) } : {}),
      ...(ipBlock
        ? {
            ipBlock: {
              cidr: ipBlock.get('cidr')?.text('ipBlock.cidr') ?? '',
              except: (ipBlock.get('except')?.items('except') ?? []).map((e) => e.text('except') ?? ''),
            },
          }
        : {}),
      line: peer.line,
    };
  });
}

function rules(spec: YamlView, field: 'ingress' | 'egress'): NetworkPolicyRule[] {
  return (spec.get(field)?.items(field) ?? []).map((rule) => {
    const from = peers(rule.get(field === 'ingress' ? 'from' : 'to'), field === 'ingress' ? 'from' : 'to');
    return { ...(from && from.length > 0 ? { from } : {}), line: rule.line };
  });
}

function readObject(object: YamlView, file: string, set: ManifestSet, depth: number): void {
  if (object.isNull()) return;
  if (!object.isMap()) throw object.error('each document must be a Kubernetes object: a mapping with apiVersion, kind and metadata.');
  const kind = object.get('kind')?.text('kind');
  const apiVersion = object.get('apiVersion')?.text('apiVersion');
  if (!kind || !apiVersion) throw object.error('a Kubernetes object needs apiVersion and kind.');
  if (kind === 'List' || kind.endsWith('List')) {
    if (depth > 0) throw object.error('a List inside a List is not a Kubernetes object.');
    for (const item of object.get('items')?.items('items') ?? []) readObject(item, file, set, depth + 1);
    return;
  }
  const name = object.at('metadata', 'name')?.text('metadata.name') ?? object.at('metadata', 'generateName')?.text('metadata.generateName');
  const namespace = object.at('metadata', 'namespace')?.text('metadata.namespace') ?? 'default';
  if (kind in POD_TEMPLATE) {
    if (!name) throw object.error(`the ${kind} has no metadata.name.`);
    set.workloads.push(workloadOf(object, kind, file, name, namespace));
  } else if (kind === 'NetworkPolicy' && apiVersion.startsWith('networking.k8s.io/')) {
    const spec = object.get('spec');
    if (!spec || !spec.isMap()) throw object.error('the NetworkPolicy has no spec.');
    const declared = (spec.get('policyTypes')?.items('policyTypes') ?? []).map((t) => t.text('policyTypes'));
    // Without policyTypes, Kubernetes assumes Ingress, plus Egress when egress rules are given.
    const policyTypes = (declared.length > 0 ? declared : ['Ingress', ...(spec.get('egress') ? ['Egress'] : [])]).filter(
      (t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress',
    );
    set.networkPolicies.push({
      name: name ?? '',
      namespace,
      file,
      line: object.at('metadata', 'name')?.line ?? object.line,
      podSelector: labelSelector(spec.get('podSelector')),
      podSelectorLine: spec.get('podSelector')?.line ?? spec.line,
      policyTypes,
      ingress: rules(spec, 'ingress'),
      egress: rules(spec, 'egress'),
    });
  } else if (kind === 'Service' && apiVersion === 'v1') {
    const selector = object.at('spec', 'selector');
    set.services.push({
      name: name ?? '',
      namespace,
      type: object.at('spec', 'type')?.text('spec.type') ?? 'ClusterIP',
      ...(selector && !selector.isNull() ? { selector: stringMap(selector, 'spec.selector') } : {}),
    });
  } else if (kind === 'Ingress') {
    const services = new Set<string>();
    const backend = (view: YamlView | undefined) => {
      const service = view?.at('service', 'name')?.text('backend service name') ?? view?.get('serviceName')?.text('serviceName');
      if (service) services.add(service);
    };
    backend(object.at('spec', 'defaultBackend'));
    for (const rule of object.at('spec', 'rules')?.items('rules') ?? []) {
      for (const path of rule.at('http', 'paths')?.items('paths') ?? []) backend(path.get('backend'));
    }
    set.ingresses.push({ namespace, services: [...services] });
  } else if (kind === 'ServiceAccount' && apiVersion === 'v1') {
    const automount = object.get('automountServiceAccountToken')?.bool('automountServiceAccountToken');
    set.serviceAccounts.push({ name: name ?? '', namespace, ...(automount !== undefined ? { automount } : {}) });
  } else if (kind === 'Namespace' && apiVersion === 'v1') {
    set.namespaces.push({ name: name ?? '', labels: stringMap(object.at('metadata', 'labels'), 'labels') });
  } else {
    set.skipped.set(kind, (set.skipped.get(kind) ?? 0) + 1);
  }
}

/** Reads every Kubernetes object of a parsed file into the set; a malformed object is an error with its line. */
export function readKubernetes(file: YamlFile, set: ManifestSet): void {
  for (const document of file.documents) readObject(document, file.file, set, 0);
}
