/** `provider: token-exchange`: any OAuth 2.0 Token Exchange (RFC 8693) server. */
import { GatepassError } from '../../common/errors.js';
import {
  ConfigError,
  credentialsError,
  inputError,
  optionalString,
  parseUrl,
  short,
  stringOrList,
  type Raw,
} from '../parse.js';
import type { ProviderConfig, RequestPart } from './provider.js';

/** How gatepass authenticates as an OAuth client (`client-id`, `client-secret`). */
export interface OAuthClient {
  readonly id: string;
  /** Absent: a public client (`none`); also absent in the saved state. */
  readonly secret: string | undefined;
}

/**
 * `client-auth`. `none` sends no client credentials and no `client_id` at
 * all (Google's STS wants none); `client_secret_basic` and
 * `client_secret_post` send `client-id` and `client-secret` (RFC 6749
 * §2.3.1). Unset: `client_id` alone for a public client, or, with a secret,
 * basic unless the server's metadata lists only post.
 */
export const CLIENT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** RFC 8693 §3 token type identifiers, by the short names `subject-token-type` takes. */
export const TOKEN_TYPE_PREFIX = 'urn:ietf:params:oauth:token-type:';
const SHORT_TOKEN_TYPES = ['id_token', 'jwt', 'access_token'] as const;

/**
 * Parameters gatepass sends itself (RFC 6749, RFC 8693, RFC 8707, Keycloak's
 * `subject_issuer`): `ttl-parameter` may not name one of them.
 */
const OWN_PARAMETERS = new Set([
  'grant_type',
  'subject_token',
  'subject_token_type',
  'subject_issuer',
  'actor_token',
  'actor_token_type',
  'requested_token_type',
  'scope',
  'audience',
  'resource',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
]);

/**
 * The settings of one token-exchange server. Every field but `client` is
 * set only when its input is (so saved state from before these inputs
 * existed reads the same); absent means the default.
 */
export interface TokenExchangeSettings {
  readonly name: 'token-exchange';
  readonly client: OAuthClient;
  /** `client-auth`; absent: chosen as described at {@link CLIENT_AUTH_METHODS}. */
  readonly clientAuth?: ClientAuthMethod;
  /** `subject-token-type` as a URI; absent: `urn:ietf:params:oauth:token-type:id_token`. */
  readonly subjectTokenType?: string;
  /** `subject-issuer`: sent as `subject_issuer` (Keycloak's identity provider alias). */
  readonly subjectIssuer?: string;
  /** `token-endpoint` and `revocation-endpoint`: no discovery. */
  readonly endpoints?: { readonly token: string; readonly revocation?: string };
  /** `ttl-parameter`: the parameter carrying the TTL in seconds; null: none. Absent: `expires_in`. */
  readonly ttlParameter?: string | null;
}

/**
 * The standard members of a token response. A server may add others (a
 * database gateway's `username`, `password`): any name is a field, and one
 * the server did not return is reported, with the names it did, at delivery.
 */
export const TOKEN_EXCHANGE_FIELDS = [
  'access_token',
  'refresh_token',
  'id_token',
  'token_type',
  'issued_token_type',
  'scope',
  'expires_in',
];

/** The inputs of this provider besides `client-id` / `client-secret` (which hoop shares). */
export const TOKEN_EXCHANGE_INPUTS = [
  'subject-token-type',
  'subject-issuer',
  'token-endpoint',
  'revocation-endpoint',
  'ttl-parameter',
  'client-auth',
] as const;

export const tokenExchangeConfig: ProviderConfig<TokenExchangeSettings> = {
  name: 'token-exchange',
  ownInputs: TOKEN_EXCHANGE_INPUTS,
  fields: ['scope', 'audience', 'resource', 'requested-token-type', 'service-account'],
  credentialFields: TOKEN_EXCHANGE_FIELDS,
  parseSettings: ({ input }) => parseTokenExchangeSettings(input),
  parseRequest: (raw, where) => ({ tokenExchange: parseTokenExchangeRequest(raw, where) }),
  secrets: (settings) => clientSecrets(settings.client),
  withoutSecrets: (settings) => ({ ...settings, client: withoutSecret(settings.client) }),
  withSecrets: (settings, secret) => ({
    ...settings,
    client: withSecret(settings.client, secret('client-secret')),
  }),
};

