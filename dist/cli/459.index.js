export const id = 459;
export const ids = [459];
export const modules = {

/***/ 9304:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CQ: () => (/* binding */ URL_SCHEME_HINT),
/* harmony export */   GX: () => (/* binding */ requireSafeUrl),
/* harmony export */   Qx: () => (/* binding */ urlSchemeProblem),
/* harmony export */   SL: () => (/* binding */ fieldProblem),
/* harmony export */   Wv: () => (/* binding */ inputLimitProblems),
/* harmony export */   b1: () => (/* binding */ LIMITS),
/* harmony export */   dp: () => (/* binding */ byteLength),
/* harmony export */   hN: () => (/* binding */ parseYaml),
/* harmony export */   z3: () => (/* binding */ formatBytes)
/* harmony export */ });
/* unused harmony exports inputCap, controlCharacter, inputLimitProblem, isLoopback, YAML_MAX_ALIASES */
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8815);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1922);
/**
 * Hard limits on what a step may pass in, checked before anything else reads
 * the values: a size cap per input and per credential field, no control
 * characters, and the URL rules. Pure, so the action and `gatepass run` share
 * them (config.ts and settings.ts call them). README § Inputs and outputs
 * lists every cap; change both together.
 *
 * Messages name the input (or field), the size or the character's code
 * point, and the cap; never the value, which may be a secret or a log bomb.
 */


const KIB = 1024;
/** Caps in UTF-8 bytes (counts where named so). */
const LIMITS = {
    /** `gateway`, `audience`, `hoop-token-exchange-url`, `hoop-token-audience`: browsers' and CDNs' practical URL size. */
    url: 2 * KIB,
    /** The `credentials` YAML text. */
    credentialsText: 64 * KIB,
    /** Items in `credentials`. */
    credentialsCount: 64,
    /** One value inside `credentials`: scope, audience, resource, path, connection, a `data` value. */
    field: 4 * KIB,
    /** A key inside `credentials` (a field name, an env variable name, a `data` key). */
    key: 256,
    /** The `run` script. */
    run: 256 * KIB,
    /** A `--config` file, checked by its size on disk before it is read. */
    configFile: 256 * KIB,
    /** `approvers` (a list), `hoop-token-scope`, `working-directory`. */
    text: 4 * KIB,
    /** Secret inputs: `client-secret`, `hoop-api-key`, `github-token`, GATEPASS_GITLAB_TOKEN. */
    secret: 8 * KIB,
    /** Names and identifiers: `client-id`, `vault-role`, `vault-auth-path`, `vault-namespace`, `shell`. */
    name: KIB,
    /** `ca-certificate`: PEM text, a chain of a few certificates. */
    certificate: 64 * KIB,
    /** Every other input: keywords, numbers, booleans, durations, `id-token-variable`. */
    keyword: 256,
};
const RULES = {
    gateway: { max: LIMITS.url, lines: false },
    audience: { max: LIMITS.url, lines: false },
    'hoop-token-exchange-url': { max: LIMITS.url, lines: false },
    'hoop-token-audience': { max: LIMITS.url, lines: false },
    credentials: { max: LIMITS.credentialsText, lines: true },
    run: { max: LIMITS.run, lines: true },
    approvers: { max: LIMITS.text, lines: true },
    'hoop-token-scope': { max: LIMITS.text, lines: false },
    'working-directory': { max: LIMITS.text, lines: false },
    'client-secret': { max: LIMITS.secret, lines: false },
    'hoop-api-key': { max: LIMITS.secret, lines: false },
    'github-token': { max: LIMITS.secret, lines: false },
    GATEPASS_GITLAB_TOKEN: { max: LIMITS.secret, lines: false },
    'client-id': { max: LIMITS.name, lines: false },
    'vault-role': { max: LIMITS.name, lines: false },
    'vault-auth-path': { max: LIMITS.name, lines: false },
    'vault-namespace': { max: LIMITS.name, lines: false },
    shell: { max: LIMITS.name, lines: false },
    'ca-certificate': { max: LIMITS.certificate, lines: true },
};
/** The cap of an input (or of the environment variable GATEPASS_GITLAB_TOKEN), in bytes. */
function inputCap(name) {
    return ruleOf(name).max;
}
function ruleOf(name) {
    return RULES[name] ?? { max: LIMITS.keyword, lines: false };
}
// eslint-disable-next-line no-control-regex -- finding them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- as above, tab, LF and CR allowed
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/**
 * The first control character in `value`: C0 (U+0000–U+001F), DEL and C1
 * (U+0080–U+009F). With `lines`, tab, line feed and carriage return are
 * allowed; NUL never is.
 */
