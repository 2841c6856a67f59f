import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { GatepassError } from '../../src/common/errors.js';
import {
  AttemptTimeoutError,
  HttpStatusError,
  backoffMs,
  classifyError,
  formatDuration,
  parseRetryAfter,
  retry,
  type Clock,
} from '../../src/common/retry.js';
import { captureLog } from '../helpers/log.js';

/** A clock whose sleeps return at once and move time forward, recording each wait. */
function fakeClock(random = 0.5): Clock & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random: () => random,
    sleep: (ms, signal) => {
      if (signal?.aborted === true) return Promise.reject(new Error('aborted'));
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

const http = (status: number, retryAfterMs?: number): HttpStatusError =>
  new HttpStatusError(status, `HTTP ${status}`, retryAfterMs === undefined ? {} : { retryAfterMs });

function networkError(code: string): Error {
  const cause = Object.assign(new Error(`connect ${code}`), { code });
  return new TypeError('fetch failed', { cause });
}

/** An operation that fails with the given errors in turn, then returns 'ok'. */
function failing(...errors: Error[]): { fn: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    fn: () => {
      const err = errors[calls++];
      return err === undefined ? Promise.resolve('ok') : Promise.reject(err);
    },
  };
}

describe('retry', () => {
  it('returns the first success without waiting', async () => {
    const clock = fakeClock();
    const op = failing();
    await expect(retry(op.fn, { operation: 'op', clock })).resolves.toBe('ok');
    expect(clock.sleeps).toEqual([]);
  });

  it('retries 503 twice with growing jittered waits, then succeeds', async () => {
    const clock = fakeClock(0.5);
    const log = captureLog();
    const op = failing(http(503), http(503));
    const result = await retry(op.fn, {
      operation: 'token exchange',
      clock,
      logger: log.logger,
      initialDelayMs: 1000,
    });
    expect(result).toBe('ok');
    expect(op.calls()).toBe(3);
    // equal jitter with random 0.5: 3/4 of 1 s, then 3/4 of 2 s
    expect(clock.sleeps).toEqual([750, 1500]);
    expect(log.lines[0]).toBe('info: token exchange: HTTP 503; retrying in 750 ms (attempt 2)');
  });

  it.each([400, 401, 403, 404, 409, 501])('never retries HTTP %i', async (status) => {
    const clock = fakeClock();
    const op = failing(http(status));
    await expect(retry(op.fn, { operation: 'op', clock })).rejects.toMatchObject({ status });
    expect(op.calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it.each([408, 429, 500, 502, 503, 504])('retries HTTP %i', async (status) => {
    const op = failing(http(status));
    await expect(retry(op.fn, { operation: 'op', clock: fakeClock() })).resolves.toBe('ok');
    expect(op.calls()).toBe(2);
  });

  it('waits exactly what Retry-After asks', async () => {
    const clock = fakeClock();
    const op = failing(http(429, 7000));
    await retry(op.fn, { operation: 'op', clock });
    expect(clock.sleeps).toEqual([7000]);
  });

  it('fails at once when Retry-After points past the deadline', async () => {
    const clock = fakeClock();
    const op = failing(http(503, 600_000));
    const err = await retry(op.fn, { operation: 'op', clock, deadlineMs: 60_000 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GatepassError);
    expect((err as GatepassError).code).toBe('TIMEOUT');
    expect((err as Error).message).toContain('asked to wait 10m, past the deadline');
    expect(clock.sleeps).toEqual([]);
  });

  it('retries connection failures but not DNS or TLS failures', async () => {
    const reset = failing(networkError('ECONNRESET'), networkError('ECONNREFUSED'));
    await expect(retry(reset.fn, { operation: 'op', clock: fakeClock() })).resolves.toBe('ok');
    expect(reset.calls()).toBe(3);

    for (const code of ['ENOTFOUND', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']) {
      const op = failing(networkError(code));
      await expect(retry(op.fn, { operation: 'op', clock: fakeClock() })).rejects.toThrow(
        'fetch failed',
      );
      expect(op.calls()).toBe(1);
    }
  });

  it('does not retry errors it does not recognise', async () => {
    const op = failing(new GatepassError('INPUT', 'bad parameter'));
    await expect(retry(op.fn, { operation: 'op', clock: fakeClock() })).rejects.toThrow(
      'bad parameter',
    );
    expect(op.calls()).toBe(1);
  });

  it('stops after maxAttempts with the last error and the chosen code', async () => {
    const op = failing(http(500), http(502), http(503), http(504));
    const err = await retry(op.fn, {
      operation: 'ID token request',
      maxAttempts: 3,
      exhaustedCode: 'IDENTITY',
      clock: fakeClock(),
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IDENTITY' });
    expect((err as Error).message).toBe('ID token request failed 3 times; last error: HTTP 503');
    expect(op.calls()).toBe(3);
  });

  it('fails exactly at the deadline with the last error', async () => {
    const clock = fakeClock();
    const start = clock.now();
    let calls = 0;
    const err = await retry(() => Promise.reject(http(503 + (calls++ % 2))), {
      operation: 'op',
      clock,
      deadlineMs: 30_000,
    }).catch((e: unknown) => e);
    expect(clock.now() - start).toBe(30_000);
    expect(err).toMatchObject({ code: 'TIMEOUT' });
    const last = calls % 2 === 1 ? 503 : 504;
    expect((err as Error).message).toMatch(
      new RegExp(
        `^op did not succeed within 30 s \\(${calls} attempts\\); last error: HTTP ${last}`,
      ),
    );
  });

  it('times out an attempt that never answers, even one that ignores its signal', async () => {
    const signals: AbortSignal[] = [];
    const started = Date.now();
    const err = await retry(
      ({ signal }) => {
        signals.push(signal);
        return new Promise<never>(() => undefined);
      },
      { operation: 'slow call', attemptTimeoutMs: 50, maxAttempts: 2, initialDelayMs: 10 },
    ).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((err as Error).message).toBe(
      'slow call failed 2 times; last error: no answer within 50 ms',
    );
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted && s.reason instanceof AttemptTimeoutError)).toBe(true);
  });

  it('cuts the last attempt short at the deadline', async () => {
    const started = Date.now();
    const err = await retry(() => new Promise<never>(() => undefined), {
      operation: 'op',
      attemptTimeoutMs: 10_000,
      deadlineMs: 100,
    }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(1000);
    expect(err).toMatchObject({ code: 'TIMEOUT' });
  });

  it('stops waiting when the caller cancels, naming the last error', async () => {
    const controller = new AbortController();
    const op = retry(() => Promise.reject(http(503)), {
      operation: 'op',
      signal: controller.signal,
      initialDelayMs: 60_000,
    });
    setTimeout(() => {
      controller.abort();
    }, 20);
    await expect(op).rejects.toThrow('op was cancelled; last error: HTTP 503');
  });

  it('reports an outer deadline as a deadline', async () => {
    const op = retry(() => Promise.reject(http(502)), {
      operation: 'op',
      signal: AbortSignal.timeout(30),
      initialDelayMs: 60_000,
    });
    await expect(op).rejects.toThrow('op was stopped by the deadline; last error: HTTP 502');
  });
});

describe('backoffMs', () => {
  it('stays within [ceiling/2, ceiling] of a capped exponential', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, random) => {
          const policy = { initialDelayMs: 1000, maxDelayMs: 30_000, multiplier: 2 };
          const ceiling = Math.min(30_000, 1000 * 2 ** (attempt - 1));
          const delay = backoffMs(attempt, policy, { random: () => random });
          return delay >= ceiling / 2 && delay <= ceiling;
        },
      ),
    );
  });
});

describe('classifyError', () => {
  it('passes Retry-After on', () => {
    expect(classifyError(http(429, 2000))).toEqual({ retry: true, afterMs: 2000 });
    expect(classifyError(http(503))).toEqual({ retry: true });
    expect(classifyError(new Error('boom'))).toEqual({ retry: false });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads seconds and HTTP dates, ignores the rest', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:10 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it('is short and readable', () => {
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(120_000)).toBe('2m');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(5_400_000)).toBe('1h30m');
  });
});
