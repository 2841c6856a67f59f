/**
 * What a SQL string would do, from PostgreSQL's own parser (libpg-query, the
 * server's grammar compiled to WebAssembly): one entry per statement,
 * including the statements nested in others (a `WITH … DELETE`, `EXPLAIN
 * ANALYZE <stmt>`, `PREPARE x AS <stmt>`, a rule's actions, a SQL function's
 * body), so nothing is smuggled inside something harmless. Comments, case,
 * quoting and dollar-quoting are the parser's business, not ours.
 *
 * The parser loads on first use (about 1.7 MB of WebAssembly to compile), or
 * ahead of time with `loadSqlParser()`; importing this module does nothing.
 */
import { GatepassError } from '../common/errors.js';
import { KNOWN_KINDS, NOT_STATEMENTS, RELATION_OBJECTS, kindOf, type Json } from './kinds.js';

/** A relation a statement names: `schema` only when the SQL qualifies it. */
export interface SqlTarget {
  readonly schema?: string;
  readonly name: string;
}

export interface SqlStatement {
  /** `SELECT`, `DROP TABLE`, `COPY TO PROGRAM`…: one of KNOWN_KINDS, or `UNKNOWN <node>`. */
  readonly kind: string;
  /** Index of the top-level statement (0-based) this one is, or is nested in. */
  readonly statement: number;
  /** Inside another statement (a CTE, EXPLAIN, PREPARE, a rule, a function body…). */
  readonly nested: boolean;
  /** Relations named anywhere in it, nested statements included; CTE names left out. */
  readonly targets: readonly SqlTarget[];
  /**
   * Functions called anywhere in it, or named for the server to call (a
   * trigger's, an operator's, a cast's), as written: `pg_catalog.pg_read_file`.
   */
  readonly functions: readonly string[];
  /**
   * UPDATE and DELETE: a WHERE that refers to a column (`WHERE true` does not
   * count); MERGE: the same of its ON condition.
   */
  readonly hasWhere?: boolean;
  /** False when what it does cannot be seen from its text (a DO block, CALL, an unseen EXECUTE…). */
  readonly analysable: boolean;
  /** Why not, when not analysable: one line, e.g. "a DO block's body is not analysed". */
  readonly unanalysableBecause?: string;
  /** PREPARE, EXECUTE and DEALLOCATE (not DEALLOCATE ALL): the prepared statement's name. */
  readonly prepared?: string;
}

/**
 * `ok: false`: the parser rejected the string (`error` is its message, which
 * may quote the SQL; `position` is 0-based), or gatepass refused to read it
 * (`refused` says why, in words safe for any log).
 */
export type SqlClassification =
  | { readonly ok: true; readonly statements: readonly SqlStatement[] }
  | {
      readonly ok: false;
      readonly error: string;
      readonly position?: number;
      readonly refused?: string;
    };

/**
 * What is used of libpg-query: parse and loadModule only, which is what the
 * bundles' stand-in for it forwards (scripts/build.mjs).
 */
interface Parser {
  readonly parse: (query: string) => Promise<unknown>;
}

let loading: Promise<Parser> | undefined;

/** Loads the parser now (the first classification would otherwise wait for it). */
export async function loadSqlParser(): Promise<void> {
  await parser();
}

function parser(): Promise<Parser> {
  loading ??= load().catch((err: unknown) => {
    loading = undefined; // the next statement tries again
    throw new GatepassError('INTERNAL', 'the SQL parser (libpg-query) could not be loaded', {
      hint: 'Reinstall gatepass: its bundle must hold libpg-query.wasm beside libpg-query.cjs',
      cause: err,
    });
  });
  return loading;
}

async function load(): Promise<Parser> {
  const lib = await import('libpg-query');
  await lib.loadModule();
  return { parse: (query: string) => lib.parse(query) };
}

/**
 * Classifies every statement of `sql`. `prepared` holds what the session's
 * earlier PREPAREs classified to, by name, so an EXECUTE of one is analysed.
 * A string the parser rejects classifies as `ok: false`: callers deny it.
 */
