/**
 * The reference token-exchange gateway: the role `vault server -dev` plays for
 * Vault. For local development, demos and gatepass's own tests — NOT for
 * production (state lives in memory, keys are generated at start).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWK,
} from 'jose';
import { ApprovalStore, describeApproval, type ApprovalSettings } from './approvals.js';
import {
  IssuerKeys,
  TOKEN_EXCHANGE,
  authenticateClient,
  introspect,
  revoke,
  tokenExchange,
  type Client,
  type ExchangeContext,
  type TrustedIssuer,
} from './exchange.js';
import {
  HttpError,
  OAuthError,
  bearer,
  readFields,
  readForm,
  secretEquals,
  sendJson,
  sendOAuthError,
} from './http.js';
import { LocalIssuer, type LocalIssuerOptions, type MintOptions } from './issuer.js';
import { parsePolicy, type Policy } from './policy.js';
import { PostgresRoles, type PostgresOptions } from './postgres.js';

export type { Client, TrustedIssuer } from './exchange.js';
export { POSTGRES_URL_TOKEN_TYPE } from './exchange.js';
export type { LocalIssuerOptions, MintOptions } from './issuer.js';
export { parsePolicy } from './policy.js';
export type { PostgresCredential, PostgresOptions } from './postgres.js';
export { describeAdmin } from './postgres.js';

/** A fault to inject in place of the real answer (tests of client resilience). */
export type Fault =
  | { status: number; body?: string; headers?: Record<string, string> }
  | { hang: true }
  | { drop: true }
  /** Handle the request as usual, but only after a pause: a slow gateway that still answers. */
  | { delayMs: number };

export interface GatewayOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** YAML text or a parsed policy. Default: no rules (every exchange is refused). */
  policy?: string | Policy;
  /** `aud` values accepted on subject tokens. Default: the gateway URL, with and without a trailing slash. */
  audiences?: string[];
  /** Issuers whose ID tokens are accepted, besides the local issuer. */
  trustedIssuers?: TrustedIssuer[];
  /** The local OIDC issuer (on by default); `false` turns it off. */
  localIssuer?: boolean | LocalIssuerOptions;
  /** Registered clients. Default: the public client `gatepass`. */
  clients?: Client[];
  /** Bearer token for `POST /approvals/{id}`. Default: random. */
  adminToken?: string;
  approvals?: ApprovalSettings;
  /**
   * The PostgreSQL server where rules with `postgres:` create roles, reached as
   * an admin that may create roles. Default: none (such rules are refused).
   */
  postgres?: PostgresOptions;
  /** Receives one JSON line per decision. Default: dropped. */
  audit?: (line: string) => void;
  /** Called before routing; return a fault to answer with instead. */
  intercept?: (req: { method: string; path: string }) => Fault | undefined;
  now?: () => number;
}

export interface RunningGateway {
  url: string;
  /** The local OIDC issuer, when enabled (else the empty string). */
  issuerUrl: string;
  adminToken: string;
  /** Values for `ACTIONS_ID_TOKEN_REQUEST_URL` / `_TOKEN` (local issuer only). */
  idTokenRequestUrl: string;
  idTokenRequestToken: string;
  /** Mint an ID token in-process (local issuer only). */
  mintIdToken(options: MintOptions): Promise<string>;
  /** Stops serving, then drops every PostgreSQL role it created (throws naming any it could not). */
  stop(): Promise<void>;
}

const ISSUER_PATH = '/local-issuer';

export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const server = createServer();
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  try {
    const app = await createApp(url, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void app.handle(req, res);
    });
    return {
      url,
      issuerUrl: app.issuer?.url ?? '',
      adminToken: app.adminToken,
      idTokenRequestUrl: app.issuer?.githubRequestUrl ?? '',
      idTokenRequestToken: app.issuer?.requestToken ?? '',
      mintIdToken: (mint) => {
        if (app.issuer === undefined) throw new Error('the local issuer is off');
        return app.issuer.mint({ audience: url, ...mint });
      },
      stop: async () => {
        await stopServer(server);
        await app.postgres?.close();
      },
    };
  } catch (err) {
    await stopServer(server);
    throw err;
  }
}

