/**
 * The OAuth side of the reference gateway: client authentication, subject
 * token verification, RFC 8693 token exchange, RFC 7009 revocation and
 * RFC 7662 introspection. All signing and verification is jose's.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  SignJWT,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type CryptoKey,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { ApprovalStore } from './approvals.js';
import { OAuthError, secretEquals } from './http.js';
import { evaluate, type Policy, type Rule } from './policy.js';
import { PostgresError, type PostgresCredential, type PostgresRoles } from './postgres.js';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const JWT = 'urn:ietf:params:oauth:token-type:jwt';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
/**
 * RFC 8693 lets the issued token be something other than an access token: with
 * this type, `access_token` is the PostgreSQL URL itself, for clients that only
 * read the standard members (gatepass today) and revoke what they got.
 */
export const POSTGRES_URL_TOKEN_TYPE = 'urn:gatepass:token-type:postgresql-url';
const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
];

export interface Client {
  id: string;
  /** Absent for a public client (authentication `none`). */
  secret?: string;
}

export interface TrustedIssuer {
  issuer: string;
  /** Found through OIDC discovery when omitted. */
  jwksUri?: string;
}

export type Audit = (event: Record<string, unknown>) => void;

export interface ExchangeContext {
  url: string;
  policy: Policy;
  audiences: string[];
  clients: Client[];
  keys: IssuerKeys;
  approvals: ApprovalStore;
  signer: { key: CryptoKey; kid: string; verify: JWTVerifyGetKey };
  /** By `jti`. */
  issued: Map<string, IssuedToken>;
  /** sha256 of a token that is not our JWT (a PostgreSQL URL) -> its `jti`. */
  opaque: Map<string, string>;
  /** Absent without `postgres` in the gateway options. */
  postgres: PostgresRoles | undefined;
  audit: Audit;
  now: () => number;
}

export interface IssuedToken {
  revoked: boolean;
  clientId: string;
  claims: JWTPayload;
  /** The role created with it, dropped when it is revoked. */
  postgresRole: string | undefined;
  /** While a revocation is under way. */
  revoking?: Promise<void> | undefined;
}

/** Verification keys of each trusted issuer, remote ones fetched lazily. */
export class IssuerKeys {
  readonly #local = new Map<string, JWTVerifyGetKey>();
  readonly #remote = new Map<string, TrustedIssuer>();
  readonly #cache = new Map<string, Promise<JWTVerifyGetKey>>();

  addLocal(issuer: string, keys: JWTVerifyGetKey): void {
    this.#local.set(issuer, keys);
  }

  addRemote(trusted: TrustedIssuer): void {
    this.#remote.set(trusted.issuer.replace(/\/+$/, ''), trusted);
  }

