export const id = 268;
export const ids = [268];
export const modules = {

/***/ 3268:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   RM: () => (/* binding */ parseCommand),
/* harmony export */   _3: () => (/* binding */ evaluate),
/* harmony export */   jt: () => (/* binding */ commandText),
/* harmony export */   mV: () => (/* binding */ requireGatewayReview),
/* harmony export */   uI: () => (/* binding */ usersToLookUp),
/* harmony export */   wz: () => (/* binding */ checkSatisfiable),
/* harmony export */   z2: () => (/* binding */ requestId)
/* harmony export */ });
/* unused harmony exports REQUEST_ID_LENGTH, canonicalJson, isBot, isSelf, ineligibility */
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
 * 3. Only comments created after the request count, and only when their
 *    first line is exactly the command (see {@link parseCommand}): a quote
 *    (`> /approve x`), a code block, a sentence that mentions the command or
 *    a look-alike (a tab, an upper-case id) is not one. An edited approval
 *    does not count (an edit could forge one, by its author or by anyone who
 *    may edit others' comments); an edited deny does: honouring it can only
 *    stop the request, and its author may have edited it to give a reason.
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
        ...(subject.held === undefined ? {} : { held: { ...subject.held } }),
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
    throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GatepassError */ .J9('CONFIG', `the gateway issued "${credential}" without holding it for approval, but \`approvals: ${required}\` with \`approval-source: gateway\` asks for a human; it is revoked`, {
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
        if (event.updatedAt !== event.createdAt && command?.verb !== 'deny') {
            return { reason: 'edited after it was written' };
        }
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

/***/ 1268:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  inTerminalWords: () => (/* binding */ inTerminalWords),
  runCommand: () => (/* binding */ runCommand)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/config/config.ts + 6 modules
var config_config = __webpack_require__(439);
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/flow/job.ts + 4 modules
var job = __webpack_require__(2678);
// EXTERNAL MODULE: ./src/platform/detect.ts
var detect = __webpack_require__(1356);
// EXTERNAL MODULE: ./src/common/logger.ts
var common_logger = __webpack_require__(9353);
// EXTERNAL MODULE: ./src/identity/source.ts
var source = __webpack_require__(8937);
// EXTERNAL MODULE: ./src/identity/token.ts + 5 modules
var identity_token = __webpack_require__(6969);
;// CONCATENATED MODULE: ./src/identity/gitlab.ts
/**
 * The GitLab CI ID token. GitLab puts it in the variable the job's
 * `id_tokens:` keyword names (gatepass reads `GATEPASS_ID_TOKEN` unless
 * `id-token-variable` says otherwise). It is minted when the job starts and
 * cannot be renewed from inside the job.
 */




const DEFAULT_ID_TOKEN_VARIABLE = 'GATEPASS_ID_TOKEN';
function gitlabIdentity(options) {
    const variable = options.variable ?? DEFAULT_ID_TOKEN_VARIABLE;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
        throw new errors/* GatepassError */.J9('INPUT', `id-token-variable "${variable}" is not a variable name`, {
            hint: 'Use letters, digits and underscores, e.g. GATEPASS_ID_TOKEN',
        });
    }
    const env = options.env ?? process.env;
    const logger = options.logger ?? common_logger/* silentLogger */.q;
    const hint = `Add to the job: \`id_tokens: { ${variable}: { aud: "${options.audience ?? '<gateway URL>'}" } }\` (https://docs.gitlab.com/ci/yaml/#id_tokens)`;
    return (0,source/* fixedSource */.s)({
        platform: 'gitlab',
        origin: variable,
        expiredHint: 'GitLab mints it when the job starts and it cannot be renewed from inside the job; retry the job',
        logger,
        now: options.now ?? (() => Date.now()),
        load: () => {
            const raw = env[variable] ?? '';
            if (raw.trim() === '') {
                throw new errors/* GatepassError */.J9('IDENTITY', `GitLab gave this job no ID token in ${variable}`, {
                    hint,
                });
            }
            // Whatever it holds, it is meant to be secret.
            options.registerSecret(raw.trim());
            const token = (0,identity_token/* parseIdentityToken */.Xm)(raw, 'gitlab', variable, hint);
            warnOnAudience(token.claims.aud, options.audience, variable, logger);
            return Promise.resolve(token);
        },
    });
}
function warnOnAudience(aud, expected, variable, logger) {
    if (expected === undefined || aud === undefined)
        return;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (audiences.includes(expected))
        return;
    logger.warning(`the ID token in ${variable} is for audience ${audiences.join(', ')}, not ${expected}; set \`aud: "${expected}"\` under \`id_tokens: ${variable}:\` if the gateway refuses it`);
}

;// CONCATENATED MODULE: ./src/platform/gitlab.ts
/**
 * GitLab CI for `gatepass run`: who and what runs (CI_* variables), the ID
 * token from the variable `id_tokens:` fills, the job's temp directory, and
 * approvals on the merge request. GitLab cannot add a value to its log
 * masking from inside a job, so gatepass's masker is the only one: the
 * command's output all passes through it.
 */



function gitlabPlatform(options) {
    const { env, idTokenVariable } = options;
    return {
        context: gitlabContext(env),
        workspace: get(env, 'CI_PROJECT_DIR') ?? options.cwd,
        tempDir: (0,detect/* jobTempDir */.z3)('gitlab', env),
        identity: ({ audience, registerSecret, logger }) => gitlabIdentity({ variable: idTokenVariable, audience, registerSecret, logger, env }),
        setSecret: () => undefined,
        approvalGate: gitlabApprovalGate(env, options.logger),
    };
}
function gitlabContext(env) {
    return {
        platform: 'gitlab',
        repository: get(env, 'CI_PROJECT_PATH'),
        ref: get(env, 'CI_COMMIT_REF_NAME'),
        sha: get(env, 'CI_COMMIT_SHA'),
        runId: get(env, 'CI_PIPELINE_ID'),
        // GitLab has no attempt number: a retried job is a new job with a new id.
        runAttempt: get(env, 'CI_JOB_ID'),
        job: get(env, 'CI_JOB_NAME'),
        step: undefined,
        actor: get(env, 'GITLAB_USER_LOGIN'),
        workflow: get(env, 'CI_PIPELINE_NAME'),
        eventName: get(env, 'CI_PIPELINE_SOURCE'),
        serverUrl: get(env, 'CI_SERVER_URL'),
    };
}
/**
 * `approval-source: gitlab-notes | gitlab-mr-approvals`: on the merge request
 * of a merge request pipeline, through approvals/gitlab.ts. Loaded on first
 * use: a run without approvals never parses it.
 */
function gitlabApprovalGate(env, logger) {
    return {
        check: () => {
            approvalContext(env);
        },
        async wait({ id, subject, config, signal }) {
            const [{ GitLabApprovals }, { approversOf, awaitApproval }] = await Promise.all([
                __webpack_require__.e(/* import() */ 113).then(__webpack_require__.bind(__webpack_require__, 1113)),
                __webpack_require__.e(/* import() */ 141).then(__webpack_require__.bind(__webpack_require__, 4141)),
            ]);
            const where = approvalContext(env);
            const mode = config.approvals.source === 'gitlab-mr-approvals' ? 'mr-approvals' : 'notes';
            const source = new GitLabApprovals({
                ...where,
                mode,
                token: config.gitlabToken ?? '',
                logger,
            });
            const result = await awaitApproval({
                policy: config.approvals,
                subject,
                ...(where.runUrl === undefined ? {} : { runUrl: where.runUrl }),
                source,
                logger,
                signal,
            });
            return approversOf(result, id);
        },
    };
}
/** The merge request and who started the job; throws CONFIG when GitLab did not say. */
function approvalContext(env) {
    const need = (name, hint) => {
        const value = get(env, name);
        if (value !== undefined)
            return value;
        throw new errors/* GatepassError */.J9('CONFIG', `GitLab approvals need ${name}, which is not set`, { hint });
    };
    const runner = 'Run gatepass in a GitLab CI job, or set `approvals: 0`';
    const iid = Number(need('CI_MERGE_REQUEST_IID', 'Approvals are given on a merge request: run the job in a merge request pipeline (`rules: - if: $CI_PIPELINE_SOURCE == "merge_request_event"`), or use `approval-source: gateway`'));
    const actorId = Number(need('GITLAB_USER_ID', runner));
    if (!Number.isSafeInteger(iid) || !Number.isSafeInteger(actorId)) {
        throw new errors/* GatepassError */.J9('CONFIG', 'CI_MERGE_REQUEST_IID or GITLAB_USER_ID is not a number', {
            hint: runner,
        });
    }
    const sha = need('CI_COMMIT_SHA', runner);
    const graphqlUrl = get(env, 'CI_API_GRAPHQL_URL');
    return {
        apiUrl: need('CI_API_V4_URL', runner),
        ...(graphqlUrl === undefined ? {} : { graphqlUrl }),
        projectId: need('CI_PROJECT_ID', runner),
        mergeRequestIid: iid,
        sha,
        headSha: mergeRequestHead(env, sha),
        actor: { id: actorId, login: need('GITLAB_USER_LOGIN', runner) },
        runUrl: get(env, 'CI_JOB_URL') ?? get(env, 'CI_PIPELINE_URL'),
    };
}
/**
 * The merge request's head this job runs. In merged results and merge train
 * pipelines `CI_COMMIT_SHA` is a merge commit GitLab made of the head and the
 * target branch, and the head is `CI_MERGE_REQUEST_SOURCE_BRANCH_SHA`
 * (lib/gitlab/ci/variables/builder/pipeline.rb sets it from the pipeline's
 * `source_sha`, empty in other merge request pipelines;
 * `CI_MERGE_REQUEST_EVENT_TYPE` is `merged_result` or `merge_train` there,
 * app/models/ci/pipeline.rb and ee/app/models/ee/ci/pipeline.rb
 * `merge_request_event_type`). Elsewhere the head is `CI_COMMIT_SHA`.
 */
function mergeRequestHead(env, sha) {
    const head = get(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_SHA');
    if (head !== undefined)
        return head;
    const type = get(env, 'CI_MERGE_REQUEST_EVENT_TYPE');
    if (type === 'merged_result' || type === 'merge_train') {
        throw new errors/* GatepassError */.J9('CONFIG', `CI_MERGE_REQUEST_EVENT_TYPE is ${type} but CI_MERGE_REQUEST_SOURCE_BRANCH_SHA is empty: the merge request's head is unknown`, {
            hint: 'Do not override CI_MERGE_REQUEST_SOURCE_BRANCH_SHA in the job; GitLab sets it in merged results pipelines',
        });
    }
    return sha;
}
function get(env, name) {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
}

// EXTERNAL MODULE: ./src/platform/local.ts + 1 modules
var local = __webpack_require__(5164);
// EXTERNAL MODULE: ./src/flow/state.ts
var state = __webpack_require__(7573);
// EXTERNAL MODULE: ./src/common/suggest.ts
var suggest = __webpack_require__(8687);
// EXTERNAL MODULE: ./src/config/settings.ts
var settings = __webpack_require__(4661);
// EXTERNAL MODULE: ./src/delivery/exec.ts
var exec = __webpack_require__(8251);
// EXTERNAL MODULE: ./src/cli/io.ts
var cli_io = __webpack_require__(1604);
;// CONCATENATED MODULE: ./src/cli/run.ts
/**
 * `gatepass run [options] -- <command...>`: the action's flow (main.ts's
 * `runJob`) as a command, for GitLab CI and terminals. It issues, runs the
 * command with masked output, then revokes (also after SIGINT/SIGTERM, which
 * reach the command first). The state is on disk from the first credential
 * on, so `gatepass revoke` in an `after_script` finishes a killed job.
 *
 * Exit code: the command's; 125 when gatepass itself failed, or when the command
 * succeeded but a credential could not be revoked.
 */













/** Flags of `run` that are not action inputs; each takes a value, like the inputs. */
const RUN_ONLY = ['config', 'state', 'audit-file', 'summary', 'id-token-file'];
const FLAGS = new Set([...RUN_ONLY, ...config_config/* INPUT_NAMES */.Qh]);
async function runCommand(args, io) {
    const parsed = parseRunArgs(args);
    if (parsed.help) {
        io.stdout.write(RUN_USAGE);
        return 0;
    }
    const log = (0,local/* terminalLogger */.jl)(io.stderr, (0,local/* wantsDebug */.TY)(io.env));
    const file = parsed.flags.config;
    const getInput = (0,settings/* settingsInput */.K)({
        flags: parsed.flags,
        env: io.env,
        file: file === undefined ? {} : (0,settings/* parseConfigFile */.me)(await (0,settings/* readConfigFile */.RG)(file), file),
    });
    const name = (0,detect/* detectPlatform */.li)(io.env);
    const config = (0,config_config/* loadConfig */.Z9)(getInput, { platform: name, env: io.env }, (message) => {
        log.error(inTerminalWords(message));
    });
    if (config === undefined)
        return cli_io/* EXIT_FAILURE */.w5;
    checkDelivery(config, parsed.command);
    const platform = await platformFor(name, config, parsed.flags, io, log);
    const statePath = (0,external_node_path_.resolve)(io.cwd, parsed.flags.state ??
        (0,external_node_path_.join)((0,detect/* stateDir */.Pn)(name, io.env), `state-${String(Date.now())}-${String(process.pid)}.json`));
    const summary = parsed.flags.summary;
    const host = (0,local/* terminalHost */.P0)({
        platform,
        statePath,
        log,
        stderr: io.stderr,
        env: io.env,
        ...(summary === undefined ? {} : { summaryFile: (0,external_node_path_.resolve)(io.cwd, summary) }),
    });
    const auditFile = parsed.flags['audit-file'];
    return withSignals(io.signals, log, async (onSignal) => {
        const runtime = {
            host,
            stdout: io.stdout,
            stderr: io.stderr,
            onSignal,
            stdin: 'inherit',
            ...(platform.approvalGate === undefined ? {} : { approvalGate: platform.approvalGate }),
            ...(parsed.command === undefined ? {} : { command: parsed.command }),
            ...(auditFile === undefined ? {} : { auditFile: (0,external_node_path_.resolve)(io.cwd, auditFile) }),
        };
        const result = await (0,job/* runJob */.b)(config, runtime);
        await keepStateIfNeeded(host, statePath);
        // The command itself could not start: the codes a shell would give.
        if (!result.ok && result.error instanceof exec/* CommandStartError */.wn) {
            return result.error.notFound ? cli_io/* EXIT_NOT_FOUND */.ek : cli_io/* EXIT_CANNOT_RUN */.Bp;
        }
        return (0,job/* exitCodeOf */.F)(result, cli_io/* EXIT_FAILURE */.w5);
    });
}
/**
 * Splits off `-- command...`, then reads `--name value` or `--name=value`
 * pairs. Hand-rolled because every flag takes a value and values may start
 * with a dash (`--credentials "- name: db ..."`), which `util.parseArgs` refuses.
 */
function parseRunArgs(args) {
    const end = args.indexOf('--');
    const options = end === -1 ? args : args.slice(0, end);
    const flags = {};
    let help = false;
    for (let i = 0; i < options.length; i += 1) {
        const arg = options[i] ?? '';
        if (arg === '--help' || arg === '-h') {
            help = true;
            continue;
        }
        const match = /^--([a-z][a-z-]*)(?:=([\s\S]*))?$/.exec(arg);
        const name = match?.[1];
        if (name === undefined || !FLAGS.has(name)) {
            const given = arg.split('=')[0] ?? arg;
            const near = (0,suggest/* closest */.k)(given.replace(/^-+/, ''), FLAGS);
            throw usageError(`unknown option "${given}"${near === undefined ? '' : ` (did you mean --${near}?)`}`);
        }
        if (config_config/* SECRET_INPUTS */.pH.includes(name)) {
            // A command line is visible to every user of the machine (ps, /proc) and to CI logs.
            throw new errors/* GatepassError */.J9('INPUT', `--${name} is not taken on the command line`, {
                hint: `Set ${(0,settings/* envName */.pD)(name)} in the environment (a masked CI/CD variable) instead`,
            });
        }
        const value = match?.[2] ?? options[(i += 1)];
        if (value === undefined)
            throw usageError(`option --${name} needs a value`);
        if (name in flags)
            throw usageError(`option --${name} is given twice`);
        flags[name] = value;
    }
    const command = end === -1 ? undefined : args.slice(end + 1);
    return { flags, command, help };
}
const INPUT_SET = new Set(config_config/* INPUT_NAMES */.Qh);
/**
 * Config messages name inputs as the action knows them (input `gateway`);
 * here they name the flag and its variable: `--gateway` (GATEPASS_GATEWAY).
 */
function inTerminalWords(message) {
    return message
        .replace(/input `([a-z-]+)`/g, (whole, name) => INPUT_SET.has(name) ? `\`--${name}\` (${(0,settings/* envName */.pD)(name)})` : whole)
        .replace(/\b(Set|Raise|Remove|Leave|Pass) `([a-z-]+)`/g, (whole, verb, name) => INPUT_SET.has(name) ? `${verb} \`--${name}\`` : whole);
}
function usageError(problem) {
    return new errors/* GatepassError */.J9('INPUT', problem, {
        hint: 'Run "gatepass run --help" for the options; put the command after `--`',
    });
}
/** One way to deliver: a command after `--` or a `run` script; `export` is the action's. */
function checkDelivery(config, command) {
    const hint = 'Put the command after `--`, e.g. `gatepass run --gateway URL -- ./deploy.sh`';
    if (config.export !== 'none') {
        throw new errors/* GatepassError */.J9('INPUT', '`export: env` is for the GitHub Action only', {
            hint: '`gatepass run` hands credentials to its command only; remove `export`',
        });
    }
    if (command !== undefined && command.length === 0) {
        throw new errors/* GatepassError */.J9('INPUT', 'no command after `--`', { hint });
    }
    if (command !== undefined && config.run !== undefined) {
        throw new errors/* GatepassError */.J9('INPUT', 'both a command after `--` and a `run` script', {
            hint: 'Give one of them',
        });
    }
    if (command === undefined && config.run === undefined) {
        throw new errors/* GatepassError */.J9('INPUT', 'nothing to run', { hint: `${hint}, or pass --run SCRIPT` });
    }
}
async function platformFor(name, config, flags, io, log) {
    switch (name) {
        case 'github': {
            // @actions/core loads only inside GitHub Actions.
            const { githubCliPlatform } = await __webpack_require__.e(/* import() */ 270).then(__webpack_require__.bind(__webpack_require__, 4270));
            return githubCliPlatform({ ...io.env }, io.cwd);
        }
        case 'gitlab':
            return gitlabPlatform({
                env: io.env,
                idTokenVariable: config.idTokenVariable,
                cwd: io.cwd,
                logger: log,
            });
        case 'local':
            return (0,local/* localPlatform */.hJ)({ env: io.env, cwd: io.cwd, idTokenFile: flags['id-token-file'] });
    }
}
/**
 * The run revoked at its end; the state file goes once nothing is left in
 * it, and stays, named, when a revocation failed.
 */
async function keepStateIfNeeded(host, statePath) {
    const raw = host.state.load();
    if (raw === '')
        return;
    const saved = (0,state/* parseState */.B)(raw);
    if (typeof saved !== 'string' && saved.revoke && saved.credentials.length > 0) {
        host.log.error(`retry the revocation with \`gatepass revoke --state ${statePath}\` (the after_script of the GitLab component does)`);
        return;
    }
    await (0,promises_.rm)(statePath, { force: true });
}
/**
 * Routes SIGINT/SIGTERM. While the job is subscribed, to it (flow/job.ts
 * onSignal): before the command they stop obtaining credentials, while it runs
 * they go to it, and while revoking the first is noted and a second one stops
 * the revocation; the run then ends with its usual code (the state file stays
 * for `gatepass revoke`). The job unsubscribes once the revocation is over,
 * before it writes the audit record and summary: only that writing is left
 * to stop, so the first is noted and a second one ends gatepass at once
 * with 130/143.
 */
async function withSignals(signals, log, body) {
    let handler;
    let afterRun = 0;
    const unsubscribe = signals?.subscribe((sig) => {
        if (handler !== undefined) {
            handler(sig);
            return;
        }
        afterRun += 1;
        if (afterRun === 1) {
            log.warning(`received ${sig}: the run is over, writing the audit record and summary; send it again to stop now`);
        }
        else
            signals.exit(sig === 'SIGINT' ? 130 : 143);
    });
    try {
        return await body((h) => {
            handler = h;
            return () => {
                handler = undefined;
            };
        });
    }
    finally {
        unsubscribe?.();
    }
}
const RUN_USAGE = `Usage: gatepass run [options] -- <command> [args...]
       gatepass run [options] --run SCRIPT

Gets short-lived credentials from the gateway, runs the command with them in
its environment and its output masked, then revokes them, all at once within
--revoke-timeout. Exits with the command's code, or 125 when gatepass itself
fails or the command succeeded but a credential could not be revoked.

Every option is also an environment variable (--vault-role -> GATEPASS_VAULT_ROLE)
and a key of the --config file; flags win over the environment, which wins
over the file. See README.md for what each means.

Gateway:      --gateway URL  --provider token-exchange|vault|hoop  --audience AUD
              --timeout 2m  --revoke true|false  --revoke-timeout 30s
              --mask-detectors true|false
Credentials:  --credentials YAML    (a YAML list; see README.md § Credentials)
Script:       --run SCRIPT  --shell bash|sh|pwsh|powershell|python|"cmd {0}"
              --working-directory DIR
Token exchange: --client-id ID  (--client-secret: GATEPASS_CLIENT_SECRET)
              --client-auth none|client_secret_basic|client_secret_post
              --subject-token-type id_token|jwt|access_token|URI  --subject-issuer ALIAS
              --token-endpoint URL  --revocation-endpoint URL  (no discovery)
              --ttl-parameter expires_in|none|NAME
Vault:        --vault-role ROLE  --vault-auth-path jwt  --vault-namespace NS
hoop:         --hoop-token-exchange-url URL  --hoop-token-audience AUD
              --hoop-token-scope SCOPE  --hoop-host HOST[:PORT]
              (--hoop-api-key: GATEPASS_HOOP_API_KEY)
Approvals:    --approvals N  --approvers LIST  --approval-timeout 30m
              --allow-self-approval true|false
              --approval-source gateway|gitlab-notes|gitlab-mr-approvals|github-pr
              (GitLab: GATEPASS_GITLAB_TOKEN; GitHub: --github-token)
Network:      --ca-certificate PEM  (or GATEPASS_CA_CERTIFICATE); HTTPS_PROXY,
              HTTP_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS are honoured
Identity:     --id-token-variable NAME (GitLab; default GATEPASS_ID_TOKEN)
              --id-token-file FILE (elsewhere; or GATEPASS_ID_TOKEN)
Files:        --config FILE         inputs as YAML (no secrets in it)
              --state FILE          revocation state (default: a new file in
                                    <job temp dir>/gatepass/, removed once revoked)
              --audit-file FILE     the audit record (default: in the job temp dir)
              --summary FILE        also append the summary there, as Markdown
                                    (stderr gets it as text)
Other:        --export none         (the action's export: env is not available here)

Debug lines: GATEPASS_DEBUG=1 (also CI_DEBUG_TRACE=true, RUNNER_DEBUG=1).
`;


/***/ }),

/***/ 8251:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F5: () => (/* binding */ scriptEnvironment),
/* harmony export */   S0: () => (/* binding */ startCommand),
/* harmony export */   dO: () => (/* binding */ resolveWorkingDirectory),
/* harmony export */   rt: () => (/* binding */ credentialVariables),
/* harmony export */   wn: () => (/* binding */ CommandStartError)
/* harmony export */ });
/* unused harmony exports signalTree, execCommand, TERM_GRACE_MS */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_4___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_4__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_5___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_5__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(7075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_6___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_6__);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(6466);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_7___default = /*#__PURE__*/__webpack_require__.n(node_stream_promises__WEBPACK_IMPORTED_MODULE_7__);
/* harmony import */ var _config_config_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(439);
/* harmony import */ var _common_errors_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(1922);
/* harmony import */ var _common_memory_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(4726);
/**
 * Runs the wrapped command: a script through a shell (the action's `run`) or
 * an argv (the CLI's `gatepass run -- cmd`). Platform-neutral and free of
 * `@actions/*`, so the action and the CLI behave the same:
 *
 * - credentials reach the child through its environment only, never its
 *   command line (which `ps` and audit logs show to everyone on the host);
 * - stdout and stderr pass through the masking streams `mask` gives (one
 *   scanner over both, in the order their bytes arrive);
 * - the child leads its own process group, so a cancelled job's SIGINT or
 *   SIGTERM reaches everything the script started, and whatever ignores it
 *   is killed `killAfterMs` later.
 */











