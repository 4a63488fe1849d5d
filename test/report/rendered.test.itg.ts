import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse.js';
import { renderComment } from '../../src/report/comment.js';
import { scan } from '../../src/scan/engine.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { silentLogger } from '../../src/util/logger.js';
import { REPO_ROOT } from '../helpers.js';
import { exampleWorkspace } from '../support/action.js';

const HOSTILE = '@octocat <img src=x onerror=alert(1)> [x](javascript:alert(1)) <script>alert(2)</script>';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'rendered');

function findChromium(): string | undefined {
  for (const candidate of ['chromium', 'chromium-browser', 'google-chrome']) {
    const found = spawnSync('sh', ['-c', `command -v ${candidate}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  return undefined;
}
const chromium = findChromium();
if (!chromium) console.warn('\n*** chromium is not installed: the rendered-markdown tests are SKIPPED (apt-get install chromium) ***\n');

/**
 * Renders GitHub-flavoured markdown to a page the way a person sees it. marked passes raw HTML
 * through, which GitHub would sanitize: a harsher test of the escaping than GitHub itself. An
 * alert() or a broken image would mark the page.
 */
function renderPage(name: string, markdown: string): { dom: string; screenshot: string } {
  mkdirSync(ARTIFACTS, { recursive: true });
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>body{font-family:sans-serif;max-width:1100px;margin:24px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}</style>
<script>window.alert = () => document.documentElement.setAttribute('data-alerted', 'yes');</script></head>
<body>${marked.parse(markdown, { gfm: true, async: false })}</body></html>`;
  const page = join(ARTIFACTS, `${name}.html`);
  writeFileSync(page, html);
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--virtual-time-budget=2000'];
  const dom = execFileSync(chromium as string, [...flags, '--dump-dom', `file://${page}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const screenshot = join(ARTIFACTS, `${name}.png`);
  execFileSync(chromium as string, [...flags, `--screenshot=${screenshot}`, '--window-size=1200,1600', `file://${page}`], {
    stdio: 'ignore',
  });
  return { dom, screenshot };
}

async function hostileOutcome() {
  const workspace = exampleWorkspace();
  const trivyPath = join(workspace, 'examples/shop-api/trivy.json');
  const document = JSON.parse(readFileSync(trivyPath, 'utf8'));
  document.Results[0].Vulnerabilities[0].Title = HOSTILE;
  document.Results[0].Vulnerabilities[0].PkgName = '<b>pkg</b>|`x`';
  // Fails the gate, so the comment shows it too.
  document.Results[0].Vulnerabilities[0].Severity = 'CRITICAL';
  document.Results[0].Vulnerabilities[0].FixedVersion = '9.9.9';
  writeFileSync(trivyPath, JSON.stringify(document));
  const config = parseConfig(
    {
      dockerfile: 'examples/shop-api/Dockerfile',
      'trivy-report': 'examples/shop-api/trivy.json',
      'hadolint-report': 'examples/shop-api/hadolint.json',
      tools: 'trivy,hadolint',
    },
    { workspace },
  );
  return scan(config, { logger: silentLogger, redactor: new Redactor(), env: {} });
}

function assertInert(dom: string): void {
  expect(dom).not.toContain('data-alerted="yes"');
  expect(dom).not.toMatch(/<img\b/i);
  expect(dom).not.toMatch(/<b>pkg<\/b>/);
  // Only the page's own script, none from the findings.
  expect(dom.match(/<script\b/gi)).toHaveLength(1);
  for (const href of dom.matchAll(/<a [^>]*href="([^"]*)"/g)) expect(href[1]).toMatch(/^https:\/\//);
  // The hostile text is there, as text.
  expect(dom).toContain('&lt;img src=x onerror=alert(1)&gt;');
  expect(dom).toContain('@\u200boctocat');
}

describe.skipIf(!chromium)('summary and comment, rendered and opened in a browser', () => {
  it('the job summary shows the verdict and tables, and hostile scanner text stays text', async () => {
    const outcome = await hostileOutcome();
    const { dom, screenshot } = renderPage('summary', outcome.summaryMarkdown);
    expect(dom).toMatch(/<h2[^>]*>❌ bulkhead: fail<\/h2>/);
    expect((dom.match(/<table>/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(dom).toMatch(/<td>🟥 critical<\/td>/);
    assertInert(dom);
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
  });

  it('the pull-request comment does too, with links only to the repository and the run', async () => {
    const outcome = await hostileOutcome();
    const comment = renderComment({
      marker: '<!-- bulkhead:comment 0123456789abcdef -->',
      gate: outcome.gate,
      decisions: outcome.decisions,
      failOn: outcome.policy.settings.failOn.value,
      links: {
        repositoryUrl: 'https://github.com/acme/shop',
        commitSha: 'a'.repeat(40),
        runUrl: 'https://github.com/acme/shop/actions/runs/1',
      },
      version: '0.1.0',
    });
    const { dom, screenshot } = renderPage('comment', comment);
    expect(dom).toMatch(/<h3[^>]*>❌ bulkhead: fail<\/h3>/);
    expect(dom).toMatch(
      /<a href="https:\/\/github\.com\/acme\/shop\/blob\/a{40}\/examples\/shop-api\/Dockerfile#L\d+"><code>examples\/shop-api\/Dockerfile:\d+<\/code><\/a>/,
    );
    assertInert(dom);
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
  });
});
