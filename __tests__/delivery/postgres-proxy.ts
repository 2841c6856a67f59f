/**
 * Shared set-up of the PostgreSQL proxy tests: a real cluster with a login
 * role, a proxy in front of it with a trivial `inspect` (deny any SQL with the
 * word DROP; the real rules are the guardrails layer's), and the clients a
 * job would use: psql, pgbench, node-postgres, raw sockets.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { Client } from 'pg';
import { findPostgres, type TestPostgres } from '../helpers/postgres.js';
import {
  startPostgresProxy,
  type PostgresEndpoint,
  type PostgresProxyOptions,
  type StatementCheck,
  type StatementDecision,
  type StatementRecord,
  type UpstreamTarget,
} from '../../src/delivery/postgres/server.js';

export interface Role {
  user: string;
  password: string;
}

/** A LOGIN role with a password (stored as SCRAM, the server's default) that may create in `app`. */
export async function createRole(
  pg: TestPostgres,
  user = `gp_app_${randomBytes(3).toString('hex')}`,
): Promise<Role> {
  const password = randomBytes(18).toString('base64url');
  await pg.query(`CREATE ROLE ${user} LOGIN PASSWORD '${password}'`);
  await pg.query(`GRANT ALL ON SCHEMA public TO ${user}`);
  return { user, password };
}

export function target(
  pg: TestPostgres,
  role: Role,
  extra: Partial<UpstreamTarget> = {},
): UpstreamTarget {
  return { host: pg.host, port: pg.port, database: 'app', ...role, sslmode: 'disable', ...extra };
}

/** Denies SQL that mentions DROP, as rule no-drop; allows the rest. */
export function denyDrop(check: StatementCheck): Promise<StatementDecision> {
  if (/\bdrop\b/i.test(check.sql)) {
    return Promise.resolve({
      allow: false,
      kinds: ['drop'],
      rule: 'no-drop',
      message: 'DROP denied by rule no-drop',
    });
  }
  return Promise.resolve({ allow: true, kinds: ['other'] });
}

export interface TestProxy extends PostgresEndpoint {
  records: StatementRecord[];
  checks: StatementCheck[];
}

export async function startProxy(
  pg: TestPostgres,
  role: Role,
  options: Partial<PostgresProxyOptions> = {},
): Promise<TestProxy> {
  const records: StatementRecord[] = [];
  const checks: StatementCheck[] = [];
  const inspect = options.inspect ?? denyDrop;
  const endpoint = await startPostgresProxy({
    upstream: () => Promise.resolve(target(pg, role)),
    record: (entry) => records.push(entry),
    ...options,
    inspect: (check) => {
      checks.push(check);
      return inspect(check);
    },
  });
  return Object.assign(endpoint, { records, checks });
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Beside the cluster's initdb when it is there (Debian: /usr/lib/postgresql/N/bin), else on PATH. */
function programPath(name: string): string {
  const dir = findPostgres();
  return dir !== undefined && existsSync(join(dir, name)) ? join(dir, name) : name;
}

/** Runs psql (or pgbench) with `args`; `input` goes to its stdin. */
export function run(
  program: 'psql' | 'pgbench',
  args: string[],
  input?: string,
  timeoutMs = 60_000,
): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      programPath(program),
      args,
      {
        encoding: 'utf8',
        timeout: timeoutMs,
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, PGCONNECT_TIMEOUT: '10', PGAPPNAME: 'gatepass-test' },
      },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** psql without ~/.psqlrc, unaligned output, no headers. */
export function psql(url: string, args: string[], input?: string): Promise<Run> {
  return run('psql', ['-X', '-q', '-A', '-t', '-d', url, ...args], input);
}

export function psqlPath(): string {
  return programPath('psql');
}

export async function client(url: string): Promise<Client> {
  const c = new Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

/** The SQLSTATE of a failed promise (node-postgres puts it on `code`). */
export async function sqlstate(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    return typeof code === 'string' ? code : `no code: ${String(message)}`;
  }
}

/** Backends of `user` other than the asking one, polled until none is left (or the time is up). */
export async function sessionsOf(
  pg: TestPostgres,
  user: string,
  untilNone = true,
): Promise<number> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const [row] = await pg.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()',
      [user],
    );
    const n = Number(row?.n ?? 0);
    if (!untilNone || n === 0 || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A raw connection to the proxy, logged in (md5, as libpq would), for messages clients do not send. */
export async function rawSession(proxy: PostgresEndpoint): Promise<RawSession> {
  const socket = connect({ host: proxy.host, port: proxy.port });
  const raw = new RawSession(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const { serialize } = await import('pg-protocol/dist/serializer.js');
  const { hashMd5Password } = await import('pg-gateway');
  socket.write(serialize.startup({ user: proxy.user, database: proxy.database }));
  const challenge = await raw.next('R');
  const salt = challenge.subarray(9, 13);
  socket.write(serialize.password(await hashMd5Password(proxy.user, proxy.password, salt)));
  await raw.next('Z');
  return raw;
}

export class RawSession {
  readonly socket: Socket;
  #buffer = Buffer.alloc(0);
  #waiters: Array<() => void> = [];
  closed = false;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** The next whole message; with `type`, messages before the first of that type are skipped. */
  async next(type?: string): Promise<Buffer> {
    for (;;) {
      while (this.#buffer.length >= 5) {
        const total = this.#buffer.readInt32BE(1) + 1;
        if (this.#buffer.length < total) break;
        const msg = this.#buffer.subarray(0, total);
        this.#buffer = this.#buffer.subarray(total);
        if (type === undefined || String.fromCharCode(msg[0] ?? 0) === type) return msg;
      }
      if (this.closed) throw new Error('connection closed');
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Message types (and error SQLSTATEs) up to and including the next ReadyForQuery. */
  async untilReady(): Promise<string[]> {
    const seen: string[] = [];
    for (;;) {
      const msg = await this.next();
      const type = String.fromCharCode(msg[0] ?? 0);
      if (type === 'E') seen.push(`E:${errorField(msg, 'C')}`);
      else if (type === 'Z') {
        seen.push(`Z:${String.fromCharCode(msg[5] ?? 0)}`);
        return seen;
      } else seen.push(type);
    }
  }
}

export function errorField(msg: Buffer, code: string): string | undefined {
  let at = 5;
  while (at < msg.length && msg[at] !== 0) {
    const end = msg.indexOf(0, at + 1);
    if (String.fromCharCode(msg[at] ?? 0) === code) return msg.toString('utf8', at + 1, end);
    at = end + 1;
  }
  return undefined;
}
