import { formatDuration } from '../util/logger.js';
import { isRootUser, numericUid, type ImageFacts } from './imageFacts.js';
import type { ContainerRun, Workload } from './model.js';
import type { RuleHit } from './rules.js';

/**
 * One fragment per workload that fixes all of its isolation findings at once: a securityContext
 * (Kubernetes) or service fields (Compose), as YAML to merge into the file. Values that bulkhead
 * cannot know (a UID the image does not give) are left as a comment for the user, never invented.
 */

const FIXABLE = new Set([
  'BH301',
  'BH302',
  'BH303',
  'BH304',
  'BH305',
  'BH306',
  'BH307',
  'BH308',
  'BH309',
  'BH310',
  'BH313',
  'BH330',
  'BH331',
]);

const POD_SPEC_PATH: Record<string, readonly string[]> = {
  Pod: ['spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

interface ContainerFix {
  container: ContainerRun;
  rules: Set<string>;
  /** Capabilities BH331 says the image needs. */
  needs: string[];
}

/** "  # rehearsed for 10 s": said beside every value a rehearsal of the image proved. */
function rehearsedNote(image: ImageFacts | undefined): string {
  return image?.rehearsed ? `  # rehearsed for ${formatDuration(image.rehearsed.durationMs)}` : '';
}

/** The UID to run as: the one a rehearsal ran it as, else the image's own, else left to the user. */
function runAsUid(image: ImageFacts | undefined): string | undefined {
  const rehearsed = image?.rehearsed && !isRootUser(image.rehearsed.user) ? numericUid(image.rehearsed.user) : undefined;
  return rehearsed ?? (image && !isRootUser(image.user) ? numericUid(image.user) : undefined);
}

function uidLine(image: ImageFacts | undefined, indent: string, key: string): string {
  const uid = runAsUid(image);
  return uid ? `${indent}${key}: ${uid}${rehearsedNote(image)}` : `${indent}# ${key}: <a non-root UID the image owns its files for>`;
}

function keptAdds(c: ContainerRun, needs: readonly string[], image?: ImageFacts): string[] {
  return [
    ...new Set([
      ...c.capAdd.map((cap) => cap.value).filter((cap) => cap === 'NET_BIND_SERVICE'),
      ...needs,
      ...(image?.rehearsed?.capabilities ?? []),
    ]),
  ];
}

/** The read-only line: where a rehearsal showed it must write, or the usual hint. */
function readOnlyLine(image: ImageFacts | undefined, indent: string): string {
  const rehearsed = image?.rehearsed;
  if (!rehearsed) return `${indent}readOnlyRootFilesystem: true  # mount an emptyDir where it writes (often /tmp)`;
  if (!rehearsed.readOnly)
    return `${indent}# readOnlyRootFilesystem: true did not start in the rehearsal (BH401): it changes files of the image`;
  return `${indent}readOnlyRootFilesystem: true  # rehearsed for ${formatDuration(rehearsed.durationMs)} with an emptyDir on ${rehearsed.volumes.join(', ')}`;
}

function kubernetesContainer(fix: ContainerFix, image: ImageFacts | undefined, indent: string): string[] {
  const { container: c, rules } = fix;
  const lines = [`${indent}- name: ${c.name}`, `${indent}  securityContext:`];
  const sc = `${indent}    `;
  if (rules.has('BH301')) lines.push(`${sc}privileged: false`);
  if (rules.has('BH302') || rules.has('BH301')) lines.push(`${sc}allowPrivilegeEscalation: false`);
  if (rules.has('BH305')) lines.push(readOnlyLine(image, sc));
  // A container-level runAsUser: 0 or seccomp Unconfined overrides whatever the pod sets.
  if (rules.has('BH330') || (rules.has('BH304') && c.runAsUser?.value === '0')) lines.push(uidLine(image, sc, 'runAsUser'));
  if (rules.has('BH308') && c.seccomp?.value === 'Unconfined') lines.push(`${sc}seccompProfile:`, `${sc}  type: RuntimeDefault`);
  if (rules.has('BH306') || rules.has('BH307') || rules.has('BH331')) {
    const adds = keptAdds(c, fix.needs, image);
    lines.push(`${sc}capabilities:`, `${sc}  drop: [ALL]`, ...(adds.length > 0 ? [`${sc}  add: [${adds.join(', ')}]`] : []));
  }
  if (rules.has('BH309')) lines.push(`${sc}appArmorProfile:`, `${sc}  type: RuntimeDefault  # and remove seLinuxOptions`);
  return lines;
}

function kubernetesFragment(
  workload: Workload,
  fixes: ContainerFix[],
  podRules: Set<string>,
  imageOf: (c: ContainerRun) => ImageFacts | undefined,
): string {
  const path = POD_SPEC_PATH[workload.kind] ?? ['spec', 'template', 'spec'];
  const lines: string[] = [];
  path.forEach((key, depth) => lines.push(`${'  '.repeat(depth)}${key}:`));
  const indent = '  '.repeat(path.length);
  if (podRules.has('BH303')) for (const ns of workload.hostNamespaces) lines.push(`${indent}${ns.field}: false`);
  if (podRules.has('BH313')) lines.push(`${indent}automountServiceAccountToken: false`);
  if (podRules.has('BH310'))
    for (const mount of workload.hostMounts)
      lines.push(`${indent}# volumes: replace the hostPath volume ${mount.volume ?? ''} (${mount.hostPath}) with an emptyDir or a PVC`);
  const runAsRoot = fixes.some((f) => f.rules.has('BH304'));
  if (runAsRoot || podRules.has('BH308')) {
    lines.push(`${indent}securityContext:`);
    if (runAsRoot) {
      lines.push(`${indent}  runAsNonRoot: true`);
      lines.push(uidLine(fixes.map((f) => imageOf(f.container)).find(Boolean), `${indent}  `, 'runAsUser'));
    }
    if (podRules.has('BH308')) lines.push(`${indent}  seccompProfile:`, `${indent}    type: RuntimeDefault`);
  }
  for (const [list, role] of [
    ['initContainers', 'init'],
    ['containers', 'container'],
  ] as const) {
    const own = fixes.filter(
      (f) =>
        f.container.role === role &&
        [...f.rules].some(
          (r) => (r !== 'BH304' && r !== 'BH308') || f.container.runAsUser?.value === '0' || f.container.seccomp?.value === 'Unconfined',
        ),
    );
    if (own.length === 0) continue;
    lines.push(`${indent}${list}:`);
    for (const fix of own) lines.push(...kubernetesContainer(fix, imageOf(fix.container), `${indent}  `));
  }
  return lines.join('\n');
}

function composeFragment(workload: Workload, fix: ContainerFix, image: ImageFacts | undefined, podRules: Set<string>): string {
  const { container: c, rules } = fix;
  const lines = ['services:', `  ${workload.name}:`];
  const f = '    ';
  if (rules.has('BH304')) {
    const uid = runAsUid(image);
    lines.push(uid ? `${f}user: "${uid}"${rehearsedNote(image)}` : `${f}# user: "<a non-root UID the image owns its files for>"`);
  }
  if (rules.has('BH301')) lines.push(`${f}privileged: false`);
  if (rules.has('BH305')) {
    const rehearsed = image?.rehearsed;
    if (rehearsed && !rehearsed.readOnly)
      lines.push(`${f}# read_only: true did not start in the rehearsal (BH401): it changes files of the image`);
    else if (rehearsed) {
      // Docker gives a tmpfs over an existing directory that directory's mode: owned by the user, it can write there.
      const uid = runAsUid(image);
      const mounts = rehearsed.volumes.map((v) => (uid ? `"${v}:uid=${uid}"` : v));
      lines.push(`${f}read_only: true`, `${f}tmpfs: [${mounts.join(', ')}]${rehearsedNote(image)}`);
    } else lines.push(`${f}read_only: true`, `${f}tmpfs: [/tmp]  # and any other path it writes`);
  }
  if (rules.has('BH306') || rules.has('BH307') || rules.has('BH331')) {
    const adds = keptAdds(c, fix.needs, image);
    lines.push(`${f}cap_drop: [ALL]`, ...(adds.length > 0 ? [`${f}cap_add: [${adds.join(', ')}]`] : []));
  }
  if (rules.has('BH302') || rules.has('BH308') || rules.has('BH309')) {
    lines.push(`${f}security_opt:`, `${f}  - no-new-privileges:true  # and remove any *=unconfined or label=disable`);
  }
  if (podRules.has('BH303')) lines.push(`${f}# remove: ${workload.hostNamespaces.map((n) => n.field).join(', ')}`);
  if (podRules.has('BH310'))
    for (const mount of workload.hostMounts)
      lines.push(`${f}# volumes: replace the bind mount of ${mount.hostPath} with a named volume, or add :ro`);
  return lines.join('\n');
}

/** The fragment for one workload, or undefined when none of its findings is a setting to change. */
export function suggestFix(
  workload: Workload,
  hits: readonly RuleHit[],
  imageOf: (c: ContainerRun) => ImageFacts | undefined,
): string | undefined {
  const fixable = hits.filter((h) => FIXABLE.has(h.ruleId));
  if (fixable.length === 0) return undefined;
  const podRules = new Set(fixable.filter((h) => h.container === undefined || h.ruleId === 'BH308').map((h) => h.ruleId));
  const fixes: ContainerFix[] = workload.containers.flatMap((container) => {
    const own = fixable.filter((h) => h.container === container.name);
    if (own.length === 0) return [];
    const needs = own.flatMap((h) => h.needs ?? []);
    return [{ container, rules: new Set(own.map((h) => h.ruleId)), needs }];
  });
  if (workload.platform === 'compose') {
    const fix = fixes[0] ?? { container: workload.containers[0] as ContainerRun, rules: new Set<string>(), needs: [] };
    return composeFragment(workload, fix, imageOf(fix.container), podRules);
  }
  return kubernetesFragment(workload, fixes, podRules, imageOf);
}
