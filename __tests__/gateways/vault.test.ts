/**
 * The Vault gateway against the Vault double: a real HTTP server on loopback
 * that checks every request and response against Vault's OpenAPI description,
 * verifies the JWT, and keeps tokens and leases, so tests assert on state.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import nodeVault from 'node-vault';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GatepassError, describeError } from '../../src/common/errors.js';
import {
  type CredentialRequest,
  type Issued,
  type RevocationHandle,
  type VaultRevocation,
} from '../../src/gateways/gateway.js';
import { createGateway } from '../../src/gateways/index.js';
import { requestCheck, type RequestSchema } from '../../src/gateways/vault-check.js';
import {
  checkVaultRequest,
  createVaultGateway,
  type VaultOptions,
} from '../../src/gateways/vault.js';
import type { IdentityToken } from '../../src/identity/token.js';
import { VERSION } from '../../src/common/version.js';
import {
  startVaultDouble,
  VAULT_AUDIENCE,
  type JwtRole,
  type VaultDouble,
} from '../doubles/vault.js';
import { failure as gatepassFailure, issued } from '../helpers/gateway.js';
import { captureLog, type CapturedLog } from '../helpers/log.js';
import { revokeCredentials, type RevocationLog } from '../../src/flow/revocation.js';
import { wasAbandoned } from '../../src/flow/cancellation.js';
import type { RevocationRecord } from '../../src/audit/record.js';

const READ_ALL = [
  { path: 'database/creds/*', capabilities: ['read' as const] },
  { path: 'aws/creds/*', capabilities: ['read' as const, 'update' as const] },
  { path: 'kv/*', capabilities: ['read' as const] },
  { path: 'secret/data/*', capabilities: ['read' as const] },
];
const ROLES: Record<string, JwtRole> = {
  // May revoke its own leases (sys/leases/revoke is not in Vault's default policy).
  migrator: {
    boundAudiences: [VAULT_AUDIENCE],
    boundClaims: { repository: ['octo-org/app'], ref: ['refs/heads/main'] },
    tokenTtl: 900,
    policies: [...READ_ALL, { path: 'sys/leases/revoke', capabilities: ['update'] }],
  },
  // Cannot: its leases end with its token.
  reader: { boundAudiences: [VAULT_AUDIENCE], tokenTtl: 900, policies: READ_ALL },
  // Reads nothing.
  nobody: { boundAudiences: [VAULT_AUDIENCE], policies: [] },
  // A token shorter than the 15 minutes the tests ask for.
  brief: { boundAudiences: [VAULT_AUDIENCE], tokenTtl: 300, policies: READ_ALL },
  // Batch tokens, valid longer than asked; may revoke their leases.
  batcher: {
    boundAudiences: [VAULT_AUDIENCE],
    tokenType: 'batch',
    tokenTtl: 3600,
    policies: [...READ_ALL, { path: 'sys/leases/revoke', capabilities: ['update'] }],
  },
  // token_no_default_policy: may not revoke itself.
  nodefault: {
    boundAudiences: [VAULT_AUDIENCE],
    noDefaultPolicy: true,
    policies: [...READ_ALL, { path: 'sys/leases/revoke', capabilities: ['update'] }],
  },
};

let vault: VaultDouble;
let log: CapturedLog;
const secrets = new Set<string>();
const errors: string[] = [];
const signal = new AbortController().signal;

beforeAll(async () => {
  vault = await startVaultDouble({
    roles: ROLES,
    databaseRoles: {
      migrator: { ttl: 600 },
      reporting: { ttl: 3600 },
      quick: { ttl: 300 },
      // Its users own objects: the database refuses to drop them.
      owner: { ttl: 600, dropFails: true },
    },
    kvV1: { 'ci/app': { api_key: 'kv1-api-key-9f8e7d6c', retries: 3, debug: false } },
    kvV2: {
      'ci/app': { db_password: 'kv2-db-password-1a2b3c', port: 5432 },
      'ci/old': { db_password: 'kv2-deleted-value-77aa' },
      'ci/gone': { db_password: 'kv2-destroyed-value-88bb' },
    },
  });
  vault.deleteKvV2('ci/old', 'delete');
  vault.deleteKvV2('ci/gone', 'destroy');
});
afterAll(async () => {
  await vault.stop();
});
beforeEach(() => {
  log = captureLog();
  errors.length = 0;
});
afterEach(() => {
  vault.intercept = undefined;
  vault.seal(0);
  vault.rateLimit(0);
  vault.leaseCountQuotaFull = false;
  vault.standbyLag(0);
  // The double saw nothing the Vault API description does not allow.
  const violations = [...vault.violations];
  vault.violations.length = 0;
  expect(violations).toEqual([]);
  // No secret in any log line or error message.
  log.lines.push(...errors);
  log.expectNoSecrets(secrets);
});

function gateway(overrides: Partial<VaultOptions> = {}) {
  return createVaultGateway({
    gateway: vault.url,
    role: 'migrator',
    registerSecret: (value) => secrets.add(value),
    logger: log.logger,
    timeoutMs: 2000,
    attemptTimeoutMs: 400,
    retry: { initialDelayMs: 10, maxDelayMs: 50 },
    ...overrides,
  });
}

async function identity(claims: Record<string, string> = {}, mint = {}): Promise<IdentityToken> {
  const token = await vault.idToken(claims, mint);
  secrets.add(token.value);
  return token;
}

function request(path: string, extra: Partial<CredentialRequest> = {}): CredentialRequest {
  return { name: 'db', ttlSeconds: 600, vault: { path }, ...extra };
}

function vaultHandle(result: Issued): VaultRevocation {
  const handle = result.revocation;
  if (handle?.provider !== 'vault') throw new Error('expected a vault revocation handle');
  return handle;
}

/** Tokens and leases alive now; `aliveSince` lists those that were not. */
function alive(): Set<string> {
  return new Set([...vault.liveTokens(), ...vault.liveLeases()]);
}
function aliveSince(before: Set<string>): string[] {
  return [...alive()].filter((x) => !before.has(x));
}

async function failure(promise: Promise<unknown>): Promise<GatepassError> {
  const err = await gatepassFailure(promise);
  errors.push(describeError(err));
  return err;
}

