import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ManifestTarget, TargetsConfig } from '../../src/config/types.js';
import type { Finding } from '../../src/model/finding.js';
import type { ScanResult } from '../../src/model/scanResult.js';
import type { NetworkPolicyRequirement, PodSecurityRequirement } from '../../src/model/workload.js';
import { scanWorkloads } from '../../src/scanners/builtin/workloads.js';
import type { ImageFacts } from '../../src/workloads/imageFacts.js';

export interface WorkloadScan {
  results: ScanResult[];
  findings: Finding[];
  notes: string[];
}

/** The workload checks on files of a workspace, as a scan runs them (the edge included: files, kubectl). */
export async function checkWorkloads(
  workspace: string,
  inputs: {
    manifests?: (string | ManifestTarget)[];
    compose?: string[];
    images?: ImageFacts[];
    podSecurity?: PodSecurityRequirement;
    networkPolicies?: NetworkPolicyRequirement;
    env?: NodeJS.ProcessEnv;
  },
): Promise<WorkloadScan> {
  const targets = {
    workspace,
    images: [],
    dockerfiles: [],
    platform: 'linux/amd64',
    trivyReports: [],
    hadolintReports: [],
    manifests: (inputs.manifests ?? []).map((m) => (typeof m === 'string' ? { kind: 'file' as const, path: m } : m)),
    compose: inputs.compose ?? [],
    composeExplicit: true,
  } satisfies TargetsConfig;
  const { results, notes } = await scanWorkloads(
    targets,
    {
      podSecurity: inputs.podSecurity ?? 'none',
      networkPolicies: inputs.networkPolicies ?? 'when-present',
      env: inputs.env ?? { PATH: process.env.PATH },
      timeoutMs: 60_000,
    },
    inputs.images ?? [],
  );
  return { results, findings: results.flatMap((r) => r.findings), notes };
}

/** `RULE@file:line` (with `:severity` when `withSeverity`), sorted: what a test compares. */
export function places(findings: readonly Finding[], withSeverity = false): string[] {
  return findings.map((f) => `${f.ruleId}@${f.file ?? ''}:${f.line ?? 0}${withSeverity ? `:${f.severity}` : ''}`).sort();
}

/**
 * What a hand-made fixture says it should give: each `# expect: BH301 BH312:low` comment names
 * the findings of its own line. Returns the same shape as `places`, severity where written.
 */
export function expectedPlaces(workspace: string, file: string): { all: string[]; severities: string[] } {
  const all: string[] = [];
  const severities: string[] = [];
  readFileSync(join(workspace, file), 'utf8')
    .split('\n')
    .forEach((text, index) => {
      const comment = /# expect: (.*)$/.exec(text)?.[1];
      if (!comment) return;
      for (const item of comment.trim().split(/\s+/)) {
        const [rule, severity] = item.split(':');
        all.push(`${rule}@${file}:${index + 1}`);
        if (severity) severities.push(`${rule}@${file}:${index + 1}:${severity}`);
      }
    });
  return { all: all.sort(), severities: severities.sort() };
}