export async function classifySql(options: {
  sql: string;
  prepared?: ReadonlyMap<string, readonly SqlStatement[]>;
}): Promise<SqlClassification> {
  const { parse } = await parser();
  // The parser reads a C string: it would stop at a NUL and never see what follows.
  if (options.sql.includes('\0')) return refusal('it holds a NUL character');
  let tree: unknown;
  try {
    // The library refuses '' (the server answers it with EmptyQueryResponse).
    tree = options.sql === '' ? { stmts: [] } : await parse(options.sql);
  } catch (err) {
    return parseFailure(err);
  }
  const walker = new Walker(options.prepared ?? new Map(), parse);
  const stmts = asArray(asJson(tree)?.['stmts']);
  stmts.forEach((raw, index) => {
    walker.walk(asJson(raw)?.['stmt'], { statement: index, owners: [] });
  });
  await walker.bodies();
  if (walker.hazard !== undefined) return refusal(walker.hazard);
  return { ok: true, statements: walker.entries.map(freeze) };
}

function refusal(refused: string): SqlClassification {
  return { ok: false, error: refused, refused };
}

function parseFailure(err: unknown): SqlClassification {
  const message = err instanceof Error ? err.message : 'the parser failed';
  const details = (err as { sqlDetails?: { cursorPosition?: unknown } } | null)?.sqlDetails;
  const position = details?.cursorPosition;
  return typeof position === 'number'
    ? { ok: false, error: message, position }
    : { ok: false, error: message };
}

/** A statement being classified: facts are added as the walk finds them. */
interface Entry {
  kind: string;
  statement: number;
  nested: boolean;
  targets: Map<string, SqlTarget>;
  functions: Set<string>;
  hasWhere?: boolean;
  unanalysableBecause?: string;
  prepared?: string;
}

/** Where the walk is: the statements enclosing a node (innermost last), the CTE names in scope. */
interface Place {
  statement: number;
  owners: readonly Entry[];
  ctes?: ReadonlySet<string>;
}

/** Options that name a function the server calls later (operators, aggregates, types, parsers). */
const FUNCTION_OPTIONS = new Set([
  'function',
  'procedure',
  'restrict',
  'join',
  'sfunc',
  'finalfunc',
  'combinefunc',
  'serialfunc',
  'deserialfunc',
  'msfunc',
  'minvfunc',
  'mfinalfunc',
  'input',
  'output',
  'receive',
  'send',
  'typmod_in',
  'typmod_out',
  'analyze',
  'subscript',
  'start',
  'gettoken',
  'end',
  'lextypes',
  'headline',
  'init',
  'lexize',
  'handler',
  'validator',
  'inline',
]);

/** Functions that run SQL handed to them as text: what that text does is not seen. */
const RUNS_SQL_TEXT = new Set([
  'query_to_xml',
  'query_to_xmlschema',
  'query_to_xml_and_xmlschema',
  'ts_stat',
  'ts_rewrite',
]);

/**
 * Settings that change how the server reads the statements after them, so
 * that gatepass's parser (standard strings, UTF-8) would no longer read them
 * the same: `'\\'; DROP …` is a whole literal with standard_conforming_strings
 * off. Changing them makes the string unparseable for gatepass, and denied.
 */
const PARSE_SETTINGS: Readonly<Record<string, (value: string) => boolean>> = {
  standard_conforming_strings: (value) => ['on', 'true', 'yes', '1'].includes(value.toLowerCase()),
  client_encoding: (value) => ['utf8', 'utf-8', 'unicode'].includes(value.toLowerCase()),
};

class Walker {
  readonly entries: Entry[] = [];
  /** Set when a statement changes how later ones parse (PARSE_SETTINGS). */
  hazard: string | undefined;
  private pending: { body: string; place: Place }[] = [];
  private readonly prepared: ReadonlyMap<string, readonly SqlStatement[]>;
  private readonly parse: (query: string) => Promise<unknown>;

  constructor(
    prepared: ReadonlyMap<string, readonly SqlStatement[]>,
    parse: (query: string) => Promise<unknown>,
  ) {
    this.prepared = prepared;
    this.parse = parse;
  }

