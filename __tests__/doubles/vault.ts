/**
 * A Vault double: a real HTTP server on loopback that answers the part of
 * Vault's API gatepass uses, and checks every exchange against the published
 * description (specs/vault-openapi.json, vendored from shared/specs):
 *
 * - the request's path must be an operation of the spec for a secrets engine
 *   or auth method mounted here (`{database_mount_path}` only matches the
 *   mounts of type database, and so on), with that method;
 * - its JSON body must validate against the operation's request schema, with
 *   unknown fields refused; an operation without a body must get none;
 * - every response must be Vault's envelope (DESIGN.md § Gateways; the spec
 *   does not describe it): `{request_id, lease_id, renewable, lease_duration,
 *   data, wrap_info, warnings, auth}` for 200, `{errors: [...]}` for errors,
 *   nothing for 204; and `data` must match the operation's response schema
 *   where the spec gives one (kv v2 read).
 *
 * Vault treats PUT as POST (both are its "update" operation; its API docs
 * write PUT where the generated spec writes post), and the spec's "200 OK"
 * stands for "200 or 204" (handlers that return nothing answer 204).
 *
 * A request the spec does not allow is answered 405 and recorded in
 * `violations`; tests assert there are none, so drift fails loudly.
 *
 * The double verifies the JWT it is given (signature against its local
 * issuer, audience, expiry, bound claims), keeps tokens and leases with
 * expiry on a clock tests can advance, revokes a token's leases with it, and
 * records revocations, so tests assert on state rather than on call counts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { LocalIssuer, type ClaimValue, type MintOptions } from '../../examples/gateway/issuer.js';
import { parseIdentityToken, type IdentityToken } from '../../src/identity/token.js';
import {
  OpenApi,
  isObject,
  type Candidate,
  type MatchedOperation,
  type Schema,
} from './openapi.js';

export type Capability = 'read' | 'create' | 'update';

/** A Vault policy rule: `path` is a glob where `*` at the end matches anything. */
export interface PolicyRule {
  path: string;
  capabilities: Capability[];
}

export interface JwtRole {
  boundAudiences: string[];
  /** Claim -> accepted values (exact). */
  boundClaims?: Record<string, string[]>;
  /** Seconds. Default 900. */
  tokenTtl?: number;
  policies: PolicyRule[];
}

export interface DatabaseRole {
  /** Seconds. Default 900. */
  ttl?: number;
}

/** What to do instead of answering (tests of client resilience). */
export type Fault =
  | { status: number; body?: string; headers?: Record<string, string> }
  | { hang: true }
  | { drop: true }
  /** Answer as usual, after a pause: a slow Vault that still does what it was asked. */
  | { delayMs: number };

export interface VaultDoubleOptions {
  /** When set, every path lives in this namespace only (X-Vault-Namespace). */
  namespace?: string;
  /** Where JWT auth is mounted. Default `jwt`. */
  authPath?: string;
  roles?: Record<string, JwtRole>;
  databaseRoles?: Record<string, DatabaseRole>;
  /** kv v1 at `kv/`: path below the mount -> secret. */
  kvV1?: Record<string, Record<string, unknown>>;
  /** kv v2 at `secret/`: path below the mount -> current version's data. */
  kvV2?: Record<string, Record<string, unknown>>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  userAgent: string | undefined;
  namespace: string | undefined;
}

interface TokenEntry {
  accessor: string;
  role: string;
  policies: PolicyRule[];
  namespace: string | undefined;
  expiresAt: number;
  revoked: boolean;
}

interface LeaseEntry {
  token: string;
  expiresAt: number;
  revokedBy: 'lease' | 'token' | undefined;
}

export interface VaultDouble {
  url: string;
  issuer: LocalIssuer;
  /** A GitHub-shaped ID token for `audience` (default `https://vault.example`). */
  idToken(
    claims?: Record<string, ClaimValue>,
    mint?: Omit<MintOptions, 'platform' | 'claims'>,
  ): Promise<IdentityToken>;
  requests: RecordedRequest[];
  /** Requests or responses the spec does not allow. Must stay empty. */
  violations: string[];
  /** Answer the next `count` requests 503 "Vault is sealed". */
  seal(count?: number): void;
  /** Replace to inject faults; reset after each test. */
  intercept: ((req: { method: string; path: string }) => Fault | undefined) | undefined;
  /** Move the double's clock (token and lease expiry, JWT checks). */
  advance(ms: number): void;
  /** True while the token is usable: not revoked, not expired. */
  tokenValid(token: string): boolean;
  /** True while the lease is usable: not revoked, not expired, its token alive. */
  leaseValid(leaseId: string): boolean;
  /** How the lease ended, if it was revoked. */
  leaseRevokedBy(leaseId: string): 'lease' | 'token' | undefined;
  /** Lease ids of the live leases. */
  liveLeases(): string[];
  /** Tokens still valid. */
  liveTokens(): string[];
  /** kv v2 data, writable by tests. */
  kvV2: Map<string, Record<string, unknown>>;
  stop(): Promise<void>;
}

