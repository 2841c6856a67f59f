/**
 * The Vault / OpenBao gateway, through node-vault. Each credential request is
 * its own JWT login (`auth/<vault-auth-path>/login {role, jwt}`) followed by
 * one read of `path`, so each issued credential owns a token and its leases
 * and can be revoked on its own: the leases first (`sys/leases/revoke`), then
 * the token (`auth/token/revoke-self`), which takes any lease left with it.
 *
 * Every HTTP call goes through the shared retry policy: network errors, 408,
 * 429 and 5xx (503 is "sealed" or "standby") are retried with backoff, each
 * attempt bounded by its own timeout, the whole call by one deadline.
 * node-vault builds the requests and reads Vault's answers; the HTTP itself is
 * gatepass's transport (common/http.ts, through node-vault's
 * `request-promise` option, see {@link send}), so that no redirect is ever
 * followed and proxies apply: node-vault's own axios layer follows redirects
 * and re-sends `X-Vault-Token` and the login body (the ID token) to wherever
 * `Location` points. node-vault does not report response headers, so
 * a 429's `Retry-After` is not seen (the jittered backoff stands in for it).
 */
import nodeVault from 'node-vault';
import { GatepassError, describeError, type ErrorCode } from '../common/errors.js';
import { messageOf, oneLine, scrub } from './text.js';
import { bindingHint, identityDiagnostics } from '../identity/diagnostics.js';
import type { RegisterSecret } from '../identity/source.js';
import type { IdentityToken } from '../identity/token.js';
import { silentLogger, type Logger } from '../common/logger.js';
import {
  HttpStatusError,
  formatDuration,
  isRetryableStatus,
  retry,
  type RetryOptions,
} from '../common/retry.js';
import { RedirectRefusedError, attempt } from '../common/http.js';
import {
  handleOf,
  requireEnvFields,
  cleanupSignal,
  type CredentialRequest,
  type Gateway,
  type Issued,
  type JsonValue,
  type VaultRequest,
  type VaultRevocation,
} from './gateway.js';
import { requireSafeUrl } from '../config/limits.js';
import { requestCheck } from './vault-check.js';

export interface VaultOptions {
  /** Vault's address (`VAULT_ADDR`): `https:` unless loopback. */
  gateway: string;
  /** `vault-role`: the JWT auth role to log in with. */
  role: string;
  /** `vault-auth-path`: where JWT auth is mounted. Default `jwt`. */
  authPath?: string;
  /** `vault-namespace` (Vault Enterprise, HCP Vault, OpenBao namespaces). */
  namespace?: string;
  /** Deadline of one gateway call, retries and all. Default 2 minutes. */
  timeoutMs?: number;
  /** Timeout of one HTTP request. Default 30 s. */
  attemptTimeoutMs?: number;
  /** Backoff tuning and clock, for tests. */
  retry?: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs' | 'clock'>;
  registerSecret: RegisterSecret;
  logger?: Logger;
}

interface Settings {
  address: URL;
  role: string;
  authPath: string;
  namespace: string | undefined;
  timeoutMs: number;
  attemptTimeoutMs: number;
  retry: VaultOptions['retry'];
  registerSecret: RegisterSecret;
  logger: Logger;
}

/** Vault's login token, as the login answered it. */
interface Login {
  token: string;
  accessor: string;
  /** Undefined for a token that never expires (root, periodic without TTL). */
  expiresAt: Date | undefined;
}

/** Vault's generic response envelope (what the OpenAPI file does not describe). */
interface Envelope {
  lease_id: string;
  lease_duration: number;
  data: Record<string, unknown>;
}

/** What a 2xx answer's body may be: JSON object, or nothing (204). */
type Body = Record<string, unknown> | undefined;

/** Validates the options before any network call, then returns the gateway. */
export function createVaultGateway(options: VaultOptions): Gateway {
  const settings = resolve(options);
  return {
    issue: (request, id, signal) => issue(settings, request, id, signal),
    poll: (pending) =>
      Promise.reject(
        new GatepassError('INTERNAL', `the Vault gateway never leaves "${pending.name}" pending`),
      ),
    revoke: (handle, signal) => revoke(settings, handleOf(handle, 'vault', 'Vault'), signal),
  };
}

