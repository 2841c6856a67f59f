export const id = 141;
export const ids = [141];
export const modules = {

/***/ 4141:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ApprovalDeniedError: () => (/* binding */ ApprovalDeniedError),
/* harmony export */   ApprovalTimeoutError: () => (/* binding */ ApprovalTimeoutError),
/* harmony export */   approvalTimeoutError: () => (/* binding */ approvalTimeoutError),
/* harmony export */   approversOf: () => (/* binding */ approversOf),
/* harmony export */   awaitApproval: () => (/* binding */ awaitApproval),
/* harmony export */   awaitGatewayApproval: () => (/* binding */ awaitGatewayApproval),
/* harmony export */   renderRequest: () => (/* binding */ renderRequest),
/* harmony export */   statusLine: () => (/* binding */ statusLine)
/* harmony export */ });
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1922);
/* harmony import */ var _gateways_gateway_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8281);
/* harmony import */ var _common_logger_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9353);
/* harmony import */ var _common_retry_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9183);
/* harmony import */ var _policy_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3268);
/**
 * The approval gate: post a request where humans will see it, wait until
 * enough of them approve (or one denies, or the deadline passes), and say so
 * where the request was posted. Platform-neutral: GitHub and GitLab plug in
 * as an {@link ApprovalSource}; gateway-side approval (token-exchange
 * `authorization_pending`, hoop reviews) goes through
 * {@link awaitGatewayApproval}, which prints the same status lines and times
 * out the same way.
 *
 * Nothing here issues a credential: `main` calls the gate first, and only
 * then the gateway (DESIGN.md § Data flow, rule "no credential exists before
 * the gate has passed").
 */





/** The audit record's approvers; first checks that the gate posted the id the run announced. */
function approversOf(result, announcedId) {
    if (result.requestId !== announcedId) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('INTERNAL', `the gate posted request ${result.requestId}, not ${announcedId}`);
    }
    return result.approvers.map((a) => {
        // The comment or note that approved, else the profile.
        const url = a.url ?? a.actor.url;
        return { login: a.actor.login, ...(url === undefined ? {} : { url }) };
    });
}
const DEFAULT_POLL = { initialMs: 5_000, maxMs: 30_000, growth: 1.5 };
/**
 * The last look starts this long before the deadline (at most a tenth of the
 * wait), so that it can finish by then: calls are cut off at the deadline.
 */
const FINAL_LOOK_MS = 10_000;
const MAX_TIMER_MS = 2 ** 31 - 1;
const STATUS_EVERY_MS = 60_000;
/** How long closing (editing the request comment) may take after the wait ended. */
const CLOSE_BUDGET_MS = 15_000;
/**
 * Wait for approval. Returns the approvers; throws a GatepassError with code
 * DENIED (an eligible deny), TIMEOUT (`approval-timeout` passed) or CONFIG
 * (a policy that cannot pass, an approver or team that cannot be resolved).
 * With `approvals: 0` it returns at once and posts nothing.
 */
