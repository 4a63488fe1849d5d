import { formatDuration } from '../../util/logger.js';
import {
  DEFAULT_CAPABILITIES,
  RESTRICTIONS,
  SUBSTITUTE_USER,
  describeProfile,
  hardenedProfile,
  without,
  withRestriction,
  type Profile,
  type Restriction,
} from './profile.js';
import { writtenPaths, type Change, type WrittenPaths } from './changes.js';

/**
 * The rehearsal's reasoning, apart from the engine: which runs to make, in which order, and what
 * their outcomes mean. Pure but for the probe it is given (engine.ts in a scan, a simulated image
 * in the tests), so every branch is tested without Docker.
 */

export type Outcome = 'ready' | 'up' | 'completed' | 'exited' | 'oom' | 'not-ready' | 'create-failed';

/** What one run showed. */
export interface Observation {
  outcome: Outcome;
  exitCode?: number;
  /** From start until it exited, became ready, or was observed at the end of the wait. */
  elapsedMs: number;
  /** Processes at the end of the run, as the engine lists them. */
  processes: readonly { pid: number; uid: string; command: string }[];
  /** uid of PID 1 inside the container, when it could be read. */
  pid1Uid?: number;
  /** PID 1's effective capabilities (decoded CapEff), when they could be read. */
  capabilities?: readonly string[];
  changes: readonly Change[];
  /** The last log lines, secrets masked. */
  logTail: readonly string[];
  /** Why the container could not be created or started. */
  error?: string;
}

export interface ProbeRequest {
  profile: Profile;
  /** How long to wait for ready (or, without a ready condition, how long it must stay up). */
  waitMs: number;
}

export type Probe = (request: ProbeRequest) => Promise<Observation>;

export interface RehearsalSubject {
  /** The image's USER ('' when none). */
  imageUser: string;
  /** Whether the image's user is root (then the hardened run substitutes SUBSTITUTE_USER). */
  imageUserIsRoot: boolean;
  /** Image VOLUMEs, mounted as tmpfs in every run. */
  volumes: readonly string[];
  durationMs: number;
}

export interface RunRecord {
  /** What the run was for. */
  purpose: string;
  profile: string;
  outcome: Outcome;
  exitCode?: number;
  elapsedMs: number;
}

export interface Rehearsal {
  durationMs: number;
  /** Who the hardened profile ran as, and whether that replaced a root USER. */
  user: string;
  userSubstituted: boolean;
  /**
   * `hardened`: it ran under the hardened profile. `explained`: it did not, and the looser runs
   * found what breaks it. `fails-anyway`: it fails with every restriction lifted, so the hardening
   * is not the cause. `incomplete`: the time budget ran out before an answer.
   */
  verdict: 'hardened' | 'explained' | 'fails-anyway' | 'incomplete';
  /** How the hardened run ended. */
  hardened: Observation;
  /** Restrictions that break it (read-only included when volumes do not make it start). */
  breaks: Restriction[];
  /** Capabilities it needs, when dropping them breaks it (several when no single half sufficed). */
  capabilities: string[];
  /** Writes a writable-root run made outside /tmp and the image's VOLUMEs. */
  written: WrittenPaths;
  /** What the read-only root needs: nothing more, the written directories on tmpfs, or to be writable. */
  readOnly: ReadOnlyNeed;
  /** The profile the answer suggests: the hardened one, or the one with what breaks it lifted (verified or not). */
  proposed: Profile;
  /** The profile it really ran under for the whole duration, when one was found and run. */
  verified?: { profile: Profile; description: string; observation: Observation };
  /** PID 1 stays uid 0 when the image starts as its own (root) user: assessed for root images. */
  staysRoot?: boolean;
  runs: RunRecord[];
  /** What the reader should know besides the findings. */
  notes: string[];
}

/** What the read-only root needs: nothing, the written directories on tmpfs, or to be writable. */
export type ReadOnlyNeed = 'fine' | 'with-volumes' | 'writable';

export function succeeded(observation: Observation): boolean {
  return observation.outcome === 'ready' || observation.outcome === 'up' || observation.outcome === 'completed';
}