  get issuers(): string[] {
    return [...this.#local.keys(), ...this.#remote.keys()];
  }

  async get(issuer: string): Promise<JWTVerifyGetKey | undefined> {
    const local = this.#local.get(issuer);
    if (local !== undefined) return local;
    const remote = this.#remote.get(issuer.replace(/\/+$/, ''));
    if (remote === undefined) return undefined;
    let keys = this.#cache.get(remote.issuer);
    if (keys === undefined) {
      keys = remoteKeys(remote);
      this.#cache.set(remote.issuer, keys);
      keys.catch(() => this.#cache.delete(remote.issuer));
    }
    return keys;
  }
}

async function remoteKeys(trusted: TrustedIssuer): Promise<JWTVerifyGetKey> {
  let jwksUri = trusted.jwksUri;
  if (jwksUri === undefined) {
    const base = trusted.issuer.replace(/\/+$/, '');
    const res = await fetch(`${base}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(10_000),
    });
    const doc = (await res.json()) as { jwks_uri?: unknown };
    if (typeof doc.jwks_uri !== 'string') throw new Error(`${base} publishes no jwks_uri`);
    jwksUri = doc.jwks_uri;
  }
  return createRemoteJWKSet(new URL(jwksUri));
}

/** RFC 6749 §2.3.1: HTTP Basic (form-encoded id and secret) or the request body. */
export function authenticateClient(
  req: IncomingMessage,
  form: URLSearchParams,
  clients: Client[],
): Client {
  const header = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  let id: string | null;
  let secret: string | null;
  if (header?.[1] !== undefined) {
    const decoded = Buffer.from(header[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    id = decodeURIComponent(decoded.slice(0, colon < 0 ? undefined : colon).replace(/\+/g, ' '));
    secret = colon < 0 ? null : decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
  } else {
    id = form.get('client_id');
    secret = form.get('client_secret');
  }
  const challenge = header === null ? {} : { 'www-authenticate': 'Basic realm="gateway"' };
  const client = clients.find((c) => c.id === id);
  if (id === null || client === undefined) {
    throw new OAuthError(401, 'invalid_client', 'unknown client_id', {}, challenge);
  }
  if (client.secret !== undefined && (secret === null || !secretEquals(secret, client.secret))) {
    throw new OAuthError(401, 'invalid_client', 'client authentication failed', {}, challenge);
  }
  return client;
}

export async function tokenExchange(
  ctx: ExchangeContext,
  client: Client,
  form: URLSearchParams,
): Promise<Record<string, unknown>> {
  if (form.get('grant_type') !== TOKEN_EXCHANGE) {
    throw new OAuthError(400, 'unsupported_grant_type', `only ${TOKEN_EXCHANGE} is supported`);
  }
  if (form.has('actor_token')) {
    throw new OAuthError(400, 'invalid_request', 'actor_token (delegation) is not supported');
  }
  const requested = form.get('requested_token_type') ?? ACCESS_TOKEN;
  if (![ACCESS_TOKEN, JWT, POSTGRES_URL_TOKEN_TYPE].includes(requested)) {
    throw new OAuthError(
      400,
      'invalid_request',
      `requested_token_type ${requested} is not supported`,
    );
  }
  const claims = await verifySubject(ctx, form);
  const request = {
    scopes: (form.get('scope') ?? '').split(' ').filter((s) => s !== ''),
    audiences: form.getAll('audience').filter((a) => a !== ''),
    resources: form.getAll('resource').filter((r) => r !== ''),
  };
  const who = { client_id: client.id, iss: claims.iss, sub: claims.sub };
  const asked = {
    scope: request.scopes.join(' '),
    audience: request.audiences,
    resource: request.resources,
  };
  const decision = evaluate(ctx.policy, claims, request);
  if (!decision.allowed) {
    ctx.audit({ event: 'token.denied', ...who, ...asked, reason: decision.reason });
    throw new OAuthError(400, decision.error, decision.reason);
  }
  checkPostgres(ctx, decision.rule, requested);
  const ttl = Math.min(requestedTtl(form) ?? ctx.policy.defaultTtlSeconds, decision.maxTtlSeconds);
  let approvedBy: string | undefined;
  if (decision.rule.approval) {
    approvedBy = gate(ctx, client, claims, request, decision.rule.name, { ...who, ...asked });
  }
  return issue(ctx, {
    client,
    claims,
    rule: decision.rule,
    ttl,
    approvedBy,
    requested,
    request,
    log: { ...who, ...asked },
  });
}

/** What the policy (and any approver) granted, to be issued. */
interface Grant {
  client: Client;
  claims: JWTPayload;
  rule: Rule;
  ttl: number;
  approvedBy: string | undefined;
  requested: string;
  request: { scopes: string[]; audiences: string[]; resources: string[] };
  /** Who asked for what, for the audit log. */
  log: Record<string, unknown>;
}

async function issue(ctx: ExchangeContext, grant: Grant): Promise<Record<string, unknown>> {
  const { client, rule, ttl, approvedBy } = grant;
  const scope = grant.request.scopes.join(' ');
  const jti = randomUUID();
  const now = Math.floor(ctx.now() / 1000);
  const postgres = await createRole(ctx, rule, now + ttl, jti, grant.log);
  const payload: JWTPayload = {
    iss: ctx.url,
    sub: grant.claims.sub ?? '',
    aud: audienceOf(ctx, grant.request),
    iat: now,
    exp: now + ttl,
    jti,
    client_id: client.id,
    rule: rule.name,
    ...(scope === '' ? {} : { scope }),
    ...(approvedBy === undefined ? {} : { approved_by: approvedBy }),
  };
  const accessToken = await sign(ctx, payload);
  ctx.issued.set(jti, {
    revoked: false,
    clientId: client.id,
    claims: payload,
    postgresRole: postgres?.username,
  });
  const wantsUrl = grant.requested === POSTGRES_URL_TOKEN_TYPE;
  const issuedToken = wantsUrl ? (postgres?.url ?? '') : accessToken;
  if (wantsUrl) ctx.opaque.set(digest(issuedToken), jti);
  ctx.audit({
    event: 'token.issued',
    ...grant.log,
    rule: rule.name,
    ttl,
    jti,
    approved_by: approvedBy,
    postgres_role: postgres?.username,
  });
  return {
    access_token: issuedToken,
    issued_token_type: grant.requested,
    // RFC 8693 says N_A for a token that is not an access token, but openid-client
    // (and so gatepass) refuses any token_type other than Bearer and DPoP.
    token_type: 'Bearer',
    expires_in: ttl,
    ...(scope === '' ? {} : { scope }),
    ...(postgres === undefined ? {} : postgres),
  };
}

function audienceOf(
  ctx: ExchangeContext,
  request: { audiences: string[]; resources: string[] },
): string | string[] {
  const audience =
    request.audiences.length > 0
      ? request.audiences
      : request.resources.length > 0
        ? request.resources
        : [ctx.url];
  return audience.length === 1 ? (audience[0] ?? ctx.url) : audience;
}

function sign(ctx: ExchangeContext, payload: JWTPayload): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', kid: ctx.signer.kid, typ: 'at+jwt' })
    .sign(ctx.signer.key);
}

/** Before anyone is asked to approve: a request this gateway cannot serve fails now. */
function checkPostgres(ctx: ExchangeContext, rule: Rule, requested: string): void {
  if (requested === POSTGRES_URL_TOKEN_TYPE && rule.postgres === undefined) {
    throw new OAuthError(
      400,
      'invalid_request',
      `requested_token_type ${POSTGRES_URL_TOKEN_TYPE} needs a policy rule with \`postgres:\`, and rule "${rule.name}" has none`,
    );
  }
  if (rule.postgres !== undefined && ctx.postgres === undefined) {
    throw new OAuthError(
      400,
      'invalid_request',
      `rule "${rule.name}" issues PostgreSQL roles, but this gateway has no PostgreSQL server: start it with --postgres postgresql://ADMIN@HOST:PORT/DB (or the \`postgres\` option)`,
    );
  }
}

/** The rule's role, if it has `postgres:`; a failure leaves no role and answers an OAuth error. */
async function createRole(
  ctx: ExchangeContext,
  rule: Rule,
  exp: number,
  jti: string,
  who: Record<string, unknown>,
): Promise<PostgresCredential | undefined> {
  if (rule.postgres === undefined || ctx.postgres === undefined) return undefined;
  try {
    return await ctx.postgres.create(
      rule.postgres,
      new Date(exp * 1000),
      `gatepass reference gateway: rule ${rule.name}, token ${jti}`,
    );
  } catch (err) {
    const problem = postgresProblem(err, `rule "${rule.name}"`);
    ctx.audit({ event: 'token.failed', ...who, rule: rule.name, reason: problem.message });
    throw problem;
  }
}

/** Unreachable is worth retrying (503); anything else is the gateway's setup, and says how to fix it. */
function postgresProblem(err: unknown, context: string): OAuthError {
  if (!(err instanceof PostgresError)) throw err;
  return err.unreachable
    ? new OAuthError(503, 'temporarily_unavailable', `${context}: ${err.message}`)
    : new OAuthError(400, 'invalid_request', `${context}: ${err.message}`);
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Throws the device-flow style answers until an admin approves; returns the approver. */
function gate(
  ctx: ExchangeContext,
  client: Client,
  claims: JWTPayload,
  request: { scopes: string[]; audiences: string[]; resources: string[] },
  rule: string,
  who: Record<string, unknown>,
): string {
  // The same run asking again finds its approval; a new run or commit does not.
  const run = ['run_id', 'run_attempt', 'pipeline_id', 'job_id', 'sha'].map((c) => claims[c]);
  const key = ApprovalStore.keyOf([client.id, claims.iss, claims.sub, request, run]);
  const scope = request.scopes.join(' ');
  const result = ctx.approvals.check(
    key,
    { rule, sub: claims.sub ?? '', scope, audience: request.audiences },
    ctx.now(),
  );
  const approval = result.approval;
  const approvalUrl = `${ctx.url}/approvals/${approval.id}`;
  switch (result.state) {
    case 'approved':
      return approval.decidedBy ?? 'admin';
    case 'pending':
      ctx.audit({ event: 'token.pending', ...who, rule, approval_id: approval.id });
      throw new OAuthError(
        400,
        'authorization_pending',
        `rule "${rule}" requires approval; ask an approver to open ${approvalUrl}`,
        {
          interval: approval.intervalSeconds,
          approval_url: approvalUrl,
          expires_in: Math.max(0, Math.round((approval.expiresAt - ctx.now()) / 1000)),
        },
      );
    case 'slow_down':
      throw new OAuthError(400, 'slow_down', 'polling too fast', {
        interval: approval.intervalSeconds,
        approval_url: approvalUrl,
      });
    case 'denied':
      ctx.audit({
        event: 'token.denied',
        ...who,
        rule,
        approval_id: approval.id,
        reason: 'approval denied',
      });
      throw new OAuthError(
        400,
        'access_denied',
        `approval ${approval.id} was denied by ${approval.decidedBy ?? 'an approver'}`,
      );
    case 'expired':
      ctx.audit({
        event: 'token.denied',
        ...who,
        rule,
        approval_id: approval.id,
        reason: 'approval expired',
      });
      throw new OAuthError(
        400,
        'expired_token',
        `approval ${approval.id} expired before anyone decided`,
      );
  }
}

function requestedTtl(form: URLSearchParams): number | undefined {
  const raw = form.get('expires_in');
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) === 0) {
    throw new OAuthError(400, 'invalid_request', 'expires_in must be a positive number of seconds');
  }
  return Number(raw);
}

async function verifySubject(ctx: ExchangeContext, form: URLSearchParams): Promise<JWTPayload> {
  const token = form.get('subject_token');
  const type = form.get('subject_token_type');
  if (token === null || token === '')
    throw new OAuthError(400, 'invalid_request', 'subject_token is missing');
  if (type !== ID_TOKEN && type !== JWT) {
    throw new OAuthError(
      400,
      'invalid_request',
      `subject_token_type must be ${ID_TOKEN} or ${JWT}`,
    );
  }
  let issuer: string | undefined;
  try {
    if (decodeProtectedHeader(token).alg === 'none') {
      throw new OAuthError(400, 'invalid_grant', 'subject_token is unsigned (alg "none")');
    }
    issuer = decodeJwt(token).iss;
  } catch (err) {
    if (err instanceof OAuthError) throw err;
    throw new OAuthError(400, 'invalid_grant', 'subject_token is not a JWT');
  }
  const keys = issuer === undefined ? undefined : await ctx.keys.get(issuer).catch(() => undefined);
  if (issuer === undefined || keys === undefined) {
    throw new OAuthError(
      400,
      'invalid_grant',
      `subject_token issuer "${issuer ?? ''}" is not trusted here (trusted: ${ctx.keys.issuers.join(', ')})`,
    );
  }
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer,
      audience: ctx.audiences,
      algorithms: ASYMMETRIC,
      clockTolerance: 5,
      requiredClaims: ['exp', 'sub', 'aud'],
      currentDate: new Date(ctx.now()),
    });
    return payload;
  } catch (err) {
    throw new OAuthError(400, 'invalid_grant', subjectProblem(err, token, ctx.audiences));
  }
}