async function awaitApproval(options) {
    const id = (0,_policy_js__WEBPACK_IMPORTED_MODULE_4__/* .requestId */ .z2)(options.subject);
    if (options.policy.required <= 0)
        return { requestId: id, approvers: [] };
    const run = new GateRun(options, id);
    return run.execute();
}
class GateRun {
    #options;
    #id;
    #clock;
    #logger;
    #signal;
    #deadline;
    #seenIgnored = new Set();
    #markdown = '';
    /** The last look's decision, for the timeout message. */
    #lastDecision;
    constructor(options, id) {
        this.#options = options;
        this.#id = id;
        this.#clock = options.clock ?? _common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .systemClock */ .ml;
        this.#logger = options.logger ?? _common_logger_js__WEBPACK_IMPORTED_MODULE_2__/* .silentLogger */ .q;
        this.#signal = options.signal ?? new AbortController().signal;
        this.#deadline = this.#clock.now() + options.policy.timeoutMs;
    }
    async execute() {
        const { source } = this.#options;
        const prepared = await this.#bounded((ctx) => source.prepare(this.#options.policy.approvers, ctx));
        const policy = this.#policy(prepared);
        (0,_policy_js__WEBPACK_IMPORTED_MODULE_4__/* .checkSatisfiable */ .wz)(policy, prepared.candidates);
        this.#markdown = renderRequest({
            id: this.#id,
            subject: this.#options.subject,
            ...(this.#options.runUrl === undefined ? {} : { runUrl: this.#options.runUrl }),
            policy: this.#options.policy,
            source,
        });
        const opened = await this.#bounded((ctx) => source.open(this.#markdown, ctx));
        this.#logger.info(`Approval requested on ${source.where}: ${opened.url} (request ${this.#id}; ${source.howToApprove(this.#id)})`);
        try {
            const approvers = await this.#wait(policy, opened);
            await this.#close({ state: 'approved', approvers });
            return { requestId: this.#id, approvers, url: opened.url };
        }
        catch (err) {
            await this.#close(outcomeOf(err));
            throw err;
        }
    }
    #policy(prepared) {
        return {
            required: this.#options.policy.required,
            approverIds: prepared.approverIds,
            allowSelfApproval: this.#options.policy.allowSelfApproval,
            self: prepared.self,
            syntax: this.#options.source.syntax,
        };
    }
    async #wait(policy, opened) {
        const { source } = this.#options;
        const request = {
            id: this.#id,
            createdAt: opened.createdAt,
            ...(opened.sequence === undefined ? {} : { sequence: opened.sequence }),
            ...(opened.grantsFrom === undefined ? {} : { grantsFrom: opened.grantsFrom }),
        };
        const schedule = new PollSchedule(this.#options);
        let lastStatus = this.#clock.now();
        let lastCount = -1;
        const lastLook = this.#deadline - Math.min(FINAL_LOOK_MS, this.#options.policy.timeoutMs / 10);
        for (;;) {
            const events = await this.#bounded((ctx) => source.events(ctx));
            const users = (0,_policy_js__WEBPACK_IMPORTED_MODULE_4__/* .usersToLookUp */ .uI)(policy, request, events);
            const eligibility = await this.#bounded((ctx) => source.lookUp(users, ctx));
            const decision = (0,_policy_js__WEBPACK_IMPORTED_MODULE_4__/* .evaluate */ ._3)(policy, request, events, eligibility);
            this.#logIgnored(decision);
            if (decision.state === 'approved')
                return decision.approvers;
            if (decision.deniedBy !== undefined)
                throw deniedError(this.#id, decision.deniedBy);
            this.#lastDecision = decision;
            const now = this.#clock.now();
            if (now >= lastLook)
                throw this.#timeout(decision);
            const changed = lastCount !== -1 && decision.approvers.length !== lastCount;
            if (changed || now - lastStatus >= this.#statusEvery) {
                this.#status(decision, opened);
                lastStatus = now;
            }
            // Activity (a new approval) brings the next look sooner; quiet lets it back off.
            if (changed)
                schedule.reset();
            lastCount = decision.approvers.length;
            await this.#clock.sleep(Math.min(schedule.next(), lastLook - now), this.#signal);
        }
    }
    /**
     * One call into the source, cut off at the deadline: its signal aborts
     * then (by the wall clock; a test's virtual clock bounds the retries
     * through `deadline`), and a call that runs out of time there ends the
     * wait as an approval timeout, naming what was still failing.
     */
    async #bounded(call) {
        const cutOff = new AbortController();
        const passed = new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('TIMEOUT', 'the approval deadline passed');
        const left = Math.max(0, this.#deadline - this.#clock.now());
        // Beyond what a timer can hold (24.8 days), `deadline` alone bounds the retries.
        const timer = left > MAX_TIMER_MS
            ? undefined
            : setTimeout(() => {
                cutOff.abort(passed);
            }, left);
        timer?.unref();
        const signal = AbortSignal.any([this.#signal, cutOff.signal]);
        try {
            return await call({ signal, deadline: this.#deadline });
        }
        catch (err) {
            if (this.#signal.aborted || !(err instanceof _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9) || err.code !== 'TIMEOUT') {
                throw err;
            }
            throw this.#timeout(this.#lastDecision, err === passed ? undefined : err);
        }
        finally {
            clearTimeout(timer);
        }
    }
    get #statusEvery() {
        return this.#options.statusEveryMs ?? STATUS_EVERY_MS;
    }
    #status(decision, opened) {
        const { source, policy } = this.#options;
        this.#logger.info(statusLine({
            what: `request ${this.#id}`,
            approvals: { have: decision.approvers, need: policy.required },
            leftMs: this.#deadline - this.#clock.now(),
            action: `${source.howToApprove(this.#id)} on ${opened.url}`,
        }));
    }
    #logIgnored(decision) {
        for (const item of decision.ignored) {
            const key = `${item.event}:${item.reason}`;
            if (this.#seenIgnored.has(key))
                continue;
            this.#seenIgnored.add(key);
            this.#logger.debug(`approval: ignored ${item.event} by ${item.who}: ${item.reason}`);
        }
    }
    #timeout(decision, failing) {
        const { source, policy } = this.#options;
        const have = decision?.approvers.length ?? 0;
        const error = approvalTimeoutError(`request ${this.#id}`, policy.timeoutMs, `${source.howToApprove(this.#id)} (${have} of ${policy.required} so far)`);
        if (failing === undefined)
            return error;
        return new ApprovalTimeoutError(`${error.message}; the last call was still failing: ${failing.message}`, error.hint ?? '');
    }
    async #close(outcome) {
        // The job's own signal may be what ended the wait: closing gets its own short budget.
        const signal = AbortSignal.timeout(CLOSE_BUDGET_MS);
        const ctx = { signal, deadline: this.#clock.now() + CLOSE_BUDGET_MS };
        try {
            await this.#options.source.close(outcome, `${renderOutcome(outcome)}\n\n${this.#markdown}`, ctx);
        }
        catch (err) {
            this.#logger.warning(`Could not record the approval outcome on ${this.#options.source.where}: ${(0,_common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(err)}`);
        }
    }
}
/** 5 s, then ×1.5 per quiet poll up to 30 s: quick while people are acting, cheap while they are not. */
class PollSchedule {
    #initial;
    #max;
    #current;
    constructor(options) {
        this.#initial = options.initialPollMs ?? DEFAULT_POLL.initialMs;
        this.#max = options.maxPollMs ?? DEFAULT_POLL.maxMs;
        this.#current = this.#initial;
    }
    next() {
        const wait = this.#current;
        this.#current = Math.min(this.#max, this.#current * DEFAULT_POLL.growth);
        return wait;
    }
    reset() {
        this.#current = this.#initial;
    }
}
function outcomeOf(err) {
    if (err instanceof ApprovalDeniedError)
        return { state: 'denied', by: err.by };
    if (err instanceof ApprovalTimeoutError)
        return { state: 'timed-out', approvers: [] };
    return { state: 'failed', reason: (0,_common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(err) };
}
/** DENIED, with who denied, for the outcome comment. */
class ApprovalDeniedError extends _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9 {
    by;
    constructor(message, by, hint) {
        super('DENIED', message, { hint });
        this.name = 'ApprovalDeniedError';
        this.by = by;
    }
}
/** TIMEOUT of the approval wait (not of a network call). */
class ApprovalTimeoutError extends _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9 {
    constructor(message, hint) {
        super('TIMEOUT', message, { hint });
        this.name = 'ApprovalTimeoutError';
    }
}
function deniedError(id, by) {
    return new ApprovalDeniedError(`request ${id} was denied by ${by.actor.login}`, by, 'A deny is final; start a new run once the concern is resolved');
}
/** The one wording of an approval timeout, for comments and gateways alike. */
function approvalTimeoutError(what, timeoutMs, action) {
    return new ApprovalTimeoutError(`no approval for ${what} within ${(0,_common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .formatDuration */ .a3)(timeoutMs)}`, `${capitalise(action)}, then re-run the job; or raise \`approval-timeout\``);
}
/** The one status line: approvals so far, who, time left, what to do. */
function statusLine(status) {
    const left = (0,_common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .formatDuration */ .a3)(Math.max(0, status.leftMs));
    const count = status.approvals === undefined
        ? ''
        : ` ${status.approvals.have.length} of ${status.approvals.need} approval${status.approvals.need === 1 ? '' : 's'}${status.approvals.have.length > 0 ? ` (${status.approvals.have.map((a) => a.actor.login).join(', ')})` : ''};`;
    return `Waiting for approval of ${status.what}:${count} ${left} left. ${capitalise(status.action)}`;
}
/**
 * Wait for a gateway-side approval (token-exchange `authorization_pending`,
 * hoop review) with the same status lines and timeout as comment approvals.
 * The gateway's decision is final: a refusal surfaces as the error its
 * `poll` throws. main waits this way for every credential, approvals or not.
 */
async function awaitGatewayApproval(gateway, first, options) {
    const clock = options.clock ?? _common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .systemClock */ .ml;
    const logger = options.logger ?? _common_logger_js__WEBPACK_IMPORTED_MODULE_2__/* .silentLogger */ .q;
    const signal = options.signal ?? new AbortController().signal;
    const started = clock.now();
    const deadline = started + options.timeoutMs;
    const statusEvery = options.statusEveryMs ?? STATUS_EVERY_MS;
    let result = first;
    let approvalUrl;
    let lastStatus = Number.NEGATIVE_INFINITY;
    while ((0,_gateways_gateway_js__WEBPACK_IMPORTED_MODULE_1__/* .isPending */ .mm)(result)) {
        const pending = result;
        approvalUrl = pending.approvalUrl ?? approvalUrl;
        const action = approvalUrl === undefined
            ? 'ask an approver to act at the gateway'
            : `approve at ${approvalUrl}`;
        const now = clock.now();
        if (now - lastStatus >= statusEvery) {
            logger.info(statusLine({ what: `"${pending.name}" at the gateway`, leftMs: deadline - now, action }));
            lastStatus = now;
        }
        const waitMs = pending.intervalSeconds * 1000;
        if (now + waitMs > deadline) {
            throw approvalTimeoutError(`"${pending.name}" at the gateway`, options.timeoutMs, action);
        }
        await clock.sleep(waitMs, signal);
        result = await gateway.poll(pending, await options.identity(), options.requestSignal ?? signal);
    }
    return {
        issued: result,
        waitedMs: clock.now() - started,
        ...(approvalUrl === undefined ? {} : { approvalUrl }),
    };
}
/** The request comment: what, for which commit and run, who may approve, what to type. */
function renderRequest(input) {
    const { id, subject, policy, source } = input;
    const rows = subject.credentials.map((c) => {
        const scope = c.tokenExchange?.scope ??
            c.vault?.path ??
            (c.hoop === undefined ? '' : `connection ${c.hoop.connection}`);
        return `| \`${c.name}\` | ${scope === '' ? '—' : `\`${scope}\``} | ${(0,_common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .formatDuration */ .a3)(c.ttlSeconds * 1000)} |`;
    });
    const who = policy.approvers.length === 0
        ? source.defaultApprovers
        : policy.approvers.map(mention).join(', ');
    return [
        `### 🔐 gatepass: approval requested (\`${id}\`)`,
        '',
        `This job asks for short-lived credentials. Nothing has been issued yet.`,
        '',
        '| credential | scope / path | TTL |',
        '|---|---|---|',
        ...rows,
        '',
        `- commit: \`${subject.sha}\` in \`${subject.repository}\``,
        `- run: ${input.runUrl ?? `${subject.runId} (attempt ${subject.runAttempt})`}`,
        `- needs: ${policy.required} approval${policy.required === 1 ? '' : 's'} from ${who}${policy.allowSelfApproval ? '' : ' (not the author or whoever started the run)'}`,
        `- expires: in ${(0,_common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .formatDuration */ .a3)(policy.timeoutMs)}`,
        '',
        `To approve, ${source.howToApprove(id)}. To deny, ${source.howToDeny(id)}.`,
        'The id binds this commit, run and these credentials; an edited comment does not count.',
    ].join('\n');
}
function renderOutcome(outcome) {
    switch (outcome.state) {
        case 'approved':
            return `**✅ Approved** by ${outcome.approvers.map((a) => `@${a.actor.login}`).join(', ')}.`;
        case 'denied':
            return `**⛔ Denied** by @${outcome.by.actor.login}.`;
        case 'timed-out':
            return '**⌛ Timed out**: no credentials were issued.';
        case 'failed':
            return `**⚠️ Stopped**: ${outcome.reason}`;
    }
}
function mention(approver) {
    return approver.startsWith('@') ? approver : `@${approver}`;
}
function capitalise(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
}


/***/ }),

