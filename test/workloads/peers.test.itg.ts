import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { fixture, REPO_ROOT, tempDir } from '../helpers.js';

/**
 * The workload checks (BH3xx) against the peers users know, on the same manifests: every row of
 * docs/rules/peers.tsv is checked here. An `agree` row must flag exactly the same containers (or
 * workloads) as the peer on every fixture; a `differs` row must differ somewhere, or its
 * explanation has gone stale and the row should say agree.
 */
const TOOLS = process.env.BULKHEAD_TEST_TOOLS ?? '/var/cache/bulkhead-test/tools';
const kubeScore = join(TOOLS, 'kube-score-1.20.0', 'kube-score');
if (!existsSync(kubeScore))
  console.warn(
    `\n!!! SKIPPING the kube-score differential tests: ${kubeScore} is missing (npm run test:tools builds it from the Go module proxy)\n`,
  );
const checkov = join(TOOLS, 'checkov-3.3.30', 'bin', 'checkov');
if (!existsSync(checkov))
  console.warn(`\n!!! SKIPPING the Checkov differential tests: ${checkov} is missing (npm run test:tools installs it from PyPI)\n`);

interface PeerRow {
  rule: string;
  peer: string;
  check: string;
  relation: 'agree' | 'differs';
  why: string;
}

function peerRows(): PeerRow[] {
  const [, ...lines] = readFileSync(join(REPO_ROOT, 'docs/rules/peers.tsv'), 'utf8').trimEnd().split('\n');
  return lines.map((line) => {
    const [rule, peer, check, relation, why] = line.split('\t') as [string, string, string, PeerRow['relation'], string];
    return { rule, peer, check, relation, why };
  });
}

const yamlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .map((f) => join(dir, f));

const FIXTURES: Record<string, string[]> = {
  'risky-deployment': [fixture('workloads', 'rules', 'risky-deployment.yaml')],
  'hardened-deployment': [fixture('workloads', 'rules', 'hardened-deployment.yaml')],
  'microservices-demo': yamlFiles(fixture('workloads', 'kubernetes', 'microservices-demo', 'kubernetes-manifests')),
};

/** `Kind/namespace/name container` for each failing check of kube-score (container empty for a pod-level one). */
function kubeScoreHits(files: string[]): Map<string, Set<string>> {
  // kube-score exits 1 when a check fails: its JSON is on stdout either way.
  let out: string;
  try {
    out = execFileSync(kubeScore, ['score', '-o', 'json', ...files], { encoding: 'utf8' });
  } catch (error) {
    out = (error as { stdout: string }).stdout;
  }
  const hits = new Map<string, Set<string>>();
  const objects = JSON.parse(out) as {
    type_meta: { kind: string };
    object_meta: { name: string; namespace?: string };
    checks: { check: { id: string }; grade: number; skipped: boolean; comments: { path?: string }[] | null }[];
  }[];
  for (const o of objects) {
    const workload = `${o.type_meta.kind}/${o.object_meta.namespace || 'default'}/${o.object_meta.name}`;
    for (const c of o.checks) {
      if (c.skipped || c.grade >= 10) continue;
      const set = hits.get(c.check.id) ?? new Set<string>();
      for (const comment of c.comments ?? [{}]) set.add(`${workload} ${comment.path ?? ''}`);
      hits.set(c.check.id, set);
    }
  }
  return hits;
}

