import { Add, Copy, DockerfileParser, Run, type Heredoc } from 'dockerfile-ast';

/** A Dockerfile's build stages, as far as the image checks and attribution need them. */
export interface Stage {
  index: number;
  name?: string;
  /** The FROM argument after substituting the global ARG defaults. */
  base: string;
  /** 1-based line of the FROM instruction. */
  fromLine: number;
  /** Stage index when FROM names an earlier stage. */
  baseStage?: number;
  /** COPY --from sources: a stage index, or an image reference. */
  copiesFrom: { line: number; stage?: number; image?: string }[];
  /** ADD instructions: their sources (URLs, paths) and whether `--checksum` pins them. */
  adds: { line: number; sources: string[]; checksum: boolean }[];
  /** Every instruction after FROM, in order: what image history records, one entry each. */
  instructions: StageInstruction[];
}

export interface StageInstruction {
  /** Upper-case keyword: RUN, COPY … */
  kind: string;
  /** 1-based first and last line (continuations and heredocs included). */
  line: number;
  endLine: number;
  /** Arguments with continuations joined and whitespace collapsed (flags included). */
  text: string;
  /** Heredoc bodies, collapsed: BuildKit records them inside the RUN. */
  heredocs: string[];
  /** COPY --from=<stage or image>. */
  from?: string;
  /** The instruction as a reader sees it, on one line. */
  display: string;
}

function heredocBody(heredoc: Heredoc, lines: readonly string[]): string {
  const range = heredoc.getContentRange();
  if (!range) return '';
  return collapseText(lines.slice(range.start.line, range.end.line + 1).join('\n'));
}

const collapseText = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** `${VAR}`, `$VAR`, `${VAR:-default}` with the ARGs declared before the first FROM. */
function substitute(text: string, args: Map<string, string>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      const value = args.get(name);
      if (value !== undefined && value !== '') return value;
      return fallback ?? whole;
    },
  );
}

export function parseStages(text: string): Stage[] {
  const document = DockerfileParser.parse(text);
  const lines = text.split(/\r?\n/);
  const args = new Map<string, string>();
  for (const arg of document.getInitialARGs()) {
    const property = arg.getProperty();
    const name = property?.getName();
    if (name) args.set(name, property?.getValue() ?? '');
  }
  const stages: Stage[] = [];
  const byName = new Map<string, number>();
  // An instruction belongs to the stage whose FROM precedes it.
  const stageAt = (line: number): Stage | undefined => [...stages].reverse().find((s) => s.fromLine <= line);
  const stageRef = (ref: string): number | undefined => {
    const lower = ref.toLowerCase();
    if (byName.has(lower)) return byName.get(lower);
    if (/^\d+$/.test(ref) && Number(ref) < stages.length) return Number(ref);
    return undefined;
  };
  for (const from of document.getFROMs()) {
    const name = from.getBuildStage() ?? undefined;
    const base = substitute(from.getImage() ?? '', args);
    const baseStage = stageRef(base);
    const stage: Stage = {
      index: stages.length,
      ...(name ? { name } : {}),
      base,
      fromLine: from.getRange().start.line + 1,
      ...(baseStage !== undefined ? { baseStage } : {}),
      copiesFrom: [],
      adds: [],
      instructions: [],
    };
    stages.push(stage);
    if (name) byName.set(name.toLowerCase(), stage.index);
  }
  // COPY --from belongs to the stage whose FROM precedes it.
  for (const copy of document.getCOPYs()) {
    const source = copy.getFromFlag()?.getValue();
    if (!source) continue;
    const line = copy.getRange().start.line + 1;
    const owner = stageAt(line);
    if (!owner) continue;
    const substituted = substitute(source, args);
    const stage = stageRef(substituted);
    owner.copiesFrom.push(stage !== undefined && stage < owner.index ? { line, stage } : { line, image: substituted });
  }
  for (const instruction of document.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    if (keyword === 'FROM') continue;
    const range = instruction.getRange();
    const owner = stageAt(range.start.line + 1);
    if (!owner) continue;
    const text = collapseText(instruction.getArgumentsContent() ?? '');
    const heredocs =
      instruction instanceof Run || instruction instanceof Copy ? instruction.getHeredocs().map((h) => heredocBody(h, lines)) : [];
    const from = instruction instanceof Copy ? instruction.getFromFlag()?.getValue() : undefined;
    const display = collapseText(`${keyword} ${text}`);
    owner.instructions.push({
      kind: keyword,
      line: range.start.line + 1,
      endLine: range.end.line + 1,
      text,
      heredocs,
      ...(from ? { from } : {}),
      display: display.length > 100 ? `${display.slice(0, 99)}…` : display,
    });
  }
  for (const instruction of document.getInstructions()) {
    if (!(instruction instanceof Add)) continue;
    const line = instruction.getRange().start.line + 1;
    const owner = stageAt(line);
    if (!owner) continue;
    const values = instruction.getArguments().map((a) =>
      a
        .getValue()
        .replace(/^\[|\]$|,$/g, '')
        .replace(/^"(.*)"$/, '$1'),
    );
    const checksum = instruction.getFlags().some((f) => f.getName() === 'checksum');
    owner.adds.push({ line, sources: values.slice(0, -1).map((v) => substitute(v, args)), checksum });
  }
  return stages;
}

/** Stages whose content ends up in the final image: the last stage, its FROM chain, and what they COPY --from. */
export function stagesInImage(stages: readonly Stage[]): Stage[] {
  const last = stages[stages.length - 1];
  if (!last) return [];
  const seen = new Set<number>();
  const queue = [last.index];
  while (queue.length > 0) {
    const index = queue.pop() as number;
    if (seen.has(index)) continue;
    seen.add(index);
    const stage = stages[index] as Stage;
    if (stage.baseStage !== undefined) queue.push(stage.baseStage);
    for (const copy of stage.copiesFrom) if (copy.stage !== undefined) queue.push(copy.stage);
  }
  return stages.filter((s) => seen.has(s.index));
}