/** jose's error, as the client should read it. Never echoes the token. */
function subjectProblem(err: unknown, token: string, audiences: string[]): string {
  const { code, claim } = err as { code?: unknown; claim?: unknown };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'subject_token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'aud') {
        return `subject_token audience ${JSON.stringify(decodeJwt(token).aud)} is not accepted here; mint it for ${audiences.join(' or ')}`;
      }
      return claim === 'nbf'
        ? 'subject_token is not valid yet (nbf)'
        : `subject_token claim "${String(claim)}" is invalid`;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return "subject_token signature does not verify against the issuer's published keys";
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'subject_token uses a signing algorithm that is not accepted';
    default:
      return `subject_token is invalid (${typeof code === 'string' ? code : 'unreadable'})`;
  }
}

/** RFC 7009: unknown, invalid or expired tokens are not an error. */
export async function revoke(
  ctx: ExchangeContext,
  client: Client,
  form: URLSearchParams,
): Promise<void> {
  const token = form.get('token');
  if (token === null || token === '')
    throw new OAuthError(400, 'invalid_request', 'token is missing');
  const record = await findIssued(ctx, token, true);
  if (record === undefined) return;
  if (record.clientId !== client.id) {
    throw new OAuthError(400, 'unauthorized_client', 'the token was issued to another client');
  }
  if (record.revoked) return;
  // Concurrent revocations of one token share one: one DROP ROLE, one audit line.
  record.revoking ??= finishRevocation(ctx, record).finally(() => {
    record.revoking = undefined;
  });
  await record.revoking;
}

