export const id = 726;
export const ids = [726];
export const modules = {

/***/ 8726:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  startHttpProxy: () => (/* reexport */ startHttpProxy)
});

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/delivery/http/target.ts
/**
 * The request target: the capability segment, then a path normalised into
 * the one form both `inspect` and the upstream see, so the upstream cannot
 * be asked for anything else than what was checked.
 *
 * - origin-form only (`/…`): absolute-form and `*` mean someone uses the
 *   proxy as a forward proxy, which it is not;
 * - `%XX` of an unreserved character (ALPHA DIGIT - . _ ~) is decoded, every
 *   other `%XX` kept with upper-case hex, and every byte outside RFC 3986's
 *   pchar encoded; a malformed `%` is refused. Once in this form, two paths
 *   an upstream could read alike are the same string;
 * - `%2F` stays encoded: decoding it would turn one segment into two, and
 *   upstreams differ on whether `%2F` separates (GitLab's project IDs
 *   `group%2Fproject` rely on it not doing so). The upstream gets it as
 *   sent; the guardrails rules do not see it as `%2F`: evaluateHttp matches
 *   the path after guardrails/http.ts normaliseHttpPath, which decodes it to
 *   `/` (a deny on `/v1/admin/**` covers `/v1/admin%2Fusers`);
 * - `.` and `..` (including `%2e%2e`, decoded first) are resolved, never
 *   above the base: the job cannot leave the upstream base path;
 * - empty segments (`//admin`) are dropped; a trailing `/` is kept, since
 *   upstreams tell `/x/` from `/x`.
 */
function parseTarget(raw) {
    if (!raw.startsWith('/')) {
        return {
            ok: false,
            error: 'not_origin_form',
            message: 'gatepass is not a forward proxy: send requests to the base URL it gave, not through it',
            capability: '',
        };
    }
    const at = raw.indexOf('?');
    const rawPath = at === -1 ? raw : raw.slice(0, at);
    const query = at === -1 ? '' : raw.slice(at + 1);
    const [, capability = '', ...rest] = rawPath.split('/');
    const path = normalisePath(rest);
    if (path === undefined || raw.includes('#')) {
        const message = 'gatepass could not read the request path (a malformed % escape?)';
        return { ok: false, error: 'bad_path', message, capability };
    }
    return { ok: true, capability, path, query };
}
/** The segments after the capability, as one canonical path; undefined when malformed. */
function normalisePath(segments) {
    const out = [];
    let trailingSlash = false;
    for (const [i, raw] of segments.entries()) {
        const segment = canonicalSegment(raw);
        if (segment === undefined)
            return undefined;
        const last = i === segments.length - 1;
        if (segment === '..')
            out.pop();
        else if (segment !== '.' && segment !== '')
            out.push(segment);
        trailingSlash = last && (segment === '' || segment === '.' || segment === '..');
    }
    const joined = `/${out.join('/')}`;
    return trailingSlash && out.length > 0 ? `${joined}/` : joined;
}
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** pchar minus `%` (RFC 3986 §3.3): kept as they are. */
const PCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;
function canonicalSegment(raw) {
    let out = '';
    for (let i = 0; i < raw.length; i++) {
        const char = raw.charAt(i);
        if (char === '%') {
            const hex = raw.slice(i + 1, i + 3);
            if (!/^[0-9A-Fa-f]{2}$/.test(hex))
                return undefined;
            const decoded = String.fromCharCode(parseInt(hex, 16));
            out += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
            i += 2;
        }
        else if (PCHAR.test(char)) {
            out += char;
        }
        else {
            // node:http hands the target over byte for byte (latin1): encode the byte.
            const code = raw.charCodeAt(i);
            if (code > 0xff)
                return undefined;
            out += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
        }
    }
    return out;
}
/** The query's parameter names, for the record: values may be secrets (pre-signed URLs, tokens). */
function queryKeys(query) {
    if (query === '')
        return [];
    const names = query.split('&').map((pair) => pair.split('=', 1)[0] ?? '');
    return [...new Set(names.filter((name) => name !== ''))].slice(0, 32).map((n) => n.slice(0, 100));
}

