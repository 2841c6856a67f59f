/**
 * The providers gatepass knows, by `provider` input value. The settings union
 * is what a gateway receives (gateways/index.ts switches on `name`); adding a
 * provider adds one member here and one line to `PROVIDER_CONFIGS`.
 */
import { hoopConfig, type HoopSettings } from './hoop.js';
import type { ProviderConfig, SecretInput } from './provider.js';
import { tokenExchangeConfig, type TokenExchangeSettings } from './token-exchange.js';
import { vaultConfig, type VaultSettings } from './vault.js';

export type ProviderSettings = TokenExchangeSettings | VaultSettings | HoopSettings;
export type Provider = ProviderSettings['name'];

type Configs = { readonly [P in Provider]: ProviderConfig<Extract<ProviderSettings, { name: P }>> };

export const PROVIDER_CONFIGS: Configs = {
  'token-exchange': tokenExchangeConfig,
  vault: vaultConfig,
  hoop: hoopConfig,
};

export const PROVIDERS = Object.keys(PROVIDER_CONFIGS) as Provider[];

/**
 * The chosen provider's config, typed for any member of the union: the one
 * cast that lets callers handle a `ProviderSettings` without a switch.
 */
export function providerConfig<S extends ProviderSettings>(name: S['name']): ProviderConfig<S> {
  return PROVIDER_CONFIGS[name] as unknown as ProviderConfig<S>;
}

/** The settings as the state file keeps them: every secret value removed. */
export function providerWithoutSecrets(settings: ProviderSettings): ProviderSettings {
  return providerConfig(settings.name).withoutSecrets(settings);
}

/** Saved settings with the secret inputs read again (post, `gatepass revoke`). */
export function providerWithSecrets(
  settings: ProviderSettings,
  secret: (input: SecretInput) => string,
): ProviderSettings {
  return providerConfig(settings.name).withSecrets(settings, secret);
}

export type { HoopAuth, HoopSettings } from './hoop.js';
export type { ProviderConfig, ProviderInputs, SecretInput } from './provider.js';
export { SECRET_INPUTS } from './provider.js';
export {
  CLIENT_AUTH_METHODS,
  TOKEN_EXCHANGE_FIELDS,
  type ClientAuthMethod,
  type OAuthClient,
  type TokenExchangeSettings,
} from './token-exchange.js';
export type { VaultSettings } from './vault.js';
