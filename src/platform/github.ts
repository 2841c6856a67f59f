/**
 * The GitHub Actions host: inputs, outputs, state, masking, exported
 * variables, the job summary and the ID token.
 *
 * It speaks the runner's contract directly (INPUT_* / STATE_* variables,
 * workflow commands on stdout, file commands in GITHUB_OUTPUT / _STATE / _ENV
 * / _STEP_SUMMARY) instead of importing `@actions/core`: loading core costs
 * about 100 ms at every start (its HTTP client bundles undici), and its
 * fallback of printing state and variables as workflow commands when a file
 * is missing would put a revocation handle or a credential in the log. The
 * ID token still comes through identity/github.ts.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { EOL, tmpdir } from 'node:os';
import { GatepassError } from '../errors.js';
import { githubIdentity } from '../identity/github.js';
import type { MainRuntime } from '../main.js';
import type { PostRuntime } from '../post.js';
import type { ActionHost, HostLogger, RunContext } from './host.js';

export function githubHost(
  env: NodeJS.ProcessEnv = process.env,
  write: (text: string) => void = (text) => {
    process.stdout.write(text);
  },
): ActionHost {
  const command = (name: string, message: string): void => {
    write(`::${name}::${escapeData(message)}${EOL}`);
  };
  const log: HostLogger = {
    debug: (message) => {
      command('debug', message);
    },
    info: (message) => {
      write(`${message}${EOL}`);
    },
    warning: (message) => {
      command('warning', message);
    },
    error: (message) => {
      command('error', message);
    },
  };
  const fileCommand = (file: string, key: string, value: string): void => {
    appendFileSync(requireFile(env, file, `write ${key}`), keyValue(key, value), 'utf8');
  };
  return {
    getInput: (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim(),
    setOutput: (name, value) => {
      fileCommand('GITHUB_OUTPUT', name, value);
    },
    saveState: (name, value) => {
      fileCommand('GITHUB_STATE', name, value);
    },
    getState: (name) => env[`STATE_${name}`] ?? '',
    setSecret: (value) => {
      command('add-mask', value);
    },
    exportVariable: (name, value) => {
      fileCommand('GITHUB_ENV', name, value);
    },
    appendSummary: async (markdown) => {
      await appendFile(
        requireFile(env, 'GITHUB_STEP_SUMMARY', 'write the job summary'),
        `${markdown}${EOL}`,
      );
    },
    log,
    context: githubContext(env),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    tempDir: env.RUNNER_TEMP ?? tmpdir(),
    env,
    identity: (options) => githubIdentity(options),
    preflight: ({ exportEnv }) => {
      requireFile(env, 'GITHUB_STATE', 'save revocation handles');
      requireFile(env, 'GITHUB_OUTPUT', 'set outputs');
      if (exportEnv) requireFile(env, 'GITHUB_ENV', 'export variables');
    },
  };
}

/** A workflow command's data: the runner unescapes %25, %0D and %0A. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** `name<<delimiter` block of a file command; the delimiter is random, so no value can end it early. */
export function keyValue(key: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (key.includes(delimiter) || value.includes(delimiter)) {
    throw new GatepassError('INTERNAL', `a value for ${key} contains the file command delimiter`);
  }
  return `${key}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

function requireFile(env: NodeJS.ProcessEnv, name: string, purpose: string): string {
  const path = env[name] ?? '';
  if (path !== '') return path;
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