;// CONCATENATED MODULE: ./src/delivery/http/access.ts
/**
 * Who may use the proxy: only the job step it was started for.
 *
 * - The capability: 256 random bits, base64url, as the first path segment
 *   of the base URL the job gets. Any HTTP client that takes a base URL
 *   carries it without knowing; other local users and processes (the
 *   port is reachable by everyone on the host) do not have it. Compared as
 *   SHA-256 digests with timingSafeEqual, so neither its bytes nor its
 *   length leak through timing.
 * - The Host header must name the listening address: `127.0.0.1:PORT`, or
 *   `localhost:PORT` (some clients rewrite one into the other; browsers
 *   never resolve `localhost` elsewhere, so it cannot be an attacker's
 *   name). Anything else is a browser led here by DNS rebinding
 *   (`evil.example` resolving to 127.0.0.1), refused before the capability
 *   is even looked at.
 */


function newCapability() {
    return (0,external_node_crypto_.randomBytes)(32).toString('base64url');
}
/** A constant-time test for `capability`. */
function capabilityTest(capability) {
    const expected = digest(capability);
    return (given) => (0,external_node_crypto_.timingSafeEqual)(expected, digest(given));
}
function digest(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text, 'latin1').digest();
}
/** Whether `host` (the Host header) names the proxy's own loopback address and port. */
function hostAllowed(host, port) {
    if (host === undefined)
        return false;
    const value = host.trim().toLowerCase();
    return value === `127.0.0.1:${String(port)}` || value === `localhost:${String(port)}`;
}
/** The proxy's own rules, in order: Host, origin-form, capability, path, method, upgrade. */
function admit(request, guard) {
    if (!hostAllowed(request.host, guard.port)) {
        return blocked(403, 'wrong_host', 'gatepass:host', WRONG_HOST);
    }
    const target = parseTarget(request.url);
    if (!target.ok && target.error === 'not_origin_form') {
        return blocked(400, 'not_origin_form', 'gatepass:forward-proxy', target.message);
    }
    if (!guard.capable(target.capability)) {
        return blocked(403, 'capability_required', 'gatepass:capability', NO_CAPABILITY);
    }
    if (!target.ok) {
        const refusal = { status: 400, error: target.error, message: target.message };
        return { ok: false, refusal, outcome: 'error', path: '' };
    }
    if (request.method === 'TRACE') {
        // TRACE echoes the request, injected credential included, back to the client.
        const refused = blocked(405, 'method_not_allowed', 'gatepass:trace', NO_TRACE);
        return { ...refused, path: target.path };
    }
    if (!upgradeIgnorable(request.upgrade)) {
        const refused = blocked(501, 'upgrade_not_supported', 'gatepass:upgrade', NO_UPGRADE);
        // The client may not take a 501 as the end of its handshake: close, not keep-alive.
        const refusal = { ...refused.refusal, headers: { connection: 'close' } };
        return { ...refused, refusal, path: target.path };
    }
    return { ok: true, path: target.path, query: target.query };
}
/**
 * WebSocket and other upgrades are refused: `inspect` judges one request,
 * and an upgraded socket carries any number of messages no rule has seen.
 * `h2c` alone is ignored instead (a server may, RFC 9110 §7.8): the request
 * is served over HTTP/1.1, as `curl --http2` expects.
 */
function upgradeIgnorable(upgrade) {
    if (upgrade === undefined)
        return true;
    const protocols = upgrade.split(',').map((p) => p.trim().toLowerCase());
    return protocols.every((p) => p === 'h2c' || p === '');
}
const WRONG_HOST = 'gatepass answers only requests addressed to 127.0.0.1 or localhost at its own port';
const NO_CAPABILITY = 'gatepass answers only requests under the base URL it gave the job step (with its capability)';
const NO_TRACE = 'gatepass does not relay TRACE: it would echo the credential';
const NO_UPGRADE = 'gatepass does not relay WebSocket or other protocol upgrades: each request must be checked on its own';
function blocked(status, error, rule, message) {
    return { ok: false, refusal: { status, error, rule, message }, outcome: 'blocked', path: '' };
}

