/**
 * The data path: for each credential with `proxy:`, a loopback endpoint that
 * holds the credential, so the job gets only the endpoint's address and a
 * local secret worthless off this machine and after this step. Each statement
 * (PostgreSQL) or request (HTTP) is checked against the guardrails before it
 * goes upstream, held for a human when a rule says `review`, and written to
 * the session log. The upstream credential is issued again before it expires;
 * new upstream connections use the new one.
 *
 * The engines (delivery/postgres, delivery/http) load only when a step asks
 * for a data path, so every other run pays nothing for them.
 */
import type { DataPathRequest, HttpDataPath, PostgresDataPath } from '../config/data-path.js';
import { defaultSslMode, fillHeader } from '../config/data-path.js';
import { GatepassError, describeError } from '../common/errors.js';
import type { Issued } from '../gateways/gateway.js';
import type { ProxiedRequest } from '../config/request.js';
import type { HostLogger } from './host.js';
import type { DataPathRecord, HeldRecord } from '../audit/record.js';
import type { SessionLog } from '../audit/session-log.js';
import { evaluateHttp, evaluateSql } from '../guardrails/evaluate.js';
import { classifySql, type SqlClassification } from '../guardrails/sql.js';
import { preparedAfter, type PreparedStatements } from '../guardrails/prepared.js';
import { UNPARSEABLE } from '../guardrails/defaults.js';
import type { Verdict } from '../guardrails/types.js';

/** A statement or request a `review` rule holds, as the approver sees it (masked). */
export interface HeldItem {
  credential: string;
  /** `statement` (PostgreSQL) or `request` (HTTP). */
  what: 'statement' | 'request';
  /** The SQL or `METHOD /path`, masked and cut to a readable length. */
  text: string;
  rule: string;
}

export interface DataPathOptions {
  request: ProxiedRequest;
  issued: Issued;
  log: HostLogger;
  /** Masks text the session log and approvers see. */
  mask: (text: string) => Promise<string>;
  sessionLog: SessionLog;
  /**
   * Holds an item until humans decide: resolves with the approvers' logins,
   * throws when denied or timed out. Undefined when no approval source can.
   */
  review: ((item: HeldItem, signal: AbortSignal) => Promise<string[]>) | undefined;
  /** The same request issued again (fresh identity); its secrets registered, its handle saved. */
  reissue: () => Promise<Issued>;
  /** Registers a secret of the endpoint (the local password, the capability URL). */
  register: (value: string) => void;
}

export interface OpenDataPath {
  /** Endpoint fields (url, host, ...) for the job's `env`. */
  fields: Record<string, string>;
  record(): DataPathRecord;
  close(): Promise<void>;
}

/**
 * Refresh when a quarter of the credential's life, or a minute, is left,
 * whichever is more, but never before half of it has passed: a credential
 * of a minute or less would otherwise be due at once, and every new
 * connection would issue another.
 */
export function refreshDue(issued: Issued, issuedAt: number, now: number): boolean {
  if (issued.expiresAt === undefined) return false;
  const end = issued.expiresAt.getTime();
  const life = end - issuedAt;
  const margin = Math.min(Math.max(60_000, life / 4), life / 2);
  return now >= end - margin;
}

/** After a failed renewal, new connections use the old credential this long before one tries again. */
const RETRY_AFTER_MS = 10_000;

/** Keeps the current upstream credential, issuing a new one when it nears expiry (one at a time). */
class CurrentCredential {
  #issued: Issued;
  #issuedAt = Date.now();
  #refreshing: Promise<Issued> | undefined;
  #retryAt = 0;
  refreshed = 0;

  constructor(
    issued: Issued,
    private readonly options: Pick<DataPathOptions, 'reissue' | 'log' | 'request'>,
  ) {
    this.#issued = issued;
  }

