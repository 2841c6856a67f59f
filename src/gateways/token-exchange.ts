/**
 * The token-exchange gateway: RFC 8693 through openid-client. The runner's ID
 * token is the subject token; each credential request becomes one exchange
 * (scope, audience, resource, requested token type), and, for Google Cloud,
 * a second step at IAM Credentials for a service account (google-iam.ts).
 * Revocation is RFC 7009 when the server advertises it (or
 * `revocation-endpoint` names it). Pending approval follows the device-flow
 * convention (RFC 8628 §3.5): `authorization_pending`, `slow_down`,
 * `access_denied`, `expired_token`.
 *
 * Every HTTP request goes through the retry policy inside openid-client's
 * custom fetch, so discovery, exchange and revocation share one behaviour:
 * transient failures retried with backoff, each attempt bounded, and one
 * deadline per gateway call.
 */
import * as oidc from 'openid-client';
import { GatepassError, describeError, type ErrorCode } from '../common/errors.js';
import { oneLine, scrub } from './text.js';
import { requireSafeUrl } from '../config/limits.js';
import type { ClientAuthMethod } from '../config/providers/index.js';
import { CLOUD_PLATFORM_SCOPE, generateAccessToken } from './google-iam.js';
import { request, toResponse, type HttpAnswer, type HttpCall } from '../common/http.js';
import { bindingHint, identityDiagnostics } from '../identity/diagnostics.js';
import type { RegisterSecret } from '../identity/source.js';
import type { IdentityToken } from '../identity/token.js';
import { silentLogger, type Logger } from '../common/logger.js';
import {
  HttpStatusError,
  formatDuration,
  parseRetryAfter,
  type RetryOptions,
} from '../common/retry.js';
import {
  CONNECTION_FIELDS,
  handleOf,
  type CredentialRequest,
  type Gateway,
  type Issued,
  type Pending,
  type RevocationHandle,
} from './gateway.js';

/** How messages name the peer. */
const SERVER = 'the token-exchange server';

export const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';

export type { ClientAuthMethod } from '../config/providers/index.js';

export interface TokenExchangeOptions {
  /** The gateway's issuer URL; `https:` unless loopback. */
  gateway: string;
  /** Default `gatepass`. */
  clientId?: string;
  clientSecret?: string;
  /**
   * `none`: no client credentials and no `client_id` (Google Cloud STS).
   * Default: `client_id` alone without a secret (a public client); with
   * one, `client_secret_basic` unless the server only lists post.
   */
  clientAuthMethod?: ClientAuthMethod;
  /** Default `urn:ietf:params:oauth:token-type:id_token`. */
  subjectTokenType?: string;
  /** Sent as `subject_issuer` (Keycloak's legacy exchange: the identity provider's alias). */
  subjectIssuer?: string;
  /** Skip discovery (servers without metadata, such as Google Cloud STS). */
  endpoints?: { token: string; revocation?: string };
  /**
   * Request parameter that carries the wanted lifetime in seconds; RFC 8693
   * has none, servers that do not know it ignore it (RFC 6749 §3.2). `null`
   * sends nothing. Default `expires_in`.
   */
  ttlParameter?: string | null;
  /** Deadline of one gateway call (discovery included), retries and all. Default 2 minutes. */
  timeoutMs?: number;
  /** Timeout of one HTTP request. Default 30 s. */
  attemptTimeoutMs?: number;
  /** Backoff tuning and clock, for tests. */
  retry?: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs' | 'clock'>;
  registerSecret: RegisterSecret;
  logger?: Logger;
}

interface Resolved {
  gateway: URL;
  clientId: string;
  clientSecret: string | undefined;
  method: ClientAuthMethod | undefined;
  subjectTokenType: string;
  subjectIssuer: string | undefined;
  /** `token-endpoint` given: messages name the input instead of discovery. */
  explicitEndpoints: boolean;
  ttlParameter: string | null;
  timeoutMs: number;
  attemptTimeoutMs: number;
  logger: Logger;
}

