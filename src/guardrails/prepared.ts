/**
 * The prepared statements of one client session, as classifySql needs them
 * to analyse an `EXECUTE`: what each `PREPARE` classified to, by name. The
 * caller keeps one per connection and feeds it what the server ran.
 */
import type { SqlClassification, SqlStatement } from './sql.js';

export type PreparedStatements = ReadonlyMap<string, readonly SqlStatement[]>;

/**
 * The session's prepared statements after `classification` ran (call it only
 * for strings that were allowed and sent): its PREPAREs added, its DEALLOCATEs
 * removed; DEALLOCATE ALL and any DISCARD forget them all.
 */
export function preparedAfter(options: {
  prepared: PreparedStatements;
  classification: SqlClassification;
}): PreparedStatements {
  const { classification } = options;
  if (!classification.ok) return options.prepared;
  const next = new Map(options.prepared);
  for (const statement of classification.statements) {
    if (statement.nested) continue;
    if (statement.kind === 'PREPARE' && statement.prepared !== undefined) {
      const own = classification.statements.filter((s) => s.statement === statement.statement);
      next.set(statement.prepared, own);
    } else if (statement.kind === 'DEALLOCATE') {
      if (statement.prepared === undefined) next.clear();
      else next.delete(statement.prepared);
    } else if (statement.kind === 'DISCARD') {
      next.clear();
    }
  }
  return next;
}
