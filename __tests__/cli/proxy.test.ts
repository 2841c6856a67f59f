/**
 * `gatepass run` behind a corporate proxy, as the bundled CLI (run by .ci/run
 * on Node 20 too, where Node's own fetch ignores HTTPS_PROXY): each gateway
 * (Vault, the reference token-exchange gateway, the hoop double) sits behind
 * TLS with a private CA, at a name only the proxy resolves
 * (`vault.corp.test`, …); the proxy wants credentials. Every request to the
 * gateway, revocation included, goes through the proxy; the proxy's password
 * never shows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHoopDouble, type HoopDouble } from '../doubles/hoop.js';
import { startVaultDouble, VAULT_AUDIENCE, type VaultDouble } from '../doubles/vault.js';
import { testGateway, type TestGateway } from '../helpers/gateway.js';
import { makeCa, startProxy, tlsFront, type Ca, type Front, type Proxy } from '../helpers/proxy.js';
import { CLI, gitlabJobEnv, launch } from '../helpers/runner.js';

const NAME = 'vault.corp.test';
const STS = 'sts.corp.test';
const HOOP = 'hoop.corp.test';
const PASSWORD = 'pr0xy-s3cret-pw';
const HOOP_KEY = `hpk_${'pr0xy'.repeat(8)}`;

let ca: Ca;
let vault: VaultDouble;
let front: Front;
let sts: TestGateway;
let stsFront: Front;
let hoop: HoopDouble;
let hoopFront: Front;
let proxy: Proxy;
let root: string;

beforeAll(async () => {
  ca = makeCa([NAME, STS, HOOP]);
  vault = await startVaultDouble({
    roles: {
      ci: {
        boundAudiences: [VAULT_AUDIENCE],
        boundClaims: { project_path: ['group/project'] },
        policies: [{ path: 'database/creds/migrator', capabilities: ['read'] }],
      },
    },
    databaseRoles: { migrator: { ttl: 600 } },
  });
  front = await tlsFront(vault.url, ca);
  sts = await testGateway({
    policy:
      'rules: [{ name: r, match: { project_path: group/project }, scopes: [read], audiences: ["https://api.example.com"] }]',
  });
  // Its discovery document names the address it is reached at.
  stsFront = await tlsFront(sts.url, ca, { publicName: STS });
  hoop = await startHoopDouble({ connections: { pg: {} }, apiKeys: { [HOOP_KEY]: 'ci-bot' } });
  hoopFront = await tlsFront(hoop.url, ca);
  proxy = await startProxy({
    hosts: { [NAME]: '127.0.0.1', [STS]: '127.0.0.1', [HOOP]: '127.0.0.1' },
    credentials: { user: 'ci-bot', password: PASSWORD },
  });
  root = mkdtempSync(join(tmpdir(), 'gatepass-cli-proxy-'));
});

afterAll(async () => {
  await proxy.close();
  await front.close();
  await vault.stop();
  await stsFront.close();
  await sts.stop();
  await hoopFront.close();
  await hoop.stop();
  ca.remove();
  rmSync(root, { recursive: true, force: true });
});

/** A GitLab job's environment for the Vault double; `extra` may switch provider (Vault's own inputs then go). */
async function job(extra: Record<string, string>): Promise<Record<string, string>> {
  const project = mkdtempSync(join(root, 'job-'));
  const vaultOnly =
    (extra.GATEPASS_PROVIDER ?? 'vault') === 'vault' ? { GATEPASS_VAULT_ROLE: 'ci' } : {};
  return {
    ...gitlabJobEnv({ projectDir: project }),
    GATEPASS_PROVIDER: 'vault',
    GATEPASS_GATEWAY: `https://${NAME}:${front.port}`,
    GATEPASS_AUDIENCE: VAULT_AUDIENCE,
    ...vaultOnly,
    GATEPASS_CREDENTIALS: '- name: db\n  path: database/creds/migrator',
    GATEPASS_ID_TOKEN: await vault.issuer.mint({ platform: 'gitlab', audience: VAULT_AUDIENCE }),
    HTTPS_PROXY: proxy.url,
    NO_PROXY: 'gitlab.example.com,.internal',
    ...extra,
  };
}

/**
 * Runs a script that needs $DB_PASSWORD under `gatepass run` in `env` and
 * checks what each provider's proxy test checks: the job got its credential,
 * the password never showed, and every CONNECT since `before` went to `target`.
 */
