import { describe, expect, it } from 'vitest';
import { attribute } from '../../src/attribution/align.js';
import { placeImageFindings } from '../../src/attribution/apply.js';
import { classifyHistory } from '../../src/dockerfile/history.js';
import type { Finding } from '../../src/model/finding.js';
import type { ScanResult } from '../../src/model/scanResult.js';

const layerId = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

/** History entries as a builder records them; `layer: true` entries get the next diffID. */
function image(entries: [string, boolean][]) {
  let n = 0;
  const history = entries.map(([createdBy, layer]) => ({ createdBy, emptyLayer: !layer }));
  const diffIds = entries.filter(([, layer]) => layer).map(() => layerId(++n));
  return { history, diffIds };
}

describe('history entries as instructions', () => {
  it.each([
    ['/bin/sh -c #(nop)  ENV A=b', 'ENV', 'A=b'],
    ['/bin/sh -c #(nop) COPY file:0a1b in /app ', 'COPY', 'file:0a1b in /app'],
    ['|1 TOKEN=abc /bin/sh -c make   &&  make install', 'RUN', 'make && make install'],
    ['/bin/sh -c apt-get update', 'RUN', 'apt-get update'],
    ['RUN /bin/sh -c apt-get update # buildkit', 'RUN', 'apt-get update'],
    ['RUN |2 A=1 B=two /bin/sh -c echo $A # buildkit', 'RUN', 'echo $A'],
    ['COPY --from=build /out /app # buildkit', 'COPY', '--from=build /out /app'],
    ['WORKDIR /app', 'WORKDIR', '/app'],
    ['', 'UNKNOWN', ''],
  ])('%j is %s', (createdBy, kind, text) => {
    expect(classifyHistory(createdBy)).toMatchObject({ kind, text });
  });
});

const BASE: [string, boolean][] = [
  ['/bin/sh -c #(nop) ADD file:aaa in / ', true],
  ['/bin/sh -c #(nop)  CMD ["bash"]', false],
];

