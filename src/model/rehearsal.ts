/** What a rehearsal of one image showed, as the reports show it (ScanResult.rehearsal). */
export interface RehearsalSummary {
  durationMs: number;
  /** `hardened`: it ran under the hardened profile; `explained`: what breaks it was found; `fails-anyway`: not the hardening; `incomplete`: out of time. */
  verdict: 'hardened' | 'explained' | 'fails-anyway' | 'incomplete';
  /** Who the hardened run ran as, and whether that replaced a root USER. */
  user: string;
  userSubstituted: boolean;
  /** How the hardened run ended, in words. */
  hardened: string;
  /** The restrictions that break it, in words. */
  breaks: string[];
  capabilities: string[];
  /** Suggested tmpfs/emptyDir directories, and what it wrote there. */
  volumes: string[];
  written: string[];
  /** Image files it changed or deleted (no volume takes those). */
  unmountable: string[];
  /** The profile it really ran under for the whole duration. */
  verified?: {
    profile: string;
    /** The user it ran as ('' for the image's root), whether the root stayed read-only, the capabilities kept. */
    user: string;
    readOnly: boolean;
    keptCapabilities: string[];
    outcome: string;
    /** PID 1's effective capabilities and the processes when it was observed. */
    capabilities?: string[];
    processes: { pid: number; uid: string; command: string }[];
  };
  staysRoot?: boolean;
  /** The securityContext and the Compose service it ran under (or would, when unverified). */
  fragments: { kubernetes: string; compose: string; verified: boolean };
  /** The hardened run's last log lines when it failed, secrets masked. */
  logTail: string[];
  runs: { purpose: string; profile: string; outcome: string; exitCode?: number; elapsedMs: number }[];
  notes: string[];
  elapsedMs: number;
}
