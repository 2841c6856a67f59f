export const id = 865;
export const ids = [865];
export const modules = {

/***/ 865:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createHoopGateway: () => (/* binding */ createHoopGateway)
/* harmony export */ });
/* unused harmony exports checkHoopRequest, runMetadata */
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(922);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(44);
/* harmony import */ var _identity_diagnostics_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(718);
/* harmony import */ var _common_logger_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(353);
/* harmony import */ var _common_retry_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(183);
/* harmony import */ var _common_http_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(858);
/* harmony import */ var _common_version_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(521);
/* harmony import */ var _gateway_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(281);
/* harmony import */ var _config_limits_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(894);
/**
 * The hoop.dev gateway: a small typed client for the part of hoop's REST API
 * (shared/specs/hoop-openapi-v3.json, served under `<gateway>/api`) that
 * issues connection credentials. hoop has no official client, so this is
 * gatepass's HTTP transport (common/http.ts) under the shared retry policy.
 *
 * - `POST /api/connections/{c}/credentials {access_duration_seconds}`: 201 is
 *   the credential; 202 means a review must approve it first (Pending).
 * - `GET /api/reviews/{id}` until APPROVED, then `POST
 *   /api/connections/{c}/credentials/{session_id}` resumes the request;
 *   REJECTED / REVOKED are denials, 410 an expired review.
 * - `POST /api/connections/{c}/credentials/{id}/revoke` when the step ends.
 * - `PATCH /api/sessions/{id}/metadata` records which CI run holds the
 *   credential (the credentials request itself takes no metadata), so hoop's
 *   audit trail and its reviewers see the repository, run and commit.
 *
 * Authentication is `Authorization: Bearer`: an `hpk_` API key, or a token
 * from a token exchange at the IdP hoop trusts. An exchanged token is asked
 * per credential and revoked with it.
 */









