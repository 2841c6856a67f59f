/**
 * The data path's HTTP proxy against a real TLS upstream (private CA), with
 * plain node:http clients: what the upstream receives, what the client gets,
 * what `inspect` sees and what is recorded.
 */
import { Agent, request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { trustCertificate } from '../../src/common/proxy.js';
import { startHttpProxy } from '../../src/delivery/http/index.js';
import type {
  HttpEndpoint,
  HttpProxyOptions,
  RequestCheck,
  RequestDecision,
  RequestRecord,
} from '../../src/delivery/http/index.js';
import { makeCa, type Ca } from '../helpers/proxy.js';
import { send } from './http-client.js';
import { BASE_PATH, startUpstream, type Upstream } from './http-upstream.js';

const TOKEN = 'ghs_dataPathT0kenNeverShown1234567890';

let ca: Ca;
let upstream: Upstream;

beforeAll(async () => {
  ca = makeCa(['upstream.corp.test'], ['127.0.0.1']);
  trustCertificate(ca.caPem);
  upstream = await startUpstream(ca);
});

afterAll(async () => {
  trustCertificate(undefined);
  await upstream.close();
  ca.remove();
});

interface Harness {
  endpoint: HttpEndpoint;
  records: RequestRecord[];
  checks: RequestCheck[];
}

const open: HttpEndpoint[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
  upstream.seen.length = 0;
  upstream.streams.length = 0;
});

async function start(extra: Partial<HttpProxyOptions> = {}): Promise<Harness> {
  const records: RequestRecord[] = [];
  const checks: RequestCheck[] = [];
  const endpoint = await startHttpProxy({
    upstream: upstream.base(),
    credential: () => Promise.resolve({ header: 'authorization', value: `Bearer ${TOKEN}` }),
    record: (entry) => records.push(entry),
    env: {},
    ...extra,
    inspect: (check) => {
      checks.push(check);
      return extra.inspect?.(check) ?? Promise.resolve({ allow: true });
    },
  });
  open.push(endpoint);
  return { endpoint, records, checks };
}

/** Resolves once `records` has `n` entries (records come after the response ends). */
async function recorded(records: RequestRecord[], n = 1): Promise<RequestRecord[]> {
  while (records.length < n) await new Promise((r) => setTimeout(r, 5));
  return records;
}

function echoed(body: string): { method: string; url: string; headers: Record<string, string> } {
  return JSON.parse(body) as { method: string; url: string; headers: Record<string, string> };
}

describe('credential and headers', () => {
  it('injects the credential, replacing what the client sent, and strips hop-by-hop headers', async () => {
    const { endpoint, records, checks } = await start();
    const res = await send({
      base: endpoint.url,
      path: '/repos/o/r/issues?state=open',
      headers: {
        authorization: 'Bearer the-jobs-own-token',
        cookie: 'session=abc',
        'proxy-authorization': 'Basic eDp5',
        connection: 'keep-alive, x-hop',
        'x-hop': 'drop me',
        'x-forwarded-for': '10.0.0.1',
        te: 'trailers',
        'x-kept': 'yes',
      },
    });
    expect(res.status).toBe(200);
    const seen = echoed(res.body);
    expect(seen.url).toBe(`${BASE_PATH}/repos/o/r/issues?state=open`);
    expect(seen.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen.headers.host).toBe(`127.0.0.1:${String(upstream.port)}`);
    expect(seen.headers['x-kept']).toBe('yes');
    for (const gone of ['cookie', 'proxy-authorization', 'x-hop', 'x-forwarded-for', 'te']) {
      expect(seen.headers[gone]).toBeUndefined();
    }
    expect(upstream.seen[0]?.rawHeaders.filter((h) => /^authorization$/i.test(h))).toHaveLength(1);
    expect(checks).toEqual([
      expect.objectContaining({ method: 'GET', path: '/repos/o/r/issues', query: 'state=open' }),
    ]);
    const [record] = await recorded(records);
    expect(record).toMatchObject({
      method: 'GET',
      path: '/repos/o/r/issues',
      queryKeys: ['state'],
      status: 200,
      outcome: 'ok',
      requestBytes: 0,
    });
    expect(record?.responseBytes).toBe(Buffer.byteLength(res.body));
  });

  it('puts the credential in the header it names, replacing the client’s', async () => {
    const { endpoint } = await start({
      credential: () => Promise.resolve({ header: 'PRIVATE-TOKEN', value: TOKEN }),
    });
    const res = await send({ base: endpoint.url, headers: { 'private-token': 'mine' } });
    expect(echoed(res.body).headers['private-token']).toBe(TOKEN);
  });

  it('asks for the credential on every request, so a refreshed token is used', async () => {
    let n = 0;
    const { endpoint } = await start({
      credential: () =>
        Promise.resolve({ header: 'authorization', value: `Bearer t${String(++n)}` }),
    });
    const first = await send({ base: endpoint.url, path: '/a' });
    const second = await send({ base: endpoint.url, path: '/b' });
    expect(echoed(first.body).headers.authorization).toBe('Bearer t1');
    expect(echoed(second.body).headers.authorization).toBe('Bearer t2');
  });

  it('records query names only, and relays the query as sent', async () => {
    const { endpoint, records } = await start();
    const res = await send({ base: endpoint.url, path: '/x?sig=s3cr3tSig&page=2&page=3&flag' });
    expect(echoed(res.body).url).toBe(`${BASE_PATH}/x?sig=s3cr3tSig&page=2&page=3&flag`);
    const [record] = await recorded(records);
    expect(record?.queryKeys).toEqual(['sig', 'page', 'flag']);
    expect(JSON.stringify(records)).not.toContain('s3cr3tSig');
  });
});

