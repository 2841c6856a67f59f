/**
 * A GitHub REST API double on loopback, for exactly the endpoints
 * src/approvals/github.ts uses, that checks every exchange against GitHub's
 * published description (`@octokit/openapi`, api.github.com.json):
 *
 * - the method and path must be an operation of the description;
 * - every query parameter must be one the operation declares, with a value
 *   of its schema's type; required ones must be present;
 * - a JSON body must validate against the operation's request schema, with
 *   fields the schema does not name refused (GitHub ignores them silently,
 *   which would hide a misspelt field);
 * - every response the double sends must have a status the operation lists
 *   and a body that validates against that status's schema. The exceptions
 *   are answers GitHub documents once for the whole API rather than per
 *   operation: 304 Not Modified (conditional requests), 401/403/404 (bad
 *   token, missing permission, invisible resource) and 403/429 rate limits,
 *   whose bodies must still be a `basic-error`.
 *
 * Violations are recorded in `violations` (tests assert it stays empty) and
 * the request is answered 422, so drift fails loudly.
 *
 * Behaviour that the client must cope with for real: ETag / If-None-Match
 * (304, not counted against the rate limit), Link-header pagination, `since`,
 * secondary rate limits (403/429 with `retry-after`), injected faults.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Schema = Readonly<Record<string, unknown>>;

// ---------------------------------------------------------------------------
// The description and a checker for the JSON Schema subset it uses.

const ANNOTATIONS = new Set([
  'description',
  'example',
  'examples',
  'title',
  'readOnly',
  'writeOnly',
  'deprecated',
  'default',
  'discriminator',
  'externalDocs',
]);
const KEYWORDS = new Set([
  'type',
  'nullable',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'anyOf',
  'oneOf',
  'allOf',
  '$ref',
  'format',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
]);

let loaded: Schema | undefined;

/** api.github.com.json, parsed once per test file (13 MB). */
export function githubDescription(): Schema {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    const path = require.resolve('@octokit/openapi/generated/api.github.com.json');
    loaded = JSON.parse(readFileSync(path, 'utf8')) as Schema;
  }
  return loaded;
}

export interface Operation {
  template: string;
  method: string;
  operation: Schema;
  /** Parameters of the path item and the operation, $refs resolved. */
  parameters: Schema[];
  params: Record<string, string>;
}

export class Contract {
  readonly #doc: Schema;
  readonly #paths: Record<string, Schema>;
  readonly #templates: string[];

  constructor(doc: Schema = githubDescription()) {
    this.#doc = doc;
    this.#paths = doc.paths as Record<string, Schema>;
    this.#templates = Object.keys(this.#paths).sort((a, b) => literals(b) - literals(a));
  }

  match(method: string, path: string): Operation | undefined {
    const wanted = method.toLowerCase();
    for (const template of this.#templates) {
      const params = matchTemplate(template, path);
      if (params === undefined) continue;
      const item = this.#paths[template] ?? {};
      const operation = item[wanted];
      if (!isObject(operation)) continue;
      const parameters = [...asArray(item.parameters), ...asArray(operation.parameters)].map((p) =>
        this.resolve(p),
      );
      return { template, method: wanted, operation, parameters, params };
    }
    return undefined;
  }

  /** Every way the request breaks the operation's description. */
  checkRequest(op: Operation, query: URLSearchParams, body: unknown): string[] {
    const errors: string[] = [];
    const declared = op.parameters.filter((p) => p.in === 'query');
    for (const name of new Set(query.keys())) {
      const param = declared.find((p) => p.name === name);
      if (param === undefined) {
        errors.push(
          `query: "${name}" is not a parameter of ${op.method.toUpperCase()} ${op.template}`,
        );
        continue;
      }
      const schema = isObject(param.schema) ? param.schema : {};
      for (const raw of query.getAll(name)) {
        errors.push(
          ...this.validate(schema, coerce(this.resolve(schema), raw), { where: `query.${name}` }),
        );
      }
    }
    for (const param of declared) {
      if (param.required === true && !query.has(String(param.name)))
        errors.push(`query: "${String(param.name)}" is required`);
    }
    for (const param of op.parameters.filter((p) => p.in === 'path')) {
      const value = op.params[String(param.name)];
      if (value === undefined) continue;
      const schema = isObject(param.schema) ? param.schema : {};
      errors.push(
        ...this.validate(schema, coerce(this.resolve(schema), value), {
          where: `path.${String(param.name)}`,
        }),
      );
    }
    const requestBody = isObject(op.operation.requestBody)
      ? this.resolve(op.operation.requestBody)
      : undefined;
    if (requestBody === undefined) {
      if (body !== undefined) errors.push('body: the operation takes none');
    } else if (body === undefined) {
      if (requestBody.required === true) errors.push('body: required');
    } else {
      const schema = jsonSchema(requestBody.content);
      if (schema === undefined) errors.push('body: not application/json');
      else errors.push(...this.validate(schema, body, { where: 'body', closed: true }));
    }
    return errors;
  }