const POSIX = process.platform !== 'win32';
const SYSTEM = {
    platform: process.platform,
    kill: (pid, sig) => {
        process.kill(pid, sig);
    },
    run: (program, args) => {
        (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(program, [...args], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
    },
};
/**
 * Sends `sig` to the command and everything it started. POSIX: to its process
 * group (it runs in its own, see `detached`). Windows has no process groups
 * or SIGTERM: the tree is ended with `taskkill /T /F`, which is what a
 * cancelled step must achieve there.
 */
function signalTree(pid, sig, via = SYSTEM) {
    if (via.platform === 'win32') {
        via.run('taskkill', ['/PID', String(pid), '/T', '/F']);
        return;
    }
    via.kill(-pid, sig);
}
/** Starts the command; resolves once it is running (rejects if it cannot start). */
async function startCommand(options) {
    const { program, args, file } = prepare(options);
    const started = Date.now();
    const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(program, args, {
        cwd: options.cwd,
        env: options.env,
        stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
        // Its own process group (setsid), so signals can reach its descendants too.
        detached: POSIX,
        windowsHide: true,
    });
    const cleanup = () => file === undefined ? Promise.resolve() : (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_3__.rm)(file, { force: true });
    try {
        await spawned(child, program);
    }
    catch (err) {
        await cleanup();
        throw err;
    }
    const pid = child.pid ?? 0;
    const killer = groupKiller(child, options.killAfterMs ?? 10_000);
    const result = supervise(child, options, started).finally(() => {
        killer.done();
        return cleanup();
    });
    return {
        pid,
        signal: (sig) => {
            killer.forward(sig);
        },
        result,
    };
}
/** Runs the command to the end. */
async function execCommand(options) {
    return (await startCommand(options)).result;
}
function prepare(options) {
    const { command } = options;
    if ('argv' in command) {
        const [program, ...args] = command.argv;
        if (program === undefined || program === '') {
            throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_9__/* .GatepassError */ .J9('INPUT', 'no command to run', {
                hint: 'Put the command after --, e.g. gatepass run -- ./deploy.sh',
            });
        }
        return { program, args, file: undefined };
    }
    // Like GitHub's run steps: the script goes to a file, the shell gets its path.
    const file = (0,node_path__WEBPACK_IMPORTED_MODULE_5__.join)(options.tempDir, `gatepass-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.randomBytes)(8).toString('hex')}${command.shell.extension}`);
    // Synchronously: the spawn that follows is too, and the thread pool's round
    // trip took longer than the write (a script is at most 256 KiB).
    (0,node_fs__WEBPACK_IMPORTED_MODULE_2__.writeFileSync)(file, command.script, { mode: 0o600 });
    const args = command.shell.args.map((arg) => arg.replaceAll('{0}', file));
    return { program: command.shell.program, args, file };
}
/** The command could not be started: not found (ENOENT), or not runnable (EACCES, …). */
class CommandStartError extends _common_errors_js__WEBPACK_IMPORTED_MODULE_9__/* .GatepassError */ .J9 {
    notFound;
    constructor(program, err) {
        const notFound = err.code === 'ENOENT';
        super('INPUT', `cannot start ${program} (${err.code ?? err.message})`, {
            hint: notFound
                ? `Install ${program} on the runner, or choose another \`shell\``
                : 'Check `shell` and `working-directory`',
            cause: err,
        });
        this.name = 'CommandStartError';
        this.notFound = notFound;
    }
}
function spawned(child, program) {
    return new Promise((resolveSpawn, reject) => {
        child.once('spawn', () => {
            resolveSpawn();
        });
        child.once('error', (err) => {
            reject(new CommandStartError(program, err));
        });
    });
}
/**
 * The runner cancels a step with SIGINT, then SIGTERM 7.5 s later, then
 * SIGKILL 2.5 s after that, to our process only. So the group is killed
 * `killAfterMs` after the first signal, or sooner once SIGTERM follows SIGINT:
 * by then only {@link TERM_GRACE_MS} remain before the runner kills us.
 */
const TERM_GRACE_MS = 2_000;
function groupKiller(child, killAfterMs) {
    let timer;
    let killAt = Number.POSITIVE_INFINITY;
    let interrupted = false;
    let over = false;
    const send = (sig) => {
        if (over || child.pid === undefined)
            return;
        try {
            signalTree(child.pid, sig);
        }
        catch {
            // ESRCH: the group is gone already.
        }
    };
    return {
        forward(sig) {
            send(sig);
            const wait = sig === 'SIGTERM' && interrupted ? Math.min(killAfterMs, TERM_GRACE_MS) : killAfterMs;
            interrupted ||= sig === 'SIGINT';
            if (Date.now() + wait >= killAt)
                return;
            killAt = Date.now() + wait;
            clearTimeout(timer);
            timer = setTimeout(() => {
                send('SIGKILL');
            }, wait);
        },
        done() {
            over = true;
            clearTimeout(timer);
        },
    };
}
async function supervise(child, options, started) {
    const exited = new Promise((done) => {
        child.once('exit', (c, s) => {
            done([c, s]);
        });
    });
    // Read from the spawn on: when a child exits, Node drains whatever output
    // nobody reads yet, and a quick command can end before its masks exist.
    const outputs = [hold(child.stdout), hold(child.stderr)];
    const masks = await masksFor(child, options);
    const pumps = [
        pump(outputs[0], masks.stdout, options.stdout),
        pump(outputs[1], masks.stderr, options.stderr),
    ];
    const [code, signal] = await exited;
    // A background job can keep the pipes open forever: flush what the masker
    // holds and stop reading after a grace period instead of hanging the step.
    const grace = setTimeout(() => {
        for (const pumped of pumps)
            pumped.stop();
    }, options.drainMs ?? 2_000);
    await Promise.all(pumps.map((p) => p.done));
    clearTimeout(grace);
    return {
        exitCode: code ?? 128 + (signal === null ? 0 : node_os__WEBPACK_IMPORTED_MODULE_4__.constants.signals[signal]),
        signal: signal ?? undefined,
        durationMs: Date.now() - started,
    };
}
/** The masks; without them nothing may be printed, so the command is ended. */
async function masksFor(child, options) {
    try {
        return await options.mask();
    }
    catch (err) {
        try {
            if (child.pid !== undefined)
                signalTree(child.pid, 'SIGKILL');
        }
        catch {
            // ESRCH: the group is gone already.
        }
        throw err;
    }
}
function hold(source) {
    return source === null ? undefined : { source, held: source.pipe(new node_stream__WEBPACK_IMPORTED_MODULE_6__.PassThrough()) };
}
function pump(output, mask, destination) {
    if (output === undefined)
        return { done: Promise.resolve(), stop: () => undefined };
    const { source, held } = output;
    (0,_common_memory_js__WEBPACK_IMPORTED_MODULE_10__/* .collectAsStreamed */ .i)(source);
    held.pipe(mask);
    // The destination is shared (process.stdout): never end it.
    mask.pipe(destination, { end: false });
    return {
        done: (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_7__.finished)(mask).catch(() => undefined),
        stop() {
            source.unpipe(held);
            source.destroy();
            held.unpipe(mask);
            mask.end();
        },
    };
}
/**
 * The child's environment: the caller's, minus what belongs to gatepass or
 * the action (its inputs, which can hold `client-secret`; its saved state,
 * which holds revocation handles; GATEPASS_* settings and ID token; `hidden`,
 * such as GitLab's ID token variable when it has another name), plus the
 * credentials.
 */
function scriptEnvironment(base, credentials, hidden = []) {
    const env = {};
    for (const [name, value] of Object.entries(base)) {
        if (value === undefined || isPrivate(name) || hidden.includes(name))
            continue;
        env[name] = value;
    }
    return { ...env, ...credentials };
}
function isPrivate(name) {
    const upper = name.toUpperCase();
    return (upper.startsWith('INPUT_') ||
        upper.startsWith('STATE_') ||
        upper.startsWith('GATEPASS_') ||
        upper === 'GITHUB_STATE');
}
/** The directory to run in; checked before any network call. */
function resolveWorkingDirectory(directory, base) {
    const path = directory === undefined ? base : (0,node_path__WEBPACK_IMPORTED_MODULE_5__.isAbsolute)(directory) ? directory : (0,node_path__WEBPACK_IMPORTED_MODULE_5__.resolve)(base, directory);
    // Synchronously: one stat before any network call, and the thread pool's
    // round trip costs more than the call.
    let info;
    try {
        info = (0,node_fs__WEBPACK_IMPORTED_MODULE_2__.statSync)(path, { throwIfNoEntry: false });
    }
    catch {
        info = undefined;
    }
    if (info?.isDirectory() !== true) {
        throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_9__/* .GatepassError */ .J9('INPUT', `input \`working-directory\` ${directory ?? base} is not a directory${info === undefined ? ' (it does not exist)' : ''}`, {
            hint: 'Check out the repository first, or fix the path (relative to the workspace)',
        });
    }
    return path;
}
/**
 * The variables one credential provides: its `env` mapping, or every field
 * as `<NAME>_<FIELD>`. A mapped field the gateway did not return is an error
 * naming the fields it did return (names only, never values).
 */
function credentialVariables(request, issued, logger) {
    const variables = {};
    if (request.env !== undefined) {
        for (const [name, field] of Object.entries(request.env)) {
            const value = issued.values[field];
            if (value === undefined) {
                throw new _common_errors_js__WEBPACK_IMPORTED_MODULE_9__/* .GatepassError */ .J9('GATEWAY', `credential "${request.name}" has no field "${field}" (env ${name})`, {
                    hint: `The gateway returned: ${Object.keys(issued.values).join(', ') || 'no fields'}; map env to one of them`,
                });
            }
            variables[name] = value;
        }
        return variables;
    }
    for (const [field, value] of Object.entries(issued.values)) {
        const name = `${(0,_config_config_js__WEBPACK_IMPORTED_MODULE_8__/* .defaultPrefix */ .Mq)(request.name)}_${field.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
        const problem = (0,_config_config_js__WEBPACK_IMPORTED_MODULE_8__/* .envNameProblem */ .qd)(name);
        if (problem === undefined)
            variables[name] = value;
        else
            logger.warning(`field "${field}" of "${request.name}" is not exported: ${name} ${problem}; use \`env:\` to name it`);
    }
    return variables;
}


/***/ }),

