/**
 * The CLI's side of the host interface, for a plain terminal and for CI jobs
 * that run `gatepass` as a command (GitLab):
 *
 * - `terminalHost`: what main's flow needs (a Host) on top of a CI
 *   platform (platform/gitlab.ts, github.ts, or `localPlatform` here): inputs
 *   from flags, environment and file; messages on stderr; revocation state
 *   written to a file at once, so `gatepass revoke` can finish the job;
 * - `stateFileHost`: `gatepass revoke --state FILE`.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { GatepassError, errorCodeOf } from '../common/errors.js';
import { localIdentity } from '../identity/local.js';
import { jobTempDir } from './detect.js';
import type { CliPlatform, Host, HostLogger, PostHost, RunContext } from '../flow/host.js';

export interface TerminalIo {
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** gatepass's own lines on stderr; debug ones only when asked for. */
export function terminalLogger(stderr: Writable, debug: boolean): HostLogger {
  // Messages shared with the action's log may already name gatepass.
  const say = (prefix: string) => (message: string) => {
    stderr.write(`gatepass: ${prefix}${message.replace(/^gatepass: /, '')}\n`);
  };
  return {
    debug: debug ? say('debug: ') : () => undefined,
    info: say(''),
    warning: say('warning: '),
    error: say('error: '),
  };
}

/** GATEPASS_DEBUG=1, or the CI's own debug switch (CI_DEBUG_TRACE, RUNNER_DEBUG). */
export function wantsDebug(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.GATEPASS_DEBUG === '1' || env.CI_DEBUG_TRACE === 'true' || env.RUNNER_DEBUG === '1';
}

export interface LocalPlatformOptions {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** `--id-token-file`; else the token is read from GATEPASS_ID_TOKEN. */
  idTokenFile: string | undefined;
}

/** A developer's machine, or a CI gatepass does not know: the ID token is handed in. */
export function localPlatform(options: LocalPlatformOptions): CliPlatform {
  const { env } = options;
  const context: RunContext = {
    platform: 'local',
    repository: undefined,
    ref: undefined,
    sha: undefined,
    runId: undefined,
    runAttempt: undefined,
    job: undefined,
    step: undefined,
    actor: env.USER ?? env.USERNAME,
    workflow: undefined,
    eventName: undefined,
    serverUrl: undefined,
  };
  return {
    context,
    workspace: options.cwd,
    tempDir: jobTempDir('local', env),
    identity: ({ registerSecret, logger }) =>
      localIdentity({
        ...(options.idTokenFile === undefined ? {} : { file: options.idTokenFile }),
        registerSecret,
        logger,
        env: { ...env },
      }),
    setSecret: () => undefined,
  };
}

export interface TerminalHostOptions {
  platform: CliPlatform;
  /** Where the revocation state is written, each time it changes. */
  statePath: string;
  log: HostLogger;
  stderr: Writable;
  env: Readonly<Record<string, string | undefined>>;
  /** `--summary FILE`: the Markdown summary is appended there too. */
  summaryFile?: string;
}

/**
 * The CLI's Host: no step outputs (the log and audit file carry the same
 * facts) and no later steps to export to; the state goes to `statePath`.
 */
export function terminalHost(options: TerminalHostOptions): Host {
  const { platform, statePath, log } = options;
  let saved = '';
  return {
    state: {
      save: (value) => {
        writePrivateFile(statePath, value);
        saved = value;
      },
      load: () => saved,
    },
    setSecret: (value) => {
      platform.setSecret(value);
    },
    appendSummary: async ({ markdown, text }) => {
      if (options.summaryFile !== undefined) {
        await appendFile(options.summaryFile, markdown, { mode: 0o600 });
      }
      // A summary page (GitHub's) takes the Markdown; a log or a terminal reads text.
      if (platform.appendSummary !== undefined) await platform.appendSummary(markdown);
      else options.stderr.write(`\n${text}`);
    },
    log,
    context: platform.context,
    workspace: platform.workspace,
    tempDir: platform.tempDir,
    env: options.env,
    identity: (identityOptions) => platform.identity(identityOptions),
    preflight: () => {
      preparePrivateDir(dirname(statePath));
      if (exists(statePath)) {
        throw new GatepassError('INPUT', `the state file ${statePath} already exists`, {
          hint: `It may hold credentials of an earlier run: run \`gatepass revoke --state ${statePath}\` first, or pass another --state`,
        });
      }
    },
  };
}

/**
 * Creates the directory for state files, readable by this user only, and
 * refuses one that is a symlink or someone else's: /tmp is shared, and the
 * state holds revocation handles.
 */
export function preparePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new GatepassError(
      'INPUT',
      `cannot create the state directory ${dir} (${errorCodeOf(err)})`,
      {
        hint: 'Pass --state with a path in a writable directory',
      },
    );
  }
  const info = lstatSync(dir);
  const uid = process.getuid?.();
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) {
    throw new GatepassError('INPUT', `the state directory ${dir} is not a directory of this user`, {
      hint: 'Remove it, or pass --state with a path in a directory of your own',
    });
  }
  // Ours, but perhaps made by hand with the default umask: nobody else may list it.
  if ((info.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/**
 * A state file `gatepass revoke` may act on: a regular file of this user, not
 * a link. Revoking sends the client secret to the endpoint the file names, so
 * a file another user planted (in a shared /tmp) must not be read.
 */
export function checkStateFile(path: string): 'missing' | 'ok' {
  let info;
  try {
    info = lstatSync(path);
  } catch {
    return 'missing';
  }
  const uid = process.getuid?.();
  if (!info.isFile() || (uid !== undefined && info.uid !== uid)) {
    throw new GatepassError('INPUT', `the state file ${path} is not a file of this user`, {
      hint: 'gatepass only revokes from state files it wrote as you; remove this one',
    });
  }
  return 'ok';
}

/** Written whole or not at all (a killed job must not leave half a state file). */
function writePrivateFile(path: string, text: string): void {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  // wx: never through a link or into a file someone else made.
  writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, path);
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The host for `gatepass revoke --state FILE`; undefined when the file does not exist. */
export async function stateFileHost(path: string, io: TerminalIo): Promise<PostHost | undefined> {
  if (checkStateFile(path) === 'missing') return undefined;
  let state: string;
  try {
    state = await readFile(path, 'utf8');
  } catch (err) {
    if (errorCodeOf(err) === 'ENOENT') return undefined;
    throw new GatepassError('INPUT', `cannot read --state ${path} (${errorCodeOf(err)})`, {
      hint: 'Pass the state file gatepass wrote when it issued the credentials',
    });
  }
  return {
    state: {
      load: () => state.trim(),
      unreadable: {
        what: `the state file ${path}`,
        hint: `It is kept: revoke it with the gatepass version that wrote it (\`gatepass revoke --state ${path}\`), or revoke its credentials at the gateway by hand and delete the file`,
      },
    },
    // Nothing here prints a secret, and a terminal has no log masking to tell.
    setSecret: () => undefined,
    appendSummary: () => Promise.resolve(),
    log: terminalLogger(io.stderr, wantsDebug(io.env)),
  };
}