/** `Kind/namespace/name` for each failing check of Checkov (it judges a whole workload, not a container). */
function checkovHits(files: string[]): Map<string, Set<string>> {
  let out: string;
  try {
    out = execFileSync(checkov, ['--framework', 'kubernetes', '-o', 'json', '--quiet', ...files.flatMap((f) => ['-f', f])], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    out = (error as { stdout: string }).stdout;
  }
  const parsed = JSON.parse(out) as CheckovReport | CheckovReport[];
  const hits = new Map<string, Set<string>>();
  for (const part of Array.isArray(parsed) ? parsed : [parsed])
    for (const c of part.results.failed_checks) {
      const set = hits.get(c.check_id) ?? new Set<string>();
      // "Deployment.shop.risky": kind, namespace, name.
      set.add(c.resource.replace('.', '/').replace('.', '/'));
      hits.set(c.check_id, set);
    }
  return hits;
}

interface CheckovReport {
  results: { failed_checks: { check_id: string; resource: string }[] };
}

/** The same keys for bulkhead's findings, read from its report-file through the CLI. */
async function bulkheadHits(files: string[]): Promise<Map<string, Set<string>>> {
  const out = tempDir('bulkhead-peers-');
  const reportFile = join(out, 'report.json');
  const code = await runCli(
    ['scan', '--manifests', files.join('\n'), '--tools', 'bulkhead', '--report-file', reportFile, '--sarif-file', join(out, 'x.sarif')],
    { stdout: () => undefined, stderr: () => undefined, cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '' } },
  );
  expect(code).not.toBe(3);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
    decisions: { finding: { ruleId: string; message: string; workload?: string } }[];
  };
  const hits = new Map<string, Set<string>>();
  for (const { finding } of report.decisions) {
    const container = /^(?:Init container|Container|Ephemeral container) (\S+) of /.exec(finding.message)?.[1] ?? '';
    const set = hits.get(finding.ruleId) ?? new Set<string>();
    set.add(`${finding.workload ?? ''} ${container}`);
    hits.set(finding.ruleId, set);
  }
  return hits;
}

/**
 * Each row of the peer's against bulkhead on every fixture. `checks` may join several peer checks
 * with "+" (one rule of ours that the peer splits); `workloadOnly` compares workloads, not containers.
 */
async function compare(rows: PeerRow[], peerHits: (files: string[]) => Map<string, Set<string>>, workloadOnly: boolean): Promise<void> {
  const differences = new Map<string, string[]>();
  for (const [name, files] of Object.entries(FIXTURES)) {
    const ours = await bulkheadHits(files);
    const theirs = peerHits(files);
    for (const row of rows) {
      const a = [...new Set([...(ours.get(row.rule) ?? [])].map((k) => (workloadOnly ? k.split(' ')[0] : k)))].sort();
      const b = [...new Set(row.check.split('+').flatMap((id) => [...(theirs.get(id) ?? [])]))].sort();
      const key = `${row.rule} ~ ${row.check}`;
      if (row.relation === 'agree') expect(a, `${key} on ${name}`).toEqual(b);
      else if (JSON.stringify(a) !== JSON.stringify(b)) differences.set(key, [...(differences.get(key) ?? []), name]);
    }
    // The fixtures give both tools something to find: an agreement over two empty sets proves nothing.
    if (name === 'risky-deployment')
      for (const row of rows.filter((r) => r.relation === 'agree')) expect(ours.get(row.rule)?.size, row.rule).toBeGreaterThan(0);
  }
  for (const row of rows.filter((r) => r.relation === 'differs'))
    expect(differences.get(`${row.rule} ~ ${row.check}`), `${row.rule} ~ ${row.check} agrees on every fixture now`).toBeDefined();
}

describe('the differential table', () => {
  it('names real rules and explains every disagreement', () => {
    const rows = peerRows();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.rule).toMatch(/^BH3\d\d$/);
      expect(existsSync(join(REPO_ROOT, 'docs/rules', `${row.rule}.md`))).toBe(true);
      expect(['agree', 'differs']).toContain(row.relation);
      if (row.relation === 'differs') expect(row.why.length, `${row.rule} ${row.check}`).toBeGreaterThan(20);
    }
  });
});

describe.skipIf(!existsSync(kubeScore))('BH3xx against kube-score on the same manifests', () => {
  it('agrees where the table says agree, and differs where it says differs', async () => {
    await compare(
      peerRows().filter((r) => r.peer.startsWith('kube-score')),
      kubeScoreHits,
      false,
    );
  }, 300_000);
});

describe.skipIf(!existsSync(checkov))('BH3xx against Checkov on the same manifests', () => {
  it('agrees where the table says agree, and differs where it says differs', async () => {
    await compare(
      peerRows().filter((r) => r.peer.startsWith('Checkov')),
      checkovHits,
      true,
    );
  }, 300_000);
});
