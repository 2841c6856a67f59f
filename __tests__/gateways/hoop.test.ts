/**
 * The hoop gateway against the hoop double (spec-checked, on loopback, and
 * behaving as hoop's code does: see the double's header) and, for
 * token-exchange authentication, the reference token-exchange gateway running
 * for real: hoop verifies the exchanged JWT against its JWKS.
 *
 * Each test gets a fresh double: hoop keeps one credential per user and
 * connection, so state left by one test would change what the next is given.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throughProxy } from '../helpers/proxy.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GatepassError, describeError } from '../../src/common/errors.js';
import { awaitGatewayApproval } from '../../src/approvals/gate.js';
import {
  isPending,
  type CredentialRequest,
  type Gateway,
  type HoopRevocation,
  type Issued,
  type Pending,
  type RevocationHandle,
  type RevocationNote,
} from '../../src/gateways/gateway.js';
import { createHoopGateway, runMetadata, type HoopOptions } from '../../src/gateways/hoop.js';
import { createGateway, type GatewaySettings } from '../../src/gateways/index.js';
import { createTokenExchangeGateway } from '../../src/gateways/token-exchange.js';
import type { IdentityToken } from '../../src/identity/token.js';
import { VERSION } from '../../src/common/version.js';
import { startHoopDouble, type HoopDouble, type HoopDoubleOptions } from '../doubles/hoop.js';
import {
  failure as gatepassFailure,
  issued,
  testGateway,
  type TestGateway,
} from '../helpers/gateway.js';
import { captureLog, type CapturedLog } from '../helpers/log.js';

const HOOP_AUDIENCE = 'https://hoop.example';
const API_KEY = `hpk_${'k3y'.repeat(12)}`;
/** hoop's legacy org-wide key: `<org id>|<random>`, sent as `Api-Key`. */
const LEGACY_KEY = `0b0e5bd4-5b3c-4a7a-9a0e-5f7c1d2e3f40|${'l3gacy'.repeat(6)}`;
/** The `sub` of the runner's ID token, which the reference gateway keeps in the exchanged token. */
const CI_SUBJECT = 'repo:octo-org/app:ref:refs/heads/main';
const POLICY = `
max_ttl: 1h
default_ttl: 15m
rules:
  - name: hoop
    match: { repository: octo-org/app }
    scopes: [hoop]
    audiences: ["${HOOP_AUDIENCE}", "https://hoop-staging.example"]
`;

let gw: TestGateway;
let hoop: HoopDouble;
let log: CapturedLog;
const secrets = new Set<string>([API_KEY, LEGACY_KEY]);
const errors: string[] = [];
/** What every double answered beyond its operation's listed statuses. */
const unlisted = new Set<string>();
const signal = new AbortController().signal;

function doubleOptions(): HoopDoubleOptions {
  return {
    connections: {
      pg: {},
      'pg-prod': { reviewers: ['sre'] },
      box: { subtype: 'ssh' },
    },
    apiKeys: { [API_KEY]: 'ci-bot' },
    legacyApiKey: LEGACY_KEY,
    users: { [CI_SUBJECT]: { email: 'ci@example.com' } },
    trust: { jwksUrl: `${gw.url}/jwks` },
  };
}

beforeAll(async () => {
  gw = await testGateway({ policy: POLICY });
  secrets.add(gw.adminToken);
});
afterAll(async () => {
  await gw.stop();
});
beforeEach(async () => {
  hoop = await startHoopDouble(doubleOptions());
  log = captureLog();
  errors.length = 0;
});
afterEach(async () => {
  const violations = [...hoop.violations];
  for (const answer of hoop.unlisted) unlisted.add(answer);
  await hoop.stop();
  expect(violations).toEqual([]);
  log.lines.push(...errors);
  log.expectNoSecrets(secrets);
});

const common = {
  registerSecret: (value: string) => secrets.add(value),
  timeoutMs: 2000,
  attemptTimeoutMs: 400,
  retry: { initialDelayMs: 10, maxDelayMs: 50 },
};

function withKey(overrides: Partial<HoopOptions> = {}) {
  return createHoopGateway({
    gateway: hoop.url,
    apiKey: API_KEY,
    logger: log.logger,
    pollIntervalSeconds: 0.02,
    ...common,
    ...overrides,
  });
}

function exchanger() {
  return createTokenExchangeGateway({ gateway: gw.url, logger: log.logger, ...common });
}

function withExchange(audience = HOOP_AUDIENCE) {
  return createHoopGateway({
    gateway: `${hoop.url}/api/`,
    exchange: { gateway: exchanger(), tokenExchange: { scope: 'hoop', audience } },
    logger: log.logger,
    pollIntervalSeconds: 0.02,
    ...common,
  });
}

async function identity(claims: Record<string, string> = {}): Promise<IdentityToken> {
  const token = await gw.github(claims);
  secrets.add(token.value);
  return token;
}

function request(connection: string, extra: Partial<CredentialRequest> = {}): CredentialRequest {
  return { name: 'db', ttlSeconds: 600, hoop: { connection }, ...extra };
}

