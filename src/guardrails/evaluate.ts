/**
 * Rules applied to what a job sends (docs/guardrails.md § Semantics). Pure:
 * the caller classifies (sql.ts) or normalises (http.ts) and acts on the
 * verdict.
 *
 * Per statement, the first matching rule decides (the user's rules come
 * before the built-in ones); no match allows. A string of several statements,
 * nested ones included, gets the most restrictive verdict of its statements
 * (deny > review > allow), and the reason names that statement and its rule.
 *
 * Matching is asymmetric on purpose. A deny or review rule matches what *may*
 * be what it names: any of the statement's tables or functions, an
 * unqualified table in whatever schema the search path picks, names and
 * paths in any case. An allow rule matches only what *surely* is: every table
 * and function the statement touches, in the exact case, an unqualified table
 * only when the rule's schema is `*`. So a rule never loosens more than it says.
 */
import { MALFORMED_PATH, UNPARSEABLE } from './defaults.js';
import { kindsGlob, namePartGlob, pathGlob } from './glob.js';
import { normaliseHttpPath } from './http.js';
import { targetKey, type SqlClassification, type SqlStatement, type SqlTarget } from './sql.js';
import type {
  GuardAction,
  HttpGuardrails,
  HttpRule,
  SqlGuardrails,
  SqlRule,
  Verdict,
} from './types.js';

const SEVERITY: Readonly<Record<GuardAction, number>> = { allow: 0, review: 1, deny: 2 };
const VERB: Readonly<Record<GuardAction, string>> = {
  allow: 'is allowed by',
  review: 'is held for review by',
  deny: 'is denied by',
};

export function evaluateSql(options: {
  guardrails: SqlGuardrails;
  classification: SqlClassification;
}): Verdict {
  const { classification, guardrails } = options;
  if (!classification.ok) {
    // The parser's own message may quote the SQL: only its position is told.
    const at =
      classification.position === undefined ? '' : ` at character ${classification.position + 1}`;
    const why =
      classification.refused === undefined
        ? `the SQL does not parse${at}`
        : `the SQL cannot be checked: ${classification.refused}`;
    return {
      action: 'deny',
      rule: UNPARSEABLE,
      reason: `${why}, so it is denied by rule ${UNPARSEABLE}`,
      kinds: [],
    };
  }
  const { statements } = classification;
  const kinds = [...new Set(statements.map((s) => s.kind))];
  const tops = new Set(statements.map((s) => s.statement)).size;
  let decided: { statement: SqlStatement; rule: SqlRule } | undefined;
  for (const statement of statements) {
    const rule = guardrails.rules.find((r) => sqlRuleMatches(r, statement));
    if (rule === undefined) continue;
    if (decided === undefined || SEVERITY[rule.action] > SEVERITY[decided.rule.action]) {
      decided = { statement, rule };
    }
  }
  if (decided === undefined) {
    return { action: 'allow', reason: allowedReason(statements), kinds };
  }
  const { statement, rule } = decided;
  const where = statementPlace(statement, tops);
  return {
    action: rule.action,
    rule: rule.name,
    reason: `${where}${describe(statement, rule)} ${VERB[rule.action]} rule ${rule.name}`,
    kinds,
    statement: statement.statement,
  };
}

function allowedReason(statements: readonly SqlStatement[]): string {
  const first = statements[0];
  if (first === undefined) return 'an empty query is allowed';
  if (statements.length === 1) return `${describe(first)} is allowed: no rule matched`;
  return `${statements.length} statements are allowed: no rule matched`;
}

function statementPlace(statement: SqlStatement, tops: number): string {
  const number = statement.statement + 1;
  if (statement.nested) return `in statement ${number}, `;
  return tops > 1 ? `statement ${number}: ` : '';
}

/** `DROP TABLE public.users`, `SELECT calling pg_read_file`, `DELETE t without WHERE`. */
function describe(statement: SqlStatement, rule?: SqlRule): string {
  const names = statement.targets.map(targetKey);
  const shown = names.length > 3 ? [...names.slice(0, 3), '…'] : names;
  let text = [statement.kind, ...shown].join(' ');
  if (rule?.functions !== undefined) {
    const patterns = namePatterns(rule.functions, false);
    const called = statement.functions.filter((f) => functionMatches(f, patterns, false));
    if (called.length > 0) text += ` calling ${called.slice(0, 3).join(', ')}`;
  }
  if (rule?.withoutWhere === true) text += ' without WHERE';
  if (rule?.unanalysable === true && statement.unanalysableBecause !== undefined) {
    text += ` (${statement.unanalysableBecause})`;
  }
  return text;
}

/** Each rule's kinds as one expression, compiled on first use. */
const kindMatchers = new WeakMap<SqlRule, RegExp>();

function kindMatches(rule: SqlRule, statements: readonly string[], kind: string): boolean {
  let matcher = kindMatchers.get(rule);
  if (matcher === undefined) {
    matcher = kindsGlob(statements);
    kindMatchers.set(rule, matcher);
  }
  return matcher.test(kind);
}