/** RFC 8693 members of the token response that are not secret (see Issued.publicFields). */
const PUBLIC_FIELDS: ReadonlySet<string> = new Set([
  'token_type',
  'issued_token_type',
  'scope',
  'expires_in',
]);

/** Validates everything it can before any network call, then returns the gateway. */
export function createTokenExchangeGateway(options: TokenExchangeOptions): Gateway {
  const settings = resolve(options);
  const discovery = cachedDiscovery(settings, options);
  let warnedNoRevocation = false;

  const exchange = async (
    request: CredentialRequest,
    id: IdentityToken,
    signal: AbortSignal,
    previous: Pending | undefined,
  ): Promise<Issued | Pending> => {
    const deadline = Date.now() + settings.timeoutMs;
    const metadata = await discovery.get(signal, deadline);
    const config = configuration(settings, metadata, options, signal, deadline);
    let response: oidc.TokenEndpointResponse;
    try {
      response = await oidc.genericGrantRequest(
        config,
        GRANT_TYPE,
        exchangeParameters(settings, request, id),
      );
    } catch (err) {
      return handleExchangeError(err, request, id, previous, settings);
    }
    const serviceAccount = request.tokenExchange?.serviceAccount;
    if (serviceAccount !== undefined) {
      return impersonate(request, serviceAccount, response, {
        settings,
        options,
        signal,
        deadline,
      });
    }
    const issued = toIssued(request, response, options.registerSecret, settings.logger);
    if (metadata.revocation_endpoint === undefined) {
      if (!warnedNoRevocation) {
        warnedNoRevocation = true;
        settings.logger.info(
          settings.explicitEndpoints
            ? 'no `revocation-endpoint` is set: credentials live until they expire'
            : 'the gateway advertises no revocation_endpoint: credentials live until they expire',
        );
      }
      return issued;
    }
    return {
      ...issued,
      revocation: revocationHandle(metadata.revocation_endpoint, settings, response, issued),
    };
  };

  return {
    issue: (request, id, signal) => exchange(request, id, signal, undefined),
    poll: (pending, id, signal) => exchange(pending.request, id, signal, pending),
    revoke: (handle, signal) => revokeAll(handle, settings, options, signal),
  };
}

function resolve(options: TokenExchangeOptions): Resolved {
  const gateway = requireSafeUrl(options.gateway, '`gateway`');
  if (options.endpoints !== undefined) {
    requireSafeUrl(options.endpoints.token, 'the token endpoint');
    if (options.endpoints.revocation !== undefined) {
      requireSafeUrl(options.endpoints.revocation, 'the revocation endpoint');
    }
  }
  const secret = options.clientSecret === '' ? undefined : options.clientSecret;
  const method = options.clientAuthMethod;
  if (method === 'none' && secret !== undefined) {
    throw new GatepassError(
      'CONFIG',
      'a client secret is set but client authentication is `none`',
      {
        hint: 'Remove `client-secret`, or use client_secret_basic or client_secret_post',
      },
    );
  }
  if (method !== undefined && method !== 'none' && secret === undefined) {
    throw new GatepassError('CONFIG', `client authentication ${method} needs \`client-secret\``, {
      hint: 'Set `client-secret` (from a secret store), or use client authentication `none`',
    });
  }
  return {
    gateway,
    clientId: options.clientId ?? 'gatepass',
    clientSecret: secret,
    method,
    subjectTokenType: options.subjectTokenType ?? ID_TOKEN_TYPE,
    subjectIssuer: options.subjectIssuer,
    explicitEndpoints: options.endpoints !== undefined,
    ttlParameter: options.ttlParameter === undefined ? 'expires_in' : options.ttlParameter,
    timeoutMs: options.timeoutMs ?? 120_000,
    attemptTimeoutMs: options.attemptTimeoutMs ?? 30_000,
    logger: options.logger ?? silentLogger,
  };
}

