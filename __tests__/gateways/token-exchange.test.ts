/**
 * The token-exchange client against the reference gateway running for real on
 * loopback: no HTTP mocking. Faults are injected by the gateway itself.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { throughProxy } from '../helpers/proxy.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { awaitGatewayApproval } from '../../src/approvals/gate.js';
import { isPending, type CredentialRequest } from '../../src/gateways/gateway.js';
import {
  createTokenExchangeGateway,
  type TokenExchangeOptions,
} from '../../src/gateways/token-exchange.js';
import type { Clock } from '../../src/common/retry.js';
import { captureLog, type CapturedLog } from '../helpers/log.js';
import {
  failure,
  forgedToken,
  garbageToken,
  issued,
  testGateway,
  unsignedToken,
  type TestGateway,
} from '../helpers/gateway.js';

let gw: TestGateway;
let log: CapturedLog;
const secrets = new Set<string>();
const signal = new AbortController().signal;

beforeAll(async () => {
  gw = await testGateway();
  secrets.add(gw.adminToken);
  secrets.add(gw.idTokenRequestToken);
});
afterAll(async () => {
  await gw.stop();
});

beforeEach(() => {
  log = captureLog();
});

afterEach(() => {
  gw.intercept = undefined;
  // No log line and no audit line may carry a secret: ID tokens, access tokens, admin token.
  log.expectNoSecrets(secrets);
  const audit = captureLog();
  audit.lines.push(...gw.audit);
  audit.expectNoSecrets(secrets);
});

function client(overrides: Partial<TokenExchangeOptions> = {}) {
  return createTokenExchangeGateway({
    gateway: gw.url,
    registerSecret: (value) => secrets.add(value),
    logger: log.logger,
    timeoutMs: 5000,
    attemptTimeoutMs: 1000,
    retry: { initialDelayMs: 20 },
    ...overrides,
  });
}

async function identity(claims: Record<string, string> = {}, mint = {}) {
  const token = await gw.github(claims, mint);
  secrets.add(token.value);
  return token;
}

function request(scope: string, extra: Partial<CredentialRequest> = {}): CredentialRequest {
  return {
    name: scope,
    ttlSeconds: 600,
    tokenExchange: { scope, audience: 'https://api.example.com' },
    ...extra,
  };
}

describe('exchange', () => {
  it.each(['read', 'deploy'])('issues a token for scope %s', async (scope) => {
    const id = await identity();
    const result = await issued(client().issue(request(scope), id, signal));
    const token = result.values.access_token ?? '';
    expect(result.name).toBe(scope);
    expect(result.values).toMatchObject({ token_type: expect.stringMatching(/^bearer$/i), scope });
    expect(result.publicFields).toContain('token_type');
    expect(secrets.has(token)).toBe(true);
    const info = await gw.introspect(token);
    expect(info).toMatchObject({
      active: true,
      scope,
      sub: 'repo:octo-org/app:ref:refs/heads/main',
      aud: 'https://api.example.com',
      client_id: 'gatepass',
    });
    expect(result.revocation).toMatchObject({ provider: 'token-exchange', clientId: 'gatepass' });
  });

  it("exposes the server's extra members as fields; strings are secret unless connection details", async () => {
    const body = {
      access_token: 'tok-extra-members-0123456789',
      token_type: 'Bearer',
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      expires_in: 600,
      host: 'db.internal.example',
      port: 5432,
      database: 'app',
      username: 'gp_3f9a1c2b7d4e',
      password: 'pw-extra-members-9876543210',
      url: 'postgresql://gp_3f9a1c2b7d4e:pw-extra-members-9876543210@db.internal.example:5432/app',
      read_only: false,
      details: { nested: 'objects are not fields' },
    };
    gw.intercept = (req) =>
      req.path === '/token'
        ? {
            status: 200,
            body: JSON.stringify(body),
            headers: { 'content-type': 'application/json' },
          }
        : undefined;
    const registered: string[] = [];
    const result = await issued(
      client({ registerSecret: (v) => registered.push(v) }).issue(
        request('read'),
        await identity(),
        signal,
      ),
    );
    expect(result.values).toMatchObject({
      host: 'db.internal.example',
      port: '5432',
      database: 'app',
      username: 'gp_3f9a1c2b7d4e',
      password: body.password,
      url: body.url,
      read_only: 'false',
    });
    expect(result.values).not.toHaveProperty('details');
    expect([...registered].sort()).toEqual(
      [body.access_token, body.username, body.password, body.url].sort(),
    );
    expect(result.publicFields).toEqual(
      expect.arrayContaining(['host', 'port', 'database', 'read_only', 'token_type', 'expires_in']),
    );
    expect(result.publicFields).not.toContain('username');
  });

  it('caps the TTL at the policy maximum and says so', async () => {
    const result = await issued(
      client().issue(request('deploy', { ttlSeconds: 3600 }), await identity(), signal),
    );
    expect(result.values.expires_in).toBe('300');
    const left = (result.expiresAt?.getTime() ?? 0) - Date.now();
    expect(left).toBeGreaterThan(290_000);
    expect(left).toBeLessThanOrEqual(300_000);
    const info = await gw.introspect(result.values.access_token ?? '');
    expect(Number(info.exp) - Number(info.iat)).toBe(300);
    expect(log.lines).toContain('info: the gateway granted "deploy" for 5m instead of 1h');
  });

  it('refuses a subject token minted for another audience, and shows its claims', async () => {
    const id = await identity({}, { audience: 'https://elsewhere.example' });
    const err = await failure(client().issue(request('read'), id, signal));
    expect(err.code).toBe('GATEWAY');
    expect(err.message).toContain('invalid_grant');
    expect(err.message).toContain('audience "https://elsewhere.example" is not accepted');
    expect(err.hint).toContain('`aud`');
    const warning = log.lines.find((l) => l.startsWith('warning:')) ?? '';
    expect(warning).toContain('  aud: https://elsewhere.example');
    expect(warning).toContain('  repository: octo-org/app');
    expect(warning).toContain('  ref: refs/heads/main');
    expect(warning).toContain('  environment: (not set)');
    expect(warning).toMatch(/ {2}exp: \d{4}-.*\(expires in \d+ s\)/);
  });

  it.each([
    ['expired', () => identity({}, { issuedAt: Math.floor(Date.now() / 1000) - 1000 }), 'expired'],
    ['unsigned', async () => unsignedToken(await identity()), 'unsigned (alg "none")'],
    ['wrongly signed', async () => forgedToken(gw, await identity()), 'signature does not verify'],
    ['garbage', () => Promise.resolve(garbageToken()), 'is not a JWT'],
  ])('refuses an %s subject token', async (_kind, make, text) => {
    const id = await make();
    secrets.add(id.value);
    const started = Date.now();
    const err = await failure(client().issue(request('read'), id, signal));
    expect(err.message).toContain('invalid_grant');
    expect(err.message).toContain(text);
    // A refusal is final: no retries, well under 2 s.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports what the policy denies', async () => {
    const stranger = await identity({ repository: 'evil/app', repository_owner: 'evil' });
    const noRule = await failure(client().issue(request('read'), stranger, signal));
    expect(noRule.message).toContain('no policy rule matches this identity');

    const badScope = await failure(client().issue(request('admin'), await identity(), signal));
    expect(badScope.code).toBe('DENIED');
    expect(badScope.message).toContain('invalid_scope');

    const badAudience = await failure(
      client().issue(
        request('read', { tokenExchange: { scope: 'read', audience: 'https://other.example' } }),
        await identity(),
        signal,
      ),
    );
    expect(badAudience.code).toBe('DENIED');
    expect(badAudience.message).toContain('invalid_target');
  });

  it('fails a bad parameter at once', async () => {
    const started = Date.now();
    const err = await failure(
      client().issue(
        request('read', { tokenExchange: { scope: 'read', requestedTokenType: 'urn:x:saml' } }),
        await identity(),
        signal,
      ),
    );
    expect(err.message).toContain('invalid_request');
    expect(err.hint).toContain('requested-token-type');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(gw.requests.filter((r) => r === 'POST /token').length).toBeGreaterThan(0);
  });
});

describe('approval', () => {
  const prod = { environment: 'production' };
  // Each test is its own run, so each gets its own approval request.
  const run = (id: string) => ({ environment: 'production', run_id: id });

  it('is pending, then issued once approved', async () => {
    const gateway = client();
    const first = await gateway.issue(
      request('prod', { tokenExchange: { scope: 'prod' } }),
      await identity(prod),
      signal,
    );
    if (!isPending(first)) throw new Error('expected pending');
    expect(first.approvalUrl).toMatch(new RegExp(`^${gw.url}/approvals/`));
    expect(first.intervalSeconds).toBe(0.05);
    let polls = 0;
    const { issued: result } = await awaitGatewayApproval(
      {
        ...gateway,
        poll: async (p, id, s) => {
          if (++polls === 2)
            expect((await gw.decide(first.approvalUrl ?? '', 'approve')).status).toBe(200);
          return gateway.poll(p, id, s);
        },
      },
      first,
      { identity: () => identity(prod), timeoutMs: 5000, logger: log.logger },
    );
    expect(result.values.scope).toBe('prod');
    expect(
      log.lines.some(
        (l) =>
          l.startsWith('info: Waiting for approval of "prod" at the gateway: ') &&
          l.endsWith(`Approve at ${first.approvalUrl ?? ''}`),
      ),
    ).toBe(true);
    const info = await gw.introspect(result.values.access_token ?? '');
    expect(info.active).toBe(true);
    expect(gw.audit.some((l) => l.includes('"event":"approval.approved"'))).toBe(true);
  });

  it('fails as denied once an approver denies', async () => {
    const gateway = client();
    const req = request('prod-deny', { tokenExchange: { scope: 'prod' } });
    const first = await gateway.issue(req, await identity(run('deny')), signal);
    if (!isPending(first)) throw new Error('expected pending');
    await gw.decide(first.approvalUrl ?? '', 'deny');
    const err = await failure(
      awaitGatewayApproval(gateway, first, {
        identity: () => identity(run('deny')),
        timeoutMs: 5000,
      }),
    );
    expect(err.code).toBe('DENIED');
    expect(err.message).toContain('denied by alice');
  });

  it('times out when nobody decides within approval-timeout', async () => {
    const gateway = client();
    const first = await gateway.issue(
      request('prod-wait', { tokenExchange: { scope: 'prod' } }),
      await identity(run('wait')),
      signal,
    );
    const started = Date.now();
    const err = await failure(
      awaitGatewayApproval(gateway, first, {
        identity: () => identity(run('wait')),
        timeoutMs: 300,
      }),
    );
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toBe('no approval for "prod-wait" at the gateway within 300 ms');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops when the gateway lets the approval request expire', async () => {
    const short = await testGateway({
      approvals: { intervalSeconds: 0.05, expiresInSeconds: 0.2 },
    });
    try {
      const gateway = createTokenExchangeGateway({
        gateway: short.url,
        registerSecret: (v) => secrets.add(v),
      });
      const id = await short.github(prod);
      secrets.add(id.value);
      const first = await gateway.issue(
        request('prod', { tokenExchange: { scope: 'prod' } }),
        id,
        signal,
      );
      const err = await failure(
        awaitGatewayApproval(gateway, first, {
          identity: () => Promise.resolve(id),
          timeoutMs: 5000,
        }),
      );
      expect(err.code).toBe('TIMEOUT');
      expect(err.message).toContain('the approval request expired before anyone approved it');
    } finally {
      await short.stop();
    }
  });

  it('adds 5 s to the interval on slow_down', async () => {
    const gateway = client();
    const first = await gateway.issue(
      request('prod-slow', { tokenExchange: { scope: 'prod' } }),
      await identity(run('slow')),
      signal,
    );
    if (!isPending(first)) throw new Error('expected pending');
    // Sleeps return at once, so every poll comes too early for the gateway.
    const sleeps: number[] = [];
    const clock: Clock = {
      now: () => Date.now(),
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
        if (sleeps.length === 3) await gw.decide(first.approvalUrl ?? '', 'approve');
      },
    };
    const { issued: result } = await awaitGatewayApproval(gateway, first, {
      identity: () => identity(run('slow')),
      timeoutMs: 60_000,
      clock,
    });
    expect(result.kind).toBe('issued');
    expect(sleeps.map(Math.round)).toEqual([50, 5050, 10050]);
  });
});

describe('revocation', () => {
  it('revokes, and revoking again is fine', async () => {
    const gateway = client();
    const result = await issued(gateway.issue(request('read'), await identity(), signal));
    const token = result.values.access_token ?? '';
    expect((await gw.introspect(token)).active).toBe(true);
    if (result.revocation === undefined) throw new Error('no revocation handle');
    const handle = JSON.parse(JSON.stringify(result.revocation)) as typeof result.revocation;
    await gateway.revoke(handle, signal);
    expect(await gw.introspect(token)).toEqual({ active: false });
    await gateway.revoke(handle, signal);
    expect(gw.audit.filter((l) => l.includes('"event":"token.revoked"')).length).toBeGreaterThan(0);
  });

  it('revoking after expiry is not an error', async () => {
    const gateway = client();
    const result = await issued(
      gateway.issue(request('read', { ttlSeconds: 1 }), await identity(), signal),
    );
    await new Promise((r) => setTimeout(r, 1100));
    expect((await gw.introspect(result.values.access_token ?? '')).active).toBe(false);
    if (result.revocation === undefined) throw new Error('no revocation handle');
    await expect(gateway.revoke(result.revocation, signal)).resolves.toBeUndefined();
  });

  it('works without discovery and without a revocation endpoint (STS-style)', async () => {
    const gateway = client({ endpoints: { token: `${gw.url}/token` } });
    const before = gw.requests.length;
    const result = await issued(gateway.issue(request('read'), await identity(), signal));
    expect(result.revocation).toBeUndefined();
    expect(gw.requests.slice(before)).toEqual(['POST /token']);
    expect(log.lines).toContain(
      'info: no `revocation-endpoint` is set: credentials live until they expire',
    );
  });
});

describe('resilience', () => {
  it('words a refused connection as every gateway does, retrying until the deadline', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) =>
      closed.close(() => {
        r();
      }),
    );
    const origin = `http://127.0.0.1:${port}`;
    const err = await failure(
      client({ gateway: origin, timeoutMs: 300 }).issue(request('read'), await identity(), signal),
    );
    const reach = `cannot reach the token-exchange server at ${origin} (ECONNREFUSED)`;
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toMatch(/did not succeed within \d+ ms \(\d+ attempts\); last error: /);
    expect(err.message).toContain(reach);
    const retries = log.lines.filter((l) => l.includes('retrying in'));
    expect(retries.length).toBeGreaterThan(0);
    for (const line of retries) {
      expect(line).toMatch(
        /^info: GET http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration: cannot reach the token-exchange server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); retrying in \d+ ms \(attempt \d+\)$/,
      );
    }
    expect([err.message, ...log.lines].join('\n')).not.toMatch(/unexpected|fetch failed/);
  });

  it('does not retry malformed JSON, and says what was wrong', async () => {
    let calls = 0;
    gw.intercept = (req) => {
      if (req.path !== '/token') return undefined;
      calls++;
      return { status: 200, body: '{"access_token": ' };
    };
    const err = await failure(client().issue(request('read'), await identity(), signal));
    expect(err.code).toBe('GATEWAY');
    expect(err.message).toBe('token exchange for "read" failed: the answer is not valid JSON');
    expect(calls).toBe(1);
  });

  it('refuses a discovery document whose issuer does not match', async () => {
    gw.intercept = (req) =>
      req.path === '/.well-known/openid-configuration'
        ? {
            status: 200,
            body: JSON.stringify({
              issuer: 'https://evil.example',
              token_endpoint: 'https://evil.example/token',
            }),
          }
        : undefined;
    const err = await failure(client().issue(request('read'), await identity(), signal));
    expect(err.code).toBe('GATEWAY');
    expect(err.message).toBe(
      `the gateway's discovery document names issuer "https://evil.example", not ${gw.url}/`,
    );
    expect(err.hint).toContain('issuer URL exactly');
  });

  it('falls back to RFC 8414 metadata when OIDC discovery is 404', async () => {
    gw.intercept = (req) =>
      req.path === '/.well-known/openid-configuration' ? { status: 404, body: '{}' } : undefined;
    const before = gw.requests.length;
    await issued(client().issue(request('read'), await identity(), signal));
    expect(gw.requests.slice(before)).toEqual([
      'GET /.well-known/openid-configuration',
      'GET /.well-known/oauth-authorization-server',
      'POST /token',
    ]);
  });

  it('stops when the caller cancels', async () => {
    gw.intercept = (req) => (req.path === '/token' ? { status: 503 } : undefined);
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 100);
    const err = await failure(client().issue(request('read'), await identity(), controller.signal));
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toContain('cancelled');
  });
});

describe('configuration', () => {
  it('requires https except on loopback, before any request', () => {
    const make = (gateway: string) => () => client({ gateway });
    expect(make('http://gateway.example.com')).toThrow(
      '`gateway` must use https: (got an http: URL to a host that is not this machine)',
    );
    expect(make('javascript:alert(1)')).toThrow(
      '`gateway` must use https: (got a javascript: URL)',
    );
    expect(make('not a url')).toThrow('`gateway` is not an absolute URL');
    expect(make('https://gateway.example.com')).not.toThrow();
    expect(make('http://localhost:8200')).not.toThrow();
    expect(make('http://[::1]:8200')).not.toThrow();
  });

  it('checks client authentication settings', () => {
    expect(() => client({ clientSecret: 's', clientAuthMethod: 'none' })).toThrow(
      'client authentication is `none`',
    );
    expect(() => client({ clientAuthMethod: 'client_secret_post' })).toThrow(
      'needs `client-secret`',
    );
  });

  it('authenticates a confidential client with basic or post, and explains a wrong secret', async () => {
    const confidential = await testGateway({
      clients: [{ id: 'ci', secret: 'client-secret-value' }],
    });
    secrets.add('client-secret-value');
    try {
      const id = await confidential.github();
      secrets.add(id.value);
      for (const clientAuthMethod of ['client_secret_basic', 'client_secret_post'] as const) {
        const gateway = client({
          gateway: confidential.url,
          clientId: 'ci',
          clientSecret: 'client-secret-value',
          clientAuthMethod,
        });
        await issued(gateway.issue(request('read'), id, signal));
      }
      const wrong = client({ gateway: confidential.url, clientId: 'ci', clientSecret: 'wrong' });
      const err = await failure(wrong.issue(request('read'), id, signal));
      expect(err.message).toContain('HTTP 401 invalid_client');
      expect(err.hint).toContain('`client-secret`');
    } finally {
      await confidential.stop();
    }
  });

  it('refuses a revocation handle pointing at plain http elsewhere', async () => {
    const err = await failure(
      client().revoke(
        {
          provider: 'token-exchange',
          endpoint: 'http://evil.example/revoke',
          clientId: 'gatepass',
          tokens: [],
        },
        signal,
      ),
    );
    expect(err.code).toBe('INPUT');
  });
});

describe('a gateway that echoes the request', () => {
  /** Discovery, then every token request answered with the request itself quoted back. */
  async function echoServer(status: number) {
    const server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        res.setHeader('content-type', 'application/json');
        if (req.url?.startsWith('/.well-known/') === true) {
          res.end(JSON.stringify({ issuer: base, token_endpoint: `${base}/token` }));
          return;
        }
        const echoed = `${req.headers.authorization ?? ''} ${Buffer.concat(chunks).toString()}`;
        res.statusCode = status;
        res.end(JSON.stringify({ error: 'invalid_request', error_description: `bad: ${echoed}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  it.each([
    [500, 'a retried 5xx body'],
    [400, 'an error_description'],
  ])('keeps the ID token and client secret out of %s (%s)', async (status) => {
    const { server, url } = await echoServer(status);
    try {
      const clientSecret = 'client-secret-value-echoed-back';
      secrets.add(clientSecret);
      const id = await identity();
      const err = await failure(
        client({
          gateway: url,
          clientSecret,
          clientAuthMethod: 'client_secret_basic',
          timeoutMs: 1500,
          retry: { initialDelayMs: 50 },
        }).issue(request('read'), id, signal),
      );
      const text = `${err.message} ${err.hint ?? ''}`;
      expect(text).toContain('bad:');
      for (const secret of [id.value, clientSecret, ...id.value.split('.').slice(1)]) {
        expect(text).not.toContain(secret);
      }
      expect(text).toContain('***');
      // The retry warnings (logged lines) are checked by afterEach.
    } finally {
      server.close();
    }
  });
});

describe('behind a proxy (the transport: __tests__/common/http.test.ts)', () => {
  it('exchanges and revokes through a CONNECT proxy, trusting a private CA', async () => {
    const name = 'sts.corp.test';
    await throughProxy({
      name,
      target: gw.url,
      body: async ({ front, proxy }) => {
        const base = `https://${name}:${front.port}`;
        const gateway = client({
          gateway: base,
          endpoints: { token: `${base}/token`, revocation: `${base}/revoke` },
          attemptTimeoutMs: 5000,
        });
        const before = gw.requests.length;
        const result = await issued(gateway.issue(request('read'), await identity(), signal));
        if (result.revocation === undefined) throw new Error('no revocation handle');
        await gateway.revoke(result.revocation, signal);
        expect(gw.requests.slice(before)).toEqual(['POST /token', 'POST /revoke']);
        expect(new Set(proxy.connects.map((c) => c.target))).toEqual(
          new Set([`${name}:${front.port}`]),
        );
      },
    });
  });
});