/**
 * Revokes the way the step's end, post and `gatepass revoke` do
 * (flow/revocation.ts): the records the audit gets, and the log's error
 * lines (`::error::` annotations on GitHub) kept with the others.
 */
async function revokeInFlow(
  g: ReturnType<typeof gateway>,
  name: string,
  handle: VaultRevocation,
): Promise<RevocationRecord[]> {
  const flowLog: RevocationLog = { ...log.logger, error: (m) => log.lines.push(`error: ${m}`) };
  return revokeCredentials([{ name, handle }], {
    gateway: () => Promise.resolve(g),
    deadlineMs: 3000,
    log: flowLog,
  });
}

describe('issue', () => {
  it('logs in with the role and reads a dynamic database secret with its lease', async () => {
    const before = vault.requests.length;
    const result = await issued(
      gateway().issue(request('database/creds/migrator'), await identity(), signal),
    );
    expect(Object.keys(result.values).sort()).toEqual(['password', 'username']);
    expect(result.publicFields).toEqual([]);
    for (const value of Object.values(result.values)) expect(secrets.has(value)).toBe(true);
    const handle = vaultHandle(result);
    expect(handle.leases).toHaveLength(1);
    expect(handle.leases[0]).toMatch(/^database\/creds\/migrator\//);
    expect(vault.leaseValid(handle.leases[0] ?? '')).toBe(true);
    expect(vault.tokenValid(handle.token)).toBe(true);
    expect(secrets.has(handle.token)).toBe(true);
    // expiresAt from lease_duration (600 s), within the token's 900 s.
    const left = (result.expiresAt?.getTime() ?? 0) - Date.now();
    expect(left).toBeGreaterThan(590_000);
    expect(left).toBeLessThanOrEqual(600_000);
    expect(Date.parse(handle.expiresAt ?? '') - Date.now()).toBeGreaterThan(890_000);
    const seen = vault.requests.slice(before);
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/auth/jwt/login',
      'GET /v1/database/creds/migrator',
    ]);
    for (const r of seen) expect(r.userAgent).toBe(`gatepass/${VERSION}`);
    expect(
      log.lines.some((l) =>
        /logged in to Vault as role "migrator" \(token accessor .+\), token valid for 15m/.test(l),
      ),
    ).toBe(true);
  });

  it('says when the lease is longer than the ttl asked', async () => {
    await issued(
      gateway().issue(
        request('database/creds/reporting', { ttlSeconds: 600 }),
        await identity(),
        signal,
      ),
    );
    expect(log.lines).toContain(
      'info: Vault leased "db" (database/creds/reporting) for 1h, longer than the 10m asked: the secrets engine role\'s default_ttl decides; gatepass revokes it when the step ends',
    );
  });

  it('warns when the token or the lease ends before the ttl asked', async () => {
    await issued(gateway({ role: 'brief' }).issue(request('kv/ci/app'), await identity(), signal));
    expect(log.lines).toContain(
      'warning: Vault\'s token for "db" is valid for 5m, shorter than the 10m asked: the credential ends with it; raise token_ttl (and token_max_ttl) of role "brief", or ask for less',
    );
    await issued(gateway().issue(request('database/creds/quick'), await identity(), signal));
    expect(log.lines).toContain(
      'warning: Vault leased "db" (database/creds/quick) for 5m, shorter than the 10m asked: the credential ends with it; raise default_ttl (and max_ttl) of the secrets engine\'s role, or pass a `ttl` in `data` where the endpoint takes one',
    );
  });

  it('POSTs data to endpoints that take parameters (aws/creds with ttl)', async () => {
    const result = await issued(
      gateway().issue(
        request('aws/creds/deploy', {
          vault: { path: 'aws/creds/deploy', method: 'POST', data: { ttl: '300' } },
        }),
        await identity(),
        signal,
      ),
    );
    expect(Object.keys(result.values).sort()).toEqual(['access_key', 'secret_key']);
    const left = (result.expiresAt?.getTime() ?? 0) - Date.now();
    expect(left).toBeGreaterThan(290_000);
    expect(left).toBeLessThanOrEqual(300_000);
  });

  it('reads kv v1: every field, numbers and booleans not secret, no lease', async () => {
    const result = await issued(gateway().issue(request('kv/ci/app'), await identity(), signal));
    expect(result.values).toEqual({
      api_key: 'kv1-api-key-9f8e7d6c',
      retries: '3',
      debug: 'false',
    });
    expect(result.publicFields).toEqual(['retries', 'debug']);
    expect(secrets.has('kv1-api-key-9f8e7d6c')).toBe(true);
    expect(secrets.has('3')).toBe(false);
    expect(result.expiresAt).toBeUndefined();
    expect(vaultHandle(result).leases).toEqual([]);
  });

  it('flattens kv v2: data.data are the fields, metadata is not one', async () => {
    const result = await issued(
      gateway().issue(request('/v1/secret/data/ci/app'), await identity(), signal),
    );
    expect(result.values).toEqual({ db_password: 'kv2-db-password-1a2b3c', port: '5432' });
    expect(result.publicFields).toEqual(['port']);
  });

  it('sends vault-namespace as X-Vault-Namespace and logs in at vault-auth-path', async () => {
    const ns = await startVaultDouble({
      namespace: 'team-a/ci',
      authPath: 'github',
      roles: ROLES,
      kvV1: { x: { k: 'namespaced-value-1' } },
    });
    try {
      const token = await ns.idToken();
      secrets.add(token.value);
      const result = await issued(
        gateway({ gateway: ns.url, namespace: '/team-a/ci/', authPath: 'auth/github' }).issue(
          request('kv/x'),
          token,
          signal,
        ),
      );
      expect(result.values).toEqual({ k: 'namespaced-value-1' });
      expect(ns.requests.map((r) => [r.path, r.namespace])).toEqual([
        ['/v1/auth/github/login', 'team-a/ci'],
        ['/v1/kv/x', 'team-a/ci'],
      ]);
      expect(vaultHandle(result).namespace).toBe('team-a/ci');
      await gateway({ gateway: ns.url, namespace: 'team-a/ci' }).revoke(
        vaultHandle(result),
        signal,
      );
      expect(ns.liveTokens()).toEqual([]);
      expect(ns.violations).toEqual([]);
    } finally {
      await ns.stop();
    }
  });

  it('names the fields that exist when env asks for one that does not, and revokes what it got', async () => {
    const before = alive();
    const err = await failure(
      gateway().issue(
        request('database/creds/migrator', { env: { PGUSER: 'username', PGPASSWORD: 'pass' } }),
        await identity(),
        signal,
      ),
    );
    expect(err.code).toBe('CONFIG');
    expect(err.message).toBe(
      'credential "db": the secret at database/creds/migrator has no field pass (for PGPASSWORD); its fields are: password, username',
    );
    expect(err.hint).toContain('`env`');
    expect(aliveSince(before)).toEqual([]);
  });

  it('checks the request before any call', () => {
    const bad = (vault: CredentialRequest['vault']) => () =>
      checkVaultRequest({ name: 'x', ttlSeconds: 60, ...(vault === undefined ? {} : { vault }) });
    expect(bad(undefined)).toThrow('credential "x" has no `path`');
    expect(bad({ path: 'secret/../sys/raw' })).toThrow('is not a Vault path');
    expect(bad({ path: 'kv/app?version=1' })).toThrow('is not a Vault path');
    expect(bad({ path: 'kv/app', data: { a: 1 } })).toThrow('has `data` but method GET');
    expect(
      checkVaultRequest({ name: 'x', ttlSeconds: 60, vault: { path: '/v1/secret/data/app/' } }),
    ).toEqual({
      path: 'secret/data/app',
      method: 'GET',
    });
    expect(() => gateway({ role: ' ' })).toThrow('needs `vault-role`');
    expect(() => gateway({ gateway: 'http://vault.example.com' })).toThrow('must use https:');
  });
});

