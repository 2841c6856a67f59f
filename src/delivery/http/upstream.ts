/**
 * The upstream leg: one undici request on the dispatcher the rest of
 * gatepass uses (common/proxy.ts), so HTTPS_PROXY / NO_PROXY, the
 * `ca-certificate` input and NODE_EXTRA_CA_CERTS apply alike. undici's
 * `request` rather than fetch: bodies stream both ways untouched (fetch
 * would decompress them under their Content-Encoding) and headers pass as
 * they are.
 *
 * No retries: every attempt is a request the job made, inspected and
 * recorded on its own; a retry here would send an approved request twice
 * without a record, or hide a flaky upstream. The job's client retries
 * (through the proxy, so each attempt is checked again).
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { connectionError } from '../../common/network.js';
import { dispatcherTo, type Environment } from '../../common/proxy.js';
import type { Refusal } from './replies.js';

export interface UpstreamCall {
  /** The upstream base: its origin is asked, and picks the route (proxy or not). */
  upstream: URL;
  /** Path and query as they go on the request line, unparsed so nothing re-encodes them. */
  path: string;
  method: string;
  headers: Record<string, string[]>;
  body: Readable | null;
  signal: AbortSignal;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  env: Environment;
}

export interface Upstream {
  response: Dispatcher.ResponseData;
  /** The proxy on the way, for messages (origin only). */
  proxy: string | undefined;
}

export async function callUpstream(call: UpstreamCall): Promise<Upstream> {
  const { dispatcher, proxy } = await dispatcherTo(call.upstream, call.env);
  try {
    const response = await dispatcher.request({
      origin: call.upstream.origin,
      path: call.path,
      method: call.method as Dispatcher.HttpMethod,
      headers: flatten(call.headers),
      body: call.body,
      signal: call.signal,
      headersTimeout: call.headersTimeoutMs,
      bodyTimeout: call.bodyTimeoutMs,
    });
    return { response, proxy };
  } catch (err) {
    throw new UpstreamError(err, proxy);
  }
}

/** A failure before the upstream's response headers, with the proxy it went through. */
export class UpstreamError extends Error {
  readonly proxy: string | undefined;
  constructor(cause: unknown, proxy: string | undefined) {
    super('upstream request failed', { cause });
    this.name = 'UpstreamError';
    this.proxy = proxy;
  }
}

/** `["a", "1", "a", "2"]`: undici's raw form, which keeps repeated headers apart. */
function flatten(headers: Record<string, string[]>): string[] {
  return Object.entries(headers).flatMap(([name, values]) => values.flatMap((v) => [name, v]));
}

const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/**
 * 504 when the upstream (or the way to it) ran out of time, else 502; the
 * message names the upstream's origin and the proxy's, never a header.
 */
export function upstreamRefusal(failure: {
  error: UpstreamError;
  upstream: URL;
  /** The headers timeout, for the 504's message. */
  timeoutMs: number;
}): Refusal {
  const { error: err, upstream, timeoutMs } = failure;
  const code = codeOf(err.cause);
  if (code !== undefined && TIMEOUTS.has(code)) {
    const via = err.proxy === undefined ? '' : ` through the proxy at ${err.proxy}`;
    return {
      status: 504,
      error: 'upstream_timeout',
      message: `gatepass: the upstream at ${upstream.origin}${via} did not answer within ${String(Math.round(timeoutMs / 1000))} s`,
    };
  }
  const worded = connectionError(err.cause, {
    what: 'the upstream',
    url: upstream,
    label: 'gatepass',
    input: 'upstream',
    ...(err.proxy === undefined ? {} : { proxy: err.proxy }),
  });
  return {
    status: 502,
    error: 'upstream_unreachable',
    message:
      worded?.message ??
      `gatepass: the request to the upstream at ${upstream.origin} failed (${code ?? 'unknown error'})`,
  };
}

function codeOf(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const { code, cause } = e as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    e = cause;
  }
  return undefined;
}
