/**
 * A hoop.dev double: a real HTTP server on loopback serving the part of
 * hoop's API gatepass uses under `/api`, checking every exchange against the
 * published description (specs/hoop-openapi-v3.json, vendored from shared/specs):
 *
 * - the request's path and method must be an operation of the spec;
 * - its JSON body must validate against the operation's request schema, with
 *   unknown fields refused; an operation without a body must get none;
 * - every response body must validate against the schema the spec gives for
 *   that operation and status.
 *
 * Answers the spec does not list for their operation (202 from the credentials
 * POST and from the resume, 401 anywhere, 410 from the resume) are checked
 * against the operation's 2xx schema, the body hoop's handler writes, or
 * hoop's uniform `openapi.HTTPError`, and recorded in `unlisted`.
 *
 * A request the spec does not allow is answered 405 and recorded in
 * `violations`; tests assert there are none.
 *
 * Beyond the spec, it behaves as hoop's code does (hoophq/hoop at e939597dc;
 * each behaviour names the file it comes from):
 *
 * - authentication (gateway/api/apiroutes/auth.go `AuthMiddleware`): an
 *   `hpk_` key as `Authorization: Bearer` acts as a user whose id is the
 *   key's id and whose email is the key's *name*
 *   (gateway/models/apikey.go `GetAPIKeyContext`); the legacy org key comes
 *   only in an `Api-Key` header, as the admin user "API_KEY"; anything else
 *   in `Bearer` is an IdP token: signature and expiry are checked, not `aud`
 *   nor `iss` (gateway/idp/oidc/oidc.go `VerifyAccessToken`), and `sub` must
 *   be a registered, active user (`GetUserContext`), else 401 "access denied";
 * - the credentials POST (gateway/api/connections/connection_credentials.go
 *   `CreateConnectionCredentials`) opens a session first; a review-gated
 *   connection then creates the review (`createConnectionCredentialsReview`),
 *   which looks the caller's email up as a user (`models.GetUserByEmail`):
 *   an API key's name is none, so 500 "failed creating review", the session
 *   left open;
 * - one credential per user and connection (`issueOrRefreshCredential`): a
 *   non-revoked row, expired or not, is reused with the same key, its
 *   `expire_at` and `session_id` re-pointed at the new request, the previous
 *   session closed; resuming an approved review mints a new row that reuses
 *   the key of the user's latest non-revoked row (`ResumeConnectionCredentials`);
 * - the key is the secret and it is the `username` of a database connection;
 *   `password` is the literal "hoop" (`buildConnectionCredentialsResponse`);
 *   for SSH it is the other way round; `hostname`/`port` are the listener
 *   address hoop is configured with (`getServerHostAndPort`), e.g. 0.0.0.0;
 * - revoking burns the key: every row sharing it is revoked
 *   (gateway/models/connection_credentials.go `RevokeConnectionCredentials`);
 * - reviews never expire: `GET /reviews/{id}` answers 200 or 404
 *   (gateway/api/review/review.go `GetByIdOrSid`); approval moves the session
 *   to `ready`, rejection to `done` (gateway/models/reviews.go); the resume
 *   answers 202 while pending, 403 when rejected, 400 on any other status,
 *   and 410 "credentials have expired" only when the session is done or its
 *   credential expired; the owner may reject their own review
 *   (review.go `doIndividualReview`);
 * - `PATCH /sessions/{id}/metadata` replaces the whole metadata, and only
 *   the caller's own session (gateway/models/session.go
 *   `UpdateSessionMetadata`), while issuing merges `credentials_expire_at`
 *   into it (`SetSessionCredentialsExpireAt`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { OpenApi, isObject, type MatchedOperation, type Schema } from './openapi.js';

export type ReviewStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'REVOKED';
export type SessionStatus = 'open' | 'ready' | 'done';

export interface HoopConnection {
  /** Reviewer groups: a credential request waits for their approval. */
  reviewers?: string[];
  /** `postgres` (default) or `ssh`: where the key goes in connection_credentials. */
  subtype?: 'postgres' | 'ssh';
}

export type Fault =
  | { status: number; body?: string; headers?: Record<string, string> }
  | { hang: true }
  | { drop: true };

export interface HoopUser {
  email: string;
  /** Default `active`; any other status is refused (auth.go). */
  status?: 'active' | 'inactive' | 'invited';
  groups?: string[];
}

