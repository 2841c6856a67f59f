/**
 * A Keycloak double: one realm with the legacy token exchange (V1, preview
 * features `token-exchange,admin-fine-grained-authz:v1`) taking an external
 * CI token for a Keycloak token, on loopback, as Keycloak's own code does it.
 * Keycloak cannot run here; each behaviour below cites the class it comes
 * from (keycloak/keycloak, services/src/main/java/org/keycloak/…, read at
 * the commits the index holds, 2025):
 *
 * - discovery at `/realms/{realm}/.well-known/openid-configuration`
 *   (OIDCWellKnownProvider: token, revocation, introspection endpoints,
 *   `client_secret_basic` and `client_secret_post` among the methods);
 * - client authentication (authentication/authenticators/client/
 *   ClientIdAndSecretAuthenticator, AuthenticationProcessor
 *   .handleClientAuthException);
 * - the exchange (protocol/oidc/tokenexchange/V1TokenExchangeProvider,
 *   AbstractTokenExchangeProvider): the subject issuer is `subject_issuer`,
 *   else the `iss` of a `jwt`; an issuer other than the realm's is an
 *   external exchange; the identity provider is found by alias, else by its
 *   configured issuer (broker/oidc/OIDCIdentityProvider.isIssuer); the
 *   client needs the token-exchange permission on it (services/resources/
 *   admin/fgap/IdentityProviderPermissions.canExchangeTo: no policy, no
 *   exchange); `jwt` and `id_token` are checked as JWTs (signature,
 *   expiry, issuer; the audience is NOT checked: validateToken(…, true)),
 *   then the `typ` claim unless "Disable type claim check"; `access_token`
 *   goes to the provider's userinfo endpoint, which a CI issuer has not;
 *   a user is imported per (provider, `sub`); then exchangeClientToClient:
 *   `requested_token_type` defaults to refresh_token, each `audience` must
 *   be a client of the realm and, when not the caller, one the caller has
 *   the token-exchange permission on;
 * - the response (representations/AccessTokenResponse, V1
 *   exchangeClientToOIDCClient): `access_token`, `expires_in`,
 *   `refresh_token` when asked and the client uses refresh tokens,
 *   `token_type: Bearer`, `issued_token_type`, `scope`, `session_state`,
 *   `not-before-policy`; lifetimes are the realm's (or the client's), and a
 *   lifetime parameter in the request is not read;
 * - revocation (protocol/oidc/endpoints/TokenRevocationEndpoint): a refresh
 *   token detaches the client from the user's sessions; an access token
 *   goes to a revoked-token store until it expires; a token it does not
 *   know is answered 200 with an `invalid_token` body; the token's `azp`
 *   must be the caller ("Unmatching clients").
 *
 * Requests are recorded (parameters and headers) so tests assert on what
 * gatepass sent.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SignJWT,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const TYPE = 'urn:ietf:params:oauth:token-type:';
const ACCESS_TOKEN_TYPE = `${TYPE}access_token`;
const REFRESH_TOKEN_TYPE = `${TYPE}refresh_token`;
const JWT_TYPE = `${TYPE}jwt`;
const ID_TOKEN_TYPE = `${TYPE}id_token`;
const SAML2_TYPE = `${TYPE}saml2`;

export interface KeycloakClient {
  clientId: string;
  /** Confidential ("Client authentication" on) when set; public otherwise. */
  secret?: string;
  /** Advanced > "Use refresh tokens" (default on). */
  useRefreshTokens?: boolean;
  /** Advanced > "Access Token Lifespan", seconds; default the realm's. */
  accessTokenLifespan?: number;
}

/** An "OpenID Connect v1.0" identity provider of the realm. */
export interface KeycloakIdentityProvider {
  alias: string;
  /** "Issuer" (comma-separated issuers allowed, as Keycloak splits them). */
  issuer?: string;
  /** "Validate signatures" with "Use JWKS URL": the keys at that URL. */
  keys: JWTVerifyGetKey;
  /** "Disable type claim check" (off by default). */
  disableTypeClaimCheck?: boolean;
  /** "Allowed clock skew", seconds. */
  allowedClockSkew?: number;
}

