/**
 * The upstream for the data path's proxy tests: a node:https server with a
 * certificate from a private CA (helpers/proxy.ts' makeCa), under the base
 * path `/api/v1`. It records every request it receives (method, target,
 * headers, body size) and answers by path:
 *
 *   /api/v1/redirect?to=URL  302 to URL (relative or absolute)
 *   /api/v1/link             200 with a Link header to pages under the base and elsewhere
 *   /api/v1/empty            204
 *   /api/v1/download?mb=N    N MiB, generated as it is sent (no buffering here either)
 *   /api/v1/sse              headers only (flushed), then holds; the test writes events via `streams`
 *   /api/v1/slow             never answers
 *   anything else            200 with the request as JSON (the body counted, not echoed)
 */
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  bodyBytes: number;
}

export interface Upstream {
  /** https://<name>:port/api/v1 */
  base(name?: string): URL;
  port: number;
  seen: Seen[];
  /** Emits `request` (with the target) as soon as a request's head arrives, before its body. */
  arrivals: EventEmitter;
  /** Open /api/v1/sse responses, for the test to write events into. */
  streams: ServerResponse[];
  /** Resolves when a /api/v1/sse response is closed (the client left). */
  sseClosed: Promise<void>;
  close(): Promise<void>;
}

export const BASE_PATH = '/api/v1';

export async function startUpstream(tls: { key: string; cert: string }): Promise<Upstream> {
  const seen: Seen[] = [];
  let sseClosedResolve = (): void => undefined;
  const sseClosed = new Promise<void>((resolve) => {
    sseClosedResolve = resolve;
  });
  const arrivals = new EventEmitter();
  const streams: ServerResponse[] = [];
  const server = createServer(tls, (req, res) => {
    arrivals.emit('request', req.url);
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
    });
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        bodyBytes,
      };
      seen.push(entry);
      answer(entry, req.url ?? '', res, { streams, sseClosed: sseClosedResolve });
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: (name = '127.0.0.1') => new URL(`https://${name}:${String(port)}${BASE_PATH}`),
    port,
    seen,
    arrivals,
    streams,
    sseClosed,
    close: () => closeServer(server, sockets),
  };
}

function answer(
  entry: Seen,
  target: string,
  res: ServerResponse,
  sse: { streams: ServerResponse[]; sseClosed: () => void },
): void {
  const url = new URL(target, 'https://upstream.invalid');
  const route = url.pathname.slice(BASE_PATH.length);
  if (route === '/redirect') {
    res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
  } else if (route === '/link') {
    const link = `<https://${entry.headers.host ?? ''}${BASE_PATH}/items?page=2>; rel="next", <https://elsewhere.test/items?page=9>; rel="last"`;
    res.writeHead(200, { link, 'content-type': 'application/json' }).end('[]');
  } else if (route === '/empty') {
    res.writeHead(204).end();
  } else if (route === '/download') {
    const mib = Number(url.searchParams.get('mb') ?? '1');
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    generated(mib * 1024 * 1024).pipe(res);
  } else if (route === '/sse') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    sse.streams.push(res);
    res.on('close', sse.sseClosed);
  } else if (route === '/slow') {
    // Never answers: the proxy's headers timeout must.
  } else {
    res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
    res.end(JSON.stringify(entry));
  }
}

/** `bytes` of a repeated pattern, produced as the reader asks. */
export function generated(bytes: number, chunk = 64 * 1024): Readable {
  const block = Buffer.alloc(chunk, 'gatepass-data-path-');
  let left = bytes;
  return new Readable({
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, chunk);
      left -= n;
      this.push(n === chunk ? block : block.subarray(0, n));
    },
  });
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => {
      resolve();
    });
  });
}
