export const id = 970;
export const ids = [970,564];
export const modules = {

/***/ 5564:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   renderRevocationsText: () => (/* binding */ renderRevocationsText),
/* harmony export */   renderSummaryText: () => (/* binding */ renderSummaryText)
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
    for (const c of record.credentials) {
        const path = c.dataPath;
        if (path === undefined)
            continue;
        const kinds = Object.entries(path.byKind).map(([kind, n]) => `${kind} ${n}`);
        lines.push('', `data path ${c.name} (${path.kind}, upstream ${path.upstream}): ${(0,_record_js__WEBPACK_IMPORTED_MODULE_0__/* .dataPathCounts */ .sg)(path)}`);
        if (kinds.length > 0)
            lines.push(`  by kind: ${kinds.join(', ')}`);
        for (const b of path.blocked)
            lines.push(`  BLOCKED by ${b.rule}: ${statement(b.text)}`);
        for (const h of path.held)
            lines.push(`  held by ${h.rule}, ${h.outcome}${h.approvers === undefined ? '' : ` by ${h.approvers.join(', ')}`}: ${statement(h.text)}`);
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
/** A statement on one line of the log, cut to what a terminal shows. */
function statement(text) {
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}


/***/ }),

/***/ 1970:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  revoke: () => (/* binding */ revoke)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/cli/io.ts
var cli_io = __webpack_require__(1604);
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/cli/options.ts
var options = __webpack_require__(776);
// EXTERNAL MODULE: ./src/audit/record.ts
var record = __webpack_require__(7114);
// EXTERNAL MODULE: ./src/audit/text.ts
var audit_text = __webpack_require__(5564);
// EXTERNAL MODULE: ./src/gateways/index.ts
var gateways = __webpack_require__(9939);
// EXTERNAL MODULE: ./src/gateways/gateway.ts
var gateway = __webpack_require__(8281);
// EXTERNAL MODULE: ./src/gateways/text.ts
var gateways_text = __webpack_require__(8044);
// EXTERNAL MODULE: ./src/flow/revocation.ts
var revocation = __webpack_require__(1414);
// EXTERNAL MODULE: ./src/config/config.ts + 6 modules
var config = __webpack_require__(439);
// EXTERNAL MODULE: ./src/config/defaults.ts
var defaults = __webpack_require__(1954);
// EXTERNAL MODULE: ./src/flow/state.ts
var state = __webpack_require__(7573);
// EXTERNAL MODULE: ./src/flow/host.ts
var flow_host = __webpack_require__(9092);
;// CONCATENATED MODULE: ./src/flow/post.ts
/**
 * The action's post step (`post-if: always()`): the safety net. It revokes
 * what main left in its state: everything when `export: env` handed the
 * credentials to later steps, else only what main could not revoke at the
 * step's end (killed, or its revocation failed); and it reports requests main
 * sent but never heard back from. A credential that cannot be revoked fails
 * the step, as it fails main: it outlives the job, and someone must act.
 */












/** 0, or 1 when a credential could not be revoked or the state could not be read. */
async function run(runtime) {
    try {
        const results = await revokeSaved(runtime);
        return failedRevocations(results ?? []).length > 0 ? 1 : 0;
    }
    catch (err) {
        runtime.host.log.error(`gatepass post: ${describeError(err)}`);
        return 1;
    }
}
/**
 * Revokes what the state holds and reports it; the results, or undefined when
 * nothing was saved. Throws when the state cannot be read.
 */
