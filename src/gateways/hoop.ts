/**
 * The hoop.dev gateway: a small typed client for the part of hoop's REST API
 * (shared/specs/hoop-openapi-v3.json, served under `<gateway>/api`) that
 * issues connection credentials. hoop has no official client, so this is
 * gatepass's HTTP transport (common/http.ts) under the shared retry policy.
 *
 * - `POST /api/connections/{c}/credentials {access_duration_seconds}`: 201 is
 *   the credential; 202 means a review must approve it first (Pending).
 * - `GET /api/reviews/{id}` until APPROVED, then `POST
 *   /api/connections/{c}/credentials/{session_id}` resumes the request;
 *   REJECTED / REVOKED are denials, 410 an expired review.
 * - `POST /api/connections/{c}/credentials/{id}/revoke` when the step ends.
 * - `PATCH /api/sessions/{id}/metadata` records which CI run holds the
 *   credential (the credentials request itself takes no metadata), so hoop's
 *   audit trail and its reviewers see the repository, run and commit.
 *
 * Authentication is `Authorization: Bearer`: an `hpk_` API key, or a token
 * from a token exchange at the IdP hoop trusts. An exchanged token is asked
 * per credential and revoked with it.
 */
import { GatepassError, type ErrorCode } from '../common/errors.js';
import { messageOf, oneLine, scrub } from './text.js';
import { bindingHint, identityDiagnostics } from '../identity/diagnostics.js';
import type { RegisterSecret } from '../identity/source.js';
import type { IdentityToken } from '../identity/token.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { HttpStatusError, parseRetryAfter, type RetryOptions } from '../common/retry.js';
import { request as httpRequest, type HttpAnswer } from '../common/http.js';
import { VERSION } from '../common/version.js';
import {
  CONNECTION_FIELDS,
  handleOf,
  isPending,
  requireEnvFields,
  cleanupSignal,
  type CredentialRequest,
  type Gateway,
  type Issued,
  type Pending,
  type HoopRevocation,
  type TokenExchangeRevocation,
} from './gateway.js';
import { requireSafeUrl } from '../config/limits.js';

export interface HoopExchange {
  /** A token-exchange gateway at the IdP hoop trusts (created first). */
  gateway: Gateway;
  /** The audience / scope hoop expects in its bearer tokens. */
  tokenExchange?: NonNullable<CredentialRequest['tokenExchange']>;
}

export interface HoopOptions {
  /** hoop's URL (`https://hoop.example.com`); the API is below `/api`. */
  gateway: string;
  /** `hoop-api-key`: an `hpk_` API key. Exactly one of this and `exchange`. */
  apiKey?: string;
  /** Obtain the bearer token by a token exchange instead. */
  exchange?: HoopExchange;
  /** Extra session metadata, over what the identity token's claims give. */
  metadata?: Record<string, string>;
  /** Wait between review polls. Default 5 s. */
  pollIntervalSeconds?: number;
  /** Deadline of one gateway call, retries and all. Default 2 minutes. */
  timeoutMs?: number;
  /** Timeout of one HTTP request. Default 30 s. */
  attemptTimeoutMs?: number;
  /** Backoff tuning and clock, for tests. */
  retry?: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs' | 'clock'>;
  registerSecret: RegisterSecret;
  logger?: Logger;
}

interface Settings {
  base: URL;
  api: string;
  apiKey: string | undefined;
  exchange: HoopExchange | undefined;
  metadata: Record<string, string>;
  pollIntervalSeconds: number;
  timeoutMs: number;
  attemptTimeoutMs: number;
  retry: HoopOptions['retry'];
  registerSecret: RegisterSecret;
  logger: Logger;
}

/** The bearer for one credential: an API key, or an exchanged token and its revocation. */
interface Bearer {
  token: string;
  exchanged: boolean;
  expiresAt: Date | undefined;
  auth: TokenExchangeRevocation | undefined;
}

/** The members of ConnectionCredentialsResponse gatepass reads. */
interface CredentialsAnswer {
  id?: string;
  connection_credentials?: Record<string, unknown>;
  expire_at?: string | null;
  has_review?: boolean;
  review_id?: string;
  session_id?: string;
}

/** An exchanged bearer must outlive the credential, or it cannot revoke it. */
const BEARER_MARGIN_SECONDS = 300;

