/**
 * The one place that maps `provider` to a gateway. The switch is exhaustive:
 * adding a provider to config.ts fails the type check here until it is wired.
 * Creating a gateway validates its settings and makes no network call, so
 * callers create it before the first one.
 */
import type { RunConfig } from '../config/config.js';
import type { HoopAuth, OAuthClient, TokenExchangeSettings } from '../config/providers/index.js';
import { GatepassError } from '../common/errors.js';
import { trustCertificate } from '../common/http.js';
import type { RegisterSecret } from '../identity/source.js';
import type { Logger } from '../common/logger.js';
import type { Gateway } from './gateway.js';
import type { HoopOptions } from './hoop.js';
import type { TokenExchangeOptions } from './token-exchange.js';

/** What a gateway needs from the configuration; post rebuilds it from saved state. */
export type GatewaySettings = Pick<RunConfig, 'provider' | 'gateway' | 'timeoutMs'> &
  Partial<Pick<RunConfig, 'caCertificate'>>;

export interface GatewayDeps {
  registerSecret: RegisterSecret;
  logger: Logger;
}

/**
 * Each provider's client loads on demand (a local module, no network): only
 * the chosen one is parsed, and it is parsed while the ID token request the
 * caller starts next is in flight (see `afterRequestsSent`). Vault's client
 * alone would otherwise double the bundle every run parses.
 */
export async function createGateway(
  settings: GatewaySettings,
  deps: GatewayDeps,
): Promise<Gateway> {
  // For every later request (the gateway's, and the approval APIs').
  trustCertificate(settings.caCertificate);
  await afterRequestsSent();
  return loadGateway(settings, deps);
}

async function loadGateway(settings: GatewaySettings, deps: GatewayDeps): Promise<Gateway> {
  const provider = settings.provider;
  const common = {
    gateway: settings.gateway,
    timeoutMs: settings.timeoutMs,
    registerSecret: deps.registerSecret,
    logger: deps.logger,
  };
  switch (provider.name) {
    case 'token-exchange': {
      const { createTokenExchangeGateway } = await import('./token-exchange.js');
      loadFetch();
      return createTokenExchangeGateway({
        ...common,
        ...clientOptions(provider.client),
        ...exchangeProfile(provider),
      });
    }
    case 'vault': {
      const { createVaultGateway } = await import('./vault.js');
      return createVaultGateway({
        ...common,
        role: provider.role,
        authPath: provider.authPath,
        ...(provider.namespace === undefined ? {} : { namespace: provider.namespace }),
      });
    }
    case 'hoop': {
      const { createHoopGateway } = await import('./hoop.js');
      return createHoopGateway({
        ...common,
        ...(await hoopAuthentication(provider.auth, common)),
        ...(provider.host === undefined ? {} : { host: { ...provider.host } }),
      });
    }
    default: {
      const unknown: never = provider;
      throw new GatepassError('INTERNAL', `unknown provider ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Resolves once the requests the caller starts in this turn of the event loop
 * (the ID token request) have connected and been written. `import()` reads
 * and compiles a module synchronously, and a provider's client is 10-25 ms of
 * CPU: loaded first, it delays the ID token request by that much; loaded
 * after, it overlaps the wait for the answer. The first turn ends the current
 * one; the second runs after the poll phase that connects the request and
 * sends it.
 */
async function afterRequestsSent(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * Node loads its fetch implementation (its own copy of undici, tens of ms)
 * on first use of `fetch` or its classes. The token-exchange client
 * (openid-client) speaks in fetch's Request and Response once the ID token is
 * there; loading it now, while that token is on its way, takes the load off
 * the path to the first exchange. Vault and hoop never need it (the transport
 * goes straight through node:http: common/direct.ts).
 */
function loadFetch(): void {
  new Headers();
}

/** `client-id`, and `client-secret` when set, as the token-exchange client takes them. */
function clientOptions(client: OAuthClient): { clientId: string; clientSecret?: string } {
  return client.secret === undefined
    ? { clientId: client.id }
    : { clientId: client.id, clientSecret: client.secret };
}

/** The token-exchange inputs besides the client, as the gateway takes them (absent: its default). */
function exchangeProfile(
  settings: TokenExchangeSettings,
): Pick<
  TokenExchangeOptions,
  'clientAuthMethod' | 'subjectTokenType' | 'subjectIssuer' | 'endpoints' | 'ttlParameter'
> {
  const { clientAuth, subjectTokenType, subjectIssuer, endpoints, ttlParameter } = settings;
  return {
    ...(clientAuth === undefined ? {} : { clientAuthMethod: clientAuth }),
    ...(subjectTokenType === undefined ? {} : { subjectTokenType }),
    ...(subjectIssuer === undefined ? {} : { subjectIssuer }),
    ...(endpoints === undefined
      ? {}
      : {
          endpoints: {
            token: endpoints.token,
            ...(endpoints.revocation === undefined ? {} : { revocation: endpoints.revocation }),
          },
        }),
    ...(ttlParameter === undefined ? {} : { ttlParameter }),
  };
}

/**
 * hoop's bearer: the API key, or (`hoop-token-exchange-url`) a token
 * exchanged per credential at the IdP hoop trusts, with the token-exchange
 * client inputs (`client-id`, `client-secret`) and the audience asked of it.
 */
async function hoopAuthentication(
  auth: HoopAuth,
  common: Omit<TokenExchangeOptions, 'gateway'>,
): Promise<Pick<HoopOptions, 'apiKey' | 'exchange'>> {
  if ('apiKey' in auth) return { apiKey: requireHoopApiKey(auth.apiKey) };
  const { exchange } = auth;
  const { createTokenExchangeGateway } = await import('./token-exchange.js');
  loadFetch();
  return {
    exchange: {
      gateway: createTokenExchangeGateway({
        ...common,
        gateway: exchange.url,
        ...clientOptions(exchange.client),
      }),
      tokenExchange: {
        audience: exchange.audience,
        ...(exchange.scope === undefined ? {} : { scope: exchange.scope }),
      },
    },
  };
}

/** Post's saved settings hold no key: the entry reads `hoop-api-key` again, and it may be gone. */
function requireHoopApiKey(key: string): string {
  if (key !== '') return key;
  throw new GatepassError(
    'INPUT',
    'input `hoop-api-key` or `hoop-token-exchange-url` is required with `provider: hoop`',
    {
      hint: 'Pass a hoop API key (Settings > API keys) from a secret as `hoop-api-key`, or set `hoop-token-exchange-url` to the issuer URL of the IdP hoop trusts',
    },
  );
}
