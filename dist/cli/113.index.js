export const id = 113;
export const ids = [113];
export const modules = {

/***/ 1113:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DEVELOPER_ACCESS: () => (/* binding */ DEVELOPER_ACCESS),
/* harmony export */   GitLabApprovals: () => (/* binding */ GitLabApprovals),
/* harmony export */   isGitLabBot: () => (/* binding */ isGitLabBot),
/* harmony export */   nextPage: () => (/* binding */ nextPage)
/* harmony export */ });
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1922);
/* harmony import */ var _common_logger_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9353);
/* harmony import */ var _common_http_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5069);
/* harmony import */ var _common_retry_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9183);
/* harmony import */ var _policy_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3268);
/**
 * Approvals on a GitLab merge request, through REST API v4 with gatepass's
 * HTTP transport (common/http.ts) and
 * the token from `GATEPASS_GITLAB_TOKEN` (passed in; never logged).
 *
 * Two sources, chosen by `approval-source`:
 * - `gitlab-notes`: MR notes whose first line is `/gatepass approve <id>` or
 *   `/gatepass deny <id>`. Never `/approve`: that is a GitLab quick action,
 *   which approves the MR and leaves no note to read.
 * - `gitlab-mr-approvals`: the MR's own approvals (`approved_by`). They are
 *   not bound to a request id, so they are bound to the commit instead: they
 *   count only while the MR's head is the commit this job runs, and only if
 *   given after that commit became the head (the MR version's `created_at`),
 *   so an approval of an earlier push never carries over, whatever the
 *   project's "reset approvals on push" setting. When GitLab resets
 *   approvals, they are gone from `approved_by` and stay gone here too: each
 *   poll reads the current list.
 *
 * Eligibility by default: a project member (direct or inherited) with access
 * level Developer (30) or more, looked up per user id and cached.
 *
 * An edit is an edit of the body. GitLab moves a note's `updated_at` for
 * more than that: an emoji reaction (app/models/award_emoji.rb
 * `expire_cache` -> app/models/note.rb `Note#bump_updated_at`) and resolving
 * a thread (app/models/concerns/resolvable_note.rb `resolve!`), and the REST
 * note (lib/api/entities/note.rb) carries no `last_edited_at`. So the body
 * first seen is remembered per note id: a later listing with another body
 * is an edit, one with the same body is not, whatever `updated_at` says. A
 * command note seen for the first time with `updated_at` past `created_at`
 * is asked about in GraphQL (`Query.note`, GitLab 15.9+): its `lastEditedBy`
 * is non-null exactly when the body was edited (app/models/note.rb
 * `Note#edited?` needs `updated_by`, which only
 * app/services/notes/update_service.rb sets, on a body change);
 * `lastEditedAt` alone does not tell, it falls back to `updated_at`. When
 * GraphQL cannot say, an approval counts as edited and a deny as written
 * (fail closed both ways). A deny, once seen, stays: editing or deleting
 * the note later does not take it back.
 */





