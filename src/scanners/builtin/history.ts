import type { Finding } from '../../model/finding.js';
import { layerHistory, type HistoryEntry } from '../../image/config.js';
import { classifyHistory, describeStep } from '../../dockerfile/history.js';
import { builtinFinding, type ImageSubject } from './finding.js';
import { credentialsInCommand, dedupe, detectSecrets, type SecretHit } from '../../secrets/shapes.js';

/** BH104 BH106 BH107: what the image history (`created_by`) shows about the build. */

/** The layer index a history entry made, if it made one. */
function layerOf(entry: HistoryEntry, layers: readonly (HistoryEntry | undefined)[]): number | undefined {
  if (entry.emptyLayer) return undefined;
  const index = layers.indexOf(entry);
  return index >= 0 ? index : undefined;
}

/** Credentials in one history line, found without printing them. */
export async function historySecrets(createdBy: string): Promise<SecretHit[]> {
  return dedupe([...(await detectSecrets(createdBy, 'history')), ...credentialsInCommand(createdBy)]);
}

const REMOTE_ADD = /^(?:\/bin\/sh -c #\(nop\)\s*)?ADD\s+(?:--[a-z-]+(?:=\S+)?\s+)*(https?:\/\/\S+)/i;
const PIPED_TO_SHELL = [
  /\b(?:curl|wget)\b[^|;&]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+\S+\s+)*(?:\/(?:usr\/)?bin\/)?(?:ba|z|da|k|c|tc)?sh\b/,
  /\b(?:curl|wget)\b[^|;&]*\|\s*(?:sudo\s+)?(?:\/(?:usr\/)?bin\/)?(?:python[0-9.]*|perl|ruby|node)\b/,
  /\b(?:ba|z|da)?sh\s+-c\s+["']?\$\(\s*(?:curl|wget)\b/,
  /\b(?:ba|z)?sh\s+<\(\s*(?:curl|wget)\b/,
];

export function pipesRemoteScript(createdBy: string): boolean {
  return PIPED_TO_SHELL.some((pattern) => pattern.test(createdBy));
}

export function remoteAddUrl(createdBy: string): string | undefined {
  const text = createdBy.replace(/ # buildkit$/, '');
  const match = REMOTE_ADD.exec(text);
  if (!match) return undefined;
  // Only scheme, host and path: a URL's query may hold a token.
  try {
    const url = new URL(match[1] as string);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return undefined;
  }
}

export async function checkHistory(image: ImageSubject): Promise<Finding[]> {
  const findings: Finding[] = [];
  const history = image.model.config.history;
  const layers = layerHistory(image.model.config);
  for (const [position, entry] of history.entries()) {
    const layer = layerOf(entry, layers);
    const at = { historyStep: position, ...(layer !== undefined ? { layer } : {}) };
    // image.commands holds the history already masked.
    const step = `history step ${position + 1} (${describeStep(classifyHistory(image.commands[position] ?? ''), 60)})`;
    const secrets = await historySecrets(entry.createdBy);
    for (const hit of secrets) image.found.add(hit.value);
    if (secrets.length > 0) {
      findings.push(
        builtinFinding('BH104', image, {
          message: `Build history ${step} holds a credential (${secrets.map((s) => `${s.kind} sha256 ${s.hash}…`).join('; ')}; values not shown). Use a secret mount and rotate it.`,
          subject: `history:${secrets
            .map((s) => s.hash)
            .sort()
            .join(',')}`,
          ...at,
        }),
      );
    }
    const url = remoteAddUrl(entry.createdBy);
    if (url) {
      findings.push(
        builtinFinding('BH106', image, {
          message: `${step} ADDs ${url} without a checksum: download and verify it, or use ADD --checksum.`,
          subject: `add:${url}`,
          ...at,
        }),
      );
    }
    if (pipesRemoteScript(entry.createdBy)) {
      findings.push(
        builtinFinding('BH107', image, {
          message: `${step} pipes a downloaded script into an interpreter: download it, verify a pinned checksum, then run it.`,
          subject: `pipe:${classifyHistory(entry.createdBy).text}`,
          ...at,
        }),
      );
    }
  }
  return findings;
}