/** How long a looser run must last to count as "it starts": past the point where the hardened run died. */
function probeWait(hardened: Observation, durationMs: number): number {
  if (hardened.outcome === 'not-ready' || hardened.outcome === 'up') return durationMs;
  return Math.min(durationMs, Math.max(1500, 3 * hardened.elapsedMs, hardened.elapsedMs + 1000));
}

export function describeOutcome(observation: Observation, durationMs: number): string {
  switch (observation.outcome) {
    case 'ready':
      return `became ready after ${formatDuration(observation.elapsedMs)}`;
    case 'up':
      return `ran for ${formatDuration(observation.elapsedMs)}`;
    case 'completed':
      return `ran to completion (exit 0) after ${formatDuration(observation.elapsedMs)}`;
    case 'exited':
      return `exited with ${observation.exitCode ?? 'an unknown code'} after ${formatDuration(observation.elapsedMs)}`;
    case 'oom':
      return `was killed for memory after ${formatDuration(observation.elapsedMs)} (limit 512 MiB)`;
    case 'not-ready':
      return `was still not ready after ${formatDuration(durationMs)}`;
    case 'create-failed':
      return `could not be started (${observation.error ?? 'the engine refused it'})`;
  }
}

interface Clock {
  now(): number;
}

/** One rehearsal in progress: its budget, its runs so far, and how it names users. */
class Session {
  readonly runs: RunRecord[] = [];
  readonly notes: string[] = [];
  readonly user: string;
  readonly applicable: Restriction[];
  readonly hardenedProfile: Profile;
  private readonly deadline: number;

  constructor(
    readonly subject: RehearsalSubject,
    private readonly probe: Probe,
    private readonly clock: Clock,
  ) {
    this.deadline = clock.now() + 4 * subject.durationMs;
    this.user = subject.imageUserIsRoot ? SUBSTITUTE_USER : subject.imageUser || SUBSTITUTE_USER;
    this.applicable = RESTRICTIONS.filter((r) => r !== 'non-root' || subject.imageUserIsRoot);
    this.hardenedProfile = hardenedProfile(this.applicable);
  }

  remaining(): number {
    return this.deadline - this.clock.now();
  }

  /** Enough time left for a run that must last `waitMs` (plus a second of engine work). */
  affords(waitMs: number): boolean {
    return this.remaining() >= Math.min(waitMs, this.subject.durationMs) + 1000;
  }

  describe(profile: Profile): string {
    return describeProfile(profile, profile.restricted.has('non-root') ? this.user : this.subject.imageUser || 'root');
  }

  async run(purpose: string, profile: Profile, waitMs: number): Promise<Observation> {
    const observation = await this.probe({ profile, waitMs: Math.max(0, Math.min(waitMs, this.remaining())) });
    this.runs.push({
      purpose,
      profile: this.describe(profile),
      outcome: observation.outcome,
      ...(observation.exitCode !== undefined ? { exitCode: observation.exitCode } : {}),
      elapsedMs: observation.elapsedMs,
    });
    return observation;
  }

  /** BH403's question, for root images: started as itself, does it give up root? */
  async staysRoot(seen?: { profile: Profile; observation: Observation }): Promise<{ staysRoot: boolean } | Record<string, never>> {
    if (!this.subject.imageUserIsRoot) return {};
    // A run as its own user that started already answers it.
    if (seen && !seen.profile.restricted.has('non-root') && succeeded(seen.observation) && seen.observation.pid1Uid !== undefined) {
      return { staysRoot: seen.observation.pid1Uid === 0 };
    }
    if (!this.affords(3000)) return {};
    const loosest = RESTRICTIONS.reduce<Profile>((p, r) => without(p, r), this.hardenedProfile);
    const own = await this.run('as its own user', loosest, Math.min(this.subject.durationMs, 3000));
    return succeeded(own) && own.pid1Uid !== undefined ? { staysRoot: own.pid1Uid === 0 } : {};
  }
}

