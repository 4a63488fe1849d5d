import { fingerprintOf, type Finding } from '../../model/finding.js';
import type { ImageModel } from '../../image/read.js';
import { classifyHistory, describeStep } from '../../dockerfile/history.js';
import { layerHistory } from '../../image/config.js';
import { builtinRule, ruleDocUrl } from '../../model/builtinRules.js';

/** What a check knows about the image it is looking at. */
export interface ImageSubject {
  /** The image as the user gave it. */
  input: string;
  /** Repository or archive path: fingerprints use it so they survive rebuilds. */
  key: string;
  model: ImageModel;
  /** The history's `created_by` lines with secrets masked (redactSecrets), by history index: what messages may quote. */
  commands: readonly string[];
  /** Secret values the checks found, for the redactor (ScanResult.secretValues); never put in a finding. */
  found: Set<string>;
}

export interface FindingDetail {
  message: string;
  path?: string;
  /** 0-based layer index. */
  layer?: number;
  /** 0-based index of the history entry that made it (Finding.historyStep). */
  historyStep?: number;
  /** What the finding is about when it is not a path (an env name, a port): keeps fingerprints apart. */
  subject?: string;
  file?: string;
  line?: number;
  /** Other layers (0-based) that matter, e.g. the one that deleted a secret. */
  related?: { layer: number; role: string }[];
}

export function builtinFinding(
  ruleId: string,
  image: Pick<ImageSubject, 'input' | 'key'> & { model?: ImageModel },
  detail: FindingDetail,
): Finding {
  const rule = builtinRule(ruleId);
  const diffId = detail.layer !== undefined ? image.model?.layers[detail.layer]?.diffId : undefined;
  const related = (detail.related ?? []).flatMap((r) => {
    const layer = image.model?.layers[r.layer]?.diffId;
    return layer ? [{ layer, role: r.role }] : [];
  });
  return {
    tool: 'bulkhead',
    ruleId,
    kind: rule.kind,
    severity: rule.severity,
    title: rule.title,
    message: detail.message,
    description: `${rule.what} ${rule.why}`,
    helpUri: ruleDocUrl(ruleId),
    // Findings about a Dockerfile (no image read) name no image.
    ...(image.model ? { image: image.input } : {}),
    ...(diffId ? { layer: diffId } : {}),
    ...(detail.historyStep !== undefined ? { historyStep: detail.historyStep } : {}),
    ...(detail.path !== undefined ? { path: `/${detail.path}` } : {}),
    ...(detail.file !== undefined ? { file: detail.file } : {}),
    ...(detail.line !== undefined ? { line: detail.line } : {}),
    fingerprint: fingerprintOf(['bulkhead', ruleId, image.key, detail.subject ?? detail.path ?? '']),
    ...(related.length > 0 ? { relatedLayers: related } : {}),
  };
}

/** "layer 3 (RUN apt-get install …)": how messages name a layer, quoting its masked command. */
export function layerLabel(image: Pick<ImageSubject, 'model' | 'commands'>, layer: number): string {
  const entry = layerHistory(image.model.config)[layer];
  const index = entry ? image.model.config.history.indexOf(entry) : -1;
  const command = index >= 0 ? describeStep(classifyHistory(image.commands[index] ?? '')) : '';
  return `layer ${layer + 1} of ${image.model.layers.length}${command ? ` (${command})` : ''}`;
}

/** Lists in messages: the first few, then how many more. */
export function listSome(items: readonly string[], max = 10): string {
  const shown = items.slice(0, max).map((i) => (i.startsWith('/') ? i : `/${i}`));
  return items.length > max ? `${shown.join(', ')} and ${items.length - max} more` : shown.join(', ');
}

/**
 * The last history entry of this instruction kind whose arguments satisfy `sets`: the step that
 * set a config value (USER, ENV, EXPOSE, VOLUME). Both builders' forms are read by
 * classifyHistory; undefined when the history does not say (an image built without one).
 */
export function settingStep(
  image: Pick<ImageSubject, 'model'>,
  kind: string,
  sets: (text: string) => boolean,
): { historyStep: number } | Record<string, never> {
  const history = image.model.config.history;
  for (let i = history.length - 1; i >= 0; i--) {
    const step = classifyHistory(history[i]?.createdBy ?? '');
    if (step.kind === kind && sets(step.text)) return { historyStep: i };
  }
  return {};
}
