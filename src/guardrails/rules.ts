/**
 * The `guardrails` mapping of a credential request (docs/guardrails.md), as
 * YAML parsed it, validated into the ordered list of rules evaluate.ts runs:
 * the user's rules first, then the built-in ones they do not replace. Errors
 * are one line that names the field and the fix.
 */
import { GatepassError } from '../common/errors.js';
import { closest } from '../common/suggest.js';
import { HTTP_DEFAULTS, MALFORMED_PATH, SQL_DEFAULTS, UNPARSEABLE } from './defaults.js';
import { KIND_ALIASES, KNOWN_KINDS } from './kinds.js';
import { kindGlob } from './glob.js';
import type {
  GuardAction,
  HttpGuardrails,
  HttpRule,
  RuleBase,
  SqlGuardrails,
  SqlRule,
} from './types.js';

export const ACTIONS: readonly GuardAction[] = ['deny', 'review', 'allow'];

export const MAX_RULES = 200;
export const MAX_LIST = 100;
const MAX_PATTERN = 256;
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

const SQL_CONDITIONS = ['statements', 'tables', 'functions', 'without-where', 'unanalysable'];
const HTTP_CONDITIONS = ['methods', 'paths'];
export const HTTP_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'CONNECT',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'SEARCH',
  'QUERY',
];

type Raw = Record<string, unknown>;

function problem(field: string, what: string, hint: string): GatepassError {
  return new GatepassError('INPUT', `\`${field}\` ${what}`, { hint });
}

/** A value as quoted in a message: at most 64 characters. */
function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `"${text.length > 64 ? `${text.slice(0, 64)}…` : text}"`;
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `guardrails` of a PostgreSQL credential; `where` names it in messages. */
export function parseSqlGuardrails(options: { value: unknown; where?: string }): SqlGuardrails {
  const where = options.where ?? 'guardrails';
  const { defaults, rules } = parseTop(options.value, where);
  const parsed = rules.map((raw, i) => parseSqlRule(raw, `${where}.rules[${i}]`));
  return { rules: merge(parsed, defaults ? SQL_DEFAULTS : [], SQL_DEFAULTS) };
}

/** `guardrails` of an HTTP credential. */
export function parseHttpGuardrails(options: { value: unknown; where?: string }): HttpGuardrails {
  const where = options.where ?? 'guardrails';
  const { defaults, rules } = parseTop(options.value, where);
  const parsed = rules.map((raw, i) => parseHttpRule(raw, `${where}.rules[${i}]`));
  return { rules: merge(parsed, defaults ? HTTP_DEFAULTS : [], HTTP_DEFAULTS) };
}

/** The built-in rules alone: what a credential without `guardrails` gets. */
export const DEFAULT_SQL_GUARDRAILS: SqlGuardrails = { rules: SQL_DEFAULTS };
export const DEFAULT_HTTP_GUARDRAILS: HttpGuardrails = { rules: HTTP_DEFAULTS };

function parseTop(value: unknown, where: string): { defaults: boolean; rules: readonly unknown[] } {
  if (value === undefined || value === null) return { defaults: true, rules: [] };
  if (!isRecord(value)) {
    throw problem(where, 'must be a mapping', 'Write guardrails: { defaults: true, rules: [...] }');
  }
  checkKeys(value, where, ['defaults', 'rules'], []);
  const defaults = value['defaults'] ?? true;
  if (typeof defaults !== 'boolean') {
    throw problem(
      `${where}.defaults`,
      `is ${quote(defaults)}, not true or false`,
      'Write defaults: false to leave the built-in rules out, or remove it',
    );
  }
  const rules = value['rules'] ?? [];
  if (!Array.isArray(rules)) {
    throw problem(`${where}.rules`, 'must be a list', 'Write rules: [{ name: ..., action: ... }]');
  }
  if (rules.length > MAX_RULES) {
    throw problem(
      `${where}.rules`,
      `has ${rules.length} rules, more than ${MAX_RULES}`,
      'Merge rules: one rule takes lists of statements, tables and functions',
    );
  }
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    const name = isRecord(rule) ? rule['name'] : undefined;
    if (typeof name !== 'string') return;
    if (seen.has(name)) {
      throw problem(`${where}.rules[${i}].name`, `${quote(name)} is used twice`, 'Rename one');
    }
    seen.add(name);
  });
  return { defaults, rules };
}