  async get(): Promise<Issued> {
    const now = Date.now();
    if (now < this.#retryAt || !refreshDue(this.#issued, this.#issuedAt, now)) return this.#issued;
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #refresh(): Promise<Issued> {
    const name = this.options.request.name;
    try {
      const next = await this.options.reissue();
      this.#issued = next;
      this.#issuedAt = Date.now();
      this.refreshed += 1;
      this.options.log.info(
        `"${name}": upstream credential renewed${next.expiresAt === undefined ? '' : `, expires ${next.expiresAt.toISOString()}`}; new connections use it`,
      );
    } catch (err) {
      // The old one is still valid until it expires: keep serving with it,
      // without making every new connection wait for another failing attempt.
      this.#retryAt = Date.now() + RETRY_AFTER_MS;
      this.options.log.warning(
        `"${name}": could not renew the upstream credential: ${describeError(err)}`,
      );
    }
    return this.#issued;
  }
}

export async function openDataPath(options: DataPathOptions): Promise<OpenDataPath> {
  const { request } = options;
  const path = request.dataPath;
  const stats = newStats(path);
  const current = new CurrentCredential(options.issued, options);
  const opened =
    path.kind === 'postgres'
      ? await openPostgres(options, path, current, stats)
      : await openHttp(options, path, current, stats);
  // The local secret only: registering the whole URL would also mask every
  // 8-character window of it ("127.0.0.", the database name) in the log.
  options.register(opened.secret);
  stats.endpoint = opened.describe;
  stats.upstream = opened.upstream;
  return {
    fields: opened.fields,
    record: () => ({ ...stats, refreshed: current.refreshed }),
    close: () => opened.close(),
  };
}

function newStats(path: DataPathRequest): DataPathRecord {
  return {
    kind: path.kind,
    upstream: path.kind === 'http' ? path.upstream : '',
    endpoint: '',
    total: 0,
    errors: 0,
    byKind: {},
    blocked: [],
    held: [],
    refreshed: 0,
  };
}

interface Opened {
  fields: Record<string, string>;
  /** What makes the endpoint usable: the local password, the capability. */
  secret: string;
  /** Where it goes, without credentials. */
  upstream: string;
  describe: string;
  close(): Promise<void>;
}

/** The verdict for one item: allowed, refused with a rule, or held and then decided by humans. */
async function decide(
  options: DataPathOptions,
  stats: DataPathRecord,
  verdict: Verdict,
  text: string,
  signal: AbortSignal,
): Promise<{ allow: true } | { allow: false; rule: string; message: string }> {
  if (verdict.action === 'allow') return { allow: true };
  const rule = verdict.rule ?? 'guardrails';
  const masked = clip(await options.mask(text));
  if (verdict.action === 'deny') {
    stats.blocked.push({
      time: new Date().toISOString(),
      kinds: [...verdict.kinds],
      rule,
      text: masked,
    });
    options.log.warning(`"${options.request.name}": blocked by rule ${rule}: ${verdict.reason}`);
    return { allow: false, rule, message: `gatepass: ${verdict.reason}` };
  }
  return hold(options, stats, { verdict, rule, masked, signal });
}

async function hold(
  options: DataPathOptions,
  stats: DataPathRecord,
  held: { verdict: Verdict; rule: string; masked: string; signal: AbortSignal },
): Promise<{ allow: true } | { allow: false; rule: string; message: string }> {
  const { verdict, rule, masked, signal } = held;
  const reason = verdict.reason;
  const entry: HeldRecord = {
    time: new Date().toISOString(),
    kinds: [...verdict.kinds],
    rule,
    text: masked,
    outcome: 'denied',
  };
  stats.held.push(entry);
  if (options.review === undefined) {
    entry.outcome = 'no-approval-source';
    return {
      allow: false,
      rule,
      message: `gatepass: ${reason}, and this step has no approval source to ask (set approval-source)`,
    };
  }
  const what: HeldItem['what'] =
    options.request.dataPath.kind === 'postgres' ? 'statement' : 'request';
  options.log.info(`"${options.request.name}": a ${what} is held for approval (rule ${rule})`);
  try {
    const item = { credential: options.request.name, what, text: masked, rule };
    entry.approvers = await options.review(item, signal);
    entry.outcome = 'approved';
    return { allow: true };
  } catch (err) {
    entry.outcome = heldOutcome(err, signal);
    const why = err instanceof GatepassError ? err.message : describeError(err);
    return { allow: false, rule, message: `gatepass: ${reason}; not approved: ${why}` };
  }
}

/**
 * Why a held item was not approved, for the audit record: the gate says no by
 * throwing DENIED, which is a decision, not a failure to get one.
 */
function heldOutcome(err: unknown, signal: AbortSignal): HeldRecord['outcome'] {
  if (signal.aborted) return 'abandoned';
  if (!(err instanceof GatepassError)) return 'failed';
  if (err.code === 'DENIED') return 'denied';
  return err.code === 'TIMEOUT' ? 'timed-out' : 'failed';
}

const CLIP = 2_000;
function clip(text: string): string {
  return text.length > CLIP ? `${text.slice(0, CLIP)}…` : text;
}

/**
 * One session-log line, `field` masked first: a statement or a path can quote
 * a secret (the job's own, or the endpoint's), and the log is kept as an artifact.
 */
function writeMasked(
  options: DataPathOptions,
  entry: object,
  field: 'sql' | 'path',
  text: string,
): void {
  const write = (value: string): void => {
    options.sessionLog.write({ credential: options.request.name, ...entry, [field]: value });
  };
  // Without a masker the text stays out; the rest of the line still counts.
  options.mask(text).then(write, () => {
    write('(left out: masking failed)');
  });
}

function count(stats: DataPathRecord, kinds: readonly string[], failed: boolean): void {
  stats.total += 1;
  if (failed) stats.errors += 1;
  for (const kind of kinds.length === 0 ? ['UNKNOWN'] : kinds)
    stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
}

async function openPostgres(
  options: DataPathOptions,
  path: PostgresDataPath,
  current: CurrentCredential,
  stats: DataPathRecord,
): Promise<Opened> {
  const { startPostgresProxy } = await import('../delivery/postgres/server.js');
  const name = options.request.name;
  const sessions = new Map<number, PreparedStatements>();
  // Checked now, before the command starts: a credential without a host fails the step.
  const first = upstreamTarget(path, options.issued.values, name);
  const endpoint = await startPostgresProxy({
    database: first.database,
    upstream: async () => upstreamTarget(path, (await current.get()).values, name),
    inspect: async (check) => {
      const verdict = await sqlVerdict(path, sessions, check);
      const decision = await decide(options, stats, verdict, check.sql, check.signal);
      return { ...decision, kinds: [...verdict.kinds] };
    },
    record: (entry) => {
      count(stats, entry.kinds, entry.outcome === 'error');
      writeMasked(options, entry, 'sql', entry.sql);
    },
  });
  return {
    fields: {
      url: endpoint.url,
      host: endpoint.host,
      port: String(endpoint.port),
      database: endpoint.database,
      username: endpoint.user,
      password: endpoint.password,
    },
    secret: endpoint.password,
    upstream: `${first.host}:${first.port}/${first.database} (sslmode ${first.sslmode})`,
    describe: `postgresql://${endpoint.host}:${endpoint.port}/${endpoint.database}`,
    close: () => endpoint.close(),
  };
}

/**
 * The guardrails' verdict on one SQL string, with what the session prepared
 * so far (an EXECUTE is judged by its PREPARE). A classifier that fails
 * denies: nothing unread goes upstream.
 */
async function sqlVerdict(
  path: PostgresDataPath,
  sessions: Map<number, PreparedStatements>,
  check: { sql: string; session: number },
): Promise<Verdict> {
  const prepared = sessions.get(check.session) ?? new Map<string, never>();
  let classification: SqlClassification;
  try {
    classification = await classifySql({ sql: check.sql, prepared });
  } catch (err) {
    return {
      action: 'deny',
      rule: UNPARSEABLE,
      reason: `the SQL could not be analysed (${describeError(err)}), so it is denied by rule ${UNPARSEABLE}`,
      kinds: [],
    };
  }
  const verdict = evaluateSql({ guardrails: path.guardrails, classification });
  if (verdict.action !== 'deny') {
    // Held statements may still be refused; a PREPARE remembered for one that
    // never ran only makes its EXECUTE be judged as what it would run.
    sessions.set(check.session, preparedAfter({ prepared, classification }));
  }
  return verdict;
}

/** Where gatepass connects upstream: `upstream:` first, then the credential's own fields. */
function upstreamTarget(
  path: PostgresDataPath,
  values: Readonly<Record<string, string>>,
  name: string,
): import('../delivery/postgres/server.js').UpstreamTarget {
  const pick = (...fields: string[]): string | undefined =>
    fields.map((f) => values[f]).find((v) => v !== undefined && v !== '');
  const host = path.upstream.host ?? pick('host', 'hostname');
  const user = pick('username', 'user');
  const password = pick('password');
  const missing = [
    host === undefined ? 'host' : '',
    user === undefined ? 'username' : '',
    password === undefined ? 'password' : '',
  ].filter((m) => m !== '');
  if (host === undefined || user === undefined || password === undefined) {
    throw new GatepassError(
      'GATEWAY',
      `credential "${name}" has no ${missing.join(', ')} for its PostgreSQL upstream`,
      {
        hint: `Fields issued: ${Object.keys(values).join(', ') || 'none'}; name the server in \`upstream: postgresql://host:5432/db\``,
      },
    );
  }
  const port = path.upstream.port ?? Number(pick('port') ?? 5432);
  const database = path.upstream.database ?? pick('database', 'dbname', 'database_name') ?? user;
  return {
    host,
    port,
    database,
    user,
    password,
    sslmode: path.upstream.sslmode ?? defaultSslMode(host),
  };
}

async function openHttp(
  options: DataPathOptions,
  path: HttpDataPath,
  current: CurrentCredential,
  stats: DataPathRecord,
): Promise<Opened> {
  const { startHttpProxy } = await import('../delivery/http/index.js');
  const name = options.request.name;
  // Checked now, before the command starts, as the PostgreSQL upstream is: a
  // header naming a field the credential lacks would fail every request.
  fillHeader(path.header, options.issued.values, name);
  const endpoint = await startHttpProxy({
    upstream: new URL(path.upstream),
    credential: async () => ({
      header: path.header.name,
      value: fillHeader(path.header, (await current.get()).values, name),
    }),
    inspect: async (check) => {
      const verdict = evaluateHttp({
        guardrails: path.guardrails,
        request: { method: check.method, path: check.path },
      });
      return decide(options, stats, verdict, `${check.method} ${check.path}`, check.signal);
    },
    record: (entry) => {
      count(stats, [entry.method], entry.outcome !== 'ok' && entry.outcome !== 'blocked');
      writeMasked(options, entry, 'path', entry.path);
    },
  });
  // The capability is the URL's first path segment.
  const secret = new URL(endpoint.url).pathname.split('/')[1] ?? endpoint.url;
  return {
    fields: { url: endpoint.url },
    secret,
    upstream: path.upstream,
    describe: 'http://127.0.0.1 (loopback)',
    close: () => endpoint.close(),
  };
}
