export const id = 438;
export const ids = [438];
export const modules = {

/***/ 1438:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  openDataPath: () => (/* binding */ openDataPath)
});

// UNUSED EXPORTS: refreshDue

// EXTERNAL MODULE: ./src/config/data-path.ts + 1 modules
var data_path = __webpack_require__(5542);
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/guardrails/defaults.ts
var defaults = __webpack_require__(2766);
// EXTERNAL MODULE: ./src/guardrails/glob.ts
var glob = __webpack_require__(8490);
;// CONCATENATED MODULE: ./src/guardrails/http.ts
/**
 * An HTTP request's path as rules see it: decoded once and normalised, so
 * that `..`, `.`, `//`, `%2e`, `%2F`, a backslash or a `;parameter` cannot
 * put a request outside the rule that covers where it lands. Anything that
 * does not decode to one unambiguous path (a bad escape, an escape that is
 * still there after decoding, control characters, invalid UTF-8) is refused:
 * servers disagree about those, so no rule could be sure what they reach.
 */
/**
 * `target` is the request line's target: a path with an optional query
 * (`/v1/x?y=1`), or an absolute URL (`http://host/v1/x`, as sent to a proxy).
 */
function normaliseHttpPath(target) {
    const path = pathOf(target);
    if (path === undefined)
        return { ok: false, problem: 'the request target is not a path' };
    const decoded = decode(path);
    if (decoded === undefined) {
        return { ok: false, problem: 'the path has an invalid percent-escape or is not UTF-8' };
    }
    if (/%[0-9a-f]{2}/i.test(decoded)) {
        return { ok: false, problem: 'the path is percent-encoded twice' };
    }
    // eslint-disable-next-line no-control-regex -- control characters are what is refused
    if (/[\x00-\x1f\x7f]/.test(decoded)) {
        return { ok: false, problem: 'the path holds control characters' };
    }
    return { ok: true, path: resolveSegments(decoded) };
}
function pathOf(target) {
    let path = target;
    const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(path);
    if (absolute !== null)
        path = path.slice(absolute[0].length) || '/';
    path = path.replace(/[?#].*$/s, '');
    return path.startsWith('/') ? path : undefined;
}
/** Percent-decodes once, as UTF-8; undefined when an escape or the UTF-8 is malformed. */
function decode(path) {
    if (/%(?![0-9a-f]{2})/i.test(path))
        return undefined;
    const bytes = [];
    for (let i = 0; i < path.length;) {
        if (path[i] === '%') {
            bytes.push(Number.parseInt(path.slice(i + 1, i + 3), 16));
            i += 3;
            continue;
        }
        const code = path.codePointAt(i) ?? 0;
        bytes.push(...Buffer.from(String.fromCodePoint(code), 'utf8'));
        i += code > 0xffff ? 2 : 1;
    }
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    }
    catch {
        return undefined;
    }
}
/**
 * Backslashes count as slashes, empty and `.` segments go, `..` removes the
 * segment before it (never above the root), and a segment's `;parameters`
 * (which Java servers strip) are dropped. No trailing slash.
 */
function resolveSegments(path) {
    const out = [];
    for (const raw of path.replace(/\\/g, '/').split('/')) {
        const segment = raw.replace(/;.*$/s, '');
        if (segment === '' || segment === '.')
            continue;
        if (segment === '..')
            out.pop();
        else
            out.push(segment);
    }
    return `/${out.join('/')}`;
}

// EXTERNAL MODULE: ./src/guardrails/kinds.ts
var kinds = __webpack_require__(1361);
;// CONCATENATED MODULE: ./src/guardrails/sql.ts
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


let loading;
/** Loads the parser now (the first classification would otherwise wait for it). */
async function loadSqlParser() {
    await parser();
}
function parser() {
    loading ??= load().catch((err) => {
        loading = undefined; // the next statement tries again
        throw new errors/* GatepassError */.J9('INTERNAL', 'the SQL parser (libpg-query) could not be loaded', {
            hint: 'Reinstall gatepass: its bundle must hold libpg-query.wasm beside libpg-query.cjs',
            cause: err,
        });
    });
    return loading;
}
async function load() {
    const lib = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 5964));
    await lib.loadModule();
    return { parse: (query) => lib.parse(query) };
}
/**
 * Classifies every statement of `sql`. `prepared` holds what the session's
 * earlier PREPAREs classified to, by name, so an EXECUTE of one is analysed.
 * A string the parser rejects classifies as `ok: false`: callers deny it.
 */
