/**
 * The data-path fields of one `credentials` item: `proxy: postgres | http`
 * puts gatepass between the job and the upstream, so the job gets a loopback
 * endpoint (its `env` names the endpoint's fields) and never the credential.
 * Everything is checked here, before the first network call.
 */
import { GatepassError } from '../common/errors.js';
import { parseHttpGuardrails, parseSqlGuardrails } from '../guardrails/rules.js';
import type { HttpGuardrails, SqlGuardrails } from '../guardrails/types.js';
import { credentialsError, optionalString, short, type Raw } from './parse.js';
import { URL_SCHEME_HINT, isLoopback, urlSchemeProblem } from './limits.js';

export const DATA_PATH_FIELDS = ['proxy', 'upstream', 'header', 'guardrails'] as const;
export const DATA_PATH_KINDS = ['postgres', 'http'] as const;
export type DataPathKind = (typeof DATA_PATH_KINDS)[number];

/** libpq's `sslmode` values (allow is left out: it tries plain text first). */
export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface PostgresDataPath {
  kind: 'postgres';
  /**
   * Where gatepass connects; parts left out come from the credential's
   * fields. Without `sslmode`: verify-full, or prefer for a loopback host
   * ({@link defaultSslMode}).
   */
  upstream: { host?: string; port?: number; database?: string; sslmode?: SslMode };
  guardrails: SqlGuardrails;
}

export interface HttpDataPath {
  kind: 'http';
  /** The API's base URL (https, or http on loopback). */
  upstream: string;
  /** The header gatepass adds, its value a template over the credential's fields. */
  header: { name: string; template: string; fields: string[] };
  guardrails: HttpGuardrails;
}

export type DataPathRequest = PostgresDataPath | HttpDataPath;

/** What the job's `env` may name for each kind: the endpoint's fields, not the credential's. */
export const ENDPOINT_FIELDS: Record<DataPathKind, readonly string[]> = {
  postgres: ['url', 'host', 'port', 'database', 'username', 'password'],
  http: ['url'],
};

/** The data-path part of one item, or undefined without `proxy`. */
export function parseDataPath(
  raw: Raw,
  where: string,
  defaultTokenField: string | undefined,
): DataPathRequest | undefined {
  const kind = raw.proxy;
  if (kind === undefined || kind === null) {
    const stray = DATA_PATH_FIELDS.find((f) => f !== 'proxy' && raw[f] !== undefined);
    if (stray !== undefined) {
      throw credentialsError(
        `${where}: \`${stray}\` is only for a data path`,
        'Add `proxy: postgres` or `proxy: http`, or remove it',
      );
    }
    return undefined;
  }
  if (typeof kind !== 'string' || !(DATA_PATH_KINDS as readonly string[]).includes(kind)) {
    throw credentialsError(
      `${where}: \`proxy\` is ${typeof kind === 'string' ? `"${short(kind)}"` : 'not a name'}`,
      'Use `proxy: postgres` (a loopback PostgreSQL endpoint) or `proxy: http` (a loopback API endpoint)',
    );
  }
  const rules = { value: raw.guardrails, where: `${where}: \`guardrails\`` };
  if (kind === 'postgres') {
    if (raw.header !== undefined) {
      throw credentialsError(
        `${where}: \`header\` is only for \`proxy: http\``,
        'A PostgreSQL data path logs in with the credential itself; remove `header`',
      );
    }
    return {
      kind,
      upstream: parsePostgresUpstream(raw.upstream, where),
      guardrails: parseSqlGuardrails(rules),
    };
  }
  return {
    kind: 'http',
    upstream: parseHttpUpstream(raw.upstream, where),
    header: parseHeader(raw.header, where, defaultTokenField),
    guardrails: parseHttpGuardrails(rules),
  };
}

function parsePostgresUpstream(value: unknown, where: string): PostgresDataPath['upstream'] {
  const hint =
    'e.g. `upstream: postgresql://db.internal:5432/app?sslmode=verify-full` (no user or password: the credential has them)';
  if (value === undefined || value === null) return {};
  if (typeof value !== 'string')
    throw credentialsError(`${where}: \`upstream\` is not a URL`, hint);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw credentialsError(`${where}: \`upstream\` is not a URL`, hint);
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw credentialsError(`${where}: \`upstream\` must be a postgresql:// URL`, hint);
  }
  if (url.username !== '' || url.password !== '') {
    throw credentialsError(`${where}: \`upstream\` must not hold a user or password`, hint);
  }
  const unknown = [...url.searchParams.keys()].find((k) => k !== 'sslmode');
  if (unknown !== undefined) {
    throw credentialsError(
      `${where}: \`upstream\` has the parameter \`${short(unknown)}\``,
      'Only `sslmode` is read; the CA comes from `ca-certificate` or NODE_EXTRA_CA_CERTS',
    );
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const sslmode = parseSslMode(url.searchParams.get('sslmode'), where);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return {
    ...(host === '' ? {} : { host }),
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    ...(database === '' ? {} : { database }),
    ...(sslmode === undefined ? {} : { sslmode }),
  };
}

