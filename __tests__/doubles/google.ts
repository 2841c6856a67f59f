/**
 * A Google Cloud double: Security Token Service (`POST /v1/token`, host
 * sts.googleapis.com) and IAM Credentials (`POST /v1/projects/-/
 * serviceAccounts/{email}:generateAccessToken`, host
 * iamcredentials.googleapis.com) on one loopback server, as Google's own
 * descriptions and documentation give them. Google's services cannot run
 * here; each behaviour cites its source:
 *
 * - [sts] the discovery document `sts:v1` (googleapis/google-api-go-client,
 *   sts/v1/sts-api.json): the request message's fields (grant_type,
 *   audience, scope, requested_token_type, subject_token,
 *   subject_token_type, options), form-encoded as google-auth-library sends
 *   them (src/auth/stscredentials.ts) or JSON as google-github-actions/auth
 *   does (src/client/workload_identity_federation.ts); "do not send the
 *   Authorization header"; requested_token_type must be access_token;
 *   subject_token_type jwt or id_token for an OIDC JWT, which needs `kid`,
 *   `alg` RS256 or ES256, `iss`, `iat` in the past, `exp` under 48 hours
 *   after `iat`, `sub`, and an `aud` among the provider's allowed audiences;
 *   `scope` required; the answer `{access_token, issued_token_type,
 *   token_type: "Bearer", expires_in}`; no revocation method (the document
 *   has `token` and `introspect` only);
 * - [iam] IAM API `projects.locations.workloadIdentityPools.providers`
 *   (`oidc.allowedAudiences`): with none configured, the audience must be
 *   the provider's full resource name, with or without `https:`;
 * - [errors] the answers users quote in google-github-actions/auth issues
 *   #60 and #211 (`invalid_request` "Invalid value for \"audience\"…"),
 *   #161 (`invalid_target` "The target service indicated by the
 *   \"audience\" parameters is invalid…"), #29 (`invalid_grant` "The
 *   audience in JWT does not match the expected values."), and
 *   terraform-google-modules/terraform-example-foundation #1362
 *   (`unauthorized_client` "The given credential is rejected by the
 *   attribute condition.");
 * - [iamcredentials] the discovery document `iamcredentials:v1`
 *   (iamcredentials/v1/iamcredentials-api.json): name
 *   `projects/-/serviceAccounts/{email}` ("the `-` wildcard character is
 *   required"), body `{delegates, lifetime, scope}` with `scope` required,
 *   lifetime at most 1 hour unless the organization policy
 *   constraints/iam.allowServiceAccountCredentialLifetimeExtension allows
 *   12, the OAuth scope cloud-platform on the caller's token, the answer
 *   `{accessToken, expireTime}`; errors in Google's JSON error format
 *   (cloud.google.com/apis/design/errors: `{error: {code, message,
 *   status}}`); the caller needs roles/iam.workloadIdentityUser on the
 *   service account (google-github-actions/auth README, "Workload Identity
 *   Federation through a Service Account").
 *
 * Like the Vault and hoop doubles it is strict where the documents are: a
 * field outside the request message, or an Authorization header at STS, is
 * refused and recorded in `violations`, which tests assert stay empty; the
 * error texts of such refusals are the double's own.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

const TYPE = 'urn:ietf:params:oauth:token-type:';
const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

/** A workload identity pool provider (OIDC). */
export interface PoolProvider {
  /** `projects/N/locations/global/workloadIdentityPools/P/providers/X`. */
  name: string;
  /** `oidc.issuerUri`: must equal the token's `iss`. */
  issuerUri: string;
  /** The issuer's keys (Google fetches them from the issuer's discovery document). */
  keys: JWTVerifyGetKey;
  /** `oidc.allowedAudiences`; empty: the provider's own resource name. */
  allowedAudiences?: string[];
  /** `attributeMapping` (CEL in Google; a function here): `google.subject` and `attribute.*`. */
  attributes: (claims: JWTPayload) => Record<string, string>;
  /** `attributeCondition`; absent: every token that validates. */
  condition?: (claims: JWTPayload) => boolean;
  disabled?: boolean;
}

