export const id = 313;
export const ids = [313];
export const modules = {

/***/ 1313:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GitHubApprovals: () => (/* binding */ GitHubApprovals),
/* harmony export */   GitHubRateLimitError: () => (/* binding */ GitHubRateLimitError),
/* harmony export */   rateLimitWait: () => (/* binding */ rateLimitWait)
/* harmony export */ });
/* harmony import */ var _common_logger_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9353);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1922);
/* harmony import */ var _common_network_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1451);
/* harmony import */ var _common_http_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5069);
/* harmony import */ var _common_retry_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9183);
/* harmony import */ var _policy_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3268);






/** How messages name the API. */
const GITHUB = { what: 'GitHub', input: 'GITHUB_API_URL' };
const WRITE_PERMISSIONS = new Set(['admin', 'maintain', 'write']);
class GitHubApprovals {
    syntax = 'slash';
    defaultApprovers = 'anyone with write, maintain or admin access to the repository';
    #options;
    #owner;
    #repo;
    #clock;
    #logger;
    #perPage;
    #pages = new Map();
    #permissions = new Map();
    #request;
    #thread;
    #since;
    /** Responses other than 304, for tests and the budget log. */
    countedRequests = 0;
    conditionalHits = 0;
    constructor(options) {
        const [owner, repo, ...rest] = options.repository.split('/');
        if (owner === undefined ||
            repo === undefined ||
            owner === '' ||
            repo === '' ||
            rest.length > 0) {
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('INPUT', `repository must be "owner/repo", got "${options.repository}"`);
        }
        this.#options = options;
        this.#owner = owner;
        this.#repo = repo;
        this.#clock = options.clock ?? _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .systemClock */ .ml;
        this.#logger = options.logger ?? _common_logger_js__WEBPACK_IMPORTED_MODULE_0__/* .silentLogger */ .q;
        this.#perPage = Math.min(100, Math.max(1, options.perPage ?? 100));
        this.#request = options.request;
    }
    get where() {
        return this.#options.pullNumber === undefined
            ? `an issue in ${this.#options.repository}`
            : `pull request #${this.#options.pullNumber}`;
    }
    howToApprove(id) {
        return `comment \`${(0,_policy_js__WEBPACK_IMPORTED_MODULE_5__/* .commandText */ .jt)('slash', 'approve', id)}\``;
    }
    howToDeny(id) {
        return `comment \`${(0,_policy_js__WEBPACK_IMPORTED_MODULE_5__/* .commandText */ .jt)('slash', 'deny', id)}\``;
    }
    async prepare(approvers, ctx) {
        const self = await this.#selfIds(ctx);
        if (approvers.length === 0)
            return { self };
        const candidates = new Map();
        for (const entry of approvers) {
            const name = entry.replace(/^@/, '');
            const found = name.includes('/')
                ? await this.#teamMembers(name, ctx)
                : [await this.#user(name, ctx)];
            for (const actor of found)
                candidates.set(actor.id, actor);
        }
        return { approverIds: new Set(candidates.keys()), candidates: [...candidates.values()], self };
    }
    async open(markdown, ctx) {
        const pull = this.#options.pullNumber;
        if (pull !== undefined) {
            const res = await this.#call('posting the approval request comment', 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { issue_number: pull, body: markdown }, ctx, 'Give the job `permissions: pull-requests: write` (or pass a `github-token` that may comment)');
            const comment = res.data;
            this.#thread = { number: pull, commentId: comment.id, isIssue: false };
            this.#since = comment.created_at;
            return {
                createdAt: Date.parse(comment.created_at),
                sequence: comment.id,
                url: comment.html_url,
            };
        }
        const res = await this.#call('opening the approval request issue', 'POST /repos/{owner}/{repo}/issues', { title: 'gatepass: approval requested', body: markdown }, ctx, 'Give the job `permissions: issues: write` (or pass a `github-token` that may open issues)');
        const issue = res.data;
        this.#thread = { number: issue.number, isIssue: true };
        this.#since = issue.created_at;
        // Issue and comment ids are different sequences: no same-second ordering.
        return { createdAt: Date.parse(issue.created_at), url: issue.html_url };
    }
    /** Every comment touched since the request, every page, each page conditional. */
    async events(ctx) {
        const thread = this.#requireThread();
        const out = [];
        for (let page = 1;; page++) {
            const { comments, hasNext, fresh } = await this.#commentPage(thread.number, page, ctx);
            out.push(...comments);
            // A 304 repeats the old Link header: a full last page may have grown a next one.
            const mayHaveMore = hasNext || (!fresh && comments.length === this.#perPage);
            if (!mayHaveMore || (comments.length === 0 && page > 1))
                break;
        }
        return out.filter((c) => c.sequence !== thread.commentId);
    }
    async lookUp(users, ctx) {
        const result = new Map();
        for (const user of users) {
            let eligible = this.#permissions.get(user.id);
            if (eligible === undefined) {
                eligible = await this.#hasWriteAccess(user, ctx);
                this.#permissions.set(user.id, eligible);
            }
            result.set(user.id, eligible);
        }
        return result;
    }
    async close(outcome, markdown, ctx) {
        const thread = this.#thread;
        if (thread === undefined)
            return;
        if (!thread.isIssue && thread.commentId !== undefined) {
            await this.#call('updating the approval request comment', 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { comment_id: thread.commentId, body: markdown }, ctx, 'Give the job `permissions: pull-requests: write`');
            return;
        }
        await this.#call('closing the approval request issue', 'PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
            issue_number: thread.number,
            body: markdown,
            state: 'closed',
            state_reason: outcome.state === 'approved' ? 'completed' : 'not_planned',
        }, ctx, 'Give the job `permissions: issues: write`');
    }
    #requireThread() {
        if (this.#thread === undefined)
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('INTERNAL', 'approval request not opened');
        return this.#thread;
    }
    async #commentPage(issue, page, ctx) {
        const cached = this.#pages.get(page);
        const res = await this.#call('listing comments', 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
            issue_number: issue,
            per_page: this.#perPage,
            page,
            ...(this.#since === undefined ? {} : { since: this.#since }),
            ...(cached === undefined ? {} : { headers: { 'if-none-match': cached.etag } }),
        }, ctx, 'Give the job `permissions: pull-requests: read` (or `issues: read`)');
        if (res.status === 304 && cached !== undefined) {
            return { comments: cached.comments, hasNext: cached.hasNext, fresh: false };
        }
        const comments = res.data.flatMap(toComment);
        const hasNext = /<[^>]*>;\s*rel="next"/.test(String(res.headers.link ?? ''));
        const etag = res.headers.etag;
        if (typeof etag === 'string')
            this.#pages.set(page, { etag, comments, hasNext });
        return { comments, hasNext, fresh: true };
    }
    async #hasWriteAccess(user, ctx) {
        try {
            const res = await this.#call(`looking up ${user.login}'s permission`, 'GET /repos/{owner}/{repo}/collaborators/{username}/permission', { username: user.login }, ctx, 'The token needs read access to the repository (`permissions: contents: read` or metadata)');
            const data = res.data;
            // The login may have been renamed and re-registered since the comment: the ids must agree.
            if (data.user?.id !== user.id)
                return false;
            return WRITE_PERMISSIONS.has(data.permission) || WRITE_PERMISSIONS.has(data.role_name);
        }
        catch (err) {
            if (err instanceof _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9 && err.status === 404)
                return false;
            throw err;
        }
    }
    async #user(login, ctx) {
        try {
            const res = await this.#call(`looking up approver ${login}`, 'GET /users/{username}', { username: login }, ctx);
            return toActor(res.data);
        }
        catch (err) {
            if (err instanceof _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9 && err.status === 404) {
                throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', `approvers: "${login}" is not a GitHub user`, {
                    hint: 'Fix the login in `approvers` (logins, or org/team slugs)',
                });
            }
            throw err;
        }
    }
    /** Every member of `org/team`. A team that cannot be read fails closed: it never becomes "nobody" or a login. */
    async #teamMembers(slug, ctx) {
        const [org, team] = slug.split('/');
        if (org === undefined || team === undefined || org === '' || team === '') {
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', `approvers: "${slug}" is not an org/team slug`);
        }
        const members = [];
        try {
            for (let page = 1;; page++) {
                const res = await this.#call(`listing team ${slug}`, 'GET /orgs/{org}/teams/{team_slug}/members', { org, team_slug: team, per_page: 100, page }, ctx);
                members.push(...res.data.map(toActor));
                if (!/rel="next"/.test(String(res.headers.link ?? '')))
                    break;
            }
        }
        catch (err) {
            if (err instanceof _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9 && (err.status === 403 || err.status === 404)) {
                throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', `approvers: team ${slug} could not be read (HTTP ${err.status}); failing closed`, {
                    hint: 'Pass a `github-token` that can read org teams: `read:org` (classic PAT) or "Members: read" (GitHub App / fine-grained); GITHUB_TOKEN cannot',
                    cause: err,
                });
            }
            throw err;
        }
        if (members.length === 0) {
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', `approvers: team ${slug} has no members`, {
                hint: 'Name a team with members, or list logins',
            });
        }
        return members;
    }
    /** The PR author, actor and triggering actor, as ids (logins too, as a second net). */
    async #selfIds(ctx) {
        const { author, actor, triggeringActor } = this.#options;
        const ids = new Set();
        const logins = new Set();
        for (const person of [author, actor]) {
            if (person === undefined)
                continue;
            if (person.id !== undefined)
                ids.add(person.id);
            logins.add(person.login.toLowerCase());
        }
        if (actor.id === undefined)
            ids.add((await this.#user(actor.login, ctx)).id);
        if (triggeringActor !== undefined && triggeringActor !== '') {
            logins.add(triggeringActor.toLowerCase());
            if (triggeringActor.toLowerCase() !== actor.login.toLowerCase()) {
                ids.add((await this.#user(triggeringActor, ctx)).id);
            }
        }
        return { ids, logins };
    }
    /** One API call with the retry policy; 304 comes back as a response, not an error. */
    async #call(operation, route, params, ctx, forbiddenHint) {
        const request = await this.#client();
        return (0,_common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .retry */ .L5)(async ({ signal }) => {
            try {
                const repoParams = route.includes('{owner}')
                    ? { owner: this.#owner, repo: this.#repo }
                    : {};
                const res = await request(route, { ...repoParams, ...params, request: { signal } });
                this.countedRequests++;
                return res;
            }
            catch (err) {
                const converted = this.#convert(err, operation, forbiddenHint);
                if (converted === 'not-modified') {
                    this.conditionalHits++;
                    return { status: 304, headers: {}, data: undefined };
                }
                throw converted;
            }
        }, {
            operation,
            signal: ctx.signal,
            // `approval-timeout` bounds the whole wait: no retry past it.
            deadlineMs: Math.max(0, ctx.deadline - this.#clock.now()),
            clock: this.#clock,
            logger: this.#logger,
            classify: classifyGitHub,
        });
    }
    #convert(err, operation, forbiddenHint) {
        const response = err.response;
        const status = err.status;
        if (typeof status !== 'number' || response === undefined) {
            // No answer: Octokit wraps the fetch failure; the cause carries the network code.
            const url = this.#options.apiUrl ?? 'https://api.github.com';
            const proxy = (0,_common_http_js__WEBPACK_IMPORTED_MODULE_3__/* .proxyFor */ .iJ)(new URL(url))?.origin;
            const peer = {
                ...GITHUB,
                url,
                label: operation,
                ...(proxy === undefined ? {} : { proxy }),
            };
            return (0,_common_network_js__WEBPACK_IMPORTED_MODULE_2__/* .connectionError */ .$)(err, peer) ?? err.cause ?? err;
        }
        if (status === 304)
            return 'not-modified';
        this.countedRequests++;
        const message = githubMessage(response.data);
        const wait = rateLimitWait(status, response.headers, message, this.#clock.now());
        if (wait !== undefined) {
            return new GitHubRateLimitError(status, `${operation}: GitHub rate limit (HTTP ${status})`, wait);
        }
        const hint = status === 401
            ? 'The `github-token` is invalid or expired'
            : status === 403 && forbiddenHint !== undefined
                ? forbiddenHint
                : undefined;
        return new _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9(status, `${operation}: HTTP ${status}${message === '' ? '' : ` ${message}`}`, {
            code: status === 403 || status === 401 ? 'CONFIG' : 'GATEWAY',
            ...(hint === undefined ? {} : { hint }),
            ...optional('retryAfterMs', (0,_common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .parseRetryAfter */ .mu)(response.headers['retry-after'], this.#clock.now())),
        });
    }
    async #client() {
        if (this.#request !== undefined)
            return this.#request;
        const { getOctokit } = await __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413));
        const octokit = getOctokit(this.#options.token, {
            ...(this.#options.apiUrl === undefined ? {} : { baseUrl: this.#options.apiUrl }),
            // gatepass's transport: proxies, CA, User-Agent, redirects refused (one attempt; #call retries).
            request: { fetch: (0,_common_http_js__WEBPACK_IMPORTED_MODULE_3__/* .fetchThrough */ .sL)(GITHUB) },
        });
        const request = (route, params) => octokit.request(route, params);
        this.#request = request;
        return request;
    }
}
/** A rate-limit answer: always retried, after the time GitHub asks for. */
class GitHubRateLimitError extends _common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .HttpStatusError */ .F9 {
    constructor(status, message, waitMs) {
        super(status, message, {
            retryAfterMs: waitMs,
            hint: 'Too many requests from this token; gatepass waits as GitHub asks',
        });
        this.name = 'GitHubRateLimitError';
    }
}
function classifyGitHub(err) {
    if (err instanceof GitHubRateLimitError) {
        return err.retryAfterMs === undefined
            ? { retry: true }
            : { retry: true, afterMs: err.retryAfterMs };
    }
    return (0,_common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .classifyError */ .fe)(err);
}
/**
 * How long GitHub asks us to wait, when this answer is a rate limit
 * (docs.github.com "Rate limits for the REST API"): `retry-after` seconds;
 * else, with `x-ratelimit-remaining: 0`, until `x-ratelimit-reset`; else a
 * 403/429 that says "secondary rate limit" means at least a minute.
 */
function rateLimitWait(status, headers, message, now) {
    if (status !== 403 && status !== 429)
        return undefined;
    const retryAfter = (0,_common_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .parseRetryAfter */ .mu)(headers['retry-after'], now);
    if (retryAfter !== undefined)
        return retryAfter;
    if (headers['x-ratelimit-remaining'] === '0') {
        const reset = Number(headers['x-ratelimit-reset']);
        if (Number.isFinite(reset))
            return Math.max(1_000, reset * 1000 - now);
    }
    if (status === 429 || /rate limit/i.test(message))
        return 60_000;
    return undefined;
}
function optional(key, value) {
    return value === undefined ? {} : { [key]: value };
}
function githubMessage(data) {
    const message = data?.message;
    return typeof message === 'string' ? message.replace(/\s+/g, ' ').slice(0, 200) : '';
}
function toActor(user) {
    return {
        id: user.id,
        login: user.login,
        bot: user.type === 'Bot',
        ...(user.html_url === undefined ? {} : { url: user.html_url }),
    };
}
function toComment(raw) {
    // A deleted account ("ghost") has no user: nobody to count.
    if (raw.user === null)
        return [];
    return [
        {
            kind: 'comment',
            id: String(raw.id),
            sequence: raw.id,
            author: toActor(raw.user),
            body: raw.body ?? '',
            createdAt: Date.parse(raw.created_at),
            updatedAt: Date.parse(raw.updated_at),
            url: raw.html_url,
        },
    ];
}


/***/ })

};

//# sourceMappingURL=313.index.js.map