/** An exchanged bearer must outlive the credential, or it cannot revoke it. */
const BEARER_MARGIN_SECONDS = 300;
/** Validates the options before any network call, then returns the gateway. */
function createHoopGateway(options) {
    const settings = resolve(options);
    // Bearers of pending reviews, kept here so no secret goes into Pending.state.
    const waiting = new Map();
    return {
        issue: (request, id, signal) => issue(settings, waiting, request, id, signal),
        poll: (pending, id, signal) => poll(settings, waiting, pending, id, signal),
        revoke: (handle, signal) => revoke(settings, (0,_gateway_js__WEBPACK_IMPORTED_MODULE_5__/* .handleOf */ .mP)(handle, 'hoop'), signal),
    };
}
function resolve(options) {
    const base = (0,_config_limits_js__WEBPACK_IMPORTED_MODULE_6__/* .requireSafeUrl */ .GX)(options.gateway, '`gateway`');
    const apiKey = options.apiKey === '' ? undefined : options.apiKey;
    if ((apiKey === undefined) === (options.exchange === undefined)) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('CONFIG', apiKey === undefined
            ? 'the hoop provider needs `hoop-api-key` or a token exchange'
            : '`hoop-api-key` and a token exchange are both set', {
            hint: 'Set `hoop-api-key` (an hpk_ key from hoop), or authenticate by token exchange, not both',
        });
    }
    return {
        base,
        api: apiBase(base),
        apiKey,
        exchange: options.exchange,
        metadata: options.metadata ?? {},
        pollIntervalSeconds: options.pollIntervalSeconds ?? 5,
        timeoutMs: options.timeoutMs ?? 120_000,
        attemptTimeoutMs: options.attemptTimeoutMs ?? 30_000,
        retry: options.retry,
        registerSecret: options.registerSecret,
        logger: options.logger ?? _common_logger_js__WEBPACK_IMPORTED_MODULE_2__/* .silentLogger */ .q,
    };
}
/** `<gateway>/api`, whether or not `gateway` already ended in /api. */
function apiBase(base) {
    const path = base.pathname.replace(/\/+$/, '').replace(/\/api$/, '');
    return `${base.origin}${path}/api`;
}
/** The connection of a request, checked: one path segment. */
function checkHoopRequest(request) {
    const connection = request.hoop?.connection.trim() ?? '';
    if (!/^[\w.:-]+$/.test(connection)) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('CONFIG', connection === ''
            ? `credential "${request.name}" has no \`connection\``
            : `credential "${request.name}": \`connection\` "${connection}" is not a hoop connection name`, { hint: 'Name the hoop connection (letters, digits, - _ . :), e.g. `connection: pg-prod`' });
    }
    return connection;
}
async function issue(settings, waiting, request, id, signal) {
    const connection = checkHoopRequest(request);
    const deadline = Date.now() + settings.timeoutMs;
    const bearer = await obtainBearer(settings, request, id, signal);
    try {
        const answer = await send(settings, bearer, signal, deadline, [id.value], {
            method: 'POST',
            path: `/connections/${encodeURIComponent(connection)}/credentials`,
            body: { access_duration_seconds: request.ttlSeconds },
        });
        if (answer.status === 202) {
            const pending = toPending(settings, request, connection, answer.body);
            await recordRun(settings, bearer, id, pending.state?.sessionId, signal, deadline);
            waiting.set(stateOf(pending, 'reviewId'), bearer);
            return pending;
        }
        const issued = await toIssued(settings, request, connection, answer, bearer, signal);
        const sessionId = (isObject(answer.body) ? answer.body : {}).session_id;
        await recordRun(settings, bearer, id, sessionId, signal, deadline);
        return issued;
    }
    catch (err) {
        await discard(settings, bearer);
        throw refusal(err, settings, bearer, id, connection);
    }
}
async function poll(settings, waiting, pending, id, signal) {
    const reviewId = stateOf(pending, 'reviewId');
    const sessionId = stateOf(pending, 'sessionId');
    const connection = stateOf(pending, 'connection');
    const deadline = Date.now() + settings.timeoutMs;
    let bearer = waiting.get(reviewId);
    if (bearer === undefined || expiresSoon(bearer)) {
        if (bearer !== undefined)
            await discard(settings, bearer);
        bearer = await obtainBearer(settings, pending.request, id, signal);
        waiting.set(reviewId, bearer);
    }
    let result;
    try {
        result = await checkReview(settings, bearer, pending, { reviewId, sessionId, connection }, id, signal, deadline);
    }
    catch (err) {
        waiting.delete(reviewId);
        await discard(settings, bearer);
        throw refusal(err, settings, bearer, id, connection);
    }
    if (!(0,_gateway_js__WEBPACK_IMPORTED_MODULE_5__/* .isPending */ .mm)(result))
        waiting.delete(reviewId);
    return result;
}
async function checkReview(settings, bearer, pending, ids, id, signal, deadline) {
    const request = pending.request;
    const review = await send(settings, bearer, signal, deadline, [id.value], {
        method: 'GET',
        path: `/reviews/${encodeURIComponent(ids.reviewId)}`,
    });
    const status = isObject(review.body) ? review.body.status : undefined;
    switch (status) {
        case 'PENDING':
            return pending;
        case 'APPROVED': {
            const answer = await send(settings, bearer, signal, deadline, [id.value], {
                method: 'POST',
                path: `/connections/${encodeURIComponent(ids.connection)}/credentials/${encodeURIComponent(ids.sessionId)}`,
                body: { access_duration_seconds: request.ttlSeconds },
            });
            // The session is the one the pending answer named: its metadata is recorded.
            return toIssued(settings, request, ids.connection, answer, bearer, signal);
        }
        case 'REJECTED':
        case 'REVOKED':
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('DENIED', `hoop review ${ids.reviewId} of "${request.name}" was ${status.toLowerCase()}${decidedBy(review.body, status)}${reasonOf(review.body)}`, { hint: 'A reviewer of the hoop connection refused this request' });
        default:
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('GATEWAY', `hoop review ${ids.reviewId} of "${request.name}" is ${typeof status === 'string' ? status : 'in no known state'}`, {
                hint: 'Only PENDING, APPROVED, REJECTED and REVOKED are expected for a credentials review',
            });
    }
}
function stateOf(pending, key) {
    const value = pending.state?.[key];
    if (typeof value !== 'string' || value === '') {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('INTERNAL', `the pending hoop request "${pending.name}" has no ${key}`);
    }
    return value;
}
function toPending(settings, request, connection, body) {
    const answer = (isObject(body) ? body : {});
    const { review_id: reviewId, session_id: sessionId } = answer;
    if (typeof reviewId !== 'string' ||
        reviewId === '' ||
        typeof sessionId !== 'string' ||
        sessionId === '') {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('GATEWAY', `hoop answered 202 for "${request.name}" without review_id and session_id`, {
            hint: 'Check that `gateway` is hoop and its version has the connection credentials API',
        });
    }
    return {
        kind: 'pending',
        name: request.name,
        request,
        approvalUrl: `${settings.base.origin}/reviews/${encodeURIComponent(reviewId)}`,
        intervalSeconds: settings.pollIntervalSeconds,
        message: `hoop review ${reviewId} of connection ${connection} must be approved`,
        state: { reviewId, sessionId, connection },
    };
}
async function toIssued(settings, request, connection, answer, bearer, signal) {
    const body = (isObject(answer.body) ? answer.body : {});
    const fields = body.connection_credentials;
    if (answer.status < 200 ||
        answer.status > 201 ||
        !isObject(fields) ||
        typeof body.id !== 'string' ||
        body.id === '') {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('GATEWAY', `hoop's answer for "${request.name}" (HTTP ${answer.status}) holds no credential id and connection_credentials`, { hint: 'Check that `gateway` is hoop and that the connection supports credentials' });
    }
    const { values, publicFields } = credentialValues(settings, fields);
    const expiresAt = parseDate(body.expire_at);
    const handle = {
        provider: 'hoop',
        gateway: settings.base.href,
        connection,
        credentialId: body.id,
        ...(bearer.exchanged ? { token: bearer.token } : {}),
        ...(bearer.auth === undefined ? {} : { auth: bearer.auth }),
        ...(expiresAt === undefined ? {} : { expiresAt: expiresAt.toISOString() }),
    };
    try {
        (0,_gateway_js__WEBPACK_IMPORTED_MODULE_5__/* .requireEnvFields */ .e$)(request, values, `hoop connection ${connection}`);
    }
    catch (err) {
        await revokeCredential(settings, handle, signal).catch(() => undefined);
        throw err;
    }
    return {
        kind: 'issued',
        name: request.name,
        values,
        publicFields,
        ...(expiresAt === undefined ? {} : { expiresAt }),
        revocation: handle,
    };
}
function credentialValues(settings, fields) {
    const values = {};
    const publicFields = [];
    for (const [field, value] of Object.entries(fields)) {
        if (value === null || value === undefined)
            continue;
        const text = typeof value === 'string'
            ? value
            : typeof value === 'number' || typeof value === 'boolean'
                ? String(value)
                : JSON.stringify(value);
        values[field] = text;
        if (_gateway_js__WEBPACK_IMPORTED_MODULE_5__/* .CONNECTION_FIELDS */ .jE.has(field) || typeof value === 'number' || typeof value === 'boolean') {
            publicFields.push(field);
        }
        else if (text !== '') {
            // Before anything else can see it.
            settings.registerSecret(text);
        }
    }
    return { values, publicFields };
}
/**
 * Session metadata naming the CI run, from the identity token's claims. Best
 * effort: hoop keeps the credential's audit trail either way, so a refusal
 * here is a warning, not a failed step.
 */