function controlCharacter(value, lines) {
    const match = (lines ? CONTROL_BUT_LINES : CONTROL).exec(value);
    if (match === null)
        return undefined;
    const code = match[0].charCodeAt(0);
    return {
        codePoint: `U+${code.toString(16).toUpperCase().padStart(4, '0')}`,
        position: match.index + 1,
    };
}
function byteLength(value) {
    return Buffer.byteLength(value, 'utf8');
}
/** `1536 bytes`, `70 KiB`: for messages. */
function formatBytes(bytes) {
    return bytes < 10 * KIB ? `${bytes} bytes` : `${Math.round(bytes / KIB)} KiB`;
}
/**
 * Size and control characters of one input's raw value. Single-line inputs
 * are checked trimmed (YAML block scalars end in a newline), the size on the
 * value as given.
 */
function inputLimitProblem(name, raw) {
    const rule = ruleOf(name);
    const what = name.startsWith('GATEPASS_') ? name : `input \`${name}\``;
    const size = byteLength(raw);
    if (size > rule.max) {
        return new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('INPUT', `${what} is ${formatBytes(size)}, over the limit of ${formatBytes(rule.max)}`, { hint: 'Shorten it; README § Inputs and outputs lists the limits' });
    }
    const control = controlCharacter(rule.lines ? raw : raw.trim(), rule.lines);
    if (control === undefined)
        return undefined;
    return new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('INPUT', `${what} contains a control character (${control.codePoint}) at character ${control.position}`, {
        hint: rule.lines
            ? 'Remove it: only line breaks and tabs are allowed here'
            : 'Remove it: this input is one line of text',
    });
}
/** Every problem of every input in `names`, found before any input is parsed. */
function inputLimitProblems(getInput, names) {
    const problems = [];
    for (const name of names) {
        const problem = inputLimitProblem(name, getInput(name));
        if (problem !== undefined)
            problems.push(problem);
    }
    return problems;
}
/**
 * Why a string inside `credentials` is refused (too long, a control
 * character), or undefined. `lines` for values that may be PEM text (a Vault
 * `data` value such as a CSR).
 */