describe('who may use it', () => {
  it('answers 403 without the capability, or with a wrong one, and records it', async () => {
    const { endpoint, records, checks } = await start();
    const port = new URL(endpoint.url).port;
    const wrong = 'A'.repeat(43);
    for (const target of ['/api/x', `/${wrong}/x`, '/', `/${wrong}`]) {
      const res = await send({ base: endpoint.url, target });
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'capability_required' });
    }
    expect(upstream.seen).toHaveLength(0);
    expect(checks).toHaveLength(0);
    await recorded(records, 4);
    for (const r of records) {
      expect(r).toMatchObject({
        outcome: 'blocked',
        rule: 'gatepass:capability',
        status: 403,
        path: '',
      });
    }
    expect(endpoint.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/[A-Za-z0-9_-]{43}/$`));
  });

  it('refuses a foreign Host (DNS rebinding) and accepts localhost at its port', async () => {
    const { endpoint, records } = await start();
    const port = new URL(endpoint.url).port;
    for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1', `127.0.0.1:1`]) {
      const res = await send({ base: endpoint.url, headers: { host } });
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'wrong_host' });
    }
    expect(upstream.seen).toHaveLength(0);
    const local = await send({ base: endpoint.url, headers: { host: `localhost:${port}` } });
    expect(local.status).toBe(200);
    await recorded(records, 5);
    expect(records.slice(0, 4).map((r) => r.rule)).toEqual(Array(4).fill('gatepass:host'));
  });

  it('is not a forward proxy: absolute-form, CONNECT and TRACE are refused', async () => {
    const { endpoint, records } = await start();
    const absolute = await send({ base: endpoint.url, target: `${upstream.base().href}/x` });
    expect(absolute.status).toBe(400);
    const trace = await send({ base: endpoint.url, method: 'TRACE', path: '/x' });
    expect(trace.status).toBe(405);
    const connect = await rawConnect(endpoint.url, `127.0.0.1:${String(upstream.port)}`);
    expect(connect).toMatch(/^HTTP\/1\.1 405 /);
    expect(upstream.seen).toHaveLength(0);
    await recorded(records, 3);
    expect(records.map((r) => r.rule).sort()).toEqual([
      'gatepass:connect',
      'gatepass:forward-proxy',
      'gatepass:trace',
    ]);
  });

  it('refuses WebSocket upgrades with 501', async () => {
    const { endpoint, records } = await start();
    const answer = await rawRequest(
      endpoint.url,
      `GET ${new URL(endpoint.url).pathname}socket HTTP/1.1\r\nHost: ${new URL(endpoint.url).host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 501 /);
    expect(answer).toContain('upgrade_not_supported');
    expect(upstream.seen).toHaveLength(0);
    const [record] = await recorded(records);
    expect(record).toMatchObject({ path: '/socket', status: 501, rule: 'gatepass:upgrade' });
  });

  it('ignores an h2c upgrade and answers over HTTP/1.1', async () => {
    const { endpoint } = await start();
    const res = await send({
      base: endpoint.url,
      path: '/x',
      headers: {
        connection: 'Upgrade, HTTP2-Settings',
        upgrade: 'h2c',
        'http2-settings': 'AAMAAABkAAQAAP__',
      },
    });
    expect(res.status).toBe(200);
    const seen = echoed(res.body);
    expect(seen.headers.upgrade).toBeUndefined();
    expect(seen.headers['http2-settings']).toBeUndefined();
  });
});

