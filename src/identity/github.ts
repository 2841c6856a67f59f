/**
 * The GitHub Actions ID token, from the runner's token endpoint through
 * `core.getIDToken`. The only identity file that imports `@actions/core`.
 *
 * The endpoint is known to fail intermittently ("Failed to get ID Token"), so
 * every request goes through the retry policy: 5 attempts, jittered backoff
 * from 1 s, 10 s per attempt. The token lives a few minutes; `token()` mints a
 * new one when the cached one is within 60 s of expiry.
 */
import * as core from '@actions/core';
import { GatepassError } from '../common/errors.js';
import { silentLogger, type Logger } from '../common/logger.js';
import {
  AttemptTimeoutError,
  HttpStatusError,
  formatDuration,
  isRetryableStatus,
  retry,
  type RetryDecision,
  type RetryOptions,
} from '../common/retry.js';
import type { IdentitySource, RegisterSecret } from './source.js';
import { REFRESH_WINDOW_MS, parseIdentityToken, type IdentityToken } from './token.js';

export interface GithubIdentityOptions {
  /** `aud` of the token; GitHub's default (the owner's URL) when omitted. */
  audience?: string;
  registerSecret: RegisterSecret;
  logger?: Logger;
  /** Overrides of the retry policy, for tests. */
  retry?: Pick<
    RetryOptions,
    'maxAttempts' | 'initialDelayMs' | 'attemptTimeoutMs' | 'deadlineMs' | 'clock'
  >;
  now?: () => number;
}

const OPERATION = 'GitHub ID token request';

export function githubIdentity(options: GithubIdentityOptions): IdentitySource {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => Date.now());
  let current: IdentityToken | undefined;
  return {
    platform: 'github',
    canRefresh: true,
    async token(signal) {
      if (current !== undefined && !current.expiresWithin(REFRESH_WINDOW_MS, now())) return current;
      if (current !== undefined) {
        const left = (current.expiresAt?.getTime() ?? now()) - now();
        logger.info(
          `the GitHub ID token expires in ${formatDuration(Math.max(0, left))}; requesting a new one`,
        );
      }
      current = await mint(options, logger, signal);
      return current;
    },
  };
}

async function mint(
  options: GithubIdentityOptions,
  logger: Logger,
  signal: AbortSignal | undefined,
): Promise<IdentityToken> {
  requireTokenEndpoint();
  const raw = await retry(() => requestToken(options.audience), {
    operation: OPERATION,
    maxAttempts: 5,
    initialDelayMs: 1_000,
    attemptTimeoutMs: 10_000,
    exhaustedCode: 'IDENTITY',
    classify: classifyCoreError,
    logger,
    ...options.retry,
    ...(signal === undefined ? {} : { signal }),
  });
  // Registered before it is even parsed: nothing may see it unmasked.
  options.registerSecret(raw);
  return parseIdentityToken(raw, 'github', 'the GitHub ID token endpoint answer');
}

function requireTokenEndpoint(): void {
  const missing = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'].filter(
    (name) => (process.env[name] ?? '') === '',
  );
  if (missing.length === 0) return;
  throw new GatepassError(
    'IDENTITY',
    `GitHub gave this job no OIDC token endpoint (${missing.join(' and ')} not set)`,
    {
      hint: 'Add `permissions: id-token: write` to the workflow or job; pull requests from forks (and Dependabot) never get an ID token, so run such jobs without gatepass',
    },
  );
}

async function requestToken(audience: string | undefined): Promise<string> {
  try {
    return await core.getIDToken(audience);
  } catch (err) {
    throw coreError(err);
  }
}

/**
 * `core.getIDToken` reports every failure as one multi-line message with the
 * status buried inside ("Error Code : 500"). Recover the status so the retry
 * policy can tell a 503 from a 403, and keep the message to one line.
 */
function coreError(err: unknown): GatepassError {
  const text = err instanceof Error ? err.message : String(err);
  const status = /Error Code\s*:\s*(\d{3})/.exec(text)?.[1];
  const detail = /Error Message\s*:\s*(.+)/.exec(text)?.[1]?.trim() ?? text;
  // No answer at all: http-client's "connect ECONNREFUSED 10.1.0.4:443" names the OS code.
  const os = status === undefined ? /\b(E[A-Z][A-Z_]{2,})\b/.exec(detail)?.[1] : undefined;
  if (os !== undefined) {
    return new GatepassError(
      'IDENTITY',
      `cannot reach the GitHub ID token endpoint at ${endpointOrigin()} (${os})`,
      {
        hint: "The runner could not connect to GitHub's token service; check the runner's network and proxy settings, and https://www.githubstatus.com",
        cause: err,
      },
    );
  }
  const answer = status === undefined ? 'failed' : `answered HTTP ${status}`;
  const message = `the ID token endpoint ${answer}: ${detail.replace(/\s+/g, ' ')}`;
  const hint =
    'GitHub could not issue an ID token; check `permissions: id-token: write` and https://www.githubstatus.com';
  if (status !== undefined) {
    return new HttpStatusError(Number(status), message, { code: 'IDENTITY', hint, cause: err });
  }
  return new GatepassError('IDENTITY', message, { hint, cause: err });
}

function endpointOrigin(): string {
  try {
    return new URL(process.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '').origin;
  } catch {
    return 'ACTIONS_ID_TOKEN_REQUEST_URL';
  }
}

/** Retry transient statuses, and failures without a status (network, empty answer). */
function classifyCoreError(err: unknown): RetryDecision {
  if (err instanceof AttemptTimeoutError) return { retry: true };
  if (err instanceof HttpStatusError) return { retry: isRetryableStatus(err.status) };
  return { retry: err instanceof GatepassError && err.code === 'IDENTITY' };
}
