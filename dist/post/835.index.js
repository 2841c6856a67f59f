export const id = 835;
export const ids = [835];
export const modules = {

/***/ 2835:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  startPostgresProxy: () => (/* binding */ startPostgresProxy)
});

// UNUSED EXPORTS: DEFAULT_MAX_MESSAGE_BYTES

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./node_modules/pg-gateway/dist/index.mjs
var dist = __webpack_require__(6657);
;// CONCATENATED MODULE: ./src/delivery/postgres/messages.ts
/**
 * PostgreSQL wire-protocol (v3) framing and the few messages the proxy reads
 * or writes itself. Everything else is relayed byte for byte, so the proxy
 * parses only what it must: SQL the client sends (to inspect it), names that
 * tie Bind/Execute to a statement (to record it), and the responses that end
 * a statement (to record its outcome).
 *
 * Reference: https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
/** A client broke the protocol: its session ends with FATAL 08P01, the proxy lives on. */
class ProtocolViolation extends Error {
    constructor(message) {
        super(message);
        this.name = 'ProtocolViolation';
    }
}
/** Request codes of the untyped first packet (the int32 after the length). */
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3_0 = 196608;
/**
 * Splits a byte stream into whole messages (type byte + int32 length, the
 * length counting itself). Buffers are held until a message is complete and
 * joined once then, so a 64 MiB message arriving in 64 KiB chunks costs one
 * copy, not a quadratic series of them.
 */
