import { describe, expect, it } from 'vitest';
import { checkDockerfile } from '../../src/scanners/builtin/dockerfile.js';
import { historySecrets, pipesRemoteScript, remoteAddUrl } from '../../src/scanners/builtin/history.js';
import { runsAsRoot } from '../../src/scanners/builtin/imageConfig.js';
import { isCredentialName, isLiteralSecretValue, maskCredentials } from '../../src/secrets/shapes.js';
import { privateKeyKind } from '../../src/image/layer.js';

describe('image config and history rules on the text they read', () => {
  it.each([
    ['', true],
    ['root', true],
    ['0', true],
    ['0:0', true],
    ['root:staff', true],
    ['10001', false],
    ['app', false],
    ['10001:0', false],
  ])('USER %j runs as root: %s', (user, root) => {
    expect(runsAsRoot(user)).toBe(root);
  });

  it.each([
    ['DB_PASSWORD', true],
    ['NPM_TOKEN', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['STRIPE_API_KEY', true],
    ['CLIENT_SECRET', true],
    ['POSTGRES_PASSWORD_FILE', false],
    ['AWS_ACCESS_KEY_ID', false],
    ['GPG_KEY', false],
    ['PWD', false],
    ['TOKEN_URL', false],
    ['PATH', false],
  ])('%s is a credential name: %s', (name, expected) => {
    expect(isCredentialName(name)).toBe(expected);
  });

  it('a reference, a path or a flag is not a literal secret', () => {
    for (const value of ['$NPM_TOKEN', '${TOKEN}', '/run/secrets/db', 'true', '', 'no'])
      expect(isLiteralSecretValue(value), value).toBe(false);
    expect(isLiteralSecretValue('hunter2-prod')).toBe(true);
  });

  it('finds build-arg values, curl -u and URL passwords in history, from the classic builder and BuildKit', async () => {
    const kinds = async (line: string) => (await historySecrets(line)).map((h) => h.kind);
    expect(await kinds('|1 NPM_TOKEN=npm_abcdefghijklmnopqrstuvwxyz0123456789 /bin/sh -c npm ci')).toContain('NPM_TOKEN=…');
    expect(await kinds('RUN |2 NPM_TOKEN=s3cret-value VERSION=1 /bin/sh -c npm ci # buildkit')).toContain('NPM_TOKEN=…');
    expect(await kinds('/bin/sh -c curl -u deploy:Pa55word-x https://repo.example/a.tgz -o a.tgz')).toEqual([
      'user:password passed to a download tool',
    ]);
    expect(await kinds('/bin/sh -c git clone https://bot:ghs_tokenvalue123@git.example/x.git')).toContain('password in a URL');
    expect(await kinds('|1 NPM_TOKEN= /bin/sh -c npm ci')).toEqual([]);
    expect(await kinds('/bin/sh -c apt-get update && apt-get install -y curl')).toEqual([]);
    expect(
      maskCredentials('|1 NPM_TOKEN=npm_secret LANG=C /bin/sh -c curl -u deploy:Pa55word-x https://u:p4ss@h/x && useradd -u 1000 app'),
    ).toBe('|1 NPM_TOKEN=*** LANG=C /bin/sh -c curl -u deploy:*** https://***@h/x && useradd -u 1000 app');
  });

  it('recognises ADD from a URL (without its query) and remote scripts piped to a shell', () => {
    expect(remoteAddUrl('/bin/sh -c #(nop) ADD https://example.com/tool.tgz?token=abc /opt/')).toBe('https://example.com/tool.tgz');
    expect(remoteAddUrl('ADD https://example.com/a.sh /a.sh # buildkit')).toBe('https://example.com/a.sh');
    expect(remoteAddUrl('/bin/sh -c #(nop) ADD file:0123abcd in / ')).toBeUndefined();
    for (const line of [
      '/bin/sh -c curl -fsSL https://x/install.sh | sh',
      'RUN /bin/sh -c wget -qO- https://x/i | sudo bash # buildkit',
      '/bin/sh -c sh -c "$(curl -fsSL https://x/i.sh)"',
      '/bin/sh -c curl -s https://x/get.py | python3',
    ]) {
      expect(pipesRemoteScript(line), line).toBe(true);
    }
    for (const line of ['/bin/sh -c curl -fsSLo install.sh https://x/i.sh && sha256sum -c sums && sh install.sh', '/bin/sh -c ls | sort'])
      expect(pipesRemoteScript(line), line).toBe(false);
  });

  it('tells a private key from a string that only names one', () => {
    expect(privateKeyKind(Buffer.from('const HEADER = "-----BEGIN RSA PRIVATE KEY-----";\n'))).toBeUndefined();
    const body = 'MC4CAQAwBQYDK2VwBCIEIDm8XnSZhBuiEPNSP+0MR8AZcwnKxs0BRFWt6ryHIqT0\n';
    expect(privateKeyKind(Buffer.from(`-----BEGIN PRIVATE KEY-----\n${body}-----END PRIVATE KEY-----\n`))).toBe('PKCS#8 private key');
    expect(privateKeyKind(Buffer.from(`-----BEGIN OPENSSH PRIVATE KEY-----\n${body}${body}-----END OPENSSH PRIVATE KEY-----\n`))).toBe(
      'OPENSSH private key',
    );
  });
});

describe('BH109 on Dockerfiles', () => {
  it('flags each FROM of a stage in the image that is not pinned by digest, on its line, following stages and ARGs', () => {
    const text = [
      'ARG BASE=debian:bookworm-slim',
      'FROM golang:1.22 AS build',
      'RUN go build -o /app .',
      'FROM node:20 AS unused',
      'FROM ${BASE}@sha256:' + 'a'.repeat(64) + ' AS runtime',
      'COPY --from=build /app /app',
      'COPY --from=busybox:latest /bin/busybox /bin/busybox',
      'FROM runtime',
      '',
    ].join('\n');
    const findings = checkDockerfile('Dockerfile', text);
    expect(findings.map((f) => [f.line, f.message.split(':')[0]])).toEqual([
      [2, 'FROM golang'],
      [7, 'COPY --from=busybox'],
    ]);
    expect(findings.every((f) => f.file === 'Dockerfile' && f.ruleId === 'BH109')).toBe(true);
    expect(checkDockerfile('Dockerfile', 'FROM scratch\nCOPY a /a\n')).toEqual([]);
    const adds = checkDockerfile(
      'Dockerfile',
      'FROM scratch\nADD https://example.com/t.tgz?sig=abc /opt/\nADD --checksum=sha256:' +
        'b'.repeat(64) +
        ' https://example.com/ok.tgz /opt/\nADD local.tgz /opt/\n',
    );
    expect(adds.map((f) => [f.ruleId, f.line])).toEqual([['BH106', 2]]);
    expect(adds[0]?.message).not.toContain('sig=abc');
    expect(checkDockerfile('Dockerfile', 'FROM alpine\n')[0]?.message).toContain('no tag (so latest)');
  });
});