/***/ 2678:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  F: () => (/* binding */ exitCodeOf),
  b: () => (/* binding */ runJob)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/audit/record.ts
var audit_record = __webpack_require__(7114);
;// CONCATENATED MODULE: ./src/flow/cancellation.ts
/**
 * Cancelling a step in two stages. A request already on the wire may come
 * back with a credential: dropping it unread would leave that credential
 * live with no handle to revoke it by. So a cancel first stops everything
 * that has not started (waits, polls, further requests) and only after a
 * short grace drops the requests still in flight; what arrives in between is
 * revoked like any other credential.
 */
/** Long enough for a gateway's usual answer, short enough for the runner's kill (7.5 s after SIGINT). */
const CANCEL_GRACE_MS = 3_000;
function createCancellation(graceMs = CANCEL_GRACE_MS) {
    const soft = new AbortController();
    const hard = new AbortController();
    let timer;
    return {
        signal: soft.signal,
        requests: hard.signal,
        cancel(reason) {
            if (soft.signal.aborted) {
                hard.abort(reason);
                return;
            }
            soft.abort(reason);
            timer = setTimeout(() => {
                hard.abort(reason);
            }, graceMs);
            timer.unref();
        },
        dispose() {
            clearTimeout(timer);
        },
    };
}
/** A result the caller never heard back about: the gateway may have issued it. */
function wasAbandoned(err, requests) {
    if (requests.aborted)
        return true;
    // An attempt that timed out was sent and got no answer, as far as we know.
    for (let e = err; e instanceof Error; e = e.cause) {
        if (e.name === 'AttemptTimeoutError')
            return true;
    }
    return false;
}

