import { createHash } from 'node:crypto';
import { dependencyKey, packageKey, type PackageInventory } from '../model/packages.js';
import { BULKHEAD_VERSION } from '../model/version.js';
import type { GitHubClient } from './client.js';
import type { Repository } from './codeScanning.js';

/** One image of the snapshot: its packages, and the Dockerfile it was built from when known. */
export interface SnapshotImage {
  inventory: PackageInventory;
  dockerfile?: string;
}

export interface SnapshotContext {
  sha: string;
  ref: string;
  /** Snapshots with the same correlator replace each other: one per workflow, job and image set. */
  correlator: string;
  runId: string;
  runUrl?: string;
  scanned: Date;
}

interface ResolvedDependency {
  package_url: string;
  relationship: 'direct' | 'indirect';
  scope: 'runtime';
  dependencies: string[];
}

export interface DependencySnapshot {
  version: 0;
  sha: string;
  ref: string;
  job: { correlator: string; id: string; html_url?: string };
  detector: { name: string; version: string; url: string };
  scanned: string;
  manifests: Record<string, { name: string; file?: { source_location: string }; resolved: Record<string, ResolvedDependency> }>;
}

/** The correlator of this job's snapshots: workflow, job, category and the images it scans. */
export function snapshotCorrelator(workflow: string, job: string, category: string, imageKeys: readonly string[]): string {
  const images = createHash('sha256')
    .update([...imageKeys].sort().join('\n'))
    .digest('hex')
    .slice(0, 12);
  return `${workflow}/${job}/${category}/${images}`;
}

/**
 * The dependency submission API's snapshot for the scanned images: one manifest per image, its
 * packages keyed by purl (the dependency graph knows packages by purl only; those without one are
 * counted and left out), Trivy's DependsOn as each package's dependencies, and a package that
 * nothing depends on marked direct.
 */
export function dependencySnapshot(
  images: readonly SnapshotImage[],
  context: SnapshotContext,
): { snapshot: DependencySnapshot; withoutPurl: number } {
  let withoutPurl = 0;
  const manifests: DependencySnapshot['manifests'] = {};
  for (const { inventory, dockerfile } of images) {
    const purlOf = new Map<string, string>();
    for (const pkg of inventory.packages) {
      if (pkg.purl) purlOf.set(packageKey(pkg), pkg.purl);
    }
    const resolved: Record<string, ResolvedDependency> = {};
    const dependedOn = new Set<string>();
    for (const pkg of inventory.packages) {
      if (!pkg.purl) {
        withoutPurl++;
        continue;
      }
      const dependencies = [
        ...new Set(pkg.dependsOn.flatMap((id) => purlOf.get(dependencyKey(pkg, id)) ?? []).filter((p) => p !== pkg.purl)),
      ];
      dependencies.forEach((d) => dependedOn.add(d));
      const known = resolved[pkg.purl];
      resolved[pkg.purl] = {
        package_url: pkg.purl,
        relationship: 'direct',
        scope: 'runtime',
        dependencies: known ? [...new Set([...known.dependencies, ...dependencies])] : dependencies,
      };
    }
    for (const purl of dependedOn) {
      const entry = resolved[purl];
      if (entry) entry.relationship = 'indirect';
    }
    manifests[inventory.image] = { name: inventory.image, ...(dockerfile ? { file: { source_location: dockerfile } } : {}), resolved };
  }
  return {
    withoutPurl,
    snapshot: {
      version: 0,
      sha: context.sha,
      ref: context.ref,
      job: { correlator: context.correlator, id: context.runId, ...(context.runUrl ? { html_url: context.runUrl } : {}) },
      detector: { name: 'bulkhead', version: BULKHEAD_VERSION, url: 'https://www.npmjs.com/package/bulkhead' },
      scanned: context.scanned.toISOString(),
      manifests,
    },
  };
}

/** Submits the snapshot; returns what GitHub made of it (SUCCESS, ACCEPTED or INVALID, and why). */
export async function submitDependencySnapshot(
  client: GitHubClient,
  repository: Repository,
  snapshot: DependencySnapshot,
): Promise<{ id: number; result: string; message: string }> {
  const { data } = await client.rest.dependencyGraph.createRepositorySnapshot({ ...repository, ...snapshot });
  return { id: data.id, result: data.result, message: data.message };
}