describe('inspect', () => {
  it('blocks with 403 and a JSON body; nothing reaches the upstream', async () => {
    const { endpoint, records } = await start({
      inspect: () =>
        Promise.resolve({ allow: false, rule: 'no-deletes', message: 'DELETE is not allowed' }),
    });
    const res = await send({ base: endpoint.url, method: 'DELETE', path: '/repos/o/r' });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual({
      error: 'blocked_by_gatepass',
      rule: 'no-deletes',
      message: 'DELETE is not allowed',
    });
    expect(upstream.seen).toHaveLength(0);
    const [record] = await recorded(records);
    expect(record).toMatchObject({
      outcome: 'blocked',
      rule: 'no-deletes',
      status: 403,
      path: '/repos/o/r',
    });
  });

  it('holds the request until inspect decides, then relays it', async () => {
    const gate = deferred<RequestDecision>();
    const asked = deferred<RequestCheck>();
    const { endpoint } = await start({
      inspect: (check) => {
        asked.resolve(check);
        return gate.promise;
      },
    });
    const pending = send({
      base: endpoint.url,
      method: 'POST',
      path: '/deploy',
      body: '{"x":1}',
      headers: { 'content-type': 'application/json' },
    });
    await asked.promise;
    // Held: the upstream has seen nothing yet.
    await new Promise((r) => setTimeout(r, 50));
    expect(upstream.seen).toHaveLength(0);
    gate.resolve({ allow: true });
    const res = await pending;
    expect(res.status).toBe(200);
    expect(upstream.seen).toHaveLength(1);
    expect(upstream.seen[0]?.bodyBytes).toBe(7);
  });

  it('aborts inspect’s signal when the client leaves a held request', async () => {
    const asked = deferred<RequestCheck>();
    const { endpoint, records } = await start({
      inspect: (check) => {
        asked.resolve(check);
        return new Promise<RequestDecision>(() => undefined);
      },
    });
    const client = new AbortController();
    const pending = send({ base: endpoint.url, path: '/held', signal: client.signal }).catch(
      (e: unknown) => e,
    );
    const check = await asked.promise;
    expect(check.signal.aborted).toBe(false);
    client.abort();
    await pending;
    await new Promise<void>((resolve) => {
      if (check.signal.aborted) resolve();
      else
        check.signal.addEventListener('abort', () => {
          resolve();
        });
    });
    const [record] = await recorded(records);
    expect(record).toMatchObject({ outcome: 'error', status: 499, path: '/held' });
    expect(upstream.seen).toHaveLength(0);
  });

  it('answers 500 when inspect fails, and 503 when the credential cannot be had; nothing sent', async () => {
    const failing = await start({ inspect: () => Promise.reject(new Error(`oops ${TOKEN}`)) });
    const a = await send({ base: failing.endpoint.url, path: '/x' });
    expect(a.status).toBe(500);
    expect(a.body).not.toContain(TOKEN);
    const noToken = await start({ credential: () => Promise.reject(new Error(TOKEN)) });
    const b = await send({ base: noToken.endpoint.url, path: '/x' });
    expect(b.status).toBe(503);
    expect(b.body).not.toContain(TOKEN);
    expect(upstream.seen).toHaveLength(0);
  });
});

describe('misbehaving hooks and clients', () => {
  it('sends nothing when the credential is not a well-formed header', async () => {
    for (const credential of [
      { header: 'authorization', value: `Bearer ${TOKEN}\r\nx-injected: 1` },
      { header: 'bad header', value: TOKEN },
    ]) {
      const { endpoint } = await start({ credential: () => Promise.resolve(credential) });
      const res = await send({ base: endpoint.url, path: '/x' });
      expect(res.status).toBe(503);
      expect(res.body).not.toContain(TOKEN);
    }
    expect(upstream.seen).toHaveLength(0);
  });

  it('answers even when the record hook throws', async () => {
    const { endpoint } = await start({
      record: () => {
        throw new Error('audit sink down');
      },
    });
    expect((await send({ base: endpoint.url, path: '/x' })).status).toBe(200);
  });

  it('answers 417 to an Expect it does not know, and records it', async () => {
    const { endpoint, records } = await start();
    const res = await send({ base: endpoint.url, path: '/x', headers: { expect: 'magic' } });
    expect(res.status).toBe(417);
    expect(upstream.seen).toHaveLength(0);
    const [record] = await recorded(records);
    expect(record).toMatchObject({ status: 417, outcome: 'error' });
  });
});

