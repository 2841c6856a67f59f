export const id = 564;
export const ids = [564];
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


/***/ })

};

//# sourceMappingURL=564.index.js.map