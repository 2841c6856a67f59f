/**
 * The one place that maps `provider` to a gateway. The switch is exhaustive:
 * adding a provider to config.ts fails the type check here until it is wired.
 * Creating a gateway validates its settings and makes no network call, so
 * callers create it before the first one.
 */
import type { RunConfig } from '../config.js';
import { GatepassError } from '../errors.js';
import type { RegisterSecret } from '../identity/source.js';
import type { Logger } from '../logger.js';
import type { Gateway } from './gateway.js';
import { createTokenExchangeGateway } from './token-exchange.js';

/** What a gateway needs from the configuration; post rebuilds it from saved state. */
export type GatewaySettings = Pick<
  RunConfig,
  'provider' | 'gateway' | 'timeoutMs' | 'clientId' | 'clientSecret' | 'vault' | 'hoopApiKey'
>;

export interface GatewayDeps {
  registerSecret: RegisterSecret;
  logger: Logger;
}

/**
 * Providers other than the default load on demand (a local module, no network):
 * Vault's client and its dependencies would otherwise double the bundle every
 * run parses.
 */
export async function createGateway(
  settings: GatewaySettings,
  deps: GatewayDeps,
): Promise<Gateway> {
  const provider = settings.provider;
  switch (provider) {
    case 'token-exchange':
      return createTokenExchangeGateway({
        gateway: settings.gateway,
        clientId: settings.clientId,
        ...(settings.clientSecret === undefined ? {} : { clientSecret: settings.clientSecret }),
        timeoutMs: settings.timeoutMs,
        registerSecret: deps.registerSecret,
        logger: deps.logger,
      });
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
        apiKey: requireHoopApiKey(settings.hoopApiKey),
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

function requireRole(role: string | undefined): string {
  if (role !== undefined) return role;
  throw new GatepassError('INPUT', 'input `vault-role` is required with `provider: vault`', {
    hint: 'Set `vault-role` to the Vault JWT role this job logs in as',
  });
}

/**
 * hoop's other way in, a token exchanged at the IdP hoop trusts
 * (`createHoopGateway({ exchange })`), needs that IdP's URL, which no input
 * names yet; until one does, the action authenticates with an API key.
 */
function requireHoopApiKey(key: string | undefined): string {
  if (key !== undefined && key !== '') return key;
  throw new GatepassError('INPUT', 'input `hoop-api-key` is required with `provider: hoop`', {
    hint: 'Create an API key in hoop (Settings > API keys) and pass it from a secret as `hoop-api-key`',
  });
}
