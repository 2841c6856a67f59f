/**
 * Attempts to get a denied statement past the built-in rules: hiding it in
 * another statement, a comment, a literal, odd case or spacing. The parser
 * must see what the server will run, no more and no less.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { classifySql } from '../../src/guardrails/sql.js';
import { evaluateSql } from '../../src/guardrails/evaluate.js';
import { DEFAULT_SQL_GUARDRAILS } from '../../src/guardrails/rules.js';
import type { Verdict } from '../../src/guardrails/types.js';

async function verdict(sql: string): Promise<Verdict> {
  return evaluateSql({
    guardrails: DEFAULT_SQL_GUARDRAILS,
    classification: await classifySql({ sql }),
  });
}

describe('a denied statement is found wherever it hides', () => {
  it.each([
    'SELECT 1; DROP TABLE t',
    'SELECT 1;DROP TABLE t',
    'select 1;\n\tdRoP\n\tTaBlE t',
    'DROP/**/TABLE/**/t',
    'DROP--x\nTABLE t',
    'SELECT 1 /* /* nested */ */; DROP TABLE t',
    "SELECT 'it''s'; DROP TABLE t",
    // A standard string ends at the first quote: the backslash is just a character.
    "SELECT '\\'; DROP TABLE t; --'",
    // In an E'' string \\ is one backslash, so the quote after it ends the string.
    "SELECT E'\\\\'; DROP TABLE t",
    'SELECT $a$ x $a$; DROP TABLE t',
    'SELECT "x"""; DROP TABLE t',
    'SELECT 1; DROP TABLE t; SELECT 2',
    'WITH x AS (DELETE FROM t RETURNING 1) SELECT 1',
    'EXPLAIN ANALYZE DELETE FROM t',
    'EXPLAIN (ANALYZE, FORMAT JSON) WITH x AS (UPDATE t SET a = 1 RETURNING 1) SELECT 1',
    'PREPARE p AS DELETE FROM t',
    'CREATE RULE r AS ON INSERT TO t DO ALSO DELETE FROM u',
    'CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ DROP TABLE t $$',
    "CREATE FUNCTION f() RETURNS void LANGUAGE SQL AS 'TRUNCATE t'",
    'CREATE FUNCTION f() RETURNS void AS \'TRUNCATE t\' LANGUAGE "sql"',
    'CREATE PROCEDURE p() BEGIN ATOMIC TRUNCATE t; END',
    'CREATE SCHEMA s CREATE TABLE a (x int) CREATE VIEW v AS SELECT pg_read_file($1)',
    'COPY (SELECT 1) TO PROGRAM $$sh -c id$$',
    'COPY (DELETE FROM t RETURNING *) TO STDOUT',
    "SELECT * FROM dblink('', 'DROP TABLE t') AS x(a int)",
    "SELECT set_config('ROLE', 'postgres', false)",
    'SELECT pg_catalog."pg_read_file"($1)',
    'SELECT "PG_READ_FILE"($1)',
    'SELECT * FROM (SELECT * FROM (SELECT lo_export(1, $1)) a) b',
    'SELECT 1 WHERE EXISTS (SELECT pg_terminate_backend(1))',
    "SELECT xmlelement(name x, pg_read_file('/etc/passwd'))",
    'CREATE OPERATOR === (leftarg = text, rightarg = text, function = pg_read_file)',
    'CREATE AGGREGATE a(text) (sfunc = lo_export, stype = text)',
    'MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE',
    'DROP\u00a0TABLE t',
    'SELECT 1\u0000; DROP TABLE t',
    'SET standard_conforming_strings = off',
    "SELECT 1; SELEC 2; DROP TABLE t'",
  ])('%s is denied', async (sql) => {
    expect((await verdict(sql)).action).toBe('deny');
  });

  it.each([
    'SELECT 1 -- ; DROP TABLE t',
    'SELECT 1 /* ; DROP TABLE t */',
    'SELECT 1 /* /* nested */ ; DROP TABLE t */',
    "SELECT '; DROP TABLE t; --'",
    // An escaped quote does not end an E'' string.
    "SELECT E'\\'; DROP TABLE t; --'",
    "SELECT U&'\\0027; DROP TABLE t; --'",
    'SELECT $$; DROP TABLE t; $$',
    'SELECT $a$ $$; DROP TABLE t; $$ $a$',
    'SELECT 1 AS "; DROP TABLE t"',
    "SELECT 'pg_read_file(''/etc/passwd'')'",
    'SELECT * FROM "DROP TABLE t"',
  ])('%s is allowed: the DROP is inside a comment, literal or name', async (sql) => {
    expect((await verdict(sql)).action).toBe('allow');
  });
});

