import { describe, expect, it } from '@jest/globals';
import { classifySql, targetKey, type SqlStatement } from '../../src/guardrails/sql.js';
import { KNOWN_KINDS } from '../../src/guardrails/kinds.js';

async function statements(sql: string): Promise<readonly SqlStatement[]> {
  const result = await classifySql({ sql });
  if (!result.ok) throw new Error(`expected ${sql} to parse: ${result.error}`);
  return result.statements;
}

/** Kinds of every entry, nested ones after their statement. */
async function kinds(sql: string): Promise<string[]> {
  return (await statements(sql)).map((s) => s.kind);
}

async function targets(sql: string): Promise<string[]> {
  const [first] = await statements(sql);
  return (first?.targets ?? []).map(targetKey).sort();
}

// [statement, kind of its first entry, targets (sorted)]: pg_dump output,
// migrations, psql's meta-command queries, administration.
const TABLE: [string, string, string[]][] = [
  // pg_dump
  ['SET statement_timeout = 0;', 'SET', []],
  ["SET client_encoding = 'UTF8';", 'SET', []],
  ["SELECT pg_catalog.set_config('search_path', '', false);", 'SELECT', []],
  ['SET default_table_access_method = heap;', 'SET', []],
  ['CREATE SCHEMA audit;', 'CREATE SCHEMA', []],
  ['ALTER SCHEMA audit OWNER TO app;', 'ALTER SCHEMA', []],
  ['CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;', 'CREATE EXTENSION', []],
  ["COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';", 'COMMENT', []],
  ["COMMENT ON TABLE public.users IS 'people';", 'COMMENT', ['public.users']],
  [
    'CREATE TABLE public.users (id integer NOT NULL, email text);',
    'CREATE TABLE',
    ['public.users'],
  ],
  ['ALTER TABLE public.users OWNER TO app;', 'ALTER TABLE', ['public.users']],
  [
    'CREATE SEQUENCE public.users_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;',
    'CREATE SEQUENCE',
    ['public.users_id_seq'],
  ],
  [
    'ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;',
    'ALTER SEQUENCE',
    ['public.users_id_seq'],
  ],
  [
    "ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);",
    'ALTER TABLE',
    ['public.users'],
  ],
  ['COPY public.users (id, email) FROM stdin;', 'COPY FROM STDIN', ['public.users']],
  ["SELECT pg_catalog.setval('public.users_id_seq', 42, true);", 'SELECT', []],
  [
    'ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);',
    'ALTER TABLE',
    ['public.users'],
  ],
  [
    'CREATE INDEX users_email_idx ON public.users USING btree (email);',
    'CREATE INDEX',
    ['public.users'],
  ],
  [
    'CREATE VIEW public.active_users AS SELECT id FROM public.users WHERE email IS NOT NULL;',
    'CREATE VIEW',
    ['public.active_users', 'public.users'],
  ],
  ['GRANT SELECT ON TABLE public.users TO reporting;', 'GRANT', ['public.users']],
  ['REVOKE ALL ON SCHEMA public FROM PUBLIC;', 'REVOKE', []],
  [
    'CREATE TRIGGER users_touch BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.touch();',
    'CREATE TRIGGER',
    ['public.users'],
  ],
  [
    'ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES public.users(id);',
    'ALTER TABLE',
    ['public.orders', 'public.users'],
  ],
  [
    'CREATE MATERIALIZED VIEW public.stats AS SELECT count(*) FROM public.users WITH NO DATA;',
    'CREATE MATERIALIZED VIEW',
    ['public.stats', 'public.users'],
  ],
  ['REFRESH MATERIALIZED VIEW public.stats;', 'REFRESH MATERIALIZED VIEW', ['public.stats']],
  ["CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');", 'CREATE TYPE', []],
  ["ALTER TYPE public.mood ADD VALUE 'great';", 'ALTER TYPE', []],
  ["CREATE DOMAIN public.email AS text CHECK (VALUE ~ '@');", 'CREATE DOMAIN', []],
  [
    "CREATE POLICY own_rows ON public.users USING (id = current_setting('app.user')::int);",
    'CREATE POLICY',
    ['public.users'],
  ],
  ['ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;', 'ALTER TABLE', ['public.users']],
  ['ALTER TABLE public.users REPLICA IDENTITY FULL;', 'ALTER TABLE', ['public.users']],
  // migrations
  ['BEGIN;', 'BEGIN', []],
  ['START TRANSACTION ISOLATION LEVEL SERIALIZABLE;', 'BEGIN', []],
  ['COMMIT;', 'COMMIT', []],
  ['ROLLBACK;', 'ROLLBACK', []],
  ['SAVEPOINT s1;', 'SAVEPOINT', []],
  ['RELEASE SAVEPOINT s1;', 'RELEASE SAVEPOINT', []],
  ['ROLLBACK TO SAVEPOINT s1;', 'ROLLBACK', []],
  [
    'ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now() NOT NULL;',
    'ALTER TABLE',
    ['users'],
  ],
  ['ALTER TABLE users RENAME COLUMN mail TO email;', 'ALTER TABLE', ['users']],
  ['ALTER TABLE users RENAME TO people;', 'ALTER TABLE', ['users']],
  ['ALTER VIEW v RENAME COLUMN a TO b;', 'ALTER VIEW', ['v']],
  [
    'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (lower(email));',
    'CREATE INDEX',
    ['users'],
  ],
  ['DROP INDEX CONCURRENTLY IF EXISTS users_old_idx;', 'DROP INDEX', ['users_old_idx']],
  ["INSERT INTO schema_migrations (version) VALUES ('20240101');", 'INSERT', ['schema_migrations']],
  [
    "UPDATE users SET active = true WHERE last_login > now() - interval '1 year';",
    'UPDATE',
    ['users'],
  ],
  ['DELETE FROM sessions WHERE expires_at < now();', 'DELETE', ['sessions']],
  [
    'INSERT INTO audit.log SELECT * FROM public.events WHERE id > 10 ON CONFLICT DO NOTHING;',
    'INSERT',
    ['audit.log', 'public.events'],
  ],
  [
    'MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v;',
    'MERGE',
    ['s', 't'],
  ],
  ['TRUNCATE TABLE public.sessions RESTART IDENTITY;', 'TRUNCATE', ['public.sessions']],
  [
    'DROP TABLE IF EXISTS public.tmp, "Odd"."Name" CASCADE;',
    'DROP TABLE',
    ['Odd.Name', 'public.tmp'],
  ],
  ['DROP SCHEMA legacy CASCADE;', 'DROP SCHEMA', []],
  ['DROP FUNCTION IF EXISTS public.touch();', 'DROP FUNCTION', []],
  ['DROP MATERIALIZED VIEW public.stats;', 'DROP MATERIALIZED VIEW', ['public.stats']],
  ['CREATE TABLE new_users AS SELECT * FROM users;', 'CREATE TABLE AS', ['new_users', 'users']],
  ['SELECT * INTO backup_users FROM users;', 'CREATE TABLE AS', ['backup_users', 'users']],
  ['LOCK TABLE users IN ACCESS EXCLUSIVE MODE;', 'LOCK', ['users']],
  ['VACUUM ANALYZE users;', 'VACUUM', ['users']],
  ['ANALYZE users;', 'ANALYZE', ['users']],
  ['CLUSTER users USING users_pkey;', 'CLUSTER', ['users']],
  ['REINDEX TABLE users;', 'REINDEX', ['users']],
  // roles and administration
  ['CREATE ROLE app_ro NOLOGIN;', 'CREATE ROLE', []],
  ["CREATE USER bob PASSWORD 'x';", 'CREATE ROLE', []],
  ['ALTER USER bob WITH SUPERUSER;', 'ALTER ROLE', []],
  ['ALTER ROLE bob SET search_path = app;', 'ALTER ROLE', []],
  ['DROP USER IF EXISTS bob;', 'DROP ROLE', []],
  ['GRANT admin TO bob;', 'GRANT', []],
  [
    'ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO ro;',
    'ALTER DEFAULT PRIVILEGES',
    [],
  ],
  ['SET ROLE admin;', 'SET ROLE', []],
  ['SET LOCAL ROLE admin;', 'SET ROLE', []],
  ['RESET ROLE;', 'RESET', []],
  ["SET SESSION AUTHORIZATION 'postgres';", 'SET SESSION AUTHORIZATION', []],
  ["ALTER SYSTEM SET work_mem = '64MB';", 'ALTER SYSTEM', []],
  ["LOAD 'auto_explain';", 'LOAD', []],
  ["COPY users TO '/tmp/users.csv' CSV;", 'COPY TO FILE', ['users']],
  ["COPY users FROM '/tmp/users.csv';", 'COPY FROM FILE', ['users']],
  ["COPY users FROM PROGRAM 'curl -s https://example.com';", 'COPY FROM PROGRAM', ['users']],
  ["COPY (SELECT * FROM users) TO PROGRAM 'gzip > /tmp/u.gz';", 'COPY TO PROGRAM', ['users']],
  ['COPY (SELECT * FROM users) TO STDOUT WITH CSV HEADER;', 'COPY TO STDOUT', ['users']],
  ['CALL refresh_all();', 'CALL', []],
  ['PREPARE q (int) AS SELECT * FROM users WHERE id = $1;', 'PREPARE', ['users']],
  ['EXECUTE q(1);', 'EXECUTE', []],
  ['DEALLOCATE q;', 'DEALLOCATE', []],
  ['EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM users;', 'EXPLAIN', ['users']],
  ["NOTIFY channel, 'payload';", 'NOTIFY', []],
  ['LISTEN channel;', 'LISTEN', []],
  ['DECLARE c CURSOR FOR SELECT * FROM users;', 'DECLARE CURSOR', ['users']],
  ['FETCH 10 FROM c;', 'FETCH', []],
  ['MOVE 10 IN c;', 'MOVE', []],
  ['CLOSE c;', 'CLOSE', []],
  ['SHOW search_path;', 'SHOW', []],
  ['DISCARD ALL;', 'DISCARD', []],
  ['CHECKPOINT;', 'CHECKPOINT', []],
  ['CREATE DATABASE app2;', 'CREATE DATABASE', []],
  ['DROP DATABASE app2;', 'DROP DATABASE', []],
  ['DROP OWNED BY bob;', 'DROP OWNED', []],
  ['CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw;', 'CREATE SERVER', []],
  // psql \dt, \l, \d users
  [
    "SELECT n.nspname as \"Schema\", c.relname as \"Name\" FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p','') AND n.nspname <> 'pg_catalog' AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 1,2;",
    'SELECT',
    ['pg_catalog.pg_class', 'pg_catalog.pg_namespace'],
  ],
  [
    'SELECT d.datname as "Name", pg_catalog.pg_get_userbyid(d.datdba) as "Owner" FROM pg_catalog.pg_database d ORDER BY 1;',
    'SELECT',
    ['pg_catalog.pg_database'],
  ],
  [
    "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a WHERE a.attrelid = '16384' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum;",
    'SELECT',
    ['pg_catalog.pg_attribute'],
  ],
];

