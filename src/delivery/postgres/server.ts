/**
 * The data-path mode's PostgreSQL engine (issue #15): a server on loopback
 * that the job logs in to with a local secret, and that logs in upstream
 * itself with the short-lived credential. It knows nothing of rules, CI or
 * approvals: `inspect` decides, `record` hears, `upstream` says where.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { describeError } from '../../common/errors.js';
import { acceptClient, refuse, type LocalLogin } from './client.js';
import {
  authenticationOk,
  backendKeyData,
  parameterStatus,
  readyForQuery,
  type BackendKey,
} from './messages.js';
import { Session, pinnedViolation } from './session.js';
import type { PostgresEndpoint, PostgresProxyOptions, UpstreamTarget } from './types.js';
import { UpstreamError, connectUpstream, sendCancel, type UpstreamConnection } from './upstream.js';

export type * from './types.js';

/**
 * 64 MiB: PostgreSQL takes messages up to 1 GB, but the proxy must hold a
 * whole message before it can inspect it, so the limit bounds the memory a
 * session can pin. No realistic statement comes near it, and COPY data
 * travels in small CopyData messages (psql sends a line or 8 KiB at a time).
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_SESSIONS = 64;
const DEFAULT_HANDSHAKE_MS = 30_000;
const STEP_ENDED = 'terminating connection: the gatepass step ended';

export async function startPostgresProxy(options: PostgresProxyOptions): Promise<PostgresEndpoint> {
  const login: LocalLogin = {
    user: `gatepass_${randomBytes(4).toString('hex')}`,
    password: randomBytes(24).toString('base64url'),
    database: options.database ?? 'gatepass',
  };
  const proxy = new PostgresProxy(options, login);
  const port = await proxy.listen();
  const e = encodeURIComponent;
  return {
    host: '127.0.0.1',
    port,
    database: login.database,
    user: login.user,
    password: login.password,
    url: `postgresql://${e(login.user)}:${e(login.password)}@127.0.0.1:${port}/${e(login.database)}?sslmode=disable`,
    close: () => proxy.close(),
  };
}

interface Live {
  session: Session;
  target: UpstreamTarget;
  upstreamKey: BackendKey;
}

class PostgresProxy {
  readonly #options: PostgresProxyOptions;
  readonly #login: LocalLogin;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  /** By the key the client was given ("pid:secret"). */
  readonly #live = new Map<string, Live>();
  readonly #stop = new AbortController();
  #nextSession = 1;
  #admitted = 0;
  #closing: Promise<void> | undefined;

  constructor(options: PostgresProxyOptions, login: LocalLogin) {
    this.#options = options;
    this.#login = login;
    this.#server = createServer({ noDelay: true, pauseOnConnect: true }, (socket) => {
      this.#accept(socket);
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => {
        this.#server.off('error', reject);
        const address = this.#server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
        const signal = this.#options.signal;
        signal?.addEventListener('abort', this.#onAbort, { once: true });
        if (signal?.aborted === true) void this.close();
      });
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  readonly #onAbort = (): void => {
    void this.close();
  };

  async #shutDown(): Promise<void> {
    // A long-lived signal (the step's) must not keep this proxy reachable.
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    const stopped = new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve();
      }),
    );
    this.#stop.abort();
    const sessions = [...this.#live.values()].map((live) => {
      live.session.terminate('57P01', STEP_ENDED);
      return live.session.closed;
    });
    // Handshakes in flight: told the same, then closed.
    for (const socket of this.#sockets) refuse(socket, '57P01', STEP_ENDED);
    const sockets = [...this.#sockets].map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.closed) resolve();
          else
            socket.once('close', () => {
              resolve();
            });
        }),
    );
    await Promise.all([stopped, ...sessions, ...sockets]);
  }

  #accept(socket: Socket): void {
    socket.on('error', () => socket.destroy());
    if (this.#closing !== undefined) {
      socket.destroy();
      return;
    }
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    const limits = this.#options.limits ?? {};
    // Counted: handshakes and sessions, not connections being refused (they linger up to 2 s).
    if (this.#admitted >= (limits.maxSessions ?? DEFAULT_MAX_SESSIONS)) {
      refuse(socket, '53300', 'sorry, too many clients already');
      return;
    }
    this.#admitted++;
    socket.once('close', () => this.#admitted--);
    const timer = setTimeout(
      () => socket.destroy(),
      limits.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_MS,
    );
    this.#handshake(socket)
      .catch((err: unknown) => {
        refuse(socket, '08P01', `gatepass: invalid startup: ${describeError(err)}`);
      })
      .finally(() => {
        clearTimeout(timer);
      });
  }

  async #handshake(socket: Socket): Promise<void> {
    const handshake = await acceptClient(socket, this.#login);
    if (handshake.kind === 'closed') return;
    if (handshake.kind === 'cancel') {
      socket.end();
      this.#cancel(handshake.key);
      return;
    }
    const id = this.#nextSession++;
    const connected = await this.#connectUpstream(handshake.parameters);
    const early = handshake.early.take();
    if (connected instanceof UpstreamError) {
      refuse(socket, connected.sqlstate, `gatepass: ${connected.message}`);
      return;
    }
    const { target, upstream } = connected;
    const unpinned = upstream.parameters.map(pinnedViolation).find((v) => v !== undefined);
    if (unpinned !== undefined) {
      upstream.socket.destroy();
      refuse(socket, '0A000', unpinned);
      return;
    }
    if (this.#closing !== undefined || socket.destroyed) {
      upstream.socket.destroy();
      refuse(socket, '57P01', STEP_ENDED);
      return;
    }
    this.#open({ id, socket, target, upstream, early });
  }

  async #connectUpstream(
    clientParameters: Record<string, string>,
  ): Promise<{ target: UpstreamTarget; upstream: UpstreamConnection } | UpstreamError> {
    let target: UpstreamTarget;
    try {
      target = await this.#options.upstream();
    } catch (err) {
      return new UpstreamError('08001', `no upstream credential: ${describeError(err)}`, err);
    }
    try {
      const upstream = await connectUpstream({
        target,
        clientParameters,
        signal: this.#stop.signal,
        timeoutMs: this.#options.limits?.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_MS,
      });
      upstream.socket.setNoDelay(true);
      return { target, upstream };
    } catch (err) {
      return err instanceof UpstreamError
        ? err
        : new UpstreamError('08001', describeError(err), err);
    }
  }

  /** Finishes the client's login with the server's parameters and a key of ours, then relays. */
  #open(params: {
    id: number;
    socket: Socket;
    target: UpstreamTarget;
    upstream: UpstreamConnection;
    early: Buffer[];
  }): void {
    const { socket, upstream } = params;
    const key = this.#newKey();
    socket.write(
      Buffer.concat([
        authenticationOk(),
        ...upstream.parameters.map(([name, value]) => parameterStatus(name, value)),
        backendKeyData(key),
        readyForQuery('I'),
      ]),
    );
    const limits = this.#options.limits ?? {};
    const session = new Session({
      id: params.id,
      client: socket,
      upstream: upstream.socket,
      upstreamRest: upstream.rest,
      inspect: this.#options.inspect,
      record: this.#options.record,
      maxMessageBytes: limits.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      idleTimeoutMs: limits.idleTimeoutMs ?? 0,
      cancelUpstream: () => {
        sendCancel(params.target, upstream.key).catch(() => undefined);
      },
    });
    const name = `${key.pid}:${key.secret}`;
    this.#live.set(name, { session, target: params.target, upstreamKey: upstream.key });
    void session.closed.then(() => this.#live.delete(name));
    session.start(params.early);
  }

  /** A random key, so one session cannot guess another's (PostgreSQL's keys are random too). */
  #newKey(): BackendKey {
    for (;;) {
      const key = { pid: randomInt(1, 2 ** 31 - 1), secret: randomInt(-(2 ** 31), 2 ** 31 - 1) };
      if (!this.#live.has(`${key.pid}:${key.secret}`)) return key;
    }
  }

  /** The client's cancel, re-addressed to its session (held statement or upstream backend). Unknown keys: nothing. */
  #cancel(key: BackendKey): void {
    this.#live.get(`${key.pid}:${key.secret}`)?.session.cancel();
  }
}