/***/ 3268:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _3: () => (/* binding */ evaluate),
/* harmony export */   jt: () => (/* binding */ commandText),
/* harmony export */   uI: () => (/* binding */ usersToLookUp),
/* harmony export */   wz: () => (/* binding */ checkSatisfiable),
/* harmony export */   z2: () => (/* binding */ requestId)
/* harmony export */ });
/* unused harmony exports REQUEST_ID_LENGTH, canonicalJson, parseCommand, isBot, isSelf, ineligibility, requireGatewayReview */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1922);
/**
 * The approval policy: a pure function from (policy, request, events) to a
 * decision, so that GitHub comments, GitLab notes, GitLab MR approvals and the
 * tests all go through the same rules (DESIGN.md § Approval gate):
 *
 * 1. A request has an id, a digest of what is being approved; an approval
 *    must name it, so a new commit, another run or other credentials need a
 *    new approval.
 * 2. People are matched by numeric user id. Logins can be renamed and then
 *    taken by someone else; ids cannot.
 * 3. Only comments created after the request and never edited count, and only
 *    when their first line is exactly the command (see {@link parseCommand}):
 *    a quote (`> /approve x`), a code block, a sentence that mentions the
 *    command or a look-alike (a tab, an upper-case id) is not one.
 * 4. Bots, the PR author, the actor and the triggering actor never approve
 *    their own request, unless `allow-self-approval`.
 * 5. N distinct eligible approvers; one eligible deny is final.
 * 6. Eligibility that could not be established counts as "not eligible".
 *
 * Nothing here does I/O: the platform adapters look things up and hand in
 * the results.
 */


