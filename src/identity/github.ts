/**
 * The GitHub Actions ID token, from the runner's token endpoint
 * (ACTIONS_ID_TOKEN_REQUEST_URL, with ACTIONS_ID_TOKEN_REQUEST_TOKEN as the
 * bearer), asked as `core.getIDToken` asks it (the audience appended as
 * `&audience=`, the token in the answer's `value`), but through gatepass's
 * one transport (common/http.ts): the same proxy choice, `ca-certificate`
 * and error wording as every other request, no redirect followed with the
 * runner's request token, and no HTTP client loaded at start only for this.
 *
 * The endpoint is known to fail intermittently ("Failed to get ID Token"), so
 * every request goes through the retry policy: 5 attempts, jittered backoff
 * from 1 s, 10 s per attempt. The token lives a few minutes; `token()` mints a
 * new one when the cached one is within 60 s of expiry.
 */
import { GatepassError, oneLine } from '../common/errors.js';
import { attempt, type HttpAnswer } from '../common/http.js';
import { silentLogger, type Logger } from '../common/logger.js';
import {
  AttemptTimeoutError,
  HttpStatusError,
  formatDuration,
  isNetworkError,
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
  const endpoint = tokenEndpoint(options.audience);
  const raw = await retry(({ signal: attemptSignal }) => requestToken(endpoint, attemptSignal), {
    operation: OPERATION,
    maxAttempts: 5,
    initialDelayMs: 1_000,
    attemptTimeoutMs: 10_000,
    exhaustedCode: 'IDENTITY',
    classify: classifyIdentityError,
    logger,
    ...options.retry,
    ...(signal === undefined ? {} : { signal }),
  });
  // Registered before it is even parsed: nothing may see it unmasked.
  options.registerSecret(raw);
  return parseIdentityToken(raw, 'github', 'the GitHub ID token endpoint answer');
}

interface TokenEndpoint {
  url: string;
  bearer: string;
}

/** Where to ask, as `core.getIDToken` builds it; refuses a job without the id-token permission. */
function tokenEndpoint(audience: string | undefined): TokenEndpoint {
  const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '';
  const bearer = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? '';
  const missing = [
    ...(url === '' ? ['ACTIONS_ID_TOKEN_REQUEST_URL'] : []),
    ...(bearer === '' ? ['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] : []),
  ];
  if (missing.length > 0) {
    throw new GatepassError(
      'IDENTITY',
      `GitHub gave this job no OIDC token endpoint (${missing.join(' and ')} not set)`,
      {
        hint: 'Add `permissions: id-token: write` to the workflow or job; pull requests from forks (and Dependabot) never get an ID token, so run such jobs without gatepass',
      },
    );
  }
  if (!/^https?:\/\/[^/]/i.test(url) || !URL.canParse(url)) {
    throw new GatepassError('IDENTITY', 'ACTIONS_ID_TOKEN_REQUEST_URL is not an http(s) URL', {
      hint: 'The runner sets it; run gatepass as a step of a GitHub Actions runner, not with a hand-set value',
    });
  }
  // The runner's URL already has a query (`?api-version=…`): core appends, and so do we.
  const withAudience =
    audience === undefined || audience === ''
      ? url
      : `${url}&audience=${encodeURIComponent(audience)}`;
  return { url: withAudience, bearer };
}

const PEER = {
  what: 'the GitHub ID token endpoint',
  input: 'ACTIONS_ID_TOKEN_REQUEST_URL',
  redirectHint:
    "The runner's token service answers directly; something in between (a proxy) redirected: check HTTPS_PROXY and NO_PROXY",
};

async function requestToken(endpoint: TokenEndpoint, signal: AbortSignal): Promise<string> {
  let answer: HttpAnswer;
  try {
    answer = await attempt(
      {
        method: 'GET',
        url: endpoint.url,
        headers: { authorization: `Bearer ${endpoint.bearer}`, accept: 'application/json' },
      },
      PEER,
      signal,
    );
  } catch (err) {
    throw identityError(err);
  }
  if (answer.status < 200 || answer.status > 299) throw refusal(answer, endpoint.bearer);
  const value = stringMember(answer.text(), 'value');
  if (value === undefined) {
    throw new GatepassError(
      'IDENTITY',
      'the ID token endpoint answered without a token (`value`)',
      {
        hint: "The runner's token service gave an unexpected answer; re-run the job, and check https://www.githubstatus.com",
      },
    );
  }
  return value;
}

/** A non-empty string member of a JSON object answer; undefined for anything else. */
function stringMember(text: string, key: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    const value =
      typeof body === 'object' && body !== null
        ? (body as Record<string, unknown>)[key]
        : undefined;
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An error status: its `message` (as core reports it), one line, kept short,
 * and without the request token should something in between echo it.
 */
function refusal(answer: HttpAnswer, bearer: string): HttpStatusError {
  const message = stringMember(answer.text(), 'message');
  const detail =
    message === undefined || message.trim() === ''
      ? `HTTP ${answer.status}`
      : `HTTP ${answer.status}: ${oneLine(message.split(bearer).join('***'), 200)}`;
  return new HttpStatusError(answer.status, `the ID token endpoint answered ${detail}`, {
    code: 'IDENTITY',
    hint: 'GitHub could not issue an ID token; check `permissions: id-token: write` and https://www.githubstatus.com',
  });
}

/**
 * The transport's failure as an identity error. A failed connection is worded
 * with the endpoint's origin (never its query) and the OS code, and the hint
 * points at GitHub's service (or, through a proxy, at the proxy); a refused
 * redirect or an oversized answer keeps the transport's words and hint.
 */
function identityError(err: unknown): unknown {
  if (!(err instanceof GatepassError) || err.code !== 'GATEWAY') return err;
  const connection = / cannot reach /.test(err.message);
  const message = connection ? err.message.replace(/^[A-Z]+ \S+: /, '') : err.message;
  const hint =
    connection && !message.includes(' through the proxy at ')
      ? "The runner could not connect to GitHub's token service; check the runner's network and proxy settings, and https://www.githubstatus.com"
      : err.hint;
  return new GatepassError('IDENTITY', message, {
    ...(hint === undefined ? {} : { hint }),
    cause: err,
  });
}

/** Retry timeouts, transient statuses and dropped connections; not a refusal, a wrong name or an untrusted certificate. */
function classifyIdentityError(err: unknown): RetryDecision {
  if (err instanceof AttemptTimeoutError) return { retry: true };
  if (err instanceof HttpStatusError) return { retry: isRetryableStatus(err.status) };
  return { retry: isNetworkError(err) };
}