function fieldProblem(value, options = {}) {
    const max = options.max ?? LIMITS.field;
    const size = byteLength(value);
    if (size > max)
        return `is ${formatBytes(size)}, over the limit of ${formatBytes(max)}`;
    const control = controlCharacter(value, options.lines ?? false);
    return control === undefined
        ? undefined
        : `contains a control character (${control.codePoint}) at character ${control.position}`;
}
// ---------------------------------------------------------------------------
// URLs
/** localhost, 127.0.0.0/8, [::1]. */
function isLoopback(url) {
    const host = url.hostname;
    return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
// Schemes read letter by letter take "an": an http: URL, an ftp: URL.
const SPELLED = new Set(['http', 'ftp', 'ftps', 'sftp', 'ssh', 'smb', 'ldap', 'ldaps', 'nfs']);
/**
 * Why `url` may not receive an identity token, or undefined when it may:
 * https, or plain http to this machine. One wording for every case, naming
 * the scheme, never the rest of the URL.
 */
function urlSchemeProblem(url) {
    if (url.protocol === 'https:')
        return undefined;
    if (url.protocol === 'http:') {
        return isLoopback(url)
            ? undefined
            : 'must use https: (got an http: URL to a host that is not this machine)';
    }
    const scheme = url.protocol.slice(0, -1).slice(0, 32).toLowerCase();
    const article = /^[aeiou]/.test(scheme) || SPELLED.has(scheme) ? 'an' : 'a';
    return `must use https: (got ${article} ${scheme}: URL)`;
}
const URL_SCHEME_HINT = 'Use https://…; plain http is allowed only to localhost, 127.0.0.0/8 and [::1]';
/**
 * `value` as a URL that may receive an identity token (see
 * {@link urlSchemeProblem}); the URL is not quoted in the error. Gateways
 * check every address they are given or discover with it.
 */
function requireSafeUrl(value, what) {
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('INPUT', `${what} is not an absolute URL`, {
            hint: "Use the gateway's issuer URL, e.g. https://gateway.example.com",
        });
    }
    const problem = urlSchemeProblem(url);
    if (problem === undefined)
        return url;
    throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('INPUT', `${what} ${problem}`, { hint: URL_SCHEME_HINT });
}
// ---------------------------------------------------------------------------
// YAML
/** Alias uses allowed while converting YAML to data (the `yaml` package's `maxAliasCount`). */
const YAML_MAX_ALIASES = 100;
/**
 * YAML text to data, with errors that name where it came from and never
 * quote it: the position of a syntax error, and a bounded alias expansion
 * instead of the parser's "ReferenceError: Excessive alias count".
 */
function parseYaml(text, source) {
    const lineCounter = new yaml__WEBPACK_IMPORTED_MODULE_0__/* .LineCounter */ .HN();
    const doc = (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .parseDocument */ .Tp)(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
    const error = doc.errors[0];
    if (error !== undefined) {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        const reason = source.reason === true ? `: ${error.message.split(/[\r\n]/)[0] ?? ''}` : '';
        const where = source.lineOnly === true ? `(line ${line})` : `at line ${line}, column ${col}`;
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('INPUT', `${source.subject} is not valid YAML ${where}${reason}`, {
            hint: source.hint,
        });
    }
    try {
        return doc.toJS({ maxAliasCount: YAML_MAX_ALIASES });
    }
    catch (err) {
        const message = err instanceof Error ? err.message : '';
        const problem = message.startsWith('Excessive alias count')
            ? `YAML aliases expand too far (over ${YAML_MAX_ALIASES} alias uses)`
            : message.startsWith('Unresolved alias')
                ? 'a YAML alias (*name) has no anchor (&name) before it'
                : 'cannot be read as YAML data';
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('INPUT', `${source.subject}: ${problem}`, {
            hint: 'Write the values out instead of using anchors (&) and aliases (*)',
        });
    }
}


/***/ }),

/***/ 8281:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Z5: () => (/* binding */ cleanupSignal),
/* harmony export */   e$: () => (/* binding */ requireEnvFields),
/* harmony export */   jE: () => (/* binding */ CONNECTION_FIELDS),
/* harmony export */   mP: () => (/* binding */ handleOf),
/* harmony export */   mm: () => (/* binding */ isPending)
/* harmony export */ });
/* unused harmony export CLEANUP_BUDGET_MS */
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1922);
/**
 * The contract every gateway (token-exchange, vault, hoop) implements. A
 * pending request is waited on by approvals/gate.ts (`awaitGatewayApproval`),
 * with the same status lines as comment approvals. Gateways never import a CI
 * platform: they receive the identity token, a logger and `registerSecret`.
 */

/**
 * Connection details gateways return beside a secret (hoop's credentials,
 * a token-exchange server's extra members): not secret, and masking a host
 * name or a port everywhere would mangle the job's output.
 */
const CONNECTION_FIELDS = new Set([
    'host',
    'hostname',
    'port',
    'database',
    'database_name',
    'endpoint_url',
]);
/**
 * Every field `env` names must be in `values`. The error lists the fields
 * that are there, by name only: a value never goes into a message.
 */
