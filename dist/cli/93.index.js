export const id = 93;
export const ids = [93];
export const modules = {

/***/ 7114:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $J: () => (/* binding */ auditFileName),
/* harmony export */   Br: () => (/* binding */ renderSummary),
/* harmony export */   Ks: () => (/* binding */ describeDelivery),
/* harmony export */   MY: () => (/* binding */ renderRevocations),
/* harmony export */   mr: () => (/* binding */ afterCommand),
/* harmony export */   tE: () => (/* binding */ credentialRecord),
/* harmony export */   tJ: () => (/* binding */ earliestExpiry)
/* harmony export */ });
/* unused harmony export describeTarget */
/* harmony import */ var _common_retry_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9183);

function auditFileName(id) {
    return `gatepass-audit-${id}.json`;
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
    ].filter((p) => p !== undefined);
    return parts.length === 0 ? 'default' : parts.join(', ');
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

/***/ 5564:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   N: () => (/* binding */ renderRevocationsText),
/* harmony export */   q: () => (/* binding */ renderSummaryText)
/* harmony export */ });
/* harmony import */ var _record_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7114);
/* harmony import */ var _common_retry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9183);
/**
 * The summary for a terminal or a CI log without a summary page (GitLab, a
 * shell): aligned plain text, no Markdown. The same facts as the Markdown
 * summary in record.ts, from the same record, so neither can hold a secret.
 */


/** Words, not emoji: a terminal's columns line up, and a plain log stays greppable. */
const OUTCOME = {
    pending: 'waiting',
    issued: 'issued',
    succeeded: 'succeeded',
    failed: 'FAILED',
    cancelled: 'cancelled',
};
const RESULT = {
    revoked: 'revoked',
    failed: 'NOT REVOKED',
    skipped: 'skipped',
    unconfirmed: 'in flight, not confirmed',
};
function renderSummaryText(record) {
    const unrevoked = (record.revocations ?? []).filter((r) => r.result === 'failed').length;
    const head = `gatepass: ${OUTCOME[record.outcome]}${unrevoked === 0 ? '' : ` · ${unrevoked} NOT REVOKED`} · request ${record.requestId}`;
    const facts = [
        ['where', where(record)],
        ['identity', record.identity?.sub],
        ['gateway', `${record.gateway.url} (${record.gateway.provider})`],
        ['approved by', approvers(record)],
        ['delivery', (0,_record_js__WEBPACK_IMPORTED_MODULE_0__/* .describeDelivery */ .Ks)(record)],
        ['error', record.error?.message],
    ];
    const lines = [head, ...pairs(facts.filter((f) => f[1] !== undefined))];
    if (record.credentials.length > 0) {
        lines.push('', ...table([
            ['credential', 'target', 'granted TTL', 'expires (UTC)', 'variables'],
            ...record.credentials.map((c) => [
                c.name,
                c.target,
                c.grantedTtlSeconds === undefined
                    ? 'unknown'
                    : (0,_common_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(c.grantedTtlSeconds * 1000),
                c.expiresAt ?? 'unknown',
                c.env.length === 0 ? '-' : c.env.join(' '),
            ]),
        ]));
    }
    const revocations = record.revocations ?? [];
    if (revocations.length > 0)
        lines.push('', ...revocationLines(revocations, record.delivery.endedAt));
    return `${lines.join('\n')}\n`;
}
/** Post's and `gatepass revoke`'s report, as text. */
function renderRevocationsText(results) {
    return `${['gatepass: revocation', ...revocationLines(results, undefined)].join('\n')}\n`;
}
function revocationLines(results, endedAt) {
    return table([
        ['credential', 'result', 'when (UTC)', 'detail'],
        ...results.map((r) => [
            r.name,
            RESULT[r.result],
            `${r.at}${(0,_record_js__WEBPACK_IMPORTED_MODULE_0__/* .afterCommand */ .mr)(r.at, endedAt)}`,
            r.detail ?? '',
        ]),
    ]);
}
function where(record) {
    const c = record.context;
    if (c.repository === undefined)
        return undefined;
    const at = c.sha === undefined ? '' : ` @ ${c.sha.slice(0, 12)}`;
    const run = c.runId === undefined
        ? ''
        : c.platform === 'gitlab'
            ? ` (pipeline ${c.runId}${c.runAttempt === undefined ? '' : ` job ${c.runAttempt}`})`
            : ` (run ${c.runId}${c.runAttempt === undefined ? '' : ` attempt ${c.runAttempt}`})`;
    return `${c.repository}${at}${run}`;
}
function approvers(record) {
    const people = record.approval.approvers.map((a) => a.login);
    if (record.credentials.some((c) => c.gatewayApproval !== undefined))
        people.push('at the gateway');
    return people.length === 0 ? undefined : people.join(', ');
}
/** "  label   value" lines, labels padded to one width. */
function pairs(facts) {
    const width = Math.max(...facts.map(([label]) => label.length));
    return facts.map(([label, value]) => `  ${label.padEnd(width)}  ${oneLine(value)}`);
}
/** Rows as columns padded to their widest cell; the first row is the header. */
function table(rows) {
    const cells = rows.map((row) => row.map(oneLine));
    const widths = cells[0]?.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length))) ?? [];
    return cells.map((row) => `  ${row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()}`);
}
function oneLine(text) {
    return text.replace(/\s*[\r\n]+\s*/g, ' ');
}


