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
export class ProtocolViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolViolation';
  }
}

/** Request codes of the untyped first packet (the int32 after the length). */
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
export const PROTOCOL_3_0 = 196608;

/**
 * Splits a byte stream into whole messages (type byte + int32 length, the
 * length counting itself). Buffers are held until a message is complete and
 * joined once then, so a 64 MiB message arriving in 64 KiB chunks costs one
 * copy, not a quadratic series of them.
 */
const EMPTY = Buffer.alloc(0);

export class Framer {
  readonly #maxBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes the next message needs in all (header included), once its header is in. */
  #need = 5;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /**
   * Appends `chunk` and returns the messages it completes (views of the input
   * when possible) and `span`, the bytes of all of them in one buffer, to
   * relay them in one write when none is changed.
   */
  push(chunk: Buffer): { messages: Buffer[]; span: Buffer } {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes < this.#need) {
      if (this.#pendingBytes >= 5 && this.#need === 5) this.#need = this.#measure(this.#joined());
      if (this.#pendingBytes < this.#need) return { messages: [], span: EMPTY };
    }
    const data = this.#joined();
    const out: Buffer[] = [];
    let offset = 0;
    while (data.length - offset >= 5) {
      const total = this.#measure(data.subarray(offset));
      if (data.length - offset < total) break;
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
  get buffered(): number {
    return this.#pendingBytes;
  }

  #joined(): Buffer {
    if (this.#pending.length === 1 && this.#pending[0] !== undefined) return this.#pending[0];
    const joined = Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [joined];
    return joined;
  }

  #measure(header: Buffer): number {
    const length = header.readInt32BE(1);
    if (length < 4) throw new ProtocolViolation(`invalid message length ${length}`);
    if (length + 1 > this.#maxBytes) {
      throw new ProtocolViolation(
        `message of ${length + 1} bytes exceeds the limit of ${this.#maxBytes}`,
      );
    }
    return length + 1;
  }
}

/** Reads the body of one message (after its 5-byte header), refusing to run past its end. */
export class MessageReader {
  readonly #body: Buffer;
  #offset = 0;

  constructor(message: Buffer, headerBytes = 5) {
    this.#body = message.subarray(headerBytes);
  }

  cstring(): string {
    const end = this.#body.indexOf(0, this.#offset);
    if (end < 0) throw new ProtocolViolation('unterminated string in message');
    const text = this.#body.toString('utf8', this.#offset, end);
    this.#offset = end + 1;
    return text;
  }

  int16(): number {
    this.#need(2);
    const value = this.#body.readInt16BE(this.#offset);
    this.#offset += 2;
    return value;
  }

  int32(): number {
    this.#need(4);
    const value = this.#body.readInt32BE(this.#offset);
    this.#offset += 4;
    return value;
  }

  bytes(count: number): Buffer {
    this.#need(count);
    const value = this.#body.subarray(this.#offset, this.#offset + count);
    this.#offset += count;
    return value;
  }

  get remaining(): number {
    return this.#body.length - this.#offset;
  }

  #need(count: number): void {
    if (count < 0 || this.#offset + count > this.#body.length) {
      throw new ProtocolViolation('message shorter than its fields');
    }
  }
}

/** Frames a message: type byte, int32 length (counting itself), body. */
export function message(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

export function cstring(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}

function int32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}

function int16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(value);
  return b;
}

/** Error and notice fields by their one-letter code (C = SQLSTATE, M = message, S/V = severity). */
export type ErrorFields = Map<string, string>;

export function readErrorFields(msg: Buffer): ErrorFields {
  const fields: ErrorFields = new Map();
  const reader = new MessageReader(msg);
  while (reader.remaining > 0) {
    const code = reader.bytes(1)[0];
    if (code === 0 || code === undefined) break;
    fields.set(String.fromCharCode(code), reader.cstring());
  }
  return fields;
}

export function errorResponse(fields: {
  severity: 'ERROR' | 'FATAL';
  code: string;
  message: string;
  detail?: string;
}): Buffer {
  const parts = [
    ['S', fields.severity],
    ['V', fields.severity],
    ['C', fields.code],
    ['M', fields.message],
    ...(fields.detail === undefined ? [] : [['D', fields.detail]]),
  ];
  return encodeErrorFields('E', new Map(parts.map(([k, v]) => [k ?? '', v ?? ''])));
}