async function finishRevocation(ctx: ExchangeContext, record: IssuedToken): Promise<void> {
  if (record.postgresRole !== undefined) {
    try {
      await ctx.postgres?.drop(record.postgresRole);
    } catch (err) {
      // Not revoked until the role is gone: the client is told, and may ask again.
      const problem = postgresProblem(err, 'the token stays active');
      throw problem.status === 503 ? problem : new OAuthError(500, 'server_error', problem.message);
    }
  }
  record.revoked = true;
  ctx.audit({
    event: 'token.revoked',
    client_id: record.clientId,
    sub: record.claims.sub,
    jti: record.claims.jti,
    postgres_role: record.postgresRole,
  });
}

/** RFC 7662. */
export async function introspect(
  ctx: ExchangeContext,
  caller: string,
  form: URLSearchParams,
): Promise<Record<string, unknown>> {
  const token = form.get('token');
  if (token === null || token === '')
    throw new OAuthError(400, 'invalid_request', 'token is missing');
  const record = await findIssued(ctx, token, false);
  const claims = record?.claims;
  const active = record !== undefined && !record.revoked;
  ctx.audit({ event: 'token.introspected', caller, jti: claims?.jti, active });
  if (!active || claims === undefined) return { active: false };
  const { iss, sub, aud, exp, iat, jti, scope, client_id } = claims;
  return { active: true, token_type: 'Bearer', iss, sub, aud, exp, iat, jti, scope, client_id };
}

/** Our JWT (verified), or a token we issued in its place; expired ones only when asked. */
async function findIssued(
  ctx: ExchangeContext,
  token: string,
  allowExpired: boolean,
): Promise<IssuedToken | undefined> {
  const opaque = ctx.opaque.get(digest(token));
  const jti = opaque ?? (await verifyOwn(ctx, token, allowExpired))?.jti;
  const record = typeof jti === 'string' ? ctx.issued.get(jti) : undefined;
  if (record === undefined) return undefined;
  const expired = (record.claims.exp ?? 0) * 1000 <= ctx.now();
  return expired && !allowExpired ? undefined : record;
}

async function verifyOwn(
  ctx: ExchangeContext,
  token: string,
  allowExpired: boolean,
): Promise<JWTPayload | undefined> {
  try {
    const { payload } = await jwtVerify(token, ctx.signer.verify, {
      issuer: ctx.url,
      algorithms: ['ES256'],
      currentDate: new Date(ctx.now()),
      // A revoked-after-expiry token still gets found, so revoking it is a quiet no-op.
      ...(allowExpired ? { clockTolerance: Number.MAX_SAFE_INTEGER } : {}),
    });
    return payload;
  } catch {
    return undefined;
  }
}
