/**
 * The one HTTP transport: every request gatepass makes to a gateway (Vault,
 * hoop, a token-exchange server) or an approval API (GitHub, GitLab) goes
 * through here, so they all behave alike:
 *
 * - the retry policy (retry.ts): per-attempt timeout, one overall deadline,
 *   retries on network errors, 408, 429 (after `Retry-After`) and 5xx; the
 *   body is read inside the attempt, so a server stalling mid-answer times
 *   out too;
 * - redirects are refused, never followed: following one would send tokens
 *   and the login body (the ID token) to whoever answers at `Location`;
 * - one `User-Agent: gatepass/<version>`;
 * - one wording of a failed connection (network.ts), naming the proxy when
 *   one was used (its origin only: never its credentials);
 * - enterprise networks: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case)
 *   as @actions/http-client reads them (proxy.ts), NODE_EXTRA_CA_CERTS, and
 *   the `ca-certificate` input ({@link trustCertificate}).
 *
 * Requests that go straight out use node:http / node:https (direct.ts), not
 * fetch, whose first use costs tens of ms of start-up; behind a proxy,
 * undici's fetch and ProxyAgent, loaded only then (the bundles load undici
 * on first use: scripts/build.mjs).
 */
import { GatepassError, oneLine } from './errors.js';
import { silentLogger, type Logger } from './logger.js';
import { connectionError } from './network.js';
import { routeFor, type Route } from './proxy.js';
import {
  HttpStatusError,
  isRetryableStatus,
  parseRetryAfter,
  retry,
  type RetryOptions,
} from './retry.js';
import { VERSION } from './version.js';
import { AnswerTooLargeError, type AnswerHeaders } from './wire.js';

export const USER_AGENT = `gatepass/${VERSION}`;

export { proxyFor, trustCertificate } from './proxy.js';

/** Who is asked, for messages. */
export interface HttpPeer {
  /** "Vault", "hoop", "the token-exchange server", "GitHub", "GitLab". */
  what: string;
  /** The input that names the address, for hints. Default `gateway`. */
  input?: string;
  /** Why a redirect is refused and what to change, for its hint. */
  redirectHint?: string;
}

export interface HttpCall {
  method: string;
  url: URL | string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | URLSearchParams;
  /** For messages; default "METHOD origin/path" (never the query). */
  label?: string;
}

/** A whole answer: status, headers and the body, read. */
export interface HttpAnswer {
  status: number;
  headers: AnswerHeaders;
  body: Uint8Array;
  /** The body as UTF-8. */
  text(): string;
}

export interface HttpPolicy extends HttpPeer {
  /** Budget of the whole call, retries included. */
  deadlineMs: number;
  /** Timeout of one attempt. Default 30 s. */
  attemptTimeoutMs?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /** Backoff tuning, clock, classification: for tests and GitHub's rate limits. */
  retry?: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs' | 'clock' | 'classify'>;
  /** The error for a transient status (429, 5xx) once retries end. Default "<label> answered HTTP <status>". */
  statusError?: (answer: HttpAnswer, label: string) => HttpStatusError;
}

/**
 * One request under the retry policy. Transient statuses are retried and,
 * when retries end, thrown as {@link HttpPolicy.statusError}; every other
 * status comes back as the answer, for the caller to read.
 */
export function request(call: HttpCall, policy: HttpPolicy): Promise<HttpAnswer> {
  const label = labelOf(call);
  const statusError = policy.statusError ?? defaultStatusError;
  return retry(
    async ({ signal }) => {
      const answer = await attempt({ ...call, label }, policy, signal);
      if (isRetryableStatus(answer.status)) throw statusError(answer, label);
      return answer;
    },
    {
      operation: label,
      deadlineMs: Math.max(0, policy.deadlineMs),
      attemptTimeoutMs: policy.attemptTimeoutMs ?? 30_000,
      ...(policy.signal === undefined ? {} : { signal: policy.signal }),
      logger: policy.logger ?? silentLogger,
      ...policy.retry,
    },
  );
}

/**
 * One attempt, no retry: for clients that retry on their own terms (Octokit
 * under approvals/github.ts's policy). Redirects are refused, connection
 * failures worded, and the body read before it returns.
 */
export async function attempt(
  call: HttpCall,
  peer: HttpPeer,
  signal: AbortSignal,
): Promise<HttpAnswer> {
  const url = new URL(call.url);
  const label = call.label ?? labelOf(call);
  const route = await routeFor(url);
  let status: number;
  let headers: AnswerHeaders;
  let body: Uint8Array;
  try {
    const answer = await route.send({ method: call.method, url, ...outgoing(call) }, signal);
    status = answer.status;
    headers = answer.headers;
    if (REDIRECTS.has(status)) {
      answer.discard();
      throw redirectRefused(status, headers.get('location'), url, label, peer);
    }
    body = await answer.read();
  } catch (err) {
    throw failure(err, { url, label, peer, route, signal });
  }
  return { status, headers, body, text: () => new TextDecoder().decode(body) };
}