export function sqlRuleMatches(rule: SqlRule, statement: SqlStatement): boolean {
  const sure = rule.action === 'allow';
  if (rule.statements !== undefined && !kindMatches(rule, rule.statements, statement.kind)) {
    return false;
  }
  if (rule.withoutWhere === true && statement.hasWhere !== false) return false;
  if (rule.unanalysable === true && statement.analysable) return false;
  if (rule.tables !== undefined) {
    const tables = namePatterns(rule.tables, sure);
    const hit = (t: SqlTarget): boolean => tableMatches(t, tables, sure);
    if (sure ? !statement.targets.every(hit) : !statement.targets.some(hit)) return false;
  }
  if (rule.functions !== undefined) {
    const functions = namePatterns(rule.functions, sure);
    const hit = (f: string): boolean => functionMatches(f, functions, sure);
    if (sure ? !statement.functions.every(hit) : !statement.functions.some(hit)) return false;
  }
  return true;
}

/** A `schema.name` pattern compiled: a pattern without a schema has `*` for it. */
interface NamePattern {
  readonly schema: RegExp;
  readonly anySchema: boolean;
  readonly name: RegExp;
}

/** Each rule's name patterns compiled on first use, exact (allow) and ignoring case. */
const compiledNames = new WeakMap<readonly string[], Map<boolean, readonly NamePattern[]>>();

function namePatterns(patterns: readonly string[], sure: boolean): readonly NamePattern[] {
  let byMode = compiledNames.get(patterns);
  if (byMode === undefined) {
    byMode = new Map();
    compiledNames.set(patterns, byMode);
  }
  let compiled = byMode.get(sure);
  if (compiled === undefined) {
    compiled = patterns.map((pattern) => {
      const dot = pattern.indexOf('.');
      const [schema, name] =
        dot < 0 ? ['*', pattern] : [pattern.slice(0, dot), pattern.slice(dot + 1)];
      return {
        schema: namePartGlob(schema, sure),
        anySchema: schema === '*',
        name: namePartGlob(name, sure),
      };
    });
    byMode.set(sure, compiled);
  }
  return compiled;
}

/**
 * `sure`: the name is certainly the pattern's (allow); else it may be (deny,
 * review). Without a schema, the search path picks one at run time: it may be
 * any, and is surely the pattern's only when the pattern's schema is `*`.
 */
function nameMatches(
  schema: string | undefined,
  name: string,
  patterns: readonly NamePattern[],
  sure: boolean,
): boolean {
  return patterns.some(
    (p) =>
      p.name.test(name) && (schema === undefined ? !sure || p.anySchema : p.schema.test(schema)),
  );
}

function tableMatches(target: SqlTarget, patterns: readonly NamePattern[], sure: boolean): boolean {
  return nameMatches(target.schema, target.name, patterns, sure);
}

function functionMatches(called: string, patterns: readonly NamePattern[], sure: boolean): boolean {
  const parts = called.split('.');
  return nameMatches(
    parts.length > 1 ? parts.at(-2) : undefined,
    parts.at(-1) ?? '',
    patterns,
    sure,
  );
}

/**
 * `request.path` is the request line's target as received: raw, query
 * included (see normaliseHttpPath).
 * The reason names the method and the rule's pattern, not the path, which
 * may hold identifiers or tokens.
 */
export function evaluateHttp(options: {
  guardrails: HttpGuardrails;
  request: { method: string; path: string };
}): Verdict {
  const method = options.request.method.toUpperCase();
  const path = normaliseHttpPath(options.request.path);
  if (!path.ok) {
    return {
      action: 'deny',
      rule: MALFORMED_PATH,
      reason: `${method}: ${path.problem}, so it is denied by rule ${MALFORMED_PATH}`,
      kinds: [method],
    };
  }
  const rule = options.guardrails.rules.find((r) => httpRuleMatches(r, method, path.path));
  if (rule === undefined) {
    return { action: 'allow', reason: `${method} is allowed: no rule matched`, kinds: [method] };
  }
  const pattern = rule.paths?.find((p) => pathGlob(p, rule.action === 'allow').test(path.path));
  const on = pattern === undefined ? '' : ` on ${pattern}`;
  return {
    action: rule.action,
    rule: rule.name,
    reason: `${method}${on} ${VERB[rule.action]} rule ${rule.name}`,
    kinds: [method],
  };
}

export function httpRuleMatches(rule: HttpRule, method: string, path: string): boolean {
  const exact = rule.action === 'allow';
  if (rule.methods !== undefined && !methodMatches(rule.methods, method, exact)) return false;
  if (rule.paths !== undefined && !rule.paths.some((p) => pathGlob(p, exact).test(path))) {
    return false;
  }
  return true;
}

/** HEAD is GET without the body: a deny or review rule on GET covers it too. */
function methodMatches(methods: readonly string[], method: string, exact: boolean): boolean {
  return methods.includes(method) || (!exact && method === 'HEAD' && methods.includes('GET'));
}
