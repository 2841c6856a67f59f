/**
 * Cancelling a step in two stages. A request already on the wire may come
 * back with a credential: dropping it unread would leave that credential
 * live with no handle to revoke it by. So a cancel first stops everything
 * that has not started (waits, polls, further requests) and only after a
 * short grace drops the requests still in flight; what arrives in between is
 * revoked like any other credential.
 */

/** Long enough for a gateway's usual answer, short enough for the runner's kill (7.5 s after SIGINT). */
export const CANCEL_GRACE_MS = 3_000;

export interface Cancellation {
  /** Aborts at the cancel: no new request, wait or poll starts. */
  readonly signal: AbortSignal;
  /** Aborts at the end of the grace (or at a second cancel): requests in flight are dropped. */
  readonly requests: AbortSignal;
  /** The first call starts the grace; the next ends it at once. */
  cancel(reason: unknown): void;
  /** Clears the grace timer, so a finished step does not wait for it. */
  dispose(): void;
}

export function createCancellation(graceMs: number = CANCEL_GRACE_MS): Cancellation {
  const soft = new AbortController();
  const hard = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  return {
    signal: soft.signal,
    requests: hard.signal,
    cancel(reason) {
      if (soft.signal.aborted) {
        hard.abort(reason);
        return;
      }
      soft.abort(reason);
      timer = setTimeout(() => {
        hard.abort(reason);
      }, graceMs);
      timer.unref();
    },
    dispose() {
      clearTimeout(timer);
    },
  };
}

/** A result the caller never heard back about: the gateway may have issued it. */
export function wasAbandoned(err: unknown, requests: AbortSignal): boolean {
  if (requests.aborted) return true;
  // An attempt that timed out was sent and got no answer, as far as we know.
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.name === 'AttemptTimeoutError') return true;
  }
  return false;
}
