export const id = 233;
export const ids = [233];
export const modules = {

/***/ 7114:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $J: () => (/* binding */ auditFileName),
/* harmony export */   Br: () => (/* binding */ renderSummary),
/* harmony export */   Ks: () => (/* binding */ describeDelivery),
/* harmony export */   MY: () => (/* binding */ renderRevocations),
/* harmony export */   QJ: () => (/* binding */ sessionLogName),
/* harmony export */   mr: () => (/* binding */ afterCommand),
/* harmony export */   sg: () => (/* binding */ dataPathCounts),
/* harmony export */   tE: () => (/* binding */ credentialRecord),
/* harmony export */   tJ: () => (/* binding */ earliestExpiry)
/* harmony export */ });
/* unused harmony export describeTarget */
/* harmony import */ var _common_retry_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9183);

function auditFileName(id) {
    return `gatepass-audit-${id}.json`;
}
/** The data path's session log, beside the audit record. */
function sessionLogName(id) {
    return `gatepass-sessions-${id}.jsonl`;
}
function credentialRecord(provider, request, issued, env, issuedAt) {
    const expiresAt = issued.expiresAt;
    return {
        name: request.name,
        provider,
        target: describeTarget(request),
        requestedTtlSeconds: request.ttlSeconds,
        grantedTtlSeconds: expiresAt === undefined
            ? undefined
            : Math.max(0, Math.round((expiresAt.getTime() - issuedAt.getTime()) / 1000)),
        issuedAt: issuedAt.toISOString(),
        expiresAt: expiresAt?.toISOString(),
        env: [...env],
        revocable: issued.revocation !== undefined,
    };
}
function describeTarget(request) {
    if (request.vault !== undefined)
        return `path ${request.vault.path}`;
    if (request.hoop !== undefined)
        return `connection ${request.hoop.connection}`;
    const te = request.tokenExchange ?? {};
    const parts = [
        te.scope === undefined ? undefined : `scope ${te.scope}`,
        te.audience === undefined ? undefined : `audience ${[te.audience].flat().join(' ')}`,
        te.resource === undefined ? undefined : `resource ${[te.resource].flat().join(' ')}`,
        te.serviceAccount === undefined
            ? undefined
            : `service account ${serviceAccountName(te.serviceAccount)}`,
    ].filter((p) => p !== undefined);
    return parts.length === 0 ? 'default' : parts.join(', ');
}
/** The email of a `service-account` given as its generateAccessToken URL. */
function serviceAccountName(value) {
    const match = /\/serviceAccounts\/([^/]+):generateAccessToken$/.exec(value);
    return match?.[1] === undefined ? value : decodeURIComponent(match[1]);
}
/** The earliest expiry, for the `expires-at` output. */
function earliestExpiry(records) {
    const times = records.map((r) => r.expiresAt).filter((t) => t !== undefined);
    return times.sort()[0];
}
// ---------------------------------------------------------------------------
// job summary (GitHub-flavoured markdown)
const OUTCOME = {
    pending: '⏳ waiting',
    issued: '🔑 issued',
    succeeded: '✅ succeeded',
    failed: '❌ failed',
    cancelled: '🚫 cancelled',
};
function renderSummary(record) {
    const unrevoked = (record.revocations ?? []).filter((r) => r.result === 'failed').length;
    const warning = unrevoked === 0 ? '' : ` · ❌ ${unrevoked} not revoked`;
    const lines = [
        `### gatepass: ${OUTCOME[record.outcome]}${warning}`,
        '',
        identityLine(record),
        '',
    ];
    if (record.credentials.length > 0) {
        lines.push('| Credential | Provider | Scope / path / connection | Granted TTL | Expires (UTC) | Approved by | Variables |', '|---|---|---|---|---|---|---|', ...record.credentials.map((c) => credentialRow(c, record.approval.approvers)), '');
    }
    for (const c of record.credentials) {
        if (c.dataPath !== undefined)
            lines.push(...dataPathSection(c.name, c.dataPath), '');
    }
    lines.push(deliveryLine(record));
    if (record.error !== undefined)
        lines.push('', `**Error:** ${cell(record.error.message)}`);
    if (record.revocations !== undefined && record.revocations.length > 0) {
        lines.push('', revocationTable(record.revocations, record.delivery.endedAt));
    }
    return `${lines.join('\n')}\n`;
}
function identityLine(record) {
    const c = record.context;
    const base = c.serverUrl !== undefined && c.repository !== undefined
        ? `${c.serverUrl}/${c.repository}`
        : undefined;
    const parts = [`Request \`${record.requestId}\``];
    if (c.repository !== undefined)
        parts.push(base === undefined ? cell(c.repository) : link(c.repository, base));
    if (c.ref !== undefined)
        parts.push(`ref \`${code(c.ref)}\``);
    if (c.sha !== undefined) {
        const short = `\`${code(c.sha.slice(0, 12))}\``;
        const url = base === undefined ? undefined : commitUrl(c.platform, base, c.sha);
        parts.push(`commit ${url === undefined ? short : link(short, url, false)}`);
    }
    if (c.runId !== undefined) {
        const { label, url } = runLink(c, base);
        parts.push(url === undefined ? label : link(label, url));
    }
    if (record.identity?.sub !== undefined)
        parts.push(`identity \`${code(record.identity.sub)}\``);
    parts.push(`gateway ${cell(record.gateway.url)} (${record.gateway.provider})`);
    return parts.join(' · ');
}
function commitUrl(platform, base, sha) {
    if (platform === 'gitlab')
        return `${base}/-/commit/${sha}`;
    return platform === 'github' ? `${base}/commit/${sha}` : undefined;
}
/** GitHub: run and attempt; GitLab: pipeline and job (a retried job is a new job). */
function runLink(c, base) {
    const runId = c.runId ?? '';
    if (c.platform === 'gitlab') {
        const label = `pipeline ${runId}${c.runAttempt === undefined ? '' : ` job ${c.runAttempt}`}`;
        return base === undefined ? { label } : { label, url: `${base}/-/pipelines/${runId}` };
    }
    const attempt = c.runAttempt === undefined ? '' : `/attempts/${c.runAttempt}`;
    const label = `run ${runId}${c.runAttempt === undefined ? '' : ` attempt ${c.runAttempt}`}`;
    if (base === undefined || c.platform !== 'github')
        return { label };
    return { label, url: `${base}/actions/runs/${runId}${attempt}` };
}
function credentialRow(c, approvers) {
    const granted = c.grantedTtlSeconds === undefined ? 'unknown' : (0,_common_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(c.grantedTtlSeconds * 1000);
    const people = approvers.map((a) => (a.url === undefined ? cell(a.login) : link(a.login, a.url)));
    const gateway = c.gatewayApproval;
    if (gateway !== undefined) {
        people.push(gateway.url === undefined ? 'at the gateway' : link('at the gateway', gateway.url));
    }
    const who = people.length === 0 ? '—' : people.join(', ');
    const env = c.env.length === 0 ? '—' : c.env.map((v) => `\`${code(v)}\``).join(' ');
    return `| ${cell(c.name)} | ${c.provider} | ${cell(c.target)} | ${granted} | ${c.expiresAt ?? 'unknown'} | ${who} | ${env} |`;
}
/** Counts per kind, then every blocked and held statement or request. */
function dataPathSection(name, path) {
    const unit = path.kind === 'postgres' ? 'statement' : 'request';
    const kinds = Object.entries(path.byKind)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([kind, n]) => `${cell(kind)} ${n}`)
        .join(' · ');
    const lines = [
        `**Data path \`${code(name)}\`** (${path.kind}, upstream ${cell(path.upstream)}): ${dataPathCounts(path)}${kinds === '' ? '' : ` — ${kinds}`}`,
    ];
    if (path.blocked.length + path.held.length > 0) {
        lines.push('', `| ${unit} | rule | outcome | when (UTC) |`, '|---|---|---|---|', ...path.blocked.map((b) => `| \`${code(b.text)}\` | ${cell(b.rule)} | blocked | ${b.time} |`), ...path.held.map((h) => `| \`${code(h.text)}\` | ${cell(h.rule)} | held: ${h.outcome}${h.approvers === undefined ? '' : ` by ${h.approvers.map(cell).join(', ')}`} | ${h.time} |`));
    }
    return lines;
}
/** "12 statements, 1 blocked, 1 held, 0 failed; renewed once; log: FILE" */
function dataPathCounts(path) {
    const unit = path.kind === 'postgres' ? 'statement' : 'request';
    const parts = [
        `${path.total} ${unit}${path.total === 1 ? '' : 's'}`,
        `${path.blocked.length} blocked`,
        `${path.held.length} held`,
        `${path.errors} failed`,
    ];
    const renewed = path.refreshed === 0 ? '' : `; credential renewed ${path.refreshed}×`;
    return `${parts.join(', ')}${renewed}${path.sessionLog === undefined ? '' : `; log ${path.sessionLog}`}`;
}
function deliveryLine(record) {
    return `Delivery: ${describeDelivery(record)}`;
}
/** "script exited 0 after 1.2 s · export: none" */
function describeDelivery(record) {
    const d = record.delivery;
    const ran = !d.run
        ? 'no script'
        : d.exitCode === undefined
            ? 'script not run'
            : `script exited ${d.exitCode}${d.signal === undefined ? '' : ` (${d.signal})`}${d.durationMs === undefined ? '' : ` after ${(0,_common_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(d.durationMs)}`}`;
    return `${ran} · export: ${d.export}`;
}
/** " (0.2 s after the command ended)", when both times are known. */
function afterCommand(at, endedAt) {
    if (endedAt === undefined)
        return '';
    const ms = Date.parse(at) - Date.parse(endedAt);
    return ms >= 0 ? ` (${(ms / 1000).toFixed(1)} s after the command ended)` : '';
}
/** Post's and `gatepass revoke`'s report: what the main step left for them. */
function renderRevocations(results) {
    return ['### gatepass: revocation', '', revocationTable(results, undefined)].join('\n');
}
const REVOCATION_RESULT = {
    revoked: '✅ revoked',
    failed: '❌ not revoked',
    skipped: '➖ skipped',
    unconfirmed: '⚠️ in flight, not confirmed',
};
function revocationTable(results, endedAt) {
    const after = (at) => afterCommand(at, endedAt);
    return [
        '| Credential | Result | When (UTC) | Detail |',
        '|---|---|---|---|',
        ...results.map((r) => `| ${cell(r.name)} | ${REVOCATION_RESULT[r.result]} | ${r.at}${after(r.at)} | ${r.detail === undefined ? '' : cell(r.detail)} |`),
        '',
    ].join('\n');
}
/** Text safe in a table cell: no line breaks, pipes or HTML. */
function cell(text) {
    return text
        .replace(/[\r\n]+/g, ' ')
        .replace(/([\\`*_[\]])/g, '\\$1')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/\|/g, '\\|');
}
/** Text inside a code span: backticks cannot be escaped there, so drop them. */
function code(text) {
    return text
        .replace(/[\r\n]+/g, ' ')
        .replace(/`/g, "'")
        .replace(/\|/g, '\\|');
}
function link(label, url, escape = true) {
    const safe = /^https?:\/\/[^\s()<>]+$/.test(url) ? url : undefined;
    const text = escape ? cell(label) : label;
    return safe === undefined ? text : `[${text}](${safe})`;
}


/***/ }),

/***/ 5069:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CD: () => (/* binding */ attempt),
/* harmony export */   Em: () => (/* binding */ request),
/* harmony export */   Zr: () => (/* binding */ toResponse),
/* harmony export */   iJ: () => (/* reexport safe */ _proxy_js__WEBPACK_IMPORTED_MODULE_3__.iJ),
/* harmony export */   jw: () => (/* binding */ RedirectRefusedError),
/* harmony export */   mM: () => (/* reexport safe */ _proxy_js__WEBPACK_IMPORTED_MODULE_3__.mM),
/* harmony export */   sL: () => (/* binding */ fetchThrough)
/* harmony export */ });
/* unused harmony export USER_AGENT */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1922);
/* harmony import */ var _logger_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9353);
/* harmony import */ var _network_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1451);
/* harmony import */ var _proxy_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8510);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9183);
/* harmony import */ var _version_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(9521);
/* harmony import */ var _wire_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(2072);
/**
 * The one HTTP transport: every request gatepass makes to a gateway (Vault,
 * hoop, a token-exchange server) or an approval API (GitHub, GitLab) goes
 * through here, so they all behave alike:
 *
 * - the retry policy (retry.ts): per-attempt timeout, one overall deadline,
 *   retries on network errors, 408, 429 (after `Retry-After`) and 5xx; the
 *   body is read inside the attempt, so a server stalling mid-answer times
 *   out too;
 * - redirects are refused, never followed: following one would send tokens
 *   and the login body (the ID token) to whoever answers at `Location`;
 * - one `User-Agent: gatepass/<version>`;
 * - one wording of a failed connection (network.ts), naming the proxy when
 *   one was used (its origin only: never its credentials);
 * - enterprise networks: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case)
 *   as @actions/http-client reads them (proxy.ts), NODE_EXTRA_CA_CERTS, and
 *   the `ca-certificate` input ({@link trustCertificate}).
 *
 * Requests that go straight out use node:http / node:https (direct.ts), not
 * fetch, whose first use costs tens of ms of start-up; behind a proxy,
 * undici's fetch and ProxyAgent, loaded only then (the bundles load undici
 * on first use: scripts/build.mjs).
 */







const USER_AGENT = `gatepass/${_version_js__WEBPACK_IMPORTED_MODULE_6__/* .VERSION */ .x}`;

/**
 * One request under the retry policy. Transient statuses are retried and,
 * when retries end, thrown as {@link HttpPolicy.statusError}; every other
 * status comes back as the answer, for the caller to read.
 */
function request(call, policy) {
    const label = labelOf(call);
    const statusError = policy.statusError ?? defaultStatusError;
    return (0,_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .retry */ .L5)(async ({ signal }) => {
        const answer = await attempt({ ...call, label }, policy, signal);
        if ((0,_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .isRetryableStatus */ .PS)(answer.status))
            throw statusError(answer, label);
        return answer;
    }, {
        operation: label,
        deadlineMs: Math.max(0, policy.deadlineMs),
        attemptTimeoutMs: policy.attemptTimeoutMs ?? 30_000,
        ...(policy.signal === undefined ? {} : { signal: policy.signal }),
        logger: policy.logger ?? _logger_js__WEBPACK_IMPORTED_MODULE_1__/* .silentLogger */ .q,
        ...policy.retry,
    });
}
/**
 * One attempt, no retry: for clients that retry on their own terms (Octokit
 * under approvals/github.ts's policy). Redirects are refused, connection
 * failures worded, and the body read before it returns.
 */
async function attempt(call, peer, signal) {
    const url = new URL(call.url);
    const label = call.label ?? labelOf(call);
    const route = await (0,_proxy_js__WEBPACK_IMPORTED_MODULE_3__/* .routeFor */ .nR)(url);
    let status;
    let headers;
    let body;
    try {
        const answer = await route.send({ method: call.method, url, ...outgoing(call) }, signal);
        status = answer.status;
        headers = answer.headers;
        if (REDIRECTS.has(status)) {
            answer.discard();
            throw redirectRefused(status, headers.get('location'), url, label, peer);
        }
        body = await answer.read();
    }
    catch (err) {
        throw failure(err, { url, label, peer, route, signal });
    }
    return { status, headers, body, text: () => new TextDecoder().decode(body) };
}
/**
 * The headers and body as fetch would send them: one `User-Agent`, and the
 * content type fetch gives a form (URLSearchParams) or a text body when the
 * caller names none.
 */
function outgoing(call) {
    const headers = {
        ...withoutUserAgent(call.headers),
        'user-agent': USER_AGENT,
    };
    const named = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
    const { body } = call;
    if (body === undefined)
        return { headers };
    if (body instanceof URLSearchParams) {
        if (!named)
            headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
        return { headers, body: body.toString() };
    }
    if (typeof body === 'string' && !named)
        headers['content-type'] = 'text/plain;charset=UTF-8';
    return { headers, body };
}
/**
 * A `fetch` for libraries that take one (openid-client's `customFetch`,
 * Octokit's `request.fetch`): one {@link attempt}, answered as a Response.
 */
function fetchThrough(peer) {
    return async (url, init = {}) => {
        const answer = await attempt({
            method: init.method ?? 'GET',
            url,
            headers: headersOf(init.headers),
            ...(init.body === undefined || init.body === null
                ? {}
                : { body: init.body }),
        }, peer, init.signal ?? new AbortController().signal);
        return toResponse(answer);
    };
}
/** An answer as a Response (null body where the status allows none). */
function toResponse(answer) {
    const empty = [101, 204, 205, 304].includes(answer.status);
    return new Response(empty ? null : answer.body, {
        status: answer.status,
        headers: [...answer.headers],
    });
}
/** A refused redirect: never retried, since a setting must change. */
class RedirectRefusedError extends _retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9 {
}
/** The statuses that carry a `Location` to go to instead. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
function redirectRefused(status, location, from, label, peer) {
    return new RedirectRefusedError(status, `${label} answered HTTP ${status}, ${redirectTarget(location, from)}: gatepass does not follow redirects, so what it sends goes only to \`${peer.input ?? 'gateway'}\``, {
        hint: peer.redirectHint ??
            `Set \`${peer.input ?? 'gateway'}\` to the address that answers without redirecting`,
    });
}
/**
 * "a redirect to https://host:port": the origin only. Its path and query are
 * left out, since a hostile server could put what it was sent there.
 */
function redirectTarget(location, from) {
    if (location === null || location.trim() === '')
        return 'a redirect without a Location';
    let target;
    try {
        target = new URL(location, from);
    }
    catch {
        return 'a redirect to a Location that is not a URL';
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') {
        return `a redirect to a ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(target.protocol, 20)} URL`;
    }
    return `a redirect to ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(target.origin, 200)}`;
}
/** What a failed attempt throws: the abort's reason, or one worded error. */
function failure(err, at) {
    // The attempt's own timeout or a cancel: the retry policy words those.
    if (at.signal.aborted)
        return at.signal.reason;
    if (err instanceof _wire_js__WEBPACK_IMPORTED_MODULE_5__/* .AnswerTooLargeError */ .Oc) {
        return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9(err.code, `${at.label}: ${err.message}`, {
            ...(err.hint === undefined ? {} : { hint: err.hint }),
            cause: err,
        });
    }
    if (err instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9)
        return err;
    const peer = {
        what: at.peer.what,
        url: at.url,
        label: at.label,
        ...(at.peer.input === undefined ? {} : { input: at.peer.input }),
        ...(at.route.proxy === undefined ? {} : { proxy: at.route.proxy }),
    };
    const worded = (0,_network_js__WEBPACK_IMPORTED_MODULE_2__/* .connectionError */ .$)(err, peer);
    if (worded !== undefined)
        return worded;
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('GATEWAY', `${at.label} failed: ${at.route.scrub(describe(err))}`, {
        cause: err,
    });
}
function describe(err) {
    return err instanceof Error ? `${err.name}: ${err.message}` : 'unknown failure';
}
function defaultStatusError(answer, label) {
    const retryAfterMs = (0,_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .parseRetryAfter */ .mu)(answer.headers.get('retry-after'), Date.now());
    return new _retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9(answer.status, `${label} answered HTTP ${answer.status}`, retryAfterMs === undefined ? {} : { retryAfterMs });
}
function labelOf(call) {
    if (call.label !== undefined)
        return call.label;
    const url = new URL(call.url);
    return `${call.method} ${url.origin}${url.pathname}`;
}
function withoutUserAgent(headers = {}) {
    return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'user-agent'));
}
function headersOf(headers) {
    return Object.fromEntries(new Headers(headers ?? {}).entries());
}


/***/ }),

/***/ 9353:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   q: () => (/* binding */ silentLogger)
/* harmony export */ });
/** A logger that drops everything, for callers that do not want messages. */
const silentLogger = {
    debug: () => undefined,
    info: () => undefined,
    warning: () => undefined,
};


/***/ }),

/***/ 1451:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ connectionError)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1922);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9183);
/**
 * One wording for "the connection failed", whatever gatepass was talking to
 * (a gateway, the GitHub or GitLab API): what, where (the origin, never a
 * path or query), and the OS code. The retry policy adds whether it retries
 * ("; retrying in 1.6 s"), and gives up with the last of these messages.
 *
 *     POST https://sts.example.com/token: cannot reach the token-exchange server at https://sts.example.com (ECONNREFUSED)
 *
 * Through a proxy, the message names it (origin only, never credentials):
 *
 *     GET https://vault.corp/v1/x: cannot reach Vault at https://vault.corp through the proxy at http://proxy:3128 (proxy answered 407)
 *
 * The transport (http.ts) turns what fetch throws into this error inside the
 * attempt, so that the cause (and with it the retry policy's view of the
 * failure) is kept.
 */


/**
 * The connection failure behind `err`, as the one message; undefined when
 * `err` is not one (an HTTP answer, an abort, a bug), so the caller keeps it.
 * Retryable failures (ECONNREFUSED, ECONNRESET, …) keep `err` as the cause,
 * which is what the retry policy looks at; DNS and TLS failures are final.
 */
function connectionError(err, peer) {
    if (peer.proxy !== undefined) {
        const refused = proxyRefusal(err, peer, peer.proxy);
        if (refused !== undefined)
            return refused;
    }
    const network = (0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .networkErrorCode */ .a0)(err);
    const detail = network ?? transportFailure(err);
    if (detail === undefined)
        return undefined;
    const origin = originOf(peer.url);
    const input = peer.input ?? 'gateway';
    const hint = network !== undefined
        ? `Check \`${input}\` and that ${peer.what} is up and reachable from the runner`
        : `Not retried, as a wrong host name or an untrusted certificate stays so: check the host name in \`${input}\`, that ${peer.what} is reachable from the runner, and that the runner trusts its certificate (NODE_EXTRA_CA_CERTS)`;
    const via = peer.proxy === undefined ? '' : ` through the proxy at ${peer.proxy}`;
    const proxyHint = peer.proxy === undefined
        ? ''
        : `; the proxy comes from HTTPS_PROXY / HTTP_PROXY: check it, or list the host in NO_PROXY if the runner reaches it directly`;
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('GATEWAY', `${peer.label}: cannot reach ${peer.what} at ${origin}${via} (${detail})`, { hint: `${hint}${proxyHint}`, cause: err });
}
/** The proxy answered its CONNECT with something else than 200 (undici's ProxyAgent says so). */
function proxyRefusal(err, peer, proxy) {
    let status;
    for (let e = err, depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
        const { message, cause } = e;
        status = /Proxy response \((\d{3})\)/.exec(typeof message === 'string' ? message : '')?.[1];
        if (status !== undefined)
            break;
        e = cause;
    }
    if (status === undefined)
        return undefined;
    const hint = status === '407'
        ? 'The proxy wants credentials: put them in the proxy URL (HTTPS_PROXY=http://user:password@proxy:port); they are sent as Proxy-Authorization and never logged'
        : status === '403'
            ? `The proxy does not let the runner reach ${originOf(peer.url)}: ask its administrators to allow it, or list the host in NO_PROXY if the runner reaches it directly`
            : `The proxy could not connect to ${originOf(peer.url)}: check the host name in \`${peer.input ?? 'gateway'}\` and that the proxy can reach it`;
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('GATEWAY', `${peer.label}: cannot reach ${peer.what} at ${originOf(peer.url)} through the proxy at ${proxy} (proxy answered ${status})`, { hint, cause: err });
}
function originOf(url) {
    try {
        return new URL(url).origin;
    }
    catch {
        return 'an invalid URL';
    }
}
/**
 * Why the connection failed when it is not a failure worth retrying:
 * Node's code, with OpenSSL's reason for TLS ("ENOTFOUND",
 * "DEPTH_ZERO_SELF_SIGNED_CERT", "EPROTO: SSL wrong version number").
 * Looks through `fetch`'s "TypeError: fetch failed" to its cause.
 */
function transportFailure(err) {
    let current = err;
    for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
        // Our own errors carry codes too (TIMEOUT, GATEWAY): they are not transport failures.
        if (current instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9)
            return undefined;
        const { code, message, cause } = current;
        if (typeof code === 'string' && code !== 'ABORT_ERR' && !code.startsWith('OAUTH_')) {
            const text = typeof message === 'string' ? message : '';
            // OpenSSL's "write EPROTO 40CD…:error:0A00010B:SSL routines:<fn>:wrong version number:<file>".
            const ssl = /:SSL routines:[^:]*:([^:]+):/.exec(text)?.[1];
            return ssl === undefined ? code : `${code}: SSL ${ssl}`;
        }
        const fetchFailed = current.name === 'TypeError' && message === 'fetch failed';
        if (fetchFailed && (cause === undefined || cause === null))
            return 'network error';
        current = cause;
    }
    return undefined;
}


/***/ }),

/***/ 8510:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  ZO: () => (/* binding */ dispatcherTo),
  iJ: () => (/* binding */ proxyFor),
  nR: () => (/* binding */ routeFor),
  mM: () => (/* binding */ trustCertificate)
});

