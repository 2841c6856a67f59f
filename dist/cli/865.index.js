export const id = 865;
export const ids = [865];
export const modules = {

/***/ 865:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createHoopGateway: () => (/* binding */ createHoopGateway)
/* harmony export */ });
/* unused harmony exports checkHoopRequest, runMetadata, preciseTime */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1922);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8044);
/* harmony import */ var _common_logger_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9353);
/* harmony import */ var _common_retry_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9183);
/* harmony import */ var _common_http_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(5069);
/* harmony import */ var _common_version_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(9521);
/* harmony import */ var _gateway_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8281);
/* harmony import */ var _config_limits_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(3664);
/**
 * The hoop.dev gateway: a small typed client for the part of hoop's REST API
 * (shared/specs/hoop-openapi-v3.json, served under `<gateway>/api`) that
 * issues connection credentials, written to how hoop's code behaves
 * (hoophq/hoop `gateway/api`; docs/hoop.md cites each file). hoop has no
 * official client, so this is gatepass's HTTP transport (common/http.ts)
 * under the shared retry policy.
 *
 * - `POST /api/connections/{c}/credentials {access_duration_seconds}`: 201 is
 *   the credential; 202 means a review must approve it first (Pending). A
 *   review-gated connection asked with an API key answers 500 "failed
 *   creating review" (hoop looks the key's name up as a user): not retried.
 * - `GET /api/reviews/{id}` until APPROVED (reviews never expire in hoop),
 *   then `POST /api/connections/{c}/credentials/{session_id}` resumes the
 *   request; REJECTED / REVOKED are denials; the resume's 410 means the
 *   session's credentials expired or were closed.
 * - hoop keeps one credential per user and connection and hands it to every
 *   request of that user: gatepass notes when this request got one another
 *   request already held, and checks before revoking that no later request
 *   got it, so that it never cuts another job off (docs/hoop.md, "Shared
 *   credentials").
 * - `POST /api/connections/{c}/credentials/{id}/revoke` when the step ends,
 *   expired or not: hoop hands an expired, unrevoked credential out again.
 * - `GET` then `PATCH /api/sessions/{id}/metadata` records which CI run holds
 *   the credential, merged into what hoop keeps there (the PATCH replaces it).
 *
 * Authentication: an `hpk_` API key or a token from a token exchange at the
 * IdP hoop trusts as `Authorization: Bearer`; a legacy org key in `Api-Key`.
 * An exchanged token is asked per credential and revoked with it.
 */









/** An exchanged bearer must outlive the credential, or it cannot revoke it. */
const BEARER_MARGIN_SECONDS = 300;
/** hoop's placeholder for the half of a login that is not the key (`dummyString`). */
const PLACEHOLDER = 'hoop';
/**
 * What hoop answers when it cannot put a review on a request: the requester's
 * email is looked up as a user (`createConnectionCredentialsReview`), and an
 * API key's "email" is its name. The same on every try: never retried.
 */
