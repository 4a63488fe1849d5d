import type { Finding } from '../../model/finding.js';
import type { ImageFile } from '../../image/layer.js';
import { baseName } from '../../image/paths.js';
import { builtinFinding, layerLabel, type ImageSubject } from './finding.js';
import { dedupe, detectSecrets, isCredentialName, isLiteralSecretValue, secretHit, type SecretHit } from '../../secrets/shapes.js';

/** BH204 BH205 BH206 BH209: keys and credential files, in the final view and in lower layers. */

const CREDENTIAL_FILE_CAP = 256 * 1024;
const SSH_HOST_KEY = /^etc\/ssh\/ssh_host_[a-z0-9]+_key$/;
const ENV_TEMPLATE = /\.(example|sample|template|dist|defaults|tmpl|tpl)$/i;

type CredentialKind = 'aws' | 'docker' | 'npm' | 'yarn' | 'netrc' | 'git' | 'pypi' | 'kube' | 'dotenv';

export function credentialKind(path: string): CredentialKind | undefined {
  const name = baseName(path);
  if (path.endsWith('.aws/credentials')) return 'aws';
  if (path.endsWith('.docker/config.json')) return 'docker';
  if (name === '.npmrc' || path === 'etc/npmrc' || path.endsWith('/etc/npmrc')) return 'npm';
  if (name === '.yarnrc' || name === '.yarnrc.yml') return 'yarn';
  if (name === '.netrc' || name === '_netrc') return 'netrc';
  if (name === '.git-credentials') return 'git';
  if (name === '.pypirc') return 'pypi';
  if (path.endsWith('.kube/config') || name === 'kubeconfig' || name === 'admin.conf') return 'kube';
  if ((name === '.env' || name.startsWith('.env.')) && !ENV_TEMPLATE.test(name)) return 'dotenv';
  return undefined;
}

const PKCS12 = /\.(p12|pfx)$/i;

/** Which file bodies the secret checks read: credential files, PKCS#12 headers. */
export function secretContentWanted(path: string, size: number): number {
  if (credentialKind(path)) return Math.min(size, CREDENTIAL_FILE_CAP);
  if (PKCS12.test(path)) return 16;
  return 0;
}

const lines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';'));

function assignmentHits(text: string, pattern: RegExp, kind: string): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const line of lines(text)) {
    const match = pattern.exec(line);
    if (match && isLiteralSecretValue(match[1] as string)) hits.push(secretHit(kind, match[1] as string));
  }
  return hits;
}

