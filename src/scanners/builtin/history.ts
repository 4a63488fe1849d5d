import type { Finding } from '../../findings.js';
import { layerHistory, type HistoryEntry } from '../../image/config.js';
import { builtinFinding, shortCommand, type ImageSubject } from './finding.js';
import { dedupe, detectSecrets, isCredentialName, isLiteralSecretValue, secretHash, type SecretHit } from './secretText.js';

/** BH104 BH106 BH107: what the image history (`created_by`) shows about the build. */

/** The layer index a history entry made, if it made one. */
function layerOf(entry: HistoryEntry, layers: readonly (HistoryEntry | undefined)[]): number | undefined {
  if (entry.emptyLayer) return undefined;
  const index = layers.indexOf(entry);
  return index >= 0 ? index : undefined;
}

/** Credentials in one history line, found without printing them. */
export async function historySecrets(createdBy: string): Promise<SecretHit[]> {
  const hits: SecretHit[] = [...(await detectSecrets(createdBy, 'history'))];
  // Build args and ENV: `|2 NPM_TOKEN=abc …`, `ENV DB_PASSWORD=…`, `--build-arg`-style assignments.
  for (const match of createdBy.matchAll(/(?:^|[\s|])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s"']+)/g)) {
    const name = match[1] as string;
    const value = match[2] as string;
    if (isCredentialName(name) && isLiteralSecretValue(value)) hits.push({ kind: `${name}=…`, hash: secretHash(value) });
  }
  // curl -u user:pass, --user user:pass; user:pass@ in URLs.
  for (const match of createdBy.matchAll(/(?:\s-u\s*|\s--user[=\s]+)['"]?([^\s'":]+):([^\s'"]+)/g)) {
    const password = match[2] as string;
    if (isLiteralSecretValue(password)) hits.push({ kind: 'user:password passed to a download tool', hash: secretHash(password) });
  }
  for (const match of createdBy.matchAll(/[a-z][a-z0-9+.-]*:\/\/([^\s/:@'"]+):([^\s/@'"]+)@/gi)) {
    const password = match[2] as string;
    if (isLiteralSecretValue(password)) hits.push({ kind: 'password in a URL', hash: secretHash(password) });
  }
  return dedupe(hits);
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
    const at = layer !== undefined ? { layer } : {};
    const step = `history step ${position + 1} (${shortCommand(redactLine(image.commands[position] ?? ''), 60)})`;
    const secrets = await historySecrets(entry.createdBy);
    if (secrets.length > 0) {
      findings.push(
        builtinFinding('BH104', image, {
          message: `Build history ${step} holds a credential (${secrets.map((s) => `${s.kind} sha256 ${s.hash}…`).join('; ')}; values not shown). Use a secret mount and rotate it.`,
          subject: `history:${secrets.map((s) => s.hash).sort().join(',')}`,
          ...at,
        }),
      );
    }
    const url = remoteAddUrl(entry.createdBy);
    if (url) {
      findings.push(builtinFinding('BH106', image, { message: `${step} ADDs ${url} without a checksum: download and verify it, or use ADD --checksum.`, subject: `add:${url}`, ...at }));
    }
    if (pipesRemoteScript(entry.createdBy)) {
      findings.push(builtinFinding('BH107', image, { message: `${step} pipes a downloaded script into an interpreter: download it, verify a pinned checksum, then run it.`, subject: `pipe:${shortCommand(entry.createdBy, 200)}`, ...at }));
    }
  }
  return findings;
}

/** History text shown in messages, with anything that looks like an assignment's value or a URL password masked. */
export function redactLine(text: string): string {
  return text
    .replace(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s"']+)/g, (_m, name: string) => `${name}=***`)
    .replace(/(\s-u\s*|\s--user[=\s]+)(['"]?)([^\s'":]+):[^\s'"]+/g, '$1$2$3:***')
    .replace(/(:\/\/)[^\s/@'"]+@/g, '$1***@');
}