function cachedDiscovery(
  settings: Resolved,
  options: TokenExchangeOptions,
): { get(signal: AbortSignal, deadline: number): Promise<oidc.ServerMetadata> } {
  let cached: Promise<oidc.ServerMetadata> | undefined;
  return {
    get(signal, deadline) {
      if (options.endpoints !== undefined) {
        const { token, revocation } = options.endpoints;
        return Promise.resolve({
          issuer: settings.gateway.href,
          token_endpoint: token,
          ...(revocation === undefined ? {} : { revocation_endpoint: revocation }),
        });
      }
      cached ??= discover(settings, options, signal, deadline);
      // A failed discovery is not remembered: the next call tries again.
      cached.catch(() => {
        cached = undefined;
      });
      return cached;
    },
  };
}

/** OIDC discovery first (Keycloak, Okta, Auth0, Zitadel), RFC 8414 when that is 404. */
async function discover(
  settings: Resolved,
  options: TokenExchangeOptions,
  signal: AbortSignal,
  deadline: number,
): Promise<oidc.ServerMetadata> {
  const fetcher = retryingFetch(settings, options, signal, deadline);
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- plain http only to loopback, checked by requireSafeUrl
  const execute = settings.gateway.protocol === 'http:' ? [oidc.allowInsecureRequests] : [];
  let config: oidc.Configuration;
  try {
    config = await oidc.discovery(settings.gateway, settings.clientId, undefined, undefined, {
      [oidc.customFetch]: fetcher,
      execute,
    });
  } catch (first) {
    if (httpStatusOf(first) !== 404) throw discoveryError(first, settings);
    try {
      config = await oidc.discovery(settings.gateway, settings.clientId, undefined, undefined, {
        [oidc.customFetch]: fetcher,
        execute,
        algorithm: 'oauth2',
      });
    } catch (second) {
      throw discoveryError(second, settings);
    }
  }
  const metadata = config.serverMetadata();
  if (metadata.token_endpoint === undefined) {
    throw new GatepassError('GATEWAY', `the gateway's metadata names no token_endpoint`, {
      hint: 'Check that `gateway` is the issuer URL of a token-exchange server',
    });
  }
  requireSafeUrl(metadata.token_endpoint, 'the discovered token_endpoint');
  if (metadata.revocation_endpoint !== undefined) {
    requireSafeUrl(metadata.revocation_endpoint, 'the discovered revocation_endpoint');
  }
  return metadata;
}

function discoveryError(err: unknown, settings: Resolved): GatepassError {
  const ours = gatepassErrorIn(err);
  if (ours !== undefined) return ours;
  const code = (err as { code?: unknown }).code;
  if (code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') {
    const body = (findCause(err, (e) => 'body' in e) as { body?: { issuer?: unknown } } | undefined)
      ?.body;
    return new GatepassError(
      'GATEWAY',
      `the gateway's discovery document names issuer ${JSON.stringify(body?.issuer ?? '?')}, not ${settings.gateway.href}`,
      {
        hint: 'Set `gateway` to the issuer URL exactly as the server publishes it (scheme, host, path, no extra slash)',
        cause: err,
      },
    );
  }
  return new GatepassError(
    'GATEWAY',
    `discovery at ${settings.gateway.href} failed: ${describeOAuthFailure(err)}`,
    {
      hint: 'Check `gateway`: it must be the issuer URL that serves /.well-known/openid-configuration or /.well-known/oauth-authorization-server',
      cause: err,
    },
  );
}

function configuration(
  settings: Resolved,
  metadata: oidc.ServerMetadata,
  options: TokenExchangeOptions,
  signal: AbortSignal,
  deadline: number,
): oidc.Configuration {
  const config = new oidc.Configuration(
    metadata,
    settings.clientId,
    settings.clientSecret,
    clientAuth(settings, metadata),
  );
  config[oidc.customFetch] = retryingFetch(settings, options, signal, deadline);
  if ([metadata.token_endpoint, metadata.revocation_endpoint].some((u) => u?.startsWith('http:'))) {
    // Only reachable for loopback: requireSafeUrl checked every endpoint.
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above
    oidc.allowInsecureRequests(config);
  }
  return config;
}

