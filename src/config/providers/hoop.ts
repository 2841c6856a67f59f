/** `provider: hoop`: the hoop.dev access gateway, by API key or by a token exchange. */
import { inputError, parseUrl, requiredString, short } from '../parse.js';
import type { ProviderConfig } from './provider.js';
import {
  clientSecrets,
  parseClient,
  withSecret,
  withoutSecret,
  type OAuthClient,
} from './token-exchange.js';

/** hoop's bearer token comes from an `hpk_` API key or a token exchange at the IdP hoop trusts. */
export type HoopAuth =
  | { readonly apiKey: string }
  | {
      readonly exchange: {
        /** `hoop-token-exchange-url`: the IdP's issuer URL. */
        readonly url: string;
        /** `hoop-token-audience`: asked of the IdP (hoop does not check `aud`); default the hoop `gateway` URL. */
        readonly audience: string;
        /** `hoop-token-scope`, when the IdP wants one. */
        readonly scope: string | undefined;
        /** `client-id`, `client-secret` at that IdP. */
        readonly client: OAuthClient;
      };
    };

/** `hoop-host`: where jobs reach hoop's listeners, in place of the address hoop reports. */
export interface HoopHostSetting {
  readonly host: string;
  /** Absent: hoop's port is kept (each connection type has its own listener). */
  readonly port?: string;
}

export interface HoopSettings {
  readonly name: 'hoop';
  readonly auth: HoopAuth;
  readonly host?: HoopHostSetting;
}

export const hoopConfig: ProviderConfig<HoopSettings> = {
  name: 'hoop',
  ownInputs: ['hoop-token-exchange-url', 'hoop-token-audience', 'hoop-token-scope', 'hoop-host'],
  fields: ['connection'],
  credentialFields: [],
  parseSettings: ({ input, gateway }) => {
    const host = parseHoopHost(input('hoop-host'));
    return {
      name: 'hoop',
      auth: parseAuth(input, gateway),
      ...(host === undefined ? {} : { host }),
    };
  },
  parseRequest: (raw, where) => ({
    hoop: {
      connection: requiredString(
        raw,
        'connection',
        where,
        'Name the hoop connection, e.g. `connection: pg-prod`',
      ),
    },
  }),
  secrets: ({ auth }) => ('apiKey' in auth ? [auth.apiKey] : clientSecrets(auth.exchange.client)),
  withoutSecrets: (settings) => ({ ...settings, auth: withoutAuthSecret(settings.auth) }),
  withSecrets: (settings, secret) => ({
    ...settings,
    auth:
      'apiKey' in settings.auth
        ? { apiKey: secret('hoop-api-key').trim() }
        : {
            exchange: {
              ...settings.auth.exchange,
              client: withSecret(settings.auth.exchange.client, secret('client-secret')),
            },
          },
  }),
};

/** hoop authenticates one way: an API key, or a token exchange at the IdP it trusts. */
function parseAuth(input: (name: string) => string, gateway: string): HoopAuth {
  const apiKey = input('hoop-api-key');
  const url = input('hoop-token-exchange-url');
  if (url === '') {
    for (const name of ['hoop-token-audience', 'hoop-token-scope']) {
      if (input(name) !== '') {
        throw inputError(name, 'needs `hoop-token-exchange-url`', `Set it, or remove \`${name}\``);
      }
    }
    if (apiKey !== '') return { apiKey };
    throw inputError(
      'hoop-api-key',
      'or `hoop-token-exchange-url` is required with `provider: hoop`',
      'Pass a hoop API key (Settings > API keys) from a secret as `hoop-api-key`, or set `hoop-token-exchange-url` to the issuer URL of the IdP hoop trusts',
    );
  }
  const exchangeUrl = parseUrl(url, 'hoop-token-exchange-url');
  if (apiKey !== '') {
    throw inputError(
      'hoop-api-key',
      'and `hoop-token-exchange-url` are both set',
      'Authenticate to hoop one way: remove one of them',
    );
  }
  return {
    exchange: {
      url: exchangeUrl,
      audience: input('hoop-token-audience') || gateway,
      scope: input('hoop-token-scope') || undefined,
      client: parseClient(input),
    },
  };
}

function withoutAuthSecret(auth: HoopAuth): HoopAuth {
  if ('apiKey' in auth) return { apiKey: '' };
  return { exchange: { ...auth.exchange, client: withoutSecret(auth.exchange.client) } };
}

/**
 * `hoop-host`: `host`, `host:port`, `[v6]` or `[v6]:port`. hoop reports the
 * address its listener is bound to (often 0.0.0.0): jobs need one they reach.
 */
export function parseHoopHost(value: string): HoopHostSetting | undefined {
  if (value === '') return undefined;
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(?::(\d{1,5}))?$/.exec(value);
  const port = match?.[2];
  if (match === null || (port !== undefined && (Number(port) < 1 || Number(port) > 65535))) {
    throw inputError(
      'hoop-host',
      `is not a host or host:port (got "${short(value)}")`,
      "Set it to the address jobs reach hoop's listeners at, without a scheme or path, e.g. hoop.internal or hoop.internal:15432",
    );
  }
  const host = match[1] ?? '';
  return port === undefined ? { host } : { host, port };
}
