/** A plain node:http client for the proxy tests: exact targets, any Host, streamed bodies. */
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

export interface Sent {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  bytes: number;
}

export interface Send {
  /** The proxy's base URL (http://127.0.0.1:PORT/<capability>/). */
  base: string;
  method?: string;
  /** The request target as sent, unparsed. Default: the base's path + `path`. */
  target?: string;
  /** Appended to the base's path (without its trailing `/`). */
  path?: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer | Readable;
  /** Keep at most this many bytes of the body (the rest is counted). Default 1 MiB. */
  keep?: number;
  signal?: AbortSignal;
}

export function send(options: Send): Promise<Sent> {
  const base = new URL(options.base);
  const target = options.target ?? `${base.pathname.replace(/\/$/, '')}${options.path ?? '/'}`;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method: options.method ?? 'GET',
        path: target,
        headers: options.headers,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        const keep = options.keep ?? 1024 * 1024;
        res.on('data', (chunk: Buffer) => {
          if (bytes < keep) chunks.push(chunk);
          bytes += chunk.length;
        });
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            bytes,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const { body } = options;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}
