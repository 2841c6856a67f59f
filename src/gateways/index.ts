/**
 * The one place that maps `provider` to a gateway. The switch is exhaustive:
 * adding a provider to config.ts fails the type check here until it is wired.
 * Creating a gateway validates its settings and makes no network call, so
 * callers create it before the first one.
 */
import type { RunConfig } from '../config/config.js';
import { GatepassError } from '../common/errors.js';
import { trustCertificate } from '../common/http.js';
import type { RegisterSecret } from '../identity/source.js';
import type { Logger } from '../common/logger.js';
import type { Gateway } from './gateway.js';
import type { HoopOptions } from './hoop.js';

/** What a gateway needs from the configuration; post rebuilds it from saved state. */
export type GatewaySettings = Pick<
  RunConfig,
  | 'provider'
  | 'gateway'
  | 'timeoutMs'
  | 'clientId'
  | 'clientSecret'
  | 'vault'
  | 'hoopApiKey'
  | 'hoopExchange'
> &
  // Optional: state files saved before `ca-certificate` existed lack it.
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
  switch (provider) {
    case 'token-exchange': {
      const { createTokenExchangeGateway } = await import('./token-exchange.js');
      loadFetch();
      return createTokenExchangeGateway({
        gateway: settings.gateway,
        clientId: settings.clientId,
        ...(settings.clientSecret === undefined ? {} : { clientSecret: settings.clientSecret }),
        timeoutMs: settings.timeoutMs,
        registerSecret: deps.registerSecret,
        logger: deps.logger,
      });
    }
    case 'vault': {
      const { createVaultGateway } = await import('./vault.js');
      return createVaultGateway({
        gateway: settings.gateway,
        // config.ts requires it with provider vault; post's saved settings carry it.
        role: requireRole(settings.vault.role),
        authPath: settings.vault.authPath,
        ...(settings.vault.namespace === undefined ? {} : { namespace: settings.vault.namespace }),
        timeoutMs: settings.timeoutMs,
        registerSecret: deps.registerSecret,
        logger: deps.logger,
      });
    }
    case 'hoop': {
      const { createHoopGateway } = await import('./hoop.js');
      return createHoopGateway({
        gateway: settings.gateway,
        ...(await hoopAuthentication(settings, deps)),
        timeoutMs: settings.timeoutMs,
        registerSecret: deps.registerSecret,
        logger: deps.logger,
      });
    }
    default: {
      const unknown: never = provider;
      throw new GatepassError('INTERNAL', `unknown provider ${String(unknown)}`);
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

function requireRole(role: string | undefined): string {
  if (role !== undefined) return role;
  throw new GatepassError('INPUT', 'input `vault-role` is required with `provider: vault`', {
    hint: 'Set `vault-role` to the Vault JWT role this job logs in as',
  });
}

/**
 * hoop's bearer: the API key, or (`hoop-token-exchange-url`) a token
 * exchanged per credential at the IdP hoop trusts, with the token-exchange
 * client inputs (`client-id`, `client-secret`) and the audience hoop checks.
 */
async function hoopAuthentication(
  settings: GatewaySettings,
  deps: GatewayDeps,
): Promise<Pick<HoopOptions, 'apiKey' | 'exchange'>> {
  const exchange = settings.hoopExchange;
  if (exchange === undefined) return { apiKey: requireHoopApiKey(settings.hoopApiKey) };
  const { createTokenExchangeGateway } = await import('./token-exchange.js');
  loadFetch();
  return {
    exchange: {
      gateway: createTokenExchangeGateway({
        gateway: exchange.url,
        clientId: settings.clientId,
        ...(settings.clientSecret === undefined ? {} : { clientSecret: settings.clientSecret }),
        timeoutMs: settings.timeoutMs,
        registerSecret: deps.registerSecret,
        logger: deps.logger,
      }),
      tokenExchange: {
        audience: exchange.audience,
        ...(exchange.scope === undefined ? {} : { scope: exchange.scope }),
      },
    },
  };
}

function requireHoopApiKey(key: string | undefined): string {
  if (key !== undefined && key !== '') return key;
  throw new GatepassError(
    'INPUT',
    'input `hoop-api-key` or `hoop-token-exchange-url` is required with `provider: hoop`',
    {
      hint: 'Pass a hoop API key (Settings > API keys) from a secret as `hoop-api-key`, or set `hoop-token-exchange-url` to the issuer URL of the IdP hoop trusts',
    },
  );
}