const REVIEW_FAILED = /failed creating review/;
/** Validates the options before any network call, then returns the gateway. */
function createHoopGateway(options) {
    const settings = resolve(options);
    // Bearers of pending reviews, kept here so no secret goes into Pending.state.
    const waiting = new Map();
    return {
        issue: (request, id, signal) => issue(settings, waiting, request, id, signal),
        poll: (pending, id, signal) => poll(settings, waiting, pending, id, signal),
        revoke: (handle, signal, note) => revoke(settings, (0,_gateway_js__WEBPACK_IMPORTED_MODULE_6__/* .handleOf */ .mP)(handle, 'hoop'), signal, note),
        abandon: (pending, reason) => abandon(settings, waiting, pending, reason),
    };
}
function resolve(options) {
    const base = (0,_config_limits_js__WEBPACK_IMPORTED_MODULE_7__/* .requireSafeUrl */ .GX)(options.gateway, '`gateway`');
    const apiKey = options.apiKey === '' ? undefined : options.apiKey;
    if ((apiKey === undefined) === (options.exchange === undefined)) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', apiKey === undefined
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
        host: options.host,
        metadata: options.metadata ?? {},
        pollIntervalSeconds: options.pollIntervalSeconds ?? 5,
        timeoutMs: options.timeoutMs ?? 120_000,
        attemptTimeoutMs: options.attemptTimeoutMs ?? 30_000,
        retry: options.retry,
        registerSecret: options.registerSecret,
        logger: options.logger ?? _common_logger_js__WEBPACK_IMPORTED_MODULE_3__/* .silentLogger */ .q,
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
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', connection === ''
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
        // Which credential hoop holds for this user now: it hands that one out again.
        const before = await heldCredential(settings, bearer, connection, signal, deadline);
        const answer = await send(settings, bearer, signal, deadline, [id.value], {
            method: 'POST',
            path: `/connections/${encodeURIComponent(connection)}/credentials`,
            body: { access_duration_seconds: request.ttlSeconds },
            final: REVIEW_FAILED,
        });
        if (answer.status === 202) {
            const pending = toPending(settings, request, connection, answer.body);
            await recordRun(settings, bearer, id, pending.state?.sessionId, signal, deadline);
            waiting.set(stateOf(pending, 'reviewId'), bearer);
            return pending;
        }
        const issued = toIssued(settings, request, connection, answer, bearer);
        const handle = issued.revocation;
        if (handle.sessionId !== undefined) {
            const session = await recordRun(settings, bearer, id, handle.sessionId, signal, deadline);
            const shared = sharedAtIssue(answer.body, handle, before, session);
            if (shared !== undefined)
                handle.shared = shared;
        }
        await requireFields(settings, request, connection, issued, signal);
        return issued;
    }
    catch (err) {
        await discard(settings, bearer);
        throw refusal(err, settings, bearer, connection);
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
        // A cancel leaves the review and its bearer to `abandon`, which withdraws both.
        if (!signal.aborted) {
            waiting.delete(reviewId);
            await discard(settings, bearer);
        }
        throw refusal(err, settings, bearer, connection);
    }
    if (!(0,_gateway_js__WEBPACK_IMPORTED_MODULE_6__/* .isPending */ .mm)(result))
        waiting.delete(reviewId);
    return result;
}
async function checkReview(settings, bearer, pending, ids, id, signal, deadline) {
    const request = pending.request;
    // gateway/api/review/review.go GetByIdOrSid: 200 or 404; a pending review never expires.
    const review = await send(settings, bearer, signal, deadline, [id.value], {
        method: 'GET',
        path: `/reviews/${encodeURIComponent(ids.reviewId)}`,
    });
    const status = isObject(review.body) ? review.body.status : undefined;
    switch (status) {
        case 'PENDING':
            return pending;
        case 'APPROVED': {
            // Resuming mints a row that reuses the key of the user's latest credential
            // on the connection (ResumeConnectionCredentials): see who holds one first.
            const before = await heldCredential(settings, bearer, ids.connection, signal, deadline);
            const answer = await send(settings, bearer, signal, deadline, [id.value], {
                method: 'POST',
                path: `/connections/${encodeURIComponent(ids.connection)}/credentials/${encodeURIComponent(ids.sessionId)}`,
                body: { access_duration_seconds: request.ttlSeconds },
            });
            // 202: hoop still counts the review as pending (it moved back, or a race).
            if (answer.status === 202)
                return pending;
            // The session is the one the pending answer named: its metadata is recorded.
            const issued = toIssued(settings, request, ids.connection, answer, bearer);
            const handle = issued.revocation;
            const shared = sharedWithHeld(before, handle);
            if (shared !== undefined)
                handle.shared = shared;
            await requireFields(settings, request, ids.connection, issued, signal);
            return issued;
        }
        case 'REJECTED':
        case 'REVOKED':
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('DENIED', `hoop review ${ids.reviewId} of "${request.name}" was ${status.toLowerCase()}${decidedBy(review.body, status)}${reasonOf(review.body)}`, { hint: 'A reviewer of the hoop connection refused this request' });
        default:
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', `hoop review ${ids.reviewId} of "${request.name}" is ${typeof status === 'string' ? status : 'in no known state'}`, {
                hint: 'Only PENDING, APPROVED, REJECTED and REVOKED are expected for a credentials review',
            });
    }
}
/**
 * The wait ended without a credential: hoop's review would stay pending for
 * ever, so the requester withdraws it (the owner may reject their own review,
 * review.go `doIndividualReview`), and the exchanged bearer is revoked.
 */
