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
// EXTERNAL MODULE: ./src/common/http.ts
var http = __webpack_require__(5069);
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
 * attempt bounded by its own timeout, the whole call by one deadline, with
 * Vault's own exceptions (see {@link classify}): a 412 from a performance
 * standby is retried, while what does not clear in minutes (a locked or sealed
 * namespace, a full lease-count quota) fails at once, and a login is not
 * repeated once Vault may have acted on it.
 * node-vault builds the requests and reads Vault's answers; the HTTP itself is
 * gatepass's transport (common/http.ts, through node-vault's
 * `request-promise` option, see {@link send}), so that no redirect is ever
 * followed and proxies apply: node-vault's own axios layer follows redirects
 * and re-sends `X-Vault-Token` and the login body (the ID token) to wherever
 * `Location` points. node-vault drops response headers from the errors it
 * builds, so {@link send} keeps them aside for the request (a 429's
 * `Retry-After`).
 */










/** Validates the options before any network call, then returns the gateway. */
function createVaultGateway(options) {
    const settings = resolve(options);
    return {
        issue: (request, id, signal) => issue(settings, request, id, signal),
        poll: (pending) => Promise.reject(new errors/* GatepassError */.J9('INTERNAL', `the Vault gateway never leaves "${pending.name}" pending`)),
        revoke: (handle, signal, note) => revoke(settings, (0,gateway/* handleOf */.mP)(handle, 'vault', 'Vault'), signal, note),
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
    const login = await logIn(settings, client, request, id, signal, deadline);
    const handle = {
        provider: 'vault',
        address: settings.address.href,
        ...(settings.namespace === undefined ? {} : { namespace: settings.namespace }),
        token: login.token,
        leases: [],
        ...(login.expiresAt === undefined ? {} : { expiresAt: login.expiresAt.toISOString() }),
        ...(login.batch ? { tokenType: 'batch' } : {}),
        ...(login.noDefaultPolicy ? { noDefaultPolicy: true } : {}),
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
        const unused = (n) => {
            settings.logger.warning(`the unused Vault token: ${n.detail}`);
        };
        await revoke(settings, handle, (0,gateway/* cleanupSignal */.Z5)(), unused).catch((e) => {
            settings.logger.warning(`could not revoke the unused Vault token: ${(0,errors/* describeError */.Uc)(e)}`);
        });
        throw readError(err, settings, target, id);
    }
}
async function logIn(settings, client, request, id, signal, deadline) {
    const path = `auth/${settings.authPath}/login`;
    let body;
    try {
        body = await call(settings, client, signal, deadline, [id.value], {
            method: 'POST',
            path,
            json: { role: settings.role, jwt: id.value },
            login: true,
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
    const batch = auth.token_type === 'batch';
    const policies = Array.isArray(auth.token_policies)
        ? auth.token_policies.filter((p) => typeof p === 'string')
        : undefined;
    const noDefaultPolicy = policies !== undefined && !policies.includes('default') && !policies.includes('root');
    const expiresAt = ttl > 0 ? new Date(Date.now() + ttl * 1000) : undefined;
    // The accessor is what Vault's audit log shows; it cannot be used to read secrets.
    settings.logger.info(`logged in to Vault as role "${settings.role}"${accessor === '' ? '' : ` (token accessor ${accessor})`}${batch ? ', a batch token' : ''}${ttl > 0 ? `, token valid for ${(0,retry/* formatDuration */.a3)(ttl * 1000)}` : ''}`);
    warnAboutToken(settings, request, { ttl, batch, noDefaultPolicy, expiresAt, policies });
    return { token, accessor, expiresAt, batch, noDefaultPolicy };
}
/**
 * What the login's answer says about the end of the step, said now, while
 * the role can still be fixed: a token that ends before the `ttl` asked
 * (the credential ends with it), a batch token (never revoked: it lives its
 * whole TTL), a token without the `default` policy (it may not revoke itself).
 */
function warnAboutToken(settings, request, token) {
    const asked = (0,retry/* formatDuration */.a3)(request.ttlSeconds * 1000);
    const granted = (0,retry/* formatDuration */.a3)(token.ttl * 1000);
    const role = `role "${settings.role}"`;
    if (token.ttl > 0 && token.ttl < request.ttlSeconds) {
        settings.logger.warning(`Vault's token for "${request.name}" is valid for ${granted}, shorter than the ${asked} asked: the credential ends with it; raise token_ttl (and token_max_ttl) of ${role}, or ask for less`);
    }
    if (token.batch) {
        const until = token.expiresAt === undefined ? 'never expires' : `expires ${token.expiresAt.toISOString()}`;
        const text = `${role} gives batch tokens, which Vault cannot revoke: the token of "${request.name}" stays valid until it ${until}`;
        if (token.ttl === 0 || token.ttl > request.ttlSeconds) {
            settings.logger.warning(`${text} (${token.ttl === 0 ? 'no TTL' : granted}, longer than the ${asked} asked); set token_type service on the role, or a token_ttl no longer than you need`);
        }
        else {
            settings.logger.info(`${text}; its leases are revoked when the step ends`);
        }
    }
    if (token.noDefaultPolicy && !token.batch) {
        settings.logger.warning(`the token of ${role} lacks Vault's \`default\` policy (token_policies: ${(token.policies ?? []).join(', ') || 'none'}): unless another policy allows update on auth/token/revoke-self, gatepass cannot revoke it when the step ends; attach \`default\` (drop token_no_default_policy) or add that rule`);
    }
}
function loginError(err, settings, id) {
    if (mayHaveActed(err))
        return lostLogin(err, settings);
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
/**
 * A login not repeated because Vault may have acted on it (see
 * {@link mayHaveActed}): said so, since a token may exist that nobody holds.
 */
function lostLogin(err, settings) {
    return new errors/* GatepassError */.J9(err instanceof retry/* AttemptTimeoutError */.dU ? 'TIMEOUT' : 'GATEWAY', `${(0,gateways_text/* messageOf */.bD)(err)}; the login was not repeated, since Vault may have issued a token that never reached gatepass (nobody holds it; it has role "${settings.role}"'s policies and ends at the role's token_ttl)`, {
        hint: "Run the job again; if logins often go unanswered, check Vault's health and the network between the runner and Vault (Vault's audit log lists each login)",
        cause: err,
    });
}
function readError(err, settings, target, id) {
    if (!(err instanceof retry/* HttpStatusError */.F9))
        return err;
    if (err instanceof VaultStatusError && err.kvVersion !== undefined) {
        return kvVersionError(err, target.path, err.kvVersion);
    }
    // Lasting conditions and an unknown namespace carry their own hint.
    if (err instanceof VaultStatusError && err.condition !== undefined)
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
    if (envelope.lease_duration > 0 &&
        envelope.lease_duration < request.ttlSeconds &&
        envelope.lease_id !== '') {
        settings.logger.warning(`Vault leased "${request.name}" (${path}) for ${(0,retry/* formatDuration */.a3)(envelope.lease_duration * 1000)}, shorter than the ${(0,retry/* formatDuration */.a3)(request.ttlSeconds * 1000)} asked: the credential ends with it; raise default_ttl (and max_ttl) of the secrets engine's role, or pass a \`ttl\` in \`data\` where the endpoint takes one`);
    }
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
        // Vault answers 404 for a deleted or destroyed version (see
        // kvVersionError); a 200 without data is not kv v2 as its source has it.
        throw new errors/* GatepassError */.J9('GATEWAY', 'the kv v2 secret came back without data', {
            hint: 'Check that `gateway` is Vault or OpenBao, and read the secret with `vault kv get` to compare',
        });
    }
    return data.data;
}
/**
 * kv v2 answers a deleted or destroyed version with 404 and the version's
 * metadata (`data: {data: null, metadata}`, no `errors`): say which, and how
 * to get it back (vault-plugin-secrets-kv path_data.go `pathDataRead`).
 */
function kvVersionError(err, path, kv) {
    const version = kv.version === undefined ? 'the current version' : `version ${kv.version}`;
    const [mount, name] = kvParts(path);
    const flag = kv.version === undefined ? '' : ` -versions=${kv.version}`;
    if (kv.destroyed) {
        return new errors/* GatepassError */.J9('GATEWAY', `${version} of the kv v2 secret at ${path} is destroyed (HTTP ${err.status})`, {
            hint: `A destroyed version cannot come back: write a new version (vault kv put -mount=${mount} ${name} …), which gatepass then reads`,
            cause: err,
        });
    }
    return new errors/* GatepassError */.J9('GATEWAY', `${version} of the kv v2 secret at ${path} was deleted${kv.deletionTime === '' ? '' : ` at ${kv.deletionTime}`} (HTTP ${err.status})`, {
        hint: `Restore it (vault kv undelete -mount=${mount}${flag} ${name}) or write a new version (vault kv put); gatepass reads the current version`,
        cause: err,
    });
}
/** `secret/data/ci/app` -> [`secret`, `ci/app`]. */
function kvParts(path) {
    const at = path.indexOf('/data/');
    return at < 0 ? [path, ''] : [path.slice(0, at), path.slice(at + '/data/'.length)];
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
 * Revoke the leases, then the token, and say truthfully what stays valid.
 *
 * - Each lease first, because that ends its database user at once; a 403
 *   (the role may not use sys/leases/revoke, which Vault's `default` policy
 *   lacks) is left to the token's revocation, which revokes its leases in
 *   the background. Any other failure (a 400 when the database cannot drop
 *   the user, e.g. it owns objects) is a failure even once the token is
 *   revoked: Vault keeps such a lease, retrying it in the background, and
 *   the user outlives the step.
 * - Then `auth/token/revoke-self`. A 403 saying "invalid token" (Vault), or
 *   any 403 to a token that has the `default` policy (OpenBao does not say
 *   which), means the token is gone already (revoked or expired) with its
 *   leases; a 403 to a token without `default` is a refusal.
 * - A batch token is never sent there (Vault answers 400 "batch tokens
 *   cannot be revoked"): it lives to its TTL, and `note` says so.
 *
 * Progress goes into the handle (`tokenRevoked`, `unrevokedLeases`), so a
 * retry from saved state does not mistake the revoked token for revoked leases.
 */
async function revoke(settings, handle, signal, note = () => undefined) {
    if (handle.expiresAt !== undefined && Date.parse(handle.expiresAt) <= Date.now()) {
        settings.logger.debug('the Vault token has expired: Vault has revoked it and its leases');
        return;
    }
    if (handle.tokenRevoked === true) {
        // An earlier call revoked the token but not these; nothing can retry them now.
        const left = Object.entries(handle.unrevokedLeases ?? {});
        if (left.length > 0)
            throw leaseFailure(left, 'earlier');
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
    const batch = handle.tokenType === 'batch';
    const leaseProblems = [];
    let redirect;
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
            // 403: the token may not revoke leases, or is gone; revoking the token
            // settles both. Not for a batch token: nothing else revokes its leases.
            if (err instanceof retry/* HttpStatusError */.F9 && err.status === 403 && !batch)
                continue;
            if (err instanceof http/* RedirectRefusedError */.jw)
                redirect = err;
            leaseProblems.push([lease, withoutNames((0,gateways_text/* messageOf */.bD)(err))]);
        }
    }
    const until = handle.expiresAt ?? 'its TTL ends';
    if (batch) {
        if (leaseProblems.length > 0)
            throw leaseFailure(leaseProblems, 'batch', redirect);
        note(batchNote(handle.leases.length, until));
        return;
    }
    try {
        await call(settings, client, signal, deadline, secrets, {
            method: 'POST',
            path: 'auth/token/revoke-self',
            token: handle.token,
        });
    }
    catch (err) {
        if (isBatchRefusal(err)) {
            // A batch token in a handle saved before gatepass knew batch tokens.
            if (leaseProblems.length > 0)
                throw leaseFailure(leaseProblems, 'batch', redirect);
            note(batchNote(handle.leases.length, until));
            return;
        }
        if (!(err instanceof retry/* HttpStatusError */.F9 && err.status === 403)) {
            throw tokenFailure(err, handle, leaseProblems);
        }
        if (!tokenGone(err, handle))
            throw selfRevokeRefused(err, settings, handle, leaseProblems);
        settings.logger.debug('the Vault token was already revoked or expired');
    }
    handle.tokenRevoked = true;
    if (leaseProblems.length > 0) {
        handle.unrevokedLeases = Object.fromEntries(leaseProblems);
        throw leaseFailure(leaseProblems, 'now', redirect);
    }
}
function batchNote(leases, until) {
    const token = `the batch token, which Vault cannot revoke, stays valid until ${until}`;
    return leases === 0
        ? { result: 'skipped', detail: token.replace(/^the/, 'a') }
        : {
            result: 'revoked',
            detail: `${leases === 1 ? 'its lease' : `its ${leases} leases`} revoked; ${token}`,
        };
}
/** 400 "batch tokens cannot be revoked" (vault/token_store.go `revokeCommon`). */
function isBatchRefusal(err) {
    return (err instanceof VaultStatusError &&
        err.status === 400 &&
        err.errors.some((e) => /batch tokens cannot be revoked/i.test(e)));
}
/**
 * A 403 to revoke-self means the token is gone (revoked, expired) when Vault
 * says "invalid token", or when the token has the `default` policy, which
 * allows revoke-self: OpenBao and Vault before 1.15 say "permission denied"
 * for both.
 */
function tokenGone(err, handle) {
    if (err instanceof VaultStatusError && err.errors.some((e) => /\binvalid token\b/.test(e))) {
        return true;
    }
    return handle.noDefaultPolicy !== true;
}
function selfRevokeRefused(err, settings, handle, leaseProblems) {
    const leases = leaseProblems.map(([lease, why]) => `; lease ${lease}: ${why}`).join('');
    return new errors/* GatepassError */.J9('GATEWAY', `Vault refused to let the token revoke itself: ${err.message}${leases}`, {
        hint: `The token of role "${settings.role}" lacks Vault's \`default\` policy, which allows auth/token/revoke-self: attach it (drop token_no_default_policy) or give the role update on auth/token/revoke-self; the token${handle.leases.length > 0 ? ' and what its leases did not end' : ''} stays valid until ${handle.expiresAt ?? 'its TTL ends'} (revoke by hand: vault token revoke -accessor …)`,
        cause: err,
    });
}
function tokenFailure(err, handle, leaseProblems) {
    const problems = [
        ...leaseProblems.map(([lease, why]) => `lease ${lease}: ${why}`),
        `token: ${(0,gateways_text/* messageOf */.bD)(err)}`,
    ];
    // A refused redirect is a setting to fix, not bad luck: say which.
    const fix = err instanceof http/* RedirectRefusedError */.jw ? `${err.hint ?? ''}. ` : '';
    return new errors/* GatepassError */.J9('GATEWAY', `Vault revocation failed: ${problems.join('; ')}`, {
        hint: `${fix}The token${handle.leases.length > 0 ? ' and its leases stay' : ' stays'} valid until ${handle.expiresAt ?? 'its TTL ends'}; revoke by hand (vault token revoke -accessor …) if it matters`,
        cause: err,
    });
}
/**
 * Leases Vault did not revoke: what they stand for (a database user)
 * outlives the step. `now`: the token is revoked, so only an operator can
 * retry them; `earlier`: so it was in a previous call; `batch`: the token is
 * a batch token, which lives to its TTL anyway.
 */
function leaseFailure(problems, when, redirect) {
    const list = problems.map(([lease, why]) => `lease ${lease}: ${why}`).join('; ');
    const them = problems.length === 1 ? 'it' : 'them';
    const token = {
        now: `the token was revoked, so gatepass cannot retry ${them}`,
        earlier: `its token was revoked then, so gatepass cannot retry ${them}`,
        batch: 'the batch token cannot be revoked',
    }[when];
    const fix = redirect === undefined ? '' : `${redirect.hint ?? ''}. `;
    // Only a batch token's lease failures keep their 403s (see `revoke`).
    const refused = problems.some(([, why]) => /answered HTTP 403\b/.test(why));
    const hint = refused
        ? "A batch token's leases end only through sys/leases/revoke or at their TTL: give the role update on sys/leases/revoke (Vault's `default` policy lacks it) or use service tokens; meanwhile an operator can revoke them (vault lease revoke <lease id>)"
        : "What a lease stands for (a database user) stays until it is revoked: fix what Vault's error names (a database user that owns objects needs REASSIGN OWNED BY and DROP OWNED BY in the role's revocation_statements), then revoke it as an operator (vault lease revoke <lease id>)";
    return new errors/* GatepassError */.J9('GATEWAY', `Vault could not revoke ${problems.length === 1 ? 'a lease' : `${problems.length} leases`}${when === 'earlier' ? ' when the step ended' : ''}: ${list}; ${token}`, { hint: `${fix}${hint}` });
}
/**
 * Vault's error text with quoted names cut out: a database's error quotes
 * the user it could not drop, which gatepass issued as a secret, and the
 * revocation (post, `gatepass revoke`) does not know the value to scrub.
 */
function withoutNames(text) {
    return text.replace(/"[^"\s]{1,200}"|'[^'\s]{1,200}'/g, '"***"');
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
    options.seen.headers = answer.headers;
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
        const seen = { headers: undefined };
        try {
            const body = await client.request({
                method: request.method,
                path: `/${request.path}`,
                headers,
                signal: attempt,
                seen,
                ...(request.json === undefined ? {} : { json: request.json }),
            });
            return toBody(body, label);
        }
        catch (err) {
            throw transportError(err, { label, secrets, headers: seen.headers, settings });
        }
    }, {
        operation: label,
        deadlineMs: Math.max(0, deadline - Date.now()),
        attemptTimeoutMs: settings.attemptTimeoutMs,
        signal,
        logger: settings.logger,
        ...settings.retry,
        classify: request.login === true ? classifyLogin : classify,
    });
}
/**
 * The retry policy's classification, with Vault's exceptions: a condition
 * that lasts (a locked or sealed namespace, a full lease-count quota) is not
 * retried, whatever its status; a 412 is, as Vault's own client does
 * (api/client.go `DefaultRetryPolicy`): a performance standby has not yet
 * replicated the token it was shown.
 */
function classify(err) {
    if (err instanceof VaultStatusError) {
        if (err.condition !== undefined && LASTING.has(err.condition))
            return { retry: false };
        if (err.status === 412)
            return { retry: true };
    }
    return (0,retry/* classifyError */.fe)(err);
}
/** A login is POSTed once more only when Vault cannot have acted on it. */
function classifyLogin(err) {
    return mayHaveActed(err) ? { retry: false } : classify(err);
}
/** Connection failures before anything was sent: the request never reached Vault. */
const NOT_SENT = new Set([
    'ECONNREFUSED',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENETDOWN',
    'EHOSTDOWN',
    'EAI_AGAIN',
    'UND_ERR_CONNECT_TIMEOUT',
]);
/**
 * Whether an attempt that failed may still have been carried out: a login
 * POST that Vault handled but whose answer was lost (no answer in time, the
 * connection lost after the request went out, a 5xx from Vault or a proxy in
 * front of it) may have minted a token gatepass never sees, so it is not
 * repeated. Vault refuses 412, 429 and 503 (sealed, standby) before handling
 * a request, and a connection that was never made sent nothing.
 */
function mayHaveActed(err) {
    if (err instanceof retry/* AttemptTimeoutError */.dU)
        return true;
    if (err instanceof retry/* HttpStatusError */.F9) {
        return err.status >= 500 && err.status !== 503 && (0,retry/* isRetryableStatus */.PS)(err.status);
    }
    // The deadline's or a cancel's error wraps the last attempt's: not one attempt.
    if (err instanceof errors/* GatepassError */.J9 && err.code === 'TIMEOUT')
        return false;
    const code = (0,retry/* networkErrorCode */.a0)(err);
    return code !== undefined && !NOT_SENT.has(code);
}
/** Conditions that do not clear in minutes: retrying them only spends the deadline. */
const LASTING = new Set([
    'namespace-locked',
    'namespace-sealed',
    'lease-quota',
]);
/** An error answer of Vault's, with what the retry policy and the hints read from it. */
class VaultStatusError extends retry/* HttpStatusError */.F9 {
    /** Vault's `errors`, scrubbed. */
    errors;
    condition;
    /** A kv v2 read of a deleted or destroyed version. */
    kvVersion;
    constructor(status, message, options) {
        const { errors, condition, kvVersion, ...rest } = options;
        super(status, message, rest);
        this.name = 'VaultStatusError';
        this.errors = errors;
        this.condition = condition;
        this.kvVersion = kvVersion;
    }
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
function transportError(err, at) {
    if (err instanceof errors/* GatepassError */.J9)
        return err;
    const { label, secrets } = at;
    const response = err
        ?.response;
    if (response !== undefined && typeof response.statusCode === 'number') {
        const status = response.statusCode;
        const errors = vaultErrors(response.body).map((e) => (0,gateways_text/* oneLine */.TN)((0,gateways_text/* scrub */._I)(e, secrets)));
        const detail = (0,gateways_text/* oneLine */.TN)(errors.join('; '));
        const code = status === 403 ? 'DENIED' : 'GATEWAY';
        const condition = conditionOf(status, errors);
        const hint = conditionHint(condition, at.settings.namespace) ?? transientHint(status, errors);
        const retryAfterMs = (0,retry/* parseRetryAfter */.mu)(at.headers?.get('retry-after'), Date.now());
        return new VaultStatusError(status, `${label} answered HTTP ${status}${detail === '' ? '' : ` (${detail})`}`, {
            code,
            errors,
            condition,
            kvVersion: status === 404 ? kvVersionOf(response.body) : undefined,
            ...(hint === undefined ? {} : { hint }),
            ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        });
    }
    return new errors/* GatepassError */.J9('GATEWAY', `${label} failed: ${(0,gateways_text/* oneLine */.TN)((0,gateways_text/* scrub */._I)((0,errors/* describeError */.Uc)(err), secrets))}`, {
        cause: err,
    });
}
/**
 * Vault's words for the conditions gatepass treats apart, as its source
 * writes them: sdk/helper/consts/error.go (`ErrAPILocked`; openbao adds
 * `ErrNamespaceSealed`), openbao internal/vault/request_handling.go (the
 * locked namespace's text, "namespace not found"), sdk/logical/error.go
 * (`ErrLeaseCountQuotaExceeded`).
 */
function conditionOf(status, errors) {
    const says = (pattern) => errors.some((e) => pattern.test(e));
    if (status === 503 && says(/namespace has been locked/i))
        return 'namespace-locked';
    if (status === 503 && says(/namespace is sealed/i))
        return 'namespace-sealed';
    if (status === 429 && says(/lease count quota exceeded/i))
        return 'lease-quota';
    if (status === 404 && says(/^namespace not found$/i))
        return 'namespace-missing';
    return undefined;
}
function conditionHint(condition, namespace) {
    const ns = namespace === undefined ? 'the namespace' : `namespace "${namespace}"`;
    switch (condition) {
        case 'namespace-locked':
            return `An administrator locked the API of ${ns}; it stays locked until they unlock it (vault namespace unlock), so gatepass does not retry: ask them, or check \`vault-namespace\``;
        case 'namespace-sealed':
            return `${namespace === undefined ? 'The namespace' : `Namespace "${namespace}"`} is sealed until an operator unseals it, so gatepass does not retry: ask them, or check \`vault-namespace\``;
        case 'lease-quota':
            return 'A lease-count quota is full (sys/quotas/lease-count): it frees up only as leases expire or are revoked, so gatepass does not retry; revoke leases left behind, or ask for a higher max_leases';
        case 'namespace-missing':
            return namespace === undefined
                ? 'Vault found no such namespace: check `vault-namespace`'
                : `\`vault-namespace\` "${namespace}" does not exist on this server: check its spelling and parents (e.g. team-a/ci), or leave \`vault-namespace\` empty for the root namespace`;
        case undefined:
            return undefined;
    }
}
function transientHint(status, errors) {
    if (status === 412) {
        return 'A performance standby has not yet replicated the token: it catches up within seconds';
    }
    if (status === 429)
        return "Vault's rate-limit quota refused the request";
    return (0,retry/* isRetryableStatus */.PS)(status) && errors.some((e) => /sealed|standby/i.test(e))
        ? 'Vault is sealed or a standby'
        : (0,retry/* isRetryableStatus */.PS)(status)
            ? 'Vault is sealed, a standby, or overloaded'
            : undefined;
}
/** The version's state from a kv v2 404's `data.metadata`, if it is that. */
function kvVersionOf(body) {
    const data = isObject(body) ? body.data : undefined;
    if (!isObject(data) || data.data !== null || !isObject(data.metadata))
        return undefined;
    const { version, deletion_time: deletion, destroyed } = data.metadata;
    const deletionTime = typeof deletion === 'string' ? deletion : '';
    if (destroyed !== true && deletionTime === '')
        return undefined;
    return {
        version: typeof version === 'number' ? version : undefined,
        deletionTime,
        destroyed: destroyed === true,
    };
}
/** Vault's `{"errors": [...]}`; else whatever text came, as one. */
function vaultErrors(body) {
    if (isObject(body) && Array.isArray(body.errors)) {
        return body.errors.filter((e) => typeof e === 'string' && e.trim() !== '');
    }
    return typeof body === 'string' && body.trim() !== '' ? [body] : [];
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
/* unused harmony exports BINDING_CLAIMS, claimLines */
const MAX_VALUE = 200;
/**
 * The claims a careful gateway policy binds, per platform, besides `iss`,
 * `sub` and `aud` (shown first) and `exp` (shown last).
 *
 * GitHub (docs.github.com, "About security hardening with OpenID Connect",
 * the OIDC token's claims): the repository by name and by id (`repository_id`
 * and `repository_owner_id` survive a rename and a re-registered name), the
 * ref with its type, the environment, the workflow that really runs
 * (`job_workflow_ref`/`job_workflow_sha`: a reusable workflow's own path and
 * commit, not the caller's), the event, and the runner.
 *
 * GitLab (lib/gitlab/ci/jwt.rb and jwt_v2.rb in gitlabhq, docs "OpenID Connect
 * (OIDC) authentication using ID tokens"): the project by path and id, the ref
 * with its type (`ref: main` alone also matches a tag named `main`), whether
 * it is protected, the pipeline definition that runs (`ci_config_ref_uri`),
 * and the environment.
 */
const BINDING_CLAIMS = {
    github: [
        'repository',
        'repository_id',
        'repository_owner_id',
        'ref',
        'ref_type',
        'environment',
        'job_workflow_ref',
        'job_workflow_sha',
        'event_name',
        'runner_environment',
    ],
    gitlab: [
        'project_path',
        'project_id',
        'ref',
        'ref_type',
        'ref_protected',
        'ci_config_ref_uri',
        'environment',
    ],
};
/** The claims lines, e.g. "  sub: repo:octo/app:ref:refs/heads/main". */
function claimLines(token, now = Date.now()) {
    const c = token.claims;
    const names = BINDING_CLAIMS[shape(token)];
    const lines = [
        ['iss', c.iss],
        ['sub', c.sub],
        ['aud', c.aud],
        ...names.map((name) => [name, c[name]]),
        ['exp', c.exp === undefined ? undefined : describeExp(c.exp, now)],
    ];
    return lines.map(([name, value]) => `  ${name}: ${render(value)}`);
}
/** Where gateway policies usually bind, and what careful ones bind besides. */
function bindingHint(token) {
    const common = 'Gateway policies usually bind `iss` (a trusted issuer), `aud` (must equal the audience the gateway expects; set `audience`) and `sub`';
    switch (shape(token)) {
        case 'github':
            return `${common} (repo:OWNER/REPO:ref:refs/heads/BRANCH, or repo:OWNER/REPO:environment:NAME when the job has an \`environment:\`); bind also \`repository\` with \`repository_id\` and \`repository_owner_id\`, \`ref\` with \`ref_type\`, \`environment\`, \`job_workflow_ref\` (or \`job_workflow_sha\`), \`event_name\` and \`runner_environment\``;
        case 'gitlab':
            return `${common} (project_path:GROUP/PROJECT:ref_type:branch:ref:BRANCH); bind also \`project_path\` or \`project_id\`, \`ref\` with \`ref_type\`, \`ref_protected\`, \`ci_config_ref_uri\` and \`environment\``;
    }
}
/** Which claims to show: the platform's, or for a local token the shape its claims have. */
function shape(token) {
    if (token.platform === 'local')
        return 'project_path' in token.claims ? 'gitlab' : 'github';
    return token.platform;
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