/** Validates the options before any network call, then returns the gateway. */
export function createHoopGateway(options: HoopOptions): Gateway {
  const settings = resolve(options);
  // Bearers of pending reviews, kept here so no secret goes into Pending.state.
  const waiting = new Map<string, Bearer>();
  return {
    issue: (request, id, signal) => issue(settings, waiting, request, id, signal),
    poll: (pending, id, signal) => poll(settings, waiting, pending, id, signal),
    revoke: (handle, signal) => revoke(settings, handleOf(handle, 'hoop'), signal),
  };
}

function resolve(options: HoopOptions): Settings {
  const base = requireSafeUrl(options.gateway, '`gateway`');
  const apiKey = options.apiKey === '' ? undefined : options.apiKey;
  if ((apiKey === undefined) === (options.exchange === undefined)) {
    throw new GatepassError(
      'CONFIG',
      apiKey === undefined
        ? 'the hoop provider needs `hoop-api-key` or a token exchange'
        : '`hoop-api-key` and a token exchange are both set',
      {
        hint: 'Set `hoop-api-key` (an hpk_ key from hoop), or authenticate by token exchange, not both',
      },
    );
  }
  return {
    base,
    api: apiBase(base),
    apiKey,
    exchange: options.exchange,
    metadata: options.metadata ?? {},
    pollIntervalSeconds: options.pollIntervalSeconds ?? 5,
    timeoutMs: options.timeoutMs ?? 120_000,
    attemptTimeoutMs: options.attemptTimeoutMs ?? 30_000,
    retry: options.retry,
    registerSecret: options.registerSecret,
    logger: options.logger ?? silentLogger,
  };
}

/** `<gateway>/api`, whether or not `gateway` already ended in /api. */
function apiBase(base: URL): string {
  const path = base.pathname.replace(/\/+$/, '').replace(/\/api$/, '');
  return `${base.origin}${path}/api`;
}

/** The connection of a request, checked: one path segment. */
export function checkHoopRequest(request: CredentialRequest): string {
  const connection = request.hoop?.connection.trim() ?? '';
  if (!/^[\w.:-]+$/.test(connection)) {
    throw new GatepassError(
      'CONFIG',
      connection === ''
        ? `credential "${request.name}" has no \`connection\``
        : `credential "${request.name}": \`connection\` "${connection}" is not a hoop connection name`,
      { hint: 'Name the hoop connection (letters, digits, - _ . :), e.g. `connection: pg-prod`' },
    );
  }
  return connection;
}

async function issue(
  settings: Settings,
  waiting: Map<string, Bearer>,
  request: CredentialRequest,
  id: IdentityToken,
  signal: AbortSignal,
): Promise<Issued | Pending> {
  const connection = checkHoopRequest(request);
  const deadline = Date.now() + settings.timeoutMs;
  const bearer = await obtainBearer(settings, request, id, signal);
  try {
    const answer = await send(settings, bearer, signal, deadline, [id.value], {
      method: 'POST',
      path: `/connections/${encodeURIComponent(connection)}/credentials`,
      body: { access_duration_seconds: request.ttlSeconds },
    });
    if (answer.status === 202) {
      const pending = toPending(settings, request, connection, answer.body);
      await recordRun(settings, bearer, id, pending.state?.sessionId, signal, deadline);
      waiting.set(stateOf(pending, 'reviewId'), bearer);
      return pending;
    }
    const issued = await toIssued(settings, request, connection, answer, bearer, signal);
    const sessionId = (isObject(answer.body) ? answer.body : {}).session_id;
    await recordRun(settings, bearer, id, sessionId, signal, deadline);
    return issued;
  } catch (err) {
    await discard(settings, bearer);
    throw refusal(err, settings, bearer, id, connection);
  }
}