describe('classifySql: kinds and targets of real statements', () => {
  it.each(TABLE)('%s → %s', async (sql, kind, expected) => {
    const [first] = await statements(sql);
    expect(first?.kind).toBe(kind);
    expect(first?.statement).toBe(0);
    expect(first?.nested).toBe(false);
    expect(await targets(sql)).toEqual(expected);
  });

  it('produces only kinds rules can name', async () => {
    for (const [sql] of TABLE) {
      for (const s of await statements(sql)) expect(KNOWN_KINDS).toContain(s.kind);
    }
  });
});

describe('classifySql: facts', () => {
  it('marks qualified targets with their schema only', async () => {
    const [first] = await statements('SELECT * FROM public.a JOIN b USING (id)');
    expect(first?.targets).toEqual([{ schema: 'public', name: 'a' }, { name: 'b' }]);
  });

  it('reads identifiers as PostgreSQL does: unquoted fold to lower case, quoted are kept', async () => {
    expect(await targets('SELECT * FROM Public.USERS')).toEqual(['public.users']);
    expect(await targets('SELECT * FROM "Public"."USERS"')).toEqual(['Public.USERS']);
    expect(await targets('SELECT * FROM U&"\\0075sers"')).toEqual(['users']);
  });

  it.each([
    ['DELETE FROM t', false],
    ['DELETE FROM t WHERE id = 1', true],
    ['DELETE FROM t WHERE true', false],
    ['UPDATE t SET a = 1 WHERE 1 = 1', false],
    ["UPDATE t SET a = 1 WHERE 'x' = 'x' OR NULL IS NULL", false],
    ['UPDATE t SET a = 1 WHERE id IN (SELECT id FROM u)', true],
    ['DELETE FROM t WHERE CURRENT OF c', true],
    ['MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE', true],
    ['MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE', false],
  ])('%s: hasWhere %s', async (sql, hasWhere) => {
    const [first] = await statements(sql);
    expect(first?.hasWhere).toBe(hasWhere);
  });

  it('has no hasWhere for other kinds', async () => {
    const [first] = await statements('SELECT 1 WHERE true');
    expect(first).not.toHaveProperty('hasWhere');
  });

  it('collects function calls anywhere, as written', async () => {
    const [first] = await statements(
      "SELECT lower(x) FROM pg_catalog.pg_read_file('/etc/passwd') AS f(x) WHERE length(x) > (SELECT max(lo_import('/x')))",
    );
    expect([...(first?.functions ?? [])].sort()).toEqual([
      'length',
      'lo_import',
      'lower',
      'max',
      'pg_catalog.pg_read_file',
    ]);
  });

  it('does not count the function being defined as a call', async () => {
    const [fn] = await statements(
      'CREATE FUNCTION pg_read_file_wrapper() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
    );
    expect(fn?.functions).toEqual([]);
  });

  it.each([
    ['CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW EXECUTE FUNCTION audit.f()', 'audit.f'],
    ['CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION f()', 'f'],
    [
      'CREATE OPERATOR === (leftarg = text, rightarg = text, function = pg_read_file)',
      'pg_read_file',
    ],
    ['ALTER OPERATOR === (text, text) SET (restrict = pg_read_file)', 'pg_read_file'],
    ['CREATE AGGREGATE a(text) (sfunc = lo_export, stype = text)', 'lo_export'],
    [
      'CREATE CAST (text AS int) WITH FUNCTION pg_catalog.pg_read_file(text)',
      'pg_catalog.pg_read_file',
    ],
    ['DROP FUNCTION public.f(int)', 'public.f'],
  ])('counts a function named for the server to call: %s', async (sql, name) => {
    const [first] = await statements(sql);
    expect(first?.functions).toContain(name);
  });

  it('does not take type names for functions', async () => {
    const [first] = await statements(
      'CREATE OPERATOR === (leftarg = text, rightarg = text, function = texteq)',
    );
    expect(first?.functions).toEqual(['texteq']);
  });

  it('leaves CTE names out of targets, in their scope only', async () => {
    expect(await targets('WITH u AS (SELECT 1) SELECT * FROM u')).toEqual([]);
    // A non-recursive CTE does not see itself: the inner `users` is the table.
    expect(await targets('WITH users AS (SELECT * FROM users) SELECT * FROM users')).toEqual([
      'users',
    ]);
    // A CTE defined inside a subquery is not in scope outside it.
    expect(
      await targets('SELECT * FROM (WITH users AS (SELECT 1) SELECT * FROM users) a, users'),
    ).toEqual(['users']);
    expect(
      await targets('WITH RECURSIVE r AS (SELECT 1 UNION SELECT * FROM r) SELECT * FROM r'),
    ).toEqual([]);
    // A qualified name is never a CTE.
    expect(await targets('WITH users AS (SELECT 1) SELECT * FROM public.users')).toEqual([
      'public.users',
    ]);
  });

  it('records the prepared name of PREPARE and EXECUTE', async () => {
    const [prepare, inner] = await statements('PREPARE p AS DELETE FROM t');
    expect(prepare?.prepared).toBe('p');
    expect(inner).toMatchObject({ kind: 'DELETE', nested: true, hasWhere: false });
    const [execute] = await statements('EXECUTE p');
    expect(execute).toMatchObject({ kind: 'EXECUTE', prepared: 'p', analysable: false });
  });

  it('analyses EXECUTE of a statement the session prepared', async () => {
    const prepared = new Map([['p', await statements('PREPARE p AS DELETE FROM t')]]);
    const result = await classifySql({ sql: 'EXECUTE p', prepared });
    expect(result.ok && result.statements).toEqual([
      expect.objectContaining({ kind: 'EXECUTE', analysable: true, targets: [{ name: 't' }] }),
      expect.objectContaining({ kind: 'DELETE', nested: true, hasWhere: false, statement: 0 }),
    ]);
  });

  it.each([
    ['DO $$ BEGIN PERFORM 1; END $$', 'DO', "a DO block's body is not analysed"],
    ['CALL p()', 'CALL', "a called procedure's body is not analysed"],
    ['EXECUTE unseen', 'EXECUTE', 'prepared statement unseen was not seen being prepared'],
    [
      'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DROP TABLE t; END $$',
      'CREATE FUNCTION',
      'the body of a function in language plpgsql is not analysed',
    ],
    [
      "CREATE PROCEDURE p() LANGUAGE c AS 'evil.so', 'entry'",
      'CREATE PROCEDURE',
      'the body of a function in language c is not analysed',
    ],
    [
      "SELECT query_to_xml('DELETE FROM t RETURNING 1', true, false, '')",
      'SELECT',
      'query_to_xml runs SQL given as text, which is not analysed',
    ],
    [
      'SELECT set_config(name, setting, false) FROM settings',
      'SELECT',
      'set_config with a setting name computed at run time',
    ],
    [
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELEC 1 $$',
      'CREATE FUNCTION',
      'its SQL body does not parse',
    ],
  ])('%s is not analysable', async (sql, kind, because) => {
    const [first] = await statements(sql);
    expect(first).toMatchObject({ kind, analysable: false, unanalysableBecause: because });
  });
});