export interface KeycloakDoubleOptions {
  /** Default `ci`. */
  realm?: string;
  /**
   * Keycloak's `hostname` option: the frontend URL issuer and endpoints are
   * built on (`https://sso.example.com`). Default: the double's own address.
   */
  hostname?: string;
  clients: KeycloakClient[];
  identityProviders: KeycloakIdentityProvider[];
  /** Identity provider alias -> clients its token-exchange permission's policy names. */
  identityProviderPermissions?: Record<string, string[]>;
  /** Target client -> clients its token-exchange permission's policy names. */
  clientPermissions?: Record<string, string[]>;
  /** Realm "Access Token Lifespan", seconds. Default 300 (Keycloak's). */
  accessTokenLifespan?: number;
  /** Realm "SSO Session Idle", seconds: the refresh token's lifetime. Default 1800. */
  ssoSessionIdle?: number;
}

export interface RecordedRequest {
  path: string;
  params: Record<string, string[]>;
  authorization: string | undefined;
}

export interface KeycloakUser {
  id: string;
  username: string;
  /** `alias` -> the external `sub`. */
  federated: Record<string, string>;
}

export interface KeycloakDouble {
  /** http://127.0.0.1:port */
  url: string;
  /** The realm's issuer: `${url}/realms/${realm}`, what `gateway` is set to. */
  issuer: string;
  requests: RecordedRequest[];
  users: KeycloakUser[];
  /** Every access token issued, in order. */
  issued: string[];
  /** What Keycloak's introspection endpoint would say of a token it issued. */
  introspect(token: string): { active: boolean; [claim: string]: unknown };
  stop(): Promise<void>;
}

interface Session {
  id: string;
  userId: string;
  /** Clients with a client session in it. */
  clients: Set<string>;
}

interface Realm {
  options: KeycloakDoubleOptions;
  name: string;
  issuer: string;
  key: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  users: KeycloakUser[];
  sessions: Map<string, Session>;
  /** Revoked access token ids (TokenRevocationStoreProvider). */
  revoked: Set<string>;
  requests: RecordedRequest[];
  issued: string[];
}

/** Keycloak's error body (CorsErrorResponseException, ClientAuthUtil.errorResponse). */
class KeycloakError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    /** A bare `401 WWW-Authenticate: Basic` challenge, no body. */
    readonly challenge = false,
  ) {
    super(`${error}: ${description}`);
  }
}

export async function startKeycloakDouble(options: KeycloakDoubleOptions): Promise<KeycloakDouble> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const name = options.realm ?? 'ci';
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const realm: Realm = {
    options,
    name,
    issuer: `${options.hostname ?? url}/realms/${name}`,
    key: privateKey,
    publicKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid: 'realm-key', alg: 'RS256', use: 'sig' },
    users: [],
    sessions: new Map(),
    revoked: new Set(),
    requests: [],
    issued: [],
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res, realm).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`the double failed: ${String(err)}`);
    });
  });
  return {
    url,
    issuer: realm.issuer,
    requests: realm.requests,
    users: realm.users,
    issued: realm.issued,
    introspect: (token) => introspect(realm, token),
    stop: () => stop(server),
  };
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => {
      resolve();
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, realm: Realm): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const base = `/realms/${realm.name}`;
  if (req.method === 'GET' && path === `${base}/.well-known/openid-configuration`) {
    json(res, 200, discovery(realm));
    return;
  }
  if (req.method === 'GET' && path === `${base}/protocol/openid-connect/certs`) {
    json(res, 200, { keys: [realm.publicJwk] });
    return;
  }
  const endpoint = {
    [`${base}/protocol/openid-connect/token`]: tokenEndpoint,
    [`${base}/protocol/openid-connect/revoke`]: revocationEndpoint,
  }[path];
  if (req.method !== 'POST' || endpoint === undefined) {
    json(res, 404, { error: 'Unable to find matching target resource method' });
    return;
  }
  const params = parseForm(await readBody(req));
  const authorization = req.headers.authorization;
  realm.requests.push({ path, params, authorization });
  try {
    const answer = await endpoint(realm, params, authorization);
    if (answer === undefined) {
      res.writeHead(200).end();
    } else json(res, answer.status, answer.body);
  } catch (err) {
    if (!(err instanceof KeycloakError)) throw err;
    if (err.challenge) {
      res.writeHead(401, { 'www-authenticate': `Basic realm="${realm.name}"` }).end();
      return;
    }
    json(res, err.status, { error: err.error, error_description: err.description });
  }
}

