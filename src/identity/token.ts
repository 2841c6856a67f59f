/**
 * The runner's OIDC identity token. gatepass never verifies it (the gateway
 * does); it decodes the claims for diagnostics and the request id, and keeps
 * the raw value out of every string form of the object so that logging one by
 * mistake cannot leak it.
 */
import { inspect } from 'node:util';
import { decodeJwt, type JWTPayload } from 'jose';
import { GatepassError } from '../common/errors.js';

export type IdentityPlatform = 'github' | 'gitlab' | 'local';

export type IdentityClaims = Readonly<JWTPayload>;

/** Within this much of `exp` a token counts as expiring (and is re-minted where possible). */
export const REFRESH_WINDOW_MS = 60_000;

export class IdentityToken {
  readonly #value: string;
  readonly platform: IdentityPlatform;
  /** Decoded, not verified. */
  readonly claims: IdentityClaims;
  /** From `exp`; undefined when the token has none. */
  readonly expiresAt: Date | undefined;

  constructor(value: string, platform: IdentityPlatform, claims: IdentityClaims) {
    this.#value = value;
    this.platform = platform;
    this.claims = claims;
    this.expiresAt = typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined;
  }

  /** The raw JWT. A secret: hand it to the gateway, never to a log. */
  get value(): string {
    return this.#value;
  }

  /** True when the token expires within `windowMs` of `now` (or already has). */
  expiresWithin(windowMs: number, now: number = Date.now()): boolean {
    return this.expiresAt !== undefined && this.expiresAt.getTime() - now <= windowMs;
  }

  isExpired(now: number = Date.now()): boolean {
    return this.expiresWithin(0, now);
  }

  // JSON and util.inspect show who the token is for, never the token.
  toJSON(): Record<string, unknown> {
    return {
      platform: this.platform,
      iss: this.claims.iss,
      sub: this.claims.sub,
      exp: this.claims.exp,
    };
  }

  [inspect.custom](): string {
    return `IdentityToken ${JSON.stringify(this.toJSON())}`;
  }

  toString(): string {
    return `[identity token for ${this.claims.sub ?? 'unknown subject'}]`;
  }
}

/**
 * Decode a JWT without verifying it. `source` names where it came from
 * ("GATEPASS_ID_TOKEN", "the GitHub ID token endpoint") for the error message,
 * which never contains the value itself.
 */
export function parseIdentityToken(
  raw: string,
  platform: IdentityPlatform,
  source: string,
  hint?: string,
): IdentityToken {
  const value = raw.trim();
  let claims: JWTPayload;
  try {
    if (value.split('.').length !== 3) throw new Error('not three parts');
    claims = decodeJwt(value);
  } catch (cause) {
    throw new GatepassError(
      'IDENTITY',
      `${source} does not hold a JWT (expected three base64url parts separated by dots, with a JSON claims set)`,
      {
        hint: hint ?? 'Pass the OIDC ID token itself, not a file name or another kind of token',
        cause,
      },
    );
  }
  return new IdentityToken(value, platform, claims);
}
