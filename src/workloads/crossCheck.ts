import { isRootUser, numericUid, type ImageFacts } from './imageFacts.js';
import type { ContainerRun, Workload } from './model.js';
import type { RuleHit } from './rules.js';

/**
 * BH330–BH332: the manifest read against the image the same run scanned. These are the settings
 * that look right in review and fail when the kubelet or the program meets the real image.
 */

function runsNonRoot(c: ContainerRun, image: ImageFacts): boolean {
  if (c.runAsUser !== undefined) return !isRootUser(c.runAsUser.value);
  return c.runAsNonRoot?.value === true || !isRootUser(image.user);
}

function nonRootImpossible(workload: Workload, c: ContainerRun, image: ImageFacts): RuleHit[] {
  if (workload.platform !== 'kubernetes' || c.runAsNonRoot?.value !== true || c.runAsUser !== undefined) return [];
  const root = isRootUser(image.user);
  if (!root && numericUid(image.user) !== undefined) return [];
  const why = root
    ? `the image ${image.reference} runs as root${image.user ? ` (USER ${image.user})` : ' (no USER)'}, so the kubelet refuses to start it ("image will run as root")`
    : `the image ${image.reference} names its user (USER ${image.user}) instead of giving a UID, so the kubelet cannot verify it and refuses to start it`;
  return [
    {
      ruleId: 'BH330',
      severity: 'high',
      line: c.runAsNonRoot.line,
      message: `Container ${c.name} of ${workload.kind} ${workload.name} sets runAsNonRoot: true with no runAsUser, but ${why}. Set \`runAsUser\` to the image's non-root UID, or make the image's last USER a number.`,
      subject: `${c.name}:nonroot-image`,
      container: c.name,
    },
  ];
}

function droppedNeeds(workload: Workload, c: ContainerRun, image: ImageFacts): RuleHit[] {
  const hits: RuleHit[] = [];
  const dropsAll = c.capDrop.find((cap) => cap.value === 'ALL');
  const added = new Set(c.capAdd.map((cap) => cap.value));
  const label =
    workload.platform === 'kubernetes' ? `Container ${c.name} of ${workload.kind} ${workload.name}` : `Service ${workload.name}`;
  for (const file of image.fileCapabilities) {
    for (const capability of file.capabilities) {
      const drop = dropsAll ?? c.capDrop.find((cap) => cap.value === capability);
      if (!drop || added.has(capability)) continue;
      hits.push({
        ruleId: 'BH331',
        severity: 'medium',
        line: drop.line,
        message: `${label} drops ${capability}, which ${file.path} in the image ${image.reference} carries as a file capability: that program fails with "operation not permitted". Add back \`${capability}\` (${workload.platform === 'kubernetes' ? 'capabilities.add' : 'cap_add'}) or remove the file capability from the image.`,
        subject: `${c.name}:cap:${capability}:${file.path}`,
        needs: capability,
        container: c.name,
      });
    }
  }
  if (workload.platform !== 'kubernetes' || !runsNonRoot(c, image) || added.has('NET_BIND_SERVICE')) return hits;
  const lowPorts = image.exposedPorts.map((p) => Number.parseInt(p, 10)).filter((p) => Number.isFinite(p) && p > 0 && p < 1024);
  const unprivilegedStart = workload.sysctls.some((s) => s.value === 'net.ipv4.ip_unprivileged_port_start');
  for (const port of lowPorts) {
    if (unprivilegedStart) break;
    hits.push({
      ruleId: 'BH331',
      severity: 'medium',
      line: c.runAsNonRoot?.line ?? c.runAsUser?.line ?? c.line,
      message: `${label} runs as non-root, but the image ${image.reference} EXPOSEs port ${port}, below 1024: binding it needs NET_BIND_SERVICE, unless the runtime lowers net.ipv4.ip_unprivileged_port_start. Listen on a port above 1024, or add \`NET_BIND_SERVICE\` and give the binary that file capability.`,
      subject: `${c.name}:port:${port}`,
      container: c.name,
    });
  }
  return hits;
}

function uncoveredVolumes(workload: Workload, c: ContainerRun, image: ImageFacts): RuleHit[] {
  if (workload.platform !== 'kubernetes' || c.readOnlyRootFilesystem?.value !== true) return [];
  const covered = (path: string) =>
    c.volumeMounts.some((m) => {
      const mount = m.mountPath.replace(/\/+$/, '') || '/';
      return path === mount || path.startsWith(`${mount === '/' ? '' : mount}/`);
    });
  return image.volumes
    .map((v) => v.replace(/\/+$/, '') || '/')
    .filter((path) => !covered(path))
    .map((path) => ({
      ruleId: 'BH332',
      severity: 'low' as const,
      line: c.readOnlyRootFilesystem?.line ?? c.line,
      message: `Container ${c.name} of ${workload.kind} ${workload.name} has a read-only root, and the image ${image.reference} declares VOLUME ${path}, which no volumeMount covers: Kubernetes does not create it, so writes there fail. Mount an emptyDir at ${path}.`,
      subject: `${c.name}:volume:${path}`,
      container: c.name,
    }));
}

export function crossCheck(workload: Workload, c: ContainerRun, image: ImageFacts): RuleHit[] {
  return [...nonRootImpossible(workload, c, image), ...droppedNeeds(workload, c, image), ...uncoveredVolumes(workload, c, image)];
}
