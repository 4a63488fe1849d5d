import { createHash } from 'node:crypto';
import { lintSource } from '@secretlint/core';
import { creator as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';

/**
 * Secret detection in text (environment values, history lines, credential files): the
 * secretlint recommended preset, which checks structure (prefixes, lengths, checksums) rather
 * than entropy alone, plus credential-like NAME=value assignments. Values are never returned:
 * only what kind of secret it is and a short hash that tells two values apart.
 */
export interface SecretHit {
  kind: string;
  hash: string;
}

export function secretHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 12);
}

const SECRETLINT_CONFIG = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommendedRules }] };

export async function detectSecrets(text: string, filePath: string): Promise<SecretHit[]> {
  if (text.length === 0) return [];
  const result = await lintSource({
    source: { filePath, content: text, ext: '', contentType: 'text' },
    options: { config: SECRETLINT_CONFIG, maskSecrets: true, noPhysicFilePath: true },
  });
  const hits: SecretHit[] = [];
  for (const message of result.messages) {
    if (message.type !== 'message') continue;
    const [start, end] = message.range;
    hits.push({ kind: message.messageId, hash: secretHash(text.slice(start, end)) });
  }
  return dedupe(hits);
}

export function dedupe(hits: readonly SecretHit[]): SecretHit[] {
  const seen = new Set<string>();
  return hits.filter((h) => {
    const key = `${h.kind}\u0000${h.hash}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const CREDENTIAL_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASSPHRASE', 'SECRET', 'TOKEN', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'PRIVATEKEY', 'ACCESSKEY', 'SECRETKEY', 'AUTHTOKEN', 'CLIENTSECRET']);
const PAIRS = new Set(['APIKEY', 'ACCESSKEY', 'SECRETKEY', 'PRIVATEKEY', 'AUTHTOKEN', 'CLIENTSECRET']);
// A name that ends like these names where a secret is, not the secret itself.
const NOT_A_SECRET_SUFFIX = new Set(['FILE', 'PATH', 'DIR', 'ENABLED', 'LENGTH', 'TYPE', 'NAME', 'ID', 'VERSION', 'HOST', 'PORT', 'USER', 'USERNAME', 'URL', 'ENDPOINT', 'HEADER', 'MODE', 'POLICY', 'MIN', 'MAX', 'AGE', 'TTL', 'EXPIRY', 'EXPIRES', 'LOCATION']);

/** NAME looks like it holds a credential: PASSWORD, DB_PASSWORD, NPM_TOKEN, API_KEY … but not *_FILE, *_ID. */
export function isCredentialName(name: string): boolean {
  const words = name.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
  if (words.length === 0) return false;
  if (NOT_A_SECRET_SUFFIX.has(words[words.length - 1] as string)) return false;
  if (words.some((w) => CREDENTIAL_WORDS.has(w))) return true;
  for (let i = 0; i + 1 < words.length; i++) if (PAIRS.has(`${words[i]}${words[i + 1]}`)) return true;
  return false;
}

/** A value that is literally a secret, not a reference to one or a flag. */
export function isLiteralSecretValue(value: string): boolean {
  const v = value.trim().replace(/^(['"])(.*)\1$/, '$2');
  if (v.length < 4) return false;
  if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(v)) return false; // $VAR, ${VAR}
  if (v.startsWith('/') || v.startsWith('./') || v.startsWith('file:')) return false;
  if (/^(true|false|yes|no|on|off|none|null|required|optional|disabled|enabled)$/i.test(v)) return false;
  return true;
}

/**
 * Text fit to show: secrets that secretlint finds, values of credential-named assignments,
 * `-u user:password` and passwords in URLs are replaced by `***`. Used for history lines and
 * Dockerfile instructions quoted in messages.
 */
export async function redactSecrets(text: string): Promise<string> {
  if (text.length === 0) return text;
  const result = await lintSource({
    source: { filePath: 'text', content: text, ext: '', contentType: 'text' },
    options: { config: SECRETLINT_CONFIG, maskSecrets: true, noPhysicFilePath: true },
  });
  const ranges = result.messages.filter((m) => m.type === 'message').map((m) => m.range).sort((a, b) => b[0] - a[0]);
  let masked = text;
  for (const [start, end] of ranges) masked = `${masked.slice(0, start)}***${masked.slice(end)}`;
  return masked
    .replace(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s"']+)/g, (whole, name: string, value: string) => (isCredentialName(name) && isLiteralSecretValue(value) ? `${name}=***` : whole))
    .replace(/(\s-u\s*|\s--user[=\s]+)(['"]?)([^\s'":]+):[^\s'"]+/g, '$1$2$3:***')
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]+@/gi, '$1***@');
}