// EXTERNAL MODULE: ./src/approvals/policy.ts
var policy = __webpack_require__(3268);
// EXTERNAL MODULE: ./src/config/config.ts + 6 modules
var config_config = __webpack_require__(439);
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/delivery/exec.ts
var exec = __webpack_require__(8251);
// EXTERNAL MODULE: ./src/gateways/gateway.ts
var gateways_gateway = __webpack_require__(8281);
// EXTERNAL MODULE: ./src/gateways/index.ts
var gateways = __webpack_require__(9939);
// EXTERNAL MODULE: ./src/masking/length.ts
var masking_length = __webpack_require__(1306);
;// CONCATENATED MODULE: ./src/masking/deferred.ts
/**
 * The masker a run holds from its start, without its engine: `add` records a
 * secret (and warns about a short one at once, as the masker does), and
 * `load()` brings in the engine (encodings, automaton, scanner, detectors:
 * the largest part of the action's code) the first time something must
 * actually be masked. The masker compiles nothing before then either, so a
 * run parses the engine after its command has started, not on the way to it.
 */

function deferredMasker(options = {}) {
    const warn = options.onWarning ?? (() => undefined);
    const secrets = new Set();
    let masker;
    let loading;
    return {
        add(secret) {
            if (secret.length === 0 || secrets.has(secret))
                return;
            secrets.add(secret);
            const warning = (0,masking_length/* shortSecretWarning */.Hu)(secret);
            if (warning !== undefined)
                warn(warning);
            masker?.add(secret);
        },
        load() {
            loading ??= Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 2541)).then(({ createMasker }) => {
                // Warned about already, here.
                masker = createMasker({ ...options, secrets, onWarning: () => undefined });
                return masker;
            });
            return loading;
        },
    };
}

