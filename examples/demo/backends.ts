/**
 * What the demo runs against, all on loopback and all stopped at the end:
 * the reference gateway with its local OIDC issuer (and a throwaway
 * PostgreSQL cluster when PostgreSQL is installed), or, for `--provider
 * vault`, the spec-checked Vault double the tests use.
 */
import { startGateway, type RunningGateway } from '../gateway/index.js';
import { findPostgres, startPostgres, type TestPostgres } from '../gateway/cluster.js';
import { startVaultDouble, VAULT_AUDIENCE } from '../../__tests__/doubles/vault.js';

export interface Backend {
  /** What the reader is told runs where. */
  description: string[];
  /** `gatepass.yml` for the job. */
  config: Record<string, unknown>;
  /** A GitLab-shaped ID token, as `id_tokens:` would give the job. */
  idToken(): Promise<string>;
  /** The gateway's own approval (undefined when approval is off). */
  approval?: {
    /** The id of a request waiting for approval, if any. */
    pending(): Promise<string | undefined>;
    approve(id: string, approver: string): Promise<void>;
  };
  /** How the credential looks after the run (revoked or not), one line each. */
  verifyRevoked(): Promise<string[]>;
  /** Whether the job can use `psql` with a real role. */
  postgres: boolean;
  /** What the migration says instead of querying, when there is no database. */
  noDatabase: string;
  /**
   * The same job on the data path (`proxy: postgres`), when a real server
   * runs: its gatepass.yml, and the server's own port (the job tries it
   * directly, with every value it holds, to show it cannot log in).
   */
  dataPath?: { config: Record<string, unknown>; serverPort: number };
  stop(): Promise<void>;
}

export interface BackendOptions {
  approval: boolean;
  usePostgres: boolean;
}

const PROJECT = 'demo-group/payments';

/** The reference gateway: token exchange, approvals, and real PostgreSQL roles when it can. */
export async function tokenExchangeBackend(options: BackendOptions): Promise<Backend> {
  const pg =
    options.usePostgres && findPostgres() !== undefined ? await startPostgres() : undefined;
  const gateway = await startGateway({
    policy: policy(options.approval, pg !== undefined),
    approvals: { intervalSeconds: 1 },
    ...(pg === undefined ? {} : { postgres: { url: pg.adminUrl } }),
  });
  const credential = pg === undefined ? tokenCredential() : postgresCredential();
  return {
    description: [
      `reference gateway (RFC 8693 token exchange) at ${gateway.url}, local OIDC issuer at ${gateway.issuerUrl}`,
      pg === undefined
        ? 'PostgreSQL is not installed: the credential is a short-lived access token (install postgresql for real database roles)'
        : `PostgreSQL ${pg.version} on 127.0.0.1:${String(pg.port)}, a throwaway cluster: each request creates a real role`,
    ],
    config: {
      gateway: gateway.url,
      provider: 'token-exchange',
      credentials: [credential],
      ...(options.approval ? { 'approval-source': 'gateway', 'approval-timeout': '2m' } : {}),
    },
    idToken: () => gateway.mintIdToken({ platform: 'gitlab', claims: { project_path: PROJECT } }),
    ...(options.approval ? { approval: gatewayApproval(gateway) } : {}),
    verifyRevoked: async () => (pg === undefined ? [] : verifyNoRoles(pg)),
    postgres: pg !== undefined,
    noDatabase:
      '(no PostgreSQL here: a real job would present this token to a database proxy that accepts it)',
    ...(pg === undefined
      ? {}
      : {
          dataPath: {
            config: {
              gateway: gateway.url,
              provider: 'token-exchange',
              credentials: [dataPathCredential()],
              ...(options.approval
                ? { 'approval-source': 'gateway', 'approval-timeout': '2m' }
                : {}),
            },
            serverPort: pg.port,
          },
        }),
    stop: async () => {
      await gateway.stop();
      await pg?.stop();
    },
  };
}

