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
 *
 * Its failure paths are Vault's and OpenBao's own, read from their source
 * (each behaviour names the file it comes from, as a path in that
 * repository: hashicorp/vault, openbao/openbao, hashicorp/vault-plugin-auth-jwt,
 * hashicorp/vault-plugin-secrets-kv): the `default` policy and what a token
 * without it may not do, batch tokens, a lease whose database user cannot be
 * dropped, kv v2 deleted and destroyed versions, unknown, locked and sealed
 * namespaces, rate-limit and lease-count quotas, and a performance standby
 * that has not seen a fresh token yet.
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
  /**
   * The role's `token_type`. vault-plugin-auth-jwt path_login.go hands the
   * role's token parameters to the login (`role.PopulateTokenAuth`), so a
   * `batch` role logs in with a batch token. Default `service`.
   */
  tokenType?: 'service' | 'batch';
  /**
   * `token_no_default_policy`: the token gets only the role's policies, not
   * Vault's `default` policy, and with it loses `auth/token/revoke-self`
   * (vault/request_handling.go: `policyutil.SanitizePolicies(auth.Policies,
   * !auth.NoDefaultPolicy)`; openbao internal/vault/request_handling.go alike).
   */
  noDefaultPolicy?: boolean;
}

export interface DatabaseRole {
  /** Seconds. Default 900. */
  ttl?: number;
  /**
   * The database refuses to drop the users of this role (in PostgreSQL, a
   * user that owns objects: `DROP ROLE` fails with SQLSTATE 2BP01), so Vault
   * cannot revoke their leases.
   */
  dropFails?: boolean;
  /**
   * A real database behind the role: Vault's database engine runs its
   * creation statements before it answers (builtin/logical/database
   * path_creds_create.go `pathCredsCreateRead` → the plugin's `NewUser`) and
   * its revocation statements when the lease is revoked (`DeleteUser`).
   */
  database?: {
    create(user: { username: string; password: string; expiresAt: Date }): Promise<void>;
    drop(username: string): Promise<void>;
  };
}

/** What to do instead of answering (tests of client resilience). */
export type Fault =
  | { status: number; body?: string; headers?: Record<string, string> }
  | { hang: true }
  | { drop: true }
  /** Answer as usual, after a pause: a slow Vault that still does what it was asked. */
  | { delayMs: number }
  /** Do what was asked, then drop the connection instead of answering: the answer is lost. */
  | { lose: true };

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
  /**
   * Which server's words for a token that is no longer valid (revoked,
   * expired). Vault says "permission denied" and "invalid token"
   * (vault/request_handling.go `fetchACLTokenEntryAndEntity`, asserted by
   * http/auth_token_test.go `TestToken_InvalidTokenError`); OpenBao only
   * "permission denied" (openbao internal/vault/request_handling.go
   * `fetchACLTokenEntryAndEntity`), the same words as a policy refusal.
   * Default `vault`.
   */
  flavour?: 'vault' | 'openbao';
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
  /** Whether Vault's `default` policy is attached (it allows `auth/token/revoke-self`). */
  defaultPolicy: boolean;
  type: 'service' | 'batch';
  namespace: string | undefined;
  expiresAt: number;
  revoked: boolean;
}

interface LeaseEntry {
  token: string;
  expiresAt: number;
  revokedBy: 'lease' | 'token' | undefined;
  /** The database cannot drop its user: every revocation fails and the lease stays. */
  dropFails: boolean;
  /** The database user (for the database's error text). */
  username: string;
  /** The real database the user was created in, if any: revoking drops the user there. */
  database?: DatabaseRole['database'];
}