function stopServer(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
    // Hanging requests (fault injection) must not keep the process alive.
    server.closeAllConnections();
  });
}

interface App {
  issuer: LocalIssuer | undefined;
  adminToken: string;
  postgres: PostgresRoles | undefined;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

async function createApp(url: string, options: GatewayOptions): Promise<App> {
  const now = options.now ?? (() => Date.now());
  const policy =
    typeof options.policy === 'string'
      ? parsePolicy(options.policy)
      : (options.policy ?? parsePolicy('rules: []'));
  const adminToken = options.adminToken ?? randomBytes(24).toString('base64url');
  const keys = new IssuerKeys();
  for (const trusted of options.trustedIssuers ?? []) keys.addRemote(trusted);
  const issuer =
    options.localIssuer === false
      ? undefined
      : await LocalIssuer.create(
          `${url}${ISSUER_PATH}`,
          options.localIssuer === true ? {} : options.localIssuer,
        );
  if (issuer !== undefined) keys.addLocal(issuer.url, issuer.keySet);
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' };
  jwk.kid = await calculateJwkThumbprint(jwk);
  const jwks = { keys: [jwk] };
  const sink = options.audit;
  const audit = (event: Record<string, unknown>): void =>
    sink?.(JSON.stringify({ time: new Date(now()).toISOString(), ...event }));
  const postgres =
    options.postgres === undefined
      ? undefined
      : await PostgresRoles.create(options.postgres, audit, now);
  const ctx: ExchangeContext = {
    url,
    policy,
    audiences: options.audiences ?? [url, `${url}/`],
    clients: options.clients ?? [{ id: 'gatepass' }],
    keys,
    approvals: new ApprovalStore(options.approvals),
    signer: { key: privateKey, kid: jwk.kid, verify: createLocalJWKSet(jwks) },
    issued: new Map(),
    opaque: new Map(),
    postgres,
    audit,
    now,
  };
  const routes = createRoutes(ctx, { issuer, adminToken, jwks });
  return {
    issuer,
    adminToken,
    postgres,
    handle: async (req, res) => {
      try {
        const path = new URL(req.url ?? '/', url).pathname;
        const fault = options.intercept?.({ method: req.method ?? 'GET', path });
        if (fault !== undefined && 'delayMs' in fault) {
          await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        } else if (fault !== undefined) {
          answerWithFault(req, res, fault);
          return;
        }
        await routes(req, res, path);
      } catch (err) {
        answerWithError(res, err);
      }
    },
  };
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
  res.end(fault.body ?? JSON.stringify({ error: 'temporarily_unavailable' }));
}

function answerWithError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof OAuthError) sendOAuthError(res, err);
  else if (err instanceof HttpError) sendJson(res, err.status, { error: err.message });
  else sendJson(res, 500, { error: 'server_error', error_description: 'internal error' });
}

type Route = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;

function createRoutes(
  ctx: ExchangeContext,
  extra: { issuer: LocalIssuer | undefined; adminToken: string; jwks: { keys: JWK[] } },
): Route {
  const metadata = serverMetadata(ctx.url);
  return async (req, res, path) => {
    const method = req.method ?? 'GET';
    if (
      method === 'GET' &&
      (path === '/.well-known/oauth-authorization-server' ||
        path === '/.well-known/openid-configuration')
    ) {
      sendJson(res, 200, metadata);
    } else if (method === 'GET' && path === '/jwks') {
      sendJson(res, 200, extra.jwks);
    } else if (method === 'POST' && path === '/token') {
      const form = await readForm(req);
      const client = authenticateClient(req, form, ctx.clients);
      sendJson(res, 200, await tokenExchange(ctx, client, form));
    } else if (method === 'POST' && path === '/revoke') {
      const form = await readForm(req);
      await revoke(ctx, authenticateClient(req, form, ctx.clients), form);
      sendJson(res, 200, {});
    } else if (method === 'POST' && path === '/introspect') {
      const form = await readForm(req);
      const caller = isAdmin(req, extra.adminToken)
        ? 'admin'
        : authenticateClient(req, form, ctx.clients).id;
      sendJson(res, 200, await introspect(ctx, caller, form));
    } else if (path === '/approvals' || path.startsWith('/approvals/')) {
      await approvalsRoute(ctx, extra.adminToken, req, res, path);
    } else if (extra.issuer !== undefined && path.startsWith(`${ISSUER_PATH}/`)) {
      await issuerRoute(ctx, extra.issuer, req, res, path.slice(ISSUER_PATH.length));
    } else {
      throw new HttpError(404, `no route for ${method} ${path}`);
    }
  };
}