function parseSslMode(value: string | null, where: string): SslMode | undefined {
  if (value === null) return undefined;
  if ((SSL_MODES as readonly string[]).includes(value)) return value as SslMode;
  throw credentialsError(
    `${where}: \`upstream\` has sslmode "${short(value)}"`,
    `Use one of ${SSL_MODES.join(', ')}`,
  );
}

/**
 * Unlike libpq (`prefer`), the default verifies the server: gatepass holds
 * the credential and carries the job's data, so it must know whom it talks
 * to. A loopback server (a local test cluster) defaults to `prefer`.
 */
export function defaultSslMode(host: string): SslMode {
  const url = new URL(`postgresql://${host.includes(':') ? `[${host}]` : host}`);
  return isLoopback(url) ? 'prefer' : 'verify-full';
}

function parseHttpUpstream(value: unknown, where: string): string {
  const hint = 'e.g. `upstream: https://api.example.com/v1` (the API the job talks to)';
  if (typeof value !== 'string' || value === '') {
    throw credentialsError(`${where}: \`proxy: http\` needs \`upstream\``, hint);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw credentialsError(`${where}: \`upstream\` is not an absolute URL`, hint);
  }
  const scheme = urlSchemeProblem(url);
  if (scheme !== undefined)
    throw credentialsError(`${where}: \`upstream\` ${scheme}`, URL_SCHEME_HINT);
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw credentialsError(
      `${where}: \`upstream\` must be a base URL without user, password, query or fragment`,
      hint,
    );
  }
  return url.href;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
const FIELD_REFERENCE = /\{([A-Za-z0-9_.-]{1,64})\}/g;
/** Headers the proxy itself owns: a template there would break the exchange with the upstream. */
const RESERVED_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'proxy-authorization',
]);

/**
 * `header: "Authorization: Bearer {access_token}"`: the name, and a value in
 * which `{field}` stands for a field of the issued credential.
 */
function parseHeader(
  value: unknown,
  where: string,
  defaultTokenField: string | undefined,
): HttpDataPath['header'] {
  const hint =
    'e.g. `header: "Authorization: Bearer {access_token}"` ({field} is a field of the credential)';
  const text =
    value === undefined && defaultTokenField !== undefined
      ? `Authorization: Bearer {${defaultTokenField}}`
      : optionalString({ header: value }, 'header', where);
  if (text === undefined || text === '') {
    throw credentialsError(`${where}: \`proxy: http\` needs \`header\``, hint);
  }
  const colon = text.indexOf(':');
  const name = text.slice(0, colon).trim();
  const template = text.slice(colon + 1).trim();
  if (colon < 0 || !HEADER_NAME.test(name)) {
    throw credentialsError(`${where}: \`header\` must be "Name: value"`, hint);
  }
  if (RESERVED_HEADERS.has(name.toLowerCase())) {
    throw credentialsError(
      `${where}: \`header\` may not set ${name}`,
      'Use the header the API reads the credential from',
    );
  }
  const fields = [...template.matchAll(FIELD_REFERENCE)].map((m) => m[1] ?? '');
  if (fields.length === 0) {
    throw credentialsError(`${where}: \`header\` names no field of the credential`, hint);
  }
  if (/[\r\n]/.test(template)) throw credentialsError(`${where}: \`header\` spans lines`, hint);
  return { name, template, fields };
}

/** The header's value with the credential's fields in; throws naming a missing field. */
export function fillHeader(
  header: HttpDataPath['header'],
  values: Readonly<Record<string, string>>,
  credential: string,
): string {
  return header.template.replace(FIELD_REFERENCE, (_, field: string) => {
    const value = values[field];
    if (value === undefined) {
      throw new GatepassError(
        'GATEWAY',
        `credential "${credential}" has no field "${field}" for its header`,
        {
          hint: `Fields issued: ${Object.keys(values).join(', ') || 'none'}; fix \`header\``,
        },
      );
    }
    return value;
  });
}