export interface HoopDoubleOptions {
  connections: Record<string, HoopConnection>;
  /** `hpk_` API keys -> the key's name (hoop takes it as the caller's email). */
  apiKeys?: Record<string, string>;
  /** The legacy org-wide key, accepted only in an `Api-Key` header. */
  legacyApiKey?: string;
  /** Registered hoop users by IdP subject (`sub`). */
  users?: Record<string, HoopUser>;
  /** The IdP hoop trusts: only its keys are checked (signature, expiry). */
  trust?: { jwksUrl: string };
  /** What hoop's server config says its Postgres listener is. Default `0.0.0.0:15432`. */
  postgresListenAddress?: string;
  /** And its SSH listener. Default `0.0.0.0:12222`. */
  sshListenAddress?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  userAgent: string | undefined;
  /** `api-key` (hpk_ bearer), `legacy-key` (Api-Key header), `jwt`, `bearer`, `none`; never the value. */
  auth: string;
}

interface Caller {
  id: string;
  email: string;
  admin: boolean;
}

interface Credential {
  id: string;
  connection: string;
  user: string;
  /** The secret key; its sha256 is what hoop stores and revokes by. */
  key: string;
  sessionId: string | undefined;
  /** Microseconds (see `tick`). */
  createdAt: number;
  expiresAt: number;
  revokedAt: number | undefined;
}

interface Session {
  id: string;
  user: string;
  email: string;
  connection: string;
  status: SessionStatus;
  metadata: Record<string, unknown> | undefined;
  /** Microseconds (see `tick`). */
  createdAt: number;
}

interface Review {
  id: string;
  connection: string;
  sessionId: string;
  owner: string;
  duration: number;
  status: ReviewStatus;
  createdAt: number;
  reason: string | undefined;
  reviewer: string | undefined;
  groups: Array<{ group: string; status: ReviewStatus | undefined; by: string | undefined }>;
  revokeAt: number | undefined;
}

export interface HoopDouble {
  url: string;
  requests: RecordedRequest[];
  violations: string[];
  /** Answers the spec does not list for their operation (see above). */
  unlisted: Set<string>;
  intercept: ((req: { method: string; path: string }) => Fault | undefined) | undefined;
  /** Holds a request until the promise settles (to order concurrent requests). */
  hold: ((req: { method: string; path: string }) => Promise<void> | undefined) | undefined;
  /** Answer the next `count` requests 503. */
  unavailable(count?: number): void;
  advance(ms: number): void;
  /** A reviewer acts on a review. */
  decide(reviewId: string, status: 'APPROVED' | 'REJECTED' | 'REVOKED', reason?: string): void;
  reviews(): Array<{ id: string; status: ReviewStatus; sessionId: string; reason?: string }>;
  /** True while the credential row is usable: not revoked, not expired. */
  credentialValid(id: string): boolean;
  /**
   * True while `key` would let a client through hoop's proxy: the newest row
   * with that key is not revoked (`GetValidConnectionCredentialsBySecretKey`)
   * and not expired.
   */
  keyValid(key: string): boolean;
  credential(id: string): { key: string; sessionId?: string; expiresAt: number } | undefined;
  liveCredentials(): string[];
  /** Session metadata as hoop stores it. */
  sessionMetadata(sessionId: string): Record<string, unknown> | undefined;
  sessionStatus(sessionId: string): SessionStatus | undefined;
  sessionCount(): number;
  /** An admin kills the session (or the credential sweeper closes it): status `done`. */
  closeSession(sessionId: string): void;
  stop(): Promise<void>;
}

const SPEC = OpenApi.load('hoop-openapi-v3.json');
const HTTP_ERROR = SPEC.schema('openapi.HTTPError');
/** hoop's `dummyString` (connection_credentials.go). */
const DUMMY = 'hoop';
/** `uuid.NewSHA1(uuid.NameSpaceURL, "API_KEY")` stands for the legacy key's user (auth.go). */
const LEGACY_USER_ID = '6f3c2a52-4e4b-5f1a-9d2e-1c9c1a6e0b7d';

/**
 * Bodies hoop writes where the spec lists none for that status, as hoop's
 * handler writes them: the resume's 202 is `gin.H{message, session_id,
 * review_id, status}` (ResumeConnectionCredentials), not the operation's
 * 201 schema.
 */
const UNLISTED_BODIES: Readonly<Record<string, Schema>> = {
  '202 from POST /connections/{nameOrID}/credentials/{sessionID}': {
    type: 'object',
    required: ['message', 'session_id', 'review_id', 'status'],
    properties: {
      message: { type: 'string' },
      session_id: { type: 'string' },
      review_id: { type: 'string' },
      status: { type: 'string', enum: ['PENDING'] },
    },
  },
};