describe('refusals', () => {
  it("shows the claims when Vault refuses the login, with Vault's error text, at once", async () => {
    const started = Date.now();
    const err = await failure(
      gateway().issue(request('kv/ci/app'), await identity({ repository: 'evil/app' }), signal),
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err.code).toBe('DENIED');
    expect(err.message).toContain(
      'Vault refused the login as role "migrator": POST ' +
        vault.url +
        '/v1/auth/jwt/login answered HTTP 400 (error validating claims: claim "repository" does not match any associated bound claim values)',
    );
    expect(err.hint).toContain('bound_claims');
    const warning = log.lines.find((l) => l.startsWith('warning:')) ?? '';
    expect(warning).toContain('  repository: evil/app');
    expect(warning).toContain(`  aud: ${VAULT_AUDIENCE}`);
    expect(warning).toContain('  ref: refs/heads/main');
  });

  it('refuses an expired ID token and one for another audience', async () => {
    const expired = await failure(
      gateway().issue(
        request('kv/ci/app'),
        await identity({}, { issuedAt: Math.floor(Date.now() / 1000) - 1000 }),
        signal,
      ),
    );
    expect(expired.message).toContain('token is expired');
    const elsewhere = await failure(
      gateway().issue(
        request('kv/ci/app'),
        await identity({}, { audience: 'https://elsewhere.example' }),
        signal,
      ),
    );
    expect(elsewhere.message).toContain('invalid audience (aud) claim');
  });

  it('explains a 403 at login: wrong vault-auth-path', async () => {
    // Nothing mounted there, so not a login path: a request without a token
    // is refused before routing (vault/request_handling.go).
    vault.intercept = (r) =>
      r.path.endsWith('/login')
        ? { status: 403, body: JSON.stringify({ errors: ['permission denied'] }) }
        : undefined;
    const err = await failure(gateway().issue(request('kv/ci/app'), await identity(), signal));
    expect(err.code).toBe('DENIED');
    expect(err.message).toContain('HTTP 403 (permission denied)');
    expect(err.hint).toContain('nothing is mounted at auth/jwt: check `vault-auth-path`');
  });

  it('names `vault-namespace` when the namespace does not exist (OpenBao: 404), at once', async () => {
    const before = vault.requests.length;
    const err = await failure(
      gateway({ namespace: 'team-b/ci' }).issue(request('kv/ci/app'), await identity(), signal),
    );
    expect(err.code).toBe('GATEWAY');
    expect(err.message).toContain('/v1/auth/jwt/login answered HTTP 404 (namespace not found)');
    expect(err.hint).toBe(
      '`vault-namespace` "team-b/ci" does not exist on this server: check its spelling and parents (e.g. team-a/ci), or leave `vault-namespace` empty for the root namespace',
    );
    expect(vault.requests.length - before).toBe(1);
  });

  it('says a kv v2 version is deleted, and how to restore it, and revokes the token', async () => {
    const before = alive();
    const err = await failure(
      gateway().issue(request('secret/data/ci/old'), await identity(), signal),
    );
    expect(err.code).toBe('GATEWAY');
    expect(err.message).toMatch(
      /^version 3 of the kv v2 secret at secret\/data\/ci\/old was deleted at \d{4}-\d\d-\d\dT\S+ \(HTTP 404\)$/,
    );
    expect(err.hint).toBe(
      'Restore it (vault kv undelete -mount=secret -versions=3 ci/old) or write a new version (vault kv put); gatepass reads the current version',
    );
    expect(aliveSince(before)).toEqual([]);
  });

  it('says a kv v2 version is destroyed: only a new version helps', async () => {
    const err = await failure(
      gateway().issue(request('secret/data/ci/gone'), await identity(), signal),
    );
    expect(err.message).toBe(
      'version 3 of the kv v2 secret at secret/data/ci/gone is destroyed (HTTP 404)',
    );
    expect(err.hint).toContain('A destroyed version cannot come back: write a new version');
  });

  it('reports a read the role may not do, with claims, and revokes the token', async () => {
    const before = alive();
    const err = await failure(
      gateway({ role: 'nobody' }).issue(
        request('database/creds/migrator'),
        await identity(),
        signal,
      ),
    );
    expect(err.code).toBe('DENIED');
    expect(err.message).toContain(
      'GET ' +
        vault.url +
        '/v1/database/creds/migrator answered HTTP 403 (1 error occurred: * permission denied)',
    );
    expect(err.hint).toContain(
      'policies of role "nobody" do not allow read on database/creds/migrator',
    );
    expect(
      log.lines.some((l) => l.startsWith('warning:') && l.includes('  repository: octo-org/app')),
    ).toBe(true);
    expect(aliveSince(before)).toEqual([]);
  });

  it('reports a path with nothing there', async () => {
    const before = alive();
    const err = await failure(gateway().issue(request('kv/none'), await identity(), signal));
    expect(err.code).toBe('GATEWAY');
    expect(err.message).toContain('HTTP 404');
    expect(err.hint).toContain('kv v2 reads go through <mount>/data/<name>');
    expect(aliveSince(before)).toEqual([]);
  });

  it("puts every one of Vault's errors in the message", async () => {
    vault.intercept = (r) =>
      r.path.endsWith('/login')
        ? { status: 400, body: JSON.stringify({ errors: ['first problem', 'second problem'] }) }
        : undefined;
    const err = await failure(gateway().issue(request('kv/ci/app'), await identity(), signal));
    expect(err.message).toContain('HTTP 400 (first problem; second problem)');
  });

  it('never repeats a token the server echoes back', async () => {
    const id = await identity();
    vault.intercept = (r) =>
      r.path.endsWith('/login')
        ? { status: 400, body: JSON.stringify({ errors: [`bad jwt ${id.value}`] }) }
        : undefined;
    const err = await failure(gateway().issue(request('kv/ci/app'), id, signal));
    expect(err.message).toContain('bad jwt ***');
  });
});

