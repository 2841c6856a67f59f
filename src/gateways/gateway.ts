/**
 * The contract every gateway (token-exchange, vault, hoop) implements. A
 * pending request is waited on by approvals/gate.ts (`awaitGatewayApproval`),
 * with the same status lines as comment approvals. Gateways never import a CI
 * platform: they receive the identity token, a logger and `registerSecret`.
 */
import { GatepassError } from '../common/errors.js';
import type { IdentityToken } from '../identity/token.js';

export type { CredentialRequest, HoopRequest, JsonValue, VaultRequest } from '../config/request.js';
import type { CredentialRequest, JsonValue } from '../config/request.js';

/**
 * Connection details gateways return beside a secret (hoop's credentials,
 * a token-exchange server's extra members): not secret, and masking a host
 * name or a port everywhere would mangle the job's output.
 */
export const CONNECTION_FIELDS: ReadonlySet<string> = new Set([
  'host',
  'hostname',
  'port',
  'database',
  'database_name',
  'endpoint_url',
]);

export interface Issued {
  kind: 'issued';
  /** The request's name. */
  name: string;
  /** Field -> value. Every value not listed in `publicFields` is a secret. */
  values: Record<string, string>;
  /**
   * Fields that are not secret (`token_type`, `scope`, `expires_in`): masking
   * "Bearer" or "3600" everywhere would mangle the job's output.
   */
  publicFields?: readonly string[];
  expiresAt?: Date;
  /** JSON-serialisable; may hold a secret (masked, never logged). */
  revocation?: RevocationHandle;
}

/** A request a human or policy must act on first; poll it with `Gateway.poll`. */
export interface Pending {
  kind: 'pending';
  name: string;
  /** Everything needed to ask again. */
  request: CredentialRequest;
  /** Where an approver acts, if the gateway said. */
  approvalUrl?: string;
  /** Wait at least this long between polls. */
  intervalSeconds: number;
  /** The gateway's own words, for the log. */
  message?: string;
  /** Provider-specific polling state (e.g. a hoop review id). */
  state?: Record<string, JsonValue>;
}

/** What `revoke` needs, saved in the action's state between main and post. */
export type RevocationHandle =
  | {
      provider: 'token-exchange';
      /** RFC 7009 endpoint, from discovery. */
      endpoint: string;
      clientId: string;
      tokens: Array<{ token: string; hint: 'access_token' | 'refresh_token' }>;
      /** ISO 8601; after this the credential is dead anyway. */
      expiresAt?: string;
    }
  | VaultRevocation
  | HoopRevocation;

/** A Vault login token and the leases read with it. */
export interface VaultRevocation {
  provider: 'vault';
  /** Vault's address, as `gateway` gave it. */
  address: string;
  /** Sent as `X-Vault-Namespace`: the token only exists there. */
  namespace?: string;
  /** The login token (secret). Revoking it also revokes every lease it created. */
  token: string;
  /** `lease_id`s of dynamic secrets, revoked one by one before the token. */
  leases: string[];
  /** ISO 8601: the token's expiry; after it, Vault has revoked token and leases itself. */
  expiresAt?: string;
  /** The login gave a batch token (`auth.token_type`): Vault cannot revoke it, it dies at its TTL. */
  tokenType?: 'batch';
  /**
   * The token lacks Vault's `default` policy (`auth.token_policies`), which is
   * what allows `auth/token/revoke-self`: a 403 there may be a refusal.
   */
  noDefaultPolicy?: true;
  /**
   * Progress `revoke` records in the handle itself, so that a later call
   * from saved state (post, `gatepass revoke`) reports what is left instead
   * of mistaking a revoked token for a revoked lease: the token is revoked,
   * and these leases (id -> Vault's words) could not be.
   */
  tokenRevoked?: true;
  unrevokedLeases?: Record<string, string>;
}

/** A hoop connection credential. */
export interface HoopRevocation {
  provider: 'hoop';
  /** hoop's base URL, as `gateway` gave it. */
  gateway: string;
  connection: string;
  /** The credential's id (`id` of the credentials response). */
  credentialId: string;
  /**
   * The bearer token that obtained the credential, when it came from a token
   * exchange (secret). Absent with an API key, which `revoke` takes from its
   * options again rather than keeping it in saved state.
   */
  token?: string;
  /** Revocation of that exchanged token, done after the credential's. */
  auth?: TokenExchangeRevocation;
  /**
   * ISO 8601: the expiry hoop gave. hoop hands an expired credential that was
   * never revoked out again, so expiry does not end the need to revoke.
   */
  expiresAt?: string;
  /** The hoop session of this request: hoop re-points the credential at each later one. */
  sessionId?: string;
  /** SHA-256 (hex, 32 digits) of the credential's key: siblings hoop minted from it share it. */
  keyDigest?: string;
  /**
   * hoop gave this request the credential another request of the same hoop
   * user already held (`earlier`), or gatepass could not tell (`unknown`):
   * revoking it could cut another job off, so it is not revoked.
   */
  shared?: 'earlier' | 'unknown';
}

