/**
 * The data path's upstream leg behind a corporate proxy: the upstream's
 * name (`upstream.corp.test`) resolves only at the CONNECT proxy, its
 * certificate comes from a private CA, and the proxy wants credentials.
 * The leg goes the way every other gatepass request goes (common/proxy.ts).
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { trustCertificate } from '../../src/common/proxy.js';
import {
  startHttpProxy,
  type HttpEndpoint,
  type RequestRecord,
} from '../../src/delivery/http/index.js';
import { makeCa, startProxy, type Ca, type Proxy } from '../helpers/proxy.js';
import { send } from './http-client.js';
import { BASE_PATH, startUpstream, type Upstream } from './http-upstream.js';

const NAME = 'upstream.corp.test';
const PASSWORD = 'pr0xy-s3cret-pw';
const TOKEN = 'glpat-dataPathProxyToken0123';

let ca: Ca;
let upstream: Upstream;
let proxy: Proxy;
const open: HttpEndpoint[] = [];

beforeAll(async () => {
  ca = makeCa([NAME]);
  trustCertificate(ca.caPem);
  upstream = await startUpstream(ca);
  proxy = await startProxy({
    hosts: { [NAME]: '127.0.0.1' },
    credentials: { user: 'ci-bot', password: PASSWORD },
  });
});

afterAll(async () => {
  await Promise.all(open.map((e) => e.close()));
  trustCertificate(undefined);
  await proxy.close();
  await upstream.close();
  ca.remove();
});

async function start(
  env: Record<string, string>,
): Promise<{ url: string; records: RequestRecord[] }> {
  const records: RequestRecord[] = [];
  const endpoint = await startHttpProxy({
    upstream: upstream.base(NAME),
    credential: () => Promise.resolve({ header: 'private-token', value: TOKEN }),
    inspect: () => Promise.resolve({ allow: true }),
    record: (entry) => records.push(entry),
    env,
  });
  open.push(endpoint);
  return { url: endpoint.url, records };
}

it('reaches an upstream only the proxy resolves, through HTTPS_PROXY, with the private CA', async () => {
  const { url } = await start({ HTTPS_PROXY: proxy.url });
  const res = await send({ base: url, path: '/projects/1' });
  expect(res.status).toBe(200);
  const seen = JSON.parse(res.body) as { url: string; headers: Record<string, string> };
  expect(seen.url).toBe(`${BASE_PATH}/projects/1`);
  expect(seen.headers.host).toBe(`${NAME}:${String(upstream.port)}`);
  expect(seen.headers['private-token']).toBe(TOKEN);
  expect(seen.headers['proxy-authorization']).toBeUndefined();
  expect(proxy.connects.at(-1)).toEqual({
    target: `${NAME}:${String(upstream.port)}`,
    authorization: `Basic ${Buffer.from(`ci-bot:${PASSWORD}`).toString('base64')}`,
  });
});

it('answers 502 naming the proxy (never its password) when the proxy refuses', async () => {
  const wrong = proxy.url.replace(PASSWORD, 'wrong-password');
  const { url, records } = await start({ HTTPS_PROXY: wrong });
  const res = await send({ base: url, path: '/projects/1' });
  expect(res.status).toBe(502);
  expect(res.body).toContain(`https://${NAME}:${String(upstream.port)}`);
  expect(res.body).toContain(proxy.origin);
  expect(res.body).toContain('407');
  for (const secret of ['wrong-password', PASSWORD, TOKEN]) {
    expect(res.body).not.toContain(secret);
    expect(JSON.stringify(records)).not.toContain(secret);
  }
});

it('goes straight when NO_PROXY lists the upstream (and then cannot resolve it: 502)', async () => {
  const before = proxy.connects.length;
  const { url } = await start({ HTTPS_PROXY: proxy.url, NO_PROXY: 'corp.test' });
  const res = await send({ base: url, path: '/projects/1' });
  expect(res.status).toBe(502);
  expect(res.body).toContain(NAME);
  expect(res.body).toMatch(/ENOTFOUND|EAI_AGAIN/);
  expect(proxy.connects).toHaveLength(before);
});
