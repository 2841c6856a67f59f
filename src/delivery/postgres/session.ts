/**
 * One client session after its login: messages relayed both ways, every SQL
 * text the client sends inspected before it goes upstream.
 *
 * Order. The client's messages go upstream one after the other; while a Query
 * or Parse waits for `inspect` (a human may be deciding), everything the
 * client sent after it waits behind it, so a pipelined batch (libpq pipeline
 * mode, JDBC, node-pg: Parse/Bind/Describe/Execute/Sync) reaches the server in
 * the order it was written. Responses flow back meanwhile.
 *
 * Blocked statements. The proxy does not answer for the server: it sends the
 * server a stand-in that raises our error (`DO … RAISE … ERRCODE '42501'`) in
 * the blocked statement's place. The server then does what it does for any
 * failed statement, so the client sees a real ErrorResponse in the right
 * place and the session state stays the server's own: in a transaction the
 * transaction is failed ('E'), so `BEGIN; INSERT; DROP (blocked); COMMIT`
 * rolls the INSERT back; in the extended protocol the server skips to Sync and
 * answers ReadyForQuery. A blocked Parse becomes a Parse of the stand-in
 * under the same name (Binds of it lose their parameters, which the stand-in
 * has none of), so the statement can never run, now or when executed by name
 * later: its Execute raises. The stand-in needs PL/pgSQL, which PostgreSQL
 * installs and grants to PUBLIC by default.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { describeError } from '../../common/errors.js';
import { lingerAtMost } from './client.js';
import {
  Framer,
  ProtocolViolation,
  bindWithoutParameters,
  encodeErrorFields,
  errorResponse,
  parseMessage,
  readBind,
  readCString,
  readErrorFields,
  readExecutePortal,
  readParameterStatus,
  readParse,
  readTarget,
  simpleQuery,
  terminate,
} from './messages.js';
import { Tracker, type StatementInfo } from './tracker.js';
import type { PostgresProxyOptions, StatementDecision, StatementRecord } from './types.js';

/** The server's own limit on a message (1 GB): what the proxy holds for a DataRow it relays. */
const MAX_SERVER_MESSAGE = 1024 * 1024 * 1024;
/** Client bytes queued behind a held statement before the proxy stops reading the client. */
const QUEUE_HIGH = 8 * 1024 * 1024;
/** Statements and portals remembered per session; the oldest name is forgotten beyond it. */
const MAX_NAMES = 10_000;

export interface SessionParams {
  id: number;
  client: Socket;
  upstream: Socket;
  /** Bytes the server sent after its ReadyForQuery at login. */
  upstreamRest: Buffer;
  inspect: PostgresProxyOptions['inspect'];
  record: PostgresProxyOptions['record'];
  maxMessageBytes: number;
  idleTimeoutMs: number;
  /** Sends the server a CancelRequest for this session's backend. */
  cancelUpstream: () => void;
}

type Blocked = Extract<StatementDecision, { allow: false }>;
type Allowed = Extract<StatementDecision, { allow: true }>;
/** A statement that will not run: the stand-in raises `message` with `sqlstate`. */
type Refusal = Blocked & { sqlstate: '42501' | '57014' };

const CANCELLED = 'canceling statement due to user request';
type Prepared = StatementInfo & { types: number[] };

export class Session {
  readonly id: number;
  /** Resolves once both sockets are closed. */
  readonly closed: Promise<void>;
  readonly #p: SessionParams;
  readonly #client: Socket;
  readonly #upstream: Socket;
  readonly #tracker: Tracker;
  readonly #clientFramer: Framer;
  readonly #serverFramer = new Framer(MAX_SERVER_MESSAGE);
  readonly #queue = new Queue();
  #queuedBytes = 0;
  #pumping = false;
  #ending = false;
  #upstreamFull = false;
  #serverSaidFatal = false;
  /** The statement waiting for `inspect`, if any. */
  #held: { controller: AbortController; reject: (reason: Error) => void } | undefined;
  readonly #statements = new Map<string, Prepared>();
  readonly #portals = new Map<string, StatementInfo | undefined>();

