/** One challenge of a WWW-Authenticate header: its scheme and parameters (RFC 7235). */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses `Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull"`
 * and headers holding several challenges. Hand-written: it is twenty lines, and no maintained
 * npm package parses the header without pulling in an HTTP framework.
 */
export function parseChallenges(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  const token = /\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)/y;
  const param = /\s*,?\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/y;
  let at = 0;
  let current: AuthChallenge | undefined;
  while (at < header.length && header.length <= 8192) {
    param.lastIndex = at;
    const p = current ? param.exec(header) : null;
    if (p && current) {
      current.params[(p[1] as string).toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
      at = param.lastIndex;
      continue;
    }
    const rest = header.slice(at).replace(/^[\s,]+/, '');
    if (rest === '') break;
    at = header.length - rest.length;
    token.lastIndex = at;
    const t = token.exec(header);
    if (!t) break;
    current = { scheme: (t[1] as string).toLowerCase(), params: {} };
    challenges.push(current);
    at = token.lastIndex;
  }
  return challenges;
}
