export const id = 57;
export const ids = [57];
export const modules = {

/***/ 4438:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createTokenExchangeGateway: () => (/* binding */ createTokenExchangeGateway)
});

// UNUSED EXPORTS: GRANT_TYPE, ID_TOKEN_TYPE

// EXTERNAL MODULE: ./node_modules/openid-client/build/index.js
var build = __webpack_require__(8129);
// EXTERNAL MODULE: ./node_modules/oauth4webapi/build/index.js
var oauth4webapi_build = __webpack_require__(5235);
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/gateways/text.ts
var gateways_text = __webpack_require__(8044);
// EXTERNAL MODULE: ./src/config/limits.ts + 1 modules
var limits = __webpack_require__(3664);
// EXTERNAL MODULE: ./src/common/http.ts
var http = __webpack_require__(5069);
;// CONCATENATED MODULE: ./src/gateways/google-iam.ts
/**
 * Google Cloud's second step of workload identity federation: the federated
 * token Security Token Service issues is traded for a service account's
 * access token at IAM Credentials `generateAccessToken` (the credential
 * request's `service-account`). Many Google APIs accept the federated token
 * itself; the ones that do not answer 401 to it, and a service account is
 * also how most projects grant roles.
 *
 * The call, as Google's API description gives it (discovery document
 * `iamcredentials:v1`): `POST https://iamcredentials.googleapis.com/v1/
 * projects/-/serviceAccounts/{email}:generateAccessToken` with
 * `Authorization: Bearer <federated token>` and a JSON body `{scope: [...],
 * lifetime: "<seconds>s"}`, answered `{accessToken, expireTime}`; errors
 * are Google's JSON error `{error: {code, message, status}}`. Neither STS
 * nor IAM Credentials has a revocation method: these tokens live until they
 * expire.
 */