/**
 * The headers and body as fetch would send them: one `User-Agent`, and the
 * content type fetch gives a form (URLSearchParams) or a text body when the
 * caller names none.
 */
function outgoing(call: HttpCall): { headers: Record<string, string>; body?: string | Uint8Array } {
  const headers: Record<string, string> = {
    ...withoutUserAgent(call.headers),
    'user-agent': USER_AGENT,
  };
  const named = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  const { body } = call;
  if (body === undefined) return { headers };
  if (body instanceof URLSearchParams) {
    if (!named) headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    return { headers, body: body.toString() };
  }
  if (typeof body === 'string' && !named) headers['content-type'] = 'text/plain;charset=UTF-8';
  return { headers, body };
}

/**
 * A `fetch` for libraries that take one (openid-client's `customFetch`,
 * Octokit's `request.fetch`): one {@link attempt}, answered as a Response.
 */
export function fetchThrough(
  peer: HttpPeer,
): (url: string | URL, init?: RequestInit) => Promise<Response> {
  return async (url, init = {}) => {
    const answer = await attempt(
      {
        method: init.method ?? 'GET',
        url,
        headers: headersOf(init.headers),
        ...(init.body === undefined || init.body === null
          ? {}
          : { body: init.body as NonNullable<HttpCall['body']> }),
      },
      peer,
      init.signal ?? new AbortController().signal,
    );
    return toResponse(answer);
  };
}

/** An answer as a Response (null body where the status allows none). */
export function toResponse(answer: HttpAnswer): Response {
  const empty = [101, 204, 205, 304].includes(answer.status);
  return new Response(empty ? null : answer.body, {
    status: answer.status,
    headers: [...answer.headers],
  });
}

/** A refused redirect: never retried, since a setting must change. */
export class RedirectRefusedError extends HttpStatusError {}

/** The statuses that carry a `Location` to go to instead. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function redirectRefused(
  status: number,
  location: string | null,
  from: URL,
  label: string,
  peer: HttpPeer,
): RedirectRefusedError {
  return new RedirectRefusedError(
    status,
    `${label} answered HTTP ${status}, ${redirectTarget(location, from)}: gatepass does not follow redirects, so what it sends goes only to \`${peer.input ?? 'gateway'}\``,
    {
      hint:
        peer.redirectHint ??
        `Set \`${peer.input ?? 'gateway'}\` to the address that answers without redirecting`,
    },
  );
}

/**
 * "a redirect to https://host:port": the origin only. Its path and query are
 * left out, since a hostile server could put what it was sent there.
 */
function redirectTarget(location: string | null, from: URL): string {
  if (location === null || location.trim() === '') return 'a redirect without a Location';
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    return 'a redirect to a Location that is not a URL';
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    return `a redirect to a ${oneLine(target.protocol, 20)} URL`;
  }
  return `a redirect to ${oneLine(target.origin, 200)}`;
}

interface Failed {
  url: URL;
  label: string;
  peer: HttpPeer;
  route: Route;
  signal: AbortSignal;
}

/** What a failed attempt throws: the abort's reason, or one worded error. */
function failure(err: unknown, at: Failed): unknown {
  // The attempt's own timeout or a cancel: the retry policy words those.
  if (at.signal.aborted) return at.signal.reason as unknown;
  if (err instanceof AnswerTooLargeError) {
    return new GatepassError(err.code, `${at.label}: ${err.message}`, {
      ...(err.hint === undefined ? {} : { hint: err.hint }),
      cause: err,
    });
  }
  if (err instanceof GatepassError) return err;
  const peer = {
    what: at.peer.what,
    url: at.url,
    label: at.label,
    ...(at.peer.input === undefined ? {} : { input: at.peer.input }),
    ...(at.route.proxy === undefined ? {} : { proxy: at.route.proxy }),
  };
  const worded = connectionError(err, peer);
  if (worded !== undefined) return worded;
  return new GatepassError('GATEWAY', `${at.label} failed: ${at.route.scrub(describe(err))}`, {
    cause: err,
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : 'unknown failure';
}

function defaultStatusError(answer: HttpAnswer, label: string): HttpStatusError {
  const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'), Date.now());
  return new HttpStatusError(
    answer.status,
    `${label} answered HTTP ${answer.status}`,
    retryAfterMs === undefined ? {} : { retryAfterMs },
  );
}

function labelOf(call: HttpCall): string {
  if (call.label !== undefined) return call.label;
  const url = new URL(call.url);
  return `${call.method} ${url.origin}${url.pathname}`;
}

function withoutUserAgent(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'user-agent'),
  );
}

function headersOf(headers: RequestInit['headers']): Record<string, string> {
  return Object.fromEntries(new Headers(headers ?? {}).entries());
}