/** How connection failures name the API. */
const GITLAB = { what: 'GitLab', input: 'CI_API_V4_URL' };
/** Developer: may push code, so may already change what the job runs. */
const DEVELOPER_ACCESS = 30;
const TOKEN_HINT = 'Set GATEPASS_GITLAB_TOKEN to a project, group or personal access token with the `api` scope and at least the Reporter role';
/** Notes asked about in one GraphQL request (GitLab caps a query at 10,000 characters). */
const GRAPHQL_BATCH = 25;
class GitLabApprovals {
    syntax = 'gatepass';
    defaultApprovers = 'project members with the Developer role or higher';
    #options;
    #clock;
    #logger;
    #perPage;
    #members = new Map();
    #noteId;
    /** The MR's page (`web_url`): the API URL does not hold the project's path. */
    #webUrl;
    /** Notes are listed oldest first: pages before the one holding the request hold no command for it. */
    #firstPage = 1;
    /** Per note id, as first seen (see the file comment). */
    #seen = new Map();
    /** When the request note was created (epoch ms). */
    #openedAt = Number.POSITIVE_INFINITY;
    #warnedGraphql = false;
    constructor(options) {
        this.#options = options;
        this.#clock = options.clock ?? _common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .systemClock */ .ml;
        this.#logger = options.logger ?? _common_logger_js__WEBPACK_IMPORTED_MODULE_1__/* .silentLogger */ .q;
        this.#perPage = Math.min(100, Math.max(1, options.perPage ?? 100));
    }
    get where() {
        return `merge request !${this.#options.mergeRequestIid}`;
    }
    howToApprove(id) {
        return this.#options.mode === 'notes'
            ? `comment \`${(0,_policy_js__WEBPACK_IMPORTED_MODULE_4__/* .commandText */ .jt)('gatepass', 'approve', id)}\``
            : 'approve the merge request (its Approve button)';
    }
    howToDeny(id) {
        return `comment \`${(0,_policy_js__WEBPACK_IMPORTED_MODULE_4__/* .commandText */ .jt)('gatepass', 'deny', id)}\``;
    }
    async prepare(approvers, ctx) {
        const mr = await this.#mergeRequest(ctx);
        const { actor } = this.#options;
        const self = {
            ids: new Set([actor.id, mr.author.id]),
            logins: new Set([actor.login.toLowerCase(), mr.author.username.toLowerCase()]),
        };
        if (approvers.length === 0)
            return { self };
        const candidates = [];
        for (const name of approvers)
            candidates.push(await this.#user(name.replace(/^@/, ''), ctx));
        return { approverIds: new Set(candidates.map((c) => c.id)), candidates, self };
    }
    async open(markdown, ctx) {
        const grantsFrom = this.#options.mode === 'mr-approvals' ? await this.#headSince(ctx) : undefined;
        const note = await this.#call('posting the approval request note', 'POST', `${this.#mrPath()}/notes`, { body: { body: markdown } }, ctx);
        this.#noteId = note.data.id;
        this.#openedAt = Date.parse(note.data.created_at);
        return {
            createdAt: Date.parse(note.data.created_at),
            sequence: note.data.id,
            url: `${this.#webUrl ?? this.#options.apiUrl}#note_${String(note.data.id)}`,
            ...(grantsFrom === undefined ? {} : { grantsFrom }),
        };
    }
    /** The merge request's head when it is not the commit the job runs (merged results). */
    describeCommit(sha) {
        const head = this.#headSha;
        if (head === sha)
            return undefined;
        return `the merge request's head \`${head}\`, merged into the target branch as \`${sha}\` (a merged results pipeline)`;
    }
    async events(ctx) {
        const notes = await this.#notes(ctx);
        if (this.#options.mode === 'notes')
            return notes;
        // Denials still come as notes; approvals come from GitLab's approval state.
        return [...notes, ...(await this.#grants(ctx))];
    }
    async lookUp(users, ctx) {
        const out = new Map();
        for (const user of users) {
            let eligible = this.#members.get(user.id);
            if (eligible === undefined) {
                eligible = await this.#isDeveloper(user, ctx);
                this.#members.set(user.id, eligible);
            }
            out.set(user.id, eligible);
        }
        return out;
    }
    async close(_outcome, markdown, ctx) {
        if (this.#noteId === undefined)
            return;
        await this.#call('updating the approval request note', 'PUT', `${this.#mrPath()}/notes/${this.#noteId}`, { body: { body: markdown } }, ctx);
    }
    get #headSha() {
        return this.#options.headSha ?? this.#options.sha;
    }
    #mrPath() {
        return `/projects/${encodeURIComponent(this.#options.projectId)}/merge_requests/${this.#options.mergeRequestIid}`;
    }
    async #mergeRequest(ctx) {
        const res = await this.#call('reading the merge request', 'GET', this.#mrPath(), {}, ctx);
        this.#webUrl ??= res.data.web_url;
        return res.data;
    }
    /** When this job's commit (last) became the MR's head, from the MR's diff versions. */
    async #headSince(ctx) {
        const versions = await this.#all('listing merge request versions', `${this.#mrPath()}/versions`, {}, ctx);
        const head = this.#headSha;
        const ours = versions
            .filter((v) => v.head_commit_sha === head)
            .map((v) => Date.parse(v.created_at));
        if (ours.length === 0) {
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('CONFIG', `commit ${head.slice(0, 12)} is not a version of ${this.where}; its approvals cannot cover this job`, {
                hint: "Run the job in a merge request pipeline of the MR's current head (in merged results pipelines GitLab names it in CI_MERGE_REQUEST_SOURCE_BRANCH_SHA), or use `approval-source: gitlab-notes`",
            });
        }
        // The latest time it became the head: after a force-push away and back,
        // approvals given in between were for other code.
        return Math.max(...ours);
    }
    async #notes(ctx) {
        const raw = await this.#listNotes(ctx);
        await this.#learn(raw, ctx);
        const listed = new Set();
        const out = [];
        for (const note of raw) {
            listed.add(note.id);
            out.push(this.#event(note));
        }
        // A deny seen once and deleted since still stands.
        for (const [id, seen] of this.#seen) {
            if (seen.deny !== undefined && !listed.has(id))
                out.push(seen.deny);
        }
        return out;
    }
    /** Every note from the page holding the request on, the request itself left out. */
    async #listNotes(ctx) {
        const out = [];
        let page = this.#firstPage;
        for (;;) {
            const res = await this.#call('listing merge request notes', 'GET', `${this.#mrPath()}/notes`, {
                query: {
                    sort: 'asc',
                    order_by: 'created_at',
                    per_page: String(this.#perPage),
                    page: String(page),
                },
            }, ctx);
            const first = res.data[0];
            const holdsRequest = res.data.some((n) => n.id === this.#noteId);
            if (page === this.#firstPage &&
                page > 1 &&
                !holdsRequest &&
                (first === undefined || this.#after(first))) {
                // Notes before the request were deleted, and the pages moved up: one
                // right after the request may be on an earlier page now.
                this.#firstPage = 1;
                out.length = 0;
                page = 1;
                continue;
            }
            if (holdsRequest && this.#firstPage < page)
                this.#firstPage = page;
            out.push(...res.data.filter((n) => n.id !== this.#noteId));
            const next = nextPage(res.headers);
            if (next === undefined || next <= page)
                break;
            page = next;
        }
        return out;
    }
    /** Whether `note` was created after the request note. */
    #after(note) {
        const at = Date.parse(note.created_at);
        return at > this.#openedAt || (at === this.#openedAt && note.id > (this.#noteId ?? 0));
    }
    /**
     * Record the notes listed for the first time. A command note whose
     * `updated_at` moved before gatepass first saw it may have been edited, or
     * only reacted to or resolved: GraphQL says which.
     */
    async #learn(notes, ctx) {
        const fresh = notes.filter((n) => !this.#seen.has(n.id));
        const ask = fresh.filter((n) => !n.system &&
            n.updated_at !== n.created_at &&
            this.#after(n) &&
            (0,_policy_js__WEBPACK_IMPORTED_MODULE_4__/* .parseCommand */ .RM)(n.body, this.syntax) !== undefined);
        const edits = ask.length === 0 ? new Map() : await this.#edits(ask, ctx);
        for (const note of fresh) {
            const command = (0,_policy_js__WEBPACK_IMPORTED_MODULE_4__/* .parseCommand */ .RM)(note.body, this.syntax);
            const state = command === undefined ? undefined : edits.get(note.id);
            const denyFailsClosed = state?.kind === 'unknown' && command?.verb === 'deny';
            let editedAt;
            if (state?.kind === 'edited')
                editedAt = state.at;
            else if (state?.kind === 'unknown' && !denyFailsClosed)
                editedAt = Date.parse(note.updated_at);
            const seen = {
                command: command === undefined ? undefined : note.body,
                editedAt,
                deny: undefined,
            };
            if (command?.verb === 'deny' && editedAt === undefined)
                seen.deny = toNote(note, undefined);
            this.#seen.set(note.id, seen);
        }
    }
    /** The note as the policy sees it: edited only if its body was. */
    #event(note) {
        const seen = this.#seen.get(note.id);
        if (seen?.deny !== undefined)
            return seen.deny;
        const sameBody = seen?.command === undefined
            ? (0,_policy_js__WEBPACK_IMPORTED_MODULE_4__/* .parseCommand */ .RM)(note.body, this.syntax) === undefined
            : note.body === seen.command;
        if (seen !== undefined && sameBody)
            return toNote(note, seen.editedAt);
        return toNote(note, Date.parse(note.updated_at));
    }
    /** Whether each note's body was edited, from GraphQL `Query.note` (`lastEditedBy`). */
    async #edits(notes, ctx) {
        const out = new Map();
        for (let i = 0; i < notes.length; i += GRAPHQL_BATCH) {
            const batch = notes.slice(i, i + GRAPHQL_BATCH);
            const answer = await this.#graphqlNotes(batch, ctx);
            batch.forEach((note, j) => {
                const node = answer.data?.[`n${j}`];
                if (node === undefined || node === null) {
                    this.#warnGraphql(note, answer.reason ?? 'it returned no such note');
                    out.set(note.id, { kind: 'unknown' });
                }
                else if (node.lastEditedBy === null) {
                    out.set(note.id, { kind: 'unedited' });
                }
                else {
                    const at = Date.parse(node.lastEditedAt ?? note.updated_at);
                    out.set(note.id, {
                        kind: 'edited',
                        at: Number.isNaN(at) ? Date.parse(note.updated_at) : at,
                    });
                }
            });
        }
        return out;
    }
    async #graphqlNotes(notes, ctx) {
        const names = notes.map((_, j) => `n${j}`);
        const query = `query gatepassNoteEdits(${names.map((n) => `$${n}: NoteID!`).join(', ')}) { ${names
            .map((n) => `${n}: note(id: $${n}) { id lastEditedAt lastEditedBy { id } }`)
            .join(' ')} }`;
        const variables = Object.fromEntries(notes.map((n, j) => [`n${j}`, `gid://gitlab/Note/${n.id}`]));
        try {
            const res = await this.#call('asking GitLab GraphQL whether notes were edited', 'POST', this.#graphqlUrl(), {
                body: { query, variables },
            }, ctx);
            const errors = res.data.errors ?? [];
            if (errors.length > 0) {
                return {
                    reason: errors
                        .map((e) => e.message ?? '')
                        .join('; ')
                        .slice(0, 200),
                };
            }
            return { data: res.data.data ?? {} };
        }
        catch (err) {
            // An instance without the endpoint (or the field): say so, and fail closed.
            if (err instanceof _common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .HttpStatusError */ .F9 && err.status === 404)
                return { reason: err.message };
            throw err;
        }
    }
    #graphqlUrl() {
        if (this.#options.graphqlUrl !== undefined)
            return new URL(this.#options.graphqlUrl);
        return new URL('../graphql', `${this.#options.apiUrl.replace(/\/$/, '')}/`);
    }
    #warnGraphql(note, reason) {
        const message = `GitLab's GraphQL API did not say whether note ${note.id} was edited (${reason}); an approval there counts as edited, a deny as written`;
        if (this.#warnedGraphql) {
            this.#logger.debug(message);
            return;
        }
        this.#warnedGraphql = true;
        this.#logger.warning(`${message}. Needs GitLab 15.9 or later (Query.note) and a token that can read the merge request`);
    }
    async #grants(ctx) {
        const mr = await this.#mergeRequest(ctx);
        const head = this.#headSha;
        if (mr.sha !== head) {
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('DENIED', `${this.where} moved to ${mr.sha.slice(0, 12)}; approvals there do not cover ${head.slice(0, 12)}, which this job runs`, { hint: 'The pipeline of the new head asks again' });
        }
        const res = await this.#call('reading merge request approvals', 'GET', `${this.#mrPath()}/approvals`, {}, ctx);
        return (res.data.approved_by ?? []).map((a) => ({
            kind: 'grant',
            id: `by ${a.user.username}`,
            author: toActor(a.user),
            at: typeof a.approved_at === 'string' ? Date.parse(a.approved_at) : undefined,
        }));
    }
    async #isDeveloper(user, ctx) {
        try {
            const res = await this.#call(`looking up ${user.login}'s membership`, 'GET', `/projects/${encodeURIComponent(this.#options.projectId)}/members/all/${user.id}`, {}, ctx);
            const active = res.data.state === undefined || res.data.state === 'active';
            return res.data.id === user.id && active && res.data.access_level >= DEVELOPER_ACCESS;
        }
        catch (err) {
            if (err instanceof _common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .HttpStatusError */ .F9 && err.status === 404)
                return false;
            throw err;
        }
    }
    async #user(username, ctx) {
        const res = await this.#call(`looking up approver ${username}`, 'GET', '/users', { query: { username } }, ctx);
        const user = res.data.find((u) => u.username.toLowerCase() === username.toLowerCase());
        if (user === undefined) {
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GatepassError */ .J9('CONFIG', `approvers: "${username}" is not a GitLab user`, {
                hint: 'Fix the username in `approvers` (GitLab usernames; groups are not supported)',
            });
        }
        return toActor(user);
    }
    async #all(operation, path, query, ctx) {
        const out = [];
        for (let page = 1; page !== undefined;) {
            const res = await this.#call(operation, 'GET', path, { query: { ...query, per_page: '100', page: String(page) } }, ctx);
            out.push(...res.data);
            const next = nextPage(res.headers);
            page = next !== undefined && next > page ? next : undefined;
        }
        return out;
    }
    /** One API call under the retry policy (network errors, 408, 429 with `Retry-After`, 5xx). */
    async #call(operation, method, path, input, ctx) {
        const url = path instanceof URL ? path : new URL(`${this.#options.apiUrl.replace(/\/$/, '')}${path}`);
        for (const [k, v] of Object.entries(input.query ?? {}))
            url.searchParams.set(k, v);
        const answer = await (0,_common_http_js__WEBPACK_IMPORTED_MODULE_2__/* .request */ .Em)({
            method,
            url,
            label: operation,
            headers: {
                'PRIVATE-TOKEN': this.#options.token,
                accept: 'application/json',
                ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(input.body === undefined ? {} : { body: JSON.stringify(input.body) }),
        }, {
            ...GITLAB,
            signal: ctx.signal,
            // `approval-timeout` bounds the whole wait: no retry past it.
            deadlineMs: ctx.deadline - this.#clock.now(),
            logger: this.#logger,
            retry: { clock: this.#clock },
            statusError: (failed) => this.#error(failed, operation),
        });
        if (answer.status < 200 || answer.status > 299)
            throw this.#error(answer, operation);
        return { data: JSON.parse(answer.text()), headers: answer.headers };
    }
    #error(res, operation) {
        const message = gitlabMessage(res.text());
        const auth = res.status === 401 || res.status === 403;
        const retryAfterMs = (0,_common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .parseRetryAfter */ .mu)(res.headers.get('retry-after'), this.#clock.now());
        return new _common_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .HttpStatusError */ .F9(res.status, `${operation}: HTTP ${res.status}${message === '' ? '' : ` ${message.replace(/\s+/g, ' ').slice(0, 200)}`}`, {
            code: auth ? 'CONFIG' : 'GATEWAY',
            ...(auth ? { hint: TOKEN_HINT } : {}),
            ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        });
    }
}
/** GitLab's error text: `{"message": ...}` (a string or a field -> errors object) or `{"error": ...}`. */
function gitlabMessage(text) {
    try {
        const parsed = JSON.parse(text);
        const m = parsed.message ?? parsed.error;
        return typeof m === 'string' ? m : JSON.stringify(m ?? '');
    }
    catch {
        return '';
    }
}
/**
 * The next page from GitLab's offset-pagination headers: `x-next-page` (empty
 * on the last page), else a `Link` rel="next" (GitLab omits the totals past
 * 10,000 records, never these).
 */
