/**
 * Where the runner's identity token comes from. Each platform has its own
 * source; callers ask `token()` before every gateway call, so a source that
 * can mint (GitHub) hands out a fresh token when the old one nears expiry, and
 * one that cannot (GitLab, local) says clearly when its token has run out.
 */
import { GatepassError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { REFRESH_WINDOW_MS, type IdentityPlatform, type IdentityToken } from './token.js';

export interface IdentitySource {
  readonly platform: IdentityPlatform;
  /** True when the source can mint a new token (GitHub). */
  readonly canRefresh: boolean;
  /**
   * The token to present now. The raw value has been passed to
   * `registerSecret` before this resolves.
   */
  token(signal?: AbortSignal): Promise<IdentityToken>;
}

/** Called with every secret the moment it is received, before anything can print it. */
export type RegisterSecret = (value: string) => void;

export interface FixedSourceOptions {
  platform: IdentityPlatform;
  /** Reads, registers and parses the token; called once. */
  load: () => Promise<IdentityToken>;
  /** Names where the token came from, for the expiry message. */
  origin: string;
  /** How to get a new token when it has expired. */
  expiredHint: string;
  logger: Logger;
  now: () => number;
}

/** A source whose token is handed in once and cannot be renewed. */
export function fixedSource(options: FixedSourceOptions): IdentitySource {
  let loaded: Promise<IdentityToken> | undefined;
  let warned = false;
  return {
    platform: options.platform,
    canRefresh: false,
    async token() {
      loaded ??= options.load();
      const token = await loaded;
      const now = options.now();
      if (token.isExpired(now)) {
        throw new GatepassError(
          'IDENTITY',
          `the ID token from ${options.origin} expired at ${token.expiresAt?.toISOString() ?? '?'}`,
          { hint: options.expiredHint },
        );
      }
      if (!warned && token.expiresWithin(REFRESH_WINDOW_MS, now)) {
        warned = true;
        options.logger.warning(
          `the ID token from ${options.origin} expires at ${token.expiresAt?.toISOString() ?? '?'} and cannot be renewed here`,
        );
      }
      return token;
    },
  };
}
