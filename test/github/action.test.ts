import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleWorkspace, runAction, type ActionRun } from '../support/action.js';
import { GitHubApiServer, type ApiRequest } from '../support/githubServer.js';
import { fixture } from '../helpers.js';

const NGINX = 'large-edwinjdevops-sentinel-nginx-latest-debian13-234vulns.json';

const HEAD_SHA = 'c0ffee'.padEnd(40, '0');
const MERGE_SHA = 'beef'.padEnd(40, '1');
const PULL_REQUEST_EVENT = {
  action: 'synchronize',
  number: 42,
  pull_request: {
    number: 42,
    head: { sha: HEAD_SHA, ref: 'feature', repo: { full_name: 'acme/shop' } },
    base: { ref: 'main', repo: { full_name: 'acme/shop' } },
  },
  repository: { full_name: 'acme/shop', default_branch: 'main' },
};
const INPUTS = {
  dockerfile: 'examples/shop-api/Dockerfile',
  'trivy-report': 'examples/shop-api/trivy.json',
  'hadolint-report': 'examples/shop-api/hadolint.json',
  tools: 'trivy,hadolint',
  annotations: 'false',
  'github-token': 'ghs_0123456789abcdefghijklmnopqrstuvwxyz',
};

interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

/** The state of one pull request on the fake GitHub, with the routes bulkhead uses. */
class FakeRepository {
  comments: Comment[] = [];
  sarifs: Array<{ id: string; body: Record<string, unknown> }> = [];
  uploadFailures: number[] = [];
  commentFailure?: number;
  private nextId = 1000;

  constructor(readonly server: GitHubApiServer) {
    const bot = { login: 'github-actions[bot]', type: 'Bot' };
    const asComment = (c: Comment) => ({
      ...server.example('issues/create-comment', '201'),
      id: c.id,
      body: c.body,
      user: { ...(server.example('issues/create-comment', '201').user as object), ...c.user },
    });
    server
      .on('users/get-authenticated', () => ({
        status: 403,
        body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' },
      }))
      .on('issues/list-comments', (r) => {
        const perPage = Number(r.query.get('per_page') ?? 30);
        const page = Number(r.query.get('page') ?? 1);
        const slice = this.comments.slice((page - 1) * perPage, page * perPage);
        const last = Math.max(1, Math.ceil(this.comments.length / perPage));
        const link =
          page < last
            ? {
                link: `<${server.url}${r.path}?per_page=${perPage}&page=${page + 1}>; rel="next", <${server.url}${r.path}?per_page=${perPage}&page=${last}>; rel="last"`,
              }
            : undefined;
        return { status: 200, body: slice.map(asComment), ...(link ? { headers: link } : {}) };
      })
      .on('issues/create-comment', (r) => {
        // A fork's read-only token can read the conversation but not write to it.
        if (this.commentFailure)
          return {
            status: this.commentFailure,
            body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' },
          };
        const comment = { id: this.nextId++, body: (r.body as { body: string }).body, user: bot };
        this.comments.push(comment);
        return { status: 201, body: asComment(comment) };
      })
      .on('issues/update-comment', (r) => {
        const comment = this.comments.find((c) => c.id === Number(r.params.comment_id));
        if (!comment) return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
        comment.body = (r.body as { body: string }).body;
        return { status: 200, body: asComment(comment) };
      })
      .on('issues/delete-comment', (r) => {
        this.comments = this.comments.filter((c) => c.id !== Number(r.params.comment_id));
        return { status: 204 };
      })
      .on('code-scanning/upload-sarif', (r) => {
        const failure = this.uploadFailures.shift();
        if (failure === 403)
          return {
            status: 403,
            body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' },
          };
        if (failure) return { status: failure, body: { message: 'Server Error' } };
        const id = `sarif-${this.sarifs.length + 1}`;
        this.sarifs.push({ id, body: r.body as Record<string, unknown> });
        return { status: 202, body: { id, url: `${server.url}/repos/acme/shop/code-scanning/sarifs/${id}` } };
      })
      .on('pulls/list', (r) => {
        const example = server.example('pulls/list', '200') as unknown as Array<Record<string, unknown>>;
        const base = example[0] as Record<string, unknown>;
        const head = { ...(base.head as Record<string, unknown>), sha: HEAD_SHA, ref: 'feature', label: 'forker:feature' };
        // GitHub's own example lists a team without its required type: leave teams out.
        return { status: 200, body: r.query.get('head') === 'forker:feature' ? [{ ...base, requested_teams: [], number: 42, head }] : [] };
      })
      .on('code-scanning/get-sarif', () => ({
        status: 200,
        body: { processing_status: 'complete', analyses_url: `${server.url}/repos/acme/shop/code-scanning/analyses`, errors: [] },
      }));
  }

