/**
 * Large bodies through the data path's proxy, both ways, with the memory
 * they cost: the proxy streams (nothing buffers a body), so the process's
 * resident memory stays far below the body's size. The upstream and the
 * client generate and count bytes as they go, so they buffer nothing
 * either. GATEPASS_HTTP_STREAM_MB sets the size (default 256; 1024 for
 * the 1 GiB figure in docs/data-path.md).
 */
import { request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { trustCertificate } from '../../src/common/proxy.js';
import {
  startHttpProxy,
  type HttpEndpoint,
  type RequestRecord,
} from '../../src/delivery/http/index.js';
import { makeCa, type Ca } from '../helpers/proxy.js';
import { send } from './http-client.js';
import { generated, startUpstream, type Upstream } from './http-upstream.js';

const MIB = 1024 * 1024;
const SIZE_MB = Number(process.env.GATEPASS_HTTP_STREAM_MB ?? '256');
/** Far under the body's size: buffering either body whole, or a good part of it, crosses it. */
const MAX_GROWTH = Math.min(48, SIZE_MB / 4) * MIB;

let ca: Ca;
let upstream: Upstream;
let endpoint: HttpEndpoint;
const records: RequestRecord[] = [];

beforeAll(async () => {
  ca = makeCa([], ['127.0.0.1']);
  trustCertificate(ca.caPem);
  upstream = await startUpstream(ca);
  endpoint = await startHttpProxy({
    upstream: upstream.base(),
    credential: () => Promise.resolve({ header: 'authorization', value: 'Bearer t' }),
    inspect: () => Promise.resolve({ allow: true }),
    record: (entry) => records.push(entry),
    env: {},
  });
}, 60_000);

afterAll(async () => {
  await endpoint.close();
  trustCertificate(undefined);
  await upstream.close();
  ca.remove();
});

/**
 * V8's collector, exposed after start: collecting as the bytes flow makes
 * RSS show what is held, not the spent buffers V8 has not collected yet
 * (tens of MiB, whatever the size), which keeps the bound tight and steady.
 */
function collector(): (options?: { type: 'minor' | 'major' }) => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
}

/** Runs `work` while sampling RSS; returns its result and the peak growth over the start. */
async function peakGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const gc = collector();
  gc();
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    // A scavenge: cheap, and where the spent chunks of a stream are.
    gc({ type: 'minor' });
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  try {
    const result = await work();
    return { result, growth: Math.max(peak, process.memoryUsage.rss()) - start };
  } finally {
    clearInterval(timer);
  }
}

it(`downloads ${String(SIZE_MB)} MiB with flat memory`, async () => {
  const { result, growth } = await peakGrowth(() =>
    send({ base: endpoint.url, path: `/download?mb=${String(SIZE_MB)}`, keep: 0 }),
  );
  process.stdout.write(
    `download ${String(SIZE_MB)} MiB: peak RSS growth ${(growth / MIB).toFixed(1)} MiB\n`,
  );
  expect(result.status).toBe(200);
  expect(result.bytes).toBe(SIZE_MB * MIB);
  expect(growth).toBeLessThan(MAX_GROWTH);
}, 300_000);

it(`uploads ${String(SIZE_MB)} MiB (chunked) with flat memory`, async () => {
  const url = new URL(endpoint.url);
  const { result, growth } = await peakGrowth(
    () =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            method: 'POST',
            path: `${url.pathname}upload`,
            agent: false,
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              resolve(res.statusCode ?? 0);
            });
          },
        );
        req.on('error', reject);
        generated(SIZE_MB * MIB).pipe(req);
      }),
  );
  process.stdout.write(
    `upload ${String(SIZE_MB)} MiB: peak RSS growth ${(growth / MIB).toFixed(1)} MiB\n`,
  );
  expect(result).toBe(200);
  expect(upstream.seen.at(-1)?.bodyBytes).toBe(SIZE_MB * MIB);
  expect(records.at(-1)?.requestBytes).toBe(SIZE_MB * MIB);
  expect(growth).toBeLessThan(MAX_GROWTH);
}, 300_000);
