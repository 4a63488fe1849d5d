/**
 * One model of "how a container will run", read from Kubernetes manifests or Compose files, so
 * that one set of rules judges both. Every setting carries the line it was written on; a setting
 * that is absent is undefined, and a finding about it points at the container's own line.
 */

export interface At<T> {
  value: T;
  line: number;
}

export type Platform = 'kubernetes' | 'compose';

export interface HostMount {
  /** The host path (for a Compose relative bind mount, as written: `./src`). */
  hostPath: string;
  relative: boolean;
  /** Where it appears in the container(s), and which containers mount it. */
  mountedBy: { container: string; path: string; readOnly: boolean }[];
  /** Kubernetes: the volume's name. */
  volume?: string;
  line: number;
}

export interface PortBinding {
  /** As written, for messages. */
  text: string;
  containerPort?: number;
  hostPort?: number;
  hostIp?: string;
  line: number;
}

export interface EnvLiteral {
  name: string;
  /** The value as written in the file (before Compose interpolation). */
  value: string;
  line: number;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly: boolean;
  line: number;
}

export interface ContainerRun {
  name: string;
  role: 'container' | 'init' | 'ephemeral' | 'service';
  /** `name:` of the container, or the Compose service key: where findings about a missing field go. */
  line: number;
  image?: At<string>;
  /** Compose: the service is built here (`build:`), so its image is this project's own. */
  built?: boolean;
  privileged?: At<boolean>;
  /** Compose: `no-new-privileges:true` reads as false, `no-new-privileges:false` as true. */
  allowPrivilegeEscalation?: At<boolean>;
  /** Effective values: the container's own, else the pod's. */
  runAsNonRoot?: At<boolean>;
  /** A number as text, or (Compose) a user name; `uid[:gid]` reduced to the uid. */
  runAsUser?: At<string>;
  readOnlyRootFilesystem?: At<boolean>;
  capDrop: At<string>[];
  capAdd: At<string>[];
  /** Kubernetes seccompProfile.type, or Compose `unconfined`/profile path from security_opt. */
  seccomp?: At<string>;
  appArmor?: At<string>;
  seLinux?: At<{ type?: string; user?: string; role?: string; disabled?: boolean }>;
  procMount?: At<string>;
  windowsHostProcess?: At<boolean>;
  ports: PortBinding[];
  env: EnvLiteral[];
  limits: { memory?: At<string>; cpu?: At<string>; pids?: At<string> };
  volumeMounts: VolumeMount[];
}

export interface HostNamespace {
  /** The field as written: `hostNetwork`, `network_mode: host` … */
  field: string;
  line: number;
}

export interface PodVolume {
  name: string;
  /** The volume source: hostPath, emptyDir, configMap … */
  type: string;
  line: number;
}

export interface Workload {
  platform: Platform;
  /** Deployment, CronJob … or `service` for Compose. */
  kind: string;
  name: string;
  /** Kubernetes namespace (`default` when unset); the Compose file for Compose. */
  namespace: string;
  file: string;
  /** metadata.name line, or the Compose service key line. */
  line: number;
  /** Labels of the pods it creates. */
  podLabels: Record<string, string>;
  hostNamespaces: HostNamespace[];
  hostMounts: HostMount[];
  volumes: PodVolume[];
  /** Pod-level runAsUser, read separately for the Pod Security Standards (a pod-level 0 is a violation). */
  podRunAsUser?: At<string>;
  /** Line of the pod spec (`spec:`), or the Compose service key. */
  podLine: number;
  /** Line of `serviceAccountName`, when set. */
  serviceAccountLine?: number;
  automountServiceAccountToken?: At<boolean>;
  serviceAccountName?: string;
  sysctls: At<string>[];
  containers: ContainerRun[];
}

/** The Kubernetes objects that segmentation and token checks read besides workloads. */
export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except: string[] };
  line: number;
}

export interface NetworkPolicyRule {
  /** Undefined when the rule has no `from`: every source. */
  from?: NetworkPolicyPeer[];
  line: number;
}

export interface NetworkPolicy {
  name: string;
  namespace: string;
  file: string;
  line: number;
  podSelector: LabelSelector;
  podSelectorLine: number;
  policyTypes: ('Ingress' | 'Egress')[];
  ingress: NetworkPolicyRule[];
  egress: NetworkPolicyRule[];
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

export interface Service {
  name: string;
  namespace: string;
  type: string;
  /** Undefined: no selector (external endpoints), selects no pod. */
  selector?: Record<string, string>;
}

export interface Ingress {
  namespace: string;
  services: string[];
}

export interface ServiceAccount {
  name: string;
  namespace: string;
  automount?: boolean;
}

export interface Namespace {
  name: string;
  labels: Record<string, string>;
}

export interface ManifestSet {
  workloads: Workload[];
  networkPolicies: NetworkPolicy[];
  services: Service[];
  ingresses: Ingress[];
  serviceAccounts: ServiceAccount[];
  namespaces: Namespace[];
  /** Objects of kinds bulkhead does not check, by kind. */
  skipped: Map<string, number>;
}

export function emptyManifestSet(): ManifestSet {
  return { workloads: [], networkPolicies: [], services: [], ingresses: [], serviceAccounts: [], namespaces: [], skipped: new Map() };
}
