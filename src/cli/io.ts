/**
 * What every `gatepass` command gets from the process: arguments' streams,
 * environment, working directory and signals, as parameters, so tests drive
 * the commands like the binary. And the exit code of gatepass's own failures.
 */
import type { Readable, Writable } from 'node:stream';

/**
 * Exit codes of gatepass's own, kept apart from any code the wrapped command
 * can return, as `env`, `timeout`, `nice` and `docker run` do: 125 for
 * gatepass's own failure (bad input, gateway refused, a credential left
 * unrevoked), 126 when the command exists but cannot be run, 127 when it is
 * not found. Anything else is the command's own code.
 */
export const EXIT_FAILURE = 125;
export const EXIT_CANNOT_RUN = 126;
export const EXIT_NOT_FOUND = 127;

export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** SIGINT/SIGTERM for `run`; none in tests that do not send any. */
  readonly signals?: SignalSource;
}

export interface SignalSource {
  /** Returns the unsubscribe. */
  subscribe(handler: (sig: 'SIGINT' | 'SIGTERM') => void): () => void;
  /** Ends the process now (a second signal after the revocation, while the audit record is written). */
  exit(code: number): void;
}