async function abandon(settings, waiting, pending, reason) {
    const reviewId = pending.state?.reviewId;
    if (typeof reviewId !== 'string')
        return;
    const bearer = waiting.get(reviewId);
    if (bearer === undefined)
        return;
    waiting.delete(reviewId);
    const signal = (0,_gateway_js__WEBPACK_IMPORTED_MODULE_6__/* .cleanupSignal */ .Z5)();
    try {
        await send(settings, bearer, signal, Date.now() + settings.timeoutMs, [], {
            method: 'PUT',
            path: `/reviews/${encodeURIComponent(reviewId)}`,
            body: { status: 'REJECTED', rejection_reason: `withdrawn by gatepass: ${reason}` },
        });
        settings.logger.info(`hoop review ${reviewId} of "${pending.name}" withdrawn: ${reason}`);
    }
    catch (err) {
        settings.logger.warning(`could not withdraw hoop review ${reviewId} of "${pending.name}" (${(0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(err)}): it stays pending in hoop until a reviewer rejects it`);
    }
    await discard(settings, bearer);
}
function stateOf(pending, key) {
    const value = pending.state?.[key];
    if (typeof value !== 'string' || value === '') {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('INTERNAL', `the pending hoop request "${pending.name}" has no ${key}`);
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
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', `hoop answered 202 for "${request.name}" without review_id and session_id`, {
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
/** The credential: its secrets registered before anything else, its handle built. */
function toIssued(settings, request, connection, answer, bearer) {
    const body = (isObject(answer.body) ? answer.body : {});
    const fields = body.connection_credentials;
    if (answer.status < 200 ||
        answer.status > 201 ||
        !isObject(fields) ||
        typeof body.id !== 'string' ||
        body.id === '') {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', `hoop's answer for "${request.name}" (HTTP ${answer.status}) holds no credential id and connection_credentials`, { hint: 'Check that `gateway` is hoop and that the connection supports credentials' });
    }
    const { values, publicFields } = credentialValues(settings, fields);
    const keyDigest = digestOf(fields);
    rewriteHost(settings, request.name, connection, values);
    const expiresAt = parseDate(body.expire_at);
    const handle = {
        provider: 'hoop',
        gateway: settings.base.href,
        connection,
        credentialId: body.id,
        ...(bearer.kind === 'exchanged' ? { token: bearer.token } : {}),
        ...(bearer.auth === undefined ? {} : { auth: bearer.auth }),
        ...(expiresAt === undefined ? {} : { expiresAt: expiresAt.toISOString() }),
        ...(typeof body.session_id === 'string' && body.session_id !== ''
            ? { sessionId: body.session_id }
            : {}),
        ...(keyDigest === undefined ? {} : { keyDigest }),
    };
    return {
        kind: 'issued',
        name: request.name,
        values,
        publicFields,
        ...(expiresAt === undefined ? {} : { expiresAt }),
        revocation: handle,
    };
}
/**
 * Every field `env` names must be there; if not, the credential is revoked
 * (unless another request holds it). Then a shared credential is said so.
 */
async function requireFields(settings, request, connection, issued, signal) {
    const handle = issued.revocation;
    try {
        (0,_gateway_js__WEBPACK_IMPORTED_MODULE_6__/* .requireEnvFields */ .e$)(request, issued.values, `hoop connection ${connection}`);
    }
    catch (err) {
        await revokeUnused(settings, handle, signal);
        throw err;
    }
    if (handle.shared !== undefined) {
        settings.logger.warning(sharedWarning(request.name, connection, handle));
    }
}
/**
 * The fields, and which are not secret. hoop's key is the secret: it is the
 * `username` of a database login and the `password` of an SSH one, and the
 * other half is the literal "hoop" (connection_credentials.go
 * `buildConnectionCredentialsResponse`), which is not masked: masking "hoop"
 * would blank every host name and word containing it.
 */
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
        if (_gateway_js__WEBPACK_IMPORTED_MODULE_6__/* .CONNECTION_FIELDS */ .jE.has(field) ||
            typeof value === 'number' ||
            typeof value === 'boolean' ||
            text === PLACEHOLDER) {
            publicFields.push(field);
        }
        else if (text !== '') {
            // Before anything else can see it.
            settings.registerSecret(text);
        }
    }
    return { values, publicFields };
}
/** The fields that carry hoop's key, in the order hoop's connection types put it. */
const KEY_FIELDS = ['username', 'password', 'proxy_token', 'aws_secret_access_key'];
/** A digest of the credential's key, to recognise it again; never the key. */
function digestOf(fields) {
    for (const field of KEY_FIELDS) {
        const value = fields[field];
        if (typeof value === 'string' && value !== '' && value !== PLACEHOLDER) {
            return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(value).digest('hex').slice(0, 32);
        }
    }
    return undefined;
}
/** Addresses that, handed to a job, point at the runner itself. */
const LOCAL_HOSTS = /^(|0\.0\.0\.0|::|\[::\]|localhost|127(\.\d+){3}|::1|\[::1\])$/;
/**
 * hoop reports the address its listener is bound to (`getServerHostAndPort`:
 * e.g. 0.0.0.0:15432), not one a job can reach. `hoop-host` replaces it in
 * `hostname`, `port`, `connection_string` and wherever `host:port` appears
 * (the SSH and RDP commands); without it, a local address is a warning.
 */
function rewriteHost(settings, name, connection, values) {
    const host = values.hostname;
    if (host === undefined)
        return;
    const port = values.port ?? '';
    const override = settings.host;
    if (override === undefined) {
        if (LOCAL_HOSTS.test(host)) {
            settings.logger.warning(`hoop reports its listener address "${host}${port === '' ? '' : `:${port}`}" for connection ${connection} ("${name}"), which points at the runner itself: set \`hoop-host\` to the host (and port) jobs reach hoop's listener at`);
        }
        return;
    }
    const newHost = override.host;
    const newPort = override.port ?? port;
    const from = `${host}:${port}`;
    const to = `${newHost}:${newPort}`;
    for (const [field, value] of Object.entries(values)) {
        if (field === 'hostname')
            values[field] = newHost;
        else if (field === 'port')
            values[field] = newPort;
        else if (field === 'connection_string')
            values[field] = rewriteUrl(value, override, from, to);
        else if (port !== '' && value.includes(from))
            values[field] = value.split(from).join(to);
        else if (field === 'command' && port !== '') {
            // `ssh <key>@<host> -p <port>` (buildConnectionCredentialsResponse, SSH).
            values[field] = value.split(`@${host} -p ${port}`).join(`@${newHost} -p ${newPort}`);
        }
    }
}
/** A URL's host and port replaced (postgres://key:hoop@0.0.0.0:15432/db); else `from` -> `to`. */
function rewriteUrl(value, override, from, to) {
    try {
        const url = new URL(value);
        if (url.host === '')
            return value.split(from).join(to);
        url.hostname = override.host;
        if (override.port !== undefined)
            url.port = override.port;
        return url.href;
    }
    catch {
        return value.split(from).join(to);
    }
}
/**
 * Session metadata naming the CI run, from the identity token's claims,
 * merged into what the session holds: hoop's PATCH replaces the whole
 * metadata (gateway/models/session.go `UpdateSessionMetadata`), which holds
 * hoop's own `credentials_expire_at`. Best effort: a refusal is a warning.
 * Returns the session as read (its `start_date` tells whether the credential
 * was already held), or undefined when it could not be read.
 */
