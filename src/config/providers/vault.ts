/** `provider: vault`: HashiCorp Vault or OpenBao, JWT auth, then one read per credential. */
import type { JsonValue } from '../request.js';
import {
  credentialsError,
  inputError,
  isRecord,
  optionalString,
  requiredString,
  short,
  type Raw,
} from '../parse.js';
import type { ProviderConfig, RequestPart } from './provider.js';

export interface VaultSettings {
  readonly name: 'vault';
  /** `vault-role`: the JWT auth role the job logs in as. */
  readonly role: string;
  /** `vault-auth-path`: where JWT auth is mounted (`jwt`, `gitlab-jwt`). */
  readonly authPath: string;
  /** `vault-namespace` (Vault Enterprise, HCP Vault, OpenBao). */
  readonly namespace: string | undefined;
}

export const vaultConfig: ProviderConfig<VaultSettings> = {
  name: 'vault',
  ownInputs: ['vault-role', 'vault-namespace'],
  fields: ['path', 'method', 'data'],
  credentialFields: [],
  parseSettings: ({ input }) => ({
    name: 'vault',
    role: parseRole(input('vault-role')),
    authPath: parseAuthPath(input('vault-auth-path') || 'jwt'),
    namespace: input('vault-namespace') || undefined,
  }),
  parseRequest: (raw, where) => ({ vault: parseVaultRequest(raw, where) }),
  secrets: () => [],
  withoutSecrets: (settings) => settings,
  withSecrets: (settings) => settings,
};

function parseRole(value: string): string {
  if (value !== '') return value;
  throw inputError(
    'vault-role',
    'is required with `provider: vault`',
    'Set `vault-role` to the Vault JWT role this job logs in as',
  );
}

function parseAuthPath(value: string): string {
  const path = value.replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(path)) {
    throw inputError(
      'vault-auth-path',
      `is "${short(value)}"`,
      'Use the mount path of the JWT auth method, e.g. jwt or gitlab-jwt',
    );
  }
  return path;
}

function parseVaultRequest(raw: Raw, where: string): NonNullable<RequestPart['vault']> {
  const path = requiredString(
    raw,
    'path',
    where,
    'Name the secret path, e.g. `path: database/creds/migrator`',
  ).replace(/^\/+/, '');
  if (path.startsWith('v1/') || path.includes('..')) {
    throw credentialsError(
      `${where}: \`path\` "${short(path)}" must be relative to /v1/ without ..`,
      'e.g. `path: database/creds/migrator` or `path: secret/data/app`',
    );
  }
  const method = optionalString(raw, 'method', where)?.toUpperCase();
  if (method !== undefined && method !== 'GET' && method !== 'POST') {
    throw credentialsError(
      `${where}: \`method\` is "${method}"`,
      'Use GET (read) or POST (write, e.g. pki/issue)',
    );
  }
  const out: NonNullable<RequestPart['vault']> = { path };
  if (method !== undefined) out.method = method;
  if (raw.data !== undefined) {
    if (!isRecord(raw.data))
      throw credentialsError(
        `${where}: \`data\` must be a mapping`,
        'e.g. `data: { common_name: app.example.com }`',
      );
    if (method !== 'POST')
      throw credentialsError(
        `${where}: \`data\` needs \`method: POST\``,
        'Add `method: POST`, or remove `data`',
      );
    out.data = raw.data as Record<string, JsonValue>;
  }
  return out;
}