export interface ServiceAccount {
  email: string;
  /**
   * Principals with roles/iam.workloadIdentityUser on it:
   * `principal://…/subject/S` or `principalSet://…/attribute.NAME/VALUE`.
   */
  workloadIdentityUsers: string[];
  /** The organization policy allows lifetimes up to 12 h for this account. */
  extendedLifetime?: boolean;
}

export interface GoogleDoubleOptions {
  providers: PoolProvider[];
  serviceAccounts?: ServiceAccount[];
}

export interface Recorded {
  method: string;
  path: string;
  contentType: string | undefined;
  authorization: string | undefined;
  /** Form or JSON fields as received. */
  fields: Record<string, unknown>;
}

interface Federated {
  provider: PoolProvider;
  projectNumber: string;
  pool: string;
  attributes: Record<string, string>;
  scopes: string[];
  expiresAt: number;
}

interface ServiceAccountToken {
  email: string;
  scopes: string[];
  expiresAt: number;
}

export interface GoogleDouble {
  /** http://127.0.0.1:port: both services' origin. */
  url: string;
  requests: Recorded[];
  /** Requests outside the documented interface. Must stay empty. */
  violations: string[];
  /** What Google would make of a token it issued: which kind, and whether it is still valid. */
  tokenInfo(token: string): { kind: 'federated' | 'service-account'; valid: boolean } | undefined;
  stop(): Promise<void>;
}

