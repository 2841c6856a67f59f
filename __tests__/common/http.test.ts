/**
 * The transport's fault tests, written once for every gateway and approval
 * API (each provider keeps one smoke test of its own): a gateway that is
 * down, slow, hanging, 503 then fine, asking to wait (Retry-After),
 * redirecting, or speaking no TLS; and the corporate network: a CONNECT
 * proxy that alone resolves the gateway's name, a private CA, proxy
 * credentials and refusals, NO_PROXY.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { gzipSync } from 'node:zlib';
import { GatepassError } from '../../src/common/errors.js';
import {
  RedirectRefusedError,
  USER_AGENT,
  request,
  trustCertificate,
  type HttpPolicy,
} from '../../src/common/http.js';
import { bypasses, dispatcherTo, proxyFor } from '../../src/common/proxy.js';
import { getProxyUrl } from '@actions/http-client/lib/proxy';
import { VERSION } from '../../src/common/version.js';
import { makeCa, startProxy, type Ca } from '../helpers/proxy.js';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

interface Served {
  url: string;
  hits: IncomingMessage[];
  close(): Promise<void>;
}

const open: Served[] = [];

async function serve(handler: Handler, tls?: { key: string; cert: string }): Promise<Served> {
  const hits: IncomingMessage[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    hits.push(req);
    handler(req, res, hits.length);
  };
  const server: Server =
    tls === undefined ? createServer(listener) : createTlsServer(tls, listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const served: Served = {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
  open.push(served);
  return served;
}

const fast: HttpPolicy = {
  what: 'the test server',
  deadlineMs: 5_000,
  attemptTimeoutMs: 1_000,
  retry: { initialDelayMs: 20, maxDelayMs: 50 },
};

const ENV = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const k of ENV) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- restoring the environment
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  trustCertificate(undefined);
});

async function failure(p: Promise<unknown>): Promise<GatepassError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof GatepassError))
    throw new Error(`expected a GatepassError, got ${String(err)}`);
  return err;
}

describe('faults', () => {
  const policy = fast;
  it('a gateway that is down: retried, then the one wording, within the deadline', async () => {
    const gone = await serve(() => undefined);
    await gone.close();
    const started = Date.now();
    const err = await failure(
      request({ method: 'GET', url: `${gone.url}/x` }, { ...policy, deadlineMs: 400 }),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toMatch(
      new RegExp(`last error: cannot reach the test server at ${gone.url} \\(ECONNREFUSED\\)$`),
    );
  });

  it('a slow gateway: the attempt times out, the next one succeeds', async () => {
    const slow = await serve((_req, res, n) => {
      setTimeout(() => res.end('ok'), n === 1 ? 600 : 0);
    });
    const answer = await request(
      { method: 'GET', url: `${slow.url}/x` },
      { ...policy, attemptTimeoutMs: 200 },
    );
    expect(answer.text()).toBe('ok');
    expect(slow.hits).toHaveLength(2);
  });

  it('a hanging gateway: stopped by the deadline, naming the attempt timeout', async () => {
    const hanging = await serve(() => undefined);
    const started = Date.now();
    const err = await failure(
      request(
        { method: 'POST', url: `${hanging.url}/token`, body: 'x' },
        { ...policy, deadlineMs: 500, attemptTimeoutMs: 200 },
      ),
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/token did not succeed within/);
    expect(err.message).toContain('no answer within 200 ms');
  });

  it('503, then fine', async () => {
    const flaky = await serve((_req, res, n) => {
      res.writeHead(n === 1 ? 503 : 200).end(n === 1 ? 'sealed' : 'ok');
    });
    const answer = await request({ method: 'GET', url: `${flaky.url}/x` }, policy);
    expect([answer.status, answer.text(), flaky.hits.length]).toEqual([200, 'ok', 2]);
  });

  it('429 with Retry-After: waits as asked; past the deadline: says so at once', async () => {
    const limited = await serve((_req, res, n) => {
      if (n === 1) res.writeHead(429, { 'retry-after': '1' }).end();
      else res.end('ok');
    });
    const started = Date.now();
    await request({ method: 'GET', url: `${limited.url}/x` }, policy);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const busy = await serve((_req, res) => res.writeHead(429, { 'retry-after': '60' }).end());
    const err = await failure(request({ method: 'GET', url: `${busy.url}/x` }, policy));
    expect(err.message).toContain('the server asked to wait 1m, past the deadline');
    expect(busy.hits).toHaveLength(1);
  });

  it('returns other statuses to the caller, unretried', async () => {
    const refusing = await serve((_req, res) => res.writeHead(403).end('no'));
    const answer = await request({ method: 'GET', url: `${refusing.url}/x` }, policy);
    expect([answer.status, refusing.hits.length]).toEqual([403, 1]);
  });

  it('refuses a redirect: never follows it, names only the target origin, no retry', async () => {
    const elsewhere = await serve((_req, res) => res.end('caught'));
    const redirecting = await serve((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/steal?token=s3cr3t` }).end();
    });
    const err = await failure(
      request(
        { method: 'POST', url: `${redirecting.url}/login`, body: '{"jwt":"id-token"}' },
        { ...policy, redirectHint: 'Point `gateway` at the active node' },
      ),
    );
    expect(err).toBeInstanceOf(RedirectRefusedError);
    expect(err.message).toBe(
      `POST ${redirecting.url}/login answered HTTP 307, a redirect to ${elsewhere.url}: gatepass does not follow redirects, so what it sends goes only to \`gateway\``,
    );
    expect(err.hint).toBe('Point `gateway` at the active node');
    expect([redirecting.hits.length, elsewhere.hits.length]).toEqual([1, 0]);
  });

  it('a dropped connection is retried', async () => {
    const dropping = await serve((req, res, n) => {
      if (n === 1) req.socket.destroy();
      else res.end('ok');
    });
    const answer = await request({ method: 'GET', url: `${dropping.url}/x` }, policy);
    expect([answer.text(), dropping.hits.length]).toEqual(['ok', 2]);
  });

  it('refuses a redirect to the same address, to https, and one without a Location', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ location: '/elsewhere' }, /answered HTTP 302, a redirect to http:\/\/127\.0\.0\.1:\d+:/],
      [
        { location: 'https://other.example:8200/x' },
        /a redirect to https:\/\/other\.example:8200:/,
      ],
      [{}, /answered HTTP 302, a redirect without a Location:/],
    ];
    for (const [headers, message] of cases) {
      const server = await serve((_req, res) => res.writeHead(302, headers).end());
      const err = await failure(request({ method: 'GET', url: `${server.url}/x` }, policy));
      expect(err.message).toMatch(message);
      expect(server.hits).toHaveLength(1);
    }
  });

  it('a TLS failure is final and named', async () => {
    const plain = await serve((_req, res) => res.end('ok'));
    const started = Date.now();
    const err = await failure(
      request({ method: 'GET', url: `${plain.url.replace('http:', 'https:')}/x` }, policy),
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err.code).toBe('GATEWAY');
    expect(err.message).toMatch(
      /cannot reach the test server at https:\/\/127\.0\.0\.1:\d+ \(.*SSL .+\)$/,
    );
    expect(err.hint).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('sends one User-Agent, gatepass/<version>, whatever the caller set', async () => {
    const server = await serve((_req, res) => res.end());
    await request(
      { method: 'GET', url: `${server.url}/x`, headers: { 'User-Agent': 'other/1' } },
      policy,
    );
    expect(USER_AGENT).toBe(`gatepass/${VERSION}`);
    expect(server.hits[0]?.headers['user-agent']).toBe(USER_AGENT);
  });
});

/**
 * Straight requests go through node:http, not fetch (direct.ts): what fetch
 * did without being asked must still happen.
 */
