import { fingerprintOf, type Finding } from '../model/finding.js';
import { builtinRule, ruleDocUrl } from '../model/builtinRules.js';
import { crossCheck } from './crossCheck.js';
import { sameImage, type ImageFacts } from './imageFacts.js';
import type { ContainerRun, ManifestSet, Workload } from './model.js';
import { checkSegmentation } from './network.js';
import { meets, podSecurityLevel } from './podSecurity.js';
import type {
  NetworkPolicyRequirement,
  PodSecurityLevel,
  PodSecurityRequirement,
  PodSecurityResult,
  WorkloadSummary,
} from '../model/workload.js';
import { checkWorkload, type RuleHit } from './rules.js';
import { suggestFix } from './suggest.js';

/** How the container will run, judged (BH3xx): pure, on manifests already read into a ManifestSet. */

export interface WorkloadAnalysisOptions {
  podSecurity: PodSecurityRequirement;
  networkPolicies: NetworkPolicyRequirement;
  /** Images the same run read, for the cross-checks. */
  images: readonly ImageFacts[];
  /** Maps a place in a rendered file (kustomize output) back to the file that defines it. */
  translate?: (file: string, line: number) => { file: string; line: number };
}

export interface WorkloadAnalysis {
  /** By the file the workload was read from (a kustomize directory's rendered output counts as one), findings placed on their source lines. */
  findings: Map<string, Finding[]>;
  /** `source`: the file the workload was read from, as findings are keyed. */
  workloads: (WorkloadSummary & { source: string })[];
  /** Secret values found in env literals, for the redactor; never written anywhere. */
  secretValues: string[];
}

function toFinding(hit: RuleHit, place: { file: string; line: number }, owner: string): Finding {
  const rule = builtinRule(hit.ruleId);
  return {
    tool: 'bulkhead',
    ruleId: hit.ruleId,
    kind: rule.kind,
    severity: hit.severity,
    title: rule.title,
    message: hit.message,
    description: `${rule.what} ${rule.why}`,
    helpUri: ruleDocUrl(hit.ruleId),
    file: place.file,
    line: place.line,
    workload: owner,
    fingerprint: fingerprintOf(['bulkhead', hit.ruleId, place.file, owner, hit.subject]),
  };
}

function podSecurityHit(workload: Workload, result: PodSecurityResult, required: PodSecurityLevel): RuleHit {
  return {
    ruleId: 'BH320',
    severity: 'high',
    line: workload.line,
    subject: `pss:${required}`,
    message: `${workload.kind} ${workload.name} meets the Pod Security Standards at ${result.level}, not ${required} as required: ${result.violations.join('; ')}.`,
  };
}

export function ownerOf(workload: Workload): string {
  return workload.platform === 'compose' ? `service/${workload.name}` : `${workload.kind}/${workload.namespace}/${workload.name}`;
}

export async function analyzeWorkloads(set: ManifestSet, options: WorkloadAnalysisOptions): Promise<WorkloadAnalysis> {
  const translate = options.translate ?? ((file: string, line: number) => ({ file, line }));
  const imageOf = (c: ContainerRun) => (c.image ? options.images.find((facts) => sameImage(c.image?.value ?? '', facts)) : undefined);
  const found = new Set<string>();
  const findings = new Map<string, Finding[]>();
  const add = (source: string, finding: Finding) => {
    const list = findings.get(source);
    if (list) list.push(finding);
    else findings.set(source, [finding]);
  };
  const workloads: WorkloadAnalysis['workloads'] = [];
  for (const workload of set.workloads) {
    const hits = await checkWorkload(workload, { serviceAccounts: set.serviceAccounts, imageOf, found });
    for (const c of workload.containers) {
      const image = imageOf(c);
      if (image) hits.push(...crossCheck(workload, c, image));
    }
    const podSecurity = workload.platform === 'kubernetes' ? podSecurityLevel(workload) : undefined;
    if (podSecurity && options.podSecurity !== 'none' && !meets(podSecurity.level, options.podSecurity)) {
      hits.push(podSecurityHit(workload, podSecurity, options.podSecurity));
    }
    const owner = ownerOf(workload);
    for (const hit of hits) add(workload.file, toFinding(hit, translate(workload.file, hit.line), owner));
    const suggestion = suggestFix(workload, hits, imageOf);
    const place = translate(workload.file, workload.line);
    workloads.push({
      source: workload.file,
      id: owner,
      platform: workload.platform,
      kind: workload.kind,
      name: workload.name,
      namespace: workload.namespace,
      file: place.file,
      line: place.line,
      ...(podSecurity ? { podSecurity } : {}),
      scannedImages: [...new Set(workload.containers.flatMap((c) => imageOf(c)?.reference ?? []))],
      findings: hits.length,
      ...(suggestion ? { suggestion } : {}),
    });
  }
  for (const hit of checkSegmentation(set, options.networkPolicies === 'required')) {
    add(hit.file, toFinding(hit, translate(hit.file, hit.line), hit.owner));
  }
  return { findings, workloads, secretValues: [...found] };
}