describe('classifySql: nested statements are classified too', () => {
  it.each([
    ['WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', ['SELECT', 'DELETE']],
    [
      'WITH d AS (UPDATE t SET a = 1 RETURNING *) INSERT INTO u SELECT * FROM d',
      ['INSERT', 'UPDATE'],
    ],
    ['EXPLAIN ANALYZE DELETE FROM t', ['EXPLAIN', 'DELETE']],
    ['EXPLAIN (ANALYZE) WITH x AS (DELETE FROM t) SELECT 1', ['EXPLAIN', 'DELETE']],
    ['PREPARE p AS UPDATE t SET a = 1', ['PREPARE', 'UPDATE']],
    ['CREATE RULE r AS ON INSERT TO t DO INSTEAD DELETE FROM u', ['CREATE RULE', 'DELETE']],
    ['CREATE RULE r AS ON SELECT TO t DO ALSO NOTIFY c', ['CREATE RULE', 'NOTIFY']],
    [
      'CREATE SCHEMA s CREATE TABLE t (a int) CREATE VIEW v AS SELECT 1',
      ['CREATE SCHEMA', 'CREATE TABLE', 'CREATE VIEW'],
    ],
    ['COPY (DELETE FROM t RETURNING *) TO STDOUT', ['COPY TO STDOUT', 'DELETE']],
    [
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'DELETE FROM t; SELECT 1'",
      ['CREATE FUNCTION', 'DELETE'],
    ],
    [
      'CREATE FUNCTION f() RETURNS int BEGIN ATOMIC DELETE FROM t; SELECT 1; END',
      ['CREATE FUNCTION', 'DELETE'],
    ],
    [
      "CREATE FUNCTION f() RETURNS int AS $b$ CREATE FUNCTION g() RETURNS int LANGUAGE sql AS 'TRUNCATE t; SELECT 1'; SELECT 1 $b$ LANGUAGE sql",
      ['CREATE FUNCTION', 'CREATE FUNCTION', 'TRUNCATE'],
    ],
    [
      'ALTER TABLE t DROP COLUMN c, ADD COLUMN d int, DROP CONSTRAINT k',
      ['ALTER TABLE', 'DROP COLUMN', 'DROP CONSTRAINT'],
    ],
    ["SELECT set_config('role', 'admin', false)", ['SELECT', 'SET ROLE']],
    [
      "SELECT pg_catalog.set_config('session_authorization', 'postgres', false)",
      ['SELECT', 'SET SESSION AUTHORIZATION'],
    ],
  ])('%s', async (sql, expected) => {
    expect(await kinds(sql)).toEqual(expected);
    for (const s of (await statements(sql)).slice(1)) expect(s.nested).toBe(true);
  });

  it('gives the enclosing statement the nested statements’ targets and functions', async () => {
    const [select] = await statements(
      "WITH d AS (DELETE FROM audit.log WHERE pg_read_file('x') = '' RETURNING *) SELECT * FROM d",
    );
    expect(select?.targets).toEqual([{ schema: 'audit', name: 'log' }]);
    expect(select?.functions).toEqual(['pg_read_file']);
  });

  it('numbers statements of a multi-statement string', async () => {
    const all = await statements('SELECT 1; WITH d AS (DELETE FROM t) SELECT 2; DROP TABLE x');
    expect(all.map((s) => [s.kind, s.statement, s.nested])).toEqual([
      ['SELECT', 0, false],
      ['SELECT', 1, false],
      ['DELETE', 1, true],
      ['DROP TABLE', 2, false],
    ]);
  });
});

