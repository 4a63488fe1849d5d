/**
 * Image history entries (`created_by`) as the Dockerfile instructions they record, for both
 * builders:
 *   classic   `/bin/sh -c #(nop)  ENV A=b`, `/bin/sh -c #(nop) COPY file:<hash> in /app`,
 *             `|1 TOKEN=x /bin/sh -c make` (RUN with build args), `/bin/sh -c make` (RUN)
 *   BuildKit  `RUN /bin/sh -c make # buildkit`, `RUN |2 A=1 B=2 /bin/sh -c make # buildkit`,
 *             `COPY --from=build /out /app # buildkit`, `ENV A=b`, `WORKDIR /app` …
 */

export interface HistoryStep {
  /** Upper-case instruction: RUN, COPY, ADD, ENV … or UNKNOWN. */
  kind: string;
  /** The instruction's arguments, whitespace collapsed; for RUN, the shell command. */
  text: string;
  builder: 'classic' | 'buildkit' | 'unknown';
}

const INSTRUCTIONS = new Set([
  'RUN',
  'COPY',
  'ADD',
  'ENV',
  'ARG',
  'WORKDIR',
  'USER',
  'EXPOSE',
  'CMD',
  'ENTRYPOINT',
  'LABEL',
  'VOLUME',
  'HEALTHCHECK',
  'SHELL',
  'STOPSIGNAL',
  'ONBUILD',
  'MAINTAINER',
]);

export const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** `|2 A=1 B=two words? …` : build args that the builder put before the shell. */
function stripBuildArgs(text: string): string {
  const match = /^\|(\d+)\s+/.exec(text);
  if (!match) return text;
  let rest = text.slice(match[0].length);
  const count = Number(match[1]);
  for (let i = 0; i < count; i++) {
    const arg = /^[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|\S*)\s*/.exec(rest);
    if (!arg) break;
    rest = rest.slice(arg[0].length);
  }
  return rest;
}

function shellCommand(text: string): string | undefined {
  // The shells builders wrap RUN in: /bin/sh -c on Linux (or a SHELL), cmd /S /C on Windows.
  const shell = /^(?:(?:\/bin\/sh|\/bin\/bash|\/bin\/ash|sh|bash)\s+-c|cmd \/S \/C|powershell(?:\.exe)? -command)\s+/i.exec(text);
  return shell ? text.slice(shell[0].length) : undefined;
}

export function classifyHistory(createdBy: string): HistoryStep {
  let text = createdBy.trim();
  const buildkit = / # buildkit$/.test(text);
  if (buildkit) text = text.replace(/ # buildkit$/, '');
  const nop = /^\/bin\/sh -c #\(nop\)\s+/.exec(text);
  if (nop) {
    const rest = text.slice(nop[0].length);
    const word = /^(\S+)\s*/.exec(rest);
    const kind = word?.[1]?.toUpperCase() ?? 'UNKNOWN';
    return { kind: INSTRUCTIONS.has(kind) ? kind : 'UNKNOWN', text: collapse(rest.slice(word?.[0].length ?? 0)), builder: 'classic' };
  }
  const word = /^([A-Z]+)\s+/.exec(text);
  if (word && INSTRUCTIONS.has(word[1] as string)) {
    const kind = word[1] as string;
    let rest = text.slice(word[0].length);
    if (kind === 'RUN') {
      rest = stripBuildArgs(rest);
      rest = shellCommand(rest) ?? rest;
    }
    return { kind, text: collapse(rest), builder: buildkit ? 'buildkit' : 'unknown' };
  }
  const command = shellCommand(stripBuildArgs(text));
  if (command !== undefined) return { kind: 'RUN', text: collapse(command), builder: buildkit ? 'buildkit' : 'classic' };
  return { kind: 'UNKNOWN', text: collapse(text), builder: 'unknown' };
}

/** How a history step reads in a message: "RUN apt-get install -y curl", cut to `max`. */
export function describeStep(step: HistoryStep, max = 80): string {
  const text = step.kind === 'UNKNOWN' ? step.text : `${step.kind} ${step.text}`;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
