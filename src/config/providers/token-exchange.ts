/** `provider: token-exchange`: any OAuth 2.0 Token Exchange (RFC 8693) server. */
import { credentialsError, optionalString, short, stringOrList, type Raw } from '../parse.js';
import type { ProviderConfig, RequestPart } from './provider.js';

/** How gatepass authenticates as an OAuth client (`client-id`, `client-secret`). */
export interface OAuthClient {
  readonly id: string;
  /** Absent: a public client (`none`); also absent in the saved state. */
  readonly secret: string | undefined;
}

export interface TokenExchangeSettings {
  readonly name: 'token-exchange';
  readonly client: OAuthClient;
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

export const tokenExchangeConfig: ProviderConfig<TokenExchangeSettings> = {
  name: 'token-exchange',
  ownInputs: [],
  fields: ['scope', 'audience', 'resource', 'requested-token-type'],
  credentialFields: TOKEN_EXCHANGE_FIELDS,
  parseSettings: ({ input }) => ({ name: 'token-exchange', client: parseClient(input) }),
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
  return out;
}