async function poll(
  settings: Settings,
  waiting: Map<string, Bearer>,
  pending: Pending,
  id: IdentityToken,
  signal: AbortSignal,
): Promise<Issued | Pending> {
  const reviewId = stateOf(pending, 'reviewId');
  const sessionId = stateOf(pending, 'sessionId');
  const connection = stateOf(pending, 'connection');
  const deadline = Date.now() + settings.timeoutMs;
  let bearer = waiting.get(reviewId);
  if (bearer === undefined || expiresSoon(bearer)) {
    if (bearer !== undefined) await discard(settings, bearer);
    bearer = await obtainBearer(settings, pending.request, id, signal);
    waiting.set(reviewId, bearer);
  }
  let result: Issued | Pending;
  try {
    result = await checkReview(
      settings,
      bearer,
      pending,
      { reviewId, sessionId, connection },
      id,
      signal,
      deadline,
    );
  } catch (err) {
    waiting.delete(reviewId);
    await discard(settings, bearer);
    throw refusal(err, settings, bearer, id, connection);
  }
  if (!isPending(result)) waiting.delete(reviewId);
  return result;
}

async function checkReview(
  settings: Settings,
  bearer: Bearer,
  pending: Pending,
  ids: { reviewId: string; sessionId: string; connection: string },
  id: IdentityToken,
  signal: AbortSignal,
  deadline: number,
): Promise<Issued | Pending> {
  const request = pending.request;
  const review = await send(settings, bearer, signal, deadline, [id.value], {
    method: 'GET',
    path: `/reviews/${encodeURIComponent(ids.reviewId)}`,
  });
  const status = isObject(review.body) ? review.body.status : undefined;
  switch (status) {
    case 'PENDING':
      return pending;
    case 'APPROVED': {
      const answer = await send(settings, bearer, signal, deadline, [id.value], {
        method: 'POST',
        path: `/connections/${encodeURIComponent(ids.connection)}/credentials/${encodeURIComponent(ids.sessionId)}`,
        body: { access_duration_seconds: request.ttlSeconds },
      });
      // The session is the one the pending answer named: its metadata is recorded.
      return toIssued(settings, request, ids.connection, answer, bearer, signal);
    }
    case 'REJECTED':
    case 'REVOKED':
      throw new GatepassError(
        'DENIED',
        `hoop review ${ids.reviewId} of "${request.name}" was ${status.toLowerCase()}${decidedBy(review.body, status)}${reasonOf(review.body)}`,
        { hint: 'A reviewer of the hoop connection refused this request' },
      );
    default:
      throw new GatepassError(
        'GATEWAY',
        `hoop review ${ids.reviewId} of "${request.name}" is ${typeof status === 'string' ? status : 'in no known state'}`,
        {
          hint: 'Only PENDING, APPROVED, REJECTED and REVOKED are expected for a credentials review',
        },
      );
  }
}

function stateOf(pending: Pending, key: 'reviewId' | 'sessionId' | 'connection'): string {
  const value = pending.state?.[key];
  if (typeof value !== 'string' || value === '') {
    throw new GatepassError('INTERNAL', `the pending hoop request "${pending.name}" has no ${key}`);
  }
  return value;
}

function toPending(
  settings: Settings,
  request: CredentialRequest,
  connection: string,
  body: unknown,
): Pending {
  const answer = (isObject(body) ? body : {}) as CredentialsAnswer;
  const { review_id: reviewId, session_id: sessionId } = answer;
  if (
    typeof reviewId !== 'string' ||
    reviewId === '' ||
    typeof sessionId !== 'string' ||
    sessionId === ''
  ) {
    throw new GatepassError(
      'GATEWAY',
      `hoop answered 202 for "${request.name}" without review_id and session_id`,
      {
        hint: 'Check that `gateway` is hoop and its version has the connection credentials API',
      },
    );
  }
  return {
    kind: 'pending',
    name: request.name,
    request,
    approvalUrl: `${settings.base.origin}/reviews/${encodeURIComponent(reviewId)}`,
    intervalSeconds: settings.pollIntervalSeconds,
    message: `hoop review ${reviewId} of connection ${connection} must be approved`,
    state: { reviewId, sessionId, connection },
  };
}