  /** Every way a response breaks the description; `undescribed` statuses use `basic-error`. */
  checkResponse(
    op: Operation,
    status: number,
    body: unknown,
    undescribed: ReadonlySet<number>,
  ): string[] {
    const responses = isObject(op.operation.responses) ? op.operation.responses : {};
    const entry = responses[String(status)];
    if (!isObject(entry)) {
      if (!undescribed.has(status))
        return [`response: ${status} is not a status of ${op.method.toUpperCase()} ${op.template}`];
      if (status === 304) return body === undefined ? [] : ['response: a 304 has no body'];
      return this.validate({ $ref: '#/components/schemas/basic-error' }, body, {
        where: `response ${status}`,
      });
    }
    const schema = jsonSchema(this.resolve(entry).content);
    if (schema === undefined)
      return body === undefined ? [] : [`response ${status}: the description lists no body`];
    return this.validate(schema, body, { where: `response ${status}` });
  }

  validate(
    schema: Schema,
    value: unknown,
    options: { where?: string; closed?: boolean } = {},
  ): string[] {
    const errors: string[] = [];
    this.#check(schema, value, options.where ?? '$', options.closed ?? false, errors);
    return errors;
  }

  resolve(node: unknown): Schema {
    let current: unknown = node;
    for (let depth = 0; isObject(current) && typeof current.$ref === 'string'; depth++) {
      if (depth > 20) throw new Error('$ref cycle');
      current = this.#pointer(current.$ref);
    }
    if (!isObject(current)) throw new Error('not a schema object');
    return current;
  }

  #pointer(ref: string): unknown {
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    let node: unknown = this.#doc;
    for (const part of ref.slice(2).split('/')) {
      node = isObject(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    }
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
    return node;
  }