  /** Depth-first over the tree, with an explicit stack: a deep tree must not overflow ours. */
  walk(root: unknown, place: Place): void {
    const stack: { node: unknown; place: Place }[] = [{ node: root, place }];
    for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
      const children = this.visit(item.node, item.place);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as (typeof stack)[0]);
    }
  }

  /** Records what `node` says and returns its children, each with its place. */
  private visit(node: unknown, place: Place): { node: unknown; place: Place }[] {
    if (Array.isArray(node)) return node.map((child: unknown) => ({ node: child, place }));
    const json = asJson(node);
    if (json === undefined) return [];
    const keys = Object.keys(json);
    const only = keys.length === 1 ? keys[0] : undefined;
    if (only !== undefined && isStatementType(only)) {
      const body = asJson(json[only]) ?? {};
      const inner = this.statement(only, body, place);
      return [{ node: body, place: inner }];
    }
    if (typeof json['relname'] === 'string' && 'relpersistence' in json) {
      this.relation(json, place);
      return [];
    }
    if (Array.isArray(json['funcname']) && typeof json['funcformat'] === 'string') {
      this.call(json, place);
    }
    this.reference(json, place);
    this.variableSet(json);
    return this.children(json, place);
  }

  /** A statement node: its entry (a sub-SELECT is part of its statement, not its own). */
  private statement(type: string, body: Json, place: Place): Place {
    if (type === 'SelectStmt' && place.owners.length > 0) return place;
    const entry: Entry = {
      kind: kindOf(type, body),
      statement: place.statement,
      nested: place.owners.length > 0,
      targets: new Map(),
      functions: new Set(),
    };
    this.entries.push(entry);
    const inner: Place = { ...place, owners: [...place.owners, entry] };
    this.facts(type, body, entry, inner);
    return inner;
  }

  /** What rules need beyond the kind, per statement type. */
  private facts(type: string, body: Json, entry: Entry, place: Place): void {
    if (!entry.kind.startsWith('UNKNOWN ') && !KNOWN_KINDS.has(entry.kind)) {
      entry.unanalysableBecause = `${entry.kind} is not a kind gatepass knows`;
    }
    switch (type) {
      case 'UpdateStmt':
      case 'DeleteStmt':
        entry.hasWhere = boundedWhere(body['whereClause']);
        return;
      case 'MergeStmt':
        entry.hasWhere = boundedWhere(body['joinCondition']);
        return;
      case 'CreateTrigStmt':
      case 'CreateEventTrigStmt':
        this.named(asArray(body['funcname']), place);
        return;
      case 'DropStmt':
      case 'CommentStmt':
        this.namedRelations(body, place);
        return;
      case 'AlterTableStmt':
        this.alterTableDrops(body, place);
        return;
      case 'DoStmt':
        entry.unanalysableBecause = "a DO block's body is not analysed";
        return;
      case 'CallStmt':
        entry.unanalysableBecause = "a called procedure's body is not analysed";
        return;
      case 'CreateFunctionStmt':
        this.functionBody(body, entry, place);
        return;
      case 'PrepareStmt':
        entry.prepared = String(body['name']);
        return;
      case 'DeallocateStmt':
        if (typeof body['name'] === 'string') entry.prepared = body['name'];
        return;
      case 'ExecuteStmt':
        this.execute(String(body['name']), entry);
        return;
      default:
        if (entry.kind.startsWith('UNKNOWN ')) {
          entry.unanalysableBecause = `${type} is a statement gatepass does not know`;
        }
    }
  }

  /** DROP and COMMENT name relations as lists of identifiers, not as relation nodes. */
  private namedRelations(body: Json, place: Place): void {
    const type = body['removeType'] ?? body['objtype'];
    if (typeof type !== 'string' || !RELATION_OBJECTS.has(type)) return;
    const objects = 'objects' in body ? asArray(body['objects']) : [body['object']];
    for (const object of objects) {
      const parts = asArray(asJson(asJson(object)?.['List'])?.['items']).map(stringValue);
      const name = parts.at(-1);
      if (name === undefined) continue;
      const schema = parts.at(-2);
      this.target(schema === undefined ? { name } : { schema, name }, place);
    }
  }

  /** ALTER TABLE … DROP COLUMN / DROP CONSTRAINT destroys as DROP does: an entry of its own. */
  private alterTableDrops(body: Json, place: Place): void {
    const relation = asJson(body['relation']);
    for (const cmd of asArray(body['cmds'])) {
      const subtype = asJson(asJson(cmd)?.['AlterTableCmd'])?.['subtype'];
      const kind =
        subtype === 'AT_DropColumn'
          ? 'DROP COLUMN'
          : subtype === 'AT_DropConstraint'
            ? 'DROP CONSTRAINT'
            : undefined;
      if (kind === undefined) continue;
      const entry = this.child(kind, place);
      if (relation !== undefined) this.relation(relation, { ...place, owners: [entry] });
    }
  }

  /** A function's body: SQL is parsed and walked (later: parsing is async); others are opaque. */
  private functionBody(body: Json, entry: Entry, place: Place): void {
    if (body['sql_body'] !== undefined) return; // BEGIN ATOMIC / RETURN: already in the tree
    const options = asArray(body['options']).map((o) => asJson(asJson(o)?.['DefElem']) ?? {});
    const language = options.find((o) => o['defname'] === 'language');
    const lang = stringValue(language?.['arg']).toLowerCase() || 'sql';
    const as = options.find((o) => o['defname'] === 'as');
    const texts = asArray(asJson(asJson(as?.['arg'])?.['List'])?.['items']).map(stringValue);
    if (lang !== 'sql') {
      entry.unanalysableBecause = `the body of a function in language ${lang} is not analysed`;
      return;
    }
    const text = texts[0];
    if (text !== undefined && text.trim() !== '') this.pending.push({ body: text, place });
  }

  private execute(name: string, entry: Entry): void {
    entry.prepared = name;
    const seen = this.prepared.get(name);
    if (seen === undefined) {
      entry.unanalysableBecause = `prepared statement ${name} was not seen being prepared`;
      return;
    }
    for (const statement of seen) {
      if (statement.kind === 'PREPARE') continue;
      this.entries.push({
        ...statement,
        statement: entry.statement,
        nested: true,
        targets: new Map(statement.targets.map((t) => [targetKey(t), t])),
        functions: new Set(statement.functions),
      });
      for (const t of statement.targets) entry.targets.set(targetKey(t), t);
      for (const f of statement.functions) entry.functions.add(f);
    }
  }

  /** Parses and walks the SQL function bodies found so far (bodies may define more). */
  async bodies(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      for (const { body, place } of batch) {
        let tree: unknown;
        try {
          tree = await this.parse(body);
        } catch {
          const owner = place.owners.at(-1);
          if (owner !== undefined) owner.unanalysableBecause = 'its SQL body does not parse';
          continue;
        }
        for (const raw of asArray(asJson(tree)?.['stmts'])) {
          this.walk(asJson(raw)?.['stmt'], place);
        }
      }
    }
  }

  /** A nested entry of the innermost statement, for facts found inside it (set_config, DROP COLUMN). */
  private child(kind: string, place: Place): Entry {
    const entry: Entry = {
      kind,
      statement: place.statement,
      nested: true,
      targets: new Map(),
      functions: new Set(),
    };
    this.entries.push(entry);
    return entry;
  }

  private relation(node: Json, place: Place): void {
    const name = String(node['relname']);
    const schema = typeof node['schemaname'] === 'string' ? node['schemaname'] : undefined;
    if (schema === undefined && place.ctes?.has(name) === true) return; // a CTE, not a table
    this.target(schema === undefined ? { name } : { schema, name }, place);
  }

  private target(target: SqlTarget, place: Place): void {
    for (const owner of place.owners) owner.targets.set(targetKey(target), target);
  }

  /** A function call: recorded on every enclosing statement; some calls say more. */
  private call(node: Json, place: Place): void {
    const parts = asArray(node['funcname']).map(stringValue);
    const name = parts.join('.');
    for (const owner of place.owners) owner.functions.add(name);
    const bare = parts.at(-1) ?? '';
    const owner = place.owners.at(-1);
    if (owner === undefined) return;
    if (RUNS_SQL_TEXT.has(bare)) {
      owner.unanalysableBecause = `${bare} runs SQL given as text, which is not analysed`;
    }
    if (bare === 'set_config') this.setConfig(node, place, owner);
  }

  /**
   * A SET, wherever it is: a statement, or the `setstmt` of ALTER SYSTEM /
   * ROLE / DATABASE … SET, or a function's `SET` option (each of which
   * changes the setting for later sessions or for the function's body).
   */
  private variableSet(json: Json): void {
    const kind = json['kind'];
    if (typeof kind !== 'string' || !kind.startsWith('VAR_') || kind.startsWith('VAR_RESET')) {
      return;
    }
    this.setting(json['name'], constantText(asArray(json['args'])[0]));
  }

  /** A SET of one of PARSE_SETTINGS to a value gatepass does not parse with. */
  private setting(name: unknown, value: string | undefined): void {
    if (typeof name !== 'string') return;
    const safe = PARSE_SETTINGS[name.toLowerCase()];
    if (safe === undefined || (value !== undefined && safe(value))) return;
    this.hazard = `it sets ${name.toLowerCase()}, which would change how later statements parse`;
  }

  /**
   * A function named for the server to call later: `DROP FUNCTION f(int)`,
   * `CREATE CAST … WITH FUNCTION f`, `CREATE OPERATOR … (function = f)`, an
   * aggregate's `sfunc`. Recorded like a call: `SELECT 'a' === 'b'` would
   * call it with no call in sight.
   */
  private reference(json: Json, place: Place): void {
    if (Array.isArray(json['objname']) && !('relname' in json)) {
      this.named(json['objname'] as unknown[], place);
    }
    const defname = json['defname'];
    if (typeof defname === 'string' && FUNCTION_OPTIONS.has(defname.toLowerCase())) {
      const arg = asJson(json['arg']);
      const names = asJson(arg?.['TypeName'])?.['names'] ?? asJson(arg?.['List'])?.['items'];
      this.named(asArray(names), place);
    }
  }

  private named(parts: readonly unknown[], place: Place): void {
    const name = parts.map(stringValue).join('.');
    if (name === '') return;
    for (const owner of place.owners) owner.functions.add(name);
  }

  /** `set_config('role', …)` is SET ROLE by another name. */
  private setConfig(node: Json, place: Place, owner: Entry): void {
    const args = asArray(node['args']);
    const setting = constantText(args[0]);
    if (setting !== undefined) this.setting(setting, constantText(args[1]));
    if (setting === undefined) {
      owner.unanalysableBecause = 'set_config with a setting name computed at run time';
      return;
    }
    const kind =
      setting.toLowerCase() === 'role'
        ? 'SET ROLE'
        : setting.toLowerCase() === 'session_authorization'
          ? 'SET SESSION AUTHORIZATION'
          : undefined;
    if (kind !== undefined) this.child(kind, place);
  }

  /** Children of a plain node; a WITH clause puts its CTE names in scope for what can see them. */
  private children(json: Json, place: Place): { node: unknown; place: Place }[] {
    const withClause = asJson(json['withClause']);
    const ctes = asArray(withClause?.['ctes']).map((c) => asJson(asJson(c)?.['CommonTableExpr']));
    if (ctes.length === 0) return Object.values(json).map((node) => ({ node, place }));
    const names = ctes.map((c) => String(c?.['ctename']));
    const recursive = withClause?.['recursive'] === true;
    const scope = (visible: readonly string[]): Place => ({
      ...place,
      ctes: new Set([...(place.ctes ?? []), ...visible]),
    });
    const out: { node: unknown; place: Place }[] = [];
    // A CTE sees the ones before it (all of them, itself included, when RECURSIVE).
    ctes.forEach((cte, i) => {
      const visible = recursive ? names : names.slice(0, i);
      out.push({ node: cte, place: scope(visible) });
    });
    for (const [key, node] of Object.entries(json)) {
      if (key !== 'withClause') out.push({ node, place: scope(names) });
    }
    return out;
  }
}

