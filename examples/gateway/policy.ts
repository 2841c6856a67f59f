/**
 * The reference gateway's policy: YAML rules that map identity-token claims
 * (exact values or globs) to the scopes, audiences and resources a caller may
 * ask for, a maximum TTL, and whether a human must approve first.
 *
 * ```yaml
 * max_ttl: 1h            # ceiling for every rule
 * default_ttl: 15m       # when the client asks for none
 * rules:
 *   - name: deploy-main
 *     match: { repository: octo-org/app, ref: refs/heads/main, environment: production }
 *     scopes: [deploy]
 *     audiences: [https://deploy.example.com]
 *     max_ttl: 15m
 *     approval: required
 *   - name: migrate
 *     match: { repository: octo-org/app, ref: refs/heads/main }
 *     scopes: ['db:migrator']
 *     postgres: { grants: [migrator], connection_limit: 5 }   # a new role per exchange
 * ```
 *
 * Globs: `*` matches within one path segment (no `/`), `**` matches anything,
 * `?` one character. A list of patterns matches when any of them does.
 */
import { parse } from 'yaml';

export interface Rule {
  name: string;
  match: Record<string, string[]>;
  scopes: string[];
  audiences: string[];
  resources: string[];
  maxTtlSeconds: number | undefined;
  approval: boolean;
  /** Each exchange under this rule creates a PostgreSQL role (postgres.ts). */
  postgres: PostgresGrant | undefined;
}

/** What the role created for one exchange gets. */
export interface PostgresGrant {
  /** Roles it becomes a member of (`GRANT <role> TO <new role>`). */
  grants: string[];
  /** The database named in the credential. Default: the admin connection's. */
  database: string | undefined;
  /** `CONNECTION LIMIT`. Default: none. */
  connectionLimit: number | undefined;
}

export interface Policy {
  rules: Rule[];
  maxTtlSeconds: number;
  defaultTtlSeconds: number;
}

export interface PolicyRequest {
  scopes: string[];
  audiences: string[];
  resources: string[];
}

export type Decision =
  | { allowed: true; rule: Rule; maxTtlSeconds: number }
  | { allowed: false; error: 'invalid_grant' | 'invalid_scope' | 'invalid_target'; reason: string };

const RULE_KEYS = new Set([
  'name',
  'match',
  'scopes',
  'audiences',
  'resources',
  'max_ttl',
  'approval',
  'postgres',
]);
const POSTGRES_KEYS = new Set(['grants', 'database', 'connection_limit']);

export function parsePolicy(text: string): Policy {
  const doc: unknown = parse(text);
  if (!isObject(doc)) throw new Error('policy: expected a mapping with `rules:`');
  const rules = doc.rules ?? [];
  if (!Array.isArray(rules)) throw new Error('policy: `rules` must be a list');
  return {
    maxTtlSeconds: parseDuration(doc.max_ttl ?? '1h', 'max_ttl'),
    defaultTtlSeconds: parseDuration(doc.default_ttl ?? '15m', 'default_ttl'),
    rules: rules.map((rule, index) => parseRule(rule, index)),
  };
}

function parseRule(raw: unknown, index: number): Rule {
  const where = `policy: rules[${index}]`;
  if (!isObject(raw)) throw new Error(`${where} must be a mapping`);
  for (const key of Object.keys(raw)) {
    if (!RULE_KEYS.has(key)) throw new Error(`${where}: unknown key \`${key}\``);
  }
  const name = typeof raw.name === 'string' ? raw.name : `rule ${index + 1}`;
  if (!isObject(raw.match) || Object.keys(raw.match).length === 0) {
    throw new Error(`${where} (${name}): \`match\` must name at least one claim`);
  }
  const match: Record<string, string[]> = {};
  for (const [claim, value] of Object.entries(raw.match)) {
    match[claim] = stringList(value, `${where}.match.${claim}`);
  }
  if (raw.approval !== undefined && raw.approval !== 'required' && raw.approval !== 'none') {
    throw new Error(`${where}: \`approval\` must be "required" or "none"`);
  }
  return {
    name,
    match,
    scopes: stringList(raw.scopes ?? [], `${where}.scopes`),
    audiences: stringList(raw.audiences ?? [], `${where}.audiences`),
    resources: stringList(raw.resources ?? [], `${where}.resources`),
    maxTtlSeconds:
      raw.max_ttl === undefined ? undefined : parseDuration(raw.max_ttl, `${where}.max_ttl`),
    approval: raw.approval === 'required',
    postgres:
      raw.postgres === undefined ? undefined : parsePostgres(raw.postgres, `${where}.postgres`),
  };
}

