import type { FailOn } from '../model/severity.js';
import type { NetworkPolicyRequirement, PodSecurityRequirement } from '../model/workload.js';
import type { Baseline } from './baseline.js';
import type { GatePolicy } from './decide.js';

export type SettingSource = 'input' | 'policy file' | 'default';

export interface Setting<T> {
  value: T;
  source: SettingSource;
}

/** Everything that decides the gate besides the findings, with where each setting came from. */
export interface ResolvedPolicy {
  gate: Omit<GatePolicy, 'today'> & { failOn: FailOn; ignoreUnfixed: boolean; onlyNew: boolean };
  settings: {
    failOn: Setting<FailOn>;
    ignoreUnfixed: Setting<boolean>;
    onlyNew: Setting<boolean>;
    podSecurity: Setting<PodSecurityRequirement>;
    networkPolicies: Setting<NetworkPolicyRequirement>;
  };
  /** Files whose rules were applied, repo-relative. */
  files: string[];
  /** Rules hadolint applies itself (config `ignored`, inline pragmas): reported, not re-applied. */
  hadolintIgnores: string[];
  notes: string[];
}

/** Where a baseline comes from when no `baseline` input names one (the action's cache). */
export interface BaselineSource {
  restore(): Promise<Baseline | undefined>;
}

/** The first setting given wins: the input, then the policy file, then the default. */
export function setting<T>(input: T | undefined, file: T | undefined, fallback: T): Setting<T> {
  if (input !== undefined) return { value: input, source: 'input' };
  if (file !== undefined) return { value: file, source: 'policy file' };
  return { value: fallback, source: 'default' };
}