// UNUSED EXPORTS: bypasses

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: ./src/common/wire.ts
var wire = __webpack_require__(2072);
;// CONCATENATED MODULE: ./src/common/direct.ts
/**
 * Requests that go straight to the server (no proxy applies), through
 * node:http and node:https. Not `fetch`: Node loads its fetch (its own copy
 * of undici, and llhttp compiled to WebAssembly) on first use, 40-70 ms of
 * CPU that every Vault run paid between the ID token and the login
 * (bench/action.ts). One keep-alive agent per scheme and trust setting, so
 * the login and the read share a connection as they did with fetch; our own
 * agents, not the global ones, which Node 24 routes through a proxy under
 * NODE_USE_ENV_PROXY whatever proxy.ts decided.
 *
 * What fetch did implicitly is done here too: `accept: *` when the caller
 * sets none, a content-length (0 for a bodiless POST, PUT or PATCH), and a
 * compressed answer decoded. The caller (http.ts) reads the body inside its
 * attempt, so the attempt's timeout covers a server that stalls mid-answer.
 */


/** Keep-alive agents: `http:`, `https:` (Node's CA store) and `https:ca` (a CA list), built on first use. */
const agents = new Map();
/** Forget the agents (the CA list changed: a new `ca-certificate`); later requests build new ones. */
function resetDirectAgents() {
    for (const agent of agents.values())
        agent.destroy();
    agents.clear();
}
/**
 * One request straight to `request.url`, trusting `ca` (replacing Node's
 * store) when given; the same `ca` until {@link resetDirectAgents}.
 */
async function sendDirect(request, signal, ca) {
    const https = request.url.protocol === 'https:';
    // node:https (and with it node:tls) only for https URLs.
    const { request: send, agent } = https
        ? await httpsClient(ca)
        : { request: external_node_http_.request, agent: httpAgent() };
    const payload = request.body === undefined ? undefined : Buffer.from(request.body);
    const headers = { accept: '*/*', ...request.headers };
    if (payload !== undefined)
        headers['content-length'] = String(payload.length);
    else if (['POST', 'PUT', 'PATCH'].includes(request.method))
        headers['content-length'] = '0';
    const response = await new Promise((resolve, reject) => {
        const req = send(request.url, { method: request.method, headers, agent, signal }, resolve);
        req.on('error', reject);
        req.end(payload);
    });
    // Read from now on, so a failure before the caller asks for the body has a listener.
    const body = readBody(response, signal);
    body.catch(() => undefined);
    return {
        status: response.statusCode ?? 0,
        headers: new wire/* AnswerHeaders */.j_(pairs(response.rawHeaders)),
        read: () => body,
        discard: () => {
            response.destroy();
        },
    };
}
function httpAgent() {
    let agent = agents.get('http:');
    if (agent === undefined) {
        agent = new external_node_http_.Agent({ keepAlive: true });
        agents.set('http:', agent);
    }
    return agent;
}
async function httpsClient(ca) {
    const https = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 4708, 23));
    const key = ca === undefined ? 'https:' : 'https:ca';
    let agent = agents.get(key);
    if (agent === undefined) {
        agent = new https.Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) });
        agents.set(key, agent);
    }
    return { request: https.request, agent };
}
/** Node's flat [name, value, name, value, …] as pairs. */
function pairs(raw) {
    const out = [];
    for (let i = 0; i + 1 < raw.length; i += 2)
        out.push([raw[i] ?? '', raw[i + 1] ?? '']);
    return out;
}
/** The whole body, decoded as fetch would (gzip, deflate, br); an abort ends the wait. */
async function readBody(response, signal) {
    const chunks = [];
    await new Promise((resolve, reject) => {
        const stop = () => {
            response.destroy();
            reject(signal.reason);
        };
        if (signal.aborted) {
            stop();
            return;
        }
        signal.addEventListener('abort', stop, { once: true });
        let size = 0;
        response.on('data', (chunk) => {
            size += chunk.length;
            if (size > wire/* MAX_ANSWER_BYTES */.gB) {
                signal.removeEventListener('abort', stop);
                response.destroy();
                reject(new wire/* AnswerTooLargeError */.Oc());
                return;
            }
            chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => {
            signal.removeEventListener('abort', stop);
            resolve();
        });
        // Closed before its end without an error: the connection dropped mid-answer.
        response.on('close', () => {
            signal.removeEventListener('abort', stop);
            if (!response.complete)
                reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
        });
    });
    return decode(Buffer.concat(chunks), response.headers['content-encoding']);
}
/**
 * Servers should not compress unasked (we send no accept-encoding), but fetch
 * decoded those that did; never past {@link MAX_ANSWER_BYTES} of output.
 */
async function decode(body, encoding) {
    const coding = encoding?.trim().toLowerCase() ?? '';
    if (coding === '' || coding === 'identity' || body.length === 0)
        return body;
    const zlib = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 8522, 23));
    const { promisify } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 7975, 23));
    const options = { maxOutputLength: wire/* MAX_ANSWER_BYTES */.gB };
    const inflate = coding === 'gzip' || coding === 'x-gzip'
        ? promisify(zlib.gunzip)
        : coding === 'deflate'
            ? promisify(zlib.inflate)
            : coding === 'br'
                ? promisify(zlib.brotliDecompress)
                : undefined;
    if (inflate === undefined)
        return body;
    try {
        return await inflate(body, options);
    }
    catch (err) {
        if (err.code === 'ERR_BUFFER_TOO_LARGE') {
            throw new wire/* AnswerTooLargeError */.Oc();
        }
        throw err;
    }
}

;// CONCATENATED MODULE: ./src/common/proxy.ts
/**
 * Which way a request goes out: straight, or through the proxy the
 * environment names, with the certificates the runner trusts. The rules are
 * @actions/http-client's (what the runner and `core.getIDToken` do):
 *
 * - `https_proxy` / `HTTPS_PROXY` for https URLs, `http_proxy` / `HTTP_PROXY`
 *   for http (lower case first); credentials in the proxy URL are sent as
 *   `Proxy-Authorization` and never appear in a message;
 * - `no_proxy` / `NO_PROXY`: comma-separated host names, each matching the
 *   host and its subdomains (`corp.example` and `.corp.example` both match
 *   `vault.corp.example`), with `host:port` matching that port only, and `*`
 *   matching everything; loopback (localhost, 127.*, ::1) never uses a proxy;
 * - NODE_EXTRA_CA_CERTS and the `ca-certificate` input are trusted beside
 *   Node's bundled CAs.
 *
 * Straight requests go through node:http / node:https (direct.ts); proxied
 * ones through undici's fetch and ProxyAgent (CONNECT), loaded only then (the
 * bundles load undici on first use: scripts/build.mjs).
 */



let certificate;
/** The CA list `certificate` asks for, built on first use. */
let trusted;
/** Proxy dispatchers, one per proxy, built on first use. */
const dispatchers = new Map();
/** Trust `pem` (the `ca-certificate` input) for every later request; undefined or empty: none. */
function trustCertificate(pem) {
    const next = pem === undefined || pem.trim() === '' ? undefined : pem;
    if (next === certificate)
        return;
    certificate = next;
    trusted = undefined;
    dispatchers.clear();
    resetDirectAgents();
}
/** The way to `url` under `env`. */
async function routeFor(url, env = process.env) {
    const proxy = proxyFor(url, env);
    const ca = await trustedCertificates(env);
    if (proxy === undefined) {
        return { send: (request, signal) => sendDirect(request, signal, ca), scrub: (text) => text };
    }
    const dispatcher = await dispatcherFor(proxy, ca);
    const { fetch } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 5641));
    return {
        send: async (request, signal) => {
            const response = await fetch(request.url, {
                method: request.method,
                headers: request.headers,
                ...(request.body === undefined ? {} : { body: request.body }),
                redirect: 'manual',
                signal,
                dispatcher,
            });
            return {
                status: response.status,
                headers: new wire/* AnswerHeaders */.j_(response.headers),
                read: () => readCapped(response),
                discard: () => {
                    void response.body?.cancel().catch(() => undefined);
                },
            };
        },
        proxy: proxy.origin,
        scrub: (text) => scrubCredentials(text, proxy),
    };
}
/** A fetch answer's body (fetch decompresses it), up to {@link MAX_ANSWER_BYTES}. */
async function readCapped(response) {
    if (response.body === null)
        return new Uint8Array();
    const reader = response.body.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
        const { done, value } = await reader.read();
        if (done)
            return Buffer.concat(chunks);
        size += value.length;
        if (size > wire/* MAX_ANSWER_BYTES */.gB) {
            await reader.cancel().catch(() => undefined);
            throw new wire/* AnswerTooLargeError */.Oc();
        }
        chunks.push(value);
    }
}
/**
 * The same way to `url` as {@link routeFor}, as an undici dispatcher rather
 * than a fetch: for callers that relay raw HTTP (the data path's proxy,
 * delivery/http/), which must not have fetch decode bodies or rewrite
 * headers. Always undici, even when no proxy or certificate applies.
 */
async function dispatcherTo(url, env = process.env) {
    const proxy = proxyFor(url, env);
    const ca = await trustedCertificates(env);
    const dispatcher = await dispatcherFor(proxy, ca);
    return {
        dispatcher,
        ...(proxy === undefined ? {} : { proxy: proxy.origin }),
        scrub: (text) => scrubCredentials(text, proxy),
    };
}
/** The proxy for `url`, or undefined when it goes straight (none set, NO_PROXY, loopback). */
function proxyFor(url, env = process.env) {
    const https = url.protocol === 'https:';
    const value = https
        ? (nonEmpty(env.https_proxy) ?? nonEmpty(env.HTTPS_PROXY))
        : (nonEmpty(env.http_proxy) ?? nonEmpty(env.HTTP_PROXY));
    if (value === undefined || bypasses(url, env))
        return undefined;
    try {
        return new URL(value.includes('://') ? value : `http://${value}`);
    }
    catch {
        return undefined;
    }
}
/**
 * NO_PROXY's rules, exactly as @actions/http-client's `checkBypass` applies
 * them (the runner's ID-token request follows those): the same entry must
 * send both that request and gatepass's own the same way. So `*.corp` is no
 * wildcard (only `*` alone is), and an IPv6 host is written in brackets.
 */
function bypasses(url, env = process.env) {
    // `[::1]` as URL.hostname writes it: brackets kept, as http-client compares it.
    const host = url.hostname.toUpperCase();
    if (isLoopback(host))
        return true;
    const noProxy = nonEmpty(env.no_proxy) ?? nonEmpty(env.NO_PROXY);
    if (noProxy === undefined)
        return false;
    const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
    const candidates = [host, `${host}:${port}`];
    return noProxy
        .split(',')
        .map((item) => item.trim().toUpperCase())
        .filter((item) => item !== '')
        .some((item) => item === '*' ||
        candidates.some((c) => c === item || c.endsWith(`.${item}`) || (item.startsWith('.') && c.endsWith(item))));
}
function isLoopback(host) {
    return host === 'LOCALHOST' || host.startsWith('127.') || host === '[::1]';
}
/**
 * The CA list to trust instead of Node's store, when `ca-certificate` asks
 * for one: Node's bundled CAs, it, and NODE_EXTRA_CA_CERTS. Undefined: Node's
 * own store (its CAs and NODE_EXTRA_CA_CERTS) as it is.
 */
function trustedCertificates(env) {
    const pem = certificate;
    if (pem === undefined)
        return Promise.resolve(undefined);
    // node:tls only now: a run over http without `ca-certificate` never loads it.
    trusted ??= Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 1692, 23)).then(({ rootCertificates }) => [
        ...rootCertificates,
        pem,
        ...nodeExtraCertificates(env),
    ]);
    return trusted;
}
/**
 * A `ca` list replaces Node's store, NODE_EXTRA_CA_CERTS included: read that
 * file again so its certificates stay trusted. Node itself warns at start
 * when it cannot read it, so a failure here adds nothing.
 */
function nodeExtraCertificates(env) {
    const file = nonEmpty(env.NODE_EXTRA_CA_CERTS);
    if (file === undefined)
        return [];
    try {
        return [(0,external_node_fs_.readFileSync)(file, 'utf8')];
    }
    catch {
        return [];
    }
}
/** A proxy's dispatcher; without a proxy, undici's own (only the data path's relay asks for that). */
async function dispatcherFor(proxy, ca) {
    const key = proxy?.href ?? 'direct';
    const known = dispatchers.get(key);
    if (known !== undefined)
        return known;
    const { Agent, ProxyAgent } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 5641));
    const tls = ca === undefined ? {} : { ca };
    const dispatcher = proxy === undefined
        ? new Agent({ connect: tls })
        : new ProxyAgent({ uri: proxy.href, requestTls: tls, proxyTls: tls });
    dispatchers.set(key, dispatcher);
    return dispatcher;
}
function scrubCredentials(text, proxy) {
    if (proxy === undefined)
        return text;
    let out = text.split(proxy.href).join(proxy.origin);
    for (const part of [proxy.password, proxy.username]) {
        if (part === '')
            continue;
        out = out.split(part).join('***').split(decodeURIComponent(part)).join('***');
    }
    return out;
}
function nonEmpty(value) {
    return value === undefined || value.trim() === '' ? undefined : value.trim();
}


/***/ }),

/***/ 9183:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F9: () => (/* binding */ HttpStatusError),
/* harmony export */   L5: () => (/* binding */ retry),
/* harmony export */   PS: () => (/* binding */ isRetryableStatus),
/* harmony export */   TX: () => (/* binding */ isNetworkError),
/* harmony export */   a0: () => (/* binding */ networkErrorCode),
/* harmony export */   a3: () => (/* binding */ formatDuration),
/* harmony export */   dU: () => (/* binding */ AttemptTimeoutError),
/* harmony export */   fe: () => (/* binding */ classifyError),
/* harmony export */   ml: () => (/* binding */ systemClock),
/* harmony export */   mu: () => (/* binding */ parseRetryAfter)
/* harmony export */ });
/* unused harmony export backoffMs */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1922);
/* harmony import */ var _logger_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9353);
/**
 * One retry policy for every network call gatepass makes (identity endpoint,
 * gateways). Flaky ID-token fetches and single 503s must not fail a job, and a
 * dead gateway must not hold a runner for an hour, so:
 *
 * - only transient failures are retried: network errors, 408, 429 and 5xx,
 *   plus an attempt that got no answer in time; a 400/401/403/404 or any
 *   other error is final at once, so a bad parameter fails in well under 2 s;
 * - the wait between attempts grows exponentially with jitter (so a fleet of
 *   runners does not retry in lockstep), or is exactly what `Retry-After` says;
 * - every attempt has its own timeout, and one overall deadline bounds the
 *   whole operation; when it passes, the operation fails with the last error.
 */


const systemClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => sleep(ms, signal),
    random: () => Math.random(),
};
const DEFAULTS = {
    maxAttempts: Number.POSITIVE_INFINITY,
    initialDelayMs: 1_000,
    maxDelayMs: 30_000,
    multiplier: 2,
    attemptTimeoutMs: 30_000,
    deadlineMs: 120_000,
};
/** An HTTP answer that is an error; carries what the retry policy needs. */
class HttpStatusError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9 {
    status;
    /** From `Retry-After`, when the server sent one. */
    retryAfterMs;
    constructor(status, message, options = {}) {
        const { code = 'GATEWAY', retryAfterMs, ...rest } = options;
        super(code, message, rest);
        this.name = 'HttpStatusError';
        this.status = status;
        this.retryAfterMs = retryAfterMs;
    }
}
/** An attempt that got no answer within its timeout. Always worth another try. */
class AttemptTimeoutError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9 {
    constructor(operation, timeoutMs) {
        super('TIMEOUT', `${operation}: no answer within ${formatDuration(timeoutMs)}`, {
            hint: 'The server accepted the request but did not answer; check its health and load',
        });
        this.name = 'AttemptTimeoutError';
    }
}
/** Run `fn` until it succeeds, a permanent error occurs, attempts run out or the deadline passes. */
async function retry(fn, options) {
    const policy = { ...DEFAULTS, ...definedOnly(options) };
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? _logger_js__WEBPACK_IMPORTED_MODULE_1__/* .silentLogger */ .q;
    const classify = options.classify ?? classifyError;
    const started = clock.now();
    const deadline = started + policy.deadlineMs;
    let lastError;
    for (let attempt = 1;; attempt++) {
        const remaining = deadline - clock.now();
        if (remaining <= 0)
            throw deadlineError(options.operation, policy.deadlineMs, attempt - 1, lastError);
        const timeoutMs = Math.min(policy.attemptTimeoutMs, remaining);
        try {
            return await runAttempt(fn, attempt, timeoutMs, options);
        }
        catch (err) {
            throwIfCancelled(options, lastError);
            if (err instanceof AttemptTimeoutError && timeoutMs < policy.attemptTimeoutMs) {
                // Cut short by the deadline, not by its own timeout: the error before
                // it says more about what went wrong.
                throw deadlineError(options.operation, policy.deadlineMs, attempt, lastError ?? err);
            }
            lastError = err;
            const decision = classify(err);
            if (!decision.retry)
                throw err;
            if (attempt >= policy.maxAttempts)
                throw exhaustedError(options, attempt, err);
            const left = deadline - clock.now();
            // No time left for another attempt: say so, rather than "retrying in -18 ms".
            if (left <= 0)
                throw deadlineError(options.operation, policy.deadlineMs, attempt, err);
            if (decision.afterMs !== undefined && decision.afterMs > left) {
                throw deadlineError(options.operation, policy.deadlineMs, attempt, err, decision.afterMs);
            }
            const delay = Math.min(decision.afterMs ?? backoffMs(attempt, policy, clock), left);
            logger.info(`${options.operation}: ${brief(err, options.operation)}; retrying in ${formatDuration(delay)} (attempt ${attempt + 1}${Number.isFinite(policy.maxAttempts) ? ` of ${policy.maxAttempts}` : ''})`);
            try {
                await clock.sleep(Math.max(0, delay), options.signal);
            }
            catch {
                throwIfCancelled(options, err);
            }
        }
    }
}
/**
 * Wait before attempt `attempt + 1`: exponential, capped, with "equal jitter"
 * (half fixed, half random) so waits never collapse to zero yet runners spread out.
 */
function backoffMs(attempt, policy, clock = systemClock) {
    const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attempt - 1));
    return ceiling / 2 + (clock.random() * ceiling) / 2;
}
/** The default policy: network errors, timeouts, 408, 429 and 5xx are transient. */
function classifyError(err) {
    if (err instanceof AttemptTimeoutError)
        return { retry: true };
    if (err instanceof HttpStatusError) {
        if (!isRetryableStatus(err.status))
            return { retry: false };
        return err.retryAfterMs === undefined
            ? { retry: true }
            : { retry: true, afterMs: err.retryAfterMs };
    }
    return { retry: isNetworkError(err) };
}
function isRetryableStatus(status) {
    // 501 Not Implemented and 505 HTTP Version Not Supported describe the server,
    // not its current state: asking again cannot help.
    if (status === 501 || status === 505)
        return false;
    return status === 408 || status === 429 || (status >= 500 && status <= 599);
}
// Failures of the connection itself. DNS "not found" and TLS certificate errors
// are missing on purpose: they mean a wrong URL or trust setup, and retrying
// them for two minutes only hides the mistake.
const NETWORK_CODES = new Set([
    'ECONNREFUSED',
    'ECONNRESET',
    'ECONNABORTED',
    'EPIPE',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENETDOWN',
    'EHOSTDOWN',
    'EAI_AGAIN',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_CLOSED',
]);
/** True for errors that mean the connection failed, however deeply `fetch` wrapped them. */
function isNetworkError(err) {
    return networkErrorCode(err) !== undefined;
}
/**
 * The code of the connection failure behind `err` ("ECONNRESET"), if any.
 * undici reports one as "TypeError: fetch failed" whose cause holds the code.
 * Duck-typed, not `instanceof`: fetch's errors may come from another realm.
 */
function networkErrorCode(err) {
    let e = err;
    for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
        const { code, name, cause } = e;
        if (typeof code === 'string' && NETWORK_CODES.has(code))
            return code;
        if (name === 'SocketError')
            return 'UND_ERR_SOCKET';
        e = cause;
    }
    return undefined;
}
/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
function parseRetryAfter(value, now) {
    if (value === null || value === undefined || value.trim() === '')
        return undefined;
    const text = value.trim();
    if (/^\d+$/.test(text))
        return Number(text) * 1000;
    const date = Date.parse(text);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
/** "250 ms", "1.5 s", "2m", "1m30s": for messages. */
function formatDuration(ms) {
    if (ms < 1000)
        return `${Math.round(ms)} ms`;
    if (ms < 60_000)
        return `${Number((ms / 1000).toFixed(1))} s`;
    const total = Math.round(ms / 1000);
    const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
    return [h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', s > 0 ? `${s}s` : ''].join('');
}
async function runAttempt(fn, attempt, timeoutMs, options) {
    const timer = new AbortController();
    const signal = options.signal === undefined ? timer.signal : AbortSignal.any([timer.signal, options.signal]);
    const handle = setTimeout(() => {
        timer.abort(new AttemptTimeoutError(options.operation, timeoutMs));
    }, timeoutMs);
    try {
        // Race the signal as well: some callees (core.getIDToken) cannot be
        // cancelled, and the timeout must hold for them too.
        return await Promise.race([fn({ attempt, signal }), rejectOnAbort(signal)]);
    }
    catch (err) {
        if (timer.signal.aborted)
            throw timer.signal.reason;
        throw err;
    }
    finally {
        clearTimeout(handle);
    }
}
function rejectOnAbort(signal) {
    return new Promise((_resolve, reject) => {
        const fail = () => {
            reject(signal.reason);
        };
        if (signal.aborted)
            fail();
        else
            signal.addEventListener('abort', fail, { once: true });
    });
}
function throwIfCancelled(options, lastError) {
    const signal = options.signal;
    if (signal?.aborted !== true)
        return;
    const reason = signal.reason;
    if (reason instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9)
        throw reason;
    // A DOMException is not always `instanceof Error` (other realms), so go by name.
    const timedOut = reason?.name === 'TimeoutError';
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('TIMEOUT', `${options.operation} was ${timedOut ? 'stopped by the deadline' : 'cancelled'}${lastError === undefined ? '' : `; last error: ${brief(lastError, options.operation)}`}`, { cause: lastError });
}
function deadlineError(operation, deadlineMs, attempts, lastError, retryAfterMs) {
    const waited = retryAfterMs === undefined
        ? ''
        : `; the server asked to wait ${formatDuration(retryAfterMs)}, past the deadline`;
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('TIMEOUT', `${operation} did not succeed within ${formatDuration(deadlineMs)} (${attempts} attempt${attempts === 1 ? '' : 's'})${waited}; last error: ${lastError === undefined ? 'none' : brief(lastError, operation)}`, {
        hint: 'Raise `timeout` if the server is slow, or check that it is healthy',
        cause: lastError,
    });
}
function exhaustedError(options, attempts, lastError) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9(options.exhaustedCode ?? 'GATEWAY', `${options.operation} failed ${attempts} times; last error: ${brief(lastError, options.operation)}`, { cause: lastError });
}
/** An error's message without its hint, and without repeating the operation's name. */
function brief(err, operation) {
    const text = err instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9 ? err.message : (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(err);
    const rest = text.startsWith(operation)
        ? text.slice(operation.length).replace(/^[:\s]+/, '')
        : text;
    return rest.replace(/\s*[\r\n]+\s*/g, ' ');
}
function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted === true) {
            reject(signal.reason);
            return;
        }
        const onAbort = () => {
            clearTimeout(handle);
            reject(signal?.reason);
        };
        const handle = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}
/** Drop keys whose value is undefined so they do not override the defaults. */
function definedOnly(options) {
    const out = {};
    for (const key of Object.keys(DEFAULTS)) {
        const value = options[key];
        if (value !== undefined)
            out[key] = value;
    }
    return out;
}


/***/ }),

/***/ 2072:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Oc: () => (/* binding */ AnswerTooLargeError),
/* harmony export */   gB: () => (/* binding */ MAX_ANSWER_BYTES),
/* harmony export */   j_: () => (/* binding */ AnswerHeaders)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1922);
/**
 * One request and its answer as the transport's routes (direct.ts, proxy.ts)
 * send and receive them, whatever carries them.
 */

/**
 * The most of an answer's body the transport reads, after decompression:
 * far above any gateway's or approval API's answer (a page of 100 GitHub
 * comments of 64 KB each is about 7 MB), far below what would exhaust a
 * runner's memory when a server or something in between sends without end
 * or a small compressed body that inflates to gigabytes.
 */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
/** An answer over {@link MAX_ANSWER_BYTES}: reading stopped there. Not retried: the next would be as large. */
class AnswerTooLargeError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9 {
    constructor() {
        super('GATEWAY', `the answer is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB; gatepass stopped reading it`, {
            hint: "No gateway or approval API answers that much: check that the URL is the service's API and what stands between the runner and it (a proxy, a captive portal)",
        });
        this.name = 'AnswerTooLargeError';
    }
}
/**
 * An answer's headers, read by name as `Headers` reads them (case-insensitive,
 * repeated names joined with ", "). Not the `Headers` class itself: it is
 * part of Node's fetch, which loads its own copy of undici on first use (see
 * direct.ts), and a direct request must not pay for that.
 */
