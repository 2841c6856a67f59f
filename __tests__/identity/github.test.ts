/**
 * The GitHub source against the reference gateway's local issuer
 * (ACTIONS_ID_TOKEN_REQUEST_URL points at it), asked as `core.getIDToken`
 * asks, through gatepass's transport.
 */
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest,
} from '@jest/globals';
import { createServer, type AddressInfo } from 'node:net';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { decodeJwt } from 'jose';
import { GatepassError } from '../../src/common/errors.js';
import { githubIdentity, type GithubIdentityOptions } from '../../src/identity/github.js';
import { captureLog, type CapturedLog } from '../helpers/log.js';
import { testGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let log: CapturedLog;
let registered: string[];
let stdout: string[];
const saved = { ...process.env };

beforeAll(async () => {
  gw = await testGateway();
});
afterAll(async () => {
  await gw.stop();
});

beforeEach(() => {
  log = captureLog();
  registered = [];
  stdout = [];
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = gw.idTokenRequestUrl;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = gw.idTokenRequestToken;
  // Workflow commands (::add-mask::, ::debug::) go to stdout: none may come from here.
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  jest.restoreAllMocks();
  gw.intercept = undefined;
  process.env = { ...saved };
  log.expectNoSecrets([...registered, gw.idTokenRequestToken, gw.adminToken]);
});

function source(overrides: Partial<GithubIdentityOptions> = {}) {
  return githubIdentity({
    audience: 'https://gateway.example',
    registerSecret: (value) => registered.push(value),
    logger: log.logger,
    retry: { initialDelayMs: 10 },
    ...overrides,
  });
}

const tokenRequests = () =>
  gw.requests.filter((r) => r.endsWith('/local-issuer/github/token')).length;

describe('githubIdentity', () => {
  it('gets a token for the audience and registers it before returning', async () => {
    const token = await source().token();
    expect(token.platform).toBe('github');
    expect(token.claims).toMatchObject({
      aud: 'https://gateway.example',
      iss: gw.issuerUrl,
      repository: 'octo-org/app',
      sub: 'repo:octo-org/app:ref:refs/heads/main',
    });
    expect(registered).toEqual([token.value]);
    expect(token.expiresAt?.getTime()).toBeGreaterThan(Date.now());
    // Registering it with the runner is the caller's (the host's setSecret): nothing printed here.
    expect(stdout).toEqual([]);
  });

  it('reuses a token that is not near expiry', async () => {
    const ids = source();
    const before = tokenRequests();
    const first = await ids.token();
    const second = await ids.token();
    expect(second).toBe(first);
    expect(tokenRequests() - before).toBe(1);
  });

  it('mints a new token within 60 s of expiry', async () => {
    let skew = 0;
    const ids = source({ now: () => Date.now() + skew });
    const first = await ids.token();
    skew = 250_000; // the 300 s token now has 50 s left
    const second = await ids.token();
    expect(decodeJwt(second.value).jti).not.toBe(decodeJwt(first.value).jti);
    expect(registered).toEqual([first.value, second.value]);
    expect(
      log.lines.some((l) =>
        /^info: the GitHub ID token expires in (4\d|50)(\.\d)? s; requesting a new one$/.test(l),
      ),
    ).toBe(true);
  });

  it('explains a job without id-token permission, before any request', async () => {
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const before = tokenRequests();
    const err = (await source()
      .token()
      .catch((e: unknown) => e)) as GatepassError;
    expect(err.code).toBe('IDENTITY');
    expect(err.message).toBe(
      'GitHub gave this job no OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL not set)',
    );
    expect(err.hint).toContain('`permissions: id-token: write`');
    expect(err.hint).toContain('pull requests from forks');
    expect(tokenRequests()).toBe(before);
  });

  it('retries a flaky endpoint ("Failed to get ID Token") and succeeds', async () => {
    let failures = 0;
    gw.intercept = (req) =>
      req.path.endsWith('/github/token') && failures++ < 2
        ? { status: 500, body: '{"message":"flaky"}' }
        : undefined;
    const token = await source().token();
    expect(token.claims.repository).toBe('octo-org/app');
    expect(failures).toBe(3);
    expect(log.lines.filter((l) => l.includes('retrying'))).toHaveLength(2);
  });

  it('gives up after 5 attempts', async () => {
    gw.intercept = (req) =>
      req.path.endsWith('/github/token') ? { status: 500, body: '{"message":"down"}' } : undefined;
    const before = tokenRequests();
    const err = (await source()
      .token()
      .catch((e: unknown) => e)) as GatepassError;
    expect(err.code).toBe('IDENTITY');
    expect(err.message).toBe(
      'GitHub ID token request failed 5 times; last error: the ID token endpoint answered HTTP 500: down',
    );
    expect(tokenRequests() - before).toBe(5);
  });

  it('words an unreachable endpoint as the gateways do, and retries it', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) =>
      closed.close(() => {
        r();
      }),
    );
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = `http://127.0.0.1:${port}/token?api-version=2.0`;
    const err = (await source()
      .token()
      .catch((e: unknown) => e)) as GatepassError;
    expect(err.code).toBe('IDENTITY');
    expect(err.message).toBe(
      `GitHub ID token request failed 5 times; last error: cannot reach the GitHub ID token endpoint at http://127.0.0.1:${port} (ECONNREFUSED)`,
    );
    expect(log.lines.filter((l) => l.includes('retrying in'))[0]).toMatch(
      /^info: GitHub ID token request: cannot reach the GitHub ID token endpoint at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); retrying in/,
    );
  });

  it('does not retry a refusal', async () => {
    gw.intercept = (req) =>
      req.path.endsWith('/github/token')
        ? { status: 403, body: '{"message":"forbidden"}' }
        : undefined;
    const before = tokenRequests();
    const err = (await source()
      .token()
      .catch((e: unknown) => e)) as GatepassError;
    expect(err).toMatchObject({ code: 'IDENTITY', status: 403 });
    expect(tokenRequests() - before).toBe(1);
  });

  it('times out each attempt on an endpoint that never answers', async () => {
    gw.intercept = (req) => (req.path.endsWith('/github/token') ? { hang: true } : undefined);
    const started = Date.now();
    const err = (await source({ retry: { attemptTimeoutMs: 100, initialDelayMs: 10 } })
      .token()
      .catch((e: unknown) => e)) as GatepassError;
    expect(err.message).toBe(
      'GitHub ID token request failed 5 times; last error: no answer within 100 ms',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('asks as core.getIDToken does: the audience appended, the request token as bearer, JSON', async () => {
    const seen: IncomingMessage[] = [];
    const server = createHttpServer((req, res) => {
      seen.push(req);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ value: 'not-a-jwt-value' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = `http://127.0.0.1:${port}/idtoken?api-version=2.0`;
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'runtime-request-token';
    try {
      await source({ audience: 'https://vault.example/x?y=1&z' })
        .token()
        .catch(() => undefined);
    } finally {
      server.close();
    }
    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req?.method).toBe('GET');
    expect(req?.url).toBe(
      `/idtoken?api-version=2.0&audience=${encodeURIComponent('https://vault.example/x?y=1&z')}`,
    );
    expect(req?.headers.authorization).toBe('Bearer runtime-request-token');
    expect(req?.headers.accept).toBe('application/json');
    expect(req?.headers['user-agent']).toMatch(/^gatepass\//);
    registered.push('runtime-request-token');
  });

  it('refuses a redirect rather than send the request token on, and does not retry it', async () => {
    let asked = 0;
    const server = createHttpServer((_req, res) => {
      asked += 1;
      res.writeHead(302, { location: 'http://elsewhere.example/steal?token=x' });
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = `http://127.0.0.1:${port}/idtoken?api-version=2.0`;
    let err: GatepassError;
    try {
      err = (await source()
        .token()
        .catch((e: unknown) => e)) as GatepassError;
    } finally {
      server.close();
    }
    expect(asked).toBe(1);
    expect(err.message).toMatch(
      /answered HTTP 302, a redirect to http:\/\/elsewhere\.example: gatepass does not follow redirects/,
    );
    expect(err.message).not.toContain('steal');
    expect(err).toMatchObject({ code: 'IDENTITY' });
    expect(err.hint).toContain('check HTTPS_PROXY and NO_PROXY');
  });

  it('never repeats the request token, even when the endpoint echoes it in its refusal', async () => {
    const bearer = gw.idTokenRequestToken;
    gw.intercept = (req) =>
      req.path.endsWith('/github/token')
        ? { status: 401, body: JSON.stringify({ message: `bad token ${bearer}` }) }
        : undefined;
    const err = (await source()
      .token()
      .catch((e: unknown) => e)) as GatepassError;
    expect(err.message).toBe('the ID token endpoint answered HTTP 401: bad token ***');
  });

  it('refuses an endpoint that is not an http(s) URL, before any request', async () => {
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = 'file:///etc/passwd';
    const err = (await source()
      .token()
      .catch((e: unknown) => e)) as GatepassError;
    expect(err).toMatchObject({
      code: 'IDENTITY',
      message: 'ACTIONS_ID_TOKEN_REQUEST_URL is not an http(s) URL',
    });
  });

  it('registers even an answer that is not a JWT, then refuses it', async () => {
    gw.intercept = (req) =>
      req.path.endsWith('/github/token')
        ? { status: 200, body: '{"value":"not-a-jwt-value"}' }
        : undefined;
    const err = (await source()
      .token()
      .catch((e: unknown) => e)) as GatepassError;
    expect(err.code).toBe('IDENTITY');
    expect(err.message).toContain('does not hold a JWT');
    expect(registered).toEqual(['not-a-jwt-value']);
  });
});
