/** What a scan tells about each workload of the manifests and Compose files, besides its findings. */

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];

/** The level every workload must meet (`pod-security`); none shows levels without gating on them. */
export type PodSecurityRequirement = 'none' | 'baseline' | 'restricted';
/** `required`: segmentation is checked even when the manifests define no NetworkPolicy. */
export type NetworkPolicyRequirement = 'required' | 'when-present';

export interface PodSecurityResult {
  level: PodSecurityLevel;
  /** Controls failed, each "control: what", baseline ones first. */
  violations: string[];
}

export interface WorkloadSummary {
  /** `Kind/namespace/name`, or `service/name` for Compose: what its findings' `workload` field says. */
  id: string;
  platform: 'kubernetes' | 'compose';
  kind: string;
  name: string;
  namespace: string;
  file: string;
  line: number;
  /** Kubernetes only. */
  podSecurity?: PodSecurityResult;
  /** Images the workload runs that the same run scanned. */
  scannedImages: string[];
  findings: number;
  /** YAML to merge into the file that fixes the workload's isolation findings at once. */
  suggestion?: string;
}
