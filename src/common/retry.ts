/**
 * One retry policy for every network call gatepass makes (identity endpoint,
 * gateways). Flaky ID-token fetches and single 503s must not fail a job, and a
 * dead gateway must not hold a runner for an hour, so:
 *
 * - only transient failures are retried: network errors, 408, 429 and 5xx,
 *   plus an attempt that got no answer in time; a 400/401/403/404 or any
 *   other error is final at once, so a bad parameter fails in well under 2 s;
 * - the wait between attempts grows exponentially with jitter (so a fleet of
 *   runners does not retry in lockstep), or is exactly what `Retry-After` says;
 * - every attempt has its own timeout, and one overall deadline bounds the
 *   whole operation; when it passes, the operation fails with the last error.
 */
import { GatepassError, describeError, type ErrorCode } from './errors.js';
import { silentLogger, type Logger } from './logger.js';

/** Time, sleeping and randomness, injectable so tests are fast and deterministic. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, signal),
  random: () => Math.random(),
};

export interface RetryOptions {
  /** What is being attempted, for messages: "token exchange at https://gw/token". */
  operation: string;
  /** Attempts in all, the first included. Default: unlimited (the deadline bounds them). */
  maxAttempts?: number;
  /** Base of the first wait. Default 1 s. */
  initialDelayMs?: number;
  /** Longest wait between attempts (before jitter). Default 30 s. */
  maxDelayMs?: number;
  /** Growth of the wait per attempt. Default 2. */
  multiplier?: number;
  /** Timeout of one attempt. Default 30 s. */
  attemptTimeoutMs?: number;
  /** Budget for the whole operation, from the first attempt. Default 2 minutes. */
  deadlineMs?: number;
  /** Cancels everything (the caller's own deadline, or a cancelled job). */
  signal?: AbortSignal;
  /** Error code when attempts run out (the deadline always gives TIMEOUT). Default GATEWAY. */
  exhaustedCode?: ErrorCode;
  /** Decides whether an error is worth another attempt. Default {@link classifyError}. */
  classify?: (err: unknown) => RetryDecision;
  clock?: Clock;
  logger?: Logger;
}

export interface AttemptContext {
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborts when this attempt times out, the deadline passes or the caller cancels. */
  signal: AbortSignal;
}

export type RetryDecision = { retry: false } | { retry: true; afterMs?: number };

const DEFAULTS = {
  maxAttempts: Number.POSITIVE_INFINITY,
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  multiplier: 2,
  attemptTimeoutMs: 30_000,
  deadlineMs: 120_000,
};

/** An HTTP answer that is an error; carries what the retry policy needs. */
export class HttpStatusError extends GatepassError {
  readonly status: number;
  /** From `Retry-After`, when the server sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    status: number,
    message: string,
    options: { hint?: string; retryAfterMs?: number; code?: ErrorCode; cause?: unknown } = {},
  ) {
    const { code = 'GATEWAY', retryAfterMs, ...rest } = options;
    super(code, message, rest);
    this.name = 'HttpStatusError';
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** An attempt that got no answer within its timeout. Always worth another try. */
export class AttemptTimeoutError extends GatepassError {
  constructor(operation: string, timeoutMs: number) {
    super('TIMEOUT', `${operation}: no answer within ${formatDuration(timeoutMs)}`, {
      hint: 'The server accepted the request but did not answer; check its health and load',
    });
    this.name = 'AttemptTimeoutError';
  }
}

/** Run `fn` until it succeeds, a permanent error occurs, attempts run out or the deadline passes. */
export async function retry<T>(
  fn: (ctx: AttemptContext) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const policy = { ...DEFAULTS, ...definedOnly(options) };
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const classify = options.classify ?? classifyError;
  const started = clock.now();
  const deadline = started + policy.deadlineMs;
  let lastError: unknown;

  for (let attempt = 1; ; attempt++) {
    const remaining = deadline - clock.now();
    if (remaining <= 0)
      throw deadlineError(options.operation, policy.deadlineMs, attempt - 1, lastError);
    const timeoutMs = Math.min(policy.attemptTimeoutMs, remaining);
    try {
      return await runAttempt(fn, attempt, timeoutMs, options);
    } catch (err) {
      throwIfCancelled(options, lastError);
      if (err instanceof AttemptTimeoutError && timeoutMs < policy.attemptTimeoutMs) {
        // Cut short by the deadline, not by its own timeout: the error before
        // it says more about what went wrong.
        throw deadlineError(options.operation, policy.deadlineMs, attempt, lastError ?? err);
      }
      lastError = err;
      const decision = classify(err);
      if (!decision.retry) throw err;
      if (attempt >= policy.maxAttempts) throw exhaustedError(options, attempt, err);
      const left = deadline - clock.now();
      // No time left for another attempt: say so, rather than "retrying in -18 ms".
      if (left <= 0) throw deadlineError(options.operation, policy.deadlineMs, attempt, err);
      if (decision.afterMs !== undefined && decision.afterMs > left) {
        throw deadlineError(options.operation, policy.deadlineMs, attempt, err, decision.afterMs);
      }
      const delay = Math.min(decision.afterMs ?? backoffMs(attempt, policy, clock), left);
      logger.info(
        `${options.operation}: ${brief(err, options.operation)}; retrying in ${formatDuration(delay)} (attempt ${attempt + 1}${Number.isFinite(policy.maxAttempts) ? ` of ${policy.maxAttempts}` : ''})`,
      );
      try {
        await clock.sleep(Math.max(0, delay), options.signal);
      } catch {
        throwIfCancelled(options, err);
      }
    }
  }
}

/**
 * Wait before attempt `attempt + 1`: exponential, capped, with "equal jitter"
 * (half fixed, half random) so waits never collapse to zero yet runners spread out.
 */
export function backoffMs(
  attempt: number,
  policy: { initialDelayMs: number; maxDelayMs: number; multiplier: number },
  clock: Pick<Clock, 'random'> = systemClock,
): number {
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.multiplier ** (attempt - 1),
  );
  return ceiling / 2 + (clock.random() * ceiling) / 2;
}