/** `client-id` and `client-secret`: token exchange's, and hoop's when it exchanges. */
export function parseClient(input: (name: string) => string): OAuthClient {
  return { id: input('client-id') || 'gatepass', secret: input('client-secret') || undefined };
}

export function clientSecrets(client: OAuthClient): string[] {
  return client.secret === undefined ? [] : [client.secret];
}

export function withoutSecret(client: OAuthClient): OAuthClient {
  return { id: client.id, secret: undefined };
}

export function withSecret(client: OAuthClient, secret: string): OAuthClient {
  return { id: client.id, secret: secret.trim() || undefined };
}

/** Every input checked; all problems reported at once, each naming its input and the fix. */
function parseTokenExchangeSettings(input: (name: string) => string): TokenExchangeSettings {
  const problems: GatepassError[] = [];
  const check = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof GatepassError)) throw err;
      problems.push(err);
      return undefined;
    }
  };
  const client = parseClient(input);
  const clientAuth = check(() => parseClientAuth(input));
  const subjectTokenType = check(() => parseSubjectTokenType(input('subject-token-type')));
  const subjectIssuer = check(() => parseSubjectIssuer(input('subject-issuer')));
  const endpoints = check(() => parseEndpoints(input));
  const ttlParameter = check(() => parseTtlParameter(input('ttl-parameter')));
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    name: 'token-exchange',
    client,
    ...(clientAuth === undefined ? {} : { clientAuth }),
    ...(subjectTokenType === undefined ? {} : { subjectTokenType }),
    ...(subjectIssuer === undefined ? {} : { subjectIssuer }),
    ...(endpoints === undefined ? {} : { endpoints }),
    ...(ttlParameter === undefined ? {} : { ttlParameter }),
  };
}

/** `client-auth`, checked against `client-id` and `client-secret`. */
function parseClientAuth(input: (name: string) => string): ClientAuthMethod | undefined {
  const value = input('client-auth');
  if (value === '') return undefined;
  const method = CLIENT_AUTH_METHODS.find((m) => m === value);
  if (method === undefined) {
    throw inputError(
      'client-auth',
      `is "${short(value)}"`,
      `Use one of: ${CLIENT_AUTH_METHODS.join(', ')} (or leave it empty to choose from \`client-secret\`)`,
    );
  }
  const secret = input('client-secret') !== '';
  if (method === 'none') {
    if (secret) {
      throw inputError(
        'client-secret',
        'is set, but `client-auth: none` sends no client credentials',
        'Remove `client-secret`, or use `client-auth: client_secret_basic` or `client_secret_post`',
      );
    }
    const id = input('client-id');
    if (id !== '' && id !== 'gatepass') {
      throw inputError(
        'client-id',
        'has no effect with `client-auth: none`, which sends no client_id',
        'Remove `client-id`, or leave `client-auth` empty to send it as a public client',
      );
    }
  } else if (!secret) {
    throw inputError(
      'client-secret',
      `is required with \`client-auth: ${method}\``,
      'Pass the client secret from a secret store (GATEPASS_CLIENT_SECRET for the CLI), or leave `client-auth` empty for a public client',
    );
  }
  return method;
}

/** `id_token` (default), `jwt`, `access_token`, or a token type URI. */
function parseSubjectTokenType(value: string): string | undefined {
  if (value === '' || value === 'id_token') return undefined;
  const known = SHORT_TOKEN_TYPES.find((t) => t === value);
  if (known !== undefined) return `${TOKEN_TYPE_PREFIX}${known}`;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value)) {
    return value === `${TOKEN_TYPE_PREFIX}id_token` ? undefined : value;
  }
  throw inputError(
    'subject-token-type',
    `is "${short(value)}", neither a short name nor a URI`,
    `Use id_token (the default), jwt, access_token, or a full token type URI such as ${TOKEN_TYPE_PREFIX}jwt`,
  );
}