class AnswerHeaders {
    #values = new Map();
    constructor(pairs) {
        for (const [name, value] of pairs) {
            const key = name.toLowerCase();
            const before = this.#values.get(key);
            this.#values.set(key, before === undefined ? value : `${before}, ${value}`);
        }
    }
    get(name) {
        return this.#values.get(name.toLowerCase()) ?? null;
    }
    [Symbol.iterator]() {
        return this.#values.entries();
    }
}


/***/ }),

/***/ 439:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Qh: () => (/* binding */ INPUT_NAMES),
  pH: () => (/* reexport */ SECRET_INPUTS),
  Mq: () => (/* reexport */ defaultPrefix),
  qd: () => (/* reexport */ envNameProblem),
  Z9: () => (/* binding */ loadConfig),
  LL: () => (/* reexport */ providerWithSecrets),
  hK: () => (/* reexport */ providerWithoutSecrets),
  wL: () => (/* binding */ secretSettings)
});

// UNUSED EXPORTS: APPROVAL_SOURCES, ConfigError, PROVIDERS, parseBoolean, parseConfig, parseDurationMs, parseShell

// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/common/suggest.ts
var suggest = __webpack_require__(8687);
// EXTERNAL MODULE: ./src/config/limits.ts + 1 modules
var config_limits = __webpack_require__(3664);
// EXTERNAL MODULE: ./src/config/parse.ts
var parse = __webpack_require__(8353);
;// CONCATENATED MODULE: ./src/config/providers/token-exchange.ts
/** `provider: token-exchange`: any OAuth 2.0 Token Exchange (RFC 8693) server. */


/**
 * `client-auth`. `none` sends no client credentials and no `client_id` at
 * all (Google's STS wants none); `client_secret_basic` and
 * `client_secret_post` send `client-id` and `client-secret` (RFC 6749
 * §2.3.1). Unset: `client_id` alone for a public client, or, with a secret,
 * basic unless the server's metadata lists only post.
 */
const CLIENT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'];
/** RFC 8693 §3 token type identifiers, by the short names `subject-token-type` takes. */
const TOKEN_TYPE_PREFIX = 'urn:ietf:params:oauth:token-type:';
const SHORT_TOKEN_TYPES = ['id_token', 'jwt', 'access_token'];
/**
 * Parameters gatepass sends itself (RFC 6749, RFC 8693, RFC 8707, Keycloak's
 * `subject_issuer`): `ttl-parameter` may not name one of them.
 */
const OWN_PARAMETERS = new Set([
    'grant_type',
    'subject_token',
    'subject_token_type',
    'subject_issuer',
    'actor_token',
    'actor_token_type',
    'requested_token_type',
    'scope',
    'audience',
    'resource',
    'client_id',
    'client_secret',
    'client_assertion',
    'client_assertion_type',
]);
/**
 * The standard members of a token response. A server may add others (a
 * database gateway's `username`, `password`): any name is a field, and one
 * the server did not return is reported, with the names it did, at delivery.
 */
const TOKEN_EXCHANGE_FIELDS = [
    'access_token',
    'refresh_token',
    'id_token',
    'token_type',
    'issued_token_type',
    'scope',
    'expires_in',
];
/** The inputs of this provider besides `client-id` / `client-secret` (which hoop shares). */
const TOKEN_EXCHANGE_INPUTS = [
    'subject-token-type',
    'subject-issuer',
    'token-endpoint',
    'revocation-endpoint',
    'ttl-parameter',
    'client-auth',
];
const tokenExchangeConfig = {
    name: 'token-exchange',
    ownInputs: TOKEN_EXCHANGE_INPUTS,
    fields: ['scope', 'audience', 'resource', 'requested-token-type', 'service-account'],
    credentialFields: TOKEN_EXCHANGE_FIELDS,
    parseSettings: ({ input }) => parseTokenExchangeSettings(input),
    parseRequest: (raw, where) => ({ tokenExchange: parseTokenExchangeRequest(raw, where) }),
    secrets: (settings) => clientSecrets(settings.client),
    withoutSecrets: (settings) => ({ ...settings, client: withoutSecret(settings.client) }),
    withSecrets: (settings, secret) => ({
        ...settings,
        client: withSecret(settings.client, secret('client-secret')),
    }),
};
/** `client-id` and `client-secret`: token exchange's, and hoop's when it exchanges. */
function parseClient(input) {
    return { id: input('client-id') || 'gatepass', secret: input('client-secret') || undefined };
}
function clientSecrets(client) {
    return client.secret === undefined ? [] : [client.secret];
}
function withoutSecret(client) {
    return { id: client.id, secret: undefined };
}
function withSecret(client, secret) {
    return { id: client.id, secret: secret.trim() || undefined };
}
/** Every input checked; all problems reported at once, each naming its input and the fix. */
function parseTokenExchangeSettings(input) {
    const problems = [];
    const check = (fn) => {
        try {
            return fn();
        }
        catch (err) {
            if (!(err instanceof errors/* GatepassError */.J9))
                throw err;
            problems.push(err);
            return undefined;
        }
    };
    const client = parseClient(input);
    const clientAuth = check(() => parseClientAuth(input));
    const subjectTokenType = check(() => parseSubjectTokenType(input('subject-token-type')));
    const subjectIssuer = check(() => parseSubjectIssuer(input('subject-issuer')));
    const endpoints = check(() => parseEndpoints(input));
    const ttlParameter = check(() => parseTtlParameter(input('ttl-parameter')));
    if (problems.length > 0)
        throw new parse/* ConfigError */.xL(problems);
    return {
        name: 'token-exchange',
        client,
        ...(clientAuth === undefined ? {} : { clientAuth }),
        ...(subjectTokenType === undefined ? {} : { subjectTokenType }),
        ...(subjectIssuer === undefined ? {} : { subjectIssuer }),
        ...(endpoints === undefined ? {} : { endpoints }),
        ...(ttlParameter === undefined ? {} : { ttlParameter }),
    };
}
/** `client-auth`, checked against `client-id` and `client-secret`. */
function parseClientAuth(input) {
    const value = input('client-auth');
    if (value === '')
        return undefined;
    const method = CLIENT_AUTH_METHODS.find((m) => m === value);
    if (method === undefined) {
        throw (0,parse/* inputError */.Xu)('client-auth', `is "${(0,parse/* short */.h0)(value)}"`, `Use one of: ${CLIENT_AUTH_METHODS.join(', ')} (or leave it empty to choose from \`client-secret\`)`);
    }
    const secret = input('client-secret') !== '';
    if (method === 'none') {
        if (secret) {
            throw (0,parse/* inputError */.Xu)('client-secret', 'is set, but `client-auth: none` sends no client credentials', 'Remove `client-secret`, or use `client-auth: client_secret_basic` or `client_secret_post`');
        }
        const id = input('client-id');
        if (id !== '' && id !== 'gatepass') {
            throw (0,parse/* inputError */.Xu)('client-id', 'has no effect with `client-auth: none`, which sends no client_id', 'Remove `client-id`, or leave `client-auth` empty to send it as a public client');
        }
    }
    else if (!secret) {
        throw (0,parse/* inputError */.Xu)('client-secret', `is required with \`client-auth: ${method}\``, 'Pass the client secret from a secret store (GATEPASS_CLIENT_SECRET for the CLI), or leave `client-auth` empty for a public client');
    }
    return method;
}
/** `id_token` (default), `jwt`, `access_token`, or a token type URI. */
function parseSubjectTokenType(value) {
    if (value === '' || value === 'id_token')
        return undefined;
    const known = SHORT_TOKEN_TYPES.find((t) => t === value);
    if (known !== undefined)
        return `${TOKEN_TYPE_PREFIX}${known}`;
    if (/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value)) {
        return value === `${TOKEN_TYPE_PREFIX}id_token` ? undefined : value;
    }
    throw (0,parse/* inputError */.Xu)('subject-token-type', `is "${(0,parse/* short */.h0)(value)}", neither a short name nor a URI`, `Use id_token (the default), jwt, access_token, or a full token type URI such as ${TOKEN_TYPE_PREFIX}jwt`);
}
function parseSubjectIssuer(value) {
    if (value === '')
        return undefined;
    if (/\s/.test(value)) {
        throw (0,parse/* inputError */.Xu)('subject-issuer', `is "${(0,parse/* short */.h0)(value)}", which has a space`, "Use the identity provider's alias as the server knows it (Keycloak: Identity providers > the provider's alias), e.g. github-actions");
    }
    return value;
}
/** `token-endpoint` skips discovery; `revocation-endpoint` only goes with it. */
function parseEndpoints(input) {
    const token = input('token-endpoint');
    const revocation = input('revocation-endpoint');
    if (token === '') {
        if (revocation !== '') {
            throw (0,parse/* inputError */.Xu)('revocation-endpoint', 'needs `token-endpoint`', 'Set `token-endpoint` too (together they replace discovery), or remove `revocation-endpoint` to use the one discovery finds');
        }
        return undefined;
    }
    const endpoints = { token: (0,parse/* parseUrl */.Dl)(token, 'token-endpoint') };
    return revocation === ''
        ? endpoints
        : { ...endpoints, revocation: (0,parse/* parseUrl */.Dl)(revocation, 'revocation-endpoint') };
}
/** `expires_in` (default), `none`, or the name of the server's own lifetime parameter. */
function parseTtlParameter(value) {
    if (value === '' || value === 'expires_in')
        return undefined;
    if (value === 'none')
        return null;
    const hint = "Use expires_in (the default), none (send no lifetime; the server's own setting decides), or the name of the server's lifetime parameter, e.g. requested_ttl";
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(value)) {
        throw (0,parse/* inputError */.Xu)('ttl-parameter', `is "${(0,parse/* short */.h0)(value)}", not a parameter name`, hint);
    }
    if (OWN_PARAMETERS.has(value)) {
        throw (0,parse/* inputError */.Xu)('ttl-parameter', `is "${value}", a parameter gatepass already sends for something else`, hint);
    }
    return value;
}
function parseTokenExchangeRequest(raw, where) {
    const out = {};
    const scope = (0,parse/* optionalString */.sx)(raw, 'scope', where);
    if (scope !== undefined)
        out.scope = scope;
    const audience = (0,parse/* stringOrList */.rR)(raw, 'audience', where);
    if (audience !== undefined)
        out.audience = audience;
    const resource = (0,parse/* stringOrList */.rR)(raw, 'resource', where);
    if (resource !== undefined) {
        for (const r of Array.isArray(resource) ? resource : [resource]) {
            if (!/^[a-z][a-z0-9+.-]*:/i.test(r)) {
                throw (0,parse/* credentialsError */.n7)(`${where}: \`resource\` "${(0,parse/* short */.h0)(r)}" is not an absolute URI`, 'RFC 8707 resources are absolute URIs, e.g. https://api.example.com');
            }
        }
        out.resource = resource;
    }
    const type = (0,parse/* optionalString */.sx)(raw, 'requested-token-type', where);
    if (type !== undefined)
        out.requestedTokenType = type;
    const serviceAccount = (0,parse/* optionalString */.sx)(raw, 'service-account', where);
    if (serviceAccount !== undefined)
        out.serviceAccount = parseServiceAccount(serviceAccount, where);
    return out;
}
/**
 * Google Cloud: the service account the STS token is exchanged for, at IAM
 * Credentials `generateAccessToken`. Its email, or (a private endpoint) the
 * whole generateAccessToken URL.
 */
function parseServiceAccount(value, where) {
    const hint = 'Use the service account email, e.g. deploy@my-project.iam.gserviceaccount.com, or its https://…/v1/projects/-/serviceAccounts/<email>:generateAccessToken URL';
    if (/^[^\s@/:]+@[^\s@/:]+$/.test(value))
        return value;
    if (!/^https?:\/\//i.test(value)) {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`service-account\` "${(0,parse/* short */.h0)(value)}" is neither an email nor a URL`, hint);
    }
    try {
        (0,parse/* parseUrl */.Dl)(value, 'credentials');
    }
    catch {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`service-account\` is not an https URL without user:password@ (http only to this machine)`, hint);
    }
    if (!/\/v1\/projects\/-\/serviceAccounts\/[^/]+:generateAccessToken$/.test(new URL(value).pathname)) {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`service-account\` URL does not end in /v1/projects/-/serviceAccounts/<email>:generateAccessToken`, hint);
    }
    return value;
}

;// CONCATENATED MODULE: ./src/config/providers/hoop.ts
/** `provider: hoop`: the hoop.dev access gateway, by API key or by a token exchange. */


const hoopConfig = {
    name: 'hoop',
    ownInputs: ['hoop-token-exchange-url', 'hoop-token-audience', 'hoop-token-scope', 'hoop-host'],
    fields: ['connection'],
    credentialFields: [],
    parseSettings: ({ input, gateway }) => {
        const host = parseHoopHost(input('hoop-host'));
        return {
            name: 'hoop',
            auth: parseAuth(input, gateway),
            ...(host === undefined ? {} : { host }),
        };
    },
    parseRequest: (raw, where) => ({
        hoop: {
            connection: (0,parse/* requiredString */.Fk)(raw, 'connection', where, 'Name the hoop connection, e.g. `connection: pg-prod`'),
        },
    }),
    secrets: ({ auth }) => ('apiKey' in auth ? [auth.apiKey] : clientSecrets(auth.exchange.client)),
    withoutSecrets: (settings) => ({ ...settings, auth: withoutAuthSecret(settings.auth) }),
    withSecrets: (settings, secret) => ({
        ...settings,
        auth: 'apiKey' in settings.auth
            ? { apiKey: secret('hoop-api-key').trim() }
            : {
                exchange: {
                    ...settings.auth.exchange,
                    client: withSecret(settings.auth.exchange.client, secret('client-secret')),
                },
            },
    }),
};
/** hoop authenticates one way: an API key, or a token exchange at the IdP it trusts. */
function parseAuth(input, gateway) {
    const apiKey = input('hoop-api-key');
    const url = input('hoop-token-exchange-url');
    if (url === '') {
        for (const name of ['hoop-token-audience', 'hoop-token-scope']) {
            if (input(name) !== '') {
                throw (0,parse/* inputError */.Xu)(name, 'needs `hoop-token-exchange-url`', `Set it, or remove \`${name}\``);
            }
        }
        if (apiKey !== '')
            return { apiKey };
        throw (0,parse/* inputError */.Xu)('hoop-api-key', 'or `hoop-token-exchange-url` is required with `provider: hoop`', 'Pass a hoop API key (Settings > API keys) from a secret as `hoop-api-key`, or set `hoop-token-exchange-url` to the issuer URL of the IdP hoop trusts');
    }
    const exchangeUrl = (0,parse/* parseUrl */.Dl)(url, 'hoop-token-exchange-url');
    if (apiKey !== '') {
        throw (0,parse/* inputError */.Xu)('hoop-api-key', 'and `hoop-token-exchange-url` are both set', 'Authenticate to hoop one way: remove one of them');
    }
    return {
        exchange: {
            url: exchangeUrl,
            audience: input('hoop-token-audience') || gateway,
            scope: input('hoop-token-scope') || undefined,
            client: parseClient(input),
        },
    };
}
function withoutAuthSecret(auth) {
    if ('apiKey' in auth)
        return { apiKey: '' };
    return { exchange: { ...auth.exchange, client: withoutSecret(auth.exchange.client) } };
}
/**
 * `hoop-host`: `host`, `host:port`, `[v6]` or `[v6]:port`. hoop reports the
 * address its listener is bound to (often 0.0.0.0): jobs need one they reach.
 */
function parseHoopHost(value) {
    if (value === '')
        return undefined;
    const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(?::(\d{1,5}))?$/.exec(value);
    const port = match?.[2];
    if (match === null || (port !== undefined && (Number(port) < 1 || Number(port) > 65535))) {
        throw (0,parse/* inputError */.Xu)('hoop-host', `is not a host or host:port (got "${(0,parse/* short */.h0)(value)}")`, "Set it to the address jobs reach hoop's listeners at, without a scheme or path, e.g. hoop.internal or hoop.internal:15432");
    }
    const host = match[1] ?? '';
    return port === undefined ? { host } : { host, port };
}

;// CONCATENATED MODULE: ./src/config/providers/vault.ts

const vaultConfig = {
    name: 'vault',
    ownInputs: ['vault-role', 'vault-namespace'],
    fields: ['path', 'method', 'data'],
    credentialFields: [],
    parseSettings: ({ input }) => ({
        name: 'vault',
        role: parseRole(input('vault-role')),
        authPath: parseAuthPath(input('vault-auth-path') || 'jwt'),
        namespace: input('vault-namespace') || undefined,
    }),
    parseRequest: (raw, where) => ({ vault: parseVaultRequest(raw, where) }),
    secrets: () => [],
    withoutSecrets: (settings) => settings,
    withSecrets: (settings) => settings,
};
function parseRole(value) {
    if (value !== '')
        return value;
    throw (0,parse/* inputError */.Xu)('vault-role', 'is required with `provider: vault`', 'Set `vault-role` to the Vault JWT role this job logs in as');
}
function parseAuthPath(value) {
    const path = value.replace(/^\/+|\/+$/g, '');
    if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(path)) {
        throw (0,parse/* inputError */.Xu)('vault-auth-path', `is "${(0,parse/* short */.h0)(value)}"`, 'Use the mount path of the JWT auth method, e.g. jwt or gitlab-jwt');
    }
    return path;
}
function parseVaultRequest(raw, where) {
    const path = (0,parse/* requiredString */.Fk)(raw, 'path', where, 'Name the secret path, e.g. `path: database/creds/migrator`').replace(/^\/+/, '');
    if (path.startsWith('v1/') || path.includes('..')) {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`path\` "${(0,parse/* short */.h0)(path)}" must be relative to /v1/ without ..`, 'e.g. `path: database/creds/migrator` or `path: secret/data/app`');
    }
    const method = (0,parse/* optionalString */.sx)(raw, 'method', where)?.toUpperCase();
    if (method !== undefined && method !== 'GET' && method !== 'POST') {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`method\` is "${method}"`, 'Use GET (read) or POST (write, e.g. pki/issue)');
    }
    const out = { path };
    if (method !== undefined)
        out.method = method;
    if (raw.data !== undefined) {
        if (!(0,parse/* isRecord */.u4)(raw.data))
            throw (0,parse/* credentialsError */.n7)(`${where}: \`data\` must be a mapping`, 'e.g. `data: { common_name: app.example.com }`');
        if (method !== 'POST')
            throw (0,parse/* credentialsError */.n7)(`${where}: \`data\` needs \`method: POST\``, 'Add `method: POST`, or remove `data`');
        out.data = raw.data;
    }
    return out;
}

;// CONCATENATED MODULE: ./src/config/providers/provider.ts
/** The inputs whose values are secrets: registered with the masker, never echoed or saved. */
const SECRET_INPUTS = ['client-secret', 'hoop-api-key', 'github-token'];

;// CONCATENATED MODULE: ./src/config/providers/index.ts
/**
 * The providers gatepass knows, by `provider` input value. The settings union
 * is what a gateway receives (gateways/index.ts switches on `name`); adding a
 * provider adds one member here and one line to `PROVIDER_CONFIGS`.
 */



const PROVIDER_CONFIGS = {
    'token-exchange': tokenExchangeConfig,
    vault: vaultConfig,
    hoop: hoopConfig,
};
const PROVIDERS = Object.keys(PROVIDER_CONFIGS);
/**
 * The chosen provider's config, typed for any member of the union: the one
 * cast that lets callers handle a `ProviderSettings` without a switch.
 */
function providerConfig(name) {
    return PROVIDER_CONFIGS[name];
}
/** The settings as the state file keeps them: every secret value removed. */
function providerWithoutSecrets(settings) {
    return providerConfig(settings.name).withoutSecrets(settings);
}
/** Saved settings with the secret inputs read again (post, `gatepass revoke`). */
function providerWithSecrets(settings, secret) {
    return providerConfig(settings.name).withSecrets(settings, secret);
}



// EXTERNAL MODULE: ./src/config/data-path.ts + 1 modules
var data_path = __webpack_require__(5542);
;// CONCATENATED MODULE: ./src/config/credentials.ts
/**
 * The `credentials` input: a YAML list of requests, each checked for size and
 * control characters before anything reads it, then its common fields
 * (`name`, `ttl`, `env`) here and the rest by the chosen provider
 * (providers/). Every problem is collected, one line per item.
 */






const DEFAULT_TTL_SECONDS = 15 * 60;
const MAX_TTL_SECONDS = 24 * 3600;
const COMMON_FIELDS = ['name', 'ttl', 'env', ...data_path/* DATA_PATH_FIELDS */.L6];
function parseCredentials(text, provider) {
    const items = parseYamlList(text);
    const problems = [];
    const requests = [];
    items.forEach((item, index) => {
        try {
            requests.push(parseRequest(item, index, provider));
        }
        catch (err) {
            if (!(err instanceof errors/* GatepassError */.J9))
                throw err;
            problems.push(err);
        }
    });
    problems.push(...duplicates(requests));
    if (problems.length > 0)
        throw new parse/* ConfigError */.xL(problems);
    return requests;
}
/** One line, so it reads the same in a log, a terminal and a YAML file (flow style). */
const EXAMPLE = 'e.g. `[{name: deploy, scope: deploy}]`';
function parseYamlList(text) {
    if (text.trim() === '') {
        throw (0,parse/* inputError */.Xu)('credentials', 'is required', `Set it to a YAML list of credential requests, ${EXAMPLE}`);
    }
    const value = (0,config_limits/* parseYaml */.hN)(text, {
        subject: 'input `credentials`',
        hint: 'Check the indentation; use `credentials: |` so the list is one multi-line string',
        reason: true,
    });
    if (!Array.isArray(value) || value.length === 0) {
        throw (0,parse/* credentialsError */.n7)('must be a non-empty YAML list (items start with "- ")', `One item per credential, ${EXAMPLE}`);
    }
    if (value.length > config_limits/* LIMITS */.b1.credentialsCount) {
        throw (0,parse/* inputError */.Xu)('credentials', `has ${value.length} items, over the limit of ${config_limits/* LIMITS */.b1.credentialsCount}`, 'Split the credentials over several steps');
    }
    value.forEach(checkItemLimits);
    return value;
}
const MAX_DEPTH = 16;
/**
 * Every key and value of one item within its cap and free of control
 * characters, before anything reads them (or quotes them in a message).
 * Vault `data` values may hold line breaks and tabs: a CSR is PEM text.
 */
