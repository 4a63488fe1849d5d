import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspaceWith } from '../helpers.js';
import { interpolate, InterpolationError, parseDotEnv } from '../../src/workloads/interpolate.js';
import { checkWorkloads } from '../support/workloads.js';

async function errorOf(
  files: Record<string, string | Buffer>,
  inputs: { manifests?: string[]; compose?: string[]; env?: NodeJS.ProcessEnv },
) {
  const scan = await checkWorkloads(workspaceWith(files), inputs);
  const failed = scan.results.filter((r) => r.status === 'error');
  return { scan, errors: failed.map((r) => r.error ?? '') };
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx@sha256:${'a'.repeat(64)}
`;

describe('hostile and broken manifests', () => {
  it('refuse a YAML alias bomb quickly instead of expanding it', async () => {
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 30; i++)
      bomb += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    // The bomb sits where a rule reads (env), and the document is otherwise a Deployment.
    const text = `${DEPLOYMENT.replace('metadata: { name: web }', `metadata: { name: web }\nx-bomb:\n${bomb.replace(/^/gm, '  ')}`)}          env: *a29\n`;
    const started = performance.now();
    const { errors } = await errorOf({ 'bomb.yaml': text }, { manifests: ['bomb.yaml'] });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^bomb\.yaml:\d+: each env entry must be a mapping/);
  });

  it('read 10,000 documents, refuse deep nesting, duplicate keys and non-UTF-8 with the file and line', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c${i} }\n`).join('---\n');
    const ok = await checkWorkloads(workspaceWith({ 'many.yaml': many + '---\n' + DEPLOYMENT }), { manifests: ['many.yaml'] });
    expect(ok.results[0]?.status).toBe('ok');
    expect(ok.notes).toContain('The manifests hold objects the workload checks do not read, skipped: 10000 ConfigMap.');
    expect(ok.results[0]?.workloads?.map((w) => w.name)).toEqual(['web']);

    const deep = `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const duplicate = DEPLOYMENT.replace('kind: Deployment', 'kind: Deployment\nkind: Pod');
    const latin1 = Buffer.concat([Buffer.from(DEPLOYMENT.replace('name: web }', 'name: caf')), Buffer.from([0xe9]), Buffer.from(' }\n')]);
    const { errors } = await errorOf(
      { 'deep.yaml': deep, 'dup.yaml': duplicate, 'latin1.yaml': latin1 },
      { manifests: ['deep.yaml', 'dup.yaml', 'latin1.yaml'] },
    );
    expect(errors[0]).toMatch(/^deep\.yaml:1 is not valid YAML/);
    expect(errors[1]).toMatch(/^dup\.yaml:3 is not valid YAML: Map keys must be unique/);
    expect(errors[2]).toBe('latin1.yaml is not UTF-8 text; save it as UTF-8.');
  });

  it('refuse a 50 MB manifest without reading it, and a FIFO without blocking', async () => {
    const dir = workspaceWith({ 'big.yaml': Buffer.alloc(50 * 1024 * 1024, 0x20) });
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    const scan = await checkWorkloads(dir, { manifests: ['big.yaml', 'fifo.yaml'] });
    expect(scan.results.map((r) => r.error)).toEqual([
      'big.yaml is 50 MiB, larger than the 16 MiB bulkhead reads for such a file; is it the right file?',
      'fifo.yaml is not a regular file (a device, FIFO, socket or directory); give a file.',
    ]);
  });

  it('say what is wrong with a malformed object, at its line, and never pass it', async () => {
    const cases: [string, RegExp][] = [
      ['- just\n- a list\n', /^m\.yaml:1: each document must be a Kubernetes object/],
      ['kind: Deployment\nmetadata: { name: x }\n', /^m\.yaml:1: a Kubernetes object needs apiVersion and kind/],
      [
        DEPLOYMENT.replace('          image:', '          securityContext: { privileged: "yes" }\n          image:'),
        /^m\.yaml:9: privileged must be true or false/,
      ],
      [
        DEPLOYMENT.replace('        - name: web\n', '        - image: x\n').replace(/\n {10}image: nginx.*\n/, '\n'),
        /^m\.yaml:8: every container needs a name/,
      ],
      ['apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [] }\n', /^m\.yaml:4: the Pod p has no containers/],
      [DEPLOYMENT.replace('          image:', '          ports: { hostPort: 80 }\n          image:'), /^m\.yaml:9: ports must be a list/],
    ];
    for (const [text, message] of cases) {
      const { errors, scan } = await errorOf({ 'm.yaml': text }, { manifests: ['m.yaml'] });
      expect(errors, text).toHaveLength(1);
      expect(errors[0]).toMatch(message);
      expect(scan.findings).toEqual([]);
    }
  });

  it('skip unknown kinds (CRDs) with a count and read List items', async () => {
    const list = `apiVersion: v1
