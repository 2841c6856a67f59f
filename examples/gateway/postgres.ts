/**
 * Just-in-time PostgreSQL roles for the reference gateway: each exchange
 * under a rule with `postgres:` creates one role with a random name and
 * password, `VALID UNTIL` the token's expiry and the rule's grants; revoking
 * the token, its expiry, or the gateway stopping drops it again.
 *
 * The password never reaches the server, a log or an error: the role gets a
 * SCRAM-SHA-256 verifier computed here (as psql's `\password` does), so not
 * even a server with `log_statement = all` can record it.
 */
import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { Pool, PoolClient } from 'pg';
import type { PostgresGrant } from './policy.js';

/** How the gateway reaches the server as an admin; the parts override the URL's. */
export interface PostgresOptions {
  /** `postgresql://USER:PASSWORD@HOST:PORT/DATABASE`. Without a password, PGPASSWORD (or ~/.pgpass) is used. */
  url?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  /** How often roles past their expiry are dropped. Default 30. */
  sweepSeconds?: number;
}

/** One issued role: the additional members of the token response. */
export interface PostgresCredential {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
  /** `postgresql://user:password@host:port/database`, each part percent-encoded. */
  url: string;
}

/** A failure the caller turns into an OAuth error. The message never holds a password. */
export class PostgresError extends Error {
  /** The server could not be reached: trying again later may work. */
  readonly unreachable: boolean;
  constructor(message: string, unreachable: boolean) {
    super(message);
    this.unreachable = unreachable;
  }
}

interface Admin {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
}

interface LiveRole {
  database: string;
  /** The first granted role inherits what the role created (see #drop). */
  owner: string | undefined;
  expiresAt: number;
}

type PgModule = typeof import('pg');
type Notify = (event: Record<string, unknown>) => void;

const pbkdf2Async = promisify(pbkdf2);
const SCRAM_ITERATIONS = 4096;
/** Connection problems: SQLSTATE class 08, shutdown / starting up, too many connections. */
const UNREACHABLE_STATES = /^(08...|57P0[1-3]|53300)$/;

/** The admin connection as options give it; throws on a malformed URL. */
export function resolveAdmin(options: PostgresOptions): Admin {
  const url = options.url === undefined ? undefined : parseAdminUrl(options.url);
  const user = options.user ?? url?.user ?? process.env.PGUSER ?? 'postgres';
  return {
    host: options.host ?? url?.host ?? 'localhost',
    port: options.port ?? url?.port ?? 5432,
    user,
    password: options.password ?? url?.password,
    database: options.database ?? url?.database ?? user,
  };
}

function parseAdminUrl(text: string): { [K in keyof Admin]: Admin[K] | undefined } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('postgres: the admin URL is not a URL; use postgresql://USER@HOST:PORT/DB');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new Error(`postgres: the admin URL must start with postgresql:// (not ${url.protocol})`);
  }
  const part = (s: string): string | undefined => (s === '' ? undefined : decodeURIComponent(s));
  return {
    host: part(url.hostname.replace(/^\[(.*)\]$/, '$1')),
    port: url.port === '' ? undefined : Number(url.port),
    user: part(url.username),
    password: part(url.password),
    database: part(url.pathname.slice(1)),
  };
}

/** `user@host:port/database`: where roles are created, without the password. */
export function describeAdmin(options: PostgresOptions): string {
  const admin = resolveAdmin(options);
  return `${admin.user}@${hostPart(admin.host)}:${admin.port}/${admin.database}`;
}

export class PostgresRoles {
  readonly #pg: PgModule;
  readonly #admin: Admin;
  readonly #pools = new Map<string, Pool>();
  readonly #live = new Map<string, LiveRole>();
  readonly #dropping = new Map<string, Promise<void>>();
  readonly #notify: Notify;
  readonly #now: () => number;
  readonly #sweeper: NodeJS.Timeout;
  readonly #creating = new Set<Promise<PostgresCredential>>();
  #closing = false;