async function recordRun(settings, bearer, id, sessionId, signal, deadline) {
    if (typeof sessionId !== 'string' || sessionId === '')
        return;
    const metadata = { ...runMetadata(id), ...settings.metadata };
    try {
        await send(settings, bearer, signal, deadline, [id.value], {
            method: 'PATCH',
            path: `/sessions/${encodeURIComponent(sessionId)}/metadata`,
            body: { metadata },
        });
    }
    catch (err) {
        settings.logger.warning(`could not record the CI run on hoop session ${sessionId}: ${(0,_text_js__WEBPACK_IMPORTED_MODULE_1__/* .messageOf */ .bD)(err)}`);
    }
}
/** What identifies the job: repository or project, run, attempt, commit, ref, actor. */
function runMetadata(id) {
    const c = id.claims;
    const pick = (...names) => {
        for (const name of names) {
            const value = c[name];
            if (typeof value === 'string' || typeof value === 'number')
                return String(value);
        }
        return undefined;
    };
    const entries = [
        ['gatepass_version', _common_version_js__WEBPACK_IMPORTED_MODULE_7__/* .VERSION */ .x],
        ['ci_platform', id.platform],
        ['ci_repository', pick('repository', 'project_path')],
        ['ci_run_id', pick('run_id', 'pipeline_id')],
        ['ci_run_attempt', pick('run_attempt')],
        ['ci_job_id', pick('job_id')],
        ['ci_commit', pick('sha')],
        ['ci_ref', pick('ref')],
        ['ci_workflow', pick('workflow_ref', 'ci_config_ref_uri')],
        ['ci_actor', pick('actor', 'user_login')],
    ];
    return Object.fromEntries(entries.filter((e) => e[1] !== undefined));
}
/** Revoke the credential, then the exchanged token that obtained it. */
async function revoke(settings, handle, signal) {
    const expired = handle.expiresAt !== undefined && Date.parse(handle.expiresAt) <= Date.now();
    if (expired) {
        settings.logger.debug(`the hoop credential for ${handle.connection} has expired: nothing to revoke`);
    }
    else {
        await revokeCredential(settings, handle, signal);
    }
    if (handle.auth !== undefined) {
        if (settings.exchange === undefined) {
            settings.logger.debug('no token exchange configured: the exchanged hoop token lives until it expires');
        }
        else {
            await settings.exchange.gateway.revoke(handle.auth, signal);
        }
    }
}
async function revokeCredential(settings, handle, signal) {
    const base = (0,_config_limits_js__WEBPACK_IMPORTED_MODULE_6__/* .requireSafeUrl */ .GX)(handle.gateway, 'the hoop URL of the revocation handle');
    const token = handle.token ?? settings.apiKey;
    if (token === undefined) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('CONFIG', `revoking the hoop credential for ${handle.connection} needs \`hoop-api-key\``, {
            hint: 'Give the same `hoop-api-key` to the step that revokes',
        });
    }
    // The API key comes from the inputs, the URL from saved state the job could
    // have written: never send the key anywhere but the configured hoop.
    if (handle.token === undefined && base.origin !== settings.base.origin) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('CONFIG', `the revocation handle names another hoop (${base.origin}) than \`gateway\` (${settings.base.origin})`, { hint: 'Revoke with the same `gateway` that issued the credential' });
    }
    const bearer = {
        token,
        exchanged: handle.token !== undefined,
        expiresAt: undefined,
        auth: undefined,
    };
    try {
        await send({ ...settings, api: apiBase(base) }, bearer, signal, Date.now() + settings.timeoutMs, [], {
            method: 'POST',
            path: `/connections/${encodeURIComponent(handle.connection)}/credentials/${encodeURIComponent(handle.credentialId)}/revoke`,
        });
    }
    catch (err) {
        // Revoked already, or gone with its session: nothing left to revoke.
        if (err instanceof _common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .HttpStatusError */ .F9 && (err.status === 404 || err.status === 410)) {
            settings.logger.debug(`the hoop credential for ${handle.connection} was already gone`);
            return;
        }
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('GATEWAY', `revoking the hoop credential for ${handle.connection} failed: ${(0,_text_js__WEBPACK_IMPORTED_MODULE_1__/* .messageOf */ .bD)(err)}`, {
            hint: `It stays valid until ${handle.expiresAt ?? 'hoop expires it'}; revoke it in hoop's web app if it matters`,
            cause: err,
        });
    }
}
// ---- authentication ---------------------------------------------------------
async function obtainBearer(settings, request, id, signal) {
    if (settings.apiKey !== undefined) {
        return { token: settings.apiKey, exchanged: false, expiresAt: undefined, auth: undefined };
    }
    const exchange = settings.exchange;
    if (exchange === undefined)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('INTERNAL', 'hoop has no way to authenticate');
    const result = await exchange.gateway.issue({
        name: `${request.name}-hoop-auth`,
        ttlSeconds: request.ttlSeconds + BEARER_MARGIN_SECONDS,
        ...(exchange.tokenExchange === undefined ? {} : { tokenExchange: exchange.tokenExchange }),
    }, id, signal);
    if ((0,_gateway_js__WEBPACK_IMPORTED_MODULE_5__/* .isPending */ .mm)(result)) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('CONFIG', 'the token exchange for hoop authentication asks for approval', {
            hint: "Let hoop's reviews approve access to the connection, and let the IdP issue hoop tokens without approval",
        });
    }
    const token = result.values.access_token;
    if (token === undefined || token === '') {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('GATEWAY', 'the token exchange for hoop returned no access_token');
    }
    const auth = result.revocation?.provider === 'token-exchange' ? result.revocation : undefined;
    return { token, exchanged: true, expiresAt: result.expiresAt, auth };
}
function expiresSoon(bearer) {
    return bearer.expiresAt !== undefined && bearer.expiresAt.getTime() - Date.now() < 60_000;
}
/** Revoke an exchanged bearer nothing will use. */
async function discard(settings, bearer) {
    if (bearer.auth === undefined || settings.exchange === undefined)
        return;
    // A fresh deadline: `signal` may be the cancel that made the token unused.
    await settings.exchange.gateway.revoke(bearer.auth, (0,_gateway_js__WEBPACK_IMPORTED_MODULE_5__/* .cleanupSignal */ .Z5)()).catch((err) => {
        settings.logger.debug(`could not revoke an unused hoop token: ${(0,_text_js__WEBPACK_IMPORTED_MODULE_1__/* .messageOf */ .bD)(err)}`);
    });
}
function refusal(err, settings, bearer, id, connection) {
    if (!(err instanceof _common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .HttpStatusError */ .F9))
        return err;
    if (err.status === 401 || err.status === 403) {
        if (bearer.exchanged)
            settings.logger.warning((0,_identity_diagnostics_js__WEBPACK_IMPORTED_MODULE_8__/* .identityDiagnostics */ .zx)(id, err.message));
        return new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('DENIED', err.message, {
            hint: bearer.exchanged
                ? `hoop did not accept the exchanged token, or its user may not use connection ${connection}. The identity token's claims are in the log above. ${(0,_identity_diagnostics_js__WEBPACK_IMPORTED_MODULE_8__/* .bindingHint */ .jw)(id)}`
                : `Check that \`hoop-api-key\` is valid and that its user may use connection ${connection}`,
        });
    }
    if (err.status === 404) {
        return new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('GATEWAY', err.message, {
            hint: `Check \`connection\` (${connection}) and that \`gateway\` is hoop's URL`,
        });
    }
    if (err.status === 410) {
        return new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('TIMEOUT', `${err.message}: the hoop review expired before it was approved`, {
            hint: 'Run the job again and ask a reviewer to act sooner',
        });
    }
    return err;
}
/**
 * One hoop request under the retry policy. 2xx comes back parsed; other
 * statuses become HttpStatusErrors (retried when transient) carrying hoop's
 * `message`. `secrets` (and the bearer) are scrubbed from anything hoop says.
 */
