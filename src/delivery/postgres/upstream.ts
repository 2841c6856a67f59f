/**
 * The proxy's side towards the real server: TCP, TLS as `sslmode` asks (the
 * way libpq reads it), the startup message and the login with the
 * short-lived credential. pg-protocol frames and parses the login exchange;
 * the SCRAM arithmetic is the `pg` package's, not ours.
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the types of an untyped module are a script, which only a reference reaches (and the import rule sees)
/// <reference path="./pg-sasl.d.ts" />
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls, checkServerIdentity, type ConnectionOptions } from 'node:tls';
import { hashMd5Password } from 'pg-gateway';
import sasl, { type SaslSession } from 'pg/lib/crypto/sasl.js';
import { serialize } from 'pg-protocol/dist/serializer.js';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import { Parser } from 'pg-protocol/dist/parser.js';
import { GatepassError, errorCodeOf } from '../../common/errors.js';
import { cancelRequest, startupMessage, type BackendKey } from './messages.js';
import type { UpstreamTarget } from './types.js';

/** A failed upstream login, told to the client as an ErrorResponse with `sqlstate`. */
export class UpstreamError extends GatepassError {
  readonly sqlstate: string;

  constructor(sqlstate: string, message: string, cause?: unknown) {
    super('GATEWAY', message, cause === undefined ? {} : { cause });
    this.name = 'UpstreamError';
    this.sqlstate = sqlstate;
  }
}

export interface UpstreamConnection {
  socket: Socket;
  /** The server's ParameterStatus values from the login, for the client's own login. */
  parameters: Array<[string, string]>;
  key: BackendKey;
  /** Bytes that followed ReadyForQuery (normally none): the relay's first input. */
  rest: Buffer;
}

/**
 * Startup parameters passed on from the client: formatting only. Any other
 * parameter is a setting the server applies at login (`role`, `search_path`,
 * `options=-c …`), which would change what statements do without a statement
 * to inspect; a client that needs one sends SET, which is inspected.
 */
const FORWARDED_PARAMETERS = new Set([
  'application_name',
  'datestyle',
  'intervalstyle',
  'timezone',
  'extra_float_digits',
]);

/**
 * Logs in as `target` with the client's startup parameters (those of
 * {@link FORWARDED_PARAMETERS}); user and database are the target's.
 */
export async function connectUpstream(params: {
  target: UpstreamTarget;
  clientParameters: Readonly<Record<string, string>>;
  signal: AbortSignal;
  timeoutMs: number;
}): Promise<UpstreamConnection> {
  const { target } = params;
  const socket = await openTransport({
    target,
    signal: params.signal,
    timeoutMs: params.timeoutMs,
  });
  try {
    const startup = new Map<string, string>();
    for (const [k, v] of Object.entries(params.clientParameters)) {
      if (FORWARDED_PARAMETERS.has(k.toLowerCase())) startup.set(k, v);
    }
    // Statements are inspected as UTF-8 text; see PINNED_SETTINGS in session.ts.
    startup.set('client_encoding', 'UTF8');
    startup.set('user', target.user);
    startup.set('database', target.database);
    socket.write(startupMessage(startup));
    return await login({ socket, target, signal: params.signal, timeoutMs: params.timeoutMs });
  } catch (err) {
    socket.destroy();
    throw sanitized(err, target);
  }
}

/** Sends a CancelRequest for `key` on a new connection, as PostgreSQL expects it. */
export async function sendCancel(target: UpstreamTarget, key: BackendKey): Promise<void> {
  const controller = new AbortController();
  const socket = await openTransport({ target, signal: controller.signal, timeoutMs: 10_000 });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => socket.destroy(), 10_000);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    socket.on('error', done);
    socket.on('close', done);
    // The server answers nothing: it closes the connection once it has read the request.
    socket.end(cancelRequest(key));
  });
}

