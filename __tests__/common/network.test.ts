import { describe, expect, it } from '@jest/globals';
import { GatepassError } from '../../src/common/errors.js';
import { connectionError } from '../../src/common/network.js';
import { HttpStatusError, classifyError, retry, type Clock } from '../../src/common/retry.js';

/** What undici throws: "TypeError: fetch failed" with the socket error as its cause. */
function fetchFailed(cause?: object): TypeError {
  return new TypeError('fetch failed', cause === undefined ? undefined : { cause });
}

const peer = {
  what: 'the token-exchange server',
  url: 'https://sts.example.com/realms/ci?token=s3cr3t',
  label: 'POST https://sts.example.com/token',
};

describe('connectionError', () => {
  it('words a refused connection with what, the origin and the code, and keeps it retryable', () => {
    const err = connectionError(fetchFailed({ code: 'ECONNREFUSED' }), peer);
    expect(err?.message).toBe(
      'POST https://sts.example.com/token: cannot reach the token-exchange server at https://sts.example.com (ECONNREFUSED)',
    );
    expect(err?.hint).toBe(
      'Check `gateway` and that the token-exchange server is up and reachable from the runner',
    );
    expect(classifyError(err)).toEqual({ retry: true });
  });

  it('makes DNS and TLS failures final, with a hint about the host name and trust', () => {
    const dns = connectionError(fetchFailed({ code: 'ENOTFOUND' }), { ...peer, input: 'audience' });
    expect(dns?.message).toMatch(/at https:\/\/sts\.example\.com \(ENOTFOUND\)$/);
    expect(dns?.hint).toMatch(
      /^Not retried, as a wrong host name .*: check the host name in `audience`.*NODE_EXTRA_CA_CERTS/,
    );
    expect(classifyError(dns)).toEqual({ retry: false });
    const tls = connectionError(
      fetchFailed({
        code: 'EPROTO',
        message:
          'write EPROTO 40CD:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:x.c',
      }),
      peer,
    );
    expect(tls?.message).toMatch(/\(EPROTO: SSL wrong version number\)$/);
    expect(connectionError(fetchFailed(), peer)?.message).toMatch(/\(network error\)$/);
  });

  it('leaves everything else to the caller', () => {
    expect(connectionError(new HttpStatusError(503, 'x'), peer)).toBeUndefined();
    expect(connectionError(new GatepassError('TIMEOUT', 'x'), peer)).toBeUndefined();
    expect(connectionError(new Error('boom'), peer)).toBeUndefined();
    expect(
      connectionError(Object.assign(new Error('x'), { code: 'ABORT_ERR' }), peer),
    ).toBeUndefined();
  });

  it('gives the retry log and the final error one shape', async () => {
    let now = 0;
    const clock: Clock = {
      now: () => now,
      sleep: (ms) => {
        now += ms;
        return Promise.resolve();
      },
      random: () => 0.6,
    };
    const lines: string[] = [];
    const logger = {
      debug: () => undefined,
      info: (m: string) => lines.push(m),
      warning: (m: string) => lines.push(m),
    };
    const failure = retry(
      () => {
        throw connectionError(fetchFailed({ code: 'ECONNREFUSED' }), peer) ?? new Error('no');
      },
      { operation: peer.label, deadlineMs: 5_000, clock, logger },
    );
    await expect(failure).rejects.toThrow(
      'POST https://sts.example.com/token did not succeed within 5 s (3 attempts); last error: cannot reach the token-exchange server at https://sts.example.com (ECONNREFUSED)',
    );
    expect(lines[0]).toBe(
      'POST https://sts.example.com/token: cannot reach the token-exchange server at https://sts.example.com (ECONNREFUSED); retrying in 800 ms (attempt 2)',
    );
  });
});