async function expectCredentialThroughProxy(options: {
  before: number;
  env: Record<string, string>;
  target: string;
}): Promise<void> {
  const result = await launch(CLI, options.env, [
    'run',
    '--',
    'sh',
    '-c',
    'test -n "$DB_PASSWORD" && echo "got a credential"',
  ]).result;
  expect(result.stderr).not.toContain(PASSWORD);
  expect(result.stdout).not.toContain(PASSWORD);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('got a credential');
  const connects = proxy.connects.slice(options.before);
  expect(connects.length).toBeGreaterThan(0);
  expect(new Set(connects.map((c) => c.target))).toEqual(new Set([options.target]));
}

describe.each([
  ['NODE_EXTRA_CA_CERTS', (): Record<string, string> => ({ NODE_EXTRA_CA_CERTS: ca.caFile })],
  ['ca-certificate', (): Record<string, string> => ({ GATEPASS_CA_CERTIFICATE: ca.caPem })],
])('behind a proxy, trusting the private CA by %s', (_how, trust) => {
  it('logs in, reads and revokes through the proxy; its password never shows', async () => {
    const before = proxy.connects.length;
    const env = await job(trust());
    await expectCredentialThroughProxy({ before, env, target: `${NAME}:${front.port}` });
    expect(vault.requests.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/v1/auth/jwt/login', '/v1/auth/token/revoke-self']),
    );
    expect(vault.liveTokens()).toEqual([]);
    expect(vault.liveLeases()).toEqual([]);
    expect(vault.violations).toEqual([]);
  });
});

it('names the proxy, not its credentials, when it refuses them (407)', async () => {
  const wrong = new URL(proxy.url);
  wrong.password = 'wr0ng-pw-value';
  const env = await job({ GATEPASS_CA_CERTIFICATE: ca.caPem, HTTPS_PROXY: wrong.href });
  const result = await launch(CLI, env, ['run', '--', 'true']).result;
  expect(result.code).toBe(125);
  expect(result.stderr).toContain(
    `cannot reach Vault at https://${NAME}:${front.port} through the proxy at ${proxy.origin} (proxy answered 407)`,
  );
  expect(result.stderr).not.toContain('wr0ng-pw-value');
  expect(result.stderr).not.toContain('ci-bot');
});

/** Per provider: its variables, and what it has issued and not revoked. */
const others: Array<
  [
    string,
    () => Promise<{ host: string; port: number; env: Record<string, string>; live: () => number }>,
  ]
> = [
  [
    'token-exchange',
    async () => {
      const from = sts.audit.length;
      return {
        host: STS,
        port: stsFront.port,
        env: {
          GATEPASS_PROVIDER: 'token-exchange',
          GATEPASS_GATEWAY: `https://${STS}:${stsFront.port}`,
          // The subject token's audience: what the reference gateway accepts, its own address.
          GATEPASS_AUDIENCE: sts.url,
          GATEPASS_CREDENTIALS:
            '- name: db\n  scope: read\n  audience: https://api.example.com\n  env: { DB_PASSWORD: access_token }',
          GATEPASS_ID_TOKEN: await sts.mintIdToken({ platform: 'gitlab', audience: sts.url }),
          GATEPASS_CA_CERTIFICATE: ca.caPem,
        },
        live: () => sts.tokens(from).live.length,
      };
    },
  ],
  [
    'hoop',
    () =>
      Promise.resolve({
        host: HOOP,
        port: hoopFront.port,
        env: {
          GATEPASS_PROVIDER: 'hoop',
          GATEPASS_GATEWAY: `https://${HOOP}:${hoopFront.port}`,
          GATEPASS_HOOP_API_KEY: HOOP_KEY,
          GATEPASS_CREDENTIALS: '- name: db\n  connection: pg',
          NODE_EXTRA_CA_CERTS: ca.caFile,
        },
        live: () => hoop.liveCredentials().length,
      }),
  ],
];

describe.each(others)('%s behind a proxy', (_provider, setup) => {
  it('issues and revokes through the proxy; its password never shows', async () => {
    const before = proxy.connects.length;
    const { host, port, env, live } = await setup();
    await expectCredentialThroughProxy({ before, env: await job(env), target: `${host}:${port}` });
    expect(live()).toBe(0);
    expect(hoop.violations).toEqual([]);
  });
});
