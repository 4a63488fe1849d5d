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
  /**
   * The value itself, for the redactor only: the scan registers it before anything is rendered,
   * so that it is masked wherever else it appears (a path, a title, another tool's message).
   * Never copied into a finding.
   */
  value: string;
}

export function secretHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 12);
}

export function secretHit(kind: string, value: string): SecretHit {
  return { kind, hash: secretHash(value), value };
}

const SECRETLINT_CONFIG = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommendedRules }] };

async function secretlintMatches(text: string, filePath: string): Promise<{ kind: string; range: readonly [number, number] }[]> {
  if (text.length === 0) return [];
  const result = await lintSource({
    source: { filePath, content: text, ext: '', contentType: 'text' },
    options: { config: SECRETLINT_CONFIG, maskSecrets: true, noPhysicFilePath: true },
  });
  return result.messages.filter((m) => m.type === 'message').map((m) => ({ kind: m.messageId, range: m.range }));
}

export async function detectSecrets(text: string, filePath: string): Promise<SecretHit[]> {
  const matches = await secretlintMatches(text, filePath);
  return dedupe(matches.map(({ kind, range: [start, end] }) => secretHit(kind, text.slice(start, end))));
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

const CREDENTIAL_WORDS = new Set([
  'PASSWORD',
  'PASSWD',
  'PASSPHRASE',
  'SECRET',
  'TOKEN',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'PRIVATEKEY',
  'ACCESSKEY',
  'SECRETKEY',
  'AUTHTOKEN',
  'CLIENTSECRET',
]);
const PAIRS = new Set(['APIKEY', 'ACCESSKEY', 'SECRETKEY', 'PRIVATEKEY', 'AUTHTOKEN', 'CLIENTSECRET']);
// A name that ends like these names where a secret is, not the secret itself.
const NOT_A_SECRET_SUFFIX = new Set([
  'FILE',
  'PATH',
  'DIR',
  'ENABLED',
  'LENGTH',
  'TYPE',
  'NAME',
  'ID',
  'VERSION',
  'HOST',
  'PORT',
  'USER',
  'USERNAME',
  'URL',
  'ENDPOINT',
  'HEADER',
  'MODE',
  'POLICY',
  'MIN',
  'MAX',
  'AGE',
  'TTL',
  'EXPIRY',
  'EXPIRES',
  'LOCATION',
]);

/** NAME looks like it holds a credential: PASSWORD, DB_PASSWORD, NPM_TOKEN, API_KEY … but not *_FILE, *_ID. */
export function isCredentialName(name: string): boolean {
  const words = name
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
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
  if (/^\$([A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*([:?+-][^}]*)?\})$/.test(v)) return false; // $VAR, ${VAR}, ${VAR:-default}
  if (v.startsWith('/') || v.startsWith('./') || v.startsWith('file:')) return false;
  if (/^(true|false|yes|no|on|off|none|null|required|optional|disabled|enabled)$/i.test(v)) return false;
  return true;
}

// Credentials in command lines, shared by detection (BH104) and masking: NAME=value (build args,
// ENV), `curl -u user:password` / `--user user:password`, and `scheme://user:password@host`.
const ASSIGNMENT = /(^|[\s|])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s"']+)/g;
const USER_PASSWORD = /(\s-u\s*|\s--user[=\s]+)(['"]?)([^\s'":]+):([^\s'"]+)/g;
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s/@'"]+)@/gi;

/** Credentials a command line holds in plain sight, as hits (never the values). */
export function credentialsInCommand(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const [, , name, value] of text.matchAll(ASSIGNMENT)) {
    if (isCredentialName(name as string) && isLiteralSecretValue(value as string)) hits.push(secretHit(`${name}=…`, value as string));
  }
  for (const [, , , , password] of text.matchAll(USER_PASSWORD)) {
    if (isLiteralSecretValue(password as string)) hits.push(secretHit('user:password passed to a download tool', password as string));
  }
  for (const [, , userinfo] of text.matchAll(URL_USERINFO)) {
    const password = (userinfo as string).split(':')[1];
    if (password !== undefined && isLiteralSecretValue(password)) hits.push(secretHit('password in a URL', password));
  }
  return hits;
}

/** The same three shapes, masked: values of credential names, passwords after `user:`, whole URL userinfo. */
export function maskCredentials(text: string): string {
  return text
    .replace(ASSIGNMENT, (whole, lead: string, name: string, value: string) =>
      isCredentialName(name) && isLiteralSecretValue(value) ? `${lead}${name}=***` : whole,
    )
    .replace(USER_PASSWORD, '$1$2$3:***')
    .replace(URL_USERINFO, '$1***@');
}

/**
 * Text fit to show: what secretlint finds, then maskCredentials. Used for every history line and
 * Dockerfile instruction a message quotes.
 */
export async function redactSecrets(text: string): Promise<string> {
  const ranges = (await secretlintMatches(text, 'text')).map((m) => m.range).sort((a, b) => b[0] - a[0]);
  let masked = text;
  for (const [start, end] of ranges) masked = `${masked.slice(0, start)}***${masked.slice(end)}`;
  return maskCredentials(masked);
}
