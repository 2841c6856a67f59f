export const id = 52;
export const ids = [52];
export const modules = {

/***/ 3052:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  githubCliPlatform: () => (/* binding */ githubCliPlatform)
});

// UNUSED EXPORTS: failStep, githubApprovalContext, githubApprovalGate, githubContext, githubHost, githubMainRuntime, githubPostRuntime, runActionMain

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var lib_core = __webpack_require__(6421);
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/common/logger.ts
var common_logger = __webpack_require__(9353);
// EXTERNAL MODULE: ./src/common/retry.ts
var retry = __webpack_require__(9183);
// EXTERNAL MODULE: ./src/identity/token.ts + 5 modules
var token = __webpack_require__(6969);
;// CONCATENATED MODULE: ./src/identity/github.ts
/**
 * The GitHub Actions ID token, from the runner's token endpoint through
 * `core.getIDToken`. The only identity file that imports `@actions/core`.
 *
 * The endpoint is known to fail intermittently ("Failed to get ID Token"), so
 * every request goes through the retry policy: 5 attempts, jittered backoff
 * from 1 s, 10 s per attempt. The token lives a few minutes; `token()` mints a
 * new one when the cached one is within 60 s of expiry.
 */





const OPERATION = 'GitHub ID token request';
function github_githubIdentity(options) {
    const logger = options.logger ?? common_logger/* silentLogger */.q;
    const now = options.now ?? (() => Date.now());
    let current;
    return {
        platform: 'github',
        canRefresh: true,
        async token(signal) {
            if (current !== undefined && !current.expiresWithin(token/* REFRESH_WINDOW_MS */.WP, now()))
                return current;
            if (current !== undefined) {
                const left = (current.expiresAt?.getTime() ?? now()) - now();
                logger.info(`the GitHub ID token expires in ${(0,retry/* formatDuration */.a3)(Math.max(0, left))}; requesting a new one`);
            }
            current = await mint(options, logger, signal);
            return current;
        },
    };
}
async function mint(options, logger, signal) {
    requireTokenEndpoint();
    const raw = await (0,retry/* retry */.L5)(() => requestToken(options.audience), {
        operation: OPERATION,
        maxAttempts: 5,
        initialDelayMs: 1_000,
        attemptTimeoutMs: 10_000,
        exhaustedCode: 'IDENTITY',
        classify: classifyCoreError,
        logger,
        ...options.retry,
        ...(signal === undefined ? {} : { signal }),
    });
    // Registered before it is even parsed: nothing may see it unmasked.
    options.registerSecret(raw);
    return (0,token/* parseIdentityToken */.Xm)(raw, 'github', 'the GitHub ID token endpoint answer');
}
function requireTokenEndpoint() {
    const missing = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'].filter((name) => (process.env[name] ?? '') === '');
    if (missing.length === 0)
        return;
    throw new errors/* GatepassError */.J9('IDENTITY', `GitHub gave this job no OIDC token endpoint (${missing.join(' and ')} not set)`, {
        hint: 'Add `permissions: id-token: write` to the workflow or job; pull requests from forks (and Dependabot) never get an ID token, so run such jobs without gatepass',
    });
}
async function requestToken(audience) {
    try {
        return await lib_core/* getIDToken */.V9(audience);
    }
    catch (err) {
        throw coreError(err);
    }
}
/**
 * `core.getIDToken` reports every failure as one multi-line message with the
 * status buried inside ("Error Code : 500"). Recover the status so the retry
 * policy can tell a 503 from a 403, and keep the message to one line.
 */
function coreError(err) {
    const text = err instanceof Error ? err.message : String(err);
    const status = /Error Code\s*:\s*(\d{3})/.exec(text)?.[1];
    const detail = /Error Message\s*:\s*(.+)/.exec(text)?.[1]?.trim() ?? text;
    // No answer at all: http-client's "connect ECONNREFUSED 10.1.0.4:443" names the OS code.
    const os = status === undefined ? /\b(E[A-Z][A-Z_]{2,})\b/.exec(detail)?.[1] : undefined;
    if (os !== undefined) {
        return new errors/* GatepassError */.J9('IDENTITY', `cannot reach the GitHub ID token endpoint at ${endpointOrigin()} (${os})`, {
            hint: "The runner could not connect to GitHub's token service; check the runner's network and proxy settings, and https://www.githubstatus.com",
            cause: err,
        });
    }
    const answer = status === undefined ? 'failed' : `answered HTTP ${status}`;
    const message = `the ID token endpoint ${answer}: ${detail.replace(/\s+/g, ' ')}`;
    const hint = 'GitHub could not issue an ID token; check `permissions: id-token: write` and https://www.githubstatus.com';
    if (status !== undefined) {
        return new retry/* HttpStatusError */.F9(Number(status), message, { code: 'IDENTITY', hint, cause: err });
    }
    return new errors/* GatepassError */.J9('IDENTITY', message, { hint, cause: err });
}
function endpointOrigin() {
    try {
        return new URL(process.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '').origin;
    }
    catch {
        return 'ACTIONS_ID_TOKEN_REQUEST_URL';
    }
}
/** Retry transient statuses, and failures without a status (network, empty answer). */
function classifyCoreError(err) {
    if (err instanceof retry/* AttemptTimeoutError */.dU)
        return { retry: true };
    if (err instanceof retry/* HttpStatusError */.F9)
        return { retry: (0,retry/* isRetryableStatus */.PS)(err.status) };
    return { retry: err instanceof errors/* GatepassError */.J9 && err.code === 'IDENTITY' };
}