export async function startGoogleDouble(options: GoogleDoubleOptions): Promise<GoogleDouble> {
  const federated = new Map<string, Federated>();
  const accountTokens = new Map<string, ServiceAccountToken>();
  const requests: Recorded[] = [];
  const violations: string[] = [];
  const server = createServer();
  const state: State = { options, federated, accountTokens, requests, violations };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res, state).catch((err: unknown) => {
      violations.push(`${req.method ?? ''} ${req.url ?? ''}: the double failed: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    violations,
    tokenInfo(token) {
      const now = Date.now();
      const f = federated.get(token);
      if (f !== undefined) return { kind: 'federated', valid: f.expiresAt > now };
      const a = accountTokens.get(token);
      if (a !== undefined) return { kind: 'service-account', valid: a.expiresAt > now };
      return undefined;
    },
    stop: () => stop(server),
  };
}

interface State {
  options: GoogleDoubleOptions;
  federated: Map<string, Federated>;
  accountTokens: Map<string, ServiceAccountToken>;
  requests: Recorded[];
  violations: string[];
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => {
      resolve();
    });
  });
}

/** An STS refusal: RFC 6749 §5.2's body, as the quoted answers show it. */
class OAuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** A Google API error (google.rpc.Status as JSON). */
class GoogleFailure extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, state: State): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const contentType = req.headers['content-type'];
  const text = await readBody(req);
  const fields = parseFields(text, contentType);
  state.requests.push({
    method: req.method ?? '',
    path,
    contentType,
    authorization: req.headers.authorization,
    fields,
  });
  try {
    if (req.method === 'POST' && path === '/v1/token') {
      send(res, 200, await exchange(state, fields, req.headers.authorization));
      return;
    }
    const impersonation =
      /^\/v1\/(projects\/[^/]+\/serviceAccounts\/[^/:]+):generateAccessToken$/.exec(path);
    if (req.method === 'POST' && impersonation?.[1] !== undefined) {
      send(
        res,
        200,
        generateAccessToken(
          state,
          decodeURIComponent(impersonation[1]),
          fields,
          req.headers.authorization,
        ),
      );
      return;
    }
    throw new GoogleFailure(404, 'NOT_FOUND', `The double serves no ${req.method ?? ''} ${path}`);
  } catch (err) {
    if (err instanceof OAuthFailure) {
      send(res, err.status, { error: err.error, error_description: err.description });
    } else if (err instanceof GoogleFailure) {
      send(res, err.code, { error: { code: err.code, message: err.message, status: err.status } });
    } else throw err;
  }
}

/** The request message's fields, snake_case on the wire (form) and camelCase (JSON). */
const STS_FIELDS: Record<string, string> = {
  grant_type: 'grantType',
  audience: 'audience',
  scope: 'scope',
  requested_token_type: 'requestedTokenType',
  subject_token: 'subjectToken',
  subject_token_type: 'subjectTokenType',
  options: 'options',
};

/** [sts] sts.token. */
async function exchange(
  state: State,
  fields: Record<string, unknown>,
  authorization: string | undefined,
): Promise<Record<string, unknown>> {
  if (authorization !== undefined) {
    state.violations.push('STS received an Authorization header');
    throw new OAuthFailure(
      400,
      'invalid_request',
      'the double refuses an Authorization header: the STS reference says not to send one',
    );
  }
  const field = (name: string): string | undefined => {
    const value = fields[name] ?? fields[STS_FIELDS[name] ?? name];
    return typeof value === 'string' ? value : undefined;
  };
  const unknown = Object.keys(fields)
    .filter((k) => !(k in STS_FIELDS) && !Object.values(STS_FIELDS).includes(k))
    .sort();
  if (unknown.length > 0) {
    state.violations.push(`STS received fields outside its request message: ${unknown.join(', ')}`);
    throw new OAuthFailure(
      400,
      'invalid_request',
      `the double refuses fields outside the request message: ${unknown.join(', ')}`,
    );
  }
  if (field('grant_type') !== GRANT) {
    throw new OAuthFailure(400, 'unsupported_grant_type', 'the grant type must be token exchange');
  }
  if (field('requested_token_type') !== `${TYPE}access_token`) {
    throw new OAuthFailure(
      400,
      'invalid_request',
      'requested_token_type must be urn:ietf:params:oauth:token-type:access_token',
    );
  }
  const audience = field('audience') ?? '';
  const match =
    /^\/\/iam\.googleapis\.com\/(projects\/(\d+)\/locations\/global\/workloadIdentityPools\/([^/]+)\/providers\/[^/]+)$/.exec(
      audience,
    );
  if (match === null) {
    throw new OAuthFailure(
      400,
      'invalid_request',
      'Invalid value for "audience". This value should be the full resource name of the Identity Provider. See https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token for the list of possible formats.',
    );
  }
  const [, name = '', projectNumber = '', pool = ''] = match;
  const provider = state.options.providers.find((p) => p.name === name && p.disabled !== true);
  if (provider === undefined) {
    throw new OAuthFailure(
      400,
      'invalid_target',
      'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.',
    );
  }
  const type = field('subject_token_type');
  if (type !== `${TYPE}jwt` && type !== `${TYPE}id_token`) {
    throw new OAuthFailure(
      400,
      'invalid_request',
      'subject_token_type must be urn:ietf:params:oauth:token-type:jwt or urn:ietf:params:oauth:token-type:id_token for an OIDC provider',
    );
  }
  const scope = field('scope');
  if (scope === undefined || scope.trim() === '') {
    throw new OAuthFailure(
      400,
      'invalid_request',
      'scope is required when exchanging an external credential',
    );
  }
  const claims = await validateSubject(provider, field('subject_token') ?? '');
  if (provider.condition !== undefined && !provider.condition(claims)) {
    throw new OAuthFailure(
      400,
      'unauthorized_client',
      'The given credential is rejected by the attribute condition.',
    );
  }
  const token = `ya29.d.${randomBytes(48).toString('base64url')}`;
  const expiresIn = 3600;
  state.federated.set(token, {
    provider,
    projectNumber,
    pool,
    attributes: provider.attributes(claims),
    scopes: scope.split(/\s+/),
    expiresAt: Date.now() + expiresIn * 1000,
  });
  return {
    access_token: token,
    issued_token_type: `${TYPE}access_token`,
    token_type: 'Bearer',
    expires_in: expiresIn,
  };
}

/** [sts] subjectToken's rules for an OIDC JWT; [iam] allowedAudiences. */
async function validateSubject(provider: PoolProvider, token: string): Promise<JWTPayload> {
  const invalid = (description: string): OAuthFailure =>
    new OAuthFailure(400, 'invalid_grant', description);
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw invalid('the double could not parse subject_token as a JWT');
  }
  if (header.kid === undefined || !['RS256', 'ES256'].includes(header.alg ?? '')) {
    throw invalid('the JWT header needs kid and alg RS256 or ES256');
  }
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, provider.keys));
  } catch {
    throw invalid('the double could not verify the JWT (signature or expiry)');
  }
  if (claims.iss !== provider.issuerUri)
    throw invalid("the JWT issuer is not the provider's issuerUri");
  const now = Date.now() / 1000;
  if (claims.iat === undefined || claims.iat > now)
    throw invalid('the JWT iat must be in the past');
  if (claims.exp === undefined || claims.exp - claims.iat >= 48 * 3600) {
    throw invalid('the JWT exp must be less than 48 hours after iat');
  }
  if (claims.sub === undefined) throw invalid('the JWT needs a sub');
  const allowed =
    provider.allowedAudiences !== undefined && provider.allowedAudiences.length > 0
      ? provider.allowedAudiences
      : [`//iam.googleapis.com/${provider.name}`, `https://iam.googleapis.com/${provider.name}`];
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud ?? ''];
  if (!audiences.some((a) => allowed.includes(a))) {
    throw invalid('The audience in JWT does not match the expected values.');
  }
  return claims;
}

/** [iamcredentials] projects.serviceAccounts.generateAccessToken. */
function generateAccessToken(
  state: State,
  name: string,
  fields: Record<string, unknown>,
  authorization: string | undefined,
): Record<string, unknown> {
  const [, project, , email = ''] = name.split('/');
  if (project !== '-') {
    throw new GoogleFailure(
      400,
      'INVALID_ARGUMENT',
      'The `-` wildcard character is required in place of the project',
    );
  }
  const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  const caller = bearer === undefined ? undefined : state.federated.get(bearer);
  if (caller === undefined || caller.expiresAt <= Date.now()) {
    throw new GoogleFailure(
      401,
      'UNAUTHENTICATED',
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    );
  }
  if (!caller.scopes.includes(CLOUD_PLATFORM)) {
    throw new GoogleFailure(
      403,
      'PERMISSION_DENIED',
      'Request had insufficient authentication scopes.',
    );
  }
  const unknown = Object.keys(fields).filter(
    (k) => !['delegates', 'lifetime', 'scope'].includes(k),
  );
  if (unknown.length > 0) {
    state.violations.push(
      `generateAccessToken received fields outside its request: ${unknown.join(', ')}`,
    );
    throw new GoogleFailure(
      400,
      'INVALID_ARGUMENT',
      `the double refuses unknown fields: ${unknown.join(', ')}`,
    );
  }
  const scope = fields.scope;
  if (!Array.isArray(scope) || scope.length === 0 || !scope.every((s) => typeof s === 'string')) {
    throw new GoogleFailure(400, 'INVALID_ARGUMENT', 'scope: at least one value required');
  }
  const account = state.options.serviceAccounts?.find((a) => a.email === email);
  const principals = principalsOf(caller);
  if (account === undefined || !account.workloadIdentityUsers.some((p) => principals.includes(p))) {
    throw new GoogleFailure(
      403,
      'PERMISSION_DENIED',
      "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
    );
  }
  const lifetime = fields.lifetime === undefined ? '3600s' : fields.lifetime;
  const seconds = typeof lifetime === 'string' ? /^(\d+)s$/.exec(lifetime)?.[1] : undefined;
  const max = account.extendedLifetime === true ? 12 * 3600 : 3600;
  if (seconds === undefined || Number(seconds) < 1 || Number(seconds) > max) {
    throw new GoogleFailure(
      400,
      'INVALID_ARGUMENT',
      `lifetime must be between 1s and ${max}s (the double's wording)`,
    );
  }
  const token = `ya29.c.${randomBytes(48).toString('base64url')}`;
  const expiresAt = Date.now() + Number(seconds) * 1000;
  state.accountTokens.set(token, { email, scopes: scope, expiresAt });
  return {
    accessToken: token,
    expireTime: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

/** The principal and principal sets a federated token belongs to. */
function principalsOf(caller: Federated): string[] {
  const pool = `//iam.googleapis.com/projects/${caller.projectNumber}/locations/global/workloadIdentityPools/${caller.pool}`;
  const out = [`principalSet:${pool}/*`];
  const subject = caller.attributes['google.subject'];
  if (subject !== undefined) out.push(`principal:${pool}/subject/${subject}`);
  for (const [key, value] of Object.entries(caller.attributes)) {
    if (key.startsWith('attribute.')) out.push(`principalSet:${pool}/${key}/${value}`);
  }
  return out;
}

function parseFields(text: string, contentType: string | undefined): Record<string, unknown> {
  if (text === '') return {};
  if (contentType?.includes('application/json') === true) {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  }
  return Object.fromEntries(new URLSearchParams(text));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
