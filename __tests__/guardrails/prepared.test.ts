import { describe, expect, it } from '@jest/globals';
import { classifySql } from '../../src/guardrails/sql.js';
import { evaluateSql } from '../../src/guardrails/evaluate.js';
import { preparedAfter, type PreparedStatements } from '../../src/guardrails/prepared.js';
import { DEFAULT_SQL_GUARDRAILS } from '../../src/guardrails/rules.js';

/** Runs strings through one session: each is classified with what was prepared before it. */
async function session(strings: string[]): Promise<string[]> {
  let prepared: PreparedStatements = new Map();
  const actions: string[] = [];
  for (const sql of strings) {
    const classification = await classifySql({ sql, prepared });
    const verdict = evaluateSql({ guardrails: DEFAULT_SQL_GUARDRAILS, classification });
    actions.push(verdict.action);
    if (verdict.action === 'allow') prepared = preparedAfter({ prepared, classification });
  }
  return actions;
}

describe('prepared statements of a session', () => {
  it('analyses EXECUTE of what the session prepared', async () => {
    expect(
      await session(['PREPARE q (int) AS SELECT * FROM t WHERE id = $1', 'EXECUTE q(1)']),
    ).toEqual(['allow', 'allow']);
  });

  it('holds EXECUTE of an unknown statement for review', async () => {
    expect(await session(['EXECUTE q(1)'])).toEqual(['review']);
  });

  it('does not remember a PREPARE that was denied', async () => {
    expect(await session(['PREPARE d AS DELETE FROM t', 'EXECUTE d'])).toEqual(['deny', 'review']);
  });

  it.each(['DEALLOCATE q', 'DEALLOCATE PREPARE q', 'DEALLOCATE ALL', 'DISCARD ALL'])(
    'forgets after %s',
    async (forget) => {
      expect(await session(['PREPARE q AS SELECT 1', forget, 'EXECUTE q'])).toEqual([
        'allow',
        'allow',
        'review',
      ]);
    },
  );

  it('keeps the others after DEALLOCATE of one', async () => {
    expect(
      await session(['PREPARE a AS SELECT 1; PREPARE b AS SELECT 2', 'DEALLOCATE a', 'EXECUTE b']),
    ).toEqual(['allow', 'allow', 'allow']);
  });

  it('replaces a statement prepared again under the same name', async () => {
    const first = await classifySql({ sql: 'PREPARE q AS SELECT 1' });
    const second = await classifySql({ sql: 'PREPARE q AS UPDATE t SET a = 1 WHERE id = 2' });
    let prepared = preparedAfter({ prepared: new Map(), classification: first });
    prepared = preparedAfter({ prepared, classification: second });
    expect(prepared.get('q')?.map((s) => s.kind)).toEqual(['PREPARE', 'UPDATE']);
  });

  it('leaves the session as it was after a string that does not parse', async () => {
    const before: PreparedStatements = new Map([['q', []]]);
    const classification = await classifySql({ sql: 'DEALLOCATE' });
    expect(preparedAfter({ prepared: before, classification })).toBe(before);
  });
});