/** What an administrator did to the double's namespace (`vault namespace lock`, `seal`). */
export type NamespaceState = 'locked' | 'sealed' | undefined;

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
  /** What an operator's `vault token revoke` does: the token and its leases go. */
  revokeToken(token: string): void;
  /** kv v2 data, writable by tests. */
  kvV2: Map<string, Record<string, unknown>>;
  /** Deletes (`vault kv delete`) or destroys (`vault kv destroy`) the current version of a kv v2 secret. */
  deleteKvV2(path: string, how: 'delete' | 'destroy'): void;
  /** The namespace of `options.namespace`, locked or sealed by an administrator; reset after each test. */
  namespaceState: NamespaceState;
  /**
   * A rate-limit quota that refuses every request for `seconds`; with
   * `headers` (`enable_rate_limit_response_headers`), the answers carry
   * `Retry-After`.
   */
  rateLimit(seconds: number, options?: { headers?: boolean }): void;
  /** A lease-count quota that is full: every request that would create a lease is refused. */
  leaseCountQuotaFull: boolean;
  /** The next `count` requests with a token reach a performance standby that has not seen it yet (412). */
  standbyLag(count: number): void;
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
  const kvV2Deleted = new Map<string, KvV2Deletion>();
  const state: DoubleState = { offset: 0, sealed: 0, limitedUntil: 0, limitHeaders: false, lag: 0 };
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
    revokeToken: (token) => {
      revokeToken(ctx, token);
    },
    kvV2,
    deleteKvV2(path, how) {
      kvV2Deleted.set(path, {
        deletionTime: how === 'delete' ? new Date(now()).toISOString() : '',
        destroyed: how === 'destroy',
      });
    },
    namespaceState: undefined,
    rateLimit(seconds, { headers = true } = {}) {
      state.limitedUntil = Date.now() + seconds * 1000;
      state.limitHeaders = headers;
    },
    leaseCountQuotaFull: false,
    standbyLag(count) {
      state.lag = count;
    },
    stop: () => stop(server),
  };

  const ctx: Context = {
    options,
    authPath,
    tokens,
    leases,
    kvV1,
    kvV2,
    kvV2Deleted,
    issuer,
    now,
    double,
  };
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
  kvV2Deleted: Map<string, KvV2Deletion>;
  issuer: LocalIssuer;
  now: () => number;
  double: VaultDouble;
}

interface DoubleState {
  /** Clock offset of tokens and leases. */
  offset: number;
  /** Requests still to answer "Vault is sealed". */
  sealed: number;
  /** Rate-limit quota: refused until this (real) time. */
  limitedUntil: number;
  limitHeaders: boolean;
  /** Requests with a token still to answer 412. */
  lag: number;
}

interface KvV2Deletion {
  /** RFC 3339, or "" when destroyed without a delete first. */
  deletionTime: string;
  destroyed: boolean;
}

/** An answer: status, JSON body (undefined for 204) and headers. */
interface Answer {
  status: number;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  /**
   * A handler's own status around Vault's whole envelope, not `{errors}`
   * (sdk/logical/response.go `RespondWithStatusCode`): kv v2's 404 for a
   * deleted version.
   */
  envelopeWithStatus?: true;
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

/**
 * How Go's go-multierror prints one or more errors: Vault answers
 * `{"errors": [err.Error()]}` (sdk/logical/response_util.go `RespondError`),
 * and most request-path errors are multierrors.
 */
function multierror(...errors: string[]): string {
  const n = errors.length;
  return `${n} error${n === 1 ? '' : 's'} occurred:\n${errors.map((e) => `\t* ${e}`).join('\n')}\n\n`;
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: Context,
  templates: readonly Candidate[],
  state: DoubleState,
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
  } else if (fault !== undefined && !('lose' in fault)) {
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
    answer = admit(ctx, state, path, namespace, req);
    answer = answer.status === 0 ? await route(ctx, method, path, op, body, req) : answer;
  } catch (err) {
    if (!(err instanceof VaultError)) throw err;
    answer = { status: err.status, body: { errors: err.errors } };
  }
  if (fault !== undefined && 'lose' in fault) {
    // Done, and the answer never leaves: the client cannot know what it got.
    req.socket.destroy();
    return;
  }
  send(res, answer, op, violation);
}

/**
 * What Vault checks before a request reaches its handler, in its order:
 * the rate-limit quota (in the HTTP layer), the namespace, the performance
 * standby's replication state. Status 0: go on to the handler.
 */