function requireEnvFields(request, values, where) {
    const missing = Object.entries(request.env ?? {}).filter(([, field]) => !(field in values));
    if (missing.length === 0)
        return;
    const names = Object.keys(values).sort();
    const wanted = missing.map(([variable, field]) => `${field} (for ${variable})`).join(', ');
    throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('CONFIG', `credential "${request.name}": ${where} has no field ${wanted}; its fields are: ${names.length === 0 ? '(none)' : names.join(', ')}`, { hint: `Map \`env\` of "${request.name}" to one of the fields listed` });
}
/**
 * The handle, narrowed to `provider`'s own kind. Another provider's handle
 * reaching a gateway is a bug (state from a different configuration), not a
 * user error, so it fails as INTERNAL.
 */
function handleOf(handle, provider, gatewayName = provider) {
    if (handle.provider !== provider) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('INTERNAL', `a ${handle.provider} revocation handle reached the ${gatewayName} gateway`);
    }
    return handle;
}
/**
 * The budget of a gateway's own clean-up (revoking a Vault login token whose
 * read failed, an exchanged hoop token): a fresh deadline, because the
 * caller's signal may be the very cancel that made the clean-up necessary.
 */
const CLEANUP_BUDGET_MS = 5_000;
function cleanupSignal() {
    return AbortSignal.timeout(CLEANUP_BUDGET_MS);
}
function isPending(result) {
    return result.kind === 'pending';
}


/***/ }),

/***/ 8044:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   TN: () => (/* binding */ oneLine),
/* harmony export */   _I: () => (/* binding */ scrub),
/* harmony export */   bD: () => (/* binding */ messageOf)
/* harmony export */ });
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1922);
/**
 * Turning what a gateway answered into one line of an error message, with the
 * secrets the gateway might echo (the identity token, a Vault token, an API
 * key) cut out first.
 */

/** Replaces each secret, and each long dot-separated piece of it, with `***`. */
function scrub(text, secrets) {
    let out = text;
    for (const secret of secrets) {
        // A JWT's signature (or payload) echoed alone is as bad as the whole token.
        for (const piece of [secret, ...secret.split('.').filter((p) => p.length >= 16)]) {
            if (piece.length >= 8)
                out = out.split(piece).join('***');
        }
    }
    return out;
}
/** Control characters and runs of white space folded, at most `max` characters (scrub first). */
function oneLine(text, max = 300) {
    // eslint-disable-next-line no-control-regex
    const flat = text.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
    return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
/** The message without its hint: several go into one line. */
function messageOf(err) {
    return err instanceof _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9 ? err.message : (0,_common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(err);
}


/***/ }),