;// CONCATENATED MODULE: ./src/delivery/http/exchange.ts
class Exchange {
    method;
    path = '';
    queryKeys = [];
    requestBytes = 0;
    responseBytes = 0;
    time = new Date().toISOString();
    started = performance.now();
    record;
    recorded = false;
    constructor(method, record) {
        this.method = method;
        this.record = record;
    }
    get done() {
        return this.recorded;
    }
    finish(outcome, status, rule) {
        if (this.recorded)
            return;
        this.recorded = true;
        const entry = {
            time: this.time,
            method: this.method,
            path: this.path,
            queryKeys: this.queryKeys,
            status,
            durationMs: Math.round(performance.now() - this.started),
            requestBytes: this.requestBytes,
            responseBytes: this.responseBytes,
            outcome,
            ...(rule === undefined ? {} : { rule }),
        };
        try {
            this.record(entry);
        }
        catch {
            // The recorder's failure is its own to report; the request it describes is over.
        }
    }
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: external "node:stream/promises"
var promises_ = __webpack_require__(6466);
;// CONCATENATED MODULE: ./src/delivery/http/headers.ts
const HOP_BY_HOP = new Set([
    'connection',
    'keep-alive',
    'proxy-connection',
    'te',
    'trailer',
    'transfer-encoding',
    'upgrade',
    'proxy-authenticate',
    'proxy-authorization',
]);
const NEVER_FORWARDED = new Set([
    'authorization',
    'cookie',
    'host',
    'expect',
    'forwarded',
    'x-real-ip',
]);
/** The client's headers as the upstream gets them, with the credential in. */
function upstreamHeaders(headers, credential) {
    const dropped = connectionNamed(headers.connection);
    const out = {};
    for (const [name, values] of Object.entries(headers)) {
        if (values === undefined || dropped.has(name) || HOP_BY_HOP.has(name))
            continue;
        if (NEVER_FORWARDED.has(name) || name.startsWith('x-forwarded-'))
            continue;
        out[name] = values;
    }
    out[credential.header.toLowerCase()] = [credential.value];
    return out;
}
/** The upstream's headers as the client gets them. */
function clientHeaders(headers, rewrite) {
    const connection = headers.connection;
    const dropped = connectionNamed(connection === undefined ? undefined : [connection]);
    const out = [];
    for (const [name, value] of Object.entries(headers)) {
        if (value === undefined || dropped.has(name) || HOP_BY_HOP.has(name))
            continue;
        if (name === 'location' && typeof value === 'string')
            out.push([name, rewrite(value)]);
        else if (name === 'link')
            out.push([name, mapValues(value, (v) => rewriteLink(v, rewrite))]);
        else
            out.push([name, value]);
    }
    return out;
}
function connectionNamed(values) {
    const names = (values ?? []).flatMap((v) => v.split(','));
    return new Set(names.map((n) => n.trim().toLowerCase()).filter((n) => n !== ''));
}
function mapValues(value, fn) {
    return typeof value === 'string' ? fn(value) : value.map(fn);
}
/** `<https://upstream/x?page=2>; rel="next"`: each `<…>` target (RFC 8288). */
function rewriteLink(value, rewrite) {
    return value.replace(/<([^>]*)>/g, (_all, url) => `<${rewrite(url)}>`);
}
/**
 * `url` (resolved against `from`) as the client should follow it: through
 * `local` (`http://127.0.0.1:PORT/<capability>`) when it lies under the
 * upstream base, else unchanged.
 */
function redirectRewriter(options) {
    const { upstream, basePath, from, local } = options;
    return (url) => {
        let target;
        try {
            target = new URL(url, from);
        }
        catch {
            return url;
        }
        if (target.origin !== upstream.origin)
            return url;
        const { pathname } = target;
        const under = pathname === basePath || pathname.startsWith(`${basePath}/`);
        if (!under)
            return url;
        const rest = pathname.slice(basePath.length);
        return `${local}${rest === '' ? '/' : rest}${target.search}${target.hash}`;
    };
}

;// CONCATENATED MODULE: ./src/delivery/http/replies.ts
function body(refusal) {
    const { error, rule, message } = refusal;
    return `${JSON.stringify(rule === undefined ? { error, message } : { error, rule, message })}\n`;
}
/**
 * Writes `refusal` and returns its byte count. `closeConnection` for a
 * request whose body was not read, so that node:http does not read (say) a
 * gigabyte of refused upload to reuse the connection.
 */
function reply(res, answer) {
    const { refusal, closeConnection } = answer;
    const text = body(refusal);
    res.writeHead(refusal.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(text)),
        'cache-control': 'no-store',
        ...(closeConnection ? { connection: 'close' } : {}),
        ...refusal.headers,
    });
    res.end(text);
    return Buffer.byteLength(text);
}
const REASONS = {
    400: 'Bad Request',
    403: 'Forbidden',
    405: 'Method Not Allowed',
    417: 'Expectation Failed',
    431: 'Request Header Fields Too Large',
    501: 'Not Implemented',
};
/** The same on a bare socket (CONNECT, Upgrade, unparseable requests), then closes it. */
function replyRaw(socket, refusal) {
    const text = body(refusal);
    const head = [
        `HTTP/1.1 ${String(refusal.status)} ${REASONS[refusal.status] ?? 'Error'}`,
        'content-type: application/json; charset=utf-8',
        `content-length: ${String(Buffer.byteLength(text))}`,
        'connection: close',
    ];
    // Destroyed once written: a client that never closes its side must not keep close() waiting.
    if (socket.writable) {
        socket.end(`${head.join('\r\n')}\r\n\r\n${text}`, () => {
            socket.destroy();
        });
    }
    else
        socket.destroy();
    return Buffer.byteLength(text);
}

