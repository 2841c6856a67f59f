/**
 * The job's side: the first packet, the startup message, the local password.
 *
 * pg-gateway 0.2.4 parses the startup message, checks the protocol version
 * and the user, and sends the md5 challenge with its salt; its md5 helper
 * computes the expected answer. The proxy reads the first packet itself
 * (pg-gateway treats a CancelRequest or GSSENCRequest as a startup message)
 * and takes the socket back once the startup message is parsed: pg-gateway's
 * buffering is unbounded and mis-slices several messages read at once, so it
 * never sees the password message or the relay's traffic.
 *
 * Authentication is md5 (pg-gateway 0.2.4 offers cleartext, md5 or none;
 * SCRAM is not among them). On loopback nobody but root can read the wire,
 * but md5 still keeps the password itself off it, and the password is random,
 * per step and useless anywhere else, so md5's weakness (an offline guess
 * from a captured exchange) buys nothing.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { PostgresConnection, hashMd5Password, type State } from 'pg-gateway';
import {
  CANCEL_REQUEST,
  GSSENC_REQUEST,
  ProtocolViolation,
  SSL_REQUEST,
  errorResponse,
  type BackendKey,
} from './messages.js';

/** PostgreSQL's own limit for a startup packet (MAX_STARTUP_PACKET_LENGTH). */
const MAX_STARTUP_BYTES = 10_000;

export interface LocalLogin {
  user: string;
  password: string;
  database: string;
}

export type Handshake =
  | {
      kind: 'login';
      parameters: Record<string, string>;
      /** Bytes the client sent before its login completed (a client that does not wait), in order. */
      early: EarlyBytes;
    }
  | { kind: 'cancel'; key: BackendKey }
  | { kind: 'closed' };

/**
 * Runs the client's startup up to a checked password. On 'login' the socket
 * is paused and no longer read by anyone: the caller answers AuthenticationOk
 * (or an error) once the upstream login is done.
 */
export async function acceptClient(socket: Socket, login: LocalLogin): Promise<Handshake> {
  const first = await firstPacket(socket);
  if (first.kind !== 'startup') return first;
  return passwordLogin(socket, first.packet, login);
}

type FirstPacket = { kind: 'startup'; packet: Buffer } | Exclude<Handshake, { kind: 'login' }>;

/** SSLRequest and GSSENCRequest get 'N' (loopback: nothing to protect); then the real first packet. */
async function firstPacket(socket: Socket): Promise<FirstPacket> {
  for (let refusals = 0; refusals < 3; refusals++) {
    const packet = await untypedPacket(socket);
    if (packet === undefined) return { kind: 'closed' };
    const code = packet.length >= 8 ? packet.readInt32BE(4) : 0;
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      socket.write('N');
      continue;
    }
    if (code === CANCEL_REQUEST && packet.length === 16) {
      return {
        kind: 'cancel',
        key: { pid: packet.readInt32BE(8), secret: packet.readInt32BE(12) },
      };
    }
    return { kind: 'startup', packet };
  }
  throw new ProtocolViolation('too many encryption requests');
}

/** One length-prefixed packet without a type byte; undefined if the client went away. */
function untypedPacket(socket: Socket): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    let held = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      held = Buffer.concat([held, chunk]);
      if (held.length < 4) return;
      const length = held.readInt32BE(0);
      if (length < 8 || length > MAX_STARTUP_BYTES) {
        done();
        reject(new ProtocolViolation('invalid length of startup packet'));
        return;
      }
      if (held.length < length) return;
      done();
      // A client waits for our answer after each first packet: more bytes break the protocol.
      if (held.length > length) reject(new ProtocolViolation('data after the startup packet'));
      else resolve(held);
    };
    const onClose = (): void => {
      done();
      resolve(undefined);
    };
    const done = (): void => {
      socket.pause();
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.resume();
  });
}

/**
 * pg-gateway reads the startup message and sends the md5 challenge; the
 * password message is read here (pg-gateway is detached once the startup is
 * parsed): pg-gateway 0.2.4 mis-slices a second message read in the same
 * chunk, so a client that sends its first query with its password (not
 * waiting for ReadyForQuery) would lose it.
 */