/** Hex digits of the request id. 32 bits: easy to type, and one comment names one request. */
const REQUEST_ID_LENGTH = 8;
/**
 * The request id: a short SHA-256 digest of repository, commit, run, attempt,
 * job, gateway and the credential requests (names, scopes, TTLs, paths). Any
 * change gives another id, so an approval cannot carry over to a new commit,
 * a re-run or a widened scope. `env` is left out: where a value is exposed in
 * the job does not change what is issued.
 */
function requestId(subject) {
    const credentials = subject.credentials.map((c) => Object.fromEntries(Object.entries(c).filter(([key]) => key !== 'env')));
    const canonical = canonicalJson({
        repository: subject.repository,
        sha: subject.sha.toLowerCase(),
        runId: subject.runId,
        runAttempt: subject.runAttempt,
        job: subject.job ?? null,
        gateway: subject.gateway ?? null,
        credentials,
    });
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(canonical).digest('hex').slice(0, REQUEST_ID_LENGTH);
}
/** JSON with sorted keys and no undefined, so equal subjects give equal digests. */
function canonicalJson(value) {
    if (Array.isArray(value))
        return `[${value.map(canonicalJson).join(',')}]`;
    if (value !== null && typeof value === 'object') {
        const keys = Object.keys(value)
            .filter((k) => value[k] !== undefined)
            .sort();
        return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] ?? null)}`).join(',')}}`;
    }
    return JSON.stringify(value);
}
/** What an approver types to approve (or deny) `id`. */
function commandText(syntax, verb, id) {
    return syntax === 'slash' ? `/${verb} ${id}` : `/gatepass ${verb} ${id}`;
}
/**
 * The grammar, exactly as the docs and the request comment show it: the
 * command in lower case, one ASCII space before the id, the id in lower-case
 * hex as announced, and nothing else on the line (no tab, no second space,
 * no trailing space). A look-alike is not a command: people copy the line
 * from the request comment, and anything else is a sign of something else.
 */
