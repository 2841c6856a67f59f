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
 * Two answers gatepass relies on are not listed per operation in the spec:
 * 202 (review required) from the credentials POST, checked against the
 * operation's 2xx schema (ConnectionCredentialsResponse), and 401 / 410,
 * checked against hoop's uniform `openapi.HTTPError`. They are recorded in
 * `unlisted` so the closing note can say which.
 *
 * A request the spec does not allow is answered 405 and recorded in
 * `violations`; tests assert there are none.
 *
 * Bearer tokens are `hpk_` API keys it knows, or JWTs it verifies against
 * the token-exchange gateway's JWKS (issuer, audience, expiry). Credentials,
 * reviews and sessions are kept with expiry on a clock tests can advance, and
 * revocations are recorded, so tests assert on state.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { OpenApi, isObject, type MatchedOperation, type Schema } from './openapi.js';

export type ReviewStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'REVOKED';

export interface HoopConnection {
  /** Reviewer groups: a credential request waits for their approval. */
  reviewers?: string[];
  /** Seconds a review stays open before it expires (410). Default 3600. */
  reviewTtl?: number;
}

export type Fault =
  | { status: number; body?: string; headers?: Record<string, string> }
  | { hang: true }
  | { drop: true };

export interface HoopDoubleOptions {
  connections: Record<string, HoopConnection>;
  apiKeys?: string[];
  /** Accept JWTs from this issuer (the token-exchange gateway) for `audience`. */
  trust?: { issuer: string; jwksUrl: string; audience: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  userAgent: string | undefined;
  /** `api-key`, `jwt` or `none`; never the value. */
  auth: string;
}

interface Credential {
  connection: string;
  user: string;
  sessionId: string;
  password: string;
  expiresAt: number;
  revoked: boolean;
}

interface Review {
  id: string;
  connection: string;
  sessionId: string;
  user: string;
  duration: number;
  status: ReviewStatus;
  expiresAt: number;
  reason: string | undefined;
  reviewer: string | undefined;
  groups: string[];
}

export interface HoopDouble {
  url: string;
  requests: RecordedRequest[];
  violations: string[];
  /** Answers the spec does not list for their operation (see above). */
  unlisted: Set<string>;
  intercept: ((req: { method: string; path: string }) => Fault | undefined) | undefined;
  /** Answer the next `count` requests 503. */
  unavailable(count?: number): void;
  advance(ms: number): void;
  /** A reviewer acts on a review. */
  decide(reviewId: string, status: 'APPROVED' | 'REJECTED' | 'REVOKED', reason?: string): void;
  reviews(): Array<{ id: string; status: ReviewStatus; sessionId: string }>;
  /** True while the credential is usable: not revoked, not expired. */
  credentialValid(id: string): boolean;
  liveCredentials(): string[];
  /** Session metadata recorded by PATCH /sessions/{id}/metadata. */
  sessionMetadata(sessionId: string): Record<string, string> | undefined;
  stop(): Promise<void>;
}

const SPEC = OpenApi.load('hoop-openapi-v3.json');
const HTTP_ERROR = SPEC.schema('openapi.HTTPError');

export async function startHoopDouble(options: HoopDoubleOptions): Promise<HoopDouble> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: State = {
    options,
    offset: 0,
    unavailable: 0,
    credentials: new Map(),
    reviews: new Map(),
    sessions: new Map(),
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
    },
    reviews: () =>
      [...state.reviews.values()].map((r) => ({
        id: r.id,
        status: r.status,
        sessionId: r.sessionId,
      })),
    credentialValid: (id) => valid(state.credentials.get(id), now()),
    liveCredentials: () =>
      [...state.credentials.keys()].filter((id) => valid(state.credentials.get(id), now())),
    sessionMetadata: (id) => state.sessions.get(id),
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
  unavailable: number;
  credentials: Map<string, Credential>;
  reviews: Map<string, Review>;
  sessions: Map<string, Record<string, string>>;
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
  const auth = authorization(req);
  double.requests.push({
    method,
    path: fullPath,
    userAgent: header(req, 'user-agent'),
    auth: auth === undefined ? 'none' : auth.startsWith('hpk_') ? 'api-key' : 'jwt',
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
  if (state.unavailable > 0) {
    state.unavailable--;
    reply(res, { status: 503, body: { message: 'service unavailable' } }, op, double, violation);
    return;
  }
  let answer: Answer;
  try {
    const user = await authenticate(state, auth, now);
    answer = route(state, op, body, user, now, double);
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

async function authenticate(
  state: State,
  token: string | undefined,
  now: () => number,
): Promise<string> {
  if (token === undefined) throw new HoopError(401, 'missing bearer token');
  if (token.startsWith('hpk_')) {
    if (state.options.apiKeys?.includes(token) === true) return 'ci-bot@example.com';
    throw new HoopError(401, 'invalid api key');
  }
  const trust = state.options.trust;
  if (trust === undefined || state.jwks === undefined) throw new HoopError(401, 'invalid token');
  try {
    const { payload } = await jwtVerify(token, state.jwks, {
      issuer: trust.issuer,
      audience: trust.audience,
      currentDate: new Date(now()),
    });
    return payload.sub ?? 'unknown';
  } catch {
    throw new HoopError(401, 'invalid token');
  }
}

function route(
  state: State,
  op: MatchedOperation,
  body: Record<string, unknown> | undefined,
  user: string,
  now: () => number,
  double: HoopDouble,
): Answer {
  const key = `${op.method} ${op.template}`;
  const connection = op.params.nameOrID ?? '';
  switch (key) {
    case 'post /connections/{nameOrID}/credentials':
      return createCredentials(state, connection, user, durationOf(body), now);
    case 'post /connections/{nameOrID}/credentials/{sessionID}':
      return resume(state, connection, op.params.sessionID ?? '', user, now);
    case 'get /reviews/{id}':
      return readReview(state, op.params.id ?? '', now);
    case 'post /connections/{nameOrID}/credentials/{credentialID}/revoke': {
      const credential = state.credentials.get(op.params.credentialID ?? '');
      if (credential?.connection !== connection) throw new HoopError(404, 'credential not found');
      credential.revoked = true;
      return { status: 204 };
    }
    case 'patch /sessions/{session_id}/metadata': {
      const id = op.params.session_id ?? '';
      if (!state.sessions.has(id)) throw new HoopError(404, 'session not found');
      state.sessions.set(id, {
        ...(isObject(body?.metadata) ? (body.metadata as Record<string, string>) : {}),
      });
      return { status: 204 };
    }
    default:
      double.violations.push(`${key}: in the spec, but the double does not implement it`);
      throw new HoopError(405, 'unsupported operation');
  }
}

function durationOf(body: Record<string, unknown> | undefined): number {
  const seconds = body?.access_duration_seconds;
  if (typeof seconds !== 'number' || seconds <= 0)
    throw new HoopError(400, 'access_duration_seconds must be positive');
  return seconds;
}

function createCredentials(
  state: State,
  name: string,
  user: string,
  duration: number,
  now: () => number,
): Answer {
  const connection = state.options.connections[name];
  if (connection === undefined) throw new HoopError(404, 'connection not found');
  const sessionId = randomUUID();
  state.sessions.set(sessionId, {});
  if ((connection.reviewers ?? []).length > 0) {
    const review: Review = {
      id: randomUUID(),
      connection: name,
      sessionId,
      user,
      duration,
      status: 'PENDING',
      expiresAt: now() + (connection.reviewTtl ?? 3600) * 1000,
      reason: undefined,
      reviewer: undefined,
      groups: connection.reviewers ?? [],
    };
    state.reviews.set(review.id, review);
    return { status: 202, body: { has_review: true, review_id: review.id, session_id: sessionId } };
  }
  return issueCredential(state, name, sessionId, user, duration, now);
}

function resume(
  state: State,
  name: string,
  sessionId: string,
  user: string,
  now: () => number,
): Answer {
  const review = [...state.reviews.values()].find(
    (r) => r.sessionId === sessionId && r.connection === name,
  );
  if (review === undefined) throw new HoopError(404, 'session not found');
  if (now() >= review.expiresAt) throw new HoopError(410, 'review expired');
  if (review.user !== user) throw new HoopError(403, 'the session belongs to another user');
  if (review.status !== 'APPROVED') throw new HoopError(403, `review is ${review.status}`);
  return issueCredential(state, name, sessionId, user, review.duration, now);
}

function issueCredential(
  state: State,
  connection: string,
  sessionId: string,
  user: string,
  duration: number,
  now: () => number,
): Answer {
  const id = randomUUID();
  const password = `hoop-${randomBytes(24).toString('base64url')}`;
  const expiresAt = now() + duration * 1000;
  state.credentials.set(id, { connection, user, sessionId, password, expiresAt, revoked: false });
  return {
    status: 201,
    body: {
      id,
      connection_name: connection,
      connection_type: 'database',
      connection_subtype: 'postgres',
      created_at: new Date(now()).toISOString(),
      expire_at: new Date(expiresAt).toISOString(),
      has_review: false,
      session_id: sessionId,
      connection_credentials: {
        hostname: '127.0.0.1',
        port: '5432',
        username: `hoop_${randomBytes(4).toString('hex')}`,
        password,
        database_name: 'app',
        connection_string: `postgres://user:${password}@127.0.0.1:5432/app?sslmode=disable`,
      },
    },
  };
}

function readReview(state: State, id: string, now: () => number): Answer {
  const review = state.reviews.get(id);
  if (review === undefined) throw new HoopError(404, 'review not found');
  if (now() >= review.expiresAt && review.status === 'PENDING')
    throw new HoopError(410, 'review expired');
  const decided = review.status !== 'PENDING';
  return {
    status: 200,
    body: {
      id: review.id,
      session: review.sessionId,
      type: 'jit',
      status: review.status,
      access_duration: review.duration * 1e9,
      created_at: new Date(now()).toISOString(),
      ...(review.reason === undefined ? {} : { rejection_reason: review.reason }),
      review_groups_data: review.groups.map((group) => ({
        id: randomUUID(),
        group,
        // The schema's group status (ReviewRequestStatusType) has no PENDING,
        // though the operation's prose shows one: an undecided group has none.
        ...(decided ? { status: review.status } : {}),
        ...(decided && review.reviewer !== undefined
          ? {
              reviewed_by: {
                id: randomUUID(),
                name: 'Alice',
                email: review.reviewer,
                slack_id: '',
              },
            }
          : {}),
      })),
    },
  };
}

function valid(credential: Credential | undefined, now: number): boolean {
  return credential !== undefined && !credential.revoked && now < credential.expiresAt;
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
    double.unlisted.add(`${answer.status} from ${op.method.toUpperCase()} ${op.template}`);
    if (answer.status >= 400) {
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

function authorization(req: IncomingMessage): string | undefined {
  const value = header(req, 'authorization');
  const match = value === undefined ? null : /^Bearer (.+)$/i.exec(value);
  return match?.[1];
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