async function toIssued(
  settings: Settings,
  request: CredentialRequest,
  connection: string,
  answer: Answer,
  bearer: Bearer,
  signal: AbortSignal,
): Promise<Issued> {
  const body = (isObject(answer.body) ? answer.body : {}) as CredentialsAnswer;
  const fields = body.connection_credentials;
  if (
    answer.status < 200 ||
    answer.status > 201 ||
    !isObject(fields) ||
    typeof body.id !== 'string' ||
    body.id === ''
  ) {
    throw new GatepassError(
      'GATEWAY',
      `hoop's answer for "${request.name}" (HTTP ${answer.status}) holds no credential id and connection_credentials`,
      { hint: 'Check that `gateway` is hoop and that the connection supports credentials' },
    );
  }
  const { values, publicFields } = credentialValues(settings, fields);
  const expiresAt = parseDate(body.expire_at);
  const handle: HoopRevocation = {
    provider: 'hoop',
    gateway: settings.base.href,
    connection,
    credentialId: body.id,
    ...(bearer.exchanged ? { token: bearer.token } : {}),
    ...(bearer.auth === undefined ? {} : { auth: bearer.auth }),
    ...(expiresAt === undefined ? {} : { expiresAt: expiresAt.toISOString() }),
  };
  try {
    requireEnvFields(request, values, `hoop connection ${connection}`);
  } catch (err) {
    await revokeCredential(settings, handle, signal).catch(() => undefined);
    throw err;
  }
  return {
    kind: 'issued',
    name: request.name,
    values,
    publicFields,
    ...(expiresAt === undefined ? {} : { expiresAt }),
    revocation: handle,
  };
}

function credentialValues(
  settings: Settings,
  fields: Record<string, unknown>,
): { values: Record<string, string>; publicFields: string[] } {
  const values: Record<string, string> = {};
  const publicFields: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (value === null || value === undefined) continue;
    const text =
      typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : JSON.stringify(value);
    values[field] = text;
    if (CONNECTION_FIELDS.has(field) || typeof value === 'number' || typeof value === 'boolean') {
      publicFields.push(field);
    } else if (text !== '') {
      // Before anything else can see it.
      settings.registerSecret(text);
    }
  }
  return { values, publicFields };
}

/**
 * Session metadata naming the CI run, from the identity token's claims. Best
 * effort: hoop keeps the credential's audit trail either way, so a refusal
 * here is a warning, not a failed step.
 */
async function recordRun(
  settings: Settings,
  bearer: Bearer,
  id: IdentityToken,
  sessionId: unknown,
  signal: AbortSignal,
  deadline: number,
): Promise<void> {
  if (typeof sessionId !== 'string' || sessionId === '') return;
  const metadata = { ...runMetadata(id), ...settings.metadata };
  try {
    await send(settings, bearer, signal, deadline, [id.value], {
      method: 'PATCH',
      path: `/sessions/${encodeURIComponent(sessionId)}/metadata`,
      body: { metadata },
    });
  } catch (err) {
    settings.logger.warning(
      `could not record the CI run on hoop session ${sessionId}: ${messageOf(err)}`,
    );
  }
}

/** What identifies the job: repository or project, run, attempt, commit, ref, actor. */
export function runMetadata(id: IdentityToken): Record<string, string> {
  const c = id.claims;
  const pick = (...names: string[]): string | undefined => {
    for (const name of names) {
      const value = c[name];
      if (typeof value === 'string' || typeof value === 'number') return String(value);
    }
    return undefined;
  };
  const entries: Array<[string, string | undefined]> = [
    ['gatepass_version', VERSION],
    ['ci_platform', id.platform],
    ['ci_repository', pick('repository', 'project_path')],
    ['ci_run_id', pick('run_id', 'pipeline_id')],
    ['ci_run_attempt', pick('run_attempt')],
    ['ci_job_id', pick('job_id')],
    ['ci_commit', pick('sha')],
    ['ci_ref', pick('ref')],
    ['ci_workflow', pick('workflow_ref', 'ci_config_ref_uri')],
    ['ci_actor', pick('actor', 'user_login')],
  ];
  return Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== undefined));
}

/** Revoke the credential, then the exchanged token that obtained it. */
async function revoke(
  settings: Settings,
  handle: HoopRevocation,
  signal: AbortSignal,
): Promise<void> {
  const expired = handle.expiresAt !== undefined && Date.parse(handle.expiresAt) <= Date.now();
  if (expired) {
    settings.logger.debug(
      `the hoop credential for ${handle.connection} has expired: nothing to revoke`,
    );
  } else {
    await revokeCredential(settings, handle, signal);
  }
  if (handle.auth !== undefined) {
    if (settings.exchange === undefined) {
      settings.logger.debug(
        'no token exchange configured: the exchanged hoop token lives until it expires',
      );
    } else {
      await settings.exchange.gateway.revoke(handle.auth, signal);
    }
  }
}