  private constructor(
    pg: PgModule,
    admin: Admin,
    options: PostgresOptions,
    notify: Notify,
    now: () => number,
  ) {
    this.#pg = pg;
    this.#admin = admin;
    this.#notify = notify;
    this.#now = now;
    // VALID UNTIL only stops new logins: sessions opened before it stay, so expired roles are dropped.
    this.#sweeper = setInterval(
      () => {
        void this.#sweep();
      },
      (options.sweepSeconds ?? 30) * 1000,
    );
    this.#sweeper.unref();
  }

  /** Checks the options; connects only when the first role is asked for. */
  static async create(
    options: PostgresOptions,
    notify: Notify,
    now: () => number,
  ): Promise<PostgresRoles> {
    const admin = resolveAdmin(options);
    return new PostgresRoles(await import('pg'), admin, options, notify, now);
  }

  /** Creates the role in one transaction: on any failure nothing is left. */
  create(grant: PostgresGrant, expiresAt: Date, comment: string): Promise<PostgresCredential> {
    if (this.#closing) {
      return Promise.reject(new PostgresError('the gateway is stopping', true));
    }
    const creating = this.#create(grant, expiresAt, comment);
    // close() waits for these, so a role created while stopping is dropped too.
    this.#creating.add(creating);
    const done = (): void => {
      this.#creating.delete(creating);
    };
    creating.then(done, done);
    return creating;
  }

  async #create(
    grant: PostgresGrant,
    expiresAt: Date,
    comment: string,
  ): Promise<PostgresCredential> {
    const database = grant.database ?? this.#admin.database;
    const password = randomBytes(24).toString('base64url');
    const verifier = await scramVerifier(password);
    for (let attempt = 1; ; attempt++) {
      const role = `gp_${randomBytes(6).toString('hex')}`;
      const live: LiveRole = { database, owner: grant.grants[0], expiresAt: expiresAt.getTime() };
      try {
        await this.#transaction(
          database,
          createStatements(this.#pg, role, verifier, grant, expiresAt, comment),
          () => {
            // The answer to COMMIT was lost: the role may exist, so it is dropped like any other.
            this.#live.set(role, live);
          },
        );
      } catch (err) {
        if (stateOf(err) === '42710' && attempt < 3) continue; // the random name was taken
        throw this.#failure(
          'create the role',
          err,
          grant.database === undefined ? undefined : database,
        );
      }
      this.#live.set(role, live);
      return this.#credential(database, role, password);
    }
  }

  /** Ends the role's sessions and drops it; safe to call twice, or for a role already gone. */
  drop(role: string): Promise<void> {
    const pending = this.#dropping.get(role);
    if (pending !== undefined) return pending;
    const live = this.#live.get(role);
    if (live === undefined) return Promise.resolve();
    const dropping = this.#drop(role, live)
      .then(() => {
        this.#live.delete(role);
      })
      .finally(() => this.#dropping.delete(role));
    this.#dropping.set(role, dropping);
    return dropping;
  }

  /** Drops every role still there and closes the connections; throws naming the roles it could not drop. */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#sweeper);
    await Promise.allSettled([...this.#creating]);
    const roles = [...this.#live.keys()];
    const results = await Promise.allSettled(roles.map((role) => this.drop(role)));
    await Promise.all([...this.#pools.values()].map((pool) => pool.end()));
    const failed = roles.filter((_, i) => results[i]?.status === 'rejected');
    for (const role of roles.filter((r) => !failed.includes(r))) {
      this.#notify({
        event: 'postgres.role_dropped',
        postgres_role: role,
        reason: 'gateway stopped',
      });
    }
    if (failed.length > 0) {
      const first: unknown = results.find((r) => r.status === 'rejected')?.reason;
      throw new Error(
        `could not drop PostgreSQL roles ${failed.join(', ')} (${messageOf(first)}); drop them with DROP ROLE once the server is back`,
      );
    }
  }

  async #sweep(): Promise<void> {
    const now = this.#now();
    for (const [role, live] of this.#live) {
      if (live.expiresAt > now || this.#dropping.has(role)) continue;
      try {
        await this.drop(role);
        this.#notify({ event: 'postgres.role_dropped', postgres_role: role, reason: 'expired' });
      } catch {
        // The server is away: the next sweep tries again, and VALID UNTIL already refuses logins.
      }
    }
  }

  /** NOLOGIN first, so no session starts between ending the old ones and the drop. */
  async #drop(role: string, live: LiveRole): Promise<void> {
    const { escapeIdentifier } = this.#pg;
    const id = escapeIdentifier(role);
    // What the role created (a migration's tables) stays, owned by the role it was granted.
    const heir = live.owner === undefined ? 'CURRENT_USER' : escapeIdentifier(live.owner);
    try {
      await this.#transaction(live.database, [
        `ALTER ROLE ${id} NOLOGIN`,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ${this.#pg.escapeLiteral(role)}`,
        `REASSIGN OWNED BY ${id} TO ${heir}`,
        `DROP OWNED BY ${id}`,
        `DROP ROLE ${id}`,
      ]);
    } catch (err) {
      // "role gp_… does not exist": someone dropped it already (a missing heir is an error).
      if (stateOf(err) === '42704' && messageOf(err).includes(`"${role}"`)) return;
      throw this.#failure(`drop role ${role}`, err, undefined);
    }
  }

  async #transaction(
    database: string,
    statements: string[],
    commitLost?: () => void,
  ): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.#pool(database).connect();
    } catch (err) {
      // No code at all (a timeout, a hang-up): the server never answered.
      throw stateOf(err) === undefined ? Object.assign(asError(err), { unreachable: true }) : err;
    }
    let committing = false;
    try {
      await client.query('BEGIN');
      for (const statement of statements) await client.query(statement);
      committing = true;
      await client.query('COMMIT');
      client.release();
    } catch (err) {
      if (committing && isUnreachable(err)) commitLost?.();
      // A broken connection is thrown away; a healthy one goes back to the pool rolled back.
      const healthy = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      client.release(!healthy);
      throw err;
    }
  }

  #pool(database: string): Pool {
    let pool = this.#pools.get(database);
    if (pool === undefined) {
      const { host, port, user, password } = this.#admin;
      pool = new this.#pg.Pool({
        host,
        port,
        user,
        ...(password === undefined ? {} : { password }),
        database,
        max: 4,
        connectionTimeoutMillis: 5_000,
        idleTimeoutMillis: 10_000,
        allowExitOnIdle: true,
        application_name: 'gatepass-reference-gateway',
      });
      // An idle connection dropped by a restarting server must not crash the gateway.
      pool.on('error', () => undefined);
      this.#pools.set(database, pool);
    }
    return pool;
  }

  #credential(database: string, username: string, password: string): PostgresCredential {
    const { host, port } = this.#admin;
    const e = encodeURIComponent;
    return {
      host,
      port,
      database,
      username,
      password,
      url: `postgresql://${e(username)}:${e(password)}@${hostPart(host)}:${port}/${e(database)}`,
    };
  }

  /** What went wrong, and what to do about it, in one line. */
  #failure(what: string, err: unknown, database: string | undefined): PostgresError {
    const where = `${hostPart(this.#admin.host)}:${this.#admin.port}`;
    if (isUnreachable(err)) {
      return new PostgresError(
        `cannot reach PostgreSQL at ${where} to ${what} (${messageOf(err)}): start the server, or fix the gateway's --postgres`,
        true,
      );
    }
    return new PostgresError(
      `PostgreSQL at ${where} refused to ${what}: ${messageOf(err)}; ${fixFor(stateOf(err), database)}`,
      false,
    );
  }
}