/***/ }),

/***/ 9844:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  jw: () => (/* binding */ RedirectRefusedError),
  CD: () => (/* binding */ attempt),
  sL: () => (/* binding */ fetchThrough),
  iJ: () => (/* reexport */ proxyFor),
  Em: () => (/* binding */ request),
  Zr: () => (/* binding */ toResponse),
  mM: () => (/* reexport */ trustCertificate)
});

// UNUSED EXPORTS: USER_AGENT

// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/common/logger.ts
var logger = __webpack_require__(9353);
// EXTERNAL MODULE: ./src/common/network.ts
var network = __webpack_require__(1451);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
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
 * undici (its fetch, ProxyAgent and Agent) is loaded only when a proxy or an
 * extra certificate applies; otherwise Node's own fetch is used.
 */


let certificate;
/** Dispatchers, one per proxy (and one direct), built on first use. */
const dispatchers = new Map();
/** Trust `pem` (the `ca-certificate` input) for every later request; undefined or empty: none. */
function trustCertificate(pem) {
    const next = pem === undefined || pem.trim() === '' ? undefined : pem;
    if (next === certificate)
        return;
    certificate = next;
    dispatchers.clear();
}
/** The way to `url` under `env`. */
async function routeFor(url, env = process.env) {
    const proxy = proxyFor(url, env);
    const ca = extraCertificates(env);
    if (proxy === undefined && ca.length === 0) {
        return { fetch: (u, init) => fetch(u, init), scrub: (text) => text };
    }
    const dispatcher = await dispatcherFor(proxy, ca);
    const { fetch: undiciFetch } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 5641));
    return {
        fetch: async (u, init) => (await undiciFetch(u, {
            ...init,
            dispatcher,
        })),
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
/** NO_PROXY's rules, as @actions/http-client's `checkBypass` applies them. */
function bypasses(url, env = process.env) {
    const host = url.hostname.replace(/^\[|\]$/g, '').toUpperCase();
    if (isLoopback(host))
        return true;
    const noProxy = nonEmpty(env.no_proxy) ?? nonEmpty(env.NO_PROXY);
    if (noProxy === undefined)
        return false;
    const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
    const candidates = [host, `${host}:${port}`];
    return noProxy
        .split(',')
        .map((item) => item
        .trim()
        .toUpperCase()
        .replace(/^\*(?=\.)/, ''))
        .filter((item) => item !== '')
        .some((item) => item === '*' ||
        candidates.some((c) => c === item || c.endsWith(`.${item}`) || (item.startsWith('.') && c.endsWith(item))));
}
function isLoopback(host) {
    return host === 'LOCALHOST' || host.startsWith('127.') || host === '::1';
}
/** NODE_EXTRA_CA_CERTS and `ca-certificate`, when a custom CA list must be built. */
function extraCertificates(env) {
    const out = [];
    if (certificate !== undefined)
        out.push(certificate);
    return out.length === 0 ? out : [...out, ...nodeExtraCertificates(env)];
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
async function dispatcherFor(proxy, extra) {
    const key = proxy?.href ?? 'direct';
    const known = dispatchers.get(key);
    if (known !== undefined)
        return known;
    const { Agent, ProxyAgent } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 5641));
    const tls = extra.length === 0 ? {} : { ca: [...external_node_tls_.rootCertificates, ...extra] };
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

// EXTERNAL MODULE: ./src/common/retry.ts
var retry = __webpack_require__(9183);
// EXTERNAL MODULE: ./src/common/version.ts
var version = __webpack_require__(9521);
;// CONCATENATED MODULE: ./src/common/http.ts
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
 * Without a proxy or an extra certificate, requests go through Node's own
 * fetch; with one, through undici's fetch and its ProxyAgent / Agent, loaded
 * only then (the bundles load undici on first use: scripts/build.mjs).
 */






const USER_AGENT = `gatepass/${version/* VERSION */.x}`;

/**
 * One request under the retry policy. Transient statuses are retried and,
 * when retries end, thrown as {@link HttpPolicy.statusError}; every other
 * status comes back as the answer, for the caller to read.
 */
function request(call, policy) {
    const label = labelOf(call);
    const statusError = policy.statusError ?? defaultStatusError;
    return (0,retry/* retry */.L5)(async ({ signal }) => {
        const answer = await attempt({ ...call, label }, policy, signal);
        if ((0,retry/* isRetryableStatus */.PS)(answer.status))
            throw statusError(answer, label);
        return answer;
    }, {
        operation: label,
        deadlineMs: Math.max(0, policy.deadlineMs),
        attemptTimeoutMs: policy.attemptTimeoutMs ?? 30_000,
        ...(policy.signal === undefined ? {} : { signal: policy.signal }),
        logger: policy.logger ?? logger/* silentLogger */.q,
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
    const route = await routeFor(url);
    let status;
    let headers;
    let body;
    try {
        const response = await route.fetch(url, {
            method: call.method,
            headers: { ...withoutUserAgent(call.headers), 'user-agent': USER_AGENT },
            ...(call.body === undefined ? {} : { body: call.body }),
            redirect: 'manual',
            signal,
        });
        status = response.status;
        headers = new Headers(response.headers);
        if (REDIRECTS.has(status)) {
            void response.body?.cancel().catch(() => undefined);
            throw redirectRefused(status, headers.get('location'), url, label, peer);
        }
        body = new Uint8Array(await response.arrayBuffer());
    }
    catch (err) {
        throw failure(err, { url, label, peer, route, signal });
    }
    return { status, headers, body, text: () => new TextDecoder().decode(body) };
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
        headers: answer.headers,
    });
}
/** A refused redirect: never retried, since a setting must change. */
class RedirectRefusedError extends retry/* HttpStatusError */.F9 {
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
        return `a redirect to a ${http_short(target.protocol, 20)} URL`;
    }
    return `a redirect to ${http_short(target.origin, 200)}`;
}
/** What a failed attempt throws: the abort's reason, or one worded error. */
function failure(err, at) {
    // The attempt's own timeout or a cancel: the retry policy words those.
    if (at.signal.aborted)
        return at.signal.reason;
    if (err instanceof errors/* GatepassError */.J9)
        return err;
    const peer = {
        what: at.peer.what,
        url: at.url,
        label: at.label,
        ...(at.peer.input === undefined ? {} : { input: at.peer.input }),
        ...(at.route.proxy === undefined ? {} : { proxy: at.route.proxy }),
    };
    const worded = (0,network/* connectionError */.$)(err, peer);
    if (worded !== undefined)
        return worded;
    return new errors/* GatepassError */.J9('GATEWAY', `${at.label} failed: ${at.route.scrub(describe(err))}`, {
        cause: err,
    });
}
function describe(err) {
    return err instanceof Error ? `${err.name}: ${err.message}` : 'unknown failure';
}
function defaultStatusError(answer, label) {
    const retryAfterMs = (0,retry/* parseRetryAfter */.mu)(answer.headers.get('retry-after'), Date.now());
    return new retry/* HttpStatusError */.F9(answer.status, `${label} answered HTTP ${answer.status}`, retryAfterMs === undefined ? {} : { retryAfterMs });
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
function http_short(text, max) {
    const line = text.replace(/\s+/g, ' ').trim();
    return line.length > max ? `${line.slice(0, max)}…` : line;
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

/***/ 9183:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F9: () => (/* binding */ HttpStatusError),
/* harmony export */   L5: () => (/* binding */ retry),
/* harmony export */   PS: () => (/* binding */ isRetryableStatus),
/* harmony export */   a0: () => (/* binding */ networkErrorCode),
/* harmony export */   a3: () => (/* binding */ formatDuration),
/* harmony export */   dU: () => (/* binding */ AttemptTimeoutError),
/* harmony export */   fe: () => (/* binding */ classifyError),
/* harmony export */   ml: () => (/* binding */ systemClock),
/* harmony export */   mu: () => (/* binding */ parseRetryAfter)
/* harmony export */ });
/* unused harmony exports backoffMs, isNetworkError */
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
        const outcome = await revokeOne(options.gateway, handle, deadline.signal, options.deadlineMs);
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
async function revokeOne(gateway, handle, deadline, deadlineMs) {
    try {
        // The race is a backstop: every gateway honours the signal, but a
        // revocation must not outlive the deadline even if one did not.
        await Promise.race([
            gateway().then((g) => g.revoke(handle, deadline)),
            rejectOnAbort(deadline),
        ]);
        return { ok: true };
    }
    catch (err) {
        if (!deadline.aborted)
            return { ok: false, detail: (0,_common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(err) };
        const late = `not revoked within ${(0,_common_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(deadlineMs)} (\`revoke-timeout\`)`;
        const cause = err === deadline.reason ? '' : `; last: ${(0,_common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(err)}`;
        return { ok: false, detail: `${late}${cause}` };
    }
}
function report(name, outcome, log) {
    if (outcome.ok) {
        log.info(`"${name}" revoked`);
        return record(name, 'revoked');
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
    const handle = setTimeout(() => {
        timer.abort(new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('TIMEOUT', 'the revocation deadline passed'));
    }, options.deadlineMs);
    const signal = options.signal === undefined ? timer.signal : AbortSignal.any([timer.signal, options.signal]);
    return {
        signal,
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
/* harmony export */   B: () => (/* binding */ parseState),
/* harmony export */   M: () => (/* binding */ STATE_KEY)
/* harmony export */ });
const STATE_KEY = 'gatepass';
/** The saved state, or a reason it cannot be used. Never echoes the text (it holds secrets). */
function parseState(raw) {
    let value;
    try {
        value = JSON.parse(raw);
    }
    catch {
        return 'the saved state is not valid JSON';
    }
    const state = value;
    if (state === null ||
        typeof state !== 'object' ||
        state.version !== 1 ||
        !Array.isArray(state.credentials) ||
        typeof state.settings !== 'object' ||
        typeof state.auditFile !== 'string') {
        return 'the saved state is not from this gatepass version';
    }
    return state;
}


/***/ }),