  #check(schema: Schema, value: unknown, where: string, closed: boolean, errors: string[]): void {
    for (const key of Object.keys(schema)) {
      if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key) && !key.startsWith('x-')) {
        throw new Error(`${where}: the checker does not know the schema keyword "${key}"`);
      }
    }
    if (typeof schema.$ref === 'string') {
      this.#check(this.resolve(schema), value, where, closed, errors);
      return;
    }
    for (const part of asArray(schema.allOf)) this.#check(part, value, where, closed, errors);
    if (Array.isArray(schema.anyOf))
      this.#alternatives(schema.anyOf as Schema[], value, where, closed, errors, 'anyOf');
    if (Array.isArray(schema.oneOf))
      this.#alternatives(schema.oneOf as Schema[], value, where, closed, errors, 'oneOf');
    if (value === null) {
      const types = typeList(schema.type);
      if (types.length > 0 && schema.nullable !== true && !types.includes('null'))
        errors.push(`${where}: null is not allowed`);
      return;
    }
    if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
      errors.push(
        `${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`,
      );
    }
    const types = typeList(schema.type);
    if (types.length > 0 && !types.some((t) => hasType(value, t))) {
      errors.push(`${where}: expected ${types.join('|')}, got ${describeType(value)}`);
      return;
    }
    if (typeof value === 'string') checkString(schema, value, where, errors);
    if (typeof value === 'number') checkNumber(schema, value, where, errors);
    if (Array.isArray(value)) this.#checkArray(schema, value, where, closed, errors);
    else if (isObject(value)) this.#checkObject(schema, value, where, closed, errors);
  }

  #alternatives(
    options: Schema[],
    value: unknown,
    where: string,
    closed: boolean,
    errors: string[],
    keyword: 'anyOf' | 'oneOf',
  ): void {
    const results = options.map((option) => this.validate(option, value, { where, closed }));
    const passing = results.filter((r) => r.length === 0).length;
    if (passing === 0) {
      errors.push(
        `${where}: matches none of ${keyword} (${results.map((r) => r[0] ?? '').join(' / ')})`,
      );
    } else if (keyword === 'oneOf' && passing > 1) {
      errors.push(`${where}: matches ${passing} branches of oneOf`);
    }
  }

  #checkArray(
    schema: Schema,
    value: unknown[],
    where: string,
    closed: boolean,
    errors: string[],
  ): void {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      errors.push(`${where}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      errors.push(`${where}: more than ${schema.maxItems} items`);
    if (
      schema.uniqueItems === true &&
      new Set(value.map((v) => JSON.stringify(v))).size !== value.length
    ) {
      errors.push(`${where}: items are not unique`);
    }
    if (isObject(schema.items)) {
      const items = schema.items;
      value.forEach((item, i) => {
        this.#check(items, item, `${where}[${i}]`, closed, errors);
      });
    }
  }

  #checkObject(
    schema: Schema,
    value: Record<string, unknown>,
    where: string,
    closed: boolean,
    errors: string[],
  ): void {
    const properties = isObject(schema.properties)
      ? (schema.properties as Record<string, Schema>)
      : undefined;
    for (const name of Array.isArray(schema.required) ? (schema.required as unknown[]) : []) {
      if (typeof name === 'string' && !(name in value))
        errors.push(`${where}: "${name}" is required`);
    }
    const additional = schema.additionalProperties;
    for (const [name, item] of Object.entries(value)) {
      const declared = properties?.[name];
      if (declared !== undefined) this.#check(declared, item, `${where}.${name}`, closed, errors);
      else if (isObject(additional))
        this.#check(additional, item, `${where}.${name}`, closed, errors);
      else if (
        additional === false ||
        (closed && additional === undefined && properties !== undefined)
      ) {
        errors.push(`${where}: "${name}" is not a field the description names`);
      }
    }
  }
}

function checkString(schema: Schema, value: string, where: string, errors: string[]): void {
  if (typeof schema.minLength === 'number' && value.length < schema.minLength)
    errors.push(`${where}: shorter than ${schema.minLength}`);
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
    errors.push(`${where}: longer than ${schema.maxLength}`);
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
    errors.push(`${where}: does not match ${schema.pattern}`);
  // The one format whose breakage would matter to a client: timestamps it parses.
  if (
    schema.format === 'date-time' &&
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)
  ) {
    errors.push(`${where}: ${JSON.stringify(value)} is not an RFC 3339 date-time`);
  }
}

function checkNumber(schema: Schema, value: number, where: string, errors: string[]): void {
  if (typeof schema.minimum === 'number' && value < schema.minimum)
    errors.push(`${where}: below ${schema.minimum}`);
  if (typeof schema.maximum === 'number' && value > schema.maximum)
    errors.push(`${where}: above ${schema.maximum}`);
}

/** A query-string value as the type its schema says, so the schema can check it. */
function coerce(schema: Schema, raw: string): unknown {
  const types = typeList(schema.type);
  if (types.includes('integer') || types.includes('number'))
    return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (types.includes('boolean')) return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

function typeList(type: unknown): string[] {
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : [];
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    case 'null':
      return value === null;
    default:
      throw new Error(`unknown schema type "${type}"`);
  }
}

function describeType(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

function jsonSchema(content: unknown): Schema | undefined {
  if (!isObject(content)) return undefined;
  const json = content['application/json'];
  return isObject(json) && isObject(json.schema) ? json.schema : undefined;
}

function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/').filter((s) => s !== '');
  const have = path.split('/').filter((s) => s !== '');
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i] ?? '';
    const param = /^\{([^}]+)\}$/.exec(segment)?.[1];
    if (param === undefined) {
      if (have[i] !== segment) return undefined;
    } else {
      params[param] = decodeURIComponent(have[i] ?? '');
    }
  }
  return params;
}

function literals(template: string): number {
  return template.split('/').filter((s) => s !== '' && !s.startsWith('{')).length;
}

function asArray(value: unknown): Schema[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------
// The server.

export interface GhUser {
  id: number;
  login: string;
  type: 'User' | 'Bot';
}

export interface GhComment {
  id: number;
  issue: number;
  user: GhUser;
  body: string;
  created_at: string;
  updated_at: string;
}

interface GhIssue {
  number: number;
  id: number;
  title: string;
  body: string;
  user: GhUser;
  state: 'open' | 'closed';
  state_reason: string | null;
  pull: boolean;
  created_at: string;
  updated_at: string;
}

export interface Recorded {
  method: string;
  path: string;
  query: string;
  status: number;
  /** False for 304s: GitHub does not count them against the primary rate limit. */
  counted: boolean;
}

export interface Fault {
  method?: string;
  /** Matches when the path contains this. */
  path?: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many requests it answers. Default 1. */
  times?: number;
}

export interface GitHubDoubleOptions {
  owner?: string;
  repo?: string;
  token?: string;
  /** Server time; tests pass their fake clock's. */
  now?: () => number;
  /** What the token may do: `pull-requests: write` / `issues: write`. */
  canComment?: boolean;
  canOpenIssues?: boolean;
}

const UNDESCRIBED = new Set([304, 401, 403, 404, 429]);

export class GitHubDouble {
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  readonly requests: Recorded[] = [];
  readonly violations: string[] = [];
  readonly faults: Fault[] = [];
  canComment: boolean;
  canOpenIssues: boolean;
  /** Rewrites a response body before it is sent (tests of the response check). */
  tamper: ((path: string, body: unknown) => unknown) | undefined;
  /** Runs before each request is answered: humans acting while the client polls. */
  onRequest: ((method: string, path: string) => void) | undefined;
  #now: () => number;
  readonly #contract: Contract;
  readonly #server: Server;
  readonly #users = new Map<string, GhUser>();
  readonly #permissions = new Map<number, { permission: string; role_name: string }>();
  readonly #teams = new Map<string, GhUser[] | 'forbidden'>();
  readonly #issues = new Map<number, GhIssue>();
  readonly #comments: GhComment[] = [];
  #nextId = 5000;
  #nextNumber = 1;
  #url = '';

  private constructor(options: GitHubDoubleOptions) {
    this.owner = options.owner ?? 'acme';
    this.repo = options.repo ?? 'app';
    this.token = options.token ?? 'ghs_doubleTokenValue0123456789abcdefABCDEF';
    this.#now = options.now ?? (() => Date.now());
    this.canComment = options.canComment ?? true;
    this.canOpenIssues = options.canOpenIssues ?? true;
    this.#contract = new Contract();
    this.#server = createServer((req, res) => {
      void this.#handle(req, res);
    });
  }

  static async start(options: GitHubDoubleOptions = {}): Promise<GitHubDouble> {
    const double = new GitHubDouble(options);
    await new Promise<void>((resolve) => {
      double.#server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = double.#server.address() as AddressInfo;
    double.#url = `http://127.0.0.1:${port}`;
    return double;
  }

  get url(): string {
    return this.#url;
  }

  get contract(): Contract {
    return this.#contract;
  }

  setClock(now: () => number): void {
    this.#now = now;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }

  /** Counted requests (not 304) so far. */
  get counted(): number {
    return this.requests.filter((r) => r.counted).length;
  }

  addUser(
    login: string,
    options: { id?: number; type?: 'User' | 'Bot'; permission?: string } = {},
  ): GhUser {
    const user: GhUser = { id: options.id ?? this.#nextId++, login, type: options.type ?? 'User' };
    this.#users.set(login.toLowerCase(), user);
    if (options.permission !== undefined) this.setPermission(user, options.permission);
    return user;
  }

  /** The login now belongs to someone else (a rename, then a re-registration). */
  renameUser(user: GhUser, newLogin: string): void {
    this.#users.delete(user.login.toLowerCase());
    user.login = newLogin;
    this.#users.set(newLogin.toLowerCase(), user);
  }

  setPermission(user: GhUser, permission: string, roleName?: string): void {
    this.#permissions.set(user.id, { permission, role_name: roleName ?? permission });
  }

  setTeam(slug: string, members: GhUser[] | 'forbidden'): void {
    this.#teams.set(slug.toLowerCase(), members);
  }

  openPull(author: GhUser): number {
    const number = this.#nextNumber++;
    const at = this.#iso();
    this.#issues.set(number, {
      number,
      id: this.#nextId++,
      title: 'Change things',
      body: '',
      user: author,
      state: 'open',
      state_reason: null,
      pull: true,
      created_at: at,
      updated_at: at,
    });
    return number;
  }

  /** A human comments (through the web UI: not a recorded API request). */
  comment(issue: number, user: GhUser, body: string, options: { at?: number } = {}): GhComment {
    const at = this.#iso(options.at);
    const comment: GhComment = {
      id: this.#nextId++,
      issue,
      user,
      body,
      created_at: at,
      updated_at: at,
    };
    this.#comments.push(comment);
    this.#comments.sort((a, b) => a.id - b.id);
    return comment;
  }

  editComment(comment: GhComment, body: string): void {
    comment.body = body;
    comment.updated_at = this.#iso(this.#now() + 1000);
  }

  commentsOn(issue: number): GhComment[] {
    return this.#comments.filter((c) => c.issue === issue);
  }

  issue(
    number: number,
  ): { state: string; state_reason: string | null; body: string; title: string } | undefined {
    return this.#issues.get(number);
  }

  get issueNumbers(): number[] {
    return [...this.#issues.keys()];
  }

  #iso(at?: number): string {
    // GitHub timestamps have whole seconds.
    return new Date(Math.floor((at ?? this.#now()) / 1000) * 1000)
      .toISOString()
      .replace('.000Z', 'Z');
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#url);
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    this.onRequest?.(method, url.pathname);
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}): void => {
      this.#send(res, { method, url, op: invalid ? undefined : op, status, body, headers });
    };
    // An answer to a request already recorded as a violation is not checked again.
    let invalid = false;
    const op = this.#contract.match(method, url.pathname);
    if (op === undefined) {
      this.violations.push(`${method} ${url.pathname}: not an operation of the description`);
      invalid = true;
      answer(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
      return;
    }
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      this.violations.push(`${method} ${url.pathname}: body is not JSON`);
      invalid = true;
      answer(400, { message: 'Problems parsing JSON' });
      return;
    }
    const problems = this.#contract.checkRequest(op, url.searchParams, body);
    if (problems.length > 0) {
      this.violations.push(...problems.map((p) => `${method} ${op.template}: ${p}`));
      invalid = true;
      answer(422, {
        message: 'Validation Failed',
        documentation_url: 'https://docs.github.com/rest',
      });
      return;
    }
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) {
      answer(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
      });
      return;
    }
    const fault = this.#takeFault(method, url.pathname);
    if (fault !== undefined) {
      answer(
        fault.status,
        fault.body ?? { message: 'fault', documentation_url: 'https://docs.github.com/rest' },
        fault.headers,
      );
      return;
    }
    const result = this.#route(op, url, body);
    const conditional = req.headers['if-none-match'];
    if (method === 'GET' && result.status === 200) {
      const etag = `W/"${createHash('sha1').update(JSON.stringify(result.body)).digest('hex')}"`;
      result.headers = { ...result.headers, etag };
      if (conditional === etag) {
        answer(304, undefined, { etag });
        return;
      }
    }
    answer(result.status, result.body, result.headers);
  }

  #takeFault(method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex(
      (f) =>
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || path.includes(f.path)),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index];
    if (fault === undefined) return undefined;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  #send(
    res: ServerResponse,
    a: {
      method: string;
      url: URL;
      op: Operation | undefined;
      status: number;
      body: unknown;
      headers: Record<string, string>;
    },
  ): void {
    const body =
      a.body === undefined ? undefined : (this.tamper?.(a.url.pathname, a.body) ?? a.body);
    if (a.op !== undefined) {
      const problems = this.#contract.checkResponse(a.op, a.status, body, UNDESCRIBED);
      this.violations.push(...problems.map((p) => `${a.method} ${a.op?.template ?? ''}: ${p}`));
    }
    this.requests.push({
      method: a.method,
      path: a.url.pathname,
      query: a.url.search,
      status: a.status,
      counted: a.status !== 304,
    });
    const headers: Record<string, string> = { ...a.headers };
    if (body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    res.writeHead(a.status, headers);
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  #route(
    op: Operation,
    url: URL,
    body: unknown,
  ): { status: number; body?: unknown; headers?: Record<string, string> } {
    const key = `${op.method.toUpperCase()} ${op.template}`;
    const p = op.params;
    if (p.owner !== undefined && (p.owner !== this.owner || p.repo !== this.repo))
      return notFound();
    switch (key) {
      case 'GET /users/{username}':
        return this.#getUser(p.username ?? '');
      case 'GET /repos/{owner}/{repo}/collaborators/{username}/permission':
        return this.#getPermission(p.username ?? '');
      case 'GET /orgs/{org}/teams/{team_slug}/members':
        return this.#listTeam(`${p.org ?? ''}/${p.team_slug ?? ''}`, url);
      case 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments':
        return this.#listComments(Number(p.issue_number), url);
      case 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments':
        return this.#createComment(Number(p.issue_number), body as { body: string });
      case 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}':
        return this.#updateComment(Number(p.comment_id), body as { body: string });
      case 'POST /repos/{owner}/{repo}/issues':
        return this.#createIssue(body as { title: string; body?: string });
      case 'PATCH /repos/{owner}/{repo}/issues/{issue_number}':
        return this.#updateIssue(Number(p.issue_number), body as Partial<GhIssue>);
      default:
        this.violations.push(`${key}: described, but the double does not implement it`);
        return { status: 404, body: { message: 'Not Found' } };
    }
  }

  /** The bot the token acts as (comments it posts are by `github-actions[bot]`). */
  get #self(): GhUser {
    return (
      this.#users.get('github-actions[bot]') ??
      this.addUser('github-actions[bot]', { id: 41898282, type: 'Bot' })
    );
  }

  #getUser(login: string): { status: number; body: unknown } {
    const user = this.#users.get(login.toLowerCase());
    if (user === undefined) return notFound();
    return {
      status: 200,
      body: {
        ...simpleUser(user),
        user_view_type: 'public',
        name: null,
        company: null,
        blog: '',
        location: null,
        email: null,
        hireable: null,
        bio: null,
        public_repos: 1,
        public_gists: 0,
        followers: 0,
        following: 0,
        created_at: '2020-01-01T00:00:00Z',
        updated_at: '2024-01-01T00:00:00Z',
      },
    };
  }

  #getPermission(login: string): { status: number; body: unknown } {
    const user = this.#users.get(login.toLowerCase());
    if (user === undefined) return notFound();
    const perm = this.#permissions.get(user.id) ?? { permission: 'read', role_name: 'read' };
    return {
      status: 200,
      body: { ...perm, user: { ...simpleUser(user), role_name: perm.role_name } },
    };
  }

  #listTeam(
    slug: string,
    url: URL,
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    const team = this.#teams.get(slug.toLowerCase());
    if (team === undefined) return notFound();
    if (team === 'forbidden') {
      return {
        status: 403,
        body: {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest/teams/members',
        },
      };
    }
    return this.#page(url, team.map(simpleUser));
  }

  #listComments(
    issue: number,
    url: URL,
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    if (!this.#issues.has(issue)) return notFound();
    const since = url.searchParams.get('since');
    const list = this.commentsOn(issue).filter(
      (c) => since === null || Date.parse(c.updated_at) >= Date.parse(since),
    );
    return this.#page(
      url,
      list.map((c) => this.#commentBody(c)),
    );
  }

  /** One page of `items`, with GitHub's Link header. */
  #page(
    url: URL,
    items: unknown[],
  ): { status: number; body: unknown; headers: Record<string, string> } {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? '30'));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? '1'));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number): string => {
      const u = new URL(url.toString());
      u.searchParams.set('page', String(n));
      return `<${u.toString()}>`;
    };
    const rels: string[] = [];
    if (page < last) rels.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    if (page > 1) rels.push(`${link(page - 1)}; rel="prev"`, `${link(1)}; rel="first"`);
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      headers: rels.length === 0 ? {} : { link: rels.join(', ') },
    };
  }

  #createComment(issue: number, body: { body: string }): { status: number; body: unknown } {
    if (!this.#issues.has(issue)) return notFound();
    if (!this.canComment)
      return forbidden('https://docs.github.com/rest/issues/comments#create-an-issue-comment');
    const comment = this.comment(issue, this.#self, body.body);
    return { status: 201, body: this.#commentBody(comment) };
  }

  #updateComment(id: number, body: { body: string }): { status: number; body?: unknown } {
    const comment = this.#comments.find((c) => c.id === id);
    if (comment === undefined) return { status: 422, body: { message: 'Validation Failed' } };
    this.editComment(comment, body.body);
    return { status: 200, body: this.#commentBody(comment) };
  }

  #createIssue(body: { title: string; body?: string }): { status: number; body: unknown } {
    if (!this.canOpenIssues)
      return forbidden('https://docs.github.com/rest/issues/issues#create-an-issue');
    const number = this.#nextNumber++;
    const at = this.#iso();
    const issue: GhIssue = {
      number,
      id: this.#nextId++,
      title: body.title,
      body: body.body ?? '',
      user: this.#self,
      state: 'open',
      state_reason: null,
      pull: false,
      created_at: at,
      updated_at: at,
    };
    this.#issues.set(number, issue);
    return { status: 201, body: this.#issueBody(issue) };
  }

  #updateIssue(number: number, body: Partial<GhIssue>): { status: number; body: unknown } {
    const issue = this.#issues.get(number);
    if (issue === undefined) return notFound();
    if (!this.canOpenIssues)
      return forbidden('https://docs.github.com/rest/issues/issues#update-an-issue');
    if (body.body !== undefined) issue.body = body.body;
    if (body.state !== undefined) issue.state = body.state;
    if (body.state_reason !== undefined) issue.state_reason = body.state_reason;
    issue.updated_at = this.#iso();
    return { status: 200, body: this.#issueBody(issue) };
  }

  #repoUrl(): string {
    return `${this.#url}/repos/${this.owner}/${this.repo}`;
  }

  #commentBody(c: GhComment): Record<string, unknown> {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${this.#repoUrl()}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${this.#repoUrl()}/issues/${c.issue}`,
      body: c.body,
      user: simpleUser(c.user),
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    };
  }

  #issueBody(i: GhIssue): Record<string, unknown> {
    const base = `${this.#repoUrl()}/issues/${i.number}`;
    return {
      id: i.id,
      node_id: `I_${i.id}`,
      url: base,
      repository_url: this.#repoUrl(),
      labels_url: `${base}/labels{/name}`,
      comments_url: `${base}/comments`,
      events_url: `${base}/events`,
      html_url: `https://github.com/${this.owner}/${this.repo}/issues/${i.number}`,
      number: i.number,
      state: i.state,
      state_reason: i.state_reason,
      title: i.title,
      body: i.body,
      user: simpleUser(i.user),
      labels: [],
      assignee: null,
      milestone: null,
      locked: false,
      comments: this.commentsOn(i.number).length,
      closed_at: i.state === 'closed' ? i.updated_at : null,
      created_at: i.created_at,
      updated_at: i.updated_at,
    };
  }
}

export function simpleUser(u: GhUser): Record<string, unknown> {
  const api = `https://api.github.com/users/${u.login}`;
  return {
    login: u.login,
    id: u.id,
    node_id: `U_${u.id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}`,
    gravatar_id: '',
    url: api,
    html_url: `https://github.com/${u.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: u.type,
    site_admin: false,
  };
}

function notFound(): { status: number; body: unknown } {
  return {
    status: 404,
    body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
  };
}

function forbidden(doc: string): { status: number; body: unknown } {
  return {
    status: 403,
    body: { message: 'Resource not accessible by integration', documentation_url: doc },
  };
}

/** GitHub's answer to too many requests too fast (docs: "Rate limits for the REST API"). */
export function secondaryRateLimit(retryAfterSeconds: number, status: 403 | 429 = 403): Fault {
  return {
    status,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