  calls(operationId: string): ApiRequest[] {
    return this.server.requests.filter((r) => r.operationId === operationId);
  }
}

describe("the GitHub edge, against an API held to GitHub's OpenAPI description", () => {
  let server: GitHubApiServer;
  let repo: FakeRepository;
  beforeEach(async () => {
    server = await new GitHubApiServer().start();
    repo = new FakeRepository(server);
  });
  afterEach(async () => {
    expect(server.violations).toEqual([]);
    await server.stop();
  });

  const run = (inputs: Record<string, string>, workspace?: string): Promise<ActionRun> =>
    runAction(inputs, {
      ...(workspace ? { workspace } : {}),
      event: PULL_REQUEST_EVENT,
      env: {
        GITHUB_API_URL: server.url,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_SHA: MERGE_SHA,
        GITHUB_RUN_ID: '777',
        GITHUB_WORKFLOW: 'container security',
        GITHUB_JOB: 'image',
      },
    });

  it('uploads the SARIF log and keeps one comment: created once, then edited in place', async () => {
    const workspace = exampleWorkspace();
    const first = await run(INPUTS, workspace);
    expect(first.status).toBe(1);
    const upload = repo.sarifs[0]?.body as { commit_sha: string; ref: string; sarif: string };
    expect(upload.commit_sha).toBe(MERGE_SHA);
    expect(upload.ref).toBe('refs/pull/42/merge');
    expect(JSON.parse(gunzipSync(Buffer.from(upload.sarif, 'base64')).toString('utf8'))).toEqual(
      JSON.parse(readFileSync(join(workspace, 'bulkhead.sarif'), 'utf8')),
    );
    expect(first.outputs['sarif-id']).toBe('sarif-1');
    expect(first.stdout).toContain('Code scanning processed the SARIF log.');
    expect(repo.comments).toHaveLength(1);
    const comment = repo.comments[0] as Comment;
    expect(comment.body).toMatch(/^<!-- bulkhead:comment [0-9a-f]{16} -->\n### ❌ bulkhead: fail/);
    expect(comment.body).toContain(`(https://github.com/acme/shop/blob/${HEAD_SHA}/examples/shop-api/Dockerfile#L`);
    expect(comment.body).toContain('[Full summary of this run](https://github.com/acme/shop/actions/runs/777)');
    expect(first.stdout.split('\n').filter((l) => l.includes('ghs_0123456789abcdefghijklmnopqrstuvwxyz'))).toEqual([
      '::add-mask::ghs_0123456789abcdefghijklmnopqrstuvwxyz',
    ]);

    const unchanged = await run(INPUTS, workspace);
    expect(unchanged.stdout).toContain('The pull-request comment on #42 is already up to date.');
    expect(repo.calls('issues/update-comment')).toHaveLength(0);

    const none = await run({ ...INPUTS, 'fail-on': 'none' }, workspace);
    expect(none.status).toBe(0);
    expect(repo.comments).toHaveLength(1);
    expect(repo.calls('issues/update-comment')).toHaveLength(1);
    expect(repo.comments[0]?.id).toBe(comment.id);
    expect(repo.comments[0]?.body).toContain('### ✅ bulkhead: pass');
  });

  it('deletes its comment once nothing fails the gate, when asked to, and then posts nothing on a pass', async () => {
    const workspace = exampleWorkspace();
    await run({ ...INPUTS, comment: 'on-failure', 'resolved-comment': 'delete' }, workspace);
    expect(repo.comments).toHaveLength(1);
    const pass = await run({ ...INPUTS, comment: 'on-failure', 'resolved-comment': 'delete', 'fail-on': 'none' }, workspace);
    expect(pass.stdout).toContain('Deleted the pull-request comment on #42: nothing fails the gate.');
    expect(repo.comments).toHaveLength(0);
    const again = await run({ ...INPUTS, comment: 'on-failure', 'resolved-comment': 'delete', 'fail-on': 'none' }, workspace);
    expect(again.stdout).toContain('No pull-request comment: nothing fails the gate.');
    expect(repo.calls('issues/create-comment')).toHaveLength(1);
  });

  it('finds its comment on page 2 of a 150-comment conversation, and ignores a marker a person pasted', async () => {
    const workspace = exampleWorkspace();
    await run(INPUTS, workspace);
    const ours = repo.comments[0] as Comment;
    const marker = ours.body.split('\n')[0] as string;
    const others = Array.from({ length: 149 }, (_, i) => ({
      id: i + 1,
      body: i === 3 ? `quoting ${marker}` : `comment ${i}`,
      user: { login: `dev${i}`, type: 'User' },
    }));
    repo.comments = [...others.slice(0, 120), { ...ours, body: `${marker}\nan older verdict` }, ...others.slice(120)];
    await run(INPUTS, workspace);
    expect(
      repo
        .calls('issues/list-comments')
        .slice(-2)
        .map((r) => r.query.get('page') ?? '1'),
    ).toEqual(['1', '2']);
    expect(repo.calls('issues/create-comment')).toHaveLength(1);
    expect(repo.comments.find((c) => c.id === ours.id)?.body).toBe(ours.body);
    expect(repo.comments).toHaveLength(150);
  });

  it('turns 403s on upload and comment into warnings, and the gate still decides', async () => {
    repo.uploadFailures = [403];
    repo.commentFailure = 403;
    const result = await run(INPUTS);
    expect(result.status).toBe(1);
    expect(result.outputs.verdict).toBe('fail');
    expect(result.stdout).toMatch(
      /^::warning::Could not upload the SARIF log: GitHub answered 403 \(Resource not accessible by integration\); on pull requests from forks .*`security-events: write`/m,
    );
    expect(result.stdout).toMatch(/^::warning::Could not comment on pull request #42: GitHub answered 403 .*`pull-requests: write`/m);
    expect(result.outputs['sarif-id']).toBe('');
  });

  it('retries a 500 and succeeds', async () => {
    repo.uploadFailures = [500];
    const result = await run({ ...INPUTS, comment: 'never' });
    expect(repo.calls('code-scanning/upload-sarif')).toHaveLength(2);
    expect(result.outputs['sarif-id']).toBe('sarif-1');
  });

  it("cuts a huge comment under GitHub's limit, most severe first, and keeps hostile text inert", async () => {
    const workspace = exampleWorkspace();
    const trivyPath = join(workspace, 'examples/shop-api/trivy.json');
    const document = JSON.parse(readFileSync(trivyPath, 'utf8'));
    const template = document.Results[0].Vulnerabilities[0];
    const hostile = '@octocat <img src=x onerror=alert(1)> [x](javascript:alert(1))';
    document.Results[0].Vulnerabilities = Array.from({ length: 400 }, (_, i) => ({
      ...template,
      VulnerabilityID: `CVE-2026-${10000 + i}`,
      PkgName: `pkg${i}`,
      Severity: i === 0 ? 'CRITICAL' : 'HIGH',
      Title: i === 0 ? hostile : `a long title ${'x'.repeat(200)}`,
    }));
    writeFileSync(trivyPath, JSON.stringify(document));
    await run(INPUTS, workspace);
    const body = repo.comments[0]?.body as string;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/\d+ more findings that fail the gate \(\d+ high\) did not fit here; the run summary lists them all\./);
    expect(body.indexOf('CVE-2026-10000')).toBeGreaterThan(0);
    expect(body).not.toContain('<img');
    expect(body).not.toMatch(/(^|[^\\])\[x\]\(javascript:/);
    expect(body).not.toMatch(/@octocat/);
    expect(body).toContain('@\u200boctocat');
  });

  it("publishes a fork's scan from a workflow_run job, finding the pull request by the scanned commit", async () => {
    // The scan job on the fork: its read-only token cannot comment or upload.
    repo.uploadFailures = [403];
    repo.commentFailure = 403;
    const forkEvent = {
      ...PULL_REQUEST_EVENT,
      pull_request: {
        ...PULL_REQUEST_EVENT.pull_request,
        head: { ...PULL_REQUEST_EVENT.pull_request.head, repo: { full_name: 'forker/shop' } },
      },
    };
    const scanWorkspace = exampleWorkspace();
    const scan = await runAction(INPUTS, {
      workspace: scanWorkspace,
      event: forkEvent,
      env: {
        GITHUB_API_URL: server.url,
        GITHUB_SHA: MERGE_SHA,
        GITHUB_RUN_ID: '777',
        GITHUB_WORKFLOW: 'container security',
        GITHUB_JOB: 'image',
      },
    });
    expect(scan.status).toBe(1);
    expect(repo.comments).toHaveLength(0);
    delete repo.commentFailure;

    // The publish job: the artifact downloaded into a fresh workspace, no checkout of the pull request.
    const publishWorkspace = exampleWorkspace();
    writeFileSync(join(publishWorkspace, 'scan-report.json'), readFileSync(join(scanWorkspace, 'bulkhead-report.json')));
    writeFileSync(join(publishWorkspace, 'scan.sarif'), readFileSync(join(scanWorkspace, 'bulkhead.sarif')));
    const workflowRun = {
      action: 'completed',
      workflow_run: {
        id: 777,
        head_sha: HEAD_SHA,
        head_branch: 'feature',
        event: 'pull_request',
        conclusion: 'failure',
        pull_requests: [],
        head_repository: { full_name: 'forker/shop', owner: { login: 'forker' } },
      },
      repository: { full_name: 'acme/shop', default_branch: 'main' },
    };
    const publish = await runAction(
      { mode: 'publish', 'report-file': 'scan-report.json', 'sarif-file': 'scan.sarif', 'github-token': INPUTS['github-token'] },
      {
        workspace: publishWorkspace,
        eventName: 'workflow_run',
        event: workflowRun,
        env: { GITHUB_API_URL: server.url, GITHUB_SHA: 'f'.repeat(40), GITHUB_WORKFLOW: 'publish', GITHUB_JOB: 'publish' },
      },
    );
    expect(publish.status).toBe(0);
    expect(publish.outputs.verdict).toBe('fail');
    expect(repo.calls('pulls/list')[0]?.query.get('head')).toBe('forker:feature');
    expect(publish.stdout).toContain(`Publishing the scan of ${HEAD_SHA} for pull request #42.`);
    const upload = repo.sarifs[0]?.body as { commit_sha: string; ref: string };
    expect(upload).toMatchObject({ commit_sha: HEAD_SHA, ref: 'refs/pull/42/head' });
    expect(repo.comments).toHaveLength(1);
    const scanMarker = (
      JSON.parse(readFileSync(join(scanWorkspace, 'bulkhead-report.json'), 'utf8')) as { github: { commentMarker: string } }
    ).github.commentMarker;
    expect(repo.comments[0]?.body.startsWith(`${scanMarker}\n### ❌ bulkhead: fail`)).toBe(true);
    expect(repo.comments[0]?.body).toContain('[Full summary of this run](https://github.com/acme/shop/actions/runs/777)');
  });

  it('merges a matrix into one comment and one verdict: a failing job, a passing one, one whose scanner failed', async () => {
    const workspace = exampleWorkspace();
    // A hadolint that cannot even say its version: the job's scanner fails, the job still writes its report.
    writeFileSync(join(workspace, 'broken-hadolint'), '#!/bin/sh\necho "hadolint: cannot execute" >&2\nexit 126\n', { mode: 0o755 });
    const job = (name: string, extra: Record<string, string>) =>
      run(
        { ...INPUTS, comment: 'never', 'upload-sarif': 'false', 'report-file': `reports/${name}/bulkhead-report.json`, ...extra },
        workspace,
      );
    expect((await job('failing', {})).status).toBe(1);
    expect((await job('passing', { 'fail-on': 'none' })).status).toBe(0);
    const broken = await job('broken', { tools: 'hadolint', 'hadolint-report': '', 'hadolint-path': 'broken-hadolint' });
    expect(broken.status, broken.stdout).toBe(3);
    expect(repo.comments).toHaveLength(0);

    const merge = {
      mode: 'merge',
      reports: 'reports/**/bulkhead-report.json',
      'report-file': 'merged.json',
      'github-token': INPUTS['github-token'],
    };
    const first = await run(merge, workspace);
    expect(first.status).toBe(3);
    expect(first.outputs.verdict).toBe('fail');
    expect(repo.comments).toHaveLength(1);
    const body = repo.comments[0]?.body ?? '';
    expect(body).toContain('### ❌ bulkhead: fail');
    expect(body).toContain('### 3 jobs: 2 fail');
    expect(body).toMatch(/\| `reports\/failing\/bulkhead-report\.json` \| ❌ fail \| [1-9]/);
    expect(body).toMatch(/\| `reports\/passing\/bulkhead-report\.json` \| ✅ pass \|/);
    expect(body).toContain('hadolint on examples/shop-api/Dockerfile');
    expect(body).toContain("each job's gate used its own fail-on");
    expect(first.summary).toContain('### 3 jobs: 2 fail');
    const merged = JSON.parse(readFileSync(join(workspace, 'merged.json'), 'utf8')) as { verdict: string; merged: unknown[] };
    expect(merged.verdict).toBe('fail');
    expect(merged.merged).toHaveLength(3);

    // The next run of the merge job edits the same comment.
    const again = await run(merge, workspace);
    expect(again.status).toBe(3);
    expect(repo.comments).toHaveLength(1);
    expect(repo.calls('issues/create-comment')).toHaveLength(1);
  });

  it("merges a matrix under workflow_run (fork-safe): one comment and, asked, one SARIF upload with every job's runs", async () => {
    const workspace = exampleWorkspace();
    // Each matrix job its own category and files, SARIF beside the report, neither uploaded nor commented by the job.
    const job = (name: string, extra: Record<string, string>) =>
      run(
        {
          ...INPUTS,
          comment: 'never',
          'upload-sarif': 'false',
          category: `bulkhead-${name}`,
          'report-file': `reports/${name}/bulkhead-report.json`,
          'sarif-file': `reports/${name}/bulkhead.sarif`,
          ...extra,
        },
        workspace,
      );
    expect((await job('api', {})).status).toBe(1);
    expect((await job('web', { 'fail-on': 'none' })).status).toBe(0);
    expect(repo.sarifs).toHaveLength(0);
    const workflowRun = {
      action: 'completed',
      workflow_run: {
        id: 778,
        head_sha: HEAD_SHA,
        head_branch: 'feature',
        event: 'pull_request',
        conclusion: 'failure',
        pull_requests: [],
        head_repository: { full_name: 'forker/shop', owner: { login: 'forker' } },
      },
      repository: { full_name: 'acme/shop', default_branch: 'main' },
    };
    const merge = await runAction(
      {
        mode: 'merge',
        reports: 'reports/**/bulkhead-report.json',
        'report-file': 'merged.json',
        'merge-sarif': 'true',
        'github-token': INPUTS['github-token'],
      },
      {
        workspace,
        eventName: 'workflow_run',
        event: workflowRun,
        env: {
          GITHUB_API_URL: server.url,
          GITHUB_SHA: 'f'.repeat(40),
          GITHUB_REF: 'refs/heads/main',
          GITHUB_WORKFLOW: 'merge',
          GITHUB_JOB: 'merge',
        },
      },
    );
    expect(merge.status, merge.stdout).toBe(1);
    expect(merge.outputs.verdict).toBe('fail');
    expect(repo.sarifs).toHaveLength(1);
    const upload = repo.sarifs[0]?.body as { commit_sha: string; ref: string; sarif: string };
    expect(upload).toMatchObject({ commit_sha: HEAD_SHA, ref: 'refs/pull/42/head' });
    const log = JSON.parse(gunzipSync(Buffer.from(upload.sarif, 'base64')).toString('utf8')) as {
      runs: { tool: { driver: { name: string } }; automationDetails: { id: string } }[];
    };
    const jobRuns = ['api', 'web'].flatMap(
      (name) => (JSON.parse(readFileSync(join(workspace, 'reports', name, 'bulkhead.sarif'), 'utf8')) as typeof log).runs,
    );
    expect(log.runs).toEqual(jobRuns);
    const categories = log.runs.map((r) => `${r.tool.driver.name} ${r.automationDetails.id}`);
    expect(new Set(categories).size).toBe(categories.length);
    expect(merge.outputs['sarif-id']).toBe('sarif-1');
    expect(repo.comments).toHaveLength(1);
    expect(repo.comments[0]?.body).toContain('### 2 jobs: 1 fail');
    expect(repo.comments[0]?.body).toContain('[Full summary of this run](https://github.com/acme/shop/actions/runs/778)');
  });

  it('refuses a merged SARIF upload whose jobs share a category, naming both, before posting anything (exit 2)', async () => {
    const workspace = exampleWorkspace();
    for (const name of ['amd64', 'arm64'])
      await run(
        {
          ...INPUTS,
          comment: 'never',
          'upload-sarif': 'false',
          'report-file': `reports/${name}/r.json`,
          'sarif-file': `reports/${name}/b.sarif`,
        },
        workspace,
      );
    const merge = await run(
      {
        mode: 'merge',
        reports: 'reports/*/r.json',
        'report-file': 'merged.json',
        'merge-sarif': 'true',
        'github-token': INPUTS['github-token'],
      },
      workspace,
    );
    expect(merge.status).toBe(2);
    expect(merge.outputs.verdict).toBe('fail');
    expect(merge.stdout).toMatch(
      /::error::bulkhead: reports\/amd64\/b\.sarif and reports\/arm64\/b\.sarif both have a \S+ run with the category "[^"]+", which GitHub rejects in one upload; give each matrix job its own category input/,
    );
    expect(repo.sarifs).toHaveLength(0);
    expect(repo.comments).toHaveLength(0);
  });

  it('fails a merge when a report cannot be read, naming it', async () => {
    const workspace = exampleWorkspace();
    writeFileSync(join(workspace, 'not-a-report.json'), '{"hello": 1}');
    const merged = await run({ mode: 'merge', reports: 'not-a-report.json', comment: 'never' }, workspace);
    expect(merged.status).toBe(3);
    expect(merged.outputs.verdict).toBe('fail');
    expect(merged.stdout).toContain('::error::bulkhead: not-a-report.json is not a bulkhead report (format bulkhead-report/v1)');
  });

  it("submits the image's packages to the dependency graph, one manifest keyed by purl, with Trivy's dependencies", async () => {
    const workspace = exampleWorkspace();
    copyFileSync(fixture('trivy', NGINX), join(workspace, 'nginx.json'));
    const snapshots: Array<Record<string, unknown>> = [];
    server.on('dependency-graph/create-repository-snapshot', (r) => {
      snapshots.push(r.body as Record<string, unknown>);
      return {
        status: 201,
        body: {
          id: 31,
          created_at: '2026-12-03T06:00:00Z',
          result: 'SUCCESS',
          message: 'Dependency results for the repo have been successfully updated.',
        },
      };
    });
    const inputs = { ...INPUTS, 'trivy-report': 'nginx.json', tools: 'trivy', 'dependency-graph': 'true', 'fail-on': 'none' };
    const done = await run(inputs, workspace);
    expect(done.status).toBe(0);
    expect(done.stdout).toContain('Submitted 151 packages of 1 image to the dependency graph (snapshot 31, success).');
    const [snapshot] = snapshots as Array<{
      sha: string;
      ref: string;
      job: { correlator: string; id: string; html_url: string };
      detector: { name: string };
      manifests: Record<
        string,
        {
          name: string;
          file?: { source_location: string };
          resolved: Record<string, { package_url: string; relationship: string; dependencies: string[] }>;
        }
      >;
    }>;
    expect(snapshot).toMatchObject({ sha: MERGE_SHA, ref: 'refs/pull/42/merge', detector: { name: 'bulkhead' } });
    expect(snapshot?.job.correlator).toMatch(/^container security\/image\/bulkhead\/[0-9a-f]{12}$/);
    expect(snapshot?.job.html_url).toBe('https://github.com/acme/shop/actions/runs/777');
    const manifest = snapshot?.manifests['nginx:latest'];
    expect(manifest?.file).toEqual({ source_location: 'examples/shop-api/Dockerfile' });
    const apt = manifest?.resolved['pkg:deb/debian/apt@3.0.3?arch=amd64&distro=debian-13.4'];
    expect(apt?.dependencies.some((d) => d.startsWith('pkg:deb/debian/libc6@'))).toBe(true);
    const libc = Object.values(manifest?.resolved ?? {}).find((d) => d.package_url.startsWith('pkg:deb/debian/libc6@'));
    expect(libc?.relationship).toBe('indirect');
    expect(Object.keys(manifest?.resolved ?? {})).toHaveLength(151);
  });

  it('turns a refused dependency submission into a warning naming the permission, and the gate still decides', async () => {
    const workspace = exampleWorkspace();
    copyFileSync(fixture('trivy', NGINX), join(workspace, 'nginx.json'));
    server.on('dependency-graph/create-repository-snapshot', () => ({
      status: 403,
      body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' },
      undocumentedBecause: 'GitHub answers 403 to a token without contents: write',
    }));
    const done = await run(
      { ...INPUTS, 'trivy-report': 'nginx.json', tools: 'trivy', 'dependency-graph': 'true', 'fail-on': 'critical' },
      workspace,
    );
    expect(done.stdout).toMatch(/::warning::Could not submit to the dependency graph: .*\(the token needs `contents: write`\)\./);
    expect(done.status).toBe(1);
  });

  it('refuses to publish a file that is not a bulkhead report', async () => {
    const workspace = exampleWorkspace();
    const run = await runAction(
      { mode: 'publish', 'report-file': 'examples/shop-api/trivy.json', 'github-token': INPUTS['github-token'] },
      {
        workspace,
        eventName: 'workflow_run',
        event: {
          workflow_run: { head_sha: HEAD_SHA, head_branch: 'feature', pull_requests: [{ number: 42, head: { sha: HEAD_SHA } }] },
          repository: { full_name: 'acme/shop' },
        },
        env: { GITHUB_API_URL: server.url },
      },
    );
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(
      /^::error::bulkhead: .*trivy\.json is not a bulkhead report \(format bulkhead-report\/v1\); give the report-file the scan job wrote\.$/m,
    );
    expect(repo.comments).toHaveLength(0);
  });
});
