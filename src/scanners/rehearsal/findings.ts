import type { Finding } from '../../model/finding.js';
import type { RehearsalSummary } from '../../model/rehearsal.js';
import { formatDuration } from '../../util/logger.js';
import { isRootUser, numericUid } from '../../workloads/imageFacts.js';
import { builtinFinding, listSome, settingStep, type ImageSubject } from '../builtin/finding.js';
import { describeOutcome, succeeded, type Rehearsal } from './explain.js';
import { RESTRICTION_LABEL, type Profile } from './profile.js';

/** BH401–BH404 from a rehearsal, and the fragments it ran under. Pure. */

/** The history step that set the command the rehearsal ran: where BH401, BH402 and BH404 point. */
function commandStep(subject: Pick<ImageSubject, 'model'>): { historyStep: number } | Record<string, never> {
  const cmd = settingStep(subject, 'CMD', () => true);
  return 'historyStep' in cmd ? cmd : settingStep(subject, 'ENTRYPOINT', () => true);
}

export function rehearsalFindings(rehearsal: Rehearsal, subject: Pick<ImageSubject, 'input' | 'key' | 'model'>): Finding[] {
  const findings: Finding[] = [];
  const at = commandStep(subject);
  const ran = rehearsal.verified
    ? ` It ran for ${formatDuration(rehearsal.verified.observation.elapsedMs)} as ${rehearsal.verified.description}.`
    : '';
  if (!succeeded(rehearsal.hardened) && rehearsal.verdict === 'explained') {
    const breaks = rehearsal.breaks.map((r) =>
      r === 'read-only' && rehearsal.readOnly === 'with-volumes'
        ? `${RESTRICTION_LABEL[r]} without volumes on ${listSome(rehearsal.written.volumes)}`
        : r === 'capabilities' && rehearsal.capabilities.length > 0
          ? `${RESTRICTION_LABEL[r]} (it needs ${rehearsal.capabilities.join(' or ')})`
          : RESTRICTION_LABEL[r],
    );
    findings.push(
      builtinFinding('BH401', subject, {
        message: `Under the hardened profile it ${describeOutcome(rehearsal.hardened, rehearsal.durationMs)}; what breaks it: ${breaks.join('; ')}.${ran}`,
        subject: 'rehearsal',
        ...at,
      }),
    );
  }
  if (rehearsal.written.files.length > 0) {
    findings.push(
      builtinFinding('BH402', subject, {
        message: `With a writable root it wrote outside /tmp and its VOLUMEs: ${listSome(rehearsal.written.files)}${rehearsal.written.volumes.length > 0 ? `; mount ${listSome(rehearsal.written.volumes)} as emptyDir (Kubernetes) or tmpfs (Compose)` : ''}${rehearsal.written.unmountable.length > 0 ? `; it also changed image files no volume can take: ${listSome(rehearsal.written.unmountable)}` : ''}.`,
        subject: 'rehearsal-writes',
        ...at,
      }),
    );
  }
  if (rehearsal.staysRoot) {
    findings.push(
      builtinFinding('BH403', subject, {
        message: `Started as its own user (root), its main process was still uid 0 after ${formatDuration(Math.min(rehearsal.durationMs, 3000))}: it never drops root.${rehearsal.verdict === 'hardened' ? ` It does run as uid ${rehearsal.user.split(':')[0]}: add USER ${rehearsal.user} to the image.` : ''}`,
        subject: 'rehearsal-root',
        ...settingStep(subject, 'USER', () => true),
      }),
    );
  }
  const capabilities = [
    ...(rehearsal.breaks.includes('capabilities') ? rehearsal.capabilities : []),
    ...(rehearsal.breaks.includes('privileged-ports') ? ['NET_BIND_SERVICE'] : []),
  ];
  for (const capability of new Set(capabilities)) {
    const ports = capability === 'NET_BIND_SERVICE' && rehearsal.breaks.includes('privileged-ports');
    findings.push(
      builtinFinding('BH404', subject, {
        message: ports
          ? 'It binds a port below 1024: it starts only where that is allowed (NET_BIND_SERVICE, or the sysctl net.ipv4.ip_unprivileged_port_start=0). Listen on a port above 1024 instead.'
          : `It starts only with ${capability} kept${rehearsal.capabilities.length > 1 ? ` (one of ${rehearsal.capabilities.join(', ')})` : ''}: drop all the others.`,
        subject: `capability:${capability}`,
        ...at,
      }),
    );
  }
  return findings;
}

function yamlList(items: readonly string[]): string {
  return `[${items.join(', ')}]`;
}

/** "var-cache" for /var/cache: a volume name Kubernetes accepts (DNS label). */
function volumeName(path: string): string {
  const name = path
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return name || 'root';
}

/**
 * The container securityContext (with its volumes) and the Compose service fields of a profile.
 * YAML written by hand: a few fixed keys, values that are paths and capability names only.
 */