const EMPTY = Buffer.alloc(0);
class Framer {
    #maxBytes;
    #pending = [];
    #pendingBytes = 0;
    /** Bytes the next message needs in all (header included), once its header is in. */
    #need = 5;
    constructor(maxBytes) {
        this.#maxBytes = maxBytes;
    }
    /**
     * Appends `chunk` and returns the messages it completes (views of the input
     * when possible) and `span`, the bytes of all of them in one buffer, to
     * relay them in one write when none is changed.
     */
    push(chunk) {
        this.#pending.push(chunk);
        this.#pendingBytes += chunk.length;
        if (this.#pendingBytes < this.#need) {
            if (this.#pendingBytes >= 5 && this.#need === 5)
                this.#need = this.#measure(this.#joined());
            if (this.#pendingBytes < this.#need)
                return { messages: [], span: EMPTY };
        }
        const data = this.#joined();
        const out = [];
        let offset = 0;
        while (data.length - offset >= 5) {
            const total = this.#measure(data.subarray(offset));
            if (data.length - offset < total)
                break;
            out.push(data.subarray(offset, offset + total));
            offset += total;
        }
        const rest = data.subarray(offset);
        // Copy the tail: it must not pin the (possibly large) chunk it came from.
        this.#pending = rest.length === 0 ? [] : [Buffer.from(rest)];
        this.#pendingBytes = rest.length;
        this.#need = rest.length >= 5 ? this.#measure(rest) : 5;
        return { messages: out, span: data.subarray(0, offset) };
    }
    /** Bytes received and not yet part of a whole message. */
    get buffered() {
        return this.#pendingBytes;
    }
    #joined() {
        if (this.#pending.length === 1 && this.#pending[0] !== undefined)
            return this.#pending[0];
        const joined = Buffer.concat(this.#pending, this.#pendingBytes);
        this.#pending = [joined];
        return joined;
    }
    #measure(header) {
        const length = header.readInt32BE(1);
        if (length < 4)
            throw new ProtocolViolation(`invalid message length ${length}`);
        if (length + 1 > this.#maxBytes) {
            throw new ProtocolViolation(`message of ${length + 1} bytes exceeds the limit of ${this.#maxBytes}`);
        }
        return length + 1;
    }
}
/** Reads the body of one message (after its 5-byte header), refusing to run past its end. */
class MessageReader {
    #body;
    #offset = 0;
    constructor(message, headerBytes = 5) {
        this.#body = message.subarray(headerBytes);
    }
    cstring() {
        const end = this.#body.indexOf(0, this.#offset);
        if (end < 0)
            throw new ProtocolViolation('unterminated string in message');
        const text = this.#body.toString('utf8', this.#offset, end);
        this.#offset = end + 1;
        return text;
    }
    int16() {
        this.#need(2);
        const value = this.#body.readInt16BE(this.#offset);
        this.#offset += 2;
        return value;
    }
    int32() {
        this.#need(4);
        const value = this.#body.readInt32BE(this.#offset);
        this.#offset += 4;
        return value;
    }
    bytes(count) {
        this.#need(count);
        const value = this.#body.subarray(this.#offset, this.#offset + count);
        this.#offset += count;
        return value;
    }
    get remaining() {
        return this.#body.length - this.#offset;
    }
    #need(count) {
        if (count < 0 || this.#offset + count > this.#body.length) {
            throw new ProtocolViolation('message shorter than its fields');
        }
    }
}
/** Frames a message: type byte, int32 length (counting itself), body. */
function message(type, body = Buffer.alloc(0)) {
    const header = Buffer.alloc(5);
    header.write(type, 0, 'latin1');
    header.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([header, body]);
}
function cstring(text) {
    return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}
function int32(value) {
    const b = Buffer.alloc(4);
    b.writeInt32BE(value);
    return b;
}
function int16(value) {
    const b = Buffer.alloc(2);
    b.writeInt16BE(value);
    return b;
}
function readErrorFields(msg) {
    const fields = new Map();
    const reader = new MessageReader(msg);
    while (reader.remaining > 0) {
        const code = reader.bytes(1)[0];
        if (code === 0 || code === undefined)
            break;
        fields.set(String.fromCharCode(code), reader.cstring());
    }
    return fields;
}
function errorResponse(fields) {
    const parts = [
        ['S', fields.severity],
        ['V', fields.severity],
        ['C', fields.code],
        ['M', fields.message],
        ...(fields.detail === undefined ? [] : [['D', fields.detail]]),
    ];
    return encodeErrorFields('E', new Map(parts.map(([k, v]) => [k ?? '', v ?? ''])));
}
function encodeErrorFields(type, fields) {
    const body = [...fields].map(([k, v]) => Buffer.concat([Buffer.from(k, 'latin1'), cstring(v)]));
    return message(type, Buffer.concat([...body, Buffer.from([0])]));
}
function readyForQuery(status) {
    return message('Z', Buffer.from(status, 'latin1'));
}
function authenticationOk() {
    return message('R', int32(0));
}
function backendKeyData(key) {
    return message('K', Buffer.concat([int32(key.pid), int32(key.secret)]));
}
/** The untyped first packets: StartupMessage, CancelRequest, SSLRequest. */
function startupMessage(parameters) {
    const pairs = [...parameters].flatMap(([k, v]) => [cstring(k), cstring(v)]);
    const body = Buffer.concat([int32(PROTOCOL_3_0), ...pairs, Buffer.from([0])]);
    return Buffer.concat([int32(body.length + 4), body]);
}
function cancelRequest(key) {
    return Buffer.concat([int32(16), int32(CANCEL_REQUEST), int32(key.pid), int32(key.secret)]);
}
function sslRequest() {
    return Buffer.concat([int32(8), int32(SSL_REQUEST)]);
}
function parameterStatus(name, value) {
    return message('S', Buffer.concat([cstring(name), cstring(value)]));
}
function terminate() {
    return message('X');
}
function simpleQuery(sql) {
    return message('Q', cstring(sql));
}
function parseMessage(name, sql) {
    return message('P', Buffer.concat([cstring(name), cstring(sql), int16(0)]));
}
/** A Bind with no parameters and text results: what a statement rewritten to raise needs. */
function bindWithoutParameters(portal, statement) {
    return message('B', Buffer.concat([cstring(portal), cstring(statement), int16(0), int16(0), int16(0)]));
}
function readParse(msg) {
    const reader = new MessageReader(msg);
    const name = reader.cstring();
    const sql = reader.cstring();
    const count = reader.int16();
    const types = [];
    for (let i = 0; i < count; i++)
        types.push(reader.int32() >>> 0);
    return { name, sql, types };
}
/** Names and the parameter count only: the values are never read. */
function readBind(msg) {
    const reader = new MessageReader(msg);
    const portal = reader.cstring();
    const statement = reader.cstring();
    const formats = reader.int16();
    reader.bytes(formats * 2);
    const parameters = reader.int16();
    return { portal, statement, parameters };
}
/** Close and Describe: 'S' (statement) or 'P' (portal), then the name. */
function readTarget(msg) {
    const reader = new MessageReader(msg);
    const type = String.fromCharCode(reader.bytes(1)[0] ?? 0);
    return { type, name: reader.cstring() };
}
function readExecutePortal(msg) {
    return new MessageReader(msg).cstring();
}
function readParameterStatus(msg) {
    const reader = new MessageReader(msg);
    return [reader.cstring(), reader.cstring()];
}
function readCString(msg) {
    return new MessageReader(msg).cstring();
}
/** The row count at the end of a command tag ("INSERT 0 3", "SELECT 5", "COPY 10"), if any. */
function tagRows(tag) {
    const match = /^(?:INSERT \d+|SELECT|UPDATE|DELETE|MERGE|COPY|FETCH|MOVE) (\d+)$/.exec(tag);
    return match?.[1] === undefined ? undefined : Number(match[1]);
}

;// CONCATENATED MODULE: ./src/delivery/postgres/client.ts
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



/** PostgreSQL's own limit for a startup packet (MAX_STARTUP_PACKET_LENGTH). */
const MAX_STARTUP_BYTES = 10_000;
/**
 * Runs the client's startup up to a checked password. On 'login' the socket
 * is paused and no longer read by anyone: the caller answers AuthenticationOk
 * (or an error) once the upstream login is done.
 */
async function acceptClient(socket, login) {
    const first = await firstPacket(socket);
    if (first.kind !== 'startup')
        return first;
    return passwordLogin(socket, first.packet, login);
}
/** SSLRequest and GSSENCRequest get 'N' (loopback: nothing to protect); then the real first packet. */
async function firstPacket(socket) {
    for (let refusals = 0; refusals < 3; refusals++) {
        const packet = await untypedPacket(socket);
        if (packet === undefined)
            return { kind: 'closed' };
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
function untypedPacket(socket) {
    return new Promise((resolve, reject) => {
        let held = Buffer.alloc(0);
        const onData = (chunk) => {
            held = Buffer.concat([held, chunk]);
            if (held.length < 4)
                return;
            const length = held.readInt32BE(0);
            if (length < 8 || length > MAX_STARTUP_BYTES) {
                done();
                reject(new ProtocolViolation('invalid length of startup packet'));
                return;
            }
            if (held.length < length)
                return;
            done();
            // A client waits for our answer after each first packet: more bytes break the protocol.
            if (held.length > length)
                reject(new ProtocolViolation('data after the startup packet'));
            else
                resolve(held);
        };
        const onClose = () => {
            done();
            resolve(undefined);
        };
        const done = () => {
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
function passwordLogin(socket, startup, login) {
    return new Promise((resolve, reject) => {
        const onClose = () => {
            resolve({ kind: 'closed' });
        };
        socket.once('close', onClose);
        const connection = new dist/* PostgresConnection */.we(socket, {
            authMode: 'md5Password',
            onStartup: (state) => {
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
                    .catch((err) => {
                    reject(err instanceof Error ? err : new Error(String(err)));
                });
                return false; // pg-gateway goes on to send the md5 challenge
            },
        });
        void connection.handleData(startup);
    });
}
/** The client's password message; what follows it is held in `early`. */
function readPassword(socket) {
    return new Promise((resolve, reject) => {
        let held = Buffer.alloc(0);
        const onData = (chunk) => {
            held = Buffer.concat([held, chunk]);
            if (held.length < 5)
                return;
            const total = held.readInt32BE(1) + 1;
            if (total < 5 || total > MAX_STARTUP_BYTES) {
                socket.off('data', onData);
                reject(new ProtocolViolation('invalid length of password message'));
                return;
            }
            if (held.length < total)
                return;
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
class EarlyBytes {
    #socket;
    #chunks = [];
    #bytes = 0;
    #onData = (chunk) => {
        this.#chunks.push(chunk);
        this.#bytes += chunk.length;
        if (this.#bytes > MAX_STARTUP_BYTES * 100)
            this.#socket.destroy();
    };
    constructor(socket, first) {
        this.#socket = socket;
        if (first.length > 0)
            this.#onData(first);
        socket.on('data', this.#onData);
    }
    /** Stops holding (the socket is paused) and returns what was held. */
    take() {
        this.#socket.pause();
        this.#socket.off('data', this.#onData);
        const chunks = this.#chunks;
        this.#chunks = [];
        return chunks;
    }
}
/** As PostgreSQL orders it: the password first, then whether the database exists. */
async function checkPassword(params) {
    const { data, state, login } = params;
    if (data[0] !== 0x70)
        throw new ProtocolViolation('expected a password message');
    const end = data.indexOf(0, 5);
    if (end < 0)
        throw new ProtocolViolation('unterminated password message');
    const sent = data.subarray(5, end);
    const user = state.clientInfo?.parameters.user ?? '';
    const expected = Buffer.from(await (0,dist/* hashMd5Password */.OF)(login.user, login.password, params.salt));
    const valid = user === login.user && sent.length === expected.length && (0,external_node_crypto_.timingSafeEqual)(sent, expected);
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
function refuse(socket, code, message) {
    if (!socket.writable)
        return;
    socket.end(errorResponse({ severity: 'FATAL', code, message }));
    lingerAtMost(socket);
}
/** After our end(): a client that does not close its side within 2 s is cut off. */
function lingerAtMost(socket, ms = 2_000) {
    const timer = setTimeout(() => socket.destroy(), ms);
    timer.unref();
    socket.once('close', () => {
        clearTimeout(timer);
    });
}

;// CONCATENATED MODULE: ./src/delivery/postgres/tracker.ts
/**
 * Follows the server's responses to what the session sent, in order, to
 * record each statement's outcome. It never decides what is relayed: a
 * tracking slip costs a record's accuracy, never the protocol.
 *
 * The server answers every message in order (Parse → ParseComplete, Bind →
 * BindComplete, Execute → rows then CommandComplete, Sync → ReadyForQuery,
 * Query → … → ReadyForQuery). After an error in the extended protocol it
 * skips everything up to the next Sync, so do we.
 */

class Tracker {
    #record;
    #session;
    #queue = [];
    /** After an extended-protocol error until the client's next Sync: the server skips those messages. */
    #skipping = false;
    constructor(params) {
        this.#record = params.record;
        this.#session = params.session;
    }
    /** Nothing awaits an answer (for idle handling). */
    get idle() {
        return this.#queue.length === 0;
    }
    sent(item) {
        if (item.kind === 'sync')
            this.#skipping = false;
        else if (this.#skipping)
            return;
        this.#queue.push(item);
    }
    query(info) {
        this.sent({ kind: 'query', info, start: performance.now(), tags: [], rows: 0 });
    }
    parse(info) {
        this.sent({ kind: 'parse', info, start: performance.now() });
    }
    execute(info) {
        this.sent({ kind: 'execute', info, start: performance.now(), rows: 0 });
    }
    /** Whether the error about to reach the client answers a blocked statement's stand-in. */
    answersBlocked() {
        const head = this.#queue[0];
        if (head === undefined)
            return false;
        if (head.kind === 'query' || head.kind === 'execute')
            return head.info?.blocked !== undefined;
        return false;
    }
    /** Sees one server message (type byte + whole message). */
    received(type, msg) {
        const head = this.#queue[0];
        if (head === undefined)
            return;
        switch (type) {
            case 0x31: // ParseComplete
            case 0x32: // BindComplete
            case 0x33: // CloseComplete
            case 0x6e: // NoData
                this.#shiftIf(head, ['parse', 'bind', 'close', 'describe']);
                return;
            case 0x54: // RowDescription: ends a Describe; a Query's or an Execute's result has one too
                this.#shiftIf(head, ['describe']);
                return;
            case 0x44: // DataRow
                if (head.kind === 'query' || head.kind === 'execute')
                    head.rows++;
                return;
            case 0x43: // CommandComplete
            case 0x49: // EmptyQueryResponse
            case 0x73: // PortalSuspended
                this.#completed(head, type === 0x43 ? readCString(msg) : undefined);
                return;
            case 0x45: // ErrorResponse
                this.#failed(head, readErrorFields(msg).get('C') ?? 'XX000');
                return;
            case 0x5a: // ReadyForQuery
                if (head.kind === 'query')
                    this.#finishQuery(head);
                if (head.kind === 'query' || head.kind === 'sync')
                    this.#queue.shift();
                return;
            default:
                return;
        }
    }
    #shiftIf(head, kinds) {
        if (kinds.includes(head.kind))
            this.#queue.shift();
    }
    #completed(head, tag) {
        if (head.kind === 'query') {
            if (tag !== undefined)
                head.tags.push(tag);
            return;
        }
        if (head.kind !== 'execute')
            return;
        this.#queue.shift();
        if (head.info === undefined || head.info.blocked !== undefined)
            return;
        const rows = tag === undefined ? head.rows : (tagRows(tag) ?? head.rows);
        this.#emit(head.info, head.start, {
            outcome: 'ok',
            ...(tag === undefined ? {} : { commandTag: tag }),
            rows,
        });
    }
    #failed(head, sqlstate) {
        if (head.kind === 'query') {
            head.sqlstate = sqlstate;
            return;
        }
        if ((head.kind === 'execute' || head.kind === 'parse') &&
            head.info !== undefined &&
            head.info.blocked === undefined) {
            this.#emit(head.info, head.start, { outcome: 'error', sqlstate });
        }
        // The server now skips to the next Sync: so do the expectations.
        const sync = this.#queue.findIndex((p) => p.kind === 'sync');
        if (sync < 0) {
            this.#queue = [];
            this.#skipping = true;
        }
        else
            this.#queue.splice(0, sync);
    }
    #finishQuery(head) {
        if (head.info.blocked !== undefined)
            return;
        const tag = head.tags.join('; ');
        const counted = head.tags.map(tagRows).filter((n) => n !== undefined);
        this.#emit(head.info, head.start, {
            outcome: head.sqlstate === undefined ? 'ok' : 'error',
            ...(tag === '' ? {} : { commandTag: tag }),
            ...(counted.length === 0 ? {} : { rows: counted.reduce((a, b) => a + b, 0) }),
            ...(head.sqlstate === undefined ? {} : { sqlstate: head.sqlstate }),
        });
    }
    #emit(info, start, result) {
        this.#record({
            time: new Date(performance.timeOrigin + start).toISOString(),
            session: this.#session,
            protocol: info.protocol,
            sql: info.sql,
            kinds: info.kinds,
            durationMs: Math.round((performance.now() - start) * 1000) / 1000,
            ...result,
            ...(info.parameterTypes === undefined ? {} : { parameterTypes: info.parameterTypes }),
        });
    }
}

;// CONCATENATED MODULE: ./src/delivery/postgres/session.ts
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





/** The server's own limit on a message (1 GB): what the proxy holds for a DataRow it relays. */
const MAX_SERVER_MESSAGE = 1024 * 1024 * 1024;
/** Client bytes queued behind a held statement before the proxy stops reading the client. */
const QUEUE_HIGH = 8 * 1024 * 1024;
/** Statements and portals remembered per session; the oldest name is forgotten beyond it. */
const MAX_NAMES = 10_000;
const CANCELLED = 'canceling statement due to user request';
class Session {
    id;
    /** Resolves once both sockets are closed. */
    closed;
    #p;
    #client;
    #upstream;
    #tracker;
    #clientFramer;
    #serverFramer = new Framer(MAX_SERVER_MESSAGE);
    #queue = new Queue();
    #queuedBytes = 0;
    #pumping = false;
    #ending = false;
    #upstreamFull = false;
    #serverSaidFatal = false;
    /** The statement waiting for `inspect`, if any. */
    #held;
    #statements = new Map();
    #portals = new Map();
    constructor(params) {
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
        this.closed = Promise.all([closedPromise(this.#client), closedPromise(this.#upstream)]).then(() => undefined);
    }
    /** The client has had its ReadyForQuery: relay from now on, `early` bytes first. */
    start(early = []) {
        const client = this.#client;
        const upstream = this.#upstream;
        client.on('data', (chunk) => {
            this.#fromClient(chunk);
        });
        upstream.on('data', (chunk) => {
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
        if (this.#p.upstreamRest.length > 0)
            this.#fromServer(this.#p.upstreamRest);
        for (const chunk of early)
            this.#fromClient(chunk);
        client.resume();
        upstream.resume();
    }
    /** Ends the session with a FATAL to the client (close(), idle, protocol violation). */
    terminate(code, message) {
        if (this.#ending)
            return;
        this.#ending = true;
        this.#abandonHeld();
        this.#upstream.resume();
        if (this.#client.writable) {
            this.#client.end(errorResponse({ severity: 'FATAL', code, message }));
            lingerAtMost(this.#client);
        }
        else
            this.#client.destroy();
        this.#endUpstream();
    }
    // ---- client → server -------------------------------------------------
    #fromClient(chunk) {
        let messages;
        try {
            messages = this.#clientFramer.push(chunk).messages;
        }
        catch (err) {
            this.#violation(err);
            return;
        }
        for (const msg of messages) {
            this.#queue.push(msg);
            this.#queuedBytes += msg.length;
        }
        if (this.#queuedBytes > QUEUE_HIGH)
            this.#client.pause();
        void this.#pump();
    }
    async #pump() {
        if (this.#pumping)
            return;
        this.#pumping = true;
        try {
            this.#upstream.cork();
            for (let msg = this.#queue.shift(); msg !== undefined; msg = this.#queue.shift()) {
                this.#queuedBytes -= msg.length;
                const waiting = this.#fromClientMessage(msg);
                if (waiting !== undefined || this.#upstreamFull) {
                    this.#upstream.uncork();
                    if (waiting !== undefined)
                        await waiting;
                    if (this.#upstreamFull)
                        await drained(this.#upstream);
                    if (this.#ending)
                        return;
                    this.#upstream.cork();
                }
            }
            this.#upstream.uncork();
            if (this.#client.isPaused() && !this.#ending)
                this.#client.resume();
        }
        catch (err) {
            this.#violation(err);
        }
        finally {
            this.#pumping = false;
        }
    }
    #send(buf) {
        if (this.#ending)
            return;
        if (!this.#upstream.write(buf))
            this.#upstreamFull = true;
    }
    /** Relays one client message; returns a promise when it waits for `inspect`. */
    #fromClientMessage(msg) {
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
    async #query(msg) {
        const sql = readCString(msg);
        const decision = await this.#decide(sql, 'simple');
        if (decision === undefined)
            return;
        const info = { sql, kinds: decision.kinds, protocol: 'simple' };
        if (decision.allow) {
            this.#tracker.query(info);
            this.#send(msg);
            return;
        }
        this.#tracker.query({ ...info, blocked: { rule: decision.rule } });
        this.#send(simpleQuery(standIn(decision)));
    }
    async #parse(msg) {
        const { name, sql, types } = readParse(msg);
        const decision = await this.#decide(sql, 'extended');
        if (decision === undefined)
            return;
        const prepared = { sql, kinds: decision.kinds, protocol: 'extended', types };
        if (!decision.allow)
            prepared.blocked = { rule: decision.rule };
        remember(this.#statements, name, prepared);
        this.#tracker.parse(prepared);
        this.#send(decision.allow ? msg : parseMessage(name, standIn(decision)));
    }
    #bind(msg) {
        const { portal, statement, parameters } = readBind(msg);
        const prepared = this.#statements.get(statement);
        const info = prepared === undefined
            ? undefined
            : {
                ...prepared,
                parameterTypes: Array.from({ length: parameters }, (_, i) => String(prepared.types[i] ?? 0)),
            };
        remember(this.#portals, portal, info);
        this.#tracker.sent({ kind: 'bind' });
        this.#send(prepared?.blocked === undefined ? msg : bindWithoutParameters(portal, statement));
    }
    #close(msg) {
        const { type, name } = readTarget(msg);
        if (type === 'S')
            this.#statements.delete(name);
        else
            this.#portals.delete(name);
        this.#tracker.sent({ kind: 'close' });
        this.#send(msg);
    }
    /**
     * FunctionCall runs a function by OID, with no SQL to inspect: it would
     * bypass every rule, so it is refused (the server raises in its place).
     */
    #functionCall(msg) {
        const oid = msg.length >= 9 ? msg.readUInt32BE(5) : 0;
        const decision = {
            allow: false,
            kinds: ['function call'],
            rule: 'function-call',
            message: 'gatepass: the FunctionCall message is not allowed: it bypasses statement inspection (rule function-call)',
            sqlstate: '42501',
        };
        const info = {
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
    async #decide(sql, protocol) {
        const started = performance.now();
        let decided;
        const held = new AbortController();
        try {
            // Settled by inspect, or at once by a cancel or the session's end (see #abandonHeld).
            const decision = await new Promise((resolve, reject) => {
                this.#held = { controller: held, reject };
                this.#p
                    .inspect({ sql, protocol, session: this.id, signal: held.signal })
                    .then(resolve, reject);
            });
            decided = decision.allow
                ? decision
                : { ...decision, message: blockMessage(decision), sqlstate: '42501' };
        }
        catch (err) {
            decided = held.signal.aborted ? cancelled() : inspectionFailed(err);
        }
        finally {
            this.#held = undefined;
        }
        if (this.#ending)
            return undefined;
        if (!decided.allow)
            this.#recordBlocked({ sql, kinds: decided.kinds, protocol }, decided, performance.now() - started);
        return decided;
    }
    /**
     * The client's CancelRequest (on another connection, matched by its key): a
     * statement held for inspection is refused, one running upstream is
     * cancelled by the server.
     */
    cancel() {
        this.#abandonHeld();
        if (!this.#tracker.idle)
            this.#p.cancelUpstream();
    }
    /**
     * Aborts the held statement's signal and stops waiting for its decision.
     * One AbortController per statement, aborted by hand on a cancel or the
     * session's end: AbortSignal.any and a listener per statement cost ~100 µs
     * of CPU each, which pgbench made plain.
     */
    #abandonHeld() {
        const held = this.#held;
        this.#held = undefined;
        held?.controller.abort();
        held?.reject(new Error('abandoned'));
    }
    #recordBlocked(info, decision, durationMs) {
        const entry = {
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
    #record(entry) {
        try {
            this.#p.record(entry);
        }
        catch {
            // The caller's audit trail is its own to keep; the relay goes on.
        }
    }
    // ---- server → client -------------------------------------------------
    #fromServer(chunk) {
        let framed;
        try {
            framed = this.#serverFramer.push(chunk);
        }
        catch {
            this.terminate('08P01', 'gatepass: the upstream server broke the protocol');
            return;
        }
        let out;
        let unpinned;
        for (const [i, msg] of framed.messages.entries()) {
            const type = msg[0] ?? 0;
            if (type === 0x53)
                unpinned ??= pinnedViolation(readParameterStatus(msg));
            if (type === 0x45)
                this.#serverSaidFatal ||= isFatal(msg);
            let relayed = msg;
            if (type === 0x45 && this.#tracker.answersBlocked())
                relayed = plainError(msg);
            this.#tracker.received(type, msg);
            if (relayed !== msg)
                out ??= framed.messages.slice(0, i);
            out?.push(relayed);
        }
        const data = out === undefined ? framed.span : Buffer.concat(out);
        if (unpinned !== undefined) {
            this.terminate('0A000', unpinned);
            return;
        }
        // After the client's end, what the server still says (a cancelled statement's error) is dropped.
        if (data.length === 0 || !this.#client.writable)
            return;
        if (!this.#client.write(data)) {
            this.#upstream.pause();
            this.#client.once('drain', () => this.#upstream.resume());
        }
    }
    // ---- endings ----------------------------------------------------------
    #violation(err) {
        const text = err instanceof ProtocolViolation ? err.message : (0,errors/* describeError */.Uc)(err);
        this.terminate('08P01', `gatepass: invalid message from the client: ${text}`);
    }
    #idle() {
        if (this.#tracker.idle && this.#queue.empty && !this.#pumping) {
            this.terminate('57P05', 'terminating connection due to idle-session timeout');
        }
    }
    #clientGone() {
        // Reading on lets the upstream socket see the server's end (it may be paused for a full client).
        this.#upstream.resume();
        this.#ending = true;
        this.#abandonHeld();
        this.#endUpstream();
    }
    #serverGone() {
        this.#abandonHeld();
        if (!this.#ending && !this.#serverSaidFatal && this.#client.writable) {
            // The server sent its own FATAL first when it meant to close; this covers a lost connection.
            this.#client.end(errorResponse({
                severity: 'FATAL',
                code: '08006',
                message: 'gatepass: the connection to the upstream server was lost',
            }));
        }
        else
            this.#client.end();
        this.#ending = true;
    }
    /**
     * Terminate, so the backend exits at once; destroyed if the server does not
     * close its side soon. A backend busy with a statement reads neither the
     * Terminate nor the closed socket until the statement ends (pg_sleep(30)
     * would outlive the step), so a statement in flight is cancelled first.
     */
    #endUpstream() {
        const upstream = this.#upstream;
        if (upstream.destroyed)
            return;
        if (!this.#tracker.idle)
            this.#p.cancelUpstream();
        if (upstream.writable)
            upstream.end(terminate());
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
function pinnedViolation([name, value]) {
    const pinned = PINNED_SETTINGS.get(name);
    if (pinned === undefined || pinned === value)
        return undefined;
    return `gatepass: ${name} must stay ${pinned} (statements are inspected as read under it)`;
}
function isFatal(msg) {
    const severity = readErrorFields(msg).get('V');
    return severity === 'FATAL' || severity === 'PANIC';
}
/** A statement that makes the server raise the refusal as its own error. */
function standIn(refusal) {
    const tag = `gatepass_${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`;
    const message = refusal.message.replaceAll('$', '＄');
    return `DO $${tag}$BEGIN RAISE EXCEPTION USING ERRCODE = '${refusal.sqlstate}', MESSAGE = $${tag}m$${message}$${tag}m$; END$${tag}$`;
}
/** One line that names the rule: "gatepass: DROP TABLE denied by rule no-drop". */
function blockMessage(decision) {
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
function plainError(msg) {
    const fields = readErrorFields(msg);
    const code = fields.get('C');
    if (code !== '42501' && code !== '57014')
        return msg;
    const kept = new Map([...fields].filter(([k]) => ['S', 'V', 'C', 'M'].includes(k)));
    return encodeErrorFields('E', kept);
}
function remember(map, name, value) {
    map.delete(name);
    map.set(name, value);
    if (map.size > MAX_NAMES) {
        const oldest = map.keys().next();
        if (oldest.done !== true)
            map.delete(oldest.value);
    }
}
function closedPromise(socket) {
    if (socket.destroyed && socket.closed)
        return Promise.resolve();
    return new Promise((resolve) => socket.once('close', () => {
        resolve();
    }));
}
function drained(socket) {
    return new Promise((resolve) => {
        const done = () => {
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
    #items = [];
    #head = 0;
    get empty() {
        return this.#head >= this.#items.length;
    }
    push(item) {
        this.#items.push(item);
    }
    shift() {
        const item = this.#items[this.#head];
        if (item === undefined)
            return undefined;
        this.#head++;
        if (this.#head === this.#items.length) {
            this.#items = [];
            this.#head = 0;
        }
        else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
            this.#items = this.#items.slice(this.#head);
            this.#head = 0;
        }
        return item;
    }
}
function cancelled() {
    return { allow: false, kinds: [], rule: 'cancelled', message: CANCELLED, sqlstate: '57014' };
}
/** A failing inspect blocks: a statement nobody could check does not run. */
function inspectionFailed(err) {
    const message = `the statement could not be checked: ${(0,errors/* describeError */.Uc)(err)}`;
    const rule = 'inspection-failed';
    return {
        allow: false,
        kinds: [],
        rule,
        message: blockMessage({ allow: false, kinds: [], rule, message }),
        sqlstate: '42501',
    };
}

// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
// EXTERNAL MODULE: ./node_modules/pg/lib/crypto/sasl.js
var sasl = __webpack_require__(948);
var sasl_default = /*#__PURE__*/__webpack_require__.n(sasl);
// EXTERNAL MODULE: ./node_modules/pg-protocol/dist/serializer.js
var serializer = __webpack_require__(6513);
// EXTERNAL MODULE: ./node_modules/pg-protocol/dist/parser.js
var parser = __webpack_require__(3318);
;// CONCATENATED MODULE: ./src/delivery/postgres/upstream.ts
/**
 * The proxy's side towards the real server: TCP, TLS as `sslmode` asks (the
 * way libpq reads it), the startup message and the login with the
 * short-lived credential. pg-protocol frames and parses the login exchange;
 * the SCRAM arithmetic is the `pg` package's, not ours.
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the types of an untyped module are a script, which only a reference reaches (and the import rule sees)
/// <reference path="./pg-sasl.d.ts" />








/** A failed upstream login, told to the client as an ErrorResponse with `sqlstate`. */
class UpstreamError extends errors/* GatepassError */.J9 {
    sqlstate;
    constructor(sqlstate, message, cause) {
        super('GATEWAY', message, cause === undefined ? {} : { cause });
        this.name = 'UpstreamError';
        this.sqlstate = sqlstate;
    }
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
async function connectUpstream(params) {
    const { target } = params;
    const socket = await openTransport({
        target,
        signal: params.signal,
        timeoutMs: params.timeoutMs,
    });
    try {
        const startup = new Map();
        for (const [k, v] of Object.entries(params.clientParameters)) {
            if (FORWARDED_PARAMETERS.has(k.toLowerCase()))
                startup.set(k, v);
        }
        // Statements are inspected as UTF-8 text; see PINNED_SETTINGS in session.ts.
        startup.set('client_encoding', 'UTF8');
        startup.set('user', target.user);
        startup.set('database', target.database);
        socket.write(startupMessage(startup));
        return await login({ socket, target, signal: params.signal, timeoutMs: params.timeoutMs });
    }
    catch (err) {
        socket.destroy();
        throw sanitized(err, target);
    }
}
/** Sends a CancelRequest for `key` on a new connection, as PostgreSQL expects it. */
async function sendCancel(target, key) {
    const controller = new AbortController();
    const socket = await openTransport({ target, signal: controller.signal, timeoutMs: 10_000 });
    await new Promise((resolve) => {
        const timer = setTimeout(() => socket.destroy(), 10_000);
        const done = () => {
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
async function openTransport(params) {
    const { target, signal } = params;
    const tcp = (0,external_node_net_.connect)({ host: target.host, port: target.port });
    const stop = guard(tcp, signal, params.timeoutMs);
    try {
        await new Promise((resolve, reject) => {
            tcp.once('connect', resolve);
            tcp.once('error', reject);
        });
        if (target.sslmode === 'disable')
            return tcp;
        tcp.write(serializer/* serialize */.l.requestSsl());
        const answer = await firstByte(tcp);
        if (answer === 'N') {
            if (target.sslmode === 'prefer')
                return tcp;
            throw new UpstreamError('08001', 'the upstream server does not support SSL, but SSL was required');
        }
        if (answer !== 'S')
            throw new UpstreamError('08P01', 'the upstream server answered the SSLRequest with an error');
        return await startTls(tcp, target);
    }
    catch (err) {
        tcp.destroy();
        throw sanitized(err, target);
    }
    finally {
        stop();
    }
}
/** Aborts a connect on `signal` or after `timeoutMs`; returns the clean-up. */
function guard(socket, signal, timeoutMs) {
    const abort = () => {
        socket.destroy(new UpstreamError('08006', 'the upstream connection was abandoned'));
    };
    const timer = setTimeout(() => {
        socket.destroy(new UpstreamError('08001', `the upstream server did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    signal.addEventListener('abort', abort, { once: true });
    if (signal.aborted)
        abort();
    return () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', abort);
    };
}
/**
 * Exactly one byte: anything after 'S' arrived unencrypted before the
 * handshake and would be read as if it came over TLS (CVE-2021-23222).
 */
function firstByte(socket) {
    return new Promise((resolve, reject) => {
        const onData = (chunk) => {
            cleanup();
            if (chunk.length !== 1) {
                reject(new UpstreamError('08P01', 'the upstream server sent unexpected data after its SSL answer'));
                return;
            }
            socket.pause();
            resolve(String.fromCharCode(chunk[0] ?? 0));
        };
        const onEnd = (err) => {
            cleanup();
            reject(err ?? new UpstreamError('08006', 'the upstream server closed the connection'));
        };
        const cleanup = () => {
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
function tlsOptions(socket, target) {
    const verify = target.sslmode === 'verify-full' ||
        target.sslmode === 'verify-ca' ||
        // libpq: with a root certificate, `require` verifies the chain as verify-ca does.
        (target.sslmode === 'require' && target.ca !== undefined);
    return {
        socket,
        ...((0,external_node_net_.isIP)(target.host) === 0 ? { servername: target.host } : {}),
        ...(target.ca === undefined ? {} : { ca: target.ca }),
        rejectUnauthorized: verify,
        checkServerIdentity: target.sslmode === 'verify-full'
            ? (_host, cert) => (0,external_node_tls_.checkServerIdentity)(target.host, cert)
            : () => undefined,
    };
}
function startTls(tcp, target) {
    return new Promise((resolve, reject) => {
        const tls = (0,external_node_tls_.connect)(tlsOptions(tcp, target));
        tls.once('secureConnect', () => {
            tls.off('error', reject);
            resolve(tls);
        });
        tls.once('error', (err) => {
            reject(new UpstreamError('08001', `TLS with the upstream server failed (${(0,errors/* errorCodeOf */.D9)(err)})`, err));
        });
        tcp.resume();
    });
}
/** The authentication exchange, then ParameterStatus and BackendKeyData up to ReadyForQuery. */
async function login(params) {
    const { socket, target } = params;
    const inbox = new Inbox(socket);
    const stop = guard(socket, params.signal, params.timeoutMs);
    const parameters = [];
    let key = { pid: 0, secret: 0 };
    let scram;
    const tlsStream = 'encrypted' in socket ? socket : undefined;
    try {
        for (;;) {
            const msg = await inbox.next();
            switch (msg.name) {
                case 'authenticationOk':
                    break;
                case 'authenticationCleartextPassword':
                    socket.write(serializer/* serialize */.l.password(target.password));
                    break;
                case 'authenticationMD5Password':
                    socket.write(serializer/* serialize */.l.password(await (0,dist/* hashMd5Password */.OF)(target.user, target.password, msg.salt)));
                    break;
                case 'authenticationSASL':
                    scram = sasl_default().startSession(msg.mechanisms, tlsStream);
                    socket.write(serializer/* serialize */.l.sendSASLInitialResponseMessage(scram.mechanism, scram.response));
                    break;
                case 'authenticationSASLContinue':
                    if (scram === undefined)
                        throw new UpstreamError('08P01', 'SCRAM continue without a start');
                    await sasl_default().continueSession(scram, target.password, String(msg.data), tlsStream);
                    socket.write(serializer/* serialize */.l.sendSCRAMClientFinalMessage(scram.response));
                    break;
                case 'authenticationSASLFinal':
                    if (scram === undefined)
                        throw new UpstreamError('08P01', 'SCRAM final without a start');
                    sasl_default().finalizeSession(scram, String(msg.data));
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
                    throw new UpstreamError(typeof msg.code === 'string' ? msg.code : '08006', `the upstream server refused the login: ${typeof msg.message === 'string' ? msg.message : ''}`);
                default:
                    // Notices and NegotiateProtocolVersion need no answer.
                    break;
            }
        }
    }
    finally {
        stop();
        inbox.detach();
    }
}
/** Messages of the login exchange, one at a time, through pg-protocol's Parser. */
class Inbox {
    #socket;
    #parser = new parser/* Parser */.i();
    #queue = [];
    #raw = [];
    #done = false;
    #failure;
    #wake;
    #onData = (chunk) => {
        this.#raw.push(chunk);
        this.#parser.parse(chunk, (msg) => {
            this.#queue.push(msg);
        });
        this.#notify();
    };
    #onEnd = (err) => {
        this.#failure ??=
            err ?? new UpstreamError('08006', 'the upstream server closed the connection');
        this.#notify();
    };
    constructor(socket) {
        this.#socket = socket;
        socket.on('data', this.#onData);
        socket.on('error', this.#onEnd);
        socket.on('close', this.#onEnd);
        socket.resume();
    }
    async next() {
        for (;;) {
            const msg = this.#queue.shift();
            if (msg !== undefined) {
                if (msg.name === 'readyForQuery')
                    this.#stopAfterThis();
                return msg;
            }
            if (this.#failure !== undefined)
                throw this.#failure;
            await new Promise((resolve) => (this.#wake = resolve));
        }
    }
    /**
     * Stops listening. ReadyForQuery is the last message before the server waits
     * for us, so a well-behaved server leaves nothing behind; what did follow in
     * the same read is handed on, framed anew by the relay.
     */
    detach() {
        if (this.#done)
            return Buffer.alloc(0);
        this.#done = true;
        this.#socket.pause();
        this.#socket.off('data', this.#onData);
        this.#socket.off('error', this.#onEnd);
        this.#socket.off('close', this.#onEnd);
        return this.#tail;
    }
    #tail = Buffer.alloc(0);
    /** Keeps the bytes after ReadyForQuery in the chunk that held it. */
    #stopAfterThis() {
        const all = Buffer.concat(this.#raw);
        this.#raw = [];
        // The chunk ended with or after ReadyForQuery ('Z', length 5, status).
        const at = all.lastIndexOf(Buffer.from([0x5a, 0, 0, 0, 5]));
        this.#tail =
            at >= 0 && at + 6 < all.length ? Buffer.from(all.subarray(at + 6)) : Buffer.alloc(0);
    }
    #notify() {
        const wake = this.#wake;
        this.#wake = undefined;
        wake?.();
    }
}
/**
 * The server's words, minus the credential: the user name can be the secret
 * (hoop), and neither it nor the password may reach the job or a log.
 */
function sanitized(err, target) {
    const base = err instanceof UpstreamError
        ? err
        : new UpstreamError('08001', `cannot reach the upstream server (${(0,errors/* errorCodeOf */.D9)(err)})`, err);
    let text = base.message;
    for (const secret of [target.password, target.user]) {
        if (secret.length > 0)
            text = text.split(secret).join('***');
    }
    return text === base.message ? base : new UpstreamError(base.sqlstate, text, base.cause);
}

;// CONCATENATED MODULE: ./src/delivery/postgres/server.ts
/**
 * The data-path mode's PostgreSQL engine (issue #15): a server on loopback
 * that the job logs in to with a local secret, and that logs in upstream
 * itself with the short-lived credential. It knows nothing of rules, CI or
 * approvals: `inspect` decides, `record` hears, `upstream` says where.
 */







/**
 * 64 MiB: PostgreSQL takes messages up to 1 GB, but the proxy must hold a
 * whole message before it can inspect it, so the limit bounds the memory a
 * session can pin. No realistic statement comes near it, and COPY data
 * travels in small CopyData messages (psql sends a line or 8 KiB at a time).
 */
const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_SESSIONS = 64;
const DEFAULT_HANDSHAKE_MS = 30_000;
const STEP_ENDED = 'terminating connection: the gatepass step ended';
async function startPostgresProxy(options) {
    const login = {
        user: `gatepass_${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`,
        password: (0,external_node_crypto_.randomBytes)(24).toString('base64url'),
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
class PostgresProxy {
    #options;
    #login;
    #server;
    #sockets = new Set();
    /** By the key the client was given ("pid:secret"). */
    #live = new Map();
    #stop = new AbortController();
    #nextSession = 1;
    #admitted = 0;
    #closing;
    constructor(options, login) {
        this.#options = options;
        this.#login = login;
        this.#server = (0,external_node_net_.createServer)({ noDelay: true, pauseOnConnect: true }, (socket) => {
            this.#accept(socket);
        });
    }
    listen() {
        return new Promise((resolve, reject) => {
            this.#server.once('error', reject);
            this.#server.listen(0, '127.0.0.1', () => {
                this.#server.off('error', reject);
                const address = this.#server.address();
                resolve(typeof address === 'object' && address !== null ? address.port : 0);
                const signal = this.#options.signal;
                signal?.addEventListener('abort', this.#onAbort, { once: true });
                if (signal?.aborted === true)
                    void this.close();
            });
        });
    }
    close() {
        this.#closing ??= this.#shutDown();
        return this.#closing;
    }
    #onAbort = () => {
        void this.close();
    };
    async #shutDown() {
        // A long-lived signal (the step's) must not keep this proxy reachable.
        this.#options.signal?.removeEventListener('abort', this.#onAbort);
        const stopped = new Promise((resolve) => this.#server.close(() => {
            resolve();
        }));
        this.#stop.abort();
        const sessions = [...this.#live.values()].map((live) => {
            live.session.terminate('57P01', STEP_ENDED);
            return live.session.closed;
        });
        // Handshakes in flight: told the same, then closed.
        for (const socket of this.#sockets)
            refuse(socket, '57P01', STEP_ENDED);
        const sockets = [...this.#sockets].map((socket) => new Promise((resolve) => {
            if (socket.closed)
                resolve();
            else
                socket.once('close', () => {
                    resolve();
                });
        }));
        await Promise.all([stopped, ...sessions, ...sockets]);
    }
    #accept(socket) {
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
        const timer = setTimeout(() => socket.destroy(), limits.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_MS);
        this.#handshake(socket)
            .catch((err) => {
            refuse(socket, '08P01', `gatepass: invalid startup: ${(0,errors/* describeError */.Uc)(err)}`);
        })
            .finally(() => {
            clearTimeout(timer);
        });
    }
    async #handshake(socket) {
        const handshake = await acceptClient(socket, this.#login);
        if (handshake.kind === 'closed')
            return;
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
    async #connectUpstream(clientParameters) {
        let target;
        try {
            target = await this.#options.upstream();
        }
        catch (err) {
            return new UpstreamError('08001', `no upstream credential: ${(0,errors/* describeError */.Uc)(err)}`, err);
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
        }
        catch (err) {
            return err instanceof UpstreamError
                ? err
                : new UpstreamError('08001', (0,errors/* describeError */.Uc)(err), err);
        }
    }
    /** Finishes the client's login with the server's parameters and a key of ours, then relays. */
    #open(params) {
        const { socket, upstream } = params;
        const key = this.#newKey();
        socket.write(Buffer.concat([
            authenticationOk(),
            ...upstream.parameters.map(([name, value]) => parameterStatus(name, value)),
            backendKeyData(key),
            readyForQuery('I'),
        ]));
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
    #newKey() {
        for (;;) {
            const key = { pid: (0,external_node_crypto_.randomInt)(1, 2 ** 31 - 1), secret: (0,external_node_crypto_.randomInt)(-(2 ** 31), 2 ** 31 - 1) };
            if (!this.#live.has(`${key.pid}:${key.secret}`))
                return key;
        }
    }
    /** The client's cancel, re-addressed to its session (held statement or upstream backend). Unknown keys: nothing. */
    #cancel(key) {
        this.#live.get(`${key.pid}:${key.secret}`)?.session.cancel();
    }
}


/***/ })

};

//# sourceMappingURL=835.index.js.map