function serverMetadata(url: string): Record<string, unknown> {
  const auth = ['none', 'client_secret_basic', 'client_secret_post'];
  return {
    issuer: url,
    token_endpoint: `${url}/token`,
    revocation_endpoint: `${url}/revoke`,
    introspection_endpoint: `${url}/introspect`,
    jwks_uri: `${url}/jwks`,
    grant_types_supported: [TOKEN_EXCHANGE],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: auth,
    revocation_endpoint_auth_methods_supported: auth,
    introspection_endpoint_auth_methods_supported: auth,
  };
}

async function approvalsRoute(
  ctx: ExchangeContext,
  adminToken: string,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const id = decodeURIComponent(path.slice('/approvals/'.length));
  if (req.method === 'GET' && path === '/approvals') {
    requireAdmin(req, adminToken);
    sendJson(res, 200, { pending: ctx.approvals.pending().map(describeApproval) });
    return;
  }
  if (req.method === 'GET') {
    const approval = ctx.approvals.get(id);
    if (approval === undefined) throw new HttpError(404, 'no such approval request');
    sendJson(res, 200, {
      ...describeApproval(approval),
      how_to_decide: `curl -X POST -H "Authorization: Bearer $ADMIN_TOKEN" -d decision=approve ${ctx.url}/approvals/${id}`,
    });
    return;
  }
  if (req.method !== 'POST') throw new HttpError(405, 'use GET or POST');
  requireAdmin(req, adminToken);
  const fields = await readFields(req);
  const decision = fields.decision;
  if (decision !== 'approve' && decision !== 'deny')
    throw new HttpError(400, 'decision must be "approve" or "deny"');
  const approver = fields.approver ?? 'admin';
  if (!ctx.approvals.decide(id, decision, approver, ctx.now())) {
    throw new HttpError(409, 'no pending approval request with that id');
  }
  const approval = ctx.approvals.get(id);
  ctx.audit({
    event: decision === 'approve' ? 'approval.approved' : 'approval.denied',
    approval_id: id,
    approver,
    sub: approval?.sub,
    rule: approval?.rule,
  });
  sendJson(res, 200, approval === undefined ? {} : describeApproval(approval));
}

async function issuerRoute(
  ctx: ExchangeContext,
  issuer: LocalIssuer,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  if (req.method !== 'GET') throw new HttpError(405, 'use GET');
  if (path === '/.well-known/openid-configuration') {
    sendJson(res, 200, issuer.discovery());
  } else if (path === '/jwks') {
    sendJson(res, 200, issuer.jwks);
  } else if (path === '/github/token' || path === '/gitlab/token') {
    const token = bearer(req);
    if (token === undefined || !secretEquals(token, issuer.requestToken)) {
      sendJson(res, 401, {
        message: 'bad or missing bearer token (ACTIONS_ID_TOKEN_REQUEST_TOKEN)',
      });
      return;
    }
    const platform = path === '/github/token' ? 'github' : 'gitlab';
    const audience = new URL(req.url ?? '/', ctx.url).searchParams.get('audience') ?? undefined;
    const value = await issuer.mint({ platform, ...(audience === undefined ? {} : { audience }) });
    ctx.audit({ event: 'idtoken.minted', platform, audience });
    sendJson(res, 200, { value });
  } else {
    throw new HttpError(404, `no route for GET ${ISSUER_PATH}${path}`);
  }
}

function isAdmin(req: IncomingMessage, adminToken: string): boolean {
  const token = bearer(req);
  return token !== undefined && secretEquals(token, adminToken);
}

function requireAdmin(req: IncomingMessage, adminToken: string): void {
  if (!isAdmin(req, adminToken)) throw new HttpError(401, 'admin bearer token required');
}

export { OAuthError };
