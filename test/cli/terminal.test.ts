import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { colourWanted, tablePainter, terminalLogger } from '../../src/cli/terminal.js';
import type { Finding } from '../../src/model/finding.js';
import type { ScanResult } from '../../src/model/scanResult.js';
import { renderTable } from '../../src/report/table.js';
import { REPO_ROOT } from '../helpers.js';

/** Select Graphic Rendition: the escape codes that colour text (not the ones that redraw a line). */
const SGR = /\x1b\[[0-9;]*m/;

const EXAMPLE_ARGS = [
  'scan',
  '--image',
  'docker-archive:examples/shop-api/image.tar',
  '--dockerfile',
  'examples/shop-api/Dockerfile',
  '--tools',
  'bulkhead',
];

const hasScript = spawnSync('script', ['--version']).status === 0;
if (!hasScript) console.warn('\n!!! SKIPPING the pseudo-terminal tests: script (util-linux) is not installed\n');

/** Runs the CLI inside a pseudo-terminal, as a person at a terminal would, and returns what the terminal showed. */
function inTerminal(args: readonly string[], env: Record<string, string> = {}): { status: number | null; output: string } {
  const command = [process.execPath, join(REPO_ROOT, 'bin/bulkhead.js'), ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const ran = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  return { status: ran.status, output: ran.stdout };
}

describe('the terminal', () => {
  it('decides colour from --color / --no-color, then FORCE_COLOR, then NO_COLOR, then the terminal', () => {
    expect(colourWanted(undefined, {}, true)).toBe(true);
    expect(colourWanted(undefined, {}, false)).toBe(false);
    expect(colourWanted(undefined, { NO_COLOR: '1' }, true)).toBe(false);
    expect(colourWanted(undefined, { NO_COLOR: '' }, true)).toBe(true);
    expect(colourWanted(undefined, { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colourWanted(undefined, { FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colourWanted(undefined, { TERM: 'dumb' }, true)).toBe(false);
    expect(colourWanted(false, { FORCE_COLOR: '1' }, true)).toBe(false);
    expect(colourWanted(true, { NO_COLOR: '1' }, false)).toBe(true);
  });

  it('colours severities, headings and the verdict only when asked, and leaves the text the same', () => {
    const finding: Finding = {
      tool: 'trivy',
      ruleId: 'CVE-1',
      kind: 'vulnerability',
      severity: 'critical',
      title: 'libssh2 overflow',
      message: 'libssh2 1.0 is affected.',
      pkg: { name: 'libssh2', installed: '1.0' },
      file: 'Dockerfile',
      line: 4,
      introducedBy: { kind: 'instruction', instruction: 'RUN apt-get install curl' },
      fingerprint: 'f',
    };
    const result: ScanResult = {
      tool: 'trivy',
      key: 'app',
      target: 'app',
      origin: 'report',
      status: 'ok',
      durationMs: 1,
      findings: [finding],
      warnings: [],
    };
    const input = {
      gate: {
        verdict: 'fail' as const,
        reasons: ['1 finding at or above high'],
        exitCode: 1 as const,
        failingFindings: 1,
        failedScanners: [],
      },
      decisions: [{ finding, verdict: 'fails-gate' as const, reason: 'critical is at or above high' }],
      results: [result],
      failOn: 'high',
    };
    const plainText = renderTable(input);
    expect(renderTable({ ...input, paint: tablePainter(false) })).toBe(plainText);
    const coloured = renderTable({ ...input, paint: tablePainter(true) });
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plainText);
    expect(coloured).toContain('\x1b[1m\x1b[31mCRITICAL');
    expect(coloured).toContain('\x1b[4mDockerfile:4  RUN apt-get install curl');
    expect(coloured).toMatch(/\x1b\[1m\x1b\[31mFAIL: 1 finding at or above high/);
    // Nothing else is marked: the counts table stays plain.
    expect(coloured.split('\n')[0]).toBe(plainText.split('\n')[0]);
  });

  it('a step shows live on a terminal and ends in one line; off a terminal only that line', () => {
    let clock = 0;
    const written: string[] = [];
    const ticks: Array<() => void> = [];
    const live = terminalLogger({
      write: (t) => written.push(t),
      live: true,
      colour: false,
      redact: (t) => t.replace('s3cr3t', '***'),
      now: () => clock,
      setInterval: (fn) => {
        ticks.push(fn);
        return {};
      },
      clearInterval: () => {},
    });
    const step = live.step?.('Trivy vulnerability database');
    step?.update('s3cr3t layer 1 of 2');
    clock = 1500;
    ticks[0]?.();
    expect(written.at(-1)).toMatch(/^. Trivy vulnerability database: \*\*\* layer 1 of 2 1\.5 s$/);
    clock = 2500;
    step?.done('ready');
    expect(written.join('')).toMatch(/\r\x1b\[2K✓ Trivy vulnerability database: ready \(2\.5 s\)\n$/);
    const plain: string[] = [];
    const quiet = terminalLogger({ write: (t) => plain.push(t), live: false, colour: false, redact: (t) => t });
    quiet.step?.('hadolint Dockerfile').failed('it exited with code 3');
    expect(plain).toEqual([expect.stringMatching(/^✗ hadolint Dockerfile: it exited with code 3 \(\d+ ms\)\n$/)]);
  });

  describe.skipIf(!hasScript)('through a pseudo-terminal', () => {
    it('colours the table and shows each step with its time', () => {
      const { status, output } = inTerminal(EXAMPLE_ARGS);
      expect(status).toBe(1);
      expect(output).toMatch(SGR);
      expect(output).toMatch(/✓.*Reading docker-archive:examples\/shop-api\/image\.tar: 3 layers, \d+ files, \d+ findings \(\d+ ms\)/);
      expect(output).toMatch(/\x1b\[1m\x1b\[31mFAIL: \d+ findings at or above high/);
    });

    it('NO_COLOR and --no-color turn colour off, and keep the progress', () => {
      for (const [args, env] of [
        [EXAMPLE_ARGS, { NO_COLOR: '1' }],
        [[...EXAMPLE_ARGS, '--no-color'], {}],
      ] as const) {
        const { output } = inTerminal(args, env);
        expect(output).not.toMatch(SGR);
        expect(output).toMatch(/✓ Reading docker-archive:examples\/shop-api\/image\.tar: 3 layers/);
        expect(output).toMatch(/^FAIL: /m);
      }
    });
  });

  it('off a terminal: no escape code at all, one line per step; FORCE_COLOR colours the table only', () => {
    const ran = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/bulkhead.js'), ...EXAMPLE_ARGS], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(ran.status).toBe(1);
    expect(ran.stdout + ran.stderr).not.toMatch(/\x1b\[/);
    expect(ran.stderr.match(/^✓ Reading docker-archive:examples\/shop-api\/image\.tar: /gm)).toHaveLength(1);
    const forced = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/bulkhead.js'), ...EXAMPLE_ARGS], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '1', NO_COLOR: '' },
    });
    expect(forced.stdout).toMatch(SGR);
    expect(forced.stderr).not.toMatch(/\r\x1b\[2K/);
    const json = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/bulkhead.js'), ...EXAMPLE_ARGS, '--format', 'json', '--color'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(json.stdout).not.toMatch(/\x1b\[/);
    expect(() => JSON.parse(json.stdout) as unknown).not.toThrow();
  });
});
