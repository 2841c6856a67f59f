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
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { GatepassError, describeError } from '../errors.js';
import { githubIdentity } from '../identity/github.js';
import type { MainRuntime } from '../main.js';
import type { PostRuntime } from '../post.js';
import type { ActionHost, HostLogger, RunContext } from './host.js';

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

export function githubHost(): ActionHost {
  const env = process.env;
  return {
    getInput: (name) => core.getInput(name),
    setOutput: (name, value) => {
      requireFile('GITHUB_OUTPUT', `set the output ${name}`);
      core.setOutput(name, value);
    },
    saveState: (name, value) => {
      requireFile('GITHUB_STATE', 'save revocation handles');
      core.saveState(name, value);
    },
    getState: (name) => core.getState(name),
    setSecret: (value) => {
      core.setSecret(value);
    },
    exportVariable: (name, value) => {
      requireFile('GITHUB_ENV', 'export variables');
      // Core also sets process.env[name]: the script, started later, gets it anyway.
      core.exportVariable(name, value);
    },
    appendSummary: async (markdown) => {
      // core.summary throws (never prints) without GITHUB_STEP_SUMMARY.
      await core.summary.addRaw(markdown, true).write();
    },
    log,
    context: githubContext(env),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    tempDir: env.RUNNER_TEMP ?? tmpdir(),
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

/** Main's runtime on a GitHub runner: the host, process streams and signals. */
export function githubMainRuntime(): MainRuntime {
  const host = githubHost();
  return {
    host,
    stdout: process.stdout,
    stderr: process.stderr,
    onSignal: (handler) => {
      const listener = (sig: NodeJS.Signals): void => {
        handler(sig === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
      };
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      };
    },
  };
}

export function githubPostRuntime(): PostRuntime {
  return { host: githubHost() };
}

/** An error `run` did not catch: one `::error::` line and a failed step, not a stack trace. */
export function failStep(err: unknown): void {
  core.setFailed(describeError(err));
}