// EXTERNAL MODULE: ./src/common/network.ts
var network = __webpack_require__(1451);
// EXTERNAL MODULE: ./src/common/proxy.ts + 1 modules
var common_proxy = __webpack_require__(8510);
;// CONCATENATED MODULE: ./src/delivery/http/upstream.ts


async function callUpstream(call) {
    const { dispatcher, proxy } = await (0,common_proxy/* dispatcherTo */.ZO)(call.upstream, call.env);
    try {
        const response = await dispatcher.request({
            origin: call.upstream.origin,
            path: call.path,
            method: call.method,
            headers: flatten(call.headers),
            body: call.body,
            signal: call.signal,
            headersTimeout: call.headersTimeoutMs,
            bodyTimeout: call.bodyTimeoutMs,
        });
        return { response, proxy };
    }
    catch (err) {
        throw new UpstreamError(err, proxy);
    }
}
/** A failure before the upstream's response headers, with the proxy it went through. */
class UpstreamError extends Error {
    proxy;
    constructor(cause, proxy) {
        super('upstream request failed', { cause });
        this.name = 'UpstreamError';
        this.proxy = proxy;
    }
}
/** `["a", "1", "a", "2"]`: undici's raw form, which keeps repeated headers apart. */
function flatten(headers) {
    return Object.entries(headers).flatMap(([name, values]) => values.flatMap((v) => [name, v]));
}
const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
/**
 * 504 when the upstream (or the way to it) ran out of time, else 502; the
 * message names the upstream's origin and the proxy's, never a header.
 */