const NO_WRITES: WrittenPaths = { volumes: [], files: [], unmountable: [] };

/**
 * Lifts restrictions one at a time, read-only first (its changes tell what to mount), until it
 * starts. The cumulative profiles do not depend on each other, so they run at once: the first
 * that starts, in order, is the answer; the time is that of one run.
 */
async function liftUntilStarts(session: Session, wait: number) {
  const steps: { lifted: Restriction[]; profile: Profile }[] = [];
  let profile = session.hardenedProfile;
  for (const restriction of session.applicable) {
    profile = without(profile, restriction);
    steps.push({ lifted: [...(steps.at(-1)?.lifted ?? []), restriction], profile });
  }
  if (!session.affords(wait)) return { lifted: [] as Restriction[], profile: session.hardenedProfile, last: undefined, written: NO_WRITES };
  const observations = await Promise.all(steps.map((step) => session.run(`without ${step.lifted.join(', ')}`, step.profile, wait)));
  const first = observations.findIndex(succeeded);
  const index = first < 0 ? steps.length - 1 : first;
  const step = steps[index] as (typeof steps)[number];
  const last = observations[index];
  const written = last ? writtenPaths(last.changes, session.subject.volumes) : NO_WRITES;
  return { lifted: step.lifted, profile: step.profile, last, written };
}

/**
 * The last restriction lifted breaks it; of the earlier ones, keeps those whose return breaks it
 * again. The read-only root comes back with the written directories on tmpfs.
 */
async function keepNeeded(session: Session, lifted: readonly Restriction[], starting: Profile, written: WrittenPaths, wait: number) {
  const last = lifted[lifted.length - 1] as Restriction;
  const breaks = new Set<Restriction>([last]);
  let readOnly: ReadOnlyNeed = last === 'read-only' ? (written.volumes.length > 0 ? 'with-volumes' : 'writable') : 'fine';
  const checks = await Promise.all(
    lifted.slice(0, -1).map(async (restriction) => {
      if (!session.affords(wait)) return { restriction, needed: true, unknown: true };
      const profile =
        restriction === 'read-only'
          ? { ...withRestriction(starting, 'read-only'), volumes: written.volumes }
          : withRestriction(starting, restriction);
      const again = await session.run(`with ${restriction} again`, profile, wait);
      return { restriction, needed: !succeeded(again), unknown: false };
    }),
  );
  for (const check of checks) {
    if (check.unknown)
      session.notes.push(`There was no time left to tell whether ${check.restriction} matters too; it is counted as breaking it.`);
    if (check.restriction === 'read-only') {
      readOnly = check.needed ? 'writable' : written.volumes.length > 0 ? 'with-volumes' : 'fine';
      if (readOnly !== 'fine') breaks.add('read-only');
    } else if (check.needed) breaks.add(check.restriction);
  }
  return { breaks, readOnly };
}

/** Which capability: Docker's default set in quarters, run at once, narrowed to the quarter that starts. */
async function narrowCapabilities(session: Session, starting: Profile, wait: number): Promise<string[]> {
  let candidates: string[] = [...DEFAULT_CAPABILITIES];
  const withCaps = (caps: string[]): Profile => ({ ...starting, capabilities: caps });
  while (candidates.length > 1 && session.affords(wait)) {
    const size = Math.ceil(candidates.length / 4);
    const groups: string[][] = [];
    for (let i = 0; i < candidates.length; i += size) groups.push(candidates.slice(i, i + size));
    const observations = await Promise.all(groups.map((group) => session.run(`only ${group.join(', ')}`, withCaps(group), wait)));
    const found = observations.findIndex(succeeded);
    if (found < 0) break;
    candidates = groups[found] as string[];
  }
  if (candidates.length > 1) session.notes.push(`No single capability was enough: it needs some of ${candidates.join(', ')}.`);
  return candidates;
}

