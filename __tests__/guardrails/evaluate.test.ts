import { describe, expect, it } from '@jest/globals';
import { classifySql, type SqlStatement } from '../../src/guardrails/sql.js';
import { evaluateSql } from '../../src/guardrails/evaluate.js';
import { DEFAULT_SQL_GUARDRAILS, parseSqlGuardrails } from '../../src/guardrails/rules.js';
import type { SqlGuardrails, Verdict } from '../../src/guardrails/types.js';

async function verdict(
  sql: string,
  guardrails: SqlGuardrails = DEFAULT_SQL_GUARDRAILS,
): Promise<Verdict> {
  return evaluateSql({ guardrails, classification: await classifySql({ sql }) });
}

function rules(value: unknown): SqlGuardrails {
  return parseSqlGuardrails({ value });
}

describe('the built-in PostgreSQL rules', () => {
  it.each([
    ['DROP TABLE public.users', 'no-drop', 'DROP TABLE public.users is denied by rule no-drop'],
    ['DROP SCHEMA app CASCADE', 'no-drop', 'DROP SCHEMA is denied by rule no-drop'],
    ['DROP INDEX i', 'no-drop', 'DROP INDEX i is denied by rule no-drop'],
    ['DROP FUNCTION f()', 'no-drop', 'DROP FUNCTION is denied by rule no-drop'],
    ['DROP DATABASE app', 'no-drop', 'DROP DATABASE is denied by rule no-drop'],
    ['DROP OWNED BY bob', 'no-drop', 'DROP OWNED is denied by rule no-drop'],
    [
      'ALTER TABLE t DROP COLUMN c',
      'no-drop',
      'in statement 1, DROP COLUMN t is denied by rule no-drop',
    ],
    ['TRUNCATE a, b', 'no-truncate', 'TRUNCATE a b is denied by rule no-truncate'],
    [
      "CREATE ROLE x LOGIN PASSWORD 'p'",
      'no-role-changes',
      'CREATE ROLE is denied by rule no-role-changes',
    ],
    ['ALTER USER x SUPERUSER', 'no-role-changes', 'ALTER ROLE is denied by rule no-role-changes'],
    ['DROP USER x', 'no-role-changes', 'DROP ROLE is denied by rule no-role-changes'],
    [
      'REASSIGN OWNED BY a TO b',
      'no-role-changes',
      'REASSIGN OWNED is denied by rule no-role-changes',
    ],
    [
      'MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE',
      'no-unbounded-writes',
      'MERGE t s without WHERE is denied by rule no-unbounded-writes',
    ],
    ['GRANT SELECT ON t TO x', 'no-grants', 'GRANT t is denied by rule no-grants'],
    ['REVOKE admin FROM x', 'no-grants', 'REVOKE is denied by rule no-grants'],
    [
      'ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO x',
      'no-grants',
      'ALTER DEFAULT PRIVILEGES is denied by rule no-grants',
    ],
    [
      "COPY t TO PROGRAM 'sh'",
      'no-server-copy',
      'COPY TO PROGRAM t is denied by rule no-server-copy',
    ],
    [
      "COPY t FROM '/etc/passwd'",
      'no-server-copy',
      'COPY FROM FILE t is denied by rule no-server-copy',
    ],
    [
      'CREATE EXTENSION plpython3u',
      'no-extensions',
      'CREATE EXTENSION is denied by rule no-extensions',
    ],
    [
      "ALTER SYSTEM SET shared_preload_libraries = 'x'",
      'no-alter-system',
      'ALTER SYSTEM is denied by rule no-alter-system',
    ],
    ["LOAD '/tmp/x.so'", 'no-load', 'LOAD is denied by rule no-load'],
    // Without HANDLER, the grammar makes CREATE LANGUAGE a CREATE EXTENSION.
    [
      'CREATE LANGUAGE plperlu',
      'no-extensions',
      'CREATE EXTENSION is denied by rule no-extensions',
    ],
    [
      'CREATE LANGUAGE plsample HANDLER plsample_call_handler',
      'no-extensions',
      'CREATE LANGUAGE is denied by rule no-extensions',
    ],
    ['SET ROLE postgres', 'no-set-role', 'SET ROLE is denied by rule no-set-role'],
    [
      'SET SESSION AUTHORIZATION postgres',
      'no-set-role',
      'SET SESSION AUTHORIZATION is denied by rule no-set-role',
    ],
    [
      "SELECT set_config('role', 'postgres', false)",
      'no-set-role',
      'in statement 1, SET ROLE is denied by rule no-set-role',
    ],
    [
      'DELETE FROM t',
      'no-unbounded-writes',
      'DELETE t without WHERE is denied by rule no-unbounded-writes',
    ],
    [
      'UPDATE t SET a = 1 WHERE 1 = 1',
      'no-unbounded-writes',
      'UPDATE t without WHERE is denied by rule no-unbounded-writes',
    ],
    [
      "SELECT pg_read_file('/etc/passwd')",
      'no-server-functions',
      'SELECT calling pg_read_file is denied by rule no-server-functions',
    ],
    [
      "SELECT * FROM pg_catalog.pg_ls_dir('/')",
      'no-server-functions',
      'SELECT calling pg_catalog.pg_ls_dir is denied by rule no-server-functions',
    ],
    [
      "SELECT lo_import('/etc/shadow')",
      'no-server-functions',
      'SELECT calling lo_import is denied by rule no-server-functions',
    ],
    [
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity',
      'no-server-functions',
      'SELECT pg_stat_activity calling pg_terminate_backend is denied by rule no-server-functions',
    ],
    [
      "SELECT dblink_exec('dbname=app', 'DROP TABLE users')",
      'no-server-functions',
      'SELECT calling dblink_exec is denied by rule no-server-functions',
    ],
  ])('%s is denied by %s', async (sql, rule, reason) => {
    expect(await verdict(sql)).toMatchObject({ action: 'deny', rule, reason });
  });

  it.each([
    [
      "DO $$ BEGIN EXECUTE 'DROP TABLE t'; END $$",
      "DO (a DO block's body is not analysed) is held for review by rule review-unanalysable",
    ],
    [
      'CALL nightly()',
      "CALL (a called procedure's body is not analysed) is held for review by rule review-unanalysable",
    ],
    [
      'EXECUTE p(1)',
      'EXECUTE (prepared statement p was not seen being prepared) is held for review by rule review-unanalysable',
    ],
    [
      'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN END $$',
      'CREATE FUNCTION (the body of a function in language plpgsql is not analysed) is held for review by rule review-unanalysable',
    ],
  ])('%s is held for review', async (sql, reason) => {
    expect(await verdict(sql)).toEqual({
      action: 'review',
      rule: 'review-unanalysable',
      reason,
      kinds: [expect.any(String)],
      statement: 0,
    });
  });

  it.each([
    "CREATE FOREIGN TABLE f (line text) SERVER files OPTIONS (program 'id')",
    'CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw',
    "CREATE USER MAPPING FOR CURRENT_USER SERVER remote OPTIONS (password 'x')",
    'IMPORT FOREIGN SCHEMA public FROM SERVER remote INTO staging',
    "CREATE SUBSCRIPTION s CONNECTION 'host=elsewhere' PUBLICATION p",
  ])('%s is held for review: foreign data reaches outside the database', async (sql) => {
    expect(await verdict(sql)).toMatchObject({ action: 'review', rule: 'review-foreign-data' });
  });

  it.each([
    'SELECT * FROM users WHERE id = 1',
    "INSERT INTO users (email) VALUES ('a@example.com')",
    'UPDATE users SET active = false WHERE id = 7',
    'DELETE FROM sessions WHERE expires_at < now()',
    'MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v',
    'CREATE TABLE t (a int)',
    'ALTER TABLE t ADD COLUMN b int',
    'ALTER TABLE t REPLICA IDENTITY FULL',
    'CREATE INDEX CONCURRENTLY i ON t (a)',
    'BEGIN; INSERT INTO t VALUES (1); COMMIT',
    'COPY t FROM STDIN',
    'COPY (SELECT * FROM t) TO STDOUT',
    "SELECT pg_catalog.set_config('search_path', '', false)",
    'RESET ROLE',
    'EXPLAIN SELECT * FROM t',
    'PREPARE q AS SELECT * FROM t WHERE id = $1',
    'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
  ])('%s is allowed', async (sql) => {
    expect((await verdict(sql)).action).toBe('allow');
  });

  it('denies what does not parse, whatever the rules say', async () => {
    const allowAll = rules({ defaults: false, rules: [{ name: 'everything', action: 'allow' }] });
    expect(await verdict('SELEC 1', allowAll)).toEqual({
      action: 'deny',
      rule: 'unparseable-sql',
      reason: 'the SQL does not parse at character 1, so it is denied by rule unparseable-sql',
      kinds: [],
    });
    expect(await verdict('SET standard_conforming_strings = off', allowAll)).toEqual({
      action: 'deny',
      rule: 'unparseable-sql',
      reason:
        'the SQL cannot be checked: it sets standard_conforming_strings, which would change how later statements parse, so it is denied by rule unparseable-sql',
      kinds: [],
    });
    expect((await verdict('SELECT 1\0; DROP TABLE t', allowAll)).reason).toBe(
      'the SQL cannot be checked: it holds a NUL character, so it is denied by rule unparseable-sql',
    );
  });

  it('keeps literals out of reasons', async () => {
    const { reason } = await verdict("SELECT pg_read_file('/home/ci/.secret-token-123')");
    expect(reason).not.toContain('secret');
    const parse = await verdict("SELECT 'secret-token-123");
    expect(parse.reason).not.toContain('secret');
  });
});

