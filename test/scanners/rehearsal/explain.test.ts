import { describe, expect, it } from 'vitest';
import { rehearse, type Observation, type Probe, type RehearsalSubject } from '../../../src/scanners/rehearsal/explain.js';
import { rehearsalFindings, profileFragments } from '../../../src/scanners/rehearsal/findings.js';
import type { Profile } from '../../../src/scanners/rehearsal/profile.js';
import type { ImageModel } from '../../../src/image/read.js';

/**
 * Simulated images: a rule saying whether the image starts under a profile, and what it writes.
 * The clock advances as a real engine's would (each run costs its wait plus half a second, runs
 * started together overlap), so the time budget is tested too.
 */
interface Simulated {
  starts(profile: Profile): boolean;
  /** How long it lives when it does not start. */
  diesAfterMs?: number;
  writes?: string[];
  /** PID 1's uid when started as its own user. */
  uid?: number;
  neverReady?: boolean;
  oom?: boolean;
}

function simulate(image: Simulated) {
  let now = 0;
  const clock = { now: () => now };
  const waits: number[] = [];
  const probe: Probe = (request): Promise<Observation> => {
    waits.push(request.waitMs);
    const writable = !request.profile.restricted.has('read-only');
    const changes = writable ? (image.writes ?? []).flatMap((p) => [{ kind: 'A' as const, path: p }]) : [];
    const base = { processes: [], changes, logTail: ['mkdir: cannot create directory: Read-only file system'] };
    let observation: Observation;
    if (image.oom) observation = { ...base, outcome: 'oom', elapsedMs: 300 };
    else if (image.neverReady) observation = { ...base, outcome: 'not-ready', elapsedMs: request.waitMs };
    else if (image.starts(request.profile)) {
      const root = !request.profile.restricted.has('non-root');
      observation = {
        ...base,
        outcome: 'up',
        elapsedMs: request.waitMs,
        ...(root && image.uid !== undefined ? { pid1Uid: image.uid } : { pid1Uid: 10001 }),
      };
    } else observation = { ...base, outcome: 'exited', exitCode: 1, elapsedMs: Math.min(image.diesAfterMs ?? 50, request.waitMs) };
    // Runs started together (Promise.all) overlap: the clock moves to the end of the longest.
    const start = now;
    return Promise.resolve().then(() => {
      now = Math.max(now, start + observation.elapsedMs + 500);
      return observation;
    });
  };
  return { probe, clock, waits, elapsed: () => now };
}

const DURATION = 10_000;

function subject(overrides: Partial<RehearsalSubject> = {}): RehearsalSubject {
  return { imageUser: '10001', imageUserIsRoot: false, volumes: [], durationMs: DURATION, ...overrides };
}

const image = { input: 'app:1', key: 'app', model: { config: { history: [] }, layers: [] } as unknown as ImageModel };

const under = (dir: string, volumes: readonly string[]) => volumes.some((v) => dir === v || dir.startsWith(`${v}/`));

