/**
 * One request, from arrival to its record: admission, `inspect` (held as
 * long as it takes), the credential, the upstream, the streamed answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { admit } from './access.js';
import { Exchange } from './exchange.js';
import { redirectRewriter, clientHeaders, upstreamHeaders } from './headers.js';
import { reply, type Refusal } from './replies.js';
import { queryKeys } from './target.js';
import type { HttpCredential, HttpProxyOptions } from './types.js';
import { callUpstream, upstreamRefusal, UpstreamError, type Upstream } from './upstream.js';

/** What every request shares: the settings, fixed once the proxy listens. */
export interface Proxy {
  options: HttpProxyOptions;
  upstream: URL;
  /** The upstream's base path without a trailing `/` (`''` for the root). */
  basePath: string;
  port: number;
  /** `http://127.0.0.1:PORT/<capability>`. */
  local: string;
  capable: (given: string) => boolean;
  /** Aborted by close(). */
  closing: AbortSignal;
  active: number;
  limits: { headersTimeoutMs: number; bodyTimeoutMs: number; maxConcurrent: number };
}

/** The reason given to a request's signal when its client went away. */
export const CLIENT_GONE = new Error('the client went away');

interface Job {
  proxy: Proxy;
  req: IncomingMessage;
  res: ServerResponse;
  exchange: Exchange;
  signal: AbortSignal;
  expectsContinue: boolean;
}

export async function relay(
  proxy: Proxy,
  request: { req: IncomingMessage; res: ServerResponse; expectsContinue: boolean },
): Promise<void> {
  const { req, res, expectsContinue } = request;
  const exchange = new Exchange(req.method ?? 'GET', proxy.options.record);
  const controller = new AbortController();
  const onClose = (): void => {
    controller.abort(proxy.closing.reason);
  };
  if (proxy.closing.aborted) onClose();
  else proxy.closing.addEventListener('abort', onClose, { once: true });
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(CLIENT_GONE);
  });
  proxy.active++;
  const job = { proxy, req, res, exchange, signal: controller.signal, expectsContinue };
  try {
    await serve(job);
  } catch {
    // A bug: answer if still possible, without details (they could hold anything).
    const refusal = { status: 500, error: 'internal', message: 'gatepass failed on this request' };
    refuse(job, refusal);
    exchange.finish('error', res.headersSent ? res.statusCode : 500);
  } finally {
    proxy.active--;
    proxy.closing.removeEventListener('abort', onClose);
    await finished(res).catch(() => undefined);
  }
}

async function serve(job: Job): Promise<void> {
  const { proxy, req, exchange } = job;
  const method = req.method ?? 'GET';
  const { host, upgrade } = req.headers;
  const admitted = admit({ method, url: req.url ?? '', host, upgrade }, proxy);
  if (!admitted.ok) {
    exchange.path = admitted.path;
    refuse(job, admitted.refusal, admitted.outcome);
    return;
  }
  exchange.path = admitted.path;
  exchange.queryKeys = queryKeys(admitted.query);
  if (proxy.active > proxy.limits.maxConcurrent) {
    refuse(job, TOO_MANY, 'error');
    return;
  }
  const { path, query } = admitted;
  const decision = await held(
    proxy.options.inspect({ method, path, query, signal: job.signal }),
    job.signal,
  );
  if (decision === ABORTED) {
    ended(job);
    return;
  }
  if (decision instanceof Error) {
    refuse(job, CHECK_FAILED, 'error');
    return;
  }
  if (!decision.allow) {
    const { rule, message } = decision;
    refuse(job, { status: 403, error: 'blocked_by_gatepass', rule, message }, 'blocked');
    return;
  }
  await forward(job, `${proxy.basePath}${path}${query === '' ? '' : `?${query}`}`);
}

async function forward(job: Job, upstreamPath: string): Promise<void> {
  const { proxy, req, res } = job;
  const credential = await held(proxy.options.credential(), job.signal);
  if (credential === ABORTED) {
    ended(job);
    return;
  }
  if (credential instanceof Error || !wellFormed(credential)) {
    refuse(job, NO_CREDENTIAL(proxy.upstream), 'error');
    return;
  }
  if (job.expectsContinue) res.writeContinue();
  let answer: Upstream;
  try {
    answer = await callUpstream({
      upstream: proxy.upstream,
      path: upstreamPath,
      method: req.method ?? 'GET',
      headers: upstreamHeaders(req.headersDistinct, credential),
      body: requestBody(job),
      signal: job.signal,
      headersTimeoutMs: proxy.limits.headersTimeoutMs,
      bodyTimeoutMs: proxy.limits.bodyTimeoutMs,
      env: proxy.options.env ?? process.env,
    });
  } catch (err) {
    if (job.signal.aborted) {
      ended(job);
      return;
    }
    if (!(err instanceof UpstreamError)) throw err;
    const refusal = upstreamRefusal({
      error: err,
      upstream: proxy.upstream,
      timeoutMs: proxy.limits.headersTimeoutMs,
    });
    refuse(job, refusal, 'upstream-error');
    return;
  }
  await answerClient(job, answer, upstreamPath);
}