function createStatements(
  pg: PgModule,
  role: string,
  verifier: string,
  grant: PostgresGrant,
  expiresAt: Date,
  comment: string,
): string[] {
  const id = pg.escapeIdentifier(role);
  const limit =
    grant.connectionLimit === undefined ? '' : ` CONNECTION LIMIT ${grant.connectionLimit}`;
  return [
    `CREATE ROLE ${id} WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS` +
      ` PASSWORD ${pg.escapeLiteral(verifier)} VALID UNTIL ${pg.escapeLiteral(expiresAt.toISOString())}${limit}`,
    ...grant.grants.map((granted) => `GRANT ${pg.escapeIdentifier(granted)} TO ${id}`),
    `COMMENT ON ROLE ${id} IS ${pg.escapeLiteral(comment)}`,
  ];
}

function fixFor(state: string | undefined, database: string | undefined): string {
  switch (state) {
    case '42704':
      return 'create that role, or fix `postgres.grants` in the policy';
    case '3D000':
      return database === undefined
        ? 'create the database, or fix the database of --postgres'
        : 'create the database, or fix `postgres.database` in the policy';
    case '28P01':
    case '28000':
      return "fix the admin user and password of the gateway's --postgres";
    case '2BP01':
      return 'it owns objects in another database: REASSIGN OWNED and DROP OWNED there, then revoke again';
    case '42501':
      return 'the admin needs CREATEROLE and ADMIN OPTION on the granted roles (or be a superuser)';
    default:
      return 'see the PostgreSQL server log';
  }
}

/** RFC 5802 / RFC 7677 stored form: the server can check the password but never sees it. */
async function scramVerifier(password: string): Promise<string> {
  const salt = randomBytes(16);
  const salted = await pbkdf2Async(password, salt, SCRAM_ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest('base64');
  const serverKey = createHmac('sha256', salted).update('Server Key').digest('base64');
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${storedKey}:${serverKey}`;
}

function hostPart(host: string): string {
  if (host.startsWith('/')) return encodeURIComponent(host); // a unix socket directory
  return host.includes(':') ? `[${host}]` : host;
}

function stateOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isUnreachable(err: unknown): boolean {
  if ((err as { unreachable?: unknown } | null)?.unreachable === true) return true;
  const code = stateOf(err);
  if (code !== undefined) return UNREACHABLE_STATES.test(code) || /^E[A-Z]+$/.test(code);
  return /Connection terminated|timeout exceeded when trying to connect/i.test(messageOf(err));
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function messageOf(err: unknown): string {
  if (err instanceof Error) {
    const code = stateOf(err);
    const text = err.message === '' && code !== undefined ? code : err.message;
    return text
      .replace(/^Error: /, '')
      .replace(/\s+/g, ' ')
      .trim();
  }
  return String(err);
}