function passwordLogin(socket: Socket, startup: Buffer, login: LocalLogin): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const onClose = (): void => {
      resolve({ kind: 'closed' });
    };
    socket.once('close', onClose);
    const connection: PostgresConnection = new PostgresConnection(socket, {
      authMode: 'md5Password',
      onStartup: (state: State): boolean => {
        connection.detach();
        readPassword(socket)
          .then(async ({ message, early }) => {
            const result = await checkPassword({
              data: message,
              state,
              login,
              salt: connection.md5Salt,
            });
            socket.off('close', onClose);
            if (result.ok) {
              resolve({ kind: 'login', parameters: result.parameters, early });
              return;
            }
            early.take();
            refuse(socket, result.code, result.message);
            resolve({ kind: 'closed' });
          })
          .catch((err: unknown) => {
            reject(err instanceof Error ? err : new Error(String(err)));
          });
        return false; // pg-gateway goes on to send the md5 challenge
      },
    });
    void connection.handleData(startup);
  });
}

/** The client's password message; what follows it is held in `early`. */
function readPassword(socket: Socket): Promise<{ message: Buffer; early: EarlyBytes }> {
  return new Promise((resolve, reject) => {
    let held = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      held = Buffer.concat([held, chunk]);
      if (held.length < 5) return;
      const total = held.readInt32BE(1) + 1;
      if (total < 5 || total > MAX_STARTUP_BYTES) {
        socket.off('data', onData);
        reject(new ProtocolViolation('invalid length of password message'));
        return;
      }
      if (held.length < total) return;
      socket.off('data', onData);
      resolve({
        message: held.subarray(0, total),
        early: new EarlyBytes(socket, held.subarray(total)),
      });
    };
    socket.on('data', onData);
  });
}

/**
 * Holds the client's bytes between its password and the relay's start (a
 * bounded amount: a client should wait for ReadyForQuery).
 */
export class EarlyBytes {
  readonly #socket: Socket;
  #chunks: Buffer[] = [];
  #bytes = 0;
  readonly #onData = (chunk: Buffer): void => {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    if (this.#bytes > MAX_STARTUP_BYTES * 100) this.#socket.destroy();
  };

  constructor(socket: Socket, first: Buffer) {
    this.#socket = socket;
    if (first.length > 0) this.#onData(first);
    socket.on('data', this.#onData);
  }

  /** Stops holding (the socket is paused) and returns what was held. */
  take(): Buffer[] {
    this.#socket.pause();
    this.#socket.off('data', this.#onData);
    const chunks = this.#chunks;
    this.#chunks = [];
    return chunks;
  }
}

type PasswordResult =
  { ok: true; parameters: Record<string, string> } | { ok: false; code: string; message: string };

/** As PostgreSQL orders it: the password first, then whether the database exists. */
async function checkPassword(params: {
  data: Buffer;
  state: State;
  login: LocalLogin;
  salt: Uint8Array;
}): Promise<PasswordResult> {
  const { data, state, login } = params;
  if (data[0] !== 0x70) throw new ProtocolViolation('expected a password message');
  const end = data.indexOf(0, 5);
  if (end < 0) throw new ProtocolViolation('unterminated password message');
  const sent = data.subarray(5, end);
  const user = state.clientInfo?.parameters.user ?? '';
  const expected = Buffer.from(await hashMd5Password(login.user, login.password, params.salt));
  const valid =
    user === login.user && sent.length === expected.length && timingSafeEqual(sent, expected);
  if (!valid) {
    return {
      ok: false,
      code: '28P01',
      message: `password authentication failed for user "${user}"`,
    };
  }
  const parameters = { ...state.clientInfo?.parameters };
  const database = parameters.database ?? user;
  if (database !== login.database) {
    return { ok: false, code: '3D000', message: `database "${database}" does not exist` };
  }
  return { ok: true, parameters };
}

/** A FATAL error, then the end of the connection (closed outright if the client lingers). */
export function refuse(socket: Socket, code: string, message: string): void {
  if (!socket.writable) return;
  socket.end(errorResponse({ severity: 'FATAL', code, message }));
  lingerAtMost(socket);
}

/** After our end(): a client that does not close its side within 2 s is cut off. */
export function lingerAtMost(socket: Socket, ms = 2_000): void {
  const timer = setTimeout(() => socket.destroy(), ms);
  timer.unref();
  socket.once('close', () => {
    clearTimeout(timer);
  });
}