function admit(
  ctx: Context,
  state: DoubleState,
  path: string,
  namespace: string | undefined,
  req: IncomingMessage,
): Answer {
  const logicalPath = path.slice(1);
  if (Date.now() < state.limitedUntil) {
    // http/util.go `rateLimitQuotaWrapping` (openbao internal/http/util.go
    // alike): 429 `request path "<path>": rate limit quota exceeded`; with
    // `enable_rate_limit_response_headers`, the quota's headers, among them
    // Retry-After in whole seconds (vault/quotas/quotas_rate_limit.go `allow`).
    const seconds = Math.max(1, Math.ceil((state.limitedUntil - Date.now()) / 1000));
    return {
      status: 429,
      body: { errors: [`request path "${logicalPath}": rate limit quota exceeded`] },
      ...(state.limitHeaders
        ? {
            headers: {
              'retry-after': String(seconds),
              'x-ratelimit-limit': '10',
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': String(seconds),
            },
          }
        : {}),
    };
  }
  if ((ctx.options.namespace ?? undefined) !== namespace) {
    // openbao internal/vault/request_handling.go `handleCancelableRequest`:
    // a namespace that does not exist is `logical.CodedError(404, "namespace not found")`.
    // (Vault Enterprise's namespaces are not public source; OpenBao's are.)
    throw new VaultError(404, ['namespace not found']);
  }
  if (namespace !== undefined && ctx.double.namespaceState === 'locked') {
    // openbao internal/vault/request_handling.go `handleCancelableRequest`:
    // an ErrorResponse with `logical.ErrLockedNamespace`, which
    // sdk/logical/response_util.go `RespondErrorCommon` answers 503. Only
    // sys/namespaces/api-lock/unlock passes (and Vault's own lease revocations).
    throw new VaultError(503, [
      `API access to this namespace has been locked by an administrator - "${namespace}/" must be unlocked to gain access.`,
    ]);
  }
  if (namespace !== undefined && ctx.double.namespaceState === 'sealed') {
    // openbao internal/vault/request_handling.go: `consts.ErrNamespaceSealed`,
    // 503 by sdk/logical/response_util.go `AdjustErrorStatusCode`.
    throw new VaultError(503, ['namespace is sealed']);
  }
  if (state.lag > 0 && header(req, 'x-vault-token') !== undefined) {
    // A performance standby that has not replicated the token yet:
    // vault/request_handling.go `handleCancelableRequest` returns
    // `logical.ErrMissingRequiredState`, which sdk/logical/response_util.go
    // answers 412; Vault's own client retries it (api/client.go
    // `DefaultRetryPolicy`), and so does the openbao comment in
    // internal/vault/request_handling.go `CheckToken` ("would fail with 412
    // required index not present as perf standbys aren't guaranteed to have
    // the WAL state for new tokens").
    state.lag--;
    throw new VaultError(412, ['required index state not present']);
  }
  return { status: 0 };
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
      // Vault's `default` policy allows update on auth/token/revoke-self
      // (vault/policy_store.go `defaultPolicy`; openbao
      // internal/vault/policy/policy_store.go); without it the ACL check
      // refuses, with a policy refusal's words.
      requireCapability(entry, 'update', 'auth/token/revoke-self');
      if (entry.type === 'batch') {
        // vault/token_store.go `revokeCommon` (openbao
        // internal/vault/token_store.go alike): an ErrorResponse without an
        // error, which `RespondErrorCommon` answers 400.
        throw new VaultError(400, ['batch tokens cannot be revoked']);
      }
      revokeToken(ctx, token);
      return { status: 204 };
    case '/sys/leases/revoke': {
      requireCapability(entry, 'update', 'sys/leases/revoke');
      const id = typeof body?.lease_id === 'string' ? body.lease_id : '';
      const lease = ctx.leases.get(id);
      // Vault: revoking a lease it does not know is not an error.
      if (lease === undefined || lease.revokedBy !== undefined) return { status: 204 };
      if (lease.dropFails) {
        // vault/logical_system.go `handleRevoke` (sync by default) ->
        // vault/expiration.go `revokeEntry`: "failed to revoke entry: resp: %#v
        // err: %w" around the database plugin's error, answered 400 through
        // `handleError` (logical.ErrInvalidRequest); the lease stays. (openbao
        // internal/vault/logical_system.go and internal/vault/expiration.go
        // alike; the error is PostgreSQL's, through
        // internal/builtin/database/postgresql/postgresql.go `customDeleteUser`.)
        throw new VaultError(400, [
          `failed to revoke entry: resp: (*logical.Response)(nil) err: ERROR: role "${lease.username}" cannot be dropped because some objects depend on it (SQLSTATE 2BP01)`,
        ]);
      }
      await lease.database?.drop(lease.username);
      lease.revokedBy = 'lease';
      return { status: 204 };
    }
    case '/{database_mount_path}/creds/{name}':
    case '/{aws_mount_path}/creds/{name}':
      requireCapability(entry, method === 'GET' ? 'read' : 'update', path.slice(1));
      requireLeaseQuota(ctx, path.slice(1), true);
      return await dynamicSecret(ctx, token, template, op.params.name ?? '', body);
    case '/{kv_v1_mount_path}/{path}': {
      requireCapability(entry, 'read', path.slice(1));
      const data = ctx.kvV1.get(op.params.path ?? '');
      if (data === undefined) throw new VaultError(404, []);
      return envelope({ data, lease_duration: 2_764_800 });
    }
    case '/{kv_v2_mount_path}/data/{path}': {
      requireCapability(entry, 'read', path.slice(1));
      const key = op.params.path ?? '';
      const data = ctx.kvV2.get(key);
      if (data === undefined) throw new VaultError(404, []);
      const deleted = ctx.kvV2Deleted.get(key);
      const metadata = {
        created_time: new Date(ctx.now()).toISOString(),
        custom_metadata: null,
        deletion_time: deleted?.deletionTime ?? '',
        destroyed: deleted?.destroyed ?? false,
        version: 3,
      };
      if (deleted !== undefined) {
        // vault-plugin-secrets-kv path_data.go `pathDataRead` (openbao
        // internal/builtin/logical/kv/path_data.go alike): a deleted or
        // destroyed version answers 404 with the whole envelope, `data.data`
        // null beside the version's metadata (`logical.RespondWithStatusCode`),
        // and no `errors`.
        return {
          ...envelope({ data: { data: null, metadata } }),
          status: 404,
          envelopeWithStatus: true,
        };
      }
      return envelope({ data: { data, metadata } });
    }
    default:
      ctx.double.violations.push(
        `${method} ${path}: in the spec, but the double does not implement it`,
      );
      throw new VaultError(405, ['unsupported operation']);
  }
}