  constructor(params: SessionParams) {
    this.id = params.id;
    this.#p = params;
    this.#client = params.client;
    this.#upstream = params.upstream;
    this.#tracker = new Tracker({
      session: params.id,
      record: (entry) => {
        this.#record(entry);
      },
    });
    this.#clientFramer = new Framer(params.maxMessageBytes);
    this.closed = Promise.all([closedPromise(this.#client), closedPromise(this.#upstream)]).then(
      () => undefined,
    );
  }

  /** The client has had its ReadyForQuery: relay from now on, `early` bytes first. */
  start(early: Buffer[] = []): void {
    const client = this.#client;
    const upstream = this.#upstream;
    client.on('data', (chunk: Buffer) => {
      this.#fromClient(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      this.#fromServer(chunk);
    });
    client.on('error', () => client.destroy());
    upstream.on('error', () => upstream.destroy());
    client.on('close', () => {
      this.#clientGone();
    });
    upstream.on('close', () => {
      this.#serverGone();
    });
    upstream.on('drain', () => (this.#upstreamFull = false));
    if (this.#p.idleTimeoutMs > 0) {
      client.setTimeout(this.#p.idleTimeoutMs, () => {
        this.#idle();
      });
    }
    if (this.#p.upstreamRest.length > 0) this.#fromServer(this.#p.upstreamRest);
    for (const chunk of early) this.#fromClient(chunk);
    client.resume();
    upstream.resume();
  }

  /** Ends the session with a FATAL to the client (close(), idle, protocol violation). */
  terminate(code: string, message: string): void {
    if (this.#ending) return;
    this.#ending = true;
    this.#abandonHeld();
    this.#upstream.resume();
    if (this.#client.writable) {
      this.#client.end(errorResponse({ severity: 'FATAL', code, message }));
      lingerAtMost(this.#client);
    } else this.#client.destroy();
    this.#endUpstream();
  }

  // ---- client → server -------------------------------------------------

  #fromClient(chunk: Buffer): void {
    let messages: Buffer[];
    try {
      messages = this.#clientFramer.push(chunk).messages;
    } catch (err) {
      this.#violation(err);
      return;
    }
    for (const msg of messages) {
      this.#queue.push(msg);
      this.#queuedBytes += msg.length;
    }
    if (this.#queuedBytes > QUEUE_HIGH) this.#client.pause();
    void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      this.#upstream.cork();
      for (let msg = this.#queue.shift(); msg !== undefined; msg = this.#queue.shift()) {
        this.#queuedBytes -= msg.length;
        const waiting = this.#fromClientMessage(msg);
        if (waiting !== undefined || this.#upstreamFull) {
          this.#upstream.uncork();
          if (waiting !== undefined) await waiting;
          if (this.#upstreamFull) await drained(this.#upstream);
          if (this.#ending) return;
          this.#upstream.cork();
        }
      }
      this.#upstream.uncork();
      if (this.#client.isPaused() && !this.#ending) this.#client.resume();
    } catch (err) {
      this.#violation(err);
    } finally {
      this.#pumping = false;
    }
  }

  #send(buf: Buffer): void {
    if (this.#ending) return;
    if (!this.#upstream.write(buf)) this.#upstreamFull = true;
  }

  /** Relays one client message; returns a promise when it waits for `inspect`. */
  #fromClientMessage(msg: Buffer): Promise<void> | undefined {
    const type = String.fromCharCode(msg[0] ?? 0);
    switch (type) {
      case 'Q':
        return this.#query(msg);
      case 'P':
        return this.#parse(msg);
      case 'B':
        this.#bind(msg);
        return undefined;
      case 'E': {
        this.#tracker.execute(this.#portals.get(readExecutePortal(msg)));
        this.#send(msg);
        return undefined;
      }
      case 'C':
        this.#close(msg);
        return undefined;
      case 'D':
        readTarget(msg);
        this.#tracker.sent({ kind: 'describe' });
        this.#send(msg);
        return undefined;
      case 'S':
        this.#tracker.sent({ kind: 'sync' });
        this.#send(msg);
        return undefined;
      case 'H': // Flush
      case 'd': // CopyData
      case 'c': // CopyDone
      case 'f': // CopyFail
        this.#send(msg);
        return undefined;
      case 'F':
        this.#functionCall(msg);
        return undefined;
      case 'X':
        this.#ending = true;
        this.#abandonHeld();
        this.#endUpstream();
        return undefined;
      default:
        throw new ProtocolViolation(`unexpected message type 0x${(msg[0] ?? 0).toString(16)}`);
    }
  }

  async #query(msg: Buffer): Promise<void> {
    const sql = readCString(msg);
    const decision = await this.#decide(sql, 'simple');
    if (decision === undefined) return;
    const info: StatementInfo = { sql, kinds: decision.kinds, protocol: 'simple' };
    if (decision.allow) {
      this.#tracker.query(info);
      this.#send(msg);
      return;
    }
    this.#tracker.query({ ...info, blocked: { rule: decision.rule } });
    this.#send(simpleQuery(standIn(decision)));
  }

  async #parse(msg: Buffer): Promise<void> {
    const { name, sql, types } = readParse(msg);
    const decision = await this.#decide(sql, 'extended');
    if (decision === undefined) return;
    const prepared: Prepared = { sql, kinds: decision.kinds, protocol: 'extended', types };
    if (!decision.allow) prepared.blocked = { rule: decision.rule };
    remember(this.#statements, name, prepared);
    this.#tracker.parse(prepared);
    this.#send(decision.allow ? msg : parseMessage(name, standIn(decision)));
  }

  #bind(msg: Buffer): void {
    const { portal, statement, parameters } = readBind(msg);
    const prepared = this.#statements.get(statement);
    const info: StatementInfo | undefined =
      prepared === undefined
        ? undefined
        : {
            ...prepared,
            parameterTypes: Array.from({ length: parameters }, (_, i) =>
              String(prepared.types[i] ?? 0),
            ),
          };
    remember(this.#portals, portal, info);
    this.#tracker.sent({ kind: 'bind' });
    this.#send(prepared?.blocked === undefined ? msg : bindWithoutParameters(portal, statement));
  }

  #close(msg: Buffer): void {
    const { type, name } = readTarget(msg);
    if (type === 'S') this.#statements.delete(name);
    else this.#portals.delete(name);
    this.#tracker.sent({ kind: 'close' });
    this.#send(msg);
  }

  /**
   * FunctionCall runs a function by OID, with no SQL to inspect: it would
   * bypass every rule, so it is refused (the server raises in its place).
   */
  #functionCall(msg: Buffer): void {
    const oid = msg.length >= 9 ? msg.readUInt32BE(5) : 0;
    const decision: Refusal = {
      allow: false,
      kinds: ['function call'],
      rule: 'function-call',
      message:
        'gatepass: the FunctionCall message is not allowed: it bypasses statement inspection (rule function-call)',
      sqlstate: '42501',
    };
    const info: StatementInfo = {
      sql: `-- FunctionCall of function OID ${oid}`,
      kinds: decision.kinds,
      protocol: 'simple',
    };
    this.#recordBlocked(info, decision, 0);
    this.#tracker.query({ ...info, blocked: { rule: decision.rule } });
    this.#send(simpleQuery(standIn(decision)));
  }

  /**
   * Asks `inspect`; undefined when the session ended meanwhile. A failing
   * inspect blocks; a CancelRequest while the statement waits refuses it with
   * 57014, as the server would have cancelled it (the wait is given up at
   * once, whether or not `inspect` honours its signal).
   */
  async #decide(
    sql: string,
    protocol: 'simple' | 'extended',
  ): Promise<Refusal | Allowed | undefined> {
    const started = performance.now();
    let decided: Refusal | Allowed;
    const held = new AbortController();
    try {
      // Settled by inspect, or at once by a cancel or the session's end (see #abandonHeld).
      const decision = await new Promise<StatementDecision>((resolve, reject) => {
        this.#held = { controller: held, reject };
        this.#p
          .inspect({ sql, protocol, session: this.id, signal: held.signal })
          .then(resolve, reject);
      });
      decided = decision.allow
        ? decision
        : { ...decision, message: blockMessage(decision), sqlstate: '42501' };
    } catch (err) {
      decided = held.signal.aborted ? cancelled() : inspectionFailed(err);
    } finally {
      this.#held = undefined;
    }
    if (this.#ending) return undefined;
    if (!decided.allow)
      this.#recordBlocked(
        { sql, kinds: decided.kinds, protocol },
        decided,
        performance.now() - started,
      );
    return decided;
  }

  /**
   * The client's CancelRequest (on another connection, matched by its key): a
   * statement held for inspection is refused, one running upstream is
   * cancelled by the server.
   */
  cancel(): void {
    this.#abandonHeld();
    if (!this.#tracker.idle) this.#p.cancelUpstream();
  }

  /**
   * Aborts the held statement's signal and stops waiting for its decision.
   * One AbortController per statement, aborted by hand on a cancel or the
   * session's end: AbortSignal.any and a listener per statement cost ~100 µs
   * of CPU each, which pgbench made plain.
   */
  #abandonHeld(): void {
    const held = this.#held;
    this.#held = undefined;
    held?.controller.abort();
    held?.reject(new Error('abandoned'));
  }

  #recordBlocked(info: StatementInfo, decision: Refusal, durationMs: number): void {
    const entry: StatementRecord = {
      time: new Date().toISOString(),
      session: this.id,
      protocol: info.protocol,
      sql: info.sql,
      kinds: decision.kinds,
      durationMs: Math.round(durationMs * 1000) / 1000,
      outcome: 'blocked',
      sqlstate: decision.sqlstate,
      rule: decision.rule,
    };
    this.#record(entry);
  }

  /** A throwing `record` loses its entry, not the session. */
  #record(entry: StatementRecord): void {
    try {
      this.#p.record(entry);
    } catch {
      // The caller's audit trail is its own to keep; the relay goes on.
    }
  }

  // ---- server → client -------------------------------------------------

  #fromServer(chunk: Buffer): void {
    let framed: { messages: Buffer[]; span: Buffer };
    try {
      framed = this.#serverFramer.push(chunk);
    } catch {
      this.terminate('08P01', 'gatepass: the upstream server broke the protocol');
      return;
    }
    let out: Buffer[] | undefined;
    let unpinned: string | undefined;
    for (const [i, msg] of framed.messages.entries()) {
      const type = msg[0] ?? 0;
      if (type === 0x53) unpinned ??= pinnedViolation(readParameterStatus(msg));
      if (type === 0x45) this.#serverSaidFatal ||= isFatal(msg);
      let relayed = msg;
      if (type === 0x45 && this.#tracker.answersBlocked()) relayed = plainError(msg);
      this.#tracker.received(type, msg);
      if (relayed !== msg) out ??= framed.messages.slice(0, i);
      out?.push(relayed);
    }
    const data = out === undefined ? framed.span : Buffer.concat(out);
    if (unpinned !== undefined) {
      this.terminate('0A000', unpinned);
      return;
    }
    // After the client's end, what the server still says (a cancelled statement's error) is dropped.
    if (data.length === 0 || !this.#client.writable) return;
    if (!this.#client.write(data)) {
      this.#upstream.pause();
      this.#client.once('drain', () => this.#upstream.resume());
    }
  }

  // ---- endings ----------------------------------------------------------

  #violation(err: unknown): void {
    const text = err instanceof ProtocolViolation ? err.message : describeError(err);
    this.terminate('08P01', `gatepass: invalid message from the client: ${text}`);
  }

  #idle(): void {
    if (this.#tracker.idle && this.#queue.empty && !this.#pumping) {
      this.terminate('57P05', 'terminating connection due to idle-session timeout');
    }
  }

  #clientGone(): void {
    // Reading on lets the upstream socket see the server's end (it may be paused for a full client).
    this.#upstream.resume();
    this.#ending = true;
    this.#abandonHeld();
    this.#endUpstream();
  }

  #serverGone(): void {
    this.#abandonHeld();
    if (!this.#ending && !this.#serverSaidFatal && this.#client.writable) {
      // The server sent its own FATAL first when it meant to close; this covers a lost connection.
      this.#client.end(
        errorResponse({
          severity: 'FATAL',
          code: '08006',
          message: 'gatepass: the connection to the upstream server was lost',
        }),
      );
    } else this.#client.end();
    this.#ending = true;
  }

  /**
   * Terminate, so the backend exits at once; destroyed if the server does not
   * close its side soon. A backend busy with a statement reads neither the
   * Terminate nor the closed socket until the statement ends (pg_sleep(30)
   * would outlive the step), so a statement in flight is cancelled first.
   */
  #endUpstream(): void {
    const upstream = this.#upstream;
    if (upstream.destroyed) return;
    if (!this.#tracker.idle) this.#p.cancelUpstream();
    if (upstream.writable) upstream.end(terminate());
    const timer = setTimeout(() => upstream.destroy(), 5_000);
    timer.unref();
    upstream.once('close', () => {
      clearTimeout(timer);
    });
  }
}

