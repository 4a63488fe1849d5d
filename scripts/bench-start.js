// Start-up benchmark (`npm run bench:start`): the CPU (user + system) of `bulkhead --version` and of
// a scan of the example's reports, each interleaved with `node -e 0` (7 pairs), medians and the
// ratio per pair, with the targets beside them. Run twice, the second run shows a warm compile cache.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, usageOf, usageReporter } from './bench-common.js';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const work = mkdtempSync(join(tmpdir(), 'bulkhead-bench-start-'));
const reporter = usageReporter(work);

// The action as a runner starts it: INPUT_* variables, an event payload, output and summary files.
const event = join(work, 'event.json');
writeFileSync(
  event,
  JSON.stringify({ pull_request: { number: 1, head: { sha: 'a'.repeat(40) } }, repository: { full_name: 'acme/shop' } }),
);
const runnerEnv = {
  PATH: process.env.PATH,
  GITHUB_ACTIONS: 'true',
  GITHUB_WORKSPACE: root,
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: event,
  GITHUB_REF: 'refs/pull/1/merge',
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_OUTPUT: join(work, 'output'),
  GITHUB_STEP_SUMMARY: join(work, 'summary.md'),
  RUNNER_TEMP: work,
  INPUT_DOCKERFILE: 'examples/shop-api/Dockerfile',
  'INPUT_TRIVY-REPORT': 'examples/shop-api/trivy.json',
  'INPUT_HADOLINT-REPORT': 'examples/shop-api/hadolint.json',
  INPUT_TOOLS: 'trivy,hadolint',
  'INPUT_SARIF-FILE': join(work, 'action.sarif'),
  'INPUT_REPORT-FILE': join(work, 'action-report.json'),
  'INPUT_UPLOAD-SARIF': 'false',
  INPUT_COMMENT: 'never',
};
writeFileSync(runnerEnv.GITHUB_OUTPUT, '');
writeFileSync(runnerEnv.GITHUB_STEP_SUMMARY, '');

function cpu(args, cwd = root, env = process.env) {
  const ran = spawnSync(process.execPath, ['--require', reporter, ...args], { cwd, encoding: 'utf8', env });
  const usage = usageOf(ran.stderr);
  if (!usage) throw new Error(`${args.join(' ')} printed no measurement:\n${ran.stderr}`);
  return usage.cpu;
}

const cases = [
  { name: 'bulkhead --version', args: [join(root, 'bin/bulkhead.js'), '--version'], target: 1.5 },
  {
    name: 'bulkhead scan (example reports)',
    args: [
      join(root, 'bin/bulkhead.js'),
      'scan',
      '--dockerfile',
      'examples/shop-api/Dockerfile',
      '--trivy-report',
      'examples/shop-api/trivy.json',
      '--hadolint-report',
      'examples/shop-api/hadolint.json',
      '--tools',
      'trivy,hadolint',
      '--sarif',
      join(work, 'b.sarif'),
      '--report',
      join(work, 'r.json'),
    ],
    target: 3,
  },
  { name: 'the action (example reports)', args: [join(root, 'dist/index.js')], env: runnerEnv, target: 3 },
];

console.log(`Node ${process.version}; 7 interleaved pairs; CPU = user + system of the whole process.`);
console.log('case                              node -e 0 ms  bulkhead ms  ratio  target');
for (const c of cases) {
  const floors = [];
  const runs = [];
  for (let i = 0; i < 7; i++) {
    floors.push(cpu(['-e', '0']));
    runs.push(cpu(c.args, root, c.env));
  }
  const ratio = median(runs.map((r, i) => r / floors[i]));
  console.log(
    `${c.name.padEnd(32)}  ${median(floors).toFixed(0).padStart(12)}  ${median(runs).toFixed(0).padStart(11)}  ${ratio.toFixed(2).padStart(5)}  ≤ ${c.target}× ${ratio <= c.target ? 'met' : 'NOT met'}`,
  );
}
