import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Config, FailOn } from '../config.js';
import { ReportError, UsageError } from '../errors.js';
import { readJsonReport } from '../reportFile.js';
import { BaselineFormatError, parseBaseline, type Baseline } from './baseline.js';
import type { GatePolicy } from './decide.js';
import { parsePolicyFile, type PolicyException, type PolicyFile } from './file.js';
import { parseTrivyIgnore, parseTrivyIgnoreYaml } from './trivyignore.js';
import { parseOpenVex, VexFormatError, type VexStatement } from './vex.js';

export type SettingSource = 'input' | 'policy file' | 'default';

export interface Setting<T> {
  value: T;
  source: SettingSource;
}

export interface ResolvedPolicy {
  gate: Omit<GatePolicy, 'today'> & { failOn: FailOn; ignoreUnfixed: boolean; onlyNew: boolean };
  settings: { failOn: Setting<FailOn>; ignoreUnfixed: Setting<boolean>; onlyNew: Setting<boolean> };
  /** Files whose rules were applied, repo-relative. */
  files: string[];
  /** Rules hadolint applies itself (config `ignored`, inline pragmas): reported, not re-applied. */
  hadolintIgnores: string[];
  notes: string[];
}

/** Where a baseline comes from when no `baseline` input names one (the action's cache). */
export interface BaselineSource {
  restore(): Promise<Baseline | undefined>;
}

function setting<T>(input: T | undefined, file: T | undefined, fallback: T): Setting<T> {
  if (input !== undefined) return { value: input, source: 'input' };
  if (file !== undefined) return { value: file, source: 'policy file' };
  return { value: fallback, source: 'default' };
}

function display(workspace: string, full: string): string {
  const rel = relative(workspace, full);
  return rel.startsWith('..') || isAbsolute(rel) ? full : rel.split(sep).join('/');
}

async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** `ignored` in .hadolint.yaml and `# hadolint ignore=` pragmas in the Dockerfiles. */
async function hadolintIgnores(config: Config): Promise<string[]> {
  const found: string[] = [];
  for (const name of ['.hadolint.yaml', '.hadolint.yml']) {
    const path = resolve(config.workspace, name);
    if (!existsSync(path)) continue;
    let parsed: unknown;
    try {
      parsed = parseYaml(await readText(path));
    } catch {
      throw new UsageError(`${name} is not valid YAML; fix it or remove it (hadolint reads it too).`);
    }
    const ignored = typeof parsed === 'object' && parsed !== null ? (parsed as { ignored?: unknown }).ignored : undefined;
    if (Array.isArray(ignored)) for (const rule of ignored) found.push(`${String(rule)} (${name})`);
  }
  for (const dockerfile of config.dockerfiles) {
    const lines = (await readText(resolve(config.workspace, dockerfile))).split(/\r?\n/);
    lines.forEach((line, index) => {
      const pragma = /^\s*#\s*hadolint\s+ignore=([A-Za-z0-9,\s]+)/.exec(line);
      if (pragma) for (const rule of (pragma[1] as string).split(',').map((r) => r.trim()).filter(Boolean)) found.push(`${rule} (${dockerfile}:${index + 1})`);
    });
  }
  return found;
}

/**
 * Everything that decides the gate besides the findings: inputs, `.bulkhead.yml`, Trivy's
 * ignore files, VEX documents and the baseline. Inputs override the file.
 */
export async function loadPolicy(config: Config, baselineSource?: BaselineSource): Promise<ResolvedPolicy> {
  const files: string[] = [];
  const notes: string[] = [];
  let file: PolicyFile = { overrides: [], exceptions: [] };
  if (config.policyFile) {
    const name = display(config.workspace, config.policyFile);
    file = parsePolicyFile(await readText(config.policyFile), name);
    files.push(name);
  }
  const exceptions: PolicyException[] = [...file.exceptions];
  for (const [name, parse] of [
    ['.trivyignore', parseTrivyIgnore],
    ['.trivyignore.yaml', parseTrivyIgnoreYaml],
  ] as const) {
    const path = resolve(config.workspace, name);
    if (!existsSync(path)) continue;
    exceptions.push(...parse(await readText(path), name));
    files.push(name);
  }
  const vex: VexStatement[] = [];
  for (const path of config.vexFiles) {
    const name = display(config.workspace, path);
    const [document, ...extra] = await readJsonReport(path);
    if (extra.length > 0) throw new ReportError(name, 'holds more than one JSON document; write one OpenVEX document per file.');
    try {
      vex.push(...parseOpenVex(document, name));
    } catch (error) {
      if (error instanceof VexFormatError) throw new ReportError(name, `${error.message}.`);
      throw error;
    }
    files.push(name);
  }
  const settings = {
    failOn: setting(config.failOn, file.failOn, 'high' as FailOn),
    ignoreUnfixed: setting(config.ignoreUnfixed, file.ignoreUnfixed, false),
    onlyNew: setting(config.onlyNew, file.onlyNew, false),
  };
  let baseline: Baseline | undefined;
  if (config.baselineFile) {
    const name = display(config.workspace, config.baselineFile);
    const [document] = await readJsonReport(config.baselineFile);
    try {
      baseline = parseBaseline(document, name);
    } catch (error) {
      if (error instanceof BaselineFormatError) throw new ReportError(name, `${error.message}.`);
      throw error;
    }
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
    hadolintIgnores: await hadolintIgnores(config),
    notes,
  };
}