/** The Vault double: JWT login, a dynamic database secret, lease and token revocation. */
export async function vaultBackend(): Promise<Backend> {
  const vault = await startVaultDouble({
    roles: {
      'ci-migrate': {
        boundAudiences: [VAULT_AUDIENCE],
        boundClaims: { project_path: [PROJECT] },
        policies: [{ path: 'database/creds/migrator', capabilities: ['read'] }],
      },
    },
    databaseRoles: { migrator: { ttl: 900 } },
  });
  return {
    description: [
      `a Vault double at ${vault.url} (checked against Vault's OpenAPI description; not a real Vault)`,
      'Vault has no approval step of its own: the request goes straight through',
    ],
    config: {
      gateway: vault.url,
      provider: 'vault',
      audience: VAULT_AUDIENCE,
      'vault-role': 'ci-migrate',
      credentials: [
        {
          name: 'db',
          ttl: '15m',
          path: 'database/creds/migrator',
          env: { PGUSER: 'username', PGPASSWORD: 'password' },
        },
      ],
    },
    idToken: () =>
      vault.issuer.mint({
        platform: 'gitlab',
        audience: VAULT_AUDIENCE,
        claims: { project_path: PROJECT },
      }),
    verifyRevoked: () =>
      Promise.resolve([
        `Vault: ${String(vault.liveLeases().length)} live leases, ${String(vault.liveTokens().length)} live tokens`,
      ]),
    postgres: false,
    noDatabase:
      '(the Vault double has no database behind it: a real job would log in with this username and password)',
    stop: () => vault.stop(),
  };
}

function policy(approval: boolean, postgres: boolean): string {
  return `
max_ttl: 1h
rules:
  - name: payments-migrations
    match: { project_path: ${PROJECT} }
    scopes: [db:migrator]
    audiences: ["https://db.example.internal"]
${approval ? '    approval: required\n' : ''}${postgres ? '    postgres: { grants: [migrator], database: app }\n' : ''}`;
}

function postgresCredential(): Record<string, unknown> {
  return {
    name: 'db',
    ttl: '15m',
    scope: 'db:migrator',
    audience: 'https://db.example.internal',
    env: {
      PGHOST: 'host',
      PGPORT: 'port',
      PGDATABASE: 'database',
      PGUSER: 'username',
      PGPASSWORD: 'password',
      DATABASE_URL: 'url',
    },
  };
}

/** The same credential on the data path: the job's variables name gatepass's loopback endpoint. */
function dataPathCredential(): Record<string, unknown> {
  return {
    name: 'db',
    ttl: '15m',
    scope: 'db:migrator',
    audience: 'https://db.example.internal',
    proxy: 'postgres',
    guardrails: {
      rules: [{ name: 'review-deletes', action: 'review', statements: ['DELETE'] }],
    },
    env: {
      PGHOST: 'host',
      PGPORT: 'port',
      PGDATABASE: 'database',
      PGUSER: 'username',
      PGPASSWORD: 'password',
    },
  };
}

function tokenCredential(): Record<string, unknown> {
  return {
    name: 'db',
    ttl: '15m',
    scope: 'db:migrator',
    audience: 'https://db.example.internal',
    env: { PGPASSWORD: 'access_token' },
  };
}

/** The admin side of the gateway's approval endpoint (what a reviewer's UI would call). */
function gatewayApproval(gateway: RunningGateway): NonNullable<Backend['approval']> {
  const auth = { authorization: `Bearer ${gateway.adminToken}` };
  return {
    async pending() {
      const res = await fetch(`${gateway.url}/approvals`, { headers: auth });
      const list = (await res.json()) as { pending: Array<{ id: string }> };
      return list.pending[0]?.id;
    },
    async approve(id, approver) {
      const res = await fetch(`${gateway.url}/approvals/${id}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve', approver }),
      });
      if (!res.ok) throw new Error(`the gateway refused the approval: HTTP ${String(res.status)}`);
    },
  };
}

async function verifyNoRoles(pg: TestPostgres): Promise<string[]> {
  const roles = await pg.gatewayRoles();
  return [
    roles.length === 0
      ? 'PostgreSQL: no gatepass role is left (DROP ROLE ran at revocation)'
      : `PostgreSQL: roles still present: ${roles.join(', ')}`,
  ];
}