const IAM_CREDENTIALS = 'https://iamcredentials.googleapis.com';
/** The scope IAM Credentials requires of the caller's token (its discovery document's `scopes`). */
const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** The generateAccessToken URL of a `service-account` (an email, or that URL already). */
function impersonationUrl(serviceAccount) {
    if (/^https?:\/\//i.test(serviceAccount))
        return serviceAccount;
    // `-` is required in place of the project: the API rejects a project id there.
    // The email goes in as Google's own clients send it, `@` and all (a path may hold one).
    const email = encodeURIComponent(serviceAccount).replace(/%40/g, '@');
    return `${IAM_CREDENTIALS}/v1/projects/-/serviceAccounts/${email}:generateAccessToken`;
}
/** One generateAccessToken call; the token is registered as a secret before it is returned. */
async function generateAccessToken(call) {
    const url = (0,limits/* requireSafeUrl */.GX)(impersonationUrl(call.serviceAccount), '`service-account`');
    const answer = await (0,http/* request */.Em)({
        method: 'POST',
        url,
        headers: {
            authorization: `Bearer ${call.federatedToken}`,
            'content-type': 'application/json',
            accept: 'application/json',
        },
        body: JSON.stringify({ scope: call.scopes, lifetime: `${call.lifetimeSeconds}s` }),
        label: `IAM Credentials generateAccessToken for ${serviceAccountOf(call.serviceAccount)}`,
    }, { ...call.policy, what: 'Google IAM Credentials', input: 'credentials' });
    const body = parseJson(answer.text());
    if (answer.status !== 200) {
        throw refusal(call, answer.status, body, (0,gateways_text/* scrub */._I)(answer.text(), [call.federatedToken]));
    }
    const accessToken = body?.accessToken;
    const expireTime = typeof body?.expireTime === 'string' ? Date.parse(body.expireTime) : NaN;
    if (typeof accessToken !== 'string' || accessToken === '' || Number.isNaN(expireTime)) {
        throw new errors/* GatepassError */.J9('GATEWAY', `IAM Credentials answered "${call.name}" without an accessToken and expireTime`, {
            hint: 'Check that `service-account` points at iamcredentials.googleapis.com (or its private endpoint)',
        });
    }
    call.registerSecret(accessToken);
    return { accessToken, expiresAt: new Date(expireTime) };
}
function parseJson(text) {
    try {
        const value = JSON.parse(text);
        return typeof value === 'object' && value !== null && !Array.isArray(value)
            ? value
            : undefined;
    }
    catch {
        return undefined;
    }
}
/** Google's `{error: {code, message, status}}`, as one line with the fix. */
function refusal(call, status, body, text) {
    const error = body?.error;
    const detail = typeof error === 'object' && error !== null
        ? [error.status, error.message]
            .filter((p) => typeof p === 'string')
            .join(': ')
        : text;
    const who = serviceAccountOf(call.serviceAccount);
    const code = status === 401 || status === 403 ? 'DENIED' : 'GATEWAY';
    const hint = status === 403
        ? `Grant roles/iam.workloadIdentityUser on ${who} to this job's principal (principalSet://iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/attribute.repository/<owner>/<repo>), and check that the service account exists`
        : status === 400
            ? 'Check `ttl` (at most 1h unless the organization policy constraints/iam.allowServiceAccountCredentialLifetimeExtension allows up to 12h) and `scope` (Google OAuth scopes, space-separated)'
            : status === 401
                ? "IAM Credentials did not accept STS's token: check that the STS exchange asks for requested-token-type urn:ietf:params:oauth:token-type:access_token"
                : 'See the message; docs/token-exchange.md#google-cloud-sts lists the set-up';
    return new errors/* GatepassError */.J9(code, `the service account step for "${call.name}" was refused: HTTP ${status}${detail === '' ? '' : ` (${(0,gateways_text/* oneLine */.TN)((0,gateways_text/* scrub */._I)(detail, [call.federatedToken]))})`}`, { hint });
}
/** The email of a `service-account`, for messages. */
function serviceAccountOf(serviceAccount) {
    const match = /\/serviceAccounts\/([^/]+):generateAccessToken$/.exec(serviceAccount);
    return match?.[1] === undefined ? serviceAccount : decodeURIComponent(match[1]);
}

// EXTERNAL MODULE: ./src/identity/diagnostics.ts
var diagnostics = __webpack_require__(8718);
// EXTERNAL MODULE: ./src/common/logger.ts
var logger = __webpack_require__(9353);
// EXTERNAL MODULE: ./src/common/retry.ts
var retry = __webpack_require__(9183);
// EXTERNAL MODULE: ./src/gateways/gateway.ts
var gateway = __webpack_require__(8281);
;// CONCATENATED MODULE: ./src/gateways/token-exchange.ts
/**
 * The token-exchange gateway: RFC 8693 through openid-client. The runner's ID
 * token is the subject token; each credential request becomes one exchange
 * (scope, audience, resource, requested token type), and, for Google Cloud,
 * a second step at IAM Credentials for a service account (google-iam.ts).
 * Revocation is RFC 7009 when the server advertises it (or
 * `revocation-endpoint` names it). Pending approval follows the device-flow
 * convention (RFC 8628 §3.5): `authorization_pending`, `slow_down`,
 * `access_denied`, `expired_token`.
 *
 * Every HTTP request goes through the retry policy inside openid-client's
 * custom fetch, so discovery, exchange and revocation share one behaviour:
 * transient failures retried with backoff, each attempt bounded, and one
 * deadline per gateway call.
 */










/** How messages name the peer. */
const SERVER = 'the token-exchange server';
const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
/** RFC 8693 members of the token response that are not secret (see Issued.publicFields). */
const PUBLIC_FIELDS = new Set([
    'token_type',
    'issued_token_type',
    'scope',
    'expires_in',
]);
/** Validates everything it can before any network call, then returns the gateway. */
function createTokenExchangeGateway(options) {
    const settings = resolve(options);
    const discovery = cachedDiscovery(settings, options);
    let warnedNoRevocation = false;
    const exchange = async (request, id, signal, previous) => {
        const deadline = Date.now() + settings.timeoutMs;
        const metadata = await discovery.get(signal, deadline);
        const config = configuration(settings, metadata, options, signal, deadline);
        let response;
        try {
            response = await build/* genericGrantRequest */.D1(config, GRANT_TYPE, exchangeParameters(settings, request, id));
        }
        catch (err) {
            return handleExchangeError(err, request, id, previous, settings);
        }
        const serviceAccount = request.tokenExchange?.serviceAccount;
        if (serviceAccount !== undefined) {
            return impersonate(request, serviceAccount, response, {
                settings,
                options,
                signal,
                deadline,
            });
        }
        const issued = toIssued(request, response, options.registerSecret, settings.logger);
        if (metadata.revocation_endpoint === undefined) {
            if (!warnedNoRevocation) {
                warnedNoRevocation = true;
                settings.logger.info(settings.explicitEndpoints
                    ? 'no `revocation-endpoint` is set: credentials live until they expire'
                    : 'the gateway advertises no revocation_endpoint: credentials live until they expire');
            }
            return issued;
        }
        return {
            ...issued,
            revocation: revocationHandle(metadata.revocation_endpoint, settings, response, issued),
        };
    };
    return {
        issue: (request, id, signal) => exchange(request, id, signal, undefined),
        poll: (pending, id, signal) => exchange(pending.request, id, signal, pending),
        revoke: (handle, signal) => revokeAll(handle, settings, options, signal),
    };
}
function resolve(options) {
    const gateway = (0,limits/* requireSafeUrl */.GX)(options.gateway, '`gateway`');
    if (options.endpoints !== undefined) {
        (0,limits/* requireSafeUrl */.GX)(options.endpoints.token, 'the token endpoint');
        if (options.endpoints.revocation !== undefined) {
            (0,limits/* requireSafeUrl */.GX)(options.endpoints.revocation, 'the revocation endpoint');
        }
    }
    const secret = options.clientSecret === '' ? undefined : options.clientSecret;
    const method = options.clientAuthMethod;
    if (method === 'none' && secret !== undefined) {
        throw new errors/* GatepassError */.J9('CONFIG', 'a client secret is set but client authentication is `none`', {
            hint: 'Remove `client-secret`, or use client_secret_basic or client_secret_post',
        });
    }
    if (method !== undefined && method !== 'none' && secret === undefined) {
        throw new errors/* GatepassError */.J9('CONFIG', `client authentication ${method} needs \`client-secret\``, {
            hint: 'Set `client-secret` (from a secret store), or use client authentication `none`',
        });
    }
    return {
        gateway,
        clientId: options.clientId ?? 'gatepass',
        clientSecret: secret,
        method,
        subjectTokenType: options.subjectTokenType ?? ID_TOKEN_TYPE,
        subjectIssuer: options.subjectIssuer,
        explicitEndpoints: options.endpoints !== undefined,
        ttlParameter: options.ttlParameter === undefined ? 'expires_in' : options.ttlParameter,
        timeoutMs: options.timeoutMs ?? 120_000,
        attemptTimeoutMs: options.attemptTimeoutMs ?? 30_000,
        logger: options.logger ?? logger/* silentLogger */.q,
    };
}
function cachedDiscovery(settings, options) {
    let cached;
    return {
        get(signal, deadline) {
            if (options.endpoints !== undefined) {
                const { token, revocation } = options.endpoints;
                return Promise.resolve({
                    issuer: settings.gateway.href,
                    token_endpoint: token,
                    ...(revocation === undefined ? {} : { revocation_endpoint: revocation }),
                });
            }
            cached ??= discover(settings, options, signal, deadline);
            // A failed discovery is not remembered: the next call tries again.
            cached.catch(() => {
                cached = undefined;
            });
            return cached;
        },
    };
}
/** OIDC discovery first (Keycloak, Okta, Auth0, Zitadel), RFC 8414 when that is 404. */
async function discover(settings, options, signal, deadline) {
    const fetcher = retryingFetch(settings, options, signal, deadline);
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- plain http only to loopback, checked by requireSafeUrl
    const execute = settings.gateway.protocol === 'http:' ? [build/* allowInsecureRequests */.cm] : [];
    let config;
    try {
        config = await build/* discovery */.HD(settings.gateway, settings.clientId, undefined, undefined, {
            [build/* customFetch */.A6]: fetcher,
            execute,
        });
    }
    catch (first) {
        if (httpStatusOf(first) !== 404)
            throw discoveryError(first, settings);
        try {
            config = await build/* discovery */.HD(settings.gateway, settings.clientId, undefined, undefined, {
                [build/* customFetch */.A6]: fetcher,
                execute,
                algorithm: 'oauth2',
            });
        }
        catch (second) {
            throw discoveryError(second, settings);
        }
    }
    const metadata = config.serverMetadata();
    if (metadata.token_endpoint === undefined) {
        throw new errors/* GatepassError */.J9('GATEWAY', `the gateway's metadata names no token_endpoint`, {
            hint: 'Check that `gateway` is the issuer URL of a token-exchange server',
        });
    }
    (0,limits/* requireSafeUrl */.GX)(metadata.token_endpoint, 'the discovered token_endpoint');
    if (metadata.revocation_endpoint !== undefined) {
        (0,limits/* requireSafeUrl */.GX)(metadata.revocation_endpoint, 'the discovered revocation_endpoint');
    }
    return metadata;
}
function discoveryError(err, settings) {
    const ours = gatepassErrorIn(err);
    if (ours !== undefined)
        return ours;
    const code = err.code;
    if (code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') {
        const body = findCause(err, (e) => 'body' in e)
            ?.body;
        return new errors/* GatepassError */.J9('GATEWAY', `the gateway's discovery document names issuer ${JSON.stringify(body?.issuer ?? '?')}, not ${settings.gateway.href}`, {
            hint: 'Set `gateway` to the issuer URL exactly as the server publishes it (scheme, host, path, no extra slash)',
            cause: err,
        });
    }
    return new errors/* GatepassError */.J9('GATEWAY', `discovery at ${settings.gateway.href} failed: ${describeOAuthFailure(err)}`, {
        hint: 'Check `gateway`: it must be the issuer URL that serves /.well-known/openid-configuration or /.well-known/oauth-authorization-server',
        cause: err,
    });
}
function configuration(settings, metadata, options, signal, deadline) {
    const config = new build/* Configuration */.Vk(metadata, settings.clientId, settings.clientSecret, clientAuth(settings, metadata));
    config[build/* customFetch */.A6] = retryingFetch(settings, options, signal, deadline);
    if ([metadata.token_endpoint, metadata.revocation_endpoint].some((u) => u?.startsWith('http:'))) {
        // Only reachable for loopback: requireSafeUrl checked every endpoint.
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above
        build/* allowInsecureRequests */.cm(config);
    }
    return config;
}
/** `client-auth: none`: nothing at all, not even `client_id` (openid-client's None() sends that). */
const NO_CLIENT_AUTHENTICATION = () => undefined;
function clientAuth(settings, metadata) {
    if (settings.method === 'none')
        return NO_CLIENT_AUTHENTICATION;
    if (settings.clientSecret === undefined)
        return build/* None */.NV();
    const supported = metadata.token_endpoint_auth_methods_supported;
    const method = settings.method ??
        (supported !== undefined &&
            supported.includes('client_secret_post') &&
            !supported.includes('client_secret_basic')
            ? 'client_secret_post'
            : 'client_secret_basic');
    return method === 'client_secret_post'
        ? build/* ClientSecretPost */.qm(settings.clientSecret)
        : build/* ClientSecretBasic */.gH(settings.clientSecret);
}
/**
 * openid-client's fetch: the transport (common/http.ts) under the retry
 * policy. Transient statuses are retried there; everything else (including
 * OAuth error bodies) goes back to openid-client to parse.
 */
function retryingFetch(settings, options, signal, deadline) {
    return async (url, init) => {
        const answer = await (0,http/* request */.Em)({
            method: init.method,
            url,
            headers: init.headers,
            ...(init.body === undefined || init.body === null
                ? {}
                : { body: init.body }),
        }, {
            what: SERVER,
            deadlineMs: deadline - Date.now(),
            attemptTimeoutMs: settings.attemptTimeoutMs,
            signal,
            logger: settings.logger,
            ...(options.retry === undefined ? {} : { retry: options.retry }),
            statusError: (failed, label) => statusError(label, failed, sentSecrets(init)),
        });
        return (0,http/* toResponse */.Zr)(answer);
    };
}
function statusError(label, answer, secrets) {
    // A server may echo the request: the ID token, the client secret, the token to revoke.
    const detail = errorText((0,gateways_text/* scrub */._I)(answer.text(), secrets));
    const retryAfterMs = (0,retry/* parseRetryAfter */.mu)(answer.headers.get('retry-after'), Date.now());
    return new retry/* HttpStatusError */.F9(answer.status, `${label} answered HTTP ${answer.status}${detail === '' ? '' : ` (${detail})`}`, retryAfterMs === undefined ? {} : { retryAfterMs });
}
/** What a request carried that must not come back in a message: secret parameters, credentials. */
function sentSecrets(init) {
    const secrets = [];
    if (init.body instanceof URLSearchParams) {
        for (const name of SECRET_PARAMETERS) {
            const value = init.body.get(name);
            if (value !== null && value !== '')
                secrets.push(value);
        }
    }
    const authorization = Object.entries(init.headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
    const basic = /^Basic (.+)$/i.exec(authorization ?? '')?.[1];
    if (basic !== undefined) {
        const [user = '', password = ''] = Buffer.from(basic, 'base64').toString('utf8').split(':');
        secrets.push(basic, decodeURIComponent(user), decodeURIComponent(password));
    }
    return secrets.filter((value) => value.length >= 8);
}
const SECRET_PARAMETERS = [
    'subject_token',
    'actor_token',
    'client_secret',
    'client_assertion',
    'token',
];
/** The `error`/`error_description` of an error body, else a short excerpt (scrub it first). */
function errorText(text) {
    try {
        const json = JSON.parse(text);
        const parts = [json.error, json.error_description].filter((p) => typeof p === 'string');
        if (parts.length > 0)
            return (0,gateways_text/* oneLine */.TN)(parts.join(': '));
    }
    catch {
        // not JSON: fall through to an excerpt
    }
    return (0,gateways_text/* oneLine */.TN)(text);
}
function exchangeParameters(settings, request, id) {
    const params = new URLSearchParams({
        subject_token: id.value,
        subject_token_type: settings.subjectTokenType,
    });
    if (settings.subjectIssuer !== undefined)
        params.set('subject_issuer', settings.subjectIssuer);
    const te = request.tokenExchange ?? {};
    // IAM Credentials takes only a token with the cloud-platform scope; the
    // credential's own scope is then the service account token's.
    const scope = te.serviceAccount === undefined ? te.scope : CLOUD_PLATFORM_SCOPE;
    if (scope !== undefined && scope !== '')
        params.set('scope', scope);
    for (const audience of list(te.audience))
        params.append('audience', audience);
    for (const resource of list(te.resource))
        params.append('resource', resource);
    if (te.requestedTokenType !== undefined)
        params.set('requested_token_type', te.requestedTokenType);
    if (settings.ttlParameter !== null)
        params.set(settings.ttlParameter, String(request.ttlSeconds));
    return params;
}
function list(value) {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
/**
 * Every member of the token response becomes a field: the RFC 8693 ones, and
 * whatever else the server adds (a database gateway's `username`, `password`,
 * `url`). Strings are secrets unless known to be public; numbers and
 * booleans are not (no credential is a bare number). Secrets are registered
 * first: nothing else may see them before the masker does.
 */
function responseFields(response, registerSecret) {
    const values = {};
    const publicFields = [];
    for (const [field, value] of Object.entries(response)) {
        if (typeof value === 'number' || typeof value === 'boolean') {
            values[field] = String(value);
            publicFields.push(field);
        }
        else if (typeof value === 'string') {
            if (PUBLIC_FIELDS.has(field) || gateway/* CONNECTION_FIELDS */.jE.has(field))
                publicFields.push(field);
            else if (value !== '')
                registerSecret(value);
            values[field] = value;
        }
    }
    return { values, publicFields };
}
function toIssued(request, response, registerSecret, logger) {
    const { values, publicFields } = responseFields(response, registerSecret);
    const expiresIn = typeof response.expires_in === 'number' ? response.expires_in : undefined;
    if (expiresIn !== undefined && expiresIn < request.ttlSeconds) {
        logger.info(`the gateway granted "${request.name}" for ${(0,retry/* formatDuration */.a3)(expiresIn * 1000)} instead of ${(0,retry/* formatDuration */.a3)(request.ttlSeconds * 1000)}`);
    }
    return {
        kind: 'issued',
        name: request.name,
        values,
        publicFields,
        ...(expiresIn === undefined ? {} : { expiresAt: new Date(Date.now() + expiresIn * 1000) }),
    };
}
/**
 * Google Cloud: STS's federated token traded for the service account's
 * access token (google-iam.ts). The federated token is registered as a
 * secret (it is one, though never delivered); the credential's fields are
 * the service account token's. Neither token can be revoked.
 */
async function impersonate(request, serviceAccount, response, call) {
    const { settings, options } = call;
    options.registerSecret(response.access_token);
    const scopes = (request.tokenExchange?.scope ?? '').split(/\s+/).filter((s) => s !== '');
    const token = await generateAccessToken({
        name: request.name,
        serviceAccount,
        federatedToken: response.access_token,
        scopes: scopes.length > 0 ? scopes : [CLOUD_PLATFORM_SCOPE],
        lifetimeSeconds: request.ttlSeconds,
        registerSecret: options.registerSecret,
        policy: {
            deadlineMs: call.deadline - Date.now(),
            attemptTimeoutMs: settings.attemptTimeoutMs,
            signal: call.signal,
            logger: settings.logger,
            ...(options.retry === undefined ? {} : { retry: options.retry }),
        },
    });
    const expiresIn = Math.max(0, Math.round((token.expiresAt.getTime() - Date.now()) / 1000));
    if (expiresIn < request.ttlSeconds - 5) {
        settings.logger.info(`the service account token for "${request.name}" lives ${(0,retry/* formatDuration */.a3)(expiresIn * 1000)}, not ${(0,retry/* formatDuration */.a3)(request.ttlSeconds * 1000)}`);
    }
    settings.logger.info(`"${request.name}" cannot be revoked: Google's STS and IAM Credentials have no revocation; it expires at ${token.expiresAt.toISOString()}`);
    return {
        kind: 'issued',
        name: request.name,
        values: {
            access_token: token.accessToken,
            token_type: 'Bearer',
            expires_in: String(expiresIn),
        },
        publicFields: ['token_type', 'expires_in'],
        expiresAt: token.expiresAt,
    };
}
function revocationHandle(endpoint, settings, response, issued) {
    // The refresh token first: revoking it usually takes its access tokens along.
    const tokens = [];
    if (typeof response.refresh_token === 'string') {
        tokens.push({ token: response.refresh_token, hint: 'refresh_token' });
    }
    tokens.push({ token: response.access_token, hint: 'access_token' });
    return {
        provider: 'token-exchange',
        endpoint,
        clientId: settings.clientId,
        tokens,
        ...(issued.expiresAt === undefined ? {} : { expiresAt: issued.expiresAt.toISOString() }),
    };
}
/** The gateway's answer to an exchange that did not issue: pending, refused or broken. */
function handleExchangeError(err, request, id, previous, settings) {
    const ours = gatepassErrorIn(err);
    if (ours !== undefined)
        throw ours;
    const answer = oauthAnswer(err, [id.value, settings.clientSecret ?? '']);
    const what = `token exchange for "${request.name}"`;
    if (answer === undefined) {
        throw new errors/* GatepassError */.J9('GATEWAY', `${what} failed: ${describeOAuthFailure(err)}`, {
            hint: 'The gateway answered something that is not an OAuth token response; check `gateway` and the server logs',
            cause: err,
        });
    }
    const description = answer.description === undefined ? '' : ` (${(0,gateways_text/* oneLine */.TN)(answer.description)})`;
    switch (answer.error) {
        case 'authorization_pending':
            return pending(request, answer, previous?.intervalSeconds ?? 5, 0);
        case 'slow_down':
            return pending(request, answer, previous?.intervalSeconds ?? 5, 5);
        case 'access_denied':
            throw new errors/* GatepassError */.J9('DENIED', `${what} was denied${description}`, {
                hint: serverHint(answer) ?? 'An approver or the gateway policy refused this request',
            });
        case 'expired_token':
            throw new errors/* GatepassError */.J9('TIMEOUT', `${what}: the approval request expired before anyone approved it${description}`, {
                hint: 'Run the job again and ask an approver to act sooner',
            });
    }
    const refusal = [
        'invalid_grant',
        'invalid_client',
        'unauthorized_client',
        'invalid_scope',
        'invalid_target',
    ].includes(answer.error) ||
        answer.status === 401 ||
        answer.status === 403;
    if (refusal) {
        settings.logger.warning((0,diagnostics/* identityDiagnostics */.zx)(id, `${answer.error}${description}`));
    }
    const code = ['invalid_scope', 'invalid_target'].includes(answer.error) || answer.status === 403
        ? 'DENIED'
        : 'GATEWAY';
    throw new errors/* GatepassError */.J9(code, `${what} was refused: HTTP ${answer.status} ${answer.error}${description}`, {
        hint: serverHint(answer) ?? refusalHint(answer, refusal, id),
    });
}
/**
 * Fixes for answers whose wording names one server's set-up step, found by
 * that wording (docs/token-exchange.md gives each step).
 */
function serverHint(answer) {
    const said = answer.description ?? '';
    // Keycloak, V1TokenExchangeProvider: a non-access-token subject without
    // subject_issuer (and a `jwt` it cannot parse) is taken as its own token.
    if (said === 'Invalid token type, must be access token') {
        return "Keycloak's legacy token exchange takes a CI token only as `subject-token-type: jwt` (its identity provider found by the token's `iss`) or with `subject-issuer: <identity provider alias>`: see docs/token-exchange.md#keycloak";
    }
    // Keycloak, AbstractTokenExchangeProvider.exchangeExternalToken.
    if (answer.error === 'invalid_issuer') {
        return "No identity provider of the Keycloak realm matches: give it the CI's issuer URL (`Issuer`), or set `subject-issuer` to its alias";
    }
    if (said === 'Client not allowed to exchange') {
        return 'Keycloak: give `client-id` the token-exchange permission on the identity provider (and on each `audience` client): Permissions tab, token-exchange, a client policy naming it';
    }
    // Keycloak, OIDCIdentityProvider.validateJwt: CI ID tokens carry no `typ` claim.
    if (said === 'token type not supported') {
        return "Keycloak: turn on the identity provider's 'Disable type claim check' (CI ID tokens have no `typ` claim)";
    }
    return undefined;
}
function refusalHint(answer, refusal, id) {
    const { error, status } = answer;
    // Keycloak answers a wrong or missing secret with 401 unauthorized_client.
    if (error === 'invalid_client' || (error === 'unauthorized_client' && status === 401)) {
        return 'Check `client-id` and `client-secret`, and which client authentication the gateway expects (`client-auth`)';
    }
    if (!refusal)
        return "The gateway rejected the request's parameters; check scope, audience, resource and requested-token-type";
    return `The identity token's claims are in the log above. ${(0,diagnostics/* bindingHint */.jw)(id)}`;
}
function pending(request, answer, interval, add) {
    const announced = typeof answer.body.interval === 'number' && answer.body.interval >= 0
        ? answer.body.interval
        : undefined;
    const intervalSeconds = add > 0 ? Math.max(interval + add, announced ?? 0) : (announced ?? interval);
    const url = answer.body.approval_url;
    return {
        kind: 'pending',
        name: request.name,
        request,
        intervalSeconds,
        ...(typeof url === 'string' && /^https?:\/\//.test(url) ? { approvalUrl: url } : {}),
        ...(answer.description === undefined ? {} : { message: (0,gateways_text/* oneLine */.TN)(answer.description) }),
    };
}
/** An OAuth error response, however openid-client reported it. */
function oauthAnswer(err, secrets) {
    const clean = (text) => text === undefined ? undefined : (0,gateways_text/* scrub */._I)(text, secrets);
    if (err instanceof oauth4webapi_build/* ResponseBodyError */.uK) {
        return {
            status: err.status,
            error: (0,gateways_text/* scrub */._I)(err.error, secrets),
            description: clean(err.error_description),
            body: err.cause,
        };
    }
    if (err instanceof oauth4webapi_build/* WWWAuthenticateChallengeError */.m4) {
        const params = err.cause[0]?.parameters;
        return {
            status: err.status,
            error: params?.error ?? 'invalid_client',
            description: clean(params?.error_description),
            body: {},
        };
    }
    return undefined;
}
function describeOAuthFailure(err) {
    const status = httpStatusOf(err);
    if (status !== undefined)
        return `HTTP ${status}`;
    const code = err.code;
    switch (code) {
        case 'OAUTH_PARSE_ERROR':
            return 'the answer is not valid JSON';
        case 'OAUTH_RESPONSE_IS_NOT_JSON':
            return 'the answer is not JSON (wrong content-type)';
        case 'OAUTH_INVALID_RESPONSE':
            return 'the answer is JSON but not a valid response';
    }
    const fetchFailure = findCause(err, (e) => e.name === 'TypeError' && e.message === 'fetch failed');
    if (fetchFailure !== undefined) {
        const cause = fetchFailure.cause ?? {};
        const detail = typeof cause.code === 'string'
            ? cause.code
            : typeof cause.message === 'string'
                ? cause.message
                : 'network error';
        return `cannot reach the gateway (${detail})`;
    }
    return (0,errors/* describeError */.Uc)(err);
}
/** The HTTP status of an "unexpected status" failure (its cause is the Response). */
function httpStatusOf(err) {
    const found = findCause(err, (e) => e instanceof Response || (typeof e.status === 'number' && 'headers' in e));
    const status = found?.status;
    return typeof status === 'number' ? status : undefined;
}
/** Our own errors (deadline, timeouts, refused URLs) come back wrapped by openid-client. */
function gatepassErrorIn(err) {
    return findCause(err, (e) => e instanceof errors/* GatepassError */.J9);
}
function findCause(err, test) {
    let current = err;
    for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
        const record = current;
        if (test(record))
            return record;
        current = record.cause;
    }
    return undefined;
}
async function revokeAll(saved, settings, options, signal) {
    const handle = (0,gateway/* handleOf */.mP)(saved, 'token-exchange');
    (0,limits/* requireSafeUrl */.GX)(handle.endpoint, 'the revocation endpoint');
    const deadline = Date.now() + settings.timeoutMs;
    const metadata = {
        issuer: settings.gateway.href,
        revocation_endpoint: handle.endpoint,
    };
    const config = configuration({ ...settings, clientId: handle.clientId }, metadata, options, signal, deadline);
    const expired = handle.expiresAt !== undefined && Date.parse(handle.expiresAt) <= Date.now();
    const failures = [];
    for (const { token, hint } of handle.tokens) {
        try {
            await build/* tokenRevocation */.mX(config, token, { token_type_hint: hint });
        }
        catch (err) {
            const secrets = [token, settings.clientSecret ?? ''];
            const problem = revocationProblem(err, hint, secrets, settings.logger);
            if (problem === undefined)
                continue;
            // An expired credential is dead already; failing to revoke it is no news.
            if (expired)
                settings.logger.debug(`revoking an expired ${hint}: ${problem}`);
            else
                failures.push(problem);
        }
    }
    if (failures.length > 0) {
        throw new errors/* GatepassError */.J9('GATEWAY', `revocation at ${handle.endpoint} failed: ${failures.join('; ')}`, {
            hint: 'The credential stays valid until it expires; revoke it by hand if it matters',
        });
    }
}
/** undefined when the failure means "nothing left to revoke". */
function revocationProblem(err, hint, secrets, logger) {
    const ours = gatepassErrorIn(err);
    if (ours !== undefined)
        return (0,errors/* describeError */.Uc)(ours);
    const answer = oauthAnswer(err, secrets);
    if (answer?.error === 'invalid_token')
        return undefined;
    if (answer?.error === 'unsupported_token_type') {
        logger.warning(`the gateway cannot revoke a ${hint}; it stays valid until it expires`);
        return undefined;
    }
    return answer === undefined
        ? describeOAuthFailure(err)
        : `HTTP ${answer.status} ${answer.error}${answer.description === undefined ? '' : ` (${(0,gateways_text/* oneLine */.TN)(answer.description)})`}`;
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

//# sourceMappingURL=57.index.js.map