// EXTERNAL MODULE: ./src/flow/host.ts
var flow_host = __webpack_require__(9092);
// EXTERNAL MODULE: ./src/flow/revocation.ts
var revocation = __webpack_require__(1414);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __webpack_require__(8474);
;// CONCATENATED MODULE: ./src/audit/session-log.ts
/**
 * The data path's session log: one JSON line per statement or request, in the
 * order they completed, beside the audit record. Lines are appended as they
 * come (a killed step leaves what it had), never hold parameter values or
 * bodies, and the statement text in them has been through the masker.
 */


function openSessionLog(file) {
    let stream;
    let failed = false;
    return {
        file,
        write(entry) {
            if (failed)
                return;
            stream ??= (0,external_node_fs_.createWriteStream)(file, { flags: 'a', mode: 0o600 }).on('error', () => {
                // A full disk must not stop the job's session; the audit record says the log is partial.
                failed = true;
            });
            stream.write(`${JSON.stringify(entry)}\n`);
        },
        async close() {
            if (stream === undefined)
                return;
            stream.end();
            if (!failed)
                await (0,external_node_events_.once)(stream, 'finish').catch(() => undefined);
        },
    };
}

;// CONCATENATED MODULE: ./src/config/request.ts
function isProxied(request) {
    return request.dataPath !== undefined;
}

// EXTERNAL MODULE: ./src/common/version.ts
var version = __webpack_require__(9521);
;// CONCATENATED MODULE: ./src/flow/job.ts
/**
 * The action's main step: inputs → identity → approval gate → credentials →
 * delivery (wrapped script, exported variables) → outputs, audit record and
 * job summary. Orchestration only; each stage is a small function, and
 * everything that touches the platform comes in through `MainRuntime`.
 *
 * Ordering guarantees (DESIGN.md § Data flow):
 * - every input is checked, and the gateway built, before the first network call;
 * - each secret reaches the platform's mask list and the masker before anything else;
 * - each revocation handle is saved as soon as its credential exists, and
 *   each request before it is sent, so a crash after that point is still
 *   revoked (or reported, when no answer came) by post or `gatepass revoke`;
 * - a cancel drops no answer that may hold a credential (cancellation.ts);
 * - the credentials are revoked when the step ends, unless `export: env`
 *   hands them to later steps (then post revokes them when the job ends).
 */
















/**
 * A cancelled step's revocation budget: the runner kills a cancelled step
 * about 10 s after its SIGINT, and the grace for requests in flight comes first.
 */