function parseSubjectIssuer(value: string): string | undefined {
  if (value === '') return undefined;
  if (/\s/.test(value)) {
    throw inputError(
      'subject-issuer',
      `is "${short(value)}", which has a space`,
      "Use the identity provider's alias as the server knows it (Keycloak: Identity providers > the provider's alias), e.g. github-actions",
    );
  }
  return value;
}

/** `token-endpoint` skips discovery; `revocation-endpoint` only goes with it. */
function parseEndpoints(
  input: (name: string) => string,
): TokenExchangeSettings['endpoints'] | undefined {
  const token = input('token-endpoint');
  const revocation = input('revocation-endpoint');
  if (token === '') {
    if (revocation !== '') {
      throw inputError(
        'revocation-endpoint',
        'needs `token-endpoint`',
        'Set `token-endpoint` too (together they replace discovery), or remove `revocation-endpoint` to use the one discovery finds',
      );
    }
    return undefined;
  }
  const endpoints = { token: parseUrl(token, 'token-endpoint') };
  return revocation === ''
    ? endpoints
    : { ...endpoints, revocation: parseUrl(revocation, 'revocation-endpoint') };
}

/** `expires_in` (default), `none`, or the name of the server's own lifetime parameter. */
function parseTtlParameter(value: string): string | null | undefined {
  if (value === '' || value === 'expires_in') return undefined;
  if (value === 'none') return null;
  const hint =
    "Use expires_in (the default), none (send no lifetime; the server's own setting decides), or the name of the server's lifetime parameter, e.g. requested_ttl";
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(value)) {
    throw inputError('ttl-parameter', `is "${short(value)}", not a parameter name`, hint);
  }
  if (OWN_PARAMETERS.has(value)) {
    throw inputError(
      'ttl-parameter',
      `is "${value}", a parameter gatepass already sends for something else`,
      hint,
    );
  }
  return value;
}

function parseTokenExchangeRequest(
  raw: Raw,
  where: string,
): NonNullable<RequestPart['tokenExchange']> {
  const out: NonNullable<RequestPart['tokenExchange']> = {};
  const scope = optionalString(raw, 'scope', where);
  if (scope !== undefined) out.scope = scope;
  const audience = stringOrList(raw, 'audience', where);
  if (audience !== undefined) out.audience = audience;
  const resource = stringOrList(raw, 'resource', where);
  if (resource !== undefined) {
    for (const r of Array.isArray(resource) ? resource : [resource]) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(r)) {
        throw credentialsError(
          `${where}: \`resource\` "${short(r)}" is not an absolute URI`,
          'RFC 8707 resources are absolute URIs, e.g. https://api.example.com',
        );
      }
    }
    out.resource = resource;
  }
  const type = optionalString(raw, 'requested-token-type', where);
  if (type !== undefined) out.requestedTokenType = type;
  const serviceAccount = optionalString(raw, 'service-account', where);
  if (serviceAccount !== undefined) out.serviceAccount = parseServiceAccount(serviceAccount, where);
  return out;
}

/**
 * Google Cloud: the service account the STS token is exchanged for, at IAM
 * Credentials `generateAccessToken`. Its email, or (a private endpoint) the
 * whole generateAccessToken URL.
 */
function parseServiceAccount(value: string, where: string): string {
  const hint =
    'Use the service account email, e.g. deploy@my-project.iam.gserviceaccount.com, or its https://…/v1/projects/-/serviceAccounts/<email>:generateAccessToken URL';
  if (/^[^\s@/:]+@[^\s@/:]+$/.test(value)) return value;
  if (!/^https?:\/\//i.test(value)) {
    throw credentialsError(
      `${where}: \`service-account\` "${short(value)}" is neither an email nor a URL`,
      hint,
    );
  }
  try {
    parseUrl(value, 'credentials');
  } catch {
    throw credentialsError(
      `${where}: \`service-account\` is not an https URL without user:password@ (http only to this machine)`,
      hint,
    );
  }
  if (
    !/\/v1\/projects\/-\/serviceAccounts\/[^/]+:generateAccessToken$/.test(new URL(value).pathname)
  ) {
    throw credentialsError(
      `${where}: \`service-account\` URL does not end in /v1/projects/-/serviceAccounts/<email>:generateAccessToken`,
      hint,
    );
  }
  return value;
}