describe('what fetch did implicitly, done by the direct route', () => {
  const policy = fast;

  it('gives a form, a text and a bodiless POST the headers fetch gave them', async () => {
    const bodies: string[] = [];
    const server = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.end();
      });
    });
    const url = `${server.url}/x`;
    await request({ method: 'POST', url, body: new URLSearchParams({ a: '1 2' }) }, policy);
    await request({ method: 'POST', url, body: 'plain' }, policy);
    await request({ method: 'POST', url }, policy);
    await request({ method: 'GET', url, headers: { accept: 'application/json' } }, policy);
    const [form, text, empty, get] = server.hits.map((h) => h.headers);
    expect([form?.['content-type'], form?.['content-length'], bodies[0]]).toEqual([
      'application/x-www-form-urlencoded;charset=UTF-8',
      '5',
      'a=1+2',
    ]);
    expect([text?.['content-type'], text?.['content-length']]).toEqual([
      'text/plain;charset=UTF-8',
      '5',
    ]);
    expect([empty?.['content-length'], empty?.['accept']]).toEqual(['0', '*/*']);
    expect([get?.['content-length'], get?.['accept']]).toEqual([undefined, 'application/json']);
  });

  it('decodes a compressed answer, and reuses the connection for the next request', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('{"ok":true}'));
    });
    const first = await request({ method: 'GET', url: `${server.url}/a` }, policy);
    await request({ method: 'GET', url: `${server.url}/b` }, policy);
    expect(first.text()).toBe('{"ok":true}');
    expect(first.headers.get('Content-Encoding')).toBe('gzip');
    const ports = server.hits.map((h) => h.socket.remotePort);
    expect(ports[0]).toBe(ports[1]);
  });

  it('stops reading an endless answer at 32 MiB, once, naming the request', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    let sent = 0;
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Sends until the client goes away: 1 MiB whenever the socket drains.
      const more = (): void => {
        while (!res.destroyed && sent < 64) {
          sent += 1;
          if (!res.write(chunk)) {
            res.once('drain', more);
            return;
          }
        }
        res.end();
      };
      res.on('close', () => (sent = 64));
      more();
    });
    const err = await failure(request({ method: 'GET', url: `${server.url}/huge?k=v` }, policy));
    expect(err.message).toBe(
      `GET ${server.url}/huge: the answer is larger than 32 MiB; gatepass stopped reading it`,
    );
    expect(err.hint).toMatch(/check that the URL is the service's API/);
    expect(server.hits).toHaveLength(1);
  });

  it('stops inflating a small compressed answer that would exceed 32 MiB', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb);
    });
    const err = await failure(request({ method: 'GET', url: `${server.url}/bomb` }, policy));
    expect(err.message).toBe(
      `GET ${server.url}/bomb: the answer is larger than 32 MiB; gatepass stopped reading it`,
    );
    expect(server.hits).toHaveLength(1);
  });

  it('a connection dropped mid-answer is a network failure, retried', async () => {
    const server = await serve((_req, res, n) => {
      if (n === 1) {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
        setTimeout(() => res.socket?.destroy(), 20);
      } else res.end('whole');
    });
    const answer = await request({ method: 'GET', url: `${server.url}/x` }, policy);
    expect([answer.text(), server.hits.length]).toEqual(['whole', 2]);
  });
});