function checkItemLimits(raw, index) {
    if (!(0,parse/* isRecord */.u4)(raw))
        return; // parseRequest says so
    const name = raw.name;
    const label = typeof name === 'string' && NAME.test(name) ? `credential "${name}"` : `item ${index + 1}`;
    checkValueLimits(raw, '', label, false);
}
function checkValueLimits(value, path, label, lines) {
    const where = path === '' ? label : `${label}: \`${path}\``;
    if (typeof value === 'string') {
        const problem = (0,config_limits/* fieldProblem */.SL)(value, { lines });
        if (problem !== undefined)
            throw (0,parse/* credentialsError */.n7)(`${where} ${problem}`, FIELD_HINT);
        return;
    }
    if (value === null || typeof value === 'number' || typeof value === 'boolean')
        return;
    if (path.split(/[.[]/).length > MAX_DEPTH) {
        throw (0,parse/* credentialsError */.n7)(`${where} nests deeper than ${MAX_DEPTH} levels`, FIELD_HINT);
    }
    if (Array.isArray(value)) {
        value.forEach((item, i) => {
            checkValueLimits(item, `${path}[${i}]`, label, lines);
        });
        return;
    }
    if (!(0,parse/* isRecord */.u4)(value) || Object.getPrototypeOf(value) !== Object.prototype) {
        throw (0,parse/* credentialsError */.n7)(`${where} is not a string, number, boolean, list or mapping`, 'Remove YAML tags such as !!binary or !!set');
    }
    for (const [key, item] of Object.entries(value)) {
        const problem = (0,config_limits/* fieldProblem */.SL)(key, { max: config_limits/* LIMITS */.b1.key });
        if (problem !== undefined)
            throw (0,parse/* credentialsError */.n7)(`${where}: a key ${problem}`, FIELD_HINT);
        const data = lines || (path === '' && key === 'data');
        checkValueLimits(item, path === '' ? key : `${path}.${key}`, label, data);
    }
}
const FIELD_HINT = 'Each value is one line of text of at most 4 KiB (Vault `data` values may span lines); README § Inputs and outputs lists the limits';
function parseRequest(raw, index, provider) {
    if (!(0,parse/* isRecord */.u4)(raw)) {
        throw (0,parse/* credentialsError */.n7)(`item ${index + 1} is not a mapping`, 'Each item needs `name:` and the fields of the provider');
    }
    const name = parseName(raw.name, index);
    const where = `credential "${name}"`;
    checkKeys(raw, provider, where);
    const request = {
        name,
        ttlSeconds: parseTtl(raw.ttl, where),
    };
    const dataPath = (0,data_path/* parseDataPath */.$U)(raw, where, provider === 'token-exchange' ? 'access_token' : undefined);
    if (dataPath !== undefined)
        request.dataPath = dataPath;
    if (raw.env !== undefined)
        request.env = parseEnv(raw.env, where, provider, dataPath);
    else
        checkDefaultPrefix(name);
    Object.assign(request, PROVIDER_CONFIGS[provider].parseRequest(raw, where));
    return request;
}
const NAME = /^[a-z0-9_-]{1,64}$/;
function parseName(value, index) {
    if (typeof value !== 'string' || value === '') {
        throw (0,parse/* credentialsError */.n7)(`item ${index + 1} has no \`name\``, 'Give each credential a unique name of a-z, 0-9, _ and -');
    }
    if (!NAME.test(value)) {
        throw (0,parse/* credentialsError */.n7)(`item ${index + 1}: name "${(0,parse/* short */.h0)(value)}" is not allowed`, 'Use 1 to 64 of a-z, 0-9, _ and - (lower case)');
    }
    return value;
}
function checkKeys(raw, provider, where) {
    const own = [...COMMON_FIELDS, ...PROVIDER_CONFIGS[provider].fields];
    for (const key of Object.keys(raw)) {
        if (own.includes(key))
            continue;
        const other = PROVIDERS.find((p) => PROVIDER_CONFIGS[p].fields.includes(key));
        if (other === undefined && PROVIDERS.includes(key)) {
            throw (0,parse/* credentialsError */.n7)(`${where} has an unknown field \`${key}\``, `Put the provider's fields directly in the item, not under \`${key}:\` (e.g. \`scope: deploy\`); fields for ${provider}: ${own.join(', ')}`);
        }
        throw (0,parse/* credentialsError */.n7)(other === undefined
            ? `${where} has an unknown field \`${key}\``
            : `${where}: \`${key}\` is a field of provider ${other}, but \`provider\` is ${provider}`, other === undefined
            ? `Fields for ${provider}: ${own.join(', ')}`
            : `Set \`provider: ${other}\`, or remove \`${key}\``);
    }
}
function parseTtl(value, where) {
    if (value === undefined)
        return DEFAULT_TTL_SECONDS;
    const text = typeof value === 'number' ? String(value) : value;
    const hint = 'Use a duration such as 15m or 1h (at most 24h); the gateway may grant less';
    if (typeof text !== 'string')
        throw (0,parse/* credentialsError */.n7)(`${where}: \`ttl\` is not a duration`, hint);
    let ms;
    try {
        ms = (0,parse/* parseDurationMs */.yi)(text, 'ttl');
    }
    catch {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`ttl\` is "${(0,parse/* short */.h0)(text)}", not a duration`, hint);
    }
    const seconds = ms / 1000;
    if (seconds < 1 || seconds > MAX_TTL_SECONDS) {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`ttl\` ${(0,parse/* short */.h0)(text)} is out of range`, hint);
    }
    return seconds;
}
// Names a child process or the runner gives meaning to: a credential there
// could hijack the script (PATH, LD_PRELOAD, BASH_ENV) or the runner.
const RESERVED_NAMES = new Set([
    'PATH',
    'HOME',
    'SHELL',
    'USER',
    'LOGNAME',
    'PWD',
    'OLDPWD',
    'TMPDIR',
    'IFS',
    'ENV',
    'BASH_ENV',
    'SHELLOPTS',
    'BASHOPTS',
    'PS4',
    'PROMPT_COMMAND',
    'CDPATH',
    'GLOBIGNORE',
    'NODE_OPTIONS',
    'NODE_PATH',
    'NODE_EXTRA_CA_CERTS',
    'PYTHONPATH',
    'PYTHONHOME',
    'PYTHONSTARTUP',
    'PERL5LIB',
    'PERL5OPT',
    'PERLLIB',
    'RUBYOPT',
    'RUBYLIB',
    'JAVA_TOOL_OPTIONS',
    '_JAVA_OPTIONS',
    'GIT_ASKPASS',
    'GIT_SSH',
    'GIT_SSH_COMMAND',
    'SSH_ASKPASS',
    'CI',
    'COMSPEC',
    'PATHEXT',
    'SYSTEMROOT',
]);
const RESERVED_PREFIXES = [
    'LD_',
    'DYLD_',
    'GITHUB_',
    'RUNNER_',
    'ACTIONS_',
    'INPUT_',
    'STATE_',
    'GATEPASS_',
    'BASH_FUNC_',
    'GIT_CONFIG_',
    'CI_',
];
/** Why `name` cannot hold a credential, or undefined when it can. */
function envNameProblem(name) {
    if (!parse/* VARIABLE_NAME */.nN.test(name))
        return 'is not a valid variable name (letters, digits, _; not starting with a digit)';
    // Windows compares names without case; refuse `Path` as well as `PATH`.
    const upper = name.toUpperCase();
    if (RESERVED_NAMES.has(upper))
        return 'is reserved: the shell, the runner or a tool reads it';
    const prefix = RESERVED_PREFIXES.find((p) => upper.startsWith(p));
    if (prefix !== undefined)
        return `is reserved: names starting with ${prefix} belong to the runner or a tool`;
    return undefined;
}
function parseEnv(value, where, provider, dataPath) {
    if (!(0,parse/* isRecord */.u4)(value) || Object.keys(value).length === 0) {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`env\` must map variable names to fields`, 'e.g. `env: { DEPLOY_TOKEN: access_token }`');
    }
    const env = {};
    for (const [name, field] of Object.entries(value)) {
        const problem = envNameProblem(name);
        if (problem !== undefined) {
            throw (0,parse/* credentialsError */.n7)(`${where}: env name ${name} ${problem}`, 'Pick another name, e.g. DEPLOY_TOKEN');
        }
        if (typeof field !== 'string' || field === '') {
            throw (0,parse/* credentialsError */.n7)(`${where}: env ${name} must name a field of the credential`, 'e.g. `DEPLOY_TOKEN: access_token`');
        }
        if (dataPath !== undefined) {
            checkEndpointField(field, `${where}: env ${name}`, dataPath);
            env[name] = field;
            continue;
        }
        const known = PROVIDER_CONFIGS[provider].credentialFields;
        const meant = misspelled(field, known);
        if (meant !== undefined) {
            throw (0,parse/* credentialsError */.n7)(`${where}: env ${name} names field "${field}"; did you mean "${meant}"?`, `Token responses hold ${known.join(', ')}, and whatever members the server adds`);
        }
        env[name] = field;
    }
    return env;
}
/** With `proxy:`, `env` names the endpoint's fields: the job never gets the credential's. */
function checkEndpointField(field, where, dataPath) {
    const fields = data_path/* ENDPOINT_FIELDS */.cv[dataPath.kind];
    if (fields.includes(field))
        return;
    const meant = fields.find((f) => (0,suggest/* editDistance */.Y)(field.toLowerCase(), f) <= 2);
    throw (0,parse/* credentialsError */.n7)(`${where} names "${field}"${meant === undefined ? '' : `; did you mean "${meant}"?`}`, `With \`proxy: ${dataPath.kind}\`, env names fields of the loopback endpoint: ${fields.join(', ')}`);
}
/** The standard field `field` is a typo of (1 or 2 edits away, not equal), if any. */
function misspelled(field, known) {
    if (known.includes(field))
        return undefined;
    return known.find((name) => (0,suggest/* editDistance */.Y)(field.toLowerCase(), name) <= 2);
}
/** Without `env`, fields become `<NAME>_<FIELD>`: the prefix must make valid names. */
function defaultPrefix(name) {
    return name.toUpperCase().replace(/-/g, '_');
}
function checkDefaultPrefix(name) {
    const problem = envNameProblem(`${defaultPrefix(name)}_X`);
    if (problem !== undefined) {
        throw (0,parse/* credentialsError */.n7)(`credential "${name}" has no \`env\`, and ${defaultPrefix(name)}_<FIELD> ${problem}`, 'Add `env:` mapping variable names to fields, or rename the credential');
    }
}
function duplicates(requests) {
    const problems = [];
    const names = new Set();
    const variables = new Map();
    for (const request of requests) {
        if (names.has(request.name)) {
            problems.push((0,parse/* credentialsError */.n7)(`name "${request.name}" is used twice`, 'Give each credential a unique name'));
        }
        names.add(request.name);
        for (const variable of Object.keys(request.env ?? {})) {
            const owner = variables.get(variable.toUpperCase());
            if (owner !== undefined) {
                problems.push((0,parse/* credentialsError */.n7)(`env ${variable} is set by both "${owner}" and "${request.name}"`, 'Give each variable one source'));
            }
            variables.set(variable.toUpperCase(), request.name);
        }
    }
    return problems;
}

// EXTERNAL MODULE: ./src/config/defaults.ts
var defaults = __webpack_require__(1954);
;// CONCATENATED MODULE: ./src/config/config.ts
/**
 * One typed, validated RunConfig from the inputs of a step (`INPUT_*` on
 * GitHub, flags or `GATEPASS_*` for the CLI). Pure: it only reads the values
 * `getInput` returns, so the action and the CLI share every rule, and every
 * configuration error is found before the first network call.
 *
 * All problems are collected, not just the first, so a user fixes a workflow
 * in one round instead of one failed run per typo. Messages name the input and
 * the fix, never a value of a secret input.
 */









/** The approval source when `approval-source` is empty. */
const DEFAULT_SOURCE = {
    github: 'github-pr',
    gitlab: 'gitlab-notes',
    local: 'gateway',
};
const APPROVAL_SOURCES = [
    'github-pr',
    'gitlab-notes',
    'gitlab-mr-approvals',
    'gateway',
];
/** Every input the action declares, for the CLI's flags and for tests. */
const INPUT_NAMES = [
    'gateway',
    'provider',
    'audience',
    'credentials',
    'run',
    'shell',
    'working-directory',
    'export',
    'approvals',
    'approvers',
    'approval-timeout',
    'allow-self-approval',
    'approval-source',
    'github-token',
    'timeout',
    'revoke',
    'revoke-timeout',
    'mask-detectors',
    'client-id',
    'client-secret',
    'client-auth',
    'subject-token-type',
    'subject-issuer',
    'token-endpoint',
    'revocation-endpoint',
    'ttl-parameter',
    'vault-role',
    'vault-auth-path',
    'vault-namespace',
    'hoop-api-key',
    'hoop-token-exchange-url',
    'hoop-token-audience',
    'hoop-token-scope',
    'hoop-host',
    'id-token-variable',
    'ca-certificate',
];
/**
 * Parses the inputs; reports every problem as its own line (`::error::` on
 * GitHub) and returns undefined when there was any. Entries call it: the
 * flow receives a parsed configuration and never reads an input itself.
 */
function loadConfig(getInput, options, report) {
    try {
        return parseConfig(getInput, options);
    }
    catch (err) {
        const problems = err instanceof parse/* ConfigError */.xL ? err.problems : [err];
        for (const problem of problems)
            report((0,errors/* describeError */.Uc)(problem));
        return undefined;
    }
}
/** The secret settings, to be masked from the start (they are never echoed anyway). */
function secretSettings(config) {
    const provider = providerConfig(config.provider.name).secrets(config.provider);
    return [...provider, config.githubToken, config.gitlabToken].filter((value) => value !== undefined && value !== '');
}
function parseConfig(getInput, options = {}) {
    // Hard limits first: a value over its cap or with a control character is
    // reported alone, so that no other message can echo any of it.
    const limits = [
        ...(0,config_limits/* inputLimitProblems */.Wv)(getInput, INPUT_NAMES),
        ...(0,config_limits/* inputLimitProblems */.Wv)((name) => options.env?.[name] ?? '', ['GATEPASS_GITLAB_TOKEN']),
    ];
    if (limits.length > 0)
        throw new parse/* ConfigError */.xL(limits);
    const platform = options.platform ?? 'github';
    const problems = [];
    const input = (name) => getInput(name).trim();
    const check = (fn, fallback) => {
        try {
            return fn();
        }
        catch (err) {
            if (err instanceof parse/* ConfigError */.xL)
                problems.push(...err.problems);
            else if (err instanceof errors/* GatepassError */.J9)
                problems.push(err);
            else
                throw err;
            return fallback;
        }
    };
    const gateway = check(() => parseGateway(input('gateway')), '');
    const parsedProvider = check(() => oneOf(input('provider') || 'token-exchange', PROVIDERS, 'provider'), undefined);
    const name = parsedProvider ?? 'token-exchange';
    const provider = check(() => parseProvider(name, { input, gateway }), undefined);
    const audience = input('audience') || gateway;
    // Fields depend on the provider: with an unknown one, checking them only adds noise.
    const credentials = parsedProvider === undefined
        ? []
        : check(() => parseCredentials(getInput('credentials'), name), []);
    const runScript = getInput('run');
    const config = {
        gateway,
        // Only read when there was no problem: then the provider parsed.
        provider: provider ?? PROVIDER_CONFIGS['token-exchange'].parseSettings({ input, gateway }),
        audience,
        credentials,
        run: runScript.trim() === '' ? undefined : runScript,
        shell: check(() => parseShell(input('shell') || 'bash'), BASH),
        workingDirectory: input('working-directory') || undefined,
        export: check(() => oneOf(input('export') || 'none', ['none', 'env'], 'export'), 'none'),
        approvals: {
            required: check(() => parseCount(input('approvals') || '0', 'approvals'), 0),
            approvers: splitList(getInput('approvers')),
            // Fallbacks are the defaults: an unparsable value is one problem, not two.
            timeoutMs: check(() => (0,parse/* parseDurationMs */.yi)(input('approval-timeout') || '30m', 'approval-timeout'), 30 * 60_000),
            allowSelfApproval: check(() => parseBoolean(input('allow-self-approval'), 'allow-self-approval', false), false),
            source: check(() => optionalOneOf(input('approval-source'), APPROVAL_SOURCES, 'approval-source') ??
                DEFAULT_SOURCE[platform], DEFAULT_SOURCE[platform]),
        },
        githubToken: input('github-token') || undefined,
        gitlabToken: undefined,
        timeoutMs: check(() => (0,parse/* parseDurationMs */.yi)(input('timeout') || '2m', 'timeout'), 2 * 60_000),
        revoke: check(() => parseBoolean(input('revoke'), 'revoke', true), true),
        revokeTimeoutMs: check(() => (0,parse/* parseDurationMs */.yi)(input('revoke-timeout') || '30s', 'revoke-timeout'), defaults/* DEFAULT_REVOKE_TIMEOUT_MS */._),
        maskDetectors: check(() => parseBoolean(input('mask-detectors'), 'mask-detectors', true), true),
        idTokenVariable: check(() => parseVariableName(input('id-token-variable') || 'GATEPASS_ID_TOKEN'), ''),
        caCertificate: check(() => parseCertificate(input('ca-certificate')), undefined),
    };
    if (config.approvals.source.startsWith('gitlab-')) {
        config.gitlabToken = options.env?.GATEPASS_GITLAB_TOKEN?.trim() || undefined;
    }
    check(() => {
        crossChecks(config);
    }, undefined);
    check(() => {
        approvalChecks(config, platform);
    }, undefined);
    if (problems.length > 0)
        throw new parse/* ConfigError */.xL(problems);
    return config;
}
/**
 * The chosen provider's own inputs, after a check that no other provider's
 * are set: `vault-role` with the default provider is a forgotten
 * `provider: vault`, not something to ignore.
 */
function parseProvider(name, read) {
    for (const other of PROVIDERS) {
        if (other === name)
            continue;
        const stray = PROVIDER_CONFIGS[other].ownInputs.find((input) => read.input(input) !== '');
        if (stray !== undefined) {
            throw (0,parse/* inputError */.Xu)(stray, `is only for \`provider: ${other}\``, `Remove it, or set \`provider: ${other}\``);
        }
    }
    return PROVIDER_CONFIGS[name].parseSettings(read);
}
function crossChecks(config) {
    if (config.approvals.required > 0 && config.approvals.timeoutMs === 0) {
        throw (0,parse/* inputError */.Xu)('approval-timeout', 'must be longer than 0 when `approvals` is set', 'Use a duration such as `30m`');
    }
    if (config.timeoutMs === 0) {
        throw (0,parse/* inputError */.Xu)('timeout', 'must be longer than 0', 'Use a duration such as `2m`');
    }
}
/** The approval source must exist where the step runs, with the token it needs. */
function approvalChecks(config, platform) {
    const { required, source } = config.approvals;
    if (source === 'gateway') {
        gatewayApprovalChecks(config);
        return;
    }
    if (required === 0)
        return;
    const home = source === 'github-pr' ? 'github' : 'gitlab';
    if (home !== platform) {
        throw (0,parse/* inputError */.Xu)('approval-source', `\`${source}\` works only in ${home === 'github' ? 'GitHub Actions' : 'GitLab CI'}, not here (${platform})`, `Use \`${DEFAULT_SOURCE[platform]}\` (the default here) or \`gateway\``);
    }
    if (source === 'github-pr' && config.githubToken === undefined) {
        throw (0,parse/* inputError */.Xu)('github-token', 'is empty, and `approvals` needs it to post and read the request comment', 'Leave `github-token` at its default (`${{ github.token }}`) or pass a token that may comment');
    }
    if (home === 'gitlab' && config.gitlabToken === undefined) {
        throw new errors/* GatepassError */.J9('INPUT', `\`approval-source: ${source}\` needs GATEPASS_GITLAB_TOKEN, which is not set`, {
            hint: 'Set GATEPASS_GITLAB_TOKEN (a masked CI/CD variable) to an access token with the `api` scope and at least the Reporter role',
        });
    }
}
/**
 * With `approval-source: gateway` the gateway decides who approves and how
 * many: a count or a list here would be silently ignored, so both are errors.
 * `approvals: 1` means "a human at the gateway" (see requireGatewayReview).
 */
function gatewayApprovalChecks(config) {
    const { required, approvers } = config.approvals;
    if (required > 1) {
        throw (0,parse/* inputError */.Xu)('approvals', `is ${required}, but with \`approval-source: gateway\` the gateway counts the approvers, not gatepass`, "Set `approvals: 1` and require the reviewers in the gateway's own policy (hoop review groups, the token-exchange server's rules), or count them here with `approval-source: github-pr`, `gitlab-notes` or `gitlab-mr-approvals`");
    }
    if (approvers.length > 0) {
        throw (0,parse/* inputError */.Xu)('approvers', 'has no effect with `approval-source: gateway`: the gateway decides who may approve', "Name the approvers in the gateway's policy and remove `approvers`, or use a platform approval source");
    }
}
/** `ca-certificate`: one or more PEM certificates, or nothing. */
function parseCertificate(value) {
    if (value === '')
        return undefined;
    if (/^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+?\n-----END CERTIFICATE-----/.test(value)) {
        return `${value}\n`;
    }
    throw (0,parse/* inputError */.Xu)('ca-certificate', 'is not a PEM certificate', 'Pass the CA certificate itself (-----BEGIN CERTIFICATE----- …), not a path or base64 of it');
}
function parseGateway(value) {
    if (value === '') {
        throw (0,parse/* inputError */.Xu)('gateway', 'is required', "Set `gateway` to the gateway's base URL, e.g. https://gateway.example.com");
    }
    return (0,parse/* parseUrl */.Dl)(value, 'gateway');
}
function oneOf(value, allowed, input) {
    if (allowed.includes(value))
        return value;
    throw (0,parse/* inputError */.Xu)(input, `is "${(0,parse/* short */.h0)(value)}"`, `Use one of: ${allowed.join(', ')}`);
}
function optionalOneOf(value, allowed, input) {
    return value === '' ? undefined : oneOf(value, allowed, input);
}
/** YAML 1.2 core booleans, as `core.getBooleanInput` accepts them. */
function parseBoolean(value, input, fallback) {
    if (value === '')
        return fallback;
    if (['true', 'True', 'TRUE'].includes(value))
        return true;
    if (['false', 'False', 'FALSE'].includes(value))
        return false;
    throw (0,parse/* inputError */.Xu)(input, `is "${(0,parse/* short */.h0)(value)}", not a boolean`, 'Use true or false');
}
function parseCount(value, input) {
    if (!/^\d{1,3}$/.test(value)) {
        throw (0,parse/* inputError */.Xu)(input, `is "${(0,parse/* short */.h0)(value)}", not a whole number`, 'Use 0 (no approval) or the number of approvers needed, e.g. 1');
    }
    return Number(value);
}
/** Comma- or newline-separated, blanks dropped. */
function splitList(value) {
    return value
        .split(/[\n,]/)
        .map((item) => item.trim())
        .filter((item) => item !== '');
}
const BASH = {
    name: 'bash',
    program: 'bash',
    args: ['--noprofile', '--norc', '-eo', 'pipefail', '{0}'],
    extension: '.sh',
};
/** The shells GitHub's `run:` steps know, with the same arguments. */
const SHELLS = {
    bash: BASH,
    sh: { name: 'sh', program: 'sh', args: ['-e', '{0}'], extension: '.sh' },
    pwsh: { name: 'pwsh', program: 'pwsh', args: ['-command', ". '{0}'"], extension: '.ps1' },
    powershell: {
        name: 'powershell',
        program: 'powershell',
        args: ['-command', ". '{0}'"],
        extension: '.ps1',
    },
    python: { name: 'python', program: 'python', args: ['{0}'], extension: '.py' },
    cmd: {
        name: 'cmd',
        program: 'cmd',
        args: ['/D', '/E:ON', '/V:OFF', '/S', '/C', 'CALL "{0}"'],
        extension: '.cmd',
    },
};
/** A known shell name, or a command line with `{0}` where the script file goes (`perl {0}`). */
function parseShell(value) {
    const known = SHELLS[value];
    if (known !== undefined)
        return known;
    const words = value.split(/\s+/).filter((w) => w !== '');
    const [program, ...args] = words;
    if (program === undefined || !args.some((arg) => arg.includes('{0}'))) {
        throw (0,parse/* inputError */.Xu)('shell', `is "${(0,parse/* short */.h0)(value)}": not a known shell and has no {0}`, `Use ${Object.keys(SHELLS).join(', ')}, or a command with {0} for the script file, e.g. \`perl {0}\``);
    }
    return { name: value, program, args, extension: '' };
}
function parseVariableName(value) {
    if (parse/* VARIABLE_NAME */.nN.test(value))
        return value;
    throw (0,parse/* inputError */.Xu)('id-token-variable', `is "${(0,parse/* short */.h0)(value)}", not a variable name`, 'Use letters, digits and underscores, e.g. GATEPASS_ID_TOKEN');
}


/***/ }),

/***/ 5542:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  L6: () => (/* binding */ DATA_PATH_FIELDS),
  cv: () => (/* binding */ ENDPOINT_FIELDS),
  hl: () => (/* binding */ defaultSslMode),
  pK: () => (/* binding */ fillHeader),
  $U: () => (/* binding */ parseDataPath)
});

// UNUSED EXPORTS: DATA_PATH_KINDS, SSL_MODES

// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/common/suggest.ts
var suggest = __webpack_require__(8687);
// EXTERNAL MODULE: ./src/guardrails/defaults.ts
var guardrails_defaults = __webpack_require__(2766);
// EXTERNAL MODULE: ./src/guardrails/kinds.ts
var guardrails_kinds = __webpack_require__(1361);
// EXTERNAL MODULE: ./src/guardrails/glob.ts
var guardrails_glob = __webpack_require__(8490);
;// CONCATENATED MODULE: ./src/guardrails/rules.ts
/**
 * The `guardrails` mapping of a credential request (docs/guardrails.md), as
 * YAML parsed it, validated into the ordered list of rules evaluate.ts runs:
 * the user's rules first, then the built-in ones they do not replace. Errors
 * are one line that names the field and the fix.
 */





