/**
 * What every `gatepass` command gets from the process: arguments' streams,
 * environment, working directory and signals, as parameters, so tests drive
 * the commands like the binary. And the exit code of gatepass's own failures.
 */
import type { Readable, Writable } from 'node:stream';

/** gatepass's own failure (bad input, gateway refused, a credential left unrevoked). */
export const EXIT_FAILURE = 2;

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
  /** Ends the process now (a second signal while revoking). */
  exit(code: number): void;
}