export function encodeErrorFields(type: 'E' | 'N', fields: ErrorFields): Buffer {
  const body = [...fields].map(([k, v]) => Buffer.concat([Buffer.from(k, 'latin1'), cstring(v)]));
  return message(type, Buffer.concat([...body, Buffer.from([0])]));
}

export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
  return message('Z', Buffer.from(status, 'latin1'));
}

export function authenticationOk(): Buffer {
  return message('R', int32(0));
}

export function backendKeyData(key: BackendKey): Buffer {
  return message('K', Buffer.concat([int32(key.pid), int32(key.secret)]));
}

export interface BackendKey {
  pid: number;
  secret: number;
}

/** The untyped first packets: StartupMessage, CancelRequest, SSLRequest. */
export function startupMessage(parameters: ReadonlyMap<string, string>): Buffer {
  const pairs = [...parameters].flatMap(([k, v]) => [cstring(k), cstring(v)]);
  const body = Buffer.concat([int32(PROTOCOL_3_0), ...pairs, Buffer.from([0])]);
  return Buffer.concat([int32(body.length + 4), body]);
}

export function cancelRequest(key: BackendKey): Buffer {
  return Buffer.concat([int32(16), int32(CANCEL_REQUEST), int32(key.pid), int32(key.secret)]);
}

export function sslRequest(): Buffer {
  return Buffer.concat([int32(8), int32(SSL_REQUEST)]);
}

export function parameterStatus(name: string, value: string): Buffer {
  return message('S', Buffer.concat([cstring(name), cstring(value)]));
}

export function terminate(): Buffer {
  return message('X');
}

export function simpleQuery(sql: string): Buffer {
  return message('Q', cstring(sql));
}

export function parseMessage(name: string, sql: string): Buffer {
  return message('P', Buffer.concat([cstring(name), cstring(sql), int16(0)]));
}

/** A Bind with no parameters and text results: what a statement rewritten to raise needs. */
export function bindWithoutParameters(portal: string, statement: string): Buffer {
  return message(
    'B',
    Buffer.concat([cstring(portal), cstring(statement), int16(0), int16(0), int16(0)]),
  );
}

export interface ParseFields {
  name: string;
  sql: string;
  /** Parameter type OIDs the client declared (0 = let the server infer). */
  types: number[];
}

export function readParse(msg: Buffer): ParseFields {
  const reader = new MessageReader(msg);
  const name = reader.cstring();
  const sql = reader.cstring();
  const count = reader.int16();
  const types: number[] = [];
  for (let i = 0; i < count; i++) types.push(reader.int32() >>> 0);
  return { name, sql, types };
}

export interface BindFields {
  portal: string;
  statement: string;
  parameters: number;
}

/** Names and the parameter count only: the values are never read. */
export function readBind(msg: Buffer): BindFields {
  const reader = new MessageReader(msg);
  const portal = reader.cstring();
  const statement = reader.cstring();
  const formats = reader.int16();
  reader.bytes(formats * 2);
  const parameters = reader.int16();
  return { portal, statement, parameters };
}

/** Close and Describe: 'S' (statement) or 'P' (portal), then the name. */
export function readTarget(msg: Buffer): { type: string; name: string } {
  const reader = new MessageReader(msg);
  const type = String.fromCharCode(reader.bytes(1)[0] ?? 0);
  return { type, name: reader.cstring() };
}

export function readExecutePortal(msg: Buffer): string {
  return new MessageReader(msg).cstring();
}

export function readParameterStatus(msg: Buffer): [string, string] {
  const reader = new MessageReader(msg);
  return [reader.cstring(), reader.cstring()];
}

export function readCString(msg: Buffer): string {
  return new MessageReader(msg).cstring();
}

/** The row count at the end of a command tag ("INSERT 0 3", "SELECT 5", "COPY 10"), if any. */
export function tagRows(tag: string): number | undefined {
  const match = /^(?:INSERT \d+|SELECT|UPDATE|DELETE|MERGE|COPY|FETCH|MOVE) (\d+)$/.exec(tag);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
