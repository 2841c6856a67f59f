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
import { existsSync, readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { GatepassError, describeError } from '../common/errors.js';
import { githubIdentity } from '../identity/github.js';
import type { GitHubApprovalOptions } from '../approvals/github.js';
import { exitCodeOf, runJob, type MainRuntime } from '../flow/job.js';
import { loadConfig } from '../config/config.js';
import type { ApprovalGate } from '../flow/host.js';
import type { Logger } from '../common/logger.js';
import type { PostRuntime } from '../flow/post.js';
import { jobTempDir } from './detect.js';
import { onProcessSignals } from './signals.js';
import type { CliPlatform, Host, HostLogger, RunContext } from '../flow/host.js';
import { STATE_KEY } from '../flow/state.js';

const log: HostLogger = {
  debug: (message) => {
    core.debug(message);
  },
  info: (message) => {
    core.info(message);
  },
  warning: (message) => {
    core.warning(message);
  },
  error: (message) => {
    core.error(message);
  },
};

export function githubHost(): Host {
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
      if (exportEnv) requireFile('GITHUB_ENV', 'export variables');
    },
  };
}

/** The file command's path; throws rather than let core print the value to the log. */
function requireFile(name: string, purpose: string): string {
  const path = process.env[name] ?? '';
  if (path !== '' && existsSync(path)) return path;
  const problem =
    path === '' ? `the runner set no ${name} file` : `the ${name} file does not exist`;
  throw new GatepassError('CONFIG', `${problem}, needed to ${purpose}`, {
    hint: 'Run gatepass as a step of a GitHub Actions runner 2.297.0 or later (every hosted runner is)',
  });
}

export function githubContext(env: NodeJS.ProcessEnv): RunContext {
  const get = (name: string): string | undefined => {
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
export async function runActionMain(
  runtime: MainRuntime = githubMainRuntime(),
  getInput: (name: string) => string = (name) => core.getInput(name),
): Promise<number> {
  const config = loadConfig(getInput, { platform: 'github', env: process.env }, (message) => {
    runtime.host.log.error(message);
  });
  if (config === undefined) return 1;
  return exitCodeOf(await runJob(config, runtime), 1);
}

/** Main's runtime on a GitHub runner: the host, process streams, signals, the approval gate. */
export function githubMainRuntime(): MainRuntime {
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
export function githubCliPlatform(env: NodeJS.ProcessEnv, cwd: string): CliPlatform {
  return {
    context: githubContext(env),
    workspace: env.GITHUB_WORKSPACE ?? cwd,
    tempDir: jobTempDir('github', env),
    identity: (options) => githubIdentity(options),
    setSecret: (value) => {
      core.setSecret(value);
    },
    appendSummary: async (markdown) => {
      await core.summary.addRaw(markdown, true).write();
    },
    approvalGate: githubApprovalGate(env, log),
  };
}

export function githubPostRuntime(): PostRuntime {
  return {
    host: githubHost(),
    secret: (input) => core.getInput(input),
  };
}

/** An error `run` did not catch: one `::error::` line and a failed step, not a stack trace. */
export function failStep(err: unknown): void {
  core.setFailed(describeError(err));
}

/** Who and where, for the PR comment gate: from the runner's variables and the event payload. */
export type GitHubApprovalContext = Omit<GitHubApprovalOptions, 'token' | 'clock' | 'logger'> & {
  runUrl: string;
};

/**
 * `approval-source: github-pr`: a comment on the pull request (an issue on
 * other events) through approvals/github.ts, awaited by approvals/gate.ts.
 * Both load on first use: a run without approvals never parses them.
 */
export function githubApprovalGate(env: NodeJS.ProcessEnv, logger: Logger): ApprovalGate {
  let context: GitHubApprovalContext | undefined;
  const resolve = (): GitHubApprovalContext => (context ??= githubApprovalContext(env));
  return {
    check: () => {
      resolve();
    },
    async wait({ id, subject, config, signal }) {
      const [{ GitHubApprovals }, { approversOf, awaitApproval }] = await Promise.all([
        import('../approvals/github.js'),
        import('../approvals/gate.js'),
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

interface EventUser {
  id?: unknown;
  login?: unknown;
}

interface EventPayload {
  pull_request?: { number?: unknown; user?: EventUser };
  issue?: { number?: unknown; user?: EventUser; pull_request?: unknown };
}

/** The gate's context; throws CONFIG when the runner did not say what it must. */
export function githubApprovalContext(env: NodeJS.ProcessEnv): GitHubApprovalContext {
  const need = (name: string): string => {
    const value = env[name] ?? '';
    if (value !== '') return value;
    throw new GatepassError('CONFIG', `\`approvals\` needs ${name}, which the runner did not set`, {
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
function pullRequestOf(
  env: NodeJS.ProcessEnv,
): Pick<GitHubApprovalOptions, 'pullNumber' | 'author'> {
  const event = env.GITHUB_EVENT_NAME ?? '';
  const prEvent = event.startsWith('pull_request');
  const path = env.GITHUB_EVENT_PATH ?? '';
  let payload: EventPayload = {};
  try {
    if (path !== '') payload = JSON.parse(readFileSync(path, 'utf8')) as EventPayload;
  } catch {
    if (prEvent) throw eventError(event, 'its payload (GITHUB_EVENT_PATH) could not be read');
  }
  const pr =
    payload.pull_request ?? (payload.issue?.pull_request === undefined ? undefined : payload.issue);
  const number = pr?.number;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    if (prEvent) throw eventError(event, 'its payload names no pull request');
    return {};
  }
  const { id, login } = pr?.user ?? {};
  // Without the author, the author could approve their own request: fail closed.
  if (typeof id !== 'number' || typeof login !== 'string') {
    throw eventError(event, `its payload names no author of pull request #${number}`);
  }
  return { pullNumber: number, author: { id, login } };
}

function eventError(event: string, problem: string): GatepassError {
  return new GatepassError('CONFIG', `the ${event} event: ${problem}`, {
    hint: 'The approval request is posted on the pull request; re-run the workflow, or set `approvals: 0`',
  });
}