export function profileFragments(
  profile: Profile,
  settings: { user: string; imageUser: string; imageVolumes: readonly string[]; image: string },
): { kubernetes: string; compose: string } {
  const runsAs = profile.restricted.has('non-root') ? settings.user : settings.imageUser;
  const root = isRootUser(runsAs);
  const uid = numericUid(runsAs);
  const gid = numericUid(runsAs.split(':')[1] ?? '');
  const mounts = [...new Set(['/tmp', ...settings.imageVolumes, ...profile.volumes])];
  const drop = profile.restricted.has('capabilities') || profile.capabilities !== undefined;
  const add = profile.restricted.has('capabilities') ? [] : (profile.capabilities ?? []);
  const k8s = ['securityContext:'];
  if (!root) k8s.push('  runAsNonRoot: true');
  if (uid && !root) k8s.push(`  runAsUser: ${uid}`);
  else if (!root) k8s.push(`  # runAsUser: the numeric uid of ${runsAs} (runAsNonRoot cannot check a name)`);
  else k8s.push('  # it needs to start as root (BH401)');
  if (gid && !root) k8s.push(`  runAsGroup: ${gid}`);
  k8s.push(`  readOnlyRootFilesystem: ${profile.restricted.has('read-only')}`);
  k8s.push(`  allowPrivilegeEscalation: ${!profile.restricted.has('no-new-privileges')}`);
  if (drop) k8s.push('  capabilities:', '    drop: [ALL]', ...(add.length > 0 ? [`    add: ${yamlList(add)}`] : []));
  k8s.push('  seccompProfile:', '    type: RuntimeDefault');
  k8s.push('volumeMounts:', ...mounts.flatMap((m) => [`  - name: ${volumeName(m)}`, `    mountPath: ${m}`]));
  k8s.push('# and in the pod spec:', 'volumes:', ...mounts.flatMap((m) => [`  - name: ${volumeName(m)}`, '    emptyDir: {}']));
  if (!profile.restricted.has('privileged-ports')) {
    k8s.push(
      '# and in the pod securityContext:',
      'securityContext:',
      '  sysctls:',
      '    - name: net.ipv4.ip_unprivileged_port_start',
      '      value: "0"',
    );
  }
  const compose = ['services:', '  app:', `    image: ${settings.image}`];
  if (runsAs !== '') compose.push(`    user: "${runsAs}"`);
  if (profile.restricted.has('read-only')) compose.push('    read_only: true');
  if (drop) compose.push('    cap_drop: [ALL]', ...(add.length > 0 ? [`    cap_add: ${yamlList(add)}`] : []));
  if (profile.restricted.has('no-new-privileges')) compose.push('    security_opt: ["no-new-privileges:true"]');
  // Docker gives a tmpfs over an existing directory that directory's mode: owned by the user, it is writable to it.
  const owner = uid && !root ? `:uid=${uid}${gid ? `,gid=${gid}` : ''}` : '';
  compose.push(`    tmpfs: ${yamlList(mounts.map((m) => `"${m}${owner}"`))}`);
  if (!profile.restricted.has('privileged-ports')) compose.push('    sysctls:', '      net.ipv4.ip_unprivileged_port_start: 0');
  compose.push('    network_mode: none  # as rehearsed; give it the networks it needs');
  return { kubernetes: k8s.join('\n'), compose: compose.join('\n') };
}

/** The report's record of a rehearsal. */
export function summarizeRehearsal(
  rehearsal: Rehearsal,
  fragments: { kubernetes: string; compose: string; verified: boolean },
  elapsedMs: number,
  imageUser: string,
): RehearsalSummary {
  const verified = rehearsal.verified;
  return {
    durationMs: rehearsal.durationMs,
    verdict: rehearsal.verdict,
    user: rehearsal.user,
    userSubstituted: rehearsal.userSubstituted,
    hardened: describeOutcome(rehearsal.hardened, rehearsal.durationMs),
    breaks: rehearsal.breaks.map((r) => RESTRICTION_LABEL[r]),
    capabilities: rehearsal.capabilities,
    volumes: rehearsal.written.volumes,
    written: rehearsal.written.files,
    unmountable: rehearsal.written.unmountable,
    ...(verified
      ? {
          verified: {
            profile: verified.description,
            user: verified.profile.restricted.has('non-root') ? rehearsal.user : imageUser,
            readOnly: verified.profile.restricted.has('read-only'),
            keptCapabilities: verified.profile.restricted.has('capabilities') ? [] : [...(verified.profile.capabilities ?? [])],
            outcome: describeOutcome(verified.observation, rehearsal.durationMs),
            ...(verified.observation.capabilities ? { capabilities: [...verified.observation.capabilities] } : {}),
            processes: verified.observation.processes.slice(0, 20).map((p) => ({ ...p })),
          },
        }
      : {}),
    ...(rehearsal.staysRoot !== undefined ? { staysRoot: rehearsal.staysRoot } : {}),
    fragments,
    logTail: succeeded(rehearsal.hardened) ? [] : [...rehearsal.hardened.logTail],
    runs: rehearsal.runs.map((r) => ({ ...r })),
    notes: [...rehearsal.notes],
    elapsedMs,
  };
}
