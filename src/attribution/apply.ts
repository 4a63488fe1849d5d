import { asSentence } from '../util/errors.js';
import type { Finding, Introduction } from '../model/finding.js';
import { redactSecrets } from '../secrets/shapes.js';
import type { ScanResult } from '../model/scanResult.js';
import { attribute, type Attribution, type LayerOrigin } from './align.js';

/** The Dockerfile that built an image, as far as the inputs say. */
export interface DockerfileSource {
  path: string;
  text: string;
}

function introduction(origin: LayerOrigin): Introduction {
  return origin.kind === 'base'
    ? { kind: 'base', instruction: origin.instruction, ...(origin.baseImage ? { baseImage: origin.baseImage } : {}) }
    : {
        kind: 'instruction',
        instruction: origin.instruction,
        ...(origin.stage ? { stage: origin.stage } : {}),
        ...(origin.copiedFrom ? { copiedFrom: origin.copiedFrom } : {}),
      };
}

export function describeOrigin(origin: LayerOrigin, dockerfile: string): string {
  if (origin.kind === 'base') return `From the base image ${origin.baseImage ?? ''} (${dockerfile}:${origin.line}).`;
  const stage = origin.stage ? ` in stage ${origin.stage}` : '';
  const copied = origin.copiedFrom ? `, copied from stage ${origin.copiedFrom}` : '';
  return `Came in with \`${origin.instruction}\` at ${dockerfile}:${origin.line}${stage}${copied}.`;
}

/** Where a finding came from: the history entry that made it, else the layer it is in. */
function originOf<T>(finding: Finding, attribution: { layers: Map<string, T>; steps: Map<number, T> }): T | undefined {
  return (
    (finding.historyStep !== undefined ? attribution.steps.get(finding.historyStep) : undefined) ??
    (finding.layer ? attribution.layers.get(finding.layer) : undefined)
  );
}

/** One finding placed by an attribution: file, line, what introduced it, and a sentence saying so. */
export function placeFinding(
  finding: Finding,
  attribution: Attribution | undefined,
  fallback: (DockerfileSource & { fromLine: number }) | undefined,
): Finding {
  if (finding.file !== undefined) return finding;
  if (attribution?.kind === 'matched') {
    const origin = originOf(finding, attribution);
    const related = (finding.relatedLayers ?? []).flatMap((r) => {
      const other = attribution.layers.get(r.layer);
      return other ? [{ file: attribution.dockerfile, line: other.line, role: r.role, instruction: other.instruction }] : [];
    });
    const relatedText = related
      .map((r) => ` ${r.role[0]?.toUpperCase()}${r.role.slice(1)} by \`${r.instruction}\` at ${r.file}:${r.line}.`)
      .join('');
    if (origin) {
      return {
        ...finding,
        file: attribution.dockerfile,
        line: origin.line,
        introducedBy: introduction(origin),
        message: `${asSentence(finding.message)} ${describeOrigin(origin, attribution.dockerfile)}${relatedText}`,
        ...(related.length > 0 ? { relatedLines: related.map(({ file, line, role }) => ({ file, line, role })) } : {}),
      };
    }
    return { ...finding, file: attribution.dockerfile, line: attribution.finalFromLine };
  }
  if (attribution?.kind === 'history-only') {
    const step = originOf(finding, attribution);
    if (step) {
      const placed: Finding = {
        ...finding,
        introducedBy: { kind: 'history', instruction: step },
        message: `${asSentence(finding.message)} Created by: \`${step}\`.`,
      };
      return fallback ? { ...placed, file: fallback.path, line: fallback.fromLine } : placed;
    }
  }
  return fallback ? { ...finding, file: fallback.path, line: fallback.fromLine } : finding;
}

export interface PlacedResults {
  results: ScanResult[];
  notes: string[];
}

/**
 * Puts every image finding on the Dockerfile line that brought it in. `dockerfileFor` names the
 * Dockerfile given for an image key (if any); `fromLine` is the final FROM line used when the
 * Dockerfile does not match the image.
 */
/** The attribution with every quoted instruction and history line masked (redactSecrets). */
async function masked(attribution: Attribution): Promise<Attribution> {
  const cache = new Map<string, Promise<string>>();
  const redact = (text: string): Promise<string> => {
    let pending = cache.get(text);
    if (!pending) cache.set(text, (pending = redactSecrets(text)));
    return pending;
  };
  if (attribution.kind === 'mismatch') return { ...attribution, reason: await redact(attribution.reason) };
  if (attribution.kind === 'history-only') {
    const layers = new Map<string, string>();
    for (const [layer, step] of attribution.layers) layers.set(layer, await redact(step));
    const steps = new Map<number, string>();
    for (const [index, step] of attribution.steps) steps.set(index, await redact(step));
    return { ...attribution, layers, steps };
  }
  const maskOrigin = async (origin: LayerOrigin): Promise<LayerOrigin> => ({ ...origin, instruction: await redact(origin.instruction) });
  const layers = new Map<string, LayerOrigin>();
  for (const [layer, origin] of attribution.layers) layers.set(layer, await maskOrigin(origin));
  const steps = new Map<number, LayerOrigin>();
  for (const [index, origin] of attribution.steps) steps.set(index, await maskOrigin(origin));
  return { ...attribution, layers, steps };
}

export async function placeImageFindings(
  results: readonly ScanResult[],
  dockerfileFor: (imageKey: string) => (DockerfileSource & { fromLine: number }) | undefined,
): Promise<PlacedResults> {
  const notes: string[] = [];
  const histories = new Map<string, ScanResult['imageHistory']>();
  for (const result of results) if (result.imageHistory && !histories.has(result.key)) histories.set(result.key, result.imageHistory);
  const attributions = new Map<string, Attribution | undefined>();
  const attributionFor = async (key: string): Promise<Attribution | undefined> => {
    if (attributions.has(key)) return attributions.get(key);
    const history = histories.get(key);
    const dockerfile = dockerfileFor(key);
    const attribution = history ? await masked(attribute(history, dockerfile)) : undefined;
    if (attribution?.kind === 'mismatch') {
      notes.push(
        `${attribution.dockerfile} does not match the image ${key} (${attribution.reason}): edited since the build, or another Dockerfile. Its image findings sit on the FROM line (line ${attribution.finalFromLine}).`,
      );
    }
    attributions.set(key, attribution);
    return attribution;
  };
  const placed: ScanResult[] = [];
  for (const result of results) {
    if (result.tool === 'hadolint' || result.findings.every((f) => f.file !== undefined)) {
      placed.push(result);
      continue;
    }
    const attribution = await attributionFor(result.key);
    const fallback = dockerfileFor(result.key);
    placed.push({ ...result, findings: result.findings.map((f) => placeFinding(f, attribution, fallback)) });
  }
  return { results: placed, notes };
}