/**
 * User rules first, in their order; then the defaults whose names no user
 * rule took. A user rule named like a built-in one and without conditions of
 * its own keeps the built-in's conditions: `{ name: no-truncate, action:
 * allow }` allows TRUNCATE, not everything.
 */
function merge<R extends RuleBase>(
  rules: readonly R[],
  defaults: readonly R[],
  builtIns: readonly R[],
): readonly R[] {
  const byName = new Map(builtIns.map((rule) => [rule.name, rule]));
  const taken = new Set(rules.map((rule) => rule.name));
  const own = rules.map((rule) => {
    const builtIn = byName.get(rule.name);
    return builtIn !== undefined && !hasConditions(rule)
      ? { ...builtIn, action: rule.action, builtIn: false }
      : rule;
  });
  return [...own, ...defaults.filter((rule) => !taken.has(rule.name))];
}

function hasConditions(rule: RuleBase): boolean {
  return Object.keys(rule).some((key) => !['name', 'action', 'builtIn'].includes(key));
}

function checkKeys(raw: Raw, where: string, known: string[], otherProtocol: string[]): void {
  for (const key of Object.keys(raw)) {
    if (known.includes(key)) continue;
    if (otherProtocol.includes(key)) {
      const sql = SQL_CONDITIONS.includes(key);
      throw problem(
        `${where}.${key}`,
        `is for ${sql ? 'PostgreSQL' : 'HTTP'} credentials`,
        `Use ${known.filter((k) => k !== 'name' && k !== 'action').join(', ')} here`,
      );
    }
    const guess = closest(key, known);
    throw problem(
      where,
      `has an unknown key ${quote(key)}`,
      guess === undefined ? `Use ${known.join(', ')}` : `Did you mean \`${guess}\`?`,
    );
  }
}

function parseBase(raw: unknown, where: string, conditions: string[], other: string[]): Raw {
  if (!isRecord(raw)) {
    throw problem(where, 'must be a mapping', 'Write - { name: no-drop, action: deny, ... }');
  }
  checkKeys(raw, where, ['name', 'action', ...conditions], other);
  return raw;
}

function parseName(raw: Raw, where: string): string {
  const name = raw['name'];
  if (name === undefined || name === null) {
    throw problem(
      where,
      'needs a `name`',
      'Add name: with a unique name, e.g. name: no-drop-users',
    );
  }
  if (name === UNPARSEABLE || name === MALFORMED_PATH) {
    throw problem(
      `${where}.name`,
      `${quote(name)} is reserved`,
      'gatepass denies what it cannot read under this name; choose another',
    );
  }
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw problem(
      `${where}.name`,
      `${quote(name)} is not a rule name`,
      'Use 1 to 64 lowercase letters, digits and dashes, e.g. no-drop-users',
    );
  }
  return name;
}

function parseAction(raw: Raw, where: string): GuardAction {
  const action = raw['action'];
  if (action === undefined || action === null) {
    throw problem(where, 'needs an `action`', 'Add action: deny, review or allow');
  }
  const found = ACTIONS.find((a) => a === action);
  if (found !== undefined) return found;
  const guess = typeof action === 'string' ? closest(action.toLowerCase(), ACTIONS) : undefined;
  throw problem(
    `${where}.action`,
    `is ${quote(action)}, not deny, review or allow`,
    guess === undefined ? 'Use deny, review or allow' : `Did you mean ${guess}?`,
  );
}

/** A list of non-empty strings (a lone string counts as a list of one). */
function stringList(raw: Raw, key: string, where: string, example: string): string[] | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === 'string' && v.trim() !== '')) {
    throw problem(`${where}.${key}`, 'must be a list of non-empty strings', `Write ${example}`);
  }
  if (list.length > MAX_LIST) {
    throw problem(`${where}.${key}`, `has more than ${MAX_LIST} entries`, 'Use globs (*)');
  }
  return (list as string[]).map((v) => v.trim());
}

function trueFlag(raw: Raw, key: string, where: string): true | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === false) return undefined;
  if (value === true) return true;
  throw problem(`${where}.${key}`, `is ${quote(value)}, not true`, `Write ${key}: true`);
}

