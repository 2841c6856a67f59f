/**
 * The classifier against the real thing: each string below is sent to a real
 * PostgreSQL (a throwaway cluster) in one simple-protocol query, as a job
 * would send it, and what the server did (did table `t` survive?) must agree
 * with the verdict: denied exactly when the server really ran the DROP. This
 * is what "the parser sees what the server runs" means.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { classifySql } from '../../src/guardrails/sql.js';
import { evaluateSql } from '../../src/guardrails/evaluate.js';
import { DEFAULT_SQL_GUARDRAILS } from '../../src/guardrails/rules.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

let pg: TestPostgres;

beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await pg.stop();
});
beforeEach(async () => {
  await pg.query('DROP TABLE IF EXISTS t; CREATE TABLE t (a int)');
});

async function serverDropped(sql: string): Promise<boolean> {
  await pg.query(sql).catch(() => undefined); // an error aborts the whole string: nothing ran
  const rows = await pg.query<{ exists: boolean }>(
    "SELECT to_regclass('public.t') IS NOT NULL AS exists",
  );
  return rows[0]?.exists !== true;
}

async function denied(sql: string): Promise<boolean> {
  const classification = await classifySql({ sql });
  return evaluateSql({ guardrails: DEFAULT_SQL_GUARDRAILS, classification }).action === 'deny';
}

describe('verdicts agree with what PostgreSQL runs', () => {
  it.each([
    'SELECT 1; DROP TABLE t',
    'SELECT 1;DROP TABLE t',
    'select 1;\n\tdRoP\n\tTaBlE t',
    'DROP/**/TABLE/**/t',
    'DROP--x\nTABLE t',
    'SELECT 1 /* /* nested */ */; DROP TABLE t',
    "SELECT 'it''s'; DROP TABLE t",
    "SELECT '\\'; DROP TABLE t; --'",
    "SELECT E'\\\\'; DROP TABLE t",
    'SELECT $a$ x $a$; DROP TABLE t',
    'SELECT 1 AS "x"""; DROP TABLE t',
    'SELECT 1; SELECT 2; DROP TABLE IF EXISTS t CASCADE; SELECT 3',
    'CREATE SCHEMA s CREATE VIEW v AS SELECT 1; DROP TABLE t',
  ])('%s: the server drops t, gatepass denies it', async (sql) => {
    expect(await serverDropped(sql)).toBe(true);
    expect(await denied(sql)).toBe(true);
    await pg.query('DROP SCHEMA IF EXISTS s CASCADE');
  });

  it.each([
    'SELECT 1 -- ; DROP TABLE t',
    'SELECT 1 /* ; DROP TABLE t */',
    'SELECT 1 /* /* nested */ ; DROP TABLE t */',
    "SELECT '; DROP TABLE t; --'",
    "SELECT E'\\'; DROP TABLE t; --'",
    "SELECT U&'\\0027; DROP TABLE t; --'",
    'SELECT $$; DROP TABLE t; $$',
    'SELECT $a$ $$; DROP TABLE t; $$ $a$',
    'SELECT 1 AS "; DROP TABLE t"',
    "SELECT 'DROP TABLE t' AS a, $q$DROP TABLE t$q$ AS b",
  ])('%s: the server keeps t, gatepass allows it', async (sql) => {
    expect(await serverDropped(sql)).toBe(false);
    expect(await denied(sql)).toBe(false);
  });

  it('knows the server reads strings as gatepass does (standard_conforming_strings on)', async () => {
    const rows = await pg.query<{ setting: string }>(
      "SELECT current_setting('standard_conforming_strings') AS setting",
    );
    expect(rows[0]?.setting).toBe('on');
  });
});

describe('verdicts agree with PostgreSQL on generated scripts', () => {
  // None touches t: after the DROP that would fail the string, and the
  // server would roll the DROP back with it.
  const harmless = ['SELECT 1', 'SELECT 2 + 2 AS four', 'VALUES (1), (2)', 'SHOW search_path'];
  /** Between two tokens: white space or a comment that cannot end early. */
  const gap = fc.oneof(
    fc.constantFrom(' ', '\n', '\t', '\r\n'),
    fc.stringMatching(/^[a-z ;']{0,8}$/).map((text) => ` /*${text}*/ `),
    fc.stringMatching(/^[a-z ;']{0,8}$/).map((text) => ` --${text}\n`),
  );
  const disguise = (statement: string) =>
    fc
      .tuple(
        fc.array(fc.boolean(), { minLength: statement.length, maxLength: statement.length }),
        fc.array(gap, { minLength: statement.length, maxLength: statement.length }),
      )
      .map(([upper, gaps]) =>
        statement
          .split('')
          .map((c, i) => (upper[i] === true ? c.toUpperCase() : c.toLowerCase()))
          .join('')
          .split(' ')
          .map((token, i) => (i === 0 ? token : `${gaps[i] ?? ' '}${token}`))
          .join(''),
      );
  /** The DROP as a statement, or hidden where the server does not run it. */
  const drop = fc.oneof(
    disguise('DROP TABLE t').map((sql) => ({ sql, runs: true })),
    fc
      .constantFrom(
        'SELECT 1 /* ; DROP TABLE t */',
        'SELECT 1 -- ; DROP TABLE t\n',
        "SELECT '; DROP TABLE t; --'",
        'SELECT $x$; DROP TABLE t; $x$',
        'SELECT 1 AS "; DROP TABLE t"',
        "SELECT E'\\'; DROP TABLE t --'",
      )
      .map((sql) => ({ sql, runs: false })),
  );
  const script = fc
    .tuple(fc.array(fc.constantFrom(...harmless).chain(disguise), { maxLength: 3 }), drop, fc.nat())
    .map(([before, { sql, runs }, at]) => {
      const list = [...before];
      list.splice(at % (list.length + 1), 0, sql);
      return { sql: list.join(';'), runs };
    });

  it('denies a script exactly when the server drops t', async () => {
    await fc.assert(
      fc.asyncProperty(script, async ({ sql, runs }) => {
        await pg.query('DROP TABLE IF EXISTS t; CREATE TABLE t (a int)');
        const dropped = await serverDropped(sql);
        expect(dropped).toBe(runs);
        expect(await denied(sql)).toBe(dropped);
      }),
      { numRuns: 60 },
    );
  });
});
