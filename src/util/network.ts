/**
 * What went wrong when nothing answered: fetch (undici) and Octokit wrap the system error in one
 * or two causes, and their own messages ("fetch failed", "bad port") do not say it. This names
 * the real cause in words a user can act on.
 */

const CAUSES: Record<string, (host: string) => string> = {
  ECONNREFUSED: (host) => `the connection to ${host} was refused (nothing listens there)`,
  ENOTFOUND: (host) => `the host name ${host} could not be resolved (DNS)`,
  EAI_AGAIN: (host) => `the host name ${host} could not be resolved (DNS did not answer)`,
  ETIMEDOUT: (host) => `the connection to ${host} timed out`,
  UND_ERR_CONNECT_TIMEOUT: (host) => `the connection to ${host} timed out`,
  UND_ERR_HEADERS_TIMEOUT: (host) => `${host} accepted the connection but sent no answer in time`,
  UND_ERR_BODY_TIMEOUT: (host) => `${host} stopped sending in the middle of its answer`,
  UND_ERR_SOCKET: (host) => `the connection to ${host} was closed`,
  ECONNRESET: (host) => `the connection to ${host} was reset`,
  EPIPE: (host) => `the connection to ${host} was closed`,
  EHOSTUNREACH: (host) => `${host} is unreachable from here (no route)`,
  ENETUNREACH: (host) => `the network to ${host} is unreachable`,
  CERT_HAS_EXPIRED: (host) => `the TLS certificate of ${host} has expired`,
  DEPTH_ZERO_SELF_SIGNED_CERT: (host) => `the TLS certificate of ${host} is self-signed (set NODE_EXTRA_CA_CERTS to trust its CA)`,
  SELF_SIGNED_CERT_IN_CHAIN: (host) => `the TLS certificate of ${host} is signed by an unknown CA (set NODE_EXTRA_CA_CERTS)`,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: (host) => `the TLS certificate of ${host} could not be verified (set NODE_EXTRA_CA_CERTS)`,
  ERR_TLS_CERT_ALTNAME_INVALID: (host) => `the TLS certificate of ${host} is for another host name`,
};

function codesOf(error: unknown): { codes: string[]; messages: string[]; timedOut: boolean } {
  const codes: string[] = [];
  const messages: string[] = [];
  let timedOut = false;
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const { code, name, message } = current as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (typeof message === 'string' && message) messages.push(message);
    if (name === 'TimeoutError') timedOut = true;
    // AggregateError (happy eyeballs: one per address) holds its errors in `errors`.
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors[0]) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return { codes, messages, timedOut };
}

/** "the connection to 127.0.0.1:2 was refused (nothing listens there)", or undefined when the error is not a network failure. */
export function networkCause(error: unknown, url: string): string | undefined {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // Not a URL: name it as given.
  }
  const { codes, timedOut } = codesOf(error);
  if (timedOut) return `${host} did not answer in time`;
  for (const code of codes) {
    const describe = CAUSES[code];
    if (describe) return describe(host);
  }
  return undefined;
}

/** Failures that trying again a second later will not change: nothing listens, no such host, a bad certificate. */
const PERMANENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function isPermanentNetworkError(error: unknown): boolean {
  const { codes, messages } = codesOf(error);
  // fetch refuses the ports of other protocols (the Fetch standard's "bad ports") before connecting.
  return codes.some((code) => PERMANENT.has(code)) || messages.includes('bad port');
}

/** The innermost message of a wrapped error, for when no known cause applies. */
export function innermostMessage(error: unknown): string {
  const { messages } = codesOf(error);
  return messages.at(-1) ?? String(error);
}