const CANCELLED_REVOKE_MS = 5_000;
/** The command's code; `failure` when gatepass failed, or the command succeeded but a credential outlives it. */
function exitCodeOf(result, failure) {
    if (!result.ok)
        return failure;
    return result.exitCode === 0 && result.unrevoked.length > 0 ? failure : result.exitCode;
}
/** One run with a parsed configuration; shared by the action and `gatepass run`. */
async function runJob(config, runtime) {
    const job = startJob(config, runtime);
    const unsubscribe = runtime.onSignal((sig) => {
        onSignal(job, sig);
    });
    try {
        const result = await issueAndDeliver(job, runtime);
        await closeDataPaths(job);
        return { ...result, unrevoked: await revokeAtStepEnd(job) };
    }
    finally {
        unsubscribe();
        job.cancel.dispose();
        await finish(job);
    }
}
async function issueAndDeliver(job, runtime) {
    try {
        const { cwd, gateway } = preflight(job, runtime);
        job.gateway = gateway;
        const issued = await obtain(job, runtime, gateway);
        return { ok: true, exitCode: await deliver(job, runtime, cwd, issued) };
    }
    catch (err) {
        job.record.outcome = job.cancel.signal.aborted ? 'cancelled' : 'failed';
        job.record.error = {
            code: err instanceof errors/* GatepassError */.J9 ? err.code : 'INTERNAL',
            message: (0,errors/* describeError */.Uc)(err),
        };
        job.log.error((0,errors/* describeError */.Uc)(err));
        return { ok: false, error: err };
    }
}
function startJob(config, runtime) {
    const host = runtime.host;
    const masker = deferredMasker({
        detectors: config.maskDetectors,
        onWarning: (message) => {
            host.log.warning(message);
        },
    });
    const seen = new Set();
    const register = (value) => {
        if (value === '' || seen.has(value))
            return;
        seen.add(value);
        host.setSecret(value);
        // The runner masks line by line: a multi-line secret's lines must be masked on their own.
        for (const line of value.split(/\r?\n/)) {
            if (line !== value && line.trim().length >= 8)
                host.setSecret(line);
        }
        masker.add(value);
    };
    for (const secret of (0,config_config/* secretSettings */.wL)(config))
        register(secret);
    const subject = requestSubject(config, host);
    const id = (0,policy/* requestId */.z2)(subject);
    const auditFile = runtime.auditFile ?? (0,external_node_path_.join)(host.tempDir, (0,audit_record/* auditFileName */.$J)(id));
    host.setOutput?.('request-id', id);
    host.setOutput?.('audit-file', auditFile);
    return {
        config,
        host,
        masker,
        log: (0,flow_host/* scrubbedLog */.H)(host.log, seen),
        register,
        subject,
        record: newRecord(config, host, id, wraps(config, runtime)),
        saved: {
            version: 2,
            requestId: id,
            settings: {
                provider: (0,config_config/* providerWithoutSecrets */.hK)(config.provider),
                gateway: config.gateway,
                timeoutMs: config.timeoutMs,
                caCertificate: config.caCertificate,
            },
            revoke: config.revoke,
            revokeTimeoutMs: config.revokeTimeoutMs,
            auditFile,
            credentials: [],
        },
        cancel: createCancellation(),
        gateway: undefined,
        running: undefined,
        exported: false,
        revoking: undefined,
        gatewayApprovals: new Map(),
        identity: undefined,
        dataPaths: new Map(),
        sessionLog: undefined,
        held: 0,
        approvalGate: runtime.approvalGate,
    };
}
/** What an approval says yes to: this commit, run, job, gateway and these credentials. */
function requestSubject(config, host) {
    const { repository, sha, runId, runAttempt, job } = host.context;
    return {
        repository: repository ?? '',
        sha: sha ?? '',
        runId: runId ?? '',
        runAttempt: runAttempt ?? '',
        ...(job === undefined ? {} : { job }),
        gateway: `${config.provider.name} ${config.gateway}`,
        credentials: config.credentials,
    };
}
/** Whether humans must approve through the platform (gateway-side approval needs no gate). */
function needsGate(config) {
    return config.approvals.required > 0 && config.approvals.source !== 'gateway';
}
/** Whether a command runs with the credentials: the `run` script, or the CLI's `-- cmd`. */
function wraps(config, runtime) {
    return config.run !== undefined || runtime.command !== undefined;
}
function newRecord(config, host, id, run) {
    return {
        version: 1,
        tool: 'gatepass',
        toolVersion: version/* VERSION */.x,
        requestId: id,
        outcome: 'pending',
        startedAt: new Date().toISOString(),
        context: host.context,
        gateway: { provider: config.provider.name, url: config.gateway },
        approval: { required: config.approvals.required, approvers: [] },
        credentials: [],
        delivery: { run, export: config.export },
    };
}
/**
 * A cancelled job: forward to the script if it runs; while revoking, the
 * first signal is noted and the next cuts the revocation short; before the
 * script, stop obtaining credentials (a second signal drops requests in flight).
 */
function onSignal(job, sig) {
    if (job.running !== undefined) {
        job.log.info(`received ${sig}: forwarding it to the script`);
        job.running.signal(sig);
        return;
    }
    if (job.revoking !== undefined) {
        if (job.cancel.signal.aborted) {
            job.revoking.abort(new errors/* GatepassError */.J9('TIMEOUT', `revocation stopped by ${sig} before the gateway confirmed it`));
            return;
        }
        job.log.warning(`received ${sig}: revoking the credentials first; send it again to stop now`);
        job.cancel.cancel(new errors/* GatepassError */.J9('TIMEOUT', `the step was cancelled (${sig})`));
        return;
    }
    if (job.cancel.signal.aborted) {
        job.log.warning(`received ${sig} again: dropping the requests in flight`);
    }
    else if (job.saved.unconfirmed?.length) {
        job.log.info(`received ${sig}: waiting up to ${CANCEL_GRACE_MS / 1000} s for the answers of the requests in flight, to revoke what they bring`);
    }
    job.cancel.cancel(new errors/* GatepassError */.J9('TIMEOUT', `the step was cancelled (${sig}) before the command started`));
}
/** Every local check, before the first network call. */
function preflight(job, runtime) {
    const { config, host } = job;
    if (config.export === 'env' && config.credentials.some(isProxied)) {
        throw new errors/* GatepassError */.J9('INPUT', '`export: env` cannot hand a data path (`proxy:`) to later steps', {
            hint: 'Its endpoint closes when this step ends: run the command in this step (`run`), or drop `proxy:`',
        });
    }
    if (config.export === 'env' && host.exportVariable === undefined) {
        throw new errors/* GatepassError */.J9('INPUT', '`export: env` needs a platform with later steps', {
            hint: 'Only the GitHub Action exports to later steps; run the command with the credentials instead',
        });
    }
    host.preflight({ exportEnv: config.export === 'env' });
    const cwd = !wraps(config, runtime)
        ? host.workspace
        : (0,exec/* resolveWorkingDirectory */.dO)(config.workingDirectory, host.workspace);
    if (needsGate(config)) {
        // config.ts only lets through sources this platform has: no gate is a bug, and fails closed.
        if (runtime.approvalGate === undefined) {
            throw new errors/* GatepassError */.J9('INTERNAL', `no approval gate for \`approval-source: ${config.approvals.source}\` on this host`);
        }
        runtime.approvalGate.check?.(config);
    }
    // Not awaited: loading a provider's client (Vault's is 680 KB) overlaps the
    // ID-token request in obtain(), which awaits it and so sees its rejection;
    // the empty catch only stops a rejection before then from being "unhandled".
    const gateway = (runtime.createGateway ?? gateways/* createGateway */.j)(config, {
        registerSecret: job.register,
        logger: job.log,
    });
    gateway.catch(() => undefined);
    if (!wraps(config, runtime) && config.export === 'none') {
        job.log.info('no `run` and `export: none`: gatepass checks that the credentials can be issued, then revokes them');
    }
    if (!config.revoke) {
        job.log.warning('`revoke: false`: the credentials stay valid until they expire, after this step too');
    }
    return { cwd, gateway };
}
/** Identity, approval, then every credential (in parallel), each handle saved at once. */
async function obtain(job, runtime, loading) {
    const { config, host, cancel } = job;
    // Not performance.now(): the global loads node:perf_hooks (1 ms of every start) for one debug line.
    const started = process.hrtime.bigint();
    const count = config.credentials.length;
    job.log.info(`gatepass ${version/* VERSION */.x}: request ${job.record.requestId}, ${count} credential${count === 1 ? '' : 's'} from ${config.gateway} (${config.provider.name})`);
    const source = host.identity({
        audience: config.audience,
        registerSecret: job.register,
        logger: job.log,
    });
    const [identity, gateway] = await Promise.all([source.token(cancel.signal), loading]);
    job.identity = { source, token: identity };
    const { iss, sub, aud } = identity.claims;
    job.record.identity = {
        ...(iss === undefined ? {} : { iss }),
        ...(sub === undefined ? {} : { sub }),
        ...(aud === undefined ? {} : { aud }),
    };
    if (runtime.approvalGate !== undefined && needsGate(config)) {
        job.record.approval.approvers = await runtime.approvalGate.wait({
            id: job.record.requestId,
            subject: job.subject,
            config,
            identity,
            signal: cancel.signal,
        });
    }
    // One failure stops the others (a pending approval could wait for half an
    // hour), as a cancel does: their requests in flight get the same grace.
    const stop = createCancellation();
    const signals = {
        wait: AbortSignal.any([cancel.signal, stop.signal]),
        requests: AbortSignal.any([cancel.requests, stop.requests]),
    };
    const settled = await Promise.allSettled(config.credentials.map((request) => issueOne(job, gateway, source, identity, request, signals).catch((err) => {
        stop.cancel(err);
        throw err;
    })));
    stop.dispose();
    if (stop.signal.aborted)
        throw stop.signal.reason;
    job.log.debug(`credentials obtained in ${(process.hrtime.bigint() - started) / 1000000n} ms`);
    return settled.map((s, i) => [
        config.credentials[i],
        s.value,
    ]);
}
/**
 * One credential. The request is on record (state) before it is sent and
 * stays there, as unconfirmed, if its answer is dropped: the gateway may have
 * issued it. `wait` ends waits and stops new requests; `requests` drops those
 * in flight (later, on a cancel: see cancellation.ts).
 */