async function revokeCredential(
  settings: Settings,
  handle: HoopRevocation,
  signal: AbortSignal,
): Promise<void> {
  const base = requireSafeUrl(handle.gateway, 'the hoop URL of the revocation handle');
  const token = handle.token ?? settings.apiKey;
  if (token === undefined) {
    throw new GatepassError(
      'CONFIG',
      `revoking the hoop credential for ${handle.connection} needs \`hoop-api-key\``,
      {
        hint: 'Give the same `hoop-api-key` to the step that revokes',
      },
    );
  }
  // The API key comes from the inputs, the URL from saved state the job could
  // have written: never send the key anywhere but the configured hoop.
  if (handle.token === undefined && base.origin !== settings.base.origin) {
    throw new GatepassError(
      'CONFIG',
      `the revocation handle names another hoop (${base.origin}) than \`gateway\` (${settings.base.origin})`,
      { hint: 'Revoke with the same `gateway` that issued the credential' },
    );
  }
  const bearer: Bearer = {
    token,
    exchanged: handle.token !== undefined,
    expiresAt: undefined,
    auth: undefined,
  };
  try {
    await send(
      { ...settings, api: apiBase(base) },
      bearer,
      signal,
      Date.now() + settings.timeoutMs,
      [],
      {
        method: 'POST',
        path: `/connections/${encodeURIComponent(handle.connection)}/credentials/${encodeURIComponent(handle.credentialId)}/revoke`,
      },
    );
  } catch (err) {
    // Revoked already, or gone with its session: nothing left to revoke.
    if (err instanceof HttpStatusError && (err.status === 404 || err.status === 410)) {
      settings.logger.debug(`the hoop credential for ${handle.connection} was already gone`);
      return;
    }
    throw new GatepassError(
      'GATEWAY',
      `revoking the hoop credential for ${handle.connection} failed: ${messageOf(err)}`,
      {
        hint: `It stays valid until ${handle.expiresAt ?? 'hoop expires it'}; revoke it in hoop's web app if it matters`,
        cause: err,
      },
    );
  }
}

// ---- authentication ---------------------------------------------------------

async function obtainBearer(
  settings: Settings,
  request: CredentialRequest,
  id: IdentityToken,
  signal: AbortSignal,
): Promise<Bearer> {
  if (settings.apiKey !== undefined) {
    return { token: settings.apiKey, exchanged: false, expiresAt: undefined, auth: undefined };
  }
  const exchange = settings.exchange;
  if (exchange === undefined)
    throw new GatepassError('INTERNAL', 'hoop has no way to authenticate');
  const result = await exchange.gateway.issue(
    {
      name: `${request.name}-hoop-auth`,
      ttlSeconds: request.ttlSeconds + BEARER_MARGIN_SECONDS,
      ...(exchange.tokenExchange === undefined ? {} : { tokenExchange: exchange.tokenExchange }),
    },
    id,
    signal,
  );
  if (isPending(result)) {
    throw new GatepassError(
      'CONFIG',
      'the token exchange for hoop authentication asks for approval',
      {
        hint: "Let hoop's reviews approve access to the connection, and let the IdP issue hoop tokens without approval",
      },
    );
  }
  const token = result.values.access_token;
  if (token === undefined || token === '') {
    throw new GatepassError('GATEWAY', 'the token exchange for hoop returned no access_token');
  }
  const auth = result.revocation?.provider === 'token-exchange' ? result.revocation : undefined;
  return { token, exchanged: true, expiresAt: result.expiresAt, auth };
}

function expiresSoon(bearer: Bearer): boolean {
  return bearer.expiresAt !== undefined && bearer.expiresAt.getTime() - Date.now() < 60_000;
}

/** Revoke an exchanged bearer nothing will use. */
async function discard(settings: Settings, bearer: Bearer): Promise<void> {
  if (bearer.auth === undefined || settings.exchange === undefined) return;
  // A fresh deadline: `signal` may be the cancel that made the token unused.
  await settings.exchange.gateway.revoke(bearer.auth, cleanupSignal()).catch((err: unknown) => {
    settings.logger.debug(`could not revoke an unused hoop token: ${messageOf(err)}`);
  });
}