describe('classifySql: what does not parse', () => {
  it.each([
    ['SELEC 1', 'syntax error at or near "SELEC"', 0],
    ['SELECT 1; DROP TABLE', 'syntax error at end of input', 20],
    ["SELECT 'unterminated", 'unterminated quoted string at or near "\'unterminated"', 7],
    ['SELECT $$ never closed', 'unterminated dollar-quoted string at or near "$$ never closed"', 7],
  ])('%s → ok: false', async (sql, error, position) => {
    expect(await classifySql({ sql })).toEqual({ ok: false, error, position });
  });

  it.each([
    'SET standard_conforming_strings = off',
    'SET standard_conforming_strings TO 0',
    "SET client_encoding = 'SJIS'",
    "SET NAMES 'GBK'",
    'SET client_encoding TO DEFAULT',
    "SELECT set_config('standard_conforming_strings', 'off', false)",
    "SELECT set_config('client_encoding', current_setting('x'), false)",
    "SELECT 1; SET LOCAL standard_conforming_strings = 'off'",
    "ALTER DATABASE app SET client_encoding = 'SJIS'",
    'ALTER ROLE ci SET standard_conforming_strings = off',
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql SET standard_conforming_strings = off AS 'SELECT 1'",
  ])('refuses %s: later statements would no longer parse as gatepass reads them', async (sql) => {
    const result = await classifySql({ sql });
    expect(result.ok).toBe(false);
  });

  it.each([
    'SET standard_conforming_strings = on',
    "SET client_encoding = 'UTF8'",
    "SET NAMES 'utf-8'",
    'RESET client_encoding',
    'ALTER ROLE ci RESET standard_conforming_strings',
    'SET search_path = off',
    'RESET ALL',
  ])('accepts %s', async (sql) => {
    expect((await classifySql({ sql })).ok).toBe(true);
  });

  it('classifies empty and comment-only strings as no statements', async () => {
    for (const sql of ['', '   ', '\n\t', '-- nothing', '/* nothing */', ';;']) {
      expect(await classifySql({ sql })).toEqual({ ok: true, statements: [] });
    }
  });

  it('leaves to the parser what counts as white space', async () => {
    // JavaScript's trim() would drop a no-break space; PostgreSQL reads it as a name.
    expect(await classifySql({ sql: '\u00a0' })).toMatchObject({ ok: false });
  });

  it('walks a deep tree to the bottom (the walk keeps its own stack)', async () => {
    const depth = 3000;
    const sql = `SELECT ${'ARRAY['.repeat(depth)}pg_read_file('x')${']'.repeat(depth)}`;
    const [first] = await statements(sql);
    expect(first?.functions).toEqual(['pg_read_file']);
  });

  it('reports what is too deep for the parser as not parsing', async () => {
    const depth = 100000;
    const result = await classifySql({ sql: `SELECT ${'('.repeat(depth)}1${')'.repeat(depth)}` });
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('memory exhausted') });
  });
});
