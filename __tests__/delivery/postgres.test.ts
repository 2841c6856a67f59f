/**
 * The data-path PostgreSQL proxy against a real PostgreSQL, with the clients
 * a job uses: psql (simple protocol), node-postgres (extended), raw sockets
 * for what clients rarely send.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import fc from 'fast-check';
import { hashMd5Password } from 'pg-gateway';
import { serialize } from 'pg-protocol/dist/serializer.js';
import type { TestPostgres } from '../helpers/postgres.js';
import { startPostgres } from '../helpers/postgres.js';
import {
  client,
  createRole,
  psql,
  psqlPath,
  RawSession,
  rawSession,
  sessionsOf,
  sqlstate,
  startProxy,
  type Role,
  type TestProxy,
} from './postgres-proxy.js';

let pg: TestPostgres;
let role: Role;
let proxy: TestProxy;

beforeAll(async () => {
  pg = await startPostgres();
  role = await createRole(pg);
  proxy = await startProxy(pg, role);
}, 120_000);

afterAll(async () => {
  await proxy.close();
  await pg.stop();
});

describe('psql through the proxy (simple protocol)', () => {
  test('runs statements, several in one Query, and records each Query', async () => {
    const before = proxy.records.length;
    const out = await psql(proxy.url, [
      '-c',
      'CREATE TABLE IF NOT EXISTS t_simple (id int PRIMARY KEY, name text); INSERT INTO t_simple VALUES (1, $$one$$), (2, $$two$$)',
      '-c',
      'SELECT name FROM t_simple ORDER BY id',
    ]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout.trim().split('\n')).toEqual(['one', 'two']);
    const records = proxy.records.slice(before);
    expect(records.map((r) => [r.protocol, r.outcome, r.commandTag, r.rows])).toEqual([
      ['simple', 'ok', 'CREATE TABLE; INSERT 0 2', 2],
      ['simple', 'ok', 'SELECT 2', 2],
    ]);
    expect(records[0]?.sql).toContain('INSERT INTO t_simple');
    expect(records[0]?.kinds).toEqual(['other']);
    expect(records[0]?.session).toBeGreaterThan(0);
    expect(records[0]?.durationMs).toBeGreaterThanOrEqual(0);
  });

  test('a blocked statement is a 42501 error naming the rule, and the session goes on', async () => {
    const out = await psql(proxy.url, ['-c', 'DROP TABLE t_simple', '-c', 'SELECT 41 + 1']);
    expect(out.stderr).toContain('ERROR:  gatepass: DROP denied by rule no-drop');
    expect(out.stderr).not.toContain('CONTEXT');
    expect(out.stdout.trim()).toBe('42');
    const blocked = proxy.records.filter((r) => r.outcome === 'blocked');
    expect(blocked.at(-1)).toMatchObject({
      sql: 'DROP TABLE t_simple',
      rule: 'no-drop',
      sqlstate: '42501',
      protocol: 'simple',
    });
    const [exists] = await pg.query<{ t: string | null }>(
      "SELECT to_regclass('t_simple')::text AS t",
    );
    expect(exists?.t).toBe('t_simple');
  });

  test('in a transaction, a blocked statement fails it: COMMIT rolls the INSERT back', async () => {
    await psql(proxy.url, ['-c', 'CREATE TABLE IF NOT EXISTS t_tx (id int)']);
    const out = await psql(proxy.url, [
      ...['-c', 'BEGIN', '-c', 'INSERT INTO t_tx VALUES (1)', '-c', 'DROP TABLE t_tx'],
      ...['-c', 'SELECT 1', '-c', 'COMMIT', '-c', 'SELECT count(*) FROM t_tx'],
    ]);
    expect(out.stderr).toContain('ERROR:  gatepass: DROP denied by rule no-drop');
    expect(out.stderr).toContain('ERROR:  current transaction is aborted');
    expect(out.stdout.trim()).toBe('0');
  });

  test('ROLLBACK TO SAVEPOINT recovers from a blocked statement, as from any error', async () => {
    await psql(proxy.url, ['-c', 'CREATE TABLE IF NOT EXISTS t_save (id int)']);
    const out = await psql(proxy.url, [
      ...['-c', 'BEGIN', '-c', 'INSERT INTO t_save VALUES (1)', '-c', 'SAVEPOINT s'],
      ...['-c', 'DROP TABLE t_save', '-c', 'ROLLBACK TO SAVEPOINT s', '-c', 'COMMIT'],
      ...['-c', 'SELECT count(*) FROM t_save'],
    ]);
    expect(out.stderr).toContain('gatepass: DROP denied by rule no-drop');
    expect(out.stdout.trim()).toBe('1');
  });

  test('a multi-statement Query with a blocked part runs none of it', async () => {
    await psql(proxy.url, ['-c', 'CREATE TABLE IF NOT EXISTS t_multi (id int)']);
    const out = await psql(proxy.url, [
      '-c',
      'INSERT INTO t_multi VALUES (1); DROP TABLE t_multi',
      '-c',
      'SELECT count(*) FROM t_multi',
    ]);
    expect(out.stderr).toContain('gatepass: DROP denied by rule no-drop');
    expect(out.stdout.trim()).toBe('0');
  });

  test('\\copy in and out, and \\gdesc', async () => {
    await psql(proxy.url, ['-c', 'CREATE TABLE IF NOT EXISTS t_copy (id int, name text)']);
    const rows = Array.from({ length: 5000 }, (_, i) => `${i}\tname ${i}`).join('\n') + '\n';
    const copyIn = await psql(proxy.url, ['-c', '\\copy t_copy FROM STDIN'], rows);
    expect(copyIn.stderr).toBe('');
    const copyOut = await psql(proxy.url, [
      '-c',
      '\\copy (SELECT * FROM t_copy ORDER BY id) TO STDOUT',
    ]);
    expect(copyOut.stdout).toBe(rows);
    const gdesc = await psql(proxy.url, [], 'SELECT id, name FROM t_copy \\gdesc\n');
    expect(gdesc.stdout.trim().split('\n')).toEqual(['id|integer', 'name|text']);
    expect(proxy.records.some((r) => r.commandTag === 'COPY 5000' && r.rows === 5000)).toBe(true);
  });

  test('large COPY both ways (backpressure on each side), the data intact', async () => {
    await psql(proxy.url, ['-c', 'CREATE TABLE IF NOT EXISTS t_big (id int, pad text)']);
    const lines = 300_000;
    const pad = 'x'.repeat(60);
    const rows = Array.from({ length: lines }, (_, i) => `${i}\t${pad}`).join('\n') + '\n';
    const copyIn = await psql(proxy.url, ['-c', '\\copy t_big FROM STDIN'], rows);
    expect(copyIn.stderr).toBe('');
    const copyOut = await psql(proxy.url, [
      '-c',
      '\\copy (SELECT * FROM t_big ORDER BY id) TO STDOUT',
    ]);
    expect(copyOut.stdout.length).toBe(rows.length);
    expect(copyOut.stdout === rows).toBe(true);
    const sum = await psql(proxy.url, ['-c', 'SELECT sum(id) FROM t_big']);
    expect(sum.stdout.trim()).toBe(String((lines * (lines - 1)) / 2));
  }, 60_000);

  test('NOTICE, NOTIFY and ParameterStatus reach the client', async () => {
    const c = await client(proxy.url);
    try {
      const notices: string[] = [];
      const notifications: string[] = [];
      c.on('notice', (n) => notices.push(n.message ?? ''));
      c.on('notification', (n) => notifications.push(`${n.channel}:${n.payload ?? ''}`));
      await c.query('LISTEN gp_channel');
      await c.query("DO $$BEGIN RAISE NOTICE 'hello from the server'; END$$");
      await c.query("SELECT pg_notify('gp_channel', 'payload')");
      expect(notices).toEqual(['hello from the server']);
      expect(notifications).toEqual(['gp_channel:payload']);
    } finally {
      await c.end();
    }
    const raw = await rawSession(proxy);
    raw.socket.write(serialize.query("SET application_name = 'renamed'"));
    expect(await raw.untilReady()).toEqual(['C', 'S', 'Z:I']);
    raw.socket.end(serialize.end());
  });
});

describe('SQL-level prepared statements and server-side endings', () => {
  test('PREPARE is inspected with its body; EXECUTE by name runs what was allowed', async () => {
    const out = await psql(proxy.url, [
      ...[
        '-c',
        'PREPARE dropper AS DROP TABLE t_simple',
        '-c',
        'PREPARE adder(int) AS SELECT $1 + 1',
      ],
      ...['-c', 'EXECUTE adder(41)', '-c', 'EXECUTE dropper'],
    ]);
    expect(out.stderr).toContain('gatepass: DROP denied by rule no-drop');
    expect(out.stderr).toContain('prepared statement "dropper" does not exist');
    expect(out.stdout.trim()).toBe('42');
  });

  test('the server ending the session (pg_terminate_backend) reaches the client as its own FATAL', async () => {
    const c = await client(proxy.url);
    const [row] = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    await pg.query('SELECT pg_terminate_backend($1)', [row?.pid]);
    expect(await sqlstate(c.query('SELECT 1'))).not.toBe('ok');
    await c.end().catch(() => undefined);
    const after = await client(proxy.url);
    const terminated = await sqlstate(after.query('SELECT pg_terminate_backend(pg_backend_pid())'));
    expect(terminated).toBe('57P01');
    await after.end().catch(() => undefined);
  });
});

describe('node-postgres through the proxy (extended protocol)', () => {
  test('parameters, prepared statements by name, records with parameter types and no values', async () => {
    const c = await client(proxy.url);
    const before = proxy.records.length;
    try {
      const sum = await c.query<{ s: number }>('SELECT $1::int + $2::int AS s', [40, 2]);
      expect(sum.rows[0]?.s).toBe(42);
      for (const n of [1, 2, 3]) {
        const r = await c.query<{ n: number }>({
          name: 'by_name',
          text: 'SELECT $1::int * 10 AS n',
          values: [n],
        });
        expect(r.rows[0]?.n).toBe(n * 10);
      }
      const rows = await c.query('SELECT generate_series(1, 7) WHERE $1::bool', [true]);
      expect(rows.rowCount).toBe(7);
    } finally {
      await c.end();
    }
    const records = proxy.records.slice(before);
    expect(
      records.map((r) => [r.protocol, r.outcome, r.commandTag, r.rows, r.parameterTypes]),
    ).toEqual([
      ['extended', 'ok', 'SELECT 1', 1, ['0', '0']],
      ['extended', 'ok', 'SELECT 1', 1, ['0']],
      ['extended', 'ok', 'SELECT 1', 1, ['0']],
      ['extended', 'ok', 'SELECT 1', 1, ['0']],
      ['extended', 'ok', 'SELECT 7', 7, ['0']],
    ]);
    expect(records[2]?.sql).toBe('SELECT $1::int * 10 AS n');
    // No parameter value anywhere (the clock's fields could hold "40" by chance: left out).
    const withoutClock = records.map(({ time: _time, durationMs: _durationMs, ...rest }) => rest);
    expect(JSON.stringify(withoutClock)).not.toMatch(/\b40\b/);
  });

  test('a blocked statement in a transaction fails it; COMMIT answers ROLLBACK', async () => {
    const c = await client(proxy.url);
    try {
      await c.query('CREATE TABLE IF NOT EXISTS t_ext (id int)');
      await c.query('BEGIN');
      await c.query('INSERT INTO t_ext VALUES ($1)', [1]);
      const blocked = await c
        .query({ name: 'dropper', text: 'DROP TABLE t_ext' })
        .catch((err: unknown) => err);
      expect(blocked).toMatchObject({
        code: '42501',
        message: 'gatepass: DROP denied by rule no-drop',
      });
      expect(await sqlstate(c.query('SELECT $1::int', [1]))).toBe('25P02');
      const commit = await c.query('COMMIT');
      expect(commit.command).toBe('ROLLBACK');
      // A blocked statement with parameters: its Bind loses them (the stand-in has none), the error is ours.
      expect(await sqlstate(c.query('DELETE FROM t_ext WHERE id = $1 -- then DROP it', [1]))).toBe(
        '42501',
      );
      // Out of a transaction, the session goes on; the blocked name stays blocked.
      expect(await sqlstate(c.query({ name: 'dropper', text: 'DROP TABLE t_ext' }))).toBe('42501');
      const count = await c.query<{ n: string }>('SELECT count(*) AS n FROM t_ext WHERE $1', [
        true,
      ]);
      expect(count.rows[0]?.n).toBe('0');
    } finally {
      await c.end();
    }
    const [exists] = await pg.query<{ t: string | null }>("SELECT to_regclass('t_ext')::text AS t");
    expect(exists?.t).toBe('t_ext');
  });
});

describe('pipelining and held statements', () => {
  function extended(sql: string, sync = true): Buffer[] {
    return [
      serialize.parse({ text: sql }),
      serialize.bind({}),
      serialize.execute({}),
      ...(sync ? [serialize.sync()] : []),
    ];
  }

  test('a pipelined batch is answered in order, the blocked one with an error, the rest unharmed', async () => {
    const raw = await rawSession(proxy);
    raw.socket.write(
      Buffer.concat([
        ...extended('SELECT 1'),
        ...extended('DROP TABLE t_simple'),
        ...extended('SELECT 2'),
      ]),
    );
    expect(await raw.untilReady()).toEqual(['1', '2', 'D', 'C', 'Z:I']);
    expect(await raw.untilReady()).toEqual(['1', '2', 'E:42501', 'Z:I']);
    expect(await raw.untilReady()).toEqual(['1', '2', 'D', 'C', 'Z:I']);
    raw.socket.end(serialize.end());
  });

  test('one Sync for a whole transaction: the server skips from the blocked statement to Sync', async () => {
    await psql(proxy.url, ['-c', 'CREATE TABLE IF NOT EXISTS t_pipe (id int)']);
    const raw = await rawSession(proxy);
    raw.socket.write(
      Buffer.concat([
        ...extended('BEGIN', false),
        ...extended('INSERT INTO t_pipe VALUES (1)', false),
        ...extended('DROP TABLE t_pipe', false),
        ...extended('COMMIT', false),
        serialize.sync(),
      ]),
    );
    expect(await raw.untilReady()).toEqual([
      '1',
      '2',
      'C',
      '1',
      '2',
      'C',
      '1',
      '2',
      'E:42501',
      'Z:E',
    ]);
    raw.socket.write(serialize.query('COMMIT'));
    expect(await raw.untilReady()).toEqual(['C', 'Z:I']);
    raw.socket.end(serialize.end());
    const [row] = await pg.query<{ n: string }>('SELECT count(*) AS n FROM t_pipe');
    expect(row?.n).toBe('0');
  });

  test('a held statement waits for approval, later messages wait behind it, other sessions go on', async () => {
    let approve: () => void = () => undefined;
    const approved = new Promise<void>((resolve) => (approve = resolve));
    const own = await createRole(pg);
    const p = await startProxy(pg, own, {
      inspect: async (check) => {
        if (check.sql.includes('needs_approval')) await approved;
        return { allow: true, kinds: ['select'] };
      },
    });
    try {
      const held = await rawSession(p);
      held.socket.write(
        Buffer.concat([...extended("SELECT 'needs_approval'"), ...extended('SELECT 2')]),
      );
      const answers = held.untilReady();
      const other = await client(p.url);
      const quick = await other.query<{ n: number }>('SELECT 7 AS n');
      expect(quick.rows[0]?.n).toBe(7);
      await other.end();
      await new Promise((r) => setTimeout(r, 200));
      expect(p.records.filter((r) => r.sql.includes('needs_approval'))).toEqual([]);
      approve();
      expect(await answers).toEqual(['1', '2', 'D', 'C', 'Z:I']);
      expect(await held.untilReady()).toEqual(['1', '2', 'D', 'C', 'Z:I']);
      held.socket.end(serialize.end());
      expect(p.records.map((r) => r.sql)).toEqual([
        'SELECT 7 AS n',
        "SELECT 'needs_approval'",
        'SELECT 2',
      ]);
    } finally {
      await p.close();
    }
  });

  test('a client that leaves while its statement is held aborts the wait; the statement never runs', async () => {
    const own = await createRole(pg);
    await pg.query('CREATE TABLE IF NOT EXISTS t_held (id int)');
    await pg.query(`GRANT ALL ON t_held TO ${own.user}`);
    let aborted: () => void = () => undefined;
    const wasAborted = new Promise<void>((resolve) => (aborted = resolve));
    const p = await startProxy(pg, own, {
      inspect: (check) =>
        new Promise((resolve) => {
          if (!check.sql.includes('t_held')) resolve({ allow: true, kinds: [] });
          check.signal.addEventListener('abort', () => {
            aborted();
            resolve({ allow: true, kinds: [] });
          });
        }),
    });
    try {
      const raw = await rawSession(p);
      raw.socket.write(serialize.query('INSERT INTO t_held VALUES (1)'));
      await new Promise((r) => setTimeout(r, 100));
      raw.socket.destroy();
      await wasAborted;
      await new Promise((r) => setTimeout(r, 200));
      const [row] = await pg.query<{ n: string }>('SELECT count(*) AS n FROM t_held');
      expect(row?.n).toBe('0');
      expect(await sessionsOf(pg, own.user)).toBe(0);
    } finally {
      await p.close();
    }
  });
});

describe('logins', () => {
  test('a wrong local password is 28P01, a wrong database 3D000', async () => {
    const url = new URL(proxy.url);
    url.password = 'wrong';
    expect(await pg.tryConnect(url.toString())).toBe('28P01');
    const other = new URL(proxy.url);
    other.username = 'someone';
    expect(await pg.tryConnect(other.toString())).toBe('28P01');
    const db = new URL(proxy.url);
    db.pathname = '/app';
    expect(await pg.tryConnect(db.toString())).toBe('3D000');
    expect(await pg.tryConnect(proxy.url)).toBe('ok');
  });

  test('an unreachable upstream and a wrong upstream password: SQLSTATE relayed, no secret in the message', async () => {
    const own = await createRole(pg);
    const down = await startProxy(pg, own, {
      upstream: () =>
        Promise.resolve({
          host: '127.0.0.1',
          port: 1,
          database: 'app',
          ...own,
          sslmode: 'disable',
        }),
    });
    const wrong = await startProxy(pg, own, {
      upstream: () =>
        Promise.resolve({
          host: pg.host,
          port: pg.port,
          database: 'app',
          user: own.user,
          password: 'not-the-password',
          sslmode: 'disable',
        }),
    });
    try {
      const failure = async (url: string): Promise<{ code?: string; message: string }> => {
        const c = new (await import('pg')).default.Client({ connectionString: url });
        return c.connect().then(
          () => ({ message: 'connected' }),
          (err: unknown) => err as { code?: string; message: string },
        );
      };
      const refused = await failure(down.url);
      expect(refused.code).toBe('08001');
      expect(refused.message).toContain('ECONNREFUSED');
      const denied = await failure(wrong.url);
      expect(denied.code).toBe('28P01');
      for (const text of [refused.message, denied.message]) {
        expect(text).not.toContain(own.password);
        expect(text).not.toContain('not-the-password');
        expect(text).not.toContain(own.user);
      }
    } finally {
      await down.close();
      await wrong.close();
    }
  });

  test('sslmode against a server without TLS: prefer falls back, require fails with 08001', async () => {
    const attempt = async (sslmode: 'prefer' | 'require'): Promise<string> => {
      const p = await startProxy(pg, role, {
        upstream: () =>
          Promise.resolve({ host: pg.host, port: pg.port, database: 'app', ...role, sslmode }),
      });
      try {
        return await pg.tryConnect(p.url);
      } finally {
        await p.close();
      }
    };
    expect(await attempt('prefer')).toBe('ok');
    expect(await attempt('require')).toBe('08001');
  });

  test('each new connection asks upstream() again: a refreshed role is used', async () => {
    const first = await createRole(pg);
    const second = await createRole(pg);
    let calls = 0;
    const p = await startProxy(pg, first, {
      upstream: () => {
        calls++;
        return Promise.resolve({
          host: pg.host,
          port: pg.port,
          database: 'app',
          ...(calls === 1 ? first : second),
          sslmode: 'disable',
        });
      },
    });
    try {
      const a = await psql(p.url, ['-c', 'SELECT current_user']);
      const b = await psql(p.url, ['-c', 'SELECT current_user']);
      expect([a.stdout.trim(), b.stdout.trim()]).toEqual([first.user, second.user]);
    } finally {
      await p.close();
    }
  });
});

describe('cancel requests', () => {
  test("node-postgres's key reaches the right backend", async () => {
    const c = await client(proxy.url);
    const bystander = await client(proxy.url);
    try {
      const keys = c as unknown as { processID: number; secretKey: number };
      const sleeping = sqlstate(c.query('SELECT pg_sleep(30)'));
      const idle = sqlstate(bystander.query('SELECT pg_sleep(1)'));
      await new Promise((r) => setTimeout(r, 300));
      const socket = connect({ host: proxy.host, port: proxy.port });
      socket.on('error', () => undefined);
      socket.end(serialize.cancel(keys.processID, keys.secretKey));
      const started = Date.now();
      expect(await sleeping).toBe('57014');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await idle).toBe('ok');
      // A wrong key cancels nothing.
      const again = sqlstate(c.query('SELECT pg_sleep(0.5)'));
      const wrong = connect({ host: proxy.host, port: proxy.port });
      wrong.on('error', () => undefined);
      wrong.end(serialize.cancel(keys.processID, keys.secretKey + 1));
      expect(await again).toBe('ok');
    } finally {
      await c.end();
      await bystander.end();
    }
  });

  test('a cancel while the statement waits for approval refuses it with 57014; the session goes on', async () => {
    const own = await createRole(pg);
    const checks: AbortSignal[] = [];
    const p = await startProxy(pg, own, {
      inspect: (check) => {
        if (!check.sql.includes('wait_for_me')) return Promise.resolve({ allow: true, kinds: [] });
        checks.push(check.signal);
        return new Promise(() => undefined); // a human who never answers
      },
    });
    try {
      const c = await client(p.url);
      const keys = c as unknown as { processID: number; secretKey: number };
      const waiting = c.query("SELECT 'wait_for_me'").catch((err: unknown) => err);
      await new Promise((r) => setTimeout(r, 200));
      connect({ host: p.host, port: p.port })
        .on('error', () => undefined)
        .end(serialize.cancel(keys.processID, keys.secretKey));
      expect(await waiting).toMatchObject({
        code: '57014',
        message: 'canceling statement due to user request',
      });
      expect(checks[0]?.aborted).toBe(true);
      expect((await c.query<{ n: number }>('SELECT 5 AS n')).rows[0]?.n).toBe(5);
      await c.end();
      expect(p.records.find((r) => r.sql.includes('wait_for_me'))).toMatchObject({
        outcome: 'blocked',
        rule: 'cancelled',
        sqlstate: '57014',
      });
    } finally {
      await p.close();
    }
  });

  test('psql cancels on SIGINT', async () => {
    const child = spawn(psqlPath(), ['-X', '-d', proxy.url, '-c', 'SELECT pg_sleep(30)'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise((r) => setTimeout(r, 1_000));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toContain('canceling statement due to user request');
    expect(code).not.toBe(0);
  });
});

describe('limits and startup', () => {
  test('a message over the size limit ends that session with 08P01', async () => {
    const own = await createRole(pg);
    const p = await startProxy(pg, own, { limits: { maxMessageBytes: 1024 } });
    try {
      const c = await client(p.url);
      expect(await sqlstate(c.query(`SELECT '${'x'.repeat(2000)}'`))).toBe('08P01');
      await c.end().catch(() => undefined);
      expect(await pg.tryConnect(p.url)).toBe('ok');
    } finally {
      await p.close();
    }
  });

  test('beyond maxSessions: 53300', async () => {
    const own = await createRole(pg);
    const p = await startProxy(pg, own, { limits: { maxSessions: 1 } });
    try {
      const first = await client(p.url);
      expect(await pg.tryConnect(p.url)).toBe('53300');
      await first.end();
      await new Promise((r) => setTimeout(r, 100));
      expect(await pg.tryConnect(p.url)).toBe('ok');
    } finally {
      await p.close();
    }
  });

  test('an idle session ends with 57P05; one with a statement running does not', async () => {
    const own = await createRole(pg);
    const p = await startProxy(pg, own, { limits: { idleTimeoutMs: 300 } });
    try {
      const idle = await client(p.url);
      const busy = await client(p.url);
      const ended = new Promise<string>((resolve) =>
        idle.on('error', (err) => {
          resolve((err as { code?: string }).code ?? '');
        }),
      );
      expect(await busy.query('SELECT pg_sleep(0.8)').then(() => 'ok')).toBe('ok');
      expect(await ended).toBe('57P05');
      await busy.end();
      await idle.end().catch(() => undefined);
    } finally {
      await p.close();
    }
  });

  test('SSLRequest and GSSENCRequest are answered N; a garbage startup packet gets 08P01', async () => {
    const answer = (packet: Buffer): Promise<string> =>
      new Promise((resolve) => {
        const socket = connect({ host: proxy.host, port: proxy.port });
        let got = '';
        socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
        socket.on('close', () => {
          resolve(got);
        });
        socket.on('error', () => {
          resolve(got);
        });
        socket.write(packet);
        setTimeout(() => socket.end(), 300);
      });
    const request = (code: number): Buffer => {
      const b = Buffer.alloc(8);
      b.writeInt32BE(8, 0);
      b.writeInt32BE(code, 4);
      return b;
    };
    expect(await answer(request(80877103))).toBe('N');
    expect(await answer(request(80877104))).toBe('N');
    expect(await answer(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]))).toContain('08P01');
    expect(await pg.tryConnect(proxy.url)).toBe('ok');
  });

  test('startup settings other than formatting do not reach the server (they would escape inspection)', async () => {
    const url = new URL(proxy.url);
    url.searchParams.set('options', '-c search_path=elsewhere');
    url.searchParams.set('application_name', 'named');
    const out = await psql(url.toString(), [
      '-c',
      'SELECT current_setting($$search_path$$), current_setting($$application_name$$)',
    ]);
    expect(out.stdout.trim()).toBe('"$user", public|named');
  });

  test('changing client_encoding or standard_conforming_strings ends the session (inspection reads UTF-8, standard strings)', async () => {
    for (const set of ["SET client_encoding = 'SJIS'", 'SET standard_conforming_strings = off']) {
      const c = await client(proxy.url);
      expect(await sqlstate(c.query(set))).toBe('0A000');
      expect(await sqlstate(c.query('SELECT 1'))).not.toBe('ok');
      await c.end().catch(() => undefined);
    }
    const own = await createRole(pg);
    await pg.query(`ALTER ROLE ${own.user} SET standard_conforming_strings = off`);
    const p = await startProxy(pg, own);
    try {
      expect(await pg.tryConnect(p.url)).toBe('0A000');
    } finally {
      await p.close();
    }
  });

  test('aborting the signal closes the proxy', async () => {
    const own = await createRole(pg);
    const controller = new AbortController();
    const p = await startProxy(pg, own, { signal: controller.signal });
    const c = await client(p.url);
    const ended = new Promise<string>((resolve) =>
      c.on('error', (err) => {
        resolve((err as { code?: string }).code ?? '');
      }),
    );
    controller.abort();
    expect(await ended).toBe('57P01');
    expect(await sessionsOf(pg, own.user)).toBe(0);
    expect(await pg.tryConnect(p.url)).toMatch(/ECONNREFUSED/);
    await c.end().catch(() => undefined);
  });
});

describe('close()', () => {
  test('ends active sessions with FATAL 57P01 and leaves no backend behind', async () => {
    const own = await createRole(pg);
    const p = await startProxy(pg, own);
    const a = await client(p.url);
    const b = await client(p.url);
    const errors: string[] = [];
    a.on('error', (err) => errors.push((err as { code?: string }).code ?? 'none'));
    expect(await sessionsOf(pg, own.user, false)).toBe(2);
    const sleeping = sqlstate(b.query('SELECT pg_sleep(30)'));
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await p.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await sleeping).toBe('57P01');
    expect(await sessionsOf(pg, own.user)).toBe(0);
    await a.end().catch(() => undefined);
    await b.end().catch(() => undefined);
    expect(errors[0]).toBe('57P01');
  });
});

describe('raw protocol', () => {
  test('a malformed message ends that session with 08P01; the proxy lives on', async () => {
    const raw = await rawSession(proxy);
    raw.socket.write(Buffer.from([0x51, 0, 0, 0, 2])); // Query with a length below 4
    const fatal = await raw.next('E');
    expect(fatal.toString()).toContain('08P01');
    const out = await psql(proxy.url, ['-c', 'SELECT 1']);
    expect(out.stdout.trim()).toBe('1');
  });

  test('a client that sends its first query with its password, not waiting, is served', async () => {
    const socket = connect({ host: proxy.host, port: proxy.port });
    const raw = new RawSession(socket);
    socket.write(serialize.startup({ user: proxy.user, database: proxy.database }));
    const challenge = await raw.next('R');
    const hash = await hashMd5Password(proxy.user, proxy.password, challenge.subarray(9, 13));
    socket.write(Buffer.concat([serialize.password(hash), serialize.query('SELECT 1')]));
    expect(await raw.untilReady()).toEqual([
      'R',
      'S',
      'S',
      'S',
      'S',
      'S',
      'S',
      'S',
      'S',
      'S',
      'S',
      'S',
      'S',
      'S',
      'K',
      'Z:I',
    ]);
    expect(await raw.untilReady()).toEqual(['T', 'D', 'C', 'Z:I']);
    socket.end(serialize.end());
  });

  test('Describe and Close of a named statement', async () => {
    const raw = await rawSession(proxy);
    raw.socket.write(
      Buffer.concat([
        serialize.parse({ name: 'named', text: 'SELECT $1::int AS n', types: [23] }),
        serialize.describe({ type: 'S', name: 'named' }),
        serialize.close({ type: 'S', name: 'named' }),
        serialize.sync(),
      ]),
    );
    expect(await raw.untilReady()).toEqual(['1', 't', 'T', '3', 'Z:I']);
    raw.socket.write(
      Buffer.concat([serialize.bind({ statement: 'named', values: ['1'] }), serialize.sync()]),
    );
    expect(await raw.untilReady()).toEqual(['E:26000', 'Z:I']);
    raw.socket.end(serialize.end());
  });

  test('a client that says nothing is cut off after the handshake timeout', async () => {
    const own = await createRole(pg);
    const p = await startProxy(pg, own, { limits: { handshakeTimeoutMs: 200 } });
    try {
      const socket = connect({ host: p.host, port: p.port });
      socket.on('error', () => undefined);
      const started = Date.now();
      await new Promise((resolve) => socket.on('close', resolve));
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await p.close();
    }
  });

  test('random client messages never bring the proxy down', async () => {
    const types = ['Q', 'P', 'B', 'E', 'D', 'C', 'S', 'H', 'd', 'c', 'f', 'F', 'p', 'Z', '\0'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...types), fc.uint8Array({ maxLength: 40 })), {
          minLength: 1,
          maxLength: 8,
        }),
        async (messages) => {
          const raw = await rawSession(proxy);
          const bytes = messages.map(([type, body]) => {
            const header = Buffer.alloc(5);
            header.write(type, 0, 'latin1');
            header.writeInt32BE(body.length + 4, 1);
            return Buffer.concat([header, Buffer.from(body)]);
          });
          raw.socket.write(Buffer.concat([...bytes, serialize.sync()]));
          await new Promise((r) => setTimeout(r, 30));
          raw.socket.destroy();
        },
      ),
      { numRuns: 40 },
    );
    expect(await pg.tryConnect(proxy.url)).toBe('ok');
    // Every one of those sessions' backends is gone too.
    expect(await sessionsOf(pg, role.user)).toBe(0);
  }, 60_000);

  test('FunctionCall is refused with 42501', async () => {
    const raw = await rawSession(proxy);
    const body = Buffer.alloc(4 + 2 + 2 + 2);
    body.writeUInt32BE(1598, 0); // random() by OID
    const msg = Buffer.concat([Buffer.from('F'), Buffer.from([0, 0, 0, 4 + body.length]), body]);
    msg.writeInt32BE(4 + body.length, 1);
    raw.socket.write(msg);
    expect(await raw.untilReady()).toEqual(['E:42501', 'Z:I']);
    raw.socket.end(serialize.end());
  });
});