function resolve(options: VaultOptions): Settings {
  const address = requireSafeUrl(options.gateway, '`gateway`');
  if (options.role.trim() === '') {
    throw new GatepassError('CONFIG', 'the vault provider needs `vault-role`', {
      hint: 'Set `vault-role` to the JWT auth role bound to this repository or project',
    });
  }
  const authPath = (options.authPath ?? 'jwt').replace(/^\/+|\/+$/g, '').replace(/^auth\//, '');
  if (!/^[\w.-]+(\/[\w.-]+)*$/.test(authPath)) {
    throw new GatepassError('INPUT', `\`vault-auth-path\` "${authPath}" is not a mount path`, {
      hint: 'Use the path JWT auth is enabled at, e.g. `jwt` or `github-actions` (no leading auth/)',
    });
  }
  const namespace = options.namespace?.replace(/^\/+|\/+$/g, '');
  return {
    address,
    role: options.role.trim(),
    authPath,
    namespace: namespace === '' ? undefined : namespace,
    timeoutMs: options.timeoutMs ?? 120_000,
    attemptTimeoutMs: options.attemptTimeoutMs ?? 30_000,
    retry: options.retry,
    registerSecret: options.registerSecret,
    logger: options.logger ?? silentLogger,
  };
}

/**
 * The Vault part of a credential request, checked and normalised: a path
 * below `/v1/` without `..`, query or fragment; `data` only with POST. Config
 * validation calls it too, so mistakes surface before any network call.
 */
export function checkVaultRequest(
  request: CredentialRequest,
): Required<Pick<VaultRequest, 'path' | 'method'>> & Pick<VaultRequest, 'data'> {
  const vault = request.vault;
  const where = `credential "${request.name}"`;
  if (vault === undefined || vault.path.trim() === '') {
    throw new GatepassError('CONFIG', `${where} has no \`path\``, {
      hint: 'With provider vault, each credential names a `path`, e.g. database/creds/migrator',
    });
  }
  const path = vault.path.trim().replace(/^\/+/, '').replace(/^v1\//, '').replace(/\/+$/, '');
  if (/[?#\s]/.test(path) || path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new GatepassError('CONFIG', `${where}: \`path\` "${path}" is not a Vault path`, {
      hint: 'Give the path below /v1/ without query or "..", e.g. secret/data/app',
    });
  }
  const method = vault.method ?? 'GET';
  if (method === 'GET' && vault.data !== undefined) {
    throw new GatepassError('CONFIG', `${where} has \`data\` but method GET`, {
      hint: 'Set `method: POST` to send `data`, or remove `data`',
    });
  }
  return { path, method, ...(vault.data === undefined ? {} : { data: vault.data }) };
}

async function issue(
  settings: Settings,
  request: CredentialRequest,
  id: IdentityToken,
  signal: AbortSignal,
): Promise<Issued> {
  const target = checkVaultRequest(request);
  const deadline = Date.now() + settings.timeoutMs;
  const client = vaultClient(settings.address, settings.namespace);
  const login = await logIn(settings, client, id, signal, deadline);
  const handle: VaultRevocation = {
    provider: 'vault',
    address: settings.address.href,
    ...(settings.namespace === undefined ? {} : { namespace: settings.namespace }),
    token: login.token,
    leases: [],
    ...(login.expiresAt === undefined ? {} : { expiresAt: login.expiresAt.toISOString() }),
  };
  try {
    const secrets = [id.value, login.token];
    const body = await call(settings, client, signal, deadline, secrets, {
      method: target.method,
      path: target.path,
      token: login.token,
      ...(target.data === undefined ? {} : { json: target.data }),
    });
    const envelope = readEnvelope(body, `${target.method} ${target.path}`);
    if (envelope.lease_id !== '') handle.leases.push(envelope.lease_id);
    const issued = toIssued(settings, request, target.path, envelope, login);
    requireEnvFields(request, issued.values, `the secret at ${target.path}`);
    return { ...issued, revocation: handle };
  } catch (err) {
    // Nothing will use the token or its lease: do not leave them alive, even
    // when `signal` is the cancel that ended the read.
    await revoke(settings, handle, cleanupSignal()).catch((e: unknown) => {
      settings.logger.warning(`could not revoke the unused Vault token: ${describeError(e)}`);
    });
    throw readError(err, settings, target, id);
  }
}

async function logIn(
  settings: Settings,
  client: VaultClient,
  id: IdentityToken,
  signal: AbortSignal,
  deadline: number,
): Promise<Login> {
  const path = `auth/${settings.authPath}/login`;
  let body: Body;
  try {
    body = await call(settings, client, signal, deadline, [id.value], {
      method: 'POST',
      path,
      json: { role: settings.role, jwt: id.value },
    });
  } catch (err) {
    throw loginError(err, settings, id);
  }
  const auth = body?.auth;
  const token = isObject(auth) ? auth.client_token : undefined;
  if (!isObject(auth) || typeof token !== 'string' || token === '') {
    throw new GatepassError(
      'GATEWAY',
      `Vault's answer to POST ${path} holds no auth.client_token`,
      {
        hint: 'Check that `gateway` is the Vault address and `vault-auth-path` a JWT auth mount',
      },
    );
  }
  // Before anything else can see it.
  settings.registerSecret(token);
  const ttl = typeof auth.lease_duration === 'number' ? auth.lease_duration : 0;
  const accessor = typeof auth.accessor === 'string' ? auth.accessor : '';
  // The accessor is what Vault's audit log shows; it cannot be used to read secrets.
  settings.logger.info(
    `logged in to Vault as role "${settings.role}"${accessor === '' ? '' : ` (token accessor ${accessor})`}${ttl > 0 ? `, token valid for ${formatDuration(ttl * 1000)}` : ''}`,
  );
  return {
    token,
    accessor,
    expiresAt: ttl > 0 ? new Date(Date.now() + ttl * 1000) : undefined,
  };
}

function loginError(err: unknown, settings: Settings, id: IdentityToken): unknown {
  if (!(err instanceof HttpStatusError) || ![400, 401, 403].includes(err.status)) return err;
  settings.logger.warning(identityDiagnostics(id, err.message));
  const mount =
    err.status === 403
      ? ` A 403 at login also means nothing is mounted at auth/${settings.authPath}: check \`vault-auth-path\`.`
      : '';
  return new GatepassError(
    'DENIED',
    `Vault refused the login as role "${settings.role}": ${err.message}`,
    {
      hint: `The identity token's claims are in the log above; compare them with the role's bound_audiences and bound_claims.${mount} ${bindingHint(id)}`,
    },
  );
}

function readError(
  err: unknown,
  settings: Settings,
  target: { path: string; method: string },
  id: IdentityToken,
): unknown {
  if (!(err instanceof HttpStatusError)) return err;
  if (err.status === 403) {
    settings.logger.warning(identityDiagnostics(id, err.message));
    return new GatepassError('DENIED', err.message, {
      hint: `The policies of role "${settings.role}" do not allow ${target.method === 'GET' ? 'read' : 'create/update'} on ${target.path}; attach a policy that does, or fix \`path\``,
    });
  }
  if (err.status === 404) {
    return new GatepassError('GATEWAY', err.message, {
      hint: `Nothing is at ${target.path}${settings.namespace === undefined ? '' : ` in namespace ${settings.namespace}`}: check \`path\` (kv v2 reads go through <mount>/data/<name>) and \`vault-namespace\``,
    });
  }
  if (err.status === 400 || err.status === 405) {
    return new GatepassError('GATEWAY', err.message, {
      hint: 'Vault rejected the request: check `method` and `data` against the secrets engine',
    });
  }
  return err;
}

/** The answer's `data` as string fields; kv v2's `data.data` flattened, `metadata` dropped. */
function toIssued(
  settings: Settings,
  request: CredentialRequest,
  path: string,
  envelope: Envelope,
  login: Login,
): Omit<Issued, 'revocation'> {
  const data = kvV2Data(envelope.data) ?? envelope.data;
  const values: Record<string, string> = {};
  const publicFields: string[] = [];
  for (const [field, value] of Object.entries(data)) {
    if (typeof value === 'string') {
      // Before anything else can see it.
      if (value !== '') settings.registerSecret(value);
      values[field] = value;
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      // Ports, flags and counts: masking "5432" or "true" everywhere would
      // mangle the job's output, and no credential is a bare number.
      values[field] = String(value);
      publicFields.push(field);
    } else if (value !== null && value !== undefined) {
      const text = JSON.stringify(value);
      settings.registerSecret(text);
      values[field] = text;
    }
  }
  const expiresAt = expiry(envelope, login);
  if (envelope.lease_id !== '' && envelope.lease_duration > request.ttlSeconds) {
    settings.logger.info(
      `Vault leased "${request.name}" (${path}) for ${formatDuration(envelope.lease_duration * 1000)}, longer than the ${formatDuration(request.ttlSeconds * 1000)} asked: the secrets engine role's default_ttl decides; gatepass revokes it when the step ends`,
    );
  }
  return {
    kind: 'issued',
    name: request.name,
    values,
    publicFields,
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

/** kv v2 nests the secret in `data.data` next to `data.metadata` (version, times). */
function kvV2Data(data: Record<string, unknown>): Record<string, unknown> | undefined {
  const keys = Object.keys(data);
  const isKvV2 =
    keys.length === 2 &&
    isObject(data.metadata) &&
    typeof data.metadata.version === 'number' &&
    (isObject(data.data) || data.data === null);
  if (!isKvV2) return undefined;
  if (data.data === null) {
    throw new GatepassError(
      'GATEWAY',
      'the kv v2 secret has no data (its version is deleted or destroyed)',
      {
        hint: 'Undelete the version, write a new one, or read another version',
      },
    );
  }
  return data.data as Record<string, unknown>;
}

/** A lease ends at its duration, or with the token that created it, whichever is first. */
function expiry(envelope: Envelope, login: Login): Date | undefined {
  if (envelope.lease_id === '' || envelope.lease_duration <= 0) return undefined;
  const lease = Date.now() + envelope.lease_duration * 1000;
  const token = login.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
  return new Date(Math.min(lease, token));
}

function readEnvelope(body: Body, what: string): Envelope {
  const data = body?.data;
  if (body === undefined || !isObject(data)) {
    throw new GatepassError('GATEWAY', `Vault's answer to ${what} holds no \`data\` object`, {
      hint: 'The path answered without a secret: check `path` (and `method`), or that `gateway` is Vault',
    });
  }
  return {
    lease_id: typeof body.lease_id === 'string' ? body.lease_id : '',
    lease_duration: typeof body.lease_duration === 'number' ? body.lease_duration : 0,
    data,
  };
}

/**
 * Revoke the leases, then the token. Revoking the token also revokes every
 * lease it created, so a token that is already gone (403: revoked, or expired)
 * means the leases are gone too: that is success, as is an expired handle.
 * The explicit lease revocation comes first because it ends the database
 * user at once, while a token's leases are revoked in the background.
 */
async function revoke(
  settings: Settings,
  handle: VaultRevocation,
  signal: AbortSignal,
): Promise<void> {
  if (handle.expiresAt !== undefined && Date.parse(handle.expiresAt) <= Date.now()) {
    settings.logger.debug('the Vault token has expired: Vault has revoked it and its leases');
    return;
  }
  const address = requireSafeUrl(handle.address, 'the Vault address of the revocation handle');
  const client = vaultClient(address, handle.namespace);
  // The token's revocation settles everything, so the leases may use only
  // half of the budget: an unreachable Vault must not leave it no time.
  const started = Date.now();
  const leaseDeadline = started + settings.timeoutMs / 2;
  const deadline = started + settings.timeoutMs;
  const secrets = [handle.token];
  const leaseProblems: string[] = [];
  for (const lease of handle.leases) {
    try {
      // PUT, as Vault's API documentation writes it; Vault treats it as POST.
      await call(settings, client, signal, leaseDeadline, secrets, {
        method: 'PUT',
        path: 'sys/leases/revoke',
        token: handle.token,
        json: { lease_id: lease },
      });
    } catch (err) {
      // 403: the token may not revoke leases (not in Vault's default policy),
      // or is gone already; revoking the token below settles both.
      if (!(err instanceof HttpStatusError && err.status === 403)) {
        leaseProblems.push(`lease ${lease}: ${messageOf(err)}`);
      }
    }
  }
  try {
    await call(settings, client, signal, deadline, secrets, {
      method: 'POST',
      path: 'auth/token/revoke-self',
      token: handle.token,
    });
  } catch (err) {
    if (err instanceof HttpStatusError && err.status === 403) {
      settings.logger.debug('the Vault token was already revoked or expired');
      return;
    }
    const problems = [...leaseProblems, `token: ${messageOf(err)}`];
    // A refused redirect is a setting to fix, not bad luck: say which.
    const fix = err instanceof RedirectRefusedError ? `${err.hint ?? ''}. ` : '';
    throw new GatepassError('GATEWAY', `Vault revocation failed: ${problems.join('; ')}`, {
      hint: `${fix}The token${handle.leases.length > 0 ? ' and its leases stay' : ' stays'} valid until ${handle.expiresAt ?? 'its TTL ends'}; revoke by hand (vault token revoke -accessor …) if it matters`,
      cause: err,
    });
  }
  if (leaseProblems.length > 0) {
    settings.logger.debug(
      `revoked the token, which takes its leases along (${leaseProblems.join('; ')})`,
    );
  }
}

// ---- transport ------------------------------------------------------------

interface VaultRequestOptions {
  method: string;
  path: string;
  headers: Record<string, string>;
  json?: unknown;
  /** Passed through node-vault untouched, to {@link send}. */
  signal: AbortSignal;
}

/** The part of node-vault's client gatepass uses (its own typings are `any`). */
interface VaultClient {
  token: string;
  request(options: VaultRequestOptions): Promise<unknown>;
}

function vaultClient(address: URL, namespace: string | undefined): VaultClient {
  const client = nodeVault({
    endpoint: `${address.origin}${address.pathname.replace(/\/+$/, '')}`,
    apiVersion: 'v1',
    ...(namespace === undefined ? {} : { namespace }),
    // node-vault prints request bodies (the JWT) through `debug` when
    // DEBUG=node-vault is set; nothing of ours goes there (and its own
    // `debug` instance, made at load, is never called: scripts/build.mjs).
    debug: () => undefined,
    // node-vault's HTTP layer, replaced: see `send`. node-vault hands it its
    // defaults (`strictSSL` from VAULT_SKIP_VERIFY), which `send` ignores:
    // certificates are always verified.
    'request-promise': { defaults: () => send },
    // No generated command methods (about a hundred per client): gatepass
    // calls only `request`, and node-vault's table of commands is then never
    // loaded (scripts/build.mjs).
    commands: {},
    // node-vault's check of each request's options, without tv4 (vault-check.ts).
    // Its typings call the option a function; node-vault uses `validate` and `error`.
    tv4: requestCheck() as unknown as NonNullable<
      NonNullable<Parameters<typeof nodeVault>[0]>['tv4']
    >,
  });
  // node-vault falls back to VAULT_TOKEN, VAULT_NAMESPACE and VAULT_PREFIX from
  // the environment; only gatepass's own inputs may decide what is sent.
  client.token = '';
  Object.assign(client, { namespace, pathPrefix: '' });
  return client;
}

/** What node-vault gives its HTTP layer: our {@link VaultRequestOptions} plus the URL it built. */
interface Outgoing extends VaultRequestOptions {
  uri: string;
}

/** What node-vault expects back from its HTTP layer. */
interface Incoming {
  statusCode: number;
  body: unknown;
  request: { path: string };
}

/** Refused redirects name what they protect, and the fix. */
const PEER = {
  what: 'Vault',
  redirectHint:
    'Set `gateway` to the active Vault node or to a load balancer that sends requests only to it (health check /v1/sys/health); a standby redirects when it cannot forward a request to the active node',
};

/**
 * node-vault's HTTP layer: one attempt through gatepass's transport
 * (common/http.ts) to the URL node-vault built from `gateway`, and never a
 * second one. A redirect is refused rather than followed, whatever its
 * target: following it would send the `X-Vault-Token` header, or the login
 * body with the runner's ID token, to whoever answers at `Location`. (Vault
 * itself redirects only from a standby that cannot forward a request, to the
 * active node's `api_addr`, which is another host; see docs/vault.md §
 * Redirects.) The retry policy is {@link call}'s.
 *
 * An answer that is not JSON comes back as its text, as node-vault's own
 * layer would hand it on.
 */
async function send(options: Outgoing): Promise<Incoming> {
  const url = new URL(options.uri);
  const body =
    typeof options.json === 'object' && options.json !== null
      ? JSON.stringify(options.json)
      : undefined;
  const answer = await attempt(
    {
      method: options.method,
      url,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(body === undefined ? {} : { body }),
    },
    PEER,
    options.signal,
  );
  return {
    statusCode: answer.status,
    body: parseJson(answer.text()),
    request: { path: url.pathname },
  };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

interface Call {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  token?: string;
  json?: unknown;
}

/**
 * One Vault request under the retry policy. `secrets` are scrubbed from any
 * text the server sends back, in case it echoes what it was given.
 */
async function call(
  settings: Settings,
  client: VaultClient,
  signal: AbortSignal,
  deadline: number,
  secrets: readonly string[],
  request: Call,
): Promise<Body> {
  const label = `${request.method} ${settings.address.origin}/v1/${request.path}`;
  return retry(
    async ({ signal: attempt }) => {
      // A fresh headers object per request: node-vault writes the token into it.
      const headers: Record<string, string> = {};
      if (request.token !== undefined) headers['X-Vault-Token'] = request.token;
      try {
        const body = await client.request({
          method: request.method,
          path: `/${request.path}`,
          headers,
          signal: attempt,
          ...(request.json === undefined ? {} : { json: request.json }),
        });
        return toBody(body, label);
      } catch (err) {
        throw transportError(err, label, secrets);
      }
    },
    {
      operation: label,
      deadlineMs: Math.max(0, deadline - Date.now()),
      attemptTimeoutMs: settings.attemptTimeoutMs,
      signal,
      logger: settings.logger,
      ...settings.retry,
    },
  );
}

/** 200 with a JSON object, or 204 with nothing; anything else is not Vault. */
function toBody(body: unknown, label: string): Body {
  if (body === '' || body === undefined || body === null) return undefined;
  if (isObject(body)) return body;
  throw new GatepassError('GATEWAY', `${label} answered something that is not a JSON object`, {
    hint: 'Check that `gateway` is the Vault address (not a proxy or login page)',
  });
}

function transportError(err: unknown, label: string, secrets: readonly string[]): unknown {
  if (err instanceof GatepassError) return err;
  const response = (err as { response?: { statusCode?: unknown; body?: unknown } } | null)
    ?.response;
  if (response !== undefined && typeof response.statusCode === 'number') {
    const status = response.statusCode;
    const detail = oneLine(scrub(vaultErrors(response.body), secrets));
    const code: ErrorCode = status === 403 ? 'DENIED' : 'GATEWAY';
    return new HttpStatusError(
      status,
      `${label} answered HTTP ${status}${detail === '' ? '' : ` (${detail})`}`,
      {
        code,
        ...(isRetryableStatus(status) ? { hint: 'Vault is sealed, a standby, or overloaded' } : {}),
      },
    );
  }
  return new GatepassError(
    'GATEWAY',
    `${label} failed: ${oneLine(scrub(describeError(err), secrets))}`,
    {
      cause: err,
    },
  );
}

/** Vault's `{"errors": [...]}`, joined; else a short excerpt of whatever came. */
function vaultErrors(body: unknown): string {
  if (isObject(body) && Array.isArray(body.errors)) {
    const texts = body.errors.filter((e): e is string => typeof e === 'string' && e.trim() !== '');
    return texts.join('; ');
  }
  return typeof body === 'string' ? body : '';
}

function isObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
