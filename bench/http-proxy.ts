/**
 * The data path's HTTP proxy (src/delivery/http/): what it adds per request
 * and what a large body costs it in memory.
 *
 *   node --import ./bench/ts-hook.mjs bench/http-proxy.ts [--requests 500] [--mb 1024]
 *
 * The proxy runs in a child process of its own (so its peak resident memory
 * is its own, read from `process.resourceUsage().maxRSS`), in front of a TLS
 * upstream with a private CA (the tests' double, __tests__/delivery/
 * http-upstream.ts) in this process. Latency: the same small GET, with
 * keep-alive, straight to the upstream (https) and through the proxy (http
 * to the proxy, which `inspect`s, injects and relays over https), in
 * interleaved rounds; medians and their difference. Memory: the child's
 * peak RSS after the latency runs, then after `--mb` MiB down and `--mb` MiB
 * up through it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { trustCertificate } from '../src/common/proxy.js';
import { startHttpProxy } from '../src/delivery/http/index.js';
import { generated, startUpstream } from '../__tests__/delivery/http-upstream.js';
import { makeCa } from '../__tests__/helpers/proxy.js';

const MIB = 1024 * 1024;

if (process.argv.includes('--child')) await child();
else await parent();

/** The proxy's process: starts it, says where, reports its peak RSS when asked. */
async function child(): Promise<void> {
  const { GATEPASS_BENCH_UPSTREAM: upstream = '', GATEPASS_BENCH_CA: caPem = '' } = process.env;
  trustCertificate(caPem);
  const endpoint = await startHttpProxy({
    upstream: new URL(upstream),
    credential: () => Promise.resolve({ header: 'authorization', value: 'Bearer bench' }),
    inspect: () => Promise.resolve({ allow: true }),
    record: () => undefined,
    env: {},
  });
  process.send?.({ url: endpoint.url });
  process.on('message', (message) => {
    if (message === 'rss') process.send?.({ maxRssMiB: process.resourceUsage().maxRSS / 1024 });
    if (message === 'stop')
      void endpoint.close().then(() => {
        process.disconnect();
      });
  });
}

async function parent(): Promise<void> {
  const { values } = parseArgs({
    options: { requests: { type: 'string' }, mb: { type: 'string' } },
  });
  const requests = Number(values.requests ?? '500');
  const mb = Number(values.mb ?? '1024');
  const ca = makeCa([], ['127.0.0.1']);
  const upstream = await startUpstream(ca);
  const proc = fork(new URL(import.meta.url).pathname, ['--child'], {
    execArgv: ['--import', join(import.meta.dirname, 'ts-hook.mjs')],
    env: {
      ...process.env,
      GATEPASS_BENCH_UPSTREAM: upstream.base().href,
      GATEPASS_BENCH_CA: ca.caPem,
    },
  });
  const { url } = (await next(proc)) as { url: string };
  const direct = new HttpsAgent({ keepAlive: true, ca: ca.caPem });
  const viaProxy = new HttpAgent({ keepAlive: true });
  const times = { direct: [] as number[], proxy: [] as number[] };
  for (let i = 0; i < requests + 20; i++) {
    const d = await timed(() => get(httpsRequest, `${upstream.base().href}/repos/o/r`, direct));
    const p = await timed(() => get(httpRequest, `${url}repos/o/r`, viaProxy));
    if (i < 20) continue; // warm-up: connections, TLS sessions, JIT
    times.direct.push(d);
    times.proxy.push(p);
  }
  proc.send('rss');
  const idle = (await next(proc)) as { maxRssMiB: number };
  await get(httpRequest, `${url}download?mb=${String(mb)}`, viaProxy);
  await upload(`${url}upload`, mb * MIB);
  proc.send('rss');
  const large = (await next(proc)) as { maxRssMiB: number };
  const [md, mp] = [median(times.direct), median(times.proxy)];
  const line = (label: string, value: string): void => {
    process.stdout.write(`${label.padEnd(44)} ${value}\n`);
  };
  line(`GET, median of ${String(requests)}, straight to the upstream`, `${md.toFixed(3)} ms`);
  line(`GET, median of ${String(requests)}, through the proxy`, `${mp.toFixed(3)} ms`);
  line('added by the proxy', `${(mp - md).toFixed(3)} ms`);
  line('proxy peak RSS after the GETs', `${idle.maxRssMiB.toFixed(1)} MiB`);
  line(`proxy peak RSS after ${String(mb)} MiB down and up`, `${large.maxRssMiB.toFixed(1)} MiB`);
  proc.send('stop');
  direct.destroy();
  viaProxy.destroy();
  await upstream.close();
  ca.remove();
}

function next(proc: ChildProcess): Promise<unknown> {
  return new Promise((resolve) => proc.once('message', resolve));
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

function get(
  send: typeof httpRequest | typeof httpsRequest,
  url: string,
  agent: HttpAgent,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = send(url, { agent }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => {
        resolve(bytes);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function upload(url: string, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    generated(bytes).pipe(req);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