export async function startHoopDouble(options: HoopDoubleOptions): Promise<HoopDouble> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: State = {
    options,
    offset: 0,
    lastMicros: 0,
    unavailable: 0,
    credentials: new Map(),
    reviews: new Map(),
    sessions: new Map(),
    keyIds: new Map(Object.keys(options.apiKeys ?? {}).map((key) => [key, randomUUID()])),
    userIds: new Map(Object.keys(options.users ?? {}).map((sub) => [sub, randomUUID()])),
    jwks:
      options.trust === undefined ? undefined : createRemoteJWKSet(new URL(options.trust.jwksUrl)),
  };
  const now = (): number => Date.now() + state.offset;
  const double: HoopDouble = {
    url,
    requests: [],
    violations: [],
    unlisted: new Set(),
    intercept: undefined,
    hold: undefined,
    unavailable(count = Number.POSITIVE_INFINITY) {
      state.unavailable = count;
    },
    advance(ms) {
      state.offset += ms;
    },
    decide(reviewId, status, reason) {
      const review = state.reviews.get(reviewId);
      if (review === undefined) throw new Error(`no review ${reviewId}`);
      review.status = status;
      review.reason = reason;
      review.reviewer = 'alice@example.com';
      for (const group of review.groups) {
        group.status = status;
        group.by = review.reviewer;
      }
      // review.go doReview: an approval sets revoke_at; reviews.go UpdateReview moves the session.
      if (status === 'APPROVED') review.revokeAt = now() + review.duration * 1000;
      const session = state.sessions.get(review.sessionId);
      if (session !== undefined) session.status = status === 'APPROVED' ? 'ready' : 'done';
    },
    reviews: () =>
      [...state.reviews.values()].map((r) => ({
        id: r.id,
        status: r.status,
        sessionId: r.sessionId,
        ...(r.reason === undefined ? {} : { reason: r.reason }),
      })),
    credentialValid: (id) => valid(state.credentials.get(id), now()),
    keyValid: (key) => {
      const rows = [...state.credentials.values()]
        .filter((c) => c.key === key)
        .sort((a, b) => b.createdAt - a.createdAt);
      return valid(rows[0], now());
    },
    credential: (id) => {
      const c = state.credentials.get(id);
      return c === undefined
        ? undefined
        : {
            key: c.key,
            expiresAt: c.expiresAt,
            ...(c.sessionId === undefined ? {} : { sessionId: c.sessionId }),
          };
    },
    liveCredentials: () =>
      [...state.credentials.keys()].filter((id) => valid(state.credentials.get(id), now())),
    sessionMetadata: (id) => state.sessions.get(id)?.metadata,
    sessionStatus: (id) => state.sessions.get(id)?.status,
    sessionCount: () => state.sessions.size,
    closeSession(id) {
      const session = state.sessions.get(id);
      if (session === undefined) throw new Error(`no session ${id}`);
      session.status = 'done';
    },
    stop: () => stop(server),
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, state, double, now).catch((err: unknown) => {
      double.violations.push(
        `${req.method ?? ''} ${req.url ?? ''}: the double failed: ${String(err)}`,
      );
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  return double;
}

interface State {
  options: HoopDoubleOptions;
  offset: number;
  /** The last creation time handed out, in microseconds (see `tick`). */
  lastMicros: number;
  unavailable: number;
  credentials: Map<string, Credential>;
  reviews: Map<string, Review>;
  sessions: Map<string, Session>;
  /** hpk_ key -> the api_keys row id (the caller's user id). */
  keyIds: Map<string, string>;
  /** sub -> the users row id. */
  userIds: Map<string, string>;
  jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
}

interface Answer {
  status: number;
  body?: unknown;
}

class HoopError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  state: State,
  double: HoopDouble,
  now: () => number,
): Promise<void> {
  const method = req.method ?? 'GET';
  const fullPath = new URL(req.url ?? '/', double.url).pathname;
  // Go's net/http dates every answer; this one by the double's clock.
  res.setHeader('date', new Date(now()).toUTCString());
  const bearer = bearerOf(req);
  const legacy = header(req, 'api-key');
  double.requests.push({
    method,
    path: fullPath,
    userAgent: header(req, 'user-agent'),
    auth:
      legacy !== undefined
        ? 'legacy-key'
        : bearer === undefined
          ? 'none'
          : bearer.startsWith('hpk_')
            ? 'api-key'
            : bearer.split('.').length === 3
              ? 'jwt'
              : 'bearer',
  });
  const raw = await readBody(req);
  const violation = (text: string): void => {
    double.violations.push(`${method} ${fullPath}: ${text}`);
  };
  const path = fullPath.startsWith('/api/') ? fullPath.slice('/api'.length) : undefined;
  const op = path === undefined ? undefined : SPEC.match(method, path);
  if (path === undefined || op === undefined) {
    const allowed = path === undefined ? [] : SPEC.methodsFor(path);
    violation(
      allowed.length === 0
        ? 'no such path in the hoop API description (below /api)'
        : `method not in the hoop API description (it lists ${allowed.join(', ')})`,
    );
    reply(
      res,
      { status: 405, body: { message: 'unsupported operation' } },
      undefined,
      double,
      violation,
    );
    return;
  }
  const body = checkRequestBody(op, raw, violation);
  if (body === 'invalid') {
    reply(
      res,
      { status: 400, body: { message: 'request does not match the API description' } },
      op,
      double,
      violation,
    );
    return;
  }
  const fault = double.intercept?.({ method, path: fullPath });
  if (fault !== undefined) {
    answerWithFault(req, res, fault);
    return;
  }
  await double.hold?.({ method, path: fullPath });
  if (state.unavailable > 0) {
    state.unavailable--;
    reply(res, { status: 503, body: { message: 'service unavailable' } }, op, double, violation);
    return;
  }
  let answer: Answer;
  try {
    const caller = await authenticate(state, req, now);
    answer = route(state, op, body, caller, now, double);
  } catch (err) {
    if (!(err instanceof HoopError)) throw err;
    answer = { status: err.status, body: { message: err.message } };
  }
  reply(res, answer, op, double, violation);
}

