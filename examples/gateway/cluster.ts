/**
 * A throwaway PostgreSQL cluster for the tests and `npm start`: `initdb` in a fresh temporary
 * directory, `pg_ctl start` on 127.0.0.1 (a free port) and a unix socket in
 * that directory, an admin role with a password, a database `app` and a
 * `migrator` role that may create tables in it. Password authentication
 * (SCRAM) over TCP, so a wrong or dropped password really fails.
 *
 * initdb refuses to run as root: as root (CI) the cluster runs as the
 * `postgres` user that Debian's postgresql package creates.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';

export interface TestPostgres {
  /** The server's version, e.g. "15.18". */
  version: string;
  host: string;
  port: number;
  /** The directory of the unix socket (and of everything else). */
  dir: string;
  admin: { user: string; password: string };
  /** postgresql://admin:password@127.0.0.1:port/postgres */
  adminUrl: string;
  /** As the admin, in `app`. */
  query<R extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Names of the roles that start with `gp_`. */
  gatewayRoles(): Promise<string[]>;
  /** "ok", or the SQLSTATE (or message) of the failed login. */
  tryConnect(url: string): Promise<string>;
  /** Stop and start the server again on the same port (`pg_ctl stop -m fast` / `start`). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

const ADMIN = 'gp_admin';
const INSTALL = 'install PostgreSQL (Debian: apt-get install postgresql)';

export async function startPostgres(): Promise<TestPostgres> {
  const bin = serverPrograms();
  const owner = clusterOwner();
  const dir = mkdtempSync(join(tmpdir(), 'gatepass-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(18).toString('base64url');
  writeFileSync(join(dir, 'pwfile'), `${password}\n`);
  if (owner !== undefined)
    for (const path of [dir, join(dir, 'pwfile')]) chownSync(path, owner.uid, owner.gid);
  const run = (program: string, args: string[]): Promise<string> =>
    runAs(owner, join(bin, program), args, dir);
  try {
    await run('initdb', [
      ...['-D', data, '-U', ADMIN, `--pwfile=${join(dir, 'pwfile')}`],
      ...['--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C'],
      ...['--no-sync', '--no-instructions'],
    ]);
    const port = await startServer(run, data, dir);
    const pg = cluster({ dir, data, port, password, run });
    await pg.setUp();
    return pg.api;
  } catch (err) {
    await run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The directory of initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/<version>/bin. */
export function findPostgres(): string | undefined {
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [];
  const dirs = [...(process.env.PATH ?? '').split(':').filter((d) => d !== ''), ...versions];
  return dirs.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
}

function serverPrograms(): string {
  const found = findPostgres();
  if (found === undefined) {
    throw new Error(
      `the PostgreSQL tests need initdb and pg_ctl, found neither on PATH nor in /usr/lib/postgresql/*/bin: ${INSTALL}`,
    );
  }
  return found;
}

/** As root, the `postgres` user; otherwise ourselves (undefined). */
function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string): number =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error(
      `running as root, and initdb refuses root: there is no \`postgres\` user to run PostgreSQL as; ${INSTALL}, which creates it`,
    );
  }
}

function runAs(
  owner: { uid: number } | undefined,
  program: string,
  args: string[],
  cwd: string,
): Promise<string> {
  const [file, argv] =
    owner === undefined ? [program, args] : ['runuser', ['-u', 'postgres', '--', program, ...args]];
  return new Promise((resolve, reject) => {
    // cwd: the server user must be able to enter it (initdb fails in a directory it cannot read).
    execFile(file, argv, { cwd, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      if (err === null) resolve(stdout);
      else reject(new Error(`${program} ${args[0] ?? ''} failed: ${stderr.trim() || err.message}`));
    });
  });
}

/** Tries a few free ports: another process may take the one we found first. */
async function startServer(
  run: (program: string, args: string[]) => Promise<string>,
  data: string,
  dir: string,
  fixedPort?: number,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await freePort());
    const settings = [
      `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir}`,
      '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
    ].join(' ');
    try {
      await run('pg_ctl', [
        '-D',
        data,
        '-l',
        join(dir, 'server.log'),
        '-w',
        '-t',
        '30',
        '-o',
        settings,
        'start',
      ]);
      return port;
    } catch (err) {
      if (attempt >= 3 || fixedPort !== undefined) throw err;
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

function cluster(c: {
  dir: string;
  data: string;
  port: number;
  password: string;
  run: (program: string, args: string[]) => Promise<string>;
}): { setUp(): Promise<void>; api: TestPostgres } {
  const host = '127.0.0.1';
  const url = (database: string): string =>
    `postgresql://${ADMIN}:${c.password}@${host}:${c.port}/${database}`;
  let pool: Pool | undefined;
  const app = (): Pool => {
    if (pool === undefined) {
      pool = new Pool({ connectionString: url('app'), max: 3 });
      // A paused server drops idle connections: that is expected, not a crash.
      pool.on('error', () => undefined);
    }
    return pool;
  };
  const api: TestPostgres = {
    version: '',
    host,
    port: c.port,
    dir: c.dir,
    admin: { user: ADMIN, password: c.password },
    adminUrl: url('postgres'),
    query: async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await app().query<R>(sql, params)).rows,
    gatewayRoles: async () =>
      (
        await api.query<{ rolname: string }>(
          "SELECT rolname FROM pg_roles WHERE rolname LIKE 'gp\\_%' AND rolname <> $1 ORDER BY 1",
          [ADMIN],
        )
      ).map((r) => r.rolname),
    tryConnect: async (target) => {
      const client = new Client({ connectionString: target, connectionTimeoutMillis: 5_000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return 'ok';
      } catch (err) {
        const { code, message } = err as { code?: unknown; message?: unknown };
        return typeof code === 'string' ? code : String(message);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    pause: async () => {
      await pool?.end();
      pool = undefined;
      await c.run('pg_ctl', ['-D', c.data, '-m', 'fast', '-w', 'stop']);
    },
    resume: async () => {
      await startServer(c.run, c.data, c.dir, c.port);
    },
    stop: async () => {
      await pool?.end().catch(() => undefined);
      pool = undefined;
      await c.run('pg_ctl', ['-D', c.data, '-m', 'immediate', 'stop']).catch(() => undefined);
      rmSync(c.dir, { recursive: true, force: true });
    },
  };
  const setUp = async (): Promise<void> => {
    const admin = new Client({ connectionString: url('postgres') });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE app');
      await admin.query('CREATE ROLE migrator NOLOGIN');
    } finally {
      await admin.end();
    }
    // Since PostgreSQL 15 only the owner may create in `public`.
    await api.query('GRANT ALL ON SCHEMA public TO migrator');
    const [row] = await api.query<{ server_version: string }>('SHOW server_version');
    api.version = row?.server_version.split(' ')[0] ?? '';
  };
  return { setUp, api };
}