/**
 * A full lease-count quota refuses what would create a lease, logins
 * included (a token is a lease): vault/request_handling.go
 * `handleLoginRequest` answers `request path %q: lease count quota exceeded`
 * as a plain error, `handleRequest` inside a multierror; both 429
 * (sdk/logical/response_util.go `RespondErrorCommon`).
 */
function requireLeaseQuota(ctx: Context, logicalPath: string, inRequest: boolean): void {
  if (!ctx.double.leaseCountQuotaFull) return;
  const text = `request path "${logicalPath}": lease count quota exceeded`;
  throw new VaultError(429, [inRequest ? multierror(text) : text]);
}

async function login(ctx: Context, body: Record<string, unknown>): Promise<Answer> {
  const roleName = typeof body.role === 'string' ? body.role : '';
  requireLeaseQuota(ctx, `auth/${ctx.authPath}/login`, false);
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
  const type = role.tokenType ?? 'service';
  // Batch tokens start hvb., service tokens hvs. (vault/token_store.go);
  // a batch token has no accessor and cannot be renewed.
  const token = `${type === 'batch' ? 'hvb' : 'hvs'}.${randomBytes(36).toString('base64url')}`;
  const ttl = role.tokenTtl ?? 900;
  const accessor = type === 'batch' ? '' : randomBytes(12).toString('base64url');
  const defaultPolicy = role.noDefaultPolicy !== true;
  ctx.tokens.set(token, {
    accessor,
    role: roleName,
    policies: defaultPolicy ? [...DEFAULT_POLICY, ...role.policies] : role.policies,
    defaultPolicy,
    type,
    namespace: ctx.options.namespace,
    expiresAt: ctx.now() + ttl * 1000,
    revoked: false,
  });
  // sdk/logical/translate_response.go `HTTPAuth`: token_policies and token_type.
  const policies = defaultPolicy ? ['default', roleName] : [roleName];
  return envelope({
    auth: {
      client_token: token,
      accessor,
      policies,
      token_policies: policies,
      metadata: { role: roleName },
      lease_duration: ttl,
      renewable: type !== 'batch',
      entity_id: randomUUID(),
      token_type: type,
      orphan: true,
      mfa_requirement: null,
      num_uses: 0,
    },
  });
}