async function revokeSaved(runtime) {
    const saved = readState(runtime.host);
    if (saved === undefined)
        return undefined;
    // A gateway's error can quote the token it was sent, and on GitLab or a
    // terminal nothing else masks these lines (on GitHub, main's `::add-mask::`
    // of each token lasts the whole job). Main's audit record and summary go
    // through the masker; post's revocation details are scrubbed like its log.
    const secrets = new Set(saved.credentials.flatMap((c) => (c.handle === undefined ? [] : (0,gateway/* revocationSecrets */.g8)(c.handle))));
    const scrubbed = { ...runtime, host: withScrubbedLog(runtime.host, secrets) };
    const results = [
        ...(0,revocation/* reportUnconfirmed */.d6)(saved.unconfirmed ?? [], prefixed(scrubbed.host.log)),
        ...(await revokeAll(saved, scrubbed)),
    ].map((r) => (r.detail === undefined ? r : { ...r, detail: (0,gateways_text/* scrub */._I)(r.detail, [...secrets]) }));
    await report(scrubbed.host, saved, results);
    return results;
}
/** The host, its log scrubbed of `secrets`, and of what the gateway registers while revoking. */
function withScrubbedLog(host, secrets) {
    return {
        state: host.state,
        setSecret: (value) => {
            secrets.add(value);
            host.setSecret(value);
        },
        appendSummary: (summary) => host.appendSummary(summary),
        log: (0,flow_host/* scrubbedLog */.H)(host.log, secrets),
    };
}
function readState(host) {
    const raw = host.state.load();
    if (raw === '') {
        host.log.info('gatepass: nothing to revoke (the main step issued no credentials)');
        return undefined;
    }
    const saved = (0,state/* parseState */.B)(raw);
    if (typeof saved === 'string') {
        // Its handles may be live credentials that nothing else knows of: a
        // warning and exit 0 would let them live unseen to their expiry.
        const { what, hint } = host.state.unreadable ?? ACTION_STATE;
        throw new errors/* GatepassError */.J9('INPUT', `${what} is ${saved}; nothing was revoked`, { hint });
    }
    return saved;
}
/** The action's post step reads what main saved with `core.saveState`. */
const ACTION_STATE = {
    what: 'the state the main step saved',
    hint: "Revoke the job's credentials at the gateway by hand (the main step's log and audit record name them); the runner drops this state when the job ends",
};
async function revokeAll(saved, runtime) {
    const { host } = runtime;
    if (!saved.revoke) {
        host.log.info('gatepass: `revoke: false`: the credentials stay valid until they expire');
        return saved.credentials.map((c) => ({
            name: c.name,
            result: 'skipped',
            detail: `revoke: false; expires ${c.expiresAt ?? 'unknown'}`,
            at: new Date().toISOString(),
        }));
    }
    if (saved.credentials.length === 0) {
        const revoked = saved.revoked ?? [];
        host.log.info(revoked.length === 0
            ? 'gatepass: nothing to revoke (no credential was issued)'
            : `gatepass: nothing left to revoke: the main step revoked ${revoked
                .map((r) => `"${r.name}"`)
                .sort()
                .join(', ')} when it ended`);
        return [];
    }
    const deadlineMs = saved.revokeTimeoutMs ?? defaults/* DEFAULT_REVOKE_TIMEOUT_MS */._;
    let gateway;
    return (0,revocation/* revokeCredentials */.v6)(saved.credentials, {
        // Built once, and only if some credential has a handle.
        gateway: () => (gateway ??= (runtime.createGateway ?? gateways/* createGateway */.j)({
            ...saved.settings,
            provider: (0,config/* providerWithSecrets */.LL)(saved.settings.provider, runtime.secret),
        }, {
            registerSecret: (value) => {
                host.setSecret(value);
            },
            logger: host.log,
        })),
        deadlineMs,
        log: prefixed(host.log),
    });
}
/** Post's lines are among the job's other steps: each says it is gatepass's. */
function prefixed(log) {
    return {
        debug: (m) => {
            log.debug(`gatepass: ${m}`);
        },
        info: (m) => {
            log.info(`gatepass: ${m}`);
        },
        warning: (m) => {
            log.warning(`gatepass: ${m}`);
        },
        error: (m) => {
            log.error(`gatepass: ${m}`);
        },
    };
}
/** Appends to the job summary and the audit file; neither may fail the step. */
async function report(host, saved, results) {
    if (results.length === 0)
        return;
    try {
        await host.appendSummary({
            markdown: (0,record/* renderRevocations */.MY)(results),
            text: (0,audit_text.renderRevocationsText)(results),
        });
    }
    catch (err) {
        host.log.warning(`gatepass: could not write the job summary: ${(0,errors/* describeError */.Uc)(err)}`);
    }
    try {
        const record = JSON.parse(await (0,promises_.readFile)(saved.auditFile, 'utf8'));
        record.revocations = [...(record.revocations ?? []), ...results];
        await (0,promises_.writeFile)(saved.auditFile, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    }
    catch (err) {
        host.log.debug(`the audit file was not updated: ${(0,errors/* describeError */.Uc)(err)}`);
    }
}

// EXTERNAL MODULE: ./src/platform/detect.ts
var detect = __webpack_require__(1356);
// EXTERNAL MODULE: ./src/platform/local.ts + 1 modules
var local = __webpack_require__(5164);
// EXTERNAL MODULE: ./src/config/settings.ts
var settings = __webpack_require__(4661);
;// CONCATENATED MODULE: ./src/cli/revoke.ts
/**
 * `gatepass revoke`: revokes what a crashed or killed `gatepass run` left in
 * its state files.
 */










/**
 * Revokes every state file's credentials at the same time (each file under its
 * own `revoke-timeout`, all running in parallel); exits 125 when any could not
 * be revoked, or a state file could not be read (it is kept), so the operator
 * sees it and can retry.
 */
async function revoke(args, io) {
    const values = (0,options/* parseOptions */.A)(args, { state: { type: 'string' } });
    const files = values.state === undefined ? await stateFiles(io) : [(0,external_node_path_.resolve)(io.cwd, values.state)];
    const outcomes = await Promise.all(files.map((file) => revokeFile(file, io)));
    return outcomes.includes('failed') ? cli_io/* EXIT_FAILURE */.w5 : 0;
}
async function revokeFile(file, io) {
    const host = await (0,local/* stateFileHost */.S$)(file, io);
    if (host === undefined) {
        // A job that issued nothing, or whose run already revoked, leaves no state: not an error.
        io.stderr.write(`gatepass: nothing to revoke: ${file} does not exist\n`);
        return 'done';
    }
    let results;
    try {
        results = await revokeSaved({
            host,
            // Read again as `gatepass run` read them: GATEPASS_CLIENT_SECRET, GATEPASS_HOOP_API_KEY.
            secret: (input) => io.env[(0,settings/* envName */.pD)(input)]?.trim() ?? '',
        });
    }
    catch (err) {
        // A state this gatepass cannot read: kept, and the other files still revoked.
        io.stderr.write(`gatepass: ${(0,errors/* describeError */.Uc)(err)}\n`);
        return 'failed';
    }
    if ((0,revocation/* failedRevocations */.Vo)(results ?? []).length > 0) {
        io.stderr.write(`gatepass: ${file} is kept: run \`gatepass revoke --state ${file}\` again\n`);
        return 'failed';
    }
    // Done with: an after_script, or a second revoke, must not try again.
    await (0,promises_.rm)(file, { force: true });
    return 'done';
}
/** The state files `gatepass run` left in this job's state directory. */
async function stateFiles(io) {
    const dir = (0,detect/* stateDir */.Pn)((0,detect/* detectPlatform */.li)(io.env), io.env);
    const names = await (0,promises_.readdir)(dir).catch(() => []);
    if (names.length > 0)
        (0,local/* preparePrivateDir */.wA)(dir);
    const files = names.filter((n) => /^state-.*\.json$/.test(n)).map((n) => (0,external_node_path_.join)(dir, n));
    if (files.length === 0)
        io.stderr.write(`gatepass: nothing to revoke (no state files in ${dir})\n`);
    return files;
}


/***/ })

};

//# sourceMappingURL=970.index.js.map