const ID_PATTERN = `[0-9a-f]{${REQUEST_ID_LENGTH}}`;
const COMMANDS = {
    // No leading whitespace: four spaces make a Markdown code block.
    slash: new RegExp(`^/(approve|deny) (${ID_PATTERN})$`),
    gatepass: new RegExp(`^/gatepass (approve|deny) (${ID_PATTERN})$`),
};
/**
 * The command on the first line of `body`, if that line is exactly one.
 * Looking only at the first line, unindented, is what keeps quotes (`>`),
 * fenced or indented code and prose from ever being read as a command. The
 * line ends at LF or CRLF (GitHub stores comments typed in a browser with
 * CRLF); a lone CR is part of the line, so it is not a command.
 */
function parseCommand(body, syntax) {
    const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
    const match = COMMANDS[syntax].exec(firstLine);
    if (match === null)
        return undefined;
    return { verb: match[1] === 'deny' ? 'deny' : 'approve', id: match[2] ?? '' };
}
function isBot(actor) {
    // GitHub Apps comment as `name[bot]`; the flag is the authority, the suffix a second net.
    return actor.bot === true || actor.login.toLowerCase().endsWith('[bot]');
}
function isSelf(policy, actor) {
    return policy.self.ids.has(actor.id) || policy.self.logins.has(actor.login.toLowerCase());
}
/** Why `actor` may not decide, or undefined when they may. */
function ineligibility(policy, actor, eligibility) {
    if (isBot(actor))
        return 'bots never approve';
    if (!policy.allowSelfApproval && isSelf(policy, actor)) {
        return 'the PR author, the actor and the triggering actor do not approve their own request (allow-self-approval: false)';
    }
    if (policy.approverIds !== undefined) {
        return policy.approverIds.has(actor.id) ? undefined : 'not in `approvers` (matched by user id)';
    }
    const known = eligibility.get(actor.id);
    if (known === undefined)
        return 'eligibility could not be established (fails closed)';
    return known ? undefined : 'lacks the permission to approve';
}
/**
 * Decide. Deny wins: an eligible deny anywhere in `events` makes the request
 * denied, whatever came before it, because a snapshot cannot tell whether
 * the wait had already ended.
 */