function checkRequestBody(
  op: MatchedOperation,
  raw: string,
  violation: (text: string) => void,
): Record<string, unknown> | undefined | 'invalid' {
  const declared = SPEC.requestBody(op);
  if (declared === undefined) {
    if (raw === '') return undefined;
    violation('a body where the operation takes none');
    return 'invalid';
  }
  if (raw === '') {
    if (!declared.required) return undefined;
    violation('no body where the operation requires one');
    return 'invalid';
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    violation('body is not JSON');
    return 'invalid';
  }
  const errors = SPEC.validate(declared.schema, parsed, { closed: true, where: 'body' });
  if (errors.length > 0 || !isObject(parsed)) {
    violation(errors.join('; ') || 'body is not an object');
    return 'invalid';
  }
  return parsed;
}

/** gateway/api/apiroutes/auth.go `AuthMiddleware`, in its order. */
async function authenticate(
  state: State,
  req: IncomingMessage,
  now: () => number,
): Promise<Caller> {
  const legacy = header(req, 'api-key');
  if (legacy !== undefined && legacy !== '') {
    const registered = state.options.legacyApiKey;
    if (registered === undefined) throw new HoopError(401, 'access denied');
    if (registered !== legacy) throw new HoopError(401, 'unauthorize');
    return { id: LEGACY_USER_ID, email: 'API_KEY', admin: true };
  }
  const token = bearerOf(req);
  if (token?.startsWith('hpk_') === true) {
    // gateway/models/apikey.go GetAPIKeyContext: UserID = the key's id, UserEmail = its name.
    const name = state.options.apiKeys?.[token];
    const id = state.keyIds.get(token);
    if (name === undefined || id === undefined) throw new HoopError(401, 'access denied');
    return { id, email: name, admin: false };
  }
  // parseToken: exactly "Bearer <token>"; then VerifyAccessToken (gateway/idp/oidc/oidc.go):
  // jwt.Parse with the IdP's JWKS, which checks the signature and exp/nbf, not aud nor iss.
  if (token === undefined || state.jwks === undefined || token.split('.').length !== 3) {
    throw new HoopError(401, 'access denied');
  }
  let subject: string | undefined;
  try {
    const { payload } = await jwtVerify(token, state.jwks, { currentDate: new Date(now()) });
    subject = payload.sub;
  } catch {
    throw new HoopError(401, 'access denied');
  }
  // GetUserContext(subject): a registered user whose status is active, else 401.
  const user = subject === undefined ? undefined : state.options.users?.[subject];
  const id = subject === undefined ? undefined : state.userIds.get(subject);
  if (user === undefined || id === undefined || (user.status ?? 'active') !== 'active') {
    throw new HoopError(401, 'access denied');
  }
  return { id, email: user.email, admin: user.groups?.includes('admin') === true };
}

function route(
  state: State,
  op: MatchedOperation,
  body: Record<string, unknown> | undefined,
  caller: Caller,
  now: () => number,
  double: HoopDouble,
): Answer {
  const key = `${op.method} ${op.template}`;
  const connection = op.params.nameOrID ?? '';
  switch (key) {
    case 'post /connections/{nameOrID}/credentials':
      return createCredentials(state, connection, caller, durationOf(body), now);
    case 'get /connections/{nameOrID}/credentials':
      return activeCredentials(state, connection, caller, now);
    case 'post /connections/{nameOrID}/credentials/{sessionID}':
      return resume(state, connection, op.params.sessionID ?? '', caller, now);
    case 'get /reviews/{id}':
      return readReview(state, op.params.id ?? '');
    case 'put /reviews/{id}':
      return updateReview(state, op.params.id ?? '', body, caller);
    case 'post /connections/{nameOrID}/credentials/{credentialID}/revoke':
      return revokeCredentials(state, connection, op.params.credentialID ?? '', caller, now);
    case 'get /sessions/{session_id}':
      return readSession(state, op.params.session_id ?? '', caller);
    case 'patch /sessions/{session_id}/metadata': {
      // gateway/models/session.go UpdateSessionMetadata: `WHERE id = ? AND user_email = ?`,
      // `Updates(Session{Metadata: metadata})`: the whole column is replaced.
      const session = state.sessions.get(op.params.session_id ?? '');
      if (session?.email !== caller.email) throw new HoopError(404, 'not found');
      session.metadata = isObject(body?.metadata) ? { ...body.metadata } : undefined;
      return { status: 204 };
    }
    default:
      double.violations.push(`${key}: in the spec, but the double does not implement it`);
      throw new HoopError(405, 'unsupported operation');
  }
}