describe('semantics', () => {
  it('lets a user rule named like a built-in one relax it', async () => {
    const relaxed = rules({ rules: [{ name: 'no-truncate', action: 'allow' }] });
    expect(await verdict('TRUNCATE t', relaxed)).toMatchObject({
      action: 'allow',
      rule: 'no-truncate',
      reason: 'TRUNCATE t is allowed by rule no-truncate',
    });
    // Only TRUNCATE: the other built-in rules still hold.
    expect((await verdict('DROP TABLE t', relaxed)).action).toBe('deny');
  });

  it('evaluates user rules before the built-in ones: first match wins per statement', async () => {
    const review = rules({
      rules: [{ name: 'drops-need-a-human', action: 'review', statements: ['DROP TABLE'] }],
    });
    expect(await verdict('DROP TABLE t', review)).toMatchObject({
      action: 'review',
      rule: 'drops-need-a-human',
    });
    expect(await verdict('DROP VIEW v', review)).toMatchObject({ action: 'deny', rule: 'no-drop' });
  });

  it('takes the most restrictive verdict of a multi-statement string, naming that statement', async () => {
    const v = await verdict('SELECT 1; CALL p(); DROP TABLE t; TRUNCATE u');
    expect(v).toEqual({
      action: 'deny',
      rule: 'no-drop',
      reason: 'statement 3: DROP TABLE t is denied by rule no-drop',
      kinds: ['SELECT', 'CALL', 'DROP TABLE', 'TRUNCATE'],
      statement: 2,
    });
    const review = await verdict('SELECT 1; CALL p()');
    expect(review).toMatchObject({ action: 'review', statement: 1 });
    expect(review.reason).toMatch(/^statement 2: CALL/);
  });

  it('names an allowed multi-statement string by count', async () => {
    expect(await verdict('SELECT 1; SELECT 2')).toEqual({
      action: 'allow',
      reason: '2 statements are allowed: no rule matched',
      kinds: ['SELECT'],
    });
    expect(await verdict('')).toEqual({
      action: 'allow',
      reason: 'an empty query is allowed',
      kinds: [],
    });
  });

  it('matches a deny rule on any table the statement may touch, in any case and schema', async () => {
    const guard = rules({
      defaults: false,
      rules: [{ name: 'no-audit', action: 'deny', tables: ['audit.*'] }],
    });
    expect((await verdict('SELECT * FROM audit.log', guard)).action).toBe('deny');
    expect((await verdict('SELECT * FROM "AUDIT"."Log"', guard)).action).toBe('deny');
    expect((await verdict('SELECT * FROM public.t JOIN audit.log USING (id)', guard)).action).toBe(
      'deny',
    );
    // Unqualified: the search path may well resolve it into audit.
    expect((await verdict('SELECT * FROM log', guard)).action).toBe('deny');
    expect((await verdict('SELECT * FROM public.log', guard)).action).toBe('allow');
  });

  it('matches an allow rule only on what every table surely is', async () => {
    const guard = rules({
      rules: [
        { name: 'reads-on-app', action: 'allow', statements: ['SELECT'], tables: ['app.*'] },
        { name: 'others-reviewed', action: 'review' },
      ],
    });
    expect((await verdict('SELECT * FROM app.users', guard)).action).toBe('allow');
    expect(
      (await verdict('SELECT * FROM app.users JOIN billing.cards USING (id)', guard)).action,
    ).toBe('review');
    expect((await verdict('SELECT * FROM users', guard)).action).toBe('review');
    expect((await verdict('SELECT * FROM "APP".users', guard)).action).toBe('review');
  });

  it('matches an allow rule on functions only when every called function is listed', async () => {
    const guard = rules({
      rules: [{ name: 'may-cancel', action: 'allow', functions: ['pg_cancel_backend'] }],
    });
    expect((await verdict('SELECT pg_cancel_backend(42)', guard)).action).toBe('allow');
    expect(await verdict('SELECT pg_cancel_backend(42), pg_read_file($1)', guard)).toMatchObject({
      action: 'deny',
      rule: 'no-server-functions',
    });
  });

  it('matches function patterns with a schema against qualified calls, bare ones against any schema', async () => {
    const guard = rules({
      defaults: false,
      rules: [
        { name: 'no-crypt', action: 'deny', functions: ['pgcrypto.*'] },
        { name: 'no-sleep', action: 'deny', functions: ['pg_sleep'] },
      ],
    });
    expect((await verdict('SELECT pgcrypto.digest($1)', guard)).rule).toBe('no-crypt');
    expect((await verdict('SELECT digest($1)', guard)).rule).toBe('no-crypt');
    expect((await verdict('SELECT pg_catalog.pg_sleep(1)', guard)).rule).toBe('no-sleep');
    expect((await verdict('SELECT public.now()', guard)).action).toBe('allow');
  });

  it('reviews unbounded writes to chosen tables when a user asks', async () => {
    const guard = rules({
      rules: [
        {
          name: 'wide-writes',
          action: 'review',
          statements: ['UPDATE', 'DELETE'],
          tables: ['public.orders'],
          'without-where': true,
        },
      ],
    });
    expect(await verdict('DELETE FROM public.orders', guard)).toMatchObject({
      action: 'review',
      reason: 'DELETE public.orders without WHERE is held for review by rule wide-writes',
    });
    expect((await verdict('DELETE FROM public.carts', guard)).rule).toBe('no-unbounded-writes');
    expect((await verdict('DELETE FROM public.orders WHERE id = 1', guard)).action).toBe('allow');
  });

  it('applies a rule with no conditions to every statement', async () => {
    const guard = rules({ rules: [{ name: 'read-only', action: 'deny' }] });
    expect((await verdict('SELECT 1', guard)).rule).toBe('read-only');
  });

  it('sees nested statements: a denied statement inside an allowed one denies the string', async () => {
    const allowSelects = rules({
      rules: [{ name: 'selects', action: 'allow', statements: ['SELECT'] }],
    });
    expect(
      await verdict('WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', allowSelects),
    ).toMatchObject({
      action: 'deny',
      rule: 'no-unbounded-writes',
      reason: 'in statement 1, DELETE t without WHERE is denied by rule no-unbounded-writes',
    });
  });

  it('evaluates a classification built by hand (the proxy may cache them)', () => {
    const statement: SqlStatement = {
      kind: 'DROP TABLE',
      statement: 0,
      nested: false,
      targets: [{ schema: 'public', name: 'users' }],
      functions: [],
      analysable: true,
    };
    expect(
      evaluateSql({
        guardrails: DEFAULT_SQL_GUARDRAILS,
        classification: { ok: true, statements: [statement] },
      }).reason,
    ).toBe('DROP TABLE public.users is denied by rule no-drop');
  });
});