/** TCP, then the SSLRequest and TLS when sslmode asks for it. */
async function openTransport(params: {
  target: UpstreamTarget;
  signal: AbortSignal;
  timeoutMs: number;
}): Promise<Socket> {
  const { target, signal } = params;
  const tcp = connectTcp({ host: target.host, port: target.port });
  const stop = guard(tcp, signal, params.timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once('connect', resolve);
      tcp.once('error', reject);
    });
    if (target.sslmode === 'disable') return tcp;
    tcp.write(serialize.requestSsl());
    const answer = await firstByte(tcp);
    if (answer === 'N') {
      if (target.sslmode === 'prefer') return tcp;
      throw new UpstreamError(
        '08001',
        'the upstream server does not support SSL, but SSL was required',
      );
    }
    if (answer !== 'S')
      throw new UpstreamError('08P01', 'the upstream server answered the SSLRequest with an error');
    return await startTls(tcp, target);
  } catch (err) {
    tcp.destroy();
    throw sanitized(err, target);
  } finally {
    stop();
  }
}

/** Aborts a connect on `signal` or after `timeoutMs`; returns the clean-up. */
function guard(socket: Socket, signal: AbortSignal, timeoutMs: number): () => void {
  const abort = (): void => {
    socket.destroy(new UpstreamError('08006', 'the upstream connection was abandoned'));
  };
  const timer = setTimeout(() => {
    socket.destroy(
      new UpstreamError('08001', `the upstream server did not answer within ${timeoutMs} ms`),
    );
  }, timeoutMs);
  signal.addEventListener('abort', abort, { once: true });
  if (signal.aborted) abort();
  return () => {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
  };
}

/**
 * Exactly one byte: anything after 'S' arrived unencrypted before the
 * handshake and would be read as if it came over TLS (CVE-2021-23222).
 */
function firstByte(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      cleanup();
      if (chunk.length !== 1) {
        reject(
          new UpstreamError(
            '08P01',
            'the upstream server sent unexpected data after its SSL answer',
          ),
        );
        return;
      }
      socket.pause();
      resolve(String.fromCharCode(chunk[0] ?? 0));
    };
    const onEnd = (err?: Error): void => {
      cleanup();
      reject(err ?? new UpstreamError('08006', 'the upstream server closed the connection'));
    };
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('error', onEnd);
      socket.off('close', onEnd);
    };
    socket.on('data', onData);
    socket.once('error', onEnd);
    socket.once('close', () => {
      onEnd();
    });
  });
}

/** TLS the way libpq's sslmode reads (https://www.postgresql.org/docs/15/libpq-ssl.html). */
function tlsOptions(socket: Socket, target: UpstreamTarget): ConnectionOptions {
  const verify =
    target.sslmode === 'verify-full' ||
    target.sslmode === 'verify-ca' ||
    // libpq: with a root certificate, `require` verifies the chain as verify-ca does.
    (target.sslmode === 'require' && target.ca !== undefined);
  return {
    socket,
    ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
    ...(target.ca === undefined ? {} : { ca: target.ca }),
    rejectUnauthorized: verify,
    checkServerIdentity:
      target.sslmode === 'verify-full'
        ? (_host, cert) => checkServerIdentity(target.host, cert)
        : () => undefined,
  };
}

function startTls(tcp: Socket, target: UpstreamTarget): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const tls = connectTls(tlsOptions(tcp, target));
    tls.once('secureConnect', () => {
      tls.off('error', reject);
      resolve(tls);
    });
    tls.once('error', (err) => {
      reject(
        new UpstreamError(
          '08001',
          `TLS with the upstream server failed (${errorCodeOf(err)})`,
          err,
        ),
      );
    });
    tcp.resume();
  });
}

type Parsed = BackendMessage & Record<string, unknown>;