describe('paths', () => {
  const cases: Array<[string, string]> = [
    ['/a/../admin', '/admin'],
    ['/a/%2e%2e/admin', '/admin'],
    ['/%2E%2E/%2e%2E/admin', '/admin'],
    ['/../../etc/passwd', '/etc/passwd'],
    ['//admin', '/admin'],
    ['/a//b///c', '/a/b/c'],
    ['/./x/./y/', '/x/y/'],
    ['/x/y/..', '/x/'],
    ['/projects/group%2Fproject', '/projects/group%2Fproject'],
    ['/projects/group%2fproject', '/projects/group%2Fproject'],
    ['/projects/group%2F..%2Fother', '/projects/group%2F..%2Fother'],
    ['/%7Euser/%41b%63', '/~user/Abc'],
    ['/caf%c3%a9/a%20b', '/caf%C3%A9/a%20b'],
    ['/a\\..\\b', '/a%5C..%5Cb'],
  ];

  it.each(cases)(
    '%s: inspect sees %s, and the upstream gets exactly that',
    async (raw, canonical) => {
      const { endpoint, checks, records } = await start();
      const res = await send({ base: endpoint.url, path: `${raw}?q=1` });
      expect(res.status).toBe(200);
      expect(checks[0]?.path).toBe(canonical);
      expect(echoed(res.body).url).toBe(`${BASE_PATH}${canonical}?q=1`);
      const [record] = await recorded(records);
      expect(record?.path).toBe(canonical);
    },
  );

  it('refuses a malformed percent escape with 400', async () => {
    const { endpoint, checks } = await start();
    for (const path of ['/a%zz', '/a%2', '/a%']) {
      const res = await send({ base: endpoint.url, path });
      expect(res.status).toBe(400);
    }
    expect(checks).toHaveLength(0);
    expect(upstream.seen).toHaveLength(0);
  });
});

describe('bodies and statuses', () => {
  it('relays a chunked upload as it comes', async () => {
    const { endpoint, records } = await start();
    const body = ['{"a":', '1,', '"b":2}'];
    const res = await new Promise<number>((resolve, reject) => {
      const url = new URL(endpoint.url);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'PUT',
          path: `${url.pathname}put`,
          agent: false,
        },
        (r) => {
          r.resume();
          r.on('end', () => {
            resolve(r.statusCode ?? 0);
          });
        },
      );
      req.on('error', reject);
      // The last part only once the upstream has the head: the body is still coming, as in a
      // real upload (given whole before the relay starts, its length would be known and sent).
      upstream.arrivals.once('request', () => req.end(body[2]));
      req.write(body[0]);
      req.write(body[1]);
    });
    expect(res).toBe(200);
    expect(upstream.seen[0]?.headers['transfer-encoding']).toBe('chunked');
    expect(upstream.seen[0]?.bodyBytes).toBe(body.join('').length);
    const [record] = await recorded(records);
    expect(record?.requestBytes).toBe(body.join('').length);
  });

  it('answers Expect: 100-continue only once inspect allowed the request', async () => {
    const decisions: RequestDecision[] = [
      { allow: false, rule: 'r', message: 'no' },
      { allow: true },
    ];
    const { endpoint } = await start({
      inspect: () => Promise.resolve(decisions.shift() ?? { allow: true }),
    });
    const first = await expectContinue(endpoint.url);
    expect(first).toEqual({ continued: false, status: 403 });
    expect(upstream.seen).toHaveLength(0);
    const second = await expectContinue(endpoint.url);
    expect(second).toEqual({ continued: true, status: 200 });
    expect(upstream.seen[0]?.bodyBytes).toBe(5);
    expect(upstream.seen[0]?.headers.expect).toBeUndefined();
  });

  it('relays HEAD (length, no body) and 204', async () => {
    const { endpoint } = await start();
    const head = await send({ base: endpoint.url, method: 'HEAD', path: '/x' });
    expect(head.status).toBe(200);
    expect(head.bytes).toBe(0);
    expect(head.headers['x-upstream']).toBe('yes');
    const empty = await send({ base: endpoint.url, path: '/empty' });
    expect(empty.status).toBe(204);
    expect(empty.bytes).toBe(0);
  });

  it('streams an event stream: its head before any event, each event as it comes', async () => {
    const { endpoint, records } = await start();
    const url = new URL(endpoint.url);
    const first = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: `${url.pathname}sse`, agent: false },
        (res) => {
          expect(res.headers['content-type']).toBe('text/event-stream');
          upstream.streams.at(-1)?.write('data: first\n\n');
          res.once('data', (chunk: Buffer) => {
            resolve(chunk.toString());
            req.destroy();
          });
        },
      );
      req.on('error', () => undefined);
      req.on('close', () => {
        reject(new Error('closed before the first event'));
      });
      req.end();
    });
    expect(first).toBe('data: first\n\n');
    await upstream.sseClosed;
    const [record] = await recorded(records);
    expect(record).toMatchObject({ outcome: 'error', status: 200, path: '/sse' });
  });
});

