/**
 * The runner's side of the action contract, for tests that run the bundles
 * as child processes: `INPUT_*` with action.yml's defaults, spawning an
 * entry point, a step's files and environment, and reading the file
 * commands it wrote.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const MAIN = 'dist/main/index.js';
export const POST = 'dist/post/index.js';
export const CLI = 'dist/cli/index.js';

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  startedAt: number;
}

/** INPUT_<NAME> for every input of action.yml: its default unless given. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const action = parse(readFileSync('action.yml', 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    // The runner evaluates `${{ github.token }}`; a placeholder token stands in.
    const fallback = (spec.default ?? '').replace(
      '${{ github.token }}',
      'ghs_placeholderTokenForTests0000000000',
    );
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = inputs[name] ?? fallback;
  }
  for (const name of Object.keys(inputs)) {
    if (!(name in action.inputs)) throw new Error(`action.yml has no input ${name}`);
  }
  return env;
}

export function launch(entry: string, env: Record<string, string>, args: readonly string[] = []) {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [entry, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const result = new Promise<Result>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        startedAt,
      });
    });
  });
  return { child, result, stdout: () => Buffer.concat(out).toString() };
}

/** Parses a file-command file (`name<<delimiter` blocks); the last value of a key wins. */
export function readCommands(file: string): Record<string, string> {
  const text = readFileSync(file, 'utf8');
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (m === null) continue;
    const [, name = '', delimiter] = m;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i] ?? '');
    values[name] = body.join('\n');
  }
  return values;
}

/** The runner's side of one action step: its files and the environment it gives main. */
export interface Step {
  dir: string;
  workspace: string;
  env: Record<string, string>;
  files: { output: string; state: string; env: string; summary: string };
}

let steps = 0;

/**
 * A push-event step of `octo-org/app` in a fresh directory under `root`, with
 * `inputs` (the gateway's URL among them) and the gateway's ID-token endpoint;
 * `env` overrides or adds variables.
 */
export function githubStep(options: {
  root: string;
  inputs: Record<string, string>;
  idToken: { url: string; token: string };
  env?: Record<string, string>;
}): Step {
  const dir = join(options.root, `step-${++steps}`);
  const workspace = join(dir, 'workspace');
  const temp = join(dir, 'runner-temp');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(temp, { recursive: true });
  const files = {
    output: join(dir, 'output'),
    state: join(dir, 'state'),
    env: join(dir, 'env'),
    summary: join(dir, 'summary.md'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const event = join(dir, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'octo-org/app' } }),
  );
  return {
    dir,
    workspace,
    files,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      ...inputEnv(options.inputs),
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_REPOSITORY: 'octo-org/app',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SHA: 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
      GITHUB_RUN_ID: '9000002',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'migrate',
      GITHUB_ACTION: `gatepass-${steps}`,
      GITHUB_ACTOR: 'octocat',
      GITHUB_WORKFLOW: 'migrate',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: event,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: temp,
      GITHUB_OUTPUT: files.output,
      GITHUB_STATE: files.state,
      GITHUB_ENV: files.env,
      GITHUB_STEP_SUMMARY: files.summary,
      ACTIONS_ID_TOKEN_REQUEST_URL: options.idToken.url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: options.idToken.token,
      ...options.env,
    },
  };
}

/** The runner's side of a `pull_request` step; `workspace` is where its script runs. */
export interface PullStep {
  dir: string;
  workspace: string;
  pr: number;
  env: Record<string, string>;
  files: { output: string; state: string; summary: string };
}

/** A `pull_request` step of octo-org/app, for the approval tests: githubStep makes a push. */
export function pullRequestStep(options: {
  root: string;
  inputs: Record<string, string>;
  idToken: { url: string; token: string };
  pull: { number: number; author: { id: number; login: string } };
  actor: { id: number; login: string };
  apiUrl: string;
  env?: Record<string, string>;
}): PullStep {
  const { number: pr, author } = options.pull;
  const actor = options.actor;
  const dir = join(options.root, `step-${++steps}`);
  const workspace = join(dir, 'workspace');
  mkdirSync(join(dir, 'temp'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  const files = {
    output: join(dir, 'output'),
    state: join(dir, 'state'),
    summary: join(dir, 'summary.md'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const event = join(dir, 'event.json');
  const user = { id: author.id, login: author.login, type: 'User' };
  writeFileSync(
    event,
    JSON.stringify({
      action: 'opened',
      number: pr,
      pull_request: { number: pr, user },
      repository: { full_name: 'octo-org/app' },
    }),
  );
  return {
    dir,
    workspace,
    pr,
    files,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      ...inputEnv(options.inputs),
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: 'octo-org/app',
      GITHUB_REF: `refs/pull/${pr}/merge`,
      GITHUB_SHA: 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
      GITHUB_RUN_ID: '9100001',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'deploy',
      GITHUB_ACTION: `gatepass-${steps}`,
      GITHUB_ACTOR: actor.login,
      GITHUB_ACTOR_ID: String(actor.id),
      GITHUB_TRIGGERING_ACTOR: actor.login,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: options.apiUrl,
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: join(dir, 'temp'),
      GITHUB_OUTPUT: files.output,
      GITHUB_STATE: files.state,
      GITHUB_ENV: join(dir, 'env'),
      GITHUB_STEP_SUMMARY: files.summary,
      ACTIONS_ID_TOKEN_REQUEST_URL: options.idToken.url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: options.idToken.token,
      ...options.env,
    },
  };
}

/** A GitLab job's PATH and CI_* context in `projectDir`: the CLI tests add their GATEPASS_* to it. */
export function gitlabJobEnv(options: {
  projectDir: string;
  jobName?: string;
}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    GITLAB_CI: 'true',
    CI_PROJECT_DIR: options.projectDir,
    CI_PROJECT_PATH: 'group/project',
    CI_COMMIT_SHA: 'a'.repeat(40),
    CI_PIPELINE_ID: '77',
    CI_JOB_ID: '1001',
    CI_JOB_NAME: options.jobName ?? 'migrate',
    CI_SERVER_URL: 'https://gitlab.example.com',
  };
}