/** `client-auth: none`: nothing at all, not even `client_id` (openid-client's None() sends that). */
const NO_CLIENT_AUTHENTICATION: oidc.ClientAuth = () => undefined;

function clientAuth(settings: Resolved, metadata: oidc.ServerMetadata): oidc.ClientAuth {
  if (settings.method === 'none') return NO_CLIENT_AUTHENTICATION;
  if (settings.clientSecret === undefined) return oidc.None();
  const supported = metadata.token_endpoint_auth_methods_supported;
  const method =
    settings.method ??
    (supported !== undefined &&
    supported.includes('client_secret_post') &&
    !supported.includes('client_secret_basic')
      ? 'client_secret_post'
      : 'client_secret_basic');
  return method === 'client_secret_post'
    ? oidc.ClientSecretPost(settings.clientSecret)
    : oidc.ClientSecretBasic(settings.clientSecret);
}

/**
 * openid-client's fetch: the transport (common/http.ts) under the retry
 * policy. Transient statuses are retried there; everything else (including
 * OAuth error bodies) goes back to openid-client to parse.
 */
function retryingFetch(
  settings: Resolved,
  options: TokenExchangeOptions,
  signal: AbortSignal,
  deadline: number,
): oidc.CustomFetch {
  return async (url, init) => {
    const answer = await request(
      {
        method: init.method,
        url,
        headers: init.headers,
        ...(init.body === undefined || init.body === null
          ? {}
          : { body: init.body as NonNullable<HttpCall['body']> }),
      },
      {
        what: SERVER,
        deadlineMs: deadline - Date.now(),
        attemptTimeoutMs: settings.attemptTimeoutMs,
        signal,
        logger: settings.logger,
        ...(options.retry === undefined ? {} : { retry: options.retry }),
        statusError: (failed, label) => statusError(label, failed, sentSecrets(init)),
      },
    );
    return toResponse(answer);
  };
}

function statusError(
  label: string,
  answer: HttpAnswer,
  secrets: readonly string[],
): HttpStatusError {
  // A server may echo the request: the ID token, the client secret, the token to revoke.
  const detail = errorText(scrub(answer.text(), secrets));
  const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'), Date.now());
  return new HttpStatusError(
    answer.status,
    `${label} answered HTTP ${answer.status}${detail === '' ? '' : ` (${detail})`}`,
    retryAfterMs === undefined ? {} : { retryAfterMs },
  );
}

/** What a request carried that must not come back in a message: secret parameters, credentials. */
function sentSecrets(init: { headers: Record<string, string>; body?: unknown }): string[] {
  const secrets: string[] = [];
  if (init.body instanceof URLSearchParams) {
    for (const name of SECRET_PARAMETERS) {
      const value = init.body.get(name);
      if (value !== null && value !== '') secrets.push(value);
    }
  }
  const authorization = Object.entries(init.headers).find(
    ([name]) => name.toLowerCase() === 'authorization',
  )?.[1];
  const basic = /^Basic (.+)$/i.exec(authorization ?? '')?.[1];
  if (basic !== undefined) {
    const [user = '', password = ''] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    secrets.push(basic, decodeURIComponent(user), decodeURIComponent(password));
  }
  return secrets.filter((value) => value.length >= 8);
}

const SECRET_PARAMETERS = [
  'subject_token',
  'actor_token',
  'client_secret',
  'client_assertion',
  'token',
] as const;

/** The `error`/`error_description` of an error body, else a short excerpt (scrub it first). */
function errorText(text: string): string {
  try {
    const json = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    const parts = [json.error, json.error_description].filter((p) => typeof p === 'string');
    if (parts.length > 0) return oneLine(parts.join(': '));
  } catch {
    // not JSON: fall through to an excerpt
  }
  return oneLine(text);
}