function durationOf(body: Record<string, unknown> | undefined): number {
  const seconds = body?.access_duration_seconds;
  return typeof seconds === 'number' ? seconds : 0;
}

function connectionOf(state: State, name: string): HoopConnection {
  const connection = state.options.connections[name];
  if (connection === undefined) throw new HoopError(404, `connection ${name} not found`);
  return connection;
}

/** connection_credentials.go CreateConnectionCredentials. */
function createCredentials(
  state: State,
  name: string,
  caller: Caller,
  duration: number,
  now: () => number,
): Answer {
  const connection = connectionOf(state, name);
  const reviewed = (connection.reviewers ?? []).length > 0;
  if (reviewed && duration <= 0) {
    throw new HoopError(400, 'access_duration_seconds is required for review-required connections');
  }
  if (duration > 48 * 3600) throw new HoopError(400, 'access duration cannot exceed 48 hours');
  // The session is persisted before the review is created: a failed review leaves it open.
  const sessionId = randomUUID();
  state.sessions.set(sessionId, {
    id: sessionId,
    user: caller.id,
    email: caller.email,
    connection: name,
    status: 'open',
    metadata: undefined,
    createdAt: tick(state, now),
  });
  if (reviewed) {
    // createConnectionCredentialsReview: models.GetUserByEmail(ctx.UserEmail); an API key's
    // "email" is its name (apikey.go), the legacy key's is "API_KEY": no such user.
    const registered = Object.values(state.options.users ?? {}).some(
      (u) => u.email === caller.email,
    );
    if (!registered) throw new HoopError(500, 'failed creating review');
    const review: Review = {
      id: randomUUID(),
      connection: name,
      sessionId,
      owner: caller.id,
      duration,
      status: 'PENDING',
      createdAt: tick(state, now),
      reason: undefined,
      reviewer: undefined,
      groups: (connection.reviewers ?? []).map((group) => ({
        group,
        status: undefined,
        by: undefined,
      })),
      revokeAt: undefined,
    };
    state.reviews.set(review.id, review);
    const subtype = connection.subtype ?? 'postgres';
    return {
      status: 202,
      body: {
        // `ID string json:"id"` has no omitempty: hoop sends "".
        id: '',
        connection_name: name,
        connection_type: 'database',
        connection_subtype: subtype,
        session_id: sessionId,
        has_review: true,
        review_id: review.id,
        created_at: iso(now()),
        expire_at: iso(now() + duration * 1000),
      },
    };
  }
  const expiresAt = now() + duration * 1000;
  const credential = issueOrRefreshCredential(state, caller, name, sessionId, expiresAt, now);
  setCredentialsExpireAt(state, sessionId, credential.expiresAt);
  return { status: 201, body: credentialsResponse(state, credential, connection) };
}

/** connection_credentials.go issueOrRefreshCredential: one key per (user, connection). */
function issueOrRefreshCredential(
  state: State,
  caller: Caller,
  connection: string,
  sessionId: string,
  expiresAt: number,
  now: () => number,
): Credential {
  const existing = activeRow(state, caller.id, connection);
  if (existing !== undefined) {
    if (existing.sessionId !== undefined && existing.sessionId !== sessionId) {
      const previous = state.sessions.get(existing.sessionId);
      if (previous !== undefined) previous.status = 'done';
    }
    if (keyRevoked(state, existing.key)) existing.key = newKey(connectionOf(state, connection));
    existing.sessionId = sessionId;
    existing.expiresAt = expiresAt;
    return existing;
  }
  return insertCredential(state, {
    connection,
    user: caller.id,
    key: newKey(connectionOf(state, connection)),
    sessionId,
    expiresAt,
    now,
  });
}

