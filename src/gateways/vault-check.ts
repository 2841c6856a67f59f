/**
 * What node-vault asks of tv4, for the one schema it checks each request's
 * options against (node-vault's `request`: an object whose `path` and
 * `method` are strings). gatepass builds those options itself (vault.ts
 * `call`), so the check cannot fail for it; handing node-vault this check
 * instead (its `tv4` option) keeps tv4, a whole JSON-schema library, off the
 * way from the ID token to the Vault login: the bundles stand in for it and
 * never load it (scripts/build.mjs). __tests__/gateways/vault.test.ts holds
 * it to tv4's answers for the schema node-vault passes.
 */

/** The part of JSON Schema node-vault's request schema uses. */
export interface RequestSchema {
  type?: unknown;
  properties?: Record<string, { type?: unknown }>;
  required?: unknown;
}

/** tv4's interface, as node-vault calls it: `validate`, then `error` when it returned false. */
export interface RequestCheck {
  error: Error | null;
  validate(data: unknown, schema: RequestSchema): boolean;
}

export function requestCheck(): RequestCheck {
  const check: RequestCheck = {
    error: null,
    validate(data, schema) {
      const problem = problemOf(data, schema);
      check.error = problem === undefined ? null : new Error(problem);
      return problem === undefined;
    },
  };
  return check;
}

/** tv4's message for the first problem, or undefined. */
function problemOf(data: unknown, schema: RequestSchema): string | undefined {
  const { properties = {}, required = [] } = schema;
  const stringsOnly = Object.values(properties).every((p) => p.type === 'string');
  if (schema.type !== 'object' || !Array.isArray(required) || !stringsOnly) {
    // node-vault changed its schema: fail loudly rather than check less.
    throw new Error(`node-vault's request schema is not the one vault-check.ts knows`);
  }
  if (typeOf(data) !== 'object') return `Invalid type: ${typeOf(data)} (expected object)`;
  const record = data as Record<string, unknown>;
  for (const name of required as unknown[]) {
    if (typeof name === 'string' && record[name] === undefined) {
      return `Missing required property: ${name}`;
    }
  }
  for (const name of Object.keys(properties)) {
    const value = record[name];
    if (value !== undefined && typeof value !== 'string') {
      return `Invalid type: ${typeOf(value)} (expected string)`;
    }
  }
  return undefined;
}

/** JSON Schema's type names, as tv4 reports them. */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
