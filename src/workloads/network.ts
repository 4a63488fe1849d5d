import type { ManifestSet, NetworkPolicy, NetworkPolicyRule, Workload } from './model.js';
import type { RuleHit } from './rules.js';
import { isEmptySelector, selects, serviceSelects } from './selectors.js';

/**
 * Segmentation across documents (BH317–BH319): which NetworkPolicies select which workloads, in
 * which namespace, and what their ingress rules admit. Only Kubernetes workloads take part.
 */

export interface PlacedHit extends RuleHit {
  file: string;
  /** The workload or policy the hit belongs to, for fingerprints: `Kind/namespace/name`. */
  owner: string;
}

function selectedBy(policy: NetworkPolicy, workloads: readonly Workload[]): Workload[] {
  return workloads.filter((w) => w.namespace === policy.namespace && selects(policy.podSelector, w.podLabels));
}

/** A rule that admits every source: no `from`, an empty namespace selector without a pod selector, or a whole-internet ipBlock. */
function admitsAnySource(rule: NetworkPolicyRule): boolean {
  if (!rule.from) return true;
  return rule.from.some(
    (peer) =>
      (isEmptySelector(peer.namespaceSelector) && (peer.podSelector === undefined || isEmptySelector(peer.podSelector))) ||
      (peer.ipBlock !== undefined && ['0.0.0.0/0', '::/0'].includes(peer.ipBlock.cidr) && peer.ipBlock.except.length === 0),
  );
}

/** Exposed on purpose: selected by a LoadBalancer or NodePort Service, or by a Service an Ingress routes to. */
function exposed(workload: Workload, set: ManifestSet): boolean {
  const routed = new Set(set.ingresses.filter((i) => i.namespace === workload.namespace).flatMap((i) => i.services));
  return set.services.some(
    (s) =>
      s.namespace === workload.namespace &&
      serviceSelects(s.selector, workload.podLabels) &&
      (s.type === 'LoadBalancer' || s.type === 'NodePort' || routed.has(s.name)),
  );
}

function isDefaultDeny(policy: NetworkPolicy, direction: 'Ingress' | 'Egress'): boolean {
  const rules = direction === 'Ingress' ? policy.ingress : policy.egress;
  return isEmptySelector(policy.podSelector) && policy.policyTypes.includes(direction) && rules.length === 0;
}

export function checkSegmentation(set: ManifestSet, required: boolean): PlacedHit[] {
  const workloads = set.workloads.filter((w) => w.platform === 'kubernetes');
  if (workloads.length === 0 && set.networkPolicies.length === 0) return [];
  if (set.networkPolicies.length === 0 && !required) return [];
  const hits: PlacedHit[] = [];
  for (const w of workloads) {
    if (set.networkPolicies.some((p) => p.namespace === w.namespace && selects(p.podSelector, w.podLabels))) continue;
    hits.push({
      ruleId: 'BH317',
      severity: 'medium',
      line: w.line,
      file: w.file,
      owner: `${w.kind}/${w.namespace}/${w.name}`,
      subject: 'networkpolicy',
      message: `${w.kind} ${w.name} is selected by no NetworkPolicy in the namespace ${w.namespace}: every pod in the cluster reaches it. Add a NetworkPolicy whose podSelector matches its labels (${
        Object.entries(w.podLabels)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ') || 'it has none'
      }), or a default-deny for the namespace.`,
    });
  }
  const namespaces = new Map<string, Workload>();
  for (const w of workloads) if (!namespaces.has(w.namespace)) namespaces.set(w.namespace, w);
  for (const [namespace, first] of namespaces) {
    const policies = set.networkPolicies.filter((p) => p.namespace === namespace);
    const missing = (['Ingress', 'Egress'] as const).filter((d) => !policies.some((p) => isDefaultDeny(p, d)));
    if (missing.length === 0) continue;
    hits.push({
      ruleId: 'BH318',
      severity: 'low',
      line: first.line,
      file: first.file,
      owner: `Namespace/${namespace}`,
      subject: 'default-deny',
      message: `The namespace ${namespace} has no default-deny NetworkPolicy for ${missing.join(' or ').toLowerCase()}: a new workload there starts open. Add one with \`podSelector: {}\` and \`policyTypes: [${missing.join(', ')}]\`, then allow what each workload needs.`,
    });
  }
  for (const policy of set.networkPolicies) {
    const selected = selectedBy(policy, workloads);
    const owner = `NetworkPolicy/${policy.namespace}/${policy.name}`;
    if (selected.length === 0 && workloads.length > 0) {
      hits.push({
        ruleId: 'BH319',
        severity: 'low',
        line: policy.podSelectorLine,
        file: policy.file,
        owner,
        subject: 'selects-nothing',
        message: `The NetworkPolicy ${policy.name} selects no workload of these manifests in the namespace ${policy.namespace}: it protects nothing. Fix its podSelector (a renamed label?) or remove it.`,
      });
      continue;
    }
    if (!policy.policyTypes.includes('Ingress')) continue;
    for (const [index, rule] of policy.ingress.entries()) {
      if (!admitsAnySource(rule)) continue;
      const internal = selected.filter((w) => !exposed(w, set));
      if (internal.length === 0) continue;
      hits.push({
        ruleId: 'BH319',
        severity: 'medium',
        line: rule.line,
        file: policy.file,
        owner,
        subject: `any-source:${index}`,
        message: `The NetworkPolicy ${policy.name} admits traffic from any source to ${internal.map((w) => w.name).join(', ')}, which no LoadBalancer, NodePort or Ingress exposes. Name the sources: \`from: [{podSelector: {matchLabels: {…}}}]\`.`,
      });
    }
  }
  return hits;
}