async function classifySql(options) {
    const { parse } = await parser();
    // The parser reads a C string: it would stop at a NUL and never see what follows.
    if (options.sql.includes('\0'))
        return refusal('it holds a NUL character');
    let tree;
    try {
        // The library refuses '' (the server answers it with EmptyQueryResponse).
        tree = options.sql === '' ? { stmts: [] } : await parse(options.sql);
    }
    catch (err) {
        return parseFailure(err);
    }
    const walker = new Walker(options.prepared ?? new Map(), parse);
    const stmts = asArray(asJson(tree)?.['stmts']);
    stmts.forEach((raw, index) => {
        walker.walk(asJson(raw)?.['stmt'], { statement: index, owners: [] });
    });
    await walker.bodies();
    if (walker.hazard !== undefined)
        return refusal(walker.hazard);
    return { ok: true, statements: walker.entries.map(freeze) };
}
function refusal(refused) {
    return { ok: false, error: refused, refused };
}
function parseFailure(err) {
    const message = err instanceof Error ? err.message : 'the parser failed';
    const details = err?.sqlDetails;
    const position = details?.cursorPosition;
    return typeof position === 'number'
        ? { ok: false, error: message, position }
        : { ok: false, error: message };
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
const PARSE_SETTINGS = {
    standard_conforming_strings: (value) => ['on', 'true', 'yes', '1'].includes(value.toLowerCase()),
    client_encoding: (value) => ['utf8', 'utf-8', 'unicode'].includes(value.toLowerCase()),
};
class Walker {
    entries = [];
    /** Set when a statement changes how later ones parse (PARSE_SETTINGS). */
    hazard;
    pending = [];
    prepared;
    parse;
    constructor(prepared, parse) {
        this.prepared = prepared;
        this.parse = parse;
    }
    /** Depth-first over the tree, with an explicit stack: a deep tree must not overflow ours. */
    walk(root, place) {
        const stack = [{ node: root, place }];
        for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
            const children = this.visit(item.node, item.place);
            for (let i = children.length - 1; i >= 0; i--)
                stack.push(children[i]);
        }
    }
    /** Records what `node` says and returns its children, each with its place. */
    visit(node, place) {
        if (Array.isArray(node))
            return node.map((child) => ({ node: child, place }));
        const json = asJson(node);
        if (json === undefined)
            return [];
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
    statement(type, body, place) {
        if (type === 'SelectStmt' && place.owners.length > 0)
            return place;
        const entry = {
            kind: (0,kinds/* kindOf */.I)(type, body),
            statement: place.statement,
            nested: place.owners.length > 0,
            targets: new Map(),
            functions: new Set(),
        };
        this.entries.push(entry);
        const inner = { ...place, owners: [...place.owners, entry] };
        this.facts(type, body, entry, inner);
        return inner;
    }
    /** What rules need beyond the kind, per statement type. */
    facts(type, body, entry, place) {
        if (!entry.kind.startsWith('UNKNOWN ') && !kinds/* KNOWN_KINDS */.KO.has(entry.kind)) {
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
                if (typeof body['name'] === 'string')
                    entry.prepared = body['name'];
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
    namedRelations(body, place) {
        const type = body['removeType'] ?? body['objtype'];
        if (typeof type !== 'string' || !kinds/* RELATION_OBJECTS */.Mk.has(type))
            return;
        const objects = 'objects' in body ? asArray(body['objects']) : [body['object']];
        for (const object of objects) {
            const parts = asArray(asJson(asJson(object)?.['List'])?.['items']).map(stringValue);
            const name = parts.at(-1);
            if (name === undefined)
                continue;
            const schema = parts.at(-2);
            this.target(schema === undefined ? { name } : { schema, name }, place);
        }
    }
    /** ALTER TABLE … DROP COLUMN / DROP CONSTRAINT destroys as DROP does: an entry of its own. */
    alterTableDrops(body, place) {
        const relation = asJson(body['relation']);
        for (const cmd of asArray(body['cmds'])) {
            const subtype = asJson(asJson(cmd)?.['AlterTableCmd'])?.['subtype'];
            const kind = subtype === 'AT_DropColumn'
                ? 'DROP COLUMN'
                : subtype === 'AT_DropConstraint'
                    ? 'DROP CONSTRAINT'
                    : undefined;
            if (kind === undefined)
                continue;
            const entry = this.child(kind, place);
            if (relation !== undefined)
                this.relation(relation, { ...place, owners: [entry] });
        }
    }
    /** A function's body: SQL is parsed and walked (later: parsing is async); others are opaque. */
    functionBody(body, entry, place) {
        if (body['sql_body'] !== undefined)
            return; // BEGIN ATOMIC / RETURN: already in the tree
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
        if (text !== undefined && text.trim() !== '')
            this.pending.push({ body: text, place });
    }
    execute(name, entry) {
        entry.prepared = name;
        const seen = this.prepared.get(name);
        if (seen === undefined) {
            entry.unanalysableBecause = `prepared statement ${name} was not seen being prepared`;
            return;
        }
        for (const statement of seen) {
            if (statement.kind === 'PREPARE')
                continue;
            this.entries.push({
                ...statement,
                statement: entry.statement,
                nested: true,
                targets: new Map(statement.targets.map((t) => [targetKey(t), t])),
                functions: new Set(statement.functions),
            });
            for (const t of statement.targets)
                entry.targets.set(targetKey(t), t);
            for (const f of statement.functions)
                entry.functions.add(f);
        }
    }
    /** Parses and walks the SQL function bodies found so far (bodies may define more). */
    async bodies() {
        while (this.pending.length > 0) {
            const batch = this.pending;
            this.pending = [];
            for (const { body, place } of batch) {
                let tree;
                try {
                    tree = await this.parse(body);
                }
                catch {
                    const owner = place.owners.at(-1);
                    if (owner !== undefined)
                        owner.unanalysableBecause = 'its SQL body does not parse';
                    continue;
                }
                for (const raw of asArray(asJson(tree)?.['stmts'])) {
                    this.walk(asJson(raw)?.['stmt'], place);
                }
            }
        }
    }
    /** A nested entry of the innermost statement, for facts found inside it (set_config, DROP COLUMN). */
    child(kind, place) {
        const entry = {
            kind,
            statement: place.statement,
            nested: true,
            targets: new Map(),
            functions: new Set(),
        };
        this.entries.push(entry);
        return entry;
    }
    relation(node, place) {
        const name = String(node['relname']);
        const schema = typeof node['schemaname'] === 'string' ? node['schemaname'] : undefined;
        if (schema === undefined && place.ctes?.has(name) === true)
            return; // a CTE, not a table
        this.target(schema === undefined ? { name } : { schema, name }, place);
    }
    target(target, place) {
        for (const owner of place.owners)
            owner.targets.set(targetKey(target), target);
    }
    /** A function call: recorded on every enclosing statement; some calls say more. */
    call(node, place) {
        const parts = asArray(node['funcname']).map(stringValue);
        const name = parts.join('.');
        for (const owner of place.owners)
            owner.functions.add(name);
        const bare = parts.at(-1) ?? '';
        const owner = place.owners.at(-1);
        if (owner === undefined)
            return;
        if (RUNS_SQL_TEXT.has(bare)) {
            owner.unanalysableBecause = `${bare} runs SQL given as text, which is not analysed`;
        }
        if (bare === 'set_config')
            this.setConfig(node, place, owner);
    }
    /**
     * A SET, wherever it is: a statement, or the `setstmt` of ALTER SYSTEM /
     * ROLE / DATABASE … SET, or a function's `SET` option (each of which
     * changes the setting for later sessions or for the function's body).
     */
    variableSet(json) {
        const kind = json['kind'];
        if (typeof kind !== 'string' || !kind.startsWith('VAR_') || kind.startsWith('VAR_RESET')) {
            return;
        }
        this.setting(json['name'], constantText(asArray(json['args'])[0]));
    }
    /** A SET of one of PARSE_SETTINGS to a value gatepass does not parse with. */
    setting(name, value) {
        if (typeof name !== 'string')
            return;
        const safe = PARSE_SETTINGS[name.toLowerCase()];
        if (safe === undefined || (value !== undefined && safe(value)))
            return;
        this.hazard = `it sets ${name.toLowerCase()}, which would change how later statements parse`;
    }
    /**
     * A function named for the server to call later: `DROP FUNCTION f(int)`,
     * `CREATE CAST … WITH FUNCTION f`, `CREATE OPERATOR … (function = f)`, an
     * aggregate's `sfunc`. Recorded like a call: `SELECT 'a' === 'b'` would
     * call it with no call in sight.
     */
    reference(json, place) {
        if (Array.isArray(json['objname']) && !('relname' in json)) {
            this.named(json['objname'], place);
        }
        const defname = json['defname'];
        if (typeof defname === 'string' && FUNCTION_OPTIONS.has(defname.toLowerCase())) {
            const arg = asJson(json['arg']);
            const names = asJson(arg?.['TypeName'])?.['names'] ?? asJson(arg?.['List'])?.['items'];
            this.named(asArray(names), place);
        }
    }
    named(parts, place) {
        const name = parts.map(stringValue).join('.');
        if (name === '')
            return;
        for (const owner of place.owners)
            owner.functions.add(name);
    }
    /** `set_config('role', …)` is SET ROLE by another name. */
    setConfig(node, place, owner) {
        const args = asArray(node['args']);
        const setting = constantText(args[0]);
        if (setting !== undefined)
            this.setting(setting, constantText(args[1]));
        if (setting === undefined) {
            owner.unanalysableBecause = 'set_config with a setting name computed at run time';
            return;
        }
        const kind = setting.toLowerCase() === 'role'
            ? 'SET ROLE'
            : setting.toLowerCase() === 'session_authorization'
                ? 'SET SESSION AUTHORIZATION'
                : undefined;
        if (kind !== undefined)
            this.child(kind, place);
    }
    /** Children of a plain node; a WITH clause puts its CTE names in scope for what can see them. */
    children(json, place) {
        const withClause = asJson(json['withClause']);
        const ctes = asArray(withClause?.['ctes']).map((c) => asJson(asJson(c)?.['CommonTableExpr']));
        if (ctes.length === 0)
            return Object.values(json).map((node) => ({ node, place }));
        const names = ctes.map((c) => String(c?.['ctename']));
        const recursive = withClause?.['recursive'] === true;
        const scope = (visible) => ({
            ...place,
            ctes: new Set([...(place.ctes ?? []), ...visible]),
        });
        const out = [];
        // A CTE sees the ones before it (all of them, itself included, when RECURSIVE).
        ctes.forEach((cte, i) => {
            const visible = recursive ? names : names.slice(0, i);
            out.push({ node: cte, place: scope(visible) });
        });
        for (const [key, node] of Object.entries(json)) {
            if (key !== 'withClause')
                out.push({ node, place: scope(names) });
        }
        return out;
    }
}
function isStatementType(key) {
    return key.endsWith('Stmt') && !kinds/* NOT_STATEMENTS */.VG.has(key);
}
/** A WHERE bounds the rows only if it looks at them: a column, or the cursor's current row. */
function boundedWhere(where) {
    if (where === undefined)
        return false;
    const stack = [where];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
        if (Array.isArray(node))
            stack.push(...node);
        const json = asJson(node);
        if (json === undefined)
            continue;
        if ('ColumnRef' in json || 'CurrentOfExpr' in json)
            return true;
        stack.push(...Object.values(json));
    }
    return false;
}
function targetKey(target) {
    return target.schema === undefined ? target.name : `${target.schema}.${target.name}`;
}
function freeze(entry) {
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
function asJson(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? value
        : undefined;
}
function asArray(value) {
    return Array.isArray(value) ? value : [];
}
/** A string constant's text (`'on'`), else undefined (an expression, a parameter). */
function constantText(node) {
    const sval = asJson(asJson(asJson(node)?.['A_Const'])?.['sval'])?.['sval'];
    return typeof sval === 'string' ? sval : undefined;
}
/** A `{String: {sval}}` node's text, else ''. */
function stringValue(node) {
    const sval = asJson(asJson(node)?.['String'])?.['sval'];
    return typeof sval === 'string' ? sval : '';
}

;// CONCATENATED MODULE: ./src/guardrails/evaluate.ts
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




const SEVERITY = { allow: 0, review: 1, deny: 2 };
const VERB = {
    allow: 'is allowed by',
    review: 'is held for review by',
    deny: 'is denied by',
};
function evaluateSql(options) {
    const { classification, guardrails } = options;
    if (!classification.ok) {
        // The parser's own message may quote the SQL: only its position is told.
        const at = classification.position === undefined ? '' : ` at character ${classification.position + 1}`;
        const why = classification.refused === undefined
            ? `the SQL does not parse${at}`
            : `the SQL cannot be checked: ${classification.refused}`;
        return {
            action: 'deny',
            rule: defaults/* UNPARSEABLE */.$B,
            reason: `${why}, so it is denied by rule ${defaults/* UNPARSEABLE */.$B}`,
            kinds: [],
        };
    }
    const { statements } = classification;
    const kinds = [...new Set(statements.map((s) => s.kind))];
    const tops = new Set(statements.map((s) => s.statement)).size;
    let decided;
    for (const statement of statements) {
        const rule = guardrails.rules.find((r) => sqlRuleMatches(r, statement));
        if (rule === undefined)
            continue;
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
function allowedReason(statements) {
    const first = statements[0];
    if (first === undefined)
        return 'an empty query is allowed';
    if (statements.length === 1)
        return `${describe(first)} is allowed: no rule matched`;
    return `${statements.length} statements are allowed: no rule matched`;
}
function statementPlace(statement, tops) {
    const number = statement.statement + 1;
    if (statement.nested)
        return `in statement ${number}, `;
    return tops > 1 ? `statement ${number}: ` : '';
}
/** `DROP TABLE public.users`, `SELECT calling pg_read_file`, `DELETE t without WHERE`. */
function describe(statement, rule) {
    const names = statement.targets.map(targetKey);
    const shown = names.length > 3 ? [...names.slice(0, 3), '…'] : names;
    let text = [statement.kind, ...shown].join(' ');
    if (rule?.functions !== undefined) {
        const patterns = namePatterns(rule.functions, false);
        const called = statement.functions.filter((f) => functionMatches(f, patterns, false));
        if (called.length > 0)
            text += ` calling ${called.slice(0, 3).join(', ')}`;
    }
    if (rule?.withoutWhere === true)
        text += ' without WHERE';
    if (rule?.unanalysable === true && statement.unanalysableBecause !== undefined) {
        text += ` (${statement.unanalysableBecause})`;
    }
    return text;
}
/** Each rule's kinds as one expression, compiled on first use. */
const kindMatchers = new WeakMap();
function kindMatches(rule, statements, kind) {
    let matcher = kindMatchers.get(rule);
    if (matcher === undefined) {
        matcher = (0,glob/* kindsGlob */._V)(statements);
        kindMatchers.set(rule, matcher);
    }
    return matcher.test(kind);
}
function sqlRuleMatches(rule, statement) {
    const sure = rule.action === 'allow';
    if (rule.statements !== undefined && !kindMatches(rule, rule.statements, statement.kind)) {
        return false;
    }
    if (rule.withoutWhere === true && statement.hasWhere !== false)
        return false;
    if (rule.unanalysable === true && statement.analysable)
        return false;
    if (rule.tables !== undefined) {
        const tables = namePatterns(rule.tables, sure);
        const hit = (t) => tableMatches(t, tables, sure);
        if (sure ? !statement.targets.every(hit) : !statement.targets.some(hit))
            return false;
    }
    if (rule.functions !== undefined) {
        const functions = namePatterns(rule.functions, sure);
        const hit = (f) => functionMatches(f, functions, sure);
        if (sure ? !statement.functions.every(hit) : !statement.functions.some(hit))
            return false;
    }
    return true;
}
/** Each rule's name patterns compiled on first use, exact (allow) and ignoring case. */
const compiledNames = new WeakMap();
function namePatterns(patterns, sure) {
    let byMode = compiledNames.get(patterns);
    if (byMode === undefined) {
        byMode = new Map();
        compiledNames.set(patterns, byMode);
    }
    let compiled = byMode.get(sure);
    if (compiled === undefined) {
        compiled = patterns.map((pattern) => {
            const dot = pattern.indexOf('.');
            const [schema, name] = dot < 0 ? ['*', pattern] : [pattern.slice(0, dot), pattern.slice(dot + 1)];
            return {
                schema: (0,glob/* namePartGlob */.dq)(schema, sure),
                anySchema: schema === '*',
                name: (0,glob/* namePartGlob */.dq)(name, sure),
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
function nameMatches(schema, name, patterns, sure) {
    return patterns.some((p) => p.name.test(name) && (schema === undefined ? !sure || p.anySchema : p.schema.test(schema)));
}
function tableMatches(target, patterns, sure) {
    return nameMatches(target.schema, target.name, patterns, sure);
}
function functionMatches(called, patterns, sure) {
    const parts = called.split('.');
    return nameMatches(parts.length > 1 ? parts.at(-2) : undefined, parts.at(-1) ?? '', patterns, sure);
}
/**
 * `request.path` is the request line's target as received: raw, query
 * included (see normaliseHttpPath).
 * The reason names the method and the rule's pattern, not the path, which
 * may hold identifiers or tokens.
 */
function evaluateHttp(options) {
    const method = options.request.method.toUpperCase();
    const path = normaliseHttpPath(options.request.path);
    if (!path.ok) {
        return {
            action: 'deny',
            rule: defaults/* MALFORMED_PATH */.iQ,
            reason: `${method}: ${path.problem}, so it is denied by rule ${defaults/* MALFORMED_PATH */.iQ}`,
            kinds: [method],
        };
    }
    const rule = options.guardrails.rules.find((r) => httpRuleMatches(r, method, path.path));
    if (rule === undefined) {
        return { action: 'allow', reason: `${method} is allowed: no rule matched`, kinds: [method] };
    }
    const pattern = rule.paths?.find((p) => (0,glob/* pathGlob */.Qh)(p, rule.action === 'allow').test(path.path));
    const on = pattern === undefined ? '' : ` on ${pattern}`;
    return {
        action: rule.action,
        rule: rule.name,
        reason: `${method}${on} ${VERB[rule.action]} rule ${rule.name}`,
        kinds: [method],
    };
}
function httpRuleMatches(rule, method, path) {
    const exact = rule.action === 'allow';
    if (rule.methods !== undefined && !methodMatches(rule.methods, method, exact))
        return false;
    if (rule.paths !== undefined && !rule.paths.some((p) => (0,glob/* pathGlob */.Qh)(p, exact).test(path))) {
        return false;
    }
    return true;
}
/** HEAD is GET without the body: a deny or review rule on GET covers it too. */
function methodMatches(methods, method, exact) {
    return methods.includes(method) || (!exact && method === 'HEAD' && methods.includes('GET'));
}

;// CONCATENATED MODULE: ./src/guardrails/prepared.ts
/**
 * The session's prepared statements after `classification` ran (call it only
 * for strings that were allowed and sent): its PREPAREs added, its DEALLOCATEs
 * removed; DEALLOCATE ALL and any DISCARD forget them all.
 */
function preparedAfter(options) {
    const { classification } = options;
    if (!classification.ok)
        return options.prepared;
    const next = new Map(options.prepared);
    for (const statement of classification.statements) {
        if (statement.nested)
            continue;
        if (statement.kind === 'PREPARE' && statement.prepared !== undefined) {
            const own = classification.statements.filter((s) => s.statement === statement.statement);
            next.set(statement.prepared, own);
        }
        else if (statement.kind === 'DEALLOCATE') {
            if (statement.prepared === undefined)
                next.clear();
            else
                next.delete(statement.prepared);
        }
        else if (statement.kind === 'DISCARD') {
            next.clear();
        }
    }
    return next;
}

;// CONCATENATED MODULE: ./src/flow/data-path.ts






/**
 * Refresh when a quarter of the credential's life, or a minute, is left,
 * whichever is more, but never before half of it has passed: a credential
 * of a minute or less would otherwise be due at once, and every new
 * connection would issue another.
 */
function refreshDue(issued, issuedAt, now) {
    if (issued.expiresAt === undefined)
        return false;
    const end = issued.expiresAt.getTime();
    const life = end - issuedAt;
    const margin = Math.min(Math.max(60_000, life / 4), life / 2);
    return now >= end - margin;
}
/** After a failed renewal, new connections use the old credential this long before one tries again. */
const RETRY_AFTER_MS = 10_000;
/** Keeps the current upstream credential, issuing a new one when it nears expiry (one at a time). */
class CurrentCredential {
    options;
    #issued;
    #issuedAt = Date.now();
    #refreshing;
    #retryAt = 0;
    refreshed = 0;
    constructor(issued, options) {
        this.options = options;
        this.#issued = issued;
    }
    async get() {
        const now = Date.now();
        if (now < this.#retryAt || !refreshDue(this.#issued, this.#issuedAt, now))
            return this.#issued;
        this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined));
        return this.#refreshing;
    }
    async #refresh() {
        const name = this.options.request.name;
        try {
            const next = await this.options.reissue();
            this.#issued = next;
            this.#issuedAt = Date.now();
            this.refreshed += 1;
            this.options.log.info(`"${name}": upstream credential renewed${next.expiresAt === undefined ? '' : `, expires ${next.expiresAt.toISOString()}`}; new connections use it`);
        }
        catch (err) {
            // The old one is still valid until it expires: keep serving with it,
            // without making every new connection wait for another failing attempt.
            this.#retryAt = Date.now() + RETRY_AFTER_MS;
            this.options.log.warning(`"${name}": could not renew the upstream credential: ${(0,errors/* describeError */.Uc)(err)}`);
        }
        return this.#issued;
    }
}
async function openDataPath(options) {
    const { request } = options;
    const path = request.dataPath;
    const stats = newStats(path);
    const current = new CurrentCredential(options.issued, options);
    const opened = path.kind === 'postgres'
        ? await openPostgres(options, path, current, stats)
        : await openHttp(options, path, current, stats);
    // The local secret only: registering the whole URL would also mask every
    // 8-character window of it ("127.0.0.", the database name) in the log.
    options.register(opened.secret);
    stats.endpoint = opened.describe;
    stats.upstream = opened.upstream;
    return {
        fields: opened.fields,
        record: () => ({ ...stats, refreshed: current.refreshed }),
        close: () => opened.close(),
    };
}
function newStats(path) {
    return {
        kind: path.kind,
        upstream: path.kind === 'http' ? path.upstream : '',
        endpoint: '',
        total: 0,
        errors: 0,
        byKind: {},
        blocked: [],
        held: [],
        refreshed: 0,
    };
}
/** The verdict for one item: allowed, refused with a rule, or held and then decided by humans. */
async function decide(options, stats, verdict, text, signal) {
    if (verdict.action === 'allow')
        return { allow: true };
    const rule = verdict.rule ?? 'guardrails';
    const masked = clip(await options.mask(text));
    if (verdict.action === 'deny') {
        stats.blocked.push({
            time: new Date().toISOString(),
            kinds: [...verdict.kinds],
            rule,
            text: masked,
        });
        options.log.warning(`"${options.request.name}": blocked by rule ${rule}: ${verdict.reason}`);
        return { allow: false, rule, message: `gatepass: ${verdict.reason}` };
    }
    return hold(options, stats, { verdict, rule, masked, signal });
}
async function hold(options, stats, held) {
    const { verdict, rule, masked, signal } = held;
    const reason = verdict.reason;
    const entry = {
        time: new Date().toISOString(),
        kinds: [...verdict.kinds],
        rule,
        text: masked,
        outcome: 'denied',
    };
    stats.held.push(entry);
    if (options.review === undefined) {
        entry.outcome = 'no-approval-source';
        return {
            allow: false,
            rule,
            message: `gatepass: ${reason}, and this step has no approval source to ask (set approval-source)`,
        };
    }
    const what = options.request.dataPath.kind === 'postgres' ? 'statement' : 'request';
    options.log.info(`"${options.request.name}": a ${what} is held for approval (rule ${rule})`);
    try {
        const item = { credential: options.request.name, what, text: masked, rule };
        entry.approvers = await options.review(item, signal);
        entry.outcome = 'approved';
        return { allow: true };
    }
    catch (err) {
        entry.outcome = heldOutcome(err, signal);
        const why = err instanceof errors/* GatepassError */.J9 ? err.message : (0,errors/* describeError */.Uc)(err);
        return { allow: false, rule, message: `gatepass: ${reason}; not approved: ${why}` };
    }
}
/**
 * Why a held item was not approved, for the audit record: the gate says no by
 * throwing DENIED, which is a decision, not a failure to get one.
 */
function heldOutcome(err, signal) {
    if (signal.aborted)
        return 'abandoned';
    if (!(err instanceof errors/* GatepassError */.J9))
        return 'failed';
    if (err.code === 'DENIED')
        return 'denied';
    return err.code === 'TIMEOUT' ? 'timed-out' : 'failed';
}
const CLIP = 2_000;
function clip(text) {
    return text.length > CLIP ? `${text.slice(0, CLIP)}…` : text;
}
/**
 * One session-log line, `field` masked first: a statement or a path can quote
 * a secret (the job's own, or the endpoint's), and the log is kept as an artifact.
 */
function writeMasked(options, entry, field, text) {
    const write = (value) => {
        options.sessionLog.write({ credential: options.request.name, ...entry, [field]: value });
    };
    // Without a masker the text stays out; the rest of the line still counts.
    options.mask(text).then(write, () => {
        write('(left out: masking failed)');
    });
}
function count(stats, kinds, failed) {
    stats.total += 1;
    if (failed)
        stats.errors += 1;
    for (const kind of kinds.length === 0 ? ['UNKNOWN'] : kinds)
        stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
}
async function openPostgres(options, path, current, stats) {
    const { startPostgresProxy } = await Promise.all(/* import() */[__webpack_require__.e(421), __webpack_require__.e(835)]).then(__webpack_require__.bind(__webpack_require__, 2835));
    const name = options.request.name;
    const sessions = new Map();
    // Checked now, before the command starts: a credential without a host fails the step.
    const first = upstreamTarget(path, options.issued.values, name);
    const endpoint = await startPostgresProxy({
        database: first.database,
        upstream: async () => upstreamTarget(path, (await current.get()).values, name),
        inspect: async (check) => {
            const verdict = await sqlVerdict(path, sessions, check);
            const decision = await decide(options, stats, verdict, check.sql, check.signal);
            return { ...decision, kinds: [...verdict.kinds] };
        },
        record: (entry) => {
            count(stats, entry.kinds, entry.outcome === 'error');
            writeMasked(options, entry, 'sql', entry.sql);
        },
    });
    return {
        fields: {
            url: endpoint.url,
            host: endpoint.host,
            port: String(endpoint.port),
            database: endpoint.database,
            username: endpoint.user,
            password: endpoint.password,
        },
        secret: endpoint.password,
        upstream: `${first.host}:${first.port}/${first.database} (sslmode ${first.sslmode})`,
        describe: `postgresql://${endpoint.host}:${endpoint.port}/${endpoint.database}`,
        close: () => endpoint.close(),
    };
}
/**
 * The guardrails' verdict on one SQL string, with what the session prepared
 * so far (an EXECUTE is judged by its PREPARE). A classifier that fails
 * denies: nothing unread goes upstream.
 */
async function sqlVerdict(path, sessions, check) {
    const prepared = sessions.get(check.session) ?? new Map();
    let classification;
    try {
        classification = await classifySql({ sql: check.sql, prepared });
    }
    catch (err) {
        return {
            action: 'deny',
            rule: defaults/* UNPARSEABLE */.$B,
            reason: `the SQL could not be analysed (${(0,errors/* describeError */.Uc)(err)}), so it is denied by rule ${defaults/* UNPARSEABLE */.$B}`,
            kinds: [],
        };
    }
    const verdict = evaluateSql({ guardrails: path.guardrails, classification });
    if (verdict.action !== 'deny') {
        // Held statements may still be refused; a PREPARE remembered for one that
        // never ran only makes its EXECUTE be judged as what it would run.
        sessions.set(check.session, preparedAfter({ prepared, classification }));
    }
    return verdict;
}
/** Where gatepass connects upstream: `upstream:` first, then the credential's own fields. */
function upstreamTarget(path, values, name) {
    const pick = (...fields) => fields.map((f) => values[f]).find((v) => v !== undefined && v !== '');
    const host = path.upstream.host ?? pick('host', 'hostname');
    const user = pick('username', 'user');
    const password = pick('password');
    const missing = [
        host === undefined ? 'host' : '',
        user === undefined ? 'username' : '',
        password === undefined ? 'password' : '',
    ].filter((m) => m !== '');
    if (host === undefined || user === undefined || password === undefined) {
        throw new errors/* GatepassError */.J9('GATEWAY', `credential "${name}" has no ${missing.join(', ')} for its PostgreSQL upstream`, {
            hint: `Fields issued: ${Object.keys(values).join(', ') || 'none'}; name the server in \`upstream: postgresql://host:5432/db\``,
        });
    }
    const port = path.upstream.port ?? Number(pick('port') ?? 5432);
    const database = path.upstream.database ?? pick('database', 'dbname', 'database_name') ?? user;
    return {
        host,
        port,
        database,
        user,
        password,
        sslmode: path.upstream.sslmode ?? (0,data_path/* defaultSslMode */.hl)(host),
    };
}
async function openHttp(options, path, current, stats) {
    const { startHttpProxy } = await __webpack_require__.e(/* import() */ 726).then(__webpack_require__.bind(__webpack_require__, 8726));
    const name = options.request.name;
    // Checked now, before the command starts, as the PostgreSQL upstream is: a
    // header naming a field the credential lacks would fail every request.
    (0,data_path/* fillHeader */.pK)(path.header, options.issued.values, name);
    const endpoint = await startHttpProxy({
        upstream: new URL(path.upstream),
        credential: async () => ({
            header: path.header.name,
            value: (0,data_path/* fillHeader */.pK)(path.header, (await current.get()).values, name),
        }),
        inspect: async (check) => {
            const verdict = evaluateHttp({
                guardrails: path.guardrails,
                request: { method: check.method, path: check.path },
            });
            return decide(options, stats, verdict, `${check.method} ${check.path}`, check.signal);
        },
        record: (entry) => {
            count(stats, [entry.method], entry.outcome !== 'ok' && entry.outcome !== 'blocked');
            writeMasked(options, entry, 'path', entry.path);
        },
    });
    // The capability is the URL's first path segment.
    const secret = new URL(endpoint.url).pathname.split('/')[1] ?? endpoint.url;
    return {
        fields: { url: endpoint.url },
        secret,
        upstream: path.upstream,
        describe: 'http://127.0.0.1 (loopback)',
        close: () => endpoint.close(),
    };
}


/***/ })

};

//# sourceMappingURL=438.index.js.map