/** A new credential row, stored: issueOrRefreshCredential and resume both insert one this way. */
function insertCredential(
  state: State,
  row: Pick<Credential, 'connection' | 'user' | 'key' | 'sessionId' | 'expiresAt'> & {
    now: () => number;
  },
): Credential {
  const credential: Credential = {
    id: randomUUID(),
    connection: row.connection,
    user: row.user,
    key: row.key,
    sessionId: row.sessionId,
    createdAt: tick(state, row.now),
    expiresAt: row.expiresAt,
    revokedAt: undefined,
  };
  state.credentials.set(credential.id, credential);
  return credential;
}

/**
 * models.GetActiveCredentialByUserAndConnection: the newest row of the user on
 * the connection with `revoked_at IS NULL`. Expiry is not part of it.
 */
function activeRow(state: State, user: string, connection: string): Credential | undefined {
  return [...state.credentials.values()]
    .filter((c) => c.user === user && c.connection === connection && c.revokedAt === undefined)
    .sort((a, b) => b.createdAt - a.createdAt)[0];
}

/** models.HasRevokedCredentialWithHash. */
function keyRevoked(state: State, key: string): boolean {
  return [...state.credentials.values()].some((c) => c.key === key && c.revokedAt !== undefined);
}

/** keys.GenerateSecureRandomKey("pg" | "ssh", 32): prefix, "-", 32 random bytes base64url. */
function newKey(connection: HoopConnection): string {
  const prefix = connection.subtype === 'ssh' ? 'ssh' : 'pg';
  return `${prefix}-${randomBytes(32).toString('base64url')}`;
}

