import { parseStages, type Stage, type StageInstruction } from '../dockerfile/stages.js';
import { classifyHistory, collapse, describeStep, type HistoryStep } from '../dockerfile/history.js';

import type { ImageHistory } from '../model/scanResult.js';

/** Where a layer came from: a Dockerfile instruction, or the base image. */
export interface LayerOrigin {
  kind: 'instruction' | 'base';
  /** 1-based Dockerfile line: the instruction's, or the real base's FROM. */
  line: number;
  /** The instruction as written (one line), or `FROM <base>`. */
  instruction: string;
  /** Name of the stage holding the instruction, when it is not the final stage. */
  stage?: string;
  /** COPY --from=<stage or image>. */
  copiedFrom?: string;
  /** The base image reference, for base layers. */
  baseImage?: string;
}

export type Attribution =
  | {
      kind: 'matched';
      dockerfile: string;
      /** By layer diffID. */
      layers: Map<string, LayerOrigin>;
      /** By history index, empty-layer entries included (ENV, USER, EXPOSE set no layer). */
      steps: Map<number, LayerOrigin>;
      finalFromLine: number;
      baseImage: string;
    }
  | { kind: 'mismatch'; dockerfile: string; reason: string; finalFromLine: number }
  | { kind: 'history-only'; layers: Map<string, string>; steps: Map<number, string> };

interface ChainedInstruction extends StageInstruction {
  stageName?: string;
  final: boolean;
}

/** The final stage and the stages it is built FROM, root first: their instructions are the image's own history. */
function chainOf(stages: readonly Stage[]): Stage[] {
  const chain: Stage[] = [];
  let current = stages[stages.length - 1];
  const seen = new Set<number>();
  while (current && !seen.has(current.index)) {
    seen.add(current.index);
    chain.unshift(current);
    current = current.baseStage !== undefined ? stages[current.baseStage] : undefined;
  }
  return chain;
}

function runText(text: string): string {
  let rest = text;
  // RUN --mount=… --network=… flags are not recorded in history.
  for (;;) {
    const flag = /^--[a-z-]+(?:=\S*)?\s+/.exec(rest);
    if (!flag) break;
    rest = rest.slice(flag[0].length);
  }
  if (rest.startsWith('[')) {
    try {
      const parts = JSON.parse(rest) as unknown;
      if (Array.isArray(parts)) return collapse(parts.map(String).join(' '));
    } catch {
      // Not JSON after all: compare as written.
    }
  }
  return collapse(rest);
}

export function stepMatches(step: HistoryStep, instruction: StageInstruction): boolean {
  if (step.kind !== instruction.kind) return false;
  if (step.kind !== 'RUN') return true;
  const written = runText(instruction.text);
  if (step.text === written) return true;
  const exec = /^\[.*\]$/.exec(step.text) ? runText(step.text) : undefined;
  if (exec === written) return true;
  // A heredoc RUN: BuildKit records the script inside the command.
  return instruction.heredocs.length > 0 && instruction.heredocs.every((body) => body === '' || step.text.includes(body));
}

/**
 * Aligns the image history with the Dockerfile from the last instruction backwards: every
 * instruction of the final stage's chain must meet a history entry of its kind (and, for RUN,
 * its command) in order; what is left before them is the base image. Anything else means the
 * Dockerfile is not the one that built the image, and nothing is attributed.
 */
export function attribute(image: ImageHistory, dockerfile?: { path: string; text: string }): Attribution {
  const steps = image.history.map((h) => classifyHistory(h.createdBy));
  const withLayers = image.history.flatMap((h, i) => (h.emptyLayer ? [] : [i]));
  if (!dockerfile) {
    const layers = new Map<string, string>();
    if (withLayers.length === image.diffIds.length)
      withLayers.forEach((entry, n) => layers.set(image.diffIds[n] as string, describeStep(steps[entry] as HistoryStep)));
    return { kind: 'history-only', layers, steps: new Map(steps.map((step, i) => [i, describeStep(step)])) };
  }
  const stages = parseStages(dockerfile.text);
  const final = stages[stages.length - 1];
  if (!final) return { kind: 'mismatch', dockerfile: dockerfile.path, reason: 'it has no FROM instruction', finalFromLine: 1 };
  const mismatch = (reason: string): Attribution => ({
    kind: 'mismatch',
    dockerfile: dockerfile.path,
    reason,
    finalFromLine: final.fromLine,
  });
  if (withLayers.length !== image.diffIds.length)
    return mismatch(`the image's history names ${withLayers.length} layers but it has ${image.diffIds.length}`);
  const chain = chainOf(stages);
  const root = chain[0] as Stage;
  const instructions: ChainedInstruction[] = chain.flatMap((stage) =>
    stage.instructions.map((i) => ({ ...i, ...(stage.name ? { stageName: stage.name } : {}), final: stage === final })),
  );
  const assigned = new Map<number, ChainedInstruction>();
  let h = steps.length - 1;
  for (let j = instructions.length - 1; j >= 0; j--) {
    const instruction = instructions[j] as ChainedInstruction;
    const step = steps[h];
    if (step && stepMatches(step, instruction)) {
      assigned.set(h, instruction);
      h -= 1;
      continue;
    }
    // Builders differ on whether ARG leaves an entry; a missing one is no evidence either way.
    if (instruction.kind === 'ARG') continue;
    const found = step ? describeStep(step, 60) || 'an entry with no command' : 'nothing';
    return mismatch(`line ${instruction.line} (${instruction.display.slice(0, 60)}) meets ${found} in the image's history`);
  }
  const baseImage = root.base;
  const base: LayerOrigin = { kind: 'base', line: root.fromLine, instruction: `FROM ${baseImage}`, baseImage };
  const originSteps = new Map<number, LayerOrigin>();
  steps.forEach((_, entry) => {
    const instruction = assigned.get(entry);
    originSteps.set(
      entry,
      instruction
        ? {
            kind: 'instruction',
            line: instruction.line,
            instruction: instruction.display,
            ...(instruction.stageName && !instruction.final ? { stage: instruction.stageName } : {}),
            ...(instruction.from ? { copiedFrom: instruction.from } : {}),
          }
        : base,
    );
  });
  const layers = new Map<string, LayerOrigin>();
  withLayers.forEach((entry, n) => layers.set(image.diffIds[n] as string, originSteps.get(entry) ?? base));
  return { kind: 'matched', dockerfile: dockerfile.path, layers, steps: originSteps, finalFromLine: final.fromLine, baseImage };
}