/** OIDCWellKnownProvider, the members gatepass reads. */
function discovery(realm: Realm): Record<string, unknown> {
  const oidc = `${realm.issuer}/protocol/openid-connect`;
  return {
    issuer: realm.issuer,
    authorization_endpoint: `${oidc}/auth`,
    token_endpoint: `${oidc}/token`,
    introspection_endpoint: `${oidc}/token/introspect`,
    userinfo_endpoint: `${oidc}/userinfo`,
    end_session_endpoint: `${oidc}/logout`,
    jwks_uri: `${oidc}/certs`,
    revocation_endpoint: `${oidc}/revoke`,
    grant_types_supported: [
      'authorization_code',
      'client_credentials',
      'implicit',
      'password',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
      TOKEN_EXCHANGE,
      'urn:openid:params:grant-type:ciba',
    ],
    token_endpoint_auth_methods_supported: [
      'private_key_jwt',
      'client_secret_basic',
      'client_secret_post',
      'tls_client_auth',
      'client_secret_jwt',
    ],
    revocation_endpoint_auth_methods_supported: [
      'private_key_jwt',
      'client_secret_basic',
      'client_secret_post',
      'tls_client_auth',
      'client_secret_jwt',
    ],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}

type Params = Record<string, string[]>;
type Answer = { status: number; body: Record<string, unknown> } | undefined;

const first = (params: Params, name: string): string | undefined => params[name]?.[0];

/** ClientIdAndSecretAuthenticator.authenticateClient, then handleClientAuthException. */
function authenticateClient(
  realm: Realm,
  params: Params,
  authorization: string | undefined,
): KeycloakClient {
  let clientId: string | undefined;
  let secret: string | undefined;
  if (authorization !== undefined) {
    const basic = /^Basic\s+(.+)$/i.exec(authorization)?.[1];
    if (basic !== undefined) {
      // BasicAuthHelper.RFC6749: user and password are form-url-encoded.
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const at = decoded.indexOf(':');
      clientId = decodeURIComponent(decoded.slice(0, at).replace(/\+/g, ' '));
      secret = decodeURIComponent(decoded.slice(at + 1).replace(/\+/g, ' '));
    } else if (first(params, 'client_id') === undefined) {
      throw new KeycloakError(401, '', '', true);
    }
  }
  clientId = first(params, 'client_id') ?? clientId;
  secret = first(params, 'client_secret') ?? secret;
  if (clientId === undefined) {
    throw new KeycloakError(400, 'invalid_client', 'Missing client_id parameter');
  }
  const client = realm.options.clients.find((c) => c.clientId === clientId);
  if (client === undefined) {
    throw new KeycloakError(401, 'invalid_client', 'Invalid client or Invalid client credentials');
  }
  if (client.secret === undefined) return client; // a public client: no secret checked
  if (secret !== client.secret) {
    throw new KeycloakError(
      401,
      'unauthorized_client',
      'Invalid client or Invalid client credentials',
    );
  }
  return client;
}

async function tokenEndpoint(
  realm: Realm,
  params: Params,
  authorization: string | undefined,
): Promise<Answer> {
  const client = authenticateClient(realm, params, authorization);
  if (first(params, 'grant_type') !== TOKEN_EXCHANGE) {
    throw new KeycloakError(400, 'unsupported_grant_type', 'Unsupported grant_type');
  }
  return { status: 200, body: await v1TokenExchange(realm, client, params) };
}

/** V1TokenExchangeProvider.tokenExchange, the subject-token branches. */
async function v1TokenExchange(
  realm: Realm,
  client: KeycloakClient,
  params: Params,
): Promise<Record<string, unknown>> {
  const subjectToken = first(params, 'subject_token');
  if (subjectToken === undefined) {
    // Direct naked impersonation (requested_subject): gatepass never asks for it.
    throw new KeycloakError(
      400,
      'invalid_request',
      'the double models exchanges with a subject_token only',
    );
  }
  const subjectTokenType = first(params, 'subject_token_type');
  const subjectIssuer = subjectIssuerOf(params, subjectToken, subjectTokenType);
  if (subjectIssuer !== undefined && subjectIssuer !== realm.issuer) {
    return exchangeExternalToken(realm, client, params, subjectIssuer, subjectToken);
  }
  if (subjectTokenType !== undefined && subjectTokenType !== ACCESS_TOKEN_TYPE) {
    throw new KeycloakError(400, 'invalid_request', 'Invalid token type, must be access token');
  }
  // An internal exchange: the subject must be an access token of this realm.
  throw new KeycloakError(400, 'invalid_request', 'Invalid token');
}

/** AbstractTokenExchangeProvider.getSubjectIssuer. */
function subjectIssuerOf(
  params: Params,
  subjectToken: string,
  subjectTokenType: string | undefined,
): string | undefined {
  const given = first(params, 'subject_issuer');
  if (given !== undefined) return given;
  if (subjectTokenType !== JWT_TYPE) return undefined;
  try {
    return decodeJwt(subjectToken).iss;
  } catch {
    throw new KeycloakError(400, 'invalid_request', 'Invalid token type, must be access token');
  }
}

/** AbstractTokenExchangeProvider.exchangeExternalToken. */
async function exchangeExternalToken(
  realm: Realm,
  client: KeycloakClient,
  params: Params,
  subjectIssuer: string,
  subjectToken: string,
): Promise<Record<string, unknown>> {
  const provider = locateProvider(realm, params, subjectIssuer);
  if (provider === undefined) {
    throw new KeycloakError(400, 'invalid_issuer', 'Invalid subject_issuer parameter');
  }
  const allowed = realm.options.identityProviderPermissions?.[provider.alias] ?? [];
  if (!allowed.includes(client.clientId)) {
    throw new KeycloakError(403, 'access_denied', 'Client not allowed to exchange');
  }
  const identity = await exchangeExternalV1(provider, params, subjectToken);
  const user = importUser(realm, provider, identity);
  const session: Session = { id: randomUUID(), userId: user.id, clients: new Set() };
  realm.sessions.set(session.id, session);
  return exchangeClientToClient(realm, client, params, user, session);
}

/**
 * locateExchangeExternalTokenByAlias: the provider with that alias, else the
 * first whose isIssuer() holds (subject_issuer or the issuer equals its alias
 * or one of its configured issuers).
 */
function locateProvider(
  realm: Realm,
  params: Params,
  subjectIssuer: string,
): KeycloakIdentityProvider | undefined {
  const providers = realm.options.identityProviders;
  const byAlias = providers.find((p) => p.alias === subjectIssuer);
  if (byAlias !== undefined) return byAlias;
  const requested = first(params, 'subject_issuer') ?? subjectIssuer;
  return providers.find(
    (p) =>
      p.alias === requested ||
      (p.issuer ?? '')
        .split(',')
        .map((i) => i.trim())
        .includes(requested),
  );
}

interface ExternalIdentity {
  sub: string;
  username: string;
}

/** OIDCIdentityProvider.exchangeExternalTokenV1Impl. */
async function exchangeExternalV1(
  provider: KeycloakIdentityProvider,
  params: Params,
  subjectToken: string,
): Promise<ExternalIdentity> {
  const type = first(params, 'subject_token_type') ?? ACCESS_TOKEN_TYPE;
  if (type === JWT_TYPE || type === ID_TOKEN_TYPE) return validateJwt(provider, subjectToken);
  if (type === ACCESS_TOKEN_TYPE) {
    // validateExternalTokenThroughUserInfo -> getProfileEndpointForValidation:
    // without a userinfo URL the token is invalid, and GitHub's and GitLab's
    // CI issuers publish none (the double models those issuers only).
    throw new KeycloakError(400, 'invalid_token', 'invalid token');
  }
  throw new KeycloakError(400, 'invalid_token', 'invalid token type');
}

/** The typ values isTokenTypeSupported accepts (TokenUtil: ID, Bearer, at+jwt, application/at+jwt). */
const SUPPORTED_TYPES = ['ID', 'Bearer', 'at+jwt', 'application/at+jwt'];

/** OIDCIdentityProvider.validateJwt with validateToken(token, ignoreAudience = true). */
async function validateJwt(
  provider: KeycloakIdentityProvider,
  subjectToken: string,
): Promise<ExternalIdentity> {
  let payload: JWTPayload;
  try {
    // Signature and expiry (isActive with the allowed clock skew); no audience.
    ({ payload } = await jwtVerify(subjectToken, provider.keys, {
      clockTolerance: provider.allowedClockSkew ?? 0,
    }));
  } catch {
    throw new KeycloakError(400, 'invalid_token', 'invalid token');
  }
  const issuers = (provider.issuer ?? '')
    .split(',')
    .map((i) => i.trim())
    .filter((i) => i !== '');
  if (issuers.length > 0 && !issuers.includes(payload.iss ?? '')) {
    throw new KeycloakError(400, 'invalid_token', 'invalid token');
  }
  const typ = payload.typ;
  if (provider.disableTypeClaimCheck !== true && !SUPPORTED_TYPES.includes(String(typ))) {
    throw new KeycloakError(400, 'invalid_token', 'token type not supported');
  }
  const sub = payload.sub;
  if (sub === undefined) throw new KeycloakError(400, 'invalid_token', 'invalid token');
  // extractIdentity: preferred_username, else email, else the subject.
  const username =
    typeof payload.preferred_username === 'string'
      ? payload.preferred_username
      : typeof payload.email === 'string'
        ? payload.email
        : sub;
  return { sub, username: username.toLowerCase() };
}

/** importUserFromExternalIdentity: found by federated identity, else created. */
function importUser(
  realm: Realm,
  provider: KeycloakIdentityProvider,
  identity: ExternalIdentity,
): KeycloakUser {
  const known = realm.users.find((u) => u.federated[provider.alias] === identity.sub);
  if (known !== undefined) return known;
  if (realm.users.some((u) => u.username === identity.username)) {
    throw new KeycloakError(400, 'invalid_token', 'User already exists');
  }
  const user: KeycloakUser = {
    id: randomUUID(),
    username: identity.username,
    federated: { [provider.alias]: identity.sub },
  };
  realm.users.push(user);
  return user;
}

/** AbstractTokenExchangeProvider.exchangeClientToClient with V1's rules, then exchangeClientToOIDCClient. */
async function exchangeClientToClient(
  realm: Realm,
  client: KeycloakClient,
  params: Params,
  user: KeycloakUser,
  session: Session,
): Promise<Record<string, unknown>> {
  // V1TokenExchangeProvider.getRequestedTokenType: refresh_token by default.
  const requested = first(params, 'requested_token_type') ?? REFRESH_TOKEN_TYPE;
  if (![ACCESS_TOKEN_TYPE, REFRESH_TOKEN_TYPE, SAML2_TYPE].includes(requested)) {
    throw new KeycloakError(400, 'invalid_request', 'requested_token_type unsupported');
  }
  if (requested === SAML2_TYPE) {
    throw new KeycloakError(400, 'invalid_request', 'the double models OIDC clients only');
  }
  const targets = (params.audience ?? []).map((audience) => {
    const target = realm.options.clients.find((c) => c.clientId === audience);
    if (target === undefined) throw new KeycloakError(400, 'invalid_client', 'Audience not found');
    return target;
  });
  if (targets.length === 0) targets.push(client);
  // V1TokenExchangeProvider.validateAudience with no subject token of the
  // realm (an external one): the caller as the audience passes; another
  // client needs the caller on its token-exchange permission.
  for (const target of targets) {
    if (target === client) continue;
    const allowed = realm.options.clientPermissions?.[target.clientId] ?? [];
    if (!allowed.includes(client.clientId)) {
      throw new KeycloakError(403, 'access_denied', 'Client not allowed to exchange');
    }
  }
  // V1: only the first audience is used.
  const target = targets[0] ?? client;
  session.clients.add(client.clientId);
  session.clients.add(target.clientId);
  const scope = first(params, 'scope') ?? '';
  const now = Math.floor(Date.now() / 1000);
  const lifespan = target.accessTokenLifespan ?? realm.options.accessTokenLifespan ?? 300;
  const base = {
    iss: realm.issuer,
    sub: user.id,
    azp: client.clientId,
    sid: session.id,
    session_state: session.id,
    scope,
    preferred_username: user.username,
  };
  const accessToken = await sign(realm, {
    ...base,
    typ: 'Bearer',
    ...(target === client ? {} : { aud: target.clientId }),
    exp: now + lifespan,
  });
  realm.issued.push(accessToken);
  const refresh = requested === REFRESH_TOKEN_TYPE && client.useRefreshTokens !== false;
  const idle = realm.options.ssoSessionIdle ?? 1800;
  const body: Record<string, unknown> = {
    access_token: accessToken,
    expires_in: lifespan,
    refresh_expires_in: refresh ? idle : 0,
    token_type: 'Bearer',
    'not-before-policy': 0,
    session_state: session.id,
    scope,
    issued_token_type: refresh ? REFRESH_TOKEN_TYPE : ACCESS_TOKEN_TYPE,
  };
  if (refresh) {
    body.refresh_token = await sign(realm, {
      ...base,
      typ: 'Refresh',
      aud: realm.issuer,
      exp: now + idle,
    });
  }
  if (scope.split(' ').includes('openid')) {
    body.id_token = await sign(realm, {
      ...base,
      typ: 'ID',
      aud: client.clientId,
      exp: now + lifespan,
    });
  }
  return body;
}

function sign(realm: Realm, claims: JWTPayload): Promise<string> {
  return new SignJWT({ ...claims, jti: randomUUID(), iat: Math.floor(Date.now() / 1000) })
    .setProtectedHeader({ alg: 'RS256', kid: 'realm-key', typ: 'JWT' })
    .sign(realm.key);
}

/** A token of this realm, checked as `session.tokens().decode` does (signature); undefined if not. */
async function decode(realm: Realm, token: string): Promise<JWTPayload | undefined> {
  try {
    const { payload } = await jwtVerify(token, realm.publicKey, {
      issuer: realm.issuer,
    });
    return payload;
  } catch {
    return undefined;
  }
}

/** TokenRevocationEndpoint.revoke. */
async function revocationEndpoint(
  realm: Realm,
  params: Params,
  authorization: string | undefined,
): Promise<Answer> {
  const client = authenticateClient(realm, params, authorization);
  const encoded = first(params, 'token');
  if (encoded === undefined) throw new KeycloakError(400, 'invalid_request', 'Token not provided');
  const token = await decode(realm, encoded);
  // checkToken, checkUser: a token it cannot use is answered 200, with an error body.
  const invalid = {
    status: 200,
    body: { error: 'invalid_token', error_description: 'Invalid token' },
  };
  if (token === undefined) return invalid;
  if (!['Refresh', 'Offline', 'Bearer'].includes(String(token.typ))) {
    throw new KeycloakError(400, 'unsupported_token_type', 'Unsupported token type');
  }
  if (token.azp !== client.clientId) {
    throw new KeycloakError(400, 'invalid_request', 'Unmatching clients');
  }
  const session = realm.sessions.get(String(token.sid));
  if (session === undefined || !session.clients.has(client.clientId)) return invalid;
  if (token.typ === 'Bearer') {
    // revokeAccessToken: its id in the revoked-token store until it expires.
    realm.revoked.add(String(token.jti));
    return undefined;
  }
  // revokeClient: the client leaves every session of the user; an empty session goes.
  for (const s of realm.sessions.values()) {
    if (s.userId !== session.userId) continue;
    s.clients.delete(client.clientId);
    if (s.clients.size === 0) realm.sessions.delete(s.id);
  }
  return undefined;
}

/**
 * What the introspection endpoint says (TokenIntrospectionEndpoint with
 * AccessTokenIntrospectionProvider): active while unexpired, not revoked,
 * and its client session alive. A resource server that checks the JWT's
 * signature alone keeps accepting it until `exp`.
 */
function introspect(realm: Realm, token: string): { active: boolean; [claim: string]: unknown } {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    return { active: false };
  }
  const session = realm.sessions.get(String(claims.sid));
  const alive =
    claims.iss === realm.issuer &&
    (claims.exp ?? 0) > Date.now() / 1000 &&
    !realm.revoked.has(String(claims.jti)) &&
    session !== undefined &&
    session.clients.has(String(claims.azp));
  return alive ? { ...claims, active: true } : { active: false };
}

function parseForm(text: string): Params {
  const params: Params = {};
  for (const [name, value] of new URLSearchParams(text)) (params[name] ??= []).push(value);
  return params;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