export const VAULT_AUDIENCE = 'https://vault.example';
const SPEC = OpenApi.load('vault-openapi.json');

/** Mount -> engine type, as the spec names its mount path parameters. */
function mountTable(authPath: string): Record<string, string> {
  return {
    [`auth/${authPath}`]: 'jwt',
    database: 'database',
    aws: 'aws',
    kv: 'kv_v1',
    secret: 'kv_v2',
  };
}

/** Spec templates with their mount parameters replaced by the mounts of that type. */
function concreteTemplates(mounts: Record<string, string>): Candidate[] {
  const candidates: Candidate[] = [];
  for (const template of SPEC.templates) {
    const param = /\{(\w+)_mount_path\}/.exec(template);
    if (param === null) {
      // Fixed paths of the system backend and the token store.
      if (template.startsWith('/sys/') || template.startsWith('/auth/token/')) {
        candidates.push([template, template]);
      }
      continue;
    }
    for (const [mount, type] of Object.entries(mounts)) {
      if (type !== param[1]) continue;
      const prefix = template.startsWith('/auth/') ? '/auth/' : '/';
      candidates.push([template.replace(`${prefix}${param[0]}`, `/${mount}`), template]);
    }
  }
  return candidates;
}

const GREEDY = new Set(['path']);

export async function startVaultDouble(options: VaultDoubleOptions = {}): Promise<VaultDouble> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = await LocalIssuer.create(`${url}/local-issuer`);
  const authPath = options.authPath ?? 'jwt';
  const templates = concreteTemplates(mountTable(authPath));
  const tokens = new Map<string, TokenEntry>();
  const leases = new Map<string, LeaseEntry>();
  const kvV1 = new Map(Object.entries(options.kvV1 ?? {}));
  const kvV2 = new Map(Object.entries(options.kvV2 ?? {}));
  const state = { offset: 0, sealed: 0 };
  const now = (): number => Date.now() + state.offset;
  const double: VaultDouble = {
    url,
    issuer,
    async idToken(claims = {}, mint = {}) {
      const value = await issuer.mint({
        platform: 'github',
        audience: VAULT_AUDIENCE,
        claims,
        ...mint,
      });
      return parseIdentityToken(value, 'github', 'test');
    },
    requests: [],
    violations: [],
    seal(count = Number.POSITIVE_INFINITY) {
      state.sealed = count;
    },
    intercept: undefined,
    advance(ms) {
      state.offset += ms;
    },
    tokenValid: (token) => tokenValid(tokens.get(token), now()),
    leaseValid: (id) => leaseValid(leases.get(id), tokens, now()),
    leaseRevokedBy: (id) => leases.get(id)?.revokedBy,
    liveLeases: () => [...leases.keys()].filter((id) => leaseValid(leases.get(id), tokens, now())),
    liveTokens: () => [...tokens.keys()].filter((t) => tokenValid(tokens.get(t), now())),
    kvV2,
    stop: () => stop(server),
  };

  const ctx: Context = { options, authPath, tokens, leases, kvV1, kvV2, issuer, now, double };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, ctx, templates, state).catch((err: unknown) => {
      double.violations.push(
        `${req.method ?? ''} ${req.url ?? ''}: the double failed: ${String(err)}`,
      );
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  return double;
}

interface Context {
  options: VaultDoubleOptions;
  authPath: string;
  tokens: Map<string, TokenEntry>;
  leases: Map<string, LeaseEntry>;
  kvV1: Map<string, Record<string, unknown>>;
  kvV2: Map<string, Record<string, unknown>>;
  issuer: LocalIssuer;
  now: () => number;
  double: VaultDouble;
}

/** An answer: status and JSON body (undefined for 204). */
interface Answer {
  status: number;
  body?: Record<string, unknown>;
}

/** Fields assigned by hand, not as parameter properties: bench/action.ts loads this file with Node's type stripping. */
class VaultError extends Error {
  readonly status: number;
  readonly errors: string[];

  constructor(status: number, errors: string[]) {
    super(errors.join('; '));
    this.status = status;
    this.errors = errors;
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: Context,
  templates: readonly Candidate[],
  state: { sealed: number },
): Promise<void> {
  const method = req.method ?? 'GET';
  const fullPath = new URL(req.url ?? '/', ctx.double.url).pathname;
  // Vault reads an empty X-Vault-Namespace as the root namespace (vault-action sends one).
  const sentNamespace = header(req, 'x-vault-namespace');
  const namespace = sentNamespace === '' ? undefined : sentNamespace;
  ctx.double.requests.push({
    method,
    path: fullPath,
    userAgent: header(req, 'user-agent'),
    namespace,
  });
  const raw = await readBody(req);
  const violation = (text: string): void => {
    ctx.double.violations.push(`${method} ${fullPath}: ${text}`);
  };
  if (!fullPath.startsWith('/v1/')) {
    violation('not below /v1/');
    send(res, { status: 404, body: { errors: ['not below /v1/'] } }, undefined, violation);
    return;
  }
  const path = fullPath.slice('/v1'.length);
  // Vault routes PUT like POST: both are its update operation.
  const specMethod = method === 'PUT' ? 'POST' : method;
  const op = SPEC.match(specMethod, path, { templates, greedy: GREEDY });
  if (op === undefined) {
    const allowed = SPEC.methodsFor(path, templates, GREEDY);
    violation(
      allowed.length === 0
        ? 'no such path in the Vault API description (for the mounts of this double)'
        : `method not in the Vault API description (it lists ${allowed.join(', ')})`,
    );
    send(res, { status: 405, body: { errors: ['unsupported operation'] } }, undefined, violation);
    return;
  }
  const body = checkRequestBody(op, raw, violation);
  if (body === 'invalid') {
    send(
      res,
      { status: 400, body: { errors: ['request does not match the API description'] } },
      op,
      violation,
    );
    return;
  }
  const fault = ctx.double.intercept?.({ method, path: fullPath });
  if (fault !== undefined && 'delayMs' in fault) {
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  } else if (fault !== undefined) {
    answerWithFault(req, res, fault);
    return;
  }
  if (state.sealed > 0) {
    state.sealed--;
    send(res, { status: 503, body: { errors: ['Vault is sealed'] } }, op, violation);
    return;
  }
  let answer: Answer;
  try {
    if ((ctx.options.namespace ?? undefined) !== namespace) {
      // Outside the namespace nothing is mounted: Vault says only this.
      throw new VaultError(403, ['permission denied']);
    }
    answer = await route(ctx, method, path, op, body, req);
  } catch (err) {
    if (!(err instanceof VaultError)) throw err;
    answer = { status: err.status, body: { errors: err.errors } };
  }
  send(res, answer, op, violation);
}

function checkRequestBody(
  op: MatchedOperation,
  raw: string,
  violation: (text: string) => void,
): Record<string, unknown> | undefined | 'invalid' {
  const declared = SPEC.requestBody(op);
  if (declared === undefined) {
    if (raw !== '') {
      violation('a body where the operation takes none');
      return 'invalid';
    }
    return undefined;
  }
  if (raw === '') {
    if (declared.required) {
      violation('no body where the operation requires one');
      return 'invalid';
    }
    return undefined;
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

async function route(
  ctx: Context,
  method: string,
  path: string,
  op: MatchedOperation,
  body: Record<string, unknown> | undefined,
  req: IncomingMessage,
): Promise<Answer> {
  const template = op.template;
  if (template === '/auth/{jwt_mount_path}/login') return login(ctx, body ?? {});
  const token = authenticate(ctx, header(req, 'x-vault-token'));
  const entry = ctx.tokens.get(token);
  if (entry === undefined) throw new VaultError(403, ['permission denied']);
  switch (template) {
    case '/auth/token/revoke-self':
      revokeToken(ctx, token);
      return { status: 204 };
    case '/sys/leases/revoke': {
      requireCapability(entry, 'update', 'sys/leases/revoke');
      const lease = typeof body?.lease_id === 'string' ? ctx.leases.get(body.lease_id) : undefined;
      // Vault: revoking a lease it does not know is not an error.
      if (lease !== undefined && lease.revokedBy === undefined) lease.revokedBy = 'lease';
      return { status: 204 };
    }
    case '/{database_mount_path}/creds/{name}':
    case '/{aws_mount_path}/creds/{name}':
      requireCapability(entry, method === 'GET' ? 'read' : 'update', path.slice(1));
      return dynamicSecret(ctx, token, template, op.params.name ?? '', body);
    case '/{kv_v1_mount_path}/{path}': {
      requireCapability(entry, 'read', path.slice(1));
      const data = ctx.kvV1.get(op.params.path ?? '');
      if (data === undefined) throw new VaultError(404, []);
      return envelope({ data, lease_duration: 2_764_800 });
    }
    case '/{kv_v2_mount_path}/data/{path}': {
      requireCapability(entry, 'read', path.slice(1));
      const data = ctx.kvV2.get(op.params.path ?? '');
      if (data === undefined) throw new VaultError(404, []);
      const metadata = {
        created_time: new Date(ctx.now()).toISOString(),
        custom_metadata: null,
        deletion_time: '',
        destroyed: false,
        version: 3,
      };
      return envelope({ data: { data, metadata } });
    }
    default:
      ctx.double.violations.push(
        `${method} ${path}: in the spec, but the double does not implement it`,
      );
      throw new VaultError(405, ['unsupported operation']);
  }
}

async function login(ctx: Context, body: Record<string, unknown>): Promise<Answer> {
  const roleName = typeof body.role === 'string' ? body.role : '';
  const role = ctx.options.roles?.[roleName];
  if (role === undefined) throw new VaultError(400, [`role "${roleName}" could not be found`]);
  const jwt = typeof body.jwt === 'string' ? body.jwt : '';
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(jwt, ctx.issuer.keySet, {
      issuer: ctx.issuer.url,
      audience: role.boundAudiences,
      currentDate: new Date(ctx.now()),
    }));
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const reason =
      code === 'ERR_JWT_EXPIRED'
        ? 'token is expired (exp)'
        : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
          ? 'invalid audience (aud) claim'
          : 'failed to verify id token signature';
    throw new VaultError(400, [`error validating token: ${reason}`]);
  }
  for (const [claim, accepted] of Object.entries(role.boundClaims ?? {})) {
    if (!accepted.includes(String(claims[claim]))) {
      throw new VaultError(400, [
        `error validating claims: claim "${claim}" does not match any associated bound claim values`,
      ]);
    }
  }
  const token = `hvs.${randomBytes(36).toString('base64url')}`;
  const ttl = role.tokenTtl ?? 900;
  const accessor = randomBytes(12).toString('base64url');
  ctx.tokens.set(token, {
    accessor,
    role: roleName,
    policies: role.policies,
    namespace: ctx.options.namespace,
    expiresAt: ctx.now() + ttl * 1000,
    revoked: false,
  });
  return envelope({
    auth: {
      client_token: token,
      accessor,
      policies: ['default', roleName],
      token_policies: ['default', roleName],
      metadata: { role: roleName },
      lease_duration: ttl,
      renewable: true,
      entity_id: randomUUID(),
      token_type: 'service',
      orphan: true,
      mfa_requirement: null,
      num_uses: 0,
    },
  });
}

function dynamicSecret(
  ctx: Context,
  token: string,
  template: string,
  name: string,
  body: Record<string, unknown> | undefined,
): Answer {
  const isAws = template.startsWith('/{aws');
  const role = isAws ? { ttl: 3600 } : ctx.options.databaseRoles?.[name];
  if (role === undefined) throw new VaultError(400, [`unknown role: ${name}`]);
  const ttl =
    isAws && typeof body?.ttl === 'string' ? Number.parseInt(body.ttl, 10) : (role.ttl ?? 900);
  const leaseId = `${isAws ? 'aws' : 'database'}/creds/${name}/${randomBytes(12).toString('base64url')}`;
  ctx.leases.set(leaseId, { token, expiresAt: ctx.now() + ttl * 1000, revokedBy: undefined });
  const data = isAws
    ? {
        access_key: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
        secret_key: randomBytes(30).toString('base64'),
        security_token: null,
      }
    : {
        username: `v-jwt-${name}-${randomBytes(6).toString('hex')}`,
        password: `A1a-${randomBytes(15).toString('base64url')}`,
      };
  return envelope({ lease_id: leaseId, lease_duration: ttl, renewable: true, data });
}

function authenticate(ctx: Context, token: string | undefined): string {
  if (token === undefined || !tokenValid(ctx.tokens.get(token), ctx.now())) {
    throw new VaultError(403, ['permission denied']);
  }
  return token;
}

function requireCapability(entry: TokenEntry, capability: Capability, path: string): void {
  const allowed = entry.policies.some(
    (rule) =>
      rule.capabilities.includes(capability) &&
      (rule.path.endsWith('*') ? path.startsWith(rule.path.slice(0, -1)) : rule.path === path),
  );
  if (!allowed) throw new VaultError(403, ['1 error occurred:\n\t* permission denied\n\n']);
}

function revokeToken(ctx: Context, token: string): void {
  const entry = ctx.tokens.get(token);
  if (entry === undefined) return;
  entry.revoked = true;
  for (const lease of ctx.leases.values()) {
    if (lease.token === token && lease.revokedBy === undefined) lease.revokedBy = 'token';
  }
}

function tokenValid(entry: TokenEntry | undefined, now: number): boolean {
  return entry !== undefined && !entry.revoked && now < entry.expiresAt;
}

function leaseValid(
  entry: LeaseEntry | undefined,
  tokens: Map<string, TokenEntry>,
  now: number,
): boolean {
  return (
    entry !== undefined &&
    entry.revokedBy === undefined &&
    now < entry.expiresAt &&
    tokenValid(tokens.get(entry.token), now)
  );
}

function envelope(fields: Record<string, unknown>): Answer {
  return {
    status: 200,
    body: {
      request_id: randomUUID(),
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      wrap_info: null,
      warnings: null,
      auth: null,
      ...fields,
    },
  };
}

// ---- response contract ------------------------------------------------------

/** Vault's generic envelope, per DESIGN.md (the spec does not describe it). */
const ENVELOPE: Schema = {
  type: 'object',
  required: [
    'request_id',
    'lease_id',
    'renewable',
    'lease_duration',
    'data',
    'wrap_info',
    'warnings',
    'auth',
  ],
  properties: {
    request_id: { type: 'string' },
    lease_id: { type: 'string' },
    renewable: { type: 'boolean' },
    lease_duration: { type: 'integer' },
    data: { type: 'object', nullable: true, additionalProperties: true },
    wrap_info: { type: 'object', nullable: true, additionalProperties: true },
    warnings: { type: 'array', nullable: true, items: { type: 'string' } },
    auth: {
      type: 'object',
      nullable: true,
      required: ['client_token', 'accessor', 'policies', 'lease_duration', 'renewable'],
      properties: {
        client_token: { type: 'string', minLength: 1 },
        accessor: { type: 'string' },
        policies: { type: 'array', items: { type: 'string' } },
        token_policies: { type: 'array', items: { type: 'string' } },
        metadata: { type: 'object', nullable: true, additionalProperties: { type: 'string' } },
        lease_duration: { type: 'integer' },
        renewable: { type: 'boolean' },
        entity_id: { type: 'string' },
        token_type: { type: 'string', enum: ['service', 'batch'] },
        orphan: { type: 'boolean' },
        mfa_requirement: { type: 'object', nullable: true },
        num_uses: { type: 'integer' },
      },
    },
  },
};
const ERRORS: Schema = {
  type: 'object',
  required: ['errors'],
  properties: { errors: { type: 'array', items: { type: 'string' } } },
};

function send(
  res: ServerResponse,
  answer: Answer,
  op: MatchedOperation | undefined,
  violation: (text: string) => void,
): void {
  for (const problem of responseProblems(answer, op)) violation(`response: ${problem}`);
  if (answer.status === 204 || answer.body === undefined) {
    res.writeHead(answer.status).end();
    return;
  }
  res
    .writeHead(answer.status, { 'content-type': 'application/json' })
    .end(JSON.stringify(answer.body));
}

function responseProblems(answer: Answer, op: MatchedOperation | undefined): string[] {
  if (answer.status >= 400)
    return SPEC.validate(ERRORS, answer.body, { closed: true, where: 'body' });
  if (op === undefined) return ['a success for an operation the spec does not have'];
  const listed = SPEC.statuses(op);
  const ok = listed.some(
    (s) =>
      s === answer.status ||
      (s === 200 && answer.status === 204) ||
      (s === 204 && answer.status === 200),
  );
  if (!ok) return [`status ${answer.status} is not among ${listed.join(', ')}`];
  if (answer.status === 204) return answer.body === undefined ? [] : ['a body with 204'];
  const problems = SPEC.validate(ENVELOPE, answer.body, { closed: true, where: 'body' });
  const data = SPEC.response(op, 200).schema;
  if (data !== undefined && isObject(answer.body)) {
    problems.push(...SPEC.validate(data, answer.body.data, { closed: true, where: 'body.data' }));
  }
  return problems;
}

// ---- plumbing ---------------------------------------------------------------------

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function answerWithFault(
  req: IncomingMessage,
  res: ServerResponse,
  fault: Exclude<Fault, { delayMs: number }>,
): void {
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
