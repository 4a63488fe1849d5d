import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INPUTS, OUTPUTS } from '../../src/config/inputs.js';
import { renderActionYml, renderRulePages, withReadmeTables } from '../../scripts/docs-render.js';
import { REPO_ROOT } from '../helpers.js';
import { multitoolProblems, schemaErrors } from '../support/sarif.js';
import { EXAMPLE_INPUTS, runAction } from '../support/action.js';

describe('the action, run in-process with the environment a runner gives it', () => {
  it('fails the step when the gate fails, and writes outputs, summary, SARIF and annotations', async () => {
    // No GitHub here: the token is given only to be masked.
    const run = await runAction({
      ...EXAMPLE_INPUTS,
      'github-token': 'ghs_exampletoken1234567890',
      'upload-sarif': 'false',
      comment: 'never',
    });
    expect(run.status).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'fail', findings: '7', critical: '1', high: '0', medium: '3', low: '3', suppressed: '0' });
    expect(run.outputs['sarif-file']).toBe(join(run.workspace, 'bulkhead.sarif'));
    expect(run.summary.startsWith('## ❌ bulkhead: fail')).toBe(true);
    const sarif = JSON.parse(readFileSync(join(run.workspace, 'bulkhead.sarif'), 'utf8'));
    expect(schemaErrors(sarif)).toEqual([]);
    expect(multitoolProblems({ action: sarif })).toEqual([]);
    expect(existsSync(join(run.workspace, 'bulkhead-report.json'))).toBe(true);
    // An error annotation on the Dockerfile's FROM line for the failing CVE; warnings for the rest.
    expect(run.stdout).toMatch(/^::error title=CRITICAL CVE-2019-18224 in libidn2-0,file=examples\/shop-api\/Dockerfile,line=2::/m);
    expect(run.stdout).toMatch(
      /^::warning title=MEDIUM DL3002,file=examples\/shop-api\/Dockerfile,line=8::Last USER should not be root\./m,
    );
    expect(run.stdout).toMatch(/^::error::bulkhead: 1 finding at or above high$/m);
    // The job log holds the CLI's table in a group, the failing finding under its line, before the verdict.
    const group = /^::group::bulkhead: 7 findings, 1 failing the gate\n([\s\S]*?)^::endgroup::$/m.exec(run.stdout);
    expect(group?.[1]).toMatch(/^SEVERITY +TRIVY +HADOLINT +TOTAL +FAILING$/m);
    expect(group?.[1]).toMatch(/^critical +1 +0 +1 +1$/m);
    expect(group?.[1]).toContain(
      'Fails the gate (1):\n  examples/shop-api/Dockerfile:2  FROM debian:buster-20191014-slim\n    CRITICAL CVE-2019-18224 libidn2-0 2.0.5-1 -> 2.0.5-1+deb10u1',
    );
    expect(group?.[1]).not.toMatch(/^FAIL:/m);
    expect(run.stdout.indexOf('::group::bulkhead: 7 findings')).toBeLessThan(run.stdout.indexOf('::error::bulkhead: 1 finding'));
    // The token reaches the runner once, to be masked, and nowhere else.
    expect(run.stdout.split('\n').filter((l) => l.includes('ghs_exampletoken1234567890'))).toEqual([
      '::add-mask::ghs_exampletoken1234567890',
    ]);
    for (const file of ['bulkhead.sarif', 'bulkhead-report.json'])
      expect(readFileSync(join(run.workspace, file), 'utf8')).not.toContain('ghs_exampletoken');
    expect(run.summary).not.toContain('ghs_exampletoken');
  });

  it('reads the example image with the built-in checks: findings in the outputs, the summary and annotations, no secret anywhere', async () => {
    const run = await runAction({
      image: 'docker-archive:examples/shop-api/image.tar',
      tools: 'bulkhead',
      dockerfile: 'examples/shop-api/Dockerfile',
    });
    expect(run.status).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(Number(run.outputs.high)).toBeGreaterThanOrEqual(4);
    for (const rule of ['BH101', 'BH103', 'BH105', 'BH205', 'BH211']) expect(run.summary, rule).toContain(rule);
    expect(run.stdout).toMatch(/^::error title=HIGH BH205[^,]*,file=examples\/shop-api\/Dockerfile,line=\d+::/m);
    for (const text of [
      run.stdout,
      run.summary,
      readFileSync(join(run.workspace, 'bulkhead.sarif'), 'utf8'),
      readFileSync(join(run.workspace, 'bulkhead-report.json'), 'utf8'),
    ]) {
      expect(text).not.toContain('example-only-not-a-real-password');
      expect(text).not.toContain('example-only-token-value');
    }
    const sarif = JSON.parse(readFileSync(join(run.workspace, 'bulkhead.sarif'), 'utf8'));
    expect(schemaErrors(sarif)).toEqual([]);
  });

  it('passes the step when nothing reaches fail-on, and says so in the outputs', async () => {
    const run = await runAction({ ...EXAMPLE_INPUTS, 'fail-on': 'critical', 'ignore-unfixed': 'true', annotations: 'false' });
    // The critical CVE has a fix, so ignore-unfixed does not hide it.
    expect(run.status).toBe(1);
    const none = await runAction({ ...EXAMPLE_INPUTS, 'fail-on': 'none', annotations: 'false' });
    expect(none.status).toBe(0);
    expect(none.outputs.verdict).toBe('pass');
    expect(none.summary.startsWith('## ✅ bulkhead: pass')).toBe(true);
    expect(none.stdout).not.toMatch(/^::(error|warning) /m);
  });

  it('fails closed, with the reason, when a scanner it must run is not available', async () => {
    const run = await runAction({
      dockerfile: 'examples/shop-api/Dockerfile',
      tools: 'hadolint',
      'release-mirror': 'http://127.0.0.1:2',
    });
    expect(run.status).toBe(3);
    expect(run.outputs.verdict).toBe('fail');
    expect(run.summary).toMatch(
      /hadolint failed on examples\/shop-api\/Dockerfile: hadolint could not be installed: download of http:\u200B?\/\/127\.0\.0\.1:2\/.* failed: the connection to 127\.0\.0\.1:2 was refused/,
    );
  });

  it('turns a bad input into one clear failure line and exit 2', async () => {
    const run = await runAction({ ...EXAMPLE_INPUTS, 'fail-on': 'severe' });
    expect(run.status).toBe(2);
    expect(run.stdout.trim()).toBe('::error::bulkhead: fail-on is "severe"; set it to critical, high, medium, low or none.');
  });
});

describe('the committed files are up to date', () => {
  it('docs/rules holds one page per built-in rule, as the catalog renders it', () => {
    const pages = renderRulePages();
    expect(pages.size).toBeGreaterThan(20);
    for (const [file, text] of pages) expect(readFileSync(join(REPO_ROOT, file), 'utf8'), `${file} is stale: run npm run docs`).toBe(text);
  });

  it('action.yml and the README tables are generated from src/inputs.ts', () => {
    expect(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')).toBe(renderActionYml());
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toBe(withReadmeTables(readme));
    const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8'));
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(Object.keys(action.inputs)).toEqual(INPUTS.map((i) => i.name));
    expect(Object.keys(action.outputs)).toEqual(OUTPUTS.map((o) => o.name));
    for (const input of Object.values<{ description: string }>(action.inputs)) expect(input.description.length).toBeGreaterThan(10);
  });

  it('src/version.ts matches package.json', async () => {
    const { BULKHEAD_VERSION } = await import('../../src/model/version.js');
    expect(BULKHEAD_VERSION).toBe(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
  });
});