/** A header name (RFC 9110 token) and a value without line breaks or NUL: else nothing is sent. */
function wellFormed(credential: HttpCredential): boolean {
  return (
    /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(credential.header) && !/[\r\n\0]/.test(credential.value)
  );
}

/** The request body through a byte counter, or null when the request has none. */
function requestBody(job: Job): Readable | null {
  const { headers } = job.req;
  const length = headers['content-length'];
  const chunked = headers['transfer-encoding'] !== undefined;
  if (!chunked && (length === undefined || length === '0')) return null;
  const counter = new Transform({
    transform: (chunk: Buffer, _encoding, done) => {
      job.exchange.requestBytes += chunk.length;
      done(null, chunk);
    },
  });
  // A client abort errors the pipeline, which errors the body, which aborts the upstream request.
  pipeline(job.req, counter).catch(() => undefined);
  return counter;
}

async function answerClient(job: Job, answer: Upstream, upstreamPath: string): Promise<void> {
  const { proxy, res, exchange } = job;
  const { statusCode, headers, body } = answer.response;
  const rewrite = redirectRewriter({
    upstream: proxy.upstream,
    basePath: proxy.basePath,
    from: new URL(upstreamPath, proxy.upstream.origin),
    local: proxy.local,
  });
  for (const [name, value] of clientHeaders(headers, rewrite)) res.setHeader(name, value);
  res.writeHead(statusCode);
  if (job.req.method === 'HEAD' || statusCode === 204 || statusCode === 304) {
    body.resume();
    res.end();
    exchange.finish('ok', statusCode);
    return;
  }
  // Long polls and SSE: the client sees the status before the first byte of body.
  res.flushHeaders();
  body.on('data', (chunk: Buffer) => {
    exchange.responseBytes += chunk.length;
  });
  try {
    await pipeline(body, res);
    exchange.finish('ok', statusCode);
  } catch {
    exchange.finish(job.signal.aborted ? 'error' : 'upstream-error', statusCode);
  }
}

const ABORTED = Symbol('aborted');

/**
 * `work`'s result, its failure as an Error, or ABORTED as soon as `signal`
 * aborts, whether or not `work` listens to it: a held request is let go
 * the moment its client leaves or the proxy closes.
 */
async function held<T>(work: Promise<T>, signal: AbortSignal): Promise<T | Error | typeof ABORTED> {
  if (signal.aborted) return ABORTED;
  let onAbort = (): void => undefined;
  const aborted = new Promise<typeof ABORTED>((resolve) => {
    onAbort = () => {
      resolve(ABORTED);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([
      work.catch((err: unknown) => (err instanceof Error ? err : new Error('failed'))),
      aborted,
    ]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** The request's signal aborted: the client left (recorded as 499), or the proxy closes (503). */
function ended(job: Job): void {
  if (job.signal.reason === CLIENT_GONE) {
    job.exchange.finish('error', job.res.headersSent ? job.res.statusCode : 499);
    return;
  }
  refuse(job, CLOSING, 'error');
}

/** Answers with a refusal (if the client can still hear it) and records it. */
function refuse(
  job: Job,
  refusal: Refusal,
  outcome?: 'blocked' | 'error' | 'upstream-error',
): void {
  const { req, res, exchange } = job;
  if (!res.headersSent && res.writable) {
    const bodyUnread = !req.complete;
    const closeConnection = bodyUnread || refusal === CLOSING;
    exchange.responseBytes += reply(res, { refusal, closeConnection });
  }
  if (outcome !== undefined) exchange.finish(outcome, refusal.status, refusal.rule);
}

const TOO_MANY: Refusal = {
  status: 503,
  error: 'too_many_requests',
  message: 'gatepass is handling as many requests as it allows at once; retry shortly',
  headers: { 'retry-after': '1' },
};
const CLOSING: Refusal = {
  status: 503,
  error: 'closing',
  message: "gatepass's data path is closing: the job step is ending",
};
const CHECK_FAILED: Refusal = {
  status: 500,
  error: 'check_failed',
  message: 'gatepass could not check this request, so it did not send it upstream',
};

function NO_CREDENTIAL(upstream: URL): Refusal {
  return {
    status: 503,
    error: 'credential_unavailable',
    message: `gatepass could not obtain the credential for ${upstream.origin}, so it did not send the request`,
  };
}
