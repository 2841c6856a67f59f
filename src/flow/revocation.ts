/**
 * Revoking a step's credentials, the one way main (at the step's end), post
 * and `gatepass revoke` all do it: every credential in parallel under one
 * deadline (`revoke-timeout`), each outcome a record, each failure an error
 * line that names the credential. A gateway that hangs cannot hold the step
 * longer than the deadline, however many credentials there are.
 */
import type { RevocationRecord } from '../audit/record.js';
import { GatepassError, describeError } from '../common/errors.js';
import type { Gateway, RevocationHandle, RevocationNote } from '../gateways/gateway.js';
import type { Logger } from '../common/logger.js';
import { formatDuration } from '../common/retry.js';
import type { SavedCredential, UnconfirmedRequest } from './state.js';

/** The log revocation writes to: failures are errors (`::error::` on GitHub). */
export interface RevocationLog extends Logger {
  error(message: string): void;
}

export interface RevokeOptions {
  /** Made only when some credential has a handle (post builds its gateway from state). */
  gateway: () => Promise<Gateway>;
  /** One deadline for all of them, from now. */
  deadlineMs: number;
  log: RevocationLog;
  /**
   * Cuts the deadline short (a second signal while revoking, flow/job.ts
   * onSignal); its abort reason, not `revoke-timeout`, is what each credential
   * left unrevoked is reported with.
   */
  signal?: AbortSignal;
}

/** Revokes every credential once (two names may share a handle), all at the same time. */
export async function revokeCredentials(
  credentials: readonly SavedCredential[],
  options: RevokeOptions,
): Promise<RevocationRecord[]> {
  const results: RevocationRecord[] = [];
  const pending = new Map<string, { names: string[]; handle: RevocationHandle }>();
  for (const { name, handle, expiresAt } of credentials) {
    if (handle === undefined) {
      const detail = `the gateway offers no revocation; expires ${expiresAt ?? 'at an unknown time'}`;
      options.log.warning(`"${name}" cannot be revoked: ${detail}`);
      results.push(record(name, 'skipped', detail));
      continue;
    }
    const key = JSON.stringify(handle);
    const shared = pending.get(key);
    if (shared === undefined) pending.set(key, { names: [name], handle });
    else shared.names.push(name);
  }
  if (pending.size === 0) return results;
  const deadline = deadlineSignal(options);
  const revoked = await Promise.all(
    [...pending.values()].map(async ({ names, handle }) => {
      const outcome = await revokeOne(options.gateway, handle, deadline);
      return names.map((name) => report(name, outcome, options.log));
    }),
  );
  deadline.dispose();
  return [...results, ...revoked.flat()];
}

/** What the step sent but never heard back from: nothing to revoke with, so it is reported. */
export function reportUnconfirmed(
  requests: readonly UnconfirmedRequest[],
  log: RevocationLog,
): RevocationRecord[] {
  return requests.map(({ name, requestedAt, ttlSeconds }) => {
    const detail = `requested at ${requestedAt}, no answer came: if the gateway issued it, it stays valid until it expires (at most ${formatDuration(ttlSeconds * 1000)} after the request); check the gateway's audit log`;
    log.warning(`"${name}" is in flight, not confirmed: ${detail}`);
    return record(name, 'unconfirmed', detail);
  });
}

/** How many of the records are credentials that may still be live because revoking failed. */
export function failedRevocations(records: readonly RevocationRecord[]): string[] {
  return records.filter((r) => r.result === 'failed').map((r) => r.name);
}

type Outcome = { ok: true; note?: RevocationNote } | { ok: false; detail: string };

async function revokeOne(
  gateway: () => Promise<Gateway>,
  handle: RevocationHandle,
  deadline: Deadline,
): Promise<Outcome> {
  const { signal } = deadline;
  let note: RevocationNote | undefined;
  try {
    // The race is a backstop: every gateway honours the signal, but a
    // revocation must not outlive the deadline even if one did not.
    await Promise.race([
      gateway().then((g) =>
        g.revoke(handle, signal, (n) => {
          note = n;
        }),
      ),
      rejectOnAbort(signal),
    ]);
    return note === undefined ? { ok: true } : { ok: true, note };
  } catch (err) {
    if (!signal.aborted) return { ok: false, detail: describeError(err) };
    const cause = err === signal.reason ? '' : `; last: ${describeError(err)}`;
    return { ok: false, detail: `${deadline.why()}${cause}` };
  }
}

function report(name: string, outcome: Outcome, log: RevocationLog): RevocationRecord {
  if (outcome.ok && outcome.note?.result === 'skipped') {
    // Not revocable by design (a Vault batch token): it lives to its TTL.
    log.warning(`"${name}" cannot be revoked: ${outcome.note.detail}`);
    return record(name, 'skipped', outcome.note.detail);
  }
  if (outcome.ok) {
    const detail = outcome.note?.detail;
    log.info(`"${name}" revoked${detail === undefined ? '' : `: ${detail}`}`);
    return record(name, 'revoked', detail);
  }
  log.error(`"${name}" was not revoked: ${outcome.detail}`);
  return record(name, 'failed', outcome.detail);
}

function record(
  name: string,
  result: RevocationRecord['result'],
  detail?: string,
): RevocationRecord {
  return {
    name,
    result,
    ...(detail === undefined ? {} : { detail }),
    at: new Date().toISOString(),
  };
}

interface Deadline {
  /** Aborted by the clock (`revoke-timeout`) or by the caller's signal, whichever comes first. */
  signal: AbortSignal;
  /** Why the revocations still running were given up, once `signal` is aborted. */
  why: () => string;
  dispose: () => void;
}

function deadlineSignal(options: RevokeOptions): Deadline {
  const timer = new AbortController();
  const timeout = new GatepassError('TIMEOUT', 'the revocation deadline passed');
  const handle = setTimeout(() => {
    timer.abort(timeout);
  }, options.deadlineMs);
  const signal =
    options.signal === undefined ? timer.signal : AbortSignal.any([timer.signal, options.signal]);
  return {
    signal,
    why: () => {
      // A second signal cut it short: blaming `revoke-timeout` would send the
      // user to raise a timeout that never ran out.
      const reason: unknown = signal.reason;
      if (reason !== timeout) {
        return reason instanceof GatepassError
          ? describeError(reason)
          : 'the revocation was stopped';
      }
      return `not revoked within ${formatDuration(options.deadlineMs)} (\`revoke-timeout\`)`;
    },
    dispose: () => {
      clearTimeout(handle);
    },
  };
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const fail = (): void => {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}