// EXTERNAL MODULE: ./src/flow/job.ts + 4 modules
var job = __webpack_require__(2678);
// EXTERNAL MODULE: ./src/config/config.ts + 6 modules
var config = __webpack_require__(439);
// EXTERNAL MODULE: ./src/platform/detect.ts
var detect = __webpack_require__(1356);
;// CONCATENATED MODULE: ./src/platform/github.ts
/**
 * The GitHub Actions host: inputs, outputs, state, masking, exported
 * variables, the job summary and the ID token, through `@actions/core`.
 *
 * One guard sits in front of core: when GITHUB_OUTPUT, GITHUB_STATE or
 * GITHUB_ENV is unset, core falls back to printing the value as a workflow
 * command (`::save-state`, `::set-env`), which would put a revocation handle
 * or a credential in the log. So each of those calls first checks that the
 * runner named the file and that it exists, and `preflight` checks the same
 * before any network call. Core reads `process.env`, so the host does too.
 */









const log = {
    debug: (message) => {
        lib_core/* debug */.Yz(message);
    },
    info: (message) => {
        lib_core/* info */.pq(message);
    },
    warning: (message) => {
        lib_core/* warning */.$e(message);
    },
    error: (message) => {
        lib_core/* error */.z3(message);
    },
};
function githubHost() {
    const env = process.env;
    return {
        setOutput: (name, value) => {
            requireFile('GITHUB_OUTPUT', `set the output ${name}`);
            core.setOutput(name, value);
        },
        state: {
            save: (value) => {
                requireFile('GITHUB_STATE', 'save revocation handles');
                core.saveState(STATE_KEY, value);
            },
            load: () => core.getState(STATE_KEY),
        },
        setSecret: (value) => {
            core.setSecret(value);
        },
        exportVariable: (name, value) => {
            requireFile('GITHUB_ENV', 'export variables');
            // Core also sets process.env[name]: the script, started later, gets it anyway.
            core.exportVariable(name, value);
        },
        appendSummary: async ({ markdown }) => {
            // core.summary throws (never prints) without GITHUB_STEP_SUMMARY.
            await core.summary.addRaw(markdown, true).write();
        },
        log,
        context: githubContext(env),
        workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
        tempDir: jobTempDir('github', env),
        env,
        identity: (options) => githubIdentity(options),
        preflight: ({ exportEnv }) => {
            requireFile('GITHUB_STATE', 'save revocation handles');
            requireFile('GITHUB_OUTPUT', 'set outputs');
            if (exportEnv)
                requireFile('GITHUB_ENV', 'export variables');
        },
    };
}
/** The file command's path; throws rather than let core print the value to the log. */
function requireFile(name, purpose) {
    const path = process.env[name] ?? '';
    if (path !== '' && existsSync(path))
        return path;
    const problem = path === '' ? `the runner set no ${name} file` : `the ${name} file does not exist`;
    throw new GatepassError('CONFIG', `${problem}, needed to ${purpose}`, {
        hint: 'Run gatepass as a step of a GitHub Actions runner 2.297.0 or later (every hosted runner is)',
    });
}
function githubContext(env) {
    const get = (name) => {
        const value = env[name];
        return value === undefined || value === '' ? undefined : value;
    };
    return {
        platform: 'github',
        repository: get('GITHUB_REPOSITORY'),
        ref: get('GITHUB_REF'),
        sha: get('GITHUB_SHA'),
        runId: get('GITHUB_RUN_ID'),
        runAttempt: get('GITHUB_RUN_ATTEMPT'),
        job: get('GITHUB_JOB'),
        step: get('GITHUB_ACTION'),
        actor: get('GITHUB_ACTOR'),
        workflow: get('GITHUB_WORKFLOW'),
        eventName: get('GITHUB_EVENT_NAME'),
        serverUrl: get('GITHUB_SERVER_URL') ?? 'https://github.com',
    };
}
/**
 * The action's main step: the inputs, parsed here (the flow never reads
 * one), then the run. The script's exit code, or 1 when gatepass failed or a
 * credential outlives the step.
 */