describe('redirects', () => {
  it('rewrites a Location under the upstream base to the proxy, and leaves others alone', async () => {
    const { endpoint } = await start();
    const origin = upstream.base().origin;
    const redirect = async (to: string): Promise<string | undefined> =>
      (await send({ base: endpoint.url, path: `/redirect?to=${encodeURIComponent(to)}` })).headers
        .location;
    const local = endpoint.url.replace(/\/$/, '');
    expect(await redirect(`${origin}${BASE_PATH}/repos/x?page=2`)).toBe(`${local}/repos/x?page=2`);
    expect(await redirect(`${BASE_PATH}/relative`)).toBe(`${local}/relative`);
    expect(await redirect('https://elsewhere.test/file?sig=1')).toBe(
      'https://elsewhere.test/file?sig=1',
    );
    expect(await redirect(`${origin}/outside/base`)).toBe(`${origin}/outside/base`);
    expect(await redirect(`http://127.0.0.1:${String(upstream.port)}${BASE_PATH}/x`)).toBe(
      `http://127.0.0.1:${String(upstream.port)}${BASE_PATH}/x`,
    );
  });

  it('rewrites Link targets under the upstream base (pagination)', async () => {
    const { endpoint } = await start();
    const res = await send({ base: endpoint.url, path: '/link' });
    const local = endpoint.url.replace(/\/$/, '');
    expect(res.headers.link).toBe(
      `<${local}/items?page=2>; rel="next", <https://elsewhere.test/items?page=9>; rel="last"`,
    );
  });
});

describe('upstream failures', () => {
  it('answers 502 naming the upstream when it is down, never the credential', async () => {
    const down = await startUpstream(ca);
    const base = down.base();
    await down.close();
    const { endpoint, records } = await start({ upstream: base });
    const res = await send({ base: endpoint.url, path: '/x' });
    expect(res.status).toBe(502);
    expect(res.body).toContain(base.origin);
    expect(res.body).toContain('ECONNREFUSED');
    expect(res.body).not.toContain(TOKEN);
    expect(res.body.trim().split('\n')).toHaveLength(1);
    const [record] = await recorded(records);
    expect(record).toMatchObject({ outcome: 'upstream-error', status: 502 });
  });

  it('answers 504 when the upstream does not answer in time', async () => {
    const { endpoint, records } = await start({ upstreamTimeoutMs: 300 });
    const res = await send({ base: endpoint.url, path: '/slow' });
    expect(res.status).toBe(504);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'upstream_timeout' });
    expect(res.body).toContain(upstream.base().origin);
    expect(res.body).not.toContain(TOKEN);
    const [record] = await recorded(records);
    expect(record).toMatchObject({ outcome: 'upstream-error', status: 504 });
  });

  it('answers 502 when the upstream’s certificate is not trusted', async () => {
    trustCertificate(undefined);
    try {
      const { endpoint } = await start();
      const res = await send({ base: endpoint.url, path: '/x' });
      expect(res.status).toBe(502);
      expect(res.body).not.toContain(TOKEN);
    } finally {
      trustCertificate(ca.caPem);
    }
  });
});

