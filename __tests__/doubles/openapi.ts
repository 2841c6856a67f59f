/**
 * A small checker for the part of OpenAPI 3.0 / JSON Schema that the vendor
 * descriptions in specs/ (vendored from shared/specs) use: type (with nullable), properties,
 * required, additionalProperties, items, enum, allOf, $ref, minLength,
 * maxLength, minItems. Annotations (description, example, format, default,
 * readOnly, deprecated, x-*) are ignored; any other keyword throws, so a spec
 * update that needs more cannot pass unchecked.
 *
 * `closed` treats an object schema that lists `properties` and says nothing
 * of `additionalProperties` as closed: a field the spec does not name is an
 * error. The doubles use it so that a misspelt field fails the test instead
 * of being silently ignored by a lenient server.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Schema = Readonly<Record<string, unknown>>;

/** A pattern to match a request path against, and the spec template it stands for. */
export type Candidate = readonly [pattern: string, template: string];

export interface MatchedOperation {
  /** The spec's path template, e.g. `/connections/{nameOrID}/credentials`. */
  template: string;
  /** Lower-case method as the spec keys it. */
  method: string;
  operation: Schema;
  /** Path parameters, decoded. */
  params: Record<string, string>;
}

const ANNOTATIONS = new Set([
  'description',
  'example',
  'format',
  'default',
  'readOnly',
  'deprecated',
  'title',
]);
const KEYWORDS = new Set([
  'type',
  'nullable',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'allOf',
  '$ref',
  'minLength',
  'maxLength',
  'minItems',
]);
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/**
 * specs/<name> beside this file (the team's shared/specs, vendored so that a
 * clean clone anywhere runs the contract tests), whatever the working directory.
 */
export function specPath(name: string): string {
  return fileURLToPath(new URL(`./specs/${name}`, import.meta.url));
}

export class OpenApi {
  readonly #doc: Schema;
  readonly #paths: Record<string, Schema>;

  constructor(doc: unknown) {
    if (!isObject(doc) || !isObject(doc.paths)) throw new Error('not an OpenAPI document');
    this.#doc = doc;
    this.#paths = doc.paths as Record<string, Schema>;
  }

  static load(name: string): OpenApi {
    return new OpenApi(JSON.parse(readFileSync(specPath(name), 'utf8')));
  }