/***/ 1459:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createVaultGateway: () => (/* binding */ createVaultGateway)
/* harmony export */ });
/* unused harmony export checkVaultRequest */
/* harmony import */ var node_vault__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8096);
/* harmony import */ var node_vault__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_vault__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1922);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8044);
/* harmony import */ var _identity_diagnostics_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(8718);
/* harmony import */ var _common_logger_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9353);
/* harmony import */ var _common_retry_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9183);
/* harmony import */ var _common_http_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9844);
/* harmony import */ var _gateway_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8281);
/* harmony import */ var _config_limits_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(9304);
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
        poll: (pending) => Promise.reject(new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('INTERNAL', `the Vault gateway never leaves "${pending.name}" pending`)),
        revoke: (handle, signal) => revoke(settings, (0,_gateway_js__WEBPACK_IMPORTED_MODULE_6__/* .handleOf */ .mP)(handle, 'vault', 'Vault'), signal),
    };
}
function resolve(options) {
    const address = (0,_config_limits_js__WEBPACK_IMPORTED_MODULE_7__/* .requireSafeUrl */ .GX)(options.gateway, '`gateway`');
    if (options.role.trim() === '') {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', 'the vault provider needs `vault-role`', {
            hint: 'Set `vault-role` to the JWT auth role bound to this repository or project',
        });
    }
    const authPath = (options.authPath ?? 'jwt').replace(/^\/+|\/+$/g, '').replace(/^auth\//, '');
    if (!/^[\w.-]+(\/[\w.-]+)*$/.test(authPath)) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('INPUT', `\`vault-auth-path\` "${authPath}" is not a mount path`, {
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
        logger: options.logger ?? _common_logger_js__WEBPACK_IMPORTED_MODULE_3__/* .silentLogger */ .q,
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
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', `${where} has no \`path\``, {
            hint: 'With provider vault, each credential names a `path`, e.g. database/creds/migrator',
        });
    }
    const path = vault.path.trim().replace(/^\/+/, '').replace(/^v1\//, '').replace(/\/+$/, '');
    if (/[?#\s]/.test(path) || path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', `${where}: \`path\` "${path}" is not a Vault path`, {
            hint: 'Give the path below /v1/ without query or "..", e.g. secret/data/app',
        });
    }
    const method = vault.method ?? 'GET';
    if (method === 'GET' && vault.data !== undefined) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', `${where} has \`data\` but method GET`, {
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
        (0,_gateway_js__WEBPACK_IMPORTED_MODULE_6__/* .requireEnvFields */ .e$)(request, issued.values, `the secret at ${target.path}`);
        return { ...issued, revocation: handle };
    }
    catch (err) {
        // Nothing will use the token or its lease: do not leave them alive, even
        // when `signal` is the cancel that ended the read.
        await revoke(settings, handle, (0,_gateway_js__WEBPACK_IMPORTED_MODULE_6__/* .cleanupSignal */ .Z5)()).catch((e) => {
            settings.logger.warning(`could not revoke the unused Vault token: ${(0,_common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .describeError */ .Uc)(e)}`);
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
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', `Vault's answer to POST ${path} holds no auth.client_token`, {
            hint: 'Check that `gateway` is the Vault address and `vault-auth-path` a JWT auth mount',
        });
    }
    // Before anything else can see it.
    settings.registerSecret(token);
    const ttl = typeof auth.lease_duration === 'number' ? auth.lease_duration : 0;
    const accessor = typeof auth.accessor === 'string' ? auth.accessor : '';
    // The accessor is what Vault's audit log shows; it cannot be used to read secrets.
    settings.logger.info(`logged in to Vault as role "${settings.role}"${accessor === '' ? '' : ` (token accessor ${accessor})`}${ttl > 0 ? `, token valid for ${(0,_common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .formatDuration */ .a3)(ttl * 1000)}` : ''}`);
    return {
        token,
        accessor,
        expiresAt: ttl > 0 ? new Date(Date.now() + ttl * 1000) : undefined,
    };
}
function loginError(err, settings, id) {
    if (!(err instanceof _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9) || ![400, 401, 403].includes(err.status))
        return err;
    settings.logger.warning((0,_identity_diagnostics_js__WEBPACK_IMPORTED_MODULE_8__/* .identityDiagnostics */ .zx)(id, err.message));
    const mount = err.status === 403
        ? ` A 403 at login also means nothing is mounted at auth/${settings.authPath}: check \`vault-auth-path\`.`
        : '';
    return new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('DENIED', `Vault refused the login as role "${settings.role}": ${err.message}`, {
        hint: `The identity token's claims are in the log above; compare them with the role's bound_audiences and bound_claims.${mount} ${(0,_identity_diagnostics_js__WEBPACK_IMPORTED_MODULE_8__/* .bindingHint */ .jw)(id)}`,
    });
}
function readError(err, settings, target, id) {
    if (!(err instanceof _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9))
        return err;
    if (err.status === 403) {
        settings.logger.warning((0,_identity_diagnostics_js__WEBPACK_IMPORTED_MODULE_8__/* .identityDiagnostics */ .zx)(id, err.message));
        return new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('DENIED', err.message, {
            hint: `The policies of role "${settings.role}" do not allow ${target.method === 'GET' ? 'read' : 'create/update'} on ${target.path}; attach a policy that does, or fix \`path\``,
        });
    }
    if (err.status === 404) {
        return new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', err.message, {
            hint: `Nothing is at ${target.path}${settings.namespace === undefined ? '' : ` in namespace ${settings.namespace}`}: check \`path\` (kv v2 reads go through <mount>/data/<name>) and \`vault-namespace\``,
        });
    }
    if (err.status === 400 || err.status === 405) {
        return new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', err.message, {
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
        settings.logger.info(`Vault leased "${request.name}" (${path}) for ${(0,_common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .formatDuration */ .a3)(envelope.lease_duration * 1000)}, longer than the ${(0,_common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .formatDuration */ .a3)(request.ttlSeconds * 1000)} asked: the secrets engine role's default_ttl decides; gatepass revokes it when the step ends`);
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
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', 'the kv v2 secret has no data (its version is deleted or destroyed)', {
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
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', `Vault's answer to ${what} holds no \`data\` object`, {
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
    const address = (0,_config_limits_js__WEBPACK_IMPORTED_MODULE_7__/* .requireSafeUrl */ .GX)(handle.address, 'the Vault address of the revocation handle');
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
            if (!(err instanceof _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9 && err.status === 403)) {
                leaseProblems.push(`lease ${lease}: ${(0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(err)}`);
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
        if (err instanceof _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9 && err.status === 403) {
            settings.logger.debug('the Vault token was already revoked or expired');
            return;
        }
        const problems = [...leaseProblems, `token: ${(0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(err)}`];
        // A refused redirect is a setting to fix, not bad luck: say which.
        const fix = err instanceof _common_http_js__WEBPACK_IMPORTED_MODULE_5__/* .RedirectRefusedError */ .jw ? `${err.hint ?? ''}. ` : '';
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', `Vault revocation failed: ${problems.join('; ')}`, {
            hint: `${fix}The token${handle.leases.length > 0 ? ' and its leases stay' : ' stays'} valid until ${handle.expiresAt ?? 'its TTL ends'}; revoke by hand (vault token revoke -accessor …) if it matters`,
            cause: err,
        });
    }
    if (leaseProblems.length > 0) {
        settings.logger.debug(`revoked the token, which takes its leases along (${leaseProblems.join('; ')})`);
    }
}
function vaultClient(address, namespace) {
    const client = node_vault__WEBPACK_IMPORTED_MODULE_0___default()({
        endpoint: `${address.origin}${address.pathname.replace(/\/+$/, '')}`,
        apiVersion: 'v1',
        ...(namespace === undefined ? {} : { namespace }),
        // node-vault prints request bodies (the JWT) through `debug` when
        // DEBUG=node-vault is set; nothing of ours goes there.
        debug: () => undefined,
        // node-vault's HTTP layer, replaced: see `send`. node-vault hands it its
        // defaults (`strictSSL` from VAULT_SKIP_VERIFY), which `send` ignores:
        // certificates are always verified.
        'request-promise': { defaults: () => send },
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
    const answer = await (0,_common_http_js__WEBPACK_IMPORTED_MODULE_5__/* .attempt */ .CD)({
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
    return (0,_common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .retry */ .L5)(async ({ signal: attempt }) => {
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
    throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', `${label} answered something that is not a JSON object`, {
        hint: 'Check that `gateway` is the Vault address (not a proxy or login page)',
    });
}
function transportError(err, label, secrets) {
    if (err instanceof _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9)
        return err;
    const response = err
        ?.response;
    if (response !== undefined && typeof response.statusCode === 'number') {
        const status = response.statusCode;
        const detail = (0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .oneLine */ .TN)((0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .scrub */ ._I)(vaultErrors(response.body), secrets));
        const code = status === 403 ? 'DENIED' : 'GATEWAY';
        return new _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9(status, `${label} answered HTTP ${status}${detail === '' ? '' : ` (${detail})`}`, {
            code,
            ...((0,_common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .isRetryableStatus */ .PS)(status) ? { hint: 'Vault is sealed, a standby, or overloaded' } : {}),
        });
    }
    return new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', `${label} failed: ${(0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .oneLine */ .TN)((0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .scrub */ ._I)((0,_common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .describeError */ .Uc)(err), secrets))}`, {
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

//# sourceMappingURL=459.index.js.map