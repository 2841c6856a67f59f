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
import { readCString, readErrorFields, tagRows } from './messages.js';
import type { StatementRecord } from './types.js';

/** What a statement's record needs from its Parse (or Query). */
export interface StatementInfo {
  sql: string;
  kinds: string[];
  protocol: 'simple' | 'extended';
  /** Set when it was blocked: the server runs a stand-in that raises our error. */
  blocked?: { rule: string };
  parameterTypes?: string[];
}

type Pending =
  | {
      kind: 'query';
      info: StatementInfo;
      start: number;
      tags: string[];
      rows: number;
      sqlstate?: string;
    }
  | { kind: 'execute'; info: StatementInfo | undefined; start: number; rows: number }
  | { kind: 'parse'; info: StatementInfo; start: number }
  | { kind: 'bind' | 'describe' | 'close' | 'sync' };

export class Tracker {
  readonly #record: (entry: StatementRecord) => void;
  readonly #session: number;
  #queue: Pending[] = [];
  /** After an extended-protocol error until the client's next Sync: the server skips those messages. */
  #skipping = false;

  constructor(params: { session: number; record: (entry: StatementRecord) => void }) {
    this.#record = params.record;
    this.#session = params.session;
  }

  /** Nothing awaits an answer (for idle handling). */
  get idle(): boolean {
    return this.#queue.length === 0;
  }

  sent(item: Pending): void {
    if (item.kind === 'sync') this.#skipping = false;
    else if (this.#skipping) return;
    this.#queue.push(item);
  }

  query(info: StatementInfo): void {
    this.sent({ kind: 'query', info, start: performance.now(), tags: [], rows: 0 });
  }

  parse(info: StatementInfo): void {
    this.sent({ kind: 'parse', info, start: performance.now() });
  }

  execute(info: StatementInfo | undefined): void {
    this.sent({ kind: 'execute', info, start: performance.now(), rows: 0 });
  }

  /** Whether the error about to reach the client answers a blocked statement's stand-in. */
  answersBlocked(): boolean {
    const head = this.#queue[0];
    if (head === undefined) return false;
    if (head.kind === 'query' || head.kind === 'execute') return head.info?.blocked !== undefined;
    return false;
  }

  /** Sees one server message (type byte + whole message). */
  received(type: number, msg: Buffer): void {
    const head = this.#queue[0];
    if (head === undefined) return;
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
        if (head.kind === 'query' || head.kind === 'execute') head.rows++;
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
        if (head.kind === 'query') this.#finishQuery(head);
        if (head.kind === 'query' || head.kind === 'sync') this.#queue.shift();
        return;
      default:
        return;
    }
  }

  #shiftIf(head: Pending, kinds: Pending['kind'][]): void {
    if (kinds.includes(head.kind)) this.#queue.shift();
  }

  #completed(head: Pending, tag: string | undefined): void {
    if (head.kind === 'query') {
      if (tag !== undefined) head.tags.push(tag);
      return;
    }
    if (head.kind !== 'execute') return;
    this.#queue.shift();
    if (head.info === undefined || head.info.blocked !== undefined) return;
    const rows = tag === undefined ? head.rows : (tagRows(tag) ?? head.rows);
    this.#emit(head.info, head.start, {
      outcome: 'ok',
      ...(tag === undefined ? {} : { commandTag: tag }),
      rows,
    });
  }

  #failed(head: Pending, sqlstate: string): void {
    if (head.kind === 'query') {
      head.sqlstate = sqlstate;
      return;
    }
    if (
      (head.kind === 'execute' || head.kind === 'parse') &&
      head.info !== undefined &&
      head.info.blocked === undefined
    ) {
      this.#emit(head.info, head.start, { outcome: 'error', sqlstate });
    }
    // The server now skips to the next Sync: so do the expectations.
    const sync = this.#queue.findIndex((p) => p.kind === 'sync');
    if (sync < 0) {
      this.#queue = [];
      this.#skipping = true;
    } else this.#queue.splice(0, sync);
  }

  #finishQuery(head: Extract<Pending, { kind: 'query' }>): void {
    if (head.info.blocked !== undefined) return;
    const tag = head.tags.join('; ');
    const counted = head.tags.map(tagRows).filter((n) => n !== undefined);
    this.#emit(head.info, head.start, {
      outcome: head.sqlstate === undefined ? 'ok' : 'error',
      ...(tag === '' ? {} : { commandTag: tag }),
      ...(counted.length === 0 ? {} : { rows: counted.reduce((a, b) => a + b, 0) }),
      ...(head.sqlstate === undefined ? {} : { sqlstate: head.sqlstate }),
    });
  }

  #emit(
    info: StatementInfo,
    start: number,
    result: Pick<StatementRecord, 'outcome' | 'commandTag' | 'rows' | 'sqlstate'>,
  ): void {
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
