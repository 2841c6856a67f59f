/**
 * The GitHub Actions host: inputs, outputs, state, masking, exported
 * variables, the job summary and the ID token, through `@actions/core`. The
 * only file besides identity/github.ts that imports `@actions/*`.
 */
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { GatepassError } from '../errors.js';
import { githubIdentity } from '../identity/github.js';
import type { MainRuntime } from '../main.js';
import type { PostRuntime } from '../post.js';
import type { ActionHost, HostLogger, RunContext } from './host.js';

export function githubHost(env: NodeJS.ProcessEnv = process.env): ActionHost {
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
  return {
    getInput: (name) => core.getInput(name),
    setOutput: (name, value) => {
      core.setOutput(name, value);
    },
    saveState: (name, value) => {
      core.saveState(name, value);
    },
    getState: (name) => core.getState(name),
    setSecret: (value) => {
      core.setSecret(value);
    },
    exportVariable: (name, value) => {
      core.exportVariable(name, value);
    },
    appendSummary: async (markdown) => {
      try {
        await core.summary.addRaw(markdown, true).write();
      } finally {
        // A failed write must not leave the text to be written twice.
        core.summary.emptyBuffer();
      }
    },
    log,
    context: githubContext(env),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    tempDir: env.RUNNER_TEMP ?? tmpdir(),
    env,
    identity: (options) => githubIdentity(options),
    preflight: ({ exportEnv }) => {
      // Without these files, @actions/core falls back to workflow commands on
      // stdout: a revocation handle or an exported credential would be printed.
      requireFile(env, 'GITHUB_STATE', 'save revocation handles');
      if (exportEnv) requireFile(env, 'GITHUB_ENV', 'export variables');
    },
  };
}

function requireFile(env: NodeJS.ProcessEnv, name: string, purpose: string): void {
  if ((env[name] ?? '') !== '') return;
  throw new GatepassError('CONFIG', `the runner set no ${name} file, needed to ${purpose}`, {
    hint: 'Use GitHub Actions runner 2.297.0 or later (every hosted runner is)',
  });
}

function githubContext(env: NodeJS.ProcessEnv): RunContext {
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
  return {
    host: githubHost(),
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
