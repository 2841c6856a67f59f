/**
 * One wording for "the connection failed", whatever gatepass was talking to
 * (a gateway, the GitHub or GitLab API): what, where (the origin, never a
 * path or query), and the OS code. The retry policy adds whether it retries
 * ("; retrying in 1.6 s"), and gives up with the last of these messages.
 *
 *     POST https://sts.example.com/token: cannot reach the token-exchange server at https://sts.example.com (ECONNREFUSED)
 *
 * Through a proxy, the message names it (origin only, never credentials):
 *
 *     GET https://vault.corp/v1/x: cannot reach Vault at https://vault.corp through the proxy at http://proxy:3128 (proxy answered 407)
 *
 * The transport (http.ts) turns what fetch throws into this error inside the
 * attempt, so that the cause (and with it the retry policy's view of the
 * failure) is kept.
 */
import { GatepassError } from './errors.js';
import { networkErrorCode } from './retry.js';

export interface Peer {
  /** "the token-exchange server", "Vault", "hoop", "GitHub", "GitLab". */
  what: string;
  /** Where it was asked; only the origin goes into the message. */
  url: URL | string;
  /** The request ("POST https://…/token"), prefixed to the message as the retry policy expects. */
  label: string;
  /** The input that names the address, for the hint. Default `gateway`. */
  input?: string;
  /** The proxy the request went through: its origin, never its credentials. */
  proxy?: string;
}

/**
 * The connection failure behind `err`, as the one message; undefined when
 * `err` is not one (an HTTP answer, an abort, a bug), so the caller keeps it.
 * Retryable failures (ECONNREFUSED, ECONNRESET, …) keep `err` as the cause,
 * which is what the retry policy looks at; DNS and TLS failures are final.
 */
export function connectionError(err: unknown, peer: Peer): GatepassError | undefined {
  if (peer.proxy !== undefined) {
    const refused = proxyRefusal(err, peer, peer.proxy);
    if (refused !== undefined) return refused;
  }
  const network = networkErrorCode(err);
  const detail = network ?? transportFailure(err);
  if (detail === undefined) return undefined;
  const origin = originOf(peer.url);
  const input = peer.input ?? 'gateway';
  const hint =
    network !== undefined
      ? `Check \`${input}\` and that ${peer.what} is up and reachable from the runner`
      : `Not retried, as a wrong host name or an untrusted certificate stays so: check the host name in \`${input}\`, that ${peer.what} is reachable from the runner, and that the runner trusts its certificate (NODE_EXTRA_CA_CERTS)`;
  const via = peer.proxy === undefined ? '' : ` through the proxy at ${peer.proxy}`;
  const proxyHint =
    peer.proxy === undefined
      ? ''
      : `; the proxy comes from HTTPS_PROXY / HTTP_PROXY: check it, or list the host in NO_PROXY if the runner reaches it directly`;
  return new GatepassError(
    'GATEWAY',
    `${peer.label}: cannot reach ${peer.what} at ${origin}${via} (${detail})`,
    { hint: `${hint}${proxyHint}`, cause: err },
  );
}

/** The proxy answered its CONNECT with something else than 200 (undici's ProxyAgent says so). */
function proxyRefusal(err: unknown, peer: Peer, proxy: string): GatepassError | undefined {
  let status: string | undefined;
  for (let e: unknown = err, depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const { message, cause } = e as { message?: unknown; cause?: unknown };
    status = /Proxy response \((\d{3})\)/.exec(typeof message === 'string' ? message : '')?.[1];
    if (status !== undefined) break;
    e = cause;
  }
  if (status === undefined) return undefined;
  const hint =
    status === '407'
      ? 'The proxy wants credentials: put them in the proxy URL (HTTPS_PROXY=http://user:password@proxy:port); they are sent as Proxy-Authorization and never logged'
      : status === '403'
        ? `The proxy does not let the runner reach ${originOf(peer.url)}: ask its administrators to allow it, or list the host in NO_PROXY if the runner reaches it directly`
        : `The proxy could not connect to ${originOf(peer.url)}: check the host name in \`${peer.input ?? 'gateway'}\` and that the proxy can reach it`;
  return new GatepassError(
    'GATEWAY',
    `${peer.label}: cannot reach ${peer.what} at ${originOf(peer.url)} through the proxy at ${proxy} (proxy answered ${status})`,
    { hint, cause: err },
  );
}

function originOf(url: URL | string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}

/**
 * Why the connection failed when it is not a failure worth retrying:
 * Node's code, with OpenSSL's reason for TLS ("ENOTFOUND",
 * "DEPTH_ZERO_SELF_SIGNED_CERT", "EPROTO: SSL wrong version number").
 * Looks through `fetch`'s "TypeError: fetch failed" to its cause.
 */
function transportFailure(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    // Our own errors carry codes too (TIMEOUT, GATEWAY): they are not transport failures.
    if (current instanceof GatepassError) return undefined;
    const { code, message, cause } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && code !== 'ABORT_ERR' && !code.startsWith('OAUTH_')) {
      const text = typeof message === 'string' ? message : '';
      // OpenSSL's "write EPROTO 40CD…:error:0A00010B:SSL routines:<fn>:wrong version number:<file>".
      const ssl = /:SSL routines:[^:]*:([^:]+):/.exec(text)?.[1];
      return ssl === undefined ? code : `${code}: SSL ${ssl}`;
    }
    const fetchFailed =
      (current as { name?: unknown }).name === 'TypeError' && message === 'fetch failed';
    if (fetchFailed && (cause === undefined || cause === null)) return 'network error';
    current = cause;
  }
  return undefined;
}