function evaluate(policy, request, events, eligibility = new Map()) {
    const ignored = [];
    const approvers = new Map();
    let deniedBy;
    for (const event of events) {
        const verdict = classify(policy, request, event, eligibility);
        if ('reason' in verdict) {
            ignored.push({ event: describeEvent(event), who: who(event.author), reason: verdict.reason });
            continue;
        }
        const counted = {
            actor: event.author,
            evidence: describeEvent(event),
            ...(event.url === undefined ? {} : { url: event.url }),
        };
        if (verdict.verb === 'deny')
            deniedBy ??= counted;
        else if (!approvers.has(event.author.id))
            approvers.set(event.author.id, counted);
        else
            ignored.push({ event: counted.evidence, who: who(event.author), reason: 'already counted' });
    }
    const list = [...approvers.values()];
    if (deniedBy !== undefined)
        return { state: 'denied', approvers: list, deniedBy, ignored };
    const state = list.length >= Math.max(1, policy.required) ? 'approved' : 'pending';
    return { state, approvers: list, ignored };
}
/** The users whose default-rule eligibility `evaluate` will need: authors of commands for this request. */
function usersToLookUp(policy, request, events) {
    if (policy.approverIds !== undefined)
        return [];
    const out = new Map();
    for (const event of events) {
        const verdict = classify(policy, request, event, new Map([[event.author.id, true]]));
        if (!('reason' in verdict))
            out.set(event.author.id, event.author);
    }
    return [...out.values()];
}
/**
 * A policy that can never pass is a configuration error, found before anyone
 * is asked to approve: `approvals: 3` with two named approvers, or with the
 * actor as the only one.
 */