function parsePostgres(raw: unknown, where: string): PostgresGrant {
  // `postgres: {}` (or `postgres:` alone) is a login role without grants.
  if (raw === null) return { grants: [], database: undefined, connectionLimit: undefined };
  if (!isObject(raw)) throw new Error(`${where} must be a mapping, e.g. { grants: [migrator] }`);
  for (const key of Object.keys(raw)) {
    if (!POSTGRES_KEYS.has(key)) {
      throw new Error(`${where}: unknown key \`${key}\` (use grants, database, connection_limit)`);
    }
  }
  const grants = stringList(raw.grants ?? [], `${where}.grants`);
  if (grants.some((g) => g === '')) throw new Error(`${where}.grants: a role name is empty`);
  const database = raw.database;
  if (database !== undefined && (typeof database !== 'string' || database === '')) {
    throw new Error(`${where}.database must be a database name`);
  }
  const limit = raw.connection_limit;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
    throw new Error(`${where}.connection_limit must be a positive whole number`);
  }
  return { grants, database, connectionLimit: limit };
}

/** The first rule that matches the claims and allows everything asked for wins. */
export function evaluate(
  policy: Policy,
  claims: Record<string, unknown>,
  request: PolicyRequest,
): Decision {
  const candidates = policy.rules.filter((rule) => matchesClaims(rule, claims));
  if (candidates.length === 0) {
    return {
      allowed: false,
      error: 'invalid_grant',
      reason: 'no policy rule matches this identity',
    };
  }
  const names = candidates.map((r) => r.name).join(', ');
  const scoped = candidates.filter((rule) => allAllowed(request.scopes, rule.scopes));
  if (scoped.length === 0) {
    return {
      allowed: false,
      error: 'invalid_scope',
      reason: `scope "${request.scopes.join(' ')}" is not allowed for this identity (matching rules: ${names})`,
    };
  }
  const rule = scoped.find(
    (r) => allAllowed(request.audiences, r.audiences) && allAllowed(request.resources, r.resources),
  );
  if (rule === undefined) {
    return {
      allowed: false,
      error: 'invalid_target',
      reason: `audience/resource "${[...request.audiences, ...request.resources].join(' ')}" is not allowed for this identity and scope (matching rules: ${names})`,
    };
  }
  return {
    allowed: true,
    rule,
    maxTtlSeconds: Math.min(policy.maxTtlSeconds, rule.maxTtlSeconds ?? policy.maxTtlSeconds),
  };
}

function matchesClaims(rule: Rule, claims: Record<string, unknown>): boolean {
  return Object.entries(rule.match).every(([claim, patterns]) => {
    const value = claims[claim];
    const values = Array.isArray(value) ? value : [value];
    return values.some(
      (v) =>
        (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') &&
        patterns.some((p) => globMatch(p, String(v))),
    );
  });
}

function allAllowed(requested: string[], allowed: string[]): boolean {
  return requested.every((item) => allowed.some((pattern) => globMatch(pattern, item)));
}

/** `*` within a segment, `**` across segments, `?` one character; anchored. */
export function globMatch(pattern: string, value: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '*' && pattern.charAt(i + 1) === '*') {
      source += '.*';
      i++;
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[\\^$.+()[\]{}|]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's').test(value);
}

/** "30s", "15m", "1h", "2d" or a number of seconds. */
export function parseDuration(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  const match = typeof value === 'string' ? /^(\d+)(s|m|h|d)$/.exec(value.trim()) : null;
  if (match === null) throw new Error(`${where}: expected a duration like 30s, 15m or 1h`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

function stringList(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new Error(`${where}: expected a string or a list of strings`);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