/** The credentials a credential file holds (structure of each format), plus secretlint's view. */
export async function credentialFileSecrets(kind: CredentialKind, text: string, path: string): Promise<SecretHit[]> {
  const hits: SecretHit[] = [];
  switch (kind) {
    case 'aws':
      hits.push(
        ...assignmentHits(text, /^aws_secret_access_key\s*=\s*(\S+)/i, 'AWS secret access key'),
        ...assignmentHits(text, /^aws_session_token\s*=\s*(\S+)/i, 'AWS session token'),
      );
      break;
    case 'docker': {
      try {
        const json = JSON.parse(text) as { auths?: Record<string, { auth?: unknown; identitytoken?: unknown; password?: unknown }> };
        for (const [registry, entry] of Object.entries(json.auths ?? {})) {
          for (const field of ['auth', 'identitytoken', 'password'] as const) {
            const value = entry?.[field];
            if (typeof value === 'string' && value.length > 0) hits.push(secretHit(`registry ${field} for ${registry}`, value));
          }
        }
      } catch {
        // Not JSON: secretlint below still looks at it.
      }
      break;
    }
    case 'npm':
      hits.push(...assignmentHits(text, /(?:^|:)_(?:authToken|auth|password)\s*=\s*(.+)$/, 'npm auth token'));
      break;
    case 'yarn':
      hits.push(
        ...assignmentHits(text, /npmAuth(?:Token|Ident)\s*[:=]\s*["']?([^"'\s]+)/, 'yarn auth token'),
        ...assignmentHits(text, /_authToken\s*[= ]\s*["']?([^"'\s]+)/, 'yarn auth token'),
      );
      break;
    case 'netrc':
      for (const match of text.matchAll(/\bpassword\s+(\S+)/g))
        if (isLiteralSecretValue(match[1] as string)) hits.push(secretHit('netrc password', match[1] as string));
      break;
    case 'git':
      for (const match of text.matchAll(/:\/\/[^\s:@/]+:([^\s@/]+)@/g))
        if (isLiteralSecretValue(match[1] as string)) hits.push(secretHit('git credential', match[1] as string));
      break;
    case 'pypi':
      hits.push(...assignmentHits(text, /^password\s*[:=]\s*(\S+)/i, 'PyPI password'));
      break;
    case 'kube':
      hits.push(
        ...assignmentHits(text, /^-?\s*token:\s*["']?([^"'\s]+)/, 'kubeconfig token'),
        ...assignmentHits(text, /^client-key-data:\s*(\S+)/, 'kubeconfig client key'),
        ...assignmentHits(text, /^password:\s*["']?([^"'\s]+)/, 'kubeconfig password'),
      );
      break;
    case 'dotenv':
      for (const line of lines(text)) {
        const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
        if (match && isCredentialName(match[1] as string) && isLiteralSecretValue(match[2] as string))
          hits.push(secretHit(`${match[1]}=…`, (match[2] as string).trim()));
      }
      break;
  }
  hits.push(...(await detectSecrets(text, path)));
  return dedupe(hits);
}

/** What secret a file holds, if any: a private key, a PKCS#12 bundle, or credentials. */
export async function fileSecret(
  file: ImageFile,
  found?: Set<string>,
): Promise<{ rule: 'BH204' | 'BH205' | 'BH209'; kinds: string[] } | undefined> {
  if (file.type !== 'file') return undefined;
  if (file.privateKey) return { rule: SSH_HOST_KEY.test(file.path) ? 'BH209' : 'BH204', kinds: [file.privateKey] };
  if (PKCS12.test(file.path) && file.content && file.content[0] === 0x30) return { rule: 'BH204', kinds: ['PKCS#12 bundle'] };
  const kind = credentialKind(file.path);
  if (kind && file.content) {
    const hits = await credentialFileSecrets(kind, file.content.toString('utf8'), file.path);
    for (const hit of hits) found?.add(hit.value);
    if (hits.length > 0) return { rule: 'BH205', kinds: [...new Set(hits.map((h) => h.kind))] };
  }
  return undefined;
}

export async function checkSecretFiles(image: ImageSubject): Promise<Finding[]> {
  const findings: Finding[] = [];
  const fs = image.model.filesystem;
  const candidates = [...fs.files.values()]
    .filter((p) => p.file.privateKey || p.file.content)
    .sort((a, b) => a.file.path.localeCompare(b.file.path));
  for (const placed of candidates) {
    const secret = await fileSecret(placed.file, image.found);
    if (!secret) continue;
    const where = `/${placed.file.path}, added by ${layerLabel(image, placed.layer)}`;
    const message =
      secret.rule === 'BH209'
        ? `SSH host private key ${where}: every container shares it. Delete it in the RUN that installs the server.`
        : secret.rule === 'BH204'
          ? `Private key material (${secret.kinds.join(', ')}; sha256 ${placed.file.contentHash ?? '?'}…) at ${where}. Remove it and revoke the key.`
          : `Credential file ${where} holds ${secret.kinds.join(', ')} (values not shown). Remove it and rotate the credentials.`;
    findings.push(builtinFinding(secret.rule, image, { message, path: placed.file.path, layer: placed.layer }));
  }
  // A secret a later layer deleted or replaced is still in the lower layer's tar.
  const reported = new Set<string>();
  for (const hidden of fs.hidden) {
    const secret = await fileSecret(hidden.file, image.found);
    if (!secret) continue;
    const key = `${hidden.file.path}\u0000${hidden.layer}`;
    if (reported.has(key)) continue;
    reported.add(key);
    findings.push(
      builtinFinding('BH206', image, {
        message:
          `/${hidden.file.path} (${secret.kinds.join(', ')}) was added by ${layerLabel(image, hidden.layer)} and ${hidden.how} by ${layerLabel(image, hidden.hiddenBy)}, ` +
          `but it is still in ${hidden.layer === 0 ? 'the first' : 'the lower'} layer for anyone who pulls the image. Keep it out of every layer and rotate it.`,
        path: hidden.file.path,
        layer: hidden.layer,
        subject: `${hidden.file.path}@${hidden.file.contentHash ?? ''}`,
        related: [{ layer: hidden.hiddenBy, role: hidden.how }],
      }),
    );
  }
  return findings;
}