describe('rehearse', () => {
  it('says an image that runs under the hardened profile does, in one run, with no finding', async () => {
    const sim = simulate({ starts: () => true });
    const result = await rehearse(subject(), sim.probe, sim.clock);
    expect(result.verdict).toBe('hardened');
    expect(result.runs).toHaveLength(1);
    expect(result.verified?.description).toBe('read-only root, no capabilities, as 10001, no new privileges, no network');
    expect(rehearsalFindings(result, image)).toEqual([]);
  });

  it('finds the directories an image writes, mounts them, and verifies that it then runs read-only', async () => {
    const sim = simulate({
      writes: ['/var/cache/app', '/run/app.pid'],
      starts: (p) => !p.restricted.has('read-only') || (under('/var/cache/app', p.volumes) && under('/run/app.pid', p.volumes)),
    });
    const result = await rehearse(subject(), sim.probe, sim.clock);
    expect(result.verdict).toBe('explained');
    expect(result.breaks).toEqual(['read-only']);
    expect(result.readOnly).toBe('with-volumes');
    expect(result.written.volumes).toEqual(['/run', '/var/cache']);
    expect(result.verified?.profile.restricted.has('read-only')).toBe(true);
    expect(result.verified?.profile.volumes).toEqual(['/run', '/var/cache']);
    const findings = rehearsalFindings(result, image);
    expect(findings.map((f) => f.ruleId)).toEqual(['BH401', 'BH402']);
    expect(findings[1]?.message).toContain('/run/app.pid, /var/cache/app; mount /run, /var/cache as emptyDir');
    expect(sim.elapsed()).toBeLessThanOrEqual(4 * DURATION);
  });

  it('names CHOWN and the non-root user for a root image whose entrypoint chowns, and that it stays root', async () => {
    const sim = simulate({
      uid: 0,
      starts: (p) =>
        !p.restricted.has('non-root') &&
        !p.restricted.has('capabilities') &&
        (p.capabilities === undefined || p.capabilities.includes('CHOWN')),
    });
    const result = await rehearse(subject({ imageUser: '', imageUserIsRoot: true }), sim.probe, sim.clock);
    expect(result.verdict).toBe('explained');
    expect(result.breaks).toEqual(['capabilities', 'non-root']);
    expect(result.capabilities).toEqual(['CHOWN']);
    expect(result.staysRoot).toBe(true);
    expect(result.verified?.profile.capabilities).toEqual(['CHOWN']);
    const findings = rehearsalFindings(result, image);
    expect(findings.map((f) => f.ruleId)).toEqual(['BH401', 'BH403', 'BH404']);
    expect(findings[2]?.message).toBe('It starts only with CHOWN kept: drop all the others.');
    expect(sim.elapsed()).toBeLessThanOrEqual(4 * DURATION);
  });

  it('names NET_BIND_SERVICE for an image that binds port 80 as non-root', async () => {
    const sim = simulate({ starts: (p) => !p.restricted.has('privileged-ports') });
    const result = await rehearse(subject(), sim.probe, sim.clock);
    expect(result.breaks).toEqual(['privileged-ports']);
    const findings = rehearsalFindings(result, image);
    expect(findings.map((f) => f.ruleId)).toEqual(['BH401', 'BH404']);
    expect(findings[1]?.message).toContain('binds a port below 1024');
    const { kubernetes } = profileFragments(result.proposed, { user: '10001', imageUser: '10001', imageVolumes: [], image: 'app:1' });
    expect(kubernetes).toContain('net.ipv4.ip_unprivileged_port_start');
    expect(kubernetes).toContain('readOnlyRootFilesystem: true');
  });

  it('does not blame the hardening for an image that fails with everything lifted', async () => {
    const sim = simulate({ starts: () => false });
    const result = await rehearse(subject(), sim.probe, sim.clock);
    expect(result.verdict).toBe('fails-anyway');
    expect(rehearsalFindings(result, image)).toEqual([]);
    expect(result.notes[0]).toMatch(/even with every restriction lifted .*: the hardening is not what stops it/);
    // Each looser run waits only past the point where the hardened one died, not the whole duration.
    expect(sim.waits.slice(1).every((w) => w === 1500)).toBe(true);
  });

  it('stays within four times the duration for an image that never becomes ready', async () => {
    const sim = simulate({ starts: () => false, neverReady: true });
    const result = await rehearse(subject(), sim.probe, sim.clock);
    expect(['fails-anyway', 'incomplete']).toContain(result.verdict);
    expect(sim.elapsed()).toBeLessThanOrEqual(4 * DURATION + 500);
    expect(rehearsalFindings(result, image)).toEqual([]);
  });

  it('stops at an out-of-memory kill: the memory limit is never lifted', async () => {
    const sim = simulate({ starts: () => false, oom: true });
    const result = await rehearse(subject(), sim.probe, sim.clock);
    expect(result.verdict).toBe('incomplete');
    expect(result.runs).toHaveLength(1);
    expect(result.notes[0]).toContain('memory limit');
  });

  it('checks a root image that runs as uid 10001 for whether it stays root as itself', async () => {
    const sim = simulate({ starts: () => true, uid: 0 });
    const result = await rehearse(subject({ imageUser: 'root', imageUserIsRoot: true }), sim.probe, sim.clock);
    expect(result.verdict).toBe('hardened');
    expect(result.user).toBe('10001:10001');
    expect(result.staysRoot).toBe(true);
    const findings = rehearsalFindings(result, image);
    expect(findings.map((f) => f.ruleId)).toEqual(['BH403']);
    expect(findings[0]?.message).toContain('add USER 10001:10001 to the image');
  });
});
