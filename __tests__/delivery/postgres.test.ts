/**
 * The data-path PostgreSQL proxy against a real PostgreSQL, with the clients
 * a job uses: psql (simple protocol), node-postgres (extended), raw sockets
 * for what clients rarely send.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { serialize } from 'pg-protocol/dist/serializer.js';
import type { TestPostgres } from '../helpers/postgres.js';
import { startPostgres } from '../helpers/postgres.js';
import {
  client,
  createRole,
  psql,
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
  await proxy?.close();
  await pg?.stop();
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
    expect(blocked.at(-1)).toMatchObject({ sql: 'DROP TABLE t_simple', rule: 'no-drop', sqlstate: '42501', protocol: 'simple' });
    const [exists] = await pg.query<{ t: string | null }>("SELECT to_regclass('t_simple')::text AS t");
    expect(exists?.t).toBe('t_simple');
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
    console.log('close took', Date.now() - started);
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