async function recordRun(settings, bearer, id, sessionId, signal, deadline) {
    if (typeof sessionId !== 'string' || sessionId === '')
        return undefined;
    const path = `/sessions/${encodeURIComponent(sessionId)}`;
    let session;
    try {
        const read = await send(settings, bearer, signal, deadline, [id.value], {
            method: 'GET',
            path,
        });
        session = isObject(read.body) ? read.body : {};
    }
    catch (err) {
        settings.logger.warning(`could not read hoop session ${sessionId}, so the CI run is not recorded on it: ${(0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(err)}`);
        return undefined;
    }
    const kept = isObject(session.metadata) ? session.metadata : {};
    const metadata = { ...kept, ...runMetadata(id), ...settings.metadata };
    try {
        await send(settings, bearer, signal, deadline, [id.value], {
            method: 'PATCH',
            path: `${path}/metadata`,
            body: { metadata },
        });
    }
    catch (err) {
        settings.logger.warning(`could not record the CI run on hoop session ${sessionId}: ${(0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(err)}`);
    }
    return session;
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
        ['gatepass_version', _common_version_js__WEBPACK_IMPORTED_MODULE_8__/* .VERSION */ .x],
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
// ---- shared credentials -------------------------------------------------------
/**
 * Whether the credential of a 201 is held by another request too. hoop reuses
 * the user's unrevoked row on the connection, live or expired
 * (`issueOrRefreshCredential`), keeping its `created_at`, while this
 * request's session was created just before: a row older than the session
 * was handed out before. It is shared if it was live when gatepass looked just
 * before asking, or if it was created after that look (a job asking at the
 * same time); a row from before the look that was not live then is an
 * expired one hoop re-armed, which nobody else can be using.
 */
function sharedAtIssue(body, handle, before, session) {
    if (before === 'unknown')
        return 'unknown';
    if (sameCredential(before.held, handle))
        return 'earlier';
    const created = preciseTime(isObject(body) ? body.created_at : undefined);
    if (created === undefined)
        return 'unknown';
    if (before.at !== undefined && created < before.at - CLOCK_SLACK_NS)
        return undefined;
    const started = preciseTime(session?.start_date);
    if (started === undefined)
        return 'unknown';
    return created < started ? 'earlier' : undefined;
}
/**
 * `Date` has whole seconds and may come from a proxy in front of hoop: a row
 * created this long before the look still counts as possibly concurrent.
 */
const CLOCK_SLACK_NS = 5000000000n;
/** Whether a resumed credential reuses the key of one held before the resume. */
function sharedWithHeld(before, handle) {
    if (before === 'unknown')
        return 'unknown';
    return sameCredential(before.held, handle) ? 'earlier' : undefined;
}
/** The credential shown is the handle's, or shares its key. */
function sameCredential(held, handle) {
    return (held !== undefined &&
        (held.id === handle.credentialId ||
            (held.keyDigest !== undefined && held.keyDigest === handle.keyDigest)));
}
/**
 * `GET /connections/{c}/credentials` (GetConnectionCredentials): the user's
 * newest unrevoked credential on the connection, 404 when none or expired.
 * The answer holds the key: only its digest is kept.
 */
async function heldCredential(settings, bearer, connection, signal, deadline) {
    try {
        return await readHeld(settings, bearer, connection, signal, deadline);
    }
    catch (err) {
        settings.logger.warning(`could not see which credential hoop holds for this user on ${connection}: ${(0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(err)}`);
        return 'unknown';
    }
}
async function readHeld(settings, bearer, connection, signal, deadline) {
    const answer = await send(settings, bearer, signal, deadline, [], {
        method: 'GET',
        path: `/connections/${encodeURIComponent(connection)}/credentials`,
        accept: [404],
    });
    const body = (isObject(answer.body) ? answer.body : {});
    if (answer.status === 404 || typeof body.id !== 'string') {
        return { held: undefined, at: answer.date };
    }
    return {
        held: {
            id: body.id,
            sessionId: typeof body.session_id === 'string' ? body.session_id : undefined,
            keyDigest: isObject(body.connection_credentials)
                ? digestOf(body.connection_credentials)
                : undefined,
            expiresAt: typeof body.expire_at === 'string' ? body.expire_at : undefined,
        },
        at: answer.date,
    };
}
function sharedWarning(name, connection, handle) {
    const why = handle.shared === 'earlier'
        ? 'hoop handed this job the credential it already gave another request of the same hoop user'
        : 'gatepass could not tell whether hoop handed this job a credential another request of the same hoop user holds';
    return `"${name}": ${why} on connection ${connection} (hoop keeps one per user and connection); it will not be revoked at the end of the step, so as not to cut another job off, and stays valid until ${handle.expiresAt ?? 'hoop expires it'}`;
}
// ---- revocation -----------------------------------------------------------------
/**
 * Revoke the credential unless another request may hold it, then the
 * exchanged token that obtained it. Expiry does not skip it: hoop hands an
 * expired, unrevoked credential out again (`issueOrRefreshCredential`).
 */
async function revoke(settings, handle, signal, note) {
    const bearer = revocationBearer(settings, handle);
    const skipped = await keptFor(settings, handle, bearer, signal);
    if (skipped !== undefined) {
        settings.logger.debug(`the hoop credential for ${handle.connection} is not revoked: ${skipped}`);
        note?.({ result: 'skipped', detail: skipped });
    }
    else {
        const after = await revokeCredential(settings, handle, bearer, signal);
        if (after !== undefined)
            note?.(after);
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
/** Why the credential must not be revoked (another request holds it), or undefined. */
async function keptFor(settings, handle, bearer, signal) {
    const until = `stays valid until ${handle.expiresAt ?? 'hoop expires it'} unless revoked in hoop`;
    if (handle.shared === 'earlier') {
        return `hoop gave it to another request of the same hoop user first (one credential per user and connection), which may still use it; it ${until}`;
    }
    if (handle.shared === 'unknown') {
        return `gatepass could not tell whether another request of the same hoop user holds it (one credential per user and connection); it ${until}`;
    }
    // Saved by an older gatepass: nothing to compare with.
    if (handle.sessionId === undefined)
        return undefined;
    let held;
    try {
        ({ held } = await readHeld(settings, bearer, handle.connection, signal, Date.now() + settings.timeoutMs));
    }
    catch (err) {
        const lapsed = lapsedBearer(handle, bearer, err);
        if (lapsed !== undefined)
            return lapsed;
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', `revoking the hoop credential for ${handle.connection}: could not check that no other job holds it (${(0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(err)}), so it was not revoked`, {
            hint: `It ${until}; revoke it in hoop's web app once no job uses it`,
            cause: err,
        });
    }
    if (held === undefined || !sameCredential(held, handle))
        return undefined;
    if (held.id === handle.credentialId && held.sessionId === handle.sessionId)
        return undefined;
    return `hoop gave it to a later request of the same hoop user (session ${held.sessionId ?? 'unknown'}), which may still use it; it stays valid until ${held.expiresAt ?? 'hoop expires it'} unless revoked in hoop`;
}
/** The credential of a failed request: revoked unless another request may hold it. */
async function revokeUnused(settings, handle, signal) {
    try {
        const bearer = revocationBearer(settings, handle);
        if ((await keptFor(settings, handle, bearer, signal)) !== undefined)
            return;
        await revokeCredential(settings, handle, bearer, signal);
    }
    catch (err) {
        settings.logger.warning(`could not revoke the unused hoop credential for ${handle.connection}: ${(0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(err)}`);
    }
}
/** The bearer that revokes: the saved exchanged token, or the configured API key. */
function revocationBearer(settings, handle) {
    const base = (0,_config_limits_js__WEBPACK_IMPORTED_MODULE_7__/* .requireSafeUrl */ .GX)(handle.gateway, 'the hoop URL of the revocation handle');
    const token = handle.token ?? settings.apiKey;
    if (token === undefined) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', `revoking the hoop credential for ${handle.connection} needs \`hoop-api-key\``, {
            hint: 'Give the same `hoop-api-key` to the step that revokes',
        });
    }
    // The API key comes from the inputs, the URL from saved state the job could
    // have written: never send the key anywhere but the configured hoop.
    if (handle.token === undefined && base.origin !== settings.base.origin) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', `the revocation handle names another hoop (${base.origin}) than \`gateway\` (${settings.base.origin})`, { hint: 'Revoke with the same `gateway` that issued the credential' });
    }
    return {
        token,
        kind: handle.token === undefined ? keyKind(token) : 'exchanged',
        expiresAt: undefined,
        auth: undefined,
    };
}
async function revokeCredential(settings, handle, bearer, signal) {
    const base = (0,_config_limits_js__WEBPACK_IMPORTED_MODULE_7__/* .requireSafeUrl */ .GX)(handle.gateway, 'the hoop URL of the revocation handle');
    try {
        await send({ ...settings, api: apiBase(base) }, bearer, signal, Date.now() + settings.timeoutMs, [], {
            method: 'POST',
            path: `/connections/${encodeURIComponent(handle.connection)}/credentials/${encodeURIComponent(handle.credentialId)}/revoke`,
        });
        return undefined;
    }
    catch (err) {
        // Gone with its connection, or never there: nothing left to revoke.
        if (err instanceof _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9 && err.status === 404) {
            settings.logger.debug(`the hoop credential for ${handle.connection} was already gone`);
            return undefined;
        }
        const lapsed = lapsedBearer(handle, bearer, err);
        if (lapsed !== undefined)
            return { result: 'skipped', detail: lapsed };
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', `revoking the hoop credential for ${handle.connection} failed: ${(0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(err)}`, {
            hint: `It stays valid until ${handle.expiresAt ?? 'hoop expires it'}; revoke it in hoop's web app if it matters`,
            cause: err,
        });
    }
}
/**
 * An expired credential whose exchanged token (its `ttl` plus 5 minutes) has
 * expired too: nothing here can revoke it any more. Why, or undefined.
 */