function checkSatisfiable(policy, candidates) {
    if (!Number.isInteger(policy.required) || policy.required < 1) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', `approvals must be a whole number of 1 or more to wait`, {
            hint: 'Set `approvals` to the number of distinct approvers needed',
        });
    }
    if (policy.approverIds === undefined)
        return;
    const usable = candidates === undefined
        ? [...policy.approverIds].filter((id) => policy.allowSelfApproval || !policy.self.ids.has(id))
        : candidates
            .filter((a) => policy.approverIds?.has(a.id) === true)
            .filter((a) => ineligibility(policy, a, new Map()) === undefined)
            .map((a) => a.id);
    const distinct = new Set(usable).size;
    if (distinct < policy.required) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', `approvals: ${policy.required} can never be met: \`approvers\` name ${distinct} user${distinct === 1 ? '' : 's'} who may approve (bots, the PR author and the actor excluded)`, {
            hint: 'Add approvers, lower `approvals`, or set `allow-self-approval: true` if the author may approve',
        });
    }
}
/**
 * With `approval-source: gateway` and `approvals: 1` the user asked for a
 * human at the gateway, so a credential the gateway issued at once, without
 * ever answering pending (token-exchange `authorization_pending`, a hoop
 * review), was issued without one: fail closed. main calls this for each
 * credential once the gateway has answered, with `heldByGateway` true when
 * the first answer was pending; when it throws, the credential exists and
 * must be revoked before the step fails.
 */
function requireGatewayReview(config, heldByGateway, credential) {
    const { required, source } = config.approvals;
    if (source !== 'gateway' || required === 0 || heldByGateway)
        return;
    throw new GatepassError('CONFIG', `the gateway issued "${credential}" without holding it for approval, but \`approvals: ${required}\` with \`approval-source: gateway\` asks for a human; it is revoked`, {
        hint: "Make the gateway's policy hold this credential for review (token-exchange: answer authorization_pending; hoop: a review on the connection), or set `approvals: 0`",
    });
}
function classify(policy, request, event, eligibility) {
    const timing = event.kind === 'comment' ? commentTiming(request, event) : grantTiming(request, event);
    if (timing !== undefined)
        return { reason: timing };
    let verb = 'approve';
    if (event.kind === 'comment') {
        const command = parseCommand(event.body, policy.syntax);
        if (command === undefined)
            return { reason: 'first line is not a command' };
        if (command.id !== request.id.toLowerCase()) {
            return { reason: `names request ${command.id}, not ${request.id}` };
        }
        verb = command.verb;
    }
    const notEligible = ineligibility(policy, event.author, eligibility);
    return notEligible === undefined ? { verb } : { reason: notEligible };
}
function commentTiming(request, event) {
    if (event.system === true)
        return 'system note';
    if (event.updatedAt !== event.createdAt)
        return 'edited after it was written';
    if (event.createdAt > request.createdAt)
        return undefined;
    const sameSecondAfter = event.createdAt === request.createdAt &&
        event.sequence !== undefined &&
        request.sequence !== undefined &&
        event.sequence > request.sequence;
    return sameSecondAfter ? undefined : 'written before the request';
}
function grantTiming(request, event) {
    if (request.grantsFrom === undefined)
        return 'approvals are not accepted for this request';
    if (event.at === undefined)
        return 'the platform does not say when it was approved (fails closed)';
    return event.at >= request.grantsFrom ? undefined : 'given before this commit was pushed';
}
function describeEvent(event) {
    return event.kind === 'comment' ? `comment ${event.id}` : `approval ${event.id}`;
}
function who(actor) {
    return `${actor.login} (id ${actor.id})`;
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


/***/ })

};

//# sourceMappingURL=141.index.js.map