function isStatementType(key: string): boolean {
  return key.endsWith('Stmt') && !NOT_STATEMENTS.has(key);
}

/** A WHERE bounds the rows only if it looks at them: a column, or the cursor's current row. */
function boundedWhere(where: unknown): boolean {
  if (where === undefined) return false;
  const stack: unknown[] = [where];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (Array.isArray(node)) stack.push(...(node as unknown[]));
    const json = asJson(node);
    if (json === undefined) continue;
    if ('ColumnRef' in json || 'CurrentOfExpr' in json) return true;
    stack.push(...Object.values(json));
  }
  return false;
}

export function targetKey(target: SqlTarget): string {
  return target.schema === undefined ? target.name : `${target.schema}.${target.name}`;
}

function freeze(entry: Entry): SqlStatement {
  return {
    kind: entry.kind,
    statement: entry.statement,
    nested: entry.nested,
    targets: [...entry.targets.values()],
    functions: [...entry.functions],
    analysable: entry.unanalysableBecause === undefined,
    ...(entry.hasWhere === undefined ? {} : { hasWhere: entry.hasWhere }),
    ...(entry.unanalysableBecause === undefined
      ? {}
      : { unanalysableBecause: entry.unanalysableBecause }),
    ...(entry.prepared === undefined ? {} : { prepared: entry.prepared }),
  };
}

function asJson(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A string constant's text (`'on'`), else undefined (an expression, a parameter). */
function constantText(node: unknown): string | undefined {
  const sval = asJson(asJson(asJson(node)?.['A_Const'])?.['sval'])?.['sval'];
  return typeof sval === 'string' ? sval : undefined;
}

/** A `{String: {sval}}` node's text, else ''. */
function stringValue(node: unknown): string {
  const sval = asJson(asJson(node)?.['String'])?.['sval'];
  return typeof sval === 'string' ? sval : '';
}