/**
 * Settings that change how SQL text reads. `inspect` reads statements as
 * UTF-8 with standard-conforming strings (as libpg-query does); under another
 * client encoding (SJIS, GBK: bytes that are quotes or backslashes inside
 * multibyte characters) or with backslash escapes in plain strings, the
 * server would read a different statement from the one inspected. So a
 * session that changes either ends before its next statement.
 */
const PINNED_SETTINGS = new Map([
  ['client_encoding', 'UTF8'],
  ['standard_conforming_strings', 'on'],
]);

/** The message that ends a session whose server reports a pinned setting changed; else undefined. */
export function pinnedViolation([name, value]: [string, string]): string | undefined {
  const pinned = PINNED_SETTINGS.get(name);
  if (pinned === undefined || pinned === value) return undefined;
  return `gatepass: ${name} must stay ${pinned} (statements are inspected as read under it)`;
}

function isFatal(msg: Buffer): boolean {
  const severity = readErrorFields(msg).get('V');
  return severity === 'FATAL' || severity === 'PANIC';
}

/** A statement that makes the server raise the refusal as its own error. */
export function standIn(refusal: { message: string; sqlstate: string }): string {
  const tag = `gatepass_${randomBytes(6).toString('hex')}`;
  const message = refusal.message.replaceAll('$', '＄');
  return `DO $${tag}$BEGIN RAISE EXCEPTION USING ERRCODE = '${refusal.sqlstate}', MESSAGE = $${tag}m$${message}$${tag}m$; END$${tag}$`;
}