/** models.SetSessionCredentialsExpireAt: `metadata || {"credentials_expire_at": ...}`. */
function setCredentialsExpireAt(state: State, sessionId: string, expiresAt: number): void {
  const session = state.sessions.get(sessionId);
  if (session === undefined) return;
  session.metadata = {
    ...session.metadata,
    credentials_expire_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

/** connection_credentials.go GetConnectionCredentials. */
function activeCredentials(state: State, name: string, caller: Caller, now: () => number): Answer {
  const connection = connectionOf(state, name);
  const credential = activeRow(state, caller.id, name);
  if (credential === undefined) {
    throw new HoopError(
      404,
      'no active credentials found for this connection; open a native connection first',
    );
  }
  if (now() > credential.expiresAt) {
    throw new HoopError(404, 'credentials have expired; open a new native connection');
  }
  return { status: 200, body: credentialsResponse(state, credential, connection) };
}

/** connection_credentials.go ResumeConnectionCredentials. */
function resume(
  state: State,
  name: string,
  sessionId: string,
  caller: Caller,
  now: () => number,
): Answer {
  const session = state.sessions.get(sessionId);
  if (session === undefined) throw new HoopError(404, 'session not found');
  if (session.user !== caller.id) throw new HoopError(403, 'session does not belong to user');
  const review = [...state.reviews.values()].find((r) => r.sessionId === sessionId);
  if (review === undefined) throw new HoopError(404, 'review not found for this session');
  switch (review.status) {
    case 'PENDING':
      return {
        status: 202,
        body: {
          message: 'review is still pending approval',
          session_id: sessionId,
          review_id: review.id,
          status: review.status,
        },
      };
    case 'REJECTED':
      throw new HoopError(403, 'review was rejected');
    case 'APPROVED':
      break;
    default:
      throw new HoopError(400, `invalid review status: ${review.status}`);
  }
  if (session.status === 'done') throw new HoopError(410, 'credentials have expired');
  const existing = [...state.credentials.values()].find((c) => c.sessionId === sessionId);
  const connection = connectionOf(state, name);
  if (name !== review.connection) throw new HoopError(400, 'connection name does not match review');
  let credential: Credential;
  if (existing !== undefined) {
    if (existing.expiresAt < now()) throw new HoopError(410, 'credentials have expired');
    if (existing.revokedAt !== undefined || keyRevoked(state, existing.key)) {
      existing.key = newKey(connection);
    }
    credential = existing;
  } else {
    // First issuance after approval: the key of the user's latest non-revoked row, if any.
    const prior = activeRow(state, caller.id, name);
    const key =
      prior !== undefined && !keyRevoked(state, prior.key) ? prior.key : newKey(connection);
    credential = insertCredential(state, {
      connection: name,
      user: caller.id,
      key,
      sessionId,
      expiresAt: now() + review.duration * 1000,
      now,
    });
  }
  if (session.status === 'ready') session.status = 'open';
  setCredentialsExpireAt(state, sessionId, credential.expiresAt);
  return { status: 201, body: credentialsResponse(state, credential, connection) };
}

/** connection_credentials.go RevokeConnectionCredentials and loadCredentialForMutation. */
function revokeCredentials(
  state: State,
  name: string,
  id: string,
  caller: Caller,
  now: () => number,
): Answer {
  connectionOf(state, name);
  const credential = state.credentials.get(id);
  if (credential === undefined) throw new HoopError(404, `credential ${id} not found`);
  if (credential.connection !== name) {
    throw new HoopError(404, `credential ${id} does not belong to connection ${name}`);
  }
  if (credential.user !== caller.id && !caller.admin) {
    throw new HoopError(403, 'only the credential owner or admin can perform this action');
  }
  // Every non-revoked row sharing the key: revoked_at = now, expire_at pushed an hour back.
  for (const row of state.credentials.values()) {
    if (row.key !== credential.key || row.revokedAt !== undefined) continue;
    row.revokedAt = now();
    row.expiresAt = now() - 3_600_000;
    const session = row.sessionId === undefined ? undefined : state.sessions.get(row.sessionId);
    if (session !== undefined) {
      // models.SetSessionCredentialsRevokedAt: merged into the metadata, session done.
      session.metadata = { ...session.metadata, credentials_revoked_at: iso(now()) };
      session.status = 'done';
    }
  }
  return { status: 204 };
}

/** gateway/api/review/review.go GetByIdOrSid: 200 or 404; nothing expires. */
function readReview(state: State, id: string): Answer {
  const review =
    state.reviews.get(id) ?? [...state.reviews.values()].find((r) => r.sessionId === id);
  if (review === undefined) throw new HoopError(404, 'not found');
  return { status: 200, body: reviewBody(review) };
}

/** review.go ReviewByIdOrSid / doIndividualReview: the owner may only deny. */
function updateReview(
  state: State,
  id: string,
  body: Record<string, unknown> | undefined,
  caller: Caller,
): Answer {
  const review = state.reviews.get(id);
  if (review === undefined) throw new HoopError(404, 'not found');
  const status = typeof body?.status === 'string' ? body.status.toUpperCase() : '';
  if (!['APPROVED', 'REJECTED', 'REVOKED'].includes(status)) {
    throw new HoopError(400, 'unknown review status');
  }
  if (review.status !== 'PENDING' && review.status !== 'APPROVED') {
    throw new HoopError(400, 'review is not in a state that allows this');
  }
  if (status === 'REVOKED' && review.status !== 'APPROVED') {
    throw new HoopError(400, 'review is not in a state that allows this');
  }
  const owner = review.owner === caller.id;
  if (status === 'APPROVED' && owner && !caller.admin) {
    throw new HoopError(400, 'unable to self approve review');
  }
  if (!owner && !caller.admin) throw new HoopError(400, 'user is not eligible to review');
  if (status === 'APPROVED') throw new HoopError(400, 'user is not eligible to review');
  review.status = status as ReviewStatus;
  review.groups.push({ group: 'owner', status: review.status, by: caller.email });
  if (typeof body?.rejection_reason === 'string') review.reason = body.rejection_reason;
  const session = state.sessions.get(review.sessionId);
  if (session !== undefined) session.status = 'done';
  return { status: 200, body: reviewBody(review) };
}

function reviewBody(review: Review): Record<string, unknown> {
  return {
    id: review.id,
    session: review.sessionId,
    type: 'jit',
    status: review.status,
    // "saved as seconds ... show as nano seconds" (review.go toOpenApiReview)
    access_duration: review.duration * 1e9,
    created_at: isoMicros(review.createdAt),
    ...(review.revokeAt === undefined ? {} : { revoke_at: iso(review.revokeAt) }),
    ...(review.reason === undefined ? {} : { rejection_reason: review.reason }),
    review_groups_data: review.groups.map((g) => ({
      id: randomUUID(),
      group: g.group,
      // The schema's group status (ReviewRequestStatusType) has no PENDING,
      // though the operation's prose shows one: an undecided group has none.
      ...(g.status === undefined || g.status === 'PENDING' ? {} : { status: g.status }),
      ...(g.by === undefined
        ? {}
        : { reviewed_by: { id: randomUUID(), name: 'Alice', email: g.by, slack_id: '' } }),
    })),
  };
}

/** gateway/api/session/session.go Get: the owner (or an admin/auditor) reads it. */
function readSession(state: State, id: string, caller: Caller): Answer {
  const session = state.sessions.get(id);
  if (session === undefined) throw new HoopError(404, 'not found');
  if (session.user !== caller.id && !caller.admin) {
    throw new HoopError(403, 'user is not allowed to access this session');
  }
  return {
    status: 200,
    body: {
      id: session.id,
      org_id: '00000000-0000-4000-8000-000000000000',
      connection: session.connection,
      role_name: session.connection,
      type: 'database',
      user: session.email,
      user_id: session.user,
      user_name: session.email,
      verb: 'connect',
      status: session.status,
      // session.go toOpenApiSession: StartSession is the row's CreatedAt.
      start_date: isoMicros(session.createdAt),
      ...(session.metadata === undefined ? {} : { metadata: session.metadata }),
    },
  };
}

/** connection_credentials.go buildConnectionCredentialsResponse. */
function credentialsResponse(
  state: State,
  credential: Credential,
  connection: HoopConnection,
): Record<string, unknown> {
  const subtype = connection.subtype ?? 'postgres';
  const [host, port] = listener(
    subtype === 'ssh'
      ? (state.options.sshListenAddress ?? '0.0.0.0:12222')
      : (state.options.postgresListenAddress ?? '0.0.0.0:15432'),
  );
  const key = credential.key;
  const fields =
    subtype === 'ssh'
      ? {
          hostname: host,
          port,
          username: DUMMY,
          password: key,
          command: `sshpass -p '${DUMMY}' ssh ${key}@${host} -p ${port}`,
        }
      : {
          hostname: host,
          port,
          username: key,
          password: DUMMY,
          database_name: 'app',
          connection_string: `postgres://${key}:${DUMMY}@${host}:${port}/app?sslmode=disable`,
        };
  return {
    id: credential.id,
    connection_name: credential.connection,
    connection_type: 'database',
    connection_subtype: subtype,
    // cred.SessionID: the request that last issued or refreshed the row.
    session_id: credential.sessionId ?? '',
    has_review: false,
    created_at: isoMicros(credential.createdAt),
    expire_at: iso(credential.expiresAt),
    connection_credentials: fields,
  };
}

/** getServerHostAndPort: `strings.Cut(listenAddr, ":")`, localhost -> 127.0.0.1. */
function listener(address: string): [string, string] {
  const at = address.indexOf(':');
  const host = at < 0 ? address : address.slice(0, at);
  const port = at < 0 ? '' : address.slice(at + 1);
  return [host === 'localhost' ? '127.0.0.1' : host, port];
}

function valid(credential: Credential | undefined, now: number): boolean {
  return (
    credential !== undefined && credential.revokedAt === undefined && now < credential.expiresAt
  );
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * A creation time in microseconds, strictly increasing: hoop's rows carry
 * Postgres's microsecond timestamps (and Go's nanosecond ones before they are
 * stored), so two requests a millisecond apart still have an order.
 */
function tick(state: State, now: () => number): number {
  state.lastMicros = Math.max(now() * 1000, state.lastMicros + 1);
  return state.lastMicros;
}

/** RFC 3339 with six fractional digits, as Go prints a Postgres timestamp. */
function isoMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const fraction = String(micros % 1_000_000).padStart(6, '0');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${fraction}Z`);
}

// ---- response contract ------------------------------------------------------------

function reply(
  res: ServerResponse,
  answer: Answer,
  op: MatchedOperation | undefined,
  double: HoopDouble,
  violation: (text: string) => void,
): void {
  if (op !== undefined) {
    for (const problem of responseProblems(answer, op, double)) violation(`response: ${problem}`);
  }
  if (answer.body === undefined) {
    res.writeHead(answer.status).end();
    return;
  }
  res
    .writeHead(answer.status, { 'content-type': 'application/json' })
    .end(JSON.stringify(answer.body));
}

function responseProblems(answer: Answer, op: MatchedOperation, double: HoopDouble): string[] {
  const { listed, schema } = SPEC.response(op, answer.status);
  let expected: Schema | undefined = schema;
  if (!listed) {
    const name = `${answer.status} from ${op.method.toUpperCase()} ${op.template}`;
    double.unlisted.add(name);
    const own = UNLISTED_BODIES[name];
    if (own !== undefined) {
      expected = own;
    } else if (answer.status >= 400) {
      expected = HTTP_ERROR;
    } else {
      const sibling = SPEC.statuses(op).find((s) => s >= 200 && s < 300);
      if (sibling === undefined) return [`status ${answer.status}: the operation lists no success`];
      expected = SPEC.response(op, sibling).schema;
    }
  }
  if (expected === undefined)
    return answer.body === undefined
      ? []
      : [`a body with ${answer.status}, where the spec lists none`];
  if (answer.body === undefined) return [`no body with ${answer.status}`];
  return SPEC.validate(expected, answer.body, { closed: true, where: 'body' });
}

// ---- plumbing ---------------------------------------------------------------------

/** auth.go parseToken: exactly two space-separated parts, the first `Bearer`. */
function bearerOf(req: IncomingMessage): string | undefined {
  const value = header(req, 'authorization');
  if (value === undefined) return undefined;
  const parts = value.split(' ');
  return parts.length === 2 && parts[0] === 'Bearer' && parts[1] !== '' ? parts[1] : undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function answerWithFault(req: IncomingMessage, res: ServerResponse, fault: Fault): void {
  if ('hang' in fault) return;
  if ('drop' in fault) {
    req.socket.destroy();
    return;
  }
  res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
  res.end(fault.body ?? '');
}

function stop(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
}