describe('limits and closing', () => {
  it('refuses requests beyond the concurrency limit with 503', async () => {
    const asked = deferred<RequestCheck>();
    const gate = deferred<RequestDecision>();
    const { endpoint } = await start({
      maxConcurrentRequests: 1,
      inspect: (check) => {
        asked.resolve(check);
        return gate.promise;
      },
    });
    const held = send({ base: endpoint.url, path: '/one' });
    await asked.promise;
    const second = await send({ base: endpoint.url, path: '/two' });
    expect(second.status).toBe(503);
    expect(second.headers['retry-after']).toBe('1');
    gate.resolve({ allow: true });
    expect((await held).status).toBe(200);
  });

  it('refuses a request head over the limit with 431', async () => {
    const { endpoint, records } = await start({ maxHeaderBytes: 4096 });
    const res = await send({ base: endpoint.url, headers: { 'x-big': 'x'.repeat(8192) } });
    expect(res.status).toBe(431);
    const [record] = await recorded(records);
    expect(record).toMatchObject({ status: 431, outcome: 'error' });
  });

  it('close() lets held and streaming requests go and resolves once all is closed', async () => {
    const asked = deferred<RequestCheck>();
    const { endpoint, records } = await start({
      inspect: (check) => {
        if (check.path === '/held') {
          asked.resolve(check);
          return new Promise<RequestDecision>(() => undefined);
        }
        return Promise.resolve({ allow: true });
      },
    });
    const url = new URL(endpoint.url);
    const streaming = new Promise<string>((resolve) => {
      const req = request(
        { host: url.hostname, port: url.port, path: `${url.pathname}sse`, agent: false },
        (res) => {
          res.on('data', () => undefined);
          res.on('close', () => {
            resolve('closed');
          });
          res.on('error', () => {
            resolve('closed');
          });
        },
      );
      req.on('error', () => {
        resolve('closed');
      });
      req.end();
    });
    const held = send({ base: endpoint.url, path: '/held' });
    const check = await asked.promise;
    await endpoint.close();
    expect(check.signal.aborted).toBe(true);
    expect((await held).status).toBe(503);
    expect(await streaming).toBe('closed');
    await recorded(records, 2);
    expect(records.map((r) => [r.path, r.outcome]).sort()).toEqual([
      ['/held', 'error'],
      ['/sse', 'error'],
    ]);
    await expect(send({ base: endpoint.url, path: '/after' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('close() does not wait for idle keep-alive connections', async () => {
    const { endpoint } = await start();
    const agent = new Agent({ keepAlive: true });
    const url = new URL(endpoint.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: `${url.pathname}x`, agent },
        (res) => {
          res.resume();
          res.on('end', () => {
            resolve(res.statusCode ?? 0);
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(Object.keys(agent.freeSockets)).toHaveLength(1);
    await endpoint.close();
    agent.destroy();
  });

  it('closes when its signal aborts', async () => {
    const stop = new AbortController();
    const { endpoint } = await start({ signal: stop.signal });
    expect((await send({ base: endpoint.url })).status).toBe(200);
    stop.abort();
    await endpoint.close();
    await expect(send({ base: endpoint.url })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses an upstream that is not https (http only to loopback)', async () => {
    await expect(start({ upstream: new URL('http://api.example.com') })).rejects.toThrow(/https/);
    await expect(start({ upstream: new URL('https://u:p@api.example.com') })).rejects.toThrow(
      /credentials/,
    );
  });
});

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Sends `text` on a fresh socket and returns all it gets until the server closes. */
async function rawRequest(base: string, text: string): Promise<string> {
  const { connect } = await import('node:net');
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
    let got = '';
    socket.on('data', (chunk: Buffer) => (got += chunk.toString()));
    socket.on('end', () => {
      resolve(got);
    });
    socket.on('error', reject);
  });
}

function rawConnect(base: string, target: string): Promise<string> {
  return rawRequest(base, `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
}

/** A POST with Expect: 100-continue whose body goes only after the 100. */
function expectContinue(base: string): Promise<{ continued: boolean; status: number }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: `${url.pathname}upload`,
        headers: { expect: '100-continue', 'content-length': '5' },
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve({ continued, status: res.statusCode ?? 0 });
        });
      },
    );
    req.on('continue', () => {
      continued = true;
      req.end('hello');
    });
    req.on('error', reject);
  });
}