/** One line that names the rule: "gatepass: DROP TABLE denied by rule no-drop". */
export function blockMessage(decision: Blocked): string {
  const line = decision.message
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replaceAll('$', '＄')
    .trim();
  const named = line.includes(decision.rule) ? line : `${line} (rule ${decision.rule})`;
  return named.startsWith('gatepass:') ? named : `gatepass: ${named}`;
}

/**
 * The stand-in's error without PL/pgSQL's CONTEXT and source position, which
 * would only confuse: the client sees severity, SQLSTATE and our message.
 * Other errors (25P02 in a failed transaction) pass unchanged.
 */
function plainError(msg: Buffer): Buffer {
  const fields = readErrorFields(msg);
  const code = fields.get('C');
  if (code !== '42501' && code !== '57014') return msg;
  const kept = new Map([...fields].filter(([k]) => ['S', 'V', 'C', 'M'].includes(k)));
  return encodeErrorFields('E', kept);
}

function remember<V>(map: Map<string, V>, name: string, value: V): void {
  map.delete(name);
  map.set(name, value);
  if (map.size > MAX_NAMES) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
}

function closedPromise(socket: Socket): Promise<void> {
  if (socket.destroyed && socket.closed) return Promise.resolve();
  return new Promise((resolve) =>
    socket.once('close', () => {
      resolve();
    }),
  );
}

function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/**
 * First in, first out, O(1) each way: Array#shift moves the whole array, and
 * a COPY can queue tens of thousands of small CopyData messages behind a
 * full upstream socket.
 */
class Queue {
  #items: Buffer[] = [];
  #head = 0;

  get empty(): boolean {
    return this.#head >= this.#items.length;
  }

  push(item: Buffer): void {
    this.#items.push(item);
  }

  shift(): Buffer | undefined {
    const item = this.#items[this.#head];
    if (item === undefined) return undefined;
    this.#head++;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}

function cancelled(): Refusal {
  return { allow: false, kinds: [], rule: 'cancelled', message: CANCELLED, sqlstate: '57014' };
}

/** A failing inspect blocks: a statement nobody could check does not run. */
function inspectionFailed(err: unknown): Refusal {
  const message = `the statement could not be checked: ${describeError(err)}`;
  const rule = 'inspection-failed';
  return {
    allow: false,
    kinds: [],
    rule,
    message: blockMessage({ allow: false, kinds: [], rule, message }),
    sqlstate: '42501',
  };
}