const ACTIONS = ['deny', 'review', 'allow'];
const MAX_RULES = 200;
const MAX_LIST = 100;
const MAX_PATTERN = 256;
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SQL_CONDITIONS = ['statements', 'tables', 'functions', 'without-where', 'unanalysable'];
const HTTP_CONDITIONS = ['methods', 'paths'];
const HTTP_METHODS = [
    'GET',
    'HEAD',
    'POST',
    'PUT',
    'PATCH',
    'DELETE',
    'OPTIONS',
    'TRACE',
    'CONNECT',
    'PROPFIND',
    'PROPPATCH',
    'MKCOL',
    'COPY',
    'MOVE',
    'LOCK',
    'UNLOCK',
    'SEARCH',
    'QUERY',
];
function problem(field, what, hint) {
    return new errors/* GatepassError */.J9('INPUT', `\`${field}\` ${what}`, { hint });
}
/** A value as quoted in a message: at most 64 characters. */
function quote(value) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return `"${text.length > 64 ? `${text.slice(0, 64)}…` : text}"`;
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** `guardrails` of a PostgreSQL credential; `where` names it in messages. */
function parseSqlGuardrails(options) {
    const where = options.where ?? 'guardrails';
    const { defaults, rules } = parseTop(options.value, where);
    const parsed = rules.map((raw, i) => parseSqlRule(raw, `${where}.rules[${i}]`));
    return { rules: merge(parsed, defaults ? guardrails_defaults/* SQL_DEFAULTS */.e$ : [], guardrails_defaults/* SQL_DEFAULTS */.e$) };
}
/** `guardrails` of an HTTP credential. */
function parseHttpGuardrails(options) {
    const where = options.where ?? 'guardrails';
    const { defaults, rules } = parseTop(options.value, where);
    const parsed = rules.map((raw, i) => parseHttpRule(raw, `${where}.rules[${i}]`));
    return { rules: merge(parsed, defaults ? guardrails_defaults/* HTTP_DEFAULTS */.uA : [], guardrails_defaults/* HTTP_DEFAULTS */.uA) };
}
/** The built-in rules alone: what a credential without `guardrails` gets. */
const DEFAULT_SQL_GUARDRAILS = { rules: guardrails_defaults/* SQL_DEFAULTS */.e$ };
const DEFAULT_HTTP_GUARDRAILS = { rules: guardrails_defaults/* HTTP_DEFAULTS */.uA };
function parseTop(value, where) {
    if (value === undefined || value === null)
        return { defaults: true, rules: [] };
    if (!isRecord(value)) {
        throw problem(where, 'must be a mapping', 'Write guardrails: { defaults: true, rules: [...] }');
    }
    checkKeys(value, where, ['defaults', 'rules'], []);
    const defaults = value['defaults'] ?? true;
    if (typeof defaults !== 'boolean') {
        throw problem(`${where}.defaults`, `is ${quote(defaults)}, not true or false`, 'Write defaults: false to leave the built-in rules out, or remove it');
    }
    const rules = value['rules'] ?? [];
    if (!Array.isArray(rules)) {
        throw problem(`${where}.rules`, 'must be a list', 'Write rules: [{ name: ..., action: ... }]');
    }
    if (rules.length > MAX_RULES) {
        throw problem(`${where}.rules`, `has ${rules.length} rules, more than ${MAX_RULES}`, 'Merge rules: one rule takes lists of statements, tables and functions');
    }
    const seen = new Set();
    rules.forEach((rule, i) => {
        const name = isRecord(rule) ? rule['name'] : undefined;
        if (typeof name !== 'string')
            return;
        if (seen.has(name)) {
            throw problem(`${where}.rules[${i}].name`, `${quote(name)} is used twice`, 'Rename one');
        }
        seen.add(name);
    });
    return { defaults, rules };
}
/**
 * User rules first, in their order; then the defaults whose names no user
 * rule took. A user rule named like a built-in one and without conditions of
 * its own keeps the built-in's conditions: `{ name: no-truncate, action:
 * allow }` allows TRUNCATE, not everything.
 */
function merge(rules, defaults, builtIns) {
    const byName = new Map(builtIns.map((rule) => [rule.name, rule]));
    const taken = new Set(rules.map((rule) => rule.name));
    const own = rules.map((rule) => {
        const builtIn = byName.get(rule.name);
        return builtIn !== undefined && !hasConditions(rule)
            ? { ...builtIn, action: rule.action, builtIn: false }
            : rule;
    });
    return [...own, ...defaults.filter((rule) => !taken.has(rule.name))];
}
function hasConditions(rule) {
    return Object.keys(rule).some((key) => !['name', 'action', 'builtIn'].includes(key));
}
function checkKeys(raw, where, known, otherProtocol) {
    for (const key of Object.keys(raw)) {
        if (known.includes(key))
            continue;
        if (otherProtocol.includes(key)) {
            const sql = SQL_CONDITIONS.includes(key);
            throw problem(`${where}.${key}`, `is for ${sql ? 'PostgreSQL' : 'HTTP'} credentials`, `Use ${known.filter((k) => k !== 'name' && k !== 'action').join(', ')} here`);
        }
        const guess = (0,suggest/* closest */.k)(key, known);
        throw problem(where, `has an unknown key ${quote(key)}`, guess === undefined ? `Use ${known.join(', ')}` : `Did you mean \`${guess}\`?`);
    }
}
function parseBase(raw, where, conditions, other) {
    if (!isRecord(raw)) {
        throw problem(where, 'must be a mapping', 'Write - { name: no-drop, action: deny, ... }');
    }
    checkKeys(raw, where, ['name', 'action', ...conditions], other);
    return raw;
}
function parseName(raw, where) {
    const name = raw['name'];
    if (name === undefined || name === null) {
        throw problem(where, 'needs a `name`', 'Add name: with a unique name, e.g. name: no-drop-users');
    }
    if (name === guardrails_defaults/* UNPARSEABLE */.$B || name === guardrails_defaults/* MALFORMED_PATH */.iQ) {
        throw problem(`${where}.name`, `${quote(name)} is reserved`, 'gatepass denies what it cannot read under this name; choose another');
    }
    if (typeof name !== 'string' || !NAME.test(name)) {
        throw problem(`${where}.name`, `${quote(name)} is not a rule name`, 'Use 1 to 64 lowercase letters, digits and dashes, e.g. no-drop-users');
    }
    return name;
}
function parseAction(raw, where) {
    const action = raw['action'];
    if (action === undefined || action === null) {
        throw problem(where, 'needs an `action`', 'Add action: deny, review or allow');
    }
    const found = ACTIONS.find((a) => a === action);
    if (found !== undefined)
        return found;
    const guess = typeof action === 'string' ? (0,suggest/* closest */.k)(action.toLowerCase(), ACTIONS) : undefined;
    throw problem(`${where}.action`, `is ${quote(action)}, not deny, review or allow`, guess === undefined ? 'Use deny, review or allow' : `Did you mean ${guess}?`);
}
/** A list of non-empty strings (a lone string counts as a list of one). */
function stringList(raw, key, where, example) {
    const value = raw[key];
    if (value === undefined || value === null)
        return undefined;
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || !list.every((v) => typeof v === 'string' && v.trim() !== '')) {
        throw problem(`${where}.${key}`, 'must be a list of non-empty strings', `Write ${example}`);
    }
    if (list.length > MAX_LIST) {
        throw problem(`${where}.${key}`, `has more than ${MAX_LIST} entries`, 'Use globs (*)');
    }
    return list.map((v) => v.trim());
}
function trueFlag(raw, key, where) {
    const value = raw[key];
    if (value === undefined || value === null || value === false)
        return undefined;
    if (value === true)
        return true;
    throw problem(`${where}.${key}`, `is ${quote(value)}, not true`, `Write ${key}: true`);
}
function parseSqlRule(value, where) {
    const raw = parseBase(value, where, SQL_CONDITIONS, HTTP_CONDITIONS);
    const statements = stringList(raw, 'statements', where, 'statements: [DROP TABLE, TRUNCATE]');
    const tables = stringList(raw, 'tables', where, 'tables: [public.users, audit.*]');
    const functions = stringList(raw, 'functions', where, 'functions: [pg_read_file]');
    const withoutWhere = trueFlag(raw, 'without-where', where);
    const unanalysable = trueFlag(raw, 'unanalysable', where);
    return {
        name: parseName(raw, where),
        action: parseAction(raw, where),
        builtIn: false,
        ...(statements === undefined ? {} : { statements: parseKinds(statements, where) }),
        ...(tables === undefined ? {} : { tables: tables.map((t, i) => nameGlob(t, where, i)) }),
        ...(functions === undefined
            ? {}
            : { functions: functions.map((f, i) => nameGlob(f, where, i, 'functions')) }),
        ...(withoutWhere === undefined ? {} : { withoutWhere }),
        ...(unanalysable === undefined ? {} : { unanalysable }),
    };
}
/** Kinds as SQL writes them, any case and spacing; a glob must match a known kind. */
function parseKinds(kinds, where) {
    return kinds.flatMap((written, i) => {
        const kind = written.toUpperCase().replace(/\s+/g, ' ');
        const alias = guardrails_kinds/* KIND_ALIASES */.U9[kind];
        if (alias !== undefined)
            return [...alias];
        const glob = (0,guardrails_glob/* kindGlob */.Bs)(kind);
        if ([...guardrails_kinds/* KNOWN_KINDS */.KO].some((known) => glob.test(known)))
            return [kind];
        const guess = (0,suggest/* closest */.k)(kind, [...guardrails_kinds/* KNOWN_KINDS */.KO, ...Object.keys(guardrails_kinds/* KIND_ALIASES */.U9)]);
        throw problem(`${where}.statements[${i}]`, `${quote(written)} is not a statement kind`, guess === undefined
            ? 'docs/guardrails.md § Statement kinds lists them'
            : `Did you mean ${guess}?`);
    });
}
/** `schema.name`, `name`, with `*`; no spaces or quotes (names are compared as stored). */
function nameGlob(pattern, where, i, key = 'tables') {
    const parts = pattern.split('.');
    if (pattern.length > MAX_PATTERN ||
        parts.length > 2 ||
        parts.some((part) => part === '') ||
        /[\s"]/.test(pattern)) {
        throw problem(`${where}.${key}[${i}]`, `${quote(pattern)} is not a name pattern`, key === 'tables'
            ? 'Write schema.table or table, with * for any part, e.g. audit.* (no quotes)'
            : 'Write a function name, optionally schema.name, with * for any part, e.g. lo_*');
    }
    return pattern;
}
function parseHttpRule(value, where) {
    const raw = parseBase(value, where, HTTP_CONDITIONS, SQL_CONDITIONS);
    const methods = stringList(raw, 'methods', where, 'methods: [DELETE, PUT]');
    const paths = stringList(raw, 'paths', where, "paths: ['/v1/admin/**']");
    return {
        name: parseName(raw, where),
        action: parseAction(raw, where),
        builtIn: false,
        ...(methods === undefined
            ? {}
            : { methods: methods.map((m, i) => parseMethod(m, `${where}.methods[${i}]`)) }),
        ...(paths === undefined
            ? {}
            : { paths: paths.map((p, i) => parsePathPattern(p, `${where}.paths[${i}]`)) }),
    };
}
function parseMethod(written, where) {
    const method = written.toUpperCase();
    if (HTTP_METHODS.includes(method))
        return method;
    const guess = (0,suggest/* closest */.k)(method, HTTP_METHODS);
    throw problem(where, `${quote(written)} is not an HTTP method`, guess === undefined ? `Use one of ${HTTP_METHODS.join(', ')}` : `Did you mean ${guess}?`);
}
/** Decoded paths from the root: `/v1/*` one segment, `/v1/**` any depth; no query, no escapes. */
function parsePathPattern(pattern, where) {
    const bad = !pattern.startsWith('/') ||
        pattern.length > MAX_PATTERN ||
        /[?#%\\\s]/.test(pattern) ||
        pattern.split('/').some((s) => s.includes('**') && s !== '**') ||
        pattern.split('/').some((s) => s === '.' || s === '..');
    if (bad) {
        throw problem(where, `${quote(pattern)} is not a path pattern`, "Write a decoded path from /, with * inside a segment and ** as a whole segment, e.g. '/v1/admin/**'");
    }
    return pattern;
}

// EXTERNAL MODULE: ./src/config/parse.ts
var parse = __webpack_require__(8353);
// EXTERNAL MODULE: ./src/config/limits.ts + 1 modules
var limits = __webpack_require__(3664);
;// CONCATENATED MODULE: ./src/config/data-path.ts
/**
 * The data-path fields of one `credentials` item: `proxy: postgres | http`
 * puts gatepass between the job and the upstream, so the job gets a loopback
 * endpoint (its `env` names the endpoint's fields) and never the credential.
 * Everything is checked here, before the first network call.
 */




const DATA_PATH_FIELDS = ['proxy', 'upstream', 'header', 'guardrails'];
const DATA_PATH_KINDS = ['postgres', 'http'];
/** libpq's `sslmode` values (allow is left out: it tries plain text first). */
const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'];
/** What the job's `env` may name for each kind: the endpoint's fields, not the credential's. */
const ENDPOINT_FIELDS = {
    postgres: ['url', 'host', 'port', 'database', 'username', 'password'],
    http: ['url'],
};
/** The data-path part of one item, or undefined without `proxy`. */
function parseDataPath(raw, where, defaultTokenField) {
    const kind = raw.proxy;
    if (kind === undefined || kind === null) {
        const stray = DATA_PATH_FIELDS.find((f) => f !== 'proxy' && raw[f] !== undefined);
        if (stray !== undefined) {
            throw (0,parse/* credentialsError */.n7)(`${where}: \`${stray}\` is only for a data path`, 'Add `proxy: postgres` or `proxy: http`, or remove it');
        }
        return undefined;
    }
    if (typeof kind !== 'string' || !DATA_PATH_KINDS.includes(kind)) {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`proxy\` is ${typeof kind === 'string' ? `"${(0,parse/* short */.h0)(kind)}"` : 'not a name'}`, 'Use `proxy: postgres` (a loopback PostgreSQL endpoint) or `proxy: http` (a loopback API endpoint)');
    }
    const rules = { value: raw.guardrails, where: `${where}: \`guardrails\`` };
    if (kind === 'postgres') {
        if (raw.header !== undefined) {
            throw (0,parse/* credentialsError */.n7)(`${where}: \`header\` is only for \`proxy: http\``, 'A PostgreSQL data path logs in with the credential itself; remove `header`');
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
function parsePostgresUpstream(value, where) {
    const hint = 'e.g. `upstream: postgresql://db.internal:5432/app?sslmode=verify-full` (no user or password: the credential has them)';
    if (value === undefined || value === null)
        return {};
    if (typeof value !== 'string')
        throw (0,parse/* credentialsError */.n7)(`${where}: \`upstream\` is not a URL`, hint);
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`upstream\` is not a URL`, hint);
    }
    if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`upstream\` must be a postgresql:// URL`, hint);
    }
    if (url.username !== '' || url.password !== '') {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`upstream\` must not hold a user or password`, hint);
    }
    const unknown = [...url.searchParams.keys()].find((k) => k !== 'sslmode');
    if (unknown !== undefined) {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`upstream\` has the parameter \`${(0,parse/* short */.h0)(unknown)}\``, 'Only `sslmode` is read; the CA comes from `ca-certificate` or NODE_EXTRA_CA_CERTS');
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
function parseSslMode(value, where) {
    if (value === null)
        return undefined;
    if (SSL_MODES.includes(value))
        return value;
    throw (0,parse/* credentialsError */.n7)(`${where}: \`upstream\` has sslmode "${(0,parse/* short */.h0)(value)}"`, `Use one of ${SSL_MODES.join(', ')}`);
}
/**
 * Unlike libpq (`prefer`), the default verifies the server: gatepass holds
 * the credential and carries the job's data, so it must know whom it talks
 * to. A loopback server (a local test cluster) defaults to `prefer`.
 */
function defaultSslMode(host) {
    const url = new URL(`postgresql://${host.includes(':') ? `[${host}]` : host}`);
    return (0,limits/* isLoopback */.U9)(url) ? 'prefer' : 'verify-full';
}
function parseHttpUpstream(value, where) {
    const hint = 'e.g. `upstream: https://api.example.com/v1` (the API the job talks to)';
    if (typeof value !== 'string' || value === '') {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`proxy: http\` needs \`upstream\``, hint);
    }
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`upstream\` is not an absolute URL`, hint);
    }
    const scheme = (0,limits/* urlSchemeProblem */.Qx)(url);
    if (scheme !== undefined)
        throw (0,parse/* credentialsError */.n7)(`${where}: \`upstream\` ${scheme}`, limits/* URL_SCHEME_HINT */.CQ);
    if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`upstream\` must be a base URL without user, password, query or fragment`, hint);
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
function parseHeader(value, where, defaultTokenField) {
    const hint = 'e.g. `header: "Authorization: Bearer {access_token}"` ({field} is a field of the credential)';
    const text = value === undefined && defaultTokenField !== undefined
        ? `Authorization: Bearer {${defaultTokenField}}`
        : (0,parse/* optionalString */.sx)({ header: value }, 'header', where);
    if (text === undefined || text === '') {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`proxy: http\` needs \`header\``, hint);
    }
    const colon = text.indexOf(':');
    const name = text.slice(0, colon).trim();
    const template = text.slice(colon + 1).trim();
    if (colon < 0 || !HEADER_NAME.test(name)) {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`header\` must be "Name: value"`, hint);
    }
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`header\` may not set ${name}`, 'Use the header the API reads the credential from');
    }
    const fields = [...template.matchAll(FIELD_REFERENCE)].map((m) => m[1] ?? '');
    if (fields.length === 0) {
        throw (0,parse/* credentialsError */.n7)(`${where}: \`header\` names no field of the credential`, hint);
    }
    if (/[\r\n]/.test(template))
        throw (0,parse/* credentialsError */.n7)(`${where}: \`header\` spans lines`, hint);
    return { name, template, fields };
}
/** The header's value with the credential's fields in; throws naming a missing field. */
function fillHeader(header, values, credential) {
    return header.template.replace(FIELD_REFERENCE, (_, field) => {
        const value = values[field];
        if (value === undefined) {
            throw new errors/* GatepassError */.J9('GATEWAY', `credential "${credential}" has no field "${field}" for its header`, {
                hint: `Fields issued: ${Object.keys(values).join(', ') || 'none'}; fix \`header\``,
            });
        }
        return value;
    });
}


/***/ }),

/***/ 1954:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _: () => (/* binding */ DEFAULT_REVOKE_TIMEOUT_MS)
/* harmony export */ });
/**
 * Defaults read by more than the input parser (post reads this one from old
 * state), in a module with no dependencies, so that post's bundle does not
 * carry the YAML parser.
 */
/**
 * `revoke-timeout`'s default: revoking every credential of a step, in
 * parallel, fits well inside GitLab's `after_script` (5 minutes).
 */
const DEFAULT_REVOKE_TIMEOUT_MS = 30_000;


/***/ }),

/***/ 3664:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  b1: () => (/* binding */ LIMITS),
  CQ: () => (/* binding */ URL_SCHEME_HINT),
  dp: () => (/* binding */ byteLength),
  SL: () => (/* binding */ fieldProblem),
  z3: () => (/* binding */ formatBytes),
  Wv: () => (/* binding */ inputLimitProblems),
  U9: () => (/* binding */ isLoopback),
  hN: () => (/* binding */ parseYaml),
  GX: () => (/* binding */ requireSafeUrl),
  Qx: () => (/* binding */ urlSchemeProblem)
});

// UNUSED EXPORTS: YAML_MAX_ALIASES, controlCharacter, inputCap, inputLimitProblem

// EXTERNAL MODULE: external "./yaml.cjs"
var external_yaml_cjs_ = __webpack_require__(8462);
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
;// CONCATENATED MODULE: ./src/config/plain-yaml.ts
/**
 * A reader for the plain shape most `credentials` inputs have, so that the
 * `yaml` package (loading it and a first parse were a sixth of the
 * instructions an action run spent on the way to its command; README §
 * Performance) loads only for text that needs it:
 *
 *     - name: db
 *       path: database/creds/migrator   # comments are fine
 *       env:
 *         PGUSER: username
 *
 * Block mappings, and a list of them; keys of letters, digits, `_` and `-`;
 * values that are plain one-line strings. For such text it returns exactly
 * what `yaml` returns (__tests__/config/plain-yaml.test.ts holds the two to
 * the same answers, text by generated text). Everything else it declines
 * (undefined), and `yaml` reads it: quotes, flow style, anchors, tags, block
 * scalars, lists of scalars, values YAML types (numbers, booleans, null),
 * duplicate keys, tabs, and any indentation it does not expect.
 */
/** Text → data, or undefined: not the plain shape, let `yaml` read it. */
function readPlainYaml(text) {
    const lines = plainLines(text);
    if (lines === undefined || lines.length === 0)
        return undefined;
    const first = lines[0];
    const read = readBlock(lines, 0, first.indent);
    return read !== undefined && read.next === lines.length ? read.value : undefined;
}
/** `key: value`, `key:`, and a list item's first line `- key: value`; a comment may follow. */
const LINE = /^( *)(?:-( +))?([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$/;
/** A value made of these characters, that starts with one of the first set, is one plain string. */
const VALUE = /^[A-Za-z0-9_./][A-Za-z0-9_./:@=+,~%^$ -]*$/;
/** What YAML 1.2's core schema would read as null, a boolean or a number (or might: declined). */
const TYPED = /^(?:~|null|true|false|[-+.]?[0-9][0-9a-fA-FoxX._+-]*|[-+]?\..*)$/i;
function plainLines(text) {
    if (/[^\n\x20-\x7e]/.test(text))
        return undefined;
    const lines = [];
    for (const raw of text.split('\n')) {
        const content = withoutComment(raw).trimEnd();
        if (content === '')
            continue;
        const m = LINE.exec(content);
        if (m === null)
            return undefined;
        const [, spaces = '', gap, key = '', rest] = m;
        if (key === '__proto__' || TYPED.test(key))
            return undefined;
        const value = rest?.trim();
        const plain = value === undefined || (VALUE.test(value) && !TYPED.test(value) && !/: |:$/.test(value));
        if (!plain)
            return undefined;
        const indent = spaces.length;
        lines.push({
            indent,
            column: gap === undefined ? indent : indent + 1 + gap.length,
            item: gap !== undefined,
            key,
            value,
        });
    }
    return lines;
}
/** The line up to its comment: a `#` at its start or after a space (a scan, not a regular expression, to stay linear). */
function withoutComment(line) {
    for (let at = line.indexOf('#'); at >= 0; at = line.indexOf('#', at + 1)) {
        if (at === 0 || line[at - 1] === ' ')
            return line.slice(0, at);
    }
    return line;
}
/** The mapping, or list of mappings, that starts at `lines[at]` at `indent`. */
function readBlock(lines, at, indent) {
    const first = lines[at];
    if (first === undefined || first.indent !== indent)
        return undefined;
    if (!first.item)
        return readMapping(lines, at, indent, false);
    const list = [];
    let next = at;
    while (lines[next]?.indent === indent && lines[next]?.item === true) {
        const item = readMapping(lines, next, lines[next].column, true);
        if (item === undefined)
            return undefined;
        list.push(item.value);
        next = item.next;
    }
    return { value: list, next };
}
/**
 * The mapping whose keys stand at `column`, from `lines[at]` (a list item's
 * first line when `item`) to the first line left of it.
 */
function readMapping(lines, at, column, item) {
    const mapping = {};
    let next = at;
    for (let line = lines[next]; line !== undefined && line.column === column; line = lines[next]) {
        // Only the first line may start the item; a later `- ` is another item or a nested list.
        if (line.item !== (item && next === at))
            break;
        if (Object.hasOwn(mapping, line.key))
            return undefined;
        next += 1;
        if (line.value !== undefined) {
            mapping[line.key] = line.value;
            continue;
        }
        const nested = lines[next];
        // `key:` alone is null to YAML, and a list under a key is not the plain shape.
        if (nested === undefined || nested.indent <= column || nested.item)
            return undefined;
        const block = readMapping(lines, next, nested.indent, false);
        if (block === undefined)
            return undefined;
        mapping[line.key] = block.value;
        next = block.next;
    }
    // A line that no block takes (right of the keys: a continued value, say)
    // stops every block above it too, and readPlainYaml declines the text.
    return { value: mapping, next };
}

;// CONCATENATED MODULE: ./src/config/limits.ts
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
    /** `gateway`, `audience`, `token-endpoint`, `revocation-endpoint`, `hoop-token-exchange-url`, `hoop-token-audience`: browsers' and CDNs' practical URL size. */
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
    /** Names and identifiers: `client-id`, `subject-token-type`, `subject-issuer`, `vault-role`, `vault-auth-path`, `vault-namespace`, `hoop-host`, `shell`. */
    name: KIB,
    /** `ca-certificate`: PEM text, a chain of a few certificates. */
    certificate: 64 * KIB,
    /** Every other input: keywords, numbers, booleans, durations, `id-token-variable`. */
    keyword: 256,
};
const RULES = {
    gateway: { max: LIMITS.url, lines: false },
    audience: { max: LIMITS.url, lines: false },
    'token-endpoint': { max: LIMITS.url, lines: false },
    'revocation-endpoint': { max: LIMITS.url, lines: false },
    'hoop-token-exchange-url': { max: LIMITS.url, lines: false },
    'hoop-token-audience': { max: LIMITS.url, lines: false },
    credentials: { max: LIMITS.credentialsText, lines: true },
    run: { max: LIMITS.run, lines: true },
    approvers: { max: LIMITS.text, lines: true },
    'hoop-token-scope': { max: LIMITS.text, lines: false },
    'hoop-host': { max: LIMITS.name, lines: false },
    'working-directory': { max: LIMITS.text, lines: false },
    'client-secret': { max: LIMITS.secret, lines: false },
    'hoop-api-key': { max: LIMITS.secret, lines: false },
    'github-token': { max: LIMITS.secret, lines: false },
    GATEPASS_GITLAB_TOKEN: { max: LIMITS.secret, lines: false },
    'client-id': { max: LIMITS.name, lines: false },
    'subject-token-type': { max: LIMITS.name, lines: false },
    'subject-issuer': { max: LIMITS.name, lines: false },
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
        return new errors/* GatepassError */.J9('INPUT', `${what} is ${formatBytes(size)}, over the limit of ${formatBytes(rule.max)}`, { hint: 'Shorten it; README § Inputs and outputs lists the limits' });
    }
    const control = controlCharacter(rule.lines ? raw : raw.trim(), rule.lines);
    if (control === undefined)
        return undefined;
    return new errors/* GatepassError */.J9('INPUT', `${what} contains a control character (${control.codePoint}) at character ${control.position}`, {
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
        throw new errors/* GatepassError */.J9('INPUT', `${what} is not an absolute URL`, {
            hint: "Use the gateway's issuer URL, e.g. https://gateway.example.com",
        });
    }
    const problem = urlSchemeProblem(url);
    if (problem === undefined)
        return url;
    throw new errors/* GatepassError */.J9('INPUT', `${what} ${problem}`, { hint: URL_SCHEME_HINT });
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
    // The plain shape needs no YAML parser; `yaml` loads only for anything else.
    const plain = readPlainYaml(text);
    if (plain !== undefined)
        return plain;
    const lineCounter = new external_yaml_cjs_.LineCounter();
    const doc = (0,external_yaml_cjs_.parseDocument)(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
    const error = doc.errors[0];
    if (error !== undefined) {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        const reason = source.reason === true ? `: ${error.message.split(/[\r\n]/)[0] ?? ''}` : '';
        const where = source.lineOnly === true ? `(line ${line})` : `at line ${line}, column ${col}`;
        throw new errors/* GatepassError */.J9('INPUT', `${source.subject} is not valid YAML ${where}${reason}`, {
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
        throw new errors/* GatepassError */.J9('INPUT', `${source.subject}: ${problem}`, {
            hint: 'Write the values out instead of using anchors (&) and aliases (*)',
        });
    }
}


/***/ }),

/***/ 8353:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Dl: () => (/* binding */ parseUrl),
/* harmony export */   Fk: () => (/* binding */ requiredString),
/* harmony export */   Xu: () => (/* binding */ inputError),
/* harmony export */   h0: () => (/* binding */ short),
/* harmony export */   n7: () => (/* binding */ credentialsError),
/* harmony export */   nN: () => (/* binding */ VARIABLE_NAME),
/* harmony export */   rR: () => (/* binding */ stringOrList),
/* harmony export */   sx: () => (/* binding */ optionalString),
/* harmony export */   u4: () => (/* binding */ isRecord),
/* harmony export */   xL: () => (/* binding */ ConfigError),
/* harmony export */   yi: () => (/* binding */ parseDurationMs)
/* harmony export */ });
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1922);
/* harmony import */ var _limits_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3664);
/**
 * Parsers and error shapes shared by the common inputs (config.ts), the
 * `credentials` list (credentials.ts) and each provider's own inputs and
 * fields (providers/). Messages name the input or field and the fix, and
 * never quote more than 64 characters of a value.
 */


