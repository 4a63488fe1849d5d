import type { Tool } from '../model/finding.js';
import type { ScannerErrorMode } from '../model/scanResult.js';
import type { FailOn } from '../model/severity.js';
import type { ImageTarget } from './targets.js';
import type { PodSecurityRequirement } from '../model/workload.js';

/**
 * The validated configuration, in slices: each stage takes the slice it needs. Built once by
 * parseConfig, frozen, never changed afterwards.
 */
export interface Config {
  readonly mode: 'scan' | 'merge' | 'publish';
  /** mode: merge. The report-files of earlier jobs, absolute paths. */
  readonly merge: {
    readonly reports: readonly string[];
    /** Upload one SARIF log merged from the jobs' SARIF files (merge-sarif). */
    readonly sarif: boolean;
  };
  readonly targets: TargetsConfig;
  readonly scanners: ScannersConfig;
  readonly policy: PolicyConfig;
  readonly reports: ReportsConfig;
  readonly publish: PublishConfig;
  readonly rehearsal: RehearsalConfig;
  readonly registry: RegistryConfig;
  /** Said once by each face before anything runs: deprecated inputs still read. */
  readonly warnings: readonly string[];
}

/** What to scan. Paths in it are absolute, except Dockerfiles (repo-relative, '/'-separated). */
export interface TargetsConfig {
  /** Directory that repo-relative paths are relative to (GITHUB_WORKSPACE or the CLI's cwd). */
  readonly workspace: string;
  readonly images: readonly ImageTarget[];
  readonly dockerfiles: readonly string[];
  /** Kubernetes manifests: files, or kustomize directories to render. Repo-relative. */
  readonly manifests: readonly ManifestTarget[];
  /** Compose files, repo-relative; `composeExplicit` when the user named them (not found by default). */
  readonly compose: readonly string[];
  readonly composeExplicit: boolean;
  /** os/arch[/variant] to read from multi-platform layouts. */
  readonly platform: string;
  /** Existing reports that stand in for running Trivy or hadolint. */
  readonly trivyReports: readonly string[];
  readonly hadolintReports: readonly string[];
}

export interface ScannerChoice {
  readonly version?: string;
  readonly sha256?: string;
  /** An executable to run as it is. */
  readonly path?: string;
}

export interface ScannersConfig {
  readonly tools: readonly Tool[];
  /** True when the user chose the scanners; the default set may skip what this version cannot run. */
  readonly explicit: boolean;
  readonly trivy: ScannerChoice & {
    readonly dbRepositories: readonly string[];
    readonly javaDbRepositories: readonly string[];
    /** Trivy's --scanners for images (the `trivy-scanners` input). */
    readonly scanKinds: readonly TrivyScanKind[];
    /** Trivy's --skip-dirs, --skip-files and --pkg-types. */
    readonly skipDirs: readonly string[];
    readonly skipFiles: readonly string[];
    readonly pkgTypes: readonly TrivyPkgType[];
  };
  readonly hadolint: ScannerChoice & {
    /** On macOS arm64, for versions without a build there: the x86_64 build under Rosetta 2, or no hadolint. */
    readonly darwinArm64: 'rosetta' | 'skip';
  };
  readonly releaseMirror: string;
  /** A Sigstore trusted root for release signatures (sigstore-trusted-root); the public-good one otherwise. */
  readonly trustedRootFile?: string;
  /** Keep Trivy's database in the Actions cache (trivy-cache). */
  readonly trivyCache: boolean;
  /** Time limit of each scanner run and of each image read. */
  readonly timeoutMs: number;
}

/** What Trivy's --scanners can name. */
export const TRIVY_SCAN_KINDS = ['vuln', 'secret', 'misconfig', 'license'] as const;
export type TrivyScanKind = (typeof TRIVY_SCAN_KINDS)[number];
/** What Trivy's --pkg-types can name. */
export const TRIVY_PKG_TYPES = ['os', 'library'] as const;
export type TrivyPkgType = (typeof TRIVY_PKG_TYPES)[number];

/** The names kustomize looks for in a directory. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface ManifestTarget {
  readonly kind: 'file' | 'kustomize';
  /** Repo-relative, '/'-separated: the file, or the directory holding kustomization.yaml. */
  readonly path: string;
}

/** What decides the gate besides the findings. Undefined settings fall to the policy file, then the default. */
export interface PolicyConfig {
  readonly failOn?: FailOn;
  readonly ignoreUnfixed?: boolean;
  readonly onlyNew?: boolean;
  readonly baselineFile?: string;
  readonly vexFiles: readonly string[];
  /** More Trivy ignore files (trivyignores), absolute paths. */
  readonly trivyIgnoreFiles: readonly string[];
  readonly policyFile?: string;
  readonly podSecurity?: PodSecurityRequirement;
  readonly scannerError: ScannerErrorMode;
}

/** Files written. Absolute paths. */
export type SbomFormat = 'cyclonedx' | 'spdx';

export interface ReportsConfig {
  readonly sarifFile: string;
  readonly reportFile: string;
  readonly markdownFile?: string;
  /** The image's SBOM (sbom-file, sbom-format); Trivy then lists every package. */
  readonly sbom?: { readonly file: string; readonly format: SbomFormat };
  /** Prefix of each SARIF run's code-scanning category. */
  readonly category: string;
}

/** What "it works" means in a rehearsal: a log line matches, or a command inside the container exits 0. */
export type RehearsalReady =
  { readonly kind: 'log'; readonly pattern: string } | { readonly kind: 'exec'; readonly argv: readonly string[] };

/** Running the image under least privilege on the local engine (off unless asked). */
export interface RehearsalConfig {
  readonly enabled: boolean;
  /** How long the hardened run lasts; the whole rehearsal of one image stays within 4 times this. */
  readonly durationMs: number;
  /** Replaces the image's CMD. */
  readonly command?: readonly string[];
  /** NAME=value entries. */
  readonly env: readonly string[];
  readonly ready?: RehearsalReady;
  /** Rehearse on pull requests from forks too. */
  readonly forks: boolean;
}

/** How `docker://` images are pulled: credentials given as inputs, and the hosts reached over plain HTTP. */
export interface RegistryConfig {
  readonly username?: string;
  readonly password?: string;
  /** host:port entries, lower-case, reached with http:// instead of https://. */
  readonly insecure: readonly string[];
}

export type CommentMode = 'always' | 'on-failure' | 'never';

/** What the action does on GitHub. */
export interface PublishConfig {
  readonly uploadSarif: boolean;
  /** Submit the images' packages to the dependency graph (dependency-graph). */
  readonly dependencyGraph: boolean;
  readonly comment: CommentMode;
  readonly resolvedComment: 'update' | 'delete';
  readonly annotations: boolean;
  readonly githubToken?: string;
}