async function dynamicSecret(
  ctx: Context,
  token: string,
  template: string,
  name: string,
  body: Record<string, unknown> | undefined,
): Promise<Answer> {
  const isAws = template.startsWith('/{aws');
  const role = isAws ? { ttl: 3600 } : ctx.options.databaseRoles?.[name];
  if (role === undefined) throw new VaultError(400, [`unknown role: ${name}`]);
  const ttl =
    isAws && typeof body?.ttl === 'string' ? Number.parseInt(body.ttl, 10) : (role.ttl ?? 900);
  const leaseId = `${isAws ? 'aws' : 'database'}/creds/${name}/${randomBytes(12).toString('base64url')}`;
  const username = `v-jwt-${name}-${randomBytes(6).toString('hex')}`;
  ctx.leases.set(leaseId, {
    token,
    expiresAt: ctx.now() + ttl * 1000,
    revokedBy: undefined,
    dropFails: !isAws && ctx.options.databaseRoles?.[name]?.dropFails === true,
    username,
    ...(isAws || role.database === undefined ? {} : { database: role.database }),
  });
  const data = isAws
    ? {
        access_key: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
        secret_key: randomBytes(30).toString('base64'),
        security_token: null,
      }
    : {
        username,
        password: `A1a-${randomBytes(15).toString('base64url')}`,
      };
  if ('password' in data && !isAws && role.database !== undefined) {
    await role.database.create({
      username,
      password: data.password,
      expiresAt: new Date(ctx.now() + ttl * 1000),
    });
  }
  return envelope({ lease_id: leaseId, lease_duration: ttl, renewable: true, data });
}

/** Vault's `default` policy, the part of it the double's paths touch (vault/policy_store.go `defaultPolicy`). */
const DEFAULT_POLICY: PolicyRule[] = [
  { path: 'auth/token/lookup-self', capabilities: ['read'] },
  { path: 'auth/token/renew-self', capabilities: ['update'] },
  { path: 'auth/token/revoke-self', capabilities: ['update'] },
];

function authenticate(ctx: Context, token: string | undefined): string {
  if (token === undefined || !tokenValid(ctx.tokens.get(token), ctx.now())) {
    // A token that is unknown, revoked or expired: Vault adds "invalid token"
    // to "permission denied" (vault/request_handling.go
    // `fetchACLTokenEntryAndEntity`; http/auth_token_test.go
    // `TestToken_InvalidTokenError`), OpenBao does not (openbao
    // internal/vault/request_handling.go `fetchACLTokenEntryAndEntity`).
    throw new VaultError(403, [
      ctx.options.flavour === 'openbao'
        ? 'permission denied'
        : multierror('permission denied', 'invalid token'),
    ]);
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
    // vault/expiration.go `RevokeByToken` only marks the token's leases for
    // revocation (`lazyRevokeInternal`); one whose revocation fails stays,
    // retried in the background (openbao internal/vault/expiration.go alike).
    if (lease.token === token && lease.revokedBy === undefined && !lease.dropFails) {
      lease.revokedBy = 'token';
      // In the background, as Vault's lazy revocation runs the revocation statements.
      void lease.database?.drop(lease.username).catch(() => undefined);
    }
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
    // A lease Vault cannot revoke outlives its token (see `revokeToken`).
    (entry.dropFails || tokenValid(tokens.get(entry.token), now))
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
    res.writeHead(answer.status, answer.headers).end();
    return;
  }
  res
    .writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
    .end(JSON.stringify(answer.body));
}

function responseProblems(answer: Answer, op: MatchedOperation | undefined): string[] {
  if (answer.envelopeWithStatus === true) {
    // The spec describes only the 200 of these (its schema has no null
    // `data.data`): the envelope, with `data.metadata` an object.
    const problems = SPEC.validate(ENVELOPE, answer.body, { closed: true, where: 'body' });
    const data = isObject(answer.body) ? answer.body.data : undefined;
    if (!isObject(data) || !isObject(data.metadata))
      problems.push('body.data.metadata: not an object');
    return problems;
  }
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
  fault: Exclude<Fault, { delayMs: number } | { lose: true }>,
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