describe('resilience', () => {
  it('retries while Vault is sealed, then succeeds', async () => {
    vault.seal(2);
    const result = await issued(gateway().issue(request('kv/ci/app'), await identity(), signal));
    expect(result.values.api_key).toBe('kv1-api-key-9f8e7d6c');
    expect(
      log.lines.filter((l) => l.includes('HTTP 503 (Vault is sealed)') && l.includes('retrying')),
    ).toHaveLength(2);
  });

  it('a cancel during the secret read still revokes the login token', async () => {
    const seen = { reading: false };
    vault.intercept = (r) => {
      if (r.path !== '/v1/kv/ci/app') return undefined;
      seen.reading = true;
      return { hang: true };
    };
    const before = new Set(vault.liveTokens());
    const cancel = new AbortController();
    const issuing = gateway().issue(request('kv/ci/app'), await identity(), cancel.signal);
    // The read is on the wire, so the client has the login token in hand.
    for (let i = 0; i < 500 && !seen.reading; i++) await new Promise((r) => setTimeout(r, 10));
    expect(seen.reading).toBe(true);
    expect(vault.liveTokens().length).toBe(before.size + 1);
    cancel.abort(new Error('cancelled'));
    await failure(issuing);
    // The clean-up did not reuse the aborted signal: the token is gone.
    expect(vault.liveTokens().filter((t) => !before.has(t))).toEqual([]);
  });

  it('retries through a sealed read after login, on the same token', async () => {
    let reads = 0;
    vault.intercept = (r) =>
      r.path === '/v1/kv/ci/app' && ++reads === 1
        ? { status: 503, body: '{"errors":["Vault is sealed"]}' }
        : undefined;
    const result = await issued(gateway().issue(request('kv/ci/app'), await identity(), signal));
    expect(result.values.api_key).toBe('kv1-api-key-9f8e7d6c');
    expect(reads).toBe(2);
  });

  it('fails at once on a locked or sealed namespace: they do not clear by waiting', async () => {
    const ns = await startVaultDouble({
      namespace: 'team-a',
      roles: ROLES,
      kvV1: { x: { k: 'v' } },
    });
    try {
      const token = await ns.idToken();
      secrets.add(token.value);
      for (const [state, words] of [
        ['locked', 'API access to this namespace has been locked by an administrator'],
        ['sealed', 'namespace is sealed'],
      ] as const) {
        ns.namespaceState = state;
        const before = ns.requests.length;
        const started = Date.now();
        const err = await failure(
          gateway({ gateway: ns.url, namespace: 'team-a' }).issue(request('kv/x'), token, signal),
        );
        expect(err.code).toBe('GATEWAY');
        expect(err.message).toContain(`answered HTTP 503 (${words}`);
        expect(err.hint).toContain('so gatepass does not retry');
        expect(err.hint).toContain('`vault-namespace`');
        expect(ns.requests.length - before).toBe(1);
        expect(Date.now() - started).toBeLessThan(1000);
      }
      expect(ns.violations).toEqual([]);
    } finally {
      await ns.stop();
    }
  });

  it('fails at once when a lease-count quota is full, at login or at the read', async () => {
    vault.leaseCountQuotaFull = true;
    const before = vault.requests.length;
    const err = await failure(gateway().issue(request('kv/ci/app'), await identity(), signal));
    expect(err.code).toBe('GATEWAY');
    expect(err.message).toContain(
      'answered HTTP 429 (request path "auth/jwt/login": lease count quota exceeded)',
    );
    expect(err.hint).toContain('A lease-count quota is full');
    expect(vault.requests.length - before).toBe(1);
    // Full only for what creates leases after the login: the read.
    vault.leaseCountQuotaFull = false;
    vault.intercept = (r) => {
      if (r.path === '/v1/database/creds/migrator') vault.leaseCountQuotaFull = true;
      return undefined;
    };
    const aliveBefore = alive();
    const read = await failure(
      gateway().issue(request('database/creds/migrator'), await identity(), signal),
    );
    vault.leaseCountQuotaFull = false;
    expect(read.message).toContain(
      'answered HTTP 429 (1 error occurred: * request path "database/creds/migrator": lease count quota exceeded)',
    );
    expect(read.hint).toContain('so gatepass does not retry');
    expect(
      vault.requests.filter((r) => r.path === '/v1/database/creds/migrator').length,
    ).toBeGreaterThan(0);
    expect(log.lines.filter((l) => l.includes('retrying'))).toEqual([]);
    expect(aliveSince(aliveBefore)).toEqual([]);
  });

  it("waits what a rate-limit quota's Retry-After says, not the backoff", async () => {
    vault.rateLimit(1);
    const before = vault.requests.length;
    const started = Date.now();
    const result = await issued(
      gateway({ timeoutMs: 5000 }).issue(request('kv/ci/app'), await identity(), signal),
    );
    expect(result.values.api_key).toBe('kv1-api-key-9f8e7d6c');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    // One refused login, then the one that worked, then the read.
    expect(vault.requests.slice(before).map((r) => r.path)).toEqual([
      '/v1/auth/jwt/login',
      '/v1/auth/jwt/login',
      '/v1/kv/ci/app',
    ]);
    expect(
      log.lines.some(
        (l) => l.includes('rate limit quota exceeded') && l.includes('retrying in 1 s'),
      ),
    ).toBe(true);
  });

  it('retries a 412 from a performance standby that has not seen the fresh token yet', async () => {
    vault.standbyLag(2);
    const result = await issued(gateway().issue(request('kv/ci/app'), await identity(), signal));
    expect(result.values.api_key).toBe('kv1-api-key-9f8e7d6c');
    expect(
      log.lines.filter(
        (l) => l.includes('HTTP 412 (required index state not present)') && l.includes('retrying'),
      ),
    ).toHaveLength(2);
  });

  it('does not repeat a login whose answer was lost: Vault may have minted a token', async () => {
    let logins = 0;
    vault.intercept = (r) =>
      r.path.endsWith('/login') && ++logins > 0 ? { lose: true } : undefined;
    const before = new Set(vault.liveTokens());
    const err = await failure(gateway().issue(request('kv/ci/app'), await identity(), signal));
    expect(logins).toBe(1);
    expect(err.code).toBe('GATEWAY');
    expect(err.message).toMatch(
      /^POST http:\/\/127\.0\.0\.1:\d+\/v1\/auth\/jwt\/login: cannot reach Vault at .*; the login was not repeated, since Vault may have issued a token that never reached gatepass \(nobody holds it; it has role "migrator"'s policies and ends at the role's token_ttl\)$/,
    );
    expect(err.hint).toContain('Run the job again');
    // Exactly the one token the lost answer carried, and nobody has it.
    expect(vault.liveTokens().filter((t) => !before.has(t))).toHaveLength(1);
  });

  it('does not repeat a login that got no answer in time, and leaves it unconfirmed', async () => {
    let logins = 0;
    vault.intercept = (r) =>
      r.path.endsWith('/login') && ++logins > 0 ? { hang: true } : undefined;
    const err = await failure(
      gateway({ attemptTimeoutMs: 200 }).issue(request('kv/ci/app'), await identity(), signal),
    );
    expect(logins).toBe(1);
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toContain('no answer within 200 ms; the login was not repeated');
    // What the flow reads to keep the request "in flight, not confirmed".
    expect(wasAbandoned(err, new AbortController().signal)).toBe(true);
  });

  it('does not believe a 200 without a token, and does not retry it', async () => {
    let logins = 0;
    vault.intercept = (r) =>
      r.path.endsWith('/login') && ++logins > 0
        ? { status: 200, body: '{"hello":"world"}' }
        : undefined;
    const err = await failure(gateway().issue(request('kv/ci/app'), await identity(), signal));
    expect(err.code).toBe('GATEWAY');
    expect(err.message).toBe(`Vault's answer to POST auth/jwt/login holds no auth.client_token`);
    expect(logins).toBe(1);
  });

  it('does not believe a read without data, and revokes the token', async () => {
    vault.intercept = (r) =>
      r.path === '/v1/kv/ci/app' ? { status: 200, body: '{"data":"nope"}' } : undefined;
    const before = alive();
    const err = await failure(gateway().issue(request('kv/ci/app'), await identity(), signal));
    expect(err.message).toBe("Vault's answer to GET kv/ci/app holds no `data` object");
    expect(aliveSince(before)).toEqual([]);
  });

  it('says malformed JSON is not Vault, without retrying', async () => {
    let logins = 0;
    vault.intercept = (r) =>
      r.path.endsWith('/login') && ++logins > 0
        ? { status: 200, body: '{"auth": {"client_token": "hvs.' }
        : undefined;
    const err = await failure(gateway().issue(request('kv/ci/app'), await identity(), signal));
    expect(err.message).toContain('answered something that is not a JSON object');
    expect(logins).toBe(1);
  });

  it('stops when the caller cancels', async () => {
    vault.seal();
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 100);
    const err = await failure(
      gateway().issue(request('kv/ci/app'), await identity(), controller.signal),
    );
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toContain('cancelled');
  });
});