describe('aligning the history with the Dockerfile', () => {
  const dockerfile = [
    'FROM debian:bookworm',
    'ENV LANG=C.UTF-8',
    'RUN apt-get update \\',
    '    && apt-get install -y openssl',
    'COPY app /app',
    'USER 10001',
    '',
  ].join('\n');

  it('classic builder: base layers to FROM, each layer to its instruction', () => {
    const img = image([
      ...BASE,
      ['/bin/sh -c #(nop)  ENV LANG=C.UTF-8', false],
      ['/bin/sh -c apt-get update     && apt-get install -y openssl', true],
      ['/bin/sh -c #(nop) COPY dir:bbb in /app ', true],
      ['/bin/sh -c #(nop)  USER 10001', false],
    ]);
    const result = attribute(img, { path: 'Dockerfile', text: dockerfile });
    expect(result.kind).toBe('matched');
    if (result.kind !== 'matched') return;
    expect([...result.layers.values()].map((o) => [o.kind, o.line])).toEqual([
      ['base', 1],
      ['instruction', 3],
      ['instruction', 5],
    ]);
    expect(result.layers.get(layerId(2))?.instruction).toBe('RUN apt-get update && apt-get install -y openssl');
  });

  it('BuildKit: multi-stage with COPY --from, an ARG-parameterised FROM and a heredoc RUN', () => {
    const text = [
      'ARG BASE=debian:bookworm-slim',
      'FROM golang:1.22 AS build',
      'RUN go build -o /out/app .',
      'FROM ${BASE} AS runtime',
      'ARG VERSION',
      'RUN <<EOF',
      'set -e',
      'echo building $VERSION > /version',
      'EOF',
      'COPY --from=build /out/app /usr/local/bin/app',
      'FROM runtime',
      'USER 10001',
      '',
    ].join('\n');
    const img = image([
      ...BASE,
      ['ARG VERSION', false],
      ['RUN |1 VERSION=1.2 /bin/sh -c set -e\necho building $VERSION > /version # buildkit', true],
      ['COPY --from=build /out/app /usr/local/bin/app # buildkit', true],
      ['USER 10001', false],
    ]);
    const result = attribute(img, { path: 'Dockerfile', text });
    expect(result.kind).toBe('matched');
    if (result.kind !== 'matched') return;
    expect(result.baseImage).toBe('debian:bookworm-slim');
    expect(result.layers.get(layerId(1))).toMatchObject({ kind: 'base', line: 4, baseImage: 'debian:bookworm-slim' });
    expect(result.layers.get(layerId(2))).toMatchObject({ kind: 'instruction', line: 6, stage: 'runtime' });
    expect(result.layers.get(layerId(3))).toMatchObject({ kind: 'instruction', line: 10, copiedFrom: 'build' });
  });

  it('honours the escape directive for continuation lines', () => {
    const text = [
      '# escape=`',
      'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
      'RUN powershell -Command `',
      '    Install-Thing -Name x',
      '',
    ].join('\n');
    const img = image([
      ['', true],
      ['cmd /S /C powershell -Command     Install-Thing -Name x', true],
    ]);
    const result = attribute(img, { path: 'Dockerfile', text });
    expect(result.kind).toBe('matched');
    if (result.kind === 'matched') expect(result.layers.get(layerId(2))).toMatchObject({ kind: 'instruction', line: 3 });
  });

  it('a Dockerfile edited after the build is detected, and nothing is attributed', () => {
    const img = image([...BASE, ['/bin/sh -c apt-get update && apt-get install -y openssl', true]]);
    const edited = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y openssl curl\n';
    const result = attribute(img, { path: 'Dockerfile', text: edited });
    expect(result).toMatchObject({ kind: 'mismatch', finalFromLine: 1 });
    expect(result.kind === 'mismatch' && result.reason).toContain('line 2');
  });

  it('names an imported base entry (no command) in the mismatch, not an empty gap', () => {
    const img = image([['', true]]);
    const result = attribute(img, { path: 'Dockerfile', text: 'FROM debian:bookworm\nCOPY start.sh /start.sh\n' });
    expect(result.kind === 'mismatch' && result.reason).toBe(
      "line 2 (COPY start.sh /start.sh) meets an entry with no command in the image's history",
    );
  });

  it('with no Dockerfile, findings still name the history entry', async () => {
    const img = image([...BASE, ['/bin/sh -c apt-get install -y openssl', true]]);
    const finding: Finding = {
      tool: 'trivy',
      ruleId: 'CVE-1',
      kind: 'vulnerability',
      severity: 'high',
      title: 't',
      message: 'openssl 3.0.11 has CVE-1',
      layer: layerId(2),
      fingerprint: 'f',
    };
    const result: ScanResult = {
      tool: 'trivy',
      key: 'img',
      target: 'img',
      origin: 'report',
      status: 'ok',
      durationMs: 0,
      findings: [finding],
      warnings: [],
      imageHistory: img,
    };
    const placed = await placeImageFindings([result], () => undefined);
    expect(placed.results[0]?.findings[0]?.message).toBe('openssl 3.0.11 has CVE-1. Created by: `RUN apt-get install -y openssl`.');
    expect(placed.results[0]?.findings[0]?.file).toBeUndefined();
  });

  it('masks a secret in the instruction it quotes', async () => {
    const token = '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';
    const run = `curl -H "Authorization: token ${token}" https://x.example/a -o /a`;
    const img = image([...BASE, [`/bin/sh -c ${run}`, true]]);
    const finding: Finding = {
      tool: 'trivy',
      ruleId: 'CVE-1',
      kind: 'vulnerability',
      severity: 'high',
      title: 't',
      message: 'm',
      layer: layerId(2),
      fingerprint: 'f',
    };
    const result: ScanResult = {
      tool: 'trivy',
      key: 'img',
      target: 'img',
      origin: 'report',
      status: 'ok',
      durationMs: 0,
      findings: [finding],
      warnings: [],
      imageHistory: img,
    };
    const text = `FROM debian:bookworm\nRUN ${run}\n`;
    const placed = await placeImageFindings([result], () => ({ path: 'Dockerfile', text, fromLine: 1 }));
    const placedFinding = placed.results[0]?.findings[0];
    expect(placedFinding?.line).toBe(2);
    expect(placedFinding?.message).toContain('Came in with `RUN curl -H "Authorization: token ***"');
    expect(JSON.stringify(placedFinding)).not.toContain(token);
    const withoutDockerfile = await placeImageFindings([result], () => undefined);
    expect(JSON.stringify(withoutDockerfile.results.map((r) => r.findings))).not.toContain(token);
  });

  it('says once that the Dockerfile does not match, and falls back to the FROM line', async () => {
    const img = image([...BASE, ['/bin/sh -c make', true]]);
    const finding = (n: number): Finding => ({
      tool: 'trivy',
      ruleId: `CVE-${n}`,
      kind: 'vulnerability',
      severity: 'high',
      title: 't',
      message: 'm',
      layer: layerId(2),
      fingerprint: `f${n}`,
    });
    const result: ScanResult = {
      tool: 'trivy',
      key: 'img',
      target: 'img',
      origin: 'report',
      status: 'ok',
      durationMs: 0,
      findings: [finding(1), finding(2)],
      warnings: [],
      imageHistory: img,
    };
    const text = 'FROM alpine\n\nRUN make install\n';
    const placed = await placeImageFindings([result], () => ({ path: 'Dockerfile', text, fromLine: 1 }));
    expect(placed.notes).toHaveLength(1);
    expect(placed.notes[0]).toMatch(/^Dockerfile does not match the image img/);
    expect(placed.results[0]?.findings.map((f) => [f.file, f.line])).toEqual([
      ['Dockerfile', 1],
      ['Dockerfile', 1],
    ]);
  });
});