function lapsedBearer(handle, bearer, err) {
    const expired = handle.expiresAt !== undefined && Date.parse(handle.expiresAt) <= Date.now();
    if (!expired || bearer.kind !== 'exchanged')
        return undefined;
    if (!(err instanceof _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9) || err.status !== 401)
        return undefined;
    return `it expired at ${handle.expiresAt ?? ''}, and so did the exchanged token that could revoke it; hoop hands an expired credential out again to the same hoop user, so revoke it in hoop's web app`;
}
// ---- authentication ---------------------------------------------------------
function keyKind(key) {
    return key.startsWith('hpk_') ? 'api-key' : 'legacy-key';
}
async function obtainBearer(settings, request, id, signal) {
    if (settings.apiKey !== undefined) {
        return {
            token: settings.apiKey,
            kind: keyKind(settings.apiKey),
            expiresAt: undefined,
            auth: undefined,
        };
    }
    const exchange = settings.exchange;
    if (exchange === undefined)
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('INTERNAL', 'hoop has no way to authenticate');
    const result = await exchange.gateway.issue({
        name: `${request.name}-hoop-auth`,
        ttlSeconds: request.ttlSeconds + BEARER_MARGIN_SECONDS,
        ...(exchange.tokenExchange === undefined ? {} : { tokenExchange: exchange.tokenExchange }),
    }, id, signal);
    if ((0,_gateway_js__WEBPACK_IMPORTED_MODULE_6__/* .isPending */ .mm)(result)) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', 'the token exchange for hoop authentication asks for approval', {
            hint: "Let hoop's reviews approve access to the connection, and let the IdP issue hoop tokens without approval",
        });
    }
    const token = result.values.access_token;
    if (token === undefined || token === '') {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', 'the token exchange for hoop returned no access_token');
    }
    const auth = result.revocation?.provider === 'token-exchange' ? result.revocation : undefined;
    return { token, kind: 'exchanged', expiresAt: result.expiresAt, auth };
}
function expiresSoon(bearer) {
    return bearer.expiresAt !== undefined && bearer.expiresAt.getTime() - Date.now() < 60_000;
}
/** Revoke an exchanged bearer nothing will use. */
async function discard(settings, bearer) {
    if (bearer.auth === undefined || settings.exchange === undefined)
        return;
    // A fresh deadline: `signal` may be the cancel that made the token unused.
    await settings.exchange.gateway.revoke(bearer.auth, (0,_gateway_js__WEBPACK_IMPORTED_MODULE_6__/* .cleanupSignal */ .Z5)()).catch((err) => {
        settings.logger.debug(`could not revoke an unused hoop token: ${(0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(err)}`);
    });
}
/** The claims of the exchanged token hoop decides on (sub, iss, exp), unverified; never the token. */
function exchangedClaims(token) {
    const payload = token.split('.')[1];
    if (payload === undefined)
        return 'an opaque token';
    try {
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        if (!isObject(claims))
            return 'a token without claims';
        const show = (v) => typeof v === 'string' || typeof v === 'number' ? (0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .oneLine */ .TN)(String(v), 120) : 'none';
        const exp = typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : 'none';
        return `sub ${show(claims.sub)}, iss ${show(claims.iss)}, exp ${exp}`;
    }
    catch {
        return 'a token whose claims do not parse';
    }
}
function refusal(err, settings, bearer, connection) {
    if (!(err instanceof _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9))
        return err;
    if (err.status === 500 && REVIEW_FAILED.test(err.message)) {
        if (bearer.kind !== 'exchanged') {
            return new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', `${err.message}: connection ${connection} needs a review, and hoop cannot review a request made with an API key (it looks the key's name up as a user email)`, {
                hint: `Authenticate as a registered hoop user by token exchange (\`hoop-token-exchange-url\`) instead of \`hoop-api-key\`, or use a connection without review for this key`,
            });
        }
        return new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', `${err.message}: hoop could not create the review for connection ${connection}`, {
            hint: "Check the connection's reviewers or access request rule in hoop; hoop's log says why",
        });
    }
    if (err.status === 401 || err.status === 403) {
        if (bearer.kind === 'exchanged') {
            const claims = exchangedClaims(bearer.token);
            return new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('DENIED', `${err.message}; the exchanged token has ${claims}`, {
                hint: err.status === 401
                    ? 'hoop accepts an IdP token signed by its `oidc_config` issuer, unexpired, whose `sub` is a registered, active hoop user (it checks neither `aud` nor `iss`): register that user in hoop, or have the IdP issue the `sub` of one'
                    : `The hoop user of the exchanged token may not do this: check its groups in hoop and that it may use connection ${connection}`,
            });
        }
        return new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('DENIED', err.message, {
            hint: err.status === 401
                ? bearer.kind === 'legacy-key'
                    ? "Check `hoop-api-key`: hoop's legacy org key (not `hpk_`) must match the one in its server config"
                    : 'Check that `hoop-api-key` is a valid, active `hpk_` API key of this hoop'
                : `Check that the groups of \`hoop-api-key\` may use connection ${connection}`,
        });
    }
    if (err.status === 404) {
        return new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', err.message, {
            hint: `Check \`connection\` (${connection}) and that \`gateway\` is hoop's URL`,
        });
    }
    if (err.status === 410) {
        // Only the resume answers 410 (ResumeConnectionCredentials): the session is
        // done (closed, revoked, or swept after its credential expired).
        return new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', `${err.message}: the review was approved, but hoop closed its session before gatepass asked for the credential`, {
            hint: 'Run the job again to ask for a new review; a session closes when an admin kills it or its credential expires or is revoked',
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
    const final = request.final;
    const classify = final === undefined
        ? undefined
        : (err) => err instanceof _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9 && err.status >= 500 && final.test(err.message)
            ? { retry: false }
            : (0,_common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .classifyError */ .fe)(err);
    const answer = await (0,_common_http_js__WEBPACK_IMPORTED_MODULE_5__/* .request */ .Em)({
        method: request.method,
        url,
        label,
        headers: {
            ...(bearer.kind === 'legacy-key'
                ? { 'api-key': bearer.token }
                : { authorization: `Bearer ${bearer.token}` }),
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
        ...(settings.retry === undefined && classify === undefined
            ? {}
            : { retry: { ...settings.retry, ...(classify === undefined ? {} : { classify }) } }),
        statusError: (failed) => statusError(failed, label, hidden),
    });
    if ((answer.status >= 200 && answer.status < 300) || request.accept?.includes(answer.status)) {
        const date = Date.parse(answer.headers.get('date') ?? '');
        return {
            status: answer.status,
            body: answer.status < 300 ? parseBody(answer.text(), label) : undefined,
            date: Number.isNaN(date) ? undefined : BigInt(date) * 1000000n,
        };
    }
    throw statusError(answer, label, hidden);
}
/** A non-2xx answer, with hoop's `message` (secrets scrubbed). */
function statusError(answer, label, hidden) {
    const detail = (0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .oneLine */ .TN)((0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .scrub */ ._I)(errorText(answer.text()), hidden));
    const retryAfterMs = (0,_common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .parseRetryAfter */ .mu)(answer.headers.get('retry-after'), Date.now());
    const code = answer.status === 403 ? 'DENIED' : 'GATEWAY';
    return new _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9(answer.status, `${label} answered HTTP ${answer.status}${detail === '' ? '' : ` (${detail})`}`, { code, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
}
function parseBody(text, label) {
    if (text.trim() === '')
        return undefined;
    try {
        return JSON.parse(text);
    }
    catch {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('GATEWAY', `${label} answered something that is not JSON`, {
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
    return names.length === 0 ? '' : ` by ${(0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .oneLine */ .TN)(names.join(', '))}`;
}
function reasonOf(review) {
    const reason = isObject(review) ? review.rejection_reason : undefined;
    return typeof reason === 'string' && reason.trim() !== '' ? `: ${(0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .oneLine */ .TN)(reason)}` : '';
}
function parseDate(value) {
    if (typeof value !== 'string' || value === '')
        return undefined;
    const time = Date.parse(value);
    return Number.isNaN(time) ? undefined : new Date(time);
}
/**
 * An RFC 3339 time in nanoseconds since the epoch, keeping the fraction
 * `Date.parse` drops: hoop's times carry microseconds (Postgres) or
 * nanoseconds (Go), and two requests can fall in one millisecond.
 */
function preciseTime(value) {
    if (typeof value !== 'string')
        return undefined;
    const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(value);
    if (match === null)
        return undefined;
    const [, seconds = '', fraction = '', zone = ''] = match;
    const ms = Date.parse(`${seconds}${zone}`);
    if (Number.isNaN(ms))
        return undefined;
    return BigInt(ms) * 1000000n + BigInt(fraction.padEnd(9, '0'));
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}


/***/ })

};

//# sourceMappingURL=865.index.js.map