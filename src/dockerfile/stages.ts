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
function substitute(text: string, args: ReadonlyMap<string, string>): string {
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

type ParsedDockerfile = ReturnType<typeof DockerfileParser.parse>;

function initialArgs(document: ParsedDockerfile): Map<string, string> {
  const args = new Map<string, string>();
  for (const arg of document.getInitialARGs()) {
    const property = arg.getProperty();
    const name = property?.getName();
    if (name) args.set(name, property?.getValue() ?? '');
  }
  return args;
}

/** The stages, each with its FROM; an instruction belongs to the stage whose FROM precedes it. */
class StageIndex {
  readonly stages: Stage[] = [];
  private readonly byName = new Map<string, number>();

  add(stage: Omit<Stage, 'index'>): void {
    const indexed = { index: this.stages.length, ...stage };
    this.stages.push(indexed);
    if (stage.name) this.byName.set(stage.name.toLowerCase(), indexed.index);
  }

  /** The stage a line belongs to: the last one whose FROM is at or before it (stages are in line order). */
  at(line: number): Stage | undefined {
    let low = 0;
    let high = this.stages.length - 1;
    let found: Stage | undefined;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const stage = this.stages[middle] as Stage;
      if (stage.fromLine <= line) {
        found = stage;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }

  ref(reference: string): number | undefined {
    const lower = reference.toLowerCase();
    if (this.byName.has(lower)) return this.byName.get(lower);
    if (/^\d+$/.test(reference) && Number(reference) < this.stages.length) return Number(reference);
    return undefined;
  }
}

function readStages(document: ParsedDockerfile, args: ReadonlyMap<string, string>): StageIndex {
  const index = new StageIndex();
  for (const from of document.getFROMs()) {
    const name = from.getBuildStage() ?? undefined;
    const base = substitute(from.getImage() ?? '', args);
    const baseStage = index.ref(base);
    index.add({
      ...(name ? { name } : {}),
      base,
      fromLine: from.getRange().start.line + 1,
      ...(baseStage !== undefined ? { baseStage } : {}),
      copiesFrom: [],
      adds: [],
      instructions: [],
    });
  }
  return index;
}

function readCopiesFrom(document: ParsedDockerfile, index: StageIndex, args: ReadonlyMap<string, string>): void {
  for (const copy of document.getCOPYs()) {
    const source = copy.getFromFlag()?.getValue();
    if (!source) continue;
    const line = copy.getRange().start.line + 1;
    const owner = index.at(line);
    if (!owner) continue;
    const substituted = substitute(source, args);
    const stage = index.ref(substituted);
    owner.copiesFrom.push(stage !== undefined && stage < owner.index ? { line, stage } : { line, image: substituted });
  }
}

function readInstructions(
  document: ParsedDockerfile,
  index: StageIndex,
  lines: readonly string[],
  args: ReadonlyMap<string, string>,
): void {
  for (const instruction of document.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    if (keyword === 'FROM') continue;
    const range = instruction.getRange();
    const owner = index.at(range.start.line + 1);
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
    if (instruction instanceof Add) {
      const values = instruction.getArguments().map((a) =>
        a
          .getValue()
          .replace(/^\[|\]$|,$/g, '')
          .replace(/^"(.*)"$/, '$1'),
      );
      const checksum = instruction.getFlags().some((f) => f.getName() === 'checksum');
      owner.adds.push({ line: range.start.line + 1, sources: values.slice(0, -1).map((v) => substitute(v, args)), checksum });
    }
  }
}

export function parseStages(text: string): Stage[] {
  const document = DockerfileParser.parse(text);
  const args = initialArgs(document);
  const index = readStages(document, args);
  readCopiesFrom(document, index, args);
  readInstructions(document, index, text.split(/\r?\n/), args);
  return index.stages;
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