/** The authentication exchange, then ParameterStatus and BackendKeyData up to ReadyForQuery. */
async function login(params: {
  socket: Socket;
  target: UpstreamTarget;
  signal: AbortSignal;
  timeoutMs: number;
}): Promise<UpstreamConnection> {
  const { socket, target } = params;
  const inbox = new Inbox(socket);
  const stop = guard(socket, params.signal, params.timeoutMs);
  const parameters: Array<[string, string]> = [];
  let key: BackendKey = { pid: 0, secret: 0 };
  let scram: SaslSession | undefined;
  const tlsStream = 'encrypted' in socket ? socket : undefined;
  try {
    for (;;) {
      const msg = await inbox.next();
      switch (msg.name) {
        case 'authenticationOk':
          break;
        case 'authenticationCleartextPassword':
          socket.write(serialize.password(target.password));
          break;
        case 'authenticationMD5Password':
          socket.write(
            serialize.password(
              await hashMd5Password(target.user, target.password, msg.salt as Buffer),
            ),
          );
          break;
        case 'authenticationSASL':
          scram = sasl.startSession(msg.mechanisms as string[], tlsStream);
          socket.write(serialize.sendSASLInitialResponseMessage(scram.mechanism, scram.response));
          break;
        case 'authenticationSASLContinue':
          if (scram === undefined)
            throw new UpstreamError('08P01', 'SCRAM continue without a start');
          await sasl.continueSession(scram, target.password, String(msg.data), tlsStream);
          socket.write(serialize.sendSCRAMClientFinalMessage(scram.response));
          break;
        case 'authenticationSASLFinal':
          if (scram === undefined) throw new UpstreamError('08P01', 'SCRAM final without a start');
          sasl.finalizeSession(scram, String(msg.data));
          break;
        case 'parameterStatus':
          parameters.push([String(msg.parameterName), String(msg.parameterValue)]);
          break;
        case 'backendKeyData':
          key = { pid: Number(msg.processID), secret: Number(msg.secretKey) };
          break;
        case 'readyForQuery':
          return { socket, parameters, key, rest: inbox.detach() };
        case 'error':
          throw new UpstreamError(
            typeof msg.code === 'string' ? msg.code : '08006',
            `the upstream server refused the login: ${typeof msg.message === 'string' ? msg.message : ''}`,
          );
        default:
          // Notices and NegotiateProtocolVersion need no answer.
          break;
      }
    }
  } finally {
    stop();
    inbox.detach();
  }
}

/** Messages of the login exchange, one at a time, through pg-protocol's Parser. */
class Inbox {
  readonly #socket: Socket;
  readonly #parser = new Parser();
  readonly #queue: Parsed[] = [];
  #raw: Buffer[] = [];
  #done = false;
  #failure: Error | undefined;
  #wake: (() => void) | undefined;
  readonly #onData = (chunk: Buffer): void => {
    this.#raw.push(chunk);
    this.#parser.parse(chunk, (msg) => {
      this.#queue.push(msg as Parsed);
    });
    this.#notify();
  };
  readonly #onEnd = (err?: Error): void => {
    this.#failure ??=
      err ?? new UpstreamError('08006', 'the upstream server closed the connection');
    this.#notify();
  };

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', this.#onData);
    socket.on('error', this.#onEnd);
    socket.on('close', this.#onEnd);
    socket.resume();
  }

  async next(): Promise<Parsed> {
    for (;;) {
      const msg = this.#queue.shift();
      if (msg !== undefined) {
        if (msg.name === 'readyForQuery') this.#stopAfterThis();
        return msg;
      }
      if (this.#failure !== undefined) throw this.#failure;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /**
   * Stops listening. ReadyForQuery is the last message before the server waits
   * for us, so a well-behaved server leaves nothing behind; what did follow in
   * the same read is handed on, framed anew by the relay.
   */
  detach(): Buffer {
    if (this.#done) return Buffer.alloc(0);
    this.#done = true;
    this.#socket.pause();
    this.#socket.off('data', this.#onData);
    this.#socket.off('error', this.#onEnd);
    this.#socket.off('close', this.#onEnd);
    return this.#tail;
  }

  #tail = Buffer.alloc(0);

  /** Keeps the bytes after ReadyForQuery in the chunk that held it. */
  #stopAfterThis(): void {
    const all = Buffer.concat(this.#raw);
    this.#raw = [];
    // The chunk ended with or after ReadyForQuery ('Z', length 5, status).
    const at = all.lastIndexOf(Buffer.from([0x5a, 0, 0, 0, 5]));
    this.#tail =
      at >= 0 && at + 6 < all.length ? Buffer.from(all.subarray(at + 6)) : Buffer.alloc(0);
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * The server's words, minus the credential: the user name can be the secret
 * (hoop), and neither it nor the password may reach the job or a log.
 */
function sanitized(err: unknown, target: UpstreamTarget): UpstreamError {
  const base =
    err instanceof UpstreamError
      ? err
      : new UpstreamError('08001', `cannot reach the upstream server (${errorCodeOf(err)})`, err);
  let text = base.message;
  for (const secret of [target.password, target.user]) {
    if (secret.length > 0) text = text.split(secret).join('***');
  }
  return text === base.message ? base : new UpstreamError(base.sqlstate, text, base.cause);
}
