/**
 * The data path's HTTP proxy (docs/data-path.md § HTTP): a loopback
 * reverse proxy to one upstream, for one job step. See types.ts for the
 * contract, access.ts for who may use it, target.ts for paths, headers.ts
 * for what is stripped and rewritten, upstream.ts for the way out.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { GatepassError } from '../../common/errors.js';
import { admit, capabilityTest, newCapability } from './access.js';
import { Exchange } from './exchange.js';
import { relay, type Proxy } from './relay.js';
import { reply, replyRaw, type Refusal } from './replies.js';
import type { HttpEndpoint, HttpProxyOptions } from './types.js';

const CLOSING = new Error('the data path is closing');

export async function startHttpProxy(options: HttpProxyOptions): Promise<HttpEndpoint> {
  const upstream = checkedUpstream(options.upstream);
  const capability = newCapability();
  const stop = new AbortController();
  // Held requests may wait minutes for approval and uploads may be long:
  // node's whole-request timeout (300 s) would cut both. The head still has
  // node's 60 s (headersTimeout). Upgrade requests come as plain requests
  // (Node ≥ 24.9), where admit() refuses or ignores them with a proper answer;
  // older Nodes emit 'upgrade', answered below.
  const server = createServer({
    maxHeaderSize: options.maxHeaderBytes ?? 16 * 1024,
    requestTimeout: 0,
    shouldUpgradeCallback: () => false,
  });
  const port = await listen(server);
  const proxy: Proxy = {
    options,
    upstream,
    basePath: upstream.pathname.replace(/\/+$/, ''),
    port,
    local: `http://127.0.0.1:${String(port)}/${capability}`,
    capable: capabilityTest(capability),
    closing: stop.signal,
    active: 0,
    limits: {
      headersTimeoutMs: options.upstreamTimeoutMs ?? 120_000,
      bodyTimeoutMs: options.idleTimeoutMs ?? 300_000,
      maxConcurrent: options.maxConcurrentRequests ?? 64,
    },
  };
  const inflight = serve(server, proxy);
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => (closed ??= shutDown({ server, stop, inflight }));
  options.signal?.addEventListener('abort', () => void close(), { once: true });
  if (options.signal?.aborted === true) await close();
  return { url: `${proxy.local}/`, close };
}

/** Answers every event the server emits; returns the requests in progress, for close(). */
function serve(server: Server, proxy: Proxy): Set<Promise<void>> {
  const inflight = new Set<Promise<void>>();
  const track = (work: Promise<void>): void => {
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
  };
  server.on('request', (req, res) => {
    track(relay(proxy, { req, res, expectsContinue: false }));
  });
  server.on('checkContinue', (req, res) => {
    track(relay(proxy, { req, res, expectsContinue: true }));
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const exchange = new Exchange(req.method ?? '', proxy.options.record);
    exchange.responseBytes = reply(res, { refusal: UNKNOWN_EXPECTATION, closeConnection: true });
    exchange.finish('error', UNKNOWN_EXPECTATION.status);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    refuseUpgrade(proxy, req, socket);
  });
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    refuseRaw(proxy, { req, socket, refusal: NOT_A_FORWARD_PROXY });
  });
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    unreadable(proxy, err, socket);
  });
  // After listen, the server's own errors are failed accepts (EMFILE): transient, and
  // without a listener they would end the process, and the job step with it.
  server.on('error', () => undefined);
  return inflight;
}

/** Stop accepting, let every request go (held ones get 503), then close every socket. */
async function shutDown(parts: {
  server: Server;
  stop: AbortController;
  inflight: Set<Promise<void>>;
}): Promise<void> {
  const { server, stop, inflight } = parts;
  const closed = new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  stop.abort(CLOSING);
  await Promise.allSettled([...inflight]);
  server.closeAllConnections();
  await closed;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** https, or http to loopback only (the credential must not cross a network in clear). */
function checkedUpstream(url: URL): URL {
  const upstream = new URL(url.href);
  const host = upstream.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || host.startsWith('127.');
  const problem =
    upstream.protocol !== 'https:' && !(upstream.protocol === 'http:' && loopback)
      ? 'must be an https URL (http only to a loopback address)'
      : upstream.username !== '' || upstream.password !== ''
        ? 'must not carry credentials'
        : upstream.search !== '' || upstream.hash !== ''
          ? 'must not have a query or fragment'
          : undefined;
  if (problem === undefined) return upstream;
  throw new GatepassError('CONFIG', `The data path's upstream ${problem}`, {
    hint: 'Set the upstream to the API base URL, e.g. https://api.github.com',
  });
}

const UNKNOWN_EXPECTATION: Refusal = {
  status: 417,
  error: 'expectation_failed',
  message: 'gatepass knows no Expect but 100-continue',
};

const NOT_A_FORWARD_PROXY: Refusal = {
  status: 405,
  error: 'not_origin_form',
  rule: 'gatepass:connect',
  message: 'gatepass is not a forward proxy: send requests to the base URL it gave, not through it',
};

/** Node < 24.9: an upgrade request never reaches 'request'; refused on its socket. */
function refuseUpgrade(proxy: Proxy, req: IncomingMessage, socket: Duplex): void {
  const method = req.method ?? 'GET';
  const { host } = req.headers;
  // An ignorable upgrade (h2c) cannot be served from here either: refuse it alike.
  const upgrade = 'websocket';
  const admitted = admit({ method, url: req.url ?? '', host, upgrade }, proxy);
  if (admitted.ok) {
    socket.destroy(); // not reached: admit() refuses every upgrade but h2c
    return;
  }
  refuseRaw(proxy, { req, socket, refusal: admitted.refusal, path: admitted.path });
}

function refuseRaw(
  proxy: Proxy,
  answer: { req: IncomingMessage; socket: Duplex; refusal: Refusal; path?: string },
): void {
  const { req, socket, refusal } = answer;
  const exchange = new Exchange(req.method ?? '', proxy.options.record);
  exchange.path = answer.path ?? '';
  exchange.responseBytes = replyRaw(socket, refusal);
  exchange.finish(refusal.rule === undefined ? 'error' : 'blocked', refusal.status, refusal.rule);
}

/** A request node:http could not parse: 431 for a head too large, else 400. */
function unreadable(proxy: Proxy, err: Error & { code?: string }, socket: Duplex): void {
  if (typeof err.code !== 'string' || !err.code.startsWith('HPE_')) {
    socket.destroy();
    return;
  }
  const large = err.code === 'HPE_HEADER_OVERFLOW';
  const refusal: Refusal = large
    ? {
        status: 431,
        error: 'header_too_large',
        message: 'gatepass refuses request heads this large',
      }
    : { status: 400, error: 'bad_request', message: 'gatepass could not parse the request' };
  const exchange = new Exchange('', proxy.options.record);
  exchange.responseBytes = replyRaw(socket, refusal);
  exchange.finish('error', refusal.status);
}