kind: List
items:
  - apiVersion: cert-manager.io/v1
    kind: Certificate
    metadata: { name: c }
  - apiVersion: v1
    kind: Pod
    metadata: { name: p }
    spec:
      containers:
        - name: p
          image: nginx@sha256:${'a'.repeat(64)}
          securityContext: { privileged: true }
`;
    const scan = await checkWorkloads(workspaceWith({ 'list.yaml': list }), { manifests: ['list.yaml'] });
    expect(scan.results[0]?.status).toBe('ok');
    expect(scan.findings.find((f) => f.ruleId === 'BH301')?.line).toBe(14);
    expect(scan.notes).toContain('The manifests hold objects the workload checks do not read, skipped: 1 Certificate.');
  });

  it('refuse a Compose file whose required variable is unset, and one that extends in a loop', async () => {
    const required = 'services:\n  web:\n    image: ${IMAGE:?set IMAGE to the image to run}\n';
    const loop = 'services:\n  a:\n    extends: b\n  b:\n    extends: a\n';
    const { errors } = await errorOf(
      { 'required.yaml': required, 'loop.yaml': loop },
      { compose: ['required.yaml', 'loop.yaml'], env: {} },
    );
    expect(errors).toEqual([
      'required.yaml:3: required variable IMAGE is not set: set IMAGE to the image to run.',
      'loop.yaml:2: extends makes a loop through the service "a".',
    ]);
  });
});

describe('Compose interpolation', () => {
  const env: Record<string, string> = { SET: 'value', EMPTY: '' };
  const lookup = (name: string) => env[name];
  it.each([
    ['plain $SET and ${SET}', 'plain value and value'],
    ['$$SET is literal', '$SET is literal'],
    ['${UNSET:-fallback} ${EMPTY:-fallback} ${EMPTY-kept}', 'fallback fallback '],
    ['${SET:+other} ${UNSET:+other} ${EMPTY+other}', 'other  other'],
    ['${UNSET:-${SET}}', 'value'],
    ['$', '$'],
    ['cost: 5$', 'cost: 5$'],
  ])('%s', (text, expected) => {
    expect(interpolate(text, lookup)).toBe(expected);
  });

  it('names unset variables and refuses broken references', () => {
    const unset = new Set<string>();
    expect(interpolate('${A} $B ${C:-x}', lookup, unset)).toBe('  x');
    expect([...unset]).toEqual(['A', 'B']);
    expect(() => interpolate('${EMPTY:?must be set}', lookup)).toThrow(InterpolationError);
    expect(() => interpolate('${UNCLOSED', lookup)).toThrow(/without its closing brace/);
    expect(() => interpolate('${1BAD}', lookup)).toThrow(/not a valid variable reference/);
  });

  it('reads .env files: quotes, export, comments, earlier values', () => {
    const values = parseDotEnv(
      '# comment\nexport A=1\nB=\'$A literal\'\nC="${A} two\\n"\nD=plain # trailing\nE=\nbad line\n',
      () => undefined,
    );
    expect(Object.fromEntries(values)).toEqual({ A: '1', B: '$A literal', C: '1 two\n', D: 'plain', E: '' });
  });
});