async function issueOne(job, gateway, source, identity, request, signals) {
    signals.wait.throwIfAborted();
    markSent(job, request);
    let answer;
    try {
        const first = await gateway.issue(request, identity, signals.requests);
        // Gateway-side approval (authorization_pending, hoop review): the same status lines as comments.
        const approval = await gatewayApproval(gateway, first, {
            identity: () => source.token(signals.requests),
            timeoutMs: job.config.approvals.timeoutMs,
            signal: signals.wait,
            requestSignal: signals.requests,
            logger: job.log,
        });
        answer = { ...approval, held: (0,gateways_gateway/* isPending */.mm)(first) };
    }
    catch (err) {
        if (!wasAbandoned(err, signals.requests))
            markAnswered(job, request.name);
        throw err;
    }
    const { issued, approvalUrl, waitedMs } = answer;
    if (answer.held) {
        job.gatewayApprovals.set(request.name, {
            ...(approvalUrl === undefined ? {} : { url: approvalUrl }),
            waitedMs,
        });
    }
    // The gateway registered its secrets; anything it did not call public is one too.
    for (const [field, value] of Object.entries(issued.values)) {
        if (issued.publicFields?.includes(field) !== true)
            job.register(value);
    }
    saveHandle(job, issued);
    // After the save: a credential issued without the review asked for is revoked at the step's end.
    (0,policy/* requireGatewayReview */.mV)(job.config, answer.held, request.name);
    return issued;
}
/**
 * The credential, after the gateway's own approval when it held the request:
 * the approval gate's code loads only then, not on every run's way to its
 * command.
 */
async function gatewayApproval(gateway, first, options) {
    if (!(0,gateways_gateway/* isPending */.mm)(first))
        return { issued: first, waitedMs: 0 };
    const { awaitGatewayApproval } = await __webpack_require__.e(/* import() */ 141).then(__webpack_require__.bind(__webpack_require__, 4141));
    return awaitGatewayApproval(gateway, first, options);
}
/** The request goes on record before it is sent. */
function markSent(job, request) {
    job.saved.unconfirmed = [
        ...(job.saved.unconfirmed ?? []),
        { name: request.name, requestedAt: new Date().toISOString(), ttlSeconds: request.ttlSeconds },
    ];
    saveState(job);
}
/** An answer came (a credential, or a definite no): the request is no longer unconfirmed. */
function markAnswered(job, name) {
    job.saved.unconfirmed = (job.saved.unconfirmed ?? []).filter((u) => u.name !== name);
    saveState(job);
}
function saveHandle(job, issued) {
    job.saved.credentials.push({
        name: issued.name,
        ...(issued.expiresAt === undefined ? {} : { expiresAt: issued.expiresAt.toISOString() }),
        ...(issued.revocation === undefined ? {} : { handle: issued.revocation }),
    });
    markAnswered(job, issued.name);
}
/** The runner keeps the last value of a key: the whole state is saved each time. */
function saveState(job) {
    job.host.state.save(JSON.stringify(job.saved));
}
/** Outputs, export, then the script; the step's result is the script's exit code. */
async function deliver(job, runtime, cwd, issued) {
    const { config, record } = job;
    // A cancel whose grace let answers in: they are revoked, never delivered.
    job.cancel.signal.throwIfAborted();
    const now = new Date();
    const variables = {};
    for (const [request, credential] of issued) {
        const own = isProxied(request)
            ? await dataPathVariables(job, request, credential)
            : (0,exec/* credentialVariables */.rt)(request, credential, job.log);
        Object.assign(variables, own);
        const approval = job.gatewayApprovals.get(request.name);
        const path = job.dataPaths.get(request.name);
        record.credentials.push({
            ...(0,audit_record/* credentialRecord */.tE)(config.provider.name, request, credential, Object.keys(own), now),
            ...(approval === undefined ? {} : { gatewayApproval: approval }),
            ...(path === undefined ? {} : { dataPath: path.record() }),
        });
        job.log.info(describeIssued(record.credentials.at(-1)));
    }
    record.outcome = 'issued';
    setOutputs(job);
    if (config.export === 'env')
        exportVariables(job, variables);
    job.cancel.signal.throwIfAborted();
    const command = commandOf(config, runtime);
    if (command === undefined) {
        await writeAudit(job);
        record.outcome = 'succeeded';
        return 0;
    }
    return runCommand(job, runtime, cwd, command, variables);
}
/** What to run: the CLI's argv, else the `run` script with its shell. */
function commandOf(config, runtime) {
    if (runtime.command !== undefined)
        return { argv: runtime.command };
    return config.run === undefined ? undefined : { script: config.run, shell: config.shell };
}
function describeIssued(c) {
    if (c === undefined)
        return '';
    const until = c.expiresAt === undefined ? '' : `, expires ${c.expiresAt}`;
    const env = c.env.length === 0 ? '' : ` → ${c.env.join(', ')}`;
    return `"${c.name}": issued (${c.target}${until})${env}`;
}
function setOutputs(job) {
    const { host, record } = job;
    host.setOutput?.('expires-at', (0,audit_record/* earliestExpiry */.tJ)(record.credentials) ?? '');
    host.setOutput?.('approved-by', record.approval.approvers.map((a) => a.login).join(','));
}
function exportVariables(job, variables) {
    // Every value was passed to setSecret when it arrived, before this point.
    job.exported = true;
    for (const [name, value] of Object.entries(variables))
        job.host.exportVariable?.(name, value);
    job.log.warning(`exported ${Object.keys(variables).join(', ')} to later steps: their output is masked only by the runner (exact values and a few encodings), not by gatepass; prefer \`run\``);
}
async function runCommand(job, runtime, cwd, command, variables) {
    const { config, host, record } = job;
    const what = 'argv' in command ? `\`${command.argv[0] ?? ''}\`` : `the script with ${command.shell.name}`;
    job.log.info(`running ${what} in ${cwd}; its output is masked`);
    job.running = await (0,exec/* startCommand */.S0)({
        command,
        cwd,
        env: (0,exec/* scriptEnvironment */.F5)(host.env, variables, [config.idTokenVariable]),
        ...(runtime.stdin === undefined ? {} : { stdin: runtime.stdin }),
        tempDir: host.tempDir,
        stdout: runtime.stdout,
        stderr: runtime.stderr,
        // One scanner over both streams in arrival order, as the log merges
        // them: a secret printed partly on each is still one secret. Loaded once
        // the command is spawned: its output waits in the pipes meanwhile.
        mask: async () => (await job.masker.load()).mergedStreams(),
        ...(runtime.killAfterMs === undefined ? {} : { killAfterMs: runtime.killAfterMs }),
    });
    // Written once the command runs: masking the record builds the automaton
    // for the new secrets (tens to a few hundred ms), which then overlaps the
    // command's start instead of delaying it. The price: what the command
    // prints meanwhile is read after the build, the two streams in no
    // particular order (the merged masker reads them in arrival order).
    await writeAudit(job).catch((err) => {
        job.log.warning(`could not write the audit record: ${(0,errors/* describeError */.Uc)(err)}`);
    });
    const result = await job.running.result;
    job.running = undefined;
    record.delivery = {
        ...record.delivery,
        exitCode: result.exitCode,
        ...(result.signal === undefined ? {} : { signal: result.signal }),
        durationMs: result.durationMs,
        endedAt: new Date().toISOString(),
    };
    record.outcome = result.exitCode === 0 ? 'succeeded' : 'failed';
    if (result.exitCode !== 0) {
        job.log.error(`${'argv' in command ? 'the command' : 'the script'} exited with ${result.exitCode}${result.signal === undefined ? '' : ` (${result.signal})`}`);
    }
    return result.exitCode;
}
/**
 * Revokes at the step's end what nothing needs any more: everything, unless
 * `export: env` handed the credentials to later steps (post revokes those at
 * the job's end). All at once under one deadline; what fails stays in the
 * state, for post or `gatepass revoke` to retry. The names not revoked.
 */
