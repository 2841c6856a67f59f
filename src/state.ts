/**
 * What the action's main step leaves for its post step. It holds revocation
 * handles, which can hold secrets: it goes only to the runner's state file
 * (GITHUB_STATE), never to a log, output or the audit record.
 */
import type { RevocationHandle } from './gateways/gateway.js';
import type { GatewaySettings } from './gateways/index.js';

export const STATE_KEY = 'gatepass';

export interface SavedState {
  version: 1;
  requestId: string;
  /** Everything post needs to revoke, except secret inputs (post reads those again). */
  settings: Omit<GatewaySettings, 'clientSecret' | 'hoopApiKey'>;
  revoke: boolean;
  auditFile: string;
  credentials: SavedCredential[];
}

export interface SavedCredential {
  name: string;
  expiresAt?: string;
  handle?: RevocationHandle;
}

/** The saved state, or a reason it cannot be used. Never echoes the text (it holds secrets). */
export function parseState(raw: string): SavedState | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'the saved state is not valid JSON';
  }
  const state = value as Partial<SavedState> | null;
  if (
    state === null ||
    typeof state !== 'object' ||
    state.version !== 1 ||
    !Array.isArray(state.credentials) ||
    typeof state.settings !== 'object' ||
    typeof state.auditFile !== 'string'
  ) {
    return 'the saved state is not from this gatepass version';
  }
  return state as SavedState;
}