/** The hardened profile with only what breaks it lifted, the needed capabilities kept, writes on tmpfs. */
function resultingProfile(
  hardened: Profile,
  breaks: ReadonlySet<Restriction>,
  readOnly: ReadOnlyNeed,
  capabilities: string[],
  written: WrittenPaths,
): Profile {
  let profile = hardened;
  for (const restriction of breaks) {
    if (restriction !== 'read-only' || readOnly === 'writable') profile = without(profile, restriction);
  }
  if (breaks.has('capabilities')) profile = { ...profile, capabilities };
  if (readOnly === 'with-volumes') profile = { ...profile, volumes: written.volumes };
  return profile;
}

/**
 * Rehearses one image: the hardened run; if it fails, a writable-root run (its changes become
 * suggested volumes), then restrictions lifted one at a time until it starts, the ones lifted on
 * the way put back one by one to keep only those that matter, the capability it needs narrowed by
 * halves, and a last full run under the profile that results. Everything stays within 4 times the
 * duration; past that the answer is `incomplete`, never a guess.
 */
export async function rehearse(subject: RehearsalSubject, probe: Probe, clock: Clock = { now: () => Date.now() }): Promise<Rehearsal> {
  const session = new Session(subject, probe, clock);
  const hardened = await session.run('hardened', session.hardenedProfile, subject.durationMs);
  const base = {
    proposed: session.hardenedProfile,
    durationMs: subject.durationMs,
    user: session.user,
    userSubstituted: subject.imageUserIsRoot,
    hardened,
    runs: session.runs,
    notes: session.notes,
    breaks: [] as Restriction[],
    capabilities: [] as string[],
    written: NO_WRITES,
    readOnly: 'fine' as ReadOnlyNeed,
  };
  if (succeeded(hardened)) {
    const verified = { profile: session.hardenedProfile, description: session.describe(session.hardenedProfile), observation: hardened };
    return { ...base, verdict: 'hardened', verified, ...(await session.staysRoot()) };
  }
  if (hardened.outcome === 'oom') {
    session.notes.push(
      'It was killed at the memory limit of the rehearsal (512 MiB); that limit is not lifted, so nothing else was tried.',
    );
    return { ...base, verdict: 'incomplete' };
  }
  const wait = probeWait(hardened, subject.durationMs);
  const { lifted, profile: starting, last, written } = await liftUntilStarts(session, wait);
  if (!last || !succeeded(last)) {
    const allLifted = lifted.length === session.applicable.length;
    session.notes.push(
      allLifted && last
        ? `It ${describeOutcome(last, wait)} even with every restriction lifted (${session.describe(starting)}): the hardening is not what stops it. Check rehearse-command and rehearse-env.`
        : 'The rehearsal ran out of time (4 times its duration) before it found what stops the image.',
    );
    return { ...base, verdict: allLifted ? 'fails-anyway' : 'incomplete', written };
  }
  const { breaks, readOnly } = await keepNeeded(session, lifted, starting, written, wait);
  const capabilities = breaks.has('capabilities') ? await narrowCapabilities(session, starting, wait) : [];
  const proposed = resultingProfile(session.hardenedProfile, breaks, readOnly, capabilities, written);
  const explained = {
    ...base,
    proposed,
    verdict: 'explained' as const,
    breaks: session.applicable.filter((r) => breaks.has(r)),
    capabilities,
    written,
    readOnly,
  };
  if (!session.affords(subject.durationMs)) {
    session.notes.push('There was no time left to run the resulting profile for the whole duration; it is shown unverified.');
    return { ...explained, ...(await session.staysRoot({ profile: starting, observation: last })) };
  }
  const final = await session.run('the resulting profile', proposed, subject.durationMs);
  const root = await session.staysRoot(
    !proposed.restricted.has('non-root') ? { profile: proposed, observation: final } : { profile: starting, observation: last },
  );
  if (!succeeded(final)) {
    session.notes.push(
      `Under the resulting profile (${session.describe(proposed)}) it ${describeOutcome(final, subject.durationMs)}: the lifted restrictions interact, so the profile is shown unverified.`,
    );
    return { ...explained, ...root };
  }
  return { ...explained, verified: { profile: proposed, description: session.describe(proposed), observation: final }, ...root };
}