function inputError(input, problem, hint) {
    return new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('INPUT', `input \`${input}\` ${problem}`, { hint });
}
function credentialsError(problem, hint) {
    return new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('INPUT', `input \`credentials\`: ${problem}`, { hint });
}
/** A value as quoted in a message: at most 64 characters (limits were checked first). */
function short(value) {
    return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/**
 * An absolute https URL (http only to loopback) without credentials in it.
 * Messages never quote the URL: a query string may hold a token.
 */
function parseUrl(value, name) {
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw inputError(name, 'is not an absolute URL', 'Use an absolute https URL, e.g. https://gateway.example.com');
    }
    const scheme = (0,_limits_js__WEBPACK_IMPORTED_MODULE_1__/* .urlSchemeProblem */ .Qx)(url);
    if (scheme !== undefined)
        throw inputError(name, scheme, _limits_js__WEBPACK_IMPORTED_MODULE_1__/* .URL_SCHEME_HINT */ .CQ);
    if (url.username !== '' || url.password !== '') {
        throw inputError(name, 'must not contain a user name or password', 'Remove `user:password@` from the URL; use `client-secret` for client authentication');
    }
    return value;
}
/** A field that must be a non-empty string. */
function requiredString(raw, key, where, hint) {
    const value = optionalString(raw, key, where);
    if (value === undefined || value === '')
        throw credentialsError(`${where} needs \`${key}\``, hint);
    return value;
}
function optionalString(raw, key, where) {
    const value = raw[key];
    if (value === undefined || value === null)
        return undefined;
    if (typeof value !== 'string')
        throw credentialsError(`${where}: \`${key}\` must be a string`, `Quote it: ${key}: "..."`);
    return value;
}
function stringOrList(raw, key, where) {
    const value = raw[key];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== ''))
        return value;
    return optionalString(raw, key, where);
}
/** Raised with every problem found; `problems` holds one error per input. */
class ConfigError extends _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9 {
    problems;
    constructor(problems) {
        const first = problems[0];
        const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s) above)` : '';
        super('INPUT', `${first?.message ?? 'invalid inputs'}${more}`, {
            ...(first?.hint === undefined ? {} : { hint: first.hint }),
        });
        this.name = 'ConfigError';
        this.problems = problems;
    }
}
/** `90s`, `15m`, `1h30m`, or a bare number of seconds. */
function parseDurationMs(value, input) {
    const text = value.trim();
    if (/^\d+$/.test(text))
        return Number(text) * 1000;
    const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
    if (match === null || text === '') {
        throw inputError(input, `is "${short(value)}", not a duration`, 'Use a number with h, m or s, e.g. 90s, 15m or 1h30m');
    }
    const [, h = '0', m = '0', s = '0'] = match;
    return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}
/** A shell variable name: what `env` keys and `id-token-variable` must be. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;


/***/ }),

/***/ 4661:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   K: () => (/* binding */ settingsInput),
/* harmony export */   RG: () => (/* binding */ readConfigFile),
/* harmony export */   me: () => (/* binding */ parseConfigFile),
/* harmony export */   pD: () => (/* binding */ envName)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8462);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1922);
/* harmony import */ var _config_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(439);
/* harmony import */ var _limits_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3664);
/**
 * The CLI's inputs: the action's vocabulary from three places, the first
 * that sets a name wins: a flag (`--gateway URL`), an environment variable
 * (`GATEPASS_GATEWAY`), a key of the `--config` file (`gateway: URL`).
 * Pure: it turns them into the same `getInput` the action's inputs give
 * config.ts, so every rule of the action applies to the CLI unchanged.
 */






/** `client-secret` -> `GATEPASS_CLIENT_SECRET`. */
function envName(input) {
    return `GATEPASS_${input.replace(/-/g, '_').toUpperCase()}`;
}
/**
 * An empty value counts as unset, as an empty action input does: a CI
 * template that sets `GATEPASS_AUDIENCE: ""` must not hide the file's value.
 */
function settingsInput(sources) {
    return (name) => [sources.flags[name], sources.env[envName(name)], sources.file[name]].find((value) => value !== undefined && value.trim() !== '') ?? '';
}
const KNOWN = new Set(_config_js__WEBPACK_IMPORTED_MODULE_4__/* .INPUT_NAMES */ .Qh);
const SECRETS = new Set(_config_js__WEBPACK_IMPORTED_MODULE_4__/* .SECRET_INPUTS */ .pH);
/**
 * A `gatepass.yml`: a mapping of input names to values. `credentials` may be
 * a YAML list (it is passed on as YAML), `approvers` a list; every other
 * value is a scalar. Secret inputs are refused: files get committed.
 */
function parseConfigFile(text, path) {
    checkFileSize((0,_limits_js__WEBPACK_IMPORTED_MODULE_5__/* .byteLength */ .dp)(text), path);
    // The parser's message can quote the file, which may hold anything: only the position.
    const data = (0,_limits_js__WEBPACK_IMPORTED_MODULE_5__/* .parseYaml */ .hN)(text, {
        subject: `--config ${path}`,
        hint: 'Fix the YAML: a mapping of input names to values',
        lineOnly: true,
    });
    if (data === null || data === undefined)
        return {};
    if (typeof data !== 'object' || Array.isArray(data)) {
        throw fileError(path, 'must be a mapping of input names to values', 'See `gatepass run --help`');
    }
    const values = {};
    for (const [key, value] of Object.entries(data)) {
        values[key] = fileValue(key, value, path);
    }
    return values;
}
function fileValue(key, value, path) {
    if (!KNOWN.has(key)) {
        throw fileError(path, `has an unknown key \`${key}\``, 'Use the action input names, e.g. `gateway`, `credentials`');
    }
    if (SECRETS.has(key)) {
        throw fileError(path, `must not hold \`${key}\`, a secret`, `Set ${envName(key)} in the environment (a masked CI/CD variable) instead`);
    }
    if (key === 'credentials' && typeof value === 'object' && value !== null)
        return (0,yaml__WEBPACK_IMPORTED_MODULE_2__.stringify)(value);
    if (key === 'approvers' && Array.isArray(value))
        return value.map(String).join(',');
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        return String(value);
    }
    throw fileError(path, `key \`${key}\` must be a single value`, 'Use a string, number or boolean');
}
function fileError(path, problem, hint) {
    return new _common_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .GatepassError */ .J9('INPUT', `--config ${path} ${problem}`, { hint });
}
/**
 * Reads a `--config` file, refusing one over {@link LIMITS.configFile} by
 * its size before reading it (a FIFO or device is refused too: it has none).
 */
async function readConfigFile(path) {
    let handle;
    try {
        // Non-blocking: opening a FIFO must not wait for a writer.
        handle = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.open)(path, node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_RDONLY | node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_NONBLOCK);
    }
    catch (err) {
        throw fileError(path, `cannot be read (${(0,_common_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .errorCodeOf */ .D9)(err)})`, 'Pass the path of a readable YAML file');
    }
    try {
        const info = await handle.stat();
        if (!info.isFile()) {
            throw fileError(path, 'is not a regular file', 'Pass the path of a YAML file');
        }
        checkFileSize(info.size, path);
        return await readAtMost(handle, path);
    }
    finally {
        await handle.close();
    }
}
/** The file's text, read in bounded pieces: it may have grown since the stat. */
async function readAtMost(handle, path) {
    const buffer = Buffer.alloc(_limits_js__WEBPACK_IMPORTED_MODULE_5__/* .LIMITS */ .b1.configFile + 1);
    let length = 0;
    for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0)
            break;
        length += bytesRead;
        if (length > _limits_js__WEBPACK_IMPORTED_MODULE_5__/* .LIMITS */ .b1.configFile)
            checkFileSize(length, path);
    }
    return buffer.subarray(0, length).toString('utf8');
}
function checkFileSize(bytes, path) {
    if (bytes <= _limits_js__WEBPACK_IMPORTED_MODULE_5__/* .LIMITS */ .b1.configFile)
        return;
    throw fileError(path, `is ${(0,_limits_js__WEBPACK_IMPORTED_MODULE_5__/* .formatBytes */ .z3)(bytes)}, over the limit of ${(0,_limits_js__WEBPACK_IMPORTED_MODULE_5__/* .formatBytes */ .z3)(_limits_js__WEBPACK_IMPORTED_MODULE_5__/* .LIMITS */ .b1.configFile)}`, 'A config file holds inputs only; keep scripts in files of their own');
}


/***/ }),

/***/ 9092:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ scrubbedLog)
/* harmony export */ });
/* harmony import */ var _gateways_text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8044);

/**
 * The host's log with every secret in `secrets` cut out, as it was received
 * (and the long pieces of a JWT): what a gateway's error quotes back. The set
 * is read at each line, so secrets added later are cut out from then on. Not
 * the masker: its automaton is rebuilt after each new secret (10-50 ms), which
 * would stand between the credentials and the command's start. Main's log, and
 * that of post and `gatepass revoke` (the secrets of the saved handles).
 */
function scrubbedLog(log, secrets) {
    const clean = (message) => (0,_gateways_text_js__WEBPACK_IMPORTED_MODULE_0__/* .scrub */ ._I)(message, [...secrets]);
    return {
        debug: (message) => {
            log.debug(clean(message));
        },
        info: (message) => {
            log.info(clean(message));
        },
        warning: (message) => {
            log.warning(clean(message));
        },
        error: (message) => {
            log.error(clean(message));
        },
    };
}


/***/ }),

/***/ 1414:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Vo: () => (/* binding */ failedRevocations),
/* harmony export */   d6: () => (/* binding */ reportUnconfirmed),
/* harmony export */   v6: () => (/* binding */ revokeCredentials)
/* harmony export */ });
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1922);
/* harmony import */ var _common_retry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9183);


/** Revokes every credential once (two names may share a handle), all at the same time. */
async function revokeCredentials(credentials, options) {
    const results = [];
    const pending = new Map();
    for (const { name, handle, expiresAt } of credentials) {
        if (handle === undefined) {
            const detail = `the gateway offers no revocation; expires ${expiresAt ?? 'at an unknown time'}`;
            options.log.warning(`"${name}" cannot be revoked: ${detail}`);
            results.push(record(name, 'skipped', detail));
            continue;
        }
        const key = JSON.stringify(handle);
        const shared = pending.get(key);
        if (shared === undefined)
            pending.set(key, { names: [name], handle });
        else
            shared.names.push(name);
    }
    if (pending.size === 0)
        return results;
    const deadline = deadlineSignal(options);
    const revoked = await Promise.all([...pending.values()].map(async ({ names, handle }) => {
        const outcome = await revokeOne(options.gateway, handle, deadline);
        return names.map((name) => report(name, outcome, options.log));
    }));
    deadline.dispose();
    return [...results, ...revoked.flat()];
}
/** What the step sent but never heard back from: nothing to revoke with, so it is reported. */
function reportUnconfirmed(requests, log) {
    return requests.map(({ name, requestedAt, ttlSeconds }) => {
        const detail = `requested at ${requestedAt}, no answer came: if the gateway issued it, it stays valid until it expires (at most ${(0,_common_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(ttlSeconds * 1000)} after the request); check the gateway's audit log`;
        log.warning(`"${name}" is in flight, not confirmed: ${detail}`);
        return record(name, 'unconfirmed', detail);
    });
}
/** How many of the records are credentials that may still be live because revoking failed. */
function failedRevocations(records) {
    return records.filter((r) => r.result === 'failed').map((r) => r.name);
}
async function revokeOne(gateway, handle, deadline) {
    const { signal } = deadline;
    let note;
    try {
        // The race is a backstop: every gateway honours the signal, but a
        // revocation must not outlive the deadline even if one did not.
        await Promise.race([
            gateway().then((g) => g.revoke(handle, signal, (n) => {
                note = n;
            })),
            rejectOnAbort(signal),
        ]);
        return note === undefined ? { ok: true } : { ok: true, note };
    }
    catch (err) {
        if (!signal.aborted)
            return { ok: false, detail: (0,_common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(err) };
        const cause = err === signal.reason ? '' : `; last: ${(0,_common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(err)}`;
        return { ok: false, detail: `${deadline.why()}${cause}` };
    }
}
function report(name, outcome, log) {
    if (outcome.ok && outcome.note?.result === 'skipped') {
        // Not revocable by design (a Vault batch token): it lives to its TTL.
        log.warning(`"${name}" cannot be revoked: ${outcome.note.detail}`);
        return record(name, 'skipped', outcome.note.detail);
    }
    if (outcome.ok) {
        const detail = outcome.note?.detail;
        log.info(`"${name}" revoked${detail === undefined ? '' : `: ${detail}`}`);
        return record(name, 'revoked', detail);
    }
    log.error(`"${name}" was not revoked: ${outcome.detail}`);
    return record(name, 'failed', outcome.detail);
}
function record(name, result, detail) {
    return {
        name,
        result,
        ...(detail === undefined ? {} : { detail }),
        at: new Date().toISOString(),
    };
}
function deadlineSignal(options) {
    const timer = new AbortController();
    const timeout = new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('TIMEOUT', 'the revocation deadline passed');
    const handle = setTimeout(() => {
        timer.abort(timeout);
    }, options.deadlineMs);
    const signal = options.signal === undefined ? timer.signal : AbortSignal.any([timer.signal, options.signal]);
    return {
        signal,
        why: () => {
            // A second signal cut it short: blaming `revoke-timeout` would send the
            // user to raise a timeout that never ran out.
            const reason = signal.reason;
            if (reason !== timeout) {
                return reason instanceof _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9
                    ? (0,_common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(reason)
                    : 'the revocation was stopped';
            }
            return `not revoked within ${(0,_common_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(options.deadlineMs)} (\`revoke-timeout\`)`;
        },
        dispose: () => {
            clearTimeout(handle);
        },
    };
}
function rejectOnAbort(signal) {
    return new Promise((_resolve, reject) => {
        const fail = () => {
            reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        };
        if (signal.aborted)
            fail();
        else
            signal.addEventListener('abort', fail, { once: true });
    });
}


/***/ }),

/***/ 7573:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B: () => (/* binding */ parseState)
/* harmony export */ });
/* unused harmony export STATE_KEY */
const STATE_KEY = 'gatepass';
/**
 * The saved state, or why it cannot be used, to follow "… is" (`not valid
 * JSON`). Never echoes the text (it holds secrets).
 */
function parseState(raw) {
    let value;
    try {
        value = JSON.parse(raw);
    }
    catch {
        return 'not valid JSON';
    }
    const state = value;
    if (state === null ||
        typeof state !== 'object' ||
        state.version !== 2 ||
        !Array.isArray(state.credentials) ||
        typeof state.settings !== 'object' ||
        typeof state.auditFile !== 'string') {
        return 'not from this gatepass version';
    }
    return state;
}


/***/ }),

/***/ 8281:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Z5: () => (/* binding */ cleanupSignal),
/* harmony export */   e$: () => (/* binding */ requireEnvFields),
/* harmony export */   g8: () => (/* binding */ revocationSecrets),
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
 * The secret values a handle holds (the tokens it revokes with), for whoever
 * revokes from saved state to scrub from its log. Not Vault's lease ids: they
 * grant nothing without the token, and the errors name them on purpose, for
 * `vault lease revoke <lease id>`.
 */
function revocationSecrets(handle) {
    switch (handle.provider) {
        case 'token-exchange':
            return handle.tokens.map((t) => t.token);
        case 'vault':
            return [handle.token];
        case 'hoop':
            return [
                ...(handle.token === undefined ? [] : [handle.token]),
                ...(handle.auth === undefined ? [] : revocationSecrets(handle.auth)),
            ];
    }
}
/**
 * Every field `env` names must be in `values` (unless `proxy:` makes them the
 * endpoint's fields). The error lists the fields
 * that are there, by name only: a value never goes into a message.
 */
function requireEnvFields(request, values, where) {
    // With a data path, `env` names the loopback endpoint's fields, which the data path checks.
    if (request.dataPath !== undefined)
        return;
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

/***/ 9939:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   j: () => (/* binding */ createGateway)
/* harmony export */ });
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1922);
/* harmony import */ var _common_http_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5069);


/**
 * Each provider's client loads on demand (a local module, no network): only
 * the chosen one is parsed, and it is parsed while the ID token request the
 * caller starts next is in flight (see `afterRequestsSent`). Vault's client
 * alone would otherwise double the bundle every run parses.
 */
async function createGateway(settings, deps) {
    // For every later request (the gateway's, and the approval APIs').
    (0,_common_http_js__WEBPACK_IMPORTED_MODULE_1__/* .trustCertificate */ .mM)(settings.caCertificate);
    await afterRequestsSent();
    return loadGateway(settings, deps);
}
async function loadGateway(settings, deps) {
    const provider = settings.provider;
    const common = {
        gateway: settings.gateway,
        timeoutMs: settings.timeoutMs,
        registerSecret: deps.registerSecret,
        logger: deps.logger,
    };
    switch (provider.name) {
        case 'token-exchange': {
            const { createTokenExchangeGateway } = await Promise.all(/* import() */[__webpack_require__.e(129), __webpack_require__.e(57)]).then(__webpack_require__.bind(__webpack_require__, 4438));
            loadFetch();
            return createTokenExchangeGateway({
                ...common,
                ...clientOptions(provider.client),
                ...exchangeProfile(provider),
            });
        }
        case 'vault': {
            const { createVaultGateway } = await Promise.all(/* import() */[__webpack_require__.e(96), __webpack_require__.e(304)]).then(__webpack_require__.bind(__webpack_require__, 8304));
            return createVaultGateway({
                ...common,
                role: provider.role,
                authPath: provider.authPath,
                ...(provider.namespace === undefined ? {} : { namespace: provider.namespace }),
            });
        }
        case 'hoop': {
            const { createHoopGateway } = await __webpack_require__.e(/* import() */ 865).then(__webpack_require__.bind(__webpack_require__, 865));
            return createHoopGateway({
                ...common,
                ...(await hoopAuthentication(provider.auth, common)),
                ...(provider.host === undefined ? {} : { host: { ...provider.host } }),
            });
        }
        default: {
            const unknown = provider;
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('INTERNAL', `unknown provider ${JSON.stringify(unknown)}`);
        }
    }
}
/**
 * Resolves once the requests the caller starts in this turn of the event loop
 * (the ID token request) have connected and been written. `import()` reads
 * and compiles a module synchronously, and a provider's client is 10-25 ms of
 * CPU: loaded first, it delays the ID token request by that much; loaded
 * after, it overlaps the wait for the answer. The first turn ends the current
 * one; the second runs after the poll phase that connects the request and
 * sends it.
 */
async function afterRequestsSent() {
    for (let turn = 0; turn < 2; turn++) {
        await new Promise((resolve) => setImmediate(resolve));
    }
}
/**
 * Node loads its fetch implementation (its own copy of undici, tens of ms)
 * on first use of `fetch` or its classes. The token-exchange client
 * (openid-client) speaks in fetch's Request and Response once the ID token is
 * there; loading it now, while that token is on its way, takes the load off
 * the path to the first exchange. Vault and hoop never need it (the transport
 * goes straight through node:http: common/direct.ts).
 */
function loadFetch() {
    new Headers();
}
/** `client-id`, and `client-secret` when set, as the token-exchange client takes them. */
function clientOptions(client) {
    return client.secret === undefined
        ? { clientId: client.id }
        : { clientId: client.id, clientSecret: client.secret };
}
/** The token-exchange inputs besides the client, as the gateway takes them (absent: its default). */
function exchangeProfile(settings) {
    const { clientAuth, subjectTokenType, subjectIssuer, endpoints, ttlParameter } = settings;
    return {
        ...(clientAuth === undefined ? {} : { clientAuthMethod: clientAuth }),
        ...(subjectTokenType === undefined ? {} : { subjectTokenType }),
        ...(subjectIssuer === undefined ? {} : { subjectIssuer }),
        ...(endpoints === undefined
            ? {}
            : {
                endpoints: {
                    token: endpoints.token,
                    ...(endpoints.revocation === undefined ? {} : { revocation: endpoints.revocation }),
                },
            }),
        ...(ttlParameter === undefined ? {} : { ttlParameter }),
    };
}
/**
 * hoop's bearer: the API key, or (`hoop-token-exchange-url`) a token
 * exchanged per credential at the IdP hoop trusts, with the token-exchange
 * client inputs (`client-id`, `client-secret`) and the audience asked of it.
 */
async function hoopAuthentication(auth, common) {
    if ('apiKey' in auth)
        return { apiKey: requireHoopApiKey(auth.apiKey) };
    const { exchange } = auth;
    const { createTokenExchangeGateway } = await Promise.all(/* import() */[__webpack_require__.e(129), __webpack_require__.e(57)]).then(__webpack_require__.bind(__webpack_require__, 4438));
    loadFetch();
    return {
        exchange: {
            gateway: createTokenExchangeGateway({
                ...common,
                gateway: exchange.url,
                ...clientOptions(exchange.client),
            }),
            tokenExchange: {
                audience: exchange.audience,
                ...(exchange.scope === undefined ? {} : { scope: exchange.scope }),
            },
        },
    };
}
/** Post's saved settings hold no key: the entry reads `hoop-api-key` again, and it may be gone. */
function requireHoopApiKey(key) {
    if (key !== '')
        return key;
    throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('INPUT', 'input `hoop-api-key` or `hoop-token-exchange-url` is required with `provider: hoop`', {
        hint: 'Pass a hoop API key (Settings > API keys) from a secret as `hoop-api-key`, or set `hoop-token-exchange-url` to the issuer URL of the IdP hoop trusts',
    });
}


/***/ }),

/***/ 8044:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   TN: () => (/* reexport safe */ _common_errors_js__WEBPACK_IMPORTED_MODULE_0__.TN),
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
/** The message without its hint: several go into one line. */
function messageOf(err) {
    return err instanceof _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9 ? err.message : (0,_common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(err);
}


/***/ }),

/***/ 2766:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $B: () => (/* binding */ UNPARSEABLE),
/* harmony export */   e$: () => (/* binding */ SQL_DEFAULTS),
/* harmony export */   iQ: () => (/* binding */ MALFORMED_PATH),
/* harmony export */   uA: () => (/* binding */ HTTP_DEFAULTS)
/* harmony export */ });
/* unused harmony export SERVER_FUNCTIONS */
/**
 * The names verdicts give what gatepass cannot read (SQL that does not parse,
 * a path that does not normalise). Not rules: nobody can relax them, and no
 * rule may take these names.
 */