/** Anything a server received: what a redirect must never deliver. */
interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A second loopback server, where a redirect points: it answers 200 to anything and records it. */
async function startRecorder(): Promise<{
  url: string;
  received: Received[];
  stop(): Promise<void>;
}> {
  const received: Received[] = [];
  const server: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ auth: { client_token: 'hvs.stolen' }, data: { x: 'y' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => {
          r();
        });
        server.closeAllConnections();
      }),
  };
}

describe('redirects', () => {
  let elsewhere: Awaited<ReturnType<typeof startRecorder>>;
  beforeAll(async () => {
    elsewhere = await startRecorder();
  });
  afterAll(async () => {
    await elsewhere.stop();
  });
  beforeEach(() => {
    elsewhere.received.length = 0;
  });

  /** Nothing reached the other server: in particular no Vault token and no ID token. */
  function expectNothingElsewhere(): void {
    const leaked = elsewhere.received.filter((r) =>
      [...secrets].some(
        (s) => s.length >= 8 && (JSON.stringify(r.headers).includes(s) || r.body.includes(s)),
      ),
    );
    expect(leaked).toEqual([]);
    expect(elsewhere.received).toEqual([]);
  }

  /** One line; says what happened, where it pointed, and what to set instead. */
  function expectRedirectError(err: GatepassError, status: number, where: string): void {
    expect(err.code).toBe('GATEWAY');
    const line = describeError(err);
    expect(line).not.toMatch(/[\r\n]/);
    expect(err.message).toContain(`answered HTTP ${status}, a redirect to ${where}`);
    expect(err.message).toContain('gatepass does not follow redirects');
    expect(err.hint).toContain('Set `gateway` to the active Vault node or to a load balancer');
  }

  it.each([301, 302, 307, 308])(
    'does not follow a %i at login: the ID token goes nowhere else',
    async (status) => {
      let logins = 0;
      vault.intercept = (r) =>
        r.path.endsWith('/login') && ++logins > 0
          ? { status, headers: { location: `${elsewhere.url}/v1/auth/jwt/login` } }
          : undefined;
      const before = alive();
      const err = await failure(gateway().issue(request('kv/ci/app'), await identity(), signal));
      expectRedirectError(err, status, elsewhere.url);
      // Not a transient failure: not retried until the deadline. (Counted from the
      // log: a login still in flight from an earlier test may reach the double too.)
      expect(logins).toBeGreaterThanOrEqual(1);
      expect(log.lines.filter((l) => l.includes('retrying'))).toEqual([]);
      expectNothingElsewhere();
      expect(aliveSince(before)).toEqual([]);
    },
  );

  it.each([307, 308, 302])(
    'does not follow a %i on the read: the Vault token goes nowhere else, and is revoked',
    async (status) => {
      vault.intercept = (r) =>
        r.path === '/v1/database/creds/migrator'
          ? { status, headers: { location: `${elsewhere.url}/v1/database/creds/migrator` } }
          : undefined;
      const before = alive();
      const err = await failure(
        gateway().issue(request('database/creds/migrator'), await identity(), signal),
      );
      expectRedirectError(err, status, elsewhere.url);
      expectNothingElsewhere();
      // The token it logged in with was revoked at the configured address.
      expect(aliveSince(before)).toEqual([]);
      expect(log.lines.some((l) => l.startsWith('warning:'))).toBe(false);
    },
  );

  it('does not follow a redirect on revocation, and says what stays valid', async () => {
    const g = gateway();
    const handle = vaultHandle(
      await issued(g.issue(request('database/creds/migrator'), await identity(), signal)),
    );
    vault.intercept = (r) =>
      r.path === '/v1/sys/leases/revoke' || r.path === '/v1/auth/token/revoke-self'
        ? { status: 307, headers: { location: `${elsewhere.url}${r.path}` } }
        : undefined;
    const err = await failure(g.revoke(handle, signal));
    expect(err.code).toBe('GATEWAY');
    expect(describeError(err)).not.toMatch(/[\r\n]/);
    expect(err.message).toMatch(
      new RegExp(
        `^Vault revocation failed: lease database/creds/migrator/\\S+: .*answered HTTP 307, a redirect to ${elsewhere.url}.*; token: POST ${vault.url}/v1/auth/token/revoke-self answered HTTP 307, a redirect to ${elsewhere.url}`,
      ),
    );
    expect(err.hint).toContain('Set `gateway` to the active Vault node or to a load balancer');
    expect(err.hint).toContain('stay valid until');
    expectNothingElsewhere();
    expect(vault.tokenValid(handle.token)).toBe(true);
    vault.intercept = undefined;
    await g.revoke(handle, signal);
    expect(vault.tokenValid(handle.token)).toBe(false);
  });

  it("names only the Location's origin, never its path or query", async () => {
    const id = await identity();
    vault.intercept = (r) =>
      r.path.endsWith('/login')
        ? {
            status: 302,
            headers: { location: `${elsewhere.url}/steal/${id.value}?jwt=${id.value}#${id.value}` },
          }
        : undefined;
    const err = await failure(gateway().issue(request('kv/ci/app'), id, signal));
    expectRedirectError(err, 302, elsewhere.url);
    expect(err.message).not.toContain('/steal');
    expectNothingElsewhere();
  });
});

