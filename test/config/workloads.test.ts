import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse.js';
import type { RawInputs } from '../../src/config/inputs.js';
import { parsePolicyFile } from '../../src/policy/file.js';
import { UsageError } from '../../src/util/errors.js';
import { workspaceWith } from '../helpers.js';

function errorOf(raw: RawInputs, files: Record<string, string>): string {
  try {
    parseConfig(raw, { workspace: workspaceWith(files) });
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

const POD = 'apiVersion: v1\nkind: Pod\n';

describe('manifests, compose and pod-security inputs', () => {
  it('take files, globs, plain directories and kustomize directories', () => {
    const ws = workspaceWith({
      'k8s/app.yaml': POD,
      'k8s/extra/db.yml': POD,
      'k8s/README.md': '# not a manifest',
      'overlays/prod/kustomization.yaml': 'resources: []\n',
      'one.json': '{}',
    });
    const config = parseConfig({ manifests: 'k8s\noverlays/prod\none.json\nk8s/*.yaml' }, { workspace: ws });
    expect(config.targets.manifests).toEqual([
      { kind: 'file', path: 'k8s/app.yaml' },
      { kind: 'file', path: 'k8s/extra/db.yml' },
      { kind: 'kustomize', path: 'overlays/prod' },
      { kind: 'file', path: 'one.json' },
    ]);
  });

  it('find the Compose file at the workspace root by default, as Dockerfile is found', () => {
    expect(parseConfig({}, { workspace: workspaceWith({ 'docker-compose.yml': 'services: {}\n' }) }).targets.compose).toEqual([
      'docker-compose.yml',
    ]);
    expect(parseConfig({}, { workspace: workspaceWith({ 'compose.yaml': 'x', 'docker-compose.yml': 'y' }) }).targets.compose).toEqual([
      'compose.yaml',
    ]);
    const none = parseConfig({ dockerfile: 'Dockerfile' }, { workspace: workspaceWith({ Dockerfile: 'FROM scratch\n' }) });
    expect(none.targets.compose).toEqual([]);
    expect(none.targets.manifests).toEqual([]);
    // A default Compose file is not a reason to refuse a scanner list without bulkhead.
    expect(
      parseConfig({ tools: 'trivy' }, { workspace: workspaceWith({ 'compose.yaml': 'x', Dockerfile: 'FROM scratch\n' }) }).targets.compose,
    ).toEqual(['compose.yaml']);
  });

  it('refuse what cannot be checked, in one sentence', () => {
    expect(errorOf({ manifests: 'k8s/*.yaml' }, { 'k8s/a.yml': POD })).toMatch(
      /^manifests: the pattern k8s\/\*\.yaml matches no file under .*; fix the pattern or remove it\.$/,
    );
    expect(errorOf({ manifests: 'empty' }, { 'empty/notes.txt': 'x' })).toBe(
      'manifests: the directory empty holds no .yaml, .yml or .json file and no kustomization.yaml; give files or a kustomize directory.',
    );
    expect(errorOf({ manifests: 'missing.yaml' }, {})).toMatch(/^manifests: missing\.yaml does not exist/);
    expect(errorOf({ compose: 'compose.yaml', tools: 'trivy' }, { 'compose.yaml': 'x' })).toBe(
      "manifests and compose are checked by bulkhead's own rules; add bulkhead to tools (now trivy).",
    );
    expect(errorOf({ 'pod-security': 'strict' }, { Dockerfile: 'FROM scratch\n' })).toBe(
      'pod-security is "strict"; set it to one of: restricted, baseline, none.',
    );
  });

  it('read pod-security from the input over the policy file, and network-policies from the policy file', () => {
    expect(
      parseConfig({ 'pod-security': 'Restricted', manifests: 'a.yaml' }, { workspace: workspaceWith({ 'a.yaml': POD }) }).policy
        .podSecurity,
    ).toBe('restricted');
    expect(parsePolicyFile('pod-security: baseline\nnetwork-policies: required\n', '.bulkhead.yml')).toMatchObject({
      podSecurity: 'baseline',
      networkPolicies: 'required',
    });
    expect(() => parsePolicyFile('pod-security: strict\n', '.bulkhead.yml')).toThrow(
      '.bulkhead.yml:1: pod-security is "strict"; write restricted, baseline or none.',
    );
    expect(() => parsePolicyFile('network-policies: yes\n', '.bulkhead.yml')).toThrow(
      '.bulkhead.yml:1: network-policies is "yes"; write required or when-present.',
    );
  });
});