const UNPARSEABLE = 'unparseable-sql';
const MALFORMED_PATH = 'malformed-path';
/** Server files, server programs, other sessions and the server's own state. */
const SERVER_FUNCTIONS = [
    'pg_read_file',
    'pg_read_binary_file',
    'pg_stat_file',
    'pg_ls_*',
    'pg_file_*',
    'pg_logdir_ls',
    'lo_import',
    'lo_export',
    'pg_terminate_backend',
    'pg_cancel_backend',
    'pg_reload_conf',
    'pg_rotate_logfile',
    'pg_promote',
    'pg_switch_wal',
    'pg_create_restore_point',
    'pg_backup_start',
    'pg_backup_stop',
    'pg_log_backend_memory_contexts',
    '*replication_slot',
    'pg_replication_origin_*',
    'pg_wal_replay_*',
    'dblink*',
];
const deny = (name, rule) => ({
    name,
    action: 'deny',
    builtIn: true,
    ...rule,
});
const SQL_DEFAULTS = [
    deny('no-role-changes', {
        statements: ['CREATE ROLE', 'ALTER ROLE', 'DROP ROLE', 'REASSIGN OWNED'],
    }),
    deny('no-set-role', { statements: ['SET ROLE', 'SET SESSION AUTHORIZATION'] }),
    deny('no-drop', { statements: ['DROP *'] }),
    deny('no-truncate', { statements: ['TRUNCATE'] }),
    deny('no-grants', { statements: ['GRANT', 'REVOKE', 'ALTER DEFAULT PRIVILEGES'] }),
    deny('no-server-copy', {
        statements: ['COPY FROM FILE', 'COPY TO FILE', 'COPY FROM PROGRAM', 'COPY TO PROGRAM'],
    }),
    deny('no-extensions', { statements: ['CREATE EXTENSION', 'ALTER EXTENSION', 'CREATE LANGUAGE'] }),
    deny('no-alter-system', { statements: ['ALTER SYSTEM'] }),
    deny('no-load', { statements: ['LOAD'] }),
    deny('no-unbounded-writes', { statements: ['UPDATE', 'DELETE', 'MERGE'], withoutWhere: true }),
    deny('no-server-functions', { functions: SERVER_FUNCTIONS }),
    // Foreign data reaches outside the database: another server, or with
    // file_fdw a server file or program (its `filename` and `program` options).
    {
        name: 'review-foreign-data',
        action: 'review',
        builtIn: true,
        statements: [
            'CREATE FOREIGN DATA WRAPPER',
            'ALTER FOREIGN DATA WRAPPER',
            'CREATE SERVER',
            'ALTER SERVER',
            'CREATE USER MAPPING',
            'ALTER USER MAPPING',
            'CREATE FOREIGN TABLE',
            'ALTER FOREIGN TABLE',
            'IMPORT FOREIGN SCHEMA',
            'CREATE SUBSCRIPTION',
            'ALTER SUBSCRIPTION',
        ],
    },
    { name: 'review-unanalysable', action: 'review', builtIn: true, unanalysable: true },
];
/**
 * None: which endpoints of an API are dangerous is the API's business, and
 * the credential's own scope is the first control. Users add their rules.
 */
const HTTP_DEFAULTS = [];


/***/ }),

/***/ 8490:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bs: () => (/* binding */ kindGlob),
/* harmony export */   Qh: () => (/* binding */ pathGlob),
/* harmony export */   _V: () => (/* binding */ kindsGlob),
/* harmony export */   dq: () => (/* binding */ namePartGlob)
/* harmony export */ });
/* unused harmony export trimSlash */
/**
 * The three globs rules use, compiled to anchored regular expressions. In
 * each, `*` stands for any run of characters inside one part: a kind's words
 * (`DROP *`), a name's schema or relation (`audit.*`), a path's segment
 * (`/v1/*`/…); `**` as a whole path segment stands for any number of segments.
 */
function escape(text) {
    return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
/** Compiled patterns, by flavour and pattern: rules are few and evaluated per statement. */
const compiled = new Map();
function memo(key, build) {
    let regex = compiled.get(key);
    if (regex === undefined) {
        regex = build();
        compiled.set(key, regex);
    }
    return regex;
}
function compile(pattern, star, flags) {
    return new RegExp(`^${pattern.split('*').map(escape).join(star)}$`, flags);
}
/** A statement kind pattern (`DROP *`, `COPY TO PROGRAM`); kinds are upper case. */
function kindGlob(pattern) {
    return memo(`kind ${pattern}`, () => compile(pattern, '.*', ''));
}
/** Any of several kind patterns, as one expression: rules are evaluated per statement. */
function kindsGlob(patterns) {
    const alternatives = patterns.map((p) => p.split('*').map(escape).join('.*'));
    return new RegExp(`^(?:${alternatives.join('|')})$`);
}
/** One part of a name (`audit`, `user_*`); `exact: false` ignores case. */
function namePartGlob(pattern, exact) {
    return memo(`name ${String(exact)} ${pattern}`, () => compile(pattern, '[^.]*', exact ? '' : 'i'));
}
/**
 * A path pattern: `*` is any run inside one segment, `**` any number of whole
 * segments (none included): `/v1/admin/**` matches `/v1/admin` and everything
 * under it. Paths and patterns are compared without a trailing slash.
 */
function pathGlob(pattern, exact) {
    return memo(`path ${String(exact)} ${pattern}`, () => {
        const segments = trimSlash(pattern).split('/').slice(1);
        const source = segments
            .map((segment) => segment === '**' ? '(?:/.*)?' : `/${segment.split('*').map(escape).join('[^/]*')}`)
            .join('');
        return new RegExp(`^${source === '' ? '/' : source}$`, exact ? '' : 'i');
    });
}
/** `/a/b/` → `/a/b`; `/` stays. */
function trimSlash(path) {
    return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}


/***/ }),

/***/ 1361:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   I: () => (/* binding */ kindOf),
/* harmony export */   KO: () => (/* binding */ KNOWN_KINDS),
/* harmony export */   Mk: () => (/* binding */ RELATION_OBJECTS),
/* harmony export */   U9: () => (/* binding */ KIND_ALIASES),
/* harmony export */   VG: () => (/* binding */ NOT_STATEMENTS)
/* harmony export */ });
/* unused harmony export objectLabel */
/**
 * Statement kinds: the stable labels rules name (`DROP TABLE`, `COPY TO
 * PROGRAM`), derived from PostgreSQL's parse tree (the node type and the
 * object type it carries), never from the statement's text.
 */
/** An object type as the parser spells it (`OBJECT_MATVIEW`) → as SQL spells it. */
const OBJECT_LABELS = {
    OBJECT_ACCESS_METHOD: 'ACCESS METHOD',
    OBJECT_AGGREGATE: 'AGGREGATE',
    OBJECT_AMOP: 'OPERATOR FAMILY',
    OBJECT_AMPROC: 'OPERATOR FAMILY',
    OBJECT_ATTRIBUTE: 'TYPE',
    OBJECT_CAST: 'CAST',
    OBJECT_COLUMN: 'COLUMN',
    OBJECT_COLLATION: 'COLLATION',
    OBJECT_CONVERSION: 'CONVERSION',
    OBJECT_DATABASE: 'DATABASE',
    OBJECT_DEFAULT: 'DEFAULT',
    OBJECT_DEFACL: 'DEFAULT PRIVILEGES',
    OBJECT_DOMAIN: 'DOMAIN',
    OBJECT_DOMCONSTRAINT: 'DOMAIN', // ALTER DOMAIN … RENAME CONSTRAINT alters the domain
    OBJECT_EVENT_TRIGGER: 'EVENT TRIGGER',
    OBJECT_EXTENSION: 'EXTENSION',
    OBJECT_FDW: 'FOREIGN DATA WRAPPER',
    OBJECT_FOREIGN_SERVER: 'SERVER',
    OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
    OBJECT_FUNCTION: 'FUNCTION',
    OBJECT_INDEX: 'INDEX',
    OBJECT_LANGUAGE: 'LANGUAGE',
    OBJECT_LARGEOBJECT: 'LARGE OBJECT',
    OBJECT_MATVIEW: 'MATERIALIZED VIEW',
    OBJECT_OPCLASS: 'OPERATOR CLASS',
    OBJECT_OPERATOR: 'OPERATOR',
    OBJECT_OPFAMILY: 'OPERATOR FAMILY',
    OBJECT_PARAMETER_ACL: 'PARAMETER',
    OBJECT_POLICY: 'POLICY',
    OBJECT_PROCEDURE: 'PROCEDURE',
    OBJECT_PUBLICATION: 'PUBLICATION',
    OBJECT_PUBLICATION_NAMESPACE: 'PUBLICATION',
    OBJECT_PUBLICATION_REL: 'PUBLICATION',
    OBJECT_ROLE: 'ROLE',
    OBJECT_ROUTINE: 'ROUTINE',
    OBJECT_RULE: 'RULE',
    OBJECT_SCHEMA: 'SCHEMA',
    OBJECT_SEQUENCE: 'SEQUENCE',
    OBJECT_SUBSCRIPTION: 'SUBSCRIPTION',
    OBJECT_STATISTIC_EXT: 'STATISTICS',
    OBJECT_TABCONSTRAINT: 'CONSTRAINT',
    OBJECT_TABLE: 'TABLE',
    OBJECT_TABLESPACE: 'TABLESPACE',
    OBJECT_TRANSFORM: 'TRANSFORM',
    OBJECT_TRIGGER: 'TRIGGER',
    OBJECT_TSCONFIGURATION: 'TEXT SEARCH CONFIGURATION',
    OBJECT_TSDICTIONARY: 'TEXT SEARCH DICTIONARY',
    OBJECT_TSPARSER: 'TEXT SEARCH PARSER',
    OBJECT_TSTEMPLATE: 'TEXT SEARCH TEMPLATE',
    OBJECT_TYPE: 'TYPE',
    OBJECT_USER_MAPPING: 'USER MAPPING',
    OBJECT_VIEW: 'VIEW',
};
/** Object types whose names are relations (`schema.name`), for `tables`. */
const RELATION_OBJECTS = new Set([
    'OBJECT_TABLE',
    'OBJECT_VIEW',
    'OBJECT_MATVIEW',
    'OBJECT_INDEX',
    'OBJECT_SEQUENCE',
    'OBJECT_FOREIGN_TABLE',
]);
/** Statements whose kind is fixed by the node type alone. */
const FIXED = {
    InsertStmt: 'INSERT',
    UpdateStmt: 'UPDATE',
    DeleteStmt: 'DELETE',
    MergeStmt: 'MERGE',
    CreateStmt: 'CREATE TABLE',
    CreateForeignTableStmt: 'CREATE FOREIGN TABLE',
    ViewStmt: 'CREATE VIEW',
    IndexStmt: 'CREATE INDEX',
    CreateSchemaStmt: 'CREATE SCHEMA',
    CreateSeqStmt: 'CREATE SEQUENCE',
    AlterSeqStmt: 'ALTER SEQUENCE',
    CreateDomainStmt: 'CREATE DOMAIN',
    AlterDomainStmt: 'ALTER DOMAIN',
    CompositeTypeStmt: 'CREATE TYPE',
    CreateEnumStmt: 'CREATE TYPE',
    CreateRangeStmt: 'CREATE TYPE',
    AlterEnumStmt: 'ALTER TYPE',
    AlterTypeStmt: 'ALTER TYPE',
    CreateTrigStmt: 'CREATE TRIGGER',
    CreateEventTrigStmt: 'CREATE EVENT TRIGGER',
    AlterEventTrigStmt: 'ALTER EVENT TRIGGER',
    RuleStmt: 'CREATE RULE',
    CreatePolicyStmt: 'CREATE POLICY',
    AlterPolicyStmt: 'ALTER POLICY',
    CreateRoleStmt: 'CREATE ROLE',
    AlterRoleStmt: 'ALTER ROLE',
    AlterRoleSetStmt: 'ALTER ROLE',
    DropRoleStmt: 'DROP ROLE',
    AlterDefaultPrivilegesStmt: 'ALTER DEFAULT PRIVILEGES',
    TruncateStmt: 'TRUNCATE',
    CreateExtensionStmt: 'CREATE EXTENSION',
    AlterExtensionStmt: 'ALTER EXTENSION',
    AlterExtensionContentsStmt: 'ALTER EXTENSION',
    AlterSystemStmt: 'ALTER SYSTEM',
    LoadStmt: 'LOAD',
    DoStmt: 'DO',
    CallStmt: 'CALL',
    VariableShowStmt: 'SHOW',
    CommentStmt: 'COMMENT',
    SecLabelStmt: 'SECURITY LABEL',
    DeclareCursorStmt: 'DECLARE CURSOR',
    ClosePortalStmt: 'CLOSE',
    CreateStatsStmt: 'CREATE STATISTICS',
    AlterStatsStmt: 'ALTER STATISTICS',
    AlterCollationStmt: 'ALTER COLLATION',
    CreatedbStmt: 'CREATE DATABASE',
    AlterDatabaseStmt: 'ALTER DATABASE',
    AlterDatabaseSetStmt: 'ALTER DATABASE',
    AlterDatabaseRefreshCollStmt: 'ALTER DATABASE',
    DropdbStmt: 'DROP DATABASE',
    CreateTableSpaceStmt: 'CREATE TABLESPACE',
    DropTableSpaceStmt: 'DROP TABLESPACE',
    AlterTableSpaceOptionsStmt: 'ALTER TABLESPACE',
    AlterTableMoveAllStmt: 'ALTER TABLESPACE',
    CreateFdwStmt: 'CREATE FOREIGN DATA WRAPPER',
    AlterFdwStmt: 'ALTER FOREIGN DATA WRAPPER',
    CreateForeignServerStmt: 'CREATE SERVER',
    AlterForeignServerStmt: 'ALTER SERVER',
    CreateUserMappingStmt: 'CREATE USER MAPPING',
    AlterUserMappingStmt: 'ALTER USER MAPPING',
    DropUserMappingStmt: 'DROP USER MAPPING',
    ImportForeignSchemaStmt: 'IMPORT FOREIGN SCHEMA',
    CreateAmStmt: 'CREATE ACCESS METHOD',
    CreatePLangStmt: 'CREATE LANGUAGE',
    CreateOpClassStmt: 'CREATE OPERATOR CLASS',
    CreateOpFamilyStmt: 'CREATE OPERATOR FAMILY',
    AlterOpFamilyStmt: 'ALTER OPERATOR FAMILY',
    AlterOperatorStmt: 'ALTER OPERATOR',
    NotifyStmt: 'NOTIFY',
    ListenStmt: 'LISTEN',
    UnlistenStmt: 'UNLISTEN',
    ClusterStmt: 'CLUSTER',
    ExplainStmt: 'EXPLAIN',
    RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW',
    CheckPointStmt: 'CHECKPOINT',
    DiscardStmt: 'DISCARD',
    LockStmt: 'LOCK',
    ConstraintsSetStmt: 'SET CONSTRAINTS',
    ReindexStmt: 'REINDEX',
    CreateConversionStmt: 'CREATE CONVERSION',
    CreateCastStmt: 'CREATE CAST',
    CreateTransformStmt: 'CREATE TRANSFORM',
    PrepareStmt: 'PREPARE',
    ExecuteStmt: 'EXECUTE',
    DeallocateStmt: 'DEALLOCATE',
    DropOwnedStmt: 'DROP OWNED',
    ReassignOwnedStmt: 'REASSIGN OWNED',
    AlterTSDictionaryStmt: 'ALTER TEXT SEARCH DICTIONARY',
    AlterTSConfigurationStmt: 'ALTER TEXT SEARCH CONFIGURATION',
    CreatePublicationStmt: 'CREATE PUBLICATION',
    AlterPublicationStmt: 'ALTER PUBLICATION',
    CreateSubscriptionStmt: 'CREATE SUBSCRIPTION',
    AlterSubscriptionStmt: 'ALTER SUBSCRIPTION',
    DropSubscriptionStmt: 'DROP SUBSCRIPTION',
};
const TRANSACTION = {
    TRANS_STMT_BEGIN: 'BEGIN',
    TRANS_STMT_START: 'BEGIN',
    TRANS_STMT_COMMIT: 'COMMIT',
    TRANS_STMT_ROLLBACK: 'ROLLBACK',
    TRANS_STMT_SAVEPOINT: 'SAVEPOINT',
    TRANS_STMT_RELEASE: 'RELEASE SAVEPOINT',
    TRANS_STMT_ROLLBACK_TO: 'ROLLBACK',
    TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
    TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
    TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};
/** Kinds the statements below produce besides FIXED, TRANSACTION and DROP/ALTER <object>. */
const OTHER_KINDS = [
    'SELECT',
    'CREATE TABLE AS',
    'CREATE MATERIALIZED VIEW',
    'GRANT',
    'REVOKE',
    'SET',
    'SET ROLE',
    'SET SESSION AUTHORIZATION',
    'RESET',
    'VACUUM',
    'ANALYZE',
    'FETCH',
    'MOVE',
    'CREATE FUNCTION',
    'CREATE PROCEDURE',
    'CREATE AGGREGATE',
    'CREATE OPERATOR',
    'CREATE TYPE',
    'CREATE COLLATION',
    'CREATE TEXT SEARCH CONFIGURATION',
    'CREATE TEXT SEARCH DICTIONARY',
    'CREATE TEXT SEARCH PARSER',
    'CREATE TEXT SEARCH TEMPLATE',
    ...['FROM STDIN', 'TO STDOUT', 'FROM FILE', 'TO FILE', 'FROM PROGRAM', 'TO PROGRAM'].map((way) => `COPY ${way}`),
];
/** Labels that are never DROPped or ALTERed on their own (ALTER TABLE … DROP COLUMN is below). */
const NOT_ON_THEIR_OWN = new Set([
    'COLUMN',
    'CONSTRAINT',
    'DEFAULT',
    'DEFAULT PRIVILEGES',
    'PARAMETER',
]);
/**
 * Every kind the classifier produces; rules are validated against it, and a
 * statement of another kind is classified as not analysable.
 */
const KNOWN_KINDS = new Set([
    ...Object.values(FIXED),
    ...Object.values(TRANSACTION),
    ...OTHER_KINDS,
    'DROP COLUMN',
    'DROP CONSTRAINT',
    ...Object.values(OBJECT_LABELS)
        .filter((label) => !NOT_ON_THEIR_OWN.has(label))
        .flatMap((label) => [`DROP ${label}`, `ALTER ${label}`]),
]);
/**
 * Names a rule may use for one or more kinds: SQL's synonyms (`DROP USER` is
 * `DROP ROLE` to the parser), and `COPY` for every COPY.
 */
const KIND_ALIASES = {
    COPY: OTHER_KINDS.filter((kind) => kind.startsWith('COPY ')),
    'CREATE USER': ['CREATE ROLE'],
    'CREATE GROUP': ['CREATE ROLE'],
    'ALTER USER': ['ALTER ROLE'],
    'ALTER GROUP': ['ALTER ROLE'],
    'DROP USER': ['DROP ROLE'],
    'DROP GROUP': ['DROP ROLE'],
    'START TRANSACTION': ['BEGIN'],
    END: ['COMMIT'],
    ABORT: ['ROLLBACK'],
    'SELECT INTO': ['CREATE TABLE AS'],
};
/**
 * Node types named `…Stmt` that are parts of a statement, not statements:
 * a set operation's arms, a SQL function's RETURN, PL/pgSQL assignment, and
 * `ALTER TABLE … REPLICA IDENTITY`'s argument.
 */
const NOT_STATEMENTS = new Set([
    'RawStmt',
    'SetOperationStmt',
    'ReturnStmt',
    'PLAssignStmt',
    'ReplicaIdentityStmt',
]);
function objectLabel(objectType) {
    return typeof objectType === 'string' ? (OBJECT_LABELS[objectType] ?? 'OBJECT') : 'OBJECT';
}
/** The kind of one statement node (`type` is its key in the tree, `body` its value). */
function kindOf(type, body) {
    const fixed = FIXED[type];
    if (fixed !== undefined)
        return fixed;
    switch (type) {
        case 'SelectStmt':
            return body['intoClause'] === undefined ? 'SELECT' : 'CREATE TABLE AS';
        case 'CreateTableAsStmt':
            return body['objtype'] === 'OBJECT_MATVIEW' ? 'CREATE MATERIALIZED VIEW' : 'CREATE TABLE AS';
        case 'DropStmt':
            return `DROP ${objectLabel(body['removeType'])}`;
        case 'AlterTableStmt':
            return `ALTER ${objectLabel(body['objtype'])}`;
        case 'RenameStmt':
            return `ALTER ${objectLabel(renamed(body))}`;
        case 'AlterObjectSchemaStmt':
        case 'AlterOwnerStmt':
        case 'AlterObjectDependsStmt':
            return `ALTER ${objectLabel(body['objectType'])}`;
        case 'AlterFunctionStmt':
            return `ALTER ${objectLabel(body['objtype'])}`;
        case 'CreateFunctionStmt':
            return body['is_procedure'] === true ? 'CREATE PROCEDURE' : 'CREATE FUNCTION';
        case 'DefineStmt':
            return `CREATE ${objectLabel(body['kind'])}`;
        case 'GrantStmt':
        case 'GrantRoleStmt':
            return body['is_grant'] === true ? 'GRANT' : 'REVOKE';
        case 'TransactionStmt':
            return TRANSACTION[String(body['kind'])] ?? 'BEGIN';
        case 'VacuumStmt':
            return body['is_vacuumcmd'] === true ? 'VACUUM' : 'ANALYZE';
        case 'FetchStmt':
            return body['ismove'] === true ? 'MOVE' : 'FETCH';
        case 'VariableSetStmt':
            return setKind(body);
        case 'CopyStmt':
            return copyKind(body);
        default:
            return `UNKNOWN ${type}`;
    }
}
/** RENAME COLUMN / CONSTRAINT alter the relation they belong to. */
function renamed(body) {
    const type = body['renameType'];
    if (type !== 'OBJECT_COLUMN' && type !== 'OBJECT_TABCONSTRAINT')
        return type;
    const relation = body['relationType'];
    return typeof relation === 'string' && RELATION_OBJECTS.has(relation) ? relation : 'OBJECT_TABLE';
}
function setKind(body) {
    if (body['kind'] === 'VAR_RESET' || body['kind'] === 'VAR_RESET_ALL')
        return 'RESET';
    if (body['name'] === 'role')
        return 'SET ROLE';
    if (body['name'] === 'session_authorization')
        return 'SET SESSION AUTHORIZATION';
    return 'SET';
}
/** COPY's direction and end: the client (STDIN/STDOUT), a server file, or a server program. */
function copyKind(body) {
    const from = body['is_from'] === true;
    if (body['is_program'] === true)
        return from ? 'COPY FROM PROGRAM' : 'COPY TO PROGRAM';
    if (typeof body['filename'] === 'string')
        return from ? 'COPY FROM FILE' : 'COPY TO FILE';
    return from ? 'COPY FROM STDIN' : 'COPY TO STDOUT';
}


/***/ }),

/***/ 8937:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   s: () => (/* binding */ fixedSource)
/* harmony export */ });
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1922);
/* harmony import */ var _token_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6969);
/**
 * Where the runner's identity token comes from. Each platform has its own
 * source; callers ask `token()` before every gateway call, so a source that
 * can mint (GitHub) hands out a fresh token when the old one nears expiry, and
 * one that cannot (GitLab, local) says clearly when its token has run out.
 */


/** A source whose token is handed in once and cannot be renewed. */
function fixedSource(options) {
    let loaded;
    let warned = false;
    return {
        platform: options.platform,
        canRefresh: false,
        async token() {
            loaded ??= options.load();
            const token = await loaded;
            const now = options.now();
            if (token.isExpired(now)) {
                throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('IDENTITY', `the ID token from ${options.origin} expired at ${token.expiresAt?.toISOString() ?? '?'}`, { hint: options.expiredHint });
            }
            if (!warned && token.expiresWithin(_token_js__WEBPACK_IMPORTED_MODULE_1__/* .REFRESH_WINDOW_MS */ .WP, now)) {
                warned = true;
                options.logger.warning(`the ID token from ${options.origin} expires at ${token.expiresAt?.toISOString() ?? '?'} and cannot be renewed here`);
            }
            return token;
        },
    };
}


/***/ }),

/***/ 6969:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  WP: () => (/* binding */ REFRESH_WINDOW_MS),
  Xm: () => (/* binding */ parseIdentityToken)
});