describe('behind a proxy, with a private CA', () => {
  const NAME = 'vault.corp.test';
  let ca: Ca;
  // The first request loads undici (slow under jest's module transform).
  const policy: HttpPolicy = { ...fast, attemptTimeoutMs: 5_000, deadlineMs: 10_000 };

  beforeAll(() => {
    ca = makeCa([NAME]);
  });
  afterAll(() => {
    ca.remove();
  });

  async function corpGateway(): Promise<{ url: string; port: string }> {
    const gw = await serve((_req, res) => res.end('through'), ca);
    const port = new URL(gw.url).port;
    return { url: `https://${NAME}:${port}`, port };
  }

  it('reaches a name only the proxy resolves, trusting `ca-certificate`', async () => {
    const gw = await corpGateway();
    const proxy = await startProxy({ hosts: { [NAME]: '127.0.0.1' } });
    process.env.https_proxy = proxy.url;
    trustCertificate(ca.caPem);
    const answer = await request({ method: 'GET', url: `${gw.url}/v1/x` }, policy);
    expect(answer.text()).toBe('through');
    expect(proxy.connects.map((c) => c.target)).toEqual([`${NAME}:${gw.port}`]);
    await proxy.close();
  });

  it('stops reading an answer over 32 MiB through the proxy too (compressed or not)', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const big = Buffer.alloc(33 * 1024 * 1024, 'x');
    const gw = await serve(
      (req, res) =>
        req.url === '/bomb'
          ? res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb)
          : res.writeHead(200).end(big),
      ca,
    );
    const port = new URL(gw.url).port;
    const proxy = await startProxy({ hosts: { [NAME]: '127.0.0.1' } });
    process.env.https_proxy = proxy.url;
    trustCertificate(ca.caPem);
    try {
      for (const path of ['/big', '/bomb']) {
        const err = await failure(
          request({ method: 'GET', url: `https://${NAME}:${port}${path}` }, policy),
        );
        expect(err.message).toBe(
          `GET https://${NAME}:${port}${path}: the answer is larger than 32 MiB; gatepass stopped reading it`,
        );
      }
      // Each asked once: not retried, as the next answer would be as large.
      expect(gw.hits.map((hit) => hit.url)).toEqual(['/big', '/bomb']);
      expect(proxy.connects.every((c) => c.target === `${NAME}:${port}`)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('without the proxy the name does not resolve (ENOTFOUND, not retried)', async () => {
    const gw = await corpGateway();
    trustCertificate(ca.caPem);
    const err = await failure(request({ method: 'GET', url: `${gw.url}/v1/x` }, policy));
    expect(err.message).toMatch(
      /cannot reach the test server at https:\/\/vault\.corp\.test:\d+ \((ENOTFOUND|EAI_AGAIN)\)/,
    );
  });

  it('an untrusted certificate through the proxy is a TLS failure naming the proxy', async () => {
    const gw = await corpGateway();
    const proxy = await startProxy({ hosts: { [NAME]: '127.0.0.1' } });
    process.env.HTTPS_PROXY = proxy.url;
    const err = await failure(request({ method: 'GET', url: `${gw.url}/v1/x` }, policy));
    expect(err.message).toContain(`through the proxy at ${proxy.origin}`);
    expect(err.message).toMatch(
      /\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/,
    );
    await proxy.close();
  });

  it('sends the credentials in the proxy URL, and never prints them', async () => {
    const gw = await corpGateway();
    const credentials = { user: 'ci-bot', password: 'pr0xy-p@ss' };
    const proxy = await startProxy({ hosts: { [NAME]: '127.0.0.1' }, credentials });
    trustCertificate(ca.caPem);
    process.env.HTTPS_PROXY = proxy.url;
    expect((await request({ method: 'GET', url: `${gw.url}/x` }, policy)).text()).toBe('through');
    const wrong = new URL(proxy.url);
    wrong.password = 'wr0ng-s3cret';
    process.env.HTTPS_PROXY = wrong.href;
    const err = await failure(request({ method: 'GET', url: `${gw.url}/x` }, policy));
    expect(err.message).toBe(
      `GET ${gw.url}/x: cannot reach the test server at ${gw.url} through the proxy at ${proxy.origin} (proxy answered 407)`,
    );
    expect(err.hint).toContain('HTTPS_PROXY=http://user:password@proxy:port');
    for (const text of [err.message, err.hint ?? '']) {
      expect(text).not.toContain('wr0ng-s3cret');
      expect(text).not.toContain('ci-bot');
    }
    await proxy.close();
  });

  it('names the proxy when it refuses the host (403) or is down', async () => {
    const gw = await corpGateway();
    const proxy = await startProxy({
      hosts: { [NAME]: '127.0.0.1' },
      deny: [`${NAME}:${gw.port}`],
    });
    process.env.HTTPS_PROXY = proxy.url;
    const denied = await failure(request({ method: 'GET', url: `${gw.url}/x` }, policy));
    expect(denied.message).toContain(`through the proxy at ${proxy.origin} (proxy answered 403)`);
    expect(denied.hint).toContain('NO_PROXY');
    await proxy.close();
    const down = await failure(
      request({ method: 'GET', url: `${gw.url}/x` }, { ...policy, deadlineMs: 300 }),
    );
    expect(down.message).toContain(`through the proxy at ${proxy.origin} (ECONNREFUSED)`);
  });

  it('goes straight to hosts NO_PROXY lists, and to loopback', async () => {
    const direct = await serve((_req, res) => res.end('direct'));
    process.env.HTTP_PROXY = 'http://127.0.0.1:1';
    expect((await request({ method: 'GET', url: `${direct.url}/x` }, policy)).text()).toBe(
      'direct',
    );
  });
});

describe('proxy choice (@actions/http-client rules)', () => {
  const env = { HTTPS_PROXY: 'http://u:p@proxy:3128', http_proxy: 'http://plain:8080' };
  const via = (url: string, extra: Record<string, string> = {}): string | undefined =>
    proxyFor(new URL(url), { ...env, ...extra })?.host;

  it('picks the variable by scheme, lower case first', () => {
    expect(via('https://vault.corp')).toBe('proxy:3128');
    expect(via('http://vault.corp')).toBe('plain:8080');
    expect(via('https://vault.corp', { https_proxy: 'http://lower:1' })).toBe('lower:1');
  });

  it('applies NO_PROXY suffixes, ports and *', () => {
    const no = (list: string, url: string): boolean => bypasses(new URL(url), { NO_PROXY: list });
    expect(no('corp.example', 'https://vault.corp.example')).toBe(true);
    expect(no('.corp.example', 'https://vault.corp.example')).toBe(true);
    expect(no('corp.example', 'https://corp.example')).toBe(true);
    expect(no('corp.example', 'https://notcorp.example')).toBe(false);
    expect(no('vault.corp:8200', 'https://vault.corp:8200')).toBe(true);
    expect(no('vault.corp:8200', 'https://vault.corp')).toBe(false);
    expect(no('vault.corp:443', 'https://vault.corp')).toBe(true);
    expect(no('*', 'https://anything')).toBe(true);
    expect(no(' other , VAULT.CORP ', 'https://vault.corp')).toBe(true);
    expect(bypasses(new URL('https://vault.corp'), { no_proxy: 'vault.corp' })).toBe(true);
    expect(bypasses(new URL('http://localhost:8200'), {})).toBe(true);
    expect(bypasses(new URL('http://127.0.0.1:8200'), {})).toBe(true);
    expect(bypasses(new URL('http://[::1]:8200'), {})).toBe(true);
  });
});

/**
 * The runner's ID-token request goes through @actions/http-client
 * (`core.getIDToken`), gatepass's own requests through proxy.ts: both must
 * choose the same way, or a NO_PROXY entry sends one through the proxy and
 * the other around it. http-client reads process.env, so each case sets it.
 */
describe('the same choice as @actions/http-client, case by case', () => {
  const PROXY = 'http://proxy.corp:3128/';
  const cases: Array<[url: string, env: Record<string, string>]> = [
    // Suffixes: the host itself, its subdomains, a leading dot, never a bare suffix.
    ['https://vault.corp.example', { NO_PROXY: 'corp.example' }],
    ['https://corp.example', { NO_PROXY: 'corp.example' }],
    ['https://vault.corp.example', { NO_PROXY: '.corp.example' }],
    ['https://corp.example', { NO_PROXY: '.corp.example' }],
    ['https://notcorp.example', { NO_PROXY: 'corp.example' }],
    ['https://a.b.corp.example:8200', { NO_PROXY: 'corp.example' }],
    ['https://vault.corp.example', { NO_PROXY: '*.corp.example' }],
    ['https://vault.corp.example', { NO_PROXY: 'vault.corp.example.' }],
    // Ports: explicit, the scheme's default, another one; a suffix with a port.
    ['https://vault.corp:8200', { NO_PROXY: 'vault.corp:8200' }],
    ['https://vault.corp', { NO_PROXY: 'vault.corp:8200' }],
    ['https://vault.corp', { NO_PROXY: 'vault.corp:443' }],
    ['http://vault.corp', { NO_PROXY: 'vault.corp:80' }],
    ['http://vault.corp', { NO_PROXY: 'vault.corp:443' }],
    ['https://vault.corp:8200', { NO_PROXY: 'vault.corp:8201' }],
    ['https://vault.corp:8200', { NO_PROXY: 'corp:8200' }],
    ['https://vault.corp:8200', { NO_PROXY: '.corp:8200' }],
    // Lists, case, blanks, `*`.
    ['https://vault.corp', { NO_PROXY: ' other , VAULT.CORP ' }],
    ['https://VAULT.corp', { NO_PROXY: 'vault.CORP' }],
    ['https://vault.corp', { NO_PROXY: ',,' }],
    ['https://vault.corp', { NO_PROXY: '*' }],
    ['https://vault.corp', { NO_PROXY: 'other,*' }],
    ['https://vault.corp', { NO_PROXY: '*.' }],
    // Lower case first; an empty lower-case variable defers to the upper-case one.
    ['https://vault.corp', { no_proxy: 'vault.corp', NO_PROXY: 'other' }],
    ['https://vault.corp', { no_proxy: 'other', NO_PROXY: 'vault.corp' }],
    ['https://vault.corp', { no_proxy: '', NO_PROXY: 'vault.corp' }],
    ['https://vault.corp', { https_proxy: 'http://lower:1', HTTPS_PROXY: PROXY }],
    ['https://vault.corp', { https_proxy: '', HTTPS_PROXY: PROXY }],
    ['http://vault.corp', { http_proxy: 'http://lower:1', HTTP_PROXY: PROXY }],
    // The proxy by scheme: none for http when only HTTPS_PROXY is set.
    ['http://vault.corp', { HTTPS_PROXY: PROXY }],
    ['https://vault.corp', { HTTP_PROXY: PROXY }],
    // IP addresses, loopback.
    ['https://10.1.2.3:8200', { NO_PROXY: '10.1.2.3' }],
    ['https://10.1.2.3:8200', { NO_PROXY: '2.3' }],
    ['https://[fd00::1]:8200', { NO_PROXY: '[fd00::1]' }],
    ['https://[fd00::1]:8200', { NO_PROXY: 'fd00::1' }],
    ['https://[fd00::1]:8200', { NO_PROXY: '[fd00::1]:8200' }],
    ['http://localhost:8200', {}],
    ['http://LOCALHOST:8200', {}],
    ['http://127.0.0.1:8200', {}],
    ['http://127.9.9.9:8200', {}],
    ['http://[::1]:8200', {}],
    ['http://[0:0:0:0:0:0:0:1]:8200', {}],
    ['http://localhost.corp:8200', {}],
  ];

  it.each(cases)('%s with %j', (url, extra) => {
    const env: Record<string, string> = { HTTPS_PROXY: PROXY, HTTP_PROXY: PROXY, ...extra };
    for (const k of ENV) {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- http-client reads process.env
      delete process.env[k];
    }
    Object.assign(process.env, env);
    const theirs = getProxyUrl(new URL(url));
    expect(proxyFor(new URL(url), env)?.href).toBe(theirs?.href);
  });
});

describe('dispatcherTo (the data path relay’s way out)', () => {
  it('follows the same proxy choice, names the proxy by origin only and scrubs its password', async () => {
    const env = { HTTPS_PROXY: 'http://ci-bot:pr0xy-pw@proxy.corp:3128', NO_PROXY: 'direct.corp' };
    const viaProxy = await dispatcherTo(new URL('https://api.corp'), env);
    expect(viaProxy.proxy).toBe('http://proxy.corp:3128');
    expect(
      viaProxy.scrub('failed at http://ci-bot:pr0xy-pw@proxy.corp:3128/ (pr0xy-pw)'),
    ).not.toContain('pr0xy-pw');
    const straight = await dispatcherTo(new URL('https://direct.corp'), env);
    expect(straight.proxy).toBeUndefined();
    expect(straight.dispatcher).not.toBe(viaProxy.dispatcher);
    expect((await dispatcherTo(new URL('https://api.corp'), env)).dispatcher).toBe(
      viaProxy.dispatcher,
    );
  });
});