async function send(settings, bearer, signal, deadline, secrets, request) {
    const url = `${settings.api}${request.path}`;
    const label = `${request.method} ${url}`;
    const hidden = [bearer.token, ...secrets];
    const answer = await (0,_common_http_js__WEBPACK_IMPORTED_MODULE_4__/* .request */ .Em)({
        method: request.method,
        url,
        label,
        headers: {
            authorization: `Bearer ${bearer.token}`,
            accept: 'application/json',
            ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    }, {
        what: 'hoop',
        deadlineMs: deadline - Date.now(),
        attemptTimeoutMs: settings.attemptTimeoutMs,
        signal,
        logger: settings.logger,
        ...(settings.retry === undefined ? {} : { retry: settings.retry }),
        statusError: (failed) => statusError(failed, label, hidden),
    });
    if (answer.status >= 200 && answer.status < 300) {
        return { status: answer.status, body: parseBody(answer.text(), label) };
    }
    throw statusError(answer, label, hidden);
}
/** A non-2xx answer, with hoop's `message` (secrets scrubbed). */
function statusError(answer, label, hidden) {
    const detail = (0,_text_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .TN)((0,_text_js__WEBPACK_IMPORTED_MODULE_1__/* .scrub */ ._I)(errorText(answer.text()), hidden));
    const retryAfterMs = (0,_common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .parseRetryAfter */ .mu)(answer.headers.get('retry-after'), Date.now());
    const code = answer.status === 403 ? 'DENIED' : 'GATEWAY';
    return new _common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .HttpStatusError */ .F9(answer.status, `${label} answered HTTP ${answer.status}${detail === '' ? '' : ` (${detail})`}`, { code, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
}
function parseBody(text, label) {
    if (text.trim() === '')
        return undefined;
    try {
        return JSON.parse(text);
    }
    catch {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('GATEWAY', `${label} answered something that is not JSON`, {
            hint: "Check that `gateway` is hoop's URL (not a proxy or login page)",
        });
    }
}
/** hoop's `{"message": ...}`, else the text itself. */
function errorText(text) {
    try {
        const json = JSON.parse(text);
        if (isObject(json) && typeof json.message === 'string')
            return json.message;
    }
    catch {
        // not JSON: the text itself
    }
    return text;
}
function decidedBy(review, status) {
    const groups = isObject(review) && Array.isArray(review.review_groups_data) ? review.review_groups_data : [];
    const names = groups
        .filter((g) => isObject(g) && g.status === status)
        .map((g) => (isObject(g.reviewed_by) ? (g.reviewed_by.email ?? g.reviewed_by.name) : undefined))
        .filter((n) => typeof n === 'string' && n !== '');
    return names.length === 0 ? '' : ` by ${(0,_text_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .TN)(names.join(', '))}`;
}
function reasonOf(review) {
    const reason = isObject(review) ? review.rejection_reason : undefined;
    return typeof reason === 'string' && reason.trim() !== '' ? `: ${(0,_text_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .TN)(reason)}` : '';
}
function parseDate(value) {
    if (typeof value !== 'string' || value === '')
        return undefined;
    const time = Date.parse(value);
    return Number.isNaN(time) ? undefined : new Date(time);
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}


/***/ }),

/***/ 718:
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

//# sourceMappingURL=865.index.js.map