function refusal(
  err: unknown,
  settings: Settings,
  bearer: Bearer,
  id: IdentityToken,
  connection: string,
): unknown {
  if (!(err instanceof HttpStatusError)) return err;
  if (err.status === 401 || err.status === 403) {
    if (bearer.exchanged) settings.logger.warning(identityDiagnostics(id, err.message));
    return new GatepassError('DENIED', err.message, {
      hint: bearer.exchanged
        ? `hoop did not accept the exchanged token, or its user may not use connection ${connection}. The identity token's claims are in the log above. ${bindingHint(id)}`
        : `Check that \`hoop-api-key\` is valid and that its user may use connection ${connection}`,
    });
  }
  if (err.status === 404) {
    return new GatepassError('GATEWAY', err.message, {
      hint: `Check \`connection\` (${connection}) and that \`gateway\` is hoop's URL`,
    });
  }
  if (err.status === 410) {
    return new GatepassError(
      'TIMEOUT',
      `${err.message}: the hoop review expired before it was approved`,
      {
        hint: 'Run the job again and ask a reviewer to act sooner',
      },
    );
  }
  return err;
}

// ---- transport --------------------------------------------------------------

interface Answer {
  status: number;
  body: unknown;
}

interface Send {
  method: 'GET' | 'POST' | 'PATCH';
  /** Below /api. */
  path: string;
  body?: unknown;
}

/**
 * One hoop request under the retry policy. 2xx comes back parsed; other
 * statuses become HttpStatusErrors (retried when transient) carrying hoop's
 * `message`. `secrets` (and the bearer) are scrubbed from anything hoop says.
 */
async function send(
  settings: Settings,
  bearer: Bearer,
  signal: AbortSignal,
  deadline: number,
  secrets: readonly string[],
  request: Send,
): Promise<Answer> {
  const url = `${settings.api}${request.path}`;
  const label = `${request.method} ${url}`;
  const hidden = [bearer.token, ...secrets];
  const answer = await httpRequest(
    {
      method: request.method,
      url,
      label,
      headers: {
        authorization: `Bearer ${bearer.token}`,
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    },
    {
      what: 'hoop',
      deadlineMs: deadline - Date.now(),
      attemptTimeoutMs: settings.attemptTimeoutMs,
      signal,
      logger: settings.logger,
      ...(settings.retry === undefined ? {} : { retry: settings.retry }),
      statusError: (failed) => statusError(failed, label, hidden),
    },
  );
  if (answer.status >= 200 && answer.status < 300) {
    return { status: answer.status, body: parseBody(answer.text(), label) };
  }
  throw statusError(answer, label, hidden);
}

/** A non-2xx answer, with hoop's `message` (secrets scrubbed). */
function statusError(
  answer: HttpAnswer,
  label: string,
  hidden: readonly string[],
): HttpStatusError {
  const detail = oneLine(scrub(errorText(answer.text()), hidden));
  const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'), Date.now());
  const code: ErrorCode = answer.status === 403 ? 'DENIED' : 'GATEWAY';
  return new HttpStatusError(
    answer.status,
    `${label} answered HTTP ${answer.status}${detail === '' ? '' : ` (${detail})`}`,
    { code, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
  );
}

function parseBody(text: string, label: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GatepassError('GATEWAY', `${label} answered something that is not JSON`, {
      hint: "Check that `gateway` is hoop's URL (not a proxy or login page)",
    });
  }
}

/** hoop's `{"message": ...}`, else the text itself. */
function errorText(text: string): string {
  try {
    const json = JSON.parse(text) as unknown;
    if (isObject(json) && typeof json.message === 'string') return json.message;
  } catch {
    // not JSON: the text itself
  }
  return text;
}

function decidedBy(review: unknown, status: string): string {
  const groups =
    isObject(review) && Array.isArray(review.review_groups_data) ? review.review_groups_data : [];
  const names = groups
    .filter((g): g is Record<string, unknown> => isObject(g) && g.status === status)
    .map((g) => (isObject(g.reviewed_by) ? (g.reviewed_by.email ?? g.reviewed_by.name) : undefined))
    .filter((n): n is string => typeof n === 'string' && n !== '');
  return names.length === 0 ? '' : ` by ${oneLine(names.join(', '))}`;
}

function reasonOf(review: unknown): string {
  const reason = isObject(review) ? review.rejection_reason : undefined;
  return typeof reason === 'string' && reason.trim() !== '' ? `: ${oneLine(reason)}` : '';
}

function parseDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