async function revokeAtStepEnd(job) {
    const { config, saved, record, log } = job;
    if (!config.revoke)
        return [];
    if (job.exported) {
        log.info('the credentials stay valid for later steps (`export: env`): the post step revokes them when the job ends');
        return [];
    }
    const unconfirmed = (0,revocation/* reportUnconfirmed */.d6)(saved.unconfirmed ?? [], log);
    const issued = saved.credentials;
    const gateway = job.gateway;
    if (issued.length === 0 || gateway === undefined) {
        if (unconfirmed.length > 0)
            record.revocations = unconfirmed;
        return [];
    }
    const cancelled = job.cancel.signal.aborted;
    const deadlineMs = cancelled
        ? Math.min(config.revokeTimeoutMs, CANCELLED_REVOKE_MS)
        : config.revokeTimeoutMs;
    job.revoking = new AbortController();
    const results = await (0,revocation/* revokeCredentials */.v6)(issued, {
        gateway: () => gateway,
        deadlineMs,
        log,
        signal: job.revoking.signal,
    });
    job.revoking = undefined;
    record.revocations = [...unconfirmed, ...results];
    const failed = (0,revocation/* failedRevocations */.Vo)(results);
    const done = new Set(results.filter((r) => r.result !== 'failed').map((r) => r.name));
    saved.credentials = issued.filter((c) => !done.has(c.name));
    saved.revoked = results
        .filter((r) => r.result === 'revoked')
        .map((r) => ({ name: r.name, at: r.at }));
    // Reported here, in the audit record; post need not report them again.
    saved.unconfirmed = [];
    saveState(job);
    if (failed.length > 0) {
        const one = failed.length === 1;
        log.error(`${failed.length} credential${one ? ' outlives' : 's outlive'} the step (${failed.join(', ')}): ${one ? 'it stays' : 'they stay'} valid until ${one ? 'it expires' : 'they expire'} unless revoked later, so the step fails`);
    }
    return failed;
}
/** The audit file, rewritten at each stage so a cancelled job still leaves one. */
async function writeAudit(job) {
    for (const credential of job.record.credentials) {
        const path = job.dataPaths.get(credential.name);
        const log = job.sessionLog?.file;
        if (path !== undefined) {
            credential.dataPath = { ...path.record(), ...(log === undefined ? {} : { sessionLog: log }) };
        }
    }
    const masker = await job.masker.load();
    const text = masker.maskText(`${JSON.stringify(job.record, null, 2)}\n`);
    await (0,promises_.mkdir)(job.host.tempDir, { recursive: true });
    await (0,promises_.writeFile)(job.saved.auditFile, text, { mode: 0o600 });
}
async function finish(job) {
    job.record.finishedAt = new Date().toISOString();
    try {
        await writeAudit(job);
        const [masker, { renderSummaryText }] = await Promise.all([
            job.masker.load(),
            __webpack_require__.e(/* import() */ 564).then(__webpack_require__.bind(__webpack_require__, 5564)),
        ]);
        await job.sessionLog?.close();
        await job.host.appendSummary({
            markdown: masker.maskText((0,audit_record/* renderSummary */.Br)(job.record)),
            text: masker.maskText(renderSummaryText(job.record)),
        });
    }
    catch (err) {
        job.log.warning(`could not write the audit record: ${(0,errors/* describeError */.Uc)(err)}`);
    }
}
/**
 * A data path's endpoint for one credential: the job's variables name the
 * endpoint's fields (its `env`, or `<NAME>_<FIELD>`), never the credential's.
 */
async function dataPathVariables(job, request, issued) {
    job.sessionLog ??= openSessionLog((0,external_node_path_.join)((0,external_node_path_.dirname)(job.saved.auditFile), (0,audit_record/* sessionLogName */.QJ)(job.record.requestId)));
    // Loaded only for a data path: the guardrails and the engines stay off every other run's way.
    const { openDataPath } = await __webpack_require__.e(/* import() */ 438).then(__webpack_require__.bind(__webpack_require__, 1438));
    const path = await openDataPath({
        request,
        issued,
        log: job.log,
        mask: async (text) => (await job.masker.load()).maskText(text),
        sessionLog: job.sessionLog,
        review: statementReview(job),
        reissue: () => reissue(job, request),
        register: job.register,
    });
    job.dataPaths.set(request.name, path);
    const endpoint = { kind: 'issued', name: request.name, values: path.fields };
    return (0,exec/* credentialVariables */.rt)(request, endpoint, job.log);
}
/**
 * The credential issued again for a data path, on record like the first one:
 * the request in the state before it is sent (a renewal whose answer is lost
 * may still have been issued, and is reported as unconfirmed), its handle
 * saved as soon as it arrives.
 */
async function reissue(job, request) {
    const gateway = await job.gateway;
    const identity = job.identity;
    if (gateway === undefined || identity === undefined) {
        throw new errors/* GatepassError */.J9('INTERNAL', 'no gateway or identity to renew the credential with');
    }
    const signal = job.cancel.signal;
    const token = await identity.source.token(signal);
    const renewal = { ...request, name: renewalName(job, request.name) };
    markSent(job, renewal);
    let answer;
    try {
        answer = await gateway.issue(request, token, signal);
    }
    catch (err) {
        if (!wasAbandoned(err, signal))
            markAnswered(job, renewal.name);
        throw err;
    }
    if ((0,gateways_gateway/* isPending */.mm)(answer)) {
        markAnswered(job, renewal.name);
        throw new errors/* GatepassError */.J9('GATEWAY', 'the gateway wants an approval again to renew it', {
            hint: 'Give the credential a ttl that covers the job, or let the gateway renew without review',
        });
    }
    for (const [field, value] of Object.entries(answer.values)) {
        if (answer.publicFields?.includes(field) !== true)
            job.register(value);
    }
    saveHandle(job, { ...answer, name: renewal.name });
    return answer;
}
/** `<name>~<n>`, numbered past every renewal on record, answered or not. */
function renewalName(job, name) {
    const names = [...job.saved.credentials, ...(job.saved.unconfirmed ?? [])].map((c) => c.name);
    return `${name}~${names.filter((n) => n.startsWith(`${name}~`)).length + 1}`;
}
/**
 * Holds a statement or request until the platform's approvers decide, through
 * the same gate as the credentials (PR comments, GitLab notes); at least one
 * approval, whatever `approvals` says. Undefined where no gate exists.
 */
function statementReview(job) {
    const gate = job.approvalGate;
    const identity = job.identity;
    if (gate === undefined || identity === undefined)
        return undefined;
    const { approvals } = job.config;
    const config = {
        ...job.config,
        approvals: {
            ...approvals,
            required: Math.max(1, approvals.required),
            source: approvals.source === 'gitlab-mr-approvals' || approvals.source === 'gateway'
                ? defaultCommentSource(job)
                : approvals.source,
        },
    };
    return async (item, signal) => {
        job.held += 1;
        const subject = { ...job.subject, held: { ...item, sequence: job.held } };
        gate.check?.(config);
        const approvers = await gate.wait({
            id: (0,policy/* requestId */.z2)(subject),
            subject,
            config,
            identity: identity.token,
            signal: AbortSignal.any([signal, job.cancel.signal]),
        });
        return approvers.map((a) => a.login);
    };
}
/** MR approvals cannot name one statement, and a gateway knows nothing of it: comments can. */
function defaultCommentSource(job) {
    return job.host.context.platform === 'gitlab' ? 'gitlab-notes' : 'github-pr';
}
/** Closes every endpoint (its sessions end) before the credentials behind them are revoked. */
async function closeDataPaths(job) {
    await Promise.all([...job.dataPaths.entries()].map(async ([name, path]) => {
        try {
            await path.close();
        }
        catch (err) {
            job.log.warning(`"${name}": could not close the data path cleanly: ${(0,errors/* describeError */.Uc)(err)}`);
        }
    }));
}


/***/ })

};

//# sourceMappingURL=268.index.js.map