/**
 * What each provider adds to the configuration: its own inputs, parsed into
 * one member of the `ProviderSettings` union (providers/index.ts), and its own
 * fields of a `credentials` item. config.ts and credentials.ts parse what is
 * common and hand the rest to the chosen provider through this interface, so
 * a new provider is one file here, one gateway file and one line in each
 * registry (this folder's index.ts, gateways/index.ts).
 */
import type { CredentialRequest } from '../request.js';
import type { Raw } from '../parse.js';

/** The inputs whose values are secrets: registered with the masker, never echoed or saved. */
export const SECRET_INPUTS = ['client-secret', 'hoop-api-key', 'github-token'] as const;
export type SecretInput = (typeof SECRET_INPUTS)[number];

/** What a provider's parser may read. */
export interface ProviderInputs {
  /** The input's value, trimmed; '' when unset. */
  readonly input: (name: string) => string;
  /** The step's `gateway` URL, as parsed (some defaults derive from it). */
  readonly gateway: string;
}

/** The provider's part of a credential request (a key of CredentialRequest). */
export type RequestPart = Omit<CredentialRequest, 'name' | 'ttlSeconds' | 'env'>;

export interface ProviderConfig<Settings extends { readonly name: string }> {
  readonly name: Settings['name'];
  /**
   * Inputs only this provider reads and that default to empty: set with
   * another provider, they are an error (a forgotten `provider:` line).
   * Secret inputs are left out: CI variables often set them for every job.
   */
  readonly ownInputs: readonly string[];
  /** Fields of a `credentials` item besides `name`, `ttl` and `env`. */
  readonly fields: readonly string[];
  /** Fields an issued credential has for sure, for "did you mean" in `env`; empty: unknown. */
  readonly credentialFields: readonly string[];
  /** Reads the provider's inputs; throws a GatepassError (or ConfigError) naming the input. */
  parseSettings(read: ProviderInputs): Settings;
  /** The provider's part of one `credentials` item; throws naming the credential and field. */
  parseRequest(raw: Raw, where: string): RequestPart;
  /** The secret values among the settings, for the masker. */
  secrets(settings: Settings): string[];
  /** The settings as the state file keeps them: every secret value removed. */
  withoutSecrets(settings: Settings): Settings;
  /** The settings post rebuilds from the state, the secret inputs read again. */
  withSecrets(settings: Settings, secret: (input: SecretInput) => string): Settings;
}