/** An identifier quoted for SQL: any text but NUL, `"` doubled. */
const quotedIdentifier = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
  .filter((s) => !s.includes('\0'))
  .map((s) => `"${s.replace(/"/g, '""')}"`);
const literal = fc
  .string({ unit: 'grapheme', maxLength: 30 })
  .filter((s) => !s.includes('\0'))
  .map((s) => `'${s.replace(/'/g, "''")}'`);

describe('properties', () => {
  it('allows any SELECT over any identifiers and literals', async () => {
    await fc.assert(
      fc.asyncProperty(
        quotedIdentifier,
        quotedIdentifier,
        quotedIdentifier,
        literal,
        async (column, schema, table, value) => {
          const sql = `SELECT ${column}, count(*) FROM ${schema}.${table} WHERE ${column} = ${value} GROUP BY 1 ORDER BY 2 DESC LIMIT 10`;
          const v = await verdict(sql);
          expect(v.action).toBe('allow');
          expect(v.kinds).toEqual(['SELECT']);
        },
      ),
      { numRuns: 200 },
    );
  });

  const harmless = [
    'SELECT 1',
    'SELECT a FROM t WHERE b = 2',
    'INSERT INTO t VALUES (1)',
    'UPDATE t SET a = 1 WHERE b = 2',
    'BEGIN',
    'COMMIT',
    'SET search_path TO app',
    'CREATE TABLE t (a int)',
  ];
  const drops = [
    'DROP TABLE t',
    'DROP TABLE IF EXISTS a, b CASCADE',
    'DROP VIEW v',
    'DROP SCHEMA s CASCADE',
    'DROP INDEX CONCURRENTLY i',
    'DROP FUNCTION f ( int )',
    'ALTER TABLE t DROP COLUMN c',
  ];
  /** Between two tokens: whitespace, or comments (whose text cannot end them early). */
  const gap = fc.oneof(
    fc.constantFrom(' ', '\n', '\t', '\r\n', '  \f '),
    fc
      .string({ maxLength: 10 })
      .filter((s) => !s.includes('*/') && !s.includes('/*') && !s.endsWith('/'))
      .map((s) => ` /*${s}*/ `),
    fc
      .string({ maxLength: 10 })
      .filter((s) => !/[\r\n\0]/.test(s))
      .map((s) => ` --${s}\n`),
  );
  /** A statement with random case and random gaps between its tokens. */
  const disguise = (statement: string) =>
    fc
      .tuple(
        fc.array(fc.boolean(), { minLength: statement.length, maxLength: statement.length }),
        fc.array(gap, { minLength: statement.length, maxLength: statement.length }),
      )
      .map(([upper, gaps]) => {
        const cased = statement
          .split('')
          .map((c, i) => (upper[i] === true ? c.toUpperCase() : c.toLowerCase()));
        return cased
          .join('')
          .split(' ')
          .map((token, i) => (i === 0 ? token : `${gaps[i] ?? ' '}${token}`))
          .join('');
      });

  it('denies any list of statements that holds a DROP, whatever the case, spacing and comments', async () => {
    const script = fc
      .tuple(
        fc.array(fc.constantFrom(...harmless).chain(disguise), { maxLength: 4 }),
        fc.constantFrom(...drops).chain(disguise),
        fc.nat(),
        fc.array(gap, { minLength: 6, maxLength: 6 }),
      )
      .map(([before, drop, at, gaps]) => {
        const list = [...before];
        list.splice(at % (list.length + 1), 0, drop);
        return list.map((s, i) => `${gaps[i % gaps.length] ?? ''}${s}`).join(';');
      });
    await fc.assert(
      fc.asyncProperty(script, async (sql) => {
        const v = await verdict(sql);
        expect(v).toMatchObject({ action: 'deny', rule: 'no-drop' });
      }),
      { numRuns: 300 },
    );
  });
});