/***/ 9939:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   j: () => (/* binding */ createGateway)
/* harmony export */ });
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1922);
/* harmony import */ var _common_http_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9844);


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
    const gateway = await loadGateway(settings, deps);
    loadFetch();
    return gateway;
}
async function loadGateway(settings, deps) {
    const provider = settings.provider;
    switch (provider) {
        case 'token-exchange': {
            const { createTokenExchangeGateway } = await Promise.all(/* import() */[__webpack_require__.e(815), __webpack_require__.e(129), __webpack_require__.e(26)]).then(__webpack_require__.bind(__webpack_require__, 9026));
            return createTokenExchangeGateway({
                gateway: settings.gateway,
                clientId: settings.clientId,
                ...(settings.clientSecret === undefined ? {} : { clientSecret: settings.clientSecret }),
                timeoutMs: settings.timeoutMs,
                registerSecret: deps.registerSecret,
                logger: deps.logger,
            });
        }
        case 'vault': {
            const { createVaultGateway } = await Promise.all(/* import() */[__webpack_require__.e(815), __webpack_require__.e(96), __webpack_require__.e(459)]).then(__webpack_require__.bind(__webpack_require__, 1459));
            return createVaultGateway({
                gateway: settings.gateway,
                // config.ts requires it with provider vault; post's saved settings carry it.
                role: requireRole(settings.vault.role),
                authPath: settings.vault.authPath,
                ...(settings.vault.namespace === undefined ? {} : { namespace: settings.vault.namespace }),
                timeoutMs: settings.timeoutMs,
                registerSecret: deps.registerSecret,
                logger: deps.logger,
            });
        }
        case 'hoop': {
            const { createHoopGateway } = await Promise.all(/* import() */[__webpack_require__.e(815), __webpack_require__.e(865)]).then(__webpack_require__.bind(__webpack_require__, 865));
            return createHoopGateway({
                gateway: settings.gateway,
                ...(await hoopAuthentication(settings, deps)),
                timeoutMs: settings.timeoutMs,
                registerSecret: deps.registerSecret,
                logger: deps.logger,
            });
        }
        default: {
            const unknown = provider;
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('INTERNAL', `unknown provider ${String(unknown)}`);
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
 * Node loads its fetch implementation (its own copy of undici, about 10 ms)
 * on first use of `fetch` or its classes. Every gateway calls fetch (through
 * common/http.ts) once the ID token is there; loading it now, while that
 * token is on its way, takes the load off the path to the first gateway call.
 */
function loadFetch() {
    new Headers();
}
function requireRole(role) {
    if (role !== undefined)
        return role;
    throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('INPUT', 'input `vault-role` is required with `provider: vault`', {
        hint: 'Set `vault-role` to the Vault JWT role this job logs in as',
    });
}
/**
 * hoop's bearer: the API key, or (`hoop-token-exchange-url`) a token
 * exchanged per credential at the IdP hoop trusts, with the token-exchange
 * client inputs (`client-id`, `client-secret`) and the audience hoop checks.
 */
async function hoopAuthentication(settings, deps) {
    const exchange = settings.hoopExchange;
    if (exchange === undefined)
        return { apiKey: requireHoopApiKey(settings.hoopApiKey) };
    const { createTokenExchangeGateway } = await Promise.all(/* import() */[__webpack_require__.e(815), __webpack_require__.e(129), __webpack_require__.e(26)]).then(__webpack_require__.bind(__webpack_require__, 9026));
    return {
        exchange: {
            gateway: createTokenExchangeGateway({
                gateway: exchange.url,
                clientId: settings.clientId,
                ...(settings.clientSecret === undefined ? {} : { clientSecret: settings.clientSecret }),
                timeoutMs: settings.timeoutMs,
                registerSecret: deps.registerSecret,
                logger: deps.logger,
            }),
            tokenExchange: {
                audience: exchange.audience,
                ...(exchange.scope === undefined ? {} : { scope: exchange.scope }),
            },
        },
    };
}
function requireHoopApiKey(key) {
    if (key !== undefined && key !== '')
        return key;
    throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('INPUT', 'input `hoop-api-key` or `hoop-token-exchange-url` is required with `provider: hoop`', {
        hint: 'Pass a hoop API key (Settings > API keys) from a secret as `hoop-api-key`, or set `hoop-token-exchange-url` to the issuer URL of the IdP hoop trusts',
    });
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

// EXTERNAL MODULE: ./src/flow/state.ts
var flow_state = __webpack_require__(7573);
// EXTERNAL MODULE: ./src/platform/detect.ts
var detect = __webpack_require__(1356);
;// CONCATENATED MODULE: ./src/platform/local.ts
/**
 * The CLI's side of the host interface, for a plain terminal and for CI jobs
 * that run `gatepass` as a command (GitLab):
 *
 * - `terminalHost`: what main's flow needs (ActionHost) on top of a CI
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
function terminalHost(options) {
    const { platform, statePath, log } = options;
    let saved = '';
    return {
        // Outputs are the action's; the CLI reports the same facts in its log and audit file.
        setOutput: (name, value) => {
            log.debug(`${name}: ${value}`);
        },
        saveState: (name, value) => {
            if (name !== flow_state/* STATE_KEY */.M)
                return;
            writePrivateFile(statePath, value);
            saved = value;
        },
        getState: (name) => (name === flow_state/* STATE_KEY */.M ? saved : ''),
        savedState: () => saved,
        setSecret: (value) => {
            platform.setSecret(value);
        },
        exportVariable: () => {
            throw new errors/* GatepassError */.J9('INTERNAL', '`export: env` is not available to `gatepass run`');
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
        getState: (name) => (name === flow_state/* STATE_KEY */.M ? state.trim() : ''),
        // Nothing here prints a secret, and a terminal has no log masking to tell.
        setSecret: () => undefined,
        appendSummary: () => Promise.resolve(),
        log: terminalLogger(io.stderr, wantsDebug(io.env)),
    };
}


/***/ })

};

//# sourceMappingURL=93.index.js.map