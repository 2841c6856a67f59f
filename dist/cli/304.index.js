export const id = 304;
export const ids = [304];
export const modules = {

/***/ 8304:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createVaultGateway: () => (/* binding */ createVaultGateway)
});

// UNUSED EXPORTS: checkVaultRequest

// EXTERNAL MODULE: ./node_modules/node-vault/src/index.js
var src = __webpack_require__(8096);
var src_default = /*#__PURE__*/__webpack_require__.n(src);
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/gateways/text.ts
var gateways_text = __webpack_require__(8044);
// EXTERNAL MODULE: ./src/identity/diagnostics.ts
var diagnostics = __webpack_require__(8718);
// EXTERNAL MODULE: ./src/common/logger.ts
var logger = __webpack_require__(9353);
// EXTERNAL MODULE: ./src/common/retry.ts
var retry = __webpack_require__(9183);
// EXTERNAL MODULE: ./src/common/http.ts + 4 modules
var http = __webpack_require__(7858);
// EXTERNAL MODULE: ./src/gateways/gateway.ts
var gateway = __webpack_require__(8281);
// EXTERNAL MODULE: ./src/config/limits.ts + 1 modules
var limits = __webpack_require__(3664);
;// CONCATENATED MODULE: ./src/gateways/vault-check.ts
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
function requestCheck() {
    const check = {
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
function problemOf(data, schema) {
    const { properties = {}, required = [] } = schema;
    const stringsOnly = Object.values(properties).every((p) => p.type === 'string');
    if (schema.type !== 'object' || !Array.isArray(required) || !stringsOnly) {
        // node-vault changed its schema: fail loudly rather than check less.
        throw new Error(`node-vault's request schema is not the one vault-check.ts knows`);
    }
    if (typeOf(data) !== 'object')
        return `Invalid type: ${typeOf(data)} (expected object)`;
    const record = data;
    for (const name of required) {
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
function typeOf(value) {
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'array';
    return typeof value;
}

;// CONCATENATED MODULE: ./src/gateways/vault.ts
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










/** Validates the options before any network call, then returns the gateway. */
function createVaultGateway(options) {
    const settings = resolve(options);
    return {
        issue: (request, id, signal) => issue(settings, request, id, signal),
        poll: (pending) => Promise.reject(new errors/* GatepassError */.J9('INTERNAL', `the Vault gateway never leaves "${pending.name}" pending`)),
        revoke: (handle, signal) => revoke(settings, (0,gateway/* handleOf */.mP)(handle, 'vault', 'Vault'), signal),
    };
}
function resolve(options) {
    const address = (0,limits/* requireSafeUrl */.GX)(options.gateway, '`gateway`');
    if (options.role.trim() === '') {
        throw new errors/* GatepassError */.J9('CONFIG', 'the vault provider needs `vault-role`', {
            hint: 'Set `vault-role` to the JWT auth role bound to this repository or project',
        });
    }
    const authPath = (options.authPath ?? 'jwt').replace(/^\/+|\/+$/g, '').replace(/^auth\//, '');
    if (!/^[\w.-]+(\/[\w.-]+)*$/.test(authPath)) {
        throw new errors/* GatepassError */.J9('INPUT', `\`vault-auth-path\` "${authPath}" is not a mount path`, {
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
        logger: options.logger ?? logger/* silentLogger */.q,
    };
}
/**
 * The Vault part of a credential request, checked and normalised: a path
 * below `/v1/` without `..`, query or fragment; `data` only with POST. Config
 * validation calls it too, so mistakes surface before any network call.
 */
function checkVaultRequest(request) {
    const vault = request.vault;
    const where = `credential "${request.name}"`;
    if (vault === undefined || vault.path.trim() === '') {
        throw new errors/* GatepassError */.J9('CONFIG', `${where} has no \`path\``, {
            hint: 'With provider vault, each credential names a `path`, e.g. database/creds/migrator',
        });
    }
    const path = vault.path.trim().replace(/^\/+/, '').replace(/^v1\//, '').replace(/\/+$/, '');
    if (/[?#\s]/.test(path) || path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
        throw new errors/* GatepassError */.J9('CONFIG', `${where}: \`path\` "${path}" is not a Vault path`, {
            hint: 'Give the path below /v1/ without query or "..", e.g. secret/data/app',
        });
    }
    const method = vault.method ?? 'GET';
    if (method === 'GET' && vault.data !== undefined) {
        throw new errors/* GatepassError */.J9('CONFIG', `${where} has \`data\` but method GET`, {
            hint: 'Set `method: POST` to send `data`, or remove `data`',
        });
    }
    return { path, method, ...(vault.data === undefined ? {} : { data: vault.data }) };
}
async function issue(settings, request, id, signal) {
    const target = checkVaultRequest(request);
    const deadline = Date.now() + settings.timeoutMs;
    const client = vaultClient(settings.address, settings.namespace);
    const login = await logIn(settings, client, id, signal, deadline);
    const handle = {
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
        if (envelope.lease_id !== '')
            handle.leases.push(envelope.lease_id);
        const issued = toIssued(settings, request, target.path, envelope, login);
        (0,gateway/* requireEnvFields */.e$)(request, issued.values, `the secret at ${target.path}`);
        return { ...issued, revocation: handle };
    }
    catch (err) {
        // Nothing will use the token or its lease: do not leave them alive, even
        // when `signal` is the cancel that ended the read.
        await revoke(settings, handle, (0,gateway/* cleanupSignal */.Z5)()).catch((e) => {
            settings.logger.warning(`could not revoke the unused Vault token: ${(0,errors/* describeError */.Uc)(e)}`);
        });
        throw readError(err, settings, target, id);
    }
}
async function logIn(settings, client, id, signal, deadline) {
    const path = `auth/${settings.authPath}/login`;
    let body;
    try {
        body = await call(settings, client, signal, deadline, [id.value], {
            method: 'POST',
            path,
            json: { role: settings.role, jwt: id.value },
        });
    }
    catch (err) {
        throw loginError(err, settings, id);
    }
    const auth = body?.auth;
    const token = isObject(auth) ? auth.client_token : undefined;
    if (!isObject(auth) || typeof token !== 'string' || token === '') {
        throw new errors/* GatepassError */.J9('GATEWAY', `Vault's answer to POST ${path} holds no auth.client_token`, {
            hint: 'Check that `gateway` is the Vault address and `vault-auth-path` a JWT auth mount',
        });
    }
    // Before anything else can see it.
    settings.registerSecret(token);
    const ttl = typeof auth.lease_duration === 'number' ? auth.lease_duration : 0;
    const accessor = typeof auth.accessor === 'string' ? auth.accessor : '';
    // The accessor is what Vault's audit log shows; it cannot be used to read secrets.
    settings.logger.info(`logged in to Vault as role "${settings.role}"${accessor === '' ? '' : ` (token accessor ${accessor})`}${ttl > 0 ? `, token valid for ${(0,retry/* formatDuration */.a3)(ttl * 1000)}` : ''}`);
    return {
        token,
        accessor,
        expiresAt: ttl > 0 ? new Date(Date.now() + ttl * 1000) : undefined,
    };
}
function loginError(err, settings, id) {
    if (!(err instanceof retry/* HttpStatusError */.F9) || ![400, 401, 403].includes(err.status))
        return err;
    settings.logger.warning((0,diagnostics/* identityDiagnostics */.zx)(id, err.message));
    const mount = err.status === 403
        ? ` A 403 at login also means nothing is mounted at auth/${settings.authPath}: check \`vault-auth-path\`.`
        : '';
    return new errors/* GatepassError */.J9('DENIED', `Vault refused the login as role "${settings.role}": ${err.message}`, {
        hint: `The identity token's claims are in the log above; compare them with the role's bound_audiences and bound_claims.${mount} ${(0,diagnostics/* bindingHint */.jw)(id)}`,
    });
}
function readError(err, settings, target, id) {
    if (!(err instanceof retry/* HttpStatusError */.F9))
        return err;
    if (err.status === 403) {
        settings.logger.warning((0,diagnostics/* identityDiagnostics */.zx)(id, err.message));
        return new errors/* GatepassError */.J9('DENIED', err.message, {
            hint: `The policies of role "${settings.role}" do not allow ${target.method === 'GET' ? 'read' : 'create/update'} on ${target.path}; attach a policy that does, or fix \`path\``,
        });
    }
    if (err.status === 404) {
        return new errors/* GatepassError */.J9('GATEWAY', err.message, {
            hint: `Nothing is at ${target.path}${settings.namespace === undefined ? '' : ` in namespace ${settings.namespace}`}: check \`path\` (kv v2 reads go through <mount>/data/<name>) and \`vault-namespace\``,
        });
    }
    if (err.status === 400 || err.status === 405) {
        return new errors/* GatepassError */.J9('GATEWAY', err.message, {
            hint: 'Vault rejected the request: check `method` and `data` against the secrets engine',
        });
    }
    return err;
}
/** The answer's `data` as string fields; kv v2's `data.data` flattened, `metadata` dropped. */
function toIssued(settings, request, path, envelope, login) {
    const data = kvV2Data(envelope.data) ?? envelope.data;
    const values = {};
    const publicFields = [];
    for (const [field, value] of Object.entries(data)) {
        if (typeof value === 'string') {
            // Before anything else can see it.
            if (value !== '')
                settings.registerSecret(value);
            values[field] = value;
        }
        else if (typeof value === 'number' || typeof value === 'boolean') {
            // Ports, flags and counts: masking "5432" or "true" everywhere would
            // mangle the job's output, and no credential is a bare number.
            values[field] = String(value);
            publicFields.push(field);
        }
        else if (value !== null && value !== undefined) {
            const text = JSON.stringify(value);
            settings.registerSecret(text);
            values[field] = text;
        }
    }
    const expiresAt = expiry(envelope, login);
    if (envelope.lease_id !== '' && envelope.lease_duration > request.ttlSeconds) {
        settings.logger.info(`Vault leased "${request.name}" (${path}) for ${(0,retry/* formatDuration */.a3)(envelope.lease_duration * 1000)}, longer than the ${(0,retry/* formatDuration */.a3)(request.ttlSeconds * 1000)} asked: the secrets engine role's default_ttl decides; gatepass revokes it when the step ends`);
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
function kvV2Data(data) {
    const keys = Object.keys(data);
    const isKvV2 = keys.length === 2 &&
        isObject(data.metadata) &&
        typeof data.metadata.version === 'number' &&
        (isObject(data.data) || data.data === null);
    if (!isKvV2)
        return undefined;
    if (data.data === null) {
        throw new errors/* GatepassError */.J9('GATEWAY', 'the kv v2 secret has no data (its version is deleted or destroyed)', {
            hint: 'Undelete the version, write a new one, or read another version',
        });
    }
    return data.data;
}
/** A lease ends at its duration, or with the token that created it, whichever is first. */
function expiry(envelope, login) {
    if (envelope.lease_id === '' || envelope.lease_duration <= 0)
        return undefined;
    const lease = Date.now() + envelope.lease_duration * 1000;
    const token = login.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
    return new Date(Math.min(lease, token));
}
function readEnvelope(body, what) {
    const data = body?.data;
    if (body === undefined || !isObject(data)) {
        throw new errors/* GatepassError */.J9('GATEWAY', `Vault's answer to ${what} holds no \`data\` object`, {
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
async function revoke(settings, handle, signal) {
    if (handle.expiresAt !== undefined && Date.parse(handle.expiresAt) <= Date.now()) {
        settings.logger.debug('the Vault token has expired: Vault has revoked it and its leases');
        return;
    }
    const address = (0,limits/* requireSafeUrl */.GX)(handle.address, 'the Vault address of the revocation handle');
    const client = vaultClient(address, handle.namespace);
    // The token's revocation settles everything, so the leases may use only
    // half of the budget: an unreachable Vault must not leave it no time.
    const started = Date.now();
    const leaseDeadline = started + settings.timeoutMs / 2;
    const deadline = started + settings.timeoutMs;
    const secrets = [handle.token];
    const leaseProblems = [];
    for (const lease of handle.leases) {
        try {
            // PUT, as Vault's API documentation writes it; Vault treats it as POST.
            await call(settings, client, signal, leaseDeadline, secrets, {
                method: 'PUT',
                path: 'sys/leases/revoke',
                token: handle.token,
                json: { lease_id: lease },
            });
        }
        catch (err) {
            // 403: the token may not revoke leases (not in Vault's default policy),
            // or is gone already; revoking the token below settles both.
            if (!(err instanceof retry/* HttpStatusError */.F9 && err.status === 403)) {
                leaseProblems.push(`lease ${lease}: ${(0,gateways_text/* messageOf */.bD)(err)}`);
            }
        }
    }
    try {
        await call(settings, client, signal, deadline, secrets, {
            method: 'POST',
            path: 'auth/token/revoke-self',
            token: handle.token,
        });
    }
    catch (err) {
        if (err instanceof retry/* HttpStatusError */.F9 && err.status === 403) {
            settings.logger.debug('the Vault token was already revoked or expired');
            return;
        }
        const problems = [...leaseProblems, `token: ${(0,gateways_text/* messageOf */.bD)(err)}`];
        // A refused redirect is a setting to fix, not bad luck: say which.
        const fix = err instanceof http/* RedirectRefusedError */.jw ? `${err.hint ?? ''}. ` : '';
        throw new errors/* GatepassError */.J9('GATEWAY', `Vault revocation failed: ${problems.join('; ')}`, {
            hint: `${fix}The token${handle.leases.length > 0 ? ' and its leases stay' : ' stays'} valid until ${handle.expiresAt ?? 'its TTL ends'}; revoke by hand (vault token revoke -accessor …) if it matters`,
            cause: err,
        });
    }
    if (leaseProblems.length > 0) {
        settings.logger.debug(`revoked the token, which takes its leases along (${leaseProblems.join('; ')})`);
    }
}
function vaultClient(address, namespace) {
    const client = src_default()({
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
        tv4: requestCheck(),
    });
    // node-vault falls back to VAULT_TOKEN, VAULT_NAMESPACE and VAULT_PREFIX from
    // the environment; only gatepass's own inputs may decide what is sent.
    client.token = '';
    Object.assign(client, { namespace, pathPrefix: '' });
    return client;
}
/** Refused redirects name what they protect, and the fix. */
const PEER = {
    what: 'Vault',
    redirectHint: 'Set `gateway` to the active Vault node or to a load balancer that sends requests only to it (health check /v1/sys/health); a standby redirects when it cannot forward a request to the active node',
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
async function send(options) {
    const url = new URL(options.uri);
    const body = typeof options.json === 'object' && options.json !== null
        ? JSON.stringify(options.json)
        : undefined;
    const answer = await (0,http/* attempt */.CD)({
        method: options.method,
        url,
        headers: {
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...options.headers,
        },
        ...(body === undefined ? {} : { body }),
    }, PEER, options.signal);
    return {
        statusCode: answer.status,
        body: parseJson(answer.text()),
        request: { path: url.pathname },
    };
}
function parseJson(text) {
    if (text.trim() === '')
        return '';
    try {
        return JSON.parse(text);
    }
    catch {
        return text;
    }
}
/**
 * One Vault request under the retry policy. `secrets` are scrubbed from any
 * text the server sends back, in case it echoes what it was given.
 */
async function call(settings, client, signal, deadline, secrets, request) {
    const label = `${request.method} ${settings.address.origin}/v1/${request.path}`;
    return (0,retry/* retry */.L5)(async ({ signal: attempt }) => {
        // A fresh headers object per request: node-vault writes the token into it.
        const headers = {};
        if (request.token !== undefined)
            headers['X-Vault-Token'] = request.token;
        try {
            const body = await client.request({
                method: request.method,
                path: `/${request.path}`,
                headers,
                signal: attempt,
                ...(request.json === undefined ? {} : { json: request.json }),
            });
            return toBody(body, label);
        }
        catch (err) {
            throw transportError(err, label, secrets);
        }
    }, {
        operation: label,
        deadlineMs: Math.max(0, deadline - Date.now()),
        attemptTimeoutMs: settings.attemptTimeoutMs,
        signal,
        logger: settings.logger,
        ...settings.retry,
    });
}
/** 200 with a JSON object, or 204 with nothing; anything else is not Vault. */
function toBody(body, label) {
    if (body === '' || body === undefined || body === null)
        return undefined;
    if (isObject(body))
        return body;
    throw new errors/* GatepassError */.J9('GATEWAY', `${label} answered something that is not a JSON object`, {
        hint: 'Check that `gateway` is the Vault address (not a proxy or login page)',
    });
}
function transportError(err, label, secrets) {
    if (err instanceof errors/* GatepassError */.J9)
        return err;
    const response = err
        ?.response;
    if (response !== undefined && typeof response.statusCode === 'number') {
        const status = response.statusCode;
        const detail = (0,gateways_text/* oneLine */.TN)((0,gateways_text/* scrub */._I)(vaultErrors(response.body), secrets));
        const code = status === 403 ? 'DENIED' : 'GATEWAY';
        return new retry/* HttpStatusError */.F9(status, `${label} answered HTTP ${status}${detail === '' ? '' : ` (${detail})`}`, {
            code,
            ...((0,retry/* isRetryableStatus */.PS)(status) ? { hint: 'Vault is sealed, a standby, or overloaded' } : {}),
        });
    }
    return new errors/* GatepassError */.J9('GATEWAY', `${label} failed: ${(0,gateways_text/* oneLine */.TN)((0,gateways_text/* scrub */._I)((0,errors/* describeError */.Uc)(err), secrets))}`, {
        cause: err,
    });
}
/** Vault's `{"errors": [...]}`, joined; else a short excerpt of whatever came. */
function vaultErrors(body) {
    if (isObject(body) && Array.isArray(body.errors)) {
        const texts = body.errors.filter((e) => typeof e === 'string' && e.trim() !== '');
        return texts.join('; ');
    }
    return typeof body === 'string' ? body : '';
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}


/***/ }),

/***/ 8718:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   jw: () => (/* binding */ bindingHint),
/* harmony export */   zx: () => (/* binding */ identityDiagnostics)
/* harmony export */ });
/* unused harmony export claimLines */
const MAX_VALUE = 200;
/** The claims lines, e.g. "  sub: repo:octo/app:ref:refs/heads/main". */
function claimLines(token, now = Date.now()) {
    const c = token.claims;
    const project = token.platform === 'gitlab' || 'project_path' in c ? 'project_path' : 'repository';
    const lines = [
        ['iss', c.iss],
        ['sub', c.sub],
        ['aud', c.aud],
        [project, c[project]],
        ['ref', c.ref],
        ['environment', c.environment],
        ['exp', c.exp === undefined ? undefined : describeExp(c.exp, now)],
    ];
    return lines.map(([name, value]) => `  ${name}: ${render(value)}`);
}
/** Where gateway policies usually bind, with the platform's common pitfalls. */
function bindingHint(token) {
    const common = 'Gateway policies usually bind `iss` (a trusted issuer), `aud` (must equal the audience the gateway expects; set `audience`) and `sub`';
    switch (token.platform) {
        case 'github':
            return `${common} (repo:OWNER/REPO:ref:refs/heads/BRANCH, or repo:OWNER/REPO:environment:NAME when the job has an \`environment:\`), or \`repository\` with \`ref\` and \`environment\``;
        case 'gitlab':
            return `${common} (project_path:GROUP/PROJECT:ref_type:branch:ref:BRANCH), or \`project_path\` with \`ref\`, \`ref_protected\` and \`environment\``;
        case 'local':
            return `${common}, or repository/project claims with \`ref\` and \`environment\``;
    }
}
/**
 * The full block: a heading, the claims, the gateway's own words and the hint.
 * Multi-line on purpose: it goes to the log, not into an error message.
 */
function identityDiagnostics(token, gatewayError, now = Date.now()) {
    return [
        `the gateway refused the identity token: ${sanitize(gatewayError)}`,
        'claims of the identity token it was shown:',
        ...claimLines(token, now),
        bindingHint(token),
    ].join('\n');
}
function describeExp(exp, now) {
    if (typeof exp !== 'number')
        return render(exp);
    const delta = Math.round(exp - now / 1000);
    const when = delta <= 0 ? `expired ${-delta} s ago` : `expires in ${delta} s`;
    return `${new Date(exp * 1000).toISOString()} (${when})`;
}
function render(value) {
    if (value === undefined)
        return '(not set)';
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return sanitize(text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text);
}
/** Claims and gateway text come from outside: no control characters in our log. */
function sanitize(text) {
    return (text
        // eslint-disable-next-line no-control-regex
        .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u001f\u007f]+/g, ' ')
        .trim());
}


/***/ })

};

//# sourceMappingURL=304.index.js.map