  get templates(): string[] {
    return Object.keys(this.#paths);
  }

  /**
   * The operation for `method path`, trying `templates` (default: all the
   * spec's) in order of specificity (more literal segments first). Each
   * candidate is a pattern to match and the spec template it stands for, so a
   * double can narrow `{database_mount_path}` to its own mounts. A parameter
   * named in `greedy` may span several segments (Vault's kv `{path}`).
   */
  match(
    method: string,
    path: string,
    options: { templates?: readonly Candidate[]; greedy?: ReadonlySet<string> } = {},
  ): MatchedOperation | undefined {
    const wanted = method.toLowerCase();
    for (const [pattern, template] of this.#candidates(options.templates)) {
      const params = matchTemplate(pattern, path, options.greedy ?? new Set());
      if (params === undefined) continue;
      const operation = this.#paths[template]?.[wanted];
      if (isObject(operation)) return { template, method: wanted, operation, params };
    }
    return undefined;
  }

  /** Methods the spec lists for the first template that matches `path`. */
  methodsFor(
    path: string,
    templates?: readonly Candidate[],
    greedy?: ReadonlySet<string>,
  ): string[] {
    for (const [pattern, template] of this.#candidates(templates)) {
      if (matchTemplate(pattern, path, greedy ?? new Set()) === undefined) continue;
      return Object.keys(this.#paths[template] ?? {}).filter((m) => METHODS.has(m));
    }
    return [];
  }

  #candidates(templates: readonly Candidate[] | undefined): Candidate[] {
    const all = templates ?? this.templates.map((t): Candidate => [t, t]);
    return [...all].sort((a, b) => literalCount(b[0]) - literalCount(a[0]));
  }

  /** The JSON request body schema, and whether a body is required. */
  requestBody(op: MatchedOperation): { schema: Schema; required: boolean } | undefined {
    const body = op.operation.requestBody;
    if (!isObject(body)) return undefined;
    const schema = jsonSchemaOf(body.content);
    if (schema === undefined)
      throw new Error(`${op.template}: request body is not application/json`);
    return { schema, required: body.required === true };
  }

  /**
   * The response schema for `status`. `listed` says whether the spec lists the
   * status for this operation; `schema` is undefined when it lists no body.
   */
  response(op: MatchedOperation, status: number): { listed: boolean; schema: Schema | undefined } {
    const responses = isObject(op.operation.responses) ? op.operation.responses : {};
    const entry = responses[String(status)] ?? responses.default;
    if (!isObject(entry)) return { listed: false, schema: undefined };
    return { listed: true, schema: jsonSchemaOf(entry.content) };
  }

  /** Statuses the operation lists. */
  statuses(op: MatchedOperation): number[] {
    const responses = isObject(op.operation.responses) ? op.operation.responses : {};
    return Object.keys(responses)
      .filter((s) => /^\d{3}$/.test(s))
      .map(Number);
  }

  /** A component schema by name (`openapi.HTTPError`). */
  schema(name: string): Schema {
    return { $ref: `#/components/schemas/${name}` };
  }

  /** Every way `value` breaks `schema`, as "where: what" lines; empty when valid. */
  validate(
    schema: Schema,
    value: unknown,
    options: { closed?: boolean; where?: string } = {},
  ): string[] {
    const errors: string[] = [];
    this.#check(schema, value, options.where ?? '$', options.closed ?? false, errors);
    return errors;
  }

  #resolve(ref: string): Schema {
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    let node: unknown = this.#doc;
    for (const part of ref.slice(2).split('/')) {
      node = isObject(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    }
    if (!isObject(node)) throw new Error(`unresolved $ref ${ref}`);
    return node;
  }

  #check(schema: Schema, value: unknown, where: string, closed: boolean, errors: string[]): void {
    for (const key of Object.keys(schema)) {
      if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key) && !key.startsWith('x-')) {
        throw new Error(`${where}: the checker does not know the schema keyword "${key}"`);
      }
    }
    if (typeof schema.$ref === 'string') {
      this.#check(this.#resolve(schema.$ref), value, where, closed, errors);
    }
    if (Array.isArray(schema.allOf)) {
      for (const part of schema.allOf)
        if (isObject(part)) this.#check(part, value, where, closed, errors);
    }
    if (value === null) {
      if (schema.nullable !== true && schema.type !== undefined)
        errors.push(`${where}: null is not allowed`);
      return;
    }
    if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
      errors.push(
        `${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`,
      );
    }
    if (typeof schema.type === 'string' && !hasType(value, schema.type)) {
      errors.push(`${where}: expected ${schema.type}, got ${describeType(value)}`);
      return;
    }
    if (typeof value === 'string') this.#checkString(schema, value, where, errors);
    if (Array.isArray(value)) this.#checkArray(schema, value, where, closed, errors);
    else if (isObject(value)) this.#checkObject(schema, value, where, closed, errors);
  }

  #checkString(schema: Schema, value: string, where: string, errors: string[]): void {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
      errors.push(`${where}: shorter than ${schema.minLength}`);
    }
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
      errors.push(`${where}: longer than ${schema.maxLength}`);
    }
  }

  #checkArray(
    schema: Schema,
    value: unknown[],
    where: string,
    closed: boolean,
    errors: string[],
  ): void {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      errors.push(`${where}: fewer than ${schema.minItems} items`);
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
    if (Array.isArray(schema.required)) {
      for (const name of schema.required) {
        if (typeof name === 'string' && !(name in value))
          errors.push(`${where}: "${name}" is required`);
      }
    }
    const additional = schema.additionalProperties;
    for (const [name, item] of Object.entries(value)) {
      const declared = properties?.[name];
      if (declared !== undefined) {
        this.#check(declared, item, `${where}.${name}`, closed, errors);
      } else if (isObject(additional)) {
        this.#check(additional, item, `${where}.${name}`, closed, errors);
      } else if (
        additional === false ||
        (closed && additional === undefined && properties !== undefined)
      ) {
        errors.push(`${where}: "${name}" is not a field the spec describes`);
      }
    }
  }
}

function jsonSchemaOf(content: unknown): Schema | undefined {
  if (!isObject(content)) return undefined;
  const json = content['application/json'];
  return isObject(json) && isObject(json.schema) ? json.schema : undefined;
}

function matchTemplate(
  template: string,
  path: string,
  greedy: ReadonlySet<string>,
): Record<string, string> | undefined {
  const want = template.split('/').filter((s) => s !== '');
  const have = path.split('/').filter((s) => s !== '');
  const params: Record<string, string> = {};
  let h = 0;
  for (let w = 0; w < want.length; w++) {
    const segment = want[w] ?? '';
    const param = /^\{([^}]+)\}$/.exec(segment)?.[1];
    if (param === undefined) {
      if (have[h] !== segment) return undefined;
      h++;
      continue;
    }
    if (h >= have.length) return undefined;
    if (greedy.has(param)) {
      // Take as many segments as leave enough for the rest of the template.
      const take = have.length - h - (want.length - w - 1);
      if (take < 1) return undefined;
      params[param] = have
        .slice(h, h + take)
        .map(decodeURIComponent)
        .join('/');
      h += take;
    } else {
      params[param] = decodeURIComponent(have[h] ?? '');
      h++;
    }
  }
  // A trailing slash is its own template in Vault's spec (LIST endpoints).
  const slashMatters = template.endsWith('/') !== path.endsWith('/');
  return h === have.length && !slashMatters ? params : undefined;
}

function literalCount(template: string): number {
  return template.split('/').filter((s) => s !== '' && !s.startsWith('{')).length;
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
    default:
      throw new Error(`unknown schema type "${type}"`);
  }
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
