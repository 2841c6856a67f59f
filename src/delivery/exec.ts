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
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync, type Stats } from 'node:fs';
import { rm } from 'node:fs/promises';
import { constants } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { PassThrough, type Readable, type Transform, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { defaultPrefix, envNameProblem, type ShellCommand } from '../config/config.js';
import { GatepassError } from '../common/errors.js';
import { collectAsStreamed } from '../common/memory.js';
import type { CredentialRequest, Issued } from '../gateways/gateway.js';
import type { Logger } from '../common/logger.js';

export type Command = { script: string; shell: ShellCommand } | { argv: readonly string[] };

/** A masking stream for each of the command's two outputs. */
export interface Masks {
  stdout: Transform;
  stderr: Transform;
}

export interface ExecOptions {
  command: Command;
  cwd: string;
  /** The child's whole environment (see {@link scriptEnvironment}). */
  env: Readonly<Record<string, string>>;
  /** Where the script file is written (RUNNER_TEMP on GitHub). */
  tempDir: string;
  stdout: Writable;
  stderr: Writable;
  /**
   * The masking of the command's two streams, asked for once the command is
   * spawned (its output waits in the pipes meanwhile), so that loading the
   * masker does not delay the command.
   */
  mask: () => Masks | Promise<Masks>;
  /** `ignore` for CI steps (they have no stdin), `inherit` for a terminal. Default ignore. */
  stdin?: 'ignore' | 'inherit';
  /** Grace between forwarding a signal and SIGKILL. Default 10 s. */
  killAfterMs?: number;
  /** How long to wait for output after the child exited (background jobs holding the pipe). Default 2 s. */
  drainMs?: number;
}

export interface ExecResult {
  /** The exit code, or 128 + the signal number when a signal ended it (as shells report it). */
  exitCode: number;
  signal: NodeJS.Signals | undefined;
  durationMs: number;
}

export interface RunningCommand {
  readonly pid: number;
  /** Forward a signal to the whole process group; SIGKILL follows after the grace period. */
  signal(sig: 'SIGINT' | 'SIGTERM'): void;
  readonly result: Promise<ExecResult>;
}

const POSIX = process.platform !== 'win32';

/** How a signal reaches a process tree; injectable so both platforms' paths are tested anywhere. */
export interface TreeSignalling {
  platform: NodeJS.Platform;
  kill: (pid: number, sig: NodeJS.Signals) => void;
  /** Runs a helper program (Windows: taskkill) and forgets it. */
  run: (program: string, args: readonly string[]) => void;
}

const SYSTEM: TreeSignalling = {
  platform: process.platform,
  kill: (pid, sig) => {
    process.kill(pid, sig);
  },
  run: (program, args) => {
    spawn(program, [...args], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
  },
};

/**
 * Sends `sig` to the command and everything it started. POSIX: to its process
 * group (it runs in its own, see `detached`). Windows has no process groups
 * or SIGTERM: the tree is ended with `taskkill /T /F`, which is what a
 * cancelled step must achieve there.
 */
export function signalTree(pid: number, sig: NodeJS.Signals, via: TreeSignalling = SYSTEM): void {
  if (via.platform === 'win32') {
    via.run('taskkill', ['/PID', String(pid), '/T', '/F']);
    return;
  }
  via.kill(-pid, sig);
}

/** Starts the command; resolves once it is running (rejects if it cannot start). */
export async function startCommand(options: ExecOptions): Promise<RunningCommand> {
  const { program, args, file } = prepare(options);
  const started = Date.now();
  const child = spawn(program, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    // Its own process group (setsid), so signals can reach its descendants too.
    detached: POSIX,
    windowsHide: true,
  });
  const cleanup = (): Promise<void> =>
    file === undefined ? Promise.resolve() : rm(file, { force: true });
  try {
    await spawned(child, program);
  } catch (err) {
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
export async function execCommand(options: ExecOptions): Promise<ExecResult> {
  return (await startCommand(options)).result;
}

function prepare(options: ExecOptions): {
  program: string;
  args: string[];
  file: string | undefined;
} {
  const { command } = options;
  if ('argv' in command) {
    const [program, ...args] = command.argv;
    if (program === undefined || program === '') {
      throw new GatepassError('INPUT', 'no command to run', {
        hint: 'Put the command after --, e.g. gatepass run -- ./deploy.sh',
      });
    }
    return { program, args, file: undefined };
  }
  // Like GitHub's run steps: the script goes to a file, the shell gets its path.
  const file = join(
    options.tempDir,
    `gatepass-${randomBytes(8).toString('hex')}${command.shell.extension}`,
  );
  // Synchronously: the spawn that follows is too, and the thread pool's round
  // trip took longer than the write (a script is at most 256 KiB).
  writeFileSync(file, command.script, { mode: 0o600 });
  const args = command.shell.args.map((arg) => arg.replaceAll('{0}', file));
  return { program: command.shell.program, args, file };
}

/** The command could not be started: not found (ENOENT), or not runnable (EACCES, …). */
export class CommandStartError extends GatepassError {
  readonly notFound: boolean;

  constructor(program: string, err: NodeJS.ErrnoException) {
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

function spawned(child: ChildProcess, program: string): Promise<void> {
  return new Promise<void>((resolveSpawn, reject) => {
    child.once('spawn', () => {
      resolveSpawn();
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
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
export const TERM_GRACE_MS = 2_000;

function groupKiller(
  child: ChildProcess,
  killAfterMs: number,
): { forward(sig: 'SIGINT' | 'SIGTERM'): void; done(): void } {
  let timer: NodeJS.Timeout | undefined;
  let killAt = Number.POSITIVE_INFINITY;
  let interrupted = false;
  let over = false;
  const send = (sig: NodeJS.Signals): void => {
    if (over || child.pid === undefined) return;
    try {
      signalTree(child.pid, sig);
    } catch {
      // ESRCH: the group is gone already.
    }
  };
  return {
    forward(sig) {
      send(sig);
      const wait =
        sig === 'SIGTERM' && interrupted ? Math.min(killAfterMs, TERM_GRACE_MS) : killAfterMs;
      interrupted ||= sig === 'SIGINT';
      if (Date.now() + wait >= killAt) return;
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

async function supervise(
  child: ChildProcess,
  options: ExecOptions,
  started: number,
): Promise<ExecResult> {
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((done) => {
    child.once('exit', (c, s) => {
      done([c, s]);
    });
  });
  // Read from the spawn on: when a child exits, Node drains whatever output
  // nobody reads yet, and a quick command can end before its masks exist.
  const outputs = [hold(child.stdout), hold(child.stderr)] as const;
  const masks = await masksFor(child, options);
  const pumps = [
    pump(outputs[0], masks.stdout, options.stdout),
    pump(outputs[1], masks.stderr, options.stderr),
  ];
  const [code, signal] = await exited;
  // A background job can keep the pipes open forever: flush what the masker
  // holds and stop reading after a grace period instead of hanging the step.
  const grace = setTimeout(() => {
    for (const pumped of pumps) pumped.stop();
  }, options.drainMs ?? 2_000);
  await Promise.all(pumps.map((p) => p.done));
  clearTimeout(grace);
  return {
    exitCode: code ?? 128 + (signal === null ? 0 : constants.signals[signal]),
    signal: signal ?? undefined,
    durationMs: Date.now() - started,
  };
}

/** The masks; without them nothing may be printed, so the command is ended. */
async function masksFor(child: ChildProcess, options: ExecOptions): Promise<Masks> {
  try {
    return await options.mask();
  } catch (err) {
    try {
      if (child.pid !== undefined) signalTree(child.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is gone already.
    }
    throw err;
  }
}

/** A command's output stream, and where it is held until its mask takes it. */
interface Held {
  source: Readable;
  held: PassThrough;
}

function hold(source: Readable | null): Held | undefined {
  return source === null ? undefined : { source, held: source.pipe(new PassThrough()) };
}

function pump(
  output: Held | undefined,
  mask: Transform,
  destination: Writable,
): { done: Promise<void>; stop(): void } {
  if (output === undefined) return { done: Promise.resolve(), stop: () => undefined };
  const { source, held } = output;
  collectAsStreamed(source);
  held.pipe(mask);
  // The destination is shared (process.stdout): never end it.
  mask.pipe(destination, { end: false });
  return {
    done: finished(mask).catch(() => undefined),
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
export function scriptEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  credentials: Readonly<Record<string, string>>,
  hidden: readonly string[] = [],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || isPrivate(name) || hidden.includes(name)) continue;
    env[name] = value;
  }
  return { ...env, ...credentials };
}

function isPrivate(name: string): boolean {
  const upper = name.toUpperCase();
  return (
    upper.startsWith('INPUT_') ||
    upper.startsWith('STATE_') ||
    upper.startsWith('GATEPASS_') ||
    upper === 'GITHUB_STATE'
  );
}

/** The directory to run in; checked before any network call. */
export function resolveWorkingDirectory(directory: string | undefined, base: string): string {
  const path =
    directory === undefined ? base : isAbsolute(directory) ? directory : resolve(base, directory);
  // Synchronously: one stat before any network call, and the thread pool's
  // round trip costs more than the call.
  let info: Stats | undefined;
  try {
    info = statSync(path, { throwIfNoEntry: false });
  } catch {
    info = undefined;
  }
  if (info?.isDirectory() !== true) {
    throw new GatepassError(
      'INPUT',
      `input \`working-directory\` ${directory ?? base} is not a directory${info === undefined ? ' (it does not exist)' : ''}`,
      {
        hint: 'Check out the repository first, or fix the path (relative to the workspace)',
      },
    );
  }
  return path;
}

/**
 * The variables one credential provides: its `env` mapping, or every field
 * as `<NAME>_<FIELD>`. A mapped field the gateway did not return is an error
 * naming the fields it did return (names only, never values).
 */
export function credentialVariables(
  request: CredentialRequest,
  issued: Issued,
  logger: Logger,
): Record<string, string> {
  const variables: Record<string, string> = {};
  if (request.env !== undefined) {
    for (const [name, field] of Object.entries(request.env)) {
      const value = issued.values[field];
      if (value === undefined) {
        throw new GatepassError(
          'GATEWAY',
          `credential "${request.name}" has no field "${field}" (env ${name})`,
          {
            hint: `The gateway returned: ${Object.keys(issued.values).join(', ') || 'no fields'}; map env to one of them`,
          },
        );
      }
      variables[name] = value;
    }
    return variables;
  }
  for (const [field, value] of Object.entries(issued.values)) {
    const name = `${defaultPrefix(request.name)}_${field.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
    const problem = envNameProblem(name);
    if (problem === undefined) variables[name] = value;
    else
      logger.warning(
        `field "${field}" of "${request.name}" is not exported: ${name} ${problem}; use \`env:\` to name it`,
      );
  }
  return variables;
}