/** The default policy: network errors, timeouts, 408, 429 and 5xx are transient. */
export function classifyError(err: unknown): RetryDecision {
  if (err instanceof AttemptTimeoutError) return { retry: true };
  if (err instanceof HttpStatusError) {
    if (!isRetryableStatus(err.status)) return { retry: false };
    return err.retryAfterMs === undefined
      ? { retry: true }
      : { retry: true, afterMs: err.retryAfterMs };
  }
  return { retry: isNetworkError(err) };
}

export function isRetryableStatus(status: number): boolean {
  // 501 Not Implemented and 505 HTTP Version Not Supported describe the server,
  // not its current state: asking again cannot help.
  if (status === 501 || status === 505) return false;
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

// Failures of the connection itself. DNS "not found" and TLS certificate errors
// are missing on purpose: they mean a wrong URL or trust setup, and retrying
// them for two minutes only hides the mistake.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** True for errors that mean the connection failed, however deeply `fetch` wrapped them. */
export function isNetworkError(err: unknown): boolean {
  return networkErrorCode(err) !== undefined;
}

/**
 * The code of the connection failure behind `err` ("ECONNRESET"), if any.
 * undici reports one as "TypeError: fetch failed" whose cause holds the code.
 * Duck-typed, not `instanceof`: fetch's errors may come from another realm.
 */
export function networkErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, name, cause } = e as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    if (name === 'SocketError') return 'UND_ERR_SOCKET';
    e = cause;
  }
  return undefined;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** "250 ms", "1.5 s", "2m", "1m30s": for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const total = Math.round(ms / 1000);
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  return [h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', s > 0 ? `${s}s` : ''].join('');
}

async function runAttempt<T>(
  fn: (ctx: AttemptContext) => Promise<T>,
  attempt: number,
  timeoutMs: number,
  options: RetryOptions,
): Promise<T> {
  const timer = new AbortController();
  const signal =
    options.signal === undefined ? timer.signal : AbortSignal.any([timer.signal, options.signal]);
  const handle = setTimeout(() => {
    timer.abort(new AttemptTimeoutError(options.operation, timeoutMs));
  }, timeoutMs);
  try {
    // Race the signal as well: some callees (core.getIDToken) cannot be
    // cancelled, and the timeout must hold for them too.
    return await Promise.race([fn({ attempt, signal }), rejectOnAbort<T>(signal)]);
  } catch (err) {
    if (timer.signal.aborted) throw timer.signal.reason;
    throw err;
  } finally {
    clearTimeout(handle);
  }
}

function rejectOnAbort<T>(signal: AbortSignal): Promise<T> {
  return new Promise<T>((_resolve, reject) => {
    const fail = (): void => {
      reject(signal.reason as Error);
    };
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

function throwIfCancelled(options: RetryOptions, lastError: unknown): void {
  const signal = options.signal;
  if (signal?.aborted !== true) return;
  const reason: unknown = signal.reason;
  if (reason instanceof GatepassError) throw reason;
  // A DOMException is not always `instanceof Error` (other realms), so go by name.
  const timedOut = (reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
  throw new GatepassError(
    'TIMEOUT',
    `${options.operation} was ${timedOut ? 'stopped by the deadline' : 'cancelled'}${lastError === undefined ? '' : `; last error: ${brief(lastError, options.operation)}`}`,
    { cause: lastError },
  );
}

function deadlineError(
  operation: string,
  deadlineMs: number,
  attempts: number,
  lastError: unknown,
  retryAfterMs?: number,
): GatepassError {
  const waited =
    retryAfterMs === undefined
      ? ''
      : `; the server asked to wait ${formatDuration(retryAfterMs)}, past the deadline`;
  return new GatepassError(
    'TIMEOUT',
    `${operation} did not succeed within ${formatDuration(deadlineMs)} (${attempts} attempt${attempts === 1 ? '' : 's'})${waited}; last error: ${lastError === undefined ? 'none' : brief(lastError, operation)}`,
    {
      hint: 'Raise `timeout` if the server is slow, or check that it is healthy',
      cause: lastError,
    },
  );
}

function exhaustedError(
  options: RetryOptions,
  attempts: number,
  lastError: unknown,
): GatepassError {
  return new GatepassError(
    options.exhaustedCode ?? 'GATEWAY',
    `${options.operation} failed ${attempts} times; last error: ${brief(lastError, options.operation)}`,
    { cause: lastError },
  );
}

/** An error's message without its hint, and without repeating the operation's name. */
function brief(err: unknown, operation: string): string {
  const text = err instanceof GatepassError ? err.message : describeError(err);
  const rest = text.startsWith(operation)
    ? text.slice(operation.length).replace(/^[:\s]+/, '')
    : text;
  return rest.replace(/\s*[\r\n]+\s*/g, ' ');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(handle);
      reject(signal?.reason as Error);
    };
    const handle = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Drop keys whose value is undefined so they do not override the defaults. */
function definedOnly(options: RetryOptions): Partial<typeof DEFAULTS> {
  const out: Partial<typeof DEFAULTS> = {};
  for (const key of Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>) {
    const value = options[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