function upstreamRefusal(failure) {
    const { error: err, upstream, timeoutMs } = failure;
    const code = codeOf(err.cause);
    if (code !== undefined && TIMEOUTS.has(code)) {
        const via = err.proxy === undefined ? '' : ` through the proxy at ${err.proxy}`;
        return {
            status: 504,
            error: 'upstream_timeout',
            message: `gatepass: the upstream at ${upstream.origin}${via} did not answer within ${String(Math.round(timeoutMs / 1000))} s`,
        };
    }
    const worded = (0,network/* connectionError */.$)(err.cause, {
        what: 'the upstream',
        url: upstream,
        label: 'gatepass',
        input: 'upstream',
        ...(err.proxy === undefined ? {} : { proxy: err.proxy }),
    });
    return {
        status: 502,
        error: 'upstream_unreachable',
        message: worded?.message ??
            `gatepass: the request to the upstream at ${upstream.origin} failed (${code ?? 'unknown error'})`,
    };
}
function codeOf(err) {
    let e = err;
    for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
        const { code, cause } = e;
        if (typeof code === 'string')
            return code;
        e = cause;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/delivery/http/relay.ts








/** The reason given to a request's signal when its client went away. */
const CLIENT_GONE = new Error('the client went away');
async function relay(proxy, request) {
    const { req, res, expectsContinue } = request;
    const exchange = new Exchange(req.method ?? 'GET', proxy.options.record);
    const controller = new AbortController();
    const onClose = () => {
        controller.abort(proxy.closing.reason);
    };
    if (proxy.closing.aborted)
        onClose();
    else
        proxy.closing.addEventListener('abort', onClose, { once: true });
    res.on('close', () => {
        if (!res.writableFinished)
            controller.abort(CLIENT_GONE);
    });
    proxy.active++;
    const job = { proxy, req, res, exchange, signal: controller.signal, expectsContinue };
    try {
        await serve(job);
    }
    catch {
        // A bug: answer if still possible, without details (they could hold anything).
        const refusal = { status: 500, error: 'internal', message: 'gatepass failed on this request' };
        refuse(job, refusal);
        exchange.finish('error', res.headersSent ? res.statusCode : 500);
    }
    finally {
        proxy.active--;
        proxy.closing.removeEventListener('abort', onClose);
        await (0,promises_.finished)(res).catch(() => undefined);
    }
}
async function serve(job) {
    const { proxy, req, exchange } = job;
    const method = req.method ?? 'GET';
    const { host, upgrade } = req.headers;
    const admitted = admit({ method, url: req.url ?? '', host, upgrade }, proxy);
    if (!admitted.ok) {
        exchange.path = admitted.path;
        refuse(job, admitted.refusal, admitted.outcome);
        return;
    }
    exchange.path = admitted.path;
    exchange.queryKeys = queryKeys(admitted.query);
    if (proxy.active > proxy.limits.maxConcurrent) {
        refuse(job, TOO_MANY, 'error');
        return;
    }
    const { path, query } = admitted;
    const decision = await held(proxy.options.inspect({ method, path, query, signal: job.signal }), job.signal);
    if (decision === ABORTED) {
        ended(job);
        return;
    }
    if (decision instanceof Error) {
        refuse(job, CHECK_FAILED, 'error');
        return;
    }
    if (!decision.allow) {
        const { rule, message } = decision;
        refuse(job, { status: 403, error: 'blocked_by_gatepass', rule, message }, 'blocked');
        return;
    }
    await forward(job, `${proxy.basePath}${path}${query === '' ? '' : `?${query}`}`);
}
async function forward(job, upstreamPath) {
    const { proxy, req, res } = job;
    const credential = await held(proxy.options.credential(), job.signal);
    if (credential === ABORTED) {
        ended(job);
        return;
    }
    if (credential instanceof Error || !wellFormed(credential)) {
        refuse(job, NO_CREDENTIAL(proxy.upstream), 'error');
        return;
    }
    if (job.expectsContinue)
        res.writeContinue();
    let answer;
    try {
        answer = await callUpstream({
            upstream: proxy.upstream,
            path: upstreamPath,
            method: req.method ?? 'GET',
            headers: upstreamHeaders(req.headersDistinct, credential),
            body: requestBody(job),
            signal: job.signal,
            headersTimeoutMs: proxy.limits.headersTimeoutMs,
            bodyTimeoutMs: proxy.limits.bodyTimeoutMs,
            env: proxy.options.env ?? process.env,
        });
    }
    catch (err) {
        if (job.signal.aborted) {
            ended(job);
            return;
        }
        if (!(err instanceof UpstreamError))
            throw err;
        const refusal = upstreamRefusal({
            error: err,
            upstream: proxy.upstream,
            timeoutMs: proxy.limits.headersTimeoutMs,
        });
        refuse(job, refusal, 'upstream-error');
        return;
    }
    await answerClient(job, answer, upstreamPath);
}
/** A header name (RFC 9110 token) and a value without line breaks or NUL: else nothing is sent. */
function wellFormed(credential) {
    return (/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(credential.header) && !/[\r\n\0]/.test(credential.value));
}
/** The request body through a byte counter, or null when the request has none. */
function requestBody(job) {
    const { headers } = job.req;
    const length = headers['content-length'];
    const chunked = headers['transfer-encoding'] !== undefined;
    if (!chunked && (length === undefined || length === '0'))
        return null;
    const counter = new external_node_stream_.Transform({
        transform: (chunk, _encoding, done) => {
            job.exchange.requestBytes += chunk.length;
            done(null, chunk);
        },
    });
    // A client abort errors the pipeline, which errors the body, which aborts the upstream request.
    (0,promises_.pipeline)(job.req, counter).catch(() => undefined);
    return counter;
}
async function answerClient(job, answer, upstreamPath) {
    const { proxy, res, exchange } = job;
    const { statusCode, headers, body } = answer.response;
    const rewrite = redirectRewriter({
        upstream: proxy.upstream,
        basePath: proxy.basePath,
        from: new URL(upstreamPath, proxy.upstream.origin),
        local: proxy.local,
    });
    for (const [name, value] of clientHeaders(headers, rewrite))
        res.setHeader(name, value);
    res.writeHead(statusCode);
    if (job.req.method === 'HEAD' || statusCode === 204 || statusCode === 304) {
        body.resume();
        res.end();
        exchange.finish('ok', statusCode);
        return;
    }
    // Long polls and SSE: the client sees the status before the first byte of body.
    res.flushHeaders();
    body.on('data', (chunk) => {
        exchange.responseBytes += chunk.length;
    });
    try {
        await (0,promises_.pipeline)(body, res);
        exchange.finish('ok', statusCode);
    }
    catch {
        exchange.finish(job.signal.aborted ? 'error' : 'upstream-error', statusCode);
    }
}
const ABORTED = Symbol('aborted');
/**
 * `work`'s result, its failure as an Error, or ABORTED as soon as `signal`
 * aborts, whether or not `work` listens to it: a held request is let go
 * the moment its client leaves or the proxy closes.
 */
async function held(work, signal) {
    if (signal.aborted)
        return ABORTED;
    let onAbort = () => undefined;
    const aborted = new Promise((resolve) => {
        onAbort = () => {
            resolve(ABORTED);
        };
        signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
        return await Promise.race([
            work.catch((err) => (err instanceof Error ? err : new Error('failed'))),
            aborted,
        ]);
    }
    finally {
        signal.removeEventListener('abort', onAbort);
    }
}
/** The request's signal aborted: the client left (recorded as 499), or the proxy closes (503). */
function ended(job) {
    if (job.signal.reason === CLIENT_GONE) {
        job.exchange.finish('error', job.res.headersSent ? job.res.statusCode : 499);
        return;
    }
    refuse(job, CLOSING, 'error');
}
/** Answers with a refusal (if the client can still hear it) and records it. */
function refuse(job, refusal, outcome) {
    const { req, res, exchange } = job;
    if (!res.headersSent && res.writable) {
        const bodyUnread = !req.complete;
        const closeConnection = bodyUnread || refusal === CLOSING;
        exchange.responseBytes += reply(res, { refusal, closeConnection });
    }
    if (outcome !== undefined)
        exchange.finish(outcome, refusal.status, refusal.rule);
}
const TOO_MANY = {
    status: 503,
    error: 'too_many_requests',
    message: 'gatepass is handling as many requests as it allows at once; retry shortly',
    headers: { 'retry-after': '1' },
};
const CLOSING = {
    status: 503,
    error: 'closing',
    message: "gatepass's data path is closing: the job step is ending",
};
const CHECK_FAILED = {
    status: 500,
    error: 'check_failed',
    message: 'gatepass could not check this request, so it did not send it upstream',
};
function NO_CREDENTIAL(upstream) {
    return {
        status: 503,
        error: 'credential_unavailable',
        message: `gatepass could not obtain the credential for ${upstream.origin}, so it did not send the request`,
    };
}

;// CONCATENATED MODULE: ./src/delivery/http/server.ts
/**
 * The data path's HTTP proxy (docs/data-path.md § HTTP): a loopback
 * reverse proxy to one upstream, for one job step. See types.ts for the
 * contract, access.ts for who may use it, target.ts for paths, headers.ts
 * for what is stripped and rewritten, upstream.ts for the way out.
 */






const server_CLOSING = new Error('the data path is closing');
async function startHttpProxy(options) {
    const upstream = checkedUpstream(options.upstream);
    const capability = newCapability();
    const stop = new AbortController();
    // Held requests may wait minutes for approval and uploads may be long:
    // node's whole-request timeout (300 s) would cut both. The head still has
    // node's 60 s (headersTimeout). Upgrade requests come as plain requests
    // (Node ≥ 24.9), where admit() refuses or ignores them with a proper answer;
    // older Nodes emit 'upgrade', answered below.
    const server = (0,external_node_http_.createServer)({
        maxHeaderSize: options.maxHeaderBytes ?? 16 * 1024,
        requestTimeout: 0,
        shouldUpgradeCallback: () => false,
    });
    const port = await listen(server);
    const proxy = {
        options,
        upstream,
        basePath: upstream.pathname.replace(/\/+$/, ''),
        port,
        local: `http://127.0.0.1:${String(port)}/${capability}`,
        capable: capabilityTest(capability),
        closing: stop.signal,
        active: 0,
        limits: {
            headersTimeoutMs: options.upstreamTimeoutMs ?? 120_000,
            bodyTimeoutMs: options.idleTimeoutMs ?? 300_000,
            maxConcurrent: options.maxConcurrentRequests ?? 64,
        },
    };
    const inflight = server_serve(server, proxy);
    let closed;
    const close = () => (closed ??= shutDown({ server, stop, inflight }));
    options.signal?.addEventListener('abort', () => void close(), { once: true });
    if (options.signal?.aborted === true)
        await close();
    return { url: `${proxy.local}/`, close };
}
/** Answers every event the server emits; returns the requests in progress, for close(). */
function server_serve(server, proxy) {
    const inflight = new Set();
    const track = (work) => {
        inflight.add(work);
        void work.finally(() => inflight.delete(work));
    };
    server.on('request', (req, res) => {
        track(relay(proxy, { req, res, expectsContinue: false }));
    });
    server.on('checkContinue', (req, res) => {
        track(relay(proxy, { req, res, expectsContinue: true }));
    });
    server.on('checkExpectation', (req, res) => {
        const exchange = new Exchange(req.method ?? '', proxy.options.record);
        exchange.responseBytes = reply(res, { refusal: UNKNOWN_EXPECTATION, closeConnection: true });
        exchange.finish('error', UNKNOWN_EXPECTATION.status);
    });
    server.on('upgrade', (req, socket) => {
        refuseUpgrade(proxy, req, socket);
    });
    server.on('connect', (req, socket) => {
        refuseRaw(proxy, { req, socket, refusal: NOT_A_FORWARD_PROXY });
    });
    server.on('clientError', (err, socket) => {
        unreadable(proxy, err, socket);
    });
    // After listen, the server's own errors are failed accepts (EMFILE): transient, and
    // without a listener they would end the process, and the job step with it.
    server.on('error', () => undefined);
    return inflight;
}
/** Stop accepting, let every request go (held ones get 503), then close every socket. */
async function shutDown(parts) {
    const { server, stop, inflight } = parts;
    const closed = new Promise((resolve) => {
        server.close(() => {
            resolve();
        });
    });
    stop.abort(server_CLOSING);
    await Promise.allSettled([...inflight]);
    server.closeAllConnections();
    await closed;
}
function listen(server) {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            server.off('error', reject);
            resolve(server.address().port);
        });
    });
}
/** https, or http to loopback only (the credential must not cross a network in clear). */
function checkedUpstream(url) {
    const upstream = new URL(url.href);
    const host = upstream.hostname.replace(/^\[|\]$/g, '');
    const loopback = host === 'localhost' || host === '::1' || host.startsWith('127.');
    const problem = upstream.protocol !== 'https:' && !(upstream.protocol === 'http:' && loopback)
        ? 'must be an https URL (http only to a loopback address)'
        : upstream.username !== '' || upstream.password !== ''
            ? 'must not carry credentials'
            : upstream.search !== '' || upstream.hash !== ''
                ? 'must not have a query or fragment'
                : undefined;
    if (problem === undefined)
        return upstream;
    throw new errors/* GatepassError */.J9('CONFIG', `The data path's upstream ${problem}`, {
        hint: 'Set the upstream to the API base URL, e.g. https://api.github.com',
    });
}
const UNKNOWN_EXPECTATION = {
    status: 417,
    error: 'expectation_failed',
    message: 'gatepass knows no Expect but 100-continue',
};
const NOT_A_FORWARD_PROXY = {
    status: 405,
    error: 'not_origin_form',
    rule: 'gatepass:connect',
    message: 'gatepass is not a forward proxy: send requests to the base URL it gave, not through it',
};
/** Node < 24.9: an upgrade request never reaches 'request'; refused on its socket. */
function refuseUpgrade(proxy, req, socket) {
    const method = req.method ?? 'GET';
    const { host } = req.headers;
    // An ignorable upgrade (h2c) cannot be served from here either: refuse it alike.
    const upgrade = 'websocket';
    const admitted = admit({ method, url: req.url ?? '', host, upgrade }, proxy);
    if (admitted.ok) {
        socket.destroy(); // not reached: admit() refuses every upgrade but h2c
        return;
    }
    refuseRaw(proxy, { req, socket, refusal: admitted.refusal, path: admitted.path });
}
function refuseRaw(proxy, answer) {
    const { req, socket, refusal } = answer;
    const exchange = new Exchange(req.method ?? '', proxy.options.record);
    exchange.path = answer.path ?? '';
    exchange.responseBytes = replyRaw(socket, refusal);
    exchange.finish(refusal.rule === undefined ? 'error' : 'blocked', refusal.status, refusal.rule);
}
/** A request node:http could not parse: 431 for a head too large, else 400. */
function unreadable(proxy, err, socket) {
    if (typeof err.code !== 'string' || !err.code.startsWith('HPE_')) {
        socket.destroy();
        return;
    }
    const large = err.code === 'HPE_HEADER_OVERFLOW';
    const refusal = large
        ? {
            status: 431,
            error: 'header_too_large',
            message: 'gatepass refuses request heads this large',
        }
        : { status: 400, error: 'bad_request', message: 'gatepass could not parse the request' };
    const exchange = new Exchange('', proxy.options.record);
    exchange.responseBytes = replyRaw(socket, refusal);
    exchange.finish('error', refusal.status);
}

;// CONCATENATED MODULE: ./src/delivery/http/index.ts
/** The data path's HTTP proxy: start one per job step and credential (docs/data-path.md § HTTP). */



/***/ })

};

//# sourceMappingURL=726.index.js.map