/**
 * A corporate network on loopback, for the proxy tests:
 *
 * - startProxy(): an HTTP CONNECT proxy (node:http's 'connect' event) that
 *   resolves names the test process cannot (`hosts`: `vault.corp.test` ->
 *   127.0.0.1:port), optionally requires `Proxy-Authorization`, and records
 *   every CONNECT it saw;
 * - makeCa(): a private CA and a server certificate signed by it, made with
 *   openssl, for a TLS gateway whose name only the proxy resolves;
 * - tlsFront(): TLS in front of a loopback double (the Vault or hoop double,
 *   the reference gateway), with that certificate; for the reference gateway,
 *   its discovery document names the front's public address (`publicName`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustCertificate } from '../../src/common/http.js';

export interface Proxy {
  /** http://127.0.0.1:port, with `user:password@` when it requires them. */
  url: string;
  /** Origin without credentials. */
  origin: string;
  /** "host:port" of every CONNECT, and the Proxy-Authorization it carried. */
  connects: Array<{ target: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** Names only the proxy resolves: "vault.corp.test" -> "127.0.0.1". */
  hosts?: Record<string, string>;
  /** Whole targets sent elsewhere: "sts.googleapis.com:443" -> "127.0.0.1:54321". */
  routes?: Record<string, string>;
  /** Require these credentials (407 otherwise). */
  credentials?: { user: string; password: string };
  /** Refuse these targets (host:port) with 403. */
  deny?: string[];
}

export async function startProxy(options: ProxyOptions = {}): Promise<Proxy> {
  const connects: Proxy['connects'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => {
    res.writeHead(405).end('CONNECT only');
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    const authorization = req.headers['proxy-authorization'];
    connects.push({ target, authorization });
    const refuse = (status: string): void => {
      client.end(`HTTP/1.1 ${status}\r\nProxy-Authenticate: Basic realm="corp"\r\n\r\n`);
    };
    if (options.credentials !== undefined) {
      const { user, password } = options.credentials;
      const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      if (authorization !== expected) {
        refuse('407 Proxy Authentication Required');
        return;
      }
    }
    if (options.deny?.includes(target) === true) {
      refuse('403 Forbidden');
      return;
    }
    const [name, port] = splitHostPort(options.routes?.[target] ?? target);
    const host = options.hosts?.[name] ?? (name === '127.0.0.1' ? name : undefined);
    if (host === undefined) {
      refuse('502 Bad Gateway');
      return;
    }
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const auth =
    options.credentials === undefined
      ? ''
      : `${encodeURIComponent(options.credentials.user)}:${encodeURIComponent(options.credentials.password)}@`;
  return {
    url: `http://${auth}127.0.0.1:${port}`,
    origin,
    connects,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

function splitHostPort(target: string): [string, string] {
  const at = target.lastIndexOf(':');
  return [target.slice(0, at).replace(/^\[|\]$/g, ''), target.slice(at + 1)];
}

export interface Ca {
  /** The CA certificate (PEM): what a runner must trust. */
  caPem: string;
  /** Its file, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  /** The server's key and certificate for `names`. */
  key: string;
  cert: string;
  remove(): void;
}

/** A private CA and a server certificate for `names` (and `ips`, e.g. 127.0.0.1), with openssl. */
export function makeCa(names: string[], ips: string[] = []): Ca {
  const dir = mkdtempSync(join(tmpdir(), 'gatepass-ca-'));
  const run = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  // The private CA (a v3 CA certificate: OpenSSL 3's req -x509 adds CA:TRUE).
  run(
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
    ...['-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=gatepass test CA'],
  );
  writeFileSync(
    join(dir, 'ext.cnf'),
    `subjectAltName=${[...names.map((n) => `DNS:${n}`), ...ips.map((ip) => `IP:${ip}`)].join(',')}\nbasicConstraints=CA:FALSE\n`,
  );
  run(
    ...['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr'],
    ...['-subj', `/CN=${names[0] ?? 'server'}`],
  );
  run(
    ...['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key'],
    ...['-CAcreateserial', '-days', '1', '-out', 'server.pem', '-extfile', 'ext.cnf'],
  );
  return {
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    caFile: join(dir, 'ca.pem'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
    cert: readFileSync(join(dir, 'server.pem'), 'utf8'),
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Front {
  /** https://127.0.0.1:port (reach it as https://<name>:port through the proxy). */
  port: number;
  close(): Promise<void>;
}

export interface FrontOptions {
  /**
   * The name clients reach the front at (through the proxy). Answers that
   * name the target's own origin, such as a discovery document's issuer and
   * endpoints, then name https://<publicName>:<port> instead, as a server
   * configured with its public address behind a TLS terminator does.
   */
  publicName?: string;
}

/** Terminates TLS with `ca`'s server certificate and forwards every request to `target` (http). */
export async function tlsFront(
  target: string,
  ca: Pick<Ca, 'key' | 'cert'>,
  options: FrontOptions = {},
): Promise<Front> {
  const to = new URL(target);
  let publicOrigin = '';
  const server = createTlsServer({ key: ca.key, cert: ca.cert }, (req, res) => {
    const upstream = request(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: to.host },
      },
      (answer) => {
        if (options.publicName === undefined) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = Buffer.from(
            Buffer.concat(chunks).toString('utf8').split(to.origin).join(publicOrigin),
          );
          const headers = { ...answer.headers, 'content-length': String(body.length) };
          delete headers['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(body);
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  publicOrigin = `https://${options.publicName ?? '127.0.0.1'}:${port}`;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Runs `body` with `target` behind a trusted private-CA front at `name` and a proxy: the in-process proxy tests' set-up. */
export async function throughProxy(options: {
  name: string;
  target: string;
  body: (network: { front: Front; proxy: Proxy }) => Promise<void>;
}): Promise<void> {
  const ca = makeCa([options.name]);
  const front = await tlsFront(options.target, ca);
  const proxy = await startProxy({ hosts: { [options.name]: '127.0.0.1' } });
  process.env.HTTPS_PROXY = proxy.url;
  trustCertificate(ca.caPem);
  try {
    await options.body({ front, proxy });
  } finally {
    delete process.env.HTTPS_PROXY;
    trustCertificate(undefined);
    await proxy.close();
    await front.close();
    ca.remove();
  }
}