export type TokenExchangeRevocation = Extract<RevocationHandle, { provider: 'token-exchange' }>;

/**
 * The secret values a handle holds (the tokens it revokes with), for whoever
 * revokes from saved state to scrub from its log. Not Vault's lease ids: they
 * grant nothing without the token, and the errors name them on purpose, for
 * `vault lease revoke <lease id>`.
 */
export function revocationSecrets(handle: RevocationHandle): string[] {
  switch (handle.provider) {
    case 'token-exchange':
      return handle.tokens.map((t) => t.token);
    case 'vault':
      return [handle.token];
    case 'hoop':
      return [
        ...(handle.token === undefined ? [] : [handle.token]),
        ...(handle.auth === undefined ? [] : revocationSecrets(handle.auth)),
      ];
  }
}

/**
 * What `revoke` reports besides "revoked": a credential the gateway cannot
 * revoke by design (a Vault batch token), which is not a failure.
 */
export interface RevocationNote {
  /** `skipped`: nothing could be revoked, it dies at its TTL; `revoked`: what could be, was. */
  result: 'revoked' | 'skipped';
  /** One line for the log and the audit record; never a secret. */
  detail: string;
}

export interface Gateway {
  /** Ask for one credential. Pending means a human or policy must act first. */
  issue(req: CredentialRequest, id: IdentityToken, signal: AbortSignal): Promise<Issued | Pending>;
  /** Ask again about a pending request. */
  poll(p: Pending, id: IdentityToken, signal: AbortSignal): Promise<Issued | Pending>;
  /**
   * Revoke; must be safe to call twice and after expiry. Resolves when
   * revoked (or nothing is left to revoke), rejects when something stays
   * valid; `note` tells what cannot be revoked by design. It may record its
   * progress in `h` (see {@link VaultRevocation.tokenRevoked}).
   */
  revoke(
    h: RevocationHandle,
    signal: AbortSignal,
    note?: (n: RevocationNote) => void,
  ): Promise<void>;
  /**
   * Give up a pending request (the wait timed out, the job was cancelled):
   * withdraw it at the gateway where it can be, and release what the gateway
   * holds for it (an exchanged token). Best effort: never throws.
   */
  abandon?(p: Pending, reason: string): Promise<void>;
}

/**
 * Every field `env` names must be in `values` (unless `proxy:` makes them the
 * endpoint's fields). The error lists the fields
 * that are there, by name only: a value never goes into a message.
 */
export function requireEnvFields(
  request: CredentialRequest,
  values: Readonly<Record<string, string>>,
  where: string,
): void {
  // With a data path, `env` names the loopback endpoint's fields, which the data path checks.
  if (request.dataPath !== undefined) return;
  const missing = Object.entries(request.env ?? {}).filter(([, field]) => !(field in values));
  if (missing.length === 0) return;
  const names = Object.keys(values).sort();
  const wanted = missing.map(([variable, field]) => `${field} (for ${variable})`).join(', ');
  throw new GatepassError(
    'CONFIG',
    `credential "${request.name}": ${where} has no field ${wanted}; its fields are: ${names.length === 0 ? '(none)' : names.join(', ')}`,
    { hint: `Map \`env\` of "${request.name}" to one of the fields listed` },
  );
}

/**
 * The handle, narrowed to `provider`'s own kind. Another provider's handle
 * reaching a gateway is a bug (state from a different configuration), not a
 * user error, so it fails as INTERNAL.
 */
export function handleOf<P extends RevocationHandle['provider']>(
  handle: RevocationHandle,
  provider: P,
  gatewayName: string = provider,
): Extract<RevocationHandle, { provider: P }> {
  if (handle.provider !== provider) {
    throw new GatepassError(
      'INTERNAL',
      `a ${handle.provider} revocation handle reached the ${gatewayName} gateway`,
    );
  }
  return handle as Extract<RevocationHandle, { provider: P }>;
}

/**
 * The budget of a gateway's own clean-up (revoking a Vault login token whose
 * read failed, an exchanged hoop token): a fresh deadline, because the
 * caller's signal may be the very cancel that made the clean-up necessary.
 */
export const CLEANUP_BUDGET_MS = 5_000;

export function cleanupSignal(): AbortSignal {
  return AbortSignal.timeout(CLEANUP_BUDGET_MS);
}

export function isPending(result: Issued | Pending): result is Pending {
  return result.kind === 'pending';
}