async function pending(result: Promise<Issued | Pending>): Promise<Pending> {
  const value = await result;
  if (!isPending(value)) throw new Error('expected pending');
  return value;
}

function hoopHandle(result: Issued): HoopRevocation {
  const handle = result.revocation;
  if (handle?.provider !== 'hoop') throw new Error('expected a hoop revocation handle');
  return handle;
}

async function failure(promise: Promise<unknown>): Promise<GatepassError> {
  const err = await gatepassFailure(promise);
  errors.push(describeError(err));
  return err;
}

/** Revoke, and say what the gateway noted (undefined: plainly revoked). */
async function revokeNoting(
  gateway: Gateway,
  handle: RevocationHandle,
): Promise<RevocationNote | undefined> {
  let note: RevocationNote | undefined;
  await gateway.revoke(handle, signal, (n) => {
    note = n;
  });
  return note;
}

describe('issue', () => {
  it('answers 201 with the credentials: the key (username) is the secret, the password "hoop" is not', async () => {
    const before = hoop.requests.length;
    const result = await issued(withKey().issue(request('pg'), await identity(), signal));
    expect(Object.keys(result.values).sort()).toEqual([
      'connection_string',
      'database_name',
      'hostname',
      'password',
      'port',
      'username',
    ]);
    // buildConnectionCredentialsResponse: username is the key, password the literal "hoop".
    expect(result.values.password).toBe('hoop');
    expect(result.values.username).toMatch(/^pg-[\w-]{43}$/);
    expect(result.publicFields).toEqual(['hostname', 'port', 'password', 'database_name']);
    expect(secrets.has(result.values.username ?? '')).toBe(true);
    expect(secrets.has(result.values.connection_string ?? '')).toBe(true);
    // Masking "hoop" would blank every host name and word that contains it.
    expect(secrets.has('hoop')).toBe(false);
    const left = (result.expiresAt?.getTime() ?? 0) - Date.now();
    expect(left).toBeGreaterThan(590_000);
    expect(left).toBeLessThanOrEqual(600_000);
    const handle = hoopHandle(result);
    expect(handle).toEqual({
      provider: 'hoop',
      gateway: `${hoop.url}/`,
      connection: 'pg',
      credentialId: expect.any(String),
      sessionId: expect.any(String),
      keyDigest: expect.stringMatching(/^[0-9a-f]{32}$/),
      expiresAt: result.expiresAt?.toISOString(),
    });
    expect(hoop.credentialValid(handle.credentialId)).toBe(true);
    const seen = hoop.requests.slice(before);
    expect(seen.map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual([
      'GET /api/connections/pg/credentials api-key',
      'POST /api/connections/pg/credentials api-key',
      `GET /api/sessions/${handle.sessionId ?? ''} api-key`,
      `PATCH /api/sessions/${handle.sessionId ?? ''}/metadata api-key`,
    ]);
    for (const r of seen) expect(r.userAgent).toBe(`gatepass/${VERSION}`);
  });

  it("records the CI run merged into the session's metadata, keeping hoop's credentials_expire_at", async () => {
    const result = await issued(withKey().issue(request('pg'), await identity(), signal));
    const session = hoopHandle(result).sessionId ?? '';
    // PATCH replaces hoop's whole metadata (session.go UpdateSessionMetadata): gatepass reads first.
    expect(hoop.sessionMetadata(session)).toEqual({
      credentials_expire_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      gatepass_version: VERSION,
      ci_platform: 'github',
      ci_repository: 'octo-org/app',
      ci_run_id: '9000001',
      ci_run_attempt: '1',
      ci_commit: 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
      ci_ref: 'refs/heads/main',
      ci_workflow: 'octo-org/app/.github/workflows/deploy.yml@refs/heads/main',
      ci_actor: 'octocat',
    });
  });

  it('warns that the listener address hoop reports points at the runner, naming `hoop-host`', async () => {
    const result = await issued(withKey().issue(request('pg'), await identity(), signal));
    // getServerHostAndPort: the Postgres listener's bind address, as configured.
    expect(result.values.hostname).toBe('0.0.0.0');
    expect(log.lines).toContain(
      'warning: hoop reports its listener address "0.0.0.0:15432" for connection pg ("db"), which points at the runner itself: set `hoop-host` to the host (and port) jobs reach hoop\'s listener at',
    );
  });

  it('rewrites hostname, port and connection_string to `hoop-host`', async () => {
    const g = withKey({ host: { host: 'hoop.internal', port: '5433' } });
    const result = await issued(g.issue(request('pg'), await identity(), signal));
    const key = result.values.username ?? '';
    expect(result.values).toMatchObject({
      hostname: 'hoop.internal',
      port: '5433',
      connection_string: `postgres://${key}:hoop@hoop.internal:5433/app?sslmode=disable`,
    });
    expect(log.lines.some((l) => l.startsWith('warning:'))).toBe(false);
    // A host alone keeps hoop's port.
    const hostOnly = await issued(
      withKey({ host: { host: '10.0.0.7' } }).issue(request('box'), await identity(), signal),
    );
    expect(hostOnly.values).toMatchObject({ hostname: '10.0.0.7', port: '12222' });
    expect(hostOnly.values.command).toBe(
      `sshpass -p 'hoop' ssh ${hostOnly.values.password ?? ''}@10.0.0.7 -p 12222`,
    );
  });

  it('an SSH connection: the key is the password there, and the username "hoop" is not secret', async () => {
    const result = await issued(withKey().issue(request('box'), await identity(), signal));
    expect(result.values.username).toBe('hoop');
    expect(result.values.password).toMatch(/^ssh-[\w-]{43}$/);
    expect(result.publicFields).toContain('username');
    expect(result.publicFields).not.toContain('password');
    expect(secrets.has(result.values.password ?? '')).toBe(true);
    expect(secrets.has('hoop')).toBe(false);
  });

  it('sends a legacy (not hpk_) key in an Api-Key header, and revokes with it', async () => {
    const g = withKey({ apiKey: LEGACY_KEY });
    const handle = hoopHandle(await issued(g.issue(request('pg'), await identity(), signal)));
    expect(hoop.requests.at(-1)?.auth).toBe('legacy-key');
    expect(await revokeNoting(g, handle)).toBeUndefined();
    expect(hoop.credentialValid(handle.credentialId)).toBe(false);
    expect(hoop.requests.every((r) => r.auth === 'legacy-key')).toBe(true);
    // In `Bearer`, hoop takes it for an IdP token (auth.go): refused.
    const bearer = await fetch(`${hoop.url}/api/connections/pg/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${LEGACY_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ access_duration_seconds: 60 }),
    });
    expect([bearer.status, await bearer.json()]).toEqual([401, { message: 'access denied' }]);
  });

  it('authenticates with a token from the token exchange, and revokes both', async () => {
    const g = withExchange();
    const result = await issued(g.issue(request('pg'), await identity(), signal));
    const handle = hoopHandle(result);
    expect(hoop.requests.at(-1)?.auth).toBe('jwt');
    expect(handle.token).toEqual(expect.any(String));
    expect(secrets.has(handle.token ?? '')).toBe(true);
    expect(handle.auth?.provider).toBe('token-exchange');
    const info = await gw.introspect(handle.token ?? '');
    expect(info).toMatchObject({ active: true, aud: HOOP_AUDIENCE, scope: 'hoop' });
    // The bearer outlives the credential, so it can still revoke it.
    expect(Number(info.exp) - Number(info.iat)).toBe(900);
    await g.revoke(handle, signal);
    expect(hoop.credentialValid(handle.credentialId)).toBe(false);
    expect((await gw.introspect(handle.token ?? '')).active).toBe(false);
  });

  it('names the fields that exist when env asks for one that does not, and revokes the credential', async () => {
    const err = await failure(
      withKey().issue(request('pg', { env: { PGPASS: 'pass' } }), await identity(), signal),
    );
    expect(err.code).toBe('CONFIG');
    expect(err.message).toBe(
      'credential "db": hoop connection pg has no field pass (for PGPASS); its fields are: connection_string, database_name, hostname, password, port, username',
    );
    expect(hoop.liveCredentials()).toEqual([]);
  });

  it('checks the connection name before any call, and explains an unknown one', async () => {
    const before = hoop.requests.length;
    const bad = await failure(withKey().issue(request('pg/../x'), await identity(), signal));
    expect(bad.message).toContain('is not a hoop connection name');
    expect(hoop.requests.length).toBe(before);
    const unknown = await failure(withKey().issue(request('pg-nope'), await identity(), signal));
    expect(unknown.message).toContain('HTTP 404 (connection pg-nope not found)');
    expect(unknown.hint).toContain('Check `connection` (pg-nope)');
  });

  it('needs exactly one of an API key and a token exchange', () => {
    expect(() => createHoopGateway({ gateway: hoop.url, ...common })).toThrow(
      'needs `hoop-api-key` or a token exchange',
    );
    expect(() =>
      createHoopGateway({
        gateway: hoop.url,
        apiKey: API_KEY,
        exchange: { gateway: exchanger() },
        ...common,
      }),
    ).toThrow('are both set');
    expect(() => withKey({ gateway: 'http://hoop.example.com' })).toThrow('must use https:');
  });

  it('takes the run identity from GitLab claims too', async () => {
    const token = await gw.mintIdToken({ platform: 'gitlab' });
    secrets.add(token);
    const { parseIdentityToken } = await import('../../src/identity/token.js');
    expect(runMetadata(parseIdentityToken(token, 'gitlab', 'test'))).toMatchObject({
      ci_platform: 'gitlab',
      ci_repository: 'group/project',
      ci_run_id: '40',
      ci_job_id: '50',
      ci_actor: 'developer',
    });
  });
});

describe('refusals', () => {
  it('explains a wrong API key, without repeating it', async () => {
    const wrong = `hpk_${'x'.repeat(30)}`;
    secrets.add(wrong);
    const err = await failure(
      withKey({ apiKey: wrong }).issue(request('pg'), await identity(), signal),
    );
    expect(err.code).toBe('DENIED');
    expect(err.message).toContain('HTTP 401 (access denied)');
    expect(err.hint).toBe(
      'Check that `hoop-api-key` is a valid, active `hpk_` API key of this hoop',
    );
  });

  it('refuses an exchanged token whose sub is no registered hoop user (not its aud), says so, and revokes it', async () => {
    // hoop checks the signature, expiry and sub, not aud: another audience is fine.
    const result = await issued(
      withExchange('https://hoop-staging.example').issue(request('pg'), await identity(), signal),
    );
    expect(hoop.credentialValid(hoopHandle(result).credentialId)).toBe(true);
    const from = gw.audit.length;
    const err = await failure(
      withExchange().issue(request('pg'), await identity({ ref: 'refs/heads/dev' }), signal),
    );
    expect(err.code).toBe('DENIED');
    expect(err.message).toMatch(
      /HTTP 401 \(access denied\); the exchanged token has sub repo:octo-org\/app:ref:refs\/heads\/dev, iss http:\/\/127\.0\.0\.1:\d+, exp \d{4}-/,
    );
    expect(err.hint).toBe(
      'hoop accepts an IdP token signed by its `oidc_config` issuer, unexpired, whose `sub` is a registered, active hoop user (it checks neither `aud` nor `iss`): register that user in hoop, or have the IdP issue the `sub` of one',
    );
    expect(gw.tokens(from).live).toEqual([]);
  });

  it('never repeats the bearer token hoop echoes back', async () => {
    hoop.intercept = (r) =>
      r.method === 'POST'
        ? { status: 400, body: JSON.stringify({ message: `bad key ${API_KEY}` }) }
        : undefined;
    const err = await failure(withKey().issue(request('pg'), await identity(), signal));
    expect(err.message).toContain('HTTP 400 (bad key ***)');
  });
});

describe('review', () => {
  async function start(gateway = withExchange()) {
    const first = await pending(gateway.issue(request('pg-prod'), await identity(), signal));
    const review = hoop.reviews().find((r) => r.id === first.state?.reviewId);
    if (review === undefined) throw new Error('no review');
    return { gateway, first, review };
  }

  it('fails at once with an API key, which hoop cannot review, and says what works', async () => {
    const sessions = hoop.sessionCount();
    const started = Date.now();
    const err = await failure(withKey().issue(request('pg-prod'), await identity(), signal));
    expect(err.code).toBe('CONFIG');
    expect(err.message).toBe(
      `POST ${hoop.url}/api/connections/pg-prod/credentials answered HTTP 500 (failed creating review): connection pg-prod needs a review, and hoop cannot review a request made with an API key (it looks the key's name up as a user email)`,
    );
    expect(err.hint).toBe(
      'Authenticate as a registered hoop user by token exchange (`hoop-token-exchange-url`) instead of `hoop-api-key`, or use a connection without review for this key',
    );
    // One try, not retries to the deadline, each leaving an open hoop session.
    expect(hoop.sessionCount() - sessions).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('is pending with the review, then issued once approved', async () => {
    const { gateway, first, review } = await start();
    expect(first.approvalUrl).toBe(`${hoop.url}/reviews/${review.id}`);
    expect(first.state).toEqual({
      reviewId: review.id,
      sessionId: review.sessionId,
      connection: 'pg-prod',
    });
    expect(first.intervalSeconds).toBe(0.02);
    // Reviewers see which job asks before they decide.
    expect(hoop.sessionMetadata(review.sessionId)?.ci_repository).toBe('octo-org/app');
    let polls = 0;
    const { issued: result } = await awaitGatewayApproval(
      {
        ...gateway,
        poll: (p, id, s) => {
          if (++polls === 2) hoop.decide(review.id, 'APPROVED');
          return gateway.poll(p, id, s);
        },
      },
      first,
      { identity: () => identity(), timeoutMs: 5000, logger: log.logger },
    );
    expect(polls).toBeGreaterThanOrEqual(2);
    const handle = hoopHandle(result);
    expect(hoop.credentialValid(handle.credentialId)).toBe(true);
    expect(handle.shared).toBeUndefined();
    expect(
      log.lines.some(
        (l) =>
          l.startsWith('info: Waiting for approval of "db" at the gateway: ') &&
          l.endsWith(`Approve at ${first.approvalUrl ?? ''}`),
      ),
    ).toBe(true);
    const resumed = hoop.requests.filter(
      (r) => r.path === `/api/connections/pg-prod/credentials/${review.sessionId}`,
    );
    expect(resumed).toHaveLength(1);
    await gateway.revoke(handle, signal);
    expect(hoop.credentialValid(handle.credentialId)).toBe(false);
    expect((await gw.introspect(handle.token ?? '')).active).toBe(false);
  });

  const denials: Array<['REJECTED' | 'REVOKED', string | undefined, string]> = [
    [
      'REJECTED',
      'not during the freeze',
      'was rejected by alice@example.com: not during the freeze',
    ],
    ['REVOKED', undefined, 'was revoked by alice@example.com'],
  ];
  it.each(denials)('is denied when %s', async (status, reason, text) => {
    const { gateway, first, review } = await start();
    hoop.decide(review.id, status, reason);
    const err = await failure(
      awaitGatewayApproval(gateway, first, { identity: () => identity(), timeoutMs: 5000 }),
    );
    expect(err.code).toBe('DENIED');
    expect(err.message).toBe(`hoop review ${review.id} of "db" ${text}`);
  });

  it('never expires in hoop: the approval timeout ends the wait, withdraws the review and revokes the exchanged token', async () => {
    const from = gw.audit.length;
    const { gateway, first, review } = await start();
    // GET /reviews/{id} answers 200 or 404 (review.go GetByIdOrSid): nothing expires a pending review.
    const err = await failure(
      awaitGatewayApproval(gateway, first, { identity: () => identity(), timeoutMs: 100 }),
    );
    expect(err.code).toBe('TIMEOUT');
    expect(hoop.reviews().find((r) => r.id === review.id)).toEqual({
      id: review.id,
      status: 'REJECTED',
      sessionId: review.sessionId,
      reason: 'withdrawn by gatepass: no approval within `approval-timeout` (100 ms)',
    });
    expect(hoop.sessionStatus(review.sessionId)).toBe('done');
    expect(gw.tokens(from).live).toEqual([]);
  });

  it('a cancelled wait withdraws the review and revokes the exchanged token', async () => {
    const from = gw.audit.length;
    const { gateway, first, review } = await start();
    const cancel = new AbortController();
    setTimeout(() => {
      cancel.abort(new GatepassError('TIMEOUT', 'cancelled by SIGTERM'));
    }, 50);
    await failure(
      awaitGatewayApproval(gateway, first, {
        identity: () => identity(),
        timeoutMs: 5000,
        signal: cancel.signal,
      }),
    );
    expect(hoop.reviews().find((r) => r.id === review.id)?.status).toBe('REJECTED');
    expect(gw.tokens(from).live).toEqual([]);
  });

  it('says what a 410 from the resume means: approved, but the session was closed', async () => {
    const { gateway, first, review } = await start();
    hoop.decide(review.id, 'APPROVED');
    hoop.closeSession(review.sessionId);
    const err = await failure(gateway.poll(first, await identity(), signal));
    expect(err.code).toBe('GATEWAY');
    expect(err.message).toBe(
      `POST ${hoop.url}/api/connections/pg-prod/credentials/${review.sessionId} answered HTTP 410 (credentials have expired): the review was approved, but hoop closed its session before gatepass asked for the credential`,
    );
    expect(err.hint).toBe(
      'Run the job again to ask for a new review; a session closes when an admin kills it or its credential expires or is revoked',
    );
  });

  it('does not believe a 202 without a review', async () => {
    hoop.intercept = (r) =>
      r.method === 'POST' ? { status: 202, body: '{"has_review":true}' } : undefined;
    const err = await failure(withKey().issue(request('pg-prod'), await identity(), signal));
    expect(err.message).toBe('hoop answered 202 for "db" without review_id and session_id');
  });
});

describe('shared credentials (one per hoop user and connection)', () => {
  it('the first of two parallel jobs to finish does not cut the other off', async () => {
    const first = hoopHandle(
      await issued(withKey().issue(request('pg'), await identity(), signal)),
    );
    const second = await issued(withKey().issue(request('pg'), await identity(), signal));
    const handle = hoopHandle(second);
    // issueOrRefreshCredential: the same row and key, re-pointed at the second session.
    expect(handle.credentialId).toBe(first.credentialId);
    expect(handle.keyDigest).toBe(first.keyDigest);
    expect(handle.shared).toBe('earlier');
    expect(log.lines).toContain(
      `warning: "db": hoop handed this job the credential it already gave another request of the same hoop user on connection pg (hoop keeps one per user and connection); it will not be revoked at the end of the step, so as not to cut another job off, and stays valid until ${handle.expiresAt ?? ''}`,
    );
    const note = await revokeNoting(withKey(), first);
    expect(note).toEqual({
      result: 'skipped',
      detail: `hoop gave it to a later request of the same hoop user (session ${handle.sessionId ?? ''}), which may still use it; it stays valid until ${handle.expiresAt ?? ''} unless revoked in hoop`,
    });
    expect(hoop.keyValid(second.values.username ?? '')).toBe(true);
  });

  it('the second job, finishing first, does not cut the first off', async () => {
    const first = await issued(withKey().issue(request('pg'), await identity(), signal));
    const second = hoopHandle(
      await issued(withKey().issue(request('pg'), await identity(), signal)),
    );
    const note = await revokeNoting(withKey(), second);
    expect(note).toEqual({
      result: 'skipped',
      detail: `hoop gave it to another request of the same hoop user first (one credential per user and connection), which may still use it; it stays valid until ${second.expiresAt ?? ''} unless revoked in hoop`,
    });
    expect(hoop.keyValid(first.values.username ?? '')).toBe(true);
  });

  it('two jobs asking at the same moment: the one hoop hands the new credential to again knows it', async () => {
    // Both look before either asks (both see none), then both ask: hoop creates
    // the credential for one and hands the same to the other.
    let looked = 0;
    let bothLooked: () => void = () => undefined;
    const looks = new Promise<void>((resolve) => {
      bothLooked = resolve;
    });
    hoop.hold = (r) => {
      if (r.path !== '/api/connections/pg/credentials') return undefined;
      if (r.method === 'GET' && ++looked === 2) setTimeout(bothLooked, 20);
      return r.method === 'POST' ? looks : undefined;
    };
    const jobs = await Promise.all([
      issued(withKey().issue(request('pg'), await identity(), signal)),
      issued(withKey().issue(request('pg'), await identity(), signal)),
    ]);
    hoop.hold = undefined;
    const [a, b] = jobs.map(hoopHandle) as [HoopRevocation, HoopRevocation];
    expect(b.credentialId).toBe(a.credentialId);
    expect([a.shared, b.shared].sort()).toEqual(['earlier', undefined]);
    for (const handle of [a, b]) {
      expect((await revokeNoting(withKey(), handle))?.result).toBe('skipped');
    }
    expect(hoop.keyValid(jobs[0].values.username ?? '')).toBe(true);
  });

  it('after a review, recognises the key hoop reuses from a credential the user holds', async () => {
    const g = withExchange();
    const jobs: Issued[] = [];
    for (let i = 0; i < 2; i++) {
      const first = await pending(g.issue(request('pg-prod'), await identity(), signal));
      const reviewId = first.state?.reviewId;
      if (typeof reviewId !== 'string') throw new Error('no review id');
      hoop.decide(reviewId, 'APPROVED');
      jobs.push(await issued(g.poll(first, await identity(), signal)));
    }
    const [a, b] = jobs.map(hoopHandle) as [HoopRevocation, HoopRevocation];
    // ResumeConnectionCredentials: a new row, with the key of the user's latest one.
    expect(b.credentialId).not.toBe(a.credentialId);
    expect(b.keyDigest).toBe(a.keyDigest);
    expect([a.shared, b.shared]).toEqual([undefined, 'earlier']);
    expect((await revokeNoting(g, a))?.result).toBe('skipped');
    expect((await revokeNoting(g, b))?.result).toBe('skipped');
    expect(hoop.keyValid(jobs[1]?.values.username ?? '')).toBe(true);
  });

  it('revokes an expired credential too: hoop hands an unrevoked one out again', async () => {
    const g = withKey();
    const old = await issued(g.issue(request('pg'), await identity(), signal));
    hoop.advance(601_000);
    try {
      expect(hoop.credentialValid(hoopHandle(old).credentialId)).toBe(false);
      // A job that crashed (or an older gatepass) left it unrevoked: hoop re-arms it,
      // same row, same key, for the next request; nobody else can be using it.
      const rearmed = await issued(g.issue(request('pg'), await identity(), signal));
      expect(hoopHandle(rearmed).credentialId).toBe(hoopHandle(old).credentialId);
      expect(rearmed.values.username).toBe(old.values.username);
      expect(hoopHandle(rearmed).shared).toBeUndefined();
      // Its handle says it has expired: that is no reason to skip the revocation.
      const expired = {
        ...hoopHandle(rearmed),
        expiresAt: new Date(Date.now() - 1000).toISOString(),
      };
      expect(await revokeNoting(g, expired)).toBeUndefined();
      expect(hoop.keyValid(old.values.username ?? '')).toBe(false);
      const next = await issued(g.issue(request('pg'), await identity(), signal));
      expect(next.values.username).not.toBe(old.values.username);
      expect(hoopHandle(next).shared).toBeUndefined();
      expect(await revokeNoting(g, hoopHandle(next))).toBeUndefined();
      expect(hoop.keyValid(next.values.username ?? '')).toBe(false);
    } finally {
      hoop.advance(-601_000);
    }
  });

  it('does not revoke what it cannot check, and says until when it stays valid', async () => {
    const handle = hoopHandle(
      await issued(withKey().issue(request('pg'), await identity(), signal)),
    );
    hoop.intercept = (r) =>
      r.method === 'GET' ? { status: 503, body: '{"message":"unavailable"}' } : undefined;
    const err = await failure(withKey({ timeoutMs: 200 }).revoke(handle, signal));
    hoop.intercept = undefined;
    expect(err.message).toMatch(
      /^revoking the hoop credential for pg: could not check that no other job holds it \(.*HTTP 503.*\), so it was not revoked$/,
    );
    expect(err.hint).toBe(
      `It stays valid until ${handle.expiresAt ?? ''} unless revoked in hoop; revoke it in hoop's web app once no job uses it`,
    );
    expect(hoop.credentialValid(handle.credentialId)).toBe(true);
  });
});

describe('revoke', () => {
  it('revokes the credential', async () => {
    const g = withKey();
    const handle = hoopHandle(await issued(g.issue(request('pg'), await identity(), signal)));
    await g.revoke(handle, signal);
    expect(hoop.credentialValid(handle.credentialId)).toBe(false);
    expect(hoop.requests.at(-1)?.path).toBe(
      `/api/connections/pg/credentials/${handle.credentialId}/revoke`,
    );
  });

  it("revokes after the job's command failed", async () => {
    const g = withKey();
    const result = await issued(g.issue(request('pg'), await identity(), signal));
    const child = spawnSync(process.execPath, ['-e', 'process.exit(1)'], {
      env: { DATABASE_URL: result.values.connection_string ?? '' },
    });
    expect(child.status).toBe(1);
    await g.revoke(hoopHandle(result), signal);
    expect(hoop.credentialValid(hoopHandle(result).credentialId)).toBe(false);
  });

  it('is fine twice, and for a credential hoop no longer knows', async () => {
    const g = withKey();
    const handle = hoopHandle(await issued(g.issue(request('pg'), await identity(), signal)));
    await g.revoke(handle, signal);
    await g.revoke(handle, signal);
    await g.revoke({ ...handle, credentialId: 'no-such-credential' }, signal);
    expect(log.lines.some((l) => l.startsWith('warning:') && !l.includes('listener'))).toBe(false);
  });

  it('survives a crash: the saved handle and the inputs let a fresh gateway revoke', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatepass-hoop-'));
    try {
      const result = await issued(withKey().issue(request('pg'), await identity(), signal));
      const state = join(dir, 'state.json');
      await writeFile(state, JSON.stringify({ revocations: [result.revocation] }));
      // The API key is not in the saved state, nor the credential's key.
      const text = await readFile(state, 'utf8');
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(result.values.username ?? '');
      const saved = JSON.parse(text) as { revocations: RevocationHandle[] };
      const handle = saved.revocations[0];
      if (handle === undefined) throw new Error('no handle saved');
      await withKey().revoke(handle, signal);
      expect(hoop.credentialValid(hoopHandle(result).credentialId)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('never sends the API key to a hoop other than the configured one', async () => {
    const handle = hoopHandle(
      await issued(withKey().issue(request('pg'), await identity(), signal)),
    );
    const elsewhere = { ...handle, gateway: 'http://localhost:9/' };
    const err = await failure(withKey().revoke(elsewhere, signal));
    expect(err.message).toBe(
      `the revocation handle names another hoop (http://localhost:9) than \`gateway\` (${hoop.url})`,
    );
    await withKey().revoke(handle, signal);
  });

  it('says what stays valid when hoop cannot be reached to revoke', async () => {
    const handle = hoopHandle(
      await issued(withKey().issue(request('pg'), await identity(), signal)),
    );
    hoop.intercept = (r) =>
      r.method === 'POST' ? { status: 503, body: '{"message":"unavailable"}' } : undefined;
    const err = await failure(withKey({ timeoutMs: 200 }).revoke(handle, signal));
    hoop.intercept = undefined;
    expect(err.code).toBe('GATEWAY');
    expect(err.message).toMatch(/^revoking the hoop credential for pg failed: .*HTTP 503/);
    expect(err.hint).toContain(`It stays valid until ${handle.expiresAt ?? ''}`);
    await withKey().revoke(handle, signal);
  });
});

describe('resilience', () => {
  it('retries 503, then succeeds', async () => {
    hoop.unavailable(2);
    await issued(withKey().issue(request('pg'), await identity(), signal));
    expect(log.lines.filter((l) => l.includes('HTTP 503') && l.includes('retrying'))).toHaveLength(
      2,
    );
  });

  it('does not believe a 201 without credentials, and does not retry it', async () => {
    let calls = 0;
    hoop.intercept = (r) =>
      r.method === 'POST' && ++calls > 0 ? { status: 201, body: '{"id":"x"}' } : undefined;
    const err = await failure(withKey().issue(request('pg'), await identity(), signal));
    expect(err.message).toBe(
      'hoop\'s answer for "db" (HTTP 201) holds no credential id and connection_credentials',
    );
    expect(calls).toBe(1);
  });

  it('says malformed JSON is not hoop, without retrying', async () => {
    let calls = 0;
    hoop.intercept = (r) =>
      r.method === 'POST' && ++calls > 0
        ? { status: 201, body: '{"connection_credentials": {"password": "' }
        : undefined;
    const err = await failure(withKey().issue(request('pg'), await identity(), signal));
    expect(err.message).toContain('answered something that is not JSON');
    expect(calls).toBe(1);
  });

  it('warns but issues when the session metadata cannot be recorded', async () => {
    hoop.intercept = (r) =>
      r.method === 'PATCH' ? { status: 403, body: '{"message":"forbidden"}' } : undefined;
    await issued(withKey().issue(request('pg'), await identity(), signal));
    expect(
      log.lines.some(
        (l) =>
          l.startsWith('warning: could not record the CI run on hoop session') &&
          l.includes('HTTP 403 (forbidden)'),
      ),
    ).toBe(true);
  });
});

describe('createGateway', () => {
  const settings = (): GatewaySettings => ({
    provider: { name: 'hoop', auth: { apiKey: API_KEY } },
    gateway: hoop.url,
    timeoutMs: 2000,
  });
  const exchangeAuth = (audience: string): GatewaySettings['provider'] => ({
    name: 'hoop',
    auth: {
      exchange: {
        url: gw.url,
        audience,
        scope: 'hoop',
        client: { id: 'gatepass', secret: undefined },
      },
    },
  });
  const deps = () => ({ registerSecret: (v: string) => secrets.add(v), logger: log.logger });

  it('builds the hoop gateway from the inputs, `hoop-host` included', async () => {
    const g = await createGateway(
      {
        ...settings(),
        provider: { name: 'hoop', auth: { apiKey: API_KEY }, host: { host: 'db.hoop.internal' } },
      },
      deps(),
    );
    const result = await issued(g.issue(request('pg'), await identity(), signal));
    expect(result.values.hostname).toBe('db.hoop.internal');
    const handle = hoopHandle(result);
    await g.revoke(handle, signal);
    expect(hoop.credentialValid(handle.credentialId)).toBe(false);
  });

  it('asks for hoop-api-key', async () => {
    const err = await failure(
      createGateway({ ...settings(), provider: { name: 'hoop', auth: { apiKey: '' } } }, deps()),
    );
    expect(err.message).toBe(
      'input `hoop-api-key` or `hoop-token-exchange-url` is required with `provider: hoop`',
    );
  });

  it('authenticates by token exchange with hoop-token-exchange-url; post rebuilds it to revoke', async () => {
    const byExchange: GatewaySettings = { ...settings(), provider: exchangeAuth(HOOP_AUDIENCE) };
    const g = await createGateway(byExchange, deps());
    const handle = hoopHandle(await issued(g.issue(request('pg'), await identity(), signal)));
    expect(hoop.requests.at(-1)?.auth).toBe('jwt');
    expect(await gw.introspect(handle.token ?? '')).toMatchObject({
      active: true,
      aud: HOOP_AUDIENCE,
      scope: 'hoop',
    });
    // The post step has only the saved settings (no secret inputs) and the handle.
    const post = await createGateway(
      JSON.parse(JSON.stringify(byExchange)) as GatewaySettings,
      deps(),
    );
    await post.revoke(JSON.parse(JSON.stringify(handle)) as typeof handle, signal);
    expect(hoop.credentialValid(handle.credentialId)).toBe(false);
    expect(await gw.introspect(handle.token ?? '')).toEqual({ active: false });
  });

  it('an IdP the exchanged token does not satisfy fails with the claims hint, nothing issued', async () => {
    const g = await createGateway(
      { ...settings(), provider: exchangeAuth('https://elsewhere.example') },
      deps(),
    );
    const before = hoop.requests.length;
    const err = await failure(g.issue(request('pg'), await identity(), signal));
    expect(err.message).toMatch(/refused/);
    expect(hoop.requests.length).toBe(before);
  });
});

describe('the double', () => {
  it('rejects a request the hoop API description does not allow, loudly', async () => {
    const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
    // A field the spec does not have (the duration is access_duration_seconds).
    const field = await fetch(`${hoop.url}/api/connections/pg/credentials`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ttl: 600 }),
    });
    expect(field.status).toBe(400);
    // A wrongly typed one.
    const typed = await fetch(`${hoop.url}/api/connections/pg/credentials`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ access_duration_seconds: '600' }),
    });
    expect(typed.status).toBe(400);
    // A method the path does not have, and a path the API does not have.
    expect(
      (await fetch(`${hoop.url}/api/connections/pg/credentials/x/revoke`, { headers })).status,
    ).toBe(405);
    expect(
      (await fetch(`${hoop.url}/api/credentials/x`, { method: 'DELETE', headers })).status,
    ).toBe(405);
    expect(hoop.violations).toEqual([
      'POST /api/connections/pg/credentials: body: "ttl" is not a field the spec describes',
      'POST /api/connections/pg/credentials: body.access_duration_seconds: expected integer, got string',
      'GET /api/connections/pg/credentials/x/revoke: method not in the hoop API description (it lists post)',
      'DELETE /api/credentials/x: no such path in the hoop API description (below /api)',
    ]);
    hoop.violations.length = 0;
  });

  it('lists the answers the spec leaves out for their operation', () => {
    // Filled by the tests above; the closing note of docs/hoop.md names them.
    expect([...unlisted].sort()).toEqual(
      expect.arrayContaining([
        '202 from POST /connections/{nameOrID}/credentials',
        '401 from POST /connections/{nameOrID}/credentials',
        '410 from POST /connections/{nameOrID}/credentials/{sessionID}',
      ]),
    );
    expect(unlisted.has('410 from GET /reviews/{id}')).toBe(false);
  });
});

describe('behind a proxy (the transport: __tests__/common/http.test.ts)', () => {
  it('issues and revokes through a CONNECT proxy, trusting a private CA', async () => {
    const name = 'hoop.corp.test';
    await throughProxy({
      name,
      target: hoop.url,
      body: async ({ front, proxy }) => {
        const gateway = withKey({
          gateway: `https://${name}:${front.port}`,
          attemptTimeoutMs: 5000,
        });
        const result = await issued(gateway.issue(request('pg'), await identity(), signal));
        await gateway.revoke(hoopHandle(result), signal);
        expect(new Set(proxy.connects.map((c) => c.target))).toEqual(
          new Set([`${name}:${front.port}`]),
        );
        expect(hoop.liveCredentials()).not.toContain(hoopHandle(result).credentialId);
      },
    });
  });
});
