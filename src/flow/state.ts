/**
 * What the action's main step leaves for its post step. It holds revocation
 * handles, which can hold secrets: it goes only to the runner's state file
 * (GITHUB_STATE), never to a log, output or the audit record.
 */
import type { RevocationHandle } from '../gateways/gateway.js';
import type { GatewaySettings } from '../gateways/index.js';

export const STATE_KEY = 'gatepass';

export interface SavedState {
  version: 2;
  requestId: string;
  /** Everything post needs to revoke, without secret values (post reads those inputs again). */
  settings: GatewaySettings;
  revoke: boolean;
  /** `revoke-timeout`: one deadline for revoking them all. Absent in older state: the default. */
  revokeTimeoutMs?: number;
  auditFile: string;
  /** Issued and not yet revoked (or whose revocation failed: post and `gatepass revoke` retry). */
  credentials: SavedCredential[];
  /**
   * Requests sent whose answer never came (the step was cancelled, or the
   * request timed out): the gateway may have issued them. Reported, since
   * without an answer there is nothing to revoke with.
   */
  unconfirmed?: UnconfirmedRequest[];
  /** Revoked at the end of the main step: post has nothing left to do for these. */
  revoked?: Array<{ name: string; at: string }>;
}

export interface UnconfirmedRequest {
  name: string;
  /** ISO 8601: when the request was sent. */
  requestedAt: string;
  /** The TTL asked for: the longest it can live if the gateway issued it. */
  ttlSeconds: number;
}

export interface SavedCredential {
  name: string;
  expiresAt?: string;
  handle?: RevocationHandle;
}

/**
 * The saved state, or why it cannot be used, to follow "… is" (`not valid
 * JSON`). Never echoes the text (it holds secrets).
 */
export function parseState(raw: string): SavedState | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'not valid JSON';
  }
  const state = value as Partial<SavedState> | null;
  if (
    state === null ||
    typeof state !== 'object' ||
    state.version !== 2 ||
    !Array.isArray(state.credentials) ||
    typeof state.settings !== 'object' ||
    typeof state.auditFile !== 'string'
  ) {
    return 'not from this gatepass version';
  }
  return state as SavedState;
}
