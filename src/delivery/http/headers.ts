/**
 * Headers on their way through, both directions.
 *
 * Upstream-bound, dropped:
 * - hop-by-hop headers (RFC 9110 §7.6.1: Connection and those it names,
 *   Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade,
 *   Proxy-Authenticate, Proxy-Authorization);
 * - Authorization, Cookie and the credential's own header: the job's
 *   requests carry the credential gatepass injects and no other, so a
 *   token or session the job holds cannot take the request over;
 * - Host (set from the upstream), Expect (the proxy answers
 *   `100-continue` itself, once `inspect` has allowed the request);
 * - Forwarded, X-Forwarded-*, X-Real-IP: none is added either, since the
 *   upstream has nothing to learn about a loopback hop, and a job must not
 *   pose as another client to an upstream that trusts them.
 *
 * Client-bound: hop-by-hop headers dropped; Location and Link targets under
 * the upstream base rewritten to the loopback URL (with the capability), so
 * a client following them comes back through the proxy instead of calling
 * the upstream without the credential. Other origins are left as they are:
 * the client goes there without the credential, which is right.
 */
import type { IncomingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

const NEVER_FORWARDED = new Set([
  'authorization',
  'cookie',
  'host',
  'expect',
  'forwarded',
  'x-real-ip',
]);

/** The client's headers as the upstream gets them, with the credential in. */
export function upstreamHeaders(
  headers: NodeJS.Dict<string[]>,
  credential: { header: string; value: string },
): Record<string, string[]> {
  const dropped = connectionNamed(headers.connection);
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers)) {
    if (values === undefined || dropped.has(name) || HOP_BY_HOP.has(name)) continue;
    if (NEVER_FORWARDED.has(name) || name.startsWith('x-forwarded-')) continue;
    out[name] = values;
  }
  out[credential.header.toLowerCase()] = [credential.value];
  return out;
}

/** The upstream's headers as the client gets them. */
export function clientHeaders(
  headers: IncomingHttpHeaders,
  rewrite: (url: string) => string,
): Array<[string, string | string[]]> {
  const connection = headers.connection;
  const dropped = connectionNamed(connection === undefined ? undefined : [connection]);
  const out: Array<[string, string | string[]]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || dropped.has(name) || HOP_BY_HOP.has(name)) continue;
    if (name === 'location' && typeof value === 'string') out.push([name, rewrite(value)]);
    else if (name === 'link') out.push([name, mapValues(value, (v) => rewriteLink(v, rewrite))]);
    else out.push([name, value]);
  }
  return out;
}

function connectionNamed(values: readonly string[] | undefined): Set<string> {
  const names = (values ?? []).flatMap((v) => v.split(','));
  return new Set(names.map((n) => n.trim().toLowerCase()).filter((n) => n !== ''));
}

function mapValues(value: string | string[], fn: (v: string) => string): string | string[] {
  return typeof value === 'string' ? fn(value) : value.map(fn);
}

/** `<https://upstream/x?page=2>; rel="next"`: each `<…>` target (RFC 8288). */
function rewriteLink(value: string, rewrite: (url: string) => string): string {
  return value.replace(/<([^>]*)>/g, (_all, url: string) => `<${rewrite(url)}>`);
}

/**
 * `url` (resolved against `from`) as the client should follow it: through
 * `local` (`http://127.0.0.1:PORT/<capability>`) when it lies under the
 * upstream base, else unchanged.
 */
export function redirectRewriter(options: {
  upstream: URL;
  basePath: string;
  from: URL;
  local: string;
}): (url: string) => string {
  const { upstream, basePath, from, local } = options;
  return (url) => {
    let target: URL;
    try {
      target = new URL(url, from);
    } catch {
      return url;
    }
    if (target.origin !== upstream.origin) return url;
    const { pathname } = target;
    const under = pathname === basePath || pathname.startsWith(`${basePath}/`);
    if (!under) return url;
    const rest = pathname.slice(basePath.length);
    return `${local}${rest === '' ? '/' : rest}${target.search}${target.hash}`;
  };
}