function nextPage(headers) {
    const next = headers.get('x-next-page');
    if (next !== null && next.trim() !== '')
        return Number(next);
    const link = /<([^>]+)>;\s*rel="next"/.exec(headers.get('link') ?? '')?.[1];
    if (link === undefined)
        return undefined;
    const page = new URL(link).searchParams.get('page');
    return page === null ? undefined : Number(page);
}
/**
 * GitLab's bot users: project and group access tokens act as
 * `project_<id>_bot_<hash>` / `group_<id>_bot_<hash>`, and the API shows a
 * `bot` flag only to administrators.
 */
function isGitLabBot(user) {
    return (user.bot === true ||
        /^(project|group)_\d+_bot(_|$)/i.test(user.username) ||
        /-bot$/i.test(user.username));
}
function toActor(user) {
    return {
        id: user.id,
        login: user.username,
        bot: isGitLabBot(user),
        ...(user.web_url === undefined ? {} : { url: user.web_url }),
    };
}
/** `editedAt`: when its body was edited (undefined: never), the only edit the policy sees. */
function toNote(n, editedAt) {
    const createdAt = Date.parse(n.created_at);
    return {
        kind: 'comment',
        id: String(n.id),
        sequence: n.id,
        author: toActor(n.author),
        body: n.body,
        createdAt,
        updatedAt: editedAt === undefined ? createdAt : Math.max(editedAt, createdAt + 1),
        system: n.system,
    };
}


/***/ })

};

//# sourceMappingURL=113.index.js.map