async function runActionMain(runtime = githubMainRuntime(), getInput = (name) => core.getInput(name)) {
    const config = loadConfig(getInput, { platform: 'github', env: process.env }, (message) => {
        runtime.host.log.error(message);
    });
    if (config === undefined)
        return 1;
    return exitCodeOf(await runJob(config, runtime), 1);
}
/** Main's runtime on a GitHub runner: the host, process streams, signals, the approval gate. */
function githubMainRuntime() {
    const host = githubHost();
    return {
        host,
        stdout: process.stdout,
        stderr: process.stderr,
        approvalGate: githubApprovalGate(process.env, host.log),
        onSignal: onProcessSignals,
    };
}
/** `gatepass run` inside a GitHub Actions step: the runner's ID token, masking and summary. */
function githubCliPlatform(env, cwd) {
    return {
        context: githubContext(env),
        workspace: env.GITHUB_WORKSPACE ?? cwd,
        tempDir: (0,detect/* jobTempDir */.z3)('github', env),
        identity: (options) => github_githubIdentity(options),
        setSecret: (value) => {
            lib_core/* setSecret */.Pq(value);
        },
        appendSummary: async (markdown) => {
            await lib_core/* summary */.z.addRaw(markdown, true).write();
        },
        approvalGate: githubApprovalGate(env, log),
    };
}
function githubPostRuntime() {
    return {
        host: githubHost(),
        secret: (input) => core.getInput(input),
    };
}
/** An error `run` did not catch: one `::error::` line and a failed step, not a stack trace. */
function failStep(err) {
    core.setFailed(describeError(err));
}
/**
 * `approval-source: github-pr`: a comment on the pull request (an issue on
 * other events) through approvals/github.ts, awaited by approvals/gate.ts.
 * Both load on first use: a run without approvals never parses them.
 */
function githubApprovalGate(env, logger) {
    let context;
    const resolve = () => (context ??= githubApprovalContext(env));
    return {
        check: () => {
            resolve();
        },
        async wait({ id, subject, config, signal }) {
            const [{ GitHubApprovals }, { approversOf, awaitApproval }] = await Promise.all([
                __webpack_require__.e(/* import() */ 313).then(__webpack_require__.bind(__webpack_require__, 1313)),
                __webpack_require__.e(/* import() */ 141).then(__webpack_require__.bind(__webpack_require__, 4141)),
            ]);
            const { runUrl, ...where } = resolve();
            const source = new GitHubApprovals({ ...where, token: config.githubToken ?? '', logger });
            const result = await awaitApproval({
                policy: config.approvals,
                subject,
                runUrl,
                source,
                logger,
                signal,
            });
            return approversOf(result, id);
        },
    };
}
/** The gate's context; throws CONFIG when the runner did not say what it must. */
function githubApprovalContext(env) {
    const need = (name) => {
        const value = env[name] ?? '';
        if (value !== '')
            return value;
        throw new errors/* GatepassError */.J9('CONFIG', `\`approvals\` needs ${name}, which the runner did not set`, {
            hint: 'Run gatepass as a step of a GitHub Actions job, or set `approvals: 0`',
        });
    };
    const repository = need('GITHUB_REPOSITORY');
    const runId = need('GITHUB_RUN_ID');
    need('GITHUB_SHA');
    const actorId = Number(env.GITHUB_ACTOR_ID ?? '');
    const thread = pullRequestOf(env);
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    const attempt = env.GITHUB_RUN_ATTEMPT ?? '';
    return {
        repository,
        ...thread,
        actor: {
            login: need('GITHUB_ACTOR'),
            ...(Number.isSafeInteger(actorId) && actorId > 0 ? { id: actorId } : {}),
        },
        ...(env.GITHUB_TRIGGERING_ACTOR === undefined || env.GITHUB_TRIGGERING_ACTOR === ''
            ? {}
            : { triggeringActor: env.GITHUB_TRIGGERING_ACTOR }),
        apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
        runUrl: `${server}/${repository}/actions/runs/${runId}${attempt === '' ? '' : `/attempts/${attempt}`}`,
    };
}
/** The pull request and its author, when the event is about one; none means "open an issue". */
function pullRequestOf(env) {
    const event = env.GITHUB_EVENT_NAME ?? '';
    const prEvent = event.startsWith('pull_request');
    const path = env.GITHUB_EVENT_PATH ?? '';
    let payload = {};
    try {
        if (path !== '')
            payload = JSON.parse((0,external_node_fs_.readFileSync)(path, 'utf8'));
    }
    catch {
        if (prEvent)
            throw eventError(event, 'its payload (GITHUB_EVENT_PATH) could not be read');
    }
    const pr = payload.pull_request ?? (payload.issue?.pull_request === undefined ? undefined : payload.issue);
    const number = pr?.number;
    if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
        if (prEvent)
            throw eventError(event, 'its payload names no pull request');
        return {};
    }
    const { id, login } = pr?.user ?? {};
    // Without the author, the author could approve their own request: fail closed.
    if (typeof id !== 'number' || typeof login !== 'string') {
        throw eventError(event, `its payload names no author of pull request #${number}`);
    }
    return { pullNumber: number, author: { id, login } };
}
function eventError(event, problem) {
    return new errors/* GatepassError */.J9('CONFIG', `the ${event} event: ${problem}`, {
        hint: 'The approval request is posted on the pull request; re-run the workflow, or set `approvals: 0`',
    });
}


/***/ })

};

//# sourceMappingURL=52.index.js.map