describe('revoke', () => {
  it('revokes the leases, then the token', async () => {
    const g = gateway();
    const result = await issued(
      g.issue(request('database/creds/migrator'), await identity(), signal),
    );
    const handle = vaultHandle(result);
    const lease = handle.leases[0] ?? '';
    const before = vault.requests.length;
    await g.revoke(handle, signal);
    expect(vault.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([
      'PUT /v1/sys/leases/revoke',
      'POST /v1/auth/token/revoke-self',
    ]);
    expect(vault.leaseRevokedBy(lease)).toBe('lease');
    expect(vault.leaseValid(lease)).toBe(false);
    expect(vault.tokenValid(handle.token)).toBe(false);
  });

  it('revokes through the token when the role may not revoke leases', async () => {
    const g = gateway({ role: 'reader' });
    const handle = vaultHandle(
      await issued(g.issue(request('database/creds/migrator'), await identity(), signal)),
    );
    await g.revoke(handle, signal);
    expect(vault.leaseRevokedBy(handle.leases[0] ?? '')).toBe('token');
    expect(vault.tokenValid(handle.token)).toBe(false);
    expect(log.lines.some((l) => l.startsWith('warning:'))).toBe(false);
  });

  it("revokes after the job's command failed", async () => {
    const g = gateway();
    const result = await issued(
      g.issue(
        request('database/creds/migrator', { env: { PGPASSWORD: 'password' } }),
        await identity(),
        signal,
      ),
    );
    const child = spawnSync(process.execPath, ['-e', 'process.exit(3)'], {
      env: { PGPASSWORD: result.values.password ?? '' },
    });
    expect(child.status).toBe(3);
    await g.revoke(vaultHandle(result), signal);
    expect(vault.leaseValid(vaultHandle(result).leases[0] ?? '')).toBe(false);
  });

  it('is fine twice', async () => {
    const g = gateway();
    const handle = vaultHandle(
      await issued(g.issue(request('database/creds/migrator'), await identity(), signal)),
    );
    await g.revoke(handle, signal);
    await g.revoke(handle, signal);
    expect(vault.tokenValid(handle.token)).toBe(false);
    expect(log.lines.some((l) => l.startsWith('warning:'))).toBe(false);
  });

  it('is fine after expiry, whether or not gatepass knows it expired', async () => {
    const g = gateway();
    const handle = vaultHandle(
      await issued(g.issue(request('database/creds/migrator'), await identity(), signal)),
    );
    vault.advance(901_000);
    try {
      await g.revoke(handle, signal);
      // Expired by gatepass's clock too: nothing to ask Vault.
      const before = vault.requests.length;
      await g.revoke({ ...handle, expiresAt: new Date(Date.now() - 1000).toISOString() }, signal);
      expect(vault.requests.length).toBe(before);
    } finally {
      vault.advance(-901_000);
    }
  });

  it('survives a crash: the saved handle alone lets a fresh gateway revoke', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatepass-vault-'));
    try {
      const result = await issued(
        gateway().issue(request('database/creds/migrator'), await identity(), signal),
      );
      // What the main step saves as soon as it has a credential.
      const state = join(dir, 'state.json');
      await writeFile(state, JSON.stringify({ revocations: [result.revocation] }));
      // A new process: only the file and the inputs.
      const saved = JSON.parse(await readFile(state, 'utf8')) as {
        revocations: RevocationHandle[];
      };
      const handle = saved.revocations[0];
      if (handle === undefined) throw new Error('no handle saved');
      await gateway().revoke(handle, signal);
      expect(vault.leaseValid(vaultHandle(result).leases[0] ?? '')).toBe(false);
      expect(vault.tokenValid(vaultHandle(result).token)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says what stays valid when Vault cannot be reached to revoke', async () => {
    const g = gateway();
    const handle = vaultHandle(
      await issued(g.issue(request('database/creds/migrator'), await identity(), signal)),
    );
    vault.seal();
    const err = await failure(gateway({ timeoutMs: 300 }).revoke(handle, signal));
    vault.seal(0);
    expect(err.code).toBe('GATEWAY');
    expect(err.message).toMatch(
      /^Vault revocation failed: lease database\/creds\/migrator\/\S+: .*; token: .*Vault is sealed/,
    );
    expect(err.hint).toContain('stay valid until');
    await g.revoke(handle, signal);
  });

  it('fails, with the fix, when the token may not revoke itself (no `default` policy)', async () => {
    const g = gateway({ role: 'nodefault' });
    const result = await issued(g.issue(request('kv/ci/app'), await identity(), signal));
    // Said at login, while the role can still be fixed.
    expect(
      log.lines.some(
        (l) =>
          l.startsWith('warning: the token of role "nodefault" lacks Vault\'s `default` policy') &&
          l.includes('gatepass cannot revoke it when the step ends'),
      ),
    ).toBe(true);
    const handle = vaultHandle(result);
    expect(handle.noDefaultPolicy).toBe(true);
    const records = await revokeInFlow(g, 'db', handle);
    expect(records).toEqual([expect.objectContaining({ name: 'db', result: 'failed' }) as unknown]);
    const detail = records[0]?.detail ?? '';
    expect(detail).toContain(
      'Vault refused to let the token revoke itself: POST ' +
        vault.url +
        '/v1/auth/token/revoke-self answered HTTP 403 (1 error occurred: * permission denied)',
    );
    expect(detail).toContain(
      'attach it (drop token_no_default_policy) or give the role update on auth/token/revoke-self',
    );
    expect(detail).not.toMatch(/[\r\n]/);
    expect(
      log.lines.filter((l) => l.startsWith('error: "db" was not revoked: Vault refused')),
    ).toHaveLength(1);
    expect(vault.tokenValid(handle.token)).toBe(true);
  });

  it('takes a 403 for "already gone" only when it is: "invalid token", or a token with `default`', async () => {
    for (const flavour of ['vault', 'openbao'] as const) {
      const bao = await startVaultDouble({
        flavour,
        roles: ROLES,
        kvV1: { x: { k: 'kv1-value-of-x-3c4d' } },
      });
      try {
        const id = await bao.idToken();
        secrets.add(id.value);
        const on = (role: string) => gateway({ gateway: bao.url, role });
        // Revoked elsewhere (an operator, an earlier run): gone either way for a
        // token with `default`; for one without, only Vault's "invalid token" says so.
        for (const role of ['reader', 'nodefault']) {
          const g = on(role);
          const handle = vaultHandle(await issued(g.issue(request('kv/x'), id, signal)));
          bao.revokeToken(handle.token);
          if (role === 'nodefault' && flavour === 'openbao') {
            // OpenBao's "permission denied" cannot tell gone from refused: not claimed revoked.
            const err = await failure(g.revoke(handle, signal));
            expect(err.message).toContain('Vault refused to let the token revoke itself');
          } else {
            await g.revoke(handle, signal);
          }
        }
        expect(bao.violations).toEqual([]);
      } finally {
        await bao.stop();
      }
    }
  });

  it('reports a lease Vault could not revoke as not revoked, now and on every retry', async () => {
    const g = gateway();
    const result = await issued(g.issue(request('database/creds/owner'), await identity(), signal));
    const handle = vaultHandle(result);
    const lease = handle.leases[0] ?? '';
    const records = await revokeInFlow(g, 'db', handle);
    expect(records).toEqual([expect.objectContaining({ name: 'db', result: 'failed' }) as unknown]);
    const detail = records[0]?.detail ?? '';
    expect(detail).toContain(
      `Vault could not revoke a lease: lease ${lease}: PUT ${vault.url}/v1/sys/leases/revoke answered HTTP 400 (failed to revoke entry: resp: (*logical.Response)(nil) err: ERROR: role "***" cannot be dropped because some objects depend on it (SQLSTATE 2BP01)); the token was revoked, so gatepass cannot retry it`,
    );
    expect(detail).toContain('REASSIGN OWNED BY and DROP OWNED BY');
    expect(detail).toContain('vault lease revoke <lease id>');
    // The database user is still there; the token is not.
    expect(vault.leaseValid(lease)).toBe(true);
    expect(vault.tokenValid(handle.token)).toBe(false);
    expect(
      log.lines.some((l) =>
        l.startsWith(`error: "db" was not revoked: Vault could not revoke a lease`),
      ),
    ).toBe(true);
    // Post (the same handle, saved with its progress): still not revoked, and says why.
    const saved = JSON.parse(JSON.stringify(handle)) as VaultRevocation;
    const before = vault.requests.length;
    const again = await failure(gateway().revoke(saved, signal));
    expect(again.message).toContain('Vault could not revoke a lease when the step ended');
    expect(again.message).toContain('its token was revoked then, so gatepass cannot retry it');
    expect(vault.requests.length).toBe(before);
  });

  it('recognises a batch token: never sent to revoke-self, reported as skipped, warned about', async () => {
    const g = gateway({ role: 'batcher' });
    const result = await issued(g.issue(request('kv/ci/app'), await identity(), signal));
    const handle = vaultHandle(result);
    expect(handle.tokenType).toBe('batch');
    expect(handle.token).toMatch(/^hvb\./);
    expect(
      log.lines.some(
        (l) =>
          l.startsWith('warning: role "batcher" gives batch tokens, which Vault cannot revoke') &&
          l.includes('(1h, longer than the 10m asked)'),
      ),
    ).toBe(true);
    const before = vault.requests.length;
    const records = await revokeInFlow(g, 'db', handle);
    expect(records).toEqual([
      expect.objectContaining({
        name: 'db',
        result: 'skipped',
        detail: `a batch token, which Vault cannot revoke, stays valid until ${handle.expiresAt ?? ''}`,
      }) as unknown,
    ]);
    expect(log.lines).toContain(
      `warning: "db" cannot be revoked: a batch token, which Vault cannot revoke, stays valid until ${handle.expiresAt ?? ''}`,
    );
    expect(vault.requests.slice(before)).toEqual([]);
    expect(vault.tokenValid(handle.token)).toBe(true);
  });

  it("revokes a batch token's leases, and says the token lives on", async () => {
    const g = gateway({ role: 'batcher' });
    const handle = vaultHandle(
      await issued(g.issue(request('database/creds/migrator'), await identity(), signal)),
    );
    const before = vault.requests.length;
    const records = await revokeInFlow(g, 'db', handle);
    expect(records).toEqual([
      expect.objectContaining({
        result: 'revoked',
        detail: `its lease revoked; the batch token, which Vault cannot revoke, stays valid until ${handle.expiresAt ?? ''}`,
      }) as unknown,
    ]);
    expect(vault.leaseRevokedBy(handle.leases[0] ?? '')).toBe('lease');
    expect(vault.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([
      'PUT /v1/sys/leases/revoke',
    ]);
    expect(vault.tokenValid(handle.token)).toBe(true);
  });

  it('refuses a handle of another provider', () => {
    expect(() =>
      gateway().revoke(
        { provider: 'hoop', gateway: 'https://h', connection: 'c', credentialId: 'x' },
        signal,
      ),
    ).toThrow('a hoop revocation handle reached the Vault gateway');
  });
});

describe('createGateway', () => {
  it('builds the Vault gateway from the inputs', async () => {
    const g = await createGateway(
      {
        provider: { name: 'vault', role: 'reader', authPath: 'jwt', namespace: undefined },
        gateway: vault.url,
        timeoutMs: 2000,
      },
      { registerSecret: (v) => secrets.add(v), logger: log.logger },
    );
    const result = await issued(g.issue(request('kv/ci/app'), await identity(), signal));
    expect(result.values.api_key).toBe('kv1-api-key-9f8e7d6c');
    await g.revoke(vaultHandle(result), signal);
    expect(vault.tokenValid(vaultHandle(result).token)).toBe(false);
  });
});

describe('the double', () => {
  it('rejects a request the Vault API description does not allow, loudly', async () => {
    const token = await identity();
    // A misspelt field: `roles` for `role`.
    const misspelt = await fetch(`${vault.url}/v1/auth/jwt/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ roles: 'migrator', jwt: token.value }),
    });
    expect(misspelt.status).toBe(400);
    // A method the path does not have.
    const method = await fetch(`${vault.url}/v1/sys/leases/revoke`, { method: 'GET' });
    expect(method.status).toBe(405);
    // A path no mounted engine has.
    const path = await fetch(`${vault.url}/v1/database/roles-of-nobody/x/y`);
    expect(path.status).toBe(405);
    expect(vault.violations).toEqual([
      'POST /v1/auth/jwt/login: body: "roles" is not a field the spec describes',
      'GET /v1/sys/leases/revoke: method not in the Vault API description (it lists post)',
      'GET /v1/database/roles-of-nobody/x/y: no such path in the Vault API description (for the mounts of this double)',
    ]);
    vault.violations.length = 0;
  });
});

describe("node-vault's request check, without tv4 (vault-check.ts)", () => {
  it('answers as tv4 does, for the schema node-vault checks each request against', async () => {
    // The schema node-vault passes: caught by a check that records it.
    const schemas: RequestSchema[] = [];
    const recorder = {
      error: null,
      validate: (_data: unknown, schema: RequestSchema) => schemas.push(schema) > 0,
    };
    const client = nodeVault({
      endpoint: 'http://127.0.0.1:1',
      debug: () => undefined,
      commands: {},
      tv4: recorder as unknown as NonNullable<NonNullable<Parameters<typeof nodeVault>[0]>['tv4']>,
      'request-promise': {
        defaults: () => () =>
          Promise.resolve({ statusCode: 204, body: '', request: { path: '/' } }),
      },
    });
    await client.request({ path: '/sys/health', method: 'GET' });
    const schema = schemas[0];
    if (schema === undefined) throw new Error('node-vault checked no schema');
    const tv4 = createRequire(import.meta.url)('tv4') as {
      validate(data: unknown, schema: unknown): boolean;
      error: { message: string } | null;
    };
    const check = requestCheck();
    const cases: unknown[] = [
      { path: '/auth/jwt/login', method: 'POST', headers: {}, json: { role: 'ci' } },
      { path: '/x', method: 'GET', signal: new AbortController().signal },
      { method: 'GET' },
      { path: '/x' },
      { path: undefined, method: 'GET' },
      { path: 1, method: 'GET' },
      { path: '/x', method: null },
      { path: '/x', method: ['GET'] },
      {},
      null,
      'GET /x',
      [],
      7,
    ];
    for (const data of cases) {
      const theirs = tv4.validate(data, schema);
      expect([data, check.validate(data, schema), check.error?.message]).toEqual([
        data,
        theirs,
        theirs ? undefined : tv4.error?.message,
      ]);
    }
  });
});
