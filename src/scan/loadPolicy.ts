import { existsSync } from 'node:fs';
import { MAX_DOCKERFILE_BYTES, MAX_POLICY_BYTES, readTextFile } from '../util/textFile.js';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { PolicyConfig, TargetsConfig } from '../config/types.js';
import type { FailOn } from '../model/severity.js';
import { FormatError, UsageError } from '../util/errors.js';
import { readJsonReport } from '../util/jsonFile.js';
import { workspacePath } from '../util/paths.js';
import type { Baseline } from '../policy/baseline.js';
import { setting, type BaselineSource, type ResolvedPolicy } from '../policy/resolved.js';
import { readBaseline } from '../report/json.js';
import { parsePolicyFile, type PolicyException, type PolicyFile } from '../policy/file.js';
import type { NetworkPolicyRequirement, PodSecurityRequirement } from '../model/workload.js';
import { parseTrivyIgnore, parseTrivyIgnoreYaml } from '../policy/trivyignore.js';
import { parseOpenVex, type VexStatement } from '../policy/vex.js';

/** `ignored` in .hadolint.yaml and `# hadolint ignore=` pragmas in the Dockerfiles. */
async function hadolintIgnores(config: Pick<TargetsConfig, 'workspace' | 'dockerfiles'>): Promise<string[]> {
  const found: string[] = [];
  for (const name of ['.hadolint.yaml', '.hadolint.yml']) {
    const path = resolve(config.workspace, name);
    if (!existsSync(path)) continue;
    const text = await readTextFile(path, name, MAX_POLICY_BYTES);
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch {
      throw new UsageError(`${name} is not valid YAML; fix it or remove it (hadolint reads it too).`);
    }
    const ignored = typeof parsed === 'object' && parsed !== null ? (parsed as { ignored?: unknown }).ignored : undefined;
    if (Array.isArray(ignored)) for (const rule of ignored) found.push(`${String(rule)} (${name})`);
  }
  for (const dockerfile of config.dockerfiles) {
    const lines = (await readTextFile(resolve(config.workspace, dockerfile), dockerfile, MAX_DOCKERFILE_BYTES)).split(/\r?\n/);
    lines.forEach((line, index) => {
      const pragma = /^\s*#\s*hadolint\s+ignore=([A-Za-z0-9,\s]+)/.exec(line);
      if (pragma)
        for (const rule of (pragma[1] as string)
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean))
          found.push(`${rule} (${dockerfile}:${index + 1})`);
    });
  }
  return found;
}

/**
 * Everything that decides the gate besides the findings: inputs, `.bulkhead.yml`, Trivy's
 * ignore files, VEX documents and the baseline. Inputs override the file.
 */
export async function loadPolicy(targets: TargetsConfig, config: PolicyConfig, baselineSource?: BaselineSource): Promise<ResolvedPolicy> {
  const { workspace } = targets;
  const files: string[] = [];
  const notes: string[] = [];
  let file: PolicyFile = { overrides: [], exceptions: [] };
  if (config.policyFile) {
    const name = workspacePath(workspace, config.policyFile);
    file = parsePolicyFile(await readTextFile(config.policyFile, name, MAX_POLICY_BYTES), name);
    files.push(name);
  }
  const exceptions: PolicyException[] = [...file.exceptions];
  for (const [name, parse] of [
    ['.trivyignore', parseTrivyIgnore],
    ['.trivyignore.yaml', parseTrivyIgnoreYaml],
  ] as const) {
    const path = resolve(workspace, name);
    if (!existsSync(path)) continue;
    exceptions.push(...parse(await readTextFile(path, name, MAX_POLICY_BYTES), name));
    files.push(name);
  }
  // trivyignores: each in the format its name says, as Trivy picks it.
  for (const path of config.trivyIgnoreFiles) {
    const name = workspacePath(workspace, path);
    if (files.includes(name)) continue;
    const parse = /\.ya?ml$/i.test(path) ? parseTrivyIgnoreYaml : parseTrivyIgnore;
    exceptions.push(...parse(await readTextFile(path, name, MAX_POLICY_BYTES), name));
    files.push(name);
  }
  const vex: VexStatement[] = [];
  for (const path of config.vexFiles) {
    const name = workspacePath(workspace, path);
    const [document, ...extra] = await readJsonReport(path);
    if (extra.length > 0) throw new FormatError(name, 'holds more than one JSON document; write one OpenVEX document per file.');
    vex.push(...parseOpenVex(document, name));
    files.push(name);
  }
  const settings = {
    failOn: setting<FailOn>(config.failOn, file.failOn, 'high'),
    ignoreUnfixed: setting(config.ignoreUnfixed, file.ignoreUnfixed, false),
    onlyNew: setting(config.onlyNew, file.onlyNew, false),
    podSecurity: setting<PodSecurityRequirement>(config.podSecurity, file.podSecurity, 'none'),
    networkPolicies: setting<NetworkPolicyRequirement>(undefined, file.networkPolicies, 'when-present'),
  };
  let baseline: Baseline | undefined;
  if (config.baselineFile) {
    const name = workspacePath(workspace, config.baselineFile);
    const [document] = await readJsonReport(config.baselineFile);
    baseline = readBaseline(document, name);
  } else if (settings.onlyNew.value && baselineSource) {
    baseline = await baselineSource.restore();
  }
  if (settings.onlyNew.value && !baseline) {
    notes.push('only-new is on but no baseline was found: every finding counts as new.');
  }
  return {
    gate: {
      failOn: settings.failOn.value,
      ignoreUnfixed: settings.ignoreUnfixed.value,
      onlyNew: settings.onlyNew.value,
      overrides: file.overrides,
      exceptions,
      vex,
      ...(baseline ? { baseline } : {}),
    },
    settings,
    files,
    hadolintIgnores: await hadolintIgnores(targets),
    notes,
  };
}