// UNUSED EXPORTS: IdentityToken

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/buffer_utils.js
const buffer_utils_encoder = new TextEncoder(), decoder = new TextDecoder(), buffer_utils_strictDecoder = new TextDecoder("utf-8", { fatal: !0 }), UINT32_RANGE = (/* unused pure expression or super */ null && (2 ** 32));
function concat(...buffers) {
  const size = buffers.reduce((acc, { length }) => acc + length, 0), buf = new Uint8Array(size);
  let i = 0;
  for (const buffer of buffers)
    buf.set(buffer, i), i += buffer.length;
  return buf;
}
function writeUInt32BE(buf, value, offset) {
  if (value < 0 || value >= UINT32_RANGE)
    throw new RangeError(`value must be >= 0 and <= ${UINT32_RANGE - 1}. Received ${value}`);
  buf.set([value >>> 24, value >>> 16, value >>> 8, value & 255], offset);
}
function uint64be(value) {
  const high = Math.floor(value / UINT32_RANGE), low = value % UINT32_RANGE, buf = new Uint8Array(8);
  return writeUInt32BE(buf, high, 0), writeUInt32BE(buf, low, 4), buf;
}
function uint32be(value) {
  const buf = new Uint8Array(4);
  return writeUInt32BE(buf, value), buf;
}
const NON_ASCII = /[^\x00-\x7f]/;
function buffer_utils_encode(string) {
  if (typeof string == "string" && string.length >= 128) {
    if (NON_ASCII.test(string))
      throw new TypeError("non-ASCII string encountered in encode()");
    return buffer_utils_encoder.encode(string);
  }
  const bytes = new Uint8Array(string.length);
  for (let i = 0; i < string.length; i++) {
    const code = string.charCodeAt(i);
    if (code > 127)
      throw new TypeError("non-ASCII string encountered in encode()");
    bytes[i] = code;
  }
  return bytes;
}
function buffer_utils_encodeBase64(input, url = !1) {
  if (Uint8Array.prototype.toBase64)
    return input.toBase64({ alphabet: url ? "base64url" : "base64", omitPadding: url });
  const CHUNK_SIZE = 32768, arr = [];
  for (let i = 0; i < input.length; i += CHUNK_SIZE)
    arr.push(String.fromCharCode.apply(null, input.subarray(i, i + CHUNK_SIZE)));
  const encoded = btoa(arr.join(""));
  return url ? encoded.replace(/=/g, "").replace(/\+/g, "-").replace(/\//g, "_") : encoded;
}
function decodeBase64(encoded, url = !1) {
  if (Uint8Array.fromBase64)
    return Uint8Array.fromBase64(encoded, { alphabet: url ? "base64url" : "base64" });
  if (url) {
    if (encoded.includes("+") || encoded.includes("/"))
      throw new TypeError("Invalid base64url");
    encoded = encoded.replace(/-/g, "+").replace(/_/g, "/");
  }
  const binary = atob(encoded), bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++)
    bytes[i] = binary.charCodeAt(i);
  return bytes;
}
async function digest(algorithm, data) {
  const subtleDigest = `SHA-${algorithm.slice(-3)}`;
  return new Uint8Array(await crypto.subtle.digest(subtleDigest, data));
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/util/base64url.js

const invalid = "The input to be decoded is not correctly encoded.";
function base64url_decode(input) {
  try {
    return decodeBase64(typeof input == "string" ? input : decoder.decode(input), !0);
  } catch (cause) {
    throw new TypeError(invalid, { cause });
  }
}
function base64url_encode(input) {
  return encodeBase64(typeof input == "string" ? encoder.encode(input) : input, !0);
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/validate.js



function assertUint8Array(input, label) {
  if (!(input instanceof Uint8Array))
    throw new TypeError(`${label} must be an instance of Uint8Array`);
}
function isObject(input) {
  if (typeof input != "object" || input === null || Object.prototype.toString.call(input) !== "[object Object]")
    return !1;
  const prototype = Object.getPrototypeOf(input);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}
function isJwkSet(input) {
  return isObject(input) && Array.isArray(input.keys) && Array.from(input.keys).every(isObject);
}
function isDisjoint(...headers) {
  const parameters = /* @__PURE__ */ new Set();
  for (const header of headers)
    if (header)
      for (const parameter of Object.keys(header)) {
        if (parameters.has(parameter))
          return !1;
        parameters.add(parameter);
      }
  return !0;
}
function assertNotSet(value, name) {
  if (value !== void 0)
    throw new TypeError(`${name} can only be called once`);
}
function decodeBase64url(value, label, ErrorClass) {
  try {
    return decode(value);
  } catch (cause) {
    throw new ErrorClass(`Failed to base64url decode the ${label}`, { cause });
  }
}
function encodeAsciiMember(value, label, ErrorClass) {
  try {
    return encode(value);
  } catch (cause) {
    throw new ErrorClass(`The ${label} is not a valid base64url string`, { cause });
  }
}
function parseJoseHeader(encodedProtectedHeader, ErrorClass, message) {
  let parsed;
  try {
    parsed = JSON.parse(strictDecoder.decode(decode(encodedProtectedHeader)));
  } catch (cause) {
    throw new ErrorClass(message, { cause });
  }
  if (!isObject(parsed))
    throw new ErrorClass(message);
  return parsed;
}
const JWS_RECOGNIZED = { __proto__: null, b64: !0 }, JWE_RECOGNIZED = { __proto__: null };
function validateAlgorithms(option, algorithms) {
  if (algorithms !== void 0 && (!Array.isArray(algorithms) || algorithms.some((s) => typeof s != "string")))
    throw new TypeError(`"${option}" option must be an array of strings`);
  return algorithms === void 0 ? void 0 : new Set(algorithms);
}
function validateCritDuplicates(Err, protectedHeader) {
  const { crit } = protectedHeader ?? {};
  if (Array.isArray(crit) && new Set(crit).size !== crit.length)
    throw new Err('"crit" (Critical) Header Parameter MUST NOT contain duplicate values');
}
function validateCrit(Err, recognizedDefault, recognizedOption, protectedHeader, joseHeader) {
  if (joseHeader.crit !== void 0 && protectedHeader?.crit === void 0)
    throw new Err('"crit" (Critical) Header Parameter MUST be integrity protected');
  if (!protectedHeader || protectedHeader.crit === void 0)
    return [];
  if (!Array.isArray(protectedHeader.crit) || protectedHeader.crit.length === 0 || protectedHeader.crit.some((input) => typeof input != "string" || input.length === 0))
    throw new Err('"crit" (Critical) Header Parameter MUST be an array of non-empty strings when present');
  const recognized = recognizedOption === void 0 ? recognizedDefault : { __proto__: null, ...recognizedOption, ...recognizedDefault };
  for (const parameter of protectedHeader.crit) {
    if (!(parameter in recognized))
      throw new JOSENotSupported(`Extension Header Parameter "${parameter}" is not recognized`);
    if (!Object.hasOwn(joseHeader, parameter) || joseHeader[parameter] === void 0)
      throw new Err(`Extension Header Parameter "${parameter}" is missing`);
    if (recognized[parameter] && (!Object.hasOwn(protectedHeader, parameter) || protectedHeader[parameter] === void 0))
      throw new Err(`Extension Header Parameter "${parameter}" MUST be integrity protected`);
  }
  return protectedHeader.crit;
}
function validateB64(protectedHeader, extensions) {
  if (extensions.includes("b64")) {
    const b64 = protectedHeader.b64;
    if (typeof b64 != "boolean")
      throw new JWSInvalid('The "b64" (base64url-encode payload) Header Parameter must be a boolean');
    return b64;
  }
  return !0;
}
function serializeJoseHeader(Err, header) {
  let serialized, parsed;
  try {
    serialized = JSON.stringify(header), parsed = JSON.parse(serialized);
  } catch (cause) {
    throw new Err("JOSE Header is not valid JSON", { cause });
  }
  if (!isObject(parsed))
    throw new Err("JOSE Header is not a JSON object");
  return [parsed, serialized];
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/util/errors.js
class JOSEError extends Error {
  static code = "ERR_JOSE_GENERIC";
  code = "ERR_JOSE_GENERIC";
  constructor(message, options) {
    super(message, options), this.name = this.constructor.name, Error.captureStackTrace?.(this, this.constructor);
  }
}
class JWTClaimValidationFailed extends JOSEError {
  static code = "ERR_JWT_CLAIM_VALIDATION_FAILED";
  code = "ERR_JWT_CLAIM_VALIDATION_FAILED";
  claim;
  reason;
  payload;
  constructor(message, payload, claim = "unspecified", reason = "unspecified") {
    super(message, { cause: { claim, reason, payload } }), this.claim = claim, this.reason = reason, this.payload = payload;
  }
}
class JWTExpired extends JOSEError {
  static code = "ERR_JWT_EXPIRED";
  code = "ERR_JWT_EXPIRED";
  claim;
  reason;
  payload;
  constructor(message, payload, claim = "unspecified", reason = "unspecified") {
    super(message, { cause: { claim, reason, payload } }), this.claim = claim, this.reason = reason, this.payload = payload;
  }
}
class JOSEAlgNotAllowed extends (/* unused pure expression or super */ null && (JOSEError)) {
  static code = (/* unused pure expression or super */ null && ("ERR_JOSE_ALG_NOT_ALLOWED"));
  code = "ERR_JOSE_ALG_NOT_ALLOWED";
}
class errors_JOSENotSupported extends (/* unused pure expression or super */ null && (JOSEError)) {
  static code = (/* unused pure expression or super */ null && ("ERR_JOSE_NOT_SUPPORTED"));
  code = "ERR_JOSE_NOT_SUPPORTED";
}
class JWEDecryptionFailed extends JOSEError {
  static code = "ERR_JWE_DECRYPTION_FAILED";
  code = "ERR_JWE_DECRYPTION_FAILED";
  constructor(message = "decryption operation failed", options) {
    super(message, options);
  }
}
class JWEInvalid extends (/* unused pure expression or super */ null && (JOSEError)) {
  static code = (/* unused pure expression or super */ null && ("ERR_JWE_INVALID"));
  code = "ERR_JWE_INVALID";
}
class errors_JWSInvalid extends (/* unused pure expression or super */ null && (JOSEError)) {
  static code = (/* unused pure expression or super */ null && ("ERR_JWS_INVALID"));
  code = "ERR_JWS_INVALID";
}
class JWTInvalid extends JOSEError {
  static code = "ERR_JWT_INVALID";
  code = "ERR_JWT_INVALID";
}
class JWKInvalid extends (/* unused pure expression or super */ null && (JOSEError)) {
  static code = (/* unused pure expression or super */ null && ("ERR_JWK_INVALID"));
  code = "ERR_JWK_INVALID";
}
class JWKSInvalid extends (/* unused pure expression or super */ null && (JOSEError)) {
  static code = (/* unused pure expression or super */ null && ("ERR_JWKS_INVALID"));
  code = "ERR_JWKS_INVALID";
}
class JWKSNoMatchingKey extends JOSEError {
  static code = "ERR_JWKS_NO_MATCHING_KEY";
  code = "ERR_JWKS_NO_MATCHING_KEY";
  constructor(message = "no applicable key found in the JSON Web Key Set", options) {
    super(message, options);
  }
}
class JWKSMultipleMatchingKeys extends JOSEError {
  [Symbol.asyncIterator] = async function* () {
  };
  static code = "ERR_JWKS_MULTIPLE_MATCHING_KEYS";
  code = "ERR_JWKS_MULTIPLE_MATCHING_KEYS";
  constructor(message = "multiple matching keys found in the JSON Web Key Set", options) {
    super(message, options);
  }
}
class JWKSTimeout extends JOSEError {
  static code = "ERR_JWKS_TIMEOUT";
  code = "ERR_JWKS_TIMEOUT";
  constructor(message = "request timed out", options) {
    super(message, options);
  }
}
class JWSSignatureVerificationFailed extends JOSEError {
  static code = "ERR_JWS_SIGNATURE_VERIFICATION_FAILED";
  code = "ERR_JWS_SIGNATURE_VERIFICATION_FAILED";
  constructor(message = "signature verification failed", options) {
    super(message, options);
  }
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/util/decode_jwt.js




function decodeJwt(jwt) {
  if (typeof jwt != "string")
    throw new JWTInvalid("JWTs must use Compact JWS serialization, JWT must be a string");
  const { 1: encodedPayload, length } = jwt.split(".");
  if (length === 5)
    throw new JWTInvalid("Only JWTs using Compact JWS serialization can be decoded");
  if (length !== 3)
    throw new JWTInvalid("Invalid JWT");
  if (!encodedPayload)
    throw new JWTInvalid("JWTs must contain a payload");
  let claimsSetBytes;
  try {
    claimsSetBytes = base64url_decode(encodedPayload);
  } catch (cause) {
    throw new JWTInvalid("Failed to base64url decode the payload", { cause });
  }
  let claimsSet;
  try {
    claimsSet = JSON.parse(buffer_utils_strictDecoder.decode(claimsSetBytes));
  } catch (cause) {
    throw new JWTInvalid("Failed to parse the decoded payload as JSON", { cause });
  }
  if (!isObject(claimsSet))
    throw new JWTInvalid("Invalid JWT Claims Set");
  return claimsSet;
}


// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
;// CONCATENATED MODULE: ./src/identity/token.ts
/**
 * The runner's OIDC identity token. gatepass never verifies it (the gateway
 * does); it decodes the claims for diagnostics and the request id, and keeps
 * the raw value out of every string form of the object so that logging one by
 * mistake cannot leak it.
 */



/** Within this much of `exp` a token counts as expiring (and is re-minted where possible). */
const REFRESH_WINDOW_MS = 60_000;
class IdentityToken {
    #value;
    platform;
    /** Decoded, not verified. */
    claims;
    /** From `exp`; undefined when the token has none. */
    expiresAt;
    constructor(value, platform, claims) {
        this.#value = value;
        this.platform = platform;
        this.claims = claims;
        this.expiresAt = typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined;
    }
    /** The raw JWT. A secret: hand it to the gateway, never to a log. */
    get value() {
        return this.#value;
    }
    /** True when the token expires within `windowMs` of `now` (or already has). */
    expiresWithin(windowMs, now = Date.now()) {
        return this.expiresAt !== undefined && this.expiresAt.getTime() - now <= windowMs;
    }
    isExpired(now = Date.now()) {
        return this.expiresWithin(0, now);
    }
    // JSON and util.inspect show who the token is for, never the token.
    toJSON() {
        return {
            platform: this.platform,
            iss: this.claims.iss,
            sub: this.claims.sub,
            exp: this.claims.exp,
        };
    }
    [external_node_util_.inspect.custom]() {
        return `IdentityToken ${JSON.stringify(this.toJSON())}`;
    }
    toString() {
        return `[identity token for ${this.claims.sub ?? 'unknown subject'}]`;
    }
}
/**
 * Decode a JWT without verifying it. `source` names where it came from
 * ("GATEPASS_ID_TOKEN", "the GitHub ID token endpoint") for the error message,
 * which never contains the value itself.
 */
function parseIdentityToken(raw, platform, source, hint) {
    const value = raw.trim();
    let claims;
    try {
        if (value.split('.').length !== 3)
            throw new Error('not three parts');
        claims = decodeJwt(value);
    }
    catch (cause) {
        throw new errors/* GatepassError */.J9('IDENTITY', `${source} does not hold a JWT (expected three base64url parts separated by dots, with a JSON claims set)`, {
            hint: hint ?? 'Pass the OIDC ID token itself, not a file name or another kind of token',
            cause,
        });
    }
    return new IdentityToken(value, platform, claims);
}


/***/ }),

/***/ 1356:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Pn: () => (/* binding */ stateDir),
/* harmony export */   li: () => (/* binding */ detectPlatform),
/* harmony export */   z3: () => (/* binding */ jobTempDir)
/* harmony export */ });
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/**
 * Which CI `gatepass` runs in, and where its files go there; from the
 * environment alone, so `gatepass revoke` in an `after_script` finds what
 * `gatepass run` wrote in the job's script.
 */


function detectPlatform(env) {
    if (env.GITLAB_CI === 'true')
        return 'gitlab';
    if (env.GITHUB_ACTIONS === 'true')
        return 'github';
    return 'local';
}
/**
 * The job's temporary directory. GitLab has none of its own name: it keeps
 * file-type variables in `<CI_PROJECT_DIR>.tmp`, next to the checkout (never
 * inside it, so never in an artifact by accident), on the builds volume that
 * `after_script` sees too. gatepass uses the same directory.
 */
function jobTempDir(platform, env) {
    if (platform === 'gitlab' && nonEmpty(env.CI_PROJECT_DIR))
        return `${env.CI_PROJECT_DIR}.tmp`;
    if (platform === 'github' && nonEmpty(env.RUNNER_TEMP))
        return env.RUNNER_TEMP;
    // The OS temp dir is shared by every user: a directory of our own in it.
    return (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_0__.tmpdir)(), `gatepass-${String(process.getuid?.() ?? 'user')}`);
}
/** Where `gatepass run` writes revocation state and `gatepass revoke` looks for it. */
function stateDir(platform, env) {
    return (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(jobTempDir(platform, env), 'gatepass');
}
function nonEmpty(value) {
    return value !== undefined && value !== '';
}


/***/ }),

/***/ 5164:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  hJ: () => (/* binding */ localPlatform),
  wA: () => (/* binding */ preparePrivateDir),
  S$: () => (/* binding */ stateFileHost),
  P0: () => (/* binding */ terminalHost),
  jl: () => (/* binding */ terminalLogger),
  TY: () => (/* binding */ wantsDebug)
});

// UNUSED EXPORTS: checkStateFile

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/common/logger.ts
var logger = __webpack_require__(9353);
// EXTERNAL MODULE: ./src/identity/source.ts
var source = __webpack_require__(8937);
// EXTERNAL MODULE: ./src/identity/token.ts + 5 modules
var token = __webpack_require__(6969);
;// CONCATENATED MODULE: ./src/identity/local.ts
/**
 * An ID token handed in by hand, for local runs and CI systems gatepass does
 * not know: the `GATEPASS_ID_TOKEN` variable or a file (`--id-token-file`).
 */





const VARIABLE = 'GATEPASS_ID_TOKEN';
function localIdentity(options) {
    const env = options.env ?? process.env;
    const origin = options.file === undefined ? VARIABLE : `--id-token-file ${options.file}`;
    return (0,source/* fixedSource */.s)({
        platform: 'local',
        origin,
        expiredHint: 'Get a new ID token from your identity provider and pass it again',
        logger: options.logger ?? logger/* silentLogger */.q,
        now: options.now ?? (() => Date.now()),
        load: async () => {
            const raw = options.file === undefined ? (env[VARIABLE] ?? '') : await readToken(options.file);
            if (raw.trim() === '') {
                throw new errors/* GatepassError */.J9('IDENTITY', `no ID token: ${origin} is empty or not set`, {
                    hint: `Set ${VARIABLE} or pass --id-token-file; for local development the reference gateway mints one (https://github.com/gatepass/gatepass/tree/main/examples/gateway)`,
                });
            }
            options.registerSecret(raw.trim());
            return (0,token/* parseIdentityToken */.Xm)(raw, 'local', origin);
        },
    });
}
async function readToken(file) {
    try {
        return await (0,promises_.readFile)(file, 'utf8');
    }
    catch (cause) {
        const code = cause.code;
        throw new errors/* GatepassError */.J9('INPUT', `cannot read --id-token-file ${file}${typeof code === 'string' ? ` (${code})` : ''}`, { hint: 'Pass the path of a file that holds the ID token', cause });
    }
}

// EXTERNAL MODULE: ./src/platform/detect.ts
var detect = __webpack_require__(1356);
;// CONCATENATED MODULE: ./src/platform/local.ts
/**
 * The CLI's side of the host interface, for a plain terminal and for CI jobs
 * that run `gatepass` as a command (GitLab):
 *
 * - `terminalHost`: what main's flow needs (a Host) on top of a CI
 *   platform (platform/gitlab.ts, github.ts, or `localPlatform` here): inputs
 *   from flags, environment and file; messages on stderr; revocation state
 *   written to a file at once, so `gatepass revoke` can finish the job;
 * - `stateFileHost`: `gatepass revoke --state FILE`.
 */







/** gatepass's own lines on stderr; debug ones only when asked for. */
function terminalLogger(stderr, debug) {
    // Messages shared with the action's log may already name gatepass.
    const say = (prefix) => (message) => {
        stderr.write(`gatepass: ${prefix}${message.replace(/^gatepass: /, '')}\n`);
    };
    return {
        debug: debug ? say('debug: ') : () => undefined,
        info: say(''),
        warning: say('warning: '),
        error: say('error: '),
    };
}
/** GATEPASS_DEBUG=1, or the CI's own debug switch (CI_DEBUG_TRACE, RUNNER_DEBUG). */
function wantsDebug(env) {
    return env.GATEPASS_DEBUG === '1' || env.CI_DEBUG_TRACE === 'true' || env.RUNNER_DEBUG === '1';
}
/** A developer's machine, or a CI gatepass does not know: the ID token is handed in. */
function localPlatform(options) {
    const { env } = options;
    const context = {
        platform: 'local',
        repository: undefined,
        ref: undefined,
        sha: undefined,
        runId: undefined,
        runAttempt: undefined,
        job: undefined,
        step: undefined,
        actor: env.USER ?? env.USERNAME,
        workflow: undefined,
        eventName: undefined,
        serverUrl: undefined,
    };
    return {
        context,
        workspace: options.cwd,
        tempDir: (0,detect/* jobTempDir */.z3)('local', env),
        identity: ({ registerSecret, logger }) => localIdentity({
            ...(options.idTokenFile === undefined ? {} : { file: options.idTokenFile }),
            registerSecret,
            logger,
            env: { ...env },
        }),
        setSecret: () => undefined,
    };
}
/**
 * The CLI's Host: no step outputs (the log and audit file carry the same
 * facts) and no later steps to export to; the state goes to `statePath`.
 */
function terminalHost(options) {
    const { platform, statePath, log } = options;
    let saved = '';
    return {
        state: {
            save: (value) => {
                writePrivateFile(statePath, value);
                saved = value;
            },
            load: () => saved,
        },
        setSecret: (value) => {
            platform.setSecret(value);
        },
        appendSummary: async ({ markdown, text }) => {
            if (options.summaryFile !== undefined) {
                await (0,promises_.appendFile)(options.summaryFile, markdown, { mode: 0o600 });
            }
            // A summary page (GitHub's) takes the Markdown; a log or a terminal reads text.
            if (platform.appendSummary !== undefined)
                await platform.appendSummary(markdown);
            else
                options.stderr.write(`\n${text}`);
        },
        log,
        context: platform.context,
        workspace: platform.workspace,
        tempDir: platform.tempDir,
        env: options.env,
        identity: (identityOptions) => platform.identity(identityOptions),
        preflight: () => {
            preparePrivateDir((0,external_node_path_.dirname)(statePath));
            if (exists(statePath)) {
                throw new errors/* GatepassError */.J9('INPUT', `the state file ${statePath} already exists`, {
                    hint: `It may hold credentials of an earlier run: run \`gatepass revoke --state ${statePath}\` first, or pass another --state`,
                });
            }
        },
    };
}
/**
 * Creates the directory for state files, readable by this user only, and
 * refuses one that is a symlink or someone else's: /tmp is shared, and the
 * state holds revocation handles.
 */
function preparePrivateDir(dir) {
    try {
        (0,external_node_fs_.mkdirSync)(dir, { recursive: true, mode: 0o700 });
    }
    catch (err) {
        throw new errors/* GatepassError */.J9('INPUT', `cannot create the state directory ${dir} (${(0,errors/* errorCodeOf */.D9)(err)})`, {
            hint: 'Pass --state with a path in a writable directory',
        });
    }
    const info = (0,external_node_fs_.lstatSync)(dir);
    const uid = process.getuid?.();
    if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) {
        throw new errors/* GatepassError */.J9('INPUT', `the state directory ${dir} is not a directory of this user`, {
            hint: 'Remove it, or pass --state with a path in a directory of your own',
        });
    }
    // Ours, but perhaps made by hand with the default umask: nobody else may list it.
    if ((info.mode & 0o077) !== 0)
        (0,external_node_fs_.chmodSync)(dir, 0o700);
}
/**
 * A state file `gatepass revoke` may act on: a regular file of this user, not
 * a link. Revoking sends the client secret to the endpoint the file names, so
 * a file another user planted (in a shared /tmp) must not be read.
 */
function checkStateFile(path) {
    let info;
    try {
        info = (0,external_node_fs_.lstatSync)(path);
    }
    catch {
        return 'missing';
    }
    const uid = process.getuid?.();
    if (!info.isFile() || (uid !== undefined && info.uid !== uid)) {
        throw new errors/* GatepassError */.J9('INPUT', `the state file ${path} is not a file of this user`, {
            hint: 'gatepass only revokes from state files it wrote as you; remove this one',
        });
    }
    return 'ok';
}
/** Written whole or not at all (a killed job must not leave half a state file). */
function writePrivateFile(path, text) {
    const temporary = `${path}.${(0,external_node_crypto_.randomBytes)(6).toString('hex')}.tmp`;
    // wx: never through a link or into a file someone else made.
    (0,external_node_fs_.writeFileSync)(temporary, text, { mode: 0o600, flag: 'wx' });
    (0,external_node_fs_.renameSync)(temporary, path);
}
function exists(path) {
    try {
        (0,external_node_fs_.lstatSync)(path);
        return true;
    }
    catch {
        return false;
    }
}
/** The host for `gatepass revoke --state FILE`; undefined when the file does not exist. */
async function stateFileHost(path, io) {
    if (checkStateFile(path) === 'missing')
        return undefined;
    let state;
    try {
        state = await (0,promises_.readFile)(path, 'utf8');
    }
    catch (err) {
        if ((0,errors/* errorCodeOf */.D9)(err) === 'ENOENT')
            return undefined;
        throw new errors/* GatepassError */.J9('INPUT', `cannot read --state ${path} (${(0,errors/* errorCodeOf */.D9)(err)})`, {
            hint: 'Pass the state file gatepass wrote when it issued the credentials',
        });
    }
    return {
        state: {
            load: () => state.trim(),
            unreadable: {
                what: `the state file ${path}`,
                hint: `It is kept: revoke it with the gatepass version that wrote it (\`gatepass revoke --state ${path}\`), or revoke its credentials at the gateway by hand and delete the file`,
            },
        },
        // Nothing here prints a secret, and a terminal has no log masking to tell.
        setSecret: () => undefined,
        appendSummary: () => Promise.resolve(),
        log: terminalLogger(io.stderr, wantsDebug(io.env)),
    };
}


/***/ })

};

//# sourceMappingURL=233.index.js.map