function parseSqlRule(value: unknown, where: string): SqlRule {
  const raw = parseBase(value, where, SQL_CONDITIONS, HTTP_CONDITIONS);
  const statements = stringList(raw, 'statements', where, 'statements: [DROP TABLE, TRUNCATE]');
  const tables = stringList(raw, 'tables', where, 'tables: [public.users, audit.*]');
  const functions = stringList(raw, 'functions', where, 'functions: [pg_read_file]');
  const withoutWhere = trueFlag(raw, 'without-where', where);
  const unanalysable = trueFlag(raw, 'unanalysable', where);
  return {
    name: parseName(raw, where),
    action: parseAction(raw, where),
    builtIn: false,
    ...(statements === undefined ? {} : { statements: parseKinds(statements, where) }),
    ...(tables === undefined ? {} : { tables: tables.map((t, i) => nameGlob(t, where, i)) }),
    ...(functions === undefined
      ? {}
      : { functions: functions.map((f, i) => nameGlob(f, where, i, 'functions')) }),
    ...(withoutWhere === undefined ? {} : { withoutWhere }),
    ...(unanalysable === undefined ? {} : { unanalysable }),
  };
}

/** Kinds as SQL writes them, any case and spacing; a glob must match a known kind. */
function parseKinds(kinds: readonly string[], where: string): string[] {
  return kinds.flatMap((written, i) => {
    const kind = written.toUpperCase().replace(/\s+/g, ' ');
    const alias = KIND_ALIASES[kind];
    if (alias !== undefined) return [...alias];
    const glob = kindGlob(kind);
    if ([...KNOWN_KINDS].some((known) => glob.test(known))) return [kind];
    const guess = closest(kind, [...KNOWN_KINDS, ...Object.keys(KIND_ALIASES)]);
    throw problem(
      `${where}.statements[${i}]`,
      `${quote(written)} is not a statement kind`,
      guess === undefined
        ? 'docs/guardrails.md § Statement kinds lists them'
        : `Did you mean ${guess}?`,
    );
  });
}

/** `schema.name`, `name`, with `*`; no spaces or quotes (names are compared as stored). */
function nameGlob(pattern: string, where: string, i: number, key = 'tables'): string {
  const parts = pattern.split('.');
  if (
    pattern.length > MAX_PATTERN ||
    parts.length > 2 ||
    parts.some((part) => part === '') ||
    /[\s"]/.test(pattern)
  ) {
    throw problem(
      `${where}.${key}[${i}]`,
      `${quote(pattern)} is not a name pattern`,
      key === 'tables'
        ? 'Write schema.table or table, with * for any part, e.g. audit.* (no quotes)'
        : 'Write a function name, optionally schema.name, with * for any part, e.g. lo_*',
    );
  }
  return pattern;
}

function parseHttpRule(value: unknown, where: string): HttpRule {
  const raw = parseBase(value, where, HTTP_CONDITIONS, SQL_CONDITIONS);
  const methods = stringList(raw, 'methods', where, 'methods: [DELETE, PUT]');
  const paths = stringList(raw, 'paths', where, "paths: ['/v1/admin/**']");
  return {
    name: parseName(raw, where),
    action: parseAction(raw, where),
    builtIn: false,
    ...(methods === undefined
      ? {}
      : { methods: methods.map((m, i) => parseMethod(m, `${where}.methods[${i}]`)) }),
    ...(paths === undefined
      ? {}
      : { paths: paths.map((p, i) => parsePathPattern(p, `${where}.paths[${i}]`)) }),
  };
}

function parseMethod(written: string, where: string): string {
  const method = written.toUpperCase();
  if (HTTP_METHODS.includes(method)) return method;
  const guess = closest(method, HTTP_METHODS);
  throw problem(
    where,
    `${quote(written)} is not an HTTP method`,
    guess === undefined ? `Use one of ${HTTP_METHODS.join(', ')}` : `Did you mean ${guess}?`,
  );
}

/** Decoded paths from the root: `/v1/*` one segment, `/v1/**` any depth; no query, no escapes. */
function parsePathPattern(pattern: string, where: string): string {
  const bad =
    !pattern.startsWith('/') ||
    pattern.length > MAX_PATTERN ||
    /[?#%\\\s]/.test(pattern) ||
    pattern.split('/').some((s) => s.includes('**') && s !== '**') ||
    pattern.split('/').some((s) => s === '.' || s === '..');
  if (bad) {
    throw problem(
      where,
      `${quote(pattern)} is not a path pattern`,
      "Write a decoded path from /, with * inside a segment and ** as a whole segment, e.g. '/v1/admin/**'",
    );
  }
  return pattern;
}