function exchangeParameters(
  settings: Resolved,
  request: CredentialRequest,
  id: IdentityToken,
): URLSearchParams {
  const params = new URLSearchParams({
    subject_token: id.value,
    subject_token_type: settings.subjectTokenType,
  });
  if (settings.subjectIssuer !== undefined) params.set('subject_issuer', settings.subjectIssuer);
  const te = request.tokenExchange ?? {};
  // IAM Credentials takes only a token with the cloud-platform scope; the
  // credential's own scope is then the service account token's.
  const scope = te.serviceAccount === undefined ? te.scope : CLOUD_PLATFORM_SCOPE;
  if (scope !== undefined && scope !== '') params.set('scope', scope);
  for (const audience of list(te.audience)) params.append('audience', audience);
  for (const resource of list(te.resource)) params.append('resource', resource);
  if (te.requestedTokenType !== undefined)
    params.set('requested_token_type', te.requestedTokenType);
  if (settings.ttlParameter !== null) params.set(settings.ttlParameter, String(request.ttlSeconds));
  return params;
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Every member of the token response becomes a field: the RFC 8693 ones, and
 * whatever else the server adds (a database gateway's `username`, `password`,
 * `url`). Strings are secrets unless known to be public; numbers and
 * booleans are not (no credential is a bare number). Secrets are registered
 * first: nothing else may see them before the masker does.
 */
function responseFields(
  response: oidc.TokenEndpointResponse,
  registerSecret: RegisterSecret,
): { values: Record<string, string>; publicFields: string[] } {
  const values: Record<string, string> = {};
  const publicFields: string[] = [];
  for (const [field, value] of Object.entries(response)) {
    if (typeof value === 'number' || typeof value === 'boolean') {
      values[field] = String(value);
      publicFields.push(field);
    } else if (typeof value === 'string') {
      if (PUBLIC_FIELDS.has(field) || CONNECTION_FIELDS.has(field)) publicFields.push(field);
      else if (value !== '') registerSecret(value);
      values[field] = value;
    }
  }
  return { values, publicFields };
}

function toIssued(
  request: CredentialRequest,
  response: oidc.TokenEndpointResponse,
  registerSecret: RegisterSecret,
  logger: Logger,
): Issued {
  const { values, publicFields } = responseFields(response, registerSecret);
  const expiresIn = typeof response.expires_in === 'number' ? response.expires_in : undefined;
  if (expiresIn !== undefined && expiresIn < request.ttlSeconds) {
    logger.info(
      `the gateway granted "${request.name}" for ${formatDuration(expiresIn * 1000)} instead of ${formatDuration(request.ttlSeconds * 1000)}`,
    );
  }
  return {
    kind: 'issued',
    name: request.name,
    values,
    publicFields,
    ...(expiresIn === undefined ? {} : { expiresAt: new Date(Date.now() + expiresIn * 1000) }),
  };
}

interface Call {
  settings: Resolved;
  options: TokenExchangeOptions;
  signal: AbortSignal;
  deadline: number;
}

/**
 * Google Cloud: STS's federated token traded for the service account's
 * access token (google-iam.ts). The federated token is registered as a
 * secret (it is one, though never delivered); the credential's fields are
 * the service account token's. Neither token can be revoked.
 */
async function impersonate(
  request: CredentialRequest,
  serviceAccount: string,
  response: oidc.TokenEndpointResponse,
  call: Call,
): Promise<Issued> {
  const { settings, options } = call;
  options.registerSecret(response.access_token);
  const scopes = (request.tokenExchange?.scope ?? '').split(/\s+/).filter((s) => s !== '');
  const token = await generateAccessToken({
    name: request.name,
    serviceAccount,
    federatedToken: response.access_token,
    scopes: scopes.length > 0 ? scopes : [CLOUD_PLATFORM_SCOPE],
    lifetimeSeconds: request.ttlSeconds,
    registerSecret: options.registerSecret,
    policy: {
      deadlineMs: call.deadline - Date.now(),
      attemptTimeoutMs: settings.attemptTimeoutMs,
      signal: call.signal,
      logger: settings.logger,
      ...(options.retry === undefined ? {} : { retry: options.retry }),
    },
  });
  const expiresIn = Math.max(0, Math.round((token.expiresAt.getTime() - Date.now()) / 1000));
  if (expiresIn < request.ttlSeconds - 5) {
    settings.logger.info(
      `the service account token for "${request.name}" lives ${formatDuration(expiresIn * 1000)}, not ${formatDuration(request.ttlSeconds * 1000)}`,
    );
  }
  settings.logger.info(
    `"${request.name}" cannot be revoked: Google's STS and IAM Credentials have no revocation; it expires at ${token.expiresAt.toISOString()}`,
  );
  return {
    kind: 'issued',
    name: request.name,
    values: {
      access_token: token.accessToken,
      token_type: 'Bearer',
      expires_in: String(expiresIn),
    },
    publicFields: ['token_type', 'expires_in'],
    expiresAt: token.expiresAt,
  };
}

function revocationHandle(
  endpoint: string,
  settings: Resolved,
  response: oidc.TokenEndpointResponse,
  issued: Issued,
): RevocationHandle {
  // The refresh token first: revoking it usually takes its access tokens along.
  const tokens: Array<{ token: string; hint: 'access_token' | 'refresh_token' }> = [];
  if (typeof response.refresh_token === 'string') {
    tokens.push({ token: response.refresh_token, hint: 'refresh_token' });
  }
  tokens.push({ token: response.access_token, hint: 'access_token' });
  return {
    provider: 'token-exchange',
    endpoint,
    clientId: settings.clientId,
    tokens,
    ...(issued.expiresAt === undefined ? {} : { expiresAt: issued.expiresAt.toISOString() }),
  };
}

/** The gateway's answer to an exchange that did not issue: pending, refused or broken. */
function handleExchangeError(
  err: unknown,
  request: CredentialRequest,
  id: IdentityToken,
  previous: Pending | undefined,
  settings: Resolved,
): Pending {
  const ours = gatepassErrorIn(err);
  if (ours !== undefined) throw ours;
  const answer = oauthAnswer(err, [id.value, settings.clientSecret ?? '']);
  const what = `token exchange for "${request.name}"`;
  if (answer === undefined) {
    throw new GatepassError('GATEWAY', `${what} failed: ${describeOAuthFailure(err)}`, {
      hint: 'The gateway answered something that is not an OAuth token response; check `gateway` and the server logs',
      cause: err,
    });
  }
  const description = answer.description === undefined ? '' : ` (${oneLine(answer.description)})`;
  switch (answer.error) {
    case 'authorization_pending':
      return pending(request, answer, previous?.intervalSeconds ?? 5, 0);
    case 'slow_down':
      return pending(request, answer, previous?.intervalSeconds ?? 5, 5);
    case 'access_denied':
      throw new GatepassError('DENIED', `${what} was denied${description}`, {
        hint: serverHint(answer) ?? 'An approver or the gateway policy refused this request',
      });
    case 'expired_token':
      throw new GatepassError(
        'TIMEOUT',
        `${what}: the approval request expired before anyone approved it${description}`,
        {
          hint: 'Run the job again and ask an approver to act sooner',
        },
      );
  }
  const refusal =
    [
      'invalid_grant',
      'invalid_client',
      'unauthorized_client',
      'invalid_scope',
      'invalid_target',
    ].includes(answer.error) ||
    answer.status === 401 ||
    answer.status === 403;
  if (refusal) {
    settings.logger.warning(identityDiagnostics(id, `${answer.error}${description}`));
  }
  const code: ErrorCode =
    ['invalid_scope', 'invalid_target'].includes(answer.error) || answer.status === 403
      ? 'DENIED'
      : 'GATEWAY';
  throw new GatepassError(
    code,
    `${what} was refused: HTTP ${answer.status} ${answer.error}${description}`,
    {
      hint: serverHint(answer) ?? refusalHint(answer, refusal, id),
    },
  );
}

/**
 * Fixes for answers whose wording names one server's set-up step, found by
 * that wording (docs/token-exchange.md gives each step).
 */
function serverHint(answer: OAuthAnswer): string | undefined {
  const said = answer.description ?? '';
  // Keycloak, V1TokenExchangeProvider: a non-access-token subject without
  // subject_issuer (and a `jwt` it cannot parse) is taken as its own token.
  if (said === 'Invalid token type, must be access token') {
    return "Keycloak's legacy token exchange takes a CI token only as `subject-token-type: jwt` (its identity provider found by the token's `iss`) or with `subject-issuer: <identity provider alias>`: see docs/token-exchange.md#keycloak";
  }
  // Keycloak, AbstractTokenExchangeProvider.exchangeExternalToken.
  if (answer.error === 'invalid_issuer') {
    return "No identity provider of the Keycloak realm matches: give it the CI's issuer URL (`Issuer`), or set `subject-issuer` to its alias";
  }
  if (said === 'Client not allowed to exchange') {
    return 'Keycloak: give `client-id` the token-exchange permission on the identity provider (and on each `audience` client): Permissions tab, token-exchange, a client policy naming it';
  }
  // Keycloak, OIDCIdentityProvider.validateJwt: CI ID tokens carry no `typ` claim.
  if (said === 'token type not supported') {
    return "Keycloak: turn on the identity provider's 'Disable type claim check' (CI ID tokens have no `typ` claim)";
  }
  return undefined;
}

function refusalHint(answer: OAuthAnswer, refusal: boolean, id: IdentityToken): string {
  const { error, status } = answer;
  // Keycloak answers a wrong or missing secret with 401 unauthorized_client.
  if (error === 'invalid_client' || (error === 'unauthorized_client' && status === 401)) {
    return 'Check `client-id` and `client-secret`, and which client authentication the gateway expects (`client-auth`)';
  }
  if (!refusal)
    return "The gateway rejected the request's parameters; check scope, audience, resource and requested-token-type";
  return `The identity token's claims are in the log above. ${bindingHint(id)}`;
}

function pending(
  request: CredentialRequest,
  answer: OAuthAnswer,
  interval: number,
  add: number,
): Pending {
  const announced =
    typeof answer.body.interval === 'number' && answer.body.interval >= 0
      ? answer.body.interval
      : undefined;
  const intervalSeconds =
    add > 0 ? Math.max(interval + add, announced ?? 0) : (announced ?? interval);
  const url = answer.body.approval_url;
  return {
    kind: 'pending',
    name: request.name,
    request,
    intervalSeconds,
    ...(typeof url === 'string' && /^https?:\/\//.test(url) ? { approvalUrl: url } : {}),
    ...(answer.description === undefined ? {} : { message: oneLine(answer.description) }),
  };
}

interface OAuthAnswer {
  status: number;
  error: string;
  description: string | undefined;
  body: Record<string, unknown>;
}

/** An OAuth error response, however openid-client reported it. */
function oauthAnswer(err: unknown, secrets: readonly string[]): OAuthAnswer | undefined {
  const clean = (text: string | undefined): string | undefined =>
    text === undefined ? undefined : scrub(text, secrets);
  if (err instanceof oidc.ResponseBodyError) {
    return {
      status: err.status,
      error: scrub(err.error, secrets),
      description: clean(err.error_description),
      body: err.cause,
    };
  }
  if (err instanceof oidc.WWWAuthenticateChallengeError) {
    const params = err.cause[0]?.parameters;
    return {
      status: err.status,
      error: params?.error ?? 'invalid_client',
      description: clean(params?.error_description),
      body: {},
    };
  }
  return undefined;
}

function describeOAuthFailure(err: unknown): string {
  const status = httpStatusOf(err);
  if (status !== undefined) return `HTTP ${status}`;
  const code = (err as { code?: unknown }).code;
  switch (code) {
    case 'OAUTH_PARSE_ERROR':
      return 'the answer is not valid JSON';
    case 'OAUTH_RESPONSE_IS_NOT_JSON':
      return 'the answer is not JSON (wrong content-type)';
    case 'OAUTH_INVALID_RESPONSE':
      return 'the answer is JSON but not a valid response';
  }
  const fetchFailure = findCause(
    err,
    (e) => e.name === 'TypeError' && e.message === 'fetch failed',
  );
  if (fetchFailure !== undefined) {
    const cause = (fetchFailure.cause as { code?: unknown; message?: unknown } | undefined) ?? {};
    const detail =
      typeof cause.code === 'string'
        ? cause.code
        : typeof cause.message === 'string'
          ? cause.message
          : 'network error';
    return `cannot reach the gateway (${detail})`;
  }
  return describeError(err);
}

/** The HTTP status of an "unexpected status" failure (its cause is the Response). */
function httpStatusOf(err: unknown): number | undefined {
  const found = findCause(
    err,
    (e) => e instanceof Response || (typeof e.status === 'number' && 'headers' in e),
  );
  const status = (found as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Our own errors (deadline, timeouts, refused URLs) come back wrapped by openid-client. */
function gatepassErrorIn(err: unknown): GatepassError | undefined {
  return findCause(err, (e) => e instanceof GatepassError) as GatepassError | undefined;
}

function findCause(
  err: unknown,
  test: (e: Record<string, unknown>) => boolean,
): Record<string, unknown> | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const record = current as Record<string, unknown>;
    if (test(record)) return record;
    current = record.cause;
  }
  return undefined;
}

async function revokeAll(
  saved: RevocationHandle,
  settings: Resolved,
  options: TokenExchangeOptions,
  signal: AbortSignal,
): Promise<void> {
  const handle = handleOf(saved, 'token-exchange');
  requireSafeUrl(handle.endpoint, 'the revocation endpoint');
  const deadline = Date.now() + settings.timeoutMs;
  const metadata: oidc.ServerMetadata = {
    issuer: settings.gateway.href,
    revocation_endpoint: handle.endpoint,
  };
  const config = configuration(
    { ...settings, clientId: handle.clientId },
    metadata,
    options,
    signal,
    deadline,
  );
  const expired = handle.expiresAt !== undefined && Date.parse(handle.expiresAt) <= Date.now();
  const failures: string[] = [];
  for (const { token, hint } of handle.tokens) {
    try {
      await oidc.tokenRevocation(config, token, { token_type_hint: hint });
    } catch (err) {
      const secrets = [token, settings.clientSecret ?? ''];
      const problem = revocationProblem(err, hint, secrets, settings.logger);
      if (problem === undefined) continue;
      // An expired credential is dead already; failing to revoke it is no news.
      if (expired) settings.logger.debug(`revoking an expired ${hint}: ${problem}`);
      else failures.push(problem);
    }
  }
  if (failures.length > 0) {
    throw new GatepassError(
      'GATEWAY',
      `revocation at ${handle.endpoint} failed: ${failures.join('; ')}`,
      {
        hint: 'The credential stays valid until it expires; revoke it by hand if it matters',
      },
    );
  }
}

/** undefined when the failure means "nothing left to revoke". */
function revocationProblem(
  err: unknown,
  hint: string,
  secrets: readonly string[],
  logger: Logger,
): string | undefined {
  const ours = gatepassErrorIn(err);
  if (ours !== undefined) return describeError(ours);
  const answer = oauthAnswer(err, secrets);
  if (answer?.error === 'invalid_token') return undefined;
  if (answer?.error === 'unsupported_token_type') {
    logger.warning(`the gateway cannot revoke a ${hint}; it stays valid until it expires`);
    return undefined;
  }
  return answer === undefined
    ? describeOAuthFailure(err)
    : `HTTP ${answer.status} ${answer.error}${answer.description === undefined ? '' : ` (${oneLine(answer.description)})`}`;
}
